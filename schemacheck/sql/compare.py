"""The ASA-to-SQL comparator: a pure function from one statement's inferred output and
the SQL table it writes to (as DDL defines it) to diagnostics, under the same rule
registry as ADX (schemacheck.diagnostics). No I/O; `source` (the query text) is used
only for the query-side fixes (schemacheck.edits), as for ADX.

    compare_sql(output, table, level, file, source) -> diagnostics for one statement

Names: SQL Server compares them without regard to case under the default collation, so
a case slip is written (SC106, info) unless the project's collation is case-sensitive
(SC102). PostgreSQL folds unquoted names to lower case; a column defined in double
quotes must be matched exactly (SC102), a folded one that matches only ignoring case is
SC109 (whether ASA quotes the names it writes is not documented).

Beyond names and types (schemacheck.sql.typemap): a NOT NULL column without a default
that the statement leaves out fails the insert (SC107); an identity or computed column
it writes fails the insert (SC108); a nullable column it leaves out is NULL (SC103).

Each finding's `command` is the table-side fix as the dialect writes it
(schemacheck.sql.commands: ALTER TABLE rendered by sqlglot, imported only when such a
command is built); `edit` the select item rewritten (an alias, a CAST), as for ADX.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.asa import types as asa
from schemacheck.asa.infer import OutputColumn, OutputSchema
from schemacheck.edits import alias_edit, cast_edit, cast_fix
from schemacheck.kinds.base import check_order, closest, lowered_by_asa, shown_column
from schemacheck.sql import typemap as sqltypes
from schemacheck.sql.commands import add_column_command, allow_null_command, alter_type_command
from schemacheck.sql.schema import DIALECT_NAMES, POSTGRES, TSQL, SqlColumn, SqlTable
from schemacheck.untyped import how_to_type, is_number, summary, untyped_phrase

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level


def _kind_of(table: SqlTable) -> str:
    return f"{'PostgreSQL' if table.dialect == POSTGRES else 'SQL'} table {table.qualified_name}"


def compare_sql(output: OutputSchema, table: SqlTable, level: Level, file: str | None = None,
                source: str | None = None) -> list[D.Diagnostic]:
    """Every way this statement's columns do not fit the SQL `table`."""
    found: list[D.Diagnostic] = []
    where = _kind_of(table)

    def report(code, message, span, **fields):
        found.append(D.make(code, message, span, file, output=output.output,
                            **{"table": table.qualified_name, **fields}))

    by_name: dict[str, SqlColumn] = {}
    by_lowered: dict[str, SqlColumn] = {}
    for table_column in table.columns:
        by_name.setdefault(table_column.name, table_column)
        by_lowered.setdefault(table_column.name.lower(), table_column)
    exact_names = {c.name for c in output.columns if c.name is not None}
    written: list[tuple[OutputColumn, SqlColumn]] = []
    untyped: dict[int, str] = {}   # what _check_value said of each column written ("warned": SC204, SC108)
    for column in output.columns:
        if column.name is None:
            continue  # SC105 asks for a name
        target = by_name.get(column.name)
        if target is None:
            other = by_lowered.get(column.name.lower())
            if other is not None and other.name in exact_names:
                continue  # another column writes it exactly: a duplicate (SC104)
            if other is not None:
                _case_slip(column, other, table, level, source, file, report)
                written.append((column, other))
                untyped[id(column)] = _check_value(column, other, table, level, source, file, report)
                continue
            _not_in_table(column, table, level, source, file, exact_names, report)
            continue
        written.append((column, target))
        untyped[id(column)] = _check_value(column, target, table, level, source, file, report)

    if output.complete and all(c.name is not None for c in output.columns):
        filled = {target.name for _, target in written}
        for table_column in table.columns:
            if table_column.name in filled or table_column.generated or table_column.identity is not None:
                continue
            if table_column.required:
                report("SC107", f"{where} column {table_column.name} ({table_column.written_type}) is NOT NULL "
                       f"without a default, and this statement never writes it: every insert fails",
                       output.output_span or output.span, table_column=table_column.name,
                       expected_type=table_column.type,
                       fix=f"write {table_column.name} in the select list, give it a DEFAULT, or allow NULL: "
                           f"`{allow_null_command(table, table_column)}`",
                       command=allow_null_command(table, table_column))
            elif not table_column.default:
                report("SC103", f"{where} column {table_column.name} ({table_column.written_type}) is never "
                       f"written by this statement: it is NULL in its rows", output.output_span or output.span,
                       table_column=table_column.name, expected_type=table_column.type)
    check_order(written, table, report)
    rest = [c for c in output.columns if c.type is None and untyped.get(id(c)) != "warned"]
    summary(output, rest, report, [c for c in rest if untyped.get(id(c)) == "number"])
    return found


def _case_slip(column: OutputColumn, other: SqlColumn, table: SqlTable, level: Level, source, file, report) -> None:
    where = _kind_of(table)
    if table.dialect == POSTGRES and not other.quoted:
        edit = alias_edit(source, column, other.name, file)
        report("SC109", f"output column {shown_column(column, level)} matches {where} column {other.name} only "
               f"ignoring case: PostgreSQL folded the unquoted name to lower case, and whether ASA quotes the "
               f"names it writes is not documented", column.span, query_column=column.name,
               table_column=other.name, fix=f"alias the column `AS {other.name}`", edit=edit, suggested_name=other.name,
               lowered=lowered_by_asa(column, level))
        return
    if table.dialect == TSQL and not table.case_sensitive:
        report("SC106", f"output column {column.name} is written to {where} column {other.name}: SQL Server "
               f"matches names without regard to case under the default collation; the spellings differ",
               column.span, query_column=column.name, table_column=other.name,
               fix=f"alias the column `AS {other.name}`", edit=alias_edit(source, column, other.name, file),
               suggested_name=other.name)
        return
    why = ("the column is named in double quotes, so PostgreSQL compares it exactly" if table.dialect == POSTGRES
           else "the project's collation is case-sensitive")
    report("SC102", f"output column {shown_column(column, level)} matches {where} column {other.name} only if "
           f"letter case is ignored; {why}", column.span, query_column=column.name, table_column=other.name,
           expected_type=other.type, actual_type=column.type, fix=f"alias the column `AS {other.name}`",
           edit=alias_edit(source, column, other.name, file), suggested_name=other.name,
           lowered=lowered_by_asa(column, level))


def _not_in_table(column: OutputColumn, table: SqlTable, level: Level, source, file, exact_names, report) -> None:
    name = column.name
    assert name is not None  # (compare skips the unnamed columns)
    where = _kind_of(table)
    names = [c.name for c in table.columns if not c.generated]
    near = closest(name, names) or closest(name.lower(), [n.lower() for n in names])
    if near is not None and near not in names:
        near = next(n for n in names if n.lower() == near)
    hint = f"; did you mean {near}?" if near else ""
    taken = near is not None and near.lower() in {n.lower() for n in exact_names}
    column_type = sqltypes.column_type_for(column.type, table.dialect, level)
    command = add_column_command(table, name, column_type) if column_type and not (near and not taken) \
        else None
    if near and not taken:
        fix, edit = f"alias the column `AS {near}`", alias_edit(source, column, near, file)
    else:
        fix = f"add the column: `{command}`" if command else "add a column for it to the table"
        edit = None
    report("SC101", f"output column {shown_column(column, level)} has no column of that name in {where}; ASA's "
           f"insert fails{hint}", column.span, query_column=column.name, actual_type=column.type, fix=fix,
           edit=edit, command=command, suggested_name=near if edit is not None else None,
           near=(near,) if near else (), new_type=column_type if command else None)


def _check_value(column: OutputColumn, target: SqlColumn, table: SqlTable, level: Level, source, file,
                 report) -> str:
    """SC108 for a generated column; else the type: SC204 untyped (what _untyped says of the
    column), SC201/SC202 by the type table ("" for a typed column)."""
    where = _kind_of(table)
    if target.generated:
        what = "a computed column" if target.computed else "an identity column"
        report("SC108", f"output column {column.name} writes {where} column {target.name}, {what} the database "
               f"fills: the insert fails", column.span, query_column=column.name, table_column=target.name,
               fix=f"leave {column.name} out of the select list")
        return "warned"
    if column.type is None:
        return _untyped(column, target, table, level, source, file, report)
    wanted = sqltypes.cast_for(target, table.dialect, level)
    verdict, why = sqltypes.compatibility(column.type, target, table.dialect, level)
    if verdict == sqltypes.OK:
        return ""
    fixes = []
    edit = command = None
    if column.type in (asa.RECORD, asa.ARRAY):
        # CAST cannot turn a record or array into text: the level, or the query's shape, must change.
        if table.dialect == POSTGRES:
            fixes.append("write its fields as separate columns")
        elif level < "1.2":
            fixes.append("raise the job's compatibility level to 1.2, from which ASA writes JSON text")
        wanted = None
    if wanted and wanted != column.type:
        # Text converted to another type: TRY_CAST, since a CAST that fails stops the job.
        function = "TRY_CAST" if column.type == asa.NVARCHAR else "CAST"
        fixes.append(f"{cast_fix(source, column, wanted, function)} in the query")
        edit = cast_edit(source, column, wanted, file, function)
    better = sqltypes.column_type_for(column.type, table.dialect, level)
    if better and better.lower() != target.written_type.lower():
        command = alter_type_command(table, target, better)
        fixes.append(f"change the column: `{command}`")
    code = "SC201" if verdict == sqltypes.INCOMPATIBLE else "SC202"
    report(code, f"output column {column.name} is {column.type}, {where} column {target.name} is "
           f"{target.written_type} ({DIALECT_NAMES[table.dialect]}): {why}", column.span, query_column=column.name,
           table_column=target.name, expected_type=target.type, actual_type=column.type,
           fix=", or ".join(fixes) or None, edit=edit, command=command, reason=why,
           new_type=better if command else None)
    return ""


def _untyped(column: OutputColumn, target: SqlColumn, table: SqlTable, level: Level, source, file, report) -> str:
    """SC204 ("warned") for an untyped value written into a column where a wrong value fails
    the insert or is changed (sqltypes.untyped_cast); "number" for a number (bigint or float)
    into a column that takes either, "" for one that takes any value's text: the statement's
    SC203 summary counts those."""
    number = is_number(column)
    strict, wanted = sqltypes.untyped_cast(target, table.dialect, level, number)
    if not strict:
        return "number" if number and target.type in sqltypes.TSQL_NUMBER_TAKEN else ""
    carrier = wanted or (asa.BIT if target.type == "bit" else None)
    if table.dialect == POSTGRES:
        what = (f"the output sends values in binary form, which PostgreSQL takes into {target.written_type} only "
                f"from an ASA {carrier}: any other value fails the insert" if carrier else
                f"the output sends values in binary form, and ASA's PostgreSQL type mapping lists no type for "
                f"{target.written_type}: the insert fails")
    elif number:
        what = (f"SQL Server drops a number's fraction in {target.written_type}" if wanted else
                f"SQL Server converts no number into {target.written_type} as intended: the insert fails, or a "
                f"bit holds 1 for any number but 0")
    else:
        what = (f"SQL Server converts a value to {target.written_type} when it can and fails the insert when it "
                f"cannot (the error policy then retries the event, blocking the output, or drops it)")
    message = (f"output column {column.name} is untyped ({untyped_phrase(column)}), and {_kind_of(table)} column "
               f"{target.name} is {target.written_type}: {what}")
    typing = how_to_type([column], wanted, cast=False)
    edit = None
    if wanted is not None:
        fix = f"{cast_fix(source, column, wanted, 'TRY_CAST')} in the query"
        edit = cast_edit(source, column, wanted, file, "TRY_CAST")
    elif number and table.dialect != POSTGRES:
        fix = f"write a {target.written_type} value into {target.name}, or change the column's type"
    elif target.type == "bit":   # below level 1.2
        message += "; below compatibility level 1.2 ASA has no bit type to TRY_CAST it to"
        fix = "raise the job's compatibility level to 1.2 and TRY_CAST it to bit"
    else:
        fix = (f"change the column to a type ASA writes into PostgreSQL "
               f"({', '.join(sorted(t for t, a in sqltypes.POSTGRES_UNTYPED_CAST.items() if a))})")
    fix += f", or {typing}" if typing else ""
    report("SC204", message, column.span, query_column=column.name, table_column=target.name,
           expected_type=target.type, fix=fix, edit=edit, reason=column.reason)
    return "warned"
