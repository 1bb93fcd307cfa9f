"""Declared input schemas (schemacheck.inputs.declared): [inputs.ALIAS] field types in the
configuration, Avro .avsc and JSON Schema files, an .avsc beside an Avro input, and their
place among the sources of input types."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.asa import types as T
from schemacheck.config import Config, InputConfig, load_config
from schemacheck.errors import InputError
from schemacheck.inputs import input_shapes
from schemacheck.inputs.declared import (
    DeclarationError,
    asa_type,
    at_level,
    avro_fields,
    declared_fields,
    field_path,
    json_schema_fields,
    schema_fields,
)
from schemacheck.jobs.model import Input, Job, Query, Sample, SqlText, Where


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def shown(ty: T.Ty) -> object:
    """A Ty as plain data: "bigint", {"field": ...} for a record with fields, ["element"]
    for an array with a known element, None for unknown."""
    if ty.name == T.RECORD and ty.fields is not None:
        return {name: shown(field) for name, field in ty.fields}
    if ty.name == T.ARRAY and ty.element is not None:
        return [shown(ty.element)]
    return ty.name


def fields_of(pairs) -> dict:
    return {name: shown(ty) for name, ty in pairs}


# ---- the configuration's syntax -------------------------------------------------------------

@pytest.mark.parametrize("key, steps", [
    ("DeviceId", ("DeviceId",)),
    ("Position.Lat", ("Position", "Lat")),
    ("Readings[]", ("Readings", None)),
    ("Readings[].Value", ("Readings", None, "Value")),
    ("Matrix[][]", ("Matrix", None, None)),
    ("[a.b]", ("a.b",)),
    ("[schema]", ("schema",)),
    ("[x]]y].z", ("x]y", "z")),
    ("Outer.[in.ner][].v", ("Outer", "in.ner", None, "v")),
    (" Position . Lat ", ("Position", "Lat")),
])
def test_a_declared_key_names_fields_and_elements(key, steps):
    assert field_path(key) == steps


@pytest.mark.parametrize("key, words", [
    ("a..b", "a field name is empty"),
    (".a", "a field name is empty"),
    ("a.", "a field name is empty"),
    ("a[x]", "unexpected '['"),
    ("[abc", "is not closed"),
    ("a]", "unexpected ']'"),
    ("", "a field name is empty"),
])
def test_a_malformed_key_says_how_to_write_one(key, words):
    with pytest.raises(DeclarationError, match=re.escape(words)) as raised:
        field_path(key)
    assert '"Readings[].Value"' in raised.value.message


def _written(steps: tuple[str | None, ...]) -> str:
    """A key for `steps`, each name in brackets when it holds a dot or a bracket."""
    key = ""
    for step in steps:
        if step is None:
            key += "[]"
        else:
            quoted = re.search(r"[.\[\]]", step) or step != step.strip()
            key += ("." if key else "") + (f"[{step.replace(']', ']]')}]" if quoted else step)
    return key


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=6).filter(str.strip), min_size=1, max_size=4),
       st.lists(st.integers(0, 2), min_size=4, max_size=4))
def test_any_field_names_can_be_written_as_a_key(names, elements):
    steps: tuple[str | None, ...] = ()
    for name, count in zip(names, elements):
        steps += (name,) + (None,) * count
    assert field_path(_written(steps)) == steps


@pytest.mark.parametrize("text, kind", [
    ("bigint", "bigint"), ("FLOAT", "float"), ("nvarchar(max)", "nvarchar(max)"), ("NVARCHAR( MAX )", "nvarchar(max)"),
    ("datetime", "datetime"), ("Bit", "bit"), ("record", "record"), ("array", "array"),
])
def test_asa_type_names_in_any_case(text, kind):
    assert asa_type(text) == kind


@pytest.mark.parametrize("text, near", [
    ("int", "bigint"), ("double", "float"), ("string", "nvarchar(max)"), ("boolean", "bit"),
    ("nvarchar", "nvarchar(max)"),
    ("varchar(50)", "nvarchar(max)"), ("datetime2", "datetime"), ("flaot", "float"), ("bigitn", "bigint"),
])
def test_other_type_names_get_a_did_you_mean(text, near):
    with pytest.raises(DeclarationError) as raised:
        asa_type(text)
    assert raised.value.message.startswith(f'"{text}" is not an ASA type; did you mean {near}? (ASA\'s types: bigint, ')
    assert raised.value.at_value


def test_declared_fields_nest_records_and_arrays_in_the_order_first_named():
    declared = declared_fields({
        "DeviceId": "nvarchar(max)", "Position.Lat": "float", "Readings[]": "record", "Readings[].Value": "float",
        "Position": {"Lon": "float"}, "Tags": "array", "Matrix[][]": "bigint", "Flag": "bit", "[schema]": "datetime",
        "Meta": "record",
    })
    assert fields_of(declared) == {
        "DeviceId": "nvarchar(max)", "Position": {"Lat": "float", "Lon": "float"}, "Readings": [{"Value": "float"}],
        "Tags": "array", "Matrix": [["bigint"]], "Flag": "bit", "schema": "datetime", "Meta": "record"}
    assert all(ty.source == "declared" for _, ty in declared)
    readings = dict(declared)["Readings"]
    assert readings.element is not None and readings.element.source == "declared"


@pytest.mark.parametrize("table, loc, words", [
    ({"Position": "float", "Position.Lat": "float"}, ("Position.Lat",), ("declares fields of Position, which is "
                                                                         "declared float")),
    ({"Position.Lat": "float", "Position": "bigint"}, ("Position",), ("Position is declared bigint, but other keys "
                                                                      "declare its fields")),
    ({"Tags": "array", "Tags.x": "bigint"}, ("Tags.x",), "declares fields of Tags, which is declared array"),
    ({"a": "bigint", "A": "float"}, ("A",), "A and a are the same field to ASA"),
    ({"a": "bigint", "[a]": "float"}, ("[a]",), "a is declared twice"),
    ({"P": {"x": 5}}, ("P", "x"), "a field's type is a string"),
    ({"P": {}}, ("P",), "an empty table declares nothing"),
    ({"P": {"q": {"r": "real"}}}, ("P", "q", "r"), '"real" is not an ASA type; did you mean float?'),
    ({"a" + "[]" * 100: "bigint"}, ("a" + "[]" * 100,), "nests deeper than 64 levels"),
])
def test_declarations_that_do_not_fit_together(table, loc, words):
    with pytest.raises(DeclarationError, match=re.escape(words)) as raised:
        declared_fields(table)
    assert raised.value.loc == loc


def test_bit_is_bigint_below_1_2_in_records_and_arrays_too():
    declared = dict(declared_fields({"a": "bit", "r.b": "bit", "l[]": "bit"}))
    for level in ("1.0", "1.1"):
        assert {n: shown(at_level(t, level)) for n, t in declared.items()} == {"a": "bigint", "r": {"b": "bigint"},
                                                                               "l": ["bigint"]}
    assert {n: shown(at_level(t, "1.2")) for n, t in declared.items()} == {"a": "bit", "r": {"b": "bit"},
                                                                           "l": ["bit"]}


# ---- the configuration file -----------------------------------------------------------------

GOOD_TOML = """\
compat-level = "1.2"

[inputs.hub-in]
DeviceId = "nvarchar(max)"
"Position.Lat" = "float"
Position.Lon = "float"

[inputs.hub-in.Trip]
Id = "nvarchar(max)"

[inputs.avro-in]
schema = "avro/t.avsc"
"""


def test_the_configuration_reads_inputs(tmp_path):
    write(tmp_path, "avro/t.avsc", '{"type": "record", "name": "T", "fields": []}')
    config = load_config(str(write(tmp_path, "schemacheck.toml", GOOD_TOML)))
    hub = config.input("HUB-IN")
    assert hub is not None and hub.schema is None
    assert fields_of(hub.fields) == {"DeviceId": "nvarchar(max)", "Position": {"Lat": "float", "Lon": "float"},
                                     "Trip": {"Id": "nvarchar(max)"}}
    avro = config.input("avro-in")
    assert avro == InputConfig(schema=str(tmp_path / "avro" / "t.avsc"))
    assert config.input("other") is None


def test_pyproject_reads_inputs_under_tool_schemacheck(tmp_path):
    text = '[tool.schemacheck.inputs.hub]\nSpeed = "float"\n'
    config = load_config(str(write(tmp_path, "pyproject.toml", text)))
    assert fields_of(config.input("hub").fields) == {"Speed": "float"}
    bad = write(tmp_path, "pyproject.toml",
                '[project]\nname = "x"\n\n[tool.schemacheck.inputs.hub]\nSpeed = "double"\n')
    with pytest.raises(InputError) as raised:
        load_config(str(bad))
    assert (raised.value.line, raised.value.column) == (5, 9)
    assert raised.value.message.startswith('tool.schemacheck.inputs.hub.Speed: "double" is not an ASA type; did '
                                           "you mean float?")


BAD_TOMLS = [
    ('[inputs.hub]\nDeviceId = "string"\n', 2, 12, ('inputs.hub.DeviceId: "string" is not an ASA type; did you mean '
                                                   "nvarchar(max)?")),
    ('[inputs.hub]\na = "bigint"\n\n[inputs.hub.P]\nLat = "int"\n', 5, 7, 'inputs.hub.P.Lat: "int" is not an ASA type'),
    ('[inputs.hub]\na = "bigint"\nP.Lat = "int"\n', 3, 9, 'inputs.hub.P.Lat: "int" is not an ASA type'),
    ('[inputs.hub]\n"P..Lat" = "float"\n', 2, 1, 'inputs.hub."P..Lat": a field name is empty'),
    ('[inputs.hub]\nschema = "nope.avsc"\n', 2, 10, "inputs.hub.schema: no such file nope.avsc"),
    ('[inputs.hub]\nschema = "x.xsd"\n', 2, 10, 'inputs.hub.schema: "x.xsd" is neither an Avro schema'),
    ('[inputs.hub]\nschema = "t.avsc"\nDeviceId = "bigint"\n', 3, 1, ("inputs.hub.DeviceId: give either a schema file "
                                                                   "or the fields' types")),
    ("[inputs.hub]\n", 1, 1, "inputs.hub: declares nothing"),
    ('[inputs.Hub]\na = "bigint"\n[inputs.hub]\nb = "bigint"\n', 3, 1, "inputs.hub: input hub is declared twice"),
]


@pytest.mark.parametrize("text, line, column, words", BAD_TOMLS)
def test_a_wrong_declaration_is_an_error_at_its_line_and_column(tmp_path, text, line, column, words):
    write(tmp_path, "t.avsc", '{"type": "record", "name": "T", "fields": []}')
    path = write(tmp_path, "schemacheck.toml", text)
    with pytest.raises(InputError) as raised:
        load_config(str(path))
    error = raised.value
    assert (error.file, error.line, error.column) == (str(path), line, column)
    assert error.message.startswith(words), error.message


def test_an_unknown_top_level_key_suggests_inputs(tmp_path):
    path = write(tmp_path, "schemacheck.toml", '[input.hub]\na = "bigint"\n')
    with pytest.raises(InputError, match="unknown key input; did you mean inputs"):
        load_config(str(path))


def test_the_command_line_reports_a_wrong_type_as_one_line_exit_2(tmp_path):
    write(tmp_path, "schemacheck.toml", '[inputs.hub]\nDeviceId = "double"\n')
    query = write(tmp_path, "q.asaql", "SELECT DeviceId INTO o FROM hub")
    code, out, err = run_cli("check", str(query))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"schemacheck: error: {tmp_path / 'schemacheck.toml'}:2:12: inputs.hub.DeviceId: "
                          '"double" is not an ASA type; did you mean float?')


# ---- Avro ----------------------------------------------------------------------------------

def avro(schema: object, level: str = "1.2") -> dict:
    return fields_of(avro_fields(json.dumps(schema), schema, "t.avsc", level))


def record(*fields, name="T", **extra) -> dict:
    return {"type": "record", "name": name, "fields": [{"name": n, "type": t} for n, t in fields], **extra}


def test_avro_types_as_the_asa_docs_map_them():
    schema = record(("i", "int"), ("l", "long"), ("f", "float"), ("d", "double"), ("s", "string"),
                    ("b", "boolean"), ("n", ["null", "long"]), ("m", ["string", "null"]), ("one", ["double"]),
                    ("arr", {"type": "array", "items": "string"}),
                    ("rec", record(("x", "double"), name="P")), ("again", "P"),
                    ("recs", {"type": "array", "items": "P"}), ("prim", {"type": "long"}))
    assert avro(schema) == {"i": "bigint", "l": "bigint", "f": "float", "d": "float", "s": "nvarchar(max)",
                            "b": "bit", "n": "bigint", "m": "nvarchar(max)", "one": "float", "arr": ["nvarchar(max)"],
                            "rec": {"x": "float"}, "again": {"x": "float"}, "recs": [{"x": "float"}], "prim": "bigint"}
    assert avro(schema, "1.1")["b"] == "bigint"


@pytest.mark.parametrize("avro_type, words", [
    ({"type": "map", "values": "long"}, "ASA does not document how it reads Avro map"),
    ({"type": "enum", "name": "E", "symbols": ["A"]}, "ASA does not document how it reads Avro enum"),
    ("bytes", "ASA does not document how it reads Avro bytes"),
    ({"type": "fixed", "name": "F", "size": 4}, "ASA does not document how it reads Avro fixed"),
    ({"type": "long", "logicalType": "timestamp-millis"}, "Avro long with logicalType timestamp-millis"),
    ({"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}, "logicalType decimal"),
    ({"type": "string", "logicalType": "uuid"}, "Avro string with logicalType uuid"),
    (["null", "long", "string"], "ASA does not document how it reads an Avro union of long, string"),
    ("null", "null holds nothing but null"),
])
def test_undocumented_avro_types_are_unknown_with_the_reason(avro_type, words):
    (_, ty), = avro_fields("", record(("x", avro_type)), "t.avsc", "1.2")
    assert ty.name is None and words in (ty.reason or "")


def test_namespaces_and_a_record_that_holds_itself():
    schema = {"type": "record", "name": "Node", "namespace": "a.b", "fields": [
        {"name": "value", "type": "long"},
        {"name": "next", "type": ["null", "a.b.Node"]},
        {"name": "other", "type": {"type": "record", "name": "Other", "namespace": "c", "fields": [
            {"name": "back", "type": "a.b.Node"}]}},
    ]}
    assert avro(schema) == {"value": "bigint", "next": "record", "other": {"back": "record"}}


def test_avro_fields_that_differ_only_by_case_are_unknown():
    found = avro(record(("Speed", "long"), ("speed", "double"), ("x", "int")))
    assert found == {"Speed": None, "x": "bigint"}
    (_, ty), _ = avro_fields("", record(("Speed", "long"), ("speed", "double"), ("x", "int")), "t", "1.2")
    assert "fields Speed and speed" in (ty.reason or "")


BAD_AVSC = [
    ('{"type": "record", "name": "T", "fields": [\n  {"name": "a", "type": "lng"}]}', 2, 25, "unknown type lng"),
    ('{"type": "record", "name": "T", "fields": [\n  {"name": "a"}]}', 2, 12, "Record field 'a' is missing 'type'"),
    ('{"type": "record", "name": "T", "fields": [\n {"name": "a", "type": {"type": "array"}}]}', 2, 24,
     'an array lacks "items"'),
    ('{"type": "record", "name": "T", "fields": [\n  {"name": "a", "type": "int", "default": "x"}]}', None, None,
     "Default value <x> must match schema type: int"),
    ('{"type": "record", "name": "T", "fields": [,]}', 1, 44, "not valid JSON (Expecting value)"),
    ('"string"', 1, 1, "the schema's top level is string, not a record"),
    ('{"type": "enum", "name": "E", "symbols": ["A"]}', 1, 1, "the schema's top level is enum, not a record"),
]


@pytest.mark.parametrize("text, line, column, words", BAD_AVSC)
def test_an_invalid_avsc_is_an_error_at_its_place(tmp_path, text, line, column, words):
    path = write(tmp_path, "t.avsc", text)
    with pytest.raises(InputError) as raised:
        schema_fields(str(path), "1.2")
    assert words in raised.value.message
    assert raised.value.file == str(path)
    if line is not None:
        assert (raised.value.line, raised.value.column) == (line, column)
    else:
        assert raised.value.line is not None


def test_without_fastavro_the_error_names_the_extra(tmp_path, monkeypatch):
    path = write(tmp_path, "t.avsc", json.dumps(record(("a", "long"))))
    monkeypatch.setitem(sys.modules, "fastavro", None)
    with pytest.raises(InputError) as raised:
        schema_fields(str(path), "1.2")
    assert raised.value.message == ("reading an Avro schema needs fastavro (fastavro is not installed): "
                                    "`pip install 'schemacheck[schemas]'` in the environment schemacheck is "
                                    "installed in")


def test_without_jsonschema_the_error_names_the_extra(tmp_path, monkeypatch):
    path = write(tmp_path, "t.schema.json", '{"type": "object", "properties": {}}')
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(InputError, match=r"needs jsonschema .*pip install 'schemacheck\[schemas\]'"):
        schema_fields(str(path), "1.2")


# An independent model of the mapping, and generated schemas to hold the reader to it.
PRIMITIVE_MODEL = {"int": "bigint", "long": "bigint", "float": "float", "double": "float", "string": "nvarchar(max)",
                   "boolean": "BOOL", "bytes": None, "null": None}


def _model(schema, named: dict, level: str):
    """What the mapping should give for a generated schema (a type as `shown` prints it)."""
    if isinstance(schema, list):
        rest = [s for s in schema if s != "null"]
        return _model(rest[0], named, level) if len(rest) == 1 else None
    if isinstance(schema, str):
        if schema in PRIMITIVE_MODEL:
            kind = PRIMITIVE_MODEL[schema]
            return ("bit" if level == "1.2" else "bigint") if kind == "BOOL" else kind
        return _model(named[schema], named, level)
    if "logicalType" in schema or schema["type"] in ("map", "enum", "fixed"):
        return None
    if schema["type"] == "array":
        return [_model(schema["items"], named, level)]   # an unknown element keeps its reason
    return {f["name"]: _model(f["type"], named, level) for f in schema["fields"]}   # {} for a record of no fields


def _unique_names(fields: list) -> bool:
    lowered = [f["name"].lower() for f in fields]
    return len(lowered) == len(set(lowered))


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
leaves = st.sampled_from(["int", "long", "float", "double", "string", "boolean", "bytes"]) | st.sampled_from([
    {"type": "long", "logicalType": "timestamp-millis"}, {"type": "map", "values": "long"}])
counter = iter(range(10 ** 9))


def _with_name(fields):
    return {"type": "record", "name": f"R{next(counter)}", "fields": fields}


avro_types = st.recursive(
    leaves | leaves.map(lambda t: ["null", t]),
    lambda inner: st.builds(lambda items: {"type": "array", "items": items}, inner)
    | st.lists(st.builds(lambda n, t: {"name": n, "type": t}, names, inner), max_size=4)
    .filter(_unique_names).map(_with_name),
    max_leaves=10)
top_records = st.lists(st.builds(lambda n, t: {"name": n, "type": t}, names, avro_types), min_size=1, max_size=5) \
    .filter(_unique_names).map(_with_name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(top_records, st.sampled_from(["1.0", "1.1", "1.2"]))
def test_generated_avro_schemas_map_as_the_model_says(schema, level):
    found = fields_of(avro_fields(json.dumps(schema), schema, "t.avsc", level))
    expected = _model(schema, {}, level)
    assert found == (expected if isinstance(expected, dict) else {})
    # every known type, however deep, says it was declared
    def sources(ty):
        if ty.name is not None:
            yield ty.source
        for _, field in ty.fields or ():
            yield from sources(field)
        if ty.element is not None:
            yield from sources(ty.element)
    assert {s for _, ty in avro_fields(json.dumps(schema), schema, "t.avsc", level) for s in sources(ty)} <= \
        {"declared"}


# ---- JSON Schema ---------------------------------------------------------------------------

ORDER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "id": {"type": "string"}, "n": {"type": "integer"}, "x": {"type": "number"}, "ok": {"type": "boolean"},
        "at": {"type": "string", "format": "date-time"}, "day": {"type": "string", "format": "date"},
        "c": {"$ref": "#/$defs/c"}, "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
        "tags": {"type": "array"}, "free": {"type": "object"}, "maybe": {"type": ["integer", "null"]},
        "opt": {"anyOf": [{"type": "number"}, {"type": "null"}]}, "one": {"oneOf": [{"type": "string"}]},
        "kind": {"enum": ["a", "b", None]}, "k": {"const": 3}, "mixed": {"type": ["string", "integer"]},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "any": {}, "remote": {"$ref": "other.json"},
        "inferred": {"properties": {"z": {"type": "integer"}}}, "all": {"allOf": [{"type": "string"}]},
        "both": {"allOf": [{"type": "string"}, {"minLength": 1}]},
    },
    "$defs": {"c": {"type": "object", "properties": {"tier": {"type": "string"}, "self": {"$ref": "#/$defs/c"}}},
              "line": {"type": "object", "properties": {"qty": {"type": "integer"}}}},
}


def json_schema(schema: object, level: str = "1.2") -> dict:
    return fields_of(json_schema_fields(json.dumps(schema), schema, "t.json", level))


def test_json_schema_types():
    assert json_schema(ORDER) == {
        "id": "nvarchar(max)", "n": "bigint", "x": "float", "ok": "bit", "at": "nvarchar(max)", "day": "nvarchar(max)",
        "c": {"tier": "nvarchar(max)", "self": None}, "lines": [{"qty": "bigint"}], "tags": "array", "free": "record",
        "maybe": "bigint", "opt": "float", "one": "nvarchar(max)", "kind": "nvarchar(max)", "k": "bigint",
        "mixed": None, "either": None, "any": None, "remote": None, "inferred": {"z": "bigint"},
        "all": "nvarchar(max)", "both": None}


def test_json_schema_at_level_1_0_reads_dates_as_datetime_and_booleans_as_bigint():
    found = json_schema(ORDER, "1.0")
    assert (found["at"], found["day"], found["ok"], found["id"]) == ("datetime", "datetime", "bigint", "nvarchar(max)")
    assert json_schema(ORDER, "1.1")["at"] == "nvarchar(max)"


def test_json_schema_reasons():
    reasons = {n: t.reason for n, t in json_schema_fields("", ORDER, "t.json", "1.2") if t.name is None}
    assert "several types (string, integer)" in reasons["mixed"]
    assert "one of 2 schemas (anyOf)" in reasons["either"]
    assert reasons["any"] == "the JSON Schema allows any value here"
    assert "refers to other.json, which is not read" in reasons["remote"]
    assert "allOf" in reasons["both"]


@pytest.mark.parametrize("text, line, column, words", [
    ('{"type": "object",\n "properties": {"a": {"type": "strin"}}}', 2, 31,
     "not a valid JSON Schema at properties/a/type: 'strin' is not valid under any of the given schemas"),
    ('{"type": "object", "properties": {"a": {"minimum": "x"}}}', 1, 52, "at properties/a/minimum: 'x' is not of type"),
    ('{"type": "array", "items": {"type": "string"}}', 1, 1, ("the schema's top level is array: an input's events are "
                                                             "JSON objects")),
    ('{"type": "object",,}', 1, 19, "not valid JSON"),
])
def test_an_invalid_json_schema_is_an_error_at_its_place(tmp_path, text, line, column, words):
    path = write(tmp_path, "t.schema.json", text)
    with pytest.raises(InputError) as raised:
        schema_fields(str(path), "1.2")
    assert words in raised.value.message
    assert (raised.value.file, raised.value.line, raised.value.column) == (str(path), line, column)


def test_a_json_file_holding_an_avro_record_is_read_as_avro(tmp_path):
    path = write(tmp_path, "t.json", json.dumps(record(("a", "long"))))
    source, found = schema_fields(str(path), "1.2")
    assert source.startswith("Avro schema ") and fields_of(found) == {"a": "bigint"}


# ---- input_shapes: sources and precedence ---------------------------------------------------

def _job(root: Path, inputs=(), samples=()) -> Job:
    return Job("j", "arm", str(root / "job.json"), str(root), Query("SELECT * INTO o FROM hub", "q.asaql"),
               inputs=tuple(inputs), samples=tuple(samples))


def _config(path: Path, **inputs) -> Config:
    return Config(str(path), inputs=inputs)


def test_a_declaration_beats_reference_data_and_samples(tmp_path):
    sample = write(tmp_path, "sample.json", '[{"DeviceId": "a", "Speed": 1}]')
    write(tmp_path, "schemas/Devices.sql", "CREATE TABLE dbo.Devices (DeviceId int, Site nvarchar(10));\n")
    hub = Input("hub", "eventhub", True)
    ref = Input("ref", "sql", False, snapshot_query=SqlText("SELECT DeviceId, Site FROM dbo.Devices"))
    job = _job(tmp_path, [hub, ref], [Sample("hub", str(sample), "json", Where("x")),
                                      Sample("ref", str(sample), "json", Where("x"))])
    shapes, notes = input_shapes(job, "1.2", Config(), (str(tmp_path / "schemas"),))
    assert fields_of(shapes["hub"].fields) == {"DeviceId": "nvarchar(max)", "Speed": "bigint"}
    assert fields_of(shapes["ref"].fields) == {"DeviceId": "bigint", "Site": "nvarchar(max)"}   # reference > sample
    config = _config(tmp_path / "schemacheck.toml",
                     HUB=InputConfig(fields=declared_fields({"DeviceId": "bigint", "Speed": "float"})),
                     ref=InputConfig(fields=declared_fields({"DeviceId": "nvarchar(max)"})))
    shapes, notes = input_shapes(job, "1.2", config, (str(tmp_path / "schemas"),))
    assert notes == []
    assert fields_of(shapes["hub"].fields) == {"DeviceId": "bigint", "Speed": "float"}
    assert shapes["hub"].kind == "eventhub"     # the metadata fields stay
    assert shapes["hub"].source == f"types declared in {tmp_path / 'schemacheck.toml'}"
    assert fields_of(shapes["ref"].fields) == {"DeviceId": "nvarchar(max)"}


def test_a_declaration_for_an_input_the_job_lacks_is_ignored_but_a_lone_query_takes_it(tmp_path):
    config = _config(tmp_path / "schemacheck.toml", other=InputConfig(fields=declared_fields({"a": "bigint"})))
    shapes, _ = input_shapes(_job(tmp_path, [Input("hub", "eventhub", True)]), "1.2", config)
    assert "other" not in shapes
    lone = Job("q", "query", str(tmp_path / "q.asaql"), str(tmp_path), Query("SELECT a INTO o FROM other", "q.asaql"))
    shapes, _ = input_shapes(lone, "1.2", config)
    assert fields_of(shapes["other"].fields) == {"a": "bigint"} and shapes["other"].kind is None


def test_declared_bit_follows_the_level(tmp_path):
    config = _config(tmp_path / "schemacheck.toml", hub=InputConfig(fields=declared_fields({"b": "bit", "r.b": "bit"})))
    job = _job(tmp_path, [Input("hub", "eventhub", True)])
    assert fields_of(input_shapes(job, "1.1", config)[0]["hub"].fields) == {"b": "bigint", "r": {"b": "bigint"}}
    assert fields_of(input_shapes(job, "1.2", config)[0]["hub"].fields) == {"b": "bit", "r": {"b": "bit"}}


def test_a_configured_schema_file_types_the_input_and_names_itself(tmp_path):
    avsc = write(tmp_path, "avro/t.avsc", json.dumps(record(("a", "long"), ("b", "boolean"))))
    config = _config(tmp_path / "schemacheck.toml", hub=InputConfig(schema=str(avsc)))
    shapes, _ = input_shapes(_job(tmp_path, [Input("hub", "eventhub", True, serialization="json")]), "1.1", config)
    assert fields_of(shapes["hub"].fields) == {"a": "bigint", "b": "bigint"}
    assert shapes["hub"].source == f"Avro schema {avsc} ([inputs.hub] of {tmp_path / 'schemacheck.toml'})"


def test_a_broken_configured_schema_file_is_an_error(tmp_path):
    avsc = write(tmp_path, "t.avsc", '{"type": "record", "name": "T", "fields": [{"name": "a", "type": "lng"}]}')
    config = _config(tmp_path / "schemacheck.toml", hub=InputConfig(schema=str(avsc)))
    with pytest.raises(InputError, match="unknown type lng"):
        input_shapes(_job(tmp_path, [Input("hub", "eventhub", True)]), "1.2", config)


@pytest.mark.parametrize("folder", ["", "schemas/"])
def test_an_avsc_beside_an_avro_input_types_it(tmp_path, folder):
    write(tmp_path, f"{folder}hub.avsc", json.dumps(record(("a", "long"))))
    job = _job(tmp_path, [Input("hub", "eventhub", True, serialization="avro")])
    shapes, notes = input_shapes(job, "1.2")
    assert notes == [] and fields_of(shapes["hub"].fields) == {"a": "bigint"}
    assert shapes["hub"].source == f"Avro schema {tmp_path / folder / 'hub.avsc'}, found beside the job"
    # not for a JSON input, and the configuration wins over it
    assert input_shapes(_job(tmp_path, [Input("hub", "eventhub", True, serialization="json")]), "1.2")[0]["hub"] \
        .fields is None
    config = _config(tmp_path / "schemacheck.toml", hub=InputConfig(fields=declared_fields({"b": "float"})))
    assert fields_of(input_shapes(job, "1.2", config)[0]["hub"].fields) == {"b": "float"}


def test_an_unreadable_avsc_beside_the_job_is_a_note(tmp_path):
    path = write(tmp_path, "hub.avsc", '{"type": "record", "name": "T", "fields": [\n {"name": "a", "type": "lng"}]}')
    job = _job(tmp_path, [Input("hub", "eventhub", True, serialization="avro")])
    shapes, notes = input_shapes(job, "1.2")
    assert shapes["hub"].fields is None
    (note,) = notes
    assert note.code == "SC609" and note.where == Where(str(path), 2, 24)
    assert note.message == (f"Avro schema {path} for input hub cannot be read: not a valid Avro schema: unknown type "
                            "lng; its field types are not used")


def test_a_declared_input_checks_end_to_end(tmp_path):
    write(tmp_path, "schemacheck.toml", '[inputs.hub]\nDeviceId = "nvarchar(max)"\nSpeed = "float"\n')
    write(tmp_path, "schemas/t.kql", ".create table T (DeviceId: string, Speed: long)\n")
    query = write(tmp_path, "q.asaql", "SELECT DeviceId, Speed INTO T FROM hub")
    code, out, err = run_cli("check", str(query), "--schema", str(tmp_path / "schemas"), "--format", "json")
    assert err == "" and code == 1
    (speed,) = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC201"]
    assert "output column Speed is float" in speed["message"]
    code, out, err = run_cli("infer", str(query), "--format", "json")
    columns = json.loads(out)["files"][0]["outputs"][0]["columns"]
    assert [(c["name"], c["type"], c["source"]) for c in columns] == [("DeviceId", "nvarchar(max)", "declared"),
                                                                    ("Speed", "float", "declared")]
