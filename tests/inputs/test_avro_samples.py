"""Avro samples (schemacheck.inputs.samples.avro_types): the writer schema in an .avro container
file's header types the fields, at the job's compatibility level; fastavro is imported only to
read one, and without it the sample is an SC609 note naming the `avro` extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.asa import types as T
from schemacheck.inputs import input_shapes
from schemacheck.inputs.samples import AVRO_EXTRA, SampleError, sample_types
from schemacheck.jobs.model import Input, Job, Query, Sample, Where

fastavro = pytest.importorskip("fastavro")

SCHEMA = {
    "type": "record", "name": "Reading", "namespace": "plant",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "count", "type": "int"},
        {"name": "total", "type": "long"},
        {"name": "ratio", "type": "float"},
        {"name": "mean", "type": "double"},
        {"name": "ok", "type": "boolean"},
        {"name": "maybe", "type": ["null", "double"], "default": None},
        {"name": "where", "type": {"type": "record", "name": "Where", "fields": [
            {"name": "line", "type": "string"}, {"name": "slot", "type": ["null", "int"]}]}},
        {"name": "again", "type": "Where"},                      # a named type used twice
        {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
            {"name": "sku", "type": "string"}, {"name": "flags", "type": {"type": "array", "items": "boolean"}}]}}},
        {"name": "either", "type": ["null", "long", "double"]},
        {"name": "both", "type": ["int", "long"]},
        {"name": "text_or_number", "type": ["string", "long"]},
        {"name": "attrs", "type": {"type": "map", "values": "string"}},
        {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["ON", "OFF"]}},
        {"name": "raw", "type": "bytes"},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2}},
    ],
}
RECORD = {"id": "a", "count": 1, "total": 2, "ratio": 0.5, "mean": 1.5, "ok": True, "maybe": None,
          "where": {"line": "L1", "slot": 3}, "again": {"line": "L2", "slot": None},
          "items": [{"sku": "s", "flags": [True]}], "either": 1, "both": 2, "text_or_number": "x", "attrs": {},
          "state": "ON", "raw": b"\x00", "hash": b"abcd", "at": 0, "price": b"\x01"}


def write(path, schema=SCHEMA, records=(RECORD,), codec="null"):
    with open(path, "wb") as out:
        fastavro.writer(out, fastavro.parse_schema(schema), list(records), codec=codec)
    return str(path)


def test_avro_types_by_the_documented_mapping(tmp_path):
    found = dict(sample_types(write(tmp_path / "r.avro", codec="deflate"), None, "1.2"))
    simple = {name: (ty.name, ty.source) for name, ty in found.items()}
    assert simple["id"] == ("nvarchar(max)", "sample")
    assert simple["count"] == simple["total"] == ("bigint", "sample")
    assert simple["ratio"] == simple["mean"] == ("float", "sample")
    assert simple["ok"] == ("bit", "sample")
    assert simple["maybe"] == ("float", "sample")             # ["null", T] -> T
    assert simple["both"] == ("bigint", "sample")             # int or long: bigint either way
    where = found["where"]
    assert where.name == "record" and where.field("slot").name == "bigint"
    assert found["again"] == where                            # the named type, resolved
    items = found["items"]
    assert items.name == "array" and items.element.field("flags").element.name == "bit"
    assert T.is_number(found["either"].cause)                 # long or double: a number, not a type
    assert found["text_or_number"].name is None and "union of several types" in found["text_or_number"].reason
    for name, what in (("attrs", "map"), ("state", "enum"), ("raw", "bytes"), ("hash", "fixed"),
                       ("at", "timestamp-millis"), ("price", "decimal")):
        ty = found[name]
        assert ty.name is None and ty.cause == "input"
        logical = " (a logical type)" if what in ("timestamp-millis", "decimal") else ""
        assert ty.reason == f"{name} is an Avro {what}{logical} in the sample's schema, a type not documented by ASA"


@pytest.mark.parametrize("level, boolean", [("1.0", "bigint"), ("1.1", "bigint"), ("1.2", "bit")])
def test_avro_booleans_follow_the_level(tmp_path, level, boolean):
    found = dict(sample_types(write(tmp_path / "r.avro"), "avro", level))
    assert found["ok"].name == boolean
    assert found["items"].element.field("flags").element.name == boolean


def test_a_recursive_schema_is_read_to_a_bounded_depth(tmp_path):
    schema = {"type": "record", "name": "Node", "fields": [
        {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}
    found = dict(sample_types(write(tmp_path / "n.avro", schema, [{"value": 1, "next": None}]), None, "1.2"))
    depth, ty = 0, found["next"]
    while ty.name == "record":
        assert ty.field("value").name == "bigint"
        ty = ty.field("next")
        depth += 1
    assert 5 < depth < 100 and "nested too deeply" in ty.reason


@pytest.mark.parametrize("content, words", [
    (b"not avro at all", "is not an Avro container file whose header and schema can be read"),
    (b"Obj\x01\x02", "is not an Avro container file"),
    (b"", "is not an Avro container file"),
])
def test_unreadable_avro_files_say_why(tmp_path, content, words):
    path = tmp_path / "bad.avro"
    path.write_bytes(content)
    with pytest.raises(SampleError, match=words):
        sample_types(str(path), None, "1.2")


def test_an_avro_schema_that_is_no_record_names_no_fields(tmp_path):
    path = write(tmp_path / "s.avro", "string", ["a", "b"])
    with pytest.raises(SampleError, match="no record"):
        sample_types(path, None, "1.2")


def test_a_missing_avro_file(tmp_path):
    with pytest.raises(SampleError, match="no such file"):
        sample_types(str(tmp_path / "gone.avro"), None, "1.2")


def test_without_fastavro_an_avro_sample_is_a_note_naming_the_extra(tmp_path, monkeypatch):
    path = write(tmp_path / "r.avro")
    monkeypatch.setitem(sys.modules, "fastavro", None)     # import fastavro raises ImportError
    where = Where("Inputs/Local_plant.json", 1, 1)
    job = Job("j", "vscode", "asaproj.json", str(tmp_path), Query("SELECT * INTO o FROM plant", "q.asaql"),
              inputs=(Input("plant", "eventhub", True),), samples=(Sample("plant", path, None, where),))
    shapes, notes = input_shapes(job, "1.2")
    assert shapes["plant"].fields is None
    (note,) = notes
    assert note.code == "SC609" and AVRO_EXTRA in note.message and "for input plant" in note.message
    assert AVRO_EXTRA == "pip install 'schemacheck[schemas]'"


# ---- robustness: damaged Avro files are read or refused with a reason -----------------------------

_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "inputs" / "avro-meters" / "data" / "meters.avro"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 1400), st.integers(0, 255)), max_size=6), st.integers(0, 1400))
def test_damaged_avro_files_are_read_or_refused_with_a_reason(tmp_path, changes, cut):
    data = bytearray(_FIXTURE.read_bytes())
    for at, value in changes:
        if at < len(data):
            data[at] = value
    path = tmp_path / "damaged.avro"
    path.write_bytes(bytes(data[:cut]))
    try:
        found = sample_types(str(path), None, "1.2")
    except SampleError as error:
        assert str(error) and "Error" not in str(error)
    else:
        assert all(isinstance(name, str) and (ty.name is not None or ty.reason) for name, ty in found)
