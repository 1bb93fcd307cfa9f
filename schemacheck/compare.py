"""The ASA-to-ADX comparator: pure functions from inferred outputs and table schemas to
diagnostics. No I/O; `source` (the query text) is used only to quote expressions in fixes.

    compare(output, table, level, file, source) -> diagnostics for one statement
    compare_statements(outputs, file)           -> SC401 where statements into one output differ

Each statement is compared with its table on its own. Names are compared exactly
(ADX is case-sensitive), with a separate finding when they differ only by case; types
through schemacheck.typemap.
"""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck import typemap
from schemacheck.asa.infer import OutputColumn, OutputSchema
from schemacheck.kusto.schema import TableSchema


def _where(output: OutputSchema):
    return output.output_span or output.span


def _quoted(name: str) -> str:
    return f"['{name}']"


def _expression(source: str | None, column: OutputColumn) -> str | None:
    span = column.expr_span
    if source is None or span is None or span.line != span.end_line:
        return None
    lines = source.splitlines()
    if span.line > len(lines):
        return None
    return lines[span.line - 1][span.column - 1:span.end_column - 1]


_CAST = re.compile(r"^(?P<fn>(?:TRY_)?CAST)\s*\((?P<inner>.*)\s+AS\s+[\w()]+\s*\)$", re.IGNORECASE | re.DOTALL)


def cast_fix(source: str | None, column: OutputColumn, asa_type: str) -> str:
    """`CAST(<expr> AS <type>)` for the column's expression (or the CAST it already has, retyped)."""
    expression = _expression(source, column)
    if expression is None:
        return f"CAST the value AS {asa_type}"
    cast = _CAST.match(expression)
    if cast:
        return f"`{cast.group('fn')}({cast.group('inner')} AS {asa_type})`"
    return f"`CAST({expression} AS {asa_type})`"


def _shown(column: OutputColumn, level: str) -> str:
    """The column as the message names it: as ASA writes it, and as written when that differs."""
    if column.written is not None and column.written != column.name:
        why = ("compatibility level 1.0 lower-cases names" if level == "1.0" else
               "below level 1.2 ASA lower-cases the alias of GetMetadataPropertyValue")
        return f"{column.name} (written {column.written}; {why})"
    return str(column.name)


def compare(output: OutputSchema, table: TableSchema, level: str, file: str | None = None,
            source: str | None = None) -> list[D.Diagnostic]:
    """Every way this statement's columns do not fit `table` (see schemacheck.diagnostics)."""
    found: list[D.Diagnostic] = []
    where = table.qualified_name

    def report(code, message, span, **fields):
        found.append(D.make(code, message, span, file, output=output.output, **fields))

    written_in_table = []
    exact_names = {c.name for c in output.columns}
    for column in output.columns:
        if column.name is None:
            continue  # SC105 already asks for a name
        target = table.column(column.name)
        if target is None:
            other = table.column_ignoring_case(column.name)
            if other is not None and other.name in exact_names:
                continue  # another column writes it exactly: a duplicate name (SC104), not a case slip
            if other is not None:
                # When ASA lower-cases the name (level 1.0; GetMetadataPropertyValue below 1.2),
                # no alias can match a mixed-case column.
                lowered = (column.written is not None and column.written != column.name) or level == "1.0"
                if lowered:
                    message = (f"output column {_shown(column, level)} does not match table column {other.name} of "
                               f"{where}: ASA writes the name in lower case, so a mixed-case column never matches")
                    fix = f"raise the job's compatibility level to 1.2, or rename the table column to {column.name}"
                else:
                    message = (f"output column {column.name} matches table column {other.name} of {where} only "
                               f"if letter case is ignored; ADX compares names case-sensitively")
                    fix = f"alias the column `AS {other.name}`"
                report("SC102", message, column.span, query_column=column.name, table_column=other.name,
                       expected_type=other.type, actual_type=column.type, fix=fix)
                written_in_table.append((column, other))
                continue
            close = _closest(column.name, [c.name for c in table.columns])
            hint = f"; did you mean {close}?" if close else ""
            kusto_type = typemap.KUSTO_FOR_ASA.get(column.type, "dynamic") if column.type else "string"
            fix = (f"alias the column `AS {close}`" if close else
                   f"add the column: `.alter-merge table {_quoted(table.name)} ({_quoted(column.name)}:{kusto_type})`")
            report("SC101", f"output column {_shown(column, level)} has no column of that name in table {where}{hint}",
                   column.span, query_column=column.name, actual_type=column.type, fix=fix)
            continue
        written_in_table.append((column, target))
        _check_type(column, target, table.name, level, source, report)

    # With a column whose name ASA does not document (SC105), any table column may be the one it fills.
    if output.complete and all(c.name is not None for c in output.columns):
        produced = {c.name for c in output.columns}
        for table_column in table.columns:
            if table_column.name not in produced and not any(t.name == table_column.name for _, t in written_in_table):
                report("SC103", f"table column {table_column.name} ({table_column.type}) of {where} is never "
                       f"written by this statement: it stays empty or null in its rows", _where(output),
                       table_column=table_column.name, expected_type=table_column.type)
    _check_order(written_in_table, table, report)
    return found


def _check_type(column: OutputColumn, target, table_name: str, level: str, source: str | None, report) -> None:
    if column.type is None:
        wanted = typemap.CAST_FOR_KUSTO.get(target.type)
        how = f"CAST it, e.g. {cast_fix(source, column, wanted)}" if wanted else "CAST it"
        if column.cause == "input":
            how += ", or declare the input's columns with CREATE TABLE"
        elif column.cause and column.cause.startswith("udf:"):
            how += f", or give the function's declared type with --udf-type {column.cause[4:]}={wanted or 'TYPE'}"
        reason = f" ({column.reason})" if column.reason else ""
        report("SC203", f"the type of output column {column.name} cannot be told from the query{reason}, so "
               f"it is not verified against {target.name} ({target.type}); {how}", column.span,
               query_column=column.name, table_column=target.name, expected_type=target.type,
               fix=how if wanted else None)
        return
    verdict, why = typemap.compatibility(column.type, target.type)
    if verdict == typemap.OK:
        return
    wanted = typemap.CAST_FOR_KUSTO.get(target.type)
    if wanted == "bit" and level < "1.2":
        wanted = None
    fixes = []
    if wanted and wanted != column.type:
        fixes.append(f"{cast_fix(source, column, wanted)} in the query")
    better = typemap.KUSTO_FOR_ASA.get(column.type)
    if better and better != target.type:
        fixes.append(f"change the column: `.alter column {_quoted(table_name)}.{_quoted(target.name)} type={better}`")
    fix = ", or ".join(fixes) or None
    code = "SC201" if verdict == typemap.INCOMPATIBLE else "SC202"
    report(code, f"output column {column.name} is {column.type}, table column {target.name} is "
           f"{target.written_type}: {why}", column.span, query_column=column.name, table_column=target.name,
           expected_type=target.type, actual_type=column.type, fix=fix)


def _check_order(pairs, table: TableSchema, report) -> None:
    if len(pairs) < 2:
        return
    table_order = {c.name: i for i, c in enumerate(table.columns)}
    written = [target.name for _, target in pairs]
    wanted = sorted(written, key=table_order.__getitem__)
    if written == wanted:
        return
    first = next(i for i, (a, b) in enumerate(zip(written, wanted)) if a != b)
    column = pairs[first][0]
    report("SC301", f"the columns are written in another order than table {table.qualified_name} has them: "
           f"the table has {', '.join(wanted)}; the query writes {', '.join(written)}", column.span,
           query_column=column.name, table_column=wanted[first],
           fix=f"order the select list as the table: {', '.join(wanted)}")


def _closest(name: str, names: list[str]) -> str | None:
    from difflib import get_close_matches

    match = get_close_matches(name, names, n=1, cutoff=0.75)
    return match[0] if match else None


def compare_statements(outputs: list[OutputSchema], file: str | None = None) -> list[D.Diagnostic]:
    """SC401: statements writing INTO the same output whose columns differ from the first's."""
    found = []
    first_by_output: dict[str, OutputSchema] = {}
    for output in outputs:
        first = first_by_output.setdefault(output.output, output)
        if first is output or not (first.complete and output.complete):
            continue
        mine = [(c.name, c.type) for c in output.columns]
        theirs = [(c.name, c.type) for c in first.columns]
        names, first_names = [n for n, _ in mine], [n for n, _ in theirs]
        # An unknown type is no difference: only two known, different types are.
        if names == first_names and all(t == u or t is None or u is None for (_, t), (_, u) in zip(mine, theirs)):
            continue
        if names != first_names:
            what = f"columns {', '.join(str(n) for n in names)} where the statement at line {first.span.line} " \
                   f"writes {', '.join(str(n) for n in first_names)}"
        else:
            diff = [f"{n} {t} vs {u}" for (n, t), (_, u) in zip(mine, theirs) if t != u and t and u]
            what = f"other types than the statement at line {first.span.line}: {', '.join(diff)}"
        found.append(D.make("SC401", f"this statement writes INTO {output.output} {what}", _where(output), file,
                            output=output.output))
    return found
