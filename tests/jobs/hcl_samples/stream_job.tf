terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.100"
    }
    azapi = {
      source  = "Azure/azapi"
      version = ">= 1.12, < 3.0"
    }
  }
}

provider "azurerm" {
  features {}
}

# The job that reads telemetry and writes it to ADX.
resource "azurerm_resource_group" "main" {
  name     = "rg-${var.prefix}-telemetry"
  location = var.location
  tags     = local.tags
}

resource "azurerm_stream_analytics_job" "telemetry" {
  name                                     = "asa-${var.prefix}"
  resource_group_name                      = azurerm_resource_group.main.name
  location                                 = azurerm_resource_group.main.location
  compatibility_level                      = "1.2"
  data_locale                              = "en-GB"
  events_late_arrival_max_delay_in_seconds = 60
  events_out_of_order_max_delay_in_seconds = 50
  events_out_of_order_policy               = "Adjust"
  output_error_policy                      = "Stop"
  streaming_units                          = 3
  sku_name                                 = "Standard"

  identity {
    type = "SystemAssigned"
  }

  transformation_query = <<QUERY
SELECT
    DeviceId,
    CAST(Temperature AS float) AS Temperature,
    System.Timestamp() AS WindowEnd
INTO
    [adx-readings]
FROM
    [eventhub-input] TIMESTAMP BY EventTime
WHERE Temperature > 20
QUERY

  tags = merge(local.tags, { component = "stream" })
}

resource "azurerm_stream_analytics_stream_input_eventhub_v2" "input" {
  name                         = "eventhub-input"
  stream_analytics_job_id      = azurerm_stream_analytics_job.telemetry.id
  eventhub_consumer_group_name = azurerm_eventhub_consumer_group.asa.name
  eventhub_name                = azurerm_eventhub.telemetry.name
  servicebus_namespace         = azurerm_eventhub_namespace.main.name
  shared_access_policy_key     = azurerm_eventhub_namespace.main.default_primary_key
  shared_access_policy_name    = "RootManageSharedAccessKey"

  serialization {
    type     = "Json"
    encoding = "UTF8"
  }
}

resource "azurerm_stream_analytics_job" "from_file" {
  name                 = "asa-${var.prefix}-file"
  resource_group_name  = azurerm_resource_group.main.name
  location             = azurerm_resource_group.main.location
  compatibility_level  = "1.1"
  transformation_query = file("${path.module}/queries/telemetry.asaql")
  identity { type = "SystemAssigned" }
}

resource "azurerm_stream_analytics_job" "from_template" {
  name                = "asa-${var.prefix}-tpl"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  transformation_query = templatefile("${path.module}/queries/telemetry.asaql.tftpl", {
    input_alias  = "eventhub-input"
    output_alias = "adx-readings"
    threshold    = var.threshold
  })
}

output "job_id" {
  value       = azurerm_stream_analytics_job.telemetry.id
  description = "The job's resource id."
}
