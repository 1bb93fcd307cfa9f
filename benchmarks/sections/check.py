"""2. The check command: `<venv>/bin/schemacheck check --no-cache <ADX-only sample>` (reads the
sample's project files and schemas; exits 1 on its deliberate findings) and the cached
`schemacheck check <ADX-only sample>` (its answer replayed from a result cache folder of its
own, filled by the first untimed warm-up round), alternated with `python -c pass` in one loop
of --cold-runs runs. Targets: cold <= 10x, cached <= 3x python -c pass. The cached figure is the
median of the runs that replayed; the report says how many did.

The cached check is measured in the same loop as the cold one (so that both see the same
machine), which is why both live here. Its import profiles (cold and cached: the cached run
imports none of the checker, not even schemacheck.asa) are printed after the comparisons with
sqlfluff and sqlglot (sections/peers.py), as they always were.
"""

from __future__ import annotations

from pathlib import Path

from harness.common import (
    child_env,
    fmt_ratio,
    fmt_time,
    median,
    median_rss,
    meets,
    probe_report_command,
    time_interleaved,
)
from harness.imports import print_imports
from harness.install import Venv

CHECK_TARGET_RATIO = 10.0
CACHED_TARGET_RATIO = 3.0


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


def report(results: dict) -> None:
    check = results["check_cold"]
    print(f"\n2. CHECK COMMAND  (subprocess wall time, output to DEVNULL, {check['runs']} runs each, "
          f"the three commands alternated)")
    print(f"   {'baseline: python -c pass':<50}{fmt_time(check['baseline_s']):>10}   1.00x")
    verdict = "meets" if check["ratio"] <= CHECK_TARGET_RATIO else "MISSES"
    print(f"   {'schemacheck check --no-cache <ADX-only sample>':<50}{fmt_time(check['check_s']):>10}   "
          f"{fmt_ratio(check['ratio'])}"
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


def report_imports(results: dict) -> None:
    print_imports(results["check_importtime"], "cold check")
    print_imports(results["cached_importtime"], "cached check")


def summary(results: dict) -> list:
    check = results["check_cold"]
    rows = []
    rows.append(("`schemacheck check --no-cache` on the sample (ADX outputs only), cold", fmt_time(check["check_s"]),
                 f"`python -c pass` {fmt_time(check['baseline_s'])}", fmt_ratio(check["ratio"]),
                 f"≤ {CHECK_TARGET_RATIO:g}x", meets(check["ratio"] <= CHECK_TARGET_RATIO)))
    rows.append(((f"`schemacheck check` on the sample (ADX outputs only), cached (replayed "
                  f"{check['cached_hits']}/{check['runs']})"),
                 fmt_time(check["cached_s"]), f"`python -c pass` {fmt_time(check['baseline_s'])}",
                 fmt_ratio(check["cached_ratio"]), f"≤ {CACHED_TARGET_RATIO:g}x",
                 meets(check["cached_ratio"] <= CACHED_TARGET_RATIO and check["cached_hits"] > 0)))
    return rows
