"""check --deployed end to end: the real azure-core pipeline against the ARM stand-in
(support.arm_server) and the real azure-kusto-data client against the fake cluster, both on
127.0.0.1 with --auth none. Every request either sends is asserted from its server's log."""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import run_cli
from support.arm_server import Fault, running_arm
from support.deployed_jobs import (
    LEAKED_KEY,
    LEAKED_PASSWORD,
    SUBSCRIPTION,
    adx_output,
    blob_output,
    eventhub_input,
    fleet,
    fleet_databases,
    job_id,
    job_resource,
    sql_output,
)
from support.kusto_server import Database, Table, running_cluster

SUB = SUBSCRIPTION
RG = "rg-telemetry"
QUERY = ("SELECT DeviceId, CAST(Temperature AS float) AS Temperature\nINTO [adx]\nFROM [in]\n"
         "SELECT DeviceId, Temperature\nINTO [sql]\nFROM [in]\n"
         "SELECT *\nINTO [archive]\nFROM [in]\n")


def databases() -> dict:
    return {"telemetry": Database("telemetry", {"Readings": Table("Readings", [("DeviceId", "string"),
                                                                                ("Temperature", "real")])})}


def telemetry_job(cluster_url: str, name: str = "telemetry", style: str = "template", table: str = "Readings",
                  **options) -> dict:
    outputs = [adx_output("adx", cluster_url, "telemetry", table), sql_output("sql", "fleetsql", "ops", "Readings"),
               blob_output("archive", "fleetarchive", "raw")]
    return job_resource(SUB, RG, name, query=QUERY, outputs=outputs, inputs=[eventhub_input("in")], style=style,
                        **options)


def deployed(arm, *args: str) -> tuple[int, str, str]:
    return run_cli("check", "--deployed", "--arm-endpoint", arm.url, "--auth", "none", *args)


@pytest.mark.parametrize("style", ["template", "portal"])
def test_one_deployed_job_is_checked_against_its_live_table(style):
    with running_cluster(databases()) as cluster, running_arm([telemetry_job(cluster.url, style=style)]) as arm:
        code, out, err = deployed(arm, "--job", job_id(SUB, RG, "telemetry"), "--format", "json")
        document = json.loads(out)
        assert arm.non_get_requests() == [] and cluster.non_show_commands() == []
        assert cluster.commands() == [".show table ['Readings'] schema as json"]
    assert code == 0, err
    (entry,) = document["files"]
    assert entry["file"] == job_id(SUB, RG, "telemetry")
    statuses = {o["output"]: o["status"] for o in entry["outputs"]}
    # The ADX output compared with the live table; SQL without DDL and the blob output are not.
    assert statuses["adx"] == "compared"
    assert statuses["archive"] == "not-checked"
    assert not [d for d in entry["diagnostics"] if d["severity"] == "error"]


def test_a_table_changed_under_the_running_job_is_an_error_at_the_query_line():
    dbs = databases()
    dbs["telemetry"].tables["Readings"] = Table("Readings", [("deviceId", "string"), ("Temperature", "real")])
    with running_cluster(dbs) as cluster, running_arm([telemetry_job(cluster.url, style="portal")]) as arm:
        code, out, err = deployed(arm, "--subscription", SUB, "--resource-group", RG, "--job", "telemetry",
                                  "--format", "text")
    assert code == 1, err
    # The portal's query starts with a comment line: positions are the deployed query's own.
    assert "error[SC102]" in out
    assert f"--> {job_id(SUB, RG, 'telemetry')}:2:8" in out
    assert "2 | SELECT DeviceId, CAST(Temperature AS float) AS Temperature" in out
    assert re.search(r"^telemetry +rg-telemetry +checked +1 of 2 +1 +1$", out, re.M), out


def test_secrets_in_an_answer_never_reach_any_report():
    with running_cluster(databases()) as cluster, \
            running_arm([telemetry_job(cluster.url, leak_secret=True)]) as arm:
        for fmt in ("text", "json", "sarif", "github", "junit", "azure"):
            code, out, err = deployed(arm, "--job", job_id(SUB, RG, "telemetry"), "--format", fmt)
            assert code in (0, 1), err
            assert LEAKED_PASSWORD not in out + err and LEAKED_KEY not in out + err


def test_a_subscription_scan_of_50_jobs_pages_and_stays_within_its_concurrency():
    with running_cluster({}) as cluster:
        jobs = fleet(rg_count=5, jobs_per_group=10, outputs_per_job=3, cluster_url=cluster.url)
        cluster.databases.update(fleet_databases(jobs))
        # A list that does not expand its jobs makes the tool GET each one: the bound shows there.
        with running_arm(jobs, page_size=7, latency=0.02, expand_in_lists=False) as arm:
            code, out, err = deployed(arm, "--subscription", SUB, "--concurrency", "4", "--format", "text")
            requests = arm.requests()
            assert arm.non_get_requests() == []
            assert 1 < arm.max_concurrent <= 4
    assert code == 0, err
    lists = [r for r in requests if r.path.lower().endswith("/streamingjobs")]
    gets = [r for r in requests if not r.path.lower().endswith("/streamingjobs")]
    assert len(lists) == 8            # 50 jobs, 7 a page
    assert len(gets) == 50
    assert "50 jobs: 50 checked, 0 errors, 0 warnings, 0 not reachable" in out
    assert cluster.non_show_commands() == []


def test_throttling_is_waited_out_and_one_forbidden_job_is_not_reachable_with_its_role():
    with running_cluster(databases()) as cluster:
        jobs = [telemetry_job(cluster.url, name=name) for name in ("telemetry", "telemetry-eu", "telemetry-us")]
        with running_arm(jobs, forbidden=["telemetry-eu"]) as arm:
            arm.faults.append(Fault.throttle(times=1, retry_after=0))
            code, out, err = deployed(arm, "--subscription", SUB, "--resource-group", RG, "--format", "text")
            statuses = [r.status for r in arm.requests()]
    assert statuses[0] == 429 and 200 in statuses
    assert code == 3, (out, err)
    assert "telemetry-eu: not reachable" in err or "telemetry-eu" in err
    assert "Microsoft.StreamAnalytics/streamingjobs/read" in err
    assert "3 jobs: 2 checked" in out and "1 not reachable" in out


def test_a_job_that_does_not_exist_is_a_usage_error():
    with running_arm([]) as arm:
        arm.add_group(SUB, RG)
        code, _, err = deployed(arm, "--subscription", SUB, "--resource-group", RG, "--job", "nope")
    assert code == 2
    assert "deployed job nope was not found" in err and "Traceback" not in err


def test_an_unreachable_arm_endpoint_is_exit_3_in_one_line():
    code, _, err = run_cli("check", "--deployed", "--arm-endpoint", "http://127.0.0.1:9", "--auth", "none",
                           "--subscription", SUB)
    assert code == 3
    assert "refused the connection" in err and err.count("\n") <= 2


def test_auth_none_sends_no_token_and_https_needs_one():
    with running_cluster(databases()) as cluster, running_arm([telemetry_job(cluster.url)]) as arm:
        deployed(arm, "--job", job_id(SUB, RG, "telemetry"))
        assert all("Authorization" not in r.headers for r in arm.requests())
        assert all("Authorization" not in r.headers for r in cluster.requests)
    code, _, err = run_cli("check", "--deployed", "--arm-endpoint", "https://management.example", "--auth", "none",
                           "--subscription", SUB)
    assert code == 2 and "--auth none is for a local stand-in" in err


@pytest.mark.parametrize("args, words", [
    (("--job", "telemetry"), "give its --subscription and --resource-group too"),
    (("--job", "telemetry", "--subscription", SUB), "give its --subscription and --resource-group too"),
    ((), "which deployed jobs?"),
    (("--job", "/subscriptions/x/jobs/y"), "expected a streaming job's resource id"),
    (("--resource-group", RG), "which deployed jobs?"),
])
def test_a_selection_that_names_no_jobs_says_what_to_give(args, words):
    code, _, err = run_cli("check", "--deployed", "--arm-endpoint", "http://127.0.0.1:9", "--auth", "none", *args)
    assert code == 2 and words in err


def test_a_saved_rest_answer_is_checked_like_a_deployed_job(tmp_path):
    with running_cluster(databases()) as cluster:
        saved = tmp_path / "telemetry.json"
        saved.write_text(json.dumps(telemetry_job(cluster.url, table="readings")), encoding="utf-8")
        code, out, err = run_cli("check", "--deployed-file", str(saved), "--auth", "none", "--format", "json")
    assert code == 1, err
    (entry,) = json.loads(out)["files"]
    assert [d["code"] for d in entry["diagnostics"] if d["severity"] == "error"] == ["SC501"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_scan_shows_its_progress_on_a_terminal_only():
    from schemacheck.cli import main

    with running_cluster({}) as cluster:
        jobs = fleet(rg_count=1, jobs_per_group=3, outputs_per_job=1, cluster_url=cluster.url)
        cluster.databases.update(fleet_databases(jobs))
        with running_arm(jobs) as arm:
            args = ["check", "--deployed", "--subscription", SUB, "--arm-endpoint", arm.url, "--auth", "none"]
            terminal, log = Terminal(), io.StringIO()
            assert main(args, io.StringIO(), terminal) == 0
            assert main(args, io.StringIO(), log) == 0
    assert "\rschemacheck: 3 of 3 jobs checked" in terminal.getvalue()
    assert "jobs checked" not in log.getvalue()


def test_the_pipeline_lets_only_gets_to_the_endpoint_leave():
    from azure.core.rest import HttpRequest

    from schemacheck.deployed.arm import Arm, ReadOnlyViolation

    with running_arm([]) as arm:
        client = Arm(arm.url, "none")
        for method in ("POST", "PUT", "PATCH", "DELETE", "HEAD"):
            with pytest.raises(ReadOnlyViolation):
                client._client.send_request(HttpRequest(method, arm.url + f"/subscriptions/{SUB}"))
        with pytest.raises(ReadOnlyViolation):   # a nextLink to another host never gets a request (nor a token)
            client.get("http://127.0.0.2:9/subscriptions/x?api-version=1", "a page")
        client.close()
        assert arm.requests() == []


def test_the_arm_endpoint_and_auth_come_from_the_configuration(tmp_path, monkeypatch):
    with running_cluster(databases()) as cluster, running_arm([telemetry_job(cluster.url)]) as arm:
        (tmp_path / "schemacheck.toml").write_text(f'[live]\narm-endpoint = "{arm.url}"\nauth = "none"\n',
                                                   encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        code, _, err = run_cli("check", "--deployed", "--job", job_id(SUB, RG, "telemetry"))
        assert code == 0, err
        assert len(arm.requests()) == 1
