"""The language server's pure parts (schemacheck.lsp.analysis) and the command without pygls."""

from __future__ import annotations

import io
import sys

from schemacheck import diagnostics as D
from schemacheck.cli import main
from schemacheck.lsp import analysis as L


def _finding(code: str, line: int) -> D.Diagnostic:
    return D.Diagnostic(code, "warning", "m", "q.asaql", line, 5)


def test_suppression_at_the_end_of_the_line():
    text = "SELECT\n    a AS A\nINTO o FROM i\n"
    assert L.suppression(text, _finding("SC301", 2)) == (2, 11, 2, 11, "  -- schemacheck: ignore[SC301]")


def test_suppression_joins_the_line_directive():
    text = "SELECT\n    a AS A -- schemacheck: ignore[SC102]\nINTO o FROM i\n"
    _, column, _, _, insert = L.suppression(text, _finding("SC301", 2))
    edited = text.split("\n")[1]
    edited = edited[:column - 1] + insert + edited[column - 1:]
    assert edited == "    a AS A -- schemacheck: ignore[SC102, SC301]"
    assert L.suppression(text, _finding("SC102", 2)) is None   # silenced already


def test_suppression_above_a_line_ending_in_a_comment():
    text = "SELECT\n    a AS A -- the id\nINTO o FROM i\n"
    assert L.suppression(text, _finding("SC301", 2)) == (2, 1, 2, 1, "    -- schemacheck: ignore[SC301]\n")


def test_definition_and_symbols_of_a_half_typed_query():
    assert L.query_symbols("WITH s AS (SELECT") is None
    assert L.definition("WITH s AS (SELECT", 1, 6) is None


def test_word_end():
    assert L.word_end("    VehicleId, x", 5) == 14
    assert L.word_end("a", 5) == 6


def test_lsp_without_pygls(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygls", None)
    out, err = io.StringIO(), io.StringIO()
    assert main(["lsp"], out, err) == 2
    assert err.getvalue() == "the language server needs pygls: pip install 'schemacheck[lsp]'\n"
    assert out.getvalue() == ""


def test_the_cli_s_other_commands_import_neither_pygls_nor_the_server():
    import subprocess
    import sys

    from conftest import SAMPLE_JOB

    script = ("import sys, io\nfrom schemacheck.cli import main\n"
              f"main(['check', {str(SAMPLE_JOB)!r}, '--no-cache', '--format', 'json'], io.StringIO(), io.StringIO())\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')"
              " or m.startswith('schemacheck.lsp')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
