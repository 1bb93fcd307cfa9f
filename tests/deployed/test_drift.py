"""drift PATH --deployed: the repository's VS Code project (tests/fixtures/drift/telemetry)
against the same job served by the ARM stand-in, through the real azure-core pipeline.
Goldens: the JSON report of each case (tests/fixtures/drift/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, assert_golden, run_cli
from support.arm_server import running_arm
from support.deployed_jobs import (
    SUBSCRIPTION,
    adx_output,
    blob_output,
    eventhub_input,
    job_id,
    job_resource,
    sql_output,
)

REPO = FIXTURES / "drift" / "telemetry"
RG = "rg-telemetry"
QUERY = (REPO / "telemetry.asaql").read_text(encoding="utf-8")
CLUSTER = "https://fleet.westeurope.kusto.windows.net"


def deployed_job(query: str = QUERY, table: str = "Readings", level: str = "1.2", extra_output: bool = False,
                 style: str = "portal", cluster: str = CLUSTER) -> dict:
    outputs = [adx_output("adx", cluster, "telemetry", table),
               sql_output("sql", "fleetsql.database.windows.net", "ops", "Readings")]
    if extra_output:
        outputs.append(blob_output("archive", "fleetarchive", "raw"))
    return job_resource(SUBSCRIPTION, RG, "telemetry", query=query, outputs=outputs,
                        inputs=[eventhub_input("in")], level=level, style=style)


CASES = {
    # Whitespace, a comment line and CRLF line ends (the portal's) are no drift; nor is the
    # cluster's ingestion URI for its engine URI.
    "identical": {"query": "-- edited in the portal\n" + QUERY.replace("FROM [in]", "FROM   [in]"),
                      "cluster": "https://ingest-fleet.westeurope.kusto.windows.net"},
    "query-edited": {"query": QUERY.replace("CAST(Temperature AS float) AS Temperature",
                                             "CAST(Temperature AS float) * 1.8 + 32 AS Temperature")},
    "output-retargeted": {"table": "ReadingsV2"},
    "level-changed": {"level": "1.1"},
    "output-added": {"extra_output": True},
}


@pytest.fixture(autouse=True)
def in_the_fixtures(monkeypatch):
    """Paths in reports (and goldens) relative to tests/fixtures/drift, wherever the checkout is."""
    monkeypatch.chdir(REPO.parent)


def drift(arm, *args: str) -> tuple[int, str, str]:
    return run_cli("drift", "telemetry", "--deployed", "--arm-endpoint", arm.url, "--auth", "none", *args)


@pytest.mark.parametrize("case", sorted(CASES))
def test_drift_golden(case):
    with running_arm([deployed_job(**CASES[case])]) as arm:
        code, out, err = drift(arm, "--job", job_id(SUBSCRIPTION, RG, "telemetry"), "--format", "json")
        assert arm.non_get_requests() == []
    document = json.loads(out)
    assert_golden(FIXTURES / "drift" / f"{case}.json", document)
    findings = [d for f in document["files"] for d in f["diagnostics"]]
    if case == "identical":
        assert (code, findings) == (0, []), err
        assert "no drift" in err
    else:
        assert code == 1 and findings
        assert all(d["code"].startswith("SC70") and d["drift"] for d in findings)


def test_each_difference_names_both_values_and_where_each_comes_from():
    with running_arm([deployed_job(table="ReadingsV2", level="1.1")]) as arm:
        code, out, _ = drift(arm, "--subscription", SUBSCRIPTION, "--resource-group", RG, "--format", "text",
                             "--quiet")
    assert code == 1
    deployed_id = job_id(SUBSCRIPTION, RG, "telemetry")
    assert (f"output adx: table Readings in the repository ({Path('telemetry/Outputs/adx.json')}:2), ReadingsV2 "
            f"deployed ({deployed_id}/outputs/adx)") in out
    assert "compatibility level: 1.2 in the repository" in out and "1.1 deployed" in out
    assert f"--> {Path('telemetry/JobConfig.json')}:8:25" in out


def test_the_query_finding_is_at_the_first_token_that_differs():
    query = QUERY.replace("INTO [sql]", "INTO [sql-ops]")
    with running_arm([deployed_job(query=query)]) as arm:
        _, out, _ = drift(arm, "--job", job_id(SUBSCRIPTION, RG, "telemetry"), "--format", "json")
    (finding,) = [d for f in json.loads(out)["files"] for d in f["diagnostics"] if d["code"] == "SC701"]
    assert (finding["line"], finding["column"]) == (7, 6)
    assert finding["drift"]["repository"] == "INTO [sql]" and finding["drift"]["deployed"] == "INTO [sql-ops]"


def test_a_job_deployed_under_another_name_is_sc708_in_a_group_scan():
    other = deployed_job()
    renamed = job_resource(SUBSCRIPTION, RG, "telemetry-v2", query=QUERY, outputs=other["properties"]["outputs"])
    with running_arm([renamed]) as arm:
        code, out, _ = drift(arm, "--subscription", SUBSCRIPTION, "--resource-group", RG, "--format", "json")
    codes = [d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]]
    assert code == 1 and codes == ["SC708"]


def test_a_forbidden_deployed_job_is_not_reachable_not_drift():
    with running_arm([deployed_job()], forbidden=["telemetry"]) as arm:
        code, _, err = drift(arm, "--job", job_id(SUBSCRIPTION, RG, "telemetry"))
    assert code == 3
    assert "not reachable" in err and "Microsoft.StreamAnalytics/streamingjobs/read" in err


def test_drift_against_a_saved_answer_needs_no_server(tmp_path):
    saved = tmp_path / "deployed.json"
    saved.write_text(json.dumps(deployed_job(level="1.1")), encoding="utf-8")
    code, out, err = run_cli("drift", "telemetry", "--deployed-file", str(saved), "--format", "json")
    assert code == 1, err
    codes = [d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]]
    assert codes == ["SC705"]


def test_a_lone_query_is_not_a_job_to_compare(tmp_path):
    saved = tmp_path / "deployed.json"
    saved.write_text(json.dumps(deployed_job()), encoding="utf-8")
    code, _, err = run_cli("drift", "telemetry/telemetry.asaql", "--deployed-file", str(saved))
    # The query belongs to its project: the project is the job compared.
    assert code == 0, err


def terraform_as_deployed(table: str = "DeviceAlerts") -> dict:
    """tests/fixtures/iac/terraform-azapi-adx's job as it deploys, written from its main.tf by hand."""
    tf = FIXTURES / "iac" / "terraform-azapi-adx" / "main.tf"
    query = _heredoc(tf.read_text(encoding="utf-8"))
    cluster = "https://fleetadx.northeurope.kusto.windows.net"
    return job_resource(SUBSCRIPTION, "rg-fleet", "asa-fleet-telemetry", query=query, level="1.2",
                        error_policy="Drop", inputs=[eventhub_input("telemetry-hub")],
                        outputs=[adx_output("adx-readings", cluster, "telemetry", "DeviceReadings"),
                                 adx_output("adx-alerts", cluster, "telemetry", table)])


def _heredoc(text: str) -> str:
    start = text.index("<<QUERY\n") + len("<<QUERY\n")
    return text[start:text.index("\nQUERY\n", start) + 1]


@pytest.mark.parametrize("table, codes", [("DeviceAlerts", []), ("DeviceAlertsV2", ["SC703"])])
def test_a_terraform_job_against_its_deployment(table, codes, monkeypatch):
    monkeypatch.chdir(FIXTURES / "iac" / "terraform-azapi-adx")
    with running_arm([terraform_as_deployed(table)]) as arm:
        code, out, err = run_cli("drift", ".", "--arm-endpoint", arm.url, "--auth", "none",
                                 "--subscription", SUBSCRIPTION, "--resource-group", "rg-fleet", "--format", "json")
    found = [d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]]
    assert found == codes, out
    assert code == (1 if codes else 0), err


@pytest.mark.parametrize("deep", [850, 900, 950, 990])
def test_a_saved_answer_nested_deeply_is_read_or_refused_in_one_line(tmp_path, deep):
    """Near Python's recursion limit JSON may read an answer that the job reader cannot
    (where exactly depends on the interpreter): either way no traceback, and a refusal is one
    line at the place."""
    saved = tmp_path / "deployed.json"
    saved.write_text('{"name": "telemetry", "type": "Microsoft.StreamAnalytics/streamingjobs", "properties": '
                     '{"tags": ' + "[" * deep + "]" * deep + "}}", encoding="utf-8")
    code, _, err = run_cli("drift", "telemetry", "--deployed-file", str(saved))
    assert code in (1, 2) and "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert "nest too deeply" in err or "nests too deeply" in err
        assert err.count("\n") == 1 and "deployed.json:1:" in err
