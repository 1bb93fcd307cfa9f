"""The README's commands, and a local stand-in for the remote they name: shared by the
packaging tests (tests/packaging/test_packaging.py), the pre-commit recipes
(tests/packaging/test_precommit.py) and the CI examples (tests/packaging/test_ci_examples.py).

`tagged_clone` (a fixture, one per module: import `tagged_clone_fixture`) is a clone of this
checkout, uncommitted changes included, tagged with the tag the README's commands name."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

README = ROOT / "README.md"
# The remote the README's commands name, and the tag they install.
REMOTE = "https://github.com/<owner>/schemacheck"
TAG = "v0.1.0"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's section under `## {title}`, up to the next section of that level."""
    text = readme()
    assert f"\n## {title}\n" in text, f"README.md has no section {title!r}"
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def shell_commands(text: str) -> list[str]:
    """The lines of the ```sh blocks of `text`."""
    return [line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines() if line]


def command(text: str, start: str) -> str:
    """The one command of `text`'s ```sh blocks that starts with `start`."""
    (found,) = [line for line in shell_commands(text) if line.startswith(start)]
    return found


def git_url(repository: Path) -> str:
    # With a host: older pip (packaging) rejects `git+file:///path` in a requirement.
    return f"file://localhost{repository.as_posix()}"


def at_local_remote(text: str, repository: Path) -> str:
    """`text` (a command, a configuration) with the remote's URL replaced by `repository`'s."""
    assert REMOTE in text, text
    return text.replace(REMOTE, git_url(repository))


def git_env() -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}


def make_tagged_clone(dest: Path) -> Path:
    """A clone of this checkout at `dest` whose last commit holds the working tree as it is now,
    tagged TAG: what the README's `git+...@v0.1.0` fetches once the tag is pushed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout: {listed.stderr.strip()}")
    env = git_env()
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True, env=env)
    for name in filter(None, listed.stdout.split("\0")):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif not source.exists() and target.is_file():
            target.unlink()  # deleted in the working tree, not yet committed
    for args in (["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "the working tree"], ["tag", "-f", TAG]):
        subprocess.run(["git", "-C", str(dest), *args], check=True, capture_output=True, env=env)
    return dest


@pytest.fixture(scope="module", name="tagged_clone")
def tagged_clone_fixture(tmp_path_factory):
    return make_tagged_clone(tmp_path_factory.mktemp("remote") / "schemacheck")
