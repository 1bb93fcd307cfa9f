"""Inference over nested input types (schemacheck.asa.infer): record field paths, GetArrayElement,
CROSS APPLY GetArrayElements / GetRecordProperties, GetRecordPropertyValue, over the fields a
sample or reference data gives an input; unknowns keep the sample's reason and an input cause."""

from __future__ import annotations

from schemacheck.asa import types as T
from schemacheck.asa.analysis import analyze
from schemacheck.asa.infer import InputShape


def s(kind: str) -> T.Ty:
    return T.known(kind)._replace(source="sample")


def rec(**fields) -> T.Ty:
    return T.record_type(tuple(fields.items()))._replace(source="sample")


def arr(element: T.Ty) -> T.Ty:
    return T.array_type(element)._replace(source="sample")


def disagreeing(path: str) -> T.Ty:
    return T.unknown(f"the sample's records disagree on the type of {path} (record 1 has bigint, record 2 "
                     f"nvarchar(max))", "input")


SHAPE = InputShape("iothub", (
    ("deviceId", s("nvarchar(max)")),
    ("site", rec(name=s("nvarchar(max)"), geo=rec(lat=s("float"), lon=s("float")), code=disagreeing("site.code"))),
    ("readings", arr(rec(sensor=s("nvarchar(max)"), value=s("float")))),
    ("alarms", arr(s("nvarchar(max)"))),
    ("counters", rec(starts=s("bigint"), stops=s("bigint"))),
    ("mixed", rec(a=s("bigint"), b=s("nvarchar(max)"))),
    ("empty", arr(T.unknown("every empty array in the sample is empty, so its elements' type is not known", "input"))),
    ("position", disagreeing("position")),
    ("label", s("nvarchar(max)")),
), "sample data/t.json")


def columns(query: str, level: str = "1.2") -> dict:
    analysis = analyze(query, level=level, input_shapes={"t": SHAPE})
    return {c.name: c for output in analysis.outputs for c in output.columns}


def test_record_paths_are_typed_at_any_depth():
    found = columns("SELECT t.site.geo.lat AS lat, site.name AS name, t.site AS site INTO o FROM t")
    assert (found["lat"].type, found["lat"].source) == ("float", "sample")
    assert (found["name"].type, found["name"].source) == ("nvarchar(max)", "sample")
    assert found["site"].type == "record"


def test_a_field_the_sample_does_not_have_is_unknown_and_says_so():
    found = columns("SELECT t.site.geo.alt AS alt, t.label.x AS x, t.site.code.y AS y, t.position.lat AS lat "
                    "INTO o FROM t")
    assert found["alt"].type is None and found["alt"].reason == "t.site.geo has no field alt in the sample data"
    assert T.input_of(found["alt"].cause) == "t"
    assert found["x"].reason == "t.label is a nvarchar(max) in the sample data, and has no field x"
    # a field of a value the sample disagrees on: the disagreement is the reason
    assert found["y"].reason.startswith("the sample's records disagree on the type of site.code")
    assert found["lat"].reason.startswith("the sample's records disagree on the type of position")
    assert T.input_of(found["lat"].cause) == "t"


def test_get_array_element_is_the_element_type():
    found = columns("SELECT GetArrayElement(t.alarms, 0) AS first, GetArrayElement(t.readings, 1).value AS v, "
                    "GetArrayElement(t.empty, 0) AS e, GetArrayElement(t.untyped, 0) AS u INTO o FROM t")
    assert (found["first"].type, found["first"].source) == ("nvarchar(max)", "sample")
    assert found["v"].type == "float"
    assert found["e"].type is None and "is empty" in found["e"].reason and T.input_of(found["e"].cause) == "t"
    assert found["u"].type is None and T.input_of(found["u"].cause) is not None


def test_cross_apply_get_array_elements_types_array_value():
    found = columns("SELECT r.ArrayIndex AS i, r.ArrayValue.sensor AS sensor, r.ArrayValue.value AS v, "
                    "r.ArrayValue AS whole, r.ArrayValue.missing AS m INTO o FROM t "
                    "CROSS APPLY GetArrayElements(t.readings) AS r")
    assert (found["i"].type, found["i"].source) == ("bigint", "expression")
    assert (found["sensor"].type, found["sensor"].source) == ("nvarchar(max)", "sample")
    assert found["v"].type == "float"
    assert found["whole"].type == "record"
    assert found["m"].reason == "r.ArrayValue has no field missing in the sample data"


def test_nested_apply_over_an_element_field():
    found = columns("SELECT a.ArrayValue AS alarm INTO o FROM t CROSS APPLY GetArrayElements(t.alarms) AS a")
    assert found["alarm"].type == "nvarchar(max)"


def test_get_array_elements_of_an_untyped_field_keeps_the_input_cause():
    found = columns("SELECT e.ArrayValue AS v, e.ArrayValue.x AS x INTO o FROM t "
                    "CROSS APPLY GetArrayElements(t.untyped) AS e")
    assert found["v"].type is None and T.input_of(found["v"].cause) is not None
    assert found["x"].type is None and T.input_of(found["x"].cause) is not None


def test_get_record_properties_value_is_typed_when_all_fields_agree():
    found = columns("SELECT p.PropertyName AS n, p.PropertyValue AS v INTO o FROM t "
                    "CROSS APPLY GetRecordProperties(t.counters) AS p")
    assert found["n"].type == "nvarchar(max)"
    assert (found["v"].type, found["v"].source) == ("bigint", "sample")
    found = columns("SELECT p.PropertyValue AS v INTO o FROM t CROSS APPLY GetRecordProperties(t.mixed) AS p")
    assert found["v"].type is None and found["v"].reason == ("the record's fields do not all have one type "
                                                             "(a bigint, b nvarchar(max))")
    found = columns("SELECT p.PropertyValue AS v INTO o FROM t CROSS APPLY GetRecordProperties(t.untyped) AS p")
    assert found["v"].type is None and T.input_of(found["v"].cause) is not None


def test_get_record_property_value_with_a_literal_name():
    found = columns("SELECT GetRecordPropertyValue(t.site, 'name') AS name, "
                    "GetRecordPropertyValue(t.site, 'NAME') AS upper, "
                    "GetRecordPropertyValue(t.site, 'nope') AS nope, "
                    "GetRecordPropertyValue(t.counters, t.label) AS any_counter, "
                    "GetRecordPropertyValue(t.untyped, 'x') AS u INTO o FROM t")
    assert (found["name"].type, found["name"].source) == ("nvarchar(max)", "sample")
    assert found["upper"].type == "nvarchar(max)"                       # names match without case
    assert found["nope"].reason == "the record has no field nope in the sample data"
    assert found["any_counter"].type == "bigint"                        # every field is bigint
    assert found["u"].type is None and T.input_of(found["u"].cause) is not None


def test_nested_types_pass_through_steps():
    found = columns("WITH s AS (SELECT t.site AS site, t.readings AS readings FROM t)\n"
                    "SELECT s.site.geo.lon AS lon, r.ArrayValue.sensor AS sensor INTO o FROM s "
                    "CROSS APPLY GetArrayElements(s.readings) AS r")
    assert (found["lon"].type, found["lon"].source) == ("float", "sample")
    assert found["sensor"].type == "nvarchar(max)"


def test_select_star_of_a_nested_record():
    analysis = analyze("SELECT t.site.* INTO o FROM t", input_shapes={"t": SHAPE})
    (output,) = analysis.outputs
    assert output.complete
    assert [(c.name, c.type) for c in output.columns] == [("name", "nvarchar(max)"), ("geo", "record"),
                                                          ("code", None)]
