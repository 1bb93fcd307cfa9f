"""Golden fixtures: tests/fixtures/infer/<family>.asaql -> <family>.json.

Each JSON holds, per SELECT ... INTO statement, the output name, whether its column
list is complete, and every column as [name, type, line, column]; then every
diagnostic as [code, line, column]. Header lines `-- level: 1.0` and
`-- udf: name=type` set the compatibility level and UDF return types.

The expected files were reviewed by hand against asa-language.md. After a deliberate
change, rewrite them with SCHEMACHECK_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import FIXTURES
from schemacheck.asa.analysis import analyze

CASES = sorted((FIXTURES / "infer").glob("*.asaql"))
META = re.compile(r"^--\s*(level|udf):\s*(.+?)\s*$", re.MULTILINE)


def summarize(text: str) -> dict:
    level = "1.2"
    udf_types = {}
    for key, value in META.findall(text):
        if key == "level":
            level = value
        else:
            name, _, kind = value.partition("=")
            udf_types[name] = kind
    analysis = analyze(text, level=level, udf_types=udf_types or None)
    return {
        "outputs": [
            {"output": o.output, "complete": o.complete,
             "columns": [[c.name, c.type, c.span.line, c.span.column] for c in o.columns]}
            for o in analysis.outputs
        ],
        "diagnostics": [[d.code, d.line, d.column] for d in analysis.diagnostics],
    }


def render(summary: dict) -> str:
    """JSON with one column or diagnostic per line, so that diffs are easy to review."""

    def block(items: list[str], indent: str) -> str:
        return "[]" if not items else "[\n" + ",\n".join(indent + "  " + i for i in items) + "\n" + indent + "]"

    outputs = []
    for output in summary["outputs"]:
        columns = block([json.dumps(c) for c in output["columns"]], "    ")
        outputs.append(f'{{"output": {json.dumps(output["output"])}, "complete": '
                       f'{json.dumps(output["complete"])}, "columns": {columns}}}')
    diagnostics = block([json.dumps(d) for d in summary["diagnostics"]], "  ")
    return f'{{\n  "outputs": {block(outputs, "  ")},\n  "diagnostics": {diagnostics}\n}}\n'


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case):
    actual = summarize(case.read_text(encoding="utf-8"))
    golden = case.with_suffix(".json")
    if os.environ.get("SCHEMACHECK_UPDATE_GOLDEN"):
        golden.write_text(render(actual), encoding="utf-8")
    assert golden.exists(), f"no {golden.name}: run with SCHEMACHECK_UPDATE_GOLDEN=1 and review it"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


def test_every_family_has_a_case():
    assert len(CASES) >= 12
