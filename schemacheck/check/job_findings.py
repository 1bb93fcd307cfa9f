"""Findings about a job rather than its query (rules SC601-SC607): outputs the query and
the job disagree on, identity and authentication for ADX, the compatibility level, the
data locale and the output error policy. Pure: a Job, the analysis and the per-output
check results in, diagnostics out.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck import kinds
from schemacheck.asa.analysis import QueryAnalysis
from schemacheck.jobs.model import Job, Note, Where

# Cultures whose numbers ASA would write with a decimal point, as ADX's CSV parser reads
# them: by language, and the regions that differ from their language's usual separator
# (.NET's culture data). Everything else is treated as a decimal comma.
DECIMAL_POINT_LANGUAGES = {"en", "ja", "zh", "ko", "he", "th", "hi", "ms", "ta", "te", "mr", "gu", "kn", "ml",
                           "pa", "bn", "ur", "fil", "ga", "cy", "mt", "sw", "yo", "ha", "ig", "zu", "xh", "am",
                           "my", "km", "lo", "ne", "si", "dv", "mn", "bo", "ug", "ar", "fa", "iu", "chr", "haw",
                           "mi", "sm", "to", "gd"}
DECIMAL_POINT_CULTURES = {"es-mx", "es-us", "es-pr", "es-gt", "es-hn", "es-ni", "es-pa", "es-sv", "es-do",
                          "es-pe", "es-419", "de-ch", "de-li", "fr-ch", "it-ch", "rm-ch", "pt-mz"}
DECIMAL_COMMA_EXCEPTIONS = {"ar-dz", "ar-ma", "ar-tn", "ar-ly", "fa-ir", "en-za", "en-dk", "en-de", "en-nl",
                            "en-be", "en-fi", "en-se", "en-at", "en-si", "en-ch"}
INVARIANT_CULTURES = {"", "iv", "invariant", "invariant language", "invariant culture", "invariantculture"}

BLOCKING_POLICIES = {"retry", "stop"}


def decimal_point(culture: str) -> bool:
    """Whether `culture` (en-US, de_DE, "Invariant Language") writes a decimal point."""
    name = culture.strip().replace("_", "-").lower()
    if name in INVARIANT_CULTURES:
        return True
    if name in DECIMAL_COMMA_EXCEPTIONS:
        return False
    if name in DECIMAL_POINT_CULTURES:
        return True
    return name.split("-")[0] in DECIMAL_POINT_LANGUAGES


def _listed(names: list[str], most: int = 5) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def at(code: str, message: str, where: Where | None, fallback: str, **fields) -> D.Diagnostic:
    file = where.file if where is not None else fallback
    line = where.line if where is not None and where.line else 1
    column = where.column if where is not None and where.column else 1
    return D.Diagnostic(code, D.default_severity(code), message, file, line, column, **fields)


def note_diagnostic(note: Note, **fields) -> D.Diagnostic:
    return at(note.code, note.message, note.where, note.where.file, **fields)


def _unreadable(job: Job, what: str) -> bool:
    """Whether an Output (Input) file of the project could not be read (then the job's
    outputs, or inputs, are partial)."""
    return any(n.code == "SC609" and n.message.lower().startswith(what) for n in job.notes)


def query_findings(job: Job, analysis: QueryAnalysis) -> list[D.Diagnostic]:
    """SC601 at each INTO naming an output the job does not define, SC612 at the first FROM
    naming an input it does not define (query positions)."""
    return _undefined_outputs(job, analysis) + _undefined_inputs(job, analysis)


def _undefined_inputs(job: Job, analysis: QueryAnalysis) -> list[D.Diagnostic]:
    """Only when the job's files define inputs: a job whose inputs are elsewhere (not
    listed in the project, in another Terraform state) says nothing of the query's."""
    if not job.inputs or _unreadable(job, "input"):
        return []
    defined = {i.alias.lower() for i in job.inputs}
    names = ", ".join(sorted(i.alias for i in job.inputs))
    found, seen = [], set()
    for ref in analysis.inputs:
        lowered = ref.name.lower()
        if lowered in defined or lowered in seen:
            continue
        seen.add(lowered)
        from schemacheck.kinds.base import closest

        near = closest(ref.name, sorted(i.alias for i in job.inputs))
        hint = f"; did you mean {near}?" if near else ""
        found.append(D.make("SC612", f"FROM {ref.name}: the job defines no input {ref.name} (its inputs: {names}); "
                            f"ASA will not start the job{hint}", ref.span, analysis.file, suggested_name=near))
    return found


def _undefined_outputs(job: Job, analysis: QueryAnalysis) -> list[D.Diagnostic]:
    if job.outputs is None or _unreadable(job, "output"):
        return []
    defined = {o.alias.lower() for o in job.outputs}
    names = ", ".join(sorted(o.alias for o in job.outputs)) or "none"
    found = []
    for output in analysis.outputs:
        if output.output.lower() in defined:
            continue
        if output.output_span is None:
            found.append(D.make("SC601", f"this statement has no INTO, so ASA writes it to the output named "
                                f"{output.output}, which the job does not define (its outputs: {names}); add INTO",
                                output.span, analysis.file, output=output.output))
            continue
        found.append(D.make("SC601", f"INTO {output.output}: the job defines no output {output.output} (its outputs: "
                            f"{names}); ASA will not start the job", output.output_span, analysis.file,
                            output=output.output))
    return found


def job_findings(job: Job, analysis: QueryAnalysis, checks, level_stated: bool,
                 findings: list[D.Diagnostic], runs_the_query: bool = True) -> list[D.Diagnostic]:
    """SC602-SC607 and the readers' notes; `findings` are the query's diagnostics so far
    (SC607 explains the consequence of their errors). With `runs_the_query` False (a query
    checked with the settings of a project that runs another), outputs it does not write
    are no finding."""
    result = [note_diagnostic(n) for n in job.notes]
    source = job.source
    written = {o.output.lower() for o in analysis.outputs}

    def kind_of(name):
        return kinds.get(name) if kinds.checked(name) else None

    # Outputs written to a kind that takes only the job's managed identity (ADX), and the labels of those kinds.
    identity_only = {c.output.output.lower(): kind_of(c.kind).label for c in checks
                     if kind_of(c.kind) is not None and kind_of(c.kind).managed_identity_only}
    for output in job.outputs or ():
        if kind_of(output.kind) is not None and kind_of(output.kind).managed_identity_only:
            identity_only.setdefault(output.alias.lower(), kind_of(output.kind).label)
        if output.alias.lower() not in written and analysis.outputs and runs_the_query:
            result.append(at("SC602", f"output {output.alias} is defined by the job but no statement writes INTO it",
                             output.where, source, output=output.alias))
        mode = output.authentication
        if output.alias.lower() in identity_only and mode is not None and mode.replace(" ", "").lower() not in (
                "msi", "managedidentity", "systemassignedmanagedidentity", "userassignedmanagedidentity"):
            result.append(at("SC603", f"output {output.alias} authenticates with {mode}; "
                             f"{identity_only[output.alias.lower()]} accepts only the job's managed identity",
                             output.where, source, output=output.alias,
                             fix="set the output's authentication mode to Msi (managed identity)"))
    if identity_only and job.identity.kind == "none":
        what = ("JobConfig does not turn on UseSystemAssignedIdentity" if job.form in ("vscode", "vs")
                else "the streaming job has no identity")
        labels = " and ".join(sorted(set(identity_only.values())))
        result.append(at("SC604", f"{what}, but output(s) {', '.join(sorted(identity_only))} write to {labels}, "
                         "which accepts only the job's managed identity", job.identity.where, source))
    unresolved = any(n.code == "SC608" and n.where == job.compat_level.where for n in job.notes)
    # A Fabric Eventstream documents neither a default level nor an output error policy.
    fabric = job.form == "fabric"
    if not level_stated and job.form != "query" and not unresolved and not fabric:
        result.append(at("SC605", "the job does not state its compatibility level; checked as 1.2",
                         job.compat_level.where, source))
    locale = job.data_locale.value
    cultured = [c for c in checks if kind_of(c.kind) is not None and kind_of(c.kind).culture_sensitive]
    if locale is not None and not decimal_point(locale) and (cultured or identity_only):
        def columns(kind):
            return sorted({f"{c.output.output}.{column.name}" for c in cultured
                           for column in c.output.columns if column.type == kind})

        numbers, times = columns("float"), columns("datetime")
        parts = []
        if numbers:
            parts.append(f"ASA writes float values with the job's culture, and {locale} uses a decimal comma, which "
                         f"Azure Data Explorer does not read as real ({_listed(numbers)})")
        if times:
            parts.append(f"whether the culture also changes how datetimes are written is not documented "
                         f"({_listed(times)})")
        if parts:
            result.append(at("SC606", "; ".join(parts), job.data_locale.where, source,
                             fix="set the job's data locale to en-US, or CAST those values to nvarchar(max)"))
    policy = job.error_policy.value
    # The error policy governs every table output's conversion errors (data-errors: RequiredColumnMissing, ...).
    table_aliases = set(identity_only) | {c.output.output.lower() for c in checks if kinds.checked(c.kind)}
    table_aliases |= {o.alias.lower() for o in job.outputs or () if kinds.checked(o.kind)}
    failing = sorted({d.output for d in findings if d.severity == D.ERROR and d.output
                      and d.output.lower() in table_aliases and d.code not in ("SC601",)})
    if failing and job.form != "query" and not fabric:
        outputs = ", ".join(failing)
        if policy is not None and policy.lower() == "drop":
            message = (f"the job's output error policy is Drop: events that do not fit the table of {outputs} are "
                       "dropped without a trace but the diagnostic logs")
        else:
            named = f"is {policy}" if policy else "is not stated, so it is Retry (the default)"
            message = (f"the job's output error policy {named}: the first event that does not fit the table of "
                       f"{outputs} is retried forever, blocking that output and every output sharing its input")
        result.append(at("SC607", message, job.error_policy.where, source))
    return result
