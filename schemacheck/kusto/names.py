"""Kusto entity names: validation against Kusto's naming rules, and quoting as ['name'].

Names are 1 to 1024 letters, digits, `_`, space, `.` and `-` (adx.md §3.6); so a valid
name never holds a quote or a backslash, and `['name']` needs no escaping. schemacheck
quotes every name it sends, and refuses any other name rather than escape it.
"""

from __future__ import annotations

import re

from schemacheck.errors import UsageError

_VALID = re.compile(r"[\w .-]{1,1024}")


def is_valid_name(name: str) -> bool:
    return bool(_VALID.fullmatch(name)) and name == name.strip() and not name.startswith("__") \
        and not name.endswith("__")


def quote(name: str, what: str = "name") -> str:
    """`['name']` for a valid Kusto name; a UsageError for anything else."""
    if not is_valid_name(name):
        raise UsageError(f"{what} {name!r} is not a valid Kusto name (letters, digits, '_', ' ', '.', '-'; "
                         f"at most 1024 characters)")
    return f"['{name}']"
