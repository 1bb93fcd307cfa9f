"""The check as a library: paths in, one result per job out, no argv, no printing.

    check_paths(request, connect=None) -> Run      every job the paths stand for, checked
    plan_paths(request, configs)       -> Planned  the jobs found and their plans (infer, snapshot, doctor)
    check_job(plan, analysis, tables, targets, cluster) -> FileCheck   one job, step by step

`check_job` is the same list of steps for every job: the outputs against their tables,
the findings about the query's INTO names, line suppressions, positions mapped into the
file holding the query, the job's own findings, file suppressions, the configuration's
severities, and the findings attached to their statements. The command line
(schemacheck.cli) and the language server call the functions here; what to check is a
`Request`, what comes back a `Run` of FileCheck and Unreadable entries.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck import kinds
from schemacheck.asa.analysis import QueryAnalysis, analyze
from schemacheck.asa.infer import OutputSchema
from schemacheck.check.destinations import Destination, Target, destination, parse_target
from schemacheck.check.results import COMPARED, NOT_CHECKED, TABLE_MISSING, FileCheck, OutputCheck, attach_findings
from schemacheck.check.tables import Tables, table_for
from schemacheck.config import Config
from schemacheck.jobs.model import Job
from schemacheck.outputs import CHECKERS as OUTPUT_CHECKERS
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the imports below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level
    from schemacheck.check.plan import JobPlan
    from schemacheck.diagnostics import Severity
    from schemacheck.files import Skipped, Unreadable
    from schemacheck.jobs.discover import Found


@record
class Request(Record):
    """What to check, as a program says it. `targets` are `ALIAS=TABLE` texts (or Target
    records); `udf_types` maps UDF/UDA names to types; `fail_on` beats the configurations';
    `hook`: the paths are a commit's changed files (a file no job uses is skipped);
    `workers` > 1 checks the jobs in forked processes."""

    paths: tuple[str, ...]
    schemas: tuple[str, ...] = ()
    targets: tuple = ()
    parameters: str | None = None
    compat_level: Level | None = None
    udf_types: dict | None = None
    cluster: str | None = None
    fail_on: Severity | None = None
    hook: bool = False
    workers: int = 1


@record
class Planned(Record):
    """The jobs the paths stand for: (entry, plan) pairs, the plan None for a file that could
    not be read (Unreadable) or is not read (Skipped); `warnings` about the request."""

    pairs: tuple
    warnings: tuple[str, ...] = ()


@record
class Run(Record):
    """A run's result: the entries in order (FileCheck or Unreadable), the fail-on severity
    of each (None for an Unreadable), and warnings about the request itself."""

    entries: tuple
    fail_on: tuple[Severity | None, ...]
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether an input could not be read (exit code 2)."""
        return any(level is None for level in self.fail_on)

    @property
    def failing(self) -> bool:
        """Whether a finding is at or above its job's fail-on severity (exit code 1)."""
        return any(D.SEVERITY_RANK[d.severity] >= D.SEVERITY_RANK[level]
                   for entry, level in zip(self.entries, self.fail_on) if level is not None
                   for d in entry.diagnostics)


def targets_of(values) -> dict[str, Target]:
    targets = {}
    for value in values:
        target = value if isinstance(value, Target) else parse_target(value)
        targets[target.alias] = target
    return targets


# ---- one query, one job ----------------------------------------------------------------

def check_text(text: str, file: str, tables: Tables, targets: Mapping[str, Target], config: Config,
               level: Level, udf_types: Mapping[str, str | None] | None = None,
               analysis: QueryAnalysis | None = None, cluster: str | None = None, job: Job | None = None
               ) -> FileCheck:
    """Analyse one query (unless given its `analysis`) and compare each output with its table."""
    if analysis is None:
        analysis = analyze(text, file=file, level=level, udf_types=udf_types)
    found = list(analysis.diagnostics)
    checks = []
    for output in analysis.outputs:
        def report(code, message, span, alias=output.output, **fields):
            found.append(D.make(code, message, span, file, output=alias, **fields))

        where_to = destination(output.output, targets, config, cluster, job)
        status, table, kind = table_for(output, where_to, tables, report)
        if table is not None:
            assert kind is not None  # a table is of a kind
            found.extend(kinds.get(kind).compare(output, table, level, file, text))
        checks.append(OutputCheck(output, status, table, kind, where_to))
    # "The columns cannot be known" says nothing about an output that is not checked.
    unchecked = {c.output.output for c in checks if c.status == NOT_CHECKED}
    found = [d for d in found if not (d.code == "SC403" and d.output in unchecked)]
    found.extend(_nothing_compared(checks, tables, file))
    used = [kinds.get(c.kind) for c in checks if kinds.checked(c.kind)]
    found.extend(D.Diagnostic("SC503", D.default_severity("SC503"), note.message, note.file, note.line, note.column)
                 for note in tables.notes(used))
    found.extend(compare_statements(list(analysis.outputs), file))
    found = sorted(found, key=D.sort_key)
    return FileCheck(file, analysis, attach_findings(tuple(checks), found, file), tuple(found))


def check_job(plan: JobPlan, analysis: QueryAnalysis, tables: Tables, targets: Mapping[str, Target],
              cluster: str | None = None) -> FileCheck:
    """The whole check of one job (see the module doc for the steps)."""
    from schemacheck.check.job_findings import job_findings, query_findings
    from schemacheck.check.positions import query_first, relocate
    from schemacheck.check.suppressions import Suppressions, with_severities

    job = plan.job
    query = job.query
    runs_it = plan.found.start_file is None
    if query is None:   # the job's files hold no query: its notes say why
        found = with_severities(job_findings(job, analysis, (), plan.level_stated, [], runs_it), plan.config.severity)
        return FileCheck(job.source, analysis, (), tuple(sorted(found, key=query_first(job.source))), plan.found,
                         plan.level, plan.level_origin)
    # 1. The outputs against their tables (behind a Fabric Eventstream's operators: as they
    #    leave the last one).
    chained = any(o.operators for o in job.outputs or ())
    if chained:
        from schemacheck.check.operators import at_operators, through_operators

        analysis, operator_findings = through_operators(analysis, job)
    checked = check_text(query.text, query.file, tables, targets, plan.config, plan.level, plan.udf_types,
                         analysis, cluster, job)
    # 2. INTO names the job does not define (SC601): such an output has no table to look for.
    undefined = query_findings(job, analysis)
    missing = {d.output for d in undefined}
    found = [d for d in checked.diagnostics if not (d.code in ("SC402", "SC405") and d.output in missing)] + undefined
    if plan.level == "1.0" and plan.level_origin != "default":
        # Say where the level that lower-cases the names is set, next to the mismatch it causes.
        found = [d._replace(message=f"{d.message} (level 1.0 is set in {plan.level_origin})")
                 if d.code == "SC102" and d.lowered else d for d in found]
    # 3. Line suppressions, in the query's own positions.
    suppressions = Suppressions(query)
    found = suppressions.on_lines(found)
    # 4. Positions mapped into the file holding the query (a template's JSON string).
    moved, relocated = relocate(analysis, found, query)
    outputs = tuple(c._replace(output=o) for c, o in zip(checked.outputs, moved.outputs))
    # 5. The job's own findings (identity, level, locale, error policy, the readers' notes), and
    #    the other outputs' settings against the columns they name (schemacheck.outputs).
    if chained:   # a finding on a column an operator writes: at that operator's entry
        relocated = tuple(at_operators(relocated, job, operator_findings)) + tuple(operator_findings)
    found = list(relocated) + job_findings(job, moved, outputs, plan.level_stated, list(relocated), runs_it)
    if any(o.kind in OUTPUT_CHECKERS for o in job.outputs or ()):
        from schemacheck.outputs import settings_findings

        found += settings_findings(job, moved, plan.level)   # imports only the checkers of its outputs
    # 6. File suppressions, and the directives that silenced nothing.
    found = suppressions.in_files(found) + list(relocate(analysis, suppressions.unused(), query)[1])
    # 7. The configuration's severities; the query's findings first.
    found = sorted(with_severities(found, plan.config.severity), key=query_first(query.file))
    # 8. Each statement's findings on its output.
    outputs = attach_findings(outputs, found, checked.file)
    return checked._replace(analysis=moved, outputs=outputs, diagnostics=tuple(found), job=plan.found,
                            level=plan.level, level_origin=plan.level_origin)


def job_destinations(plan: JobPlan, analysis: QueryAnalysis, targets: Mapping[str, Target],
                     cluster: str | None = None) -> list[Destination]:
    return [destination(o.output, targets, plan.config, cluster, plan.found.job) for o in analysis.outputs]


def _nothing_compared(checks: list[OutputCheck], tables: Tables, file: str) -> list[D.Diagnostic]:
    """SC406 when outputs that write to tables were compared with none: a check that
    compared nothing must not read as a pass."""
    checkable = [c for c in checks if c.status != NOT_CHECKED
                 and not (c.table is None and kinds.checked(c.kind) and kinds.get(c.kind).creates_table)]
    # A table that is not found is already an error (SC501): the run does not pass.
    if not checkable or any(c.status in (COMPARED, TABLE_MISSING) for c in checks):
        return []
    first = checkable[0].output
    if not any(len(catalog) for catalog in list(tables.loaded.values()) + list(tables.overrides.values())):
        why = ("no table schema loaded; pass --schema FILE|DIR, set schemas = [...] in schemacheck.toml, or keep "
               "the tables in the project's schemas/ folder")
    else:
        catalog = tables.of(kinds.get(kinds.ADX))
        why = f"none maps to a table of the {catalog.source}"
    total = len(dict.fromkeys(c.output.output for c in checks))
    return [D.make("SC406", f"0 of {total} output{'' if total == 1 else 's'} compared: {why}",
                   first.output_span or first.span, file, output=first.output)]


def compare_statements(outputs: list[OutputSchema], file: str | None = None) -> list[D.Diagnostic]:
    """SC401: statements writing INTO the same output whose columns differ from the first's."""
    found = []
    first_by_output: dict[str, OutputSchema] = {}
    for output in outputs:
        first = first_by_output.setdefault(output.output, output)
        if first is output or not (first.complete and output.complete):
            continue
        mine = [(c.name, c.type) for c in output.columns]
        theirs = [(c.name, c.type) for c in first.columns]
        names, first_names = [n for n, _ in mine], [n for n, _ in theirs]
        # An unknown type is no difference: only two known, different types are.
        if names == first_names and all(t == u or t is None or u is None for (_, t), (_, u) in zip(mine, theirs)):
            continue
        if names != first_names:
            what = (f"columns {', '.join(str(n) for n in names)} where the statement at line {first.span.line} "
                    f"writes {', '.join(str(n) for n in first_names)}")
        else:
            diff = [f"{n} {t} vs {u}" for (n, t), (_, u) in zip(mine, theirs) if t != u and t and u]
            what = f"other types than the statement at line {first.span.line}: {', '.join(diff)}"
        found.append(D.make("SC401", f"this statement writes INTO {output.output} {what}",
                            output.output_span or output.span, file, output=output.output))
    return found


# ---- every job the paths stand for -------------------------------------------------------

def plan_paths(request: Request, configs: dict | None = None) -> Planned:
    """The jobs the paths stand for (schemacheck.jobs.discover), those the configurations do
    not exclude, each with its plan."""
    from schemacheck.check.plan import plan_job
    from schemacheck.config import find_config
    from schemacheck.files import Skipped, Unreadable
    from schemacheck.jobs.discover import find_jobs

    configs = {} if configs is None else configs

    def excluded(entry) -> bool:
        if isinstance(entry, (Unreadable, Skipped)):
            path = entry.file
        else:
            job = entry.job
            path = job.query.file if job.query is not None else job.source
        return find_config(path, configs).excludes(path)

    found = [e for e in find_jobs(list(request.paths), request.parameters, request.hook, tuple(request.schemas))
             if not excluded(e)]
    warnings = []
    if request.parameters and not any(getattr(e, "parameters", None) for e in found) and not any(
            isinstance(e, Unreadable) and e.file == request.parameters for e in found):
        warnings.append(f"--parameters {request.parameters}: no ARM template among the paths uses it")
    pairs: list[tuple[Found | Unreadable | Skipped, JobPlan | None]] = []
    for entry in found:
        if isinstance(entry, (Unreadable, Skipped)):
            pairs.append((entry, None))
            continue
        job = entry.job
        config = find_config(job.source if job.form == "query" else job.root, configs)
        pairs.append((entry, plan_job(entry, config, request.compat_level, request.udf_types,
                                      tuple(request.schemas))))
    return Planned(tuple(pairs), tuple(warnings))


def check_paths(request: Request, connect=None, configs: dict | None = None) -> Run:
    """Every job the paths stand for, checked. With `connect` (url -> a Cluster of
    schemacheck.kusto.live) the ADX tables are read from their clusters."""
    from schemacheck.check.destinations import stated_kinds
    from schemacheck.check.plan import analyze_job
    from schemacheck.check.tables import check_folders
    from schemacheck.config import find_config
    from schemacheck.files import Skipped, Unreadable
    from schemacheck.parallel import fork_map

    configs = {} if configs is None else configs
    targets = targets_of(request.targets)
    planned = plan_paths(request, configs)
    pairs = list(planned.pairs)
    adx = kinds.get(kinds.ADX)
    tables: dict = {}
    if connect is not None:
        from schemacheck.kusto.kind import ADX as LIVE  # the kind read from clusters (kusto.live)

        entries = []
        for entry, plan in pairs:
            if plan is not None:
                analysis = analyze_job(plan)
                live = LIVE.live_tables(job_destinations(plan, analysis, targets, request.cluster), connect)
                live_tables = Tables(plan.schemas, {LIVE.name: live}, plan.found.job.scripts)
                entry = check_job(plan, analysis, live_tables, targets, request.cluster)
            entries.append(entry)
    else:
        # Tables are read here, before any worker starts: every file is read by this
        # process (the result cache records what it reads) and each folder once.
        for _, plan in pairs:
            if plan is None:
                continue
            job = plan.found.job
            key = (plan.schemas, job.scripts)
            if key not in tables:
                check_folders(plan.schemas)
                tables[key] = Tables(plan.schemas, scripts=job.scripts)
                tables[key].of(adx)
            for kind, paths in stated_kinds([o.alias for o in job.outputs or ()], targets, plan.config, job):
                tables[key].of(kinds.get(kind), paths)   # only a job with such an output reads them

        def check(pair):
            entry, plan = pair
            if plan is None:
                return entry
            return check_job(plan, analyze_job(plan), tables[(plan.schemas, plan.found.job.scripts)], targets,
                             request.cluster)

        # One process unless asked: benchmarks/run.py measured forked workers at 0.84x and
        # 1.39x of one process in two runs on 1,000 sample-sized files (discovery and
        # reporting stay in this process, and the results travel back pickled).
        entries = fork_map(check, pairs, request.workers)
    entries = [skipped_check(e, configs) if isinstance(e, Skipped) else e for e in entries]
    entries, warnings = with_unused_mappings(entries, pairs, targets)
    fail_on: list[Severity | None] = []
    for entry, (_, plan) in zip(entries, pairs):
        if isinstance(entry, Unreadable):
            fail_on.append(None)
        else:
            config = plan.config if plan is not None else find_config(entry.file, configs)
            fail_on.append(request.fail_on or config.fail_on or "error")
    return Run(tuple(entries), tuple(fail_on), planned.warnings + tuple(warnings))


def skipped_check(entry, configs: dict | None = None) -> FileCheck:
    """A job-like file a directory scan did not read, as a check holding one SC611 finding
    (so that every format lists it), at the severity its configuration gives SC611."""
    from schemacheck.check.suppressions import with_severities
    from schemacheck.config import find_config

    finding = D.Diagnostic("SC611", D.default_severity("SC611"), f"not read: the file {entry.message}", entry.file,
                           1, 1)
    kept = with_severities([finding], find_config(entry.file, configs).severity)
    return FileCheck(entry.file, None, (), tuple(kept))


def with_unused_mappings(entries: list, pairs: list, targets: dict) -> tuple[list, list[str]]:
    """The entries with SC407 for mappings that name no output of the run (at the severity
    each job's configuration gives it); with nothing checked, --target's as warnings."""
    from schemacheck.check.mappings import unused_mappings
    from schemacheck.check.positions import query_first
    from schemacheck.check.suppressions import with_severities

    checked = [(i, e, plan.config) for i, (e, (_, plan)) in enumerate(zip(entries, pairs))
               if plan is not None and isinstance(e, FileCheck)]
    if not checked:
        return entries, [f"--target {alias}=...: no statement writes INTO {alias}" for alias in sorted(targets)]
    added = unused_mappings([(e, config) for _, e, config in checked], targets)
    result = list(entries)
    for (index, entry, config), found in zip(checked, added):
        if found:
            kept = with_severities(found, config.severity)
            diagnostics = tuple(sorted(entry.diagnostics + tuple(kept), key=query_first(entry.file)))
            result[index] = entry._replace(diagnostics=diagnostics,
                                           outputs=attach_findings(entry.outputs, diagnostics, entry.file))
    return result, []
