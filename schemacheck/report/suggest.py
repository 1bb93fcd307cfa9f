"""`schemacheck suggest` for people (text) and machines (JSON).

Text, per output: the KQL to paste into the Kusto query window (one command per
paragraph, each under `//` comments saying what it answers; a command that changes
how stored data is read is marked TOUCHES EXISTING DATA) -- for a SQL output the T-SQL or
PostgreSQL statements, under `--` comments -- then the query rewrites as `file:line:col`
with the select item before (-) and after (+), then what is left to a person. The JSON
document's keys are a contract: keys may be added, never changed (a SQL output's
statements are under "sql", its dialect under "language"; "kql" is then empty).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping

from schemacheck import kinds
from schemacheck.suggest import OutputSuggestion, QueryStep, text_between

TOUCHES = "TOUCHES EXISTING DATA"
WIDTH = 100   # comment lines in the KQL are wrapped at this width


def _kind(suggestion: OutputSuggestion):
    if suggestion.kind is not None:
        return kinds.get(suggestion.kind)
    return next(kinds.get(n) for n in kinds.names() if kinds.get(n).language == suggestion.language)


def _target(suggestion: OutputSuggestion) -> str:
    return f"{suggestion.database}/{suggestion.table}" if suggestion.database else suggestion.table


# What some reader of a script (str.splitlines, editors, sqlglot) may take for a line break,
# which would end a comment early: shown escaped in comments.
_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def _commented(marker: str, text: str) -> list[str]:
    """`text` as comment lines, one per line of it (a "\\r\\n" ends a line too); any other
    character a reader may take for a line break is escaped."""
    return [f"{marker}{line.removesuffix(chr(13)).translate(_BREAKS)}".rstrip() for line in text.split("\n")]


def kql_script(suggestion: OutputSuggestion) -> str:
    """The suggestion's commands as a script to paste into the Kusto query window (and
    that schemacheck's .kql loader reads): each command a paragraph of its own, after
    comment lines; empty when there is no command."""
    if not suggestion.commands:
        return ""
    comment = _kind(suggestion).comment + " "
    database = f"database {suggestion.database}" if suggestion.database else "the table's database"
    out = _commented(comment, f"{suggestion.output} -> {_target(suggestion)}: run in {database}, one command at a "
                     "time")
    for step in suggestion.commands:
        out.append("")
        mark = f" -- {TOUCHES}" if step.touches_existing_data else ""
        for line in textwrap.wrap(f"{', '.join(step.codes)}{mark}: {step.why}", WIDTH, initial_indent=comment,
                                  subsequent_indent=comment, break_long_words=False, break_on_hyphens=False):
            out.extend(_commented("", line))
        out.append(step.command)
    return "\n".join(out) + "\n"


def _dialects(script: str) -> list[str]:
    """The languages whose commands go to a `suggest --format` script, in registry order."""
    found: list[str] = []
    for name in kinds.names():
        kind = kinds.get(name)
        if kind.script == script and kind.language not in found:
            found.append(kind.language)
    return found


def render_suggest_script(suggestions: Iterable[OutputSuggestion], language: str,
                          sources: Mapping[str, str | None] | None = None) -> str:
    """`suggest --format kql` or `--format sql`: the table-side commands of every output in
    that language as one script (see the module doc), grouped by dialect (T-SQL before
    PostgreSQL), then by file. Outputs with no command are left out, and a command already
    given for the same database; with none at all the script is one comment saying so."""
    marker = "//" if language == "kql" else "--"
    dialects = _dialects(language)
    chosen = []
    seen = set()
    for suggestion in sorted((s for s in suggestions if s.language in dialects),
                             key=lambda s: dialects.index(s.language)):   # stable: files and outputs keep their order
        # A command given twice for one database (two statements, or two columns, asking for
        # the same change) is run once: a second .rename column would fail.
        steps = []
        for step in suggestion.commands:
            if (suggestion.language, suggestion.database, step.command) not in seen:
                seen.add((suggestion.language, suggestion.database, step.command))
                steps.append(step)
        if steps:
            chosen.append(suggestion._replace(commands=tuple(steps)))
    if not chosen:
        what = "Azure Data Explorer" if language == "kql" else "SQL"
        return f"{marker} schemacheck suggest: nothing to run: no {what} output needs a change to its table\n"
    commands = sum(len(s.commands) for s in chosen)
    touching = sum(k.touches_existing_data for s in chosen for k in s.commands)
    outputs = len(chosen)
    noun = "command" if language == "kql" else "statement"
    heading = (f"schemacheck suggest: {commands} {noun}{'s' if commands != 1 else ''} for {outputs} "
               f"output{'s' if outputs != 1 else ''}" + (f", {touching} of them marked {TOUCHES}" if touching else "")
               + ". Nothing here has been run: run each in the database its paragraph names, one at a time. "
               "Query rewrites are comments: apply them to the query (or run `schemacheck check --fix`); a type "
               "finding is answered on either side: run its command or rewrite the query, not both.")
    out = list(textwrap.wrap(heading, WIDTH, initial_indent=marker + " ", subsequent_indent=marker + " ",
                             break_long_words=False, break_on_hyphens=False))
    dialect = file = None
    for suggestion in chosen:
        if suggestion.language != dialect and len({s.language for s in chosen}) > 1:
            out.extend(["", *_commented(marker + " ", f"==== {_kind(suggestion).dialect_title}: run these in "
                                        "that database, not with the other dialect's statements ====")])
            file = None
        dialect = suggestion.language
        if suggestion.file != file:
            out.extend(["", *_commented(marker + " ", f"==== {suggestion.file}")])
            file = suggestion.file
        out.append("")
        out.extend(kql_script(suggestion).rstrip("\n").split("\n"))
        if suggestion.query:
            out.append("")
            out.extend(_commented(marker + " ", f"query rewrites for {suggestion.output} (not run here):"))
            for line in (line for step in suggestion.query for line in _rewrite(step, sources or {})):
                out.extend(_commented(marker + " ", line[2:]))
    return "\n".join(out) + "\n"


def _lines(prefix: str, text: str) -> list[str]:
    return [f"{prefix}{line}" for line in text.split("\n")]


def _rewrite(step: QueryStep, sources: Mapping[str, str | None]) -> list[str]:
    before = step.before
    if before is None and sources is not None:
        before = text_between(sources.get(step.file), step.line, step.column, step.end_line, step.end_column)
    out = [f"    {step.file}:{step.line}:{step.column} ({', '.join(step.codes)})"]
    if before is not None:
        out.extend(_lines("      - ", before))
    out.extend(_lines("      + ", step.after))
    return out


def render_suggest_text(suggestions: Iterable[OutputSuggestion], sources: Mapping[str, str | None] | None = None
                        ) -> str:
    """Every suggestion, grouped by file; "nothing to suggest" when there is none."""
    out: list[str] = []
    current = None
    for suggestion in suggestions:
        if suggestion.file != current:
            if out:
                out.append("")
            out.append(suggestion.file)
            current = suggestion.file
        state = "" if suggestion.table_exists else " (table does not exist)"
        out.append(f"  {suggestion.output} (line {suggestion.line}) -> {_target(suggestion)}{state}")
        if suggestion.commands:
            touching = sum(s.touches_existing_data for s in suggestion.commands)
            warning = (f"; {touching} of them {'touches' if touching == 1 else 'touch'} existing data"
                       if touching else "")
            out.append("")
            out.append(f"  {_kind(suggestion).commands_title} ({len(suggestion.commands)}{warning}):")
            out.append("")
            out.extend(kql_script(suggestion).rstrip("\n").split("\n"))   # not indented: pasted as it is
        if suggestion.query:
            out.append("")
            out.append(f"  Query rewrites ({len(suggestion.query)}):")
            for step in suggestion.query:
                out.extend(_rewrite(step, sources or {}))
        if suggestion.commands and suggestion.query and any(
                set(k.codes) & set(q.codes) for k in suggestion.commands for q in suggestion.query):
            out.append("")
            out.append("  A type finding is answered on both sides: run the command or rewrite the query, not both.")
        if suggestion.notes:
            out.append("")
            out.append("  Not changed automatically:")
            for note in suggestion.notes:
                out.append(f"    {', '.join(note.codes)}: {note.reason}")
        out.append("")
    if not out:
        return ("nothing to suggest: every Azure Data Explorer and SQL output fits its table (or has no table to "
                "compare)\n")
    return "\n".join(out).rstrip("\n") + "\n"


def suggestion_dict(suggestion: OutputSuggestion) -> dict:
    commands = [{"command": s.command, "codes": list(s.codes), "touches_existing_data": s.touches_existing_data,
                 "why": s.why} for s in suggestion.commands]
    return {
        "output": suggestion.output,
        "line": suggestion.line,
        "column": suggestion.column,
        "database": suggestion.database,
        "table": suggestion.table,
        "table_exists": suggestion.table_exists,
        "kql": commands if _kind(suggestion).script == "kql" else [],
        "sql": commands if _kind(suggestion).script == "sql" else [],
        "language": suggestion.language,
        "query": [{"file": s.file, "line": s.line, "column": s.column, "end_line": s.end_line,
                   "end_column": s.end_column, "before": s.before, "after": s.after, "codes": list(s.codes)}
                  for s in suggestion.query],
        "notes": [{"codes": list(n.codes), "reason": n.reason} for n in suggestion.notes],
    }


def suggest_document(suggestions: Iterable[OutputSuggestion]) -> dict:
    """`{"files": [{"file", "outputs": [...]}]}`, files and outputs in the order given."""
    files: list[dict] = []
    for suggestion in suggestions:
        if not files or files[-1]["file"] != suggestion.file:
            files.append({"file": suggestion.file, "outputs": []})
        files[-1]["outputs"].append(suggestion_dict(suggestion))
    return {"files": files}
