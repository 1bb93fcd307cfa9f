"""The ADX tables snapshot and doctor read: those --cluster/--database/--table name, or
those the jobs' outputs write to."""

from __future__ import annotations

from schemacheck.errors import UsageError


def tables_to_read(options, session) -> list:
    """(destination, output, analysis, plan) for every ADX table to read."""
    from schemacheck.check.destinations import Destination
    from schemacheck.check.plan import analyze_job
    from schemacheck.check.run import Request, job_destinations, plan_paths, targets_of
    from schemacheck.files import Unreadable
    from schemacheck.kinds import ADX

    if options.table:
        if not (options.cluster and options.database):
            raise UsageError("--table needs --cluster and --database")
        return [(Destination(t, t, options.database, options.cluster, "--table", ADX), None, None, None)
                for t in options.table]
    if not options.paths:
        raise UsageError("give queries, projects or templates, or --cluster, --database and --table")
    targets = targets_of(options.target)
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
    wanted = []
    for _entry, plan in planned.pairs:
        if plan is None:   # a job-like file that is not read (Skipped)
            continue
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
