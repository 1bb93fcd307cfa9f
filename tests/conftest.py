"""Shared test helpers. ../shared (reference corpus) is read in place and is optional."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "asa"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

requires_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/asa is not present")


def corpus_queries() -> list[Path]:
    return sorted(CORPUS.glob("*.asaql")) if CORPUS.is_dir() else []


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns (exit code, stdout, stderr)."""
    from schemacheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()
