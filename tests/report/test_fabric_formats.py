"""A Fabric workspace folder (tests/fixtures/fabric/workspace: Eventstreams with SQL operators and
the Eventhouse's KQL database) checked in every report format, against goldens
tests/fixtures/report/fabric.*. SCHEMACHECK_UPDATE_GOLDEN=1 rewrites them (review the diff)."""

from __future__ import annotations

import pytest
from test_report_formats import VERSION, assert_text_golden, check_case, golden_formats

from schemacheck.report.formats import render

CASE = "tests/fixtures/fabric/workspace"
FORMATS = golden_formats("fabric")


@pytest.fixture(scope="module")
def checked():
    return check_case(CASE)


@pytest.mark.parametrize("fmt, name", FORMATS, ids=[f for f, _ in FORMATS])
def test_golden(checked, fmt, name):
    entries, sources = checked
    assert_text_golden(name, render(fmt, entries, sources=sources, version=VERSION, failed=True))


def test_every_eventhouse_destination_is_compared_with_its_table(checked):
    entries, _ = checked
    statuses = {(e.job.job.name, o.output.output): o.status for e in entries for o in e.outputs}
    eventhouse = {key: status for key, status in statuses.items() if key[1] not in ("deliveries-out",
                                                                                  "trip-summaries")}
    assert eventhouse and set(eventhouse.values()) == {"compared"}, statuses
    codes = {d.code for e in entries for d in e.diagnostics}
    assert {"SC101", "SC201", "SC615", "SC616"} <= codes
