"""Loading saved Kusto (Azure Data Explorer) table schemas: schemacheck.kusto.files,
schemacheck.kusto.schema.

1. Every format, from a realistic fixture in tests/fixtures/kusto/formats (and a
   directory tree in tests/fixtures/kusto/tree): names, database, column names,
   canonical and written types, folder/docstring, and line numbers.
2. Type names: every CSL alias and System.* name; unknown types are located errors.
5. TableCatalog look-ups.

KQL scripts (3) are test_kusto_scripts.py's, malformed inputs (4) test_kusto_files_errors.py's,
the properties (6) test_kusto_properties.py's.
"""

from __future__ import annotations

import codecs
import json
import os

import pytest

from schemacheck.errors import InputError
from schemacheck.kusto.files import load_file, load_path, load_schemas
from schemacheck.kusto.schema import Column, TableCatalog, TableSchema
from schemacheck.kusto.types import CSL_TYPES, KUSTO_TYPES, SYSTEM_TYPES

from support.files import write
from support.kusto_files import FORMATS, TREE, at, cols, load_error, load_text, name_types, position


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
