"""The pre-commit hook, run by the real pre-commit framework on a repository of queries.

pre-commit installs this project into its own environment from the package index, so
the test is marked `network` (deselect with `-m "not network"` when offline).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.network

TABLE = ".create table Readings (DeviceId: string, Temp: real)\n"
GOOD = "SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(t AS float) AS Temp INTO Readings FROM input\n"
BAD = "SELECT CAST(d AS nvarchar(max)) AS deviceId, CAST(t AS float) AS Temp INTO Readings FROM input\n"


def _run(args, cwd, env):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path_factory.mktemp("queries")
    (repo / "schemas").mkdir()
    (repo / "schemas" / "tables.kql").write_text(TABLE)
    (repo / "schemacheck.toml").write_text('schemas = ["schemas"]\n')
    (repo / "good.asaql").write_text(GOOD)
    (repo / "bad.asaql").write_text(BAD)
    (repo / "README.md").write_text("Queries of the team.\n")
    # A VS Code project whose JobConfig.json sets compatibility level 1.0 and whose output
    # file names the table: a changed query alone must be checked with both.
    shutil.copytree(FIXTURES / "jobs" / "cases" / "vscode-level-1-0", repo / "meters")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-q", "-m", "queries"]):
        subprocess.run(args, cwd=repo, env=env, check=True)
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
