"""What the renderers share: counts of findings, the run's totals, how many outputs were
compared, a job's name, an output's status in a few words, how many of an output's columns
are typed and by what (`coverage`). Pure functions of the entries
(schemacheck.check.results); each statement's findings are already on its output
(`OutputCheck.findings`), the rest are the entry's `unattached`.
"""

from __future__ import annotations

from schemacheck.asa.types import SOURCES

UNKNOWN = "unknown"
# The keys of a coverage's "sources": what typed a column (schemacheck.asa.types.SOURCES), or unknown.
COVERAGE_KEYS = (*SOURCES, UNKNOWN)


def coverage(outputs) -> dict:
    """How many columns the statements `outputs` (OutputSchema) write with a known type, and
    what typed them: {"typed", "total", "complete" (no `*` adds columns that are not known),
    "sources": {each of COVERAGE_KEYS: columns}}."""
    sources = dict.fromkeys(COVERAGE_KEYS, 0)
    typed = total = 0
    complete = True
    for output in outputs:
        complete = complete and output.complete
        for column in output.columns:
            total += 1
            if column.type is None:
                sources[UNKNOWN] += 1
                continue
            typed += 1
            source = column.source or "expression"
            sources[source] = sources.get(source, 0) + 1
    return {"typed": typed, "total": total, "complete": complete, "sources": sources}


def coverage_text(found: dict) -> str:
    """"5 of 7 columns typed (sample 3, expression 2)"; "... and more that * adds" for an
    incomplete output; "" for no columns at all."""
    total = found["total"]
    more = "" if found["complete"] else ", and columns a * or an operator adds are not known"
    if not total:
        return "columns not known" if more else ""
    parts = [f"{source} {n}" for source, n in found["sources"].items() if n and source != UNKNOWN]
    by = f" ({', '.join(parts)})" if parts else ""
    return f"{found['typed']} of {total} column{'s' if total != 1 else ''} typed{by}{more}"


def merge_coverage(found) -> dict:
    """The sum of several coverages."""
    sources = dict.fromkeys(COVERAGE_KEYS, 0)
    typed = total = 0
    complete = True
    for one in found:
        typed += one["typed"]
        total += one["total"]
        complete = complete and one["complete"]
        for source, n in one["sources"].items():
            sources[source] = sources.get(source, 0) + n
    return {"typed": typed, "total": total, "complete": complete, "sources": sources}


def counts(diagnostics) -> dict[str, int]:
    """{"error": n, "warning": n, "info": n}."""
    found = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        found[diagnostic.severity] += 1
    return found


def tally(found: dict[str, int], skip_zero: bool = False) -> str:
    """"1 error, 2 warnings, 0 infos" (without the zero counts when `skip_zero`)."""
    return ", ".join(f"{n} {severity}" + ("" if n == 1 else "s") for severity, n in found.items()
                     if n or not skip_zero)


def rule_counts(checks) -> list[tuple[str, str, int]]:
    """(code, severity, findings) per rule that found something, most findings first."""
    found: dict[tuple[str, str], int] = {}
    for check in checks:
        for diagnostic in check.diagnostics:
            key = (diagnostic.code, diagnostic.severity)
            found[key] = found.get(key, 0) + 1
    return [(code, severity, n) for (code, severity), n in sorted(found.items(), key=lambda i: (-i[1], i[0]))]


def outputs_compared(entries) -> tuple[int, int]:
    """(outputs compared with their table, outputs) over the checked entries; an output
    that several statements of one job write counts once, compared if any of them was."""
    compared = total = 0
    for entry in entries:
        status: dict[str, bool] = {}
        for check in getattr(entry, "outputs", ()):
            name = check.output.output
            status[name] = status.get(name, False) or check.status == "compared"
        total += len(status)
        compared += sum(status.values())
    return compared, total


def compared_text(entries) -> str:
    """"2 of 3 outputs compared" ("" when no output was found)."""
    compared, total = outputs_compared(entries)
    return f"{compared} of {total} output{'' if total == 1 else 's'} compared" if total else ""


def totals(entries) -> str:
    """The run in one line: "3 errors, 2 warnings, 0 infos in 2 files; 2 of 3 outputs
    compared; 1 file could not be read"."""
    from schemacheck.files import Unreadable

    readable = [e for e in entries if not isinstance(e, Unreadable)]
    text = tally(counts(d for e in readable for d in e.diagnostics))
    text += f" in {len(readable)} file{'' if len(readable) == 1 else 's'}"
    if compared_text(readable):
        text += f"; {compared_text(readable)}"
    unreadable = len(entries) - len(readable)
    if unreadable:
        text += f"; {unreadable} file{' could' if unreadable == 1 else 's could'} not be read"
    return text


def job_name(entry) -> str | None:
    """The job's name as its project or template gives it (None for a lone query)."""
    found = getattr(entry, "job", None)
    if found is None or found.job.form == "query":
        return None
    return found.job.name or None


def output_status(check) -> str:
    """What happened to one statement's output, in a few words."""
    if check.status == "compared":
        return "compared"
    if check.status == "not-checked":
        return f"not checked ({check.kind})"
    if check.status == "table-missing":
        return "table not found"
    return "no table"
