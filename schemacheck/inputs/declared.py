"""Input types declared for the check (-> InputShape, every type's source "declared").

Three ways to declare what an input's events hold, none of which changes the job:

1. Field types in the configuration, `[inputs.ALIAS]` in schemacheck.toml
   (`[tool.schemacheck.inputs.ALIAS]` in pyproject.toml), read by schemacheck.config:

       [inputs.hub-in]
       DeviceId = "nvarchar(max)"
       Temperature = "float"
       "Position.Lat" = "float"        # a field of the record Position (which is implied)
       "Readings[]" = "record"         # Readings is an array of records ...
       "Readings[].Value" = "float"    # ... which have a field Value
       Tags = "array"                  # an array whose elements are not declared
       "[schema]" = "nvarchar(max)"    # brackets quote a name, as in ASA: a field named schema

   A name is a field's name, `[name]` quotes one (`]]` stands for `]`); `.` goes into a
   record's field, `[]` into an array's elements. TOML's own nesting says the same:
   `Position.Lat = "float"` without quotes, or a table `[inputs.hub-in.Position]`, is the
   record Position with the field Lat. Types are ASA's (bigint, float, nvarchar(max),
   datetime, bit, record, array; any case); `bit` is read as bigint below compatibility
   level 1.2, as ASA reads booleans there.

2. `schema = "FILE"` in the same table instead of field types, relative to the
   configuration file: an Avro schema (`.avsc`, or a `.json` whose top level is an Avro
   record) or a JSON Schema (other `.json`).

3. An Avro input (the job says its serialization is Avro) with a file `ALIAS.avsc` in the
   job's folder or its schemas/ folder. The configuration's declaration wins over it.

Avro -> ASA (outputs-and-inputs.md B1/B2): int, long -> bigint; float, double -> float;
string -> nvarchar(max); boolean -> bit (bigint below 1.2); record -> record with its
fields; array -> array with its items; a union of null and one type -> that type. ASA does
not document how it reads map, enum, bytes, fixed, logical types (timestamp-millis,
decimal, uuid, ...) and other unions: those fields are unknown, with that reason. The file
is validated with fastavro's parse_schema (the `schemas` extra).

JSON Schema -> ASA: integer -> bigint; number -> float (a whole number such as 5 in the
data is still read by ASA as bigint); string -> nvarchar(max), except that format
date-time or date is datetime at level 1.0, which converts date-like text at ingress;
boolean -> bit (bigint below 1.2); object -> record with its properties; array -> array with
its items; a list of types, anyOf or oneOf of one type and null -> that type; enum and
const -> the type their values share; local $ref (#/...) followed. Anything else is unknown
with the reason. The file is validated against its metaschema with jsonschema (the
`schemas` extra). fastavro and jsonschema are imported only when such a file is read.

A declared schema file that cannot be read, or is not a valid schema, is an InputError
(exit code 2) at its line and column; an `ALIAS.avsc` found beside the job is an SC609
note instead, and the input is checked without it.
"""

from __future__ import annotations

import os
import re

from schemacheck.asa import types as T
from schemacheck.asa.infer import InputShape
from schemacheck.errors import InputError
from schemacheck.jobs.model import Job, Note, Where

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level, Ty
    from schemacheck.config import Config, InputConfig

SCHEMAS_EXTRA = "pip install 'schemacheck[schemas]'"
SCHEMA_SUFFIXES = (".avsc", ".json")
# Nesting deeper than this is cut (a record's fields, an array's element left unknown).
MAX_DEPTH = 64


# ---- [inputs.ALIAS] in the configuration ----------------------------------------------------

class DeclarationError(Exception):
    """A mistake in an `[inputs.ALIAS]` table: `loc` the TOML keys within the table that lead
    to it; `at_value` when the value (not the key) is wrong."""

    def __init__(self, message: str, loc: tuple[str, ...] = (), at_value: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc
        self.at_value = at_value


_SYNTAX = ('write a record\'s field as "Record.Field", an array\'s elements as "Array[]" (e.g. "Readings[].Value"), '
           'and a name with dots or brackets in brackets ("[a.b]")')


def field_path(key: str) -> tuple[str | None, ...]:
    """The steps a declared key names: a field's name, or None for an array's elements.
    `Position.Lat` -> ("Position", "Lat"); `Readings[].Value` -> ("Readings", None, "Value");
    `[a.b]` -> ("a.b",). DeclarationError when the key is not of that form."""
    steps: list[str | None] = []
    index, length = 0, len(key)
    while True:
        if key.startswith("[", index):    # at a name's start, [ opens a quoted name ([]]] is the name ])
            characters: list[str] = []
            cursor = index + 1
            while cursor < length:
                if key[cursor] == "]":
                    if key.startswith("]]", cursor):
                        characters.append("]")
                        cursor += 2
                        continue
                    break
                characters.append(key[cursor])
                cursor += 1
            else:
                raise DeclarationError(f"the [ at character {index + 1} is not closed; {_SYNTAX}")
            name = "".join(characters)
            index = cursor + 1
        else:
            cursor = index
            while cursor < length and key[cursor] not in ".[]":
                cursor += 1
            name = key[index:cursor].strip()
            index = cursor
        if not name:
            raise DeclarationError(f"a field name is empty; {_SYNTAX}")
        steps.append(name)
        while key.startswith("[]", index):
            steps.append(None)
            index += 2
        if index == length:
            return tuple(steps)
        if key[index] != ".":
            raise DeclarationError(f"unexpected {key[index]!r} at character {index + 1}; {_SYNTAX}")
        index += 1


def asa_type(text: str) -> str:
    """The ASA type a declared type name stands for (any case, `nvarchar(max)` with or
    without spaces); DeclarationError naming the nearest one otherwise."""
    name = re.sub(r"\s+", "", text.lower())
    if name == "nvarchar(max)":
        return T.NVARCHAR
    if name in T.TYPE_NAMES and name != "nvarchar":
        return T.TYPE_NAMES[name]
    base = name.split("(", 1)[0]
    near = T.TYPE_NAME_ADVICE.get(base) or (T.NVARCHAR if base == "nvarchar" else None)
    if near is None:
        from difflib import get_close_matches

        close = get_close_matches(base, [*T.TYPE_NAMES, *T.TYPE_NAME_ADVICE], n=1, cutoff=0.6)
        near = (T.TYPE_NAMES.get(close[0]) or T.TYPE_NAME_ADVICE.get(close[0])) if close else None
        if near == "nvarchar":
            near = T.NVARCHAR
    hint = f"; did you mean {near}?" if near else ""
    raise DeclarationError(f"\"{text}\" is not an ASA type{hint} (ASA's types: {', '.join(T.ASA_TYPES)})", (), True)


class _Node:
    """A declared field while the declarations are read: its type (None until said or
    implied), whether a declaration said it, its fields or its element."""

    __slots__ = ("element", "explicit", "fields", "name", "path", "type")

    def __init__(self, name: str, path: str) -> None:
        self.name = name
        self.path = path
        self.type: str | None = None
        self.explicit = False
        self.fields: dict[str, _Node] = {}
        self.element: _Node | None = None

    def become(self, kind: str, implied_by: str) -> None:
        """This node holds fields (kind record) or elements (array), as `implied_by` says."""
        if self.type is None:
            self.type = kind
        elif self.type != kind:
            what = "fields" if kind == T.RECORD else "elements ([])"
            raise DeclarationError(f"{implied_by} declares {what} of {self.path}, which is declared {self.type}")

    def ty(self) -> Ty:
        if self.type == T.RECORD:
            fields = tuple((node.name, node.ty()) for node in self.fields.values()) if self.fields else None
            return T.Ty(T.RECORD, fields=fields, source="declared")
        if self.type == T.ARRAY:
            element = self.element.ty() if self.element is not None else None
            return T.Ty(T.ARRAY, element=element, source="declared")
        assert self.type is not None   # every node is declared or implied by a child
        return T.known(self.type)._replace(source="declared")


def _show(steps: tuple[str | None, ...]) -> str:
    shown = ""
    for step in steps:
        if step is None:
            shown += "[]"
        else:
            name = f"[{step.replace(']', ']]')}]" if re.search(r"[.\[\]]", step) else step
            shown += ("." if shown else "") + name
    return shown


def declared_fields(table: dict) -> tuple[tuple[str, Ty], ...]:
    """The fields an `[inputs.ALIAS]` table declares (without `schema`), in the order they
    are first named, each a Ty with source "declared" (bit as written). DeclarationError
    for a key, a type or a nesting that does not make sense."""
    root = _Node("", "")
    root.type = T.RECORD

    def declare(steps: tuple[str | None, ...], kind: str) -> None:
        if len(steps) > MAX_DEPTH:
            raise DeclarationError(f"nests deeper than {MAX_DEPTH} levels of fields and elements")
        node = root
        for depth, step in enumerate(steps):
            shown = _show(steps[:depth + 1])
            if step is None:
                node.become(T.ARRAY, _show(steps))
                if node.element is None:
                    node.element = _Node("", shown)
                node = node.element
            else:
                node.become(T.RECORD, _show(steps))
                child = node.fields.get(step.lower())
                if child is None:
                    child = node.fields[step.lower()] = _Node(step, shown)
                elif child.name != step:
                    raise DeclarationError(f"{shown} and {_show(steps[:depth] + (child.name,))} are the same field "
                                           "to ASA, which matches names without regard to case")
                node = child
        if node.explicit:
            raise DeclarationError(f"{_show(steps)} is declared twice")
        if node.type is not None and node.type != kind:
            what = "fields" if node.type == T.RECORD else "elements ([])"
            raise DeclarationError(f"{_show(steps)} is declared {kind}, but other keys declare its {what}")
        node.type, node.explicit = kind, True

    def walk(items: dict, prefix: tuple[str | None, ...], loc: tuple[str, ...]) -> None:
        for key, value in items.items():
            here = loc + (key,)
            try:
                steps = prefix + field_path(key)
                if isinstance(value, str):
                    declare(steps, asa_type(value))
                elif isinstance(value, dict):
                    if not value:
                        raise DeclarationError("an empty table declares nothing; give the record's field types")
                    declare(steps, T.RECORD)
                    walk(value, steps, here)
                    continue
                else:
                    raise DeclarationError('a field\'s type is a string such as "float", or a table of a record\'s '
                                           "fields", (), True)
            except DeclarationError as error:
                if error.loc:
                    raise
                raise DeclarationError(error.message, here, error.at_value) from None

    walk(table, (), ())
    return tuple((node.name, node.ty()) for node in root.fields.values())


def input_settings(alias: str, table: dict, base: str) -> InputConfig:
    """An `[inputs.ALIAS]` table as InputConfig; `base` the configuration's folder (a
    schema file's path is relative to it)."""
    from schemacheck.config import InputConfig

    if not table:
        raise DeclarationError('declares nothing: give the input\'s field types (DeviceId = "nvarchar(max)") or '
                               'its schema file (schema = "schemas/telemetry.avsc")')
    schema = table.get("schema")
    if isinstance(schema, str):
        others = [k for k in table if k != "schema"]
        if others:
            raise DeclarationError("give either a schema file or the fields' types, not both (to declare a field "
                                   "named schema, write \"[schema]\")", (others[0],))
        if not schema.lower().endswith(SCHEMA_SUFFIXES):
            raise DeclarationError(f"\"{schema}\" is neither an Avro schema (.avsc) nor a JSON schema (.json)",
                                   ("schema",), True)
        path = os.path.normpath(os.path.join(base, schema))
        if not os.path.isfile(path):
            raise DeclarationError(f"no such file {schema} (relative to this file)", ("schema",), True)
        return InputConfig(schema=path)
    return InputConfig(fields=declared_fields(table))


# ---- types at the job's level --------------------------------------------------------------

def at_level(ty: Ty, level: Level) -> Ty:
    """`ty` as ASA reads it at `level`: bit is bigint below 1.2 (in records and arrays too)."""
    if ty.name == T.BIT and not T.has_bit(level):
        return ty._replace(name=T.BIGINT)
    if ty.fields:
        return ty._replace(fields=tuple((name, at_level(field, level)) for name, field in ty.fields))
    if ty.element is not None:
        return ty._replace(element=at_level(ty.element, level))
    return ty


def _unknown(reason: str) -> Ty:
    return T.unknown(reason, "input")._replace(source="declared")


def _known(name: str) -> Ty:
    return T.known(name)._replace(source="declared")


def _boolean(level: Level) -> Ty:
    return _known(T.BIT if T.has_bit(level) else T.BIGINT)


# ---- reading a schema file -----------------------------------------------------------------

def _load_json(path: str, what: str) -> tuple[str, object]:
    import json

    from schemacheck.files import read_text_file

    text = read_text_file(path, what)
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg}); an {what} is a JSON document", path, error.lineno,
                         error.colno) from None
    except RecursionError:
        from schemacheck.validation import json_deepest

        line, column = json_deepest(text)
        raise InputError(f"nests too deeply to be read as an {what}", path, line, column) from None
    except ValueError:  # an integer past Python's digit limit
        from schemacheck.validation import too_many_digits

        raise too_many_digits(text, path, what) from None


def _at(text: str, loc: tuple) -> tuple[int | None, int | None]:
    from schemacheck.validation import json_position

    return json_position(text, tuple(loc))


def _is_avro(data: object) -> bool:
    """Whether parsed JSON looks like an Avro schema rather than a JSON Schema."""
    return isinstance(data, (str, list)) or (isinstance(data, dict) and "$schema" not in data and (
        data.get("type") in ("record", "error", "enum", "fixed", "map") or "fields" in data))


def schema_fields(path: str, level: Level) -> tuple[str, tuple[tuple[str, Ty], ...]]:
    """(what the file is, e.g. "Avro schema x.avsc", the fields its top-level record declares)
    for an Avro schema (.avsc, or .json holding one) or a JSON Schema (.json)."""
    from schemacheck.files import display_path

    avro = path.lower().endswith(".avsc")
    text, data = _load_json(path, "Avro schema" if avro else "input schema")
    if avro or _is_avro(data):
        return f"Avro schema {display_path(path)}", avro_fields(text, data, path, level)
    return f"JSON Schema {display_path(path)}", json_schema_fields(text, data, path, level)


# ---- Avro ----------------------------------------------------------------------------------

_AVRO_PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
_AVRO_NOT_DOCUMENTED = ("bytes", "map", "enum", "fixed")


def _fastavro():
    try:
        import fastavro
    except ModuleNotFoundError as error:
        raise InputError(f"reading an Avro schema needs fastavro ({error.name} is not installed): "
                         f"`{SCHEMAS_EXTRA}` in the environment schemacheck is installed in") from None
    return fastavro


def _first_string(data: object, wanted: str, loc: tuple = ()) -> tuple | None:
    """The path of the first JSON string equal to `wanted` in `data` (depth first)."""
    if isinstance(data, str):
        return loc if data == wanted else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _first_string(value, wanted, loc + (key,))
        if found is not None:
            return found
    return None


_NEEDING = {"items": "array", "values": "map", "symbols": "enum", "size": "fixed", "fields": "record"}


def _lacking(data: object, key: str, loc: tuple = ()) -> tuple | None:
    """The path of the first Avro type in `data` of the kind that needs `key` and lacks it."""
    if isinstance(data, dict) and data.get("type") == _NEEDING.get(key) and key not in data:
        return loc
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for name, value in items:
        found = _lacking(value, key, loc + (name,))
        if found is not None:
            return found
    return None


def _untyped_field(data: object) -> str | None:
    """The name of the first record field in `data` that has no "type"."""
    if isinstance(data, dict):
        for field in data.get("fields", ()) if isinstance(data.get("fields"), list) else ():
            if isinstance(field, dict) and "type" not in field and isinstance(field.get("name"), str):
                return str(field["name"])
        children: list = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = _untyped_field(child)
        if found is not None:
            return found
    return None


def avro_fields(text: str, data: object, path: str, level: Level) -> tuple[tuple[str, Ty], ...]:
    """The fields of the Avro record schema `data` (parsed from `text` of file `path`),
    validated with fastavro; InputError at the offending place when it is not valid."""
    fastavro = _fastavro()
    try:
        parsed = fastavro.parse_schema(data)
    except RecursionError:
        from schemacheck.validation import json_deepest

        deep = json_deepest(text)
        raise InputError("nests too deeply to be read as an Avro schema", path, *deep) from None
    except Exception as error:  # fastavro raises SchemaParseException, UnknownType, and plain errors alike
        message = str(error).strip() or type(error).__name__
        loc: tuple | None = None
        if type(error).__name__ == "UnknownType":
            message = f"unknown type {getattr(error, 'name', message)}"
        elif isinstance(error, KeyError) and error.args and error.args[0] == "type" and _untyped_field(data):
            # fastavro before 1.13 raises a bare KeyError here; say it as the later versions do.
            message = f"Record field '{_untyped_field(data)}' is missing 'type'"
        elif isinstance(error, KeyError) and error.args:
            key = str(error.args[0])
            kind = _NEEDING.get(key, "type")
            message = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} lacks \"{key}\""
            loc = _lacking(data, key)
        # Where: the first string of the schema that the message quotes (a type's or a field's name).
        quoted = [text for group in re.findall(r"'([^']+)'|\"([^\"]+)\"|<([^>]+)>", message) for text in group]
        for candidate in [getattr(error, "name", None), *quoted]:
            if isinstance(candidate, str) and candidate and loc is None:
                loc = _first_string(data, candidate)
        raise InputError(f"not a valid Avro schema: {message}", path, *_at(text, loc or ())) from None
    if not isinstance(parsed, dict) or parsed.get("type") not in ("record", "error"):
        top = parsed.get("type") if isinstance(parsed, dict) else "a union" if isinstance(parsed, list) else parsed
        raise InputError(f"the schema's top level is {top}, not a record: an input's events are records, and "
                         "the record's fields are the input's fields", path, *_at(text, ()))
    named = parsed.get("__named_schemas", {})
    ty = _avro(parsed, level, named, (), 0)
    return ty.fields or ()


def _avro(schema: object, level: Level, named: dict, expanding: tuple[str, ...], depth: int) -> Ty:
    if depth > MAX_DEPTH:
        return _unknown(f"the Avro schema nests deeper than {MAX_DEPTH} levels; deeper types are not read")
    if isinstance(schema, list):
        members = [m for m in schema if m != "null" and not (isinstance(m, dict) and m.get("type") == "null")]
        if len(members) == 1:
            return _avro(members[0], level, named, expanding, depth + 1)
        if not members:
            return _unknown("the Avro type null holds nothing but null")
        kinds = ", ".join(_avro_name(m) for m in members)
        return _unknown(f"ASA does not document how it reads an Avro union of {kinds}")
    if isinstance(schema, str):
        if schema in _AVRO_PRIMITIVES:
            return _avro_primitive(schema, level)
        if schema in named:
            return _avro(named[schema], level, named, expanding, depth + 1)
        return _unknown(f"the Avro schema names a type {schema} it does not define")
    assert isinstance(schema, dict)   # what fastavro's parse_schema returns besides
    kind = schema.get("type")
    logical = schema.get("logicalType")
    if logical is not None:
        return _unknown(f"ASA does not document how it reads Avro {kind} with logicalType {logical}")
    if kind in ("record", "error"):
        name = str(schema.get("name"))
        if name in expanding:
            return T.Ty(T.RECORD, source="declared")   # a record that holds itself: its fields are cut
        fields: list[tuple[str, Ty]] = []
        seen: dict[str, str] = {}
        for field in schema.get("fields", ()):
            field_name = field["name"]
            if field_name.lower() in seen:
                other = seen[field_name.lower()]
                fields = [(n, _unknown(f"the Avro schema has fields {other} and {field_name}, which ASA's "
                                       "case-insensitive names do not tell apart") if n == other else t)
                          for n, t in fields]
                continue
            seen[field_name.lower()] = field_name
            fields.append((field_name, _avro(field["type"], level, named, expanding + (name,), depth + 1)))
        return T.Ty(T.RECORD, fields=tuple(fields), source="declared")
    if kind == "array":
        return T.Ty(T.ARRAY, element=_avro(schema.get("items"), level, named, expanding, depth + 1),
                    source="declared")
    if kind in _AVRO_NOT_DOCUMENTED:
        return _unknown(f"ASA does not document how it reads Avro {kind}")
    if isinstance(kind, str) and kind in _AVRO_PRIMITIVES:
        return _avro_primitive(kind, level)
    return _avro(kind, level, named, expanding, depth + 1)   # {"type": "ns.Named"} or {"type": [...]}


def _avro_primitive(kind: str, level: Level) -> Ty:
    if kind in ("int", "long"):
        return _known(T.BIGINT)
    if kind in ("float", "double"):
        return _known(T.FLOAT)
    if kind == "string":
        return _known(T.NVARCHAR)
    if kind == "boolean":
        return _boolean(level)
    if kind == "null":
        return _unknown("the Avro type null holds nothing but null")
    return _unknown(f"ASA does not document how it reads Avro {kind}")


def _avro_name(schema: object) -> str:
    if isinstance(schema, dict):
        return str(schema.get("name") or schema.get("type"))
    return str(schema)


# ---- JSON Schema ---------------------------------------------------------------------------

def _jsonschema():
    try:
        import jsonschema  # type: ignore[import-untyped]  # no stubs installed; the calls are few
    except ModuleNotFoundError as error:
        raise InputError(f"reading a JSON Schema needs jsonschema ({error.name} is not installed): "
                         f"`{SCHEMAS_EXTRA}` in the environment schemacheck is installed in") from None
    return jsonschema


def json_schema_fields(text: str, data: object, path: str, level: Level) -> tuple[tuple[str, Ty], ...]:
    """The properties of the object JSON Schema `data` (parsed from `text` of file `path`),
    checked against its metaschema; InputError at the offending place when it is not valid."""
    jsonschema = _jsonschema()
    if not isinstance(data, (dict, bool)):
        raise InputError("not a JSON Schema: its top level is not an object", path, *_at(text, ()))
    validator = jsonschema.validators.validator_for(data, default=jsonschema.Draft202012Validator)
    try:
        validator.check_schema(data)
    except jsonschema.exceptions.SchemaError as error:
        line, column = _at(text, tuple(error.absolute_path))
        where = "/".join(str(p) for p in error.absolute_path)
        raise InputError(f"not a valid JSON Schema{f' at {where}' if where else ''}: {error.message}", path, line,
                         column) from None
    except RecursionError:
        from schemacheck.validation import json_deepest

        line, column = json_deepest(text)
        raise InputError("nests too deeply to be read as a JSON Schema", path, line, column) from None
    ty = _JsonSchema(data, level).type_of(data, (), 0)
    if ty.name != T.RECORD:
        raise InputError(f"the schema's top level is {ty.name or 'not an object'}: an input's events are JSON "
                         "objects, and the object's properties are the input's fields", path, *_at(text, ()))
    return ty.fields or ()


_JSON_TYPES = {"integer": T.BIGINT, "number": T.FLOAT, "string": T.NVARCHAR}


class _JsonSchema:
    def __init__(self, root: object, level: Level) -> None:
        self.root = root
        self.level = level

    def type_of(self, node: object, refs: tuple[str, ...], depth: int) -> Ty:
        if depth > MAX_DEPTH:
            return _unknown(f"the JSON Schema nests deeper than {MAX_DEPTH} levels; deeper types are not read")
        if node is True or node == {}:
            return _unknown("the JSON Schema allows any value here")
        if not isinstance(node, dict):
            return _unknown("the JSON Schema allows no value here")
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self.reference(ref, refs, depth)
        for keyword in ("anyOf", "oneOf"):
            if isinstance(node.get(keyword), list):
                return self.choice(node[keyword], keyword, refs, depth)
        if isinstance(node.get("allOf"), list):
            if len(node["allOf"]) == 1:
                return self.type_of(node["allOf"][0], refs, depth + 1)
            return _unknown("the JSON Schema combines several schemas with allOf, which is not read")
        kind = node.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            if len(kinds) != 1:
                return self.several(kinds) if kinds else _unknown("the JSON Schema allows nothing but null")
            kind = kinds[0]
        if kind is None:
            if "const" in node:
                return self.values([node["const"]])
            if isinstance(node.get("enum"), list):
                return self.values(node["enum"])
            if "properties" in node:
                kind = "object"
            elif "items" in node or "prefixItems" in node:
                kind = "array"
            else:
                return _unknown("the JSON Schema does not say its type")
        return self.typed(kind, node, refs, depth)

    def typed(self, kind: str, node: dict, refs: tuple[str, ...], depth: int) -> Ty:
        if kind in _JSON_TYPES:
            if kind == "string" and self.level == "1.0" and node.get("format") in ("date-time", "date"):
                return _known(T.DATETIME)   # level 1.0 converts date-like JSON text at ingress
            return _known(_JSON_TYPES[kind])
        if kind == "boolean":
            return _boolean(self.level)
        if kind == "null":
            return _unknown("the JSON Schema allows nothing but null")
        if kind == "object":
            properties = node.get("properties")
            if not isinstance(properties, dict) or not properties:
                return T.Ty(T.RECORD, source="declared")
            return T.Ty(T.RECORD, fields=tuple((name, self.type_of(value, refs, depth + 1))
                                               for name, value in properties.items()), source="declared")
        if kind == "array":
            items = node.get("items")
            if isinstance(items, dict | bool):
                return T.Ty(T.ARRAY, element=self.type_of(items, refs, depth + 1), source="declared")
            return T.Ty(T.ARRAY, source="declared")
        return _unknown(f"the JSON Schema type {kind} is not one JSON has")

    def several(self, kinds: list) -> Ty:
        return _unknown(f"the JSON Schema allows values of several types ({', '.join(map(str, kinds))}), which ASA "
                        "types one by one")

    def values(self, values: list) -> Ty:
        from schemacheck.inputs.samples import json_type

        kinds = sorted({kind for kind in (json_type(v, self.level) for v in values) if kind is not None})
        if len(kinds) == 1:
            return _known(kinds[0])
        if not kinds:
            return _unknown("the JSON Schema allows nothing but null")
        return self.several(kinds)

    def choice(self, options: list, keyword: str, refs: tuple[str, ...], depth: int) -> Ty:
        kept = [o for o in options
                if not (isinstance(o, dict) and (o.get("type") == "null" or o.get("const", 0) is None))]
        if len(kept) == 1:
            return self.type_of(kept[0], refs, depth + 1)
        if not kept:
            return _unknown("the JSON Schema allows nothing but null")
        return _unknown(f"the JSON Schema allows one of {len(kept)} schemas ({keyword}), which ASA types one by one")

    def reference(self, ref: str, refs: tuple[str, ...], depth: int) -> Ty:
        if not ref.startswith("#"):
            return _unknown(f"the JSON Schema refers to {ref}, which is not read (only references within the file "
                            "are followed)")
        if ref in refs:
            return _unknown(f"the JSON Schema's {ref} holds itself; its nested levels are not read")
        node: object = self.root
        for part in [p for p in ref[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return _unknown(f"the JSON Schema refers to {ref}, which it does not hold")
        return self.type_of(node, refs + (ref,), depth + 1)


# ---- the shapes ----------------------------------------------------------------------------

def _avsc_beside(job: Job, alias: str) -> str | None:
    """ALIAS.avsc in the job's folder or its schemas/ folder (exact paths: each look is
    recorded by the result cache, a listing would not show a new .avsc)."""
    for folder in (job.root, os.path.join(job.root, "schemas")):
        candidate = os.path.join(folder, f"{alias}.avsc")
        if os.path.isfile(candidate):
            return candidate
    return None


def declared_shapes(job: Job, level: Level, config: Config | None, kinds: dict[str, str | None],
                    notes: list[Note]) -> dict[str, InputShape]:
    """Each input's fields as declared (by lower-cased alias): the configuration's
    [inputs.ALIAS], else an ALIAS.avsc beside an Avro input. A configured schema file that
    cannot be read is an InputError; an .avsc found beside the job, an SC609 note."""
    from schemacheck.files import display_path

    shapes: dict[str, InputShape] = {}
    defined = {i.alias.lower() for i in job.inputs} if job.inputs is not None else None
    settings = config.inputs if config is not None and config.inputs else {}
    for alias, declared in settings.items():
        key = alias.lower()
        if defined is not None and key not in defined:
            continue   # a configuration serves many jobs: this one has no such input
        assert config is not None and config.path is not None   # settings come from a file
        if declared.schema is not None:
            source, fields = schema_fields(declared.schema, level)
            source += f" ([inputs.{alias}] of {display_path(config.path)})"
        else:
            source, fields = f"types declared in {display_path(config.path)}", declared.fields or ()
        shapes[key] = InputShape(kinds.get(key), tuple((n, at_level(t, level)) for n, t in fields), source)
    for item in job.inputs or ():
        key = item.alias.lower()
        if key in shapes or (item.serialization or "").lower() != "avro":
            continue
        path = _avsc_beside(job, item.alias)
        if path is None:
            continue
        try:
            text, data = _load_json(path, "Avro schema")
            fields = avro_fields(text, data, path, level)
        except InputError as error:
            where = Where(path, error.line, error.column)
            notes.append(Note("SC609", f"Avro schema {display_path(path)} for input {item.alias} cannot be read: "
                                       f"{error.message}; its field types are not used", where))
            continue
        shapes[key] = InputShape(kinds.get(key), fields, f"Avro schema {display_path(path)}, found beside the job")
    return shapes
