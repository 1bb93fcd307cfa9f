"""Input types from local sample data, and what the job says of each input (-> InputShape).

A sample (an InputMock of the project) is a JSON array, line-delimited or concatenated
JSON objects, CSV with a header row, or an Avro container file. Each field gets the type
its values have in every record, read as ASA reads them at the job's compatibility level:

    JSON integer -> bigint, other number -> float
    JSON object -> record with its fields, JSON array -> array with its element type
    JSON boolean -> bit at 1.2, bigint (0/1) below
    ISO 8601 date-like text -> datetime at 1.0 (converted at ingress), text above
    other text -> nvarchar(max); null says nothing

Records and arrays are typed all the way down: a record's fields are merged over every
record (and every element) that holds it, field by field, and an array's element type is
the one every element of every such array agrees on. Values that disagree leave that
field (or the elements) unknown, with the reason naming the records ("record 2 has
bigint, record 5 float"); integers mixed with fractions stay unknown too, since ASA types
each value on its own and has no "number" type, but with the cause "number+input"
(types.number: bigint or float, the sample cannot tell which).

CSV values are text; a value that reads as an integer or a decimal number is typed
bigint or float, as the CREATE TABLE conversion table describes (how ASA types an
undeclared CSV value is not documented). Only the first MAX_RECORDS records are read.

An Avro file's writer schema (in its header) gives the types, read with fastavro, which
is imported only when an .avro sample is read (`pip install 'schemacheck[schemas]'`):

    long, int -> bigint; double, float -> float; string -> nvarchar(max)
    boolean -> bit at 1.2, bigint below; record -> record; array -> array
    a union of null and one type -> that type
    map, enum, bytes, fixed, logical types, other unions -> unknown (ASA does not document them)

Every type read here carries source "sample" (or "reference" for reference data, see
schemacheck.inputs.reference), and every unknown says it was "in the sample", so that a
user can tell what was observed from what was declared.
"""

from __future__ import annotations

import json
import re

from schemacheck.asa import types as T
from schemacheck.asa.infer import InputShape
from schemacheck.jobs.model import Job, Note

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level, Ty

MAX_RECORDS = 10_000
# Records and arrays nested deeper than this are typed as a record or array whose
# contents are not known: no sample needs more, and the types stay cheap to walk.
MAX_DEPTH = 32

_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+)$")
_BIGINT_RANGE = (-(2 ** 63), 2 ** 63 - 1)

# How reasons name where a type was observed, by the source it types.
WHAT = {"sample": "sample", "reference": "reference data"}
AVRO_EXTRA = "pip install 'schemacheck[schemas]'"


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


# ---- what the records say of each value ---------------------------------------------


class _Seen:
    """What the records say of the values at one place (a field, a field of a field, the
    elements of an array): each type seen with the first record that has it, the fields of
    its records and the elements of its arrays, merged over every value seen there."""

    __slots__ = ("deep", "element", "fields", "kinds", "too_big")

    def __init__(self) -> None:
        self.kinds: dict[str, int] = {}                       # type -> first record number
        self.fields: dict[str, tuple[str, _Seen]] = {}        # lower-cased name -> (spelling, values)
        self.element: _Seen | None = None                     # the elements of its arrays, once one has any
        self.too_big = 0                                      # the first record with an integer past bigint
        self.deep = False                                     # nested past MAX_DEPTH: contents not read


def _observe(root: _Seen, record: dict, number: int, level: Level, csv_input: bool) -> None:
    """Add one record's values to what is known of each place (without recursion)."""
    stack: list[tuple[_Seen, object, int]] = [(root, record, 0)]
    while stack:
        seen, value, depth = stack.pop()
        if csv_input and depth == 1:
            assert isinstance(value, str)
            kind = csv_type(value, level)
            if kind == "bigint" and not _BIGINT_RANGE[0] <= int(value) <= _BIGINT_RANGE[1]:
                seen.too_big = seen.too_big or number
                continue
        else:
            kind = json_type(value, level)
            if isinstance(value, int) and not isinstance(value, bool) and not (
                    _BIGINT_RANGE[0] <= value <= _BIGINT_RANGE[1]):
                seen.too_big = seen.too_big or number
                continue
        if kind is None:
            continue
        seen.kinds.setdefault(kind, number)
        if kind not in ("record", "array"):
            continue
        if depth >= MAX_DEPTH:
            seen.deep = True
            continue
        if isinstance(value, dict):
            fields = seen.fields
            children = []
            for name, item in value.items():
                entry = fields.get(name.lower())
                if entry is None:
                    entry = fields[name.lower()] = (name, _Seen())
                children.append((entry[1], item, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, list) and value:
            if seen.element is None:
                seen.element = _Seen()
            element = seen.element
            stack.extend((element, item, depth + 1) for item in reversed(value))


def _named(path: str) -> str:
    """How a reason names the values at `path`: `tags[]` are the elements of tags."""
    return f"the elements of {path[:-2]}" if path.endswith("[]") else path


def _type_of(seen: _Seen, path: str, what: str, source: str, depth: int = 0) -> Ty:
    """The type of the values at one place, with their fields and elements, or unknown with
    the reason (recursion bounded by MAX_DEPTH, as _observe bounds what it reads)."""
    if seen.too_big:
        return T.unknown(f"record {seen.too_big} of the {what} holds an integer outside bigint's range in "
                         f"{_named(path)}, which ASA cannot read (InputDeserializationError)", "input")
    kinds = seen.kinds
    if not kinds:
        return T.unknown(f"every value of {_named(path)} in the {what} is null", "input")
    if len(kinds) > 1:
        by_record: dict[int, list[str]] = {}
        for kind, number in sorted(kinds.items(), key=lambda item: item[1]):
            by_record.setdefault(number, []).append(kind)
        listed = ", ".join(f"record {number}{' has' if index == 0 else ''} {' and '.join(found)}"
                           for index, (number, found) in enumerate(by_record.items()))
        if set(kinds) == {T.BIGINT, T.FLOAT}:
            holds = "hold" if path.endswith("[]") else "holds"
            return T.number(f"{_named(path)} {holds} both integers and fractions in the {what} ({listed}); ASA "
                            f"types each value by itself, bigint or float (it has no number type): CAST it to "
                            f"float", T.INPUT)
        return T.unknown(f"the {what}'s records disagree on the type of {_named(path)} ({listed})", "input")
    (kind,) = kinds
    if kind == T.RECORD:
        if seen.deep or depth >= MAX_DEPTH:
            return T.record_type()._replace(source=source)
        fields = tuple((spelling, _type_of(child, f"{path}.{spelling}", what, source, depth + 1))
                       for spelling, child in seen.fields.values())
        return T.record_type(fields)._replace(source=source)
    if kind == T.ARRAY:
        if seen.deep or depth >= MAX_DEPTH:
            return T.array_type()._replace(source=source)
        if seen.element is None:
            element = T.unknown(f"every {path} array in the {what} is empty, so its elements' type is not known",
                                "input")
        else:
            element = _type_of(seen.element, f"{path}[]", what, source, depth + 1)
        return T.array_type(element)._replace(source=source)
    return T.known(kind)._replace(source=source)


def _record_types(records: list, level: Level, csv_input: bool, what: str,
                  source: str) -> tuple[tuple[str, Ty], ...]:
    root = _Seen()
    for number, item in enumerate(records, start=1):
        if not isinstance(item, dict):
            raise SampleError(f"record {number} is not an object")
        _observe(root, item, number, level, csv_input)
    return tuple((spelling, _type_of(seen, spelling, what, source)) for spelling, seen in root.fields.values())


# ---- Avro -----------------------------------------------------------------------------

_AVRO_PRIMITIVES = {"long": T.BIGINT, "int": T.BIGINT, "double": T.FLOAT, "float": T.FLOAT, "string": T.NVARCHAR}


def _avro_schema(path: str) -> object:
    """The writer schema of an Avro container file, as JSON data."""
    try:
        import fastavro
    except ImportError:
        raise SampleError(f"is an Avro file, and reading one needs fastavro ({AVRO_EXTRA})") from None
    try:
        with open(path, "rb") as handle:
            reader = fastavro.reader(handle)
            text = reader.metadata.get("avro.schema")
    except FileNotFoundError:
        raise SampleError("no such file") from None
    except IsADirectoryError:
        raise SampleError("is a directory") from None
    except OSError as error:
        raise SampleError(f"cannot be read ({error.strerror or error})") from None
    except Exception:   # fastavro's errors on a damaged file are of many kinds
        raise SampleError("is not an Avro container file whose header and schema can be read") from None
    try:
        return json.loads(text) if isinstance(text, (str, bytes)) else None
    except ValueError:
        raise SampleError("holds an Avro schema that is not valid JSON") from None


class _AvroTypes:
    """Avro schema -> Ty, named types resolved by full or short name."""

    def __init__(self, level: Level, what: str, source: str) -> None:
        self.level = level
        self.what = what
        self.source = source
        self.named: dict[str, object] = {}

    def undocumented(self, path: str, kind: str) -> Ty:
        return T.unknown(f"{path} is an Avro {kind} in the {self.what}'s schema, a type not documented by ASA",
                         "input")

    def register(self, schema: dict, namespace: str) -> str:
        name = schema.get("name")
        if not isinstance(name, str):
            return namespace
        space = schema.get("namespace") if isinstance(schema.get("namespace"), str) else namespace
        full = name if "." in name else (f"{space}.{name}" if space else name)
        self.named.setdefault(full, schema)
        self.named.setdefault(full.rsplit(".", 1)[-1], schema)
        return full.rsplit(".", 1)[0] if "." in full else ""

    def type_of(self, schema: object, path: str, namespace: str = "", depth: int = 0) -> Ty:
        if depth > MAX_DEPTH:
            return T.unknown(f"{path} is nested too deeply in the {self.what}'s Avro schema to be read", "input")
        if isinstance(schema, list):
            branches = [s for s in schema if s != "null"]
            if len(branches) == 1:
                return self.type_of(branches[0], path, namespace, depth + 1)
            if not branches:
                return T.unknown(f"{path} is always null in the {self.what}'s Avro schema", "input")
            mapped = {_AVRO_PRIMITIVES.get(b) if isinstance(b, str) else None for b in branches}
            if len(mapped) == 1 and None not in mapped:   # ["int", "long"]: one ASA type
                return T.known(mapped.pop() or "")._replace(source=self.source)
            if mapped == {T.BIGINT, T.FLOAT}:
                return T.number(f"{path} is an Avro union of integer and fraction types in the {self.what}'s "
                                f"schema; ASA types each value by itself, bigint or float: CAST it to float", T.INPUT)
            return T.unknown(f"{path} is an Avro union of several types in the {self.what}'s schema; ASA types "
                             f"each value by itself", "input")
        if isinstance(schema, str):
            if schema in _AVRO_PRIMITIVES:
                return T.known(_AVRO_PRIMITIVES[schema])._replace(source=self.source)
            if schema == "boolean":
                return T.known(T.BIT if T.has_bit(self.level) else T.BIGINT)._replace(source=self.source)
            if schema == "null":
                return T.unknown(f"{path} is always null in the {self.what}'s Avro schema", "input")
            if schema == "bytes":
                return self.undocumented(path, schema)
            named = self.named.get(f"{namespace}.{schema}" if namespace and "." not in schema else schema)
            if named is None:
                named = self.named.get(schema.rsplit(".", 1)[-1])
            if named is None:
                return T.unknown(f"{path} has the Avro type {schema}, which the {self.what}'s schema does not "
                                 f"define", "input")
            return self.type_of(named, path, namespace, depth + 1)
        if not isinstance(schema, dict):
            return T.unknown(f"the {self.what}'s Avro schema does not say the type of {path}", "input")
        kind = schema.get("type")
        if "logicalType" in schema:
            return self.undocumented(path, f"{schema['logicalType']} (a logical type)")
        if kind in ("record", "error"):
            inner = self.register(schema, namespace)
            fields = schema.get("fields")
            if not isinstance(fields, list):
                return T.record_type()._replace(source=self.source)
            typed = []
            for field in fields:
                if isinstance(field, dict) and isinstance(field.get("name"), str):
                    name = field["name"]
                    typed.append((name, self.type_of(field.get("type"), f"{path}.{name}" if path else name,
                                                     inner, depth + 1)))
            return T.record_type(tuple(typed))._replace(source=self.source)
        if kind == "array":
            element = self.type_of(schema.get("items"), f"{path}[]", namespace, depth + 1)
            return T.array_type(element)._replace(source=self.source)
        if kind in ("enum", "fixed"):
            self.register(schema, namespace)
            return self.undocumented(path, kind)
        if kind == "map":
            return self.undocumented(path, kind)
        return self.type_of(kind, path, namespace, depth + 1)   # {"type": "long"}, or a named type


def avro_types(path: str, level: Level, what: str = "sample", source: str = "sample") -> tuple[tuple[str, Ty], ...]:
    """The fields of an Avro container file's writer schema (see the module doc)."""
    schema = _avro_schema(path)
    if not isinstance(schema, dict) or schema.get("type") not in ("record", "error"):
        raise SampleError("has an Avro schema that is no record, so it names no fields")
    record = _AvroTypes(level, what, source).type_of(schema, "")
    return record.fields or ()


# ---- reading a file -------------------------------------------------------------------


def sample_types(path: str, format: str | None, level: Level,
                 source: str = "sample") -> tuple[tuple[str, Ty], ...]:
    """The fields of a sample file as (name, Ty) in the order they first appear, each Ty with
    its nested fields and element and `source`, or unknown with the reason (cause "input");
    SampleError when the file cannot be read. `source` is "sample" or "reference"."""
    from schemacheck.errors import InputError
    from schemacheck.files import read_text_file

    what = WHAT.get(source, source)
    lowered = path.lower()
    if format is None:
        format = "csv" if lowered.endswith((".csv", ".tsv")) else "avro" if lowered.endswith(".avro") else "json"
    if format == "avro":
        return avro_types(path, level, what, source)
    try:
        text = read_text_file(path, "sample data")
    except InputError as error:
        raise SampleError(error.message) from None
    csv_input = format == "csv"
    try:
        records = _csv_records(text) if csv_input else _json_records(text)
    except RecursionError:
        raise SampleError("nests values too deeply to read") from None
    return _record_types(records, level, csv_input, what, source)


def sample_fields(path: str, format: str | None, level: Level) -> tuple[tuple[str, str | None, str | None], ...]:
    """The top-level fields of a sample file as (name, ASA type or None, reason when None);
    see sample_types for the nested types."""
    return tuple((name, ty.name, None if ty.name else ty.reason) for name, ty in sample_types(path, format, level))


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
            fields = sample_types(sample.path, sample.format, level)
        except SampleError as error:
            notes.append(Note("SC609", f"sample data {display_path(sample.path)} for input {sample.alias} {error}; "
                                       "its field types are not used", sample.where))
            continue
        shapes[alias] = InputShape(kinds.get(alias), fields, f"sample {display_path(sample.path)}")
    return shapes
