"""Fidelity of expression typing: CASE and COALESCE over mixed types, numbers whose exact type
the documentation leaves open, GetMetadataPropertyValue's properties, and the cause of an
unknown type ("input:NAME", "udf:NAME", "number[+ORIGIN]": schemacheck.asa.types)."""

from __future__ import annotations

import pytest

from schemacheck.asa import types as T
from schemacheck.asa.analysis import analyze
from schemacheck.asa.infer import InputShape

# A step that gives typed values to mix: A bigint, F float, S nvarchar(max), B bit, D datetime.
TYPED = ("WITH t AS (SELECT CAST(a AS bigint) AS A, CAST(f AS float) AS F, CAST(s AS nvarchar(max)) AS S, "
         "CAST(b AS bit) AS B, CAST(d AS datetime) AS D, CAST(a2 AS bigint) AS A2 FROM i)\n")


def outputs(text: str, **options):
    analysis = analyze(text, **options)
    assert not [d for d in analysis.diagnostics if d.code == "SC001"], analysis.diagnostics
    return analysis.outputs


def column_list(text: str, **options):
    return outputs(text, **options)[0].columns


def column(text: str, **options):
    (only,) = column_list(text, **options)
    return only


def typed(expr: str, **options):
    """The one output column of `SELECT <expr> AS v` over the typed step."""
    return column(f"{TYPED}SELECT {expr} AS v FROM t", **options)


# ---- CASE: "the highest precedence type from the set of types in result_expression" ----

@pytest.mark.parametrize(("expr", "expected"), [
    ("CASE WHEN A > 1 THEN A ELSE F END", "float"),
    ("CASE WHEN A > 1 THEN F ELSE A END", "float"),
    ("CASE WHEN A > 1 THEN 1 WHEN A > 2 THEN 2.5 ELSE 3 END", "float"),
    ("CASE WHEN A > 1 THEN B ELSE A END", "bigint"),
    ("CASE WHEN A > 1 THEN B ELSE F END", "float"),
    ("CASE WHEN A > 1 THEN B ELSE CAST(0 AS bit) END", "bit"),
    ("CASE A WHEN 1 THEN S WHEN 2 THEN 'two' ELSE 'many' END", "nvarchar(max)"),
])
def test_case_takes_the_highest_precedence_numeric_type(expr, expected):
    result = typed(expr)
    assert (result.type, result.cause) == (expected, None)


def test_case_without_a_documented_precedence_is_unknown_with_the_rule():
    for expr, names in [("CASE WHEN A > 1 THEN A ELSE S END", "bigint, nvarchar(max)"),
                        ("CASE WHEN A > 1 THEN D ELSE S END", "nvarchar(max), datetime"),
                        ("CASE WHEN A > 1 THEN CreatePoint(1.0, 2.0) ELSE F END", "float, record")]:
        result = typed(expr)
        assert result.type is None and result.cause is None
        assert result.reason == (f"the values of this CASE have different types ({names}); CASE takes the "
                                 f"highest-precedence one (ASA's CASE reference), but ASA documents no precedence "
                                 f"among these: CAST the values")


def test_null_values_of_a_case_take_the_other_values_type():
    assert typed("CASE WHEN A > 1 THEN F ELSE NULL END").type == "float"
    assert typed("CASE WHEN A > 1 THEN NULL WHEN A > 2 THEN A ELSE F END").type == "float"
    every = typed("CASE WHEN A > 1 THEN NULL ELSE NULL END")
    assert (every.type, every.reason) == (None, "every value of this CASE is NULL")


def test_a_case_of_records_keeps_their_fields():
    text = ("SELECT CASE WHEN x > 1 THEN AnomalyDetection_ChangePoint(CAST(x AS float), 80, 60) "
            "OVER (LIMIT DURATION(minute, 5)) ELSE AnomalyDetection_ChangePoint(CAST(y AS float), 80, 60) "
            "OVER (LIMIT DURATION(minute, 5)) END AS r INTO o FROM i\n"
            "SELECT s.r.Score AS score INTO o2 FROM (SELECT CASE WHEN x > 1 THEN AnomalyDetection_ChangePoint("
            "CAST(x AS float), 80, 60) OVER (LIMIT DURATION(minute, 5)) ELSE NULL END AS r FROM i) s")
    first, second = outputs(text)
    assert [(c.name, c.type) for c in first.columns] == [("r", "record")]
    assert [(c.name, c.type) for c in second.columns] == [("score", "float")]


def test_a_case_value_from_an_undeclared_input_keeps_the_input():
    result = column("SELECT CASE WHEN x > 1 THEN x ELSE 0 END AS v FROM [telemetry-input] t")
    assert (result.type, result.cause) == (None, "input:telemetry-input")
    assert result.reason == ("a value of this CASE has no known type: x is a field of input telemetry-input, "
                             "whose type the query does not declare")


def test_a_case_with_a_number_of_open_type_stays_a_number():
    # ABS(x) is bigint or float as x is: over a float the highest precedence is float either way,
    # but the value comes from an undeclared input field, whose schema would settle it.
    result = column("SELECT CASE WHEN x > 1 THEN ABS(x) ELSE 1 END AS v FROM i")
    assert (result.type, result.cause) == (None, "number+input:i")
    # bigint / bigint is a number for no input's sake: float then wins for sure.
    assert typed("CASE WHEN A > 1 THEN A / A2 ELSE 1.5 END").type == "float"
    division = typed("CASE WHEN A > 1 THEN A / A2 ELSE 1 END")
    assert (division.type, division.cause) == (None, "number")


# ---- COALESCE: "the type of the first non-null expression" -------------------------

@pytest.mark.parametrize(("expr", "expected"), [
    ("COALESCE(A, 0)", "bigint"),
    ("COALESCE(F, 0.0)", "float"),
    ("COALESCE(S, 'none')", "nvarchar(max)"),
    ("COALESCE(NULL, 'a')", "nvarchar(max)"),           # the reference's examples
    ("COALESCE(NULL, NULL, 2, NULL)", "bigint"),
    ("COALESCE(0, 'a')", "bigint"),                     # a literal is never NULL: 'a' is never the value
    ("COALESCE(A, NULL, A2)", "bigint"),
])
def test_coalesce_has_the_type_its_possible_values_share(expr, expected):
    assert typed(expr).type == expected


def test_coalesce_of_bigint_and_float_is_a_number():
    result = typed("COALESCE(A, 0.0)")
    assert (result.type, result.cause) == (None, "number")
    assert T.is_number(result.cause) and T.input_of(result.cause) is None
    assert result.reason == ("a number, bigint or float: COALESCE has the type of the first argument that is not "
                             "NULL (ASA's COALESCE reference), and its values are bigint or float")


def test_coalesce_of_other_mixed_types_is_unknown():
    result = typed("COALESCE(S, 0)")
    assert (result.type, result.cause) == (None, None)
    assert result.reason.startswith("the values of this COALESCE have different types (bigint, nvarchar(max)): "
                                    "COALESCE has the type of the first argument that is not NULL")
    every = typed("COALESCE(NULL, NULL)")
    assert (every.type, every.reason) == (None, "every value of this COALESCE is NULL")


def test_coalesce_over_fields_of_two_inputs_names_the_first_and_says_so():
    result = column("SELECT COALESCE(a.x, b.y) AS v FROM ina a JOIN inb b ON a.k = b.k AND "
                    "DATEDIFF(minute, a, b) BETWEEN 0 AND 5")
    assert (result.type, result.cause) == (None, "input:ina")
    assert result.reason == ("a value of this COALESCE has no known type: x is a field of input ina, whose type "
                             "the query does not declare (input inb also gives it fields of undeclared type)")


# ---- UNION ---------------------------------------------------------------------------

def test_union_columns_combine_like_values_of_their_branches():
    text = (TYPED + "SELECT A AS n, F AS m, NULL AS z, S AS s FROM t UNION SELECT F, F, A, S FROM t")
    assert [(c.name, c.type, c.cause) for c in column_list(text)] == [
        ("n", None, "number"), ("m", "float", None), ("z", "bigint", None), ("s", "nvarchar(max)", None)]


def test_union_of_two_undeclared_inputs_names_the_first():
    result = column("SELECT x AS v FROM first_in UNION SELECT y AS v FROM second_in")
    assert (result.type, result.cause) == (None, "input:first_in")
    assert result.reason.endswith("(input second_in also gives it fields of undeclared type)")


# ---- numbers whose exact type is open ------------------------------------------------

@pytest.mark.parametrize("call", ["ABS(x)", "CEILING(x)", "FLOOR(x)", "SIGN(x)", "ROUND(x, 2)", "POWER(x, 2)",
                                  "SUM(x)", "ABS(ABS(x))", "-x", "x * 2", "2 * x", "x / 3", "x * 1.5", "x % 2",
                                  "(x * 9.0) / 5.0 + 32", "x * y"])
def test_a_numeric_function_or_operator_of_an_undeclared_field_is_a_number(call):
    result = column(f"SELECT {call} AS v FROM telemetry")
    assert (result.type, result.cause, result.source) == (None, "number+input:telemetry", None)
    assert result.reason.startswith("a number, bigint or float: ")
    assert T.is_number(result.cause) and T.input_of(result.cause) == "telemetry"
    assert T.origin(result.cause) == "input:telemetry"


def test_a_numeric_function_of_a_number_keeps_the_first_reason():
    result = column("SELECT ROUND(ABS(x) * 2, 1) AS v FROM i")
    assert result.reason == ("a number, bigint or float: ABS has its argument's type, and x is a field of input i, "
                             "whose type the query does not declare")


@pytest.mark.parametrize(("expr", "expected"), [
    ("ABS(A)", "bigint"), ("ABS(F)", "float"), ("ROUND(F, 1)", "float"), ("SUM(A)", "bigint"),
    ("POWER(A, 2)", "bigint"), ("SQRT(A)", "float"), ("AVG(A)", "float"), ("(A / A2) * 1.0", "float"),
    ("-F", "float"), ("A % A2", "bigint"),
])
def test_numeric_functions_of_known_types_keep_them(expr, expected):
    assert (typed(expr).type, typed(expr).cause) == (expected, None)


def test_bigint_division_is_a_number_for_no_input():
    result = typed("A / A2")
    assert (result.type, result.cause) == (None, "number")
    assert "bigint / bigint" in result.reason
    assert (typed("ABS(A / A2)").type, typed("ABS(A / A2)").cause) == (None, "number")
    assert (typed("A / A2 + 1").type, typed("A / A2 + 1").cause) == (None, "number")


def test_a_numeric_function_of_text_is_a_number_and_of_a_datetime_unknown():
    text = typed("ROUND(S, 1)")
    assert (text.type, text.cause) == (None, "number")
    date = typed("ABS(D)")
    assert (date.type, date.cause) == (None, None)
    assert date.reason == "ABS of a datetime is not documented (ABS takes bigint or float)"


def test_addition_and_subtraction_of_an_undeclared_field_stay_unknown():
    # + also joins strings and - applies to dates in T-SQL: no number is promised.
    for expr in ("x + 1", "1 - x", "x + 'a'"):
        result = column(f"SELECT {expr} AS v FROM i")
        assert (result.type, result.cause) == (None, "input:i")
        assert result.reason == "x is a field of input i, whose type the query does not declare"


def test_a_number_from_a_udf_names_the_udf():
    result = column("SELECT udf.score(x) * 2 AS v FROM i")
    assert (result.type, result.cause) == (None, "number+udf:score")
    assert T.udf_of(result.cause) == "score" and T.input_of(result.cause) is None


# ---- GetMetadataPropertyValue ----------------------------------------------------------

@pytest.mark.parametrize(("path", "expected"), [
    ("EventId", "nvarchar(max)"),
    ("[EventHub].[EventEnqueuedUtcTime]", "datetime"),
    ("EventHub.EventProcessedUtcTime", "datetime"),
    ("[EventHub].[PartitionId]", "bigint"),
    ("BlobName", "nvarchar(max)"),
    ("[Blob].[BlobLastModifiedUtcTime]", "datetime"),
    ("EventHub", "record"),
    ("[IoTHub]", "record"),
    ("Blob", "record"),
    ("[User]", "record"),
])
def test_metadata_properties_are_typed_as_the_documentation_implies(path, expected):
    result = column(f"SELECT GetMetadataPropertyValue(ehInput, '{path}') AS v FROM ehInput")
    assert result.type == expected
    if expected != "record":
        assert result.source == "metadata"


@pytest.mark.parametrize(("path", "reason"), [
    ("[EventHub].[Offset]", ("'[EventHub].[Offset]' is a metadata property whose type the GetMetadataPropertyValue "
                            "reference does not give")),
    ("IoTHub.ConnectionDeviceId", ("'IoTHub.ConnectionDeviceId' is a metadata property whose type the "
                                  "GetMetadataPropertyValue reference does not give")),
    ("[User].[SenderClientId]", ("'[User].[SenderClientId]' is a user property, which the sender of each event "
                                "sets: its type is not documented")),
    ("[EventHub].[Nope]", "'[EventHub].[Nope]' is not a property the GetMetadataPropertyValue reference lists"),
])
def test_other_metadata_properties_stay_unknown_with_the_reason(path, reason):
    result = column(f"SELECT GetMetadataPropertyValue(ehInput, '{path}') AS v FROM ehInput")
    assert (result.type, result.reason, result.cause) == (None, reason, None)


def test_a_computed_metadata_path_is_unknown():
    result = column("SELECT GetMetadataPropertyValue(ehInput, name) AS v FROM ehInput")
    assert result.type is None and "named by a value the query computes" in result.reason


# ---- the cause names the input --------------------------------------------------------

def test_an_undeclared_field_names_its_input_as_from_writes_it():
    result = column("SELECT t.x AS v FROM [Telemetry-In] t")
    assert (result.cause, T.input_of(result.cause)) == ("input:Telemetry-In", "Telemetry-In")
    assert column("SELECT x AS v FROM Telemetry").cause == "input:Telemetry"


def test_a_field_read_through_a_step_or_subquery_names_the_input_behind_it():
    text = ("WITH s AS (SELECT * FROM raw)\nSELECT s.x AS a, y AS b INTO o1 FROM s\n"
            "SELECT q.z AS c INTO o2 FROM (SELECT * FROM s) q")
    first, second = outputs(text)
    assert [c.cause for c in first.columns] == ["input:raw", "input:raw"]
    assert [c.cause for c in second.columns] == ["input:raw"]


def test_apply_values_over_an_undeclared_input_name_it():
    text = ("SELECT a.ArrayValue AS v, a.ArrayIndex AS n, p.PropertyValue AS w FROM devices d "
            "CROSS APPLY GetArrayElements(d.readings) AS a CROSS APPLY GetRecordProperties(d.props) AS p")
    assert [(c.type, c.cause) for c in column_list(text)] == [
        (None, "input:devices"), ("bigint", None), (None, "input:devices")]


def test_an_unqualified_field_of_a_join_names_the_first_input_and_says_so():
    result = column("SELECT x AS v FROM ina a JOIN inb b ON a.k = b.k AND DATEDIFF(minute, a, b) BETWEEN 0 AND 5")
    assert result.cause == "input:ina"
    assert result.reason == ("x is an input field whose type the query does not declare (of input ina or inb: "
                             "the query does not say which)")


def test_fields_a_sample_leaves_untyped_name_the_input_at_any_depth():
    unknown = T.unknown("the sample has only nulls here", "input")
    shape = InputShape(fields=(("n", T.known(T.BIGINT)), ("u", unknown),
                               ("rec", T.record_type((("deep", unknown),))._replace(source="sample")),
                               ("arr", T.array_type(unknown)._replace(source="sample"))),
                       source="sample Inputs/s.json")
    text = "SELECT s.u AS a, s.rec.deep AS b, GetArrayElement(s.arr, 0) AS c, s.missing AS d FROM src s"
    result = column_list(text, input_shapes={"src": shape})
    assert [(c.name, c.type, c.cause) for c in result] == [
        ("a", None, "input:src"), ("b", None, "input:src"), ("c", None, "input:src"), ("d", None, "input:src")]


# ---- the cause helpers ------------------------------------------------------------------

@pytest.mark.parametrize(("cause", "input_name", "udf", "number", "origin"), [
    ("input:telemetry", "telemetry", None, False, "input:telemetry"),
    ("input", "", None, False, "input"),
    ("udf:score", None, "score", False, "udf:score"),
    ("number", None, None, True, None),
    ("number+input:telemetry", "telemetry", None, True, "input:telemetry"),
    ("number+input", "", None, True, "input"),
    ("number+udf:score", None, "score", True, "udf:score"),
    (None, None, None, False, None),
])
def test_cause_helpers(cause, input_name, udf, number, origin):
    assert T.input_of(cause) == input_name
    assert T.udf_of(cause) == udf
    assert T.is_number(cause) is number
    assert T.origin(cause) == origin


def test_cause_builders():
    assert T.input_cause("a-b") == "input:a-b" and T.input_cause(None) == "input"
    assert T.number_cause(None) == "number" and T.number_cause("input:a") == "number+input:a"
    assert T.number_cause("number+udf:f") == "number+udf:f"
    number = T.number("why", "input:a")
    assert (number.name, number.reason, number.cause) == (None, "why", "number+input:a")
