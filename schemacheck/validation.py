"""Validating what a file holds (parsed JSON or TOML) against a declared shape, with
pydantic, and pointing at the line when it does not fit.

Shapes are declared with pydantic-core's schema builders (`pydantic_core.core_schema`):
the engine under pydantic's models, with the same checks and the same error
locations. pydantic's model layer on top costs about 150 ms to import and set up on
CPython 3.11, ten interpreter starts, on a path that should take a few; the engine
alone costs about 35 ms, and is imported only when a file is validated.

    SHAPE = Shape(lambda cs: cs.typed_dict_schema({...}))
    data = validate(SHAPE, json.loads(text), file="x.json", text=text)

`validate` returns the data as validated (dicts and lists) or raises InputError with
the file, the line and column of the offending value (for JSON), and the field path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from schemacheck.errors import InputError

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any

    from pydantic_core import SchemaValidator


class Shape:
    """A validation schema, built (and its validator compiled) on first use.

    `plain` is an optional predicate over parsed JSON that says "certainly valid, as it is"
    for the everyday file (no message, no coercion). Such data is returned without
    importing pydantic, whose import is a third of a cold check; everything else, whether
    valid or not, is decided by pydantic. A property test holds the two to agreement."""

    def __init__(self, build: Callable, plain: Callable[[object], bool] | None = None) -> None:
        self._build = build
        self._validator: SchemaValidator | None = None
        self.plain = plain

    def validator(self):
        if self._validator is None:
            from pydantic_core import SchemaValidator, core_schema

            self._validator = SchemaValidator(self._build(core_schema))
        return self._validator


def field_path(loc: tuple) -> str:
    """('OrderedColumns', 2, 'Name') -> 'OrderedColumns[2].Name'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate(shape: Shape, data: object, file: str, text: str | None = None, what: str = "") -> Any:
    """`data` checked against `shape` (and of its shape); an InputError names the first
    problem and where."""
    if shape.plain is not None and shape.plain(data):
        return data
    from pydantic_core import ValidationError

    try:
        return shape.validator().validate_python(data)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        loc = tuple(p for p in problem["loc"] if not (isinstance(p, str) and "[" in p))
        path = field_path(loc)
        line = column = None
        if text is not None:
            line, column = json_position(text, loc)
        where = f"{path}: " if path else ""
        raise InputError(f"{where}{problem['msg'][0].lower()}{problem['msg'][1:]}{what}", file, line, column) from None


_WS = re.compile(r"[ \t\n\r]*")


def _past_blanks(text: str, index: int) -> int:
    """The offset after the JSON whitespace at `index` (_WS always matches)."""
    blanks = _WS.match(text, index)
    return blanks.end() if blanks is not None else index


def json_position(text: str, path: tuple) -> tuple[int | None, int | None]:
    """1-based line and column of the value at `path` in JSON `text` (or of the deepest
    part of it that exists, e.g. the object missing a key); (None, None) if not JSON."""
    try:
        index, _found = _seek(text, path)
    except (ValueError, IndexError):
        return None, None
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|(?P<open>[\[{])|(?P<close>[\]}])')


def json_deepest(text: str) -> tuple[int, int]:
    """1-based line and column of the bracket that opens the deepest nesting of arrays and
    objects in JSON `text` (the first such; strings skipped): where to look when the text
    nests too deeply for Python's JSON parser, which recurses."""
    return deepest_bracket(text, _JSON_NESTING)


def deepest_bracket(text: str, nesting) -> tuple[int, int]:
    """1-based line and column of the first bracket that opens the deepest nesting, with
    `nesting` a regular expression whose groups `open` and `close` match the brackets (and
    that matches strings and comments as other groups, so that they are skipped)."""
    depth = deepest = at = 0
    for match in nesting.finditer(text):
        if match.lastgroup == "open":
            depth += 1
            if depth > deepest:
                deepest, at = depth, match.start()
        elif match.lastgroup == "close":
            depth = max(0, depth - 1)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def json_item_lines(text: str, path: tuple, count: int) -> list[int] | None:
    """The 1-based line of each of the first `count` items of the array at `path` in JSON
    `text`, found in one pass over the array (asking json_position for each item would
    read the items before it again each time); None when there is no such array."""
    import json

    decoder = json.JSONDecoder()
    try:
        index, found = _seek(text, path)
        if not found or text[index] != "[":
            return None
        cursor = _past_blanks(text, index + 1)
        line, counted = text.count("\n", 0, cursor) + 1, cursor
        lines: list[int] = []
        while len(lines) < count:
            line += text.count("\n", counted, cursor)
            counted = cursor
            lines.append(line)
            if len(lines) == count:
                break
            _, cursor = decoder.raw_decode(text, cursor)
            cursor = _past_blanks(text, cursor)
            if text[cursor] != ",":
                return None
            cursor = _past_blanks(text, cursor + 1)
    except (ValueError, IndexError):
        return None
    return lines


def _seek(text: str, path: tuple) -> tuple[int, bool]:
    """The offset of the value at `path` in JSON `text`, or of the deepest part of it that
    exists, and whether the whole path was found. ValueError or IndexError if not JSON."""
    import json
    from json.decoder import scanstring  # type: ignore[attr-defined]  # there at run time; typeshed omits it

    decoder = json.JSONDecoder()
    index = _past_blanks(text, 0)
    for part in path:
        opener = text[index]
        if opener == "{" and isinstance(part, str):
            found = None
            cursor = _past_blanks(text, index + 1)
            while text[cursor] == '"':
                key, cursor = scanstring(text, cursor + 1)
                cursor = _past_blanks(text, cursor) + 1  # past ':'
                cursor = _past_blanks(text, cursor)
                if key == part:
                    found = cursor
                    break
                _, cursor = decoder.raw_decode(text, cursor)
                cursor = _past_blanks(text, cursor)
                if text[cursor] == ",":
                    cursor = _past_blanks(text, cursor + 1)
            if found is None:
                return index, False
            index = found
        elif opener == "[" and isinstance(part, int):
            cursor = _past_blanks(text, index + 1)
            for _ in range(part):
                _, cursor = decoder.raw_decode(text, cursor)
                cursor = _past_blanks(text, cursor)
                if text[cursor] != ",":
                    return cursor, False
                cursor = _past_blanks(text, cursor + 1)
            index = cursor
        else:
            return index, False
    return index, True


def json_kind(value: object, other: str = "another value") -> str:
    """What JSON calls the type of a parsed value ("null", "a number", "an object", ...);
    `other` for a value that is none of them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return other


def too_many_digits(text: str, path: str, what: str) -> InputError:
    """The InputError for JSON (or TOML) text holding an integer too long to convert, placed at it."""
    import sys

    limit = sys.get_int_max_str_digits()
    number = re.search(rf"(?:^|(?<=[\s\[:,]))-?(\d{{{limit + 1},}})(?![\d.eE])", text)
    if number is None:
        return InputError(f"holds a number too long to read as {what}", path)
    line = text.count("\n", 0, number.start()) + 1
    column = number.start() - (text.rfind("\n", 0, number.start()) + 1) + 1
    return InputError(f"holds a number of {len(number.group(1))} digits, more than the {limit} that can be read "
                      f"as {what}", path, line, column)
