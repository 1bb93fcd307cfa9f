"""A stand-in for Azure Resource Manager (ARM) serving Stream Analytics jobs, for tests. Standard library only.

It answers reads of ``Microsoft.StreamAnalytics/streamingjobs`` as ARM's REST API does with api-version
2021-10-01-preview, and nothing more:

* ``GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.StreamAnalytics/streamingjobs/{name}``
  -> the job resource. ``$expand`` is a comma-separated subset of ``inputs,outputs,transformation,functions``;
  without it ``properties`` holds ARM's default set: everything except those four.
* ``GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.StreamAnalytics/streamingjobs`` and
  ``GET /subscriptions/{sub}/providers/Microsoft.StreamAnalytics/streamingjobs`` -> ``{"value": [...],
  "nextLink": ...}``, ``page_size`` jobs a page; ``nextLink`` is an absolute URL to this server with the same
  api-version and ``$expand`` and a ``$skiptoken``; the last page has no ``nextLink``.
* The fixed segments (``subscriptions``, ``resourceGroups``, ``providers``, ``Microsoft.StreamAnalytics``,
  ``streamingjobs``) and the names of subscriptions, groups and jobs match case-insensitively, as in ARM; answers
  carry the casing stored in the resources. Query parameter names match case-insensitively too.
* Errors are ARM bodies ``{"error": {"code", "message"}}``: 400 MissingApiVersionParameter /
  InvalidApiVersionParameter / NoRegisteredProviderFound (api-version), 404 SubscriptionNotFound /
  ResourceGroupNotFound / ResourceNotFound, 403 AuthorizationFailed (``forbidden`` jobs), 404
  NoRegisteredProviderFound for any other path, 429 TooManyRequests / 5xx from ``faults``.
* Checks run in this order: a fault (throttle, 5xx) first, then api-version (so any path without one answers
  400), then the route, the subscription, authorization (``forbidden``, before the job is looked up), the group
  and the job.
* Every method but GET (POST, PUT, PATCH, DELETE, and HEAD too) is recorded and refused with 405 and code
  ReadOnlyStandIn: the stand-in is read-only, and a test of the tool asserts ``non_get_requests() == []``.

Usage::

    with FakeArm([job_resource(SUB, "rg", "telemetry", query=...)]) as arm:
        client = PipelineClient(arm.url, policies=[RetryPolicy()])
        arm.faults.append(Fault.throttle(times=1, retry_after=1))
        ...
        assert arm.non_get_requests() == [] and arm.max_concurrent <= 4

All state (``jobs``, ``subscriptions``, ``forbidden``, ``faults``, ``page_size``, ``latency``, ...) is plain data
that tests may edit between requests. The server speaks HTTP/1.0 (one request per connection, as the fake Kusto
cluster does), so a fault never leaves a half-read pooled connection behind.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from support.local_server import LocalServer, QuietHandler

__all__ = [
    "API_VERSION",
    "EXPANDABLE",
    "SUPPORTED_API_VERSIONS",
    "FakeArm",
    "Fault",
    "Headers",
    "Request",
    "job_key",
    "running_arm",
]

#: The api-version the stand-in models (its answers are this version's shape whatever version is asked for).
API_VERSION = "2021-10-01-preview"
#: api-versions ARM lists for Microsoft.StreamAnalytics/streamingjobs; any other well-formed one is refused.
SUPPORTED_API_VERSIONS = (
    "2015-03-01-preview", "2015-04-01", "2015-06-01", "2015-08-01-preview", "2015-09-01", "2015-10-01",
    "2016-03-01", "2017-04-01-preview", "2020-03-01", "2020-03-01-preview", "2021-10-01-preview",
)
#: The properties that only ``$expand`` adds to a job; ARM's default set is every other property.
EXPANDABLE = ("inputs", "transformation", "outputs", "functions")

PROVIDER = "Microsoft.StreamAnalytics"
JOB_TYPE = "Microsoft.StreamAnalytics/streamingjobs"
DEFAULT_CLIENT_ID = "5f0e2a1c-9b7d-4e3a-8c6f-1d2b3a4c5e6f"

_JOB_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/microsoft\.streamanalytics/"
    r"streamingjobs/(?P<name>[^/]+)/?$",
    re.IGNORECASE,
)
_GROUP_LIST = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/microsoft\.streamanalytics/"
    r"streamingjobs/?$",
    re.IGNORECASE,
)
_SUB_LIST = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/providers/microsoft\.streamanalytics/streamingjobs/?$", re.IGNORECASE
)
_API_VERSION_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-(?:preview|alpha|beta|privatepreview))?$", re.IGNORECASE)


def job_key(resource_id: str) -> tuple[str, str, str]:
    """(subscription, resource group, job name) of a streaming job's id, in the id's casing."""
    m = _JOB_ID.match(resource_id or "")
    if not m:
        raise ValueError(f"not a streaming job id: {resource_id!r}")
    return m.group("sub"), m.group("rg"), m.group("name")


# --------------------------------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------------------------------


class Headers(dict):
    """A request's headers as sent (a plain dict to compare and print) whose lookups ignore case:
    ``"authorization" in headers`` is true whatever casing the client used."""

    def _key(self, name: object) -> object:
        if isinstance(name, str):
            for key in self.keys():
                if key.casefold() == name.casefold():
                    return key
        return name

    def __contains__(self, name: object) -> bool:
        return super().__contains__(self._key(name))

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(self._key(name))

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(self._key(name), default)


@dataclass
class Request:
    """One request as received. ``path`` is percent-decoded, without the query; ``query`` maps each parameter
    name (as sent) to its first value, decoded; ``headers`` is a Headers dict (case-insensitive lookups);
    ``received`` is ``time.monotonic()`` when the request was read; ``status`` is the answer's status (None if
    none was sent, e.g. the server stopped during its latency)."""

    method: str
    path: str
    query: dict[str, str]
    headers: Headers
    received: float
    status: int | None = None


_FAULT_ERRORS = {
    429: ("TooManyRequests",
          ("The request is being throttled as the limit has been reached for operation type - "
           "Read_ObservationWindow_00:05:00. For more information, see https://aka.ms/srpthrottlinglimits")),
    500: ("InternalServerError",
          ("Encountered internal server error. Diagnostic information: timestamp '20260101T000000Z', subscription "
           "id '{sub}', tracking id '{tracking}', request correlation id '{tracking}'.")),
    502: ("BadGateway",
          "The gateway did not receive a response from 'Microsoft.StreamAnalytics' within the specified time period."),
    503: ("ServiceUnavailable",
          ("The server (leader) is currently unable to handle the request due to a temporary overloading or "
           "maintenance of the server. Please try again later.")),
    504: ("GatewayTimeout",
          "The gateway did not receive a response from 'Microsoft.StreamAnalytics' within the specified time period."),
}


@dataclass
class Fault:
    """An injected failure for the next ``times`` GETs whose path contains ``match`` (case-insensitive; None =
    any GET). It answers ``status`` with an ARM error body (``body`` replaces it) and ``headers``; a throttle adds
    ``Retry-After: <retry_after>`` (seconds). ``times`` counts down as the fault is used; at 0 it leaves ``faults``.
    Faults are taken before routing and api-version checks, as ARM's front door throttles before anything else."""

    status: int = 500
    times: int = 1
    match: str | None = None
    retry_after: int | float | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: dict | str | None = None

    @classmethod
    def throttle(cls, times: int = 1, retry_after: int | float | None = 1, match: str | None = None) -> Fault:
        """429 TooManyRequests with ``Retry-After`` in seconds (None: no header, the client backs off itself)."""
        return cls(status=429, times=times, match=match, retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 500, times: int = 1, match: str | None = None) -> Fault:
        """500 InternalServerError, or 502/503/504 with the matching ARM code."""
        return cls(status=status, times=times, match=match)

    def applies_to(self, path: str) -> bool:
        return self.match is None or self.match.casefold() in path.casefold()


class ArmError(Exception):
    """Internal: an error answer (HTTP status + ARM error body)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode().rstrip("=")


def _decode_token(token: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["offset"]
        if isinstance(offset, int) and offset >= 0:
            return offset
    except (ValueError, KeyError, TypeError):
        pass
    raise ArmError(400, "InvalidSkipToken", f"The skip token '{token}' is invalid.")


# --------------------------------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------------------------------


class FakeArm(LocalServer):
    """ARM's streaming-job reads on 127.0.0.1:<free port>. See the module docstring.

    ``jobs`` maps ``(subscription.lower(), group.lower())`` to ``{job name.lower(): resource}``; a resource is
    the FULL job (every expandable property present, as ``deployed_jobs.job_resource`` builds it) and the server
    leaves out what ``$expand`` did not ask for. An empty inner dict is an existing group without jobs.
    ``subscriptions`` holds the known subscriptions, lower-cased (every job's subscription is added to it).
    """

    def __init__(self, jobs: Iterable[dict] = (), *, page_size: int = 10, latency: float = 0.0,
                 forbidden: Iterable[str] = (), forbidden_in_lists: bool = True,
                 client_id: str = DEFAULT_CLIENT_ID, expand_in_lists: bool = True):
        self.jobs: dict[tuple[str, str], dict[str, dict]] = {}
        self.subscriptions: set[str] = set()
        #: job names (any casing) whose GET answers 403 AuthorizationFailed, whether the job exists or not
        #: (ARM authorizes before it looks the resource up).
        self.forbidden: set[str] = {name.casefold() for name in forbidden}
        #: Whether lists still name forbidden jobs. True models a caller whose rights come from role assignments
        #: scoped to single jobs (Reader on some jobs, a deny on others) while the list is answered from ARM's
        #: resource cache: the forbidden job is listed, but only with ARM's default properties (no inputs,
        #: outputs, transformation or functions) whatever ``$expand`` asked. False leaves it out of lists.
        self.forbidden_in_lists: bool = forbidden_in_lists
        #: Whether list answers honour ``$expand``. False serves every listed job with the default properties
        #: only, so a client must GET each job: the path where its concurrency bound shows.
        self.expand_in_lists: bool = expand_in_lists
        #: the caller's client and object id in 403 messages
        self.client_id: str = client_id
        self.page_size: int = page_size
        #: seconds each request waits in its handler thread before it is answered (requests overlap)
        self.latency: float = latency
        #: api-versions accepted; a well-formed other one answers 400 NoRegisteredProviderFound
        self.api_versions: set[str] = {v.casefold() for v in SUPPORTED_API_VERSIONS}
        self.faults: list[Fault] = []
        self.log: list[Request] = []
        #: the highest number of requests being served at the same moment since start (or reset())
        self.max_concurrent: int = 0
        self._in_flight = 0
        super().__init__("arm", _Handler, _Server)
        self._lock = threading.Lock()
        self.add_jobs(jobs)

    # ---- state -----------------------------------------------------------------------------------------------------

    def add_job(self, resource: dict) -> dict:
        """Store a job resource under the subscription, group and name of its ``id``; returns it."""
        sub, rg, name = job_key(resource["id"])
        self.subscriptions.add(sub.casefold())
        self.jobs.setdefault((sub.casefold(), rg.casefold()), {})[name.casefold()] = resource
        return resource

    def add_jobs(self, resources: Iterable[dict]) -> None:
        for resource in resources:
            self.add_job(resource)

    def add_group(self, sub: str, rg: str) -> None:
        """An existing resource group (with no jobs unless some are added)."""
        self.subscriptions.add(sub.casefold())
        self.jobs.setdefault((sub.casefold(), rg.casefold()), {})

    def add_subscription(self, sub: str) -> None:
        self.subscriptions.add(sub.casefold())

    def remove_job(self, resource_id: str) -> None:
        sub, rg, name = job_key(resource_id)
        self.jobs.get((sub.casefold(), rg.casefold()), {}).pop(name.casefold(), None)

    def all_jobs(self) -> list[dict]:
        return [job for group in self.jobs.values() for job in group.values()]

    # ---- inspection (start, stop and `with`: support.local_server.LocalServer) --------------------------------------

    def requests(self) -> list[Request]:
        """Every request received, in order (a copy of the log)."""
        with self._lock:
            return list(self.log)

    def non_get_requests(self) -> list[Request]:
        """Requests with any method but GET (the tool must never send one)."""
        return [r for r in self.requests() if r.method != "GET"]

    def paths(self) -> list[str]:
        """The paths (no query) of every request, in order."""
        return [r.path for r in self.requests()]

    def reset(self) -> None:
        """Forget the log, the faults and ``max_concurrent`` (the jobs stay)."""
        with self._lock:
            self.log.clear()
            self.faults.clear()
            self.max_concurrent = self._in_flight

    # ---- internals ---------------------------------------------------------------------------------------------------

    def _enter(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)
            self._in_flight += 1
            self.max_concurrent = max(self.max_concurrent, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.applies_to(path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def answer(self, path: str, query: dict[str, str], base_url: str) -> tuple[dict, dict[str, str]]:
        """The 200 body and extra headers of a GET, or raises ArmError. ``query`` keys are lower-cased."""
        self._check_api_version(query.get("api-version"))
        expand = {part.strip().casefold() for part in query.get("$expand", "").split(",") if part.strip()}
        if m := _JOB_ID.match(path):
            job = self._job(m.group("sub"), m.group("rg"), m.group("name"))
            body = _view(job, expand)
            etag = (job.get("properties") or {}).get("etag")
            return body, ({"ETag": str(etag)} if etag else {})
        if m := _GROUP_LIST.match(path):
            self._require_subscription(m.group("sub"))
            group = self._require_group(m.group("sub"), m.group("rg"))
            return self._page(list(group.values()), query, expand, base_url, path), {}
        if m := _SUB_LIST.match(path):
            sub = self._require_subscription(m.group("sub"))
            jobs = [job for (s, _), group in self.jobs.items() if s == sub for job in group.values()]
            return self._page(jobs, query, expand, base_url, path), {}
        raise _no_route(path, query.get("api-version", ""))

    def _check_api_version(self, version: str | None) -> None:
        if not version:
            raise ArmError(400, "MissingApiVersionParameter",
                           "The api-version query parameter (?api-version=) is required for all requests.")
        supported = ", ".join(SUPPORTED_API_VERSIONS)
        if not _API_VERSION_SHAPE.match(version):
            raise ArmError(400, "InvalidApiVersionParameter",
                           f"The api-version '{version}' is invalid. The supported versions are '{supported}'.")
        if version.casefold() not in self.api_versions:
            raise ArmError(400, "NoRegisteredProviderFound",
                           f"No registered resource provider found for location 'westeurope' and API version "
                           f"'{version}' for type 'streamingjobs'. The supported api-versions are '{supported}'. "
                           f"The supported locations are 'westeurope, northeurope, eastus, westus2'.")

    def _require_subscription(self, sub: str) -> str:
        if sub.casefold() not in self.subscriptions:
            raise ArmError(404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found.")
        return sub.casefold()

    def _require_group(self, sub: str, rg: str) -> dict[str, dict]:
        group = self.jobs.get((sub.casefold(), rg.casefold()))
        if group is None:
            raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
        return group

    def _job(self, sub: str, rg: str, name: str) -> dict:
        self._require_subscription(sub)
        if name.casefold() in self.forbidden:
            scope = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{JOB_TYPE}/{name}"
            raise ArmError(403, "AuthorizationFailed",
                           f"The client '{self.client_id}' with object id '{self.client_id}' does not have "
                           f"authorization to perform action '{JOB_TYPE}/read' over scope '{scope}' or the scope is "
                           f"invalid. If access was recently granted, please refresh your credentials.",
                           {"x-ms-failure-cause": "gateway"})
        group = self._require_group(sub, rg)
        job = group.get(name.casefold())
        if job is None:
            raise ArmError(404, "ResourceNotFound",
                           f"The Resource '{JOB_TYPE}/{name}' under resource group '{rg}' was not found. For more "
                           f"details please go to https://aka.ms/ARMResourceNotFoundFix",
                           {"x-ms-failure-cause": "gateway"})
        return job

    def _page(self, jobs: list[dict], query: dict[str, str], expand: set[str], base_url: str, path: str) -> dict:
        token = query.get("$skiptoken")
        offset = _decode_token(token) if token else 0
        size = max(1, int(self.page_size))
        value = []
        for job in jobs[offset:offset + size]:
            name = job.get("name", "").casefold()
            if name in self.forbidden:
                if self.forbidden_in_lists:
                    value.append(_view(job, set()))
            else:
                value.append(_view(job, expand if self.expand_in_lists else set()))
        body: dict[str, Any] = {"value": value}
        if offset + size < len(jobs):
            params = {"api-version": query["api-version"]}
            if "$expand" in query:
                params["$expand"] = query["$expand"]
            params["$skiptoken"] = _encode_token(offset + size)
            body["nextLink"] = f"{base_url}{quote(path)}?{urlencode(params, safe=',$')}"
        return body


def _view(job: dict, expand: set[str]) -> dict:
    """The job as ARM answers it: ``properties`` keeps the expandable properties ``expand`` names (an expanded
    list the resource lacks is answered empty) and drops the others."""
    view = copy.deepcopy(job)
    props = view.get("properties")
    if isinstance(props, dict):
        for key in EXPANDABLE:
            if key not in expand:
                props.pop(key, None)
            elif key not in props and key != "transformation":
                props[key] = []
    return view


def _no_route(path: str, version: str) -> ArmError:
    return ArmError(404, "NoRegisteredProviderFound",
                    f"No registered resource provider found for the path '{path}' and API version '{version}'. "
                    f"This stand-in serves only {JOB_TYPE} reads.")


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many clients connecting at once are queued, not refused (and retried after 1 s)


class _Handler(QuietHandler):
    server_version = "FakeARM/1.0"

    @property
    def arm(self) -> FakeArm:
        return self.server.arm  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_OPTIONS(self) -> None:
        self._serve("OPTIONS")

    def _serve(self, method: str) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path)
        query: dict[str, str] = {}
        for key, value in parse_qsl(split.query, keep_blank_values=True):
            query.setdefault(key, value)
        request = Request(method, path, query, Headers(self.headers.items()), time.monotonic())
        self._read_body()
        arm = self.arm
        arm._enter(request)
        served = False
        try:
            if arm.latency > 0 and arm._stopping.wait(arm.latency):
                self.close_connection = True
                return
            status, body, headers = self._respond(method, path, {k.casefold(): v for k, v in query.items()})
            request.status = status
            # Served before the answer is written: a client holding the answer sees the log and counters final.
            served = True
            arm._leave()
            self._send(status, body, headers, with_body=method != "HEAD")
        finally:
            if not served:
                arm._leave()

    def _respond(self, method: str, path: str, query: dict[str, str]) -> tuple[int, dict | str, dict[str, str]]:
        arm = self.arm
        if method != "GET":
            return 405, ArmError(405, "ReadOnlyStandIn",
                                 f"The ARM stand-in is read-only: {method} {path} was recorded and refused.").body(), \
                {"Allow": "GET"}
        fault = arm._take_fault(path)
        if fault is not None:
            return self._fault_answer(fault, path)
        try:
            body, headers = arm.answer(path, query, arm.url)
        except ArmError as e:
            return e.status, e.body(), e.headers
        return 200, body, headers

    def _fault_answer(self, fault: Fault, path: str) -> tuple[int, dict | str, dict[str, str]]:
        headers = dict(fault.headers)
        if fault.retry_after is not None:
            headers.setdefault("Retry-After", str(fault.retry_after))
        if fault.body is not None:
            return fault.status, fault.body, headers
        m = re.match(r"^/subscriptions/([^/]+)", path, re.IGNORECASE)
        code, message = _FAULT_ERRORS.get(fault.status, ("InternalServerError", f"HTTP {fault.status} (injected)."))
        message = message.format(sub=m.group(1) if m else "", tracking=uuid.uuid4())
        return fault.status, ArmError(fault.status, code, message).body(), headers

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: dict | str, extra: dict[str, str], with_body: bool = True) -> None:
        data = (body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))).encode("utf-8")
        request_id = str(uuid.uuid4())
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("x-ms-request-id", request_id)
        self.send_header("x-ms-correlation-request-id", request_id)
        self.send_header("x-ms-routing-request-id", f"WESTEUROPE:20260101T000000Z:{request_id}")
        self.send_header("x-ms-ratelimit-remaining-subscription-reads", "11999")
        client_request_id = self.headers.get("x-ms-client-request-id")
        if client_request_id:
            self.send_header("x-ms-client-request-id", client_request_id)
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        if with_body:
            self.wfile.write(data)
        self.wfile.flush()


# --------------------------------------------------------------------------------------------------------------------
# Helpers for tests
# --------------------------------------------------------------------------------------------------------------------


@contextmanager
def running_arm(jobs: Iterable[dict] = (), **options: Any) -> Iterator[FakeArm]:
    """Yield a started FakeArm holding ``jobs`` (``options`` as FakeArm's keywords); stop it after."""
    arm = FakeArm(jobs, **options)
    arm.start()
    try:
        yield arm
    finally:
        arm.stop()
