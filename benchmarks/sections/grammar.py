"""3. Grammar loading, each in a fresh process of the venv's python, all alternated with
`python -c pass`: (a) `import lark`; (b) `Lark(grammar, parser="lalr", lexer="contextual")` built
from grammars/asaql.lark; (c) the same with `cache=FILE`, warm; (d) a Lark standalone parser
module (`python -m lark.tools.standalone -l contextual`, byte-compiled) and `Lark_StandAlone()`;
(e) `import schemacheck.asa.parser`, the generated tables and their driver. Shown: median, net
(minus python -c pass) and ratio. lark is not a dependency of schemacheck: run.py installs it
into the venv for (a)-(d) and for section 4's baseline.
"""

from __future__ import annotations

from pathlib import Path

from harness.common import (
    GRAMMAR,
    BenchError,
    check_command,
    fmt_ratio,
    fmt_time,
    median,
    run_checked,
    time_interleaved,
)
from harness.install import Venv


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
             [py, "-c",
              f"from lark import Lark; Lark({load}, parser='lalr', lexer='contextual', cache={str(cache)!r})"]),
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
    for key, _label, argv in strategies:
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


def report(results: dict) -> None:
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
