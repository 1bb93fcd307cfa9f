"""The sample job, copied into the run's work folder with and without its SQL output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from harness.common import REPO, SAMPLE, SAMPLE_DIR, SQL_OUTPUT, BenchError, probe_report_command
from harness.install import Venv

SQL_OUTPUT_FILES = ("Outputs/sql-vehicle-status.json", "schemas/FleetOps")
SQL_STATEMENT_START = "-- Latest status per vehicle"
SQL_STATEMENT_END = "SELECT * INTO [raw-archive]"


class SampleCopies:
    """The sample job copied into the run's work folder: `adx_only` (the query of the copy
    without its SQL output) and `with_sql` (the query of an unchanged copy)."""

    def __init__(self, adx_only: Path, with_sql: Path) -> None:
        self.adx_only = adx_only
        self.with_sql = with_sql


def without_lines_naming(text: str, name: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if name not in line)


def files_naming(folder: Path, name: str) -> list[str]:
    """The files under `folder` whose path or content holds `name`."""
    needle = name.encode("utf-8")
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if name in str(p.relative_to(folder)) or (p.is_file() and needle in p.read_bytes()))


def copy_samples(work: Path) -> SampleCopies:
    """Two copies of samples/fleet-telemetry under <work>/samples, made at the start of the run:
    one as it is and one with Azure Data Explorer (and blob) outputs only.

    The ADX-only copy keeps the figures comparable with runs from before the sample had a SQL
    output: it lacks the SQL output's file, its DDL (schemas/FleetOps), its statement and
    every line naming it (the header comment, the asaproj.json entry). Both copies sit under
    an empty .git folder, the top of a work tree where the walk up to find a project stops,
    so that files the run adds to the work folder do not touch what the checks read.
    """
    root = work / "samples"
    root.mkdir()
    (root / ".git").mkdir()
    with_sql = root / "fleet-telemetry"
    adx_only = root / "fleet-telemetry-adx-only"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(SAMPLE_DIR, with_sql, ignore=ignore)
    shutil.copytree(SAMPLE_DIR, adx_only, ignore=ignore)
    if not files_naming(with_sql, SQL_OUTPUT):
        raise BenchError(f"{SAMPLE_DIR.relative_to(REPO)} no longer names {SQL_OUTPUT}: "
                         "change copy_samples in benchmarks/harness/samples.py")
    for relative in SQL_OUTPUT_FILES:
        path = adx_only / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()
        else:
            raise BenchError(f"the sample has no {relative}: change SQL_OUTPUT_FILES in benchmarks/harness/samples.py")
    query = adx_only / SAMPLE.name
    text = query.read_text(encoding="utf-8")
    start, end = text.find(SQL_STATEMENT_START), text.find(SQL_STATEMENT_END)
    if start < 0 or end < start:
        raise BenchError(f"the sample query no longer holds {SQL_STATEMENT_START!r} before {SQL_STATEMENT_END!r}: "
                         "change copy_samples in benchmarks/harness/samples.py")
    query.write_text(without_lines_naming(text[:start] + text[end:], SQL_OUTPUT), encoding="utf-8")
    project = adx_only / "asaproj.json"
    # The entry dropped may have been the last of its list: no comma may close the list.
    entries = re.sub(r",(\s*[\]}])", r"\1", without_lines_naming(project.read_text(encoding="utf-8"), SQL_OUTPUT))
    try:
        json.loads(entries)
    except ValueError as error:
        raise BenchError(f"asaproj.json of the ADX-only sample is not valid JSON ({error}): "
                         "change copy_samples in benchmarks/harness/samples.py") from error
    project.write_text(entries, encoding="utf-8")
    left = files_naming(adx_only, SQL_OUTPUT)
    if left:
        raise BenchError(f"the ADX-only sample still names {SQL_OUTPUT}: {', '.join(left)}")
    return SampleCopies(adx_only=query, with_sql=with_sql / SAMPLE.name)


def verify_adx_only_sample(venv: Venv, query: Path, work: Path) -> str:
    """Its cold check exits 1, for its ADX findings, and names no SQL output; its summary line."""
    check = [venv.schemacheck, "check", "--no-cache", query]
    result = probe_report_command(check, work, "`schemacheck check` of the ADX-only sample")
    if result.returncode != 1 or SQL_OUTPUT in result.stdout:
        raise BenchError(f"`schemacheck check --no-cache` of the ADX-only sample exits {result.returncode} "
                         f"(expected 1, its ADX findings, and no {SQL_OUTPUT}):\n    "
                         + "\n    ".join(result.stdout.strip().splitlines()[:8]))
    return result.stdout.strip().splitlines()[-1]
