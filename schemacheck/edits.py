"""Query-side fixes shared by every destination kind: a select item rewritten with another
alias or a CAST, as an exact replacement of its text (a `Diagnostic.edit`), and the same
rewrite in words for a finding's `fix`.

    alias_edit(source, column, name, file)   ` AS name` (or the alias changed)
    cast_edit(source, column, type, file)    `CAST(expr AS type)` (a CAST or TRY_CAST retyped);
                                             function="TRY_CAST" wraps in TRY_CAST instead
    cast_fix(source, column, type)           the CAST in words (same `function`)
    asa_name(name)                           `name`, bracketed when ASA needs it

Positions are 1-based (line, column) in `source`, lines ending at "\n" as the query lexer
counts them. Nothing is applied here: `schemacheck check --fix` (schemacheck.fixes) does.
"""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck.asa.infer import OutputColumn
from schemacheck.files import line_starts, source_lines


def _expression(source: str | None, column: OutputColumn) -> str | None:
    span = column.expr_span
    if source is None or span is None or span.line != span.end_line:
        return None
    lines = source_lines(source)
    if span.line > len(lines):
        return None
    return lines[span.line - 1][span.column - 1:span.end_column - 1]


_CAST = re.compile(r"^(?P<fn>(?:TRY_)?CAST)\s*\((?P<inner>.*)\s+AS\s+[\w()]+\s*\)$", re.IGNORECASE | re.DOTALL)
# What may stand between brackets without closing them: strings, [names], "names", comments.
_SKIPPED = re.compile(r"'(?:[^']|'')*'|\[(?:[^\]]|\]\])*\]|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)


def _closes_at_end(expression: str) -> bool:
    """The "(" after (TRY_)CAST is closed by the expression's last character, so the whole
    expression is one CAST (not `CAST(a AS float) + CAST(b AS float)`)."""
    depth = 0
    position = expression.index("(")
    while position < len(expression):
        skipped = _SKIPPED.match(expression, position)
        if skipped:
            position = skipped.end()
            continue
        character = expression[position]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return position == len(expression) - 1
        position += 1
    return False


def _retyped(expression: str, asa_type: str, function: str = "CAST") -> str:
    """`CAST(<expr> AS <type>)` (`function` CAST or TRY_CAST), or the CAST (TRY_CAST) the
    expression already is, retyped (a CAST made a TRY_CAST when `function` is TRY_CAST)."""
    cast = _CAST.match(expression)
    if cast and _closes_at_end(expression):
        kept = "TRY_CAST" if function.upper() == "TRY_CAST" else cast.group("fn")
        return f"{kept}({cast.group('inner')} AS {asa_type})"
    return f"{function}({expression} AS {asa_type})"


FIX_WIDTH = 120   # a longer rewrite is quoted by its two ends in a fix's words (the edit keeps it whole)


def cast_fix(source: str | None, column: OutputColumn, asa_type: str, function: str = "CAST") -> str:
    """`CAST(<expr> AS <type>)` for the column's expression (or the CAST it already has, retyped)."""
    expression = _expression(source, column)
    if expression is None:
        return f"{function} the value AS {asa_type}"
    fixed = _retyped(expression, asa_type, function)
    if len(fixed) > FIX_WIDTH:
        fixed = f"{fixed[:FIX_WIDTH // 2]} … {fixed[-FIX_WIDTH // 2:]}"
    return f"`{fixed}`"


def _offset(source: str, line: int, column: int) -> int | None:
    """The character offset of a 1-based (line, column); lines end at "\n" as the lexer counts."""
    starts = line_starts(source)
    if not 1 <= line <= len(starts):
        return None
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(source)
    offset = start + column - 1
    return offset if start <= offset <= end else None


def _item(source: str | None, column: OutputColumn) -> tuple[str, str, str] | None:
    """(before the expression, the expression, after it: the alias) of the column's select item."""
    span, expr = column.span, column.expr_span
    if source is None or expr is None or not span.end_line:
        return None
    offsets = [_offset(source, span.line, span.column), _offset(source, expr.line, expr.column),
               _offset(source, expr.end_line, expr.end_column), _offset(source, span.end_line, span.end_column)]
    known = [offset for offset in offsets if offset is not None]
    if len(known) < len(offsets) or known != sorted(known):
        return None
    start, expr_start, expr_end, end = known
    return source[start:expr_start], source[expr_start:expr_end], source[expr_end:end]


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# An alias after the expression: ` AS name`, ` AS [name]`, ` AS "name"`, or the same without AS.
_ALIAS = re.compile(r"""(?P<before>\s+(?:AS(?=[\s\["])\s*)?)"""
                    r"""(?P<alias>[^\s\[\]"'(),]+|\[(?:[^\]]|\]\])*\]|"(?:[^"]|"")*")\s*""", re.IGNORECASE)


def asa_name(name: str, bracket: bool = False) -> str:
    """`name` as an ASA alias: bare when it is a plain word that is no keyword, else `[name]`."""
    from schemacheck.asa._tables import KEYWORDS

    if not bracket and _PLAIN_NAME.fullmatch(name) and name.lower() not in KEYWORDS:
        return name
    return "[" + name.replace("]", "]]") + "]"


def _edit(file: str | None, column: OutputColumn, text: str) -> D.Edit:
    span = column.span
    return D.Edit(file, span.line, span.column, span.end_line, span.end_column, text)


def alias_edit(source: str | None, column: OutputColumn, name: str, file: str | None = None) -> D.Edit | None:
    """The select item with its alias changed to `name` (` AS name` added when it has none)."""
    parts = _item(source, column)
    if parts is None:
        return None
    before, expression, tail = parts
    alias = _ALIAS.fullmatch(tail)
    if alias:
        tail = alias.group("before") + asa_name(name, alias.group("alias").startswith(("[", '"')))
    elif not tail.strip():
        tail = f" AS {asa_name(name)}"
    else:
        return None   # something other than an alias after the expression (a comment): leave it to a person
    return _edit(file, column, before + expression + tail)


def cast_edit(source: str | None, column: OutputColumn, asa_type: str, file: str | None = None,
              function: str = "CAST") -> D.Edit | None:
    """The select item with its expression CAST to `asa_type` (a CAST it has retyped); a
    column named after the field it reads keeps that name with ` AS name`."""
    parts = _item(source, column)
    if parts is None:
        return None
    before, expression, tail = parts
    if not tail.strip():
        if column.written is None:
            return None
        tail = f" AS {asa_name(column.written)}"
    return _edit(file, column, before + _retyped(expression, asa_type, function) + tail)
