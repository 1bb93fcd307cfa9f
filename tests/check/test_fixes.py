"""`schemacheck check --fix` and `--diff` (schemacheck/fixes.py, through schemacheck.cli).

Each case is a copy, in a temporary folder that is the working directory, of a job as
schemacheck finds them: the sample project, lone queries with --schema (LF, CRLF, UTF-8
with a byte order mark, UTF-16 LE and BE), an ARM template holding the query in a JSON
string, and the suggest fixtures. For each:

- --fix: every finding whose edit the first check carried is gone from the check that
  follows, no query stops parsing, and the files differ from the originals only inside
  the ranges of those edits (everything between them is byte for byte the same, in
  order; the encoding, byte order mark and line ends are kept);
- --diff writes nothing, exits 1 when --fix would change something, and prints exactly
  what --fix then writes: as the test's own difflib diff of the files before and after,
  and applied with `patch -p1` to another copy;
- a second --fix changes nothing; --diff after --fix prints nothing and exits 0;
- findings whose fix is table-side only are still reported, and no other file changes.
"""

from __future__ import annotations

import codecs
import difflib
import io
import json
import os
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SAMPLE_JOB, run_cli
from schemacheck import diagnostics as D
from schemacheck.asa.analysis import analyze
from schemacheck.check import Tables, Target, check_text
from schemacheck.config import Config
from schemacheck.fixes import apply_edits, choose, run_fixes
from schemacheck.kusto.schema import Column, TableCatalog, TableSchema
from support.select_lists import _alias, items, table_columns   # the generated queries of suggest's property test

# ---- cases ---------------------------------------------------------------------------------

QUERY = ("-- telemetry into ADX\n"
         "SELECT\n"
         "    TRY_CAST(x AS float) AS reading,\n"
         "    DeviceID,\n"
         "    CAST(t AS datetime) AS [ts], -- kept: no finding\n"
         "    'é' AS Note\n"
         "INTO [out]\n"
         "FROM [in]\n")
TABLE = ".create table Telemetry (DeviceId: string, Reading: long, ts: datetime, Note: string, Extra: int)\n"
LONE_ARGS = ["q.asaql", "--schema", "t.kql", "--target", "out=Telemetry"]


def _lone(root, newline="\n", encoding="utf-8", bom=b""):
    (root / "q.asaql").write_bytes(bom + QUERY.replace("\n", newline).encode(encoding))
    (root / "t.kql").write_text(TABLE, encoding="utf-8")
    return LONE_ARGS


def _sample(root):
    shutil.copytree(SAMPLE_JOB, root / "fleet")
    return ["fleet"]


ARM_ITEM = "currency AS Currency"
# A select item with a double quote, a backslash and a non-ASCII letter in a string literal, and an
# alias in the wrong case: its rewrite must be escaped as the JSON string holds it.
ARM_ITEM_RAW = r"""CONCAT(currency, '\"é\\') AS currency"""
ARM_ITEM_DECODED = """CONCAT(currency, '"é\\') AS Currency"""


def _arm(root):
    folder = root / "arm"
    shutil.copytree(FIXTURES / "jobs" / "cases" / "arm-template", folder)
    template = folder / "payments.json"
    text = template.read_text(encoding="utf-8")
    assert text.count(ARM_ITEM) == 1
    template.write_text(text.replace(ARM_ITEM, ARM_ITEM_RAW), encoding="utf-8")
    return ["arm"]


def _arm_parameters(root):
    """The template case with the query in the parameters file: `[parameters('query')]`."""
    _arm(root)
    template, parameters = root / "arm" / "payments.json", root / "arm" / "payments.parameters.json"
    text = template.read_text(encoding="utf-8")
    raw = re.search(r'"query": ("(?:[^"\\]|\\.)*")', text).group(1)
    text = text.replace(f'"query": {raw}', '"query": "[parameters(\'query\')]"')
    text = text.replace('"parameters": {', '"parameters": {\n    "query": {\n      "type": "string"\n    },', 1)
    template.write_text(text, encoding="utf-8")
    values = parameters.read_text(encoding="utf-8")
    parameters.write_text(values.replace('"parameters": {', '"parameters": {\n    "query": {\n      "value": '
                                         f'{raw}\n    }},', 1), encoding="utf-8")
    return ["arm"]


def _suggest_fixture(name):
    def setup(root):
        shutil.copytree(FIXTURES / "suggest" / name, root / name)
        return [f"{name}/query.asaql"]
    return setup


# Queries in strings of Terraform and Bicep files: each case has a case slip that --fix
# rewrites inside the string, written as the string's syntax needs.
_TF_QUERY = "transformation_query = <<QUERY\n"


def _terraform(style):
    def setup(root):
        folder = root / "tf"
        shutil.copytree(FIXTURES / "iac" / "terraform-azapi-adx", folder)
        main = folder / "main.tf"
        text = main.read_text(encoding="utf-8")
        start = text.index(_TF_QUERY) + len(_TF_QUERY)
        end = text.index("QUERY\n", start)
        query = text[start:end].replace("AS DeviceId,\n    CAST(Temperature", "AS deviceid,\n    CAST(Temperature", 1)
        assert "AS deviceid" in query
        if style == "indented":   # <<-: every line indented four more, the value unchanged
            written = "<<-QUERY\n" + "".join("    " + line if line.strip() else line
                                             for line in query.splitlines(True)) + "    QUERY\n"
        elif style == "quoted":   # line breaks and quotes as escapes; "${" in a literal escaped
            query = query.replace("AS deviceid,", "AS deviceid, 'a \"${b}\" \\' AS Note,", 1)
            written = '"' + (query.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${")
                             .replace("\n", "\\n")) + '"\n'
        else:
            written = "<<QUERY\n" + query + "QUERY\n"
        main.write_text(text[:start - len("<<QUERY\n")] + written + text[end + len("QUERY\n"):], encoding="utf-8")
        return ["tf"]
    return setup


def _bicep(style):
    def setup(root):
        folder = root / "bicep"
        shutil.copytree(FIXTURES / "iac" / "bicep-children", folder)
        main = folder / "main.bicep"
        text = main.read_text(encoding="utf-8")
        if style == "quoted":   # one line: line breaks, quotes, backslashes and "${" as escapes
            opener = "query: " + "'" * 3
            start = text.index(opener) + len("query: ")
            end = text.index("'" * 3, start + 3) + 3
            query = text[start + 3:end - 3]
            query = query[1:] if query.startswith("\n") else query
            query = query.replace("AS vehicleid,", "AS vehicleid, 'it''s \\ ${x}' AS Note,", 1)
            written = "'" + (query.replace("\\", "\\\\").replace("'", "\\'").replace("${", "\\${")
                             .replace("\n", "\\n")) + "'"
            text = text[:start] + written + text[end:]
        main.write_text(text, encoding="utf-8")
        return ["bicep"]
    return setup


CASES = {
    "sample": _sample,
    "terraform-heredoc": _terraform("heredoc"),
    "terraform-indented-heredoc": _terraform("indented"),
    "terraform-quoted": _terraform("quoted"),
    "bicep-triple-quoted": _bicep("triple"),
    "bicep-quoted": _bicep("quoted"),
    "lone-lf": _lone,
    "lone-crlf": lambda root: _lone(root, "\r\n"),
    "lone-utf8-bom": lambda root: _lone(root, "\r\n", "utf-8", codecs.BOM_UTF8),
    "lone-utf16-le": lambda root: _lone(root, "\r\n", "utf-16-le", codecs.BOM_UTF16_LE),
    "lone-utf16-be": lambda root: _lone(root, "\n", "utf-16-be", codecs.BOM_UTF16_BE),
    "arm-template": _arm,
    "arm-parameters": _arm_parameters,
    "suggest-names": _suggest_fixture("names"),
    "suggest-types": _suggest_fixture("types"),
}


@pytest.fixture(params=sorted(CASES))
def case(request, tmp_path, monkeypatch):
    """(arguments of `schemacheck check`, root folder) of a fresh copy, the working directory."""
    root = tmp_path / "work"
    root.mkdir()
    monkeypatch.chdir(root)
    return CASES[request.param](root), root


# ---- helpers -----------------------------------------------------------------------------------

def checked(args) -> list:
    """The checks `schemacheck check ARGS` reports, from the command's own pipeline."""
    from schemacheck.cli.arguments import build_parser
    from schemacheck.cli.commands.check import checked as run_checks
    from schemacheck.cli.output import Session

    run = run_checks(build_parser().parse_args(["check", *args]), Session(io.StringIO(), io.StringIO(), {}))
    return [e for e in run.entries if hasattr(e, "diagnostics")]


def snapshot(root) -> dict:
    """Every file under `root`: its bytes and modification time."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def decoded(data: bytes) -> str:
    from schemacheck.files import decode

    return decode(data, "file")


def offsets(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[line - 1] + column - 1


def edited_ranges(text: str, edits) -> list[tuple[int, int]]:
    """The edits' ranges in `text` as offsets, overlapping ones merged."""
    ranges = sorted((offsets(text, e.line, e.column), offsets(text, e.end_line, e.end_column)) for e in edits)
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(r) for r in merged]


def assert_changed_only_inside(before: str, after: str, ranges) -> None:
    """`after` is `before` with only the text inside `ranges` replaced: every piece between
    the ranges is there, unchanged and in order."""
    pieces, at = [], 0
    for start, end in ranges:
        pieces.append(before[at:start])
        at = end
    pieces.append(before[at:])
    pattern = "(.*?)".join(re.escape(p) for p in pieces)
    assert re.fullmatch(pattern, after, re.DOTALL), "text outside the edited ranges changed"


def key(d: D.Diagnostic) -> tuple:
    return (d.code, d.query_column, d.table_column)


def fixable(checks) -> list[D.Diagnostic]:
    from schemacheck.fixes import NOT_APPLIED

    return [d for c in checks for d in c.diagnostics if d.edit is not None and d.code not in NOT_APPLIED]


def lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def as_text(data: bytes) -> str:
    """A file's text as the diff shows it: UTF-16 decoded, UTF-8 with its byte order mark."""
    return decoded(data) if is_utf16(data) else data.decode("utf-8")


def expected_diff(root, before: dict, after: dict) -> str:
    """The unified diff of every file that changed, with difflib (paths relative to the
    working directory, as there is no repository around it)."""
    out = []
    for name in sorted(after):
        old, new = as_text(before[name][0]), as_text(after[name][0])
        if old == new:
            continue
        for line in difflib.unified_diff(lines(old), lines(new), f"a/{name}", f"b/{name}"):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


ENCODINGS = {b"": "utf-8", codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le",
             codecs.BOM_UTF16_BE: "utf-16-be"}


def bom(data: bytes) -> bytes:
    return next((mark for mark in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) if data.startswith(mark)),
                b"")


def is_utf16(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


# ---- --fix ---------------------------------------------------------------------------------------

def test_fix_clears_each_fixable_finding_and_changes_nothing_else(case):
    args, root = case
    before_checks = checked(args)
    edits = fixable(before_checks)
    assert edits, "the case should have findings with a query-side fix"
    before = snapshot(root)
    code, out, err = run_cli("check", *args, "--fix")
    after = snapshot(root)
    changed = sorted(name for name in after if after[name][0] != before[name][0])
    assert changed
    summary = re.search(r"schemacheck: fixed (\d+) findings? in (\d+) files?\n", err)
    assert summary and int(summary.group(1)) >= len(edits) and int(summary.group(2)) == len(changed)

    again = checked(args)
    remaining = {key(d) for c in again for d in c.diagnostics}
    assert not [d for d in edits if key(d) in remaining]
    assert not [d for c in again for d in c.diagnostics if d.code == "SC001"]
    failing = any(d.severity == D.ERROR for c in again for d in c.diagnostics)
    assert code == (1 if failing else 0)
    assert out.strip(), "the findings left are reported"

    for name in changed:
        old, new = before[name][0], after[name][0]
        # Encoding, byte order mark and line ends as they were.
        assert bom(new) == bom(old)
        old_text, new_text = decoded(old), decoded(new)
        assert new == bom(old) + new_text.encode(ENCODINGS[bom(old)])
        assert (old_text.count("\r\n") == old_text.count("\n")) == (new_text.count("\r\n") == new_text.count("\n"))
        in_file = [d.edit for d in edits if os.path.realpath(d.edit.file) == os.path.realpath(root / name)]
        assert in_file, f"{name} changed without an edit in it"
        assert_changed_only_inside(old_text, new_text, edited_ranges(old_text, in_file))


def test_table_side_findings_are_left_alone(case):
    args, root = case
    before_checks = checked(args)
    holding = {os.path.realpath(d.edit.file) for d in fixable(before_checks)}
    table_side = [d for c in before_checks for d in c.diagnostics if d.command is not None and d.edit is None]
    before = snapshot(root)
    run_cli("check", *args, "--fix")
    after = snapshot(root)
    changed = {n for n in after if after[n][0] != before[n][0]}
    assert changed <= {n for n in after if os.path.realpath(root / n) in holding}
    remaining = {key(d) for c in checked(args) for d in c.diagnostics}
    assert {key(d) for d in table_side} <= remaining


def test_fix_is_idempotent(case):
    args, root = case
    run_cli("check", *args, "--fix")
    fixed = snapshot(root)
    code, out, err = run_cli("check", *args, "--fix")
    assert "fixed" not in err
    assert snapshot(root) == fixed
    assert run_cli("check", *args, "--diff")[:2] == (0, "")


@pytest.mark.parametrize("setup, holder", [(_arm, "payments.json"), (_arm_parameters, "payments.parameters.json")])
def test_a_rewrite_in_a_template_is_escaped_as_its_json_string(setup, holder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = setup(tmp_path)
    before = snapshot(tmp_path / "arm")
    assert run_cli("check", *args, "--fix")[0] == 0
    after = snapshot(tmp_path / "arm")
    assert [n for n in after if after[n] != before[n]] == [holder]
    document = json.loads(after[holder][0])
    queries = [r["properties"]["query"] for r in document.get("resources", []) if "query" in r.get("properties", {})]
    query = queries[0] if holder == "payments.json" else document["parameters"]["query"]["value"]
    assert ARM_ITEM_DECODED in query
    assert json.loads(before[holder][0]) != document


# ---- --diff --------------------------------------------------------------------------------------

def test_diff_is_what_fix_writes_and_writes_nothing(case, tmp_path):
    args, root = case
    before = snapshot(root)
    code, diff, err = run_cli("check", *args, "--diff")
    assert snapshot(root) == before, "--diff wrote a file"
    assert code == 1 and diff.startswith("--- a/")
    assert re.search(r"schemacheck: would fix \d+ findings? in \d+ files?\n", err)
    untouched = tmp_path / "patched"
    shutil.copytree(root, untouched)

    run_cli("check", *args, "--fix")
    after = snapshot(root)
    assert diff == expected_diff(root, before, after)
    if not any(is_utf16(data) for data, _ in before.values()):   # patch reads bytes: not UTF-16
        subprocess.run(["patch", "-p1", "--quiet", "--batch", "-d", str(untouched)], input=diff.encode("utf-8"),
                       check=True, timeout=60)
        assert {n: data for n, (data, _) in snapshot(untouched).items()} == {n: data for n, (data, _) in after.items()}


def test_diff_paths_are_relative_to_the_repository(tmp_path, monkeypatch):
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    jobs = repository / "jobs" / "telemetry"
    jobs.mkdir(parents=True)
    monkeypatch.chdir(jobs)
    _lone(jobs)
    code, diff, _ = run_cli("check", *LONE_ARGS, "--diff")
    assert code == 1
    assert diff.splitlines()[:2] == ["--- a/jobs/telemetry/q.asaql", "+++ b/jobs/telemetry/q.asaql"]
    copy = tmp_path / "copy"
    shutil.copytree(repository, copy)
    subprocess.run(["patch", "-p1", "--quiet", "--batch", "-d", str(copy)], input=diff.encode("utf-8"), check=True,
                   timeout=60)
    run_cli("check", *LONE_ARGS, "--fix")
    assert (copy / "jobs" / "telemetry" / "q.asaql").read_bytes() == (jobs / "q.asaql").read_bytes()


def test_nothing_to_fix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.asaql").write_text("SELECT CAST(a AS bigint) AS a INTO [out] FROM [in]\n", encoding="utf-8")
    (tmp_path / "t.kql").write_text(".create table T (a: long)\n", encoding="utf-8")
    args = ["q.asaql", "--schema", "t.kql", "--target", "out=T"]
    assert run_cli("check", *args, "--diff") == (0, "", "")
    before = snapshot(tmp_path)
    code, _, err = run_cli("check", *args, "--fix")
    assert (code, err) == (0, "") and snapshot(tmp_path) == before


# ---- the command line ------------------------------------------------------------------------------

def test_fix_and_diff_together_are_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _lone(tmp_path)
    before = snapshot(tmp_path)
    code, out, err = run_cli("check", *LONE_ARGS, "--fix", "--diff")
    assert code == 2 and out == "" and "--diff" in err and "--fix" in err
    assert snapshot(tmp_path) == before


def test_fix_and_diff_runs_are_never_cached(tmp_path, monkeypatch):
    from pathlib import Path

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    _lone(work)
    cache = Path(os.environ["SCHEMACHECK_CACHE_DIR"])   # conftest's, empty at the start of each test

    def stored():
        return sorted(str(p) for p in cache.rglob("*") if p.is_file()) if cache.exists() else []

    plain = run_cli("check", *LONE_ARGS)
    assert plain[0] == 1 and len(stored()) == 1
    entries = stored()
    for flag in ("--diff", "--di"):
        assert run_cli("check", *LONE_ARGS, flag)[0] == 1
        assert run_cli("check", *LONE_ARGS, flag)[0] == 1
    assert stored() == entries
    original = (work / "q.asaql").read_bytes()
    run_cli("check", *LONE_ARGS, "--fi")
    assert (work / "q.asaql").read_bytes() != original
    assert stored() == entries
    # The plain check answers afresh: the query it read has changed.
    assert run_cli("check", *LONE_ARGS) != plain


# ---- the passes, directly ----------------------------------------------------------------------------

def fake_checks(path, edit_of, code="SC102"):
    """A check of one query file whose findings are the query's real analysis (so a syntax
    error or a lost statement shows) and one finding proposing `edit_of(text)`; it reads the
    file as the command does (through the fixes' overlay during re-checks). The passes take
    the check as a parameter: this is the input a test chooses, not a stand-in for a module."""
    from schemacheck.asa.analysis import analyze
    from schemacheck.check.run import Run
    from schemacheck.files import read_text_file

    def checks(first):
        text = read_text_file(str(path))
        analysis = analyze(text, file=str(path))
        query = SimpleNamespace(text=text, file=str(path), json_string_at=None, at=None, placed=None)
        finding = D.Diagnostic(code, D.RULES[code].severity, "m", str(path), 1, 1, edit=edit_of(text))
        entry = SimpleNamespace(job=SimpleNamespace(job=SimpleNamespace(query=query)),
                                diagnostics=analysis.diagnostics + (finding,), analysis=analysis, file=str(path))
        return Run((entry,), ("error",))
    return checks


def test_a_fix_that_would_break_the_query_is_not_applied(tmp_path):
    path = tmp_path / "q.asaql"
    path.write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    fixes = run_fixes(fake_checks(path, lambda text: D.Edit(str(path), 1, 8, 1, 9, "A ((")))
    assert fixes.changed == [] and fixes.undone == [os.path.realpath(path)]
    assert any("a fix would have broken its query" in note for note in fixes.notes())
    assert path.read_text(encoding="utf-8") == "SELECT a INTO o FROM i\n"


def test_a_guessed_cast_of_an_untyped_value_is_offered_not_applied(tmp_path):
    path = tmp_path / "q.asaql"
    path.write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    fixes = run_fixes(fake_checks(path, lambda text: D.Edit(str(path), 1, 8, 1, 9, "CAST(a AS bigint) AS a"),
                                  code="SC203"))
    assert (fixes.count, fixes.changed) == (0, [])


def test_the_passes_are_bounded(tmp_path):
    path = tmp_path / "q.asaql"
    path.write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    fixes = run_fixes(fake_checks(path, lambda text: D.Edit(str(path), 1, 1, 1, 1, "-- again\n")), max_passes=3)
    assert (fixes.passes, fixes.converged, fixes.count) == (3, False, 3)
    assert fixes.texts[os.path.realpath(path)] == "-- again\n" * 3 + "SELECT a INTO o FROM i\n"
    assert path.read_text(encoding="utf-8") == "SELECT a INTO o FROM i\n"   # nothing written
    assert any("did not settle" in note for note in fixes.notes())


def test_fixes_that_go_round_stop(tmp_path):
    path = tmp_path / "q.asaql"
    path.write_text("SELECT a INTO o FROM i\n", encoding="utf-8")

    def toggle(text):
        return D.Edit(str(path), 1, 8, 1, 9, "b" if text[7] == "a" else "a")

    fixes = run_fixes(fake_checks(path, toggle))
    assert fixes.passes == 2 and not fixes.converged and fixes.changed == []


def test_one_pass_applies_no_overlapping_edits():
    text = "SELECT a, b INTO o FROM i"
    a = D.Edit("q", 1, 8, 1, 9, "A")
    wider = D.Edit("q", 1, 8, 1, 12, "x, y")
    insertion = D.Edit("q", 1, 8, 1, 8, "z")
    b = D.Edit("q", 1, 11, 1, 12, "B")
    same = D.Edit("q", 1, 11, 1, 12, "B")
    noop = D.Edit("q", 1, 1, 1, 7, "SELECT")
    outside = D.Edit("q", 1, 40, 1, 41, "!")
    planned = choose(text, [(e, i) for i, e in enumerate([wider, a, insertion, b, same, noop, outside])])
    assert [(p.start, p.end, p.text, p.findings) for p in planned] == [(7, 7, "z", (2,)), (10, 11, "B", (3, 4))]
    assert apply_edits(text, [a, b]) == "SELECT A, B INTO o FROM i"


# ---- property: any subset of the fixes keeps the query parsing -------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items, min_size=1, max_size=6), table_columns, st.sampled_from(["1.0", "1.2"]), st.data())
def test_any_subset_of_the_fixes_keeps_the_query_parsing(select, columns, level, data):
    query = "SELECT" + ",".join(f"{space or ' '}{expr}{_alias(name, style)}" for expr, name, style, space in select)
    query += "\nINTO o\nFROM i\nGROUP BY a, TumblingWindow(minute, 1)"
    table = TableSchema("T", None, tuple(Column(n, t, t) for n, t in columns), "t.kql")
    check = check_text(query, "q.asaql", Tables((), {"adx": TableCatalog((table,))}), {"o": Target("o", "T")}, Config(), level)
    if any(d.code == "SC001" for d in check.diagnostics):
        return
    edits = [d.edit for d in check.diagnostics if d.edit is not None]
    subset = data.draw(st.lists(st.sampled_from(edits), unique=True)) if edits else []
    fixed = apply_edits(query, subset)
    again = analyze(fixed, file="q.asaql", level=level)
    assert not [d for d in again.diagnostics if d.code == "SC001"], fixed
    assert len(again.outputs[0].columns) == len(analyze(query, level=level).outputs[0].columns)
    assert_changed_only_inside(query, fixed, edited_ranges(query, subset))
    assert apply_edits(fixed, []) == fixed
