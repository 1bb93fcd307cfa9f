"""SQL Database reference inputs (schemacheck.inputs.sql_reference): the snapshot query's
columns typed from the SQL DDL, and the checks of the snapshot and delta queries
(SC620-SC623), on Jobs built here."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemacheck.asa import types as T
from schemacheck.inputs import input_shapes
from schemacheck.inputs.sql_reference import Columns, QueryError, asa_type, parse_query
from schemacheck.jobs.model import Input, Job, Query, SqlText, Where
from schemacheck.sql.ddl import load_ddl

DDL = """\
CREATE TABLE dbo.Sites (
    SiteId int NOT NULL PRIMARY KEY,
    Name nvarchar(100) NOT NULL,
    Region char(2) NULL,
    Capacity decimal(10, 2) NULL,
    Active bit NOT NULL,
    OpenedOn date NULL,
    ManagerId uniqueidentifier NULL,
    Boundary geography NULL,
    Revenue money NULL,
    ValidFrom datetime2 GENERATED ALWAYS AS ROW START NOT NULL,
    ValidTo datetime2 GENERATED ALWAYS AS ROW END NOT NULL,
    PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo)
) WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.SitesHistory));
GO
CREATE TABLE ref.Regions (Code char(2) NOT NULL, Label nvarchar(50), Population bigint);
"""
SITES = ["SiteId", "Name", "Region", "Capacity", "Active", "OpenedOn", "ManagerId", "Boundary", "Revenue", "ValidFrom",
         "ValidTo"]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ddl")
    (folder / "tables.sql").write_text(DDL, encoding="utf-8")
    return load_ddl([str(folder)], "tsql")


def columns(catalog, text: str, level: str = "1.2") -> list[tuple[str, str | None]] | None:
    found = Columns(catalog, level).of(parse_query(text))
    return None if found is None else [(name, ty.name) for name, ty in found]


@pytest.mark.parametrize("sql, asa", [
    ("int", "bigint"), ("BIGINT", "bigint"), ("smallint", "bigint"), ("tinyint", "bigint"),
    ("float", "float"), ("real", "float"), ("decimal", "float"), ("numeric", "float"),
    ("char", "nvarchar(max)"), ("varchar", "nvarchar(max)"), ("nchar", "nvarchar(max)"), ("nvarchar", "nvarchar(max)"),
    ("text", "nvarchar(max)"), ("ntext", "nvarchar(max)"), ("uniqueidentifier", "nvarchar(max)"),
    ("datetime", "datetime"), ("datetime2", "datetime"), ("date", "datetime"), ("datetimeoffset", "datetime"),
    ("smalldatetime", "datetime"), ("bit", "bit"),
    ("money", None), ("time", None), ("varbinary", None), ("xml", None), ("geography", None),
])
def test_sql_types_map_back_to_asa_types(sql, asa):
    ty = asa_type(sql, "1.2")
    assert ty.name == asa
    if asa is None:
        assert f"SQL {sql} reference data" in (ty.reason or "")
    else:
        assert ty.source == "reference"


def test_bit_is_bigint_below_1_2():
    assert asa_type("bit", "1.1").name == "bigint"
    assert asa_type("bit", "1.0").name == "bigint"


def test_star_expands_to_the_tables_columns(catalog):
    found = columns(catalog, "SELECT * FROM dbo.Sites FOR SYSTEM_TIME AS OF @snapshotTime")
    assert [n for n, _ in found] == SITES
    assert dict(found) == {"SiteId": "bigint", "Name": "nvarchar(max)", "Region": "nvarchar(max)",
                           "Capacity": "float", "Active": "bit", "OpenedOn": "datetime", "ManagerId": "nvarchar(max)",
                           "Boundary": None, "Revenue": None, "ValidFrom": "datetime", "ValidTo": "datetime"}
    assert dict(columns(catalog, "SELECT * FROM Sites", "1.1"))["Active"] == "bigint"   # dbo by default


def test_aliases_qualifiers_casts_and_literals(catalog):
    found = columns(catalog, """
        SELECT s.SiteId AS Id, Label = r.Label, s.Name, r.*, CAST(s.Capacity AS int) AS Cap,
               TRY_CAST(s.Name AS datetime2(3)) AS Named, 'x' AS Letter, 7 AS Seven, 1.5 AS Half,
               UPPER(s.Name) AS Upper, (s.Region) AS Paren
        FROM [dbo].[Sites] AS s JOIN ref.Regions r ON r.Code = s.Region""")
    assert found == [("Id", "bigint"), ("Label", "nvarchar(max)"), ("Name", "nvarchar(max)"),
                     ("Code", "nvarchar(max)"), ("Label", "nvarchar(max)"), ("Population", "bigint"),
                     ("Cap", "bigint"), ("Named", "datetime"), ("Letter", "nvarchar(max)"), ("Seven", "bigint"),
                     ("Half", "float"), ("Upper", None), ("Paren", "nvarchar(max)")]


def test_ctes_derived_tables_and_unions(catalog):
    assert columns(catalog, "WITH a AS (SELECT SiteId, Name FROM dbo.Sites) SELECT * FROM a") == [
        ("SiteId", "bigint"), ("Name", "nvarchar(max)")]
    assert columns(catalog, "SELECT q.n FROM (SELECT Name AS n FROM dbo.Sites) AS q") == [("n", "nvarchar(max)")]
    assert columns(catalog, "SELECT SiteId FROM dbo.Sites UNION ALL SELECT Population FROM ref.Regions") == [
        ("SiteId", "bigint")]


def test_what_the_ddl_does_not_say(catalog):
    reader = Columns(catalog, "1.2")
    found = reader.of(parse_query("SELECT s.Name, s.Nope, Code, t.x FROM dbo.Sites s, ref.Regions, dbo.Missing t"))
    assert [n for n, _ in found] == ["Name", "Nope", "Code", "x"]
    reasons = {n: t.reason for n, t in found if t.name is None}
    assert reasons == {"Nope": "dbo.Sites has no column Nope in the loaded SQL DDL",
                       "x": "dbo.Missing is not in the loaded SQL DDL, so the type of x is not known"}
    # Code is ref.Regions': had dbo.Missing a Code too, the query would be ambiguous, and fail
    assert {n: t.name for n, t in found}["Code"] == "nvarchar(max)"
    assert reader.missing == ["dbo.Missing"] and reader.unknown_columns == ["Nope (dbo.Sites)"]
    assert Columns(catalog, "1.2").of(parse_query("SELECT * FROM dbo.Missing")) is None   # not even the names
    assert columns(catalog, "SELECT Name FROM dbo.Sites a JOIN dbo.Sites b ON a.SiteId = b.SiteId")[0][1] is None


@pytest.mark.parametrize("text, words", [
    ("SELEC x FRM t", "does not parse as T-SQL at line 1, column"),
    ("EXEC dbo.LoadSites", "is not a SELECT"),
    ("SELECT 'open", "does not parse as T-SQL"),
])
def test_a_query_that_cannot_be_read_says_why(text, words):
    with pytest.raises(QueryError, match=words):
        parse_query(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_says_why(text):
    try:
        statement = parse_query(text)
    except QueryError as error:
        assert str(error)
    else:
        Columns(None, "1.2").of(statement)


# ---- the job: shapes and findings -------------------------------------------------------------

SNAPSHOT = "SELECT SiteId, Name, Active FROM dbo.Sites FOR SYSTEM_TIME AS OF @snapshotTime"
DELTA = ("SELECT SiteId, Name, Active, 1 AS _operation_ FROM dbo.Sites FOR SYSTEM_TIME BETWEEN @deltaStartTime AND "
         "@deltaEndTime")
SNAP_AT, DELTA_AT, INPUT_AT = Where("job.json", 10, 5), Where("job.json", 11, 5), Where("job.json", 8, 3)


def job_with(tmp_path: Path, snapshot: str | None = SNAPSHOT, delta: str | None = None,
             refresh: str | None = "RefreshPeriodicallyWithDelta", where: Where | None = SNAP_AT):
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "sites.sql").write_text(DDL, encoding="utf-8")
    sites = Input("sites", "sql", False, "Microsoft.Sql/Server/Database", INPUT_AT, refresh_type=refresh,
                  snapshot_query=SqlText(snapshot, where) if snapshot is not None else None,
                  delta_query=SqlText(delta, DELTA_AT) if delta is not None else None)
    job = Job("j", "arm", str(tmp_path / "job.json"), str(tmp_path), Query("SELECT * INTO o FROM sites", "q"),
              inputs=(sites, Input("hub", "eventhub", True)))
    return input_shapes(job, "1.2", None, (str(tmp_path / "schemas"),))


def findings(notes) -> list[tuple[str, Where]]:
    return [(n.code, n.where) for n in notes]


def test_a_clean_reference_input_is_typed_and_quiet(tmp_path):
    shapes, notes = job_with(tmp_path, delta=DELTA)
    assert notes == []
    sites = shapes["sites"]
    assert [(n, t.name, t.source) for n, t in sites.fields] == [
        ("SiteId", "bigint", "reference"), ("Name", "nvarchar(max)", "reference"), ("Active", "bit", "reference")]
    assert sites.kind is None and sites.source == "snapshot query at job.json:10"
    assert shapes["hub"].kind == "eventhub"


@pytest.mark.parametrize("delta, words", [
    (DELTA.replace(", 1 AS _operation_", ""), ("returns no _operation_ column (1 for a row inserted, 2 for a row "
                                              "deleted)")),
    (DELTA.replace("Name, ", ""), "lacks the snapshot query's column(s) Name"),
    (DELTA.replace("Active,", "Active, Extra,"), "returns column(s) the snapshot query does not: Extra"),
    ("SELECT *, 2 AS _operation_ FROM dbo.Sites", "returns column(s) the snapshot query does not: Region, Capacity"),
])
def test_a_delta_query_must_return_the_snapshots_columns_and_operation(tmp_path, delta, words):
    _, notes = job_with(tmp_path, delta=delta)
    (note,) = notes
    assert (note.code, note.where) == ("SC621", DELTA_AT)
    assert words in note.message
    assert note.message.endswith("ASA requires it to return the snapshot query's columns and _operation_")


def test_the_same_columns_in_another_order_and_case_are_fine(tmp_path):
    _, notes = job_with(tmp_path, delta="SELECT active, 2 AS _OPERATION_, siteid, NAME FROM dbo.Sites")
    assert notes == []


def test_a_delta_over_a_snapshot_that_is_not_temporal_is_info(tmp_path):
    _, notes = job_with(tmp_path, snapshot="SELECT SiteId, Name, Active FROM dbo.Sites", delta=DELTA)
    assert findings(notes) == [("SC622", SNAP_AT)]
    assert "FOR SYSTEM_TIME AS OF @snapshotTime" in notes[0].message
    _, notes = job_with(tmp_path, snapshot="SELECT SiteId, Name, Active FROM dbo.Sites")   # no delta, no finding
    assert notes == []


def test_a_static_refresh_with_a_delta_query_is_a_warning(tmp_path):
    _, notes = job_with(tmp_path, delta=DELTA, refresh="Static")
    assert findings(notes) == [("SC623", DELTA_AT)]
    _, notes = job_with(tmp_path, delta="   ", refresh="Static")     # an empty delta query is none
    assert notes == []


def test_a_snapshot_that_does_not_parse_is_a_note_not_a_crash(tmp_path):
    shapes, notes = job_with(tmp_path, snapshot="SELEC SiteId FRM dbo.Sites FOR SYSTEM_TIME AS OF @snapshotTime",
                             delta=DELTA)
    assert "sites" not in shapes
    assert findings(notes) == [("SC620", SNAP_AT)]       # the text still says FOR SYSTEM_TIME AS OF: no SC622
    assert notes[0].message.startswith("the snapshot query of input sites does not parse as T-SQL at line 1, column")
    assert notes[0].message.endswith("; the input's field types are not known")


def test_a_delta_that_does_not_parse_is_a_note(tmp_path):
    _, notes = job_with(tmp_path, delta="SELECT FROM WHERE")
    assert findings(notes) == [("SC620", DELTA_AT)]
    assert "the delta query of input sites does not parse" in notes[0].message


def test_a_table_or_column_the_ddl_lacks_is_a_note_with_a_suggestion(tmp_path):
    shapes, notes = job_with(tmp_path, snapshot="SELECT SiteId, Nope FROM dbo.Site")
    assert findings(notes) == [("SC620", SNAP_AT)]
    assert "reads dbo.Site; no CREATE TABLE in the DDL in " in notes[0].message
    assert notes[0].message.endswith("defines it; did you mean dbo.Sites?")
    assert [(n, t.name) for n, t in shapes["sites"].fields] == [("SiteId", None), ("Nope", None)]
    _, notes = job_with(tmp_path, snapshot="SELECT SiteId, Nope FROM dbo.Sites")
    assert findings(notes) == [("SC620", SNAP_AT)]
    assert "reads columns the loaded SQL DDL does not define: Nope (dbo.Sites)" in notes[0].message


def test_without_ddl_the_note_says_what_to_add(tmp_path):
    job = Job("j", "arm", "job.json", str(tmp_path), None, inputs=(
        Input("sites", "sql", False, snapshot_query=SqlText("SELECT SiteId FROM dbo.Sites")),))
    shapes, notes = input_shapes(job, "1.2", None, ())
    assert shapes["sites"].fields[0][0] == "SiteId" and shapes["sites"].fields[0][1].name is None
    (note,) = notes
    assert note.where == Where("job.json")                       # neither the query nor the input has a place
    assert note.message == ("the snapshot query of input sites reads dbo.Sites; no SQL DDL is loaded: add the CREATE "
                            "TABLE of dbo.Sites (a .sql file) to the job's schemas to type the input's fields")


def test_ddl_that_cannot_be_read_is_a_note(tmp_path):
    (tmp_path / "bad.sql").write_text("CREATE TABLE dbo.Sites (SiteId int, 'open\n", encoding="utf-8")
    job = Job("j", "arm", "job.json", str(tmp_path), None, inputs=(
        Input("sites", "sql", False, where=INPUT_AT, snapshot_query=SqlText("SELECT SiteId FROM dbo.Sites")),))
    _, notes = input_shapes(job, "1.2", None, (str(tmp_path / "bad.sql"),))
    (note,) = notes
    assert note.where == INPUT_AT and "the SQL DDL could not be read (" in note.message


def test_stream_inputs_and_inputs_without_a_snapshot_query_are_left_alone(tmp_path):
    job = Job("j", "arm", "job.json", str(tmp_path), None, inputs=(
        Input("a", "sql", True, snapshot_query=SqlText("SELEC")), Input("b", "sql", False)))
    assert input_shapes(job, "1.2") == ({}, [])


def test_the_reference_columns_type_the_query(tmp_path):
    from schemacheck.asa.analysis import analyze

    shapes, _ = job_with(tmp_path)
    analysis = analyze("SELECT h.x, s.Name, s.Active, s.Missing INTO o FROM hub h JOIN sites s ON h.x = s.SiteId",
                       input_shapes=shapes)
    types = [(c.name, c.type, c.source) for c in analysis.outputs[0].columns]
    assert types[1:3] == [("Name", "nvarchar(max)", "reference"), ("Active", "bit", "reference")]
    assert types[3][1] is None


def test_level_1_1_reads_bit_columns_as_bigint(tmp_path):
    (tmp_path / "t.sql").write_text(DDL, encoding="utf-8")
    job = Job("j", "arm", "job.json", str(tmp_path), None, inputs=(
        Input("sites", "sql", False, snapshot_query=SqlText("SELECT Active FROM dbo.Sites")),))
    shapes, _ = input_shapes(job, "1.1", None, (str(tmp_path / "t.sql"),))
    assert shapes["sites"].fields[0][1] == T.known("bigint")._replace(source="reference")
