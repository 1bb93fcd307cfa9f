"""Speed of schemacheck, as ratios against baselines measured in the same run.

    python benchmarks/run.py [--quick] [--runs N] [--cold-runs M] [--size KB] [--sqlfluff-runs K]
                             [--no-sqlfluff] [--no-sqlglot] [--json FILE] [--markdown FILE]
                             [--keep-venv DIR]

Nothing here asserts on a timing: it measures and prints. Every figure is the median
of repeated runs, and each is shown next to a named baseline measured in the same run
on the same machine, because absolute times mean little across machines. The report
ends with a summary table (metric, value, baseline, ratio, target, meets?) in Markdown,
to paste into README.md (--markdown FILE also writes it to FILE). --quick runs fewer
times (same files, same sizes), for development.

The targets are about an installed, non-editable package (with an editable install
and PYTHONDONTWRITEBYTECODE=1, Python recompiles every module, including the 145 KB
generated schemacheck/asa/_tables.py, on each start). So the script first builds a
throw-away virtualenv (`python -m venv` in a temp dir, or DIR with --keep-venv) and
`pip install`s a copy of the repository into it, non-editably, with its dependencies
(lark, pydantic, sqlglot: `schemacheck check` imports pydantic_core to validate a JSON/TOML file that
is not plainly valid, and sqlglot to read the DDL of a SQL output; lark is used only by the
grammar-loading comparison and the reference parse):
pip byte-compiles at install time. It copies the repository first so that setuptools'
build/ and *.egg-info never land in the checkout (and no stale build/lib file can leak
into the wheel). For the sqlfluff and sqlglot comparisons it builds a SEPARATE virtualenv
with `pip install sqlfluff` and `pip install sqlglot`, so that nothing they bring can
change schemacheck's imports.

The result cache. `check`, `infer` and `suggest` replay a stored answer while nothing they
read has changed, so every command meant to be cold passes --no-cache, and every
subprocess gets SCHEMACHECK_CACHE_DIR set to an empty folder in the temp dir (nothing
goes to the user's cache folder). That folder must still be empty at the end: the report
says so ("cache audit"). The cached figures use folders of their own, created before the
first run (as a user's cache folder exists after the first use), filled by the first
untimed warm-up round; every timed run is classed as a replay (hit) or not by whether it
wrote its cache entry anew, and the cached figure is the median of the replays.

The sample. samples/fleet-telemetry, a VS Code ASA project, has an Azure SQL Database
output (sql-vehicle-status), and checking a SQL output reads its DDL with sqlglot. So that
the figures of 1, 2, 6 and 7 stay comparable with runs from before it had one, they use
<ADX-only sample>: a copy of the sample made at the start of the run in the temp dir,
without that output (its Outputs/ file, its DDL under schemas/FleetOps, its statement from
"-- Latest status per vehicle" up to "SELECT * INTO [raw-archive]", and every line naming
it in the query and asaproj.json). The run stops unless the copy names sql-vehicle-status
nowhere and its `check --no-cache` exits 1 (its ADX findings). Section 8 also checks an
unchanged copy, <sample with its SQL output>. Both copies sit under an empty .git folder
(the top of a work tree, where the walk up to find a project stops), so that what the run
writes elsewhere in the temp dir does not change what the checks read.

What it measures (wall times from time.perf_counter; subprocesses through a small
wrapper that also reads their peak RSS, see run_measured):

1. Cold start. `<venv>/bin/python -c pass` (baseline) against
   `<venv>/bin/schemacheck infer --no-cache <ADX-only sample>`, each a subprocess with output to
   DEVNULL, the two alternated in one loop so that machine noise hits both alike.
   Target: infer <= 5x the bare interpreter. Then `python -X importtime` of the same
   command (median over a few runs): the 10 imports with the largest cumulative time,
   and whether lark, pydantic, sqlglot or azure are imported at all.
2. The check command. `<venv>/bin/python -c pass` (baseline) against
   `<venv>/bin/schemacheck check --no-cache <ADX-only sample>` (reads the sample's project
   and the saved table schemas, one .kql and one .json file; it exits 1 because the sample
   has deliberate findings) and the cached `schemacheck check <ADX-only sample>`, the three
   alternated as in 1. Targets: cold check <= 10x, cached check <= 3x the bare
   interpreter. Then `sqlfluff lint --dialect tsql <ADX-only sample>` (sqlfluff from its own
   venv; `--config` with `sql_file_exts = .asaql`, without which sqlfluff silently
   skips the file and lints nothing) alternated with the cold check in one loop of
   --sqlfluff-runs runs (default 5; sqlfluff takes about a second): schemacheck's
   speed-up over sqlfluff, target >= 10x. Exit codes are ignored (both exit 1 on
   findings). Then `python -c "import sqlglot; sqlglot.parse(open(F).read(),
   read='tsql')"` (same venv as sqlfluff, a fresh process each, cold) on the query,
   alternated with the cold check and python -c pass (--cold-runs / 2 runs): whether it
   parses (yes, or no with the error) and the speed-up; sqlglot does not parse ASA's
   `TIMESTAMP BY` nor statements without ';', so it is also timed on a simplified T-SQL
   variant (see simplify_for_tsql). Each comparison is skipped, with the reason, if its
   tool cannot be installed. Then the `python -X importtime` profiles of the cold check
   (none of pydantic_core, lark, pydantic, sqlglot, azure, schemacheck.sql: the sample's
   files are plainly valid and it has no SQL output) and of the cached check (none of them,
   nor schemacheck.asa).
3. Grammar loading: ways to get an ASA parser in a fresh process, each a subprocess
   of the venv's python, all interleaved in one loop with `python -c pass`:
   (a) `import lark`; (b) Lark(grammar, parser="lalr", lexer="contextual") from
   scratch; (c) the same with cache=<file>, cache warmed first; (d) the module
   written by `python -m lark.tools.standalone -l contextual`, byte-compiled, then
   `Lark_StandAlone()`; (e) schemacheck's own `import schemacheck.asa.parser`
   (generated tables + small LALR driver).
4. Throughput, in a subprocess running the venv's python (the installed package):
   schemacheck.analyze() (parse + infer) and parse_query() (parse only) on a
   generated query of --size KB (default 500), in KB/s (KB = 1024 bytes of UTF-8);
   target >= 250 KB/s for analyze. For reference, Lark's own LALR parse of the same
   text (contextual lexer, building a Lark Tree). The query is generated from the
   templates below (WITH steps, SELECT ... INTO, CAST/TRY_CAST, CASE, aggregates over
   Tumbling/Hopping windows, JOIN with DATEDIFF, CROSS APPLY GetArrayElements, LAG
   OVER (PARTITION BY ... LIMIT DURATION), string functions, CREATE TABLE, UNION,
   comments), names numbered so that no two statements are alike. The run stops
   with an error if analyze() reports SC001 (syntax error) on it. Then the command
   line on the same file: `schemacheck check --no-cache <file>` (wall time, KB/s,
   peak RSS).
5. Scaling: analyze() on 1x, 10x and 100x a ~5 KB query (the same templates, more
   statements); time per KB should stay flat (ratio to the 1x time per KB). The
   same runs are repeated with gc.disable() around each call, to tell the cyclic
   garbage collector's share of any growth from the code's own. Then three shapes
   that would expose a quadratic path, at 1x/10x/100x: a long select list (1,000 /
   10,000 / 100,000 items), a UNION ALL chain (100 / 1,000 / 10,000 SELECTs) and
   nested CASE (50 / 500 / 5,000 levels): ms per unit and its ratio to the 1x ms per
   unit, SUPERLINEAR above 2x. A size that schemacheck rejects (SC001, e.g. "nests
   too deeply") is reported as such, with the largest size it accepts (bisection).
6. Many files: 1,000 variations of the ADX-only sample's query (thresholds and window
   from the index) in a temp folder with a schemacheck.toml (schemas = ["schemas"], a copy
   of its schemas/, [outputs.*] tables and kinds), and likewise 100 and 1 in folders
   of their own (so that work done per file for each name in its folder shows), all
   under an empty .git folder (the top of a work tree, where the walk up to find a
   project stops): `check --no-cache` of the 1 file, of the 100 and 1,000 files with
   --jobs 1, of the 1,000 with --jobs = cores (forked workers, one per core), and the
   cached `check` of the 1,000, alternated with python -c pass after one warm-up round.
   Target: 1,000 files in < 10 s. Also the time per file against the single-file check,
   and the cost of each further file from 1 to 100 and from 100 to 1,000 files
   (linear: the same; flagged above 2x). In the same loop, the baseline of the workers'
   speed-up: the machine's own, N forked processes (N = usable cores) each spinning a
   fixed pure-Python loop against one (CPU_SPIN); on a VM whose vCPUs share physical
   cores it is well under N, and no worker pool can do better.
7. Peak memory: max RSS (MB, 10^6 bytes) of the commands timed above, from os.wait4
   of each run (cold and cached single-file check, the 500 KB check, the 1,000-file
   checks; with workers, the largest single process), against python -c pass.
8. SQL outputs: what the SQL path costs. `<venv>/bin/python -c pass` (baseline),
   `schemacheck check --no-cache <ADX-only sample>`, `schemacheck check --no-cache
   <sample with its SQL output>` and the cached `schemacheck check <sample with its SQL
   output>` (a cache folder of its own, as in 2), the four alternated in one loop of
   --cold-runs runs: the medians, the SQL job over the ADX-only job (the SQL path's cost),
   each over python -c pass, and their peak RSS. Then the `python -X importtime` profile
   of the SQL job's cold check (sqlglot and schemacheck.sql imported; the 10 imports with
   the largest cumulative time) and of its cached check (neither imported: the result cache
   replays without analysing), and the difference in modules and import time from the
   ADX-only cold check's profile of 2. Target: a job without SQL outputs imports neither
   sqlglot nor schemacheck.sql (the ADX-only cold check's profile holds no module of
   either).

Exit status: 0 after printing the report, 2 if the set-up (venv, install) or a
measurement could not run.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "samples" / "fleet-telemetry"
SAMPLE = SAMPLE_DIR / "FleetTelemetry.asaql"
# The sample's Azure SQL Database output, left out of its ADX-only copy (see copy_samples).
SQL_OUTPUT = "sql-vehicle-status"
SQL_OUTPUT_FILES = ("Outputs/sql-vehicle-status.json", "schemas/FleetOps")
SQL_STATEMENT_START = "-- Latest status per vehicle"
SQL_STATEMENT_END = "SELECT * INTO [raw-archive]"
GRAMMAR = REPO / "grammars" / "asaql.lark"
# Module roots watched in the import profiles: (root, expected to be imported?).
# "pydantic" matches pydantic and pydantic.*, not pydantic_core.
INFER_WATCH = (("lark", False), ("pydantic", False), ("pydantic_core", False), ("sqlglot", False), ("azure", False))
CHECK_WATCH = (("lark", False), ("pydantic", False), ("pydantic_core", False), ("sqlglot", False), ("azure", False),
               ("schemacheck.sql", False))
# The job with a SQL output reads its DDL with sqlglot.
SQL_CHECK_WATCH = (("lark", False), ("pydantic", False), ("pydantic_core", False), ("sqlglot", True),
                   ("azure", False), ("schemacheck.sql", True))
# A replayed answer needs none of them: not even the parser.
CACHED_WATCH = (("lark", False), ("pydantic", False), ("pydantic_core", False), ("sqlglot", False),
                ("azure", False), ("schemacheck.asa", False), ("schemacheck.sql", False))
COLD_TARGET_RATIO = 5.0
CHECK_TARGET_RATIO = 10.0
SQLFLUFF_TARGET_SPEEDUP = 10.0
CACHED_TARGET_RATIO = 3.0
SQLFLUFF_RUNS = 5
QUICK_RUNS = 3
QUICK_SQLFLUFF_RUNS = 2
SQLFLUFF_DIALECT = "tsql"
THROUGHPUT_TARGET_KBS = 250.0
SCALING_BASE_BYTES = 5 * 1024
SCALING_FACTORS = (1, 10, 100)
# Shapes that would expose a quadratic path: (key, title, unit, size at 1x); sizes 1x/10x/100x.
SHAPES = (("select", "long select list", "item", 1000),
          ("union", "UNION ALL chain", "SELECT", 100),
          ("case", "nested CASE", "level", 50))
SUPERLINEAR_RATIO = 2.0
MANY_FILES = 1000
MANY_MIDDLE = 100          # also timed, to tell whether the time per file stays the same
MANY_TARGET_S = 10.0       # the 1,000-file check (default workers), wall time
MANY_CONFIG = """schemas = ["schemas"]

[outputs.adx-readings]
table = "VehicleReadings"

[outputs.adx-alerts]
table = "OverheatAlerts"

[outputs.raw-archive]
kind = "blob"
"""   # time per unit at 100x over the 1x time per unit, above which a shape is flagged
IMPORTTIME_RUNS = 5
# What the wheel needs; everything else in the checkout (tests, build/, .git, ...) stays out.
SOURCE_ITEMS = ("pyproject.toml", "README.md", "LICENSE", "setup.py", "setup.cfg", "MANIFEST.in",
                "schemacheck", "grammars")
STAMP_NAME = ".schemacheck-bench-source"


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
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        elapsed, maxrss, code = result.stdout.split()
    except ValueError:
        raise BenchError(f"the measuring wrapper failed (exit {result.returncode}): "
                         f"{(result.stderr.strip().splitlines() or ['no output'])[-1]}\n  command: {' '.join(argv)}")
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


# --------------------------------------------------------------------------- set-up

class Venv:
    def __init__(self, root: Path) -> None:
        self.root = root
        bindir = root / ("Scripts" if os.name == "nt" else "bin")
        self.python = bindir / ("python.exe" if os.name == "nt" else "python")
        self.schemacheck = bindir / ("schemacheck.exe" if os.name == "nt" else "schemacheck")
        self.lark_version: str | None = None
        self.lark_error: str | None = None
        self.package_dir: str = "?"
        self.pydantic_core_version: str | None = None


def source_fingerprint() -> str:
    """A hash of everything that goes into the wheel, to know when a kept venv is stale."""
    digest = hashlib.sha256()
    for item in SOURCE_ITEMS:
        path = REPO / item
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(REPO)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def copy_source(destination: Path) -> Path:
    target = destination / "schemacheck-src"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for item in SOURCE_ITEMS:
        path = REPO / item
        if path.is_dir():
            shutil.copytree(path, target / item, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, target / item)
    return target


def wanted_lark() -> str:
    """The lark requirement: the version installed next to this script if any, else the project's."""
    try:
        from importlib.metadata import version

        return f"lark=={version('lark')}"
    except Exception:
        return "lark>=1.2"


def setup_venv(venv_dir: Path, work: Path, log) -> Venv:
    venv = Venv(venv_dir)
    if venv.python.exists():
        log(f"reusing virtualenv {venv_dir}")
    else:
        log(f"creating virtualenv {venv_dir} ...")
        run_checked([sys.executable, "-m", "venv", venv_dir], cwd=work,
                    what="creating the virtualenv (python -m venv; on Debian/Ubuntu install python3-venv)")
    fingerprint = source_fingerprint()
    stamp = venv_dir / STAMP_NAME
    if stamp.exists() and stamp.read_text() == fingerprint and venv.schemacheck.exists():
        log("schemacheck already installed from the current source")
    else:
        log("installing schemacheck with its dependencies (non-editable) ...")
        source = copy_source(work)
        if venv.schemacheck.exists():
            # A kept venv with an older build: remove it so that pip installs this one (the same
            # version number would otherwise count as satisfied). Its dependencies stay.
            run_checked([venv.python, "-m", "pip", "uninstall", "--yes", "--quiet", "schemacheck"], cwd=work,
                        what="pip uninstall of the previous schemacheck")
        # Not --no-deps: the check command needs pydantic_core (from pydantic). pip does not
        # cache wheels built from a local directory, so this builds the copy afresh.
        run_checked([venv.python, "-m", "pip", "install", "--quiet", source], cwd=work,
                    what="pip install of schemacheck (and lark, pydantic, sqlglot) into the virtualenv")
        stamp.write_text(fingerprint)
    located = run_checked([venv.python, "-c", "import schemacheck, os; print(os.path.dirname(schemacheck.__file__))"],
                          cwd=work, what="importing the installed schemacheck")
    venv.package_dir = located.stdout.strip()
    if "site-packages" not in venv.package_dir:
        raise BenchError(f"the venv imports schemacheck from {venv.package_dir}, not from an installed copy")
    venv.pydantic_core_version = run_checked(
        [venv.python, "-c", "import pydantic_core; print(pydantic_core.__version__)"], cwd=work,
        what="importing pydantic_core in the virtualenv (schemacheck check needs it)").stdout.strip()
    probe = [venv.python, "-c", "import lark; print(lark.__version__)"]
    if check_command(probe, work) is not None:
        requirement = wanted_lark()
        log(f"installing {requirement} ...")
        try:
            run_checked([venv.python, "-m", "pip", "install", "--quiet", requirement], cwd=work,
                        what=f"pip install {requirement}")
        except BenchError as error:
            venv.lark_error = str(error).splitlines()[0]
            log(f"WARNING: {venv.lark_error}; the Lark comparisons are skipped")
            return venv
    venv.lark_version = run_checked(probe, cwd=work, what="importing lark").stdout.strip()
    return venv


class SampleCopies:
    """The sample job copied into the run's work folder: `adx_only` (the query of the copy
    without its SQL output) and `with_sql` (the query of an unchanged copy)."""

    def __init__(self, adx_only: Path, with_sql: Path) -> None:
        self.adx_only = adx_only
        self.with_sql = with_sql


def without_lines_naming(text: str, name: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if name not in line)


def files_naming(folder: Path, name: str) -> list[str]:
    """The files under `folder` whose path or content holds `name`."""
    needle = name.encode("utf-8")
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if name in str(p.relative_to(folder)) or (p.is_file() and needle in p.read_bytes()))


def copy_samples(work: Path) -> SampleCopies:
    """Two copies of samples/fleet-telemetry under <work>/samples, made at the start of the run:
    one as it is and one with Azure Data Explorer (and blob) outputs only.

    The ADX-only copy keeps the figures comparable with runs from before the sample had a SQL
    output: it lacks the SQL output's file, its DDL (schemas/FleetOps), its statement and
    every line naming it (the header comment, the asaproj.json entry). Both copies sit under
    an empty .git folder, the top of a work tree where the walk up to find a project stops,
    so that files the run adds to the work folder do not touch what the checks read.
    """
    root = work / "samples"
    root.mkdir()
    (root / ".git").mkdir()
    with_sql = root / "fleet-telemetry"
    adx_only = root / "fleet-telemetry-adx-only"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(SAMPLE_DIR, with_sql, ignore=ignore)
    shutil.copytree(SAMPLE_DIR, adx_only, ignore=ignore)
    if not files_naming(with_sql, SQL_OUTPUT):
        raise BenchError(f"{SAMPLE_DIR.relative_to(REPO)} no longer names {SQL_OUTPUT}: "
                         "change copy_samples in benchmarks/run.py")
    for relative in SQL_OUTPUT_FILES:
        path = adx_only / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
        else:
            raise BenchError(f"the sample has no {relative}: change SQL_OUTPUT_FILES in benchmarks/run.py")
    query = adx_only / SAMPLE.name
    text = query.read_text(encoding="utf-8")
    start, end = text.find(SQL_STATEMENT_START), text.find(SQL_STATEMENT_END)
    if start < 0 or end < start:
        raise BenchError(f"the sample query no longer holds {SQL_STATEMENT_START!r} before {SQL_STATEMENT_END!r}: "
                         "change copy_samples in benchmarks/run.py")
    query.write_text(without_lines_naming(text[:start] + text[end:], SQL_OUTPUT), encoding="utf-8")
    project = adx_only / "asaproj.json"
    # The entry dropped may have been the last of its list: no comma may close the list.
    entries = re.sub(r",(\s*[\]}])", r"\1", without_lines_naming(project.read_text(encoding="utf-8"), SQL_OUTPUT))
    try:
        json.loads(entries)
    except ValueError as error:
        raise BenchError(f"asaproj.json of the ADX-only sample is not valid JSON ({error}): "
                         "change copy_samples in benchmarks/run.py") from error
    project.write_text(entries, encoding="utf-8")
    left = files_naming(adx_only, SQL_OUTPUT)
    if left:
        raise BenchError(f"the ADX-only sample still names {SQL_OUTPUT}: {', '.join(left)}")
    return SampleCopies(adx_only=query, with_sql=with_sql / SAMPLE.name)


def verify_adx_only_sample(venv: Venv, query: Path, work: Path) -> str:
    """Its cold check exits 1, for its ADX findings, and names no SQL output; its summary line."""
    check = [venv.schemacheck, "check", "--no-cache", query]
    result = probe_report_command(check, work, "`schemacheck check` of the ADX-only sample")
    if result.returncode != 1 or SQL_OUTPUT in result.stdout:
        raise BenchError(f"`schemacheck check --no-cache` of the ADX-only sample exits {result.returncode} "
                         f"(expected 1, its ADX findings, and no {SQL_OUTPUT}):\n    "
                         + "\n    ".join(result.stdout.strip().splitlines()[:8]))
    return result.stdout.strip().splitlines()[-1]


# --------------------------------------------------------------------------- 1. cold start

def measure_cold_start(venv: Venv, runs: int, work: Path, query: Path) -> dict:
    baseline = [str(venv.python), "-c", "pass"]
    infer = [str(venv.schemacheck), "infer", "--no-cache", str(query)]
    problem = check_command(infer, work, ok_codes=(0, 1))
    if problem:
        raise BenchError(f"`schemacheck infer` does not run in the virtualenv: {problem}")
    samples = time_interleaved({"python -c pass": baseline, "schemacheck infer": infer}, runs, work)
    base, cold = median(samples["python -c pass"]), median(samples["schemacheck infer"])
    return {
        "baseline_rss": median_rss(samples.rss["python -c pass"]),
        "infer_rss": median_rss(samples.rss["schemacheck infer"]),
        "runs": runs,
        "baseline_cmd": " ".join(baseline),
        "infer_cmd": " ".join(infer),
        "baseline_s": base,
        "infer_s": cold,
        "ratio": cold / base,
        "target_ratio": COLD_TARGET_RATIO,
        "samples": samples,
    }


def parse_importtime(stderr: str) -> list[tuple[str, int, int, int]]:
    """-X importtime lines -> [(module, depth, self_us, cumulative_us)]."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        fields = line[len("import time:"):].split("|")
        if len(fields) != 3:
            continue
        self_us, cumulative_us, name = fields
        name = name.rstrip()
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        try:
            rows.append((name.strip(), depth, int(self_us), int(cumulative_us)))
        except ValueError:
            continue
    return rows


def measure_importtime(venv: Venv, work: Path, runs: int, query: Path, command: str = "infer",
                       watch=INFER_WATCH, cache_dir: Path | None = None) -> dict:
    """-X importtime of `schemacheck <command> --no-cache <query>`: medians per module over
    `runs` runs. With `cache_dir`: of the cached `schemacheck <command> <query>` (its
    answer replayed from that folder, filled by one run first)."""
    options = [] if cache_dir else ["--no-cache"]
    argv = [str(venv.python), "-X", "importtime", str(venv.schemacheck), command, *options, str(query)]
    env = child_env(cache_dir)
    if cache_dir:
        subprocess.run(argv, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    per_module: dict[str, dict] = {}
    totals = []
    imported: set[str] = set()
    for _ in range(runs):
        result = subprocess.run(argv, cwd=work, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        rows = parse_importtime(result.stderr)
        if not rows:
            raise BenchError("python -X importtime printed nothing usable:\n" + result.stderr[-2000:])
        totals.append(sum(c for _, depth, _, c in rows if depth == 0))
        for name, depth, self_us, cumulative_us in rows:
            entry = per_module.setdefault(name, {"depth": depth, "self": [], "cumulative": []})
            entry["self"].append(self_us)
            entry["cumulative"].append(cumulative_us)
            imported.add(name)
    table = sorted(((name, median(e["cumulative"]), median(e["self"])) for name, e in per_module.items()),
                   key=lambda row: -row[1])
    watched = {}
    for root, expected in watch:
        hits = sorted(m for m in imported if m == root or m.startswith(root + "."))
        entry = per_module.get(root)
        watched[root] = {"imported": bool(hits), "expected": expected, "modules": hits,
                         "cumulative_us": median(entry["cumulative"]) if entry else None}
    return {
        "cmd": " ".join(argv),
        "runs": runs,
        "total_us": median(totals),
        "module_count": len(imported),
        "top": [{"module": n, "cumulative_us": c, "self_us": s} for n, c, s in table[:10]],
        "watched": watched,
        # The roots that should not be imported, with the modules of each that were.
        "forbidden": {root: w["modules"] for root, w in watched.items() if not w["expected"]},
        "schemacheck_modules": sorted(m for m in imported if m.split(".")[0] == "schemacheck"),
    }


# --------------------------------------------------------------------------- 2. the check command

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


def measure_check_cold(venv: Venv, runs: int, work: Path, query: Path) -> dict:
    """Cold `check --no-cache <query>` and the cached `check <query>` (its answer replayed
    from a result cache folder of its own, filled by the first warm-up round), alternated
    with `python -c pass` in one loop."""
    baseline = [str(venv.python), "-c", "pass"]
    check = [str(venv.schemacheck), "check", "--no-cache", str(query)]
    cached = [str(venv.schemacheck), "check", str(query)]
    cache_dir = work / "cache-sample"
    # An existing folder, as a user's cache folder is after the first run: creating it would
    # change the listing of a folder that discovery lists (the work dir's parent).
    cache_dir.mkdir()
    probe = probe_report_command(check, work, "`schemacheck check`")
    samples = time_interleaved({"python -c pass": baseline, "schemacheck check": check, "cached check": cached},
                               runs, work, envs={"cached check": child_env(cache_dir)},
                               watch={"cached check": cache_dir})
    base, cold = median(samples["python -c pass"]), median(samples["schemacheck check"])
    hits = samples.hits["cached check"]
    # The cached figure is the median of the runs that did replay (a miss runs the check).
    replayed = [t for t, hit in zip(samples["cached check"], hits) if hit] or samples["cached check"]
    cached_s = median(replayed)
    summary = probe.stdout.strip().splitlines()[-1]
    return {
        "runs": runs,
        "baseline_cmd": " ".join(baseline),
        "check_cmd": " ".join(check),
        "cached_cmd": f"SCHEMACHECK_CACHE_DIR={cache_dir} " + " ".join(cached),
        "check_exit_code": probe.returncode,
        "check_summary": summary,
        "baseline_s": base,
        "check_s": cold,
        "ratio": cold / base,
        "target_ratio": CHECK_TARGET_RATIO,
        "cached_s": cached_s,
        "cached_ratio": cached_s / base,
        "cached_target_ratio": CACHED_TARGET_RATIO,
        "cached_hits": sum(hits),
        "cached_exit_codes": sorted(set(samples.codes["cached check"])),
        "cold_exit_codes": sorted(set(samples.codes["schemacheck check"])),
        "baseline_rss": median_rss(samples.rss["python -c pass"]),
        "check_rss": median_rss(samples.rss["schemacheck check"]),
        "cached_rss": median_rss(samples.rss["cached check"]),
        "samples": samples,
        "rss_samples": samples.rss,
    }


def setup_comparisons(venv_dir: Path, work: Path, log, want_sqlfluff: bool = True,
                      want_sqlglot: bool = True) -> tuple[dict, dict]:
    """A separate venv with sqlfluff and sqlglot (each installed on its own, so that one
    failing does not skip the other): ({"sqlfluff": path, "version": ...} or {"skipped": why},
    {"python": path, "version": ...} or {"skipped": why})."""
    bindir = venv_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    sqlfluff = bindir / ("sqlfluff.exe" if os.name == "nt" else "sqlfluff")

    def why_not(error: BenchError, what: str) -> str:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        why = lines[0] + (f": {lines[-1]}" if len(lines) > 1 and "output" in str(error) else "")
        log(f"WARNING: {why}; the {what} comparison is skipped")
        return why

    fluff = {"skipped": "--no-sqlfluff"}
    glot = {"skipped": "--no-sqlglot"}
    if not (want_sqlfluff or want_sqlglot):
        return fluff, glot
    try:
        if not python.exists():
            log(f"creating the comparison virtualenv {venv_dir} (sqlfluff, sqlglot) ...")
            run_checked([sys.executable, "-m", "venv", venv_dir], cwd=work,
                        what="creating the sqlfluff/sqlglot virtualenv")
    except BenchError as error:
        why = why_not(error, "sqlfluff and sqlglot")
        return ({"skipped": why} if want_sqlfluff else fluff), ({"skipped": why} if want_sqlglot else glot)
    if want_sqlfluff:
        try:
            if sqlfluff.exists():
                log("sqlfluff already installed in its virtualenv")
            else:
                log("installing sqlfluff (pip install sqlfluff, separate virtualenv) ...")
                run_checked([python, "-m", "pip", "install", "--quiet", "sqlfluff"], cwd=work,
                            what="pip install sqlfluff", timeout=600)
            version = run_checked([sqlfluff, "--version"], cwd=work, what="sqlfluff --version").stdout.strip()
            fluff = {"sqlfluff": str(sqlfluff), "version": version.split()[-1], "venv": str(venv_dir)}
        except BenchError as error:
            fluff = {"skipped": why_not(error, "sqlfluff")}
    if want_sqlglot:
        probe = [python, "-c", "import sqlglot; print(sqlglot.__version__)"]
        try:
            if check_command(probe, work) is None:
                log("sqlglot already installed in the comparison virtualenv")
            else:
                log("installing sqlglot (pip install sqlglot, same separate virtualenv) ...")
                run_checked([python, "-m", "pip", "install", "--quiet", "sqlglot"], cwd=work,
                            what="pip install sqlglot", timeout=600)
            version = run_checked(probe, cwd=work, what="importing sqlglot").stdout.strip()
            glot = {"python": str(python), "version": version, "venv": str(venv_dir)}
        except BenchError as error:
            glot = {"skipped": why_not(error, "sqlglot")}
    return fluff, glot


def measure_sqlfluff(venv: Venv, sqlfluff: dict, runs: int, work: Path, query: Path) -> dict:
    if "skipped" in sqlfluff:
        return {"skipped": sqlfluff["skipped"]}
    # sqlfluff lints only files whose extension is in sql_file_exts (.sql, .sql.j2, .dml, .ddl by
    # default); given FleetTelemetry.asaql it prints "All Finished!", exits 0 and lints nothing.
    config = work / "sqlfluff-bench.cfg"
    config.write_text("[sqlfluff]\nsql_file_exts = .asaql,.sql\n", encoding="utf-8")
    argv = [sqlfluff["sqlfluff"], "lint", "--dialect", SQLFLUFF_DIALECT, "--config", str(config), str(query)]
    try:
        probe = subprocess.run(argv, cwd=work, env=child_env(), capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"skipped": f"sqlfluff lint does not run: {error}", "cmd": " ".join(argv)}
    violations = [line for line in probe.stdout.splitlines() if line.startswith("L:")]
    unparsable = sum(1 for line in violations if re.search(r"\|\s*PRS\s*\|", line))
    if f"== [{query}]" not in probe.stdout:
        tail = (probe.stderr or probe.stdout).strip().splitlines()
        return {"skipped": f"sqlfluff lint did not lint the file (exit {probe.returncode}): "
                           + (tail[-1] if tail else "(no output)"), "cmd": " ".join(argv)}
    check = [str(venv.schemacheck), "check", "--no-cache", str(query)]
    samples = time_interleaved({"schemacheck check": check, "sqlfluff lint": argv}, runs, work, warmup=1)
    check_s, sqlfluff_s = median(samples["schemacheck check"]), median(samples["sqlfluff lint"])
    return {
        "runs": runs,
        "warmup": 1,
        "version": sqlfluff["version"],
        "venv": sqlfluff["venv"],
        "cmd": " ".join(argv),
        "check_cmd": " ".join(check),
        "exit_code": probe.returncode,
        "violations": len(violations),
        "unparsable_sections": unparsable,
        "check_s": check_s,
        "sqlfluff_s": sqlfluff_s,
        "speedup": sqlfluff_s / check_s,
        "target_speedup": SQLFLUFF_TARGET_SPEEDUP,
        "samples": samples,
    }


SQLGLOT_PROBE = r"""
import sys, sqlglot
try:
    statements = sqlglot.parse(open(sys.argv[1], encoding="utf-8").read(), read="tsql")
except Exception as error:
    message = str(error).strip().splitlines()
    print(f"no ({type(error).__name__}: {message[0] if message else ''})")
else:
    print(f"yes ({len([s for s in statements if s is not None])} statements)")
"""


def simplify_for_tsql(text: str) -> tuple[str, list[str]]:
    """The ASA query as T-SQL that sqlglot can read, and what was changed: `TIMESTAMP BY x`
    dropped (ASA only), and a ';' closing each statement before a new top-level SELECT (ASA
    needs none; sqlglot then reads the next SELECT as an error). A SELECT right after the
    ')' that closes a WITH step belongs to that WITH and is left alone."""
    changes = []
    stripped, count = re.subn(r"\s+TIMESTAMP\s+BY\s+[\w.\[\]]+", "", text, flags=re.IGNORECASE)
    if count:
        changes.append(f"dropped TIMESTAMP BY ({count}x)")
    lines, previous, closed = [], "", 0
    for line in stripped.split("\n"):
        if re.match(r"SELECT\b", line, re.IGNORECASE) and previous and previous.rstrip() != ")" \
                and not previous.rstrip().endswith(";"):
            for k in range(len(lines) - 1, -1, -1):
                if lines[k].strip() and not lines[k].lstrip().startswith("--"):
                    lines[k] += ";"
                    closed += 1
                    break
        lines.append(line)
        if line.strip() and not line.lstrip().startswith("--"):
            previous = line
    if closed:
        changes.append(f"';' after {closed} statement(s)")
    return "\n".join(lines), changes


def measure_sqlglot(venv: Venv, sqlglot: dict, runs: int, work: Path, query: Path) -> dict:
    """`sqlglot.parse(text, read="tsql")` in a fresh process on the query (and, if it cannot
    parse it, on a simplified T-SQL variant too), alternated with the cold check of it."""
    if "skipped" in sqlglot:
        return {"skipped": sqlglot["skipped"]}
    probe_script = work / "sqlglot_probe.py"
    probe_script.write_text(SQLGLOT_PROBE, encoding="utf-8")

    def parses(path: Path) -> str:
        result = subprocess.run([sqlglot["python"], str(probe_script), str(path)], cwd=work, env=child_env(),
                                capture_output=True, text=True, timeout=300)
        lines = result.stdout.strip().splitlines()
        return lines[-1] if result.returncode == 0 and lines else \
            f"no (the probe failed, exit {result.returncode}: {(result.stderr.strip().splitlines() or ['?'])[-1]})"

    def command(path: Path) -> list[str]:
        return [sqlglot["python"], "-c",
                f"import sqlglot; sqlglot.parse(open({str(path)!r}, encoding='utf-8').read(), read='tsql')"]

    files = {"sample": query}
    verdicts = {"sample": parses(query)}
    changes: list[str] = []
    if not verdicts["sample"].startswith("yes"):
        text, changes = simplify_for_tsql(query.read_text(encoding="utf-8"))
        simplified = work / "FleetTelemetry-simplified.sql"
        simplified.write_text(text, encoding="utf-8")
        files["simplified"] = simplified
        verdicts["simplified"] = parses(simplified)
    check = [str(venv.schemacheck), "check", "--no-cache", str(query)]
    commands = {"python -c pass": [str(venv.python), "-c", "pass"], "schemacheck check": check}
    commands.update({f"sqlglot {key}": command(path) for key, path in files.items()})
    samples = time_interleaved(commands, runs, work)
    check_s = median(samples["schemacheck check"])
    rows = []
    for key, path in files.items():
        t = median(samples[f"sqlglot {key}"])
        rows.append({"key": key, "file": str(path), "parses": verdicts[key], "cmd": " ".join(command(path)),
                     "median_s": t, "speedup": t / check_s})
    return {
        "runs": runs,
        "version": sqlglot["version"],
        "venv": sqlglot["venv"],
        "check_cmd": " ".join(check),
        "baseline_s": median(samples["python -c pass"]),
        "check_s": check_s,
        "rows": rows,
        "simplifications": changes,
        "samples": samples,
    }


# --------------------------------------------------------------------------- 3. grammar loading

def measure_grammar_loading(venv: Venv, runs: int, work: Path, log) -> dict:
    py = str(venv.python)
    grammar = str(GRAMMAR)
    cache = work / "asaql.lark.cache"
    load = f"open({grammar!r}, encoding='utf-8').read()"
    strategies: list[tuple[str, str, list[str]]] = [
        ("baseline", "python -c pass", [py, "-c", "pass"]),
    ]
    notes = {}
    if venv.lark_version:
        strategies += [
            ("a", "import lark", [py, "-c", "import lark"]),
            ("b", "Lark(grammar, lalr, contextual), built from scratch",
             [py, "-c", f"from lark import Lark; Lark({load}, parser='lalr', lexer='contextual')"]),
            ("c", "Lark(..., cache=FILE), warm cache",
             [py, "-c", f"from lark import Lark; Lark({load}, parser='lalr', lexer='contextual', cache={str(cache)!r})"]),
        ]
        log("generating the Lark standalone parser ...")
        standalone = work / "asa_standalone.py"
        try:
            run_checked([py, "-m", "lark.tools.standalone", "-l", "contextual", grammar, "-o", standalone],
                        cwd=work, what="python -m lark.tools.standalone")
            run_checked([py, "-c", f"import py_compile; py_compile.compile({str(standalone)!r}, doraise=True)"],
                        cwd=work, what="byte-compiling the standalone module")
            strategies.append(("d", "lark standalone: import asa_standalone; Lark_StandAlone()",
                               [py, "-c", "import asa_standalone; asa_standalone.Lark_StandAlone()"]))
            notes["d"] = f"{standalone.stat().st_size // 1024} KB module, .pyc compiled with py_compile"
        except BenchError as error:
            notes["d"] = f"skipped: {error}".splitlines()[0]
    else:
        reason = f"skipped: lark is not installed in the venv ({venv.lark_error})"
        strategies += [("a", "import lark", None), ("b", "Lark(grammar, lalr, contextual), built from scratch", None),
                       ("c", "Lark(..., cache=FILE), warm cache", None),
                       ("d", "lark standalone: import asa_standalone; Lark_StandAlone()", None)]
        notes.update(dict.fromkeys("abcd", reason))
    strategies.append(("e", "schemacheck: import schemacheck.asa.parser",
                       [py, "-c", "import schemacheck.asa.parser"]))
    tables = Path(venv.package_dir) / "asa" / "_tables.py"
    if tables.exists():
        notes["e"] = f"generated tables {tables.stat().st_size // 1024} KB + driver, installed .pyc"

    # Every command must work (this also warms the Lark cache for (c)).
    commands = {}
    for key, label, argv in strategies:
        if argv is None:
            continue
        problem = check_command(argv, work)
        if problem:
            notes[key] = f"skipped, does not run: {problem}"
            continue
        commands[key] = argv
    if "c" in commands and not cache.exists():
        notes["c"] = "note: Lark wrote no cache file"
    samples = time_interleaved(commands, runs, work)
    base = median(samples["baseline"])
    rows = []
    for key, label, argv in strategies:
        t = median(samples[key]) if key in samples else float("nan")
        rows.append({"key": key, "label": label, "cmd": " ".join(argv[1:]) if argv else "",
                     "median_s": t, "ratio": t / base, "net_s": t - base, "note": notes.get(key, "")})
    return {"runs": runs, "python": py, "rows": rows, "samples": samples}


# --------------------------------------------------------------------------- query generator

# Templates for the generated queries. {i} numbers names so that every statement
# differs; {m} picks one of a few inputs; the rest vary thresholds and windows.
TEMPLATES = (
    """-- Statement {i}: cleaned readings, hot devices of site {m}
WITH Clean{i} AS (
    SELECT
        DeviceId AS Device{i},
        TRY_CAST(EventTime AS datetime) AS EventTime,
        TRY_CAST(Temperature AS float) AS TempC,
        TRY_CAST(Humidity AS float) AS Humidity,
        UPPER(SiteCode) AS SiteCode
    FROM [telemetry-{m}] TIMESTAMP BY EventTime
    WHERE Temperature IS NOT NULL
), Hot{i} AS (
    SELECT Device{i}, EventTime, TempC, SiteCode FROM Clean{i} WHERE TempC > {t}
)
SELECT
    CAST(Device{i} AS nvarchar(max)) AS DeviceId,
    EventTime,
    TempC * 1.8 + 32 AS TempF,
    CASE WHEN TempC > {t2} THEN 'critical' WHEN TempC > {t} THEN 'warning' ELSE 'ok' END AS Level,
    CONCAT(SiteCode, '-', CAST(Device{i} AS nvarchar(max))) AS SiteDevice
INTO [adx-hot-{i}]
FROM Hot{i}
""",
    """-- Statement {i}: per-device summary every {w} minutes
SELECT
    DeviceId,
    System.Timestamp() AS WindowEnd,
    COUNT(*) AS Readings,
    AVG(TRY_CAST(Temperature AS float)) AS AvgTemp{i},
    MAX(TRY_CAST(Temperature AS float)) AS MaxTemp,
    MIN(TRY_CAST(Pressure AS float)) AS MinPressure,
    SUM(CAST(Flow AS bigint)) AS TotalFlow
INTO [adx-summary-{i}]
FROM [telemetry-{m}] TIMESTAMP BY EventTime
GROUP BY DeviceId, TumblingWindow(minute, {w})
""",
    """/* Statement {i}: regional load,
   hopping window of {a} seconds every {b} */
SELECT
    Region{i} = Region,
    System.Timestamp() AS WindowEnd,
    COUNT(DISTINCT DeviceId) AS Devices,
    STDEV(TRY_CAST(Load AS float)) AS LoadStdev,
    ROUND(AVG(TRY_CAST(Load AS float)), 2) AS AvgLoad
INTO [adx-load-{i}]
FROM [telemetry-{m}] TIMESTAMP BY EventTime
GROUP BY Region, HoppingWindow(second, {a}, {b})
HAVING COUNT(*) > {n}
""",
    """-- Statement {i}: shipping delay per order
SELECT
    o.OrderId AS OrderId,
    o.CustomerId,
    DATEDIFF(second, o.CreatedAt, s.ShippedAt) AS SecondsToShip{i},
    TRY_CAST(s.Carrier AS nvarchar(max)) AS Carrier,
    DATEADD(day, 2, o.CreatedAt) AS PromisedBy
INTO [adx-shipping-{i}]
FROM [orders-{m}] o TIMESTAMP BY CreatedAt
JOIN [shipments-{m}] s TIMESTAMP BY ShippedAt
    ON o.OrderId = s.OrderId AND DATEDIFF(minute, o, s) BETWEEN 0 AND {d}
""",
    """-- Statement {i}: one row per array element
SELECT
    e.DeviceId,
    item.ArrayIndex AS Position,
    TRY_CAST(item.ArrayValue.reading AS float) AS Reading{i},
    GetRecordPropertyValue(e.Meta, 'unit') AS Unit,
    GetArrayLength(e.Items) AS ItemCount
INTO [adx-items-{i}]
FROM [telemetry-{m}] e
CROSS APPLY GetArrayElements(e.Items) AS item
WHERE item.ArrayValue.reading IS NOT NULL
""",
    """-- Statement {i}: change detection against the previous reading
SELECT
    DeviceId,
    EventTime,
    TRY_CAST(Reading AS float) AS Reading,
    LAG(TRY_CAST(Reading AS float)) OVER (PARTITION BY DeviceId LIMIT DURATION(hour, {h})) AS PrevReading{i},
    ABS(TRY_CAST(Reading AS float) - LAG(TRY_CAST(Reading AS float)) OVER (PARTITION BY DeviceId LIMIT DURATION(hour, {h}))) AS Delta
INTO [adx-changes-{i}]
FROM [telemetry-{m}] TIMESTAMP BY EventTime
WHERE LAG(Status, 1) OVER (PARTITION BY DeviceId LIMIT DURATION(minute, {w})) <> Status
""",
    """-- Statement {i}: normalised text fields
SELECT
    LOWER(LTRIM(RTRIM(DisplayName))) AS DisplayName,
    SUBSTRING(Code, 1, 4) AS Prefix{i},
    LEN(Description) AS DescriptionLength,
    REPLACE(ResourcePath, '/', '.') AS DottedPath,
    CHARINDEX('-', Code) AS DashAt,
    CASE Category WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END AS CategoryRank,
    COALESCE(TRY_CAST(Score AS float), 0.0) AS Score
INTO [adx-text-{i}]
FROM [catalog-{m}]
WHERE DisplayName LIKE 'dev%' AND Region IN ('east', 'west', 'north') AND NOT Disabled = 1
""",
    """CREATE TABLE [typed-{i}] (DeviceId nvarchar(max), Reading float, Seen datetime, Healthy bit);

-- Statement {i}: healthy and unhealthy readings in one output
SELECT DeviceId, Reading, Seen, 'healthy' AS Kind INTO [adx-union-{i}] FROM [typed-{i}] WHERE Healthy = 1
UNION ALL
SELECT DeviceId, Reading * -1, Seen, 'unhealthy' FROM [typed-{i}] WHERE Healthy = 0
""",
)


def render_statement(i: int) -> str:
    text = TEMPLATES[i % len(TEMPLATES)].format(
        i=i, m=i % 7, t=60 + i % 30, t2=95 + i % 20, w=1 + i % 15, a=30 + i % 60, b=5 + i % 5,
        n=i % 50, d=5 + i % 55, h=1 + i % 24)
    # Statements follow each other with or without ';', as ASA allows.
    return text.rstrip("\n") + (";\n\n" if i % 3 == 0 else "\n\n")


def generate_query(min_bytes: int | None = None, statements: int | None = None) -> tuple[str, int]:
    """(query text, statement count): at least min_bytes of UTF-8, or exactly `statements` statements."""
    parts, size, i = [], 0, 0
    while (statements is not None and i < statements) or (statements is None and size < min_bytes):
        part = render_statement(i)
        parts.append(part)
        size += len(part.encode("utf-8"))
        i += 1
    return "".join(parts), i


# --------------------------------------------------------------------------- 4 + 5. throughput, scaling

# Runs in the venv's interpreter: the installed (non-editable) schemacheck.
CHILD_SCRIPT = r'''
import gc, json, sys, time

spec = json.load(open(sys.argv[1], encoding="utf-8"))
import schemacheck
from schemacheck.asa.parser import parse_query


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def checked(text, label):
    analysis = schemacheck.analyze(text)
    errors = [d for d in analysis.diagnostics if d.code == "SC001"]
    if errors:
        d = errors[0]
        print(json.dumps({"error": f"{label}: SC001 at line {d.line}, column {d.column}: {d.message}"}))
        sys.exit(3)
    codes = {}
    for d in analysis.diagnostics:
        codes[d.code] = codes.get(d.code, 0) + 1
    return {"outputs": len(analysis.outputs), "diagnostics": codes}


def timed(function, text, runs, gc_off=False):
    times = []
    for _ in range(runs):
        gc.collect()
        if gc_off:
            gc.disable()
        start = time.perf_counter()
        result = function(text)
        times.append(time.perf_counter() - start)
        gc.enable()
        del result
    return times


out = {"python": sys.executable, "schemacheck_file": schemacheck.__file__}
text = read(spec["throughput_file"])
out["check"] = checked(text, "throughput query")
out["analyze"] = timed(schemacheck.analyze, text, spec["runs"])
out["parse"] = timed(parse_query, text, spec["runs"])
if spec["grammar"]:
    try:
        from lark import Lark
        lark_parser = Lark(read(spec["grammar"]), parser="lalr", lexer="contextual")
        out["lark"] = timed(lark_parser.parse, text, spec["lark_runs"])
    except Exception as error:
        out["lark_error"] = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
out["scaling"] = []
for factor, path in spec["scaling"]:
    scaled = read(path)
    check = checked(scaled, f"scaling {factor}x query")
    out["scaling"].append({"factor": factor, "check": check, "times": timed(schemacheck.analyze, scaled, spec["runs"]),
                           "times_gc_off": timed(schemacheck.analyze, scaled, spec["runs"], gc_off=True)})
print(json.dumps(out))
'''


def run_child_json(venv, script: Path, spec_path: Path, work: Path, what: str, reports_error: bool = False) -> dict:
    """Run a measuring child script in the venv; its last line of output is its JSON result."""
    result = subprocess.run([str(venv.python), str(script), str(spec_path)], cwd=work, env=child_env(),
                            capture_output=True, text=True)
    lines = result.stdout.strip().splitlines()
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        data = None
    if reports_error and data and "error" in data:
        raise BenchError("the generated query does not parse with schemacheck: " + data["error"]
                         + "\n  (fix the templates in benchmarks/run.py, or the parser)")
    if result.returncode != 0 or data is None:
        raise BenchError(f"the {what} subprocess failed (exit {result.returncode}):\n"
                         + (result.stderr or result.stdout)[-3000:])
    return data


def measure_throughput_and_scaling(venv: Venv, runs: int, size_kb: int, work: Path, log) -> dict:
    text, count = generate_query(min_bytes=size_kb * 1024)
    big = work / "generated-large.asaql"
    big.write_text(text, encoding="utf-8")
    _, base_statements = generate_query(min_bytes=SCALING_BASE_BYTES)
    scaling_files = []
    for factor in SCALING_FACTORS:
        scaled, _ = generate_query(statements=base_statements * factor)
        path = work / f"generated-scaling-{factor}x.asaql"
        path.write_text(scaled, encoding="utf-8")
        scaling_files.append((factor, str(path)))
    script = work / "throughput_child.py"
    script.write_text(CHILD_SCRIPT, encoding="utf-8")
    spec_path = work / "throughput_spec.json"
    spec_path.write_text(json.dumps({
        "runs": runs,
        "lark_runs": runs,
        "throughput_file": str(big),
        "grammar": str(GRAMMAR) if venv.lark_version else None,
        "scaling": scaling_files,
    }))
    log(f"throughput and scaling in {venv.python} ...")
    data = run_child_json(venv, script, spec_path, work, "throughput", reports_error=True)

    size = len(text.encode("utf-8")) / 1024
    analyze_s, parse_s = median(data["analyze"]), median(data["parse"])
    lark_s = median(data["lark"]) if "lark" in data else float("nan")
    throughput = {
        "method": "subprocess of the venv's python; time.perf_counter around each call; gc.collect() before each",
        "python": data["python"],
        "statements": count,
        "size_kb": size,
        "check": data["check"],
        "analyze_s": analyze_s, "analyze_kbs": size / analyze_s,
        "parse_s": parse_s, "parse_kbs": size / parse_s,
        "lark_s": lark_s, "lark_kbs": size / lark_s,
        "lark_runs": len(data.get("lark", [])),
        "lark_error": data.get("lark_error") or (None if venv.lark_version else venv.lark_error),
        "target_kbs": THROUGHPUT_TARGET_KBS,
        "runs": runs,
        "samples": {k: data[k] for k in ("analyze", "parse", "lark") if k in data},
    }
    rows = []
    for (factor, path), entry in zip(scaling_files, data["scaling"]):
        kb = Path(path).stat().st_size / 1024
        t, t_off = median(entry["times"]), median(entry["times_gc_off"])
        rows.append({"factor": factor, "statements": base_statements * factor, "size_kb": kb, "median_s": t,
                     "kbs": kb / t, "ms_per_kb": t * 1000 / kb, "outputs": entry["check"]["outputs"],
                     "gc_off_median_s": t_off, "gc_off_ms_per_kb": t_off * 1000 / kb,
                     "samples": entry["times"], "samples_gc_off": entry["times_gc_off"]})
    for row in rows:
        row["per_kb_ratio"] = row["ms_per_kb"] / rows[0]["ms_per_kb"]
    return {"throughput": throughput, "scaling": {"runs": runs, "rows": rows}}


# --------------------------------------------------------------------------- 5b. shapes

def select_list_query(items: int) -> str:
    """One SELECT ... INTO with `items` select items (casts, arithmetic, functions, CASE)."""
    forms = ("TRY_CAST(c{i} AS float) AS Col{i}", "c{i} * 2 + {i} AS Col{i}", "UPPER(s{i}) AS Col{i}",
             "CASE WHEN c{i} > {i} THEN 'hi' ELSE 'lo' END AS Col{i}", "CAST(c{i} AS bigint) AS Col{i}")
    select = ",\n".join("    " + forms[i % len(forms)].format(i=i) for i in range(items))
    return f"SELECT\n{select}\nINTO [wide-out]\nFROM [telemetry-in] TIMESTAMP BY EventTime\n"


def union_chain_query(selects: int) -> str:
    """One output fed by `selects` SELECTs joined by UNION ALL (the first has the INTO)."""
    parts = []
    for i in range(selects):
        into = "INTO [union-out] " if i == 0 else ""
        parts.append(f"SELECT DeviceId, TRY_CAST(Reading AS float) + {i} AS Reading, 'k{i}' AS Kind {into}"
                     f"FROM [telemetry-{i % 10}] WHERE Level > {i}")
    return "\nUNION ALL\n".join(parts) + "\n"


def nested_case_query(levels: int) -> str:
    """One select item that nests `levels` CASE expressions, each in the THEN of the one outside."""
    opening = "".join(f"CASE WHEN Reading > {i} THEN " for i in reversed(range(levels)))
    closing = "".join(f" ELSE {i} END" for i in range(levels))
    return f"SELECT DeviceId, {opening}0{closing} AS Deep\nINTO [deep-out]\nFROM [telemetry-in]\n"


# Runs in the venv's interpreter, after the generators above (their source is prepended).
SHAPES_CHILD = r'''
import gc, json, sys, time

import schemacheck

spec = json.load(open(sys.argv[1], encoding="utf-8"))
GENERATORS = {"select": select_list_query, "union": union_chain_query, "case": nested_case_query}


def attempt(text):
    """(accepted?, SC001 message or None, outputs) of one analyze()."""
    analysis = schemacheck.analyze(text)
    errors = [d for d in analysis.diagnostics if d.code == "SC001"]
    return not errors, (errors[0].message if errors else None), len(analysis.outputs)


def timed(text, runs):
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        schemacheck.analyze(text)
        times.append(time.perf_counter() - start)
    return times


out = {}
for key, base, runs_by_factor in spec["shapes"]:
    generate = GENERATORS[key]
    rows = []
    for factor, runs in runs_by_factor:
        n = base * factor
        text = generate(n)
        try:
            accepted, message, outputs = attempt(text)  # also the warm-up
            rows.append({"factor": factor, "n": n, "bytes": len(text.encode("utf-8")), "accepted": accepted,
                         "message": message, "outputs": outputs, "times": timed(text, runs)})
        except Exception as error:  # reported, not fatal: the other shapes still run
            rows.append({"factor": factor, "n": n, "bytes": len(text.encode("utf-8")), "accepted": False,
                         "message": f"{type(error).__name__}: {error}"[:300], "outputs": 0, "times": []})
    limit = None
    ok = [r["n"] for r in rows if r["accepted"]]
    bad = [r["n"] for r in rows if not r["accepted"]]
    if ok and bad and min(bad) > max(ok):
        # The largest size accepted, by bisection between the largest accepted and the smallest rejected.
        low, high = max(ok), min(bad)
        while high - low > 1:
            middle = (low + high) // 2
            try:
                fine = attempt(generate(middle))[0]
            except Exception:
                fine = False
            low, high = (middle, high) if fine else (low, middle)
        limit = low
        text = generate(low)
        rows.append({"factor": low / base, "n": low, "bytes": len(text.encode("utf-8")), "accepted": True,
                     "message": None, "outputs": attempt(text)[2], "times": timed(text, runs_by_factor[-1][1]),
                     "limit": True})
    out[key] = {"rows": rows, "limit": limit}
print(json.dumps(out))
'''


def measure_shapes(venv: Venv, runs: int, heavy_runs: int, work: Path, log) -> dict:
    """analyze() on the three shapes at 1x/10x/100x, in a subprocess of the venv's python; for
    a shape the tool rejects (SC001) at some size, the largest size it accepts, found by bisection."""
    script = work / "shapes_child.py"
    script.write_text("\n\n".join(inspect.getsource(f) for f in (select_list_query, union_chain_query,
                                                                  nested_case_query)) + SHAPES_CHILD,
                      encoding="utf-8")
    light = min(runs, 5)
    spec = {"shapes": [(key, base, [(1, light), (10, light), (100, heavy_runs)]) for key, _, _, base in SHAPES]}
    spec_path = work / "shapes_spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    log(f"scaling shapes in {venv.python} ({light} runs at 1x and 10x, {heavy_runs} at 100x) ...")
    data = run_child_json(venv, script, spec_path, work, "shapes")
    shapes = []
    for key, title, unit, base in SHAPES:
        rows = data[key]["rows"]
        first = rows[0]
        base_per_unit = median(first["times"]) / first["n"] if first["accepted"] and first["times"] else float("nan")
        for row in rows:
            t = median(row["times"]) if row["times"] else float("nan")
            row["median_s"] = t
            row["ms_per_unit"] = t * 1000 / row["n"]
            row["per_unit_ratio"] = (t / row["n"]) / base_per_unit
            row["superlinear"] = bool(row["accepted"] and row["per_unit_ratio"] > SUPERLINEAR_RATIO)
        accepted = [r for r in rows if r["accepted"]]
        largest = max(accepted, key=lambda r: r["n"]) if accepted else None
        shapes.append({"key": key, "title": title, "unit": unit, "base": base, "rows": rows,
                       "limit": data[key]["limit"],
                       "rejected": [{"n": r["n"], "message": r["message"]} for r in rows if not r["accepted"]],
                       "largest_accepted": largest["n"] if largest else None,
                       "largest_ratio": largest["per_unit_ratio"] if largest else float("nan"),
                       "superlinear": any(r["superlinear"] for r in rows)})
    return {"runs": light, "heavy_runs": heavy_runs, "shapes": shapes}


# --------------------------------------------------------------------------- 6. many files

def write_many_files(folder: Path, count: int, query: Path) -> list[str]:
    """`count` variations of `query` (its thresholds and window replaced by the index) in
    `folder`, with a schemacheck.toml and a copy of the schemas/ beside it; their names."""
    folder.mkdir()
    shutil.copytree(query.parent / "schemas", folder / "schemas")
    (folder / "schemacheck.toml").write_text(MANY_CONFIG, encoding="utf-8")
    text = query.read_text(encoding="utf-8")
    for literal in ("> 95", "> 110", "TumblingWindow(minute, 5)"):
        if literal not in text:
            raise BenchError(f"the sample no longer holds {literal!r}: change write_many_files in benchmarks/run.py")
    names = []
    for i in range(count):
        variant = (text.replace("> 95", f"> {i}").replace("> 110", f"> {i + 15}")
                   .replace("TumblingWindow(minute, 5)", f"TumblingWindow(minute, {1 + i % 60})"))
        name = f"q{i:04d}.asaql"
        (folder / name).write_text(variant, encoding="utf-8")
        names.append(name)
    return names


# The machine's own parallel speed-up, the baseline of the workers' figure: N forked processes
# each spinning a fixed pure-Python loop against one doing the same (N = usable cores). On a
# VM whose vCPUs share physical cores this is well under N, and no worker pool can beat it.
CPU_SPIN = r"""
import os, sys
def spin():
    x = 0
    for i in range(6_000_000):
        x += i * i
pids = []
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        spin()
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
"""


def measure_many_files(venv: Venv, runs: int, work: Path, query: Path, log) -> dict:
    """`check --no-cache` of 1, 100 (--jobs 1) and 1,000 files (--jobs 1 and the default), and the
    cached re-check of the 1,000, all alternated with python -c pass in one loop. Each count
    has a folder of its own holding just those files (f1/, f100/, f1000/, each with its
    schemacheck.toml and schemas/), so that work done per file for each name in its folder
    shows as growth from 100 to 1,000 files."""
    root = work / "many"
    root.mkdir()
    # The top of a git work tree, as a checkout in CI is: the walk up to find each file's
    # project stops here. Without it the walk lists every folder up to / (the temp folder
    # included), and the cached answer is dropped whenever any process adds a file there.
    (root / ".git").mkdir()
    folders = {count: f"f{count}" for count in (1, MANY_MIDDLE, MANY_FILES)}
    names = {count: [f"{folder}/{name}" for name in write_many_files(root / folder, count, query)]
             for count, folder in folders.items()}
    cache_dir = work / "cache-many"
    cache_dir.mkdir()
    sc = str(venv.schemacheck)
    probe = probe_report_command([sc, "check", "--no-cache", names[1][0]], root, "`schemacheck check` of one file")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    commands = {
        "python -c pass": [str(venv.python), "-c", "pass"],
        "1 file": [sc, "check", "--no-cache", names[1][0]],
        f"{MANY_MIDDLE} files, --jobs 1": [sc, "check", "--no-cache", "--jobs", "1", *names[MANY_MIDDLE]],
        f"{MANY_FILES} files, --jobs 1": [sc, "check", "--no-cache", "--jobs", "1", *names[MANY_FILES]],
        # workers are not the default (one process is): ask for one per core
        f"{MANY_FILES} files, default jobs": [sc, "check", "--no-cache", "--jobs", str(cores),
                                              *names[MANY_FILES]],
        f"{MANY_FILES} files, cached": [sc, "check", *names[MANY_FILES]],
    }
    if hasattr(os, "fork") and cores > 1:
        commands["cpu-bound x1"] = [str(venv.python), "-c", CPU_SPIN, "1"]
        commands[f"cpu-bound x{cores}"] = [str(venv.python), "-c", CPU_SPIN, str(cores)]
    cached = f"{MANY_FILES} files, cached"
    log(f"{MANY_FILES} files: {runs} runs x {len(commands)} commands after 1 warm-up round ...")
    samples = time_interleaved(commands, runs, root, warmup=1, envs={cached: child_env(cache_dir)},
                               watch={cached: cache_dir})
    medians = {label: median(times) for label, times in samples.items()}
    hits = samples.hits[cached]
    replayed = [t for t, hit in zip(samples[cached], hits) if hit]
    if replayed:
        medians[cached] = median(replayed)
    bad = {label: codes for label, codes in samples.codes.items() if label != "python -c pass"
           and any(code not in (0, 1) for code in codes)}
    if bad:
        raise BenchError(f"schemacheck check of the generated files failed: exit codes {bad}")
    one, middle = medians["1 file"], medians[f"{MANY_MIDDLE} files, --jobs 1"]
    serial, parallel = medians[f"{MANY_FILES} files, --jobs 1"], medians[f"{MANY_FILES} files, default jobs"]
    machine = (cores * medians["cpu-bound x1"] / medians[f"cpu-bound x{cores}"]
               if f"cpu-bound x{cores}" in medians else float("nan"))
    return {
        "runs": runs,
        "files": MANY_FILES,
        "middle": MANY_MIDDLE,
        "folder_note": "variations of the ADX-only sample (thresholds and window from the index), schemacheck.toml + schemas/",
        "cmd": f"cd <tmp>/many && {sc} check --no-cache [--jobs 1] f{MANY_FILES}/q0000.asaql ... "
               f"f{MANY_FILES}/q{MANY_FILES - 1:04d}.asaql",
        "single_summary": probe.stdout.strip().splitlines()[-1],
        "cores": cores,
        "medians": medians,
        "rss": {label: median_rss(values) for label, values in samples.rss.items()},
        "exit_codes": {label: sorted(set(codes)) for label, codes in samples.codes.items()},
        "cached_hits": sum(hits),
        "per_file_serial_s": serial / MANY_FILES,
        "per_file_parallel_s": parallel / MANY_FILES,
        "per_file_ratio": (serial / MANY_FILES) / one,
        "marginal_small_s": (middle - one) / (MANY_MIDDLE - 1),
        "marginal_large_s": (serial - middle) / (MANY_FILES - MANY_MIDDLE),
        "marginal_ratio": ((serial - middle) / (MANY_FILES - MANY_MIDDLE)) / ((middle - one) / (MANY_MIDDLE - 1)),
        "single_net_s": one - medians["python -c pass"],
        "speedup_workers": serial / parallel,
        "machine_speedup": machine,
        "machine_cmd": f"python -c <fork {cores} processes, each a fixed pure-Python loop> against 1",
        "target_s": MANY_TARGET_S,
        "samples": samples,
        "rss_samples": samples.rss,
    }


def measure_big_check(venv: Venv, runs: int, work: Path, big: Path, log) -> dict:
    """The CLI on the generated throughput query: `check --no-cache <500 KB file>`, wall time and
    peak RSS, alternated with python -c pass."""
    check = [str(venv.schemacheck), "check", "--no-cache", str(big)]
    probe = probe_report_command(check, work, "`schemacheck check` of the generated query")
    log(f"check of the {big.stat().st_size // 1024} KB query, {runs} runs ...")
    samples = time_interleaved({"python -c pass": [str(venv.python), "-c", "pass"], "check": check}, runs, work,
                               warmup=0)
    t = median(samples["check"])
    return {
        "runs": runs,
        "cmd": " ".join(check),
        "size_kb": big.stat().st_size / 1024,
        "exit_code": probe.returncode,
        "summary": probe.stdout.strip().splitlines()[-1],
        "baseline_s": median(samples["python -c pass"]),
        "check_s": t,
        "kbs": big.stat().st_size / 1024 / t,
        "baseline_rss": median_rss(samples.rss["python -c pass"]),
        "check_rss": median_rss(samples.rss["check"]),
        "samples": samples,
        "rss_samples": samples.rss,
    }


# --------------------------------------------------------------------------- 8. SQL outputs

def sql_modules(imports: dict) -> dict:
    """What of the SQL path an import profile holds: sqlglot's and schemacheck.sql's modules."""
    return {"sqlglot": imports["watched"]["sqlglot"]["modules"],
            "schemacheck.sql": imports["watched"]["schemacheck.sql"]["modules"]}


def measure_sql_outputs(venv: Venv, runs: int, work: Path, copies: SampleCopies, adx_only_imports: dict) -> dict:
    """What the SQL path costs: the cold check of the sample with its SQL output against the
    same of its ADX-only copy, and the cached check of the former, alternated with python -c
    pass in one loop; then the import profiles of the former, cold and cached.

    `adx_only_imports` is the profile of the ADX-only cold check (section 2): without a SQL
    output neither sqlglot nor schemacheck.sql may be imported.
    """
    sc = str(venv.schemacheck)
    labels = {"baseline": "python -c pass", "adx": "check, ADX outputs only", "sql": "check, with SQL output",
              "cached": "check, with SQL output, cached"}
    cache_dir = work / "cache-sql-sample"
    cache_dir.mkdir()
    commands = {labels["baseline"]: [str(venv.python), "-c", "pass"],
                labels["adx"]: [sc, "check", "--no-cache", str(copies.adx_only)],
                labels["sql"]: [sc, "check", "--no-cache", str(copies.with_sql)],
                labels["cached"]: [sc, "check", str(copies.with_sql)]}
    probe = probe_report_command(commands[labels["sql"]], work, "`schemacheck check` of the sample with its SQL output")
    if SQL_OUTPUT not in probe.stdout:
        raise BenchError(f"`schemacheck check` of the sample does not report its SQL output {SQL_OUTPUT}")
    sql_line = next((line.strip() for line in probe.stdout.splitlines() if line.strip().startswith(SQL_OUTPUT)), "")
    samples = time_interleaved(commands, runs, work, envs={labels["cached"]: child_env(cache_dir)},
                               watch={labels["cached"]: cache_dir})
    medians = {key: median(samples[label]) for key, label in labels.items()}
    hits = samples.hits[labels["cached"]]
    replayed = [t for t, hit in zip(samples[labels["cached"]], hits) if hit]
    if replayed:
        medians["cached"] = median(replayed)
    profile_runs = min(IMPORTTIME_RUNS, runs)
    sql_imports = measure_importtime(venv, work, profile_runs, copies.with_sql, "check", SQL_CHECK_WATCH)
    cached_imports_dir = work / "cache-sql-importtime"
    cached_imports_dir.mkdir()
    cached_imports = measure_importtime(venv, work, profile_runs, copies.with_sql, "check", CACHED_WATCH,
                                        cache_dir=cached_imports_dir)
    adx_sql_modules = sql_modules(adx_only_imports)
    return {
        "runs": runs,
        "commands": {key: " ".join(commands[label]) for key, label in labels.items()},
        "cached_cache_dir": str(cache_dir),
        "sql_output_line": sql_line,
        "sql_summary": probe.stdout.strip().splitlines()[-1],
        "exit_codes": {key: sorted(set(samples.codes[label])) for key, label in labels.items()},
        "baseline_s": medians["baseline"],
        "adx_only_s": medians["adx"],
        "with_sql_s": medians["sql"],
        "cached_s": medians["cached"],
        "cached_hits": sum(hits),
        # What the SQL path costs: the job with its SQL output over the same job without it.
        "sql_over_adx_only": medians["sql"] / medians["adx"],
        "sql_net_s": medians["sql"] - medians["adx"],
        "adx_only_ratio": medians["adx"] / medians["baseline"],
        "with_sql_ratio": medians["sql"] / medians["baseline"],
        "cached_ratio": medians["cached"] / medians["baseline"],
        "rss": {key: median_rss(samples.rss[label]) for key, label in labels.items()},
        "with_sql_importtime": sql_imports,
        "cached_importtime": cached_imports,
        "adx_only_imports": {"cmd": adx_only_imports["cmd"], "module_count": adx_only_imports["module_count"],
                             "total_us": adx_only_imports["total_us"], "sql_modules": adx_sql_modules,
                             "full_profile_in": "check_importtime"},
        # The rule: the SQL path costs nothing when no SQL output is present.
        "adx_only_free_of_sql_path": not any(adx_sql_modules.values()),
        "cached_imports_sqlglot": bool(sql_modules(cached_imports)["sqlglot"]),
        "samples": samples,
        "rss_samples": samples.rss,
    }


# --------------------------------------------------------------------------- report

def print_imports(imp: dict, command: str) -> None:
    """The -X importtime table of one command and the line on the watched modules."""
    print(f"\n   imports of the {command}  (python -X importtime, median of {imp['runs']} runs; "
          f"{imp['module_count']} modules, {imp['total_us'] / 1000:.1f} ms in imports in total)")
    print(f"     {'cumulative':>10}  {'self':>8}  module")
    for row in imp["top"]:
        print(f"     {row['cumulative_us'] / 1000:>7.2f} ms  {row['self_us'] / 1000:>5.2f} ms  {row['module']}")
    parts, surprises = [], 0
    for name, w in imp["watched"].items():
        if w["imported"]:
            text = f"{name}: IMPORTED"
            if w["cumulative_us"] is not None:
                text += f" ({w['cumulative_us'] / 1000:.1f} ms)"
            text += " as expected" if w["expected"] else f" UNEXPECTED ({', '.join(w['modules'][:3])})"
        else:
            text = f"{name}: not imported" + ("" if not w["expected"] else " (EXPECTED to be)")
        surprises += w["imported"] != w["expected"]
        parts.append(text)
    print(f"   imported on the {command} path?  " + "   ".join(parts))
    print("     " + ("all as expected" if not surprises else f"{surprises} NOT as expected")
          + "; expected: " + (", ".join(n for n, w in imp["watched"].items() if w["expected"]) or "none of them"))
    print(f"     measured: {imp['cmd']}")


def print_report(results: dict) -> None:
    meta = results["meta"]
    rule = "=" * 100
    print()
    print(rule)
    print(f"schemacheck benchmarks   {meta['date']}   Python {meta['python_version']}   {meta['platform']}   "
          f"{meta['cpus']} CPUs")
    print(f"  venv: {meta['venv']}   (non-editable install: {meta['package_dir']})")
    print(f"  lark in venv: {meta['lark_version'] or 'not installed'}   pydantic_core: "
          f"{meta['pydantic_core_version']}")
    print(f"  <ADX-only sample>: a copy of {meta['sample']} without its SQL output {SQL_OUTPUT} (sections 1, 2, 6, 7;"
          f" comparable with runs from before the sample had it): {meta['adx_only_sample']}")
    print(f"    its cold check: \"{meta['adx_only_summary'].rsplit(': ', 1)[-1]}\" (exit 1, its ADX findings); "
          f"section 8 also checks an unchanged copy: {meta['with_sql_sample']}")
    print("  all figures are medians; ratios are against the baseline named in each section")
    print(rule)

    cold = results["cold_start"]
    print(f"\n1. COLD START  (subprocess wall time, output to DEVNULL, {cold['runs']} runs each, "
          f"the two commands alternated)")
    print(f"   {'baseline: python -c pass':<50}{fmt_time(cold['baseline_s']):>10}   1.00x")
    verdict = "meets" if cold["ratio"] <= COLD_TARGET_RATIO else "MISSES"
    print(f"   {'schemacheck infer --no-cache <ADX-only sample>':<50}{fmt_time(cold['infer_s']):>10}   {fmt_ratio(cold['ratio'])}"
          f" of python -c pass   (target <= {COLD_TARGET_RATIO:g}x: {verdict})")
    print(f"     baseline: {cold['baseline_cmd']}")
    print(f"     measured: {cold['infer_cmd']}")
    imp = results["importtime"]
    print_imports(imp, "cold infer")

    check = results["check_cold"]
    print(f"\n2. CHECK COMMAND  (subprocess wall time, output to DEVNULL, {check['runs']} runs each, "
          f"the three commands alternated)")
    print(f"   {'baseline: python -c pass':<50}{fmt_time(check['baseline_s']):>10}   1.00x")
    verdict = "meets" if check["ratio"] <= CHECK_TARGET_RATIO else "MISSES"
    print(f"   {'schemacheck check --no-cache <ADX-only sample>':<50}{fmt_time(check['check_s']):>10}   {fmt_ratio(check['ratio'])}"
          f" of python -c pass   (target <= {CHECK_TARGET_RATIO:g}x: {verdict})")
    verdict = "meets" if check["cached_ratio"] <= CACHED_TARGET_RATIO else "MISSES"
    print(f"   {'schemacheck check <ADX-only sample>  (cached)':<50}{fmt_time(check['cached_s']):>10}   "
          f"{fmt_ratio(check['cached_ratio'])} of python -c pass   (target <= {CACHED_TARGET_RATIO:g}x: {verdict})")
    print(f"     baseline: {check['baseline_cmd']}")
    print(f"     measured: {check['check_cmd']}")
    print(f"     cached:   {check['cached_cmd']}")
    print(f"     (exit {check['check_exit_code']}, as the sample has ADX findings: \"{check['check_summary']}\"; "
          f"the cached runs exit {', '.join(map(str, check['cached_exit_codes']))})")
    hits, runs = check["cached_hits"], check["runs"]
    print(f"     cached answer replayed in {hits} of {runs} timed runs" + (
        "" if hits == runs else f" (the median is of the {hits} replays)" if hits else
        " -- NO REPLAY: the figure is of runs that checked again") + "; the cache folder was filled by the "
          "first of the untimed warm-up rounds")
    fluff = results["sqlfluff"]
    if "skipped" in fluff:
        print(f"\n   against sqlfluff: skipped ({fluff['skipped']})")
    else:
        print(f"\n   against sqlfluff {fluff['version']}  (own venv; {fluff['runs']} runs each after "
              f"{fluff['warmup']} warm-up round, the two commands alternated; exit codes ignored)")
        print(f"   {'baseline: sqlfluff lint --dialect ' + SQLFLUFF_DIALECT + ' <ADX-only sample>':<50}"
              f"{fmt_time(fluff['sqlfluff_s']):>10}   1.00x")
        verdict = "meets" if fluff["speedup"] >= SQLFLUFF_TARGET_SPEEDUP else "MISSES"
        print(f"   {'schemacheck check --no-cache <ADX-only sample>':<50}{fmt_time(fluff['check_s']):>10}   "
              f"{fluff['speedup']:.1f}x faster than sqlfluff   (target >= {SQLFLUFF_TARGET_SPEEDUP:g}x: {verdict})")
        print(f"     baseline: {fluff['cmd']}")
        print(f"     (sqlfluff: {fluff['violations']} violations, {fluff['unparsable_sections']} of them "
              f"unparsable sections (PRS), exit {fluff['exit_code']}; --config sets sql_file_exts = .asaql, "
              f"without it sqlfluff skips the file)")
    glot = results["sqlglot"]
    if "skipped" in glot:
        print(f"\n   against sqlglot: skipped ({glot['skipped']})")
    else:
        print(f"\n   against sqlglot {glot['version']} parsing the text as T-SQL  (fresh process each, cold; "
              f"sqlfluff's venv; {glot['runs']} runs each, alternated with the cold check and python -c pass)")
        print(f"   {'baseline: python -c pass':<50}{fmt_time(glot['baseline_s']):>10}")
        print(f"   {'schemacheck check --no-cache <ADX-only sample>':<50}{fmt_time(glot['check_s']):>10}   "
              f"{fmt_ratio(glot['check_s'] / glot['baseline_s'])} of python -c pass")
        for row in glot["rows"]:
            label = "sqlglot.parse(<ADX-only sample>, read='tsql')" if row["key"] == "sample" else \
                "sqlglot.parse(<simplified>, read='tsql')"
            print(f"   {label:<50}{fmt_time(row['median_s']):>10}   check is {row['speedup']:.1f}x faster"
                  f"   parses: {row['parses']}")
        print(f"     sqlglot:  {glot['rows'][0]['cmd']}")
        if glot["simplifications"]:
            print(f"     sqlglot cannot parse the ASA sample, so it is also timed on a simplified T-SQL variant "
                  f"({'; '.join(glot['simplifications'])}); sqlglot only parses: it infers no types and "
                  f"reads no schema")
    print_imports(results["check_importtime"], "cold check")
    print_imports(results["cached_importtime"], "cached check")

    grammar = results["grammar_loading"]
    print(f"\n3. GRAMMAR LOADING  (fresh subprocess of the venv's python each, {grammar['runs']} runs, all "
          f"interleaved; 'net' = minus python -c pass)")
    print(f"   {'':<3}{'strategy':<58}{'median':>10}{'net':>11}{'ratio':>9}")
    for row in grammar["rows"]:
        key = "" if row["key"] == "baseline" else row["key"] + "."
        print(f"   {key:<3}{row['label']:<58}{fmt_time(row['median_s']):>10}{fmt_time(row['net_s']):>11}"
              f"{fmt_ratio(row['ratio']):>9}")
        if row["key"] != "baseline" and row["cmd"]:
            cmd = f"python {row['cmd']}"
            print(f"        {cmd}" if len(cmd) <= 110 else f"        {cmd[:107]}...")
        if row["note"]:
            print(f"        ({row['note']})")
    print("   ratio = median / median of python -c pass")

    tp = results["throughput"]
    print(f"\n4. THROUGHPUT  (generated query: {tp['size_kb']:.0f} KB, {tp['statements']} statements, "
          f"{tp['check']['outputs']} outputs, no SC001; {tp['runs']} runs)")
    print(f"   method: {tp['method']}")
    print(f"   {'':<56}{'median':>10}{'KB/s':>10}   ratio")
    verdict = "meets" if tp["analyze_kbs"] >= THROUGHPUT_TARGET_KBS else "MISSES"
    lark_kbs = tp["lark_kbs"]
    print(f"   {'baseline: Lark LALR parse (contextual lexer, Tree)':<56}{fmt_time(tp['lark_s']):>10}"
          f"{fmt_rate(lark_kbs):>10}   1.00x" + (f"   ({tp['lark_runs']} runs)" if tp["lark_runs"] else
                                         f"   (not measured: {tp['lark_error']})"))
    print(f"   {'schemacheck parse_query() (parse only)':<56}{fmt_time(tp['parse_s']):>10}{fmt_rate(tp['parse_kbs']):>10}"
          f"   {fmt_ratio(tp['parse_kbs'] / lark_kbs)} of Lark's KB/s")
    print(f"   {'schemacheck.analyze() (parse + infer)':<56}{fmt_time(tp['analyze_s']):>10}"
          f"{fmt_rate(tp['analyze_kbs']):>10}   {fmt_ratio(tp['analyze_kbs'] / lark_kbs)} of Lark's KB/s"
          f"   (target >= {THROUGHPUT_TARGET_KBS:g} KB/s: {verdict})")
    print("   diagnostics on the generated query: "
          + (", ".join(f"{code} x{n}" for code, n in sorted(tp["check"]["diagnostics"].items())) or "none"))
    big = results["big_check"]
    print(f"\n   the command line on the same file: schemacheck check --no-cache <{big['size_kb']:.0f} KB query>  "
          f"({big['runs']} runs, alternated with python -c pass)")
    print(f"   {'schemacheck check --no-cache <generated query>':<56}{fmt_time(big['check_s']):>10}"
          f"{fmt_rate(big['kbs']):>10}   {fmt_ratio(big['kbs'] / tp['analyze_kbs'])} of analyze()'s KB/s   "
          f"peak RSS {fmt_mb(big['check_rss'])}")
    print(f"     (exit {big['exit_code']}: \"{big['summary'].rsplit(': ', 1)[-1]}\"; the rest of the time is finding "
          f"the project, mapping and comparing {tp['check']['outputs']} outputs and printing their findings)")

    sc = results["scaling"]
    print(f"\n5. SCALING  (schemacheck.analyze() on 1x/10x/100x a ~5 KB generated query, same subprocess, "
          f"{sc['runs']} runs; baseline: the 1x time per KB)")
    print(f"   {'factor':<8}{'statements':>11}{'size':>11}{'median':>11}{'KB/s':>9}{'ms/KB':>9}{'ms/KB ratio':>13}"
          f"{'ms/KB, gc off':>16}")
    for row in sc["rows"]:
        print(f"   {str(row['factor']) + 'x':<8}{row['statements']:>11}{row['size_kb']:>8.1f} KB{fmt_time(row['median_s']):>11}"
              f"{row['kbs']:>9.0f}{row['ms_per_kb']:>9.3f}{fmt_ratio(row['per_kb_ratio']):>13}"
              f"{row['gc_off_ms_per_kb']:>16.3f}")
    print("   'gc off': the same runs with gc.disable() around each call, to tell the cyclic GC's share "
          "from the code's own scaling")
    shapes = results["shapes"]
    print(f"\n   shapes that would expose a quadratic path  (analyze(), same kind of subprocess; "
          f"{shapes['runs']} runs at 1x and 10x, {shapes['heavy_runs']} at 100x; baseline: the 1x time per unit; "
          f"SUPERLINEAR if > {SUPERLINEAR_RATIO:g}x)")
    print(f"   {'shape':<18}{'factor':>7}{'units':>9}{'size':>11}{'median':>11}{'ms/unit':>10}{'ratio':>9}   note")
    for shape in shapes["shapes"]:
        for row in shape["rows"]:
            factor = f"{row['factor']:.1f}x" if row.get("limit") else f"{row['factor']:g}x"
            if not row["accepted"]:
                note = f"REJECTED: {row['message']}"
            elif row.get("limit"):
                note = f"the deepest accepted (bisection): {row['n']} {shape['unit']}s"
            else:
                note = "SUPERLINEAR" if row["superlinear"] else ""
            print(f"   {shape['title']:<18}{factor:>7}{row['n']:>9}{row['bytes'] / 1024:>8.0f} KB"
                  f"{fmt_time(row['median_s']):>11}{row['ms_per_unit']:>10.4f}{fmt_ratio(row['per_unit_ratio']):>9}"
                  f"   {note}")
    print("   units: select items / SELECTs in the chain / CASE levels; 'ratio' = ms per unit over the 1x ms per "
          "unit (for a rejected size: the time to reject)")
    print_many_files(results["many_files"])
    print_memory(results)
    print_sql_outputs(results["sql_outputs"])
    audit = meta["cache_audit"]
    print(f"\ncache audit: every cold command passed --no-cache; the default cache folder of the runs "
          f"holds {audit['entries_written']} entries afterwards "
          + ("(none: no cold run was a replay)" if not audit["entries_written"] else "-- SOME RUN WROTE TO IT"))
    print("\nSUMMARY  (medians; every baseline measured in the same run, on the same files; Markdown, for README.md)\n")
    print(results["summary_markdown"], end="")
    missed = [row[0] for row in results["summary"] if row[5] == "**no**"]
    print("\n" + (f"{len(missed)} target(s) missed: " + "; ".join(missed) if missed else "every target met"))
    print(f"\n(total benchmark time {results['meta']['elapsed_s']:.0f} s)")


def print_many_files(many: dict) -> None:
    m, rss = many["medians"], many["rss"]
    n, middle = many["files"], many["middle"]
    print(f"\n6. MANY FILES  (variations of the ADX-only sample; 1, {middle} and {n:,} of them each in a folder of their own "
          f"with schemacheck.toml and a copy of its schemas/; {many['runs']} runs each after 1 warm-up round "
          f"that also fills the cache, all alternated)")
    print(f"   {'command':<50}{'median':>10}{'per file':>11}{'peak RSS':>11}   note")
    rows = [
        ("python -c pass", "baseline: python -c pass", None, ""),
        ("1 file", "check --no-cache f1/q0000.asaql", 1, f"the single-file cold check ({many['single_summary']})"),
        (f"{middle} files, --jobs 1", f"check --no-cache --jobs 1 <{middle} files>", middle, ""),
        (f"{n} files, --jobs 1", f"check --no-cache --jobs 1 <{n:,} files>", n,
         f"target < {many['target_s']:g} s: {'meets' if m[f'{n} files, --jobs 1'] < many['target_s'] else 'MISSES'}"),
        (f"{n} files, default jobs", f"check --no-cache --jobs N <{n:,} files>  (a worker per core)", n,
         f"{many['speedup_workers']:.2f}x the speed of --jobs 1 ({many['cores']} cores); target < "
         f"{many['target_s']:g} s: {'meets' if m[f'{n} files, default jobs'] < many['target_s'] else 'MISSES'}"),
        (f"{n} files, cached", f"check <{n:,} files>  (cached)", n,
         f"replayed in {many['cached_hits']} of {many['runs']} runs; "
         f"{fmt_ratio(m[f'{n} files, cached'] / m['python -c pass'])} of python -c pass"),
    ]
    for label, text, files, note in rows:
        per_file = fmt_time(m[label] / files) if files else ""
        print(f"   {text:<50}{fmt_time(m[label]):>10}{per_file:>11}{fmt_mb(rss[label]):>11}   {note}")
    if many["machine_speedup"] == many["machine_speedup"]:
        cores = many["cores"]
        print(f"   the machine's own parallel speed-up (baseline of the workers' figure): {cores} CPU-bound "
              f"processes at once do {many['machine_speedup']:.2f}x the work of one in the same time "
              f"({fmt_time(m[f'cpu-bound x{cores}'])} for {cores}x the work, {fmt_time(m['cpu-bound x1'])} for 1x); "
              f"the workers reach {fmt_ratio(many['speedup_workers'] / many['machine_speedup'])} of it")
    print(f"   time per file in the {n:,}-file check (--jobs 1): {fmt_time(many['per_file_serial_s'])}, "
          f"{fmt_ratio(many['per_file_ratio'])} of the single-file cold check ({fmt_time(m['1 file'])}, of which "
          f"{fmt_time(many['single_net_s'])} above python -c pass)")
    verdict = "linear" if many["marginal_ratio"] <= SUPERLINEAR_RATIO else "SUPERLINEAR"
    print(f"   each further file costs {fmt_time(many['marginal_small_s'])} from 1 to {middle} files and "
          f"{fmt_time(many['marginal_large_s'])} from {middle} to {n:,} (ratio {fmt_ratio(many['marginal_ratio'])}: "
          f"{verdict})")
    print(f"     measured: {many['cmd']}")


def print_memory(results: dict) -> None:
    """Peak RSS of the commands, from the timed runs above (os.wait4 via a small wrapper)."""
    check, big, many = results["check_cold"], results["big_check"], results["many_files"]
    n = many["files"]
    print("\n7. PEAK MEMORY  (max RSS of the command, from the timed runs above: os.wait4 in a small wrapper "
          "process; with workers, the largest single process; MB = 10^6 bytes; median of the runs)")
    print(f"   {'command':<66}{'peak RSS':>11}   ratio")
    rows = [("baseline: python -c pass", check["baseline_rss"], check["baseline_rss"]),
            ("schemacheck infer --no-cache <ADX-only sample>", results["cold_start"]["infer_rss"],
             results["cold_start"]["baseline_rss"]),
            ("schemacheck check --no-cache <ADX-only sample>  (cold single file)", check["check_rss"],
             check["baseline_rss"]),
            ("schemacheck check <ADX-only sample>  (cached)", check["cached_rss"], check["baseline_rss"]),
            (f"schemacheck check --no-cache <{big['size_kb']:.0f} KB query>", big["check_rss"], big["baseline_rss"]),
            (f"schemacheck check --no-cache --jobs 1 <{n:,} files>", many["rss"][f"{n} files, --jobs 1"],
             many["rss"]["python -c pass"]),
            (f"schemacheck check --no-cache <{n:,} files>  (workers)", many["rss"][f"{n} files, default jobs"],
             many["rss"]["python -c pass"]),
            (f"schemacheck check <{n:,} files>  (cached)", many["rss"][f"{n} files, cached"],
             many["rss"]["python -c pass"])]
    for label, value, base in rows:
        print(f"   {label:<66}{fmt_mb(value):>11}   {fmt_ratio(value / base) if value and base else 'n/a'}")


def print_sql_outputs(sql: dict) -> None:
    print(f"\n8. SQL OUTPUTS  (the sample with its Azure SQL Database output {SQL_OUTPUT} against its ADX-only copy; "
          f"subprocess wall time, output to DEVNULL, {sql['runs']} runs each, the four commands alternated)")
    print(f"   {'command':<58}{'median':>10}{'ratio':>9}{'vs ADX-only':>13}{'peak RSS':>11}")
    rows = (("baseline: python -c pass", "baseline", sql["baseline_s"]),
            ("schemacheck check --no-cache <ADX-only sample>", "adx", sql["adx_only_s"]),
            ("schemacheck check --no-cache <sample with its SQL output>", "sql", sql["with_sql_s"]),
            ("schemacheck check <sample with its SQL output>  (cached)", "cached", sql["cached_s"]))
    for label, key, seconds in rows:
        against_adx = "" if key == "baseline" else fmt_ratio(seconds / sql["adx_only_s"])
        print(f"   {label:<58}{fmt_time(seconds):>10}{fmt_ratio(seconds / sql['baseline_s']):>9}{against_adx:>13}"
              f"{fmt_mb(sql['rss'][key]):>11}")
    print(f"   ratio = median / median of python -c pass. The SQL path costs {fmt_ratio(sql['sql_over_adx_only'])} "
          f"the ADX-only check, {fmt_time(sql['sql_net_s'])} more (reading the DDL with sqlglot, comparing "
          f"one more output)")
    print(f"     {sql['sql_output_line']}")
    print(f"     exit codes: ADX-only {sql['exit_codes']['adx']}, with SQL output {sql['exit_codes']['sql']} "
          f"(\"{sql['sql_summary'].rsplit(': ', 1)[-1]}\"), cached {sql['exit_codes']['cached']}; cached answer "
          f"replayed in {sql['cached_hits']} of {sql['runs']} timed runs")
    for key in ("adx", "sql", "cached"):
        print(f"     {key + ':':<8}{sql['commands'][key]}")
    with_sql, adx = sql["with_sql_importtime"], sql["adx_only_imports"]
    glot = with_sql["watched"]["sqlglot"]
    print(f"\n   the SQL path's imports: the cold check with the SQL output imports {with_sql['module_count']} modules in "
          f"{with_sql['total_us'] / 1000:.1f} ms, the ADX-only one {adx['module_count']} in "
          f"{adx['total_us'] / 1000:.1f} ms (section 2's profile): {with_sql['module_count'] - adx['module_count']:+d} "
          f"modules, {(with_sql['total_us'] - adx['total_us']) / 1000:+.1f} ms; sqlglot alone "
          + (f"{glot['cumulative_us'] / 1000:.1f} ms" if glot["cumulative_us"] is not None else "n/a"))
    found = [f"{root} ({len(modules)} modules)" for root, modules in adx["sql_modules"].items() if modules]
    verdict = "met" if sql["adx_only_free_of_sql_path"] else "NOT MET"
    print(f"   a job without SQL outputs imports neither sqlglot nor schemacheck.sql: {verdict}"
          + (f" (imported: {', '.join(found)})" if found else " (the ADX-only cold check imports neither)"))
    print("   the cached check of the job with the SQL output imports sqlglot: "
          + ("YES -- the replay analyses" if sql["cached_imports_sqlglot"] else "no (the result cache replays)"))
    print("   schemacheck.sql modules of the cold check with the SQL output: "
          + (", ".join(with_sql["watched"]["schemacheck.sql"]["modules"]) or "none"))
    print_imports(with_sql, "cold check with the SQL output")
    print_imports(sql["cached_importtime"], "cached check with the SQL output")


def summary_rows(results: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(metric, value, baseline, ratio, target, meets?) for the summary table."""
    rows = []

    def meets(ok) -> str:
        return "—" if ok is None else "yes" if ok else "**no**"

    cold, check = results["cold_start"], results["check_cold"]
    rows.append(("`schemacheck infer --no-cache` on the sample (ADX outputs only), cold", fmt_time(cold["infer_s"]),
                 f"`python -c pass` {fmt_time(cold['baseline_s'])}", fmt_ratio(cold["ratio"]),
                 f"≤ {COLD_TARGET_RATIO:g}x", meets(cold["ratio"] <= COLD_TARGET_RATIO)))
    rows.append(("`schemacheck check --no-cache` on the sample (ADX outputs only), cold", fmt_time(check["check_s"]),
                 f"`python -c pass` {fmt_time(check['baseline_s'])}", fmt_ratio(check["ratio"]),
                 f"≤ {CHECK_TARGET_RATIO:g}x", meets(check["ratio"] <= CHECK_TARGET_RATIO)))
    rows.append((f"`schemacheck check` on the sample (ADX outputs only), cached (replayed {check['cached_hits']}/{check['runs']})",
                 fmt_time(check["cached_s"]), f"`python -c pass` {fmt_time(check['baseline_s'])}",
                 fmt_ratio(check["cached_ratio"]), f"≤ {CACHED_TARGET_RATIO:g}x",
                 meets(check["cached_ratio"] <= CACHED_TARGET_RATIO and check["cached_hits"] > 0)))
    fluff = results["sqlfluff"]
    if "skipped" not in fluff:
        rows.append(("cold check vs `sqlfluff lint --dialect tsql` on the sample (ADX outputs only)", fmt_time(fluff["check_s"]),
                     f"sqlfluff {fluff['version']} {fmt_time(fluff['sqlfluff_s'])}", f"{fluff['speedup']:.1f}x faster",
                     f"≥ {SQLFLUFF_TARGET_SPEEDUP:g}x faster", meets(fluff["speedup"] >= SQLFLUFF_TARGET_SPEEDUP)))
    glot = results["sqlglot"]
    if "skipped" not in glot:
        for row in glot["rows"]:
            what = "the sample (ADX outputs only)" if row["key"] == "sample" else "a simplified T-SQL variant"
            parses = row["parses"].split(" (")[0]
            rows.append((f"cold check vs `sqlglot.parse(read='tsql')` of {what} (parses: {parses})",
                         fmt_time(glot["check_s"]), f"sqlglot {glot['version']} {fmt_time(row['median_s'])}",
                         f"{row['speedup']:.1f}x faster", "—", "—"))
    tp = results["throughput"]
    rows.append((f"`analyze()` (parse + infer) of a generated {tp['size_kb']:.0f} KB query", f"{tp['analyze_kbs']:.0f} KB/s",
                 f"Lark LALR parse {fmt_rate(tp['lark_kbs'])} KB/s", fmt_ratio(tp["analyze_kbs"] / tp["lark_kbs"]),
                 f"≥ {THROUGHPUT_TARGET_KBS:g} KB/s", meets(tp["analyze_kbs"] >= THROUGHPUT_TARGET_KBS)))
    big = results["big_check"]
    rows.append((f"`schemacheck check --no-cache` of the same {big['size_kb']:.0f} KB query",
                 f"{fmt_time(big['check_s'])} ({big['kbs']:.0f} KB/s)", f"`analyze()` {tp['analyze_kbs']:.0f} KB/s",
                 fmt_ratio(big["kbs"] / tp["analyze_kbs"]), "—", "—"))
    last = results["scaling"]["rows"][-1]
    rows.append((f"`analyze()` time per KB at {last['factor']}x a 5 KB query ({last['size_kb']:.0f} KB)",
                 f"{last['ms_per_kb']:.3f} ms/KB", f"1x: {results['scaling']['rows'][0]['ms_per_kb']:.3f} ms/KB",
                 fmt_ratio(last["per_kb_ratio"]), f"≤ {SUPERLINEAR_RATIO:g}x",
                 meets(last["per_kb_ratio"] <= SUPERLINEAR_RATIO)))
    for shape in results["shapes"]["shapes"]:
        top = shape["rows"][2]   # 100x
        first = shape["rows"][0]
        if top["accepted"]:
            rows.append((f"{shape['title']}: time per {shape['unit']} at 100x ({top['n']:,} {shape['unit']}s)",
                         f"{top['ms_per_unit']:.4f} ms", f"1x ({first['n']:,}): {first['ms_per_unit']:.4f} ms",
                         fmt_ratio(top["per_unit_ratio"]), f"≤ {SUPERLINEAR_RATIO:g}x",
                         meets(top["per_unit_ratio"] <= SUPERLINEAR_RATIO)))
        else:
            deepest = shape["largest_accepted"]
            rows.append((f"{shape['title']}: {top['n']:,} {shape['unit']}s rejected ({top['message']}); deepest accepted",
                         f"{deepest:,} {shape['unit']}s" if deepest else "none",
                         f"asked: {top['n']:,}", fmt_ratio(shape["largest_ratio"]) + " per unit at the deepest",
                         f"{top['n']:,} accepted", "**no**"))
    many = results["many_files"]
    m, n = many["medians"], many["files"]
    rows.append((f"`check --no-cache --jobs 1` of {n:,} files", fmt_time(m[f"{n} files, --jobs 1"]),
                 f"1 file: {fmt_time(m['1 file'])}", fmt_ratio(m[f"{n} files, --jobs 1"] / m["1 file"]),
                 f"< {many['target_s']:g} s", meets(m[f"{n} files, --jobs 1"] < many["target_s"])))
    rows.append((f"`check --no-cache --jobs {many['cores']}` of {n:,} files (forked workers)",
                 fmt_time(m[f"{n} files, default jobs"]), f"`--jobs 1`: {fmt_time(m[f'{n} files, --jobs 1'])}",
                 f"{many['speedup_workers']:.2f}x speed-up", f"< {many['target_s']:g} s",
                 meets(m[f"{n} files, default jobs"] < many["target_s"])))
    if many["machine_speedup"] == many["machine_speedup"]:
        rows.append((f"workers' speed-up against the machine's own ({many['cores']} CPU-bound processes at once)",
                     f"{many['speedup_workers']:.2f}x", f"machine: {many['machine_speedup']:.2f}x",
                     fmt_ratio(many["speedup_workers"] / many["machine_speedup"]), "—", "—"))
    rows.append((f"`check` of {n:,} files, cached (replayed {many['cached_hits']}/{many['runs']})",
                 fmt_time(m[f"{n} files, cached"]), f"`python -c pass` {fmt_time(m['python -c pass'])}",
                 fmt_ratio(m[f"{n} files, cached"] / m["python -c pass"]), "—", "—"))
    rows.append((f"time per file in the {n:,}-file check (`--jobs 1`)", fmt_time(many["per_file_serial_s"]),
                 f"single-file cold check {fmt_time(m['1 file'])}", fmt_ratio(many["per_file_ratio"]), "—", "—"))
    rows.append((f"each further file, {many['middle']} → {n:,} files", fmt_time(many["marginal_large_s"]),
                 f"1 → {many['middle']} files: {fmt_time(many['marginal_small_s'])}", fmt_ratio(many["marginal_ratio"]),
                 f"≤ {SUPERLINEAR_RATIO:g}x (linear)", meets(many["marginal_ratio"] <= SUPERLINEAR_RATIO)))
    base_rss = check["baseline_rss"]
    for label, value, base in (("peak RSS, cold check of the sample (ADX outputs only)", check["check_rss"], base_rss),
                               (f"peak RSS, check of the {big['size_kb']:.0f} KB query", big["check_rss"],
                                big["baseline_rss"]),
                               (f"peak RSS, check of {n:,} files, `--jobs 1`", many["rss"][f"{n} files, --jobs 1"],
                                many["rss"]["python -c pass"]),
                               (f"peak RSS, check of {n:,} files, workers (largest process)",
                                many["rss"][f"{n} files, default jobs"], many["rss"]["python -c pass"])):
        rows.append((label, fmt_mb(value), f"`python -c pass` {fmt_mb(base)}",
                     fmt_ratio(value / base) if value and base else "n/a", "—", "—"))
    sql = results["sql_outputs"]
    rows.append(("`schemacheck check --no-cache` on the sample with its SQL output, cold", fmt_time(sql["with_sql_s"]),
                 f"ADX-only sample {fmt_time(sql['adx_only_s'])}", fmt_ratio(sql["sql_over_adx_only"]), "—", "—"))
    rows.append(("the same against `python -c pass`", fmt_time(sql["with_sql_s"]),
                 f"`python -c pass` {fmt_time(sql['baseline_s'])}", fmt_ratio(sql["with_sql_ratio"]), "—", "—"))
    rows.append((f"`schemacheck check` on the sample with its SQL output, cached (replayed "
                 f"{sql['cached_hits']}/{sql['runs']})", fmt_time(sql["cached_s"]),
                 f"`python -c pass` {fmt_time(sql['baseline_s'])}", fmt_ratio(sql["cached_ratio"]),
                 f"≤ {CACHED_TARGET_RATIO:g}x", meets(sql["cached_ratio"] <= CACHED_TARGET_RATIO and sql["cached_hits"] > 0)))
    found = [root for root, modules in sql["adx_only_imports"]["sql_modules"].items() if modules]
    glot = sql["with_sql_importtime"]["watched"]["sqlglot"]
    rows.append(("a job without SQL outputs imports neither sqlglot nor schemacheck.sql (cold check, ADX-only sample)",
                 "imported: " + ", ".join(found) if found else "neither imported",
                 "with its SQL output: sqlglot " + (f"{glot['cumulative_us'] / 1000:.0f} ms" if glot["imported"]
                                                    and glot["cumulative_us"] is not None else "not imported"),
                 "—", "neither imported", meets(sql["adx_only_free_of_sql_path"])))
    rows.append(("the cached check of the sample with its SQL output imports no sqlglot",
                 "sqlglot imported" if sql["cached_imports_sqlglot"] else "not imported",
                 "cold: " + ("imported" if glot["imported"] else "not imported"), "—", "not imported",
                 meets(not sql["cached_imports_sqlglot"])))
    return rows


def markdown_table(rows) -> str:
    """The rows as a Markdown table, its columns padded so that it also reads as plain text."""
    header = ("Metric", "Value", "Baseline", "Ratio", "Target", "Meets?")
    table = [header] + [tuple(str(c).replace("|", "\\|") for c in row) for row in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in table]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines) + "\n"


def jsonable(value):
    """The results as plain JSON values (NaN -> null, paths -> str); raw samples included."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, Path):
        return str(value)
    return value


# --------------------------------------------------------------------------- main

def heavy_runs(runs: int) -> int:
    """Runs of the heavy figures (100x shapes, the many-files check, the 500 KB check)."""
    return max(1, min(3, runs // 3))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"fewer runs, for development: --runs {QUICK_RUNS}, --cold-runs {3 * QUICK_RUNS}, "
                             f"--sqlfluff-runs {QUICK_SQLFLUFF_RUNS} unless given (the same files and sizes)")
    parser.add_argument("--runs", type=int, default=None, metavar="N",
                        help="runs per figure for grammar loading, throughput and scaling (default 10); "
                             "the heavy figures (100x shapes, many files, the 500 KB check) take N // 3, "
                             "at least 1 and at most 3")
    parser.add_argument("--cold-runs", type=int, default=None, metavar="M",
                        help="runs per command for the cold start (default 3 x --runs, i.e. 30)")
    parser.add_argument("--size", type=int, default=500, metavar="KB",
                        help="size of the generated throughput query in KB (default 500)")
    parser.add_argument("--sqlfluff-runs", type=int, default=None, metavar="K",
                        help=f"runs per command for the sqlfluff comparison (default {SQLFLUFF_RUNS}; "
                             "sqlfluff takes about a second a run)")
    parser.add_argument("--no-sqlfluff", action="store_true",
                        help="skip the sqlfluff comparison (and its install)")
    parser.add_argument("--no-sqlglot", action="store_true",
                        help="skip the sqlglot comparison (and its install)")
    parser.add_argument("--json", metavar="FILE", help="also write all numbers (and raw samples) as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="also write the summary table (Markdown) to FILE")
    parser.add_argument("--keep-venv", metavar="DIR",
                        help="create the virtualenv in DIR and keep it; reuse it next time "
                             "(schemacheck is reinstalled when its source changed); the virtualenv "
                             "of sqlfluff and sqlglot is kept next to it, in DIR-sqlfluff")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = QUICK_RUNS if args.quick else 10
    if args.sqlfluff_runs is None:
        args.sqlfluff_runs = QUICK_SQLFLUFF_RUNS if args.quick else SQLFLUFF_RUNS
    if args.runs < 1 or (args.cold_runs is not None and args.cold_runs < 1) or args.size < 1 \
            or args.sqlfluff_runs < 1:
        parser.error("--runs, --cold-runs, --size and --sqlfluff-runs must be at least 1")
    if args.cold_runs is None:
        args.cold_runs = 3 * args.runs
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[bench {time.perf_counter() - started:5.1f}s] {message}", file=sys.stderr, flush=True)

    for path in (SAMPLE, GRAMMAR):
        if not path.exists():
            print(f"error: {path} is missing", file=sys.stderr)
            return 2
    global _DEFAULT_CACHE_DIR
    work = Path(tempfile.mkdtemp(prefix="schemacheck-bench-"))
    _DEFAULT_CACHE_DIR = work / "cache-must-stay-empty"
    _DEFAULT_CACHE_DIR.mkdir()
    venv_dir = Path(args.keep_venv).resolve() if args.keep_venv else work / "venv"
    sqlfluff_dir = venv_dir.with_name(venv_dir.name + "-sqlfluff") if args.keep_venv else work / "sqlfluff-venv"
    try:
        venv = setup_venv(venv_dir, work, log)
        log("copying the sample, and without its SQL output ...")
        copies = copy_samples(work)
        adx_only_summary = verify_adx_only_sample(venv, copies.adx_only, work)
        results = {"meta": {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "python_version": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "venv": str(venv_dir) + ("" if args.keep_venv else " (temporary)"),
            "package_dir": venv.package_dir,
            "lark_version": venv.lark_version,
            "pydantic_core_version": venv.pydantic_core_version,
            "sample": str(SAMPLE.relative_to(REPO)),
            "adx_only_sample": str(copies.adx_only),
            "adx_only_summary": adx_only_summary,
            "with_sql_sample": str(copies.with_sql),
            "runs": args.runs,
            "cold_runs": args.cold_runs,
            "sqlfluff_runs": args.sqlfluff_runs,
        }}
        log(f"cold start, {args.cold_runs} runs x 2 commands ...")
        results["cold_start"] = measure_cold_start(venv, args.cold_runs, work, copies.adx_only)
        log("import times ...")
        results["importtime"] = measure_importtime(venv, work, min(IMPORTTIME_RUNS, args.cold_runs), copies.adx_only)
        log(f"check command, {args.cold_runs} runs x 3 commands ...")
        results["check_cold"] = measure_check_cold(venv, args.cold_runs, work, copies.adx_only)
        sqlfluff, sqlglot = setup_comparisons(sqlfluff_dir, work, log, not args.no_sqlfluff, not args.no_sqlglot)
        if "skipped" not in sqlfluff:
            log(f"sqlfluff comparison, {args.sqlfluff_runs} runs x 2 commands ...")
        results["sqlfluff"] = measure_sqlfluff(venv, sqlfluff, args.sqlfluff_runs, work, copies.adx_only)
        results["meta"]["sqlfluff_version"] = sqlfluff.get("version")
        if "skipped" not in sqlglot:
            log(f"sqlglot comparison, {args.cold_runs // 2} runs ...")
        results["sqlglot"] = measure_sqlglot(venv, sqlglot, max(1, args.cold_runs // 2), work, copies.adx_only)
        results["meta"]["sqlglot_version"] = sqlglot.get("version")
        log("import times of the check command ...")
        results["check_importtime"] = measure_importtime(venv, work, min(IMPORTTIME_RUNS, args.cold_runs),
                                                         copies.adx_only, "check", CHECK_WATCH)
        log("import times of the cached check ...")
        cache_dir = work / "cache-importtime"
        cache_dir.mkdir()
        results["cached_importtime"] = measure_importtime(venv, work, min(IMPORTTIME_RUNS, args.cold_runs),
                                                          copies.adx_only, "check", CACHED_WATCH, cache_dir=cache_dir)
        log(f"SQL outputs, {args.cold_runs} runs x 4 commands, and their import times ...")
        results["sql_outputs"] = measure_sql_outputs(venv, args.cold_runs, work, copies, results["check_importtime"])
        log(f"grammar loading, {args.runs} runs ...")
        results["grammar_loading"] = measure_grammar_loading(venv, args.runs, work, log)
        results.update(measure_throughput_and_scaling(venv, args.runs, args.size, work, log))
        results["shapes"] = measure_shapes(venv, args.runs, heavy_runs(args.runs), work, log)
        results["big_check"] = measure_big_check(venv, heavy_runs(args.runs), work,
                                                 work / "generated-large.asaql", log)
        results["many_files"] = measure_many_files(venv, heavy_runs(args.runs), work, copies.adx_only, log)
        # The cache audit: no command that should run cold wrote a cached answer.
        written = sorted(str(p.relative_to(_DEFAULT_CACHE_DIR)) for p in _DEFAULT_CACHE_DIR.rglob("*") if p.is_file())
        results["meta"]["cache_audit"] = {"folder": str(_DEFAULT_CACHE_DIR), "entries_written": len(written)}
        results["meta"]["elapsed_s"] = time.perf_counter() - started
        results["summary"] = summary_rows(results)
        results["summary_markdown"] = markdown_table(results["summary"])
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print_report(results)
    if args.json:
        Path(args.json).write_text(json.dumps(jsonable(results), indent=2) + "\n", encoding="utf-8")
        print(f"numbers written to {args.json}")
    if args.markdown:
        Path(args.markdown).write_text(results["summary_markdown"], encoding="utf-8")
        print(f"summary table written to {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
