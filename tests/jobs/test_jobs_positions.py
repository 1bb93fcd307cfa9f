"""Positions in a query held as a JSON string map back into the file (schemacheck.jobs.positions)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from schemacheck.jobs.positions import StringPositions


def _check_every_character(query: str, ensure_ascii: bool) -> None:
    prefix = '{\n  "resources": [],\n    "query": '
    document = prefix + json.dumps(query, ensure_ascii=ensure_ascii) + "\n}"
    at = len(prefix)
    where = StringPositions(document, at)
    file_lines = document.split("\n")
    for number, line in enumerate(query.split("\n"), start=1):
        for column, character in enumerate(line, start=1):
            file_line, file_column = where(number, column)
            raw = file_lines[file_line - 1][file_column - 1:]
            decoded = json.loads('"' + _one_escape(raw) + '"')
            assert decoded == character, (number, column, raw[:12])


def _one_escape(raw: str) -> str:
    """The first character of `raw` as JSON string text (an escape, a surrogate pair, or itself)."""
    if raw.startswith("\\u"):
        if raw[2:3].lower() == "d" and raw[3:4].lower() in "89ab" and raw[6:8] == "\\u":
            return raw[:12]
        return raw[:6]
    if raw.startswith("\\"):
        return raw[:2]
    return raw[:1]


def test_escapes_and_lines_map_to_the_template():
    query = 'SELECT\r\n  "quoted" AS a, \\ AS b,\ttab, é, 😀 INTO [out]\nFROM [in]'
    _check_every_character(query, ensure_ascii=True)
    _check_every_character(query, ensure_ascii=False)


def test_positions_past_the_end_stay_in_the_string():
    document = '{"query": "SELECT 1"}'
    where = StringPositions(document, document.index('"SELECT'))
    assert where(1, 1) == (1, 12)
    assert where(1, 99) == (1, 20)       # the closing quote
    assert where(7, 3) == (1, 14)         # a line past the last: the last line


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.booleans())
def test_every_character_of_any_text_maps_to_its_own_spelling(query, ensure_ascii):
    _check_every_character(query, ensure_ascii)
