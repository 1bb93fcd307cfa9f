"""SQL outputs as jobs define them (VS Code projects, ARM templates), as the
configuration and --target map them, and checked together with ADX outputs by one
command."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, ROOT, run_cli
from schemacheck.check import Target, parse_target
from schemacheck.errors import UsageError
from schemacheck.jobs.discover import find_jobs

ARM = FIXTURES / "sql" / "arm" / "shipments.json"
SAMPLE = ROOT / "samples" / "fleet-telemetry"


def outputs_of(path) -> dict:
    (found,) = find_jobs([str(path)])
    return {o.alias: o for o in found.job.outputs}


def check_json(*args) -> tuple[int, dict, str]:
    code, out, err = run_cli("check", *args, "--format", "json")
    return code, (json.loads(out) if out else {}), err


def test_a_vscode_sql_database_output_names_its_server_database_and_table():
    output = outputs_of(SAMPLE)["sql-vehicle-status"]
    assert (output.kind, output.datasource, output.cluster, output.database, output.table, output.authentication) == (
        "sql", "SQL Database", "fleetops-sql.database.windows.net", "fleetops", "dbo.VehicleStatus", "Msi")


def test_template_outputs_of_synapse_and_postgresql():
    outputs = outputs_of(ARM)
    warehouse, latest = outputs["dw-daily"], outputs["pg-latest"]
    # "[[" escapes a literal "[" in ARM: the table is [mart].[DailyScans], not an expression.
    assert (warehouse.kind, warehouse.cluster, warehouse.database, warehouse.table) == (
        "synapse", "shipments-dw.sql.azuresynapse.net", "dw", "[mart].[DailyScans]")
    assert (latest.kind, latest.cluster, latest.database, latest.table) == (
        "postgresql", "shipments-pg.postgres.database.azure.com", "tracking", "public.latest_scan")


def test_one_command_checks_the_adx_synapse_and_postgresql_outputs_of_a_template():
    code, document, err = check_json(str(ARM))
    assert (code, err) == (1, "")
    (entry,) = document["files"]
    assert [(o["output"], o["kind"], o["status"], o["table"]) for o in entry["outputs"]] == [
        ("adx-scans", "adx", "compared", "Scans"), ("dw-daily", "synapse", "compared", "DailyScans"),
        ("pg-latest", "postgresql", "compared", "latest_scan")]
    by_output: dict = {}
    for d in entry["diagnostics"]:
        by_output.setdefault(d["output"], []).append((d["code"], d["query_column"]))
    assert "adx-scans" not in by_output
    # The warehouse: an nvarchar(32) key, a date, a count into int; PostgreSQL: folded names, a real column.
    assert by_output["dw-daily"] == [("SC202", "Depot"), ("SC202", "Day"), ("SC202", "Scans")]
    assert sorted(by_output["pg-latest"]) == [("SC109", "Depot"), ("SC109", "ParcelId"), ("SC109", "ScannedAt"),
                                              ("SC109", "WeightKg"), ("SC201", "WeightKg")]
    # Positions land inside the template's JSON string, at the select item.
    text = ARM.read_text(encoding="utf-8").splitlines()
    real = next(d for d in entry["diagnostics"] if d["code"] == "SC201")
    assert text[real["line"] - 1][real["column"] - 1:].startswith("WeightKg\\nINTO [pg-latest]")


def test_the_error_policy_note_names_the_failing_sql_output():
    _, document, _ = check_json(str(ARM))
    (policy,) = [d for d in document["files"][0]["diagnostics"] if d["code"] == "SC607"]
    assert "pg-latest" in policy["message"] and "adx-scans" not in policy["message"]


def test_postgresql_ddl_read_as_t_sql_says_how_to_separate_them(tmp_path):
    config = tmp_path / "schemacheck.toml"
    template = tmp_path / "shipments.json"
    template.write_bytes(ARM.read_bytes())
    mixed = tmp_path / "schemas"
    mixed.mkdir()
    for ddl in (ARM.parent / "schemas" / "warehouse" / "mart.DailyScans.sql",
                FIXTURES / "sql" / "ddl" / "postgres" / "001_create.sql",
                ARM.parent / "schemas" / "kusto" / "Scans.kql"):
        (mixed / ddl.name).write_bytes(ddl.read_bytes())
    config.write_text('schemas = ["schemas"]\n', encoding="utf-8")
    code, _, err = check_json(str(template))
    assert code == 2 and err.count("\n") == 1
    # The PostgreSQL output's DDL is read first: the T-SQL file is the one it cannot read.
    assert "mart.DailyScans.sql:1:14: the name of this table cannot be read as PostgreSQL" in err
    assert "give an output its own with [outputs.ALIAS] schemas" in err


@pytest.mark.parametrize("text, target", [
    ("o=sql:dbo.T", Target("o", "dbo.T", None, "sql")),
    ("o=synapse:[mart].[Daily Scans]", Target("o", "[mart].[Daily Scans]", None, "synapse")),
    ("o=PostgreSQL:public.t", Target("o", "public.t", None, "postgresql")),
    ("o=adx:fleet/T", Target("o", "T", "fleet", "adx")),
    ("o=fleet/T", Target("o", "T", "fleet", None)),
])
def test_targets_name_a_kind_before_a_colon(text, target):
    assert parse_target(text) == target


@pytest.mark.parametrize("text", ["o=mysql:t", "o=sql:", "o=sql:  "])
def test_a_target_with_an_unknown_kind_or_no_table_is_a_usage_error(text):
    with pytest.raises(UsageError):
        parse_target(text)
    code, _, err = run_cli("check", str(FIXTURES / "sql" / "cases" / "tsql_clean" / "query.asaql"), "--target", text)
    assert code == 2 and err.startswith("schemacheck: error: --target") and err.count("\n") == 1


def test_a_lone_query_with_a_sql_target_and_ddl_on_the_command_line(tmp_path):
    query = tmp_path / "q.asaql"
    query.write_text("CREATE TABLE i (VehicleId nvarchar(max), DueAt datetime)\n"
                     "SELECT VehicleId, DueAt INTO [maintenance] FROM i\n", encoding="utf-8")
    ddl = FIXTURES / "sql" / "ddl" / "tsql" / "ops.Maintenance.sql"
    code, document, err = check_json(str(query), "--schema", str(ddl), "--target", "maintenance=synapse:ops.Maintenance")
    assert (code, err) == (0, "")
    (output,) = document["files"][0]["outputs"]
    assert (output["kind"], output["status"]) == ("synapse", "compared")
    assert [d["code"] for d in document["files"][0]["diagnostics"]] == ["SC202"]   # nvarchar(64)


def test_a_target_overrides_the_table_the_job_names(tmp_path):
    code, document, _ = check_json(str(SAMPLE), "--target", "sql-vehicle-status=dbo.VehicleStatusV2")
    assert code == 1
    (missing,) = [d for d in document["files"][0]["diagnostics"] if d["code"] == "SC501"]
    assert missing["output"] == "sql-vehicle-status" and "did you mean dbo.VehicleStatus?" in missing["message"]


def test_a_sql_output_without_any_ddl_is_a_warning_not_a_failure(tmp_path):
    query = tmp_path / "q.asaql"
    query.write_text("SELECT CAST(a AS bigint) AS A INTO [status] FROM i\n", encoding="utf-8")
    (tmp_path / "schemacheck.toml").write_text('[outputs.status]\nkind = "sql"\ntable = "dbo.Status"\n',
                                               encoding="utf-8")
    code, document, err = check_json(str(query))
    assert (code, err) == (0, "")
    finding, nothing = document["files"][0]["diagnostics"]
    assert finding["code"] == "SC402" and "no T-SQL CREATE TABLE is loaded" in finding["message"]
    assert nothing["code"] == "SC406" and nothing["severity"] == "warning"


def test_the_configuration_maps_kind_table_and_its_own_ddl(tmp_path):
    query = tmp_path / "q.asaql"
    query.write_text("CREATE TABLE i (deviceid nvarchar(max), reading float)\n"
                     "SELECT deviceid, reading INTO [pg] FROM i\nSELECT deviceid INTO [unnamed] FROM i\n",
                     encoding="utf-8")
    (tmp_path / "schemacheck.toml").write_text(
        f'[outputs.pg]\nkind = "postgresql"\ntable = "public.readings"\n'
        f'schemas = ["{(FIXTURES / "sql" / "ddl" / "postgres").as_posix()}"]\n'
        '[outputs.unnamed]\nkind = "sql"\n', encoding="utf-8")
    code, document, _ = check_json(str(query))
    entry = document["files"][0]
    assert [(o["output"], o["status"]) for o in entry["outputs"]] == [("pg", "compared"), ("unnamed", "no-table")]
    codes = [(d["output"], d["code"]) for d in entry["diagnostics"]]
    assert ("pg", "SC201") in codes and ("unnamed", "SC402") in codes   # real; and no table named
    assert code == 1


def test_a_bad_schemas_value_in_an_output_is_a_config_error(tmp_path):
    query = tmp_path / "q.asaql"
    query.write_text("SELECT 1 AS a INTO [o] FROM i\n", encoding="utf-8")
    (tmp_path / "schemacheck.toml").write_text('[outputs.o]\nkind = "sql"\nschemas = "db"\n', encoding="utf-8")
    code, _, err = check_json(str(query))
    assert code == 2 and "schemacheck.toml:3" in err and "outputs.o.schemas" in err


def test_live_mode_reads_only_the_adx_tables_and_the_sql_table_from_ddl(tmp_path):
    """`snapshot` and --live never send a SQL output's table to a Kusto cluster."""
    from schemacheck.check import Destination
    from schemacheck.kusto.live import live_catalog

    asked = []

    class Cluster:
        def table_schemas(self, database, names):
            asked.append((database, tuple(names)))
            return {name: None for name in names}

        def table_names(self, database):
            return []

    destinations = [Destination("a", "T", "db", "https://c.kusto.windows.net", kind="adx"),
                    Destination("s", "dbo.T", "db", "srv.database.windows.net", kind="sql")]
    live_catalog(destinations, lambda url: Cluster())
    assert asked == [("db", ("T",))]
