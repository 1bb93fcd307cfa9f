"""What every job reader says of each input's data (Input.serialization, path_pattern and, for a
SQL Database reference input, database, table, refresh_type, snapshot_query, delta_query).

One job per reader, written here in the shapes its tool writes, with the same four inputs:
`devices` (blob reference data, CSV, path pattern `ref/{date}/devices.csv`), `telemetry`
(Event Hub, JSON), `clicks` (Event Hub, Avro) and `sites` (a SQL Database reference input with
a snapshot and a delta query). Then, reader by reader, the other ways the files give these
facts (a query in a .sql file or a parameters file, a value not settled, a value not
understood).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from schemacheck.jobs.arm import read_template
from schemacheck.jobs.bicep import read_bicep
from schemacheck.jobs.model import Input, Job, SqlText, Where
from schemacheck.jobs.project import read_vs_project, read_vscode_project
from schemacheck.jobs.terraform import read_terraform

SNAPSHOT = "SELECT SiteId, Region, Capacity\nFROM dbo.Sites\nFOR SYSTEM_TIME AS OF @snapshotTime\n"
DELTA = ("SELECT SiteId, Region, Capacity, 1 AS _operation_ FROM dbo.Sites\n"
         "WHERE ValidFrom BETWEEN @deltaStartTime AND @deltaEndTime\n")
QUERY = ("SELECT t.DeviceId, d.Model, s.Region INTO [out] FROM [telemetry] t\n"
         "JOIN [devices] d ON t.DeviceId = d.DeviceId JOIN [sites] s ON d.SiteId = s.SiteId\n")


# ---- helpers ---------------------------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    """Write each file (text dedented, its first line break dropped) below `root`; the first one's path."""
    first = None
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8", newline="")
        first = first or path
    assert first is not None
    return first


def position(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the `occurrence`th `needle` in the file."""
    text = path.read_text(encoding="utf-8")
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def where(path: Path, needle: str, occurrence: int = 1) -> Where:
    return Where(str(path), *position(path, needle, occurrence))


def inputs(job: Job) -> dict[str, Input]:
    assert job.inputs is not None
    found = {i.alias: i for i in job.inputs}
    assert len(found) == len(job.inputs)
    return found


def facts(item: Input) -> tuple:
    """What an input says of its data, without the queries' places."""
    return (item.kind, item.stream, item.serialization, item.path_pattern, item.database, item.table,
            item.refresh_type, item.snapshot_query.text if item.snapshot_query else None,
            item.delta_query.text if item.delta_query else None)


def assert_common_facts(job: Job) -> None:
    """The blob, Event Hub and Avro inputs every reader's job has."""
    found = inputs(job)
    assert facts(found["devices"]) == ("blob", False, "csv", "ref/{date}/devices.csv", None, None, None, None, None)
    assert facts(found["telemetry"]) == ("eventhub", True, "json", None, None, None, None, None, None)
    assert facts(found["clicks"]) == ("eventhub", True, "avro", None, None, None, None, None, None)


def codes(job: Job) -> list[tuple[str, str]]:
    return [(n.code, n.message) for n in job.notes]


# ---- VS Code -----------------------------------------------------------------------------------

VSCODE_INPUTS = {
    "Inputs/devices.json": """
        {
          "Name": "devices",
          "Type": "Reference data",
          "DataSourceType": "Blob Storage",
          "BlobStorageProperties": {
            "StorageAccounts": [ { "AccountName": "fleetref", "AccountKey": null } ],
            "Container": "reference",
            "PathPattern": "ref/{date}/devices.csv",
            "DateFormat": "yyyy/MM/dd",
            "TimeFormat": null,
            "AuthenticationMode": "Msi"
          },
          "DataSourceCredentialDomain": null,
          "Serialization": { "Type": "Csv", "Encoding": "UTF8", "FieldDelimiter": "," },
          "ScriptType": "Input"
        }
        """,
    "Inputs/telemetry.json": """
        {
          "Name": "telemetry",
          "Type": "Data Stream",
          "DataSourceType": "Event Hub",
          "EventHubProperties": {
            "ServiceBusNamespace": "fleet-ns", "EventHubName": "telemetry", "SharedAccessPolicyName": null,
            "SharedAccessPolicyKey": null, "ConsumerGroupName": "asa", "AuthenticationMode": "Msi"
          },
          "Serialization": { "Type": "Json", "Encoding": "UTF8" },
          "PartitionKey": "",
          "CompressionType": "None",
          "ScriptType": "Input"
        }
        """,
    "Inputs/clicks.json": """
        {
          "Name": "clicks",
          "Type": "Data Stream",
          "DataSourceType": "Event Hub",
          "EventHubProperties": { "ServiceBusNamespace": "fleet-ns", "EventHubName": "clicks",
                                  "AuthenticationMode": "Msi" },
          "Serialization": { "Type": "Avro" },
          "CompressionType": "None",
          "ScriptType": "Input"
        }
        """,
}


def vscode_project(root: Path, sites: str, extra: dict[str, str] | None = None) -> Job:
    files = dict(VSCODE_INPUTS)
    files["Inputs/sites.json"] = sites
    files.update(extra or {})
    configurations = [{"filePath": name, "subType": "Input"} for name in files if name.startswith("Inputs/")
                      and name.endswith(".json")]
    write(root, {"Fleet.asaql": QUERY, **files})
    (root / "asaproj.json").write_text(json.dumps({"name": "Fleet", "startFile": "Fleet.asaql",
                                                   "configurations": configurations}, indent=2), encoding="utf-8")
    return read_vscode_project(str(root / "asaproj.json"))


# The SQL reference input in the shape of the project's other files: no public VS Code project
# shows the name of its block or of its query keys, so the ARM names are used.
VSCODE_SQL = """
    {
      "Name": "sites",
      "Type": "Reference data",
      "DataSourceType": "SQL Database",
      "SQLDatabaseProperties": {
        "Server": "fleet-sql.database.windows.net",
        "Database": "fleetdb",
        "User": "asa",
        "Password": null,
        "Table": "dbo.Sites",
        "RefreshType": "RefreshPeriodicallyWithDelta",
        "RefreshRate": "00:05:00",
        "FullSnapshotQuery":
          "SELECT SiteId, Region, Capacity\\nFROM dbo.Sites\\nFOR SYSTEM_TIME AS OF @snapshotTime\\n",
        "DeltaSnapshotQuery": "sites.delta.sql",
        "AuthenticationMode": "ConnectionString"
      },
      "ScriptType": "Input"
    }
    """


def test_vscode_inputs_say_their_serialization_path_pattern_and_sql_queries(tmp_path):
    job = vscode_project(tmp_path, VSCODE_SQL, {"Inputs/sites.delta.sql": DELTA})
    assert_common_facts(job)
    sites = inputs(job)["sites"]
    sites_file = tmp_path / "Inputs" / "sites.json"
    assert facts(sites) == ("sql", False, None, None, "fleetdb", "dbo.Sites", "RefreshPeriodicallyWithDelta",
                            SNAPSHOT, DELTA)
    # An inline query is where its string is written; one in a .sql file the input names starts that file.
    assert sites.snapshot_query == SqlText(SNAPSHOT, where(sites_file, '"SELECT SiteId'))
    assert sites.delta_query == SqlText(DELTA, Where(str(tmp_path / "Inputs" / "sites.delta.sql"), 1, 1))
    assert job.notes == ()


def test_a_vscode_query_file_that_is_missing_is_a_note_and_no_query(tmp_path):
    job = vscode_project(tmp_path, VSCODE_SQL)
    sites = inputs(job)["sites"]
    assert sites.snapshot_query is not None and sites.delta_query is None
    [note] = job.notes
    assert note.code == "SC609" and "sites.delta.sql" in note.message and "does not exist" in note.message
    assert note.where == where(tmp_path / "Inputs" / "sites.json", '"sites.delta.sql"')


def test_vscode_serialization_not_understood_is_a_note_and_none(tmp_path):
    clicks = VSCODE_INPUTS["Inputs/clicks.json"].replace('"Avro"', '"Xml"')
    job = vscode_project(tmp_path, VSCODE_SQL.replace("sites.delta.sql", "SELECT 1"), {"Inputs/clicks.json": clicks})
    assert inputs(job)["clicks"].serialization is None
    [note] = job.notes
    assert note.code == "SC609" and "'Xml'" in note.message and "Json, Csv, Avro" in note.message
    assert note.where == where(tmp_path / "Inputs" / "clicks.json", '"Xml"')


def test_a_vscode_local_input_gives_its_file_path(tmp_path):
    write(tmp_path, {"Inputs/local.json": """
        { "Name": "trucks", "Type": "Data Stream", "DataSourceType": "Local Input",
          "Serialization": { "Type": "Json", "Encoding": "UTF8" }, "FilePath": "../data/trucks.json",
          "ScriptType": "Input" }
        """, "Job.asaql": "SELECT * INTO o FROM trucks\n"})
    (tmp_path / "asaproj.json").write_text(json.dumps({"startFile": "Job.asaql", "configurations": [
        {"filePath": "Inputs/local.json", "subType": "Input"}]}), encoding="utf-8")
    [trucks] = read_vscode_project(str(tmp_path / "asaproj.json")).inputs or ()
    assert facts(trucks) == ("file", True, "json", "../data/trucks.json", None, None, None, None, None)


# ---- Visual Studio -----------------------------------------------------------------------------

VS_PROJECT = r"""
    <?xml version="1.0" encoding="utf-8"?>
    <Project ToolsVersion="4.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
      <PropertyGroup>
        <StartFile>Script.asaql</StartFile>
        <Name>Fleet</Name>
      </PropertyGroup>
      <ItemGroup>
        <Script Include="Script.asaql" />
        <Configure Include="Inputs\devices.json"><SubType>Input</SubType></Configure>
        <Configure Include="Inputs\telemetry.json"><SubType>Input</SubType></Configure>
        <Configure Include="Inputs\clicks.json"><SubType>Input</SubType></Configure>
        <Configure Include="Inputs\sites.json"><SubType>Input</SubType></Configure>
      </ItemGroup>
      <Import Project="$(ASATargetsFilePath)" />
    </Project>
    """

# Visual Studio writes every kind's block, all null but the input's own (Azure/azure-stream-analytics
# Samples/OnnxExample/ASAUDF/Inputs/RegionReferenceData.json).
VS_BLOB = """
    {
      "Sample": null,
      "EventHubProperties": null,
      "BlobStorageProperties": null,
      "IoTHubProperties": null,
      "BlobReferenceProperties": {
        "Container": "reference",
        "DateFormat": "yyyy/MM/dd",
        "PathPattern": "ref/{date}/devices.csv",
        "StorageAccounts": [ { "AccountKey": null, "AccountName": "fleetref" } ],
        "TimeFormat": "HH"
      },
      "SqlReferenceInputInfo": null,
      "DataSourceCredentialDomain": "e4b205d8-aaa4-4583-bbcd-c9afd4d07f35.StreamAnalyticsCredential",
      "Name": "devices",
      "Type": "Reference data",
      "DataSourceType": "Blob Storage",
      "Serialization": { "Encoding": "UTF8", "Type": "Csv", "FieldDelimiter": ",", "Format": null },
      "CompresssionType": null,
      "ScriptType": "Input"
    }
    """


def vs_stream(name: str, serialization: str) -> str:
    return f"""
    {{
      "Sample": null,
      "EventHubProperties": {{ "ConsumerGroupName": null, "EventHubName": "{name}", "ServiceBusNamespace": "fleet-ns",
                              "SharedAccessPolicyKey": null, "SharedAccessPolicyName": "listen" }},
      "BlobStorageProperties": null,
      "IoTHubProperties": null,
      "BlobReferenceProperties": null,
      "SqlReferenceInputInfo": null,
      "Name": "{name}",
      "Type": "Data Stream",
      "DataSourceType": "Event Hub",
      "Serialization": {{ "Encoding": "UTF8", "Type": "{serialization}", "FieldDelimiter": null }},
      "CompresssionType": "None",
      "ScriptType": "Input"
    }}
    """


VS_SQL = """
    {
      "Sample": null,
      "EventHubProperties": null,
      "BlobStorageProperties": null,
      "IoTHubProperties": null,
      "BlobReferenceProperties": null,
      "SqlReferenceInputInfo": {
        "Server": "fleet-sql.database.windows.net",
        "Database": "fleetdb",
        "User": "asa",
        "Password": null,
        "Table": "dbo.Sites",
        "RefreshType": "RefreshPeriodicallyWithDelta",
        "RefreshRate": "00:00:05"
      },
      "Name": "sites",
      "Type": "Reference data",
      "DataSourceType": "SQL Database",
      "Serialization": null,
      "ScriptType": "Input"
    }
    """


def vs_project(root: Path, extra: dict[str, str] | None = None) -> Job:
    write(root, {"Fleet.asaproj": VS_PROJECT, "Script.asaql": QUERY, "Inputs/devices.json": VS_BLOB,
                 "Inputs/telemetry.json": vs_stream("telemetry", "Json"),
                 "Inputs/clicks.json": vs_stream("clicks", "Avro"), "Inputs/sites.json": VS_SQL, **(extra or {})})
    return read_vs_project(str(root / "Fleet.asaproj"))


def test_vs_inputs_say_their_serialization_path_pattern_and_sql_code_behind(tmp_path):
    """Visual Studio keeps a SQL reference input's queries as `[Input Alias].snapshot.sql` and
    `[Input Alias].delta.sql` under the input's file (sql-reference-data.md)."""
    job = vs_project(tmp_path, {"Inputs/sites.snapshot.sql": SNAPSHOT, "Inputs/sites.delta.sql": DELTA})
    assert_common_facts(job)
    sites = inputs(job)["sites"]
    assert facts(sites) == ("sql", False, None, None, "fleetdb", "dbo.Sites", "RefreshPeriodicallyWithDelta",
                            SNAPSHOT, DELTA)
    assert sites.snapshot_query == SqlText(SNAPSHOT, Where(str(tmp_path / "Inputs" / "sites.snapshot.sql"), 1, 1))
    assert sites.delta_query == SqlText(DELTA, Where(str(tmp_path / "Inputs" / "sites.delta.sql"), 1, 1))
    assert job.notes == ()


def test_a_vs_sql_input_without_code_behind_has_no_queries_and_the_editors_refresh_names_are_read(tmp_path):
    sql = VS_SQL.replace('"RefreshPeriodicallyWithDelta"', '"Execute only once"')
    job = vs_project(tmp_path, {"Inputs/sites.json": sql})
    sites = inputs(job)["sites"]
    assert (sites.refresh_type, sites.snapshot_query, sites.delta_query) == ("Static", None, None)
    assert job.notes == ()


def test_a_vs_refresh_type_not_understood_is_a_note_and_none(tmp_path):
    job = vs_project(tmp_path, {"Inputs/sites.json": VS_SQL.replace('"RefreshPeriodicallyWithDelta"', '"Hourly"')})
    assert inputs(job)["sites"].refresh_type is None
    [note] = job.notes
    assert note.code == "SC609" and "'Hourly'" in note.message
    assert note.where == where(tmp_path / "Inputs" / "sites.json", '"Hourly"')


# ---- ARM templates -----------------------------------------------------------------------------

ARM_TEMPLATE = """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "snapshotQuery": { "type": "string" },
        "deltaQuery": { "type": "string", "defaultValue": "" }
      },
      "resources": [
        {
          "type": "Microsoft.StreamAnalytics/streamingjobs",
          "apiVersion": "2021-10-01-preview",
          "name": "asa-fleet",
          "location": "westeurope",
          "properties": {
            "sku": { "name": "StandardV2" },
            "compatibilityLevel": "1.2",
            "inputs": [
              {
                "name": "devices",
                "properties": {
                  "type": "Reference",
                  "datasource": {
                    "type": "Microsoft.Storage/Blob",
                    "properties": {
                      "storageAccounts": [ { "accountName": "fleetref" } ],
                      "container": "reference",
                      "pathPattern": "ref/{date}/devices.csv",
                      "dateFormat": "yyyy/MM/dd",
                      "authenticationMode": "Msi"
                    }
                  },
                  "serialization": { "type": "Csv", "properties": { "fieldDelimiter": ",", "encoding": "UTF8" } }
                }
              },
              {
                "name": "telemetry",
                "properties": {
                  "type": "Stream",
                  "datasource": {
                    "type": "Microsoft.EventHub/EventHub",
                    "properties": { "serviceBusNamespace": "fleet-ns", "eventHubName": "telemetry",
                                    "authenticationMode": "Msi" }
                  },
                  "serialization": { "type": "Json", "properties": { "encoding": "UTF8" } }
                }
              },
              {
                "name": "clicks",
                "properties": {
                  "type": "Stream",
                  "datasource": {
                    "type": "Microsoft.ServiceBus/EventHub",
                    "properties": { "serviceBusNamespace": "fleet-ns", "eventHubName": "clicks",
                                    "authenticationMode": "Msi" }
                  },
                  "serialization": { "type": "Avro" }
                }
              },
              {
                "name": "sites",
                "properties": {
                  "type": "Reference",
                  "datasource": {
                    "type": "Microsoft.Sql/Server/Database",
                    "properties": {
                      "server": "fleet-sql.database.windows.net",
                      "database": "fleetdb",
                      "table": "dbo.Sites",
                      "authenticationMode": "Msi",
                      "refreshType": "RefreshPeriodicallyWithDelta",
                      "refreshRate": "00:05:00",
                      "fullSnapshotQuery": "[parameters('snapshotQuery')]",
                      "deltaSnapshotQuery": "DELTA_ESCAPED"
                    }
                  }
                }
              }
            ],
            "transformation": { "name": "main",
                                "properties": { "streamingUnits": 3, "query": "SELECT 1 INTO o FROM i" } }
          }
        }
      ]
    }
    """.replace("DELTA_ESCAPED", DELTA.replace("\n", "\\n"))

ARM_PARAMETERS = """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "snapshotQuery": {
          "value": "SELECT SiteId, Region, Capacity\\nFROM dbo.Sites\\nFOR SYSTEM_TIME AS OF @snapshotTime\\n"
        }
      }
    }
    """


def arm_job(root: Path, template: str = ARM_TEMPLATE, parameters: str | None = ARM_PARAMETERS) -> Job:
    path = write(root, {"fleet.json": template})
    given = str(write(root, {"fleet.parameters.json": parameters})) if parameters is not None else None
    [job] = read_template(str(path), given)
    return job


def test_arm_inputs_say_their_serialization_path_pattern_and_sql_queries(tmp_path):
    job = arm_job(tmp_path)
    assert_common_facts(job)
    sites = inputs(job)["sites"]
    assert facts(sites) == ("sql", False, None, None, "fleetdb", "dbo.Sites", "RefreshPeriodicallyWithDelta",
                            SNAPSHOT, DELTA)
    # A query written in the template is where its string is; one a parameter gives, where the
    # parameters file writes that value.
    assert sites.delta_query == SqlText(DELTA, where(tmp_path / "fleet.json", '"SELECT SiteId, Region, Capacity, 1'))
    assert sites.snapshot_query == SqlText(SNAPSHOT, where(tmp_path / "fleet.parameters.json", '"SELECT SiteId'))
    assert job.notes == ()


def test_an_arm_query_not_settled_is_none_without_a_note(tmp_path):
    """Facts about an input's data are optional: a value the files do not settle is None and
    draws no SC608 (nothing the check needs depends on it)."""
    job = arm_job(tmp_path, parameters=None)
    sites = inputs(job)["sites"]
    assert sites.snapshot_query is None and sites.delta_query is not None
    assert job.notes == ()


def test_arm_values_not_understood_are_notes(tmp_path):
    template = (ARM_TEMPLATE.replace('"type": "Avro"', '"type": "Protobuff"')
                .replace('"pathPattern": "ref/{date}/devices.csv"', '"pathPattern": ["ref", "devices.csv"]'))
    job = arm_job(tmp_path, template)
    found = inputs(job)
    assert found["clicks"].serialization is None and found["devices"].path_pattern is None
    assert [(n.code, n.where.line) for n in job.notes] == [
        ("SC609", position(tmp_path / "fleet.json", '["ref", "devices.csv"]')[0]),
        ("SC609", position(tmp_path / "fleet.json", '"Protobuff"')[0])]
    assert "'Protobuff', which is not Json, Csv, Avro, Parquet, Protobuf or CustomClr" in job.notes[1].message


def test_arm_child_resource_inputs_and_a_file_reference_input(tmp_path):
    template = {
        "resources": [
            {"type": "Microsoft.StreamAnalytics/streamingjobs", "apiVersion": "2021-10-01-preview", "name": "edge",
             "properties": {"jobType": "Edge",
                            "transformation": {"name": "t", "properties": {"query": "SELECT 1 INTO o FROM i"}}}},
            {"type": "Microsoft.StreamAnalytics/streamingjobs/inputs", "apiVersion": "2021-10-01-preview",
             "name": "edge/lookup", "dependsOn": ["edge"],
             "properties": {"type": "Reference",
                            "datasource": {"type": "File", "properties": {"path": "ref/lookup.json"}},
                            "serialization": {"type": "Json", "properties": {"encoding": "UTF8"}}}},
            {"type": "Microsoft.StreamAnalytics/streamingjobs/inputs", "apiVersion": "2021-10-01-preview",
             "name": "edge/history", "dependsOn": ["edge"],
             "properties": {"type": "Stream", "datasource": {"type": "Microsoft.Storage/Blob", "properties": {
                 "pathPattern": "history/{date}/{time}", "container": "h"}},
                 "serialization": {"type": "Parquet"}}},
        ]}
    job = arm_job(tmp_path, json.dumps(template, indent=2), None)
    found = inputs(job)
    assert facts(found["lookup"]) == ("file", False, "json", "ref/lookup.json", None, None, None, None, None)
    assert facts(found["history"]) == ("blob", True, "parquet", "history/{date}/{time}", None, None, None, None, None)


# ---- Terraform azurerm ---------------------------------------------------------------------------

TERRAFORM_AZURERM = '''
    resource "azurerm_stream_analytics_job" "fleet" {
      name                = "asa-fleet"
      resource_group_name = "rg-fleet"
      location            = "westeurope"
      streaming_units     = 3
      transformation_query = "SELECT 1 INTO o FROM i"
    }

    resource "azurerm_stream_analytics_reference_input_blob" "devices" {
      name                      = "devices"
      stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
      resource_group_name       = azurerm_stream_analytics_job.fleet.resource_group_name
      storage_account_name      = "fleetref"
      storage_container_name    = "reference"
      authentication_mode       = "Msi"
      path_pattern              = "ref/{date}/devices.csv"
      date_format               = "yyyy/MM/dd"
      time_format               = "HH"

      serialization {
        type            = "Csv"
        encoding        = "UTF8"
        field_delimiter = ","
      }
    }

    resource "azurerm_stream_analytics_stream_input_eventhub_v2" "telemetry" {
      name                         = "telemetry"
      stream_analytics_job_id      = azurerm_stream_analytics_job.fleet.id
      eventhub_name                = "telemetry"
      servicebus_namespace         = "fleet-ns"
      authentication_mode          = "Msi"

      serialization {
        type     = "Json"
        encoding = "UTF8"
      }
    }

    resource "azurerm_stream_analytics_stream_input_eventhub" "clicks" {
      name                      = "clicks"
      stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
      resource_group_name       = azurerm_stream_analytics_job.fleet.resource_group_name
      eventhub_name             = "clicks"
      servicebus_namespace      = "fleet-ns"
      authentication_mode       = "Msi"

      serialization {
        type = var.clicks_format
      }
    }

    variable "clicks_format" {
      type    = string
      default = "Avro"
    }

    resource "azurerm_stream_analytics_reference_input_mssql" "sites" {
      name                      = "sites"
      stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
      resource_group_name       = azurerm_stream_analytics_job.fleet.resource_group_name
      server                    = "fleet-sql.database.windows.net"
      database                  = "fleetdb"
      table                     = "dbo.Sites"
      username                  = "asa"
      password                  = var.sql_password
      refresh_type              = "RefreshPeriodicallyWithDelta"
      refresh_interval_duration = "00:05:00"
      full_snapshot_query       = file("${path.module}/sql/sites.snapshot.sql")
      delta_snapshot_query      = <<-SQL
        SELECT SiteId, Region, Capacity, 1 AS _operation_ FROM dbo.Sites
        WHERE ValidFrom BETWEEN @deltaStartTime AND @deltaEndTime
      SQL
    }

    variable "sql_password" {
      type      = string
      sensitive = true
    }
    '''


def test_azurerm_inputs_say_their_serialization_path_pattern_and_sql_queries(tmp_path):
    write(tmp_path, {"main.tf": TERRAFORM_AZURERM, "sql/sites.snapshot.sql": SNAPSHOT})
    [job] = read_terraform(str(tmp_path))
    assert_common_facts(job)
    sites = inputs(job)["sites"]
    assert facts(sites) == ("sql", False, None, None, "fleetdb", "dbo.Sites", "RefreshPeriodicallyWithDelta",
                            SNAPSHOT, DELTA)
    # file() gives the whole file; a heredoc is where it is written.
    assert sites.snapshot_query == SqlText(SNAPSHOT, Where(str(tmp_path / "sql" / "sites.snapshot.sql"), 1, 1))
    assert sites.delta_query is not None
    assert sites.delta_query.where == where(tmp_path / "main.tf", "<<-SQL")
    assert job.notes == ()


def test_azurerm_values_not_settled_or_not_understood(tmp_path):
    """A path pattern from an unset variable is None without a note; a refresh type azurerm
    does not take is a note."""
    main = (TERRAFORM_AZURERM.replace('"ref/{date}/devices.csv"', "var.devices_path")
            .replace('"RefreshPeriodicallyWithDelta"', '"Nightly"')
            + 'variable "devices_path" {\n  type = string\n}\n')
    write(tmp_path, {"main.tf": main, "sql/sites.snapshot.sql": SNAPSHOT})
    [job] = read_terraform(str(tmp_path))
    found = inputs(job)
    assert found["devices"].path_pattern is None and found["devices"].serialization == "csv"
    assert found["sites"].refresh_type is None and found["sites"].database == "fleetdb"
    assert [(n.code, n.where.line) for n in job.notes] == [("SC609", position(tmp_path / "main.tf", '"Nightly"')[0])]
    assert "'Nightly', which is not Static, RefreshPeriodicallyWithFull or RefreshPeriodicallyWithDelta" \
        in job.notes[0].message


# ---- Terraform azapi -------------------------------------------------------------------------------

TERRAFORM_AZAPI = '''
    resource "azapi_resource" "job" {
      type      = "Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview"
      name      = "asa-fleet"
      parent_id = "/subscriptions/0000/resourceGroups/rg-fleet"
      location  = "westeurope"
      body = {
        properties = {
          sku = { name = "StandardV2" }
          inputs = [
            {
              name = "devices"
              properties = {
                type = "Reference"
                datasource = {
                  type = "Microsoft.Storage/Blob"
                  properties = {
                    storageAccounts    = [{ accountName = "fleetref" }]
                    container          = "reference"
                    pathPattern        = "ref/{date}/devices.csv"
                    dateFormat         = "yyyy/MM/dd"
                    authenticationMode = "Msi"
                  }
                }
                serialization = { type = "Csv", properties = { fieldDelimiter = ",", encoding = "UTF8" } }
              }
            },
            {
              name = "telemetry"
              properties = {
                type = "Stream"
                datasource = {
                  type       = "Microsoft.EventHub/EventHub"
                  properties = {
                    serviceBusNamespace = "fleet-ns", eventHubName = "telemetry", authenticationMode = "Msi"
                  }
                }
                serialization = { type = "Json", properties = { encoding = "UTF8" } }
              }
            }
          ]
          transformation = { name = "main", properties = { streamingUnits = 3, query = "SELECT 1 INTO o FROM i" } }
        }
      }
    }

    resource "azapi_resource" "clicks" {
      type      = "Microsoft.StreamAnalytics/streamingjobs/inputs@2021-10-01-preview"
      name      = "clicks"
      parent_id = azapi_resource.job.id
      body = jsonencode({
        properties = {
          type          = "Stream"
          datasource = {
            type       = "Microsoft.ServiceBus/EventHub"
            properties = { serviceBusNamespace = "fleet-ns", eventHubName = "clicks" }
          }
          serialization = { type = "Avro" }
        }
      })
    }

    resource "azapi_resource" "sites" {
      type      = "Microsoft.StreamAnalytics/streamingjobs/inputs@2021-10-01-preview"
      name      = "sites"
      parent_id = azapi_resource.job.id
      body = {
        properties = {
          type = "Reference"
          datasource = {
            type = "Microsoft.Sql/Server/Database"
            properties = {
              server             = "fleet-sql.database.windows.net"
              database           = "fleetdb"
              table              = "dbo.Sites"
              authenticationMode = "Msi"
              refreshType        = "RefreshPeriodicallyWithDelta"
              refreshRate        = "00:05:00"
              fullSnapshotQuery  = local.snapshot
              deltaSnapshotQuery = "DELTA_ESCAPED"
            }
          }
        }
      }
    }

    locals {
      snapshot = file("${path.module}/sites.snapshot.sql")
    }
    '''.replace("DELTA_ESCAPED", DELTA.replace("\n", "\\n"))


def test_azapi_inputs_say_their_serialization_path_pattern_and_sql_queries(tmp_path):
    write(tmp_path, {"main.tf": TERRAFORM_AZAPI, "sites.snapshot.sql": SNAPSHOT})
    [job] = read_terraform(str(tmp_path))
    assert_common_facts(job)
    sites = inputs(job)["sites"]
    assert facts(sites) == ("sql", False, None, None, "fleetdb", "dbo.Sites", "RefreshPeriodicallyWithDelta",
                            SNAPSHOT, DELTA)
    assert sites.snapshot_query == SqlText(SNAPSHOT, Where(str(tmp_path / "sites.snapshot.sql"), 1, 1))
    assert sites.delta_query == SqlText(DELTA, where(tmp_path / "main.tf", '"SELECT SiteId'))
    assert job.notes == ()


# ---- Bicep -----------------------------------------------------------------------------------------

BICEP = """
    param location string = resourceGroup().location
    param clicksFormat string = 'Avro'

    var deltaQuery = '''
    SELECT SiteId, Region, Capacity, 1 AS _operation_ FROM dbo.Sites
    WHERE ValidFrom BETWEEN @deltaStartTime AND @deltaEndTime
    '''

    resource job 'Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview' = {
      name: 'asa-fleet'
      location: location
      properties: {
        sku: { name: 'StandardV2' }
        compatibilityLevel: '1.2'
        inputs: [
          {
            name: 'devices'
            properties: {
              type: 'Reference'
              datasource: {
                type: 'Microsoft.Storage/Blob'
                properties: {
                  storageAccounts: [ { accountName: 'fleetref' } ]
                  container: 'reference'
                  pathPattern: 'ref/{date}/devices.csv'
                  dateFormat: 'yyyy/MM/dd'
                  authenticationMode: 'Msi'
                }
              }
              serialization: { type: 'Csv', properties: { fieldDelimiter: ',', encoding: 'UTF8' } }
            }
          }
          {
            name: 'telemetry'
            properties: {
              type: 'Stream'
              datasource: {
                type: 'Microsoft.EventHub/EventHub'
                properties: { serviceBusNamespace: 'fleet-ns', eventHubName: 'telemetry', authenticationMode: 'Msi' }
              }
              serialization: { type: 'Json', properties: { encoding: 'UTF8' } }
            }
          }
        ]
        transformation: { name: 'main', properties: { streamingUnits: 3, query: 'SELECT 1 INTO o FROM i' } }
      }
    }

    resource clicks 'Microsoft.StreamAnalytics/streamingjobs/inputs@2021-10-01-preview' = {
      parent: job
      name: 'clicks'
      properties: {
        type: 'Stream'
        datasource: {
          type: 'Microsoft.ServiceBus/EventHub'
          properties: { serviceBusNamespace: 'fleet-ns', eventHubName: 'clicks', authenticationMode: 'Msi' }
        }
        serialization: { type: clicksFormat }
      }
    }

    resource sites 'Microsoft.StreamAnalytics/streamingjobs/inputs@2021-10-01-preview' = {
      parent: job
      name: 'sites'
      properties: {
        type: 'Reference'
        datasource: {
          type: 'Microsoft.Sql/Server/Database'
          properties: {
            server: 'fleet-sql.database.windows.net'
            database: 'fleetdb'
            table: 'dbo.Sites'
            authenticationMode: 'Msi'
            refreshType: 'RefreshPeriodicallyWithDelta'
            refreshRate: '00:05:00'
            fullSnapshotQuery: loadTextContent('sql/sites.snapshot.sql')
            deltaSnapshotQuery: deltaQuery
          }
        }
      }
    }
    """


def test_bicep_inputs_say_their_serialization_path_pattern_and_sql_queries(tmp_path):
    path = write(tmp_path, {"main.bicep": BICEP, "sql/sites.snapshot.sql": SNAPSHOT})
    [job] = read_bicep(str(path))
    assert_common_facts(job)
    sites = inputs(job)["sites"]
    assert facts(sites) == ("sql", False, None, None, "fleetdb", "dbo.Sites", "RefreshPeriodicallyWithDelta",
                            SNAPSHOT, DELTA)
    assert sites.snapshot_query == SqlText(SNAPSHOT, Where(str(tmp_path / "sql" / "sites.snapshot.sql"), 1, 1))
    # A variable's multi-line string: where that string is written.
    assert sites.delta_query is not None
    assert sites.delta_query.where == where(path, "'''")
    assert job.notes == ()


def test_bicep_serialization_not_understood_is_a_note(tmp_path):
    path = write(tmp_path, {"main.bicep": BICEP.replace("= 'Avro'", "= 'Xml'"), "sql/sites.snapshot.sql": SNAPSHOT})
    [job] = read_bicep(str(path))
    assert inputs(job)["clicks"].serialization is None
    [note] = job.notes
    assert note.code == "SC609" and "'Xml'" in note.message
