"""Kusto's side of a fix: the management commands that make a table take what an output
writes, as text to paste into the Kusto query window (never run by schemacheck), and the
`suggest` steps for an ADX output.

    create_command(table, [(name, type)], merge)   .create(-merge) table ['T'] (['c']:type)
    alter_command(table, column, type)            .alter column ['T'].['c'] type=t
    rename_command(table, old, new)                .rename column ['T'].['Old'] to ['new']
    kusto_type(asa_type)                           the Kusto type for an ASA type (dynamic if unknown)

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

Names are always quoted ['name']. A column whose ASA type is unknown is given `dynamic`:
every ASA type goes into dynamic intact (schemacheck.kusto.typemap), where `string` would
turn numbers and booleans into text.
"""

from __future__ import annotations

from schemacheck.kusto import typemap
from schemacheck.kusto.names import is_valid_name, quote


def _kusto_name(name: str | None) -> str | None:
    """`['name']` (schemacheck.kusto.names.quote); None for a name Kusto does not allow."""
    return quote(name) if name is not None and is_valid_name(name) else None


def kusto_type(asa_type: str | None) -> str:
    """The Kusto column type for an ASA type; `dynamic` when the type is unknown: every
    ASA type goes into dynamic intact (schemacheck.kusto.typemap)."""
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


# ---- the suggestion for one ADX output (schemacheck.suggest.Builder gathers the rest) ----

def suggestion(builder):
    """The table-side Kusto commands and the query rewrites for one statement's findings:
    several columns missing become one `.create-merge table`, a missing table one `.create
    table` with every column the statement writes; `.alter column` and `.rename column`
    touch existing data and say so."""
    from schemacheck.suggest import CommandStep

    missing = []      # SC101 columns to add: (name, Kusto type, finding)
    renames: list = []    # SC102 findings with a .rename column
    alters: list = []     # (finding, its query step): see Builder.type_finding
    filled = set()    # table columns a query rewrite makes the statement write
    for d in builder.found:
        if d.code == "SC101":
            if d.edit is not None:
                if builder.query_step(d.edit, ["SC101"]) is not None and d.suggested_name:
                    filled.add(d.suggested_name)
                    _alternative_column(builder, d)
            elif d.command is not None:
                missing.append((d.query_column, d.new_type or kusto_type(d.actual_type), d))
            else:
                builder.note([d.code], f"output column {d.query_column} is not in the table and is not a valid "
                             "Kusto column name (letters, digits, '_', ' ', '.', '-'): alias it, then add the column")
        elif d.code == "SC102":
            if d.command is not None:
                renames.append(d)
                builder.note([d.code], f"no alias can fix {d.query_column} in the query: ASA writes the name in "
                             f"lower case here. Besides renaming the table column, raising the job's compatibility "
                             f"level to 1.2 keeps names as written (then alias the column AS {d.table_column})")
            elif d.edit is not None and builder.query_step(d.edit, ["SC102"]) is not None:
                filled.add(d.table_column)
            else:
                builder.note([d.code], d.fix or d.message)
        elif d.code in ("SC201", "SC202"):
            builder.type_finding(d, alters)
        elif d.code == "SC301":
            builder.note([d.code], "ASA's ADX output matches columns by name, so the order stops no row; to "
                         f"align it anyway, {d.fix or 'reorder the select list'} (by hand)")
        else:
            builder.common(d)
    builder.unwritten(filled, "leave it empty")
    missing_table = next((d for d in builder.found if d.code == "SC501"), None)
    if missing_table is not None:
        _create_table(builder, missing_table)
    if missing:
        _add_columns(builder, missing)
    for d in renames:
        builder.commands.append(CommandStep(
            d.command, (d.code,), True, f"ASA writes the column as {d.query_column}, which never matches the "
            f"table's {d.table_column} (names are case-sensitive in ADX). Renaming keeps the column's data, but "
            f"queries, functions, policies and ingestion mappings that name {d.table_column} no longer find it"))
    for d, step in alters:
        instead = (f"; or, instead, rewrite the query at {builder.where(step)} (below): apply one of the two"
                   if step is not None else "")
        builder.commands.append(CommandStep(
            d.command, (d.code,), True, f"the query writes {d.query_column} as {d.actual_type} into a "
            f"{d.expected_type} column ({d.reason}); this makes it {d.new_type}. The values already in "
            f"{d.table_column} then read as null, for good (changing the type back does not restore them); to "
            f"keep them, copy the table with the new type and swap it in with .rename tables{instead}"))
    return builder.finish(missing_table is None)


def _alternative_column(builder, d) -> None:
    command = create_command(builder.table_name, [(d.query_column, kusto_type(d.actual_type))], merge=True)
    if command is not None:
        builder.note([d.code], f"{d.query_column} is taken for a slip of {d.suggested_name}; if it is a new column "
                     f"instead, leave the query as it is and add the column: {command}")


def _add_columns(builder, missing) -> None:
    from schemacheck.suggest import CommandStep, listed

    columns: list[tuple[str, str]] = []
    for name, kind, _ in missing:
        if name not in [c for c, _ in columns]:
            columns.append((name, kind))
    command = create_command(builder.table_name, columns, merge=True)
    if command is None:
        builder.note(["SC101"], f"table {builder.table_name} is not a valid Kusto table name: add the columns "
                     f"{listed([n for n, _ in columns])} by hand")
        return
    unknown = [name for name, _, d in missing if d.actual_type is None]
    them = "them" if len(columns) > 1 else "it"
    typed = (f"; the query does not tell the type of {listed(unknown)}, so it is dynamic (any value fits; "
             "CAST it in the query for a typed column)") if unknown else ""
    builder.commands.append(CommandStep(
        command, ("SC101",), False, f"the query writes {listed([n for n, _ in columns])}, which the table does not "
        f"have. The command adds {them} at the end of the table's columns and changes no existing column; rows "
        f"already stored have {them} empty{typed}"))


def _create_table(builder, d) -> None:
    from schemacheck.suggest import CommandStep, listed

    columns: list[tuple[str, str]] = []
    seen = set()
    unknown = []
    for column in builder.output.columns:
        name = column.name
        if name is None:
            name = builder.sc105_names.get((column.span.line, column.span.column))
            if name is None:
                continue   # its SC105 note says to name it
        if name.lower() in seen:
            continue       # SC104: ASA keeps one column per name
        seen.add(name.lower())
        if not is_valid_name(name):
            builder.note(["SC501"], f"output column {name} is not a valid Kusto column name (letters, digits, '_', "
                         "' ', '.', '-'): it is left out of .create table; alias it in the query")
            continue
        columns.append((name, kusto_type(column.type)))
        if column.type is None:
            unknown.append(name)
    command = create_command(builder.table_name, columns) if builder.table_name else None
    if command is None:
        builder.note(["SC501"], f"table {builder.table_name} cannot be created from the query's columns: "
                     f"{d.message}")
        return
    typed = (f"; the query does not tell the type of {listed(unknown)}, so it is dynamic (any value fits; "
             "CAST it in the query for a typed column)") if unknown else ""
    where = f" in database {builder.database}" if builder.database else ""
    builder.commands.append(CommandStep(
        command, ("SC501",), False, f"ASA does not create the table; this creates {builder.table_name}{where}, "
        f"empty, with the columns the statement writes in its order{typed}. If a table of that name exists after "
        f"all, Kusto leaves it unchanged"))
    if d.near:
        builder.note(["SC501"], f"tables with a similar name exist ({', '.join(d.near)}): if the output is mapped "
                     "to the wrong table, fix the mapping instead of creating this one")
    if not builder.output.complete:
        builder.note(["SC403", "SC501"], "the * in the statement adds columns the query does not declare: they "
                     "are not in .create table; declare the input with CREATE TABLE and run this again")
