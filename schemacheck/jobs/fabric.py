"""Microsoft Fabric Eventstream items as jobs: one per SQL operator.

A Fabric workspace in git holds each item as a folder `<display name>.<type>`
(../shared/reference/iac-and-fabric.md §4). An Eventstream's folder holds its topology
(`eventstream.json`; the git integration page calls it `eventstreamProperties.json`, so
any JSON file of the folder with sources/destinations/operators/streams is taken when
eventstream.json is absent) and `.platform` (`metadata.displayName`).

    read_eventstream(folder) -> [Job]     one Job (form "fabric") per operator of type SQL

- The job is named "<eventstream>/<operator>"; its query is the operator's
  `properties.query`, placed in the file (`Query.json_string_at`) so findings point into
  eventstream.json; its level the topology's top-level `compatibilityLevel`.
- Inputs: the operator's `inputNodes`, each the source, stream or operator of that name
  (kind: the node's type, e.g. "DefaultStream").
- Outputs: for each INTO name, the destination or stream of that name downstream of the
  operator (its `inputNodes` name the operator, directly or through other operators). An
  Eventhouse destination is an ADX output (database `databaseName`, table `tableName`); a
  Lakehouse one a "fabric-lakehouse" output (setting tableName = `deltaTable`); a stream
  "stream"; Activator, CustomEndpoint and others have no kind (not checked). An INTO
  name of an operator downstream stands for the one destination it leads to. Operators
  between the SQL operator and the destination are kept as `Output.operators` (their
  columns: schemacheck.check.operators), or, when their columns are not documented, the
  output is kept, not compared, with an SC613 note. An INTO name no downstream node has
  is left out (the check reports SC601).
- Tables: every `DatabaseSchema.kql` of a KQL database of the workspace folder (the folder
  holding the Eventstream's folder; `<eh>.Eventhouse/.children/<db>.KQLDatabase/` or
  `<db>.KQLDatabase/`), as a Script bound to database `<db>`; one per database name, the
  one a destination's itemId identifies among namesakes (SC618 when it identifies none).
- Notes: SC614 when the Eventstream's name holds `_` or `.` (documented as incompatible
  with SQL operators); SC615 once per job with an Eventhouse output (how processed
  ingestion maps columns is not documented: the findings assume ADX's rules); SC616 and
  SC619 for a DirectIngestion mapping missing or filling a column the table lacks; SC609
  for an operator whose query is not text.
"""

from __future__ import annotations

import json
import os
import re

from schemacheck.errors import InputError
from schemacheck.jobs.jsonfile import JsonFile, get, key, load_json, text_value
from schemacheck.jobs.model import (
    Aggregation,
    DeclaredColumn,
    Input,
    Job,
    Note,
    Operator,
    OperatorColumn,
    Output,
    OutputSetting,
    Query,
    Script,
    Setting,
    Where,
)
from schemacheck.jobs.recognise import EVENTHOUSE_SUFFIX, EVENTSTREAM_SUFFIX, KQL_DATABASE_SUFFIX, SCHEMA_FILE

TOPOLOGY_FILE = "eventstream.json"
_TOPOLOGY_KEYS = ("sources", "destinations", "operators", "streams")
# Operators whose output columns follow from their definition (schemacheck.check.operators):
# Filter keeps the columns, ManageFields lists them, GroupBy names its keys and aggregations.
MODELLED_OPERATORS = ("filter", "managefields", "groupby")
# How far below the workspace folder KQL databases are looked for (Fabric workspace folders nest).
_DEPTH = 4


def eventstreams_below(folder: str, depth: int = _DEPTH) -> list[str]:
    """The `*.Eventstream` folders in `folder` and a few levels below (hidden folders left out)."""
    found: list[str] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for name in names:
        child = os.path.join(folder, name)
        if name.startswith(".") or not os.path.isdir(child):
            continue
        if name.lower().endswith(EVENTSTREAM_SUFFIX):
            found.append(child)
        elif depth:
            found.extend(eventstreams_below(child, depth - 1))
    return found


def topology_file(folder: str) -> str | None:
    """eventstream.json of the folder, else the first JSON file (by name) holding a topology."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    for name in names:
        if name.lower() == TOPOLOGY_FILE:
            return os.path.join(folder, name)
    for name in names:
        path = os.path.join(folder, name)
        if name.lower().endswith(".json") and os.path.isfile(path):
            try:
                with open(path, "rb") as handle:
                    head = handle.read(1 << 20).decode("utf-8", errors="replace")
            except OSError:
                continue
            try:
                data = json.loads(head)
            except (ValueError, RecursionError):   # not JSON, or nested past Python's limit
                continue
            if isinstance(data, dict) and any(key(data, k) is not None for k in _TOPOLOGY_KEYS):
                return path
    return None


# ---- the query's INTO and FROM names (comments and strings blanked) ---------------------------
_BLANKS = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'", re.S)
_NAME = r"(\[(?:[^\]]|\]\])+\]|\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w]*)"
_INTO = re.compile(r"\bINTO\s+" + _NAME, re.I)
_FROM = re.compile(r"\b(?:FROM|JOIN)\s+" + _NAME, re.I)
_STEP = re.compile(r"(?:\bWITH|,)\s*" + _NAME + r"\s+AS\s*\(", re.I)


def _unquoted(name: str) -> str:
    if name.startswith("["):
        return name[1:-1].replace("]]", "]")
    if name.startswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def query_names(query: str) -> tuple[list[str], list[str]]:
    """(INTO names, FROM/JOIN names that are no WITH step), each once, in order."""
    text = _BLANKS.sub(lambda m: " " * len(m.group(0)), query)
    steps = {_unquoted(n).lower() for n in _STEP.findall(text)}

    def once(names):
        seen: dict[str, str] = {}
        for name in map(_unquoted, names):
            seen.setdefault(name.lower(), name)
        return list(seen.values())

    return once(_INTO.findall(text)), [n for n in once(_FROM.findall(text)) if n.lower() not in steps]


# ---- reading -------------------------------------------------------------------------------------
class _Node:
    __slots__ = ("name", "type", "group", "index", "data", "inputs")

    def __init__(self, group: str, index: int, data: dict) -> None:
        self.group = group          # the key of its list, as spelled ("operators", ...)
        self.index = index
        self.data = data
        name = get(data, "name")
        self.name = name if isinstance(name, str) else ""
        kind = get(data, "type")
        self.type = kind if isinstance(kind, str) else ""
        listed = get(data, "inputNodes")
        self.inputs = [get(i, "name") for i in listed if isinstance(get(i, "name"), str)] \
            if isinstance(listed, list) else []

    @property
    def path(self) -> tuple:
        return (self.group, self.index)

    @property
    def is_destination(self) -> bool:
        return self.group.lower() == "destinations"

    @property
    def is_stream(self) -> bool:
        return self.group.lower() == "streams"

    @property
    def is_operator(self) -> bool:
        return self.group.lower() == "operators"


def display_name(folder: str) -> tuple[str, Where | None]:
    """The Eventstream's name: `.platform`'s metadata.displayName, else the folder's name
    without `.Eventstream`; and where the displayName is written."""
    fallback = os.path.basename(os.path.normpath(folder))[:-len(EVENTSTREAM_SUFFIX)]
    platform = os.path.join(folder, ".platform")
    if not os.path.isfile(platform):
        return fallback, None
    try:
        file = load_json(platform, "Fabric item's .platform file")
    except InputError:
        return fallback, None
    metadata_key = key(file.data, "metadata")
    metadata = get(file.data, "metadata")
    name_key = key(metadata, "displayName")
    name = get(metadata, "displayName")
    if not isinstance(name, str) or not name or metadata_key is None or name_key is None:
        return fallback, None
    return name, file.where((metadata_key, name_key))


def read_eventstream(folder: str, tables_from: str | None = None) -> list[Job]:
    """The jobs of an Eventstream folder (see the module doc); `tables_from`: the workspace
    folder whose KQL databases hold the tables (default: the folder above `folder`)."""
    path = topology_file(folder)
    if path is None:
        raise InputError("this Eventstream folder holds no eventstream.json (nor another JSON file with sources, "
                         "destinations, operators or streams)", folder)
    file = load_json(path, "Eventstream topology (eventstream.json)")
    if not isinstance(file.data, dict):
        raise InputError("the Eventstream topology should be a JSON object with sources, destinations, operators "
                         "and streams", path, 1, 1)
    name, name_at = display_name(folder)
    nodes: list[_Node] = []
    for group in _TOPOLOGY_KEYS:
        actual = key(file.data, group)
        listed = file.data[actual] if actual is not None else None
        if actual is not None and isinstance(listed, list):
            nodes.extend(_Node(actual, i, n) for i, n in enumerate(listed) if isinstance(n, dict))
    # The workspace folder and below only: folders above it may hold other workspaces, whose
    # databases of the same name are not this one's.
    databases = kql_databases(tables_from if tables_from else os.path.dirname(os.path.normpath(folder)) or ".")
    level_key = key(file.data, "compatibilityLevel")
    level = Setting(text_value(file.data[level_key]), file.where((level_key,))) if level_key is not None \
        else Setting(None, Where(path, 1, 1))
    jobs = []
    for node in nodes:
        if node.is_operator and node.type.lower() == "sql":
            jobs.append(_job(file, folder, name, name_at, node, nodes, level, databases))
    return jobs


def _job(file: JsonFile, folder: str, name: str, name_at: Where | None, operator: _Node, nodes: list[_Node],
         level: Setting, databases: list[Database]) -> Job:
    notes: list[Note] = []
    properties_key = key(operator.data, "properties")
    properties = get(operator.data, "properties")
    query_key = key(properties, "query")
    query_value = get(properties, "query")
    query: Query | None = None
    into: list[str] = []
    operator_at = file.where(operator.path)
    if isinstance(query_value, str) and properties_key is not None and query_key is not None:
        query_path = operator.path + (properties_key, query_key)
        at = file.string_at(query_path, query_value)
        query = Query(query_value, file.path, at, None if at is not None else file.where(query_path))
        into, _ = query_names(query_value)
    else:
        notes.append(Note("SC609", f"the SQL operator {operator.name} has no query text (properties.query); it is "
                          "not checked", operator_at))
    by_name = {n.name.lower(): n for n in nodes}
    schemas = _input_schemas(file, operator)
    inputs = tuple(_input(file, by_name.get(i.lower()), i, operator_at)._replace(
        **schemas.get(i.lower(), {})) for i in operator.inputs)
    outputs: list[Output] = []
    for alias in into:
        reached = _downstream(operator, alias, nodes)
        if reached is None:
            continue    # the check reports SC601: no output of that name
        target, between = reached
        output = _output(file, target, alias)
        unknown = [n for n in between if n.type.lower() not in MODELLED_OPERATORS]
        if unknown:
            chain = " -> ".join(f"{n.name} ({n.type})" for n in between)
            what = ", ".join(dict.fromkeys(n.type or "an operator without a type" for n in unknown))
            notes.append(Note("SC613", f"output {alias}: the operator chain {operator.name} -> {chain} -> "
                              f"{target.name} changes the columns after the SQL operator, and what {what} makes "
                              f"of them is not documented in a form that gives the columns; the columns written "
                              f"to {target.name} are not compared", file.where(target.path)))
            output = output._replace(kind=f"{target.type or 'a destination'} after {unknown[0].type or 'an operator'}")
        elif between:
            output = output._replace(operators=tuple(_operator(file, n) for n in between))
        outputs.append(output)
    if "_" in name or "." in name:
        notes.append(Note("SC614", f"the Eventstream is named {name}: a name that contains _ or . is not compatible "
                          "with SQL operators (Fabric's SQL code editor page); rename the Eventstream",
                          name_at or Where(file.path, 1, 1)))
    outputs, scripts = _bound(outputs, databases, notes)
    notes += _missing_mappings(outputs, scripts)
    if any(o.kind == "adx" for o in outputs):
        notes.append(Note("SC615", "how an Eventstream's Eventhouse destination maps the SQL operator's columns "
                          "(by name, letter case, types) is not documented; the findings about its columns assume "
                          "Azure Data Explorer's rules", operator_at))
    return Job(
        name=f"{name}/{operator.name}",
        form="fabric",
        source=file.path,
        root=folder,
        query=query,
        compat_level=level,
        outputs=tuple(outputs),
        inputs=inputs,
        notes=tuple(notes),
        scripts=scripts,
    )


def _input(file: JsonFile, node: _Node | None, name: str, fallback: Where) -> Input:
    if node is None:
        return Input(name, None, True, None, fallback)
    return Input(node.name, node.type or None, True, node.type or None, file.where(node.path))


def _input_schemas(file: JsonFile, operator: _Node) -> dict[str, dict]:
    """The operator's `inputSchemas`, by lower-cased input node name: {"columns": the declared
    columns, "columns_where": the entry}. An entry of another shape is left out (the input's
    columns stay unknown)."""
    listed_key = key(operator.data, "inputSchemas")
    listed = operator.data[listed_key] if listed_key is not None else None
    found: dict[str, dict] = {}
    if not isinstance(listed, list):
        return found
    for index, entry in enumerate(listed):
        name, columns = get(entry, "name"), get(get(entry, "schema"), "columns")
        if isinstance(name, str) and isinstance(columns, list):
            read = _declared_columns(columns)
            if read is not None:
                found.setdefault(name.lower(), {"columns": read,
                                                "columns_where": file.where(operator.path + (listed_key, index))})
    return found


def _declared_columns(columns: list, depth: int = 0) -> tuple[DeclaredColumn, ...] | None:
    """inputSchemas columns ({name, type, fields, items}) as DeclaredColumns; None when one
    has no name (the list cannot be trusted to be the input's columns)."""
    read = []
    for column in columns:
        one = _declared_column(column, depth)
        if one is None:
            return None
        read.append(one)
    return tuple(read)


def _declared_column(column, depth: int) -> DeclaredColumn | None:
    name, kind = get(column, "name"), text_value(get(column, "type"))
    if not isinstance(name, str) or not name or depth > 64:
        return None
    fields, items = get(column, "fields"), get(column, "items")
    nested = _declared_columns(fields, depth + 1) if isinstance(fields, list) else ()
    element = _declared_column({**items, "name": "items"}, depth + 1) if isinstance(items, dict) else None
    return DeclaredColumn(name, kind, nested or (), element)


def _downstream(operator: _Node, alias: str, nodes: list[_Node]) -> tuple[_Node, list[_Node]] | None:
    """The destination or stream named `alias` that the operator feeds, directly or through
    other operators, and the operators between them (the shortest chain). An `alias` that
    names an operator downstream stands for the one destination or stream that operator
    leads to (None when it leads to none or several)."""
    wanted = alias.lower()
    for node, between in _below(operator, nodes):
        if node.name.lower() != wanted:
            continue
        if node.is_destination or node.is_stream:
            return node, between
        if node.is_operator:
            ends = [(end, rest) for end, rest in _below(node, nodes) if end.is_destination or end.is_stream]
            return (ends[0][0], between + [node] + ends[0][1]) if len(ends) == 1 else None
    return None


def _below(operator: _Node, nodes: list[_Node]):
    """Each node the operator feeds, directly or through other operators, once, nearest
    first, with the operators between them."""
    frontier: list[tuple[_Node, list[_Node]]] = [(operator, [])]
    seen = {id(operator)}
    while frontier:
        following: list[tuple[_Node, list[_Node]]] = []
        for current, between in frontier:
            for node in nodes:
                if id(node) in seen or current.name.lower() not in (i.lower() for i in node.inputs):
                    continue
                seen.add(id(node))
                yield node, between
                if node.is_operator:
                    following.append((node, between + [node]))
        frontier = following


def _column_reference(value) -> tuple[str | None, str | None]:
    """(columnName, node) of a column reference object ({"node": ..., "columnName": ...})."""
    name, node = get(value, "columnName"), get(value, "node")
    return (name if isinstance(name, str) and name else None), (node if isinstance(node, str) and node else None)


def _operator(file: JsonFile, node: _Node) -> Operator:
    """An operator between a SQL operator and its destination, as plain data: a ManageFields
    operator's `properties.columns` entries, a GroupBy's `groupBy` columns and
    `aggregations` (the shapes of Microsoft's Eventstream definition template; an entry of
    another shape is kept with what it says, and the check says what it cannot tell)."""
    properties_key = key(node.data, "properties")
    properties = get(node.data, "properties")
    base = node.path + ((properties_key,) if properties_key is not None else ())
    kind = node.type.lower()

    def listed(name: str) -> tuple[tuple, list]:
        actual = key(properties, name)
        value = properties[actual] if actual is not None else None
        return (base + (actual,) if actual is not None else base), (value if isinstance(value, list) else [])

    columns: list[OperatorColumn] = []
    aggregations: list[Aggregation] = []
    if kind == "managefields":
        path, entries = listed("columns")
        for index, entry in enumerate(entries):
            where = file.where(path + (index,))
            entry_type = text_value(get(entry, "type")) or ""
            details = get(entry, "properties")
            alias = get(entry, "alias")
            column, source = _column_reference(get(details, "column"))
            function = get(details, "functionName")
            if column is None and isinstance(get(details, "arguments"), list):
                # A function of one column: the column its value comes from.
                references = [_column_reference(a) for a in get(details, "arguments")
                              if str(get(a, "expressionType") or "").lower() == "columnreference"]
                if len(references) == 1:
                    column, source = references[0]
            columns.append(OperatorColumn(
                entry_type, alias if isinstance(alias, str) and alias else None, column, source,
                text_value(get(details, "targetDataType")), function if isinstance(function, str) else None, where))
    elif kind == "groupby":
        path, keys = listed("groupBy")
        for index, value in enumerate(keys):
            column, source = _column_reference(value)
            columns.append(OperatorColumn("GroupBy", column, column, source, where=file.where(path + (index,))))
        path, entries = listed("aggregations")
        for index, entry in enumerate(entries):
            column, _ = _column_reference(get(entry, "column"))
            function, alias = get(entry, "aggregateFunction"), get(entry, "alias")
            aggregations.append(Aggregation(function if isinstance(function, str) else None, column,
                                            alias if isinstance(alias, str) and alias else None,
                                            file.where(path + (index,))))
    return Operator(node.name, node.type, file.where(node.path), tuple(columns), tuple(aggregations))


def _setting(file: JsonFile, node: _Node, properties_key: str | None, name: str,
             as_name: str | None = None) -> OutputSetting | None:
    properties = get(node.data, "properties")
    actual = key(properties, name)
    if actual is None or properties_key is None:
        return None
    value = text_value(properties[actual])
    if value is None:
        return None
    return OutputSetting(as_name or name, value, file.where(node.path + (properties_key, actual)))


def _output(file: JsonFile, node: _Node, alias: str) -> Output:
    properties_key = key(node.data, "properties")
    properties = get(node.data, "properties")
    where = file.where(node.path)
    kind = node.type.lower()

    def settings(*names: str) -> tuple[OutputSetting, ...]:
        found = (_setting(file, node, properties_key, n) for n in names)
        return tuple(s for s in found if s is not None)

    def text(name: str) -> str | None:
        return text_value(get(properties, name))

    if node.is_stream:
        return Output(alias, "stream", node.type or None, where=where)
    if kind == "eventhouse":
        mode = (text("dataIngestionMode") or "").lower()
        if mode == "directingestion":
            return Output(alias, "adx", node.type, None, text("databaseName"), text("tableName"), None, where,
                          settings("dataIngestionMode", "mappingRuleName", "workspaceId", "itemId"))
        return Output(alias, "adx", node.type, None, text("databaseName"), text("tableName"), None, where,
                      settings("dataIngestionMode", "workspaceId", "itemId"))
    if kind == "lakehouse":
        table = _setting(file, node, properties_key, "deltaTable", "tableName")
        return Output(alias, "fabric-lakehouse", node.type, where=where, settings=(table,) if table else ())
    return Output(alias, None, node.type or None, where=where)


# An ingestion mapping a KQL script creates: `.create[-or-alter] table T ingestion json mapping "name" '[...]'`.
_MAPPING = re.compile(r"""^[ \t]*\.(?:create|create-or-alter|alter)\s+table\s+"""
                      r"""(?:\[\s*)?['"]?(?P<table>[^\s'"\]]+)['"]?(?:\s*\])?"""
                      r"""\s+ingestion\s+\w+\s+mapping\s+(?:\[\s*)?['"](?P<name>[^'"]+)['"](?:\s*\])?"""
                      r"""(?:\s*(?P<body>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|```.*?```))?""",
                      re.IGNORECASE | re.MULTILINE | re.DOTALL)


class _Mapping:
    """An ingestion mapping a script creates: its name, the columns it fills (None when its
    body cannot be read) each with the datatype it gives (None: not given)."""

    __slots__ = ("name", "columns")

    def __init__(self, name: str, columns: list[tuple[str, str | None]] | None) -> None:
        self.name, self.columns = name, columns


def _mapping_columns(body: str | None) -> list[tuple[str, str | None]] | None:
    """The (column, datatype) pairs of a mapping's JSON body as a Kusto string literal; both
    shapes ({"column", "datatype"} and {"Column", "DataType", "Properties"}); None when unread."""
    if not body:
        return None
    if body.startswith("```"):
        text = body[3:-3]
    elif body.startswith("'"):
        text = re.sub(r"\\(.)", lambda m: m.group(1), body[1:-1])
    else:   # a "..." literal escapes as JSON does
        try:
            text = json.loads(body)
        except ValueError:
            return None
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(items, list):
        return None
    columns = []
    for item in items:
        column, kind = get(item, "column"), get(item, "datatype")
        if not isinstance(column, str) or not column:
            return None
        columns.append((column, kind if isinstance(kind, str) and kind else None))
    return columns


def _mappings(scripts: tuple[Script, ...]) -> dict[str, dict[str, _Mapping]]:
    """Table name (lower-case) -> the ingestion mappings the scripts create on it, by name."""
    found: dict[str, dict[str, _Mapping]] = {}
    for script in scripts:
        for match in _MAPPING.finditer(script.text):
            found.setdefault(match["table"].lower(), {})[match["name"]] = _Mapping(
                match["name"], _mapping_columns(match["body"]))
    return found


def _missing_mappings(outputs: list[Output], scripts: tuple[Script, ...]) -> list[Note]:
    """SC616 for a DirectIngestion destination whose mapping no KQL database script of the
    workspace creates (a direct ingestion names the mapping it ingests with); SC619 for a
    column that mapping fills which its table does not have."""
    if not scripts:
        return []   # no database in the repository: nothing to look in
    mappings = _mappings(scripts)
    notes = []
    for output in outputs:
        mode, rule = output.setting("dataIngestionMode"), output.setting("mappingRuleName")
        if output.kind != "adx" or mode is None or str(mode.value).lower() != "directingestion" or rule is None:
            continue
        name = str(rule.value)
        tables = [output.table.lower()] if output.table else list(mappings)
        found = [(table, mappings[table][name]) for table in tables if name in mappings.get(table, {})]
        where = rule.where or output.where or Where(output.alias)
        if not found:
            place = f"table {output.table}" if output.table else "any table"
            notes.append(Note("SC616", f"output {output.alias} ingests directly with the mapping {name}, which no "
                              f"DatabaseSchema.kql of the workspace creates on {place}: direct ingestion without it "
                              "fails; create the mapping (`.create table ... ingestion json mapping`), or fix the "
                              "name", where))
        elif output.table and len(found) == 1 and found[0][1].columns is not None:
            notes += _unmapped_columns(output, found[0][1], scripts, where)
    return notes


def _unmapped_columns(output: Output, mapping: _Mapping, scripts: tuple[Script, ...], where: Where) -> list[Note]:
    """SC619: the columns `mapping` fills that the output's table, as the scripts define it, lacks."""
    from schemacheck.kusto.kind import script_tables

    assert output.table is not None and mapping.columns is not None
    table = None
    for script in scripts:
        if output.database and script.database and script.database.lower() != output.database.lower():
            continue
        try:
            tables = script_tables(script)
        except InputError:
            return []   # the check reports the script
        table = next((t for t in tables if t.name == output.table), table)
    if table is None:
        return []   # no such table: the check reports SC501
    have = {c.name for c in table.columns}
    notes = []
    for column, datatype in mapping.columns:
        if column in have:
            continue
        then = (f"the first queued ingestion adds it as {datatype}" if datatype else
                "it gives no datatype, so no ingestion can add it")
        notes.append(Note("SC619", f"output {output.alias}: mapping {mapping.name} fills column {column}, which table "
                          f"{table.qualified_name} does not have: {then}, and ADX documents that an ingestion whose "
                          "mapping does not match the table fails; add the column to the table or fix the mapping",
                          where))
    return notes


# ---- the KQL databases of the workspace ------------------------------------------------------
class Database:
    """A KQL database folder of the workspace: its name (the folder's, without .KQLDatabase),
    its DatabaseSchema.kql as a Script bound to that name (None without one), and the ids
    its files carry: its `.platform` logicalId, its Eventhouse's, and DatabaseProperties.json's
    parentEventhouseItemId."""

    __slots__ = ("name", "folder", "script", "ids")

    def __init__(self, name: str, folder: str, script: Script | None, ids: frozenset[str]) -> None:
        self.name, self.folder, self.script, self.ids = name, folder, script, ids


def kql_databases(workspace: str) -> list[Database]:
    """Every KQL database folder of the workspace folder or a few levels below (`.children`
    of an Eventhouse included), in path order."""
    from schemacheck.files import read_text_file

    found: list[Database] = []
    for database, eventhouse in _kql_databases(workspace, _DEPTH):
        names = sorted(os.listdir(database))
        schema = next((os.path.join(database, n) for n in names if n.lower() == SCHEMA_FILE), None)
        name = os.path.basename(database)[:-len(KQL_DATABASE_SUFFIX)]
        script = None
        if schema is not None and os.path.isfile(schema):
            try:
                script = Script("adx", read_text_file(schema, "KQL database schema"), schema, database=name)
            except InputError:
                script = None
        ids = {_logical_id(database), _logical_id(eventhouse) if eventhouse else None,
               _json_text(os.path.join(database, "DatabaseProperties.json"), "parentEventhouseItemId")}
        found.append(Database(name, database, script, frozenset(i.lower() for i in ids if i)))
    return found


def _json_text(path: str, *keys: str) -> str | None:
    """The text value at `keys` of a small JSON file, None when it is not there (never raises)."""
    if not os.path.isfile(path):
        return None
    try:
        value = load_json(path, "Fabric item file").data
    except InputError:
        return None
    for name in keys:
        value = get(value, name)
    return value if isinstance(value, str) and value else None


def _logical_id(item: str) -> str | None:
    return _json_text(os.path.join(item, ".platform"), "config", "logicalId")


def _kql_databases(folder: str, depth: int, eventhouse: str | None = None) -> list[tuple[str, str | None]]:
    """(KQL database folder, its Eventhouse folder or None) below `folder`."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    found: list[tuple[str, str | None]] = []
    for name in names:
        child = os.path.join(folder, name)
        if not os.path.isdir(child):
            continue
        lowered = name.lower()
        if lowered.endswith(KQL_DATABASE_SUFFIX):
            found.append((child, eventhouse))
        elif lowered.endswith(EVENTHOUSE_SUFFIX):
            found.extend(_kql_databases(os.path.join(child, ".children"), 0, child))
        elif depth and not name.startswith(".") and not lowered.endswith(EVENTSTREAM_SUFFIX):
            found.extend(_kql_databases(child, depth - 1))
    return found


def _bound(outputs: list[Output], databases: list[Database], notes: list[Note]
           ) -> tuple[list[Output], tuple[Script, ...]]:
    """The outputs with the database their destination's itemId identifies (a DirectIngestion
    destination names no database), and the job's scripts: one per database name, the one
    whose ids hold a destination's itemId when several KQL databases of the workspace have that
    name (SC618 when none or several do, naming the one used)."""
    def item_id(output: Output) -> str | None:
        found = output.setting("itemId")
        return str(found.value).lower() if found is not None and output.kind == "adx" else None

    bound = []
    for output in outputs:
        wanted = item_id(output)
        named = {d.name for d in databases if wanted and wanted in d.ids}
        if output.database is None and len(named) == 1:
            output = output._replace(database=next(iter(named)))
        bound.append(output)
    by_name: dict[str, list[Database]] = {}
    for database in databases:
        if database.script is not None:
            by_name.setdefault(database.name.lower(), []).append(database)
    scripts = []
    for name, candidates in by_name.items():
        writers = [o for o in bound if o.kind == "adx" and (o.database or "").lower() == name]
        chosen = candidates
        if len(candidates) > 1:
            ids = {item_id(o) for o in writers} - {None}
            chosen = [d for d in candidates if d.ids & ids] or candidates
            if len(chosen) > 1 and writers:
                places = ", ".join(d.folder for d in chosen)
                notes.append(Note("SC618", f"output {writers[0].alias} writes to database {writers[0].database}, "
                                  f"which {len(chosen)} KQL databases of the workspace are named ({places}), and "
                                  "its itemId matches the .platform logicalId or parentEventhouseItemId of "
                                  f"{'none' if len(chosen) == len(candidates) else 'several'} of them: the tables "
                                  f"of {chosen[0].folder} are used", writers[0].where or Where(chosen[0].folder)))
        scripts.append(chosen[0].script)
    return bound, tuple(s for s in scripts if s is not None)
