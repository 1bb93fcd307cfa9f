"""Blob and ADLS Gen2 outputs: the path pattern's `{field}` and date/time tokens; with Delta
serialization (and Fabric Lakehouse outputs) the table path and the partition column
(outputs-and-inputs.md §A3, §A4: AD blob-storage-azure-data-lake-gen2-output.md,
stream-analytics-custom-path-patterns-blob-storage-output.md, write-to-delta-lake.md)."""

from __future__ import annotations

import re

from schemacheck import diagnostics as D
from schemacheck.outputs.common import TEXT, Context, finding, named, statement, texts
from schemacheck.outputs.keys import column_named

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputSchema
    from schemacheck.jobs.model import Output, OutputSetting

TOKEN = re.compile(r"\{([^{}]*)\}")
FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DATETIME_PARTS = ("yyyy", "MM", "M", "dd", "d", "HH", "H", "mm", "m", "ss", "s")
# The types a path's field may have (the custom path patterns page); bit from level 1.2.
FIELD_TYPES = ("nvarchar(max)", "bigint", "float")
DELTA_SEGMENT = re.compile(r"[A-Za-z0-9 _-]+\Z")
MAX_DELTA_SEGMENTS = 254


def check(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    serialization = output.setting("serialization")
    if serialization is not None and isinstance(serialization.value, str) and serialization.value.lower() == "delta":
        return _delta(output, statements, context, output.setting("deltaTablePath"))
    return _path_pattern(output, statements, context)


def check_lakehouse(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    return _delta(output, statements, context, output.setting("deltaTablePath"))


def _path_pattern(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    setting = output.setting("pathPattern")
    pattern = texts(setting)
    found: list[D.Diagnostic] = []
    if setting is not None:
        time_format = output.setting("timeFormat")
        for value in texts(time_format):
            if value != "HH":
                found.append(finding("SC809", f"{named(output, time_format)} is {value}: HH is the only time format "
                                     "blob and ADLS Gen2 outputs take", output, time_format, context))
    if not pattern:
        return found
    assert setting is not None
    fields = []
    for token in TOKEN.findall(pattern[0]):
        inner = token.strip()
        lowered = inner.lower()
        if lowered in ("date", "time"):
            continue
        if lowered.startswith("datetime:"):
            spec = inner.split(":", 1)[1]
            if spec not in DATETIME_PARTS:
                found.append(finding("SC809", f"{named(output, setting)} has {{{inner}}}: a datetime token takes one "
                                     f"of {', '.join(DATETIME_PARTS)} ({{datetime:MM/dd}} is two tokens: "
                                     "{datetime:MM}/{datetime:dd})", output, setting, context))
            continue
        if not FIELD.match(inner):
            why = ("a nested field: alias it in the query and name the alias" if "." in inner and all(
                FIELD.match(part) for part in inner.split(".")) else "not a column name (expressions are not allowed)")
            found.append(finding("SC809", f"{named(output, setting)} has {{{inner}}}, {why}", output, setting,
                                 context))
            continue
        fields.append(inner)
    if len(fields) > 1:
        found.append(finding("SC809", f"{named(output, setting)} has {len(fields)} custom fields "
                             f"({', '.join('{' + f + '}' for f in fields)}): a path pattern takes one", output,
                             setting, context))
    for field in fields[:1]:
        found += _partition_column(output, setting, field, statements, context, delta=False)
    return found


def _partition_column(output: Output, setting: OutputSetting, column: str, statements: list[OutputSchema],
                      context: Context, delta: bool) -> list[D.Diagnostic]:
    """A path field or Delta partition column: written by each statement, of a type it may have."""
    what = "Delta partition column" if delta else "path pattern field"
    found: list[D.Diagnostic] = []
    # Path fields match columns without regard to case (the custom path patterns page).
    folded = [s._replace(columns=tuple(c._replace(name=column) if c.name and c.name.lower() == column.lower() else c
                                       for c in s.columns)) for s in statements] if not delta else statements
    more, pairs = column_named(output, setting, column, folded, context, "SC803",
                               f"the {what} has no value to take (what ASA then writes is not documented)")
    found += more
    for schema, hit in pairs:
        if hit.type is None:
            continue
        if delta and hit.type != TEXT:
            found.append(finding("SC804", f"{named(output, setting)} names column {column}, which "
                                 f"{statement(schema, context)} writes as {hit.type}: a Delta partition column must "
                                 "be a string", output, setting, context, query_column=column,
                                 fix=f"CAST({hit.written or column} AS nvarchar(max)) in the query"))
        elif not delta and hit.type not in FIELD_TYPES and not (hit.type == "bit" and context.level >= "1.2"):
            allowed = "nvarchar(max), bigint, float" + (" or bit" if context.level >= "1.2" else
                                                         " (bit from level 1.2)")
            found.append(finding("SC804", f"{named(output, setting)} names column {column}, which "
                                 f"{statement(schema, context)} writes as {hit.type}: a path field must be {allowed}",
                                 output, setting, context, query_column=column,
                                 fix=f"CAST({hit.written or column} AS nvarchar(max)) in the query"))
    return found


def _delta(output: Output, statements: list[OutputSchema], context: Context,
           table_path: OutputSetting | None) -> list[D.Diagnostic]:
    found: list[D.Diagnostic] = []
    for path in texts(table_path):
        assert table_path is not None
        segments = path.strip("/").split("/")
        bad = [s for s in segments if not DELTA_SEGMENT.match(s)]
        if bad:
            found.append(finding("SC810", f"{named(output, table_path)} is {path}: a Delta table path's segments take "
                                 f"letters, digits, spaces, - and _ only ({bad[0]!r} does not; a {{field}} is not "
                                 "filled in, it stays text)", output, table_path, context))
        if len(segments) > MAX_DELTA_SEGMENTS:
            found.append(finding("SC810", f"{named(output, table_path)} has {len(segments)} segments: at most "
                                 f"{MAX_DELTA_SEGMENTS}", output, table_path, context))
    partitions = output.setting("partitionColumns")
    columns = texts(partitions)
    if len(columns) > 1:
        assert partitions is not None
        found.append(finding("SC810", f"{named(output, partitions)} lists {len(columns)} columns "
                             f"({', '.join(columns)}): ASA's Delta output supports one partition column (write a "
                             "composite key in the query, e.g. CONCAT(a, '-', b) AS k); the REST API's Lakehouse "
                             "examples show two, which the Delta Lake article does not allow", output, partitions,
                             context))
    for column in columns[:1]:
        assert partitions is not None
        found += _partition_column(output, partitions, column, statements, context, delta=True)
    return found
