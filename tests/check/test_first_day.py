"""A new user's first day, as a trial on public ASA material found it: the check run from a
repository's root (`check .`), the hook given a job's files in any order, files of other
tools given where they do not belong, a run that compares nothing, a typo in a mapping,
and the linter habits users know (--quiet, --statistics, --exit-zero, a rule's help).

Every test runs the command line in-process on files written here, in the shapes the
trial met (loose queries beside a root schemacheck.toml and schemas/, an ARM template,
Terraform and Bicep next to them).
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from conftest import FIXTURES, run_cli
from support.files import write

TABLES = (".create table Readings (DeviceId: string, Temp: real)\n"
          ".create table Alerts (DeviceId: string, Level: long)\n")
GOOD = "SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(t AS float) AS Temp INTO Readings FROM input\n"
SLIP = "SELECT CAST(d AS nvarchar(max)) AS deviceId, CAST(l AS bigint) AS Level INTO Alerts FROM input\n"
# Job files schemacheck does not read: Terraform in JSON syntax, a job exported by the REST API.
TERRAFORM_JSON = ('{"resource": {"azurerm_stream_analytics_job": {"telemetry": {"name": "telemetry", '
                  '"transformation_query": "SELECT * INTO out FROM input"}}}}\n')
REST_EXPORT = ('{"name": "telemetry", "type": "Microsoft.StreamAnalytics/streamingjobs", "properties": '
               '{"transformation": {"name": "main", "properties": {"query": "SELECT * INTO out FROM input"}}}}\n')


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """Loose queries under jobs/, a root schemacheck.toml naming schemas/, an ARM template
    (the query in a JSON string) and job-like Terraform and Bicep files; the working
    directory is its root, as in CI and under pre-commit."""
    write(tmp_path, "schemacheck.toml", 'schemas = ["schemas"]\n')
    write(tmp_path, "schemas/tables.kql", TABLES)
    write(tmp_path, "jobs/readings.asaql", GOOD)
    write(tmp_path, "jobs/alerts.asaql", SLIP)
    shutil.copytree(FIXTURES / "jobs" / "cases" / "arm-template", tmp_path / "deploy")
    write(tmp_path, "infra/main.tf.json", TERRAFORM_JSON)
    write(tmp_path, "infra/job.json", REST_EXPORT)
    write(tmp_path, "api/schemas/user.json", '{"type": "object"}\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---- paths: one form, never ./ ----------------------------------------------------------

DOT_SLASH = re.compile(r"""(?:^|[\s"'=(<>\[|])\.[/\\]""", re.MULTILINE)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "azure", "junit"])
def test_check_dot_shows_repository_relative_paths_in_every_format(repository, fmt, monkeypatch):
    summary = repository / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, err = run_cli("check", ".", "--format", fmt)
    assert code == 1, err
    assert "jobs/alerts.asaql" in out
    assert not DOT_SLASH.search(out), DOT_SLASH.search(out).group(0)
    assert not DOT_SLASH.search(err)
    if fmt == "github":
        assert "jobs/alerts.asaql" in summary.read_text(encoding="utf-8")
        assert not DOT_SLASH.search(summary.read_text(encoding="utf-8"))


def test_a_path_given_with_dot_slash_is_shown_without_it(repository):
    code, out, _ = run_cli("check", "./jobs/alerts.asaql", "--format", "json")
    document = json.loads(out)
    assert code == 1 and document["files"][0]["file"] == "jobs/alerts.asaql"
    assert {d["file"] for d in document["files"][0]["diagnostics"]} == {"jobs/alerts.asaql"}


# ---- the hook: a job's files in any order, unrelated files skipped ----------------------

def _codes(out: str) -> list[tuple[str, str]]:
    return sorted((f["file"], d["code"]) for f in json.loads(out)["files"] for d in f["diagnostics"])


@pytest.mark.parametrize("order", [
    ("jobs/readings.asaql", "schemacheck.toml", "schemas/tables.kql"),
    ("schemas/tables.kql", "jobs/readings.asaql", "schemacheck.toml"),
    ("schemacheck.toml", "schemas/tables.kql", "jobs/readings.asaql"),
])
@pytest.mark.parametrize("hook", [True, False])
def test_a_query_passed_with_its_configuration_and_schema_is_checked_once_in_any_order(repository, order, hook):
    write(repository, "jobs/alerts.asaql", GOOD.replace("Readings", "Alerts").replace("Temp", "Level")
          .replace("AS float", "AS bigint"))
    code, out, err = run_cli("check", *order, "--format", "json", *(["--hook"] if hook else []))
    assert (code, err) == (0, ""), err
    files = [f["file"] for f in json.loads(out)["files"]]
    # The configuration and the schema stand for every job below the configuration's folder
    # (the template in deploy/ too): each is checked once, whatever the order.
    assert sorted(files) == ["deploy/payments.json", "jobs/alerts.asaql", "jobs/readings.asaql"]


def test_the_first_commit_of_everything_fails_only_on_the_real_finding(repository):
    everything = ["schemacheck.toml", "schemas/tables.kql", "jobs/readings.asaql", "jobs/alerts.asaql",
                  "deploy/payments.json", "deploy/payments.parameters.json", "api/schemas/user.json"]
    code, out, err = run_cli("check", "--hook", *everything, "--format", "json")
    assert err == "" and code == 1
    errors = [(file, c) for file, c in _codes(out) if c in ("SC102", "SC501", "SC601")]
    assert errors == [("jobs/alerts.asaql", "SC102")]


def test_the_hook_skips_a_file_that_belongs_to_no_job_quietly(repository):
    code, out, err = run_cli("check", "--hook", "api/schemas/user.json")
    assert (code, out, err) == (0, "", "")
    # Given by hand, the same file is a mistake worth saying.
    code, out, err = run_cli("check", "api/schemas/user.json")
    assert code == 2 and out == ""
    assert err == ("schemacheck: error: api/schemas/user.json: is not a query, an ASA project or a template, and no "
                   "job uses it; give the query, project or template to check\n")


def test_the_hook_skips_job_files_it_does_not_read(repository):
    code, out, err = run_cli("check", "--hook", "infra/main.tf.json", "infra/job.json", "jobs/readings.asaql")
    assert (code, err) == (0, "")
    assert "jobs/readings.asaql" in out and "infra/" not in out


# ---- files of other tools given where they do not belong ---------------------------------

@pytest.mark.parametrize("args, words", [
    (["check", "infra/main.tf.json"], "infra/main.tf.json: is a Terraform file in JSON syntax, which schemacheck "
                                      "does not read: write it in HCL (.tf)"),
    (["check", "infra/job.json"], "infra/job.json: is a streaming job as the Azure REST API returns it (az "
                                  "stream-analytics job show): schemacheck reads ASA projects, ARM templates, Bicep"),
    (["check", "exports/tables.kql"], "exports/tables.kql: holds a Kusto table schema, not a query: pass it with "
                                      "--schema exports/tables.kql"),
    (["check", "jobs/readings.asaql", "--schema", "infra/main.tf.json"], "infra/main.tf.json: is a Terraform file"),
    (["check", "jobs/readings.asaql", "--schema", "infra/network.tf"],
     "infra/network.tf: is a Terraform file, not a table schema: pass it as PATH"),
    (["check", "jobs/readings.asaql", "--schema", "infra/job.bicep"],
     "infra/job.bicep: is a Bicep file, not a table schema: pass it as PATH"),
    (["check", "jobs/readings.asaql", "--schema", "jobs/alerts.asaql"],
     "jobs/alerts.asaql: is an ASA query, not a table schema: pass it as PATH"),
    (["check", "jobs/readings.asaql", "--schema", "deploy/payments.json"],
     "deploy/payments.json: is an ARM template of a streaming job, not a table schema: pass it as PATH"),
    (["check", "jobs/readings.asaql", "--schema", "deploy/payments.parameters.json"],
     "deploy/payments.parameters.json: is an ARM parameters file: pass it with --parameters"),
])
def test_a_file_in_the_wrong_place_is_named_with_where_it_belongs(repository, args, words):
    write(repository, "exports/tables.kql", TABLES)   # not among the configuration's schemas
    write(repository, "infra/network.tf", 'resource "azurerm_virtual_network" "core" {\n  name = "core"\n}\n')
    write(repository, "infra/job.bicep", "param location string = resourceGroup().location\n")
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert err.startswith("schemacheck: error: " + words) and err.count("\n") == 1, err


def test_sql_ddl_given_as_path_says_to_pass_it_as_schema(repository):
    write(repository, "db/tables.sql", "IF OBJECT_ID(N'dbo.Readings') IS NULL\nCREATE TABLE dbo.Readings "
                                       "(DeviceId NVARCHAR(64) NOT NULL PRIMARY KEY, Temp FLOAT NULL);\n")
    code, out, err = run_cli("check", "db/tables.sql")
    assert code == 2 and out == ""
    assert err == ("schemacheck: error: db/tables.sql: holds SQL DDL (CREATE TABLE), not a query: pass it with "
                   "--schema db/tables.sql and map SQL outputs with --target ALIAS=sql:SCHEMA.TABLE (or list it in "
                   "schemas = [...] in schemacheck.toml)\n")


def test_an_asa_query_kept_in_a_sql_file_is_still_checked_as_a_query(repository):
    query = write(repository, "jobs/legacy.sql", "CREATE TABLE input (d nvarchar(max), t float)\n"
                                                 "SELECT d AS DeviceId, t AS Temp INTO Readings FROM input\n")
    code, out, err = run_cli("check", query, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out)["files"][0]["outputs"][0]["status"] == "compared"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "azure", "junit"])
def test_a_directory_scan_lists_the_job_files_it_did_not_read(repository, fmt):
    code, out, err = run_cli("check", "infra", "jobs/readings.asaql", "--format", fmt)
    assert (code, err) == (0, ""), err
    for path in ("infra/main.tf.json", "infra/job.json"):
        assert path in out
    if fmt == "json":
        skipped = {f["file"]: f["diagnostics"] for f in json.loads(out)["files"] if f["file"].startswith("infra/")}
        assert sorted(skipped) == ["infra/job.json", "infra/main.tf.json"]
        (finding,) = skipped["infra/main.tf.json"]
        assert finding["code"] == "SC611" and finding["severity"] == "info"
        assert finding["message"].startswith("not read: the file is a Terraform file in JSON syntax")
    if fmt == "text":
        assert "info[SC611]: not read: the file is a streaming job as the Azure REST API returns it" in out


def test_a_folder_with_only_unread_job_files_is_not_an_error(repository):
    code, out, err = run_cli("check", "infra", "--format", "json")
    assert (code, err) == (0, "")
    assert [d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]] == ["SC611", "SC611"]


# ---- SQL DDL given with --schema ----------------------------------------------------------

DDL = "CREATE TABLE dbo.Readings (DeviceId NVARCHAR(MAX) NOT NULL, Temp FLOAT NULL);\n"


def test_an_unmapped_output_is_compared_with_the_sql_table_of_its_name(tmp_path):
    query = write(tmp_path, "q.asaql", GOOD)
    ddl = write(tmp_path, "t.sql", DDL)
    code, out, err = run_cli("check", query, "--schema", ddl, "--format", "json")
    assert (code, err) == (0, "")
    (checked,) = json.loads(out)["files"][0]["outputs"]
    assert (checked["status"], checked["kind"], checked["schema"], checked["table"]) == (
        "compared", "sql", "dbo", "Readings")
    (by_name,) = json.loads(out)["files"][0]["diagnostics"]
    assert by_name["code"] == "SC405"
    assert f"SQL table dbo.Readings ({ddl})" in by_name["message"]
    assert "map it with --target Readings=sql:dbo.Readings" in by_name["message"]


def test_a_type_slip_against_sql_ddl_found_without_a_mapping(tmp_path):
    query = write(tmp_path, "q.asaql", GOOD.replace("AS float", "AS datetime"))
    ddl = write(tmp_path, "t.sql", DDL)
    code, out, _ = run_cli("check", query, "--schema", ddl, "--format", "json")
    assert code == 1
    assert "SC201" in [d["code"] for d in json.loads(out)["files"][0]["diagnostics"]]


def test_following_the_hint_to_map_an_output_names_the_sql_table_loaded(tmp_path):
    query = write(tmp_path, "q.asaql", GOOD)
    ddl = write(tmp_path, "t.sql", DDL)
    code, out, _ = run_cli("check", query, "--schema", ddl, "--target", "Readings=Readings", "--format", "json")
    missing = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC501"]
    assert code == 1 and len(missing) == 1
    assert missing[0]["message"].endswith(f"(no Kusto table schema is loaded; {ddl} holds SQL table dbo.Readings: map "
                                          "it with --target Readings=sql:dbo.Readings)")
    assert "pass --schema" not in missing[0]["message"]
    code, out, _ = run_cli("check", query, "--schema", ddl, "--target", "Readings=sql:dbo.Readings")
    assert code == 0 and "-> dbo.Readings" in out


def test_an_adx_only_run_with_an_unmapped_output_reads_no_ddl(tmp_path):
    # No .sql among the schema paths: the SQL reader (and sqlglot) is not imported at all.
    import subprocess
    import sys

    query = write(tmp_path, "q.asaql", GOOD.replace("Readings", "Unknown"))
    write(tmp_path, "schemas/t.kql", TABLES)
    probe = ("import sys; from schemacheck.cli import main; code = main(['check', %r, '--schema', %r, '--no-cache']);"
             " print(sorted(m for m in sys.modules if m.startswith(('sqlglot', 'schemacheck.sql'))))"
             % (query, str(tmp_path / "schemas")))
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


# ---- a run that compares nothing ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "azure", "junit"])
def test_forgetting_the_schemas_is_a_warning_in_every_format(tmp_path, fmt):
    query = write(tmp_path, "q.asaql", GOOD + SLIP)
    code, out, err = run_cli("check", query, "--format", fmt)
    assert (code, err) == (0, "")
    assert "0 of 2 outputs compared: no table schema loaded; pass --schema" in out
    if fmt == "text":
        assert "warning[SC406]" in out and out.rstrip().endswith("; 0 of 2 outputs compared")
    if fmt == "json":
        document = json.loads(out)
        assert document["summary"]["outputs"] == 2 and document["summary"]["outputs_compared"] == 0
        (nothing,) = [d for d in document["files"][0]["diagnostics"] if d["code"] == "SC406"]
        assert nothing["severity"] == "warning" and nothing["line"] == 1
    if fmt == "github":
        assert re.search(r"^::warning file=.*q\.asaql,line=1,.*title=SC406", out, re.MULTILINE)
    if fmt == "azure":
        assert "##vso[task.logissue type=warning;" in out and "code=SC406;" in out
    if fmt == "sarif":
        run = json.loads(out)["runs"][0]
        assert run["properties"] == {"outputs": 2, "outputsCompared": 0}
        assert [r["level"] for r in run["results"] if r["ruleId"] == "SC406"] == ["warning"]
    if fmt == "junit":
        ET.fromstring(out)


def test_a_run_that_compares_some_outputs_says_how_many(repository):
    code, out, _ = run_cli("check", "jobs")
    assert code == 1
    assert out.rstrip().endswith("2 files: 1 error, 0 warnings, 2 infos; 2 of 2 outputs compared")
    assert "SC406" not in out


def test_outputs_that_write_to_no_table_are_not_a_forgotten_schema(tmp_path):
    query = write(tmp_path, "q.asaql", "SELECT * INTO archive FROM input\n")
    write(tmp_path, "schemacheck.toml", '[outputs.archive]\nkind = "blob"\n')
    code, out, _ = run_cli("check", query, "--format", "json")
    assert code == 0 and "SC406" not in out
    assert json.loads(out)["summary"]["outputs_compared"] == 0


# ---- a typo in a mapping ------------------------------------------------------------------

def test_a_target_with_a_typo_gets_did_you_mean_in_every_format(repository):
    for fmt in ("text", "json", "sarif", "github", "azure", "junit"):
        code, out, err = run_cli("check", "jobs/readings.asaql", "--target", "Readngs=Readings", "--format", fmt)
        assert (code, err) == (0, ""), fmt
        assert "--target Readngs=...: no statement of this run writes INTO Readngs; did you mean Readings?" in out


def test_a_configured_output_with_a_typo_points_at_its_line(repository):
    write(repository, "schemacheck.toml", 'schemas = ["schemas"]\n\n[outputs.readngs]\ntable = "Readings"\n')
    code, out, _ = run_cli("check", "jobs", "--format", "json")
    found = [(f["file"], d) for f in json.loads(out)["files"] for d in f["diagnostics"] if d["code"] == "SC407"]
    assert len(found) == 1
    _, typo = found[0]
    assert (typo["file"], typo["line"], typo["severity"]) == ("schemacheck.toml", 3, "warning")
    assert typo["message"] == ("[outputs.readngs] in schemacheck.toml: no job checked in this run writes INTO readngs; "
                               "did you mean Readings?")


def test_configured_outputs_of_jobs_not_in_this_run_are_no_finding(repository):
    # The hook checks one changed job; the configuration also maps another job's output.
    write(repository, "schemacheck.toml", 'schemas = ["schemas"]\n\n[outputs.Archive]\nkind = "blob"\n')
    code, out, _ = run_cli("check", "--hook", "jobs/readings.asaql", "--format", "json")
    assert code == 0 and "SC407" not in out


def test_an_alias_in_other_letter_case_still_maps(repository):
    write(repository, "schemacheck.toml", 'schemas = ["schemas"]\n\n[outputs.READINGS]\ntable = "Alerts"\n')
    code, out, _ = run_cli("check", "jobs/readings.asaql", "--format", "json")
    document = json.loads(out)
    assert "SC407" not in out
    assert document["files"][0]["outputs"][0]["table"] == "Alerts"   # the mapping applied (and found the slip)
    assert code == 1


# ---- linter habits --------------------------------------------------------------------------

def test_quiet_prints_the_findings_only(repository):
    code, out, _ = run_cli("check", "jobs", "--quiet")
    assert code == 1
    assert out.startswith("error[SC102]: output column deviceId") and "outputs compared" not in out
    assert "= help:" not in out and "jobs/alerts.asaql\n" not in out


def test_statistics_count_findings_per_rule(repository):
    write(repository, "jobs/more.asaql", SLIP.replace("Level", "Levels"))
    code, out, _ = run_cli("check", "jobs", "--statistics")
    assert code == 1
    assert out.splitlines()[0] == "3  SC405  table-by-name  [info]"
    assert "2  SC102  column-case-differs  [error]" in out.splitlines()
    code, out, _ = run_cli("check", "jobs", "--statistics", "--format", "json")
    rules = json.loads(out)["rules"]
    assert rules[1] == {"code": "SC102", "name": "column-case-differs", "severity": "error", "count": 2}
    assert sum(r["count"] for r in rules) == sum(1 for f in json.loads(run_cli("check", "jobs", "--format", "json")[1])
                                                 ["files"] for _ in f["diagnostics"])
    code, _, err = run_cli("check", "jobs", "--statistics", "--format", "sarif")
    assert code == 2 and "--statistics prints text or json" in err


def test_exit_zero_reports_but_does_not_fail(repository):
    code, out, _ = run_cli("check", "jobs", "--exit-zero")
    assert code == 0 and "error[SC102]" in out
    code, _, _ = run_cli("check", "jobs", "--exit-zero", "--format", "azure")
    assert code == 0
    # A file that cannot be read still ends the run with 2.
    code, _, _ = run_cli("check", "jobs", "missing.asaql", "--exit-zero")
    assert code == 2


def test_each_rule_gets_its_help_once_in_text(repository):
    write(repository, "jobs/more.asaql", SLIP.replace("Level", "Levels"))
    code, out, _ = run_cli("check", "jobs")
    assert out.count("= help: `schemacheck rules SC102` explains column-case-differs") == 1
    code, rule, _ = run_cli("rules", "SC102")
    assert code == 0 and "column-case-differs" in rule
