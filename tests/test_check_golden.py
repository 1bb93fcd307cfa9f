"""Golden cases for `schemacheck check`: tests/fixtures/check/<case>/query.asaql with its
schemacheck.toml (tables in tests/fixtures/check/schemas/) -> <case>/expected.json.

expected.json holds each output's mapping ([output, status, table]) and every
diagnostic as [code, line, column, query_column, table_column]. The files were reviewed
by hand against the rules in schemacheck/diagnostics.py. After a deliberate change,
rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import FIXTURES, render_golden, run_cli

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
    golden = case / "expected.json"
    if os.environ.get("SCHEMACHECK_UPDATE_GOLDEN"):
        golden.write_text(render_golden(actual), encoding="utf-8")
    assert golden.exists(), f"no {golden}: run with SCHEMACHECK_UPDATE_GOLDEN=1 and review it"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_every_comparator_rule_fires_in_some_case():
    fired = set()
    for case in CASES:
        fired.update(d[0] for d in json.loads((case / "expected.json").read_text(encoding="utf-8"))["diagnostics"])
    rules = {"SC101", "SC102", "SC103", "SC104", "SC201", "SC202", "SC203", "SC301", "SC401", "SC402",
             "SC403", "SC404", "SC405", "SC501"}
    assert rules <= fired, f"no golden case for {sorted(rules - fired)}"
