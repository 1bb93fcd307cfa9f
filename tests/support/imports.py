"""What a cold `schemacheck` command imports: each import test runs the command line in a
fresh interpreter (a module imported by an earlier test would otherwise hide a lazy import)."""

from __future__ import annotations

import subprocess
import sys


def cold_imports(argv: list[str], packages: tuple[str, ...], top_level: bool = False) -> tuple[int, list[str]]:
    """The exit code of `schemacheck ARGV` in a new interpreter, and the modules it imported
    that are, or are inside, one of `packages` (sorted; with `top_level`, their first name)."""
    script = (
        "import sys, io\n"
        "from schemacheck.cli import main\n"
        f"code = main({list(argv)!r}, io.StringIO(), io.StringIO())\n"
        f"wanted = {tuple(packages)!r}\n"
        "found = {m for m in sys.modules if any(m == p or m.startswith(p + '.') for p in wanted)}\n"
        f"print(code, sorted({{m.split('.')[0] for m in found}} if {top_level!r} else found))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, _, modules = result.stdout.strip().partition(" ")
    return int(code), eval(modules)   # a list literal of names
