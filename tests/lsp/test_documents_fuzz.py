"""Any document the language server may be given (a half-typed, mutated, binary-looking or huge
query in a project folder) is checked, hovered, outlined and navigated without an exception:
schemacheck.lsp.analysis, fed by the fuzzers' own generators (tests/support/fuzzing.py)."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import SAMPLE_JOB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import support.fuzzing as F
from schemacheck.lsp import analysis as L

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.data_too_large,
                                                                           HealthCheck.function_scoped_fixture])


def chosen(make):
    return st.composite(lambda draw: make(F.DrawChooser(draw)))()


documents = st.one_of(
    st.sampled_from(F.query_seeds()).flatmap(lambda text: chosen(lambda ch: F.mutate_text_times(ch, text))),
    st.sampled_from(F.query_seeds()).flatmap(
        lambda text: chosen(lambda ch: F.bytes_of(ch, text).decode("utf-8", "replace"))),
    st.text(max_size=300),
    st.sampled_from(["", "\x00\x01\x02", "SELECT", "SELECT a INTO", "WITH x AS (", "SELECT * FROM [in] " * 2000]),
)


@pytest.fixture(scope="module")
def query(tmp_path_factory):
    project = tmp_path_factory.mktemp("lsp-fuzz") / "fleet"
    shutil.copytree(SAMPLE_JOB, project)
    return str(project / "FleetTelemetry.asaql")


@SETTINGS
@given(text=documents, line=st.integers(1, 60), column=st.integers(1, 80))
def test_any_document_is_checked_hovered_and_outlined_without_an_exception(query, text, line, column):
    result = L.check_document(query, {os.path.realpath(query): text})
    for check in result.checks:
        for diagnostic in check.diagnostics:
            L.message(diagnostic)
            L.related(result.checks, diagnostic)
            L.suppression(text, diagnostic)
    L.hover(result.checks, query, line, column)
    L.source_hover(result.checks, query, text, line, column)
    L.query_symbols(text)
    L.analysis_symbols(result.checks, query)
    L.definition(text, line, column)
    L.job_definition(result.checks, query, text, line, column)
