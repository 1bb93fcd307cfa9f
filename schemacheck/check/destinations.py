"""Where each output writes, as the command line, the configuration and the job say,
before any table is looked up.

Mapping, first match wins:
  1. `--target ALIAS=TABLE`, `ALIAS=DATABASE/TABLE` or `ALIAS=KIND:TABLE` (KIND a
     destination kind: `Alerts=sql:dbo.Alerts`, `Readings=adx:fleet/Readings`);
  2. `[outputs.ALIAS]` in the nearest configuration: `kind` (a kind that is not checked
     means SC404), `table`, `database`, `cluster`, and the output's own `schemas`;
  3. the job's own definition of the output (project or template): its kind, and its
     cluster (a SQL output's server), database and table; a blob output with Delta
     serialization and a Fabric Lakehouse output write to a Delta table (`as_checked`);
  4. for an output nothing maps: a loaded table named exactly like the output alias
     (schemacheck.check.tables).
An output's kind, when several say it, is --target's, then the configuration's, then the
job's. Output aliases match without regard to case, as ASA's do.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import kinds
from schemacheck.config import Config
from schemacheck.errors import UsageError
from schemacheck.jobs.model import Job, where_text
from schemacheck.jobs.model import Output as JobOutput
from schemacheck.records import Record, record

ADX = kinds.ADX


@record
class Target(Record):
    """A command-line mapping `ALIAS=TABLE`, `ALIAS=DATABASE/TABLE` or `ALIAS=KIND:TABLE`."""

    alias: str
    table: str
    database: str | None = None
    kind: str | None = None


def parse_target(text: str) -> Target:
    alias, sep, rest = text.partition("=")
    if not sep or not alias.strip() or not rest.strip():
        raise UsageError(f"--target {text!r}: expected ALIAS=TABLE or ALIAS=DATABASE/TABLE")
    kind, colon, named = rest.strip().partition(":")
    # Kusto names cannot hold ':', so a prefix before one is always a kind.
    if colon:
        if not kinds.checked(kind.lower()):
            others = [k for k in kinds.names() if k != ADX]
            raise UsageError(f"--target {text!r}: {kind!r} is not a kind of table schemacheck checks "
                             f"({ADX}, {', '.join(others)})")
        if not named.strip():
            raise UsageError(f"--target {text!r}: expected ALIAS={kind}:TABLE")
        if kind.lower() != ADX:
            return Target(alias.strip(), named.strip(), None, kind.lower())
        rest = named
    database, slash, table = rest.strip().rpartition("/")
    if slash and (not database or not table or "/" in database):
        raise UsageError(f"--target {text!r}: expected ALIAS=DATABASE/TABLE ('/' separates the database; "
                         "it cannot occur in Kusto names)")
    return Target(alias.strip(), table, database or None, ADX if colon else None)


def target_for(targets: Mapping[str, Target], alias: str) -> Target | None:
    """The --target of output `alias`; aliases match without regard to case, as ASA's do."""
    if alias in targets:
        return targets[alias]
    lowered = alias.lower()
    return next((t for name, t in targets.items() if name.lower() == lowered), None)


@record
class Destination(Record):
    """Where an output writes, as the command line and configuration say (no table looked
    up yet). `kind` is the destination kind (schemacheck.kinds), the kind of an output that
    is not checked ("blob"), or None when nothing says; `table` is None when nothing names
    it. `cluster` is an ADX output's cluster or a SQL output's server; `schemas` an
    output's own schema paths ([outputs.ALIAS] schemas)."""

    alias: str
    table: str | None = None
    database: str | None = None
    cluster: str | None = None
    origin: str = ""
    kind: str | None = None
    schemas: tuple[str, ...] | None = None


def job_output(job: Job | None, alias: str) -> JobOutput | None:
    if job is None or job.outputs is None:
        return None
    lowered = alias.lower()
    return next((o for o in job.outputs if o.alias.lower() == lowered), None)


DELTA = "delta"


def as_checked(output: JobOutput | None) -> JobOutput | None:
    """The job's output as the check sees its kind: a blob (ADLS Gen2) output whose
    serialization is Delta, and every Fabric Lakehouse output, write to a Delta table (kind
    "delta"; its table the last segment of deltaTablePath, or tableName). Others as they are."""
    if output is None or not (output.kind == "fabric-lakehouse" or (output.kind == "blob" and _is_delta(output))):
        return output
    setting = output.setting("deltaTablePath" if output.kind == "blob" else "tableName")
    value = setting.value if setting is not None else None
    table = value.replace("\\", "/").rstrip("/").rpartition("/")[2].strip() if isinstance(value, str) else ""
    return output._replace(kind=DELTA, table=table or None)


def _is_delta(output: JobOutput) -> bool:
    setting = output.setting("serialization")
    return setting is not None and isinstance(setting.value, str) and setting.value.strip().lower() == "delta"


def stated_kind(target: Target | None, settings, defined_kind: str | None) -> str | None:
    """An output's kind as --target, then the configuration, then the job say it."""
    said = (target.kind if target is not None else None, settings.kind if settings is not None else None,
            defined_kind)
    return next((k for k in said if k is not None), None)


def destination(alias: str, targets: Mapping[str, Target], config: Config, cluster: str | None = None,
                job: Job | None = None) -> Destination:
    """`--target` first, then the configuration's `[outputs.ALIAS]`, then the job's own
    output definition. The cluster of an ADX output: `cluster` (--cluster), the output's in
    the configuration, the job's, the configuration's `[live] cluster`."""
    target = target_for(targets, alias)
    settings = config.output(alias)
    defined = as_checked(job_output(job, alias))
    kind = stated_kind(target, settings, defined.kind if defined is not None else None)
    schemas = settings.schemas if settings is not None else None
    if kinds.checked(kind) and kind != ADX:
        return _named_kind(alias, kind, target, settings, defined, config, job, schemas)
    configured_cluster = (settings.cluster if settings is not None else None) or (
        defined.cluster if defined is not None else None) or config.live.cluster
    if target is not None:
        return Destination(alias, target.table, target.database, cluster or configured_cluster, f"--target {alias}",
                           ADX, schemas)
    if settings is not None and settings.kind not in (None, ADX):
        return Destination(alias, origin=str(config.path), kind=settings.kind)
    if settings is not None and (settings.table or settings.database):
        return Destination(alias, settings.table or alias, settings.database or (defined.database if defined else None),
                           cluster or configured_cluster, str(config.path), ADX, schemas)
    if defined is not None and job is not None:
        origin = where_text(defined.where, job.source)
        if defined.kind != ADX:
            return Destination(alias, origin=origin,
                               kind=defined.kind or f"{defined.datasource or 'of a type'} not recognised")
        return Destination(alias, defined.table, defined.database, cluster or configured_cluster, origin, ADX, schemas)
    return Destination(alias, cluster=cluster or configured_cluster, schemas=schemas)


def _named_kind(alias: str, kind: str, target: Target | None, settings, defined: JobOutput | None, config: Config,
                job: Job | None, schemas) -> Destination:
    """The destination of an output of a kind whose table is always named (a SQL output)."""
    from_job = defined if defined is not None and defined.kind == kind else None
    server = (settings.cluster if settings is not None else None) or (from_job.cluster if from_job else None)
    if target is not None:
        return Destination(alias, target.table, target.database, server, f"--target {alias}", kind, schemas)
    if settings is not None and settings.table:
        return Destination(alias, settings.table, settings.database or (from_job.database if from_job else None),
                           server, str(config.path), kind, schemas)
    if from_job is not None and job is not None:
        return Destination(alias, from_job.table, from_job.database, server, where_text(from_job.where, job.source),
                           kind, schemas)
    return Destination(alias, None, None, server, str(config.path) if settings is not None else "", kind, schemas)


def stated_kinds(aliases, targets: Mapping[str, Target], config: Config, job: Job | None
                 ) -> list[tuple[str, tuple[str, ...] | None]]:
    """(kind, an output's own schema paths or None) for every checked kind other than ADX
    that the outputs are said to be, in a fixed order: so that their tables are read
    before the checks run (a bad DDL file is then the same first error every run)."""
    defined = {o.alias.lower(): o.kind for o in map(as_checked, (job.outputs if job is not None else None) or ())
               if o is not None}
    wanted = set()
    for alias in set(aliases) | set(targets) | set(config.outputs or {}):
        settings = config.output(alias)
        kind = stated_kind(target_for(targets, alias), settings, defined.get(alias.lower()))
        if kinds.checked(kind) and kind != ADX:
            wanted.add((kind, settings.schemas if settings is not None else None))
    return sorted(wanted, key=lambda pair: (pair[0], pair[1] or ()))
