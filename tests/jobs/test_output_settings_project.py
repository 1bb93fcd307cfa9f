"""Output settings read from ASA projects (schemacheck.jobs.project -> Output.settings).

Each output kind of model.OUTPUT_SETTINGS gets the settings its file writes, under ARM's names,
each placed at its value. The files below follow the shapes public projects show: Blob Storage
(BlobStorageProperties + Serialization), DocumentDB (DocumentDbProperties with ContainerName and
DocumentId), Event Hub (EventHubProperties with PartitionKey and a PropertyColumns list), VS-era
Power BI (PowellBIProperties with Dataset and Table) and VS-era files that keep every kind's block
null but one. Table storage, Service Bus, Delta Lake and Fabric Lakehouse outputs have no public
project file: they are written as the reader reads them (ARM's names, PascalCase, in the kind's
`*Properties` block or in Serialization).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.files import write
from support.jobs import at, project, with_file

from schemacheck.jobs.model import Job, OutputSetting, Where
from schemacheck.jobs.project import read_vs_project, read_vscode_project

# ---- a VS Code project with one output of each kind ------------------------------------------------

TABLE = """\
{
    "Name": "device-table",
    "DataSourceType": "Table Storage",
    "TableStorageProperties": {
        "AccountName": "plantstore",
        "AccountKey": null,
        "Table": "devices",
        "PartitionKey": "PlantId",
        "RowKey": "DeviceId",
        "ColumnsToRemove": ["PlantId", "DeviceId"],
        "BatchSize": 100
    },
    "DataSourceCredentialDomain": null,
    "ScriptType": "Output"
}
"""

COSMOS = """\
{
    "Name": "orders-cosmos",
    "DataSourceType": "DocumentDB",
    "DocumentDbProperties": {
        "AccountId": "shop-cosmos",
        "AccountKey": "********",
        "Database": "Shop",
        "ContainerName": "orders-{partition}",
        "DocumentId": "OrderId",
        "PartitionKey": "Region",
        "AuthenticationMode": "ConnectionString"
    },
    "DataSourceCredentialDomain": "0abdd06b-6e4e-404c-9eaa-ff6e7a0dc1a8.StreamAnalystics",
    "ScriptType": "Output"
}
"""

BLOB = """\
{
    "Name": "raw-archive",
    "DataSourceType": "Blob Storage",
    "BlobStorageProperties": {
        "StorageAccounts": [
            {
                "AccountName": "plantarchive",
                "AccountKey": null
            }
        ],
        "Container": "raw",
        "PathPattern": "{date}/{time}/{DeviceId}",
        "DateFormat": "yyyy/MM/dd",
        "TimeFormat": "HH",
        "AuthenticationMode": "Msi",
        "BlobWriteMode": "Append"
    },
    "DataSourceCredentialDomain": null,
    "Serialization": {
        "Type": "Json",
        "Encoding": "UTF8",
        "Format": "LineSeparated"
    },
    "MinimumRows": null,
    "MaximumTime": null,
    "ScriptType": "Output"
}
"""

DELTA = """\
{
    "Name": "readings-delta",
    "DataSourceType": "Blob Storage",
    "BlobStorageProperties": {
        "StorageAccounts": [ { "AccountName": "plantlake", "AccountKey": null } ],
        "Container": "lake",
        "PathPattern": "",
        "AuthenticationMode": "Msi"
    },
    "Serialization": {
        "Type": "Delta",
        "DeltaTablePath": "tables/readings",
        "PartitionColumns": ["PlantId"]
    },
    "ScriptType": "Output"
}
"""

LAKEHOUSE = """\
{
    "Name": "readings-lakehouse",
    "DataSourceType": "Fabric Lakehouse",
    "LakehouseProperties": {
        "WorkspaceId": "7d1f5e42-0000-4c3a-9e6b-1a2b3c4d5e6f",
        "ArtifactId": "0b9a8c7d-0000-4e5f-8a9b-6c5d4e3f2a1b",
        "AuthenticationMode": "Msi"
    },
    "Serialization": {
        "Type": "Delta",
        "Properties": { "TableName": "readings", "PartitionColumns": "PlantId" }
    },
    "ScriptType": "Output"
}
"""

EVENTHUB = """\
{
    "Name": "alerts-hub",
    "DataSourceType": "Event Hub",
    "EventHubProperties": {
        "ServiceBusNamespace": "plant-ns",
        "EventHubName": "alerts",
        "SharedAccessPolicyName": "RootManageSharedAccessKey",
        "SharedAccessPolicyKey": null,
        "PartitionKey": "DeviceId",
        "PropertyColumns": ["Severity", "DeviceId"],
        "AuthenticationMode": "ConnectionString"
    },
    "DataSourceCredentialDomain": "8054e900-e6b9-46db-8147-6dce5c794d63.StreamAnalystics",
    "Serialization": {
        "Type": "Json",
        "Encoding": "UTF8",
        "Format": "LineSeparated"
    },
    "ScriptType": "Output"
}
"""

QUEUE = """\
{
    "Name": "alerts-queue",
    "DataSourceType": "Service Bus Queue",
    "ServiceBusQueueProperties": {
        "ServiceBusNamespace": "plant-ns",
        "QueueName": "alerts",
        "PropertyColumns": "Severity, DeviceId",
        "SystemPropertyColumns": { "MessageId": "AlertId", "PartitionKey": "PlantId" },
        "AuthenticationMode": "Msi"
    },
    "Serialization": { "Type": "Json", "Encoding": "UTF8", "Format": "LineSeparated" },
    "ScriptType": "Output"
}
"""

TOPIC = """\
{
    "Name": "alerts-topic",
    "DataSourceType": "Service Bus Topic",
    "ServiceBusTopicProperties": {
        "ServiceBusNamespace": "plant-ns",
        "TopicName": "alerts",
        "PropertyColumns": ["Severity"],
        "SystemPropertyColumns": "{\\"SessionId\\": \\"PlantId\\", \\"Label\\": \\"\\"}",
        "AuthenticationMode": "Msi"
    },
    "Serialization": { "Type": "Avro" },
    "ScriptType": "Output"
}
"""

POWERBI = """\
{
    "Name": "dashboard",
    "DataSourceType": "Power BI",
    "PowerBIProperties": {
        "Dataset": "plant",
        "Table": "alertsPerHour",
        "GroupId": null,
        "GroupName": "My Workspace",
        "AuthenticationMode": "Msi"
    },
    "ScriptType": "Output"
}
"""

SQL = """\
{
    "Name": "status-sql",
    "DataSourceType": "SQL Database",
    "SQLDatabaseProperties": {
        "Database": "plant",
        "Server": "plant-sql",
        "User": "asa",
        "Password": null,
        "Table": "dbo.Status",
        "MaxWriterCount": 1,
        "MaxBatchCount": 10000,
        "AuthenticationMode": "ConnectionString"
    },
    "ScriptType": "Output"
}
"""

JOB_CONFIG = """\
{
    "ScriptType": "JobConfig",
    "DataLocale": "en-US",
    "OutputErrorPolicy": "Retry",
    "CompatibilityLevel": "1.2",
    "UseSystemAssignedIdentity": true
}
"""

OUTPUT_FILES = {"device-table": TABLE, "orders-cosmos": COSMOS, "raw-archive": BLOB, "readings-delta": DELTA,
                "readings-lakehouse": LAKEHOUSE, "alerts-hub": EVENTHUB, "alerts-queue": QUEUE,
                "alerts-topic": TOPIC, "dashboard": POWERBI, "status-sql": SQL}


@pytest.fixture
def plant(tmp_path) -> Job:
    configurations = [{"filePath": "JobConfig.json", "subType": "JobConfig"}]
    write(tmp_path, "JobConfig.json", JOB_CONFIG)
    for name, text in OUTPUT_FILES.items():
        write(tmp_path, f"Outputs/{name}.json", text)
        configurations.append({"filePath": f"Outputs\\{name}.json", "subType": "Output"})
    return read_vscode_project(project(tmp_path, configurations, start="Plant.asaql"))


def settings_of(job: Job, alias: str) -> list[tuple]:
    """(name, value, file name, line, column) of each setting of an output."""
    (output,) = [o for o in job.outputs if o.alias == alias]
    return [(s.name, s.value, *at(s.where)) for s in output.settings]


def test_every_output_of_the_project_is_read_without_notes(plant):
    assert plant.notes == ()
    assert [(o.alias, o.kind) for o in plant.outputs] == [
        ("device-table", "table-storage"), ("orders-cosmos", "cosmosdb"), ("raw-archive", "blob"),
        ("readings-delta", "blob"), ("readings-lakehouse", "fabric-lakehouse"), ("alerts-hub", "eventhub"),
        ("alerts-queue", "servicebus-queue"), ("alerts-topic", "servicebus-topic"), ("dashboard", "powerbi"),
        ("status-sql", "sql")]


def test_table_storage_keys_columns_to_remove_and_batch_size(plant):
    assert settings_of(plant, "device-table") == [
        ("partitionKey", "PlantId", "device-table.json", 8, 25),
        ("rowKey", "DeviceId", "device-table.json", 9, 19),
        ("columnsToRemove", ("PlantId", "DeviceId"), "device-table.json", 10, 28),
        ("batchSize", "100", "device-table.json", 11, 22),     # a number, as its text
    ]


def test_cosmos_document_id_partition_key_and_container(plant):
    assert settings_of(plant, "orders-cosmos") == [
        ("documentId", "OrderId", "orders-cosmos.json", 9, 23),
        ("partitionKey", "Region", "orders-cosmos.json", 10, 25),
        ("collectionNamePattern", "orders-{partition}", "orders-cosmos.json", 8, 26),   # ContainerName
    ]


def test_blob_path_pattern_formats_and_serialization(plant):
    assert settings_of(plant, "raw-archive") == [
        ("pathPattern", "{date}/{time}/{DeviceId}", "raw-archive.json", 12, 24),
        ("dateFormat", "yyyy/MM/dd", "raw-archive.json", 13, 23),
        ("timeFormat", "HH", "raw-archive.json", 14, 23),
        ("serialization", "Json", "raw-archive.json", 20, 17),
        ("format", "LineSeparated", "raw-archive.json", 22, 19),
    ]


def test_delta_lake_blob_output_settings_are_read_from_its_serialization(plant):
    # an empty PathPattern (as public files write it) is no setting
    assert settings_of(plant, "readings-delta") == [
        ("serialization", "Delta", "readings-delta.json", 11, 17),
        ("deltaTablePath", "tables/readings", "readings-delta.json", 12, 27),
        ("partitionColumns", ("PlantId",), "readings-delta.json", 13, 29),
    ]


def test_fabric_lakehouse_settings_from_serialization_properties(plant):
    assert settings_of(plant, "readings-lakehouse") == [
        ("serialization", "Delta", "readings-lakehouse.json", 10, 17),
        ("tableName", "readings", "readings-lakehouse.json", 11, 38),
        ("partitionColumns", ("PlantId",), "readings-lakehouse.json", 11, 70),   # one column, as a string
    ]


def test_event_hub_partition_key_and_property_columns(plant):
    assert settings_of(plant, "alerts-hub") == [
        ("partitionKey", "DeviceId", "alerts-hub.json", 9, 25),
        ("propertyColumns", ("Severity", "DeviceId"), "alerts-hub.json", 10, 28),
    ]


def test_service_bus_queue_comma_separated_property_columns_and_system_property_columns(plant):
    assert settings_of(plant, "alerts-queue") == [
        ("propertyColumns", ("Severity", "DeviceId"), "alerts-queue.json", 7, 28),
        ("systemPropertyColumns", (("MessageId", "AlertId"), ("PartitionKey", "PlantId")),
         "alerts-queue.json", 8, 34),
    ]


def test_service_bus_topic_system_property_columns_written_as_a_json_string(plant):
    # the entry naming no column (Label: "") is left out
    assert settings_of(plant, "alerts-topic") == [
        ("propertyColumns", ("Severity",), "alerts-topic.json", 7, 28),
        ("systemPropertyColumns", (("SessionId", "PlantId"),), "alerts-topic.json", 8, 34),
    ]


def test_power_bi_dataset_and_table(plant):
    assert settings_of(plant, "dashboard") == [
        ("dataset", "plant", "dashboard.json", 5, 20),
        ("table", "alertsPerHour", "dashboard.json", 6, 18),
    ]


def test_kinds_without_settings_keep_none(plant):
    (sql,) = [o for o in plant.outputs if o.alias == "status-sql"]
    assert (sql.cluster, sql.database, sql.table, sql.settings) == ("plant-sql", "plant", "dbo.Status", ())


def test_a_setting_is_looked_up_by_name_and_placed_at_its_value(plant):
    (hub,) = [o for o in plant.outputs if o.alias == "alerts-hub"]
    assert hub.setting("propertyColumns") == OutputSetting(
        "propertyColumns", ("Severity", "DeviceId"), Where(hub.where.file, 10, 28))
    assert hub.setting("rowKey") is None


# ---- a Visual Studio project: VS-era files, every kind's block null but one ----------------------------

VS_TABLE = """\
{
  "EventHubProperties": null,
  "BlobStorageProperties": null,
  "SQLDatabaseProperties": null,
  "TableStorageProperties": {
    "AccountName": "shopstore",
    "AccountKey": null,
    "Table": "orders",
    "PartitionKey": "Region",
    "RowKey": "OrderId",
    "ColumnsToRemove": null,
    "BatchSize": "25"
  },
  "ServiceBusQueueProperties": null,
  "ServiceBusTopicProperties": null,
  "DocumentDbProperties": null,
  "PowellBIProperties": null,
  "AzureDataLakeStoreProperties": null,
  "AzureFunctionProperties": null,
  "DataSourceCredentialDomain": "dc04e1bd-2931-4de5-9e32-0783ff5016b1.StreamAnalyticsCredential",
  "Name": "OrdersTable",
  "DataSourceType": "Table Storage",
  "Serialization": null,
  "MinimumRows": null,
  "MaximumTime": null,
  "ScriptType": "Output"
}
"""

VS_POWERBI = """\
{
  "EventHubProperties": null,
  "BlobStorageProperties": null,
  "SQLDatabaseProperties": null,
  "TableStorageProperties": null,
  "ServiceBusQueueProperties": null,
  "ServiceBusTopicProperties": null,
  "DocumentDbProperties": null,
  "PowellBIProperties": {
    "RefreshToken": null,
    "TokenUserPrincipalName": "ops@example.com",
    "TokenUserDisplayName": "Shop Ops",
    "Dataset": "orders",
    "Table": "perRegion",
    "GroupId": null,
    "GroupName": "My Workspace",
    "AuthenticationMode": "UserToken"
  },
  "AzureDataLakeStoreProperties": null,
  "AzureFunctionProperties": null,
  "DataSourceCredentialDomain": null,
  "Name": "Dashboard",
  "DataSourceType": "Power BI",
  "Serialization": null,
  "MinimumRows": null,
  "MaximumTime": null,
  "ScriptType": "Output"
}
"""

VS_BLOB = """\
{
  "EventHubProperties": null,
  "BlobStorageProperties": {
    "Container": "archive",
    "DateFormat": "yyyy/MM/dd",
    "PathPattern": "logs/year={datetime:yyyy}/month={datetime:MM}",
    "StorageAccounts": [
      {
        "AccountKey": null,
        "AccountName": "shoparchive"
      }
    ],
    "TimeFormat": "HH",
    "AuthenticationMode": "ConnectionString"
  },
  "SQLDatabaseProperties": null,
  "TableStorageProperties": null,
  "ServiceBusQueueProperties": null,
  "ServiceBusTopicProperties": null,
  "DocumentDbProperties": null,
  "PowellBIProperties": null,
  "AzureDataLakeStoreProperties": null,
  "AzureFunctionProperties": null,
  "DataSourceCredentialDomain": "9b53b962-b909-4740-a2ed-479da0ff06c1.StreamAnalyticsCredential",
  "Name": "Archive",
  "DataSourceType": "Blob Storage",
  "Serialization": {
    "Encoding": "UTF8",
    "Type": "Csv",
    "FieldDelimiter": ",",
    "Format": null
  },
  "MinimumRows": null,
  "MaximumTime": null,
  "ScriptType": "Output"
}
"""


@pytest.fixture
def shop(tmp_path) -> Job:
    write(tmp_path, "Script.asaql", "SELECT * INTO OrdersTable FROM Orders\n")
    write(tmp_path, "Outputs/OrdersTable.json", VS_TABLE)
    write(tmp_path, "Outputs/Dashboard.json", VS_POWERBI)
    write(tmp_path, "Outputs/Archive.json", VS_BLOB)
    items = "".join(f'    <Configure Include="Outputs\\{name}.json">\n      <SubType>Output</SubType>\n'
                    "    </Configure>\n" for name in ("OrdersTable", "Dashboard", "Archive"))
    return read_vs_project(write(
        tmp_path, "Shop.asaproj",
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project ToolsVersion="4.0" DefaultTargets="Build" '
        'xmlns="http://schemas.microsoft.com/developer/msbuild/2003">\n'
        "  <PropertyGroup>\n    <StartFile>Script.asaql</StartFile>\n    <Name>Shop</Name>\n  </PropertyGroup>\n"
        f'  <ItemGroup>\n    <Script Include="Script.asaql" />\n{items}  </ItemGroup>\n</Project>\n'))


def test_vs_project_outputs_read_from_the_one_non_null_block(shop):
    assert shop.notes == ()
    assert [(o.alias, o.kind) for o in shop.outputs] == [
        ("OrdersTable", "table-storage"), ("Dashboard", "powerbi"), ("Archive", "blob")]
    assert settings_of(shop, "OrdersTable") == [
        ("partitionKey", "Region", "OrdersTable.json", 9, 21),
        ("rowKey", "OrderId", "OrdersTable.json", 10, 15),
        ("batchSize", "25", "OrdersTable.json", 12, 18),     # ColumnsToRemove null: no setting
    ]
    assert settings_of(shop, "Dashboard") == [
        ("dataset", "orders", "Dashboard.json", 13, 16),
        ("table", "perRegion", "Dashboard.json", 14, 14),
    ]
    assert settings_of(shop, "Archive") == [
        ("pathPattern", "logs/year={datetime:yyyy}/month={datetime:MM}", "Archive.json", 6, 20),
        ("dateFormat", "yyyy/MM/dd", "Archive.json", 5, 19),
        ("timeFormat", "HH", "Archive.json", 13, 19),
        ("serialization", "Csv", "Archive.json", 29, 13),    # Format null: no setting
    ]


# ---- shapes case by case -----------------------------------------------------------------------------


def output_file(directory: Path, content: dict) -> Job:
    return with_file(directory, "Output", "Outputs/o.json", {"Name": "o", **content})


@pytest.mark.parametrize("content, expected", [
    # the public Event Hub file's empty PartitionKey and PropertyColumns are no settings
    ({"DataSourceType": "Event Hub", "EventHubProperties": {"PartitionKey": "", "PropertyColumns": []}}, []),
    # keys in any case
    ({"dataSourceType": "Event Hub", "eventHubProperties": {"partitionkey": "k", "PROPERTYCOLUMNS": ["a"]}},
     [("partitionKey", "k"), ("propertyColumns", ("a",))]),
    # written at the top level, as input files write PartitionKey
    ({"DataSourceType": "Event Hub", "EventHubProperties": {"EventHubName": "h"}, "PartitionKey": "k"},
     [("partitionKey", "k")]),
    # a comma-separated string: split, blanks dropped; null items of a list dropped
    ({"DataSourceType": "Table Storage", "TableStorageProperties": {"ColumnsToRemove": " a,,b , "}},
     [("columnsToRemove", ("a", "b"))]),
    ({"DataSourceType": "Service Bus Topic", "ServiceBusTopicProperties": {"PropertyColumns": ["a", None, " "]}},
     [("propertyColumns", ("a",))]),
    # a number as the file writes it
    ({"DataSourceType": "Table Storage", "TableStorageProperties": {"BatchSize": 2.5e1}},
     [("batchSize", "25.0")]),
    # system property columns as a list of {Key, Value} (a .NET dictionary)
    ({"DataSourceType": "Service Bus Queue",
      "ServiceBusQueueProperties": {"SystemPropertyColumns": [{"Key": "MessageId", "Value": "id"}]}},
     [("systemPropertyColumns", (("MessageId", "id"),))]),
    # settings come from the kind's own block, not another one that is set
    ({"DataSourceType": "Power BI", "EventHubProperties": {"Table": "wrong"}, "PowellBIProperties": {"Table": "t"}},
     [("table", "t")]),
    # ARM's Lakehouse type, the Lakehouse's settings in its properties block
    ({"DataSourceType": "TridentLakeHouse", "LakeHouseProperties": {"TableName": "t", "PartitionColumns": ["p"]},
      "Serialization": {"Type": "Delta"}},
     [("serialization", "Delta"), ("tableName", "t"), ("partitionColumns", ("p",))]),
    # a plain Serialization string; Cosmos ARM spelling of the container
    ({"DataSourceType": "Blob Storage", "Serialization": "Parquet"}, [("serialization", "Parquet")]),
    ({"DataSourceType": "Cosmos DB", "CosmosDbProperties": {"CollectionNamePattern": "c"}},
     [("collectionNamePattern", "c")]),
])
def test_shapes(tmp_path, content, expected):
    job = output_file(tmp_path, content)
    assert job.notes == ()
    (output,) = job.outputs
    assert [(s.name, s.value) for s in output.settings] == expected


def test_a_number_keeps_its_written_text(tmp_path):
    write(tmp_path, "Outputs/o.json", '{"Name": "o", "DataSourceType": "Table Storage",\n'
                                      ' "TableStorageProperties": {"BatchSize": 1e2}}')
    job = read_vscode_project(project(tmp_path, [{"filePath": "Outputs/o.json", "subType": "Output"}]))
    assert job.outputs[0].settings == (OutputSetting("batchSize", "1e2", Where(str(tmp_path / "Outputs" / "o.json"),
                                                                                2, 42)),)


# ---- wrong shapes: an SC609 note at the value, the setting left out ---------------------------------------

WRONG = """\
{
    "Name": "o",
    "DataSourceType": "Service Bus Queue",
    "ServiceBusQueueProperties": {
        "PropertyColumns": [{"Name": "a"}],
        "SystemPropertyColumns": ["MessageId", "id"]
    },
    "Serialization": { "Type": { "Name": "Json" } },
    "ScriptType": "Output"
}
"""

WRONG_TABLE = """\
{
    "Name": "t",
    "DataSourceType": "Table Storage",
    "TableStorageProperties": {
        "PartitionKey": { "Column": "a" },
        "RowKey": "b",
        "ColumnsToRemove": { "a": true },
        "BatchSize": [25]
    },
    "ScriptType": "Output"
}
"""


def test_wrong_shapes_are_notes_and_left_out(tmp_path):
    write(tmp_path, "Outputs/o.json", WRONG)
    write(tmp_path, "Outputs/t.json", WRONG_TABLE)
    job = read_vscode_project(project(tmp_path, [{"filePath": "Outputs/o.json", "subType": "Output"},
                                                 {"filePath": "Outputs/t.json", "subType": "Output"}]))
    queue, table = job.outputs
    assert queue.settings == ()        # (a Service Bus output keeps no serialization setting)
    assert [(s.name, s.value) for s in table.settings] == [("rowKey", "b")]
    assert [(n.code, n.message, *at(n.where)) for n in job.notes] == [
        ("SC609", ("Output file Outputs/o.json: PropertyColumns of output o is not a list of column names; "
                  "it is not read"), "o.json", 5, 28),
        ("SC609", ("Output file Outputs/o.json: SystemPropertyColumns of output o is not an object of system "
                  "property names and column names; it is not read"), "o.json", 6, 34),
        ("SC609", "Output file Outputs/t.json: PartitionKey of output t is not a single value; it is not read",
         "t.json", 5, 25),
        ("SC609", ("Output file Outputs/t.json: ColumnsToRemove of output t is not a list of column names; "
                  "it is not read"), "t.json", 7, 28),
        ("SC609", "Output file Outputs/t.json: BatchSize of output t is not a single value; it is not read",
         "t.json", 8, 22),
    ]


def test_a_serialization_type_that_is_not_a_value_is_a_note(tmp_path):
    job = output_file(tmp_path, {"DataSourceType": "Blob Storage", "Serialization": {"Type": ["Json"]},
                                 "BlobStorageProperties": {"SystemPropertyColumns": 5, "PathPattern": "{x}"}})
    (output,) = job.outputs
    assert [(s.name, s.value) for s in output.settings] == [("pathPattern", "{x}")]
    (note,) = job.notes
    assert note.message == ("Output file Outputs/o.json: Serialization.Type of output o is not a single value; "
                            "it is not read")
    assert at(note.where) == ("o.json", 5, 13)


def test_system_property_columns_with_a_non_text_column_is_a_note(tmp_path):
    job = output_file(tmp_path, {"DataSourceType": "Service Bus Topic",
                                 "ServiceBusTopicProperties": {"SystemPropertyColumns": {"MessageId": ["id"]}}})
    assert job.outputs[0].settings == ()
    (note,) = job.notes
    assert "SystemPropertyColumns of output o is not an object" in note.message
    job = output_file(tmp_path, {"DataSourceType": "Service Bus Topic",
                                 "ServiceBusTopicProperties": {"SystemPropertyColumns": "{not json"}})
    assert job.outputs[0].settings == ()
    assert len(job.notes) == 1
