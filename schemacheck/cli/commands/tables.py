"""The ADX tables snapshot and doctor read: those --cluster/--database/--table name, or
those the jobs' outputs write to."""

from __future__ import annotations

from schemacheck.errors import UsageError


def tables_to_read(options, session, unreachable: list | None = None) -> list:
    """(destination, output, analysis, plan) for every ADX table to read: of the jobs of
    the PATHs, of the deployed jobs the options name (those that cannot be read are added to
    `unreachable`), or the --table given."""
    from schemacheck.check.destinations import Destination
    from schemacheck.check.run import Request, plan_paths
    from schemacheck.cli.deployed import wants_deployed
    from schemacheck.files import Unreadable
    from schemacheck.kinds import ADX

    if wants_deployed(options):
        if options.paths or options.table:
            raise UsageError("--deployed reads the jobs from Azure: give no PATH and no --table")
        return _destinations(options, session, _deployed_plans(options, session, unreachable))
    if options.table:
        if not (options.cluster and options.database):
            raise UsageError("--table needs --cluster and --database")
        return [(Destination(t, t, options.database, options.cluster, "--table", ADX), None, None, None)
                for t in options.table]
    if not options.paths:
        raise UsageError("give queries, projects or templates, or --cluster, --database and --table")
    planned = plan_paths(Request(tuple(options.paths), parameters=options.parameters,
                                 compat_level=options.compat_level), session.configs)
    failed = False
    for entry, _ in planned.pairs:
        if isinstance(entry, Unreadable):
            session.error(str(entry))
            failed = True
    for warning in planned.warnings:
        session.warning(warning)
    if failed:
        raise UsageError("a query, project or template could not be read (see above)")
    return _destinations(options, session, [plan for _entry, plan in planned.pairs if plan is not None])


def _deployed_plans(options, session, unreachable: list | None) -> list:
    """The plans of the deployed jobs the options name (with the working directory's
    configuration); those ARM denies are reported and added to `unreachable`."""
    from schemacheck.check.plan import plan_job
    from schemacheck.cli.deployed import read_deployed
    from schemacheck.config import find_config
    from schemacheck.deployed.scan import Unreachable
    from schemacheck.jobs.discover import Found

    config = find_config(".", session.configs)
    plans = []
    for item in read_deployed(options, session):
        if isinstance(item, Unreachable):
            session.error(f"{item.id}: not reachable: {item.message}")
            if unreachable is not None:
                unreachable.append(item)
            continue
        plans.append(plan_job(Found(item.job), config, options.compat_level))
    return plans


def _destinations(options, session, plans: list) -> list:
    from schemacheck.check.plan import analyze_job
    from schemacheck.check.run import job_destinations, targets_of
    from schemacheck.kinds import ADX

    targets = targets_of(options.target)
    wanted = []
    for plan in plans:
        analysis = analyze_job(plan)
        for output, where_to in zip(analysis.outputs, job_destinations(plan, analysis, targets, options.cluster)):
            if where_to.kind not in (None, ADX):   # only ADX tables live on a cluster
                continue
            if where_to.table is None or where_to.database is None or where_to.cluster is None:
                missing = [n for n, v in (("table", where_to.table), ("database", where_to.database),
                                          ("cluster", where_to.cluster)) if v is None]
                session.warning(f"{analysis.file}: output {output.output} has no {' and no '.join(missing)}: "
                                f"skipped (map it with --target, --cluster or [outputs.{output.output}])")
                continue
            wanted.append((where_to, output, analysis, plan))
    return wanted
