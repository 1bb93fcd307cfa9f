"""The pre-commit hook, run by the real pre-commit framework on repositories of queries.

Two parts, each with its own fixtures:

- The hook's behaviour: `pre-commit try-repo` of this checkout (uncommitted changes included) on
  a repository of queries (`repository`, `_try_repo`).
- The README's recipes as written: its `.pre-commit-config.yaml` blocks and its `pre-commit
  try-repo` command, with the remote's URL replaced by a local clone of this checkout tagged
  with the tag they name (`tagged_clone`; see tests/support/packaging.py), on a repository laid out
  as the README's examples are (`jobs_repository`).

pre-commit installs this project into its own environment from the package index, so the
tests are marked `network` (deselect with `-m "not network"` when offline).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from support.packaging import (
    at_local_remote,
    git_env,
    readme,
    shell_commands,
    tagged_clone_fixture,  # noqa: F401  (the fixture tagged_clone)
)

pytestmark = pytest.mark.network

TABLE = ".create table Readings (DeviceId: string, Temp: real)\n"
GOOD = "SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(t AS float) AS Temp INTO Readings FROM input\n"
BAD = "SELECT CAST(d AS nvarchar(max)) AS deviceId, CAST(t AS float) AS Temp INTO Readings FROM input\n"


def _run(args, cwd, env):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)


def _output(result) -> str:
    return f"exit code {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """The environment pre-commit and git run in: the module's own pre-commit home (so the hook's
    environments are built once per module, never taken from the user's), a git identity, and
    this interpreter's scripts (pre-commit) first on the PATH."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    scripts = Path(sys.executable).parent
    return {**git_env(), "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
            "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"}


def _git_repository(root: Path, env: dict[str, str], files: dict[str, str] | None = None) -> Path:
    """A git repository at `root` holding `files` (path -> text) and whatever `root` already
    holds, all committed."""
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    for args in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-q", "-m", "queries"]):
        subprocess.run(args, cwd=root, env=env, check=True)
    return root


# The hook's behaviour, from this checkout.


@pytest.fixture(scope="module")
def repository(tmp_path_factory, env):
    repo = tmp_path_factory.mktemp("queries")
    # A VS Code project whose JobConfig.json sets compatibility level 1.0 and whose output
    # file names the table: a changed query alone must be checked with both.
    shutil.copytree(FIXTURES / "jobs" / "cases" / "vscode-level-1-0", repo / "meters")
    _git_repository(repo, env, {
        "schemas/tables.kql": TABLE,
        "schemacheck.toml": 'schemas = ["schemas"]\n',
        "good.asaql": GOOD,
        "bad.asaql": BAD,
        "README.md": "Queries of the team.\n",
    })
    return repo, env


def _try_repo(repository, *files):
    repo, env = repository
    # try-repo runs the hooks of this checkout, uncommitted changes included.
    return _run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "schemacheck", "--verbose",
                 "--files", *files], repo, env)


def test_the_hook_passes_a_query_that_fits_its_table(repository):
    result = _try_repo(repository, "good.asaql")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_the_hook_fails_a_query_with_a_case_slip(repository):
    result = _try_repo(repository, "good.asaql", "bad.asaql")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout and "SC102" in result.stdout and "bad.asaql:1:8" in result.stdout


def test_a_query_of_a_project_is_checked_with_the_projects_level_and_mapping(repository):
    result = _try_repo(repository, "meters/Meters.asaql")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "job meter-readings" in result.stdout and "-> MeterReadings" in result.stdout
    assert "SC102" in result.stdout and "level 1.0 is set in meters/JobConfig.json:6" in result.stdout


def test_a_changed_project_file_runs_the_hook_and_other_files_do_not(repository):
    result = _try_repo(repository, "meters/JobConfig.json", "meters/Outputs/readings.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("job meter-readings") == 1
    result = _try_repo(repository, "README.md")
    assert result.returncode == 0 and "no files to check" in result.stdout


# Jobs defined in Terraform and Bicep: a changed .tf, .bicep, query or script is checked as
# the job that reads it; a module that defines no job passes quietly.

NETWORK_TF = """resource "azurerm_virtual_network" "core" {
  name                = "vnet-core"
  address_space       = ["10.0.0.0/16"]
  location            = "westeurope"
  resource_group_name = "rg-network"
}
"""


@pytest.fixture(scope="module")
def iac_repository(tmp_path_factory, env):
    repo = tmp_path_factory.mktemp("infrastructure")
    shutil.copytree(FIXTURES / "iac" / "terraform-files", repo / "infra" / "payments")
    shutil.copytree(FIXTURES / "iac" / "bicep-children", repo / "infra" / "fleet")
    for expected in (repo / "infra").rglob("expected*.json"):
        expected.unlink()
    _git_repository(repo, env, {"infra/network/main.tf": NETWORK_TF, "README.md": "Infrastructure.\n"})
    return repo, env


def test_a_terraform_module_without_a_job_passes_quietly(iac_repository):
    result = _try_repo(iac_repository, "infra/network/main.tf")
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    assert "infra/network" not in result.stdout, _output(result)


def test_a_changed_bicep_file_checks_its_job(iac_repository):
    result = _try_repo(iac_repository, "infra/fleet/main.bicep")
    assert result.returncode == 1 and "Failed" in result.stdout, _output(result)
    assert "infra/fleet/main.bicep:81:5" in result.stdout and "SC102" in result.stdout, _output(result)


@pytest.mark.parametrize("changed", ["infra/payments/queries/payments.asaql", "infra/payments/tables.kql",
                                     "infra/payments/variables.tf"])
def test_a_query_script_or_tf_file_of_a_terraform_job_checks_that_job(iac_repository, changed):
    result = _try_repo(iac_repository, changed)
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    assert result.stdout.count("Terraform configuration infra/payments/main.tf") == 1, _output(result)
    assert "SC202" in result.stdout, _output(result)


# Microsoft Fabric workspaces in git: a changed file of a *.Eventstream folder is checked as the
# jobs of its SQL operators; a changed DatabaseSchema.kql of a KQL database re-checks the
# Eventstreams of its workspace folder (and no other workspace's); other files pass quietly.

# The workspace folder "fleet": the Fleet Eventhouse of tests/fixtures/fabric/workspace (its KQL
# database fleet defines Positions and SpeedAlerts) and two Eventstreams, written here in the
# shape of the fixtures, whose SQL operators write those tables and fit them.
SCHEMA = "fleet/Fleet.Eventhouse/.children/fleet.KQLDatabase/DatabaseSchema.kql"
POSITIONS = "fleet/Positions.Eventstream/eventstream.json"
ALERTS = "fleet/Alerts.Eventstream/eventstream.json"
POSITIONS_QUERY = ("SELECT CAST(VehicleId AS nvarchar(max)) AS VehicleId, CAST(Lat AS float) AS Latitude,\n"
                   "    CAST(Lon AS float) AS Longitude, CAST(EventTime AS datetime) AS ReportedAt\n"
                   "INTO [positions]\nFROM [Positions-stream]\n")
ALERTS_QUERY = ("SELECT CAST(VehicleId AS nvarchar(max)) AS VehicleId, CAST(Speed AS bigint) AS Speed,\n"
                "    CAST(EventTime AS datetime) AS ReportedAt\n"
                "INTO [speed-alerts]\nFROM [Alerts-stream]\nWHERE CAST(Speed AS bigint) > 90\n")


def _eventstream(name: str, operator: str, destination: str, table: str, query: str, logical_id: str) -> dict[str, str]:
    """The files of the Eventstream folder fleet/<name>.Eventstream: a source, its default stream,
    a SQL operator running `query` and an Eventhouse destination (processed ingestion) writing
    `table` of the KQL database fleet."""
    topology = f"""{{
  "sources": [
    {{
      "name": "{name.lower()}-hub",
      "type": "AzureEventHub",
      "properties": {{ "consumerGroupName": "{name.lower()}" }}
    }}
  ],
  "destinations": [
    {{
      "name": "{destination}",
      "type": "Eventhouse",
      "properties": {{
        "dataIngestionMode": "ProcessedIngestion",
        "workspaceId": "0b1e6c2a-5d3f-4e8a-9c7b-1a2b3c4d5e6f",
        "itemId": "3c1f0a52-6d8e-4b7a-9e21-5f4d3c2b1a02",
        "databaseName": "fleet",
        "tableName": "{table}"
      }},
      "inputNodes": [ {{ "name": "{operator}" }} ]
    }}
  ],
  "streams": [
    {{
      "name": "{name}-stream",
      "type": "DefaultStream",
      "properties": {{}},
      "inputNodes": [ {{ "name": "{name.lower()}-hub" }} ]
    }}
  ],
  "operators": [
    {{
      "name": "{operator}",
      "type": "SQL",
      "inputNodes": [ {{ "name": "{name}-stream" }} ],
      "properties": {{
        "query": {json.dumps(query)}
      }}
    }}
  ],
  "compatibilityLevel": "1.1"
}}
"""
    platform = f"""{{
  "$schema": "https://developer.microsoft.com/json-schemas/fabric/gitIntegration/platformProperties/2.0.0/schema.json",
  "metadata": {{
    "type": "Eventstream",
    "displayName": "{name}"
  }},
  "config": {{
    "version": "2.0",
    "logicalId": "{logical_id}"
  }}
}}
"""
    return {f"fleet/{name}.Eventstream/eventstream.json": topology, f"fleet/{name}.Eventstream/.platform": platform}


FLEET_EVENTSTREAMS = {
    **_eventstream("Positions", "route", "positions", "Positions", POSITIONS_QUERY,
                   "8a4e2f10-1c3b-4d5e-9f60-7a8b9c0d1e11"),
    **_eventstream("Alerts", "flag", "speed-alerts", "SpeedAlerts", ALERTS_QUERY,
                   "8a4e2f10-1c3b-4d5e-9f60-7a8b9c0d1e12"),
}


def _fleet_workspace(repo: Path) -> None:
    shutil.copytree(FIXTURES / "fabric" / "workspace" / "Fleet.Eventhouse", repo / "fleet" / "Fleet.Eventhouse")


@pytest.fixture
def fabric_repository(tmp_path, env):
    """The workspace folder fleet, and beside it the workspace folder staging (a copy of
    tests/fixtures/fabric/workspace, whose Eventstreams have findings and whose KQL database is
    also named fleet)."""
    repo = tmp_path / "fabric"
    _fleet_workspace(repo)
    shutil.copytree(FIXTURES / "fabric" / "workspace", repo / "staging")
    _git_repository(repo, env, {**FLEET_EVENTSTREAMS, "README.md": "Fabric workspaces.\n"})
    return repo, env


def _at(repo: Path, file: str, text: str) -> str:
    """`file:line:column` of the first `text` in the file (1-based, as the findings say)."""
    for number, line in enumerate((repo / file).read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return f"{file}:{number}:{line.index(text) + 1}"
    raise AssertionError(f"{text!r} is not in {file}")


def _edited(repo: Path, file: str, old: str, new: str) -> None:
    text = (repo / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, (file, old)
    (repo / file).write_text(text.replace(old, new), encoding="utf-8")


def test_a_clean_fabric_eventstream_passes(fabric_repository):
    # Both files of the folder changed: its one SQL operator is checked once.
    result = _try_repo(fabric_repository, POSITIONS, "fleet/Positions.Eventstream/.platform")
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    assert result.stdout.count("job Positions/route") == 1, _output(result)
    assert "-> fleet/Positions" in result.stdout and ": ok;" in result.stdout, _output(result)
    assert "Alerts" not in result.stdout and "staging/" not in result.stdout, _output(result)


def test_a_column_renamed_in_a_fabric_eventstream_json_fails_at_its_place_in_the_file(fabric_repository):
    repo, _ = fabric_repository
    _edited(repo, POSITIONS, "AS Longitude,", "AS Longtitude,")
    result = _try_repo(fabric_repository, POSITIONS)
    assert result.returncode == 1 and "Failed" in result.stdout, _output(result)
    # The finding points into eventstream.json, at the column's expression in the query's string.
    where = _at(repo, POSITIONS, "CAST(Lon AS float) AS Longtitude")
    assert "error[SC101]" in result.stdout and f"--> {where}\n" in result.stdout, _output(result)
    assert "Longtitude has no column of that name in table fleet/Positions" in result.stdout, _output(result)


def test_a_changed_fabric_database_schema_rechecks_the_eventstreams_of_its_workspace(fabric_repository):
    repo, _ = fabric_repository
    result = _try_repo(fabric_repository, SCHEMA)
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    assert result.stdout.count("job Positions/route") == result.stdout.count("job Alerts/flag") == 1, _output(result)
    # The column Longitude renamed in the table only: the query that writes it no longer fits.
    _edited(repo, SCHEMA, "Longitude:real", "Lon:real")
    result = _try_repo(fabric_repository, SCHEMA)
    assert result.returncode == 1 and "Failed" in result.stdout, _output(result)
    assert result.stdout.count("job Positions/route") == result.stdout.count("job Alerts/flag") == 1, _output(result)
    where = _at(repo, POSITIONS, "CAST(Lon AS float) AS Longitude")
    assert "error[SC101]" in result.stdout and f"--> {where}\n" in result.stdout, _output(result)
    assert "Longitude has no column of that name in table fleet/Positions" in result.stdout, _output(result)
    # The other workspace's Eventstreams (and its database of the same name) are not checked.
    assert "staging/" not in result.stdout and "Telemetry" not in result.stdout, _output(result)


# Files the hook's pattern leaves out (it does not run), and a query of a KQL queryset, which the
# pattern takes (.kql) but which belongs to no job (the hook runs and passes quietly).
@pytest.mark.parametrize(("changed", "hook_says"), [
    ("README.md", "(no files to check)Skipped"),
    ("fleet/Fleet.Eventhouse/.platform", "(no files to check)Skipped"),
    ("fleet/Fleet.Eventhouse/.children/fleet.KQLDatabase/DatabaseProperties.json", "(no files to check)Skipped"),
    ("fleet/Ops.KQLQueryset/adhoc.kql", "Passed"),
])
def test_other_files_of_a_fabric_repository_pass_quietly(fabric_repository, changed, hook_says):
    repo, env = fabric_repository
    _change(repo, env, {"fleet/Ops.KQLQueryset/adhoc.kql": "Positions\n| take 10\n"})
    result = _try_repo(fabric_repository, changed)
    assert result.returncode == 0 and hook_says in result.stdout, _output(result)
    assert "job " not in result.stdout and "fleet/" not in result.stdout, _output(result)


# The README's recipes, as written, from a tagged clone in place of the remote.

# The job the README's try-repo command names: a VS Code project whose query fits its table.
JOB = {
    "streaming/fleet/asaproj.json": '{"name": "fleet", "startFile": "Fleet.asaql", "configurations": []}\n',
    "streaming/fleet/schemas/Readings.kql": TABLE,
    "streaming/fleet/Fleet.asaql": GOOD,
}
QUERY = "streaming/fleet/Fleet.asaql"
# Beside the jobs, files the hook's own pattern matches: a draft query that does not parse, and
# an Azure Functions app's functions/ folder.
ELSEWHERE = {
    "sandbox/draft.asaql": "SELECT FROM\n",
    "functions/Http/function.json": '{"bindings": []}\n',
}


@pytest.fixture
def jobs_repository(tmp_path, env):
    """A repository holding the job JOB only."""
    return _git_repository(tmp_path / "jobs", env, JOB)


def _change(repo: Path, env: dict[str, str], files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=repo, env=env, check=True)


def _readme_configurations() -> dict[str, str]:
    """The README's .pre-commit-config.yaml examples: "plain" and "narrowed" (with files:)."""
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme(), re.S) if b.startswith("# .pre-commit-config.yaml")]
    found = {("narrowed" if "files:" in block else "plain"): block for block in blocks}
    assert len(found) == len(blocks) == 2, blocks
    return found


def _try_repo_command() -> str:
    (line,) = [line for line in shell_commands(readme()) if line.startswith("pre-commit try-repo ")]
    return line


def _pre_commit_run(repo: Path, env: dict[str, str], configuration: str, tagged_clone: Path):
    _change(repo, env, {".pre-commit-config.yaml": at_local_remote(configuration, tagged_clone)})
    return _run(["pre-commit", "run", "--all-files"], repo, env)


@pytest.mark.parametrize("files", ["as written", "--all-files"])
def test_the_readmes_try_repo_passes_a_clean_job_and_fails_a_broken_one(files, jobs_repository, env, tagged_clone):
    line = at_local_remote(_try_repo_command(), tagged_clone)
    assert line.endswith(f" --files {QUERY}"), line
    if files == "--all-files":  # the README's other choice
        line = line.removesuffix(f" --files {QUERY}") + " --all-files"
    result = _run(["bash", "-c", line], jobs_repository, env)
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    _change(jobs_repository, env, {QUERY: BAD})
    result = _run(["bash", "-c", line], jobs_repository, env)
    assert result.returncode == 1 and "Failed" in result.stdout, _output(result)
    assert "SC102" in result.stdout and f"{QUERY}:1:8" in result.stdout, _output(result)


def test_the_readmes_configuration_checks_queries_in_any_folder(jobs_repository, env, tagged_clone):
    plain = _readme_configurations()["plain"]
    result = _pre_commit_run(jobs_repository, env, plain, tagged_clone)
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    _change(jobs_repository, env, ELSEWHERE)
    result = _run(["pre-commit", "run", "--all-files"], jobs_repository, env)
    assert result.returncode != 0 and "Failed" in result.stdout, _output(result)
    assert "sandbox/draft.asaql" in result.stdout and "SC001" in result.stdout, _output(result)


def test_the_readmes_narrowed_configuration_checks_only_the_jobs_folder(jobs_repository, env, tagged_clone):
    narrowed = _readme_configurations()["narrowed"]
    assert "        files: ^streaming/\n" in narrowed and QUERY.startswith("streaming/")
    _change(jobs_repository, env, ELSEWHERE)
    result = _pre_commit_run(jobs_repository, env, narrowed, tagged_clone)
    assert result.returncode == 0 and "Passed" in result.stdout, _output(result)
    _change(jobs_repository, env, {QUERY: BAD})
    result = _run(["pre-commit", "run", "--all-files"], jobs_repository, env)
    assert result.returncode == 1 and "Failed" in result.stdout, _output(result)
    assert f"{QUERY}:1:8" in result.stdout and "sandbox/draft.asaql" not in result.stdout, _output(result)


# A first day under the real pre-commit framework, with real commits: a fresh repository of loose
# queries beside a root schemacheck.toml and schemas/, the hook installed from the README's plain
# configuration (the remote replaced by a tagged clone of this checkout).

LOOSE = {
    "schemacheck.toml": 'schemas = ["schemas"]\n',
    "schemas/tables.kql": TABLE + ".create table Alerts (DeviceId: string, Level: long)\n",
    "jobs/readings.asaql": GOOD,
    "jobs/alerts.asaql": "SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(l AS bigint) AS Level INTO Alerts FROM input\n",
    "README.md": "Queries of the team.\n",
}


@pytest.fixture
def hooked_repository(tmp_path, env, tagged_clone):
    """A repository with nothing committed yet and the hook installed as a git pre-commit hook."""
    repo = tmp_path / "team"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, env=env, check=True)
    plain = at_local_remote(_readme_configurations()["plain"], tagged_clone)
    (repo / ".pre-commit-config.yaml").write_text(plain, encoding="utf-8")
    result = _run(["pre-commit", "install"], repo, env)
    assert result.returncode == 0, _output(result)
    return repo


def _commit(repo: Path, env: dict[str, str], files: dict[str, str], message: str):
    _change(repo, env, files)
    return _run(["git", "commit", "-m", message], repo, env)


def _head(repo: Path, env: dict[str, str]) -> str:
    return _run(["git", "log", "--format=%s", "-1"], repo, env).stdout.strip()


def test_commits_of_a_first_day_pass_when_clean_and_fail_only_on_real_findings(hooked_repository, env):
    repo = hooked_repository
    # The first commit of everything: configuration, schemas, queries, the hook's configuration.
    result = _commit(repo, env, LOOSE, "first")
    assert result.returncode == 0 and _head(repo, env) == "first", _output(result)
    # git prints what its pre-commit hook says on stderr.
    assert re.search(r"^schemacheck\.+Passed$", result.stderr, re.M), _output(result)
    # A query changed together with its table's schema.
    result = _commit(repo, env, {
        "schemas/tables.kql": TABLE.replace("Temp: real", "Temp: real, Site: string"),
        "jobs/readings.asaql": GOOD.replace(" INTO", ", CAST(s AS nvarchar(max)) AS Site INTO"),
    }, "query and its table")
    assert result.returncode == 0 and _head(repo, env) == "query and its table", _output(result)
    # A file of another tool in a folder the hook's pattern matches.
    result = _commit(repo, env, {"api/schemas/user.json": '{"type": "object"}\n'}, "api schema")
    assert result.returncode == 0 and _head(repo, env) == "api schema", _output(result)
    assert re.search(r"^schemacheck\.+Passed$", result.stderr, re.M), _output(result)   # it ran, quietly
    # A schema change alone re-checks the queries that read it.
    result = _commit(repo, env, {"schemas/tables.kql": TABLE.replace("Temp: real", "Temp: real, Site: string")
                                 + ".create table Alerts (DeviceId: string, Level: long, Note: string)\n"},
                     "schema only")
    assert result.returncode == 0 and _head(repo, env) == "schema only", _output(result)
    # A real finding: the commit is refused and says why.
    result = _commit(repo, env, {"jobs/alerts.asaql": BAD.replace("Readings", "Alerts")}, "case slip")
    assert result.returncode != 0 and _head(repo, env) == "schema only", _output(result)
    assert re.search(r"^schemacheck\.+Failed$", result.stderr, re.M), _output(result)
    assert "SC102" in result.stderr and "jobs/alerts.asaql:1:8" in result.stderr, _output(result)


def test_commits_to_a_fabric_workspace_are_checked_as_its_eventstreams(hooked_repository, env):
    repo = hooked_repository
    # The first commit: the workspace folder fleet, with its Eventhouse and two clean Eventstreams.
    _fleet_workspace(repo)
    result = _commit(repo, env, {**FLEET_EVENTSTREAMS, "README.md": "Fabric workspace.\n"}, "workspace")
    assert result.returncode == 0 and _head(repo, env) == "workspace", _output(result)
    assert re.search(r"^schemacheck\.+Passed$", result.stderr, re.M), _output(result)
    # A column of the table renamed alone: the Eventstream that writes it is checked, and refused.
    renamed = (repo / SCHEMA).read_text(encoding="utf-8").replace("Longitude:real", "Lon:real")
    result = _commit(repo, env, {SCHEMA: renamed}, "table only")
    assert result.returncode != 0 and _head(repo, env) == "workspace", _output(result)
    assert re.search(r"^schemacheck\.+Failed$", result.stderr, re.M), _output(result)
    where = _at(repo, POSITIONS, "CAST(Lon AS float) AS Longitude")
    assert "error[SC101]" in result.stderr and f"--> {where}\n" in result.stderr, _output(result)
    # The table and the query that writes it, changed together.
    query = FLEET_EVENTSTREAMS[POSITIONS].replace("AS Longitude,", "AS Lon,")
    result = _commit(repo, env, {SCHEMA: renamed, POSITIONS: query}, "table and query")
    assert result.returncode == 0 and _head(repo, env) == "table and query", _output(result)
    # A file the hook does not read.
    result = _commit(repo, env, {"README.md": "Fabric workspace of the fleet.\n"}, "readme")
    assert result.returncode == 0 and _head(repo, env) == "readme", _output(result)
    assert re.search(r"^schemacheck\.+\(no files to check\)Skipped$", result.stderr, re.M), _output(result)
    # The query alone, no longer fitting its table: refused, at its place in eventstream.json.
    result = _commit(repo, env, {POSITIONS: query.replace("AS Lon,", "AS Lng,")}, "query only")
    assert result.returncode != 0 and _head(repo, env) == "readme", _output(result)
    where = _at(repo, POSITIONS, "CAST(Lon AS float) AS Lng")
    assert "error[SC101]" in result.stderr and f"--> {where}\n" in result.stderr, _output(result)
