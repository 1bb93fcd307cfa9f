"""`schemacheck suggest`: from a check, the changes that would make each ADX or SQL
output fit its table. Pure: nothing is run against a cluster or database and no file is
written.

    suggest(check, sources=None) -> [OutputSuggestion]   one per ADX or SQL output with findings

For a SQL output (Azure SQL Database, Synapse, PostgreSQL) the table-side commands are
the dialect's (`language` "tsql" or "postgres"): ALTER TABLE ... ADD for a missing
column, ALTER COLUMN for a type (it converts the stored values and fails if one does not
convert: it touches existing data), NULL allowed for a required column the query never
writes, CREATE TABLE for a missing table; the query side is the same as for ADX.

Each suggestion holds two kinds of change, built from the findings' `command` and
`edit` (schemacheck.compare) and, for SC105, from the analysed columns:

- `kql`: Kusto commands for the table, to run in its database. Several columns missing
  from one table become one `.create-merge table`; a missing table one `.create table`
  with every column the statement writes. A command that changes how data already in the
  table is read (`.alter column`, `.rename column`) says so (`touches_existing_data`).
- `query`: rewrites of select items, each an exact replacement of the item's text.

Some findings can be fixed on either side (a type: CAST in the query, or change the
column): both are listed, and the command's `why` says to apply one of them. What no
tool can decide (duplicate names, column order, columns a `*` hides, a name ASA
lower-cases at level 1.0) is listed in `notes` with the reason.

Facts the commands rely on (the Kusto management command reference):
- `.create table` makes a new empty table; if a table of that (case-sensitive) name
  exists, it returns success and leaves that table unchanged.
- `.create-merge table` adds the columns the table lacks at the end of its schema,
  removes none, and fails when a listed column exists with another type.
- `.alter column` changes a column's type; the values already in the column read as
  null afterwards, for good (changing the type back does not restore them). Keeping
  them takes a copy of the table with the new type swapped in with `.rename tables`.
- `.rename column T.Old to New` renames the column and keeps its data; whatever names
  the old column (queries, functions, policies, mappings) no longer finds it.

A column whose ASA type is unknown is given the Kusto type `dynamic`: every ASA type
goes into dynamic intact (schemacheck.typemap), where `string` would turn numbers and
booleans into text; CAST it in the query to get a typed column.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.check import COMPARED, TABLE_MISSING, FileCheck, OutputCheck
from schemacheck.config import ADX, SQL_DIALECTS
from schemacheck.compare import alias_edit, create_command, kusto_type
from schemacheck.files import line_starts
from schemacheck.kusto.names import is_valid_name
from schemacheck.records import record

# The findings a suggestion answers or explains; an output with none of them is clean.
_HANDLED = frozenset({"SC101", "SC102", "SC103", "SC104", "SC105", "SC201", "SC202", "SC203", "SC301",
                      "SC401", "SC403", "SC501"})
_SQL_HANDLED = _HANDLED | {"SC106", "SC107", "SC108", "SC109", "SC502"}
_ALIAS_FIX = re.compile(r"alias the column `AS (?P<name>.+)`$")
_SUGGESTED_ALIAS = re.compile(r"`AS (?P<name>[^`]+)`")


@record
class KqlStep:
    """A Kusto command for the output's table, the findings it answers, and whether it
    changes how data already in the table is read."""

    command: str
    codes: tuple[str, ...]
    touches_existing_data: bool
    why: str


@record
class QueryStep:
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
class Note:
    """Something the suggestion does not change, and why."""

    codes: tuple[str, ...]
    reason: str


@record
class OutputSuggestion:
    """What would make one statement's output fit its table. `line`/`column` are the
    statement's INTO; `table_exists` is False for a table to create (SC501). `kql` holds
    the table-side commands in `language`: "kql" for ADX, "tsql" or "postgres" for SQL."""

    file: str
    output: str
    line: int
    column: int
    database: str | None
    table: str
    table_exists: bool
    kql: tuple[KqlStep, ...]
    query: tuple[QueryStep, ...]
    notes: tuple[Note, ...]
    language: str = "kql"


def suggest(check: FileCheck, sources: Mapping[str, str | None] | None = None) -> list[OutputSuggestion]:
    """One suggestion per statement whose ADX or SQL output has findings, in statement order.

    `sources` maps file names to their text, for the `before` of query rewrites and for
    the aliases SC105 asks for; without it the query's own text is used when the query is
    a file of its own (not a string in a template)."""
    texts = _texts(check, sources)
    result = []
    for output_check, found in zip(check.outputs, _assign(check)):
        if output_check.status not in (COMPARED, TABLE_MISSING):
            continue
        if output_check.kind in SQL_DIALECTS:
            if any(d.code in _SQL_HANDLED for d in found):
                result.append(_Builder(check, output_check, found, texts).build_sql())
        elif output_check.kind == ADX and any(d.code in _HANDLED for d in found):
            result.append(_Builder(check, output_check, found, texts).build())
    return result


def _texts(check: FileCheck, sources: Mapping[str, str | None] | None):
    if sources is not None:
        return sources
    query = check.job.job.query if check.job is not None else None
    if query is not None and query.json_string_at is None and query.at is None:
        return {query.file: query.text}
    return {}


def _inside(diagnostic: D.Diagnostic, span) -> bool:
    end = (span.end_line or span.line, span.end_column or span.column)
    return (span.line, span.column) <= (diagnostic.line, diagnostic.column) <= end


def _assign(check: FileCheck) -> list[list[D.Diagnostic]]:
    """The diagnostics of each statement: its output's, within the statement's text (the
    first statement that holds one takes it)."""
    assigned: list[list[D.Diagnostic]] = [[] for _ in check.outputs]
    # Per output name, its statements' indices, starts and ends: in source order both
    # ascend, and the first statement holding a position is then found by bisection
    # (a search through every statement for each finding is quadratic in a long query).
    statements: dict[str, tuple[list, list, list]] = {}
    for index, output_check in enumerate(check.outputs):
        span = output_check.output.span
        indices, starts, ends = statements.setdefault(output_check.output.output, ([], [], []))
        indices.append(index)
        starts.append((span.line, span.column))
        ends.append((span.end_line or span.line, span.end_column or span.column))
    ordered = {name: starts == sorted(starts) and ends == sorted(ends)
               for name, (_, starts, ends) in statements.items()}
    for diagnostic in check.diagnostics:
        if diagnostic.file != check.file or diagnostic.output is None or diagnostic.output not in statements:
            continue
        indices, starts, ends = statements[diagnostic.output]
        if ordered[diagnostic.output]:
            position = (diagnostic.line, diagnostic.column)
            first = bisect_left(ends, position)
            if first < len(starts) and starts[first] <= position:
                assigned[indices[first]].append(diagnostic)
            continue
        for index in indices:
            if _inside(diagnostic, check.outputs[index].output.span):
                assigned[index].append(diagnostic)
                break
    return assigned


def text_between(text: str | None, line: int, column: int, end_line: int, end_column: int) -> str | None:
    """The text between two 1-based positions (lines end at "\\n", as the lexer counts)."""
    if text is None:
        return None
    starts = line_starts(text)
    if not (1 <= line <= len(starts) and 1 <= end_line <= len(starts)):
        return None
    start, end = starts[line - 1] + column - 1, starts[end_line - 1] + end_column - 1
    return text[start:end] if 0 <= start <= end <= len(text) else None


def _where(step: QueryStep) -> str:
    return f"{step.file}:{step.line}:{step.column}"


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


class _Builder:
    """The suggestion for one statement, built from its findings."""

    def __init__(self, check: FileCheck, output_check: OutputCheck, found: list[D.Diagnostic], texts) -> None:
        self.check = check
        self.output_check = output_check
        self.output = output_check.output
        self.found = found
        self.texts = texts
        self.kql: list[KqlStep] = []
        self.query: list[QueryStep] = []
        # For query_step, per file: the rewrites' (start, end, index in self.query), sorted
        # (they never overlap, so their ends ascend too), and each rewrite by its place and text.
        self.spans: dict[str, tuple[list, list, list]] = {}
        self.same: dict[tuple, int] = {}
        self.notes: list[Note] = []
        self.sc105_names: dict[tuple[int, int], str] = {}   # (line, column) of an unnamed item -> its alias
        table = output_check.table
        where_to = output_check.destination
        self.table_name = table.name if table is not None else where_to.table
        self.database = (table.database if table is not None else None) or (where_to.database if where_to else None)
        query = check.job.job.query if check.job is not None else None
        self.in_template = query is not None and query.json_string_at is not None
        self.positions_lost = query is not None and query.at is not None

    # ---- steps ------------------------------------------------------------------
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
    def build(self) -> OutputSuggestion:
        missing: list[tuple[str, str, D.Diagnostic]] = []   # SC101 columns to add
        renames, alters = [], []
        filled = set()       # table columns a query rewrite makes the statement write
        for d in self.found:
            fixed_alias = _ALIAS_FIX.match(d.fix or "")
            if d.code == "SC101":
                if d.edit is not None:
                    if self.query_step(d.edit, ["SC101"]) is not None and fixed_alias:
                        filled.add(fixed_alias.group("name"))
                        self.alternative_column(d, fixed_alias.group("name"))
                elif d.command is not None:
                    missing.append((d.query_column, kusto_type(d.actual_type), d))
                else:
                    self.note([d.code], f"output column {d.query_column} is not in the table and is not a valid "
                              "Kusto column name (letters, digits, '_', ' ', '.', '-'): alias it, then add the column")
            elif d.code == "SC102":
                if d.command is not None:
                    renames.append(d)
                    self.note([d.code], f"no alias can fix {d.query_column} in the query: ASA writes the name in "
                              f"lower case here. Besides renaming the table column, raising the job's compatibility "
                              f"level to 1.2 keeps names as written (then alias the column AS {d.table_column})")
                elif d.edit is not None and self.query_step(d.edit, ["SC102"]) is not None:
                    filled.add(d.table_column)
                else:
                    self.note([d.code], d.fix or d.message)
            elif d.code in ("SC201", "SC202"):
                self.type_finding(d, alters)
            elif d.code == "SC301":
                self.note([d.code], "ASA's ADX output matches columns by name, so the order stops no row; to "
                          f"align it anyway, {d.fix or 'reorder the select list'} (by hand)")
            else:
                self.common(d)
        self.unwritten(filled, "leave it empty")
        missing_table = next((d for d in self.found if d.code == "SC501"), None)
        if missing_table is not None:
            self.create_table(missing_table)
        if missing:
            self.add_columns(missing)
        for d in renames:
            self.kql.append(KqlStep(d.command, (d.code,), True,
                                    f"ASA writes the column as {d.query_column}, which never matches the "
                                    f"table's {d.table_column} (names are case-sensitive in ADX). Renaming keeps the "
                                    f"column's data, but queries, functions, policies and ingestion mappings that "
                                    f"name {d.table_column} no longer find it"))
        for d, step in alters:
            instead = (f"; or, instead, rewrite the query at {_where(step)} (below): apply one of the two"
                       if step is not None else "")
            kind = d.command.rsplit("=", 1)[-1]
            reason = d.message.split(": ", 1)[-1]
            self.kql.append(KqlStep(d.command, (d.code,), True,
                                    f"the query writes {d.query_column} as {d.actual_type} into a "
                                    f"{d.expected_type} column ({reason}); this makes it {kind}. The values already "
                                    f"in {d.table_column} then read as null, for good (changing the type back does "
                                    f"not restore them); to keep them, copy the table with the new type and swap it "
                                    f"in with .rename tables{instead}"))
        self.query.sort(key=lambda s: (s.file, s.line, s.column))
        where = self.output.output_span or self.output.span
        return OutputSuggestion(self.check.file, self.output.output, where.line, where.column, self.database,
                                self.table_name, missing_table is None, tuple(self.kql), tuple(self.query),
                                tuple(self.notes))

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
        """The findings both kinds of output answer alike: a CAST for an unknown type, an
        alias for an unnamed column, notes for what only a person can decide."""
        if d.code == "SC203":
            if d.edit is None or self.query_step(d.edit, ["SC203"]) is None:
                self.note([d.code], f"the type of {d.query_column} is not known, so it is not checked: "
                          f"{d.fix or 'CAST it to the type of ' + str(d.table_column)}")
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

    def build_sql(self) -> OutputSuggestion:
        """The suggestion for a SQL output: commands in its dialect (see the module doc)."""
        from schemacheck.sql.compare import create_table_command
        from schemacheck.sql.types import column_type_for

        dialect = SQL_DIALECTS[self.output_check.kind]
        table = self.output_check.table
        if table is not None:
            self.table_name = table.qualified_name
        alters, filled = [], set()
        for d in self.found:
            alias = _ALIAS_FIX.match(d.fix or "")
            if d.code in ("SC101", "SC102", "SC106", "SC109"):
                if d.edit is not None and self.query_step(d.edit, [d.code]) is not None:
                    filled.add(alias.group("name") if alias else d.table_column)
                elif d.command is not None:
                    self.kql.append(KqlStep(d.command, (d.code,), False,
                                            f"the query writes {d.query_column}, which the table does not have. "
                                            "This adds it at the end, allowing NULL (rows already stored hold "
                                            "NULL); no existing column changes"))
                else:
                    self.note([d.code], f"{d.message}: {d.fix}" if d.fix else d.message)
            elif d.code in ("SC201", "SC202"):
                self.type_finding(d, alters)
            elif d.code == "SC107":
                self.kql.append(KqlStep(d.command, (d.code,), False,
                                        f"the statement never writes {d.table_column}, which is NOT NULL without a "
                                        "default, so every insert fails. This allows NULL in it; instead, write the "
                                        "column in the query, or give it a DEFAULT"))
            elif d.code == "SC108":
                self.note([d.code], f"{d.message}: leave {d.query_column} out of the select list (by hand)")
            elif d.code == "SC301":
                self.note([d.code], "the SQL output's documentation asks for a table that matches the output "
                          f"without saying whether order counts; to align it, {d.fix or 'reorder the select list'} "
                          "(by hand)")
            elif d.code == "SC502":
                self.note([d.code], f"{d.message}: write the table's name in the output as the DDL does")
            else:
                self.common(d)
        self.unwritten(filled, "hold NULL")
        for d, step in alters:
            instead = (f"; or, instead, rewrite the query at {_where(step)} (below): apply one of the two"
                       if step is not None else "")
            reason = d.message.split("): ", 1)[-1]
            indexed = (" SQL Server refuses a (MAX) type in an index key: if the column is indexed, widen it to "
                       "a length instead" if dialect == "tsql" and "(MAX)" in d.command else "")
            self.kql.append(KqlStep(d.command, (d.code,), True,
                                    f"the query writes {d.query_column} as {d.actual_type} into {d.table_column} "
                                    f"({reason}). This changes the column's type: the database converts the "
                                    f"values stored, and the command fails if one does not convert.{indexed}"
                                    f"{instead}"))
        missing_table = next((d for d in self.found if d.code == "SC501"), None)
        if missing_table is not None and self.table_name:
            columns, left_out = [], []
            for column in self.output.columns:
                kind = column_type_for(column.type, dialect, self.check.level or "1.2")
                if column.name is None or column.name.lower() in {n.lower() for n, _ in columns}:
                    continue
                if kind is None:
                    left_out.append(column.name)
                    continue
                columns.append((column.name, kind))
            if columns:
                self.kql.append(KqlStep(create_table_command(self.table_name, columns, dialect), ("SC501",), False,
                                        f"ASA does not create the table; this creates {self.table_name}, empty, "
                                        "with the columns the statement writes in its order, each allowing NULL"))
            if left_out:
                self.note(["SC501"], f"{_listed(left_out)} cannot be given a column type: CAST "
                          f"{'them' if len(left_out) > 1 else 'it'} in the query (PostgreSQL takes no record or "
                          "array) and run this again")
        self.query.sort(key=lambda s: (s.file, s.line, s.column))
        where = self.output.output_span or self.output.span
        return OutputSuggestion(self.check.file, self.output.output, where.line, where.column, self.database,
                                self.table_name, missing_table is None, tuple(self.kql), tuple(self.query),
                                tuple(self.notes), dialect)

    def alternative_column(self, d: D.Diagnostic, near: str) -> None:
        command = create_command(self.table_name, [(d.query_column, kusto_type(d.actual_type))], merge=True)
        if command is not None:
            self.note([d.code], f"{d.query_column} is taken for a slip of {near}; if it is a new column "
                      f"instead, leave the query as it is and add the column: {command}")

    def add_columns(self, missing) -> None:
        columns = []
        for name, kind, _ in missing:
            if name not in [c for c, _ in columns]:
                columns.append((name, kind))
        command = create_command(self.table_name, columns, merge=True)
        if command is None:
            self.note(["SC101"], f"table {self.table_name} is not a valid Kusto table name: add the columns "
                      f"{_listed([n for n, _ in columns])} by hand")
            return
        unknown = [name for name, _, d in missing if d.actual_type is None]
        them = "them" if len(columns) > 1 else "it"
        typed = (f"; the query does not tell the type of {_listed(unknown)}, so it is dynamic (any value fits; "
                 "CAST it in the query for a typed column)") if unknown else ""
        self.kql.append(KqlStep(command, ("SC101",), False,
                                f"the query writes {_listed([n for n, _ in columns])}, which the table does not "
                                f"have. The command adds {them} at the end of the table's columns and changes no "
                                f"existing column; rows already stored have {them} empty{typed}"))

    def create_table(self, d: D.Diagnostic) -> None:
        columns: list[tuple[str, str]] = []
        seen = set()
        unknown = []
        for column in self.output.columns:
            name = column.name
            if name is None:
                name = self.sc105_names.get((column.span.line, column.span.column))
                if name is None:
                    continue   # its SC105 note says to name it
            if name.lower() in seen:
                continue       # SC104: ASA keeps one column per name
            seen.add(name.lower())
            if not is_valid_name(name):
                self.note(["SC501"], f"output column {name} is not a valid Kusto column name (letters, digits, '_', "
                          "' ', '.', '-'): it is left out of .create table; alias it in the query")
                continue
            columns.append((name, kusto_type(column.type)))
            if column.type is None:
                unknown.append(name)
        command = create_command(self.table_name, columns) if self.table_name else None
        if command is None:
            self.note(["SC501"], f"table {self.table_name} cannot be created from the query's columns: "
                      f"{d.message}")
            return
        typed = (f"; the query does not tell the type of {_listed(unknown)}, so it is dynamic (any value fits; "
                 "CAST it in the query for a typed column)") if unknown else ""
        where = f" in database {self.database}" if self.database else ""
        self.kql.append(KqlStep(command, ("SC501",), False,
                                f"ASA does not create the table; this creates {self.table_name}{where}, "
                                f"empty, with the columns the statement writes in its order{typed}. If a table of "
                                f"that name exists after all, Kusto leaves it unchanged"))
        near = re.search(r"did you mean (?P<names>.+)\?$", d.message)
        if near:
            self.note(["SC501"], f"tables with a similar name exist ({near.group('names')}): if the output is "
                      "mapped to the wrong table, fix the mapping instead of creating this one")
        if not self.output.complete:
            self.note(["SC403", "SC501"], "the * in the statement adds columns the query does not declare: they "
                      "are not in .create table; declare the input with CREATE TABLE and run this again")

    # ---- SC105 ----------------------------------------------------------------------
    def unnamed(self, d: D.Diagnostic) -> None:
        """An alias for an expression ASA names no documented way: the table's column of
        the same name as infer suggests (ignoring case and '_'), else that suggestion."""
        column = next((c for c in self.output.columns if c.name is None
                       and (c.span.line, c.span.column) == (d.line, d.column)), None)
        suggested = _SUGGESTED_ALIAS.search(d.fix or "")
        name = suggested.group("name") if suggested and suggested.group("name") != "<name>" else None
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
        self.sc105_names[(column.span.line, column.span.column)] = name


def _table_spelling(name: str | None, names: list[str]) -> str | None:
    """The table column `name` stands for, ignoring case and underscores (AvgTemp for avg_temp)."""
    if name is None:
        return None

    def plain(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.lower())

    return next((n for n in names if plain(n) == plain(name)), None)
