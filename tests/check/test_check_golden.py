"""Golden cases for `schemacheck check`: tests/fixtures/check/<case>/query.asaql with its
schemacheck.toml (tables in tests/fixtures/check/schemas/) -> <case>/expected.json.

expected.json holds each output's mapping ([output, status, table]) and every
diagnostic as [code, line, column, query_column, table_column]. The files were reviewed
by hand against the rules in schemacheck/diagnostics.py. After a deliberate change,
rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, assert_golden, rules_fired, run_cli

CASES = sorted(p.parent for p in (FIXTURES / "check").glob("*/query.asaql"))


def summarize(case) -> tuple[int, dict]:
    code, out, err = run_cli("check", str(case / "query.asaql"), "--format", "json")
    assert err == "", err
    (entry,) = json.loads(out)["files"]
    return code, {
        "exit": code,
        "outputs": [[o["output"], o["status"], o["table"]] for o in entry["outputs"]],
        "diagnostics": [[d["code"], d["line"], d["column"], d["query_column"], d["table_column"]]
                        for d in entry["diagnostics"]],
    }


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_check_golden(case):
    _, actual = summarize(case)
    assert_golden(case / "expected.json", actual)


def test_every_comparator_rule_fires_in_some_case():
    fired = rules_fired(CASES)
    rules = {"SC101", "SC102", "SC103", "SC104", "SC201", "SC202", "SC203", "SC204", "SC301", "SC401", "SC402",
             "SC403", "SC404", "SC405", "SC501"}
    assert rules <= fired, f"no golden case for {sorted(rules - fired)}"
