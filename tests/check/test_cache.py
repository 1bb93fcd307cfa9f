"""The result cache (schemacheck/cache.py, used by schemacheck/cli.py): a repeated run is
answered from the cache only while everything it read is unchanged; anything it read,
listed or looked for that changes makes it check again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli

from schemacheck import cache

SAMPLE = ROOT / "samples" / "fleet-telemetry"


@pytest.fixture
def job(tmp_path, monkeypatch):
    """The sample project in a fresh directory, the working directory."""
    root = tmp_path / "work" / "fleet"
    shutil.copytree(SAMPLE, root)
    monkeypatch.chdir(root)
    return root


def entries(directory=None) -> list[str]:
    directory = directory or os.environ["SCHEMACHECK_CACHE_DIR"]
    return sorted(str(p) for p in __import__("pathlib").Path(directory).rglob("*") if p.is_file())


def analyses(monkeypatch) -> list:
    """Counts the analyses run in this process (the check's first step)."""
    import schemacheck.check.plan as plan

    calls = []
    real = plan.analyze_job
    monkeypatch.setattr(plan, "analyze_job", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_a_repeated_run_is_answered_from_the_cache(job, monkeypatch):
    calls = analyses(monkeypatch)
    first = run_cli("check", ".")
    assert first[0] == 1 and len(calls) == 1 and len(entries()) == 1
    assert run_cli("check", ".") == first
    assert len(calls) == 1, "the second run analysed the query again"


def test_a_cached_run_imports_nothing_the_check_needs(job):
    program = ("import sys; from schemacheck.cli import main; code = main(['check', '.']); "
               "heavy = [m for m in ('schemacheck.asa.parser', 'schemacheck.check.plan', 'schemacheck.check', "
               "'pydantic_core', 'schemacheck.kusto.files', 'hashlib', 'json', 'sqlglot') if m in sys.modules]; "
               "print(code, heavy, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout
    assert runs[0].stderr.splitlines()[-1].startswith("1 ['schemacheck.asa.parser'")
    assert runs[1].stderr.splitlines()[-1] == "1 []"


@pytest.mark.parametrize("change", [
    "query", "schema file", "output file", "new schema file", "config in a parent", "config here",
    "removed sample", "format variable", "ddl file", "new ddl file",
])
def test_a_change_to_anything_the_run_read_checks_again(job, monkeypatch, change):
    calls = analyses(monkeypatch)
    before = run_cli("check", ".")
    if change == "query":
        query = job / "FleetTelemetry.asaql"
        query.write_text(query.read_text().replace("AS Severity", "AS Severity2"))
    elif change == "schema file":
        schema = job / "schemas" / "OverheatAlerts.json"
        schema.write_text(schema.read_text().replace('"SensorReading"', '"SensorValue"'))
    elif change == "output file":
        output = job / "Outputs" / "adx-alerts.json"
        output.write_text(output.read_text().replace("OverheatAlerts", "OverheatAlarms"))
    elif change == "new schema file":
        (job / "schemas" / "Extra.kql").write_text(".create table Extra (a:string)\n")
    elif change == "ddl file":
        ddl = job / "schemas" / "FleetOps" / "dbo" / "Tables" / "VehicleStatus.sql"
        ddl.write_text(ddl.read_text().replace("[DepotId]       INT           NOT NULL",
                                               "[DepotId]       INT           NULL"))
    elif change == "new ddl file":
        (job / "schemas" / "FleetOps" / "dbo" / "Tables" / "Depots.sql").write_text(
            "CREATE TABLE dbo.Depots (DepotId INT NOT NULL)\n")
    elif change == "config in a parent":
        (job.parent / "schemacheck.toml").write_text('[rules]\nSC101 = "off"\n')
    elif change == "config here":
        (job / "schemacheck.toml").write_text('[rules]\nSC102 = "warning"\n')
    elif change == "removed sample":
        (job / "data" / "telemetry-in.json").unlink()
    elif change == "format variable":
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
    after = run_cli("check", ".")
    assert len(calls) == 2, f"a changed {change} was answered from the cache"
    fresh = run_cli("check", ".", "--no-cache")
    assert after == fresh
    if change not in ("new schema file", "new ddl file"):   # a new table no output writes to
        assert after != before


def test_files_schemacheck_never_reads_do_not_invalidate(job, monkeypatch):
    calls = analyses(monkeypatch)
    run_cli("check", ".")
    (job / ".FleetTelemetry.asaql.swp").write_bytes(b"editor state")
    (job / "notes.md").write_text("x")
    run_cli("check", ".")
    assert len(calls) == 1
    (job / "Outputs" / "extra.json").write_text('{"Name": "extra", "DataSourceType": "Blob"}')
    run_cli("check", ".")
    assert len(calls) == 2


def test_same_content_rewritten_is_still_a_hit(job, monkeypatch):
    calls = analyses(monkeypatch)
    run_cli("check", ".")
    query = job / "FleetTelemetry.asaql"
    query.write_text(query.read_text())       # new modification time, same bytes
    run_cli("check", ".")
    assert len(calls) == 1


def test_no_cache_neither_reads_nor_writes_it(job, monkeypatch):
    calls = analyses(monkeypatch)
    run_cli("check", ".", "--no-cache")
    assert entries() == []
    run_cli("check", ".")
    run_cli("check", ".", "--no-cache")
    assert len(calls) == 3


def test_output_file_and_step_summary_are_given_again(job, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    calls = analyses(monkeypatch)
    first = run_cli("check", ".", "--format", "github", "--output", "annotations.log")
    report = (job / "annotations.log").read_text()
    one_summary = summary.read_text()
    (job / "annotations.log").unlink()
    assert run_cli("check", ".", "--format", "github", "--output", "annotations.log") == first
    assert len(calls) == 1
    assert (job / "annotations.log").read_text() == report
    assert summary.read_text() == one_summary * 2


def test_runs_that_fail_or_read_a_cluster_are_not_stored(job):
    assert run_cli("check", "missing.asaql")[0] == 2
    assert run_cli("check", ".", "--live", "--cluster", "http://127.0.0.1:9", "--auth", "none",
                   "--timeout", "1")[0] == 3
    assert entries() == []


def test_other_commands_and_arguments_are_other_entries(job, monkeypatch):
    calls = analyses(monkeypatch)
    text = run_cli("check", ".")
    as_json = run_cli("check", ".", "--format", "json")
    inferred = run_cli("infer", ".")
    assert len(calls) == 3 and len(entries()) == 3
    assert json.loads(as_json[1])["summary"]["errors"] == 4
    assert (run_cli("check", "."), run_cli("check", ".", "--format", "json"), run_cli("infer", ".")) == (
        text, as_json, inferred)
    assert len(calls) == 3


def test_a_damaged_entry_is_a_miss_and_is_replaced(job, monkeypatch):
    calls = analyses(monkeypatch)
    first = run_cli("check", ".")
    (entry,) = entries()
    with open(entry, "wb") as handle:
        handle.write(b"\x00garbage")
    assert run_cli("check", ".") == first
    assert run_cli("check", ".") == first
    assert len(calls) == 2


def test_a_cache_that_cannot_be_written_does_not_fail_the_run(job, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("SCHEMACHECK_CACHE_DIR", str(blocked / "cache"))
    assert run_cli("check", ".")[0] == 1
    assert run_cli("check", ".")[0] == 1


def test_the_key_covers_version_arguments_directory_and_terminal(job, tmp_path):
    environ = {"GITHUB_ACTIONS": None}
    key = cache.run_key("1.0", ["check", "."], environ, False)
    assert key == cache.run_key("1.0", ["check", "."], environ, False)
    others = {cache.run_key("1.1", ["check", "."], environ, False),
              cache.run_key("1.0", ["check", "./"], environ, False),
              cache.run_key("1.0", ["check", "."], environ, True),
              cache.run_key("1.0", ["check", "."], {"NO_COLOR": "1"}, False)}
    os.chdir(tmp_path)
    others.add(cache.run_key("1.0", ["check", "."], environ, False))
    assert key not in others and len(others) == 5


@pytest.mark.parametrize("platform, environ, expected", [
    ("linux", {}, os.path.join(os.path.expanduser("~"), ".cache", "schemacheck")),
    ("linux", {"XDG_CACHE_HOME": "/x"}, os.path.join("/x", "schemacheck")),
    ("darwin", {}, os.path.join(os.path.expanduser("~"), "Library", "Caches", "schemacheck")),
    ("win32", {"LOCALAPPDATA": "C:/Users/u/AppData/Local"},
     os.path.join("C:/Users/u/AppData/Local", "schemacheck", "Cache")),
])
def test_the_user_cache_directory(platform, environ, expected):
    assert cache.default_directory(environ, platform) == expected
