// ADX outputs through azapi: the 2.x form (an HCL object) and the 1.x form (jsonencode).
resource "azapi_resource" "adx_out" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview"
  name      = "adx-readings"
  parent_id = azurerm_stream_analytics_job.telemetry.id
  body = {
    properties = {
      datasource = {
        type = "Microsoft.Kusto/clusters/databases"
        properties = {
          cluster            = var.adx_uri
          database           = "telemetry"
          table              = "Readings"
          authenticationMode = "Msi"
        }
      }
      serialization = null
    }
  }
  response_export_values = ["properties.datasource"]
}

resource "azapi_resource" "adx_out_v1" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview"
  name      = "adx-alerts"
  parent_id = azurerm_stream_analytics_job.telemetry.id
  body = jsonencode({
    properties = {
      datasource = {
        type = "Microsoft.Kusto/clusters/databases",
        properties = {
          cluster  = var.adx_uri,
          database = "telemetry",
          table    = "Alerts",
          "authenticationMode" : "Msi"
        }
      }
    }
  })
}

resource "azapi_resource" "job" {
  type      = "Microsoft.StreamAnalytics/streamingJobs@2021-10-01-preview"
  name      = "asa-azapi"
  location  = "westeurope"
  parent_id = azurerm_resource_group.main.id
  identity {
    type = "SystemAssigned"
  }
  body = {
    properties = {
      compatibilityLevel   = "1.2"
      outputErrorPolicy    = "Drop"
      eventsOutOfOrderMaxDelayInSeconds = 0
      transformation = {
        name = "main"
        properties = {
          streamingUnits = 3
          query          = <<-EOT
            SELECT *
            INTO [adx-readings]
            FROM [eventhub-input]
          EOT
        }
      }
    }
  }
  schema_validation_enabled = false
}
