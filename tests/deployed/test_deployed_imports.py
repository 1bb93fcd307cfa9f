"""The deployed-job code and azure-core are imported only by the commands that read Azure:
a check of files pays nothing for them; drift against a saved answer needs no azure package
(each in a cold interpreter, as tests/inputs/test_declared_imports.py does)."""

from __future__ import annotations

import json

from conftest import SAMPLE_JOB
from support.imports import cold_imports


def imported(*argv: str) -> tuple[int, list[str]]:
    """The exit code of a cold `schemacheck ARGV`, and which deployed or azure modules it imported."""
    return cold_imports(list(argv), ("schemacheck.deployed", "azure"))


def test_a_check_of_files_imports_no_deployed_module_and_no_azure_package():
    code, modules = imported("check", str(SAMPLE_JOB), "--format", "json", "--no-cache")
    assert code == 1 and modules == []


def test_drift_against_a_saved_answer_imports_no_azure_package(tmp_path):
    from support.deployed_jobs import eventhub_input, job_resource

    saved = tmp_path / "deployed.json"
    saved.write_text(json.dumps(job_resource("s", "rg", "fleet-telemetry", query="SELECT 1 INTO [o] FROM [in]",
                                             inputs=[eventhub_input("in")])), encoding="utf-8")
    _, modules = imported("drift", str(SAMPLE_JOB), "--deployed-file", str(saved), "--format", "json")
    # schemacheck.deployed.arm is among them (job ids), but it imports azure-core only to connect.
    assert modules and all(m.startswith("schemacheck.deployed") for m in modules)
