"""`schemacheck doctor`: the troubleshooting checklist for each table an ADX output writes
to (schemacheck.kusto.doctor). Exit 1 when a check fails, 3 when a cluster cannot be read."""

from __future__ import annotations

from schemacheck.errors import EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE, UsageError

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level


def job_principal(job) -> tuple[str | None, str | None]:
    """The principal to look for when --principal is not given, and where it comes from."""
    from schemacheck.files import display_path

    source = display_path(job.source)
    identity = job.identity
    if identity.principals:   # a deployed job: ARM reports its identities' object ids
        kind = "user-assigned" if identity.kind == "user" else "system-assigned"
        return identity.principals[0], (f"the job's {kind} identity, object id {identity.principals[0]} from "
                                        f"Azure Resource Manager")
    if identity.kind == "user" and identity.resources:
        name = identity.resources[0].rstrip("/").rsplit("/", 1)[-1]
        return name, f"the job's user-assigned identity {name}, from {source}"
    if identity.kind == "system" and job.name:
        return job.name, f"the job's system-assigned identity, named like the job {job.name} ({source})"
    if identity.kind == "none" and job.form != "query":
        return None, f"the job has no managed identity ({source}), and ADX accepts no other"
    return None, None


def run(options, session) -> int:
    from schemacheck.cli.commands.tables import tables_to_read
    from schemacheck.cli.live import Connections
    from schemacheck.kusto.doctor import FAIL, examine

    unreachable: list = []
    wanted = tables_to_read(options, session, unreachable)
    if not wanted:
        if unreachable:
            return EXIT_UNREACHABLE
        raise UsageError("no table to examine: no output maps to a cluster, database and table")
    reports = []
    with Connections(options, session) as connect:
        for where_to, output, analysis, plan in wanted:
            level: Level = plan.level if plan is not None else options.compat_level or "1.2"
            file = analysis.file if analysis is not None else None
            query = plan.found.job.query if plan is not None else None
            principal, origin, exact = options.principal, None, False
            if principal is None and plan is not None:
                principal, origin = job_principal(plan.found.job)
                exact = bool(plan.found.job.identity.principals)
            report = examine(connect(where_to.cluster), where_to.database, where_to.table, principal, output, level,
                             file, query.text if query else None, origin, exact)
            if query is not None and query.json_string_at is not None:
                from schemacheck.check.positions import relocate

                report = report._replace(items=tuple(
                    item._replace(diagnostics=relocate(analysis, item.diagnostics, query)[1])
                    for item in report.items))
            reports.append(report)
    if options.format == "json":
        from schemacheck.report.json import doctor_document, dumps

        session.write(options, dumps(doctor_document(reports)))
    elif options.format == "junit":
        from schemacheck.report.junit import render_junit_doctor

        session.write(options, render_junit_doctor(reports))
    else:
        from schemacheck.report.text import render_doctor

        session.write(options, render_doctor(reports))
    if any(r.unreachable for r in reports) or unreachable:
        return EXIT_UNREACHABLE
    return EXIT_FINDINGS if any(i.status == FAIL for r in reports for i in r.items) else EXIT_OK
