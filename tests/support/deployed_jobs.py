"""Stream Analytics jobs as ARM answers them (api-version 2021-10-01-preview, fully expanded), for the ARM
stand-in (support.arm_server), the tests of reading deployed jobs and the scan benchmark.

A resource is built the way ARM returns it: ids on the job and on every child, an etag in every ``properties``,
read-only fields (jobId, provisioningState, createdDate, ...), and never a secret (ARM leaves passwords and keys
out of GET answers; ``leak_secret=True`` puts two in on purpose, so a test can assert the tool never prints them).

Two styles differ the way real jobs do:

* ``"template"``: deployed from an ARM template or Bicep: type ``Microsoft.StreamAnalytics/streamingjobs``, the
  query with ``\\n`` line ends, the transformation named as the template named it (``"main"``).
* ``"portal"``: created and edited in the Azure portal: type ``Microsoft.StreamAnalytics/streamingJobs``, the query
  with ``\\r\\n`` line ends after a leading comment line, the transformation named ``"Transformation"``, Event Hub
  inputs typed ``Microsoft.ServiceBus/EventHub``, ``jobStorageAccount`` and ``cluster`` present as null, ADX
  outputs with ``"serialization": null``, and the read-only ``outputStartMode``/``lastOutputEventTime``.

Children (``eventhub_input``, ``adx_output``, ...) are built without ids; ``job_resource`` gives them their ids and
etags and applies the style. Every GUID is derived from the names, so a job built twice is the same dict.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from support.kusto_server import Database, Table

__all__ = [
    "FLEET_CLUSTER",
    "FLEET_COLUMNS",
    "FLEET_DATABASE",
    "LEAKED_KEY",
    "LEAKED_PASSWORD",
    "PORTAL_COMMENT",
    "SUBSCRIPTION",
    "TENANT_ID",
    "adx_output",
    "blob_output",
    "eventhub_input",
    "fleet",
    "fleet_databases",
    "fleet_query",
    "javascript_function",
    "job_id",
    "job_resource",
    "sql_output",
]

SUBSCRIPTION = "8c2d5f0e-3b1a-4e7c-9d2f-6a5b4c3d2e1f"
TENANT_ID = "72f988bf-0000-4000-8000-00000000c0de"
PORTAL_COMMENT = "-- Routes device telemetry (edited in the Azure portal)"
FLEET_CLUSTER = "https://fleet.westeurope.kusto.windows.net"
FLEET_DATABASE = "telemetry"
#: The columns of every table a fleet() job writes to (CSL types), matching fleet_query()'s statements.
FLEET_COLUMNS = [("DeviceId", "string"), ("Temperature", "real"), ("EventTime", "datetime")]

_NS = uuid.UUID("0b6f3f0e-5a7d-4c1e-8e2b-9f4d6c3a2b10")
_CREATED = "2026-01-12T08:41:27.533Z"
_LAST_OUTPUT = "2026-02-03T14:05:10.127Z"
_INPUT_TYPE = "Microsoft.StreamAnalytics/streamingjobs/inputs"
_OUTPUT_TYPE = "Microsoft.StreamAnalytics/streamingjobs/outputs"
_FUNCTION_TYPE = "Microsoft.StreamAnalytics/streamingjobs/functions"
_TRANSFORMATION_TYPE = "Microsoft.StreamAnalytics/streamingjobs/transformations"
_EVENTHUB = "Microsoft.EventHub/EventHub"
_EVENTHUB_PORTAL = "Microsoft.ServiceBus/EventHub"
_ADX = "Microsoft.Kusto/clusters/databases"
_SQL = "Microsoft.Sql/Server/Database"
LEAKED_PASSWORD = "hunter2-must-not-print"
LEAKED_KEY = "key-must-not-print"


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(_NS, "|".join(str(p) for p in parts)))


def job_id(sub: str, rg: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.StreamAnalytics/streamingjobs/{name}"


# --------------------------------------------------------------------------------------------------------------------
# Children (no id, no etag: job_resource adds them)
# --------------------------------------------------------------------------------------------------------------------


def eventhub_input(name: str, *, namespace: str = "telemetry-ns", hub: str | None = None,
                   consumer_group: str = "$Default") -> dict:
    """A stream input reading JSON from an Event Hub with the job's managed identity."""
    return {"name": name, "type": _INPUT_TYPE, "properties": {
        "type": "Stream",
        "datasource": {"type": _EVENTHUB, "properties": {
            "serviceBusNamespace": namespace, "eventHubName": hub or name, "consumerGroupName": consumer_group,
            "authenticationMode": "Msi"}},
        "compression": {"type": "None"},
        "serialization": {"type": "Json", "properties": {"encoding": "UTF8"}},
    }}


def adx_output(name: str, cluster: str, database: str, table: str) -> dict:
    """An Azure Data Explorer output. ``cluster`` is a URL, or a short name (-> https://NAME.westeurope...)."""
    url = cluster if "://" in cluster else f"https://{cluster}.westeurope.kusto.windows.net"
    return {"name": name, "type": _OUTPUT_TYPE, "properties": {
        "datasource": {"type": _ADX, "properties": {
            "cluster": url, "database": database, "table": table, "authenticationMode": "Msi"}},
    }}


def sql_output(name: str, server: str, database: str, table: str, user: str = "asa_writer") -> dict:
    """An Azure SQL output with SQL authentication; ARM never returns its password."""
    host = server if "." in server else f"{server}.database.windows.net"
    return {"name": name, "type": _OUTPUT_TYPE, "properties": {
        "datasource": {"type": _SQL, "properties": {
            "server": host, "database": database, "table": table, "user": user, "maxBatchCount": 10000,
            "maxWriterCount": 1, "authenticationMode": "ConnectionString"}},
    }}


def blob_output(name: str, account: str, container: str, path_pattern: str = "{date}/{time}") -> dict:
    """A Blob storage output writing line-separated JSON with the job's managed identity."""
    return {"name": name, "type": _OUTPUT_TYPE, "properties": {
        "datasource": {"type": "Microsoft.Storage/Blob", "properties": {
            "storageAccounts": [{"accountName": account}], "container": container, "pathPattern": path_pattern,
            "dateFormat": "yyyy/MM/dd", "timeFormat": "HH", "authenticationMode": "Msi"}},
        "serialization": {"type": "Json", "properties": {"encoding": "UTF8", "format": "LineSeparated"}},
    }}


def javascript_function(name: str, output_type: str = "bigint",
                        script: str = "function main(x) { return 1; }") -> dict:
    """A JavaScript scalar UDF of one ``any`` parameter returning ``output_type``."""
    return {"name": name, "type": _FUNCTION_TYPE, "properties": {
        "type": "Scalar",
        "properties": {
            "inputs": [{"dataType": "any"}],
            "output": {"dataType": output_type},
            "binding": {"type": "Microsoft.StreamAnalytics/JavascriptUdf", "properties": {"script": script}},
        },
    }}


# --------------------------------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------------------------------


def _identity(kind: str | None, sub: str, rg: str, name: str, principal_id: str | None) -> dict | None:
    if kind is None:
        return None
    if kind == "system":
        return {"type": "SystemAssigned", "principalId": principal_id or _guid("principal", sub, rg, name),
                "tenantId": TENANT_ID}
    if kind == "user":
        identity_id = (f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/"
                       f"userAssignedIdentities/{name}-identity")
        return {"type": "UserAssigned", "userAssignedIdentities": {identity_id: {
            "principalId": principal_id or _guid("principal", sub, rg, name),
            "clientId": _guid("client", sub, rg, name)}}}
    raise ValueError(f"identity must be 'system', 'user' or None, not {kind!r}")


def _child(parent: str, collection: str, child: dict, style: str, leak_secret: bool) -> dict:
    child = copy.deepcopy(child)
    props = child.setdefault("properties", {})
    source = props.get("datasource") or {}
    source_props = source.get("properties")
    if source.get("type") == _EVENTHUB:
        if style == "portal":
            source["type"] = _EVENTHUB_PORTAL
        if leak_secret and isinstance(source_props, dict):
            source_props["sharedAccessPolicyKey"] = LEAKED_KEY
    if source.get("type") == _SQL and leak_secret and isinstance(source_props, dict):
        source_props["password"] = LEAKED_PASSWORD
    if source.get("type") == _ADX and style == "portal":
        props["serialization"] = None
    child_id = f"{parent}/{collection}/{child['name']}"
    props["etag"] = _guid("etag", child_id)
    return {"id": child_id, **child}


def _query_text(query: str, style: str) -> str:
    text = query.replace("\r\n", "\n")
    if style == "portal":
        return f"{PORTAL_COMMENT}\n{text}".replace("\n", "\r\n")
    return text


def job_resource(sub: str, rg: str, name: str, *, query: str, inputs: Sequence[dict] | None = None,
                 outputs: Sequence[dict] = (), functions: Sequence[dict] = (), level: str = "1.2",
                 locale: str = "en-US", error_policy: str = "Stop", identity: str | None = "system",
                 style: str = "template", principal_id: str | None = None, leak_secret: bool = False,
                 state: str = "Running", tags: dict[str, str] | None = None, transformation_name: str | None = None,
                 streaming_units: int = 3, location: str = "West Europe") -> dict:
    """The job as ARM's GET answers it with ``$expand=inputs,outputs,transformation,functions``.

    ``inputs`` defaults to one Event Hub input named ``in``; ``identity`` is "system", "user" or None (no
    ``identity`` key); ``principal_id`` fixes the identity's principal id (else derived from the names);
    ``style`` is "template" or "portal" (module docstring); ``transformation_name`` defaults to "main" in the
    template style and "Transformation" in the portal style.
    """
    if style not in ("template", "portal"):
        raise ValueError(f"style must be 'template' or 'portal', not {style!r}")
    portal = style == "portal"
    rid = job_id(sub, rg, name)
    inputs = [eventhub_input("in")] if inputs is None else inputs
    transformation = transformation_name or ("Transformation" if portal else "main")
    resource: dict[str, Any] = {
        "id": rid,
        "name": name,
        "type": "Microsoft.StreamAnalytics/streamingJobs" if portal else "Microsoft.StreamAnalytics/streamingjobs",
        "location": location,
    }
    ident = _identity(identity, sub, rg, name, principal_id)
    if ident is not None:
        resource["identity"] = ident
    resource["sku"] = {"name": "Standard"}
    if tags is not None:
        resource["tags"] = dict(tags)
    props: dict[str, Any] = {
        "sku": {"name": "Standard"},
        "jobId": _guid("job", rid),
        "provisioningState": "Succeeded",
        "jobState": state,
        "jobType": "Cloud",
    }
    if portal:
        props["outputStartMode"] = "JobStartTime"
        if state == "Running":
            props["outputStartTime"] = _CREATED
    props.update({
        "eventsOutOfOrderPolicy": "Adjust",
        "outputErrorPolicy": error_policy,
        "eventsOutOfOrderMaxDelayInSeconds": 0,
        "eventsLateArrivalMaxDelayInSeconds": 5,
        "dataLocale": locale,
        "compatibilityLevel": level,
        "createdDate": _CREATED,
    })
    if portal:
        props["lastOutputEventTime"] = _LAST_OUTPUT
    props["inputs"] = [_child(rid, "inputs", i, style, leak_secret) for i in inputs]
    transformation_id = f"{rid}/transformations/{transformation}"
    props["transformation"] = {
        "id": transformation_id,
        "name": transformation,
        "type": _TRANSFORMATION_TYPE,
        "properties": {
            "streamingUnits": streaming_units,
            "validStreamingUnits": [1, 3, 6, 12, 18],
            "query": _query_text(query, style),
            "etag": _guid("etag", transformation_id),
        },
    }
    props["outputs"] = [_child(rid, "outputs", o, style, leak_secret) for o in outputs]
    props["functions"] = [_child(rid, "functions", f, style, leak_secret) for f in functions]
    props["etag"] = _guid("etag", rid)
    if portal:
        props["jobStorageAccount"] = None
        props["cluster"] = None
    props["contentStoragePolicy"] = "SystemAccount"
    resource["properties"] = props
    return resource


# --------------------------------------------------------------------------------------------------------------------
# A fleet of jobs (scan tests, benchmark)
# --------------------------------------------------------------------------------------------------------------------


def fleet_query(outputs: Sequence[str], source: str = "in") -> str:
    """One SELECT ... INTO per output alias, each writing FLEET_COLUMNS' shape from the untyped input."""
    statements = [
        "SELECT\n"
        "    CAST(DeviceId AS nvarchar(max)) AS DeviceId,\n"
        "    CAST(Temperature AS float) AS Temperature,\n"
        "    CAST(EventTime AS datetime) AS EventTime\n"
        f"INTO [{alias}]\n"
        f"FROM [{source}]\n"
        f"WHERE CAST(Zone AS bigint) = {k}\n"
        for k, alias in enumerate(outputs, 1)
    ]
    return "\n".join(statements)


def fleet(sub: str = SUBSCRIPTION, rg_count: int = 2, jobs_per_group: int = 5, outputs_per_job: int = 3,
          cluster_url: str = FLEET_CLUSTER, database: str = FLEET_DATABASE,
          styles: Sequence[str] = ("template", "portal")) -> list[dict]:
    """``rg_count * jobs_per_group`` jobs: groups ``rg-fleet-01``..., jobs ``fleet-01-001``...; each job has one
    Event Hub input ``in`` and ``outputs_per_job`` ADX outputs ``o1``... writing the distinct tables
    ``Readings_01_001_1``... of ``database`` on ``cluster_url``. Job styles cycle through ``styles``.
    ``fleet_databases(jobs)`` gives the Kusto tables they need."""
    jobs = []
    for g in range(1, rg_count + 1):
        rg = f"rg-fleet-{g:02d}"
        for j in range(1, jobs_per_group + 1):
            name = f"fleet-{g:02d}-{j:03d}"
            aliases = [f"o{k}" for k in range(1, outputs_per_job + 1)]
            outputs = [adx_output(alias, cluster_url, database, f"Readings_{g:02d}_{j:03d}_{k}")
                       for k, alias in enumerate(aliases, 1)]
            style = styles[(len(jobs)) % len(styles)]
            jobs.append(job_resource(sub, rg, name, query=fleet_query(aliases), outputs=outputs, style=style))
    return jobs


def fleet_databases(jobs: Iterable[dict], columns: Sequence[tuple[str, str]] = tuple(FLEET_COLUMNS)
                    ) -> dict[str, Database]:
    """Kusto databases (name -> support.kusto_server.Database) holding a table of ``columns`` for every ADX output
    of ``jobs``: with fleet() jobs, every job checks clean against them. Fresh objects on every call."""
    databases: dict[str, Database] = {}
    for job in jobs:
        for output in job.get("properties", {}).get("outputs", []):
            source = output["properties"]["datasource"]
            if source.get("type") != _ADX:
                continue
            props = source["properties"]
            db = databases.setdefault(props["database"], Database(props["database"]))
            db.tables[props["table"]] = Table(props["table"], list(columns))
    return databases
