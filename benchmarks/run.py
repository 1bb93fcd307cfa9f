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
(pydantic, sqlglot: `schemacheck check` imports pydantic_core to validate a JSON/TOML file that
is not plainly valid, and sqlglot to read the DDL of a SQL output), then `lark` on its own:
schemacheck never imports it, only the grammar-loading comparison and the reference parse do.
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
What it measures (wall times from time.perf_counter; subprocesses through a small
wrapper that also reads their peak RSS, see harness/common.py's run_measured), in this
order; each section is a module of sections/ whose docstring says what its figures are:

    1. sections/cold_start.py   cold `infer` against python -c pass; its imports
    2. sections/check.py        cold and cached `check`; sections/peers.py: sqlfluff, sqlglot
    8. sections/sql.py          what a SQL output costs (measured here, printed near the end)
    9. sections/iac.py          a job read from Terraform or Bicep against python -c pass
    3. sections/grammar.py      grammar loading: Lark's ways against the generated tables
    4. sections/throughput.py   analyze() KB/s on a ~500 KB query, and the CLI on it
    5. sections/scaling.py      1x/10x/100x a 5 KB query; the three quadratic-path shapes
    6. sections/many_files.py   1, 100, 1,000 files; workers; the cached re-check
    7. sections/memory.py       peak RSS of the commands timed above

harness/ holds what they share: the venv (install.py), the sample copies (samples.py),
import profiles (imports.py), the generated queries (queries.py), the measuring primitives
(common.py) and the summary table (report.py).

Exit status: 0 after printing the report, 2 if the set-up (venv, install) or a
measurement could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import common
from harness.common import GRAMMAR, REPO, SAMPLE, SQL_OUTPUT, BenchError
from harness.imports import CACHED_WATCH, CHECK_WATCH, IMPORTTIME_RUNS, measure_importtime
from harness.install import setup_venv
from harness.report import jsonable, markdown_table
from harness.samples import copy_samples, verify_adx_only_sample
from sections import check, cold_start, grammar, iac, many_files, memory, peers, scaling, sql, throughput
from sections.peers import QUICK_SQLFLUFF_RUNS, SQLFLUFF_RUNS

QUICK_RUNS = 3


# --------------------------------------------------------------------------- report

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

    cold_start.report(results)
    check.report(results)
    peers.report(results)
    check.report_imports(results)
    grammar.report(results)
    throughput.report(results)
    scaling.report(results)
    many_files.report(results)
    memory.report(results)
    sql.report(results)
    iac.report(results)
    audit = meta["cache_audit"]
    print(f"\ncache audit: every cold command passed --no-cache; the default cache folder of the runs "
          f"holds {audit['entries_written']} entries afterwards "
          + ("(none: no cold run was a replay)" if not audit["entries_written"] else "-- SOME RUN WROTE TO IT"))
    print("\nSUMMARY  (medians; every baseline measured in the same run, on the same files; Markdown, for README.md)\n")
    print(results["summary_markdown"], end="")
    missed = [row[0] for row in results["summary"] if row[5] == "**no**"]
    print("\n" + (f"{len(missed)} target(s) missed: " + "; ".join(missed) if missed else "every target met"))
    print(f"\n(total benchmark time {results['meta']['elapsed_s']:.0f} s)")


def summary_rows(results: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(metric, value, baseline, ratio, target, meets?) for the summary table: each section's rows."""
    rows = []
    for section in (cold_start, check, peers, throughput, scaling, many_files, memory, sql, iac):
        rows += section.summary(results)
    return rows


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
    work = Path(tempfile.mkdtemp(prefix="schemacheck-bench-"))
    common._DEFAULT_CACHE_DIR = work / "cache-must-stay-empty"
    common._DEFAULT_CACHE_DIR.mkdir()
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
        results["cold_start"] = cold_start.measure_cold_start(venv, args.cold_runs, work, copies.adx_only)
        log("import times ...")
        results["importtime"] = measure_importtime(venv, work, min(IMPORTTIME_RUNS, args.cold_runs), copies.adx_only)
        log(f"check command, {args.cold_runs} runs x 3 commands ...")
        results["check_cold"] = check.measure_check_cold(venv, args.cold_runs, work, copies.adx_only)
        sqlfluff, sqlglot = peers.setup_comparisons(sqlfluff_dir, work, log, not args.no_sqlfluff, not args.no_sqlglot)
        if "skipped" not in sqlfluff:
            log(f"sqlfluff comparison, {args.sqlfluff_runs} runs x 2 commands ...")
        results["sqlfluff"] = peers.measure_sqlfluff(venv, sqlfluff, args.sqlfluff_runs, work, copies.adx_only)
        results["meta"]["sqlfluff_version"] = sqlfluff.get("version")
        if "skipped" not in sqlglot:
            log(f"sqlglot comparison, {args.cold_runs // 2} runs ...")
        results["sqlglot"] = peers.measure_sqlglot(venv, sqlglot, max(1, args.cold_runs // 2), work, copies.adx_only)
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
        results["sql_outputs"] = sql.measure_sql_outputs(venv, args.cold_runs, work, copies,
                                                         results["check_importtime"])
        log(f"Terraform and Bicep, {args.cold_runs} runs x 4 commands, and the Terraform check's imports ...")
        results["iac"] = iac.measure_iac(venv, args.cold_runs, work, copies.adx_only, results["check_importtime"])
        log(f"grammar loading, {args.runs} runs ...")
        results["grammar_loading"] = grammar.measure_grammar_loading(venv, args.runs, work, log)
        results.update(throughput.measure_throughput_and_scaling(venv, args.runs, args.size, work, log))
        results["shapes"] = scaling.measure_shapes(venv, args.runs, heavy_runs(args.runs), work, log)
        results["big_check"] = throughput.measure_big_check(venv, heavy_runs(args.runs), work,
                                                 work / "generated-large.asaql", log)
        results["many_files"] = many_files.measure_many_files(venv, heavy_runs(args.runs), work, copies.adx_only, log)
        # The cache audit: no command that should run cold wrote a cached answer.
        audited = common._DEFAULT_CACHE_DIR
        written = sorted(str(p.relative_to(audited)) for p in audited.rglob("*") if p.is_file())
        results["meta"]["cache_audit"] = {"folder": str(common._DEFAULT_CACHE_DIR), "entries_written": len(written)}
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
