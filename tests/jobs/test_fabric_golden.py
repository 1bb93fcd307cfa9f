"""Golden case for a Microsoft Fabric workspace folder in git (tests/fixtures/fabric/workspace/):
four Eventstreams and the KQL database of an Eventhouse. `schemacheck check workspace`
with no flag -> expected.json: the exit code, each job ([form, name, level, source]), each
output's mapping ([output, status, table, where the table is defined]) and every
diagnostic as [code, file (relative to the workspace), line, column, output].

Reviewed by hand; after a deliberate change, rewrite it with SCHEMACHECK_UPDATE_GOLDEN=1
and review the diff."""

from __future__ import annotations

import json

from conftest import FIXTURES, assert_golden
from test_iac_golden import summarize

FABRIC = FIXTURES / "fabric"
WORKSPACE = FABRIC / "workspace"


def test_fabric_workspace_golden():
    assert_golden(FABRIC / "expected.json", summarize(WORKSPACE, "."))


def test_every_eventhouse_destination_maps_to_its_table_with_no_flag():
    summary = summarize(WORKSPACE, ".")
    assert not (WORKSPACE / "schemacheck.toml").exists()
    schema = "Fleet.Eventhouse/.children/fleet.KQLDatabase/DatabaseSchema.kql"
    mapped = {o[0]: o[1:] for o in summary["outputs"]}
    for alias, table in (("positions", "Positions"), ("speed-alerts", "SpeedAlerts"), ("raw-kql", "RawTelemetry"),
                         ("deliveries", "Deliveries"), ("trip-summaries", "TripSummaries"), ("stops", "Stops"),
                         ("stop-counts", "StopCounts")):
        assert mapped[alias] == ["compared", table, schema], alias


def test_the_slips_are_found_where_they_are_written():
    summary = summarize(WORKSPACE, ".")
    found = {(d[0], d[4]): d[1:4] for d in summary["diagnostics"]}
    assert found[("SC101", "positions")] == ["Telemetry.Eventstream/eventstream.json", 59, 69]
    assert found[("SC201", "speed-alerts")][:2] == ["Telemetry.Eventstream/eventstream.json", 59]
    assert summary["exit"] == 1 and json.dumps(summary)


def test_slips_behind_a_managefields_operator_are_found_at_its_entries():
    summary = summarize(WORKSPACE, ".")
    found = {(d[0], d[4]): d[1:4] for d in summary["diagnostics"]}
    topology = "Stops.Eventstream/eventstream.json"
    # the Cast to Nvarchar(max) into a long column, the alias StopedAt for StoppedAt: at the entries
    assert found[("SC201", "stops")] == [topology, 65, 11]
    assert found[("SC101", "stops")] == [topology, 66, 11]
    assert found[("SC103", "stops")][0] == topology
    # the GroupBy's columns fit; whether it adds window columns is not documented: no SC103
    assert not [d for d in summary["diagnostics"] if d[4] == "stop-counts" and d[0] not in ("SC203", "SC615")]
    # the clean chain SQL -> ManageFields -> Eventhouse
    assert not [d for d in summary["diagnostics"] if d[4] == "trip-summaries" and d[0] not in ("SC203", "SC615")]
