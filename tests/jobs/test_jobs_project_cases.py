"""Reading ASA projects (schemacheck.jobs.project), case by case; test_jobs_project.py reads
whole projects (1-4), test_jobs_project_functions.py their functions (9).

5. Identity, properties blocks and sample shapes, case by case.
6. find_project_for: which project a query or a listed file belongs to.
7. Properties (hypothesis): mutated project files give a Job or an InputError, nothing else.
8. Shapes met in public projects: a mock's FilePath from another machine, IoT Edge inputs and
   outputs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.files import write
from support.jobs import JOBS, LEGACY, PARTIAL, TELEMETRY, at, project, with_file

from schemacheck.errors import InputError
from schemacheck.jobs.model import Function, Input, Job, Where
from schemacheck.jobs.project import find_project_for, read_vs_project, read_vscode_project

# ---- 5. case by case ----------------------------------------------------------------------------

USER_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/w"


@pytest.mark.parametrize("config, kind, resources", [
    ({"UseSystemAssignedIdentity": True}, "system", ()),
    ({"usesystemassignedidentity": "True"}, "system", ()),
    ({"UseSystemAssignedIdentity": False}, "none", ()),
    ({"DataLocale": "en-US"}, "none", ()),
    ({"UseSystemAssignedIdentity": True, "Identity": {"Type": "UserAssigned"}}, "system", ()),
    ({"identity": {"type": "UserAssigned", "userAssignedIdentities": [USER_ID]}}, "user", (USER_ID,)),
    ({"Identity": {"Type": "UserAssigned", "UserAssignedIdentities": USER_ID}}, "user", (USER_ID,)),
    ({"Identity": {"Type": "UserAssigned"}}, "user", ()),
    ({"Identity": {"Type": "SystemAssigned"}}, "system", ()),
    ({"Identity": {"Type": "None"}}, "none", ()),
    ({"Identity": USER_ID}, "user", (USER_ID,)),
    ({"Identity": "SystemAssigned"}, "system", ()),
    ({"UseSystemAssignedIdentity": False, "UserAssignedIdentity": USER_ID}, "user", (USER_ID,)),
    ({"UserAssignedIdentities": {USER_ID: {}}}, "user", (USER_ID,)),
    ({"UserAssignedIdentities": [{"ResourceId": USER_ID}]}, "user", (USER_ID,)),
    ({"UseSystemAssignedIdentity": None, "Identity": None}, "none", ()),
])
def test_identity(tmp_path, config, kind, resources):
    job = with_file(tmp_path, "JobConfig", "JobConfig.json", config)
    assert (job.identity.kind, job.identity.resources) == (kind, resources)
    assert job.identity.where.file == str(tmp_path / "JobConfig.json")


def test_identity_none_is_placed_at_the_key_or_the_file_start(tmp_path):
    job = with_file(tmp_path, "JobConfig", "JobConfig.json", {"UseSystemAssignedIdentity": False})
    assert at(job.identity.where) == ("JobConfig.json", 2, 32)
    job = with_file(tmp_path, "JobConfig", "JobConfig.json", {"DataLocale": "en-US"})
    assert at(job.identity.where) == ("JobConfig.json", 1, 1)


@pytest.mark.parametrize("output, expected", [
    # several non-null blocks: the one named like the DataSourceType
    ({"Name": "o", "DataSourceType": "Azure Data Explorer",
      "BlobStorageProperties": {"Container": "c"},
      "AzureDataExplorerProperties": {"ClusterUrl": "https://c.kusto.windows.net", "Database": "d", "Table": "t",
                                      "AuthenticationMode": "Msi"}},
     ("adx", "https://c.kusto.windows.net", "d", "t", "Msi")),
    ({"Name": "o", "DataSourceType": "Data Explorer",
      "SomeProperties": {"x": 1},
      "OtherProperties": {"URI": "https://u", "database": "d", "TABLE": "t"}},
     ("adx", "https://u", "d", "t", None)),
    ({"Name": "o", "DataSourceType": "Power BI", "EventHubProperties": {"x": 1}, "PowellBIProperties": {"Table": "t"}},
     ("powerbi", None, None, None, None)),
    ({"Name": "o", "DataSourceType": "Carrier Pigeon", "PigeonProperties": {"Loft": "north"}},
     (None, None, None, None, None)),
    ({"Name": "o", "DataSourceType": None, "Properties": {"Cluster": "c", "Database": "d", "Table": "t"}},
     ("adx", "c", "d", "t", None)),
    ({"Name": "o", "DataSourceType": "Azure Data Explorer"}, ("adx", None, None, None, None)),
])
def test_output_properties_block(tmp_path, output, expected):
    job = with_file(tmp_path, "Output", "Outputs/o.json", output)
    (result,) = job.outputs
    assert (result.kind, result.cluster, result.database, result.table, result.authentication) == expected
    assert result.datasource == output["DataSourceType"]


@pytest.mark.parametrize("kind, stream", [("Data Stream", True), ("Reference data", False), ("reference_data", False),
                                           ("Other", None), (None, None)])
def test_input_type(tmp_path, kind, stream):
    job = with_file(tmp_path, "Input", "Inputs/i.json", {"Name": "i", "Type": kind, "DataSourceType": "Blob Storage"})
    assert job.inputs == (Input("i", "blob", stream, "Blob Storage", Where(str(tmp_path / "Inputs" / "i.json"), 2, 11)),)


@pytest.mark.parametrize("mock, sample_format, note", [
    ({"InputAlias": "i", "FilePath": "data.json"}, None, None),
    ({"InputAlias": "i", "Format": "CSV", "FilePath": "data.json"}, "csv", None),
    ({"Name": "i", "Serialization": {"Type": "Avro"}, "FilePath": "data.json"}, "avro", None),
    ({"Name": "i", "Serialization": {"Type": "Parquet"}, "FilePath": "data.json"}, None, "Parquet format are not read"),
    ({"InputAlias": "i", "Format": "Json"}, None, "names no sample data file"),
    ({"Format": "Json", "FilePath": "data.json"}, None, "has no InputAlias"),
])
def test_input_mock_shapes(tmp_path, mock, sample_format, note):
    write(tmp_path, "Inputs/data.json", "[]")
    job = with_file(tmp_path, "InputMock", "Inputs/local_i.json", mock)
    if note:
        assert job.samples == ()
        (found,) = job.notes
        assert found.code == "SC609" and note in found.message and found.message.startswith("InputMock file")
    else:
        assert job.notes == ()
        (sample,) = job.samples
        assert (sample.alias, sample.path, sample.format) == ("i", str(tmp_path / "Inputs" / "data.json"), sample_format)


def test_csharp_function_without_name_or_type(tmp_path):
    job = with_file(tmp_path, "CSharpFunction", "Functions/predict.json", {"Type": "Aggregate"})
    assert job.functions == (Function("predict", None, True, Where(str(tmp_path / "Functions" / "predict.json"), 1, 1)),)


def test_js_function_entry_naming_the_code_file_whose_definition_is_not_json(tmp_path):
    write(tmp_path, "Functions/f.js", "function main() { return 1; }")
    write(tmp_path, "Functions/f.js.json", "{ nope")
    job = read_vscode_project(project(tmp_path, [{"filePath": "Functions/f.js", "subType": "jsfunction"}]))
    assert [(f.name, f.output_type) for f in job.functions] == [("f", None)]
    (note,) = job.notes
    assert note.message.startswith("JSFunction file Functions/f.js: its definition f.js.json cannot be read")


def test_unusable_file_names_are_notes(tmp_path):
    job = read_vscode_project(project(tmp_path, [{"filePath": "bad\x00name.json", "subType": "Output"},
                                                 {"filePath": "  ", "subType": "Output"},
                                                 {"filePath": 12, "subType": "Output"}]))
    assert len(job.notes) == 3 and job.outputs == ()
    assert job.notes[0].message.startswith("Output file bad\x00name.json is not a usable file name")


def test_bom_and_comments_in_project_files(tmp_path):
    write(tmp_path, "Job.asaql", "SELECT 1 INTO o FROM i")
    (tmp_path / "asaproj.json").write_bytes(b"\xef\xbb\xbf{ // job\n \"startFile\": \"Job.asaql\" }")
    assert read_vscode_project(str(tmp_path / "asaproj.json")).query.file == str(tmp_path / "Job.asaql")


def test_module_import_stays_cheap():
    code = ("import sys, schemacheck.jobs.project; "
            "print(sorted(m for m in ('xml.etree.ElementTree', 'json') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "xml.etree.ElementTree" not in result.stdout


# ---- 6. find_project_for --------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository with a project (Jobs/alpha), a nested one (Jobs/alpha/beta) and a VS project."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    alpha = root / "Jobs" / "alpha"
    project(alpha, [{"filePath": "Outputs\\Out.json", "subType": "Output"},
                    {"filePath": "Functions/f.js.json", "subType": "JSFunction"}], start="Alpha.asaql")
    write(alpha, "Outputs/Out.json", {"Name": "Out"})
    write(alpha, "Outputs/Unlisted.json", {"Name": "Unlisted"})
    write(alpha, "Functions/f.js", "function main() {}")
    write(alpha, "Stray.asaql", "SELECT 1 INTO o FROM i")
    project(alpha / "beta", [], start="Beta.asaql")
    write(alpha / "beta", "Other.asaql", "SELECT 1 INTO o FROM i")
    vs = root / "Legacy"
    write(vs, "Script.asaql", "SELECT 1 INTO o FROM i")
    write(vs, "Legacy.asaproj", '<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">'
                                "<PropertyGroup><StartFile>Script.asaql</StartFile></PropertyGroup><ItemGroup>"
                                '<Configure Include="Outputs\\O.json"><SubType>Output</SubType></Configure>'
                                "</ItemGroup></Project>")
    write(root, "Loose.asaql", "SELECT 1 INTO o FROM i")
    return root


def test_find_project_for_the_start_file(repo):
    alpha = repo / "Jobs" / "alpha"
    assert find_project_for(str(alpha / "Alpha.asaql")) == str(alpha / "asaproj.json")
    assert find_project_for(str(repo / "Legacy" / "Script.asaql")) == str(repo / "Legacy" / "Legacy.asaproj")


def test_find_project_for_listed_files(repo):
    alpha = repo / "Jobs" / "alpha"
    assert find_project_for(str(alpha / "Outputs" / "Out.json")) == str(alpha / "asaproj.json")
    assert find_project_for(str(alpha / "Functions" / "f.js")) == str(alpha / "asaproj.json")
    assert find_project_for(str(alpha / "Outputs" / "Unlisted.json")) is None
    assert find_project_for(str(repo / "Legacy" / "Outputs" / "O.json")) == str(repo / "Legacy" / "Legacy.asaproj")


def test_find_project_for_nested_projects(repo):
    alpha = repo / "Jobs" / "alpha"
    assert find_project_for(str(alpha / "beta" / "Beta.asaql")) == str(alpha / "beta" / "asaproj.json")
    # not beta's query, nor alpha's: checked alone
    assert find_project_for(str(alpha / "beta" / "Other.asaql")) is None


def test_find_project_for_a_query_no_project_runs(repo):
    assert find_project_for(str(repo / "Jobs" / "alpha" / "Stray.asaql")) is None
    assert find_project_for(str(repo / "Loose.asaql")) is None


def test_find_project_for_an_outer_project_naming_a_deeper_query(repo):
    write(repo / "Jobs", "asaproj.json", {"startFile": "alpha\\beta\\Other.asaql"})
    assert find_project_for(str(repo / "Jobs" / "alpha" / "beta" / "Other.asaql")) == str(repo / "Jobs" / "asaproj.json")


def test_find_project_for_stops_at_the_repository_root(tmp_path):
    project(tmp_path, [], start="repo/sub/Q.asaql")
    (tmp_path / "repo" / ".git").mkdir()
    assert find_project_for(str(tmp_path / "repo" / "sub" / "Q.asaql")) is None
    shutil.rmtree(tmp_path / "repo" / ".git")
    assert find_project_for(str(tmp_path / "repo" / "sub" / "Q.asaql")) == str(tmp_path / "asaproj.json")


def test_find_project_for_relative_paths_and_start_file_fallback(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "job", "Only.asaql", "SELECT 1 INTO o FROM i")
    write(tmp_path / "job", "asaproj.json", {"configurations": []})
    monkeypatch.chdir(tmp_path)
    found = find_project_for(os.path.join("job", "Only.asaql"))
    assert os.path.samefile(found, tmp_path / "job" / "asaproj.json")


def test_find_project_for_an_unreadable_project_claims_its_queries(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "asaproj.json", "{ not json")
    write(tmp_path, "Q.asaql", "SELECT 1 INTO o FROM i")
    assert find_project_for(str(tmp_path / "Q.asaql")) == str(tmp_path / "asaproj.json")
    assert find_project_for(str(tmp_path / "Outputs" / "o.json")) is None


def test_find_project_for_the_fixtures():
    assert find_project_for(str(TELEMETRY / "Telemetry.asaql")) == str(TELEMETRY / "asaproj.json")
    assert find_project_for(str(TELEMETRY / "Inputs" / "Local_PlantSensors.json")) == str(TELEMETRY / "asaproj.json")
    assert find_project_for(str(LEGACY / "Script.asaql")) == str(LEGACY / "OrderFlow.asaproj")


# ---- 7. properties ------------------------------------------------------------------------------

ODD_VALUES = [None, True, False, 0, -1, 2.5, "", "x", "..\\..", "Json", "Data Stream", "Msi", [], [None], {},
              {"Name": 1}, {"Type": "UserAssigned", "UserAssignedIdentities": [1, None, {}]}]


def json_paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a JSON value (the root excluded)."""
    paths = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for name, child in items:
        paths.append(prefix + (name,))
        paths.extend(json_paths(child, prefix + (name,)))
    return paths


def mutated(text: str, data: st.DataObject) -> str:
    """`text` (a JSON file) with one key deleted, one value replaced, or cut short."""
    document = json.loads(text.lstrip("\ufeff"))
    paths = json_paths(document)
    how = data.draw(st.sampled_from(["delete", "replace", "truncate"] if paths else ["replace", "truncate"]))
    if how == "truncate":
        return text[:data.draw(st.integers(0, len(text)))]
    new = data.draw(st.sampled_from(ODD_VALUES))
    if not paths:
        return json.dumps(new)
    path = data.draw(st.sampled_from(paths))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if how == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return json.dumps(document, indent=2)


def read_or_error(reader, path: str) -> None:
    try:
        job = reader(path)
    except InputError as error:
        assert error.exit_code == 2 and str(error)
        return
    assert isinstance(job, Job)
    assert all(isinstance(part, tuple) for part in (job.inputs, job.functions, job.samples, job.notes))
    assert job.outputs is None or isinstance(job.outputs, tuple)
    assert all(note.code == "SC609" and note.message for note in job.notes)


MUTATION_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fixture, reader, project_file", [
    (TELEMETRY, read_vscode_project, "asaproj.json"),
    (PARTIAL, read_vscode_project, "asaproj.json"),
    (LEGACY, read_vs_project, "OrderFlow.asaproj"),
    (JOBS / "vs" / "moved_sample", read_vs_project, "Moved.asaproj"),
    (JOBS / "vscode" / "edge", read_vscode_project, "asaproj.json"),
])
@MUTATION_SETTINGS
@given(data=st.data())
def test_mutated_project_files_give_a_job_or_an_input_error(fixture, reader, project_file, data):
    files = sorted(str(p.relative_to(fixture)) for p in fixture.rglob("*.json")
                   if _is_json(p))
    with tempfile.TemporaryDirectory() as directory:
        copy = Path(directory) / "job"
        shutil.copytree(fixture, copy)
        for _ in range(data.draw(st.integers(1, 3))):
            name = data.draw(st.sampled_from(files))
            target = copy / name
            try:
                text = target.read_text(encoding="utf-8-sig")
                json.loads(text)
            except ValueError:
                continue    # already cut short by an earlier mutation
            target.write_text(mutated(text, data), encoding="utf-8")
        read_or_error(reader, str(copy / project_file))


@MUTATION_SETTINGS
@given(cut=st.integers(0, 2000), junk=st.sampled_from(["", "<", "&", "&amp;", "<!--", "]]>", "\x00", "é", "<a b='"]))
def test_mutated_vs_project_xml_gives_a_job_or_an_input_error(cut, junk):
    text = (LEGACY / "OrderFlow.asaproj").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as directory:
        copy = Path(directory) / "job"
        shutil.copytree(LEGACY, copy)
        (copy / "OrderFlow.asaproj").write_text(text[:cut] + junk + text[cut:], encoding="utf-8")
        read_or_error(read_vs_project, str(copy / "OrderFlow.asaproj"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                          lambda children: st.lists(children, max_size=3)
                          | st.dictionaries(st.sampled_from(["Name", "name", "FilePath", "subType", "filePath",
                                                             "startFile", "configurations", "Type", "Format",
                                                             "DataSourceType", "Identity", "OutputType", "x"]),
                                            children, max_size=4),
                          max_leaves=12),
       subtype=st.sampled_from(["Input", "InputMock", "Output", "JobConfig", "JSFunction", "CSharpFunction"]))
def test_arbitrary_listed_file_content_gives_a_job(value, subtype):
    with tempfile.TemporaryDirectory() as directory:
        path = project(Path(directory), [{"filePath": "Part.json", "subType": subtype}])
        write(Path(directory), "Part.json", json.dumps(value))
        job = read_vscode_project(path)
        assert isinstance(job, Job)


def _is_json(path: Path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("output", [
    {"Name": "adx", "DataSourceType": "Kusto",
     "KustoProperties": {"ClusterUrl": "https://c.kusto.windows.net", "DatabaseName": "db", "TableName": "T",
                         "AuthenticationMode": "Msi"}},
    {"Name": "adx", "DataSourceType": "ADX", "Cluster": "https://c.kusto.windows.net", "Database": "db",
     "Table": "T", "AuthenticationMode": "Msi"},
    {"Name": "adx", "DataSourceType": "Microsoft.Kusto/clusters/databases",
     "DataExplorerProperties": {"cluster": "https://c.kusto.windows.net", "database": "db", "table": "T",
                                "authenticationMode": "Msi"}},
    {"Name": "adx", "DataSourceType": "Something New",
     "NewProperties": {"IngestionUri": "https://c.kusto.windows.net", "Db": "db", "Table": "T"}},
], ids=["kusto-names", "flat", "arm-type", "unknown-type-adx-keys"])
def test_adx_outputs_are_found_under_any_plausible_spelling(tmp_path, output):
    """The VS Code ADX output file's exact JSON is not established: every plausible shape maps."""
    (tmp_path / "Outputs").mkdir()
    (tmp_path / "Outputs" / "adx.json").write_text(json.dumps(output))
    (tmp_path / "q.asaql").write_text("SELECT * INTO adx FROM i\n")
    (tmp_path / "asaproj.json").write_text(json.dumps(
        {"startFile": "q.asaql", "configurations": [{"filePath": "Outputs/adx.json", "subType": "Output"}]}))
    (found,) = read_vscode_project(str(tmp_path / "asaproj.json")).outputs
    assert (found.kind, found.cluster, found.database, found.table) == ("adx", "https://c.kusto.windows.net",
                                                                        "db", "T")


# ---- 8. shapes met in public projects ------------------------------------------------------------

MOVED = JOBS / "vs" / "moved_sample"
EDGE = JOBS / "vscode" / "edge"


def test_sample_path_from_another_machine_is_found_in_the_project():
    """Visual Studio writes a mock's FilePath as an absolute path of the machine that made
    it; the project's own copy (the longest end of that path found under the project) is
    used, with a note saying so."""
    job = read_vs_project(str(MOVED / "Moved.asaproj"))
    (sample,) = job.samples
    assert (sample.alias, sample.path, sample.format) == ("Readings", str(MOVED / "SampleData" / "readings.json"),
                                                          "json")
    assert at(sample.where) == ("local_Readings.json", 5, 15)
    moved, missing = job.notes
    assert moved.code == "SC609" and moved.where == sample.where
    assert "D:\\Work\\Old Checkout\\src\\Moved\\SampleData\\readings.json does not exist here" in moved.message
    assert "the project's SampleData/readings.json" in moved.message and "input Readings" in moved.message
    # no end of this path names a file of the project: no sample, as before
    assert "Shared Drive\\stations.json does not exist; input Stations has no local sample" in missing.message


@pytest.mark.parametrize("written, present", [
    ("/home/someone/checkout/job/data/in.json", "data/in.json"),     # under the project
    ("C:/work/job/data/in.json", "data/in.json"),
    ("..\\..\\elsewhere\\Inputs\\in.json", "Inputs/in.json"),
    ("E:\\in.json", "Inputs/in.json"),                               # beside the mock
])
def test_sample_path_ends_are_tried_under_the_project_and_the_mock(tmp_path, written, present):
    write(tmp_path, present, '[{"a": 1}]')
    job = with_file(tmp_path, "InputMock", "Inputs/local_i.json", {"InputAlias": "i", "FilePath": written})
    (sample,) = job.samples
    assert sample.path == str(tmp_path / present)
    assert len(job.notes) == 1 and "does not exist here" in job.notes[0].message


def test_iot_edge_inputs_and_outputs_are_the_edge_hub():
    """IoT Edge projects name the edge hub GatewayMessageBus (or Edge Hub)."""
    job = read_vscode_project(str(EDGE / "asaproj.json"))
    assert [(o.alias, o.kind, o.datasource) for o in job.outputs] == [
        ("alerts", "gateway", "GatewayMessageBus"), ("upstream", "gateway", "Edge Hub")]
    assert [(i.alias, i.kind, i.stream) for i in job.inputs] == [("sensors", "gateway", True)]
    assert job.notes == ()
