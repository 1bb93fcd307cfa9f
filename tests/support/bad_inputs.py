"""Helpers of the bad input matrix (tests/robustness/test_bad_inputs.py and
test_bad_ddl_inputs.py): what a user must see when an input cannot be used, a command line
run as a real process, and an --output file that holds an earlier report (`report`, a
fixture: import `report_fixture`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TIMEOUT = 120   # seconds; only so that a hang fails instead of blocking the suite
SCRIPT = Path(sys.executable).with_name("schemacheck")   # the installed console script


def assert_clean(out: str, err: str) -> None:
    """No traceback and no internal error, anywhere."""
    for stream in (out, err):
        assert "Traceback" not in stream and "internal error" not in stream
        assert "RecursionError" not in stream and "MemoryError" not in stream


def assert_one_error(code: int, out: str, err: str, where: str, *words: str, exit_code: int = 2) -> None:
    """Exit code 2 and exactly one line on stderr, starting with `where` (FILE[:LINE[:COL]])
    followed by ': ', holding each of `words`."""
    assert_clean(out, err)
    assert code == exit_code, (code, err)
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"schemacheck: error: {where}: "), err
    for word in words:
        assert word in err, (word, err)


def run_process(*args: str, script: bool = False) -> tuple[int, str, str]:
    """The command line as a real process (the console script when `script`)."""
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "schemacheck"]
    result = subprocess.run(command + list(args), capture_output=True, text=True, timeout=TIMEOUT)
    return result.returncode, result.stdout, result.stderr


def temporaries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".schemacheck-"))

def columns(out: str) -> list[list[tuple]]:
    """(name, type) of each column of each output of an `infer --format json` report."""
    return [[(c["name"], c["type"]) for c in o["columns"]] for f in json.loads(out)["files"] for o in f["outputs"]]


OLD_REPORT = "the report of an earlier run\n"


@pytest.fixture(name="report")
def report_fixture(tmp_path):
    """An --output file that already holds an earlier report, alone in its folder."""
    folder = tmp_path / "reports"
    folder.mkdir()
    path = folder / "report.json"
    path.write_text(OLD_REPORT, encoding="utf-8")
    return path


def assert_report_untouched(report: Path) -> None:
    assert report.read_text(encoding="utf-8") == OLD_REPORT
    assert temporaries(report.parent) == []
