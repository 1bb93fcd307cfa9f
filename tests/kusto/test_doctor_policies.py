"""`schemacheck doctor`'s ADX causes of blocked or late ASA output, end to end: the CLI, the real
azure-kusto-data client and the fake cluster (tests/support/kusto_server.py).

    update-policy   update policies whose Source is the table ASA writes, and whether a
                    transactional one's function still fits its target table
    latency         streaming ingestion and the ingestion batching policy (table, database, default)
    ingestion-time  whether ingestion_time() is recorded (informative)
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("azure.kusto.data")

from conftest import ROOT, run_cli
from support.kusto_server import (
    STREAMING_DISABLED,
    STREAMING_ENABLED,
    FakeCluster,
    Fault,
    Function,
    Table,
    batching_policy,
    sample_databases,
    update_policy,
)

SAMPLE = str(ROOT / "samples" / "fleet-telemetry" / "FleetTelemetry.asaql")
SOURCE = "VehicleReadings"          # the table the sample job's output adx-readings writes
TARGET = "SpeedByVehicle"           # a table fed from it by an update policy
TARGET_COLUMNS = [("VehicleId", "string"), ("WindowEnd", "datetime"), ("AvgSpeedKmh", "real")]
READ_ROLE = "Database User, Viewer or Monitor"


@pytest.fixture
def cluster():
    databases = sample_databases()
    fleet = databases["fleet"]
    fleet.tables[TARGET] = Table(TARGET, list(TARGET_COLUMNS))
    fleet.functions["SpeedRows"] = Function("SpeedRows", "{ VehicleReadings | project VehicleId, WindowEnd, "
                                            "AvgSpeedKmh }", output_columns=list(TARGET_COLUMNS))
    with FakeCluster(databases) as fake:
        yield fake


def fleet(cluster):
    return cluster.databases["fleet"]


def feed(cluster, *policies: dict, target: str = TARGET) -> None:
    """Set `target`'s update policies."""
    fleet(cluster).tables[target].update_policy = list(policies)


def doctor(cluster, table: str = SOURCE, *extra: str) -> tuple[int, dict]:
    code, out, err = run_cli("doctor", "--cluster", cluster.url, "--auth", "none", "--database", "fleet", "--table",
                             table, "--format", "json", *extra)
    assert err == ""
    (report,) = json.loads(out)["reports"]
    assert cluster.non_show_commands() == []
    return code, {i["name"]: (i["status"], i["reason"], i["fix"]) for i in report["items"]}


# ---- update-policy ----------------------------------------------------------------------------

def test_no_update_policy_reads_the_table(cluster):
    feed(cluster, update_policy("OverheatAlerts", "SpeedRows()"))
    code, items = doctor(cluster)
    assert code == 0
    assert items["update-policy"] == ("pass", f"no update policy reads {SOURCE}", None)
    assert [c for c in cluster.commands() if "policy update" in c] == [".show table * policy update"]
    assert not any("schema as json" in c for c in cluster.commands())   # functions are read only when needed


def test_a_transactional_policy_whose_function_fits_is_info_with_the_risk(cluster):
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    status, reason, fix = items["update-policy"]
    assert (code, status, fix) == (0, "info", None)
    assert reason.startswith(f"{TARGET}'s update policy (query `SpeedRows()`) is transactional: when it fails, the "
                             f"ingestion into {SOURCE} fails too and ASA's output is blocked")
    assert f"the output of SpeedRows() fits {TARGET} (column names, types and order) now" in reason
    assert ".show database ['fleet'] schema as json" in cluster.commands()


def test_a_function_whose_output_lacks_a_column_fails_with_exit_1(cluster):
    fleet(cluster).functions["SpeedRows"].output_columns = TARGET_COLUMNS[:2]
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    status, reason, fix = items["update-policy"]
    assert (code, status) == (1, "fail")
    assert (f"the output of SpeedRows() lacks {TARGET}'s column AvgSpeedKmh (real, column 3 of 3; the output has 2): "
            "the policy fails on every ingestion") in reason
    assert f"`.alter table ['{TARGET}'] policy update ...`" in fix and "OriginatesFromUpdatePolicy" in fix


def test_a_column_of_another_type_fails(cluster):
    fleet(cluster).functions["SpeedRows"].output_columns = [("VehicleId", "string"), ("WindowEnd", "datetime"),
                                                            ("AvgSpeedKmh", "long")]
    cluster.db_schema_csl_types = True     # OutputColumns with CslType as well as Type
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    assert code == 1 and items["update-policy"][0] == "fail"
    assert f"column AvgSpeedKmh is long in the output of SpeedRows() but real in {TARGET}" in items["update-policy"][1]


def test_a_function_that_no_longer_exists_fails_and_the_near_miss_is_named(cluster):
    functions = fleet(cluster).functions
    functions["speedRows"] = functions.pop("SpeedRows")
    functions["speedRows"].name = "speedRows"
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    status, reason, _ = items["update-policy"]
    assert (code, status) == (1, "fail")
    assert ("its query calls SpeedRows(), and no function SpeedRows exists in fleet (there is speedRows: function "
            "names are case-sensitive): the policy fails on every ingestion") in reason


def test_a_non_transactional_policy_is_info(cluster):
    feed(cluster, update_policy(SOURCE, "SpeedRows()", transactional=False))
    code, items = doctor(cluster)
    assert code == 0
    assert items["update-policy"] == (
        "info", (f"{TARGET}'s update policy (query `SpeedRows()`) runs on every ingestion into {SOURCE}; it is not "
                f"transactional: if it fails, {SOURCE} still gets ASA's rows and {TARGET} misses them"), None)
    assert not any("schema as json" in c for c in cluster.commands())


@pytest.mark.parametrize("query, words", [
    ("SpeedRows() | where AvgSpeedKmh > 0", ("its query is more than a call of SpeedRows(), so its output was not "
                                            f"compared with {TARGET}; run `SpeedRows() | where AvgSpeedKmh > 0 | "
                                            "getschema` to compare")),
    ("VehicleReadings | project VehicleId, WindowEnd, AvgSpeedKmh",
     f"its query is not a bare function call, so its output was not compared with {TARGET}"),
])
def test_a_query_that_is_not_a_bare_call_cannot_be_verified(cluster, query, words):
    feed(cluster, update_policy(SOURCE, query))
    code, items = doctor(cluster)
    status, reason, fix = items["update-policy"]
    assert (code, status) == (0, "cannot-tell")
    assert words in reason and "getschema" in fix


@pytest.mark.parametrize("output_columns", [None, []])
def test_a_function_without_its_output_schema_cannot_be_verified(cluster, output_columns):
    fleet(cluster).functions["SpeedRows"].output_columns = output_columns
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    assert code == 0 and items["update-policy"][0] == "cannot-tell"
    assert ("the cluster did not give the output schema of SpeedRows(); run `SpeedRows() | getschema` to compare it "
            f"with {TARGET}") in items["update-policy"][1]


def test_other_column_names_with_the_same_types_cannot_be_told(cluster):
    fleet(cluster).functions["SpeedRows"].output_columns = [("Vehicle", "string")] + TARGET_COLUMNS[1:]
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    assert code == 0 and items["update-policy"][0] == "cannot-tell"
    assert f"column 1 is Vehicle in the output of SpeedRows() but VehicleId in {TARGET}" in items["update-policy"][1]


def test_a_query_naming_a_table_is_compared_with_that_table(cluster):
    fleet(cluster).tables["SpeedStaging"] = Table("SpeedStaging", list(TARGET_COLUMNS))
    feed(cluster, update_policy(SOURCE, "SpeedStaging"))
    _, items = doctor(cluster)
    assert items["update-policy"][0] == "info"
    assert f"the output of table SpeedStaging fits {TARGET}" in items["update-policy"][1]


def test_source_names_match_exactly_and_the_case_insensitive_near_miss_is_named(cluster):
    feed(cluster, update_policy("vehiclereadings", "SpeedRows()"))
    _, items = doctor(cluster)
    assert items["update-policy"] == (
        "pass", (f"no update policy reads {SOURCE} ({TARGET}'s update policy reads vehiclereadings, not {SOURCE}: "
                "entity names are case-sensitive, so it does not run for ASA's rows)"), None)


def test_a_wildcard_source_matches_and_disabled_policies_are_only_counted(cluster):
    feed(cluster, update_policy("Vehicle*", "SpeedRows()", SourceIsWildCard=True),
         update_policy(SOURCE, "Missing()", enabled=False))
    _, items = doctor(cluster)
    status, reason, _ = items["update-policy"]
    assert status == "info" and reason.endswith(f"(1 disabled update policy also reads {SOURCE})")


def test_several_policies_give_the_worst_status_and_the_schema_is_read_once(cluster):
    fleet(cluster).tables["Audit"] = Table("Audit", [("VehicleId", "string")])
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    feed(cluster, update_policy(SOURCE, "AuditRows()"), target="Audit")
    code, items = doctor(cluster)
    status, reason, _ = items["update-policy"]
    assert (code, status) == (1, "fail")
    assert reason.startswith(f"2 update policies read {SOURCE}: ")
    assert "no function AuditRows exists" in reason and f"fits {TARGET}" in reason
    assert cluster.commands().count(".show database ['fleet'] schema as json") == 1


def test_update_policies_that_may_not_be_read_cannot_be_told_with_the_role(cluster):
    cluster.faults.append(Fault.forbidden(match="policy update"))
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    status, reason, _ = items["update-policy"]
    assert (code, status) == (0, "cannot-tell")
    assert "the update policies of fleet could not be read" in reason and "access denied (403)" in reason
    assert f"`.show table * policy update` needs {READ_ROLE}" in reason
    assert items["latency"][0] == "info" and items["failures"][0] == "pass"   # the other items go on


def test_functions_that_may_not_be_read_cannot_be_told(cluster):
    cluster.faults.append(Fault.forbidden(match="schema as json"))
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    code, items = doctor(cluster)
    assert (code, items["update-policy"][0]) == (0, "cannot-tell")
    assert "the functions of fleet could not be read" in items["update-policy"][1]


# ---- latency: streaming ingestion and the batching policy ---------------------------------------

def test_streaming_on_means_seconds(cluster):
    _, items = doctor(cluster)         # VehicleReadings streams (sample_databases)
    assert items["streaming"][0] == "pass"
    status, reason, _ = items["latency"]
    assert status == "info" and reason.startswith("expect seconds: streaming ingestion is enabled on the table; ")


def test_streaming_on_the_database_means_seconds(cluster):
    fleet(cluster).streaming_policy = STREAMING_ENABLED
    _, items = doctor(cluster, "OverheatAlerts")
    assert items["latency"][1].startswith("expect seconds: streaming ingestion is enabled on the database")


def test_without_streaming_the_default_batching_applies(cluster):
    _, items = doctor(cluster, "OverheatAlerts")
    status, reason, fix = items["latency"]
    assert status == "info"
    assert reason == ("expect up to 5 minutes before ASA's rows can be queried: streaming ingestion is off, so ADX "
                      "batches them by the default batching policy (neither the table nor the database sets one) "
                      "(5 minutes, 500 items or 1024 MB, whichever comes first)")
    assert ".alter-merge table ['OverheatAlerts'] policy ingestionbatching" in fix
    assert "up to 5 minutes" in items["streaming"][1]


def test_the_database_batching_policy_applies_when_the_table_sets_none(cluster):
    fleet(cluster).batching_policy = batching_policy("00:02:00", 1000, 512)
    _, items = doctor(cluster, "OverheatAlerts")
    assert items["latency"][1].startswith("expect up to 2 minutes before ASA's rows can be queried: streaming "
                                          "ingestion is off, so ADX batches them by the database's batching policy "
                                          "(2 minutes, 1000 items or 512 MB")
    assert "up to 2 minutes by the database's batching policy" in items["streaming"][1]


def test_the_table_batching_policy_beats_the_database_one(cluster):
    fleet(cluster).batching_policy = batching_policy("00:02:00")
    fleet(cluster).tables["OverheatAlerts"].batching_policy = '{"MaximumBatchingTimeSpan":"00:00:30"}'
    _, items = doctor(cluster, "OverheatAlerts")
    # a policy that gives only the time span keeps the defaults for the rest (the docs)
    assert "up to 30 seconds before ASA's rows can be queried" in items["latency"][1]
    assert "the table's batching policy (30 seconds, 500 items or 1024 MB" in items["latency"][1]


def test_streaming_turned_off_on_the_table_beats_the_database(cluster):
    fleet(cluster).streaming_policy = STREAMING_ENABLED
    fleet(cluster).tables[SOURCE].streaming_policy = STREAMING_DISABLED
    _, items = doctor(cluster)
    assert items["streaming"][0] == "info" and items["latency"][1].startswith("expect up to 5 minutes")


def test_a_batching_policy_that_may_not_be_read(cluster):
    cluster.faults.append(Fault.forbidden(match="ingestionbatching", times=2))
    _, items = doctor(cluster, "OverheatAlerts")
    status, reason, _ = items["latency"]
    assert status == "cannot-tell" and "the ingestion batching policy could not be read" in reason
    assert f"policy ingestionbatching` needs {READ_ROLE}" in reason
    assert items["streaming"][0] == "info"


# ---- ingestion-time -----------------------------------------------------------------------------

@pytest.mark.parametrize("policy, words, fix", [
    ('{"IsEnabled":true}', f"ingestion_time() is recorded for {SOURCE}", False),
    ('{"IsEnabled":false}', f"the ingestion time policy of {SOURCE} is off", True),
    (None, f"no ingestion time policy is set on {SOURCE}", True),
])
def test_ingestion_time_is_informative(cluster, policy, words, fix):
    fleet(cluster).tables[SOURCE].ingestion_time_policy = policy
    code, items = doctor(cluster)
    status, reason, given = items["ingestion-time"]
    assert (code, status) == (0, "info") and words in reason
    assert (given is not None and f".alter table ['{SOURCE}'] policy ingestiontime true" in given) == fix


def test_an_ingestion_time_policy_that_may_not_be_read(cluster):
    cluster.faults.append(Fault.forbidden(match="ingestiontime"))
    _, items = doctor(cluster)
    assert items["ingestion-time"][0] == "cannot-tell" and READ_ROLE in items["ingestion-time"][1]


# ---- the whole checklist, in each format ----------------------------------------------------------

ORDER = ["cluster", "table", "schema", "identity", "update-policy", "streaming", "latency", "ingestion-time",
         "failures"]


def test_json_and_junit_carry_the_new_items(cluster):
    fleet(cluster).functions["SpeedRows"].output_columns = TARGET_COLUMNS[:2]
    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    args = ("doctor", SAMPLE, "--cluster", cluster.url, "--auth", "none")
    code, out, _ = run_cli(*args, "--format", "json")
    assert code == 1
    reports = json.loads(out)["reports"]
    assert [[i["name"] for i in r["items"]] for r in reports] == [ORDER, ORDER]
    readings = {i["name"]: i for i in reports[0]["items"]}
    assert readings["update-policy"]["status"] == "fail" and readings["update-policy"]["fix"]
    code, out, _ = run_cli(*args, "--format", "junit")
    assert code == 1
    cases = {(c.get("classname"), c.get("name")): c for c in ET.fromstring(out).iter("testcase")}
    assert cases[("fleet.VehicleReadings", "update-policy")].find("failure") is not None
    assert cases[("fleet.VehicleReadings", "latency")].find("system-out") is not None
    assert cases[("fleet.OverheatAlerts", "ingestion-time")].find("system-out") is not None
    code, out, _ = run_cli(*args)
    assert code == 1 and "  [FAIL] update-policy " in out and "  [info] latency        expect" in out
    assert cluster.non_show_commands() == []


def test_a_missing_table_leaves_the_new_items_cannot_tell(cluster):
    code, items = doctor(cluster, "Missing")
    assert code == 1 and list(items) == ORDER
    assert {n: items[n][0] for n in ("update-policy", "latency", "ingestion-time")} == dict.fromkeys(
        ("update-policy", "latency", "ingestion-time"), "cannot-tell")


def test_an_unreachable_cluster_lists_every_item():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, _ = run_cli("doctor", "--cluster", f"http://127.0.0.1:{port}", "--auth", "none",
                           "--database", "fleet", "--table", "T", "--format", "json")
    assert code == 3
    assert [i["name"] for i in json.loads(out)["reports"][0]["items"]] == ORDER


# ---- the fake cluster's answers to the new commands (the shapes the doctor reads) -------------------

def test_the_policy_commands_answer_like_the_service(cluster):
    from schemacheck.kusto import live

    feed(cluster, update_policy(SOURCE, "SpeedRows()"))
    fleet(cluster).batching_policy = batching_policy("00:01:00")
    with live.Cluster(cluster.url, "none") as connection:
        rows = connection.update_policies("fleet")
        assert {r["EntityName"]: r["EntityType"] for r in rows} == {
            f"[fleet].[{name}]": "Table" for name in ("VehicleReadings", "OverheatAlerts", TARGET)}
        (row,) = [r for r in rows if r["Policy"] is not None]
        assert list(row) == ["PolicyName", "EntityName", "Policy", "ChildEntities", "EntityType"]
        assert json.loads(row["Policy"]) == [{"IsEnabled": True, "Source": SOURCE, "Query": "SpeedRows()",
                                              "IsTransactional": True, "PropagateIngestionProperties": False}]
        table_rows, database_rows = connection.batching_policy("fleet", SOURCE)
        assert table_rows[0]["Policy"] is None and table_rows[0]["EntityName"] == f"[fleet].[{SOURCE}]"
        assert json.loads(database_rows[0]["Policy"])["MaximumBatchingTimeSpan"] == "00:01:00"
        assert json.loads(database_rows[0]["ChildEntities"])[0] == f"[fleet].[{SOURCE}]"
        assert connection.ingestion_time_policy("fleet", SOURCE)[0]["Policy"] is None
        function = connection.database_functions("fleet")["SpeedRows"]
        assert function["OutputColumns"][2] == {"Name": "AvgSpeedKmh", "Type": "System.Double"}
        assert [c.name for c in connection.database_tables("fleet")[TARGET].columns] == [n for n, _ in TARGET_COLUMNS]
    assert cluster.commands() == [
        ".show table * policy update", f".show table ['{SOURCE}'] policy ingestionbatching",
        ".show database ['fleet'] policy ingestionbatching", f".show table ['{SOURCE}'] policy ingestiontime",
        ".show database ['fleet'] schema as json"]
