"""ARM template expressions (`"[concat(parameters('job'), '/out')]"`), evaluated offline.

- `evaluate(value, context)` is the JSON value a template value stands for: a string
  written `[...]` is evaluated, `[[...]` is the literal `[...]`, anything else is itself.
  What cannot be known offline (a parameter with no value, `reference()`,
  `resourceGroup()`, a function not in the table below, bad syntax) is an
  `Unresolved(reason, expression)`. Input never makes it raise. Bare `true`, `false` and
  `null` are read as literals (ARM writes `true()`), being unambiguous.
- `resolve_deep` does the same inside objects and arrays, property names included.
  An Unresolved may sit inside a resolved object or array; callers look for it.
- `parameters()` reads the parameters file's value, which is never evaluated (as in ARM),
  else the declaration's defaultValue, which is evaluated. `variables()` are evaluated on
  first use and cached. Parameter, variable, function and property names ignore case, as
  in ARM.
- Work is bounded: how deeply an expression nests, how many parameters and variables
  refer through one another, steps per evaluation, and the size of the strings and
  arrays built. A hostile template gets an Unresolved, not a hang or a memory error.
- copyIndex() has a value while a reader expands a copy loop (`Context.copies`, loop
  name -> index, and `Context.copy_current`, the loop an unnamed copyIndex() means), and is
  unresolved elsewhere. `Context.supplier` says who supplies parameter values (the
  parameters file, or a nested deployment), for the reason a missing one is unresolved.
- `stand_in`: when given, the string-building functions (concat, format, toLower,
  toUpper, trim, string) use it in place of an unresolved argument, so
  `concat(parameters('job'), '/out')` still shows its known part. No other function
  accepts a stand-in, so nothing branches on one.
"""

from __future__ import annotations

import json
import re

from schemacheck.jobs.jsonfile import key as _lookup  # ARM names match without regard to case
from schemacheck.records import Record, record
from schemacheck.validation import json_kind

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import TypeGuard


@record
class Unresolved(Record):
    """A value that cannot be known offline: why, and the template value that failed."""

    reason: str
    expression: str = ""


MAX_TEXT = 1_000_000      # characters in a string built by an expression
MAX_ITEMS = 10_000        # elements in an array built by an expression
MAX_NESTING = 32          # brackets and calls inside one expression
MAX_INDIRECTION = 16      # parameters and variables referring through one another
MAX_STEPS = 100_000       # calls and member accesses in one evaluation
MAX_DEPTH = 100           # object and array nesting resolve_deep walks into

_SECURE_TYPES = ("securestring", "secureobject")


class _Invalid(Exception):
    """The expression cannot be evaluated; the message is the reason."""


class Context:
    """What expressions read: the template's parameter declarations and variables, and
    the parameters file's entries (`{"name": {"value": ...}}` or a Key Vault
    `{"reference": ...}`). `secure_read` turns true once a secure parameter is read,
    so callers know not to show the value."""

    def __init__(self, parameters: dict | None = None, values: dict | None = None,
                 variables: dict | None = None) -> None:
        self.parameters = _folded(parameters)
        self.values = _folded(values)
        self.variables = _folded(variables)
        self.secure_read = False
        self.stand_in: str | None = None
        # The copy loops being expanded: loop name (lower case) -> index, and the loop a
        # copyIndex() without a name refers to. Empty: copyIndex() is unresolved.
        self.copies: dict[str, int] = {}
        self.copy_current: str | None = None
        # Who supplies parameter values, for the reason an unsupplied one is unresolved.
        self.supplier = "no parameters file gives one"
        self._cache: dict = {}
        self._active: list = []
        self._steps = 0
        self._evaluating = 0


def _folded(entries: dict | None) -> dict:
    """name.lower() -> (name as written, value)."""
    if not isinstance(entries, dict):
        return {}
    return {name.lower(): (name, value) for name, value in entries.items() if isinstance(name, str)}


# ---- syntax -----------------------------------------------------------------------------

def is_expression(value: object) -> TypeGuard[str]:
    """A template string that ARM evaluates: `[...]`, but not the escaped `[[...]`."""
    return (isinstance(value, str) and len(value) >= 2 and value[0] == "[" and value[-1] == "]"
            and not value.startswith("[["))


def _literal(value: str) -> str:
    return value[1:] if value.startswith("[[") and value.endswith("]") else value


_PUNCTUATION = "(),.[]"


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: "string" (quotes included), "number", "name", "punct"."""
    tokens, at, end = [], 0, len(text)
    while at < end:
        char = text[at]
        start = at
        if char.isspace():
            at += 1
            continue
        if char == "'":
            at += 1
            while True:
                at = text.find("'", at)
                if at < 0:
                    raise _Invalid("not a valid template expression: a string is not closed")
                if not text.startswith("''", at):
                    break
                at += 2
            at += 1
            tokens.append(("string", text[start:at]))
        elif char in _PUNCTUATION:
            at += 1
            tokens.append(("punct", char))
        elif "0" <= char <= "9" or (char == "-" and "0" <= text[at + 1:at + 2] <= "9"):
            at += 1
            while at < end and "0" <= text[at] <= "9":
                at += 1
            tokens.append(("number", text[start:at]))
        elif char.isascii() and (char.isalpha() or char in "_$"):
            while at < end and text[at].isascii() and (text[at].isalnum() or text[at] in "_$"):
                at += 1
            tokens.append(("name", text[start:at]))
        else:
            raise _Invalid(f"not a valid template expression: unexpected {text[at:at + 12]!r}")
    return tokens


class _Parser:
    """Recursive descent over the tokens. Nodes are tuples: ("lit", value),
    ("call", name, [args]), ("member", target, key node)."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, ahead: int = 0) -> str | None:
        index = self.at + ahead
        return self.tokens[index][1] if index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise _Invalid("not a valid template expression: it ends too early")
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        kind, got = self.take()
        if got != text or kind != "punct":
            raise _Invalid(f"not a valid template expression: expected {text!r}, found {got[:20]!r}")

    def whole(self) -> tuple:
        node = self.expression(0)
        if self.at != len(self.tokens):
            found = self.tokens[self.at][1][:20]
            raise _Invalid(f"not a valid template expression: unexpected {found!r}")
        return node

    def expression(self, depth: int) -> tuple:
        if depth > MAX_NESTING:
            raise _Invalid("not a valid template expression: it nests too deeply")
        kind, text = self.take()
        node: tuple
        if kind == "string":
            node = ("lit", text[1:-1].replace("''", "'"))
        elif kind == "number":
            if len(text.lstrip("-")) > 19 or not -2**63 <= int(text) < 2**63:
                raise _Invalid("not a valid template expression: a number out of range")
            node = ("lit", int(text))
        elif kind == "name":
            name = text
            if self.peek() == "." and self.peek(2) == "(" and _is_name(self, 1):
                self.at += 1
                name += "." + self.take()[1]     # a user-defined function: namespace.name
            if self.peek() == "(":
                node = ("call", name, self.arguments(depth))
            elif name.lower() in ("true", "false", "null"):
                node = ("lit", {"true": True, "false": False, "null": None}[name.lower()])
            else:
                raise _Invalid(f"not a valid template expression: {name!r} is not a function call")
        else:
            raise _Invalid(f"not a valid template expression: unexpected {text!r}")
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, text = self.take()
                if kind != "name":
                    raise _Invalid("not a valid template expression: a property name expected "
                                   f"after '.', found {text[:20]!r}")
                node = ("member", node, ("lit", text))
            else:
                index = self.expression(depth + 1)
                self.expect("]")
                node = ("member", node, index)
        return node

    def arguments(self, depth: int) -> list:
        self.expect("(")
        args: list = []
        if self.peek() == ")":
            self.take()
            return args
        while True:
            args.append(self.expression(depth + 1))
            kind, text = self.take()
            if text == ")" and kind == "punct":
                return args
            if text != "," or kind != "punct":
                raise _Invalid("not a valid template expression: expected ',' or ')', "
                               f"found {text[:20]!r}")


def _is_name(parser: _Parser, ahead: int) -> bool:
    index = parser.at + ahead
    return index < len(parser.tokens) and parser.tokens[index][0] == "name"


def _parse(value: str) -> tuple:
    return _Parser(_tokens(value[1:-1])).whole()


def reference_to(value: object) -> tuple[str, str] | None:
    """("parameters", name) or ("variables", name) when `value` is exactly
    `[parameters('name')]` or `[variables('name')]`; otherwise None."""
    if not is_expression(value):
        return None
    try:
        node = _parse(value)
    except (_Invalid, RecursionError):
        return None
    if (node[0] == "call" and node[1].lower() in ("parameters", "variables") and len(node[2]) == 1
            and node[2][0][0] == "lit" and isinstance(node[2][0][1], str)):
        return node[1].lower(), node[2][0][1]
    return None


# ---- evaluation -------------------------------------------------------------------------

def evaluate(value: object, context: Context | None = None, stand_in: str | None = None) -> object:
    """The value `value` stands for (see the module doc), or an Unresolved."""
    if not isinstance(value, str):
        return value
    if not is_expression(value):
        return _literal(value)
    context = context if context is not None else Context()
    if context._evaluating == 0:
        context._steps = 0
    saved, context.stand_in = context.stand_in, stand_in
    context._evaluating += 1
    try:
        result = _eval(_parse(value), context)
    except _Invalid as error:
        result = Unresolved(str(error))
    except RecursionError:
        result = Unresolved("the expression nests too deeply to evaluate")
    finally:
        context._evaluating -= 1
        context.stand_in = saved
    if isinstance(result, Unresolved) and not result.expression:
        result = Unresolved(result.reason, value)
    return result


def resolve_deep(value: object, context: Context | None = None, _depth: int = 0) -> object:
    """`value` with every expression inside it evaluated (object keys included)."""
    if _depth > MAX_DEPTH:
        return Unresolved("the value nests too deeply to evaluate")
    if isinstance(value, str):
        return evaluate(value, context)
    if isinstance(value, dict):
        resolved = {}
        for name, item in value.items():
            if is_expression(name):
                key = evaluate(name, context)
                name = key if isinstance(key, str) else name
            elif isinstance(name, str):
                name = _literal(name)
            resolved[name] = resolve_deep(item, context, _depth + 1)
        return resolved
    if isinstance(value, list):
        return [resolve_deep(item, context, _depth + 1) for item in value]
    return value


def _eval(node: tuple, context: Context) -> object:
    context._steps += 1
    if context._steps > MAX_STEPS:
        raise _Invalid(f"the expression takes more than {MAX_STEPS:,} steps to evaluate")
    tag = node[0]
    if tag == "lit":
        return node[1]
    if tag == "call":
        return _call(node[1], node[2], context)
    target = _eval(node[1], context)
    if isinstance(target, Unresolved):
        return target
    index = _eval(node[2], context)
    if isinstance(index, Unresolved):
        return index
    return _member(target, index)


def _member(target: object, index: object) -> object:
    if isinstance(target, dict) and isinstance(index, str):
        actual = _lookup(target, index)
        if actual is None:
            return Unresolved(f"the object has no property '{index}'")
        return target[actual]
    if isinstance(target, list) and isinstance(index, int) and not isinstance(index, bool):
        if 0 <= index < len(target):
            return target[index]
        return Unresolved(f"index {index} is outside the array of {len(target)}")
    raise _Invalid(f"cannot take [{_show_key(index)}] of {_kind(target)}")


def _show_key(index: object) -> str:
    return f"'{index}'" if isinstance(index, str) else _kind(index)


def _call(name: str, arg_nodes: list, context: Context) -> object:
    lowered = name.lower()
    if "." in name:
        return Unresolved(f"{name}() is a function the template defines itself, which schemacheck "
                          "does not evaluate")
    if lowered in _CONTROL:
        low, high, control = _CONTROL[lowered]
        _check_count(name, len(arg_nodes), low, high)
        return control(arg_nodes, context)
    if lowered not in _FUNCTIONS:
        why = _DEPLOYMENT.get(lowered) or (_DEPLOYMENT["list"] if lowered.startswith("list") else None)
        if why:
            return Unresolved(f"{name}() depends on {why}, which only a deployment knows")
        return Unresolved(f"{name}() is not a template function schemacheck knows")
    low, high, builds_text, function = _FUNCTIONS[lowered]
    _check_count(name, len(arg_nodes), low, high)
    args = []
    for node in arg_nodes:
        value = _eval(node, context)
        if isinstance(value, Unresolved):
            if not (builds_text and context.stand_in is not None):
                return value
            value = context.stand_in
        args.append(value)
    if lowered in ("parameters", "variables"):
        return function(context, *args)
    return function(*args)


def _check_count(name: str, count: int, low: int, high: int | None) -> None:
    if count < low or (high is not None and count > high):
        wanted = (f"{low}" if low == high else f"at least {low}" if high is None
                  else f"{low} to {high}")
        plural = "" if wanted.endswith(" 1") or wanted == "1" else "s"
        raise _Invalid(f"{name}() takes {wanted} argument{plural}, not {count}")


# ---- parameters and variables -----------------------------------------------------------

def _parameter(context: Context, name: object) -> object:
    if not isinstance(name, str):
        raise _Invalid(f"parameters() takes a name, not {_kind(name)}")
    declared = context.parameters.get(name.lower())
    if declared is None:
        return Unresolved(f"the template declares no parameter '{name}'")
    written, declaration = declared
    declaration = declaration if isinstance(declaration, dict) else {}
    kind = declaration.get(_lookup(declaration, "type") or "type")
    if isinstance(kind, str) and kind.lower() in _SECURE_TYPES:
        context.secure_read = True
    supplied = context.values.get(name.lower())
    if supplied is not None and isinstance(supplied[1], dict):
        entry = supplied[1]
        if _lookup(entry, "value") is not None:
            return entry[_lookup(entry, "value")]
        if _lookup(entry, "reference") is not None:
            return Unresolved(f"parameter '{written}' is read from Key Vault when deploying, which "
                              "schemacheck does not do")
    default = _lookup(declaration, "defaultValue")
    if default is None:
        return Unresolved(f"parameter '{written}' has no value: {context.supplier} and it "
                          "has no defaultValue")
    return _indirect(context, ("parameter", name.lower()), f"parameter '{written}'",
                     declaration[default])


def _variable(context: Context, name: object) -> object:
    if not isinstance(name, str):
        raise _Invalid(f"variables() takes a name, not {_kind(name)}")
    declared = context.variables.get(name.lower())
    if declared is None:
        return Unresolved(f"the template has no variable '{name}'")
    return _indirect(context, ("variable", name.lower()), f"variable '{declared[0]}'", declared[1])


def _indirect(context: Context, cache_key: tuple, label: str, written: object) -> object:
    """A parameter default or a variable, evaluated once; cycles and long chains unresolved."""
    if cache_key in context._cache:
        value, secure = context._cache[cache_key]
        context.secure_read = context.secure_read or secure
        return value
    if cache_key in context._active:
        chain = [key[1] for key in context._active[context._active.index(cache_key):]] + [cache_key[1]]
        return Unresolved(f"{label} refers to itself ({' -> '.join(chain)})")
    if len(context._active) >= MAX_INDIRECTION:
        return Unresolved(f"parameters and variables refer through more than {MAX_INDIRECTION} "
                          "others to one another")
    context._active.append(cache_key)
    saved, context.stand_in = context.stand_in, None
    outer_secure, context.secure_read = context.secure_read, False
    try:
        value = resolve_deep(written, context)
    finally:
        context._active.pop()
        context.stand_in = saved
        secure = context.secure_read
        context.secure_read = outer_secure or secure
    context._cache[cache_key] = (value, secure)    # a cached read is as secure as the first
    return value


# ---- functions --------------------------------------------------------------------------

def _kind(value: object) -> str:
    return json_kind(value, "an unresolved value")


def _unresolved_in(value: object) -> Unresolved | None:
    """The first Unresolved inside `value` (walked without recursion), or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            return item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _size(value: object, limit: int) -> int:
    """Roughly the characters `value` takes as JSON, counting no further than `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + sum(len(k) + 4 for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            total += 2 + len(item)
            stack.extend(item)
        else:
            total += 6
    return total


def _too_big(length: int) -> None:
    if length > MAX_TEXT:
        raise _Invalid(f"the value built is larger than {MAX_TEXT:,} characters")


def _text(value: object) -> str:
    """A value as concat() and format() write it (booleans as True/False, as ARM does)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    unresolved = _unresolved_in(value)
    if unresolved is not None:
        raise _Unknown(unresolved)
    _too_big(_size(value, MAX_TEXT))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _Unknown(Exception):
    """An Unresolved met inside an argument: the call's value is that Unresolved."""

    def __init__(self, unresolved: Unresolved) -> None:
        super().__init__(unresolved.reason)
        self.unresolved = unresolved


def _string(value: object, function: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"{function}() takes a string, not {_kind(value)}")
    return value


def _integer(value: object, function: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(f"{function}() takes a whole number, not {_kind(value)}")
    return value


def _boolean(value: object, function: str) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"{function}() takes true or false, not {_kind(value)}")
    return value


def _catching(function):
    """Turn an Unresolved found inside an argument into the call's value."""
    def call(*args):
        try:
            return function(*args)
        except _Unknown as unknown:
            return unknown.unresolved
    return call


@_catching
def _concat(*args):
    if all(isinstance(arg, list) for arg in args):
        if sum(len(arg) for arg in args) > MAX_ITEMS:
            raise _Invalid(f"concat() builds an array of more than {MAX_ITEMS:,} items")
        return [item for arg in args for item in arg]
    if any(isinstance(arg, (list, dict)) for arg in args):
        raise _Invalid("concat() joins strings or arrays, not a mixture or objects")
    parts = [_text(arg) for arg in args]
    _too_big(sum(len(part) for part in parts))
    return "".join(parts)


_PLACEHOLDER = r"\{\{|\}\}|\{([0-9]+)(?:,\s*(-?[0-9]+))?(?::[^{}]*)?\}|[{}]"


@_catching
def _format(template, *args):
    """.NET composite formatting: `{0}`, `{0,-8}`; a format string after ':' is ignored."""
    template = _string(template, "format")
    out, length, at = [], 0, 0
    for match in re.finditer(_PLACEHOLDER, template):   # compiled on first use, not at import
        text = match.group(0)
        if text in ("{{", "}}"):
            piece = text[0]
        elif match.group(1) is None:
            raise _Invalid("format() has a lone brace in its format string")
        else:
            index = int(match.group(1)) if len(match.group(1)) < 6 else len(args)
            if index >= len(args):
                raise _Invalid(f"format() has no argument {{{match.group(1)}}}")
            piece = _text(args[index])
            if match.group(2):
                width = int(match.group(2)) if len(match.group(2)) < 8 else MAX_TEXT + 1
                _too_big(abs(width))
                piece = piece.rjust(width) if width > 0 else piece.ljust(-width)
        out.append(template[at:match.start()])
        out.append(piece)
        length += match.start() - at + len(piece)
        _too_big(length)
        at = match.end()
    out.append(template[at:])
    return "".join(out)


@_catching
def _to_string(value):
    return _text(value)


def _replace(text, old, new):
    text, old, new = _string(text, "replace"), _string(old, "replace"), _string(new, "replace")
    if not old:
        raise _Invalid("replace() cannot replace an empty string")
    _too_big(len(text) + text.count(old) * (len(new) - len(old)))
    return text.replace(old, new)


def _substring(text, start, length=None):
    text, start = _string(text, "substring"), _integer(start, "substring")
    if not 0 <= start <= len(text):
        raise _Invalid(f"substring() starts at {start}, outside a string of {len(text)}")
    if length is None:
        return text[start:]
    length = _integer(length, "substring")
    if length < 0 or start + length > len(text):
        raise _Invalid(f"substring() of {length} from {start} runs outside a string of {len(text)}")
    return text[start:start + length]


def _to_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in ("+", "-") else text
        if 0 < len(digits) <= 19 and digits.isascii() and digits.isdigit():
            number = int(text)
            if -2**63 <= number < 2**63:
                return number
    if isinstance(value, str):
        raise _Invalid("int() takes a string of digits, and this one is not")
    raise _Invalid(f"int() takes a string or a number, not {_kind(value)}")


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Invalid(f"bool() cannot make true or false of {_kind(value)}")


def _same(a, b, depth: int = 0) -> bool:
    """JSON equality: booleans are not numbers, strings compare with case."""
    if depth > MAX_DEPTH:
        raise _Invalid("equals() compares values nested too deeply")
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return a == b and (isinstance(a, str) == isinstance(b, str))


def _equals(a, b):
    unresolved = _unresolved_in(a) or _unresolved_in(b)
    return unresolved if unresolved is not None else _same(a, b)


def _empty(value):
    if value is None:
        return True
    if isinstance(value, (str, list, dict)):
        return not value
    raise _Invalid(f"empty() takes a string, array or object, not {_kind(value)}")


def _length(value):
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise _Invalid(f"length() takes a string, array or object, not {_kind(value)}")


def _end(pick: int, function: str):
    def end(value):
        if isinstance(value, (str, list)):
            return value[pick] if value else ("" if isinstance(value, str) else None)
        raise _Invalid(f"{function}() takes a string or array, not {_kind(value)}")
    return end


def _split(text, separators):
    text = _string(text, "split")
    if isinstance(separators, str):
        separators = [separators]
    if not isinstance(separators, list) or not all(isinstance(s, str) for s in separators):
        raise _Invalid("split() takes a string or an array of strings to split on")
    separators = [s for s in separators if s]
    if not separators:
        return [text]
    if sum(text.count(s) for s in separators) >= MAX_ITEMS:
        raise _Invalid(f"split() builds an array of more than {MAX_ITEMS:,} items")
    return re.split("|".join(re.escape(s) for s in sorted(separators, key=len, reverse=True)), text)


def _create_object(*args):
    if len(args) % 2:
        raise _Invalid("createObject() takes names and values in pairs")
    result = {}
    for name, value in zip(args[::2], args[1::2]):
        result[_string(name, "createObject")] = value
    return result


def _merge(a: dict, b: dict, depth: int = 0) -> dict:
    merged = dict(a)
    for name, value in b.items():
        actual = _lookup(merged, name) if isinstance(name, str) else None
        if (actual is not None and isinstance(merged[actual], dict) and isinstance(value, dict)
                and depth < MAX_DEPTH):
            merged[actual] = _merge(merged[actual], value, depth + 1)
        else:
            merged.pop(actual, None)
            merged[name] = value
    return merged


def _union(*args):
    """Objects merge (later properties win, nested objects merge); arrays keep the first
    of equal items, in order."""
    if all(isinstance(arg, dict) for arg in args):
        result: dict = {}
        for arg in args:
            result = _merge(result, arg)
        return result
    if all(isinstance(arg, list) for arg in args):
        if sum(len(arg) for arg in args) > MAX_ITEMS:
            raise _Invalid(f"union() builds an array of more than {MAX_ITEMS:,} items")
        items, seen = [], set()
        for item in (item for arg in args for item in arg):
            small = _size(item, 4096) <= 4096
            marker = json.dumps(item, sort_keys=True, default=repr) if small else id(item)
            if marker not in seen:
                seen.add(marker)
                items.append(item)
        return items
    raise _Invalid("union() takes all objects or all arrays")


def _contains(container, item):
    if isinstance(container, str):
        return _string(item, "contains") in container
    if isinstance(container, list):
        return any(_same(element, item) for element in container)
    if isinstance(container, dict):
        return _lookup(container, _string(item, "contains")) is not None
    raise _Invalid(f"contains() looks in a string, array or object, not {_kind(container)}")


def _affix(at_start: bool, function: str):
    def test(text, affix):
        text, affix = _string(text, function).lower(), _string(affix, function).lower()
        return text.startswith(affix) if at_start else text.endswith(affix)
    return test


def _json(text):
    try:
        return json.loads(_string(text, "json"))
    except ValueError:
        raise _Invalid("json() takes text that is JSON") from None


def _try_get(value, *names):
    for name in names:
        if isinstance(value, dict) and isinstance(name, str) and _lookup(value, name) is not None:
            value = value[_lookup(value, name)]
        elif (isinstance(value, list) and isinstance(name, int) and not isinstance(name, bool)
              and 0 <= name < len(value)):
            value = value[name]
        else:
            return None
    return value


def _arithmetic(a, b, function: str):
    a, b = _integer(a, function), _integer(b, function)
    if function in ("div", "mod") and b == 0:
        raise _Invalid(f"{function}() divides by zero")
    if function == "add":
        result = a + b
    elif function == "sub":
        result = a - b
    elif function == "mul":
        result = a * b
    elif function == "div":     # ARM divides integers towards zero
        result = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
    else:
        result = a - b * (abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1))
    if not -2**63 <= result < 2**63:
        raise _Invalid(f"{function}() gives a number out of range")
    return result


def _extreme(args: tuple, pick, function: str):
    items = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
    if not items:
        raise _Invalid(f"{function}() takes at least one number")
    return pick(_integer(item, function) for item in items)


def _comparison(test, function: str):
    def compare(a, b):
        if isinstance(a, str) and isinstance(b, str):
            return test(a, b)
        return test(_integer(a, function), _integer(b, function))
    return compare


def _range(start, count):
    start, count = _integer(start, "range"), _integer(count, "range")
    if count < 0 or count > MAX_ITEMS:
        raise _Invalid(f"range() builds an array of {count} items (0 to {MAX_ITEMS:,})")
    return list(range(start, start + count))


def _slice(value, count, function: str):
    if not isinstance(value, (str, list)):
        raise _Invalid(f"{function}() takes a string or array, not {_kind(value)}")
    count = max(0, _integer(count, function))
    return value[:count] if function == "take" else value[count:]


def _pad_left(value, width, padding=" "):
    text = _text(value) if not isinstance(value, (list, dict)) else _string(value, "padLeft")
    width, padding = _integer(width, "padLeft"), _string(padding, "padLeft")
    if len(padding) != 1:
        raise _Invalid("padLeft() pads with one character")
    _too_big(width)
    return text.rjust(width, padding)


def _if(nodes: list, context: Context) -> object:
    condition = _eval(nodes[0], context)
    if isinstance(condition, Unresolved):
        return condition
    return _eval(nodes[1] if _boolean(condition, "if") else nodes[2], context)


def _logic(stop_at: bool, function: str):
    """and() / or(): any argument equal to `stop_at` decides, even past an unresolved one."""
    def logic(nodes: list, context: Context) -> object:
        unresolved = None
        for node in nodes:
            value = _eval(node, context)
            if isinstance(value, Unresolved):
                unresolved = unresolved or value
            elif _boolean(value, function) == stop_at:
                return stop_at
        return unresolved if unresolved is not None else not stop_at
    return logic


def _coalesce(nodes: list, context: Context) -> object:
    for node in nodes:
        value = _eval(node, context)
        if value is not None:
            return value
    return None


def _copy_index(nodes: list, context: Context) -> object:
    """copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', offset): the
    iteration of a copy loop being expanded; unresolved outside one."""
    args: list = []
    for node in nodes:
        value = _eval(node, context)
        if isinstance(value, Unresolved):
            return value
        args.append(value)
    loop = context.copy_current
    if args and isinstance(args[0], str):
        loop = args.pop(0).lower()
    if len(args) > 1:
        raise _Invalid("copyIndex() takes a loop name and an offset at most")
    offset = _integer(args[0], "copyIndex") if args else 0
    if loop is None or loop not in context.copies:
        return Unresolved(f"copyIndex() depends on {_DEPLOYMENT['copyindex']}, which only a deployment knows")
    return context.copies[loop] + offset


# Functions that choose which arguments to evaluate: name -> (min args, max args, function).
_CONTROL = {
    "copyindex": (0, 2, _copy_index),
    "if": (3, 3, _if),
    "and": (2, None, _logic(False, "and")),
    "or": (2, None, _logic(True, "or")),
    "coalesce": (1, None, _coalesce),
}

# name -> (min args, max args or None, builds text from its arguments, function).
_FUNCTIONS = {
    "parameters": (1, 1, False, _parameter),
    "variables": (1, 1, False, _variable),
    "concat": (1, None, True, _concat),
    "format": (1, None, True, _format),
    "string": (1, 1, True, _to_string),
    "tolower": (1, 1, True, lambda text: _string(text, "toLower").lower()),
    "toupper": (1, 1, True, lambda text: _string(text, "toUpper").upper()),
    "trim": (1, 1, True, lambda text: _string(text, "trim").strip()),
    "replace": (3, 3, False, _replace),
    "substring": (2, 3, False, _substring),
    "int": (1, 1, False, _to_int),
    "bool": (1, 1, False, _to_bool),
    "equals": (2, 2, False, _equals),
    "not": (1, 1, False, lambda value: not _boolean(value, "not")),
    "empty": (1, 1, False, _empty),
    "length": (1, 1, False, _length),
    "first": (1, 1, False, _end(0, "first")),
    "last": (1, 1, False, _end(-1, "last")),
    "split": (2, 2, False, _split),
    "createarray": (0, None, False, lambda *items: list(items)),
    "createobject": (0, None, False, _create_object),
    "union": (1, None, False, _union),
    "contains": (2, 2, False, _contains),
    "startswith": (2, 2, False, _affix(True, "startsWith")),
    "endswith": (2, 2, False, _affix(False, "endsWith")),
    "json": (1, 1, False, _json),
    "tryget": (2, None, False, _try_get),
    "true": (0, 0, False, lambda: True),
    "false": (0, 0, False, lambda: False),
    "null": (0, 0, False, lambda: None),
    "add": (2, 2, False, lambda a, b: _arithmetic(a, b, "add")),
    "sub": (2, 2, False, lambda a, b: _arithmetic(a, b, "sub")),
    "mul": (2, 2, False, lambda a, b: _arithmetic(a, b, "mul")),
    "div": (2, 2, False, lambda a, b: _arithmetic(a, b, "div")),
    "mod": (2, 2, False, lambda a, b: _arithmetic(a, b, "mod")),
    "min": (1, None, False, lambda *args: _extreme(args, min, "min")),
    "max": (1, None, False, lambda *args: _extreme(args, max, "max")),
    "greater": (2, 2, False, _comparison(lambda a, b: a > b, "greater")),
    "greaterorequals": (2, 2, False, _comparison(lambda a, b: a >= b, "greaterOrEquals")),
    "less": (2, 2, False, _comparison(lambda a, b: a < b, "less")),
    "lessorequals": (2, 2, False, _comparison(lambda a, b: a <= b, "lessOrEquals")),
    "range": (2, 2, False, _range),
    "take": (2, 2, False, lambda value, count: _slice(value, count, "take")),
    "skip": (2, 2, False, lambda value, count: _slice(value, count, "skip")),
    "indexof": (2, 2, False, lambda text, part: _string(text, "indexOf").lower().find(
        _string(part, "indexOf").lower())),
    "lastindexof": (2, 2, False, lambda text, part: _string(text, "lastIndexOf").lower().rfind(
        _string(part, "lastIndexOf").lower())),
    "padleft": (2, 3, False, _pad_left),
}

# Functions whose value exists only in a deployment: name -> what it depends on
# (copyIndex() is evaluated while a copy loop is expanded, and unresolved elsewhere).
_DEPLOYMENT = {
    "resourcegroup": "the resource group deployed to",
    "subscription": "the subscription deployed to",
    "tenant": "the tenant deployed to",
    "managementgroup": "the management group deployed to",
    "deployment": "the deployment itself",
    "environment": "the Azure cloud deployed to",
    "reference": "the state of a deployed resource",
    "resourceid": "the subscription and resource group deployed to",
    "subscriptionresourceid": "the subscription deployed to",
    "tenantresourceid": "the tenant deployed to",
    "extensionresourceid": "the resource it extends",
    "managementgroupresourceid": "the management group deployed to",
    "uniquestring": "a hash ARM computes",
    "guid": "a hash ARM computes",
    "newguid": "a value made up at deployment",
    "utcnow": "the time of the deployment",
    "copyindex": "the iteration of a copy loop",
    "providers": "the resource providers registered",
    "pickzones": "the availability zones of a region",
    "list": "the keys or secrets of a deployed resource",
}
