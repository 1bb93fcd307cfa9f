"""5. Scaling: analyze() on 1x, 10x and 100x a ~5 KB generated query (timed by section 4's child
process): the time per KB should stay flat (ratio to the 1x time per KB; target <= 2x at 100x),
also shown with gc.disable() around each call to tell the cyclic garbage collector's share.
Then three shapes that would expose a quadratic path, at 1x/10x/100x: a select list of 1,000 /
10,000 / 100,000 items, a UNION ALL chain of 100 / 1,000 / 10,000 SELECTs, CASE nested 50 / 500
/ 5,000 levels: ms per unit and its ratio to the 1x ms per unit, SUPERLINEAR above 2x. A size
that schemacheck rejects (SC001, e.g. "nests too deeply") is reported as such, with the largest
size it accepts (bisection).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from harness.common import SUPERLINEAR_RATIO, fmt_ratio, fmt_time, median, meets
from harness.install import Venv
from harness.queries import nested_case_query, select_list_query, union_chain_query

from sections.throughput import run_child_json

# Shapes that would expose a quadratic path: (key, title, unit, size at 1x); sizes 1x/10x/100x.
SHAPES = (("select", "long select list", "item", 1000),
          ("union", "UNION ALL chain", "SELECT", 100),
          ("case", "nested CASE", "level", 50))


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


def report(results: dict) -> None:
    sc = results["scaling"]
    print(f"\n5. SCALING  (schemacheck.analyze() on 1x/10x/100x a ~5 KB generated query, same subprocess, "
          f"{sc['runs']} runs; baseline: the 1x time per KB)")
    print(f"   {'factor':<8}{'statements':>11}{'size':>11}{'median':>11}{'KB/s':>9}{'ms/KB':>9}{'ms/KB ratio':>13}"
          f"{'ms/KB, gc off':>16}")
    for row in sc["rows"]:
        print(f"   {str(row['factor']) + 'x':<8}{row['statements']:>11}{row['size_kb']:>8.1f} KB"
              f"{fmt_time(row['median_s']):>11}"
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


def summary(results: dict) -> list:
    rows = []
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
            rows.append(((f"{shape['title']}: {top['n']:,} {shape['unit']}s rejected ({top['message']}); "
                          "deepest accepted"),
                         f"{deepest:,} {shape['unit']}s" if deepest else "none",
                         f"asked: {top['n']:,}", fmt_ratio(shape["largest_ratio"]) + " per unit at the deepest",
                         f"{top['n']:,} accepted", "**no**"))
    return rows
