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
        # report/text.py declares `sources` Mapping[str, str]; an unreadable file's text is None.
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
