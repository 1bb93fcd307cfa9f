"""The pipeline as a library: find the jobs, plan them, read their tables, check each one,
attach every finding to its statement (schemacheck.check.run has the steps).

    from schemacheck.check import Request, check_paths
    run = check_paths(Request(("jobs/",)))        # run.entries, run.failing, run.failed

Submodules: plan (what a job's analysis needs), destinations (where each output writes),
tables (the tables of each destination kind), run (check_job and check_paths),
job_findings (the job's own rules), suppressions, positions (queries inside templates),
mappings (mappings naming no output), results (FileCheck, OutputCheck).

Names are imported from their submodule on first use, so `import schemacheck.check.plan`
(what `infer` needs) does not import the comparators.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "Request": "run", "Run": "run", "check_paths": "run", "plan_paths": "run", "check_job": "run",
    "check_text": "run", "job_destinations": "run",
    "Target": "destinations", "Destination": "destinations", "parse_target": "destinations",
    "destination": "destinations",
    "Tables": "tables",
    "FileCheck": "results", "OutputCheck": "results", "COMPARED": "results", "NOT_CHECKED": "results",
    "NO_TABLE": "results", "TABLE_MISSING": "results",
    "JobPlan": "plan", "plan_job": "plan", "analyze_job": "plan", "infer_job": "plan",
}

# The names __getattr__ serves (a list, built from _EXPORTS so that the two cannot differ).
__all__ = sorted(_EXPORTS)  # noqa: PLE0605


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"schemacheck.check.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'schemacheck.check' has no attribute {name!r}")
