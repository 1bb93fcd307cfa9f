"""schemacheck.jobs.terraform: module trees, the tables they define and the ARM templates
they deploy.

Child modules (local, downloaded by `terraform init`, or not readable: noted) with their
arguments, outputs, count and for_each; azurerm_kusto_script and azapi Kusto scripts
(inline, file(), a storage blob) bound to their database; template deployments of a
template file or one written in the .tf. Each tree is a few small files written here in
the shapes public Terraform uses (tests/support/terraform.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.terraform import KUSTO, TELEMETRY, adx_output, by_name, job_block, line_of, notes, read

from schemacheck.errors import InputError
from schemacheck.jobs.model import Setting, Where
from schemacheck.jobs.positions import PlacedPositions

# ---- modules --------------------------------------------------------------------------------------

ASA_MODULE = '''
variable "job_name" {
  type = string
}
variable "query_file" {
  type = string
}
variable "level" {
  type    = string
  default = "1.2"
}
variable "tables" {
  type    = map(string)
  default = {}
}
resource "azurerm_stream_analytics_job" "this" {
  name                 = var.job_name
  compatibility_level  = var.level
  output_error_policy  = "Stop"
  transformation_query = file(var.query_file)
  identity {
    type = "SystemAssigned"
  }
}
module "archive" {
  source   = "../archive"
  job_name = azurerm_stream_analytics_job.this.name
}
output "job_id" {
  value = azurerm_stream_analytics_job.this.id
}
output "job_name" {
  value = azurerm_stream_analytics_job.this.name
}
output "readings_table" {
  value = lookup(var.tables, "readings", "Readings")
}
'''

ARCHIVE_MODULE = '''
variable "job_name" {
  type = string
}
resource "azurerm_stream_analytics_output_blob" "archive" {
  name                      = "raw-archive"
  stream_analytics_job_name = var.job_name
  resource_group_name       = "rg-telemetry"
  storage_account_name      = "stfleet"
  storage_container_name    = "archive"
  path_pattern              = "{date}"
  date_format               = "yyyy-MM-dd"
  time_format               = "HH"
}
'''


def module_tree(root_main: str, **more: str) -> dict[str, str]:
    return {"main.tf": root_main, "modules/asa/main.tf": ASA_MODULE, "modules/archive/main.tf": ARCHIVE_MODULE,
            "queries/telemetry.asaql": "SELECT * INTO [adx] FROM [hub]", **more}


def test_a_local_module_is_read_with_its_arguments_nested_modules_and_outputs(tmp_path):
    root = '''
variable "env" {
  default = "prod"
}
module "asa" {
  source     = "./modules/asa"
  job_name   = "asa-telemetry-${var.env}"
  query_file = "${path.module}/queries/telemetry.asaql"
  tables     = { readings = "DeviceReadings" }
}
''' + adx_output("adx", "adx", "module.asa.job_id", "${module.asa.readings_table}")
    [job] = read(tmp_path, module_tree(root))
    module_tf = tmp_path / "modules" / "asa" / "main.tf"
    assert job.name == "asa-telemetry-prod" and job.source == str(module_tf) and job.root == str(tmp_path)
    assert job.query.text == "SELECT * INTO [adx] FROM [hub]"
    assert job.error_policy == Setting("Stop", Where(str(module_tf), line_of(module_tf, '"Stop"'), 26))
    assert job.compat_level.value == "1.2" and job.identity.kind == "system"
    # the root's azapi output (parent_id a module output) and the nested module's blob output
    assert [(o.alias, o.kind, o.table) for o in job.outputs] == [("adx", "adx", "DeviceReadings"),
                                                                 ("raw-archive", "blob", None)]
    assert job.outputs[1].where.file == str(tmp_path / "modules" / "archive" / "main.tf")
    assert job.notes == ()


def test_for_each_and_count_on_module_calls_give_a_job_per_instance(tmp_path):
    root = '''
module "regional" {
  for_each   = { weu = "1.1", neu = "1.2" }
  source     = "./modules/asa"
  job_name   = "asa-${each.key}"
  level      = each.value
  query_file = "queries/telemetry.asaql"
}
module "numbered" {
  count      = 2
  source     = "./modules/asa"
  job_name   = "asa-${count.index + 1}"
  query_file = "queries/telemetry.asaql"
}
''' + adx_output("neu_only", "adx-neu", 'module.regional["neu"].job_id', "Readings") + '''
resource "azurerm_stream_analytics_output_blob" "second" {
  name                      = "second-only"
  stream_analytics_job_name = module.numbered[1].job_name
}
'''
    jobs = by_name(read(tmp_path, module_tree(root)))
    assert sorted(jobs) == ["asa-1", "asa-2", "asa-neu", "asa-weu"]
    assert (jobs["asa-weu"].compat_level.value, jobs["asa-neu"].compat_level.value) == ("1.1", "1.2")
    assert [o.alias for o in jobs["asa-neu"].outputs] == ["adx-neu", "raw-archive"]
    assert [o.alias for o in jobs["asa-weu"].outputs] == ["raw-archive"]
    assert [o.alias for o in jobs["asa-2"].outputs] == ["second-only", "raw-archive"]
    assert [o.alias for o in jobs["asa-1"].outputs] == ["raw-archive"]
    assert all(job.notes == () for job in jobs.values())


def test_repeated_module_calls_are_values_for_loops_splats_and_length(tmp_path):
    root = '''
module "regional" {
  for_each   = toset(["weu", "neu"])
  source     = "./modules/asa"
  job_name   = "asa-${each.key}"
  query_file = "queries/telemetry.asaql"
}
module "none" {
  count      = 0
  source     = "./modules/asa"
  job_name   = "never"
  query_file = "queries/telemetry.asaql"
}
resource "azurerm_stream_analytics_output_blob" "summary" {
  name = join("-", [join("+", [for key, m in module.regional : m.job_name]), length(module.none),
                    length(module.none[*].job_name)])
  stream_analytics_job_name = module.regional["weu"].job_name
}
'''
    jobs = by_name(read(tmp_path, module_tree(root)))
    assert sorted(jobs) == ["asa-neu", "asa-weu"]
    assert [o.alias for o in jobs["asa-weu"].outputs] == ["asa-neu+asa-weu-0-0", "raw-archive"]
    assert all(job.notes == () for job in jobs.values())


def test_a_module_call_whose_arguments_need_its_own_outputs_is_unsettled_not_a_hang(tmp_path):
    root = '''
module "asa" {
  source     = "./modules/asa"
  job_name   = "asa-${module.asa.job_name}"
  query_file = "queries/telemetry.asaql"
}
'''
    [job] = read(tmp_path, module_tree(root))
    assert job.name is None
    [(code, message, _)] = notes(job)
    assert code == "SC608" and "cycle" in message


def test_a_module_call_over_a_collection_the_files_do_not_settle_is_noted(tmp_path):
    root = '''
variable "regions" {
  type = set(string)
}
module "regional" {
  for_each   = var.regions
  source     = "./modules/asa"
  job_name   = "asa-${each.key}"
  query_file = "queries/telemetry.asaql"
}
'''
    [job] = read(tmp_path, module_tree(root))
    assert job.name is None
    assert sorted(notes(job)) == [
        ("SC608", ("the job's name is `var.regions`, which is not set: variable \"regions\" has no default and no "
                   "terraform.tfvars or *.auto.tfvars file sets it: what depends on it is not checked"), 5),
        ("SC609", "module 'regional' is repeated by a count or for_each the files do not settle: read once", 5)]


@pytest.mark.parametrize(("source", "fragment"), [
    ('"Azure/avm-res-streamanalytics-streamingjob/azurerm"', "comes from Azure/avm-res-streamanalytics"),
    ('"git::https://github.com/contoso/terraform-asa.git?ref=v1.2.0"', "comes from git::https"),
    ('"./modules/not-there"', "holds no .tf file"),
])
def test_a_module_schemacheck_cannot_read_is_an_sc609_note_at_its_source(tmp_path, source, fragment):
    root = f'''
module "shared" {{
  source  = {source}
}}
''' + job_block("job", '"asa"')
    [job] = read(tmp_path, {"main.tf": root})
    [(code, message, line)] = notes(job)
    assert code == "SC609" and message.startswith("module 'shared' ") and fragment in message and line == 2
    assert "not checked" in message


def test_an_output_of_a_module_not_read_is_an_sc608_note(tmp_path):
    root = '''
module "shared" {
  source  = "Azure/avm-res-kusto-cluster/azurerm"
  version = "0.1.0"
}
''' + TELEMETRY + adx_output("out", "adx", "azurerm_stream_analytics_job.telemetry.id", "${module.shared.table}")
    [job] = read(tmp_path, {"main.tf": root})
    assert [o.table for o in job.outputs] == [None]
    codes = sorted((code, "module.shared.table" in message) for code, message, _ in notes(job))
    assert codes == [("SC608", True), ("SC609", False)]


def test_a_module_downloaded_by_terraform_init_is_read_from_dot_terraform(tmp_path):
    root = '''
module "asa" {
  source     = "contoso/asa/azurerm"
  version    = "1.0.0"
  job_name   = "asa-registry"
  query_file = "queries/telemetry.asaql"
}
'''
    manifest = json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."},
                                       {"Key": "asa", "Source": "registry.terraform.io/contoso/asa/azurerm",
                                        "Version": "1.0.0", "Dir": ".terraform/modules/asa"}]})
    files = {"main.tf": root, ".terraform/modules/modules.json": manifest,
             ".terraform/modules/asa/main.tf": ASA_MODULE.replace('source   = "../archive"', 'source = "./archive"'),
             ".terraform/modules/asa/archive/main.tf": ARCHIVE_MODULE,
             "queries/telemetry.asaql": "SELECT * INTO [adx] FROM [hub]"}
    [job] = read(tmp_path, files)
    assert job.name == "asa-registry" and [o.alias for o in job.outputs] == ["raw-archive"]
    assert job.notes == ()


def test_a_module_calling_itself_is_noted_once_and_does_not_hang(tmp_path):
    root = '''
module "again" {
  source = "./"
}
''' + job_block("job", '"asa"')
    jobs = read(tmp_path, {"main.tf": root})
    [job] = jobs
    [(code, message, line)] = notes(job)
    assert code == "SC609" and "cycle" in message and line == 2


def test_modules_nested_too_deep_are_noted(tmp_path):
    files = {"main.tf": 'module "m" {\n  source = "./m0"\n}\n' + job_block("job", '"asa"')}
    for depth in range(12):
        files[f"{'/'.join(f'm{i}' for i in range(depth + 1))}/main.tf"] = \
            f'module "m" {{\n  source = "./m{depth + 1}"\n}}\n'
    [job] = read(tmp_path, files)
    [(code, message, _)] = notes(job)
    assert code == "SC609" and "more than 10 deep" in message


# ---- Kusto scripts --------------------------------------------------------------------------------

def test_an_inline_kusto_script_is_bound_to_its_database_and_placed_in_the_tf(tmp_path):
    main = TELEMETRY + KUSTO + '''
resource "azurerm_kusto_script" "tables" {
  name           = "create-tables"
  database_id    = azurerm_kusto_database.telemetry.id
  script_content = <<-KQL
    .create-merge table Readings (DeviceId: string, Temperature: real)

    .create-merge table Alerts (DeviceId: string, Peak: real)
  KQL
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    [script] = job.scripts
    path = tmp_path / "main.tf"
    assert (script.kind, script.database, script.cluster, script.file) == ("adx", "telemetry", "adxfleet", str(path))
    assert script.text.startswith(".create-merge table Readings") and "\n\n.create-merge table Alerts" in script.text
    text = path.read_text(encoding="utf-8")
    positions = PlacedPositions(text, script.placed, script.text)
    alerts = positions(script.text.index("Alerts"))
    assert text.count("\n", 0, alerts) + 1 == line_of(path, "table Alerts")
    assert alerts == text.index("Alerts (")
    assert script.where.line == line_of(path, "<<-KQL")


def test_kusto_scripts_from_files_storage_blobs_and_azapi(tmp_path):
    main = TELEMETRY + KUSTO + '''
resource "azurerm_kusto_script" "from_file" {
  name           = "from-file"
  database_id    = azurerm_kusto_database.telemetry.id
  script_content = file("${path.module}/kql/tables.kql")
}
resource "azurerm_storage_blob" "inline_kql" {
  name                   = "inline.kql"
  storage_account_name   = "stfleet"
  storage_container_name = "scripts"
  type                   = "Block"
  source_content         = ".create-merge table FromBlob (A: string)"
}
resource "azurerm_storage_blob" "file_kql" {
  name                   = "file.kql"
  storage_account_name   = "stfleet"
  storage_container_name = "scripts"
  type                   = "Block"
  source                 = "${path.module}/kql/blob.kql"
}
resource "azurerm_kusto_script" "from_blob" {
  name        = "from-blob"
  database_id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Kusto/clusters/adxother/databases/other"
  url         = azurerm_storage_blob.inline_kql.id
  sas_token   = "?sv=2022"
}
resource "azurerm_kusto_script" "from_blob_file" {
  name        = "from-blob-file"
  database_id = azurerm_kusto_database.telemetry.id
  url         = azurerm_storage_blob.file_kql.url
  sas_token   = "?sv=2022"
}
resource "azapi_resource" "from_azapi" {
  type      = "Microsoft.Kusto/clusters/databases/scripts@2023-08-15"
  name      = "from-azapi"
  parent_id = azurerm_kusto_database.telemetry.id
  body = {
    properties = {
      scriptContent = ".create-merge table FromAzapi (A: string)"
    }
  }
}
'''
    files = {"main.tf": main, "kql/tables.kql": ".create-merge table FromFile (A: string)\n",
             "kql/blob.kql": ".create-merge table FromBlobFile (A: string)\n"}
    [job] = read(tmp_path, files)
    summary = [(s.text.split()[2], s.database, s.cluster, Path(s.file).name, s.placed is not None) for s in job.scripts]
    assert summary == [
        ("FromFile", "telemetry", "adxfleet", "tables.kql", False),
        ("FromBlob", "other", "adxother", "main.tf", True),
        ("FromBlobFile", "telemetry", "adxfleet", "blob.kql", False),
        ("FromAzapi", "telemetry", "adxfleet", "main.tf", True)]
    assert job.notes == ()


def test_an_azapi_script_under_an_azapi_database_knows_its_cluster(tmp_path):
    main = TELEMETRY + '''
resource "azapi_resource" "cluster" {
  type      = "Microsoft.Kusto/clusters@2023-08-15"
  name      = "adxazapi"
  parent_id = "/subscriptions/0/resourceGroups/rg"
}
resource "azapi_resource" "db" {
  type      = "Microsoft.Kusto/clusters/databases@2023-08-15"
  name      = "events"
  parent_id = azapi_resource.cluster.id
}
resource "azapi_resource" "script" {
  type      = "Microsoft.Kusto/clusters/databases/scripts@2023-08-15"
  name      = "tables"
  parent_id = azapi_resource.db.id
  body = jsonencode({
    properties = { scriptContent = ".create table Events (Id: string)", continueOnErrors = false }
  })
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    assert [(s.database, s.cluster) for s in job.scripts] == [("events", "adxazapi")]


def test_a_script_at_a_url_schemacheck_cannot_read_is_noted(tmp_path):
    main = TELEMETRY + KUSTO + '''
resource "azurerm_kusto_script" "remote" {
  name        = "remote"
  database_id = azurerm_kusto_database.telemetry.id
  url         = "https://stfleet.blob.core.windows.net/scripts/tables.kql"
  sas_token   = "?sv=2022"
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    assert job.scripts == ()
    [(code, message, line)] = notes(job)
    assert code == "SC609" and "https://stfleet.blob.core.windows.net/scripts/tables.kql" in message
    assert line == line_of(tmp_path / "main.tf", "url ")


def test_scripts_of_another_module_are_the_jobs_tables_too(tmp_path):
    root = '''
module "asa" {
  source     = "./modules/asa"
  job_name   = "asa-telemetry"
  query_file = "queries/telemetry.asaql"
}
module "adx" {
  source = "./modules/adx"
}
'''
    adx = KUSTO + '''
resource "azurerm_kusto_script" "tables" {
  name           = "tables"
  database_id    = azurerm_kusto_database.telemetry.id
  script_content = ".create-merge table Readings (DeviceId: string)"
}
'''
    [job] = read(tmp_path, module_tree(root, **{"modules/adx/main.tf": adx}))
    assert [(s.database, s.cluster, s.text) for s in job.scripts] == [
        ("telemetry", "adxfleet", ".create-merge table Readings (DeviceId: string)")]


# ---- ARM templates deployed by Terraform ----------------------------------------------------------

TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"jobName": {"type": "string"}, "table": {"type": "string", "defaultValue": "Orders"}},
    "resources": [{
        "type": "Microsoft.StreamAnalytics/streamingjobs", "apiVersion": "2021-10-01-preview",
        "name": "[parameters('jobName')]", "location": "westeurope", "identity": {"type": "SystemAssigned"},
        "properties": {
            "compatibilityLevel": "1.2", "outputErrorPolicy": "Stop", "sku": {"name": "Standard"},
            "outputs": [{"name": "adx", "properties": {"datasource": {
                "type": "Microsoft.Kusto/clusters/databases",
                "properties": {"cluster": "https://adx.kusto.windows.net", "database": "sales",
                               "table": "[parameters('table')]", "authenticationMode": "Msi"}}}}],
            "transformation": {"name": "main", "properties": {"query": "SELECT * INTO [adx] FROM [orders]"}},
        },
    }],
}


def test_a_template_deployment_of_a_template_file_with_jsonencoded_parameters(tmp_path):
    main = KUSTO + '''
resource "azurerm_kusto_script" "orders" {
  name           = "orders"
  database_id    = azurerm_kusto_database.telemetry.id
  script_content = ".create-merge table OrdersTf (Id: string)"
}
resource "azurerm_resource_group_template_deployment" "orders" {
  name                = "asa-orders"
  resource_group_name = "rg-orders"
  deployment_mode     = "Incremental"
  template_content    = file("${path.module}/arm/orders-job.json")
  parameters_content = jsonencode({
    jobName = { value = "asa-orders-${var.env}" }
    table   = { value = "OrdersTf" }
  })
}
variable "env" {
  default = "test"
}
'''
    files = {"main.tf": main, "arm/orders-job.json": json.dumps(TEMPLATE, indent=2)}
    [job] = read(tmp_path, files)
    template = tmp_path / "arm" / "orders-job.json"
    assert (job.name, job.form, job.source, job.root) == ("asa-orders-test", "terraform", str(tmp_path / "main.tf"),
                                                          str(tmp_path))
    assert job.query.text == "SELECT * INTO [adx] FROM [orders]" and job.query.file == str(template)
    assert job.compat_level == Setting("1.2", Where(str(template), line_of(template, '"1.2"'), 31))
    assert (job.error_policy.value, job.identity.kind) == ("Stop", "system")
    assert [(o.alias, o.database, o.table) for o in job.outputs] == [("adx", "sales", "OrdersTf")]
    assert [s.text for s in job.scripts] == [".create-merge table OrdersTf (Id: string)"]


def test_a_parameter_azure_computes_is_left_out_with_a_note_and_the_others_are_used(tmp_path):
    main = KUSTO + '''
resource "azurerm_resource_group_template_deployment" "orders" {
  name                = "asa-orders"
  resource_group_name = "rg-orders"
  deployment_mode     = "Incremental"
  template_content    = file("orders-job.json")
  parameters_content = jsonencode({
    jobName   = { value = "asa-orders" }
    clusterId = { value = azurerm_kusto_cluster.adx.id }
  })
}
'''
    template = json.loads(json.dumps(TEMPLATE))
    template["parameters"]["clusterId"] = {"type": "string"}
    [job] = read(tmp_path, {"main.tf": main, "orders-job.json": json.dumps(template, indent=2)})
    assert job.name == "asa-orders" and [o.table for o in job.outputs] == ["Orders"]
    [(code, message, line)] = [n for n in notes(job) if "clusterId" in n[1]]
    assert code == "SC608" and "azurerm_kusto_cluster.adx.id" in message
    assert line == line_of(tmp_path / "main.tf", "azurerm_kusto_cluster.adx.id")


def test_a_template_written_inline_in_a_heredoc_is_read_at_the_argument(tmp_path):
    main = '''
resource "azurerm_resource_group_template_deployment" "inline" {
  name                = "asa-inline"
  resource_group_name = "rg"
  deployment_mode     = "Incremental"
  parameters_content  = jsonencode({ jobName = { value = "asa-inline" } })
  template_content    = <<TEMPLATE
''' + json.dumps(TEMPLATE, indent=2) + '''
TEMPLATE
}
'''
    [job] = read(tmp_path, {"main.tf": main})
    assert job.name == "asa-inline" and job.query.text == "SELECT * INTO [adx] FROM [orders]"
    assert [(o.alias, o.table) for o in job.outputs] == [("adx", "Orders")]
    assert job.compat_level.where.line == line_of(tmp_path / "main.tf", "template_content")


def test_an_inline_template_that_is_not_json_is_an_input_error_at_it(tmp_path):
    main = '''
resource "azurerm_resource_group_template_deployment" "broken" {
  name             = "broken"
  template_content = "{ not json"
}
'''
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.tf": main})
    assert (caught.value.file, caught.value.line) == (str(tmp_path / "main.tf"), 3)
    assert "not JSON" in caught.value.message
