"""schemacheck.jobs.terraform: the settings of azurerm output resources (Output.settings).

Each `azurerm_stream_analytics_output_*` argument that names query columns or shapes what the
output writes is kept under ARM's name (schemacheck.jobs.model.OUTPUT_SETTINGS), with where its
value is written; values come from variables, tfvars, locals and module calls as every other
value of the reader. The modules are written here with the arguments azurerm documents
(hashicorp/terraform-provider-azurerm website/docs/r/stream_analytics_output_*.html.markdown,
cosmosdb_sql_container.html.markdown). Helpers: tests/support/terraform.py.
"""

from __future__ import annotations

from pathlib import Path

from support.terraform import PROVIDERS, position, read

from schemacheck.jobs.model import OUTPUT_SETTINGS, Job, Output

JOB = PROVIDERS + '''
resource "azurerm_stream_analytics_job" "fleet" {
  name                 = "asa-fleet"
  resource_group_name  = "rg-fleet"
  location             = "westeurope"
  transformation_query = "SELECT * INTO [trips-table] FROM [hub]"
}
'''

OUTPUTS = '''
resource "azurerm_stream_analytics_output_table" "trips" {
  name                      = "trips-table"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  storage_account_name      = "stfleet"
  storage_account_key       = var.storage_key
  table                     = "Trips"
  partition_key             = "VehicleId"
  row_key                   = var.row_key
  batch_size                = 100
  columns_to_remove         = ["Internal", local.debug_column]
}

resource "azurerm_cosmosdb_sql_database" "fleet" {
  name                = "fleet"
  resource_group_name = "rg-fleet"
  account_name        = "cosmos-fleet"
}

resource "azurerm_cosmosdb_sql_container" "trips" {
  name                  = "trips"
  resource_group_name   = "rg-fleet"
  account_name          = "cosmos-fleet"
  database_name         = azurerm_cosmosdb_sql_database.fleet.name
  partition_key_paths   = ["/vehicleId"]
  partition_key_version = 2
}

resource "azurerm_stream_analytics_output_cosmosdb" "trips" {
  name                     = "trips-cosmos"
  stream_analytics_job_id  = azurerm_stream_analytics_job.fleet.id
  cosmosdb_account_key     = var.cosmos_key
  cosmosdb_sql_database_id = azurerm_cosmosdb_sql_database.fleet.id
  container_name           = azurerm_cosmosdb_sql_container.trips.name
  document_id              = "tripId"
  partition_key            = "vehicleId"
}

resource "azurerm_stream_analytics_output_blob" "archive" {
  name                      = "archive"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  storage_account_name      = "stfleet"
  storage_container_name    = "archive"
  path_pattern              = "trips/${var.region}/{date}/{time}"
  date_format               = "yyyy/MM/dd"
  time_format               = "HH"

  serialization {
    type     = "Json"
    encoding = "UTF8"
    format   = local.json_format
  }
}

resource "azurerm_stream_analytics_output_eventhub" "alerts" {
  name                      = "alerts-hub"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  eventhub_name             = "alerts"
  servicebus_namespace      = "ehns-fleet"
  shared_access_policy_key  = var.hub_key
  shared_access_policy_name = "send"
  partition_key             = "VehicleId"
  property_columns          = var.alert_properties

  serialization {
    type     = "Json"
    encoding = "UTF8"
    format   = "LineSeparated"
  }
}

resource "azurerm_stream_analytics_output_servicebus_queue" "dispatch" {
  name                      = "dispatch-queue"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  queue_name                = "dispatch"
  servicebus_namespace      = "sb-fleet"
  shared_access_policy_key  = var.bus_key
  shared_access_policy_name = "send"
  property_columns          = ["Priority"]
  system_property_columns = {
    MessageId = "TripId"
    SessionId = "VehicleId"
  }

  serialization {
    type     = "Json"
    encoding = "UTF8"
    format   = "Array"
  }
}

resource "azurerm_stream_analytics_output_servicebus_topic" "depots" {
  name                      = "depots-topic"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  topic_name                = "depots"
  servicebus_namespace      = "sb-fleet"
  shared_access_policy_key  = var.bus_key
  shared_access_policy_name = "send"
  property_columns          = ["Depot", "Shift"]
  system_property_columns   = var.topic_system_properties

  serialization {
    type = "Avro"
  }
}

resource "azurerm_stream_analytics_output_powerbi" "dashboard" {
  name                    = "dashboard"
  stream_analytics_job_id = azurerm_stream_analytics_job.fleet.id
  dataset                 = "fleet"
  table                   = "LiveTrips"
  group_id                = "00000000-0000-0000-0000-000000000000"
  group_name              = "Fleet"
}

resource "azurerm_stream_analytics_output_mssql" "status" {
  name                      = "sql-status"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  server                    = "sql-fleet.database.windows.net"
  database                  = "fleet"
  table                     = "dbo.VehicleStatus"
  authentication_mode       = "Msi"
}
'''

VARIABLES = '''
variable "storage_key" {
  type      = string
  sensitive = true
}
variable "cosmos_key" {
  type      = string
  sensitive = true
}
variable "hub_key" {
  type      = string
  sensitive = true
}
variable "bus_key" {
  type      = string
  sensitive = true
}
variable "row_key" {
  type = string
}
variable "region" {
  type    = string
  default = "westeurope"
}
variable "alert_properties" {
  type    = list(string)
  default = []
}
variable "topic_system_properties" {
  type = map(string)
  default = {
    To          = "Depot"
    ContentType = "Kind"
  }
}
'''

LOCALS = '''
locals {
  debug_column = "Debug"
  json_format  = "LineSeparated"
}
'''

TFVARS = '''
row_key          = "TripId"
region           = "northeurope"
alert_properties = ["Severity", "Region"]
'''


def settings(root: Path, output: Output) -> dict[str, tuple[object, str, int | None, int | None]]:
    """name -> (value, file from the tree's `root`, line, column)."""
    found = {}
    for s in output.settings:
        assert s.where is not None, s
        found[s.name] = (s.value, Path(s.where.file).relative_to(root).as_posix(), s.where.line, s.where.column)
    return found


def at(root: Path, name: str, needle: str, occurrence: int = 1, after: str = "") -> tuple[str, int, int]:
    """(file, line, column) of `needle` in the file `name` below `root`; with `after`, of
    `needle` where it follows `after` on the same line (`name  = "trips"`, not a label)."""
    line, column = position((root / name).read_text(encoding="utf-8"), after + needle, occurrence)
    return name, line, column + len(after)


def notes(root: Path, job: Job, code: str | None = None) -> list[tuple[str, str, str, int | None, int | None]]:
    return [(n.code, n.message, Path(n.where.file).relative_to(root).as_posix(), n.where.line, n.where.column)
            for n in job.notes if code in (None, n.code)]


def outputs(job: Job) -> dict[str, Output]:
    assert job.outputs is not None
    return {o.alias: o for o in job.outputs}


def fleet(tmp_path: Path, main: str = OUTPUTS, **files: str) -> Job:
    tree = {"main.tf": JOB + main, "variables.tf": VARIABLES, "locals.tf": LOCALS,
            "terraform.tfvars": TFVARS}
    tree.update({k.replace("__", "."): v for k, v in files.items()})
    [job] = read(tmp_path, tree)
    return job


# ---- every kind, its values where they are written ------------------------------------------------

def test_each_output_kind_keeps_its_settings_under_arm_names_where_each_value_is_written(tmp_path):
    job = fleet(tmp_path)
    by_alias = outputs(job)

    def value(needle: str, occurrence: int = 1, file: str = "main.tf", after: str = "") -> tuple[str, int, int]:
        return at(tmp_path, file, needle, occurrence, after)

    assert settings(tmp_path, by_alias["trips-table"]) == {
        "partitionKey": ("VehicleId", *value('"VehicleId"')),
        "rowKey": ("TripId", *value('"TripId"', file="terraform.tfvars")),
        "columnsToRemove": (("Internal", "Debug"), *value('["Internal"')),
        "batchSize": ("100", *value("100")),
    }
    assert settings(tmp_path, by_alias["trips-cosmos"]) == {
        "documentId": ("tripId", *value('"tripId"')),
        "partitionKey": ("vehicleId", *value('"vehicleId"')),
        # container_name names the container resource: its name where that is written
        "collectionNamePattern": ("trips", *value('"trips"', after="= ")),
        "containerPartitionKeyPaths": (("/vehicleId",), *value('["/vehicleId"]')),
    }
    assert settings(tmp_path, by_alias["archive"]) == {
        "pathPattern": ("trips/northeurope/{date}/{time}", *value('"trips/${var.region}')),
        "dateFormat": ("yyyy/MM/dd", *value('"yyyy/MM/dd"')),
        "timeFormat": ("HH", *value('"HH"')),
        "serialization": ("Json", *value('"Json"')),
        "format": ("LineSeparated", *value('"LineSeparated"', file="locals.tf")),
    }
    # an Event Hub output's serialization is not one of its settings (OUTPUT_SETTINGS)
    assert settings(tmp_path, by_alias["alerts-hub"]) == {
        "partitionKey": ("VehicleId", *value('"VehicleId"', 2)),
        "propertyColumns": (("Severity", "Region"), *value('["Severity"', file="terraform.tfvars")),
    }
    assert settings(tmp_path, by_alias["dispatch-queue"]) == {
        "propertyColumns": (("Priority",), *value('["Priority"]')),
        "systemPropertyColumns": ((("MessageId", "TripId"), ("SessionId", "VehicleId")), *value("{\n    MessageId")),
    }
    # a map keeps its written order (To before ContentType)
    assert settings(tmp_path, by_alias["depots-topic"]) == {
        "propertyColumns": (("Depot", "Shift"), *value('["Depot"')),
        "systemPropertyColumns": ((("To", "Depot"), ("ContentType", "Kind")),
                                  *value("{\n    To", file="variables.tf")),
    }
    assert settings(tmp_path, by_alias["dashboard"]) == {
        "dataset": ("fleet", *value('"fleet"', after="dataset                 = ")),
        "table": ("LiveTrips", *value('"LiveTrips"')),
    }
    sql = by_alias["sql-status"]
    assert sql.settings == ()
    assert (sql.cluster, sql.database, sql.table, sql.authentication) == (
        "sql-fleet.database.windows.net", "fleet", "dbo.VehicleStatus", "Msi")
    # the keys no variable settles are no argument read: no note
    assert job.notes == ()


def test_the_names_kept_are_those_the_model_lists_for_each_kind(tmp_path):
    job = fleet(tmp_path)
    for output in outputs(job).values():
        allowed = set(OUTPUT_SETTINGS.get(output.kind or "", ())) | (
            {"containerPartitionKeyPaths"} if output.kind == "cosmosdb" else set())
        assert {s.name for s in output.settings} <= allowed, output.alias
        assert output.setting("nothing") is None


# ---- what the files do not settle, and wrong shapes ---------------------------------------------------

UNSETTLED = '''
variable "partition_column" {
  type = string
}
variable "extra_column" {
  type = string
}
resource "azurerm_storage_account" "fleet" {
  name                     = "stfleet"
  resource_group_name      = "rg-fleet"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
resource "azurerm_stream_analytics_output_table" "trips" {
  name                      = "trips-table"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  storage_account_name      = azurerm_storage_account.fleet.name
  storage_account_key       = azurerm_storage_account.fleet.primary_access_key
  table                     = "Trips"
  partition_key             = var.partition_column
  row_key                   = azurerm_storage_account.fleet.id
  batch_size                = 100
  columns_to_remove         = ["Internal", var.extra_column]
}
'''


def test_a_value_only_a_deployment_knows_is_left_out_with_an_sc608_note_where_it_is_written(tmp_path):
    job = fleet(tmp_path, UNSETTLED)
    [table] = job.outputs or ()
    # the storage account's name is written: no note for it; its key is no setting
    assert settings(tmp_path, table) == {"batchSize": ("100", *at(tmp_path, "main.tf", "100"))}
    found = notes(tmp_path, job)
    assert [(code, file, line, column) for code, _, file, line, column in found] == [
        ("SC608", *at(tmp_path, "main.tf", "var.partition_column", 1)),
        ("SC608", *at(tmp_path, "main.tf", "azurerm_storage_account.fleet.id")),
        ("SC608", *at(tmp_path, "main.tf", "var.extra_column", 1)),
    ]
    messages = [message for _, message, *_ in found]
    assert messages[0].startswith("the partition_key of output 'trips-table' is `var.partition_column`")
    assert 'variable "partition_column" has no default' in messages[0]
    assert messages[1].startswith("the row_key of output 'trips-table' is `azurerm_storage_account.fleet.id`")
    assert "Azure gives a resource" in messages[1]
    assert messages[2].startswith("the columns_to_remove of output 'trips-table' is `var.extra_column`")


def test_a_value_given_on_the_command_line_file_settles_it(tmp_path):
    job = fleet(tmp_path, UNSETTLED, prod__tfvars='partition_column = "VehicleId"\nextra_column = "Debug"\n')
    assert notes(tmp_path, job, "SC608")   # prod.tfvars is not loaded unless given
    [job] = read(tmp_path, {}, ("prod.tfvars",))
    [table] = job.outputs or ()
    assert settings(tmp_path, table)["partitionKey"] == ("VehicleId", *at(tmp_path, "prod.tfvars", '"VehicleId"'))
    assert settings(tmp_path, table)["columnsToRemove"][0] == ("Internal", "Debug")


WRONG_SHAPES = '''
resource "azurerm_stream_analytics_output_table" "trips" {
  name                      = "trips-table"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  storage_account_name      = "stfleet"
  storage_account_key       = var.storage_key
  table                     = "Trips"
  partition_key             = ["VehicleId", "Day"]
  row_key                   = "TripId"
  batch_size                = { size = 100 }
  columns_to_remove         = "Internal"
}
resource "azurerm_stream_analytics_output_servicebus_queue" "dispatch" {
  name                      = "dispatch-queue"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  queue_name                = "dispatch"
  servicebus_namespace      = "sb-fleet"
  shared_access_policy_key  = var.bus_key
  shared_access_policy_name = "send"
  property_columns          = [{ name = "Priority" }]
  system_property_columns   = ["MessageId"]

  serialization {
    type     = "Json"
    encoding = "UTF8"
    format   = "Array"
  }
}
resource "azurerm_stream_analytics_output_blob" "archive" {
  name                      = "archive"
  stream_analytics_job_name = azurerm_stream_analytics_job.fleet.name
  resource_group_name       = "rg-fleet"
  storage_account_name      = "stfleet"
  storage_container_name    = "archive"
  path_pattern              = null
  date_format               = "yyyy/MM/dd"
  time_format               = "HH"

  serialization {
    type = ["Csv"]
  }
}
'''


def test_a_value_of_the_wrong_shape_is_left_out_with_an_sc609_note(tmp_path):
    job = fleet(tmp_path, WRONG_SHAPES)
    by_alias = outputs(job)
    assert settings(tmp_path, by_alias["trips-table"]) == {"rowKey": ("TripId", *at(tmp_path, "main.tf", '"TripId"'))}
    assert settings(tmp_path, by_alias["dispatch-queue"]) == {}
    # null is not set: no note
    assert set(settings(tmp_path, by_alias["archive"])) == {"dateFormat", "timeFormat"}
    assert [(code, message, file, line, column) for code, message, file, line, column in notes(tmp_path, job)] == [
        ("SC609", "the partition_key of output 'trips-table' should be text; it is not read",
         *at(tmp_path, "main.tf", '["VehicleId"')),
        ("SC609", "the columns_to_remove of output 'trips-table' should be a list of text; it is not read",
         *at(tmp_path, "main.tf", '"Internal"')),
        ("SC609", "the batch_size of output 'trips-table' should be text; it is not read",
         *at(tmp_path, "main.tf", "{ size")),
        ("SC609", "the property_columns of output 'dispatch-queue' should be a list of text; it is not read",
         *at(tmp_path, "main.tf", "[{ name")),
        ("SC609", ("the system_property_columns of output 'dispatch-queue' should be a map of text; it is "
                   "not read"), *at(tmp_path, "main.tf", '["MessageId"]')),
        ("SC609", "the serialization type of output 'archive' should be text; it is not read",
         *at(tmp_path, "main.tf", '["Csv"]')),
    ]


# ---- modules, repeated outputs, JSON variables -------------------------------------------------

ROOT = PROVIDERS + '''
module "asa" {
  source        = "./modules/asa"
  job_name      = "asa-fleet"
  row_key       = var.row_key
  property_list = ["Severity"]
}
variable "row_key" {
  type = string
}
'''

CHILD = '''
variable "job_name" {
  type = string
}
variable "row_key" {
  type = string
}
variable "property_list" {
  type = list(string)
}
variable "partitions" {
  type = map(string)
  default = {
    north = "Region"
    south = "Depot"
  }
}
resource "azurerm_stream_analytics_job" "this" {
  name                 = var.job_name
  resource_group_name  = "rg-fleet"
  location             = "westeurope"
  transformation_query = "SELECT * INTO [north] FROM [hub]"
}
resource "azurerm_stream_analytics_output_eventhub" "regional" {
  for_each                  = var.partitions
  name                      = each.key
  stream_analytics_job_name = azurerm_stream_analytics_job.this.name
  resource_group_name       = "rg-fleet"
  eventhub_name             = each.key
  servicebus_namespace      = "ehns-fleet"
  authentication_mode       = "Msi"
  partition_key             = each.value
  property_columns          = var.property_list

  serialization {
    type = "Avro"
  }
}
resource "azurerm_stream_analytics_output_table" "trips" {
  name                      = "trips-table"
  stream_analytics_job_name = azurerm_stream_analytics_job.this.name
  resource_group_name       = "rg-fleet"
  storage_account_name      = "stfleet"
  storage_account_key       = "key"
  table                     = "Trips"
  partition_key             = "VehicleId"
  row_key                   = var.row_key
  batch_size                = 50
}
'''


def test_values_through_module_calls_and_for_each_are_placed_where_they_are_written(tmp_path):
    [job] = read(tmp_path, {"main.tf": ROOT, "terraform.tfvars.json": '{"row_key": "TripId"}\n',
                            "modules/asa/main.tf": CHILD})
    by_alias = outputs(job)
    child = "modules/asa/main.tf"
    assert settings(tmp_path, by_alias["north"]) == {
        "partitionKey": ("Region", *at(tmp_path, child, '"Region"')),
        "propertyColumns": (("Severity",), *at(tmp_path, "main.tf", '["Severity"]')),
    }
    assert settings(tmp_path, by_alias["south"])["partitionKey"] == ("Depot", *at(tmp_path, child, '"Depot"'))
    # a JSON variables file: its values are placed at its start
    assert settings(tmp_path, by_alias["trips-table"])["rowKey"] == ("TripId", "terraform.tfvars.json", 1, 1)
    assert settings(tmp_path, by_alias["trips-table"])["batchSize"][0] == "50"
    assert job.notes == ()


def test_an_unset_root_variable_passed_into_a_module_is_an_sc608_note_at_the_call(tmp_path):
    [job] = read(tmp_path, {"main.tf": ROOT, "modules/asa/main.tf": CHILD})
    assert "rowKey" not in settings(tmp_path, outputs(job)["trips-table"])
    [(code, message, file, line, column)] = notes(tmp_path, job)
    assert (code, file, line, column) == ("SC608", *at(tmp_path, "main.tf", "var.row_key"))
    assert message.startswith("the row_key of output 'trips-table' is `var.row_key`")


# ---- the Cosmos DB container's partition key ---------------------------------------------------

COSMOS = '''
resource "azurerm_cosmosdb_sql_container" "orders_v3" {
  name                = "orders"
  resource_group_name = "rg-fleet"
  account_name        = "cosmos-fleet"
  database_name       = "fleet"
  partition_key_path  = "/customerId"
}
resource "azurerm_cosmosdb_sql_container" "orders_elsewhere" {
  name                = "orders"
  resource_group_name = "rg-fleet"
  account_name        = "cosmos-other"
  database_name       = "fleet"
  partition_key_paths = ["/region"]
}
resource "azurerm_cosmosdb_sql_container" "events" {
  name                = "events"
  resource_group_name = "rg-fleet"
  account_name        = "cosmos-fleet"
  database_name       = "archive"
  partition_key_paths = ["/deviceId", "/day"]
}
resource "azurerm_stream_analytics_output_cosmosdb" "orders" {
  name                     = "orders"
  stream_analytics_job_id  = azurerm_stream_analytics_job.fleet.id
  cosmosdb_account_key     = var.cosmos_key
  cosmosdb_sql_database_id = local.fleet_database_id
  container_name           = "orders"
  document_id              = "orderId"
}
resource "azurerm_stream_analytics_output_cosmosdb" "events" {
  name                     = "events"
  stream_analytics_job_id  = azurerm_stream_analytics_job.fleet.id
  cosmosdb_account_key     = var.cosmos_key
  cosmosdb_sql_database_id = local.fleet_database_id
  container_name           = "events"
}
resource "azurerm_stream_analytics_output_cosmosdb" "unsure" {
  name                     = "unsure"
  stream_analytics_job_id  = azurerm_stream_analytics_job.fleet.id
  cosmosdb_account_key     = var.cosmos_key
  cosmosdb_sql_database_id = data.azurerm_cosmosdb_sql_database.fleet.id
  container_name           = "orders"
}
locals {
  fleet_database_id = join("/", ["/subscriptions/0000/resourceGroups/rg-fleet/providers/Microsoft.DocumentDB",
                                 "databaseAccounts/cosmos-fleet/sqlDatabases/fleet"])
}
data "azurerm_cosmosdb_sql_database" "fleet" {
  name                = "fleet"
  resource_group_name = "rg-fleet"
  account_name        = "cosmos-fleet"
}
'''


def test_a_cosmos_output_takes_the_partition_key_paths_of_the_container_it_names(tmp_path):
    job = fleet(tmp_path, COSMOS)
    by_alias = outputs(job)
    # the older partition_key_path: one path; the account in the database id (written out) picks the container
    assert settings(tmp_path, by_alias["orders"])["containerPartitionKeyPaths"] == (
        ("/customerId",), *at(tmp_path, "main.tf", '"/customerId"'))
    # events of another database: not this output's container
    assert "containerPartitionKeyPaths" not in settings(tmp_path, by_alias["events"])
    # a database read from Azure: the container is not known, and that is no finding
    assert set(settings(tmp_path, by_alias["unsure"])) == {"collectionNamePattern"}
    assert job.notes == ()


def test_an_unsettled_container_partition_key_is_an_sc608_note(tmp_path):
    main = OUTPUTS.replace('partition_key_paths   = ["/vehicleId"]', "partition_key_paths   = var.paths")
    job = fleet(tmp_path, main, extra__tf='variable "paths" {\n  type = list(string)\n}\n')
    assert "containerPartitionKeyPaths" not in settings(tmp_path, outputs(job)["trips-cosmos"])
    [(code, message, file, line, column)] = notes(tmp_path, job)
    assert (code, file, line, column) == ("SC608", *at(tmp_path, "main.tf", "var.paths"))
    assert message.startswith("the partition_key_paths of azurerm_cosmosdb_sql_container.trips (the container of "
                              "output 'trips-cosmos') is `var.paths`")
