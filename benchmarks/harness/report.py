"""The summary table and the JSON dump of the results."""

from __future__ import annotations

from pathlib import Path


def markdown_table(rows) -> str:
    """The rows as a Markdown table, its columns padded so that it also reads as plain text."""
    header = ("Metric", "Value", "Baseline", "Ratio", "Target", "Meets?")
    table = [header] + [tuple(str(c).replace("|", "\\|") for c in row) for row in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in table]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines) + "\n"


def jsonable(value):
    """The results as plain JSON values (NaN -> null, paths -> str); raw samples included."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, Path):
        return str(value)
    return value
