"""`schemacheck suggest`: what would make each checked output fit its table; runs nothing.
Exit 0 (check is the gate), 2 when a path could not be read."""

from __future__ import annotations

from schemacheck.errors import EXIT_ERROR, EXIT_OK


def run(options, session) -> int:
    from schemacheck.cli.commands.check import checked
    from schemacheck.cli.output import Sources
    from schemacheck.files import Unreadable
    from schemacheck.report.suggest import render_suggest_text, suggest_document
    from schemacheck.suggest import suggest

    result = checked(options, session)
    sources = Sources()
    suggestions = [s for e in result.entries if not isinstance(e, Unreadable) for s in suggest(e, sources)]
    if options.format == "json":
        from schemacheck.report.json import dumps

        session.write(options, dumps(suggest_document(suggestions)))
    elif options.format in ("kql", "sql"):   # one script to paste whole: commands and comments only
        from schemacheck.report.suggest import render_suggest_script

        session.write(options, render_suggest_script(suggestions, options.format, sources))
    else:
        session.write(options, render_suggest_text(suggestions, sources))
    return EXIT_ERROR if result.failed else EXIT_OK
