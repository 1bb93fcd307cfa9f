"""`schemacheck infer` end to end: text and JSON, exit codes, bad input, imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from support.files import write

SAMPLE = ROOT / "samples" / "fleet-telemetry" / "FleetTelemetry.asaql"


def test_text_output_on_the_sample():
    code, out, err = run_cli("infer", str(SAMPLE))
    assert code == 0 and err == ""
    assert "adx-readings (line 25): 6 columns" in out
    assert "3  ReadingCount    bigint         21:5" in out
    # The sample is a project: its IoT Hub input's sample data and metadata fields make `*` known.
    assert "raw-archive (line 52): 9 columns" in out
    assert "6  EventProcessedUtcTime  datetime       52:8" in out
    assert out.rstrip().endswith("0 errors, 0 warnings, 0 infos")


def test_json_document_has_the_documented_shape(tmp_path):
    # The query alone, outside its project: the input's columns are not known.
    lone = tmp_path / "FleetTelemetry.asaql"
    lone.write_bytes(SAMPLE.read_bytes())
    code, out, _ = run_cli("infer", str(lone), "--format", "json")
    assert code == 0
    document = json.loads(out)
    (entry,) = document["files"]
    assert entry["file"] == str(lone)
    assert [o["output"] for o in entry["outputs"]] == ["adx-readings", "adx-alerts", "sql-vehicle-status",
                                                       "raw-archive"]
    first = entry["outputs"][0]
    assert first["complete"] is True and entry["outputs"][3]["complete"] is False
    assert first["columns"][0] == {**first["columns"][0], "name": "VehicleId", "type": "nvarchar(max)",
                                   "line": 19, "column": 5}
    assert {"name", "type", "line", "column"} <= set(first["columns"][0])
    (diagnostic,) = entry["diagnostics"]
    assert {k: diagnostic[k] for k in ("code", "severity", "file", "line", "column")} == {
        "code": "SC403", "severity": "info", "file": str(lone), "line": 52, "column": 8}
    assert diagnostic["message"]


def test_unknown_types_and_names_are_null_in_json(tmp_path):
    path = write(tmp_path, "q.asaql", "SELECT a, AVG(b) INTO o FROM i GROUP BY a, TumblingWindow(minute, 1)")
    code, out, _ = run_cli("infer", path, "--format", "json")
    columns = json.loads(out)["files"][0]["outputs"][0]["columns"]
    assert [(c["name"], c["type"]) for c in columns] == [("a", None), (None, "float")]
    assert code == 0  # SC105 is a warning


def test_a_syntax_error_still_prints_json_and_exits_1(tmp_path):
    good = write(tmp_path, "good.asaql", "SELECT 1 AS one INTO o FROM i")
    bad = write(tmp_path, "bad.asaql", "SELECT a,\nFROM i")
    code, out, err = run_cli("infer", good, bad, "--format", "json")
    assert code == 1 and err == ""
    files = json.loads(out)["files"]
    assert [f["file"] for f in files] == [good, bad]
    assert files[1]["outputs"] == []
    assert [(d["code"], d["line"], d["column"]) for d in files[1]["diagnostics"]] == [("SC001", 2, 1)]


def test_a_syntax_error_in_text_shows_the_line_and_a_caret(tmp_path):
    bad = write(tmp_path, "bad.asaql", "SELECT a\nFRM i")
    code, out, _ = run_cli("infer", bad)
    assert code == 1
    assert f"--> {bad}:2:1" in out
    assert " 2 | FRM i\n   | ^^^" in out


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"),
    (b"  \n\t\n", "is empty"),
    (b"SELECT \xff FROM i", "not UTF-8 text (byte 0xff)"),
    (b"\x00\x01\x02binary", "looks like a binary file"),
])
def test_unreadable_input_exits_2_with_one_line(tmp_path, content, words):
    path = write(tmp_path, "q.asaql", content)
    code, out, err = run_cli("infer", path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and path in err and words in err and "Traceback" not in err


def test_a_missing_file_is_listed_in_json_and_exits_2(tmp_path):
    missing = str(tmp_path / "nope.asaql")
    code, out, err = run_cli("infer", str(SAMPLE), missing, "--format", "json")
    assert code == 2
    assert f"{missing}: no such file" in err
    files = json.loads(out)["files"]
    assert files[1] == {"file": missing, "error": "no such file", "line": None, "column": None, "outputs": [],
                        "diagnostics": []}


def test_utf16_with_bom_and_crlf_are_read(tmp_path):
    path = write(tmp_path, "q.asaql", "\ufeffSELECT a\r\nINTO o FROM i".encode("utf-16"))
    code, out, _ = run_cli("infer", path, "--format", "json")
    assert code == 0
    assert json.loads(out)["files"][0]["outputs"][0]["output"] == "o"


def test_a_directory_means_its_query_files(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, "b.asaql", "SELECT 1 AS x INTO b FROM i")
    write(tmp_path, "sub/a.asaql", "SELECT 1 AS x INTO a FROM i")
    write(tmp_path, "notes.txt", "not a query")
    code, out, _ = run_cli("infer", str(tmp_path), "--format", "json")
    assert code == 0
    assert [f["outputs"][0]["output"] for f in json.loads(out)["files"]] == ["b", "a"]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli("infer", str(empty))
    assert code == 2 and "no .asaql query, ASA project (asaproj.json, .asaproj), ARM template, Terraform module" in err


def test_compat_level_and_udf_types(tmp_path):
    path = write(tmp_path, "q.asaql", "SELECT DeviceId, udf.toInt(x) AS AsInt INTO o FROM i")
    _, out, _ = run_cli("infer", path, "--format", "json", "--compat-level", "1.0", "--udf-type", "udf.toInt=bigint")
    columns = json.loads(out)["files"][0]["outputs"][0]["columns"]
    assert [(c["name"], c["type"]) for c in columns] == [("deviceid", None), ("asint", "bigint")]


@pytest.mark.parametrize("args, words", [
    ([], "no command given"),
    (["infer"], "the following arguments are required"),
    (["infer", "x.asaql", "--format", "xml"], "invalid choice"),
    (["infer", "x.asaql", "--compat-level", "2.0"], "invalid choice"),
    (["infer", "x.asaql", "--udf-type", "nonsense"], "expected NAME=TYPE"),
    (["frobnicate"], "invalid choice"),
])
def test_usage_errors_exit_2_without_a_traceback(args, words):
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert words in err and "Traceback" not in err and err.count("\n") == 1


def test_the_installed_entry_points_run_and_import_nothing_heavy():
    script = (
        "import sys, io\n"
        "from schemacheck.cli import main\n"
        f"code = main(['infer', {str(SAMPLE)!r}, '--format', 'json'], io.StringIO(), io.StringIO())\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'pydantic', 'sqlglot', 'azure'))\n"
        "print(code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0 []"
    module = subprocess.run([sys.executable, "-m", "schemacheck", "infer", str(SAMPLE)], capture_output=True,
                            text=True)
    assert module.returncode == 0 and "adx-alerts" in module.stdout
