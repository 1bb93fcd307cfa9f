"""The bad input matrix: every way an input can be wrong, huge or strange, through the
command line.

Each case asserts what a user sees: exit code 2 for an input that cannot be used (1 for a
query that does not parse: that is finding SC001), one line on stderr
`schemacheck: error: FILE[:LINE[:COLUMN]]: what is wrong...`, never a traceback or an
"internal error", and, where a report goes to `--output FILE`, either the whole new
report or the old file untouched, with no `.schemacheck-*` temporary file left beside it.

Most cases run in-process (conftest.run_cli); the deep and long ones also run as a real
`python -m schemacheck` or `schemacheck` process, where a RecursionError, a MemoryError or
a traceback would show as such. Large inputs are generated once per module. No case
asserts a duration: the subprocess timeout only keeps a hang from blocking the suite.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from conftest import run_cli
from support.bad_inputs import (
    assert_clean,
    assert_one_error,
    assert_report_untouched,
    columns,
    report_fixture,  # noqa: F401  (the fixture report)
    run_process,
    temporaries,
)
from support.files import write_at as write


# ---- helpers ------------------------------------------------------------------------


def diagnostics(out: str) -> list[tuple]:
    """(code, line, column, end line, end column) of every diagnostic of a JSON report."""
    return [(d["code"], d["line"], d["column"], d.get("end_line"), d.get("end_column"))
            for f in json.loads(out)["files"] for d in f["diagnostics"]]


# ---- missing, empty, not a folder of jobs, unreadable ------------------------------------


@pytest.mark.parametrize("command", ["check", "infer", "suggest"])
def test_a_missing_file(tmp_path, command):
    missing = str(tmp_path / "nope.asaql")
    code, out, err = run_cli(command, missing)
    assert_one_error(code, out, err, missing, "no such file")


def test_a_missing_file_with_output_writes_a_whole_report_naming_it(tmp_path, report):
    missing = str(tmp_path / "nope.asaql")
    code, out, err = run_cli("check", missing, "--format", "json", "--output", str(report))
    assert_one_error(code, out, err, missing, "no such file")
    assert out == ""
    (entry,) = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert entry["file"] == missing and entry["error"] == "no such file"
    assert temporaries(report.parent) == []


def test_a_directory_without_jobs(tmp_path):
    folder = tmp_path / "notes"
    write(folder / "readme.txt", "SELECT 1 AS x INTO o FROM i")
    write(folder / "data.csv", "a,b\n1,2\n")
    for command in ("check", "infer"):
        code, out, err = run_cli(command, str(folder))
        assert_one_error(code, out, err, str(folder), "no .asaql query, ASA project", "in this directory")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads any file, whatever its permissions")
def test_permission_denied_for_real(tmp_path):
    query = tmp_path / "q.asaql"
    write(query, "SELECT 1 AS x INTO o FROM i")
    schema = tmp_path / "schemas" / "t.kql"
    write(schema, ".create table o (x: long)")
    locked = tmp_path / "locked"
    write(locked / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    for path in (query, schema, locked):
        path.chmod(0)
    try:
        code, out, err = run_cli("check", str(query))
        assert_one_error(code, out, err, str(query), "permission denied")
        readable = write(tmp_path / "ok.asaql", "SELECT 1 AS x INTO o FROM i")
        code, out, err = run_cli("check", readable, "--schema", str(schema))
        assert_one_error(code, out, err, str(schema), "permission denied")
        code, out, err = run_cli("check", str(locked))
        assert_one_error(code, out, err, str(locked), "permission denied", "cannot be listed")
    finally:
        for path in (query, schema, locked):
            path.chmod(0o755)


def test_permission_denied_as_the_system_answers_it(tmp_path, monkeypatch):
    """What an unreadable file and an unlistable folder give, with the operating system's
    refusal simulated (so that the case is checked when the suite runs as root too)."""
    import builtins

    query = write(tmp_path / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    schema = write(tmp_path / "schemas" / "t.kql", ".create table o (x: long)")
    locked = tmp_path / "locked"
    write(locked / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    real_open, real_scandir = builtins.open, os.scandir

    def refusing_open(file, *args, **kwargs):
        if str(file) in (query, schema):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def refusing_scandir(path="."):
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(builtins, "open", refusing_open)
    monkeypatch.setattr(os, "scandir", refusing_scandir)
    code, out, err = run_cli("check", query)
    assert_one_error(code, out, err, query, "permission denied")
    readable = write(tmp_path / "ok.asaql", "SELECT 1 AS x INTO o FROM i")
    code, out, err = run_cli("check", readable, "--schema", schema)
    assert_one_error(code, out, err, schema, "permission denied")
    code, out, err = run_cli("check", str(locked))
    assert_one_error(code, out, err, str(locked), "permission denied", "cannot be listed")


# ---- bytes that are not a query ------------------------------------------------------------


@pytest.mark.parametrize("content, where, words", [
    (b"", "", "is empty"),
    (b"   \r\n\t\n  ", "", "is empty"),
    (bytes(range(256)) * 8, ":1:1", "looks like a binary file (NUL byte)"),
    (b"SELECT 1 AS x\nINTO o FROM i -- caf\xe9\n", ":2:21", "not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    (b"SELECT 1 AS x\nINTO o\x00 FROM i\n", ":2:7", "looks like a binary file (NUL byte)"),
    (codecs.BOM_UTF16_LE + "SELECT 1 AS x INTO o FROM i".encode("utf-16-le")[:-1], "", "not valid UTF-16 text"),
])
@pytest.mark.parametrize("command", ["check", "infer"])
def test_bytes_that_are_not_a_query(tmp_path, content, where, words, command):
    query = write(tmp_path / "q.asaql", content)
    code, out, err = run_cli(command, query)
    assert_one_error(code, out, err, query + where, words)
    assert out == ""


def test_a_binary_file_in_a_real_process(tmp_path):
    query = write(tmp_path / "q.asaql", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    for script in (False, True):
        code, out, err = run_process("check", query, script=script)
        assert_one_error(code, out, err, query + ":1:8", "looks like a binary file")


# ---- encodings and line ends: read as the same query, at the same positions -------------------

QUERY = """-- readings per device, with three mistakes
SELECT
    DeviceId,
    CAST(Temp AS float) AS Temp,   -- a float into a long column
    'x' + 1 AS Bad,
    N'\u00e9t\u00e9' AS Season
INTO [out]
FROM [in]
WHERE a = '\u00e9'
"""
TABLE = ".create table out (DeviceId: string, Temp: long, Season: string)\n"


@pytest.fixture(scope="module")
def encodings(tmp_path_factory):
    """The same query as UTF-8 (LF) and in other encodings and line ends, with its table."""
    folder = tmp_path_factory.mktemp("encodings")
    lines = QUERY.split("\n")
    mixed = "".join(line + ("\r\n", "\n", "\r")[index % 3] for index, line in enumerate(lines[:-1]))
    variants = {
        "utf8.asaql": QUERY.encode("utf-8"),
        "utf8-bom.asaql": codecs.BOM_UTF8 + QUERY.encode("utf-8"),
        "utf16-le.asaql": codecs.BOM_UTF16_LE + QUERY.encode("utf-16-le"),
        "utf16-be.asaql": codecs.BOM_UTF16_BE + QUERY.encode("utf-16-be"),
        "utf16-le-crlf.asaql": codecs.BOM_UTF16_LE + QUERY.replace("\n", "\r\n").encode("utf-16-le"),
        "crlf.asaql": QUERY.replace("\n", "\r\n").encode("utf-8"),
        "cr.asaql": QUERY.replace("\n", "\r").encode("utf-8"),
        "mixed.asaql": mixed.encode("utf-8"),
    }
    for name, data in variants.items():
        (folder / name).write_bytes(data)
    write(folder / "schemas" / "out.kql", TABLE)
    return folder, sorted(variants)


def _check_json(folder: Path, name: str) -> tuple[int, list, str]:
    code, out, err = run_cli("check", str(folder / name), "--schema", str(folder / "schemas"), "--format", "json")
    assert_clean(out, err)
    return code, diagnostics(out), err


def test_every_encoding_and_line_end_gives_the_same_findings_at_the_same_places(encodings):
    folder, names = encodings
    expected = _check_json(folder, "utf8.asaql")
    code, found, err = expected
    assert code == 1 and err == ""
    assert {(c, line, column) for c, line, column, *_ in found} >= {("SC201", 4, 5), ("SC101", 5, 5)}
    for name in names:
        assert _check_json(folder, name) == expected, name


def test_every_encoding_and_line_end_infers_the_same_columns(encodings):
    folder, names = encodings
    results = {}
    for name in names:
        code, out, err = run_cli("infer", str(folder / name), "--format", "json")
        assert_clean(out, err)
        results[name] = (code, [[{k: c[k] for k in ("name", "type", "line", "column")} for c in o["columns"]]
                                for o in json.loads(out)["files"][0]["outputs"]])
    assert results["utf8.asaql"][1][0][3] == {"name": "Season", "type": "nvarchar(max)", "line": 6, "column": 5}
    assert all(result == results["utf8.asaql"] for result in results.values())


def test_the_text_report_shows_each_encoding_as_the_utf8_query(encodings):
    folder, names = encodings
    reports = {}
    for name in names:
        code, out, err = run_cli("check", str(folder / name), "--schema", str(folder / "schemas"), "--format", "text")
        assert_clean(out, err)
        assert "\r" not in out and "\ufeff" not in out
        reports[name] = (code, out.replace(name, "QUERY"))
    assert " 4 |     CAST(Temp AS float) AS Temp,   -- a float into a long column" in reports["utf8.asaql"][1]
    assert all(report == reports["utf8.asaql"] for report in reports.values())


# ---- a query that does not parse: SC001 at the place that opens the trouble -------------------


@pytest.mark.parametrize("query, line, column, words", [
    ("SELECT 1 AS x\nINTO o FROM i WHERE a = 'abc\n", 2, 25, "unterminated string: the quote ' is never closed"),
    ("SELECT 1 AS x\nINTO o FROM [abc\n", 2, 13, "unterminated [name]: the '[' is never closed by ']'"),
    ("SELECT 1 AS x\nINTO o FROM i /* abc\n more", 2, 15, "unterminated comment: '/*' is never closed by '*/'"),
    ('SELECT "abc AS x\nINTO o FROM i\n', 1, 8, 'unterminated "name": the double quote is never closed'),
])
def test_an_unterminated_string_name_or_comment_is_sc001_where_it_opens(tmp_path, query, line, column, words):
    path = write(tmp_path / "q.asaql", query)
    code, out, err = run_cli("check", path, "--format", "json")
    assert_clean(out, err)
    assert code == 1 and err == ""
    (diagnostic,) = json.loads(out)["files"][0]["diagnostics"]
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("SC001", line, column)
    assert words in diagnostic["message"]
    code, out, err = run_cli("infer", path)
    assert code == 1 and err == "" and f"--> {path}:{line}:{column}" in out


# ---- deep and long: no recursion limit, no quadratic time -----------------------------------

DEPTH = 10_000


def _nested_subqueries(depth: int) -> str:
    query = "SELECT a FROM i"
    for level in range(depth):
        query = f"SELECT a FROM ({query}) AS s{level}"
    return query.replace("SELECT a FROM", "SELECT a INTO o FROM", 1)


DEEP = {
    # name: (query, the columns inferred)
    "parentheses": ("SELECT " + "(" * DEPTH + "1" + ")" * DEPTH + " AS x INTO o FROM i", [("x", "bigint")]),
    "unaliased parentheses": ("SELECT " + "(" * DEPTH + "CAST(a AS float)" + ")" * DEPTH + " INTO o FROM i",
                              [(None, "float")]),
    "CASE in THEN": ("SELECT " + "CASE WHEN a = 1 THEN " * DEPTH + "1" + " ELSE 0 END" * DEPTH + " AS x INTO o FROM i",
                     [("x", "bigint")]),
    "CASE in ELSE": ("SELECT " + "CASE WHEN a = 1 THEN 2.5 ELSE " * DEPTH + "1.5" + " END" * DEPTH +
                     " AS x INTO o FROM i", [("x", "float")]),
    "subqueries": (_nested_subqueries(DEPTH), [("a", None)]),
    "parenthesised subquery": ("SELECT a INTO o FROM " + "(" * DEPTH + "SELECT 1 AS a FROM i" + ")" * DEPTH + " AS s",
                               [("a", "bigint")]),
    "function calls": ("SELECT " + "ABS(" * DEPTH + "-1" + ")" * DEPTH + " AS x INTO o FROM i", [("x", "bigint")]),
    "a chain of 100,000 +": ("SELECT " + " + ".join(["1"] * 100_000) + " AS x, " + " + ".join(["a"] * 100_000) +
                             " AS y INTO o FROM i", [("x", "bigint"), ("y", None)]),
    "a chain of 20,000 AND": ("SELECT 1 AS x INTO o FROM i WHERE " + " AND ".join(["a = 1"] * 20_000),
                              [("x", "bigint")]),
    "a UNION of 20,000 SELECTs": (" UNION ALL ".join(["SELECT 1 AS a FROM i"] * 20_000)
                                  .replace("FROM i", "INTO o FROM i", 1), [("a", "bigint")]),
}


@pytest.fixture(scope="module")
def deep_queries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deep")
    return {name: write(folder / f"{index}.asaql", query) for index, (name, (query, _)) in enumerate(DEEP.items())}


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_nesting_and_long_chains_are_inferred_in_a_real_process(deep_queries, name):
    code, out, err = run_process("infer", deep_queries[name], "--format", "json", "--no-cache")
    assert_clean(out, err)
    assert err == ""
    assert columns(out) == [DEEP[name][1]]
    assert all(d["code"] != "SC001" for f in json.loads(out)["files"] for d in f["diagnostics"])
    assert code == 0


@pytest.mark.parametrize("name", ["parentheses", "CASE in THEN", "subqueries"])
def test_deep_queries_are_checked_suggested_and_reported_in_every_format(tmp_path, name):
    """The comparator, suggest and each report over a deep query (2,000 levels: twice what
    Python's recursion allows), its long line shown in part."""
    query = write(tmp_path / "deep.asaql", {
        "parentheses": "SELECT " + "(" * 2_000 + "1" + ")" * 2_000 + " AS x INTO o FROM i",
        "CASE in THEN": "SELECT " + "CASE WHEN a = 1 THEN " * 2_000 + "1" + " ELSE 0 END" * 2_000 + " AS x INTO o FROM i",
        "subqueries": _nested_subqueries(2_000)}[name])
    schema = write(tmp_path / "schemas" / "o.kql", ".create table o (x: datetime, a: datetime)")
    for form in ("text", "json", "sarif", "github", "azure", "junit"):
        code, out, err = run_cli("check", query, "--schema", schema, "--format", form, "--no-cache")
        assert_clean(out, err)
        assert err == "" and code == (0 if name == "subqueries" else 1), (form, code)
        if form not in ("json", "sarif"):   # the structured edit of those holds the whole rewrite
            assert max(len(line) for line in out.splitlines()) < 1_000, form   # the long line is shown in part
    code, out, err = run_cli("suggest", query, "--schema", schema, "--no-cache")
    assert_clean(out, err)
    assert code == 0 and err == ""


def test_deep_nesting_through_the_console_script(deep_queries):
    code, out, err = run_process("check", deep_queries["CASE in ELSE"], "--no-cache", script=True)
    assert_clean(out, err)
    assert code == 0 and err == "" and "o (line 1)" in out


def test_100000_select_items(tmp_path):
    count = 100_000
    query = write(tmp_path / "wide.asaql",
                  "SELECT " + ",\n    ".join(f"{k} AS c{k}" for k in range(count)) + "\nINTO o FROM i")
    code, out, err = run_cli("infer", query, "--no-cache")
    assert_clean(out, err)
    assert code == 0 and err == ""
    rows = [line.split() for line in out.splitlines() if line.startswith("    ")]
    assert len(rows) == count
    assert rows[0] == ["1", "c0", "bigint", "1:8"] and rows[-1] == [str(count), f"c{count - 1}", "bigint", f"{count}:5"]
    assert f"o (line {count + 1}): {count} columns" in out


# ---- a 10 MB query -------------------------------------------------------------------------

STATEMENT = """-- ---------------------------------------------------------------------------------
-- Statement {k}: the readings of the last five minutes, per device, for the dashboard.
-- A device that sends no reading in a window has no row for it; the temperature is in
-- degrees Celsius as the sensor reports it (no conversion here).
-- ---------------------------------------------------------------------------------
SELECT
    r.DeviceId,
    CAST(r.Temperature AS float) AS Temperature,
    System.Timestamp() AS WindowEnd,
    COUNT(*) AS Readings,
    CASE WHEN AVG(r.Temperature) > 40 THEN 'hot' ELSE 'ok' END AS State /* hot above 40 degrees */
INTO [out]
FROM [in] r TIMESTAMP BY r.EventTime
WHERE r.Status = 'active' AND r.Reading IS NOT NULL
GROUP BY r.DeviceId, TumblingWindow(minute, 5)

"""
HEADER = ("CREATE TABLE [in] (DeviceId nvarchar(max), Temperature float, EventTime datetime, "
          "Status nvarchar(max), Reading float);\n\n")
LAST = STATEMENT.format(k="last").replace("COUNT(*) AS Readings", "AVG(r.Temperature) AS Readings")


@pytest.fixture(scope="module")
def ten_megabytes(tmp_path_factory):
    """A 10 MB query of many statements, each fitting its table but the last (a float into a long)."""
    folder = tmp_path_factory.mktemp("big")
    parts, size, count = [HEADER], len(HEADER), 0
    while size < 10 * 1024 * 1024:
        part = STATEMENT.format(k=count)
        parts.append(part)
        size += len(part)
        count += 1
    text = "".join(parts)
    line = text.count("\n") + LAST.split("\n").index("    AVG(r.Temperature) AS Readings,") + 1
    query = write(folder / "big.asaql", text + LAST)
    schema = write(folder / "schemas" / "readings.kql", ".create table Readings (DeviceId: string, "
                   "Temperature: real, WindowEnd: datetime, Readings: long, State: string)\n")
    return query, schema, count + 1, line


def test_a_10_megabyte_query_is_checked_whole(ten_megabytes, report):
    query, schema, statements, line = ten_megabytes
    assert os.path.getsize(query) > 10 * 1024 * 1024
    code, out, err = run_cli("check", query, "--schema", schema, "--target", "out=Readings", "--format", "text",
                             "--output", str(report), "--no-cache")
    assert_clean(out, err)
    assert code == 1 and out == "" and err == ""
    written = report.read_text(encoding="utf-8")   # the whole report, not the start of one
    assert temporaries(report.parent) == []
    lines = written.splitlines()
    assert lines[-1].startswith(f"{query}: 1 error, 1 warning,")   # SC401: the last statement writes a float
    assert sum(1 for text in lines if text.startswith("  out (line ")) == statements
    assert sum(1 for text in lines if f"-> Readings ({schema}): ok; " in text) == statements - 1
    assert "error[SC201]: output column Readings is float, table column Readings is long" in written
    assert f"  --> {query}:{line}:5" in written


# ---- schema files --------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, where, words", [
    ("invalid.json", '{\n  "Name": "T",\n  "OrderedColumns": [\n    {"Name": "a", "CslType": "string"},,\n  ]\n}',
     ":4:40", "not valid JSON"),
    ("numbers.json", "[1, 2, 3]", ":1:1", "not a Kusto table schema"),
    ("name.json", '{"Name": 3}', ":1:1", "not a Kusto table schema"),
    ("name-type.json", '{"Name": 3, "OrderedColumns": []}', ":1:10", "Name: input should be a valid string"),
    ("column.json", '{"Name": "T",\n "OrderedColumns": [{"Name": "a", "CslType": "string"},\n'
     '  {"Name": "b", "CslType": 5}]}', ":3:28", "OrderedColumns[1].CslType: input should be a valid string"),
    ("type.json", '{"Name": "T", "OrderedColumns": [{"Name": "a", "CslType": "strin"}]}', ":1:59",
     "unknown Kusto type 'strin'"),
    ("null.json", "null", ":1:1", "not a Kusto table schema"),
    ("database.json", '{"Databases": {"d": {"Name": "d", "Tables": {"T": {"Name": "T", "OrderedColumns": "x"}}}}}',
     ":1:83", "Databases.d.Tables.T.OrderedColumns: input should be a valid list"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, ":1:100000", "nest too deeply"),
    ("bad-type.csl", "a:string, b:strin", ":1:13", "unknown Kusto type 'strin'; did you mean string?"),
    ("truncated.csl", "a:string, b", ":1:12", "ends too early: expected ':'"),
    ("syntax.kql", ".create table T (a: string)\n.create table U (a: string, b long)\n", ":2:31",
     "expected ':' in the column list, found 'long'"),
    ("unclosed.kql", ".create table T (a: string\n", ":1:27", "ends too early: expected ')'"),
    ("string.kql", ".create table T ('a: string)\n", ":1:18", "a string is never closed"),
    ("binary.kql", b"\x00\x01\x02", ":1:1", "looks like a binary file"),
    ("latin1.kql", b".create table T (caf\xe9: string)", ":1:21", "not UTF-8 text (byte 0xe9)"),
    ("empty.json", "", "", "is empty"),
])
def test_a_bad_schema_file_is_named_with_its_line_and_column(tmp_path, report, name, content, where, words):
    schema = write(tmp_path / "schemas" / name, content)
    query = write(tmp_path / "q.asaql", "SELECT 1 AS x INTO T FROM i")
    code, out, err = run_cli("check", query, "--schema", schema)
    assert_one_error(code, out, err, schema + where, words)
    assert out == ""
    # In a folder of schemas, and with --output: the file is named, the old report stays.
    code, out, err = run_cli("check", query, "--schema", str(tmp_path / "schemas"), "--format", "json",
                             "--output", str(report))
    assert_one_error(code, out, err, schema + where, words)
    assert_report_untouched(report)


@pytest.mark.parametrize("name, content", [
    ("rows.json", '[{"DatabaseSchema": null}]'),
    ("rows.json", '[{"DatabaseSchema": 5}]'),
    ("row.json", '{"DatabaseSchema": {"Databases": {}}}'),
    ("export.csv", ",DatabaseSchema\r\n{}\r\n"),   # the row has no DatabaseSchema cell
])
def test_a_schema_row_whose_schema_is_not_text_names_its_json_type(tmp_path, name, content):
    from support.fuzzing import message_leaks

    schema = write(tmp_path / "schemas" / name, content)
    query = write(tmp_path / "q.asaql", "SELECT 1 AS x INTO T FROM i")
    code, out, err = run_cli("check", query, "--schema", schema)
    assert_one_error(code, out, err, schema, "should be a JSON string")
    assert not message_leaks(err) and not any(f"not {word}\n" in err for word in ("int", "dict", "list")), err


def test_a_schema_of_10000_columns(tmp_path):
    count = 10_000
    columns_json = [{"Name": f"c{k}", "Type": "System.String", "CslType": "string"} for k in range(count)]
    write(tmp_path / "schemas" / "Wide.json", json.dumps({"Name": "Wide", "OrderedColumns": columns_json}, indent=1))
    write(tmp_path / "schemas" / "Longs.kql",
          ".create table Longs (" + ", ".join(f"['c{k}']: long" for k in range(count)) + ")\n")
    write(tmp_path / "schemas" / "Reals.csl", ", ".join(f"c{k}:real" for k in range(count)))
    items = [f"CAST(c{k} AS nvarchar(max)) AS c{k}" for k in range(count)]
    items[-1] = f"CAST(c{count - 1} AS nvarchar(max)) AS c{count - 1}x"   # a slip: did you mean?
    query = write(tmp_path / "wide.asaql",
                  "SELECT " + ",\n".join(items) + "\nINTO Wide FROM i\n"
                  "SELECT " + ", ".join(f"CAST(c{k} AS bigint) AS c{k}" for k in range(count)) + " INTO Longs FROM i\n"
                  "SELECT " + ", ".join(f"CAST(c{k} AS float) AS c{k}" for k in range(count)) + " INTO Reals FROM i\n")
    code, out, err = run_cli("check", query, "--schema", str(tmp_path / "schemas"), "--format", "json", "--no-cache")
    assert_clean(out, err)
    assert code == 1 and err == ""
    (entry,) = json.loads(out)["files"]
    assert [(o["table"], o["status"]) for o in entry["outputs"]] == [
        ("Wide", "compared"), ("Longs", "compared"), ("Reals", "compared")]
    errors = [d for d in entry["diagnostics"] if d["severity"] == "error"]
    assert [(d["code"], d["line"], d["query_column"]) for d in errors] == [("SC101", count, f"c{count - 1}x")]
    assert f"did you mean c{count - 1}?" in errors[0]["message"]
    code, out, err = run_cli("suggest", query, "--schema", str(tmp_path / "schemas"), "--no-cache")
    assert_clean(out, err)
    assert code == 0 and f"AS c{count - 1}" in out


# ---- ARM templates whose values are parameters without values ---------------------------

TEMPLATE = {
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {name: {"type": "string"} for name in ("jobName", "query", "database", "table", "level")},
    "resources": [{
        "type": "Microsoft.StreamAnalytics/streamingjobs",
        "apiVersion": "2021-10-01-preview",
        "name": "[parameters('jobName')]",
        "location": "[resourceGroup().location]",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "compatibilityLevel": "[parameters('level')]",
            "outputs": [{"name": "adx-out", "properties": {"datasource": {
                "type": "Microsoft.Kusto/clusters/databases",
                "properties": {"cluster": "https://c.kusto.windows.net", "database": "[parameters('database')]",
                               "table": "[parameters('table')]", "authenticationMode": "Msi"}}}}],
            "transformation": {"name": "Transformation", "properties": {"query": "[parameters('query')]"}},
        },
    }],
}


def test_an_arm_template_with_unresolved_parameters_says_what_it_cannot_check(tmp_path):
    text = json.dumps(TEMPLATE, indent=2)
    template = write(tmp_path / "job.json", text)
    code, out, err = run_cli("check", template, "--format", "json")
    assert_clean(out, err)
    assert code == 0 and err == ""
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(out)["files"][0]["diagnostics"]]
    lines = text.splitlines()
    expected = []
    for name in ("level", "database", "table", "query"):   # each value that is a parameter without a value
        (line,) = [n for n, written in enumerate(lines, start=1) if f"[parameters('{name}')]" in written]
        expected.append(("SC608", line, lines[line - 1].index('"[') + 1))
    assert sorted(found) == sorted(expected)
    code, out, err = run_cli("check", template)
    assert "parameter 'query' has no value: no parameters file gives one" in out
    assert "pass --parameters FILE with its value" in out
    for command in ("infer", "suggest"):
        code, out, err = run_cli(command, template)
        assert_clean(out, err)
        assert code == 0 and err == ""


def test_an_arm_template_whose_query_is_there_but_not_its_table(tmp_path):
    with_query = json.loads(json.dumps(TEMPLATE))
    with_query["resources"][0]["properties"]["transformation"]["properties"]["query"] = \
        "SELECT 1 AS x INTO [adx-out] FROM i"
    template = write(tmp_path / "job.json", json.dumps(with_query, indent=2))
    code, out, err = run_process("check", template, "--format", "json")
    assert_clean(out, err)
    assert code == 0 and err == ""
    codes = sorted(d["code"] for d in json.loads(out)["files"][0]["diagnostics"])
    # Nothing could be compared: no table schema is loaded (SC406), a warning, not a failure.
    assert codes == ["SC402", "SC406", "SC608", "SC608", "SC608"]


@pytest.mark.parametrize("content, where, words", [
    ('{"parameters": {"level": {"value": "1.2"}}, ', ":1:45", "not valid JSON"),
    ("[1, 2]", ":1:1", "not an ARM parameters file"),
])
def test_a_bad_parameters_file_beside_the_template_is_named(tmp_path, content, where, words):
    template = write(tmp_path / "job.json", json.dumps(TEMPLATE, indent=2))
    parameters = write(tmp_path / "job.parameters.json", content)
    code, out, err = run_cli("check", template)
    assert_one_error(code, out, err, parameters + where, words)


def test_a_bad_parameters_file_given_with_parameters_is_one_line(tmp_path):
    template = write(tmp_path / "job.json", json.dumps(TEMPLATE, indent=2))
    parameters = write(tmp_path / "given.json", "[1, 2]")
    code, out, err = run_cli("check", template, "--parameters", parameters)
    assert_one_error(code, out, err, parameters + ":1:1", "not an ARM parameters file")


# ---- projects that point outside themselves ------------------------------------------------

SECRET = "s3cr3t-value-that-must-not-be-printed"


@pytest.fixture
def outside(tmp_path):
    """A file outside the project, which a project must not make schemacheck read."""
    write(tmp_path / "private" / "secret.json", json.dumps({"Name": SECRET, "DataSourceType": "Microsoft.Kusto"}))
    write(tmp_path / "private" / "secret.asaql", f"SELECT {SECRET} FROM\n")
    return tmp_path / "private"


def _project(folder: Path, start: str, configurations: list) -> Path:
    write(folder / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    write(folder / "JobConfig.json", '{"CompatibilityLevel": "1.2"}')
    write(folder / "asaproj.json", json.dumps({"name": "job", "startFile": start,
                                               "configurations": configurations}, indent=2))
    return folder / "asaproj.json"


@pytest.mark.parametrize("start, configurations, where, what", [
    ("../private/secret.asaql", [], ":3:16", "startFile ../private/secret.asaql lies outside"),
    ("q.asaql", [{"filePath": "../private/secret.json", "subType": "Output"}], ":6:19",
     "the Output entry ../private/secret.json lies outside"),
    ("q.asaql", [{"filePath": "JobConfig.json", "subType": "JobConfig"},
                 {"filePath": "..\\..\\..\\..\\..\\..\\..\\..\\etc\\passwd", "subType": "Input"}], ":10:19",
     "the Input entry ..\\..\\..\\..\\..\\..\\..\\..\\etc\\passwd lies outside"),
    ("q.asaql", [{"filePath": "ABSOLUTE", "subType": "JSFunction"}], ":6:19", "the JSFunction entry"),
])
def test_a_project_entry_outside_the_project_is_refused(tmp_path, outside, start, configurations, where, what):
    for entry in configurations:
        entry["filePath"] = entry["filePath"].replace("ABSOLUTE", str(outside / "secret.json"))
    project = str(_project(tmp_path / "project", start, configurations))
    for command in ("check", "infer"):
        code, out, err = run_cli(command, project)
        assert_one_error(code, out, err, project + where, what, "outside the project's folder",
                         "reads no file outside a project")
        assert SECRET not in out + err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_out_of_the_project_is_refused(tmp_path, outside):
    project = _project(tmp_path / "project", "q.asaql", [{"filePath": "Outputs/out.json", "subType": "Output"}])
    (project.parent / "Outputs").mkdir()
    try:
        os.symlink(outside / "secret.json", project.parent / "Outputs" / "out.json")
    except OSError:
        pytest.skip("symbolic links cannot be made here")
    code, out, err = run_cli("check", str(project))
    assert_one_error(code, out, err, f"{project}:6:19", "the Output entry Outputs/out.json is a link to a file "
                     "outside the project's folder")
    assert SECRET not in out + err


def test_a_visual_studio_project_entry_outside_the_project_is_refused(tmp_path, outside):
    folder = tmp_path / "vs"
    write(folder / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    project = write(folder / "Job.asaproj", """<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="4.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup><StartFile>q.asaql</StartFile></PropertyGroup>
  <ItemGroup>
    <Script Include="q.asaql" />
    <Configure Include="..\\private\\secret.json"><SubType>Output</SubType></Configure>
  </ItemGroup>
</Project>
""")
    code, out, err = run_cli("check", project)
    assert_one_error(code, out, err, f"{project}:6:25", "the Output entry ..\\private\\secret.json lies outside")
    assert SECRET not in out + err


def test_sample_data_outside_the_project_is_not_read(tmp_path, outside):
    project = _project(tmp_path / "project", "q.asaql", [{"filePath": "Inputs/i.json", "subType": "InputMock"}])
    write(project.parent / "Inputs" / "i.json", json.dumps({"InputAlias": "i", "FilePath": "../../private/secret.json",
                                                           "Format": "Json"}))
    code, out, err = run_cli("check", str(project), "--format", "json")
    assert_clean(out, err)
    assert code == 0 and err == "" and SECRET not in out
    (note,) = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC609"]
    assert "lies outside the project's folder" in note["message"] and "input i has no local sample" in note["message"]


# ---- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, where, words", [
    ("schemacheck.toml", 'schemas = ["s"]\nfail-on = "error"\n\ncolour = "red"\n', ":4",
     "unknown key colour; the keys are compat-level"),
    ("schemacheck.toml", 'compat_level = "1.2"\n', ":1", "unknown key compat_level; did you mean compat-level?"),
    ("schemacheck.toml", 'schemas = ["s"]\nfail-on = 3\n', ":2", "fail-on: input should be 'error', 'warning'"),
    ("schemacheck.toml", 'schemas = "s"\n', ":1", "schemas: input should be a valid list"),
    ("schemacheck.toml", '[rules]\nSC201 = "loud"\n', ":2", "rules.SC201: input should be 'error', 'warning'"),
    ("schemacheck.toml", '[rules]\nSC999 = "off"\n', ":2", "unknown rule SC999 in rules"),
    ("schemacheck.toml", '[live]\ntimeout = "slow"\n', ":2", "live.timeout: input should be a valid number"),
    ("schemacheck.toml", '[outputs.o]\ntabel = "T"\n', ":2", "unknown key outputs.o.tabel"),
    ("schemacheck.toml", "schemas = [\n", ":1:12", "not valid TOML"),
    ("schemacheck.toml", "a = 1\na = 2\n", ":2:6", "not valid TOML: Cannot overwrite a value"),
    ("schemacheck.toml", "a = " + "[" * 5_000 + "]" * 5_000 + "\n", ":1:5004", "nest too deeply"),
    ("schemacheck.toml", b"schemas = ['caf\xe9']\n", ":1:16", "not UTF-8 text"),
    ("schemacheck.toml", b"\x00\x01", ":1:1", "looks like a binary file"),
    ("pyproject.toml", '[project]\nname = "x"\n\n[tool.schemacheck]\nfail_on = "warning"\n', ":5",
     "unknown key tool.schemacheck.fail_on; did you mean fail-on?"),
    ("pyproject.toml", 'tool = "tool.schemacheck"\n', ":1", "tool: not a table"),
    ("pyproject.toml", "# tool.schemacheck\n[tool]\nschemacheck = 3\n", ":3", "tool.schemacheck: input should be"),
])
def test_a_bad_configuration_is_one_line_naming_the_file_line_and_key(tmp_path, report, name, content, where, words):
    config = write(tmp_path / "job" / name, content)
    query = write(tmp_path / "job" / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    for command in ("check", "infer", "suggest"):
        code, out, err = run_cli(command, query, "--output", str(report))
        assert_one_error(code, out, err, config + where, words)
        assert_report_untouched(report)


def test_a_bad_configuration_through_the_console_script(tmp_path):
    config = write(tmp_path / "schemacheck.toml", '[outputs.o]\nkind = "s3"\n')
    query = write(tmp_path / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    code, out, err = run_process("check", query, script=True)
    assert_one_error(code, out, err, config + ":2", "outputs.o.kind: input should be 'adx', 'blob'")


# ---- the report file ---------------------------------------------------------------------


def test_an_output_that_cannot_be_written_leaves_no_temporary_file(tmp_path):
    query = write(tmp_path / "q.asaql", "SELECT 1 AS x INTO o FROM i")
    folder = tmp_path / "out"
    (folder / "report").mkdir(parents=True)
    code, out, err = run_cli("check", query, "--output", str(folder / "report"))
    assert_one_error(code, out, err, str(folder / "report"), "the report cannot be written")
    assert temporaries(folder) == []
