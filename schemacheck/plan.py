"""A job's plan: what the analysis of its query needs from the job (compatibility level
and where it comes from, UDF types, input shapes, saved schemas), the analysis itself,
and the mapping of query positions back into the file that holds the query.

The compatibility level, first found: --compat-level, the job's, the configuration's, 1.2.

Shared by `infer` and `check`; it imports nothing of Kusto or the comparator, so `infer`
stays light.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis, analyze
from schemacheck.config import Config
from schemacheck.jobs.discover import Found
from schemacheck.jobs.model import Job
from schemacheck.records import record


def where_text(where, fallback: str) -> str:
    from schemacheck.files import display_path

    if where is None:
        return display_path(fallback)
    return display_path(where.file) + (f":{where.line}" if where.line else "")



@record
class JobPlan:
    """Everything the check of one job needs besides the tables: its configuration, the
    level and where it comes from, UDF types, input shapes, and extra notes."""

    found: Found
    config: Config
    level: str
    level_origin: str
    level_stated: bool
    udf_types: dict | None
    functions_complete: bool
    input_shapes: dict
    notes: tuple
    schemas: tuple[str, ...]


def plan_job(found: Found, config: Config, cli_level: str | None = None,
             cli_udf_types: Mapping[str, str | None] | None = None, cli_schemas: tuple[str, ...] = ()) -> JobPlan:
    from schemacheck.asa.types import DEFAULT_COMPAT_LEVEL
    from schemacheck.files import display_path
    from schemacheck.jobs.samples import input_shapes

    job = found.job
    stated = job.compat_level.value
    if cli_level is not None:
        level, origin = cli_level, "--compat-level"
    elif stated in ("1.0", "1.1", "1.2"):
        level, origin = stated, where_text(job.compat_level.where, job.source)
    elif config.compat_level is not None:
        level, origin = config.compat_level, display_path(str(config.path))
    else:
        level, origin = DEFAULT_COMPAT_LEVEL, "default"
    notes = []
    if stated is not None and stated not in ("1.0", "1.1", "1.2"):
        from schemacheck.jobs.model import Note, Where

        notes.append(Note("SC609", f"compatibility level {stated!r} is not one ASA documents (1.0, 1.1, 1.2); "
                          f"checked as {level}", job.compat_level.where or Where(job.source)))
    # The job's functions: name -> declared return type. One whose files could not be read
    # (`unread`) is still defined, of unknown type, unless one of the same name (any case) was
    # read; one whose name is not known at all leaves them incomplete, so no call is SC610.
    udf_types, functions_complete = None, job.functions is not None
    if job.functions is not None:
        udf_types = {}
        for function in sorted(job.functions, key=lambda f: f.unread):   # the read ones first
            if not function.name:
                functions_complete = False
            elif not function.unread or all(name.lower() != function.name.lower() for name in udf_types):
                udf_types[function.name] = function.output_type
    if cli_udf_types:
        udf_types = {**(udf_types or {}), **cli_udf_types}
    shapes, sample_notes = input_shapes(job, level)
    notes.extend(sample_notes)
    schemas = tuple(cli_schemas) or _job_schemas(job, config)
    return JobPlan(found, config, level, origin, cli_level is not None or stated is not None
                   or config.compat_level is not None, udf_types, functions_complete, shapes,
                   tuple(notes), schemas)


def _job_schemas(job: Job, config: Config) -> tuple[str, ...]:
    """The saved schemas of a job: the nearer of the configuration's `schemas` and the
    project's (or template's) own schemas/ folder."""
    import os

    folder = os.path.join(job.root, "schemas")
    if job.form == "query" or not os.path.isdir(folder):
        return config.schemas
    if config.schemas and config.path is not None:
        config_dir = os.path.abspath(os.path.dirname(config.path))
        root = os.path.abspath(job.root)
        if os.path.commonpath([config_dir, root]) == root:   # the configuration is inside the project
            return config.schemas
    return (folder,)


def analyze_job(plan: JobPlan) -> QueryAnalysis:
    job = plan.found.job
    query = job.query
    if query is None:   # the job's files hold no query: a note says so
        return QueryAnalysis(job.source, (), ())
    analysis = analyze(query.text, file=query.file, level=plan.level, udf_types=plan.udf_types,
                       input_shapes=plan.input_shapes, functions_complete=plan.functions_complete)
    return _into_the_only_output(analysis, job)


def _into_the_only_output(analysis: QueryAnalysis, job: Job) -> QueryAnalysis:
    """A statement without INTO writes to the output named `output`; a job with one output
    and no `output` runs it into that one (ASA needs INTO only with several outputs)."""
    if job.outputs is None or len(job.outputs) != 1 or job.outputs[0].alias.lower() == "output":
        return analysis
    alias = job.outputs[0].alias
    if not any(o.output_span is None for o in analysis.outputs):
        return analysis
    outputs = tuple(o._replace(output=alias) if o.output_span is None else o for o in analysis.outputs)
    moved = {o.span for o in analysis.outputs if o.output_span is None}
    diagnostics = tuple(d._replace(output=alias) if d.output == "output" and any(
        s.line <= d.line <= (s.end_line or s.line) for s in moved) else d for d in analysis.diagnostics)
    return analysis._replace(outputs=outputs, diagnostics=diagnostics)


def relocate(analysis: QueryAnalysis, diagnostics, query) -> tuple[QueryAnalysis, tuple[D.Diagnostic, ...]]:
    """Positions in a query held as a JSON string (`query.json_string_at`) -> positions in
    its file, for the analysis and for `diagnostics`; a query built by a template expression
    (`query.at`) -> the expression's place; unchanged for a query file."""
    if query.json_string_at is not None:
        from schemacheck.files import read_text_file
        from schemacheck.jobs.jsonfile import strip_comments
        from schemacheck.jobs.positions import StringPositions

        where = StringPositions(strip_comments(read_text_file(query.file, "template")), query.json_string_at)

        def span(value):
            line, column = where(value.line, value.column)
            if not value.end_line:
                return value._replace(line=line, column=column)
            end_line, end_column = where(value.end_line, value.end_column)
            return value._replace(line=line, column=column, end_line=end_line, end_column=end_column)

        def diagnostic(d: D.Diagnostic) -> D.Diagnostic:
            line, column = where(d.line, d.column)
            end_line, end_column = where(d.end_line, d.end_column) if d.end_line and d.end_column else (None, None)
            edit = d.edit
            if edit is not None and edit.file == query.file:
                import json

                start, end = where(edit.line, edit.column), where(edit.end_line, edit.end_column)
                # The replacement goes inside a JSON string: escaped as JSON writes it.
                edit = edit._replace(line=start[0], column=start[1], end_line=end[0], end_column=end[1],
                                     text=json.dumps(edit.text)[1:-1])
            return d._replace(line=line, column=column, end_line=end_line, end_column=end_column, edit=edit)
    elif query.at is not None:
        line, column = query.at.line or 1, query.at.column or 1

        def span(value):
            return value._replace(line=line, column=column, end_line=0, end_column=0)

        def diagnostic(d: D.Diagnostic) -> D.Diagnostic:
            return d._replace(message=f"{d.message} (line {d.line}, column {d.column} of the query the template "
                              "builds)", line=line, column=column, end_line=None, end_column=None, edit=None)
    else:
        return analysis, tuple(diagnostics)
    return _moved(analysis, diagnostics, query.file, span, diagnostic)


def _moved(analysis: QueryAnalysis, diagnostics, file: str, span, diagnostic):
    """The analysis and diagnostics with every span of `file` passed through `span` and
    every diagnostic of `file` through `diagnostic`."""
    def spanned(value):
        return None if value is None else span(value)

    def output(o):
        return o._replace(output_span=spanned(o.output_span), span=spanned(o.span),
                          columns=tuple(c._replace(span=spanned(c.span), expr_span=spanned(c.expr_span))
                                        for c in o.columns),
                          gaps=tuple(g._replace(span=spanned(g.span)) for g in o.gaps))

    def moved(d: D.Diagnostic) -> D.Diagnostic:
        return diagnostic(d) if d.file == file else d

    result = analysis._replace(outputs=tuple(output(o) for o in analysis.outputs),
                               diagnostics=tuple(moved(d) for d in analysis.diagnostics))
    return result, tuple(moved(d) for d in diagnostics)


def infer_job(plan: JobPlan) -> QueryAnalysis:
    """`schemacheck infer` for one job: the analysis, with the job's own findings that do
    not need tables (outputs not defined, functions, level, the readers' notes)."""
    from schemacheck.jobcheck import job_findings, query_findings

    job = plan.found.job._replace(notes=plan.found.job.notes + plan.notes)
    analysis = analyze_job(plan)
    found = list(analysis.diagnostics) + (query_findings(job, analysis) if job.query is not None else [])
    moved, diagnostics = finish(plan, analysis, found, lambda moved, kept: job_findings(
        job, moved, (), plan.level_stated, [], plan.found.start_file is None))
    return moved._replace(diagnostics=diagnostics)


def finish(plan: JobPlan, analysis: QueryAnalysis, found: list, job_findings_of) -> tuple[QueryAnalysis, tuple]:
    """The last steps of a job's findings, in order: line suppressions (in the query's own
    positions), positions mapped into the file holding the query, the job's findings
    (`job_findings_of(moved_analysis, kept)`), file suppressions, unused suppressions
    (SC010), the configuration's severities; sorted with the query's findings first."""
    from schemacheck import policy

    query = plan.found.job.query
    if query is None:
        moved = analysis
        directives: list = []
        kept = list(found)
    else:
        directives = policy.directives(query.text)
        used: set[int] = set()
        kept = policy.suppress_lines(found, directives, query.file, used)
        moved, kept = relocate(analysis, kept, query)
        kept = list(kept)
    kept += job_findings_of(moved, kept)
    if directives:
        kept = policy.suppress_file(kept, directives, used)
        kept += relocate(analysis, policy.unused(directives, used, query.file), query)[1]
    kept = policy.with_severities(kept, plan.config.severity)
    first = query.file if query is not None else plan.found.job.source
    return moved, tuple(sorted(kept, key=query_first(first)))


def query_first(file: str):
    """Sort key: the query's findings first, then those in the job's other files."""
    return lambda d: (d.file != file, D.sort_key(d))
