"""Which deployed jobs a command line means, read from ARM (or a saved REST answer), and
the check of each against its live tables, as a library: no argv, no printing.

    Selection          --job ID | --subscription S [--resource-group RG] [--job NAME]
    read_jobs(...)     -> [Deployed | Unreachable]   (bounded concurrency for single GETs)
    check_deployed(...) -> [(Deployed | Unreachable, FileCheck | None)]

A job the identity may not read, or whose tables it may not read, is `Unreachable` with
the reason and the role it needs; the others are still checked.
"""

from __future__ import annotations

from collections.abc import Callable

from schemacheck.deployed.resource import Deployed
from schemacheck.errors import UsageError
from schemacheck.records import Record, record

DEFAULT_CONCURRENCY = 8


@record
class Selection(Record):
    """The deployed jobs wanted: one job (`job` a name or resource id), a resource group, or a
    whole subscription; or the jobs saved in `files` (REST answers)."""

    subscription: str | None = None
    group: str | None = None
    job: str | None = None
    files: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.files:
            return ", ".join(self.files)
        if self.job and self.job.startswith("/"):
            return self.job
        scope = f"subscription {self.subscription}" + (f", resource group {self.group}" if self.group else "")
        return f"job {self.job} in {scope}" if self.job else scope


@record
class Unreachable(Record):
    """A deployed job that could not be read or checked: its id, and why (with the role needed)."""

    id: str
    message: str
    kind: str = "forbidden"

    @property
    def name(self) -> str:
        return self.id.rstrip("/").rsplit("/", 1)[-1]


def selection(job: str | None, subscription: str | None, group: str | None, files=()) -> Selection:
    """The Selection a command line gives, or UsageError saying what is missing."""
    from schemacheck.deployed.arm import parse_job_id

    files = tuple(files or ())
    if files:
        if job or subscription or group:
            raise UsageError("--deployed-file reads saved jobs: do not combine it with --job, --subscription or "
                             "--resource-group")
        return Selection(files=files)
    if job and job.strip().startswith("/"):
        parsed = parse_job_id(job)
        if parsed is None:
            raise UsageError(f"--job {job!r}: expected a streaming job's resource id, /subscriptions/SUB/"
                             "resourceGroups/RG/providers/Microsoft.StreamAnalytics/streamingjobs/NAME, or a name "
                             "with --subscription and --resource-group")
        sub, rg, _ = parsed
        if (subscription and subscription.lower() != sub.lower()) or (group and group.lower() != rg.lower()):
            raise UsageError(f"--job {job} is in subscription {sub}, resource group {rg}: it disagrees with "
                             "--subscription/--resource-group")
        return Selection(sub, rg, job.strip())
    if job and not (subscription and group):
        raise UsageError(f"--job {job}: give its --subscription and --resource-group too (or the job's resource id)")
    if not subscription:
        raise UsageError("which deployed jobs? give --job RESOURCE_ID, or --subscription S [--resource-group RG] "
                         "[--job NAME]")
    return Selection(subscription, group, job)


def read_jobs(arm, wanted: Selection, concurrency: int = DEFAULT_CONCURRENCY,
              progress: Callable[[int, int], None] | None = None) -> list[Deployed | Unreachable]:
    """The jobs `wanted`, read from ARM: a list (page by page) with everything expanded, and a
    GET for each listed job the list did not expand. A job ARM denies is Unreachable; a job
    named but not found is a UsageError; a scope that cannot be listed raises ArmError."""
    from schemacheck.deployed.arm import ArmError, job_id, parse_job_id
    from schemacheck.deployed.resource import is_job, resource_id

    def one(sub: str, rg: str, name: str) -> Deployed | Unreachable:
        wanted_id = job_id(sub, rg, name)
        try:
            answer = arm.job(sub, rg, name)
        except ArmError as error:
            if error.kind == "not-found" and wanted.job:
                raise UsageError(f"deployed job {name} was not found in resource group {rg} of subscription "
                                 f"{sub} ({error.message})") from None
            return Unreachable(wanted_id, error.message, error.kind)
        return _read(answer, resource_id(answer, wanted_id))

    if wanted.job:
        if wanted.job.startswith("/"):
            parsed = parse_job_id(wanted.job)
            assert parsed is not None
            return [one(*parsed)]
        assert wanted.subscription and wanted.group
        return [one(wanted.subscription, wanted.group, wanted.job)]
    assert wanted.subscription
    listed = list(arm.jobs(wanted.subscription, wanted.group))
    results: list[Deployed | Unreachable | None] = [None] * len(listed)
    pending = []
    for index, item in enumerate(listed):
        expanded = isinstance(item.get("properties"), dict) and "transformation" in item["properties"]
        if expanded and is_job(item):
            results[index] = _read(item, resource_id(item))
        else:
            pending.append(index)
    if pending:
        def fetch(index: int) -> Deployed | Unreachable:
            parsed = parse_job_id(resource_id(listed[index]))
            if parsed is None:
                return Unreachable(str(listed[index].get("name")), "the list answer gives this job no resource id",
                                   "unexpected")
            return one(*parsed)

        for index, result in zip(pending, _bounded(fetch, pending, concurrency)):
            results[index] = result
    return [r for r in results if r is not None]


def _read(answer: dict, job: str) -> Deployed | Unreachable:
    from schemacheck.deployed.resource import read_resource

    try:
        return read_resource(answer, job)
    except RecursionError:
        return Unreachable(job, "ARM's answer for the job nests too deeply to be read", "unexpected")


def read_files(paths: tuple[str, ...]) -> list[Deployed]:
    """The jobs of saved REST answers (`az rest --method get --url '.../streamingjobs/NAME?api-version=
    2021-10-01-preview&$expand=inputs,outputs,transformation,functions'`)."""
    from schemacheck.deployed.resource import read_answer
    from schemacheck.errors import InputError
    from schemacheck.jobs.jsonfile import load_json

    jobs = []
    for path in paths:
        loaded = load_json(path, "saved job (REST answer)")
        try:
            jobs.extend(read_answer(loaded.data, path))
        except RecursionError:
            from schemacheck.validation import json_deepest

            raise InputError("nests too deeply to be read as a streaming job", path,
                             *json_deepest(loaded.text)) from None
    return jobs


def _bounded(function, items: list, concurrency: int) -> list:
    """function(item) for each item, at most `concurrency` at a time, in order."""
    if concurrency <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(function, items))


def check_deployed(jobs: list, config, connect, targets=None, schemas: tuple[str, ...] = (),
                   concurrency: int = DEFAULT_CONCURRENCY, progress: Callable[[int, int], None] | None = None,
                   compat_level=None, udf_types=None) -> list[tuple]:
    """Each deployed job checked against its live tables (`connect(url)` -> a Cluster),
    at most `concurrency` jobs at a time: (job, FileCheck) pairs, (Unreachable, None) for a
    job or table that could not be read. SQL outputs are compared with `schemas` (DDL)."""
    import threading

    from schemacheck.check.plan import analyze_job, plan_job
    from schemacheck.check.run import check_job, job_destinations
    from schemacheck.check.tables import Tables
    from schemacheck.jobs.discover import Found
    from schemacheck.kusto.kind import ADX as LIVE  # the kind read from clusters (kusto.live)
    from schemacheck.kusto.live import ClusterError

    targets = targets or {}
    done = [0]
    lock = threading.Lock()

    def check(item):
        result: tuple
        if isinstance(item, Unreachable):
            result = (item, None)
        else:
            plan = plan_job(Found(item.job), config, compat_level, udf_types, schemas)
            analysis = analyze_job(plan)
            try:
                live = LIVE.live_tables(job_destinations(plan, analysis, targets), connect)
            except (ClusterError, UsageError) as error:
                result = (Unreachable(item.id, error.message, "table"), None)
            else:
                tables = Tables(plan.schemas, {LIVE.name: live}, ())
                result = (item, check_job(plan, analysis, tables, targets))
        if progress is not None:
            with lock:
                done[0] += 1
                progress(done[0], len(jobs))
        return result

    return _bounded(check, jobs, concurrency)
