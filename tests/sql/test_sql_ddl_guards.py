"""The DDL reader (schemacheck.sql.ddl) on deployment scripts: a table inside IF ... BEGIN ...
END (T-SQL) or a DO block (PostgreSQL) is read like one at the top; a statement skipped that
might define or change a table is a note, never lost in silence.
"""

from __future__ import annotations

import pickle

import pytest
from support.sql_ddl import load_text

from schemacheck.sql.schema import POSTGRES, TSQL, DdlNote, SqlCatalog

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
