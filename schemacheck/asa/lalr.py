"""Lexer and LALR(1) driver for the generated ASA tables (schemacheck/asa/_tables.py).

`parse(text, callbacks)` runs the tables Lark computed from grammars/asaql.lark and
calls `callbacks[rule](children, start, end)` at each reduction, so the caller builds
its own nodes directly (no parse tree). `start`/`end` are character offsets covering
every token of the rule, punctuation included.

The lexer is one regular expression. A word that is a keyword of the grammar becomes
that keyword when it is reserved (RESERVED_WORDS) or when the parser, in its current
state, can take the keyword; otherwise it stays a NAME. This is what lets `timestamp`,
`order` or `partition` be column names while `TIMESTAMP BY` still works, at the cost
of a dictionary look-up instead of one compiled regular expression per parser state.

Errors are raised as `LexFailure` / `ParseFailure` carrying offsets and the expected
terminals; schemacheck.asa.parser turns them into messages for people.
"""

from __future__ import annotations

import re

from schemacheck.asa._tables import ACTIONS, END_STATE, KEYWORDS, RULES, START_STATE

# Words that are keywords wherever they appear: the clause and operator words of
# T-SQL that ASA uses. A column with one of these names must be written [bracketed].
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
_TOKEN = re.compile(
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

BUILD, INLINE, EXPAND1 = 0, 1, 2


class Token:
    """A terminal: its grammar type, its text as written, and its offsets."""

    __slots__ = ("type", "text", "start", "end")

    def __init__(self, type: str, text: str, start: int, end: int) -> None:
        self.type = type
        self.text = text
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Token({self.type}, {self.text!r}, {self.start})"


class LexFailure(Exception):
    """Text that is no token at all. `kind` is the `open_*` group or "char"."""

    def __init__(self, kind: str, start: int) -> None:
        super().__init__(kind, start)
        self.kind = kind
        self.start = start


class ParseFailure(Exception):
    """A token the grammar cannot take here. `states`/`values` are the parser's stacks
    at that point; `last_end` is where the last token taken ends."""

    def __init__(self, token: Token, states: list[int], values: list, last_end: int) -> None:
        super().__init__(token)
        self.token = token
        self.states = states
        self.values = values
        self.last_end = last_end

    @property
    def expected(self) -> frozenset[str]:
        return viable_terminals(self.states)


def viable_terminals(states: list[int]) -> frozenset[str]:
    """The terminals the parser could really shift with this state stack.

    An LALR state's row also lists look-aheads merged in from other contexts; playing
    the reductions out on a copy of the stack keeps only the ones that lead to a shift.
    """
    result = set()
    for terminal in ACTIONS[states[-1]]:
        if not (terminal[0].isupper() or terminal == "$END"):
            continue
        stack = list(states)
        while True:
            action = ACTIONS[stack[-1]].get(terminal)
            if action is None:
                break
            if action >= 0:
                result.add(terminal)
                break
            lhs, size = RULES[~action][:2]
            if size:
                del stack[-size:]
            stack.append(ACTIONS[stack[-1]][lhs])
            if terminal == "$END" and stack[-1] == END_STATE:
                result.add(terminal)
                break
    return frozenset(result)


# Rules whose reduction changes nothing but the parser state: `?x: y` with one child.
_PASSTHROUGH = tuple(
    size == 1 and mode == EXPAND1 and keep == (0,) and not splice
    for _lhs, size, _name, keep, mode, splice in RULES
)


def parse(text: str, callbacks: list) -> object:
    """Parse `text`; `callbacks[i]` builds the node of RULES[i] (unused for inlined rules)."""
    actions = ACTIONS
    rules = RULES
    passthrough = _PASSTHROUGH
    keywords = KEYWORDS
    reserved = RESERVED_WORDS
    operators = OPERATORS
    match = _TOKEN.match
    states = [START_STATE]
    values: list = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    length = len(text)
    while True:
        row = actions[states[-1]]
        if pos < length:
            m = match(text, pos)
            if m is None:
                raise LexFailure("char", pos)
            kind = m.lastgroup
            end = m.end()
            if kind == "ws" or kind == "comment":
                pos = end
                continue
            word = m.group()
            if kind == "NAME":
                lowered = word.lower()
                keyword = keywords.get(lowered)
                if keyword is not None:
                    if lowered in reserved or keyword in row:
                        if lowered == "over" and "KEYS_OVER" in row and not _OPEN_PAREN_AHEAD.match(text, end):
                            kind = "KEYS_OVER"
                        else:
                            kind = keyword
                    elif lowered == "over" and "KEYS_OVER" in row:
                        kind = "KEYS_OVER"
            elif kind == "op":
                candidates = operators[word]
                kind = candidates[0]
                for candidate in candidates:
                    if candidate in row:
                        kind = candidate
                        break
            elif kind.startswith("open_"):
                raise LexFailure(kind, pos)
            token = Token(kind, word, pos, end)
            pos = end
        else:
            kind = "$END"
            token = Token(kind, "", length, length)

        while True:
            action = row.get(kind)
            if action is None:
                raise ParseFailure(token, states, values, ends[-1] if ends else 0)
            if action >= 0:
                states.append(action)
                values.append(token)
                starts.append(token.start)
                ends.append(token.end)
                break
            rule = ~action
            lhs, size, _name, keep, mode, splice = rules[rule]
            if passthrough[rule]:
                states.pop()
            else:
                if size:
                    children_in = values[-size:]
                    start = starts[-size]
                    stop = ends[-1]
                    del values[-size:], starts[-size:], ends[-size:], states[-size:]
                else:
                    children_in = ()
                    start = stop = token.start
                if splice:
                    children = []
                    for i in keep:
                        child = children_in[i]
                        if type(child) is list:
                            children.extend(child)
                        else:
                            children.append(child)
                else:
                    children = [children_in[i] for i in keep]
                if mode == INLINE:
                    result = children
                elif mode == EXPAND1 and len(children) == 1:
                    result = children[0]
                else:
                    result = callbacks[rule](children, start, stop)
                values.append(result)
                starts.append(start)
                ends.append(stop)
            goto = actions[states[-1]][lhs]
            states.append(goto)
            if goto == END_STATE and kind == "$END":
                return values[-1]
            row = actions[goto]
