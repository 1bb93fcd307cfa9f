"""Reading Microsoft Fabric Eventstream folders as jobs (schemacheck.jobs.fabric): one job
per SQL operator, its query placed in eventstream.json, its inputs and outputs resolved
through the topology's inputNodes, the tables of the workspace's KQL databases as scripts.
The fixtures (tests/fixtures/fabric/workspace/) are written from the documented shapes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from schemacheck.jobs.discover import Found, find_jobs
from schemacheck.jobs.fabric import query_names, read_eventstream
from schemacheck.jobs.recognise import EVENTSTREAM, KUSTO_SCHEMA, recognise

WORKSPACE = FIXTURES / "fabric" / "workspace"
SCHEMA = WORKSPACE / "Fleet.Eventhouse" / ".children" / "fleet.KQLDatabase" / "DatabaseSchema.kql"


def one(name: str):
    (job,) = read_eventstream(str(WORKSPACE / f"{name}.Eventstream"))
    return job


def test_one_job_per_sql_operator_named_after_the_eventstream_and_the_operator():
    job = one("Telemetry")
    assert (job.name, job.form) == ("Telemetry/route", "fabric")
    assert job.source == str(WORKSPACE / "Telemetry.Eventstream" / "eventstream.json")
    assert job.compat_level.value == "1.1" and job.compat_level.where.line == 68


def test_the_query_is_placed_in_eventstream_json():
    job = one("Telemetry")
    text = (WORKSPACE / "Telemetry.Eventstream" / "eventstream.json").read_text(encoding="utf-8")
    at = job.query.json_string_at
    assert text[at] == '"' and json.JSONDecoder().raw_decode(text, at)[0] == job.query.text
    assert job.query.text.startswith("SELECT VehicleId, CAST(Lat AS float)")


def test_inputs_are_the_operators_input_nodes():
    (stream,) = one("Telemetry").inputs
    assert (stream.alias, stream.kind, stream.stream, stream.where.line) == ("Telemetry-stream", "DefaultStream",
                                                                             True, 45)


def test_eventhouse_destinations_are_adx_outputs_with_their_database_and_table():
    positions, alerts = one("Telemetry").outputs
    assert (positions.alias, positions.kind, positions.database, positions.table) == ("positions", "adx", "fleet",
                                                                                    "Positions")
    assert (alerts.alias, alerts.table) == ("speed-alerts", "SpeedAlerts")
    assert {s.name: s.value for s in positions.settings} == {
        "dataIngestionMode": "ProcessedIngestion", "workspaceId": "0b1e6c2a-5d3f-4e8a-9c7b-1a2b3c4d5e6f",
        "itemId": "3c1f0a52-6d8e-4b7a-9e21-5f4d3c2b1a02"}
    assert positions.where.line == 15 and positions.setting("dataIngestionMode").where.line == 20


def test_a_direct_ingestion_destination_keeps_its_mapping_and_a_missing_one_is_said():
    job = one("Raw")
    (raw,) = job.outputs
    # A DirectIngestion destination names no database: its itemId is the database's .platform logicalId.
    assert (raw.kind, raw.database, raw.table) == ("adx", "fleet", "RawTelemetry")
    assert {s.name: s.value for s in raw.settings} == {
        "dataIngestionMode": "DirectIngestion", "mappingRuleName": "RawTelemetryJsonMapping",
        "workspaceId": "0b1e6c2a-5d3f-4e8a-9c7b-1a2b3c4d5e6f", "itemId": "3c1f0a52-6d8e-4b7a-9e21-5f4d3c2b1a02"}
    # The database's script creates RawTelemetryMapping, not RawTelemetryJsonMapping.
    (missing,) = [n for n in job.notes if n.code == "SC616"]
    assert "RawTelemetryJsonMapping" in missing.message and missing.where.line == 19


def test_a_direct_ingestion_mapping_the_script_creates_is_no_finding(tmp_path):
    from schemacheck.jobs.fabric import read_eventstream

    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "fabric" / "workspace", workspace)
    topology = workspace / "Raw.Eventstream" / "eventstream.json"
    topology.write_text(topology.read_text(encoding="utf-8").replace("RawTelemetryJsonMapping",
                                                                     "RawTelemetryMapping"), encoding="utf-8")
    (job,) = read_eventstream(str(workspace / "Raw.Eventstream"))
    assert not [n for n in job.notes if n.code == "SC616"]


def test_a_managefields_operator_is_read_with_its_entries():
    job = one("Trips")
    (output,) = job.outputs
    assert (output.alias, output.kind, output.table) == ("trip-summaries", "adx", "TripSummaries")
    (operator,) = output.operators
    assert (operator.name, operator.type, operator.where.line) == ("rename-fields", "ManageFields", 52)
    assert [(c.entry, c.column, c.alias) for c in operator.columns] == [
        ("Rename", "VehicleId", "VehicleId"), ("Rename", "Km", "TripKm"), ("Rename", "WindowEnd", "WindowEnd")]
    assert [c.where.line for c in operator.columns] == [58, 59, 60]
    assert not any(n.code == "SC613" for n in job.notes)


def test_a_groupby_operator_is_read_with_its_keys_and_aggregations():
    job = one("Stops")
    stops, counts = job.outputs
    assert [o.type for o in stops.operators] == ["ManageFields"]
    (group,) = counts.operators
    assert [(c.entry, c.column) for c in group.columns] == [("GroupBy", "VehicleId")]
    assert [(a.function, a.column, a.alias) for a in group.aggregations] == [
        ("Count", "StopSeconds", "Stops"), ("Average", "StopSeconds", "AvgStopSeconds")]
    assert stops.operators[0].columns[1][:5] == ("Cast", "DurationSec", "StopSeconds", None, "Nvarchar(max)")


@pytest.mark.parametrize("kind", ["Aggregate", "Union", "Expand", "Join", "Custom"])
def test_an_operator_whose_columns_are_not_documented_keeps_the_output_uncompared(tmp_path, kind):
    operators = [{"name": "q", "type": "SQL", "inputNodes": [{"name": "hub-stream"}],
                  "properties": {"query": "SELECT a INTO kql FROM [hub-stream]"}},
                 {"name": "then", "type": kind, "inputNodes": [{"name": "q"}], "properties": {}}]
    destinations = [{"name": "kql", "type": "Eventhouse", "inputNodes": [{"name": "then"}],
                     "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "db",
                                    "tableName": "T"}}]
    item = write_eventstream(tmp_path, "Ops", "", {"operators": operators, "destinations": destinations})
    (job,) = read_eventstream(str(item))
    (output,) = job.outputs
    assert output.kind == f"Eventhouse after {kind}" and output.operators == ()   # not "adx": not compared
    (chain,) = [n for n in job.notes if n.code == "SC613"]
    assert f"then ({kind})" in chain.message and f"what {kind} makes" in chain.message
    assert not any(n.code == "SC615" for n in job.notes)   # no Eventhouse output is compared


def test_a_filter_keeps_the_columns_and_a_stream_is_not_checked():
    job = one("Deliveries")
    deliveries, out = job.outputs
    assert (deliveries.kind, deliveries.table) == ("adx", "Deliveries")
    assert (out.alias, out.kind, out.datasource) == ("deliveries-out", "stream", "DerivedStream")
    assert [n.code for n in job.notes] == ["SC615"]


def test_the_workspace_kql_database_is_a_script_bound_to_its_database():
    (script,) = one("Telemetry").scripts
    assert (script.kind, script.database, script.file) == ("adx", "fleet", str(SCHEMA))
    assert ".create-merge table Positions" in script.text


def test_every_job_with_an_eventhouse_output_says_adx_rules_are_assumed():
    (note,) = [n for n in one("Telemetry").notes if n.code == "SC615"]
    assert "not documented" in note.message and note.where.line == 54


def write_eventstream(folder: Path, name: str, query: str, extra: dict | None = None, level: bool = True) -> Path:
    item = folder / f"{name}.Eventstream"
    item.mkdir(parents=True)
    topology = {
        "sources": [{"name": "hub", "type": "AzureEventHub", "properties": {}}],
        "streams": [{"name": "hub-stream", "type": "DefaultStream", "properties": {}, "inputNodes": [{"name": "hub"}]}],
        "operators": [{"name": "q", "type": "SQL", "inputNodes": [{"name": "hub-stream"}],
                       "properties": {"query": query}}],
        "destinations": [{"name": "kql", "type": "Eventhouse", "inputNodes": [{"name": "q"}],
                          "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "db",
                                         "tableName": "T"}},
                         {"name": "lake", "type": "Lakehouse", "inputNodes": [{"name": "q"}],
                          "properties": {"deltaTable": "events", "schema": "dbo"}},
                         {"name": "alert", "type": "Activator", "inputNodes": [{"name": "q"}], "properties": {}}],
    }
    if level:
        topology["compatibilityLevel"] = "1.0"
    topology.update(extra or {})
    (item / "eventstream.json").write_text(json.dumps(topology, indent=2), encoding="utf-8")
    (item / ".platform").write_text(json.dumps({"metadata": {"type": "Eventstream", "displayName": name}}),
                                    encoding="utf-8")
    return item


def test_lakehouse_and_activator_destinations_and_an_into_that_names_nothing(tmp_path):
    item = write_eventstream(tmp_path, "Ops", "SELECT * INTO kql FROM [hub-stream]\nSELECT * INTO [lake] FROM "
                             "[hub-stream]\nSELECT * INTO alert FROM [hub-stream]\nSELECT * INTO [nowhere] FROM "
                             "[hub-stream]")
    (job,) = read_eventstream(str(item))
    assert [(o.alias, o.kind) for o in job.outputs] == [("kql", "adx"), ("lake", "fabric-lakehouse"),
                                                        ("alert", None)]
    assert job.outputs[1].setting("tableName").value == "events"
    assert job.scripts == ()


def test_an_eventstream_named_with_an_underscore_or_a_dot(tmp_path):
    item = write_eventstream(tmp_path, "fleet_v2", "SELECT * INTO kql FROM [hub-stream]")
    (job,) = read_eventstream(str(item))
    (note,) = [n for n in job.notes if n.code == "SC614"]
    assert note.where.file == str(item / ".platform") and "fleet_v2" in note.message


def test_the_topology_may_be_in_eventstream_properties_json(tmp_path):
    item = write_eventstream(tmp_path, "Ops", "SELECT * INTO kql FROM [hub-stream]")
    (item / "eventstream.json").rename(item / "eventstreamProperties.json")
    (job,) = read_eventstream(str(item))
    assert job.source == str(item / "eventstreamProperties.json")


def test_kql_databases_beside_the_eventstream_or_in_an_eventhouse(tmp_path):
    item = write_eventstream(tmp_path, "Ops", "SELECT * INTO kql FROM [hub-stream]")
    (tmp_path / "db.KQLDatabase").mkdir()
    (tmp_path / "db.KQLDatabase" / "DatabaseSchema.kql").write_text(".create-merge table T (a: string)\n",
                                                                   encoding="utf-8")
    shutil.copytree(SCHEMA.parent.parent.parent, tmp_path / "Fleet.Eventhouse")
    (job,) = read_eventstream(str(item))
    assert sorted(s.database for s in job.scripts) == ["db", "fleet"]


def test_query_names_skip_with_steps_comments_and_strings():
    into, sources = query_names("WITH a AS (SELECT * FROM [in-1] -- FROM nope\n)\n"
                                "SELECT 'INTO x' AS s INTO [out] FROM a JOIN ref ON 1 = 1")
    assert (into, sources) == (["out"], ["in-1", "ref"])


def test_discovery_finds_eventstreams_and_recognises_their_files(tmp_path):
    found = find_jobs([str(WORKSPACE)])
    assert sorted(f.job.name for f in found if isinstance(f, Found)) == [
        "Deliveries/shape", "Raw/keep-raw", "Stops/typed-stops", "Telemetry/route", "Trips/summarise"]
    (only,) = find_jobs([str(WORKSPACE / "Raw.Eventstream" / "eventstream.json")])
    assert only.job.name == "Raw/keep-raw"
    assert recognise(str(WORKSPACE / "Raw.Eventstream" / "eventstream.json")) == EVENTSTREAM
    assert recognise(str(SCHEMA)) == KUSTO_SCHEMA


def test_a_changed_database_schema_checks_the_eventstreams_of_its_workspace():
    found = find_jobs([os.path.relpath(SCHEMA)], hook=True)
    assert len([f for f in found if isinstance(f, Found)]) == 5


@pytest.mark.parametrize("path", ["fabric/Telemetry.Eventstream/eventstream.json", "x/A.Eventstream/.platform",
                                  "ws/db.KQLDatabase/DatabaseSchema.kql"])
def test_the_pre_commit_hook_passes_fabric_files(path):
    import re

    text = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    pattern = re.search(r"^\s*files: (.+)$", text, re.M).group(1)
    assert re.search(pattern, path)


def two_eventhouses(tmp_path: Path, item_id: str | None) -> Path:
    """A workspace with Eventhouses Fleet and Test, each with a KQL database `db` whose table T
    differs; the Eventstream's destination writes to db/T with `item_id`."""
    item = write_eventstream(tmp_path, "Ops", "SELECT a INTO kql FROM [hub-stream]")
    topology = json.loads((item / "eventstream.json").read_text(encoding="utf-8"))
    if item_id is not None:
        topology["destinations"][0]["properties"]["itemId"] = item_id
    (item / "eventstream.json").write_text(json.dumps(topology, indent=2), encoding="utf-8")
    for house, house_id, column in (("Fleet", "11111111-0000-0000-0000-000000000001", "a"),
                                    ("Test", "22222222-0000-0000-0000-000000000002", "b")):
        database = tmp_path / f"{house}.Eventhouse" / ".children" / "db.KQLDatabase"
        database.mkdir(parents=True)
        (database / "DatabaseSchema.kql").write_text(f".create-merge table T ({column}: string)\n", encoding="utf-8")
        (database / "DatabaseProperties.json").write_text(json.dumps({"databaseType": "ReadWrite",
                                                                      "parentEventhouseItemId": house_id}),
                                                          encoding="utf-8")
    return item


@pytest.mark.parametrize(("item_id", "column"), [("22222222-0000-0000-0000-000000000002", "b"),
                                                 ("11111111-0000-0000-0000-000000000001", "a")])
def test_the_destinations_item_id_picks_the_database_among_namesakes(tmp_path, item_id, column):
    (job,) = read_eventstream(str(two_eventhouses(tmp_path, item_id)))
    (script,) = job.scripts
    assert f"({column}: string)" in script.text and not [n for n in job.notes if n.code == "SC618"]


@pytest.mark.parametrize("item_id", [None, "33333333-0000-0000-0000-000000000003"])
def test_namesake_databases_the_item_id_does_not_tell_apart_are_said(tmp_path, item_id):
    (job,) = read_eventstream(str(two_eventhouses(tmp_path, item_id)))
    (script,) = job.scripts
    assert "Fleet.Eventhouse" in script.file   # the first, in path order
    (note,) = [n for n in job.notes if n.code == "SC618"]
    assert "2 KQL databases" in note.message and "Fleet.Eventhouse" in note.message and "Test.Eventhouse" in note.message


def test_an_into_naming_an_operator_stands_for_the_destination_it_leads_to(tmp_path):
    operators = [{"name": "q", "type": "SQL", "inputNodes": [{"name": "hub-stream"}],
                  "properties": {"query": "SELECT a INTO [shape] FROM [hub-stream]"}},
                 {"name": "shape", "type": "ManageFields", "inputNodes": [{"name": "q"}],
                  "properties": {"columns": [{"type": "Rename", "properties": {"column": {"columnName": "a"}},
                                              "alias": "b"}]}}]
    destinations = [{"name": "kql", "type": "Eventhouse", "inputNodes": [{"name": "shape"}],
                     "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "db",
                                    "tableName": "T"}}]
    item = write_eventstream(tmp_path, "Ops", "", {"operators": operators, "destinations": destinations})
    (job,) = read_eventstream(str(item))
    (output,) = job.outputs
    assert (output.alias, output.table, [o.name for o in output.operators]) == ("shape", "T", ["shape"])
    # ... and not when the operator leads to two destinations: which one is meant is not known
    destinations.append({**destinations[0], "name": "kql2"})
    (item / "eventstream.json").unlink()
    (item / ".platform").unlink()
    item.rmdir()
    item = write_eventstream(tmp_path, "Ops", "", {"operators": operators, "destinations": destinations})
    (job,) = read_eventstream(str(item))
    assert job.outputs == ()


def direct_ingestion(tmp_path: Path, script: str) -> list:
    destinations = [{"name": "kql", "type": "Eventhouse", "inputNodes": [{"name": "q"}],
                     "properties": {"dataIngestionMode": "DirectIngestion", "tableName": "T",
                                    "mappingRuleName": "m"}}]
    item = write_eventstream(tmp_path, "Ops", "SELECT a INTO kql FROM [hub-stream]", {"destinations": destinations})
    (tmp_path / "db.KQLDatabase").mkdir()
    (tmp_path / "db.KQLDatabase" / "DatabaseSchema.kql").write_text(script, encoding="utf-8")
    (job,) = read_eventstream(str(item))
    return [n for n in job.notes if n.code in ("SC616", "SC619")]


@pytest.mark.parametrize("body", [
    """'[{"column": "a", "path": "$.a"}, {"column": "b", "path": "$.b", "datatype": "long"}]'""",
    '''"[{\\"Column\\": \\"a\\", \\"Properties\\": {\\"Path\\": \\"$.a\\"}}, {\\"Column\\": \\"b\\", \\"DataType\\": \\"long\\"}]"''',
    '```\n[{"column": "a", "path": "$.a"},\n {"column": "b", "datatype": "long"}]\n```',
])
def test_a_direct_ingestion_mapping_filling_a_column_the_table_lacks(tmp_path, body):
    (note,) = direct_ingestion(tmp_path, f".create-merge table T (a: string)\n"
                                         f".create table T ingestion json mapping 'm' {body}\n")
    assert note.code == "SC619" and "fills column b" in note.message and "adds it as long" in note.message


def test_a_direct_ingestion_mapping_that_fits_its_table_or_cannot_be_read_is_no_finding(tmp_path):
    assert direct_ingestion(tmp_path, ".create-merge table T (a: string, b: long)\n"
                                      ".create table T ingestion json mapping 'm' '[{\"column\": \"a\"}, "
                                      "{\"column\": \"b\"}]'\n") == []
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    assert direct_ingestion(tmp_path, ".create-merge table T (a: string)\n"
                                      ".create table T ingestion json mapping 'm' 'not json'\n") == []
