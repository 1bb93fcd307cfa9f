"""`schemacheck infer --coverage`: how many of each output's columns have a known ASA type, and
what typed them (schemacheck.asa.types.SOURCES: a CREATE TABLE in the query, an input's sample
data, reference data, a schema declared for the input, the metadata of the input's kind, the
expression itself), for a project or a directory of jobs.

    coverage_rows(analyses) -> [Row]          one per output of each file (its statements summed)
    render_coverage(analyses) -> str          a table, a total line, and the outputs fully typed
    coverage_document(analyses) -> dict       the same as JSON: {"outputs": [...], "total": {...}}

An output whose `*` adds columns nothing declares is "incomplete": its total counts the
columns that are known, and the table marks it with "+".
"""

from __future__ import annotations

from collections.abc import Iterable

from schemacheck.records import Record, record
from schemacheck.report.common import COVERAGE_KEYS, coverage, merge_coverage

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.analysis import QueryAnalysis


@record
class Row(Record):
    """One output of one file: what its statements write, as `coverage` counts it."""

    file: str | None
    output: str
    statements: int
    coverage: dict


def coverage_rows(analyses: Iterable[QueryAnalysis]) -> list[Row]:
    """One row per output of each analysis, in order of first appearance; the statements
    writing one output are summed."""
    rows = []
    for analysis in analyses:
        grouped: dict[str, list] = {}
        for output in analysis.outputs:
            grouped.setdefault(output.output, []).append(output)
        for name, outputs in grouped.items():
            rows.append(Row(analysis.file, name, len(outputs), coverage(outputs)))
    return rows


def share(typed: int, total: int) -> str:
    """"44.5%" ("-" for no columns)."""
    return f"{100 * typed / total:.1f}%" if total else "-"


def _fully_typed(rows: list[Row]) -> int:
    return sum(1 for r in rows if r.coverage["complete"] and r.coverage["typed"] == r.coverage["total"])


def render_coverage(analyses: Iterable[QueryAnalysis]) -> str:
    """Per output: file, output, typed, total, share, then the columns each source typed and
    the unknown ones; a total line; how many outputs are fully typed."""
    rows = coverage_rows(analyses)
    if not rows:
        return "no output statements\n"
    head = ("file", "output", "typed", "total", "%", *COVERAGE_KEYS)
    table = []
    for row in rows:
        found = row.coverage
        total = f"{found['total']}{'' if found['complete'] else '+'}"
        table.append((row.file or "<query>", row.output, str(found["typed"]), total,
                      share(found["typed"], found["total"]), *(str(found["sources"].get(k, 0)) for k in COVERAGE_KEYS)))
    merged = merge_coverage(r.coverage for r in rows)
    table.append((f"total ({len(rows)} output{'s' if len(rows) != 1 else ''})", "", str(merged["typed"]),
                  f"{merged['total']}{'' if merged['complete'] else '+'}", share(merged["typed"], merged["total"]),
                  *(str(merged["sources"].get(k, 0)) for k in COVERAGE_KEYS)))
    widths = [max(len(line[i]) for line in (head, *table)) for i in range(len(head))]

    def line(cells) -> str:
        text = "  ".join(cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(cells))
        return text.rstrip()

    out = [line(head)] + [line(cells) for cells in table[:-1]] + [line(table[-1])]
    fully = _fully_typed(rows)
    out.append("")
    out.append(f"{merged['typed']} of {merged['total']} columns typed ({share(merged['typed'], merged['total'])}); "
               f"{fully} of {len(rows)} output{'s' if len(rows) != 1 else ''} fully typed")
    if not merged["complete"]:
        out.append("+: a * adds columns that nothing declares; they are not counted")
    return "\n".join(out) + "\n"


def coverage_document(analyses: Iterable[QueryAnalysis]) -> dict:
    """{"outputs": [{"file", "output", "statements", "typed", "total", "complete", "sources"}],
    "total": {"outputs", "fully_typed", "typed", "total", "complete", "sources"}}."""
    rows = coverage_rows(analyses)
    merged = merge_coverage(r.coverage for r in rows)
    return {
        "outputs": [{"file": r.file, "output": r.output, "statements": r.statements, **r.coverage} for r in rows],
        "total": {"outputs": len(rows), "fully_typed": _fully_typed(rows), **merged},
    }
