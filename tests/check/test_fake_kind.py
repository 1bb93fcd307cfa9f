"""A new destination kind is one module and one registry entry: a tiny kind written here,
registered for the test, is checked, suggested and reported in every format by the
pipeline as it is, with no other module touched.

The fake store keeps its tables in `.fake` files, one table per line:

    Readings: DeviceId text, Temp number
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import run_cli

from schemacheck import diagnostics as D
from schemacheck import kinds
from schemacheck.errors import InputError
from schemacheck.kinds.base import COMPARED, NO_TABLE, TABLE_MISSING, DestinationKind
from schemacheck.records import record

# ---- the kind: what a new module would hold -------------------------------------------------


@record
class FakeColumn:
    name: str
    type: str


@record
class FakeTable:
    name: str
    columns: tuple
    file: str
    database: str | None = None

    @property
    def qualified_name(self) -> str:
        return self.name


class FakeCatalog:
    def __init__(self, tables, source="fake tables"):
        self.tables = tables
        self.source = source

    def __len__(self):
        return len(self.tables)


ASA_TO_FAKE = {"nvarchar(max)": "text", "bigint": "number", "float": "number"}


class FakeStore(DestinationKind):
    name = "fake"
    label = "Fake Store"
    language = "fakeql"
    commands_title = "FakeQL commands"
    dialect_title = "FakeQL"
    comment = "#"
    tables_key = "fake"
    handled = frozenset({"SC101", "SC201"})

    def load_tables(self, paths):
        import os

        tables = []
        files = [os.path.join(root, n) for p in paths for root, _, names in os.walk(p) for n in names] \
            if paths else []
        for file in sorted(f for f in files if f.endswith(".fake")):
            with open(file, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    name, sep, columns = line.partition(":")
                    if not sep:
                        raise InputError("expected NAME: COLUMN TYPE, ...", file, number, 1)
                    tables.append(FakeTable(name.strip(), tuple(FakeColumn(*c.split()) for c in columns.split(",")),
                                            file))
        return FakeCatalog(tuple(tables))

    def tables_named(self, catalog, alias):
        return [t for t in catalog.tables if t.name == alias]

    def find_table(self, catalog, where_to, output, report, elsewhere=None):
        where = output.output_span or output.span
        if where_to.table is None:
            report("SC402", f"output {output.output} writes to the Fake Store, but its table is not named", where)
            return NO_TABLE, None
        table = next((t for t in catalog.tables if t.name == where_to.table), None)
        if table is None:
            report("SC501", f"output {output.output} writes to fake table {where_to.table}, which is not loaded", where,
                   table=where_to.table)
            return TABLE_MISSING, None
        return COMPARED, table

    def compare(self, output, table, level, file, source):
        found = []
        columns = {c.name: c for c in table.columns}
        for column in output.columns:
            target = columns.get(column.name)
            if target is None:
                found.append(D.make("SC101", f"output column {column.name} is not in fake table {table.name}",
                                    column.span, file, output=output.output, query_column=column.name,
                                    table=table.name, command=f"ADD {table.name}.{column.name}",
                                    new_type=ASA_TO_FAKE.get(column.type, "text")))
            elif column.type and ASA_TO_FAKE.get(column.type) != target.type:
                found.append(D.make("SC201", f"output column {column.name} is {column.type}, fake column is "
                                    f"{target.type}", column.span, file, output=output.output,
                                    query_column=column.name, table_column=target.name, table=table.name))
        return found

    def suggestion(self, builder):
        from schemacheck.suggest import CommandStep

        for d in builder.found:
            if d.code == "SC101" and d.command:
                builder.commands.append(CommandStep(f"{d.command} {d.new_type}", (d.code,), False,
                                                    f"the query writes {d.query_column}"))
            else:
                builder.common(d)
        return builder.finish(True)


# ---- the job: written here, checked by the command line as it is ----------------------------

QUERY = ("SELECT CAST(d AS nvarchar(max)) AS DeviceId, CAST(t AS float) AS Temp, CAST(s AS bigint) AS Site "
         "INTO readings FROM input\n")


@pytest.fixture
def fake_job(tmp_path, monkeypatch):
    kinds.register(FakeStore(), (".fake",))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "store.fake").write_text("Readings: DeviceId text, Temp number\n", encoding="utf-8")
    (tmp_path / "q.asaql").write_text(QUERY, encoding="utf-8")
    (tmp_path / "schemacheck.toml").write_text('schemas = ["schemas"]\n\n[outputs.readings]\nkind = "fake"\n'
                                               'table = "Readings"\n', encoding="utf-8")
    yield tmp_path
    kinds.unregister("fake")


def test_the_fake_kind_is_checked_and_its_findings_reported_in_every_format(fake_job, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(fake_job / "summary.md"))
    for fmt in ("text", "json", "sarif", "github", "azure", "junit"):
        code, out, err = run_cli("check", "q.asaql", "--format", fmt, "--no-cache")
        assert (code, err) == (1, ""), (fmt, err)
        assert "output column Site is not in fake table Readings" in out, fmt
        if fmt == "text":
            assert "readings (line 1) -> Readings (schemas/store.fake): 1 error" in out
            assert out.rstrip().endswith("1 of 1 output compared")
        if fmt == "json":
            (output,) = json.loads(out)["files"][0]["outputs"]
            assert (output["status"], output["kind"], output["table"]) == ("compared", "fake", "Readings")
        if fmt == "sarif":
            assert json.loads(out)["runs"][0]["properties"] == {"outputs": 1, "outputsCompared": 1}
        if fmt == "github":
            assert re.search(r"^::error file=q\.asaql,line=1,.*title=SC101", out, re.M)
        if fmt == "junit":
            case = next(c for c in ET.fromstring(out).iter("testcase") if "readings" in c.get("name"))
            assert case.get("name") == "readings -> Readings" and case.find("failure") is not None
    assert "| readings | 1 | Readings | compared | 1 error |" in (fake_job / "summary.md").read_text(encoding="utf-8")


def test_the_fake_kind_is_suggested_in_its_own_language(fake_job):
    code, out, _ = run_cli("suggest", "q.asaql", "--no-cache")
    assert code == 0
    assert "  FakeQL commands (1):" in out and "ADD Readings.Site number" in out and "# SC101: " in out
    code, out, _ = run_cli("suggest", "q.asaql", "--format", "json", "--no-cache")
    (suggestion,) = json.loads(out)["files"][0]["outputs"]
    assert suggestion["language"] == "fakeql"


def test_the_fake_kind_is_matched_by_name_and_targeted_by_its_kind(fake_job):
    (fake_job / "schemacheck.toml").write_text('schemas = ["schemas"]\n', encoding="utf-8")
    code, out, _ = run_cli("check", "q.asaql", "--target", "readings=fake:Readings", "--format", "json", "--no-cache")
    assert code == 1 and json.loads(out)["files"][0]["outputs"][0]["kind"] == "fake"
    # The output's own name, among the fake tables (the ADX catalog holds no table of it).
    (fake_job / "schemas" / "store.fake").write_text("readings: DeviceId text, Temp number, Site number\n",
                                                     encoding="utf-8")
    code, out, _ = run_cli("check", "q.asaql", "--format", "json", "--no-cache")
    document = json.loads(out)
    assert code == 0 and document["files"][0]["outputs"][0]["kind"] == "fake"
    assert [d["code"] for d in document["files"][0]["diagnostics"]] == ["SC405"]


def test_the_configuration_names_the_registered_kind_and_refuses_others(fake_job):
    (fake_job / "schemacheck.toml").write_text('[outputs.readings]\nkind = "fakes"\n', encoding="utf-8")
    code, _, err = run_cli("check", "q.asaql", "--no-cache")
    assert code == 2 and "outputs.readings.kind: input should be 'adx'" in err and "or 'fake'" in err
