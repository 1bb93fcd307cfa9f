"""Azure Stream Analytics jobs, and the ADX tables they write to, read from Bicep.

    read_bicep(path, parameters=None) -> list[Job]   the jobs a Bicep file deploys
    using_target(path) -> str | None                 the .bicep file a .bicepparam uses

No Bicep compiler is available where users run CI (none is published on PyPI, npm or
Debian), so schemacheck reads `.bicep` itself (schemacheck.jobs.bicep_syntax) and settles
its values as `bicep build` and ARM would, as far as the files say:

- parameters from a `.bicepparam` (`using` this file; its own `var`s too) or an ARM
  parameters JSON file, over their defaults; variables; string interpolation; object and
  array spreads (`...x`); user-defined functions (`func`); `map()` and `filter()` with a
  lambda; `loadTextContent()` and `loadJsonContent()` (paths relative to the file: a file
  that is missing is an InputError at the call, as `bicep build` fails); the functions
  of schemacheck.jobs.iac_functions;
- resources: `Microsoft.StreamAnalytics/streamingjobs` (properties as in ARM: read by
  schemacheck.jobs.iac.ArmShape) with its outputs, inputs, functions and transformation
  inline, as nested child resources, or as resources with `parent:` (or a `job/child`
  name) — a job with no query is a note; an `existing` job is read only when the files add such children to it (with a
  note: what it has besides is deployed elsewhere); `Microsoft.Kusto/clusters/databases/
  scripts` (the tables), top-level or nested in their database, bound to the database
  (and cluster) their `parent:`, nesting or name says: every job of the deployment gets
  the scripts of every file of it (a deployment often creates its tables in one module
  and its job in another);
- `for` loops over settled collections, `if` conditions (a job, module or child whose
  condition is false is still read, with a note that ARM would skip it), and local modules
  (`module m './x.bicep'`) with their parameters and outputs, to any depth up to
  MAX_DEPTH; a registry (`br:`) or template spec (`ts:`) module, a missing one and a
  cycle of modules are notes.

Anything else (a deployment's output, `resourceGroup()`, an unset parameter) is an
Unknown, which becomes an SC608 note where the job needs it. Notes about the deployment
as a whole (a module not read, a loop not settled) go to every job it deploys.
"""

from __future__ import annotations

import json
import os

from schemacheck.errors import InputError
from schemacheck.jobs import exprs as X
from schemacheck.jobs.iac import ArmShape, Places, Resource, Unknown, Val, plain, unknown_of, wrap
from schemacheck.jobs.iac_functions import BICEP, NotEvaluated, evaluate
from schemacheck.jobs.model import Job, Note, Placed, Script, Where

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

JOB = "microsoft.streamanalytics/streamingjobs"
SCRIPTS = "microsoft.kusto/clusters/databases/scripts"
MAX_DEPTH = 10
MAX_COPIES = 800   # Bicep's own limit on a loop's iterations
_CHILD_KINDS = {"outputs": "output", "inputs": "input", "functions": "function", "transformations": "transformation"}
# Functions whose value only a deployment knows: why they are not settled, in a few words.
_DEPLOYMENT_ONLY = {
    "readEnvironmentVariable": "reads an environment variable of the machine that deploys it",
    "getSecret": "is a Key Vault secret the deployment reads",
}


def read_bicep(path: str, parameters: str | None = None) -> list[Job]:
    """The streaming jobs `path` deploys (with its modules), with the parameter values of
    `parameters` (a .bicepparam or ARM parameters JSON file) when given."""
    reader = _Reader()
    values = reader.parameter_file(parameters) if parameters else {}
    unit = _Unit.read(reader, path, values)
    jobs: list[Job] = []
    unit.collect(jobs, ())
    scripts = tuple(dict.fromkeys(reader.scripts))
    shared = tuple(reader.notes)
    return [job._replace(notes=tuple(dict.fromkeys(shared + job.notes)), scripts=scripts) for job in jobs]


def using_target(path: str) -> str | None:
    """The .bicep file a .bicepparam file's `using` names (None when it names none, or a
    registry or template spec)."""
    from schemacheck.files import read_text_file
    from schemacheck.jobs.bicep_syntax import parse_bicep

    program = parse_bicep(read_text_file(path, "Bicep parameters file"), path)
    for statement in program.statements:
        if statement.kind == "using" and isinstance(statement.value, X.Text):
            target = statement.value.value
            if target.endswith(".bicep") and not _registry(target):
                return os.path.normpath(os.path.join(os.path.dirname(path), target))
    return None


def _registry(target: str) -> str | None:
    """What a module path (or a `using`) that is not a local file names: "a registry"
    (br:, br/alias:) or "a template spec" (ts:, ts/alias:); None for a local path."""
    lowered = target.lower()
    if lowered.startswith(("br:", "br/")):
        return "a registry"
    if lowered.startswith(("ts:", "ts/")):
        return "a template spec"
    return None


class _Reader:
    """What the files of one deployment share: their texts, and the notes and scripts
    found in any of them."""

    def __init__(self) -> None:
        self.places = Places()
        self.notes: list[Note] = []
        self.scripts: list[Script] = []

    def note(self, code: str, message: str, file: str, offset: int) -> None:
        self.notes.append(Note(code, message, self.places.where(file, offset)))

    def parameter_file(self, path: str) -> dict[str, Val]:
        """The values of a .bicepparam or ARM parameters JSON file."""
        from schemacheck.files import read_text_file

        text = read_text_file(path, "parameters file")
        self.places.texts[path] = text
        if path.lower().endswith(".bicepparam"):
            from schemacheck.jobs.bicep_syntax import parse_bicep

            # Its values are expressions over its own params and vars, settled as a file's are.
            unit = _Unit(self, path, parse_bicep(text, path), {})
            return {name: unit.symbol(name, statement, {}) for name, statement in unit.statements.items()
                    if statement.kind == "param" and statement.value is not None}
        from schemacheck.jobs.jsonfile import load_json

        data = load_json(path, "ARM parameters file")
        parameters = data.data.get("parameters") if isinstance(data.data, dict) else None
        if not isinstance(parameters, dict):
            raise InputError("not a parameters file: it has no `parameters` object", path, 1, 1)
        values = {}
        for name, entry in parameters.items():
            if not isinstance(entry, dict):
                continue
            if "value" in entry:
                offset = self.offset(path, data.where(("parameters", name, "value")))
                values[name] = wrap(entry["value"], path, offset, offset)
            elif "reference" in entry:
                offset = self.offset(path, data.where(("parameters", name, "reference")))
                values[name] = Val(Unknown(f"the Key Vault reference of parameter '{name}'",
                                           "is a secret the deployment reads from Key Vault", path, offset, offset),
                                   path, offset, offset)
        return values

    def offset(self, path: str, where: Where) -> int:
        from schemacheck.files import line_starts

        starts = line_starts(self.places.text(path))
        line = min(max(where.line or 1, 1), len(starts))
        return starts[line - 1] + (where.column or 1) - 1


class _Unit:
    """One Bicep (or .bicepparam) file as parsed, with the parameter values it is deployed
    with: `depth` modules below the file read first, `chain` the files from that one to
    this (a module that deploys one of them again is a cycle)."""

    def __init__(self, reader: _Reader, path: str, program: X.Program, params: dict[str, Val], depth: int = 0,
                 chain: tuple[str, ...] = ()) -> None:
        self.reader = reader
        self.path = path
        self.directory = os.path.dirname(path) or "."
        self.params = params
        self.depth = depth
        self.chain = chain + (os.path.realpath(path),)
        self.statements: dict[str, X.Statement] = {}
        self.resources: dict[str, X.Statement] = {}
        self.modules: dict[str, X.Statement] = {}
        self.outputs: dict[str, X.Statement] = {}      # a namespace of their own: `output x` beside `param x`
        self.nested: dict[str, X.Statement] = {}       # nested resources by symbol (`parent::child`)
        self.parents: dict[str, X.Statement] = {}      # a nested resource's symbol -> the resource it is in
        self.values: dict[str, Val] = {}
        self.bodies: dict[str, Val] = {}               # the bodies of resources and modules not looped
        self.evaluating: set[str] = set()              # names (and bodies) being evaluated: a cycle
        self.units: dict[str, _Unit | None] = {}       # a module (not looped) read once, by symbol
        self.imports = False
        for statement in program.statements:
            if statement.kind == "import":
                self.imports = True
            if statement.name is None or statement.kind in ("metadata", "type"):
                continue
            if statement.kind == "output":
                self.outputs[statement.name] = statement
                continue
            self.statements[statement.name] = statement
            if statement.kind == "resource":
                self.resources[statement.name] = statement
                self.index_nested(statement)
            elif statement.kind == "module":
                self.modules[statement.name] = statement

    @classmethod
    def read(cls, reader: _Reader, path: str, params: dict[str, Val], depth: int = 0,
             chain: tuple[str, ...] = ()) -> _Unit:
        """The .bicep file at `path`, read and parsed (InputError when it cannot be)."""
        from schemacheck.files import read_text_file
        from schemacheck.jobs.bicep_syntax import parse_bicep

        text = read_text_file(path, "Bicep file")
        reader.places.texts[path] = text
        return cls(reader, path, parse_bicep(text, path), params, depth, chain)

    def index_nested(self, statement: X.Statement) -> None:
        for child in statement.children:
            if child.name is not None:
                self.nested.setdefault(child.name, child)
                self.parents.setdefault(child.name, statement)
            self.index_nested(child)

    # ---- values -------------------------------------------------------------------------------
    def unknown(self, expr, why: str) -> Val:
        start, end = getattr(expr, "start", 0), getattr(expr, "end", 0)
        text = " ".join(self.reader.places.text(self.path)[start:end].split())
        if len(text) > 80:
            text = text[:77] + "..."
        return Val(Unknown(text, why, self.path, start, end), self.path, start, end)

    def symbol(self, name: str, ref, names: dict[str, Val]) -> Val:
        if name in names:
            return names[name]
        statement = self.statements.get(name)
        if statement is None:
            return self.unknown(ref, "names nothing the file declares" + (" (names it imports are not read)"
                                                                          if self.imports else ""))
        if statement.kind in ("resource", "module"):
            return Val(Resource((self.path, name), ""), self.path, ref.start, ref.end)
        if name in self.values:
            return self.values[name]
        if statement.kind == "param" and name not in self.params and statement.value is None:
            # Not kept: each use is noted where it is written.
            return self.unknown(ref, "is a parameter with no default, and no parameters file sets it")
        if name in self.evaluating:
            return self.unknown(ref, "refers to itself")
        self.evaluating.add(name)
        try:
            if statement.kind == "param":
                value = self.params[name] if name in self.params else self.evaluate(statement.value, {})
            elif statement.kind == "var":
                value = self.evaluate(statement.value, {})
            else:
                value = self.unknown(ref, f"is a {statement.kind}, which schemacheck does not evaluate")
        finally:
            self.evaluating.discard(name)
        self.values[name] = value
        return value

    def evaluate(self, expr, names: dict[str, Val]) -> Val:
        path = self.path
        if isinstance(expr, X.Literal_):
            return Val(expr.value, path, expr.start, expr.end)
        if isinstance(expr, X.Text):
            return Val(expr.value, path, expr.start, expr.end, "literal", expr)
        if isinstance(expr, X.Template):
            return self.template(expr, names)
        if isinstance(expr, X.Ref):
            return self.symbol(expr.name, expr, names)
        if isinstance(expr, (X.GetAttr, X.Index)):
            return self.member(expr, names)
        if isinstance(expr, X.Call):
            return self.call(expr, names)
        if isinstance(expr, X.Array):
            items: list[Val] = []
            for item in expr.items:
                if isinstance(item, X.ForExpr) and item.collection is not None:
                    loop = self.loop(item, names)
                    if not loop.known:
                        return loop
                    items.extend(loop.value)
                elif isinstance(item, X.Unary) and item.op == "...":
                    spread = self.evaluate(item.operand, names)
                    if not spread.known:
                        return spread
                    if not isinstance(spread.value, list):
                        return self.unknown(item, "spreads a value that is not an array into an array")
                    items.extend(spread.value)
                else:
                    items.append(self.evaluate(item, names))
            return Val(items, path, expr.start, expr.end)
        if isinstance(expr, X.Object):
            members: dict[str, Val] = {}
            for item in expr.items:
                if item.key is None:   # ...spread
                    spread = self.evaluate(item.value.operand if isinstance(item.value, X.Unary) else item.value,
                                           names)
                    if not spread.known:
                        return spread
                    if not isinstance(spread.value, dict):
                        return self.unknown(item, "spreads a value that is not an object into an object")
                    members.update(spread.value)
                    continue
                key = Val(item.key.value, path, item.key.start, item.key.end) if isinstance(item.key, X.Text) \
                    else self.evaluate(item.key, names)
                if not isinstance(key.value, str):
                    return self.unknown(expr, "has a key the files do not settle")
                members[key.value] = self.evaluate(item.value, names)
            return Val(members, path, expr.start, expr.end)
        if isinstance(expr, X.ForExpr):
            if expr.collection is None:
                return self.unknown(expr, "is a lambda, which is only evaluated as map()'s or filter()'s argument")
            return self.loop(expr, names)
        if isinstance(expr, X.Cond):
            test = self.evaluate(expr.test, names)
            if isinstance(test.value, bool):
                chosen = expr.then if test.value else expr.otherwise
                return self.evaluate(chosen, names) if chosen is not None else Val(None, path, expr.start, expr.end)
            return test if not test.known else self.unknown(expr, "depends on a condition that is not true or false")
        if isinstance(expr, X.Unary):
            return self.unary(expr, names)
        if isinstance(expr, X.Binary):
            return self.binary(expr, names)
        return self.unknown(expr, "is an expression schemacheck does not evaluate")

    def template(self, expr: X.Template, names: dict[str, Val]) -> Val:
        pieces = []
        for part in expr.parts:
            value = Val(part.value, self.path, part.start, part.end) if isinstance(part, X.Text) \
                else self.evaluate(part, names)
            if not value.known:
                return value
            if isinstance(value.value, Resource):
                return self.unknown(part, "is a value Azure gives a resource when it is deployed")
            if value.value is None or isinstance(value.value, (dict, list)):
                return self.unknown(part, "is not text")
            pieces.append(str(value.value).lower() if isinstance(value.value, bool) else str(value.value))
        return Val("".join(pieces), self.path, expr.start, expr.end)

    def unary(self, expr: X.Unary, names: dict[str, Val]) -> Val:
        operand = self.evaluate(expr.operand, names)
        if expr.op == "nonnull":   # x!: the value itself
            return operand
        if not operand.known:
            return operand
        if expr.op == "!" and isinstance(operand.value, bool):
            return Val(not operand.value, self.path, expr.start, expr.end)
        if expr.op == "-" and isinstance(operand.value, int) and not isinstance(operand.value, bool):
            return Val(-operand.value, self.path, expr.start, expr.end)
        return self.unknown(expr, "is an operation schemacheck does not evaluate")

    def binary(self, expr: X.Binary, names: dict[str, Val]) -> Val:
        left = self.evaluate(expr.left, names)
        if expr.op == "??":
            return left if left.known and left.value is not None else self.evaluate(expr.right, names)
        if (expr.op == "&&" and left.value is False) or (expr.op == "||" and left.value is True):
            return Val(left.value, self.path, expr.start, expr.end)   # the right side is not evaluated
        right = self.evaluate(expr.right, names)
        a, b = left.value, right.value
        if not (left.known and right.known):
            return left if not left.known else right
        if isinstance(a, Resource) or isinstance(b, Resource):
            return self.unknown(expr, "uses a value Azure gives a resource when it is deployed")
        try:
            value = {"==": lambda: a == b, "!=": lambda: a != b, "=~": lambda: str(a).lower() == str(b).lower(),
                     "!~": lambda: str(a).lower() != str(b).lower(), "&&": lambda: bool(a and b),
                     "||": lambda: bool(a or b), "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                     "/": lambda: a // b if isinstance(a, int) and isinstance(b, int) else a / b,
                     "%": lambda: a % b, "<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b,
                     ">=": lambda: a >= b}[expr.op]()
        except (KeyError, TypeError, ZeroDivisionError):
            return self.unknown(expr, "is an operation schemacheck does not evaluate")
        return Val(value, self.path, expr.start, expr.end)

    def loop(self, expr: X.ForExpr, names: dict[str, Val]) -> Val:
        collection = self.evaluate(expr.collection, names)
        if not collection.known:
            return collection
        if isinstance(collection.value, list):
            values = list(collection.value)
        elif isinstance(collection.value, dict):   # Bicep loops over items(obj); an object itself is an error
            return self.unknown(expr, "loops over an object (write items(...) to loop over its members)")
        else:
            return self.unknown(expr, "loops over a value that is not an array")
        if len(values) > MAX_COPIES:
            return self.unknown(expr, f"loops more than {MAX_COPIES} times")
        results = []
        for index, value in enumerate(values):
            inner = dict(names)
            inner[expr.names[0]] = value
            if len(expr.names) > 1:
                inner[expr.names[1]] = Val(index, self.path, expr.start, expr.end)
            if expr.condition is not None:
                keep = self.evaluate(expr.condition, inner)
                if not isinstance(keep.value, bool):
                    return self.unknown(expr, "filters on a condition the files do not settle")
                if not keep.value:
                    continue
            results.append(self.evaluate(expr.value, inner))
        return Val(results, self.path, expr.start, expr.end)

    def member(self, expr, names: dict[str, Val]) -> Val:
        if isinstance(expr, X.GetAttr) and expr.nested:
            # parent::child: a nested resource, known by its symbol
            if expr.name in self.nested:
                return Val(Resource((self.path, expr.name), ""), self.path, expr.start, expr.end)
            return self.unknown(expr, "names a nested resource the file does not declare")
        base = self.evaluate(expr.target, names)
        if not base.known:
            return base
        if isinstance(base.value, Resource):
            return self.resource_member(base.value, expr)
        if isinstance(expr, X.GetAttr):
            key: Any = expr.name
        else:
            key_expr = expr.key
            from_end = isinstance(key_expr, X.Unary) and key_expr.op == "^"
            key_val = self.evaluate(key_expr.operand if from_end else key_expr, names)
            if not key_val.known:
                return key_val
            key = key_val.value
            if from_end and isinstance(key, int) and isinstance(base.value, list):
                key = len(base.value) - key if key > 0 else len(base.value)   # xs[^1] is the last
        value = base.value
        if isinstance(value, dict) and isinstance(key, str):
            found = next((v for k, v in value.items() if isinstance(k, str) and k.lower() == key.lower()), None)
            if found is not None:
                return found
        if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
            return value[key]
        if getattr(expr, "safe", False):
            return Val(None, self.path, expr.start, expr.end)
        return self.unknown(expr, "names a member the value does not have")

    def resource_member(self, resource: Resource, expr) -> Val:
        """`sym.name` (written in its body), `module.outputs.x`; else what Azure computes.
        A resource's body is evaluated on its own (not with the loop values of the use)."""
        _, symbol = resource.key
        attribute = expr.name if isinstance(expr, X.GetAttr) else None
        statement = self.statements.get(symbol) or self.nested.get(symbol)
        if statement is None or attribute is None:
            return self.unknown(expr, "is a value Azure gives a resource when it is deployed")
        if resource.attribute == "" and statement.kind == "resource":
            if attribute in ("name", "properties", "location", "kind", "sku", "tags"):
                if f"body {id(statement)}" in self.evaluating:
                    return self.unknown(expr, "refers to itself")
                body = self.body(statement)
                member = body.get(attribute) if body is not None and body.known else None
                if member is not None:
                    return member
            return Val(Resource((self.path, symbol), attribute), self.path, expr.start, expr.end)
        if resource.attribute == "" and statement.kind == "module" and attribute == "outputs":
            return Val(Resource((self.path, symbol), "outputs"), self.path, expr.start, expr.end)
        if resource.attribute == "outputs" and statement.kind == "module":
            return self.module_output(statement, attribute, expr)
        return self.unknown(expr, "is a value Azure gives a resource when it is deployed")

    def body(self, statement: X.Statement) -> Val | None:
        """The body of a resource or module that is not looped (None for a loop), evaluated
        once."""
        value = statement.value
        if isinstance(value, X.Cond):
            value = value.then
        if isinstance(value, X.ForExpr) or value is None:
            return None
        key = f"body {id(statement)}"
        if key not in self.bodies:
            self.evaluating.add(key)
            try:
                self.bodies[key] = self.evaluate(value, {})
            finally:
                self.evaluating.discard(key)
        return self.bodies[key]

    def module_output(self, statement: X.Statement, name: str, expr) -> Val:
        if isinstance(statement.value, X.ForExpr):
            return self.unknown(expr, "is an output of a module deployed by a loop: index it (m[0].outputs.x)")
        unit = self.module_unit(statement, {})
        if unit is None:
            return self.unknown(expr, "is an output of a module schemacheck does not read")
        output = unit.outputs.get(name)
        if output is None:
            return self.unknown(expr, "is an output the module does not declare")
        return unit.evaluate(output.value, {})

    # ---- functions ----------------------------------------------------------------------------
    def call(self, expr: X.Call, names: dict[str, Val]) -> Val:
        name = expr.name.rsplit(".", 1)[-1]
        if name in ("loadTextContent", "loadJsonContent") and expr.args:
            return self.load(expr, names, name == "loadJsonContent")
        declared = self.statements.get(expr.name)
        if declared is not None and declared.kind == "func" and isinstance(declared.value, X.ForExpr):
            return self.user_function(expr, declared.value, names)
        if name in ("map", "filter") and len(expr.args) == 2 and isinstance(expr.args[1], X.ForExpr) \
                and expr.args[1].collection is None:
            return self.map_filter(expr, name, names)
        if name == "any" and len(expr.args) == 1:   # a type cast: the value itself
            return self.evaluate(expr.args[0], names)
        if name in _DEPLOYMENT_ONLY:
            return self.unknown(expr, _DEPLOYMENT_ONLY[name])
        if name not in BICEP:
            return self.unknown(expr, f"calls {name}(), which schemacheck does not evaluate")
        args = [self.evaluate(arg, names) for arg in expr.args]
        for arg in args:
            unknown = unknown_of(arg)
            if unknown is not None:
                return Val(unknown, arg.file, arg.start, arg.end)
            if isinstance(arg.value, Resource):
                return self.unknown(expr, "uses a value Azure gives a resource when it is deployed")
        try:
            result = evaluate(BICEP, name, [plain(a) for a in args])
        except NotEvaluated:
            return self.unknown(expr, f"calls {name}() with arguments schemacheck does not evaluate it with")
        return wrap(result, self.path, expr.start, expr.end)

    def user_function(self, expr: X.Call, function: X.ForExpr, names: dict[str, Val]) -> Val:
        """A `func` of the file: its body with its parameters bound (it sees nothing else)."""
        if len(expr.args) != len(function.names):
            return self.unknown(expr, f"gives {expr.name}() {len(expr.args)} arguments, not {len(function.names)}")
        key = "func " + expr.name
        if key in self.evaluating:
            return self.unknown(expr, "calls a function that calls itself")
        bound = {name: self.evaluate(arg, names) for name, arg in zip(function.names, expr.args)}
        self.evaluating.add(key)
        try:
            return self.evaluate(function.value, bound)
        finally:
            self.evaluating.discard(key)

    def map_filter(self, expr: X.Call, name: str, names: dict[str, Val]) -> Val:
        """map(items, x => ...) and filter(items, x => ...) (the lambda may take the index too)."""
        items = self.evaluate(expr.args[0], names)
        if not items.known:
            return items
        if not isinstance(items.value, list):
            return self.unknown(expr.args[0], f"is not an array, which {name}() takes")
        function = expr.args[1]
        results = []
        for index, item in enumerate(items.value):
            inner = dict(names)
            inner[function.names[0]] = item
            if len(function.names) > 1:
                inner[function.names[1]] = Val(index, self.path, function.start, function.end)
            value = self.evaluate(function.value, inner)
            if name == "map":
                results.append(value)
            elif not isinstance(value.value, bool):
                return value if not value.known else self.unknown(function, "is not true or false")
            elif value.value:
                results.append(item)
        return Val(results, self.path, expr.start, expr.end)

    def load(self, expr: X.Call, names: dict[str, Val], as_json: bool) -> Val:
        """loadTextContent(path) and loadJsonContent(path[, jsonPath]): paths relative to
        this file, read when the file is compiled: one that cannot be read (or, for
        loadJsonContent, is not JSON) fails the build, an InputError at the call."""
        from schemacheck.files import display_path, read_text_file

        function = expr.name.rsplit(".", 1)[-1]
        target = self.evaluate(expr.args[0], names)
        if not isinstance(target.value, str):
            return target if not target.known else self.unknown(expr, "loads a file not named by text")
        path = os.path.normpath(os.path.join(self.directory, target.value.replace("\\", "/")))
        where = self.reader.places.where(self.path, expr.args[0].start)
        try:
            text = read_text_file(path, "file a Bicep file loads")
        except InputError as error:
            if error.message.startswith("is empty"):
                text = ""
            elif error.line is None:   # missing, a directory, not readable: the build fails at the call
                raise InputError(f"{function}() cannot load {display_path(path)}: {error.message}", self.path,
                                 where.line, where.column) from None
            else:
                raise
        self.reader.places.texts.setdefault(path, text)
        if not as_json:
            return Val(text, path, 0, len(text), "file")
        try:
            data = json.loads(text)
        except ValueError as error:
            raise InputError(f"{function}() loads {display_path(path)}, which is not JSON ({error})", self.path,
                             where.line, where.column) from None
        if len(expr.args) > 1:
            selector = self.evaluate(expr.args[1], names)
            if not isinstance(selector.value, str):
                return self.unknown(expr, "selects with a JSON path the files do not settle")
            for part in [p for p in selector.value.lstrip("$").replace("[", ".").replace("]", "").split(".") if p]:
                part = part.strip("'\"")
                if isinstance(data, dict) and part in data:
                    data = data[part]
                elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
                    data = data[int(part)]
                else:
                    return self.unknown(expr, "selects a member the JSON file does not have")
        return wrap(data, path, 0, 0)

    # ---- modules --------------------------------------------------------------------------------
    def module_unit(self, statement: X.Statement, names: dict[str, Val]) -> _Unit | None:
        """The file a module deploys, with the parameters this copy of it gives (None, with a
        note, when it is not read). A module that is not looped is read once."""
        key = statement.name or ""
        if not names and key in self.units:
            return self.units[key]
        unit = self.read_module(statement, names)
        if not names:
            self.units[key] = unit
        return unit

    def read_module(self, statement: X.Statement, names: dict[str, Val]) -> _Unit | None:
        target = statement.type
        label = f"module '{statement.name}'"
        if not isinstance(target, X.Text):
            self.reader.note("SC609", f"{label}: its path is not plain text: what it deploys is not checked",
                             self.path, statement.start)
            return None
        remote = _registry(target.value)
        if remote is not None:
            self.reader.note("SC609", f"{label} comes from {remote} ({target.value}), which schemacheck cannot read: "
                             "what it deploys is not checked", self.path, target.start)
            return None
        if self.depth >= MAX_DEPTH:
            self.reader.note("SC609", f"{label} nests modules more than {MAX_DEPTH} deep: not read", self.path,
                             statement.start)
            return None
        path = os.path.normpath(os.path.join(self.directory, target.value.replace("\\", "/")))
        if os.path.realpath(path) in self.chain:
            self.reader.note("SC609", f"{label} deploys {target.value}, which is already being deployed by the "
                             "modules that lead here (a cycle, which Bicep refuses): not read", self.path,
                             target.start)
            return None
        body = self.instance_body(statement, names)
        params = body.get("params") if body is not None else None
        values = dict(params.value) if params is not None and isinstance(params.value, dict) else {}
        try:
            return _Unit.read(self.reader, path, values, self.depth + 1, self.chain)
        except InputError as error:
            if error.file == path and error.message in ("no such file", "is a directory"):
                self.reader.note("SC609", f"{label}: {target.value} does not exist: what it deploys is not checked",
                                 self.path, target.start)
                return None
            raise

    # ---- jobs ----------------------------------------------------------------------------------
    def collect(self, jobs: list[Job], inherited: tuple[Note, ...]) -> None:
        """The jobs of this file, then of its modules; `inherited` notes go to each (a module
        whose condition is false). Its scripts go to the reader."""
        self.reader.scripts.extend(self.scripts())
        for name, statement in self.resources.items():
            if _type_of(statement) != JOB:
                continue
            for names, switched_off in self.instances(statement):
                job = self.job(name, statement, names, switched_off, inherited)
                if job is not None:
                    jobs.append(job)
        for statement in self.modules.values():
            for names, switched_off in self.instances(statement):
                unit = self.module_unit(statement, names)
                if unit is None:
                    continue
                notes = inherited
                if switched_off:
                    notes += (Note("SC609", f"the condition of module '{statement.name}' is false with these "
                                   "parameters: ARM would not deploy it (its jobs are checked anyway)",
                                   self.reader.places.where(self.path, statement.start)),)
                unit.collect(jobs, notes)

    def instances(self, statement: X.Statement) -> list[tuple[dict[str, Val], bool]]:
        """The loop values of each copy of a resource or module, and whether its condition is
        false (ARM would not deploy it)."""
        value = statement.value
        if isinstance(value, X.Cond):
            test = self.evaluate(value.test, {})
            return [({}, test.value is False)]
        if isinstance(value, X.ForExpr):
            collection = self.evaluate(value.collection, {}) if value.collection is not None else None
            items = collection.value if collection is not None and collection.known else None
            if not isinstance(items, list) or len(items) > MAX_COPIES:
                self.reader.note("SC609", f"{statement.kind} '{statement.name}' is repeated by a loop the files do "
                                 "not settle: read once", self.path, value.start)
                unsettled = collection if collection is not None and not collection.known else \
                    Val(Unknown("the loop's item", "is an item of a loop the files do not settle", self.path,
                                value.start, value.end), self.path, value.start, value.end)
                return [(dict.fromkeys(value.names, unsettled), False)]
            copies = []
            for index, item in enumerate(items):
                names = {value.names[0]: item}
                if len(value.names) > 1:
                    names[value.names[1]] = Val(index, self.path, value.start, value.end)
                off = False
                if value.condition is not None:
                    keep = self.evaluate(value.condition, names)
                    off = keep.value is False
                copies.append((names, off))
            return copies
        return [({}, False)]

    def instance_body(self, statement: X.Statement, names: dict[str, Val]) -> Val | None:
        """The body of one copy of a resource or module (`names` its loop values)."""
        value = statement.value
        if not isinstance(value, X.ForExpr):
            return self.body(statement)
        return self.evaluate(value.value, names) if value.value is not None else None

    def job(self, symbol: str, statement: X.Statement, names: dict[str, Val], switched_off: bool,
            inherited: tuple[Note, ...]) -> Job | None:
        """One copy of a streaming job resource (None for an `existing` job the files add
        nothing to)."""
        notes: list[Note] = list(inherited)
        places = self.reader.places
        shape = ArmShape(places, notes)
        body = self.instance_body(statement, names) or Val({}, self.path, statement.start, statement.end)
        where = places.where(self.path, statement.start)
        name = shape.text(body.get("name"), "the job's name")
        children = list(self.children(symbol, statement, name))
        if statement.existing:
            if not children:
                return None
            notes.append(Note("SC609", f"streaming job '{name or symbol}' is `existing`: it is deployed elsewhere, "
                              "and only the outputs, inputs, functions and query these files add to it are read",
                              where))
        if switched_off:
            notes.append(Note("SC609", f"the condition of streaming job '{symbol}' is false with these parameters: ARM "
                              "would not deploy it (it is checked anyway)", where))
        properties = body.get("properties")
        written = properties.get("transformation", "properties", "query") if properties else None
        query = shape.query(written, "the job's query", "bicep")
        level = shape.setting(properties.get("compatibilityLevel") if properties else None,
                              "the job's compatibility level", where)
        locale = shape.setting(properties.get("dataLocale") if properties else None, "the job's data locale", where)
        policy = shape.setting(properties.get("outputErrorPolicy") if properties else None,
                               "the job's output error policy", where)
        identity = shape.identity(body.get("identity"), where)
        job_type = shape.text(properties.get("jobType") if properties else None, "the job's type", quiet=True)
        if job_type is not None and job_type.lower() == "edge":
            notes.append(Note("SC609", "the job runs on IoT Edge, where ASA writes every field name in lower case "
                              "whatever the compatibility level: names are checked as the level says", where))
        found: dict[str, list] = {"outputs": [], "inputs": [], "functions": []}
        unsettled: set[str] = set()
        for kind in found:
            listed = properties.get(kind) if properties else None
            unknown = unknown_of(listed) if listed is not None and not isinstance(listed.value, list) else None
            if unknown is not None:
                shape.note_unknown(unknown, f"the job's {kind}")
                unsettled.add(kind)
                continue
            build = {"outputs": shape.output, "inputs": shape.input, "functions": shape.function}[kind]
            found[kind] += [build(alias, member.get("properties"), places.of(member))
                            for alias, member in shape.named_members(listed, kind)]
        for child, child_names, child_type, off in children:
            kind = child_type.rsplit("/", 1)[-1]
            label = _CHILD_KINDS.get(kind, kind)
            child_body = self.instance_body(child, child_names) or Val({}, self.path, child.start, child.end)
            alias = shape.text(child_body.get("name"), f"the name of {label} '{child.name}'")
            if alias is None:
                unsettled.add(kind)
                continue
            alias = alias.rsplit("/", 1)[-1]
            at = places.where(self.path, child.start)
            if off:
                notes.append(Note("SC609", f"the condition of {label} '{alias}' is false with these parameters: ARM "
                                  "would not deploy it (it is checked anyway)", at))
            child_properties = child_body.get("properties")
            if kind == "outputs":
                found[kind].append(shape.output(alias, child_properties, at))
            elif kind == "inputs":
                found[kind].append(shape.input(alias, child_properties, at))
            elif kind == "functions":
                found[kind].append(shape.function(alias, child_properties, at))
            elif kind == "transformations" and written is None:
                written = child_properties.get("query") if child_properties else None
                query = shape.query(written, "the job's query", "bicep")
        if written is None and not statement.existing:
            notes.append(Note("SC609", "the job has no query (neither properties.transformation.properties.query nor "
                              "a transformations child resource): it is not checked", where))
        outputs, inputs, functions = (None if kind in unsettled and not found[kind] else tuple(found[kind])
                                      for kind in ("outputs", "inputs", "functions"))
        root = os.path.dirname(self.path) or "."
        return Job(name, "bicep", self.path, root, query, level, locale, policy, identity, outputs, inputs, functions,
                   (), tuple(notes))

    def children(self, symbol: str, statement: X.Statement,
                 job_name: str | None) -> Iterator[tuple[X.Statement, dict[str, Val], str, bool]]:
        """(statement, loop values, type, condition false) of each copy of the job's outputs,
        inputs, functions and transformation: nested in its body, or resources whose
        `parent:` is the job or whose name starts with the job's name and a slash."""
        parent_type = _type_of(statement)
        for child in statement.children:
            child_type = _child_type(parent_type, child)
            if child_type.rsplit("/", 1)[-1] in _CHILD_KINDS:
                for names, off in self.instances(child):
                    yield child, names, child_type, off
        for other_name, other in self.resources.items():
            other_type = _type_of(other)
            if other_name == symbol or other_type.rsplit("/", 1)[0] != JOB \
                    or other_type.rsplit("/", 1)[-1] not in _CHILD_KINDS:
                continue
            for names, off in self.instances(other):
                body = self.instance_body(other, names)
                if body is None:
                    continue
                parent = body.get("parent")
                named = body.get("name")
                if parent is not None and parent.value == Resource((self.path, symbol), ""):
                    yield other, names, other_type, off
                elif parent is None and named is not None and isinstance(named.value, str) and job_name and \
                        named.value.lower().startswith(job_name.lower() + "/"):
                    yield other, names, other_type, off

    # ---- tables ---------------------------------------------------------------------------------
    def scripts(self) -> list[Script]:
        """The Kusto scripts of this file: top-level, or nested in their database (or its
        cluster), each bound to its database and cluster."""
        found: list[Script] = []
        notes: list[Note] = []
        shape = ArmShape(self.reader.places, notes)
        for statement, enclosing in self.script_statements():
            for names, _ in self.instances(statement):
                body = self.instance_body(statement, names)
                content = body.get("properties", "scriptContent") if body is not None else None
                if body is None or content is None:
                    continue
                text = shape.text(content, f"the script of '{statement.name}'")
                if text is None:
                    continue
                database, cluster = self.database_of(body, enclosing)
                placed = None
                if content.origin == "literal" and content.text is not None:
                    node = content.text
                    placed = Placed(node.raw_start, node.style, "bicep", node.indent, node.raw_end)
                found.append(Script("adx", text, content.file, database, cluster, placed,
                                    self.reader.places.of(content)))
        self.reader.notes.extend(notes)
        return found

    def script_statements(self) -> Iterator[tuple[X.Statement, tuple[X.Statement, ...]]]:
        """(statement, the resources it is nested in, outermost first) of each script."""
        def walk(statement: X.Statement, type_: str, enclosing: tuple[X.Statement, ...]):
            if type_ == SCRIPTS and not statement.existing:
                yield statement, enclosing
            for child in statement.children:
                yield from walk(child, _child_type(type_, child), enclosing + (statement,))

        for statement in self.resources.values():
            yield from walk(statement, _type_of(statement), ())

    def database_of(self, body: Val, enclosing: tuple[X.Statement, ...] = ()) -> tuple[str | None, str | None]:
        """(database, cluster) of a script resource: the database it is nested in or its
        `parent:` names (by name; the cluster that database's parent or name gives), or the
        middle of a `cluster/database/script` name."""
        database_statement: X.Statement | None = enclosing[-1] if enclosing else None
        if database_statement is None:
            parent = body.get("parent")
            if parent is not None and isinstance(parent.value, Resource) and parent.value.attribute == "":
                symbol = parent.value.key[1]
                database_statement = self.statements.get(symbol) or self.nested.get(symbol)
        if database_statement is not None:
            database_body = self.body(database_statement)
            named = database_body.get("name") if database_body is not None else None
            if named is not None and isinstance(named.value, str):
                cluster = self.cluster_of(database_statement, database_body, enclosing[:-1])
                parts = named.value.split("/")
                if cluster is None and len(parts) == 2:
                    cluster = parts[0]
                return parts[-1], cluster
            return None, None
        named = body.get("name")
        if named is not None and isinstance(named.value, str) and named.value.count("/") == 2:
            cluster_part, database_part, _ = named.value.split("/")
            return database_part, cluster_part
        return None, None

    def cluster_of(self, database: X.Statement, body: Val | None,
                   enclosing: tuple[X.Statement, ...]) -> str | None:
        """The name of the cluster a database resource is nested in or names as `parent:`."""
        cluster_statement: X.Statement | None = enclosing[-1] if enclosing else self.parents.get(database.name or "")
        if cluster_statement is None and body is not None:
            grand = body.get("parent")
            if grand is not None and isinstance(grand.value, Resource) and grand.value.attribute == "":
                symbol = grand.value.key[1]
                cluster_statement = self.statements.get(symbol) or self.nested.get(symbol)
        cluster_body = self.body(cluster_statement) if cluster_statement is not None else None
        named = cluster_body.get("name") if cluster_body is not None else None
        return named.value if named is not None and isinstance(named.value, str) else None


def _type_of(statement: X.Statement) -> str:
    """The resource type without its API version, in lower case."""
    type_ = statement.type
    if isinstance(type_, X.Text):
        return type_.value.split("@", 1)[0].strip().lower()
    return ""


def _child_type(parent_type: str, child: X.Statement) -> str:
    """A nested resource's full type: its own when written in full, else its parent's and
    the one segment it writes (`resource out 'outputs' = ...` in a job)."""
    own = _type_of(child)
    return own if "/" in own and own.startswith("microsoft.") else f"{parent_type}/{own}"
