"""Findings (`Diagnostic`): plain data the reporters render and tests compare field by
field. The rules they belong to are the registry of schemacheck.rules.
"""

from __future__ import annotations

from schemacheck.records import Record, record
from schemacheck.rules import ERROR, INFO, RULES, WARNING, Rule

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the block below
if TYPE_CHECKING:
    from schemacheck.rules import Severity

__all__ = ["ERROR", "INFO", "RULES", "SEVERITY_RANK", "WARNING", "Diagnostic", "Edit", "Rule", "default_severity",
           "make", "sort_key"]

SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}


@record
class Edit(Record):
    """A replacement in a file: the text from (line, column) up to, not including,
    (end_line, end_column) becomes `text` (1-based; an insertion when start equals end).
    `file` is None where the finding's is (a query checked without a file)."""

    file: str | None
    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@record
class Diagnostic(Record):
    """One finding at a place in a file. `severity` is "error", "warning" or "info";
    `message` is rendered from the fields by the rule's checker.
    `edit` is the query-side fix as a replacement (applied by `check --fix`), `command` the
    table-side fix as a Kusto or SQL command (printed by `suggest`, never run)."""

    code: str
    severity: Severity
    message: str
    file: str | None
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    output: str | None = None
    query_column: str | None = None
    table_column: str | None = None
    expected_type: str | None = None
    actual_type: str | None = None
    fix: str | None = None
    edit: Edit | None = None
    command: str | None = None
    # What the fixes need, as data (never read back from the message):
    suggested_name: str | None = None   # the name a query-side fix gives the column (alias, did-you-mean)
    near: tuple[str, ...] = ()          # existing names near a missing one (tables for SC501)
    reason: str | None = None           # why a value does not fit (a type verdict's reason)
    lowered: bool = False               # ASA writes the name in lower case (level 1.0, GetMetadataPropertyValue)
    table: str | None = None            # the table's name as the destination qualifies it
    new_type: str | None = None         # the column type the table-side fix gives the column
    # A difference from the deployed job (drift): (what, repository value, where, deployed value, where).
    drift: tuple | None = None


def default_severity(code: str) -> Severity:
    """The severity of rule `code` where no configuration changes it."""
    return RULES[code].severity


def make(code: str, message: str, span, file: str | None = None, **fields) -> Diagnostic:
    """A diagnostic of rule `code` at `span` (an ast.Span) with the rule's default severity."""
    return Diagnostic(code, default_severity(code), message, file, span.line, span.column,
                      span.end_line, span.end_column, **fields)


def sort_key(diagnostic: Diagnostic) -> tuple:
    return (diagnostic.file or "", diagnostic.line, diagnostic.column, diagnostic.code)
