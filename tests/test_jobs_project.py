"""Reading ASA projects: schemacheck.jobs.project.

1. A VS Code project (tests/fixtures/jobs/vscode/telemetry): every record, value and position.
2. A Visual Studio project (tests/fixtures/jobs/vs/legacy): MSBuild XML, VS-era JSON with
   every `*Properties` key null but one, misspellings, a BOM, Configuration.json.
3. Parts that cannot be used become SC609 notes placed where the user fixes them; the job loads.
4. A project file that cannot be used is one located InputError (exit code 2).
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.errors import InputError
from schemacheck.jobs.model import Function, Identity, Input, Job, Output, Sample, Setting, Where
from schemacheck.jobs.project import find_project_for, read_vs_project, read_vscode_project

from conftest import FIXTURES, ROOT, run_cli

JOBS = FIXTURES / "jobs"
TELEMETRY = JOBS / "vscode" / "telemetry"
PARTIAL = JOBS / "vscode" / "partial"
LEGACY = JOBS / "vs" / "legacy"


# ---- helpers ---------------------------------------------------------------------------------


def write(directory: Path, name: str, content: object) -> Path:
    """Write JSON (for dicts and lists) or text below `directory`; returns the path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2), encoding="utf-8")
    return path


def project(directory: Path, configurations: list, start: str | None = "Job.asaql", **extra) -> str:
    """A minimal asaproj.json (and its query) in `directory` listing `configurations`."""
    data = {"name": "job", **({"startFile": start} if start else {}), "configurations": configurations,
            **extra}
    if start:
        write(directory, start, "SELECT * INTO Out FROM In\n")
    return str(write(directory, "asaproj.json", data))


def with_file(directory: Path, subtype: str, name: str, content: object) -> Job:
    """Read a project listing one file of `subtype` with `content`."""
    write(directory, name, content)
    return read_vscode_project(project(directory, [{"filePath": name, "subType": subtype}]))


def error_of(reader, path) -> InputError:
    with pytest.raises(InputError) as info:
        reader(str(path))
    assert info.value.exit_code == 2
    return info.value


def at(where: Where | None) -> tuple:
    """(file name, line, column) of a position."""
    return (os.path.basename(where.file), where.line, where.column) if where else None


# ---- 1. a VS Code project ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def telemetry() -> Job:
    return read_vscode_project(str(TELEMETRY / "asaproj.json"))


def test_vscode_project_identity_and_query(telemetry):
    assert telemetry.name == "plant-telemetry"
    assert telemetry.form == "vscode"
    assert telemetry.source == str(TELEMETRY / "asaproj.json")
    assert telemetry.root == str(TELEMETRY)
    assert telemetry.query.file == str(TELEMETRY / "Telemetry.asaql")
    assert telemetry.query.text == (TELEMETRY / "Telemetry.asaql").read_text(encoding="utf-8")
    assert telemetry.notes == ()


def test_vscode_job_config_settings_are_kept_as_written_with_positions(telemetry):
    config = str(TELEMETRY / "JobConfig.json")
    assert telemetry.compat_level == Setting("1.0", Where(config, 9, 25))
    assert telemetry.data_locale == Setting("de-DE", Where(config, 3, 17))
    assert telemetry.error_policy == Setting("Drop", Where(config, 4, 24))
    assert telemetry.identity == Identity("system", (), Where(config, 10, 32))


def test_vscode_outputs_adx_and_blob(telemetry):
    adx, blob = telemetry.outputs
    assert adx == Output("TelemetryTable", "adx", "Azure Data Explorer",
                         "https://plantadx.westeurope.kusto.windows.net", "Telemetry", "DeviceReadings", "Msi",
                         Where(str(TELEMETRY / "Outputs" / "TelemetryTable.json"), 2, 11))
    assert blob == Output("Archive", "blob", "Blob Storage",
                          where=Where(str(TELEMETRY / "Outputs" / "Archive.json"), 2, 11))


def test_vscode_inputs(telemetry):
    assert telemetry.inputs == (
        Input("DeviceEvents", "eventhub", True, "Event Hub", Where(str(TELEMETRY / "Inputs" / "DeviceEvents.json"), 2, 11)),
        Input("PlantSensors", "iothub", True, "IoT Hub", Where(str(TELEMETRY / "Inputs" / "PlantSensors.json"), 2, 11)),
    )


def test_vscode_input_mocks_of_both_shapes_relative_to_the_mock_file(telemetry):
    assert telemetry.samples == (
        Sample("DeviceEvents", str(TELEMETRY / "samples" / "device-events.json"), "json",
               Where(str(TELEMETRY / "Inputs" / "Local_DeviceEvents.json"), 5, 15)),
        Sample("PlantSensors", str(TELEMETRY / "Inputs" / "plant-sensors.csv"), "csv",
               Where(str(TELEMETRY / "Inputs" / "Local_PlantSensors.json"), 6, 15)),
    )
    for sample in telemetry.samples:
        assert os.path.isfile(sample.path)


def test_vscode_js_functions_by_definition_or_code_file(telemetry):
    functions = str(TELEMETRY / "Functions")
    assert telemetry.functions == (
        Function("toMillis", "bigint", False, Where(os.path.join(functions, "toMillis.js.json"), 2, 11)),
        # no Name in the file: the file name; the entry names the .js, the definition is beside it
        Function("parsePayload", "any", False, Where(os.path.join(functions, "parsePayload.js.json"), 5, 17)),
    )


def test_relative_project_path_gives_relative_paths(monkeypatch):
    monkeypatch.chdir(TELEMETRY)
    job = read_vscode_project("asaproj.json")
    assert job.root == os.curdir
    assert job.query.file == "Telemetry.asaql"
    assert job.samples[0].path == os.path.join("samples", "device-events.json")
    assert job.outputs[0].where.file == os.path.join("Outputs", "TelemetryTable.json")


def test_configured_files_are_followed_not_globbed(tmp_path):
    write(tmp_path, "Outputs/Listed.json", {"Name": "Listed", "DataSourceType": "Event Hub"})
    write(tmp_path, "Outputs/Unlisted.json", {"Name": "Unlisted", "DataSourceType": "Event Hub"})
    job = read_vscode_project(project(tmp_path, [{"filePath": "Outputs/Listed.json", "subType": "Output"}]))
    assert [o.alias for o in job.outputs] == ["Listed"]
    assert job.inputs == () and job.functions == () and job.samples == ()
    assert job.identity == Identity("unknown")
    assert job.compat_level == Setting() and job.data_locale == Setting() and job.error_policy == Setting()


def test_name_defaults_to_the_directory(tmp_path):
    (tmp_path / "myjob").mkdir()
    write(tmp_path / "myjob", "Job.asaql", "SELECT 1 INTO o FROM i")
    path = write(tmp_path / "myjob", "asaproj.json", {"startFile": "Job.asaql"})
    job = read_vscode_project(str(path))
    assert job.name == "myjob"
    # no Output listed: a local-run project, whose deployed outputs are not known
    assert (job.outputs, job.inputs, job.functions) == (None, (), ())


# ---- 2. a Visual Studio project ---------------------------------------------------------------


@pytest.fixture(scope="module")
def legacy() -> Job:
    return read_vs_project(str(LEGACY / "OrderFlow.asaproj"))


def test_vs_project(legacy):
    config = str(LEGACY / "Configuration.json")
    assert (legacy.name, legacy.form, legacy.root) == ("OrderFlow", "vs", str(LEGACY))
    assert legacy.query.file == str(LEGACY / "Script.asaql")
    assert legacy.compat_level == Setting("1.1", Where(config, 8, 25))  # a number in the file
    assert legacy.data_locale == Setting("en-US", Where(config, 2, 17))
    assert legacy.error_policy == Setting("Retry", Where(config, 3, 24))
    assert legacy.identity == Identity("none", (), Where(config, 9, 32))
    # the commented-out <Configure> is not read, so no note about its missing file
    assert legacy.notes == ()


def test_vs_era_outputs_pick_the_one_non_null_properties_block(legacy):
    adx, dashboard = legacy.outputs
    assert adx == Output("OrdersAdx", "adx", "Azure Data Explorer",
                         "https://ingest-shopadx.northeurope.kusto.windows.net", "Sales", "Orders",
                         "ConnectionString", Where(str(LEGACY / "Outputs" / "OrdersAdx.json"), 19, 11))
    assert (dashboard.alias, dashboard.kind, dashboard.datasource) == ("Dashboard", "powerbi", "Power BI")


def test_vs_era_inputs_functions_and_mocks(legacy):
    assert legacy.inputs == (Input("Orders", "eventhub", True, "Event Hub",
                                   Where(str(LEGACY / "Inputs" / "Orders.json"), 17, 11)),)
    assert legacy.functions == (Function("riskScore", "float", False,
                                         Where(str(LEGACY / "Functions" / "riskScore.json"), 2, 11)),)
    assert legacy.samples == (Sample("Orders", str(LEGACY / "Inputs" / "orders-sample.json"), "json",
                                     Where(str(LEGACY / "Inputs" / "local_Orders.json"), 5, 15)),)


def test_vs_project_without_namespace_start_file_or_subtype_element():
    plain = JOBS / "vs" / "plain"
    job = read_vs_project(str(plain / "Plain.asaproj"))
    assert job.query.file == str(plain / "Main.asaql")   # the single <Script Include>
    assert job.name == "Plain"
    assert [(o.alias, o.kind) for o in job.outputs] == [("Out", "eventhub")]   # SubType attribute
    assert job.identity == Identity("unknown")
    (note,) = job.notes
    assert note.code == "SC609"
    assert note.message.startswith("Output file Outputs\\Missing.json does not exist")
    assert at(note.where) == ("Plain.asaproj", 4, 25)


def test_vs_project_several_scripts_and_no_start_file(tmp_path):
    write(tmp_path, "a.asaql", "SELECT 1 INTO o FROM i")
    path = write(tmp_path, "Job.asaproj", '<Project><ItemGroup><Script Include="a.asaql"/>'
                                          '<Script Include="b.asaql"/></ItemGroup></Project>')
    error = error_of(read_vs_project, path)
    assert "a.asaql, b.asaql" in error.message and "<StartFile>" in error.message


def test_vs_project_without_any_script_uses_the_only_query(tmp_path):
    write(tmp_path, "Only.asaql", "SELECT 1 INTO o FROM i")
    path = write(tmp_path, "Job.asaproj", "<Project />")
    job = read_vs_project(str(path))
    assert job.query.file == str(tmp_path / "Only.asaql")
    (note,) = job.notes
    assert note.code == "SC609" and "Only.asaql" in note.message


def test_vs_project_other_root_element(tmp_path):
    error = error_of(read_vs_project, write(tmp_path, "Job.asaproj", "<Solution/>"))
    assert "<Solution>" in error.message and (error.line, error.column) == (1, 1)


def test_vs_doctype_is_refused_before_parsing():
    error = error_of(read_vs_project, JOBS / "vs" / "doctype" / "Job.asaproj")
    assert "DOCTYPE" in error.message
    assert (error.line, error.column) == (2, 1)


def test_vs_entity_without_doctype_is_refused(tmp_path):
    path = write(tmp_path, "Job.asaproj", '<Project>\n  <!ENTITY x "y">\n</Project>')
    error = error_of(read_vs_project, path)
    assert "ENTITY" in error.message and (error.line, error.column) == (2, 3)


def test_vs_doctype_in_a_comment_is_harmless(tmp_path):
    write(tmp_path, "Script.asaql", "SELECT 1 INTO o FROM i")
    path = write(tmp_path, "Job.asaproj", "<Project><!-- <!DOCTYPE x> --><PropertyGroup>"
                                          "<StartFile>Script.asaql</StartFile></PropertyGroup></Project>")
    assert read_vs_project(str(path)).query.file == str(tmp_path / "Script.asaql")


def test_vs_malformed_xml_is_located():
    error = error_of(read_vs_project, JOBS / "vs" / "malformed" / "Job.asaproj")
    assert error.message.startswith("not valid XML (mismatched tag)")
    assert (error.line, error.column) == (8, 5)


def test_vs_missing_start_file_is_located(tmp_path):
    write(tmp_path, "Other.asaql", "SELECT 1 INTO o FROM i")
    path = write(tmp_path, "Job.asaproj", "<Project>\n  <PropertyGroup>\n    <StartFile>Gone.asaql</StartFile>\n"
                                          "  </PropertyGroup>\n</Project>\n")
    error = error_of(read_vs_project, path)
    assert "Gone.asaql" in error.message and "Other.asaql" in error.message
    assert (error.line, error.column) == (3, 16)


# ---- 3. parts that cannot be used: notes -------------------------------------------------------


@pytest.fixture(scope="module")
def partial() -> Job:
    return read_vscode_project(str(PARTIAL / "asaproj.json"))


def test_missing_and_broken_output_files_are_notes_at_their_entry(partial):
    assert [o.alias for o in partial.outputs] == ["Kept"]
    notes = [n for n in partial.notes if n.message.startswith("Output file")]
    assert [(n.code, at(n.where)) for n in notes] == [("SC609", ("asaproj.json", 5, 19)),
                                                      ("SC609", ("asaproj.json", 6, 19))]
    assert "Outputs/Gone.json does not exist" in notes[0].message and "'Gone'" in notes[0].message
    assert "Outputs/Broken.json cannot be read (line 4, column 1: not valid JSON" in notes[1].message


def test_output_detected_as_adx_from_its_properties_block(partial):
    assert partial.outputs[0] == Output("Kept", "adx", "Kusto", "https://keep.kusto.windows.net", "Db", "Kept",
                                        None, Where(str(PARTIAL / "Outputs" / "Kept.json"), 2, 11))


def test_unknown_subtype_and_malformed_entries(partial):
    messages = {n.message: at(n.where) for n in partial.notes}
    unknown = next(m for m in messages if "ReferenceMock" in m)
    assert messages[unknown] == ("asaproj.json", 7, 55)          # the subType value
    assert "the file is not read" in unknown
    assert any("names no file" in m for m in messages)
    assert any("is not a {filePath, subType} object" in m for m in messages)


def test_mock_notes(partial):
    messages = [n.message for n in partial.notes if n.message.startswith("InputMock")]
    assert any("CustomClr format are not read" in m for m in messages)
    assert any("no-such-sample.csv does not exist" in m for m in messages)
    assert partial.samples == ()


def test_functions_missing_definition_or_type(partial):
    assert partial.functions == (
        Function("halfDone", None, False, Where(str(PARTIAL / "asaproj.json"), 10, 19), unread=True),
        Function("untyped", None, True, Where(str(PARTIAL / "Functions" / "untyped.js.json"), 1, 11)),
        Function("summarise", "record", False, Where(str(PARTIAL / "Functions" / "summarise.json"), 1, 67)),
    )
    assert any(n.message.startswith("JSFunction file Functions/halfDone.js") for n in partial.notes)


def test_user_assigned_identity_described_in_job_config(partial):
    assert partial.identity.kind == "user"
    assert partial.identity.resources[0].endswith("/userAssignedIdentities/asa-writer")
    assert at(partial.identity.where) == ("JobConfig.json", 4, 15)


def test_every_note_is_a_job_file_problem(partial, telemetry, legacy):
    assert all(n.code == "SC609" for n in partial.notes)
    assert len(partial.notes) == 8
    assert telemetry.notes == legacy.notes == ()


@pytest.mark.parametrize("subtype", ["Input", "InputMock", "Output", "JobConfig", "JSFunction", "CSharpFunction"])
def test_a_listed_file_missing_is_a_note_starting_with_its_subtype(tmp_path, subtype):
    job = read_vscode_project(project(tmp_path, [{"filePath": "Gone\\x.json", "subType": subtype}]))
    (note,) = job.notes
    assert note.code == "SC609"
    assert note.message.startswith(f"{subtype} file Gone\\x.json does not exist; ")
    assert at(note.where) == ("asaproj.json", 6, 19)


@pytest.mark.parametrize("content", ["", "\x00binary", "[1, 2]", "{\"Name\": "])
def test_a_listed_file_unusable_is_a_note(tmp_path, content):
    job = with_file(tmp_path, "Output", "Outputs/o.json", content)
    (note,) = job.notes
    assert note.message.startswith("Output file Outputs/o.json ")
    assert job.outputs == ()


@pytest.mark.parametrize("name", [None, "", {"a": 1}])
def test_output_without_a_name_is_a_note_in_its_file(tmp_path, name):
    job = with_file(tmp_path, "Output", "Outputs/o.json", {"DataSourceType": "Event Hub", "Name": name})
    (note,) = job.notes
    assert note.message.startswith("Output file Outputs/o.json has ")
    assert at(note.where) == ("o.json", 3, 11)


def test_second_job_config_is_ignored_with_a_note(tmp_path):
    write(tmp_path, "One.json", {"DataLocale": "en-US"})
    write(tmp_path, "Two.json", {"DataLocale": "fr-FR"})
    job = read_vscode_project(project(tmp_path, [{"filePath": "One.json", "subType": "JobConfig"},
                                                 {"filePath": "Two.json", "subType": "JobConfig"}]))
    assert job.data_locale.value == "en-US"
    (note,) = job.notes
    assert "second job configuration" in note.message


def test_job_config_value_that_is_not_scalar(tmp_path):
    job = with_file(tmp_path, "JobConfig", "JobConfig.json", {"CompatibilityLevel": {"v": "1.2"}, "DataLocale": None})
    assert job.compat_level == Setting() and job.data_locale == Setting()
    (note,) = job.notes
    assert "CompatibilityLevel is not a single value" in note.message


# ---- 4. unusable project files: InputError -----------------------------------------------------


def test_missing_start_file_lists_the_queries_there():
    error = error_of(read_vscode_project, JOBS / "vscode" / "missing_start" / "asaproj.json")
    assert error.message == ("startFile Job.asaql of project renamed-query does not exist; the .asaql files "
                             "next to it are: Draft.asaql, Renamed.asaql; point the project at the query the job runs")
    assert (error.line, error.column) == (3, 16)
    assert str(error).startswith(str(JOBS / "vscode" / "missing_start" / "asaproj.json") + ":3:16: ")


def test_missing_start_file_and_no_query_at_all(tmp_path):
    path = write(tmp_path, "asaproj.json", {"startFile": "Job.asaql"})
    error = error_of(read_vscode_project, path)
    assert error.message.endswith("there is no .asaql file next to it: create the query, or point the project at it")


def test_start_file_absent_uses_the_only_query_with_a_note(tmp_path):
    write(tmp_path, "Only.asaql", "SELECT 1 INTO o FROM i")
    job = read_vscode_project(project(tmp_path, [], start=None))
    assert job.query.file == str(tmp_path / "Only.asaql")
    (note,) = job.notes
    assert note.code == "SC609" and "Only.asaql" in note.message and at(note.where) == ("asaproj.json", 1, 1)


@pytest.mark.parametrize("queries", [[], ["a.asaql", "b.asaql"]])
def test_start_file_absent_and_not_one_query(tmp_path, queries):
    for name in queries:
        write(tmp_path, name, "SELECT 1 INTO o FROM i")
    error = error_of(read_vscode_project, project(tmp_path, [], start=None))
    assert "names no start file" in error.message
    assert ("a.asaql, b.asaql" in error.message) if queries else ("no .asaql file" in error.message)


def test_start_file_not_a_string(tmp_path):
    error = error_of(read_vscode_project, write(tmp_path, "asaproj.json", '{\n "startFile": 7}'))
    assert "startFile is not a file name" in error.message and (error.line, error.column) == (2, 15)


def test_project_not_json_is_located():
    error = error_of(read_vscode_project, JOBS / "vscode" / "not_json" / "asaproj.json")
    assert "not valid JSON" in error.message and (error.line, error.column) == (7, 5)


@pytest.mark.parametrize("text, where", [("[]", (1, 1)), ('{"startFile": "Job.asaql",\n "configurations": {}}', (2, 20))])
def test_project_of_the_wrong_shape(tmp_path, text, where):
    write(tmp_path, "Job.asaql", "SELECT 1 INTO o FROM i")
    error = error_of(read_vscode_project, write(tmp_path, "asaproj.json", text))
    assert (error.line, error.column) == where


def test_project_file_missing(tmp_path):
    error = error_of(read_vscode_project, tmp_path / "asaproj.json")
    assert error.message == "no such file"


def test_empty_query_file_is_an_input_error(tmp_path):
    path = project(tmp_path, [])
    write(tmp_path, "Job.asaql", "  \n")
    error = error_of(read_vscode_project, path)
    assert error.file == str(tmp_path / "Job.asaql")


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
    ({"Name": "i", "Serialization": {"Type": "Avro"}, "FilePath": "data.json"}, None, "Avro format are not read"),
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
