"""Reading ASA projects: schemacheck.jobs.project.

1. A VS Code project (tests/fixtures/jobs/vscode/telemetry): every record, value and position.
2. A Visual Studio project (tests/fixtures/jobs/vs/legacy): MSBuild XML, VS-era JSON with
   every `*Properties` key null but one, misspellings, a BOM, Configuration.json.
3. Parts that cannot be used become SC609 notes placed where the user fixes them; the job loads.
4. A project file that cannot be used is one located InputError (exit code 2).

Case by case, find_project_for, properties and shapes met in public projects (5-8) are in
test_jobs_project_cases.py; functions (9) in test_jobs_project_functions.py.
"""

from __future__ import annotations

import os

import pytest

from schemacheck.errors import InputError
from schemacheck.jobs.model import Function, Identity, Input, Job, Output, Sample, Setting, Where
from schemacheck.jobs.project import read_vs_project, read_vscode_project

from support.files import write
from support.jobs import JOBS, LEGACY, PARTIAL, TELEMETRY, at, project, with_file


# ---- helpers ---------------------------------------------------------------------------------


def error_of(reader, path) -> InputError:
    with pytest.raises(InputError) as info:
        reader(str(path))
    assert info.value.exit_code == 2
    return info.value


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
    assert blob._replace(settings=()) == Output("Archive", "blob", "Blob Storage",
                                                where=Where(str(TELEMETRY / "Outputs" / "Archive.json"), 2, 11))
    assert [s.name for s in blob.settings] == ["pathPattern", "dateFormat", "timeFormat", "serialization", "format"]


def test_vscode_inputs(telemetry):
    assert telemetry.inputs == (
        Input("DeviceEvents", "eventhub", True, "Event Hub", Where(str(TELEMETRY / "Inputs" / "DeviceEvents.json"), 2, 11),
              "json"),
        Input("PlantSensors", "iothub", True, "IoT Hub", Where(str(TELEMETRY / "Inputs" / "PlantSensors.json"), 2, 11),
              "csv"),
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
                                   Where(str(LEGACY / "Inputs" / "Orders.json"), 17, 11), "json"),)
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
