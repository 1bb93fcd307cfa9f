"""What a team decided about findings: inline suppressions in queries and rule severities
from the configuration. Pure: diagnostics in, diagnostics out.

    SELECT a AS A -- schemacheck: ignore[SC301]       this line (and the next)
    -- schemacheck: ignore[SC203, SC202]              the next line
    -- schemacheck: ignore-file[SC203]                every finding of the job
    -- schemacheck: ignore                            every rule, this line and the next

A line directive silences the listed rules on its own line and on the line below it, so it
can stand at the end of the offending line or alone on the line above. A directive that
silences nothing, or names no rule schemacheck has, is itself reported (SC010, info).
Directives are read only from `--` comments, never from inside strings or names.
"""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck.records import record

_DIRECTIVE = re.compile(r"^--\s*schemacheck\s*:\s*(ignore-file|ignore)\b\s*(?:\[([^\]]*)\])?", re.IGNORECASE)


@record
class Directive:
    """`kind` "line" or "file"; `codes` empty for every rule; where the comment starts."""

    kind: str
    codes: tuple[str, ...]
    line: int
    column: int
    end_column: int


def _comments(text: str):
    """(line, column, comment text) of every `--` comment outside strings, names and block comments."""
    line, column, index, length = 1, 1, 0, len(text)
    quote = None            # "'", '"' or "]" while inside a string, a quoted name or a bracketed name
    block = False
    while index < length:
        char = text[index]
        if char == "\n":
            line, column, index = line + 1, 1, index + 1
            continue
        pair = text[index:index + 2]
        if block:
            if pair == "*/":
                block, index, column = False, index + 2, column + 2
                continue
        elif quote is not None:
            if char == quote:
                if text[index + 1:index + 2] == quote and quote != "]":   # '' inside a string
                    index, column = index + 2, column + 2
                    continue
                quote = None
            elif quote == "]" and char == "]" and text[index + 1:index + 2] == "]":
                index, column = index + 2, column + 2
                continue
        elif pair == "--":
            end = text.find("\n", index)
            end = length if end < 0 else end
            yield line, column, text[index:end]
            column += end - index
            index = end
            continue
        elif pair == "/*":
            block, index, column = True, index + 2, column + 2
            continue
        elif char in "'\"":
            quote = char
        elif char == "[":
            quote = "]"
        index, column = index + 1, column + 1


def directives(text: str) -> list[Directive]:
    found = []
    for line, column, comment in _comments(text):
        match = _DIRECTIVE.match(comment)
        if match is None:
            continue
        codes = tuple(c.strip().upper() for c in (match.group(2) or "").split(",") if c.strip())
        kind = "file" if match.group(1).lower() == "ignore-file" else "line"
        found.append(Directive(kind, codes, line, column, column + len(comment.rstrip())))
    return found


def _silences(directive: Directive, diagnostic: D.Diagnostic) -> bool:
    return not directive.codes or diagnostic.code in directive.codes


def suppress_lines(diagnostics, found: list[Directive], file: str, used: set[int]) -> list[D.Diagnostic]:
    """The diagnostics no line directive silences (directives of `file`, in its positions);
    `used` collects the indexes of the directives that silenced something."""
    kept = []
    for diagnostic in diagnostics:
        hit = None
        if diagnostic.file == file:
            hit = next((i for i, d in enumerate(found) if d.kind == "line" and d.line in (diagnostic.line,
                        diagnostic.line - 1) and _silences(d, diagnostic)), None)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add(hit)
    return kept


def suppress_file(diagnostics, found: list[Directive], used: set[int]) -> list[D.Diagnostic]:
    """The diagnostics no file directive silences (whatever file they are in)."""
    kept = []
    for diagnostic in diagnostics:
        hit = next((i for i, d in enumerate(found) if d.kind == "file" and _silences(d, diagnostic)), None)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add(hit)
    return kept


def unused(found: list[Directive], used: set[int], file: str) -> list[D.Diagnostic]:
    """SC010 for each directive that silenced nothing or names an unknown rule."""
    result = []
    for index, directive in enumerate(found):
        unknown = [c for c in directive.codes if c not in D.RULES]
        what = "ignore-file" if directive.kind == "file" else "ignore"
        listed = f"[{', '.join(directive.codes)}]" if directive.codes else ""
        if unknown:
            message = (f"`schemacheck: {what}{listed}` names {', '.join(unknown)}, which "
                       f"{'is no rule' if len(unknown) == 1 else 'are no rules'} of schemacheck "
                       "(`schemacheck rules` lists them)")
        elif index not in used:
            where = "in this job" if directive.kind == "file" else "on this line or the next"
            message = f"`schemacheck: {what}{listed}` silences nothing: no such finding {where}; remove it"
        else:
            continue
        result.append(D.Diagnostic("SC010", D.RULES["SC010"].severity, message, file, directive.line,
                                   directive.column, directive.line, directive.end_column))
    return result


def with_severities(diagnostics, severity_of) -> list[D.Diagnostic]:
    """Each diagnostic at the severity `severity_of(code, default)` gives; "off" drops it."""
    result = []
    for diagnostic in diagnostics:
        level = severity_of(diagnostic.code, diagnostic.severity)
        if level == "off":
            continue
        result.append(diagnostic if level == diagnostic.severity else diagnostic._replace(severity=level))
    return result
