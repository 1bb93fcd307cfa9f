"""Reading a Delta table's schema from its `_delta_log` (schemacheck.delta.log) and finding
the tables below the schema paths (schemacheck.delta.catalog): the latest metaData by
version, the protocol, column mapping, checkpoints the reader cannot read, and files that
are no Delta log, refused in one line with the file, line and column."""

from __future__ import annotations

import json
import os

import pytest
from delta_files import COMMIT_INFO, READINGS, add, commit, field, log_path, metadata, protocol, struct, table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.delta.catalog import load_catalog, table_folders
from schemacheck.delta.log import read_table
from schemacheck.errors import InputError


def names(table_) -> list[str]:
    return [c.name for c in table_.columns]


def refused(folder) -> InputError:
    with pytest.raises(InputError) as caught:
        read_table(str(folder))
    assert "\n" not in str(caught.value)
    return caught.value


# ---- versions -----------------------------------------------------------------------------------

def test_the_latest_metadata_by_version_wins(tmp_path):
    folder = tmp_path / "Readings"
    commit(folder, 0, COMMIT_INFO, protocol(), metadata(field("DeviceId", "string")), add())
    commit(folder, 1, COMMIT_INFO, add("part-1.parquet"))
    path = commit(folder, 2, COMMIT_INFO, metadata(*READINGS))
    commit(folder, 3, COMMIT_INFO, add("part-3.parquet"))
    found = read_table(str(folder))
    assert (found.name, names(found)) == ("Readings", ["DeviceId", "Temperature", "Site"])
    assert (found.file, found.line, found.version, found.latest) == (str(path), 2, 2, 3)
    assert found.protocol.min_writer_version == 2 and found.protocol.line == 2   # from version 0
    assert found.unreadable is None


def test_versions_are_ordered_as_numbers_and_other_files_are_not_commits(tmp_path):
    folder = tmp_path / "T"
    commit(folder, 9, metadata(field("old", "string")))
    commit(folder, 10, metadata(field("new", "string")))
    for version in range(9):
        commit(folder, version, protocol() if version == 0 else add())
    (folder / "_delta_log" / "00000000000000000010.crc").write_text("{}", encoding="utf-8")
    (folder / "_delta_log" / "00000000000000000011.json.tmp").write_text("not json", encoding="utf-8")
    (folder / "_delta_log" / "notes.json").write_text("not json", encoding="utf-8")
    assert names(read_table(str(folder))) == ["new"]


def test_a_later_protocol_action_wins(tmp_path):
    folder = tmp_path / "T"
    commit(folder, 0, protocol(), metadata(field("a", "long")))
    commit(folder, 1, protocol(3, 7, ["deletionVectors"], ["deletionVectors", "appendOnly"]))
    found = read_table(str(folder)).protocol
    assert (found.min_reader_version, found.min_writer_version) == (3, 7)
    assert found.writer_features == ("deletionVectors", "appendOnly")
    assert found.reader_features == ("deletionVectors",)


def test_types_nested_types_and_the_unsupported_ones_at_any_depth(tmp_path):
    folder = table(tmp_path, "T",
                   field("Amount", "decimal(10,2)"),
                   field("Day", "date"),
                   field("At", struct(field("When", "date"), field("Where", "string"))),
                   field("Tags", {"type": "array", "elementType": "string", "containsNull": True}),
                   field("Prices", {"type": "map", "keyType": "string", "valueType": "decimal(5,1)",
                                    "valueContainsNull": True}),
                   field("Seen", "timestamp_ntz", nullable=False))
    columns = {c.name: c for c in read_table(str(folder)).columns}
    assert (columns["Amount"].kind, columns["Amount"].unsupported) == ("decimal", (("Amount", "decimal(10,2)"),))
    assert columns["Day"].unsupported == (("Day", "date"),)
    assert columns["At"].type == "struct<When: date, Where: string>"
    assert columns["At"].unsupported == (("At.When", "date"),)
    assert (columns["Tags"].type, columns["Tags"].kind, columns["Tags"].unsupported) == ("array<string>", "array", ())
    assert columns["Prices"].unsupported == (("Prices.value", "decimal(5,1)"),)
    assert (columns["Seen"].kind, columns["Seen"].nullable) == ("timestamp_ntz", False)


def test_partition_columns(tmp_path):
    folder = table(tmp_path, "T", *READINGS, partitions=("Site",))
    assert read_table(str(folder)).partition_columns == ("Site",)


def test_column_mapping_uses_the_logical_names(tmp_path):
    folder = tmp_path / "Mapped"
    mapped = [field("DeviceId", "string", metadata={"delta.columnMapping.id": 1,
                                                     "delta.columnMapping.physicalName": "col-5f422f40"}),
              field("Temperature", "double", metadata={"delta.columnMapping.id": 2,
                                                        "delta.columnMapping.physicalName": "col-0a3b1c2d"})]
    commit(folder, 0, protocol(2, 5), metadata(*mapped, configuration={"delta.columnMapping.mode": "name",
                                                                        "delta.columnMapping.maxColumnId": "2"}))
    found = read_table(str(folder))
    assert names(found) == ["DeviceId", "Temperature"]
    assert [c.physical_name for c in found.columns] == ["col-5f422f40", "col-0a3b1c2d"]
    assert found.column_mapping == "name"
    assert found.column("deviceid") is found.columns[0]   # names match regardless of case


# ---- checkpoints and what cannot be read ------------------------------------------------------

def test_a_table_whose_schema_is_only_in_a_checkpoint_is_unreadable_not_an_error(tmp_path):
    folder = tmp_path / "Cleaned"
    commit(folder, 11, COMMIT_INFO, add())
    commit(folder, 12, COMMIT_INFO, add("part-12.parquet"))
    (folder / "_delta_log" / "00000000000000000010.checkpoint.parquet").write_bytes(b"PAR1\x00\x00PAR1")
    (folder / "_delta_log" / "_last_checkpoint").write_text('{"version":10,"size":4}', encoding="utf-8")
    found = read_table(str(folder))
    assert found.columns == () and found.latest == 12
    assert found.checkpoint == "00000000000000000010.checkpoint.parquet" and found.checkpoint_form == "classic"
    assert "checkpoint 00000000000000000010.checkpoint.parquet" in found.unreadable
    assert "does not read" in found.unreadable and "start at version 11" in found.unreadable


def test_a_metadata_change_after_the_checkpoint_is_read(tmp_path):
    folder = tmp_path / "T"
    commit(folder, 11, add())
    commit(folder, 12, metadata(*READINGS))
    (folder / "_delta_log" / "00000000000000000010.checkpoint.parquet").write_bytes(b"PAR1")
    found = read_table(str(folder))
    assert found.unreadable is None and names(found) == ["DeviceId", "Temperature", "Site"]
    assert found.protocol is None   # in the checkpoint


def test_a_log_of_checkpoints_only_is_unreadable(tmp_path):
    log = tmp_path / "T" / "_delta_log"
    log.mkdir(parents=True)
    (log / "00000000000000000020.checkpoint.0000000001.0000000002.parquet").write_bytes(b"PAR1")
    (log / "00000000000000000020.checkpoint.0000000002.0000000002.parquet").write_bytes(b"PAR1")
    found = read_table(str(tmp_path / "T"))
    assert found.checkpoint_form == "multi-part" and "no commit file" in found.unreadable


def test_a_v2_checkpoint_is_recognised(tmp_path):
    folder = tmp_path / "T"
    commit(folder, 3, metadata(*READINGS))
    name = "00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json"
    (folder / "_delta_log" / name).write_text("{}\n", encoding="utf-8")
    found = read_table(str(folder))
    assert (found.checkpoint, found.checkpoint_form) == (name, "v2")


def test_a_missing_commit_after_the_metadata_makes_the_schema_unknown(tmp_path):
    folder = tmp_path / "T"
    commit(folder, 0, protocol(), metadata(*READINGS))
    commit(folder, 2, add())
    assert "commit 1 is missing" in read_table(str(folder)).unreadable


# ---- files that are no Delta log ----------------------------------------------------------------

def test_a_line_that_is_not_json_is_located(tmp_path):
    folder = tmp_path / "T"
    line = '{"metaData": {"id": "x",, "schemaString": "{}"}}'
    path = commit(folder, 0, protocol(), line)
    error = refused(folder)
    column = line.index(",,") + 2   # the second comma
    assert (error.file, error.line, error.column) == (str(path), 2, column)
    assert str(error).startswith(f"{path}:2:{column}: not a Delta log action: this line is not valid JSON")


def test_a_line_that_is_not_an_object(tmp_path):
    path = commit(tmp_path / "T", 0, protocol(), '  ["metaData"]')
    error = refused(tmp_path / "T")
    assert (error.file, error.line, error.column) == (str(path), 2, 3)
    assert "each line of a Delta log is a JSON object" in error.message


def test_a_schema_string_that_is_not_json_points_at_it(tmp_path):
    line = json.dumps({"metaData": {"id": "x", "schemaString": '{"type": "struct", "fields": [}'}})
    path = commit(tmp_path / "T", 0, protocol(), line)
    error = refused(tmp_path / "T")
    assert (error.file, error.line, error.column) == (str(path), 2, line.index('"{') + 1)
    assert error.message.startswith("metaData.schemaString is not valid JSON")


@pytest.mark.parametrize("schema, words", [
    ({"type": "array", "elementType": "string"}, 'expected {"type": "struct", "fields": [...]}'),
    (struct({"name": "a"}), 'fields[0] ("a") has no type'),
    (struct({"type": "long"}), "fields[0] has no name"),
    (struct(field("a", {"type": "struct"})), 'fields[0] ("a"): a struct type without a list of fields'),
    (struct(field("a", {"type": "array"})), "an array type without elementType"),
    (struct(field("a", {"type": "udt"})), "neither a struct, an array nor a map"),
    (struct(field("a", 7)), "neither a name nor a struct, array or map object"),
    (struct(field("a", "long", nullable="yes")), "nullable is not true or false"),
    (struct(field("DeviceId", "string"), field("deviceid", "long")),
     'columns "DeviceId" and "deviceid" have the same name regardless of case'),
    (struct(field("line\nbreak", "long"), {"name": "line\nbreak"}), '"line\\nbreak"'),
])
def test_a_schema_that_is_no_delta_schema(tmp_path, schema, words):
    line = json.dumps({"metaData": {"id": "x", "schemaString": json.dumps(schema)}})
    commit(tmp_path / "T", 0, protocol(), line)
    error = refused(tmp_path / "T")
    assert error.line == 2 and error.column == line.index('"{') + 1
    assert words in error.message, error.message


@pytest.mark.parametrize("action, words, key", [
    ({"metaData": []}, "the metaData action is not a JSON object", '"metaData"'),
    ({"metaData": {"id": "x"}}, "no schemaString", '"metaData"'),
    ({"metaData": {"schemaString": json.dumps(struct()), "partitionColumns": "Site"}},
     "metaData.partitionColumns is not a list", '"partitionColumns"'),
    ({"protocol": {"minReaderVersion": "1", "minWriterVersion": 2}}, "protocol.minReaderVersion is not a whole number",
     '"minReaderVersion"'),
    ({"protocol": {"minReaderVersion": 3, "minWriterVersion": 7, "writerFeatures": "appendOnly"}},
     "protocol.writerFeatures is not a list", '"writerFeatures"'),
])
def test_bad_actions_point_at_their_value(tmp_path, action, words, key):
    line = json.dumps(action)
    commit(tmp_path / "T", 0, line)
    error = refused(tmp_path / "T")
    assert words in error.message
    assert error.line == 1 and error.column == line.index(key) + len(key) + 3   # the value after `": `


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = log_path(tmp_path / "T", 0)
    path.parent.mkdir(parents=True)
    path.write_bytes(json.dumps(protocol()).encode() + b'\n{"commitInfo": "\xff"}\n')
    error = refused(tmp_path / "T")
    assert (error.file, error.line, error.column) == (str(path), 2, 17) and "not UTF-8" in error.message


def test_a_log_from_version_0_without_metadata_is_refused(tmp_path):
    path = commit(tmp_path / "T", 0, protocol(), add())
    commit(tmp_path / "T", 1, add())
    error = refused(tmp_path / "T")
    assert (error.file, error.line, error.column) == (str(path), 1, 1) and "no metaData action" in error.message


def test_blank_lines_and_crlf_line_ends_are_read(tmp_path):
    path = log_path(tmp_path / "T", 0)
    path.parent.mkdir(parents=True)
    path.write_bytes(("\r\n".join(json.dumps(a) for a in (protocol(), metadata(*READINGS))) + "\r\n\r\n").encode())
    assert names(read_table(str(tmp_path / "T"))) == ["DeviceId", "Temperature", "Site"]


# ---- the tables below the schema paths ---------------------------------------------------------

def test_every_folder_holding_a_delta_log_is_a_table(tmp_path):
    readings = table(tmp_path / "tables", "Readings", *READINGS)
    alerts = table(tmp_path / "tables" / "lakehouse", "Alerts", field("DeviceId", "string"))
    (readings / "Site=north").mkdir()          # a partition's folder is not searched
    table(readings / "Site=north", "Nested", field("x", "long"))
    (tmp_path / "tables" / "notes.kql").write_text(".create table X (a: long)\n", encoding="utf-8")
    assert table_folders([str(tmp_path / "tables")]) == [str(readings), str(alerts)]   # walked in name order
    catalog = load_catalog((str(tmp_path / "tables"),))
    assert len(catalog) == 2 and [t.name for t in catalog.named("READINGS")] == ["Readings"]
    assert catalog.near_misses("Reading") == ["Readings"]


def test_a_path_may_be_the_table_or_its_log(tmp_path):
    readings = table(tmp_path, "Readings", *READINGS)
    assert table_folders([str(readings)]) == [str(readings)]
    assert table_folders([str(readings / "_delta_log")]) == [str(readings)]
    assert table_folders([str(log_path(readings, 0)), str(tmp_path / "missing")]) == []


# ---- property: any bytes are read or refused in one line ----------------------------------------

def _read_or_refuse(folder) -> None:
    try:
        read_table(str(folder))
    except InputError as error:
        assert "\n" not in str(error) and error.file and os.path.basename(error.file)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_any_bytes_in_a_log_file_are_read_or_refused_in_one_line(tmp_path, data):
    path = log_path(tmp_path / "T", 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    _read_or_refuse(tmp_path / "T")


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=12)
FIELD_KEYS = st.sampled_from(["name", "type", "nullable", "metadata", "fields", "elementType", "keyType", "valueType"])


@st.composite
def schemas(draw):
    """A schemaString: a real schema with values replaced by anything JSON holds, or any JSON."""
    fields = draw(st.lists(st.fixed_dictionaries({"name": st.text(max_size=4) | JSON, "type": st.sampled_from(
        ["long", "date", "decimal(3,1)", "", "struct"]) | JSON}, optional={"nullable": JSON, "metadata": JSON}),
        max_size=4))
    schema = draw(st.sampled_from([{"type": "struct", "fields": fields}, draw(JSON)]))
    return json.dumps(schema) if draw(st.booleans()) else draw(st.text(max_size=30))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema=schemas(), meta=st.dictionaries(FIELD_KEYS | st.sampled_from(["partitionColumns", "configuration"]),
                                              JSON, max_size=3),
       proto=st.dictionaries(st.sampled_from(["minReaderVersion", "minWriterVersion", "readerFeatures",
                                              "writerFeatures"]), JSON, max_size=4))
def test_any_metadata_and_protocol_values_are_read_or_refused_in_one_line(tmp_path, schema, meta, proto):
    commit(tmp_path / "T", 0, {"protocol": proto}, {"metaData": {**meta, "schemaString": schema}})
    _read_or_refuse(tmp_path / "T")
