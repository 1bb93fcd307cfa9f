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
                         ("deliveries", "Deliveries")):
        assert mapped[alias] == ["compared", table, schema], alias
    # behind a ManageFields operator the columns are not the query's: listed, not compared
    assert mapped["trip-summaries"][0] == "not-checked"


def test_the_slips_are_found_where_they_are_written():
    summary = summarize(WORKSPACE, ".")
    found = {(d[0], d[4]): d[1:4] for d in summary["diagnostics"]}
    assert found[("SC101", "positions")] == ["Telemetry.Eventstream/eventstream.json", 59, 69]
    assert found[("SC201", "speed-alerts")][:2] == ["Telemetry.Eventstream/eventstream.json", 59]
    assert ("SC613", None) in found
    assert summary["exit"] == 1 and json.dumps(summary)
