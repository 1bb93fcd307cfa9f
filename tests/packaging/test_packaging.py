"""Installing schemacheck as the README says, and what an installed copy carries.

Every install command of the README runs here as written. The real remote cannot be reached from
a test, so each command that names it runs against a local git repository instead: this checkout's
files as they are now (uncommitted changes included, as `pre-commit try-repo` takes them),
committed and tagged with the tag the command names, the remote's URL replaced by the
repository's `file://` URL. tests/packaging/test_precommit.py runs the pre-commit recipes the same
way.

Which test runs which command:

- `pip install "schemacheck @ git+...@v0.1.0"`, then `pip install 'schemacheck[live]'` as the
  live commands' error message says: test_pip_installs_from_the_git_url_at_the_tag
- `pipx install git+...@v0.1.0`, then `pipx inject ...` as the message says:
  test_pipx_installs_from_the_git_url_at_the_tag (pipx from the PATH, else installed into a
  virtual environment of the test)
- the quick start's `pip install . && schemacheck check samples/fleet-telemetry`:
  test_the_quick_start_installs_and_checks_the_sample; its `pip install -e '.[test]' && python -m
  pytest -q` is what .ci/run runs (test_ci_runs_the_quick_starts_test_command)

Installing from the package index (the project's dependencies, the build backend, pipx) is what
the tests marked `network` need (deselect with `-m "not network"` when offline). .ci/run also
installs the project non-editably into a fresh venv and runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from support.packaging import (
    REMOTE,
    TAG,
    at_local_remote,
    command,
    readme,
    section,
    shell_commands,
    tagged_clone_fixture,  # noqa: F401  (the fixture tagged_clone)
)

SAMPLE = ROOT / "samples" / "fleet-telemetry"
# A cluster address on this machine where nothing listens: a live check that gets as far as
# connecting is refused at once (exit code 3), and no request leaves the machine.
NO_CLUSTER = "http://127.0.0.1:9"


def virtualenv(path: Path) -> dict[str, str]:
    """A fresh virtual environment at `path`; the environment variables that activate it."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    env["VIRTUAL_ENV"] = str(path)
    env["PATH"] = f"{path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def sh(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`line` run by a shell, as a person would type it."""
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True)


def out_of(result: subprocess.CompletedProcess) -> str:
    return f"exit code {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def hinted_commands(stderr: str) -> list[str]:
    """The commands the error message of a cluster command without the live extra names."""
    assert "live mode needs azure-kusto-data and azure-identity" in stderr, stderr
    return re.findall(r"`([^`]+)`", stderr)


def imported_from(python: Path, cwd: Path) -> Path:
    """Where `python` imports schemacheck from."""
    where = subprocess.run([str(python), "-c", "import schemacheck; print(schemacheck.__file__)"],
                           cwd=cwd, capture_output=True, text=True, check=True)
    return Path(where.stdout.strip())


def _check_installed(env: dict[str, str], cwd: Path, environment: Path) -> str:
    """Run the installed tool as a user would, away from this checkout; returns the live
    commands' error message. `environment` is the virtual environment it was installed into."""
    assert imported_from(environment / "bin" / "python", cwd).is_relative_to(environment)
    sample = cwd / "fleet-telemetry"
    shutil.copytree(SAMPLE, sample)
    result = sh("schemacheck check fleet-telemetry", cwd, env)
    assert result.returncode == 1 and "OverheatAlerts" in result.stdout and "SC102" in result.stdout, out_of(result)
    result = sh(f"schemacheck check fleet-telemetry --live --cluster {NO_CLUSTER} --auth none", cwd, env)
    assert result.returncode == 2, out_of(result)
    return result.stderr


def _live_works(env: dict[str, str], cwd: Path) -> None:
    result = sh(f"schemacheck check fleet-telemetry --live --cluster {NO_CLUSTER} --auth none --timeout 5", cwd, env)
    assert result.returncode == 3 and "refused the connection" in result.stderr, out_of(result)


# Offline: the README says what is tested.


def test_every_package_is_listed_in_pyproject():
    """setuptools ships only the packages pyproject.toml lists (offline twin of the wheel test)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "schemacheck").rglob("__init__.py")}
    assert found - listed == set()


def test_the_readme_installs_the_tag_of_this_version_and_says_it_is_not_on_pypi():
    from schemacheck import __version__ as version   # the one place the version is written

    assert TAG == f"v{version}", "the README's commands name the tag of the version of schemacheck"
    install = section("Install")
    assert "not on PyPI" in install
    for line in shell_commands(install):
        if REMOTE in line:
            assert line.endswith(f"@{TAG}") or f"@{TAG}\"" in line, line
    # Every mention of the remote in the README (install, pre-commit, CI) names that tag.
    for found in re.finditer(re.escape(REMOTE) + r"(\S*)", readme()):
        rest = found.group(1)
        assert rest.startswith(f"@{TAG}") or rest == "", found.group(0)
    assert readme().count(f"rev: {TAG}\n") >= 1


def test_the_install_commands_are_the_ones_tested_here():
    """Each command of the Install section is run by a test of this file (or is the quick start's)."""
    tested = {
        f'pip install "schemacheck @ git+{REMOTE}@{TAG}"',
        f"pipx install git+{REMOTE}@{TAG}",
        "pip install 'schemacheck[live]'",
        "pipx inject schemacheck azure-kusto-data azure-identity",
    }
    assert set(shell_commands(section("Install"))) == tested


def test_the_quick_start_is_two_commands():
    first, second = shell_commands(section("Quick start"))
    assert first == "pip install . && schemacheck check samples/fleet-telemetry"
    assert second == "pip install -e '.[test]' && python -m pytest -q"


def test_ci_runs_the_quick_starts_test_command():
    (_, second) = shell_commands(section("Quick start"))
    assert second in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_live_commands_name_both_ways_to_add_the_extra(monkeypatch):
    """What the error message says is what the Install section says (and the network tests run)."""
    from conftest import run_cli

    monkeypatch.setitem(sys.modules, "azure.kusto.data", None)
    code, _, err = run_cli("check", str(SAMPLE), "--live", "--cluster", NO_CLUSTER, "--auth", "none")
    assert code == 2
    assert hinted_commands(err) == ["pip install 'schemacheck[live]'",
                                    "pipx inject schemacheck azure-kusto-data azure-identity"]
    assert set(hinted_commands(err)) <= set(shell_commands(section("Install")))


# Network: the commands as written, in fresh environments.


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


@pytest.mark.network
def test_pip_installs_from_the_git_url_at_the_tag(tagged_clone, tmp_path):
    env = virtualenv(tmp_path / "venv")
    work = tmp_path / "work"
    work.mkdir()
    recipe = command(section("Install"), 'pip install "schemacheck @ git+')
    result = sh(at_local_remote(recipe, tagged_clone), work, env)
    assert result.returncode == 0, out_of(result)
    hint = _check_installed(env, work, tmp_path / "venv")
    (pip_hint, _) = hinted_commands(hint)
    result = sh(pip_hint, work, env)
    assert result.returncode == 0, out_of(result)
    _live_works(env, work)


@pytest.mark.network
def test_pipx_installs_from_the_git_url_at_the_tag(tagged_clone, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    if shutil.which("pipx") is None:
        # Not on this machine: installed into a virtual environment of the test, from the index.
        env = virtualenv(tmp_path / "pipx-venv")
        result = sh("python -m pip install -q pipx", tmp_path, env)
        if result.returncode != 0:
            pytest.skip(f"pipx is not installed and could not be installed from the package index:\n{out_of(result)}")
    # pipx keeps everything it installs, and the commands it links, in these folders.
    home, bin_dir = tmp_path / "pipx-home", tmp_path / "pipx-bin"
    env.update(PIPX_HOME=str(home), PIPX_BIN_DIR=str(bin_dir), PIPX_MAN_DIR=str(tmp_path / "pipx-man"))
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()
    recipe = command(section("Install"), "pipx install git+")
    result = sh(at_local_remote(recipe, tagged_clone), work, env)
    assert result.returncode == 0, out_of(result)
    assert (bin_dir / "schemacheck").exists(), out_of(result)
    hint = _check_installed(env, work, home / "venvs" / "schemacheck")
    (_, pipx_hint) = hinted_commands(hint)
    result = sh(pipx_hint, work, env)
    assert result.returncode == 0, out_of(result)
    _live_works(env, work)


@pytest.mark.network
def test_the_quick_start_installs_and_checks_the_sample(tagged_clone, tmp_path, monkeypatch):
    """The quick start's first command, in a clone, on a fresh virtual environment: the installed
    copy prints what the checkout prints, and exits 1 (the sample's mistakes are deliberate).
    That the README shows that output is tests/test_check_cli.py's."""
    from conftest import run_cli

    env = virtualenv(tmp_path / "venv")
    (first, _) = shell_commands(section("Quick start"))
    result = sh(first, tagged_clone, env)
    assert result.returncode == 1, out_of(result)
    monkeypatch.chdir(tagged_clone)
    code, expected, _ = run_cli("check", "samples/fleet-telemetry", "--no-cache")  # not the run above, replayed
    assert code == 1 and result.stdout.endswith(f"\n{expected}"), out_of(result)
    assert imported_from(tmp_path / "venv" / "bin" / "python", tmp_path).is_relative_to(tmp_path / "venv")
