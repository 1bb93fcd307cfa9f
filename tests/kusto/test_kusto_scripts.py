"""Saved Kusto table schemas as KQL scripts (schemacheck.kusto.scripts):

3. KQL script semantics, in script order.

The other formats are test_kusto_files.py's.
"""

from __future__ import annotations

import pytest
from support.kusto_files import at, cols, load_error, load_text, name_types, position

from schemacheck.kusto.schema import TableSchema
from schemacheck.kusto.scripts import parse_csl_schema, parse_script

# ---- helpers ---------------------------------------------------------------------------------


def by_name(tables: list[TableSchema]) -> dict[str, TableSchema]:
    names = [t.name for t in tables]
    assert len(set(names)) == len(names), names
    return {t.name: t for t in tables}


# ---- 3. KQL script semantics -----------------------------------------------------------------


def script(tmp_path, text: str, name: str = "s.kql") -> dict[str, TableSchema]:
    return by_name(load_text(tmp_path, name, text))


def test_create_then_create_merge_adds_missing_columns(tmp_path):
    tables = script(tmp_path, ".create table T (a: int, b: string) with (folder = 'F', docstring = 'D')\n"
                              ".create-merge table T (b: string, c: real)\n"
                              ".create-merge table U (x: guid)\n")
    t = tables["T"]
    assert cols(t) == [("a", "int", "int", 1), ("b", "string", "string", 1), ("c", "real", "real", 2)]
    assert (t.line, t.folder, t.docstring) == (1, "F", "D")
    assert cols(tables["U"]) == [("x", "guid", "guid", 3)]


def test_create_table_twice_identically_is_fine_with_other_columns_an_error(tmp_path):
    assert cols(script(tmp_path, ".create table T (a: int)\n.create table T (a: int32)\n")["T"]) == \
        [("a", "int", "int", 1)]
    text = ".create table T (a: int)\n.create table T (a: long)\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == position(text, "T", 1)
    assert "already created" in error.message


def test_alter_table_replaces_columns(tmp_path):
    t = script(tmp_path, ".create table T (a: int, b: string)\n.alter table T (b: string, c: bool)\n")["T"]
    assert cols(t) == [("b", "string", "string", 2), ("c", "bool", "bool", 2)]
    assert t.line == 2


def test_alter_merge_adds_columns(tmp_path):
    t = script(tmp_path, ".create table T (a: int)\n.alter-merge table T (a: int, z: dynamic)\n")["T"]
    assert cols(t) == [("a", "int", "int", 1), ("z", "dynamic", "dynamic", 2)]


def test_alter_and_alter_merge_define_a_table_not_seen_before(tmp_path):
    tables = script(tmp_path, ".alter table A (x: int)\n.alter-merge table B (y: long)\n")
    assert name_types(tables["A"]) == [("x", "int")] and name_types(tables["B"]) == [("y", "long")]


def test_alter_column_changes_the_type(tmp_path):
    t = script(tmp_path, ".create table T (a: int, b: string)\n.alter column T.a type = int64\n"
                         ".alter column ['T'].['b'] type=dynamic\n")["T"]
    assert cols(t) == [("a", "long", "int64", 1), ("b", "dynamic", "dynamic", 1)]


def test_drop_column_and_drop_table_columns(tmp_path):
    t = script(tmp_path, ".create table T (a: int, b: string, c: real, d: bool)\n"
                         ".drop column T.b\n.drop table T columns (a, ['d'])\n")["T"]
    assert name_types(t) == [("c", "real")]


def test_rename_column_and_rename_table(tmp_path):
    tables = script(tmp_path, ".create table T (a: int, b: string)\n"
                              ".rename column T.a to ['A 1']\n"
                              ".rename table T to ['T-2']\n"
                              ".alter-merge table ['T-2'] (c: long)\n")
    assert list(tables) == ["T-2"]
    t = tables["T-2"]
    assert name_types(t) == [("A 1", "int"), ("b", "string"), ("c", "long")]
    assert t.line == 1


def test_drop_table_and_drop_tables(tmp_path):
    tables = script(tmp_path, ".create table A (x: int)\n.create table B (x: int)\n.create table C (x: int)\n"
                              ".drop table A\n.drop tables (B, Missing) ifexists\n.drop table Nowhere ifexists\n")
    assert list(tables) == ["C"]


def test_dropped_table_can_be_created_again(tmp_path):
    t = script(tmp_path, ".create table A (x: int)\n.drop table A\n.create table A (y: string)\n")["A"]
    assert cols(t) == [("y", "string", "string", 3)]
    assert t.line == 3


def test_create_tables_and_database_qualified_names(tmp_path):
    tables = script(tmp_path, ".create-merge tables A (x: int), Db.B (y: string) with (folder = 'Both')\n"
                              ".alter-merge table db.B (z: long)\n.alter column DB.B.y type=guid\n")
    assert tables["A"].folder == tables["B"].folder == "Both"
    b = tables["B"]
    assert b.database == "Db" and b.qualified_name == "Db/B"
    assert name_types(b) == [("y", "guid"), ("z", "long")]


def test_quoted_names_and_keywords_as_names(tmp_path):
    text = ('.create table [\'my table\'] (["col.one"]: int, [ \'col two\' ]: string, [\'x-y\']: real)\n'
            ".create table K (table: string, type: int, with: long, to: real, columns: bool, ifexists: guid)\n")
    tables = script(tmp_path, text)
    assert name_types(tables["my table"]) == [("col.one", "int"), ("col two", "string"), ("x-y", "real")]
    assert [c.name for c in tables["K"].columns] == ["table", "type", "with", "to", "columns", "ifexists"]


def test_command_words_are_case_insensitive(tmp_path):
    t = script(tmp_path, ".CREATE TABLE T (a: INT)\n.Alter-Merge Table T (b: String)\n")["T"]
    assert cols(t) == [("a", "int", "INT", 1), ("b", "string", "String", 2)]


def test_with_properties(tmp_path):
    t = script(tmp_path, '.create table T (a: int) with (DocString = "Say \\"hi\\"", Folder = @"A\\B")\n')["T"]
    assert (t.docstring, t.folder) == ('Say "hi"', "A\\B")


def test_skipped_commands_do_not_break_anything(tmp_path):
    text = """// Policies, mappings, functions and queries are not table definitions.
.create table T (a: int, b: string)
.alter table T policy retention softdelete = 10d recoverability = disabled
.alter-merge table T policy merge '{"MaxRangeInHours": 48}'
.alter table T policy update @'[{"IsEnabled": true, "Source": "Raw", "Query": "Parse(\\"x\\")"}]'
.alter table T docstring "The T table"
.alter table T folder "Logs"
.alter table T column-docstrings (a: "the a column")
.alter column T.a docstring "still an int"
.create table T ingestion csv mapping "TCsv" '[{"column":"a","Properties":{"Ordinal":"0"}}]'
.create-or-alter table T ingestion json mapping "TJson" '[{"column":"b","Properties":{"Path":"$.b"}}]'
.drop table T ingestion csv mapping "TCsv"
.create-or-alter function with (folder = "F") Recent(since: timespan) {
    T
    | where a > 0
}
.create materialized-view with (backfill = true) TView on table T { T | summarize count() by b }
.create external table Ext (x: int) kind=storage dataformat=csv (h@'https://example.blob.core.windows.net/c')
.set-or-append T <| print a = 1, b = "x"
.ingest inline into table T <| 1,x
.show table T schema as json
.execute database script <|
.create-merge table U (c: real)

T
| take 10
print now()

// A trailing comment.
"""
    tables = script(tmp_path, text)
    assert list(tables) == ["T", "U"]
    assert cols(tables["T"]) == [("a", "int", "int", 2), ("b", "string", "string", 2)]
    assert tables["T"].folder is None
    assert cols(tables["U"]) == [("c", "real", "real", 23)]


def test_query_glued_to_a_command_is_an_error(tmp_path):
    # Without a blank line, the query is part of the command (as Kusto would read it too).
    text = ".create table T (a: int)\nT\n| take 10\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == (2, 1)


def test_command_split_over_lines_with_blank_lines_inside_parentheses(tmp_path):
    text = ".create table T\n(\n    a: int,   // the key\n\n    ['b c']:\n        string\n)\nwith (folder = 'F')\n"
    t = script(tmp_path, text)["T"]
    assert cols(t) == [("a", "int", "int", 3), ("b c", "string", "string", 5)]
    assert (t.line, t.folder) == (1, "F")


@pytest.mark.parametrize("separator", ["\n", "\n\n", "\n   \n", "\r\n", "\n// note\n", "\n\t"])
def test_commands_separated_by_blank_lines_or_not(tmp_path, separator):
    tables = script(tmp_path, ".create table A (x: int)" + separator + ".create table B (y: long)\n")
    assert name_types(tables["A"]) == [("x", "int")] and name_types(tables["B"]) == [("y", "long")]


def test_script_with_leading_blank_lines_and_indentation(tmp_path):
    tables = script(tmp_path, "\n\n   .create table A (x: int)\n")
    assert cols(tables["A"]) == [("x", "int", "int", 3)]
    assert tables["A"].line == 3


@pytest.mark.parametrize("text,needle,words", [
    (".create table T (a: int, b)\n", ")", "expected ':'"),
    (".create table T (a int)\n", "int", "expected ':'"),
    (".create table T (a: int,)\n", ")", "expected a name"),
    ("// x\n.create table T (\n  a: int\n  b: string\n)\n", "b: string", "expected ')' or ','"),
    (".create table T (a: int, b: 'string')\n", "'string'", "expected a name"),
    (".create table T (a: int, ['b: string)\n", "['b", "never closed"),
    (".create table T (a: int\n", None, "ends too early"),
    (".drop table T columns (a b)\n", "b)", "expected ')' or ','"),
    (".create table T (a: int) with (folder = 'x\n", "'x", "never closed"),
], ids=["no-type", "no-colon", "trailing-comma", "missing-comma", "string-type", "open-name", "unclosed",
        "drop-columns", "open-string"])
def test_malformed_command_is_an_error_at_the_spot(tmp_path, text, needle, words):
    error = load_error(tmp_path, "s.kql", text)
    if needle is None:
        assert error.line == 1 and error.column == len(".create table T (a: int") + 1
    else:
        assert at(error) == position(text, needle)
    assert words in error.message


def test_command_on_an_undefined_table_or_column_is_an_error(tmp_path):
    text = ".create table T (a: int)\n.alter column T.q type=string\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == position(text, "T.q") and "no column q" in error.message
    text = ".rename column Nope.a to b\n"
    error = load_error(tmp_path, "s.kql", text)
    assert at(error) == position(text, "Nope") and "Nope is not defined" in error.message


@pytest.mark.parametrize("name,text", [
    ("s.kql", "// only policies and queries\n.alter table T policy retention softdelete = 1d\nT | take 1\n"),
    ("s.kql", "// a comment\n"),
    ("s.csl", ".show tables\n"),
    ("s.kql", ".create table T ingestion csv mapping 'M' '[]'\n"),
])
def test_script_without_a_table_command_is_an_error(tmp_path, name, text):
    error = load_error(tmp_path, name, text)
    assert "no .create table" in error.message


def test_parse_script_and_parse_csl_schema_directly():
    [t] = parse_script(".create table Db.T (a: int)\n", "x.kql")
    assert (t.name, t.database, t.file) == ("T", "Db", "x.kql")
    assert parse_script("T | take 1\n", "x.kql") == []
    table = parse_csl_schema("a:int, b:string", "x.csv", "T", "Db")
    assert (table.name, table.database, table.file) == ("T", "Db", "x.csv")
    assert name_types(table) == [("a", "int"), ("b", "string")]
