"""A Delta table's schema, read from its transaction log with the standard library only
(delta-io/delta PROTOCOL.md):

    read_table(directory) -> DeltaTable    the table whose `_delta_log` folder is in `directory`
    read_commit(path)     -> Commit        one log file's metaData and protocol actions

The log is `_delta_log/<version, 20 digits>.json`, newline-delimited JSON, one action (an
object) per line. The latest `metaData` action by version gives the columns: its
`schemaString` is itself JSON, {"type": "struct", "fields": [{name, type, nullable,
metadata}]}, a field's type a name ("long", "decimal(10,2)") or a struct, array or map
object; and `partitionColumns`. The latest `protocol` action gives the reader and writer
versions and features. Other actions (add, remove, commitInfo, ...) are skipped, but every
line must be a JSON object. Commits are read newest first, until both are found.

After log cleanup the oldest commits are gone and their actions live only in a checkpoint
(`<version>.checkpoint.parquet`, which `_last_checkpoint` points to). Parquet is not read
here: a table whose latest metaData is in no commit left comes back `unreadable`, with the
reason, and is not compared; that is no error, the check goes on.

Column mapping (`delta.columnMapping.mode` "name" or "id"): the data files use physical
names (a field's `delta.columnMapping.physicalName`); writers, ASA among them, name a
column by its logical name, the field's `name`, which is the column's name here.

A file that is not such a log (not UTF-8 text, a line that is not a JSON object, a
schemaString that is no struct of named, typed fields, column names that differ only in
case, which Delta does not allow) is an InputError naming the file, line and column, in
one line.
"""

from __future__ import annotations

import json
import os
import re

from schemacheck.errors import InputError
from schemacheck.records import Record, record

LOG = "_delta_log"
COMMIT = re.compile(r"(\d{20})\.json\Z")
# <version>.checkpoint.parquet; multi-part: <version>.checkpoint.<part>.<parts>.parquet;
# V2: <version>.checkpoint.<uuid>.json or .parquet.
CHECKPOINT = re.compile(r"(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10})|\.([0-9A-Za-z-]{8,}))?\.(parquet|json)\Z")
COLUMN_MAPPING = "delta.columnMapping.mode"
PHYSICAL_NAME = "delta.columnMapping.physicalName"
# The types ASA does not write (write-to-delta-lake.md, "Limitations").
UNSUPPORTED = ("date", "decimal")


@record
class DeltaColumn(Record):
    """A column as the table's schema has it: its logical `name`, its `type` as text
    ("long", "decimal(10,2)", "struct<At: timestamp, Site: string>"), the `kind` of that
    type ("long", "decimal", "struct", "array", "map", ...), `nullable`, the physical name
    under column mapping, and `unsupported`: (path, type) of each date or decimal type in
    it, the column's own or a nested one's."""

    name: str
    type: str
    kind: str
    nullable: bool = True
    physical_name: str | None = None
    unsupported: tuple[tuple[str, str], ...] = ()


@record
class Protocol(Record):
    """The latest protocol action: versions and features (empty before writer version 7)."""

    min_reader_version: int | None
    min_writer_version: int | None
    reader_features: tuple[str, ...] = ()
    writer_features: tuple[str, ...] = ()
    file: str = ""
    line: int | None = None


@record
class Metadata(Record):
    """A metaData action: the columns, the partition columns, the column mapping mode."""

    columns: tuple[DeltaColumn, ...]
    partition_columns: tuple[str, ...]
    column_mapping: str | None
    line: int


@record
class Commit(Record):
    """What one log file says of the schema: its last metaData and protocol actions."""

    metadata: Metadata | None
    protocol: Protocol | None


@record
class DeltaTable(Record):
    """A Delta table: `name` is its folder's name, `file` the log file holding its latest
    metaData (at `line`), `version` that file's version and `latest` the newest commit's.
    `unreadable` says why the columns cannot be read (they are then empty): a checkpoint
    holds them. `checkpoint` is the newest checkpoint's file name, `checkpoint_form`
    "classic", "multi-part" or "v2"."""

    name: str
    directory: str
    file: str
    line: int | None
    columns: tuple[DeltaColumn, ...]
    partition_columns: tuple[str, ...] = ()
    version: int | None = None
    latest: int | None = None
    protocol: Protocol | None = None
    column_mapping: str | None = None
    checkpoint: str | None = None
    checkpoint_form: str | None = None
    unreadable: str | None = None

    @property
    def qualified_name(self) -> str:
        return self.name

    @property
    def database(self) -> None:
        return None

    def column(self, name: str) -> DeltaColumn | None:
        """The column of that name, ignoring case (Delta names are unique regardless of case)."""
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)


# ---- a table ---------------------------------------------------------------------------------

def read_table(directory: str) -> DeltaTable:
    """The table whose log is `directory`/_delta_log (see the module doc)."""
    log = os.path.join(directory, LOG)
    name = os.path.basename(os.path.normpath(os.path.abspath(directory)))
    try:
        names = os.listdir(log)
    except OSError as error:
        raise InputError(f"the Delta log folder cannot be listed ({error.strerror or error})", log) from None
    commits = sorted((int(m.group(1)), n) for n in names if (m := COMMIT.match(n)))
    checkpoints = sorted((int(m.group(1)), n, _form(m)) for n in names if (m := CHECKPOINT.match(n)))
    newest = checkpoints[-1] if checkpoints else None
    checkpoint = newest[1] if newest else None
    form = newest[2] if newest else None
    latest = max([v for v, _ in commits] + [v for v, _, _ in checkpoints], default=None)
    table = DeltaTable(name, directory, log, None, (), latest=latest, checkpoint=checkpoint, checkpoint_form=form)
    if not commits:
        held = f" (only checkpoint {checkpoint}, Parquet, which schemacheck does not read)" if checkpoint else ""
        return table._replace(unreadable=f"its {LOG} folder holds no commit file (<version>.json){held}")
    metadata: tuple[int, str, Metadata] | None = None
    protocol: Protocol | None = None
    for version, file_name in reversed(commits):
        path = os.path.join(log, file_name)
        commit = read_commit(path)
        if metadata is None and commit.metadata is not None:
            metadata = (version, path, commit.metadata)
        if protocol is None and commit.protocol is not None:
            protocol = commit.protocol
        if metadata is not None and protocol is not None:
            break
    table = table._replace(protocol=protocol)
    oldest = commits[0][0]
    if metadata is None:
        if oldest == 0:
            raise InputError("no metaData action in any commit of this Delta log, although it starts at version 0, "
                             "whose commit must hold one", os.path.join(log, commits[0][1]), 1, 1)
        held = f"checkpoint {checkpoint} (Parquet, which schemacheck does not read)" if checkpoint else \
            "a checkpoint that is not there"
        return table._replace(unreadable=f"its schema is in {held}: the commits left in {LOG} start at version "
                              f"{oldest} and none holds a metaData action")
    version, path, meta = metadata
    present = {v for v, _ in commits if v >= version}
    missing = [v for v in range(version, commits[-1][0] + 1) if v not in present]
    if missing:
        return table._replace(unreadable=f"commit {missing[0]} is missing from {LOG}, and the schema may have "
                              f"changed there (the latest metaData read is in version {version})")
    return table._replace(file=path, line=meta.line, columns=meta.columns, partition_columns=meta.partition_columns,
                          version=version, column_mapping=meta.column_mapping)


def _form(match: re.Match) -> str:
    if match.group(2) is not None:
        return "multi-part"
    if match.group(4) is not None or match.group(5) == "json":
        return "v2"
    return "classic"


# ---- one log file ----------------------------------------------------------------------------

def read_commit(path: str) -> Commit:
    """The last metaData and protocol actions of the log file at `path` (either None when
    it has none); an InputError for a file that is not a Delta log."""
    from schemacheck.files import decode_bytes

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path) from None
    text = decode_bytes(data, path, "Delta log")
    metadata = protocol = None
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        action = _action(line, path, number)
        if "metaData" in action:
            metadata = _metadata(action["metaData"], line, path, number)
        if "protocol" in action:
            protocol = _protocol(action["protocol"], line, path, number)
    return Commit(metadata, protocol)


def _action(line: str, path: str, number: int) -> dict:
    try:
        action = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"not a Delta log action: this line is not valid JSON ({error.msg})", path, number,
                         error.colno) from None
    except RecursionError:
        raise InputError("not a Delta log action: this line nests too deeply", path, number, 1) from None
    except ValueError as error:   # a number past Python's digit limit
        raise InputError(f"not a Delta log action: {str(error).split(':')[0]}", path, number, 1) from None
    if not isinstance(action, dict):
        column = len(line) - len(line.lstrip()) + 1
        raise InputError("not a Delta log action: each line of a Delta log is a JSON object", path, number, column)
    return action


def _at(line: str, keys: tuple) -> int:
    """The column of the value at `keys` in the JSON object `line` (1 when it cannot be told)."""
    from schemacheck.validation import json_position

    try:
        return json_position(line, keys)[1] or 1
    except Exception:   # a position is a courtesy: never fail for it
        return 1


def _shown(value: object) -> str:
    """A value of the file in a message: quoted, with line breaks and control characters
    escaped, at most 60 characters."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else type(value).__name__
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= 60 else text[:57] + "..."


def _metadata(meta: object, line: str, path: str, number: int) -> Metadata:
    def fail(message: str, keys: tuple = ("metaData",)) -> InputError:
        return InputError(message, path, number, _at(line, keys))

    if not isinstance(meta, dict):
        raise fail("the metaData action is not a JSON object")
    schema_string = meta.get("schemaString")
    if not isinstance(schema_string, str):
        raise fail("the metaData action has no schemaString (the table's schema as JSON text)")
    where = ("metaData", "schemaString")
    try:
        schema = json.loads(schema_string)
    except json.JSONDecodeError as error:
        raise fail(f"metaData.schemaString is not valid JSON ({error.msg} at character {error.pos + 1} of the "
                   "string)", where) from None
    except RecursionError:
        raise fail("metaData.schemaString nests too deeply", where) from None
    except ValueError as error:
        raise fail(f"metaData.schemaString: {str(error).split(':')[0]}", where) from None
    if not isinstance(schema, dict) or schema.get("type") != "struct" or not isinstance(schema.get("fields"), list):
        raise fail('metaData.schemaString is not a Delta schema: expected {"type": "struct", "fields": [...]}', where)
    try:
        columns = tuple(_field(field, f"fields[{i}]") for i, field in enumerate(schema["fields"]))
    except _SchemaError as error:
        raise fail(f"metaData.schemaString: {error}", where) from None
    except RecursionError:
        raise fail("metaData.schemaString nests too deeply", where) from None
    seen: dict[str, str] = {}
    for column in columns:
        if column.name.lower() in seen:
            raise fail(f"metaData.schemaString: columns {_shown(seen[column.name.lower()])} and {_shown(column.name)} "
                       "have the same name regardless of case, which a Delta table does not allow", where)
        seen[column.name.lower()] = column.name
    partitions = meta.get("partitionColumns", [])
    if partitions is None:
        partitions = []
    if not isinstance(partitions, list) or not all(isinstance(p, str) for p in partitions):
        raise fail("metaData.partitionColumns is not a list of column names", ("metaData", "partitionColumns"))
    configuration = meta.get("configuration")
    mode = configuration.get(COLUMN_MAPPING) if isinstance(configuration, dict) else None
    return Metadata(columns, tuple(partitions), mode if isinstance(mode, str) else None, number)


def _protocol(protocol: object, line: str, path: str, number: int) -> Protocol:
    def fail(message: str, keys: tuple = ("protocol",)) -> InputError:
        return InputError(message, path, number, _at(line, keys))

    if not isinstance(protocol, dict):
        raise fail("the protocol action is not a JSON object")
    versions = []
    for key in ("minReaderVersion", "minWriterVersion"):
        value = protocol.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise fail(f"protocol.{key} is not a whole number", ("protocol", key))
        versions.append(value)
    features = []
    for key in ("readerFeatures", "writerFeatures"):
        value = protocol.get(key) or []
        if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
            raise fail(f"protocol.{key} is not a list of feature names", ("protocol", key))
        features.append(tuple(value))
    return Protocol(versions[0], versions[1], features[0], features[1], path, number)


# ---- the schema's types ------------------------------------------------------------------------

class _SchemaError(Exception):
    """A schemaString that is no Delta schema (its message names the field)."""


_DECIMAL = re.compile(r"decimal\s*(\(\s*\d+\s*,\s*\d+\s*\))?\Z", re.IGNORECASE)


def _field(field: object, where: str) -> DeltaColumn:
    if not isinstance(field, dict):
        raise _SchemaError(f"{where} is not a JSON object")
    name = field.get("name")
    if not isinstance(name, str) or not name:
        raise _SchemaError(f"{where} has no name")
    if "type" not in field:
        raise _SchemaError(f"{where} ({_shown(name)}) has no type")
    text, kind, unsupported = _type(field["type"], f"{where} ({_shown(name)})", name)
    nullable = field.get("nullable", True)
    if not isinstance(nullable, bool):
        raise _SchemaError(f"{where} ({_shown(name)}): nullable is not true or false")
    metadata = field.get("metadata")
    physical = metadata.get(PHYSICAL_NAME) if isinstance(metadata, dict) else None
    return DeltaColumn(name, text, kind, nullable, physical if isinstance(physical, str) else None, unsupported)


def _type(value: object, where: str, path: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(text, kind, unsupported) of a field's type; `path` names it in `unsupported`."""
    if isinstance(value, str):
        written = value.strip()
        lowered = written.lower()
        kind = "decimal" if _DECIMAL.match(lowered) else lowered
        if not kind:
            raise _SchemaError(f"{where}: the type is empty")
        return written, kind, ((path, written),) if kind in UNSUPPORTED else ()
    if not isinstance(value, dict):
        raise _SchemaError(f"{where}: the type is neither a name nor a struct, array or map object")
    form = value.get("type")
    if form == "struct":
        fields = value.get("fields")
        if not isinstance(fields, list):
            raise _SchemaError(f"{where}: a struct type without a list of fields")
        inner = [_field(f, f"{where}.fields[{i}]") for i, f in enumerate(fields)]
        text = "struct<" + ", ".join(f"{c.name}: {c.type}" for c in inner) + ">"
        return text, "struct", tuple((f"{path}.{p}", t) for c in inner for p, t in c.unsupported)
    if form == "array":
        if "elementType" not in value:
            raise _SchemaError(f"{where}: an array type without elementType")
        element, _, unsupported = _type(value["elementType"], f"{where}.elementType", f"{path}[]")
        return f"array<{element}>", "array", unsupported
    if form == "map":
        if "keyType" not in value or "valueType" not in value:
            raise _SchemaError(f"{where}: a map type without keyType and valueType")
        key, _, in_key = _type(value["keyType"], f"{where}.keyType", f"{path}.key")
        item, _, in_value = _type(value["valueType"], f"{where}.valueType", f"{path}.value")
        return f"map<{key}, {item}>", "map", in_key + in_value
    raise _SchemaError(f"{where}: the type object is neither a struct, an array nor a map")
