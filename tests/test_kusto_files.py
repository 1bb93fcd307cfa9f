"""Loading saved Kusto (Azure Data Explorer) table schemas: schemacheck.kusto.files,
schemacheck.kusto.scripts, schemacheck.kusto.schema.

1. Every format, from a realistic fixture in tests/fixtures/kusto/formats (and a
   directory tree in tests/fixtures/kusto/tree): names, database, column names,
   canonical and written types, folder/docstring, and line numbers.
2. Type names: every CSL alias and System.* name; unknown types are located errors.
3. KQL script semantics, in script order.
4. Malformed inputs: one InputError naming the file (and line/column where there is one).
5. TableCatalog look-ups.
6. Properties (hypothesis): CSL text round trip; one table written three ways loads the
   same; mutated or arbitrary files raise nothing but InputError.

"""

from __future__ import annotations

import codecs
import json
import os
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.errors import InputError
from schemacheck.kusto.files import load_file, load_path, load_schemas
from schemacheck.kusto.schema import Column, TableCatalog, TableSchema
from schemacheck.kusto.scripts import parse_csl_schema, parse_script
from schemacheck.kusto.types import CSL_TYPES, KUSTO_TYPES, SYSTEM_TYPES

from conftest import FIXTURES

KUSTO = FIXTURES / "kusto"
FORMATS = KUSTO / "formats"
TREE = KUSTO / "tree"


# ---- helpers ---------------------------------------------------------------------------------


def cols(table: TableSchema) -> list[tuple]:
    """(name, canonical type, written type, line) of each column."""
    return [(c.name, c.type, c.written_type, c.line) for c in table.columns]


def name_types(table: TableSchema) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in table.columns]


def by_name(tables: list[TableSchema]) -> dict[str, TableSchema]:
    names = [t.name for t in tables]
    assert len(set(names)) == len(names), names
    return {t.name: t for t in tables}


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def load_text(directory: Path, name: str, text: str) -> list[TableSchema]:
    return load_file(write(directory, name, text))


def load_error(directory: Path, name: str, text: str) -> InputError:
    path = write(directory, name, text)
    with pytest.raises(InputError) as info:
        load_file(path)
    error = info.value
    assert error.file == path
    assert str(error).startswith(path)
    return error


def position(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def at(error: InputError) -> tuple:
    return (error.line, error.column)


# ---- 1. each format, from a fixture --------------------------------------------------------


def test_table_schema_json_pretty_printed():
    path = str(FORMATS / "table_schema.json")
    [table] = load_file(path)
    assert (table.name, table.database, table.file, table.line) == ("SensorReadings", None, path, 1)
    assert table.folder == "Telemetry"
    assert table.docstring == "Raw readings from the plant floor sensors"
    # Each column carries the line of its object; CslType is preferred and kept as written,
    # Type is used when CslType is absent (Tags), System.SByte is bool.
    assert cols(table) == [
        ("DeviceId", "string", "string", 6),
        ("Reading Time", "datetime", "datetime", 12),
        ("Temperature", "real", "real", 17),
        ("IsCalibrated", "bool", "bool", 22),
        ("SampleCount", "long", "long", 27),
        ("Tags", "dynamic", "System.Object", 32),
        ("Uptime", "timespan", "timespan", 36),
    ]
    assert table.column("Reading Time").type == "datetime"
    assert table.column("reading time") is None
    assert table.column_ignoring_case("reading time").name == "Reading Time"
    assert table.qualified_name == "SensorReadings"


def test_show_table_schema_result_row():
    [table] = load_file(str(FORMATS / "show_table_schema_row.json"))
    assert (table.name, table.database) == ("DeviceEvents", "PlantTelemetry")
    assert (table.folder, table.docstring) == ("Events", "Device lifecycle events")
    assert table.qualified_name == "PlantTelemetry/DeviceEvents"
    # The Schema is a JSON string inside the file: no line numbers for its columns.
    assert cols(table) == [
        ("EventId", "guid", "guid", None),
        ("DeviceId", "string", "string", None),
        ("Severity", "int", "int", None),
        ("Cost", "decimal", "decimal", None),
        ("Payload", "dynamic", "dynamic", None),
    ]


def test_show_table_result_rows_with_json_and_csl_schemas():
    tables = load_file(str(FORMATS / "show_table_schema_rows.json"))
    assert [t.name for t in tables] == ["Alerts", "Maintenance"]
    alerts, maintenance = tables
    assert alerts.database == "PlantTelemetry"
    assert alerts.folder is None and alerts.docstring is None
    assert cols(alerts) == [
        ("AlertId", "guid", "guid", None),
        ("Raised", "datetime", "datetime", None),
        ("Acknowledged", "bool", "bool", None),  # Type System.Boolean, CslType bool
    ]
    # `.show table T cslschema`: Schema is CSL text, with a ['quoted name'].
    assert (maintenance.database, maintenance.folder, maintenance.docstring) == \
        ("PlantTelemetry", "Ops", "Maintenance windows")
    assert maintenance.line is None
    assert cols(maintenance) == [
        ("MachineId", "string", "string", None),
        ("Started At", "datetime", "datetime", None),
        ("Duration", "timespan", "timespan", None),
        ("Cost", "decimal", "decimal", None),
    ]


def test_rest_v1_response():
    [table] = load_file(str(FORMATS / "v1_response.json"))
    assert (table.name, table.database, table.folder) == ("line-status", "PlantTelemetry", "Production")
    assert not table.docstring
    assert cols(table) == [
        ("Line", "string", "string", None),
        ("Speed", "real", "real", None),
        ("Running", "bool", "bool", None),
        ("Changed", "datetime", "datetime", None),
    ]


def test_rest_v2_frames_use_the_primary_result():
    [table] = load_file(str(FORMATS / "v2_frames.json"))
    assert (table.name, table.database) == ("ShiftPlan", "PlantTelemetry")
    assert not table.folder and not table.docstring
    assert cols(table) == [
        ("Shift", "string", "string", None),
        ("StartsAt", "datetime", "datetime", None),
        ("Crew", "int", "int", None),
        ("Line.Id", "string", "string", None),
    ]


def test_show_database_schema_as_json():
    path = str(FORMATS / "database_schema.json")
    tables = load_file(path)
    assert [t.name for t in tables] == ["Batches", "Energy Usage"]
    batches, energy = tables
    assert {t.database for t in tables} == {"PlantTelemetry"}
    # A table's line is the line of its object, a column's the line of its object.
    assert batches.line == 6 and energy.line == 27
    assert cols(batches) == [
        ("BatchId", "string", "string", 10),
        ("Weight", "real", "real", 15),
        ("Passed", "bool", "bool", 20),
    ]
    # Older database JSON has Type but no CslType.
    assert cols(energy) == [
        ("Meter", "string", "System.String", 31),
        ("kWh", "real", "System.Double", 35),
        ("At", "datetime", "System.DateTime", 39),
    ]


@pytest.mark.parametrize("name", ["database_schema_v1.json", "database_schema_row.json"])
def test_show_database_schema_result(name):
    [table] = load_file(str(FORMATS / name))
    assert (table.name, table.database, table.line) == ("Inspections", "Quality", None)
    assert cols(table) == [("InspectionId", "guid", "guid", None), ("Score", "int", "int", None)]


def test_csv_export_of_cslschema_rows():
    shipments, returns = load_file(str(FORMATS / "cslschema_export.csv"))
    assert (shipments.name, shipments.database, shipments.folder, shipments.docstring) == \
        ("Shipments", "Logistics", "Outbound", "Shipments leaving the plant")
    assert cols(shipments) == [
        ("ShipmentId", "string", "string", None),
        ("Shipped", "datetime", "datetime", None),
        ("Weight", "real", "real", None),
        ("Pallets", "int", "int", None),
    ]
    assert returns.name == "Returns" and returns.database == "Logistics"
    assert not returns.folder and not returns.docstring
    assert name_types(returns) == [
        ("ShipmentId", "string"), ("Return Reason", "string"), ("Refund", "decimal"), ("Meta", "dynamic"),
    ]


def test_csv_export_of_schema_as_json_rows():
    [table] = load_file(str(FORMATS / "schema_json_export.csv"))
    assert (table.name, table.database, table.folder, table.docstring) == \
        ("Carriers", "Logistics", "Reference", "Carrier master data")
    assert name_types(table) == [("CarrierId", "long"), ("Name", "string"), ("Active", "bool")]


def test_kql_script_fixture():
    path = str(FORMATS / "telemetry.kql")
    tables = load_file(path)
    # Scratch and Legacy are dropped, Staging renamed; order is first definition.
    assert [t.name for t in tables] == ["SensorReadings", "DeviceEvents", "RawLines"]
    readings, events, raw = tables
    assert (readings.file, readings.line, readings.database) == (path, 4, None)
    assert readings.folder == "Telemetry"
    assert readings.docstring == "Raw readings from the plant floor sensors"
    # create-merge added Firmware (not Temperature again); .drop column removed it.
    assert cols(readings) == [
        ("DeviceId", "string", "string", 5),
        ("Reading Time", "datetime", "datetime", 6),
        ("Temperature", "real", "real", 7),
        ("Humidity", "real", "real", 8),
        ("IsCalibrated", "bool", "bool", 9),
    ]
    # int32 -> .alter column to long; Payload renamed; EventId dropped by .drop table T columns;
    # ['duration-ms'] from .alter-merge on its own line; folder from a verbatim string.
    assert (events.line, events.folder, events.docstring) == (14, r"Telemetry\Events", None)
    assert cols(events) == [
        ("DeviceId", "string", "string", 14),
        ("Severity", "long", "long", 14),
        ("Details", "dynamic", "dynamic", 14),
        ("duration-ms", "long", "long", 16),
    ]
    # `.create tables` over three lines: the table's line is the line of its name.
    assert raw.line == 36
    assert cols(raw) == [("Line", "string", "string", 36), ("Received", "datetime", "datetime", 36)]


def test_csl_script_with_execute_database_script():
    path = str(FORMATS / "deploy.csl")
    lines, stops = load_file(path)
    assert (lines.name, lines.line) == ("Lines", 2)
    assert cols(lines) == [
        ("LineId", "string", "string", 2),
        ("Capacity", "int", "int", 2),
        ("Opened", "datetime", "date", 3),
    ]
    assert lines.folder is None  # `.alter table T folder "..."` is not a column command
    assert stops.name == "Line Stops"
    assert cols(stops) == [
        ("LineId", "string", "string", 5),
        ("Stopped At", "datetime", "datetime", 5),
        ("Reason", "string", "string", 5),
        ("Minutes", "timespan", "time", 5),
    ]


def test_cslschema_file_is_named_by_its_stem():
    path = str(FORMATS / "Sensors.cslschema")
    [table] = load_file(path)
    assert (table.name, table.database, table.file, table.line) == ("Sensors", None, path, 1)
    assert cols(table) == [
        ("DeviceId", "string", "string", 1),
        ("Reading", "real", "real", 1),
        ("Reading Time", "datetime", "datetime", 1),
        ("Tags", "dynamic", "dynamic", 1),
        ("Ok", "bool", "boolean", 1),
    ]


def test_csl_file_holding_csl_text():
    [table] = load_file(str(FORMATS / "Readings.csl"))
    assert table.name == "Readings"
    assert cols(table) == [
        ("Timestamp", "datetime", "datetime", 1),
        ("DeviceId", "string", "string", 2),
        ("Value.Raw", "real", "double", 3),
        ("Quality", "int", "int16", 4),
        ("Id", "guid", "uuid", 5),
    ]


def test_txt_file_loads_as_csl_text(tmp_path):
    [table] = load_text(tmp_path, "Plain.txt", "a:int, b:string")
    assert table.name == "Plain" and name_types(table) == [("a", "int"), ("b", "string")]


@pytest.mark.parametrize("encode", [
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf8-bom", "utf16-le", "utf16-be", "crlf"])
def test_encodings_and_line_endings(tmp_path, encode):
    text = (FORMATS / "table_schema.json").read_text(encoding="utf-8")
    path = tmp_path / "t.json"
    path.write_bytes(encode(text))
    [table] = load_file(str(path))
    [expected] = load_file(str(FORMATS / "table_schema.json"))
    assert cols(table) == cols(expected)


def test_directory_is_scanned_recursively_and_sorted():
    tables = load_path(str(TREE))
    # README.md and notes.txt are not schema files; the .CSV suffix matches in any case.
    assert [(t.name, os.path.relpath(t.file, TREE)) for t in tables] == [
        ("Machines", "plant.kql"),
        ("Steps", os.path.join("sub", "deeper", "Steps.cslschema")),
        ("Shifts", os.path.join("sub", "deeper", "shifts.CSV")),
        ("Orders", os.path.join("sub", "orders.json")),
    ]
    machines = tables[0]
    assert (machines.folder, machines.line) == ("Reference", 2)
    assert cols(machines) == [
        ("MachineId", "string", "string", 2), ("Line", "string", "string", 2),
        ("Installed", "datetime", "datetime", 2),
    ]


def test_load_path_of_a_file_is_load_file():
    path = str(FORMATS / "Sensors.cslschema")
    assert load_path(path) == load_file(path)


def test_load_schemas_over_fixture_files():
    files = [str(FORMATS / name) for name in ("database_schema.json", "database_schema_v1.json",
                                              "database_schema_row.json", "show_table_schema_row.json")]
    catalog = load_schemas(files + [str(TREE)])
    # Quality/Inspections is in two files, identically: one table.
    assert sorted(t.qualified_name for t in catalog.tables) == [
        "Machines", "Orders", "Plant/Shifts", "PlantTelemetry/Batches", "PlantTelemetry/DeviceEvents",
        "PlantTelemetry/Energy Usage", "Quality/Inspections", "Steps",
    ]
    assert catalog.find("Energy Usage", "planttelemetry").column("kWh").type == "real"
    assert catalog.find("Inspections").file == files[1]
    assert catalog.find("Orders").column("Total").type == "decimal"


def test_load_schemas_over_the_formats_fixtures_finds_the_conflict():
    # SensorReadings (no database) is in table_schema.json and, with other columns, in telemetry.kql.
    with pytest.raises(InputError) as info:
        load_schemas([str(FORMATS)])
    error = info.value
    assert error.file == str(FORMATS / "telemetry.kql") and error.line == 4
    assert "SensorReadings" in error.message and str(FORMATS / "table_schema.json") in error.message


def test_load_schemas_same_table_identical_twice_is_allowed(tmp_path):
    first = write(tmp_path, "a/Events.cslschema", "Id:string, At:datetime, N:long")
    second = write(tmp_path, "b/events.kql", ".create table Events (Id: string, At: date, N: int64)\n")
    catalog = load_schemas([first, second])
    assert len(catalog) == 1
    table = catalog.find("Events")
    assert table.file == first  # the first definition is kept
    assert name_types(table) == [("Id", "string"), ("At", "datetime"), ("N", "long")]


def test_load_schemas_same_table_with_other_columns_is_an_error(tmp_path):
    first = write(tmp_path, "a/Events.cslschema", "Id:string, At:datetime")
    second = write(tmp_path, "b/events.kql", "// v2\n.create table Events (Id: string, At: string)\n")
    with pytest.raises(InputError) as info:
        load_schemas([first, second])
    error = info.value
    assert error.file == second and error.line == 2
    assert "Events" in error.message and first in error.message


def test_load_schemas_same_name_in_two_databases_is_two_tables(tmp_path):
    a = write(tmp_path, "a.kql", ".create table Prod.Events (Id: string)\n")
    b = write(tmp_path, "b.kql", ".create table Dev.Events (Id: string, Extra: int)\n")
    c = write(tmp_path, "c.kql", ".create table PROD.Events (Id: string, Other: int)\n")
    catalog = load_schemas([a, b])
    assert len(catalog) == 2
    assert catalog.find("Events") is None  # ambiguous without a database
    assert catalog.find("Events", "dev").column("Extra") is not None
    # Database names are case-insensitive: Prod and PROD are the same table.
    with pytest.raises(InputError):
        load_schemas([a, c])


# ---- 2. type names ---------------------------------------------------------------------------


@pytest.mark.parametrize("alias,canonical", sorted(CSL_TYPES.items()))
def test_every_csl_alias(tmp_path, alias, canonical):
    assert canonical in KUSTO_TYPES
    [csl] = load_text(tmp_path, "T.cslschema", f"x:{alias}")
    [kql] = load_text(tmp_path, "t.kql", f".create table T (x: {alias})\n")
    [jsn] = load_text(tmp_path, "t.json", json.dumps({"Name": "T", "OrderedColumns": [{"Name": "x", "CslType": alias}]}))
    for table in (csl, kql, jsn):
        assert cols(table) == [("x", canonical, alias, 1)]


@pytest.mark.parametrize("system,canonical", sorted(SYSTEM_TYPES.items()))
def test_every_system_type_name(tmp_path, system, canonical):
    text = json.dumps({"Name": "T", "OrderedColumns": [{"Name": "x", "Type": system}]})
    [table] = load_text(tmp_path, "t.json", text)
    assert cols(table) == [("x", canonical, system, 1)]


def test_documented_type_mappings():
    assert SYSTEM_TYPES["System.SByte"] == SYSTEM_TYPES["System.Boolean"] == "bool"
    assert CSL_TYPES["time"] == "timespan"
    assert set(CSL_TYPES.values()) == set(SYSTEM_TYPES.values()) == set(KUSTO_TYPES)


def test_csltype_is_preferred_over_type(tmp_path):
    text = json.dumps({"Name": "T", "OrderedColumns": [
        {"Name": "a", "Type": "System.SByte", "CslType": "bool"},
        {"Name": "b", "Type": "System.Int32", "CslType": "long"},
        {"Name": "c", "Type": "System.String", "CslType": None},
        {"Name": "d", "Type": "System.Boolean", "CslType": ""},
    ]})
    [table] = load_text(tmp_path, "t.json", text)
    assert [(c.type, c.written_type) for c in table.columns] == [
        ("bool", "bool"), ("long", "long"), ("string", "System.String"), ("bool", "System.Boolean"),
    ]


def test_unknown_type_in_csl_text(tmp_path):
    text = "DeviceId:string,\nReading:reel"
    error = load_error(tmp_path, "Sensors.cslschema", text)
    assert at(error) == position(text, "reel")
    assert "unknown Kusto type 'reel'" in error.message and "did you mean real?" in error.message


def test_system_names_are_not_csl_types(tmp_path):
    # `System` is read as the type name, and the parser stops at the dot after it.
    text = "a:System.String"
    error = load_error(tmp_path, "T.cslschema", text)
    assert at(error) == position(text, ".")
    assert "found '.'" in error.message
    text = ".create table T (a: System)\n"
    error = load_error(tmp_path, "t.kql", text)
    assert at(error) == position(text, "System")
    assert "unknown Kusto type 'System'" in error.message


def test_unknown_type_in_kql_create(tmp_path):
    text = "// tables\n.create table T (\n    a: int,\n    b: strng\n)\n"
    error = load_error(tmp_path, "t.kql", text)
    assert at(error) == position(text, "strng") == (4, 8)
    assert "unknown Kusto type 'strng'" in error.message and "did you mean string?" in error.message


def test_unknown_type_in_kql_alter_column(tmp_path):
    text = ".create table T (a: int)\n.alter column T.a type=datetim\n"
    error = load_error(tmp_path, "t.kql", text)
    assert at(error) == position(text, "datetim")
    assert "did you mean datetime?" in error.message


@pytest.mark.parametrize("key", ["Type", "CslType"])
def test_unknown_type_in_json_points_at_the_value(tmp_path, key):
    text = ('{\n  "Name": "T",\n  "OrderedColumns": [\n    {"Name": "a", "Type": "System.Int32"},\n'
            f'    {{"Name": "b", "{key}": "Strng"}}\n  ]\n}}\n')
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '"Strng"')
    assert "column b" in error.message and "unknown Kusto type 'Strng'" in error.message


def test_system_type_names_are_case_sensitive(tmp_path):
    text = '{"Name": "T", "OrderedColumns": [{"Name": "a", "Type": "system.string"}]}'
    error = load_error(tmp_path, "t.json", text)
    assert "unknown Kusto type 'system.string'" in error.message


def test_unknown_type_in_json_suggests_a_type(tmp_path):
    text = '{"Name": "T", "OrderedColumns": [{"Name": "a", "CslType": "strng"}]}'
    error = load_error(tmp_path, "t.json", text)
    assert "did you mean string?" in error.message


# ---- 3. KQL script semantics -----------------------------------------------------------------


def script(tmp_path, text: str, name: str = "s.kql") -> dict[str, TableSchema]:
    return by_name(load_text(tmp_path, name, text))


def test_create_then_create_merge_adds_missing_columns(tmp_path):
    tables = script(tmp_path, ".create table T (a: int, b: string) with (folder = 'F', docstring = 'D')\n"
                              ".create-merge table T (b: string, c: real)\n"
                              ".create-merge table U (x: guid)\n")
    t = tables["T"]
    assert cols(t) == [("a", "int", "int", 1), ("b", "string", "string", 1), ("c", "real", "real", 2)]
    assert (t.line, t.folder, t.docstring) == (1, "F", "D")
    assert cols(tables["U"]) == [("x", "guid", "guid", 3)]


def test_create_table_twice_identically_is_fine_with_other_columns_an_error(tmp_path):
    assert cols(script(tmp_path, ".create table T (a: int)\n.create table T (a: int32)\n")["T"]) == \
        [("a", "int", "int", 1)]
    text = ".create table T (a: int)\n.create table T (a: long)\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == position(text, "T", 1)
    assert "already created" in error.message


def test_alter_table_replaces_columns(tmp_path):
    t = script(tmp_path, ".create table T (a: int, b: string)\n.alter table T (b: string, c: bool)\n")["T"]
    assert cols(t) == [("b", "string", "string", 2), ("c", "bool", "bool", 2)]
    assert t.line == 2


def test_alter_merge_adds_columns(tmp_path):
    t = script(tmp_path, ".create table T (a: int)\n.alter-merge table T (a: int, z: dynamic)\n")["T"]
    assert cols(t) == [("a", "int", "int", 1), ("z", "dynamic", "dynamic", 2)]


def test_alter_and_alter_merge_define_a_table_not_seen_before(tmp_path):
    tables = script(tmp_path, ".alter table A (x: int)\n.alter-merge table B (y: long)\n")
    assert name_types(tables["A"]) == [("x", "int")] and name_types(tables["B"]) == [("y", "long")]


def test_alter_column_changes_the_type(tmp_path):
    t = script(tmp_path, ".create table T (a: int, b: string)\n.alter column T.a type = int64\n"
                         ".alter column ['T'].['b'] type=dynamic\n")["T"]
    assert cols(t) == [("a", "long", "int64", 1), ("b", "dynamic", "dynamic", 1)]


def test_drop_column_and_drop_table_columns(tmp_path):
    t = script(tmp_path, ".create table T (a: int, b: string, c: real, d: bool)\n"
                         ".drop column T.b\n.drop table T columns (a, ['d'])\n")["T"]
    assert name_types(t) == [("c", "real")]


def test_rename_column_and_rename_table(tmp_path):
    tables = script(tmp_path, ".create table T (a: int, b: string)\n"
                              ".rename column T.a to ['A 1']\n"
                              ".rename table T to ['T-2']\n"
                              ".alter-merge table ['T-2'] (c: long)\n")
    assert list(tables) == ["T-2"]
    t = tables["T-2"]
    assert name_types(t) == [("A 1", "int"), ("b", "string"), ("c", "long")]
    assert t.line == 1


def test_drop_table_and_drop_tables(tmp_path):
    tables = script(tmp_path, ".create table A (x: int)\n.create table B (x: int)\n.create table C (x: int)\n"
                              ".drop table A\n.drop tables (B, Missing) ifexists\n.drop table Nowhere ifexists\n")
    assert list(tables) == ["C"]


def test_dropped_table_can_be_created_again(tmp_path):
    t = script(tmp_path, ".create table A (x: int)\n.drop table A\n.create table A (y: string)\n")["A"]
    assert cols(t) == [("y", "string", "string", 3)]
    assert t.line == 3


def test_create_tables_and_database_qualified_names(tmp_path):
    tables = script(tmp_path, ".create-merge tables A (x: int), Db.B (y: string) with (folder = 'Both')\n"
                              ".alter-merge table db.B (z: long)\n.alter column DB.B.y type=guid\n")
    assert tables["A"].folder == tables["B"].folder == "Both"
    b = tables["B"]
    assert b.database == "Db" and b.qualified_name == "Db/B"
    assert name_types(b) == [("y", "guid"), ("z", "long")]


def test_quoted_names_and_keywords_as_names(tmp_path):
    text = ('.create table [\'my table\'] (["col.one"]: int, [ \'col two\' ]: string, [\'x-y\']: real)\n'
            ".create table K (table: string, type: int, with: long, to: real, columns: bool, ifexists: guid)\n")
    tables = script(tmp_path, text)
    assert name_types(tables["my table"]) == [("col.one", "int"), ("col two", "string"), ("x-y", "real")]
    assert [c.name for c in tables["K"].columns] == ["table", "type", "with", "to", "columns", "ifexists"]


def test_command_words_are_case_insensitive(tmp_path):
    t = script(tmp_path, ".CREATE TABLE T (a: INT)\n.Alter-Merge Table T (b: String)\n")["T"]
    assert cols(t) == [("a", "int", "INT", 1), ("b", "string", "String", 2)]


def test_with_properties(tmp_path):
    t = script(tmp_path, '.create table T (a: int) with (DocString = "Say \\"hi\\"", Folder = @"A\\B")\n')["T"]
    assert (t.docstring, t.folder) == ('Say "hi"', "A\\B")


def test_skipped_commands_do_not_break_anything(tmp_path):
    text = """// Policies, mappings, functions and queries are not table definitions.
.create table T (a: int, b: string)
.alter table T policy retention softdelete = 10d recoverability = disabled
.alter-merge table T policy merge '{"MaxRangeInHours": 48}'
.alter table T policy update @'[{"IsEnabled": true, "Source": "Raw", "Query": "Parse(\\"x\\")"}]'
.alter table T docstring "The T table"
.alter table T folder "Logs"
.alter table T column-docstrings (a: "the a column")
.alter column T.a docstring "still an int"
.create table T ingestion csv mapping "TCsv" '[{"column":"a","Properties":{"Ordinal":"0"}}]'
.create-or-alter table T ingestion json mapping "TJson" '[{"column":"b","Properties":{"Path":"$.b"}}]'
.drop table T ingestion csv mapping "TCsv"
.create-or-alter function with (folder = "F") Recent(since: timespan) {
    T
    | where a > 0
}
.create materialized-view with (backfill = true) TView on table T { T | summarize count() by b }
.create external table Ext (x: int) kind=storage dataformat=csv (h@'https://example.blob.core.windows.net/c')
.set-or-append T <| print a = 1, b = "x"
.ingest inline into table T <| 1,x
.show table T schema as json
.execute database script <|
.create-merge table U (c: real)

T
| take 10
print now()

// A trailing comment.
"""
    tables = script(tmp_path, text)
    assert list(tables) == ["T", "U"]
    assert cols(tables["T"]) == [("a", "int", "int", 2), ("b", "string", "string", 2)]
    assert tables["T"].folder is None
    assert cols(tables["U"]) == [("c", "real", "real", 23)]


def test_query_glued_to_a_command_is_an_error(tmp_path):
    # Without a blank line, the query is part of the command (as Kusto would read it too).
    text = ".create table T (a: int)\nT\n| take 10\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == (2, 1)


def test_command_split_over_lines_with_blank_lines_inside_parentheses(tmp_path):
    text = ".create table T\n(\n    a: int,   // the key\n\n    ['b c']:\n        string\n)\nwith (folder = 'F')\n"
    t = script(tmp_path, text)["T"]
    assert cols(t) == [("a", "int", "int", 3), ("b c", "string", "string", 5)]
    assert (t.line, t.folder) == (1, "F")


@pytest.mark.parametrize("separator", ["\n", "\n\n", "\n   \n", "\r\n", "\n// note\n", "\n\t"])
def test_commands_separated_by_blank_lines_or_not(tmp_path, separator):
    tables = script(tmp_path, ".create table A (x: int)" + separator + ".create table B (y: long)\n")
    assert name_types(tables["A"]) == [("x", "int")] and name_types(tables["B"]) == [("y", "long")]


def test_script_with_leading_blank_lines_and_indentation(tmp_path):
    tables = script(tmp_path, "\n\n   .create table A (x: int)\n")
    assert cols(tables["A"]) == [("x", "int", "int", 3)]
    assert tables["A"].line == 3


@pytest.mark.parametrize("text,needle,words", [
    (".create table T (a: int, b)\n", ")", "expected ':'"),
    (".create table T (a int)\n", "int", "expected ':'"),
    (".create table T (a: int,)\n", ")", "expected a name"),
    ("// x\n.create table T (\n  a: int\n  b: string\n)\n", "b: string", "expected ')' or ','"),
    (".create table T (a: int, b: 'string')\n", "'string'", "expected a name"),
    (".create table T (a: int, ['b: string)\n", "['b", "never closed"),
    (".create table T (a: int\n", None, "ends too early"),
    (".drop table T columns (a b)\n", "b)", "expected ')' or ','"),
    (".create table T (a: int) with (folder = 'x\n", "'x", "never closed"),
], ids=["no-type", "no-colon", "trailing-comma", "missing-comma", "string-type", "open-name", "unclosed",
        "drop-columns", "open-string"])
def test_malformed_command_is_an_error_at_the_spot(tmp_path, text, needle, words):
    error = load_error(tmp_path, "s.kql", text)
    if needle is None:
        assert error.line == 1 and error.column == len(".create table T (a: int") + 1
    else:
        assert at(error) == position(text, needle)
    assert words in error.message


def test_command_on_an_undefined_table_or_column_is_an_error(tmp_path):
    text = ".create table T (a: int)\n.alter column T.q type=string\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == position(text, "T.q") and "no column q" in error.message
    text = ".rename column Nope.a to b\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == position(text, "Nope") and "Nope is not defined" in error.message


@pytest.mark.parametrize("name,text", [
    ("s.kql", "// only policies and queries\n.alter table T policy retention softdelete = 1d\nT | take 1\n"),
    ("s.kql", "// a comment\n"),
    ("s.csl", ".show tables\n"),
    ("s.kql", ".create table T ingestion csv mapping 'M' '[]'\n"),
])
def test_script_without_a_table_command_is_an_error(tmp_path, name, text):
    error = load_error(tmp_path, name, text)
    assert "no .create table" in error.message


def test_parse_script_and_parse_csl_schema_directly():
    [t] = parse_script(".create table Db.T (a: int)\n", "x.kql")
    assert (t.name, t.database, t.file) == ("T", "Db", "x.kql")
    assert parse_script("T | take 1\n", "x.kql") == []
    table = parse_csl_schema("a:int, b:string", "x.csv", "T", "Db")
    assert (table.name, table.database, table.file) == ("T", "Db", "x.csv")
    assert name_types(table) == [("a", "int"), ("b", "string")]


# ---- 4. malformed inputs ---------------------------------------------------------------------


def test_invalid_json_is_located(tmp_path):
    text = '{\n  "Name": "T",\n  "OrderedColumns": [\n    {"Name": "a" "CslType": "int"}\n  ]\n}\n'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '"CslType"')
    assert error.message.startswith("not valid JSON")


def test_ordered_columns_not_a_list(tmp_path):
    text = '{\n  "Name": "T",\n  "OrderedColumns": {"a": "int"}\n}\n'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '{"a"')
    assert "OrderedColumns" in error.message and "list" in error.message


def test_column_without_name_points_at_the_column(tmp_path):
    text = ('{"Name": "T",\n "OrderedColumns": [\n  {"Name": "a", "CslType": "int"},\n'
            '  {"CslType": "string"}\n ]}\n')
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == (4, 3)
    assert "OrderedColumns[1].Name" in error.message


def test_column_with_neither_type_nor_csltype(tmp_path):
    text = '{"Name": "T",\n "OrderedColumns": [\n  {"Name": "a", "CslType": "int"},\n  {"Name": "b"}\n ]}\n'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == (4, 3)
    assert "column b" in error.message and "neither CslType nor Type" in error.message


def test_column_that_is_not_an_object(tmp_path):
    text = '{"Name": "T", "OrderedColumns": ["a:int"]}'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '"a:int"')
    assert "OrderedColumns[0]" in error.message


def test_table_without_name(tmp_path):
    error = load_error(tmp_path, "t.json", '{"OrderedColumns": []}')
    assert at(error) == (1, 1) and "Name" in error.message


def test_empty_files(tmp_path):
    for name in ("t.json", "t.csv", "t.kql", "t.csl", "T.cslschema"):
        error = load_error(tmp_path, name, " \n\t\n")
        assert "empty" in error.message


def test_missing_file_and_directory_as_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_file(str(tmp_path / "nope.json"))
    assert "no such file" in info.value.message
    with pytest.raises(InputError) as info:
        load_file(str(tmp_path))
    assert info.value.file == str(tmp_path)


@pytest.mark.parametrize("text", [
    "[]", "42", '"schema"', "null", '{"tables": []}', '{"Name": "T", "Columns": []}', "[1, 2]",
    '{"Schema": "a:int"}',
])
def test_json_of_no_known_shape(tmp_path, text):
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == (1, 1)
    assert "not a Kusto table schema" in error.message


@pytest.mark.parametrize("text,words", [
    ('{"TableName": "T"}', "Schema"),
    ('{"TableName": "", "Schema": "a:int"}', "TableName"),
    ('{"TableName": "T", "Schema": 3}', "Schema"),
    ('[{"TableName": "T", "Schema": "a:int"}, {"Schema": "b:int"}]', "row 2"),
    ('{"TableName": "T", "Schema": "{\\"Name\\": \\"T\\", \\"OrderedColumns\\": [1]}"}', "the Schema of row 1"),
    ('{"TableName": "T", "Schema": "{not json"}', "not valid JSON"),
    ('{"DatabaseSchema": "{\\"Databases\\": {}}"}', "no tables"),
    ('{"Databases": {}}', "no tables"),
    ('{"Databases": {"D": {"Tables": {"T": {"Name": "T"}}}}}', "OrderedColumns"),
    ('{"Databases": []}', "Databases"),
])
def test_result_rows_and_database_schema_shapes(tmp_path, text, words):
    error = load_error(tmp_path, "t.json", text)
    assert words in error.message


def test_csv_without_a_schema_column(tmp_path):
    error = load_error(tmp_path, "t.csv", "TableName,DatabaseName\nT,D\n")
    assert at(error) == (1, 1) and "Schema" in error.message


def test_csv_header_only_and_short_rows(tmp_path):
    assert "no result rows" in load_error(tmp_path, "t.csv", "TableName,Schema\n").message
    assert "Schema" in load_error(tmp_path, "t.csv", "TableName,Schema\nT\n").message


def test_v1_response_without_a_schema_column(tmp_path):
    text = json.dumps({"Tables": [{"TableName": "Table_0",
                                   "Columns": [{"ColumnName": "TableName", "DataType": "String"}],
                                   "Rows": [["T"]]}]})
    assert "without a Schema" in load_error(tmp_path, "t.json", text).message


def test_v2_frames_without_a_primary_result(tmp_path):
    text = json.dumps([{"FrameType": "DataSetHeader", "Version": "v2.0"},
                       {"FrameType": "DataSetCompletion", "HasErrors": False}])
    assert "PrimaryResult" in load_error(tmp_path, "t.json", text).message


@pytest.mark.parametrize("columns,rows", [
    ([{"ColumnName": "TableName"}, {"ColumnName": "Schema"}], [["T", "a:int", "extra"]]),
    ([{"ColumnName": "TableName"}, {"ColumnName": "Schema"}], [["T"]]),
    ([{"ColumnName": "TableName"}, {"ColumnName": "Schema"}], ["T,a:int"]),
    ([{"ColumnName": "TableName"}, {"Name": "Schema"}, {"ColumnName": "Schema"}], [["T", "x", "a:int"]]),
])
def test_columns_and_rows_that_do_not_line_up(tmp_path, columns, rows):
    v1 = json.dumps({"Tables": [{"TableName": "Table_0", "Columns": columns, "Rows": rows}]})
    assert "do not line up" in load_error(tmp_path, "v1.json", v1).message
    v2 = json.dumps([{"FrameType": "DataTable", "TableKind": "PrimaryResult", "Columns": columns, "Rows": rows}])
    assert "do not line up" in load_error(tmp_path, "v2.json", v2).message


def test_csl_text_errors(tmp_path):
    assert "expected a name" in load_error(tmp_path, "T.cslschema", "a:int,").message
    text = "a:int\nb string"
    error = load_error(tmp_path, "T.cslschema", text)
    assert at(error) == position(text, "b") and "found 'b'" in error.message  # a missing comma
    text = "a:int,\nb string"
    error = load_error(tmp_path, "T.cslschema", text)
    assert at(error) == position(text, "string") and "expected ':'" in error.message


def test_binary_and_non_utf8_files(tmp_path):
    path = tmp_path / "t.json"
    path.write_bytes(b'{"Name": "T",\n "x": "\xff"}')
    with pytest.raises(InputError) as info:
        load_file(str(path))
    assert at(info.value) == (2, 8) and "UTF-8" in info.value.message
    path.write_bytes(b'{"Name": \x00}')
    with pytest.raises(InputError) as info:
        load_file(str(path))
    assert at(info.value) == (1, 10) and "binary" in info.value.message


def test_directory_without_schema_files(tmp_path):
    (tmp_path / "notes.txt").write_text("a:int")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "README.md").write_text("nothing here")
    from schemacheck.check.tables import check_folders

    # The folder is checked for files of any kind before a kind reads its own (check.tables).
    with pytest.raises(InputError) as info:
        check_folders((str(tmp_path),))
    assert info.value.file == str(tmp_path) and "no schema files" in info.value.message
    assert load_path(str(tmp_path)) == [] and len(load_schemas([str(tmp_path)])) == 0


def test_a_bad_file_in_a_directory_names_that_file(tmp_path):
    write(tmp_path, "a/good.kql", ".create table A (x: int)\n")
    bad = write(tmp_path, "b/bad.json", '{"Name": "B", "OrderedColumns": [{"Name": "y"}]}')
    with pytest.raises(InputError) as info:
        load_path(str(tmp_path))
    assert info.value.file == bad


# ---- known bugs (minimal reproductions) ------------------------------------------------------


@pytest.mark.parametrize("value", ["5", '{"Databases": {}}', "null"])
def test_a_database_schema_value_that_is_not_a_string(tmp_path, value):
    load_error(tmp_path, "t.json", '{"DatabaseSchema": %s}' % value)


@pytest.mark.parametrize("text", [
    '{"Tables": [{"TableName": "Table_0", "Columns": [{"ColumnName": "Schema"}], "Rows": 5}]}',
    '[{"FrameType": "DataTable", "TableKind": "PrimaryResult", "Columns": [{"ColumnName": "Schema"}], "Rows": 5}]',
    '[{"FrameType": "DataTable", "TableKind": "PrimaryResult", "Columns": 5, "Rows": []}]',
], ids=["v1-rows", "v2-rows", "v2-columns"])
def test_result_table_rows_or_columns_that_are_not_lists(tmp_path, text):
    load_error(tmp_path, "t.json", text)


@pytest.mark.parametrize("text", ["[" * 100_000, "1" * 5000], ids=["deep", "long-int"])
def test_json_decoder_errors_other_than_jsondecodeerror(tmp_path, text):
    load_error(tmp_path, "t.json", text)


def test_csv_with_bare_cr_line_ends_loads(tmp_path):
    (table,) = load_file(write(tmp_path, "t.csv", "TableName,Schema\rT,a:int\r"))
    assert (table.name, [(c.name, c.type) for c in table.columns]) == ("T", [("a", "int")])


def test_a_csv_header_field_too_large_for_the_csv_module_is_an_input_error(tmp_path):
    assert "not valid CSV" in load_error(tmp_path, "t.csv", "x" * 140_000 + ",Schema\nT,a:int\n").message


def test_an_error_in_csl_text_inside_a_row_names_the_row_not_a_file_position(tmp_path):
    text = "TableName,Schema\nT,\"a:int, b:strin\"\n"
    error = load_error(tmp_path, "t.csv", text)
    assert "did you mean string?" in error.message and "row 1 (T)" in error.message
    assert error.line is None


# ---- 5. TableCatalog -------------------------------------------------------------------------


def _table(name: str, database: str | None = None) -> TableSchema:
    return TableSchema(name, database, (Column("a", "int", "int"),), "f.kql")


CATALOG = TableCatalog((
    _table("Events", "Prod"), _table("events_raw", "Prod"), _table("Event", "Prod"),
    _table("Events", "Dev"), _table("Logs"),
))


def test_find_is_case_sensitive_on_table_names():
    assert CATALOG.find("events") is None
    assert CATALOG.find("EVENTS", "prod") is None
    assert CATALOG.find("Logs").name == "Logs"
    assert CATALOG.find("logs") is None


def test_find_is_case_insensitive_on_database_names():
    assert CATALOG.find("Events", "prod").database == "Prod"
    assert CATALOG.find("Events", "DEV").database == "Dev"
    assert CATALOG.find("Events", "Test") is None
    assert CATALOG.find("Logs", "anything").name == "Logs"  # a table with no database matches any


def test_name_in_two_databases_needs_the_database():
    assert CATALOG.find("Events") is None
    assert {t.database for t in CATALOG.candidates("Events")} == {"Prod", "Dev"}
    assert CATALOG.find("Event").database == "Prod"


def test_near_misses_put_the_other_case_first():
    assert CATALOG.near_misses("events") == ["Events", "events_raw", "Event"]
    assert CATALOG.near_misses("EVENTS")[0] == "Events"
    assert "Events" not in CATALOG.near_misses("Events")
    assert CATALOG.near_misses("logs") == ["Logs"]
    assert CATALOG.near_misses("events", "dev") == ["Events"]
    assert CATALOG.near_misses("Zzzzzz") == []
    assert len(CATALOG) == 5 and len(TableCatalog()) == 0


# ---- 6. properties ---------------------------------------------------------------------------

KEYWORDS = ["table", "tables", "type", "with", "to", "columns", "column", "ifexists", "string", "int"]
PLAIN_NAMES = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True),
    st.sampled_from(KEYWORDS),
).filter(lambda n: not n.startswith("__") and not n.endswith("__"))
SPECIAL_NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_ .\-]{0,10}[A-Za-z0-9]", fullmatch=True)
NAMES = st.one_of(PLAIN_NAMES, SPECIAL_NAMES)
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
WHITESPACE = st.text(alphabet=" \t\r\n", max_size=3)
CANONICAL_SYSTEM = {canonical: system for system, canonical in reversed(list(SYSTEM_TYPES.items()))}


@st.composite
def written_name(draw, name: str, inside=WHITESPACE) -> str:
    """`name` as a script writes it: bare if it can be, else (or at random) ['quoted'],
    with `inside` white space between the brackets and the quotes."""
    if PLAIN.match(name) and draw(st.booleans()):
        return name
    quote = draw(st.sampled_from(["'", '"']))
    return f"[{draw(inside)}{quote}{name}{quote}{draw(inside)}]"


SPACES = st.sampled_from(["", " "])


def unique_columns(min_size: int = 1, max_size: int = 8):
    return st.lists(st.tuples(NAMES, st.sampled_from(sorted(CSL_TYPES))), min_size=min_size, max_size=max_size,
                    unique_by=lambda c: c[0])


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY_SETTINGS
@given(st.data(), unique_columns())
def test_csl_text_round_trip(data, columns):
    text = data.draw(WHITESPACE)
    starts = []
    for index, (name, alias) in enumerate(columns):
        if index:
            text += data.draw(WHITESPACE) + "," + data.draw(WHITESPACE)
        starts.append(len(text))
        text += (data.draw(written_name(name)) + data.draw(WHITESPACE) + ":" + data.draw(WHITESPACE) + alias)
    text += data.draw(WHITESPACE)
    table = parse_csl_schema(text, "T.cslschema", "T")
    assert [(c.name, c.type, c.written_type) for c in table.columns] == \
        [(name, CSL_TYPES[alias], alias) for name, alias in columns]
    assert [c.line for c in table.columns] == [text.count("\n", 0, start) + 1 for start in starts]


@PROPERTY_SETTINGS
@given(st.data(), NAMES, unique_columns())
def test_one_table_three_ways(tmp_path_factory, data, table_name, columns):
    directory = tmp_path_factory.mktemp("three")
    expected = [(name, CSL_TYPES[alias]) for name, alias in columns]

    # `.show table T schema as json`: Type always, CslType (canonical) when the output has it.
    ordered = []
    for name, alias in columns:
        canonical = CSL_TYPES[alias]
        system = data.draw(st.sampled_from(["System.SByte", "System.Boolean"])) if canonical == "bool" \
            else CANONICAL_SYSTEM[canonical]
        column = {"Name": name, "Type": system}
        if data.draw(st.booleans()):
            column["CslType"] = canonical
        ordered.append(column)
    as_json = json.dumps({"Name": table_name, "OrderedColumns": ordered}, indent=data.draw(st.sampled_from([None, 2])))

    # `.create table` script, aliases as written, one column a line or all on one line.
    verb = data.draw(st.sampled_from([".create table", ".create-merge table", ".CREATE TABLE", ".alter table",
                                      ".alter-merge table"]))
    sep = data.draw(st.sampled_from([", ", ",\n    ", " ,"]))
    body = sep.join(f"{data.draw(written_name(n, SPACES))}: {a}" for n, a in columns)
    as_kql = f"// generated\n{verb} {data.draw(written_name(table_name, SPACES))} ({body})"
    if data.draw(st.booleans()):
        as_kql += "\nwith (folder = 'Generated', docstring = 'a test table')"
    as_kql += "\n"

    # `.show table T cslschema` text, in a file named after the table.
    as_csl = ",".join(f"{data.draw(written_name(n, SPACES))}:{CSL_TYPES[a] if data.draw(st.booleans()) else a}"
                      for n, a in columns)
    suffix = data.draw(st.sampled_from([".cslschema", ".csl"]))

    results = [
        load_text(directory, "table.json", as_json),
        load_text(directory, "table.kql", as_kql),
        load_text(directory, table_name + suffix, as_csl),
    ]
    for tables in results:
        assert [(t.name, name_types(t)) for t in tables] == [(table_name, expected)]
    # All three are the same table to load_schemas.
    catalog = load_schemas([str(directory / "table.json"), str(directory / "table.kql"),
                            str(directory / (table_name + suffix))])
    assert len(catalog) == 1


# Seeds for mutation: every fixture plus a few small files.
OWN_SEEDS = [
    (".kql", ".create table T (a: int, ['b c']: string)\n.alter column T.a type=long\n\n.drop column T.b\n"),
    (".kql", ".create tables A (x:int), B (y:real) with (folder='f')\n.rename table A to C\n.drop tables (B)\n"),
    (".json", '{"Name":"T","OrderedColumns":[{"Name":"a","Type":"System.Int32","CslType":"int"}]}'),
    (".json", '[{"TableName":"T","Schema":"a:int,b:string","DatabaseName":"D","Folder":"","DocString":""}]'),
    (".csv", "TableName,Schema\nT,\"a:int,b:string\"\n"),
    (".cslschema", "a:int, ['b c']:string, d:dynamic"),
]
SEEDS = OWN_SEEDS + sorted(
    (path.suffix.lower(), path.read_text(encoding="utf-8").replace("\r\n", "\n"))
    for directory in (FORMATS, TREE) for path in directory.rglob("*")
    if path.is_file() and path.suffix.lower() in (".json", ".csv", ".kql", ".csl", ".cslschema")
)
SNIPPETS = [
    "(", ")", "[", "]", "{", "}", ",", ":", "'", '"', "['", "']", ".", "\n", "\n\n", "//", "\\", "@'",
    ".create table T (", ".create-merge table ", ".alter column T.a type=", ".drop table ", ".rename column ",
    "with (folder='x')", "int", "strng", "System.Int32", "null", "0", "-1", "true", "[]", "{}", '""',
    '"OrderedColumns"', '"Name"', '"Schema"', '"TableName"', '"Databases"', '"Tables"', '"Rows"', '"Columns"',
    '"FrameType"', '"DatabaseSchema"', "\ufeff", "\u00e9", "\t",
]


@st.composite
def mutated_files(draw):
    suffix, text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        piece = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=4)))
        if op == "delete":
            text = text[:start] + text[end:]
        elif op == "insert":
            text = text[:start] + piece + text[start:]
        elif op == "replace":
            text = text[:start] + piece + text[end:]
        else:
            text = text[:end] + text[start:end] + text[end:]
    return suffix, text


def check_load(directory: Path, suffix: str, data: bytes) -> None:
    path = directory / ("Mutant" + suffix)
    path.write_bytes(data)
    try:
        tables = load_file(str(path))
    except InputError as error:
        assert error.file == str(path) and error.message
        assert str(error).startswith(str(path))
        if error.line is not None:
            lines = data.count(b"\n") + 1
            assert 1 <= error.line <= lines, (error, lines)
            assert error.column is None or error.column >= 1
        return
    for table in tables:
        assert isinstance(table, TableSchema) and table.name
        for column in table.columns:
            assert column.type in KUSTO_TYPES


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_files())
def test_mutated_files_raise_only_input_error(tmp_path_factory, mutant):
    suffix, text = mutant
    check_load(tmp_path_factory.getbasetemp(), suffix, text.encode("utf-8"))


TEXT_PREFIXES = ["", ".create table T (", "{", "[", '{"Name": "T", "OrderedColumns": [',
                 '{"TableName": "T", "Schema": "', "TableName,Schema\n", '{"Databases": {"D": {"Tables": {',
                 '[{"FrameType": "DataTable", "TableKind": "PrimaryResult", ']


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([".json", ".csv", ".kql", ".csl", ".cslschema", ".txt"]), st.sampled_from(TEXT_PREFIXES),
       st.text(alphabet=st.one_of(st.characters(), st.sampled_from(string.punctuation + " \n")), max_size=80))
def test_arbitrary_text_raises_only_input_error(tmp_path_factory, suffix, prefix, text):
    text = prefix + text
    check_load(tmp_path_factory.getbasetemp(), suffix, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([".json", ".kql", ".csl", ".cslschema"]),
       st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"."]),
       st.binary(max_size=80))
def test_arbitrary_bytes_raise_only_input_error(tmp_path_factory, suffix, prefix, data):
    check_load(tmp_path_factory.getbasetemp(), suffix, prefix + data)
