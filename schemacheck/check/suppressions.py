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

    Suppressions(query)          a query's directives: .on_lines(found), .in_files(found), .unused()
    with_severities(found, severity_of)   the configuration's [rules]: a severity, or "off"
"""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck.records import Record, record

_DIRECTIVE = re.compile(r"^--\s*schemacheck\s*:\s*(ignore-file|ignore)\b\s*(?:\[([^\]]*)\])?", re.IGNORECASE)


@record
class Directive(Record):
    """`kind` "line" or "file"; `codes` empty for every rule; where the comment starts."""

    kind: str
    codes: tuple[str, ...]
    line: int
    column: int
    end_column: int


# What a `--` comment may hide in: strings, quoted and bracketed names, block comments; each
# runs to the end of the text when it is never closed.
_SCANNED = re.compile(r"""--[^\n]*|/\*.*?(?:\*/|\Z)|'(?:[^']|'')*(?:'|\Z)|"(?:[^"]|"")*(?:"|\Z)"""
                      r"""|\[(?:[^\]]|\]\])*(?:\]|\Z)""", re.DOTALL)


def _comments(text: str):
    """(line, column, comment text) of every `--` comment outside strings, names and block comments."""
    line, counted, line_start = 1, 0, 0
    for match in _SCANNED.finditer(text):
        if not text.startswith("--", match.start()):
            continue
        start = match.start()
        newlines = text.count("\n", counted, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, start) + 1
        counted = start
        yield line, start - line_start + 1, match.group()


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


def suppress_lines(diagnostics, found: list[Directive], file: str | None, used: set[int]) -> list[D.Diagnostic]:
    """The diagnostics no line directive silences (directives of `file`, in its positions);
    `used` collects the indexes of the directives that silenced something."""
    kept = []
    by_line: dict[int, list[int]] = {}   # line -> the line directives on it, in order
    for index, directive in enumerate(found):
        if directive.kind == "line":
            by_line.setdefault(directive.line, []).append(index)
    for diagnostic in diagnostics:
        hit = None
        if diagnostic.file == file and by_line:
            near = by_line.get(diagnostic.line, []) + by_line.get(diagnostic.line - 1, []) \
                if diagnostic.line is not None else []
            hit = min((i for i in near if _silences(found[i], diagnostic)), default=None)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add(hit)
    return kept


def suppress_file(diagnostics, found: list[Directive], used: set[int]) -> list[D.Diagnostic]:
    """The diagnostics no file directive silences (whatever file they are in)."""
    kept = []
    whole = [i for i, d in enumerate(found) if d.kind == "file"]
    for diagnostic in diagnostics:
        hit = next((i for i in whole if _silences(found[i], diagnostic)), None)
        if hit is None:
            kept.append(diagnostic)
        else:
            used.add(hit)
    return kept


def unused(found: list[Directive], used: set[int], file: str | None) -> list[D.Diagnostic]:
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
        result.append(D.Diagnostic("SC010", D.default_severity("SC010"), message, file, directive.line,
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


class Suppressions:
    """The directives of one query, and which of them silenced something, across the steps
    of its check: lines first (in the query's own positions), the file's last."""

    def __init__(self, query) -> None:
        self.file = query.file if query is not None else None
        self.found = directives(query.text) if query is not None else []
        self.used: set[int] = set()

    def on_lines(self, diagnostics) -> list[D.Diagnostic]:
        return suppress_lines(diagnostics, self.found, self.file, self.used) if self.found else list(diagnostics)

    def in_files(self, diagnostics) -> list[D.Diagnostic]:
        return suppress_file(diagnostics, self.found, self.used) if self.found else list(diagnostics)

    def unused(self) -> list[D.Diagnostic]:
        """SC010 for the directives that silenced nothing (in the query's own positions)."""
        return unused(self.found, self.used, self.file) if self.found else []
