"""The DDL reader (schemacheck.sql.ddl): SQL tables from T-SQL and PostgreSQL scripts.

Golden: each folder under tests/fixtures/ddl/ (an SSDT project, Synapse tables,
numbered PostgreSQL migrations, deployment scripts that guard each table with IF ...
BEGIN ... END or a DO block) -> tests/fixtures/ddl/<name>.expected.json, every table
and every column field. The files were checked by hand against the DDL; after a
deliberate change, rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.

Guards, blocks and notes are test_sql_ddl_guards.py's; errors and the properties
(hypothesis) test_sql_ddl_errors.py's.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, assert_golden
from schemacheck.sql.ddl import load_ddl
from schemacheck.sql.schema import ALWAYS, BY_DEFAULT, POSTGRES, TSQL
from support.sql_ddl import CASES, DDL, load_text


COLUMN_FIELDS = ("name", "type", "written_type", "nullable", "default", "identity", "computed", "length",
                 "precision", "scale", "quoted", "line", "column")


def summarize(catalog, base) -> dict:
    tables, columns = [], []
    for table in catalog.tables:
        tables.append({"schema": table.schema, "name": table.name, "dialect": table.dialect,
                       "file": os.path.relpath(table.file, base).replace(os.sep, "/"), "line": table.line,
                       "column": table.column, "case_sensitive": table.case_sensitive})
        for column in table.columns:
            columns.append({"table": table.qualified_name, **{f: getattr(column, f) for f in COLUMN_FIELDS}})
    return {"tables": tables, "columns": columns}


def columns_of(catalog, name: str, schema: str | None = None) -> dict:
    table = catalog.find(name, schema)
    assert table is not None, f"no table {name} in {[t.qualified_name for t in catalog.tables]}"
    return {c.name: c for c in table.columns}


# --- golden ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case):
    catalog = load_ddl([str(DDL / case)], CASES[case])
    assert_golden(DDL / f"{case}.expected.json", summarize(catalog, DDL / case))


@pytest.mark.parametrize("case", sorted(CASES))
def test_positions_point_at_names(case):
    catalog = load_ddl([str(DDL / case)], CASES[case])
    checked = 0
    for table in catalog.tables:
        lines = open(table.file, encoding="utf-8-sig").read().splitlines()
        assert lines[table.line - 1][table.column - 1:].upper().startswith("CREATE")
        for column in table.columns:
            if column.line is None:
                continue
            at = lines[column.line - 1][column.column - 1:]
            written = {TSQL: f"[{column.name}]", POSTGRES: f'"{column.name}"'}[table.dialect] \
                if column.quoted else column.name
            assert at.lower().startswith(written.lower()), (table.name, column.name, at)
            checked += 1
    assert checked > 5


def test_ssdt_project_reads_tables_and_skips_procedures_temp_tables_and_build_output():
    catalog = load_ddl([str(DDL / "ssdt")], TSQL)
    assert sorted(t.qualified_name for t in catalog.tables) == ["alerts.Alerts", "dbo.Readings"]
    readings = columns_of(catalog, "Readings")
    assert "Hacked" not in readings  # the ALTER inside the procedure does not run at deployment
    assert readings["ReadingId"].identity == ALWAYS and readings["ReadingId"].generated
    assert not readings["DeviceId"].nullable  # in the table's PRIMARY KEY constraint
    assert readings["TemperatureF"].computed and readings["TemperatureF"].type == "computed"
    assert readings["RowVersion"].generated
    assert readings["ReceivedAt"].default and not readings["ReceivedAt"].required
    assert readings["EventTime"].required
    assert not any(t.case_sensitive for t in catalog.tables)  # the project's collation is _CI_


def test_source_names_the_paths_and_dialect(monkeypatch):
    monkeypatch.chdir(DDL)
    assert load_ddl(["ssdt"], TSQL).source == "DDL in ssdt/ (T-SQL)"
    assert load_ddl(["postgres/001_create.sql", "postgres/002_alter.sql"], POSTGRES).source == \
        "DDL in postgres/001_create.sql, postgres/002_alter.sql (PostgreSQL)"


def test_importing_the_module_does_not_import_sqlglot():
    code = "import sys, schemacheck.sql.ddl; print(sorted(m for m in sys.modules if m.startswith('sqlglot')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


# --- what is read ----------------------------------------------------------------------------

TYPES = [
    # (dialect, written, type, length, precision, scale)
    (TSQL, "int", "int", None, None, None),
    (TSQL, "INTEGER", "int", None, None, None),
    (TSQL, "[bigint]", "bigint", None, None, None),
    (TSQL, "tinyint", "tinyint", None, None, None),
    (TSQL, "bit", "bit", None, None, None),
    (TSQL, "float", "float", None, None, None),
    (TSQL, "float(24)", "real", None, None, None),
    (TSQL, "float(25)", "float", None, None, None),
    (TSQL, "real", "real", None, None, None),
    (TSQL, "double precision", "float", None, None, None),
    (TSQL, "decimal", "decimal", None, 18, 0),
    (TSQL, "decimal(10)", "decimal", None, 10, 0),
    (TSQL, "dec(12, 4)", "decimal", None, 12, 4),
    (TSQL, "numeric(5,2)", "numeric", None, 5, 2),
    (TSQL, "money", "money", None, None, None),
    (TSQL, "smallmoney", "smallmoney", None, None, None),
    (TSQL, "nvarchar", "nvarchar", 1, None, None),
    (TSQL, "[nvarchar](64)", "nvarchar", 64, None, None),
    (TSQL, "NVARCHAR(MAX)", "nvarchar", None, None, None),
    (TSQL, "varchar(8000)", "varchar", 8000, None, None),
    (TSQL, "char", "char", 1, None, None),
    (TSQL, "nchar(3)", "nchar", 3, None, None),
    (TSQL, "character varying(7)", "varchar", 7, None, None),
    (TSQL, "national character varying(9)", "nvarchar", 9, None, None),
    (TSQL, "text", "text", None, None, None),
    (TSQL, "ntext", "ntext", None, None, None),
    (TSQL, "date", "date", None, None, None),
    (TSQL, "time(3)", "time", None, None, None),
    (TSQL, "datetime", "datetime", None, None, None),
    (TSQL, "datetime2(7)", "datetime2", None, None, None),
    (TSQL, "smalldatetime", "smalldatetime", None, None, None),
    (TSQL, "datetimeoffset", "datetimeoffset", None, None, None),
    (TSQL, "uniqueidentifier", "uniqueidentifier", None, None, None),
    (TSQL, "binary(16)", "binary", 16, None, None),
    (TSQL, "varbinary(max)", "varbinary", None, None, None),
    (TSQL, "binary varying(5)", "varbinary", 5, None, None),
    (TSQL, "image", "image", None, None, None),
    (TSQL, "xml", "xml", None, None, None),
    (TSQL, "xml(CONTENT dbo.Schemas)", "xml", None, None, None),
    (TSQL, "json", "json", None, None, None),
    (TSQL, "sql_variant", "sql_variant", None, None, None),
    (TSQL, "geography", "geography", None, None, None),
    (TSQL, "geometry", "geometry", None, None, None),
    (TSQL, "hierarchyid", "hierarchyid", None, None, None),
    (TSQL, "[dbo].[PhoneNumber]", "dbo.phonenumber", None, None, None),
    (POSTGRES, "integer", "integer", None, None, None),
    (POSTGRES, "int4", "integer", None, None, None),
    (POSTGRES, "int8", "bigint", None, None, None),
    (POSTGRES, "smallint", "smallint", None, None, None),
    (POSTGRES, "real", "real", None, None, None),
    (POSTGRES, "float4", "real", None, None, None),
    (POSTGRES, "float(10)", "real", None, None, None),
    (POSTGRES, "float", "double precision", None, None, None),
    (POSTGRES, "float(53)", "double precision", None, None, None),
    (POSTGRES, "float8", "double precision", None, None, None),
    (POSTGRES, "double precision", "double precision", None, None, None),
    (POSTGRES, "numeric", "numeric", None, None, None),
    (POSTGRES, "decimal(10, 2)", "numeric", None, 10, 2),
    (POSTGRES, "numeric(7)", "numeric", None, 7, 0),
    (POSTGRES, "money", "money", None, None, None),
    (POSTGRES, "text", "text", None, None, None),
    (POSTGRES, "varchar", "character varying", None, None, None),
    (POSTGRES, "character varying(20)", "character varying", 20, None, None),
    (POSTGRES, "char", "character", 1, None, None),
    (POSTGRES, "character(4)", "character", 4, None, None),
    (POSTGRES, "boolean", "boolean", None, None, None),
    (POSTGRES, "bool", "boolean", None, None, None),
    (POSTGRES, "date", "date", None, None, None),
    (POSTGRES, "time", "time", None, None, None),
    (POSTGRES, "time with time zone", "time with time zone", None, None, None),
    (POSTGRES, "timestamp", "timestamp", None, None, None),
    (POSTGRES, "timestamp(3) without time zone", "timestamp", None, None, None),
    (POSTGRES, "timestamptz", "timestamp with time zone", None, None, None),
    (POSTGRES, "timestamp with time zone", "timestamp with time zone", None, None, None),
    (POSTGRES, "interval", "interval", None, None, None),
    (POSTGRES, "uuid", "uuid", None, None, None),
    (POSTGRES, "json", "json", None, None, None),
    (POSTGRES, "jsonb", "jsonb", None, None, None),
    (POSTGRES, "bytea", "bytea", None, None, None),
    (POSTGRES, "integer[]", "integer[]", None, None, None),
    (POSTGRES, "text[][]", "text[]", None, None, None),
    (POSTGRES, "varchar(10) ARRAY", "character varying[]", None, None, None),
    (POSTGRES, "bit(3)", "bit", 3, None, None),
    (POSTGRES, "bit varying(8)", "bit varying", 8, None, None),
    (POSTGRES, "xml", "xml", None, None, None),
    (POSTGRES, "inet", "inet", None, None, None),
    (POSTGRES, "citext", "citext", None, None, None),
]


@pytest.mark.parametrize("dialect, written, expected, length, precision, scale", TYPES,
                         ids=[f"{t[0]}-{t[1]}" for t in TYPES])
def test_types(tmp_path, dialect, written, expected, length, precision, scale):
    catalog = load_text(tmp_path, f"CREATE TABLE t (\n  c {written} NULL\n);\n", dialect)
    (column,) = catalog.find("t").columns
    assert (column.type, column.written_type, column.length, column.precision, column.scale) == \
        (expected, written, length, precision, scale)
    assert (column.line, column.column) == (2, 3)


def test_serial_and_generated_columns_postgres(tmp_path):
    catalog = load_text(tmp_path, """
        CREATE TABLE s (a serial, b bigserial, c smallserial, d serial8,
                        e int GENERATED ALWAYS AS (a * 2) STORED, f int GENERATED ALWAYS AS (a + 1) VIRTUAL,
                        g int GENERATED BY DEFAULT AS IDENTITY, h int GENERATED ALWAYS AS IDENTITY);
    """, POSTGRES)
    columns = columns_of(catalog, "s")
    for name, type_name in (("a", "serial"), ("b", "bigserial"), ("c", "smallserial"), ("d", "bigserial")):
        assert (columns[name].type, columns[name].default, columns[name].nullable) == (type_name, True, False)
    assert columns["e"].computed and columns["f"].computed and columns["e"].identity is None
    assert (columns["g"].identity, columns["h"].identity) == (BY_DEFAULT, ALWAYS)
    assert not columns["g"].nullable and not columns["g"].required


def test_tsql_names_batches_and_sqlcmd_lines(tmp_path):
    text = (":setvar Db Fleet\n"
            ":r .\\Other.sql\n"
            "CREATE TABLE [$(Db)].[ops].[Work Items] (\n"
            "    [Item]]Id] int NOT NULL, \"Title\" nvarchar(20) NULL, Step int)\n"
            "go\n"
            "  GO 3 -- a count and a comment\n"
            "CREATE TABLE Fleet..Loose (x int)\n"
            "GO\n"
            "CREATE TABLE #scratch (x int)\n"
            "CREATE TABLE ##shared (x int)\n")
    catalog = load_text(tmp_path, text, TSQL)
    assert [(t.schema, t.name) for t in catalog.tables] == [("ops", "Work Items"), (None, "Loose")]
    table = catalog.find("Work Items", "ops")
    assert (table.line, table.column) == (3, 1)
    assert [(c.name, c.quoted, c.line, c.column) for c in table.columns] == [
        ("Item]Id", True, 4, 5), ("Title", True, 4, 30), ("Step", False, 4, 57)]


def test_postgres_names_fold_to_lower_case_unless_quoted(tmp_path):
    catalog = load_text(tmp_path, 'CREATE TABLE Sales."Orders" (OrderId int, "LineNo" int, "a""b" text);', POSTGRES)
    table = catalog.find("Orders", "sales")
    assert [(c.name, c.quoted) for c in table.columns] == [("orderid", False), ("LineNo", True), ('a"b', True)]


def test_tsql_alter_table(tmp_path):
    catalog = load_text(tmp_path, """
CREATE TABLE dbo.T (a int NOT NULL, b int CONSTRAINT DF_T_b DEFAULT 0, c varchar(10) NOT NULL, k int)
GO
ALTER TABLE dbo.T ADD d int NULL, e nvarchar(20) NOT NULL
ALTER TABLE [DBO].[t] ALTER COLUMN c varchar(50)
ALTER TABLE dbo.T DROP CONSTRAINT DF_T_b
ALTER TABLE dbo.T WITH CHECK ADD CONSTRAINT DF_T_d DEFAULT (1) FOR d
ALTER TABLE dbo.T DROP COLUMN e, COLUMN IF EXISTS nothere
ALTER TABLE dbo.T ADD CONSTRAINT PK_T PRIMARY KEY CLUSTERED (k)
ALTER TABLE dbo.T ADD CONSTRAINT FK_T FOREIGN KEY (a) REFERENCES dbo.U (id) ON DELETE CASCADE
UPDATE dbo.T SET a = 1
ALTER TABLE dbo.Missing ADD z int
""", TSQL)
    columns = columns_of(catalog, "T")
    assert list(columns) == ["a", "b", "c", "k", "d"]
    assert not columns["b"].default
    assert (columns["c"].written_type, columns["c"].length, columns["c"].nullable) == ("varchar(50)", 50, True)
    assert columns["d"].default and columns["d"].nullable
    assert not columns["k"].nullable
    assert catalog.find("Missing") is None


def test_postgres_alter_table(tmp_path):
    catalog = load_text(tmp_path, """
CREATE TABLE t (a int, b int DEFAULT 1, c int GENERATED ALWAYS AS IDENTITY, d int GENERATED ALWAYS AS (a) STORED,
                e int, "F" int);
ALTER TABLE t ADD PRIMARY KEY (a), ALTER b DROP DEFAULT, ALTER COLUMN c DROP IDENTITY IF EXISTS;
ALTER TABLE IF EXISTS t ALTER COLUMN d DROP EXPRESSION, ALTER COLUMN e SET DATA TYPE varchar(5) COLLATE "C";
ALTER TABLE t ALTER COLUMN e SET NOT NULL, ALTER COLUMN "F" ADD GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE t RENAME "F" TO g;
ALTER TABLE t DROP b;
ALTER TABLE t RENAME TO u;
ALTER TABLE u SET SCHEMA archive;
""", POSTGRES)
    assert [t.qualified_name for t in catalog.tables] == ["archive.u"]
    columns = columns_of(catalog, "u", "archive")
    assert list(columns) == ["a", "c", "d", "e", "g"]
    assert not columns["a"].nullable
    assert columns["c"].identity is None
    assert not columns["d"].computed
    assert (columns["e"].type, columns["e"].length, columns["e"].nullable) == ("character varying", 5, False)
    assert (columns["g"].identity, columns["g"].quoted) == (BY_DEFAULT, False)


def test_create_drop_and_replace(tmp_path):
    catalog = load_text(tmp_path, """
CREATE TABLE a (x int);
CREATE TABLE IF NOT EXISTS a (y int);
CREATE TABLE b (x int);
CREATE TABLE b (z int);
CREATE TABLE c (x int);
DROP TABLE IF EXISTS c, nothere;
CREATE TABLE d AS SELECT 1 AS x;
CREATE TABLE e (x, y) AS SELECT 1, 2;
CREATE UNLOGGED TABLE f (x int);
CREATE TABLE g () ;
CREATE TABLE h (w int) INHERITS (f);
CREATE TABLE i (w int) INHERITS (nothere);
CREATE TABLE j OF some_type;
""", POSTGRES)
    tables = {t.name: [c.name for c in t.columns] for t in catalog.tables}
    assert tables == {"a": ["x"], "b": ["z"], "f": ["x"], "g": [], "h": ["x", "w"]}


def test_tsql_query_filled_graph_and_optioned_tables(tmp_path):
    catalog = load_text(tmp_path, """
CREATE TABLE dbo.Person (ID INTEGER PRIMARY KEY, name VARCHAR(100)) AS NODE;
CREATE TABLE dbo.Copy (a, b) WITH (DISTRIBUTION = HASH(a)) AS SELECT 1 AS a, 2 AS b
GO
CREATE TABLE dbo.Plain WITH (DISTRIBUTION = ROUND_ROBIN) AS SELECT 1 AS a
CREATE TABLE dbo.History (a int NOT NULL) WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.HistoryLog))
CREATE TABLE dbo.Files AS FILETABLE
""", TSQL)
    assert {t.name: [c.name for c in t.columns] for t in catalog.tables} == {"Person": ["ID", "name"],
                                                                            "History": ["a"]}


def test_later_files_alter_earlier_ones_in_sorted_order(tmp_path):
    (tmp_path / "10_second.sql").write_text("ALTER TABLE t ADD COLUMN b int;", encoding="utf-8")
    (tmp_path / "02_first.sql").write_text("CREATE TABLE t (a int);", encoding="utf-8")
    catalog = load_ddl([str(tmp_path)], POSTGRES)
    columns = columns_of(catalog, "t")
    assert list(columns) == ["a", "b"]
    assert columns["b"].line is None  # written in another file than the table's CREATE


def test_directory_scan_skips_build_and_hidden_folders_and_reads_any_case(tmp_path):
    for folder in ("bin", "obj", ".git", "Tables"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{folder}.SQL").write_text(f"CREATE TABLE [{folder}] (x int)", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("CREATE TABLE notes (x int)", encoding="utf-8")
    catalog = load_ddl([str(tmp_path)], TSQL)
    assert [t.name for t in catalog.tables] == ["Tables"]
    # Schema paths are shared with Kusto schema files: only .sql files are DDL.
    assert load_ddl([str(tmp_path / "notes.txt")], TSQL).tables == ()
    (tmp_path / "notes.sql").write_text("CREATE TABLE notes (x int)", encoding="utf-8")
    assert [t.name for t in load_ddl([str(tmp_path / "notes.sql")], TSQL).tables] == ["notes"]


@pytest.mark.parametrize("collation, sensitive", [("Latin1_General_100_CS_AS_SC_UTF8", True),
                                                  ("SQL_Latin1_General_CP1_CI_AS", False)])
def test_sqlproj_collation_sets_case_sensitivity(tmp_path, collation, sensitive):
    (tmp_path / "Db.sqlproj").write_text(
        '<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup>'
        f"<DefaultCollation>{collation}</DefaultCollation></PropertyGroup></Project>", encoding="utf-8")
    (tmp_path / "Tables").mkdir()
    (tmp_path / "Tables" / "T.sql").write_text("CREATE TABLE dbo.Events (Id int)\nGO\n"
                                               "ALTER TABLE dbo.EVENTS ADD Extra int\n", encoding="utf-8")
    (table,) = load_ddl([str(tmp_path)], TSQL).tables
    assert table.case_sensitive == sensitive
    assert [c.name for c in table.columns] == (["Id"] if sensitive else ["Id", "Extra"])
    (below,) = load_ddl([str(tmp_path / "Tables")], TSQL).tables
    assert not below.case_sensitive  # the project file is above the folder given


def test_malformed_sqlproj_is_ignored(tmp_path):
    (tmp_path / "Db.sqlproj").write_text("<Project><DefaultCollation>Latin1_CS_AS", encoding="utf-8")
    (table,) = load_text(tmp_path, "CREATE TABLE T (a int)", TSQL).tables
    assert not table.case_sensitive


def test_utf16_and_bom_files_keep_positions(tmp_path):
    path = tmp_path / "wide.sql"
    path.write_bytes("\ufeffCREATE TABLE W (\r\n  [Ä] int)\r\n".encode("utf-16-le"))
    (column,) = load_ddl([str(path)], TSQL).find("W").columns
    assert (column.name, column.line, column.column) == ("Ä", 2, 3)


def test_empty_files_define_nothing(tmp_path):
    (tmp_path / "empty.sql").write_bytes(b"")
    (tmp_path / "blank.sql").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "comment.sql").write_text("-- nothing yet\n", encoding="utf-8")
    assert len(load_ddl([str(tmp_path)], TSQL)) == 0


def test_other_statements_and_kusto_commands_are_not_tables(tmp_path):
    catalog = load_text(tmp_path, """
.create table K (a: string)
CREATE VIEW dbo.V AS SELECT 1 AS x
GO
CREATE OR ALTER FUNCTION dbo.F() RETURNS @t TABLE (a int) AS BEGIN CREATE TABLE x (a int) RETURN END
GO
CREATE TYPE dbo.Pairs AS TABLE (a int, b int)
GO
DECLARE @t TABLE (a int)
EXEC ('CREATE TABLE dyn (a int)')
""", TSQL)
    assert len(catalog) == 0
    assert [(n.line, n.column) for n in catalog.notes] == [(10, 1)]   # the EXEC: a table nobody knows of
