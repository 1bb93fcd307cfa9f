"""The generated tables against Lark, and lark kept out of the installed package.

Differential: schemacheck parses with tables that `python -m schemacheck.generate` writes out
from Lark's LALR(1) analysis of grammars/*.lark, run by its own lexer and driver
(schemacheck.lalr). Here the same text goes through both that and the reference,
`lark.Lark(grammar, parser="lalr")` on the same .lark file, and the two must agree: both
reject it, or both build the same tree. Trees are compared in a normal form both sides give:

    node:  ("node", rule or alias name, (children...), (start, end) or None when it is empty)
    token: (terminal, text, start, end)

where offsets are characters into the text (Lark's with propagate_positions=True), the rule
name is the callback the tables name for a reduction, and both sides drop the same anonymous
tokens, inline `_rule`s and pass `?rule`s with one child through.

The texts:

- ASA: sentences of grammars/asaql.lark from support.asa_queries.grammar_sentences() (hypothesis),
  the queries of the repository (samples/, examples/, tests/fixtures/) and the corpus in
  ../shared/corpus/asa when it is present (skipped when it is not);
- Kusto: sentences of grammars/kusto.lark from its `command` and `csl_schema` rules (drawn
  here: no generator of Kusto sentences existed), the commands and CSL schema text that
  tests/support/fuzzing.py writes for schema files (valid and not), and the commands of the
  repository's .kql files.

One difference is known, and allowed only in the exact form described: by design, the ASA
clause words (RESERVED_WORDS of schemacheck/asa/lexer.py) are keywords everywhere in
schemacheck, where Lark's contextual lexer takes `In` for a name wherever a name fits: when
Lark's tree holds a reserved word as a NAME, schemacheck must reject the text. (The test
found a bug in the grammar file's KEYS_OVER pattern, which only Lark runs: in `f() OVER -- c`
+ a new line + `(`, its `--[^\n]*` could stop inside the comment; test_keys_over_in_the_grammar
keeps it fixed.)

The second part (no lark at run time): with lark blocked from being imported, every module of
schemacheck imports, `schemacheck check` runs on the sample, and `python -m schemacheck.generate`
says in one line what to install; `--check` exits 1 on a stale table; the version is written
once (schemacheck.__version__, which pyproject.toml reads).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_JOB, corpus_queries, requires_corpus
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.fuzzing import DrawChooser, _csl, _kql_command, table_spec

from schemacheck import generate, lalr
from schemacheck.asa import _tables as asa_tables
from schemacheck.asa import lexer as asa_lexer
from schemacheck.kusto import lexer as kusto_lexer
from schemacheck.kusto.scripts import _commands

needs_lark = pytest.mark.skipif(importlib.util.find_spec("lark") is None,
                                reason="lark is not installed (pip install -e '.[test]')")
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# ---- the two parsers, in one normal form ------------------------------------------------------

class Rejected(Exception):
    """The parser refused the text (schemacheck's LexFailure/ParseFailure, Lark's LarkError):
    why, and the token it stopped at as (terminal, start offset) when it says."""

    def __init__(self, why: str, at: tuple[str, int] | None = None) -> None:
        super().__init__(why)
        self.at = at


def tables_tree(text: str, language: lalr.Language, start: str):
    """schemacheck's driver on its tables: the tree in the normal form."""

    def token(value):
        return (value.type, value.text, value.start, value.end) if isinstance(value, lalr.Token) else value

    def node(name):
        return lambda children, first, last: ("node", name, tuple(token(c) for c in children),
                                              (first, last) if last > first else None)

    callbacks = [node(name) for _lhs, _size, name, _keep, _mode, _splice in language.rules]
    try:
        return token(lalr.parse(text, language, callbacks, start))
    except (lalr.LexFailure, lalr.ParseFailure) as failure:
        raise Rejected(repr(failure)) from None


@cache
def lark_parser(name: str):
    lark = pytest.importorskip("lark")
    grammar = generate.GRAMMARS[name]
    return lark.Lark(grammar.text(), parser="lalr", start=list(grammar.starts), propagate_positions=True)


def lark_tree(name: str, text: str, start: str):
    """Lark on the same grammar file: the tree in the normal form."""
    from lark import Tree
    from lark.exceptions import LarkError

    def normal(value):
        if isinstance(value, Tree):
            meta = value.meta
            return ("node", str(value.data), tuple(normal(c) for c in value.children),
                    None if meta.empty else (meta.start_pos, meta.end_pos))
        return (value.type, str(value), value.start_pos, value.end_pos)

    try:
        return normal(lark_parser(name).parse(text, start=start))
    except LarkError as error:
        token = getattr(error, "token", None)
        at = (token.type, token.start_pos) if token is not None and hasattr(token, "start_pos") else None
        raise Rejected(f"{type(error).__name__}: {error}", at) from None


def tokens_of(tree):
    if tree[0] == "node":
        for child in tree[2]:
            yield from tokens_of(child)
    else:
        yield tree


def first_difference(ours, theirs, path="") -> str:
    """Where two normal-form trees first differ, for the failure message."""
    if ours[0] == theirs[0] == "node" and ours[1] == theirs[1] and len(ours[2]) == len(theirs[2]):
        if ours[3] != theirs[3]:
            return f"{path}/{ours[1]}: span {ours[3]} (tables) against {theirs[3]} (Lark)"
        for i, (a, b) in enumerate(zip(ours[2], theirs[2])):
            if a != b:
                return first_difference(a, b, f"{path}/{ours[1]}[{i}]")
    return f"{path or '/'}: {str(ours)[:300]} (tables) against {str(theirs)[:300]} (Lark)"


def outcome(parse, *args):
    try:
        return "tree", parse(*args)
    except Rejected as why:
        return "rejected", why


def compare(name: str, language: lalr.Language, text: str, start: str) -> str | None:
    """None when both parsers agree on `text`, else what differs."""
    ours_kind, ours = outcome(tables_tree, text, language, start)
    theirs_kind, theirs = outcome(lark_tree, name, text, start)
    if name == "asaql" and theirs_kind == "tree":
        reserved = [t[1] for t in tokens_of(theirs) if t[0] == "NAME" and t[1].lower() in asa_lexer.RESERVED_WORDS]
        if reserved:   # the difference by design: see the module's doc
            if ours_kind == "rejected":
                return None
            return f"Lark reads the reserved word(s) {reserved} as names; the tables must reject the text"
    if ours_kind == theirs_kind == "rejected" or ours == theirs:
        return None
    if ours_kind != theirs_kind:
        said = {"tables": ours if ours_kind == "rejected" else "a tree", "Lark": theirs if theirs_kind == "rejected"
                else "a tree"}
        return f"the tables: {said['tables']}; Lark: {said['Lark']}"
    return first_difference(ours, theirs)


def assert_same(name: str, language: lalr.Language, text: str, start: str) -> None:
    difference = compare(name, language, text, start)
    assert difference is None, f"{name} from {start!r} parses differently:\n{difference}\ntext: {text!r}"


# ---- ASA ------------------------------------------------------------------------------------------

def _repository_queries() -> list[Path]:
    return sorted(p for folder in ("samples", "examples", "tests/fixtures")
                  for p in (ROOT / folder).rglob("*.asaql"))


def _grammar_sentences():
    # support.asa_queries' generator (it needs lark for the grammar's rules).
    pytest.importorskip("lark")
    from support.asa_queries import grammar_sentences

    return grammar_sentences()


@needs_lark
@SETTINGS
@given(st.deferred(_grammar_sentences))
@example("")
@example(";;SELECT 1 INTO o FROM i;")
# TIMESTAMP BY ... OVER keys, an analytic OVER with a comment before "(", soft keywords as names
@example("SELECT timestamp, [order] AS partition INTO o FROM i TIMESTAMP BY t OVER k, j PARTITION BY p INTO 4")
@example("SELECT LAG(x) OVER /* w */ (PARTITION BY a LIMIT DURATION(hour, 1) WHEN x > 1) FROM i")
@example("SELECT * FROM a MATCH_RECOGNIZE (PATTERN (x+? (y | z){1,} .) DEFINE x AS v > 1) AS m")
def test_asa_grammar_sentences_parse_alike(text):
    assert_same("asaql", asa_lexer.LANGUAGE, text, "start")


@needs_lark
def test_keys_over_in_the_grammar():
    """An analytic OVER, a line comment, then its "(": Lark reads OVER as schemacheck does (the
    grammar's KEYS_OVER once stopped inside the comment; this test found it)."""
    assert_same("asaql", asa_lexer.LANGUAGE, "SELECT LAG(x) OVER -- c\n(LIMIT DURATION(hour, 1)) FROM i", "start")


@needs_lark
@pytest.mark.parametrize("path", _repository_queries(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_repositorys_queries_parse_alike(path):
    assert_same("asaql", asa_lexer.LANGUAGE, path.read_text(encoding="utf-8"), "start")


@needs_lark
@requires_corpus
@pytest.mark.parametrize("path", corpus_queries(), ids=lambda p: p.name)
def test_the_corpus_queries_parse_alike(path):
    assert_same("asaql", asa_lexer.LANGUAGE, path.read_text(encoding="utf-8"), "start")


# ---- Kusto ----------------------------------------------------------------------------------------

KUSTO_WORDS = {
    # NAME: plain names, and the grammar's soft keywords, which are names wherever no keyword fits.
    "NAME": ("T", "DeviceId", "_x", "x1", "Reading", "string", "long", "type", "table", "tables", "with",
             "to", "column", "columns", "ifexists", "folder"),
    "QUOTED_NAME": ("['a b']", '["x"]', "[ 'it\\'s' ]", "['']", '["é 1"]'),
    "STRING": ("'raw'", '"a \\" b"', "@'c:\\x'", "h'secret'", "''"),
    "NUMBER": ("1", "-2.5", "3e10", "0", "7E-3"),
}
KUSTO_SEPARATORS = (" ", " ", "\n", "\t", " // note\n", "\n\n")


@cache
def _kusto_rules():
    """grammars/kusto.lark as Lark reads it: {rule: [expansion, ...]} with each expansion a tuple
    of (symbol, is terminal), the height of each rule's shallowest derivation, and for each
    terminal its spellings."""
    parser = lark_parser("kusto")
    expansions: dict[str, list] = {}
    for rule in parser.rules:
        expansions.setdefault(rule.origin.name, []).append(tuple((s.name, s.is_term) for s in rule.expansion))
    height: dict[str, int] = {}
    while True:
        before = dict(height)
        for origin, options in expansions.items():
            for option in options:
                heights = [0 if is_term else height.get(name) for name, is_term in option]
                if None not in heights:
                    height[origin] = min(height.get(origin, 1 << 30), 1 + max(heights, default=0))
        if height == before:
            break
    words = dict(KUSTO_WORDS)
    for terminal in parser.terminals:
        pattern = terminal.pattern
        if terminal.name not in words and pattern.type == "str":
            value = pattern.value
            words[terminal.name] = (value, value.upper(), value.capitalize()) if "i" in pattern.flags else (value,)
    return expansions, height, words


@st.composite
def kusto_sentences(draw, start: str):
    """A sentence of grammars/kusto.lark from `start`, tokens separated by white space or comments."""
    expansions, height, words = _kusto_rules()
    out: list[str] = []

    def expand(symbol: str, depth: int) -> None:
        options = expansions[symbol]
        if depth >= 8:   # past this depth, only the shallowest expansions
            options = [o for o in options
                       if 1 + max((0 if t else height[n] for n, t in o), default=0) == height[symbol]]
        for name, is_term in draw(st.sampled_from(options)):
            if is_term:
                out.append(draw(st.sampled_from(words[name])))
                out.append(draw(st.sampled_from(KUSTO_SEPARATORS)))
            else:
                expand(name, depth + 1)

    expand(start, 0)
    return "".join(out)


@st.composite
def fuzzing_kusto(draw):
    """(start, text): a command of a .kql script, or CSL schema text, as tests/support/fuzzing.py writes
    them for schema files (random names and types; some commands set no columns)."""
    ch = DrawChooser(draw)
    specs = [table_spec(ch, valid=ch.coin(0.3)) for _ in range(ch.int(1, 3))]
    if ch.coin(0.25):
        return "csl_schema", _csl(specs[0], ch)
    return "command", _kql_command(ch, specs)


@needs_lark
@SETTINGS
@given(st.sampled_from(["command", "csl_schema"]).flatmap(lambda start: st.tuples(st.just(start),
                                                                                  kusto_sentences(start))))
def test_kusto_grammar_sentences_parse_alike(start_and_text):
    start, text = start_and_text
    assert_same("kusto", kusto_lexer.LANGUAGE, text, start)


@needs_lark
@SETTINGS
@given(fuzzing_kusto())
@example(("command", ".create-merge table ['T 1'] (a:string, ['b']:long) with (folder = 'x', docstring = \"d\")"))
@example(("command", ".alter column db.T.type type=string"))
@example(("csl_schema", "table:string,type:long,with:dynamic"))
def test_kusto_schema_texts_parse_alike(start_and_text):
    start, text = start_and_text
    assert_same("kusto", kusto_lexer.LANGUAGE, text, start)


def _repository_kql_commands() -> list:
    found = []
    for path in sorted(p for folder in ("samples", "examples", "tests/fixtures")
                       for p in (ROOT / folder).rglob("*.kql")):
        text = path.read_text(encoding="utf-8")
        found += [pytest.param(text[start:end], id=f"{path.relative_to(ROOT)}@{start}")
                  for start, end in _commands(text)]
    return found


@needs_lark
@pytest.mark.parametrize("text", _repository_kql_commands())
def test_the_repositorys_kql_commands_parse_alike(text):
    assert_same("kusto", kusto_lexer.LANGUAGE, text, "command")


# ---- the comparison can fail --------------------------------------------------------------------

def _broken(language: lalr.Language, tables, rules=None, actions=None) -> lalr.Language:
    """`language` on a copy of its tables with RULES or ACTIONS replaced."""
    copy = types.SimpleNamespace(**{k: getattr(tables, k) for k in ("TERMINALS", "KEYWORDS", "START_STATES",
                                                                    "END_STATES", "RULES", "ACTIONS")})
    copy.RULES = rules if rules is not None else copy.RULES
    copy.ACTIONS = actions if actions is not None else copy.ACTIONS
    return lalr.Language(copy, language.token, language.operators, language.reserved, language.refine)


@needs_lark
def test_a_broken_table_entry_is_caught():
    """One wrong entry of the tables (a rule's name, the children it keeps, a shift's target)
    makes the comparison fail on the sample query; the tables as generated pass."""
    text = (SAMPLE_JOB / "FleetTelemetry.asaql").read_text(encoding="utf-8")
    language = asa_lexer.LANGUAGE
    assert compare("asaql", language, text, "start") is None
    rules = list(asa_tables.RULES)
    renamed = next(i for i, rule in enumerate(rules) if rule[2] == "select_alias")
    rules[renamed] = rules[renamed][:2] + ("select_assign",) + rules[renamed][3:]
    assert "select_assign" in compare("asaql", _broken(language, asa_tables, rules=rules), text, "start")
    rules = list(asa_tables.RULES)
    rules[renamed] = rules[renamed][:3] + (rules[renamed][3][:-1],) + rules[renamed][4:]
    assert compare("asaql", _broken(language, asa_tables, rules=rules), text, "start") is not None
    # every shift of AS goes to the state another shift of AS goes to
    actions = [dict(row) for row in asa_tables.ACTIONS]
    targets = sorted({row["AS"] for row in actions if row.get("AS", -1) >= 0})
    for row in actions:
        if row.get("AS", -1) >= 0:
            row["AS"] = targets[(targets.index(row["AS"]) + 1) % len(targets)]
    assert compare("asaql", _broken(language, asa_tables, actions=actions), text, "start") is not None


# ---- lark is not needed at run time -------------------------------------------------------------

def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter that imports this checkout's schemacheck, with `import
    lark` failing (as where lark is not installed)."""
    blocked = "import sys; sys.modules['lark'] = None; sys.modules['interegular'] = None\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", blocked + code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_schemacheck_runs_without_lark(tmp_path):
    """Every module imports, and the check of the sample runs to its findings (exit 1), with
    lark not importable; lark is in no runtime dependency."""
    code = f"""
import importlib, pkgutil, schemacheck
for module in pkgutil.walk_packages(schemacheck.__path__, "schemacheck."):
    if not module.name.endswith(".__main__"):
        importlib.import_module(module.name)
from schemacheck.cli import main
code = main(["check", "--no-cache", {str(SAMPLE_JOB)!r}])
assert not [m for m in sys.modules if m.split(".")[0] in ("lark", "interegular") and sys.modules[m] is not None]
print("exit", code)
"""
    result = _python(code, tmp_path)
    assert result.returncode == 0 and result.stdout.strip().endswith("exit 1"), result.stdout + result.stderr


def test_generate_without_lark_says_what_to_install_in_one_line(tmp_path):
    result = _python("import runpy; runpy.run_module('schemacheck.generate', run_name='__main__')", tmp_path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "pip install 'schemacheck[generate]'" in line, line


@needs_lark
def test_generate_check_fails_on_a_stale_table(tmp_path, monkeypatch, capsys):
    """`python -m schemacheck.generate --check` exits 0 on the tables as generated, 1 when one
    is not what its grammar produces (here a copy with one entry changed), and writes nothing."""
    copies = {}
    for name, grammar in generate.GRAMMARS.items():
        copies[name] = tmp_path / f"{name}_tables.py"
        copies[name].write_text(grammar.tables.read_text(encoding="utf-8"), encoding="utf-8")
        monkeypatch.setattr(grammar, "tables", copies[name])
    assert generate.main(["--check"]) == 0
    stale = copies["kusto"].read_text(encoding="utf-8").replace("'COLON': ", "'COLON':  ", 1)
    copies["kusto"].write_text(stale, encoding="utf-8")
    assert generate.main(["--check"]) == 1
    assert f"{copies['kusto']} is stale" in capsys.readouterr().err
    assert copies["kusto"].read_text(encoding="utf-8") == stale


def test_the_version_is_written_once():
    """pyproject.toml takes the version from schemacheck.__version__; lark is a dependency of
    the `generate` and `test` extras only."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    import schemacheck

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "schemacheck.__version__"}
    assert schemacheck.__version__.count(".") == 2
    assert not [d for d in project["project"]["dependencies"] if d.startswith("lark")]
    extras = project["project"]["optional-dependencies"]
    for extra in ("generate", "test"):
        assert any(d.startswith("lark") for d in extras[extra]) and any(d.startswith("interegular")
                                                                         for d in extras[extra]), extra
