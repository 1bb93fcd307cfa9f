"""Fabric Eventstream operators between the SQL operator and an Eventhouse destination
(schemacheck.check.operators): the destination is compared with the columns the last
operator writes, and a finding about a column an operator writes points at its entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

TABLE = ".create-merge table T (Id: string, Speed: real, Seen: datetime, Hits: long)\n"


def workspace(tmp_path: Path, query: str, operators: list[dict], table: str = TABLE, level: str = "1.2") -> Path:
    """A workspace folder: Ops.Eventstream whose SQL operator `q` feeds `operators` in a chain
    (each reads the one before) into Eventhouse destination `kql` (database db, table T)."""
    chain = [{"name": "q", "type": "SQL", "inputNodes": [{"name": "hub-stream"}], "properties": {"query": query}}]
    for operator in operators:
        chain.append({**operator, "inputNodes": [{"name": chain[-1]["name"]}]})
    topology = {
        "sources": [{"name": "hub", "type": "AzureEventHub", "properties": {}}],
        "streams": [{"name": "hub-stream", "type": "DefaultStream", "properties": {}, "inputNodes": [{"name": "hub"}]}],
        "operators": chain,
        "destinations": [{"name": "kql", "type": "Eventhouse", "inputNodes": [{"name": chain[-1]["name"]}],
                          "properties": {"dataIngestionMode": "ProcessedIngestion", "databaseName": "db",
                                         "tableName": "T"}}],
        "compatibilityLevel": level,
    }
    item = tmp_path / "Ops.Eventstream"
    item.mkdir()
    (item / "eventstream.json").write_text(json.dumps(topology, indent=2), encoding="utf-8")
    (item / ".platform").write_text('{"metadata": {"type": "Eventstream", "displayName": "Ops"}}', encoding="utf-8")
    (tmp_path / "db.KQLDatabase").mkdir()
    (tmp_path / "db.KQLDatabase" / "DatabaseSchema.kql").write_text(table, encoding="utf-8")
    return tmp_path


def column(name: str) -> dict:
    return {"node": None, "columnName": name}


def rename(name: str, alias: str | None = None) -> dict:
    entry: dict = {"type": "Rename", "properties": {"column": column(name)}}
    if alias is not None:
        entry["alias"] = alias
    return entry


def cast(name: str, to: str, alias: str) -> dict:
    return {"type": "Cast", "properties": {"targetDataType": to, "column": column(name)}, "alias": alias}


def manage(*entries: dict, name: str = "fields") -> dict:
    return {"name": name, "type": "ManageFields", "properties": {"columns": list(entries)}}


def check(folder: Path, *args: str) -> tuple[int, dict]:
    code, out, err = run_cli("check", str(folder), "--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


def findings(report: dict) -> list[dict]:
    return [d for f in report["files"] for d in f["diagnostics"] if d["code"] not in ("SC203", "SC615")]


def statement(report: dict) -> dict:
    (output,) = [o for f in report["files"] for o in f["outputs"]]
    return output


def entry_line(folder: Path, operator: int, entry: int) -> int:
    """The line of the opening brace of entry `entry` of the operator at `operator`."""
    lines = (folder / "Ops.Eventstream" / "eventstream.json").read_text(encoding="utf-8").splitlines()
    topology = json.loads("\n".join(lines))
    wanted = json.dumps(topology["operators"][operator]["properties"]["columns"][entry], indent=2).splitlines()
    wanted = [w.strip().rstrip(",") for w in wanted]
    return next(i for i in range(1, len(lines) + 1)
                if [line.strip().rstrip(",") for line in lines[i - 1:i - 1 + len(wanted)]] == wanted)


QUERY = ("SELECT CAST(Id AS nvarchar(max)) AS Id, CAST(Speed AS float) AS Speed, CAST(Seen AS datetime) AS Seen, "
         "CAST(Hits AS bigint) AS Hits INTO kql FROM [hub-stream]")


def test_managefields_writes_the_columns_it_lists_and_they_fit(tmp_path):
    folder = workspace(tmp_path, QUERY.replace("AS Speed,", "AS Velocity,"),
                       [manage(rename("Id"), rename("Velocity", "Speed"), rename("Seen", "Seen"), rename("Hits"))])
    code, report = check(folder)
    assert (code, findings(report)) == (0, [])
    assert [c["name"] for c in statement(report)["columns"]] == ["Id", "Speed", "Seen", "Hits"]


def test_a_column_managefields_does_not_list_is_not_written(tmp_path):
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), rename("Speed"), rename("Seen"))])
    code, report = check(folder)
    (never,) = findings(report)
    assert (code, never["code"], never["table_column"]) == (0, "SC103", "Hits")
    assert "the destination receives the columns of operator fields" in never["message"]


def test_a_slip_in_an_alias_is_reported_at_the_entry_without_a_query_edit(tmp_path):
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), rename("Speed", "Sped"), rename("Seen"),
                                                rename("Hits"))])
    code, report = check(folder)
    slip = next(d for d in findings(report) if d["code"] == "SC101")
    assert code == 1 and slip["query_column"] == "Sped"
    assert slip["line"] == entry_line(folder, 1, 1)   # the entry's opening brace
    assert "written by operator fields" in slip["message"] and "its alias to Speed" in slip["fix"]
    assert slip.get("edit") is None
    before = (folder / "Ops.Eventstream" / "eventstream.json").read_bytes()
    run_cli("check", str(folder), "--fix")
    assert (folder / "Ops.Eventstream" / "eventstream.json").read_bytes() == before


def test_a_cast_entry_gives_its_type(tmp_path):
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), cast("Speed", "Nvarchar(max)", "Speed"),
                                                rename("Seen"), cast("Hits", "BigInt", "Hits"))])
    code, report = check(folder)
    (mismatch,) = [d for d in findings(report) if d["code"] == "SC201"]
    assert (code, mismatch["query_column"], mismatch["actual_type"]) == (1, "Speed", "nvarchar(max)")
    assert "a Cast to the type of column Speed (real)" in mismatch["fix"]
    types = {c["name"]: c["type"] for c in statement(report)["columns"]}
    assert types == {"Id": "nvarchar(max)", "Speed": "nvarchar(max)", "Seen": "datetime", "Hits": "bigint"}


def test_a_cast_to_a_type_asa_does_not_have_leaves_the_type_unknown(tmp_path):
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), cast("Speed", "Decimal", "Speed"), rename("Seen"),
                                                rename("Hits"))])
    _, report = check(folder)
    speed = next(c for c in statement(report)["columns"] if c["name"] == "Speed")
    assert speed["type"] is None and "Decimal, which is no ASA type" in speed["unknown_reason"]


def test_a_function_entry_is_typed_from_the_function_table(tmp_path):
    charindex = {"type": "FunctionCall", "alias": "Hits", "properties": {"functionName": "CharIndex", "arguments": [
        {"expressionType": "Literal", "dataType": "Nvarchar(max)", "value": "x"},
        {"expressionType": "ColumnReference", "node": None, "columnName": "Id", "columnPathSegments": []}]}}
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), rename("Speed"), rename("Seen"), charindex)])
    code, report = check(folder)
    assert (code, findings(report)) == (0, [])
    assert next(c for c in statement(report)["columns"] if c["name"] == "Hits")["type"] == "bigint"


def test_an_entry_reading_a_column_the_query_does_not_write(tmp_path):
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), rename("Speed"), rename("Seen"),
                                                rename("Hit", "Hits"))])
    _, report = check(folder)
    (missing,) = [d for d in findings(report) if d["code"] == "SC617"]
    assert missing["severity"] == "warning" and "reads column Hit" in missing["message"]
    assert missing["line"] == entry_line(folder, 1, 3)
    # ... said once: the column it writes has no known type, which is no further finding
    assert [d["code"] for d in findings(report)] == ["SC617"]


def test_no_sc617_when_the_query_writes_columns_that_are_not_known(tmp_path):
    folder = workspace(tmp_path, "SELECT * INTO kql FROM [hub-stream]", [manage(rename("Id"), rename("Speed"),
                                                                             rename("Seen"), rename("Hits"))])
    _, report = check(folder)
    assert not [d for d in findings(report) if d["code"] == "SC617"]
    reasons = {c["name"]: c["unknown_reason"] for c in statement(report)["columns"]}
    assert "a * of the query adds" in reasons["Speed"]


def test_the_names_managefields_writes_keep_their_case_at_level_1_0(tmp_path):
    query = QUERY.replace("AS Speed,", "AS speed,")
    folder = workspace(tmp_path, query, [manage(rename("Id"), rename("speed", "Speed"), rename("Seen"),
                                                rename("Hits"))], level="1.0")
    _, report = check(folder)
    assert not [d for d in findings(report) if d["code"] in ("SC101", "SC102")]


def test_groupby_writes_its_keys_and_aggregations_and_leaves_the_rest_open(tmp_path):
    group = {"name": "per-id", "type": "GroupBy", "properties": {
        "groupBy": [column("Id")],
        "aggregations": [{"aggregateFunction": "Average", "column": column("Hits"), "alias": "Speed"},
                         {"aggregateFunction": "Count", "column": column("Hits"), "alias": "Hits"},
                         {"aggregateFunction": "Maximum", "column": column("Speed"), "alias": "Sped"}],
        "window": {"type": "Tumbling", "properties": {"duration": {"value": 5, "unit": "Minute"}}}}}
    folder = workspace(tmp_path, QUERY, [group])
    code, report = check(folder)
    assert {c["name"]: c["type"] for c in statement(report)["columns"]} == {
        "Id": "nvarchar(max)", "Speed": "float", "Hits": "bigint", "Sped": "float"}
    assert statement(report)["complete"] is False   # window columns are not documented
    (slip,) = findings(report)
    assert (code, slip["code"], slip["query_column"]) == (1, "SC101", "Sped")
    assert "written by operator per-id" in slip["message"]


def test_filter_then_managefields(tmp_path):
    keep = {"name": "only-fast", "type": "Filter", "properties": {"conditions": []}}
    folder = workspace(tmp_path, QUERY, [keep, manage(rename("Id"), rename("Speed"), rename("Seen"),
                                                      cast("Hits", "Float", "Hits"))])
    code, report = check(folder)
    # the Filter keeps the columns; the Cast makes Hits a float, which a long column does not take
    assert (code, [(d["code"], d["query_column"]) for d in findings(report)]) == (1, [("SC201", "Hits")])


@pytest.mark.parametrize(("entry", "name", "reason"), [
    ({"type": "Mystery", "alias": "Id"}, "Id", "of type Mystery, which Fabric's definition does not document"),
    ({"type": "Rename"}, None, "(type Rename) names neither an alias nor a column"),
    ({}, None, "(type not given) names neither an alias nor a column"),
    ("x", None, "names neither an alias nor a column"),
])
def test_entries_of_shapes_not_documented_are_said_not_guessed(tmp_path, entry, name, reason):
    folder = workspace(tmp_path, QUERY, [manage(entry)])
    _, report = check(folder)
    (written,) = statement(report)["columns"]
    assert (written["name"], written["type"]) == (name, None) and reason in written["unknown_reason"]
    assert not [d for d in findings(report) if d["severity"] == "error"]


def test_infer_shows_the_columns_that_reach_the_destination(tmp_path):
    folder = workspace(tmp_path, QUERY, [manage(rename("Id"), cast("Speed", "Nvarchar(max)", "Velocity"),
                                                rename("Gone", "Seen"))])
    code, out, err = run_cli("infer", str(folder), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [(c["name"], c["type"]) for c in statement(report)["columns"]] == [
        ("Id", "nvarchar(max)"), ("Velocity", "nvarchar(max)"), ("Seen", None)]
    assert [d["code"] for d in report["files"][0]["diagnostics"]] == ["SC615", "SC617"]
