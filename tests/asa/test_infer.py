"""Inference: output names, types, steps, joins, APPLY, UNION, windows, levels, UDFs, findings."""

from __future__ import annotations

import pytest

from schemacheck.asa.analysis import analyze


def columns(text: str, index: int = 0, **options) -> list[tuple]:
    analysis = analyze(text, **options)
    return [(c.name, c.type) for c in analysis.outputs[index].columns]


def codes(text: str, **options) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in analyze(text, **options).diagnostics]


# ---- names -----------------------------------------------------------------------

def test_alias_wins_in_every_form():
    text = "SELECT a AS x1, a x2, a [x 3], a \"x4\", a 'x5', x6 = a, a AS [Count] FROM i"
    assert [n for n, _ in columns(text)] == ["x1", "x2", "x 3", "x4", "x5", "x6", "Count"]


def test_unaliased_names():
    text = ("SELECT i.Reading.Temperature, DeviceId, COUNT(*), System.Window().Id, AVG(x), "
            "CAST(y AS float), System.Timestamp() FROM i GROUP BY DeviceId, TumblingWindow(minute, 1)")
    assert [n for n, _ in columns(text)] == ["Temperature", "DeviceId", "count", "Id", None, None, None]
    assert codes(text) == [("SC105", 1, 71), ("SC105", 1, 79), ("SC105", 1, 97)]


def test_a_field_of_another_calls_result_has_no_documented_name():
    analysis = analyze("SELECT GetArrayElement(arr, 0).Temp, System.Window().Id FROM i GROUP BY Tumbling(minute, 1)")
    assert [c.name for c in analysis.outputs[0].columns] == [None, "Id"]
    assert [d.code for d in analysis.diagnostics] == ["SC105"]


def test_level_1_0_lower_cases_names_and_1_1_keeps_them():
    text = "SELECT DeviceId, AVG(Temp) AS AvgTemp, COUNT(*) AS [Count] FROM i GROUP BY DeviceId, Tumbling(second, 5)"
    assert [n for n, _ in columns(text, level="1.0")] == ["deviceid", "avgtemp", "count"]
    assert [n for n, _ in columns(text, level="1.1")] == ["DeviceId", "AvgTemp", "Count"]
    analysis = analyze(text, level="1.0")
    assert [c.written for c in analysis.outputs[0].columns] == ["DeviceId", "AvgTemp", "Count"]


def test_getmetadatapropertyvalue_alias_is_lower_cased_below_1_2():
    text = "SELECT GetMetadataPropertyValue(i, 'EventId') AS EventKey FROM i"
    assert columns(text, level="1.1") == [("eventkey", "nvarchar(max)")]
    assert columns(text, level="1.2") == [("EventKey", "nvarchar(max)")]


def test_duplicate_names_differing_only_by_case_are_sc104():
    analysis = analyze("SELECT a AS DeviceId,\n b AS deviceid, c AS DeviceId FROM i")
    findings = [(d.code, d.line, d.column, d.query_column) for d in analysis.diagnostics]
    assert findings == [("SC104", 2, 2, "deviceid"), ("SC104", 2, 17, "DeviceId")]
    assert "differs only by case" in analysis.diagnostics[0].message


# ---- types -----------------------------------------------------------------------

def test_literal_and_cast_types():
    text = ("SELECT 1 AS a, 1.5 AS b, 'x' AS c, CAST(a AS bigint) AS d, TRY_CAST(b AS FLOAT) AS e, "
            "CAST(c AS NVARCHAR(MAX)) AS f, CAST(d AS datetime) AS g, CAST(e AS record) AS h, "
            "TRY_CAST(f AS array) AS i, CAST(0 AS bit) AS j, NULL AS k FROM i")
    assert [t for _, t in columns(text)] == ["bigint", "float", "nvarchar(max)", "bigint", "float",
                                             "nvarchar(max)", "datetime", "record", "array", "bit", None]


def test_bit_exists_only_at_level_1_2():
    text = "SELECT CAST(1 AS bit) AS flag, CAST(1 AS bit) & CAST(0 AS bit) AS both FROM i"
    assert columns(text, level="1.2") == [("flag", "bit"), ("both", "bit")]
    assert columns(text, level="1.1") == [("flag", "bigint"), ("both", "bigint")]
    assert [c for c, _, _ in codes(text, level="1.1")] == ["SC004", "SC004", "SC004"]


def test_unsupported_types_are_sc003_with_the_type_to_use():
    analysis = analyze("SELECT CAST(a AS int) AS x, CAST(b AS nvarchar(20)) AS y, CAST(c AS varchar(max)) AS z FROM i")
    assert [(d.code, d.fix) for d in analysis.diagnostics] == [
        ("SC003", "use bigint"), ("SC003", "use nvarchar(max)"), ("SC003", "use nvarchar(max)")]
    assert [c.type for c in analysis.outputs[0].columns] == [None, None, None]


def test_function_return_types():
    text = ("SELECT COUNT(*) AS a, AVG(x) AS b, SUM(CAST(x AS bigint)) AS c, SUM(x) AS d, STDEV(x) AS e, "
            "DATEDIFF(second, t1, t2) AS f, DATEADD(minute, -3, t) AS g, DATENAME(month, t) AS h, "
            "LEN(s) AS i, UPPER(s) AS j, ABS(CAST(x AS float)) AS k, ABS(x) AS l, GetArrayLength(arr) AS m, "
            "CreatePoint(1.0, 2.0) AS n, ST_DISTANCE(p, q) AS o, ISFIRST(minute, 10) AS p, "
            "Collect() AS q, JSON_PARSE(s) AS r, GetType(x) AS s2 FROM i GROUP BY TumblingWindow(minute, 1)")
    assert [t for _, t in columns(text)] == [
        "bigint", "float", "bigint", None, "float", "bigint", "datetime", "nvarchar(max)", "bigint",
        "nvarchar(max)", "float", None, "bigint", "record", "float", "bigint", "array", "record",
        "nvarchar(max)"]


def test_analytic_and_record_functions_carry_their_fields():
    text = ("WITH s AS (SELECT CAST(v AS float) AS v, "
            "AnomalyDetection_SpikeAndDip(CAST(v AS float), 95, 120, 'spikesanddips') "
            "OVER (LIMIT DURATION(second, 120)) AS scores FROM i)\n"
            "SELECT GetRecordPropertyValue(scores, 'Score') AS score, scores.IsAnomaly AS flag, "
            "LAG(v) OVER (LIMIT DURATION(minute, 1)) AS prev, "
            "PERCENTILE_DISC(0.5) OVER (ORDER BY v) AS median FROM s")
    assert columns(text) == [("score", "float"), ("flag", "bigint"), ("prev", "float"), ("median", "float")]


def test_operators():
    text = ("SELECT CAST(a AS bigint) + 1 AS a1, CAST(a AS bigint) * 1.5 AS a2, 'x' + 'y' AS a3, "
            "CAST(a AS bigint) / 2 AS a4, CAST(a AS float) / 2 AS a5, 170 | 75 AS a6, -CAST(a AS float) AS a7, "
            "~CAST(a AS bigint) AS a8, x + 1 AS a9 FROM i")
    assert [t for _, t in columns(text)] == ["bigint", "float", "nvarchar(max)", None, "float", "bigint",
                                             "float", "bigint", None]


def test_case_takes_the_highest_precedence_type_of_its_values():
    text = ("SELECT CASE WHEN a > 1 THEN 'hot' ELSE NULL END AS a, CASE WHEN a > 1 THEN 1 ELSE 0 END AS b, "
            "CASE WHEN a > 1 THEN 1 ELSE 0.5 END AS c, CASE x WHEN 1 THEN y ELSE 0 END AS d, "
            "COALESCE(CAST(x AS float), 0.0) AS e, COALESCE(x, 0) AS f FROM i")
    analysis = analyze(text)
    assert [c.type for c in analysis.outputs[0].columns] == ["nvarchar(max)", "bigint", "float", None, "float", None]
    assert [c.cause for c in analysis.outputs[0].columns[3::2]] == ["input:i", "input:i"]


def test_double_quoted_text_is_read_as_a_field_or_as_text():
    analysis = analyze('SELECT "Alert : above threshold" AS msg, "deviceId" AS dev FROM i')
    assert [(c.name, c.type) for c in analysis.outputs[0].columns] == [("msg", "nvarchar(max)"), ("dev", None)]
    assert [d.code for d in analysis.diagnostics] == ["SC008", "SC008"]


# ---- relations ---------------------------------------------------------------------

def test_types_flow_through_steps_and_star_expands_a_step():
    text = ("WITH s1 AS (SELECT CAST(a AS bigint) AS A, b AS B FROM i),\n"
            "s2 AS (SELECT A, B, A * 2 AS C FROM s1)\n"
            "SELECT *, s2.A AS again FROM s2")
    assert columns(text) == [("A", "bigint"), ("B", None), ("C", "bigint"), ("again", "bigint")]
    assert analyze(text).outputs[0].complete


def test_star_keeps_the_leftmost_of_clashing_names():
    text = "WITH s AS (SELECT 1 AS a, 'x' AS b FROM i)\nSELECT 2.5 AS A, * FROM s"
    assert columns(text) == [("A", "float"), ("b", "nvarchar(max)")]


def test_star_over_an_input_is_incomplete_unless_create_table_declares_it():
    plain = analyze("SELECT *, 1 AS one INTO out FROM i")
    output = plain.outputs[0]
    assert not output.complete and [c.name for c in output.columns] == ["one"]
    assert output.gaps[0].position == 0
    assert [(d.code, d.severity) for d in plain.diagnostics] == [("SC403", "info")]
    declared = analyze("CREATE TABLE i (Id bigint, Name nvarchar(max));\nSELECT * INTO out FROM i")
    assert declared.outputs[0].complete
    assert [(c.name, c.type) for c in declared.outputs[0].columns] == [("Id", "bigint"), ("Name", "nvarchar(max)")]


def test_subqueries_in_from():
    text = "SELECT d.x, d.y FROM (SELECT CAST(a AS float) AS x, 1 AS y FROM i) d"
    assert columns(text) == [("x", "float"), ("y", "bigint")]


def test_joins_and_qualified_stars():
    text = ("CREATE TABLE Ref (Id bigint, Label nvarchar(max));\n"
            "WITH s AS (SELECT CAST(Id AS bigint) AS Id, CAST(v AS float) AS v FROM i)\n"
            "SELECT s.*, r.Label, e.Other FROM s JOIN Ref r ON s.Id = r.Id LEFT JOIN Extra e ON s.Id = e.Id")
    assert columns(text) == [("Id", "bigint"), ("v", "float"), ("Label", "nvarchar(max)"), ("Other", None)]


def test_select_star_with_join_is_sc007():
    assert [c for c, _, _ in codes("SELECT * FROM a JOIN b ON a.x = b.x")] == ["SC007", "SC403"]


def test_apply_columns():
    text = ("WITH s AS (SELECT TRY_CAST(arr AS array) AS arr, rec FROM i)\n"
            "SELECT e.ArrayIndex, e.ArrayValue, p.PropertyName, p.PropertyValue FROM s "
            "CROSS APPLY GetArrayElements(s.arr) AS e CROSS APPLY GetRecordProperties(s.rec) AS p")
    assert columns(text) == [("ArrayIndex", "bigint"), ("ArrayValue", None), ("PropertyName", "nvarchar(max)"),
                             ("PropertyValue", None)]


def test_union_aligns_columns_by_position_and_names_from_the_first():
    text = ("SELECT 1 AS a, 'x' AS b INTO o FROM i UNION SELECT 2 AS z, 1.0 AS y FROM j")
    assert columns(text) == [("a", "bigint"), ("b", None)]
    assert codes("SELECT 1 AS a FROM i UNION SELECT 1 AS a, 2 AS b FROM j") == [("SC009", 1, 28)]


def test_create_table_seeds_input_types_and_windows_give_datetime():
    text = ("CREATE TABLE Entry (TollId bigint, Toll float, Plate nvarchar(max));\n"
            "SELECT TollId, SUM(Toll) AS Total, MAX(Plate) AS LastPlate, System.Timestamp AS WindowEnd "
            "INTO MyOutput FROM Entry GROUP BY TollId, TumblingWindow(minute, 3)")
    assert columns(text) == [("TollId", "bigint"), ("Total", "float"), ("LastPlate", "nvarchar(max)"),
                             ("WindowEnd", "datetime")]


def test_match_recognize_output_is_its_measures_and_incomplete():
    analysis = analyze("SELECT * INTO o FROM i MATCH_RECOGNIZE (LIMIT DURATION(minute, 1) MEASURES "
                       "LAST(A.id) AS aid, Classifier() AS path AFTER MATCH SKIP TO NEXT ROW PATTERN (A B) "
                       "DEFINE A AS A.v > 1, B AS B.v < 1) AS M")
    output = analysis.outputs[0]
    assert [(c.name, c.type) for c in output.columns] == [("aid", None), ("path", "array")]
    assert not output.complete


def test_outputs_are_listed_per_statement_in_source_order():
    analysis = analyze("SELECT a INTO [out-1] FROM i\nSELECT b FROM i\nSELECT c INTO [out-1] FROM i")
    assert [(o.output, o.output_span.line if o.output_span else None) for o in analysis.outputs] == [
        ("out-1", 1), ("output", None), ("out-1", 3)]


# ---- forms the reference does not document (SC011) ----------------------------------

def findings(analysis) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.severity, d.line, d.column) for d in analysis.diagnostics]


def test_a_field_of_a_parenthesised_value_is_typed_like_a_record_field():
    text = ("WITH scored AS (SELECT AnomalyDetection_ChangePoint(CAST(v AS float), 80, 60) "
            "OVER (LIMIT DURATION(minute, 30)) AS cp, m.body AS body FROM msgs m)\n"
            "SELECT (scored.cp).IsAnomaly AS flag, (GetRecordPropertyValue(scored, 'cp')).Score AS score,\n"
            "(System.Window()).Id AS win, (GetRecordPropertyValue(scored.body, 'meta')).origin AS origin,\n"
            "(udf.decode(scored.body)).unitId AS unit, (scored.body).header.kind AS kind,\n"
            "CAST((scored.body).level AS float) * 2 AS doubled\n"
            "INTO out FROM scored GROUP BY TumblingWindow(minute, 1)")
    analysis = analyze(text)
    output = analysis.outputs[0]
    assert [(c.name, c.type) for c in output.columns] == [
        ("flag", "bigint"), ("score", "float"), ("win", "nvarchar(max)"), ("origin", None), ("unit", None),
        ("kind", None), ("doubled", "float")]
    origin, unit, kind = output.columns[3:6]
    # GetRecordPropertyValue of an undeclared input field: a field of it, like scored.body.meta.origin
    assert "not known from the query" in origin.reason and origin.cause == "input:msgs"
    assert unit.cause is None   # a field of a UDF's result: declaring the UDF's type would not tell it
    assert kind.cause == "input:msgs"  # like the path scored.body.header.kind: a field of an input field
    assert analysis.diagnostics == ()


def test_an_unaliased_field_of_a_parenthesised_value_has_no_documented_name():
    analysis = analyze("SELECT (udf.decode(raw)).unitId FROM msgs")
    assert [c.name for c in analysis.outputs[0].columns] == [None]
    (finding,) = analysis.diagnostics
    assert finding.code == "SC105" and finding.fix == "add an alias: `AS unitId`"


def test_a_union_branch_written_without_select_reads_as_select_star():
    text = ("WITH left_side AS (SELECT CAST(k AS bigint) AS SensorKey, CAST(v AS float) AS v FROM feedA "
            "PARTITION BY k INTO 4),\n"
            "right_side AS (SELECT CAST(k AS bigint) AS SensorKey, CAST(w AS float) AS v FROM feedB "
            "PARTITION BY k INTO 4)\n"
            "SELECT * INTO merged FROM left_side PARTITION BY SensorKey\n"
            "UNION right_side PARTITION BY SensorKey")
    analysis = analyze(text)
    output = analysis.outputs[0]
    assert output.output == "merged" and output.complete
    assert [(c.name, c.type) for c in output.columns] == [("SensorKey", "bigint"), ("v", "float")]
    assert findings(analysis) == [("SC011", "warning", 4, 7)]
    (finding,) = analysis.diagnostics
    assert "`UNION right_side`" in finding.message and "UNION SELECT * FROM right_side" in finding.message
    assert finding.fix == "write UNION SELECT * FROM right_side" and finding.output == "merged"
    # a branch over a step of other columns is compared as SELECT * over it would be
    mismatch = analyze("WITH a AS (SELECT 1 AS x FROM i), b AS (SELECT 1 AS x, 2 AS y FROM j)\n"
                       "SELECT * INTO o FROM a UNION b")
    assert [d.code for d in mismatch.diagnostics] == ["SC009", "SC011"]


def test_the_repartition_articles_step_shapes():
    repartitioned = analyze(
        "WITH Shuffled AS (SELECT * FROM feed PARTITION BY SensorKey INTO 8)\n"
        "SELECT SensorKey, AVG(CAST(level AS float)) AS meanLevel, COUNT(*) AS n INTO stats\n"
        "FROM Shuffled PARTITION BY SensorKey GROUP BY SensorKey, TumblingWindow(minute, 1)")
    assert [(c.name, c.type) for c in repartitioned.outputs[0].columns] == [
        ("SensorKey", None), ("meanLevel", "float"), ("n", "bigint")]
    assert [d.code for d in repartitioned.diagnostics] == ["SC403"]   # the step's * over an undeclared input
    both = analyze("CREATE TABLE feedA (SensorKey bigint, level float);\nCREATE TABLE feedB (SensorKey bigint, "
                   "level float);\nSELECT * INTO copy FROM feedA PARTITION BY PartitionId\n"
                   "UNION SELECT * FROM feedB PARTITION BY PartitionId")
    assert [(c.name, c.type) for c in both.outputs[0].columns] == [("SensorKey", "bigint"), ("level", "float")]
    assert both.diagnostics == ()


def test_cross_join_joins_every_reference_row_with_the_columns_of_both_sides():
    text = ("CREATE TABLE limits (maxLevel float, label nvarchar(max));\n"
            "WITH ev AS (SELECT CAST(level AS float) AS level, unit FROM feed)\n"
            "SELECT ev.level, ev.unit, lim.maxLevel, lim.label, ev.level - lim.maxLevel AS excess INTO alerts\n"
            "FROM ev CROSS JOIN limits lim WHERE ev.level > lim.maxLevel")
    analysis = analyze(text)
    assert [(c.name, c.type) for c in analysis.outputs[0].columns] == [
        ("level", "float"), ("unit", None), ("maxLevel", "float"), ("label", "nvarchar(max)"), ("excess", "float")]
    assert findings(analysis) == [("SC011", "warning", 4, 9)]
    message = analysis.diagnostics[0].message
    assert "CROSS JOIN is not in the ASA reference" in message and "INNER and LEFT OUTER JOIN" in message
    assert "every row of limits (reference data) to each event" in message and "both sides" in message
    assert not analysis.has_errors
    # SELECT * stays refused with any JOIN, a CROSS JOIN too (the JOIN reference)
    assert [c for c, _, _ in codes("SELECT * FROM ev CROSS JOIN limits")] == ["SC007", "SC403", "SC011"]


def test_getelements_is_read_as_getarrayelements_with_a_warning():
    text = ("WITH s AS (SELECT TRY_CAST(items AS array) AS items, unit FROM feed)\n"
            "SELECT s.unit, e.ArrayIndex, e.ArrayValue, o.ArrayIndex AS pos INTO flat FROM s\n"
            "CROSS APPLY GetElements(s.items) AS e OUTER APPLY getelements(s.items) o")
    analysis = analyze(text)
    assert [(c.name, c.type) for c in analysis.outputs[0].columns] == [
        ("unit", None), ("ArrayIndex", "bigint"), ("ArrayValue", None), ("pos", "bigint")]
    assert findings(analysis) == [("SC011", "warning", 3, 13), ("SC011", "warning", 3, 51)]
    first = analysis.diagnostics[0]
    assert first.message.startswith("GetElements is not in the ASA reference")
    assert "reads it as GetArrayElements" in first.message and first.fix == "write GetArrayElements"
    assert not analysis.has_errors
    # outside APPLY it is no value, as GetArrayElements is not: still a warning, never SC006
    outside = analyze("SELECT GetElements(items) AS x FROM feed")
    assert [(d.code, d.severity) for d in outside.diagnostics] == [("SC011", "warning")]
    assert outside.outputs[0].columns[0].type is None


# ---- UDFs ---------------------------------------------------------------------------

def test_udf_types_come_from_the_mapping_passed_in():
    text = "SELECT udf.hex2Int(x) AS a, UDF.score(i) AS b, uda.agg(x) AS c, udf.missing(x) AS d FROM i"
    assert [t for _, t in columns(text)] == [None, None, None, None]
    typed = columns(text, udf_types={"hex2int": "bigint", "Score": "any", "agg": "nvarchar(max)"})
    assert [t for _, t in typed] == ["bigint", None, "nvarchar(max)", None]


# ---- findings ------------------------------------------------------------------------

def test_into_inside_a_step_is_sc002():
    assert codes("WITH s AS (SELECT a INTO o FROM i)\nSELECT * FROM s") == [("SC002", 1, 26)]


def test_reading_a_column_a_step_does_not_produce_is_sc005():
    text = "WITH s AS (SELECT a AS AvgNormalReading FROM i)\nSELECT AvgNormalReadings FROM s"
    analysis = analyze(text)
    assert [(d.code, d.line, d.column) for d in analysis.diagnostics] == [("SC005", 2, 8)]
    assert analysis.outputs[0].columns[0].type is None


def test_unknown_functions_are_sc006():
    assert [c for c, _, _ in codes("SELECT IIF(a > 1, 1, 0) AS x, myprefix.ABS(a) AS y FROM i")] == ["SC006", "SC006"]


def test_a_syntax_error_is_sc001_with_no_outputs():
    analysis = analyze("SELECT a,\nFROM i", file="q.asaql")
    assert analysis.outputs == ()
    (diagnostic,) = analysis.diagnostics
    assert (diagnostic.code, diagnostic.severity, diagnostic.file, diagnostic.line, diagnostic.column) == (
        "SC001", "error", "q.asaql", 2, 1)


@pytest.mark.parametrize("depth", [200, 3000])
def test_deep_nesting_is_an_error_not_a_crash(depth):
    analysis = analyze("SELECT " + "(" * depth + "1" + ")" * depth + " AS x FROM i")
    assert analysis.outputs or analysis.diagnostics[0].code == "SC001"
