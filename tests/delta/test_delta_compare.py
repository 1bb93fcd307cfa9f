"""The ASA-to-Delta comparator (schemacheck.delta.compare) as a pure function, and where an
output's kind and table come from (schemacheck.check.destinations: a blob output with Delta
serialization and every Fabric Lakehouse output write to a Delta table)."""

from __future__ import annotations

import pytest

from schemacheck.asa.analysis import analyze
from schemacheck.check.destinations import as_checked, destination, stated_kinds
from schemacheck.config import Config, OutputConfig
from schemacheck.delta.compare import compare_delta
from schemacheck.delta.log import DeltaColumn, DeltaTable, Protocol
from schemacheck.jobs.model import Job, Output, OutputSetting, Where


def column(name: str, type_: str, nullable: bool = True, unsupported=()) -> DeltaColumn:
    kind = "decimal" if type_.startswith("decimal") else type_.split("<")[0]
    return DeltaColumn(name, type_, kind, nullable, None, tuple(unsupported))


READINGS = (column("DeviceId", "string"), column("Temperature", "double"), column("Site", "string"))
TYPED = ("CAST(DeviceId AS nvarchar(max)) AS DeviceId, CAST(Temperature AS float) AS Temperature, "
         "CAST(Site AS nvarchar(max)) AS Site")


def delta_table(*columns: DeltaColumn, **fields) -> DeltaTable:
    return DeltaTable("Readings", "tables/Readings", "tables/Readings/_delta_log/00000000000000000000.json", 2,
                      columns or READINGS, **fields)


def run(select: str, table: DeltaTable | None = None, level: str = "1.2", source: str = "FROM i"):
    query = f"SELECT {select} INTO o {source}"
    output = analyze(query, level=level).outputs[0]
    return compare_delta(output, table or delta_table(), level, "q.asaql", query)


def codes(found) -> list[tuple[str, str | None]]:
    return [(d.code, d.query_column or d.table_column) for d in found]


def test_a_statement_that_fits_has_no_finding():
    assert run(TYPED) == []


def test_names_match_without_regard_to_case():
    assert run(TYPED.replace("AS DeviceId", "AS deviceid").replace("AS Site", "AS SITE")) == []


def test_a_column_the_table_lacks_is_dropped_silently():
    (finding,) = run(TYPED + ", CAST(Zone AS nvarchar(max)) AS Zone")
    assert (finding.code, finding.severity, finding.query_column, finding.table) == ("SC830", "warning", "Zone",
                                                                                    "Readings")
    assert "dropped without an error" in finding.message and finding.edit is None
    assert "ALTER TABLE ... ADD COLUMNS" in finding.fix


def test_a_near_miss_is_aliased():
    finding, null = run(TYPED.replace("AS Temperature", "AS Temprature"))
    assert (null.code, null.table_column) == ("SC831", "Temperature")   # until the alias is applied
    assert (finding.code, finding.suggested_name, finding.near) == ("SC830", "Temperature", ("Temperature",))
    assert finding.edit is not None and finding.edit.text.endswith("AS Temperature")
    assert "did you mean Temperature?" in finding.message


def test_no_column_in_common_is_one_schema_conversion_failure():
    (finding,) = run("CAST(a AS bigint) AS a, CAST(b AS bigint) AS b")
    assert finding.code == "SC830" and finding.query_column is None
    assert "none of the columns this statement writes (a, b)" in finding.message
    assert "schema conversion failure" in finding.message and "error policy" in finding.message


def test_a_table_column_never_written_is_null():
    (finding,) = run(TYPED.replace(", CAST(Site AS nvarchar(max)) AS Site", ""))
    assert (finding.code, finding.severity, finding.table_column) == ("SC831", "info", "Site")
    assert finding.message.endswith("ASA writes it as null in its rows")


def test_a_null_partition_column_or_one_not_nullable_is_said():
    table = delta_table(column("DeviceId", "string"), column("Site", "string", nullable=False),
                        partition_columns=("Site",))
    (finding,) = run("CAST(DeviceId AS nvarchar(max)) AS DeviceId", table)
    assert "it is a partition column of the table" in finding.message
    assert "not nullable, and what ASA's writer does with a null there is not documented" in finding.message


def test_no_null_finding_when_the_columns_are_not_all_known():
    assert codes(run("*", source="FROM i")) == []


@pytest.mark.parametrize("unsupported, words", [
    (column("Day", "date", unsupported=[("Day", "date")]), "column Day is date"),
    (column("Amount", "decimal(10,2)", unsupported=[("Amount", "decimal(10,2)")]), "column Amount is decimal(10,2)"),
    (column("At", "struct<When: date>", unsupported=[("At.When", "date")]), "holds date at At.When"),
])
def test_date_and_decimal_columns_are_not_supported(unsupported, words):
    found = run(TYPED, delta_table(*READINGS, unsupported))
    assert codes(found) == [("SC832", unsupported.name), ("SC831", unsupported.name)]
    assert words in found[0].message and "Date or Decimal" in found[0].message


@pytest.mark.parametrize("protocol, reported", [
    (Protocol(3, 7, ("deletionVectors",), ("deletionVectors", "appendOnly")), "deletionVectors"),
    (Protocol(3, 7, (), ("columnMapping", "v2Checkpoint")), "columnMapping, v2Checkpoint"),
    (Protocol(1, 7, (), ("appendOnly", "changeDataFeed")), None),
    (Protocol(2, 5, (), ()), None),
    (Protocol(1, 2), None),
])
def test_writer_features_asa_does_not_support(protocol, reported):
    found = run(TYPED, delta_table(protocol=protocol))
    if reported is None:
        assert found == []
    else:
        (finding,) = found
        assert finding.code == "SC832" and "writer version 7 with writer feature" in finding.message
        assert reported in finding.message


def test_a_multi_part_checkpoint_is_not_supported():
    (finding,) = run(TYPED, delta_table(checkpoint="00000000000000000010.checkpoint.0000000001.0000000002.parquet",
                                        checkpoint_form="multi-part"))
    assert finding.code == "SC832" and "multi-part checkpoint" in finding.message


@pytest.mark.parametrize("select, table_type, fix", [
    ("CAST(x AS float) AS Temperature", "float", "give the table column the type double"),
    ("CAST(x AS bigint) AS Temperature", "integer", "give the table column the type long"),
    ("CAST(x AS float) AS Temperature", "long", "`CAST(x AS bigint)` in the query"),
    ("CAST(x AS datetime) AS Temperature", "timestamp_ntz", "give the table column the type timestamp"),
    ("CAST(x AS nvarchar(max)) AS Temperature", "double", "`TRY_CAST(x AS float)` in the query"),
])
def test_a_type_that_differs_under_the_assumed_mapping(select, table_type, fix):
    (finding,) = run(select, delta_table(column("Temperature", table_type)))
    assert (finding.code, finding.severity, finding.expected_type) == ("SC833", "warning", table_type)
    assert "no type mapping for Delta Lake" in finding.message and "assumed" in finding.message
    assert fix in finding.fix


@pytest.mark.parametrize("select, table_type", [
    ("CAST(x AS bigint) AS c", "long"), ("CAST(x AS float) AS c", "double"),
    ("CAST(x AS nvarchar(max)) AS c", "string"), ("CAST(x AS datetime) AS c", "timestamp"),
    ("CAST(x AS bit) AS c", "boolean"), ("CAST(x AS record) AS c", "struct<a: long>"),
    ("CAST(x AS array) AS c", "array<long>"),
])
def test_the_assumed_mapping(select, table_type):
    assert run(select, delta_table(column("c", table_type))) == []


def test_a_boolean_below_level_1_2_asks_for_the_level():
    (finding,) = run("CAST(x AS bigint) AS c", delta_table(column("c", "boolean")), level="1.1")
    assert finding.code == "SC833" and "raise the job's compatibility level to 1.2" in finding.fix


def test_an_untyped_column_is_summarised_not_guessed():
    found = run("DeviceId, CAST(Temperature AS float) AS Temperature, CAST(Site AS nvarchar(max)) AS Site")
    assert codes(found) == [("SC203", None)]


# ---- the kind of a job's output -------------------------------------------------------------

def output(alias: str, kind: str, **settings) -> Output:
    where = Where("job.json", 3, 5)
    return Output(alias, kind, where=where, settings=tuple(OutputSetting(k, v, where) for k, v in settings.items()))


def job(*outputs: Output) -> Job:
    return Job("j", "arm", "job.json", ".", None, outputs=outputs)


@pytest.mark.parametrize("defined, kind, table", [
    (output("o", "blob", serialization="Delta", deltaTablePath="/fleet/Readings"), "delta", "Readings"),
    (output("o", "blob", serialization="delta", deltaTablePath="fleet\\Readings/"), "delta", "Readings"),
    (output("o", "blob", serialization="Delta"), "delta", None),
    (output("o", "blob", serialization="Json", deltaTablePath="/fleet/Readings"), "blob", None),
    (output("o", "blob"), "blob", None),
    (output("o", "fabric-lakehouse", serialization="Delta", tableName="Events"), "delta", "Events"),
    (output("o", "fabric-lakehouse", tableName="Events"), "delta", "Events"),
    (output("o", "fabric-lakehouse"), "delta", None),
    (output("o", "sql"), "sql", None),
])
def test_which_outputs_write_to_a_delta_table(defined, kind, table):
    checked = as_checked(defined)
    assert (checked.kind, checked.table) == (kind, table)
    where_to = destination("o", {}, Config(), job=job(defined))
    assert where_to.kind == kind and where_to.table == table
    if kind == "delta":
        assert where_to.origin == "job.json:3"
        assert stated_kinds(["o"], {}, Config(), job(defined)) == [("delta", None)]


def test_the_configuration_may_still_say_otherwise():
    defined = output("o", "fabric-lakehouse", tableName="Events")
    config = Config(outputs={"o": OutputConfig(kind="blob")})
    assert destination("o", {}, config, job=job(defined)).kind == "blob"
    config = Config(outputs={"o": OutputConfig(table="Other", schemas=("lake",))})
    where_to = destination("o", {}, config, job=job(defined))
    assert (where_to.kind, where_to.table, where_to.schemas) == ("delta", "Other", ("lake",))
