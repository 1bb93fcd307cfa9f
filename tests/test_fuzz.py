"""Fuzzing: whatever the input, schemacheck answers or raises its own error.

The regression tests at the end are the crashes the fuzzing found, each as a minimal input
of our own.
"""

from __future__ import annotations

import json

import pytest

from schemacheck.errors import InputError

# ---- regressions: the crashes the fuzzing found ------------------------------------------------------

def _load(folder, name, text):
    from schemacheck.kusto.files import load_schemas

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_schemas([str(path)])


def test_a_result_table_whose_column_name_is_not_text_is_refused(tmp_path):
    # Was a TypeError (unhashable type: 'list') building the rows of a REST v1 or v2 response.
    text = json.dumps({"Tables": [{"Columns": [{"ColumnName": ["TableName"]}, {"ColumnName": "Schema"}],
                                   "Rows": [["T", "a:string"]]}]})
    with pytest.raises(InputError, match="Columns and Rows do not line up"):
        _load(tmp_path, "v1.json", text)
    frames = json.dumps([{"FrameType": "DataTable", "TableKind": "PrimaryResult",
                          "Columns": [{"ColumnName": {"a": 1}}, {"ColumnName": "Schema"}], "Rows": [["T", "a:int"]]}])
    with pytest.raises(InputError, match="Columns and Rows do not line up"):
        _load(tmp_path, "v2.json", frames)
