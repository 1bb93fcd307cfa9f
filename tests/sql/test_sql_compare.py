"""The SQL comparator as a pure function, and the ASA-to-SQL / ASA-to-PostgreSQL type
tables behind it (asa-language.md §6.2). Tables are built as records here, so these
tests do not depend on the DDL reader (tests/sql/test_sql_ddl*.py cover it)."""

from __future__ import annotations

import pytest

from schemacheck.asa.analysis import analyze
from schemacheck.sql import typemap as sqltypes
from schemacheck.sql.compare import compare_sql
from schemacheck.sql.schema import ALWAYS, BY_DEFAULT, POSTGRES, TSQL, SqlColumn, SqlTable, split_name


def col(name, sql_type, written=None, **fields):
    return SqlColumn(name, sql_type, written or sql_type.upper(), **fields)


def table(*columns, dialect=TSQL, name="Readings", schema="dbo", case_sensitive=False):
    return SqlTable(name, schema, tuple(columns), dialect, "t.sql", 1, 1, case_sensitive)


def run(query, sql_table, level="1.2", index=0):
    output = analyze(query, level=level).outputs[index]
    return compare_sql(output, sql_table, level, "q.asaql", query)


def codes(found):
    return [d.code for d in found]


# (ASA type, SQL Server column, level) -> verdict, from the documented table.
@pytest.mark.parametrize("asa, column, level, verdict", [
    ("bigint", col("c", "bigint"), "1.2", "ok"),
    ("bigint", col("c", "int"), "1.2", "risky"),
    ("bigint", col("c", "smallint"), "1.1", "risky"),
    ("bigint", col("c", "tinyint"), "1.2", "risky"),
    ("bigint", col("c", "nvarchar", "NVARCHAR(MAX)"), "1.2", "ok"),
    ("bigint", col("c", "nvarchar", "NVARCHAR(10)", length=10), "1.2", "risky"),
    ("bigint", col("c", "datetime2"), "1.2", "incompatible"),
    ("float", col("c", "float"), "1.2", "ok"),
    ("float", col("c", "real"), "1.2", "ok"),
    ("float", col("c", "decimal"), "1.2", "ok"),
    ("float", col("c", "decimal", "DECIMAL(5,2)", precision=5, scale=2), "1.2", "risky"),
    ("float", col("c", "int"), "1.2", "risky"),
    ("float", col("c", "datetime"), "1.2", "incompatible"),
    ("nvarchar(max)", col("c", "nvarchar", "NVARCHAR(MAX)"), "1.2", "ok"),
    ("nvarchar(max)", col("c", "varchar", "VARCHAR(20)", length=20), "1.2", "risky"),
    ("nvarchar(max)", col("c", "uniqueidentifier"), "1.2", "risky"),
    ("nvarchar(max)", col("c", "varbinary"), "1.2", "incompatible"),
    ("datetime", col("c", "datetime2"), "1.2", "ok"),
    ("datetime", col("c", "datetimeoffset"), "1.2", "ok"),
    ("datetime", col("c", "date"), "1.2", "risky"),
    ("datetime", col("c", "nvarchar", "NVARCHAR(20)", length=20), "1.2", "risky"),
    ("datetime", col("c", "bigint"), "1.2", "incompatible"),
    ("bit", col("c", "bit"), "1.2", "ok"),
    ("bit", col("c", "tinyint"), "1.2", "ok"),
    ("record", col("c", "nvarchar", "NVARCHAR(MAX)"), "1.2", "ok"),
    ("record", col("c", "nvarchar", "NVARCHAR(MAX)"), "1.1", "incompatible"),
    ("array", col("c", "varchar", "VARCHAR(MAX)"), "1.0", "incompatible"),
    ("array", col("c", "nvarchar", "NVARCHAR(100)", length=100), "1.2", "risky"),
    ("record", col("c", "int"), "1.2", "incompatible"),
])
def test_sql_server_type_table(asa, column, level, verdict):
    assert sqltypes.compatibility(asa, column, TSQL, level)[0] == verdict


@pytest.mark.parametrize("asa, column, verdict", [
    ("bigint", col("c", "bigint"), "ok"),
    ("bigint", col("c", "integer"), "incompatible"),
    ("bigint", col("c", "smallint"), "incompatible"),
    ("float", col("c", "double precision"), "ok"),
    ("float", col("c", "numeric"), "ok"),
    ("float", col("c", "real"), "incompatible"),
    ("nvarchar(max)", col("c", "text"), "ok"),
    ("nvarchar(max)", col("c", "character varying"), "ok"),
    ("nvarchar(max)", col("c", "character varying", "varchar(8)", length=8), "risky"),
    ("nvarchar(max)", col("c", "uuid"), "incompatible"),
    ("datetime", col("c", "timestamp with time zone"), "ok"),
    ("datetime", col("c", "timestamp"), "ok"),
    ("datetime", col("c", "date"), "incompatible"),
    ("bit", col("c", "bit"), "ok"),
    ("record", col("c", "jsonb"), "incompatible"),
    ("array", col("c", "text"), "incompatible"),
])
def test_postgresql_type_table(asa, column, verdict):
    assert sqltypes.compatibility(asa, column, POSTGRES, "1.2")[0] == verdict


def test_the_documented_postgresql_failures_quote_the_documented_error():
    assert "incorrect binary data format" in sqltypes.compatibility("bigint", col("c", "integer"), POSTGRES, "1.2")[1]
    assert "real fails" in sqltypes.compatibility("float", col("c", "real"), POSTGRES, "1.2")[1]


def test_bigint_overflow_says_what_the_level_does():
    at_12 = sqltypes.compatibility("bigint", col("c", "int"), TSQL, "1.2")[1]
    at_11 = sqltypes.compatibility("bigint", col("c", "int"), TSQL, "1.1")[1]
    assert "error policy" in at_12 and "truncates" in at_11


def test_a_clean_statement_has_no_findings():
    t = table(col("Id", "bigint", identity=ALWAYS, nullable=False), col("DeviceId", "nvarchar", "NVARCHAR(MAX)"),
              col("Temp", "float"), col("LoadedAt", "datetime2", nullable=False, default=True))
    assert run("SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(t AS float) AS Temp INTO o FROM i", t) == []


def test_case_slips_are_info_under_the_default_collation_and_errors_when_case_sensitive():
    t = table(col("DeviceId", "nvarchar", "NVARCHAR(MAX)"))
    query = "SELECT CAST(d AS nvarchar(max)) AS deviceid INTO o FROM i"
    (slip,) = run(query, t)
    assert (slip.code, slip.severity, slip.table_column) == ("SC106", "info", "DeviceId")
    assert slip.edit is not None and slip.edit.text.endswith("AS DeviceId")
    (strict,) = run(query, t._replace(case_sensitive=True))
    assert (strict.code, strict.severity) == ("SC102", "error")
    assert "collation is case-sensitive" in strict.message


def test_postgresql_case_depends_on_quoting():
    query = "SELECT CAST(d AS nvarchar(max)) AS DeviceId INTO o FROM i"
    (folded,) = run(query, table(col("deviceid", "text"), dialect=POSTGRES, schema="public"))
    assert folded.code == "SC109" and "not documented" in folded.message
    (quoted,) = run(query, table(col("Deviceid", "text", quoted=True), dialect=POSTGRES, schema="public"))
    assert quoted.code == "SC102" and "double quotes" in quoted.message


def test_required_columns_left_out_fail_the_insert_and_nullable_ones_are_null():
    t = table(col("Id", "int", identity=ALWAYS, nullable=False), col("A", "float"),
              col("Depot", "int", nullable=False), col("B", "nvarchar", "NVARCHAR(MAX)"),
              col("At", "datetime2", nullable=False, default=True), col("Total", "float", computed=True))
    found = run("SELECT CAST(a AS float) AS A INTO o FROM i", t)
    assert sorted((d.code, d.table_column) for d in found) == [("SC103", "B"), ("SC107", "Depot")]
    required = next(d for d in found if d.code == "SC107")
    assert required.severity == "error"
    assert required.command == "ALTER TABLE [dbo].[Readings] ALTER COLUMN [Depot] INTEGER NULL;"


def test_incomplete_outputs_do_not_claim_columns_are_left_out():
    t = table(col("Depot", "int", nullable=False))
    assert "SC107" not in codes(run("SELECT * INTO o FROM i", t))


def test_writing_generated_columns_fails():
    t = table(col("Id", "bigint", identity=ALWAYS, nullable=False), col("Total", "float", computed=True),
              col("Seq", "bigint", identity=BY_DEFAULT, nullable=False))
    found = run("SELECT CAST(a AS bigint) AS Id, CAST(b AS float) AS Total, CAST(c AS bigint) AS Seq "
                "INTO o FROM i", t)
    assert [(d.code, d.table_column) for d in found] == [("SC108", "Id"), ("SC108", "Total")]
    assert "identity column" in found[0].message and "computed column" in found[1].message


def test_a_missing_column_offers_the_near_name_or_an_alter_table():
    t = table(col("Temperature", "float"))
    near, far = run("SELECT CAST(a AS float) AS Temprature, 'x' AS Note INTO o FROM i", t)[:2]
    assert near.code == "SC101" and "did you mean Temperature?" in near.message
    assert near.fix == "alias the column `AS Temperature`"
    assert far.command == "ALTER TABLE [dbo].[Readings] ADD [Note] NVARCHAR(MAX) NULL;"
    pg = run("SELECT CAST(a AS float) AS Temp INTO o FROM i",
             table(col("x", "text"), dialect=POSTGRES, schema="public", name="readings"))
    assert pg[0].command == 'ALTER TABLE "public"."readings" ADD COLUMN "Temp" DOUBLE PRECISION;'


def test_type_findings_offer_a_cast_and_an_alter_column():
    t = table(col("Count", "int", nullable=False))
    (finding,) = run("SELECT COUNT(*) AS Count INTO o FROM i GROUP BY TumblingWindow(minute, 1)", t)
    assert (finding.code, finding.severity) == ("SC202", "warning")
    assert finding.command == "ALTER TABLE [dbo].[Readings] ALTER COLUMN [Count] BIGINT NOT NULL;"
    pg = table(col("value", "real"), dialect=POSTGRES, schema="public")
    (finding,) = run("SELECT CAST(v AS float) AS value INTO o FROM i", pg)
    assert finding.code == "SC201"
    assert finding.command == 'ALTER TABLE "public"."Readings" ALTER COLUMN "value" SET DATA TYPE DOUBLE PRECISION;'


def test_records_below_1_2_are_the_literal_text_and_the_fix_is_the_level():
    t = table(col("Payload", "nvarchar", "NVARCHAR(MAX)"))
    query = "SELECT CAST(p AS record) AS Payload INTO o FROM i"
    (finding,) = run(query, t, level="1.1")
    assert finding.code == "SC201" and '"Record"' in finding.message
    assert "compatibility level to 1.2" in finding.fix and finding.edit is None
    assert run(query, t, level="1.2") == []


def test_untyped_values_ask_for_a_try_cast_to_the_columns_type():
    t = table(col("Speed", "float"))
    (finding,) = run("SELECT speed AS Speed INTO o FROM i", t)
    assert finding.code == "SC204" and "`TRY_CAST(speed AS float)` in the query" in finding.fix
    assert finding.edit.text == "TRY_CAST(speed AS float) AS Speed"
    assert "fails the insert when it cannot" in finding.message


def test_order_is_reported_as_for_adx():
    t = table(col("A", "float"), col("B", "float"))
    (finding,) = run("SELECT CAST(b AS float) AS B, CAST(a AS float) AS A INTO o FROM i", t)
    assert finding.code == "SC301"


@pytest.mark.parametrize("written, expected", [
    ("Readings", (None, "Readings")), ("dbo.Readings", ("dbo", "Readings")),
    ("[dbo].[Read.ings]", ("dbo", "Read.ings")), ('"public"."readings"', ("public", "readings")),
    ("fleetops.dbo.Readings", ("dbo", "Readings")), ("[a]]b]", (None, "a]b")),
])
def test_table_names_as_outputs_write_them(written, expected):
    assert split_name(written) == expected


# ---- properties ---------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Column types each ASA type is documented to go into intact, per dialect (no length limit).
_INTACT = {
    TSQL: {"bigint": ["bigint"], "float": ["float", "real"], "nvarchar(max)": ["nvarchar", "varchar", "text"],
           "datetime": ["datetime", "datetime2", "datetimeoffset"]},
    POSTGRES: {"bigint": ["bigint"], "float": ["double precision", "numeric"],
               "nvarchar(max)": ["text", "character varying"],
               "datetime": ["timestamp with time zone", "timestamp"]},
}
_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789 ", min_size=1,
                 max_size=12).filter(lambda n: n.strip() == n and n[0].isalpha())


@st.composite
def tables_and_columns(draw):
    dialect = draw(st.sampled_from([TSQL, POSTGRES]))
    names = draw(st.lists(_NAMES, min_size=1, max_size=8, unique_by=str.lower))
    columns, written = [], []
    for name in names:
        asa_type = draw(st.sampled_from(sorted(_INTACT[dialect])))
        sql_type = draw(st.sampled_from(_INTACT[dialect][asa_type]))
        generated = draw(st.sampled_from([None, "identity", "computed"]))
        column = col(name, sql_type, nullable=draw(st.booleans()), default=draw(st.booleans()),
                     identity=ALWAYS if generated == "identity" else None, computed=generated == "computed",
                     quoted=True)
        columns.append(column)
        if generated is None:
            written.append((name, asa_type))
    return table(*columns, dialect=dialect, schema="public" if dialect == POSTGRES else "dbo"), written


def _query(written) -> str:
    items = ", ".join(f"CAST(c{i} AS {asa_type}) AS [{name}]" for i, (name, asa_type) in enumerate(written))
    return f"SELECT {items} INTO o FROM i"


@settings(max_examples=60, deadline=None)
@given(tables_and_columns())
def test_writing_every_writable_column_with_its_documented_type_finds_nothing(case):
    sql_table, written = case
    if not written:
        return
    assert run(_query(written), sql_table) == []


@settings(max_examples=60, deadline=None)
@given(tables_and_columns(), st.data())
def test_leaving_out_a_required_column_always_fails_the_insert(case, data):
    sql_table, written = case
    required = [c.name for c in sql_table.columns if c.required]
    if not required or len(written) < 2:
        return
    left_out = data.draw(st.sampled_from(required))
    found = run(_query([w for w in written if w[0] != left_out]), sql_table)
    assert ("SC107", left_out) in {(d.code, d.table_column) for d in found}
    assert all(d.code in ("SC103", "SC107") for d in found)
