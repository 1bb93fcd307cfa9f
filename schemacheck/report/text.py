"""Text for people: diagnostics in the rustc/ruff manner, and `infer`'s column tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis

UNKNOWN_TYPE = "?"


def _source_line(source: str | None, line: int) -> str | None:
    if source is None:
        return None
    lines = source.splitlines()
    if 1 <= line <= len(lines):
        return lines[line - 1].replace("\t", " ")
    return None


def render_diagnostic(diagnostic: D.Diagnostic, source: str | None) -> str:
    """`severity[CODE]: message`, the place, the source line with a caret, and the fix."""
    out = [f"{diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"]
    where = diagnostic.file or "<query>"
    out.append(f"  --> {where}:{diagnostic.line}:{diagnostic.column}")
    text = _source_line(source, diagnostic.line)
    if text is not None:
        gutter = " " * len(str(diagnostic.line))
        width = 1
        if diagnostic.end_line == diagnostic.line and diagnostic.end_column:
            width = max(1, diagnostic.end_column - diagnostic.column)
        width = min(width, max(1, len(text) - diagnostic.column + 1))
        out.append(f" {gutter} |")
        out.append(f" {diagnostic.line} | {text}")
        out.append(f" {gutter} | {' ' * (diagnostic.column - 1)}{'^' * width}")
    if diagnostic.fix:
        out.append(f"  = fix: {diagnostic.fix}")
    return "\n".join(out)


def summary(diagnostics: Iterable[D.Diagnostic]) -> str:
    counts = {D.ERROR: 0, D.WARNING: 0, D.INFO: 0}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    return ", ".join((plural(counts[D.ERROR], "error"), plural(counts[D.WARNING], "warning"),
                      plural(counts[D.INFO], "info")))


def render_outputs(analysis: QueryAnalysis) -> str:
    """One small table per output: position, name as ASA writes it, type, where it comes from."""
    out = []
    for output in analysis.outputs:
        where = f"line {output.output_span.line}" if output.output_span else f"line {output.span.line}, no INTO"
        state = "" if output.complete else ", incomplete"
        out.append(f"  {output.output} ({where}{state}): {len(output.columns)} columns")
        rows = []
        gaps = {gap.position: gap for gap in output.gaps}
        for index, column in enumerate(output.columns):
            if index in gaps:
                rows.append(("*", "...", "", f"{gaps[index].span.line}:{gaps[index].span.column}", gaps[index].reason))
            name = column.name if column.name is not None else "(unnamed)"
            kind = column.type or UNKNOWN_TYPE
            rows.append((str(index + 1), name, kind, f"{column.span.line}:{column.span.column}",
                         "" if column.type else (column.reason or "")))
        if len(output.columns) in gaps:
            gap = gaps[len(output.columns)]
            rows.append(("*", "...", "", f"{gap.span.line}:{gap.span.column}", gap.reason))
        if rows:
            widths = [max(len(row[i]) for row in rows) for i in range(4)]
            for row in rows:
                cells = [row[0].rjust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]),
                         row[3].ljust(widths[3])]
                line = "    " + "  ".join(cells)
                if row[4]:
                    line += f"  ({row[4]})"
                out.append(line.rstrip())
    return "\n".join(out)


def render_infer(analyses: Iterable[QueryAnalysis], sources: Mapping[str, str]) -> str:
    blocks = []
    for analysis in analyses:
        block = [f"{analysis.file}: {len(analysis.outputs)} output statement(s)"]
        tables = render_outputs(analysis)
        if tables:
            block.append(tables)
        for diagnostic in analysis.diagnostics:
            block.append("")
            block.append(render_diagnostic(diagnostic, sources.get(analysis.file or "")))
        block.append("")
        block.append(f"{analysis.file}: {summary(analysis.diagnostics)}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + "\n"
