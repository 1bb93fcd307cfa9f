"""Many jobs are checked by forked workers (schemacheck/parallel.py): the same report, in
the same order, as one process gives; a failure surfaces as it would without workers."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from conftest import ROOT, run_cli

from schemacheck import parallel

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")


def square_or_fail(item):
    if item == "boom":
        raise ValueError("boom at item")
    return item * item, os.getpid()


@linux_only
def test_fork_map_keeps_the_order_and_uses_other_processes():
    results = parallel.fork_map(square_or_fail, list(range(100)), processes=2)
    assert [r[0] for r in results] == [i * i for i in range(100)]
    assert {pid for _, pid in results} - {os.getpid()}, "no worker process did any of it"


def test_a_failure_is_raised_here_as_without_workers():
    with pytest.raises(ValueError, match="boom at item"):
        parallel.fork_map(square_or_fail, list(range(50)) + ["boom"], processes=2)


def test_one_process_or_one_item_stays_in_this_process():
    for items, processes in (([1, 2, 3], 1), ([4], 2)):
        results = parallel.fork_map(square_or_fail, items, processes)
        assert [r[0] for r in results] == [i * i for i in items]
        assert {pid for _, pid in results} == {os.getpid()}


@pytest.fixture(scope="module")
def many_jobs(tmp_path_factory):
    """80 queries (one that does not parse, one unreadable) sharing a configuration."""
    root = tmp_path_factory.mktemp("many")
    shutil.copytree(ROOT / "samples" / "fleet-telemetry" / "schemas", root / "schemas")
    (root / "schemacheck.toml").write_text(
        'schemas = ["schemas"]\n[outputs.adx-readings]\ntable = "VehicleReadings"\n'
        '[outputs.adx-alerts]\ntable = "OverheatAlerts"\n', encoding="utf-8")
    query = (ROOT / "samples" / "fleet-telemetry" / "FleetTelemetry.asaql").read_text(encoding="utf-8")
    paths = []
    for index in range(80):
        path = root / f"job{index:02d}.asaql"
        text = query.replace("110", str(100 + index))
        if index == 17:
            text = text.replace("SELECT", "SELEC", 1)
        path.write_bytes(b"\xff\xfe\xfd" if index == 40 else text.encode("utf-8"))
        paths.append(str(path))
    return paths


@linux_only
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_workers_give_the_report_one_process_gives(many_jobs, fmt):
    one = run_cli("check", "--no-cache", "--jobs", "1", "--format", fmt, *many_jobs)
    two = run_cli("check", "--no-cache", "--jobs", "2", "--format", fmt, *many_jobs)
    assert one == two
    assert one[0] == 2 and "job40.asaql" in one[2]


def test_jobs_must_be_a_positive_number():
    code, _, err = run_cli("check", "--jobs", "0", "x.asaql")
    assert code == 2 and "--jobs" in err
