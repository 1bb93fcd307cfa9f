"""Reading query and schema files: bytes -> text, with a clear InputError for anything that is not text.

UTF-8 with or without a BOM and UTF-16 with a BOM are read; invalid UTF-8, NUL bytes
(binary files) and empty files are errors naming the file, line and column.
"""

from __future__ import annotations

import codecs
import os

from schemacheck.errors import InputError
from schemacheck.records import Record, record

QUERY_SUFFIXES = (".asaql",)


@record
class Unreadable(Record):
    """A file that could not be read, and why (reports list it in place)."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None

    @classmethod
    def of(cls, error) -> Unreadable:
        """From an InputError."""
        return cls(error.file, error.message, error.line, error.column)

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "") + (
            f":{self.column}" if self.line is not None and self.column is not None else "")
        return f"{where}: {self.message}"


@record
class Skipped(Record):
    """A file a directory scan found that may define a job but is not read, and why
    (reported as rule SC611, info)."""

    file: str
    message: str


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


class overlaid:
    """Within `with overlaid({real path: text}):`, every file of the mapping is read as the
    text given instead of what is on disk: the passes of `check --fix` re-check edited texts
    before anything is written (schemacheck.fixes)."""

    texts: dict | None = None

    def __init__(self, texts: dict) -> None:
        self.texts_given = texts

    def __enter__(self) -> None:
        self.previous, overlaid.texts = overlaid.texts, self.texts_given

    def __exit__(self, *exc) -> None:
        overlaid.texts = self.previous


def decode(data: bytes, file: str, what: str = "query") -> str:
    """Bytes of a text file -> str (BOM removed), or InputError; the overlay's text for a
    file under `overlaid`."""
    texts = overlaid.texts
    if texts and file:
        text = texts.get(os.path.realpath(file))
        if text is not None:
            return text
    return decode_bytes(data, file, what)


def decode_bytes(data: bytes, file: str, what: str = "query") -> str:
    """Bytes of a text file -> str (BOM removed), or InputError; never the overlay's."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF32_LE):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise InputError("not valid UTF-16 text although it starts with a UTF-16 byte order mark",
                                 file) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        raise InputError(f"looks like a binary file (NUL byte); expected a {what} as UTF-8 text", file, line, column)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise InputError(f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                         file, line, column) from None


_LINES: dict = {}    # id(text) -> (text, its lines); holding the text keeps the id its own
_STARTS: dict = {}   # id(text) -> (text, the offsets where its lines start)


def _remembered(cache: dict, text: str, compute):
    entry = cache.get(id(text))
    if entry is None or entry[0] is not text:
        if len(cache) >= 8:
            cache.clear()
        entry = cache[id(text)] = (text, compute(text))
    return entry[1]


def source_lines(text: str) -> list[str]:
    """`text.splitlines()`, kept for the last few texts asked about: a report asks for one
    line of the same query for each finding, and splitting a long query each time would
    make the report quadratic in its size."""
    return _remembered(_LINES, text, str.splitlines)


def line_offsets(text: str) -> list[int]:
    """The offset at which each line of `text` starts (computed each time; see line_starts)."""
    starts = [0]
    find = text.find
    position = find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = find("\n", position + 1)
    return starts


def line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts, lines ending at "\\n" (as the query
    lexer counts them); kept like source_lines."""
    return _remembered(_STARTS, text, line_offsets)


def display_path(path: str) -> str:
    """`path` relative to the working directory when it lies below it, else as given (URLs too)."""
    if "://" in path:
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative


class listed_once:
    """Within `with listed_once():`, each folder is listed once by `folder_names`: finding
    the project of each of a thousand queries would list the same folders a thousand times.
    Outside it, every call lists the folder again."""

    memo: dict | None = None

    def __enter__(self) -> None:
        self.previous, listed_once.memo = listed_once.memo, {}

    def __exit__(self, *exc) -> None:
        listed_once.memo = self.previous


def folder_names(directory: str) -> tuple[str, ...]:
    """The names in a folder (empty when it cannot be listed)."""
    memo = listed_once.memo
    if memo is not None and directory in memo:
        return memo[directory]
    try:
        names = tuple(os.listdir(directory))
    except OSError:
        names = ()
    if memo is not None:
        memo[directory] = names
    return names


def read_text_file(path: str, what: str = "query") -> str:
    """The text of a file, or InputError (missing, unreadable, binary, not UTF-8, empty)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a directory", path) from None
    except PermissionError:
        raise InputError("permission denied: the file cannot be read", path) from None
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path) from None
    text = decode(data, path, what)
    if not text.strip():
        raise InputError(f"is empty: there is no {what} in it", path)
    return text


def read_query(path: str) -> str:
    """The text of a query file (see read_text_file)."""
    return read_text_file(path, "query")


def files_under(directory: str, suffixes: tuple[str, ...], what: str | None = None) -> list[str]:
    """The files below `directory` whose names end with one of `suffixes` (any case), sorted;
    an InputError naming `what` when there is none (an empty list when `what` is None)."""
    found = sorted(
        os.path.join(root, name)
        for root, _dirs, names in os.walk(directory)
        for name in names
        if name.lower().endswith(suffixes)
    )
    if not found and what is not None:
        raise InputError(f"no {what} in this directory", directory)
    return found


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given; directories replaced by the query files under them, sorted."""
    result = []
    for path in paths:
        if os.path.isdir(path):
            result.extend(files_under(path, QUERY_SUFFIXES, ".asaql query files"))
        else:
            result.append(path)
    return result
