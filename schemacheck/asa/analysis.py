"""Query text -> `QueryAnalysis`: the outputs it writes and every finding, never an exception.

This is the analyzer's front door (what `schemacheck infer` runs per file): parse,
then infer; a syntax error becomes the SC001 diagnostic with no outputs.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.infer import InputRef, InputShape, OutputSchema, infer_with_inputs
from schemacheck.asa.parser import QuerySyntaxError, parse_query
from schemacheck.asa.types import DEFAULT_COMPAT_LEVEL
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level


@record
class QueryAnalysis(Record):
    file: str | None
    outputs: tuple[OutputSchema, ...]
    diagnostics: tuple[D.Diagnostic, ...]
    inputs: tuple[InputRef, ...] = ()   # the FROM names that are no WITH step, where written

    @property
    def has_errors(self) -> bool:
        return any(d.severity == D.ERROR for d in self.diagnostics)


def analyze(text: str, *, file: str | None = None, level: Level = DEFAULT_COMPAT_LEVEL,
            udf_types: Mapping[str, str | None] | None = None,
            input_shapes: Mapping[str, InputShape] | None = None, functions_complete: bool = False) -> QueryAnalysis:
    """Parse and infer one query; `udf_types` maps UDF/UDA names to declared ASA types,
    `input_shapes` input aliases to what the job knows of them (see infer.infer)."""
    # The tree and its results hold no reference cycles, so the cyclic garbage collector
    # would only walk them again and again (a third of the time on a 500 KB query).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analyze(text, file, level, udf_types, input_shapes, functions_complete)
    finally:
        if collecting:
            gc.enable()


def _analyze(text, file, level, udf_types, input_shapes, functions_complete) -> QueryAnalysis:
    try:
        script = parse_query(text, file)
    except QuerySyntaxError as error:
        diagnostic = D.Diagnostic("SC001", "error", error.message, file, error.line, error.column,
                                  error.line, error.end_column)
        return QueryAnalysis(file, (), (diagnostic,))
    try:
        outputs, diagnostics, inputs = infer_with_inputs(script, level, udf_types, file, input_shapes,
                                                         functions_complete)
    except RecursionError:
        diagnostic = D.Diagnostic("SC001", "error", "the query nests expressions too deeply to analyse",
                                  file, 1, 1)
        return QueryAnalysis(file, (), (diagnostic,))
    return QueryAnalysis(file, tuple(outputs), tuple(sorted(diagnostics, key=D.sort_key)), tuple(inputs))
