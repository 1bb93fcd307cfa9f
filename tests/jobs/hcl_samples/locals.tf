locals {
  tags = {
    environment = "dev"
    "cost-center" = "1234"
    owner         = "data-platform"
  }
  enabled_outputs = { for name, output in var.outputs : name => output if output.enabled }
  tables          = [for o in values(var.outputs) : upper(o.table)]
  by_database     = { for name, o in var.outputs : o.database => name... }
  first_partition = var.partitions[0]
  legacy_first    = var.partitions.0
  all_ids         = azurerm_stream_analytics_job.jobs[*].id
  all_names       = azurerm_stream_analytics_job.jobs.*.name
  sku             = var.streaming_units > 6 ? "StandardV2" : "Standard"
  negative        = -1 * var.threshold + 2
  not_enabled     = !var.outputs["alerts"].enabled
  normalised      = provider::azurerm::normalise_resource_id(azurerm_resource_group.main.id)
  merged          = merge(local.tags, { extra = true }, )
  zones           = concat(["1", "2"], var.extra_zones...)
  table_script    = templatefile("${path.module}/schema/tables.kql.tftpl", { tables = local.tables })
  escaped         = "a \"quoted\" word\tand a tab\nnew line \\ \u00e9 \U0001F600 $${literal} %%{literal}"
  greeting        = "Hello, %{ if var.prefix != "" }${var.prefix}%{ else }nobody%{ endif }!"
  listing         = <<EOT
%{ for t in local.tables ~}
table ${t}
%{ endfor ~}
EOT
  precedence      = 1 + 2 * 3 - 4 / 2 % 3 == 5 && true || false
  comparison      = (1 + 2) * 3 >= 9
}

resource "azurerm_stream_analytics_output_blob" "archive" {
  for_each                  = local.enabled_outputs
  name                      = "archive-${each.key}"
  stream_analytics_job_name = azurerm_stream_analytics_job.telemetry.name
  resource_group_name       = azurerm_resource_group.main.name
  storage_account_name      = azurerm_storage_account.main.name
  storage_container_name    = "archive"
  path_pattern              = "${each.value.table}/{date}/{time}"
  date_format               = "yyyy-MM-dd"
  time_format               = "HH"

  serialization {
    type   = "Parquet"
  }

  dynamic "authentication" {
    for_each = var.use_msi ? [1] : []
    content {
      mode = "Msi"
    }
  }
}

resource "azurerm_stream_analytics_job" "jobs" {
  count               = 2
  name                = "asa-${count.index}"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  transformation_query = "SELECT * INTO [out] FROM [in]"
  lifecycle {
    ignore_changes = [tags, streaming_units]
  }
  depends_on = [azurerm_kusto_script.tables]
}
