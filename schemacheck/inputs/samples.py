"""Input types from local sample data, and what the job says of each input (-> InputShape).

A sample (an InputMock of the project) is a JSON array, line-delimited or concatenated
JSON objects, or CSV with a header row. Each field gets the type its values have in
every record, read as ASA reads them at the job's compatibility level:

    JSON integer -> bigint, other number -> float, object -> record, array -> array
    JSON boolean -> bit at 1.2, bigint (0/1) below
    ISO 8601 date-like text -> datetime at 1.0 (converted at ingress), text above
    other text -> nvarchar(max); null says nothing

CSV values are text; a value that reads as an integer or a decimal number is typed
bigint or float, as the CREATE TABLE conversion table describes (how ASA types an
undeclared CSV value is not documented). Records that disagree leave the field unknown,
with the reason. Only the first MAX_RECORDS records are read.
"""

from __future__ import annotations

import json
import re

from schemacheck.asa import types as T
from schemacheck.asa.infer import InputShape
from schemacheck.jobs.model import Job, Note

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level

MAX_RECORDS = 10_000

_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+)$")
_BIGINT_RANGE = (-(2 ** 63), 2 ** 63 - 1)


class SampleError(Exception):
    """The sample cannot be read; the message says why (becomes an SC609 note)."""


def json_type(value: object, level: Level) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "bit" if level >= "1.2" else "bigint"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dict):
        return "record"
    if isinstance(value, list):
        return "array"
    assert isinstance(value, str)  # what JSON holds besides
    return text_type(value, level)


def text_type(value: str, level: Level) -> str:
    if level == "1.0" and _DATE_LIKE.match(value):
        return "datetime"
    return "nvarchar(max)"


def csv_type(value: str, level: Level) -> str | None:
    if value == "":
        return None
    if _INTEGER.match(value):
        return "bigint"
    if _DECIMAL.match(value):
        return "float"
    return text_type(value, level)


def _json_records(text: str) -> list:
    """A JSON array, or objects one after another (one per line or not)."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SampleError(f"not valid JSON at line {error.lineno}, column {error.colno} ({error.msg})") from None
        except ValueError:  # an integer past Python's digit limit
            raise _too_many_digits(text) from None
        return data[:MAX_RECORDS] if isinstance(data, list) else [data]
    records: list = []
    index = len(text) - len(stripped)
    while index < len(text) and len(records) < MAX_RECORDS:
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise SampleError(f"not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}); "
                              "expected an array or one object per line") from None
        except ValueError:
            raise _too_many_digits(text) from None
        records.append(value)
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
    return records


def _too_many_digits(text: str) -> SampleError:
    from schemacheck.validation import too_many_digits

    error = too_many_digits(text, "", "sample data")
    where = f" (line {error.line}, column {error.column})" if error.line else ""
    return SampleError(error.message + where)


def _csv_records(text: str) -> list:
    import csv
    import io

    sample = text[:4096]
    delimiter = max(",;\t|", key=lambda d: sample.partition("\n")[0].count(d))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise SampleError("has no header row") from None
    except csv.Error as error:
        raise SampleError(f"not valid CSV ({error})") from None
    names = [h.strip() for h in header]
    if not any(names):
        raise SampleError("has an empty header row")
    lowered = [n.lower() for n in names]
    duplicates = sorted({n for n in names if lowered.count(n.lower()) > 1})
    if duplicates:
        raise SampleError(f"repeats the header name(s) {', '.join(duplicates)}; ASA rejects such CSV input")
    records: list[dict[str, str]] = []
    try:
        for row in reader:
            if len(records) >= MAX_RECORDS:
                break
            if row:
                records.append(dict(zip(names, row)))
    except csv.Error as error:
        raise SampleError(f"not valid CSV at line {reader.line_num} ({error})") from None
    return records


def sample_fields(path: str, format: str | None, level: Level) -> tuple[tuple[str, str | None, str | None], ...]:
    """The fields of a sample file as (name, ASA type or None, reason when None), in the
    order they first appear; SampleError when it cannot be read."""
    from schemacheck.errors import InputError
    from schemacheck.files import read_text_file

    try:
        text = read_text_file(path, "sample data")
    except InputError as error:
        raise SampleError(error.message) from None
    if format is None:
        format = "csv" if path.lower().endswith((".csv", ".tsv")) else "json"
    csv_input = format == "csv"
    try:
        records = _csv_records(text) if csv_input else _json_records(text)
    except RecursionError:
        raise SampleError("nests values too deeply to read") from None
    seen: dict[str, tuple[str, dict[str, int]]] = {}   # lower-cased name -> (spelling, {type: first record})
    for number, item in enumerate(records, start=1):
        if not isinstance(item, dict):
            raise SampleError(f"record {number} is not an object")
        for name, value in item.items():
            kind = csv_type(value, level) if csv_input else json_type(value, level)
            if isinstance(value, int) and not isinstance(value, bool) and not (
                    _BIGINT_RANGE[0] <= value <= _BIGINT_RANGE[1]):
                kind = "out-of-range"
            spelling, types = seen.setdefault(name.lower(), (name, {}))
            if kind is not None:
                types.setdefault(kind, number)
    fields: list[tuple[str, str | None, str | None]] = []
    for spelling, types in seen.values():
        if "out-of-range" in types:
            fields.append((spelling, None, (f"record {types['out-of-range']} of the sample holds an integer outside "
                                            "bigint's range, which ASA cannot read (InputDeserializationError)")))
        elif len(types) == 1:
            fields.append((spelling, next(iter(types)), None))
        elif not types:
            fields.append((spelling, None, "every value of it in the sample data is null"))
        else:
            found = ", ".join(f"{kind} in record {number}" for kind, number in
                              sorted(types.items(), key=lambda item: item[1]))
            fields.append((spelling, None, f"the sample records disagree on its type ({found})"))
    return tuple(fields)


def sample_shapes(job: Job, level: Level, kinds: dict[str, str | None],
                  notes: list[Note]) -> dict[str, InputShape]:
    """Each input's fields from its first readable sample (by lower-cased alias); a sample
    that cannot be read is an SC609 note in `notes`."""
    from schemacheck.files import display_path

    shapes: dict[str, InputShape] = {}
    for sample in job.samples:
        alias = sample.alias.lower()
        if alias in shapes:
            continue
        try:
            fields = sample_fields(sample.path, sample.format, level)
        except SampleError as error:
            notes.append(Note("SC609", f"sample data {display_path(sample.path)} for input {sample.alias} {error}; "
                                       "its field types are not used", sample.where))
            continue
        source = f"sample {display_path(sample.path)}"
        typed = tuple((name, T.known(kind)._replace(source="sample") if kind else T.unknown(reason or "", "input"))
                      for name, kind, reason in fields)
        shapes[alias] = InputShape(kinds.get(alias), typed, source)
    return shapes
