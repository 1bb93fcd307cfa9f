"""`python -X importtime` profiles of a command (sections 1, 2, 8 and 9)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.common import BenchError, child_env, median
from harness.install import Venv

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
IMPORTTIME_RUNS = 5
# The Terraform and Bicep readers: a job of another form imports none of them (section 9).
IAC_MODULES = ("schemacheck.jobs.terraform", "schemacheck.jobs.bicep", "schemacheck.jobs.hcl",
               "schemacheck.jobs.bicep_syntax", "schemacheck.jobs.iac", "schemacheck.jobs.iac_functions",
               "schemacheck.jobs.iac_discovery", "schemacheck.jobs._hcl_tables", "schemacheck.jobs._bicep_tables")


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
