"""The virtualenv that every section measures: a non-editable install of a copy of the checkout."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from harness.common import REPO, BenchError, check_command, run_checked

# What the wheel needs; everything else in the checkout (tests, build/, .git, ...) stays out.
SOURCE_ITEMS = ("pyproject.toml", "README.md", "LICENSE", "setup.py", "setup.cfg", "MANIFEST.in",
                "schemacheck", "grammars")
STAMP_NAME = ".schemacheck-bench-source"


# --------------------------------------------------------------------------- set-up

class Venv:
    def __init__(self, root: Path) -> None:
        self.root = root
        bindir = root / ("Scripts" if os.name == "nt" else "bin")
        self.python = bindir / ("python.exe" if os.name == "nt" else "python")
        self.schemacheck = bindir / ("schemacheck.exe" if os.name == "nt" else "schemacheck")
        self.lark_version: str | None = None
        self.lark_error: str | None = None
        self.package_dir: str = "?"
        self.pydantic_core_version: str | None = None


def source_fingerprint() -> str:
    """A hash of everything that goes into the wheel, to know when a kept venv is stale."""
    digest = hashlib.sha256()
    for item in SOURCE_ITEMS:
        path = REPO / item
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(REPO)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def copy_source(destination: Path) -> Path:
    target = destination / "schemacheck-src"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")
    for item in SOURCE_ITEMS:
        path = REPO / item
        if path.is_dir():
            shutil.copytree(path, target / item, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, target / item)
    return target


def wanted_lark() -> str:
    """The lark requirement: the version installed next to this script if any, else the project's."""
    try:
        from importlib.metadata import version

        return f"lark=={version('lark')}"
    except Exception:
        return "lark>=1.2"


def setup_venv(venv_dir: Path, work: Path, log) -> Venv:
    venv = Venv(venv_dir)
    if venv.python.exists():
        log(f"reusing virtualenv {venv_dir}")
    else:
        log(f"creating virtualenv {venv_dir} ...")
        run_checked([sys.executable, "-m", "venv", venv_dir], cwd=work,
                    what="creating the virtualenv (python -m venv; on Debian/Ubuntu install python3-venv)")
    fingerprint = source_fingerprint()
    stamp = venv_dir / STAMP_NAME
    if stamp.exists() and stamp.read_text() == fingerprint and venv.schemacheck.exists():
        log("schemacheck already installed from the current source")
    else:
        log("installing schemacheck with its dependencies (non-editable) ...")
        source = copy_source(work)
        if venv.schemacheck.exists():
            # A kept venv with an older build: remove it so that pip installs this one (the same
            # version number would otherwise count as satisfied). Its dependencies stay.
            run_checked([venv.python, "-m", "pip", "uninstall", "--yes", "--quiet", "schemacheck"], cwd=work,
                        what="pip uninstall of the previous schemacheck")
        # Not --no-deps: the check command needs pydantic_core (from pydantic). pip does not
        # cache wheels built from a local directory, so this builds the copy afresh.
        run_checked([venv.python, "-m", "pip", "install", "--quiet", source], cwd=work,
                    what="pip install of schemacheck (and lark, pydantic, sqlglot) into the virtualenv")
        stamp.write_text(fingerprint)
    located = run_checked([venv.python, "-c", "import schemacheck, os; print(os.path.dirname(schemacheck.__file__))"],
                          cwd=work, what="importing the installed schemacheck")
    venv.package_dir = located.stdout.strip()
    if "site-packages" not in venv.package_dir:
        raise BenchError(f"the venv imports schemacheck from {venv.package_dir}, not from an installed copy")
    venv.pydantic_core_version = run_checked(
        [venv.python, "-c", "import pydantic_core; print(pydantic_core.__version__)"], cwd=work,
        what="importing pydantic_core in the virtualenv (schemacheck check needs it)").stdout.strip()
    probe = [venv.python, "-c", "import lark; print(lark.__version__)"]
    if check_command(probe, work) is not None:
        requirement = wanted_lark()
        log(f"installing {requirement} ...")
        try:
            run_checked([venv.python, "-m", "pip", "install", "--quiet", requirement], cwd=work,
                        what=f"pip install {requirement}")
        except BenchError as error:
            venv.lark_error = str(error).splitlines()[0]
            log(f"WARNING: {venv.lark_error}; the Lark comparisons are skipped")
            return venv
    venv.lark_version = run_checked(probe, cwd=work, what="importing lark").stdout.strip()
    return venv
