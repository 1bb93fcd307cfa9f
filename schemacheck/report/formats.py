"""The output formats of `schemacheck check`, and which one `auto` means here.

    choose_format(requested, env, is_terminal) -> (format, color)
    render(format, entries, *, sources, version, failed, color) -> str

`entries` are what the check produced, in order: a `FileCheck` per job or query, and an
`Unreadable` for a file or job that could not be read. Every renderer is a pure function
of them (no I/O, no environment); the caller reads the environment and writes the text.
A renderer's module is imported only when its format is chosen.

`auto` follows yamllint's `-f auto`: GitHub Actions workflow commands when
GITHUB_ACTIONS is "true", Azure Pipelines logging commands when TF_BUILD is set, else
text. Text is coloured the way CPython 3.13 decides for its own tracebacks
(Lib/_colorize.py): NO_COLOR (non-empty, https://no-color.org) turns colour off, then
FORCE_COLOR (non-empty) turns it on, then TERM=dumb turns it off, else colour when the
output is a terminal.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping

CHECK_FORMATS = ("auto", "text", "json", "sarif", "github", "azure", "junit")


def _text_color(env: Mapping[str, str], is_terminal: bool) -> bool:
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return is_terminal


def choose_format(requested: str, env: Mapping[str, str], is_terminal: bool) -> tuple[str, bool]:
    """(format, colour) for `--format requested`: `auto` resolves by the CI system the
    environment names; only text is ever coloured.

    >>> choose_format("auto", {"GITHUB_ACTIONS": "true"}, True)
    ('github', False)
    >>> choose_format("auto", {"NO_COLOR": "1"}, True)
    ('text', False)
    """
    if requested not in CHECK_FORMATS:
        raise ValueError(f"unknown format {requested!r}; expected one of {', '.join(CHECK_FORMATS)}")
    chosen = requested
    if requested == "auto":
        if env.get("GITHUB_ACTIONS") == "true":
            chosen = "github"
        elif env.get("TF_BUILD"):
            chosen = "azure"
        else:
            chosen = "text"
    return chosen, chosen == "text" and _text_color(env, is_terminal)


def render(format: str, entries, *, sources: Mapping[str, str | None], version: str, failed: bool,
           color: bool = False, quiet: bool = False) -> str:
    """The entries in `format` (already resolved: not "auto"). `sources` gives file texts
    for text snippets, `version` the tool version SARIF names, `failed` whether the run
    fails (Azure's task result). Text leaves out Unreadable entries: the command line
    reports those on stderr as it finds them, and text with none readable is ""."""
    entries = list(entries)
    if format == "text":
        from schemacheck.files import Unreadable
        from schemacheck.report.text import render_check

        readable = [e for e in entries if not isinstance(e, Unreadable)]
        return render_check(readable, sources, color=color, quiet=quiet) if readable else ""
    if format == "json":
        from schemacheck.report.json import check_document, dumps

        return dumps(check_document(entries))
    if format == "sarif":
        from schemacheck.report.sarif import render_sarif

        return render_sarif(entries, version)
    if format == "github":
        from schemacheck.report.github import render_github

        return render_github(entries)
    if format == "azure":
        from schemacheck.report.azure import render_azure

        return render_azure(entries, failed)
    if format == "junit":
        from schemacheck.report.junit import render_junit

        return render_junit(entries)
    raise ValueError(f"cannot render format {format!r}" + (": resolve it with choose_format first"
                                                           if format == "auto" else ""))


# Shared by the CI renderers -------------------------------------------------------------


def counts(diagnostics) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n}."""
    found = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        found[diagnostic.severity] += 1
    return found


def tally(found: dict[str, int], skip_zero: bool = False) -> str:
    """"1 error, 2 warnings, 0 infos" (without the zero counts when `skip_zero`)."""
    return ", ".join(f"{n} {severity}" + ("" if n == 1 else "s") for severity, n in found.items()
                     if n or not skip_zero)


def rule_counts(checks) -> list[tuple[str, str, int]]:
    """(code, severity, findings) per rule that found something, most findings first."""
    found: dict[tuple[str, str], int] = {}
    for check in checks:
        for diagnostic in check.diagnostics:
            key = (diagnostic.code, diagnostic.severity)
            found[key] = found.get(key, 0) + 1
    return [(code, severity, n) for (code, severity), n in sorted(found.items(), key=lambda i: (-i[1], i[0]))]


def outputs_compared(entries) -> tuple[int, int]:
    """(outputs compared with their table, outputs) over the checked entries; an output
    that several statements of one job write counts once, compared if any of them was."""
    compared = total = 0
    for entry in entries:
        status: dict[str, bool] = {}
        for check in getattr(entry, "outputs", ()):
            name = check.output.output
            status[name] = status.get(name, False) or check.status == "compared"
        total += len(status)
        compared += sum(status.values())
    return compared, total


def compared_text(entries) -> str:
    """"2 of 3 outputs compared" ("" when no output was found)."""
    compared, total = outputs_compared(entries)
    return f"{compared} of {total} output{'' if total == 1 else 's'} compared" if total else ""


def totals(entries) -> str:
    """The run in one line: "3 errors, 2 warnings, 0 infos in 2 files; 2 of 3 outputs
    compared; 1 file could not be read"."""
    from schemacheck.files import Unreadable

    readable = [e for e in entries if not isinstance(e, Unreadable)]
    text = tally(counts(d for e in readable for d in e.diagnostics))
    text += f" in {len(readable)} file{'' if len(readable) == 1 else 's'}"
    if compared_text(readable):
        text += f"; {compared_text(readable)}"
    unreadable = len(entries) - len(readable)
    if unreadable:
        text += f"; {unreadable} file{' could' if unreadable == 1 else 's could'} not be read"
    return text


def by_output(entry) -> tuple[list[list], list]:
    """The entry's diagnostics split by statement: one list per `entry.outputs` (in order),
    and the rest (the job's files, syntax errors, outputs no statement writes).

    A diagnostic belongs to the statement whose output it names and whose lines it lies in
    (as the text report counts them); failing that, to the first statement writing the
    output it names (a finding in the output's definition file)."""
    outputs = list(entry.outputs)
    mine: list[list] = [[] for _ in outputs]
    rest = []
    # Per output name, the statements writing it: their indices, first and last lines.
    # In source order both kinds of line ascend, and the statements whose lines hold a
    # given line are then a run found by bisection (a query of thousands of statements
    # would otherwise be searched once per finding).
    statements: dict[str, tuple[list[int], list[int], list[int]]] = {}
    for i, check in enumerate(outputs):
        span = check.output.span
        indices, starts, ends = statements.setdefault(check.output.output, ([], [], []))
        indices.append(i)
        starts.append(span.line)
        ends.append(span.end_line or span.line)
    ordered = {name: starts == sorted(starts) and ends == sorted(ends)
               for name, (_, starts, ends) in statements.items()}
    for diagnostic in entry.diagnostics:
        index = None
        found = statements.get(diagnostic.output) if diagnostic.output is not None else None
        if found is not None:
            indices, starts, ends = found
            if diagnostic.file == entry.file:
                line = diagnostic.line
                if ordered[diagnostic.output]:
                    first = bisect_left(ends, line)
                    if first < len(starts) and starts[first] <= line:
                        index = indices[first]
                else:
                    index = next((i for i, start, end in zip(indices, starts, ends) if start <= line <= end), None)
            if index is None:
                index = indices[0]
        if index is None:
            rest.append(diagnostic)
        else:
            mine[index].append(diagnostic)
    return mine, rest


def job_name(entry) -> str | None:
    """The job's name as its project or template gives it (None for a lone query)."""
    found = getattr(entry, "job", None)
    if found is None or found.job.form == "query":
        return None
    return found.job.name or None


def output_status(check) -> str:
    """What happened to one statement's output, in a few words."""
    if check.status == "compared":
        return "compared"
    if check.status == "not-adx":
        return f"not checked ({check.kind})"
    if check.status == "table-missing":
        return "table not found"
    return "no table"
