"""Writing Delta tables' logs and jobs with Delta outputs for tests/delta: a `_delta_log`
of newline-delimited actions, as delta-io's PROTOCOL.md describes them, and an ARM template
whose job writes to an ADLS Gen2 output with Delta serialization and a Fabric Lakehouse
output."""

from __future__ import annotations

import json
from pathlib import Path


def field(name: str, type_: object, nullable: bool = True, metadata: dict | None = None) -> dict:
    return {"name": name, "type": type_, "nullable": nullable, "metadata": metadata or {}}


def struct(*fields: dict) -> dict:
    return {"type": "struct", "fields": list(fields)}


def metadata(*fields: dict, partitions: tuple[str, ...] = (), configuration: dict | None = None) -> dict:
    """A metaData action whose schemaString holds `fields`."""
    return {"metaData": {"id": "6f1c0e5a-0000-4000-8000-000000000001",
                         "format": {"provider": "parquet", "options": {}},
                         "schemaString": json.dumps(struct(*fields)), "partitionColumns": list(partitions),
                         "configuration": configuration or {}, "createdTime": 1717000000000}}


def protocol(reader: int = 1, writer: int = 2, reader_features=None, writer_features=None) -> dict:
    action: dict = {"minReaderVersion": reader, "minWriterVersion": writer}
    if reader_features is not None:
        action["readerFeatures"] = list(reader_features)
    if writer_features is not None:
        action["writerFeatures"] = list(writer_features)
    return {"protocol": action}


def add(path: str = "part-00000.parquet") -> dict:
    return {"add": {"path": path, "partitionValues": {}, "size": 100, "modificationTime": 1, "dataChange": True}}


COMMIT_INFO = {"commitInfo": {"timestamp": 1717000000000, "operation": "WRITE"}}


def log_path(table: Path, version: int) -> Path:
    return table / "_delta_log" / f"{version:020d}.json"


def commit(table: Path, version: int, *actions: dict | str) -> Path:
    """Write version `version` of `table`'s log: each action a line (a str as it is)."""
    path = log_path(table, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((a if isinstance(a, str) else json.dumps(a)) + "\n" for a in actions), encoding="utf-8")
    return path


def table(root: Path, name: str, *fields: dict, partitions: tuple[str, ...] = (), writer: int = 2,
          writer_features=None) -> Path:
    """A table folder `root`/`name` whose version 0 creates it with `fields`."""
    folder = root / name
    commit(folder, 0, COMMIT_INFO, protocol(writer=writer, reader=3 if writer >= 7 else 1,
                                            reader_features=[] if writer >= 7 else None,
                                            writer_features=writer_features),
           metadata(*fields, partitions=partitions), add())
    return folder


READINGS = (field("DeviceId", "string"), field("Temperature", "double"), field("Site", "string"))


def template(lake_query: str, lake_table: str = "/fleet/Readings", lakehouse_table: str = "Events",
             fabric_query: str = "SELECT CAST(DeviceId AS nvarchar(max)) AS DeviceId INTO [fabric-events] "
                                 "FROM [hub-in]") -> str:
    """An ARM template: job fleet-lake writes `lake_query` to lake-readings (ADLS Gen2, Delta,
    deltaTablePath `lake_table`) and `fabric_query` to fabric-events (a Fabric Lakehouse,
    tableName `lakehouse_table`)."""
    job = {
        "type": "Microsoft.StreamAnalytics/streamingjobs", "apiVersion": "2021-10-01-preview", "name": "fleet-lake",
        "location": "westeurope",
        "properties": {
            "compatibilityLevel": "1.2",
            "inputs": [{"name": "hub-in", "properties": {
                "type": "Stream", "serialization": {"type": "Json"},
                "datasource": {"type": "Microsoft.EventHub/EventHub", "properties": {}}}}],
            "outputs": [
                {"name": "lake-readings", "properties": {
                    "datasource": {"type": "Microsoft.Storage/Blob",
                                   "properties": {"container": "lake", "authenticationMode": "Msi"}},
                    "serialization": {"type": "Delta", "properties": {"deltaTablePath": lake_table,
                                                                      "partitionColumns": []}}}},
                {"name": "fabric-events", "properties": {
                    "datasource": {"type": "TridentLakeHouse", "properties": {"workspaceId": "0000",
                                                                               "artifactId": "1111"}},
                    "serialization": {"type": "Delta", "properties": {"tableName": lakehouse_table}}}},
            ],
            "transformation": {"name": "main", "properties": {"query": f"{lake_query}\n{fabric_query}\n"}},
        },
    }
    return json.dumps({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                       "contentVersion": "1.0.0.0", "resources": [job]}, indent=2) + "\n"


# The outputs take their schema paths from the configuration: `--schema tables` would also hand
# the folder to the Kusto schema loader (see test_delta_cli.py).
CONFIG = '[outputs.lake-readings]\nschemas = ["tables"]\n\n[outputs.fabric-events]\nschemas = ["tables"]\n'
