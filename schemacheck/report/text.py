"""Text for people: diagnostics in the rustc/ruff manner, and `infer`'s column tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis
from schemacheck.files import display_path, source_lines
from schemacheck.report.common import compared_text, coverage, coverage_text, rule_counts

UNKNOWN_TYPE = "?"


def _source_line(source: str | None, line: int) -> str | None:
    if source is None:
        return None
    lines = source_lines(source)
    if 1 <= line <= len(lines):
        return lines[line - 1].replace("\t", " ")
    return None


SNIPPET_WIDTH = 100   # a longer line (a query held in one JSON string) is shown around the column


def _window(text: str, column: int, width: int) -> tuple[str, int, int]:
    """The part of a long line around `column`: (text, new column, caret width)."""
    if len(text) <= SNIPPET_WIDTH:
        return text, column, width
    start = max(0, min(column - 1 - SNIPPET_WIDTH // 3, len(text) - SNIPPET_WIDTH))
    end = start + SNIPPET_WIDTH
    shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    column = column - start + (1 if start else 0)
    return shown, column, max(1, min(width, end - start - (column - 1)))


# ANSI styles for `color=True`: severity words and carets in the severity's colour, codes
# bold, the fix dimmed. Without colour the text is exactly as before (golden tests compare it).
_RESET, _BOLD, _DIM = "\x1b[0m", "\x1b[1m", "\x1b[2m"
_SEVERITY_COLORS = {D.ERROR: "\x1b[31m", D.WARNING: "\x1b[33m", D.INFO: "\x1b[36m"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color and text else text


def render_diagnostic(diagnostic: D.Diagnostic, source: str | None, color: bool = False, hint: bool = False) -> str:
    """`severity[CODE]: message`, the place, the source line with a caret, the fix, and
    with `hint` where the rule is explained (shown at a rule's first finding in a report)."""
    tint = _SEVERITY_COLORS.get(diagnostic.severity, "")
    out = [(f"{_paint(diagnostic.severity, _BOLD + tint, color)}[{_paint(diagnostic.code, _BOLD, color)}]: "
           f"{diagnostic.message}")]
    where = diagnostic.file or "<query>"
    out.append(f"  --> {where}:{diagnostic.line}:{diagnostic.column}")
    text = _source_line(source, diagnostic.line)
    if text is not None:
        gutter = " " * len(str(diagnostic.line))
        width = 1
        if diagnostic.end_line == diagnostic.line and diagnostic.end_column:
            width = max(1, diagnostic.end_column - diagnostic.column)
        width = min(width, max(1, len(text) - diagnostic.column + 1))
        text, column, width = _window(text, diagnostic.column, width)
        out.append(f" {gutter} |")
        out.append(f" {diagnostic.line} | {text}")
        out.append(f" {gutter} | {' ' * (column - 1)}{_paint('^' * width, _BOLD + tint, color)}")
    if diagnostic.fix:
        out.append(_paint(f"  = fix: {diagnostic.fix}", _DIM, color))
    if hint and diagnostic.code in D.RULES:
        out.append(_paint(f"  = help: `schemacheck rules {diagnostic.code}` explains "
                          f"{D.RULES[diagnostic.code].name} ({D.RULES[diagnostic.code].page})", _DIM, color))
    return "\n".join(out)


def summary(diagnostics: Iterable[D.Diagnostic], skip_zero: bool = False) -> str:
    """"1 error, 2 warnings, 0 infos" (without the zero counts when `skip_zero`)."""
    counts = {D.ERROR: 0, D.WARNING: 0, D.INFO: 0}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    parts = []
    for severity, word in ((D.ERROR, "error"), (D.WARNING, "warning"), (D.INFO, "info")):
        n = counts[severity]
        if n or not skip_zero:
            parts.append(f"{n} {word}" if n == 1 else f"{n} {word}s")
    return ", ".join(parts)


def render_outputs(analysis: QueryAnalysis) -> str:
    """One small table per output (position, name as ASA writes it, type, where it comes from),
    under a line saying how many of its columns are typed, and by what."""
    out = []
    for output in analysis.outputs:
        where = f"line {output.output_span.line}" if output.output_span else f"line {output.span.line}, no INTO"
        state = "" if output.complete else ", incomplete"
        typed = coverage_text(coverage([output]))
        typed = f"; {typed}" if typed else ""
        out.append(f"  {output.output} ({where}{state}): {len(output.columns)} columns{typed}")
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


def _output_line(check, not_outputs: set, file: str) -> str:
    """One statement's output, its table, the tally of its findings in the query's file
    (`not_outputs`: the outputs the job does not define), and how many of its columns are
    typed, by what."""
    output = check.output
    where = output.output_span or output.span
    head = f"  {output.output} (line {where.line})"
    findings = summary([d for d in check.findings if d.file == file], skip_zero=True) or "ok"
    typed = coverage_text(coverage([output]))
    typed = f"; {typed}" if typed else ""
    if check.status == "compared":
        table = check.table
        return f"{head} -> {table.qualified_name} ({display_path(table.file)}): {findings}{typed}"
    if check.status == "not-checked":
        from schemacheck.outputs import CHECKERS

        what = "settings checked (no table to compare)" if check.kind in CHECKERS else "not checked"
        return f"{head}: {check.kind}, {what}{typed}"
    if output.output in not_outputs:
        return f"{head}: not an output of the job{typed}"
    if check.status == "table-missing":
        return f"{head}: its table is not in the loaded schemas{typed}"
    return f"{head}: no table to compare with{typed}"


_FORMS = {
    "vscode": "VS Code project",
    "vs": "Visual Studio project",
    "arm": "ARM template",
    "terraform": "Terraform configuration",
    "bicep": "Bicep file",
    "deployed": "deployed",
    "fabric": "Fabric Eventstream",
}


def _job_line(check) -> str:
    """` (job NAME, VS Code project asaproj.json; level 1.0 from JobConfig.json:4)`, or the level alone."""
    found = getattr(check, "job", None)
    parts = []
    if found is not None and found.job.form != "query":
        job = found.job
        described = f"job {job.name}, " if job.name else ""
        # A deployed job's source is the resource id the heading already shows.
        described += (f"{_FORMS[job.form]} {display_path(job.source)}" if job.source != check.file
                      else "as deployed" if job.form == "deployed" else _FORMS[job.form])
        if found.parameters:
            described += f" with {display_path(found.parameters)}"
        if found.start_file:
            described += f", whose start file is {display_path(found.start_file)}: checked with its settings"
        if found.also:
            described += f"; also deployed by {', '.join(display_path(a) for a in found.also)}"
        parts.append(described)
    if getattr(check, "level_origin", None) and check.level_origin != "default":
        origin = check.level_origin
        parts.append(f"level {check.level} " + ("as deployed" if origin == getattr(check, "file", None)
                                                 and found is not None and found.job.form == "deployed"
                                                 else f"from {origin}"))
    return f" ({'; '.join(parts)})" if parts else ""


def render_check(checks, sources: Mapping[str, str | None], color: bool = False, quiet: bool = False) -> str:
    """Per file: each output and its table, the diagnostics, and a one-line summary; with
    `quiet`, the diagnostics alone (no file headings, outputs, summaries or rule help)."""
    checks = list(checks)
    if quiet:
        return "".join(render_diagnostic(d, sources.get(d.file), color) + "\n\n"
                       for check in checks for d in check.diagnostics)
    blocks = []
    total: list[D.Diagnostic] = []
    explained: set[str] = set()
    for check in checks:
        not_outputs = {d.output for d in check.diagnostics if d.code == "SC601"}
        block = [check.file + _job_line(check)] + [_output_line(c, not_outputs, check.file) for c in check.outputs]
        for diagnostic in check.diagnostics:
            block.append("")
            block.append(render_diagnostic(diagnostic, sources.get(diagnostic.file), color,
                                           hint=diagnostic.code not in explained))
            explained.add(diagnostic.code)
        block.append("")
        compared = compared_text([check])
        block.append(f"{check.file}: {summary(check.diagnostics)}" + (f"; {compared}" if compared else ""))
        blocks.append("\n".join(block))
        total.extend(check.diagnostics)
    text = "\n\n".join(blocks) + "\n"
    if len(blocks) > 1:
        compared = compared_text(checks)
        text += f"\n{len(blocks)} files: {summary(total)}" + (f"; {compared}" if compared else "") + "\n"
    return text


def render_statistics(checks) -> str:
    """One line per rule that found something: count, code, name, severity; most first."""
    rows = rule_counts(checks)
    width = max((len(str(n)) for *_, n in rows), default=1)
    return "".join(f"{n:>{width}}  {code}  {D.RULES[code].name if code in D.RULES else ''}  [{severity}]\n"
                   for code, severity, n in rows)


def render_infer(analyses: Iterable[QueryAnalysis], sources: Mapping[str, str | None], color: bool = False) -> str:
    blocks = []
    for analysis in analyses:
        block = [f"{analysis.file}: {len(analysis.outputs)} output statement(s)"]
        tables = render_outputs(analysis)
        if tables:
            block.append(tables)
        for diagnostic in analysis.diagnostics:
            block.append("")
            block.append(render_diagnostic(diagnostic, sources.get(diagnostic.file or analysis.file or ""), color))
        block.append("")
        block.append(f"{analysis.file}: {summary(analysis.diagnostics)}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + "\n"


_MARKS = {"pass": "pass", "fail": "FAIL", "cannot-tell": "????", "info": "info"}


def render_doctor(reports) -> str:
    """Each table's checklist: one line per item, with the fix under a failing one."""
    blocks = []
    for report in reports:
        head = f"{report.table} in {report.database} on {report.cluster}"
        if report.output:
            head += f" (output {report.output})"
        lines = [head]
        for item in report.items:
            lines.append(f"  [{_MARKS[item.status]}] {item.name:<14} {item.reason}")
            if item.fix and item.status != "pass":
                lines.append(f"  {'':6} {'':14} fix: {item.fix}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
