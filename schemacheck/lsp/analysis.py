"""What the language server knows of a document, without pygls: the check of its job as
`schemacheck check PATH` runs it (the open buffers overlaid on the files), hover texts,
symbols, definitions and the suppression edit. Positions here are 1-based line and column
in characters, as the checker gives them; schemacheck.lsp.server turns them into LSP's.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from schemacheck import diagnostics as D
from schemacheck.records import Record, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from schemacheck.asa import ast as A
    from schemacheck.check.results import OutputCheck

# The documents the server checks: queries, and the files a job can be read from.
CHECKED_SUFFIXES = (".asaql", ".json", ".bicep", ".tf")
_WORD = re.compile(r"[A-Za-z0-9_@$#]+")
_REPOSITORY = Path(__file__).resolve().parent.parent.parent


@record
class Result(Record):
    """The check of one document: the FileCheck entries of its jobs, the findings that
    could not be read (Unreadable), and whether any job uses the document."""

    checks: tuple
    unreadable: tuple
    found_job: bool


def is_checked(path: str) -> bool:
    return path.lower().endswith(CHECKED_SUFFIXES)


def check_document(path: str, texts: dict[str, str]) -> Result:
    """`schemacheck check PATH` as a library call, each path of `texts` (real paths) read
    as its text."""
    from schemacheck.check.results import FileCheck
    from schemacheck.check.run import Request, check_paths
    from schemacheck.files import Unreadable, overlaid

    with overlaid(texts):
        run = check_paths(Request((path,)), configs={})
    checks = tuple(e for e in run.entries if isinstance(e, FileCheck))
    unreadable = tuple(e for e in run.entries if isinstance(e, Unreadable))
    return Result(checks, unreadable, bool(checks))


def same_file(a: str | None, b: str) -> bool:
    if a is None:
        return False
    return a == b or os.path.realpath(a) == os.path.realpath(b)


def rule_page(code: str) -> str | None:
    """The file:// URI of the rule's page in the installed repository's docs, when there."""
    from schemacheck.rules import RULE_PAGE

    page = _REPOSITORY / RULE_PAGE.format(code=code)
    return page.as_uri() if page.is_file() else None


def word_end(text_line: str, column: int) -> int:
    """The column after the word at 1-based `column` of `text_line` (at least one character on)."""
    index = column - 1
    match = _WORD.match(text_line, index) if 0 <= index < len(text_line) else None
    if match is not None and match.end() > index:
        return match.end() + 1
    return column + 1


def message(diagnostic: D.Diagnostic) -> str:
    return diagnostic.message + (f"\nfix: {diagnostic.fix}" if diagnostic.fix else "")


# ---- hover -----------------------------------------------------------------------------------

def _inside(span, line: int, column: int) -> bool:
    if span is None:
        return False
    end_line = span.end_line or span.line
    end_column = span.end_column or span.column + 1
    return (span.line, span.column) <= (line, column) <= (end_line, end_column)


def _table_column(table, name: str | None):
    if table is None or name is None or not hasattr(table, "columns"):
        return None
    columns = list(table.columns)
    exact = next((c for c in columns if c.name == name), None)
    if exact is not None:
        return exact
    return next((c for c in columns if c.name.lower() == name.lower()), None)


def _table_label(table) -> str:
    schema = getattr(table, "schema", None)
    name = f"{schema}.{table.name}" if isinstance(schema, str) and schema else table.name
    file = getattr(table, "file", None)
    return f"`{name}`" + (f" ({file})" if file else "")


def _column_type(column) -> str:
    return getattr(column, "written_type", None) or getattr(column, "type", None) or "?"


def _column_hover(check: OutputCheck, column) -> str:
    lines = [f"**{column.name or column.written or '(no name)'}**: "
             + (f"`{column.type}`" if column.type else "type unknown")
             + (f" (from {column.source})" if column.source else "")]
    if column.type is None and column.reason:
        lines.append(f"unknown because {column.reason}")
    if column.written and column.name and column.written != column.name:
        lines.append(f"written `{column.written}` in the query; ASA names it `{column.name}`")
    landed = _table_column(check.table, column.name)
    output = check.output.output
    if landed is not None:
        lines.append(f"lands in column `{landed.name}` (`{_column_type(landed)}`) of table {_table_label(check.table)}"
                     f", output `{output}`")
    elif check.table is not None:
        lines.append(f"table {_table_label(check.table)} of output `{output}` has no column `{column.name}`")
    else:
        lines.append(f"output `{output}`: {_status(check)}")
    return "\n\n".join(lines)


def _status(check: OutputCheck) -> str:
    where = check.destination
    named = where.table if where is not None and where.table else None
    if check.status == "compared":
        return f"compared with table {_table_label(check.table)}"
    if check.status == "not-checked":
        return f"a {check.kind or 'kind'} output: no table to compare with"
    if check.status == "table-missing":
        return f"its table `{named or '?'}` is not among the loaded schemas"
    return "no table is mapped to it" if named is None else f"no table `{named}` is loaded"


def _output_hover(check: OutputCheck) -> str:
    output = check.output
    where = check.destination
    lines = [f"**output `{output.output}`**" + (f": {check.kind}" if check.kind else ""), _status(check)]
    if where is not None and (where.cluster or where.database or where.table):
        parts = [f"{label} `{value}`" for label, value in (("cluster", where.cluster), ("database", where.database),
                                                            ("table", where.table)) if value]
        lines.append("writes to " + ", ".join(parts) + (f" (from {where.origin})" if where.origin else ""))
    typed = sum(1 for c in output.columns if c.type)
    lines.append(f"{len(output.columns)} column{'s' if len(output.columns) != 1 else ''}, {typed} typed"
                 + ("" if output.complete else "; a `*` adds columns that cannot be known"))
    return "\n\n".join(lines)


def hover(checks, path: str, line: int, column: int) -> str | None:
    """The hover text at (line, column) of `path`: a select item's type, or an INTO name's output."""
    for check in checks:
        if not same_file(check.file, path):
            continue
        for output_check in check.outputs:
            output = output_check.output
            if _inside(output.output_span, line, column):
                return _output_hover(output_check)
            if not _inside(output.span, line, column):
                continue
            for item in output.columns:
                if item.expr_span is not None and _inside(item.span, line, column):
                    return _column_hover(output_check, item)
    return None


# ---- symbols and definitions (the query's own syntax tree) ----------------------------------

@record
class Symbol(Record):
    name: str
    detail: str
    kind: str               # "statement" or "step"
    span: A.Span
    selection: A.Span
    children: tuple = ()


def parse(text: str):
    """The query's syntax tree, or None when it does not parse."""
    from schemacheck.asa.parser import QuerySyntaxError, parse_query

    try:
        return parse_query(text)
    except (QuerySyntaxError, RecursionError):
        return None


def _into(query) -> A.Identifier | None:
    from schemacheck.asa import ast as A

    while isinstance(query, A.UnionQuery):
        query = query.branches[0]
    return query.into if isinstance(query, A.Select) else None


def query_symbols(text: str) -> list[Symbol] | None:
    """The WITH steps and the SELECT ... INTO statements of a query, in order (None when it does not parse)."""
    from schemacheck.asa import ast as A

    script = parse(text)
    if script is None:
        return None
    found = []
    for statement in script.statements:
        if isinstance(statement, A.CreateTable):
            found.append(Symbol(statement.name.text, "CREATE TABLE", "table", statement.span, statement.name.span))
            continue
        for step in statement.steps:
            found.append(Symbol(step.name.text, "WITH step", "step", step.span, step.name.span))
        into = _into(statement.query)
        name = f"SELECT ... INTO {into.text}" if into is not None else "SELECT"
        query_span = statement.query.span
        found.append(Symbol(name, "statement", "statement", query_span, into.span if into is not None else query_span))
    return found


def analysis_symbols(checks, path: str) -> list[Symbol]:
    """Statements only, from the checks' analyses (a query inside a template: no steps are kept)."""
    found = []
    for check in checks:
        if not same_file(check.file, path) or check.analysis is None:
            continue
        for output in check.analysis.outputs:
            found.append(Symbol(f"SELECT ... INTO {output.output}", "statement", "statement", output.span,
                                output.output_span or output.span))
    return found


def _walk(node):
    if isinstance(node, tuple):
        yield node
        for child in node:
            if isinstance(child, tuple):
                yield from _walk(child)


def definition(text: str, line: int, column: int):
    """The span of the WITH step a FROM/JOIN name at (line, column) reads, or None."""
    from schemacheck.asa import ast as A

    script = parse(text)
    if script is None:
        return None
    steps: dict[str, A.Span] = {}
    for statement in script.statements:
        if isinstance(statement, A.QueryStatement):
            for step in statement.steps:
                steps.setdefault(step.name.text.lower(), step.name.span)
    for node in _walk(script):
        if isinstance(node, A.Source) and isinstance(node.relation, A.Identifier):
            name = node.relation
            if _inside(name.span, line, column) and name.text.lower() in steps:
                return steps[name.text.lower()]
    return None


# ---- suppressions ----------------------------------------------------------------------------

def suppression(text: str, diagnostic: D.Diagnostic) -> tuple[int, int, int, int, str] | None:
    """The edit (line, column, end_line, end_column, text; 1-based) that silences `diagnostic`
    on its line with the query's directive `-- schemacheck: ignore[CODE]`
    (schemacheck.check.suppressions): the code added to the line's directive, else the
    directive at the end of the line, else (a line ending in another comment) alone on the
    line above."""
    from schemacheck.check.suppressions import _DIRECTIVE, _comments

    lines = text.split("\n")
    number = diagnostic.line
    if not 1 <= number <= len(lines):
        return None
    code = diagnostic.code
    for line, column, comment in _comments(text):
        if line != number:
            continue
        match = _DIRECTIVE.match(comment)
        if match is not None and match.group(1).lower() == "ignore":
            if match.group(2) is None:
                return None   # silences every rule already
            codes = [c.strip() for c in match.group(2).split(",") if c.strip()]
            if code in codes:
                return None
            close = column - 1 + match.end(2)   # the index of "]" in the line
            return (number, close + 1, number, close + 1, (", " if codes else "") + code)
        indent = re.match(r"[ \t]*", lines[number - 1]).group()   # type: ignore[union-attr]
        return (number, 1, number, 1, f"{indent}-- schemacheck: ignore[{code}]\n")
    current = lines[number - 1].rstrip("\r")
    end = len(current) + 1
    return (number, end, number, end, f"  -- schemacheck: ignore[{code}]")


# ---- the job's files: where an output or input is defined, what an input holds ------------------

@record
class Place(Record):
    """A place in a file (1-based), for definitions and related information."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None


def _job_of(checks, path: str):
    for check in checks:
        if same_file(check.file, path) and check.job is not None:
            return check.job.job
    return None


def _name_at(text: str, line: int, column: int) -> tuple[str, str] | None:
    """("output", name) for an INTO name at (line, column), ("source", name) for a FROM/JOIN name."""
    from schemacheck.asa import ast as A

    script = parse(text)
    if script is None:
        return None
    for node in _walk(script):
        if isinstance(node, A.Select) and node.into is not None and _inside(node.into.span, line, column):
            return "output", node.into.text
        if isinstance(node, A.Source) and isinstance(node.relation, A.Identifier) and _inside(
                node.relation.span, line, column):
            return "source", node.relation.text
    return None


def job_definition(checks, path: str, text: str, line: int, column: int) -> Place | None:
    """Where the output an INTO name writes to, or the input a FROM name reads, is defined
    in the job's files (a project's output file, a template's resource, a .tf block)."""
    job = _job_of(checks, path)
    found = _name_at(text, line, column)
    if job is None or found is None:
        return None
    kind, name = found
    entries = job.outputs if kind == "output" else job.inputs
    for entry in entries or ():
        if entry.alias.lower() == name.strip("[]\"").lower() and entry.where is not None and entry.where.line:
            return Place(entry.where.file, entry.where.line, entry.where.column or 1)
    return None


def source_hover(checks, path: str, text: str, line: int, column: int) -> str | None:
    """The hover of a FROM/JOIN name: the WITH step (its place) or the job's input (kind,
    serialization, and where it is defined)."""
    found = _name_at(text, line, column)
    if found is None or found[0] != "source":
        return None
    name = found[1]
    step = definition(text, line, column)
    if step is not None:
        return f"**{name}**: a step of this query (WITH, line {step.line})"
    job = _job_of(checks, path)
    for entry in (job.inputs or ()) if job is not None else ():
        if entry.alias.lower() == name.strip("[]\"").lower():
            kind = ("stream" if entry.stream else "reference" if entry.stream is False else "") + " input"
            facts = [f"**{entry.alias}**: {entry.kind or 'unknown kind'} {kind}".rstrip()]
            if entry.serialization:
                facts.append(f"serialization {entry.serialization}")
            if entry.where is not None and entry.where.line:
                from schemacheck.files import display_path

                facts.append(f"defined at {display_path(entry.where.file)}:{entry.where.line}")
            return "\n\n".join(facts)
    return None


def related(checks, diagnostic: D.Diagnostic) -> list[tuple[Place, str]]:
    """Related information for a finding about an output: where the job defines the output,
    and the file of the table it is compared with."""
    if not diagnostic.output:
        return []
    places: list[tuple[Place, str]] = []
    for check in checks:
        if not same_file(check.file, diagnostic.file or ""):
            continue
        job = check.job.job if check.job is not None else None
        for entry in (job.outputs or ()) if job is not None else ():
            if entry.alias.lower() == diagnostic.output.lower() and entry.where is not None and entry.where.line:
                if not (same_file(entry.where.file, diagnostic.file or "") and entry.where.line == diagnostic.line):
                    places.append((Place(entry.where.file, entry.where.line, entry.where.column or 1),
                                   f"output {entry.alias} is defined here"))
                break
        for output_check in check.outputs:
            table = output_check.table
            file = getattr(table, "file", None)
            if (output_check.output.output.lower() == diagnostic.output.lower() and table is not None
                    and isinstance(file, str) and os.path.isfile(file)):
                places.append((Place(file, 1, 1), f"table {_table_label(table)}"))
                break
    return places
