"""The DDL reader (schemacheck.sql.ddl): malformed DDL is an InputError naming the place, and
the properties (hypothesis, and mutations of the fixtures): generated tables load as written,
in guards or not; junk and mutated scripts raise nothing but InputError.
"""

from __future__ import annotations

import os
import random
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.sql_ddl import CASES, DDL, load_text

from schemacheck.errors import InputError
from schemacheck.sql.ddl import load_ddl
from schemacheck.sql.schema import ALWAYS, BY_DEFAULT, POSTGRES, TSQL

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
