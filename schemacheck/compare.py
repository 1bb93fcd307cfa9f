"""The ASA-to-ADX comparator: pure functions from inferred outputs and table schemas to
diagnostics. No I/O; `source` (the query text) is used only to quote expressions in fixes
and to build each fix's `edit` (the select item rewritten; positions in `source`).

    compare(output, table, level, file, source) -> diagnostics for one statement
    compare_statements(outputs, file)           -> SC401 where statements into one output differ

Each statement is compared with its table on its own. Names are compared exactly
(ADX is case-sensitive), with a separate finding when they differ only by case; types
through schemacheck.typemap.

Besides the human `fix`, a finding carries what a tool can apply (schemacheck.suggest):
`edit`, the select item with the query-side fix (an alias in the table's spelling, a
CAST), and `command`, the table-side Kusto command (names always quoted ['name']):

    SC101  far from every column  .create-merge table ['T'] (['c']:type)   (adds at the end;
                                  an unknown ASA type gives dynamic, which takes any value)
    SC101  near a column          edit: the alias in that column's spelling (unless another
                                  column writes that name: then the command)
    SC102  ASA lower-cases it     .rename column ['T'].['Col'] to ['col']
    SC102  otherwise              edit: the alias in the table's spelling
    SC201, SC202                  edit: CAST to the column's type; .alter column ['T'].['c'] type=t
    SC203                         edit: CAST to the column's type
"""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck import typemap
from schemacheck.asa.infer import OutputColumn, OutputSchema
from schemacheck.files import line_starts, source_lines
from schemacheck.kusto.names import is_valid_name, quote
from schemacheck.kusto.schema import TableSchema


def _where(output: OutputSchema):
    return output.output_span or output.span


def _quoted(name: str) -> str:
    return f"['{name}']"


def _expression(source: str | None, column: OutputColumn) -> str | None:
    span = column.expr_span
    if source is None or span is None or span.line != span.end_line:
        return None
    lines = source_lines(source)
    if span.line > len(lines):
        return None
    return lines[span.line - 1][span.column - 1:span.end_column - 1]


_CAST = re.compile(r"^(?P<fn>(?:TRY_)?CAST)\s*\((?P<inner>.*)\s+AS\s+[\w()]+\s*\)$", re.IGNORECASE | re.DOTALL)
# What may stand between brackets without closing them: strings, [names], "names", comments.
_SKIPPED = re.compile(r"'(?:[^']|'')*'|\[(?:[^\]]|\]\])*\]|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)


def _closes_at_end(expression: str) -> bool:
    """The "(" after (TRY_)CAST is closed by the expression's last character, so the whole
    expression is one CAST (not `CAST(a AS float) + CAST(b AS float)`)."""
    depth = 0
    position = expression.index("(")
    while position < len(expression):
        skipped = _SKIPPED.match(expression, position)
        if skipped:
            position = skipped.end()
            continue
        character = expression[position]
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return position == len(expression) - 1
        position += 1
    return False


def _retyped(expression: str, asa_type: str) -> str:
    """`CAST(<expr> AS <type>)`, or the CAST (TRY_CAST) the expression already is, retyped."""
    cast = _CAST.match(expression)
    if cast and _closes_at_end(expression):
        return f"{cast.group('fn')}({cast.group('inner')} AS {asa_type})"
    return f"CAST({expression} AS {asa_type})"


FIX_WIDTH = 120   # a longer rewrite is quoted by its two ends in a fix's words (the edit keeps it whole)


def cast_fix(source: str | None, column: OutputColumn, asa_type: str) -> str:
    """`CAST(<expr> AS <type>)` for the column's expression (or the CAST it already has, retyped)."""
    expression = _expression(source, column)
    if expression is None:
        return f"CAST the value AS {asa_type}"
    fixed = _retyped(expression, asa_type)
    if len(fixed) > FIX_WIDTH:
        fixed = f"{fixed[:FIX_WIDTH // 2]} … {fixed[-FIX_WIDTH // 2:]}"
    return f"`{fixed}`"


# ---- structured fixes: the select item rewritten, and Kusto commands ---------------

def _offset(source: str, line: int, column: int) -> int | None:
    """The character offset of a 1-based (line, column); lines end at "\n" as the lexer counts."""
    starts = line_starts(source)
    if not 1 <= line <= len(starts):
        return None
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(source)
    offset = start + column - 1
    return offset if start <= offset <= end else None


def _item(source: str | None, column: OutputColumn) -> tuple[str, str, str] | None:
    """(before the expression, the expression, after it: the alias) of the column's select item."""
    span, expr = column.span, column.expr_span
    if source is None or expr is None or not span.end_line:
        return None
    offsets = [_offset(source, span.line, span.column), _offset(source, expr.line, expr.column),
               _offset(source, expr.end_line, expr.end_column), _offset(source, span.end_line, span.end_column)]
    if None in offsets or offsets != sorted(offsets):
        return None
    start, expr_start, expr_end, end = offsets
    return source[start:expr_start], source[expr_start:expr_end], source[expr_end:end]


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# An alias after the expression: ` AS name`, ` AS [name]`, ` AS "name"`, or the same without AS.
_ALIAS = re.compile(r"""(?P<before>\s+(?:AS(?=[\s\["])\s*)?)"""
                    r"""(?P<alias>[^\s\[\]"'(),]+|\[(?:[^\]]|\]\])*\]|"(?:[^"]|"")*")\s*""", re.IGNORECASE)


def asa_name(name: str, bracket: bool = False) -> str:
    """`name` as an ASA alias: bare when it is a plain word that is no keyword, else `[name]`."""
    from schemacheck.asa._tables import KEYWORDS

    if not bracket and _PLAIN_NAME.fullmatch(name) and name.lower() not in KEYWORDS:
        return name
    return "[" + name.replace("]", "]]") + "]"


def _edit(file: str | None, column: OutputColumn, text: str) -> D.Edit:
    span = column.span
    return D.Edit(file, span.line, span.column, span.end_line, span.end_column, text)


def alias_edit(source: str | None, column: OutputColumn, name: str, file: str | None = None) -> D.Edit | None:
    """The select item with its alias changed to `name` (` AS name` added when it has none)."""
    parts = _item(source, column)
    if parts is None:
        return None
    before, expression, tail = parts
    alias = _ALIAS.fullmatch(tail)
    if alias:
        tail = alias.group("before") + asa_name(name, alias.group("alias").startswith(("[", '"')))
    elif not tail.strip():
        tail = f" AS {asa_name(name)}"
    else:
        return None   # something other than an alias after the expression (a comment): leave it to a person
    return _edit(file, column, before + expression + tail)


def cast_edit(source: str | None, column: OutputColumn, asa_type: str, file: str | None = None) -> D.Edit | None:
    """The select item with its expression CAST to `asa_type` (a CAST it has retyped); a
    column named after the field it reads keeps that name with ` AS name`."""
    parts = _item(source, column)
    if parts is None:
        return None
    before, expression, tail = parts
    if not tail.strip():
        if column.written is None:
            return None
        tail = f" AS {asa_name(column.written)}"
    return _edit(file, column, before + _retyped(expression, asa_type) + tail)


def _kusto_name(name: str | None) -> str | None:
    """`['name']` (schemacheck.kusto.names.quote); None for a name Kusto does not allow."""
    return quote(name) if name is not None and is_valid_name(name) else None


def kusto_type(asa_type: str | None) -> str:
    """The Kusto column type for an ASA type; `dynamic` when the type is unknown: every
    ASA type goes into dynamic intact (schemacheck.typemap)."""
    return typemap.KUSTO_FOR_ASA.get(asa_type, "dynamic") if asa_type else "dynamic"


def create_command(table: str, columns, merge: bool = False) -> str | None:
    """`.create table ['T'] (['c']:type, ...)` (`.create-merge` when `merge`) for
    (name, Kusto type) pairs; None when a name is not a valid Kusto name."""
    names = [_kusto_name(name) for name, _ in columns]
    if _kusto_name(table) is None or None in names or not names:
        return None
    listed = ", ".join(f"{name}:{kind}" for name, (_, kind) in zip(names, columns))
    return f".create{'-merge' if merge else ''} table {_kusto_name(table)} ({listed})"


def rename_command(table: str, old: str, new: str) -> str | None:
    quoted = [_kusto_name(n) for n in (table, old, new)]
    return None if None in quoted else f".rename column {quoted[0]}.{quoted[1]} to {quoted[2]}"


def alter_command(table: str, column: str, kind: str) -> str | None:
    quoted = [_kusto_name(n) for n in (table, column)]
    return None if None in quoted else f".alter column {quoted[0]}.{quoted[1]} type={kind}"


def shown_column(column: OutputColumn, level: str) -> str:
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
                lowered = (column.written is not None and column.written != column.name) or level == "1.0"
                if lowered:
                    message = (f"output column {shown_column(column, level)} does not match table column {other.name} of "
                               f"{where}: ASA writes the name in lower case, so a mixed-case column never matches")
                    fix = f"raise the job's compatibility level to 1.2, or rename the table column to {column.name}"
                    edit, command = None, rename_command(table.name, other.name, column.name)
                else:
                    message = (f"output column {column.name} matches table column {other.name} of {where} only "
                               f"if letter case is ignored; ADX compares names case-sensitively")
                    fix = f"alias the column `AS {other.name}`"
                    edit, command = alias_edit(source, column, other.name, file), None
                report("SC102", message, column.span, query_column=column.name, table_column=other.name,
                       expected_type=other.type, actual_type=column.type, fix=fix, edit=edit, command=command)
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
            report("SC101", f"output column {shown_column(column, level)} has no column of that name in table {where}{hint}",
                   column.span, query_column=column.name, actual_type=column.type, fix=fix, edit=edit,
                   command=command)
            continue
        written_in_table.append((column, target))
        _check_type(column, target, table.name, level, source, report, file)

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
    return found


def _check_type(column: OutputColumn, target, table_name: str, level: str, source: str | None, report,
                file: str | None = None) -> None:
    if column.type is None:
        wanted = typemap.CAST_FOR_KUSTO.get(target.type)
        how = f"CAST it, e.g. {cast_fix(source, column, wanted)}" if wanted else "CAST it"
        if column.cause == "input":
            how += ", or declare the input's columns with CREATE TABLE"
        elif column.cause and column.cause.startswith("udf:"):
            how += f", or give the function's declared type with --udf-type {column.cause[4:]}={wanted or 'TYPE'}"
        reason = f" ({column.reason})" if column.reason else ""
        castable = wanted is not None and not (wanted == "bit" and level < "1.2")
        report("SC203", f"the type of output column {column.name} cannot be told from the query{reason}, so "
               f"it is not verified against {target.name} ({target.type}); {how}", column.span,
               query_column=column.name, table_column=target.name, expected_type=target.type,
               fix=how if wanted else None, edit=cast_edit(source, column, wanted, file) if castable else None)
        return
    verdict, why = typemap.compatibility(column.type, target.type)
    if verdict == typemap.OK:
        return
    wanted = typemap.CAST_FOR_KUSTO.get(target.type)
    if wanted == "bit" and level < "1.2":
        wanted = None
    fixes = []
    edit = command = None
    if wanted and wanted != column.type:
        fixes.append(f"{cast_fix(source, column, wanted)} in the query")
        edit = cast_edit(source, column, wanted, file)
    better = typemap.KUSTO_FOR_ASA.get(column.type)
    if better and better != target.type:
        fixes.append(f"change the column: `.alter column {_quoted(table_name)}.{_quoted(target.name)} type={better}`")
        command = alter_command(table_name, target.name, better)
    fix = ", or ".join(fixes) or None
    code = "SC201" if verdict == typemap.INCOMPATIBLE else "SC202"
    report(code, f"output column {column.name} is {column.type}, table column {target.name} is "
           f"{target.written_type}: {why}", column.span, query_column=column.name, table_column=target.name,
           expected_type=target.type, actual_type=column.type, fix=fix, edit=edit, command=command)


def check_order(pairs, table, report) -> None:
    """SC301 when the (output column, table column) pairs are not in the table's order."""
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


def closest(name: str, names: list[str]) -> str | None:
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
