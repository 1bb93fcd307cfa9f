"""Golden cases for whole jobs: tests/fixtures/jobs/{cases,functions}/<case>/ is a VS Code project, a
Visual Studio project or an ARM template with its parameters, each with its saved schemas
in schemas/. `schemacheck check <case>` with no other flag -> <case>/expected.json: the
exit code, each output's mapping ([output, status, table]) and every diagnostic as
[code, file (relative to the case), line, column, output].

The files were reviewed by hand against the rules in schemacheck/diagnostics.py. After a
deliberate change, rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import FIXTURES, assert_golden, rules_fired, run_cli

# cases/ holds whole jobs of every kind (tests/jobs/test_jobs_cli.py runs that folder as one); functions/
# the projects whose UDFs and UDAs the tools register in each of their ways, some unreadable.
CASES = sorted(p for folder in ("cases", "functions") for p in (FIXTURES / "jobs" / folder).iterdir() if p.is_dir())


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


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_job_golden(case):
    actual = summarize(case)
    assert_golden(case / "expected.json", actual)


def test_every_job_rule_fires_in_some_case():
    fired = rules_fired(CASES)
    rules = {"SC601", "SC602", "SC603", "SC604", "SC606", "SC607", "SC609", "SC610"}
    assert rules <= fired, f"no golden case for {sorted(rules - fired)}"
