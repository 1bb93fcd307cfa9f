"""An Eventhouse (Fabric KQL database) query URI works with --live, snapshot and doctor: the
real azure-kusto-data client sends to a Fabric-style host name, which reaches the fake cluster
on 127.0.0.1 the way a client reaches any host through an HTTP proxy (HTTP_PROXY)."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLE_JOB as SAMPLE, run_cli
from support.kusto_server import FakeCluster, sample_databases

FABRIC = "http://trd-3f7a1c2e9b.z5.kusto.fabric.microsoft.com"


@pytest.fixture
def eventhouse(monkeypatch):
    with FakeCluster(sample_databases()) as fake:
        for name in ("HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, fake.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield fake


def test_check_live_against_an_eventhouse_host(eventhouse):
    code, out, err = run_cli("check", str(SAMPLE), "--live", "--cluster", FABRIC, "--auth", "none",
                             "--target", "adx-readings=fleet/VehicleReadings", "--target",
                             "adx-alerts=fleet/OverheatAlerts", "--format", "json", "--no-cache")
    assert code == 1, err
    assert sorted(eventhouse.commands()) == [".show table ['OverheatAlerts'] schema as json",
                                             ".show table ['VehicleReadings'] schema as json"]
    codes = {d["code"] for f in json.loads(out)["files"] for d in f["diagnostics"]}
    assert "SC102" in codes
    hosts = {r.headers.get("Host") for r in eventhouse.requests}
    assert hosts == {FABRIC.split("://")[1]}


def test_snapshot_and_doctor_against_an_eventhouse_host(eventhouse, tmp_path):
    code, _, err = run_cli("snapshot", "--cluster", FABRIC, "--auth", "none", "--database", "fleet",
                           "--table", "VehicleReadings", "--out", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "fleet" / "VehicleReadings.json").is_file()
    code, out, err = run_cli("doctor", "--cluster", FABRIC, "--auth", "none", "--database", "fleet", "--table",
                             "VehicleReadings", "--format", "json")
    assert code in (0, 1), err
    (report,) = json.loads(out)["reports"]
    items = {item["name"]: item for item in report["items"]}
    assert items["cluster"]["status"] == "pass"
    # The database roles of an ASA job's identity do not apply to an Eventstream's Eventhouse: said, not failed.
    assert items["identity"]["status"] == "info" and "Fabric Eventhouse" in items["identity"]["reason"]
    assert eventhouse.non_show_commands() == []
