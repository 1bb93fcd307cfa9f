"""Outputs with nothing to compare but a documented fact the job should know: Power BI
(retiring; SELECT *, records and arrays), Azure Functions (which failures the error policy
covers), ADLS Gen1 (retired) (outputs-and-inputs.md §A6-§A8)."""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.outputs.common import Context, finding, statement

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputSchema
    from schemacheck.jobs.model import Output

POWER_BI_RETIREMENT = "2027-10-31"
ADLS_GEN1_RETIREMENT = "2024-02-29"


def check_powerbi(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    found = [finding("SC812", f"output {output.alias} writes to Power BI, whose real-time streaming ASA stops "
                     f"supporting on {POWER_BI_RETIREMENT}: from then no job with this output can be created and "
                     "running ones are stopped", output, None, context,
                     fix="move the output to Fabric Real-Time Intelligence (an Eventhouse, which ASA writes to as "
                         "Azure Data Explorer)")]
    for schema in statements:
        if any(c.expr_span is None for c in schema.columns) or schema.gaps:   # a `*`
            found.append(D.make("SC813", f"output {output.alias} writes to Power BI, and {statement(schema, context)} "
                                "selects *: the dataset's table takes the columns of the first events, and a later "
                                "change fails the output (the Power BI output article: avoid SELECT *)",
                                schema.output_span or schema.span, context.query_file, output=output.alias))
        for column in schema.columns:
            if column.type in ("record", "array"):
                literal = "IRecord" if column.type == "record" else "IArray"
                found.append(D.make("SC813", f"output {output.alias} writes to Power BI, and column {column.name} is "
                                    f"{'a' if column.type == 'record' else 'an'} {column.type}: Power BI gets the "
                                    f"text {literal}, not its values", column.span, context.query_file,
                                    output=output.alias, query_column=column.name))
    return found


def check_functions(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    return [finding("SC814", f"output {output.alias} calls an Azure Function: there is no schema to compare; ASA "
                    "retries every failed call until it succeeds, except 413 (too large), which alone follows the "
                    "output error policy, so Drop does not drop events the function refuses", output, None, context)]


def check_retired(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    return [finding("SC815", f"output {output.alias} writes to Data Lake Storage Gen1, retired on "
                    f"{ADLS_GEN1_RETIREMENT}: the output cannot write", output, None, context,
                    fix="write to ADLS Gen2 (a blob output on a storage account with a hierarchical namespace)")]
