"""SARIF 2.1.0 for code scanning (GitHub's upload-sarif, Azure DevOps' SARIF viewer, VS Code).

One run. `tool.driver.rules` lists every rule of schemacheck.diagnostics.RULES, in code
order, then one descriptor `unreadable` for files that could not be read; each result
names its rule by `ruleId` and `ruleIndex`. Levels: error -> error, warning -> warning,
info -> note.

Choices the standard leaves open:
- Locations are the files as given (relative to where schemacheck ran, normally the
  repository root, which is what code scanning expects), with forward slashes and
  %-encoded where a URI needs it; an absolute path becomes a file:// URI. Columns count
  Unicode code points (`columnKind`), as schemacheck's positions do; the end column is
  exclusive, as in SARIF.
- `partialFingerprints["schemacheck/v1"]` hashes the code, the file, the output and the
  query and table columns, not line numbers, so an alert survives edits above it; equal
  keys in one file are told apart by their order.
- A suggested edit becomes a `fixes` entry (a replacement); a Kusto command for the table
  side has no file to change, so it goes into `properties.kustoCommand` and the fix
  description. The human fix text follows the message on its own line, since code
  scanning shows the message but not `fixes`.
- A file that could not be read is both an error result of the rule `unreadable` (code
  scanning shows results only, and a result whose rule is not in `rules` shows without a
  description) and a tool execution notification, with `executionSuccessful` false.
"""

from __future__ import annotations

import json

from schemacheck import diagnostics as D
from schemacheck.files import Unreadable

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "schemacheck/v1"
UNREADABLE = "unreadable"
LEVELS = {D.ERROR: "error", D.WARNING: "warning", D.INFO: "note"}


def artifact_uri(path: str) -> str:
    """A file path as a SARIF URI: relative with forward slashes, %-encoded; absolute as file://.

    >>> artifact_uri("jobs\\\\My Job\\\\query 100%.asaql")
    'jobs/My%20Job/query%20100%25.asaql'
    """
    import re
    from urllib.parse import quote

    path = path.replace("\\", "/")
    drive = re.match(r"^[A-Za-z]:/", path)
    if drive:
        return "file:///" + path[:2] + quote(path[2:], safe="/")
    if path.startswith("/"):
        return "file://" + quote(path, safe="/")
    return quote(path, safe="/")


def _rules() -> list[dict]:
    rules = [{
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    } for rule in D.RULES.values()]
    rules.append({
        "id": UNREADABLE,
        "name": "unreadable-file",
        "shortDescription": {"text": "A file or job that could not be read."},
        "fullDescription": {"text": "The file is missing, not text, or not understood, so nothing in it was "
                                    "checked. The message names the problem."},
        "help": {"text": "Fix the file (or the path given) and run schemacheck again."},
        "defaultConfiguration": {"level": "error"},
    })
    return rules


def _region(line, column, end_line=None, end_column=None) -> dict | None:
    if not line:
        return None
    region = {"startLine": line}
    if column:
        region["startColumn"] = column
    if end_line:
        region["endLine"] = end_line
        if end_column:
            region["endColumn"] = end_column
    return region


def _location(file: str, region: dict | None) -> dict:
    physical: dict = {"artifactLocation": {"uri": artifact_uri(file)}}
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(parts: tuple, seen: dict) -> str:
    import hashlib

    key = "\x1f".join(p or "" for p in parts)
    seen[key] = seen.get(key, 0) + 1
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{digest}:{seen[key]}"


def _message(diagnostic: D.Diagnostic) -> str:
    return diagnostic.message + (f"\nfix: {diagnostic.fix}" if diagnostic.fix else "")


def _fix(diagnostic: D.Diagnostic, edit: D.Edit, file: str) -> dict:
    """The edit as a SARIF fix (in the result's `file` when the edit names none)."""
    text = diagnostic.fix or f"replace the text with {edit.text!r}"
    if diagnostic.command and diagnostic.command not in text:
        text += f"; or change the table: {diagnostic.command}"
    deleted = {"startLine": edit.line, "startColumn": edit.column, "endLine": edit.end_line,
               "endColumn": edit.end_column}
    return {"description": {"text": text},
            "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(edit.file or file)},
                                 "replacements": [{"deletedRegion": deleted,
                                                   "insertedContent": {"text": edit.text}}]}]}


_PROPERTIES = (("output", "output"), ("query_column", "queryColumn"), ("table_column", "tableColumn"),
               ("expected_type", "expectedType"), ("actual_type", "actualType"), ("command", "kustoCommand"))


def _result(diagnostic: D.Diagnostic, file: str, indexes: dict, seen: dict) -> dict:
    result = {
        "ruleId": diagnostic.code,
        "ruleIndex": indexes[diagnostic.code],
        "level": LEVELS[diagnostic.severity],
        "message": {"text": _message(diagnostic)},
        "locations": [_location(file, _region(diagnostic.line, diagnostic.column, diagnostic.end_line,
                                              diagnostic.end_column))],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(
            (diagnostic.code, artifact_uri(file), diagnostic.output, diagnostic.query_column,
             diagnostic.table_column), seen)},
    }
    if diagnostic.edit is not None:
        result["fixes"] = [_fix(diagnostic, diagnostic.edit, file)]
    properties = {name: getattr(diagnostic, field) for field, name in _PROPERTIES
                  if getattr(diagnostic, field) is not None}
    if properties:
        result["properties"] = properties
    return result


def sarif_document(entries, tool_version: str) -> dict:
    """The SARIF log as a dict (see the module doc)."""
    entries = list(entries)
    rules = _rules()
    indexes = {rule["id"]: index for index, rule in enumerate(rules)}
    results, notifications = [], []
    seen: dict[str, int] = {}
    for entry in entries:
        if isinstance(entry, Unreadable):
            location = _location(entry.file, _region(entry.line, entry.column))
            text = f"{entry.file}: {entry.message}"
            results.append({"ruleId": UNREADABLE, "ruleIndex": indexes[UNREADABLE], "level": "error",
                            "message": {"text": text}, "locations": [location],
                            "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(
                                (UNREADABLE, artifact_uri(entry.file)), seen)}})
            notifications.append({"level": "error", "message": {"text": text}, "locations": [location],
                                  "descriptor": {"id": UNREADABLE}})
            continue
        for diagnostic in entry.diagnostics:
            results.append(_result(diagnostic, diagnostic.file or entry.file, indexes, seen))
    invocation: dict = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    from schemacheck.report.common import outputs_compared

    compared, outputs = outputs_compared(e for e in entries if not isinstance(e, Unreadable))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "schemacheck", "version": tool_version,
                                "rules": rules}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"outputs": outputs, "outputsCompared": compared},
        }],
    }


def render_sarif(entries, tool_version: str) -> str:
    """The SARIF log as JSON text (UTF-8 safe, two-space indent, a final newline)."""
    return json.dumps(sarif_document(entries, tool_version), indent=2, ensure_ascii=False) + "\n"
