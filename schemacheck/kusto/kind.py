"""Azure Data Explorer as a destination kind (schemacheck.kinds.base): its tables come from
saved schema files (schemacheck.kusto.files) or the cluster (schemacheck.kusto.live), an
output names its table (and database) or is matched to the table of its own name, the
comparison is schemacheck.kusto.compare and the fixes are Kusto commands.
"""

from __future__ import annotations

from schemacheck.kinds.base import COMPARED, NO_TABLE, TABLE_MISSING, DestinationKind, unmapped_message


class AzureDataExplorer(DestinationKind):
    name = "adx"
    label = "Azure Data Explorer"
    language = "kql"
    script = "kql"
    commands_title = "Kusto commands"
    dialect_title = "Kusto"
    comment = "//"
    tables_key = "kusto"
    managed_identity_only = True
    culture_sensitive = True
    uses_cluster = True
    handled = frozenset({"SC101", "SC102", "SC103", "SC104", "SC105", "SC201", "SC202", "SC203", "SC204", "SC301",
                         "SC401", "SC403", "SC501"})

    def load_tables(self, paths: tuple[str, ...], scripts: tuple = ()):
        from schemacheck.kusto.files import load_schemas

        catalog = load_schemas(list(paths))
        if not scripts:
            return catalog
        from schemacheck.kusto.schema import TableCatalog

        tables = {(t.database.lower() if t.database else None, t.name): t for t in catalog.tables}
        for script in scripts:
            for table in script_tables(script):
                tables.setdefault((table.database.lower() if table.database else None, table.name), table)
        return TableCatalog(tuple(tables.values()), catalog.other_names, catalog.source)

    def tables_named(self, catalog, alias: str) -> list:
        table = catalog.find(alias)
        return [table] if table is not None else list(catalog.candidates(alias))

    def by_name(self, alias: str, tables: list, where, report):
        if len(tables) > 1:
            report("SC402", f"output {alias}: tables of that name are loaded from several databases; name "
                   f"one with --target {alias}=DATABASE/{alias}", where)
            return NO_TABLE, None
        table = tables[0]
        report("SC405", f"output {alias} is compared with table {table.qualified_name} ({table.file}), "
               f"the loaded table of the same name", where, table=table.qualified_name)
        return COMPARED, table

    def mapping_hint(self, alias: str, table) -> str:
        return f"{table.file} holds table {table.qualified_name}: map it with --target {alias}={table.qualified_name}"

    def find_table(self, catalog, where_to, output, report, elsewhere=None):
        alias = output.output
        where = output.output_span or output.span
        name, database, origin = where_to.table, where_to.database, where_to.origin
        if name is None:   # an ADX output whose table nothing names: the table of its own name
            tables = self.tables_named(catalog, alias)
            if tables:
                return self.by_name(alias, tables, where, report)
            report("SC402", unmapped_message(alias), where)
            return NO_TABLE, None
        table = catalog.find(name, database)
        if table is None and len(catalog.candidates(name, database)) > 1:
            databases = ", ".join(sorted({t.database or "?" for t in catalog.candidates(name, database)}))
            report("SC402", f"output {alias}: table {name} is loaded from several databases ({databases}); name the "
                   f"database ({origin}, or --target {alias}=DATABASE/{name})", where)
            return NO_TABLE, None
        if table is None:
            qualified = f"{database}/{name}" if database else name
            near = catalog.near_misses(name, database)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            loaded = " (no schema is loaded: pass --schema)" if not len(catalog) else ""
            if not len(catalog) and elsewhere:
                loaded = f" (no Kusto table schema is loaded; {elsewhere})"
            report("SC501", f"output {alias} writes to table {qualified} ({origin}), which is not in the "
                   f"{catalog.source}{loaded}{hint}", where, table=qualified, near=tuple(near))
            return TABLE_MISSING, None
        return COMPARED, table

    def compare(self, output, table, level, file, source):
        from schemacheck.kusto.compare import compare

        return compare(output, table, level, file, source)

    def suggestion(self, builder):
        from schemacheck.kusto.commands import suggestion

        return suggestion(builder)

    def live_tables(self, destinations, connect):
        """The mapped tables read from their clusters (`connect(url)` gives one Cluster per
        cluster, schemacheck.kusto.live)."""
        from schemacheck.kusto.live import live_catalog

        return live_catalog(destinations, connect)


ADX = AzureDataExplorer()


def script_tables(script) -> list:
    """The tables a Kusto script of a job's own files defines (schemacheck.jobs.model.Script),
    in the database it runs in, at their lines in the file that holds the script (at the
    value's place when the script is computed, not written out)."""
    from schemacheck.errors import InputError
    from schemacheck.kusto.scripts import parse_script

    position = _script_positions(script)
    try:
        tables = parse_script(script.text, script.file)
    except InputError as error:
        if position is None or error.line is None:
            raise
        line, column = position(error.line, error.column or 1)
        raise InputError(error.message, script.file, line, column) from None
    result = []
    for table in tables:
        if position is not None:
            table_line = position(table.line, 1)[0] if table.line else None
            columns = tuple(c._replace(line=position(c.line, 1)[0]) if c.line else c for c in table.columns)
            table = table._replace(line=table_line, columns=columns)
        if table.database is None and script.database is not None:
            table = table._replace(database=script.database)
        result.append(table)
    return result


def _script_positions(script):
    """(line, column) in the script's text -> (line, column) in its file; None when the
    script is the file's whole text."""
    from schemacheck.files import line_starts, read_text_file
    from schemacheck.jobs.positions import PlacedPositions, StringPositions
    from schemacheck.lalr import LineMap

    text = read_text_file(script.file, "file")
    if script.json_string_at is not None:
        return StringPositions(text, script.json_string_at)
    if script.placed is not None:
        starts = line_starts(script.text)
        placed = PlacedPositions(text, script.placed, script.text)
        lines = LineMap(text)

        def position(line: int, column: int) -> tuple[int, int]:
            line = max(1, min(line, len(starts)))
            return lines.position(placed(starts[line - 1] + column - 1))
        return position
    if text == script.text:
        return None
    at = (script.where.line or 1, script.where.column or 1) if script.where is not None else (1, 1)
    return lambda line, column: at
