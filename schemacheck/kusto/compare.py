"""The ASA-to-ADX comparator: a pure function from one statement's inferred output and its
table's schema to diagnostics. No I/O; `source` (the query text) is used only for the
query-side fixes (schemacheck.edits).

    compare(output, table, level, file, source) -> diagnostics for one statement

Names are compared exactly (ADX is case-sensitive), with a separate finding when they
differ only by case; types through schemacheck.kusto.typemap.

Besides the human `fix`, a finding carries what a tool can apply: `edit`, the select
item with the query-side fix (an alias in the table's spelling, a CAST), `command`, the
table-side Kusto command (schemacheck.kusto.commands), and the fields the suggestions
read (`suggested_name`, `reason`, `lowered`, `new_type`, `table`):

    SC101  far from every column  .create-merge table ['T'] (['c']:type)   (adds at the end;
                                  an unknown ASA type gives dynamic, which takes any value)
    SC101  near a column          edit: the alias in that column's spelling (unless another
                                  column writes that name: then the command)
    SC102  ASA lower-cases it     .rename column ['T'].['Col'] to ['col']
    SC102  otherwise              edit: the alias in the table's spelling
    SC201, SC202                  edit: CAST to the column's type (TRY_CAST for text, whose CAST
                                  may fail); .alter column ['T'].['c'] type=t
    SC204                         an untyped value into a column that stores null for what does
                                  not parse (typemap.UNTYPED_CAST): edit: TRY_CAST to the ASA
                                  type whose text ADX parses into it (none for bool below 1.2)
    SC203                         one per statement: its other untyped columns (into string or
                                  dynamic, or not in the table), and what would type them
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.asa import types as asa
from schemacheck.asa.infer import OutputColumn, OutputSchema
from schemacheck.edits import alias_edit, cast_edit, cast_fix
from schemacheck.kinds.base import check_order, closest, lowered_by_asa, shown_column
from schemacheck.kusto import typemap
from schemacheck.kusto.commands import alter_command, create_command, kusto_type, rename_command
from schemacheck.kusto.schema import TableSchema
from schemacheck.untyped import how_to_type, is_number, summary, untyped_phrase

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level


def _quoted(name: str) -> str:
    return f"['{name}']"


def _where(output: OutputSchema):
    return output.output_span or output.span


def compare(output: OutputSchema, table: TableSchema, level: Level, file: str | None = None,
            source: str | None = None) -> list[D.Diagnostic]:
    """Every way this statement's columns do not fit `table` (see schemacheck.diagnostics)."""
    found: list[D.Diagnostic] = []
    where = table.qualified_name

    def report(code, message, span, **fields):
        found.append(D.make(code, message, span, file, output=output.output, **{"table": where, **fields}))

    written_in_table = []
    untyped: dict[int, str] = {}   # what _untyped said of each untyped column written ("warned": SC204)
    exact_names = {c.name for c in output.columns}
    exact_lowered = {n.lower() for n in exact_names if n is not None}
    # The table's columns by name, and by name in lower case: the first of each, as
    # TableSchema.column and column_ignoring_case find them (one look-up per output column
    # instead of a search, for tables of thousands of columns).
    by_name: dict = {}
    by_lowered: dict = {}
    for table_column in table.columns:
        by_name.setdefault(table_column.name, table_column)
        by_lowered.setdefault(table_column.name.lower(), table_column)
    for column in output.columns:
        if column.name is None:
            continue  # SC105 already asks for a name
        target = by_name.get(column.name)
        if target is None:
            other = by_lowered.get(column.name.lower())
            if other is not None and other.name in exact_names:
                continue  # another column writes it exactly: a duplicate name (SC104), not a case slip
            if other is not None:
                # When ASA lower-cases the name (level 1.0; GetMetadataPropertyValue below 1.2),
                # no alias can match a mixed-case column.
                lowered = lowered_by_asa(column, level)
                if lowered:
                    message = (f"output column {shown_column(column, level)} does not match table column "
                               f"{other.name} of {where}: ASA writes the name in lower case, so a mixed-case "
                               f"column never matches")
                    fix = f"raise the job's compatibility level to 1.2, or rename the table column to {column.name}"
                    edit, command, suggested = None, rename_command(table.name, other.name, column.name), None
                else:
                    message = (f"output column {column.name} matches table column {other.name} of {where} only "
                               f"if letter case is ignored; ADX compares names case-sensitively")
                    fix = f"alias the column `AS {other.name}`"
                    edit, command, suggested = alias_edit(source, column, other.name, file), None, other.name
                report("SC102", message, column.span, query_column=column.name, table_column=other.name,
                       expected_type=other.type, actual_type=column.type, fix=fix, edit=edit, command=command,
                       suggested_name=suggested, lowered=lowered)
                written_in_table.append((column, other))
                continue
            close = closest(column.name, [c.name for c in table.columns])
            hint = f"; did you mean {close}?" if close else ""
            # A near name is most likely a slip in the query; the column is added only when none is near
            # (or when another column already writes the near name: the alias would duplicate it).
            taken = close is not None and close.lower() in exact_lowered
            edit = alias_edit(source, column, close, file) if close and not taken else None
            command = None if close and not taken else create_command(
                table.name, [(column.name, kusto_type(column.type))], merge=True)
            fix = (f"alias the column `AS {close}`" if close else
                   f"add the column: `{command}`" if command else "add the column to the table")
            report("SC101", f"output column {shown_column(column, level)} has no column of that name in table "
                   f"{where}{hint}",
                   column.span, query_column=column.name, actual_type=column.type, fix=fix, edit=edit,
                   command=command, suggested_name=close if edit is not None else None,
                   near=(close,) if close else (), new_type=kusto_type(column.type) if command else None)
            continue
        written_in_table.append((column, target))
        if column.type is not None:
            _check_type(column, target, table.name, level, source, report, file)
        else:
            untyped[id(column)] = _untyped(column, target, where, level, source, report, file)

    # With a column whose name ASA does not document (SC105), any table column may be the one it fills.
    if output.complete and all(c.name is not None for c in output.columns):
        produced = {c.name for c in output.columns}
        produced.update(t.name for _, t in written_in_table)
        for table_column in table.columns:
            if table_column.name not in produced:
                report("SC103", f"table column {table_column.name} ({table_column.type}) of {where} is never "
                       f"written by this statement: it stays empty or null in its rows", _where(output),
                       table_column=table_column.name, expected_type=table_column.type)
    check_order(written_in_table, table, report)
    rest = [c for c in output.columns if c.type is None and untyped.get(id(c)) != "warned"]
    summary(output, rest, report, [c for c in rest if untyped.get(id(c)) == "number"])
    return found


def _untyped(column: OutputColumn, target, where: str, level: Level, source: str | None, report,
             file: str | None = None) -> str:
    """SC204 ("warned") for an untyped value written into a column where a value that does not
    parse is stored as null (typemap.UNTYPED_CAST); "number" for a number (bigint or float)
    into a column that parses either, "" for a column that takes any value (string,
    dynamic): the statement's SC203 summary counts those."""
    number = is_number(column)
    strict, wanted = typemap.untyped_cast(target.type, level, number)
    if not strict:
        return "number" if number and target.type in typemap.NUMBER_TAKEN else ""
    head = (f"output column {column.name} is untyped ({untyped_phrase(column)}), and table column {target.name} "
            f"of {where} is {target.written_type}: ")
    typing = how_to_type([column], wanted, cast=False)
    edit = None
    if wanted is None and number:
        message = head + f"no number parses as {target.type}; ADX stores null for it, without an error"
        fix = f"write a {target.type} value into {target.name}, or change the column's type"
    elif wanted is None:   # bool below level 1.2
        message = head + (f"ADX stores null, without an error, for every value that does not parse as "
                          f"{target.type}; below compatibility level 1.2 ASA has no bit type to TRY_CAST it to")
        fix = "raise the job's compatibility level to 1.2 and TRY_CAST it to bit"
    else:
        message = head + (f"a number with a fraction does not parse as {target.type}; ADX stores null for it, "
                          f"without an error" if number else
                          f"ADX stores null, without an error, for every value that does not parse as {target.type}")
        fix = f"{cast_fix(source, column, wanted, 'TRY_CAST')} in the query"
        edit = cast_edit(source, column, wanted, file, "TRY_CAST")
    fix += f", or {typing}" if typing else ""
    report("SC204", message, column.span, query_column=column.name, table_column=target.name,
           expected_type=target.type, fix=fix, edit=edit, reason=column.reason)
    return "warned"


def _check_type(column: OutputColumn, target, table_name: str, level: Level, source: str | None, report,
                file: str | None = None) -> None:
    """SC201/SC202 for a typed column, by the type table (an untyped one is _untyped's)."""
    assert column.type is not None
    verdict, why = typemap.compatibility(column.type, target.type)
    if verdict == typemap.OK:
        return
    wanted = typemap.CAST_FOR_KUSTO.get(target.type)
    if wanted == "bit" and level < "1.2":
        wanted = None
    fixes = []
    edit = command = None
    if wanted and wanted != column.type:
        # Text parsed into another type: TRY_CAST, since a CAST that fails stops the job.
        function = "TRY_CAST" if column.type == asa.NVARCHAR else "CAST"
        fixes.append(f"{cast_fix(source, column, wanted, function)} in the query")
        edit = cast_edit(source, column, wanted, file, function)
    better = typemap.KUSTO_FOR_ASA.get(column.type)
    if better and better != target.type:
        fixes.append(f"change the column: `.alter column {_quoted(table_name)}.{_quoted(target.name)} type={better}`")
        command = alter_command(table_name, target.name, better)
    fix = ", or ".join(fixes) or None
    code = "SC201" if verdict == typemap.INCOMPATIBLE else "SC202"
    report(code, f"output column {column.name} is {column.type}, table column {target.name} is "
           f"{target.written_type}: {why}", column.span, query_column=column.name, table_column=target.name,
           expected_type=target.type, actual_type=column.type, fix=fix, edit=edit, command=command, reason=why,
           new_type=better if command else None)
