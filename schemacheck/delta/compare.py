"""The ASA-to-Delta comparator: a pure function from one statement's inferred output and
the Delta table it writes to (schemacheck.delta.log) to diagnostics. No I/O; `source`
(the query text) is used only for the query-side fixes (schemacheck.edits).

    compare_delta(output, table, level, file, source) -> diagnostics for one statement

What ASA documents for a table that exists (write-to-delta-lake.md, "Schema enforcement"
and "Limitations"): every record is projected onto the table's schema, so a column the
table lacks is dropped without an error (SC830) and a table column the statement does not
write is null (SC831); a record that shares no column with the table fails schema
conversion, and the job's output error policy applies (SC830, once for the statement);
Date and Decimal columns, tables of writer version 7 or more with writer features other
than changeDataFeed and appendOnly, and multi-part or V2 checkpoints are not supported
(SC832). Names compare without regard to case: Delta's are unique regardless of case.

What it does not document is how ASA's types become Delta's. ASSUMED below is the likely
mapping (bigint -> long, float -> double, nvarchar(max) -> string, datetime -> timestamp,
bit -> boolean, record -> struct, array -> array); a column whose type differs from it is a
warning that says the mapping is assumed (SC833), never an error.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.asa import types as asa
from schemacheck.delta.log import UNSUPPORTED, DeltaColumn, DeltaTable
from schemacheck.edits import alias_edit, cast_edit, cast_fix
from schemacheck.kinds.base import closest, shown_column
from schemacheck.untyped import is_number, summary

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the imports below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputColumn, OutputSchema
    from schemacheck.asa.types import Level

# The Delta type ASA is assumed to write for each of its types (not documented: see the module doc).
ASSUMED = {asa.BIGINT: "long", asa.FLOAT: "double", asa.NVARCHAR: "string", asa.DATETIME: "timestamp",
           asa.BIT: "boolean", asa.RECORD: "struct", asa.ARRAY: "array"}
# The ASA type a CAST gives for a Delta type, under the same assumption.
CASTS = {"long": asa.BIGINT, "double": asa.FLOAT, "string": asa.NVARCHAR, "timestamp": asa.DATETIME,
         "boolean": asa.BIT}
NUMERIC = ("long", "integer", "int", "short", "byte", "double", "float")
# Writer features ASA writes with at writer version 7 and above (write-to-delta-lake.md).
ACCEPTED_FEATURES = ("changeDataFeed", "appendOnly")
NO_COMMANDS = ("schemacheck writes no command for a Delta table: its schema is changed by the engine that owns it "
               "(Spark SQL `ALTER TABLE ... ADD COLUMNS`, a Fabric notebook), under a name schemacheck does not "
               "know (the Lakehouse's, or the table's path in the storage account)")


def compare_delta(output: OutputSchema, table: DeltaTable, level: Level, file: str | None = None,
                  source: str | None = None) -> list[D.Diagnostic]:
    """Every way this statement's columns do not fit the Delta `table` (see the module doc)."""
    found: list[D.Diagnostic] = []

    def report(code, message, span, **fields):
        found.append(D.make(code, message, span, file, output=output.output, **{"table": table.name, **fields}))

    into = output.output_span or output.span
    _unsupported(table, into, report)
    named = [c for c in output.columns if c.name is not None]
    written: list[tuple[OutputColumn, DeltaColumn]] = []
    dropped: list[OutputColumn] = []
    for column in named:
        assert column.name is not None
        target = table.column(column.name)
        if target is None:
            dropped.append(column)
        elif all(target is not t for _, t in written):   # a second column of that name is SC104's
            written.append((column, target))
    failing = bool(dropped and not written and output.complete and table.columns)
    if failing:
        names = ", ".join(str(c.name) for c in dropped)
        report("SC830", f"none of the columns this statement writes ({names}) is a column of Delta table "
               f"{table.name} ({', '.join(c.name for c in table.columns)}): ASA cannot project a record onto the "
               "table's schema (a schema conversion failure), and the job's output error policy decides what "
               "becomes of every record", into,
               fix="alias the columns as the table names them, or write to the table these columns belong to")
    else:
        for column in dropped:
            _dropped(column, table, level, source, file, report)
    untyped: list[OutputColumn] = []
    numbers: list[OutputColumn] = []
    for column, target in written:
        if column.type is None:
            untyped.append(column)
            if is_number(column) and target.kind in NUMERIC:
                numbers.append(column)
            continue
        _type(column, target, table, level, source, file, report)
    if output.complete and len(named) == len(output.columns) and not failing:   # failing: nothing is written
        filled = {target.name for _, target in written}
        for target in table.columns:
            if target.name not in filled:
                _null(target, table, into, report)
    summary(output, untyped, report, numbers)
    return found


def _unsupported(table: DeltaTable, into, report) -> None:
    """SC832: Date or Decimal columns, writer features, checkpoints ASA does not support."""
    for column in table.columns:
        for path, written in column.unsupported:
            what = f"is {written}" if path == column.name else f"({column.type}) holds {written} at {path}"
            report("SC832", f"Delta table {table.name} column {column.name} {what}: ASA does not support writing to "
                   f"Delta tables with Date or Decimal columns", into, table_column=column.name,
                   expected_type=column.type,
                   fix="give the column another type (a timestamp for a date, a double or string for a decimal), "
                       "or write to a table without such columns")
    protocol = table.protocol
    if protocol is not None and (protocol.min_writer_version or 0) >= 7:
        other = [f for f in protocol.writer_features if f not in ACCEPTED_FEATURES]
        if other:
            report("SC832", f"Delta table {table.name} has writer version {protocol.min_writer_version} with writer "
                   f"feature{'s' if len(other) > 1 else ''} {', '.join(other)}: ASA does not write to tables of "
                   "writer version 7 or above with writer features other than changeDataFeed and appendOnly",
                   into,
                   fix="write to a table without those features (created without them, or with them dropped: "
                       "`ALTER TABLE ... DROP FEATURE` in Spark)")
    if table.checkpoint_form in ("multi-part", "v2") and not (
            protocol is not None and "v2Checkpoint" in protocol.writer_features):
        report("SC832", f"Delta table {table.name}'s newest checkpoint, {table.checkpoint}, is a "
               f"{table.checkpoint_form} checkpoint: ASA does not support multi-part or V2 checkpoints",
               into, fix="have the table's other writers write classic single-file checkpoints")


def _dropped(column: OutputColumn, table: DeltaTable, level: Level, source, file, report) -> None:
    name = column.name
    assert name is not None
    names = [c.name for c in table.columns]
    near = closest(name, names) or closest(name.lower(), [n.lower() for n in names])
    if near is not None and near not in names:
        near = next(n for n in names if n.lower() == near)
    edit = alias_edit(source, column, near, file) if near else None
    hint = f"; did you mean {near}?" if near else ""
    fix = (f"alias the column `AS {near}`" if near else
           "add the column to the table (`ALTER TABLE ... ADD COLUMNS` in Spark or a Fabric notebook), or leave it "
           "out of the select list")
    report("SC830", f"output column {shown_column(column, level)} is not a column of Delta table {table.name}: ASA "
           f"projects every record onto the schema of a table that exists, so its values are dropped without an "
           f"error{hint}", column.span, query_column=name, actual_type=column.type, fix=fix, edit=edit,
           suggested_name=near if edit is not None else None, near=(near,) if near else ())


def _null(target: DeltaColumn, table: DeltaTable, into, report) -> None:
    notes = []
    if target.name in table.partition_columns:
        notes.append("it is a partition column of the table")
    if not target.nullable:
        notes.append("the table's schema says it is not nullable, and what ASA's writer does with a null there is "
                     "not documented")
    more = f" ({'; '.join(notes)})" if notes else ""
    report("SC831", f"Delta table {table.name} column {target.name} ({target.type}) is never written by this "
           f"statement: ASA writes it as null in its rows{more}", into, table_column=target.name,
           expected_type=target.type)


def _type(column: OutputColumn, target: DeltaColumn, table: DeltaTable, level: Level, source, file,
          report) -> None:
    """SC833 when the column's ASA type is not what the table's column is, under ASSUMED."""
    assumed = ASSUMED.get(column.type or "")
    if assumed is None or target.kind in UNSUPPORTED or assumed == target.kind:
        return
    fixes = []
    edit = None
    wanted = CASTS.get(target.kind)
    if wanted == asa.BIT and level < "1.2":
        fixes.append("raise the job's compatibility level to 1.2, below which ASA has no bit type (booleans are "
                     "bigint)")
    elif wanted is not None and wanted != column.type and column.type not in (asa.RECORD, asa.ARRAY):
        function = "TRY_CAST" if column.type == asa.NVARCHAR else "CAST"
        fixes.append(f"{cast_fix(source, column, wanted, function)} in the query")
        edit = cast_edit(source, column, wanted, file, function)
    fixes.append(f"give the table column the type {assumed}")
    report("SC833", f"output column {column.name} is ASA {column.type}; Delta table {table.name} column {target.name} "
           f"is {target.type}: the ASA documentation gives no type mapping for Delta Lake, and under the assumed one "
           f"(ASA {column.type} -> Delta {assumed}) the types differ", column.span, query_column=column.name,
           table_column=target.name, expected_type=target.type, actual_type=column.type,
           fix=", or ".join(fixes), edit=edit, reason=f"assumed mapping: {column.type} -> {assumed}")
