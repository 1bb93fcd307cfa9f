"""How live mode should fetch tables: one `.show table T schema as json` per table, run
concurrently on one client (what schemacheck does), or one `.show database D schema as json`.

    python benchmarks/live.py [--tables 300] [--columns 40] [--latency 0.05] [--runs 5]

Runs tests/kusto_server.py (a fake cluster on 127.0.0.1 that speaks the REST v1 protocol)
with a database of --tables tables of --columns columns each, and a fixed server-side
delay per request standing in for a network round trip plus service time. For 1 to 20
wanted tables it measures the wall time of both ways and of schemacheck's choice
(Cluster.table_schemas), and the size of the database JSON, with the real
azure-kusto-data client, and prints medians and the ratio. Needs
`pip install 'schemacheck[live]'`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.kusto_server import Database, FakeCluster, Fault, Table  # noqa: E402

from schemacheck.kusto.live import Cluster  # noqa: E402

TYPES = ["string", "long", "real", "datetime", "bool", "dynamic", "int", "guid"]


def database(tables: int, columns: int) -> dict:
    return {"telemetry": Database("telemetry", {
        f"Table{t:04d}": Table(f"Table{t:04d}", [(f"Column{c:03d}", TYPES[c % len(TYPES)]) for c in range(columns)])
        for t in range(tables)})}


def per_table(cluster: Cluster, wanted: list[str]) -> int:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        assert all(pool.map(lambda t: cluster.table_schema("telemetry", t), wanted))
    return 0


def schemacheck_choice(cluster: Cluster, wanted: list[str]) -> int:
    assert all(cluster.table_schemas("telemetry", wanted).values())
    return 0


def per_database(cluster: Cluster, wanted: list[str]) -> int:
    rows = cluster.show("telemetry", ".show database ['telemetry'] schema as json")
    schema = json.loads(rows[0]["DatabaseSchema"])
    tables = schema["Databases"]["telemetry"]["Tables"]
    assert all(name in tables for name in wanted)
    return len(rows[0]["DatabaseSchema"])


def measure(fake: FakeCluster, how, wanted: list[str], runs: int, latency: float) -> tuple[float, int]:
    times = []
    size = 0
    for _ in range(runs):
        fake.faults[:] = [Fault(delay=latency, times=10_000)]
        with Cluster(fake.url, "none", timeout=60) as cluster:
            start = time.perf_counter()
            size = how(cluster, wanted) or size
            times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--tables", type=int, default=300)
    options.add_argument("--columns", type=int, default=40)
    options.add_argument("--latency", type=float, default=0.05, help="server-side delay per request, seconds")
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    with FakeCluster(database(args.tables, args.columns)) as fake:
        print(f"fake cluster: 1 database, {args.tables} tables x {args.columns} columns; "
              f"{args.latency * 1000:.0f} ms per request; median of {args.runs} runs; real azure-kusto-data client")
        print(f"{'wanted':>7}  {'per table, concurrent':>22}  {'one per database':>18}  {'db JSON':>9}  "
              f"{'db/table':>8}  {'schemacheck':>12}")
        for count in (1, 2, 5, 8, 10, 20):
            wanted = [f"Table{i * 7 % args.tables:04d}" for i in range(count)]
            table_time, _ = measure(fake, per_table, wanted, args.runs, args.latency)
            database_time, size = measure(fake, per_database, wanted, args.runs, args.latency)
            chosen_time, _ = measure(fake, schemacheck_choice, wanted, args.runs, args.latency)
            print(f"{count:>7}  {table_time * 1000:>19.1f} ms  {database_time * 1000:>15.1f} ms  "
                  f"{size / 1024:>6.0f} KB  {database_time / table_time:>7.2f}x  {chosen_time * 1000:>9.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
