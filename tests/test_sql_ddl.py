"""The DDL reader (schemacheck.sql.ddl): SQL tables from T-SQL and PostgreSQL scripts.

Golden: each folder under tests/fixtures/ddl/ (an SSDT project, Synapse tables,
numbered PostgreSQL migrations, deployment scripts that guard each table with IF ...
BEGIN ... END or a DO block) -> tests/fixtures/ddl/<name>.expected.json, every table
and every column field. The files were checked by hand against the DDL; after a
deliberate change, rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, assert_golden
from schemacheck.errors import InputError
from schemacheck.sql.ddl import load_ddl
from schemacheck.sql.schema import ALWAYS, BY_DEFAULT, POSTGRES, TSQL, DdlNote, SqlCatalog

DDL = FIXTURES / "ddl"
CASES = {"ssdt": TSQL, "synapse": TSQL, "postgres": POSTGRES, "guarded": TSQL, "guarded_postgres": POSTGRES}
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


def load_text(tmp_path, text: str, dialect: str, name: str = "script.sql"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_ddl([str(path)], dialect)


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


# --- guards and blocks: a table inside IF ... BEGIN ... END is read like one at the top -----------

GUARDED = """\
IF (NOT EXISTS (SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'TollEntry'))
BEGIN
    CREATE TABLE [dbo].[TollEntry] ( [EntryId] BIGINT NOT NULL, [Plate] NVARCHAR(20) NULL )
END
IF (NOT EXISTS (SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'TollExit'))
BEGIN
    CREATE TABLE dbo.TollExit ( ExitId BIGINT NOT NULL, ExitTime DATETIME2 NULL );
END
IF OBJECT_ID(N'dbo.Plates', N'U') IS NULL
    CREATE TABLE dbo.Plates (Plate NVARCHAR(20) NOT NULL PRIMARY KEY);
"""


def layout(catalog) -> list:
    return [(t.qualified_name, t.line, t.column, [(c.name, c.type, c.nullable, c.line, c.column) for c in t.columns])
            for t in catalog.tables]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_several_guarded_tables_in_one_batch_are_all_read(tmp_path, line_end):
    catalog = load_text(tmp_path, GUARDED.replace("\n", line_end), TSQL)
    assert layout(catalog) == [
        ("dbo.TollEntry", 3, 5, [("EntryId", "bigint", False, 3, 38), ("Plate", "nvarchar", True, 3, 65)]),
        ("dbo.TollExit", 7, 5, [("ExitId", "bigint", False, 7, 33), ("ExitTime", "datetime2", True, 7, 57)]),
        ("dbo.Plates", 10, 5, [("Plate", "nvarchar", False, 10, 30)])]
    assert catalog.notes == ()


def test_guards_with_else_nested_blocks_try_catch_and_transactions_in_lower_case(tmp_path):
    text = """\
set nocount on;
begin try
    begin transaction;
    if object_id(N'dbo.A', N'U') is null
    begin
        if schema_id(N'dbo') is not null
        begin
            create table dbo.A (a int not null);
        end;
    end
    else
    begin
        print N'dbo.A is there';
    end
    if col_length(N'dbo.A', N'b') is null
        alter table dbo.A add b nvarchar(10) null
    else
        print 'b is there'
    commit transaction
end try
begin catch
    if @@trancount > 0 rollback transaction;
    throw;
end catch
if not exists (select 1 from sys.tables where name = 'B') begin create table B (x int) end else create table C (y int)
"""
    catalog = load_text(tmp_path, text.replace("\n", "\r\n"), TSQL)
    assert layout(catalog) == [
        ("dbo.A", 8, 13, [("a", "int", False, 8, 33), ("b", "nvarchar", True, 16, 31)]),
        ("dbo.B", 25, 65, [("x", "int", True, 25, 81)]),
        ("dbo.C", 25, 97, [("y", "int", True, 25, 113)])]
    assert catalog.notes == ()


def test_statements_after_end_exec_or_print_without_a_semicolon_are_read(tmp_path):
    # sqlglot reads the text after such a word up to the next ';' as one string: not here.
    catalog = load_text(tmp_path, """\
IF 1 = 1 BEGIN CREATE TABLE A (a int); END CREATE TABLE B (b int)
EXEC dbo.usp_Prepare CREATE TABLE C (c int)
PRINT 'x' CREATE TABLE D (d int); PRINT 'y'; ALTER TABLE D ADD e int
""", TSQL)
    assert {t.name: [c.name for c in t.columns] for t in catalog.tables} == {
        "A": ["a"], "B": ["b"], "C": ["c"], "D": ["d", "e"]}


def test_a_guarded_alter_table_ends_where_the_next_statement_begins(tmp_path):
    catalog = load_text(tmp_path, """\
CREATE TABLE dbo.T (a int)
IF COL_LENGTH(N'dbo.T', N'c') IS NULL
    ALTER TABLE dbo.T ADD c int NULL
SET ANSI_PADDING OFF
IF COL_LENGTH(N'dbo.T', N'd') IS NULL ALTER TABLE dbo.T ADD CONSTRAINT FK_T FOREIGN KEY (a) REFERENCES dbo.U (id)
    ON DELETE SET NULL ON UPDATE SET DEFAULT, d int
ALTER TABLE dbo.T SET (LOCK_ESCALATION = AUTO)
SET ANSI_PADDING ON
""", TSQL)
    assert layout(catalog) == [("dbo.T", 1, 1, [("a", "int", True, 1, 21), ("c", "int", True, 3, 27),
                                                ("d", "int", True, 6, 47)])]
    assert catalog.notes == ()


def test_postgres_if_not_exists_and_do_blocks(tmp_path):
    catalog = load_text(tmp_path, """\
CREATE TABLE IF NOT EXISTS a (x int);
CREATE TABLE IF NOT EXISTS a (y int);
do $$
begin
    if not exists (select 1 from pg_tables where tablename = 'b') then
        create table b (id bigint not null, "Note" text);
    end if;
    begin
        alter table a add column z int;
    exception when duplicate_column then null;
    end;
end
$$;
DO $outer$ BEGIN CREATE TABLE c (n numeric(5, 1)); END $outer$ LANGUAGE plpgsql;
CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN CREATE TABLE not_read (a int); RETURN NEW; END $$ LANGUAGE plpgsql;
INSERT INTO a VALUES (1) ON CONFLICT DO NOTHING;
""", POSTGRES)
    assert layout(catalog) == [
        ("public.a", 1, 1, [("x", "integer", True, 1, 31), ("z", "integer", True, 9, 34)]),
        ("public.b", 6, 9, [("id", "bigint", False, 6, 25), ("Note", "text", True, 6, 45)]),
        ("public.c", 14, 18, [("n", "numeric", True, 14, 34)])]
    assert catalog.notes == ()


# --- notes: a statement skipped that might define or change a table is never lost in silence ------

def notes_of(catalog) -> list:
    return [(n.line, n.column, n.message) for n in catalog.notes]


def test_dynamic_sql_sp_rename_and_select_into_are_noted_where_they_are(tmp_path):
    catalog = load_text(tmp_path, """\
CREATE TABLE dbo.T (a int)
IF OBJECT_ID(N'dbo.Dyn') IS NULL
    EXEC ('CREATE TABLE dbo.Dyn (a int)');
EXEC (@sql)
  EXECUTE sp_executesql @stmt = N'ALTER TABLE dbo.T ADD b int', N'@x int', @x = 1
EXEC sp_rename N'dbo.T.a', N'aa', N'COLUMN'
SELECT a, 1 AS b INTO dbo.Copy FROM dbo.T WHERE a > 0
GO
sp_rename 'dbo.T', 'T2'
GO
ALTER TABLE dbo.T ADD c int
ALTER TABLE dbo.T ENABLE CHANGE_TRACKING
""", TSQL)
    file = str(tmp_path / "script.sql")
    assert all(n.file == file for n in catalog.notes)
    assert [(line, column) for line, column, _ in notes_of(catalog)] == [(3, 5), (4, 1), (5, 3), (6, 1), (7, 1), (9, 1)]
    messages = [m for _, _, m in notes_of(catalog)]
    assert messages[0] == "EXEC of dynamic SQL is not read: a table it creates or changes is not known to the check"
    assert messages[1].startswith("EXEC of dynamic SQL is not read")
    assert messages[2].startswith("EXECUTE of dynamic SQL is not read")
    assert messages[3].startswith("sp_rename is not read") and "old name" in messages[3]
    assert messages[4].startswith("SELECT ... INTO dbo.Copy is not read") and "columns from the query" in messages[4]
    assert messages[5].startswith("sp_rename is not read")
    assert all("\n" not in m for m in messages)
    assert [c.name for c in catalog.find("T", "dbo").columns] == ["a", "c"]   # what was noted did not run


def test_create_and_alter_table_not_read_are_noted(tmp_path):
    catalog = load_text(tmp_path, """\
CREATE TABLE dbo.Copy WITH (DISTRIBUTION = ROUND_ROBIN) AS SELECT 1 AS a
CREATE TABLE dbo.Named (a, b) AS SELECT 1, 2
CREATE TABLE dbo.Files AS FILETABLE
CREATE TABLE dbo.T (a int)
ALTER TABLE dbo.T REBUILD
ALTER TABLE dbo.T FROBNICATE a
""", TSQL)
    assert [(line, column, m.split(" is not read")[0]) for line, column, m in notes_of(catalog)] == [
        (1, 1, "CREATE TABLE dbo.Copy"), (2, 1, "CREATE TABLE dbo.Named"), (3, 1, "CREATE TABLE dbo.Files"),
        (6, 19, "ALTER TABLE dbo.T ... FROBNICATE")]
    assert "its columns come from a query" in notes_of(catalog)[0][2]
    postgres = load_text(tmp_path, """\
CREATE TABLE p (a int);
CREATE TABLE q AS SELECT * FROM p;
CREATE TABLE r PARTITION OF p FOR VALUES IN (1);
CREATE TABLE s (LIKE p);
CREATE TABLE t (b int) INHERITS (nowhere);
SELECT * INTO u FROM p;
SELECT * INTO TEMP v FROM p;
DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM p; EXECUTE 'CREATE TABLE w (a int)'; END $$;
DO $$ BEGIN EXECUTE format('ALTER TABLE %I ADD c int', 'p'); EXECUTE 'ANALYZE p'; END $$;
DO $$ import plpy $$ LANGUAGE plpython3u;
DO $$ plpy.execute("CREATE TABLE x (a int)") $$ LANGUAGE plpython3u;
ALTER TABLE p OWNER TO admin, ENABLE ROW LEVEL SECURITY;
""", POSTGRES, "pg.sql")
    assert [(line, column, m.split(" is not read")[0]) for line, column, m in notes_of(postgres)] == [
        (2, 1, "CREATE TABLE q"), (3, 1, "CREATE TABLE r"), (4, 1, "CREATE TABLE s"), (5, 1, "CREATE TABLE t"),
        (6, 1, "SELECT ... INTO u"), (8, 59, "EXECUTE of dynamic SQL"), (9, 13, "EXECUTE of dynamic SQL"),
        (11, 1, "DO block in plpython3u")]


def test_procedures_views_and_other_harmless_statements_are_not_noted(tmp_path):
    catalog = load_text(tmp_path, """\
CREATE PROCEDURE dbo.usp_Load AS
BEGIN
    SELECT 1 AS a INTO dbo.Scratch;
    EXEC ('CREATE TABLE dbo.Inner (a int)');
    EXEC sp_rename 'dbo.T', 'U';
END
GO
CREATE VIEW dbo.V AS SELECT 1 AS a
GO
CREATE OR ALTER FUNCTION dbo.F() RETURNS int AS BEGIN RETURN 1 END
GO
IF OBJECT_ID(N'dbo.usp_Other') IS NULL EXEC ('CREATE PROCEDURE dbo.usp_Other AS SELECT 1 AS a INTO dbo.X')
EXEC ('CREATE VIEW dbo.W AS SELECT 1 AS a')
EXEC sp_addextendedproperty N'MS_Description', N'Readings', N'SCHEMA', N'dbo'
EXEC dbo.usp_Load
EXECUTE AS USER = 'loader'
SET ANSI_NULLS ON
PRINT 'done'
INSERT INTO dbo.T (a) SELECT 1
SELECT a INTO #scratch FROM dbo.T
CREATE TABLE #temp (a int)
CREATE INDEX IX_T ON dbo.T (a)
GRANT SELECT ON dbo.T TO reader
CREATE EXTERNAL TABLE dbo.Ext (a int) WITH (LOCATION = '/x', DATA_SOURCE = src, FILE_FORMAT = csv)
""", TSQL)
    assert catalog.notes == ()
    postgres = load_text(tmp_path, """\
CREATE FUNCTION f() RETURNS void AS $$ BEGIN EXECUTE 'CREATE TABLE x (a int)'; END $$ LANGUAGE plpgsql;
CREATE VIEW v AS SELECT 1 AS a;
CREATE TEMP TABLE t (a int);
DO $$ BEGIN RAISE NOTICE 'hello'; END $$;
INSERT INTO t SELECT 1 ON CONFLICT DO NOTHING;
""", POSTGRES, "pg.sql")
    assert postgres.notes == ()


def test_the_catalog_keeps_its_notes_through_pickling():
    note = DdlNote("x.sql", 3, 1, "sp_rename is not read: ...")
    catalog = SqlCatalog((), "DDL in x.sql (T-SQL)", TSQL, (note,))
    copy = pickle.loads(pickle.dumps(catalog))   # (fork_map sends results back pickled)
    assert (copy.notes, copy.source, copy.dialect) == (catalog.notes, catalog.source, catalog.dialect)
    assert SqlCatalog().notes == ()



# --- errors ------------------------------------------------------------------------------------

ERRORS = [
    # (dialect, text, line, column, words in the message)
    (TSQL, "CREATE TABLE t (\n  a int,\n  b varchar(10) DEFAULT 'oops\n)\n", 3, 25, "not closed"),
    (POSTGRES, 'CREATE TABLE t (a int DEFAULT "x)', 1, 31, "not closed"),
    (TSQL, "CREATE TABLE t (a int) /* no end", 1, 24, "not closed"),
    (TSQL, "CREATE TABLE [dbo.X (a int)", 1, 14, "not closed"),
    (TSQL, "CREATE TABLE dbo.X (\n  a int,\n  b varchar(10) foo bar,\n  c int)\n", 3, 3,
     "cannot parse this column definition of table dbo.X as T-SQL"),
    (POSTGRES, "CREATE TABLE x (\n  a int,\n  b int NOT NOT NULL)\n", 3, 3, "at 'NOT' (3:9)"),
    (TSQL, "CREATE TABLE t (a int, b int", 1, 16, "no closing ')'"),
    (TSQL, "CREATE TABLE t (a int,, b int)", 1, 23, "a comma too many"),
    (POSTGRES, "CREATE TABLE t (\n  a\n)", 2, 3, "column a of table t has no type"),
    (TSQL, "CREATE TABLE t (a int)\nGO\nALTER TABLE t ADD b int int int\n", 3, 19, "cannot parse"),
]


@pytest.mark.parametrize("dialect, text, line, column, words", ERRORS)
def test_malformed_ddl_is_an_input_error_naming_the_place(tmp_path, dialect, text, line, column, words):
    with pytest.raises(InputError) as caught:
        load_text(tmp_path, text, dialect)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value).startswith(f"{tmp_path / 'script.sql'}:{line}:{column}: ")
    assert words in caught.value.message


def test_unreadable_inputs_are_input_errors(tmp_path):
    (tmp_path / "binary.sql").write_bytes(b"CREATE TABLE t (a int\x00)")
    with pytest.raises(InputError, match=r"binary\.sql:1:22: looks like a binary file"):
        load_ddl([str(tmp_path / "binary.sql")], TSQL)
    with pytest.raises(InputError, match="no such file"):
        load_ddl([str(tmp_path / "missing.sql")], TSQL)
    (tmp_path / "empty").mkdir()
    assert len(load_ddl([str(tmp_path / "empty")], TSQL)) == 0   # no DDL: the check says so (SC402)
    with pytest.raises(InputError, match="unknown SQL dialect"):
        load_ddl([str(tmp_path)], "mysql")


def fixture_files():
    return [(path, CASES[case]) for case in sorted(CASES) for path in sorted((DDL / case).rglob("*.sql"))]


def test_mutated_fixtures_raise_nothing_but_input_errors():
    chance = random.Random(20240611)
    mutations = ("'", '"', "(", ")", "[", "]", ",", "/*", "--", "\x00", "GO\n", "NOT ", "AS ", "CREATE TABLE ")
    tried = 0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "mutant.sql")
        for original, dialect in fixture_files():
            text = original.read_text(encoding="utf-8")
            for _ in range(25):
                at = chance.randrange(len(text) + 1)
                kind = chance.randrange(3)
                mutant = (text[:at] if kind == 0 else text[:at] + chance.choice(mutations) + text[at:] if kind == 1
                          else text[:at] + text[at + chance.randrange(1, 20):])
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(mutant)
                try:
                    load_ddl([path], dialect)
                except InputError:
                    pass
                tried += 1
    assert tried >= 100


# --- properties --------------------------------------------------------------------------------

# (written, type, length, precision, scale, takes an identity)
PROPERTY_TYPES = {
    TSQL: [("int", "int", None, None, None, True), ("BIGINT", "bigint", None, None, None, True),
           ("smallint", "smallint", None, None, None, True), ("nvarchar(64)", "nvarchar", 64, None, None, False),
           ("NVARCHAR(MAX)", "nvarchar", None, None, None, False), ("nvarchar", "nvarchar", 1, None, None, False),
           ("varchar(10)", "varchar", 10, None, None, False), ("decimal(18, 4)", "decimal", None, 18, 4, True),
           ("numeric(5)", "numeric", None, 5, 0, True), ("float", "float", None, None, None, False),
           ("float(24)", "real", None, None, None, False), ("real", "real", None, None, None, False),
           ("datetime2(3)", "datetime2", None, None, None, False), ("datetime", "datetime", None, None, None, False),
           ("datetimeoffset", "datetimeoffset", None, None, None, False), ("bit", "bit", None, None, None, False),
           ("uniqueidentifier", "uniqueidentifier", None, None, None, False), ("date", "date", None, None, None, False),
           ("varbinary(max)", "varbinary", None, None, None, False),
           ("[nvarchar](32)", "nvarchar", 32, None, None, False),
           ("ntext", "ntext", None, None, None, False), ("money", "money", None, None, None, False),
           ("char(2)", "char", 2, None, None, False), ("sql_variant", "sql_variant", None, None, None, False)],
    POSTGRES: [("integer", "integer", None, None, None, True), ("bigint", "bigint", None, None, None, True),
               ("int2", "smallint", None, None, None, True), ("text", "text", None, None, None, False),
               ("varchar(20)", "character varying", 20, None, None, False),
               ("character varying", "character varying", None, None, None, False),
               ("char(3)", "character", 3, None, None, False), ("numeric(10,2)", "numeric", None, 10, 2, False),
               ("decimal", "numeric", None, None, None, False), ("real", "real", None, None, None, False),
               ("float8", "double precision", None, None, None, False),
               ("double precision", "double precision", None, None, None, False),
               ("boolean", "boolean", None, None, None, False), ("timestamp", "timestamp", None, None, None, False),
               ("timestamptz", "timestamp with time zone", None, None, None, False),
               ("timestamp with time zone", "timestamp with time zone", None, None, None, False),
               ("uuid", "uuid", None, None, None, False), ("jsonb", "jsonb", None, None, None, False),
               ("bytea", "bytea", None, None, None, False), ("integer[]", "integer[]", None, None, None, False),
               ("date", "date", None, None, None, False), ("interval", "interval", None, None, None, False)],
}
IDENTITIES = {TSQL: [("IDENTITY(1,1)", ALWAYS), ("IDENTITY", ALWAYS), ("IDENTITY (100, 5)", ALWAYS)],
              POSTGRES: [("GENERATED ALWAYS AS IDENTITY", ALWAYS), ("GENERATED BY DEFAULT AS IDENTITY", BY_DEFAULT)]}
GAPS = [" ", "  ", "\n    ", "\t", " /* note */ ", " -- note\n    "]
PLAIN_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True).map(lambda s: "c_" + s)
QUOTED_NAMES = st.text(st.characters(min_codepoint=32, max_codepoint=0x24F, blacklist_categories=("Cs",)),
                       min_size=1, max_size=12).filter(lambda s: s == s.strip())


def quote(name: str, dialect: str) -> str:
    if dialect == TSQL:
        return "[" + name.replace("]", "]]") + "]"
    return '"' + name.replace('"', '""') + '"'


@st.composite
def create_tables(draw, dialect):
    count = draw(st.integers(1, 6))
    names = draw(st.lists(st.tuples(st.one_of(PLAIN_NAMES, QUOTED_NAMES), st.booleans()), min_size=count,
                          max_size=count, unique_by=lambda n: n[0].lower()))
    gap = lambda: draw(st.sampled_from(GAPS))  # noqa: E731
    columns, expected = [], []
    for name, force_quote in names:
        quoted = force_quote or not name.startswith("c_")
        written_name = quote(name, dialect) if quoted else name
        loaded_name = name.lower() if dialect == POSTGRES and not quoted else name
        written, type_name, length, precision, scale, integral = draw(st.sampled_from(PROPERTY_TYPES[dialect]))
        identity = draw(st.sampled_from(IDENTITIES[dialect])) if integral and draw(st.booleans()) else None
        nullability = draw(st.sampled_from([None, "NOT NULL"] if identity else [None, "NULL", "NOT NULL"]))
        defaults = [None, "DEFAULT NULL", f"CONSTRAINT df_{len(columns)} DEFAULT NULL"]
        default = None if identity else draw(st.sampled_from(defaults))
        options = [o for o in (identity and identity[0], nullability, default) if o]
        options = draw(st.permutations(options))
        columns.append(gap().join([written_name, written, *options]))
        expected.append((loaded_name, type_name, length, precision, scale, quoted,
                         nullability != "NOT NULL" and identity is None, default is not None,
                         identity and identity[1], written_name))
    key = None
    if draw(st.booleans()):
        candidates = [i for i, e in enumerate(expected) if e[6]]
        if candidates:
            key = draw(st.sampled_from(candidates))
            columns.append(f"CONSTRAINT pk PRIMARY KEY ({expected[key][9]})")
            expected[key] = expected[key][:6] + (False,) + expected[key][7:]
    # (a T-SQL name starting with # is a temporary table, brackets or not)
    table = draw(st.one_of(PLAIN_NAMES, QUOTED_NAMES).filter(lambda name: not name.startswith("#")))
    written_table = quote(table, dialect) if not table.startswith("c_") else table
    schema = draw(st.sampled_from([None, "sales"]))
    head = f"CREATE TABLE {schema + '.' if schema else ''}{written_table}"
    ending = draw(st.sampled_from([";", "", "\nGO"]))
    text = head + gap() + "(" + gap() + ("," + gap()).join(columns) + gap() + ")" + ending
    loaded_table = table.lower() if dialect == POSTGRES and table.startswith("c_") else table
    return text, schema, loaded_table, expected


def check_generated(dialect, generated):
    text, schema, table_name, expected = generated
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "generated.sql")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        catalog = load_ddl([path], dialect)
    (table,) = catalog.tables
    assert (table.schema, table.name) == (schema, table_name)
    got = [(c.name, c.type, c.length, c.precision, c.scale, c.quoted, c.nullable, c.default, c.identity)
           for c in table.columns]
    assert got == [e[:9] for e in expected], text
    lines = text.split("\n")
    for column, wanted in zip(table.columns, expected):
        assert lines[column.line - 1][column.column - 1:].startswith(wanted[9]), text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_tables(TSQL))
def test_generated_tsql_tables_load_as_written(generated):
    check_generated(TSQL, generated)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_tables(POSTGRES))
def test_generated_postgres_tables_load_as_written(generated):
    check_generated(POSTGRES, generated)


JUNK_PIECES = ["CREATE", "TABLE", "ALTER", "DROP", "ADD", "COLUMN", "CONSTRAINT", "PRIMARY KEY", "DEFAULT", "NOT",
               "NULL", "IDENTITY", "GENERATED", "ALWAYS", "AS", "IF", "EXISTS", "RENAME", "TO", "TYPE", "SET", "FOR",
               "(", ")", ",", ";", ".", "'", '"', "[", "]", "#", "--", "/*", "*/", "\n", "\nGO\n", ":r x\n", "int",
               "varchar(10)", "x", "[y]", '"Z"', "1", "$$", "BEGIN", "END", "PROCEDURE", "INHERITS", "LIKE", "WITH"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(JUNK_PIECES), st.text(max_size=4)), max_size=40),
       st.sampled_from([TSQL, POSTGRES]))
def test_junk_raises_nothing_but_input_errors(pieces, dialect):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "junk.sql")
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write("CREATE TABLE t (" + " ".join(pieces))
        try:
            load_ddl([path], dialect)
        except InputError:
            pass


def test_a_table_name_of_another_dialect_is_an_error_not_a_missing_table(tmp_path):
    (tmp_path / "t.sql").write_text("-- T-SQL\nCREATE TABLE [dbo].[Alerts] ([Id] INT NOT NULL);\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.sql:2:14: the name of this table cannot be read as PostgreSQL"):
        load_ddl([str(tmp_path / "t.sql")], POSTGRES)
    assert [t.name for t in load_ddl([str(tmp_path / "t.sql")], TSQL).tables] == ["Alerts"]


# Guards around a statement, {t} (in T-SQL as Microsoft's samples write them; in PostgreSQL
# DO blocks and transactions), {d} a nesting depth that keeps dollar quotes apart.
GUARDS = {
    TSQL: ["IF (NOT EXISTS (SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'dbo' AND TABLE_NAME = 'x'))"
           "\nBEGIN\n    {t}\nEND",
           "IF OBJECT_ID(N'dbo.x', N'U') IS NULL\n    {t}",
           "if object_id(N'dbo.x') is null\nbegin\n    {t}\nend;",
           "IF 1 = 0\n    PRINT 'skipped';\nELSE\nBEGIN\n{t}\nEND",
           "IF EXISTS (SELECT 1 FROM sys.tables WHERE name = 'x')\n    PRINT N'there'\nELSE\n    {t}",
           "BEGIN TRY\n    {t}\nEND TRY\nBEGIN CATCH\n    PRINT ERROR_MESSAGE();\n    THROW;\nEND CATCH",
           "BEGIN TRANSACTION;\n{t}\nCOMMIT TRANSACTION;",
           "IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name = 'x')\nBEGIN\n    BEGIN\n{t}\n    END\nEND"],
    POSTGRES: ["DO $g{d}$\nBEGIN\n    {t}\nEND\n$g{d}$;",
               "DO $g{d}$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'x') THEN\n    {t}\n"
               "  END IF;\nEXCEPTION WHEN duplicate_table THEN\n  RAISE NOTICE 'x is there';\nEND\n$g{d}$;",
               "do language plpgsql $g{d}$ begin {t} end $g{d}$;",
               "BEGIN;\n{t}\nCOMMIT;"],
}


@st.composite
def guarded_tables(draw, dialect):
    """(text without guards, the same tables each in random guards, expected of each table)."""
    generated = draw(st.lists(create_tables(dialect), min_size=1, max_size=3,
                              unique_by=lambda g: ((g[1] or "").lower(), g[2].lower())))
    plain, guarded = [], []
    for text, _schema, _table, _expected in generated:
        plain.append(text)
        wrapped = text
        for depth in range(draw(st.integers(1, 3))):
            guard = draw(st.sampled_from(GUARDS[dialect]))
            if f"$g{depth}$" in wrapped:   # a quoted name holding the dollar quote
                continue
            wrapped = guard.replace("{d}", str(depth)).replace("{t}", wrapped)
        guarded.append(wrapped)
    return "\n".join(plain), "\n".join(guarded), [g[1:] for g in generated]


def catalog_of(text: str, dialect: str):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "generated.sql")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return load_ddl([path], dialect)


def check_guarded(dialect, drawn):
    plain, guarded, tables = drawn
    without, within = catalog_of(plain, dialect), catalog_of(guarded, dialect)
    content = [[(t.schema, t.name, [c._replace(line=None, column=None) for c in t.columns]) for t in c.tables]
               for c in (without, within)]
    assert content[0] == content[1], guarded
    assert [(t.schema, t.name) for t in within.tables] == [(schema, name) for schema, name, _ in tables]
    assert within.notes == () and without.notes == ()
    lines = guarded.split("\n")
    for table, (_schema, _name, expected) in zip(within.tables, tables):
        assert lines[table.line - 1][table.column - 1:].upper().startswith("CREATE TABLE"), guarded
        for column, wanted in zip(table.columns, expected):
            assert lines[column.line - 1][column.column - 1:].startswith(wanted[9]), guarded


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(guarded_tables(TSQL))
def test_generated_tsql_tables_in_guards_load_as_without(drawn):
    check_guarded(TSQL, drawn)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(guarded_tables(POSTGRES))
def test_generated_postgres_tables_in_guards_load_as_without(drawn):
    check_guarded(POSTGRES, drawn)
