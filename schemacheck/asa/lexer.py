"""The ASA query lexer: token shapes, reserved words and operators for schemacheck.lalr.

Keywords are case-insensitive. Clause words (RESERVED_WORDS) are keywords everywhere,
so `SELECT a, FROM x` fails at FROM; every other keyword of the grammar (TIMESTAMP,
PARTITION, ORDER, LIMIT, ...) is one only where the parser can take it, so `timestamp`
or `order` remain usable as column names.
"""

from __future__ import annotations

import re

from schemacheck.asa import _tables
from schemacheck.lalr import Language

# The clause and operator words of T-SQL that ASA uses. A column with one of these
# names must be written [bracketed].
RESERVED_WORDS = frozenset(
    """select from where group by having into union join on with as and or not is null
    like between in case when then else cast try_cast inner left cross outer apply""".split()
)

# Source characters -> the terminals they can be, in order of preference; the first
# one the parser can take in its current state wins.
OPERATORS = {
    "(": ("LPAR",), ")": ("RPAR",), ",": ("COMMA",), ".": ("DOT",), ";": ("SEMICOLON",),
    "*": ("STAR",), "+": ("PLUS",), "-": ("MINUS",), "/": ("SLASH",), "%": ("PERCENT",),
    "~": ("TILDE",), "&": ("BIT_OP",), "^": ("BIT_OP",), "|": ("BIT_OP", "VBAR"),
    "=": ("EQ",), "<>": ("COMP_OP",), "!=": ("COMP_OP",), ">=": ("COMP_OP",),
    "<=": ("COMP_OP",), "!>": ("COMP_OP",), "!<": ("COMP_OP",), ">": ("COMP_OP",),
    "<": ("COMP_OP",), "?": ("QMARK",), "{": ("LBRACE",), "}": ("RBRACE",),
}

# Group order matters: the first alternative that matches wins. The `open_*` groups
# catch a quote, bracket or comment that is never closed.
TOKEN = re.compile(
    r"""
    (?P<ws>[\s\ufeff]+)
  | (?P<comment>--[^\n]*|/\*.*?\*/)
  | (?P<open_comment>/\*)
  | (?P<STRING>[Nn]?'(?:[^']|'')*')
  | (?P<open_string>[Nn]?')
  | (?P<NAME>[^\W\d]\w*)
  | (?P<NUMBER>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<BRACKET_ID>\[(?:[^\]]|\]\])*\])
  | (?P<open_bracket>\[)
  | (?P<DQ_ID>"(?:[^"]|"")*")
  | (?P<open_dq>")
  | (?P<op><>|!=|>=|<=|!>|!<|[-+*/%~&|^=<>(),.;?{}])
    """,
    re.VERBOSE | re.DOTALL,
)

# Only spaces and comments may stand between an analytic OVER and its "(". A comment
# body must not contain "*/": a lazy `.*?` could stretch one over code to a later "*/".
_OPEN_PAREN_AHEAD = re.compile(r"(?:\s|--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)*\(")


def _over(kind: str, row: dict, text: str, end: int) -> str:
    """`TIMESTAMP BY t OVER k1, k2` takes a key list, an analytic `OVER (` a window:
    LALR(1) cannot see the "(" that tells them apart, so the lexer looks ahead."""
    if "KEYS_OVER" in row and (kind != "OVER" or not _OPEN_PAREN_AHEAD.match(text, end)):
        return "KEYS_OVER"
    return kind


LANGUAGE = Language(_tables, TOKEN, OPERATORS, RESERVED_WORDS, {"over": _over})
