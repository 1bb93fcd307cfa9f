"""The wheel carries everything the installed tool needs: every module, the grammar, the tables.

Building a wheel installs the build backend from the package index, so this test is
marked `network` (deselect with `-m "not network"` when offline). .ci/run also
installs the project non-editably into a fresh venv and runs it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


def test_every_package_is_listed_in_pyproject():
    """setuptools ships only the packages pyproject.toml lists (offline twin of the wheel test)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "schemacheck").rglob("__init__.py")}
    assert found - listed == set()


@pytest.mark.network
def test_the_wheel_ships_every_module_the_grammar_and_the_tables(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{result.stdout}\n{result.stderr}")
    (wheel,) = tmp_path.glob("schemacheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"schemacheck/{p.relative_to(ROOT / 'schemacheck').as_posix()}"
                for p in (ROOT / "schemacheck").rglob("*.py")}
    expected |= {f"schemacheck/grammars/{p.name}" for p in (ROOT / "grammars").iterdir() if p.suffix in (".lark", ".py")}
    assert "schemacheck/grammars/asaql.lark" in expected
    assert not expected - names, f"missing from the wheel: {sorted(expected - names)}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "schemacheck = schemacheck.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
