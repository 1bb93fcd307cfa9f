"""Nested sample typing (schemacheck.inputs.samples.sample_types): records and arrays typed all the
way down, disagreements named by record, the compatibility level applied at every depth; and a
property test against a small independent model of the same rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemacheck.asa import types as T
from schemacheck.inputs.samples import MAX_DEPTH, sample_types


def types_of(tmp_path: Path, records, level: str = "1.2", name: str = "sample.json", text: str | None = None,
             source: str = "sample") -> dict:
    path = tmp_path / name
    path.write_text(text if text is not None else json.dumps(records), encoding="utf-8")
    return dict(sample_types(str(path), None, level, source))


def test_records_and_arrays_are_typed_with_their_fields_and_elements(tmp_path):
    found = types_of(tmp_path, [
        {"site": {"name": "A", "geo": {"lat": 51.9, "lon": 4.4}}, "readings": [{"s": "p", "v": 1.5}], "tags": ["x"]},
        {"site": {"name": "B", "geo": {"lat": 52.0}}, "readings": [{"s": "f", "v": 2.5, "unit": "bar"}], "tags": []},
    ])
    site = found["site"]
    assert site.name == "record" and site.source == "sample"
    assert [n for n, _ in site.fields] == ["name", "geo"]
    geo = site.field("geo")
    assert geo.field("lat") == T.known("float")._replace(source="sample")
    assert geo.field("lon").name == "float"      # absent from record 2: absent says nothing
    readings = found["readings"]
    assert readings.name == "array" and readings.source == "sample"
    element = readings.element
    assert element.name == "record" and [n for n, _ in element.fields] == ["s", "v", "unit"]
    assert element.field("unit").name == "nvarchar(max)" and element.field("unit").source == "sample"
    assert found["tags"].element.name == "nvarchar(max)"


def test_field_names_merge_without_case_and_keep_the_first_spelling(tmp_path):
    found = types_of(tmp_path, [{"Device": {"Id": "a"}}, {"device": {"ID": "b", "Kind": 1}}])
    assert list(found) == ["Device"]
    assert [n for n, _ in found["Device"].fields] == ["Id", "Kind"]


def test_disagreeing_records_name_the_first_record_of_each_type(tmp_path):
    records = [{"a": 1}, {"a": 2}, {"a": "x"}, {"a": None}, {"a": [1]}]
    found = types_of(tmp_path, records)
    assert found["a"].name is None and found["a"].cause == "input"
    assert found["a"].reason == ("the sample's records disagree on the type of a (record 1 has bigint, "
                                 "record 3 nvarchar(max), record 5 array)")


def test_integers_and_fractions_are_a_number_not_a_type(tmp_path):
    found = types_of(tmp_path, [{"v": 1}, {"v": 2}, {"v": 2.5}])
    assert found["v"].name is None                 # no "number" type in ASA: still unknown
    assert T.is_number(found["v"].cause) and T.input_of(found["v"].cause) == ""
    assert found["v"].reason.startswith("v holds both integers and fractions in the sample (record 1 has bigint, "
                                        "record 3 float)")


def test_disagreements_inside_records_and_arrays_stay_where_they_are(tmp_path):
    found = types_of(tmp_path, [
        {"pos": {"lat": 1.5, "kind": "gps"}, "vals": [1.5, 2.5], "mixed": ["a", 1], "deep": [{"k": "a"}]},
        {"pos": {"lat": 2.5, "kind": 7}, "vals": [3.0, 4], "mixed": [], "deep": [{"k": "b"}, {"k": None}]},
    ])
    pos = found["pos"]
    assert pos.name == "record" and pos.field("lat").name == "float"
    kind = pos.field("kind")
    assert kind.name is None and kind.reason == ("the sample's records disagree on the type of pos.kind (record 1 "
                                                 "has nvarchar(max), record 2 bigint)")
    assert found["vals"].name == "array"
    assert T.is_number(found["vals"].element.cause)
    assert found["vals"].element.reason.startswith("the elements of vals hold both integers and fractions")
    assert found["mixed"].element.reason == ("the sample's records disagree on the type of the elements of mixed "
                                             "(record 1 has nvarchar(max) and bigint)")
    assert found["deep"].element.field("k").name == "nvarchar(max)"


def test_empty_arrays_and_null_values_say_so(tmp_path):
    found = types_of(tmp_path, [{"a": [], "b": None, "c": [None]}, {"a": [], "b": None, "c": []}])
    assert found["a"].name == "array"
    assert found["a"].element.reason == "every a array in the sample is empty, so its elements' type is not known"
    assert found["b"].reason == "every value of b in the sample is null"
    assert found["c"].element.reason == "every value of the elements of c in the sample is null"


def test_an_integer_past_bigint_at_any_depth_is_unknown(tmp_path):
    text = '[{"a": {"b": [1, 99999999999999999999]}}, {"a": {"b": [2]}}]'
    found = types_of(tmp_path, None, text=text)
    element = found["a"].field("b").element
    assert element.name is None and "record 1 of the sample holds an integer outside bigint's range" in element.reason


@pytest.mark.parametrize("level, boolean, date", [("1.0", "bigint", "datetime"), ("1.1", "bigint", "nvarchar(max)"),
                                                  ("1.2", "bit", "nvarchar(max)")])
def test_the_level_applies_at_every_depth(tmp_path, level, boolean, date):
    found = types_of(tmp_path, [{"s": {"on": True, "at": "2024-05-01T10:00:00Z", "list": [False]}}], level=level)
    record = found["s"]
    assert record.field("on").name == boolean
    assert record.field("at").name == date
    assert record.field("list").element.name == boolean


def test_reference_data_says_reference_data(tmp_path):
    found = types_of(tmp_path, [{"a": 1, "b": None}], source="reference")
    assert found["a"].source == "reference"
    assert found["b"].reason == "every value of b in the reference data is null"


def test_csv_integers_past_bigint_are_unknown(tmp_path):
    found = types_of(tmp_path, None, name="r.csv", text="Id,Big\n1,99999999999999999999\n2,3\n")
    assert found["Id"].name == "bigint" and found["Id"].source == "sample"
    assert found["Big"].name is None and "outside bigint's range" in found["Big"].reason


def test_nesting_past_the_limit_is_a_record_of_unknown_fields(tmp_path):
    value: object = 1
    for _ in range(MAX_DEPTH + 5):
        value = {"n": value}
    found = types_of(tmp_path, [value])
    depth = 0
    ty = found["n"]
    while ty.fields:
        ty = ty.field("n")
        depth += 1
    assert ty.name == "record" and ty.fields is None and depth <= MAX_DEPTH + 1


# ---- property: the reader agrees with a simple model of the rules -------------------------------

DATES = ("2024-05-01", "2024-05-01T10:00:00Z", "2023-12-31 23:59:59")   # date-like at level 1.0
KEYS = st.sampled_from(["a", "A", "b", "c"])
leaves = (st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70)
          | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(DATES) | st.text("xyz ", max_size=3))
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                      max_leaves=10)


def model_kind(value, level: str) -> str | None:
    if value is None:
        return None
    if value is True or value is False:
        return "bit" if level == "1.2" else "bigint"
    if isinstance(value, int):
        return "bigint" if -(2 ** 63) <= value < 2 ** 63 else "too-big"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dict):
        return "record"
    if isinstance(value, list):
        return "array"
    return "datetime" if level == "1.0" and value in DATES else "nvarchar(max)"


def model(found: list, level: str):
    """What the rules say of the values seen at one place, in document order: ("?",) when
    unknown, ("number",) for integers with fractions, (kind,), (record, [(name, model)]),
    (array, model of all elements) or (array, "empty")."""
    kinds = []
    for value in found:
        kind = model_kind(value, level)
        if kind is not None and kind not in kinds:
            kinds.append(kind)
    if "too-big" in kinds or not kinds:
        return ("?",)
    if sorted(kinds) == ["bigint", "float"]:
        return ("number",)
    if len(kinds) > 1:
        return ("?",)
    (kind,) = kinds
    found = [value for value in found if value is not None]
    if kind == "record":
        names: dict[str, str] = {}
        for value in found:
            for key in value:
                names.setdefault(key.lower(), key)
        return ("record", [(spelling, model([v[k] for v in found for k in v if k.lower() == lowered], level))
                           for lowered, spelling in names.items()])
    if kind == "array":
        elements = [item for value in found for item in value]
        return ("array", model(elements, level) if elements else "empty")
    return (kind,)


def described(ty: T.Ty):
    """A Ty in the model's terms, checking on the way that each typed one is from the sample and
    each unknown one says why (cause input)."""
    if ty.name is None:
        assert ty.reason and "sample" in ty.reason and T.input_of(ty.cause) == ""
        return ("number",) if T.is_number(ty.cause) else ("?",)
    assert ty.source == "sample"
    if ty.name == "record":
        return ("record", [(name, described(field)) for name, field in ty.fields])
    if ty.name == "array":
        if ty.element.name is None and "is empty" in (ty.element.reason or ""):
            return ("array", "empty")
        return ("array", described(ty.element))
    return (ty.name,)


_SCRATCH: list = []


def _scratch() -> Path:
    if not _SCRATCH:
        import atexit
        import tempfile

        folder = tempfile.TemporaryDirectory(prefix="schemacheck-nested-")
        atexit.register(folder.cleanup)
        _SCRATCH.append(folder)
    return Path(_SCRATCH[0].name)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(KEYS, values, max_size=4), max_size=6), st.sampled_from(["1.0", "1.1", "1.2"]),
       st.booleans())
def test_nested_types_agree_with_the_model(records, level, as_lines):
    path = _scratch() / "nested.json"
    text = "\n".join(json.dumps(r) for r in records) if as_lines else json.dumps(records)
    path.write_text(text or "[]", encoding="utf-8")
    found = sample_types(str(path), "json", level)
    expected = model(records, level) if records else ("record", [])
    assert [(name, described(ty)) for name, ty in found] == expected[1]
