"""Golden case for a SQL Database reference input: tests/fixtures/inputs/sql-reference/ is an
ARM template whose job joins an Event Hub input with two SQL reference inputs, sites (a
temporal table, refreshed with deltas; its delta query lacks two of the snapshot's columns:
SC621) and tariffs (Static, with a delta query: SC623; not temporal: SC622; its snapshot
reads a table the DDL does not define: SC620), with the reference tables' DDL
(schemas/sites.sql) and the ADX table (schemas/usage.kql).

`schemacheck check` -> expected.json and `schemacheck infer --format json` -> infer.json, as
tests/inputs/test_declared_golden.py summarizes them. After a deliberate change, rewrite them
with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

from conftest import FIXTURES, assert_golden
from test_declared_golden import inferred, summarize

CASE = FIXTURES / "inputs" / "sql-reference"


def test_check_golden():
    assert_golden(CASE / "expected.json", summarize(CASE))


def test_infer_golden():
    assert_golden(CASE / "infer.json", inferred(CASE))


def test_the_snapshot_query_types_the_joined_columns():
    columns = {name: (kind, source, reason) for columns in inferred(CASE).values()
               for name, kind, source, reason in columns}
    assert columns["SiteName"] == ("nvarchar(max)", "reference", None)     # Name AS SiteName
    assert columns["Capacity"] == ("float", "reference", None)             # decimal(10, 2)
    assert columns["Active"] == ("bit", "reference", None)
    assert columns["OpenedOn"] == ("datetime", "reference", None)          # date
    assert columns["ManagerId"] == ("nvarchar(max)", "reference", None)    # uniqueidentifier
    assert columns["Boundary"][2] == ("how ASA reads SQL geography reference data is not known (not in the SQL "
                                      "type table)")
    assert columns["Rate"][2] == "dbo.Tarifs is not in the loaded SQL DDL, so the type of Rate is not known"
