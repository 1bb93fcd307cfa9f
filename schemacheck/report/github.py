"""GitHub Actions: workflow commands that annotate the files, and a Markdown step summary.

`render_github` writes, per checked file, `::group::FILE`, one line per output, one
`::error`, `::warning` or `::notice` command per finding (error, warning, info) and the
file's totals, then `::endgroup::`. A command carries `file`, `line`, `col`, `endLine`,
`endColumn` and `title=CODE rule-name`; the message is followed by the fix on its own
line. Annotation columns are only valid within one line (actions/toolkit's
AnnotationProperties), so a finding that spans lines is marked at its start. A file that
could not be read is an `::error` at the file.

Escaping (actions/toolkit packages/core/src/command.ts): in the message `%`, CR and LF
become %25, %0D and %0A; in property values also `:` and `,` become %3A and %2C.

GitHub shows only the first 10 error and 10 warning annotations of a step, so
`render_step_summary` lists every finding, with the outputs and their tables, as Markdown
for the file named by GITHUB_STEP_SUMMARY (the caller writes it).
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.files import Unreadable
from schemacheck.report.common import counts, coverage, coverage_text, job_name, output_status, tally, totals

COMMANDS = {D.ERROR: "error", D.WARNING: "warning", D.INFO: "notice"}
ANNOTATIONS_SHOWN = 10  # per type and step


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: list[tuple[str, object]], message: str) -> str:
    """`::name key=value,...::message`, escaped; properties that are None are left out."""
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties if value is not None)
    return f"::{name}{' ' + fields if fields else ''}::{escape_data(message)}"


def _annotation(diagnostic: D.Diagnostic, file: str) -> str:
    one_line = diagnostic.end_line is None or diagnostic.end_line == diagnostic.line
    rule = D.RULES.get(diagnostic.code)
    title = f"{diagnostic.code} {rule.name}" if rule else diagnostic.code
    message = diagnostic.message + (f"\nfix: {diagnostic.fix}" if diagnostic.fix else "")
    return command(COMMANDS[diagnostic.severity], [
        ("file", file),
        ("line", diagnostic.line),
        ("col", diagnostic.column),
        ("endLine", diagnostic.line if one_line and diagnostic.end_column else None),
        ("endColumn", diagnostic.end_column if one_line else None),
        ("title", title),
    ], message)


def _output_line(check, findings) -> str:
    output = check.output
    where = output.output_span or output.span
    table = f" -> {check.table.qualified_name}" if check.table is not None else ""
    typed = coverage_text(coverage([output]))
    return (f"  {output.output} (line {where.line}){table}: {output_status(check)}, "
            f"{tally(counts(findings), skip_zero=True) or 'ok'}" + (f"; {typed}" if typed else ""))


def render_github(entries) -> str:
    """Workflow commands for every entry (see the module doc)."""
    entries = list(entries)
    lines = []
    for entry in entries:
        lines.append(command("group", [], entry.file))
        if isinstance(entry, Unreadable):
            lines.append(command("error", [("file", entry.file), ("line", entry.line), ("col", entry.column),
                                           ("title", "unreadable: the file cannot be read")],
                                  f"{entry.file}: {entry.message}"))
            lines.append(f"{entry.file}: cannot be read")
        else:
            lines.extend(_output_line(check, check.findings) for check in entry.outputs)
            lines.extend(_annotation(d, d.file or entry.file) for d in entry.diagnostics)
            lines.append(f"{entry.file}: {tally(counts(entry.diagnostics))}")
        lines.append(command("endgroup", [], ""))
    if entries:
        lines.append(f"schemacheck: {totals(entries)}")
    return "\n".join(lines) + "\n" if lines else ""


def _cell(text: str) -> str:
    """Text for a Markdown table cell: HTML-escaped, `|` escaped, line breaks as <br>."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return "<br>".join(text.splitlines()) if text else ""


def _code(text: str) -> str:
    """`text` as inline code that survives backticks in it."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _where(diagnostic: D.Diagnostic, file: str) -> str:
    return f"{file}:{diagnostic.line}:{diagnostic.column}"


def render_step_summary(entries) -> str:
    """Markdown for the step summary: totals, then per job or file its outputs and every finding."""
    entries = list(entries)
    blocks = []
    for entry in entries:
        if isinstance(entry, Unreadable):
            where = entry.file + (f":{entry.line}" if entry.line else "") + (
                f":{entry.column}" if entry.line and entry.column else "")
            blocks.append(f"### {_code(entry.file)}\n\n**error**: cannot be read ({_cell(where)}): "
                          f"{_cell(entry.message)}")
            continue
        name = job_name(entry)
        head = f"### {_code(entry.file)}" + (f" (job {_cell(name)})" if name else "")
        block = [head, "", f"{tally(counts(entry.diagnostics))}."]
        if entry.outputs:
            block += ["", "| Output | Line | Table | Status | Findings | Typed columns |",
                      "| --- | --- | --- | --- | --- | --- |"]
            for check in entry.outputs:
                findings = check.findings
                output = check.output
                where = output.output_span or output.span
                table = _cell(check.table.qualified_name) if check.table is not None else ""
                block.append(f"| {_cell(output.output)} | {where.line} | {table} | {_cell(output_status(check))} "
                             f"| {tally(counts(findings), skip_zero=True) or 'ok'} "
                             f"| {_cell(coverage_text(coverage([output])))} |")
        if entry.diagnostics:
            block += ["", "| Severity | Rule | Where | Finding |", "| --- | --- | --- | --- |"]
            for diagnostic in entry.diagnostics:
                rule = D.RULES.get(diagnostic.code)
                title = f"{diagnostic.code} {rule.name}" if rule else diagnostic.code
                message = diagnostic.message + (f"\nfix: {diagnostic.fix}" if diagnostic.fix else "")
                where = _where(diagnostic, diagnostic.file or entry.file)
                block.append(f"| {diagnostic.severity} | {title} | {_cell(where)} | {_cell(message)} |")
        blocks.append("\n".join(block))
    parts = [f"## schemacheck: {totals(entries)}"]
    found = counts(d for e in entries if not isinstance(e, Unreadable) for d in e.diagnostics)
    hidden = [f"{found[s]} {s}s" for s in (D.ERROR, D.WARNING) if found[s] > ANNOTATIONS_SHOWN]
    if hidden:
        parts.append(f"GitHub annotates only the first {ANNOTATIONS_SHOWN} errors and {ANNOTATIONS_SHOWN} warnings "
                     f"of a step; all {' and '.join(hidden)} are listed here.")
    return "\n\n".join(parts + blocks) + "\n"
