"""Azure Pipelines: logging commands that list each finding as an issue of the step.

Per checked file: `##[group]FILE`, one line per output, one
`##vso[task.logissue type=error|warning;sourcepath=;linenumber=;columnnumber=;code=]message`
per error or warning (the fix follows the message on its own line), the file's totals,
`##[endgroup]`. The last line gives the run's totals: as the message of
`##vso[task.complete result=Failed;]` when the run fails (`failed`), else of
`result=SucceededWithIssues` when there are errors, warnings or unreadable files, else
as a plain line (the task result is left alone).

Azure has issues of type error and warning only. An info finding is not an issue (it
would otherwise count as a warning and mark the step "succeeded with issues"); it is a
plain log line `info[CODE] FILE:LINE:COLUMN: message`, in which a `##` that could start
a logging command is broken up (a zero-width space between the two `#`) so that text
from the checked files cannot issue commands.

Escaping (azure-pipelines-task-lib node/taskcommand.ts): in the message `%`, CR and LF
become %AZP25, %0D and %0A; in property values also `]` and `;` become %5D and %3B.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.files import Unreadable
from schemacheck.report.common import counts, coverage, coverage_text, output_status, tally, totals


def escape_data(text: str) -> str:
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace("]", "%5D").replace(";", "%3B")


def command(area_action: str, properties: list[tuple[str, object]], message: str = "") -> str:
    """`##vso[area.action key=value;...]message`, escaped; None values are left out."""
    fields = "".join(f"{key}={escape_property(str(value))};" for key, value in properties if value is not None)
    return f"##vso[{area_action}{' ' + fields if fields else ''}]{escape_data(message)}"


def _plain(text: str) -> str:
    """One log line that the agent will not read as a command."""
    text = " ".join(text.splitlines())
    return text.replace("##", "#\u200b#")


def _issue(diagnostic: D.Diagnostic, file: str) -> str:
    if diagnostic.severity == D.INFO:
        return _plain(f"info[{diagnostic.code}] {file}:{diagnostic.line}:{diagnostic.column}: {diagnostic.message}")
    message = diagnostic.message + (f"\nfix: {diagnostic.fix}" if diagnostic.fix else "")
    return command("task.logissue", [("type", diagnostic.severity), ("sourcepath", file),
                                     ("linenumber", diagnostic.line), ("columnnumber", diagnostic.column),
                                     ("code", diagnostic.code)], message)


def render_azure(entries, failed: bool) -> str:
    """Logging commands for every entry (see the module doc); `failed` sets the task result."""
    entries = list(entries)
    lines = []
    for entry in entries:
        lines.append("##[group]" + _plain(entry.file))
        if isinstance(entry, Unreadable):
            lines.append(command("task.logissue", [("type", "error"), ("sourcepath", entry.file),
                                                   ("linenumber", entry.line), ("columnnumber", entry.column),
                                                   ("code", "unreadable")], f"{entry.file}: {entry.message}"))
        else:
            for check in entry.outputs:
                findings = check.findings
                output = check.output
                where = output.output_span or output.span
                table = f" -> {check.table.qualified_name}" if check.table is not None else ""
                typed = coverage_text(coverage([output]))
                lines.append(_plain(f"  {output.output} (line {where.line}){table}: {output_status(check)}, "
                                    f"{tally(counts(findings), skip_zero=True) or 'ok'}"
                                    + (f"; {typed}" if typed else "")))
            lines.extend(_issue(d, d.file or entry.file) for d in entry.diagnostics)
            lines.append(_plain(f"{entry.file}: {tally(counts(entry.diagnostics))}"))
        lines.append("##[endgroup]")
    if not entries:
        return ""
    line = f"schemacheck: {totals(entries)}"
    found = counts(d for e in entries if not isinstance(e, Unreadable) for d in e.diagnostics)
    if failed:
        line = command("task.complete", [("result", "Failed")], line)
    elif found[D.ERROR] or found[D.WARNING] or any(isinstance(e, Unreadable) for e in entries):
        line = command("task.complete", [("result", "SucceededWithIssues")], line)
    lines.append(line)
    return "\n".join(lines) + "\n"
