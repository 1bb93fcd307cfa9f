"""Input columns a Fabric Eventstream's SQL operator declares in `inputSchemas`
(schemacheck.jobs.fabric reads them into Input.columns; schemacheck.inputs.topology types
them): the fixture's Trips Eventstream, and written cases."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_cli

from schemacheck.jobs.fabric import read_eventstream

TRIPS = FIXTURES / "fabric" / "workspace" / "Trips.Eventstream"


def test_the_reader_keeps_the_declared_columns_of_each_input():
    (job,) = read_eventstream(str(TRIPS))
    (stream,) = job.inputs
    assert [(c.name, c.type) for c in stream.columns] == [("VehicleId", "Nvarchar(max)"), ("Km", "Float"),
                                                          ("Driver", "Record")]
    assert [(f.name, f.type) for f in stream.columns[2].fields] == [("Id", "BigInt")]
    assert stream.columns_where.line == 37   # the inputSchemas entry


def test_declared_columns_type_the_query_and_say_where_they_come_from():
    code, out, err = run_cli("infer", str(TRIPS), "--format", "json")
    assert code == 0, err
    (output,) = [o for f in json.loads(out)["files"] for o in f["outputs"]]
    vehicle = next(c for c in output["columns"] if c["name"] == "VehicleId")
    assert (vehicle["type"], vehicle["source"]) == ("nvarchar(max)", "declared")


def eventstream(tmp_path: Path, columns: list, level: str = "1.2", query: str = "SELECT * INTO kql FROM s") -> Path:
    item = tmp_path / "Ops.Eventstream"
    item.mkdir()
    topology = {
        "operators": [{"name": "q", "type": "SQL", "inputNodes": [{"name": "s"}],
                       "inputSchemas": [{"name": "s", "schema": {"columns": columns}}],
                       "properties": {"query": query}}],
        "streams": [{"name": "s", "type": "DefaultStream", "properties": {}}],
        "destinations": [{"name": "kql", "type": "Eventhouse", "inputNodes": [{"name": "q"}],
                          "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "db",
                                         "tableName": "T"}}],
        "compatibilityLevel": level,
    }
    (item / "eventstream.json").write_text(json.dumps(topology), encoding="utf-8")
    return item


def inferred(item: Path) -> dict:
    code, out, err = run_cli("infer", str(item), "--format", "json")
    assert code == 0, err
    (output,) = [o for f in json.loads(out)["files"] for o in f["outputs"]]
    return {c["name"]: (c["type"], c.get("unknown_reason")) for c in output["columns"]}


def column(name: str, kind: str | None, fields=None, items=None) -> dict:
    return {"name": name, "type": kind, "fields": fields, "items": items}


def test_every_asa_type_name_records_arrays_and_the_level(tmp_path):
    item = eventstream(tmp_path, [
        column("a", "BigInt"), column("b", "Float"), column("c", "Nvarchar(max)"), column("d", "DateTime"),
        column("e", "Bit"), column("f", "Record", [column("g", "Float")]), column("h", "Array", None, column("", "BigInt")),
    ], level="1.1", query="SELECT a, b, c, d, e, f.g AS fg, GetArrayElement(h, 0) AS h0 INTO kql FROM s")
    types = {name: kind for name, (kind, _) in inferred(item).items()}
    # bit is bigint below level 1.2, as ASA reads it
    assert types == {"a": "bigint", "b": "float", "c": "nvarchar(max)", "d": "datetime", "e": "bigint",
                     "fg": "float", "h0": "bigint"}


def test_a_type_name_asa_does_not_have_is_said_not_guessed(tmp_path):
    item = eventstream(tmp_path, [column("a", "Decimal"), column("b", None)], query="SELECT a, b INTO kql FROM s")
    found = inferred(item)
    assert found["a"][0] is None and "the type Decimal, which is no ASA type" in found["a"][1]
    assert found["b"][0] is None and "(none)" in found["b"][1]


def test_a_column_without_a_name_drops_the_whole_declaration(tmp_path):
    item = eventstream(tmp_path, [column("a", "BigInt"), {"type": "Float"}], query="SELECT a INTO kql FROM s")
    (job,) = read_eventstream(str(item))
    assert job.inputs[0].columns is None
    assert inferred(item)["a"][0] is None
