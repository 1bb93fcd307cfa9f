"""Reading ASA projects (schemacheck.jobs.project): their functions (9), every subType the
tools write, and entries that cannot be read. test_jobs_project.py reads whole projects
(1-4), test_jobs_project_cases.py the rest case by case (5-8).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_cli
from support.files import write
from support.jobs import JOBS, project, with_file

from schemacheck.jobs.model import Function, Job, Where
from schemacheck.jobs.project import find_project_for, read_vs_project, read_vscode_project

# ---- 9. functions: every subType the tools write; entries that cannot be read ---------------------
# Visual Studio registers a JavaScript UDF's or UDA's definition as <Configure> of subType
# JSFunctionConfig and its code as a <Script>; a C# one as CSharpFunction. VS Code writes JSFunction,
# CSharpFunction and MLFunction (Azure ML, whose definition declares no return type). A function
# whose entry cannot be read is still defined (named after its file), with an unknown type, so
# that a call of it is not reported as undefined (SC610).

VS_FUNCTIONS = JOBS / "functions" / "vs-js-functions"


def vs_project(directory: Path, items: str, start: str | None = "Script.asaql") -> str:
    """A minimal Visual Studio project (and its query) in `directory` with `items`."""
    write(directory, "Script.asaql", "SELECT udf.f(a) AS b INTO o FROM i\n")
    group = f"<PropertyGroup><StartFile>{start}</StartFile></PropertyGroup>" if start else ""
    return str(write(directory, "Job.asaproj",
                     '<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">'
                     f'{group}<ItemGroup><Script Include="Script.asaql" />{items}</ItemGroup></Project>'))


def cli_findings(path: Path) -> list[tuple]:
    """(code, file name, line) of each warning and error `schemacheck infer` reports for a job."""
    code, out, err = run_cli("infer", str(path), "--format", "json")
    assert err == "", err
    (entry,) = json.loads(out)["files"]
    return [(d["code"], os.path.basename(d["file"]), d["line"]) for d in entry["diagnostics"]
            if d["severity"] != "info"]


def test_vs_project_with_javascript_udf_and_uda_and_csharp_functions():
    job = read_vs_project(str(VS_FUNCTIONS / "DeviceHex.asaproj"))
    functions = VS_FUNCTIONS / "Functions"
    assert job.query.file == str(VS_FUNCTIONS / "Script.asaql")    # not a <Script> .js
    assert job.functions == (
        Function("hex2Int", "bigint", False, Where(str(functions / "hex2Int.json"), 2, 11)),
        Function("maxLength", "bigint", True, Where(str(functions / "maxLength.json"), 2, 11)),
        Function("calibrate", "float", False, Where(str(functions / "calibrate.json"), 6, 11)),
    )
    assert job.notes == ()


@pytest.mark.parametrize("subtype, aggregate", [
    ("JSFunctionConfig", False), ("jsfunctionconfig", False), ("JSFunction", False),
    ("CSharpFunction", False), ("CSharpFunctionConfig", False), ("MLFunction", False),
    ("AzureMLFunctionConfig", False), ("JSUDA", True), ("JavaScript UDA", True),
])
def test_function_subtypes_of_both_tools(tmp_path, subtype, aggregate):
    definition = {"Name": "f", "Type": "Scalar", "FunctionInputs": [{"DataType": "any"}], "OutputType": "bigint"}
    job = with_file(tmp_path, subtype, "Functions/f.json", definition)
    assert job.functions == (Function("f", "bigint", aggregate, Where(str(tmp_path / "Functions" / "f.json"), 2, 11)),)
    assert job.notes == ()
    write(tmp_path / "vs", "Functions/f.json", definition)
    vs = read_vs_project(vs_project(tmp_path / "vs", f'<Configure Include="Functions\\f.json">'
                                                     f'<SubType>{subtype}</SubType></Configure>'))
    assert [(f.name, f.output_type, f.aggregate) for f in vs.functions] == [("f", "bigint", aggregate)]


def test_uda_by_its_definitions_type(tmp_path):
    job = with_file(tmp_path, "JSFunctionConfig", "Functions/m.json", {"Name": "m", "Type": "Aggregate",
                                                                        "OutputType": "bigint"})
    assert [(f.name, f.aggregate) for f in job.functions] == [("m", True)]


def test_azure_ml_function_declares_no_return_type(tmp_path):
    job = with_file(tmp_path, "MLFunction", "Functions/score.json", {
        "Name": "score", "Type": "Scalar", "ScriptType": "MLFunction", "ApiKey": None,
        "Endpoint": "https://example.services.azureml.net/workspaces/0/services/1/execute",
        "FunctionInputs": [{"DataType": "nvarchar(max)"}]})
    assert job.functions == (Function("score", None, False, Where(str(tmp_path / "Functions" / "score.json"), 2, 11)),)
    assert job.notes == ()


def test_visual_studio_code_entry_finds_its_json_definition(tmp_path):
    """An entry naming the .js is read through its definition: f.js.json (VS Code) or f.json."""
    write(tmp_path, "Functions/f.js", "function main(x) { return x; }")
    write(tmp_path, "Functions/f.json", {"Name": "f", "OutputType": "float"})
    job = read_vs_project(vs_project(tmp_path, '<Configure Include="Functions\\f.js">'
                                               '<SubType>JSFunctionConfig</SubType></Configure>'))
    assert [(f.name, f.output_type, f.unread) for f in job.functions] == [("f", "float", False)]
    assert job.notes == ()


def test_vs_javascript_code_scripts_are_not_queries(tmp_path):
    """Without <StartFile>, the query is the one <Script> that is not a function's .js."""
    path = vs_project(tmp_path, '<Script Include="Functions\\f.js" /><Script Include="Functions\\g.js">'
                                '<SubType>Content</SubType></Script>', start=None)
    assert read_vs_project(path).query.file == str(tmp_path / "Script.asaql")
    assert find_project_for(str(tmp_path / "Script.asaql")) == path


@pytest.mark.parametrize("content, problem", [
    (None, "does not exist"), ("{ nope", "cannot be read (line 1, column 3: not valid JSON"),
    ([1, 2], "is not a JSON object"),
])
def test_function_whose_definition_cannot_be_read_is_still_defined(tmp_path, content, problem):
    if content is not None:
        write(tmp_path, "Functions/hex2Int.json", content)
    path = vs_project(tmp_path, '<Configure Include="Functions\\hex2Int.json">'
                                '<SubType>JSFunctionConfig</SubType></Configure>')
    job = read_vs_project(path)
    entry = Where(path, 1, Path(path).read_text().index("Functions\\hex2Int.json") + 1)   # the Include value
    assert job.functions == (Function("hex2Int", None, False, entry, unread=True),)
    (note,) = job.notes
    assert note.code == "SC609" and note.where == entry
    assert note.message.startswith(f"JSFunctionConfig file Functions\\hex2Int.json {problem}")
    assert "the function hex2Int it defines (named after its file) is taken as defined" in note.message


def test_function_entries_that_cannot_be_read_at_all(tmp_path):
    write(tmp_path, "Functions/code.js", "function main() { return 1; }")
    job = read_vscode_project(project(tmp_path, [
        {"filePath": "Functions/gone.js", "subType": "JSFunction"},           # neither code nor definition
        {"filePath": "Functions/code.js", "subType": "JSFunction"},           # no definition
        {"filePath": "bad\x00name.json", "subType": "CSharpFunction"},        # not a usable file name
        {"subType": "JSUDAConfig"},                                           # no file: name unknown
    ]))
    assert [(f.name, f.output_type, f.aggregate, f.unread) for f in job.functions] == [
        ("gone", None, False, True), ("code", None, False, True), ("bad\x00name", None, False, True),
        ("", None, True, True)]
    assert len(job.notes) == 4 and all(n.code == "SC609" for n in job.notes)


@pytest.mark.parametrize("written, subtype, content, expected", [
    ("Functions/calibration.json", "ScalarFunctionDefinition", {"Name": "calibrate", "OutputType": "float"},
     ("calibrate", False)),                                     # named by its definition, not read
    ("Functions/norm.json", "Whatever", None, ("norm", False)),  # in Functions/: named after its file
    ("udas/top.json", "UserDefinedAggregate", "{ nope", ("top", True)),
    ("lib/score.json", "Custom", {"ScriptType": "CSharpFunction"}, ("score", False)),
    ("lib/x.js", "JSFunctionCode", None, ("x", False)),
    ("Inputs/Reference.json", "ReferenceMock", {"Name": "Reference"}, None),   # nothing says function
])
def test_unknown_subtype_that_may_define_a_function(tmp_path, written, subtype, content, expected):
    if content is not None:
        write(tmp_path, written, content)
    job = read_vscode_project(project(tmp_path, [{"filePath": written, "subType": subtype}]))
    (note,) = job.notes
    assert note.code == "SC609" and f"has subType '{subtype}'" in note.message
    if expected is None:
        assert job.functions == () and "taken as defined" not in note.message
    else:
        assert [(f.name, f.aggregate, f.output_type, f.unread) for f in job.functions] == [(*expected, None, True)]
        assert f"the function {expected[0]} it seems to define is taken as defined" in note.message


@pytest.mark.parametrize("order", [1, -1])
def test_a_function_read_wins_over_an_unread_one_of_the_same_name(tmp_path, order):
    write(tmp_path, "Functions/f.json", {"Name": "F", "OutputType": "bigint"})
    write(tmp_path, "Functions/f.js", "function main(x) { return x; }")
    entries = [{"filePath": "Functions/f.json", "subType": "JSFunctionConfig"},
               {"filePath": "Functions/f.js", "subType": "JSFunctionCode"}][::order]
    job = read_vscode_project(project(tmp_path, entries))
    assert [(f.name, f.output_type, f.unread) for f in job.functions] == [("F", "bigint", False)]


def test_plan_defines_unread_functions_and_needs_every_name_to_be_complete(tmp_path):
    from schemacheck.config import Config
    from schemacheck.jobs.discover import Found
    from schemacheck.check.plan import plan_job

    def plan(*functions):
        job = Job("j", "vscode", str(tmp_path / "asaproj.json"), str(tmp_path), None, functions=functions)
        result = plan_job(Found(job), Config())
        return result.udf_types, result.functions_complete

    read, unread = Function("F", "bigint"), Function("f", None, unread=True)
    assert plan(unread, read) == plan(read, unread) == ({"F": "bigint"}, True)
    assert plan(Function("g", None, unread=True)) == ({"g": None}, True)
    assert plan(read, Function("", None, unread=True)) == ({"F": "bigint"}, False)
    assert plan() == ({}, True)


def test_a_call_of_a_function_whose_file_is_missing_is_no_error(tmp_path):
    """Through the command line: one SC609 at the entry, no SC610 and no other warning."""
    vs_project(tmp_path, '<Configure Include="Functions\\f.json"><SubType>JSFunctionConfig</SubType></Configure>'
                         '<Configure Include="Functions\\g.json"><SubType>CSharpFunction</SubType></Configure>')
    (tmp_path / "Script.asaql").write_text("SELECT udf.f(a) AS b, udf.g(a) AS c, udf.h(a) AS d INTO o FROM i\n")
    assert cli_findings(tmp_path) == [("SC610", "Script.asaql", 1), ("SC609", "Job.asaproj", 1),
                                      ("SC609", "Job.asaproj", 1)]


def test_a_function_entry_without_a_name_turns_sc610_off(tmp_path):
    project(tmp_path, [{"subType": "JSFunction"}])
    (tmp_path / "Job.asaql").write_text("SELECT udf.anything(a) AS b INTO Outp FROM Inp\n")
    assert cli_findings(tmp_path) == [("SC609", "asaproj.json", 5)]


def test_the_same_for_vs_code_projects(tmp_path):
    write(tmp_path, "Functions/bad.js.json", "{ nope")
    project(tmp_path, [{"filePath": "Functions/gone.js.json", "subType": "JSFunction"},
                       {"filePath": "Functions/bad.js.json", "subType": "JSFunction"},
                       {"filePath": "Functions/ml.json", "subType": "MLFunction"}])
    (tmp_path / "Job.asaql").write_text("SELECT udf.gone(a) AS b, udf.bad(a) AS c, udf.ml(a) AS d\n"
                                        "INTO Outp FROM Inp\n")
    assert cli_findings(tmp_path) == [("SC609", "asaproj.json", 6), ("SC609", "asaproj.json", 10),
                                      ("SC609", "asaproj.json", 14)]
