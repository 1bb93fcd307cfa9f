"""The fake ADX cluster (tests/support/kusto_server.py), exercised with the real azure-kusto-data client."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest

pytest.importorskip("azure.kusto.data")

from azure.kusto.data import ClientRequestProperties, KustoClient, KustoConnectionStringBuilder  # noqa: E402
from azure.kusto.data.exceptions import (  # noqa: E402
    KustoApiError,
    KustoNetworkError,
    KustoServiceError,
    KustoThrottlingError,
)
from support.kusto_server import (  # noqa: E402
    STREAMING_ENABLED,
    Database,
    Fault,
    FakeCluster,
    Principal,
    Table,
    running_cluster,
    sample_databases,
)

SCHEMA_COLUMNS = ["TableName", "Schema", "DatabaseName", "Folder", "DocString"]


@pytest.fixture(scope="module")
def cluster():
    with running_cluster(sample_databases()) as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh_state(cluster):
    cluster.databases = sample_databases()
    cluster.faults.clear()
    cluster.requests.clear()
    cluster.missing_table_style = "400"
    cluster.db_schema_csl_types = False
    yield
    cluster.faults.clear()


@pytest.fixture
def client(cluster):
    with KustoClient(KustoConnectionStringBuilder.with_no_authentication(cluster.url)) as c:
        yield c


def names(table) -> list[str]:
    return [c.column_name for c in table.columns]


def rows(table) -> list[dict]:
    return [r.to_dict() for r in table]


# ---- commands ----------------------------------------------------------------------------------------------------


def test_table_schema_as_json(cluster, client):
    t = client.execute_mgmt("fleet", ".show table ['OverheatAlerts'] schema as json").primary_results[0]
    assert names(t) == SCHEMA_COLUMNS
    assert [c.column_type for c in t.columns] == ["string"] * 5
    raw_cols = t.raw_columns
    assert raw_cols[0] == {"ColumnName": "TableName", "DataType": "String", "ColumnType": "string"}
    assert len(t.rows) == 1
    row = t.rows[0]
    assert row["TableName"] == "OverheatAlerts" and row["DatabaseName"] == "fleet"
    assert row["Folder"] is None and row["DocString"] is None
    schema = json.loads(row["Schema"])
    assert schema == {
        "Name": "OverheatAlerts",
        "OrderedColumns": [
            {"Name": "EventTime", "Type": "System.DateTime", "CslType": "datetime"},
            {"Name": "VehicleID", "Type": "System.String", "CslType": "string"},
            {"Name": "SensorIndex", "Type": "System.Int64", "CslType": "long"},
            {"Name": "SensorReading", "Type": "System.Int64", "CslType": "long"},
            {"Name": "AcknowledgedBy", "Type": "System.String", "CslType": "string"},
        ],
    }
    assert cluster.requests[-1].db == "fleet"
    assert cluster.requests[-1].path == "/v1/rest/mgmt"


@pytest.mark.parametrize(
    "csl",
    [
        ".show table VehicleReadings schema as json",
        '.show  TABLE ["VehicleReadings"]  Schema AS json ',
        ".show table [ 'VehicleReadings' ] schema as json;",
    ],
)
def test_name_quoting_and_case(client, csl):
    t = client.execute_mgmt("FLEET", csl).primary_results[0]  # database names are case-insensitive
    row = t.rows[0]
    assert row["TableName"] == "VehicleReadings" and row["DatabaseName"] == "fleet"
    assert row["Folder"] == "Telemetry"


def test_every_csl_type_maps_to_its_system_type(cluster, client):
    types = ["bool", "int", "long", "real", "decimal", "string", "datetime", "timespan", "guid", "dynamic"]
    cluster.databases["fleet"].tables["AllTypes"] = Table("AllTypes", [(f"c_{t}", t) for t in types])
    row = client.execute_mgmt("fleet", ".show table ['AllTypes'] schema as json").primary_results[0].rows[0]
    got = {c["CslType"]: c["Type"] for c in json.loads(row["Schema"])["OrderedColumns"]}
    assert got == {
        "bool": "System.SByte",
        "int": "System.Int32",
        "long": "System.Int64",
        "real": "System.Double",
        "decimal": "System.Data.SqlTypes.SqlDecimal",
        "string": "System.String",
        "datetime": "System.DateTime",
        "timespan": "System.TimeSpan",
        "guid": "System.Guid",
        "dynamic": "System.Object",
    }


def test_cslschema(client):
    t = client.execute_mgmt("fleet", ".show table ['OverheatAlerts'] cslschema").primary_results[0]
    assert names(t) == SCHEMA_COLUMNS
    assert t.rows[0]["Schema"] == "EventTime:datetime,VehicleID:string,SensorIndex:long,SensorReading:long,AcknowledgedBy:string"


@pytest.mark.parametrize("csl", [".show database fleet schema as json", ".show databases (['fleet']) schema as json"])
def test_database_schema_as_json(cluster, client, csl):
    t = client.execute_mgmt("fleet", csl).primary_results[0]
    assert names(t) == ["DatabaseSchema"]
    doc = json.loads(t.rows[0]["DatabaseSchema"])
    db = doc["Databases"]["fleet"]
    assert db["Name"] == "fleet" and db["Functions"] == {}
    assert isinstance(db["MajorVersion"], int) and isinstance(db["MinorVersion"], int)
    assert set(db["Tables"]) == {"VehicleReadings", "OverheatAlerts"}
    cols = db["Tables"]["VehicleReadings"]["OrderedColumns"]
    assert cols[0] == {"Name": "VehicleId", "Type": "System.String"}  # docs' example: Type only
    cluster.db_schema_csl_types = True
    doc = json.loads(client.execute_mgmt("fleet", csl).primary_results[0].rows[0]["DatabaseSchema"])
    assert doc["Databases"]["fleet"]["Tables"]["VehicleReadings"]["OrderedColumns"][1] == {
        "Name": "WindowEnd",
        "Type": "System.DateTime",
        "CslType": "datetime",
    }


def test_show_tables(client):
    t = client.execute_mgmt("fleet", ".show tables").primary_results[0]
    assert names(t) == ["TableName", "DatabaseName", "Folder", "DocString"]
    assert sorted(r["TableName"] for r in t) == ["OverheatAlerts", "VehicleReadings"]
    assert {r["DatabaseName"] for r in t} == {"fleet"}


def test_principals(client):
    t = client.execute_mgmt("fleet", ".show database ['fleet'] principals").primary_results[0]
    assert names(t) == [
        "Role",
        "PrincipalType",
        "PrincipalDisplayName",
        "PrincipalObjectId",
        "PrincipalFQN",
        "Notes",
        "RoleAssignmentIdentifier",
    ]
    app = [r for r in rows(t) if r["PrincipalDisplayName"] == "fleet-telemetry-job"]
    assert sorted(r["Role"] for r in app) == ["Database fleet Ingestor", "Database fleet Monitor"]
    assert {r["PrincipalObjectId"] for r in app} == {"11111111-1111-1111-1111-111111111111"}
    assert {r["PrincipalFQN"] for r in app} == {
        "aadapp=22222222-2222-2222-2222-222222222222;33333333-3333-3333-3333-333333333333"
    }
    assert {r["PrincipalType"] for r in app} == {"AAD Application"}


def test_principal_roles(cluster, client):
    t = client.execute_mgmt("fleet", ".show database fleet principal roles").primary_results[0]
    assert names(t) == ["Scope", "DisplayName", "AADObjectID", "Role"]
    assert [r["Role"] for r in t] == ["Viewer"]
    cluster.databases["fleet"].caller_roles = ["Monitor", "Ingestor"]
    t = client.execute_mgmt("fleet", ".show database fleet principal roles").primary_results[0]
    assert [r["Role"] for r in t] == ["Monitor", "Ingestor"]


def test_streaming_policy(client):
    policy_cols = ["PolicyName", "EntityName", "Policy", "ChildEntities", "EntityType"]
    t = client.execute_mgmt("fleet", ".show table ['VehicleReadings'] policy streamingingestion").primary_results[0]
    assert names(t) == policy_cols
    r = t.rows[0]
    assert r["PolicyName"] == "StreamingIngestionPolicy" and r["EntityType"] == "Table"
    assert r["EntityName"] == "[fleet].[VehicleReadings]"
    assert json.loads(r["Policy"])["IsEnabled"] is True
    r = client.execute_mgmt("fleet", ".show table OverheatAlerts policy streamingingestion").primary_results[0].rows[0]
    assert r["Policy"] is None
    t = client.execute_mgmt("fleet", ".show database fleet policy streamingingestion").primary_results[0]
    assert names(t) == policy_cols
    r = t.rows[0]
    assert r["EntityName"] == "[fleet]" and r["EntityType"] == "Database" and r["Policy"] is None


def test_ingestion_failures(cluster, client):
    fleet = cluster.databases["fleet"]
    fleet.tables["VehicleReadings"].ingestion_failures.append(
        {"ErrorCode": "Stream_ClosingQuoteMissing", "Details": "bad quote", "FailedOn": "2024-05-01T10:00:00Z"}
    )
    fleet.tables["OverheatAlerts"].ingestion_failures.append({"ErrorCode": "BadRequest_InvalidBlob"})
    t = client.execute_mgmt("fleet", ".show ingestion failures").primary_results[0]
    assert names(t) == [
        "OperationId",
        "Database",
        "Table",
        "FailedOn",
        "IngestionSourcePath",
        "Details",
        "FailureKind",
        "RootActivityId",
        "OperationKind",
        "OriginatesFromUpdatePolicy",
        "ErrorCode",
        "Principal",
        "ShouldRetry",
        "User",
        "IngestionProperties",
    ]
    assert len(t.rows) == 2
    for where in ['| where Table == "VehicleReadings"', "| where Table=='VehicleReadings'"]:
        t = client.execute_mgmt("fleet", f".show ingestion failures {where}").primary_results[0]
        assert len(t.rows) == 1
        r = t.rows[0]
        assert r["Table"] == "VehicleReadings" and r["Database"] == "fleet"
        assert r["ErrorCode"] == "Stream_ClosingQuoteMissing" and r["FailureKind"] == "Permanent"
        assert isinstance(r["FailedOn"], datetime) and r["FailedOn"].year == 2024
        assert r["ShouldRetry"] is False
    t = client.execute_mgmt("fleet", '.show ingestion failures | where Table == "Nope"').primary_results[0]
    assert len(t.rows) == 0


def test_show_version_has_no_column_type(client):
    t = client.execute_mgmt("NetDefaultDB", ".show version").primary_results[0]
    assert names(t) == ["BuildVersion", "BuildTime", "ServiceType", "ProductVersion"]
    assert all("ColumnType" not in c for c in t.raw_columns)
    assert isinstance(t.rows[0]["BuildTime"], datetime)


def test_response_headers(cluster):
    import requests

    r = requests.post(
        cluster.url + "/v1/rest/mgmt",
        json={"db": "fleet", "csl": ".show tables", "properties": {"Options": {"servertimeout": "00:01:00"}}},
        headers={"x-ms-client-request-id": "test;123"},
        timeout=5,
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["x-ms-client-request-id"] == "test;123"
    assert r.headers["x-ms-activity-id"]
    assert cluster.requests[-1].properties == {"Options": {"servertimeout": "00:01:00"}}
    assert requests.get(cluster.url + "/v1/rest/auth/metadata", timeout=5).status_code == 404
    assert requests.get(cluster.url + "/elsewhere", timeout=5).status_code == 404


# ---- errors ------------------------------------------------------------------------------------------------------


def test_unknown_database_is_404_not_found(client):
    with pytest.raises(KustoServiceError) as ei:
        client.execute_mgmt("nope", ".show tables")
    resp = ei.value.http_response
    assert resp.status_code == 404
    err = resp.json()["error"]
    assert err["code"] == "NotFound"
    assert err["@type"] == "Kusto.Common.Svc.Exceptions.EntityNameDoesNotExistException"
    assert err["message"] == "Entity name 'nope' of kind 'Database' does not exist."


@pytest.mark.parametrize(
    "style, status, code, text",
    [
        ("400", 400, "BadRequest_EntityNotFound", "Entity ID 'Missing' of kind 'Table' was not found."),
        ("404", 404, "NotFound", "Entity name 'Missing' of kind 'Table' does not exist."),
    ],
)
def test_unknown_table(cluster, client, style, status, code, text):
    cluster.missing_table_style = style
    with pytest.raises(KustoServiceError) as ei:
        client.execute_mgmt("fleet", ".show table ['Missing'] schema as json")
    resp = ei.value.http_response
    assert resp.status_code == status
    err = resp.json()["error"]
    assert err["code"] == code and err["message"] == text and err["@message"] == text
    if status == 400:
        assert isinstance(ei.value, KustoApiError) and ei.value.get_api_error().code == code


def test_table_names_are_case_sensitive(client):
    with pytest.raises(KustoApiError):
        client.execute_mgmt("fleet", ".show table ['overheatalerts'] schema as json")


def test_unimplemented_command_is_syntax_error(client):
    with pytest.raises(KustoApiError) as ei:
        client.execute_mgmt("fleet", ".show table ['OverheatAlerts'] extents")
    err = ei.value.get_api_error()
    assert err.code == "BadRequest_SyntaxError" and "Syntax error" in err.description
    assert ei.value.http_response.status_code == 400


@pytest.mark.parametrize(
    "csl", [".drop table ['OverheatAlerts']", ".create table X (a:string)", ".alter table X (a:long)", ".set X <| print 1"]
)
def test_write_commands_are_recorded_and_refused(cluster, client, csl):
    with pytest.raises(KustoApiError) as ei:
        client.execute_mgmt("fleet", csl)
    assert ei.value.http_response.status_code == 400
    assert cluster.commands() == [csl]
    assert cluster.non_show_commands() == [csl]
    assert set(cluster.databases["fleet"].tables) == {"VehicleReadings", "OverheatAlerts"}


def test_error_bodies_are_one_api_errors(cluster):
    import requests

    r = requests.post(cluster.url + "/v1/rest/mgmt", json={"db": "fleet", "csl": ".show nonsense"}, timeout=5)
    assert r.status_code == 400 and r.headers["Content-Type"] == "application/json; charset=utf-8"
    err = r.json()["error"]
    assert set(err) >= {"code", "message", "@type", "@message", "@context", "@permanent"}
    assert isinstance(err["@permanent"], bool) and isinstance(err["@context"], dict)


# ---- faults ------------------------------------------------------------------------------------------------------


def test_fault_401(cluster, client):
    cluster.faults.append(Fault.unauthorized())
    with pytest.raises(KustoServiceError) as ei:
        client.execute_mgmt("fleet", ".show tables")
    assert not isinstance(ei.value, KustoApiError)
    assert ei.value.http_response.status_code == 401 and ei.value.http_response.text == ""
    assert cluster.faults == []
    client.execute_mgmt("fleet", ".show tables")  # consumed: next request is normal


def test_fault_403(cluster, client):
    cluster.faults.append(Fault.forbidden())
    with pytest.raises(KustoApiError) as ei:
        client.execute_mgmt("fleet", ".show table ['OverheatAlerts'] schema as json")
    err = ei.value.get_api_error()
    assert err.code == "Forbidden"
    assert err.type == "Kusto.Data.Exceptions.KustoRequestDeniedException"
    assert "is not authorized to read database 'fleet'" in err.description


def test_fault_404(cluster, client):
    cluster.faults.append(Fault.not_found())
    with pytest.raises(KustoServiceError) as ei:
        client.execute_mgmt("fleet", ".show tables")
    assert ei.value.http_response.json()["error"]["code"] == "NotFound"


def test_fault_429_with_retry_after(cluster, client):
    cluster.faults.append(Fault.throttle(times=2, retry_after=3))
    for _ in range(2):
        with pytest.raises(KustoThrottlingError) as ei:
            client.execute_mgmt("fleet", ".show tables")
    resp = ei.value.args[1]  # KustoThrottlingError(message, response) has no .http_response
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "3"
    assert resp.json()["error"]["code"] == "Throttling" and resp.json()["error"]["@permanent"] is False
    client.execute_mgmt("fleet", ".show tables")


@pytest.mark.parametrize("status, code", [(500, "InternalServiceError"), (503, "ServiceUnavailable")])
def test_fault_5xx(cluster, client, status, code):
    cluster.faults.append(Fault.server_error(status=status))
    with pytest.raises(KustoApiError) as ei:
        client.execute_mgmt("fleet", ".show tables")
    assert ei.value.get_api_error().code == code
    assert ei.value.http_response.status_code == status


def test_fault_non_json_502(cluster, client):
    cluster.faults.append(Fault.not_json(status=502))
    with pytest.raises(KustoServiceError) as ei:
        client.execute_mgmt("fleet", ".show tables")
    assert not isinstance(ei.value, KustoApiError)
    assert ei.value.http_response.status_code == 502
    assert "Bad Gateway" in str(ei.value)


def test_fault_close_connection(cluster, client):
    cluster.faults.append(Fault.close_connection())
    with pytest.raises(KustoNetworkError):
        client.execute_mgmt("fleet", ".show tables")
    client.execute_mgmt("fleet", ".show tables")


def test_fault_match_only_hits_matching_commands(cluster, client):
    cluster.faults.append(Fault.forbidden(match="PRINCIPALS"))
    client.execute_mgmt("fleet", ".show tables")
    with pytest.raises(KustoApiError):
        client.execute_mgmt("fleet", ".show database fleet principals")
    assert cluster.faults == []


def test_fault_hang_delays_the_answer(cluster, client):
    cluster.faults.append(Fault.hang(0.3))
    props = ClientRequestProperties()
    props.set_option(ClientRequestProperties.request_timeout_option_name, timedelta(seconds=5))
    start = time.monotonic()
    t = client.execute_mgmt("fleet", ".show tables", props).primary_results[0]
    assert time.monotonic() - start >= 0.3
    assert len(t.rows) == 2
    assert "servertimeout" in cluster.requests[-1].properties["Options"]


def test_fault_hang_past_client_timeout_is_network_error(cluster, client):
    # The SDK's client timeout is servertimeout + 30 s, in whole seconds; drop the 30 s to keep this at ~1 s.
    client._client_server_delta = timedelta(0)
    props = ClientRequestProperties()
    props.set_option(ClientRequestProperties.request_timeout_option_name, timedelta(seconds=1))
    cluster.faults.append(Fault.hang(5))
    start = time.monotonic()
    with pytest.raises(KustoNetworkError):
        client.execute_mgmt("fleet", ".show tables", props)
    assert time.monotonic() - start < 2


def test_requests_are_recorded(cluster, client):
    client.execute_mgmt("fleet", ".show tables")
    client.execute_mgmt("fleet", ".show table ['OverheatAlerts'] cslschema")
    assert cluster.commands() == [".show tables", ".show table ['OverheatAlerts'] cslschema"]
    req = cluster.requests[0]
    assert (req.path, req.db, req.csl) == ("/v1/rest/mgmt", "fleet", ".show tables")
    assert req.headers["x-ms-client-request-id"].startswith("KPC.execute;")
    assert req.properties is None


def test_standalone_context_manager_and_custom_data():
    db = Database(
        "Other",
        tables={"T": Table("T", [("a", "string"), ("b", "long")], streaming_policy=STREAMING_ENABLED)},
        principals=[Principal("Viewer", "AAD User", "u", "o", "aaduser=o;t")],
        streaming_policy=None,
    )
    with FakeCluster({"Other": db}) as c:
        assert c.url.startswith("http://127.0.0.1:")
        client = KustoClient(KustoConnectionStringBuilder.with_no_authentication(c.url))
        row = client.execute_mgmt("other", ".show table T cslschema").primary_results[0].rows[0]
        assert row["Schema"] == "a:string,b:long" and row["DatabaseName"] == "Other"
        client.close()
    assert c._server is None
