"""Live mode: read table schemas, principals, policies and ingestion failures from a cluster.

Imported only for `--live`, `snapshot` and `doctor`; azure-kusto-data and azure-identity
(`pip install 'schemacheck[live]'`) are imported inside `Cluster`. Contract:

- Read-only: `Cluster.show` is the only way a command leaves this process, and it sends
  nothing but a one-line `.show ...` command, with the `request_readonly` option set.
  Every name is checked against Kusto's naming rules and quoted as ['name'].
- One KustoClient per cluster, shared by every table; a few tables are fetched with one
  `.show table ['T'] schema as json` each, run concurrently, many with one
  `.show database ['D'] schema as json` (see Cluster.table_schemas; benchmarks/live.py).
- Failures are answers: connection refused, DNS, timeouts, 401, 403, a missing
  database, throttling (retried with bounded backoff), 5xx (bounded retries), bodies
  that are not JSON: each is a `ClusterError` (exit code 3) naming the cluster, the
  database and the table, and what to do. A missing table is not an error but a result.
- No token, secret or Authorization header appears in any message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from schemacheck.errors import EXIT_UNREACHABLE, SchemacheckError, UsageError
from schemacheck.kusto.names import quote
from schemacheck.kusto.schema import TableCatalog, TableSchema
from schemacheck.records import Record, record

DEFAULT_TIMEOUT = 30.0
MAX_ATTEMPTS = 4
PER_TABLE_LIMIT = 8   # more wanted tables in one database are read with one database-wide request
AUTH_MODES = ("default", "az-cli", "managed-identity", "managed-identity:<client-id>", "device-code",
              "service-principal", "none")
SERVICE_PRINCIPAL_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET")
_READ_ONLY = re.compile(r"\.show\s[^\n\r]*\Z", re.IGNORECASE)


class ClusterError(SchemacheckError):
    """The cluster could not be read (unreachable, refused, denied, missing database...)."""

    exit_code = EXIT_UNREACHABLE


class TableMissing(Exception):
    """The table does not exist (a finding, not an access error)."""


# ---- where and how to connect ------------------------------------------------------


def engine_url(value: str) -> tuple[str, str | None]:
    """The engine URL to send `.show` commands to, and a note when `value` was changed.

    ASA outputs often hold the ingestion URI (`https://ingest-<name>...`); schemas are read
    from the engine (`https://<name>...`).
    """
    text = value.strip().rstrip("/")
    if "://" not in text:
        if "." not in text:
            raise UsageError(f"cluster {value!r}: give its URL, e.g. https://{text}.<region>.kusto.windows.net")
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"cluster {value!r}: expected an http(s) URL such as https://<name>.<region>.kusto.windows.net")
    host = parts.netloc
    note = None
    if host.lower().startswith("ingest-"):
        host = host[len("ingest-"):]
        note = f"{value} is an ingestion URI; reading schemas from the engine, {parts.scheme}://{host}"
    return f"{parts.scheme}://{host}", note


@record
class CredentialSpec(Record):
    """Which azure-identity credential `--auth` asks for, and with what arguments."""

    mode: str
    credential: str | None          # the azure.identity class, None for no authentication
    arguments: tuple = ()           # (name, value) pairs; secrets are never shown (see __repr__)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={'***' if 'secret' in k else v!r}" for k, v in self.arguments)
        return f"CredentialSpec({self.mode!r}, {self.credential!r}, {shown})"

    __str__ = __repr__


def credential_spec(auth: str, env: Mapping[str, str]) -> CredentialSpec:
    """`--auth` (and, for service-principal, the AZURE_* environment) -> CredentialSpec."""
    mode, _, argument = auth.partition(":")
    if mode == "default" and not argument:
        return CredentialSpec(auth, "DefaultAzureCredential")
    if mode == "az-cli" and not argument:
        return CredentialSpec(auth, "AzureCliCredential")
    if mode == "managed-identity":
        return CredentialSpec(auth, "ManagedIdentityCredential", (("client_id", argument),) if argument else ())
    if mode == "device-code" and not argument:
        return CredentialSpec(auth, "DeviceCodeCredential")
    if mode == "service-principal" and not argument:
        missing = [name for name in SERVICE_PRINCIPAL_VARIABLES if not env.get(name)]
        if missing:
            raise UsageError(f"--auth service-principal reads {', '.join(SERVICE_PRINCIPAL_VARIABLES)} from the "
                             f"environment; not set: {', '.join(missing)}")
        return CredentialSpec(auth, "ClientSecretCredential", (
            ("tenant_id", env["AZURE_TENANT_ID"]), ("client_id", env["AZURE_CLIENT_ID"]),
            ("client_secret", env["AZURE_CLIENT_SECRET"])))
    if mode == "none" and not argument:
        return CredentialSpec(auth, None)
    raise UsageError(f"--auth {auth!r}: expected one of {', '.join(AUTH_MODES)}")


def _import_sdk():
    try:
        import azure.kusto.data as kusto_data
        from azure.kusto.data import exceptions as kusto_exceptions
    except ModuleNotFoundError as error:
        raise UsageError(f"live mode needs azure-kusto-data and azure-identity ({error.name} is not installed): "
                         "`pip install 'schemacheck[live]'` in the environment schemacheck is installed in, or, "
                         "if pipx installed it, `pipx inject schemacheck azure-kusto-data azure-identity`") from None
    return kusto_data, kusto_exceptions


def build_credential(spec: CredentialSpec, prompt: Callable | None = None):
    """The azure-identity credential for `spec` (None for `--auth none`)."""
    if spec.credential is None:
        return None
    _import_sdk()
    import azure.identity

    arguments = dict(spec.arguments)
    if spec.credential == "DeviceCodeCredential" and prompt is not None:
        arguments["prompt_callback"] = prompt
    return getattr(azure.identity, spec.credential)(**arguments)


# ---- failures ------------------------------------------------------------------------


@record
class Failure(Record):
    """What went wrong with one request, classified: `kind` is one of network, dns, refused,
    timeout, unauthorized, forbidden, not-found (then database-missing or table-missing),
    throttled, server, bad-request, unexpected."""

    kind: str
    status: int | None = None
    code: str | None = None
    message: str = ""
    retry_after: float | None = None


def _body(response) -> tuple[dict | None, str]:
    if response is None:
        return None, ""
    try:
        text = response.text or ""
    except Exception:  # a body that cannot be decoded
        return None, ""
    try:
        import json

        data = json.loads(text) if text.strip() else None
    except ValueError:
        return None, text
    return (data if isinstance(data, dict) else None), text


def _server_error(data: dict | None) -> tuple[str | None, str]:
    error = (data or {}).get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None, ""
    message = error.get("@message") or error.get("message") or ""
    return error.get("code"), str(message)


_NOT_FOUND = re.compile(r"does not exist|doesn.t exist|not (?:be )?found|could not be found|cannot be found|no such",
                        re.IGNORECASE)


def classify(error: BaseException) -> Failure:
    """A failure of azure-kusto-data (or of the HTTP request under it) -> Failure."""
    response = getattr(error, "http_response", None)
    if response is None and len(getattr(error, "args", ())) > 1:
        response = error.args[1] if hasattr(error.args[1], "status_code") else None
    status = getattr(response, "status_code", None)
    if status is None:
        # requests wraps urllib3's errors in args and `reason`, not only in __cause__.
        chain: list[BaseException] = []
        pending: list[BaseException | None] = [error]
        while pending and len(chain) < 20:
            cause = pending.pop(0)
            if cause is None or any(cause is seen for seen in chain):
                continue
            chain.append(cause)
            pending.extend([cause.__cause__, cause.__context__, getattr(cause, "reason", None)])
            pending.extend(a for a in getattr(cause, "args", ()) if isinstance(a, BaseException))
        text = " ".join(f"{type(c).__name__}: {c}" for c in chain)
        names = {type(c).__name__ for c in chain}
        if names & {"ReadTimeout", "ConnectTimeout", "Timeout", "TimeoutError", "ReadTimeoutError",
                    "ConnectTimeoutError"} or "timed out" in text:
            return Failure("timeout")
        if "NameResolutionError" in names or re.search(r"Name or service not known|getaddrinfo failed|"
                                                        r"nodename nor servname|Temporary failure in name "
                                                        r"resolution|No address associated", text):
            return Failure("dns")
        if "ConnectionRefusedError" in names or "Connection refused" in text:
            return Failure("refused")
        if "KustoAuthenticationError" in names or "CredentialUnavailableError" in names or \
                "ClientAuthenticationError" in names:
            return Failure("unauthorized", message=str(error).split("\n")[0])
        return Failure("network", message=f"{type(error).__name__}")
    data, text = _body(response)
    code, message = _server_error(data)
    headers = getattr(response, "headers", None) or {}
    if status == 401:
        return Failure("unauthorized", status, code, message)
    if status == 403:
        return Failure("forbidden", status, code, message)
    if status == 429:
        retry_after = None
        try:
            value = headers.get("Retry-After")
            retry_after = float(value) if value is not None else None
        except (TypeError, ValueError):
            pass
        return Failure("throttled", status, code, message, retry_after)
    if status in (400, 404) and data is not None and (
            _NOT_FOUND.search(message) or str(code or "").lower() in ("notfound", "badrequest_entitynotfound",
                                                                      "entitynotfound")):
        return Failure("not-found", status, code, message)
    if status == 404:
        return Failure("unexpected", status, code, message or text[:200])
    if status >= 500:
        return Failure("server", status, code, message or ("not JSON" if text and data is None else ""))
    if data is None:
        return Failure("unexpected", status, None, text[:200])
    return Failure("bad-request", status, code, message)


def _what_is_missing(message: str, database: str | None, table: str | None) -> str:
    """A not-found answer is about the database when it says so, else about the table asked for.

    How the service words a missing table is not established (adx.md §5.5); both documented
    and observed wordings name the entity kind ("of kind 'Database'") or the name.
    """
    lowered = message.lower()
    names_database = "kind 'database'" in lowered or "kind database" in lowered or (
        database is not None and f"'{database.lower()}'" in lowered and "table" not in lowered)
    if names_database or table is None:
        return "database-missing"
    return "table-missing"


# ---- the connection -----------------------------------------------------------------


class Cluster:
    """One cluster, one client, read-only. `env` is the process environment (for secrets)."""

    def __init__(self, url: str, auth: str = "default", env: Mapping[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, prompt: Callable | None = None, credential=None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.url, self.note = engine_url(url)
        self.timeout = max(1.0, float(timeout))
        self._sleep = sleep
        self._secrets = [v for k, v in (env or {}).items() if "SECRET" in k.upper() and v]
        spec = credential_spec(auth, env or {})
        if spec.credential is None and not self.url.startswith("http://"):
            raise UsageError(f"--auth none is for a local emulator over http://; {self.url} needs authentication")
        self.spec = spec
        kusto_data, self._exceptions = _import_sdk()
        if credential is None:
            credential = build_credential(spec, prompt)
        builder = kusto_data.KustoConnectionStringBuilder
        if credential is None:
            connection = builder.with_no_authentication(self.url)
        else:
            connection = builder.with_azure_token_credential(self.url, credential=credential)
        self._client = kusto_data.KustoClient(connection)
        self._cache: dict = {}
        # The client gives each request the server timeout plus 30 s; --timeout is the whole wait.
        self._client._client_server_delta = type(self._client._client_server_delta)(0)
        self._properties_class = kusto_data.ClientRequestProperties

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return re.sub(r"(?i)(bearer\s+)[\w.\-~+/=]+", r"\1***", text)

    def _properties(self):
        from datetime import timedelta

        properties = self._properties_class()
        properties.set_option(self._properties_class.request_timeout_option_name,
                              timedelta(seconds=self.timeout))
        properties.set_option("request_readonly", True)
        return properties

    def show(self, database: str | None, command: str, table: str | None = None) -> list[dict]:
        """Run one `.show` command; rows of the first result table as dicts (by column name).

        The one place commands are sent: anything but a single-line `.show` is refused.
        Raises TableMissing or ClusterError; retries throttling and server errors.
        """
        if not _READ_ONLY.match(command.strip()):
            raise ValueError(f"schemacheck sends only single-line .show commands, not {command!r}")
        deadline = time.monotonic() + self.timeout * MAX_ATTEMPTS
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = self._client.execute_mgmt(database, command, self._properties())
                return _rows(response)
            except self._exceptions.KustoError as error:
                failure = classify(error)
            except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
                # a 200 answer that is not the v1 envelope ({"Tables": [{"Columns", "Rows"}]})
                failure = Failure("unexpected", 200, None, f"{type(error).__name__}: {str(error)[:160]}")
            if failure.kind == "not-found":
                failure = failure._replace(kind=_what_is_missing(failure.message, database, table))
            if failure.kind == "table-missing":
                raise TableMissing(failure.message)
            if failure.kind in ("throttled", "server") and attempt < MAX_ATTEMPTS:
                wait = failure.retry_after if failure.retry_after is not None else 0.5 * 2 ** (attempt - 1)
                wait = min(wait, 8.0, max(0.0, deadline - time.monotonic()))
                if wait > 0 or failure.retry_after == 0:
                    self._sleep(wait)
                    continue
            raise ClusterError(self._explain(failure, database, table, attempt))
        raise AssertionError("unreachable")

    def _explain(self, failure: Failure, database: str | None, table: str | None, attempts: int) -> str:
        where = self.url + (f", database {database}" if database else "") + (f", table {table}" if table else "")
        said = f" ({failure.code}: {failure.message})" if failure.code and failure.message else (
            f" ({failure.message})" if failure.message else "")
        kind = failure.kind
        if kind == "refused":
            text = f"{self.url} refused the connection: is the cluster URL (and port) right?"
        elif kind == "dns":
            text = f"cannot resolve the host of {self.url}: check the cluster URL"
        elif kind == "timeout":
            text = (f"{where}: no answer within {self.timeout:g} s (--timeout); the cluster may be stopped or "
                    f"unreachable")
        elif kind == "network":
            text = f"cannot reach {self.url}{said}: check the URL and the network"
        elif kind == "unauthorized":
            text = (f"{where}: not authenticated (401){said}; sign in (e.g. az login) or choose another --auth "
                    f"(now {self.spec.mode})")
        elif kind == "forbidden":
            text = (f"{where}: access denied (403){said}; the identity schemacheck runs as needs the Database "
                    f"Viewer, User or Monitor role on {database or 'the database'} to read metadata")
        elif kind == "database-missing":
            text = f"database {database} does not exist on {self.url}{said}; check the database name"
        elif kind == "throttled":
            text = f"{where}: the cluster kept throttling the request (429) after {attempts} attempts; try again later"
        elif kind == "server":
            text = f"{where}: the cluster failed (HTTP {failure.status}) {attempts} times{said}; try again later"
        elif kind == "bad-request":
            text = f"{where}: the cluster rejected the command (HTTP {failure.status}){said}"
        else:
            status = f"HTTP {failure.status}" if failure.status else "no HTTP status"
            text = f"{where}: unexpected response ({status}, not a Kusto JSON answer){said}"
        return self._scrub(text)

    # ---- the commands schemacheck sends ---------------------------------------------------
    def table_schema(self, database: str, table: str) -> TableSchema | None:
        """`.show table ['T'] schema as json`; None when the table does not exist."""
        try:
            rows = self.show(database, f".show table {quote(table, 'table')} schema as json", table)
        except TableMissing:
            return None
        tables = self._tables_from_rows(rows, database, table)
        matching = [t for t in tables if t.name == table] or tables
        if not matching:
            return None
        return matching[0]._replace(database=matching[0].database or database)

    def table_schemas(self, database: str, tables: list[str]) -> dict[str, TableSchema | None]:
        """Every table of `database` in `tables`; None for a missing one.

        Up to PER_TABLE_LIMIT tables: one `.show table` each, concurrently, on this client
        (one round trip, and only the wanted tables cross the wire); more: one
        `.show database D schema as json`. benchmarks/live.py measured, at 50 ms per
        request on a 300-table database, 54 ms per table-wise fetch of 1-5 tables against
        82-87 ms for the database (533 KB), and the database ahead from about 10 tables.
        """
        for table in tables:
            quote(table, "table")
        quote(database, "database")
        if len(tables) > PER_TABLE_LIMIT:
            return self._database_tables(database, tables)
        if len(tables) <= 1:
            return {t: self.table_schema(database, t) for t in tables}
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(tables)) as pool:
            results = list(pool.map(lambda t: self.table_schema(database, t), tables))
        return dict(zip(tables, results))

    def _database_tables(self, database: str, tables: list[str]) -> dict[str, TableSchema | None]:
        rows = self.show(database, f".show database {quote(database, 'database')} schema as json")
        found = {t.name: t for t in self._tables_from_rows(rows, database, None)}
        return {t: found[t]._replace(database=found[t].database or database) if t in found else None
                for t in tables}

    def _tables_from_rows(self, rows: list[dict], database: str, table: str | None) -> list[TableSchema]:
        """The schema rows of an answer, checked like a saved file; a malformed one is the cluster's fault."""
        from schemacheck.errors import InputError
        from schemacheck.kusto.files import tables_from_rows

        try:
            return tables_from_rows(rows, f"{self.url}/{database}")
        except InputError as error:
            where = f"{self.url}, database {database}" + (f", table {table}" if table else "")
            raise ClusterError(f"{where}: unexpected schema in the answer ({error.message})") from None

    def _once(self, database: str, command: str) -> list[dict]:
        """A database-wide `.show` asked for several tables is sent once per run."""
        key = (database.lower(), command)
        if key not in self._cache:
            self._cache[key] = self.show(database, command)
        return self._cache[key]

    def table_names(self, database: str) -> list[str]:
        quote(database, "database")
        return [str(row.get("TableName")) for row in self._once(database, ".show tables")]

    def principals(self, database: str) -> list[dict]:
        return self._once(database, f".show database {quote(database, 'database')} principals")

    def streaming_policy(self, database: str, table: str) -> tuple[list[dict], list[dict]]:
        table_rows = self.show(database, f".show table {quote(table, 'table')} policy streamingingestion", table)
        database_rows = self._once(database, f".show database {quote(database, 'database')} policy streamingingestion")
        return table_rows, database_rows

    def ingestion_failures(self, database: str, table: str) -> list[dict]:
        quote(table, "table")
        return self.show(database, f".show ingestion failures | where Table == '{table}'", table)

    def update_policies(self, database: str) -> list[dict]:
        """`.show table * policy update` (sent once per run and database): one row per table,
        `EntityName` "[D].[U]" and `Policy` a JSON array of update policies (or null)."""
        quote(database, "database")
        return self._once(database, ".show table * policy update")

    def batching_policy(self, database: str, table: str) -> tuple[list[dict], list[dict]]:
        """The ingestion batching policy rows of the table and of its database (null Policy: not set)."""
        table_rows = self.show(database, f".show table {quote(table, 'table')} policy ingestionbatching", table)
        database_rows = self._once(database, f".show database {quote(database, 'database')} policy ingestionbatching")
        return table_rows, database_rows

    def ingestion_time_policy(self, database: str, table: str) -> list[dict]:
        return self.show(database, f".show table {quote(table, 'table')} policy ingestiontime", table)

    def _database_schema(self, database: str) -> dict:
        """The database's object in `.show database ['D'] schema as json` (sent once per run)."""
        import json

        rows = self._once(database, f".show database {quote(database, 'database')} schema as json")
        for row in rows:
            try:
                data = json.loads(row.get("DatabaseSchema") or "")
            except (TypeError, ValueError):
                data = None
            databases = data.get("Databases") if isinstance(data, dict) else None
            if not isinstance(databases, dict):
                raise ClusterError(f"{self.url}, database {database}: unexpected schema in the answer "
                                   "(no Databases object)")
            for name, value in databases.items():
                if isinstance(value, dict) and str(value.get("Name") or name).lower() == database.lower():
                    return value
        raise ClusterError(f"{self.url}, database {database}: the schema answer does not hold database {database}")

    def database_functions(self, database: str) -> dict[str, dict]:
        """The stored functions of the database by name, as `.show database ['D'] schema as json`
        gives them: Name, Body, InputParameters, Folder, DocString, FunctionKind and, where the
        service gives it, OutputColumns ([{Name, Type or CslType}])."""
        functions = self._database_schema(database).get("Functions") or {}
        if not isinstance(functions, dict):
            return {}
        return {str(f.get("Name") or name): f for name, f in functions.items() if isinstance(f, dict)}

    def database_tables(self, database: str) -> dict[str, TableSchema]:
        """The tables of the database by name, from the same (single) `.show database ['D'] schema as json`."""
        rows = self._once(database, f".show database {quote(database, 'database')} schema as json")
        return {t.name: t._replace(database=t.database or database)
                for t in self._tables_from_rows(rows, database, None)}


def _rows(response) -> list[dict]:
    tables = response.primary_results
    if not tables:
        raise ValueError("no result table in the response")
    table = tables[0]
    names = [c.column_name for c in table.columns]
    return [dict(zip(names, row.to_list())) for row in table.rows]


def live_catalog(destinations: list, connect) -> TableCatalog:
    """The mapped tables, read from their clusters: `connect(url)` gives one (cached) Cluster
    per cluster. A table that does not exist is left out, and its database's other table
    names are kept for near misses."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for where_to in destinations:
        if where_to.kind != "adx" or where_to.table is None:
            continue
        if where_to.cluster is None:
            raise UsageError(f"output {where_to.alias}: --live needs its cluster: --cluster URL, or cluster = \"...\" "
                             f"in [outputs.{where_to.alias}]")
        if where_to.database is None:
            raise UsageError(f"output {where_to.alias}: --live needs its database: --target "
                             f"{where_to.alias}=DATABASE/{where_to.table}, or database = \"...\" in "
                             f"[outputs.{where_to.alias}]")
        key = (engine_url(where_to.cluster)[0], where_to.database)
        if where_to.table not in wanted.setdefault(key, []):
            wanted[key].append(where_to.table)
    tables: list[TableSchema] = []
    other_names: list[tuple[str | None, str]] = []
    clusters = sorted({cluster for cluster, _ in wanted})
    for (cluster, database), names in wanted.items():
        connection = connect(cluster)
        found = connection.table_schemas(database, names)
        tables.extend(t for t in found.values() if t is not None)
        if any(t is None for t in found.values()):
            other_names.extend((database, name) for name in connection.table_names(database))
    source = f"tables of {clusters[0]}" if len(clusters) == 1 else "tables of the clusters"
    return TableCatalog(tuple(tables), tuple(other_names), source)
