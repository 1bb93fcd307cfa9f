"""Input types from sample data (schemacheck.inputs.samples), and what they do to inference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from schemacheck.asa.analysis import analyze
from schemacheck.asa.infer import InputShape
from schemacheck.jobs.model import Input, Job, Query, Sample, Where
from schemacheck.inputs import input_shapes
from schemacheck.inputs.samples import SampleError, sample_fields

SAMPLES = FIXTURES / "jobs" / "samples"


def fields(name: str, level: str = "1.2", format: str | None = None) -> dict:
    return {n: (t, r) for n, t, r in sample_fields(str(SAMPLES / name), format, level)}


def test_json_array_types_at_level_1_2():
    found = fields("telemetry.json")
    assert list(found) == ["deviceId", "temperature", "speedKmh", "doorOpen", "readAt", "location", "tags", "note"]
    assert found["deviceId"] == ("nvarchar(max)", None)
    assert found["speedKmh"] == ("bigint", None)
    assert found["doorOpen"] == ("bit", None)
    assert found["readAt"] == ("nvarchar(max)", None)      # date-like text stays text from 1.1
    assert found["location"] == ("record", None)
    assert found["tags"] == ("array", None)
    assert found["note"] == (None, "every value of note in the sample is null")
    # 71.5 then 70: integers and fractions, so the type is not guessed (ASA has no number type)
    assert found["temperature"][0] is None
    assert found["temperature"][1].startswith("temperature holds both integers and fractions in the sample "
                                              "(record 1 has float, record 2 bigint)")


def test_the_level_decides_booleans_and_dates():
    found = fields("telemetry.json", level="1.0")
    assert found["doorOpen"] == ("bigint", None)
    assert found["readAt"] == ("datetime", None)
    assert fields("telemetry.json", level="1.1")["doorOpen"] == ("bigint", None)
    assert fields("telemetry.json", level="1.1")["readAt"] == ("nvarchar(max)", None)


def test_line_delimited_json_matches_names_without_case():
    found = fields("lines.json")
    assert list(found) == ["deviceId", "level", "extra"]
    assert found["deviceId"] == ("nvarchar(max)", None)
    assert found["level"] == ("bigint", None)


def test_csv_with_header_and_the_delimiter_of_the_header():
    found = fields("readings.csv")
    assert found == {"DeviceId": ("nvarchar(max)", None), "Reading": ("float", None), "Count": ("bigint", None),
                     "SeenAt": ("nvarchar(max)", None)}
    assert fields("readings.csv", level="1.0")["SeenAt"] == ("datetime", None)
    semicolon = fields("semicolon.csv")
    assert semicolon["Reading"][0] is None and "record 1 has nvarchar(max), record 2 bigint" in semicolon["Reading"][1]


def test_an_integer_out_of_bigint_range_is_unknown_with_the_reason():
    found = fields("huge.json")
    assert found["a"][0] is None and "outside bigint's range" in found["a"][1]


@pytest.mark.parametrize("name, words", [
    ("scalars.json", "record 1 is not an object"),
    ("broken.json", "not valid JSON at line 2, column 7"),
    ("missing.json", "no such file"),
])
def test_unreadable_samples_say_why(name, words):
    with pytest.raises(SampleError, match=words):
        sample_fields(str(SAMPLES / name), None, "1.2")


def _job(samples=(), inputs=()):
    return Job("j", "vscode", "asaproj.json", ".", Query("SELECT * INTO o FROM hub", "q.asaql"),
               inputs=tuple(inputs), samples=tuple(samples))


def test_input_shapes_join_samples_with_input_kinds():
    where = Where("Inputs/Local_hub.json", 1, 1)
    job = _job([Sample("hub", str(SAMPLES / "lines.json"), "json", where),
                Sample("bad", str(SAMPLES / "broken.json"), "json", where)],
               [Input("hub", "eventhub", True), Input("ref", "blob", False), Input("iot", "iothub", True)])
    shapes, notes = input_shapes(job, "1.2")
    assert shapes["hub"].kind == "eventhub" and [f[0] for f in shapes["hub"].fields] == ["deviceId", "level", "extra"]
    assert shapes["iot"] == InputShape("iothub")
    assert "ref" not in shapes      # reference data carries no metadata fields
    assert [n.code for n in notes] == ["SC609"] and "for input bad" in notes[0].message
    assert notes[0].where == where


def _sampled(kind: str):
    from schemacheck.asa import types as T

    return T.known(kind)._replace(source="sample")


def test_select_star_over_a_sampled_event_hub_lists_payload_then_metadata():
    shapes = {"hub": InputShape("eventhub", (("deviceId", _sampled("nvarchar(max)")), ("PartitionId", _sampled("bigint"))),
                                "sample x.json")}
    analysis = analyze("SELECT * INTO o FROM hub", input_shapes=shapes)
    (output,) = analysis.outputs
    assert output.complete
    assert [(c.name, c.type, c.source) for c in output.columns] == [
        ("deviceId", "nvarchar(max)", "sample"), ("EventProcessedUtcTime", "datetime", "metadata"),
        ("EventEnqueuedUtcTime", "datetime", "metadata"), ("PartitionId", "bigint", "metadata")]


def test_without_a_sample_the_metadata_fields_are_still_known():
    analysis = analyze("SELECT *, EventEnqueuedUtcTime AS t, IoTHub.ConnectionDeviceId AS d INTO o FROM iot",
                       input_shapes={"iot": InputShape("iothub")})
    (output,) = analysis.outputs
    assert not output.complete
    names = [(c.name, c.type) for c in output.columns]
    assert ("t", "datetime") in names and ("IoTHub", "record") in names and ("PartitionId", "bigint") in names
    assert [g.reason for g in output.gaps] == ["the columns of input iot are not declared (no CREATE TABLE, no "
                                               "sample data)"]


def test_a_field_missing_from_the_sample_is_unknown_and_create_table_wins():
    shapes = {"hub": InputShape(None, (("a", _sampled("bigint")),), "sample s.json")}
    analysis = analyze("SELECT a, b, hub.c INTO o FROM hub", input_shapes=shapes)
    columns = analysis.outputs[0].columns
    assert columns[0].type == "bigint"
    assert columns[1].reason == "b is not in the sample data of input hub (sample s.json)"
    assert columns[2].reason == "c is not in the sample data of input hub (sample s.json)"
    declared = analyze("CREATE TABLE hub (a nvarchar(max)); SELECT a INTO o FROM hub", input_shapes=shapes)
    assert declared.outputs[0].columns[0].type == "nvarchar(max)"


def test_level_1_0_lower_cases_sample_and_metadata_names():
    shapes = {"hub": InputShape("eventhub", (("DeviceId", _sampled("nvarchar(max)")),), "s")}
    (output,) = analyze("SELECT * INTO o FROM hub", level="1.0", input_shapes=shapes).outputs
    assert [c.name for c in output.columns] == ["deviceid", "eventprocessedutctime", "eventenqueuedutctime",
                                                "partitionid"]


_SCRATCH = None


def _scratch() -> Path:
    """One temporary folder for the property tests (hypothesis calls them many times)."""
    global _SCRATCH
    if _SCRATCH is None:
        import atexit
        import tempfile

        _SCRATCH = tempfile.TemporaryDirectory(prefix="schemacheck-sample-")
        atexit.register(_SCRATCH.cleanup)
    return Path(_SCRATCH.name)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=5), max_size=5),
       st.sampled_from(["1.0", "1.1", "1.2"]), st.booleans())
def test_any_json_records_give_one_answer_per_field(records, level, as_lines):
    path = _scratch() / "sample.json"
    text = "\n".join(json.dumps(r) for r in records) if as_lines else json.dumps(records)
    path.write_text(text or "[]", encoding="utf-8")
    result = sample_fields(str(path), "json", level)
    names = [n.lower() for n, _, _ in result]
    assert len(names) == len(set(names))
    expected = {k.lower() for r in records for k in r}
    assert set(names) == expected
    for _name, kind, reason in result:
        assert (kind is None) == (reason is not None)
        assert kind in (None, "bigint", "float", "nvarchar(max)", "datetime", "bit", "record", "array")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_read_or_refused_with_a_reason(data):
    path = _scratch() / "sample.csv"
    path.write_bytes(data)
    for format in ("json", "csv"):
        try:
            sample_fields(str(path), format, "1.2")
        except SampleError as error:
            assert str(error)
