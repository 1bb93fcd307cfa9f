"""What a Fabric Eventstream destination receives when operators stand between the SQL
operator and it (`Output.operators`, read by schemacheck.jobs.fabric).

    through_operators(analysis, job) -> (analysis, findings)
        each statement INTO such an output as its destination receives it, and SC617 for an
        operator that reads a column the statement does not write (findings in file positions)
    at_operators(diagnostics, job, analysis) -> diagnostics
        a finding about a column an operator writes, moved to that operator's entry, without
        the query-side edit (the query does not write that column)

What each operator makes of the columns (Microsoft's Eventstream definition: the REST
definition's operator shapes and the event processor's documentation):

- Filter keeps the columns (it drops events).
- ManageFields writes the columns its entries list, in order: a Rename the column read
  under its alias, a Cast the column as its targetDataType, a FunctionCall the function's
  value (typed from the function table when its type does not depend on the arguments).
  The definition has no entry that keeps or removes the other columns, so a column not
  listed is not written (the editor removes a field by dropping its entry). An entry of
  another type writes its alias with a type schemacheck cannot tell.
- GroupBy writes its group-by columns and its aggregations (Average: float; Count: bigint;
  Sum, Minimum, Maximum: the column's type). Whether it adds window columns is not
  documented: its output stays open, so no table column is reported as never written.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.asa import types as T
from schemacheck.asa.analysis import QueryAnalysis
from schemacheck.asa.infer import Gap, OutputColumn, OutputSchema

TYPE_CHECKING = False
if TYPE_CHECKING:
    from schemacheck.jobs.model import Job, Operator, OperatorColumn, Output, Where

# A GroupBy aggregation's function -> its value's type (None: the column's own type).
_AGGREGATES = {"average": T.FLOAT, "avg": T.FLOAT, "count": T.BIGINT, "sum": None, "minimum": None, "min": None,
               "maximum": None, "max": None}


def chained_outputs(job: Job) -> dict[str, Output]:
    """The job's outputs with operators after the query, by lower-cased alias."""
    return {o.alias.lower(): o for o in job.outputs or () if o.operators}


def through_operators(analysis: QueryAnalysis, job: Job) -> tuple[QueryAnalysis, list[D.Diagnostic]]:
    chained = chained_outputs(job)
    findings: list[D.Diagnostic] = []
    outputs = []
    for statement in analysis.outputs:
        output = chained.get(statement.output.lower())
        if output is not None:
            for operator in output.operators:
                statement = _through(statement, operator, findings)
        outputs.append(statement)
    return analysis._replace(outputs=tuple(outputs)), findings


def _span(statement: OutputSchema):
    return statement.output_span or statement.span


def _column(statement: OutputSchema, name: str, ty: str | None, reason: str | None, cause: str | None = None,
            source: str | None = None) -> OutputColumn:
    return OutputColumn(name, name, ty, reason if ty is None else None, _span(statement), None,
                        cause if ty is None else None, source if ty is not None else None)


def _through(statement: OutputSchema, operator: Operator, findings: list[D.Diagnostic]) -> OutputSchema:
    kind = operator.type.lower()
    if kind == "managefields":
        columns = tuple(_managed(statement, operator, entry, findings) for entry in operator.columns)
        return statement._replace(columns=columns, gaps=())
    if kind == "groupby":
        columns = tuple(_kept(statement, operator, entry, findings) for entry in operator.columns) + tuple(
            _aggregated(statement, operator, aggregation, findings) for aggregation in operator.aggregations)
        gap = Gap(len(columns), f"the GroupBy operator {operator.name} may add window columns: Fabric does not "
                  "document its output's columns beyond the group-by columns and the aggregations", _span(statement))
        return statement._replace(columns=columns, gaps=(gap,))
    return statement   # Filter: the same columns


def _read(statement: OutputSchema, operator: Operator, name: str | None, node: str | None, where: Where | None,
          findings: list[D.Diagnostic]) -> tuple[OutputColumn | None, str]:
    """The statement's column an operator's entry reads, or None and why its type is unknown."""
    if name is None:
        return None, f"the entry of operator {operator.name} names no column"
    exact = [c for c in statement.columns if c.name == name]
    found = exact or [c for c in statement.columns if c.name is not None and c.name.lower() == name.lower()]
    if found:
        return found[0], ""
    if node is not None and node.lower() != statement.output.lower():
        return None, f"operator {operator.name} reads column {name} of node {node}, whose columns are not known here"
    if not statement.complete:
        return None, f"column {name} is one of the columns a * of the query adds, which are not known"
    if where is not None:
        findings.append(D.Diagnostic(
            "SC617", D.default_severity("SC617"),
            f"operator {operator.name} reads column {name}, which is not among the columns it receives on the way "
            f"to {statement.output} ({', '.join(c.name for c in statement.columns if c.name is not None) or 'none'})",
            where.file, where.line or 1, where.column or 1, output=statement.output, query_column=name,
            fix=f"name a column the query writes, or write {name} in the query"))
    return None, f"operator {operator.name} reads column {name}, which the query does not write"


def _managed(statement: OutputSchema, operator: Operator, entry: OperatorColumn,
             findings: list[D.Diagnostic]) -> OutputColumn:
    name = entry.alias or entry.column
    entry_type = entry.entry.lower()
    read, why = (None, "") if entry_type == "functioncall" and entry.column is None else \
        _read(statement, operator, entry.column, entry.node, entry.where, findings)
    if name is None:
        return OutputColumn(None, None, None, f"an entry of operator {operator.name} (type "
                            f"{entry.entry or 'not given'}) names neither an alias nor a column", _span(statement))
    if entry_type == "rename":
        if read is None:
            return _column(statement, name, None, why)
        return _column(statement, name, read.type, read.reason, read.cause, read.source)
    if entry_type == "cast":
        written = (entry.to_type or "").strip().lower()
        asa = T.TYPE_NAMES.get(written.split("(")[0].strip()) if written else None
        if asa is None:
            return _column(statement, name, None, f"operator {operator.name} casts {name} to "
                           f"{entry.to_type or 'a type it does not name'}, which is no ASA type")
        return _column(statement, name, asa, None, source="expression")
    if entry_type == "functioncall":
        from schemacheck.asa.functions import FUNCTIONS

        function = FUNCTIONS.get((entry.function or "").lower())
        if function is not None and function.returns in T.ASA_TYPES:
            return _column(statement, name, function.returns, None, source="expression")
        return _column(statement, name, None, f"the type of {entry.function or 'a function'}() in operator "
                       f"{operator.name} depends on its arguments or is not known")
    return _column(statement, name, None, f"an entry of operator {operator.name} is of type "
                   f"{entry.entry or '(none)'}, which Fabric's definition does not document (Rename, Cast, "
                   "FunctionCall)")


def _kept(statement: OutputSchema, operator: Operator, entry: OperatorColumn,
          findings: list[D.Diagnostic]) -> OutputColumn:
    read, why = _read(statement, operator, entry.column, entry.node, entry.where, findings)
    name = entry.column or ""
    if read is None:
        return _column(statement, name, None, why)
    return _column(statement, read.name or name, read.type, read.reason, read.cause, read.source)


def _aggregated(statement: OutputSchema, operator: Operator, aggregation, findings: list[D.Diagnostic]
                ) -> OutputColumn:
    function = (aggregation.function or "").lower()
    if aggregation.alias is None:
        return OutputColumn(None, None, None, f"an aggregation of operator {operator.name} gives no alias",
                            _span(statement))
    read, why = _read(statement, operator, aggregation.column, None, aggregation.where, findings)
    if function not in _AGGREGATES:
        return _column(statement, aggregation.alias, None, f"the aggregation {aggregation.function or '(none)'} of "
                       f"operator {operator.name} is not one schemacheck knows the type of")
    fixed = _AGGREGATES[function]
    if fixed is not None:
        return _column(statement, aggregation.alias, fixed, None, source="expression")
    if read is None:
        return _column(statement, aggregation.alias, None, why)
    if function == "sum" and read.type not in (T.BIGINT, T.FLOAT, None):
        return _column(statement, aggregation.alias, None, f"Sum of {read.name}, a {read.type}, has no number type")
    return _column(statement, aggregation.alias, read.type, read.reason, read.cause, read.source)


# ---- findings on the columns an operator writes ---------------------------------------------

def _writers(output: Output) -> dict[str, tuple[Operator, Where]]:
    """Column name -> the operator entry that writes it last (the destination sees that one)."""
    found: dict[str, tuple[Operator, Where]] = {}
    for operator in output.operators:
        if operator.type.lower() not in ("managefields", "groupby"):
            continue   # a Filter writes what it reads
        mine: dict[str, tuple[Operator, Where]] = {}   # it writes only what it lists
        for entry in operator.columns:
            name = entry.alias or entry.column
            if name is not None and entry.where is not None:
                mine.setdefault(name, (operator, entry.where))
        for aggregation in operator.aggregations:
            if aggregation.alias is not None and aggregation.where is not None:
                mine.setdefault(aggregation.alias, (operator, aggregation.where))
        found = mine
    return found


def at_operators(diagnostics, job: Job, unread=()) -> list[D.Diagnostic]:
    """(`unread`: the SC617 findings; the untyped-value finding on the column such an entry
    writes says nothing more, and is left out.)"""
    chained = chained_outputs(job)
    places = {(d.file, d.line, d.column) for d in unread}
    writers = {alias: _writers(output) for alias, output in chained.items()}
    moved = []
    for d in diagnostics:
        output = chained.get((d.output or "").lower())
        written = writers[(d.output or "").lower()].get(d.query_column or "") \
            if output is not None and d.code != "SC617" else None
        if written is None:
            if output is not None and d.code == "SC103":
                last = output.operators[-1].name
                d = d._replace(message=f"{d.message} (the destination receives the columns of operator {last})")
            moved.append(d)
            continue
        operator, where = written
        change = f"change the entry of operator {operator.name} that writes {d.query_column}"
        name = d.suggested_name or d.table_column or (d.near[0] if d.near else None)
        fix = (f"{change}: its alias to {name}" if d.code in ("SC101", "SC102") and name else
               f"{change}: a Cast to the type of column {d.table_column} ({d.expected_type})"
               if d.code in ("SC201", "SC202", "SC204") and d.expected_type else change)
        if d.code == "SC204" and (where.file, where.line or 1, where.column or 1) in places:
            continue
        if d.command:
            fix += f"; or change the table: `{d.command}`"
        moved.append(d._replace(message=f"{d.message} (the column is written by operator {operator.name})",
                                file=where.file, line=where.line or 1, column=where.column or 1, end_line=None,
                                end_column=None, edit=None, fix=fix))
    return moved
