"""1. Cold start: `<venv>/bin/schemacheck infer --no-cache <ADX-only sample>` (the query of a
VS Code project: finding and reading the project, its JobConfig, inputs, outputs and sample
data are included) against `<venv>/bin/python -c pass`, alternated in one loop of --cold-runs
runs; target <= 5x. Then the `python -X importtime` profile of that command (10 largest
cumulative imports; are lark, pydantic, pydantic_core, sqlglot or azure imported? none should
be).
"""

from __future__ import annotations

from pathlib import Path

from harness.common import BenchError, check_command, fmt_ratio, fmt_time, median, median_rss, meets, time_interleaved
from harness.imports import print_imports
from harness.install import Venv

COLD_TARGET_RATIO = 5.0


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


def report(results: dict) -> None:
    cold = results["cold_start"]
    print(f"\n1. COLD START  (subprocess wall time, output to DEVNULL, {cold['runs']} runs each, "
          f"the two commands alternated)")
    print(f"   {'baseline: python -c pass':<50}{fmt_time(cold['baseline_s']):>10}   1.00x")
    verdict = "meets" if cold["ratio"] <= COLD_TARGET_RATIO else "MISSES"
    print(f"   {'schemacheck infer --no-cache <ADX-only sample>':<50}{fmt_time(cold['infer_s']):>10}   "
          f"{fmt_ratio(cold['ratio'])}"
          f" of python -c pass   (target <= {COLD_TARGET_RATIO:g}x: {verdict})")
    print(f"     baseline: {cold['baseline_cmd']}")
    print(f"     measured: {cold['infer_cmd']}")
    imp = results["importtime"]
    print_imports(imp, "cold infer")


def summary(results: dict) -> list:
    cold = results["cold_start"]
    rows = []
    rows.append(("`schemacheck infer --no-cache` on the sample (ADX outputs only), cold", fmt_time(cold["infer_s"]),
                 f"`python -c pass` {fmt_time(cold['baseline_s'])}", fmt_ratio(cold["ratio"]),
                 f"≤ {COLD_TARGET_RATIO:g}x", meets(cold["ratio"] <= COLD_TARGET_RATIO)))
    return rows
