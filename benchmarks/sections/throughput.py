"""4. Throughput: `schemacheck.analyze()` (parse + infer) and `parse_query()` (parse only) on a
generated query of --size KB (default 500: every construct of the templates in
harness/queries.py, names numbered so that no two statements are alike), timed in a
subprocess of the venv's python against Lark's own LALR parse (contextual lexer, a Tree) of the
same text; target analyze() >= 250 KB/s. The run stops if analyze() reports a syntax error
(SC001) on it. Then the command line on the same file, `schemacheck check --no-cache <file>`
(wall time, KB/s, peak RSS), alternated with python -c pass.

The same child process also times section 5's 1x/10x/100x queries (sections/scaling.py prints
them): measure_throughput_and_scaling returns both.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from harness.common import (
    GRAMMAR,
    BenchError,
    child_env,
    fmt_mb,
    fmt_rate,
    fmt_ratio,
    fmt_time,
    median,
    median_rss,
    meets,
    probe_report_command,
    time_interleaved,
)
from harness.install import Venv
from harness.queries import generate_query

THROUGHPUT_TARGET_KBS = 250.0
SCALING_BASE_BYTES = 5 * 1024
SCALING_FACTORS = (1, 10, 100)


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
        first = str(error).strip().splitlines()[0] if str(error).strip() else ''
        out["lark_error"] = f"{type(error).__name__}: {first}"
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
                         + "\n  (fix the templates in benchmarks/harness/queries.py, or the parser)")
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


def report(results: dict) -> None:
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
    print(f"   {'schemacheck parse_query() (parse only)':<56}{fmt_time(tp['parse_s']):>10}"
          f"{fmt_rate(tp['parse_kbs']):>10}"
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


def summary(results: dict) -> list:
    rows = []
    tp = results["throughput"]
    rows.append((f"`analyze()` (parse + infer) of a generated {tp['size_kb']:.0f} KB query",
                 f"{tp['analyze_kbs']:.0f} KB/s",
                 f"Lark LALR parse {fmt_rate(tp['lark_kbs'])} KB/s", fmt_ratio(tp["analyze_kbs"] / tp["lark_kbs"]),
                 f"≥ {THROUGHPUT_TARGET_KBS:g} KB/s", meets(tp["analyze_kbs"] >= THROUGHPUT_TARGET_KBS)))
    big = results["big_check"]
    rows.append((f"`schemacheck check --no-cache` of the same {big['size_kb']:.0f} KB query",
                 f"{fmt_time(big['check_s'])} ({big['kbs']:.0f} KB/s)", f"`analyze()` {tp['analyze_kbs']:.0f} KB/s",
                 fmt_ratio(big["kbs"] / tp["analyze_kbs"]), "—", "—"))
    return rows
