"""Helpers of the tests of the DDL reader (tests/sql/test_sql_ddl*.py): the fixtures (each
folder under tests/fixtures/ddl/ and its dialect) and a script written and read."""

from __future__ import annotations

from conftest import FIXTURES

from schemacheck.sql.ddl import load_ddl
from schemacheck.sql.schema import POSTGRES, TSQL

DDL = FIXTURES / "ddl"
CASES = {"ssdt": TSQL, "synapse": TSQL, "postgres": POSTGRES, "guarded": TSQL, "guarded_postgres": POSTGRES}


def load_text(tmp_path, text: str, dialect: str, name: str = "script.sql"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_ddl([str(path)], dialect)
