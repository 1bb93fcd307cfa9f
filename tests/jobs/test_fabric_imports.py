"""The Fabric reader and the operator chain are imported only for an Eventstream: a check
of another job pays nothing for them, and an Eventstream without operators after its SQL
operator nothing for the chain (each in a cold interpreter, as tests/deployed does)."""

from __future__ import annotations

from conftest import FIXTURES, SAMPLE_JOB
from support.imports import cold_imports

WORKSPACE = FIXTURES / "fabric" / "workspace"
WATCHED = ("schemacheck.jobs.fabric", "schemacheck.check.operators")


def imported(*argv: str) -> tuple[int, list[str]]:
    return cold_imports(list(argv), WATCHED)


def test_a_check_of_another_job_imports_neither():
    assert imported("check", str(SAMPLE_JOB), "--no-cache") == (1, [])


def test_an_eventstream_without_operators_after_its_query_imports_the_reader_only():
    assert imported("check", str(WORKSPACE / "Telemetry.Eventstream"), "--no-cache") == (
        1, ["schemacheck.jobs.fabric"])


def test_an_eventstream_with_a_managefields_operator_imports_the_chain():
    assert imported("check", str(WORKSPACE / "Trips.Eventstream"), "--no-cache") == (0, sorted(WATCHED))
