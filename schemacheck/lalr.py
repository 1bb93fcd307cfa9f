"""A lexer and LALR(1) driver for the parse tables generated from grammars/*.lark.

`parse(text, language, callbacks, start)` runs the tables that Lark computed (see
schemacheck.generate) and calls `callbacks[rule](children, start, end)` at each
reduction, so the caller builds its own nodes directly (no parse tree). `start`/`end`
are character offsets covering every token of the rule, punctuation included.

A `Language` pairs the tables with a lexer: one regular expression whose named groups
are token kinds. A word that is a keyword of the grammar becomes that keyword when it
is reserved or when the parser, in its current state, can take the keyword; otherwise
it stays a NAME. This is what lets `timestamp`, `order` or `table` be plain names
where no keyword fits, at the cost of a dictionary look-up instead of one compiled
regular expression per parser state (Lark's contextual lexer).

Errors are raised as `LexFailure` / `ParseFailure` carrying offsets and the parser's
state; each language's parser module turns them into messages for people.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping

from schemacheck.files import line_offsets

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any

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


def _span_tuple(*parts: int) -> tuple[int, ...]:
    return parts


class LineMap:
    """Character offsets -> 1-based (line, column); `span` builds `make_span(line, column,
    end_line, end_column)` for the offsets of a node."""

    __slots__ = ("text", "starts", "make_span")

    def __init__(self, text: str, make_span: Callable | None = None) -> None:
        self.text = text
        self.make_span = make_span or _span_tuple
        self.starts = line_offsets(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int):
        starts = self.starts
        line = bisect_right(starts, start)
        end_line = line if end - start < 2 else bisect_right(starts, end, line - 1)
        return self.make_span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1)

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]


class Language:
    """Generated tables (a module with ACTIONS, RULES, KEYWORDS, START_STATES, END_STATES)
    plus the lexer that feeds them.

    `token` is the lexer's regular expression: group `ws` and `comment` are skipped,
    `open_*` groups are errors (an unclosed quote or comment), `NAME` may become a
    keyword, `op` is looked up in `operators` (text -> terminals in order of
    preference), any other group is the terminal of that name. `refine[word]` may
    change the terminal chosen for a keyword: `refine(kind, row, text, end) -> kind`.

    A language whose tokens depend on more than one regular expression can tell (HCL's
    and Bicep's significant line breaks, heredocs, string templates) gives `tokenizer`:
    `tokenizer(text)` yields (kind, text, start, end) in order, with the same meaning of
    `NAME` and `op`; `token` is then unused.
    """

    def __init__(self, tables, token: re.Pattern | None, operators: Mapping[str, tuple[str, ...]],
                 reserved: frozenset[str] = frozenset(),
                 refine: Mapping[str, Callable[[str, dict, str, int], str]] | None = None,
                 tokenizer: Callable | None = None) -> None:
        self.actions = tables.ACTIONS
        self.rules = tables.RULES
        self.keywords = tables.KEYWORDS
        self.start_states = tables.START_STATES
        self.end_states = tables.END_STATES
        self.terminals = tables.TERMINALS
        self.token = token
        self.operators = operators
        self.reserved = reserved
        self.refine = dict(refine or {})
        self.tokenizer = tokenizer
        # Rules whose reduction changes nothing but the parser state: `?x: y` with one child.
        self.passthrough = tuple(
            size == 1 and mode == EXPAND1 and keep == (0,) and not splice
            for _lhs, size, _name, keep, mode, splice in self.rules
        )
        # Rules that keep every child in order: the slice of the value stack is the children.
        self.keep_all = tuple(keep == tuple(range(size)) for _lhs, size, _name, keep, _mode, _splice in self.rules)


class LexFailure(Exception):
    """Text that is no token at all. `kind` is the `open_*` group or "char"."""

    def __init__(self, kind: str, start: int) -> None:
        super().__init__(kind, start)
        self.kind = kind
        self.start = start


class ParseFailure(Exception):
    """A token the grammar cannot take here. `states`/`values` are the parser's stacks
    at that point; `last_end` is where the last token taken ends."""

    def __init__(self, language: Language, start: str, token: Token, states: list[int], values: list,
                 last_end: int) -> None:
        super().__init__(token)
        self.language = language
        self.start = start
        self.token = token
        self.states = states
        self.values = values
        self.last_end = last_end

    @property
    def expected(self) -> frozenset[str]:
        return viable_terminals(self.language, self.start, self.states)


def either(words: list[str]) -> str:
    """The words of a parse error's "expected ...": `a, b or c` ("something else" for none)."""
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def viable_terminals(language: Language, start: str, states: list[int]) -> frozenset[str]:
    """The terminals the parser could really shift with this state stack.

    An LALR state's row also lists look-aheads merged in from other contexts; playing
    the reductions out on a copy of the stack keeps only the ones that lead to a shift.
    """
    actions = language.actions
    end_state = language.end_states[start]
    result = set()
    for terminal in actions[states[-1]]:
        if not (terminal[0].isupper() or terminal == "$END"):
            continue
        stack = list(states)
        while True:
            action = actions[stack[-1]].get(terminal)
            if action is None:
                break
            if action >= 0:
                result.add(terminal)
                break
            lhs, size = language.rules[~action][:2]
            if size:
                del stack[-size:]
            stack.append(actions[stack[-1]][lhs])
            if terminal == "$END" and stack[-1] == end_state:
                result.add(terminal)
                break
    return frozenset(result)


def parse(text: str, language: Language, callbacks: list, start: str = "start") -> Any:
    """Parse `text` from rule `start`; `callbacks[i]` builds the node of rule i (the result
    is what the start rule's callback built)."""
    actions = language.actions
    rules = language.rules
    passthrough = language.passthrough
    keep_all = language.keep_all
    keywords = language.keywords
    reserved = language.reserved
    operators = language.operators
    refine = language.refine
    tokens = iter(language.tokenizer(text)) if language.tokenizer is not None else None
    match = language.token.match if language.token is not None and tokens is None else None
    end_state = language.end_states[start]
    states = [language.start_states[start]]
    values: list = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    length = len(text)
    while True:
        row = actions[states[-1]]
        if tokens is not None:
            produced = next(tokens, None)
            if produced is None:
                pos = length
            else:
                kind, word, pos, end = produced
        if pos < length:
            if match is not None:
                m = match(text, pos)
                if m is None:
                    raise LexFailure("char", pos)
                kind = m.lastgroup
                assert kind is not None  # every alternative of the token pattern is a named group
                end = m.end()
                if kind == "ws" or kind == "comment":
                    pos = end
                    continue
                word = m.group()
            if kind == "NAME":
                lowered = word.lower()
                keyword = keywords.get(lowered)
                if keyword is not None and (lowered in reserved or keyword in row):
                    kind = keyword
                if lowered in refine:
                    kind = refine[lowered](kind, row, text, end)
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
                raise ParseFailure(language, start, token, states, values, ends[-1] if ends else 0)
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
                    first = starts[-size]
                    last = ends[-1]
                    del values[-size:], starts[-size:], ends[-size:], states[-size:]
                else:
                    children_in = []
                    first = last = token.start
                if splice:
                    # A list child is the result of an inlined rule, held by the value
                    # stack alone: the first one is extended in place rather than copied,
                    # so that a left-recursive repetition (`a ("," a)*`) stays linear.
                    children = None
                    for i in keep:
                        child = children_in[i]
                        if type(child) is list:
                            if children is None:
                                children = child
                            else:
                                children.extend(child)
                        elif children is None:
                            children = [child]
                        else:
                            children.append(child)
                    if children is None:
                        children = []
                elif keep_all[rule]:
                    children = children_in if size else []
                else:
                    children = [children_in[i] for i in keep]
                if mode == INLINE:
                    result = children
                elif mode == EXPAND1 and len(children) == 1:
                    result = children[0]
                else:
                    result = callbacks[rule](children, first, last)
                values.append(result)
                starts.append(first)
                ends.append(last)
            goto = actions[states[-1]][lhs]
            states.append(goto)
            if goto == end_state and kind == "$END":
                return values[-1]
            row = actions[goto]
