"""SQL's side of a fix: the statements that make a table take what an output writes, in
the table's dialect (T-SQL or PostgreSQL), rendered by sqlglot (imported only when a
command is built), names always quoted. Printed by `suggest`, never run.

    add_column_command(table, name, type)      ALTER TABLE ... ADD name type NULL
    alter_type_command(table, column, type)    ALTER TABLE ... ALTER COLUMN (nullability restated)
    allow_null_command(table, column)          ALTER TABLE ... ALTER COLUMN ... NULL
    create_table_command(name, columns, dialect)   CREATE TABLE with every column nullable
"""

from __future__ import annotations

from schemacheck.sql.schema import DEFAULT_SCHEMA, POSTGRES, TSQL, SqlColumn, SqlTable, split_name


def _identifier(name: str):
    from sqlglot import exp

    return exp.to_identifier(name, quoted=True)


def _alter(table: SqlTable, action) -> str:
    """`ALTER TABLE <table> <action>` as the table's dialect writes it, names quoted."""
    from sqlglot import exp

    target = exp.Table(this=_identifier(table.name), db=_identifier(table.schema_name))
    return exp.Alter(this=target, kind="TABLE", actions=[action]).sql(dialect=table.dialect) + ";"


def _data_type(text: str, dialect: str):
    from sqlglot import exp
    from sqlglot.errors import ParseError

    try:
        return exp.DataType.build(text, dialect=dialect)
    except ParseError:   # a user-defined type (dbo.PhoneNumber): written as it is named
        return exp.DataType.build(text, dialect=dialect, udt=True)


def _declared_type(column: SqlColumn) -> str:
    """The column's type from its parts (`nvarchar(64)`, `decimal(5,2)`): the written text
    may carry brackets ([nvarchar](64)) that are no type sqlglot can build."""
    if column.length is not None:
        return f"{column.type}({column.length})"
    if column.precision is not None:
        return f"{column.type}({column.precision},{column.scale or 0})"
    if column.type in ("nvarchar", "varchar", "varbinary") and "max" in column.written_type.lower():
        return f"{column.type}(max)"
    return column.type


def add_column_command(table: SqlTable, name: str, column_type: str) -> str:
    from sqlglot import exp

    constraints = [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint(allow_null=True))] \
        if table.dialect == TSQL else []
    return _alter(table, exp.ColumnDef(this=_identifier(name), kind=_data_type(column_type, table.dialect),
                                       constraints=constraints))


def alter_type_command(table: SqlTable, column: SqlColumn, column_type: str) -> str:
    from sqlglot import exp

    if table.dialect == POSTGRES:
        return _alter(table, exp.AlterColumn(this=_identifier(column.name),
                                             dtype=_data_type(column_type, table.dialect)))
    # T-SQL's ALTER COLUMN sets the nullability too: restate it, or NOT NULL would be lost.
    command = _alter(table, exp.AlterColumn(this=_identifier(column.name), dtype=_data_type(column_type, TSQL)))
    return command[:-1] + (" NULL;" if column.nullable else " NOT NULL;")


def allow_null_command(table: SqlTable, column: SqlColumn) -> str:
    from sqlglot import exp

    if table.dialect == POSTGRES:
        return _alter(table, exp.AlterColumn(this=_identifier(column.name), drop=True, allow_null=True))
    command = _alter(table, exp.AlterColumn(this=_identifier(column.name),
                                            dtype=_data_type(_declared_type(column), TSQL)))
    return command[:-1] + " NULL;"


def create_table_command(name: str, columns: list[tuple[str, str]], dialect: str) -> str:
    """`CREATE TABLE` for a table named as an output names it (`dbo.T`, `[dbo].[T]`) with
    (name, column type) pairs, every column nullable, in the dialect."""
    from sqlglot import exp

    schema, table = split_name(name)
    nullable = [exp.ColumnConstraint(kind=exp.NotNullColumnConstraint(allow_null=True))] if dialect == TSQL else []
    target = exp.Table(this=_identifier(table), db=_identifier(schema or DEFAULT_SCHEMA[dialect]))
    definitions = [exp.ColumnDef(this=_identifier(column), kind=_data_type(kind, dialect), constraints=nullable)
                   for column, kind in columns]
    return exp.Create(this=exp.Schema(this=target, expressions=definitions), kind="TABLE").sql(
        dialect=dialect, pretty=True) + ";"


# ---- the suggestion for one SQL output (schemacheck.suggest.Builder gathers the rest) ----

def suggestion(builder, dialect: str):
    """Statements in the output's dialect: ALTER TABLE ... ADD for a missing column, ALTER
    COLUMN for a type (it converts the stored values and fails if one does not convert: it
    touches existing data), NULL allowed for a required column the query never writes,
    CREATE TABLE for a missing table; the query side is the same as for ADX."""
    from schemacheck.sql.typemap import column_type_for
    from schemacheck.suggest import CommandStep, listed

    table = builder.output_check.table
    if table is not None:
        builder.table_name = table.qualified_name
    alters: list = []
    filled = set()
    for d in builder.found:
        if d.code in ("SC101", "SC102", "SC106", "SC109"):
            if d.edit is not None and builder.query_step(d.edit, [d.code]) is not None:
                filled.add(d.suggested_name or d.table_column)
            elif d.command is not None:
                builder.commands.append(CommandStep(
                    d.command, (d.code,), False, f"the query writes {d.query_column}, which the table does not have. "
                    "This adds it at the end, allowing NULL (rows already stored hold NULL); no existing column "
                    "changes"))
            else:
                builder.note([d.code], f"{d.message}: {d.fix}" if d.fix else d.message)
        elif d.code in ("SC201", "SC202"):
            builder.type_finding(d, alters)
        elif d.code == "SC107":
            builder.commands.append(CommandStep(
                d.command, (d.code,), False, f"the statement never writes {d.table_column}, which is NOT NULL without "
                "a default, so every insert fails. This allows NULL in it; instead, write the column in the query, "
                "or give it a DEFAULT"))
        elif d.code == "SC108":
            builder.note([d.code], f"{d.message}: leave {d.query_column} out of the select list (by hand)")
        elif d.code == "SC301":
            builder.note([d.code], "the SQL output's documentation asks for a table that matches the output without "
                         f"saying whether order counts; to align it, {d.fix or 'reorder the select list'} (by hand)")
        elif d.code == "SC502":
            builder.note([d.code], f"{d.message}: write the table's name in the output as the DDL does")
        else:
            builder.common(d)
    builder.unwritten(filled, "hold NULL")
    for d, step in alters:
        instead = (f"; or, instead, rewrite the query at {builder.where(step)} (below): apply one of the two"
                   if step is not None else "")
        indexed = (" SQL Server refuses a (MAX) type in an index key: if the column is indexed, widen it to a "
                   "length instead" if dialect == TSQL and "(max)" in (d.new_type or "").lower() else "")
        builder.commands.append(CommandStep(
            d.command, (d.code,), True, f"the query writes {d.query_column} as {d.actual_type} into "
            f"{d.table_column} ({d.reason}). This changes the column's type: the database converts the values "
            f"stored, and the command fails if one does not convert.{indexed}{instead}"))
    missing_table = next((d for d in builder.found if d.code == "SC501"), None)
    if missing_table is not None and builder.table_name:
        columns: list[tuple[str, str]] = []
        left_out = []
        for column in builder.output.columns:
            kind = column_type_for(column.type, dialect, builder.check.level or "1.2")
            if column.name is None or column.name.lower() in {n.lower() for n, _ in columns}:
                continue
            if kind is None:
                left_out.append(column.name)
                continue
            columns.append((column.name, kind))
        if columns:
            builder.commands.append(CommandStep(
                create_table_command(builder.table_name, columns, dialect), ("SC501",), False,
                f"ASA does not create the table; this creates {builder.table_name}, empty, with the columns the "
                "statement writes in its order, each allowing NULL"))
        if left_out:
            builder.note(["SC501"], f"{listed(left_out)} cannot be given a column type: CAST "
                         f"{'them' if len(left_out) > 1 else 'it'} in the query (PostgreSQL takes no record or "
                         "array) and run this again")
    return builder.finish(missing_table is None)
