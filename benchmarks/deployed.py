"""A subscription scan of deployed jobs: `schemacheck check --deployed --subscription S`
against the ARM stand-in and the fake Kusto cluster, both answering each request after a
fixed delay (a network round trip plus service time).

    python benchmarks/deployed.py [--jobs 50] [--outputs 3] [--latency 0.05] [--runs 3]
                                  [--concurrency 1 8] [--page-size 10] [--list-expands]

Prints, per concurrency, the median wall time of the whole command (in this process: the
CLI's main, with the real azure-core and azure-kusto-data clients over HTTP on 127.0.0.1),
the requests each server received and the most ARM requests served at once; and the ratio of
each concurrency's time to the first's (the baseline, measured in the same run). By default
the list does not expand its jobs, so every job costs one GET: the case where the bound on
concurrent requests matters. Needs `pip install 'schemacheck[live]'`.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.arm_server import FakeArm  # noqa: E402
from support.deployed_jobs import SUBSCRIPTION, fleet, fleet_databases  # noqa: E402
from support.kusto_server import FakeCluster  # noqa: E402

from schemacheck.cli import main  # noqa: E402


def scan(arm: FakeArm, concurrency: int) -> tuple[float, int, str]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    code = main(["check", "--deployed", "--subscription", SUBSCRIPTION, "--arm-endpoint", arm.url, "--auth", "none",
                 "--concurrency", str(concurrency), "--format", "text"], out, err)
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the scan exited {code}:\n{out.getvalue()[-2000:]}\n{err.getvalue()[-2000:]}")
    return elapsed, code, out.getvalue().strip().splitlines()[-1]


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--outputs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--list-expands", action="store_true",
                        help="lists answer with every job expanded (no GET per job)")
    options = parser.parse_args(argv)
    groups = max(1, options.jobs // 10)
    with FakeCluster() as cluster:
        jobs = fleet(rg_count=groups, jobs_per_group=options.jobs // groups, outputs_per_job=options.outputs,
                     cluster_url=cluster.url)
        cluster.databases.update(fleet_databases(jobs))
        cluster.latency = options.latency
        with FakeArm(jobs, page_size=options.page_size, latency=options.latency,
                     expand_in_lists=options.list_expands) as arm:
            print(f"{len(jobs)} jobs x {options.outputs} ADX outputs, {options.latency * 1000:.0f} ms per request "
                  f"on both servers, lists {'expanded' if options.list_expands else 'not expanded'}, "
                  f"{options.runs} runs each")
            baseline = None
            for concurrency in options.concurrency:
                times = []
                for _ in range(options.runs):
                    arm.reset()
                    cluster.reset()
                    elapsed, _, summary = scan(arm, concurrency)
                    times.append(elapsed)
                median = statistics.median(times)
                baseline = baseline or median
                arm_requests = len(arm.requests())
                kusto_requests = len(cluster.commands())
                assert not arm.non_get_requests() and not cluster.non_show_commands()
                print(f"  concurrency {concurrency:>2}: {median:6.2f} s (x{median / baseline:.2f} of concurrency "
                      f"{options.concurrency[0]}), ARM {arm_requests} GETs (at most {arm.max_concurrent} at once), "
                      f"Kusto {kusto_requests} .show; {summary}")


if __name__ == "__main__":
    main_()
