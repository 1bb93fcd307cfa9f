"""Reading and checking Microsoft Fabric Eventstreams (schemacheck.jobs.fabric), properties
(hypothesis): test_fabric_reader.py reads the fixture workspace case by case; fuzz/run.py
--kinds fabric is the long run (fuzz/fabric_inputs.py).

Properties: an Eventstream of the fixture workspace (tests/fixtures/fabric/workspace) with
its eventstream.json mutated, as a document (a value of the wrong JSON type or a key dropped
anywhere, inputNodes that make cycles, odd and huge names, operators of every type inserted
between the SQL operator and its destination with odd properties, ManageFields columns of
type Rename, Cast and FunctionCall with an odd column, alias, targetDataType, functionName or
arguments, the query replaced) or cut short as text, and its .platform's displayName odd,
is read as jobs or refused with an InputError naming eventstream.json at a line (but an
emptied one's "is empty", which has no line); and its workspace is checked
(schemacheck.check.check_paths, the command line's pipeline) with every entry a check or an
Unreadable at that file and line, nothing raised.

Regressions: the crashes fuzz/run.py --kinds fabric found, each as a minimal input.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.errors import InputError
from schemacheck.jobs.fabric import read_eventstream
from schemacheck.jobs.model import Job

WORKSPACE = FIXTURES / "fabric" / "workspace"
EVENTSTREAMS = sorted(p.name for p in WORKSPACE.iterdir() if p.name.lower().endswith(".eventstream"))
EVENTHOUSES = sorted(p.name for p in WORKSPACE.iterdir() if p.name.lower().endswith(".eventhouse"))

OPERATOR_TYPES = ["Filter", "ManageFields", "Aggregate", "GroupBy", "Union", "Expand", "Join", "SQL"]
ODD_VALUES = [None, True, False, 0, -1, 2.5, 10**30, "", "x", "SQL", "ManageFields", [], [None], [1], ["x"], [[]],
              [{}], {}, {"name": None}, {"name": 1}, {"name": "x"}, {"columnName": 1}]
ODD_NAMES = ["", " ", "a_b", "a.b", "]", "[x]", "x]]y", "'", '"', "é", "名前", "😀", "a\nb", "\u2028", "\ufeff",
             "NAME", "__ANON_0", "SELECT", "INTO", "x" * 5000]
NAMES = st.one_of(st.sampled_from(["VehicleId", "Km", "Speed", "TripKm", "WindowEnd", "Payload", "route"]),
                  st.sampled_from(ODD_NAMES), st.text(max_size=8))
ODD = st.sampled_from(ODD_VALUES)
DATA_TYPES = st.sampled_from(["Nvarchar(max)", "BigInt", "Float", "DateTime", "Bit", "Record", "Array", "bigint", "",
                              "Varchar(10)", "NAME"])
FUNCTIONS = st.sampled_from(["CharIndex", "Lower", "Upper", "Len", "Substring", "Cast", "System.Timestamp", "",
                             "NoSuchFunction", "udf.f"])

COLUMN_REFERENCES = st.one_of(
    st.fixed_dictionaries({"node": st.none() | NAMES, "columnName": NAMES},
                          optional={"columnPathSegments": st.lists(NAMES, max_size=2),
                                    "expressionType": st.sampled_from(["ColumnReference", "Literal", "", "x"])}),
    ODD,
)
ARGUMENTS = st.one_of(COLUMN_REFERENCES, ODD,
                      st.fixed_dictionaries({"expressionType": st.just("Literal"), "dataType": DATA_TYPES,
                                             "value": st.sampled_from(["a", "1", 1, None])}))


def _entry(kind: str, properties: dict, alias, inside: bool) -> dict:
    """A ManageFields column entry, its alias beside its properties or (a Rename's) inside them."""
    if inside:
        return {"type": kind, "properties": {**properties, "alias": alias}}
    return {"type": kind, "properties": properties, "alias": alias}


@st.composite
def manage_fields_columns(draw) -> dict:
    """A ManageFields `properties.columns` entry of type Rename, Cast or FunctionCall (or
    another), now and then one of its fields of the wrong type or dropped."""
    kind = draw(st.sampled_from(["Rename", "Cast", "FunctionCall", "", "Drop"]))
    if kind == "Cast":
        properties = {"targetDataType": draw(DATA_TYPES), "column": draw(COLUMN_REFERENCES)}
    elif kind == "FunctionCall":
        properties = {"functionName": draw(FUNCTIONS), "arguments": draw(st.lists(ARGUMENTS, max_size=3))}
    else:
        properties = {"column": draw(COLUMN_REFERENCES)}
    entry = _entry(kind, properties, draw(NAMES), kind == "Rename" and draw(st.booleans()))
    field = draw(st.sampled_from([None, "column", "alias", "targetDataType", "functionName", "arguments", "type",
                                  "properties"]))
    if field is not None:
        holder = entry if field in ("type", "properties") or (field == "alias" and "alias" in entry) \
            else entry["properties"]
        if draw(st.booleans()):
            holder[field] = draw(ODD)
        else:
            holder.pop(field, None)
    return entry


@st.composite
def operator_properties(draw, kind: str) -> object:
    """The properties of an operator of `kind`, as Microsoft's Eventstream definition shows
    them, with odd values in places; or any odd value."""
    if draw(st.integers(0, 9)) == 0:
        return draw(ODD)
    references = st.lists(COLUMN_REFERENCES, max_size=2)
    if kind == "Filter":
        return {"conditions": [{"column": draw(COLUMN_REFERENCES), "operatorType": "Equals",
                                "value": {"dataType": draw(DATA_TYPES), "value": "1"}}]}
    if kind == "ManageFields":
        return {"columns": draw(st.lists(manage_fields_columns(), max_size=4) | ODD)}
    if kind in ("Aggregate", "GroupBy"):
        aggregations = draw(st.lists(st.fixed_dictionaries({
            draw(st.sampled_from(["aggregateFunction", "aggregationFunction"])):
                st.sampled_from(["Average", "Sum", "Count", "", "x"]) | ODD,
            "column": COLUMN_REFERENCES, "alias": NAMES | ODD}), max_size=3) | ODD)
        if kind == "Aggregate":
            return {"aggregations": aggregations}
        return {"aggregations": aggregations, "groupBy": draw(references | ODD),
                "window": {"type": draw(st.sampled_from(["Tumbling", "Hopping", ""]) | ODD),
                           "properties": {"duration": {"value": 5, "unit": "Minute"}}}}
    if kind == "Union":
        return {}
    if kind == "Expand":
        return {"column": draw(references | COLUMN_REFERENCES), "ignoreMissingOrEmpty": True}
    if kind == "Join":
        return {"joinType": "Inner", "joinOn": [{"left": draw(COLUMN_REFERENCES), "right": draw(COLUMN_REFERENCES)}]}
    return {"query": draw(st.sampled_from(["SELECT * INTO [x] FROM [y]", ""]) | st.text(max_size=30) | ODD)}


def key_paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a JSON value (the root excluded)."""
    paths = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for name, child in items:
        paths.append(prefix + (name,))
        paths.extend(key_paths(child, prefix + (name,)))
    return paths


def nodes(topology: dict) -> list[dict]:
    return [n for group in ("sources", "destinations", "operators", "streams")
            for n in (topology.get(group) if isinstance(topology.get(group), list) else []) if isinstance(n, dict)]


def named(topology: dict) -> list[dict]:
    return [n for n in nodes(topology) if isinstance(n.get("name"), str)]


def mutate(topology: dict, data: st.DataObject) -> None:
    """One mutation of a parsed eventstream.json, in place."""
    how = data.draw(st.sampled_from(["replace", "delete", "operator", "operator", "manage-fields", "cycle", "rename",
                                     "query"]), label="how")
    paths = key_paths(topology)
    if how in ("replace", "delete") and paths:
        path = data.draw(st.sampled_from(paths), label="path")
        parent = topology
        for part in path[:-1]:
            parent = parent[part]
        if how == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(ODD | NAMES, label="value")
        return
    operators = topology.get("operators")
    if not isinstance(operators, list):
        topology["operators"] = operators = []
    sql = [n for n in operators if isinstance(n, dict) and n.get("type") == "SQL"]
    if how in ("operator", "manage-fields"):
        # an operator between the SQL operator and the nodes it feeds
        kind = "ManageFields" if how == "manage-fields" else data.draw(st.sampled_from(OPERATOR_TYPES), label="type")
        name = data.draw(st.sampled_from(["op", "op"] + ODD_NAMES), label="name")
        upstream = sql[0].get("name") if sql else "x"
        for node in nodes(topology):
            listed = node.get("inputNodes")
            if isinstance(listed, list) and node is not (sql[0] if sql else None):
                node["inputNodes"] = [{"name": name} if isinstance(i, dict) and i.get("name") == upstream else i
                                      for i in listed]
        operators.append({"name": name, "type": kind, "inputNodes": [{"name": upstream}],
                          "properties": data.draw(operator_properties(kind), label="properties")})
    elif how == "cycle" and named(topology):
        ring = data.draw(st.lists(st.sampled_from(named(topology)), min_size=1, max_size=4), label="ring")
        for node, following in zip(ring, ring[1:] + ring[:1]):
            listed = node.get("inputNodes")
            node["inputNodes"] = (listed if isinstance(listed, list) else []) + [{"name": following["name"]}]
    elif how == "rename" and named(topology):
        node = data.draw(st.sampled_from(named(topology)), label="node")
        node["name"] = data.draw(NAMES, label="new name")
    elif how == "query" and sql:
        properties = sql[0].get("properties")
        if isinstance(properties, dict):
            properties["query"] = data.draw(st.text(max_size=60) | st.sampled_from([
                "SELECT VehicleId, CAST(Km AS float) AS Km INTO [trip-summaries] FROM [Trips-stream]",
                "SELECT * INTO [\u2028] FROM [x]\n-- é\\u00e9", "SELECT 'a\"b' AS \"c\" INTO [op] FROM [y]"]),
                label="query")


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> Path:
    """A workspace folder per Eventstream of the fixture workspace, holding it and the
    Eventhouse (copied once: each example rewrites the Eventstream's files)."""
    root = tmp_path_factory.mktemp("fabric")
    for eventstream in EVENTSTREAMS:
        for name in (eventstream, *EVENTHOUSES):
            shutil.copytree(WORKSPACE / name, root / workspace_of(eventstream) / name)
    return root


def workspace_of(eventstream: str) -> str:
    return "ws-" + eventstream[:-len(".Eventstream")]   # a folder named *.Eventstream would be one


def write_workspace(workspaces: Path, eventstream: str, data: st.DataObject) -> Path:
    """The workspace of the Eventstream, its eventstream.json mutated (and its .platform
    now and then); the path of eventstream.json."""
    directory = workspaces / workspace_of(eventstream)
    for name in ("eventstream.json", ".platform"):
        shutil.copyfile(WORKSPACE / eventstream / name, directory / eventstream / name)
    topology_file = directory / eventstream / "eventstream.json"
    text = topology_file.read_text(encoding="utf-8")
    if data.draw(st.integers(0, 9), label="cut") == 0:   # cut short: not JSON
        topology_file.write_text(text[:data.draw(st.integers(0, len(text)), label="at")], encoding="utf-8")
    else:
        topology = json.loads(text)
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            mutate(topology, data)
        topology_file.write_text(json.dumps(topology, indent=data.draw(st.sampled_from([None, 2]), label="indent"),
                                            ensure_ascii=data.draw(st.booleans(), label="ascii")), encoding="utf-8")
    if data.draw(st.integers(0, 4), label="platform") == 0:
        platform = directory / eventstream / ".platform"
        document = json.loads(platform.read_text(encoding="utf-8"))
        document["metadata"]["displayName"] = data.draw(ODD | NAMES, label="displayName")
        platform.write_text(json.dumps(document), encoding="utf-8")
    return topology_file


def read_or_error(folder: Path, topology_file: Path) -> list[Job] | None:
    """The jobs of the Eventstream, or None when it is refused with an InputError that names
    eventstream.json at a line."""
    try:
        jobs = read_eventstream(str(folder))
    except InputError as error:
        assert error.exit_code == 2 and error.message
        assert error.file == str(topology_file), str(error)
        # At a line, but an empty file's "is empty" (schemacheck.files.read_text_file), which has none.
        assert (error.line is not None and error.line >= 1) or not topology_file.read_text(encoding="utf-8").strip(), \
            str(error)
        return None
    assert isinstance(jobs, list) and all(isinstance(job, Job) and job.form == "fabric" for job in jobs)
    for job in jobs:
        assert job.outputs is not None and all(isinstance(part, tuple) for part in (job.outputs, job.inputs,
                                                                                     job.notes, job.scripts))
    return jobs


MUTATION_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHECK_SETTINGS = settings(MUTATION_SETTINGS, max_examples=100)   # a check of the workspace is slower than a read


@MUTATION_SETTINGS
@given(eventstream=st.sampled_from(EVENTSTREAMS), data=st.data())
def test_a_mutated_eventstream_gives_jobs_or_an_input_error_at_a_line(workspaces, eventstream, data):
    topology_file = write_workspace(workspaces, eventstream, data)
    read_or_error(topology_file.parent, topology_file)


@CHECK_SETTINGS
@given(eventstream=st.sampled_from(EVENTSTREAMS), data=st.data())
def test_a_mutated_eventstream_is_checked_or_refused_at_a_line(workspaces, eventstream, data):
    from schemacheck.check import FileCheck, Request, check_paths
    from schemacheck.files import Unreadable

    topology_file = write_workspace(workspaces, eventstream, data)
    jobs = read_or_error(topology_file.parent, topology_file)
    # the workspace folder, as `schemacheck check DIR` has it
    run = check_paths(Request((str(workspaces / workspace_of(eventstream)),)))
    for entry in run.entries:
        if isinstance(entry, Unreadable):
            assert entry.file == str(topology_file), str(entry)
            assert entry.line is not None or not topology_file.read_text(encoding="utf-8").strip(), str(entry)
        else:
            assert isinstance(entry, FileCheck)
    assert run.failed == (jobs is None)
    checked = [e.job.job.name for e in run.entries if isinstance(e, FileCheck) and e.job is not None]
    assert checked == [job.name for job in jobs or ()]


# ---- regressions: the crashes fuzz/run.py --kinds fabric found -------------------------------------

def test_a_deeply_nested_json_file_beside_no_eventstream_json_is_not_a_crash(tmp_path):
    # With no eventstream.json, the reader looks for another JSON file with a topology: one
    # nested past Python's recursion limit was a RecursionError (an internal error).
    folder = tmp_path / "Fleet.Eventstream"
    folder.mkdir()
    (folder / "EventstreamProperties.json").write_text("[" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match=r"holds no eventstream\.json"):
        read_eventstream(str(folder))


def write_eventstream(workspace: Path, topology: dict, schema: str | None = None) -> Path:
    """An Eventstream folder S.Eventstream with `topology` in a workspace folder, and a KQL
    database db with `schema` as its DatabaseSchema.kql."""
    (workspace / "S.Eventstream").mkdir(parents=True)
    (workspace / "S.Eventstream" / "eventstream.json").write_text(json.dumps(topology, indent=2), encoding="utf-8")
    if schema is not None:
        (workspace / "db.KQLDatabase").mkdir()
        (workspace / "db.KQLDatabase" / "DatabaseSchema.kql").write_text(schema, encoding="utf-8")
    return workspace


def _destination(feed: str) -> dict:
    return {"name": "d", "type": "Eventhouse", "inputNodes": [{"name": feed}],
            "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "db", "tableName": "T"}}


def test_an_operator_column_without_a_name_is_not_shown_as_none(tmp_path):
    from schemacheck.check import Request, check_paths

    write_eventstream(tmp_path, {
        "operators": [
            {"name": "q", "type": "SQL", "inputNodes": [{"name": "s"}],
             "properties": {"query": "SELECT CAST(a AS bigint) AS a INTO [d] FROM [s]"}},
            {"name": "m", "type": "ManageFields", "inputNodes": [{"name": "q"}], "properties": {"columns": [
                {"type": "Rename", "properties": {"column": {"node": None, "columnName": "a"}}, "alias": "a"},
                {}]}},   # an entry that names no column
            {"name": "g", "type": "GroupBy", "inputNodes": [{"name": "m"}],
             "properties": {"aggregations": [], "groupBy": [{"node": None, "columnName": "c"}]}}],
        "destinations": [_destination("g")]})
    run = check_paths(Request((str(tmp_path),)))
    (message,) = [d.message for entry in run.entries for d in entry.diagnostics if d.code == "SC617"]
    assert message.startswith("operator g reads column c,")
    assert "None" not in message, message


def test_a_column_named_with_a_lone_surrogate_is_reported_in_sarif(tmp_path):
    from conftest import run_cli

    write_eventstream(tmp_path, {
        "operators": [{"name": "q", "type": "SQL", "inputNodes": [{"name": "s"}],
                       "properties": {"query": "SELECT a AS [\ud800] INTO [d] FROM [s]"}}],
        "destinations": [_destination("q")]}, ".create table T (b: string)\n")
    code, out, err = run_cli("check", str(tmp_path), "--format", "sarif", "--no-cache", "--debug")
    assert code == 1 and not err, err   # SC101: the table has no column \ud800
    assert json.loads(out)["runs"][0]["results"]
