"""Shape.plain (schemacheck/validation.py): the predicate that lets an everyday schema file
through without importing pydantic must never accept what pydantic would refuse or change."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings, strategies as st

from conftest import ROOT

from schemacheck.kusto.files import DATABASE_SCHEMA, TABLE

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                    max_leaves=8)
TEXT = st.one_of(st.text(max_size=4), st.just(""), JSON)
OPTIONAL_TEXT = st.one_of(st.none(), st.text(max_size=4), JSON)
COLUMN = st.one_of(st.fixed_dictionaries({"Name": TEXT}, optional={
    "Type": OPTIONAL_TEXT, "CslType": OPTIONAL_TEXT, "Extra": JSON}), JSON)
TABLE_DATA = st.one_of(st.fixed_dictionaries({"Name": TEXT, "OrderedColumns": st.one_of(st.lists(COLUMN, max_size=4), JSON)},
                                             optional={"Folder": OPTIONAL_TEXT, "DocString": OPTIONAL_TEXT, "x": JSON}),
                       st.fixed_dictionaries({}, optional={"Name": TEXT, "OrderedColumns": st.lists(COLUMN, max_size=2)}),
                       JSON)
DATABASE_DATA = st.one_of(st.fixed_dictionaries({"Databases": st.one_of(st.dictionaries(st.text(max_size=3), st.one_of(
    st.fixed_dictionaries({}, optional={"Name": OPTIONAL_TEXT, "Tables": st.one_of(
        st.dictionaries(st.text(max_size=3), TABLE_DATA, max_size=3), JSON)}), JSON), max_size=3), JSON)}), JSON)


def agrees(shape, data) -> bool:
    if not shape.plain(data):
        return True
    return shape.validator().validate_python(data) == data   # raises if pydantic refuses


@settings(max_examples=400, deadline=None)
@given(TABLE_DATA)
def test_a_plain_table_is_one_pydantic_accepts_unchanged(data):
    assert agrees(TABLE, data)


@settings(max_examples=300, deadline=None)
@given(DATABASE_DATA)
def test_a_plain_database_schema_is_one_pydantic_accepts_unchanged(data):
    assert agrees(DATABASE_SCHEMA, data)


def test_everyday_files_are_plain_and_odd_ones_are_not():
    table = {"Name": "T", "OrderedColumns": [{"Name": "a", "Type": "System.String", "CslType": "string"}],
             "Folder": None, "DocString": ""}
    assert TABLE.plain(table) and DATABASE_SCHEMA.plain({"Databases": {"db": {"Name": "db", "Tables": {"T": table}}}})
    for odd in ({**table, "Name": ""}, {**table, "OrderedColumns": [{"Name": 3}]}, {**table, "Folder": 1},
                {"OrderedColumns": []}, [table]):
        assert not TABLE.plain(odd)


def test_the_cold_check_of_the_sample_does_not_import_pydantic():
    program = ("import sys; from schemacheck.cli import main; "
               f"code = main(['check', '--no-cache', {str(ROOT / 'samples' / 'fleet-telemetry')!r}]); "
               "print(code, 'pydantic_core' in sys.modules, file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert run.stderr.splitlines()[-1] == "1 False"


def test_a_bad_schema_file_still_gets_pydantic_s_message(tmp_path):
    from conftest import run_cli

    (tmp_path / "T.json").write_text('{"Name": "T", "OrderedColumns": [{"Name": 7}]}', encoding="utf-8")
    (tmp_path / "q.asaql").write_text("SELECT 1 AS a INTO T FROM i", encoding="utf-8")
    code, _, err = run_cli("check", str(tmp_path / "q.asaql"), "--schema", str(tmp_path / "T.json"))
    assert code == 2 and "OrderedColumns[0].Name" in err and "T.json:1:" in err
