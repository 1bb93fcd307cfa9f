"""`schemacheck doctor`: the troubleshooting checklist for ASA's ADX output, as one command.

For one table, each item is pass, fail, cannot-tell or info, with the reason and the fix:

    cluster     the cluster answers and schemacheck's identity may read metadata
    table       the table exists (case-sensitive; the near miss is named)
    schema      the query's output fits the table (the `check` diagnostics)
    identity    the job's managed identity holds Database Ingestor and Database Monitor
    update-policy  the update policies that run on every ingestion into the table: a
                transactional one whose query fails blocks ASA's output
    streaming   streaming ingestion is on (without it ADX batches ASA's data, up to ~5 min)
    latency     how long ASA's rows take to be queryable: seconds with streaming ingestion,
                else up to the batching time span (table's, database's or default policy)
    ingestion-time  whether ingestion_time() is recorded (informative)
    failures    recent ingestion failures for the table, summarised

Everything is read with `.show` commands through schemacheck.kusto.live.Cluster.
"""

from __future__ import annotations

import json
import re

from schemacheck.asa.infer import OutputSchema
from schemacheck.kusto.compare import compare
from schemacheck.kusto.live import Cluster, ClusterError, TableMissing
from schemacheck.kusto.names import quote
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level

PASS, FAIL, CANNOT_TELL, INFO = "pass", "fail", "cannot-tell", "info"
ROLE_DELAY = "role changes can take about 8 minutes to apply"
READ_ROLE = "Database User, Viewer or Monitor"
ITEMS = ("cluster", "table", "schema", "identity", "update-policy", "streaming", "latency", "ingestion-time",
         "failures")
_WORST = (FAIL, CANNOT_TELL, INFO, PASS)


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


def _identity(cluster: Cluster, database: str, principal: str | None, origin: str | None = None,
              object_id_known: bool = False) -> Item:
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
        if origin is not None and not object_id_known:   # a name guessed from the files may not be the one
            return Item("identity", CANNOT_TELL, f"no principal of database {database} is named {principal} "
                        f"({origin}); pass --principal with the identity's object id to check its roles")
        shown = f"{principal} ({origin})" if origin else principal
        return Item("identity", FAIL, f"{shown} holds no role on database {database}",
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


def _policy_value(rows: list[dict]):
    """The decoded `Policy` of the first row that sets one; None when none is set (or it is not JSON)."""
    for row in rows:
        policy = row.get("Policy")
        if policy in (None, "", "null"):
            continue
        try:
            return json.loads(policy) if isinstance(policy, str) else policy
        except ValueError:
            continue
    return None


def _streaming(on_table: bool | None, on_database: bool | None, table: str, batched: str) -> Item:
    if on_table or (on_table is None and on_database):
        where = "the table" if on_table else "the database"
        return Item("streaming", PASS, f"streaming ingestion is enabled on {where}")
    return Item("streaming", INFO, f"streaming ingestion is off for this table: ADX batches what ASA sends, {batched}, "
                "before it can be queried",
                f"for lower latency, enable streaming ingestion on the cluster, then "
                f"`.alter table {quote(table)} policy streamingingestion enable`")


# The ingestion batching policy when neither the table nor its database sets one. The ADX page on
# the policy (dataexplorer-docs kusto/management/batching-policy.md, "Defaults and limits", ms.date
# 2025-09-21) gives 5 minutes, 500 items and 1024 MB; ../shared/reference/adx.md and asa-jobs.md,
# quoting the older ASA output page, say 1,000 items. The ADX page is used: it is the later, and
# the policy is ADX's. Only the time span sets the latency reported here.
BATCHING_DEFAULTS = {"MaximumBatchingTimeSpan": "00:05:00", "MaximumNumberOfItems": 500, "MaximumRawDataSizeMB": 1024}
_TIMESPAN = re.compile(r"\s*(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)\s*")


def _seconds(span: object) -> float | None:
    """A .NET timespan ("00:05:00", "1.00:00:00", "00:00:30.5") -> seconds."""
    match = _TIMESPAN.fullmatch(str(span or ""))
    if not match:
        return None
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _duration(seconds: float) -> str:
    """300 -> '5 minutes', 90 -> '1 minute 30 seconds', 20 -> '20 seconds'."""
    whole = round(seconds)
    parts = []
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(parts) or f"{seconds:g} seconds"


def _batching(table_rows: list[dict], database_rows: list[dict]) -> tuple[dict, str]:
    """The batching policy in force, and whose it is. A set policy replaces the defaults only for
    the properties it gives (the docs: unspecified properties take their default values); the
    table's policy beats the database's as a whole."""
    for rows, whose in ((table_rows, "the table's batching policy"), (database_rows, "the database's batching policy")):
        value = _policy_value(rows)
        if isinstance(value, dict):
            given = {k: v for k, v in value.items() if k in BATCHING_DEFAULTS and v is not None}
            return {**BATCHING_DEFAULTS, **given}, whose
    return dict(BATCHING_DEFAULTS), "the default batching policy (neither the table nor the database sets one)"


def _streaming_and_latency(cluster: Cluster, database: str, table: str) -> list[Item]:
    """The streaming item, and the latency to expect from it and the ingestion batching policy."""
    streaming_error = None
    on_table = on_database = None
    try:
        table_rows, database_rows = cluster.streaming_policy(database, table)
        on_table, on_database = _enabled(table_rows), _enabled(database_rows)
    except (ClusterError, TableMissing) as error:
        streaming_error = getattr(error, "message", str(error))
    batching_error = None
    try:
        policy, whose = _batching(*cluster.batching_policy(database, table))
    except (ClusterError, TableMissing) as error:
        policy, whose, batching_error = dict(BATCHING_DEFAULTS), "", getattr(error, "message", str(error))
    seconds = _seconds(policy["MaximumBatchingTimeSpan"])
    span = _duration(seconds) if seconds is not None else str(policy["MaximumBatchingTimeSpan"])
    limits = (f"{span}, {policy['MaximumNumberOfItems']} items or {policy['MaximumRawDataSizeMB']} MB, whichever "
              "comes first")
    if streaming_error is not None:
        streaming = Item("streaming", CANNOT_TELL, f"the streaming ingestion policy could not be read "
                         f"({streaming_error})")
    else:
        batched = f"up to {span} by {whose}" if batching_error is None else \
            f"by default up to {span} (the batching policy could not be read)"
        streaming = _streaming(on_table, on_database, table, batched)
    streamed = streaming.status == PASS
    if batching_error is not None:
        unread = (f"the ingestion batching policy could not be read ({batching_error}); `.show table "
                  f"{quote(table)} policy ingestionbatching` needs {READ_ROLE}")
        if streamed:
            return [streaming, Item("latency", INFO, f"expect seconds: {streaming.reason}; {unread}")]
        return [streaming, Item("latency", CANNOT_TELL, unread)]
    if streamed:
        return [streaming, Item("latency", INFO, f"expect seconds: {streaming.reason}; rows ADX ingests queued "
                                f"instead wait up to {span} ({whose}: {limits})")]
    if streaming_error is not None:
        return [streaming, Item("latency", CANNOT_TELL, f"unknown whether ASA's rows are streamed (the streaming "
                                f"policy could not be read); if not, expect up to {span} ({whose}: {limits})")]
    lower = (f"`.alter-merge table {quote(table)} policy ingestionbatching '{{\"MaximumBatchingTimeSpan\": "
             f"\"00:00:30\"}}'` (the docs' low-latency setting is 20 to 30 seconds, the least 10 seconds)")
    return [streaming, Item("latency", INFO, f"expect up to {span} before ASA's rows can be queried: streaming "
                            f"ingestion is off, so ADX batches them by {whose} ({limits})",
                            f"enable streaming ingestion (see streaming), or shorten the batching time: {lower}")]


def _ingestion_time(cluster: Cluster, database: str, table: str) -> Item:
    """Informative only: whether `ingestion_time()` is recorded for the table's rows."""
    try:
        value = _policy_value(cluster.ingestion_time_policy(database, table))
    except (ClusterError, TableMissing) as error:
        return Item("ingestion-time", CANNOT_TELL, f"the ingestion time policy could not be read "
                    f"({getattr(error, 'message', str(error))}); `.show table {quote(table)} policy ingestiontime` "
                    f"needs {READ_ROLE}")
    enable = (f"to measure ASA's latency, `.alter table {quote(table)} policy ingestiontime true` (rows ingested "
              "before keep a null ingestion_time())")
    if isinstance(value, dict) and value.get("IsEnabled") is True:
        return Item("ingestion-time", INFO, f"ingestion_time() is recorded for {table}: `{table} | summarize "
                    "max(ingestion_time())` shows ASA's last write, and ingestion_time() minus the event time "
                    "estimates the end-to-end latency (the clocks are not synchronised)")
    if isinstance(value, dict) and value.get("IsEnabled") is False:
        return Item("ingestion-time", INFO, f"the ingestion time policy of {table} is off: ingestion_time() is "
                    "null for its new rows", enable)
    # The docs call the policy optional; whether the service turns it on for new tables is not established.
    return Item("ingestion-time", INFO, f"no ingestion time policy is set on {table}: ingestion_time() is null for "
                "rows ingested without it", enable)


# ---- update policies ---------------------------------------------------------------------------

_ENTITY = re.compile(r"\[(?P<database>[^\]]*)\]\.\[(?P<table>[^\]]*)\]")
_NAME = r"(?:(?P<plain>[A-Za-z_][\w]*)|\[\s*'(?P<q1>[^']+)'\s*\]|\[\s*\"(?P<q2>[^\"]+)\"\s*\])"
_BARE = re.compile(r"\s*" + _NAME + r"\s*(?P<call>\(\s*\))?\s*;?\s*")
_LEADING_CALL = re.compile(r"\s*" + _NAME + r"\s*\(")


def _named(match: re.Match) -> str:
    return match.group("plain") or match.group("q1") or match.group("q2")


def _entity_table(name: object) -> str:
    """"[fleet].[VehicleAlerts]" -> "VehicleAlerts" (the table an update policy row is about)."""
    text = str(name or "")
    match = _ENTITY.fullmatch(text)
    return match.group("table") if match else text


def _reads(policy: dict, table: str) -> bool:
    """Whether the policy's Source is `table`: exactly (Kusto entity names are case-sensitive),
    or, with SourceIsWildCard, by its `*` pattern."""
    source = str(policy.get("Source") or "")
    if policy.get("SourceIsWildCard") is True:
        return re.fullmatch(".*".join(re.escape(part) for part in source.split("*")), table) is not None
    return source == table


def _column_type(column: dict) -> str:
    from schemacheck.kusto.types import canonical_type

    written = str(column.get("CslType") or column.get("Type") or "?")
    return canonical_type(written) or written


def _difference(output: list[tuple[str, str]], target: list[tuple[str, str]], producer: str,
                table: str) -> tuple[str | None, str]:
    """The first difference between the query's output and the target table's columns, and its
    kind: "schema" (count, order or type: certainly a misfit) or "names" (same types in the same
    order, other names), None when they match."""
    names = [name for name, _ in output]
    for i in range(max(len(output), len(target))):
        if i < len(output) and i < len(target) and output[i] == target[i]:
            continue
        if len(output) == len(target) and all(a[1] == b[1] for a, b in zip(output, target)):
            return "names", (f"column {i + 1} is {output[i][0]} in the output of {producer} but {target[i][0]} in "
                             f"{table}")
        if i >= len(output) or (target[i][0] not in names and len(output) < len(target)):
            name, kind = target[i]
            return "schema", (f"the output of {producer} lacks {table}'s column {name} ({kind}, column {i + 1} of "
                              f"{len(target)}; the output has {len(output)})")
        if i >= len(target):
            name, kind = output[i]
            return "schema", (f"{producer} outputs a column {name} ({kind}) that {table} does not have (column "
                              f"{i + 1}; {table} has {len(target)})")
        (name, kind), (target_name, target_kind) = output[i], target[i]
        if name == target_name:
            return "schema", f"column {name} is {kind} in the output of {producer} but {target_kind} in {table}"
        return "schema", (f"column {i + 1} is {name} ({kind}) in the output of {producer} but {target_name} "
                          f"({target_kind}) in {table}")
    return None, ""


def _fit(cluster: Cluster, database: str, target: str, query: str) -> tuple[str, str]:
    """Whether the policy's query still fits its target table: (status, what was found)."""
    bare = _BARE.fullmatch(query)
    leading = bare or _LEADING_CALL.match(query)
    if leading is None:
        return CANNOT_TELL, "its query is not a bare function call, so its output was not compared with " + target
    name = _named(leading)
    try:
        functions = cluster.database_functions(database)
    except ClusterError as error:
        return CANNOT_TELL, (f"the functions of {database} could not be read ({error.message}); "
                             f"`.show database {quote(database)} schema as json` needs {READ_ROLE}")
    function = functions.get(name)
    near = [f for f in functions if f.lower() == name.lower() and f != name]
    hint = f" (there is {near[0]}: function names are case-sensitive)" if near else ""
    if bare is None:
        if function is None:
            return CANNOT_TELL, f"its query is more than a call of a stored function, so it was not verified{hint}"
        return CANNOT_TELL, (f"its query is more than a call of {name}(), so its output was not compared with "
                             f"{target}; run `{query.strip()} | getschema` to compare")
    called = bare.group("call") is not None
    producer = f"{name}()"
    if function is not None:
        # Whether `.show database D schema as json` gives a function's output schema is not
        # established: its documented example has `"Functions":{}`; DeltaKusto's model of the
        # answer (FunctionSchema: Name, Body, Folder, DocString, InputParameters) has no
        # OutputColumns; a recorded answer in a third-party provider's tests (2026) gives
        # `"FunctionKind":"UnknownFunction","OutputColumns":[]` for a tabular function. So absent
        # or empty OutputColumns mean "not given", never "no columns".
        columns = function.get("OutputColumns")
        if not isinstance(columns, list) or not columns:
            return CANNOT_TELL, (f"the cluster did not give the output schema of {producer}; run `{producer} | "
                                 f"getschema` to compare it with {target}")
        output = [(str(c.get("Name")), _column_type(c)) for c in columns if isinstance(c, dict)]
    else:
        tables = _tables(cluster, database)
        if not called and isinstance(tables, dict) and name in tables:
            output = [(c.name, c.type) for c in tables[name].columns]
            producer = f"table {name}"
        elif called or isinstance(tables, dict):
            return FAIL, (f"its query calls {producer}, and no function {name} exists in {database}{hint}: the "
                          f"policy fails on every ingestion")
        else:
            return CANNOT_TELL, f"its query names {name}, which is no function of {database}{hint}"
    tables = _tables(cluster, database)
    if isinstance(tables, str):
        return CANNOT_TELL, tables
    if target not in tables:
        return CANNOT_TELL, f"the table {target} is not in the schema of {database}"
    expected = [(c.name, c.type) for c in tables[target].columns]
    kind, text = _difference(output, expected, producer, target)
    if kind == "schema":
        return FAIL, f"{text}: the policy fails on every ingestion"
    if kind == "names":
        # The ADX pages on update policies said the output must match the target "in column names,
        # types and order"; the page's later text (dataexplorer-docs update-policy.md, ms.date
        # 2026-06-01) says "in their column types, and order". Whether other names fail is not established.
        return CANNOT_TELL, (f"{text}; the docs now ask for the same column types and order (earlier also the same "
                             f"names): whether the service accepts other names is not established")
    return INFO, f"the output of {producer} fits {target} (column names, types and order)"


def _tables(cluster: Cluster, database: str) -> dict | str:
    try:
        return cluster.database_tables(database)
    except ClusterError as error:
        return (f"the tables of {database} could not be read ({error.message}); `.show database {quote(database)} "
                f"schema as json` needs {READ_ROLE}")


def _safe_quote(name: str) -> str:
    from schemacheck.errors import UsageError

    try:
        return quote(name)
    except UsageError:
        return name


def _update_policies(cluster: Cluster, database: str, table: str) -> Item:
    """Every enabled update policy whose Source is the table ASA writes: its query runs on each
    ingestion into the table, and a transactional one that fails makes the ingestion fail."""
    try:
        rows = cluster.update_policies(database)
    except ClusterError as error:
        return Item("update-policy", CANNOT_TELL, f"the update policies of {database} could not be read "
                    f"({error.message}); `.show table * policy update` needs {READ_ROLE}")
    reading: list[tuple[str, dict]] = []
    near, unreadable = [], []
    disabled = 0
    for row in rows:
        target = _entity_table(row.get("EntityName"))
        policy = row.get("Policy")
        if policy in (None, "", "null"):
            continue
        try:
            policies = json.loads(policy) if isinstance(policy, str) else policy
        except ValueError:
            unreadable.append(target)
            continue
        if isinstance(policies, dict):
            policies = [policies]
        if not isinstance(policies, list):
            unreadable.append(target)
            continue
        for entry in policies:
            if not isinstance(entry, dict):
                continue
            if _reads(entry, table):
                if entry.get("IsEnabled") is False:
                    disabled += 1
                else:
                    reading.append((target, entry))
            elif str(entry.get("Source") or "").lower() == table.lower() and entry.get("SourceIsWildCard") is not True:
                near.append(f"{target}'s update policy reads {entry.get('Source')}, not {table}: entity names are "
                            "case-sensitive, so it does not run for ASA's rows")
    notes = list(near)
    if disabled:
        notes.append(f"{disabled} disabled update polic{'y' if disabled == 1 else 'ies'} also "
                     f"read{'s' if disabled == 1 else ''} {table}")
    if unreadable:
        notes.append(f"the update policy of {', '.join(unreadable)} is not JSON")
    tail = f" ({'; '.join(notes)})" if notes else ""
    if not reading:
        if unreadable:
            return Item("update-policy", CANNOT_TELL, f"no readable update policy reads {table}{tail}")
        return Item("update-policy", PASS, f"no update policy reads {table}{tail}")
    found, fixes = [], []
    for target, entry in reading:
        query = str(entry.get("Query") or "").strip()
        shown = query if len(query) <= 80 else query[:77] + "..."
        if entry.get("IsTransactional") is not True:
            found.append((INFO, (f"{target}'s update policy (query `{shown}`) runs on every ingestion into "
                                 f"{table}; it is not transactional: if it fails, {table} still gets ASA's rows and "
                                 f"{target} misses them")))
            continue
        status, text = _fit(cluster, database, target, query)
        risk = (f"{target}'s update policy (query `{shown}`) is transactional: when it fails, the ingestion into "
                f"{table} fails too and ASA's output is blocked (it retries)")
        if status == INFO:
            text = (f"{risk}; {text} now, but an altered function or a changed column of {table} that its query "
                    "reads would block ASA's output")
        else:
            text = f"{risk}; {text}"
        found.append((status, text))
        if status == FAIL:
            fixes.append(f"make the query of {target}'s update policy return {target}'s columns (names, types, order), "
                         f"or disable the policy or make it non-transactional (`.alter table {_safe_quote(target)} "
                         f"policy update ...`)")
    status = next(s for s in _WORST if any(f[0] == s for f in found))
    count = f"{len(found)} update policies read {table}: " if len(found) > 1 else ""
    fix = None
    if fixes:
        fix = "; ".join(dict.fromkeys(fixes)) + ("; meanwhile the failures are listed by `.show ingestion failures "
                                                 "| where OriginatesFromUpdatePolicy == true`")
    elif status == CANNOT_TELL:
        fix = "compare the query's `| getschema` with the target table's columns (names, types, order)"
    return Item("update-policy", status, count + "; ".join(text for _, text in found) + tail, fix)


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


def is_fabric(url: str) -> bool:
    """Whether a cluster URL is a Microsoft Fabric Eventhouse's (…kusto.fabric.microsoft.com)."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower().endswith(".kusto.fabric.microsoft.com")


def examine(cluster: Cluster, database: str, table: str, principal: str | None = None,
            output: OutputSchema | None = None, level: Level = "1.2", file: str | None = None,
            source: str | None = None, principal_origin: str | None = None,
            principal_exact: bool = False) -> DoctorReport:
    """Run the checklist for one table (and the output that writes to it, when given).
    `principal_exact`: the principal is the identity's object id as Azure reports it (a
    deployed job), so holding no role is a failure, not a name that may not match."""
    alias = output.output if output is not None else None

    def report(items):
        return DoctorReport(alias, cluster.url, database, table, tuple(items))

    try:
        names = cluster.table_names(database)
    except ClusterError as error:
        first = Item("cluster", FAIL, error.message)
        rest = [Item(n, CANNOT_TELL, "the cluster could not be read") for n in ITEMS[1:]]
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
    if principal is None and is_fabric(cluster.url):
        items.append(Item("identity", INFO, "a Fabric Eventhouse: an Eventstream writes to it with the workspace's "
                          "permissions, so the database roles an ASA job's managed identity needs are not checked "
                          "(whether ASA's own output may write to an Eventhouse is not documented); pass --principal "
                          "to check an identity's roles"))
    else:
        items.append(_identity(cluster, database, principal, principal_origin, principal_exact))
    if table in names:
        items.append(_update_policies(cluster, database, table))
        items.extend(_streaming_and_latency(cluster, database, table))
        items.append(_ingestion_time(cluster, database, table))
        items.append(_failures(cluster, database, table))
    else:
        items.extend(Item(n, CANNOT_TELL, "the table does not exist") for n in ITEMS[len(items):])
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
