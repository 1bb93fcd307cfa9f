"""`schemacheck check`: for each job (or lone query), analyse the query with what the job
says (level, functions, inputs), map every output to its table, compare, and add the
findings about the job itself (schemacheck.jobcheck).

Mapping, first match wins:
  1. `--target ALIAS=TABLE` or `ALIAS=DATABASE/TABLE` on the command line;
  2. `[outputs.ALIAS]` in the nearest configuration: `kind` other than "adx" means not
     ADX (SC404, not checked); `table` (and `database`) name the table;
  3. the job's own definition of the output (project or template): its type, and for
     ADX its cluster, database and table;
  4. a loaded table named exactly like the output alias (SC405 says so).
An output left without a table is SC402; a mapped table that was not loaded is SC501.

The compatibility level, first found: --compat-level, the job's, the configuration's, 1.2.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis, analyze
from schemacheck.asa.infer import OutputSchema
from schemacheck.compare import compare, compare_statements
from schemacheck.config import ADX, Config
from schemacheck.errors import UsageError
from schemacheck.jobs.discover import Found
from schemacheck.jobs.model import Job
from schemacheck.jobs.model import Output as JobOutput
from schemacheck.kusto.schema import TableCatalog, TableSchema
from schemacheck.records import record

COMPARED, NOT_ADX, NO_TABLE, TABLE_MISSING = "compared", "not-adx", "no-table", "table-missing"


@record
class Target:
    """A command-line mapping `ALIAS=TABLE` or `ALIAS=DATABASE/TABLE`."""

    alias: str
    table: str
    database: str | None = None


def parse_target(text: str) -> Target:
    alias, sep, rest = text.partition("=")
    if not sep or not alias.strip() or not rest.strip():
        raise UsageError(f"--target {text!r}: expected ALIAS=TABLE or ALIAS=DATABASE/TABLE")
    database, slash, table = rest.strip().rpartition("/")
    if slash and (not database or not table or "/" in database):
        raise UsageError(f"--target {text!r}: expected ALIAS=DATABASE/TABLE ('/' separates the database; "
                         "it cannot occur in Kusto names)")
    return Target(alias.strip(), table, database or None)


@record
class OutputCheck:
    """One statement's output and what it was compared with."""

    output: OutputSchema
    status: str                  # compared, not-adx, no-table, table-missing
    table: TableSchema | None = None
    kind: str | None = None


@record
class FileCheck:
    """The check of one query: `file` is the query's file (a template for an ARM job);
    `job` is how it was found (None for a query checked on its own), `level` the
    compatibility level used and `level_origin` where it came from."""

    file: str
    analysis: QueryAnalysis
    outputs: tuple[OutputCheck, ...]
    diagnostics: tuple[D.Diagnostic, ...]
    job: Found | None = None
    level: str | None = None
    level_origin: str | None = None


@record
class Destination:
    """Where an output writes, as the command line and configuration say (no schema looked up yet).

    `table` is None when nothing maps the output; `kind` is set for an output that is not ADX.
    """

    alias: str
    table: str | None = None
    database: str | None = None
    cluster: str | None = None
    origin: str = ""
    kind: str | None = None


def destination(alias: str, targets: Mapping[str, Target], config: Config, cluster: str | None = None,
                job: Job | None = None) -> Destination:
    """`--target` first, then the configuration's `[outputs.ALIAS]`, then the job's own
    output definition; `cluster` (--cluster) beats the config's, which beats the job's."""
    target = targets.get(alias)
    settings = config.output(alias)
    defined = _job_output(job, alias)
    configured_cluster = (settings.cluster if settings is not None else None) or (
        defined.cluster if defined is not None else None)
    if target is not None:
        return Destination(alias, target.table, target.database, cluster or configured_cluster, f"--target {alias}")
    if settings is not None and settings.kind not in (None, ADX):
        return Destination(alias, origin=str(config.path), kind=settings.kind)
    if settings is not None and (settings.table or settings.database):
        return Destination(alias, settings.table or alias, settings.database or (defined.database if defined else None),
                           cluster or configured_cluster, str(config.path))
    if defined is not None:
        origin = _where_text(defined.where, job.source)
        if defined.kind != ADX:
            kind = defined.kind or f"{defined.datasource or 'of a type'} not recognised"
            return Destination(alias, origin=origin, kind=kind)
        return Destination(alias, defined.table, defined.database, cluster or configured_cluster, origin)
    return Destination(alias, cluster=cluster or configured_cluster)


def _job_output(job: Job | None, alias: str) -> JobOutput | None:
    if job is None or job.outputs is None:
        return None
    lowered = alias.lower()
    return next((o for o in job.outputs if o.alias.lower() == lowered), None)


def _where_text(where, fallback: str) -> str:
    from schemacheck.files import display_path

    if where is None:
        return display_path(fallback)
    return display_path(where.file) + (f":{where.line}" if where.line else "")


def _table_for(output: OutputSchema, catalog: TableCatalog, where_to: Destination, report
               ) -> tuple[str, TableSchema | None, str | None]:
    alias = output.output
    where = output.output_span or output.span
    if where_to.kind is not None:
        report("SC404", f"output {alias} is {where_to.kind}, not Azure Data Explorer ({where_to.origin}): "
               f"not checked", where)
        return NOT_ADX, None, where_to.kind
    name, database, origin = where_to.table, where_to.database, where_to.origin
    if name is None:
        table = catalog.find(alias)
        if table is not None:
            report("SC405", f"output {alias} is compared with table {table.qualified_name} ({table.file}), "
                   f"the loaded table of the same name", where)
            return COMPARED, table, ADX
        if len(catalog.candidates(alias)) > 1:
            report("SC402", f"output {alias}: tables of that name are loaded from several databases; name "
                   f"one with --target {alias}=DATABASE/{alias}", where)
        else:
            report("SC402", f"output {alias} has no table schema to compare with: map it with --target "
                   f"{alias}=TABLE or [outputs.{alias}] in schemacheck.toml, or mark it kind = \"...\" if it "
                   f"is not Azure Data Explorer", where)
        return NO_TABLE, None, None
    table = catalog.find(name, database)
    if table is None and len(catalog.candidates(name, database)) > 1:
        databases = ", ".join(sorted({t.database or "?" for t in catalog.candidates(name, database)}))
        report("SC402", f"output {alias}: table {name} is loaded from several databases ({databases}); name the "
               f"database ({origin}, or --target {alias}=DATABASE/{name})", where)
        return NO_TABLE, None, ADX
    if table is None:
        qualified = f"{database}/{name}" if database else name
        near = catalog.near_misses(name, database)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        loaded = " (no schema is loaded: pass --schema)" if not len(catalog) else ""
        report("SC501", f"output {alias} writes to table {qualified} ({origin}), which is not in the "
               f"{catalog.source}{loaded}{hint}", where)
        return TABLE_MISSING, None, ADX
    return COMPARED, table, ADX


def check_text(text: str, file: str, catalog: TableCatalog, targets: Mapping[str, Target], config: Config,
               level: str, udf_types: Mapping[str, str | None] | None = None,
               analysis: QueryAnalysis | None = None, cluster: str | None = None, job: Job | None = None) -> FileCheck:
    """Analyse one query (unless given its `analysis`) and compare each output with its table."""
    if analysis is None:
        analysis = analyze(text, file=file, level=level, udf_types=udf_types)
    found = list(analysis.diagnostics)

    checks = []
    for output in analysis.outputs:
        def report(code, message, span, alias=output.output):
            found.append(D.make(code, message, span, file, output=alias))

        status, table, kind = _table_for(output, catalog, destination(output.output, targets, config, cluster, job),
                                         report)
        if table is not None:
            found.extend(compare(output, table, level, file, text))
        checks.append(OutputCheck(output, status, table, kind))
    # "The columns cannot be known" says nothing about an output that is not checked.
    unchecked = {c.output.output for c in checks if c.status == NOT_ADX}
    found = [d for d in found if not (d.code == "SC403" and d.output in unchecked)]
    found.extend(compare_statements(list(analysis.outputs), file))
    return FileCheck(file, analysis, tuple(checks), tuple(sorted(found, key=D.sort_key)))


def live_catalog(destinations: list[Destination], connect) -> TableCatalog:
    """The mapped tables, read from their clusters: `connect(url)` gives one (cached) Cluster
    per cluster. A table that does not exist is left out, and its database's other table
    names are kept for near misses."""
    from schemacheck.kusto.live import engine_url

    wanted: dict[tuple[str, str], list[str]] = {}
    for where_to in destinations:
        if where_to.kind is not None or where_to.table is None:
            continue
        if where_to.cluster is None:
            raise UsageError(f"output {where_to.alias}: --live needs its cluster: --cluster URL, or cluster = \"...\" "
                             f"in [outputs.{where_to.alias}]")
        if where_to.database is None:
            raise UsageError(f"output {where_to.alias}: --live needs its database: --target "
                             f"{where_to.alias}=DATABASE/{where_to.table}, or database = \"...\" in "
                             f"[outputs.{where_to.alias}]")
        key = (engine_url(where_to.cluster)[0], where_to.database)
        if where_to.table not in wanted.setdefault(key, []):
            wanted[key].append(where_to.table)
    tables: list[TableSchema] = []
    other_names: list[tuple[str | None, str]] = []
    clusters = sorted({cluster for cluster, _ in wanted})
    for (cluster, database), names in wanted.items():
        connection = connect(cluster)
        found = connection.table_schemas(database, names)
        tables.extend(t for t in found.values() if t is not None)
        if any(t is None for t in found.values()):
            other_names.extend((database, name) for name in connection.table_names(database))
    source = f"tables of {clusters[0]}" if len(clusters) == 1 else "tables of the clusters"
    return TableCatalog(tuple(tables), tuple(other_names), source)


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
        level, origin = stated, _where_text(job.compat_level.where, job.source)
    elif config.compat_level is not None:
        level, origin = config.compat_level, display_path(str(config.path))
    else:
        level, origin = DEFAULT_COMPAT_LEVEL, "default"
    notes = []
    if stated is not None and stated not in ("1.0", "1.1", "1.2"):
        from schemacheck.jobs.model import Note, Where

        notes.append(Note("SC609", f"compatibility level {stated!r} is not one ASA documents (1.0, 1.1, 1.2); "
                          f"checked as {level}", job.compat_level.where or Where(job.source)))
    udf_types = None
    if job.functions is not None:
        udf_types = {f.name: f.output_type for f in job.functions}
    if cli_udf_types:
        udf_types = {**(udf_types or {}), **cli_udf_types}
    shapes, sample_notes = input_shapes(job, level)
    notes.extend(sample_notes)
    schemas = tuple(cli_schemas) or _job_schemas(job, config)
    return JobPlan(found, config, level, origin, cli_level is not None or stated is not None
                   or config.compat_level is not None, udf_types, job.functions is not None, shapes,
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
    query = plan.found.job.query
    if query is None:   # the job's files hold no query: a note says so
        return QueryAnalysis(plan.found.job.source, (), ())
    return analyze(query.text, file=query.file, level=plan.level, udf_types=plan.udf_types,
                   input_shapes=plan.input_shapes, functions_complete=plan.functions_complete)


def job_destinations(plan: JobPlan, analysis: QueryAnalysis, targets: Mapping[str, Target],
                     cluster: str | None = None) -> list[Destination]:
    return [destination(o.output, targets, plan.config, cluster, plan.found.job) for o in analysis.outputs]


def check_job(plan: JobPlan, analysis: QueryAnalysis, catalog: TableCatalog, targets: Mapping[str, Target],
              cluster: str | None = None) -> FileCheck:
    """The whole check of one job: the query's outputs against their tables, then the job's
    own findings; positions of a query held in a JSON string map back into its file."""
    from schemacheck.jobcheck import job_findings, query_findings

    job = plan.found.job
    query = job.query
    if query is None:
        notes = job._replace(notes=job.notes + plan.notes)
        found = job_findings(notes, analysis, (), plan.level_stated, [])
        return FileCheck(job.source, analysis, (), tuple(sorted(found, key=D.sort_key)), plan.found, plan.level,
                         plan.level_origin)
    checked = check_text(query.text, query.file, catalog, targets, plan.config, plan.level, plan.udf_types,
                         analysis, cluster, job)
    undefined = query_findings(job, analysis)
    # An output the job does not define has no table to look for: SC601 says what is wrong.
    missing = {d.output for d in undefined}
    found = [d for d in checked.diagnostics if not (d.code in ("SC402", "SC405") and d.output in missing)] + undefined
    moved, found = relocate(analysis, found, query)
    outputs = tuple(c._replace(output=o) for c, o in zip(checked.outputs, moved.outputs))
    checked = checked._replace(analysis=moved, outputs=outputs, diagnostics=found)
    job = job._replace(notes=job.notes + plan.notes)
    if plan.level == "1.0" and plan.level_origin != "default":
        # Say where the level that lower-cases the names is set, next to the mismatch it causes.
        found = tuple(d._replace(message=f"{d.message} (level 1.0 is set in {plan.level_origin})")
                      if d.code == "SC102" and "lower case" in d.message else d for d in found)
        checked = checked._replace(diagnostics=found)
    extra = job_findings(job, moved, checked.outputs, plan.level_stated, list(found))
    diagnostics = tuple(sorted(list(checked.diagnostics) + extra, key=_query_first(query.file)))
    return checked._replace(diagnostics=diagnostics, job=plan.found, level=plan.level, level_origin=plan.level_origin)


def relocate(analysis: QueryAnalysis, diagnostics, query) -> tuple[QueryAnalysis, tuple[D.Diagnostic, ...]]:
    """Positions in a query held as a JSON string (`query.json_string_at`) -> positions in
    its file, for the analysis and for `diagnostics`; unchanged for a query file."""
    if query.json_string_at is None and query.at is not None:
        return _pinned(analysis, diagnostics, query)
    if query.json_string_at is None:
        return analysis, tuple(diagnostics)
    from schemacheck.files import read_text_file
    from schemacheck.jobs.jsonfile import strip_comments
    from schemacheck.jobs.positions import StringPositions

    where = StringPositions(strip_comments(read_text_file(query.file, "template")), query.json_string_at)

    def span(value):
        if value is None:
            return None
        line, column = where(value.line, value.column)
        if not value.end_line:
            return value._replace(line=line, column=column)
        end_line, end_column = where(value.end_line, value.end_column)
        return value._replace(line=line, column=column, end_line=end_line, end_column=end_column)

    def diagnostic(d: D.Diagnostic) -> D.Diagnostic:
        if d.file != query.file:
            return d
        line, column = where(d.line, d.column)
        end_line, end_column = where(d.end_line, d.end_column) if d.end_line and d.end_column else (None, None)
        return d._replace(line=line, column=column, end_line=end_line, end_column=end_column)

    def output(o):
        return o._replace(output_span=span(o.output_span), span=span(o.span),
                          columns=tuple(c._replace(span=span(c.span), expr_span=span(c.expr_span))
                                        for c in o.columns),
                          gaps=tuple(g._replace(span=span(g.span)) for g in o.gaps))

    moved = analysis._replace(outputs=tuple(output(o) for o in analysis.outputs),
                              diagnostics=tuple(diagnostic(d) for d in analysis.diagnostics))
    return moved, tuple(diagnostic(d) for d in diagnostics)


def _pinned(analysis: QueryAnalysis, diagnostics, query) -> tuple[QueryAnalysis, tuple[D.Diagnostic, ...]]:
    """A query built by a template expression: findings point at the expression, and say
    where in the built query they are."""
    at = query.at

    def span(value):
        if value is None:
            return None
        return value._replace(line=at.line or 1, column=at.column or 1, end_line=0, end_column=0)

    def diagnostic(d: D.Diagnostic) -> D.Diagnostic:
        if d.file != query.file:
            return d
        return d._replace(message=f"{d.message} (line {d.line}, column {d.column} of the query the template builds)",
                          line=at.line or 1, column=at.column or 1, end_line=None, end_column=None)

    def output(o):
        return o._replace(output_span=span(o.output_span), span=span(o.span),
                          columns=tuple(c._replace(span=span(c.span), expr_span=span(c.expr_span))
                                        for c in o.columns),
                          gaps=tuple(g._replace(span=span(g.span)) for g in o.gaps))

    moved = analysis._replace(outputs=tuple(output(o) for o in analysis.outputs),
                              diagnostics=tuple(diagnostic(d) for d in analysis.diagnostics))
    return moved, tuple(diagnostic(d) for d in diagnostics)


def infer_job(plan: JobPlan) -> QueryAnalysis:
    """`schemacheck infer` for one job: the analysis, with the job's own findings that do
    not need tables (outputs not defined, functions, level, the readers' notes)."""
    from schemacheck.jobcheck import job_findings, query_findings

    job = plan.found.job._replace(notes=plan.found.job.notes + plan.notes)
    analysis = analyze_job(plan)
    if job.query is None:
        return analysis._replace(diagnostics=tuple(sorted(job_findings(job, analysis, (), plan.level_stated, []),
                                                          key=D.sort_key)))
    moved, found = relocate(analysis, list(analysis.diagnostics) + query_findings(job, analysis), job.query)
    found = list(found) + job_findings(job, moved, (), plan.level_stated, [])
    return moved._replace(diagnostics=tuple(sorted(found, key=_query_first(job.query.file))))


def _query_first(file: str):
    """Sort key: the query's findings first, then those in the job's other files."""
    return lambda d: (d.file != file, D.sort_key(d))
