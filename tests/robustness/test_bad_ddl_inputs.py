"""The bad input matrix for SQL DDL, the CREATE TABLE scripts of SQL outputs: every way a DDL
file can be wrong, huge or strange, through the command line; then what the fuzzing found.

Each case asserts what a user sees: exit code 2 for an input that cannot be used, one line
on stderr `schemacheck: error: FILE[:LINE[:COLUMN]]: what is wrong...`, never a traceback or
an "internal error", and, where a report goes to `--output FILE`, either the whole new
report or the old file untouched, with no `.schemacheck-*` temporary file left beside it.
The other inputs are in test_bad_inputs.py; the helpers of both in tests/support/bad_inputs.py.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from conftest import run_cli
from support.bad_inputs import (
    assert_clean,
    assert_one_error,
    assert_report_untouched,
    report_fixture,  # noqa: F401  (the fixture report)
    run_process,
)
from support.files import write_at as write

# ---- SQL DDL: the CREATE TABLE scripts of SQL outputs ----------------------------------------
#
# A lone query with a SQL output (`--target out=sql:dbo.T`, `postgresql:public.t`) and its
# DDL given by --schema: what is not DDL is one error line naming the file (and the line and
# column where there is one), exit code 2; DDL that can be read is compared, exit 0 or 1.

SQL_QUERY = "SELECT CAST(a AS bigint) AS a, CAST(b AS nvarchar(max)) AS b\nINTO out\nFROM i\n"
TSQL_TABLE = "CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  b nvarchar(50) NULL\n);\n"
POSTGRES_TABLE = "CREATE TABLE public.t (\n  a bigint NOT NULL,\n  b text NULL\n);\n"
SQL_TARGETS = {"tsql": "out=sql:dbo.T", "postgres": "out=postgresql:public.t"}
# The words of each dialect's SqlCatalogs hint, which an error about the DDL ends with.
DIALECT_HINT = "keep each dialect's DDL in its own folder"


def sql_check(tmp_path: Path, ddl, *more: str, dialect: str = "tsql", name: str = "t.sql",
              query: str = SQL_QUERY) -> tuple[int, str, str, str]:
    """`check q.asaql --schema DDL --target out=KIND:TABLE --format json`: (code, out, err, the DDL's path)."""
    schema = write(tmp_path / "ddl" / name, ddl) if ddl is not None else str(tmp_path / "ddl" / name)
    path = write(tmp_path / "q.asaql", query)
    code, out, err = run_cli("check", path, "--schema", schema, "--target", SQL_TARGETS[dialect],
                             "--format", "json", "--no-cache", *more)
    return code, out, err, schema


def sql_findings(out: str) -> list[tuple]:
    """(code, line, column, table column) of each finding, and each output's status and table file."""
    (entry,) = json.loads(out)["files"]
    return [(o["status"], os.path.basename(o["table_file"] or "")) for o in entry["outputs"]] + \
        [(d["code"], d["line"], d["column"], d.get("table_column")) for d in entry["diagnostics"]]


@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_a_sql_table_that_fits_is_compared(tmp_path, dialect):
    code, out, err, _ = sql_check(tmp_path, {"tsql": TSQL_TABLE, "postgres": POSTGRES_TABLE}[dialect],
                                  dialect=dialect)
    assert_clean(out, err)
    assert err == ""
    expected = {"tsql": (0, [("compared", "t.sql"), ("SC202", 1, 32, "b")]),   # nvarchar(max) into nvarchar(50)
                "postgres": (0, [("compared", "t.sql")])}[dialect]
    assert (code, sql_findings(out)) == expected


@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_a_missing_ddl_file_given_by_schema(tmp_path, report, dialect):
    code, out, err, schema = sql_check(tmp_path, None, dialect=dialect)
    assert_one_error(code, out, err, schema, "no such file")
    assert out == ""
    code, out, err, schema = sql_check(tmp_path, None, "--output", str(report), dialect=dialect)
    assert_one_error(code, out, err, schema, "no such file")
    assert_report_untouched(report)


@pytest.mark.parametrize("content", ["", "   \r\n\t\n  ", "-- nothing here yet\n", "\ufeff"])
@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_an_empty_ddl_file_defines_no_table(tmp_path, content, dialect):
    # An empty (or blank) script defines nothing: the output has no table to compare with (SC402).
    code, out, err, _ = sql_check(tmp_path, content, dialect=dialect)
    assert_clean(out, err)
    assert code == 0 and err == ""
    assert sql_findings(out) == [("no-table", ""), ("SC402", 2, 6, None), ("SC406", 2, 6, None)]
    no_table, nothing = json.loads(out)["files"][0]["diagnostics"]
    assert "CREATE TABLE is loaded: add its .sql files" in no_table["message"]
    assert nothing["message"].startswith("0 of 1 output compared: no table schema loaded")


@pytest.mark.parametrize("content, where, words", [
    (bytes(range(256)) * 4, ":1:1", "looks like a binary file (NUL byte)"),
    (b"CREATE TABLE dbo.T (\n  a bigint NOT NULL, -- caf\xe9\n  b nvarchar(50)\n);\n", ":2:28",
     "not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    (b"CREATE TABLE dbo.T (\n  a bigint\x00 NOT NULL\n);\n", ":2:11", "looks like a binary file (NUL byte)"),
    (codecs.BOM_UTF16_LE + TSQL_TABLE.encode("utf-16-le")[:-1], "", "not valid UTF-16 text"),
])
@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_ddl_bytes_that_are_not_text(tmp_path, report, content, where, words, dialect):
    code, out, err, schema = sql_check(tmp_path, content, dialect=dialect)
    assert_one_error(code, out, err, schema + where, words)
    assert out == ""
    code, out, err, schema = sql_check(tmp_path, content, "--output", str(report), dialect=dialect)
    assert_one_error(code, out, err, schema + where, words)
    assert_report_untouched(report)


@pytest.mark.parametrize("content", [None, b"\x00\x01\x02", b"CREATE TABLE dbo.T (caf\xe9 int)"])
def test_an_error_that_is_not_about_the_dialect_has_no_dialect_hint(tmp_path, content):
    code, out, err, schema = sql_check(tmp_path, content)
    where = err[len("schemacheck: error: "):].split(": ", 1)[0]   # the file, with its line:column if any
    assert where.startswith(schema)
    assert_one_error(code, out, err, where)
    assert DIALECT_HINT not in err


# Each encoding and line end of the same DDL: the same findings; a broken one, the same error.
BROKEN_TSQL = "-- the table\nCREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  b nvarchar(50) NOT NOT NULL\n);\n"
DDL_ENCODINGS = {
    "utf8": lambda text: text.encode("utf-8"),
    "utf8-bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "utf16-le-crlf": lambda text: codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
    "utf16-be-crlf": lambda text: codecs.BOM_UTF16_BE + text.replace("\n", "\r\n").encode("utf-16-be"),
    "utf16-le": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
}


@pytest.mark.parametrize("encoding", list(DDL_ENCODINGS))
@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_every_ddl_encoding_and_line_end_gives_the_same_findings(tmp_path, encoding, dialect):
    table = {"tsql": TSQL_TABLE, "postgres": POSTGRES_TABLE}[dialect]
    # A NOT NULL column the query does not write (SC107), a column the table does not have (SC101).
    query = "SELECT CAST(b AS nvarchar(max)) AS b, 1 AS c\nINTO out\nFROM i\n"
    expected = sql_check(tmp_path / "utf8", table, dialect=dialect, query=query)[:3]
    code, out, err, _ = sql_check(tmp_path / encoding, DDL_ENCODINGS[encoding](table), dialect=dialect, query=query)
    assert_clean(out, err)
    assert code == expected[0] == 1 and err == expected[2] == ""
    assert sql_findings(out) == sql_findings(expected[1])
    assert {f[0] for f in sql_findings(out)[1:]} >= {"SC107", "SC101"}


@pytest.mark.parametrize("encoding", list(DDL_ENCODINGS) + [
    "cr"])
def test_every_ddl_encoding_and_line_end_gives_the_same_error_at_the_same_place(tmp_path, encoding):
    encode = DDL_ENCODINGS.get(encoding, lambda text: text.replace("\n", "\r").encode("utf-8"))
    code, out, err, schema = sql_check(tmp_path, encode(BROKEN_TSQL))
    assert_one_error(code, out, err, schema + ":4:3", "cannot parse this column definition of table dbo.T")
    assert "'NOT' (4:18)" in err


@pytest.mark.parametrize("encoding", list(DDL_ENCODINGS))
def test_every_ddl_encoding_gives_the_same_table_and_column_positions(tmp_path, encoding):
    from schemacheck.sql.ddl import load_ddl

    text = "-- the table\n" + TSQL_TABLE.replace("b nvarchar", "[b] nvarchar")
    path = write(tmp_path / "t.sql", DDL_ENCODINGS[encoding](text))
    (table,) = load_ddl([path], "tsql").tables
    assert (table.line, table.column) == (2, 1)
    assert [(c.name, c.line, c.column, c.quoted) for c in table.columns] == [("a", 3, 3, False), ("b", 4, 3, True)]


# A string, quoted name or comment left open: the error is where it opens.
@pytest.mark.parametrize("ddl, dialect, where", [
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  b nvarchar(50) DEFAULT 'abc\n);\n", "tsql", ":3:26"),
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  b nvarchar(50) DEFAULT N'abc\n);\n", "tsql", ":3:26"),
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  [b nvarchar(50)\n);\n", "tsql", ":3:3"),
    ('CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  "b nvarchar(50)\n);\n', "tsql", ":3:3"),
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL, /* b\n  b nvarchar(50)\n);\n", "tsql", ":2:22"),
    ("CREATE TABLE public.t (\n  a bigint NOT NULL,\n  b text DEFAULT 'abc\n);\n", "postgres", ":3:18"),
    ("CREATE TABLE public.t (\n  a bigint NOT NULL,\n  b text DEFAULT $$abc\n);\n", "postgres", ":3:18"),
    ('CREATE TABLE public.t (\n  a bigint NOT NULL,\n  "b text\n);\n', "postgres", ":3:3"),
    ("CREATE TABLE public.t (\n  a bigint NOT NULL, /* b\n  b text\n);\n", "postgres", ":2:22"),
])
def test_an_unterminated_string_name_or_comment_in_ddl(tmp_path, ddl, dialect, where):
    code, out, err, schema = sql_check(tmp_path, ddl, dialect=dialect)
    assert_one_error(code, out, err, schema + where, "look for a string, quoted name or comment that is not closed")


@pytest.mark.parametrize("ddl, dialect, where, words", [
    (BROKEN_TSQL, "tsql", ":4:3", "sqlglot cannot parse this column definition of table dbo.T as T-SQL: Expecting )"),
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  b\n);\n", "tsql", ":3:3", "column b of table dbo.T has no type"),
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL,,\n  b int\n);\n", "tsql", ":2:21",
     "an empty element in the column list of table dbo.T (a comma too many?)"),
    ("CREATE TABLE dbo.T (\n  a bigint NOT NULL,\n  b nvarchar(50)\n", "tsql", ":1:20",
     "the column list of table dbo.T has no closing ')'"),
    ("CREATE TABLE public.t (\n  a bigint NOT NULL,\n  b text DEFAULT 1 +\n);\n", "postgres", ":3:3",
     "sqlglot cannot parse this column definition of table public.t as PostgreSQL"),
    ("CREATE TABLE public.t (a bigint);\nALTER TABLE public.t ADD COLUMN b text NOT NOT NULL;\n", "postgres", ":2:33",
     "sqlglot cannot parse this column definition of table public.t as PostgreSQL"),
    ("CREATE TABLE dbo.T (a bigint)\nGO\nALTER TABLE dbo.T ALTER COLUMN a bigint NOT NOT NULL\n", "tsql", ":3:32",
     "sqlglot cannot parse this column definition of table dbo.T as T-SQL"),
])
def test_a_broken_column_definition(tmp_path, ddl, dialect, where, words):
    code, out, err, schema = sql_check(tmp_path, ddl, dialect=dialect)
    assert_one_error(code, out, err, schema + where, words)


def test_a_broken_ddl_file_in_a_folder_and_in_an_outputs_own_schemas(tmp_path, report):
    """The error names the file in a folder given by --schema, and in `[outputs.ALIAS]
    schemas` of the configuration, where the old report stays."""
    write(tmp_path / "db" / "001_create.sql", TSQL_TABLE)
    broken = write(tmp_path / "db" / "002_alter.sql", "ALTER TABLE dbo.T ADD c nvarchar(\n")
    query = write(tmp_path / "q.asaql", SQL_QUERY)
    code, out, err = run_cli("check", query, "--schema", str(tmp_path / "db"), "--target", "out=sql:dbo.T")
    assert_one_error(code, out, err, broken + ":1:23", "cannot parse this column definition of table dbo.T")
    write(tmp_path / "schemacheck.toml", f'[outputs.out]\nkind = "synapse"\ntable = "dbo.T"\n'
                                         f'schemas = ["{(tmp_path / "db").as_posix()}"]\n')
    code, out, err = run_cli("check", query, "--output", str(report), "--format", "json", "--no-cache")
    assert_one_error(code, out, err, broken + ":1:23", "cannot parse this column definition of table dbo.T")
    assert_report_untouched(report)


def test_tsql_ddl_read_as_postgresql(tmp_path):
    # A T-SQL file given to a postgresql output: its bracketed name is not PostgreSQL.
    ddl = "CREATE TABLE [dbo].[T] (\n  [a] BIGINT NOT NULL,\n  [b] NVARCHAR(50) NULL\n) ON [PRIMARY]\nGO\n"
    code, out, err, schema = sql_check(tmp_path, ddl, dialect="postgres")
    assert_one_error(code, out, err, schema + ":1:14", "the name of this table cannot be read as PostgreSQL; "
                     "is the file written for another database?", "PostgreSQL is read for PostgreSQL outputs")
    # Without brackets it reads: the table dbo.t, whose NVARCHAR(50) ASA does not write (SC201).
    plain = "CREATE TABLE dbo.T (\n  a BIGINT NOT NULL,\n  b NVARCHAR(50) NULL\n)\nGO\n"
    path = write(tmp_path / "q.asaql", SQL_QUERY)
    code, out, err = run_cli("check", path, "--schema", write(tmp_path / "plain" / "t.sql", plain),
                             "--target", "out=postgresql:dbo.t", "--format", "json", "--no-cache")
    assert_clean(out, err)
    assert code == 1 and err == ""
    assert sql_findings(out) == [("compared", "t.sql"), ("SC201", 1, 32, "b")]


def test_postgresql_ddl_read_as_tsql(tmp_path):
    ddl = "CREATE TABLE public.t (\n  a bigint GENERATED ALWAYS AS IDENTITY,\n  b text[] NOT NULL\n);\n"
    code, out, err, schema = sql_check(tmp_path, ddl)
    assert_one_error(code, out, err, schema + ":3:3", "cannot parse this column definition of table public.t as "
                     "T-SQL", "T-SQL is read for Azure SQL Database and Synapse outputs")


@pytest.mark.parametrize("target, words", [
    ("out=nosuchkind:dbo.T", "'nosuchkind' is not a kind of table schemacheck checks (adx, sql, synapse, postgresql, delta)"),
    ("out=sql:", "expected ALIAS=sql:TABLE"),
    ("out=postgresql:   ", "expected ALIAS=postgresql:TABLE"),
    ("=sql:dbo.T", "expected ALIAS=TABLE"),
])
def test_a_bad_sql_target_is_a_usage_error(tmp_path, target, words):
    schema = write(tmp_path / "t.sql", TSQL_TABLE)
    query = write(tmp_path / "q.asaql", SQL_QUERY)
    code, out, err = run_cli("check", query, "--schema", schema, "--target", target)
    assert_one_error(code, out, err, f"--target {target!r}", words)
    assert out == ""


def test_a_create_table_of_10000_columns(tmp_path):
    """10,000 columns (in both dialects), and a query that writes them all with one slip
    at the end: SC101 for it (did you mean?) and SC103 for the column it leaves out. Took
    about 2.5 s as a process here."""
    count = 10_000
    items = [f"CAST(c{k} AS bigint) AS c{k}" for k in range(count)]
    items[-1] = f"CAST(c{count - 1} AS bigint) AS c{count - 1}x"   # a column the table does not have
    query = write(tmp_path / "wide.asaql", "SELECT " + ",\n".join(items) + "\nINTO out FROM i\n")
    columns = ",\n".join(f"  c{k} bigint NULL" for k in range(count))
    for dialect, target in (("tsql", "out=sql:dbo.Wide"), ("postgres", "out=postgresql:public.wide")):
        schema = write(tmp_path / dialect / "wide.sql", f"CREATE TABLE {target.split(':')[1]} (\n{columns}\n);\n")
        code, out, err = run_process("check", query, "--schema", schema, "--target", target, "--format", "json",
                                     "--no-cache")
        assert_clean(out, err)
        assert code == 1 and err == ""
        assert sql_findings(out) == [("compared", "wide.sql"), ("SC101", count, 1, None),
                                     ("SC103", count + 1, 6, f"c{count - 1}")], dialect
        assert f"c{count - 1}?" in json.loads(out)["files"][0]["diagnostics"][0]["message"]


def test_1000_tables_in_one_file(tmp_path):
    ddl = "".join(f"CREATE TABLE dbo.T{k} (\n  a bigint NOT NULL,\n  b nvarchar(max) NULL\n)\nGO\n"
                  for k in range(1000))
    schema = write(tmp_path / "tables.sql", ddl)
    query = write(tmp_path / "q.asaql", SQL_QUERY)
    for table, expected in (("dbo.T0", [("compared", "tables.sql")]), ("dbo.T999", [("compared", "tables.sql")]),
                            ("dbo.T1000", [("table-missing", ""), ("SC501", 2, 6, None)])):
        code, out, err = run_cli("check", query, "--schema", schema, "--target", f"out=sql:{table}",
                                 "--format", "json", "--no-cache")
        assert_clean(out, err)
        assert err == "" and code == (1 if expected[0][0] == "table-missing" else 0)
        assert sql_findings(out) == expected
    assert "did you mean dbo.T100" in out


DEEP_DEFAULT = {
    "tsql": lambda depth: f"CREATE TABLE dbo.T (\n  a bigint NOT NULL DEFAULT {'(' * depth}0{')' * depth},\n"
                          "  b nvarchar(max) NULL\n)\n",
    "postgres": lambda depth: f"CREATE TABLE public.t (\n  a bigint NOT NULL DEFAULT {'(' * depth}0{')' * depth},\n"
                              "  b text NULL\n);\n",
}


@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_a_default_in_40_parentheses_is_read(tmp_path, dialect):
    code, out, err, _ = sql_check(tmp_path, DEEP_DEFAULT[dialect](40), dialect=dialect)
    assert_clean(out, err)
    assert code == 0 and err == "" and sql_findings(out) == [("compared", "t.sql")]


@pytest.mark.parametrize("depth", [100, 10_000])
@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
def test_deep_parentheses_in_a_default_in_a_real_process(tmp_path, dialect, depth):
    """Read (the DEFAULT does not change what the column holds), or refused in one line
    that says what is wrong: never a Python exception's name."""
    schema = write(tmp_path / "t.sql", DEEP_DEFAULT[dialect](depth))
    query = write(tmp_path / "q.asaql", SQL_QUERY)
    code, out, err = run_process("check", query, "--schema", schema, "--target", SQL_TARGETS[dialect],
                                 "--format", "json", "--no-cache")
    if code == 2:
        assert_one_error(code, out, err, schema + ":2:3")
    else:
        assert_clean(out, err)
        assert code == 0 and err == "" and sql_findings(out) == [("compared", "t.sql")]


# ---- SQL DDL: what the fuzzing found (tests/robustness/test_fuzz.py, fuzz/run.py --kinds ddl) ----

@pytest.mark.parametrize("command", ["check", "suggest"])
@pytest.mark.parametrize("written", ["[int]", "[nvarchar](64)", "[dbo].[PhoneType]"])
def test_a_not_null_column_whose_type_is_in_brackets_and_not_written(tmp_path, command, written):
    schema = write(tmp_path / "t.sql", f"CREATE TABLE [dbo].[T] (\n  [a] {written} NOT NULL,\n  [b] int NULL\n)\n")
    query = write(tmp_path / "q.asaql", "SELECT CAST(v AS bigint) AS b\nINTO out\nFROM i\n")
    code, out, err = run_cli(command, query, "--schema", schema, "--target", "out=sql:dbo.T", "--no-cache")
    assert_clean(out, err)
    assert err == "" and code == (1 if command == "check" else 0)
    assert "ALTER TABLE [dbo].[T] ALTER COLUMN [a] " in out and "NULL;" in out


@pytest.mark.parametrize("ddl, dialect, where", [
    ("CREATE TABLE [Order\nLines] (\n  a bigint\n", "tsql", ":2:8"),
    ('CREATE TABLE "order\nlines" (\n  a bigint\n', "postgres", ":2:8"),
    ("CREATE TABLE dbo.T (\n  [a\nb]\n)\n", "tsql", ":2:3"),
    ('CREATE TABLE t (\n  a int,\n  "\n"\n)\n', "postgres", ":3:3"),
])
def test_a_name_with_a_line_break_in_an_error_keeps_it_to_one_line(tmp_path, ddl, dialect, where):
    code, out, err, schema = sql_check(tmp_path, ddl, dialect=dialect)
    assert_one_error(code, out, err, schema + where)


# What sqlglot raises besides a ParseError, and what its tokenizer raises at the end of the
# text: `id` names what the message shows today (ddl.py passes on str(error), and
# f"{type(error).__name__}: {error}" for an exception that is not a ParseError).
SQLGLOT_FAILURES = [
    pytest.param("CREATE TABLE dbo.T (\n  a bigint NOT NULL, /* b\n  b int\n", "tsql", ":2:22",
                 id="comment-left-open-at-the-end: string index out of range"),
    pytest.param("CREATE TABLE [", "tsql", ":1:14", id="bracket-at-the-end: string index out of range"),
    pytest.param('CREATE TABLE "', "postgres", ":1:14", id="quote-at-the-end: string index out of range"),
    pytest.param("CREATE TABLE t (\n  [.[\n)", "postgres", ":2:3",
                 id="AttributeError: 'NoneType' object has no attribute 'name'"),
    pytest.param("CREATE TABLE dbo.T (\n  a int,\n  5[[]\n)", "tsql", ":3:3", id="TokenError: Error tokenizing"),
    pytest.param("CREATE TABLE t (\n  a int DEFAULT 1 +\n)", "postgres", ":2:3",
                 id="Required keyword: 'expression' missing for <class 'sqlglot.expressions.core.Add'>"),
    pytest.param("CREATE TABLE dbo.T (\n  a AS (b " + "+ +" * 400 + " 1)\n)", "tsql", ":2:3",
                 id="a long chain of signs: RecursionError: maximum recursion depth exceeded"),
    pytest.param("CREATE TABLE t (\n  a int REFERENCES +\n)", "postgres", ":2:3",
                 id="Expected table name but got <Token token_type: TokenType.PLUS, text: +, line: 1, col: 34"),
    pytest.param("CREATE TABLE t (\n  a PARTITION OF\n)", "postgres", ":2:3",
                 id="UnboundLocalError: cannot access local variable 'expression'"),
]


@pytest.mark.parametrize("ddl, dialect, where", SQLGLOT_FAILURES)
def test_what_sqlglot_fails_on_is_one_line_at_its_place(tmp_path, ddl, dialect, where):
    code, out, err, schema = sql_check(tmp_path, ddl, dialect=dialect)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"schemacheck: error: {schema}{where}: "), err


@pytest.mark.parametrize("ddl, dialect, where", SQLGLOT_FAILURES)
def test_what_sqlglot_fails_on_is_said_without_python_words(tmp_path, ddl, dialect, where):
    from support.fuzzing import message_leaks

    code, out, err, schema = sql_check(tmp_path, ddl, dialect=dialect)
    assert_one_error(code, out, err, schema + where)
    assert not message_leaks(err), err


@pytest.mark.parametrize("before", ["PRINT N'Creating dbo.T...'\n", "GO\nPRINT 'x'\n", "SET NOCOUNT ON;\nPRINT 'x'\n"])
def test_a_create_table_after_print_without_a_semicolon_is_read(tmp_path, before):
    code, out, err, _ = sql_check(tmp_path, before + TSQL_TABLE + "GO\n")
    assert_clean(out, err)
    assert err == "" and sql_findings(out) == [("compared", "t.sql"), ("SC202", 1, 32, "b")]


@pytest.mark.parametrize("to_file", [False, True])
def test_a_lone_surrogate_from_a_json_escape_is_printed_escaped(tmp_path, to_file):
    # json.loads turns "\ud800" into a lone surrogate, which UTF-8 cannot encode: the report
    # shows it as an escape instead of failing (stdout of a real process, or --output).
    schema = write(tmp_path / "schemas" / "t.json", '{"Name": "T", "OrderedColumns": [{"Name": "a\\ud800", '
                                                    '"CslType": "string"}]}')
    query = write(tmp_path / "q.asaql", "SELECT CAST(x AS nvarchar(max)) AS b INTO T FROM i\n")
    report = tmp_path / "report.json"
    args = ["check", query, "--schema", schema, "--format", "json"] + (["--output", str(report)] if to_file else [])
    code, out, err = run_process(*args)
    assert_clean(out, err)
    assert code == 1, err   # b is not a column of T (SC101)
    text = report.read_text(encoding="utf-8") if to_file else out
    assert "a\\ud800" in text   # the JSON string holds the escape
    assert json.loads(text)["files"][0]["diagnostics"]
