"""JSON for machines. The `infer` document's keys are a contract: keys may be added, never changed."""

from __future__ import annotations

import json
from collections.abc import Iterable

from schemacheck import diagnostics as D
from schemacheck.asa.analysis import QueryAnalysis
from schemacheck.files import Unreadable
from schemacheck.report.common import coverage, merge_coverage


def diagnostic_dict(diagnostic: D.Diagnostic) -> dict:
    found: dict[str, object] = {
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
        "table_column": diagnostic.table_column,
        "expected_type": diagnostic.expected_type,
        "actual_type": diagnostic.actual_type,
        "fix": diagnostic.fix,
    }
    if diagnostic.drift is not None:
        what, ours, our_place, theirs, their_place = diagnostic.drift
        found["drift"] = {"what": what, "repository": ours, "repository_at": our_place, "deployed": theirs,
                          "deployed_at": their_place}
    return found


def analysis_dict(analysis: QueryAnalysis) -> dict:
    outputs = []
    for output in analysis.outputs:
        outputs.append({
            "output": output.output,
            "complete": output.complete,
            "columns": _columns(output),
            "line": (output.output_span or output.span).line,
            "column": (output.output_span or output.span).column,
            "gaps": [{"position": g.position, "reason": g.reason, "line": g.span.line, "column": g.span.column}
                     for g in output.gaps],
            "coverage": coverage([output]),
        })
    return {"file": analysis.file, "outputs": outputs,
            "diagnostics": [diagnostic_dict(d) for d in analysis.diagnostics]}


def _unreadable(entry: Unreadable) -> dict:
    return {"file": entry.file, "error": entry.message, "line": entry.line, "column": entry.column,
            "outputs": [], "diagnostics": []}


def infer_document(entries: Iterable[QueryAnalysis | Unreadable]) -> dict:
    """`{"files": [...]}` in the order given; a file that could not be read is shown with its
    "error" and no outputs."""
    return {"files": [_unreadable(e) if isinstance(e, Unreadable) else analysis_dict(e) for e in entries]}


def _columns(output) -> list[dict]:
    return [{"name": c.name, "type": c.type, "line": c.span.line, "column": c.span.column,
             "written_name": c.written, "unknown_reason": None if c.type else c.reason, "source": c.source}
            for c in output.columns]


def check_document(entries) -> dict:
    """`{"files": [...], "summary": {...}}` for `schemacheck check`, in the order given."""
    files = []
    counts = {D.ERROR: 0, D.WARNING: 0, D.INFO: 0}
    for entry in entries:
        if isinstance(entry, Unreadable):
            files.append(_unreadable(entry))
            continue
        outputs = []
        for check in entry.outputs:
            output = check.output
            where = output.output_span or output.span
            table = check.table
            outputs.append({
                "output": output.output,
                "table": table.name if table else None,
                "database": table.database if table else None,
                "schema": getattr(table, "schema_name", None),   # a SQL table's schema (dbo, public, ...)
                "table_file": table.file if table else None,
                "status": check.status,
                "kind": check.kind,
                "target": _target(getattr(check, "destination", None)),
                "complete": output.complete,
                "line": where.line,
                "column": where.column,
                "columns": _columns(output),
                "coverage": coverage([output]),
            })
        for diagnostic in entry.diagnostics:
            counts[diagnostic.severity] += 1
        files.append({"file": entry.file, "job": _job(entry), "outputs": outputs,
                      "diagnostics": [diagnostic_dict(d) for d in entry.diagnostics]})
    from schemacheck.report.common import outputs_compared

    readable = [e for e in entries if not isinstance(e, Unreadable)]
    compared, total = outputs_compared(readable)
    columns = merge_coverage(coverage([c.output]) for e in readable for c in e.outputs)
    return {"files": files, "summary": {"errors": counts[D.ERROR], "warnings": counts[D.WARNING],
                                        "infos": counts[D.INFO], "outputs": total, "outputs_compared": compared,
                                        "columns": columns["total"], "columns_typed": columns["typed"]}}


def statistics_document(checks) -> dict:
    """`{"rules": [{"code", "name", "severity", "count"}]}`, most findings first."""
    from schemacheck.report.common import rule_counts

    return {"rules": [{"code": code, "name": D.RULES[code].name if code in D.RULES else None, "severity": severity,
                       "count": n} for code, severity, n in rule_counts(checks)]}


def _target(where_to) -> dict | None:
    """Where the mapping says the output writes (also when that table was not found)."""
    if where_to is None or where_to.table is None:
        return None
    return {"cluster": where_to.cluster, "database": where_to.database, "table": where_to.table,
            "from": where_to.origin}


def _job(entry) -> dict | None:
    """What job the file was checked as: None for a query checked on its own."""
    found = getattr(entry, "job", None)
    if found is None or found.job.form == "query":
        return None
    job = found.job
    return {"name": job.name, "form": job.form, "source": job.source, "parameters": found.parameters,
            "also": list(found.also), "start_file": found.start_file, "compat_level": entry.level,
            "compat_level_from": entry.level_origin}


def doctor_document(reports) -> dict:
    return {"reports": [
        {"output": r.output, "cluster": r.cluster, "database": r.database, "table": r.table,
         "items": [{"name": i.name, "status": i.status, "reason": i.reason, "fix": i.fix,
                    "diagnostics": [diagnostic_dict(d) for d in i.diagnostics]} for i in r.items]}
        for r in reports]}


def dumps(document: dict, indent: int | None = 2) -> str:
    return json.dumps(document, indent=indent, ensure_ascii=False) + "\n"
