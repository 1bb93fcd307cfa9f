"""`schemacheck check`: for each job (or lone query), analyse the query with what the job
says (level, functions, inputs), map every output to its table, compare, and add the
findings about the job itself (schemacheck.jobcheck).

Mapping, first match wins:
  1. `--target ALIAS=TABLE`, `ALIAS=DATABASE/TABLE` or `ALIAS=KIND:TABLE` (KIND sql,
     synapse or postgresql: `Alerts=sql:dbo.Alerts`) on the command line;
  2. `[outputs.ALIAS]` in the nearest configuration: `kind` other than "adx" or a SQL
     kind means not checked (SC404); `table` (and `database`) name the table;
  3. the job's own definition of the output (project or template): its type, and for
     ADX its cluster, database and table (for SQL its server, database and table);
  4. for ADX, a loaded table named exactly like the output alias (SC405 says so).
An output left without a table is SC402; a mapped table that was not loaded is SC501.

SQL outputs (sql, synapse, postgresql) are compared with the CREATE TABLE statements
of the .sql files among the schema paths, read in the output's dialect by
schemacheck.sql.ddl (sqlglot), which is imported only when such an output is checked.

What the analysis needs from the job (level, functions, inputs) is schemacheck.plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis, analyze
from schemacheck.asa.infer import OutputSchema
from schemacheck.compare import compare, compare_statements
from schemacheck.config import ADX, SQL_DIALECTS, Config
from schemacheck.errors import UsageError
from schemacheck.jobs.discover import Found
from schemacheck.jobs.model import Job
from schemacheck.jobs.model import Output as JobOutput
from schemacheck.kusto.schema import TableCatalog, TableSchema
from schemacheck.plan import JobPlan, finish, where_text
from schemacheck.records import record

COMPARED, NOT_ADX, NO_TABLE, TABLE_MISSING = "compared", "not-adx", "no-table", "table-missing"


@record
class Target:
    """A command-line mapping `ALIAS=TABLE`, `ALIAS=DATABASE/TABLE` or `ALIAS=KIND:TABLE`."""

    alias: str
    table: str
    database: str | None = None
    kind: str | None = None


def parse_target(text: str) -> Target:
    alias, sep, rest = text.partition("=")
    if not sep or not alias.strip() or not rest.strip():
        raise UsageError(f"--target {text!r}: expected ALIAS=TABLE or ALIAS=DATABASE/TABLE")
    kind, colon, named = rest.strip().partition(":")
    # Kusto names cannot hold ':', so a prefix before one is always a kind.
    if colon:
        if kind.lower() not in SQL_DIALECTS and kind.lower() != ADX:
            raise UsageError(f"--target {text!r}: {kind!r} is not a kind of table schemacheck checks "
                             f"(adx, {', '.join(SQL_DIALECTS)})")
        if not named.strip():
            raise UsageError(f"--target {text!r}: expected ALIAS={kind}:TABLE")
        if kind.lower() in SQL_DIALECTS:
            return Target(alias.strip(), named.strip(), None, kind.lower())
        rest = named
    database, slash, table = rest.strip().rpartition("/")
    if slash and (not database or not table or "/" in database):
        raise UsageError(f"--target {text!r}: expected ALIAS=DATABASE/TABLE ('/' separates the database; "
                         "it cannot occur in Kusto names)")
    return Target(alias.strip(), table, database or None, ADX if colon else None)


def target_for(targets: Mapping[str, Target], alias: str) -> Target | None:
    """The --target of output `alias`; aliases match without regard to case, as ASA's do."""
    if alias in targets:
        return targets[alias]
    lowered = alias.lower()
    return next((t for name, t in targets.items() if name.lower() == lowered), None)


@record
class OutputCheck:
    """One statement's output and what it was compared with."""

    output: OutputSchema
    status: str                  # compared, not-adx, no-table, table-missing
    table: TableSchema | None = None
    kind: str | None = None
    destination: Destination | None = None   # where the mapping says it writes


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

    `table` is None when nothing maps the output; `kind` is set for an output that is
    not checked; `sql` is the kind of a SQL output (sql, synapse, postgresql), whose
    `cluster` is its server.
    """

    alias: str
    table: str | None = None
    database: str | None = None
    cluster: str | None = None
    origin: str = ""
    kind: str | None = None
    sql: str | None = None
    schemas: tuple[str, ...] | None = None   # a SQL output's own DDL paths ([outputs.ALIAS] schemas)


def destination(alias: str, targets: Mapping[str, Target], config: Config, cluster: str | None = None,
                job: Job | None = None) -> Destination:
    """`--target` first, then the configuration's `[outputs.ALIAS]`, then the job's own
    output definition. The cluster: `cluster` (--cluster), the output's in the
    configuration, the job's, the configuration's `[live] cluster`."""
    target = target_for(targets, alias)
    settings = config.output(alias)
    defined = _job_output(job, alias)
    sql = _sql_destination(alias, target, settings, defined, config, job)
    if sql is not None:
        return sql
    configured_cluster = (settings.cluster if settings is not None else None) or (
        defined.cluster if defined is not None else None) or config.live.cluster
    if target is not None:
        return Destination(alias, target.table, target.database, cluster or configured_cluster, f"--target {alias}")
    if settings is not None and settings.kind not in (None, ADX):
        return Destination(alias, origin=str(config.path), kind=settings.kind)
    if settings is not None and (settings.table or settings.database):
        return Destination(alias, settings.table or alias, settings.database or (defined.database if defined else None),
                           cluster or configured_cluster, str(config.path))
    if defined is not None:
        origin = where_text(defined.where, job.source)
        if defined.kind != ADX:
            kind = defined.kind or f"{defined.datasource or 'of a type'} not recognised"
            return Destination(alias, origin=origin, kind=kind)
        return Destination(alias, defined.table, defined.database, cluster or configured_cluster, origin)
    return Destination(alias, cluster=cluster or configured_cluster)


def _stated_kind(target: Target | None, settings, defined_kind: str | None) -> str | None:
    """An output's kind as --target, then the configuration, then the job say it."""
    said = (target.kind if target is not None else None, settings.kind if settings is not None else None,
            defined_kind)
    return next((k for k in said if k is not None), None)


def _sql_destination(alias: str, target: Target | None, settings, defined: JobOutput | None, config: Config,
                     job: Job | None) -> Destination | None:
    """The destination of an output whose kind, first said by --target, the configuration
    or the job, is a SQL one; None for any other output."""
    kind = _stated_kind(target, settings, defined.kind if defined is not None else None)
    if kind not in SQL_DIALECTS:
        return None
    from_job = defined if defined is not None and defined.kind == kind else None
    server = (settings.cluster if settings is not None else None) or (from_job.cluster if from_job else None)
    schemas = settings.schemas if settings is not None else None
    if target is not None:
        return Destination(alias, target.table, target.database, server, f"--target {alias}", sql=kind,
                           schemas=schemas)
    if settings is not None and settings.table:
        return Destination(alias, settings.table, settings.database or (from_job.database if from_job else None),
                           server, str(config.path), sql=kind, schemas=schemas)
    if from_job is not None:
        return Destination(alias, from_job.table, from_job.database, server,
                           where_text(from_job.where, job.source), sql=kind, schemas=schemas)
    return Destination(alias, None, None, server, str(config.path) if settings is not None else "", sql=kind,
                       schemas=schemas)


class SqlCatalogs:
    """The SQL tables of the job's schema paths (or an output's own), per dialect: read
    (schemacheck.sql.ddl, sqlglot) on first use, so that a check with no SQL output reads
    no DDL at all."""

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.paths = paths
        self.loaded: dict = {}
        self._has_ddl: bool | None = None

    def has_ddl(self) -> bool:
        """Whether the schema paths hold any .sql file (a look at names only: no DDL is read)."""
        if self._has_ddl is None:
            import os

            def sql_files(path: str) -> bool:
                if os.path.isdir(path):
                    return any(name.lower().endswith(".sql") for _, _, names in os.walk(path) for name in names)
                return path.lower().endswith(".sql") and os.path.isfile(path)

            self._has_ddl = any(sql_files(path) for path in self.paths)
        return self._has_ddl

    def __call__(self, dialect: str, paths: tuple[str, ...] | None = None):
        key = (paths or self.paths, dialect)
        if key not in self.loaded:
            from schemacheck.errors import InputError
            from schemacheck.sql.ddl import DdlError, load_ddl
            from schemacheck.sql.schema import DIALECT_NAMES

            try:
                self.loaded[key] = load_ddl(list(key[0]), dialect)
            except DdlError as error:
                # The likeliest cause besides a typo: DDL of the other dialect in the same folder.
                users = "PostgreSQL outputs" if dialect == "postgres" else "Azure SQL Database and Synapse outputs"
                raise InputError(f"{error.message} ({DIALECT_NAMES[dialect]} is read for {users}: keep each "
                                 "dialect's DDL in its own folder and give an output its own with "
                                 "[outputs.ALIAS] schemas = [...])", error.file, error.line, error.column) from None
        return self.loaded[key]


def sql_dialects(plan: JobPlan, targets: Mapping[str, Target]) -> list[tuple[str, tuple[str, ...] | None]]:
    """(dialect, an output's own schema paths or None) that a job's SQL outputs may need,
    from what --target, the configuration and the job say, in that order, as
    destination() reads them (before the query is analysed), so that the DDL can be read
    before the checks run."""
    config = plan.config
    defined = {o.alias.lower(): o.kind for o in plan.found.job.outputs or ()}
    aliases = {o.alias for o in plan.found.job.outputs or ()} | set(targets) | set(config.outputs or {})
    wanted = set()
    for alias in aliases:
        target, settings = target_for(targets, alias), config.output(alias)
        kind = _stated_kind(target, settings, defined.get(alias.lower()))
        if kind in SQL_DIALECTS:
            wanted.add((SQL_DIALECTS[kind], settings.schemas if settings is not None else None))
    return sorted(wanted, key=lambda pair: (pair[0], pair[1] or ()))   # the same first error every run


def _sql_table_for(output: OutputSchema, sql_catalogs, where_to: Destination, report):
    from schemacheck.sql.schema import DIALECT_NAMES, split_name

    alias, kind = output.output, where_to.sql
    where = output.output_span or output.span
    dialect = SQL_DIALECTS[kind]
    label = _SQL_LABELS[kind]
    if where_to.table is None:
        report("SC402", f"output {alias} writes to {label} ({where_to.origin or 'its kind'}), but its table is not named: "
               f"map it with --target {alias}={kind}:SCHEMA.TABLE or table = \"...\" in [outputs.{alias}]", where)
        return NO_TABLE, None, kind
    catalog = sql_catalogs(dialect, where_to.schemas) if sql_catalogs is not None else None
    if catalog is None or not len(catalog):
        report("SC402", f"output {alias} writes to {label} table {where_to.table} ({where_to.origin}), but no "
               f"{DIALECT_NAMES[dialect]} CREATE TABLE is loaded: add its .sql files (or SSDT project folder) to "
               f"--schema or schemas = [...] in schemacheck.toml", where)
        return NO_TABLE, None, kind
    schema, name = split_name(where_to.table)
    table = catalog.find(name, schema)
    if table is None:
        table = catalog.find_ignoring_case(name, schema)
        if table is not None:
            report("SC502", f"output {alias} names table {where_to.table} ({where_to.origin}); the DDL defines "
                   f"{table.qualified_name} ({table.file}): the ASA docs call the SQL output's table name "
                   f"case-sensitive", where)
    if table is None:
        near = catalog.near_misses(name, schema)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        report("SC501", f"output {alias} writes to {label} table {where_to.table} ({where_to.origin}), which no "
               f"CREATE TABLE in the {catalog.source} defines{hint}", where)
        return TABLE_MISSING, None, kind
    return COMPARED, table, kind


_SQL_LABELS = {"sql": "Azure SQL Database", "synapse": "Azure Synapse Analytics",
               "postgresql": "Azure Database for PostgreSQL"}


def _job_output(job: Job | None, alias: str) -> JobOutput | None:
    if job is None or job.outputs is None:
        return None
    lowered = alias.lower()
    return next((o for o in job.outputs if o.alias.lower() == lowered), None)


def _sql_tables_named(sql_catalogs, name: str) -> list:
    """The SQL tables of the job's DDL named `name` (in any schema, exact case), read in
    each dialect the DDL can be read in: for an output nothing maps, whose kind is not known."""
    if sql_catalogs is None or not sql_catalogs.has_ddl():
        return []
    from schemacheck.errors import InputError
    from schemacheck.sql.schema import POSTGRES, TSQL

    found: list = []
    for dialect in (TSQL, POSTGRES):
        try:
            catalog = sql_catalogs(dialect)
        except InputError:   # DDL of the other dialect
            continue
        found.extend(t for t in catalog.tables if t.name == name)
        if found:
            break
    return found


def _sql_kind_of(table) -> str:
    from schemacheck.sql.schema import POSTGRES

    return "postgresql" if table.dialect == POSTGRES else "sql"


def _table_for(output: OutputSchema, catalog: TableCatalog, where_to: Destination, report, sql_catalogs=None
               ) -> tuple[str, TableSchema | None, str | None]:
    alias = output.output
    where = output.output_span or output.span
    if where_to.sql is not None:
        return _sql_table_for(output, sql_catalogs, where_to, report)
    if where_to.kind is not None:
        report("SC404", f"output {alias} is {where_to.kind}, neither Azure Data Explorer nor a SQL table "
               f"({where_to.origin}): not checked", where)
        return NOT_ADX, None, where_to.kind
    name, database, origin = where_to.table, where_to.database, where_to.origin
    if name is None:
        table = catalog.find(alias)
        if table is not None:
            report("SC405", f"output {alias} is compared with table {table.qualified_name} ({table.file}), "
                   f"the loaded table of the same name", where)
            return COMPARED, table, ADX
        sql_tables = [] if catalog.candidates(alias) else _sql_tables_named(sql_catalogs, alias)
        if len(sql_tables) == 1:
            table = sql_tables[0]
            kind = _sql_kind_of(table)
            report("SC405", f"output {alias} is compared with SQL table {table.qualified_name} ({table.file}), the "
                   f"loaded table of the same name, as {_SQL_LABELS[kind]}: map it with --target "
                   f"{alias}={kind}:{table.qualified_name} (or synapse:) to say so", where)
            return COMPARED, table, kind
        if len(sql_tables) > 1:
            names = ", ".join(t.qualified_name for t in sql_tables)
            report("SC402", f"output {alias}: SQL tables of that name are loaded from several schemas ({names}); "
                   f"map it with --target {alias}=sql:SCHEMA.{alias}", where)
            return NO_TABLE, None, None
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
        sql_tables = _sql_tables_named(sql_catalogs, name) if not len(catalog) else []
        if sql_tables:
            table = sql_tables[0]
            loaded = (f" (no Kusto table schema is loaded; {table.file} holds SQL table {table.qualified_name}: "
                      f"map it with --target {alias}={_sql_kind_of(table)}:{table.qualified_name})")
        report("SC501", f"output {alias} writes to table {qualified} ({origin}), which is not in the "
               f"{catalog.source}{loaded}{hint}", where)
        return TABLE_MISSING, None, ADX
    return COMPARED, table, ADX


def check_text(text: str, file: str, catalog: TableCatalog, targets: Mapping[str, Target], config: Config,
               level: str, udf_types: Mapping[str, str | None] | None = None,
               analysis: QueryAnalysis | None = None, cluster: str | None = None, job: Job | None = None,
               sql_catalogs=None) -> FileCheck:
    """Analyse one query (unless given its `analysis`) and compare each output with its table;
    `sql_catalogs(dialect)` gives the SQL tables (SqlCatalogs) for SQL outputs."""
    if analysis is None:
        analysis = analyze(text, file=file, level=level, udf_types=udf_types)
    found = list(analysis.diagnostics)

    checks = []
    for output in analysis.outputs:
        def report(code, message, span, alias=output.output):
            found.append(D.make(code, message, span, file, output=alias))

        where_to = destination(output.output, targets, config, cluster, job)
        status, table, kind = _table_for(output, catalog, where_to, report, sql_catalogs)
        if table is not None and kind in SQL_DIALECTS:
            from schemacheck.sql.compare import compare_sql

            found.extend(compare_sql(output, table, level, file, text))
        elif table is not None:
            found.extend(compare(output, table, level, file, text))
        checks.append(OutputCheck(output, status, table, kind, where_to))
    # "The columns cannot be known" says nothing about an output that is not checked.
    unchecked = {c.output.output for c in checks if c.status == NOT_ADX}
    found = [d for d in found if not (d.code == "SC403" and d.output in unchecked)]
    found.extend(_nothing_compared(checks, catalog, sql_catalogs, file))
    if sql_catalogs is not None and any(c.kind in SQL_DIALECTS for c in checks):
        found.extend(_ddl_notes(sql_catalogs))
    found.extend(compare_statements(list(analysis.outputs), file))
    return FileCheck(file, analysis, tuple(checks), tuple(sorted(found, key=D.sort_key)))


def _ddl_notes(sql_catalogs) -> list[D.Diagnostic]:
    """SC503 for each statement of the DDL read for this job that was skipped although it
    might define or change a table (schemacheck.sql.ddl notes them)."""
    seen: set = set()
    found = []
    for loaded in sql_catalogs.loaded.values():
        for note in loaded.notes:
            if note not in seen:
                seen.add(note)
                found.append(D.Diagnostic("SC503", D.RULES["SC503"].severity, note.message, note.file, note.line,
                                          note.column))
    return found


def _nothing_compared(checks: list[OutputCheck], catalog: TableCatalog, sql_catalogs, file: str
                      ) -> list[D.Diagnostic]:
    """SC406 when outputs that write to tables were compared with none: a check that
    compared nothing must not read as a pass."""
    checkable = [c for c in checks if c.status != NOT_ADX]
    # A table that is not found is already an error (SC501): the run does not pass.
    if not checkable or any(c.status in (COMPARED, TABLE_MISSING) for c in checks):
        return []
    first = next(c.output for c in checks if c.status != NOT_ADX)
    sql_tables = sum(len(c) for c in sql_catalogs.loaded.values()) if sql_catalogs is not None else 0
    if not len(catalog) and not sql_tables:
        why = ("no table schema loaded; pass --schema FILE|DIR, set schemas = [...] in schemacheck.toml, or keep "
               "the tables in the project's schemas/ folder")
    else:
        why = f"none maps to a table of the {catalog.source}"
    total = len(dict.fromkeys(c.output.output for c in checks))
    return [D.make("SC406", f"0 of {total} output{'' if total == 1 else 's'} compared: {why}",
                   first.output_span or first.span, file, output=first.output)]


def live_catalog(destinations: list[Destination], connect) -> TableCatalog:
    """The mapped tables, read from their clusters: `connect(url)` gives one (cached) Cluster
    per cluster. A table that does not exist is left out, and its database's other table
    names are kept for near misses."""
    from schemacheck.kusto.live import engine_url

    wanted: dict[tuple[str, str], list[str]] = {}
    for where_to in destinations:
        if where_to.kind is not None or where_to.sql is not None or where_to.table is None:
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


def job_destinations(plan: JobPlan, analysis: QueryAnalysis, targets: Mapping[str, Target],
                     cluster: str | None = None) -> list[Destination]:
    return [destination(o.output, targets, plan.config, cluster, plan.found.job) for o in analysis.outputs]


def check_job(plan: JobPlan, analysis: QueryAnalysis, catalog: TableCatalog, targets: Mapping[str, Target],
              cluster: str | None = None, sql_catalogs=None) -> FileCheck:
    """The whole check of one job: the query's outputs against their tables, then the job's
    own findings; suppressions and severities applied; positions of a query held in a JSON
    string mapped back into its file."""
    from schemacheck.jobcheck import job_findings, query_findings

    job = plan.found.job._replace(notes=plan.found.job.notes + plan.notes)
    query = job.query
    runs_it = plan.found.start_file is None
    if query is None:
        _, found = finish(plan, analysis, [], lambda moved, found: job_findings(
            job, moved, (), plan.level_stated, [], runs_it))
        return FileCheck(job.source, analysis, (), found, plan.found, plan.level, plan.level_origin)
    checked = check_text(query.text, query.file, catalog, targets, plan.config, plan.level, plan.udf_types,
                         analysis, cluster, job, sql_catalogs)
    undefined = query_findings(job, analysis)
    # An output the job does not define has no table to look for: SC601 says what is wrong.
    missing = {d.output for d in undefined}
    found = [d for d in checked.diagnostics if not (d.code in ("SC402", "SC405") and d.output in missing)] + undefined
    if plan.level == "1.0" and plan.level_origin != "default":
        # Say where the level that lower-cases the names is set, next to the mismatch it causes.
        found = [d._replace(message=f"{d.message} (level 1.0 is set in {plan.level_origin})")
                 if d.code == "SC102" and "lower case" in d.message else d for d in found]

    def of_the_job(moved, kept):
        outputs = tuple(c._replace(output=o) for c, o in zip(checked.outputs, moved.outputs))
        return job_findings(job, moved, outputs, plan.level_stated, kept, runs_it)

    moved, diagnostics = finish(plan, analysis, found, of_the_job)
    outputs = tuple(c._replace(output=o) for c, o in zip(checked.outputs, moved.outputs))
    return checked._replace(analysis=moved, outputs=outputs, diagnostics=diagnostics, job=plan.found,
                            level=plan.level, level_origin=plan.level_origin)


def unused_mappings(checked: list[tuple[FileCheck, Config]], targets: Mapping[str, Target]
                    ) -> list[list[D.Diagnostic]]:
    """SC407 for each mapping that names an output no statement of the run writes: every
    --target, and an `[outputs.ALIAS]` of a configuration when a job using it writes an
    output of a near name (a typo; an alias of a job not checked in this run, as when the
    hook checks one changed job, is no finding). One list per entry, in order."""
    from difflib import get_close_matches

    added: list[list[D.Diagnostic]] = [[] for _ in checked]
    written: dict[str, tuple[int, OutputSchema]] = {}
    for index, (entry, _) in enumerate(checked):
        for check in entry.outputs:
            written.setdefault(check.output.output.lower(), (index, check.output))

    def near(alias: str, among: dict) -> tuple[int, OutputSchema] | None:
        names = {o.output: (i, o) for i, o in among.values()}
        match = get_close_matches(alias, list(names), n=1, cutoff=0.6) or get_close_matches(
            alias.lower(), [n.lower() for n in names], n=1, cutoff=0.6)
        if not match:
            return None
        return names.get(match[0]) or next(v for k, v in names.items() if k.lower() == match[0])

    for alias in targets:
        if alias.lower() in written or not checked:
            continue
        nearest = near(alias, written)
        index, output = nearest if nearest is not None else (0, None)
        entry = checked[index][0]
        hint = f"; did you mean {output.output}?" if output is not None else ""
        span = (output.output_span or output.span) if output is not None else None
        added[index].append(D.Diagnostic(
            "SC407", D.RULES["SC407"].severity, f"--target {alias}=...: no statement of this run writes INTO "
            f"{alias}{hint}", entry.file, span.line if span else 1, span.column if span else 1,
            span.end_line if span else None, span.end_column if span else None, output=alias))
    reported: set[tuple[str, str]] = set()
    for index, (entry, config) in enumerate(checked):
        if config.path is None:
            continue
        users = {k: v for k, v in written.items() if checked[v[0]][1].path == config.path}
        for alias in config.outputs or {}:
            if alias.lower() in written or (config.path, alias) in reported:
                continue
            nearest = near(alias, users)
            if nearest is None:
                continue
            reported.add((config.path, alias))
            line = _config_output_line(config.path, alias)
            added[nearest[0]].append(D.Diagnostic(
                "SC407", D.RULES["SC407"].severity, f"[outputs.{alias}] in {config.path}: no job checked in this "
                f"run writes INTO {alias}; did you mean {nearest[1].output}?", config.path, line, 1, output=alias))
    return added


def _config_output_line(path: str, alias: str) -> int:
    """The line of the `[outputs.ALIAS]` table (any quoting, under [tool.schemacheck] too) in
    a configuration file; 1 when it cannot be found."""
    import re

    from schemacheck.errors import InputError
    from schemacheck.files import read_text_file

    try:
        text = read_text_file(path, "configuration")
    except InputError:   # it was read before: only an edit in between gets here
        return 1
    pattern = re.compile(r"^[ \t]*\[\s*(?:tool\s*\.\s*schemacheck\s*\.\s*)?outputs\s*\.\s*[\"']?" + re.escape(alias)
                         + r"[\"']?\s*\]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
