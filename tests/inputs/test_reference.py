"""Reference data files (schemacheck.inputs.reference): the file a blob reference input's path pattern
names, found in the job's folder or below, read as that input's sample with source "reference"."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemacheck.asa.analysis import analyze
from schemacheck.inputs import input_shapes
from schemacheck.inputs.reference import MAX_LEVELS, file_name, reference_file, reference_shapes
from schemacheck.jobs.model import Input, Job, Query, Sample, Where


@pytest.mark.parametrize("pattern, name", [
    ("registration.json", "registration.json"),
    ("reference/{date}/{time}/products.csv", "products.csv"),
    ("refdata\\stores.csv", "stores.csv"),
    ("refdata/{date}/{time}.csv", None),
    ("refdata/{date}", None),
    ("refdata/", None),           # a folder
    ("", None),
    (None, None),
])
def test_the_file_a_path_pattern_names(pattern, name):
    assert file_name(pattern) == name


def touch(root: Path, relative: str, text: str = "a\n1\n") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_whole_pattern_below_the_job_wins(tmp_path):
    touch(tmp_path, "stores.csv")
    exact = touch(tmp_path, "ref/stores.csv")
    assert reference_file(str(tmp_path), "ref/stores.csv") == str(exact)


def test_a_file_of_the_name_below_the_job_is_found(tmp_path):
    found = touch(tmp_path, "data/reference/stores.csv")
    assert reference_file(str(tmp_path), "stores/{date}/stores.csv") == str(found)


def test_more_matching_folders_then_nearer_wins(tmp_path):
    touch(tmp_path, "a/b/c/stores.csv")
    matching = touch(tmp_path, "x/y/refs/stores.csv")
    assert reference_file(str(tmp_path), "refs/{date}/stores.csv") != str(matching)   # {date} sits between
    assert reference_file(str(tmp_path), "container/refs/stores.csv") == str(matching)
    near = touch(tmp_path, "near/stores.csv")
    assert reference_file(str(tmp_path), "{date}/stores.csv") == str(near)


def test_the_exact_spelling_wins_over_another_case(tmp_path):
    touch(tmp_path, "a/Stores.CSV")
    exact = touch(tmp_path, "b/stores.csv")
    assert reference_file(str(tmp_path), "stores.csv") == str(exact)
    assert reference_file(str(tmp_path), "STORES.csv") == str(tmp_path / "a/Stores.CSV")


def test_hidden_deep_and_build_folders_are_not_searched(tmp_path):
    touch(tmp_path, ".git/stores.csv")
    touch(tmp_path, "node_modules/x/stores.csv")
    touch(tmp_path, "bin/Debug/stores.csv")
    touch(tmp_path, "/".join(["d"] * (MAX_LEVELS + 1)) + "/stores.csv")
    assert reference_file(str(tmp_path), "stores.csv") is None
    reachable = touch(tmp_path, "/".join(["e"] * MAX_LEVELS) + "/stores.csv")
    assert reference_file(str(tmp_path), "stores.csv") == str(reachable)


def job(root: Path, inputs, samples=()) -> Job:
    return Job("j", "vscode", str(root / "asaproj.json"), str(root), Query("SELECT 1 AS x INTO o FROM s", "q.asaql"),
               inputs=tuple(inputs), samples=tuple(samples))


WHERE = Where("Inputs/stores.json", 1, 1)


def test_reference_shapes_read_csv_by_serialization_and_json_by_suffix(tmp_path):
    touch(tmp_path, "refdata/stores.txt", "Id;Name\n1;a\n")
    touch(tmp_path, "refdata/regions.json", '[{"code": "NL", "area": {"km2": 41850.5}}]')
    inputs = [Input("stores", "blob", False, "Blob storage", WHERE, "csv", "stores/stores.txt"),
              Input("regions", "blob", False, "Blob storage", WHERE, None, "{date}/regions.json"),
              Input("stream", "eventhub", True, "Event Hub", WHERE, "json", "regions.json"),
              Input("sqlref", "sql", False, "SQL Database", WHERE, None, "regions.json")]
    notes: list = []
    shapes = reference_shapes(job(tmp_path, inputs), "1.2", notes)
    assert notes == [] and sorted(shapes) == ["regions", "stores"]
    stores = shapes["stores"]
    assert stores.kind is None and stores.source.startswith("reference data ") and "stores.txt" in stores.source
    assert [(n, t.name, t.source) for n, t in stores.fields] == [("Id", "bigint", "reference"),
                                                                 ("Name", "nvarchar(max)", "reference")]
    area = dict(shapes["regions"].fields)["area"]
    assert area.source == "reference" and area.field("km2").name == "float"


def test_unreadable_and_unread_reference_files_are_notes(tmp_path):
    touch(tmp_path, "broken.json", "[{")
    touch(tmp_path, "products.parquet", "PAR1")
    inputs = [Input("broken", "blob", False, "Blob storage", WHERE, "json", "broken.json"),
              Input("products", "blob", False, "Blob storage", None, "parquet", "products.parquet"),
              Input("absent", "blob", False, "Blob storage", WHERE, "csv", "absent.csv")]
    notes: list = []
    assert reference_shapes(job(tmp_path, inputs), "1.2", notes) == {}
    assert [n.code for n in notes] == ["SC609", "SC609"]
    assert "reference data" in notes[0].message and "for input broken" in notes[0].message
    assert "not valid JSON" in notes[0].message and notes[0].where == WHERE
    assert "parquet, which schemacheck does not read" in notes[1].message
    assert notes[1].where.file.endswith("products.parquet")


def test_reference_data_is_stronger_than_a_sample(tmp_path):
    touch(tmp_path, "ref/stores.csv", "Id,Name\n1,a\n")
    sample = touch(tmp_path, "data/stores.json", '[{"Id": "x"}]')
    inputs = [Input("stores", "blob", False, "Blob storage", WHERE, "csv", "ref/stores.csv")]
    shapes, notes = input_shapes(job(tmp_path, inputs, [Sample("stores", str(sample), "json", WHERE)]), "1.2")
    assert notes == []
    assert dict(shapes["stores"].fields)["Id"].name == "bigint"
    assert shapes["stores"].source.startswith("reference data")


def test_a_field_missing_from_reference_data_says_reference_data(tmp_path):
    touch(tmp_path, "ref/stores.csv", "Id,Name\n1,a\n")
    inputs = [Input("stores", "blob", False, "Blob storage", WHERE, "csv", "ref/stores.csv")]
    shapes, _ = input_shapes(job(tmp_path, inputs), "1.2")
    analysis = analyze("SELECT r.Name, r.Region INTO o FROM s JOIN stores r ON s.Id = r.Id", input_shapes=shapes)
    name, region = analysis.outputs[0].columns
    assert (name.type, name.source) == ("nvarchar(max)", "reference")
    assert region.type is None and region.reason.startswith("Region is not in the reference data of input stores "
                                                            "(reference data ")
