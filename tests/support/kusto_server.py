"""A fake Azure Data Explorer (Kusto) cluster for tests. Standard library only.

It speaks the REST v1 *management* protocol as documented in ``../shared/reference/adx.md``
(sections 1, 4, 5 and 6) and nothing more:

* ``POST /v1/rest/mgmt`` with a JSON body ``{"db": ..., "csl": ..., "properties": ...}``; a 200 answer is the v1
  envelope ``{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName","DataType","ColumnType"}],"Rows":[...]}]}``.
* Errors are OneApiError bodies ``{"error":{"code","message","@type","@message","@context","@permanent"}}``
  (401 has an empty body).
* ``GET /v1/rest/auth/metadata`` answers 404, so an SDK with auth falls back to public-cloud defaults offline.
* Anything else answers 404.

Usage::

    with FakeCluster(sample_databases()) as cluster:
        client = KustoClient(KustoConnectionStringBuilder.with_no_authentication(cluster.url))
        client.execute_mgmt("fleet", ".show table ['OverheatAlerts'] schema as json")
        cluster.faults.append(Fault.throttle())
        assert cluster.commands() == [".show table ['OverheatAlerts'] schema as json"]

All state (``databases``, ``faults``, ``missing_table_style``, ...) is plain data that tests may edit between
requests. The server only *reads* commands: any command that does not start with ``.show`` is recorded and refused
with HTTP 400, so tests can assert that the tool under test never sends one (see ``FakeCluster.non_show_commands``).
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from support.local_server import LocalServer, QuietHandler

__all__ = [
    "STREAMING_DISABLED",
    "STREAMING_ENABLED",
    "Database",
    "FakeCluster",
    "Fault",
    "Function",
    "Principal",
    "Request",
    "Table",
    "batching_policy",
    "running_cluster",
    "sample_databases",
    "update_policy",
]

# --------------------------------------------------------------------------------------------------------------------
# Types (adx.md §2)
# --------------------------------------------------------------------------------------------------------------------

#: CSL type -> (`Type` in schema JSON, v1 `DataType`)
CSL_TYPES: dict[str, tuple[str, str]] = {
    "bool": ("System.SByte", "Boolean"),
    "int": ("System.Int32", "Int32"),
    "long": ("System.Int64", "Int64"),
    "real": ("System.Double", "Double"),
    "decimal": ("System.Data.SqlTypes.SqlDecimal", "Decimal"),
    "string": ("System.String", "String"),
    "datetime": ("System.DateTime", "DateTime"),
    "timespan": ("System.TimeSpan", "TimeSpan"),
    "guid": ("System.Guid", "Guid"),
    "dynamic": ("System.Object", "Object"),
}

#: Streaming ingestion policy values for ``Table.streaming_policy`` / ``Database.streaming_policy``.
STREAMING_ENABLED = '{"IsEnabled":true,"HintAllocatedRate":null}'
STREAMING_DISABLED = '{"IsEnabled":false,"HintAllocatedRate":null}'


def batching_policy(time_span: str = "00:05:00", items: int = 500, size_mb: int = 1024) -> str:
    """An ingestion batching policy value for ``Table.batching_policy`` / ``Database.batching_policy``."""
    return json.dumps({"MaximumBatchingTimeSpan": time_span, "MaximumNumberOfItems": items,
                       "MaximumRawDataSizeMB": size_mb}, separators=(",", ":"))


def update_policy(source: str, query: str, transactional: bool = True, enabled: bool = True, **more: Any) -> dict:
    """One update policy object (a list of them is ``Table.update_policy``); ``more`` adds properties as given,
    e.g. ``SourceIsWildCard=True`` or ``ManagedIdentity="system"``."""
    return {"IsEnabled": enabled, "Source": source, "Query": query, "IsTransactional": transactional,
            "PropagateIngestionProperties": False, **more}

FIXED_TIME = "2024-01-01T00:00:00Z"
_NS = uuid.UUID("6f1c2b7e-7d3a-4c55-9b1e-0a9d1f3e5c21")


def _csl_type(csl: str) -> tuple[str, str]:
    try:
        return CSL_TYPES[csl]
    except KeyError:
        raise ValueError(f"unknown CSL type {csl!r}; use one of {sorted(CSL_TYPES)}") from None


def _col(name: str, csl: str | None = "string", data_type: str | None = None) -> dict[str, str]:
    """A v1 column descriptor. ``csl=None`` leaves out ColumnType (as `.show version` does)."""
    col = {"ColumnName": name, "DataType": data_type or (_csl_type(csl)[1] if csl else "String")}
    if csl is not None:
        col["ColumnType"] = csl
    return col


def _stable_guid(*parts: object) -> str:
    return str(uuid.uuid5(_NS, "|".join(str(p) for p in parts)))


# --------------------------------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------------------------------


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str]]  # (column name, CSL type)
    folder: str | None = None
    docstring: str | None = None
    streaming_policy: str | None = None  # JSON string, e.g. STREAMING_ENABLED; None = not set
    ingestion_failures: list[dict] = field(default_factory=list)  # rows for `.show ingestion failures`
    #: the table's update policies: a list of policy objects (see ``update_policy()``) or the JSON string the
    #: service returns in `Policy`; None = not set. The table is the policy's *target*; each object's Source reads.
    update_policy: list[dict] | str | None = None
    batching_policy: str | None = None  # JSON string, e.g. batching_policy("00:00:30"); None = not set
    ingestion_time_policy: str | None = None  # JSON string, e.g. '{"IsEnabled":true}'; None = not set


@dataclass
class Function:
    """A stored function, as `.show database D schema as json` lists it under ``Functions``.

    ``output_columns`` ((name, CSL type) pairs) is served as ``OutputColumns`` when given; None leaves the key
    out and [] serves an empty list (whether and when the service fills it is not established).
    """

    name: str
    body: str = "{ print 1 }"
    parameters: list[dict] = field(default_factory=list)  # InputParameters, e.g. [{"Name": "x", "CslType": "long"}]
    folder: str | None = None
    docstring: str | None = None
    output_columns: list[tuple[str, str]] | None = None
    kind: str = "UnknownFunction"


@dataclass
class Principal:
    role: str  # "Ingestor", "Monitor", "Viewer", "User", "Admin", "UnrestrictedViewer"
    type: str  # e.g. "AAD Application", "AAD User", "AAD Group"
    display_name: str
    object_id: str
    fqn: str  # e.g. "aadapp=<app id>;<tenant id>"
    notes: str = ""


@dataclass
class Database:
    name: str
    tables: dict[str, Table] = field(default_factory=dict)  # keyed by table name (case-sensitive, as Kusto)
    principals: list[Principal] = field(default_factory=list)
    streaming_policy: str | None = None
    caller_roles: list[str] = field(default_factory=lambda: ["Viewer"])  # `.show database D principal roles`
    batching_policy: str | None = None  # JSON string (see batching_policy()); None = not set
    functions: dict[str, Function] = field(default_factory=dict)  # keyed by function name (case-sensitive)
    major_version: int = 1
    minor_version: int = 1


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    db: str | None = None
    csl: str | None = None
    properties: Any = None  # dict when the body held an object or a JSON string; raw value otherwise
    body: bytes = b""


_DEFAULT_CODES = {
    400: ("General_BadRequest", "Request is invalid and cannot be executed.",
          "Kusto.Data.Exceptions.KustoBadRequestException"),
    403: ("Forbidden", "Caller is not authorized to perform this action",
          "Kusto.Data.Exceptions.KustoRequestDeniedException"),
    404: ("NotFound", "Entity not found.", "Kusto.Common.Svc.Exceptions.EntityNameDoesNotExistException"),
    413: ("PayloadTooLarge", "Request payload is too large.", "Kusto.Data.Exceptions.KustoServiceException"),
    429: ("Throttling", "Request was throttled.", "Kusto.DataNode.Exceptions.ThrottlingException"),
    500: ("InternalServiceError", "An internal service error occurred.", "Kusto.Data.Exceptions.KustoServiceException"),
    503: ("ServiceUnavailable", "Service is unavailable.", "Kusto.Data.Exceptions.KustoServiceException"),
    504: ("Timeout", "Request timed out.", "Kusto.Data.Exceptions.KustoServiceException"),
    520: ("ServiceError", "Service error.", "Kusto.Data.Exceptions.KustoServiceException"),
}

_HTML_502 = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>fake-gateway</center></body></html>"
)


@dataclass
class Fault:
    """An injected failure for the next ``times`` POSTs whose csl contains ``match`` (case-insensitive; None = any).

    Order of effects: sleep ``delay`` seconds; then ``close`` the connection without answering; else answer
    ``status`` with ``body`` (default: a OneApiError body fitting the status; 401 -> empty); with neither
    ``close`` nor ``status`` the request is answered normally after the delay. ``headers`` are added to the answer
    (e.g. ``{"Retry-After": "1"}``). ``times`` counts down as the fault is used; it leaves ``faults`` at 0.
    """

    status: int | None = None
    body: str | bytes | None = None
    delay: float = 0.0
    close: bool = False
    match: str | None = None
    times: int = 1
    headers: dict | None = None
    principal: str = "aadapp=00000000-0000-0000-0000-000000000000;00000000-0000-0000-0000-000000000000"

    @classmethod
    def throttle(cls, times: int = 2, retry_after: int | None = None, match: str | None = None) -> Fault:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return cls(status=429, times=times, headers=headers, match=match)

    @classmethod
    def server_error(cls, status: int = 500, times: int = 1, match: str | None = None) -> Fault:
        return cls(status=status, times=times, match=match)

    @classmethod
    def unauthorized(cls, times: int = 1, match: str | None = None) -> Fault:
        return cls(status=401, times=times, match=match)

    @classmethod
    def forbidden(cls, times: int = 1, match: str | None = None, principal: str | None = None) -> Fault:
        f = cls(status=403, times=times, match=match)
        if principal is not None:
            f.principal = principal
        return f

    @classmethod
    def not_found(cls, times: int = 1, match: str | None = None) -> Fault:
        """404 with the documented database-NotFound body for the request's database."""
        return cls(status=404, times=times, match=match)

    @classmethod
    def not_json(cls, status: int = 502, body: str = _HTML_502, times: int = 1, match: str | None = None) -> Fault:
        return cls(status=status, body=body, times=times, match=match)

    @classmethod
    def hang(cls, seconds: float, times: int = 1, match: str | None = None) -> Fault:
        """Sleep ``seconds`` and then answer normally (if the client still listens)."""
        return cls(delay=seconds, times=times, match=match)

    @classmethod
    def close_connection(cls, times: int = 1, match: str | None = None) -> Fault:
        return cls(close=True, times=times, match=match)

    def applies_to(self, csl: str | None) -> bool:
        return self.match is None or (csl is not None and self.match.casefold() in csl.casefold())


class KustoError(Exception):
    """Internal: an error answer (HTTP status + OneApiError body)."""

    def __init__(self, status: int, code: str, message: str, type_: str, description: str | None = None,
                 permanent: bool = True):
        super().__init__(description or message)
        self.status, self.code, self.message, self.type = status, code, message, type_
        self.description = description or message
        self.permanent = permanent


def _db_not_found(name: str) -> KustoError:
    text = f"Entity name '{name}' of kind 'Database' does not exist."
    return KustoError(404, "NotFound", text, "Kusto.Common.Svc.Exceptions.EntityNameDoesNotExistException", text)


def _syntax_error(csl: str, why: str = "Query could not be parsed") -> KustoError:
    return KustoError(
        400,
        "BadRequest_SyntaxError",
        "Request is invalid and cannot be executed.",
        "Kusto.Data.Exceptions.KustoBadRequestException",
        f"Request is invalid and cannot be processed: Syntax error: SYN0002: {why}: {csl!r}",
    )


# --------------------------------------------------------------------------------------------------------------------
# Command parsing
# --------------------------------------------------------------------------------------------------------------------

_NAME = r"""(?:\[\s*'(?P<{g}q1>[^']*)'\s*\]|\[\s*"(?P<{g}q2>[^"]*)"\s*\]|(?P<{g}p>[\w\-.]+))"""


def _name(g: str) -> str:
    return _NAME.format(g=g)


def _get(m: re.Match, g: str) -> str | None:
    for suffix in ("q1", "q2", "p"):
        v = m.group(g + suffix)
        if v is not None:
            return v
    return None


_WITH = r"(?:\s+with\s*\((?P<with>[^)]*)\))?"
_END = r"\s*;?\s*$"
_FLAGS = re.IGNORECASE | re.DOTALL

_RE_TABLE_JSON = re.compile(r"^\.show\s+table\s+" + _name("t") + r"\s+schema\s+as\s+json" + _END, _FLAGS)
_RE_TABLE_CSL = re.compile(r"^\.show\s+table\s+" + _name("t") + r"\s+(?:cslschema|kqlschema)" + _END, _FLAGS)
_RE_DB_JSON = re.compile(r"^\.show\s+database\s+" + _name("d") + r"\s+schema\s+as\s+json" + _WITH + _END, _FLAGS)
_RE_DBS_JSON = re.compile(r"^\.show\s+databases\s*\((?P<list>[^)]*)\)\s*schema\s+as\s+json" + _WITH + _END, _FLAGS)
_RE_TABLES = re.compile(r"^\.show\s+tables(?:\s*\((?P<list>[^)]*)\))?" + _END, _FLAGS)
_RE_PRINCIPALS = re.compile(r"^\.show\s+database\s+" + _name("d") + r"\s+principals" + _END, _FLAGS)
_RE_PRINCIPAL_ROLES = re.compile(r"^\.show\s+database\s+" + _name("d") + r"\s+principal\s+roles" + _END, _FLAGS)
_RE_TABLE_STREAMING = re.compile(
    r"^\.show\s+table\s+" + _name("t") + r"\s+policy\s+streamingingestion" + _END, _FLAGS
)
_RE_DB_STREAMING = re.compile(
    r"^\.show\s+database\s+" + _name("d") + r"\s+policy\s+streamingingestion" + _END, _FLAGS
)
_RE_TABLE_UPDATE = re.compile(
    r"^\.show\s+table\s+(?:(?P<all>\*)|" + _name("t") + r")\s+policy\s+update" + _END, _FLAGS
)
_RE_TABLE_BATCHING = re.compile(
    r"^\.show\s+table\s+" + _name("t") + r"\s+policy\s+ingestionbatching" + _END, _FLAGS
)
_RE_DB_BATCHING = re.compile(
    r"^\.show\s+database\s+" + _name("d") + r"\s+policy\s+ingestionbatching" + _END, _FLAGS
)
_RE_TABLE_INGESTION_TIME = re.compile(
    r"^\.show\s+table\s+" + _name("t") + r"\s+policy\s+ingestiontime" + _END, _FLAGS
)
_RE_FAILURES = re.compile(
    r"^\.show\s+ingestion\s+failures"
    r"(?:\s*\|\s*where\s+Table\s*==\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'))?" + _END,
    _FLAGS,
)
_RE_VERSION = re.compile(r"^\.show\s+version" + _END, _FLAGS)
_RE_LIST_ITEM = re.compile(r"^\s*" + _name("i") + r"\s*$", _FLAGS)


def _parse_list(text: str, csl: str) -> list[str]:
    names = []
    for item in text.split(","):
        m = _RE_LIST_ITEM.match(item)
        if not m:
            raise _syntax_error(csl)
        names.append(_get(m, "i"))
    return names


def _parse_with(text: str | None, csl: str) -> dict[str, bool]:
    opts: dict[str, bool] = {}
    if not text or not text.strip():
        return opts
    for item in text.split(","):
        m = re.match(r"^\s*(\w+)\s*=\s*(true|false)\s*$", item, re.IGNORECASE)
        if not m:
            raise _syntax_error(csl)
        opts[m.group(1).casefold()] = m.group(2).casefold() == "true"
    return opts


# --------------------------------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------------------------------


class FakeCluster(LocalServer):
    """A fake ADX cluster on 127.0.0.1:<free port>. See the module docstring."""

    def __init__(self, databases: dict | None = None):
        self.databases: dict[str, Database] = databases if databases is not None else {}
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        #: "400" (BadRequest_EntityNotFound) or "404" (NotFound) for `.show table <missing> ...`
        self.missing_table_style: str = "400"
        #: add CslType to columns in `.show database D schema as json` (the docs' example has only Type)
        self.db_schema_csl_types: bool = False
        #: seconds each management request waits before it is answered (a network's round trip; requests overlap)
        self.latency: float = 0.0
        super().__init__("cluster", _Handler)
        self._lock = threading.Lock()

    # ---- inspection (start, stop and `with`: support.local_server.LocalServer) --------------------------------------

    def commands(self) -> list[str]:
        """The csl texts received on /v1/rest/mgmt, in order."""
        with self._lock:
            return [r.csl for r in self.requests if r.path == "/v1/rest/mgmt" and r.csl is not None]

    def non_show_commands(self) -> list[str]:
        """Received commands that do not start with `.show` (the tool must never send these)."""
        return [c for c in self.commands() if not c.lstrip().lower().startswith(".show")]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.faults.clear()

    # ---- internals ---------------------------------------------------------------------------------------------------

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_fault(self, csl: str | None) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.applies_to(csl):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def _find_db(self, name: str | None) -> Database | None:
        if not name:
            return None
        folded = name.casefold()
        for key, db in self.databases.items():
            if key.casefold() == folded:
                return db
        for db in self.databases.values():
            if db.name.casefold() == folded:
                return db
        return None

    def _require_db(self, name: str) -> Database:
        db = self._find_db(name)
        if db is None:
            raise _db_not_found(name)
        return db

    def _require_table(self, db: Database, name: str) -> Table:
        table = db.tables.get(name)  # table names are case-sensitive
        if table is None:
            for t in db.tables.values():
                if t.name == name:
                    table = t
                    break
        if table is not None:
            return table
        if str(self.missing_table_style) == "404":
            text = f"Entity name '{name}' of kind 'Table' does not exist."
            raise KustoError(404, "NotFound", text, "Kusto.Common.Svc.Exceptions.EntityNameDoesNotExistException", text)
        text = f"Entity ID '{name}' of kind 'Table' was not found."
        raise KustoError(400, "BadRequest_EntityNotFound", text, "Kusto.Data.Exceptions.KustoBadRequestException", text)

    def execute(self, db_name: str | None, csl: str) -> dict:
        """Run one management command against the state; returns the v1 envelope or raises KustoError."""
        text = csl.strip()
        if not text.lower().startswith(".show"):
            verb = text.split(None, 1)[0] if text else "<empty>"
            raise KustoError(
                400,
                "General_BadRequest",
                "Request is invalid and cannot be executed.",
                "Kusto.Data.Exceptions.KustoBadRequestException",
                f"Request is invalid and cannot be processed: the fake cluster is read-only; refused command '{verb}'.",
            )
        if _RE_VERSION.match(text):  # cluster scope: the request's db is not resolved
            return _envelope(
                [
                    _col("BuildVersion", None, "String"),
                    _col("BuildTime", None, "DateTime"),
                    _col("ServiceType", None, "String"),
                    _col("ProductVersion", None, "String"),
                ],
                [["1.0.9000.0", FIXED_TIME, "Engine", "FakeCluster.1.0"]],
            )

        context_name = db_name or "NetDefaultDB"
        explicit = bool(_RE_DB_JSON.match(text) or _RE_DBS_JSON.match(text) or _RE_PRINCIPALS.match(text)
                        or _RE_PRINCIPAL_ROLES.match(text) or _RE_DB_STREAMING.match(text)
                        or _RE_DB_BATCHING.match(text))
        if explicit and context_name.casefold() == "netdefaultdb" and self._find_db(context_name) is None:
            context = None  # commands naming their database do not need a context database
        else:
            context = self._require_db(context_name)

        if m := _RE_TABLE_JSON.match(text):
            assert context is not None
            t = self._require_table(context, _get(m, "t"))
            schema = {
                "Name": t.name,
                "OrderedColumns": [{"Name": n, "Type": _csl_type(c)[0], "CslType": c} for n, c in t.columns],
            }
            return _table_row_envelope(context, t, json.dumps(schema, separators=(",", ":")))
        if m := _RE_TABLE_CSL.match(text):
            assert context is not None
            t = self._require_table(context, _get(m, "t"))
            return _table_row_envelope(context, t, ",".join(f"{n}:{c}" for n, c in t.columns))
        if m := _RE_DB_JSON.match(text):
            return self._db_schema([_get(m, "d")], _parse_with(m.group("with"), text))
        if m := _RE_DBS_JSON.match(text):
            return self._db_schema(_parse_list(m.group("list"), text), _parse_with(m.group("with"), text))
        if m := _RE_TABLES.match(text):
            assert context is not None
            tables = list(context.tables.values())
            if m.group("list") is not None:
                wanted = _parse_list(m.group("list"), text)
                tables = [self._require_table(context, n) for n in wanted]
            return _envelope(
                [_col("TableName"), _col("DatabaseName"), _col("Folder"), _col("DocString")],
                [[t.name, context.name, t.folder, t.docstring] for t in tables],
            )
        if m := _RE_PRINCIPALS.match(text):
            db = self._require_db(_get(m, "d"))
            return _envelope(
                [_col(c) for c in ("Role", "PrincipalType", "PrincipalDisplayName", "PrincipalObjectId", "PrincipalFQN",
                                   "Notes", "RoleAssignmentIdentifier")],
                [
                    [f"Database {db.name} {p.role}", p.type, p.display_name, p.object_id, p.fqn, p.notes,
                     _stable_guid(db.name, p.role, p.fqn)]
                    for p in db.principals
                ],
            )
        if m := _RE_PRINCIPAL_ROLES.match(text):
            db = self._require_db(_get(m, "d"))
            return _envelope(
                [_col("Scope"), _col("DisplayName"), _col("AADObjectID"), _col("Role")],
                [[f"Database {db.name}", "Fake caller", "00000000-0000-0000-0000-000000000000", role]
                 for role in db.caller_roles],
            )
        if m := _RE_TABLE_STREAMING.match(text):
            assert context is not None
            t = self._require_table(context, _get(m, "t"))
            return _policy_envelope(f"[{context.name}].[{t.name}]", t.streaming_policy, None, "Table")
        if m := _RE_DB_STREAMING.match(text):
            db = self._require_db(_get(m, "d"))
            children = json.dumps([f"[{db.name}].[{t.name}]" for t in db.tables.values()], separators=(",", ":"))
            return _policy_envelope(f"[{db.name}]", db.streaming_policy, children, "Database")
        if m := _RE_TABLE_UPDATE.match(text):
            assert context is not None
            tables = list(context.tables.values()) if m.group("all") else [self._require_table(context, _get(m, "t"))]
            return _envelope(
                _POLICY_COLUMNS,
                [["UpdatePolicy", f"[{context.name}].[{t.name}]", _policy_text(t.update_policy), None, "Table"]
                 for t in tables],
            )
        if m := _RE_TABLE_BATCHING.match(text):
            assert context is not None
            t = self._require_table(context, _get(m, "t"))
            return _policy_envelope(f"[{context.name}].[{t.name}]", t.batching_policy, None, "Table",
                                    "IngestionBatchingPolicy")
        if m := _RE_DB_BATCHING.match(text):
            db = self._require_db(_get(m, "d"))
            children = json.dumps([f"[{db.name}].[{t.name}]" for t in db.tables.values()], separators=(",", ":"))
            return _policy_envelope(f"[{db.name}]", db.batching_policy, children, "Database", "IngestionBatchingPolicy")
        if m := _RE_TABLE_INGESTION_TIME.match(text):
            assert context is not None
            t = self._require_table(context, _get(m, "t"))
            return _policy_envelope(f"[{context.name}].[{t.name}]", t.ingestion_time_policy, None, "Table",
                                    "IngestionTimePolicy")
        if m := _RE_FAILURES.match(text):
            assert context is not None
            only = m.group("dq") if m.group("dq") is not None else m.group("sq")
            rows = []
            for t in context.tables.values():
                if only is not None and t.name != only:
                    continue
                for i, failure in enumerate(t.ingestion_failures):
                    rows.append(_failure_row(context, t, i, failure))
            return _envelope([_col(n, c) for n, c in _FAILURE_COLUMNS], rows)
        raise _syntax_error(text)

    def _db_schema(self, names: list[str], options: dict[str, bool]) -> dict:
        out: dict[str, Any] = {}
        for name in names:
            db = self._require_db(name)
            tables: dict[str, Any] = {}
            if options.get("tables", True):
                for t in db.tables.values():
                    cols = []
                    for n, c in t.columns:
                        col = {"Name": n, "Type": _csl_type(c)[0]}
                        if self.db_schema_csl_types:
                            col["CslType"] = c
                        cols.append(col)
                    tables[t.name] = {"Name": t.name, "DefaultColumn": None, "OrderedColumns": cols}
            out[db.name] = {
                "Name": db.name,
                "Tables": tables,
                "PrettyName": None,
                "MajorVersion": db.major_version,
                "MinorVersion": db.minor_version,
                "Functions": {f.name: self._function_schema(f) for f in db.functions.values()}
                if options.get("functions", True) else {},
            }
        value = json.dumps({"Databases": out}, separators=(",", ":"))
        return _envelope([_col("DatabaseSchema")], [[value]])

    def _function_schema(self, f: Function) -> dict:
        schema: dict[str, Any] = {"Name": f.name, "InputParameters": f.parameters, "Body": f.body, "Folder": f.folder,
                                  "DocString": f.docstring, "FunctionKind": f.kind}
        if f.output_columns is not None:
            columns = []
            for n, c in f.output_columns:
                column = {"Name": n, "Type": _csl_type(c)[0]}
                if self.db_schema_csl_types:
                    column["CslType"] = c
                columns.append(column)
            schema["OutputColumns"] = columns
        return schema


_FAILURE_COLUMNS = [
    ("OperationId", "guid"),
    ("Database", "string"),
    ("Table", "string"),
    ("FailedOn", "datetime"),
    ("IngestionSourcePath", "string"),
    ("Details", "string"),
    ("FailureKind", "string"),
    ("RootActivityId", "guid"),
    ("OperationKind", "string"),
    ("OriginatesFromUpdatePolicy", "bool"),
    ("ErrorCode", "string"),
    ("Principal", "string"),
    ("ShouldRetry", "bool"),
    ("User", "string"),
    ("IngestionProperties", "string"),
]


def _failure_row(db: Database, t: Table, index: int, failure: dict) -> list:
    defaults = {
        "OperationId": _stable_guid("op", db.name, t.name, index),
        "Database": db.name,
        "Table": t.name,
        "FailedOn": FIXED_TIME,
        "IngestionSourcePath": "",
        "Details": "",
        "FailureKind": "Permanent",
        "RootActivityId": _stable_guid("activity", db.name, t.name, index),
        "OperationKind": "DataIngestPull",
        "OriginatesFromUpdatePolicy": False,
        "ErrorCode": "Unknown",
        "Principal": "",
        "ShouldRetry": False,
        "User": "",
        "IngestionProperties": "",
    }
    return [failure.get(name, defaults[name]) for name, _ in _FAILURE_COLUMNS]


def _envelope(columns: list[dict], rows: list[list]) -> dict:
    return {"Tables": [{"TableName": "Table_0", "Columns": columns, "Rows": rows}]}


def _table_row_envelope(db: Database, t: Table, schema: str) -> dict:
    return _envelope(
        [_col("TableName"), _col("Schema"), _col("DatabaseName"), _col("Folder"), _col("DocString")],
        [[t.name, schema, db.name, t.folder, t.docstring]],
    )


_POLICY_COLUMNS = [_col("PolicyName"), _col("EntityName"), _col("Policy"), _col("ChildEntities"), _col("EntityType")]


def _policy_envelope(entity: str, policy: str | None, children: str | None, kind: str,
                     name: str = "StreamingIngestionPolicy") -> dict:
    return _envelope(_POLICY_COLUMNS, [[name, entity, policy, children, kind]])


def _policy_text(policy: list[dict] | str | None) -> str | None:
    """`Policy` holds the policy as a JSON string (null when not set)."""
    if policy is None or isinstance(policy, str):
        return policy
    return json.dumps(policy, separators=(",", ":"))


class _Handler(QuietHandler):
    server_version = "FakeKusto/1.0"

    @property
    def cluster(self) -> FakeCluster:
        return self.server.cluster  # type: ignore[attr-defined]

    # ---- verbs ---------------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._read_body()
        self.cluster._record(Request("GET", self._path(), dict(self.headers.items())))
        self._send_error(KustoError(404, "NotFound", "The requested endpoint does not exist.",
                                    "Kusto.Common.Svc.Exceptions.EntityNameDoesNotExistException"))

    def do_POST(self) -> None:
        body = self._read_body()
        path = self._path()
        headers = dict(self.headers.items())
        db = csl = props = None
        parse_error = None
        try:
            doc = json.loads(body.decode("utf-8-sig")) if body else None
            if not isinstance(doc, dict):
                raise ValueError("body is not a JSON object")
            db, csl, props = doc.get("db"), doc.get("csl"), doc.get("properties")
            if isinstance(props, str):
                try:
                    props = json.loads(props)
                except ValueError:
                    pass
            if csl is not None and not isinstance(csl, str):
                raise ValueError("csl is not a string")
        except (ValueError, UnicodeDecodeError) as e:
            parse_error = e
        request = Request("POST", path, headers, db, csl, props, body)
        self.cluster._record(request)
        if self.cluster.latency > 0 and self.cluster._stopping.wait(self.cluster.latency):
            return

        fault = self.cluster._take_fault(csl)
        if fault is not None:
            if fault.delay > 0 and self.cluster._stopping.wait(fault.delay):
                self.close_connection = True
                return
            if fault.close:
                self.close_connection = True
                return
            if fault.status is not None:
                self._send_fault(fault, request)
                return

        if path != "/v1/rest/mgmt":
            self._send_error(KustoError(404, "NotFound", "The requested endpoint does not exist.",
                                        "Kusto.Common.Svc.Exceptions.EntityNameDoesNotExistException"))
            return
        if parse_error is not None or not csl:
            self._send_error(KustoError(
                400, "General_BadRequest", "Request is invalid and cannot be executed.",
                "Kusto.Data.Exceptions.KustoBadRequestException",
                f"Request is invalid and cannot be processed: {parse_error or 'missing csl'}",
            ))
            return
        try:
            result = self.cluster.execute(db, csl)
        except KustoError as e:
            self._send_error(e, db=db, csl=csl)
            return
        self._send(200, json.dumps(result, separators=(",", ":"), default=str).encode("utf-8"))

    # ---- helpers -------------------------------------------------------------------------------------------------

    def _path(self) -> str:
        path = self.path.split("?", 1)[0]
        # A client sent here as to an HTTP proxy (HTTP_PROXY) names the host in the request line:
        # any host name (a Fabric Eventhouse's) then reaches this server.
        if "://" in path:
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        return path

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: bytes, content_type: str | None = "application/json; charset=utf-8",
              extra: dict | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-ms-activity-id", str(uuid.uuid4()))
        crid = self.headers.get("x-ms-client-request-id")
        if crid:
            self.send_header("x-ms-client-request-id", crid)
        for k, v in (extra or {}).items():
            self.send_header(str(k), str(v))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _context(self) -> dict:
        return {
            "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z"),
            "serviceAlias": "FAKECLUSTER",
            "machineName": "KEngine000000",
            "processName": "Kusto.WinSvc.Svc",
            "processId": os.getpid(),
            "threadId": threading.get_ident() & 0xFFFF,
            "clientRequestId": self.headers.get("x-ms-client-request-id", ""),
            "activityId": str(uuid.uuid4()),
            "subActivityId": str(uuid.uuid4()),
            "activityType": "DN.FE.ExecuteControlCommand",
            "parentActivityId": str(uuid.uuid4()),
            "activityStack": "",
        }

    def _error_json(self, e: KustoError) -> bytes:
        doc = {
            "error": {
                "code": e.code,
                "message": e.message,
                "@type": e.type,
                "@message": e.description,
                "@context": self._context(),
                "@permanent": e.permanent,
            }
        }
        return json.dumps(doc, separators=(",", ":")).encode("utf-8")

    def _send_error(self, e: KustoError, db: str | None = None, csl: str | None = None,
                    extra: dict | None = None) -> None:
        if e.status == 401:
            self._send(401, b"", None, extra)
            return
        self._send(e.status, self._error_json(e), extra=extra)

    def _send_fault(self, fault: Fault, request: Request) -> None:
        status = int(fault.status)  # type: ignore[arg-type]
        extra = dict(fault.headers or {})
        if fault.body is not None:
            body = fault.body.encode("utf-8") if isinstance(fault.body, str) else bytes(fault.body)
            try:
                json.loads(body)
                content_type = "application/json; charset=utf-8"
            except ValueError:
                content_type = "text/html; charset=utf-8"
            if "Content-Type" in extra:
                content_type = extra.pop("Content-Type")
            self._send(status, body, content_type, extra)
            return
        self._send_error(_default_fault_error(status, request, fault), extra=extra)


def _default_fault_error(status: int, request: Request, fault: Fault) -> KustoError:
    db = request.db or "NetDefaultDB"
    if status == 401:
        return KustoError(401, "Unauthorized", "", "")
    if status == 403:
        return KustoError(
            403, "Forbidden", "Caller is not authorized to perform this action",
            "Kusto.Data.Exceptions.KustoRequestDeniedException",
            "Forbidden (403-Forbidden): Request denied: Kusto.DataNode.Exceptions.UnauthorizedDatabaseAccessException: "
            f"Principal '{fault.principal}' is not authorized to read database '{db}'.",
        )
    if status == 404:
        return _db_not_found(db)
    if status == 429:
        return KustoError(429, "Throttling", "Request was throttled.", "Kusto.DataNode.Exceptions.ThrottlingException",
                          "ThrottlingException", permanent=False)
    code, message, type_ = _DEFAULT_CODES.get(
        status, ("General_Error", f"HTTP {status}", "Kusto.Data.Exceptions.KustoServiceException"))
    return KustoError(status, code, message, type_, f"{message} (fake fault, HTTP {status})", permanent=status < 500)


# --------------------------------------------------------------------------------------------------------------------
# Helpers for tests
# --------------------------------------------------------------------------------------------------------------------


@contextmanager
def running_cluster(databases: dict | None = None) -> Iterator[FakeCluster]:
    """Yield a started FakeCluster (``sample_databases()`` is NOT implied: pass it explicitly); stop it after."""
    cluster = FakeCluster(databases)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


FLEET_APP_OBJECT_ID = "11111111-1111-1111-1111-111111111111"
FLEET_APP_ID = "22222222-2222-2222-2222-222222222222"
FLEET_TENANT_ID = "33333333-3333-3333-3333-333333333333"
FLEET_APP_FQN = f"aadapp={FLEET_APP_ID};{FLEET_TENANT_ID}"


def sample_databases() -> dict[str, Database]:
    """A fresh example dataset: database "fleet" with VehicleReadings (streaming on) and OverheatAlerts."""
    readings = Table(
        "VehicleReadings",
        [
            ("VehicleId", "string"),
            ("WindowEnd", "datetime"),
            ("ReadingCount", "long"),
            ("AvgSpeedKmh", "real"),
            ("MaxEngineTempC", "real"),
            ("MinFuelLevel", "real"),
        ],
        folder="Telemetry",
        docstring="Per-vehicle aggregates from the fleet-telemetry-job",
        streaming_policy=STREAMING_ENABLED,
    )
    alerts = Table(
        "OverheatAlerts",
        [
            ("EventTime", "datetime"),
            ("VehicleID", "string"),
            ("SensorIndex", "long"),
            ("SensorReading", "long"),
            ("AcknowledgedBy", "string"),
        ],
    )
    principals = [
        Principal("Ingestor", "AAD Application", "fleet-telemetry-job", FLEET_APP_OBJECT_ID, FLEET_APP_FQN),
        Principal("Monitor", "AAD Application", "fleet-telemetry-job", FLEET_APP_OBJECT_ID, FLEET_APP_FQN),
        Principal(
            "Admin",
            "AAD User",
            "Fleet Admin (upn: admin@contoso.com)",
            "44444444-4444-4444-4444-444444444444",
            f"aaduser=44444444-4444-4444-4444-444444444444;{FLEET_TENANT_ID}",
        ),
    ]
    fleet = Database(
        "fleet",
        tables={readings.name: readings, alerts.name: alerts},
        principals=principals,
        streaming_policy=None,
    )
    return {"fleet": fleet}
