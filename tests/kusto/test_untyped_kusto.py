"""Untyped values into ADX columns: SC204 where a value that does not parse is stored as null,
one SC203 summary per statement for the rest, and the type table behind them
(schemacheck.kusto.typemap.UNTYPED_CAST)."""

from __future__ import annotations

import pytest

from schemacheck.asa.analysis import analyze
from schemacheck.kusto import typemap
from schemacheck.kusto.compare import compare
from schemacheck.kusto.scripts import parse_csl_schema

FROM = "FROM [telemetry-in]"


def run(query: str, schema: str, level: str = "1.2"):
    table = parse_csl_schema(schema, "t.csl", "T")
    output = analyze(query, level=level).outputs[0]
    return compare(output, table, level, "q.asaql", query)


@pytest.mark.parametrize("kusto, asa", [
    ("long", "bigint"), ("int", "bigint"), ("real", "float"), ("decimal", "float"), ("datetime", "datetime"),
    ("bool", "bit"), ("guid", "nvarchar(max)"), ("timespan", "nvarchar(max)"),
])
def test_each_typed_column_asks_for_the_try_cast_its_text_parses_from(kusto, asa):
    (finding,) = run(f"SELECT Reading INTO o {FROM}", f"Reading:{kusto}")
    assert (finding.code, finding.severity, finding.expected_type) == ("SC204", "warning", kusto)
    assert finding.edit.text == f"TRY_CAST(Reading AS {asa}) AS Reading"
    assert finding.fix.startswith(f"`TRY_CAST(Reading AS {asa})` in the query, or give input telemetry-in a schema")
    assert (f"ADX stores null, without an error, for every value that does not parse as {kusto}"
            in finding.message)
    assert "Reading is a field of input telemetry-in" in finding.message


def test_every_mapping_is_documented_and_the_cast_never_makes_it_incompatible():
    for kusto, (asa, source) in typemap.UNTYPED_CAST.items():
        assert "adx.md §" in source, kusto
        assert typemap.compatibility(asa, kusto)[0] != typemap.INCOMPATIBLE, (asa, kusto)
    # the pairs that stay risky once typed, so that SC202 says what remains
    assert {k for k, (a, _) in typemap.UNTYPED_CAST.items() if typemap.compatibility(a, k)[0] == typemap.RISKY} == {
        "int", "decimal", "guid", "timespan"}


def test_string_and_dynamic_columns_say_nothing_per_column():
    found = run(f"SELECT DeviceId, Payload INTO o {FROM}", "DeviceId:string, Payload:dynamic")
    assert [f.code for f in found] == ["SC203"]


def test_bool_below_level_1_2_has_no_bit_to_cast_to():
    (finding,) = run(f"SELECT Ok INTO o {FROM}", "Ok:bool", level="1.1")
    assert finding.code == "SC204" and finding.edit is None
    assert "below compatibility level 1.2 ASA has no bit type to TRY_CAST it to" in finding.message
    assert finding.fix.startswith("raise the job's compatibility level to 1.2 and TRY_CAST it to bit")


def test_the_summary_names_the_rest_and_what_would_type_them():
    query = (f"SELECT t.DeviceId, t.Site, r.Region, udf.label(t.x) AS Label, "
             f"CASE WHEN t.a = 1 THEN 'x' ELSE 1 END AS A, t.Reading "
             f"INTO o {FROM} t JOIN [ref-in] r ON t.Site = r.Site")
    found = run(query, "DeviceId:string, Site:string, Region:string, Label:string, A:dynamic, Reading:long")
    assert [f.code for f in found] == ["SC204", "SC203"]
    summary = found[1]
    assert (summary.line, summary.column, summary.severity) == (1, query.index(" o ") + 2, "info")
    assert summary.message == "5 columns of output o untyped: DeviceId, Site, Region, Label, A"
    assert summary.fix == ("give inputs telemetry-in, ref-in a schema ([inputs.telemetry-in], [inputs.ref-in] in "
                           "schemacheck.toml, samples, or CREATE TABLE); declare the return type of udf.label (--udf-type label=TYPE, or the "
                           "function's definition in the job); CAST the values the query computes")
    assert summary.edit is None and summary.query_column is None


def test_the_summary_lists_six_names_then_counts():
    names = [f"c{i}" for i in range(8)]
    (summary,) = run(f"SELECT {', '.join(names)} INTO o {FROM}", ", ".join(f"{n}:string" for n in names))
    assert summary.message == "8 columns of output o untyped: c0, c1, c2, c3, c4, c5 and 2 more"
    assert summary.fix == ("give input telemetry-in a schema ([inputs.telemetry-in] in schemacheck.toml, a sample, "
                           "or CREATE TABLE)")


def test_a_typed_query_has_no_summary():
    assert run(f"SELECT CAST(a AS nvarchar(max)) AS A INTO o {FROM}", "A:string") == []


def test_a_number_of_open_type_is_taken_by_real_and_decimal():
    found = run(f"SELECT SUM(x) AS Total, ABS(y) AS Delta INTO o {FROM} GROUP BY TumblingWindow(minute, 1)",
                "Total:real, Delta:decimal")
    (summary,) = found
    assert summary.code == "SC203"
    assert "(Total, Delta are numbers, bigint or float, which their numeric column takes either way" in summary.message


def test_a_number_into_long_or_datetime():
    found = run(f"SELECT SUM(x) AS Total, ABS(y) AS At INTO o {FROM} GROUP BY TumblingWindow(minute, 1)",
                "Total:long, At:datetime")
    total, at = found
    assert total.code == "SC204" and "a number with a fraction does not parse as long" in total.message
    assert total.edit.text == "TRY_CAST(SUM(x) AS bigint) AS Total"
    assert at.code == "SC204" and at.edit is None and "no number parses as datetime" in at.message


def test_text_into_datetime_is_a_warning_steered_to_try_cast():
    (finding,) = run(f"SELECT CAST(t AS nvarchar(max)) AS At INTO o {FROM}", "At:datetime")
    assert (finding.code, finding.severity) == ("SC202", "warning")
    assert "ADX parses ISO 8601 text (2024-05-01T10:00:00Z) into a datetime" in finding.message
    assert finding.edit.text == "TRY_CAST(t AS datetime) AS At"
    # other text into a typed column stays an error, with a TRY_CAST too (a CAST that fails stops the job)
    (error,) = run(f"SELECT CAST(t AS nvarchar(max)) AS N INTO o {FROM}", "N:long")
    assert error.code == "SC201" and error.edit.text == "TRY_CAST(t AS bigint) AS N"


def test_the_try_cast_clears_the_finding():
    query = f"SELECT Reading, Ts INTO o {FROM}"
    schema = "Reading:long, Ts:datetime"
    found = run(query, schema)
    assert [f.code for f in found] == ["SC204", "SC204"]
    from schemacheck.fixes import apply_edits

    fixed = apply_edits(query, [f.edit for f in found])
    assert fixed == f"SELECT TRY_CAST(Reading AS bigint) AS Reading, TRY_CAST(Ts AS datetime) AS Ts INTO o {FROM}"
    assert run(fixed, schema) == []
