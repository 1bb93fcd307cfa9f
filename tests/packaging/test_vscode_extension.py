"""The VS Code extension (editors/vscode/), checked statically: no npm, no network.

The extension only starts `schemacheck lsp`; what it declares (the compiled entry point, when it
activates, the language it contributes, the default server command) must agree with its sources,
its README and docs/editors.md, and CI (.ci/run) must build it, or say that it did not. The build
itself (npm ci, tsc, vsce package) runs in .ci/run when npm is present.
"""

from __future__ import annotations

import json
import re

from conftest import ROOT

EXTENSION = ROOT / "editors" / "vscode"
DOCUMENTED_FILE_TYPES = (".asaql", ".json", ".bicep", ".tf")


def _package() -> dict:
    return json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def _tsconfig() -> dict:
    return json.loads((EXTENSION / "tsconfig.json").read_text(encoding="utf-8"))


def test_the_manifest_names_the_extension_and_the_vscode_it_needs():
    package = _package()
    assert package["name"] == "schemacheck"
    assert package["publisher"] == "schemacheck"
    assert package["engines"]["vscode"] == "^1.85.0"
    assert package["dependencies"]["vscode-languageclient"].startswith("^9")
    # @types/vscode newer than engines.vscode makes vsce refuse to package.
    assert package["devDependencies"]["@types/vscode"].lstrip("^~").startswith("1.85")
    for tool in ("typescript", "@types/node", "@vscode/vsce"):
        assert tool in package["devDependencies"], tool
    assert package["scripts"]["compile"] == "tsc -p ."
    # vscode-languageclient goes into the .vsix: vsce packs production dependencies unless told not to.
    assert package["scripts"]["package"].startswith("vsce package")
    assert "--no-dependencies" not in package["scripts"]["package"]


def test_main_is_where_the_compiler_writes_the_entry_point():
    package = _package()
    options = _tsconfig()["compilerOptions"]
    assert options["strict"] is True
    assert options["module"].lower() == "commonjs"
    assert options["target"].lower() == "es2020"
    assert (EXTENSION / "src" / "extension.ts").is_file()
    root_dir = options.get("rootDir", "src").strip("./")
    assert root_dir == "src"
    compiled = f"./{options['outDir'].strip('./')}/extension.js"
    assert package["main"] == compiled == "./out/extension.js"


def test_it_activates_for_the_language_it_contributes():
    package = _package()
    assert package["activationEvents"] == ["onLanguage:asaql", "workspaceContains:**/*.asaql"]
    (language,) = package["contributes"]["languages"]
    assert language["id"] == "asaql"
    assert language["extensions"] == [".asaql"]
    configuration = json.loads((EXTENSION / language["configuration"]).read_text(encoding="utf-8"))
    assert configuration["comments"] == {"lineComment": "--", "blockComment": ["/*", "*/"]}
    assert ["(", ")"] in configuration["brackets"] and ["[", "]"] in configuration["brackets"]


def test_the_client_attaches_to_the_documented_file_types():
    source = (EXTENSION / "src" / "extension.ts").read_text(encoding="utf-8")
    assert 'from "vscode-languageclient/node"' in source
    assert "TransportKind.stdio" in source
    assert '{ language: "asaql" }' in source
    patterns = re.findall(r'\{ scheme: "file", pattern: "\*\*/\*(\.[a-z]+)" \}', source)
    assert ["." + "asaql"] + patterns == list(DOCUMENTED_FILE_TYPES)
    assert "export async function deactivate" in source and ".stop()" in source
    for page in (EXTENSION / "README.md", ROOT / "docs" / "editors.md"):
        text = page.read_text(encoding="utf-8")
        for suffix in DOCUMENTED_FILE_TYPES:
            assert f"`{suffix}`" in text, (page.name, suffix)


def test_the_settings_default_to_schemacheck_lsp_and_are_documented():
    properties = _package()["contributes"]["configuration"]["properties"]
    assert set(properties) == {"schemacheck.serverCommand", "schemacheck.trace.server"}
    command = properties["schemacheck.serverCommand"]
    assert command["type"] == "array"
    assert command["default"] == ["schemacheck", "lsp"]
    assert properties["schemacheck.trace.server"]["enum"] == ["off", "messages", "verbose"]
    source = (EXTENSION / "src" / "extension.ts").read_text(encoding="utf-8")
    assert 'DEFAULT_COMMAND = ["schemacheck", "lsp"]' in source
    # The client's id is the settings' prefix, so that it reads schemacheck.trace.server.
    assert 'new LanguageClient("schemacheck"' in source
    for page in (EXTENSION / "README.md", ROOT / "docs" / "editors.md"):
        text = page.read_text(encoding="utf-8")
        for name in properties:
            assert f"`{name}`" in text, (page.name, name)
        assert "pip install 'schemacheck[lsp]'" in text
        assert "npm ci && npm run compile && npm run package" in text
        assert f"code --install-extension schemacheck-{_package()['version']}.vsix" in text


def test_the_lockfile_pins_what_npm_ci_installs():
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    package = _package()
    assert lock["name"] == package["name"] and lock["version"] == package["version"]
    root = lock["packages"][""]
    assert root["dependencies"] == package["dependencies"]
    assert root["devDependencies"] == package["devDependencies"]
    assert "node_modules/vscode-languageclient" in lock["packages"]
    assert not lock["packages"]["node_modules/vscode-languageclient"].get("dev", False)


def test_the_package_leaves_out_sources_and_keeps_the_license():
    ignored = (EXTENSION / ".vscodeignore").read_text(encoding="utf-8").splitlines()
    assert {"src/**", "tsconfig.json", "**/*.map"} <= set(ignored)
    assert not any(line.startswith("node_modules") for line in ignored)
    assert (EXTENSION / "LICENSE").read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert _package()["license"] == "MIT"
    assert {"node_modules/", "out/", "*.vsix"} <= set((EXTENSION / ".gitignore").read_text(encoding="utf-8").split())


def test_ci_builds_the_extension_when_npm_is_present_and_says_when_it_is_not():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    build = "(cd editors/vscode && npm ci --no-audit --no-fund && npm run compile && npm run package)"
    assert "if command -v npm >/dev/null; then" in script
    assert build in script
    assert 'echo "ci: npm not found: the VS Code extension is not built"' in script
    # After the newest interpreter's Python checks, before the oldest interpreter's run.
    assert script.index("mkdocs build --strict") < script.index(build) < script.index('"$oldest" -m venv')


def test_the_editors_page_is_in_the_navigation_after_pre_commit():
    nav = [line.strip() for line in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()]
    assert nav.index("- Editors: editors.md") == nav.index("- pre-commit: pre-commit.md") + 1
