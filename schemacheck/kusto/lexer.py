"""The lexer for Kusto table commands and CSL schema text (grammars/kusto.lark).

Command words (`.create`, `.create-merge`, ...) are recognised only where a word
starts after white space, so `T.c` stays a table and a column. Names are plain
identifiers or quoted as `['name']` / `["name"]`.
"""

from __future__ import annotations

import re

from schemacheck.kusto import _tables
from schemacheck.lalr import Language

OPERATORS = {
    "(": ("LPAR",), ")": ("RPAR",), ",": ("COMMA",), ".": ("DOT",), ":": ("COLON",), "=": ("EQUAL",),
    ".create": ("CREATE",), ".create-merge": ("CREATE_MERGE",), ".alter": ("ALTER",),
    ".alter-merge": ("ALTER_MERGE",), ".drop": ("DROP",), ".rename": ("RENAME",),
}

TOKEN = re.compile(
    r"""
    (?P<ws>[\s\ufeff]+)
  | (?P<comment>//[^\n]*)
  | (?P<op>(?<!\S)\.(?:create-merge|create|alter-merge|alter|drop|rename)(?![\w-])|[(),.:=])
  | (?P<OTHER_COMMAND>(?<!\S)\.[A-Za-z][\w-]*)
  | (?P<QUOTED_NAME>\[\s*'(?:[^'\\]|\\.)*'\s*\]|\[\s*"(?:[^"\\]|\\.)*"\s*\])
  | (?P<open_name>\[\s*['"])
  | (?P<STRING>[@hH]?'(?:[^'\\\n]|\\.)*'|[@hH]?"(?:[^"\\\n]|\\.)*")
  | (?P<open_string>[@hH]?['"])
  | (?P<NAME>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<NUMBER>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    """,
    re.VERBOSE | re.IGNORECASE,
)


class _Commands(dict):
    """Command words in any case map to their terminal."""

    def __missing__(self, key: str) -> tuple[str, ...]:
        return dict.__getitem__(self, key.lower())


LANGUAGE = Language(_tables, TOKEN, _Commands(OPERATORS))
