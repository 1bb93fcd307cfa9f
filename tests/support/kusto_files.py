"""Helpers of the tests of saved Kusto table schemas (tests/kusto/test_kusto_*.py): the
fixtures' folders, a file written and loaded (`load_text`) or refused (`load_error`), and the
columns, positions and error places the tests compare."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from schemacheck.errors import InputError
from schemacheck.kusto.files import load_file
from schemacheck.kusto.schema import TableSchema
from support.files import write

KUSTO = FIXTURES / "kusto"
FORMATS = KUSTO / "formats"
TREE = KUSTO / "tree"


def cols(table: TableSchema) -> list[tuple]:
    """(name, canonical type, written type, line) of each column."""
    return [(c.name, c.type, c.written_type, c.line) for c in table.columns]


def name_types(table: TableSchema) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in table.columns]


def load_text(directory: Path, name: str, text: str) -> list[TableSchema]:
    return load_file(write(directory, name, text))


def load_error(directory: Path, name: str, text: str) -> InputError:
    path = write(directory, name, text)
    with pytest.raises(InputError) as info:
        load_file(path)
    error = info.value
    assert error.file == path
    assert str(error).startswith(path)
    return error


def position(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def at(error: InputError) -> tuple:
    return (error.line, error.column)
