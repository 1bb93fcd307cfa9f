"""The CI snippets in examples/ci/ (and in the README) run as written.

Each workflow file is parsed as YAML; every step that runs schemacheck is run in-process, in a
copy of the sample project laid out as a repository, with the variables the CI system sets
(GITHUB_ACTIONS and GITHUB_STEP_SUMMARY, or TF_BUILD and the Common.TestResultsDirectory macro).
What the CI system reads back (workflow commands, the step summary, SARIF, logging commands,
JUnit) is then parsed the way that system would. The install step is the README's pip command,
which tests/packaging/test_packaging.py runs as written.
"""

from __future__ import annotations

import json
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SHARED, run_cli
from support.ci_commands import parse_azure_issue, parse_github_command

EXAMPLES = ROOT / "examples" / "ci"
SAMPLE = ROOT / "samples" / "fleet-telemetry"
SARIF_SCHEMA = SHARED / "data" / "sarif-schema-2.1.0.json"


def steps(workflow: dict) -> list[dict]:
    if "jobs" in workflow:
        return [step for job in workflow["jobs"].values() for step in job["steps"]]
    return workflow["steps"]


def schemacheck_commands(path: Path, key: str, macros: dict[str, str]) -> list[list[str]]:
    """The schemacheck command lines of the workflow's steps, `|| test $? -eq 1` taken off
    (it only lets exit code 1, "findings", through) and macros expanded."""
    commands = []
    for step in steps(yaml.safe_load(path.read_text(encoding="utf-8"))):
        line = step.get(key, "")
        if not line.startswith("schemacheck "):
            continue
        line, _, tolerated = line.partition(" || ")
        assert tolerated in ("", "test $? -eq 1"), line
        for macro, value in macros.items():
            line = line.replace(macro, value)
        commands.append(shlex.split(line)[1:])
    return commands


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """The sample job as a repository checked out at the working directory."""
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root / "jobs" / "fleet-telemetry")
    monkeypatch.chdir(root)
    return root


def test_the_workflow_files_are_what_the_readme_shows():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("github-actions.yml", "azure-pipelines.yml"):
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        assert f"```yaml\n{text}```" in readme, f"README.md does not show examples/ci/{name} as it is"


def test_the_install_step_is_the_readmes_tested_install_command():
    """Each snippet installs schemacheck with the README's pip command, which
    tests/test_packaging.py runs as written (from a tagged clone in place of the remote)."""
    from support.packaging import REMOTE, TAG, command, section

    recipe = command(section("Install"), 'pip install "schemacheck @ git+')
    assert recipe == f'pip install "schemacheck @ git+{REMOTE}@{TAG}"'
    for name, key in (("github-actions.yml", "run"), ("azure-pipelines.yml", "script")):
        loaded = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
        installs = [step[key] for step in steps(loaded) if step.get(key, "").startswith("pip install")]
        assert installs == [recipe], name


def test_the_github_workflow_uses_current_actions_and_an_upload_that_cannot_fail_the_check():
    text = (EXAMPLES / "github-actions.yml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    uses = [step["uses"] for step in steps(loaded) if "uses" in step]
    assert uses == ["actions/checkout@v5", "actions/setup-python@v6", "github/codeql-action/upload-sarif@v4"]
    (upload,) = [step for step in steps(loaded) if step.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    # A fork's pull request gets a read-only token, and code scanning may be off: the upload fails
    # then, and the check must not turn red for it. The snippet says why, next to the setting.
    assert upload["continue-on-error"] is True and upload["if"] == "always()"
    comment = text.split("- name: Upload to code scanning\n", 1)[1].split("continue-on-error:", 1)[0]
    assert "fork" in comment and "read-only token" in comment and "code scanning may be off" in comment


def test_github_actions_run(repository, tmp_path, monkeypatch):
    workflow = EXAMPLES / "github-actions.yml"
    loaded = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    uses = [step.get("uses", "").split("@")[0] for step in steps(loaded)]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert "github/codeql-action/upload-sarif" in uses
    check, sarif_run = schemacheck_commands(workflow, "run", {})
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    code, out, err = run_cli(*check)
    assert (code, err) == (1, "")
    commands = [parse_github_command(line) for line in out.splitlines() if line.startswith("::")]
    annotations = [props for name, props, _ in commands if name in ("error", "warning", "notice")]
    assert annotations and {name for name, _, _ in commands} >= {"group", "endgroup", "error", "warning"}
    titles = set()
    for props in annotations:
        # GitHub places an annotation only on a path relative to the repository root.
        assert (repository / props["file"]).is_file(), props["file"]
        assert int(props["line"]) >= 1 and int(props["col"]) >= 1
        titles.add(props["title"].split()[0])
    assert {"SC101", "SC102", "SC201", "SC301"} <= titles
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n"), "the step summary is appended to, not replaced"
    assert all(code in written for code in ("SC101", "SC102", "SC201"))

    code, out, err = run_cli(*sarif_run)
    assert (code, out, err) == (1, "", "")
    document = json.loads((repository / "schemacheck.sarif").read_text(encoding="utf-8"))
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    results = document["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= titles
    for result in results:
        for location in result.get("locations", []):
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert (repository / uri).is_file(), uri


def test_azure_pipelines_run(repository, tmp_path, monkeypatch):
    pipeline = EXAMPLES / "azure-pipelines.yml"
    loaded = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    tasks = [step.get("task") for step in steps(loaded) if "task" in step]
    assert tasks == ["UsePythonVersion@0", "PublishTestResults@2"]
    results_dir = tmp_path / "TestResults"
    results_dir.mkdir()
    check, junit_run = schemacheck_commands(pipeline, "script",
                                            {"$(Common.TestResultsDirectory)": str(results_dir)})
    monkeypatch.setenv("TF_BUILD", "True")

    code, out, err = run_cli(*check)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    issues = [parse_azure_issue(line) for line in lines if line.startswith("##vso[task.logissue")]
    assert issues and all(issues)
    codes = set()
    for props, _ in issues:
        assert props["type"] in ("error", "warning")
        assert (repository / props["sourcepath"]).is_file(), props["sourcepath"]
        codes.add(props["code"])
    assert {"SC101", "SC102", "SC201", "SC301"} <= codes
    assert lines[-1].startswith("##vso[task.complete result=Failed")

    code, out, err = run_cli(*junit_run)
    assert (code, out, err) == (1, "", "")
    publish = next(step for step in steps(loaded) if step.get("task") == "PublishTestResults@2")
    published = publish["inputs"]["testResultsFiles"].replace("$(Common.TestResultsDirectory)", str(results_dir))
    tree = ET.parse(published)
    cases = tree.getroot().iter("testcase")
    outcome = {case.get("name"): case.find("failure") is not None for case in cases}
    assert outcome["adx-alerts -> OverheatAlerts"] is True
    assert outcome["adx-readings -> VehicleReadings"] is False


def test_a_clean_repository_passes_both_pipelines(repository, tmp_path, monkeypatch):
    (repository / "jobs" / "fleet-telemetry" / "schemacheck.toml").write_text(
        '[rules]\nSC101 = "off"\nSC102 = "off"\nSC201 = "off"\nSC107 = "off"\n', encoding="utf-8")
    monkeypatch.setenv("TF_BUILD", "True")
    (check, _) = schemacheck_commands(EXAMPLES / "azure-pipelines.yml", "script", {"$(Common.TestResultsDirectory)": "."})
    code, out, _ = run_cli(*check)
    assert code == 0 and "result=Failed" not in out
    monkeypatch.delenv("TF_BUILD")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (check, _) = schemacheck_commands(EXAMPLES / "github-actions.yml", "run", {})
    code, out, _ = run_cli(*check)
    assert code == 0 and "::error" not in out
