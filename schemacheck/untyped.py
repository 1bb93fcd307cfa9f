"""Output columns whose type the query cannot tell, as both comparators (schemacheck.kusto.compare,
schemacheck.sql.compare) report them: SC204 for one written into a column where a value that
does not fit is lost (stored as null, or the insert fails), one SC203 per statement summing up
the rest.

    input_of(column) -> NAME | "" | None   the input whose undeclared field it is ("" when the
                                           query cannot name it), None when it is no input field
    udf_of(column) -> NAME | None          the UDF whose return type is not declared
    is_number(column) -> bool              a number whose exact type (bigint or float) is open
    how_to_type(columns, wanted, cast)     what gives them a type: an input schema, a UDF's type
    untyped_phrase(column) -> str          why it has no type, in words
    summary(output, columns, report)       the SC203 line for the rest of a statement's untyped columns

The cause is read with schemacheck.asa.types' helpers ("input:NAME", "udf:NAME",
"number[+ORIGIN]"); an input the cause does not name is taken from the reason, where the
inference names it ("x is a field of input NAME, ..."). No I/O.
"""

from __future__ import annotations

import re

from schemacheck.asa import types as T

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from schemacheck.asa.infer import OutputColumn, OutputSchema

# The input a reason names: "x is a field of input NAME, whose type ...", "the sample ... of
# input NAME does not tell the type of x", "x is not in the sample data of input NAME (sample ...)".
_INPUT_IN_REASON = re.compile(r"\binput (.+?)(?:, whose | \(| does not |$)")
SHOWN_NAMES = 6   # the summary names this many columns, then "and N more"


def input_of(column: OutputColumn) -> str | None:
    """The input whose undeclared field leaves the column untyped, as its cause names it,
    else as its reason does; "" when neither does; None when the cause is no input field."""
    name = T.input_of(column.cause)
    if name is None or name:
        return name
    found = _INPUT_IN_REASON.search(column.reason or "")
    return found.group(1) if found else ""


def udf_of(column: OutputColumn) -> str | None:
    return T.udf_of(column.cause)


def is_number(column: OutputColumn) -> bool:
    return T.is_number(column.cause)


def schema_advice(inputs: Sequence[str]) -> str:
    """"give input a a schema ([inputs.a] in schemacheck.toml, a sample, or CREATE TABLE)"."""
    if not inputs:
        return "give its input a schema (an [inputs] table in schemacheck.toml, a sample, or CREATE TABLE)"
    if len(inputs) == 1:
        return f"give input {inputs[0]} a schema ([inputs.{inputs[0]}] in schemacheck.toml, a sample, or CREATE TABLE)"
    tables = ", ".join(f"[inputs.{name}]" for name in inputs)
    return f"give inputs {', '.join(inputs)} a schema ({tables} in schemacheck.toml, samples, or CREATE TABLE)"


def how_to_type(columns: Sequence[OutputColumn], wanted: str | None = None, cast: bool = True) -> str:
    """What gives these untyped columns a type, "; "-joined: their inputs a schema, their
    UDFs a declared type (`wanted`, the type a single column needs, fills in the TYPE), and
    with `cast` a CAST for the values the query computes without a known type ("" when
    only that CAST would, and `cast` is False)."""
    inputs: list[str] = []
    some_input = computed = False
    udfs: list[str] = []
    for column in columns:
        name, udf = input_of(column), udf_of(column)
        if name is not None:
            some_input = True
            if name and name not in inputs:
                inputs.append(name)
        elif udf is not None:
            if udf not in udfs:
                udfs.append(udf)
        else:
            computed = True
    parts = []
    if some_input:
        parts.append(schema_advice(inputs))
    if udfs:
        types = " ".join(f"{u}={wanted or 'TYPE'}" for u in udfs)
        functions = ", ".join("udf." + u for u in udfs)
        parts.append(f"declare the return type of {functions} (--udf-type {types}, or the function's "
                     f"definition in the job)")
    if computed and cast:
        parts.append("CAST the values the query computes" if parts else "CAST them in the query")
    return "; ".join(parts)


def untyped_phrase(column: OutputColumn) -> str:
    """Why the column has no type, in words: its reason, and for an input's field that no
    source of the job types it."""
    reason = column.reason or "the query does not tell its type"
    # Only for a field nothing describes: a field a sample or schema leaves open says why itself.
    if input_of(column) is not None and not is_number(column) and "whose type the query does not declare" in reason:
        reason += ", and no sample or declared schema types it"
    return reason


def _names(columns: Sequence[OutputColumn]) -> str:
    names = [c.name or "(unnamed)" for c in columns]
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else "")


def summary(output: OutputSchema, columns: Sequence[OutputColumn], report: Callable[..., None],
            numbers: Sequence[OutputColumn] = ()) -> None:
    """One SC203 (info) for the statement's untyped columns that no SC204 reported: how many,
    which, and what would type them; `numbers` are those among them that are numbers (bigint
    or float) written into a column that takes either. Nothing when there are none."""
    if not columns:
        return
    count = len(columns)
    message = f"{count} column{'s' if count != 1 else ''} of output {output.output} untyped: {_names(columns)}"
    if numbers:
        which = "is a number" if len(numbers) == 1 else "are numbers"
        message += (f" ({_names(numbers)} {which}, bigint or float, which {'its' if len(numbers) == 1 else 'their'} "
                    f"numeric column takes either way; the exact type is not verified)")
    report("SC203", message, output.output_span or output.span, fix=how_to_type(columns),
           reason="; ".join(dict.fromkeys(c.reason for c in columns if c.reason)))
