"""The fuzzing harness shared by tests/robustness/test_fuzz.py (hypothesis, a short budget) and
fuzz/run.py (a plain random mutator, a long budget).

Generators and mutators take a *chooser*: `RandomChooser(rng)` for the long run (fast,
replayable from a seed) or `DrawChooser(draw)` inside a hypothesis strategy (shrinkable).
They make:

- text mutations of queries, schema files and job files (delete, duplicate, insert a word
  of the file's language, swap, replace a character, truncate, change case, repeat);
- byte mutations (random bytes, invalid UTF-8, NUL, byte order marks, UTF-16, truncation
  inside a character);
- structural mutations of JSON (a value replaced, a key dropped, renamed or re-cased, a
  value wrapped, a string leaf mutated, huge numbers, NaN, deep nesting);
- schema files of every format schemacheck reads, from a random table: the JSON of
  `.show table T schema as json`, `.show database D schema as json`, result rows, REST v1
  and v2 responses, CSV exports, CSL text and `.kql` scripts of .create / .create-merge /
  .alter / .alter-merge / .alter column / .drop / .rename commands among others;
- job inputs: a VS Code or Visual Studio project or an ARM template (our own small
  seeds, the sample, the job fixtures) with some of its files mutated, and a command line;
- SQL DDL inputs: CREATE/ALTER/DROP TABLE scripts in T-SQL or PostgreSQL from a small
  grammar (with the statements around them that define no table), mutated as text (GO
  lines, comments, quotes, brackets, keywords, types) and as bytes, beside a lone query
  with a SQL output, and a command line with `--target out=KIND:TABLE`.

The targets run the library in-process and return the messages a user would read:
`run_query` (analyze), `run_query_file` (read_query + analyze), `run_schema_file`
(load_schemas + the comparator), `run_job` (the command line, `--debug` so that a bug
raises instead of printing "internal error"), `run_ddl` (run_job, and a refusal must be
one stderr line naming the DDL file at a place inside it: `check_ddl_refusal`, else
BadAnswer; KNOWN_BUGS are the product's bugs it found that are not fixed yet, each
an xfail test of tests/robustness/). The property, checked by `check_outcome`:
a target returns, or raises a SchemacheckError (InputError, UsageError); anything else
is a crash; it answers within `TIME_LIMIT` seconds (`time_limit`, SIGALRM in the main
thread); and no message names a grammar-internal terminal or rule, or shows a Python
exception (`internal_leaks` of support.asa_queries, extended to the Kusto grammar and rule
names, and Python's own exception texts such as "index out of range" or sqlglot's
"<class 'sqlglot...'>"), unless the input itself holds that word (a message may quote the
user's text).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import re
import shutil
import signal
from pathlib import Path

from schemacheck.errors import SchemacheckError

from conftest import FIXTURES, ROOT
from support.asa_queries import SEEDS, VOCABULARY, internal_leaks

TIME_LIMIT = 5.0   # seconds for one input: generous, it catches hangs, not slowness

# ---- choosers ------------------------------------------------------------------------------


class RandomChooser:
    """Choices from a `random.Random`."""

    def __init__(self, rng) -> None:
        self.rng = rng

    def below(self, n: int) -> int:
        return self.rng.randrange(n) if n > 1 else 0

    def int(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def pick(self, items):
        return items[self.below(len(items))]

    def coin(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def text(self, max_size: int) -> str:
        size = self.rng.randint(0, max_size)
        return "".join(self.rng.choice(_CHARS) for _ in range(size))

    def bytes(self, max_size: int) -> bytes:
        return self.rng.randbytes(self.rng.randint(0, max_size))


class DrawChooser:
    """Choices drawn by a hypothesis strategy (`@st.composite`'s `draw`): zero, False and
    the first item are the simple end that hypothesis shrinks towards."""

    def __init__(self, draw) -> None:
        from hypothesis import strategies as st

        self.draw = draw
        self.st = st

    def below(self, n: int) -> int:
        return self.draw(self.st.integers(0, n - 1)) if n > 1 else 0

    def int(self, low: int, high: int) -> int:
        return self.draw(self.st.integers(low, high))

    def pick(self, items):
        return items[self.below(len(items))]

    def coin(self, p: float = 0.5) -> bool:
        return self.draw(self.st.integers(0, 99)) >= 100 - round(p * 100)

    def text(self, max_size: int) -> str:
        return self.draw(self.st.text(max_size=max_size))

    def bytes(self, max_size: int) -> bytes:
        return self.draw(self.st.binary(max_size=max_size))


# Characters for random text: ASCII, the characters that matter to the parsers, and some
# that are not what they look like (NUL, BOM, line and paragraph separators, a lone surrogate).
_CHARS = (
    [chr(c) for c in range(32, 127)] * 2
    + list("\t\n\r\x00\x0b\x0c\x1b\x7f\x85\xa0\u2028\u2029\ufeff\u200b\ud800\udfff\uffff")
    + list("éßΩ名前😀\U0010ffff")
)

# ---- text mutations -------------------------------------------------------------------------

KUSTO_WORDS = (
    ".create", ".create-merge", ".alter", ".alter-merge", ".drop", ".rename", ".show", ".set", ".append",
    "table", "tables", "column", "columns", "ifexists", "with", "type", "to", "policy", "ingestion", "mapping",
    "(", ")", ":", ",", ".", "=", "['", "']", '["', '"]', "[", "]", "'", '"', "\\", "\\'", "//", "/*", "*/",
    "@'", "h'", "H\"", "string", "long", "int", "real", "dynamic", "datetime", "timespan", "guid", "bool",
    "decimal", "System.String", "System.Int64", "System.SByte", "System.Object", "varchar", "int(5)",
    "folder", "docstring", "docstring='x'", "T", "db.T", "T.c", "x", "NAME", "LPAR", "$END", "__ANON_0",
    "-", "1", "-1.5e3", "\n", "\n\n", "\r\n", "\r", " ", "\t", "\x00", "\ufeff", "\u2028", "é", "😀",
)

JSON_WORDS = (
    "{", "}", "[", "]", ":", ",", '"', '\\', '\\"', "\\u0000", "\\ud800", "\\n", "null", "true", "false",
    "0", "-1", "1.5", "1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" * 4400, "[" * 50, "{\"a\":" * 20,
    "//", "/*", "*/", ",}", ",]", '""', '"x":', '"Name":', '"Type":', '"CslType":', '"OrderedColumns":',
    "\n", " ", "\t", "\x00", "\ufeff", "\r",
)

CSV_WORDS = (",", '"', '""', "\n", "\r\n", "\r", "TableName", "Schema", "DatabaseSchema", "DatabaseName",
             "a:string", "{}", "\x00", "\ufeff", " ")

ARM_WORDS = (
    "[", "]", "[[", "(", ")", "'", "''", ",", ".", "()", "parameters('", "variables('", "concat(", "format(",
    "'{0}'", "{0}", "{1}", "if(", "equals(", "copyIndex()", "copyIndex(1)", "reference(", "resourceGroup()",
    "resourceId(", "uniqueString(", "string(", "int(", "json(", "createObject(", "union(", "length(", "split(",
    "substring(", "replace(", "toLower(", "first(", "last(", "add(", "mul(", "div(", "mod(", "range(", "take(",
    "skip(", "padLeft(", "coalesce(", "and(", "or(", "not(", "null()", "true", "false", "1", "-1",
    "99999999999999999999", "'x'", ".name", "['a']", "[0]", "}", "{", "Microsoft.StreamAnalytics/streamingjobs",
    "Microsoft.Kusto/clusters/databases", "Microsoft.Resources/deployments", "\n", " ",
)

QUERY_WORDS = tuple(VOCABULARY) + (
    "-- schemacheck: ignore", "-- schemacheck: ignore[SC102]", "-- schemacheck: ignore-file[SC203]",
    "-- schemacheck: ignore[SC999, x]", "udf.", "uda.", "INTO [", "PARTITION BY", "INTO 4",
)

TOML_WORDS = ("\nx = " + "9" * 4400 + "\n", "\ncompat-level = 1.2\n", "\nfail-on = 3\n", '\n[rules]\nSC999 = "off"\n',
              "\n[outputs.adx]\ntable = 1\n", '\n[outputs.adx]\nkind = ""\n', "\n[live]\ntimeout = -1\n",
              '\nschemas = ["../..", 1]\n', '\nexclude = ["["]\n', "\n[tool.schemacheck]\n", "=", "[", "]", '"',
              "'''", "\\", "1e999", "nan", "inf", "1979-05-27T07:32:00Z", "{", "}", ".", "\n")

JOB_WORDS = ARM_WORDS + JSON_WORDS + ("1.0", "1.1", "1.2", "2.0", "Msi", "ConnectionString", "Retry", "Drop",
                                      "de-DE", "Azure Data Explorer", "Blob Storage", "Event Hub", "IoT Hub",
                                      "Data Stream", "Reference Data", "Json", "Csv", "../", "..\\", "/", "C:\\",
                                      "\\\\server\\", "*", "?")


def _slice(ch, text) -> tuple[int, int]:
    if not text:
        return 0, 0
    start = ch.int(0, len(text))
    return start, start + ch.int(0, min(40, len(text) - start))


_TEXT_MUTATIONS = ("insert", "delete", "replace", "duplicate", "insert", "swap", "truncate", "case", "insert",
                   "random", "delete", "replace", "duplicate", "insert", "repeat")


def mutate_text(ch, text: str, words=QUERY_WORDS) -> str:
    """One mutation of `text`: what a careless edit, a bad merge or a truncated save does."""
    kind = ch.pick(_TEXT_MUTATIONS)
    if kind == "insert":
        at = ch.int(0, len(text))
        pad = ch.pick(("", " ", "", "\n"))
        return text[:at] + pad + ch.pick(words) + pad + text[at:]
    if kind == "delete":
        a, b = _slice(ch, text)
        return text[:a] + text[b:]
    if kind == "replace":
        if not text:
            return ch.pick(_CHARS)
        at = ch.below(len(text))
        return text[:at] + ch.pick(_CHARS) + text[at + 1:]
    if kind == "duplicate":
        a, b = _slice(ch, text)
        at = ch.int(0, len(text))
        return text[:at] + text[a:b] + text[at:]
    if kind == "swap":
        p, q, r, t = sorted(ch.int(0, len(text)) for _ in range(4))
        return text[:p] + text[r:t] + text[q:r] + text[p:q] + text[t:]
    if kind == "truncate":
        return text[:ch.int(0, len(text))]
    if kind == "case":
        a, b = _slice(ch, text)
        change = ch.pick((str.upper, str.lower, str.swapcase))
        return text[:a] + change(text[a:b]) + text[b:]
    if kind == "random":
        at = ch.int(0, len(text))
        return text[:at] + ch.text(12) + text[at:]
    # repeat: a short piece many times over (deep nesting, long lists, long lines)
    a = ch.int(0, len(text))
    b = min(len(text), a + ch.int(1, 8))
    piece = text[a:b] or ch.pick(words)
    return text[:a] + piece * ch.pick((2, 3, 10, 30, 100, 300, 2000)) + text[b:]


def mutate_text_times(ch, text: str, words=QUERY_WORDS, most: int = 5) -> str:
    for _ in range(ch.int(1, most)):
        text = mutate_text(ch, text, words)
    return text


# ---- byte mutations -------------------------------------------------------------------------

BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
BAD_BYTES = (b"\x00", b"\xff", b"\xfe", b"\x80", b"\xc0\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80",
             b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\r",
             b"\x1a", b"\xe2\x80\xa8", b"\xc2\x85")


def encode(ch, text: str) -> bytes:
    """`text` as a file on disk: UTF-8 (with or without a BOM) or UTF-16 (with or without one)."""
    encoding = ch.pick(("utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"))
    return text.encode(encoding, "surrogatepass")


def mutate_bytes(ch, data: bytes) -> bytes:
    kind = ch.pick(("bad", "bom", "random", "flip", "truncate", "delete", "nul"))
    at = ch.int(0, len(data))
    if kind == "bad":
        return data[:at] + ch.pick(BAD_BYTES) + data[at:]
    if kind == "bom":
        bom = ch.pick(BOMS)
        return bom + data if ch.coin() else data[:at] + bom + data[at:]
    if kind == "random":
        return data[:at] + ch.bytes(8) + data[at:]
    if kind == "flip":
        if not data:
            return b"\x80"
        at = ch.below(len(data))
        return data[:at] + bytes([data[at] ^ (1 << ch.below(8))]) + data[at + 1:]
    if kind == "truncate":
        return data[:at]
    if kind == "delete":
        return data[:at] + data[at + ch.int(1, 4):]
    return data[:at] + b"\x00" * ch.int(1, 3) + data[at:]


def bytes_of(ch, text: str) -> bytes:
    """`text` encoded, then 0-4 byte mutations (or, rarely, random bytes instead)."""
    if ch.coin(0.05):
        return ch.bytes(64)
    data = encode(ch, text)
    for _ in range(ch.int(0, 4)):
        data = mutate_bytes(ch, data)
    return data


# ---- JSON mutations -------------------------------------------------------------------------

def _json_paths(value, path=(), out=None, depth=0):
    """Every (path, value) in a parsed JSON document, the root first."""
    out = [] if out is None else out
    out.append((path, value))
    if depth < 30:
        if isinstance(value, dict):
            for k, v in value.items():
                _json_paths(v, path + (k,), out, depth + 1)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                _json_paths(v, path + (i,), out, depth + 1)
    return out


def _replace_at(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        copy[head] = _replace_at(value[head], rest, new)
        return copy
    copy = list(value)
    copy[head] = _replace_at(value[head], rest, new)
    return copy


# A number with more digits than Python converts by default (json.loads raises ValueError,
# not JSONDecodeError): dump_json writes it in place of this string.
HUGE_NUMBER = "\x01a number past the digit limit\x01"


def random_json(ch, depth: int = 2, words=JOB_WORDS):
    kind = ch.pick(("null", "bool", "int", "str", "str", "float", "list", "dict", "word"))
    if kind == "null":
        return None
    if kind == "bool":
        return ch.coin()
    if kind == "int":
        return ch.pick((0, 1, -1, 2, 3, 10**20, -(2**63), 2**64, HUGE_NUMBER))
    if kind == "float":
        return ch.pick((0.5, -0.0, 1e308, float("nan"), float("inf"), -float("inf"), 1.2))
    if kind == "str":
        return ch.text(10)
    if kind == "word":
        return ch.pick(words)
    if depth <= 0:
        return []
    if kind == "list":
        return [random_json(ch, depth - 1, words) for _ in range(ch.int(0, 3))]
    return {ch.pick(words) if ch.coin() else ch.text(6): random_json(ch, depth - 1, words) for _ in range(ch.int(0, 3))}


def mutate_json(ch, document, keys=(), words=JOB_WORDS, text_words=JOB_WORDS):
    """One structural change to a parsed JSON document."""
    nodes = _json_paths(document)
    path, node = ch.pick(nodes)
    kind = ch.pick(("value", "string", "drop", "rename", "case", "wrap", "add", "type", "nest", "duplicate",
                    "number"))
    if kind == "number":   # numbers JSON allows and Python reads, or not: past the digit limit, NaN, 1e999
        return _replace_at(document, path, ch.pick((HUGE_NUMBER, float("nan"), float("inf"), -(10**30), 0.1)))
    if kind == "string":
        strings = [(p, v) for p, v in nodes if isinstance(v, str)]
        if strings:
            path, node = ch.pick(strings)
            return _replace_at(document, path, mutate_text_times(ch, node, text_words, 3))
        kind = "value"
    if kind == "value":
        return _replace_at(document, path, random_json(ch, 2, words))
    if kind == "type":   # the same value as another JSON type
        flipped = {str: lambda v: [v], int: str, float: str, bool: str, type(None): lambda v: "",
                   list: lambda v: {str(i): x for i, x in enumerate(v)}, dict: lambda v: list(v.values())}
        return _replace_at(document, path, flipped[type(node)](node))
    if kind == "wrap":
        return _replace_at(document, path, ch.pick(([node], {"value": node}, [node, node])))
    if kind == "nest":
        deep = node
        for _ in range(ch.pick((10, 100, 2000))):
            deep = [deep]
        return _replace_at(document, path, deep)
    if kind == "duplicate" and isinstance(node, list) and node:
        return _replace_at(document, path, node + [ch.pick(node)] * ch.int(1, 3))
    dicts = [(p, v) for p, v in nodes if isinstance(v, dict)]
    if not dicts:
        return random_json(ch, 3, words)
    path, node = ch.pick(dicts)
    if kind == "add" or not node:
        new = dict(node)
        new[ch.pick(keys) if keys and ch.coin(0.8) else ch.text(6)] = random_json(ch, 2, words)
        return _replace_at(document, path, new)
    name = ch.pick(list(node))
    if kind == "drop":
        return _replace_at(document, path, {k: v for k, v in node.items() if k != name})
    if kind == "rename":
        new_name = ch.pick(keys) if keys and ch.coin(0.7) else ch.text(6)
    else:   # case
        new_name = ch.pick((str(name).upper(), str(name).lower(), str(name).swapcase(), " " + str(name)))
    return _replace_at(document, path, {(new_name if k == name else k): v for k, v in node.items()})


def json_keys(document) -> list[str]:
    return sorted({p[-1] for p, _v in _json_paths(document) if p and isinstance(p[-1], str)})


def dump_json(ch, document, comments: bool = False) -> str:
    """JSON text of `document`: compact or indented; NaN and huge numbers as Python writes
    them; with comments and trailing commas where `comments` (ARM and project files)."""
    try:
        text = json.dumps(document, indent=ch.pick((None, 2, 4, "\t")), ensure_ascii=ch.coin(0.3))
    except (ValueError, RecursionError):   # nested past Python's limit
        text = "[" * 5000 + "]" * 5000
    text = text.replace(json.dumps(HUGE_NUMBER), "9" * 4400)
    if comments and ch.coin(0.3):
        text = text.replace(",\n", ", // a comment\n", 1)
        if ch.coin():
            text = re.sub(r"(\S)(\s*[}\]])$", r"\1,\2", text)
    return text


def parse_json_leniently(text: str):
    """A seed's JSON (comments allowed, as ARM templates and projects have them), or None."""
    from schemacheck.jobs.jsonfile import strip_comments

    try:
        return json.loads(strip_comments(text))
    except (ValueError, RecursionError):
        return None


# ---- schema files -----------------------------------------------------------------------------

CSL_TYPES = ("string", "long", "int", "real", "bool", "datetime", "timespan", "guid", "dynamic", "decimal",
             "boolean", "int64", "double", "date", "time", "uuid", "Int64", "STRING")
SYSTEM_TYPES = ("System.String", "System.Int64", "System.Int32", "System.Double", "System.SByte",
                "System.Boolean", "System.DateTime", "System.TimeSpan", "System.Guid", "System.Object",
                "System.Data.SqlTypes.SqlDecimal")
BAD_TYPES = ("varchar", "", "nvarchar(max)", "System.Foo", "int(5)", "dynamic[]", "strin", "long long", "NAME",
             "LPAR", " string")
PLAIN_NAMES = ("DeviceId", "Reading", "EventTime", "a", "b", "T", "Temp_C", "_x", "x1", "type", "table", "with",
               "column", "to", "ifexists", "policy", "Name", "Schema")
ODD_NAMES = ("", " ", "a b", "a-b", "a.b", "é", "名前", "😀", "'", '"', "]", "['x']", "a\nb", "a\x00b", "NAME",
             "$END", "__ANON_0", "None", "1a", "a" * 300, "\ufeff", "x\\")


def table_name(ch) -> str:
    return ch.pick(PLAIN_NAMES) if ch.coin(0.8) else ch.pick(ODD_NAMES) if ch.coin(0.8) else ch.text(8)


# Each Kusto type by its CSL name and its .NET name in schema JSON.
VALID_TYPES = (("string", "System.String"), ("long", "System.Int64"), ("int", "System.Int32"),
               ("real", "System.Double"), ("bool", "System.SByte"), ("datetime", "System.DateTime"),
               ("timespan", "System.TimeSpan"), ("guid", "System.Guid"), ("dynamic", "System.Object"),
               ("decimal", "System.Data.SqlTypes.SqlDecimal"))
VALID_NAMES = tuple(n for n in PLAIN_NAMES if n not in ("Name", "Schema"))


def table_spec(ch, valid: bool = False) -> dict:
    """A random table: name, database, columns (name, CSL type, .NET type). A `valid` one
    has distinct plain names and known types, the same in both spellings."""
    columns = []
    if valid:
        names = [ch.pick(VALID_NAMES) for _ in range(ch.int(1, 6))]
        for name in dict.fromkeys(names):
            columns.append((name, *ch.pick(VALID_TYPES)))
        return {"name": ch.pick(VALID_NAMES), "database": None, "columns": columns, "folder": None,
                "docstring": None, "valid": True}
    for _ in range(ch.int(0, 6)):
        csl = ch.pick(CSL_TYPES) if ch.coin(0.9) else ch.pick(BAD_TYPES)
        system = ch.pick(SYSTEM_TYPES) if ch.coin(0.9) else ch.pick(BAD_TYPES)
        columns.append((table_name(ch), csl, system))
    return {"name": table_name(ch), "database": ch.pick(("fleet", "db", "Db 1", "")) if ch.coin() else None,
            "columns": columns, "folder": ch.pick(("", "raw", None)), "docstring": ch.pick(("", "a table", None))}


def _schema_json(ch, spec) -> dict:
    columns = []
    for name, csl, system in spec["columns"]:
        column = {"Name": name}
        typed = ch.coin(0.9)
        if typed:
            column["Type"] = system
        if ch.coin(0.8) or (spec.get("valid") and not typed):
            column["CslType"] = csl
        columns.append(column)
    table = {"Name": spec["name"], "OrderedColumns": columns}
    if spec["folder"] is not None:
        table["Folder"] = spec["folder"]
    if spec["docstring"] is not None:
        table["DocString"] = spec["docstring"]
    return table


def _csl(spec, ch) -> str:
    sep = ch.pick((", ", ",", " , ", ",\n"))
    return sep.join(f"{_kql_name(ch, n)}:{t}" for n, _s, t in ((c[0], c[2], c[1]) for c in spec["columns"]))


def _kql_name(ch, name: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and ch.coin(0.8):
        return name
    quote = ch.pick(("'", '"'))
    escaped = name.replace("\\", "\\\\").replace(quote, "\\" + quote) if ch.coin(0.9) else name
    return f"[{quote}{escaped}{quote}]"


def _row(ch, spec) -> dict:
    schema = json.dumps(_schema_json(ch, spec)) if ch.coin() else _csl(spec, ch)
    row = {"TableName": spec["name"], "Schema": schema}
    if spec["database"] is not None:
        row["DatabaseName"] = spec["database"]
    if ch.coin():
        row["Folder"] = spec["folder"] or ""
        row["DocString"] = spec["docstring"] or ""
    return row


def _database(ch, specs) -> dict:
    name = specs[0]["database"] or "db"
    return {"Databases": {name: {"Name": name, "Tables": {s["name"]: _schema_json(ch, s) for s in specs}}}}


def _result_table(ch, rows) -> tuple[list, list]:
    names = ["TableName", "Schema", "DatabaseName", "Folder", "DocString"]
    columns = [{"ColumnName": n, "DataType": "String", "ColumnType": "string"} for n in names]
    return columns, [[r.get(n) for n in names] for r in rows]


def _kql_command(ch, specs, kind: int | None = None) -> str:
    """A command of a .kql script; `kind` 12-15 are commands that set no columns."""
    spec = ch.pick(specs)
    name = _kql_name(ch, spec["name"])
    if spec["database"] and ch.coin(0.3):
        name = f"{_kql_name(ch, spec['database'])}.{name}"
    columns = f"({_csl(spec, ch)})"
    column = _kql_name(ch, spec["columns"][0][0]) if spec["columns"] and ch.coin(0.8) else _kql_name(ch, table_name(ch))
    props = ch.pick(("", "", " with (folder='raw')", ' with (docstring="a table", folder = @"x\\y")',
                     " with (folder=1)", " with ()"))
    kind = ch.below(16) if kind is None else kind
    if kind < 4:
        verb = (".create", ".create-merge", ".alter", ".alter-merge")[kind]
        return f"{verb} table {name} {columns}{props}"
    if kind == 4:
        other = ch.pick(specs)
        return f"{ch.pick(('.create', '.create-merge'))} tables {name} {columns}, " \
               f"{_kql_name(ch, other['name'])} ({_csl(other, ch)}){props}"
    if kind == 5:
        return f".alter column {name}.{column} type={ch.pick(CSL_TYPES + BAD_TYPES)}"
    if kind == 6:
        return f".drop column {name}.{column}{ch.pick(('', ' ifexists'))}"
    if kind == 7:
        return f".drop table {name} columns ({column}, {_kql_name(ch, table_name(ch))})"
    if kind == 8:
        return f".drop table {name}{ch.pick(('', ' ifexists'))}"
    if kind == 9:
        return f".drop tables ({name}, {_kql_name(ch, table_name(ch))}){ch.pick(('', ' ifexists'))}"
    if kind == 10:
        return f".rename column {name}.{column} to {_kql_name(ch, table_name(ch))}"
    if kind == 11:
        return f".rename table {name} to {_kql_name(ch, table_name(ch))}"
    if kind == 12:
        return f".alter table {name} policy retention '{{\"SoftDeletePeriod\": \"10.00:00:00\"}}'"
    if kind == 13:
        return f".create table {name} ingestion json mapping 'm' '[{{\"column\":\"a\",\"path\":\"$.a\"}}]'"
    if kind == 14:
        return f".create-or-alter function F() {{ {name} | take 10 }}"
    return f"// {spec['name']} as a query\n{name} | take 10"


SCHEMA_FORMS = ("table", "kql", "database", "row", "rows", "v1", "v2", "csv", "csl", "dbrow")


def schema_file(ch) -> tuple[str, str]:
    """(file name, text) of a schema file of a random format, well-formed in its syntax
    (its names and types may still be wrong)."""
    name, text, _spec = _schema_file(ch)
    return name, text


def valid_schema_file(ch, form: str) -> tuple[str, str, dict]:
    """(file name, text, table spec) of a schema file of `form` that defines exactly the
    table of the spec, nothing else: its columns are what the loader must give back."""
    return _schema_file(ch, True, form)


def _schema_file(ch, valid: bool = False, form: str | None = None) -> tuple[str, str, dict]:
    specs = [table_spec(ch, valid) for _ in range(1 if valid else ch.int(1, 3))]
    spec = specs[0]
    form = form or ch.pick(SCHEMA_FORMS + ("kql",))
    indent = ch.pick((None, 2))
    if form == "table":
        return "T.json", json.dumps(_schema_json(ch, spec), indent=indent), spec
    if form == "database":
        return "db.json", json.dumps(_database(ch, specs), indent=indent), spec
    if form == "row":
        return "row.json", json.dumps(_row(ch, spec), indent=indent), spec
    if form == "rows":
        return "rows.json", json.dumps([_row(ch, s) for s in specs], indent=indent), spec
    if form == "dbrow":
        return "dbrow.json", json.dumps({"DatabaseSchema": json.dumps(_database(ch, specs))}), spec
    if form == "v1":
        columns, rows = _result_table(ch, [_row(ch, s) for s in specs])
        return "v1.json", json.dumps({"Tables": [{"TableName": "Table_0", "Columns": columns, "Rows": rows}]}), spec
    if form == "v2":
        columns, rows = _result_table(ch, [_row(ch, s) for s in specs])
        return "v2.json", json.dumps([{"FrameType": "DataSetHeader", "Version": "v2.0"},
                                      {"FrameType": "DataTable", "TableId": 0, "TableKind": "PrimaryResult",
                                       "TableName": "PrimaryResult", "Columns": columns, "Rows": rows},
                                      {"FrameType": "DataSetCompletion", "HasErrors": False}]), spec
    if form == "csv":
        # Every field quoted by hand, as csv.writer(quoting=QUOTE_ALL) would: the csv module
        # of Python 3.10 refuses to write a NUL ("need to escape"), which later versions quote.
        def line(fields):
            return ",".join('"' + str(f).replace('"', '""') + '"' for f in fields)

        end = ch.pick(("\r\n", "\n"))
        rows = [line(["TableName", "Schema", "DatabaseName", "Folder", "DocString"])]
        for s in specs:
            row = _row(ch, s)
            rows.append(line([row["TableName"], row["Schema"], row.get("DatabaseName", ""), "", ""]))
        return "export.csv", end.join(rows) + end, spec
    if form == "csl":
        stem = spec["name"] if re.fullmatch(r"[\w ]{1,40}", spec["name"]) else "T"
        return ch.pick((f"{stem}.csl", f"{stem}.cslschema")), _csl(spec, ch), spec
    if valid:   # one command that defines the table, among commands that set no columns
        commands = [f"{ch.pick(('.create', '.create-merge'))} table {spec['name']} ({_csl(spec, ch)})"]
        for _ in range(ch.int(0, 2)):
            commands.insert(ch.int(0, len(commands)), _kql_command(ch, specs, ch.int(12, 15)))
    else:
        commands = [_kql_command(ch, specs) for _ in range(ch.int(1, 6))]
        if not commands[0].startswith(".create") and ch.coin(0.8):
            commands.insert(0, f".create table {_kql_name(ch, spec['name'])} ({_csl(spec, ch)})")
    separator = ch.pick(("\n\n", "\n\n// next\n", "\r\n\r\n") if valid else ("\n", "\n\n", "\n// next\n", "\r\n"))
    text = separator.join(commands) + ch.pick(("", "\n"))
    names = ("tables.kql", "TABLES.KQL") if valid and not commands[0].startswith(".") else \
        ("tables.kql", "tables.csl", "TABLES.KQL")
    return ch.pick(names), text, spec


def _words_for(name: str):
    lowered = name.lower()
    if lowered.endswith(".json"):
        return JSON_WORDS + KUSTO_WORDS[:20]
    if lowered.endswith(".csv"):
        return CSV_WORDS + JSON_WORDS[:10]
    return KUSTO_WORDS


def mutated_schema_file(ch) -> tuple[str, str]:
    """A well-formed schema file, then mutated as text or (JSON) as a document, or not at all."""
    name, text = schema_file(ch)
    how = ch.pick(("text", "json", "none", "text"))
    if how == "json" and name.endswith(".json"):
        document = json.loads(text)
        keys = json_keys(document) + ["Databases", "Tables", "DatabaseSchema", "FrameType", "TableKind", "Rows"]
        for _ in range(ch.int(1, 3)):
            document = mutate_json(ch, document, keys, text_words=KUSTO_WORDS + JSON_WORDS)
        return name, dump_json(ch, document)
    if how == "text" or (how == "json"):
        return name, mutate_text_times(ch, text, _words_for(name), 4)
    return name, text


def random_schema_file(ch) -> tuple[str, str]:
    """Text that is not a schema at all, under a schema file's name."""
    name = ch.pick(("T.json", "tables.kql", "T.csl", "T.cslschema", "export.csv"))
    kind = ch.pick(("text", "json", "words"))
    if kind == "text":
        return name, ch.text(60)
    if kind == "json":
        return name, dump_json(ch, random_json(ch, 3, JSON_WORDS + ("Name", "OrderedColumns", "TableName", "Schema")))
    return name, "".join(ch.pick(_words_for(name)) for _ in range(ch.int(1, 20)))


# ---- job inputs -------------------------------------------------------------------------------

OWN_PROJECT = {
    "asaproj.json": json.dumps({
        "name": "fuzz-job", "startFile": "Job.asaql",
        "configurations": [
            {"filePath": "JobConfig.json", "subType": "JobConfig"},
            {"filePath": "Inputs\\hub.json", "subType": "Input"},
            {"filePath": "Inputs\\Local_hub.json", "subType": "InputMock"},
            {"filePath": "Inputs\\ref.json", "subType": "Input"},
            {"filePath": "Inputs\\Local_ref.json", "subType": "InputMock"},
            {"filePath": "Outputs\\adx.json", "subType": "Output"},
            {"filePath": "Outputs\\blob.json", "subType": "Output"},
            {"filePath": "Functions\\toC.js.json", "subType": "JSFunction"},
        ]}, indent=2),
    "JobConfig.json": json.dumps({"ScriptType": "JobConfig", "CompatibilityLevel": "1.2", "DataLocale": "en-US",
                                  "OutputErrorPolicy": "Retry", "UseSystemAssignedIdentity": True}, indent=2),
    "Inputs/hub.json": json.dumps({"Name": "hub", "Type": "Data Stream", "DataSourceType": "Event Hub",
                                   "Serialization": {"Type": "Json", "Encoding": "UTF8"}, "ScriptType": "Input"}),
    "Inputs/Local_hub.json": json.dumps({"InputAlias": "hub", "Type": "Data Stream", "Format": "Json",
                                         "FilePath": "../data/hub.json", "ScriptType": "InputMock"}),
    "Inputs/ref.json": json.dumps({"Name": "ref", "Type": "Reference Data", "DataSourceType": "Blob Storage",
                                   "Serialization": {"Type": "Csv", "FieldDelimiter": ","}}),
    "Inputs/Local_ref.json": json.dumps({"InputAlias": "ref", "Type": "Reference Data", "Format": "Csv",
                                         "FilePath": "../data/ref.csv"}),
    "data/hub.json": '[{"deviceId": "a", "temp": 21.5, "ts": "2024-01-01T00:00:00Z", "ok": true, "n": 3},\n'
                     ' {"deviceId": "b", "temp": 19, "ts": "2024-01-01T00:00:01Z", "ok": false, "n": null}]\n',
    "data/ref.csv": "deviceId,site,limit\na,north,30.5\nb,south,25\n",
    "Outputs/adx.json": json.dumps({
        "Name": "adx", "DataSourceType": "Azure Data Explorer", "ScriptType": "Output",
        "AzureDataExplorerProperties": {"Cluster": "https://ingest-fuzz.westeurope.kusto.windows.net",
                                        "Database": "db", "Table": "Readings", "AuthenticationMode": "Msi"}}),
    "Outputs/blob.json": json.dumps({"Name": "blob", "DataSourceType": "Blob Storage", "ScriptType": "Output"}),
    "Functions/toC.js.json": json.dumps({"Name": "toC", "Type": "Scalar", "ScriptType": "JSFunction",
                                         "FunctionInputs": [{"DataType": "float"}], "OutputType": "float"}),
    "Functions/toC.js": "function main(f) { return (f - 32) * 5 / 9; }\n",
    "Job.asaql": "SELECT h.deviceId, udf.toC(h.temp) AS tempC, h.ts, r.site -- schemacheck: ignore[SC301]\n"
                 "INTO adx FROM hub h TIMESTAMP BY ts JOIN ref r ON h.deviceId = r.deviceId\n"
                 "SELECT * INTO blob FROM hub\n",
    "schemas/Readings.kql": ".create table Readings (deviceId: string, tempC: real, ts: datetime, site: string)\n",
    "schemacheck.toml": 'fail-on = "warning"\nexclude = ["old/**"]\n\n[rules]\nSC203 = "off"\n\n'
                        '[outputs.blob]\nkind = "blob"\n',
}

OWN_VS_PROJECT = {
    "Job.asaproj": '<?xml version="1.0" encoding="utf-8"?>\n'
                   '<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">\n'
                   '  <PropertyGroup><StartFile>Script.asaql</StartFile><Name>Vs</Name></PropertyGroup>\n'
                   '  <ItemGroup>\n    <Script Include="Script.asaql" />\n'
                   '    <Configure Include="Configuration.json"><SubType>JobConfig</SubType></Configure>\n'
                   '    <Configure Include="Outputs\\Table.json"><SubType>Output</SubType></Configure>\n'
                   '    <Configure Include="Functions\\zone.json"><SubType>CSharpFunction</SubType></Configure>\n'
                   '  </ItemGroup>\n</Project>\n',
    "Configuration.json": json.dumps({"CompatibilityLevel": "1.0", "DataLocale": "de-DE",
                                      "OutputErrorPolicy": "Drop"}),
    "Outputs/Table.json": json.dumps({"Name": "Table", "DataSourceType": "Azure Data Explorer",
                                      "AzureDataExplorerProperties": {"Database": "db", "Table": "Scans",
                                                                      "AuthenticationMode": "ConnectionString"}}),
    "Functions/zone.json": json.dumps({"Name": "zone", "Type": "Scalar", "ScriptType": "CSharpFunction",
                                       "FunctionInputs": [{"DataType": "nvarchar(max)"}], "OutputType": "bigint"}),
    "Script.asaql": "SELECT parcelId AS ParcelId, udf.zone(code) AS Zone, CAST(w AS float) AS Weight\n"
                    "INTO [Table] FROM scans\n",
    "pyproject.toml": '[project]\nname = "x"\n\n[tool.schemacheck]\ncompat-level = "1.1"\nschemas = ["schemas"]\n'
                      '\n[tool.schemacheck.outputs.Table]\ndatabase = "db"\ntable = "Scans"\n',
    "schemas/Scans.json": json.dumps({"Name": "Scans", "OrderedColumns": [
        {"Name": "ParcelId", "CslType": "string"}, {"Name": "Zone", "CslType": "long"},
        {"Name": "Weight", "Type": "System.Double"}]}),
}

OWN_TEMPLATE = {
    "job.json": json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"name": {"type": "string", "defaultValue": "fuzz"}, "table": {"type": "string"},
                       "level": {"type": "string", "defaultValue": "1.2"}},
        "variables": {"query": "[concat('SELECT a, CAST(b AS bigint) AS b INTO adx FROM ', 'hub')]",
                      "names": ["adx", "blob"]},
        "resources": [{
            "type": "Microsoft.StreamAnalytics/streamingjobs", "apiVersion": "2021-10-01-preview",
            "name": "[parameters('name')]", "identity": {"type": "SystemAssigned"},
            "properties": {
                "compatibilityLevel": "[parameters('level')]", "outputErrorPolicy": "Stop",
                "inputs": [{"name": "hub", "properties": {"type": "Stream", "datasource": {
                    "type": "Microsoft.EventHub/EventHub", "properties": {"eventHubName": "e"}}}}],
                "outputs": [{"name": "[variables('names')[copyIndex()]]", "copy": {"name": "o", "count": 1},
                             "properties": {"datasource": {
                                 "type": "Microsoft.Kusto/clusters/databases",
                                 "properties": {"cluster": "https://fuzz.kusto.windows.net", "database": "db",
                                                "table": "[parameters('table')]", "authenticationMode": "Msi"}}}}],
                "functions": [{"name": "f", "properties": {"type": "Scalar", "properties": {
                    "inputs": [{"dataType": "Any"}], "output": {"dataType": "bigint"},
                    "binding": {"type": "Microsoft.StreamAnalytics/JavascriptUdf",
                                "properties": {"script": "function main(x) { return 1; }"}}}}}],
                "transformation": {"name": "t", "properties": {"streamingUnits": 1,
                                                               "query": "[variables('query')]"}}}}]}, indent=2),
    "job.parameters.json": json.dumps({"$schema": "x", "contentVersion": "1.0.0.0",
                                       "parameters": {"table": {"value": "Events"}}}, indent=2),
    "schemas/Events.csl": "a:string, b:long\n",
    "schemacheck.toml": '[live]\ncluster = "https://fuzz.kusto.windows.net"\nauth = "az-cli"\ntimeout = 30\n'
                        '\n[rules]\nSC301 = "error"\n',
}

_SKIPPED_FIXTURE_FILES = ("expected.", "infer.json")   # a golden's expected.json and its variants


def _tree(folder: Path, text_only: bool = False) -> dict[str, str]:
    """The files of a fixture folder; with `text_only`, those that are not UTF-8 text (an .avro
    sample) are left out."""
    tree = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(_SKIPPED_FIXTURE_FILES):
            try:
                tree[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                if not text_only:
                    raise
    return tree


def job_seeds() -> list[dict[str, str]]:
    """Projects and templates as {relative path: text}: our own small ones, the sample, and
    the job fixtures of this repository (read in place)."""
    seeds = [OWN_PROJECT, OWN_VS_PROJECT, OWN_TEMPLATE]
    sample = ROOT / "samples" / "fleet-telemetry"
    if sample.is_dir():
        seeds.append(_tree(sample))
    cases = FIXTURES / "jobs" / "cases"
    if cases.is_dir():
        seeds.extend(_tree(case) for case in sorted(cases.iterdir()) if case.is_dir())
    # Projects whose inputs samples and reference data type (tests/inputs/test_input_golden.py).
    inputs = FIXTURES / "inputs"
    if inputs.is_dir():
        seeds.extend(_tree(case, text_only=True) for case in sorted(inputs.iterdir()) if case.is_dir())
    arm = FIXTURES / "jobs" / "arm"
    if arm.is_dir():
        for template in sorted(arm.glob("*.json")):
            if template.name.endswith(".parameters.json"):
                continue
            seed = {template.name: template.read_text(encoding="utf-8")}
            parameters = template.with_name(template.stem + ".parameters.json")
            if parameters.exists():
                seed[parameters.name] = parameters.read_text(encoding="utf-8")
            seeds.append(seed)
    return seeds


def _entry_points(files: dict) -> list[str]:
    """What a user (or the pre-commit hook) may name on the command line for this job."""
    entries = ["."]
    for name in files:
        lowered = name.lower()
        if lowered.endswith(("asaproj.json", ".asaproj", ".asaql")) or (
                "/" not in name and lowered.endswith(".json")):
            entries.append(name)
    return entries + [name for name in files if name.startswith(("Outputs/", "schemas/"))][:2]


# The commands a job input runs, by share.
COMMANDS = ("check", "check", "check", "check", "infer", "infer", "suggest")


def mutated_json_text(ch, text: str, comments: float) -> str | None:
    """A JSON job file's text with one to three structural mutations (None: not JSON)."""
    document = parse_json_leniently(text)
    if document is None:
        return None
    keys = json_keys(document)
    for _ in range(ch.int(1, 3)):
        document = mutate_json(ch, document, keys, text_words=JOB_WORDS + QUERY_WORDS[-20:])
    return dump_json(ch, document, comments=ch.coin(comments))


def job_input(ch, seeds) -> tuple[dict[str, bytes], list[str]]:
    """(files of a job folder, the command-line arguments after the program name). Half of
    the inputs start from our own seeds (the first three), which hold every kind of file."""
    seed = ch.pick(seeds[:3]) if ch.coin() else ch.pick(seeds)
    files: dict[str, object] = dict(seed)
    for _ in range(ch.int(1, 3)):
        name = ch.pick(sorted(files))
        text = files[name]
        if isinstance(text, bytes):
            files[name] = mutate_bytes(ch, text)
            continue
        how = ch.pick(("json", "json", "json", "json", "text", "text", "bytes", "delete", "empty", "replace"))
        lowered = name.lower()
        if how == "json" and lowered.endswith(".json"):
            mutated = mutated_json_text(ch, text, comments=0.3)
            if mutated is not None:
                files[name] = mutated
                continue
        if how == "bytes":
            files[name] = bytes_of(ch, text)
        elif how == "delete" and len(files) > 1:
            del files[name]
        elif how == "empty":
            files[name] = ch.pick(("", " \n", "\ufeff"))
        elif how == "replace" and lowered.startswith("schemas/"):
            new_name, new_text = mutated_schema_file(ch)
            del files[name]
            files["schemas/" + new_name] = new_text
        elif lowered.endswith(".asaql"):
            files[name] = mutate_text_times(ch, text, QUERY_WORDS)
        else:
            words = TOML_WORDS if lowered.endswith(".toml") else KUSTO_WORDS if lowered.startswith("schemas/") \
                else CSV_WORDS + JSON_WORDS if lowered.endswith(".csv") else JOB_WORDS
            files[name] = mutate_text_times(ch, text, words, 3)
    command = ch.pick(COMMANDS)
    fmt = ch.pick(("json", "json", "text", "sarif", "github", "azure", "junit")) if command == "check" \
        else ch.pick(("json", "text"))
    argv = [command, ch.pick(_entry_points(files)), "--format", fmt]
    names = sorted(files)
    if ch.coin(0.1):
        argv += ["--compat-level", ch.pick(("1.0", "1.1", "1.2"))]
    if ch.coin(0.1):
        argv += ["--udf-type", ch.pick(("toC=float", "zone=bigint", "f=record", "udf.f=nvarchar(max)", "x=int",
                                        "=", "f=", "toC=any"))]
    if command != "infer" and ch.coin(0.1):
        argv += ["--target", ch.pick(("adx=Readings", "adx=db/Readings", "Table=Scans", "o=T", "adx=", "=T",
                                      "adx=a/b/c", "[adx]=x", "blob=db/Readings"))]
    if command != "infer" and ch.coin(0.1):
        argv += ["--schema", ch.pick([n for n in names if n.startswith("schemas/")] + ["schemas", "nowhere"])]
    if ch.coin(0.05):
        argv += ["--parameters", ch.pick(names)]
    if command == "check" and ch.coin(0.05):
        argv += ["--fail-on", ch.pick(("error", "warning", "info"))]
    if ch.coin(0.03):
        argv += ["--output", "out/report.txt"]
    encoded = {name: (data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
               for name, data in files.items()}
    return encoded, argv + ["--no-cache", "--debug"]


# ---- the grammar, for the long run (hypothesis's grammar_sentences() is the tests') ---------

def grammar_sentence(ch, tables, word_pools, depth_limit: int = 12) -> str:
    """A sentence of grammars/asaql.lark from `tables` = support.asa_queries._grammar_tables()
    (expansions, heights) with words from `word_pools` (terminal -> list of spellings)."""
    expansions, height, _words = tables
    out: list[str] = []
    stack = [("start", 0)]
    while stack:
        symbol, depth = stack.pop()
        if symbol.startswith("\x00"):
            out.append(ch.pick(word_pools[symbol[1:]]))
            out.append(ch.pick((" ", " ", " ", "\n", "\t", " /* c */ ", " -- c\n")))
            continue
        options = expansions[symbol]
        if depth >= depth_limit:
            options = [o for o in options
                       if 1 + max((0 if t else height[n] for n, t in o), default=0) == height[symbol]]
        option = ch.pick(options)
        for name, is_term in reversed(option):
            stack.append(("\x00" + name if is_term else name, depth + 1))
    return "".join(out)


# ---- internal names -----------------------------------------------------------------------------

def _grammar_internal_names() -> set[str]:
    """Terminal and rule names of both grammars that no message should show (besides the
    ASA terminals test_properties already checks): the Kusto grammar's non-keyword
    terminals, every rule name with an underscore, and the lower-cased spelling of
    terminals that have one (Kusto's messages lower-case the terminals they do not know)."""
    from schemacheck.asa import _tables as asa
    from schemacheck.kusto import _tables as kusto

    words = {"CREATE", "ALTER", "DROP", "RENAME", "COMMENT"}   # upper-cased words, not names
    names = {"LSQB", "RSQB", "LBRACE", "RBRACE", "_NL", "_NEWLINE", "lpar", "rpar", "lsqb", "rsqb"}
    for tables in (asa, kusto):
        keywords = set(tables.KEYWORDS.values())
        for terminal in tables.TERMINALS:
            if terminal not in keywords and terminal not in words:
                names.add(terminal)
            if "_" in terminal and terminal.lower() not in tables.KEYWORDS:
                names.add(terminal.lower())
        for rule in tables.RULES:
            if rule[2] and "_" in rule[2].strip("_"):
                names.add(rule[2])
    return names


_EXTRA_INTERNAL = re.compile(
    r"(?<![\w$.-])(?:" + "|".join(re.escape(n) for n in sorted(_grammar_internal_names(), key=len, reverse=True))
    + r"|__ANON_\d*)(?![\w$-])"
)


# Words of the domain that the Python-leak check of support.asa_queries would take for Python's.
DOMAIN_PHRASES = ("UserAssigned or None",      # ARM's identity types
                  "(InputDeserializationError)",   # the error ASA reports
                  "NAME=TYPE")                     # a command-line option's metavar


# Python's own exception texts (an exception's message passed on without its type name),
# and sqlglot's internals (its module paths, token types), which the SQL DDL reader must
# not pass on either.
_PYTHON_TEXTS = re.compile(
    r"index out of range|has no attribute|NoneType|not subscriptable|unhashable type|unsupported operand"
    r"|invalid literal for|positional argument|object is not|maximum recursion depth|<class '|values to unpack"
    r"|division by zero|codec can't|\bsqlglot\.\w|TokenType\.|\bexp\.[A-Z]"
)


def message_leaks(message: str, sources=()) -> list[str]:
    """Grammar-internal names or Python leaks in `message` that are not the user's own text
    (a word that occurs in one of `sources`, the input, may be quoted from it)."""
    for phrase in DOMAIN_PHRASES:
        message = message.replace(phrase, "")
    found = internal_leaks(message) + _EXTRA_INTERNAL.findall(message) + _PYTHON_TEXTS.findall(message)
    return [word for word in found if not any(word in source for source in sources)]


# ---- the targets ---------------------------------------------------------------------------------

class Hang(BaseException):
    """No answer within the time limit (BaseException: the library must not catch it)."""


def _on_alarm(signum, frame):
    raise Hang(f"no answer within {TIME_LIMIT} s")


@contextlib.contextmanager
def time_limit(seconds: float | None = None):
    """Raise Hang in the main thread when the body runs past `seconds` (TIME_LIMIT)."""
    seconds = TIME_LIMIT if seconds is None else seconds
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_query(text: str, level: str = "1.2") -> list[str]:
    """analyze (which never raises); the messages of its diagnostics."""
    from schemacheck.asa.analysis import analyze

    result = analyze(text, file="fuzz.asaql", level=level)
    return [d.message for d in result.diagnostics] + [d.fix for d in result.diagnostics if getattr(d, "fix", None)
                                                      and isinstance(d.fix, str)]


def _write(folder: Path, files: dict[str, bytes]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def run_query_file(folder: Path, data: bytes, level: str = "1.2") -> list[str]:
    """A query file's bytes: read_query (InputError for what is not text) then analyze."""
    from schemacheck.files import read_query

    _write(folder, {"q.asaql": data})
    return run_query(read_query(str(folder / "q.asaql")), level)


_PROBE_QUERY = ("SELECT CAST(a AS bigint) AS a, b, CAST(c AS float) AS c, CAST(d AS datetime) AS d, "
                "CAST(e AS nvarchar(max)) AS e, CAST(f AS record) AS f, CAST(g AS bit) AS g, 1.5 AS h, 'x' AS i "
                "INTO out FROM hub")


def run_schema_file(folder: Path, name: str, data: bytes) -> list[str]:
    """load_schemas on one schema file, then each table it holds compared with a query
    that writes every ASA type (the comparator on whatever the loader let through)."""
    from schemacheck.check import Tables, Target, check_text
    from schemacheck.config import Config
    from schemacheck.kusto.files import load_schemas

    _write(folder, {name: data})
    catalog = load_schemas([str(folder / name)])
    messages = []
    for table in catalog.tables[:3]:
        targets = {"out": Target("out", table.name, table.database)}
        result = check_text(_PROBE_QUERY, "probe.asaql", Tables((), {"adx": catalog}), targets, Config(), "1.2")
        messages.extend(d.message for d in result.diagnostics)
    return messages


LAST_EXIT_CODE = None   # of the last run_job
LAST_STDERR = ""        # and what it wrote on stderr


def run_job(folder: Path, files: dict[str, bytes], argv: list[str]) -> list[str]:
    """The command line on a job folder, in-process; its stderr lines and, for JSON, every
    message of the report. With --debug a bug raises instead of becoming "internal error"."""
    from schemacheck import cli

    _write(folder, files)
    argv = [str(folder / a) if i == 1 else a for i, a in enumerate(argv)]
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)   # paths are shown relative to the working directory: keep the folder's name out
    try:
        code = cli.main(argv, out, err)
    finally:
        os.chdir(cwd)
    global LAST_EXIT_CODE, LAST_STDERR
    LAST_EXIT_CODE, LAST_STDERR = code, err.getvalue()
    assert code in (0, 1, 2), (code, err.getvalue())
    messages = [line for line in err.getvalue().splitlines() if line]
    if "--format" in argv and argv[argv.index("--format") + 1] == "json" and out.getvalue():
        messages.extend(_json_messages(json.loads(out.getvalue())))
    return messages


def _json_messages(document) -> list[str]:
    found = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("message", "error", "reason", "fix") and isinstance(value, str):
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def check_outcome(run, sources, known=None) -> tuple[str, list[str]]:
    """Run a target under the time limit: ("ok", messages) or ("error", [message]) for a
    SchemacheckError; any other exception propagates (a crash), as does Hang. Asserts that
    no message shows an internal name, unless a pattern of `known` (KNOWN_BUGS by default)
    tells it for a known bug: KnownBug, then."""
    try:
        with time_limit():
            messages = run()
        outcome = "ok"
    except SchemacheckError as error:
        outcome, messages = "error", [error.message]
    for message in messages:
        leaks = message_leaks(message, sources)
        if leaks:
            for name, pattern, _test in (KNOWN_BUGS if known is None else known):
                if pattern is not None and pattern.search(message):
                    raise KnownBug(name)
        assert not leaks, (leaks, message)
    return outcome, messages


def sources_of(*items) -> list[str]:
    """The texts a message may quote: each input as text (bytes decoded leniently), and names."""
    out = []
    for item in items:
        if isinstance(item, bytes):
            out.append(item.decode("utf-8", "replace"))
            for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
                with contextlib.suppress(UnicodeDecodeError):
                    out.append(item.decode(encoding))
        elif isinstance(item, dict):
            out.extend(sources_of(*item.keys(), *item.values()))
        elif isinstance(item, (list, tuple)):
            out.extend(sources_of(*item))
        else:
            out.append(str(item))
    return out


def query_seeds() -> tuple[str, ...]:
    """The corpus queries (read in place when ../shared exists) and the own seeds of support.asa_queries."""
    return SEEDS



# ---- SQL DDL (CREATE TABLE / ALTER TABLE scripts for SQL outputs) ----------------------------
#
# `ddl_input(ch)` makes the files and command line of a lone query with a SQL output
# (`--target out=sql:dbo.T`, `synapse:...`, `postgresql:public.t`) and its DDL under
# schemas/: well-formed statements of a small grammar in T-SQL or PostgreSQL (CREATE TABLE,
# ALTER TABLE, DROP TABLE, and statements around them that define no table), then mutated
# as text (DDL_WORDS: GO lines, comments, quotes, brackets, keywords, types) and as bytes.
# The query writes some of the table's columns, some not, in types that may or may not fit.
# `run_ddl` runs `schemacheck check|suggest` on it (run_job) and asserts what a user sees
# on a refusal: exit code 2 and one stderr line naming the DDL file, at a line and column
# that are in the file.

SQL_KINDS = {"tsql": ("sql", "synapse"), "postgres": ("postgresql",)}

TSQL_TYPES = (
    "bigint", "int", "nvarchar(50)", "nvarchar(max)", "float", "datetime2", "bit", "smallint", "tinyint", "real",
    "float(24)", "float(53)", "decimal(18, 2)", "numeric(10)", "decimal", "money", "NVARCHAR(MAX)", "varchar(100)",
    "char(10)", "nchar", "national character varying(20)", "datetime", "datetime2(7)", "datetimeoffset", "date",
    "time(3)", "uniqueidentifier", "varbinary(max)", "xml", "sql_variant", "rowversion", "timestamp", "geography",
    "hierarchyid", "[nvarchar](64)", "[dbo].[PhoneType]", "text", "ntext", "sysname")
POSTGRES_TYPES = (
    "bigint", "integer", "text", "double precision", "timestamp with time zone", "boolean", "int", "int4",
    "smallint", "serial", "bigserial", "real", "float8", "numeric(10, 2)", "numeric", "decimal(5)",
    "varchar(50)", "character varying(20)", "character varying", "char(3)", "bool", "date", "timestamp",
    "timestamp(3) with time zone", "timestamptz", "time without time zone", "uuid", "jsonb", "json", "bytea",
    "text[]", "integer[][]", "interval", "bit varying(8)", "my_enum", '"Weird Type"', "public.my_domain")

# Column options, {c} the column, {o} another column of the table.
TSQL_OPTIONS = (
    "", " NULL", " NOT NULL", " NOT NULL DEFAULT (0)", " DEFAULT ((0))", " DEFAULT (getdate())", " DEFAULT N'x'",
    " CONSTRAINT [DF_T_{c}] DEFAULT (1)", " IDENTITY(1,1) NOT NULL", " IDENTITY", " PRIMARY KEY",
    " NOT NULL PRIMARY KEY CLUSTERED", " UNIQUE", " CHECK ([{c}] > 0)", " SPARSE NULL",
    " COLLATE Latin1_General_CI_AS NULL", " ROWGUIDCOL DEFAULT NEWID()", " MASKED WITH (FUNCTION = 'default()') NULL",
    " NOT NULL REFERENCES dbo.Other (Id) ON DELETE CASCADE", " NOT NULL INDEX IX_{c} NONCLUSTERED",
    " GENERATED ALWAYS AS ROW START")
POSTGRES_OPTIONS = (
    "", " NULL", " NOT NULL", " NOT NULL DEFAULT 0", " DEFAULT now()", " DEFAULT 'x'::text",
    " GENERATED ALWAYS AS IDENTITY", " GENERATED BY DEFAULT AS IDENTITY (START WITH 10)", " PRIMARY KEY",
    " UNIQUE", " CHECK ({c} > 0)", " REFERENCES other (id) ON DELETE CASCADE", " GENERATED ALWAYS AS ({o} * 2) STORED",
    ' COLLATE "C"', " CONSTRAINT {c}_nn NOT NULL", " COMPRESSION lz4", " STORAGE EXTERNAL")
TSQL_TAILS = ("", " ON [PRIMARY]", " ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]",
              " WITH (DISTRIBUTION = HASH([{c}]), CLUSTERED COLUMNSTORE INDEX)",
              " WITH (DISTRIBUTION = ROUND_ROBIN, HEAP)",
              " AS NODE", " WITH (SYSTEM_VERSIONING = ON)")
POSTGRES_TAILS = ("", " INHERITS (parent)", " PARTITION BY RANGE ({c})", " WITH (fillfactor = 70)", " TABLESPACE fast")
DDL_COLUMN_NAMES = ("DeviceId", "Reading", "EventTime", "a", "b", "Temp_C", "Status", "id", "x1", "Count", "Order",
                    "Site Code", "é", "Name", "type", "Key")
DDL_TABLE_NAMES = ("Readings", "T", "Alerts", "events", "Order Lines", "dbo_T", "VehicleStatus")
DDL_SCHEMAS = {"tsql": (None, "dbo", "mart", "Sales"), "postgres": (None, "public", "app")}

DDL_WORDS = (
    "\nGO\n", "\ngo 3\n", "GO", "\n:r other.sql\n", "\n:setvar x 1\n", "--", "-- c\n", "/*", "*/", "/* c */", "'",
    "N'", "''", '"', "[", "]", "]]", "(", ")", "((", "))", ",", ";", ".", "..", "#", "##", "@", "$$", "$body$",
    "::", "CREATE", "TABLE", "CREATE TABLE", "ALTER TABLE", "DROP TABLE", "CREATE TABLE IF NOT EXISTS", "ADD",
    "DROP", "COLUMN", "ALTER COLUMN", "DROP COLUMN", "CONSTRAINT", "DEFAULT", "IDENTITY", "IDENTITY(1,1)",
    "PRIMARY KEY", "PRIMARY KEY (", "NOT NULL", "NULL", "AS", "AS (", "GENERATED ALWAYS AS", "STORED", "PERSISTED",
    "INHERITS (", "LIKE", "IF NOT EXISTS", "IF EXISTS", "RENAME", "RENAME COLUMN", "TO", "TYPE", "USING", "SET",
    "SET SCHEMA", "FOR", "ON", "WITH", "REFERENCES", "CHECK", "COLLATE", "SPARSE", "MASKED WITH (FUNCTION = 'x')",
    "CREATE PROCEDURE p AS", "CREATE FUNCTION f() RETURNS int AS $$", "BEGIN", "BEGIN ATOMIC", "END", "CASE",
    "bigint", "nvarchar(max)", "varchar(99999999999999999999)", "decimal(38, 40)", "float(100)", "int[]", "ARRAY",
    "double precision", "timestamp with time zone", "national character varying", "xml(CONTENT x)", "0", "-1",
    "1e309", "0x1F", "0b", "x", "dbo.", "[dbo].", '"public".', "a.b.c.d.", "L_PAREN", "VAR", "IDENTIFIER",
    "__ANON_0", "\n", "\r\n", "\r", "\t", " ", "\x00", "\ufeff", "é", "😀", "\u2028", "\\", "`", "{", "}", "?", "&",
)


def _sql_name(ch, name: str, dialect: str) -> tuple[str, str]:
    """(name as written in the DDL, the name the dialect reads): plain where it can be,
    else in brackets (T-SQL) or double quotes."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) is not None and name.lower() not in (
        "order", "key", "count", "type", "name", "status")
    if plain and ch.coin(0.8):
        return name, (name.lower() if dialect == "postgres" else name)
    if dialect == "tsql" and ch.coin(0.85):
        return "[" + name.replace("]", "]]") + "]", name
    return '"' + name.replace('"', '""') + '"', name


def _sql_column(ch, dialect: str, name: str, other: str, valid: bool) -> tuple[str, bool]:
    """A column definition; whether it is computed (T-SQL AS expr: no type of its own)."""
    written, _ = _sql_name(ch, name, dialect)
    if dialect == "tsql" and not valid and ch.coin(0.05):
        persisted = ch.pick(("", " PERSISTED", " PERSISTED NOT NULL"))
        return f"{written} AS ({_sql_name(ch, other, dialect)[0]} + 1){persisted}", True
    types = TSQL_TYPES if dialect == "tsql" else POSTGRES_TYPES
    options = TSQL_OPTIONS if dialect == "tsql" else POSTGRES_OPTIONS
    kind = ch.pick(types[:8] if valid else types)
    option = ch.pick(options[:4] if valid else options).format(c=name.replace(" ", "_"),
                                                                   o=_sql_name(ch, other, dialect)[0])
    return f"{written} {kind}{option}", False


def _sql_table_name(ch, dialect: str, schema: str | None, name: str) -> str:
    written = _sql_name(ch, name, dialect)[0]
    if schema is None:
        return written
    return _sql_name(ch, schema, dialect)[0] + "." + written


def _create_table(ch, dialect: str, spec: dict, valid: bool) -> str:
    definitions = []
    names = spec["columns"]
    for name in names:
        definitions.append(_sql_column(ch, dialect, name, ch.pick(names), valid)[0])
    if not valid and names and ch.coin(0.3):
        key = _sql_name(ch, ch.pick(names), dialect)[0]
        definitions.append(ch.pick((f"CONSTRAINT PK_T PRIMARY KEY ({key})", f"PRIMARY KEY ({key})",
                                    f"UNIQUE ({key})", f"CHECK ({key} IS NOT NULL)",
                                    f"FOREIGN KEY ({key}) REFERENCES other (id)")))
    head = "CREATE TABLE"
    if not valid and dialect == "postgres":
        head = ch.pick(("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", "CREATE UNLOGGED TABLE", "CREATE TABLE"))
    tail = "" if valid else ch.pick(TSQL_TAILS if dialect == "tsql" else POSTGRES_TAILS).format(
        c=names[0] if names else "a")
    separator = ch.pick((",\n    ", ", ", ",\n\t"))
    return f"{head} {_sql_table_name(ch, dialect, spec['schema'], spec['name'])} (\n    " \
           f"{separator.join(definitions)}\n){tail}"


def _alter_table(ch, dialect: str, spec: dict) -> str:
    table = _sql_table_name(ch, dialect, spec["schema"], spec["name"])
    column = _sql_name(ch, ch.pick(spec["columns"]) if spec["columns"] else "a", dialect)[0]
    new_name = ch.pick(DDL_COLUMN_NAMES)
    added = _sql_column(ch, dialect, new_name, ch.pick(spec["columns"] or ["a"]), False)[0]
    types = TSQL_TYPES if dialect == "tsql" else POSTGRES_TYPES
    if dialect == "tsql":
        action = ch.pick((
            f"ADD {added}", f"ADD {added}, {_sql_column(ch, dialect, 'extra', 'a', False)[0]}",
            f"ALTER COLUMN {column} {ch.pick(types)}{ch.pick(('', ' NULL', ' NOT NULL'))}", f"DROP COLUMN {column}",
            f"ADD CONSTRAINT [DF_x] DEFAULT (0) FOR {column}", "DROP CONSTRAINT [DF_x]",
            f"WITH CHECK ADD CONSTRAINT FK_x FOREIGN KEY ({column}) REFERENCES dbo.Other (Id)",
            f"ADD CONSTRAINT PK_x PRIMARY KEY CLUSTERED ({column})", f"DROP COLUMN {column}, {column}",
            f"ALTER COLUMN {column} ADD ROWGUIDCOL", "NOCHECK CONSTRAINT ALL"))
    else:
        type_name = ch.pick(types)
        actions = (
            f"ADD COLUMN {added}", f"ADD COLUMN IF NOT EXISTS {added}", f"ADD {added}",
            f"ALTER COLUMN {column} TYPE {type_name} USING {column}::{type_name}",
            f"ALTER COLUMN {column} SET DATA TYPE {type_name}", f"ALTER COLUMN {column} SET NOT NULL",
            f"ALTER COLUMN {column} DROP NOT NULL", f"ALTER COLUMN {column} SET DEFAULT 0",
            f"ALTER COLUMN {column} DROP DEFAULT", f"ALTER COLUMN {column} ADD GENERATED ALWAYS AS IDENTITY",
            f"ALTER COLUMN {column} DROP IDENTITY", f"ALTER COLUMN {column} DROP EXPRESSION",
            f"RENAME COLUMN {column} TO {_sql_name(ch, new_name, dialect)[0]}", "RENAME TO renamed",
            "SET SCHEMA app", f"DROP COLUMN IF EXISTS {column}", f"ADD PRIMARY KEY ({column})", f"DROP {column}")
        action = ", ".join(ch.pick(actions) for _ in range(ch.int(1, 2)))
        table = ch.pick(("", "", "IF EXISTS ", "ONLY ")) + table
    return f"ALTER TABLE {table} {action}"


_TSQL_AROUND = (
    "SET ANSI_NULLS ON", "SET QUOTED_IDENTIFIER ON", "PRINT N'Creating the tables...'",
    "CREATE TABLE #scratch (a int)", ":setvar DatabaseName Fleet", ":r .\\Tables\\other.sql",
    "CREATE PROCEDURE dbo.usp_Fill AS\nBEGIN\n    CREATE TABLE #t (a int)\n    SELECT 1 AS x\nEND",
    "CREATE INDEX IX_T ON dbo.T (a)", "IF OBJECT_ID(N'dbo.T') IS NULL\nBEGIN\n    PRINT 'x'\nEND",
    "EXEC sp_rename 'dbo.T.a', 'b', 'COLUMN'", "CREATE VIEW dbo.V AS SELECT 1 AS x",
    "DROP TABLE IF EXISTS dbo.Old", "CREATE TABLE dbo.Copy WITH (DISTRIBUTION = ROUND_ROBIN) AS SELECT * FROM dbo.T",
    "CREATE TYPE dbo.PhoneType FROM nvarchar(20) NOT NULL",
    "CREATE EXTERNAL TABLE dbo.Ext (a int) WITH (LOCATION = '/x')")
_POSTGRES_AROUND = (
    "SET search_path = public", "CREATE TEMP TABLE scratch (a int)", "CREATE INDEX ix_t ON t (a)",
    "COMMENT ON TABLE t IS 'the table; with a semicolon'", "CREATE TYPE my_enum AS ENUM ('a', 'b')",
    "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n    CREATE TABLE inner_t (a int);\n    RETURN NEW;\nEND\n"
    "$$ LANGUAGE plpgsql", "CREATE TABLE copy (LIKE t INCLUDING ALL)", "CREATE TABLE copy2 AS SELECT * FROM t",
    "CREATE TABLE part1 PARTITION OF t FOR VALUES FROM (1) TO (10)", "DROP TABLE IF EXISTS old, older",
    "CREATE TABLE parent (pid bigint NOT NULL)", "CREATE DOMAIN my_domain AS text CHECK (VALUE <> '')",
    "CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 END; END",
    "CREATE EXTENSION IF NOT EXISTS pgcrypto")


def ddl_spec(ch, dialect: str, valid: bool = False) -> dict:
    """A table: its schema, name and (distinct) column names."""
    names = [ch.pick(DDL_COLUMN_NAMES[:10] if valid else DDL_COLUMN_NAMES) for _ in range(ch.int(1, 6))]
    if dialect == "postgres":   # unquoted PostgreSQL names are folded: keep one spelling per folded name
        names = list({n.lower(): n for n in names}.values()) if valid else names
    columns = list(dict.fromkeys(n.lower() if valid and dialect == "postgres" else n for n in names))
    if dialect == "tsql":   # T-SQL names match in any case
        columns = list({c.lower(): c for c in columns}.values())
    name = ch.pick(DDL_TABLE_NAMES[:4] if valid else DDL_TABLE_NAMES)
    return {"dialect": dialect, "schema": ch.pick(DDL_SCHEMAS[dialect]),
            "name": name.lower() if valid and dialect == "postgres" else name, "columns": columns}


def ddl_script(ch, spec: dict, valid: bool = False) -> list[str]:
    """The statements of a DDL script that defines the spec's table (a `valid` script
    defines exactly it, with the statements around it defining no other table)."""
    dialect = spec["dialect"]
    around = _TSQL_AROUND if dialect == "tsql" else _POSTGRES_AROUND
    statements = [_create_table(ch, dialect, spec, valid)]
    for _ in range(ch.int(0, 3)):
        if valid:
            # Not a T-SQL procedure: without GO after it, its body runs to the end of the batch.
            harmless = [s for s in around[:8] if not s.startswith((":r", "CREATE PROCEDURE"))]
            statements.insert(ch.int(0, len(statements)), ch.pick(harmless))
            continue
        what = ch.below(10)
        if what < 4:
            statements.append(_alter_table(ch, dialect, spec))
        elif what < 7:
            statements.insert(ch.int(0, len(statements)), ch.pick(around))
        elif what < 8:
            other = ddl_spec(ch, dialect)
            statements.insert(ch.int(0, len(statements)), _create_table(ch, dialect, other, False))
        elif what < 9:
            statements.append(f"DROP TABLE {_sql_table_name(ch, dialect, spec['schema'], spec['name'])}")
        else:
            statements.append(_create_table(ch, dialect, dict(spec, columns=spec["columns"][::-1]), False))
    return statements


def ddl_text(ch, statements: list[str], dialect: str) -> str:
    if dialect == "tsql":
        separator = ch.pick(("\nGO\n", ";\nGO\n\n", "\n", ";\n", "\r\nGO\r\n"))
    else:
        separator = ch.pick((";\n", ";\n\n", ";\r\n"))
    header = ch.pick(("", "-- the tables of the job\n", "/* generated */\n"))
    end = ch.pick(("", "\n", separator)) if dialect == "tsql" else ch.pick((";\n", ";", ""))
    text = header + separator.join(statements) + end
    return text.replace("\n", "\r\n").replace("\r\r\n", "\r\n") if ch.coin(0.1) else text


def valid_ddl_file(ch, dialect: str) -> tuple[str, dict]:
    """(text, spec) of a script that defines exactly the spec's table, nothing else."""
    spec = ddl_spec(ch, dialect, valid=True)
    return ddl_text(ch, ddl_script(ch, spec, valid=True), dialect), spec


_ASA_CASTS = ("bigint", "float", "nvarchar(max)", "datetime", "bit", "record", "array")


def ddl_query(ch, spec: dict) -> str:
    """A lone query that writes INTO out some of the table's columns (a name's case may
    differ), some it does not have, in types that may or may not fit."""
    if ch.coin(0.05):
        return "SELECT * INTO out FROM hub\n"
    items = []
    names = list(spec["columns"]) or ["a"]
    for _ in range(ch.int(1, 5)):
        name = ch.pick(names) if ch.coin(0.8) else ch.pick(DDL_COLUMN_NAMES)
        if ch.coin(0.1):
            name = ch.pick((name.upper(), name.lower(), name + "x"))
        alias = name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "[" + name.replace("]", "]]") + "]"
        value = ch.pick(("CAST(v AS {t})", "CAST(v AS {t})", "v", "1", "'text'", "2.5", "NULL",
                         "System.Timestamp()")).format(t=ch.pick(_ASA_CASTS))
        items.append(f"{value} AS {alias}")
    return "SELECT " + ",\n       ".join(items) + "\nINTO [out]\nFROM hub\n"


def ddl_target(ch, spec: dict) -> str:
    """`out=KIND:TABLE`: usually the spec's dialect and table, now and then another dialect
    (T-SQL read as PostgreSQL, and the reverse), a case or a name that differs."""
    dialect = spec["dialect"] if ch.coin(0.85) else ch.pick(tuple(SQL_KINDS))
    kind = ch.pick(SQL_KINDS[dialect])
    name = spec["name"]
    schema = spec["schema"]
    how = ch.below(10)
    if how == 0:
        name = ch.pick((name.upper(), name.lower(), "Nope", name + "s"))
    if spec["dialect"] == "postgres" and ch.coin(0.7):
        name = name.lower()
    if how == 1:
        table = f"[{schema or 'dbo'}].[{name}]" if dialect == "tsql" else f'"{schema or "public"}"."{name}"'
    elif how == 2:
        table = f"Fleet.{schema or 'dbo'}.{name}"
    else:
        table = f"{schema}.{name}" if schema and ch.coin(0.7) else name
    return f"out={kind}:{table}"


def ddl_input(ch) -> tuple[dict[str, bytes], list[str]]:
    """(files of a folder: q.asaql and schemas/*.sql, the command-line arguments)."""
    dialect = ch.pick(("tsql", "postgres"))
    spec = ddl_spec(ch, dialect)
    statements = ddl_script(ch, spec)
    files: dict[str, object] = {}
    if len(statements) > 1 and ch.coin(0.2):   # numbered migrations: the CREATE in one, the rest in the next
        cut = ch.int(1, len(statements) - 1)
        files["schemas/001_create.sql"] = ddl_text(ch, statements[:cut], dialect)
        files["schemas/002_alter.sql"] = ddl_text(ch, statements[cut:], dialect)
    else:
        files["schemas/tables.sql"] = ddl_text(ch, statements, dialect)
    how = ch.below(10)   # 2 in 10 as generated, 5 mutated as text, 3 as bytes (half of them mutated as text first)
    if 2 <= how < 7 or (how >= 7 and ch.coin()):
        name = ch.pick(sorted(files))
        files[name] = mutate_text_times(ch, files[name], DDL_WORDS + KUSTO_WORDS[:12], 3)
    if how >= 7:   # encodings, byte order marks, bytes that are not UTF-8, NUL, flips
        name = ch.pick(sorted(files))
        files[name] = bytes_of(ch, files[name])
    files["q.asaql"] = ddl_query(ch, spec)
    schema = "schemas" if len(files) > 2 or ch.coin(0.3) else "schemas/tables.sql"
    command = ch.pick(("check", "check", "check", "check", "suggest"))
    fmt = ch.pick(("json", "json", "text", "sarif")) if command == "check" else "json"
    argv = [command, "q.asaql", "--schema", schema, "--target", ddl_target(ch, spec), "--format", fmt]
    encoded = {name: (data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
               for name, data in files.items()}
    return encoded, argv + ["--no-cache", "--debug"]


class BadAnswer(AssertionError):
    """A refusal that is not what a user should see (more than one line, no file named,
    a position outside the file); `reason` tells kinds apart in the long run's signatures."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


_ERROR_LINE = re.compile(r"schemacheck: error: (schemas/[^:\n]+?)(?::(\d+)(?::(\d+))?)?: \S")


def check_ddl_refusal(files: dict[str, bytes], err: str) -> None:
    """Exit code 2 on a DDL input: one stderr line `schemacheck: error: schemas/F[:L[:C]]: ...`
    naming one of the DDL files, at a line and column inside that file."""
    from schemacheck.errors import InputError
    from schemacheck.files import decode

    if err.count("\n") != 1 or not err.endswith("\n"):
        raise BadAnswer("not-one-line", repr(err[:500]))
    match = _ERROR_LINE.match(err)
    if match is None:
        raise BadAnswer("no-file-named", repr(err[:500]))
    name, line, column = match.group(1), match.group(2), match.group(3)
    if name not in files:
        raise BadAnswer("another-file-named", repr(err[:500]))
    if line is None:
        return
    try:
        # Lines end at CRLF, CR or LF, as the readers count them.
        lines = re.split(r"\r\n|\r|\n", decode(files[name], name, "DDL script"))
    except InputError:   # not text: the position is in bytes
        lines = files[name].split(b"\n")
    line, column = int(line), int(column or 1)
    if not (1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1):
        raise BadAnswer("position-outside-the-file", f"{line}:{column} in {len(lines)} lines; {err[:300]!r}")


# Bugs of the product that the fuzzing found and that are not fixed yet: (name, how to
# tell one: a pattern of the message, or None for those `_known_bug` tells by other signs,
# the xfail test of tests/robustness/ that holds it). check_outcome and
# `run_ddl(known=...)` raise KnownBug for an input that hits one of them, so that the short
# fuzzing can go on looking for others; the long run lists them apart. Remove an entry
# with its fix.
KNOWN_BUGS: tuple = (
)


class KnownBug(Exception):
    """An input that hits one of KNOWN_BUGS (`name`); not a crash of its own."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _known_bug(files: dict[str, bytes], err: str, error: BaseException | None, known) -> str | None:
    import traceback

    names = {name for name, _pattern, _test in known}
    if error is not None:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if "/schemacheck/" in f.filename]
        if "bracketed-type-in-fix" in names and frames and frames[-1].name == "_data_type" \
                and type(error).__name__ == "ParseError":
            return "bracketed-type-in-fix"
        return None
    for name, pattern, _test in known:
        if pattern is not None and pattern.search(err):
            return name
    if "line-break-in-a-quoted-name" in names and err.count("\n") > 1:
        # Our messages hold no line break: each one but the last is the DDL's own, in a name
        # (or a piece of the text) the message quotes; the character before or after it is the
        # DDL's too.
        texts = sources_of(*(data for name, data in files.items() if name.endswith(".sql")))
        inner = [m.start() for m in re.finditer("\n", err[:-1])]
        if all(any(err[at - 1:at + 1] in text or err[at:at + 2] in text for text in texts) for at in inner):
            return "line-break-in-a-quoted-name"
    return None


def run_ddl(folder: Path, files: dict[str, bytes], argv: list[str], known=()) -> list[str]:
    """run_job on a DDL input, then check_ddl_refusal when it exits with code 2. With
    `known` (KNOWN_BUGS), an input that hits one of those bugs raises KnownBug."""
    try:
        messages = run_job(folder, files, argv)
    except Exception as error:
        bug = _known_bug(files, "", error, known) if known else None
        if bug:
            raise KnownBug(bug) from error
        raise
    bug = _known_bug(files, LAST_STDERR, None, known) if known else None
    if bug:
        raise KnownBug(bug)
    if LAST_EXIT_CODE == 2:
        check_ddl_refusal(files, LAST_STDERR)
    elif LAST_STDERR:
        raise BadAnswer("stderr-without-error", repr(LAST_STDERR[:500]))
    return messages


# ---- Terraform and Bicep jobs ------------------------------------------------------------------

# Pieces of both languages a mutation inserts: delimiters, string forms (heredocs, ''' and
# escapes, interpolation), references, loops, modules, the functions the readers evaluate.
IAC_WORDS = (
    "{", "}", "[", "]", "(", ")", "=", ":", ",", ".", "\n", '"', "'", "'''", "${", "$${", "%{", "%{ if x }",
    "%{ endif }", "<<EOT\n", "\nEOT\n", "<<-EOT\n", "\\", "\\n", "\\u00e9", "\\u{1F600}", "#", "//", "/*", "*/",
    "var.", "local.", "module.", "data.", "each.key", "each.value", "count.index", "path.module", "null", "true",
    "for_each = ", "count = ", "for x in ", " if ", "? ", " : ", "...", "[*]", ".*", "!", "-", "??", "?.",
    'file("', 'templatefile("', "jsonencode(", "jsondecode(", "try(", "lookup(", "merge(", "format(", "lower(",
    "loadTextContent('", "loadJsonContent('", "json(", "concat(", "union(", "resourceGroup().location",
    "uniqueString(", "existing", "parent: ", "module m './", "br:", "ts:", "using './main.bicep'\n",
    "resource ", "param ", "var ", "output ", "variable ", "locals ", "@description('x')\n", "@batchSize(1)\n",
    "azurerm_stream_analytics_job", "azapi_resource", "azurerm_kusto_script", "Microsoft.StreamAnalytics/streamingjobs",
    "Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview", "Microsoft.Kusto/clusters/databases/scripts",
    "Microsoft.Kusto/clusters/databases", "transformation_query", "script_content", "scriptContent", "parent_id",
    "database_id", "stream_analytics_job_name", "../", "/etc/passwd", "9" * 400, "é", "\x00", "\r\n",
)
IAC_SUFFIXES = (".tf", ".tfvars", ".bicep", ".bicepparam", ".json", ".tftpl")


def iac_seeds(samples: bool = True) -> list[dict[str, str]]:
    """Terraform and Bicep jobs as {relative path: text}: this repository's fixtures (read in
    place) and, for the parsers (`samples`), its HCL samples each as a module of its own."""
    seeds = []
    folder = FIXTURES / "iac"
    if folder.is_dir():
        seeds.extend(_tree(case) for case in sorted(folder.iterdir()) if case.is_dir())
    samples_folder = ROOT / "tests" / "jobs" / "hcl_samples"
    if samples and samples_folder.is_dir():
        seeds.extend({"main.tf" if p.suffix == ".tf" else "terraform.tfvars": p.read_text(encoding="utf-8")}
                     for p in sorted(samples_folder.iterdir()) if p.suffix in (".tf", ".tfvars"))
    return seeds


def _iac_entry_points(files: dict) -> list[str]:
    return ["."] + [name for name in files if name.lower().endswith((".tf", ".tfvars", ".bicep", ".bicepparam",
                                                                       ".asaql", ".kql"))]


def iac_input(ch, seeds) -> tuple[dict[str, bytes], list[str]]:
    """(files of a Terraform or Bicep job folder, the command line after the program name):
    one to three files mutated as text, as bytes, emptied or deleted; now and then a module
    made to call itself."""
    files: dict[str, object] = dict(ch.pick(seeds))
    for _ in range(ch.int(1, 3)):
        name = ch.pick(sorted(files))
        text = files[name]
        if isinstance(text, bytes):
            files[name] = mutate_bytes(ch, text)
            continue
        how = ch.pick(("text", "text", "text", "text", "text", "bytes", "delete", "empty", "cycle"))
        lowered = name.lower()
        if how == "bytes":
            files[name] = bytes_of(ch, text)
        elif how == "delete" and len(files) > 1:
            del files[name]
        elif how == "empty":
            files[name] = ch.pick(("", " \n", "\ufeff"))
        elif how == "cycle" and lowered.endswith(".tf"):
            files[name] = text + '\nmodule "again" {\n  source = "./"\n}\n'
        elif how == "cycle" and lowered.endswith(".bicep"):
            files[name] = text + f"\nmodule again './{name.rsplit('/', 1)[-1]}' = {{\n  name: 'again'\n}}\n"
        elif lowered.endswith(".asaql"):
            files[name] = mutate_text_times(ch, text, QUERY_WORDS)
        else:
            words = IAC_WORDS if lowered.endswith(IAC_SUFFIXES) else KUSTO_WORDS if lowered.endswith(".kql") \
                else JOB_WORDS
            files[name] = mutate_text_times(ch, text, words, 2)
    command = ch.pick(COMMANDS)
    fmt = ch.pick(("json", "json", "text", "sarif")) if command == "check" else ch.pick(("json", "text"))
    argv = [command, ch.pick(_iac_entry_points(files)), "--format", fmt]
    if command == "check" and fmt == "text" and ch.coin(0.3):
        argv += ["--diff"]
    if ch.coin(0.05):
        argv += ["--parameters", ch.pick(sorted(files))]
    encoded = {name: (data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
               for name, data in files.items()}
    return encoded, argv + ["--no-cache", "--debug"]


# ---- deployed jobs: saved REST answers ----------------------------------------------------------

def deployed_seeds() -> list[dict[str, str]]:
    """The drift rules' examples (a VS Code project and the job as deployed, saved as ARM's
    REST API answers it, deployed.json), one per rule: our own files."""
    from schemacheck import docgen
    from schemacheck.diagnostics import RULES

    return [docgen.example_files(rule) for code, rule in sorted(RULES.items()) if rule.example_command == "drift"]


def deployed_input(ch, seeds) -> tuple[dict[str, bytes], list[str]]:
    """(the files of a drift example, mostly deployed.json mutated as JSON or text; the
    command line): `drift . --deployed-file deployed.json`, which reads no network."""
    files: dict[str, object] = dict(ch.pick(seeds))
    for _ in range(ch.int(1, 3)):
        name = "deployed.json" if ch.coin(0.8) else ch.pick(sorted(files))
        text = files.get(name)
        if text is None:
            continue
        if isinstance(text, bytes):
            files[name] = mutate_bytes(ch, text)
            continue
        how = ch.pick(("json", "json", "json", "json", "text", "bytes", "empty"))
        if how == "json" and name.endswith(".json"):
            mutated = mutated_json_text(ch, text, comments=0.1)
            if mutated is not None:
                files[name] = mutated
                continue
        if how == "bytes":
            files[name] = bytes_of(ch, text)
        elif how == "empty":
            files[name] = ch.pick(("", " \n", "\ufeff", "[]", "{}", '{"value": []}'))
        elif name.endswith(".asaql"):
            files[name] = mutate_text_times(ch, text, QUERY_WORDS)
        else:
            files[name] = mutate_text_times(ch, text, JOB_WORDS, 2)
    fmt = ch.pick(("json", "json", "text", "sarif"))
    argv = ["drift", ".", "--deployed-file", "deployed.json", "--format", fmt]
    encoded = {name: (data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
               for name, data in files.items()}
    return encoded, argv + ["--no-cache", "--debug"]
