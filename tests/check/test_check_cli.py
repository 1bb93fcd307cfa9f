"""`schemacheck check` end to end: the sample, text and JSON, targets, config, exit codes."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, adx_only_sample, run_cli
from support.files import write

SAMPLE_DIR = ROOT / "samples" / "fleet-telemetry"
SAMPLE = SAMPLE_DIR / "FleetTelemetry.asaql"
TABLES = """.create table Readings (DeviceId: string, Temp: real, At: datetime)
.create table Other (Id: long)
"""


def test_the_sample_in_text(monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli("check", "samples/fleet-telemetry/FleetTelemetry.asaql")
    assert code == 1 and err == ""
    assert ("  adx-readings (line 25) -> VehicleReadings (samples/fleet-telemetry/schemas/VehicleReadings.kql): ok"
            in out)
    assert "  adx-alerts (line 36) -> OverheatAlerts (samples/fleet-telemetry/schemas/OverheatAlerts.json): " \
           "3 errors, 2 warnings" in out
    assert "  sql-vehicle-status (line 48) -> dbo.VehicleStatus (samples/fleet-telemetry/schemas/FleetOps/dbo/" \
           "Tables/VehicleStatus.sql): 1 error, 2 warnings, 1 info" in out
    assert "  raw-archive (line 52): blob, settings checked (no table to compare)" in out
    assert "error[SC102]: output column VehicleId matches table column VehicleID" in out
    assert " 31 |     CAST(r.VehicleId AS nvarchar(max)) AS VehicleId,\n    |     ^^^^" in out
    assert "  = fix: `TRY_CAST(s.ArrayValue.reading AS bigint)` in the query" in out
    assert "error[SC107]: SQL table dbo.VehicleStatus column DepotId (INT) is NOT NULL without a default" in out
    assert out.rstrip().endswith("samples/fleet-telemetry/FleetTelemetry.asaql: 4 errors, 4 warnings, 3 infos; "
                                 "3 of 4 outputs compared")


def test_the_sample_in_json():
    code, out, _ = run_cli("check", str(SAMPLE), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["summary"] == {"errors": 4, "warnings": 4, "infos": 3, "outputs": 4, "outputs_compared": 3,
                                   "columns": 25, "columns_typed": 25}
    (entry,) = document["files"]
    outputs = {o["output"]: o for o in entry["outputs"]}
    assert outputs["adx-readings"]["table"] == "VehicleReadings" and outputs["adx-readings"]["status"] == "compared"
    assert outputs["raw-archive"]["table"] is None and outputs["raw-archive"]["status"] == "not-checked"
    assert (outputs["sql-vehicle-status"]["kind"], outputs["sql-vehicle-status"]["table"]) == ("sql", "VehicleStatus")
    slip = next(d for d in entry["diagnostics"] if d["code"] == "SC201")
    assert {k: slip[k] for k in ("severity", "line", "column", "output", "query_column", "table_column",
                                  "expected_type", "actual_type")} == {
        "severity": "error", "line": 34, "column": 5, "output": "adx-alerts", "query_column": "SensorReading",
        "table_column": "SensorReading", "expected_type": "long", "actual_type": "float"}
    assert "TRY_CAST(s.ArrayValue.reading AS bigint)" in slip["fix"]
    assert set(slip) >= {"code", "severity", "message", "file", "line", "column", "output", "query_column",
                         "table_column", "expected_type", "actual_type", "fix"}


def test_targets_on_the_command_line_win_over_config_and_names(tmp_path):
    write(tmp_path, "schemas/t.kql", TABLES)
    query = write(tmp_path, "q.asaql", "SELECT CAST(d AS nvarchar(max)) AS DeviceId INTO [out] FROM i")
    code, out, _ = run_cli("check", query, "--schema", str(tmp_path / "schemas"), "--target", "out=Readings",
                           "--format", "json")
    entry = json.loads(out)["files"][0]
    assert entry["outputs"][0]["table"] == "Readings"
    assert [d["code"] for d in entry["diagnostics"]] == ["SC103", "SC103"]
    assert code == 0
    code, out, _ = run_cli("check", query, "--schema", str(tmp_path / "schemas"), "--target", "out=db/Reading")
    assert code == 1 and "error[SC501]: output out writes to table db/Reading (--target out), which is not in " \
                          "the loaded schemas; did you mean Readings?" in out


def test_fail_on_decides_the_exit_code(tmp_path):
    write(tmp_path, "schemas/t.kql", TABLES)
    query = write(tmp_path, "q.asaql",
                  "SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(t AS float) AS Temp, CAST(a AS datetime) AS At "
                  "INTO Readings FROM i")
    schemas = str(tmp_path / "schemas")
    assert run_cli("check", query, "--schema", schemas)[0] == 0          # SC405 is an info
    assert run_cli("check", query, "--schema", schemas, "--fail-on", "warning")[0] == 0
    assert run_cli("check", query, "--schema", schemas, "--fail-on", "info")[0] == 1


def test_compat_level_from_the_command_line_and_the_config(tmp_path):
    write(tmp_path, "schemas/t.kql", TABLES)
    write(tmp_path, "schemacheck.toml", 'compat-level = "1.0"\nschemas = ["schemas"]\n')
    query = write(tmp_path, "q.asaql", "SELECT CAST(d AS nvarchar(max)) AS DeviceId INTO Readings FROM i")
    code, out, _ = run_cli("check", query, "--format", "json")
    assert code == 1 and "SC102" in [d["code"] for d in json.loads(out)["files"][0]["diagnostics"]]
    code, out, _ = run_cli("check", query, "--format", "json", "--compat-level", "1.2")
    assert code == 0


def test_pyproject_configuration_in_a_parent_directory(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.schemacheck]\nschemas = ["kusto"]\n\n'
                                      '[tool.schemacheck.outputs.out]\ntable = "Other"\n')
    write(tmp_path, "kusto/t.kql", TABLES)
    query = write(tmp_path, "jobs/deep/q.asaql", "SELECT CAST(i AS bigint) AS Id INTO [out] FROM i")
    code, out, _ = run_cli("check", query, "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["outputs"][0]["table"] == "Other"


@pytest.mark.parametrize("config, words", [
    ('schemas = "one"\n', "schemas: input should be a valid list"),
    ('[outputs.out]\ntabel = "x"\n', "unknown key outputs.out.tabel; an output takes table, database, cluster, kind and schemas"),
    ('[outputs.out]\nkind = "s3"\n', "outputs.out.kind: input should be 'adx', 'blob'"),
    ('compat-level = 1.2\n', "compat-level: input should be '1.0', '1.1' or '1.2'"),
    ('colour = "red"\n', "unknown key colour"),
    ('[outputs.out\n', "not valid TOML"),
])
def test_a_bad_configuration_is_one_line_with_the_file_and_key(tmp_path, config, words):
    path = write(tmp_path, "schemacheck.toml", config)
    query = write(tmp_path, "q.asaql", "SELECT 1 AS x INTO [out] FROM i")
    code, out, err = run_cli("check", query)
    assert code == 2 and out == ""
    assert err.startswith(f"schemacheck: error: {path}:") and words in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_bad_configuration_names_the_line_of_the_key(tmp_path):
    path = write(tmp_path, "schemacheck.toml", 'schemas = ["s"]\n\n[outputs.a]\ntable = "T"\n\n[outputs.b]\n'
                                               'table = "U"\nkind = "nope"\n')
    code, _, err = run_cli("check", write(tmp_path, "q.asaql", "SELECT 1 AS x INTO a FROM i"))
    assert code == 2 and err.startswith(f"schemacheck: error: {path}:8: outputs.b.kind")


@pytest.mark.parametrize("name, content, words", [
    ("bad.json", '{"Name": "T", "OrderedColumns": [{"Name": "a", "CslType": "strin"}]}', "unknown Kusto type 'strin'"),
    ("bad.kql", ".create table T (a string)", "expected ':' in the column list, found 'string'"),
    ("bad.json", "{not json", "not valid JSON"),
])
def test_a_bad_schema_file_exits_2_naming_it(tmp_path, name, content, words):
    schema = write(tmp_path, f"schemas/{name}", content)
    query = write(tmp_path, "q.asaql", "SELECT 1 AS x INTO T FROM i")
    code, out, err = run_cli("check", query, "--schema", schema)
    assert code == 2 and out == ""
    assert err.startswith(f"schemacheck: error: {schema}:1:") and words in err and err.count("\n") == 1


@pytest.mark.parametrize("value", ["nonsense", "out=", "=T", "out=a/b/c", "out=/T"])
def test_bad_targets_are_usage_errors(tmp_path, value):
    code, _, err = run_cli("check", str(SAMPLE), "--target", value)
    assert code == 2 and "--target" in err


def test_a_syntax_error_is_reported_and_exits_1(tmp_path):
    write(tmp_path, "schemas/t.kql", TABLES)
    query = write(tmp_path, "q.asaql", "SELECT a,\nFROM i")
    code, out, _ = run_cli("check", query, "--schema", str(tmp_path / "schemas"), "--format", "json")
    entry = json.loads(out)["files"][0]
    assert code == 1 and entry["outputs"] == [] and entry["diagnostics"][0]["code"] == "SC001"


def test_several_files_get_one_summary(tmp_path):
    write(tmp_path, "schemas/t.kql", TABLES)
    schemas = str(tmp_path / "schemas")
    first = write(tmp_path, "a.asaql", "SELECT CAST(i AS bigint) AS Id INTO Other FROM i")
    second = write(tmp_path, "b.asaql", "SELECT 'x' AS Id INTO Other FROM i")
    code, out, _ = run_cli("check", first, second, "--schema", schemas)
    assert code == 1
    assert out.rstrip().endswith("2 files: 1 error, 0 warnings, 2 infos; 2 of 2 outputs compared")


@pytest.mark.parametrize("with_sql", [False, True], ids=["adx-only job", "job with a SQL output"])
def test_the_offline_check_imports_neither_sqlglot_nor_azure_nor_lark(tmp_path, with_sql):
    import subprocess
    import sys

    job = SAMPLE if with_sql else adx_only_sample(tmp_path) / "FleetTelemetry.asaql"
    script = (
        "import sys, io\n"
        "from schemacheck.cli import main\n"
        f"code = main(['check', {str(job)!r}, '--format', 'json'], io.StringIO(), io.StringIO())\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('lark', 'pydantic', 'sqlglot', "
        "'azure')})\n"
        "print(code, heavy, 'pydantic_core' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    # The sample's schema JSON is plainly valid, so not even pydantic's engine is imported
    # (tests/test_validation_fast_path.py); pydantic's model layer is never used. sqlglot
    # only when a SQL output's DDL is read.
    assert result.stdout.strip() == ("1 ['sqlglot'] False" if with_sql else "1 [] False")


def test_a_target_for_an_output_no_statement_writes_is_a_warning(tmp_path):
    write(tmp_path, "schemas/t.kql", TABLES)
    query = write(tmp_path, "q.asaql", "SELECT CAST(i AS bigint) AS Id INTO Other FROM i")
    code, out, err = run_cli("check", query, "--schema", str(tmp_path / "schemas"), "--target", "Othre=Other",
                             "--format", "json")
    assert code == 0 and err == ""
    (typo,) = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC407"]
    assert typo["severity"] == "warning" and (typo["line"], typo["column"]) == (1, 37)
    assert typo["message"] == "--target Othre=...: no statement of this run writes INTO Othre; did you mean Other?"


def test_a_table_name_in_several_databases_needs_the_database(tmp_path):
    write(tmp_path, "schemas/a.json", '{"Databases": {"prod": {"Tables": {"T": {"Name": "T", "OrderedColumns": '
                                      '[{"Name": "Id", "CslType": "long"}]}}}, "dev": {"Tables": {"T": {"Name": "T", '
                                      '"OrderedColumns": [{"Name": "Id", "CslType": "int"}]}}}}}')
    query = write(tmp_path, "q.asaql", "SELECT CAST(i AS bigint) AS Id INTO out FROM i")
    schemas = str(tmp_path / "schemas")
    code, out, _ = run_cli("check", query, "--schema", schemas, "--target", "out=T", "--format", "json")
    finding, nothing = json.loads(out)["files"][0]["diagnostics"]
    assert finding["code"] == "SC402" and "loaded from several databases (dev, prod)" in finding["message"]
    assert nothing["code"] == "SC406" and nothing["message"] == ("0 of 1 output compared: none maps to a table of "
                                                                "the loaded schemas")
    code, out, _ = run_cli("check", query, "--schema", schemas, "--target", "out=PROD/T", "--format", "json")
    assert code == 0 and json.loads(out)["files"][0]["outputs"][0]["database"] == "prod"


def test_the_readme_shows_what_the_quick_start_prints(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "pip install . && schemacheck check samples/fleet-telemetry\n"
    assert command in readme
    shown = readme.split("The first command prints (and exits 1):\n\n```\n", 1)[1].split("\n```", 1)[0]
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli("check", "samples/fleet-telemetry")
    assert code == 1 and err == ""
    assert out.rstrip("\n") == shown
