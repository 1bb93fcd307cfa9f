"""Azure Table storage outputs: the partition key and row key columns, property names, the
property count, reserved names, columnsToRemove (outputs-and-inputs.md §A1: AD
table-storage-output.md, data-errors.md, the Table service data model)."""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck.outputs.common import Context, finding, named, statement, texts
from schemacheck.outputs.keys import column_named, keys_not_text

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputSchema
    from schemacheck.jobs.model import Output

PROPERTY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_NAME = 255
MAX_PROPERTIES = 255          # per entity, PartitionKey, RowKey and Timestamp included
SYSTEM_PROPERTIES = ("PartitionKey", "RowKey", "Timestamp")


def check(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    found: list[D.Diagnostic] = []
    keys = []
    for name in ("partitionKey", "rowKey"):
        setting = output.setting(name)
        for column in texts(setting)[:1]:
            assert setting is not None
            keys.append(column.lower())
            more, pairs = column_named(output, setting, column, statements, context, "SC801",
                                       "ASA fails every event with RequiredColumnMissing (the entity has no "
                                       "key), before writing")
            found += more + keys_not_text(output, setting, pairs, context,
                                          "Table storage keys are strings (up to 1 KB)")
    removed = {c.lower() for c in texts(output.setting("columnsToRemove"))}
    for schema in statements:
        found += _names(output, schema, removed, set(keys), context)
    written = {c.name.lower() for s in statements for c in s.columns if c.name}
    complete = all(s.complete for s in statements)
    setting = output.setting("columnsToRemove")
    for column in texts(setting):
        if column.lower() not in written and complete and statements:
            found.append(finding("SC807", f"{named(output, setting)} removes column {column}, which no statement "
                                 "into it writes", output, setting, context, query_column=column))
    return found


def _names(output: Output, schema: OutputSchema, removed: set[str], keys: set[str],
           context: Context) -> list[D.Diagnostic]:
    """Property names that Table storage refuses, too many properties, reserved names."""
    found = []
    kept = [c for c in schema.columns if c.name and c.name.lower() not in removed]
    for column in kept:
        name = column.name or ""
        if not PROPERTY_NAME.match(name) or len(name) > MAX_NAME:
            why = (f"longer than {MAX_NAME} characters" if len(name) > MAX_NAME
                   else "not a C# identifier (letters, digits and _, not starting with a digit; no dashes)")
            found.append(D.make("SC806", f"output {output.alias} is Table storage, and column {name} is {why}: the "
                                "entity is refused with ColumnNameInvalid", column.span, context.query_file,
                                output=output.alias, query_column=name))
        elif name.lower() in {p.lower() for p in SYSTEM_PROPERTIES} and name.lower() not in keys:
            found.append(D.make("SC807", f"output {output.alias} is Table storage, and column {name} has the name of "
                                "a system property (PartitionKey, RowKey, Timestamp) without being its key column",
                                column.span, context.query_file, output=output.alias, query_column=name))
    # Counted with the three system properties, as the service counts them; a key column
    # may be kept as a property too, so this is the least the entity holds.
    if schema.complete and len(kept) + 3 - len(keys & {c.name.lower() for c in kept if c.name}) > MAX_PROPERTIES:
        found.append(D.make("SC806", f"output {output.alias} is Table storage, and {statement(schema, context)} "
                            f"writes {len(kept)} columns: an entity holds at most {MAX_PROPERTIES} properties with "
                            "PartitionKey, RowKey and Timestamp", schema.output_span or schema.span,
                            context.query_file, output=output.alias))
    return found
