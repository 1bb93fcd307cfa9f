"""Untyped columns through the command line: a job whose untyped input fields go into a long and a
datetime column (SC204, the TRY_CAST `check --fix` applies, a re-check without them), a clean
query into string columns (nothing at all), the SC203 summary line, and the coverage figures of
`check` and `infer --coverage`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, ROOT, run_cli

QUERY = """-- Readings from the hub: nothing types the input's fields.
SELECT
    DeviceId,
    Reading,
    Ts
INTO [adx-readings]
FROM [telemetry-in]
"""


def job(folder: Path, query: str = QUERY) -> Path:
    """A VS Code ASA project: input telemetry-in (Event Hubs, no sample), output adx-readings
    (Azure Data Explorer, table Readings: DeviceId string, Reading long, Ts datetime)."""
    files = {
        "asaproj.json": ('{\n  "name": "readings",\n  "startFile": "query.asaql",\n  "configurations": [\n'
                         '    { "filePath": "JobConfig.json", "subType": "JobConfig" },\n'
                         '    { "filePath": "Inputs/telemetry-in.json", "subType": "Input" },\n'
                         '    { "filePath": "Outputs/adx-readings.json", "subType": "Output" }\n  ]\n}\n'),
        "JobConfig.json": ('{\n  "CompatibilityLevel": "1.2",\n  "DataLocale": "en-US",\n'
                           '  "OutputErrorPolicy": "Drop",\n  "UseSystemAssignedIdentity": true\n}\n'),
        "Inputs/telemetry-in.json": ('{\n  "Name": "telemetry-in",\n  "Type": "Data Stream",\n'
                                     '  "DataSourceType": "Event Hub",\n'
                                     '  "EventHubProperties": { "AuthenticationMode": "Msi" }\n}\n'),
        "Outputs/adx-readings.json": ('{\n  "Name": "adx-readings",\n  "DataSourceType": "Azure Data Explorer",\n'
                                      '  "AzureDataExplorerProperties": {\n'
                                      '    "Cluster": "https://ingest-fleet.westeurope.kusto.windows.net",\n'
                                      '    "Database": "fleet",\n    "Table": "Readings",\n'
                                      '    "AuthenticationMode": "Msi"\n  }\n}\n'),
        "schemas/Readings.kql": ".create table Readings (DeviceId: string, Reading: long, Ts: datetime)\n",
        "query.asaql": query,
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def check_json(*args: str) -> tuple[int, dict]:
    code, out, err = run_cli("check", *args, "--format", "json")
    assert "Traceback" not in err
    return code, json.loads(out)


def findings(document: dict) -> list[tuple]:
    return [(d["code"], d["severity"], d["line"], d["query_column"], d["table_column"])
            for f in document["files"] for d in f["diagnostics"]]


def test_untyped_fields_into_long_and_datetime_warn_and_fix_clears_them(tmp_path):
    folder = job(tmp_path / "readings")
    code, document = check_json(str(folder))
    assert code == 0
    assert findings(document) == [("SC204", "warning", 4, "Reading", "Reading"),
                                  ("SC204", "warning", 5, "Ts", "Ts"),
                                  ("SC203", "info", 6, None, None)]
    reading, ts, summary = document["files"][0]["diagnostics"]
    assert reading["fix"] == ("`TRY_CAST(Reading AS bigint)` in the query, or give input telemetry-in a schema "
                              "([inputs.telemetry-in] in schemacheck.toml, a sample, or CREATE TABLE)")
    assert ts["fix"].startswith("`TRY_CAST(Ts AS datetime)` in the query")
    assert "ADX stores null, without an error, for every value that does not parse as datetime" in ts["message"]
    assert summary["message"] == "1 column of output adx-readings untyped: DeviceId"

    code, out, err = run_cli("check", str(folder), "--fix")
    assert code == 0 and "fixed 2 findings in 1 file" in err
    assert (folder / "query.asaql").read_text(encoding="utf-8") == QUERY.replace(
        "    Reading,\n", "    TRY_CAST(Reading AS bigint) AS Reading,\n").replace(
        "    Ts\n", "    TRY_CAST(Ts AS datetime) AS Ts\n")
    assert "SC204" not in out and "1 of 3 columns typed" not in out and "2 of 3 columns typed (expression 2)" in out

    code, document = check_json(str(folder))
    assert findings(document) == [("SC203", "info", 6, None, None)]
    assert document["files"][0]["outputs"][0]["coverage"]["typed"] == 2


def test_the_diff_shows_the_try_casts_and_writes_nothing(tmp_path):
    folder = job(tmp_path / "readings")
    code, out, err = run_cli("check", str(folder), "--diff")
    assert code == 1 and "would fix 2 findings in 1 file" in err
    assert "+    TRY_CAST(Reading AS bigint) AS Reading,\n" in out and "+    TRY_CAST(Ts AS datetime) AS Ts\n" in out
    assert (folder / "query.asaql").read_text(encoding="utf-8") == QUERY


def test_a_clean_query_into_string_columns_prints_no_finding_at_all(monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli("check", "tests/fixtures/check/typed_strings")
    assert (code, err) == (0, "")
    assert out == ("tests/fixtures/check/typed_strings/query.asaql\n"
                   "  notes-out (line 6) -> Notes (tests/fixtures/check/typed_strings/tables.kql): ok; "
                   "3 of 3 columns typed (expression 3)\n\n"
                   "tests/fixtures/check/typed_strings/query.asaql: 0 errors, 0 warnings, 0 infos; "
                   "1 of 1 output compared\n")


def test_untyped_fields_into_string_columns_are_one_summary_line(tmp_path):
    query = QUERY.replace("    Reading,\n    Ts\n", "    CAST(Reading AS bigint) AS Reading,\n"
                                                  "    CAST(Ts AS datetime) AS Ts\n")
    folder = job(tmp_path / "readings", query)
    (folder / "schemas" / "Readings.kql").write_text(
        ".create table Readings (DeviceId: string, Site: string, Tags: dynamic, Reading: long, Ts: datetime)\n",
        encoding="utf-8")
    (folder / "query.asaql").write_text(query.replace("    DeviceId,\n", "    DeviceId,\n    Site,\n    Tags,\n"),
                                        encoding="utf-8")
    code, out, _err = run_cli("check", str(folder))
    assert code == 0
    assert out.count("info[SC203]") == 1 and "warning[" not in out and "error[" not in out
    assert "info[SC203]: 3 columns of output adx-readings untyped: DeviceId, Site, Tags\n" in out
    assert ("  = fix: give input telemetry-in a schema ([inputs.telemetry-in] in schemacheck.toml, a sample, or "
            "CREATE TABLE)\n") in out


def test_infer_reports_coverage_per_output(monkeypatch):
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli("infer", "tests/fixtures/check/untyped")
    assert "  readings-out (line 12): 7 columns; 1 of 7 columns typed (expression 1)\n" in out
    _, out, _ = run_cli("infer", "tests/fixtures/check/untyped", "--format", "json")
    (output,) = json.loads(out)["files"][0]["outputs"]
    assert output["coverage"] == {"typed": 1, "total": 7, "complete": True, "sources": {
        "create-table": 0, "sample": 0, "reference": 0, "declared": 0, "metadata": 0, "expression": 1, "unknown": 6}}


def test_infer_coverage_prints_a_table_with_a_total(monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli("infer", "--coverage", "tests/fixtures/check/untyped",
                             "tests/fixtures/check/typed_strings", "samples/fleet-telemetry")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["file", "output", "typed", "total", "%", "create-table", "sample", "reference",
                                "declared", "metadata", "expression", "unknown"]
    rows = {line.split()[1]: line.split()[2:] for line in lines[1:] if line.startswith(("tests/", "samples/"))}
    assert rows["readings-out"] == ["1", "7", "14.3%", "0", "0", "0", "0", "0", "1", "6"]
    assert rows["notes-out"] == ["3", "3", "100.0%", "0", "0", "0", "0", "0", "3", "0"]
    assert rows["raw-archive"] == ["9", "9", "100.0%", "0", "5", "0", "0", "4", "0", "0"]
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[:7] == ["total", "(6", "outputs)", "29", "35", "82.9%", "0"]
    assert lines[-1] == "29 of 35 columns typed (82.9%); 5 of 6 outputs fully typed"


def test_infer_coverage_in_json(monkeypatch):
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli("infer", "--coverage", "--format", "json", str(FIXTURES.relative_to(ROOT) / "check"
                                                                            / "untyped"))
    document = json.loads(out)
    assert document["outputs"] == [{"file": "tests/fixtures/check/untyped/query.asaql", "output": "readings-out",
                                    "statements": 1, "typed": 1, "total": 7, "complete": True, "sources": {
                                        "create-table": 0, "sample": 0, "reference": 0, "declared": 0,
                                        "metadata": 0, "expression": 1, "unknown": 6}}]
    assert document["total"] == {"outputs": 1, "fully_typed": 0, "typed": 1, "total": 7, "complete": True,
                                 "sources": document["outputs"][0]["sources"]}


def test_an_incomplete_output_is_marked(tmp_path):
    query = tmp_path / "q.asaql"
    query.write_text("SELECT *, CAST(a AS bigint) AS A INTO o FROM [undeclared]\n", encoding="utf-8")
    _, out, _ = run_cli("infer", "--coverage", str(query))
    assert "+: a * adds columns that nothing declares; they are not counted" in out
    _, out, _ = run_cli("infer", str(query))
    assert "1 of 1 column typed (expression 1), and columns a * or an operator adds are not known" in out


def test_iso_date_text_of_a_sample_into_a_datetime_column_is_a_warning_not_an_error(tmp_path):
    folder = job(tmp_path / "readings")
    project = folder / "asaproj.json"
    project.write_text(project.read_text(encoding="utf-8").replace(
        '"subType": "Input" },\n', '"subType": "Input" },\n'
        '    { "filePath": "Inputs/Local_telemetry-in.json", "subType": "InputMock" },\n'), encoding="utf-8")
    (folder / "Inputs" / "Local_telemetry-in.json").write_text(
        '{\n  "InputAlias": "telemetry-in",\n  "Type": "Data Stream",\n  "Format": "Json",\n'
        '  "FilePath": "../data/telemetry.json",\n  "ScriptType": "InputMock"\n}\n', encoding="utf-8")
    (folder / "data").mkdir()
    (folder / "data" / "telemetry.json").write_text(
        '{"DeviceId": "d1", "Reading": 12, "Ts": "2024-05-01T10:00:00Z"}\n'
        '{"DeviceId": "d2", "Reading": 13, "Ts": "2024-05-01T10:00:05Z"}\n', encoding="utf-8")
    code, document = check_json(str(folder))
    assert code == 0
    (finding,) = document["files"][0]["diagnostics"]
    assert (finding["code"], finding["severity"], finding["query_column"]) == ("SC202", "warning", "Ts")
    assert "ADX parses ISO 8601 text (2024-05-01T10:00:00Z) into a datetime" in finding["message"]
    assert finding["fix"].startswith("`TRY_CAST(Ts AS datetime)` in the query")
    coverage = document["files"][0]["outputs"][0]["coverage"]
    assert (coverage["typed"], coverage["total"], coverage["sources"]["sample"]) == (3, 3, 3)


def test_the_coverage_benchmark_prints_figures_and_skips_a_missing_corpus(tmp_path, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("coverage_benchmark", ROOT / "benchmarks" / "coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "figures.json"
    assert module.main(["--corpus", str(tmp_path / "absent"), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "note: corpus: skipped" in printed and "jobs/cases, as jobs" in printed
    groups = {g["group"]: g for g in json.loads(out.read_text(encoding="utf-8"))["groups"]}
    cases, alone = groups["jobs/cases, as jobs"], groups["jobs/cases, query only"]
    assert 0 < alone["typed"] < cases["typed"] <= cases["total"]
    assert sum(cases["sources"].values()) == cases["total"]
