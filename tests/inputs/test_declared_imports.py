"""A check imports fastavro only when it reads an Avro schema, jsonschema only when it reads a
JSON Schema, and sqlglot for inputs only when a job has a SQL reference input: each in a cold
interpreter, as tests/check/test_check_cli.py checks the offline check's imports."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, SAMPLE_JOB, adx_only_sample
from support.imports import cold_imports

HEAVY = ("fastavro", "jsonschema", "sqlglot")


def imported(path: str) -> tuple[int, list[str]]:
    """The exit code of a cold `schemacheck check PATH`, and which of HEAVY it imported."""
    return cold_imports(["check", path, "--format", "json", "--no-cache"], HEAVY, top_level=True)


def test_a_job_without_declared_schema_files_imports_neither_fastavro_nor_jsonschema(tmp_path):
    code, modules = imported(str(adx_only_sample(tmp_path)))
    assert code == 1 and modules == []


def test_field_types_declared_in_the_configuration_import_neither():
    code, modules = imported(str(FIXTURES / "inputs" / "declared-toml"))
    assert code == 1 and modules == []


@pytest.mark.parametrize("case, wanted", [
    ("declared-avsc", ["fastavro"]),
    ("declared-jsonschema", ["jsonschema"]),
    ("sql-reference", ["sqlglot"]),
])
def test_each_reader_imports_only_its_own_package(case, wanted):
    pytest.importorskip(wanted[0])
    _, modules = imported(str(FIXTURES / "inputs" / case))
    assert modules == wanted


def test_the_sample_job_with_its_sql_output_imports_sqlglot_only():
    _, modules = imported(str(SAMPLE_JOB))
    assert modules == ["sqlglot"]
