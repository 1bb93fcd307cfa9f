"""SC204 (an untyped value into a typed column, with its TRY_CAST) and the SC203 summary line in every
report format: the check of tests/fixtures/check/untyped (input fields nothing types, written into a
datetime, a long, string and dynamic columns) against golden files tests/fixtures/report/untyped.*.
SCHEMACHECK_UPDATE_GOLDEN=1 rewrites them (review the diff)."""

from __future__ import annotations

import json

import pytest
from test_report_formats import VERSION, assert_text_golden, check_case, golden_formats

from schemacheck.report.formats import render

CASE = "tests/fixtures/check/untyped"
FORMATS = golden_formats("untyped")


@pytest.fixture(scope="module")
def checked():
    return check_case(CASE)


@pytest.fixture(scope="module")
def entries(checked):
    return checked[0]


@pytest.fixture(scope="module")
def sources(checked):
    return checked[1]


@pytest.mark.parametrize("fmt, name", FORMATS, ids=[f for f, _ in FORMATS])
def test_golden(entries, sources, fmt, name):
    assert_text_golden(name, render(fmt, entries, sources=sources, version=VERSION, failed=False))


def test_every_format_carries_both_warnings_their_try_casts_and_the_summary(entries, sources):
    (entry,) = entries
    assert [(d.code, d.severity, d.query_column) for d in entry.diagnostics] == [
        ("SC204", "warning", "Ts"), ("SC204", "warning", "Reading"), ("SC203", "info", None)]
    summary = "4 columns of output readings-out untyped: DeviceId, Site, Tags, Note"
    for fmt, _ in FORMATS:
        text = render(fmt, entries, sources=sources, version=VERSION, failed=False)
        assert "TRY_CAST(Ts AS datetime)" in text and "TRY_CAST(Reading AS bigint)" in text, fmt
        if fmt != "github" and fmt != "azure":   # those two print infos as plain lines or notices: checked below
            assert summary in text, fmt
    github = render("github", entries, sources=sources, version=VERSION, failed=False)
    assert f"title=SC203 type-unknown::{summary}%0Afix: give input telemetry-in a schema" in github
    azure = render("azure", entries, sources=sources, version=VERSION, failed=False)
    assert f"info[SC203] {CASE}/query.asaql:12:6: {summary}" in azure
    sarif = json.loads(render("sarif", entries, sources=sources, version=VERSION, failed=False))
    fixes = [r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
             for r in sarif["runs"][0]["results"] if r.get("fixes")]
    assert fixes == ["TRY_CAST(Ts AS datetime) AS Ts", "TRY_CAST(Reading AS bigint) AS Reading"]
