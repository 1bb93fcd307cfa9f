"""The grammars: LALR(1) without conflicts, generated tables current, lexers complete."""

from __future__ import annotations

import pytest

from schemacheck import generate
from schemacheck.asa import _tables as asa_tables
from schemacheck.asa import lexer as asa_lexer
from schemacheck.asa.parser import terminal_words
from schemacheck.kusto import _tables as kusto_tables
from schemacheck.kusto import lexer as kusto_lexer

IGNORED = {"WS", "LINE_COMMENT", "BLOCK_COMMENT", "COMMENT", "$END"}


@pytest.mark.parametrize("name", sorted(generate.GRAMMARS))
def test_grammar_builds_as_lalr_without_any_conflict(name):
    pytest.importorskip("lark")
    grammar = generate.GRAMMARS[name]
    # strict=True turns every shift/reduce conflict (and colliding terminals) into an error
    assert generate.build_lark(grammar.text(), grammar.starts).options.parser == "lalr"


def test_a_conflict_is_an_error():
    lark = pytest.importorskip("lark")
    text = generate.GRAMMARS["asaql"].text()
    with pytest.raises(lark.exceptions.GrammarError):
        generate.build_lark(text.replace("path: name\n    | path \".\" name", "path: name (\".\" name)*"))


@pytest.mark.parametrize("name", sorted(generate.GRAMMARS))
def test_generated_tables_match_the_grammar(name):
    pytest.importorskip("lark")
    grammar = generate.GRAMMARS[name]
    assert generate.render_tables(name) == grammar.tables.read_text(encoding="utf-8"), (
        f"grammars/{grammar.file} changed: run python -m schemacheck.generate")


@pytest.mark.parametrize("tables, language, regex_terminals", [
    (asa_tables, asa_lexer.LANGUAGE, {"NAME", "NUMBER", "STRING", "BRACKET_ID", "DQ_ID", "KEYS_OVER"}),
    (kusto_tables, kusto_lexer.LANGUAGE, {"NAME", "NUMBER", "STRING", "QUOTED_NAME"}),
], ids=["asaql", "kusto"])
def test_the_lexer_can_produce_every_terminal_of_the_grammar(tables, language, regex_terminals):
    producible = set(tables.KEYWORDS.values()) | regex_terminals | set(language.token.groupindex)
    for candidates in language.operators.values():
        producible.update(candidates)
    missing = set(tables.TERMINALS) - IGNORED - producible
    assert not missing, f"terminals the lexer never produces: {sorted(missing)}"


def test_reserved_words_are_keywords_of_the_grammar():
    assert asa_lexer.RESERVED_WORDS <= set(asa_tables.KEYWORDS)


def test_every_asa_terminal_has_user_words():
    for terminal in set(asa_tables.TERMINALS) - IGNORED - set(asa_tables.KEYWORDS.values()):
        assert terminal_words(terminal) != terminal, terminal
