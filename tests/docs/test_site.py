"""The manual (docs/, mkdocs.yml) and the README that leads to it: every page is reachable,
what the pages include exists, what they show is what schemacheck prints, and the site
builds with `mkdocs build --strict` (when mkdocs is installed: the `docs` extra)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

DOCS = ROOT / "docs"
SNIPPET = re.compile(r'^--8<-- "([^"]+)"$', re.M)


def _mkdocs_config() -> dict:
    yaml = pytest.importorskip("yaml")

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!relative", lambda loader, node: loader.construct_scalar(node))
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def _nav_pages(nav) -> list[str]:
    pages = []
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            pages.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return pages


def _block(text: str, after: str) -> str:
    """The first fenced block after the line `after`."""
    rest = text.split(after, 1)[1]
    return rest.split("```", 1)[1].split("\n", 1)[1].split("\n```", 1)[0]


def test_the_readme_is_a_landing_page_whose_links_lead_somewhere():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 265
    links = re.findall(r"\]\((docs/[^)#]+)(?:#[^)]*)?\)", readme)
    assert {"docs/index.md", "docs/getting-started.md", "docs/rules/index.md", "docs/cli.md",
            "docs/architecture.md"} <= set(links)
    for link in links:
        assert (ROOT / link).is_file(), link


def test_every_page_is_in_the_navigation_or_a_rule_page():
    config = _mkdocs_config()
    listed = _nav_pages(config["nav"])
    for page in listed:
        assert (DOCS / page).is_file(), page
    for path in DOCS.rglob("*.md"):
        name = path.relative_to(DOCS).as_posix()
        assert name in listed or re.fullmatch(r"rules/SC\d{3}\.md", name), f"{name} is in no navigation"


def test_what_the_pages_include_exists():
    for page in DOCS.rglob("*.md"):
        for target in SNIPPET.findall(page.read_text(encoding="utf-8")):
            path, _, section = target.partition(":")
            text = (ROOT / path).read_text(encoding="utf-8")
            if section:
                assert f"<!-- --8<-- [start:{section}] -->" in text and f"<!-- --8<-- [end:{section}] -->" in text


def test_the_ci_examples_are_included_from_examples_ci_not_copied():
    page = (DOCS / "ci.md").read_text(encoding="utf-8")
    for name in ("github-actions.yml", "azure-pipelines.yml"):
        assert f'--8<-- "examples/ci/{name}"' in page
        first = (ROOT / "examples" / "ci" / name).read_text(encoding="utf-8").splitlines()[0]
        assert first not in page


def test_the_suggest_output_shown_is_what_suggest_prints(monkeypatch):
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    shown = _block(page, "On the sample, `schemacheck suggest samples/fleet-telemetry` prints:\n")
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli("suggest", "samples/fleet-telemetry")
    assert code == 0 and err == ""
    assert out.rstrip("\n") == shown


def test_the_finding_on_the_home_page_is_one_the_sample_reports(monkeypatch):
    shown = _block((DOCS / "index.md").read_text(encoding="utf-8"), "A finding, as the text report prints it:\n")
    monkeypatch.chdir(ROOT)
    _, out, _ = run_cli("check", "samples/fleet-telemetry")
    assert shown in out


def test_the_docs_extra_installs_the_site_builder():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(requirement.startswith("mkdocs-material") for requirement in extras["docs"])


def test_the_site_builds_strictly_and_offline(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Run from elsewhere than the repository: the snippets' base path is the configuration's folder.
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                             "--site-dir", str(tmp_path / "site")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    ci = (tmp_path / "site" / "ci" / "index.html").read_text(encoding="utf-8")
    assert "upload-sarif" in ci and "PublishTestResults" in ci
    started = (tmp_path / "site" / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert "The first command prints (and exits 1):" in started
