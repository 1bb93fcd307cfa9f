"""A setting that names a column the statement must write (a key, a property, a path field):
found, found in another letter case, missing, or hidden behind a `*` of unknown fields."""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.outputs.common import TEXT, Context, finding, lookup, named, statement, written_as

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputColumn, OutputSchema
    from schemacheck.jobs.model import Output, OutputSetting


def column_named(output: Output, setting: OutputSetting, column: str, statements: list[OutputSchema],
                 context: Context, missing_code: str, consequence: str
                 ) -> tuple[list[D.Diagnostic], list[tuple[OutputSchema, OutputColumn]]]:
    """Findings for `column` (a value of `setting`) in each statement into `output`:
    `missing_code` when a statement does not write it (with `consequence`), SC802 when only
    its letter case differs; and the (statement, column) pairs found, for type checks."""
    found: list[D.Diagnostic] = []
    pairs = []
    for schema in statements:
        how, hit = lookup(schema, column)
        if how == "missing":
            near = [c.name for c in schema.columns if c.name]
            from difflib import get_close_matches

            close = get_close_matches(column, near, n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]}?" if close else ""
            found.append(finding(missing_code, f"{named(output, setting)} names column {column}, which "
                                 f"{statement(schema, context)} does not write: {consequence}{hint}", output, setting,
                                 context, query_column=column, suggested_name=close[0] if close else None,
                                 fix=(f"alias the column `AS {column}` in the query, or set {setting.name} to "
                                      f"{close[0]}" if close else f"write a column {column} in the statement, or "
                                      f"change {setting.name}")))
        elif how == "case" and hit is not None:
            found.append(finding("SC802", f"{named(output, setting)} names column {column}, and "
                                 f"{statement(schema, context)} writes {hit.name}{written_as(hit)}: the names differ "
                                 "in letter case, which the output may not ignore", output, setting, context,
                                 query_column=hit.name, suggested_name=column,
                                 fix=f"alias the column `AS {column}` in the query, or set {setting.name} to "
                                     f"{hit.name}"))
            pairs.append((schema, hit))
        elif hit is not None:
            pairs.append((schema, hit))
    return found, pairs


def keys_not_text(output: Output, setting: OutputSetting, pairs, context: Context, what: str) -> list[D.Diagnostic]:
    """SC805 for each key column a statement writes as another type than text; `what` says
    what the key must be (a Table storage key, a Cosmos DB id)."""
    return [finding("SC805", f"{named(output, setting)} names column {hit.name}, which {statement(schema, context)} "
                    f"writes as {hit.type}: {what}; whether ASA converts other types is not documented", output,
                    setting, context, query_column=hit.name,
                    fix=f"CAST({hit.written or hit.name} AS nvarchar(max)) in the query")
            for schema, hit in pairs if hit.type is not None and hit.type != TEXT]

