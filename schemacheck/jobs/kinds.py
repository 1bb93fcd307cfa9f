"""Output and input kinds, from the type strings ARM templates and project files use.

One table per vocabulary: ARM datasource types (`Microsoft.Kusto/clusters/databases`),
and the VS Code / Visual Studio `DataSourceType` names (`Blob Storage`). Types compare
case-insensitively (the SDKs do; templates write `StreamingJobs` and `streamingJobs`),
project names also ignoring spaces, dashes and underscores.

No public ASA project has an ADX output file (asa-jobs reference, 2.4), so an ADX output
in a project is recognised defensively: a DataSourceType naming Data Explorer or Kusto,
or a properties block holding Cluster, Database and Table.
"""

from __future__ import annotations

import re

from schemacheck.kinds import ADX

# Output kinds whose datasource names a server, a database and a table (SQL outputs).
SQL_KINDS = ("sql", "synapse", "postgresql")

# ARM `properties.datasource.type` of an output -> kind (schemacheck.config.OUTPUT_KINDS).
ARM_OUTPUT_KINDS = {
    "microsoft.kusto/clusters/databases": ADX,
    "microsoft.storage/blob": "blob",
    "microsoft.storage/table": "table-storage",
    "microsoft.storage/documentdb": "cosmosdb",
    "microsoft.servicebus/eventhub": "eventhub",
    "microsoft.eventhub/eventhub": "eventhub",
    "microsoft.servicebus/queue": "servicebus-queue",
    "microsoft.servicebus/topic": "servicebus-topic",
    "microsoft.sql/server/database": "sql",
    "microsoft.sql/server/datawarehouse": "synapse",
    "microsoft.dbforpostgresql/servers/databases": "postgresql",
    "microsoft.datalake/accounts": "adls-gen1",
    "microsoft.azurefunction": "functions",
    "powerbi": "powerbi",
    "tridentlakehouse": "fabric-lakehouse",
    "lakehouse": "fabric-lakehouse",
    "gatewaymessagebus": "gateway",
    "raw": "raw",
}

# ARM `properties.datasource.type` of an input -> input kind.
ARM_INPUT_KINDS = {
    "microsoft.servicebus/eventhub": "eventhub",
    "microsoft.eventhub/eventhub": "eventhub",
    "microsoft.devices/iothubs": "iothub",
    "microsoft.storage/blob": "blob",
    "microsoft.eventgrid/eventsubscriptions": "eventgrid",
    "microsoft.sql/server/database": "sql",
    "gatewaymessagebus": "gateway",
    "file": "file",
    "raw": "raw",
}

# Project `DataSourceType` (normalised: lower case, no spaces, dashes or underscores) -> kind.
PROJECT_OUTPUT_KINDS = {
    "blobstorage": "blob",
    "blobstorageadlsgen2": "blob",
    "datalakestoragegen2": "blob",
    "adlsgen2": "blob",
    "datalakestoragegen1": "adls-gen1",
    "datalakestore": "adls-gen1",
    "sqldatabase": "sql",
    "sqlserver": "sql",
    "azuresqldatabase": "sql",
    "synapseanalytics": "synapse",
    "azuresynapseanalytics": "synapse",
    "sqldatawarehouse": "synapse",
    "postgresql": "postgresql",
    "azuredatabaseforpostgresql": "postgresql",
    "documentdb": "cosmosdb",
    "cosmosdb": "cosmosdb",
    "azurecosmosdb": "cosmosdb",
    "eventhub": "eventhub",
    "servicebusqueue": "servicebus-queue",
    "servicebustopic": "servicebus-topic",
    # A Fabric Lakehouse output: ARM's types and the portal's name (no public project shows one).
    "tridentlakehouse": "fabric-lakehouse",
    "lakehouse": "fabric-lakehouse",
    "fabriclakehouse": "fabric-lakehouse",
    "microsoftfabriclakehouse": "fabric-lakehouse",
    "tablestorage": "table-storage",
    "azuretable": "table-storage",
    "azurefunction": "functions",
    "azurefunctions": "functions",
    "powerbi": "powerbi",
    # IoT Edge jobs: the edge hub, which older VS Code projects call GatewayMessageBus
    "gatewaymessagebus": "gateway",
    "edgehub": "gateway",
}

# Project input `DataSourceType` (normalised as above) -> input kind.
PROJECT_INPUT_KINDS = {
    "eventhub": "eventhub",
    "iothub": "iothub",
    "blobstorage": "blob",
    "blobstorageadlsgen2": "blob",
    "datalakestoragegen2": "blob",
    "sqldatabase": "sql",
    "localinput": "file",
    "gatewaymessagebus": "gateway",
    "edgehub": "gateway",
}

# An input's serialization type as the files write it (ARM `serialization.type`, a project's
# `Serialization.Type`, azurerm's `serialization { type }`), normalised -> Input.serialization.
SERIALIZATIONS = {"json": "json", "csv": "csv", "avro": "avro", "parquet": "parquet", "protobuf": "protobuf",
                  "customclr": "customclr"}
SERIALIZATION_NAMES = "Json, Csv, Avro, Parquet, Protobuf or CustomClr"

# A SQL Database reference input's refresh type, normalised -> Input.refresh_type: ARM's and
# azurerm's values, and the options Visual Studio's input editor shows (sql-reference-data.md:
# "Execute only once", "Execute periodically", "Refresh Periodically with Delta").
REFRESH_TYPES = {
    "static": "Static", "refreshperiodicallywithfull": "RefreshPeriodicallyWithFull",
    "refreshperiodicallywithdelta": "RefreshPeriodicallyWithDelta",
    "executeonlyonce": "Static", "executeperiodically": "RefreshPeriodicallyWithFull",
}
REFRESH_TYPE_NAMES = "Static, RefreshPeriodicallyWithFull or RefreshPeriodicallyWithDelta"

_ADX_WORDS = ("dataexplorer", "kusto", "adx")

# The spellings an ADX output's properties may use in a project file (its exact JSON is
# not established): the first of each that is present is read.
ADX_CLUSTER_KEYS = ("Cluster", "ClusterUri", "ClusterUrl", "Uri", "ClusterName", "ClusterEndpoint",
                    "IngestionUri", "DataIngestionUri")
ADX_DATABASE_KEYS = ("Database", "DatabaseName", "Db")
ADX_TABLE_KEYS = ("Table", "TableName")
# A SQL output's server (SQLDatabaseProperties{Database,Server,User,Password,Table,...}).
SQL_SERVER_KEYS = ("Server", "ServerName", "Host")


def has_adx_keys(block: object) -> bool:
    """A properties object naming a cluster, a database and a table (under any spelling above)."""
    if not isinstance(block, dict):
        return False
    keys = {k.lower() for k in block if isinstance(k, str)}
    return all(any(n.lower() in keys for n in names)
               for names in (ADX_CLUSTER_KEYS, ADX_DATABASE_KEYS, ADX_TABLE_KEYS))


def _normalised(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


def arm_output_kind(datasource_type: str | None) -> str | None:
    if not isinstance(datasource_type, str):
        return None
    return ARM_OUTPUT_KINDS.get(datasource_type.strip().lower())


def arm_input_kind(datasource_type: str | None) -> str | None:
    if not isinstance(datasource_type, str):
        return None
    return ARM_INPUT_KINDS.get(datasource_type.strip().lower())


def project_output_kind(datasource_type: str | None, properties: dict | None = None) -> str | None:
    """The kind of a project output from its DataSourceType, or from a properties block that
    names a cluster, database and table (ADX, whose project spelling is not established)."""
    if isinstance(datasource_type, str):
        name = _normalised(datasource_type)
        if any(word in name for word in _ADX_WORDS):
            return ADX
        if name.startswith("microsoft"):
            return ARM_OUTPUT_KINDS.get(datasource_type.strip().lower())
        if name in PROJECT_OUTPUT_KINDS:
            return PROJECT_OUTPUT_KINDS[name]
    if has_adx_keys(properties):
        return ADX
    return None


def project_input_kind(datasource_type: str | None) -> str | None:
    if not isinstance(datasource_type, str):
        return None
    name = _normalised(datasource_type)
    if name.startswith("microsoft"):
        return ARM_INPUT_KINDS.get(datasource_type.strip().lower())
    return PROJECT_INPUT_KINDS.get(name)


def looks_like_template(text: str) -> bool:
    """Whether raw text may be a streaming-job ARM template: a cheap test on the text, so a
    directory scan parses (and imports the template reader for) only the likely ones."""
    lowered = text.lower()
    return "streamingjobs" in lowered and '"resources"' in lowered


def serialization_name(written: str) -> str | None:
    """Input.serialization for a serialization type as written (any case, spaces, dashes);
    None when it is none ASA reads."""
    return SERIALIZATIONS.get(_normalised(written))


def refresh_type_name(written: str) -> str | None:
    """Input.refresh_type for a SQL reference input's refresh type as written; None when it is
    none ASA knows."""
    return REFRESH_TYPES.get(_normalised(written))
