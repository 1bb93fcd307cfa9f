"""The functions of Terraform and Bicep expressions that the job readers evaluate: those
that build the values a job's query, outputs and tables are written with (reading a file,
joining and formatting strings, picking from maps and lists). Any other function gives an
Unknown value naming it; so does a function given an argument the files do not settle.

    call(name, args, where, reader_context) -> Val      (name as the language spells it)

Each function is one entry of a table per language (TERRAFORM, BICEP) mapping its name to
a Python function of the evaluated arguments (plain values) that returns a plain value.
File functions (file, templatefile, loadTextContent, loadJsonContent) need the reader and
are the readers' own.
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any


class NotEvaluated(Exception):
    """A function schemacheck leaves alone, or arguments it cannot take."""


def _format_go(spec: str, *values: Any) -> str:
    """Terraform's format(): %s, %d, %v, %q, %%, with %f left to Python's rules."""
    index = 0
    result = []
    position = 0
    for match in re.finditer(r"%(%|[-+ #0]*\d*(?:\.\d+)?[sdvqfetgxXbo])", spec):
        result.append(spec[position:match.start()])
        position = match.end()
        verb = match.group(1)
        if verb == "%":
            result.append("%")
            continue
        if index >= len(values):
            raise NotEvaluated("format has more verbs than values")
        value = values[index]
        index += 1
        letter = verb[-1]
        if letter == "q":
            result.append(json.dumps(value))
        elif letter in "dxXo" and not isinstance(value, bool) and isinstance(value, (int, float)):
            result.append(("%" + verb) % int(value))   # flags and width as Go has them: %03d, %-4d, %x
        elif letter == "b" and not isinstance(value, bool) and isinstance(value, int):
            result.append(format(value, "b"))
        elif letter in "fetg":
            result.append(("%" + verb) % value)
        else:
            result.append(("%" + verb[:-1] + "s") % _text(value))   # %s, %v, with a width: %-10s
    result.append(spec[position:])
    return "".join(result)


def _text(value: Any) -> str:
    """A value as Terraform and Bicep turn it into text in a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if value is None:
        raise NotEvaluated("null in a string")
    return str(value)


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if isinstance(mapping, dict) and key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise NotEvaluated("no such key")


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise NotEvaluated("every value is null or empty")


def _merge(*maps: Any) -> dict:
    merged: dict = {}
    for mapping in maps:
        if not isinstance(mapping, dict):
            raise NotEvaluated("merge takes objects")
        merged.update(mapping)
    return merged


def _concat(*lists: Any) -> Any:
    if all(isinstance(item, str) for item in lists):   # Bicep concat() of strings
        return "".join(lists)
    result: list = []
    for item in lists:
        if not isinstance(item, list):
            raise NotEvaluated("concat takes lists")
        result.extend(item)
    return result


def _replace(text: Any, old: Any, new: Any) -> str:
    if not all(isinstance(v, str) for v in (text, old, new)):
        raise NotEvaluated("replace takes strings")
    if old.startswith("/") and old.endswith("/") and len(old) > 1:   # Terraform's regular expression form
        return re.sub(old[1:-1], new.replace("$", "\\"), text)
    return text.replace(old, new)


def _element(items: Any, index: Any) -> Any:
    if not isinstance(items, list) or not items or not isinstance(index, int):
        raise NotEvaluated("element takes a list and an index")
    return items[index % len(items)]


def _string(value: Any) -> str:
    return value if isinstance(value, str) else _text(value)


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return int(value) if str(value).lstrip("-").isdigit() else float(value)
    except (TypeError, ValueError):
        raise NotEvaluated("not a number") from None


TERRAFORM: dict[str, Any] = {
    "format": _format_go,
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "trimspace": lambda s: s.strip(),
    "chomp": lambda s: s.rstrip("\r\n"),
    "trim": lambda s, chars: s.strip(chars),
    "trimprefix": lambda s, p: s[len(p):] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[:-len(p)] if p and s.endswith(p) else s,
    "replace": _replace,
    "join": lambda sep, items: sep.join(_string(i) for i in items),
    "split": lambda sep, s: s.split(sep),
    "concat": _concat,
    "merge": _merge,
    "lookup": _lookup,
    "coalesce": _coalesce,
    "tostring": _string,
    "tonumber": _number,
    "tobool": lambda v: v if isinstance(v, bool) else {"true": True, "false": False}[v],
    "tolist": list,
    "toset": lambda v: sorted(set(v)) if all(isinstance(i, str) for i in v) else list(dict.fromkeys(v)),
    # (a set of strings iterates in lexical order in Terraform)
    "tomap": dict,
    "length": len,
    "element": _element,
    "keys": lambda m: sorted(m),
    "values": lambda m: [m[k] for k in sorted(m)],
    "contains": lambda items, v: v in items,
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "substr": lambda s, offset, length: s[offset:] if length < 0 else s[offset:offset + length],
    "basename": lambda p: p.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1],
    "dirname": lambda p: p.replace("\\", "/").rsplit("/", 1)[0] if "/" in p.replace("\\", "/") else ".",
    "jsondecode": json.loads,
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "max": max,
    "min": min,
}

# Bicep's functions that are the same computation under another name (its own lower case
# camel names; namespaced `sys.x` calls are looked up as `x`).
BICEP: dict[str, Any] = {
    "concat": _concat,
    "format": lambda spec, *values: re.sub(r"\{(\d+)\}", lambda m: _text(values[int(m.group(1))]), spec),
    "toLower": lambda s: s.lower(),
    "toUpper": lambda s: s.upper(),
    "trim": lambda s: s.strip(),
    "replace": lambda s, old, new: s.replace(old, new),
    "string": _string,
    "int": lambda v: int(v),
    "bool": lambda v: v if isinstance(v, bool) else str(v).lower() == "true",
    "json": json.loads,
    "length": len,
    "union": _merge,
    "contains": lambda items, v: _contains_key(items, v) if isinstance(items, dict) else v in items,
    "empty": lambda v: not v,
    "first": lambda v: v[0],
    "last": lambda v: v[-1],
    "join": lambda items, sep: sep.join(_string(i) for i in items),
    "split": lambda s, sep: s.split(sep),
    "substring": lambda s, start, length=None: s[start:] if length is None else s[start:start + length],
    "startsWith": lambda s, p: s.lower().startswith(p.lower()),
    "endsWith": lambda s, p: s.lower().endswith(p.lower()),
    "coalesce": lambda *values: next((v for v in values if v is not None), None),   # '' counts, unlike Terraform's
    "createArray": lambda *items: list(items),
    "createObject": lambda *pairs: dict(zip(pairs[::2], pairs[1::2])),
    "array": lambda v: v if isinstance(v, list) else [v],
    "range": lambda start, count: _range(start, count),
    "items": lambda m: [{"key": k, "value": m[k]} for k in sorted(m, key=lambda k: (k.lower(), k))],
    "min": min,
    "max": max,
}


def _contains_key(mapping: dict, key: Any) -> bool:
    """ARM's contains() of an object: whether it has the key, in any letter case."""
    return isinstance(key, str) and any(isinstance(k, str) and k.lower() == key.lower() for k in mapping)


def _range(start: Any, count: Any) -> list[int]:
    """Bicep's range(startIndex, count), as long as a loop may be (Bicep allows 800 copies)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, count)) or not 0 <= count <= 10000:
        raise NotEvaluated("range takes two whole numbers, the second from 0 to 10000")
    return list(range(start, start + count))


def evaluate(table: dict[str, Any], name: str, args: list[Any]) -> Any:
    """`name(*args)` by the table; NotEvaluated when the function is not there or its
    arguments do not fit it."""
    function = table.get(name)
    if function is None:
        raise NotEvaluated(f"{name} is not a function schemacheck evaluates")
    try:
        return function(*args)
    except NotEvaluated:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, re.error,
            json.JSONDecodeError, RecursionError, OverflowError) as error:
        raise NotEvaluated(f"{name}() could not take its arguments ({type(error).__name__})") from None
