"""Saved Kusto table schemas (schemacheck.kusto.files) that cannot be used:

4. Malformed inputs: one InputError naming the file (and line/column where there is one);
   then the known bugs, as minimal reproductions.
"""

from __future__ import annotations

import json

import pytest
from support.files import write
from support.kusto_files import at, load_error, position

from schemacheck.errors import InputError
from schemacheck.kusto.files import load_file, load_path, load_schemas

# ---- 4. malformed inputs ---------------------------------------------------------------------


def test_invalid_json_is_located(tmp_path):
    text = '{\n  "Name": "T",\n  "OrderedColumns": [\n    {"Name": "a" "CslType": "int"}\n  ]\n}\n'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '"CslType"')
    assert error.message.startswith("not valid JSON")


def test_ordered_columns_not_a_list(tmp_path):
    text = '{\n  "Name": "T",\n  "OrderedColumns": {"a": "int"}\n}\n'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '{"a"')
    assert "OrderedColumns" in error.message and "list" in error.message


def test_column_without_name_points_at_the_column(tmp_path):
    text = ('{"Name": "T",\n "OrderedColumns": [\n  {"Name": "a", "CslType": "int"},\n'
            '  {"CslType": "string"}\n ]}\n')
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == (4, 3)
    assert "OrderedColumns[1].Name" in error.message


def test_column_with_neither_type_nor_csltype(tmp_path):
    text = '{"Name": "T",\n "OrderedColumns": [\n  {"Name": "a", "CslType": "int"},\n  {"Name": "b"}\n ]}\n'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == (4, 3)
    assert "column b" in error.message and "neither CslType nor Type" in error.message


def test_column_that_is_not_an_object(tmp_path):
    text = '{"Name": "T", "OrderedColumns": ["a:int"]}'
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == position(text, '"a:int"')
    assert "OrderedColumns[0]" in error.message


def test_table_without_name(tmp_path):
    error = load_error(tmp_path, "t.json", '{"OrderedColumns": []}')
    assert at(error) == (1, 1) and "Name" in error.message


def test_empty_files(tmp_path):
    for name in ("t.json", "t.csv", "t.kql", "t.csl", "T.cslschema"):
        error = load_error(tmp_path, name, " \n\t\n")
        assert "empty" in error.message


def test_missing_file_and_directory_as_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_file(str(tmp_path / "nope.json"))
    assert "no such file" in info.value.message
    with pytest.raises(InputError) as info:
        load_file(str(tmp_path))
    assert info.value.file == str(tmp_path)


@pytest.mark.parametrize("text", [
    "[]", "42", '"schema"', "null", '{"tables": []}', '{"Name": "T", "Columns": []}', "[1, 2]",
    '{"Schema": "a:int"}',
])
def test_json_of_no_known_shape(tmp_path, text):
    error = load_error(tmp_path, "t.json", text)
    assert at(error) == (1, 1)
    assert "not a Kusto table schema" in error.message


@pytest.mark.parametrize("text,words", [
    ('{"TableName": "T"}', "Schema"),
    ('{"TableName": "", "Schema": "a:int"}', "TableName"),
    ('{"TableName": "T", "Schema": 3}', "Schema"),
    ('[{"TableName": "T", "Schema": "a:int"}, {"Schema": "b:int"}]', "row 2"),
    ('{"TableName": "T", "Schema": "{\\"Name\\": \\"T\\", \\"OrderedColumns\\": [1]}"}', "the Schema of row 1"),
    ('{"TableName": "T", "Schema": "{not json"}', "not valid JSON"),
    ('{"DatabaseSchema": "{\\"Databases\\": {}}"}', "no tables"),
    ('{"Databases": {}}', "no tables"),
    ('{"Databases": {"D": {"Tables": {"T": {"Name": "T"}}}}}', "OrderedColumns"),
    ('{"Databases": []}', "Databases"),
])
def test_result_rows_and_database_schema_shapes(tmp_path, text, words):
    error = load_error(tmp_path, "t.json", text)
    assert words in error.message


def test_csv_without_a_schema_column(tmp_path):
    error = load_error(tmp_path, "t.csv", "TableName,DatabaseName\nT,D\n")
    assert at(error) == (1, 1) and "Schema" in error.message


def test_csv_header_only_and_short_rows(tmp_path):
    assert "no result rows" in load_error(tmp_path, "t.csv", "TableName,Schema\n").message
    assert "Schema" in load_error(tmp_path, "t.csv", "TableName,Schema\nT\n").message


def test_v1_response_without_a_schema_column(tmp_path):
    text = json.dumps({"Tables": [{"TableName": "Table_0",
                                   "Columns": [{"ColumnName": "TableName", "DataType": "String"}],
                                   "Rows": [["T"]]}]})
    assert "without a Schema" in load_error(tmp_path, "t.json", text).message


def test_v2_frames_without_a_primary_result(tmp_path):
    text = json.dumps([{"FrameType": "DataSetHeader", "Version": "v2.0"},
                       {"FrameType": "DataSetCompletion", "HasErrors": False}])
    assert "PrimaryResult" in load_error(tmp_path, "t.json", text).message


@pytest.mark.parametrize("columns,rows", [
    ([{"ColumnName": "TableName"}, {"ColumnName": "Schema"}], [["T", "a:int", "extra"]]),
    ([{"ColumnName": "TableName"}, {"ColumnName": "Schema"}], [["T"]]),
    ([{"ColumnName": "TableName"}, {"ColumnName": "Schema"}], ["T,a:int"]),
    ([{"ColumnName": "TableName"}, {"Name": "Schema"}, {"ColumnName": "Schema"}], [["T", "x", "a:int"]]),
])
def test_columns_and_rows_that_do_not_line_up(tmp_path, columns, rows):
    v1 = json.dumps({"Tables": [{"TableName": "Table_0", "Columns": columns, "Rows": rows}]})
    assert "do not line up" in load_error(tmp_path, "v1.json", v1).message
    v2 = json.dumps([{"FrameType": "DataTable", "TableKind": "PrimaryResult", "Columns": columns, "Rows": rows}])
    assert "do not line up" in load_error(tmp_path, "v2.json", v2).message


def test_csl_text_errors(tmp_path):
    assert "expected a name" in load_error(tmp_path, "T.cslschema", "a:int,").message
    text = "a:int\nb string"
    error = load_error(tmp_path, "T.cslschema", text)
    assert at(error) == position(text, "b") and "found 'b'" in error.message  # a missing comma
    text = "a:int,\nb string"
    error = load_error(tmp_path, "T.cslschema", text)
    assert at(error) == position(text, "string") and "expected ':'" in error.message


def test_binary_and_non_utf8_files(tmp_path):
    path = tmp_path / "t.json"
    path.write_bytes(b'{"Name": "T",\n "x": "\xff"}')
    with pytest.raises(InputError) as info:
        load_file(str(path))
    assert at(info.value) == (2, 8) and "UTF-8" in info.value.message
    path.write_bytes(b'{"Name": \x00}')
    with pytest.raises(InputError) as info:
        load_file(str(path))
    assert at(info.value) == (1, 10) and "binary" in info.value.message


def test_directory_without_schema_files(tmp_path):
    (tmp_path / "notes.txt").write_text("a:int")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "README.md").write_text("nothing here")
    from schemacheck.check.tables import check_folders

    # The folder is checked for files of any kind before a kind reads its own (check.tables).
    with pytest.raises(InputError) as info:
        check_folders((str(tmp_path),))
    assert info.value.file == str(tmp_path) and "no schema files" in info.value.message
    assert load_path(str(tmp_path)) == [] and len(load_schemas([str(tmp_path)])) == 0


def test_a_bad_file_in_a_directory_names_that_file(tmp_path):
    write(tmp_path, "a/good.kql", ".create table A (x: int)\n")
    bad = write(tmp_path, "b/bad.json", '{"Name": "B", "OrderedColumns": [{"Name": "y"}]}')
    with pytest.raises(InputError) as info:
        load_path(str(tmp_path))
    assert info.value.file == bad


# ---- known bugs (minimal reproductions) ------------------------------------------------------


@pytest.mark.parametrize("value", ["5", '{"Databases": {}}', "null"])
def test_a_database_schema_value_that_is_not_a_string(tmp_path, value):
    load_error(tmp_path, "t.json", '{"DatabaseSchema": %s}' % value)


@pytest.mark.parametrize("text", [
    '{"Tables": [{"TableName": "Table_0", "Columns": [{"ColumnName": "Schema"}], "Rows": 5}]}',
    '[{"FrameType": "DataTable", "TableKind": "PrimaryResult", "Columns": [{"ColumnName": "Schema"}], "Rows": 5}]',
    '[{"FrameType": "DataTable", "TableKind": "PrimaryResult", "Columns": 5, "Rows": []}]',
], ids=["v1-rows", "v2-rows", "v2-columns"])
def test_result_table_rows_or_columns_that_are_not_lists(tmp_path, text):
    load_error(tmp_path, "t.json", text)


@pytest.mark.parametrize("text", ["[" * 100_000, "1" * 5000], ids=["deep", "long-int"])
def test_json_decoder_errors_other_than_jsondecodeerror(tmp_path, text):
    load_error(tmp_path, "t.json", text)


def test_csv_with_bare_cr_line_ends_loads(tmp_path):
    (table,) = load_file(write(tmp_path, "t.csv", "TableName,Schema\rT,a:int\r"))
    assert (table.name, [(c.name, c.type) for c in table.columns]) == ("T", [("a", "int")])


def test_a_csv_header_field_too_large_for_the_csv_module_is_an_input_error(tmp_path):
    assert "not valid CSV" in load_error(tmp_path, "t.csv", "x" * 140_000 + ",Schema\nT,a:int\n").message


def test_an_error_in_csl_text_inside_a_row_names_the_row_not_a_file_position(tmp_path):
    text = "TableName,Schema\nT,\"a:int, b:strin\"\n"
    error = load_error(tmp_path, "t.csv", text)
    assert "did you mean string?" in error.message and "row 1 (T)" in error.message
    assert error.line is None
