"""Build the parse tables from grammars/*.lark (developer tool; needs lark).

    python -m schemacheck.generate          # rewrite every generated _tables.py
    python -m schemacheck.generate --check  # exit 1 if any is stale (CI, pre-commit)

Exit status: 0 done (or, with --check, every table current); 1 a table is stale (--check);
2 lark or interegular is missing (`pip install 'schemacheck[generate]'`, or in a checkout
`pip install -e '.[generate]'`; the `test` extra has them too).

Lark does the grammar analysis (LALR(1), strict: any conflict is an error). What it
produces is written out as plain Python literals that schemacheck.lalr runs, so that
checking a query needs neither lark nor a table build at start-up: `import lark`
alone costs more than three interpreter starts (benchmarks/run.py, section 3:
benchmarks/sections/grammar.py).
"""

from __future__ import annotations

import argparse
import hashlib
import pprint
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# What to install when lark (or interegular, which Lark's strict mode needs) is missing: one line.
MISSING_LARK = ("python -m schemacheck.generate needs lark and interegular: "
                "pip install 'schemacheck[generate]' (in a checkout: pip install -e '.[generate]')")


class Grammar:
    def __init__(self, file: str, tables: Path, starts: tuple[str, ...]) -> None:
        self.file = file
        self.tables = tables
        self.starts = starts

    def path(self) -> Path:
        """The grammar in a source checkout (grammars/) or an installed package."""
        from importlib import resources

        return Path(str(resources.files("schemacheck.grammars") / self.file))

    def text(self) -> str:
        return self.path().read_text(encoding="utf-8")


GRAMMARS = {
    "asaql": Grammar("asaql.lark", PACKAGE_DIR / "asa" / "_tables.py", ("start",)),
    "kusto": Grammar("kusto.lark", PACKAGE_DIR / "kusto" / "_tables.py", ("command", "csl_schema")),
    "bicep": Grammar("bicep.lark", PACKAGE_DIR / "jobs" / "_bicep_tables.py", ("bicep", "bicepparam")),
    "hcl": Grammar("hcl.lark", PACKAGE_DIR / "jobs" / "_hcl_tables.py", ("start",)),
}

# Rule modes understood by schemacheck.lalr.
BUILD, INLINE, EXPAND1 = 0, 1, 2


def build_lark(grammar_text: str, starts=("start",)):
    """The reference Lark parser; raises lark.exceptions.GrammarError on any conflict."""
    from lark import Lark

    return Lark(grammar_text, parser="lalr", lexer="contextual", strict=True, start=list(starts))


def render_tables(name: str, grammar_text: str | None = None) -> str:
    grammar = GRAMMARS[name]
    grammar_text = grammar.text() if grammar_text is None else grammar_text
    parser = build_lark(grammar_text, grammar.starts)
    table = parser.parser.parser.parser.parse_table
    rules = list(parser.rules)
    index = {id(rule): i for i, rule in enumerate(rules)}

    rule_rows = []
    for rule in rules:
        keep = []
        splice = False
        for i, symbol in enumerate(rule.expansion):
            if symbol.is_term and symbol.filter_out and not rule.options.keep_all_tokens:
                continue
            keep.append(i)
            if not symbol.is_term and symbol.name.startswith("_"):
                splice = True
        if rule.origin.name.startswith("_"):
            mode = INLINE
        elif rule.options.expand1 and not rule.alias:
            mode = EXPAND1
        else:
            mode = BUILD
        callback = str(rule.alias or rule.origin.name)
        rule_rows.append((str(rule.origin.name), len(rule.expansion), callback, tuple(keep), mode, splice))

    # Lark numbers states in hash order; renumber them breadth-first from the start
    # states, following symbols in sorted order, so the output is reproducible.
    order: dict[int, int] = {}
    queue = []
    for start in grammar.starts:
        state = table.start_states[start]
        if state not in order:
            order[state] = len(order)
            queue.append(state)
    for state in queue:
        for symbol in sorted(table.states[state]):
            action, arg = table.states[state][symbol]
            if action.name == "Shift" and arg not in order:
                order[arg] = len(order)
                queue.append(arg)
    actions = []
    for state in queue:
        row = {}
        for symbol, (action, arg) in sorted(table.states[state].items()):
            row[str(symbol)] = order[arg] if action.name == "Shift" else ~index[id(arg)]
        actions.append(row)

    keywords = {}
    for terminal in parser.terminals:
        pattern = terminal.pattern
        if type(pattern).__name__ == "PatternStr" and "i" in pattern.flags and pattern.value.isidentifier():
            keywords[pattern.value.lower()] = terminal.name
    terminals = sorted({t.name for t in parser.terminals} | {"$END"})
    start_states = {s: order[table.start_states[s]] for s in grammar.starts}
    end_states = {s: order[table.end_states[s]] for s in grammar.starts}

    digest = hashlib.sha256(grammar_text.encode("utf-8")).hexdigest()
    parts = [
        f'"""LALR(1) tables for grammars/{grammar.file}. Generated by `python -m schemacheck.generate`;',
        'do not edit."""',
        "",
        f"GRAMMAR_SHA256 = {digest!r}",
        f"START_STATES = {start_states!r}",
        f"END_STATES = {end_states!r}",
        "",
        "# Every terminal the grammar uses.",
        f"TERMINALS = {pprint.pformat(tuple(terminals), width=100, compact=True)}",
        "",
        "# Lower-cased keyword -> terminal.",
        f"KEYWORDS = {pprint.pformat(dict(sorted(keywords.items())), width=100, compact=True)}",
        "",
        "# RULES[i] = (left-hand side, length, callback name, kept child positions, mode, splice)",
        "# mode: 0 build a node, 1 inline into the parent, 2 pass a single child through.",
        f"RULES = {pprint.pformat(tuple(rule_rows), width=100, compact=True)}",
        "",
        "# ACTIONS[state][symbol] = n: shift (or goto) to state n when n >= 0, reduce by RULES[~n] when n < 0.",
        f"ACTIONS = {pprint.pformat(tuple(actions), width=100, compact=True)}",
        "",
    ]
    return "\n".join(parts)


def missing_lark() -> str | None:
    """None when lark and interegular import, else the one line that says what to install."""
    try:
        import interegular  # noqa: F401
        import lark  # noqa: F401
    except ImportError:
        return MISSING_LARK
    return None


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--check", action="store_true",
                           help="change nothing; exit 1 when a generated table is not what its grammar produces")
    options = arguments.parse_args(argv)
    missing = missing_lark()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    stale = 0
    for name, grammar in GRAMMARS.items():
        text = render_tables(name)
        current = grammar.tables.read_text(encoding="utf-8") if grammar.tables.exists() else ""
        if current == text:
            continue
        if options.check:
            print(f"{grammar.tables} is stale (not what grammars/{grammar.file} produces): "
                  "run python -m schemacheck.generate", file=sys.stderr)
            stale = 1
        else:
            grammar.tables.write_text(text, encoding="utf-8")
            print(f"wrote {grammar.tables}")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
