"""Delta Lake as a destination kind (schemacheck.kinds.base): the table of an ADLS Gen2
output with Delta serialization (its deltaTablePath's last segment) or of a Fabric
Lakehouse output (its tableName), which schemacheck.check.destinations maps to this kind.

Its tables are the folders holding a `_delta_log` below the schema paths
(schemacheck.delta.catalog), named by their folder, matched without regard to case. A table
that is not there is no error: ASA creates a table that does not exist with the schema of
the first record it writes (SC834, info). The comparison is schemacheck.delta.compare. There
are no table-side commands (`suggestion` says why); the query-side rewrites are the same
as for the other kinds.
"""

from __future__ import annotations

from schemacheck.kinds.base import COMPARED, NO_TABLE, DestinationKind


class DeltaLake(DestinationKind):
    name = "delta"
    label = "Delta Lake"
    language = ""          # no table-side commands (see suggestion)
    script = ""
    commands_title = "Delta table commands"
    dialect_title = "Delta Lake"
    comment = "--"
    tables_key = "delta"
    creates_table = True   # the Delta Lake article: a new table takes the first record's schema
    handled = frozenset({"SC830", "SC831", "SC832", "SC833", "SC104", "SC105", "SC203", "SC401", "SC403"})

    def load_tables(self, paths: tuple[str, ...], scripts: tuple = ()):
        from schemacheck.delta.catalog import load_catalog

        return load_catalog(paths)

    def tables_named(self, catalog, alias: str) -> list:
        return [t for t in catalog.tables if t.name == alias and t.unreadable is None]

    def find_table(self, catalog, where_to, output, report, elsewhere=None):
        from schemacheck.files import display_path

        alias = output.output
        where = output.output_span or output.span
        origin = where_to.origin or "its kind"
        if where_to.table is None:
            report("SC402", f"output {alias} writes to a Delta table ({origin}), but its name is not known: the job "
                   f"gives no deltaTablePath (ADLS Gen2) or tableName (Fabric Lakehouse) that could be read; map it "
                   f"with --target {alias}=delta:TABLE or table = \"...\" in [outputs.{alias}]", where)
            return NO_TABLE, None
        name = where_to.table
        found = catalog.named(name) if catalog is not None else []
        if not found:
            near = catalog.near_misses(name) if catalog is not None else []
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            source = catalog.source if catalog is not None else "loaded Delta tables"
            other = f" ({elsewhere})" if elsewhere else ""
            report("SC834", f"output {alias} writes to Delta table {name} ({origin}), which is not among the "
                   f"{source}{other}: if the table does not exist yet, ASA creates it with the schema of the first "
                   f"record it writes; if it exists, add its folder (the one holding _delta_log) to the schema paths "
                   f"to compare with it{hint}", where, table=name, near=tuple(near))
            return NO_TABLE, None
        if len(found) > 1:
            folders = ", ".join(display_path(t.directory) for t in found)
            report("SC402", f"output {alias}: Delta tables named {name} are in several folders ({folders}); give "
                   f"the output its own schema path with schemas = [\"...\"] in [outputs.{alias}]", where,
                   table=name)
            return NO_TABLE, None
        table = found[0]
        if table.unreadable is not None:
            report("SC402", f"output {alias} writes to Delta table {table.name} ({display_path(table.directory)}), "
                   f"whose columns cannot be read: {table.unreadable}; it is not compared", where, table=table.name)
            return NO_TABLE, None
        return COMPARED, table

    def compare(self, output, table, level, file, source):
        from schemacheck.delta.compare import compare_delta

        return compare_delta(output, table, level, file, source)

    def suggestion(self, builder):
        """Query rewrites (an alias for a near miss, a CAST under the assumed type mapping),
        and notes; no table-side command (compare.NO_COMMANDS says why)."""
        from schemacheck.delta.compare import NO_COMMANDS

        filled = set()
        table_side = []
        for d in builder.found:
            if d.code == "SC830":
                if d.edit is not None and builder.query_step(d.edit, [d.code]) is not None:
                    filled.add(d.suggested_name)
                else:
                    builder.note([d.code], f"{d.message}: {d.fix}" if d.fix else d.message)
                    table_side.append(d.code)
            elif d.code == "SC833":
                builder.type_finding(d, [])
                table_side.append(d.code)
            elif d.code == "SC832":
                builder.note([d.code], f"{d.message}: {d.fix}" if d.fix else d.message)
                table_side.append(d.code)
            elif d.code != "SC831":
                builder.common(d)
        for d in builder.found:
            if d.code == "SC831" and d.table_column not in filled:
                builder.note([d.code], f"table column {d.table_column} is never written by this statement: if a "
                             f"query column should fill it, alias that column AS {d.table_column}; otherwise its "
                             "rows hold null (nothing to run)")
        if table_side:
            builder.note(sorted(set(table_side)), NO_COMMANDS)
        return builder.finish(table_exists=True)


DELTA = DeltaLake()
