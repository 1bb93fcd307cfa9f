"""The Delta kind end to end, through the command line: an ARM template whose job writes to
an ADLS Gen2 output with Delta serialization (lake-readings, deltaTablePath /fleet/Readings)
and a Fabric Lakehouse output (fabric-events, tableName Events), the tables' `_delta_log`
folders under tables/; and schemacheck.delta imported only for such a job."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SAMPLE_JOB, run_cli
from delta_files import CONFIG, READINGS, commit, field, table, template

from schemacheck.delta.compare import NO_COMMANDS

CLEAN = ("SELECT CAST(DeviceId AS nvarchar(max)) AS DeviceId, CAST(Temperature AS float) AS Temperature, "
         "CAST(Site AS nvarchar(max)) AS Site INTO [lake-readings] FROM [hub-in]")


EVENTS = (field("DeviceId", "string"),)


def job(folder, lake_query: str = CLEAN, events=EVENTS, config: str = CONFIG, **names):
    """The job's files in `folder`: job.json, schemacheck.toml, tables/Readings and tables/Events."""
    (folder / "job.json").write_text(template(lake_query, **names), encoding="utf-8")
    if config:
        (folder / "schemacheck.toml").write_text(config, encoding="utf-8")
    table(folder / "tables", "Readings", *READINGS)
    if events:
        table(folder / "tables", "Events", *events)
    return folder / "job.json"


def check(path, *args: str) -> tuple[int, dict, list[tuple]]:
    code, out, err = run_cli("check", str(path), "--format", "json", *args)
    assert code in (0, 1), err
    document = json.loads(out)["files"][0]
    findings = [(d["code"], d["output"], d.get("query_column") or d.get("table_column"))
                for d in document["diagnostics"] if d["code"].startswith(("SC8", "SC4"))]
    outputs = {o["output"]: (o["status"], o["kind"], o["table"]) for o in document["outputs"]}
    return code, outputs, findings


def test_a_job_that_fits_its_delta_tables(tmp_path):
    code, outputs, findings = check(job(tmp_path))
    assert outputs == {"lake-readings": ("compared", "delta", "Readings"),
                       "fabric-events": ("compared", "delta", "Events")}
    assert findings == [] and code == 0


def test_a_column_the_table_lacks(tmp_path):
    query = CLEAN.replace(" INTO", ", CAST(Zone AS nvarchar(max)) AS Zone INTO")
    code, _, findings = check(job(tmp_path, query))
    assert findings == [("SC830", "lake-readings", "Zone")] and code == 0   # a warning fails no run by default


def test_a_column_the_statement_never_writes(tmp_path):
    query = CLEAN.replace(", CAST(Site AS nvarchar(max)) AS Site", "")
    assert check(job(tmp_path, query))[2] == [("SC831", "lake-readings", "Site")]


def test_a_date_column(tmp_path):
    path = job(tmp_path, events=(field("DeviceId", "string"), field("Day", "date")))
    assert sorted(check(path)[2]) == [("SC831", "fabric-events", "Day"), ("SC832", "fabric-events", "Day")]


def test_no_pre_created_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, outputs, findings = check(job(tmp_path, lakehouse_table="Alerts").name)
    assert outputs["fabric-events"] == ("no-table", "delta", None)
    assert findings == [("SC834", "fabric-events", None)] and code == 0
    _, out, _ = run_cli("check", "job.json", "--format", "json")
    (message,) = [d["message"] for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC834"]
    assert message.startswith("output fabric-events writes to Delta table Alerts (job.json:")
    assert "not among the Delta tables under tables" in message
    assert "ASA creates it with the schema of the first record it writes" in message


def test_without_any_delta_schema_every_table_is_new(tmp_path):
    _, outputs, findings = check(job(tmp_path, config=""))
    # ASA creates a Delta table that does not exist: comparing with none is no gap (no SC406).
    assert [f[0] for f in findings] == ["SC834", "SC834"]
    assert {status for status, _, _ in outputs.values()} == {"no-table"}


def test_the_table_names_ignore_case_and_the_path_gives_the_last_segment(tmp_path):
    path = job(tmp_path, lake_table="/Landing/Fleet/READINGS/", lakehouse_table="events")
    assert check(path)[1] == {"lake-readings": ("compared", "delta", "Readings"),
                              "fabric-events": ("compared", "delta", "Events")}


def test_a_table_only_a_checkpoint_describes_is_not_compared(tmp_path):
    path = job(tmp_path, events=())
    commit(tmp_path / "tables" / "Events", 7, {"add": {"path": "p.parquet"}})
    (tmp_path / "tables" / "Events" / "_delta_log" / "00000000000000000006.checkpoint.parquet").write_bytes(b"PAR1")
    _, outputs, findings = check(path)
    assert outputs["fabric-events"][0] == "no-table" and findings == [("SC402", "fabric-events", None)]
    _, out, _ = run_cli("check", str(path), "--format", "json")
    (message,) = [d["message"] for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC402"]
    assert "whose columns cannot be read: its schema is in checkpoint 00000000000000000006.checkpoint.parquet" \
        in message


def test_a_log_that_is_not_json_stops_the_run_in_one_line(tmp_path):
    path = job(tmp_path)
    bad = commit(tmp_path / "tables" / "Readings", 1, '{"metaData": [}')
    code, out, err = run_cli("check", str(path))
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and f"{bad}:1:15: not a Delta log action" in err


def test_the_tables_given_with_schema(tmp_path):
    path = job(tmp_path, config="")
    _, outputs, findings = check(path, "--schema", str(tmp_path / "tables"))
    assert findings == [] and {status for status, _, _ in outputs.values()} == {"compared"}


def test_suggest_aliases_a_near_miss_and_says_why_there_is_no_command(tmp_path):
    query = CLEAN.replace("AS Temperature", "AS Temprature").replace(" INTO", ", CAST(Zone AS bigint) AS Zone INTO")
    _, out, _ = run_cli("suggest", str(job(tmp_path, query)), "--format", "json")
    (suggestion,) = json.loads(out)["files"][0]["outputs"]
    assert (suggestion["table"], suggestion["kql"], suggestion["sql"]) == ("Readings", [], [])
    (rewrite,) = suggestion["query"]
    assert rewrite["codes"] == ["SC830"] and rewrite["after"].endswith("AS Temperature")
    notes = [(n["codes"], n["reason"]) for n in suggestion["notes"]]
    assert [codes for codes, _ in notes] == [["SC830"], ["SC830"]]   # no SC831: the alias fills Temperature
    assert notes[0][1].startswith("output column Zone is not a column of Delta table Readings")
    assert notes[1][1] == NO_COMMANDS


# ---- imports ---------------------------------------------------------------------------------

def imported(path: str) -> tuple[int, list[str]]:
    """The exit code of a cold `schemacheck check PATH`, and the schemacheck.delta modules it imported."""
    script = (
        "import sys, io\n"
        "from schemacheck.cli import main\n"
        f"code = main(['check', {path!r}, '--format', 'json', '--no-cache'], io.StringIO(), io.StringIO())\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('schemacheck.delta')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, _, modules = result.stdout.strip().partition(" ")
    return int(code), eval(modules)   # a list literal of names


def test_a_check_without_delta_outputs_does_not_import_the_delta_kind():
    code, modules = imported(str(SAMPLE_JOB))
    assert code == 1 and modules == []


def test_a_check_with_delta_outputs_does(tmp_path):
    code, modules = imported(str(job(tmp_path)))
    assert code == 0
    assert modules == ["schemacheck.delta", "schemacheck.delta.catalog", "schemacheck.delta.compare",
                       "schemacheck.delta.kind", "schemacheck.delta.log"]
