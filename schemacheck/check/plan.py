"""A job's plan: what the analysis of its query needs from the job (compatibility level
and where it comes from, UDF types, input shapes, saved schemas), and the analysis itself.

The compatibility level, first found: --compat-level, the job's, the configuration's, 1.2.

Shared by `infer` and `check`; it imports nothing of Kusto or the comparator, so `infer`
stays light.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck.asa.analysis import QueryAnalysis, analyze
from schemacheck.config import Config
from schemacheck.jobs.discover import Found
from schemacheck.jobs.model import Job, where_text
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level


@record
class JobPlan(Record):
    """Everything the check of one job needs besides the tables: its configuration, the
    level and where it comes from, UDF types, input shapes, and extra notes."""

    found: Found
    config: Config
    level: Level
    level_origin: str
    level_stated: bool
    udf_types: dict | None
    functions_complete: bool
    input_shapes: dict
    notes: tuple
    schemas: tuple[str, ...]

    @property
    def job(self) -> Job:
        """The job, with the plan's own notes (an unknown level, unreadable samples) added."""
        return self.found.job._replace(notes=self.found.job.notes + self.notes)


def plan_job(found: Found, config: Config, cli_level: Level | None = None,
             cli_udf_types: Mapping[str, str | None] | None = None, cli_schemas: tuple[str, ...] = ()) -> JobPlan:
    from schemacheck.asa.types import DEFAULT_COMPAT_LEVEL, is_level
    from schemacheck.files import display_path
    from schemacheck.inputs import input_shapes

    job = found.job
    stated = job.compat_level.value
    if cli_level is not None:
        level, origin = cli_level, "--compat-level"
    elif is_level(stated):
        level, origin = stated, where_text(job.compat_level.where, job.source)
    elif config.compat_level is not None:
        level, origin = config.compat_level, display_path(str(config.path))
    else:
        level, origin = DEFAULT_COMPAT_LEVEL, "default"
    notes = []
    if stated is not None and not is_level(stated):
        from schemacheck.jobs.model import Note, Where

        notes.append(Note("SC609", f"compatibility level {stated!r} is not one ASA documents (1.0, 1.1, 1.2); "
                          f"checked as {level}", job.compat_level.where or Where(job.source)))
    # The job's functions: name -> declared return type. One whose files could not be read
    # (`unread`) is still defined, of unknown type, unless one of the same name (any case) was
    # read; one whose name is not known at all leaves them incomplete, so no call is SC610.
    udf_types: dict[str, str | None] | None = None
    functions_complete = job.functions is not None
    if job.functions is not None:
        udf_types = {}
        for function in sorted(job.functions, key=lambda f: f.unread):   # the read ones first
            if not function.name:
                functions_complete = False
            elif not function.unread or all(name.lower() != function.name.lower() for name in udf_types):
                udf_types[function.name] = function.output_type
    if cli_udf_types:
        udf_types = {**(udf_types or {}), **cli_udf_types}
    schemas = tuple(cli_schemas) or _job_schemas(job, config) + tuple(
        f for f in job.schema_files if f not in _job_schemas(job, config))
    shapes, sample_notes = input_shapes(job, level, config, schemas)
    notes.extend(sample_notes)
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


def infer_job(plan: JobPlan) -> QueryAnalysis:
    """`schemacheck infer` for one job: the analysis (an output behind a Fabric Eventstream's
    operators with the columns the last one writes), with the job's own findings that do
    not need tables (outputs not defined, functions, level, the readers' notes), in these
    steps: line suppressions, positions mapped into the file holding the query, the job's
    findings, file suppressions, unused suppressions, the configuration's severities."""
    from schemacheck.check.job_findings import job_findings, query_findings
    from schemacheck.check.positions import query_first, relocate
    from schemacheck.check.suppressions import Suppressions, with_severities

    job = plan.job
    analysis = analyze_job(plan)
    operator_findings: list = []
    if any(o.operators for o in job.outputs or ()):   # what reaches a Fabric destination behind operators
        from schemacheck.check.operators import through_operators

        analysis, operator_findings = through_operators(analysis, job)
    found = list(analysis.diagnostics) + (query_findings(job, analysis) if job.query is not None else [])
    suppressions = Suppressions(job.query)
    found = suppressions.on_lines(found)
    moved, relocated = relocate(analysis, found, job.query) if job.query is not None else (analysis, tuple(found))
    found = list(relocated) + operator_findings + job_findings(job, moved, (), plan.level_stated, [],
                                                               plan.found.start_file is None)
    found = suppressions.in_files(found)
    if job.query is not None:
        found += relocate(analysis, suppressions.unused(), job.query)[1]
    found = with_severities(found, plan.config.severity)
    first = job.query.file if job.query is not None else job.source
    return moved._replace(diagnostics=tuple(sorted(found, key=query_first(first))))
