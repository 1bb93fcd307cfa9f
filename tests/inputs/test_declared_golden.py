"""Golden cases for declared input schemas: tests/fixtures/inputs/declared-*/ is a job whose
inputs are typed by what is declared for them, with the ADX tables it writes in schemas/.

- declared-toml: a Terraform job (IoT Hub input, no sample) and a schemacheck.toml whose
  [inputs.vehicles-in] declares field types: nested records (quoted dotted keys and a TOML
  table), an array, bit at level 1.1 (read as bigint);
- declared-avsc: an ARM template with two Avro inputs: machines-in typed by
  schemas/machines-in.avsc, found beside the job, maintenance-in by the .avsc that
  schemacheck.toml names (enum and logical types stay unknown, with the reason);
- declared-jsonschema: a VS Code project at level 1.0 whose input has a sample, and a JSON
  Schema that schemacheck.toml names, which wins over the sample ($ref, anyOf with null,
  enum, format date-time read as datetime at 1.0).

As tests/inputs/test_input_golden.py does: `schemacheck check <case>` -> expected.json, and
`schemacheck infer <case> --format json` -> infer.json (each column's [name, type, source,
unknown reason]). After a deliberate change, rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import FIXTURES, assert_golden, run_cli

CASES = [FIXTURES / "inputs" / name for name in ("declared-toml", "declared-avsc", "declared-jsonschema")]


def summarize(case: Path) -> dict:
    code, out, err = run_cli("check", str(case), "--format", "json")
    assert err == "", err
    (entry,) = json.loads(out)["files"]

    def relative(path):
        return Path(os.path.relpath(path, case)).as_posix()

    return {
        "exit": code,
        "job": [entry["job"]["form"], entry["job"]["name"], entry["job"]["compat_level"]],
        "outputs": [[o["output"], o["status"], o["table"]] for o in entry["outputs"]],
        "diagnostics": [[d["code"], relative(d["file"]), d["line"], d["column"], d["output"]]
                        for d in entry["diagnostics"]],
    }


def inferred(case: Path) -> dict:
    """{output: [[name, type, source, unknown reason], ...]} of `schemacheck infer --format json`."""
    _code, out, err = run_cli("infer", str(case), "--format", "json")
    assert err == "", err
    (entry,) = json.loads(out)["files"]
    return {o["output"]: [[c["name"], c["type"], c["source"], c["unknown_reason"]] for c in o["columns"]]
            for o in entry["outputs"]}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_check_golden(case):
    assert_golden(case / "expected.json", summarize(case))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_infer_golden(case):
    assert_golden(case / "infer.json", inferred(case))


def _columns(case: str) -> dict[str, tuple]:
    return {name: (kind, source, reason) for columns in inferred(FIXTURES / "inputs" / case).values()
            for name, kind, source, reason in columns}


def test_configured_field_types_type_the_terraform_job():
    columns = _columns("declared-toml")
    assert columns["Lat"] == ("float", "declared", None)           # "Position.Lat"
    assert columns["Lon"] == ("float", "declared", None)
    assert columns["DoorOpen"] == ("bigint", "declared", None)     # bit, at level 1.1
    assert columns["Trip"] == ("record", "declared", None)
    assert columns["Speed"] == ("float", "declared", None)


def test_avro_schemas_beside_the_job_and_configured():
    columns = _columns("declared-avsc")
    assert columns["Rpm"] == ("bigint", "declared", None)          # Spindle.Rpm, an int
    assert columns["Temperature"] == ("float", "declared", None)   # ["null", "double"]
    assert columns["Running"] == ("bit", "declared", None)
    assert columns["Status"][2] == "ASA does not document how it reads Avro enum"
    assert columns["ReadAt"][2] == "ASA does not document how it reads Avro long with logicalType timestamp-millis"
    assert columns["PartitionId"] == ("bigint", "metadata", None)  # the Event Hub's metadata stays
    assert columns["Cost"] == ("float", "declared", None)          # maintenance.avsc, named by schemacheck.toml


def test_a_json_schema_wins_over_the_sample():
    columns = _columns("declared-jsonschema")
    assert columns["total"] == ("float", "declared", None)         # the sample holds 120, an integer
    assert columns["placedat"] == ("datetime", "declared", None)   # format date-time, level 1.0
    assert columns["paid"] == ("bigint", "declared", None)         # boolean, level 1.0
    assert columns["tier"] == ("nvarchar(max)", "declared", None)  # customer.tier through $ref
    assert columns["coupon"] == ("nvarchar(max)", "declared", None)
