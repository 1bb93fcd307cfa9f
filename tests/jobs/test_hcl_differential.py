"""Differential test: schemacheck.jobs.hcl against python-hcl2 (v8) on real-shaped Terraform.

Both read the same files (tests/jobs/hcl_samples/ and the texts below); what both can give is
compared: block types and labels (nesting as python-hcl2 writes them), attribute names,
literal values (strings after unquoting and heredoc resolution, numbers, bools, null),
tuples and nested objects. An expression (a reference, a call, a template with `${}` or
`%{}`) is compared only as "python-hcl2 gives it as text" (it writes `"${...}"`).

python-hcl2's documented v8 options for reading (docs/01_getting_started.md,
hcl2/utils.py SerializationOptions): strip_string_quotes=True, preserve_heredocs=False,
explicit_blocks=False, with_comments=False. Differences of python-hcl2 8.1.x from
Terraform, allowed for here and nowhere else:
- a heredoc's value lacks its final line break (Terraform's always ends with one);
- `$${` and `%%{` are left as written (Terraform reads them as `${` and `%{`).
(`with_meta=True` adds no line numbers in 8.1.4, so positions are not compared.)

Skipped when python-hcl2 is not installed (it is in the `test` extra).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemacheck.jobs import exprs as X
from schemacheck.jobs.hcl import parse_hcl

hcl2 = pytest.importorskip("hcl2", reason="python-hcl2 is not installed (pip install -e '.[test]')")
if not str(getattr(hcl2, "__version__", "")).startswith("8."):
    pytest.skip(f"python-hcl2 8.x is needed, found {getattr(hcl2, '__version__', '?')}", allow_module_level=True)

SAMPLES = Path(__file__).resolve().parent / "hcl_samples"

EXTRA = {
    "one_line_blocks_and_comments.tf": (
        '# comments of three kinds\n'
        'resource "azurerm_stream_analytics_output_mssql" "sql" { name = "sql-out" }\n'
        '/* a block comment\n   over two lines */\n'
        'resource azurerm_stream_analytics_reference_input_blob ref {\n'
        '  name = "ref" // bare labels\n'
        '  serialization { type = "Csv" }\n'
        '  path_pattern = "ref/{date}/{time}.csv"\n'
        '  empty {}\n'
        '}\n'),
    "values.tf": (
        'locals {\n'
        '  numbers  = [0, 1, 42, 3.25, -7]\n'
        '  flags    = [true, false, null]\n'
        '  escapes  = "tab\\tnewline\\nquote\\"backslash\\\\ \\u00e9"\n'
        '  literal  = "cost $5 and 50% off"\n'
        '  nested   = { a = { b = { c = [1, { d = "e" }] } } }\n'
        '  colon    = { "k1" : "v1", k2 : 2 }\n'
        '  mixed    = [\n'
        '    "one",\n'
        '    2,\n'
        '  ]\n'
        '  query    = <<-SQL\n'
        '      SELECT a,\n'
        '             b\n'
        '      FROM [in]\n'
        '    SQL\n'
        '  verbatim = <<EOT\n'
        '  kept as written\n'
        '    and this\n'
        'EOT\n'
        '}\n'),
    "job.tfvars": (
        'job_name            = "asa-prod"\n'
        'compatibility_level = "1.2"\n'
        'streaming_units     = 12\n'
        'outputs = {\n'
        '  adx = { table = "Readings", database = "telemetry" }\n'
        '}\n'),
}

OPTIONS = {"strip_string_quotes": True, "preserve_heredocs": False, "explicit_blocks": False, "with_comments": False}


class Expression:
    """A value only python-hcl2's text of an expression stands for."""

    def __repr__(self) -> str:
        return "<expression>"


class Heredoc:
    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Heredoc({self.value!r})"


EXPRESSION = Expression()


def ours(items) -> dict:
    """Our tree in python-hcl2's shape: attributes by name, blocks as lists under their type,
    one level of dictionaries per label."""
    result: dict = {}
    for item in items:
        if type(item) is X.Attribute:
            result[item.name] = value(item.value)
        else:
            inner = ours(item.body)
            for label in reversed(item.labels):
                inner = {label: inner}
            result.setdefault(item.type, []).append(inner)
    return result


def value(node):
    kind = type(node)
    if kind is X.Literal_:
        return node.value
    if kind is X.Text:
        return node.value if node.style == "escaped" else Heredoc(node.value)
    if kind is X.Array:
        return [value(i) for i in node.items]
    if kind is X.Object:
        if not all(type(i.key) is X.Text for i in node.items):
            return EXPRESSION
        return {i.key.value: value(i.value) for i in node.items}
    if kind is X.Unary and node.op == "-" and type(node.operand) is X.Literal_:
        return -node.operand.value
    return EXPRESSION


def unescaped(text: str) -> str:
    return text.replace("$${", "${").replace("%%{", "%{")


def compare(mine, theirs, path: str = "") -> int:
    """Assert both agree; returns how many literal values were compared."""
    if mine is EXPRESSION:
        assert isinstance(theirs, str), (path, theirs)
        return 0
    if isinstance(mine, Heredoc):
        assert isinstance(theirs, str), (path, theirs)
        assert mine.value.endswith("\n"), path
        assert unescaped(theirs) == mine.value[:-1], (path, mine.value, theirs)
        return 1
    if isinstance(mine, dict):
        assert isinstance(theirs, dict) and set(mine) == set(theirs), (path, sorted(mine), theirs)
        return sum(compare(mine[k], theirs[k], f"{path}.{k}") for k in mine)
    if isinstance(mine, list):
        assert isinstance(theirs, list) and len(mine) == len(theirs), (path, mine, theirs)
        return sum(compare(m, t, f"{path}[{i}]") for i, (m, t) in enumerate(zip(mine, theirs)))
    if isinstance(mine, str):
        assert isinstance(theirs, str) and unescaped(theirs) == mine, (path, mine, theirs)
        return 1
    if mine is None or isinstance(mine, bool):
        assert theirs is mine, (path, mine, theirs)
        return 1
    assert type(theirs) in (int, float) and not isinstance(theirs, bool) and theirs == mine, (path, mine, theirs)
    return 1


def texts() -> list[tuple[str, str]]:
    files = [(path.name, path.read_text(encoding="utf-8")) for path in sorted(SAMPLES.iterdir())]
    return files + sorted(EXTRA.items())


@pytest.mark.parametrize("name, text", texts(), ids=[name for name, _ in texts()])
def test_both_parsers_read_the_same_structure_and_literals(name, text):
    theirs = hcl2.loads(text, serialization_options=hcl2.SerializationOptions(**OPTIONS))
    mine = ours(parse_hcl(text, name).items)
    compared = compare(mine, theirs, name)
    assert compared >= 4, f"{name}: only {compared} literal values compared"


def test_the_samples_hold_what_the_comparison_needs():
    """Heredocs of both kinds, quoted strings with escapes, numbers, bools, null, nested
    objects, labelled and unlabelled blocks are all among the compared texts."""
    seen = set()
    for name, text in texts():
        body = parse_hcl(text, name)
        stack = list(body.items)
        while stack:
            node = stack.pop()
            if type(node) is X.Block:
                seen.add("labelled block" if node.labels else "block")
                stack.extend(node.body)
            elif type(node) is X.Attribute:
                stack.append(node.value)
            elif type(node) is X.Text:
                seen.add(f"text {node.style}")
            elif type(node) is X.Literal_:
                seen.add(type(node.value).__name__)
            elif type(node) is X.Object:
                seen.add("object")
                stack.extend(i.value for i in node.items)
            elif type(node) is X.Array:
                stack.extend(node.items)
    assert seen >= {"labelled block", "block", "text verbatim", "text indented", "text escaped", "int", "float",
                    "bool", "NoneType", "object"}, seen
