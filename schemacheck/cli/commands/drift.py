"""`schemacheck drift PATH --deployed ...`: each job of the PATHs against the same job as
deployed (schemacheck.deployed.drift), one finding per difference, in the check's formats.
Exit 1 on any difference, 3 when a deployed job could not be read and nothing drifted, 2
when a file could not be read."""

from __future__ import annotations

from schemacheck.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EXIT_UNREACHABLE, UsageError


def run(options, session) -> int:
    from schemacheck import __version__
    from schemacheck.check.results import FileCheck
    from schemacheck.check.run import Request, plan_paths
    from schemacheck.check.suppressions import with_severities
    from schemacheck.cli.deployed import read_deployed, sources_of
    from schemacheck.cli.output import Sources, is_terminal
    from schemacheck.deployed import drift as drifting
    from schemacheck.deployed.resource import Deployed
    from schemacheck.deployed.scan import Unreachable, selection
    from schemacheck.files import Unreadable
    from schemacheck.report.formats import choose_format, render

    if not options.paths:
        raise UsageError("drift compares the repository's jobs with the deployed ones: give the PATHs of the "
                         "repository's jobs (project, template, Terraform, Bicep, or a folder)")
    chosen, color = choose_format(options.format, session.environ, is_terminal(session.out) and not options.output)
    wanted = selection(options.job, options.subscription, options.resource_group, options.deployed_file)
    planned = plan_paths(Request(tuple(options.paths), parameters=options.parameters), session.configs)
    for warning in planned.warnings:
        session.warning(warning)
    deployed = read_deployed(options, session)
    reachable = [d for d in deployed if isinstance(d, Deployed)]
    denied = {d.name.lower(): d for d in deployed if isinstance(d, Unreachable)}
    repo = [(entry, plan) for entry, plan in planned.pairs if plan is not None and entry.job.form != "query"]
    entries: list = []
    for entry, _ in planned.pairs:
        if isinstance(entry, Unreadable):
            session.error(str(entry))
            entries.append(entry)
    if not repo and not entries:
        raise UsageError(f"no job among {', '.join(options.paths)}: drift compares jobs (a project, an ARM "
                         "template, Terraform or Bicep), not lone queries")
    one_each = bool(wanted.job) or (len(deployed) == 1 and bool(wanted.files))
    pairs = drifting.pair([entry.job for entry, _ in repo], reachable, one_each)
    scope = wanted.describe()
    unreachable = False
    for (entry, plan), (job, other) in zip(repo, pairs):
        if other is None and (job.name or "").lower() in denied:
            item = denied[(job.name or "").lower()]
            entries.append(Unreadable(item.id, f"not reachable: {item.message}"))
            session.error(f"{item.id}: not reachable: {item.message}")
            unreachable = True
            continue
        found = drifting.drift(job, other.job, other.id) if other is not None else [drifting.not_deployed(job, scope)]
        kept = with_severities(found, plan.config.severity)
        entries.append(FileCheck(job.source, None, (), tuple(kept), entry))
    failing = any(e.diagnostics for e in entries if isinstance(e, FileCheck))
    failed = any(isinstance(e, Unreadable) for e in entries)
    session.write(options, render(chosen, entries, sources=Sources(sources_of(deployed)), version=__version__,
                                  failed=failing or failed, color=color, quiet=getattr(options, "quiet", False)))
    if not failing and not failed:
        compared = sum(1 for e in entries if isinstance(e, FileCheck))
        session.err.write(f"schemacheck: no drift: {compared} job{'s' if compared != 1 else ''} as deployed in "
                          f"{scope}\n")
    if any(isinstance(e, Unreadable) and not e.message.startswith("not reachable") for e in entries):
        return EXIT_ERROR
    if failing:
        return EXIT_FINDINGS
    return EXIT_UNREACHABLE if unreachable else EXIT_OK
