"""The command line on whole jobs: a project, a template, a query inside a project, a folder
of them, and the same job reached several ways; --live, doctor and snapshot from a job."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from support.kusto_server import Database, FakeCluster, Principal, Table

CASES = FIXTURES / "jobs" / "cases"
CLEAN = CASES / "vscode-clean"


def diagnostics(out: str) -> list[tuple]:
    return [(d["code"], Path(d["file"]).name, d["line"], d["column"], d["output"])
            for f in json.loads(out)["files"] for d in f["diagnostics"]]


def files(out: str) -> list[dict]:
    return json.loads(out)["files"]


def test_a_query_inside_a_project_is_checked_with_the_project(tmp_path):
    code, by_project, _ = run_cli("check", str(CASES / "vscode-level-1-0"), "--format", "json")
    code_alone, by_query, err = run_cli("check", str(CASES / "vscode-level-1-0" / "Meters.asaql"), "--format", "json")
    assert err == "" and code == code_alone == 1
    assert diagnostics(by_query) == diagnostics(by_project)
    (entry,) = files(by_query)
    assert entry["job"]["form"] == "vscode" and entry["job"]["compat_level"] == "1.0"
    assert entry["job"]["compat_level_from"].endswith("JobConfig.json:6")
    # the same query copied out of the project is a lone query, checked at the default level
    shutil.copy(CASES / "vscode-level-1-0" / "Meters.asaql", tmp_path / "Meters.asaql")
    _, out, _ = run_cli("check", str(tmp_path / "Meters.asaql"), "--format", "json")
    assert files(out)[0]["job"] is None


def test_every_file_a_hook_passes_for_one_project_is_one_job():
    project = CASES / "vscode-problems"
    paths = [project / "asaproj.json", project / "JobConfig.json", project / "Outputs" / "adx-climate.json",
             project / "Greenhouse.asaql", project / "schemas" / "Climate.kql", project / "Functions" / "dewPoint.js",
             project]
    code, out, err = run_cli("check", *map(str, paths), "--format", "json")
    assert err == "" and code == 1
    (entry,) = files(out)
    assert entry["job"]["name"] == "greenhouse"


def test_a_folder_of_jobs_reports_each_once():
    code, out, err = run_cli("check", str(CASES), str(CLEAN / "ColdChain.asaql"), "--format", "json")
    assert err == "" and code == 1
    names = [f["job"]["name"] for f in files(out)]
    assert sorted(names) == ["ParcelScan", "cold-chain", "greenhouse", "meter-readings", "payments-asa"]


def test_a_template_deploying_a_project_is_the_same_job(tmp_path):
    project = tmp_path / "cold-chain"
    shutil.copytree(CLEAN, project)
    query = (project / "ColdChain.asaql").read_text(encoding="utf-8").replace("\n", "\r\n")
    outputs = [{"name": alias, "properties": {"datasource": {"type": "Microsoft.Kusto/clusters/databases",
                                                               "properties": {"cluster": "https://c.kusto.windows.net",
                                                                              "database": "coldchain", "table": table,
                                                                              "authenticationMode": "Msi"}}}}
               for alias, table in (("adx-events", "TruckEvents"), ("adx-hourly", "HourlyTemperatures"))]
    outputs.append({"name": "cold-archive", "properties": {"datasource": {"type": "Microsoft.Storage/Blob"}}})
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "resources": [{"type": "Microsoft.StreamAnalytics/streamingjobs", "name": "cold-chain",
                               "identity": {"type": "SystemAssigned"},
                               "properties": {"compatibilityLevel": "1.2", "outputs": outputs,
                                              "transformation": {"name": "t", "properties": {"query": query}}}}]}
    (project / "Deploy").mkdir()
    (project / "Deploy" / "cold-chain.JobTemplate.json").write_text(json.dumps(template), encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    assert err == "" and code == 0
    (entry,) = files(out)
    assert entry["job"]["form"] == "vscode"
    assert [Path(a).name for a in entry["job"]["also"]] == ["cold-chain.JobTemplate.json"]
    code, text, _ = run_cli("check", str(tmp_path))
    assert "also deployed by" in text.splitlines()[0]


def test_a_template_with_its_parameters_named_or_found_beside_it(tmp_path):
    template = CASES / "arm-template" / "payments.json"
    _, beside, err = run_cli("check", str(template), "--format", "json")
    assert err == ""
    renamed = tmp_path / "prod-values.json"
    shutil.copy(template.with_name("payments.parameters.json"), renamed)
    copied = tmp_path / "payments.json"
    shutil.copy(template, copied)
    shutil.copytree(template.parent / "schemas", tmp_path / "schemas")
    code, named, err = run_cli("check", str(copied), "--parameters", str(renamed), "--format", "json")
    assert err == "" and code == 0
    assert diagnostics(named) == diagnostics(beside)
    assert files(named)[0]["job"]["parameters"] == str(renamed)
    # Without the parameters, the database is unresolved and says so; the table is looked up by name.
    code, alone, err = run_cli("check", str(copied), "--format", "json")
    found = diagnostics(alone)
    assert ("SC608", "payments.json") in {(c, f) for c, f, *_ in found}
    messages = [d["message"] for d in files(alone)[0]["diagnostics"] if d["code"] == "SC608"]
    assert any("parameter 'environment' has no value" in m for m in messages)


def test_parameters_that_no_template_uses_are_warned_about():
    code, _, err = run_cli("check", str(CLEAN), "--parameters", str(CASES / "arm-template" / "payments.parameters.json"))
    assert "no ARM template among the paths uses it" in err


def test_a_terraform_job_without_a_query_is_read_and_says_so(tmp_path):
    (tmp_path / "main.tf").write_text('resource "azurerm_stream_analytics_job" "j" {\n  name = "x"\n}\n')
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    assert (code, err) == (0, "")
    (entry,) = json.loads(out)["files"]
    assert (entry["job"]["form"], entry["job"]["name"]) == ("terraform", "x")
    (note,) = [d for d in entry["diagnostics"] if d["code"] == "SC609"]
    assert note["line"] == 1 and "no transformation_query" in note["message"]


def test_a_bicep_job_without_a_query_is_read_and_says_so(tmp_path):
    bicep = tmp_path / "job.bicep"
    bicep.write_text("resource job 'Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview' = {}\n")
    code, out, err = run_cli("check", str(bicep), "--format", "json")
    assert (code, err) == (0, "")
    (entry,) = json.loads(out)["files"]
    assert entry["job"]["form"] == "bicep"
    notes = [(d["code"], d["line"]) for d in entry["diagnostics"]]
    assert ("SC609", 1) in notes and any("no query" in d["message"] for d in entry["diagnostics"])


def test_a_missing_start_file_names_the_project_and_the_queries_there():
    project = FIXTURES / "jobs" / "vscode" / "missing_start"
    code, out, err = run_cli("check", str(project))
    assert code == 2 and "Traceback" not in err
    assert "asaproj.json:3:" in err and "Job.asaql" in err and "Draft.asaql" in err and "Renamed.asaql" in err


def test_one_bad_project_does_not_hide_the_others(tmp_path):
    shutil.copytree(CLEAN, tmp_path / "good")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "asaproj.json").write_text('{"startFile": "x.asaql", ')
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    assert code == 2
    entries = files(out)
    assert [e.get("error") is not None for e in entries] == [True, False] or \
        [e.get("error") is not None for e in entries] == [False, True]
    assert "not valid JSON" in err and "asaproj.json:1:" in err


def test_infer_uses_the_level_the_functions_and_the_samples_of_the_job():
    code, out, err = run_cli("infer", str(CASES / "vs-legacy"), "--format", "json")
    assert err == "" and code == 0
    (entry,) = files(out)
    columns = {c["name"]: c["type"] for c in entry["outputs"][0]["columns"]}
    assert columns == {"ParcelId": "nvarchar(max)", "Depot": "nvarchar(max)", "Zone": "bigint",
                       "WeightKg": "float", "Fragile": "nvarchar(max)", "SourceFile": "nvarchar(max)"}
    _, out, _ = run_cli("infer", str(CASES / "vscode-level-1-0"), "--format", "json")
    assert [c["name"] for c in files(out)[0]["outputs"][0]["columns"]] == ["meterid", "kwh", "readat"]
    # --compat-level still wins over the job's
    _, out, _ = run_cli("infer", str(CASES / "vscode-level-1-0"), "--compat-level", "1.2", "--format", "json")
    assert [c["name"] for c in files(out)[0]["outputs"][0]["columns"]] == ["MeterId", "Kwh", "ReadAt"]


def test_a_template_query_is_reported_at_its_place_in_the_template():
    code, out, _ = run_cli("check", str(CASES / "arm-template"))
    template = (CASES / "arm-template" / "payments.json").read_text(encoding="utf-8").splitlines()
    warning = next(line for line in out.splitlines() if line.startswith("  --> ") and "payments.json:" in line)
    line, column = map(int, warning.rsplit(":", 2)[1:])
    assert template[line - 1][column - 1:].startswith("[adx-declines]")   # SC203, at the statement's INTO


# ---- live mode, doctor and snapshot from a job --------------------------------------------------------------------

def coldchain(principals=()) -> dict:
    events = Table("TruckEvents", [("truckId", "string"), ("fahrenheit", "real"), ("doorOpen", "bool"),
                                   ("route", "string"), ("EventProcessedUtcTime", "datetime"),
                                   ("EventEnqueuedUtcTime", "datetime"), ("PartitionId", "long")])
    hourly = Table("HourlyTemperatures", [("Route", "string"), ("HourEnd", "datetime"), ("AvgCelsius", "real"),
                                          ("MaxCelsius", "real"), ("Readings", "long")])
    return {"coldchain": Database("coldchain", {"TruckEvents": events, "HourlyTemperatures": hourly},
                                  list(principals))}


def project_on(cluster: FakeCluster, tmp_path: Path, identity: bool = True) -> Path:
    project = tmp_path / "cold-chain"
    shutil.copytree(CLEAN, project)
    for name in ("adx-events.json", "adx-hourly.json"):
        path = project / "Outputs" / name
        path.write_text(path.read_text().replace("https://coldchain.westeurope.kusto.windows.net", cluster.url))
    if not identity:
        config = project / "JobConfig.json"
        config.write_text(config.read_text().replace('"UseSystemAssignedIdentity": true',
                                                     '"UseSystemAssignedIdentity": false'))
    return project


def test_check_live_reads_the_cluster_the_project_names(tmp_path):
    with FakeCluster(coldchain()) as cluster:
        project = project_on(cluster, tmp_path)
        offline_code, offline, _ = run_cli("check", str(project), "--format", "json")
        code, live, err = run_cli("check", str(project), "--live", "--auth", "none", "--format", "json")
        assert err == "" and code == offline_code == 0
        assert diagnostics(live) == diagnostics(offline)
        # one request per table (two tables: per-table requests, run concurrently), nothing but .show
        assert sorted(cluster.commands()) == [".show table ['HourlyTemperatures'] schema as json",
                                              ".show table ['TruckEvents'] schema as json"]


def test_doctor_looks_for_the_jobs_own_identity(tmp_path):
    granted = [Principal(role, "AAD Application", "cold-chain", "5b1e7a52-0d55-4a0e-9d6f-3f1c2b7a8e90",
                         "aadapp=2f4c1d3e-8b9a-4c7d-a1e2-f3b4c5d6e7f8;72f988bf-86f1-41af-91ab-2d7cd011db47")
               for role in ("Ingestor", "Monitor")]
    with FakeCluster(coldchain(granted)) as cluster:
        project = project_on(cluster, tmp_path)
        code, out, err = run_cli("doctor", str(project), "--auth", "none", "--format", "json")
        assert code == 0, out + err
        identity = [next(i for i in r["items"] if i["name"] == "identity") for r in json.loads(out)["reports"]]
        assert {i["status"] for i in identity} == {"pass"}
        assert all("named like the job cold-chain" in i["reason"] and "heuristic" in i["reason"] for i in identity)
        assert ".show database ['coldchain'] principals" in cluster.commands()


def test_doctor_says_a_job_without_identity_cannot_write_to_adx(tmp_path):
    with FakeCluster(coldchain()) as cluster:
        project = project_on(cluster, tmp_path, identity=False)
        code, out, _ = run_cli("doctor", str(project), "--auth", "none", "--format", "json")
        assert code == 1
        identity = next(i for i in json.loads(out)["reports"][0]["items"] if i["name"] == "identity")
        assert identity["status"] == "fail" and "has no managed identity" in identity["reason"]


def test_snapshot_of_a_project_writes_its_schemas_folder(tmp_path):
    with FakeCluster(coldchain()) as cluster:
        project = project_on(cluster, tmp_path)
        shutil.rmtree(project / "schemas")
        code, out, err = run_cli("snapshot", str(project), "--auth", "none")
        assert code == 0, err
        written = sorted(p.name for p in (project / "schemas").rglob("*.json"))
        assert len(written) == 2 and any("TruckEvents" in name for name in written)
        code, offline, err = run_cli("check", str(project), "--format", "json")
        assert err == "" and code == 0


@pytest.mark.parametrize("name", ["vscode-clean", "vs-legacy", "arm-template"])
def test_every_case_runs_with_no_flag_as_text(name):
    code, out, err = run_cli("check", str(CASES / name))
    assert err == "" and code in (0, 1)
    assert out.splitlines()[0].endswith(")") and "job " in out.splitlines()[0]


def test_check_live_reads_the_cluster_a_template_parameter_names(tmp_path):
    template = CASES / "arm-template"
    payments = Database("payments_prod", {
        "MerchantDeclines": Table("MerchantDeclines", [("MerchantId", "string"), ("MinuteEnd", "datetime"),
                                                       ("Declines", "long"), ("RiskBand", "string")]),
        "Payments": Table("Payments", [("PaymentId", "string"), ("MerchantId", "string"), ("Amount", "decimal"),
                                       ("Currency", "string"), ("ReceivedAt", "datetime")])})
    with FakeCluster({"payments_prod": payments}) as cluster:
        shutil.copy(template / "payments.json", tmp_path / "payments.json")
        parameters = json.loads((template / "payments.parameters.json").read_text())
        parameters["parameters"]["adxCluster"]["value"] = cluster.url
        (tmp_path / "prod.json").write_text(json.dumps(parameters))
        code, live, err = run_cli("check", str(tmp_path / "payments.json"), "--parameters", str(tmp_path / "prod.json"),
                                  "--live", "--auth", "none", "--format", "json")
        assert err == "" and code == 0
        _, offline, _ = run_cli("check", str(template / "payments.json"), "--format", "json")
        assert diagnostics(live) == diagnostics(offline)
        assert sorted(cluster.commands()) == [".show table ['MerchantDeclines'] schema as json",
                                              ".show table ['Payments'] schema as json"]
        assert {r.db for r in cluster.requests} == {"payments_prod"}


def test_a_snapshot_beside_hand_written_schemas_is_the_one_compared(tmp_path):
    with FakeCluster(coldchain()) as cluster:
        project = project_on(cluster, tmp_path)
        code, _, err = run_cli("snapshot", str(project), "--auth", "none")
        assert code == 0, err
        _, out, _ = run_cli("check", str(project), "--format", "json")
        tables = {o["output"]: (o["database"], Path(o["table_file"]).parent.name) for o in files(out)[0]["outputs"]
                  if o["table"]}
        # the snapshot names the database; the hand-written script in schemas/ does not
        assert tables == {"adx-events": ("coldchain", "coldchain"), "adx-hourly": ("coldchain", "coldchain")}


def test_a_query_the_project_does_not_run_is_checked_with_its_settings(tmp_path):
    project = tmp_path / "meters"
    shutil.copytree(CASES / "vscode-level-1-0", project)
    (project / "Draft.asaql").write_text("SELECT CAST(kwh AS float) AS kwh INTO readings FROM meters\n")
    code, out, err = run_cli("check", str(project / "Draft.asaql"), "--format", "json")
    assert err == "" and code == 1
    (entry,) = files(out)
    assert entry["job"]["start_file"] == str(project / "Meters.asaql") and entry["job"]["compat_level"] == "1.0"
    # the project's level and table apply; outputs the draft does not write are no finding
    assert [d[0] for d in diagnostics(out)] == ["SC102", "SC103", "SC103", "SC607"]
    _, out, _ = run_cli("check", str(project), "--format", "json")
    assert sorted(Path(f["file"]).name for f in files(out)) == ["Draft.asaql", "Meters.asaql"]


def test_parameters_named_params_json_are_paired_and_stand_for_their_template(tmp_path):
    template = CASES / "arm-template"
    shutil.copy(template / "payments.json", tmp_path / "payments.json")
    shutil.copy(template / "payments.parameters.json", tmp_path / "payments.params.json")
    shutil.copytree(template / "schemas", tmp_path / "schemas")
    _, expected, _ = run_cli("check", str(template), "--format", "json")
    for path in (tmp_path, tmp_path / "payments.json", tmp_path / "payments.params.json"):
        code, out, err = run_cli("check", str(path), "--format", "json")
        assert err == "" and code == 0, path
        assert files(out)[0]["job"]["parameters"] == str(tmp_path / "payments.params.json")
        assert diagnostics(out) == diagnostics(expected)


@pytest.mark.parametrize("template, parameters", [
    ("template.json", "parameters.json"),                                  # the portal's "Export template"
    ("Payments.JobTemplate.json", "PaymentsEdge.JobTemplate.parameters.json"),   # cicd build, renamed project
])
def test_other_parameter_file_names_beside_a_template(tmp_path, template, parameters):
    case = CASES / "arm-template"
    shutil.copy(case / "payments.json", tmp_path / template)
    shutil.copy(case / "payments.parameters.json", tmp_path / parameters)
    shutil.copytree(case / "schemas", tmp_path / "schemas")
    for path in (tmp_path, tmp_path / template, tmp_path / parameters):
        code, out, err = run_cli("check", str(path), "--format", "json")
        assert err == "" and code == 0, (path, err)
        (entry,) = files(out)
        assert Path(entry["job"]["parameters"]).name == parameters


def test_a_folder_with_both_project_formats_for_one_query_is_one_job(tmp_path):
    shutil.copytree(CASES / "vscode-level-1-0", tmp_path / "p")
    (tmp_path / "p" / "Meters.asaproj").write_text(
        '<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup>'
        '<StartFile>Meters.asaql</StartFile></PropertyGroup></Project>')
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    (entry,) = files(out)
    assert entry["job"]["form"] == "vscode"


def test_a_local_run_project_without_outputs_does_not_call_its_into_undefined(tmp_path):
    project = tmp_path / "local"
    project.mkdir()
    (project / "q.asaql").write_text("SELECT * INTO [local-out] FROM events\n")
    (project / "asaproj.json").write_text('{"name": "local", "startFile": "q.asaql", "configurations": []}')
    code, out, err = run_cli("check", str(project), "--format", "json")
    assert "SC601" not in [d[0] for d in diagnostics(out)]


def test_a_statement_without_into_goes_to_the_only_output_else_needs_into(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(CASES / "vscode-level-1-0", project)
    query = project / "Meters.asaql"
    query.write_text(query.read_text().replace("INTO readings\n", ""))
    _, out, _ = run_cli("check", str(project), "--format", "json")
    (entry,) = files(out)
    assert [(o["output"], o["status"], o["table"]) for o in entry["outputs"]] == [
        ("readings", "compared", "MeterReadings")]
    assert [d[0] for d in diagnostics(out)].count("SC102") == 3
    # with a second output, the statement must say which: SC601 at the statement
    archive = project / "Outputs" / "archive.json"
    archive.write_text('{"Name": "archive", "DataSourceType": "Blob Storage", "BlobStorageProperties": {}}')
    config = json.loads((project / "asaproj.json").read_text())
    config["configurations"].append({"filePath": "Outputs/archive.json", "subType": "Output"})
    (project / "asaproj.json").write_text(json.dumps(config))
    _, out, _ = run_cli("check", str(project), "--format", "json")
    assert ("SC601", "Meters.asaql", 2, 1, "output") in diagnostics(out)
