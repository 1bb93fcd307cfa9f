"""One job with ADX, SQL, Cosmos DB, Table storage and Delta outputs (tests/fixtures/outputs/
fleet-outputs: an ARM template, its ADX and SQL tables and a Delta table's _delta_log in
schemas/) checked in one command, in every format against goldens tests/fixtures/report/
outputs.*; every finding about an output's settings names the output, the setting and its
file:line. SCHEMACHECK_UPDATE_GOLDEN=1 rewrites the goldens (review the diff)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_cli
from test_report_formats import VERSION, assert_text_golden, check_case, golden_formats

from schemacheck.report.formats import render

CASE = "tests/fixtures/outputs/fleet-outputs"
FORMATS = golden_formats("outputs")


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
    assert_text_golden(name, render(fmt, entries, sources=sources, version=VERSION, failed=True))


def test_each_output_is_checked_and_each_settings_finding_names_its_setting(entries):
    (entry,) = entries
    statuses = {o.output.output: o.status for o in entry.outputs}
    assert statuses == {"adx-readings": "compared", "sql-status": "compared", "cosmos-state": "not-checked",
                        "table-latest": "not-checked", "lake": "compared"}
    found = {(d.code, d.output) for d in entry.diagnostics}
    assert ("SC801", "cosmos-state") in found      # the container's partition key column is not written
    assert ("SC802", "table-latest") in found      # the row key in another letter case
    assert ("SC804", "lake") in found              # the Delta partition column is a bigint
    assert ("SC830", "lake") in found              # a column the Delta table lacks is dropped
    template = f"{CASE}/job.json"
    for d in entry.diagnostics:
        if d.code in ("SC801", "SC802", "SC804"):
            assert d.file == template and d.line > 1
            assert f"output {d.output}'s " in d.message and f"({template}:{d.line})" in d.message


def test_the_command_line_exits_1_with_the_same_findings():
    code, out, err = run_cli("check", str(ROOT / CASE), "--format", "json", "--no-cache")
    assert code == 1, err
    codes = sorted({d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]})
    assert {"SC801", "SC802", "SC804", "SC830"} <= set(codes)


# One output of each kind written right (NAME-ok) and one written wrong in each documented way
# (NAME-bad): tests/fixtures/outputs/every-kind, goldens tests/fixtures/report/every-kind.*.
EVERY = "tests/fixtures/outputs/every-kind"
EVERY_FORMATS = [(fmt, name.replace("outputs.", "every-kind.")) for fmt, name in FORMATS]


@pytest.fixture(scope="module")
def every_kind():
    return check_case(EVERY)


@pytest.mark.parametrize("fmt, name", EVERY_FORMATS, ids=[f for f, _ in EVERY_FORMATS])
def test_every_kind_golden(every_kind, fmt, name):
    entries, sources = every_kind
    assert_text_golden(name, render(fmt, entries, sources=sources, version=VERSION, failed=True))


def test_every_rule_fires_on_a_wrong_output_and_none_on_a_right_one(every_kind):
    (entry,), _ = every_kind
    from schemacheck.rules import RULES

    fired = {d.code for d in entry.diagnostics}
    assert {code for code in RULES if "SC801" <= code <= "SC815"} <= fired
    for d in entry.diagnostics:
        if d.output and d.output.endswith("-ok"):
            assert d.code in ("SC404", "SC834"), d   # not checked as a table; a Delta table ASA creates
