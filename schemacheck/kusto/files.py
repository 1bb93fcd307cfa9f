"""Saved table schemas -> TableSchema records. Formats are told apart by extension and content:

    .json  the `Schema` JSON of `.show table T schema as json` ({"Name", "OrderedColumns"})
           the whole result of that command as exported: a row ({"TableName", "Schema", ...}),
             a list of rows, a REST v1 response ({"Tables": [...]}) or v2 frames ([{"FrameType"...}]),
             where `Schema` is a JSON string (or CSL text, as `.show table T cslschema` gives)
           `.show database D schema as json` ({"Databases": {D: {"Tables": {...}}}}), or its
             result row ({"DatabaseSchema": "..."})
    .csv   the exported result rows, with TableName and Schema columns
    .kql   a script of `.create table ...` commands (schemacheck.kusto.scripts)
    .csl   the same when its first command starts with "."; else CSL schema text
           (`a:string, b:long`) for the table named by the file
    .cslschema  CSL schema text for the table named by the file

A directory is scanned (recursively, sorted) for all of these (the other kinds' files
there, SQL DDL, are not read here: schemacheck.check.tables gives each kind its own). JSON shapes are checked
with schemacheck.validation; anything malformed is an InputError naming the file, and
the line and column where there is one.
"""

from __future__ import annotations

import json
import os
import re

from schemacheck.errors import InputError
from schemacheck.files import files_under, read_text_file
from schemacheck.kusto.schema import Column, TableCatalog, TableSchema
from schemacheck.kusto.types import canonical_type, type_suggestion
from schemacheck.validation import Shape, json_item_lines, json_kind, json_position, validate

SCHEMA_SUFFIXES = (".json", ".csv", ".kql", ".csl", ".cslschema")
_LEADING_COMMENTS = re.compile(r"\A(?:\s|//[^\n]*)*")


def _optional(cs, schema):
    return cs.typed_dict_field(cs.nullable_schema(schema), required=False)


def _table_schema(cs):
    column = cs.typed_dict_schema({
        "Name": cs.typed_dict_field(cs.str_schema(min_length=1)),
        "Type": _optional(cs, cs.str_schema()),
        "CslType": _optional(cs, cs.str_schema()),
    }, extra_behavior="allow")
    return cs.typed_dict_schema({
        "Name": cs.typed_dict_field(cs.str_schema(min_length=1)),
        "OrderedColumns": cs.typed_dict_field(cs.list_schema(column)),
        "Folder": _optional(cs, cs.str_schema()),
        "DocString": _optional(cs, cs.str_schema()),
    }, extra_behavior="allow")


def _text_or_none(value) -> bool:
    return value is None or type(value) is str


def _plain_table(data) -> bool:
    """Certainly valid under _table_schema, as parsed from JSON (see Shape)."""
    if type(data) is not dict or type(data.get("Name")) is not str or not data["Name"]:
        return False
    columns = data.get("OrderedColumns")
    return (type(columns) is list and _text_or_none(data.get("Folder")) and _text_or_none(data.get("DocString"))
            and all(type(c) is dict and type(c.get("Name")) is str and c["Name"] and _text_or_none(c.get("Type"))
                    and _text_or_none(c.get("CslType")) for c in columns))


def _plain_database_schema(data) -> bool:
    """Certainly valid under DATABASE_SCHEMA, as parsed from JSON (see Shape)."""
    databases = data.get("Databases") if type(data) is dict else None
    if type(databases) is not dict:
        return False
    for database in databases.values():
        if type(database) is not dict or not _text_or_none(database.get("Name")):
            return False
        tables = database.get("Tables", {})
        if type(tables) is not dict or not all(_plain_table(table) for table in tables.values()):
            return False
    return True


TABLE = Shape(_table_schema, _plain_table)
DATABASE_SCHEMA = Shape(lambda cs: cs.typed_dict_schema({
    "Databases": cs.typed_dict_field(cs.dict_schema(cs.str_schema(), cs.typed_dict_schema({
        "Name": _optional(cs, cs.str_schema()),
        "Tables": cs.typed_dict_field(cs.dict_schema(cs.str_schema(), _table_schema(cs)), required=False),
    }, extra_behavior="allow"))),
}, extra_behavior="allow"), _plain_database_schema)
RESULT_ROW = Shape(lambda cs: cs.typed_dict_schema({
    "TableName": cs.typed_dict_field(cs.str_schema(min_length=1)),
    "Schema": cs.typed_dict_field(cs.str_schema()),
    "DatabaseName": _optional(cs, cs.str_schema()),
    "Folder": _optional(cs, cs.str_schema()),
    "DocString": _optional(cs, cs.str_schema()),
}, extra_behavior="allow"))


def load_schemas(paths: list[str]) -> TableCatalog:
    """Every table in the given files and directories. The same table defined twice with
    different columns is an InputError naming both places."""
    tables: dict[tuple[str | None, str], TableSchema] = {}
    for path in paths:
        for table in load_path(path):
            key = ((table.database or "").lower() or None, table.name)
            previous = tables.get(key)
            if previous is not None and [(c.name, c.type) for c in previous.columns] != \
                    [(c.name, c.type) for c in table.columns]:
                raise InputError(f"table {table.qualified_name} is also defined, with other columns, in "
                                 f"{previous.file}; keep one definition", table.file, table.line)
            tables.setdefault(key, table)
    return TableCatalog(tuple(tables.values()))


def load_path(path: str) -> list[TableSchema]:
    """The tables of a schema file, or of the Kusto schema files below a folder (other
    kinds' files there, such as SQL DDL and Delta tables' _delta_log, are theirs:
    schemacheck.check.tables)."""
    if os.path.isdir(path):
        files = [f for f in files_under(path, SCHEMA_SUFFIXES) if "_delta_log" not in _parts(f)[:-1]]
        return [table for file in files for table in load_file(file)]
    from schemacheck.jobs.recognise import KUSTO_SCHEMA, OTHER, misplaced, recognise

    kind = recognise(path)
    if kind not in (KUSTO_SCHEMA, OTHER):   # a query, project, Terraform, Bicep or configuration file
        raise InputError(misplaced(kind, path, "--schema"), path)
    return load_file(path)


def _parts(path: str) -> tuple[str, ...]:
    return tuple(os.path.normpath(path).split(os.sep))


def load_file(path: str) -> list[TableSchema]:
    text = read_text_file(path, what="schema")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".json":
        return _load_json(text, path)
    if suffix == ".csv":
        return _load_csv(text, path)
    stem = os.path.splitext(os.path.basename(path))[0]
    if suffix == ".kql" or (suffix == ".csl" and (comments := _LEADING_COMMENTS.match(text)) is not None
                            and text[comments.end():].startswith(".")):
        from schemacheck.kusto.scripts import parse_script

        tables = parse_script(text, path)
        if not tables:
            raise InputError("no .create table (or .create-merge / .alter table) command in this script", path)
        return tables
    from schemacheck.kusto.scripts import parse_csl_schema

    table = parse_csl_schema(text, path, stem)
    if not table.columns:
        raise InputError("no columns: expected CSL schema text (name:type, name:type, ...)", path)
    return [table]


def _load_json(text: str, path: str) -> list[TableSchema]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", path, error.lineno, error.colno) from None
    except RecursionError:
        from schemacheck.validation import json_deepest

        raise InputError("arrays or objects nest too deeply to read as a table schema", path,
                         *json_deepest(text)) from None
    except ValueError as error:  # numbers past Python's digit limit
        raise InputError(f"not valid JSON for schemacheck: {str(error).split(':')[0]}", path) from None
    if isinstance(data, dict):
        if "OrderedColumns" in data:
            return [_table(validate(TABLE, data, path, text), path, text, ())]
        if "Databases" in data:
            return _database_schema(validate(DATABASE_SCHEMA, data, path, text), path, text, ())
        if isinstance(data.get("Tables"), list):
            return tables_from_rows(_v1_rows(data, path), path)
        if "TableName" in data or "DatabaseSchema" in data:
            return tables_from_rows([data], path)
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        if all("FrameType" in item for item in data):
            return tables_from_rows(_v2_rows(data, path), path)
        return tables_from_rows(data, path)
    from schemacheck.jobs.recognise import KUSTO_SCHEMA, OTHER, misplaced, recognise

    kind = recognise(path, text)
    if kind not in (KUSTO_SCHEMA, OTHER):   # a template, parameters file or REST export among the schemas
        raise InputError(misplaced(kind, path, "--schema"), path)
    raise InputError("not a Kusto table schema: expected the JSON of `.show table T schema as json` "
                     "({\"Name\", \"OrderedColumns\"}), its result rows ({\"TableName\", \"Schema\"}), or "
                     "`.show database D schema as json` ({\"Databases\": ...})", path, 1, 1)


def _column(data: dict, path: str, text: str | None, loc: tuple, line: int | None = None) -> Column:
    written = data.get("CslType") or data.get("Type")
    if not written:
        line, column = json_position(text, loc) if text else (None, None)
        raise InputError(f"column {data['Name']}: neither CslType nor Type is given", path, line, column)
    kind = canonical_type(written)
    if kind is None:
        line, column = json_position(text, loc + ("CslType" if data.get("CslType") else "Type",)) if text \
            else (None, None)
        raise InputError(f"column {data['Name']}: unknown Kusto type {written!r}{type_suggestion(written)}",
                         path, line, column)
    if line is None and text:
        line = json_position(text, loc)[0]
    return Column(data["Name"], kind, written, line)


def _table(data: dict, path: str, text: str | None, loc: tuple, database: str | None = None,
           line: int | None = None) -> TableSchema:
    items = data["OrderedColumns"]
    lines = json_item_lines(text, loc + ("OrderedColumns",), len(items)) if text else None
    columns = tuple(_column(c, path, text, loc + ("OrderedColumns", i), lines[i] if lines else None)
                    for i, c in enumerate(items))
    if line is None:
        line = json_position(text, loc)[0] if text else None
    return TableSchema(data["Name"], database, columns, path, line, data.get("Folder"), data.get("DocString"))


def _database_schema(data: dict, path: str, text: str | None, loc: tuple) -> list[TableSchema]:
    tables = []
    for key, database in data["Databases"].items():
        name = database.get("Name") or key
        for table_key, table in (database.get("Tables") or {}).items():
            tables.append(_table(table, path, text, loc + ("Databases", key, "Tables", table_key), name))
    if not tables:
        raise InputError("the database schema holds no tables", path)
    return tables


def tables_from_rows(rows: list[dict], path: str) -> list[TableSchema]:
    """Result rows of `.show table T schema as json` / `cslschema` / `.show database D schema as json`."""
    tables = []
    for index, row in enumerate(rows):
        if "DatabaseSchema" in row and "TableName" not in row:
            what = f" (row {index + 1})"
            inner = _inner_json(row["DatabaseSchema"], path, what)
            tables.extend(_database_schema(validate(DATABASE_SCHEMA, inner, path, what=what), path, None, ()))
            continue
        row = validate(RESULT_ROW, row, path, what=f" (row {index + 1})")
        schema = row["Schema"].strip()
        if schema.startswith("{"):
            inner = validate(TABLE, _inner_json(schema, path, f" (row {index + 1})"), path,
                             what=f" (the Schema of row {index + 1})")
            table = _table(inner, path, None, (), row.get("DatabaseName"))
            tables.append(table._replace(name=row["TableName"],
                                         folder=row.get("Folder") or table.folder or None,
                                         docstring=row.get("DocString") or table.docstring or None))
        else:
            from schemacheck.kusto.scripts import parse_csl_schema

            try:
                table = parse_csl_schema(schema, path, row["TableName"], row.get("DatabaseName"))
            except InputError as error:  # its position is inside the cell, not the file
                raise InputError(f"the CSL schema of row {index + 1} ({row['TableName']}), column "
                                 f"{error.column}: {error.message}", path) from None
            tables.append(table._replace(line=None, columns=tuple(c._replace(line=None) for c in table.columns),
                                         folder=row.get("Folder") or None, docstring=row.get("DocString") or None))
    if not tables:
        raise InputError("no result rows: the file holds no table", path)
    return tables


def _inner_json(text: object, path: str, what: str) -> object:
    if not isinstance(text, str):
        raise InputError(f"the schema{what} should be a JSON string, not {json_kind(text)}", path)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "it cannot be read"
        raise InputError(f"the schema string{what} is not valid JSON: {reason}", path) from None


def _table_rows(columns: object, rows: object, path: str) -> list[dict]:
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise InputError("a result table whose Columns and Rows are not lists", path)
    names = [c.get("ColumnName") if isinstance(c, dict) else None for c in columns]
    if not all(isinstance(n, str) for n in names) or not all(isinstance(r, list) and len(r) == len(names)
                                                             for r in rows):
        raise InputError("a result table whose Columns and Rows do not line up", path)
    return [dict(zip(names, row)) for row in rows]


def _v1_rows(data: dict, path: str) -> list[dict]:
    """REST v1 (`/v1/rest/mgmt`) response: the first table with a Schema or DatabaseSchema column."""
    for table in data["Tables"]:
        columns = table.get("Columns") if isinstance(table, dict) else None
        if isinstance(columns, list) and any(
                isinstance(c, dict) and c.get("ColumnName") in ("Schema", "DatabaseSchema") for c in columns):
            return _table_rows(columns, table.get("Rows") or [], path)
    raise InputError("a Kusto response without a Schema or DatabaseSchema column", path)


def _v2_rows(frames: list[dict], path: str) -> list[dict]:
    """REST v2 response frames: the PrimaryResult data table."""
    for frame in frames:
        if frame.get("FrameType") == "DataTable" and frame.get("TableKind") == "PrimaryResult":
            return _table_rows(frame.get("Columns") or [], frame.get("Rows") or [], path)
    raise InputError("Kusto response frames without a PrimaryResult table", path)


def _load_csv(text: str, path: str) -> list[TableSchema]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fields = reader.fieldnames or []
        if "Schema" not in fields and "DatabaseSchema" not in fields:
            raise InputError("a CSV schema export needs a Schema (and TableName) column: the result of "
                             "`.show table T schema as json` or `.show table T cslschema`", path, 1, 1)
        rows = [{k: v for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as error:
        raise InputError(f"not valid CSV: {error}", path, reader.line_num or None) from None
    return tables_from_rows(rows, path)
