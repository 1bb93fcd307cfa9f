"""Reading streaming jobs from Azure Resource Manager (ARM), read-only.

Contract:

- GET only: `ReadOnlyPolicy`, the first policy of the one pipeline every request goes
  through, refuses any other method, and any URL outside the ARM endpoint (a `nextLink`
  pointing elsewhere never receives the token).
- api-version 2021-10-01-preview with `$expand=inputs,outputs,transformation,functions`:
  the first version whose answers carry Azure Data Explorer outputs. The management SDK on
  PyPI (azure-mgmt-streamanalytics 1.0.0) predates them and drops their properties, so the
  generic azure-core pipeline is used (docs/deployed.md has the measurement).
- Lists follow `nextLink`; 429 and 5xx are retried by azure-core's RetryPolicy, which waits
  as `Retry-After` says (bounded by MAX_WAIT in all).
- Failures are answers: 401, 403, 404, refused connections, timeouts and bodies that are not
  JSON become `ArmError` (exit code 3), saying what the identity needs: reading a job takes
  `Microsoft.StreamAnalytics/streamingjobs/read`, which the Reader role grants.
- No token, secret or Authorization header appears in any message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from schemacheck.errors import EXIT_UNREACHABLE, SchemacheckError, UsageError

API_VERSION = "2021-10-01-preview"
EXPAND = "inputs,outputs,transformation,functions"
PUBLIC_CLOUD = "https://management.azure.com"
PROVIDER = "Microsoft.StreamAnalytics/streamingjobs"
READ_ACTION = "Microsoft.StreamAnalytics/streamingjobs/read"
NEEDED_ROLE = f"Reader (or any role with {READ_ACTION})"
DEFAULT_TIMEOUT = 30.0
MAX_WAIT = 60.0       # all retries of one request together
MAX_PAGES = 1000      # a nextLink loop ends here

_JOB_ID = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/"
                     r"Microsoft\.StreamAnalytics/streamingjobs/(?P<name>[^/]+)/?$", re.IGNORECASE)


class ArmError(SchemacheckError):
    """ARM could not be read (unreachable, refused, denied, missing)."""

    exit_code = EXIT_UNREACHABLE

    def __init__(self, message: str, kind: str = "unexpected", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


def job_id(subscription: str, group: str, name: str) -> str:
    return (f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{PROVIDER}/{name}")


def parse_job_id(text: str) -> tuple[str, str, str] | None:
    """(subscription, resource group, job name) of a job's resource id, else None."""
    found = _JOB_ID.match(text.strip())
    return (found["sub"], found["rg"], found["name"]) if found else None


def endpoint_url(value: str | None) -> str:
    """The ARM endpoint: https://management.azure.com unless a sovereign cloud's (or a
    local stand-in's) is given."""
    text = (value or PUBLIC_CLOUD).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise UsageError(f"--arm-endpoint {value!r}: expected an http(s) URL such as {PUBLIC_CLOUD}")
    return f"{parts.scheme}://{parts.netloc}"


def _segment(text: str, what: str) -> str:
    if not text or "/" in text or "?" in text or "#" in text or text in (".", ".."):
        raise UsageError(f"{what} {text!r}: not a valid name")
    return url_quote(text, safe="")


class Arm:
    """One ARM endpoint, one pipeline, GET only. `credential` (an azure-identity
    credential) is built from `auth` (schemacheck.kusto.live.credential_spec) unless given;
    `--auth none` sends no token and is for http:// stand-ins."""

    def __init__(self, endpoint: str | None = None, auth: str = "default", env: Mapping[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, credential=None, prompt: Callable | None = None) -> None:
        from schemacheck.kusto.live import credential_spec

        self.endpoint = endpoint_url(endpoint)
        self.timeout = max(1.0, float(timeout))
        self._secrets = [v for k, v in (env or {}).items() if "SECRET" in k.upper() and v]
        spec = credential_spec(auth, env or {})
        if spec.credential is None and not self.endpoint.startswith("http://"):
            raise UsageError(f"--auth none is for a local stand-in over http://; {self.endpoint} needs authentication")
        if spec.credential is not None and self.endpoint.startswith("http://") and credential is None:
            raise UsageError(f"{self.endpoint} is not https: a token is never sent over http; use --auth none")
        self.spec = spec
        try:
            from azure.core import PipelineClient
            from azure.core.pipeline.policies import (
                BearerTokenCredentialPolicy,
                HeadersPolicy,
                RetryPolicy,
                UserAgentPolicy,
            )
        except ModuleNotFoundError as error:
            raise UsageError(f"reading deployed jobs needs azure-core and azure-identity ({error.name} is not "
                             "installed): `pip install 'schemacheck[live]'`") from None
        if credential is None and spec.credential is not None:
            credential = _credential(spec, prompt)
        from schemacheck import __version__

        policies: list = [ReadOnlyPolicy(self.endpoint), HeadersPolicy({"Accept": "application/json"}),
                          UserAgentPolicy(f"schemacheck/{__version__}"),
                          RetryPolicy(retry_total=4, retry_backoff_factor=0.5, retry_backoff_max=8,
                                      timeout=MAX_WAIT)]
        if credential is not None:
            policies.append(BearerTokenCredentialPolicy(credential, f"{self.endpoint}/.default"))
        self._client: PipelineClient = PipelineClient(base_url=self.endpoint, policies=policies)
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Arm:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- the requests -----------------------------------------------------------------------
    def get(self, path_or_url: str, what: str) -> dict:
        """GET one ARM URL (a path under the endpoint, or a nextLink); the JSON object it answers."""
        from azure.core.exceptions import AzureError
        from azure.core.rest import HttpRequest

        url = path_or_url if "://" in path_or_url else self.endpoint + path_or_url
        self.requests += 1
        try:
            response = self._client.send_request(HttpRequest("GET", url), stream=False,
                                                 connection_timeout=self.timeout, read_timeout=self.timeout)
        except ReadOnlyViolation:
            raise
        except AzureError as error:
            raise ArmError(self._scrub(self._network(error, what)), "network") from None
        status = response.status_code
        text = response.text() if callable(getattr(response, "text", None)) else ""
        try:
            data = json.loads(text) if text.strip() else None
        except ValueError:
            data = None
        if status == 200 and isinstance(data, dict):
            return data
        raise self._failure(status, data, text, what)

    def job(self, subscription: str, group: str, name: str) -> dict:
        """One job, with its inputs, outputs, query and functions."""
        path = (f"/subscriptions/{_segment(subscription, 'subscription')}/resourceGroups/"
                f"{_segment(group, 'resource group')}/providers/{PROVIDER}/{_segment(name, 'job')}"
                f"?api-version={API_VERSION}&$expand={EXPAND}")
        return self.get(path, f"job {name} in resource group {group}")

    def jobs(self, subscription: str, group: str | None = None) -> Iterator[dict]:
        """Every job of a resource group (or of the subscription), expanded, page by page."""
        scope = f"/subscriptions/{_segment(subscription, 'subscription')}"
        if group is not None:
            scope += f"/resourceGroups/{_segment(group, 'resource group')}"
        what = f"the jobs of resource group {group}" if group else f"the jobs of subscription {subscription}"
        url: str | None = f"{scope}/providers/{PROVIDER}?api-version={API_VERSION}&$expand={EXPAND}"
        pages = 0
        while url and pages < MAX_PAGES:
            page = self.get(url, what)
            pages += 1
            values = page.get("value")
            if not isinstance(values, list):
                raise ArmError(f"{self.endpoint}: the answer for {what} has no \"value\" list", "unexpected", 200)
            yield from (v for v in values if isinstance(v, dict))
            link = page.get("nextLink")
            url = link if isinstance(link, str) and link else None

    # ---- failures ---------------------------------------------------------------------------
    def _failure(self, status: int, data: object, text: str, what: str) -> ArmError:
        error = data.get("error") if isinstance(data, dict) else None
        code = str(error.get("code") or "") if isinstance(error, dict) else ""
        message = str(error.get("message") or "") if isinstance(error, dict) else ""
        said = f" ({code}: {message[:300]})" if code else ""
        if status == 401:
            kind, text_ = "unauthorized", (f"{what}: not authenticated (401){said}; sign in (e.g. az login) or choose "
                                           f"another --auth (now {self.spec.mode})")
        elif status == 403:
            kind, text_ = "forbidden", (f"{what}: not reachable, access denied (403){said}; the identity schemacheck "
                                        f"runs as needs {NEEDED_ROLE} on it")
        elif status == 404:
            kind, text_ = "not-found", f"{what}: not found (404){said}"
        elif status == 429:
            kind, text_ = "throttled", f"{what}: ARM kept throttling the request (429){said}; try again later"
        elif status >= 500:
            kind, text_ = "server", f"{what}: ARM failed (HTTP {status}){said}; try again later"
        elif status == 200:
            kind, text_ = "unexpected", f"{what}: the answer is not a JSON object"
        else:
            kind, text_ = "bad-request", f"{what}: ARM rejected the request (HTTP {status}){said or ' ' + text[:200]}"
        return ArmError(self._scrub(f"{self.endpoint}: {text_}"), kind, status)

    def _network(self, error: BaseException, what: str) -> str:
        chain: list[str] = []
        cause: BaseException | None = error
        while cause is not None and len(chain) < 10:
            chain.append(f"{type(cause).__name__}: {cause}")
            cause = cause.__cause__ or cause.__context__
        joined = " ".join(chain)
        if "Connection refused" in joined or "ConnectionRefusedError" in joined:
            return f"{self.endpoint} refused the connection ({what}): is --arm-endpoint right?"
        if "timed out" in joined.lower() or "Timeout" in joined:
            return f"{self.endpoint}: no answer within {self.timeout:g} s ({what}); try again or raise --timeout"
        if re.search(r"Name or service not known|getaddrinfo failed|nodename nor servname|Temporary failure in name "
                     r"resolution|NameResolutionError", joined):
            return f"cannot resolve the host of {self.endpoint} ({what}): check --arm-endpoint"
        if "ClientAuthenticationError" in joined or "CredentialUnavailableError" in joined:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            return f"{what}: could not get a token for {self.endpoint} ({first}); sign in or choose another --auth"
        return f"cannot reach {self.endpoint} ({what}): {type(error).__name__}"

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return re.sub(r"(?i)(bearer\s+)[\w.\-~+/=]+", r"\1***", text)


class ReadOnlyViolation(RuntimeError):
    """A request that is not a GET to the ARM endpoint: a bug, never sent."""


def _read_only_policy():
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class _ReadOnly(SansIOHTTPPolicy):
        def __init__(self, endpoint: str) -> None:
            self.endpoint = endpoint

        def on_request(self, request) -> None:
            http = request.http_request
            if http.method != "GET":
                raise ReadOnlyViolation(f"schemacheck sends only GET requests to ARM, not {http.method}")
            parts = urlsplit(http.url)
            if f"{parts.scheme}://{parts.netloc}".lower() != self.endpoint.lower():
                raise ReadOnlyViolation(f"schemacheck sends requests only to {self.endpoint}, not to "
                                        f"{parts.scheme}://{parts.netloc}")

    return _ReadOnly


def ReadOnlyPolicy(endpoint: str):
    """The policy that lets only GETs to `endpoint` leave this process."""
    return _read_only_policy()(endpoint)


def _credential(spec, prompt: Callable | None):
    try:
        import azure.identity
    except ModuleNotFoundError:
        raise UsageError("reading deployed jobs with --auth " + spec.mode + " needs azure-identity: "
                         "`pip install 'schemacheck[live]'`") from None
    arguments = dict(spec.arguments)
    if spec.credential == "DeviceCodeCredential" and prompt is not None:
        arguments["prompt_callback"] = prompt
    return getattr(azure.identity, spec.credential)(**arguments)
