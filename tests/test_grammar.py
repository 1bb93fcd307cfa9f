"""The grammar itself: LALR(1) without conflicts, generated tables current, lexer complete."""

from __future__ import annotations

import pytest

from schemacheck.asa import _tables, generate, lalr
from schemacheck.asa.parser import terminal_words

GRAMMAR = generate.grammar_path().read_text(encoding="utf-8")
REGEX_TERMINALS = {"NAME", "NUMBER", "STRING", "BRACKET_ID", "DQ_ID", "KEYS_OVER"}
IGNORED = {"WS", "LINE_COMMENT", "BLOCK_COMMENT", "$END"}


def test_grammar_builds_as_lalr_without_any_conflict():
    lark = pytest.importorskip("lark")
    # strict=True turns every shift/reduce conflict (and colliding terminals) into an error
    parser = generate.build_lark(GRAMMAR)
    assert parser.options.parser == "lalr"
    with pytest.raises(lark.exceptions.GrammarError):
        generate.build_lark(GRAMMAR.replace("path: name\n    | path \".\" name", "path: name (\".\" name)*"))


def test_generated_tables_match_the_grammar():
    pytest.importorskip("lark")
    assert generate.render_tables(GRAMMAR) == generate.TABLES_PATH.read_text(encoding="utf-8"), (
        "grammars/asaql.lark changed: run python -m schemacheck.asa.generate")


def test_the_lexer_can_produce_every_terminal_of_the_grammar():
    producible = set(_tables.KEYWORDS.values()) | REGEX_TERMINALS
    for candidates in lalr.OPERATORS.values():
        producible.update(candidates)
    missing = set(_tables.TERMINALS) - IGNORED - producible
    assert not missing, f"terminals the lexer never produces: {sorted(missing)}"


def test_reserved_words_are_keywords_of_the_grammar():
    assert lalr.RESERVED_WORDS <= set(_tables.KEYWORDS)


def test_every_terminal_has_user_words():
    for terminal in set(_tables.TERMINALS) - IGNORED - set(_tables.KEYWORDS.values()):
        assert terminal_words(terminal) != terminal, terminal
