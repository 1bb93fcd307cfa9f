"""Positions of a query held inside another file, mapped back into that file: a query in
an ARM template's JSON string (escapes and all), in a string of a Terraform or Bicep file
(a heredoc, a triple-quoted string, a quoted one), or built by a template expression (then
every finding points at the expression, and says where in the built query it is).

    relocate(analysis, diagnostics, query) -> (analysis, diagnostics) in the file's positions
    query_first(file)                       sort key: the query's findings first
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis


def relocate(analysis: QueryAnalysis, diagnostics, query) -> tuple[QueryAnalysis, tuple[D.Diagnostic, ...]]:
    """Positions in a query held as a string of another file (`query.json_string_at`,
    `query.placed`) -> positions in that file, for the analysis and for `diagnostics`; a
    query built by an expression (`query.at`) -> the expression's place; unchanged for a
    query file."""
    if query.json_string_at is not None or query.placed is not None:
        where, escaped = _string_mapping(query)

        def span(value):
            line, column = where(value.line, value.column)
            if not value.end_line:
                return value._replace(line=line, column=column)
            end_line, end_column = where(value.end_line, value.end_column)
            return value._replace(line=line, column=column, end_line=end_line, end_column=end_column)

        def diagnostic(d: D.Diagnostic) -> D.Diagnostic:
            line, column = where(d.line, d.column)
            end_line, end_column = where(d.end_line, d.end_column) if d.end_line and d.end_column else (None, None)
            edit = d.edit
            if edit is not None and edit.file == query.file:
                # The replacement goes inside the string, written as its syntax needs (None: it cannot be).
                text = escaped(edit.text)
                start, end = where(edit.line, edit.column), where(edit.end_line, edit.end_column)
                edit = None if text is None else edit._replace(line=start[0], column=start[1], end_line=end[0],
                                                                end_column=end[1], text=text)
            return d._replace(line=line, column=column, end_line=end_line, end_column=end_column, edit=edit)
    elif query.at is not None:
        line, column = query.at.line or 1, query.at.column or 1

        def span(value):
            return value._replace(line=line, column=column, end_line=0, end_column=0)

        def diagnostic(d: D.Diagnostic) -> D.Diagnostic:
            return d._replace(message=f"{d.message} (line {d.line}, column {d.column} of the query the template "
                              "builds)", line=line, column=column, end_line=None, end_column=None, edit=None)
    else:
        return analysis, tuple(diagnostics)
    return _moved(analysis, diagnostics, query.file, span, diagnostic)


def _string_mapping(query):
    """(where: (line, column) in the query -> in its file, escaped: replacement text -> as the
    string holds it) for a query in a template's JSON string or a Terraform or Bicep string."""
    from schemacheck.files import read_text_file

    if query.json_string_at is not None:
        import json

        from schemacheck.jobs.jsonfile import strip_comments
        from schemacheck.jobs.positions import StringPositions

        where = StringPositions(strip_comments(read_text_file(query.file, "template")), query.json_string_at)
        return where, lambda text: json.dumps(text)[1:-1]
    from schemacheck.files import line_starts
    from schemacheck.jobs.positions import PlacedPositions, escaped_for
    from schemacheck.lalr import LineMap

    file_text = read_text_file(query.file, "file")
    offsets = PlacedPositions(file_text, query.placed, query.text)
    lines = LineMap(file_text)
    starts = line_starts(query.text)

    def placed_at(line: int, column: int) -> tuple[int, int]:
        line = max(1, min(line, len(starts)))
        return lines.position(offsets(starts[line - 1] + column - 1))
    return placed_at, lambda text: escaped_for(query.placed, text)


def _moved(analysis: QueryAnalysis, diagnostics, file: str, span, diagnostic):
    """The analysis and diagnostics with every span of `file` passed through `span` and
    every diagnostic of `file` through `diagnostic`."""
    def spanned(value):
        return None if value is None else span(value)

    def output(o):
        return o._replace(output_span=spanned(o.output_span), span=spanned(o.span),
                          columns=tuple(c._replace(span=spanned(c.span), expr_span=spanned(c.expr_span))
                                        for c in o.columns),
                          gaps=tuple(g._replace(span=spanned(g.span)) for g in o.gaps))

    def moved(d: D.Diagnostic) -> D.Diagnostic:
        return diagnostic(d) if d.file == file else d

    result = analysis._replace(outputs=tuple(output(o) for o in analysis.outputs),
                               diagnostics=tuple(moved(d) for d in analysis.diagnostics),
                               inputs=tuple(i._replace(span=span(i.span)) for i in analysis.inputs))
    return result, tuple(moved(d) for d in diagnostics)


def query_first(file: str):
    """Sort key: the query's findings first, then those in the job's other files."""
    return lambda d: (d.file != file, D.sort_key(d))
