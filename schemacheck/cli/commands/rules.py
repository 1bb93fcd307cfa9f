"""`schemacheck rules [CODE]`: the rule registry, or one rule explained, with the severity
the nearest configuration gives it."""

from __future__ import annotations

from schemacheck.errors import EXIT_OK, UsageError


def run(options, session) -> int:
    from schemacheck.config import find_config
    from schemacheck.rules import RULES

    config = find_config(".", session.configs)
    chosen = list(RULES.values())
    if options.code:
        wanted = options.code.strip()
        rule = RULES.get(wanted.upper()) or next((r for r in chosen if r.name == wanted.lower()), None)
        if rule is None:
            from difflib import get_close_matches

            near = get_close_matches(wanted.upper(), list(RULES), n=1) or get_close_matches(
                wanted.lower(), [r.name for r in chosen], n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise UsageError(f"no rule {wanted}{hint} (`schemacheck rules` lists them)")
        chosen = [rule]
    configured = {r.code: config.severity(r.code, r.severity) for r in chosen}
    if options.format == "json":
        from schemacheck.report.json import dumps

        session.out.write(dumps({"rules": [{"code": r.code, "name": r.name, "severity": r.severity,
                                            "configured_severity": configured[r.code], "summary": r.summary,
                                            "doc": r.doc} for r in chosen]}))
        return EXIT_OK
    from schemacheck.report.rules import render_rule, render_rules

    where = config.path if config.path is not None and config.rules else None
    session.out.write(render_rule(chosen[0], configured[chosen[0].code], where) if options.code
                      else render_rules(chosen, configured, where))
    return EXIT_OK
