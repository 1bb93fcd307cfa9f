"""7. Peak memory: max RSS (MB, 10^6 bytes) of the commands timed in sections 1, 2, 4 and 6, from
os.wait4 of each run (a small wrapper process forks, executes the command and waits for it;
with workers, the largest single process), against python -c pass. Nothing is run here.
"""

from __future__ import annotations

from harness.common import fmt_mb, fmt_ratio


def report(results: dict) -> None:
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


def summary(results: dict) -> list:
    check, big, many = results["check_cold"], results["big_check"], results["many_files"]
    n = many["files"]
    rows = []
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
    return rows
