"""`schemacheck suggest`: from a check, the changes that would make each checked output fit
its table. Pure: nothing is run against a cluster or database and no file is written.

    suggest(check, sources=None) -> [OutputSuggestion]   one per output with findings to answer

Each suggestion holds two kinds of change, built from the findings' fields (`command`,
`edit`, `suggested_name`, `reason`, `new_type`, `near`; never from their text) and, for
SC105, from the analysed columns:

- `commands`: the table-side commands in the destination kind's language (Kusto commands
  for ADX, T-SQL or PostgreSQL statements for SQL outputs), to run in the table's
  database; each kind builds its own (schemacheck.kusto.commands, schemacheck.sql.commands).
  A command that changes data already in the table says so (`touches_existing_data`).
- `query`: rewrites of select items, each an exact replacement of the item's text.

Some findings can be fixed on either side (a type: CAST in the query, or change the
column): both are listed, and the command's `why` says to apply one of them. What no
tool can decide (duplicate names, column order, columns a `*` hides, a name ASA
lower-cases at level 1.0) is listed in `notes` with the reason.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck import kinds
from schemacheck.check.results import COMPARED, TABLE_MISSING, FileCheck, OutputCheck
from schemacheck.edits import alias_edit
from schemacheck.files import line_starts
from schemacheck.records import Record, record


@record
class CommandStep(Record):
    """A table-side command, the findings it answers, and whether it changes data already
    in the table (or how it is read)."""

    command: str
    codes: tuple[str, ...]
    touches_existing_data: bool
    why: str


@record
class QueryStep(Record):
    """A select item rewritten: the text from (line, column) up to, not including,
    (end_line, end_column) of `file` becomes `after`. `before` is the text replaced (None
    when the file's text was not at hand). In a template the texts are as the JSON string
    holds them (escaped)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    before: str | None
    after: str
    codes: tuple[str, ...]


@record
class Note(Record):
    """Something the suggestion does not change, and why."""

    codes: tuple[str, ...]
    reason: str


@record
class OutputSuggestion(Record):
    """What would make one statement's output fit its table. `line`/`column` are the
    statement's INTO; `table_exists` is False for a table to create (SC501). `commands`
    are in `language` ("kql" for ADX, "tsql" or "postgres" for SQL), for the output's `kind`."""

    file: str
    output: str
    line: int
    column: int
    database: str | None
    table: str
    table_exists: bool
    commands: tuple[CommandStep, ...]
    query: tuple[QueryStep, ...]
    notes: tuple[Note, ...]
    language: str = "kql"
    kind: str | None = None   # the destination kind; None: the first kind of that language


def suggest(check: FileCheck, sources: Mapping[str, str | None] | None = None) -> list[OutputSuggestion]:
    """One suggestion per statement whose checked output has findings its kind answers, in
    statement order.

    `sources` maps file names to their text, for the `before` of query rewrites and for
    the aliases SC105 asks for; without it the query's own text is used when the query is
    a file of its own (not a string in a template)."""
    texts = _texts(check, sources)
    result = []
    for output_check in check.outputs:
        if output_check.status not in (COMPARED, TABLE_MISSING) or not kinds.checked(output_check.kind):
            continue
        kind = kinds.get(output_check.kind)
        # The statement's own findings in the query's file (those of other files belong to the job).
        found = [d for d in output_check.findings if d.file == check.file]
        if any(d.code in kind.handled for d in found):
            result.append(kind.suggestion(Builder(check, output_check, found, texts, kind)))
    return result


def _texts(check: FileCheck, sources: Mapping[str, str | None] | None):
    if sources is not None:
        return sources
    query = check.job.job.query if check.job is not None else None
    if query is not None and query.json_string_at is None and query.at is None:
        return {query.file: query.text}
    return {}


def text_between(text: str | None, line: int, column: int, end_line: int, end_column: int) -> str | None:
    """The text between two 1-based positions (lines end at "\\n", as the lexer counts)."""
    if text is None:
        return None
    starts = line_starts(text)
    if not (1 <= line <= len(starts) and 1 <= end_line <= len(starts)):
        return None
    start, end = starts[line - 1] + column - 1, starts[end_line - 1] + end_column - 1
    return text[start:end] if 0 <= start <= end <= len(text) else None


def listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


class Builder:
    """The suggestion for one statement, built from its findings."""

    def __init__(self, check: FileCheck, output_check: OutputCheck, found: list[D.Diagnostic], texts,
                 kind=None) -> None:
        self.check = check
        self.kind = kind
        self.output_check = output_check
        self.output = output_check.output
        self.found = found
        self.texts = texts
        self.commands: list[CommandStep] = []
        self.query: list[QueryStep] = []
        # For query_step, per file: the rewrites' (start, end, index in self.query), sorted
        # (they never overlap, so their ends ascend too), and each rewrite by its place and text.
        self.spans: dict[str, tuple[list, list, list]] = {}
        self.same: dict[tuple, int] = {}
        self.notes: list[Note] = []
        self.sc105_names: dict[tuple[int, int], str] = {}   # (line, column) of an unnamed item -> its alias
        table = output_check.table
        where_to = output_check.destination
        if table is not None:
            self.table_name: str = table.name
        else:  # a table that is missing (TABLE_MISSING): the destination names it
            assert where_to is not None and where_to.table is not None
            self.table_name = where_to.table
        self.database = (table.database if table is not None else None) or (where_to.database if where_to else None)
        query = check.job.job.query if check.job is not None else None
        self.in_template = query is not None and query.json_string_at is not None
        self.positions_lost = query is not None and query.at is not None

    # ---- steps ------------------------------------------------------------------
    @staticmethod
    def where(step: QueryStep) -> str:
        return f"{step.file}:{step.line}:{step.column}"

    def finish(self, table_exists: bool) -> OutputSuggestion:
        """The suggestion, once the kind has added its commands."""
        self.query.sort(key=lambda s: (s.file, s.line, s.column))
        where = self.output.output_span or self.output.span
        return OutputSuggestion(self.check.file, self.output.output, where.line, where.column, self.database,
                                self.table_name, table_exists, tuple(self.commands), tuple(self.query),
                                tuple(self.notes), self.kind.language if self.kind else "kql",
                                self.kind.name if self.kind else "adx")

    def note(self, codes, reason: str) -> None:
        self.notes.append(Note(tuple(codes), reason))

    def query_step(self, edit: D.Edit, codes) -> QueryStep | None:
        """Add a rewrite; the same rewrite again only adds its codes, and one that overlaps
        another is left out (None)."""
        file = edit.file or self.check.file
        start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
        starts, ends, indices = self.spans.setdefault(file, ([], [], []))
        # The earliest rewrite that is this one again (its codes are added) or overlaps it
        # (this one is left out): by look-up and bisection rather than a search through all.
        key = (file, start, end, edit.text)
        same = self.same.get(key)
        overlapping = indices[bisect_right(ends, start):bisect_left(starts, end)]
        earliest = min(overlapping, default=None)
        if same is not None and (earliest is None or same <= earliest):
            step = self.query[same]
            self.query[same] = step._replace(codes=step.codes + tuple(c for c in codes if c not in step.codes))
            return self.query[same]
        if earliest is not None:
            return None
        before = text_between(self.texts.get(file) if file else None, *start, *end)
        step = QueryStep(file, *start, *end, before, edit.text, tuple(codes))
        self.same[key] = len(self.query)
        at = bisect_left(starts, start)
        while at < len(starts) and starts[at] == start and ends[at] <= end:
            at += 1
        starts.insert(at, start)
        ends.insert(at, end)
        indices.insert(at, len(self.query))
        self.query.append(step)
        return step

    # ---- findings -----------------------------------------------------------------
    def unwritten(self, filled: set, what_rows_do: str) -> None:
        """SC103 notes for the table columns no rewrite makes the statement write."""
        for d in self.found:
            if d.code == "SC103" and d.table_column not in filled:
                self.note([d.code], f"table column {d.table_column} is never written by this statement: if a "
                          f"query column should fill it, alias that column AS {d.table_column}; otherwise its "
                          f"rows {what_rows_do} (nothing to run)")

    def type_finding(self, d: D.Diagnostic, alters: list) -> None:
        """A type finding: its CAST as a rewrite, its column change kept for later in `alters`
        (with the rewrite, which the command's text names as the other way)."""
        step = self.query_step(d.edit, [d.code]) if d.edit is not None else None
        if d.command is not None:
            alters.append((d, step))
        elif step is None:
            self.note([d.code], f"{d.message}: {d.fix}" if d.fix else d.message)

    def common(self, d: D.Diagnostic) -> None:
        """The findings both kinds of output answer alike: a TRY_CAST for an untyped value, an
        alias for an unnamed column, notes for what only a person can decide."""
        if d.code == "SC204":
            if d.edit is None or self.query_step(d.edit, ["SC204"]) is None:
                self.note([d.code], f"the type of {d.query_column} is not known, and {d.table_column} is "
                          f"{d.expected_type}: {d.fix or 'TRY_CAST it to the type of ' + str(d.table_column)}")
        elif d.code == "SC203":
            self.note([d.code], f"{d.message}: {d.fix}" if d.fix else d.message)
        elif d.code == "SC105":
            self.unnamed(d)
        elif d.code == "SC104":
            self.note([d.code], f"{d.message}: which of the two to rename is a choice only you can make "
                      "(give one of them another alias)")
        elif d.code == "SC403":
            self.note([d.code], f"{d.message}; the columns it adds are not known, so nothing is suggested for "
                      "them: declare the input with CREATE TABLE, or list the columns, and run this again")
        elif d.code == "SC401":
            self.note([d.code], f"{d.message}: every statement into one output fills the same table; make "
                      "their select lists agree")

    # ---- SC105 ----------------------------------------------------------------------
    def unnamed(self, d: D.Diagnostic) -> None:
        """An alias for an expression ASA names no documented way: the table's column of
        the same name as infer suggests (ignoring case and '_'), else that suggestion."""
        column = next((c for c in self.output.columns if c.name is None
                       and (c.span.line, c.span.column) == (d.line, d.column)), None)
        name = d.suggested_name
        taken = {c.name for c in self.output.columns if c.name} | set(self.sc105_names.values())
        table = self.output_check.table
        if table is not None:
            free = [c.name for c in table.columns if c.name not in taken]
            name = _table_spelling(name, free) or name
        if name is not None:
            # ASA compares names without case: another column's name would be a duplicate (SC104).
            lowered = {n.lower() for n in taken}
            base, number = name, 1
            while name.lower() in lowered:
                number += 1
                name = f"{base}_{number}"
        edit = None
        if column is not None and name is not None and not self.positions_lost:
            if self.in_template and json.dumps(name)[1:-1] != name:
                edit = None
            else:
                edit = alias_edit(self.texts.get(d.file), column, name, d.file)
        if edit is None or self.query_step(edit, ["SC105"]) is None:
            self.note([d.code], "the expression needs an alias (AS name) to be checked against the table; no "
                      "name could be suggested for it")
            return
        assert column is not None and name is not None  # (the edit is made for them)
        self.sc105_names[(column.span.line, column.span.column)] = name


def _table_spelling(name: str | None, names: list[str]) -> str | None:
    """The table column `name` stands for, ignoring case and underscores (AvgTemp for avg_temp)."""
    if name is None:
        return None

    def plain(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.lower())

    return next((n for n in names if plain(n) == plain(name)), None)
