"""Paths, formats and the measuring primitives shared by every section."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "samples" / "fleet-telemetry"
SAMPLE = SAMPLE_DIR / "FleetTelemetry.asaql"
# The sample's Azure SQL Database output, left out of its ADX-only copy (see copy_samples).
SQL_OUTPUT = "sql-vehicle-status"
GRAMMAR = REPO / "grammars" / "asaql.lark"
# A ratio above which growth is flagged: time per unit at 100x over the 1x time per unit (the
# scaling shapes), and the cost of each further file from 100 to 1,000 against 1 to 100.
SUPERLINEAR_RATIO = 2.0


class BenchError(Exception):
    """A set-up step or a measurement could not run; the message says why."""


# --------------------------------------------------------------------------- helpers

def median(values):
    return statistics.median(values) if values else float("nan")


def fmt_time(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "n/a"
    if seconds < 1.0:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_rate(kbs: float) -> str:
    return "n/a" if kbs != kbs else f"{kbs:.0f}"


def fmt_ratio(value: float) -> str:
    return "n/a" if value != value else f"{value:.2f}x"


def fmt_mb(value: float | None) -> str:
    """Bytes as MB (10^6 bytes)."""
    return "n/a" if value is None or value != value else f"{value / 1e6:.1f} MB"


# The result cache folder of every subprocess that does not name its own (set by main to an
# empty folder in the work dir). Every cold command passes --no-cache, so this folder must
# still be empty at the end: the report says whether it is (the cache audit). It also keeps
# the runs out of the user's own cache folder.
_DEFAULT_CACHE_DIR: Path | None = None


def child_env(cache_dir: Path | None = None) -> dict:
    """The environment for every subprocess: ours, minus what would change imports, with
    SCHEMACHECK_CACHE_DIR set to `cache_dir` (or the folder that must stay empty)."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONPROFILEIMPORTTIME",
                 "PYTHONINSPECT", "PYTHONUSERBASE", "PYTHONSAFEPATH", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__",
                 "SCHEMACHECK_CACHE_DIR"):
        env.pop(name, None)
    chosen = cache_dir or _DEFAULT_CACHE_DIR
    if chosen is not None:
        env["SCHEMACHECK_CACHE_DIR"] = str(chosen)
    return env


def run_checked(argv, *, cwd, what: str, env=None, timeout=600) -> subprocess.CompletedProcess:
    """Run a set-up command; on failure raise BenchError with its output."""
    try:
        result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env or child_env(),
                                capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BenchError(f"{what} failed: {error}\n  command: {' '.join(map(str, argv))}") from error
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        tail = "\n    ".join(output[-25:])
        raise BenchError(f"{what} failed (exit {result.returncode})\n  command: {' '.join(map(str, argv))}"
                         f"\n  output (last lines):\n    {tail}")
    return result


# Runs one command for run_measured, from a small, fresh interpreter (python -I -S): forks,
# executes the command with its output to /dev/null, waits with os.wait4 and prints the wall
# time, the command's peak RSS (ru_maxrss) and its exit code.
MEASURE_WRAPPER = r"""
import os, sys, time
argv = sys.argv[1:]
null = os.open(os.devnull, os.O_WRONLY)
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
print(repr(elapsed), usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_measured(argv, cwd: Path, env: dict) -> tuple[float, int | None, int]:
    """(wall seconds, peak RSS in bytes or None, exit code) of one command, output to DEVNULL.

    The peak RSS is the kernel's ru_maxrss of the command as os.wait4 returns it: the largest
    of the command and the descendants it waited for (its workers), not their sum. It is
    measured through MEASURE_WRAPPER because a process started straight from this one would
    carry this process's own peak (tens of MB) into its ru_maxrss: Linux keeps the peak of the
    image a process replaced at exec, and subprocess starts children with vfork. The wrapper
    is small (about 5 MB: the least a figure can show, below python -c pass), and it times
    the command itself, so its own start-up is not in the time. Without fork and wait4
    (Windows) this runs the command directly and the RSS is None.
    """
    argv = [str(a) for a in argv]
    if not (hasattr(os, "fork") and hasattr(os, "wait4")):
        start = time.perf_counter()
        code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env).returncode
        return time.perf_counter() - start, None, code
    result = subprocess.run([sys.executable, "-I", "-S", "-c", MEASURE_WRAPPER, *argv], cwd=cwd, env=env,
                            capture_output=True, text=True)
    try:
        elapsed, maxrss, code = result.stdout.split()
    except ValueError:
        raise BenchError(f"the measuring wrapper failed (exit {result.returncode}): "
                         f"{(result.stderr.strip().splitlines() or ['no output'])[-1]}\n  command: {' '.join(argv)}"
                         ) from None
    # ru_maxrss: kilobytes on Linux, bytes on macOS.
    rss = int(maxrss) if sys.platform == "darwin" else int(maxrss) * 1024
    return float(elapsed), rss, int(code)


def cache_state(directory: Path) -> tuple:
    """What is in a result cache folder (entry files with inode and mtime): an entry written
    (a miss stores its answer anew) changes it, a replay (a hit) does not."""
    if not directory.is_dir():
        return ()
    return tuple(sorted((str(p), p.stat().st_ino, p.stat().st_mtime_ns) for p in directory.rglob("*") if p.is_file()))


class Samples(dict):
    """{label: [wall seconds, ...]}, with .rss {label: [peak bytes, ...]}, .codes {label: [exit
    code, ...]} and .hits {label: [True if the run replayed its cached answer, ...]} for the
    labels whose cache folder was watched."""

    def __init__(self, labels) -> None:
        super().__init__({label: [] for label in labels})
        self.rss = {label: [] for label in labels}
        self.codes = {label: [] for label in labels}
        self.hits: dict[str, list] = {}


def time_interleaved(commands: dict, runs: int, cwd: Path, warmup: int = 2, envs: dict | None = None,
                     watch: dict | None = None) -> Samples:
    """Wall time (and peak RSS) of each command (a subprocess, output to DEVNULL), alternating
    them in one loop.

    Returns Samples. A warm-up round (untimed) fills the OS file cache, and the result cache
    of a command that uses one. `envs` maps a label to its environment (default child_env());
    `watch` maps a label to its result cache folder, to tell hits from misses.
    """
    env = child_env()
    envs = envs or {}
    watch = watch or {}
    samples = Samples(commands)
    samples.hits = {label: [] for label in watch}
    for round_number in range(warmup + runs):
        for label, argv in commands.items():
            before = cache_state(watch[label]) if label in watch else None
            elapsed, rss, code = run_measured(argv, cwd, envs.get(label, env))
            if round_number >= warmup:
                samples[label].append(elapsed)
                samples.rss[label].append(rss)
                samples.codes[label].append(code)
                if label in watch:
                    samples.hits[label].append(cache_state(watch[label]) == before and bool(before))
    return samples


def median_rss(values) -> float:
    """Median peak RSS in bytes (NaN when not measured)."""
    known = [v for v in values if v is not None]
    return median(known) if known else float("nan")


def check_command(argv, cwd: Path, ok_codes=(0,)) -> str | None:
    """None if the command runs with an accepted exit code, else why not."""
    try:
        result = subprocess.run(argv, cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode not in ok_codes:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return f"exit {result.returncode}: " + (lines[-1] if lines else "(no output)")
    return None


def probe_report_command(argv, cwd: Path, what: str) -> subprocess.CompletedProcess:
    """Run a schemacheck command once; exit 0 or 1 (findings) is fine, a crash is not.

    An uncaught exception also exits 1, so a traceback on stderr or an empty stdout fails too.
    """
    try:
        result = subprocess.run([str(a) for a in argv], cwd=cwd, env=child_env(), capture_output=True,
                                text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BenchError(f"{what} does not run in the virtualenv: {error}") from error
    if result.returncode not in (0, 1) or "Traceback (most recent call last)" in result.stderr \
            or not result.stdout.strip():
        lines = (result.stderr or result.stdout).strip().splitlines()
        tail = "\n    ".join(lines[-15:]) or "(no output)"
        raise BenchError(f"{what} does not run in the virtualenv (exit {result.returncode}):\n    {tail}"
                         f"\n  command: {' '.join(map(str, argv))}")
    return result


def meets(ok) -> str:
    """The summary table's "Meets?" cell."""
    return "—" if ok is None else "yes" if ok else "**no**"
