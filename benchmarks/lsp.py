"""Diagnostics latency through the Language Server Protocol: `schemacheck lsp` over stdio,
driven by a minimal JSON-RPC client (standard library), on a query of --lines lines in a copy
of the sample project (its tables, its outputs).

    python benchmarks/lsp.py [--lines 1000] [--changes 40] [--pause 0.3]

Opens the query, then sends --changes edits (each one changes a literal on one line, as typing
does), waiting --pause seconds between them, and measures for each the time from sending
textDocument/didChange to receiving the textDocument/publishDiagnostics of that version.
Prints the median and the 95th percentile, and, as the baseline measured in the same run, the
time the library's own check of the same text takes in this process (schemacheck.check.run,
no protocol). Nothing asserts on a timing. Needs `pip install 'schemacheck[lsp]'`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "fleet-telemetry"


def long_query(lines: int) -> str:
    """The sample's query, then statements INTO its ADX output until the text has `lines` lines."""
    text = (SAMPLE / "FleetTelemetry.asaql").read_text(encoding="utf-8")
    block = ("-- extra summary {n}\nSELECT\n    CAST(VehicleId AS nvarchar(max)) AS VehicleId,\n"
             "    System.Timestamp() AS WindowEnd,\n    COUNT(*) AS ReadingCount,\n    AVG(SpeedKmh) AS AvgSpeedKmh,\n"
             "    MAX(EngineTempC) AS MaxEngineTempC,\n    MIN(FuelLevel) AS MinFuelLevel\nINTO [adx-readings]\n"
             "FROM Readings\nWHERE SpeedKmh > {n}\nGROUP BY VehicleId, TumblingWindow(minute, 5)\n\n")
    parts, n = [text], 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(block.format(n=n))
        n += 1
    return "".join(parts)


class Client:
    """JSON-RPC over the server's stdin/stdout; notifications are kept with their arrival time."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd)
        self.next_id = 0
        self.answers: dict = {}
        self.diagnostics: list[tuple[float, dict]] = []
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            message = json.loads(stream.read(length))
            now = time.perf_counter()
            with self.lock:
                if message.get("method") == "textDocument/publishDiagnostics":
                    self.diagnostics.append((now, message["params"]))
                elif "id" in message and "method" not in message:
                    self.answers[message["id"]] = message
                self.lock.notify_all()

    def send(self, method: str, params: dict, request: bool = False):
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()
        if request:
            with self.lock:
                self.lock.wait_for(lambda: message["id"] in self.answers, timeout=60)
                return self.answers.get(message["id"])
        return None

    def wait_diagnostics(self, uri: str, version: int, timeout: float = 30.0) -> float | None:
        """The arrival time of the diagnostics of `version` (or, when the server does not say the
        version, the first diagnostics after the change), None if none came."""
        deadline = time.perf_counter() + timeout
        with self.lock:
            while time.perf_counter() < deadline:
                for at, params in self.diagnostics:
                    if params.get("uri") == uri and params.get("version") in (version, None):
                        self.diagnostics.clear()
                        return at
                self.lock.wait(timeout=0.05)
        return None

    def close(self) -> None:
        try:
            self.send("shutdown", {}, request=True)
            self.send("exit", {})
        finally:
            self.process.wait(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--pause", type=float, default=0.3)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        project = Path(temp) / "fleet-telemetry"
        shutil.copytree(SAMPLE, project)
        query = project / "FleetTelemetry.asaql"
        text = long_query(options.lines)
        query.write_text(text, encoding="utf-8")
        uri = query.as_uri()
        client = Client([sys.executable, "-m", "schemacheck", "lsp"], project)
        client.send("initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}, request=True)
        client.send("initialized", {})
        client.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "asaql", "version": 1,
                                                              "text": text}})
        if client.wait_diagnostics(uri, 1, timeout=60) is None:
            raise SystemExit("no diagnostics after opening the query")
        latencies = []
        lines = text.splitlines(keepends=True)
        target = next(i for i, line in enumerate(lines) if "WHERE SpeedKmh >" in line)
        for version in range(2, options.changes + 2):
            time.sleep(options.pause)
            lines[target] = f"WHERE SpeedKmh > {version}\n"
            changed = "".join(lines)
            sent = time.perf_counter()
            client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                   "contentChanges": [{"text": changed}]})
            arrived = client.wait_diagnostics(uri, version)
            if arrived is not None:
                latencies.append((arrived - sent) * 1000)
        client.close()
        baseline = library_check(project, query, "".join(lines))
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(f"{options.lines}-line query ({len(text) // 1024} KB), {len(latencies)} of {options.changes} changes "
          f"answered")
    print(f"  diagnostics after a change: median {statistics.median(latencies):.1f} ms, 95th percentile "
          f"{p95:.1f} ms (target <= 100 ms)")
    print(f"  baseline, the library's check of the same text in one process: {baseline:.1f} ms "
          f"(x{statistics.median(latencies) / baseline:.2f})")


def library_check(project: Path, query: Path, text: str) -> float:
    """The median time of check_paths on the query with `text` overlaid (no protocol)."""
    import os

    from schemacheck.check.run import Request, check_paths
    from schemacheck.files import overlaid

    times = []
    for _ in range(7):
        started = time.perf_counter()
        with overlaid({os.path.realpath(query): text}):
            check_paths(Request((str(query),)))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])


if __name__ == "__main__":
    main()
