"""JSON for machines. The `infer` document's keys are a contract: keys may be added, never changed."""

from __future__ import annotations

import json
from collections.abc import Iterable

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis


def diagnostic_dict(diagnostic: D.Diagnostic) -> dict:
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
        "file": diagnostic.file,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column,
        "output": diagnostic.output,
        "query_column": diagnostic.query_column,
        "fix": diagnostic.fix,
    }


def analysis_dict(analysis: QueryAnalysis) -> dict:
    outputs = []
    for output in analysis.outputs:
        outputs.append({
            "output": output.output,
            "complete": output.complete,
            "columns": [
                {"name": c.name, "type": c.type, "line": c.span.line, "column": c.span.column,
                 "written_name": c.written, "unknown_reason": None if c.type else c.reason}
                for c in output.columns
            ],
            "line": (output.output_span or output.span).line,
            "column": (output.output_span or output.span).column,
            "gaps": [{"position": g.position, "reason": g.reason, "line": g.span.line, "column": g.span.column}
                     for g in output.gaps],
        })
    return {"file": analysis.file, "outputs": outputs,
            "diagnostics": [diagnostic_dict(d) for d in analysis.diagnostics]}


def infer_document(entries: Iterable[QueryAnalysis | tuple[str, str]]) -> dict:
    """`{"files": [...]}` in the order given; an entry `(file, message)` is a file that could not
    be read, shown with its "error" and no outputs."""
    files = []
    for entry in entries:
        if isinstance(entry, QueryAnalysis):
            files.append(analysis_dict(entry))
        else:
            file, message = entry
            files.append({"file": file, "error": message, "outputs": [], "diagnostics": []})
    return {"files": files}


def dumps(document: dict, indent: int | None = 2) -> str:
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"
