"""The Fabric reader and the operator chain are imported only for an Eventstream: a check
of another job pays nothing for them, and an Eventstream without operators after its SQL
operator nothing for the chain (each in a cold interpreter, as tests/deployed does)."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES, SAMPLE_JOB

WORKSPACE = FIXTURES / "fabric" / "workspace"
WATCHED = ("schemacheck.jobs.fabric", "schemacheck.check.operators")


def imported(*argv: str) -> tuple[int, list[str]]:
    """The exit code of a cold `schemacheck ARGV`, and which of WATCHED it imported."""
    script = (
        "import sys, io\n"
        "from schemacheck.cli import main\n"
        f"code = main({list(argv)!r}, io.StringIO(), io.StringIO())\n"
        f"print(code, sorted(m for m in {WATCHED!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, _, modules = result.stdout.strip().partition(" ")
    return int(code), eval(modules)   # a list literal of names


def test_a_check_of_another_job_imports_neither():
    assert imported("check", str(SAMPLE_JOB), "--no-cache") == (1, [])


def test_an_eventstream_without_operators_after_its_query_imports_the_reader_only():
    assert imported("check", str(WORKSPACE / "Telemetry.Eventstream"), "--no-cache") == (
        1, ["schemacheck.jobs.fabric"])


def test_an_eventstream_with_a_managefields_operator_imports_the_chain():
    assert imported("check", str(WORKSPACE / "Trips.Eventstream"), "--no-cache") == (0, sorted(WATCHED))
