"""doctor --deployed: the job read from the ARM stand-in, its identity's object id from ARM
(no --principal), and the cluster's answers through the real clients. Exit codes as for
files: 1 when a check fails, 3 when the job or the cluster cannot be read."""

from __future__ import annotations

import json

from conftest import run_cli
from support.arm_server import running_arm
from support.deployed_jobs import SUBSCRIPTION, adx_output, eventhub_input, job_id, job_resource
from support.kusto_server import Database, Function, Principal, Table, running_cluster, update_policy

RG = "rg-telemetry"
JOB_OBJECT_ID = "5d1e6a0b-2c3f-4e8a-9b7d-1f2e3d4c5b6a"
QUERY = "SELECT DeviceId, CAST(Temperature AS float) AS Temperature\nINTO [adx]\nFROM [in]\n"
ID = job_id(SUBSCRIPTION, RG, "telemetry")


def databases(roles=("Ingestor", "Monitor"), policy=None) -> dict:
    readings = Table("Readings", [("DeviceId", "string"), ("Temperature", "real")])
    hourly = Table("HourlyReadings", [("DeviceId", "string"), ("Temperature", "real")], update_policy=policy)
    principals = [Principal(role, "AAD Application", "telemetry", JOB_OBJECT_ID, f"aadapp={JOB_OBJECT_ID};tenant")
                  for role in roles]
    functions = {"Hourly": Function("Hourly", output_columns=[("DeviceId", "string"), ("Temperature", "real")])}
    return {"telemetry": Database("telemetry", {"Readings": readings, "HourlyReadings": hourly}, principals,
                                  functions=functions)}


def job(cluster_url: str, identity: str | None = "system") -> dict:
    return job_resource(SUBSCRIPTION, RG, "telemetry", query=QUERY, inputs=[eventhub_input("in")],
                        outputs=[adx_output("adx", cluster_url, "telemetry", "Readings")], identity=identity,
                        principal_id=JOB_OBJECT_ID)


def doctor(arm, *args: str) -> tuple[int, str, str]:
    return run_cli("doctor", "--deployed", "--job", ID, "--arm-endpoint", arm.url, "--auth", "none", *args)


def items(out: str) -> dict:
    (report,) = json.loads(out)["reports"]
    return {item["name"]: item for item in report["items"]}


def test_the_identity_comes_from_arm_and_holds_its_roles():
    with running_cluster(databases()) as cluster, running_arm([job(cluster.url)]) as arm:
        code, out, err = doctor(arm, "--format", "json")
        assert arm.non_get_requests() == [] and cluster.non_show_commands() == []
    found = items(out)
    assert found["identity"]["status"] == "pass", found["identity"]
    assert JOB_OBJECT_ID in found["identity"]["reason"] and "Azure Resource Manager" in found["identity"]["reason"]
    assert code == 0, err


def test_an_identity_without_roles_is_a_failure_not_a_guess():
    with running_cluster(databases(roles=())) as cluster, running_arm([job(cluster.url)]) as arm:
        code, out, _ = doctor(arm, "--format", "json")
    assert code == 1
    assert items(out)["identity"]["status"] == "fail"


def test_a_transactional_update_policy_and_the_latency_are_reported():
    policy = [update_policy("Readings", "Hourly()", transactional=True)]
    with running_cluster(databases(policy=policy)) as cluster, running_arm([job(cluster.url)]) as arm:
        code, out, err = doctor(arm, "--format", "text")
    assert code == 0, err
    assert "update-policy" in out and "transactional" in out and "HourlyReadings" in out
    assert "latency" in out and "5 minutes" in out


def test_a_job_arm_denies_is_exit_3():
    with running_cluster(databases()) as cluster, running_arm([job(cluster.url)], forbidden=["telemetry"]) as arm:
        code, _, err = doctor(arm)
    assert code == 3
    assert "not reachable" in err and "Microsoft.StreamAnalytics/streamingjobs/read" in err
