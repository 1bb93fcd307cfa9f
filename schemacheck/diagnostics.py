"""Findings (`Diagnostic`) and the rule registry: one stable code per rule, with its doc.

A diagnostic is plain data: the reporters render it, tests compare its fields. Codes
keep their meaning forever; `schemacheck rules CODE` prints a rule's documentation.
Ranges: SC0xx the query itself, SC1xx column names, SC4xx what cannot be checked.
"""

from __future__ import annotations

from schemacheck.records import record

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}


@record
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    doc: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("SC001", "syntax-error", ERROR, "The query does not parse.",
             "ASA rejects a job whose query does not parse, so nothing else can be checked. The "
             "message names what was found and what was expected there; fix the query at that "
             "line and column."),
        Rule("SC002", "into-in-step", ERROR, "INTO inside a WITH step or a subquery.",
             "INTO is only valid in the outermost SELECT of a statement (the ASA INTO reference, "
             "'Limitations'); ASA refuses a job with INTO inside a WITH step. The only exception is "
             "the shard count `PARTITION BY key INTO n`. Move the INTO to the statement that reads "
             "the step."),
        Rule("SC003", "unsupported-type", ERROR, "A type ASA does not have (in CAST, TRY_CAST or CREATE TABLE).",
             "ASA's types are bigint, float, nvarchar(max), datetime, bit (level 1.2), record and "
             "array. `int`, `varchar(50)` or `nvarchar(20)` are rejected; the message names the "
             "ASA type to use instead."),
        Rule("SC004", "bit-before-1-2", WARNING, "The bit type is used below compatibility level 1.2.",
             "bit exists only from compatibility level 1.2; at 1.0 and 1.1 booleans are bigint 0/1. "
             "The column is treated as bigint. Raise the job's compatibility level to 1.2, or cast "
             "to bigint."),
        Rule("SC005", "unknown-column", WARNING, "A column that the step or subquery read does not produce.",
             "The step (or subquery) lists its columns explicitly and none has this name, compared "
             "case-insensitively as ASA does. ASA refuses such a query; check the spelling against "
             "the step's select list."),
        Rule("SC006", "unknown-function", WARNING, "A function that is neither built in nor a UDF/UDA.",
             "Built-in functions are called by their plain name and user-defined ones with the "
             "prefix udf. or uda.; at compatibility level 1.2 a prefix on a built-in is an error. "
             "The result of an unknown function cannot be typed."),
        Rule("SC007", "star-with-join", ERROR, "SELECT * in a statement with JOIN.",
             "ASA does not allow `SELECT *` together with JOIN (the ASA JOIN reference). List the "
             "columns, or use `alias.*` for each source."),
        Rule("SC008", "ambiguous-double-quotes", INFO, "Double-quoted text used as a value.",
             'ASA documents "..." both as a way to name a field with special characters and, in '
             'examples, as text. The message says which reading schemacheck took. Write text in '
             "single quotes ('text') and names in brackets ([my field]) to make the query unambiguous."),
        Rule("SC009", "union-column-count", ERROR, "The SELECTs of a UNION have different numbers of columns.",
             "UNION requires the same number of columns, in the same order, in every SELECT "
             "(the ASA UNION reference). The output takes its column names from the first SELECT."),
        Rule("SC104", "duplicate-column", ERROR, "Two output columns with the same name.",
             "ASA compares names case-insensitively, so `DeviceId` and `deviceid` are the same "
             "column; at compatibility level 1.0 events with such duplicate fields are dropped as "
             "invalid, and an ADX or SQL output cannot hold both. Give one of them another alias."),
        Rule("SC105", "unnamed-column", WARNING, "An expression without an alias, whose output name ASA does not document.",
             "ASA documents the output name only for a column reference (its last path segment), "
             "for COUNT(*) (`count`) and System.Window().Id (`Id`). For any other expression the "
             "name cannot be told, so it cannot be checked against a table. Add `AS name`."),
        Rule("SC403", "incomplete-columns", INFO, "The output's column list is incomplete.",
             "A `*` reads an input (or record) whose columns the query text does not declare, so "
             "the columns it adds are unknown. Declare the input with CREATE TABLE, or list the "
             "columns, to make the output checkable."),
    )
}


@record
class Diagnostic:
    """One finding at a place in a file. `severity` is "error", "warning" or "info"."""

    code: str
    severity: str
    message: str
    file: str | None
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    output: str | None = None
    query_column: str | None = None
    fix: str | None = None


def make(code: str, message: str, span, file: str | None = None, **fields) -> Diagnostic:
    """A diagnostic of rule `code` at `span` (an ast.Span) with the rule's default severity."""
    return Diagnostic(code, RULES[code].severity, message, file, span.line, span.column,
                      span.end_line, span.end_column, **fields)


def sort_key(diagnostic: Diagnostic) -> tuple:
    return (diagnostic.file or "", diagnostic.line, diagnostic.column, diagnostic.code)
