"""Saved Kusto table schemas (schemacheck.kusto.files, schemacheck.kusto.scripts):

6. Properties (hypothesis): CSL text round trip; one table written three ways loads the
   same; mutated or arbitrary files raise nothing but InputError.
"""

from __future__ import annotations

import codecs
import json
import re
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.kusto_files import FORMATS, TREE, load_text, name_types

from schemacheck.errors import InputError
from schemacheck.kusto.files import load_file, load_schemas
from schemacheck.kusto.schema import TableSchema
from schemacheck.kusto.scripts import parse_csl_schema
from schemacheck.kusto.types import CSL_TYPES, KUSTO_TYPES, SYSTEM_TYPES

# ---- 6. properties ---------------------------------------------------------------------------

KEYWORDS = ["table", "tables", "type", "with", "to", "columns", "column", "ifexists", "string", "int"]
PLAIN_NAMES = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True),
    st.sampled_from(KEYWORDS),
).filter(lambda n: not n.startswith("__") and not n.endswith("__"))
SPECIAL_NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_ .\-]{0,10}[A-Za-z0-9]", fullmatch=True)
NAMES = st.one_of(PLAIN_NAMES, SPECIAL_NAMES)
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
WHITESPACE = st.text(alphabet=" \t\r\n", max_size=3)
CANONICAL_SYSTEM = {canonical: system for system, canonical in reversed(list(SYSTEM_TYPES.items()))}


@st.composite
def written_name(draw, name: str, inside=WHITESPACE) -> str:
    """`name` as a script writes it: bare if it can be, else (or at random) ['quoted'],
    with `inside` white space between the brackets and the quotes."""
    if PLAIN.match(name) and draw(st.booleans()):
        return name
    quote = draw(st.sampled_from(["'", '"']))
    return f"[{draw(inside)}{quote}{name}{quote}{draw(inside)}]"


SPACES = st.sampled_from(["", " "])


def unique_columns(min_size: int = 1, max_size: int = 8):
    return st.lists(st.tuples(NAMES, st.sampled_from(sorted(CSL_TYPES))), min_size=min_size, max_size=max_size,
                    unique_by=lambda c: c[0])


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY_SETTINGS
@given(st.data(), unique_columns())
def test_csl_text_round_trip(data, columns):
    text = data.draw(WHITESPACE)
    starts = []
    for index, (name, alias) in enumerate(columns):
        if index:
            text += data.draw(WHITESPACE) + "," + data.draw(WHITESPACE)
        starts.append(len(text))
        text += (data.draw(written_name(name)) + data.draw(WHITESPACE) + ":" + data.draw(WHITESPACE) + alias)
    text += data.draw(WHITESPACE)
    table = parse_csl_schema(text, "T.cslschema", "T")
    assert [(c.name, c.type, c.written_type) for c in table.columns] == \
        [(name, CSL_TYPES[alias], alias) for name, alias in columns]
    assert [c.line for c in table.columns] == [text.count("\n", 0, start) + 1 for start in starts]


@PROPERTY_SETTINGS
@given(st.data(), NAMES, unique_columns())
def test_one_table_three_ways(tmp_path_factory, data, table_name, columns):
    directory = tmp_path_factory.mktemp("three")
    expected = [(name, CSL_TYPES[alias]) for name, alias in columns]

    # `.show table T schema as json`: Type always, CslType (canonical) when the output has it.
    ordered = []
    for name, alias in columns:
        canonical = CSL_TYPES[alias]
        system = data.draw(st.sampled_from(["System.SByte", "System.Boolean"])) if canonical == "bool" \
            else CANONICAL_SYSTEM[canonical]
        column = {"Name": name, "Type": system}
        if data.draw(st.booleans()):
            column["CslType"] = canonical
        ordered.append(column)
    as_json = json.dumps({"Name": table_name, "OrderedColumns": ordered}, indent=data.draw(st.sampled_from([None, 2])))

    # `.create table` script, aliases as written, one column a line or all on one line.
    verb = data.draw(st.sampled_from([".create table", ".create-merge table", ".CREATE TABLE", ".alter table",
                                      ".alter-merge table"]))
    sep = data.draw(st.sampled_from([", ", ",\n    ", " ,"]))
    body = sep.join(f"{data.draw(written_name(n, SPACES))}: {a}" for n, a in columns)
    as_kql = f"// generated\n{verb} {data.draw(written_name(table_name, SPACES))} ({body})"
    if data.draw(st.booleans()):
        as_kql += "\nwith (folder = 'Generated', docstring = 'a test table')"
    as_kql += "\n"

    # `.show table T cslschema` text, in a file named after the table.
    as_csl = ",".join(f"{data.draw(written_name(n, SPACES))}:{CSL_TYPES[a] if data.draw(st.booleans()) else a}"
                      for n, a in columns)
    suffix = data.draw(st.sampled_from([".cslschema", ".csl"]))

    results = [
        load_text(directory, "table.json", as_json),
        load_text(directory, "table.kql", as_kql),
        load_text(directory, table_name + suffix, as_csl),
    ]
    for tables in results:
        assert [(t.name, name_types(t)) for t in tables] == [(table_name, expected)]
    # All three are the same table to load_schemas.
    catalog = load_schemas([str(directory / "table.json"), str(directory / "table.kql"),
                            str(directory / (table_name + suffix))])
    assert len(catalog) == 1


# Seeds for mutation: every fixture plus a few small files.
OWN_SEEDS = [
    (".kql", ".create table T (a: int, ['b c']: string)\n.alter column T.a type=long\n\n.drop column T.b\n"),
    (".kql", ".create tables A (x:int), B (y:real) with (folder='f')\n.rename table A to C\n.drop tables (B)\n"),
    (".json", '{"Name":"T","OrderedColumns":[{"Name":"a","Type":"System.Int32","CslType":"int"}]}'),
    (".json", '[{"TableName":"T","Schema":"a:int,b:string","DatabaseName":"D","Folder":"","DocString":""}]'),
    (".csv", "TableName,Schema\nT,\"a:int,b:string\"\n"),
    (".cslschema", "a:int, ['b c']:string, d:dynamic"),
]
SEEDS = OWN_SEEDS + sorted(
    (path.suffix.lower(), path.read_text(encoding="utf-8").replace("\r\n", "\n"))
    for directory in (FORMATS, TREE) for path in directory.rglob("*")
    if path.is_file() and path.suffix.lower() in (".json", ".csv", ".kql", ".csl", ".cslschema")
)
SNIPPETS = [
    "(", ")", "[", "]", "{", "}", ",", ":", "'", '"', "['", "']", ".", "\n", "\n\n", "//", "\\", "@'",
    ".create table T (", ".create-merge table ", ".alter column T.a type=", ".drop table ", ".rename column ",
    "with (folder='x')", "int", "strng", "System.Int32", "null", "0", "-1", "true", "[]", "{}", '""',
    '"OrderedColumns"', '"Name"', '"Schema"', '"TableName"', '"Databases"', '"Tables"', '"Rows"', '"Columns"',
    '"FrameType"', '"DatabaseSchema"', "\ufeff", "\u00e9", "\t",
]


@st.composite
def mutated_files(draw):
    suffix, text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        piece = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=4)))
        if op == "delete":
            text = text[:start] + text[end:]
        elif op == "insert":
            text = text[:start] + piece + text[start:]
        elif op == "replace":
            text = text[:start] + piece + text[end:]
        else:
            text = text[:end] + text[start:end] + text[end:]
    return suffix, text


def check_load(directory: Path, suffix: str, data: bytes) -> None:
    path = directory / ("Mutant" + suffix)
    path.write_bytes(data)
    try:
        tables = load_file(str(path))
    except InputError as error:
        assert error.file == str(path) and error.message
        assert str(error).startswith(str(path))
        if error.line is not None:
            lines = data.count(b"\n") + 1
            assert 1 <= error.line <= lines, (error, lines)
            assert error.column is None or error.column >= 1
        return
    for table in tables:
        assert isinstance(table, TableSchema) and table.name
        for column in table.columns:
            assert column.type in KUSTO_TYPES


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_files())
def test_mutated_files_raise_only_input_error(tmp_path_factory, mutant):
    suffix, text = mutant
    check_load(tmp_path_factory.getbasetemp(), suffix, text.encode("utf-8"))


TEXT_PREFIXES = ["", ".create table T (", "{", "[", '{"Name": "T", "OrderedColumns": [',
                 '{"TableName": "T", "Schema": "', "TableName,Schema\n", '{"Databases": {"D": {"Tables": {',
                 '[{"FrameType": "DataTable", "TableKind": "PrimaryResult", ']


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([".json", ".csv", ".kql", ".csl", ".cslschema", ".txt"]), st.sampled_from(TEXT_PREFIXES),
       st.text(alphabet=st.one_of(st.characters(), st.sampled_from(string.punctuation + " \n")), max_size=80))
def test_arbitrary_text_raises_only_input_error(tmp_path_factory, suffix, prefix, text):
    text = prefix + text
    check_load(tmp_path_factory.getbasetemp(), suffix, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([".json", ".kql", ".csl", ".cslschema"]),
       st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"."]),
       st.binary(max_size=80))
def test_arbitrary_bytes_raise_only_input_error(tmp_path_factory, suffix, prefix, data):
    check_load(tmp_path_factory.getbasetemp(), suffix, prefix + data)
