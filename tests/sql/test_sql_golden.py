"""Golden cases for SQL outputs: tests/fixtures/sql/cases/<case>/query.asaql with its
schemacheck.toml (DDL in tests/fixtures/sql/ddl/: T-SQL as SSDT keeps it, a
case-sensitive SSDT project, PostgreSQL migrations) -> <case>/expected.json.

expected.json holds each output's mapping ([output, status, kind, table]) and every
diagnostic as [code, severity, line, column, query_column, table_column]. The files
were reviewed by hand against the rules in schemacheck/diagnostics.py and the type
tables in schemacheck/sql/types.py; after a deliberate change rewrite them with
SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, assert_golden, rules_fired, run_cli

CASES = sorted(p.parent for p in (FIXTURES / "sql" / "cases").glob("*/query.asaql"))


def summarize(case) -> dict:
    code, out, err = run_cli("check", str(case / "query.asaql"), "--format", "json")
    assert err == "", err
    (entry,) = json.loads(out)["files"]
    return {
        "exit": code,
        "outputs": [[o["output"], o["status"], o["kind"], o["table"]] for o in entry["outputs"]],
        "diagnostics": [[d["code"], d["severity"], d["line"], d["column"], d["query_column"], d["table_column"]]
                        for d in entry["diagnostics"]],
    }


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_sql_golden(case):
    assert_golden(case / "expected.json", summarize(case))


def test_every_sql_rule_fires_in_some_case():
    fired = rules_fired(CASES)
    rules = {"SC101", "SC102", "SC103", "SC106", "SC107", "SC108", "SC109", "SC201", "SC202", "SC203", "SC204", "SC301",
             "SC402", "SC501", "SC502"}
    assert rules <= fired, f"no golden case for {sorted(rules - fired)}"


def test_a_clean_sql_output_passes_and_a_required_column_fails_the_run():
    assert summarize(FIXTURES / "sql" / "cases" / "tsql_clean")["exit"] == 0
    assert summarize(FIXTURES / "sql" / "cases" / "tsql_columns")["exit"] == 1


def test_adx_and_sql_outputs_are_checked_by_one_command():
    summary = summarize(FIXTURES / "sql" / "cases" / "mixed")
    assert [o[:3] for o in summary["outputs"]] == [["summary-out", "compared", "adx"],
                                                    ["sql-readings", "compared", "sql"]]
    # The SQL output's table has no SiteId: the finding names the SQL table and its fix is T-SQL.
    code, out, _ = run_cli("check", str(FIXTURES / "sql" / "cases" / "mixed" / "query.asaql"), "--format", "json")
    (missing,) = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC101"]
    assert "SQL table dbo.DeviceReadings" in missing["message"]
    assert missing["fix"] == "add the column: `ALTER TABLE [dbo].[DeviceReadings] ADD [SiteId] BIGINT NULL;`"
