"""What the output checkers share: where a finding goes, how a setting's column is found in a
statement, and how a setting is quoted in messages."""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.jobs.model import Job, Output, OutputSetting, Where
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputColumn, OutputSchema

TEXT = "nvarchar(max)"


@record
class Context(Record):
    """The job, the file its query is in, and the compatibility level it is checked at."""

    job: Job
    query_file: str
    level: str = "1.2"


def where_of(output: Output, setting: OutputSetting | None, context: Context) -> Where:
    if setting is not None and setting.where is not None:
        return setting.where
    return output.where or Where(context.job.source)


def finding(code: str, message: str, output: Output, setting: OutputSetting | None, context: Context,
            **fields) -> D.Diagnostic:
    """A finding of `code` at the setting's place (else the output's), about `output`."""
    where = where_of(output, setting, context)
    return D.Diagnostic(code, D.default_severity(code), message, where.file, where.line or 1, where.column or 1,
                        output=output.alias, **fields)


def named(output: Output, setting: OutputSetting | None) -> str:
    """`output tbl-out's partitionKey (Outputs/tbl-out.json:7)`, for messages."""
    from schemacheck.jobs.model import where_text

    if setting is None:
        return f"output {output.alias}"
    at = f" ({where_text(setting.where, '')})" if setting.where is not None else ""
    return f"output {output.alias}'s {setting.name}{at}"


def statement(schema: OutputSchema, context: Context) -> str:
    """`the statement INTO [out] (query.asaql:12:6)`: a template holds its query on one line."""
    from schemacheck.files import display_path

    span = schema.output_span or schema.span
    return f"the statement INTO [{schema.output}] ({display_path(context.query_file)}:{span.line}:{span.column})"


def lookup(schema: OutputSchema, name: str) -> tuple[str, OutputColumn | None]:
    """("exact", column), ("case", column) when only the letter case differs, ("missing",
    None) when the statement writes no such column, ("unknown", None) when a `*` of unknown
    fields may write it."""
    exact = [c for c in schema.columns if c.name == name]
    if exact:
        return "exact", exact[0]
    folded = [c for c in schema.columns if c.name is not None and c.name.lower() == name.lower()]
    if folded:
        return "case", folded[0]
    return ("missing" if schema.complete else "unknown"), None


def texts(setting: OutputSetting | None) -> tuple[str, ...]:
    """The setting's value as a tuple of texts (a list setting, or one value)."""
    if setting is None:
        return ()
    value = setting.value
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, tuple):
        return tuple(v for v in value if isinstance(v, str) and v.strip())
    return ()


def written_as(column: OutputColumn) -> str:
    """How the query writes a column whose name ASA changed (level 1.0 lower-cases)."""
    if column.written and column.written != column.name:
        return f" (written {column.written} in the query; ASA writes {column.name} at this level)"
    return ""
