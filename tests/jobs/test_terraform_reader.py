"""schemacheck.jobs.terraform: the jobs of a Terraform root module, as the checker gets them.

Jobs from azurerm_stream_analytics_job and azapi_resource (with count / for_each), the
outputs, inputs and functions that name them (azurerm resources; azapi children whose
body is an HCL object, azapi 2.x, or jsonencode(...), azapi 1.x), what Terraform refuses
(InputError at the place), and the command line end to end. Each tree is a few small
files written here in the shapes public Terraform uses (tests/support/terraform.py).
Modules, Kusto scripts and deployed ARM templates are in test_terraform_reader_modules.py;
values (variables, functions, templates, query positions) in test_terraform_reader_values.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from support.terraform import KUSTO, TELEMETRY, adx_output, by_name, job_block, line_of, notes, read, write

from schemacheck.errors import InputError
from schemacheck.jobs.model import Setting, Where
from schemacheck.jobs.positions import PlacedPositions

# ---- the job resource ----------------------------------------------------------------------------

def test_an_azurerm_job_gives_its_query_settings_and_identity(tmp_path):
    [job] = read(tmp_path, {"main.tf": TELEMETRY})
    main = tmp_path / "main.tf"
    assert (job.name, job.form, job.source, job.root) == ("asa-fleet-telemetry", "terraform", str(main), str(tmp_path))
    assert job.query.text == "SELECT DeviceId, Temperature\nINTO [adx-readings]\nFROM [telemetry-hub]\n"
    assert job.query.file == str(main) and job.query.placed.style == "verbatim"
    assert job.compat_level == Setting("1.2", Where(str(main), line_of(main, '"1.2"'), 25))
    assert job.data_locale == Setting("en-GB", Where(str(main), line_of(main, '"en-GB"'), 25))
    assert job.error_policy == Setting("Stop", Where(str(main), line_of(main, '"Stop"'), 25))
    assert job.identity.kind == "system" and job.identity.where.line == line_of(main, "identity {")
    assert job.outputs == () and job.inputs == () and job.functions == () and job.scripts == ()
    assert job.notes == ()


def test_azurerms_default_error_policy_is_drop_at_the_job_block(tmp_path):
    """azurerm's output_error_policy defaults to Drop (the portal's and ARM's to Retry)."""
    [job] = read(tmp_path, {"main.tf": job_block("job", '"asa"')})
    assert job.error_policy == Setting("Drop", Where(str(tmp_path / "main.tf"), 1, 1))
    assert job.compat_level.value is None and job.identity.kind == "none"


def test_a_user_assigned_identity_lists_its_ids(tmp_path):
    main = job_block("job", '"asa"', extra='''
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.asa.id, "/subscriptions/0/resourceGroups/rg/providers/x/y"]
  }''') + '''
resource "azurerm_user_assigned_identity" "asa" {
  name = "id-asa"
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    assert job.identity.kind == "user"
    assert job.identity.resources == ("azurerm_user_assigned_identity.asa",
                                      "/subscriptions/0/resourceGroups/rg/providers/x/y")


def test_an_edge_job_is_noted(tmp_path):
    [job] = read(tmp_path, {"main.tf": job_block("job", '"asa"', extra='\n  type                 = "Edge"')})
    [(code, message, line)] = notes(job)
    assert code == "SC609" and "IoT Edge" in message and line == 1


# ---- outputs, inputs, functions ------------------------------------------------------------------

CHILDREN = '''
resource "azurerm_stream_analytics_stream_input_eventhub_v2" "hub" {
  name                    = "telemetry-hub"
  stream_analytics_job_id = azurerm_stream_analytics_job.telemetry.id
  eventhub_name           = "telemetry"
  servicebus_namespace    = "ns-fleet"
  serialization {
    type = "Json"
  }
}

resource "azurerm_stream_analytics_reference_input_blob" "devices" {
  name                      = "devices"
  stream_analytics_job_name = azurerm_stream_analytics_job.telemetry.name
  resource_group_name       = "rg-telemetry"
  storage_account_name      = "stfleet"
  storage_container_name    = "reference"
  path_pattern              = "devices.json"
  date_format               = "yyyy/MM/dd"
  time_format               = "HH"
}

resource "azurerm_stream_analytics_output_mssql" "status" {
  name                      = "sql-status"
  stream_analytics_job_name = "asa-fleet-telemetry"
  resource_group_name       = "rg-telemetry"
  server                    = "sql-fleet.database.windows.net"
  database                  = "fleet"
  table                     = "dbo.VehicleStatus"
  authentication_mode       = "Msi"
}

resource "azurerm_stream_analytics_output_blob" "archive" {
  name                      = "raw-archive"
  stream_analytics_job_name = azurerm_stream_analytics_job.telemetry.name
  resource_group_name       = "rg-telemetry"
  storage_account_name      = "stfleet"
  storage_container_name    = "archive"
  path_pattern              = "{date}"
  date_format               = "yyyy-MM-dd"
  time_format               = "HH"
  serialization {
    type = "Json"
    format = "LineSeparated"
  }
}

resource "azurerm_stream_analytics_function_javascript_udf" "score" {
  name                      = "riskScore"
  stream_analytics_job_name = azurerm_stream_analytics_job.telemetry.name
  resource_group_name       = "rg-telemetry"
  script                    = "function riskScore(x) { return x * 2; }"
  input {
    type = "float"
  }
  output {
    type = "bigint"
  }
}

resource "azurerm_stream_analytics_function_javascript_uda" "peak" {
  name                    = "peak"
  stream_analytics_job_id = azurerm_stream_analytics_job.telemetry.id
  script                  = "function main() { return {}; }"
  input {
    type = "float"
  }
  output {
    type = "float"
  }
}
'''


def test_azurerm_outputs_inputs_and_functions_link_by_reference_id_and_literal_name(tmp_path):
    [job] = read(tmp_path, {"main.tf": TELEMETRY + CHILDREN})
    main = tmp_path / "main.tf"
    assert [(i.alias, i.kind, i.stream, i.datasource, i.where.line) for i in job.inputs] == [
        ("telemetry-hub", "eventhub", True, "azurerm_stream_analytics_stream_input_eventhub_v2",
         line_of(main, '"hub" {')),
        ("devices", "blob", False, "azurerm_stream_analytics_reference_input_blob", line_of(main, '"devices" {'))]
    [sql, blob] = job.outputs
    assert (sql.alias, sql.kind, sql.cluster, sql.database, sql.table, sql.authentication) == (
        "sql-status", "sql", "sql-fleet.database.windows.net", "fleet", "dbo.VehicleStatus", "Msi")
    assert sql.where.line == line_of(main, '"status" {')
    assert (blob.alias, blob.kind, blob.datasource) == ("raw-archive", "blob", "azurerm_stream_analytics_output_blob")
    assert [(f.name, f.output_type, f.aggregate) for f in job.functions] == [
        ("riskScore", "bigint", False), ("peak", "float", True)]
    assert job.notes == ()


def test_a_child_of_another_job_is_not_this_jobs(tmp_path):
    main = TELEMETRY + job_block("other", '"asa-other"') + '''
resource "azurerm_stream_analytics_output_blob" "mine" {
  name                      = "mine"
  stream_analytics_job_name = azurerm_stream_analytics_job.telemetry.name
}
resource "azurerm_stream_analytics_output_blob" "theirs" {
  name                      = "theirs"
  stream_analytics_job_name = "asa-other"
}
resource "azurerm_stream_analytics_output_blob" "theirs_by_id" {
  name                    = "theirs-by-id"
  stream_analytics_job_id = "/subscriptions/0/resourceGroups/rg/providers/${local.jobs}/asa-other"
}
'''
    local = 'locals {\n  jobs = "Microsoft.StreamAnalytics/streamingJobs"\n}\n'
    jobs = by_name(read(tmp_path, {"main.tf": main, "locals.tf": local}))
    assert [o.alias for o in jobs["asa-fleet-telemetry"].outputs] == ["mine"]
    assert [o.alias for o in jobs["asa-other"].outputs] == ["theirs", "theirs-by-id"]


def test_a_link_the_files_do_not_settle_with_two_jobs_is_an_sc608_note_not_a_guess(tmp_path):
    main = TELEMETRY + job_block("other", '"asa-other"') + '''
variable "job_name" {
  type = string
}
resource "azurerm_stream_analytics_output_blob" "unsure" {
  name                      = "unsure"
  stream_analytics_job_name = var.job_name
}
'''
    jobs = read(tmp_path, {"main.tf": main})
    assert all(job.outputs == () for job in jobs)
    for job in jobs:
        [(_, message, line)] = notes(job, "SC608")
        assert "azurerm_stream_analytics_output_blob.unsure belongs to" in message and "`var.job_name`" in message
        assert line == line_of(tmp_path / "main.tf", "= var.job_name")


def test_a_link_the_files_do_not_settle_with_one_job_is_that_jobs(tmp_path):
    main = TELEMETRY + '''
variable "job_name" {
  type = string
}
resource "azurerm_stream_analytics_output_blob" "only" {
  name                      = "only"
  stream_analytics_job_name = var.job_name
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    assert [o.alias for o in job.outputs] == ["only"]


def test_azapi_outputs_link_by_parent_id_with_object_or_jsonencoded_bodies(tmp_path):
    """azapi 2.x writes body as an HCL object, azapi 1.x as jsonencode(...): both are read,
    also with references to other resources inside."""
    main = TELEMETRY + '''
resource "azurerm_kusto_cluster" "adx" {
  name     = "adxfleet"
  location = "West Europe"
}
resource "azurerm_kusto_database" "telemetry" {
  name         = "telemetry"
  cluster_name = azurerm_kusto_cluster.adx.name
}
resource "azapi_resource" "readings" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview"
  name      = "adx-readings"
  parent_id = azurerm_stream_analytics_job.telemetry.id
  body = {
    properties = {
      datasource = {
        type = "Microsoft.Kusto/clusters/databases"
        properties = {
          cluster            = azurerm_kusto_cluster.adx.uri
          database           = azurerm_kusto_database.telemetry.name
          table              = "Readings"
          authenticationMode = "Msi"
        }
      }
    }
  }
}
resource "azapi_resource" "alerts" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2020-03-01"
  name      = "adx-alerts"
  parent_id = azurerm_stream_analytics_job.telemetry.id
  body = jsonencode({
    properties = {
      datasource = {
        type = "Microsoft.Kusto/clusters/databases"
        properties = {
          cluster            = azurerm_kusto_cluster.adx.uri
          database           = azurerm_kusto_database.telemetry.name
          table              = "Alerts"
          authenticationMode = "ConnectionString"
          resourceId         = azurerm_kusto_cluster.adx.id
        }
      }
    }
  })
}
resource "azapi_resource" "hub" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/inputs@2021-10-01-preview"
  name      = "telemetry-hub"
  parent_id = azurerm_stream_analytics_job.telemetry.id
  body = {
    properties = {
      type       = "Stream"
      datasource = { type = "Microsoft.EventHub/EventHub", properties = { eventHubName = "telemetry" } }
    }
  }
}
resource "azapi_resource" "fn" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/functions@2021-10-01-preview"
  name      = "toCelsius"
  parent_id = azurerm_stream_analytics_job.telemetry.id
  body = jsonencode({
    properties = {
      type       = "Scalar"
      properties = { output = { dataType = "float" } }
    }
  })
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    main_tf = tmp_path / "main.tf"
    assert [(o.alias, o.kind, o.cluster, o.database, o.table, o.authentication, o.where.line) for o in job.outputs] == [
        ("adx-readings", "adx", "https://adxfleet.westeurope.kusto.windows.net", "telemetry", "Readings", "Msi",
         line_of(main_tf, '"readings" {')),
        ("adx-alerts", "adx", "https://adxfleet.westeurope.kusto.windows.net", "telemetry", "Alerts",
         "ConnectionString", line_of(main_tf, '"alerts" {'))]
    assert [(i.alias, i.kind, i.stream) for i in job.inputs] == [("telemetry-hub", "eventhub", True)]
    assert [(f.name, f.output_type, f.aggregate) for f in job.functions] == [("toCelsius", "float", False)]
    assert job.notes == ()


@pytest.mark.parametrize("encode", [False, True], ids=["object body", "jsonencode body"])
def test_an_unsettled_table_of_an_azapi_output_is_an_sc608_note_at_it(tmp_path, encode):
    """Only the member the files do not settle is unknown: the rest of the body is read."""
    output = adx_output("out", "adx", "azurerm_stream_analytics_job.telemetry.id", "${var.table}")
    if encode:
        output = output.replace("body = {\n", "body = jsonencode({\n").replace("  }\n}\n", "  })\n}\n")
        assert "jsonencode(" in output and "})" in output
    main = TELEMETRY + 'variable "table" {}\n' + output
    [job] = read(tmp_path, {"main.tf": main})
    [output] = job.outputs
    assert (output.alias, output.database, output.table) == ("adx", "telemetry", None)
    [(code, message, line)] = notes(job)
    assert code == "SC608" and "the table of output 'adx'" in message
    assert line == line_of(tmp_path / "main.tf", "${var.table}")


AZAPI_JOB = '''
resource "azapi_resource" "job" {{
  type      = "Microsoft.StreamAnalytics/streamingJobs@2021-10-01-preview"
  name      = "asa-azapi"
  parent_id = "/subscriptions/0000/resourceGroups/rg-telemetry"
  location  = "westeurope"
  identity {{
    type = "SystemAssigned"
  }}
  body = {open}{{
    properties = {{
      compatibilityLevel = "1.2"
      dataLocale         = "en-US"
      outputErrorPolicy  = "Drop"
      sku                = {{ name = "StandardV2" }}
      inputs = [{{
        name       = "hub"
        properties = {{ type = "Stream", datasource = {{ type = "Microsoft.Devices/IotHubs", properties = {{}} }} }}
      }}]
      outputs = [{{
        name = "adx"
        properties = {{
          datasource = {{
            type       = "Microsoft.Kusto/clusters/databases"
            properties = {{ cluster = "https://adx.kusto.windows.net", database = "db", table = "Readings" }}
          }}
        }}
      }}]
      functions = [{{
        name       = "peak"
        properties = {{ type = "Aggregate", properties = {{ output = {{ dataType = "float" }} }} }}
      }}]
      transformation = {{
        name = "main"
        properties = {{
          streamingUnits = 3
          query          = <<-QUERY
            SELECT DeviceId INTO [adx] FROM [hub]
          QUERY
        }}
      }}
    }}
  }}{close}
}}
'''


@pytest.mark.parametrize("encode", [False, True], ids=["object body", "jsonencode body"])
def test_a_whole_azapi_job_gives_its_inline_outputs_inputs_functions_and_query(tmp_path, encode):
    main = AZAPI_JOB.format(open="jsonencode(" if encode else "", close=")" if encode else "")
    [job] = read(tmp_path, {"main.tf": main})
    path = tmp_path / "main.tf"
    assert job.name == "asa-azapi" and job.form == "terraform"
    assert job.query.text == "SELECT DeviceId INTO [adx] FROM [hub]\n"
    assert job.query.placed.style == "indented"
    text = path.read_text(encoding="utf-8")
    offset = PlacedPositions(text, job.query.placed, job.query.text)(job.query.text.index("[adx]"))
    assert offset == text.index("[adx] FROM")
    assert (job.compat_level.value, job.data_locale.value, job.error_policy.value) == ("1.2", "en-US", "Drop")
    assert job.compat_level.where.line == line_of(path, '"1.2"')
    assert job.identity.kind == "system"
    assert [(o.alias, o.kind, o.database, o.table) for o in job.outputs] == [("adx", "adx", "db", "Readings")]
    assert [(i.alias, i.kind, i.stream) for i in job.inputs] == [("hub", "iothub", True)]
    assert [(f.name, f.output_type, f.aggregate) for f in job.functions] == [("peak", "float", True)]
    assert job.notes == ()


def test_an_azapi_job_takes_its_query_from_a_transformations_child_and_outputs_from_children(tmp_path):
    main = '''
resource "azapi_resource" "job" {
  type      = "Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview"
  name      = "asa-split"
  parent_id = "/subscriptions/0/resourceGroups/rg"
  body = {
    properties = { compatibilityLevel = "1.2", sku = { name = "Standard" } }
  }
}
resource "azapi_resource" "query" {
  type      = "Microsoft.StreamAnalytics/streamingjobs/transformations@2021-10-01-preview"
  name      = "main"
  parent_id = azapi_resource.job.id
  body = {
    properties = {
      streamingUnits = 1
      query          = file("${path.module}/job.asaql")
    }
  }
}
''' + adx_output("out", "adx", '"${azapi_resource.job.id}"', "Readings")
    [job] = read(tmp_path, {"main.tf": main, "job.asaql": "SELECT * INTO [adx] FROM [in]"})
    assert job.query.text == "SELECT * INTO [adx] FROM [in]" and job.query.file == str(tmp_path / "job.asaql")
    assert [o.table for o in job.outputs] == ["Readings"]


def test_children_of_a_data_source_job_belong_to_the_job_of_that_name(tmp_path):
    main = TELEMETRY + job_block("other", '"asa-other"') + '''
data "azurerm_stream_analytics_job" "existing" {
  name                = "asa-other"
  resource_group_name = "rg-telemetry"
}
''' + adx_output("out", "adx-other", "data.azurerm_stream_analytics_job.existing.id", "Other")
    jobs = by_name(read(tmp_path, {"main.tf": main}))
    assert [o.alias for o in jobs["asa-other"].outputs] == ["adx-other"]
    assert jobs["asa-fleet-telemetry"].outputs == ()
    assert jobs["asa-other"].notes == ()


# ---- count and for_each ----------------------------------------------------------------------------

def test_count_gives_a_job_per_instance_with_its_own_outputs(tmp_path):
    main = '''
variable "regions" {
  default = ["weu", "neu"]
}
resource "azurerm_stream_analytics_job" "regional" {
  count                = length(var.regions)
  name                 = "asa-${var.regions[count.index]}-${count.index}"
  compatibility_level  = count.index == 0 ? "1.1" : "1.2"
  transformation_query = "SELECT * INTO [out] FROM [in]"
}
resource "azurerm_stream_analytics_output_blob" "per_job" {
  count                     = 2
  name                      = "out-${count.index}"
  stream_analytics_job_name = azurerm_stream_analytics_job.regional[count.index].name
}
resource "azurerm_stream_analytics_output_blob" "first_only" {
  name                    = "first-only"
  stream_analytics_job_id = azurerm_stream_analytics_job.regional[0].id
}
resource "azurerm_stream_analytics_output_blob" "named_after_all" {
  name                    = join("+", azurerm_stream_analytics_job.regional[*].name)
  stream_analytics_job_id = azurerm_stream_analytics_job.regional[1].id
}
'''
    jobs = read(tmp_path, {"main.tf": main})
    assert [(j.name, j.compat_level.value, [o.alias for o in j.outputs]) for j in jobs] == [
        ("asa-weu-0", "1.1", ["out-0", "first-only"]),
        ("asa-neu-1", "1.2", ["out-1", "asa-weu-0+asa-neu-1"])]


def test_for_each_gives_a_job_per_key_with_each_key_and_each_value(tmp_path):
    main = '''
locals {
  jobs = {
    telemetry = { level = "1.2", query = "SELECT * INTO [adx] FROM [hub]" }
    alerts    = { level = "1.1", query = "SELECT * INTO [alerts] FROM [hub]" }
  }
}
resource "azurerm_stream_analytics_job" "each" {
  for_each             = local.jobs
  name                 = "asa-${each.key}"
  compatibility_level  = each.value.level
  transformation_query = each.value.query
}
resource "azurerm_stream_analytics_output_blob" "out" {
  for_each                  = toset(["adx", "alerts"])
  name                      = each.value
  stream_analytics_job_name = (each.key == "adx" ? azurerm_stream_analytics_job.each["telemetry"].name
                                                   : azurerm_stream_analytics_job.each["alerts"].name)
}
'''
    jobs = by_name(read(tmp_path, {"main.tf": main}))
    telemetry, alerts = jobs["asa-telemetry"], jobs["asa-alerts"]
    assert (telemetry.compat_level.value, telemetry.query.text) == ("1.2", "SELECT * INTO [adx] FROM [hub]")
    assert (alerts.compat_level.value, alerts.query.text) == ("1.1", "SELECT * INTO [alerts] FROM [hub]")
    assert [o.alias for o in telemetry.outputs] == ["adx"] and [o.alias for o in alerts.outputs] == ["alerts"]
    # a query that is a value of for_each's map is placed in the locals block
    assert telemetry.query.placed is not None


def test_an_attribute_of_a_repeated_resource_without_an_instance_is_an_sc608_note(tmp_path):
    main = '''
resource "azurerm_stream_analytics_job" "regional" {
  count                = 2
  name                 = "asa-${count.index}"
  transformation_query = "SELECT * INTO [out] FROM [in]"
}
resource "azurerm_stream_analytics_output_blob" "unclear" {
  name                      = "out-${azurerm_stream_analytics_job.regional.name}"
  stream_analytics_job_name = "asa-0"
}
'''
    jobs = by_name(read(tmp_path, {"main.tf": main}))
    assert jobs["asa-0"].outputs == ()
    [(code, message, line)] = notes(jobs["asa-0"])
    assert code == "SC608" and "Terraform needs one instance" in message and line == 7


def test_count_zero_gives_no_job(tmp_path):
    main = 'variable "enabled" { default = false }\n' + job_block("job", '"asa"').replace(
        "  name ", "  count                = var.enabled ? 1 : 0\n  name ", 1)
    assert read(tmp_path, {"main.tf": main}) == []


def test_a_count_the_files_do_not_settle_is_an_sc609_note_and_read_once(tmp_path):
    main = 'variable "instances" { type = number }\n' + job_block("job", '"asa"').replace(
        "  name ", "  count                = var.instances\n  name ", 1)
    [job] = read(tmp_path, {"main.tf": main})
    [(code, message, line)] = notes(job)
    assert code == "SC609" and "azurerm_stream_analytics_job.job is repeated by a count" in message and line == 4


def test_a_for_each_over_a_list_of_objects_is_noted_not_a_crash(tmp_path):
    main = job_block("job", '"asa-${each.key}"').replace(
        "  name ", '  for_each             = [{ a = 1 }]\n  name ', 1)
    [job] = read(tmp_path, {"main.tf": main})
    assert job.name is None
    assert any(code == "SC609" and "for_each over a list" in message for code, message, _ in notes(job))


# ---- what Terraform refuses ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "column", "fragment"), [
    ('resource "azurerm_stream_analytics_job" "j" {\n  name = "j"\n', 1, 45, "unclosed '{'"),
    ('resource "azurerm_stream_analytics_job" "j" {\n  name = "j\n}\n', 2, 10, "unclosed string"),
    ('resource "azurerm_stream_analytics_job" "j" {\n  transformation_query = <<Q\nSELECT 1\n}\n', 2, 26,
     "unclosed heredoc"),
])
def test_a_syntax_error_is_an_input_error_with_file_line_and_column(tmp_path, text, line, column, fragment):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.tf": TELEMETRY, "broken.tf": text})
    error = caught.value
    assert (error.file, error.line, error.column) == (str(tmp_path / "broken.tf"), line, column)
    assert fragment in error.message


@pytest.mark.parametrize(("extra", "fragment", "line"), [
    (job_block("telemetry", '"again"'), 'resource "azurerm_stream_analytics_job" "telemetry" is declared twice', 1),
    ('variable "v" {}\nvariable "v" {}\n', 'variable "v" is declared twice', 2),
    ('locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n', "local value 'a' is declared twice", 5),
    ('output "o" { value = 1 }\noutput "o" { value = 2 }\n', 'output "o" is declared twice', 2),
    ('module "m" { source = "./m" }\nmodule "m" { source = "./m" }\n', 'module "m" is declared twice', 2),
    ('data "azurerm_client_config" "c" {\n  a = 1\n  a = 2\n}\n', "the argument 'a' is set twice", 3),
])
def test_what_terraform_refuses_to_declare_twice_is_an_input_error_at_the_second(tmp_path, extra, fragment, line):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.tf": TELEMETRY, "more.tf": extra})
    error = caught.value
    assert error.file == str(tmp_path / "more.tf") and error.line == line and fragment in error.message


def test_nul_characters_are_an_input_error_or_a_note_never_a_traceback(tmp_path):
    with pytest.raises(InputError) as caught:
        read(tmp_path / "raw", {"main.tf": TELEMETRY.replace('"rg-telemetry"', '"rg-\x00"')})
    assert "NUL" in caught.value.message and caught.value.line == line_of(tmp_path / "raw" / "main.tf", "rg-")
    escaped = job_block("job", '"asa"').replace('"SELECT * INTO [out] FROM [in]"', 'file("q\\u0000.asaql")')
    with pytest.raises(InputError) as caught:
        read(tmp_path / "file", {"main.tf": escaped})
    assert "NUL" in caught.value.message and caught.value.line == 6
    module = 'module "m" {\n  source = "./m\\u0000"\n}\n'
    [job] = read(tmp_path / "module", {"main.tf": module + job_block("j", '"asa"')})
    assert [(code, "NUL" in message) for code, message, _ in notes(job)] == [("SC609", True)]


def test_a_module_with_no_job_gives_no_job(tmp_path):
    assert read(tmp_path, {"main.tf": KUSTO}) == []


def test_a_large_tree_links_every_output(tmp_path):
    """60 jobs, each with 3 outputs linked by reference (its speed: benchmarks/run.py, section 9)."""
    blocks = []
    for i in range(60):
        blocks.append(job_block(f"j{i}", f'"asa-{i}"'))
        blocks.extend(adx_output(f"o{i}_{k}", f"out-{k}", f"azurerm_stream_analytics_job.j{i}.id", f"T{k}")
                      for k in range(3))
    jobs = read(tmp_path, {"main.tf": "".join(blocks)})
    assert len(jobs) == 60 and all([o.alias for o in j.outputs] == ["out-0", "out-1", "out-2"] for j in jobs)


# ---- the command line end to end ------------------------------------------------------------------

def check_json(path: Path, *more: str) -> tuple[int, dict, str]:
    code, out, err = run_cli("check", str(path), "--format", "json", *more)
    return code, (json.loads(out) if out else {}), err


def test_cli_checks_an_azapi_adx_output_against_the_kusto_script_in_the_same_tree(tmp_path):
    main = TELEMETRY.replace("SELECT DeviceId, Temperature", "SELECT CAST(DeviceId AS nvarchar(max)) AS DeviceId, "
                             "CAST(Temperature AS float) AS Temperature") + KUSTO + '''
resource "azurerm_kusto_script" "tables" {
  name           = "tables"
  database_id    = azurerm_kusto_database.telemetry.id
  script_content = <<-KQL
    .create-merge table Readings (DeviceId: string, Temperature: real)
  KQL
}
''' + adx_output("readings", "adx-readings", "azurerm_stream_analytics_job.telemetry.id", "Readings")
    write(tmp_path, {"main.tf": main})
    code, report, err = check_json(tmp_path)
    assert err == "" and code == 0
    [entry] = report["files"]
    assert (entry["job"]["form"], entry["job"]["name"], entry["job"]["compat_level"]) == (
        "terraform", "asa-fleet-telemetry", "1.2")
    [output] = entry["outputs"]
    assert (output["output"], output["status"], output["table"], output["database"]) == (
        "adx-readings", "compared", "Readings", "telemetry")
    assert output["table_file"] == str(tmp_path / "main.tf")
    assert [c["name"] for c in output["columns"]] == ["DeviceId", "Temperature"]


def test_cli_points_a_finding_in_an_indented_heredoc_at_the_tf_line_and_column(tmp_path):
    main = '''
resource "azurerm_stream_analytics_job" "job" {
  name                = "asa"
  compatibility_level = "1.2"
  transformation_query = <<-QUERY
    SELECT DeviceId
    INTO [no-such-output]
    FROM [hub]
  QUERY
}
'''
    write(tmp_path, {"main.tf": main})
    code, report, err = check_json(tmp_path)
    assert code == 1 and err == ""
    [finding] = [d for d in report["files"][0]["diagnostics"] if d["code"] == "SC601"]
    assert (finding["file"], finding["line"], finding["column"]) == (str(tmp_path / "main.tf"), 6, 10)
    assert finding["output"] == "no-such-output"


def test_cli_reports_a_missing_query_file_as_an_error_at_the_file_call(tmp_path):
    write(tmp_path, {"main.tf": job_block("job", '"asa"').replace(
        '"SELECT * INTO [out] FROM [in]"', 'file("${path.module}/query.asaql")')})
    code, report, err = check_json(tmp_path)
    assert code == 2
    [entry] = report["files"]
    assert (entry["file"], entry["line"], entry["column"]) == (str(tmp_path / "main.tf"), 6, 26)
    assert "query.asaql" in entry["error"] and "does not exist" in entry["error"]
    assert "Traceback" not in err and f"{tmp_path / 'main.tf'}:6:26" in err


def test_cli_reads_the_tfvars_file_given_as_path(tmp_path):
    main = '''
variable "level" {
  default = "1.0"
}
resource "azurerm_stream_analytics_job" "job" {
  name                 = "asa"
  compatibility_level  = var.level
  transformation_query = "SELECT * INTO [out] FROM [in]"
}
'''
    write(tmp_path, {"main.tf": main, "prod.tfvars": 'level = "1.2"\n'})
    _, default, _ = check_json(tmp_path)
    _, prod, _ = check_json(tmp_path / "prod.tfvars")
    assert default["files"][0]["job"]["compat_level"] == "1.0"
    assert prod["files"][0]["job"]["compat_level"] == "1.2"
    assert prod["files"][0]["job"]["compat_level_from"] == f"{tmp_path / 'prod.tfvars'}:1"
