"""Fuzzing: whatever the input, schemacheck answers or raises its own error.

The regression tests at the end are the crashes the fuzzing found, each as a minimal input
of our own.
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from schemacheck.errors import InputError

# ---- regressions: the crashes the fuzzing found ------------------------------------------------------

def _load(folder, name, text):
    from schemacheck.kusto.files import load_schemas

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_schemas([str(path)])


def test_a_result_table_whose_column_name_is_not_text_is_refused(tmp_path):
    # Was a TypeError (unhashable type: 'list') building the rows of a REST v1 or v2 response.
    text = json.dumps({"Tables": [{"Columns": [{"ColumnName": ["TableName"]}, {"ColumnName": "Schema"}],
                                   "Rows": [["T", "a:string"]]}]})
    with pytest.raises(InputError, match="Columns and Rows do not line up"):
        _load(tmp_path, "v1.json", text)
    frames = json.dumps([{"FrameType": "DataTable", "TableKind": "PrimaryResult",
                          "Columns": [{"ColumnName": {"a": 1}}, {"ColumnName": "Schema"}], "Rows": [["T", "a:int"]]}])
    with pytest.raises(InputError, match="Columns and Rows do not line up"):
        _load(tmp_path, "v2.json", frames)


def test_a_project_file_with_a_number_past_the_digit_limit_is_an_input_error(tmp_path):
    # Was a ValueError (sys.get_int_max_str_digits) out of json.loads, an internal error.
    from schemacheck.jobs.jsonfile import load_json

    path = tmp_path / "JobConfig.json"
    path.write_text('{\n  "Delay": ' + "7" * 5000 + "\n}\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_json(str(path), "JobConfig file")
    assert (raised.value.line, raised.value.column) == (2, 12)
    assert raised.value.message == "holds a number of 5000 digits, more than the 4300 that can be read as the " \
                                   "JobConfig file"
    (tmp_path / "q.asaql").write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    (tmp_path / "asaproj.json").write_text(json.dumps({"startFile": "q.asaql", "configurations": [
        {"filePath": "JobConfig.json", "subType": "JobConfig"}]}), encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path), "--format", "json", "--no-cache")
    assert code in (0, 1), err
    assert "JobConfig file JobConfig.json cannot be read (line 2, column 12: holds a number of 5000 digits" in out


def test_project_messages_show_json_values_not_python_ones(tmp_path):
    # Said "subType None" and "startFile is not a file name: {'a': None}" (Python's repr).
    from schemacheck.jobs.project import read_vscode_project

    (tmp_path / "q.asaql").write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    project = tmp_path / "asaproj.json"
    project.write_text(json.dumps({"startFile": "q.asaql", "configurations": [
        {"filePath": None}, {"filePath": "", "subType": "Output"}]}), encoding="utf-8")
    assert [n.message for n in read_vscode_project(str(project)).notes] == [
        "a configuration entry names no file; it is ignored",
        'a configuration entry (subType "Output") names no file; it is ignored']
    project.write_text(json.dumps({"startFile": {"a": None, "b": [1, True]}}), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_vscode_project(str(project))
    assert raised.value.message == 'startFile is not a file name: {"a": null, "b": [1, true]}'


def test_a_template_child_resource_without_a_usable_name_is_not_called_none(tmp_path):
    # Said "the output resource 'None' belongs to no streaming job".
    from schemacheck.jobs.arm import read_template

    def job(name):
        return {"type": "Microsoft.StreamAnalytics/streamingjobs", "name": name,
                "properties": {"transformation": {"name": "t", "properties": {"query": "SELECT a INTO o FROM i"}}}}

    template = tmp_path / "t.json"
    template.write_text(json.dumps({"resources": [
        job("a"), job("b"),
        {"type": "Microsoft.StreamAnalytics/streamingjobs/outputs", "properties": {}},
        {"type": "Microsoft.StreamAnalytics/streamingjobs/outputs", "name": [5], "properties": {}}]}),
        encoding="utf-8")
    notes = [n.message for job in read_template(str(template)) for n in job.notes]
    assert [m.split(" belongs")[0] for m in notes] == ["the output resource without a name",
                                                      "the output resource named [5]"]


def test_sample_data_with_a_number_past_the_digit_limit_is_a_note(tmp_path):
    # Was a ValueError out of json.loads reading an InputMock's sample data.
    from schemacheck.jobs.samples import SampleError, sample_fields

    for text, where in (('[{"a": ' + "5" * 4400 + "}]", "line 1, column 8"),
                        ('{"a": 1}\n{"a": ' + "5" * 4400 + "}\n", "line 2, column 7")):
        (tmp_path / "sample.json").write_text(text, encoding="utf-8")
        with pytest.raises(SampleError) as raised:
            sample_fields(str(tmp_path / "sample.json"), "json", "1.2")
        assert str(raised.value) == f"holds a number of 4400 digits, more than the 4300 that can be read as " \
                                    f"sample data ({where})"


def test_a_template_saved_as_utf16_is_found_in_its_folder(tmp_path):
    # A UTF-16 template (with its byte order mark, as PowerShell writes files) was read when
    # named, but a folder search did not see it: its test read the bytes as UTF-8.
    template = {"resources": [{"type": "Microsoft.StreamAnalytics/streamingjobs", "name": "job", "properties": {
        "transformation": {"name": "t", "properties": {"query": "SELECT a INTO o FROM i"}}}}]}
    (tmp_path / "job.json").write_bytes(json.dumps(template).encode("utf-16"))
    code, out, err = run_cli("infer", str(tmp_path), "--format", "json", "--no-cache")
    assert code == 1 and not err, err   # 1: SC601, the job defines no output o
    assert [o["output"] for f in json.loads(out)["files"] for o in f["outputs"]] == ["o"]
