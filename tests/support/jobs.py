"""Helpers of the tests of reading jobs (tests/jobs/): the fixtures' folders, a minimal VS Code
project around a query (`project`, `with_file`), a position as (file name, line, column)
(`at`), and a minimal ARM template (`job_template`)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES

from schemacheck.jobs.model import Job, Where
from schemacheck.jobs.project import read_vscode_project
from support.files import write

JOBS = FIXTURES / "jobs"
ARM = JOBS / "arm"
TELEMETRY = JOBS / "vscode" / "telemetry"
PARTIAL = JOBS / "vscode" / "partial"
LEGACY = JOBS / "vs" / "legacy"


def project(directory: Path, configurations: list, start: str | None = "Job.asaql", **extra) -> str:
    """A minimal asaproj.json (and its query) in `directory` listing `configurations`."""
    data = {"name": "job", **({"startFile": start} if start else {}), "configurations": configurations,
            **extra}
    if start:
        write(directory, start, "SELECT * INTO Out FROM In\n")
    return str(write(directory, "asaproj.json", data))


def with_file(directory: Path, subtype: str, name: str, content: object) -> Job:
    """Read a project listing one file of `subtype` with `content`."""
    write(directory, name, content)
    return read_vscode_project(project(directory, [{"filePath": name, "subType": subtype}]))


def at(where: Where | None) -> tuple:
    """(file name, line, column) of a position."""
    return (os.path.basename(where.file), where.line, where.column) if where else None


def job_template(**job_fields) -> dict:
    job = {"type": "Microsoft.StreamAnalytics/streamingjobs", "name": "j",
           "properties": {"transformation": {"properties": {"query": "SELECT 1 INTO o FROM i"}}}}
    job.update(job_fields)
    return {"resources": [job]}
