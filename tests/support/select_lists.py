"""Generated select lists: the queries of the property tests of `suggest`
(tests/check/test_suggest.py) and of `check --fix` (tests/check/test_fixes.py).

`items` draws one select item (expression, column name, alias style, leading space),
`_alias` writes its alias; `table_columns` draws a table's columns (name, Kusto type)."""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ["DeviceId", "deviceid", "Temperature", "Temperatur", "temp", "Count", "order", "timestamp", "Value",
         "value_1", "my field", "Reading", "x"]
EXPRESSIONS = ["CAST(f AS float)", "TRY_CAST(f AS bigint)", "f", "i.f", "UPPER(f)", "'text'", "123", "1.5",
               "CAST(a AS float) + CAST(b AS float)", "CASE WHEN a > 1 THEN 'x' ELSE 'y' END",
               "System.Timestamp()", "CAST(f AS nvarchar(max))", "TRY_CAST(f AS datetime)", "(a + 1)",
               "CAST(f AS bit)", "LEN(f)", "Temperature", "[my field]", "AVG(CAST(f AS float))",
               "CASE\n        WHEN a > 1 THEN 1.5\n        ELSE 2.5\n    END", "CAST(f AS float) /* note */",
               "COUNT(*)", "'it''s'"]
KUSTO_TYPES = ["long", "int", "real", "string", "datetime", "bool", "dynamic", "guid", "timespan", "decimal"]


def _alias(name: str, style: str) -> str:
    from schemacheck.edits import asa_name

    if style == "none":
        return ""
    quoted = asa_name(name, bracket=style == "bracket")
    return f" AS {quoted}" if style != "bare" else f" {quoted}"


items = st.tuples(st.sampled_from(EXPRESSIONS), st.sampled_from(NAMES),
                  st.sampled_from(["none", "as", "bare", "bracket"]), st.sampled_from(["", " ", "\n    "]))
table_columns = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(KUSTO_TYPES)), min_size=1, max_size=6,
                         unique_by=lambda c: c[0])
