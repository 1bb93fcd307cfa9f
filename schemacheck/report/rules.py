"""`schemacheck rules`: the rule registry as text for people."""

from __future__ import annotations

import textwrap

from schemacheck.files import display_path

FAMILIES = {"0": "the query itself", "1": "column names", "2": "types", "3": "column order",
            "4": "what is (not) checked", "5": "the table", "6": "the job's files and settings"}


def _severity(rule, configured: str) -> str:
    return rule.severity if configured == rule.severity else f"{configured} (default {rule.severity})"


def render_rules(rules, configured: dict, config_path: str | None) -> str:
    """One line per rule, grouped by family, with the severity the configuration gives it."""
    out = []
    if config_path:
        out.append(f"severities as {display_path(config_path)} sets them")
    width = max(len(r.name) for r in rules)
    family = None
    for rule in rules:
        if rule.code[2] != family:
            family = rule.code[2]
            out.append("")
            out.append(f"SC{family}xx  {FAMILIES.get(family, '')}")
        out.append(f"  {rule.code}  {rule.name.ljust(width)}  {_severity(rule, configured[rule.code]):<8}  "
                   f"{rule.summary}")
    out.append("")
    out.append("`schemacheck rules CODE` explains one; set a severity with [rules] CODE = \"error\"|\"warning\"|"
               "\"info\"|\"off\" in schemacheck.toml.")
    return "\n".join(out).lstrip("\n") + "\n"


def render_rule(rule, configured: str, config_path: str | None) -> str:
    """A rule's code, name, severity, what it finds, and its documentation."""
    out = [f"{rule.code} {rule.name} ({_severity(rule, configured)}"
           + (f", as {display_path(config_path)} sets it)" if configured != rule.severity and config_path else ")"),
           "", f"  {rule.summary}", ""]
    out.extend(textwrap.wrap(rule.doc, width=96, initial_indent="  ", subsequent_indent="  "))
    out.append("")
    out.append(f"  silence it on a line: -- schemacheck: ignore[{rule.code}]   in a whole query: "
               f"-- schemacheck: ignore-file[{rule.code}]")
    return "\n".join(out) + "\n"
