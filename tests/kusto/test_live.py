"""Live mode with the real azure-kusto-data client against a local fake cluster (tests/support/kusto_server.py):
check --live, every failure, read-only commands, authentication, snapshot and doctor."""

from __future__ import annotations

import json
import socket

import pytest

pytest.importorskip("azure.kusto.data")

from conftest import ROOT, run_cli  # noqa: E402
from support.kusto_server import (  # noqa: E402
    FLEET_APP_FQN, FLEET_APP_ID, FLEET_APP_OBJECT_ID, STREAMING_DISABLED, Fault, FakeCluster, Principal,
    sample_databases)
from schemacheck.errors import UsageError  # noqa: E402
from schemacheck.kusto import live  # noqa: E402

SAMPLE = str(ROOT / "samples" / "fleet-telemetry" / "FleetTelemetry.asaql")


@pytest.fixture
def cluster():
    with FakeCluster(sample_databases()) as fake:
        yield fake


def rename(cluster, old: str, new: str) -> None:
    tables = cluster.databases["fleet"].tables
    table = tables.pop(old)
    table.name = new
    tables[new] = table


def live_check(cluster, *extra):
    return run_cli("check", SAMPLE, "--live", "--cluster", cluster.url, "--auth", "none", "--format", "json", *extra)


def findings(out: str) -> list[tuple]:
    return [(d["code"], d["line"], d["column"], d["query_column"], d["table_column"], d["expected_type"],
             d["actual_type"], d["fix"], d["message"])
            for f in json.loads(out)["files"] for d in f["diagnostics"]]


# ---- check --live ----------------------------------------------------------------------

def test_live_check_reads_each_table_once_and_only_with_show(cluster):
    code, out, err = live_check(cluster)
    assert (code, err) == (1, "")
    assert sorted(cluster.commands()) == [".show table ['OverheatAlerts'] schema as json",
                                          ".show table ['VehicleReadings'] schema as json"]
    assert cluster.non_show_commands() == []
    assert all(r.db == "fleet" for r in cluster.requests if r.csl)
    assert all((r.properties or {}).get("Options", {}).get("request_readonly") is True
               for r in cluster.requests if r.csl)


def test_snapshot_then_offline_check_gives_the_live_diagnostics(cluster, tmp_path):
    code, live_out, _ = live_check(cluster)
    assert code == 1
    code, out, _ = run_cli("snapshot", SAMPLE, "--cluster", cluster.url, "--auth", "none", "--out", str(tmp_path))
    assert code == 0 and out.count("wrote ") == 2
    # The SQL output's table comes from its DDL in both runs (the cluster holds only the ADX tables).
    ddl = str(ROOT / "samples" / "fleet-telemetry" / "schemas" / "FleetOps")
    code, offline_out, _ = run_cli("check", SAMPLE, "--schema", str(tmp_path), "--schema", ddl, "--format", "json")
    assert code == 1
    assert findings(offline_out) == findings(live_out)
    # and the same codes, places and columns as against the sample's own saved schemas
    code, sample_out, _ = run_cli("check", SAMPLE, "--format", "json")
    assert [f[:7] for f in findings(sample_out)] == [f[:7] for f in findings(live_out)]


def test_a_table_that_does_not_exist_is_sc501_with_the_near_miss(cluster):
    rename(cluster, "OverheatAlerts", "Overheatalerts")
    for style in ("400", "404"):
        cluster.missing_table_style = style
        code, out, _ = live_check(cluster)
        assert code == 1
        missing = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC501"]
        assert len(missing) == 1 and "did you mean Overheatalerts?" in missing[0]["message"]


def test_an_ingestion_uri_is_turned_into_the_engine_uri():
    assert live.engine_url("https://ingest-fleet.westeurope.kusto.windows.net/") == (
        "https://fleet.westeurope.kusto.windows.net",
        "https://ingest-fleet.westeurope.kusto.windows.net/ is an ingestion URI; reading schemas from the engine, "
        "https://fleet.westeurope.kusto.windows.net")
    assert live.engine_url("fleet.westeurope.kusto.windows.net") == ("https://fleet.westeurope.kusto.windows.net", None)
    with pytest.raises(UsageError):
        live.engine_url("fleet")


# ---- failures: one message each, exit 3 ------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("fault, words", [
    (Fault.unauthorized(), "not authenticated (401)"),
    (Fault.forbidden(), "access denied (403)"),
    (Fault.not_json(400), "unexpected response (HTTP 400, not a Kusto JSON answer)"),
    (Fault.not_json(502, times=10, match="OverheatAlerts"), "the cluster failed (HTTP 502) 4 times (not JSON)"),
    (Fault.close_connection(), "cannot reach"),
    (Fault.server_error(500, times=10, match="OverheatAlerts"), "the cluster failed (HTTP 500) 4 times"),
    (Fault.throttle(times=10, retry_after=0, match="OverheatAlerts"),
     "kept throttling the request (429) after 4 attempts"),
])
def test_each_failure_is_one_message_and_exit_3(cluster, fault, words):
    cluster.faults.append(fault)
    code, out, err = live_check(cluster)
    assert code == 3 and out == ""
    assert err.startswith("schemacheck: error: ") and words in err and err.count("\n") == 1
    assert cluster.url in err and "Traceback" not in err


def test_a_missing_database_is_named(cluster):
    cluster.databases.pop("fleet")
    code, _, err = live_check(cluster)
    assert code == 3 and "database fleet does not exist on " + cluster.url in err


def test_connection_refused():
    code, _, err = run_cli("check", SAMPLE, "--live", "--cluster", f"http://127.0.0.1:{_closed_port()}",
                           "--auth", "none")
    assert code == 3 and "refused the connection" in err


def test_a_cluster_that_does_not_answer_times_out(cluster):
    cluster.faults.append(Fault.hang(5, times=8))
    code, _, err = live_check(cluster, "--timeout", "1")
    assert code == 3 and "no answer within 1 s (--timeout)" in err


def test_throttling_and_server_errors_are_retried_until_the_cluster_recovers(cluster):
    cluster.faults.append(Fault.throttle(times=2, retry_after=0, match="OverheatAlerts"))
    cluster.faults.append(Fault.server_error(503, times=1, match="VehicleReadings"))
    code, out, _ = live_check(cluster)
    _, offline, _ = run_cli("check", SAMPLE, "--format", "json")
    # The saved schemas name no database, the cluster's do: messages differ, findings not.
    assert code == 1 and [f[:7] for f in findings(out)] == [f[:7] for f in findings(offline)]
    assert len(findings(out)) == 11
    assert cluster.faults == []
    assert len([c for c in cluster.commands() if "OverheatAlerts" in c]) == 3


def test_dns_failures_are_recognised():
    import requests
    from azure.kusto.data.exceptions import KustoNetworkError
    from urllib3.exceptions import NameResolutionError

    error = KustoNetworkError("http://fleet.invalid/v1/rest/mgmt")
    error.__cause__ = requests.exceptions.ConnectionError(NameResolutionError("fleet.invalid", None, "no name"))
    assert live.classify(error).kind == "dns"


# ---- read-only, names, secrets ----------------------------------------------------------

@pytest.mark.parametrize("command", [".drop table ['T']", ".create table T (a:int)", "T | take 1",
                                     ".show tables\n.drop table T", ".set T <| print 1"])
def test_only_single_line_show_commands_can_be_sent(cluster, command):
    with live.Cluster(cluster.url, "none") as connection:
        with pytest.raises(ValueError, match="only single-line .show"):
            connection.show("fleet", command)
    assert cluster.requests == []


@pytest.mark.parametrize("name", ["a'b", "x]; .drop table y", "__reserved", "", "new\nline", "a" * 1025])
def test_names_outside_kustos_rules_are_refused(cluster, name):
    with live.Cluster(cluster.url, "none") as connection:
        with pytest.raises(UsageError, match="not a valid Kusto name"):
            connection.table_schema("fleet", name)
    assert cluster.requests == []


def test_no_token_or_secret_reaches_the_output(cluster, tmp_path):
    class Credential:
        def get_token(self, *scopes, **kwargs):
            from azure.core.credentials import AccessToken

            return AccessToken("tok3n-very-s3cret", 4_102_444_800)

        def close(self):
            pass

    cluster.faults.append(Fault.forbidden())
    connection = live.Cluster(cluster.url, "service-principal", {"AZURE_CLIENT_ID": "c", "AZURE_TENANT_ID": "t",
                                                                 "AZURE_CLIENT_SECRET": "p4ssw0rd"},
                              credential=Credential())
    with connection, pytest.raises(live.ClusterError) as caught:
        connection.table_schema("fleet", "OverheatAlerts")
    assert cluster.requests[-1].headers.get("Authorization") == "Bearer tok3n-very-s3cret"
    message = str(caught.value)
    assert "tok3n" not in message and "p4ssw0rd" not in message and "access denied (403)" in message
    assert "p4ssw0rd" not in repr(connection.spec)


# ---- authentication -------------------------------------------------------------------------

SP_ENV = {"AZURE_CLIENT_ID": "app-id", "AZURE_TENANT_ID": "tenant-id", "AZURE_CLIENT_SECRET": "s3cret"}


@pytest.mark.parametrize("auth, credential, arguments", [
    ("default", "DefaultAzureCredential", {}),
    ("az-cli", "AzureCliCredential", {}),
    ("managed-identity", "ManagedIdentityCredential", {}),
    ("managed-identity:0f0e0d0c-0000-0000-0000-000000000001", "ManagedIdentityCredential",
     {"client_id": "0f0e0d0c-0000-0000-0000-000000000001"}),
    ("device-code", "DeviceCodeCredential", {}),
    ("service-principal", "ClientSecretCredential",
     {"tenant_id": "tenant-id", "client_id": "app-id", "client_secret": "s3cret"}),
    ("none", None, {}),
])
def test_each_auth_mode_builds_its_credential(auth, credential, arguments):
    spec = live.credential_spec(auth, SP_ENV)
    assert (spec.credential, dict(spec.arguments)) == (credential, arguments)
    built = live.build_credential(spec)
    assert (type(built).__name__ if built is not None else None) == credential


def test_service_principal_names_the_missing_variables_and_never_takes_a_secret_argument():
    with pytest.raises(UsageError, match="not set: AZURE_TENANT_ID, AZURE_CLIENT_SECRET"):
        live.credential_spec("service-principal", {"AZURE_CLIENT_ID": "x"})
    with pytest.raises(UsageError):
        live.credential_spec("service-principal:s3cret", SP_ENV)


def test_auth_none_is_only_for_http():
    code, _, err = run_cli("check", SAMPLE, "--live", "--cluster", "https://fleet.westeurope.kusto.windows.net",
                           "--auth", "none")
    assert code == 2 and "--auth none is for a local emulator over http://" in err


def test_an_unknown_auth_mode_is_a_usage_error(cluster):
    code, _, err = run_cli("check", SAMPLE, "--live", "--cluster", cluster.url, "--auth", "password")
    assert code == 2 and "--auth 'password': expected one of default, az-cli" in err


# ---- snapshot -------------------------------------------------------------------------------

def test_snapshot_files_are_deterministic_and_hold_names_and_types_only(cluster, tmp_path):
    args = ("snapshot", "--cluster", cluster.url, "--auth", "none", "--database", "fleet", "--table",
            "OverheatAlerts", "--out", str(tmp_path))
    assert run_cli(*args)[:2] == (0, f"wrote {tmp_path / 'fleet' / 'OverheatAlerts.json'}\n")
    first = (tmp_path / "fleet" / "OverheatAlerts.json").read_text()
    assert run_cli(*args)[1] == f"unchanged {tmp_path / 'fleet' / 'OverheatAlerts.json'}\n"
    assert (tmp_path / "fleet" / "OverheatAlerts.json").read_text() == first
    assert '            {"Name": "SensorReading", "Type": "System.Int64", "CslType": "long"},\n' in first
    assert "FetchedOn" not in first and "Bearer" not in first and "Authorization" not in first
    assert json.loads(first)["schemacheck"] == {"Cluster": cluster.url,
                                                "Command": ".show table ['OverheatAlerts'] schema as json"}
    run_cli(*args, "--stamp")
    assert "FetchedOn" in (tmp_path / "fleet" / "OverheatAlerts.json").read_text()


def test_snapshot_check_catches_drift(cluster, tmp_path):
    args = ("snapshot", SAMPLE, "--cluster", cluster.url, "--auth", "none", "--out", str(tmp_path))
    assert run_cli(*args)[0] == 0
    assert run_cli(*args, "--check")[:2] == (0, "no drift: 2 table(s) match the snapshot\n")
    columns = cluster.databases["fleet"].tables["OverheatAlerts"].columns
    columns[3] = ("SensorReading", "real")
    columns.append(("Operator", "string"))
    code, out, _ = run_cli(*args, "--check")
    assert code == 1
    assert "OverheatAlerts: column SensorReading is real on the cluster, long in the snapshot" in out
    assert "OverheatAlerts: column Operator (string) was added on the cluster" in out


# ---- doctor ---------------------------------------------------------------------------------

def doctor(cluster, *extra):
    code, out, err = run_cli("doctor", SAMPLE, "--cluster", cluster.url, "--auth", "none", "--format", "json",
                             *extra)
    assert err == ""
    return code, {(r["table"], i["name"]): (i["status"], i["reason"], i["fix"])
                  for r in json.loads(out)["reports"] for i in r["items"]}


def test_doctor_all_good_except_the_schema(cluster):
    code, items = doctor(cluster, "--principal", FLEET_APP_OBJECT_ID)
    assert code == 1
    assert {k: v[0] for k, v in items.items() if k[0] == "VehicleReadings"} == {
        **{("VehicleReadings", n): "pass" for n in ("cluster", "table", "schema", "identity", "update-policy",
                                                   "streaming", "failures")},
        **{("VehicleReadings", n): "info" for n in ("latency", "ingestion-time")}}
    assert items[("OverheatAlerts", "schema")][0] == "fail"
    assert items[("OverheatAlerts", "streaming")][0] == "info"
    assert "matched by display name" not in items[("VehicleReadings", "identity")][1]


@pytest.mark.parametrize("missing", ["Monitor", "Ingestor"])
def test_doctor_names_the_missing_role(cluster, missing):
    database = cluster.databases["fleet"]
    database.principals = [p for p in database.principals if not (p.object_id == FLEET_APP_OBJECT_ID
                                                                   and p.role == missing)]
    code, items = doctor(cluster, "--principal", FLEET_APP_ID)
    status, reason, fix = items[("VehicleReadings", "identity")]
    assert code == 1 and status == "fail"
    assert f"not Database {missing}" in reason
    assert f".add database ['fleet'] {missing.lower()}s ('{FLEET_APP_FQN}')" in fix and "8 minutes" in fix


def test_doctor_by_display_name_is_labelled_a_heuristic(cluster):
    _, items = doctor(cluster, "--principal", "fleet-telemetry-job")
    assert items[("VehicleReadings", "identity")][0] == "pass"
    assert "matched by display name, a heuristic" in items[("VehicleReadings", "identity")][1]


def test_doctor_when_principals_cannot_be_listed(cluster):
    cluster.faults.append(Fault.forbidden(match="principals"))
    _, items = doctor(cluster, "--principal", FLEET_APP_OBJECT_ID)
    status, reason, _ = items[("VehicleReadings", "identity")]
    assert status == "cannot-tell" and "may not list the principals of fleet" in reason


def test_doctor_when_the_table_is_missing(cluster):
    rename(cluster, "OverheatAlerts", "overheatalerts")
    _, items = doctor(cluster, "--principal", FLEET_APP_OBJECT_ID)
    status, reason, _ = items[("OverheatAlerts", "table")]
    assert status == "fail" and "did you mean overheatalerts? (table names are case-sensitive)" in reason
    assert items[("OverheatAlerts", "schema")][0] == "cannot-tell"


def test_doctor_when_streaming_ingestion_is_off(cluster):
    cluster.databases["fleet"].tables["VehicleReadings"].streaming_policy = STREAMING_DISABLED
    _, items = doctor(cluster, "--principal", FLEET_APP_OBJECT_ID)
    status, reason, fix = items[("VehicleReadings", "streaming")]
    assert status == "info" and "up to 5 minutes" in reason and "policy streamingingestion enable" in fix


def test_doctor_summarises_recent_ingestion_failures(cluster):
    cluster.databases["fleet"].tables["VehicleReadings"].ingestion_failures = [
        {"FailedOn": "2026-11-20T10:00:00Z", "ErrorCode": "Stream_WrongNumberOfFields", "FailureKind": "Permanent",
         "Details": "Stream with id 'x' has a malformed Csv format"},
        {"FailedOn": "2026-11-21T10:00:00Z", "ErrorCode": "Stream_WrongNumberOfFields", "FailureKind": "Permanent",
         "Details": "Stream with id 'y' has a malformed Csv format"},
    ]
    _, items = doctor(cluster, "--principal", FLEET_APP_OBJECT_ID)
    status, reason, _ = items[("VehicleReadings", "failures")]
    assert status == "fail" and "2 ingestion failure(s)" in reason and "Stream_WrongNumberOfFields x2" in reason


def test_doctor_on_an_unreachable_cluster_exits_3():
    code, out, _ = run_cli("doctor", "--cluster", f"http://127.0.0.1:{_closed_port()}", "--auth", "none",
                           "--database", "fleet", "--table", "T")
    assert code == 3
    assert "[FAIL] cluster" in out and "[????] table" in out


def test_doctor_in_text(cluster):
    cluster.databases["fleet"].principals.append(
        Principal("Viewer", "AAD User", "Someone", "99999999-0000-0000-0000-000000000000", "aaduser=9;t"))
    code, out, _ = run_cli("doctor", SAMPLE, "--cluster", cluster.url, "--auth", "none", "--principal",
                           FLEET_APP_OBJECT_ID)
    assert code == 1
    assert out.startswith(f"VehicleReadings in fleet on {cluster.url} (output adx-readings)\n"
                          f"  [pass] cluster        {cluster.url} answers")
    assert "  [FAIL] schema         3 error(s), 2 warning(s)" in out


def test_many_tables_of_one_database_are_read_with_one_request(cluster):
    from support.kusto_server import Table

    tables = cluster.databases["fleet"].tables
    for i in range(12):
        tables[f"Extra{i}"] = Table(f"Extra{i}", [("Id", "long"), ("At", "datetime")])
    with live.Cluster(cluster.url, "none") as connection:
        found = connection.table_schemas("fleet", [f"Extra{i}" for i in range(12)] + ["Missing"])
    assert cluster.commands() == [".show database ['fleet'] schema as json"]
    assert found["Missing"] is None
    assert [(c.name, c.type) for c in found["Extra3"].columns] == [("Id", "long"), ("At", "datetime")]
    assert found["Extra3"].database == "fleet"


def test_a_missing_sdk_is_named_with_the_extra_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "azure.kusto.data", None)
    code, _, err = run_cli("check", SAMPLE, "--live", "--cluster", "http://127.0.0.1:9", "--auth", "none")
    assert code == 2 and "pip install 'schemacheck[live]'" in err


@pytest.mark.parametrize("status, code, message, kind", [
    (404, "NotFound", "Entity name 'fleet' of kind 'Database' does not exist.", "database-missing"),
    (400, "BadRequest_EntityNotFound", "Entity ID 'Alerts' of kind 'Table' was not found.", "table-missing"),
    (404, "NotFound", "Entity name 'Alerts' of kind 'Table' does not exist.", "table-missing"),
    (400, "BadRequest", "Table 'Alerts' could not be found", "table-missing"),
    (400, "NotFound", "Something unknown", "table-missing"),
    (400, "BadRequest_SyntaxError", "Syntax error: unexpected token", "bad-request"),
])
def test_not_found_answers_tell_the_database_from_the_table(cluster, status, code, message, kind):
    body = json.dumps({"error": {"code": code, "message": message, "@message": message}})
    cluster.faults.append(Fault(status=status, body=body))
    with live.Cluster(cluster.url, "none") as connection:
        if kind == "table-missing":
            assert connection.table_schema("fleet", "Alerts") is None
        else:
            with pytest.raises(live.ClusterError) as caught:
                connection.table_schema("fleet", "Alerts")
            assert ("does not exist on" in str(caught.value)) == (kind == "database-missing")


@pytest.mark.parametrize("body", ["<html>oops</html>", '{"foo": 1}', '{"Tables": [{"TableName": "Table_0"}]}',
                                  '{"Tables": []}'])
def test_a_200_answer_that_is_not_the_v1_envelope_is_an_unexpected_response(cluster, body):
    cluster.faults.append(Fault(status=200, body=body))
    with live.Cluster(cluster.url, "none") as connection, pytest.raises(live.ClusterError, match="unexpected"):
        connection.table_schema("fleet", "OverheatAlerts")


def test_doctor_sends_each_database_wide_command_once(cluster):
    doctor(cluster, "--principal", FLEET_APP_OBJECT_ID)
    assert cluster.commands() == [
        ".show tables",
        ".show table ['VehicleReadings'] schema as json",
        ".show database ['fleet'] principals",
        ".show table * policy update",
        ".show table ['VehicleReadings'] policy streamingingestion",
        ".show database ['fleet'] policy streamingingestion",
        ".show table ['VehicleReadings'] policy ingestionbatching",
        ".show database ['fleet'] policy ingestionbatching",
        ".show table ['VehicleReadings'] policy ingestiontime",
        ".show ingestion failures | where Table == 'VehicleReadings'",
        ".show table ['OverheatAlerts'] schema as json",
        ".show table ['OverheatAlerts'] policy streamingingestion",
        ".show table ['OverheatAlerts'] policy ingestionbatching",
        ".show table ['OverheatAlerts'] policy ingestiontime",
        ".show ingestion failures | where Table == 'OverheatAlerts'",
    ]
    assert cluster.non_show_commands() == []


# ---- jobs read from Terraform: live mode, snapshot and doctor take them like any other -------------

TERRAFORM_JOB = str(ROOT / "tests" / "fixtures" / "iac" / "terraform-azapi-adx")


def telemetry_databases():
    from support.kusto_server import Database, Table

    readings = Table("DeviceReadings", [("DeviceId", "string"), ("Temperature", "real"), ("ReadingTime", "datetime")])
    # In the cluster, unlike in the Terraform script, MaxTemperature became real: the live table wins.
    alerts = Table("DeviceAlerts", [("DeviceId", "string"), ("MaxTemperature", "real"), ("WindowEnd", "datetime")])
    return {"telemetry": Database("telemetry", {"DeviceReadings": readings, "DeviceAlerts": alerts})}


def test_a_terraform_job_is_checked_against_the_live_tables_of_its_database():
    with FakeCluster(telemetry_databases()) as fake:
        code, out, err = run_cli("check", TERRAFORM_JOB, "--live", "--cluster", fake.url, "--auth", "none",
                                 "--format", "json")
        assert (code, err) == (0, "")
        assert sorted(fake.commands()) == [".show table ['DeviceAlerts'] schema as json",
                                           ".show table ['DeviceReadings'] schema as json"]
        assert {r.db for r in fake.requests if r.csl} == {"telemetry"}
        (entry,) = json.loads(out)["files"]
        assert [(o["output"], o["status"]) for o in entry["outputs"]] == [("adx-readings", "compared"),
                                                                          ("adx-alerts", "compared")]
        assert "SC201" not in [d["code"] for d in entry["diagnostics"]]   # the script's long is not the truth
        # offline, the Terraform script's tables: MaxTemperature long, so the float is an error
        code, out, _ = run_cli("check", TERRAFORM_JOB, "--format", "json")
        assert code == 1 and "SC201" in [d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]]


def test_snapshot_of_a_terraform_job_saves_the_tables_its_outputs_write(tmp_path):
    with FakeCluster(telemetry_databases()) as fake:
        code, out, err = run_cli("snapshot", TERRAFORM_JOB, "--cluster", fake.url, "--auth", "none",
                                 "--out", str(tmp_path))
    assert (code, err) == (0, "") and out.count("wrote ") == 2
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["DeviceAlerts.json", "DeviceReadings.json"]
