"""End to end with a real headless editor: Neovim (the platform's package; .ci/run installs it)
starts `schemacheck lsp`, opens the sample project's query, and gets the expected diagnostic and
hover (tests/lsp/neovim_client.lua). Skipped, saying so, where Neovim is not installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_JOB

pytest.importorskip("pygls")
NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not installed: apt-get install neovim")
CLIENT = Path(__file__).with_name("neovim_client.lua")


def test_neovim_gets_the_diagnostic_and_the_hover(tmp_path):
    project = tmp_path / "fleet-telemetry"
    shutil.copytree(SAMPLE_JOB, project)
    query = project / "FleetTelemetry.asaql"
    out = tmp_path / "result.json"
    # Hover on `AS VehicleId` of line 31 (0-based 30), the column SC102 is about.
    line = query.read_text(encoding="utf-8").splitlines()[30]
    environment = dict(os.environ, SC_PYTHON=sys.executable, SC_ROOT=str(project), SC_FILE=str(query),
                       SC_OUT=str(out), SC_LINE="30", SC_CHARACTER=str(line.rindex("VehicleId")),
                       SCHEMACHECK_CACHE_DIR=str(tmp_path / "cache"))
    subprocess.run([NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {CLIENT}"],
                   env=environment, cwd=project, timeout=120, check=True, capture_output=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["error"] in (None, ""), result["error"]
    codes = {(d["code"], d["line"]) for d in result["diagnostics"]}
    assert ("SC102", 30) in codes, result["diagnostics"]
    assert result["hover"] and "nvarchar(max)" in result["hover"], result["hover"]
