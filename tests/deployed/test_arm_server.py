"""The ARM stand-in (support.arm_server) and the deployed-job builders (support.deployed_jobs): the REST surface
with urllib, and the real azure-core PipelineClient following nextLink and honouring Retry-After against it."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from azure.core import PipelineClient
from azure.core.pipeline.policies import RetryPolicy
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest
from conftest import run_cli
from support.arm_server import API_VERSION, FakeArm, Fault, running_arm
from support.deployed_jobs import (
    LEAKED_KEY,
    LEAKED_PASSWORD,
    SUBSCRIPTION,
    adx_output,
    blob_output,
    eventhub_input,
    fleet,
    fleet_databases,
    javascript_function,
    job_resource,
    sql_output,
)
from support.kusto_server import FakeCluster

SUB = SUBSCRIPTION
EXPAND = "inputs,outputs,transformation,functions"
QUERY = "SELECT DeviceId, Temperature\nINTO [adx]\nFROM [in]\n"


def telemetry(**options) -> dict:
    outputs = [adx_output("adx", "fleet", "telemetry", "Readings"), sql_output("sql", "fleetsql", "ops", "Readings"),
               blob_output("archive", "fleetarchive", "raw")]
    return job_resource(SUB, "Rg-Telemetry", "Telemetry-Job", query=QUERY, outputs=outputs,
                        functions=[javascript_function("toLong")], **options)


def job_path(rg: str = "Rg-Telemetry", name: str = "Telemetry-Job", sub: str = SUB) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.StreamAnalytics/streamingjobs/{name}"


def get(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict | None, dict]:
    """(status, JSON body or None, headers) of a request sent with urllib."""
    request = urllib.request.Request(url, method=method, headers=headers or {},
                                     data=b"{}" if method in ("PUT", "POST", "PATCH") else None)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, raw, answer_headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as e:
        status, raw, answer_headers = e.code, e.read(), dict(e.headers)
    return status, (json.loads(raw) if raw else None), answer_headers


class RecordingTransport(RequestsTransport):
    """The real requests transport, except that it records RetryPolicy's sleeps instead of sleeping."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.slept: list[float] = []

    def sleep(self, duration: float) -> None:
        self.slept.append(duration)


def client_on(arm: FakeArm, **retry) -> tuple[PipelineClient, RecordingTransport]:
    transport = RecordingTransport()
    return PipelineClient(arm.url, policies=[RetryPolicy(**retry)], transport=transport), transport


def send(client: PipelineClient, path: str):
    """GET ``path`` (relative to the client's base URL) with the api-version, as a generated client does."""
    return client.send_request(HttpRequest("GET", client.format_url(path), params={"api-version": API_VERSION}))


# ---- one job --------------------------------------------------------------------------------------------------------


def test_a_job_is_answered_with_what_expand_asks_for():
    job = telemetry()
    with running_arm([job]) as arm:
        status, full, headers = get(f"{arm.url}{job_path()}?api-version={API_VERSION}&$expand={EXPAND}")
        assert status == 200 and full == job
        assert headers["ETag"] == job["properties"]["etag"] and "x-ms-request-id" in headers
        status, plain, _ = get(f"{arm.url}{job_path()}?api-version={API_VERSION}")
        assert status == 200
        assert not {"inputs", "outputs", "transformation", "functions"} & set(plain["properties"])
        assert plain["properties"]["compatibilityLevel"] == "1.2" and plain["identity"] == job["identity"]
        _, partial, _ = get(f"{arm.url}{job_path()}?api-version={API_VERSION}&%24expand=Transformation,%20outputs")
        assert {"transformation", "outputs"} <= set(partial["properties"])
        assert not {"inputs", "functions"} & set(partial["properties"])
        (request, *_) = arm.requests()
        assert request.query == {"api-version": API_VERSION, "$expand": EXPAND}
        assert request.method == "GET" and request.status == 200 and "Authorization" not in request.headers
    assert arm.paths() == [job_path()] * 3
    assert job == telemetry(), "answers are copies: the stored resource is unchanged"


def test_fixed_segments_and_names_match_in_any_case_and_answers_keep_the_stored_casing():
    with running_arm([telemetry()]) as arm:
        path = (f"/SUBSCRIPTIONS/{SUB.upper()}/resourcegroups/rg-telemetry/PROVIDERS/microsoft.streamanalytics/"
                f"streamingJobs/telemetry-job")
        status, body, _ = get(f"{arm.url}{path}?api-version={API_VERSION}")
        assert status == 200 and body["name"] == "Telemetry-Job" and body["id"] == job_path()
        status, body, _ = get(f"{arm.url}/subscriptions/{SUB}/resourcegroups/RG-TELEMETRY/providers/"
                              f"Microsoft.StreamAnalytics/streamingJobs?api-version={API_VERSION}")
        assert status == 200 and [j["name"] for j in body["value"]] == ["Telemetry-Job"] and "nextLink" not in body


def test_errors_are_arm_bodies():
    with running_arm([telemetry()]) as arm:
        arm.add_group(SUB, "rg-empty")

        def error(path: str, query: str = f"?api-version={API_VERSION}") -> tuple[int, dict]:
            status, body, _ = get(arm.url + path + query)
            return status, body["error"]

        assert error(job_path(), "") == (400, {
            "code": "MissingApiVersionParameter",
            "message": "The api-version query parameter (?api-version=) is required for all requests."})
        assert error(job_path(name="nope")) == (404, {
            "code": "ResourceNotFound",
            "message": "The Resource 'Microsoft.StreamAnalytics/streamingjobs/nope' under resource group "
                       "'Rg-Telemetry' was not found. For more details please go to "
                       "https://aka.ms/ARMResourceNotFoundFix"})
        assert error(job_path(rg="rg-gone")) == (404, {
            "code": "ResourceGroupNotFound", "message": "Resource group 'rg-gone' could not be found."})
        assert error(job_path(sub="0000")) == (404, {
            "code": "SubscriptionNotFound", "message": "The subscription '0000' could not be found."})
        assert error(job_path(), "?api-version=2099-01-01")[1]["code"] == "NoRegisteredProviderFound"
        assert error(job_path(), "?api-version=latest")[1]["code"] == "InvalidApiVersionParameter"
        status, body = error(f"/subscriptions/{SUB}/resourceGroups/rg-telemetry/providers/Microsoft.Kusto/clusters")
        assert status == 404 and body["code"] == "NoRegisteredProviderFound"
        status, body, _ = get(f"{arm.url}/subscriptions/{SUB}/resourceGroups/rg-empty/providers/"
                              f"Microsoft.StreamAnalytics/streamingjobs?api-version={API_VERSION}")
        assert (status, body) == (200, {"value": []})
        assert len(arm.requests()) == 8 and arm.non_get_requests() == []


def test_a_forbidden_job_answers_403_and_is_listed_without_its_children():
    jobs = [telemetry(), job_resource(SUB, "Rg-Telemetry", "payments", query=QUERY,
                                      outputs=[adx_output("adx", "fleet", "telemetry", "Payments")])]
    with running_arm(jobs, forbidden={"PAYMENTS"}, client_id="c1") as arm:
        status, body, _ = get(f"{arm.url}{job_path(name='payments')}?api-version={API_VERSION}&$expand={EXPAND}")
        assert status == 403 and body["error"] == {
            "code": "AuthorizationFailed",
            "message": "The client 'c1' with object id 'c1' does not have authorization to perform action "
                       "'Microsoft.StreamAnalytics/streamingjobs/read' over scope "
                       f"'{job_path(name='payments')}' or the scope is invalid. If access was recently granted, "
                       "please refresh your credentials."}
        group = (f"{arm.url}/subscriptions/{SUB}/resourceGroups/Rg-Telemetry/providers/Microsoft.StreamAnalytics/"
                 f"streamingjobs?api-version={API_VERSION}&$expand={EXPAND}")
        _, listed, _ = get(group)
        by_name = {j["name"]: j for j in listed["value"]}
        assert "outputs" in by_name["Telemetry-Job"]["properties"]
        assert by_name["payments"]["id"] == job_path(name="payments")
        assert not {"inputs", "outputs", "transformation", "functions"} & set(by_name["payments"]["properties"])
        arm.forbidden_in_lists = False
        _, listed, _ = get(group)
        assert [j["name"] for j in listed["value"]] == ["Telemetry-Job"]


# ---- lists, with the real azure-core client -------------------------------------------------------------------------


def test_pipeline_client_follows_next_links_across_three_pages():
    jobs = fleet(rg_count=1, jobs_per_group=25, outputs_per_job=1)
    with running_arm(jobs) as arm:
        client, _ = client_on(arm)
        request = HttpRequest("GET", client.format_url(f"/subscriptions/{SUB}/resourceGroups/rg-fleet-01/providers/"
                                                      "Microsoft.StreamAnalytics/streamingjobs"),
                              params={"api-version": API_VERSION, "$expand": EXPAND})
        pages = []
        while request is not None:
            response = client.send_request(request)
            response.raise_for_status()
            page = response.json()
            pages.append(page)
            link = page.get("nextLink")
            request = HttpRequest("GET", link) if link else None
        assert [len(p["value"]) for p in pages] == [10, 10, 5]
        assert [j["name"] for p in pages for j in p["value"]] == [j["name"] for j in jobs]
        assert all("transformation" in j["properties"] for p in pages for j in p["value"])
        link = urlsplit(pages[0]["nextLink"])
        assert f"{link.scheme}://{link.netloc}" == arm.url
        params = parse_qs(link.query)
        assert params["api-version"] == [API_VERSION] and params["$expand"] == [EXPAND] and "$skiptoken" in params
        assert [r.status for r in arm.requests()] == [200, 200, 200]


def test_the_subscription_lists_every_group_and_a_page_size_is_configurable():
    jobs = fleet(rg_count=3, jobs_per_group=4)
    with running_arm(jobs, page_size=5) as arm:
        url = (f"{arm.url}/subscriptions/{SUB}/providers/Microsoft.StreamAnalytics/streamingjobs"
               f"?api-version={API_VERSION}")
        names = []
        while url:
            status, page, _ = get(url)
            assert status == 200
            assert all("outputs" not in j["properties"] for j in page["value"])
            names += [j["name"] for j in page["value"]]
            url = page.get("nextLink")
        assert names == [j["name"] for j in jobs] and len(names) == 12
        assert len(arm.requests()) == 3


def test_retry_policy_honours_retry_after_from_a_throttle():
    with running_arm([telemetry()]) as arm:
        arm.faults.append(Fault.throttle(times=2, retry_after=3))
        client, transport = client_on(arm, retry_total=3)
        response = send(client, job_path())
        assert response.status_code == 200 and response.json()["name"] == "Telemetry-Job"
        assert [r.status for r in arm.requests()] == [429, 429, 200]
        assert transport.slept == [3.0, 3.0], "RetryPolicy waited what Retry-After said, not its own backoff"
        arm.faults.append(Fault.throttle(times=1, retry_after=7))
        status, body, headers = get(f"{arm.url}{job_path()}?api-version={API_VERSION}")
        assert status == 429 and headers["Retry-After"] == "7" and body["error"]["code"] == "TooManyRequests"


def test_server_errors_hit_only_the_paths_they_match():
    jobs = fleet(rg_count=1, jobs_per_group=2, outputs_per_job=1)
    with running_arm(jobs) as arm:
        arm.faults.append(Fault.server_error(503, times=2, match="FLEET-01-002"))
        client, _ = client_on(arm, retry_total=3, retry_backoff_factor=0.5)
        for job in jobs:
            response = send(client, job["id"])
            assert response.status_code == 200
        assert [(r.path.rsplit("/", 1)[1], r.status) for r in arm.requests()] == [
            ("fleet-01-001", 200), ("fleet-01-002", 503), ("fleet-01-002", 503), ("fleet-01-002", 200)]
        assert arm.faults == [], "a fault is used up after `times` requests"
        arm.faults.append(Fault.server_error(500))
        status, body, _ = get(f"{arm.url}{jobs[0]['id']}?api-version={API_VERSION}")
        assert status == 500 and body["error"]["code"] == "InternalServerError"


# ---- the log ---------------------------------------------------------------------------------------------------------


def test_every_method_but_get_is_logged_and_refused():
    with running_arm([telemetry()]) as arm:
        url = f"{arm.url}{job_path()}?api-version={API_VERSION}"
        for method in ("PUT", "PATCH", "POST", "DELETE"):
            status, body, headers = get(url, method)
            assert status == 405 and body["error"]["code"] == "ReadOnlyStandIn" and headers["Allow"] == "GET"
        status, _, _ = get(url, "HEAD")
        assert status == 405
        assert get(url)[0] == 200
        assert [r.method for r in arm.non_get_requests()] == ["PUT", "PATCH", "POST", "DELETE", "HEAD"]
        assert arm.paths() == [job_path()] * 6
        arm.reset()
        assert arm.requests() == [] and arm.max_concurrent == 0


def test_latency_lets_concurrent_requests_overlap():
    jobs = fleet(rg_count=1, jobs_per_group=8, outputs_per_job=1)
    with running_arm(jobs, latency=0.2) as arm:
        statuses: list[int] = []
        barrier = threading.Barrier(8)

        def fetch(job: dict) -> None:
            barrier.wait()
            statuses.append(get(f"{arm.url}{job['id']}?api-version={API_VERSION}", headers={"x-trace": "1"})[0])

        threads = [threading.Thread(target=fetch, args=(job,)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * 8
        assert arm.max_concurrent > 1
        assert sorted(r.path for r in arm.requests()) == sorted(j["id"] for j in jobs)
        assert all(r.headers.get("x-trace") == "1" for r in arm.requests())


# ---- the builders ----------------------------------------------------------------------------------------------------


def test_template_and_portal_styles_differ_as_deployed_jobs_do():
    template, portal = telemetry(), telemetry(style="portal")
    assert template["type"] == "Microsoft.StreamAnalytics/streamingjobs"
    assert portal["type"] == "Microsoft.StreamAnalytics/streamingJobs"
    t_props, p_props = template["properties"], portal["properties"]
    assert t_props["transformation"]["name"] == "main" and p_props["transformation"]["name"] == "Transformation"
    assert t_props["transformation"]["properties"]["query"] == QUERY
    portal_query = p_props["transformation"]["properties"]["query"]
    assert portal_query.startswith("--") and portal_query.endswith(QUERY.replace("\n", "\r\n"))
    assert t_props["inputs"][0]["properties"]["datasource"]["type"] == "Microsoft.EventHub/EventHub"
    assert p_props["inputs"][0]["properties"]["datasource"]["type"] == "Microsoft.ServiceBus/EventHub"
    assert "serialization" not in t_props["outputs"][0]["properties"]
    assert p_props["outputs"][0]["properties"]["serialization"] is None
    assert p_props["jobStorageAccount"] is None and p_props["cluster"] is None
    assert p_props["outputStartMode"] == "JobStartTime" and "lastOutputEventTime" in p_props
    assert not {"jobStorageAccount", "cluster", "outputStartMode", "lastOutputEventTime"} & set(t_props)
    assert [o["id"] for o in t_props["outputs"]] == [job_path() + f"/outputs/{n}" for n in ("adx", "sql", "archive")]
    assert t_props["transformation"]["id"] == job_path() + "/transformations/main"
    assert t_props["functions"][0]["id"] == job_path() + "/functions/toLong"
    assert len({o["properties"]["etag"] for o in t_props["outputs"]}) == 3
    assert telemetry() == template, "the same names build the same resource"


def test_identities_and_secrets():
    system = telemetry(principal_id="p-1")["identity"]
    assert system["type"] == "SystemAssigned" and system["principalId"] == "p-1" and "tenantId" in system
    (user,) = telemetry(identity="user")["identity"]["userAssignedIdentities"].values()
    assert set(user) == {"principalId", "clientId"}
    assert "identity" not in telemetry(identity=None)
    clean = json.dumps(telemetry())
    assert LEAKED_PASSWORD not in clean and LEAKED_KEY not in clean and "password" not in clean
    leaky = telemetry(leak_secret=True)["properties"]
    assert leaky["outputs"][1]["properties"]["datasource"]["properties"]["password"] == LEAKED_PASSWORD
    assert leaky["inputs"][0]["properties"]["datasource"]["properties"]["sharedAccessPolicyKey"] == LEAKED_KEY
    assert eventhub_input("in")["properties"]["datasource"]["properties"]["consumerGroupName"] == "$Default"


@pytest.mark.parametrize("style", ["template", "portal"])
def test_fleet_jobs_check_clean_against_their_tables(tmp_path, style):
    with FakeCluster() as cluster:
        jobs = fleet(rg_count=1, jobs_per_group=2, cluster_url=cluster.url, styles=(style,))
        cluster.databases.update(fleet_databases(jobs))
        for job in jobs:
            path = tmp_path / f"{job['name']}.json"
            path.write_text(json.dumps({"resources": [job]}), encoding="utf-8")
            code, out, err = run_cli("check", str(path), "--live", "--auth", "none", "--format", "json")
            assert (code, err) == (0, ""), out
            (entry,) = json.loads(out)["files"]
            assert entry["diagnostics"] == []
        assert len(cluster.commands()) == 6
