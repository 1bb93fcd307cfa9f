"""`schemacheck.suggest`: the KQL and query rewrites that answer a check's findings.

The fixtures (tests/fixtures/suggest/<case>/: query.asaql, schema.kql, schemacheck.toml)
are copied to a temporary folder and checked as `schemacheck check` would. Then:

- table side: the suggested KQL is appended to schema.kql, as if run on the cluster
  (the .kql loader applies .create table, .create-merge, .alter column, .rename column);
  the check again must not report the finding, nor any new error;
- query side: every rewrite is applied to the query; the check again must not report the
  finding, and the query must still parse.

The sample project's suggestions are golden files (tests/fixtures/suggest/fleet-telemetry.*;
rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff).
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, run_cli
from support.select_lists import _alias, items, table_columns
from schemacheck import diagnostics as D
from schemacheck.asa.analysis import analyze
from schemacheck.check import Tables, Target, check_job, check_text
from schemacheck.config import Config, find_config
from schemacheck.jobs.discover import find_jobs
from schemacheck.kusto.files import load_schemas
from schemacheck.kusto.schema import Column, TableCatalog, TableSchema
from schemacheck.check.plan import analyze_job, plan_job
from schemacheck.report.suggest import kql_script, render_suggest_text, suggest_document
from schemacheck.suggest import suggest

SUGGEST = FIXTURES / "suggest"


# ---- helpers -------------------------------------------------------------------------

def check_path(path) -> list:
    """The checks of the jobs at `path`, assembled as `schemacheck check` does (check.run.check_paths)."""
    checks = []
    for entry in find_jobs([str(path)]):
        job = entry.job
        config = find_config(job.source if job.form == "query" else job.root, {})
        plan = plan_job(entry, config)
        checks.append(check_job(plan, analyze_job(plan), Tables(plan.schemas), {}, None))
    return checks


def case(name: str, tmp_path):
    """A copy of the fixture `name` (the test may change it) and its one check."""
    folder = tmp_path / name
    shutil.copytree(SUGGEST / name, folder)
    (check,) = check_path(folder / "query.asaql")
    return folder, check


def apply_edits(text: str, edits) -> str:
    """`text` with each (line, column, end_line, end_column, replacement) applied, from the
    last backwards so that earlier positions stay valid."""
    starts = [0]
    for index, character in enumerate(text):
        if character == "\n":
            starts.append(index + 1)

    def offset(line, column):
        return starts[line - 1] + column - 1

    result = text
    spans = sorted(((offset(a, b), offset(c, d), new) for a, b, c, d, new in edits), reverse=True)
    for (start, end, _), (next_start, _, _) in zip(spans[1:], spans):
        assert end <= next_start, "rewrites overlap"
    for start, end, new in spans:
        result = result[:start] + new + result[end:]
    return result


def findings(check, codes=None) -> set:
    return {(d.code, d.query_column, d.table_column) for d in check.diagnostics
            if codes is None or d.code in codes}


def errors(check) -> set:
    return {(d.code, d.query_column, d.table_column) for d in check.diagnostics if d.severity == D.ERROR}


def only(check):
    (suggestion,) = suggest(check)
    return suggestion


# ---- table side -------------------------------------------------------------------------

TABLE_SIDE = [("missing_columns", "SC101"), ("level_1_0", "SC102"), ("types", "SC201"), ("types", "SC202"),
              ("missing_table", "SC501")]


@pytest.mark.parametrize("name, code", TABLE_SIDE, ids=[f"{c}-{n}" for n, c in TABLE_SIDE])
def test_running_the_kql_clears_the_table_side_finding(name, code, tmp_path):
    folder, check = case(name, tmp_path)
    before = findings(check, {code})
    assert before, f"{name} should report {code}"
    suggestion = only(check)
    answering = [s for s in suggestion.commands if code in s.codes]
    assert answering, f"no command answers {code}"
    with open(folder / "schema.kql", "a", encoding="utf-8") as schema:
        schema.write("\n" + kql_script(suggestion))     # comments and all, as pasted into the query window
    (again,) = check_path(folder / "query.asaql")
    assert findings(again, {code}) == set()
    assert errors(again) <= errors(check) - before


def test_missing_columns_become_one_create_merge_with_their_types(tmp_path):
    _, check = case("missing_columns", tmp_path)
    assert len(findings(check, {"SC101"})) == 3
    (step,) = only(check).commands
    assert step.command == (".create-merge table ['Telemetry'] (['SpeedKmh']:real, ['Firmware']:dynamic, "
                            "['Source']:string)")
    assert (step.codes, step.touches_existing_data) == (("SC101",), False)
    assert "Firmware" in step.why and "dynamic" in step.why


def test_level_1_0_renames_the_table_columns_and_says_it_touches_data(tmp_path):
    _, check = case("level_1_0", tmp_path)
    suggestion = only(check)
    assert [s.command for s in suggestion.commands] == [".rename column ['Telemetry'].['DeviceId'] to ['deviceid']",
                                                   ".rename column ['Telemetry'].['Ts'] to ['ts']"]
    assert all(s.touches_existing_data for s in suggestion.commands)
    assert suggestion.query == ()   # no alias can help at level 1.0: a note says so
    assert all("compatibility level to 1.2" in n.reason for n in suggestion.notes if n.codes == ("SC102",))
    assert {d.command for d in check.diagnostics if d.code == "SC102"} == {s.command for s in suggestion.commands}


def test_type_changes_touch_existing_data_and_name_the_query_alternative(tmp_path):
    _, check = case("types", tmp_path)
    suggestion = only(check)
    commands = {s.command: s for s in suggestion.commands}
    reading = commands[".alter column ['Readings'].['Reading'] type=real"]
    assert reading.touches_existing_data and "null" in reading.why
    assert ":4:5" in reading.why                      # or the CAST in the query, at the select item
    assert ".alter column ['Readings'].['Id'] type=string" in commands   # guid has no ASA CAST: table side only


def test_a_missing_table_is_created_with_every_column(tmp_path):
    _, check = case("missing_table", tmp_path)
    suggestion = only(check)
    assert (suggestion.table, suggestion.database, suggestion.table_exists) == ("Summary", "fleet", False)
    (step,) = suggestion.commands
    assert step.command == (".create table ['Summary'] (['DeviceId']:string, ['WindowEnd']:datetime, "
                            "['Readings']:long, ['AvgTemp']:real, ['Flag']:dynamic)")
    assert not step.touches_existing_data


# ---- query side ---------------------------------------------------------------------------

QUERY_SIDE = [("names", "SC101"), ("names", "SC102"), ("names", "SC105"), ("types", "SC201"), ("types", "SC202"),
              ("types", "SC204")]


@pytest.mark.parametrize("name, code", QUERY_SIDE, ids=[f"{c}-{n}" for n, c in QUERY_SIDE])
def test_applying_the_rewrites_clears_the_query_side_finding(name, code, tmp_path):
    folder, check = case(name, tmp_path)
    suggestion = only(check)
    steps = [s for s in suggestion.query if code in s.codes]
    assert steps, f"no rewrite answers {code}"
    answered = {(d.code, d.line, d.column) for d in check.diagnostics if d.code == code}
    answered = {a for a in answered if any((s.line, s.column) == a[1:] for s in steps)}
    assert answered
    query = folder / "query.asaql"
    text = query.read_text(encoding="utf-8")
    for step in suggestion.query:
        assert text_at(text, step) == step.before
    query.write_text(apply_edits(text, [(s.line, s.column, s.end_line, s.end_column, s.after)
                                        for s in suggestion.query]), encoding="utf-8")
    (again,) = check_path(query)
    assert not [d for d in again.diagnostics if d.code == "SC001"]
    columns = {d.query_column for d in check.diagnostics if (d.code, d.line, d.column) in answered}
    assert not [d for d in again.diagnostics if d.code == code and d.query_column in columns - {None}]
    if code == "SC105":
        assert not [d for d in again.diagnostics if d.code == "SC105"]
    assert errors(again) <= errors(check)


def text_at(text: str, step) -> str:
    lines = text.split("\n")
    if step.line == step.end_line:
        return lines[step.line - 1][step.column - 1:step.end_column - 1]
    return "\n".join([lines[step.line - 1][step.column - 1:], *lines[step.line:step.end_line - 1],
                      lines[step.end_line - 1][:step.end_column - 1]])


def test_diagnostic_edits_are_the_query_steps(tmp_path):
    _, check = case("names", tmp_path)
    steps = {(s.line, s.column, s.after) for s in only(check).query}
    edits = {(d.edit.line, d.edit.column, d.edit.text) for d in check.diagnostics if d.edit is not None}
    assert edits and edits <= steps


def test_names_rewrites(tmp_path):
    _, check = case("names", tmp_path)
    suggestion = only(check)
    assert [(s.before, s.after, s.codes) for s in suggestion.query] == [
        ("CAST(dev AS nvarchar(max)) AS deviceId", "CAST(dev AS nvarchar(max)) AS DeviceId", ("SC102",)),
        ("deviceName", "deviceName AS DeviceName", ("SC102",)),
        ("AVG(CAST(temp AS float)) AS Temperatur", "AVG(CAST(temp AS float)) AS Temperature", ("SC101",)),
        ("MAX(CAST(h AS float)) [humidity]", "MAX(CAST(h AS float)) [Humidity]", ("SC102",)),
        ("COUNT(reading)", "COUNT(reading) AS CountReading", ("SC105",)),
    ]
    # A near name is fixed in the query; adding the column instead is only a note.
    assert suggestion.commands == ()
    assert any(".create-merge table ['Summary'] (['Temperatur']:real)" in n.reason for n in suggestion.notes)


def test_type_rewrites_keep_try_cast_and_name_a_bare_column(tmp_path):
    _, check = case("types", tmp_path)
    after = {s.before: s.after for s in only(check).query}
    assert after["TRY_CAST(r AS float) AS Reading"] == "TRY_CAST(r AS bigint) AS Reading"
    assert after["Level"] == "TRY_CAST(Level AS float) AS Level"
    assert after["CAST(x AS float) + CAST(y AS float) AS Total"] == \
        "CAST(CAST(x AS float) + CAST(y AS float) AS bigint) AS Total"


def test_rewrites_of_a_query_in_a_template_land_in_its_json_string(tmp_path):
    folder = tmp_path / "arm"
    shutil.copytree(FIXTURES / "jobs" / "cases" / "arm-template", folder)
    # MerchantId, an untyped input field, into a long column: a TRY_CAST in each statement (SC204).
    schema = folder / "schemas" / "payments_prod.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        '"Name": "MerchantId", "Type": "System.String", "CslType": "string"',
        '"Name": "MerchantId", "Type": "System.Int64", "CslType": "long"'), encoding="utf-8")
    template = folder / "payments.json"
    (check,) = check_path(template)
    text = template.read_text(encoding="utf-8")
    steps = [s for suggestion in suggest(check, {str(template): text}) for s in suggestion.query]
    assert {s.after for s in steps} >= {"TRY_CAST(merchantId AS bigint) AS MerchantId"}
    assert steps and all(s.file == str(template) and s.before == text_at(text, s) for s in steps)
    assert not suggest(check)[0].query[0].before    # without the template's text: no `before`
    template.write_text(apply_edits(text, [(s.line, s.column, s.end_line, s.end_column, s.after) for s in steps]),
                        encoding="utf-8")
    json.loads(template.read_text(encoding="utf-8"))     # still a template
    (again,) = check_path(template)
    assert not [d for d in again.diagnostics if d.code in ("SC001", "SC204")]


# ---- what is left to a person -----------------------------------------------------------

def test_duplicates_order_and_incomplete_columns_are_notes():
    query = ("SELECT CAST(a AS bigint) AS b, CAST(c AS bigint) AS a, CAST(d AS bigint) AS B INTO o FROM i\n"
             "SELECT *, CAST(a AS bigint) AS a INTO p FROM j")
    table = TableSchema("T", None, (Column("a", "long", "long"), Column("b", "long", "long")), "t.kql")
    targets = {"o": Target("o", "T"), "p": Target("p", "T")}
    check = check_text(query, "q.asaql", Tables((), {"adx": TableCatalog((table,))}), targets, Config(), "1.2")
    notes = {code for s in suggest(check, {"q.asaql": query}) for n in s.notes for code in n.codes}
    assert {"SC104", "SC301", "SC403"} <= notes


def test_a_clean_output_and_an_output_that_is_not_adx_get_no_suggestion():
    query = "SELECT CAST(a AS bigint) AS a INTO o FROM i\nSELECT 1 AS zzz INTO blob FROM i"
    table = TableSchema("T", None, (Column("a", "long", "long"),), "t.kql")
    config = Config(outputs={"blob": __import__("schemacheck.config", fromlist=["OutputConfig"]).OutputConfig(
        kind="blob")})
    check = check_text(query, "q.asaql", Tables((), {"adx": TableCatalog((table,))}), {"o": Target("o", "T")}, config, "1.2")
    assert suggest(check, {"q.asaql": query}) == []
    assert render_suggest_text([], {}).startswith("nothing to suggest")


def test_an_unnamed_column_of_a_missing_table_gets_the_suggested_alias_in_both_steps():
    query = "SELECT CAST(a AS bigint) AS a, AVG(CAST(temp AS float)) INTO o FROM i GROUP BY a, TumblingWindow(minute, 1)"
    check = check_text(query, "q.asaql", Tables((), {"adx": TableCatalog()}), {"o": Target("o", "New")}, Config(), "1.2")
    (suggestion,) = suggest(check, {"q.asaql": query})
    (step,) = suggestion.commands
    assert step.command == ".create table ['New'] (['a']:long, ['avg']:real)"
    assert [s.after for s in suggestion.query] == ["AVG(CAST(temp AS float)) AS avg"]


# ---- the sample project, golden -----------------------------------------------------------

def golden(path, actual: str) -> None:
    if os.environ.get("SCHEMACHECK_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no {path}: run with SCHEMACHECK_UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


def test_sample_project_suggestions_golden(monkeypatch):
    monkeypatch.chdir(ROOT)
    suggestions = [s for check in check_path("samples/fleet-telemetry") for s in suggest(check)]
    golden(SUGGEST / "fleet-telemetry.txt", render_suggest_text(suggestions, {}))
    golden(SUGGEST / "fleet-telemetry.json", json.dumps(suggest_document(suggestions), indent=2) + "\n")


def test_sample_project_matches_the_check_command(monkeypatch):
    """The diagnostics suggest reads are those `schemacheck check` reports."""
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli("check", "samples/fleet-telemetry", "--format", "json")
    reported = {(d["code"], d["line"], d["column"]) for f in json.loads(out)["files"] for d in f["diagnostics"]}
    (check,) = check_path("samples/fleet-telemetry")
    assert {(d.code, d.line, d.column) for d in check.diagnostics} == reported
    steps = {(s.line, s.column) for s in suggest(check)[0].query}
    assert steps == {(31, 5), (34, 5)}


# ---- property: rewrites never break the query ------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items, min_size=1, max_size=6), table_columns, st.sampled_from(["1.0", "1.2"]),
       st.booleans())
def test_applying_every_rewrite_never_breaks_the_query(select, columns, level, table_exists):
    query = "SELECT" + ",".join(f"{space or ' '}{expr}{_alias(name, style)}" for expr, name, style, space in select)
    query += "\nINTO o\nFROM i\nGROUP BY a, TumblingWindow(minute, 1)"
    table = TableSchema("T", None, tuple(Column(n, t, t) for n, t in columns), "t.kql")
    catalog = TableCatalog((table,) if table_exists else ())
    check = check_text(query, "q.asaql", Tables((), {"adx": catalog}), {"o": Target("o", "T")}, Config(), level)
    if any(d.code == "SC001" for d in check.diagnostics):
        return   # a generated query ASA would not take either (e.g. a keyword as a bare alias)
    steps = [s for suggestion in suggest(check, {"q.asaql": query}) for s in suggestion.query]
    for step in steps:
        assert text_at(query, step) == step.before
    rewritten = apply_edits(query, [(s.line, s.column, s.end_line, s.end_column, s.after) for s in steps])
    again = analyze(rewritten, file="q.asaql", level=level)
    assert not [d for d in again.diagnostics if d.code == "SC001"], rewritten
    # No rewrite gives a column the name of another one.
    assert sum(d.code == "SC104" for d in again.diagnostics) <= sum(d.code == "SC104" for d in check.diagnostics)
    # Each rewrite keeps the number of columns; every edit of a finding is among the steps.
    assert len(again.outputs[0].columns) == len(analyze(query, level=level).outputs[0].columns)
    edits = {(d.edit.line, d.edit.column, d.edit.text) for d in check.diagnostics if d.edit is not None}
    assert edits <= {(s.line, s.column, s.after) for s in steps}


# ---- SQL outputs ------------------------------------------------------------------------

SQL_CASES = FIXTURES / "sql" / "cases"


def sql_case(name: str, tmp_path, ddl: str):
    """A copy of the SQL golden case `name` whose DDL (the folder `ddl` of
    tests/fixtures/sql/ddl) is copied beside it, so that statements can be appended."""
    folder = tmp_path / name
    shutil.copytree(SQL_CASES / name, folder)
    shutil.copytree(FIXTURES / "sql" / "ddl" / ddl, folder / "ddl")
    config = folder / "schemacheck.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(f"../../ddl/{ddl}", "ddl"), encoding="utf-8")
    (check,) = check_path(folder / "query.asaql")
    return folder, check


@pytest.mark.parametrize("name, ddl, codes", [
    ("tsql_columns", "tsql", {"SC101", "SC107", "SC202"}),
    ("tsql_types", "tsql", {"SC201", "SC202"}),
    ("postgres", "postgres", {"SC201", "SC202"}),
])
def test_running_the_sql_clears_the_table_side_findings(name, ddl, codes, tmp_path):
    folder, check = sql_case(name, tmp_path, ddl)
    (suggestion,) = suggest(check)
    assert suggestion.language == ("postgres" if ddl == "postgres" else "tsql")
    answered = {(d.code, d.query_column, d.table_column) for d in check.diagnostics
                if d.code in codes and d.command is not None}
    assert answered and {c for c, *_ in answered} == codes
    # Appended to the DDL as printed, comments and all: the loader replays ALTER TABLE in order.
    with open(next((folder / "ddl").rglob("*.sql")), "a", encoding="utf-8") as script:
        script.write("\n" + kql_script(suggestion))
    (again,) = check_path(folder / "query.asaql")
    left = {(d.code, d.query_column, d.table_column) for d in again.diagnostics}
    assert answered & left == set()
    assert errors(again) <= errors(check)


def test_a_missing_sql_table_is_created_with_the_statements_columns(tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    (folder / "query.asaql").write_text(
        "CREATE TABLE i (Device nvarchar(max), n bigint, at datetime, ok bit, ratio float)\n"
        "SELECT Device, n AS Readings, at AS [Read At], ok, ratio INTO [status] FROM i\n", encoding="utf-8")
    (folder / "ddl").mkdir()
    (folder / "ddl" / "other.sql").write_text("CREATE TABLE dbo.Other (a int);\n", encoding="utf-8")
    (folder / "schemacheck.toml").write_text('schemas = ["ddl"]\n[outputs.status]\nkind = "sql"\n'
                                             'table = "ops.Device Status"\n', encoding="utf-8")
    (check,) = check_path(folder / "query.asaql")
    assert [d.code for d in check.diagnostics] == ["SC501"]
    (suggestion,) = suggest(check)
    (step,) = suggestion.commands
    assert step.command == ("CREATE TABLE [ops].[Device Status] (\n  [Device] NVARCHAR(MAX) NULL,\n"
                            "  [Readings] BIGINT NULL,\n  [Read At] DATETIME2 NULL,\n  [ok] BIT NULL,\n"
                            "  [ratio] FLOAT NULL\n);")
    with open(folder / "ddl" / "other.sql", "a", encoding="utf-8") as script:
        script.write("\n" + kql_script(suggestion))
    (again,) = check_path(folder / "query.asaql")
    assert again.diagnostics == ()


def test_sql_suggestions_in_text_and_json(monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli("suggest", "samples/fleet-telemetry")
    assert code == 0
    assert "  T-SQL statements (3; 2 of them touch existing data):" in out
    assert "-- sql-vehicle-status -> fleetops/dbo.VehicleStatus: run in database fleetops" in out
    assert "ALTER TABLE [dbo].[VehicleStatus] ALTER COLUMN [DepotId] INTEGER NULL;" in out
    code, out, _ = run_cli("suggest", "samples/fleet-telemetry", "--format", "json")
    outputs = {o["output"]: o for o in json.loads(out)["files"][0]["outputs"]}
    sql, adx = outputs["sql-vehicle-status"], outputs["adx-alerts"]
    assert (sql["language"], sql["kql"], len(sql["sql"])) == ("tsql", [], 3)
    assert (adx["language"], adx["sql"], len(adx["kql"])) == ("kql", [], 2)


# ---- scripts: suggest --format kql / --format sql --------------------------------------------

from schemacheck.report.suggest import render_suggest_script  # noqa: E402
from schemacheck.suggest import CommandStep, OutputSuggestion, QueryStep  # noqa: E402


def script_commands(script: str, marker: str) -> str:
    """The lines of a script that are not comments (nor blank), as one text: the commands."""
    return "\n".join(line for line in script.split("\n") if line.strip() and not line.startswith(marker))


def suggested_commands(path, language: str) -> list[str]:
    """The table-side commands `suggest --format json` gives for every output in `language`."""
    code, out, _ = run_cli("suggest", str(path), "--format", "json")
    assert code == 0
    key = "kql" if language == "kql" else "sql"
    return [c["command"] for f in json.loads(out)["files"] for o in f["outputs"] for c in o[key]]


@pytest.mark.parametrize("name, code", TABLE_SIDE, ids=[f"{c}-{n}" for n, c in TABLE_SIDE])
def test_the_kql_script_is_only_the_commands_and_clears_the_table_side_finding(name, code, tmp_path):
    folder, check = case(name, tmp_path)
    before = findings(check, {code})
    exit_code, script, _ = run_cli("suggest", str(folder / "query.asaql"), "--format", "kql")
    assert exit_code == 0
    commands = suggested_commands(folder / "query.asaql", "kql")
    assert commands and script_commands(script, "//") == "\n".join(commands)
    with open(folder / "schema.kql", "a", encoding="utf-8") as schema:
        schema.write("\n" + script)                      # pasted whole
    (again,) = check_path(folder / "query.asaql")
    assert findings(again, {code}) == set()
    assert errors(again) <= errors(check) - before


@pytest.mark.parametrize("name, ddl, codes", [
    ("tsql_columns", "tsql", {"SC101", "SC107", "SC202"}),
    ("tsql_types", "tsql", {"SC201", "SC202"}),
    ("postgres", "postgres", {"SC201", "SC202"}),
])
def test_the_sql_script_is_only_the_statements_and_clears_the_table_side_findings(name, ddl, codes, tmp_path):
    folder, check = sql_case(name, tmp_path, ddl)
    answered = {(d.code, d.query_column, d.table_column) for d in check.diagnostics
                if d.code in codes and d.command is not None}
    exit_code, script, _ = run_cli("suggest", str(folder / "query.asaql"), "--format", "sql")
    assert exit_code == 0
    commands = suggested_commands(folder / "query.asaql", "sql")
    assert commands and script_commands(script, "--") == "\n".join(commands)
    with open(next((folder / "ddl").rglob("*.sql")), "a", encoding="utf-8") as target:
        target.write("\n" + script)
    (again,) = check_path(folder / "query.asaql")
    assert answered & {(d.code, d.query_column, d.table_column) for d in again.diagnostics} == set()
    assert errors(again) <= errors(check)


def test_the_sample_scripts_hold_every_command_of_their_language_and_nothing_else(monkeypatch):
    monkeypatch.chdir(ROOT)
    for language, marker in (("kql", "//"), ("sql", "--")):
        code, script, _ = run_cli("suggest", "samples/fleet-telemetry", "--format", language)
        assert code == 0
        commands = suggested_commands("samples/fleet-telemetry", language)
        assert commands and script_commands(script, marker) == "\n".join(commands)
    # The query rewrites are there, as comments only.
    _, text, _ = run_cli("suggest", "samples/fleet-telemetry", "--format", "kql")
    _, document, _ = run_cli("suggest", "samples/fleet-telemetry", "--format", "json")
    adx = [o for f in json.loads(document)["files"] for o in f["outputs"] if o["language"] == "kql"]
    for step in (s for o in adx for s in o["query"]):
        assert f"//     + {step['after']}" in text.split("\n")


def _suggestion(language: str, commands: list[str], before: str, after: str, output: str = "o") -> OutputSuggestion:
    return OutputSuggestion("q.asaql", output, 3, 6, "db", "T", True,
                            tuple(CommandStep(c, ("SC201",), True, "why " + before) for c in commands),
                            (QueryStep("q.asaql", 2, 5, 2, 5 + len(before), before, after, ("SC201",)),),
                            (), language)


# Text of a query that a reader could take for the end of a comment line (and then for a command).
TRICKY = ("CAST(a AS float)\r\n    + 1\u2028.create table Evil (a: string)\x85.drop table T\x0b\x0c\r"
          "DROP TABLE T; /* '")


def test_query_text_in_a_script_stays_in_its_comments(tmp_path):
    from schemacheck.kusto.scripts import parse_script
    from schemacheck.sql.ddl import load_ddl

    kql = render_suggest_script([_suggestion("kql", [".create-merge table ['T'] (['b']:long)"], TRICKY, TRICKY)],
                                "kql", {})
    assert script_commands(kql, "//") == ".create-merge table ['T'] (['b']:long)"
    tables = parse_script(".create table T (a: string)\n" + kql, "t.kql")
    assert [(t.name, [c.name for c in t.columns]) for t in tables] == [("T", ["a", "b"])]
    for dialect, command in (("tsql", "ALTER TABLE [dbo].[T] ADD [b] BIGINT NULL;"),
                             ("postgres", 'ALTER TABLE "public"."t" ADD COLUMN "b" BIGINT;')):
        sql = render_suggest_script([_suggestion(dialect, [command], TRICKY, TRICKY)], "sql", {})
        assert script_commands(sql, "--") == command
        path = tmp_path / f"{dialect}.sql"
        table = "CREATE TABLE dbo.T (a INT);\n" if dialect == "tsql" else "CREATE TABLE public.t (a INTEGER);\n"
        path.write_text(table + sql, encoding="utf-8")
        (loaded,) = load_ddl([str(path)], dialect).tables
        assert [c.name for c in loaded.columns] == ["a", "b"]


def test_a_script_with_nothing_to_run_is_one_comment_and_sql_dialects_are_apart():
    from schemacheck.kusto.scripts import parse_script

    for language, marker in (("kql", "//"), ("sql", "--")):
        empty = render_suggest_script([], language)
        assert len(empty.splitlines()) == 1 and empty.startswith(marker)
    assert parse_script(render_suggest_script([], "kql"), "t.kql") == []
    mixed = [_suggestion("postgres", ['ALTER TABLE "t" ADD COLUMN "b" BIGINT;'], "a", "b", "pg"),
             _suggestion("kql", [".create-merge table ['T'] (['b']:long)"], "a", "b", "adx"),
             _suggestion("tsql", ["ALTER TABLE [T] ADD [b] BIGINT NULL;"], "a", "b", "ms")]
    sql = render_suggest_script(mixed, "sql")
    assert script_commands(sql, "--").split("\n") == ["ALTER TABLE [T] ADD [b] BIGINT NULL;",
                                                      'ALTER TABLE "t" ADD COLUMN "b" BIGINT;']
    assert sql.index("T-SQL") < sql.index("ALTER TABLE [T]") < sql.index("PostgreSQL") < sql.index('ALTER TABLE "t"')
    assert script_commands(render_suggest_script(mixed, "kql"), "//") == ".create-merge table ['T'] (['b']:long)"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items, min_size=1, max_size=6), table_columns, st.sampled_from(["1.0", "1.2"]), st.booleans())
def test_the_kql_script_of_any_query_loads_after_the_schema(select, columns, level, table_exists):
    from schemacheck.kusto.scripts import parse_script

    query = "SELECT" + ",".join(f"{space or ' '}{expr}{_alias(name, style)}" for expr, name, style, space in select)
    query += "\nINTO o\nFROM i\nGROUP BY a, TumblingWindow(minute, 1)"
    table = TableSchema("T", None, tuple(Column(n, t, t) for n, t in columns), "t.kql")
    check = check_text(query, "q.asaql", Tables((), {"adx": TableCatalog((table,) if table_exists else ())}), {"o": Target("o", "T")},
                       Config(), level)
    suggestions = suggest(check, {"q.asaql": query})
    script = render_suggest_script(suggestions, "kql", {"q.asaql": query})
    commands = list(dict.fromkeys(k.command for s in suggestions for k in s.commands))   # each once
    assert script_commands(script, "//") == "\n".join(commands)
    schema = ".create table T (" + ", ".join(f"['{n}']: {t}" for n, t in columns) + ")\n" if table_exists else ""
    parse_script(schema + "\n" + script, "t.kql")
