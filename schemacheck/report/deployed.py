"""The table that ends a scan of deployed jobs (check --deployed): one row per job, with
what was checked, errors, warnings, and what could not be reached (and why)."""

from __future__ import annotations


def job_rows(results) -> list[dict]:
    """One plain row per (job, FileCheck or None) pair of schemacheck.deployed.scan.check_deployed."""
    from schemacheck.check.results import COMPARED, NOT_CHECKED

    rows = []
    for item, check in results:
        group = _group(item.id)
        if check is None:
            rows.append({"job": item.name, "resource_group": group, "id": item.id, "status": "not reachable",
                         "compared": None, "outputs": None, "errors": None, "warnings": None,
                         "reason": item.message})
            continue
        errors = sum(1 for d in check.diagnostics if d.severity == "error")
        warnings = sum(1 for d in check.diagnostics if d.severity == "warning")
        outputs = {c.output.output: c.status for c in check.outputs}
        checkable = [alias for alias, status in outputs.items() if status != NOT_CHECKED]
        compared = [alias for alias, status in outputs.items() if status == COMPARED]
        rows.append({"job": item.name, "resource_group": group, "id": item.id, "status": "checked",
                     "compared": len(compared), "outputs": len(checkable), "errors": errors, "warnings": warnings,
                     "reason": None if item.job.query is not None else "the job has no query"})
    return rows


def _group(resource_id: str) -> str:
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered[:-1] else ""


def render_table(results) -> str:
    """The rows as an aligned text table, with a total line."""
    rows = job_rows(results)
    if not rows:
        return ""
    header = ("job", "resource group", "status", "compared", "errors", "warnings")
    lines = []
    for row in rows:
        compared = "" if row["compared"] is None else f"{row['compared']} of {row['outputs']}"
        lines.append((row["job"], row["resource_group"], row["status"], compared,
                      "" if row["errors"] is None else str(row["errors"]),
                      "" if row["warnings"] is None else str(row["warnings"])))
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths)).rstrip()]
    out.extend("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines)
    unreachable = [row for row in rows if row["status"] == "not reachable"]
    checked = len(rows) - len(unreachable)
    out.append(f"{len(rows)} job{'s' if len(rows) != 1 else ''}: {checked} checked, "
               f"{sum(r['errors'] or 0 for r in rows)} errors, {sum(r['warnings'] or 0 for r in rows)} warnings, "
               f"{len(unreachable)} not reachable")
    out.extend(f"  {row['job']}: {row['reason']}" for row in unreachable)
    return "\n".join(out) + "\n"
