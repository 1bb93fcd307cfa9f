"""Terraform trees for the tests of schemacheck.jobs.terraform (tests/jobs/test_terraform_reader*.py):
writing them and reading their jobs, and blocks written in the shapes public Terraform uses."""

from __future__ import annotations

import textwrap
from pathlib import Path

from schemacheck.jobs.model import Job
from schemacheck.jobs.terraform import read_terraform

PROVIDERS = '''
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
    azapi   = { source = "azure/azapi", version = "~> 2.0" }
  }
}
'''

ADX_OUTPUT = '''
resource "azapi_resource" "{label}" {{
  type      = "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview"
  name      = "{alias}"
  parent_id = {parent}
  body = {{
    properties = {{
      datasource = {{
        type = "Microsoft.Kusto/clusters/databases"
        properties = {{
          cluster            = "https://adxfleet.westeurope.kusto.windows.net"
          database           = "telemetry"
          table              = "{table}"
          authenticationMode = "Msi"
        }}
      }}
    }}
  }}
}}
'''


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """The files below `root`: text dedented, without its first line break, as UTF-8 with
    its line ends as written; bytes as they are."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8", newline="")
    return root


def read(root: Path, files: dict[str, str | bytes], var_files: tuple[str, ...] = ()) -> list[Job]:
    """The jobs read_terraform reads from `files` written below `root` (var files named from it)."""
    write(root, files)
    return read_terraform(str(root), tuple(str(root / v) for v in var_files))


def by_name(jobs: list[Job]) -> dict[str | None, Job]:
    found = {job.name: job for job in jobs}
    assert len(found) == len(jobs), [j.name for j in jobs]
    return found


def notes(job: Job, code: str | None = None) -> list[tuple[str, str, int | None]]:
    return [(n.code, n.message, n.where.line) for n in job.notes if code in (None, n.code)]


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the `occurrence`th `needle` in `text`."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    return position(path.read_text(encoding="utf-8"), needle, occurrence)[0]


def adx_output(label: str, alias: str, parent: str, table: str) -> str:
    return ADX_OUTPUT.format(label=label, alias=alias, parent=parent, table=table)


def job_block(label: str, name: str, query: str = "SELECT * INTO [out] FROM [in]", extra: str = "") -> str:
    return f'''
resource "azurerm_stream_analytics_job" "{label}" {{
  name                 = {name}
  resource_group_name  = "rg-telemetry"
  location             = "westeurope"
  streaming_units      = 3{extra}
  transformation_query = "{query}"
}}
'''


TELEMETRY = PROVIDERS + '''
resource "azurerm_stream_analytics_job" "telemetry" {
  name                = "asa-fleet-telemetry"
  resource_group_name = "rg-telemetry"
  location            = "westeurope"
  compatibility_level = "1.2"
  data_locale         = "en-GB"
  output_error_policy = "Stop"
  streaming_units     = 3

  identity {
    type = "SystemAssigned"
  }

  transformation_query = <<QUERY
SELECT DeviceId, Temperature
INTO [adx-readings]
FROM [telemetry-hub]
QUERY
}
'''

KUSTO = '''
resource "azurerm_kusto_cluster" "adx" {
  name     = "adxfleet"
  location = "westeurope"
}
resource "azurerm_kusto_database" "telemetry" {
  name         = "telemetry"
  cluster_name = azurerm_kusto_cluster.adx.name
}
'''
