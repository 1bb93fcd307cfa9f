resource "azurerm_kusto_cluster" "main" {
  name                = "adx${var.prefix}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name

  sku {
    name     = "Dev(No SLA)_Standard_E2a_v4"
    capacity = 1
  }
}

resource "azurerm_kusto_database" "telemetry" {
  name                = "telemetry"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  cluster_name        = azurerm_kusto_cluster.main.name
  hot_cache_period    = "P7D"
  soft_delete_period  = "P31D"
}

resource "azurerm_kusto_script" "tables" {
  name                               = "create-tables"
  database_id                        = azurerm_kusto_database.telemetry.id
  continue_on_errors_enabled         = false
  force_an_update_when_value_changed = md5(local.table_script)
  script_content                     = <<-KQL
    .create-merge table Readings (
        DeviceId: string,
        Temperature: real,
        WindowEnd: datetime
    )

    .create-merge table Alerts (DeviceId: string, Level: int)
  KQL
}

resource "azurerm_kusto_script" "from_file" {
  name           = "create-from-file"
  database_id    = azurerm_kusto_database.telemetry.id
  script_content = file("${path.module}/schema/tables.kql") # .create-merge table ...
}

/* The blob form: the script text sits in a storage blob.
   url points at it. */
resource "azurerm_kusto_script" "from_blob" {
  name        = "create-from-blob"
  database_id = azurerm_kusto_database.telemetry.id
  url         = azurerm_storage_blob.script.id
  sas_token   = data.azurerm_storage_account_blob_container_sas.script.sas
}
