"""Every real query in ../shared/corpus/asa against its expected outputs (names and types).

An expected type of "any" or a name of null asserts nothing (the corpus README); an
output marked `star: true` must come out incomplete, and vice versa.
"""

from __future__ import annotations

import json

import pytest

from conftest import corpus_queries, requires_corpus
from schemacheck.asa.analysis import analyze

pytestmark = requires_corpus


@pytest.mark.parametrize("path", corpus_queries(), ids=lambda p: p.stem)
def test_corpus_case(path):
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    analysis = analyze(path.read_text(encoding="utf-8"), file=path.name)
    assert not [d for d in analysis.diagnostics if d.code == "SC001"], analysis.diagnostics
    assert [o.output for o in analysis.outputs] == [o["output"] for o in expected["outputs"]]
    for output, wanted in zip(analysis.outputs, expected["outputs"]):
        assert output.complete is not wanted["star"], output.output
        names = [c.name for c in output.columns]
        assert names == [c["name"] for c in wanted["columns"]], output.output
        for column, wanted_column in zip(output.columns, wanted["columns"]):
            if wanted_column["type"] != "any":
                assert column.type == wanted_column["type"], (output.output, column.name)


def test_the_corpus_is_not_empty():
    assert len(corpus_queries()) >= 100
