"""`schemacheck check`: every job the paths stand for, compared with its tables, reported
in the chosen format; `--fix` applies the query-side rewrites first, `--diff` shows them."""

from __future__ import annotations

from schemacheck.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError


def request(options):
    """The library's Request for these options (check and suggest share them)."""
    from schemacheck.check.run import Request, targets_of
    from schemacheck.cli.arguments import udf_types

    return Request(tuple(options.paths), tuple(getattr(options, "schema", ())), tuple(targets_of(options.target)
                   .values()), getattr(options, "parameters", None), options.compat_level, udf_types(options.udf_type),
                   getattr(options, "cluster", None), getattr(options, "fail_on", None),
                   getattr(options, "hook", False), getattr(options, "jobs", None) or 1)


def checked(options, session, quiet: bool = False):
    """The run for these options (live when asked); what could not be read, and warnings
    about the request, on stderr (unless `quiet`: a re-check of --fix)."""
    from schemacheck.check.run import check_paths
    from schemacheck.files import Unreadable

    wanted = request(options)
    if getattr(options, "live", False):
        from schemacheck.cli.live import Connections

        with Connections(options, session) as connect:
            run = check_paths(wanted, connect, session.configs)
    else:
        run = check_paths(wanted, configs=session.configs)
    if not quiet:
        for entry in run.entries:
            if isinstance(entry, Unreadable):
                session.error(str(entry))
        for warning in run.warnings:
            session.warning(warning)
    return run


def run(options, session) -> int:
    from schemacheck import __version__
    from schemacheck.cli.output import Sources, is_terminal
    from schemacheck.files import Unreadable
    from schemacheck.report.formats import choose_format, render

    chosen, color = choose_format(options.format, session.environ, is_terminal(session.out) and not options.output)
    if options.statistics and chosen not in ("text", "json"):
        raise UsageError(f"--statistics prints text or json, not {chosen}")
    from schemacheck.cli.deployed import wants_deployed

    if wants_deployed(options):
        return _deployed(options, session, chosen, color)
    if not options.paths:
        raise UsageError("check what? give PATHs (queries, projects, templates, Terraform, Bicep, or folders), or "
                         "--deployed with --job, --subscription, --resource-group or --deployed-file")
    if options.diff:
        return _diff(options, session)
    result = _fix(options, session) if options.fix else checked(options, session)
    checks = [e for e in result.entries if not isinstance(e, Unreadable)]
    failing = result.failing and not options.exit_zero
    if options.statistics:
        if chosen == "json":
            from schemacheck.report.json import dumps, statistics_document

            session.write(options, dumps(statistics_document(checks)))
        else:
            from schemacheck.report.text import render_statistics

            session.write(options, render_statistics(checks))
    elif chosen != "text" or checks or options.output:
        shown = result.entries if chosen != "text" else checks
        session.write(options, render(chosen, shown, sources=Sources(), version=__version__,
                                      failed=(result.failed or result.failing) and not options.exit_zero,
                                      color=color, quiet=options.quiet))
    if chosen == "github":
        from schemacheck.report.github import render_step_summary

        session.append_summary(render_step_summary(result.entries))
    if result.failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if failing else EXIT_OK


def _fixes(options, session):
    """The passes of --fix and --diff (schemacheck.fixes); the re-checks say nothing again."""
    from schemacheck.fixes import run_fixes

    return run_fixes(lambda first: checked(options, session, quiet=not first))


def _fix(options, session):
    """check --fix: the rewrites the findings carry applied and written; the check of the
    fixed files, for the report of what is left."""
    fixes = _fixes(options, session)
    for path in fixes.write():
        session.warning(f"{path} changed on disk while it was being fixed: not written")
    for note in fixes.notes():
        session.warning(note)
    if fixes.summary():
        session.err.write(f"schemacheck: {fixes.summary()}\n")
    return fixes.last


def _diff(options, session) -> int:
    """check --diff: what --fix would write, as a unified diff; writes no file. Exit 1 when
    there is something to fix, else 0 (2 when an input could not be read)."""
    fixes = _fixes(options, session)
    session.write(options, fixes.diff())
    for note in fixes.notes():
        session.warning(note)
    if fixes.summary(done=False):
        session.err.write(f"schemacheck: {fixes.summary(done=False)}\n")
    if fixes.last.failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if fixes.changed else EXIT_OK


def _deployed(options, session, chosen: str, color: bool) -> int:
    """check --deployed: each deployed job against its live tables; a table per job at the end."""
    from schemacheck import __version__
    from schemacheck.check.run import Run, targets_of
    from schemacheck.cli.arguments import udf_types
    from schemacheck.cli.deployed import Progress, concurrency, read_deployed, sources_of
    from schemacheck.cli.live import Connections
    from schemacheck.cli.output import Sources
    from schemacheck.config import find_config
    from schemacheck.deployed.scan import check_deployed
    from schemacheck.errors import EXIT_UNREACHABLE
    from schemacheck.files import Unreadable
    from schemacheck.report.formats import render

    if options.paths:
        raise UsageError("check --deployed reads the jobs from Azure, not PATHs; to compare a repository with its "
                         "deployment, run `schemacheck drift PATH --deployed ...`")
    if options.fix or options.diff or options.hook or options.statistics:
        raise UsageError("--fix, --diff, --hook and --statistics take PATHs, not deployed jobs")
    jobs = read_deployed(options, session)
    config = find_config(".", session.configs)
    progress = Progress(session, "checked")
    with Connections(options, session) as connect:
        results = check_deployed(jobs, config, connect, targets_of(options.target), tuple(options.schema),
                                 concurrency(options), progress, options.compat_level, udf_types(options.udf_type))
    progress.end()
    entries = tuple(check if check is not None else Unreadable(item.id, f"not reachable: {item.message}")
                    for item, check in results)
    fail_on = options.fail_on or config.fail_on or "error"
    run = Run(entries, tuple(None if isinstance(e, Unreadable) else fail_on for e in entries))
    failing = run.failing and not options.exit_zero
    unreachable = any(isinstance(e, Unreadable) for e in entries)
    for entry in entries:
        if isinstance(entry, Unreadable):
            session.error(str(entry))
    report = render(chosen, entries, sources=Sources(sources_of(jobs)), version=__version__,
                    failed=failing, color=color, quiet=options.quiet)
    if chosen == "text" and not options.quiet:
        from schemacheck.report.deployed import render_table

        report = (report + "\n" if report else "") + render_table(results)
    session.write(options, report)
    if chosen == "github":
        from schemacheck.report.github import render_step_summary

        session.append_summary(render_step_summary(entries))
    if failing:
        return EXIT_FINDINGS
    return EXIT_UNREACHABLE if unreachable else EXIT_OK

