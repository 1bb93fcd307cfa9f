"""The comparator as a pure function, and the ASA-to-Kusto type table behind it."""

from __future__ import annotations

import pytest

from schemacheck import diagnostics as D
from schemacheck.kusto import typemap
from schemacheck.asa.analysis import analyze
from schemacheck.check.run import compare_statements
from schemacheck.kusto.compare import compare
from schemacheck.kusto.scripts import parse_csl_schema


def run(query: str, schema: str, level: str = "1.2", index: int = 0):
    table = parse_csl_schema(schema, "t.csl", "T")
    output = analyze(query, level=level).outputs[index]
    return compare(output, table, level, "q.asaql", query)


# (ASA type, Kusto type) -> the verdict the issue and the documented table call for.
@pytest.mark.parametrize("asa, kusto, verdict", [
    ("bigint", "long", "ok"), ("bigint", "int", "risky"), ("bigint", "real", "risky"),
    ("bigint", "string", "risky"), ("bigint", "decimal", "risky"), ("bigint", "datetime", "incompatible"),
    ("float", "real", "ok"), ("float", "long", "incompatible"), ("float", "int", "incompatible"),
    ("float", "string", "risky"), ("float", "bool", "incompatible"),
    ("nvarchar(max)", "string", "ok"), ("nvarchar(max)", "real", "incompatible"),
    ("nvarchar(max)", "guid", "risky"), ("nvarchar(max)", "timespan", "risky"),
    ("datetime", "datetime", "ok"), ("datetime", "string", "ok"), ("datetime", "long", "incompatible"),
    ("bit", "bool", "ok"), ("bit", "long", "incompatible"), ("bit", "string", "risky"),
    ("record", "dynamic", "ok"), ("record", "string", "ok"), ("record", "int", "incompatible"),
    ("array", "dynamic", "ok"), ("array", "long", "incompatible"),
])
def test_type_table(asa, kusto, verdict):
    assert typemap.compatibility(asa, kusto)[0] == verdict


def test_every_asa_type_goes_into_dynamic_and_risks_guid_timespan_decimal():
    for asa in typemap.COMPATIBILITY:
        assert typemap.compatibility(asa, "dynamic")[0] == "ok"
        for kusto in ("guid", "timespan", "decimal"):
            assert typemap.compatibility(asa, kusto)[0] == "risky", (asa, kusto)


def test_a_type_slip_offers_a_cast_and_a_column_change():
    (finding,) = run("SELECT TRY_CAST(r AS float) AS Reading INTO o FROM i", "Reading:long")
    assert (finding.code, finding.expected_type, finding.actual_type) == ("SC201", "long", "float")
    assert finding.fix == ("`TRY_CAST(r AS bigint)` in the query, or change the column: "
                           "`.alter column ['T'].['Reading'] type=real`")


def test_a_missing_column_suggests_the_near_name_or_adding_it():
    near, far = run("SELECT CAST(a AS bigint) AS Temprature, 'x' AS Note INTO o FROM i", "Temperature:long")[:2]
    assert near.code == "SC101" and "did you mean Temperature?" in near.message
    assert near.fix == "alias the column `AS Temperature`"
    assert far.fix == "add the column: `.create-merge table ['T'] (['Note']:string)`"
    assert far.command == ".create-merge table ['T'] (['Note']:string)"


def test_case_slips_at_level_1_0_explain_the_lower_casing():
    (finding,) = run("SELECT CAST(d AS nvarchar(max)) AS DeviceId INTO o FROM i", "DeviceId:string", level="1.0")
    assert finding.code == "SC102" and finding.query_column == "deviceid"
    assert "(written DeviceId; compatibility level 1.0 lower-cases names)" in finding.message
    assert "raise the job's compatibility level to 1.2" in finding.fix


@pytest.mark.parametrize("expression, hint", [
    ("Reading", "`TRY_CAST(Reading AS float)` in the query, or give input i a schema ([inputs.i] in "
                "schemacheck.toml, a sample, or CREATE TABLE)"),
    ("udf.toCelsius(r)", "or declare the return type of udf.toCelsius (--udf-type toCelsius=float"),
    ("CASE WHEN a > 1 THEN r ELSE 0.0 END", "`TRY_CAST(CASE WHEN a > 1 THEN r ELSE 0.0 END AS float)` in the query"),
])
def test_untyped_values_into_a_typed_column_say_how_to_make_them_checkable(expression, hint):
    (finding,) = run(f"SELECT {expression} AS Reading INTO o FROM i", "Reading:real")
    assert (finding.code, finding.severity) == ("SC204", "warning") and hint in finding.fix
    assert "ADX stores null, without an error, for every value that does not parse as real" in finding.message


def test_no_missing_column_finding_for_an_incomplete_output():
    assert [f.code for f in run("SELECT * INTO o FROM i", "a:long, b:string")] == []


def test_order_and_statement_differences():
    (order,) = run("SELECT 'x' AS b, 1 AS a INTO o FROM i", "a:long, b:string")
    assert order.code == "SC301" and order.fix == "order the select list as the table: a, b"
    outputs = analyze("SELECT 1 AS a INTO o FROM i\nSELECT 1.5 AS a INTO o FROM j\nSELECT 1 AS b INTO o FROM k").outputs
    first, second = compare_statements(list(outputs), "q.asaql")
    assert (first.code, first.line) == ("SC401", 2) and "a float vs bigint" in first.message
    assert (second.line, "columns b where the statement at line 1 writes a" in second.message) == (3, True)


def test_no_missing_column_finding_when_a_column_has_no_documented_name():
    assert [f.code for f in run("SELECT AVG(CAST(a AS float)) INTO o FROM i", "avg:real, b:string")] == []


def test_an_unknown_type_is_no_statement_difference():
    outputs = analyze("SELECT CAST(a AS float) AS a INTO o FROM i\nSELECT a INTO o FROM j").outputs
    assert compare_statements(list(outputs)) == []


def test_metadata_aliases_lower_cased_below_1_2_say_why():
    query = "SELECT GetMetadataPropertyValue(i, 'EventId') AS EventId INTO o FROM i"
    (finding,) = run(query, "EventId:string", level="1.1")
    assert finding.code == "SC102"
    assert "below level 1.2 ASA lower-cases the alias of GetMetadataPropertyValue" in finding.message


def test_at_level_1_0_no_alias_can_fix_a_case_slip():
    (finding,) = run("SELECT CAST(d AS nvarchar(max)) AS deviceid INTO o FROM i", "DeviceId:string", level="1.0")
    assert finding.code == "SC102" and finding.fix.startswith("raise the job's compatibility level to 1.2")


# ---- structured fixes: `edit` (the select item rewritten) and `command` (Kusto) ---------

def test_a_type_slip_carries_the_cast_edit_and_the_alter_command():
    (finding,) = run("SELECT TRY_CAST(r AS float) AS Reading INTO o FROM i", "Reading:long")
    assert finding.edit == D.Edit("q.asaql", 1, 8, 1, 39, "TRY_CAST(r AS bigint) AS Reading")
    assert finding.command == ".alter column ['T'].['Reading'] type=real"


def test_a_cast_edit_wraps_an_expression_that_is_not_one_cast():
    query = "SELECT CAST(a AS float) + CAST(b AS float) AS Total INTO o FROM i"
    (finding,) = run(query, "Total:long")
    assert finding.edit.text == "CAST(CAST(a AS float) + CAST(b AS float) AS bigint) AS Total"
    assert finding.fix.startswith("`CAST(CAST(a AS float) + CAST(b AS float) AS bigint)` in the query")


def test_a_cast_edit_keeps_the_name_of_a_column_without_alias():
    (finding,) = run("SELECT i.Reading INTO o FROM i", "Reading:real")
    assert finding.code == "SC204" and finding.edit.text == "TRY_CAST(i.Reading AS float) AS Reading"
    assert finding.command is None


def test_a_multi_line_select_item_is_replaced_whole():
    query = "SELECT\n    CASE WHEN a > 1\n         THEN 1.5 ELSE 2.5 END AS Level\nINTO o FROM i"
    (finding,) = run(query, "Level:long")
    edit = finding.edit
    assert (edit.line, edit.column, edit.end_line, edit.end_column) == (2, 5, 3, 40)
    assert edit.text == "CAST(CASE WHEN a > 1\n         THEN 1.5 ELSE 2.5 END AS bigint) AS Level"


@pytest.mark.parametrize("item, after", [
    ("CAST(d AS nvarchar(max)) AS deviceId", "CAST(d AS nvarchar(max)) AS DeviceId"),
    ("CAST(d AS nvarchar(max)) as   deviceId", "CAST(d AS nvarchar(max)) as   DeviceId"),
    ("CAST(d AS nvarchar(max)) [deviceId]", "CAST(d AS nvarchar(max)) [DeviceId]"),
    ('CAST(d AS nvarchar(max)) AS "deviceId"', "CAST(d AS nvarchar(max)) AS [DeviceId]"),
    ("deviceId", "deviceId AS DeviceId"),
])
def test_a_case_slip_edit_changes_only_the_alias(item, after):
    (finding,) = [f for f in run(f"SELECT {item} INTO o FROM i", "DeviceId:string") if f.code != "SC203"]
    assert finding.code == "SC102" and finding.edit.text == after and finding.command is None


def test_a_near_name_is_an_alias_edit_and_a_far_one_a_create_merge():
    near, far = run("SELECT CAST(a AS bigint) AS Temprature, 'x' AS Note, b AS [Order] INTO o FROM i",
                    "Temperature:long")[:2]
    assert near.edit.text == "CAST(a AS bigint) AS Temperature" and near.command is None
    assert far.edit is None and far.command == ".create-merge table ['T'] (['Note']:string)"
    unknown = run("SELECT b AS Other INTO o FROM i", "Temperature:long")[0]
    assert unknown.command == ".create-merge table ['T'] (['Other']:dynamic)"


def test_an_alias_that_is_a_keyword_is_bracketed():
    (finding,) = run("SELECT CAST(a AS bigint) AS [order] INTO o FROM i", "Order:long")
    assert finding.edit.text == "CAST(a AS bigint) AS [Order]"
    finding = run("SELECT CAST(a AS bigint) AS Ordr INTO o FROM i", "Order:long")[0]
    assert finding.edit.text == "CAST(a AS bigint) AS [Order]"


def test_case_slips_at_level_1_0_rename_the_table_column():
    (finding,) = run("SELECT CAST(d AS nvarchar(max)) AS DeviceId INTO o FROM i", "DeviceId:string", level="1.0")
    assert finding.command == ".rename column ['T'].['DeviceId'] to ['deviceid']" and finding.edit is None


def test_no_command_for_a_name_kusto_does_not_allow():
    (finding, *_) = run("SELECT 'x' AS [it's] INTO o FROM i", "a:string")
    assert finding.code == "SC101" and finding.command is None


def test_sc202_without_a_helpful_cast_has_only_the_command():
    (finding,) = run("SELECT CAST(n AS bigint) AS Small INTO o FROM i", "Small:int")
    assert (finding.code, finding.edit, finding.command) == ("SC202", None, ".alter column ['T'].['Small'] type=long")
