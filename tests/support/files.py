"""Writing the files a test runs on."""

from __future__ import annotations

import json
from pathlib import Path


def write_at(path: Path, content) -> str:
    """Write `content` to `path`, creating its folders; returns the path as a string.

    Bytes are written as they are, text as UTF-8 with its line ends as written (no newline
    translation), anything else as JSON (indented by two)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(json.dumps(content, indent=2).encode("utf-8"))
    return str(path)


def write(directory, name: str, content) -> str:
    """Write `content` (see write_at) to `name` below `directory`; returns the path as a string."""
    return write_at(Path(directory) / name, content)
