"""Reading the JSON files of ASA projects and ARM templates, leniently and with positions.

- `//` and `/* */` comments (ARM templates allow them) are blanked out before parsing,
  keeping every offset, so positions still point into the file as written.
- A file that is not JSON is an InputError naming the file, line and column.
- Keys are looked up case-insensitively (`key(obj, "dataSourceType")`): real project files
  spell them in several cases, and VS-era files add misspellings that readers list.
- `JsonFile.where(path)` gives the line and column of the value at a key path, for notes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from schemacheck.errors import InputError
from schemacheck.jobs.model import Where
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.S)


def strip_comments(text: str) -> str:
    """`text` with JSON-with-comments comments replaced by spaces (newlines kept)."""
    if "/" not in text:
        return text

    def blank(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith('"'):
            return token
        return re.sub(r"[^\n]", " ", token)

    return _TOKENS.sub(blank, text)


@record
class JsonFile(Record):
    """A JSON document: a file, or (`at` set) a value written inside another file (a
    Terraform attribute), every place in which is reported as `at`."""

    path: str
    text: str        # comments blanked; offsets equal the file's
    data: Any        # as json.loads gives it: any JSON value
    at: Where | None = None

    def where(self, path: Iterable = ()) -> Where:
        """The place of the value at `path` (keys as spelled in the file, list indexes)."""
        if self.at is not None:
            return self.at
        from schemacheck.validation import json_position

        line, column = json_position(self.text, tuple(path))
        return Where(self.path, line, column)

    def string_at(self, path: tuple, expected: str) -> int | None:
        """Offset of the opening quote of the JSON string at `path`, if it holds `expected`
        (else None: positions in that string would not map into the file)."""
        where = self.where(path)
        if self.at is not None or where.line is None or where.column is None:
            return None
        at = 0
        for _ in range(where.line - 1):
            at = self.text.index("\n", at) + 1
        at += where.column - 1
        if self.text[at:at + 1] != '"':
            return None
        try:
            found, _ = json.JSONDecoder().raw_decode(self.text, at)
        except ValueError:
            return None
        return at if found == expected else None


def load_json(path: str, what: str) -> JsonFile:
    """Read and parse a JSON file, or InputError (`what` names it: "ASA project file", ...)."""
    from schemacheck.files import read_text_file

    raw = read_text_file(path, what)
    text = strip_comments(raw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg}); expected the {what}", path, error.lineno,
                         error.colno) from None
    except RecursionError:
        from schemacheck.validation import json_deepest

        raise InputError(f"arrays or objects nest too deeply to read as the {what}", path,
                         *json_deepest(text)) from None
    except ValueError:  # an integer past Python's digit limit (sys.get_int_max_str_digits())
        from schemacheck.validation import too_many_digits

        raise too_many_digits(text, path, f"the {what}") from None
    return JsonFile(path, text, data)


def key(obj: object, *names: str) -> str | None:
    """The key of `obj` (a dict) equal to one of `names` ignoring case, as spelled in the file."""
    if not isinstance(obj, dict):
        return None
    wanted = [n.lower() for n in names]
    for name in wanted:
        for actual in obj:
            if isinstance(actual, str) and actual.lower() == name:
                return actual
    return None


def get(obj: object, *names: str, default=None):
    """The value of the first of `names` in `obj`, matching keys case-insensitively."""
    actual = key(obj, *names)
    if actual is None or not isinstance(obj, dict):  # (key finds keys of dicts only)
        return default
    return obj[actual]


def shown_value(value: object, limit: int = 120) -> str:
    """A JSON value for a message, as JSON writes it (`null`, `{"a": 1}`, not Python's
    `None` or `{'a': 1}`), cut to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        text = "a value that cannot be shown"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")   # lone surrogates
    return text if len(text) <= limit else text[:limit - 3] + "..."


def text_value(value: object) -> str | None:
    """A JSON scalar as text (numbers as written by Python), None for null, objects, lists."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
