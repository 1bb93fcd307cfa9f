"""SQL outputs as destination kinds (schemacheck.kinds.base): Azure SQL Database and Synapse
(T-SQL DDL) and Azure Database for PostgreSQL. Their tables are the CREATE TABLE
statements of the .sql files among the schema paths (schemacheck.sql.ddl, read with
sqlglot only when an output of the kind is checked); the comparison is
schemacheck.sql.compare; the fixes are statements in the table's dialect.
"""

from __future__ import annotations

from schemacheck.kinds.base import COMPARED, NO_TABLE, TABLE_MISSING, DestinationKind
from schemacheck.sql.schema import DIALECT_NAMES, POSTGRES, TSQL, split_name


class SqlKind(DestinationKind):
    commands_title = "T-SQL statements"
    dialect_title = "T-SQL (Azure SQL Database, Synapse)"
    comment = "--"
    script = "sql"
    handled = frozenset({"SC101", "SC102", "SC103", "SC104", "SC105", "SC106", "SC107", "SC108", "SC109", "SC201",
                         "SC202", "SC203", "SC204", "SC301", "SC401", "SC403", "SC501", "SC502"})

    def __init__(self, name: str, label: str, dialect: str) -> None:
        self.name = name
        self.label = label
        self.dialect = dialect
        self.language = dialect
        self.tables_key = dialect
        if dialect == POSTGRES:
            self.commands_title = "PostgreSQL statements"
            self.dialect_title = "PostgreSQL"

    def load_tables(self, paths: tuple[str, ...], scripts: tuple = ()):
        from schemacheck.errors import InputError
        from schemacheck.sql.ddl import DdlError, load_ddl

        try:
            return load_ddl(list(paths), self.dialect)
        except DdlError as error:
            # The likeliest cause besides a typo: DDL of the other dialect in the same folder.
            users = "PostgreSQL outputs" if self.dialect == POSTGRES else "Azure SQL Database and Synapse outputs"
            raise InputError(f"{error.message} ({DIALECT_NAMES[self.dialect]} is read for {users}: keep each "
                             "dialect's DDL in its own folder and give an output its own with "
                             "[outputs.ALIAS] schemas = [...])", error.file, error.line, error.column) from None

    def tables_named(self, catalog, alias: str) -> list:
        return [t for t in catalog.tables if t.name == alias]

    def mapping_hint(self, alias: str, table) -> str:
        return (f"{table.file} holds SQL table {table.qualified_name}: map it with --target "
                f"{alias}={self.name}:{table.qualified_name}")

    def by_name(self, alias: str, tables: list, where, report):
        if len(tables) > 1:
            names = ", ".join(t.qualified_name for t in tables)
            report("SC402", f"output {alias}: SQL tables of that name are loaded from several schemas ({names}); "
                   f"map it with --target {alias}=sql:SCHEMA.{alias}", where)
            return NO_TABLE, None
        table = tables[0]
        report("SC405", f"output {alias} is compared with SQL table {table.qualified_name} ({table.file}), the "
               f"loaded table of the same name, as {self.label}: map it with --target "
               f"{alias}={self.name}:{table.qualified_name} (or synapse:) to say so", where,
               table=table.qualified_name)
        return COMPARED, table

    def find_table(self, catalog, where_to, output, report, elsewhere=None):
        alias, kind = output.output, self.name
        where = output.output_span or output.span
        if where_to.table is None:
            report("SC402", f"output {alias} writes to {self.label} ({where_to.origin or 'its kind'}), but its table "
                   f"is not named: map it with --target {alias}={kind}:SCHEMA.TABLE or table = \"...\" in "
                   f"[outputs.{alias}]", where)
            return NO_TABLE, None
        if catalog is None or not len(catalog):
            report("SC402", f"output {alias} writes to {self.label} table {where_to.table} ({where_to.origin}), but no "
                   f"{DIALECT_NAMES[self.dialect]} CREATE TABLE is loaded: add its .sql files (or SSDT project "
                   f"folder) to --schema or schemas = [...] in schemacheck.toml", where, table=where_to.table)
            return NO_TABLE, None
        schema, name = split_name(where_to.table)
        table = catalog.find(name, schema)
        if table is None:
            table = catalog.find_ignoring_case(name, schema)
            if table is not None:
                report("SC502", f"output {alias} names table {where_to.table} ({where_to.origin}); the DDL defines "
                       f"{table.qualified_name} ({table.file}): the ASA docs call the SQL output's table name "
                       f"case-sensitive", where, table=table.qualified_name, suggested_name=table.qualified_name)
        if table is None:
            near = catalog.near_misses(name, schema)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            report("SC501", f"output {alias} writes to {self.label} table {where_to.table} ({where_to.origin}), which "
                   f"no CREATE TABLE in the {catalog.source} defines{hint}", where, table=where_to.table,
                   near=tuple(near))
            return TABLE_MISSING, None
        return COMPARED, table

    def compare(self, output, table, level, file, source):
        from schemacheck.sql.compare import compare_sql

        return compare_sql(output, table, level, file, source)

    def suggestion(self, builder):
        from schemacheck.sql.commands import suggestion

        return suggestion(builder, self.dialect)


SQL_DATABASE = SqlKind("sql", "Azure SQL Database", TSQL)
SYNAPSE = SqlKind("synapse", "Azure Synapse Analytics", TSQL)
POSTGRESQL = SqlKind("postgresql", "Azure Database for PostgreSQL", POSTGRES)
