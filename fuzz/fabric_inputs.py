"""The `fabric` kind of fuzz/run.py: Microsoft Fabric workspaces in git (Eventstream folders
and the KQL databases of an Eventhouse) with one to three files mutated, into
`schemacheck check|infer|suggest PATH --debug` (tests/support/fuzzing.py's run_job).

Seeds (`fabric_seeds`): the fixture workspace tests/fixtures/fabric/workspace whole, and each
of its Eventstreams alone beside the Eventhouse; the Eventstream rules' examples (SC613-SC616);
and our own Eventstream, OWN_OPERATORS, with an operator of every documented type (Filter,
ManageFields with Rename, Cast and FunctionCall columns, Aggregate, GroupBy, Union, Expand,
Join, SQL) between its SQL operators and its destinations.

Mutations (`fabric_input`, with a chooser of tests/support/fuzzing.py):

- eventstream.json as a document (`mutate_topology`): the structural mutations of
  fuzzing.mutate_json, and targeted ones: a value of the wrong JSON type (or the key dropped)
  for a node list, a node, its name, type, properties or inputNodes (or an entry of them), a
  SQL operator's query, compatibilityLevel; inputNodes that make cycles (a node its own input,
  two nodes each other's, a ring, a SQL operator fed by its own destination, long chains and
  densely linked operators); huge and odd names, renamed with or without their references,
  duplicate and case-variant names; operators of every type inserted (between a SQL operator
  and its destination, or anywhere) with mutated properties, ManageFields `properties.columns`
  entries of type Rename, Cast and FunctionCall with a mutated `column`, `alias`,
  `targetDataType`, `functionName` or `arguments`; the query mutated as text or rewritten to
  write INTO the nodes downstream. Operators take the shapes of both of Microsoft's examples:
  the REST spec's (eventstream/examples/GetEventstreamTopology.json of
  microsoft/fabric-rest-api-specs: `aggregationFunction`, plain FunctionCall arguments, Expand's
  `column` a list) and the definition template's ("API Templates/eventstream-definition.json" of
  microsoft/fabric-event-streams: `aggregateFunction`, arguments with an `expressionType` of
  Literal or ColumnReference, Expand's `column` one reference);
- eventstream.json as text, as bytes, emptied, deleted, renamed (the reader then looks for
  another JSON file with a topology), made a folder, or joined by a second topology file;
- `.platform` (displayName odd, of the wrong type, with `_` or `.`) and DatabaseProperties.json
  as JSON, text or bytes;
- DatabaseSchema.kql as text (Kusto words), with ingestion mappings of odd names added,
  replaced by a generated script, as bytes, emptied, deleted or renamed in another case;
- the layout: an Eventstream or KQL database folder renamed (odd names, other letter case), a
  database moved out of `.children`, the workspace nested deeper, an Eventstream copied, the
  Eventhouse removed, a second database of the same name.

The property is fuzzing.check_outcome's, as for the other job kinds: the command answers
(exit code 0 or 1) or refuses the input with our own error (exit code 2), within the time
limit, with no internal name in its messages; anything else is a crash.
"""

from __future__ import annotations

import json
import posixpath

import support.fuzzing as F
from conftest import FIXTURES

WORKSPACE = FIXTURES / "fabric" / "workspace"

TOPOLOGY_KEYS = ("sources", "destinations", "operators", "streams")
OPERATOR_TYPES = ("Filter", "ManageFields", "Aggregate", "GroupBy", "Union", "Expand", "Join", "SQL")
COLUMN_TYPES = ("Rename", "Cast", "FunctionCall")
DESTINATION_TYPES = ("Eventhouse", "Lakehouse", "Activator", "CustomEndpoint", "Notebook")
STREAM_TYPES = ("DefaultStream", "DerivedStream")
# Data types as Eventstream spells them (inputSchemas, Cast, a Filter's value), and some it does not.
DATA_TYPES = ("Nvarchar(max)", "BigInt", "Float", "DateTime", "Bit", "Record", "Array", "nvarchar(max)", "bigint",
              "float", "datetime", "Int", "String", "Varchar(10)", "Decimal(18,2)", "", " BigInt", "NAME", "LPAR",
              "Nvarchar(", "Array<BigInt>", "record")
FUNCTION_NAMES = ("CharIndex", "Concat", "Len", "Lower", "Upper", "Substring", "Replace", "Trim", "DateDiff",
                  "DatePart", "DateAdd", "Abs", "Round", "Floor", "Ceiling", "Power", "Cast", "TryCast",
                  "GetRecordPropertyValue", "GetArrayElement", "System.Timestamp", "udf.f", "", "NoSuchFunction",
                  "SUBSTRING", "lower", "COUNT", "[Len]", "Len(", "__ANON_0")
AGGREGATION_FUNCTIONS = ("Average", "Sum", "Min", "Max", "Count", "Median", "Percentile", "StandardDeviation",
                         "Variance", "", "avg", "NoSuch")
WINDOW_TYPES = ("Tumbling", "Hopping", "Sliding", "Session", "Snapshot", "", "tumbling", "NoSuch")
# A FunctionCall argument's or a column reference's expressionType (the definition template's).
EXPRESSION_TYPES = ("ColumnReference", "Literal", "columnreference", "FunctionCall", "", None, 1)
UNITS = ("Second", "Minute", "Hour", "Day", "Millisecond", "", "minute", "Fortnight")
JOIN_TYPES = ("Inner", "LeftOuter", "", "Cross", "inner")
FILTER_OPERATORS = ("Equals", "NotEquals", "GreaterThan", "LessThan", "Contains", "StartsWith", "IsNull", "", "Like")
COLUMNS = ("VehicleId", "Speed", "Lat", "Lon", "EventTime", "Km", "Payload", "DeliveredAt", "Status", "DeliveryId",
           "Latitude", "ReportedAt", "TripKm", "WindowEnd", "EventEnqueuedUtcTime")
ODD_NAMES = F.ODD_NAMES + ("a_b", "a.b", "[x]", "x]]y", '"q"', "--", "/*", "*/", "SELECT", "INTO", "FROM", "AS",
                           "System.Timestamp", "\u2028", "\ud800", "\t", "x" * 5000, "é" * 300, "名" * 40,
                           "Fleet_Telemetry", "a..b", "CON", "a/b", "a\\b")
# Values of every JSON type: what a wrong-typed field holds.
WRONG_VALUES = (None, True, False, 0, -1, 1.5, 10**30, F.HUGE_NUMBER, float("nan"), "", "x", "SQL", [], [None], [1],
                ["x"], [[]], [{}], {}, {"name": None}, {"name": 1}, {"name": "x"}, {"": ""})
LEVELS = ("1.0", "1.1", "1.2", "1.3", "2.0", "", " 1.1", "1,1", "latest", 1.1, 1, 12, None, [], {}, "1.1\n")
KEYS = TOPOLOGY_KEYS + ("name", "type", "properties", "inputNodes", "query", "compatibilityLevel", "columns",
                        "column", "columnName", "node", "columnPathSegments", "alias", "targetDataType",
                        "functionName", "arguments", "expressionType", "value", "dataType", "aggregations",
                        "aggregationFunction", "aggregateFunction", "groupBy", "window",
                        "partitionBy", "duration", "joinOn", "joinType", "left", "right", "conditions",
                        "inputSchemas", "databaseName", "tableName", "dataIngestionMode", "mappingRuleName",
                        "deltaTable", "id", "status", "advancedSettings", "ignoreMissingOrEmpty")
FABRIC_WORDS = F.JSON_WORDS + tuple(f'"{k}":' for k in KEYS) + tuple(f'"{t}"' for t in OPERATOR_TYPES) + (
    '"Eventhouse"', '"ProcessedIngestion"', '"DirectIngestion"', '"DefaultStream"', '"Rename"', '"Cast"',
    '"FunctionCall"', '{"name": "route"}', '[{"name": "', "INTO [", "FROM [", "]]", "\\u2028", "\\ud800", "_", ".")
KQL_WORDS = F.KUSTO_WORDS + ("ingestion json mapping 'm' '[]'", ".create-or-alter", "mapping", "'",
                             "\n.create-merge table Positions (x:string)\n", "DatabaseSchema",
                             "RawTelemetryJsonMapping")
# Other names of the topology file: the git integration page's, another case, any JSON file.
TOPOLOGY_NAMES = ("EventstreamProperties.json", "eventstreamProperties.json", "EVENTSTREAM.JSON", "topology.json",
                  "a.json")
PLATFORM_KEYS = ("$schema", "metadata", "type", "displayName", "config", "version", "logicalId", "description")


# ---- seeds ---------------------------------------------------------------------------------------

def _column(node, name: str) -> dict:
    return {"node": node, "columnName": name, "columnPathSegments": []}


def _operator(name: str, kind: str, inputs, properties: dict) -> dict:
    return {"name": name, "type": kind, "inputNodes": [{"name": i} for i in inputs], "properties": properties}


def _destination(name: str, table: str, feed: str) -> dict:
    return {"name": name, "type": "Eventhouse", "inputNodes": [{"name": feed}],
            "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "fleet", "tableName": table,
                           "workspaceId": "0b1e6c2a-5d3f-4e8a-9c7b-1a2b3c4d5e6f",
                           "itemId": "3c1f0a52-6d8e-4b7a-9e21-5f4d3c2b1a02"}}


_DURATION = {"value": 5, "unit": "Minute"}
_OWN_TOPOLOGY = {
    "sources": [{"name": "hub", "type": "AzureEventHub", "properties": {"consumerGroupName": "$Default"}}],
    "streams": [
        {"name": "Ops-stream", "type": "DefaultStream", "properties": {}, "inputNodes": [{"name": "hub"}]},
        {"name": "ops-out", "type": "DerivedStream", "properties": {}, "inputNodes": [{"name": "merged"}]},
    ],
    "operators": [
        _operator("shape", "SQL", ["Ops-stream"], {"query": (
            "SELECT VehicleId, CAST(Speed AS float) AS Speed, CAST(Lat AS float) AS Latitude,\n"
            "    CAST(EventTime AS datetime) AS ReportedAt\nINTO [positions]\nFROM [Ops-stream]\n\n"
            "SELECT VehicleId, CAST(Km AS float) AS Km, System.Timestamp() AS WindowEnd\nINTO [trips]\n"
            "FROM [Ops-stream]\n\nSELECT * INTO [ops-out] FROM [Ops-stream]\n")}),
        _operator("fast", "Filter", ["shape"], {"conditions": [
            {"column": _column(None, "Speed"), "operatorType": "GreaterThan",
             "value": {"dataType": "Float", "value": "90"}}]}),
        _operator("fields", "ManageFields", ["fast"], {"columns": [
            {"type": "Rename", "properties": {"column": _column(None, "Km"), "alias": "TripKm"}},
            {"type": "Cast", "properties": {"targetDataType": "BigInt", "column": _column("shape", "Speed")},
             "alias": "Speed"},
            {"type": "FunctionCall", "properties": {"functionName": "Lower", "arguments": [_column(None, "VehicleId")]},
             "alias": "VehicleId"},
            {"type": "FunctionCall", "properties": {"functionName": "CharIndex",
                                                    "arguments": ["a", _column("shape", "VehicleId"), 1]},
             "alias": "indexOf"},
            {"type": "FunctionCall", "properties": {"functionName": "Upper", "arguments": [
                {"expressionType": "ColumnReference", "node": None, "columnName": "Status", "columnPathSegments": []}]},
             "alias": "Status"},
            {"type": "FunctionCall", "properties": {"functionName": "CharIndex", "arguments": [
                {"expressionType": "Literal", "dataType": "Nvarchar(max)", "value": "a"},
                {"expressionType": "ColumnReference", "node": None, "columnName": "VehicleId"},
                {"expressionType": "Literal", "dataType": "BigInt", "value": "1"}]},
             "alias": "At"}]}),
        _operator("per-vehicle", "GroupBy", ["fields"], {
            "aggregations": [{"aggregationFunction": "Sum", "column": _column(None, "TripKm"), "alias": "TripKm"},
                             {"aggregateFunction": "Average", "column": _column(None, "Speed"), "alias": "AvgSpeed"}],
            "groupBy": [_column(None, "VehicleId")],
            "window": {"type": "Tumbling", "properties": {"duration": _DURATION,
                                                          "offset": {"value": 0, "unit": "Minute"}}}}),
        _operator("average", "Aggregate", ["shape"], {"aggregations": [
            {"aggregationFunction": "Average", "column": _column(None, "Speed"), "alias": "AvgSpeed",
             "partitionBy": [_column(None, "VehicleId")], "duration": _DURATION}]}),
        _operator("joined", "Join", ["average", "per-vehicle"], {
            "joinType": "Inner",
            "joinOn": [{"left": _column("average", "VehicleId"), "right": _column("per-vehicle", "VehicleId")}],
            "duration": {"value": 1, "unit": "Minute"}}),
        _operator("expanded", "Expand", ["shape"], {"column": [_column(None, "Payload")],
                                                    "ignoreMissingOrEmpty": True}),
        _operator("merged", "Union", ["joined", "expanded"], {}),
    ],
    "destinations": [
        _destination("positions", "Positions", "fast"),
        _destination("trips", "TripSummaries", "per-vehicle"),
        {"name": "lake", "type": "Lakehouse", "inputNodes": [{"name": "merged"}],
         "properties": {"workspaceId": "w", "itemId": "i", "schema": "dbo", "deltaTable": "ops",
                        "minimumRows": 100000, "maximumDurationInSeconds": 120}},
        {"name": "alerts", "type": "Activator", "inputNodes": [{"name": "shape"}], "properties": {}},
    ],
    "compatibilityLevel": "1.2",
}


def _platform(name: str) -> str:
    return json.dumps({"$schema": "https://developer.microsoft.com/json-schemas/fabric/gitIntegration/"
                                  "platformProperties/2.0.0/schema.json",
                       "metadata": {"type": "Eventstream", "displayName": name},
                       "config": {"version": "2.0", "logicalId": "8a4e2f10-1c3b-4d5e-9f60-7a8b9c0d1e09"}}, indent=2)


def fabric_seeds() -> list[dict[str, str]]:
    """Fabric workspaces as {relative path: text}: the fixture workspace whole and each of its
    Eventstreams alone with the Eventhouse (read in place), our own Eventstream with an
    operator of every type, and the Eventstream rules' examples."""
    from schemacheck import docgen
    from schemacheck.diagnostics import RULES

    seeds = []
    workspace = F._tree(WORKSPACE) if WORKSPACE.is_dir() else {}
    eventhouse = {n: t for n, t in workspace.items() if not n.split("/", 1)[0].lower().endswith(".eventstream")}
    if workspace:
        seeds.append(workspace)
        streams = sorted({n.split("/", 1)[0] for n in workspace} - {n.split("/", 1)[0] for n in eventhouse})
        for stream in streams:
            seeds.append({**{n: t for n, t in workspace.items() if n.startswith(stream + "/")}, **eventhouse})
    seeds.append({"Ops.Eventstream/eventstream.json": json.dumps(_OWN_TOPOLOGY, indent=2),
                  "Ops.Eventstream/.platform": _platform("Ops"), **eventhouse})
    for _code, rule in sorted(RULES.items()):
        files = docgen.example_files(rule)
        if any(".eventstream/" in name.lower() for name in files):
            seeds.append(files)
    return seeds


# ---- values --------------------------------------------------------------------------------------

def odd_name(ch, pool=()) -> str:
    """A name from `pool` (the names at hand), now and then one that is not what names look like."""
    if pool and ch.coin(0.6):
        return ch.pick(pool)
    if ch.coin(0.3):
        return ch.pick(COLUMNS)
    return ch.pick(ODD_NAMES) if ch.coin(0.8) else ch.text(12)


def wrong_value(ch, current=None):
    """A value of another JSON type than `current` (or anything, now and then)."""
    for _ in range(4):
        value = ch.pick(WRONG_VALUES) if ch.coin(0.8) else F.random_json(ch, 2, FABRIC_WORDS)
        if type(value) is not type(current):
            return value
    return value


def column_ref(ch, nodes=(), columns=COLUMNS):
    """A column reference ({node, columnName, columnPathSegments}), mostly well-formed."""
    ref = {"node": ch.pick(list(nodes) + [None]) if nodes and ch.coin(0.5) else None,
           "columnName": ch.pick(columns) if ch.coin(0.85) else odd_name(ch)}
    if ch.coin(0.6):
        ref["columnPathSegments"] = [odd_name(ch, columns) for _ in range(ch.int(0, 2))]
    if ch.coin(0.4):   # as Microsoft's definition template writes it
        ref["expressionType"] = ch.pick(EXPRESSION_TYPES[:1] * 4 + EXPRESSION_TYPES)
        if ch.coin(0.3):
            ref["columnPath"] = None
    if ch.coin(0.15):
        field = ch.pick(("node", "columnName", "columnPathSegments"))
        if ch.coin(0.3):
            ref.pop(field, None)
        else:
            ref[field] = wrong_value(ch, ref.get(field))
    if ch.coin(0.05):
        return wrong_value(ch, ref)
    return ref


def _duration(ch):
    if ch.coin(0.85):
        return {"value": ch.pick((1, 5, 0, -1, 10**9, 1.5, "5", None)), "unit": ch.pick(UNITS)}
    return wrong_value(ch, {})


def manage_fields_column(ch, nodes=(), columns=COLUMNS) -> dict:
    """A ManageFields `properties.columns` entry: Rename, Cast or FunctionCall (or another
    type), its alias inside its properties (as the fixture has it) or beside them (as the REST
    spec's example); then, now and then, one of column, alias, targetDataType, functionName
    or arguments mutated, dropped, or given the wrong type."""
    kind = ch.pick(COLUMN_TYPES) if ch.coin(0.9) else ch.pick(("", "rename", "Drop", "Add", None, 1))
    alias = odd_name(ch, columns)
    if kind == "Cast" or (kind not in COLUMN_TYPES and ch.coin()):
        properties = {"targetDataType": ch.pick(DATA_TYPES), "column": column_ref(ch, nodes, columns)}
    elif kind == "FunctionCall":
        arguments = [_argument(ch, nodes, columns) for _ in range(ch.int(0, 4))]
        properties = {"functionName": ch.pick(FUNCTION_NAMES), "arguments": arguments}
    else:
        properties = {"column": column_ref(ch, nodes, columns)}
    entry = {"type": kind, "properties": properties}
    if kind == "Rename" and ch.coin(0.7):
        properties["alias"] = alias
    else:
        entry["alias"] = alias
    if ch.coin(0.4):
        _mutate_column_entry(ch, entry, nodes, columns)
    return entry


def _argument(ch, nodes=(), columns=COLUMNS):
    """A FunctionCall argument: a plain value or a column reference (the REST spec's
    example), or an expression object with expressionType Literal or ColumnReference (the
    definition template's)."""
    pick = ch.below(10)
    if pick < 3:
        return ch.pick(("a", 1, 0, -1, 2.5, None, True, "", [column_ref(ch, nodes, columns)], {}))
    if pick < 5:
        return column_ref(ch, nodes, columns)
    if pick < 7:
        return {"expressionType": "Literal", "dataType": ch.pick(DATA_TYPES), "value": ch.pick(("aaa", "1", 1, None))}
    argument = {"expressionType": ch.pick(EXPRESSION_TYPES[:1] * 6 + EXPRESSION_TYPES)}
    reference = column_ref(ch, nodes, columns)
    return {**argument, **reference} if isinstance(reference, dict) else argument


def _mutate_column_entry(ch, entry: dict, nodes=(), columns=COLUMNS) -> None:
    """One field of a ManageFields column entry (in place): mutated, dropped or of the wrong type."""
    properties = entry.get("properties")
    if not isinstance(properties, dict):
        entry["properties"] = properties = {}
    field = ch.pick(("column", "alias", "targetDataType", "functionName", "arguments", "type", "properties"))
    holder = entry if field in ("type", "properties") or (field == "alias" and "alias" in entry) else properties
    how = ch.pick(("wrong", "odd", "drop", "other"))
    if field == "properties":
        entry["properties"] = wrong_value(ch, properties)
    elif how == "drop":
        holder.pop(field, None)
    elif how == "wrong":
        holder[field] = wrong_value(ch, holder.get(field))
    elif field == "column":
        holder[field] = column_ref(ch, nodes, columns) if how == "other" else \
            {"node": odd_name(ch, nodes), "columnName": odd_name(ch), "columnPathSegments": [odd_name(ch)] * 3}
    elif field == "arguments":
        holder[field] = [ch.pick((_argument(ch, nodes, columns), _argument(ch, nodes, columns), odd_name(ch),
                                  F.HUGE_NUMBER, None, [[[]]])) for _ in range(ch.pick((0, 1, 3, 50)))]
    elif field == "targetDataType":
        holder[field] = ch.pick(DATA_TYPES) if how == "other" else odd_name(ch)
    elif field == "functionName":
        holder[field] = ch.pick(FUNCTION_NAMES) if how == "other" else odd_name(ch)
    elif field == "type":
        holder[field] = ch.pick(COLUMN_TYPES + ("", "RENAME", "cast", "Function Call"))
    else:   # alias: another column's name, an odd one, or moved to the other place
        if how == "other":
            value = holder.pop("alias", None)
            (properties if holder is entry else entry)["alias"] = value
        else:
            holder[field] = odd_name(ch, columns)


def _bracket(ch, name: str) -> str:
    if name.replace("_", "a").isalnum() and name.isascii() and not name[:1].isdigit() and ch.coin(0.3):
        return name
    if ch.coin(0.1):
        return '"' + name.replace('"', '""') + '"'
    return "[" + name.replace("]", "]]") + "]"


_ITEMS = ("VehicleId", "CAST(Speed AS float) AS Speed", "CAST(Lat AS float) AS Latitude", "System.Timestamp() AS T",
          "COUNT(*) AS n", "*", "AVG(CAST(Speed AS float)) AS AvgSpeed", "Payload", "Km AS TripKm",
          "CAST(EventTime AS datetime) AS ReportedAt", "GetRecordPropertyValue(Payload, 'a') AS a", "udf.f(x) AS y",
          "'text' AS Status", "1.5 AS Score", "CAST(VehicleId AS bigint) AS VehicleId")


def sql_query(ch, inputs, outputs) -> str:
    """A query of statements that read FROM `inputs` and write INTO `outputs` (names of the
    topology's nodes), bracketed or not; mutated as text now and then."""
    statements = []
    for output in (list(outputs) or ["out"])[:4]:
        items = ", ".join(ch.pick(_ITEMS) for _ in range(ch.int(1, 4)))
        source = _bracket(ch, ch.pick(list(inputs) or ["in"]))
        tail = ch.pick(("", "", "\nWHERE Speed > 90", "\nGROUP BY VehicleId, TumblingWindow(minute, 5)"))
        statements.append(f"SELECT {items}\nINTO {_bracket(ch, output)}\nFROM {source}{tail}\n")
    text = "\n".join(statements)
    if ch.coin(0.2):
        text = f"WITH step AS (SELECT * FROM {_bracket(ch, ch.pick(list(inputs) or ['in']))})\n" + \
            text.replace("FROM ", "FROM step -- ", 1)
    if ch.coin(0.3):
        text = F.mutate_text_times(ch, text, F.QUERY_WORDS, 2)
    return text


def operator_properties(ch, kind, nodes=(), columns=COLUMNS, inputs=(), outputs=()):
    """The properties of an operator of type `kind`, as the REST spec's example shows them,
    with odd values now and then."""
    def refs(most=2):
        return [column_ref(ch, nodes, columns) for _ in range(ch.int(0, most))]

    if kind == "Filter":
        properties = {"conditions": [{"column": column_ref(ch, nodes, columns),
                                      ch.pick(("operatorType", "operator")): ch.pick(FILTER_OPERATORS),
                                      "value": {"dataType": ch.pick(DATA_TYPES), "value": ch.pick(("", "1", 1, None))}}
                                     for _ in range(ch.int(0, 2))]}
    elif kind == "ManageFields":
        properties = {"columns": [manage_fields_column(ch, nodes, columns) for _ in range(ch.int(0, 4))]}
    elif kind in ("Aggregate", "GroupBy"):
        # aggregationFunction (the REST spec's example) or aggregateFunction (the definition template's)
        aggregations = [{ch.pick(("aggregationFunction", "aggregateFunction")): ch.pick(AGGREGATION_FUNCTIONS),
                         "column": column_ref(ch, nodes, columns), "alias": odd_name(ch, columns)}
                        for _ in range(ch.int(0, 3))]
        if kind == "Aggregate":
            for aggregation in aggregations:
                aggregation["partitionBy"] = refs()
                aggregation["duration"] = _duration(ch)
            properties = {"aggregations": aggregations}
        else:
            properties = {"aggregations": aggregations, "groupBy": refs(3),
                          "window": {"type": ch.pick(WINDOW_TYPES),
                                     "properties": {"duration": _duration(ch), "offset": _duration(ch)}}}
    elif kind == "Union":
        properties = {}
    elif kind == "Expand":
        properties = {"column": refs() if ch.coin() else column_ref(ch, nodes, columns),   # spec: a list; template: one
                      "ignoreMissingOrEmpty": ch.pick((True, False, "yes", None))}
    elif kind == "Join":
        properties = {"joinType": ch.pick(JOIN_TYPES),
                      "joinOn": [{"left": column_ref(ch, nodes, columns), "right": column_ref(ch, nodes, columns)}
                                 for _ in range(ch.int(0, 2))],
                      "duration": _duration(ch)}
    else:   # SQL, or a type of no meaning
        properties = {"query": sql_query(ch, inputs, outputs)}
    if ch.coin(0.2):
        properties = F.mutate_json(ch, properties, KEYS, FABRIC_WORDS, FABRIC_WORDS)
    return properties


# ---- eventstream.json as a document --------------------------------------------------------------

def _groups(document: dict) -> dict[str, list]:
    """Topology key as spelled -> its list of nodes (the lists there are)."""
    found: dict = {}
    for name, value in document.items():
        if isinstance(name, str) and name.lower() in TOPOLOGY_KEYS and isinstance(value, list):
            found.setdefault(name.lower(), (name, value))
    return found


def _nodes(document: dict, group: str | None = None) -> list[tuple[tuple, dict]]:
    """(path, node) of every node (a JSON object in a topology list), or those of `group`."""
    out = []
    for lowered, (name, nodes) in _groups(document).items():
        if group is None or lowered == group:
            out.extend(((name, i), node) for i, node in enumerate(nodes) if isinstance(node, dict))
    return out


def _name(node: dict) -> str:
    name = node.get("name")
    return name if isinstance(name, str) else ""


def _type(node: dict) -> str:
    kind = node.get("type")
    return kind.lower() if isinstance(kind, str) else ""


def _names(document: dict) -> list[str]:
    return [n for n in (_name(node) for _path, node in _nodes(document)) if n]


def _get(document, path):
    for part in path:
        document = document[part]
    return document


def _set(document, path, name: str, value):
    """`document` with the object at `path` holding `value` at `name` (whether it had one or not)."""
    return F._replace_at(document, path, {**_get(document, path), name: value})


def _delete_at(document, path):
    parent = _get(document, path[:-1])
    if isinstance(parent, dict):
        copy = {k: v for k, v in parent.items() if k != path[-1]}
    else:
        copy = parent[:path[-1]] + parent[path[-1] + 1:]
    return F._replace_at(document, path[:-1], copy)


def _append(document, group: str, node: dict):
    groups = _groups(document)
    if group in groups:
        name, nodes = groups[group]
        return {**document, name: nodes + [node]}
    return {**document, group: [node]}


def _with_inputs(node: dict, names, keep: bool) -> dict:
    listed = node.get("inputNodes")
    listed = list(listed) if keep and isinstance(listed, list) else []
    return {**node, "inputNodes": listed + [{"name": n} for n in names]}


def _sql_operators(document) -> list[tuple[tuple, dict]]:
    return [(p, n) for p, n in _nodes(document, "operators") if _type(n) == "sql"]


def _fed_by(document, name: str) -> list[tuple[tuple, dict]]:
    """The nodes whose inputNodes name `name`."""
    out = []
    for path, node in _nodes(document):
        listed = node.get("inputNodes")
        if isinstance(listed, list) and any(isinstance(i, dict) and i.get("name") == name for i in listed):
            out.append((path, node))
    return out


def _typed_paths(document) -> list[tuple]:
    """The paths whose values the targeted mutations give the wrong type or drop."""
    paths: list[tuple] = [(name,) for name, _nodes in _groups(document).values()]
    if "compatibilityLevel" in document:
        paths.append(("compatibilityLevel",))
    for path, node in _nodes(document):
        paths.append(path)
        paths.extend(path + (k,) for k in ("name", "type", "properties", "inputNodes") if k in node)
        listed = node.get("inputNodes")
        if isinstance(listed, list):
            for i, entry in enumerate(listed):
                paths.append(path + ("inputNodes", i))
                if isinstance(entry, dict) and "name" in entry:
                    paths.append(path + ("inputNodes", i, "name"))
        properties = node.get("properties")
        if isinstance(properties, dict):
            paths.extend(path + ("properties", k) for k in properties)
            columns = properties.get("columns")
            if isinstance(columns, list):
                for i, entry in enumerate(columns):
                    paths.append(path + ("properties", "columns", i))
                    if isinstance(entry, dict):
                        paths.extend(path + ("properties", "columns", i, k) for k in entry)
                        if isinstance(entry.get("properties"), dict):
                            paths.extend(path + ("properties", "columns", i, "properties", k)
                                         for k in entry["properties"])
    return paths


TOPOLOGY_MUTATIONS = ("json", "json", "wrong-type", "wrong-type", "drop", "cycle", "cycle", "name", "name",
                      "operator", "operator", "manage-fields", "manage-fields", "manage-fields", "query", "query",
                      "level", "duplicate")


def mutate_topology(ch, document):
    """One mutation of a parsed eventstream.json (see the module doc)."""
    how = ch.pick(TOPOLOGY_MUTATIONS)
    if not isinstance(document, dict) or how == "json":
        return F.mutate_json(ch, document, KEYS, FABRIC_WORDS, FABRIC_WORDS + F.QUERY_WORDS[-20:])
    if how in ("wrong-type", "drop"):
        paths = _typed_paths(document)
        if not paths:
            return F.mutate_json(ch, document, KEYS, FABRIC_WORDS, FABRIC_WORDS)
        path = ch.pick(paths)
        if how == "drop":
            return _delete_at(document, path)
        return F._replace_at(document, path, wrong_value(ch, _get(document, path)))
    if how == "level":
        return {**document, ch.pick(("compatibilityLevel", "CompatibilityLevel")): ch.pick(LEVELS)}
    if how == "cycle":
        return _cycle(ch, document)
    if how == "name":
        return _rename(ch, document)
    if how == "operator":
        return _insert_operator(ch, document, ch.pick(OPERATOR_TYPES) if ch.coin(0.9) else odd_name(ch))
    if how == "manage-fields":
        return _manage_fields(ch, document)
    if how == "query":
        return _query(ch, document)
    # duplicate: a node again in its list, or in another list (a destination that is also a stream)
    nodes = _nodes(document)
    if not nodes:
        return F.mutate_json(ch, document, KEYS, FABRIC_WORDS, FABRIC_WORDS)
    path, node = ch.pick(nodes)
    return _append(document, path[0].lower() if ch.coin() else ch.pick(TOPOLOGY_KEYS), dict(node))


def _cycle(ch, document):
    """inputNodes that go round: a node its own input, two nodes each other's, a ring, a SQL
    operator fed by its own destination; or long chains and densely linked operators."""
    nodes = _nodes(document)
    named = [(p, n) for p, n in nodes if _name(n)]
    kind = ch.pick(("self", "pair", "ring", "sql-loop", "chain", "dense"))
    if kind in ("chain", "dense"):
        sqls = _sql_operators(document)
        start = _name(ch.pick(sqls)[1]) if sqls and ch.coin(0.8) else (_name(ch.pick(named)[1]) if named else "x")
        count = ch.pick((3, 10, 50, 200)) if kind == "chain" else ch.pick((5, 20, 40))
        names = [f"op{i}" for i in range(count)]
        operators = []
        for i, name in enumerate(names):
            kind_of = ch.pick(OPERATOR_TYPES) if ch.coin(0.3) else ch.pick(("Filter", "ManageFields"))
            inputs = [start if i == 0 else names[i - 1]] if kind == "chain" else [start] + names
            operators.append(_operator(name, kind_of, inputs,
                                       {} if ch.coin(0.7) else operator_properties(ch, kind_of, names)))
        if kind == "chain" and ch.coin(0.3):   # and back to the start
            operators[0]["inputNodes"].append({"name": names[-1]})
        for operator in operators:
            document = _append(document, "operators", operator)
        targets = [(p, n) for p, n in _nodes(document) if p[0].lower() in ("destinations", "streams")]
        if targets:   # a destination now fed by the last operator (the chain between)
            path, node = ch.pick(targets)
            document = F._replace_at(document, path, _with_inputs(node, [names[-1]], ch.coin(0.3)))
        return document
    if not named:
        return F.mutate_json(ch, document, KEYS, FABRIC_WORDS, FABRIC_WORDS)
    if kind == "self":
        path, node = ch.pick(named)
        return F._replace_at(document, path, _with_inputs(node, [_name(node)], ch.coin(0.7)))
    if kind == "sql-loop":
        sqls = _sql_operators(document)
        if sqls:
            path, node = ch.pick(sqls)
            fed = _fed_by(document, _name(node))
            loop = [_name(n) for _p, n in fed] or [_name(node)]
            name = ch.pick(loop)
            if ch.coin(0.3):
                name = ch.pick((name.upper(), name.lower(), " " + name))
            return F._replace_at(document, path, _with_inputs(node, [name], ch.coin(0.8)))
        kind = "pair"
    picked = [ch.pick(named) for _ in range(2 if kind == "pair" else ch.int(3, 6))]
    for i, (path, _node) in enumerate(picked):
        following = _name(picked[(i + 1) % len(picked)][1])
        document = F._replace_at(document, path, _with_inputs(_get(document, path), [following], ch.coin(0.7)))
    return document


def _rename(ch, document):
    """A node renamed (huge, odd, another node's name, another case), its references with it
    or not; the query's INTO and FROM names too, when they are renamed with it."""
    named = [(p, n) for p, n in _nodes(document) if _name(n)]
    if not named:
        return F.mutate_json(ch, document, KEYS, FABRIC_WORDS, FABRIC_WORDS)
    path, node = ch.pick(named)
    old = _name(node)
    how = ch.pick(("odd", "odd", "case", "collide", "huge"))
    if how == "case":
        new = ch.pick((old.upper(), old.lower(), old.swapcase(), old + " ", "\ufeff" + old))
    elif how == "collide":
        new = ch.pick(_names(document))
    elif how == "huge":
        new = (ch.pick(("x", old, "]", "_", "é")) * 50000)[:ch.pick((300, 5000, 50000))]   # at most 50,000
    else:
        new = odd_name(ch)
    document = F._replace_at(document, path + ("name",), new)
    if ch.coin(0.7):   # the references too: inputNodes and the queries' names
        for ref_path, ref in _fed_by(document, old):
            listed = [({**i, "name": new} if isinstance(i, dict) and i.get("name") == old else i)
                      for i in ref["inputNodes"]]
            document = F._replace_at(document, ref_path + ("inputNodes",), listed)
        for sql_path, sql in _sql_operators(document):
            properties = sql.get("properties")
            query = properties.get("query") if isinstance(properties, dict) else None
            if isinstance(query, str):
                document = F._replace_at(document, sql_path + ("properties", "query"),
                                         query.replace(f"[{old}]", "[" + new.replace("]", "]]") + "]"))
    return document


def _insert_operator(ch, document, kind):
    """An operator of `kind` with (mutated) properties: between a SQL operator and a node it
    feeds (that node now fed by the new one), downstream of any node, or fed by nothing."""
    names = _names(document)
    sqls = _sql_operators(document)
    name = odd_name(ch, ("inserted", "fields", "agg", "grouped", "u", "j", "x")) if ch.coin(0.3) else \
        f"inserted-{kind}"
    where = ch.pick(("between", "between", "between", "below", "alone"))
    upstream = []
    if where == "between" and sqls:
        _path, sql = ch.pick(sqls)
        upstream = [_name(sql)]
        fed = _fed_by(document, _name(sql))
        if fed:
            path, node = ch.pick(fed)
            listed = [({**i, "name": name} if isinstance(i, dict) and i.get("name") == _name(sql) else i)
                      for i in node["inputNodes"]]
            document = F._replace_at(document, path + ("inputNodes",), listed)
    elif where != "alone" and names:
        upstream = [ch.pick(names) for _ in range(2 if kind in ("Join", "Union") else 1)]
    outputs = [_name(n) for _p, n in _nodes(document) if _p[0].lower() in ("destinations", "streams")]
    properties = operator_properties(ch, kind, names, COLUMNS, upstream, outputs)
    operator = _operator(name, kind, upstream, properties)
    if ch.coin(0.1):
        operator["inputSchemas"] = [{"name": ch.pick(upstream or ["x"]), "schema": {"columns": [
            {"name": ch.pick(COLUMNS), "type": ch.pick(DATA_TYPES), "fields": None, "items": None}]}}]
    return _append(document, "operators", operator)


def _manage_fields(ch, document):
    """A ManageFields operator's columns mutated (one is inserted between a SQL operator and
    its destination when there is none): entries added, mutated, dropped, duplicated, many,
    or `columns` of the wrong type."""
    found = [(p, n) for p, n in _nodes(document, "operators") if _type(n) == "managefields"]
    if not found or ch.coin(0.2):
        document = _insert_operator(ch, document, "ManageFields")
        found = [(p, n) for p, n in _nodes(document, "operators") if _type(n) == "managefields"]
    path, node = ch.pick(found)
    properties = node.get("properties")
    properties = dict(properties) if isinstance(properties, dict) else {}
    columns = properties.get("columns")
    columns = [dict(c) if isinstance(c, dict) else c for c in columns] if isinstance(columns, list) else []
    names = _names(document)
    for _ in range(ch.int(1, 3)):
        how = ch.pick(("add", "add", "field", "field", "field", "drop", "duplicate", "many", "wrong"))
        entries = [c for c in columns if isinstance(c, dict)]
        if how == "field" and entries:
            _mutate_column_entry(ch, ch.pick(entries), names)
        elif how == "drop" and columns:
            del columns[ch.below(len(columns))]
        elif how == "duplicate" and columns:
            columns.append(ch.pick(columns))
        elif how == "many":
            columns.extend(manage_fields_column(ch, names) for _ in range(ch.pick((30, 300))))
        elif how == "wrong":
            properties["columns"] = wrong_value(ch, columns)
            return _set(document, path, "properties", properties)
        else:
            columns.insert(ch.int(0, len(columns)), manage_fields_column(ch, names))
    properties["columns"] = columns
    return _set(document, path, "properties", properties)


def _query(ch, document):
    """A SQL operator's query mutated as text, rewritten to write INTO the nodes it feeds (and
    others), or of the wrong type."""
    sqls = _sql_operators(document)
    if not sqls:
        return _insert_operator(ch, document, "SQL")
    path, node = ch.pick(sqls)
    properties = node.get("properties")
    query = properties.get("query") if isinstance(properties, dict) else None
    how = ch.pick(("text", "text", "rewrite", "rewrite", "wrong"))
    if how == "text" and isinstance(query, str):
        new = F.mutate_text_times(ch, query, F.QUERY_WORDS + ("\u2028", "\\", '"', "\t", "\ud800", "é"), 3)
    elif how == "wrong":
        new = wrong_value(ch, query)
    else:
        listed = node.get("inputNodes")
        inputs = [i.get("name") for i in listed if isinstance(i, dict) and isinstance(i.get("name"), str)] \
            if isinstance(listed, list) else []
        fed = [_name(n) for _p, n in _fed_by(document, _name(node))]
        pool = fed + _names(document) + [odd_name(ch)]
        new = sql_query(ch, inputs or _names(document)[:1], [ch.pick(pool) for _ in range(ch.int(1, 3))])
    properties = dict(properties) if isinstance(properties, dict) else {}
    properties["query"] = new
    return _set(document, path, "properties", properties)


# ---- files -----------------------------------------------------------------------------------------

def _is_topology(name: str) -> bool:
    folder, _, base = name.rpartition("/")
    return base.lower().endswith(".json") and folder.lower().endswith(".eventstream")


def _mutated_topology(ch, text: str) -> str | None:
    document = F.parse_json_leniently(text)
    if document is None:
        return None
    for _ in range(ch.int(1, 3)):
        document = mutate_topology(ch, document)
    return F.dump_json(ch, document)


def _mutate_eventstream(ch, files: dict, name: str) -> None:
    text = files[name]
    folder = posixpath.dirname(name)
    how = ch.pick(("document",) * 8 + ("text", "text", "bytes", "empty", "delete", "rename", "folder", "second"))
    if isinstance(text, bytes):
        files[name] = F.mutate_bytes(ch, text)
    elif how == "document":
        files[name] = _mutated_topology(ch, text) or F.mutate_text_times(ch, text, FABRIC_WORDS, 3)
    elif how == "text":
        files[name] = F.mutate_text_times(ch, text, FABRIC_WORDS, 3)
    elif how == "bytes":
        files[name] = F.bytes_of(ch, text)
    elif how == "empty":
        files[name] = ch.pick(("", " \n", "\ufeff", "{}", "[]", "null", '{"operators": null}', '{"operators": [1]}'))
    elif how == "delete" and len(files) > 1:
        del files[name]
    elif how == "rename":   # the reader then takes another JSON file with a topology
        del files[name]
        files[f"{folder}/{ch.pick(TOPOLOGY_NAMES)}"] = text
    elif how == "folder":   # eventstream.json is a folder
        del files[name]
        files[f"{name}/eventstream.json"] = text
    else:   # a second JSON file beside it: a topology, or not
        other = _mutated_topology(ch, text) if ch.coin() else F.dump_json(ch, F.random_json(ch, 2, FABRIC_WORDS))
        files[f"{folder}/{ch.pick(('a.json', 'EventstreamProperties.json', 'zz.json'))}"] = other or text


def _mutate_platform(ch, files: dict, name: str) -> None:
    text = files[name]
    how = ch.pick(("display-name", "display-name", "display-name", "json", "text", "bytes", "empty", "delete"))
    if isinstance(text, bytes):
        files[name] = F.mutate_bytes(ch, text)
        return
    document = F.parse_json_leniently(text)
    if how == "display-name" and isinstance(document, dict):
        metadata = document.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        pick = ch.below(10)
        metadata["displayName"] = wrong_value(ch, "") if pick < 2 else \
            odd_name(ch) + ch.pick(("", "_x", ".x")) if pick < 8 else "Fleet_" + ch.text(6)
        document = {**document, "metadata": metadata if ch.coin(0.95) else wrong_value(ch, metadata)}
        files[name] = F.dump_json(ch, document)
    elif how == "json" and document is not None:
        for _ in range(ch.int(1, 2)):
            document = F.mutate_json(ch, document, PLATFORM_KEYS, FABRIC_WORDS, FABRIC_WORDS)
        files[name] = F.dump_json(ch, document)
    elif how == "bytes":
        files[name] = F.bytes_of(ch, text)
    elif how == "empty":
        files[name] = ch.pick(("", "{}", "[]", "null", '{"metadata": {}}'))
    elif how == "delete" and len(files) > 1:
        del files[name]
    else:
        files[name] = F.mutate_text_times(ch, text, FABRIC_WORDS, 2)


def _mapping_command(ch, files: dict) -> str:
    """`.create[-or-alter] table T ingestion json mapping 'M' '...'`, the names those of the
    destinations' mappingRuleName and tableName, or odd ones."""
    wanted = []
    for name, text in files.items():
        if isinstance(text, str) and _is_topology(name):
            wanted += [m for m in ("RawTelemetryJsonMapping", "RawTelemetryMapping", "mappingRuleName") if m in text]
    table = ch.pick(("RawTelemetry", "Positions", "T", "['Raw Telemetry']", '["x"]', odd_name(ch)))
    mapping = ch.pick(wanted) if wanted and ch.coin(0.6) else odd_name(ch)
    quote = ch.pick(("'", '"', "", "['"))
    verb = ch.pick((".create", ".create-or-alter", ".alter", ".CREATE"))
    form = ch.pick(("json", "csv", "avro", ""))
    body = ch.pick(("[]", '[{"column":"a","path":"$.a"}]', ""))
    return f"\n{verb} table {table} ingestion {form} mapping {quote}{mapping}{quote} '{body}'\n"


def _mutate_database_schema(ch, files: dict, name: str) -> None:
    text = files[name]
    how = ch.pick(("text", "text", "text", "mapping", "mapping", "replace", "bytes", "empty", "delete", "case"))
    if isinstance(text, bytes):
        files[name] = F.mutate_bytes(ch, text)
    elif how == "text":
        files[name] = F.mutate_text_times(ch, text, KQL_WORDS, 3)
    elif how == "mapping":
        files[name] = text + "".join(_mapping_command(ch, files) for _ in range(ch.int(1, 3)))
    elif how == "replace":
        _file, script, _spec = F.valid_schema_file(ch, "kql")
        files[name] = F.mutate_text_times(ch, script, KQL_WORDS, 2) if ch.coin(0.5) else script
    elif how == "bytes":
        files[name] = F.bytes_of(ch, text)
    elif how == "empty":
        files[name] = ch.pick(("", " \n", "\ufeff", "// KQL script\n"))
    elif how == "delete" and len(files) > 1:
        del files[name]
    else:
        del files[name]
        files[posixpath.join(posixpath.dirname(name), ch.pick(("databaseschema.KQL", "DATABASESCHEMA.kql",
                                                               "DatabaseSchema.csl")))] = text


def _move(files: dict, old: str, new: str) -> dict:
    """`files` with the folder `old` (a path prefix, no trailing /) moved to `new`."""
    return {(new + name[len(old):] if name == old or name.startswith(old + "/") else name): text
            for name, text in files.items()}


def _folder_stem(name: str) -> str:
    """`name` as a folder's name can be written: no NUL, slash or lone surrogate, not too long."""
    name = name.replace("\x00", "").replace("/", "-").encode("utf-8", "ignore").decode("utf-8")[:80]
    return name if name.strip(".") else "x" + name


def _mutate_layout(ch, files: dict) -> dict:
    """The folders: an Eventstream or a KQL database renamed, a database moved out of
    `.children`, the workspace nested, an Eventstream copied, the Eventhouse removed, a
    second database of the same name."""
    names = sorted(files)
    streams = sorted({n.rsplit("/", 1)[0] for n in names if n.rsplit("/", 1)[0].lower().endswith(".eventstream")})
    databases = sorted({n.rsplit("/", 1)[0] for n in names if n.rsplit("/", 1)[0].lower().endswith(".kqldatabase")})
    how = ch.pick(("stream-name", "database-name", "move-database", "nest", "copy", "no-eventhouse", "second-database"))
    if how == "stream-name" and streams:
        old = ch.pick(streams)
        stem = _folder_stem(ch.pick((odd_name(ch), "a_b", "a.b", ".hidden", old.rsplit("/", 1)[-1][:-12])))
        suffix = ch.pick((".Eventstream", ".eventstream", ".EVENTSTREAM", ".Eventstream ", ".Eventstreams"))
        return _move(files, old, posixpath.join(posixpath.dirname(old), stem + suffix))
    if how in ("database-name", "move-database", "second-database") and databases:
        old = ch.pick(databases)
        if how == "database-name":
            stem = _folder_stem(ch.pick((odd_name(ch), "FLEET", "Fleet", "fleet ", "db")))
            return _move(files, old, posixpath.join(posixpath.dirname(old), stem + ch.pick((".KQLDatabase",
                                                                                            ".kqldatabase"))))
        if how == "move-database":
            return _move(files, old, ch.pick(("", "sub/", "a/b/c/d/e/")) + old.rsplit("/", 1)[-1])
        copy = _move({n: t for n, t in files.items() if n.startswith(old + "/")}, old,
                     ch.pick(("Other.Eventhouse/.children/", "", "x/")) + old.rsplit("/", 1)[-1])
        for name in copy:
            if name.lower().endswith(".kql") and isinstance(copy[name], str) and ch.coin(0.7):
                copy[name] = F.mutate_text_times(ch, copy[name], KQL_WORDS, 2)
        return {**files, **copy}
    if how == "nest":
        prefix = ch.pick(("ws/", "a/b/", "a/b/c/d/e/f/"))
        return {prefix + name: text for name, text in files.items()}
    if how == "copy" and streams:
        old = ch.pick(streams)
        return {**files, **_move({n: t for n, t in files.items() if n.startswith(old + "/")}, old,
                                 ch.pick(("Copy.Eventstream", old.upper(), "sub/" + old)))}
    return {n: t for n, t in files.items() if ".eventhouse/" not in n.lower() and ".kqldatabase/" not in n.lower()} \
        or files


def _entry_points(files: dict) -> list[str]:
    """What a user (or the pre-commit hook) names on the command line for a workspace."""
    entries = set()
    for name in files:
        folder, _, base = name.rpartition("/")
        if folder.lower().endswith(".eventstream"):
            entries.update((folder, name))
        elif base.lower() == "databaseschema.kql":
            entries.add(name)
    return sorted(entries) + ["."] * 3   # the workspace most often


def fabric_input(ch, seeds) -> tuple[dict[str, bytes], list[str]]:
    """(files of a Fabric workspace folder, the command line after the program name)."""
    files: dict[str, object] = dict(ch.pick(seeds))
    for _ in range(ch.int(1, 3)):
        names = sorted(files)
        if not names:
            break
        topologies = [n for n in names if _is_topology(n)]
        pick = ch.below(100)
        if pick < 62 and topologies:
            _mutate_eventstream(ch, files, ch.pick(topologies))
        elif pick < 74 and [n for n in names if n.lower().endswith(".platform")]:
            _mutate_platform(ch, files, ch.pick([n for n in names if n.lower().endswith(".platform")]))
        elif pick < 88 and [n for n in names if n.lower().endswith(".kql")]:
            _mutate_database_schema(ch, files, ch.pick([n for n in names if n.lower().endswith(".kql")]))
        elif pick < 92:
            name = ch.pick(names)
            text = files[name]
            mutated = F.mutated_json_text(ch, text, 0.1) if isinstance(text, str) and name.endswith(".json") \
                else None
            files[name] = mutated if mutated is not None else F.bytes_of(ch, text) if isinstance(text, str) \
                else F.mutate_bytes(ch, text)
        else:
            files = _mutate_layout(ch, files)
    command = ch.pick(F.COMMANDS)
    fmt = ch.pick(("json", "json", "text", "sarif", "github", "junit")) if command == "check" \
        else ch.pick(("json", "text"))
    argv = [command, ch.pick(_entry_points(files)), "--format", fmt]
    if ch.coin(0.1):
        argv += ["--compat-level", ch.pick(("1.0", "1.1", "1.2"))]
    if command != "infer" and ch.coin(0.05):
        argv += ["--target", ch.pick(("positions=fleet/Positions", "raw-kql=RawTelemetry", "speeds=Speeds",
                                      "lake=delta:ops", "x=", "trips=fleet/TripSummaries"))]
    if command != "infer" and ch.coin(0.05):
        argv += ["--schema", ch.pick([n for n in files if n.lower().endswith(".kql")] + ["nowhere"])]
    if command == "check" and ch.coin(0.05):
        argv += ["--fail-on", ch.pick(("error", "warning", "info"))]
    encoded = {name: (data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
               for name, data in files.items()}
    return encoded, argv + ["--no-cache", "--debug"]
