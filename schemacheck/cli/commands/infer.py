"""`schemacheck infer`: the columns and ASA types each statement writes, per job; with
`--coverage`, how many of each output's columns are typed and by what, as one table."""

from __future__ import annotations

from schemacheck.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK


def run(options, session) -> int:
    from schemacheck.check.plan import infer_job
    from schemacheck.check.run import Request, plan_paths
    from schemacheck.cli.arguments import udf_types
    from schemacheck.cli.output import Sources, is_terminal
    from schemacheck.files import Skipped, Unreadable
    from schemacheck.report.formats import choose_format

    planned = plan_paths(Request(tuple(options.paths), parameters=options.parameters,
                                 compat_level=options.compat_level, udf_types=udf_types(options.udf_type)),
                         session.configs)
    for entry, _ in planned.pairs:
        if isinstance(entry, Unreadable):
            session.error(str(entry))
    for warning in planned.warnings:
        session.warning(warning)
    for entry, _ in planned.pairs:
        if isinstance(entry, Skipped):
            session.note(f"{entry.file} {entry.message}")
    entries = [entry if plan is None else infer_job(plan) for entry, plan in planned.pairs
               if not isinstance(entry, Skipped)]
    analyses = [e for e in entries if not isinstance(e, Unreadable)]
    if getattr(options, "coverage", False):
        if options.format == "json":
            from schemacheck.report.coverage import coverage_document
            from schemacheck.report.json import dumps

            session.write(options, dumps(coverage_document(analyses)))
        else:
            from schemacheck.report.coverage import render_coverage

            session.write(options, render_coverage(analyses))
    elif options.format == "json":
        from schemacheck.report.json import dumps, infer_document

        session.write(options, dumps(infer_document(entries)))
    elif analyses or options.output:
        from schemacheck.report.text import render_infer

        color = not options.output and choose_format("text", session.environ, is_terminal(session.out))[1]
        session.write(options, render_infer(analyses, Sources(), color=color) if analyses else "")
    if len(analyses) < len(entries):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(a.has_errors for a in analyses) else EXIT_OK
