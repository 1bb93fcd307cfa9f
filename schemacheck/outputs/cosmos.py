"""Cosmos DB outputs: the document id column, the partition key column, an `id` column
without a document id (outputs-and-inputs.md §A2: AD azure-cosmos-db-output.md,
stream-analytics-documentdb-output.md, data-error-codes.md, configuration-error-codes.md)."""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.outputs.common import Context, finding, lookup, named, statement, texts
from schemacheck.outputs.keys import column_named, keys_not_text

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputSchema
    from schemacheck.jobs.model import Output


def check(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    found: list[D.Diagnostic] = []
    document_id = output.setting("documentId")
    for column in texts(document_id)[:1]:
        assert document_id is not None
        more, pairs = column_named(output, document_id, column, statements, context, "SC801",
                                   "ASA reports CosmosDBOutputMissingIdColumn and the event is not written")
        found += more + keys_not_text(output, document_id, pairs, context,
                                      "a document's id is a non-empty string of at most 255 characters")
    partition = output.setting("partitionKey")
    for column in texts(partition)[:1]:
        assert partition is not None
        if "/" in column.strip("/") or "." in column:
            found.append(finding("SC803", f"{named(output, partition)} is {column}: ASA takes a top-level column as "
                                 "the partition key (nested keys were documented as not supported)", output,
                                 partition, context))
            continue
        more, _ = column_named(output, partition, column.strip("/"), statements, context, "SC801",
                               "ASA reports CosmosDBOutputMissingPartitionKey and the event is not written")
        found += more
    if not texts(document_id):
        for schema in statements:
            how, found_id = lookup(schema, "id")
            if how in ("exact", "case") and found_id is not None:
                hit = found_id
                found.append(D.make("SC808", f"output {output.alias} is Cosmos DB without a document id, and "
                                    f"{statement(schema, context)} writes a column {hit.name}: every event is "
                                    "inserted, so the second event with the same id fails (a duplicate)", hit.span,
                                    context.query_file, output=output.alias, query_column=hit.name,
                                    fix=f"set the output's document id to {hit.name} (insert or replace), or rename "
                                        "the column"))
    return found
