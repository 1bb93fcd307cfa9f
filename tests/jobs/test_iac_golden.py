"""Golden cases for jobs defined in Terraform, Bicep and ARM with their tables:
tests/fixtures/iac/<case>/ is a Terraform root module, a Bicep file (with its .bicepparam)
or an ARM template, written by us in the shapes public jobs use. `schemacheck check PATH`
-> <case>/expected[.<variant>].json: the exit code, the job ([form, name, level]), each
output's mapping ([output, status, table, where the table is defined]) and every
diagnostic as [code, file (relative to the case), line, column, output].

The files were reviewed by hand against the rules. After a deliberate change, rewrite them
with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import FIXTURES, assert_golden, run_cli

IAC = FIXTURES / "iac"
# (case, the path given inside it, the golden file's variant): a case is checked as a folder,
# and again through the file a user would name when there is more than one way in.
RUNS = [(case.name, ".", "") for case in sorted(p for p in IAC.iterdir() if p.is_dir())] + [
    ("terraform-files", "prod.tfvars", "prod"),
    ("bicep-children", "main.bicepparam", "bicepparam"),
    ("bicep-module-names", "modules/asa.bicep", "module"),
]


def summarize(case: Path, given: str) -> dict:
    code, out, err = run_cli("check", str(case / given), "--format", "json")
    assert err == "", err

    def relative(path):
        return None if path is None else Path(os.path.relpath(path, case)).as_posix()

    entries = json.loads(out)["files"]
    return {
        "exit": code,
        "jobs": [[e["job"]["form"], e["job"]["name"], e["job"]["compat_level"], relative(e["job"]["source"])]
                 for e in entries],
        "outputs": [[o["output"], o["status"], o["table"], relative(o["table_file"])]
                    for e in entries for o in e["outputs"]],
        "diagnostics": [[d["code"], relative(d["file"]), d["line"], d["column"], d["output"]]
                        for e in entries for d in e["diagnostics"]],
    }


@pytest.mark.parametrize(("case", "given", "variant"), RUNS, ids=lambda v: v or None)
def test_iac_golden(case, given, variant):
    actual = summarize(IAC / case, given)
    assert_golden(IAC / case / (f"expected.{variant}.json" if variant else "expected.json"), actual)


def test_every_case_defines_its_tables_in_its_own_files():
    """What these cases are for: the tables come from the IaC (or a file it loads), with no
    --schema and no schemacheck.toml."""
    for case in (p for p in IAC.iterdir() if p.is_dir()):
        assert not (case / "schemacheck.toml").exists() and not (case / "schemas").exists(), case
        summary = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        assert any(o[1] == "compared" for o in summary["outputs"]) or case.name == "bicep-module-names", case
