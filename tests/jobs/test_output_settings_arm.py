"""The settings an output keeps (Output.settings, model.OUTPUT_SETTINGS) as the ARM-shaped readers
read them: ARM templates (schemacheck.jobs.arm, also a deployed job's REST answer through
schemacheck.deployed.resource), Bicep resource bodies and Terraform azapi_resource bodies
(schemacheck.jobs.iac.ArmShape).

Every job here has the same outputs, in the shapes the ARM spec's examples write them
(specification/streamanalytics/.../2021-10-01-preview/examples/Output_*.json): a Table storage
output, a Cosmos DB output, a blob output writing line-separated JSON, a blob output writing
Delta, a Fabric Lakehouse (TridentLakeHouse: tableName and partitionColumns under
serialization.properties), an Event Hub, a Service Bus queue and topic (systemPropertyColumns),
Power BI and ADX (which keeps no settings). Each setting is asserted with the place its value is
written; a value only a deployment knows is an SC608 note and a value of the wrong shape an
SC609 note, and neither is kept.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from support.deployed_jobs import job_id, job_resource

from schemacheck.deployed.resource import read_resource
from schemacheck.jobs.arm import read_template
from schemacheck.jobs.bicep import read_bicep
from schemacheck.jobs.model import Job, Output, OutputSetting, Where
from schemacheck.jobs.terraform import read_terraform

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


def at(path: Path, needle: str, occurrence: int = 1) -> Where:
    """Where the `occurrence`th `needle` starts in the file (1-based line and column)."""
    text = path.read_text(encoding="utf-8")
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    return Where(str(path), text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def outputs(job: Job) -> dict[str, Output]:
    assert job.outputs is not None
    found = {o.alias: o for o in job.outputs}
    assert len(found) == len(job.outputs)
    return found


def settings(output: Output) -> list[tuple[str, object]]:
    """(name, value) of each setting, in the order the output keeps them."""
    return [(s.name, s.value) for s in output.settings]


def notes(job: Job) -> list[tuple[str, str, Where]]:
    return [(n.code, n.message, n.where) for n in job.notes]


# What every job of this file keeps, output by output (the values the parameters give included).
EXPECTED = {
    "trips-table": [("partitionKey", "Region"), ("rowKey", "TripId"), ("columnsToRemove", ("Internal", "Debug")),
                    ("batchSize", "100")],
    "trips-cosmos": [("documentId", "TripId"), ("partitionKey", "Region"), ("collectionNamePattern", "trips")],
    "trips-blob": [("pathPattern", "trips/{Region}/{date}/{time}"), ("dateFormat", "yyyy/MM/dd"),
                   ("timeFormat", "HH"), ("serialization", "Json"), ("format", "LineSeparated")],
    "trips-delta": [("serialization", "Delta"), ("deltaTablePath", "/trips/table1"), ("partitionColumns", ("Region",))],
    "trips-lake": [("serialization", "Delta"), ("tableName", "Trips"), ("partitionColumns", ("Region", "Day"))],
    # the hub's partitionKey is a parameter no file gives a value: an SC608 note, not kept
    "trips-hub": [("propertyColumns", ("Region", "Fleet"))],
    "trips-queue": [("propertyColumns", ("Region",)),
                    ("systemPropertyColumns", (("MessageId", "TripId"), ("PartitionKey", "Region")))],
    "trips-topic": [("propertyColumns", ("Region", "Fleet")), ("systemPropertyColumns", (("SessionId", "Fleet"),))],
    "trips-pbi": [("dataset", "Fleet"), ("table", "Trips")],
    "trips-adx": [],
}


# ---- ARM templates -----------------------------------------------------------------------------

TEMPLATE = """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "tripKey": { "type": "string" },
        "hubKey": { "type": "string" },
        "hubColumns": { "type": "array" },
        "datasetName": { "type": "string", "defaultValue": "Fleet" }
      },
      "variables": { "region": "Region" },
      "resources": [
        {
          "type": "Microsoft.StreamAnalytics/streamingjobs",
          "apiVersion": "2021-10-01-preview",
          "name": "asa-trips",
          "location": "westeurope",
          "properties": {
            "sku": { "name": "Standard" },
            "compatibilityLevel": "1.2",
            "outputs": [
              {
                "name": "trips-table",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Storage/Table",
                    "properties": {
                      "accountName": "stfleet",
                      "table": "trips",
                      "partitionKey": "[variables('region')]",
                      "rowKey": "TripId",
                      "columnsToRemove": [ "Internal", "Debug" ],
                      "batchSize": 100
                    }
                  }
                }
              },
              {
                "name": "trips-cosmos",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Storage/DocumentDB",
                    "properties": {
                      "accountId": "cosmos-fleet",
                      "database": "fleet",
                      "collectionNamePattern": "trips",
                      "partitionKey": "Region",
                      "documentId": "[parameters('tripKey')]",
                      "authenticationMode": "Msi"
                    }
                  }
                }
              },
              {
                "name": "trips-blob",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Storage/Blob",
                    "properties": {
                      "storageAccounts": [ { "accountName": "stfleet" } ],
                      "container": "trips",
                      "pathPattern": "trips/{Region}/{date}/{time}",
                      "dateFormat": "yyyy/MM/dd",
                      "timeFormat": "HH",
                      "authenticationMode": "Msi"
                    }
                  },
                  "serialization": { "type": "Json", "properties": { "encoding": "UTF8", "format": "LineSeparated" } }
                }
              },
              {
                "name": "trips-delta",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Storage/Blob",
                    "properties": { "storageAccounts": [ { "accountName": "stfleet" } ], "container": "deltaoutput" }
                  },
                  "serialization": {
                    "type": "Delta",
                    "properties": { "deltaTablePath": "/trips/table1", "partitionColumns": [ "Region" ] }
                  }
                }
              },
              {
                "name": "trips-hub",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.EventHub/EventHub",
                    "properties": {
                      "serviceBusNamespace": "ns-fleet",
                      "eventHubName": "trips",
                      "partitionKey": "[parameters('hubKey')]",
                      "propertyColumns": "[parameters('hubColumns')]",
                      "authenticationMode": "Msi"
                    }
                  },
                  "serialization": { "type": "Json", "properties": { "encoding": "UTF8", "format": "LineSeparated" } }
                }
              },
              {
                "name": "trips-queue",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.ServiceBus/Queue",
                    "properties": {
                      "serviceBusNamespace": "ns-fleet",
                      "queueName": "trips",
                      "propertyColumns": [ "Region" ],
                      "systemPropertyColumns": { "MessageId": "TripId", "PartitionKey": "[variables('region')]" }
                    }
                  },
                  "serialization": { "type": "Avro" }
                }
              },
              {
                "name": "trips-topic",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.ServiceBus/Topic",
                    "properties": {
                      "serviceBusNamespace": "ns-fleet",
                      "topicName": "trips",
                      "propertyColumns": [ "Region", "Fleet" ],
                      "systemPropertyColumns": { "SessionId": "Fleet" }
                    }
                  },
                  "serialization": { "type": "Csv", "properties": { "fieldDelimiter": ",", "encoding": "UTF8" } }
                }
              },
              {
                "name": "trips-pbi",
                "properties": {
                  "datasource": {
                    "type": "PowerBI",
                    "properties": { "dataset": "[parameters('datasetName')]", "table": "Trips", "groupId": "g" }
                  }
                }
              },
              {
                "name": "trips-adx",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Kusto/clusters/databases",
                    "properties": { "cluster": "https://adxfleet.westeurope.kusto.windows.net", "database": "fleet",
                                    "table": "Trips", "authenticationMode": "Msi" }
                  }
                }
              }
            ],
            "transformation": { "name": "main", "properties": { "query": "SELECT * INTO [trips-table] FROM [in]" } }
          }
        },
        {
          "type": "Microsoft.StreamAnalytics/streamingjobs/outputs",
          "apiVersion": "2021-10-01-preview",
          "name": "asa-trips/trips-lake",
          "dependsOn": [ "[resourceId('Microsoft.StreamAnalytics/streamingjobs', 'asa-trips')]" ],
          "properties": {
            "datasource": {
              "type": "TridentLakeHouse",
              "properties": { "workspaceId": "ws-fleet", "artifactId": "lh-trips" }
            },
            "serialization": {
              "type": "Delta",
              "properties": { "tableName": "Trips", "partitionColumns": [ "Region", "Day" ] }
            }
          }
        }
      ]
    }
"""

PARAMETERS = """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "tripKey": { "value": "TripId" },
        "hubColumns": { "value": [ "Region", "Fleet" ] }
      }
    }
"""


def arm_job(tmp_path: Path, template: str = TEMPLATE, parameters: str | None = PARAMETERS) -> tuple[Job, Path]:
    path = write(tmp_path, {"trips.json": template})
    if parameters is not None:
        write(tmp_path, {"trips.parameters.json": parameters})
    [job] = read_template(str(path), str(tmp_path / "trips.parameters.json") if parameters is not None else None)
    return job, path


def test_each_arm_output_keeps_its_settings_where_each_value_is_written(tmp_path):
    job, path = arm_job(tmp_path)
    found = outputs(job)
    assert {alias: settings(output) for alias, output in found.items()} == EXPECTED
    assert [(o.alias, o.kind) for o in job.outputs] == [
        ("trips-table", "table-storage"), ("trips-cosmos", "cosmosdb"), ("trips-blob", "blob"), ("trips-delta", "blob"),
        ("trips-hub", "eventhub"), ("trips-queue", "servicebus-queue"), ("trips-topic", "servicebus-topic"),
        ("trips-pbi", "powerbi"), ("trips-adx", "adx"), ("trips-lake", "fabric-lakehouse")]
    # A literal is where its value starts; an expression's value (a variable, a parameter) where the expression is.
    assert found["trips-table"].settings == (
        OutputSetting("partitionKey", "Region", at(path, '"[variables(\'region\')]"')),
        OutputSetting("rowKey", "TripId", at(path, '"TripId"')),
        OutputSetting("columnsToRemove", ("Internal", "Debug"), at(path, '[ "Internal"')),
        OutputSetting("batchSize", "100", at(path, "100")))
    cosmos = found["trips-cosmos"]
    assert cosmos.setting("documentId") == OutputSetting("documentId", "TripId",
                                                         at(path, "\"[parameters('tripKey')]\""))
    assert cosmos.setting("collectionNamePattern").where == at(path, '"trips"', 2)
    blob = found["trips-blob"]
    assert [s.where for s in blob.settings] == [at(path, '"trips/{Region}'), at(path, '"yyyy/MM/dd"'),
                                                at(path, '"HH"'), at(path, '"Json"'), at(path, '"LineSeparated"')]
    delta = found["trips-delta"]
    assert [s.where for s in delta.settings] == [at(path, '"Delta"'), at(path, '"/trips/table1"'),
                                                 at(path, '[ "Region" ]')]
    lake = found["trips-lake"]
    assert [s.where for s in lake.settings] == [at(path, '"Delta"', 2), at(path, '"Trips", "partitionColumns"'),
                                                at(path, '[ "Region", "Day" ]')]
    hub = found["trips-hub"]
    assert hub.setting("propertyColumns").where == at(path, "\"[parameters('hubColumns')]\"")
    assert hub.setting("partitionKey") is None
    queue = found["trips-queue"]
    assert queue.setting("systemPropertyColumns").where == at(path, '{ "MessageId"')
    assert found["trips-topic"].setting("systemPropertyColumns").where == at(path, '{ "SessionId"')
    assert found["trips-pbi"].setting("dataset").where == at(path, "\"[parameters('datasetName')]\"")
    # ADX outputs keep their cluster, database and table, and no settings.
    adx = found["trips-adx"]
    assert (adx.database, adx.table, adx.settings) == ("fleet", "Trips", ())
    # The hub's partitionKey is the one value no file gives.
    assert notes(job) == [(
        "SC608", ("the partitionKey of output 'trips-hub' is [parameters('hubKey')], which schemacheck cannot resolve "
        "(parameter 'hubKey' has no value: no parameters file gives one and it has no defaultValue); pass "
        "--parameters FILE with its value, or write the value in the template, to have it checked"),
        at(path, "\"[parameters('hubKey')]\""))]


def test_without_the_parameters_file_each_parameter_without_a_default_is_an_sc608_note(tmp_path):
    job, path = arm_job(tmp_path, parameters=None)
    found = outputs(job)
    assert found["trips-cosmos"].setting("documentId") is None
    assert found["trips-hub"].settings == ()
    assert found["trips-pbi"].setting("dataset").value == "Fleet"     # its defaultValue
    assert [(code, message.split(" is ")[0], where) for code, message, where in notes(job)] == [
        ("SC608", "the documentId of output 'trips-cosmos'", at(path, "\"[parameters('tripKey')]\"")),
        ("SC608", "the partitionKey of output 'trips-hub'", at(path, "\"[parameters('hubKey')]\"")),
        ("SC608", "the propertyColumns of output 'trips-hub'", at(path, "\"[parameters('hubColumns')]\""))]


def one_output_template(output: dict, parameters: dict | None = None) -> str:
    """A template of one job whose only output is `output` (indented as templates are)."""
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": parameters or {},
        "resources": [{
            "type": "Microsoft.StreamAnalytics/streamingjobs", "apiVersion": "2021-10-01-preview", "name": "asa",
            "location": "westeurope",
            "properties": {"outputs": [output], "transformation": {
                "name": "main", "properties": {"query": "SELECT * INTO [out] FROM [in]"}}},
        }],
    }
    return json.dumps(template, indent=2) + "\n"


def lakehouse(datasource_type: str, datasource: dict, serialization: dict | None) -> dict:
    properties: dict = {"datasource": {"type": datasource_type, "properties": datasource}}
    if serialization is not None:
        properties["serialization"] = serialization
    return {"name": "out", "properties": properties}


def test_a_lakehouse_output_reads_table_name_and_partition_columns_as_the_spec_examples_write_them(tmp_path):
    # Output_Create_LakeHouse.json writes `deltaTablePath` (no tableName).
    job, _ = arm_job(tmp_path, one_output_template(lakehouse(
        "LakeHouse", {"workspaceId": "state", "artifactId": "{date}/{time}"},
        {"type": "Delta", "properties": {"deltaTablePath": "someTable", "partitionColumns": ["column1", "column2"]}})),
        None)
    [output] = job.outputs
    assert (output.kind, output.datasource) == ("fabric-lakehouse", "LakeHouse")
    assert settings(output) == [("serialization", "Delta"), ("deltaTablePath", "someTable"),
                                ("partitionColumns", ("column1", "column2"))]
    assert job.notes == ()


def test_a_lakehouse_table_name_in_the_datasource_is_read_first_and_delta_is_its_only_format(tmp_path):
    job, path = arm_job(tmp_path, one_output_template(lakehouse(
        "TridentLakeHouse", {"workspaceId": "ws", "artifactId": "lh", "tableName": "FromDatasource"},
        {"properties": {"tableName": "FromSerialization", "partitionColumns": ["Region"]}})), None)
    [output] = job.outputs
    # No serialization type is written: a Lakehouse writes Delta only, so its Delta properties are read.
    assert settings(output) == [("tableName", "FromDatasource"), ("partitionColumns", ("Region",))]
    assert output.setting("tableName").where == at(path, '"FromDatasource"')
    assert job.notes == ()


def test_serialization_properties_are_read_for_the_type_they_belong_to(tmp_path):
    # A Csv blob output's stray Delta and Json properties are not its settings.
    output = {"name": "out", "properties": {
        "datasource": {"type": "Microsoft.Storage/Blob",
                       "properties": {"container": "c", "pathPattern": "{date}", "dateFormat": "yyyy/MM/dd"}},
        "serialization": {"type": "Csv", "properties": {"fieldDelimiter": ",", "format": "Array",
                                                         "deltaTablePath": "/t", "partitionColumns": ["x"]}}}}
    job, _ = arm_job(tmp_path, one_output_template(output), None)
    assert settings(job.outputs[0]) == [("pathPattern", "{date}"), ("dateFormat", "yyyy/MM/dd"),
                                        ("serialization", "Csv")]
    assert job.notes == ()


def test_settings_of_a_datasource_given_whole_by_a_parameter_are_placed_at_the_expression(tmp_path):
    output = {"name": "out", "properties": {
        "datasource": {"type": "Microsoft.Storage/Table", "properties": "[parameters('table')]"}}}
    parameters = {"table": {"type": "object", "defaultValue": {
        "accountName": "st", "table": "t", "partitionKey": "Region", "rowKey": "TripId", "columnsToRemove": ["X"]}}}
    job, path = arm_job(tmp_path, one_output_template(output, parameters), None)
    [output_read] = job.outputs
    expression = at(path, "\"[parameters('table')]\"")
    assert output_read.settings == (OutputSetting("partitionKey", "Region", expression),
                                    OutputSetting("rowKey", "TripId", expression),
                                    OutputSetting("columnsToRemove", ("X",), expression))
    # Unresolved, the datasource properties are one SC608 note.
    job, path = arm_job(tmp_path, one_output_template(output, {"table": {"type": "object"}}), None)
    assert job.outputs[0].settings == ()
    [(code, message, where)] = notes(job)
    assert code == "SC608" and message.startswith("the datasource properties of output 'out' is [parameters('table')]")
    assert where == at(path, "\"[parameters('table')]\"")


WRONG = """
    {
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "contentVersion": "1.0.0.0",
      "resources": [
        {
          "type": "Microsoft.StreamAnalytics/streamingjobs",
          "apiVersion": "2021-10-01-preview",
          "name": "asa-wrong",
          "properties": {
            "outputs": [
              {
                "name": "table",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Storage/Table",
                    "properties": {
                      "partitionKey": [ "Region" ],
                      "rowKey": "TripId",
                      "columnsToRemove": [ "Internal", { "name": "Debug" } ]
                    }
                  }
                }
              },
              {
                "name": "queue",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.ServiceBus/Queue",
                    "properties": { "propertyColumns": "Region", "systemPropertyColumns": [ "MessageId" ] }
                  }
                }
              },
              {
                "name": "topic",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.ServiceBus/Topic",
                    "properties": { "systemPropertyColumns": { "MessageId": [ "TripId" ] } }
                  }
                }
              },
              {
                "name": "blob",
                "properties": {
                  "datasource": { "type": "Microsoft.Storage/Blob", "properties": "container=trips" },
                  "serialization": "Json"
                }
              },
              {
                "name": "cosmos",
                "properties": {
                  "datasource": {
                    "type": "Microsoft.Storage/DocumentDB",
                    "properties": { "documentId": null, "partitionKey": { "path": "/Region" } }
                  }
                }
              }
            ],
            "transformation": { "name": "main", "properties": { "query": "SELECT * INTO [table] FROM [in]" } }
          }
        }
      ]
    }
"""


def test_a_setting_of_the_wrong_shape_is_an_sc609_note_and_left_out(tmp_path):
    job, path = arm_job(tmp_path, WRONG, None)
    found = outputs(job)
    assert settings(found["table"]) == [("rowKey", "TripId")]
    assert [settings(found[alias]) for alias in ("queue", "topic", "blob", "cosmos")] == [[], [], [], []]
    assert notes(job) == [
        ("SC609", "the partitionKey of output 'table' should be text, not an array; it is not checked",
         at(path, '[ "Region" ]')),
        ("SC609", ("an entry of the columnsToRemove of output 'table' should be text, not an object; the "
         "columnsToRemove of output 'table' is not checked"), at(path, '{ "name": "Debug" }')),
        ("SC609", "the propertyColumns of output 'queue' should be an array of text, not text; it is not checked",
         at(path, '"Region",')),
        ("SC609", ("the systemPropertyColumns of output 'queue' should be an object whose values are text, not an "
         "array; it is not checked"), at(path, '[ "MessageId" ]')),
        ("SC609", ("the 'MessageId' entry of the systemPropertyColumns of output 'topic' should be text, not an "
         "array; the systemPropertyColumns of output 'topic' is not checked"), at(path, '[ "TripId" ]')),
        ("SC609", ("the datasource properties of output 'blob' should be an object, not text; its settings are not "
         "checked"), at(path, '"container=trips"')),
        ("SC609", "the serialization of output 'blob' should be an object, not text; its settings are not checked",
         at(path, '"Json"')),
        ("SC609", "the partitionKey of output 'cosmos' should be text, not an object; it is not checked",
         at(path, '{ "path"')),
    ]


# ---- a deployed job: ARM's REST answer --------------------------------------------------------


def test_a_deployed_job_keeps_the_settings_of_its_outputs(tmp_path):
    """read_resource wraps the answer into a template: the settings are read as a template's,
    every place being the job's resource id."""
    job_path = write(tmp_path, {"trips.json": TEMPLATE})
    template = json.loads(job_path.read_text(encoding="utf-8"))
    job_entry, lake_entry = template["resources"]
    answered = []
    for output in job_entry["properties"]["outputs"] + [dict(lake_entry, name="trips-lake")]:
        properties = json.loads(json.dumps(output["properties"])
                                .replace("[variables('region')]", "Region")
                                .replace("[parameters('tripKey')]", "TripId")
                                .replace("[parameters('datasetName')]", "Fleet")
                                .replace('"[parameters(\'hubColumns\')]"', '["Region", "Fleet"]')
                                .replace("[parameters('hubKey')]", "[TripId]"))
        properties["datasource"]["properties"]["accountKey"] = "c2VjcmV0=="   # ARM leaves keys out; read_resource too
        answered.append({"name": output["name"], "type": "Microsoft.StreamAnalytics/streamingjobs/outputs",
                         "properties": properties})
    resource = job_resource("0000", "rg-fleet", "asa-trips", query="SELECT * INTO [trips-table] FROM [in]",
                            outputs=answered)
    deployed = read_resource(resource)
    rid = job_id("0000", "rg-fleet", "asa-trips")
    found = outputs(deployed.job)
    # A deployed value written like an expression is a literal: "[TripId]" is the hub's partition key.
    expected = dict(EXPECTED, **{"trips-hub": [("partitionKey", "[TripId]"), ("propertyColumns", ("Region", "Fleet"))]})
    assert {alias: settings(output) for alias, output in found.items()} == expected
    assert {s.where for output in found.values() for s in output.settings} == {Where(rid)}
    assert deployed.job.notes == ()


# ---- Bicep -------------------------------------------------------------------------------------

BICEP = """
    param hubKey string
    param hubColumns array
    param tripKey string = 'TripKey'
    var region = 'Region'

    resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2023-04-15' = {
      name: 'cosmos-fleet'
      location: 'westeurope'
    }

    resource job 'Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview' = {
      name: 'asa-trips'
      location: 'westeurope'
      properties: {
        sku: { name: 'Standard' }
        outputs: [
          {
            name: 'trips-table'
            properties: {
              datasource: {
                type: 'Microsoft.Storage/Table'
                properties: {
                  accountName: 'stfleet'
                  table: 'trips'
                  partitionKey: region
                  rowKey: 'TripId'
                  columnsToRemove: [ 'Internal', 'Debug' ]
                  batchSize: 100
                }
              }
            }
          }
          {
            name: 'trips-cosmos'
            properties: {
              datasource: {
                type: 'Microsoft.Storage/DocumentDB'
                properties: {
                  accountId: cosmos.name
                  database: 'fleet'
                  collectionNamePattern: 'trips'
                  partitionKey: 'Region'
                  documentId: tripKey
                  authenticationMode: 'Msi'
                }
              }
            }
          }
          {
            name: 'trips-blob'
            properties: {
              datasource: {
                type: 'Microsoft.Storage/Blob'
                properties: {
                  storageAccounts: [ { accountName: 'stfleet' } ]
                  container: 'trips'
                  pathPattern: 'trips/{Region}/{date}/{time}'
                  dateFormat: 'yyyy/MM/dd'
                  timeFormat: 'HH'
                  authenticationMode: 'Msi'
                }
              }
              serialization: { type: 'Json', properties: { encoding: 'UTF8', format: 'LineSeparated' } }
            }
          }
          {
            name: 'trips-delta'
            properties: {
              datasource: {
                type: 'Microsoft.Storage/Blob'
                properties: { storageAccounts: [ { accountName: 'stfleet' } ], container: 'deltaoutput' }
              }
              serialization: {
                type: 'Delta'
                properties: { deltaTablePath: '/trips/table1', partitionColumns: [ region ] }
              }
            }
          }
          {
            name: 'trips-hub'
            properties: {
              datasource: {
                type: 'Microsoft.EventHub/EventHub'
                properties: {
                  serviceBusNamespace: 'ns-fleet'
                  eventHubName: 'trips'
                  partitionKey: hubKey
                  propertyColumns: hubColumns
                  authenticationMode: 'Msi'
                }
              }
              serialization: { type: 'Json', properties: { encoding: 'UTF8', format: 'LineSeparated' } }
            }
          }
          {
            name: 'trips-queue'
            properties: {
              datasource: {
                type: 'Microsoft.ServiceBus/Queue'
                properties: {
                  serviceBusNamespace: 'ns-fleet'
                  queueName: 'trips'
                  propertyColumns: [ 'Region' ]
                  systemPropertyColumns: { MessageId: 'TripId', PartitionKey: region }
                }
              }
              serialization: { type: 'Avro' }
            }
          }
          {
            name: 'trips-topic'
            properties: {
              datasource: {
                type: 'Microsoft.ServiceBus/Topic'
                properties: {
                  serviceBusNamespace: 'ns-fleet'
                  topicName: 'trips'
                  propertyColumns: [ 'Region', 'Fleet' ]
                  systemPropertyColumns: { SessionId: 'Fleet' }
                }
              }
              serialization: { type: 'Csv', properties: { fieldDelimiter: ',', encoding: 'UTF8' } }
            }
          }
          {
            name: 'trips-pbi'
            properties: {
              datasource: {
                type: 'PowerBI'
                properties: { dataset: 'Fleet', table: 'Trips', groupId: 'g' }
              }
            }
          }
          {
            name: 'trips-adx'
            properties: {
              datasource: {
                type: 'Microsoft.Kusto/clusters/databases'
                properties: {
                  cluster: 'https://adxfleet.westeurope.kusto.windows.net'
                  database: 'fleet'
                  table: 'Trips'
                }
              }
            }
          }
        ]
        transformation: { name: 'main', properties: { query: 'SELECT * INTO [trips-table] FROM [in]' } }
      }
    }

    resource lake 'Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview' = {
      parent: job
      name: 'trips-lake'
      properties: {
        datasource: {
          type: 'TridentLakeHouse'
          properties: { workspaceId: 'ws-fleet', artifactId: 'lh-trips' }
        }
        serialization: {
          type: 'Delta'
          properties: { tableName: 'Trips', partitionColumns: [ 'Region', 'Day' ] }
        }
      }
    }
"""

BICEPPARAM = """
    using './main.bicep'

    param tripKey = 'TripId'
    param hubColumns = [ 'Region', 'Fleet' ]
"""


def test_each_bicep_output_keeps_its_settings_where_each_value_is_written(tmp_path):
    main = write(tmp_path, {"main.bicep": BICEP, "main.bicepparam": BICEPPARAM})
    params = tmp_path / "main.bicepparam"
    [job] = read_bicep(str(main), str(params))
    found = outputs(job)
    assert {alias: settings(output) for alias, output in found.items()} == EXPECTED
    # A variable's value is where the variable is written; a parameter's where the parameters file sets it.
    table = found["trips-table"]
    assert [s.where for s in table.settings] == [at(main, "'Region'"), at(main, "'TripId'"), at(main, "[ 'Internal'"),
                                                 at(main, "100")]
    assert found["trips-cosmos"].setting("documentId").where == at(params, "'TripId'")
    assert found["trips-hub"].setting("propertyColumns").where == at(params, "[ 'Region'")
    assert found["trips-queue"].setting("systemPropertyColumns").where == at(main, "{ MessageId")
    assert [s.where for s in found["trips-delta"].settings] == [at(main, "'Delta'"), at(main, "'/trips/table1'"),
                                                                at(main, "[ region ]")]
    lake = found["trips-lake"]
    assert lake.kind == "fabric-lakehouse"
    assert [s.where for s in lake.settings] == [at(main, "'Delta'", 2), at(main, "'Trips', partitionColumns"),
                                                at(main, "[ 'Region', 'Day' ]")]
    assert found["trips-adx"].settings == ()
    why = "which is a parameter with no default, and no parameters file sets it: what depends on it is not checked"
    assert notes(job) == [("SC608", f"the partitionKey of output 'trips-hub' is `hubKey`, {why}",
                           at(main, "hubKey\n"))]


def test_a_bicep_value_only_a_deployment_knows_is_an_sc608_note(tmp_path):
    main = write(tmp_path, {"main.bicep": BICEP.replace("collectionNamePattern: 'trips'",
                                                        "collectionNamePattern: cosmos.id")})
    [job] = read_bicep(str(main))
    cosmos = outputs(job)["trips-cosmos"]
    assert settings(cosmos) == [("documentId", "TripKey"), ("partitionKey", "Region")]   # tripKey's default
    assert [(code, message.split(" is ")[0]) for code, message, _ in notes(job)] == [
        ("SC608", "the collectionNamePattern of output 'trips-cosmos'"),
        ("SC608", "the partitionKey of output 'trips-hub'"),
        ("SC608", "the propertyColumns of output 'trips-hub'")]
    _code, message, where = notes(job)[0]
    assert "`cosmos.id`, which is an attribute Azure gives a resource when it is deployed" in message
    assert where == at(main, "cosmos.id")


def test_a_bicep_setting_of_the_wrong_shape_is_an_sc609_note(tmp_path):
    main = write(tmp_path, {"main.bicep": BICEP.replace("partitionKey: region", "partitionKey: [ region ]")
                            .replace("systemPropertyColumns: { SessionId: 'Fleet' }",
                                     "systemPropertyColumns: [ 'SessionId' ]"),
                            "main.bicepparam": BICEPPARAM})
    [job] = read_bicep(str(main), str(tmp_path / "main.bicepparam"))
    found = outputs(job)
    assert found["trips-table"].setting("partitionKey") is None
    assert found["trips-topic"].setting("systemPropertyColumns") is None
    assert [n for n in notes(job) if n[0] == "SC609"] == [
        ("SC609", "the partitionKey of output 'trips-table' should be text, not an array; it is not checked",
         at(main, "[ region ]\n")),
        ("SC609", ("the systemPropertyColumns of output 'trips-topic' should be an object whose values are text, not "
         "an array; it is not checked"), at(main, "[ 'SessionId' ]"))]


# ---- Terraform: azapi_resource bodies ------------------------------------------------------------

AZAPI = """
    variable "partition_key" {
      type = string
    }
    variable "row_key" {
      type = string
    }

    resource "azapi_resource" "job" {
      type      = "Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview"
      name      = "asa-trips"
      parent_id = "/subscriptions/0000/resourceGroups/rg-fleet"
      location  = "westeurope"
      body = {
        properties = {
          sku = { name = "Standard" }
          outputs = [
            {
              name = "trips-table"
              properties = {
                datasource = {
                  type = "Microsoft.Storage/Table"
                  properties = {
                    accountName     = "stfleet"
                    table           = "trips"
                    partitionKey    = var.partition_key
                    rowKey          = var.row_key
                    columnsToRemove = ["Internal", "Debug"]
                    batchSize       = 100
                  }
                }
              }
            },
            {
              name = "trips-queue"
              properties = {
                datasource = {
                  type = "Microsoft.ServiceBus/Queue"
                  properties = {
                    serviceBusNamespace   = "ns-fleet"
                    queueName             = "trips"
                    propertyColumns       = ["Region"]
                    systemPropertyColumns = { MessageId = "TripId", PartitionKey = "Region" }
                  }
                }
                serialization = { type = "Avro" }
              }
            },
            {
              name = "trips-pbi"
              properties = {
                datasource = {
                  type       = "PowerBI"
                  properties = { dataset = "Fleet", table = ["Trips"] }
                }
              }
            }
          ]
          transformation = { name = "main", properties = { query = "SELECT * INTO [trips-table] FROM [in]" } }
        }
      }
    }

    resource "azapi_resource" "delta" {
      type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview"
      name      = "trips-delta"
      parent_id = azapi_resource.job.id
      body = jsonencode({
        properties = {
          datasource = {
            type       = "Microsoft.Storage/Blob"
            properties = { storageAccounts = [{ accountName = "stfleet" }], container = "deltaoutput" }
          }
          serialization = {
            type       = "Delta"
            properties = { deltaTablePath = "/trips/table1", partitionColumns = ["Region"] }
          }
        }
      })
    }

    resource "azapi_resource" "lake" {
      type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview"
      name      = "trips-lake"
      parent_id = azapi_resource.job.id
      body = {
        properties = {
          datasource = {
            type       = "TridentLakeHouse"
            properties = { workspaceId = "ws-fleet", artifactId = "lh-trips" }
          }
          serialization = {
            type       = "Delta"
            properties = { tableName = "Trips", partitionColumns = ["Region", "Day"] }
          }
        }
      }
    }
"""


def test_azapi_outputs_keep_their_settings_where_each_value_is_written(tmp_path):
    write(tmp_path, {"main.tf": AZAPI, "terraform.tfvars": 'row_key = "TripId"\n'})
    main, tfvars = tmp_path / "main.tf", tmp_path / "terraform.tfvars"
    [job] = read_terraform(str(tmp_path))
    found = outputs(job)
    assert {alias: settings(output) for alias, output in found.items()} == {
        "trips-table": [("rowKey", "TripId"), ("columnsToRemove", ("Internal", "Debug")), ("batchSize", "100")],
        "trips-queue": EXPECTED["trips-queue"],
        "trips-pbi": [("dataset", "Fleet")],
        "trips-delta": EXPECTED["trips-delta"],
        "trips-lake": EXPECTED["trips-lake"],
    }
    assert [s.where for s in found["trips-table"].settings] == [at(tfvars, '"TripId"'), at(main, '["Internal"'),
                                                                at(main, "100")]
    assert found["trips-queue"].setting("systemPropertyColumns").where == at(main, "{ MessageId")
    # The jsonencode()d body of a child output keeps its places too.
    assert [s.where for s in found["trips-delta"].settings] == [at(main, '"Delta"'), at(main, '"/trips/table1"'),
                                                                at(main, '["Region"]', 2)]
    assert [s.where for s in found["trips-lake"].settings] == [at(main, '"Delta"', 2), at(main, '"Trips"', 2),
                                                               at(main, '["Region", "Day"]')]
    assert notes(job) == [
        ("SC608", ("the partitionKey of output 'trips-table' is `var.partition_key`, which is not set: variable "
         "\"partition_key\" has no default and no terraform.tfvars or *.auto.tfvars file sets it: what depends on it "
         "is not checked"), at(main, "var.partition_key")),
        ("SC609", "the table of output 'trips-pbi' should be text, not an array; it is not checked",
         at(main, '["Trips"]'))]
