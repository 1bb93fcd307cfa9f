"""8. SQL outputs: what the SQL path costs. `python -c pass` (baseline), `schemacheck check
--no-cache <ADX-only sample>`, `schemacheck check --no-cache <sample with its SQL output>` and the
cached `schemacheck check <sample with its SQL output>`, alternated in one loop of --cold-runs
runs: the medians, the SQL job over the ADX-only job, each over python -c pass, their peak RSS.
Then the import profiles of the SQL job's cold check (sqlglot and schemacheck.sql imported) and
of its cached check (neither: the result cache replays without analysing), and the difference
from the ADX-only cold check's profile of section 2. Target: a job without SQL outputs imports
neither sqlglot nor schemacheck.sql.
"""

from __future__ import annotations

from pathlib import Path

from harness.common import (
    SQL_OUTPUT,
    BenchError,
    child_env,
    fmt_mb,
    fmt_ratio,
    fmt_time,
    median,
    median_rss,
    meets,
    probe_report_command,
    time_interleaved,
)
from harness.imports import CACHED_WATCH, IMPORTTIME_RUNS, SQL_CHECK_WATCH, measure_importtime, print_imports
from harness.install import Venv
from harness.samples import SampleCopies

from sections.check import CACHED_TARGET_RATIO


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


def report(results: dict) -> None:
    sql = results["sql_outputs"]
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
    print(f"\n   the SQL path's imports: the cold check with the SQL output imports {with_sql['module_count']} "
          f"modules in "
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


def summary(results: dict) -> list:
    rows = []
    sql = results["sql_outputs"]
    rows.append(("`schemacheck check --no-cache` on the sample with its SQL output, cold", fmt_time(sql["with_sql_s"]),
                 f"ADX-only sample {fmt_time(sql['adx_only_s'])}", fmt_ratio(sql["sql_over_adx_only"]), "—", "—"))
    rows.append(("the same against `python -c pass`", fmt_time(sql["with_sql_s"]),
                 f"`python -c pass` {fmt_time(sql['baseline_s'])}", fmt_ratio(sql["with_sql_ratio"]), "—", "—"))
    rows.append(((f"`schemacheck check` on the sample with its SQL output, cached (replayed "
                  f"{sql['cached_hits']}/{sql['runs']})"), fmt_time(sql["cached_s"]),
                 f"`python -c pass` {fmt_time(sql['baseline_s'])}", fmt_ratio(sql["cached_ratio"]),
                 f"≤ {CACHED_TARGET_RATIO:g}x",
                 meets(sql["cached_ratio"] <= CACHED_TARGET_RATIO and sql["cached_hits"] > 0)))
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
