"""Shared test helpers. ../shared (reference corpus) is read in place and is optional."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "asa"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

requires_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/asa is not present")


@pytest.fixture(autouse=True)
def _no_ci_environment(monkeypatch, tmp_path):
    """Tests see no CI system and no colour settings, whatever runs them: `--format auto`
    would otherwise print GitHub or Azure Pipelines commands when the suite runs in CI.
    Each test has its own result cache, empty at its start (so runs are stored and
    checked, and no test answers from another's run or from the user's cache)."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "TF_BUILD", "NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCHEMACHECK_CACHE_DIR", str(tmp_path / "schemacheck-cache"))


def corpus_queries() -> list[Path]:
    return sorted(CORPUS.glob("*.asaql")) if CORPUS.is_dir() else []


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns (exit code, stdout, stderr)."""
    from schemacheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def assert_golden(golden: Path, actual: dict) -> None:
    """`actual` equals the golden file; SCHEMACHECK_UPDATE_GOLDEN=1 rewrites it (review the diff)."""
    import json
    import os

    if os.environ.get("SCHEMACHECK_UPDATE_GOLDEN"):
        golden.write_text(render_golden(actual), encoding="utf-8")
    assert golden.exists(), f"no {golden}: run with SCHEMACHECK_UPDATE_GOLDEN=1 and review it"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def rules_fired(cases) -> set[str]:
    """The rule codes of every diagnostic in the cases' golden files."""
    import json

    fired = set()
    for case in cases:
        fired.update(d[0] for d in json.loads((case / "expected.json").read_text(encoding="utf-8"))["diagnostics"])
    return fired


def render_golden(summary: dict) -> str:
    """A golden file's JSON: scalars on one line, each item of a list on its own line, so
    that a change shows as a small diff."""
    import json

    def value(item):
        if isinstance(item, list) and item:
            return "[\n" + ",\n".join("    " + json.dumps(i) for i in item) + "\n  ]"
        return json.dumps(item)

    return "{\n" + ",\n".join(f'  "{key}": {value(item)}' for key, item in summary.items()) + "\n}\n"


SAMPLE_JOB = ROOT / "samples" / "fleet-telemetry"


def adx_only_sample(destination: Path) -> Path:
    """A copy of the sample job without its SQL output (statement, output file, project
    entry and DDL): a job whose outputs are Azure Data Explorer and Blob storage only."""
    import shutil

    job = destination / "fleet-telemetry"
    shutil.copytree(SAMPLE_JOB, job, ignore=shutil.ignore_patterns("FleetOps", "sql-vehicle-status.json"))
    query = job / "FleetTelemetry.asaql"
    text = query.read_text(encoding="utf-8")
    start, end = text.index("-- Latest status per vehicle"), text.index("SELECT * INTO [raw-archive]")
    text = text[:start] + text[end:]
    query.write_text("".join(line for line in text.splitlines(keepends=True) if "sql-vehicle-status" not in line),
                     encoding="utf-8")
    project = job / "asaproj.json"
    lines = project.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "sql-vehicle-status" not in line]
    project.write_text("".join(kept).replace('"Output" },\n  ]', '"Output" }\n  ]'), encoding="utf-8")
    assert "sql-vehicle-status" not in query.read_text(encoding="utf-8")
    return job
