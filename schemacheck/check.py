"""`schemacheck check`: for each query file, analyse it, map every output to its table, compare.

Mapping, first match wins (the issue's order):
  1. `--target ALIAS=TABLE` or `ALIAS=DATABASE/TABLE` on the command line;
  2. `[outputs.ALIAS]` in the nearest configuration: `kind` other than "adx" means not
     ADX (SC404, not checked); `table` (and `database`) name the table;
  3. a loaded table named exactly like the output alias (SC405 says so).
An output left without a table is SC402; a mapped table that was not loaded is SC501.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis, analyze
from schemacheck.asa.infer import OutputSchema
from schemacheck.compare import compare, compare_statements
from schemacheck.config import ADX, Config
from schemacheck.errors import UsageError
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
    file: str
    analysis: QueryAnalysis
    outputs: tuple[OutputCheck, ...]
    diagnostics: tuple[D.Diagnostic, ...]


def _table_for(output: OutputSchema, catalog: TableCatalog, targets: Mapping[str, Target], config: Config,
               file: str, report) -> tuple[str, TableSchema | None, str | None]:
    alias = output.output
    where = output.output_span or output.span
    target = targets.get(alias)
    settings = config.output(alias)
    if target is None and settings is not None and settings.kind not in (None, ADX):
        report("SC404", f"output {alias} is {settings.kind}, not Azure Data Explorer ({config.path}): "
               f"not checked", where)
        return NOT_ADX, None, settings.kind
    name = database = None
    origin = ""
    if target is not None:
        name, database, origin = target.table, target.database, f"--target {alias}"
    elif settings is not None and (settings.table or settings.database):
        name, database, origin = settings.table or alias, settings.database, f"{config.path}"
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
        report("SC501", f"output {alias} writes to table {qualified} ({origin}), which is not in the loaded "
               f"schemas{loaded}{hint}", where)
        return TABLE_MISSING, None, ADX
    return COMPARED, table, ADX


def check_text(text: str, file: str, catalog: TableCatalog, targets: Mapping[str, Target], config: Config,
               level: str, udf_types: Mapping[str, str | None] | None = None) -> FileCheck:
    """Analyse one query and compare each of its outputs with its table."""
    analysis = analyze(text, file=file, level=level, udf_types=udf_types)
    found = list(analysis.diagnostics)

    checks = []
    for output in analysis.outputs:
        def report(code, message, span, alias=output.output):
            found.append(D.make(code, message, span, file, output=alias))

        status, table, kind = _table_for(output, catalog, targets, config, file, report)
        if table is not None:
            found.extend(compare(output, table, level, file, text))
        checks.append(OutputCheck(output, status, table, kind))
    # "The columns cannot be known" says nothing about an output that is not checked.
    unchecked = {c.output.output for c in checks if c.status == NOT_ADX}
    found = [d for d in found if not (d.code == "SC403" and d.output in unchecked)]
    found.extend(compare_statements(list(analysis.outputs), file))
    return FileCheck(file, analysis, tuple(checks), tuple(sorted(found, key=D.sort_key)))
