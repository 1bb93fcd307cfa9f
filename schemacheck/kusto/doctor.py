"""`schemacheck doctor`: the troubleshooting checklist for ASA's ADX output, as one command.

For one table, each item is pass, fail, cannot-tell or info, with the reason and the fix:

    cluster     the cluster answers and schemacheck's identity may read metadata
    table       the table exists (case-sensitive; the near miss is named)
    schema      the query's output fits the table (the `check` diagnostics)
    identity    the job's managed identity holds Database Ingestor and Database Monitor
    streaming   streaming ingestion is on (without it ADX batches ASA's data, up to ~5 min)
    failures    recent ingestion failures for the table, summarised

Everything is read with `.show` commands through schemacheck.kusto.live.Cluster.
"""

from __future__ import annotations

import json
import re

from schemacheck.asa.infer import OutputSchema
from schemacheck.kusto.compare import compare
from schemacheck.kusto.live import Cluster, ClusterError
from schemacheck.kusto.names import quote
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level

PASS, FAIL, CANNOT_TELL, INFO = "pass", "fail", "cannot-tell", "info"
ROLE_DELAY = "role changes can take about 8 minutes to apply"


@record
class Item(Record):
    name: str
    status: str
    reason: str
    fix: str | None = None
    diagnostics: tuple = ()


@record
class DoctorReport(Record):
    output: str | None
    cluster: str
    database: str
    table: str
    items: tuple[Item, ...]

    @property
    def unreachable(self) -> bool:
        return self.items[0].status == FAIL


_ROLES = {"admin": "Admin", "user": "User", "viewer": "Viewer", "unrestrictedviewer": "UnrestrictedViewer",
          "ingestor": "Ingestor", "monitor": "Monitor"}


def _role(text: str | None) -> str:
    """'Database fleet Ingestor' (or 'ingestors') -> 'Ingestor'."""
    words = str(text or "").split()
    last = words[-1].lower() if words else ""
    return _ROLES.get(last) or _ROLES.get(last[:-1] if last.endswith("s") else last) or (words[-1] if words else "")


def _identity(cluster: Cluster, database: str, principal: str | None, origin: str | None = None) -> Item:
    """`origin` says where a principal not given with --principal comes from (the job's
    files); None with no principal: `origin` is why there is none, or nothing is known."""
    if principal is None:
        if origin is not None:
            return Item("identity", FAIL, origin, "turn on the job's managed identity (UseSystemAssignedIdentity "
                        "in JobConfig.json, or `identity` in the template), then grant it Database Ingestor and "
                        f"Database Monitor; {ROLE_DELAY}")
        return Item("identity", CANNOT_TELL, "no --principal given: the job's managed identity (its object id, "
                    "application id or name) is needed to check its roles")
    try:
        rows = cluster.principals(database)
    except ClusterError as error:
        return Item("identity", CANNOT_TELL, f"schemacheck's identity may not list the principals of {database} "
                    f"({error.message}); an admin of the database can run `.show database {quote(database)} "
                    f"principals`")
    wanted = principal.strip().lower()
    exact = [r for r in rows if str(r.get("PrincipalObjectId") or "").lower() == wanted
             or re.search(r"=" + re.escape(wanted) + r"(;|$)", str(r.get("PrincipalFQN") or "").lower())]
    by_name = [r for r in rows if str(r.get("PrincipalDisplayName") or "").strip().lower() == wanted
               or str(r.get("PrincipalDisplayName") or "").lower().startswith(wanted + " (")]
    matches, heuristic = (exact, False) if exact else (by_name, True)
    if not matches:
        if origin is not None:
            return Item("identity", CANNOT_TELL, f"no principal of database {database} is named {principal} "
                        f"({origin}); pass --principal with the identity's object id to check its roles")
        return Item("identity", FAIL, f"{principal} holds no role on database {database}",
                    f"grant it: `.add database {quote(database)} ingestors ('aadapp=<app id>;<tenant id>')` and "
                    f"`.add database {quote(database)} monitors (...)`; {ROLE_DELAY}")
    roles = {_role(r.get("Role")) for r in matches}
    fqn = str(matches[0].get("PrincipalFQN") or "aadapp=<app id>;<tenant id>")
    shown = str(matches[0].get("PrincipalDisplayName") or principal)
    label = " (matched by display name, a heuristic: pass the object id to be sure)" if heuristic else ""
    if origin is not None:
        label = (f" ({origin}, matched by display name, a heuristic: pass --principal with its object id to be "
                 "sure)" if heuristic else f" ({origin})")
    missing = [role for role in ("Ingestor", "Monitor") if role not in roles and "Admin" not in roles]
    if missing:
        commands = " and ".join(f"`.add database {quote(database)} {role.lower()}s ('{fqn}')`" for role in missing)
        return Item("identity", FAIL, f"{shown}{label} holds {', '.join(sorted(roles))} on {database} but not "
                    f"Database {' nor Database '.join(missing)}", f"grant {commands}; {ROLE_DELAY}")
    return Item("identity", PASS, f"{shown}{label} holds Database Ingestor and Database Monitor on {database} "
                f"({', '.join(sorted(roles))}); {ROLE_DELAY}")


def _enabled(rows: list[dict]) -> bool | None:
    """True/False for a streaming ingestion policy that says so; None when none is set."""
    for row in rows:
        policy = row.get("Policy")
        if policy in (None, "", "null"):
            continue
        try:
            data = json.loads(policy) if isinstance(policy, str) else policy
        except ValueError:
            continue
        if isinstance(data, dict) and "IsEnabled" in data:
            return bool(data["IsEnabled"])
    return None


def _streaming(cluster: Cluster, database: str, table: str) -> Item:
    try:
        table_rows, database_rows = cluster.streaming_policy(database, table)
    except ClusterError as error:
        return Item("streaming", CANNOT_TELL, f"the streaming ingestion policy could not be read ({error.message})")
    on_table, on_database = _enabled(table_rows), _enabled(database_rows)
    if on_table or (on_table is None and on_database):
        where = "the table" if on_table else "the database"
        return Item("streaming", PASS, f"streaming ingestion is enabled on {where}")
    return Item("streaming", INFO, "streaming ingestion is off for this table: ADX batches what ASA sends "
                "(by default up to 5 minutes, 1,000 items or 1 GB) before it can be queried",
                f"for lower latency, enable streaming ingestion on the cluster, then "
                f"`.alter table {quote(table)} policy streamingingestion enable`")


def _failures(cluster: Cluster, database: str, table: str) -> Item:
    try:
        rows = cluster.ingestion_failures(database, table)
    except ClusterError as error:
        return Item("failures", CANNOT_TELL, f"ingestion failures could not be read ({error.message}); "
                    f"`.show ingestion failures` needs Database Admin or Monitor")
    if not rows:
        return Item("failures", PASS, f"no ingestion failures recorded for {table} (they are kept 14 days)")
    rows = sorted(rows, key=lambda r: str(r.get("FailedOn") or ""))
    codes: dict[str, int] = {}
    for row in rows:
        code = str(row.get("ErrorCode") or row.get("FailureKind") or "unknown")
        codes[code] = codes.get(code, 0) + 1
    summary = ", ".join(f"{code} x{count}" for code, count in sorted(codes.items(), key=lambda kv: -kv[1]))
    last = rows[-1]
    detail = str(last.get("Details") or "").strip().splitlines()[0:1]
    return Item("failures", FAIL, f"{len(rows)} ingestion failure(s) for {table}, the last on {last.get('FailedOn')}: "
                f"{summary}" + (f"; last: {detail[0][:200]}" if detail else ""),
                "read the details with `.show ingestion failures | where Table == '" + table + "'`")


def examine(cluster: Cluster, database: str, table: str, principal: str | None = None,
            output: OutputSchema | None = None, level: Level = "1.2", file: str | None = None,
            source: str | None = None, principal_origin: str | None = None) -> DoctorReport:
    """Run the checklist for one table (and the output that writes to it, when given)."""
    alias = output.output if output is not None else None

    def report(items):
        return DoctorReport(alias, cluster.url, database, table, tuple(items))

    try:
        names = cluster.table_names(database)
    except ClusterError as error:
        first = Item("cluster", FAIL, error.message)
        rest = [Item(n, CANNOT_TELL, "the cluster could not be read") for n in
                ("table", "schema", "identity", "streaming", "failures")]
        return report([first] + rest)
    items = [Item("cluster", PASS,
                  f"{cluster.url} answers; schemacheck's identity may read the metadata of {database}")]
    if table not in names:
        near = [n for n in names if n.lower() == table.lower()]
        if not near:
            from difflib import get_close_matches

            near = get_close_matches(table, names, n=2, cutoff=0.6)
        hint = f"; did you mean {', '.join(near)}? (table names are case-sensitive)" if near else ""
        items.append(Item("table", FAIL, f"table {table} does not exist in {database}{hint}",
                          "ASA does not create the table: create it, or fix the output's table name"))
        items.append(Item("schema", CANNOT_TELL, "the table does not exist"))
    else:
        items.append(Item("table", PASS, f"table {table} exists in {database}"))
        items.append(_schema(cluster, database, table, output, level, file, source))
    items.append(_identity(cluster, database, principal, principal_origin))
    if table in names:
        items.append(_streaming(cluster, database, table))
        items.append(_failures(cluster, database, table))
    else:
        items.extend(Item(n, CANNOT_TELL, "the table does not exist") for n in ("streaming", "failures"))
    return report(items)


def _schema(cluster: Cluster, database: str, table: str, output: OutputSchema | None, level: Level,
            file: str | None, source: str | None) -> Item:
    if output is None:
        return Item("schema", CANNOT_TELL, "no query given: pass the query file to compare its output")
    schema = cluster.table_schema(database, table)
    if schema is None:
        return Item("schema", CANNOT_TELL, "the table disappeared while being read")
    found = tuple(compare(output, schema, level, file, source))
    errors = [d for d in found if d.severity == "error"]
    warnings = [d for d in found if d.severity == "warning"]
    if errors:
        return Item("schema", FAIL, f"{len(errors)} error(s), {len(warnings)} warning(s) comparing output "
                    f"{output.output} with {table}: {errors[0].code} {errors[0].message}", errors[0].fix, found)
    note = f" ({len(warnings)} warning(s))" if warnings else ""
    return Item("schema", PASS, f"output {output.output} fits {table}{note}", None, found)
