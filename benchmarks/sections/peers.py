"""2, against other tools: the cold check alternated with `sqlfluff lint --dialect tsql` on the
same file (sqlfluff in a virtualenv of its own, with `sql_file_exts = .asaql,.sql` so that it
lints the file at all; --sqlfluff-runs runs after one warm-up round; target: check >= 10x
faster), and with `python -c "import sqlglot; sqlglot.parse(text, read='tsql')"` in a fresh
process (the same separate virtualenv; --cold-runs / 2 runs) on the sample and, as sqlglot
cannot parse ASA, on a simplified T-SQL variant (TIMESTAMP BY dropped, `;` after each
statement). sqlglot only parses: it reads no project and infers no types.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from harness.common import (
    BenchError,
    check_command,
    child_env,
    fmt_ratio,
    fmt_time,
    median,
    meets,
    run_checked,
    time_interleaved,
)
from harness.install import Venv

SQLFLUFF_TARGET_SPEEDUP = 10.0
SQLFLUFF_RUNS = 5
QUICK_SQLFLUFF_RUNS = 2
SQLFLUFF_DIALECT = "tsql"


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


def report(results: dict) -> None:
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


def summary(results: dict) -> list:
    rows = []
    fluff = results["sqlfluff"]
    if "skipped" not in fluff:
        rows.append(("cold check vs `sqlfluff lint --dialect tsql` on the sample (ADX outputs only)",
                     fmt_time(fluff["check_s"]),
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
    return rows
