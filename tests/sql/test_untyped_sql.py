"""Untyped values into SQL columns: SC204 where a value that does not convert fails the insert
(or is changed), one SC203 summary per statement for the rest (schemacheck.sql.typemap)."""

from __future__ import annotations

import pytest

from schemacheck.asa.analysis import analyze
from schemacheck.sql import typemap
from schemacheck.sql.compare import compare_sql
from schemacheck.sql.schema import POSTGRES, TSQL, SqlColumn, SqlTable

FROM = "FROM [telemetry-in]"


def col(name: str, kind: str, **extra) -> SqlColumn:
    return SqlColumn(name, kind, kind.upper(), **extra)


def table(*columns: SqlColumn, dialect: str = TSQL) -> SqlTable:
    return SqlTable("T", "dbo" if dialect == TSQL else "public", columns, dialect, "t.sql", 1, 1)


def run(query: str, target: SqlTable, level: str = "1.2"):
    return compare_sql(analyze(query, level=level).outputs[0], target, level, "q.asaql", query)


@pytest.mark.parametrize("kind, asa", [
    ("int", "bigint"), ("bigint", "bigint"), ("float", "float"), ("decimal", "float"), ("money", "float"),
    ("datetime2", "datetime"), ("date", "datetime"), ("bit", "bit"), ("uniqueidentifier", "nvarchar(max)"),
])
def test_sql_server_columns_ask_for_a_try_cast(kind, asa):
    (finding,) = run(f"SELECT v INTO o {FROM}", table(col("v", kind)))
    assert (finding.code, finding.severity) == ("SC204", "warning")
    assert finding.edit.text == f"TRY_CAST(v AS {asa}) AS v"
    assert "fails the insert when it cannot" in finding.message


def test_the_casts_never_make_a_pair_incompatible():
    for kind, asa in typemap.TSQL_UNTYPED_CAST.items():
        assert asa is not None
        assert typemap.tsql_compatibility(asa, col("v", kind), "1.2")[0] != typemap.INCOMPATIBLE, kind
    for kind, asa in typemap.POSTGRES_UNTYPED_CAST.items():
        if asa is not None:
            assert typemap.postgres_compatibility(asa, col("v", kind), "1.2")[0] == typemap.OK, kind


def test_string_columns_say_nothing_per_column():
    found = run(f"SELECT a, b INTO o {FROM}", table(col("a", "nvarchar"), col("b", "varchar")))
    assert [f.code for f in found] == ["SC203"]
    assert found[0].message == "2 columns of output o untyped: a, b"


def test_bit_below_level_1_2_and_postgresql_types_without_an_asa_type_have_no_edit():
    (bit,) = run(f"SELECT v INTO o {FROM}", table(col("v", "bit")), level="1.1")
    assert bit.code == "SC204" and bit.edit is None and "no bit type" in bit.message
    (integer,) = run(f"SELECT v INTO o {FROM}", table(col("v", "integer"), dialect=POSTGRES))
    assert integer.code == "SC204" and integer.edit is None
    assert integer.fix.startswith("change the column to a type ASA writes into PostgreSQL (bigint, bigserial, bit, ")
    (bigint,) = run(f"SELECT v INTO o {FROM}", table(col("v", "bigint"), dialect=POSTGRES))
    assert bigint.edit.text == "TRY_CAST(v AS bigint) AS v" and "only from an ASA bigint" in bigint.message


def test_a_number_into_float_is_taken_into_int_loses_its_fraction():
    query = f"SELECT SUM(x) AS a, SUM(y) AS b INTO o {FROM} GROUP BY TumblingWindow(minute, 1)"
    found = run(query, table(col("a", "float"), col("b", "int")))
    assert [f.code for f in found] == ["SC204", "SC203"]
    assert "drops a number's fraction in INT" in found[0].message and found[0].edit.text.startswith("TRY_CAST(")
    assert "a is a number, bigint or float" in found[1].message


def test_the_try_cast_clears_the_finding():
    from schemacheck.fixes import apply_edits

    query = f"SELECT Speed, At INTO o {FROM}"
    target = table(col("Speed", "float"), col("At", "datetime2"))
    found = run(query, target)
    assert [f.code for f in found] == ["SC204", "SC204"]
    assert run(apply_edits(query, [f.edit for f in found]), target) == []
