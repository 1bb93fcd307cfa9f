"""What a check produces: per job (or lone query) a `FileCheck`, per statement an
`OutputCheck` holding the findings about that statement, attached once here
(`attach_findings`) for every report and suggestion to read.

Statuses of an output: "compared" with its table; "not-checked" (its kind is one
schemacheck does not compare, SC404); "no-table" (nothing maps it to a table, or no
table of its kind is loaded); "table-missing" (the table it is mapped to is not loaded).
"""

from __future__ import annotations

from bisect import bisect_left

from schemacheck import diagnostics as D
from schemacheck.kinds.base import COMPARED, NO_TABLE, NOT_CHECKED, TABLE_MISSING
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the imports below
if TYPE_CHECKING:
    from typing import Any

    from schemacheck.asa.analysis import QueryAnalysis
    from schemacheck.asa.infer import OutputSchema
    from schemacheck.asa.types import Level
    from schemacheck.check.destinations import Destination
    from schemacheck.jobs.discover import Found
    from schemacheck.kinds.base import Status

__all__ = ["COMPARED", "NOT_CHECKED", "NO_TABLE", "TABLE_MISSING", "FileCheck", "OutputCheck", "attach_findings"]


@record
class OutputCheck(Record):
    """One statement's output, what it was compared with, and the findings about it.
    `kind` is the destination kind (schemacheck.kinds) or the kind of an output that is
    not checked ("blob"); `table` a record of that kind's catalog."""

    output: OutputSchema
    status: Status
    table: Any = None
    kind: str | None = None
    destination: Destination | None = None   # where the mapping says it writes
    findings: tuple[D.Diagnostic, ...] = ()


@record
class FileCheck(Record):
    """The check of one query: `file` is the query's file (a template for an ARM job);
    `job` is how it was found (None for a query checked on its own), `level` the
    compatibility level used and `level_origin` where it came from. `diagnostics` are all
    the findings, sorted with the query's first; each statement's are also on its output."""

    file: str
    analysis: QueryAnalysis | None
    outputs: tuple[OutputCheck, ...]
    diagnostics: tuple[D.Diagnostic, ...]
    job: Found | None = None
    level: Level | None = None
    level_origin: str | None = None

    @property
    def unattached(self) -> list[D.Diagnostic]:
        """The findings no statement holds: the job's files, syntax errors, outputs no
        statement writes."""
        held = {id(d) for o in self.outputs for d in o.findings}
        return [d for d in self.diagnostics if id(d) not in held]


def attach_findings(outputs: tuple[OutputCheck, ...], diagnostics, file: str) -> tuple[OutputCheck, ...]:
    """Each output with the findings about its statement: those naming its output and lying
    in its lines of `file`; failing that, the first statement writing the output a finding
    names holds it (a finding in the output's definition file)."""
    mine: list[list] = [[] for _ in outputs]
    # Per output name, the statements writing it: their indices, first and last lines.
    # In source order both kinds of line ascend, and the statements whose lines hold a
    # given line are then a run found by bisection (a query of thousands of statements
    # would otherwise be searched once per finding).
    statements: dict[str, tuple[list[int], list[int], list[int]]] = {}
    for i, check in enumerate(outputs):
        span = check.output.span
        indices, starts, ends = statements.setdefault(check.output.output, ([], [], []))
        indices.append(i)
        starts.append(span.line)
        ends.append(span.end_line or span.line)
    ordered = {name: starts == sorted(starts) and ends == sorted(ends)
               for name, (_, starts, ends) in statements.items()}
    for diagnostic in diagnostics:
        found = statements.get(diagnostic.output) if diagnostic.output is not None else None
        if found is None:
            continue
        indices, starts, ends = found
        index = None
        if diagnostic.file == file:
            line = diagnostic.line
            if ordered[diagnostic.output]:
                first = bisect_left(ends, line)
                if first < len(starts) and starts[first] <= line:
                    index = indices[first]
            else:
                index = next((i for i, start, end in zip(indices, starts, ends) if start <= line <= end), None)
        mine[indices[0] if index is None else index].append(diagnostic)
    return tuple(check._replace(findings=tuple(found)) for check, found in zip(outputs, mine))
