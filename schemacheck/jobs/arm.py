"""Azure Stream Analytics jobs read from ARM deployment templates (JSON).

- `is_template(data)`: a parsed template with a Microsoft.StreamAnalytics/streamingjobs
  resource in its `resources` (an array, or languageVersion 2.0's object of symbolic names).
- `looks_like_template(text)`: a cheap test on raw text, so a directory scan parses only
  the files that may be templates.
- `read_template(path, parameters)`: one Job per streaming job resource. Inputs, outputs,
  functions and the query come from the job's `properties` and from child resources
  (`.../streamingjobs/outputs`, top-level or in the job's own `resources`), matched to
  their job by name, by dependsOn, or as the template's only job.
- Values written as expressions are evaluated (schemacheck.jobs.armexpr) with the
  parameters file. A value that stays unknown is None plus an SC608 note at the
  expression; something missing or not understood is an SC609 note. Notes quote
  expressions as written, never a secure parameter's value.
- A literal query keeps its place in the file (`Query.json_string_at`), also when it is
  exactly `[parameters('x')]` or `[variables('x')]` and that value is a literal string in
  the parameters file or the template.
- Bicep is not read: it must be compiled to JSON first.
"""

from __future__ import annotations

import json
import os

from schemacheck.config import ADX
from schemacheck.errors import InputError
from schemacheck.jobs import armexpr
from schemacheck.jobs.armexpr import Unresolved
from schemacheck.jobs.jsonfile import JsonFile, get, key, load_json, text_value
from schemacheck.jobs.kinds import arm_input_kind, arm_output_kind
from schemacheck.jobs.model import (Function, Identity, Input, Job, Note, Output, Query, Setting,
                                    Where)

JOB_TYPE = "microsoft.streamanalytics/streamingjobs"
CHILD_KINDS = {"inputs": "input", "outputs": "output", "functions": "function",
               "transformations": "transformation"}
SECURE_TYPES = ("securestring", "secureobject")

# Takes the place of an unknown part of a child resource's name ("job/alias"), so the
# known part still shows.
_STAND_IN = "\x00"
_ADVICE = ("pass --parameters FILE with its value, or write the value in the template, "
           "to have it checked")


def is_template(data: object) -> bool:
    """Whether parsed JSON is a template holding at least one streaming job."""
    return any(_type_of(resource) == JOB_TYPE for resource, _, _ in _resources(data))


def read_template(path: str, parameters: str | None = None) -> list[Job]:
    """The streaming jobs a template defines, with values from the parameters file."""
    if path.lower().endswith(".bicep"):
        raise InputError(f"is a Bicep file: compile it to JSON first (`bicep build {path}` or "
                         f"`az bicep build --file {path}`) and check the .json it writes", path)
    template = load_json(path, "ARM template")
    if not is_template(template.data):
        raise InputError('not an ARM template with a Microsoft.StreamAnalytics/streamingjobs '
                         'resource in its "resources"', path)
    supplied = None
    if parameters is not None:
        if parameters.lower().endswith(".bicepparam"):
            raise InputError(f"is a Bicep parameters file: compile it to JSON first (`bicep "
                             f"build-params {parameters}`) and pass the .json it writes", parameters)
        supplied = load_json(parameters, "ARM parameters file")
    return _Reader(template, supplied).jobs()


def _resources(data: object) -> list[tuple[dict, tuple, str | None]]:
    """(resource, key path, symbolic name) of each top-level resource."""
    name = key(data, "resources")
    if name is None:
        return []
    resources = data[name]
    if isinstance(resources, list):
        return [(r, (name, i), None) for i, r in enumerate(resources) if isinstance(r, dict)]
    if isinstance(resources, dict):
        return [(r, (name, s), s) for s, r in resources.items() if isinstance(r, dict)]
    return []


def _type_of(resource: object) -> str:
    kind = get(resource, "type")
    return kind.strip().lower() if isinstance(kind, str) else ""


def _child_kind(kind: str, nested: bool) -> str | None:
    """"outputs" for `.../streamingjobs/outputs` (or `outputs` inside the job), else None."""
    if kind.startswith(JOB_TYPE + "/"):
        kind = kind[len(JOB_TYPE) + 1:]
    elif not nested:
        return None
    return kind if kind in CHILD_KINDS else None


def _short(expression: str) -> str:
    return expression if len(expression) <= 120 else expression[:117] + "..."


def _offset(text: str, line: int, column: int) -> int:
    at = 0
    for _ in range(line - 1):
        at = text.index("\n", at) + 1
    return at + column - 1


def _string_at(file: JsonFile, path: tuple, expected: str) -> int | None:
    """Offset of the opening quote of the JSON string at `path` in `file`, if it holds
    `expected` (else None: the positions would not map)."""
    where = file.where(path)
    if where.line is None:
        return None
    at = _offset(file.text, where.line, where.column)
    if file.text[at:at + 1] != '"':
        return None
    try:
        found, _ = json.JSONDecoder().raw_decode(file.text, at)
    except ValueError:
        return None
    return at if found == expected else None


class _Node:
    """A template value and where it is written. `how`: "written" (the value is in the
    file at `path`), "computed" (an expression at `path` gave it; `raw` is the
    expression) or "within" (part of a computed value; `path` is the expression's)."""

    __slots__ = ("value", "path", "raw", "how", "secure")

    def __init__(self, value, path: tuple, raw, how: str, secure: bool = False) -> None:
        self.value = value
        self.path = path
        self.raw = raw
        self.how = how
        self.secure = secure


class _Draft:
    """A streaming job resource being read, and the child resources found for it."""

    def __init__(self, node: _Node, symbol: str | None, name: str | None, name_raw) -> None:
        self.node = node
        self.symbol = symbol
        self.name = name
        self.name_raw = name_raw
        self.children: list[tuple[str, _Node]] = []
        self.notes: list[Note] = []


class _Reader:
    """Reads one template (and its parameters file) into Jobs."""

    def __init__(self, template: JsonFile, parameters: JsonFile | None) -> None:
        self.template = template
        self.parameters_file = parameters
        data = template.data
        declared = get(data, "parameters")
        self.declared = declared if isinstance(declared, dict) else {}
        variables = get(data, "variables")
        self.variables = variables if isinstance(variables, dict) else {}
        self.supplied: dict[str, tuple[dict, tuple]] = {}   # name.lower() -> (entry, path)
        self.file_notes: list[Note] = []
        if parameters is not None:
            self._read_parameters(parameters)
        self.context = armexpr.Context(
            self.declared, {name: entry for name, (entry, _) in self.supplied.items()},
            self.variables)

    # ---- the parameters file ----------------------------------------------------------

    def _read_parameters(self, file: JsonFile) -> None:
        data = file.data
        if not isinstance(data, dict):
            raise InputError('not an ARM parameters file: expected an object with "parameters"',
                             file.path, 1, 1)
        section = key(data, "parameters")
        standard = (section is not None and isinstance(data[section], dict)
                    and (key(data, "$schema", "contentVersion") is not None
                         or not _is_entry(data[section])))
        if standard:
            entries, base = data[section], (section,)
        else:  # the bare form: {"x": {"value": ...}}
            entries = {n: v for n, v in data.items()
                       if n not in ("$schema", "contentVersion", "metadata")}
            base = ()
        declared = {n.lower() for n in self.declared if isinstance(n, str)}
        for name, entry in entries.items():
            where = file.where(base + (name,))
            if not _is_entry(entry):
                self.file_notes.append(Note("SC609", f"parameter '{name}' in the parameters file has "
                                            'no "value" (or Key Vault "reference"); it is ignored',
                                            where))
                continue
            if name.lower() not in declared:
                self.file_notes.append(Note("SC609", f"the parameters file gives parameter '{name}', "
                                            "which the template does not declare; ARM refuses to "
                                            "deploy with it", where))
            self.supplied[name.lower()] = (entry, base + (name,))

    # ---- values -----------------------------------------------------------------------

    def at(self, raw, path: tuple, how: str = "written", secure: bool = False) -> _Node:
        if how == "within" or not isinstance(raw, str):
            return _Node(raw, path, raw, how, secure)
        if armexpr.is_expression(raw):
            self.context.secure_read = False
            value = armexpr.evaluate(raw, self.context)
            return _Node(value, path, raw, "computed", self.context.secure_read)
        return _Node(armexpr.evaluate(raw), path, raw, "written")

    def child(self, node: _Node | None, *names: str) -> _Node | None:
        if node is None or not isinstance(node.value, dict):
            return None
        name = key(node.value, *names)
        if name is None:
            return None
        inside = node.how != "written"
        return self.at(node.value[name], node.path if inside else node.path + (name,),
                       "within" if inside else "written", node.secure)

    def elements(self, node: _Node | None) -> list[_Node]:
        if node is None or not isinstance(node.value, list):
            return []
        inside = node.how != "written"
        return [self.at(value, node.path if inside else node.path + (i,),
                        "within" if inside else "written", node.secure)
                for i, value in enumerate(node.value)]

    def where(self, node: _Node) -> Where:
        return self.template.where(node.path)

    def unresolved(self, node: _Node | None, what: str, notes: list[Note]) -> bool:
        """Whether `node` is unresolved (noting it, SC608)."""
        if node is None or not isinstance(node.value, Unresolved):
            return False
        expression = node.raw if isinstance(node.raw, str) else node.value.expression
        notes.append(Note("SC608", f"{what} is {_short(expression)}, which schemacheck cannot "
                          f"resolve ({node.value.reason}); {_ADVICE}", self.where(node)))
        return True

    def text(self, node: _Node | None, what: str, notes: list[Note]) -> str | None:
        """A scalar value as text; None when missing, unresolved (noted) or not a scalar (noted)."""
        if node is None or self.unresolved(node, what, notes):
            return None
        if isinstance(node.value, (dict, list)):
            shape = "an object" if isinstance(node.value, dict) else "an array"
            notes.append(Note("SC609", f"{what} should be text, not {shape}; it is not checked",
                              self.where(node)))
            return None
        return text_value(node.value)

    def shown(self, node: _Node) -> str:
        return "(a secure parameter)" if node.secure else f"'{text_value(node.value)}'"

    def name_parts(self, node: _Node) -> tuple[str | None, str | None]:
        """(job, alias) from a child resource's name "job/alias" (or "alias"); None for a
        part that cannot be known."""
        name_node = self.child(node, "name")
        if name_node is None:
            return None, None
        name = name_node.value
        if name_node.how == "computed":
            name = armexpr.evaluate(name_node.raw, self.context, stand_in=_STAND_IN)
        if not isinstance(name, str):
            return None, None
        parts = name.split("/")
        alias = parts[-1] if parts[-1] and _STAND_IN not in parts[-1] else None
        job = parts[0] if len(parts) > 1 and parts[0] and _STAND_IN not in parts[0] else None
        return job, alias

    # ---- jobs -------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        drafts: list[_Draft] = []
        strays: list[tuple[str, _Node]] = []
        for raw, path, symbol in _resources(self.template.data):
            node = self.at(raw, path)
            kind = _type_of(raw)
            if kind == JOB_TYPE:
                name = self.child(node, "name")
                job_name = name.value if name is not None and isinstance(name.value, str) else None
                draft = _Draft(node, symbol, job_name, name.raw if name is not None else None)
                for child in self.elements(self.child(node, "resources")):
                    child_kind = _child_kind(_type_of(child.value), nested=True)
                    if child_kind and not self.switched_off(child):
                        draft.children.append((child_kind, child))
                drafts.append(draft)
            elif _child_kind(kind, nested=False) and not self.switched_off(node):
                strays.append((_child_kind(kind, nested=False), node))
        for kind, node in strays:
            owner = self.owner(drafts, node)
            if owner is not None:
                owner.children.append((kind, node))
            else:
                _, alias = self.name_parts(node)
                shown = alias or _short(str(get(node.value, "name")))
                drafts[0].notes.append(Note(
                    "SC609", f"the {CHILD_KINDS[kind]} resource '{shown}' belongs to no streaming "
                    "job this template defines (its name and dependsOn match none); it is not read",
                    self.where(node)))
        return [self.job(draft) for draft in drafts]

    def switched_off(self, node: _Node) -> bool:
        """Whether a child resource's `condition` is false: it is not deployed."""
        condition = self.child(node, "condition")
        return condition is not None and condition.value is False

    def owner(self, drafts: list[_Draft], node: _Node) -> _Draft | None:
        """The job a top-level child resource belongs to."""
        prefix, _ = self.name_parts(node)
        if prefix is not None:
            named = [d for d in drafts if isinstance(d.name, str) and d.name.lower() == prefix.lower()]
            if len(named) == 1:
                return named[0]
        depends = get(node.value, "dependsOn")
        depends = [d for d in depends if isinstance(d, str)] if isinstance(depends, list) else []
        for draft in drafts:
            if draft.symbol is not None and draft.symbol in depends:
                return draft
        hints = [_squeezed(text) for text in depends + [get(node.value, "name")]
                 if isinstance(text, str)]
        mentioned = [d for d in drafts if any(_mentions(hint, d) for hint in hints)]
        if len(mentioned) == 1:
            return mentioned[0]
        # Nothing names the job: the only one it can be (a known, different name rules one out).
        possible = drafts if prefix is None else [d for d in drafts if d.name is None]
        return possible[0] if len(possible) == 1 else None

    def job(self, draft: _Draft) -> Job:
        notes = draft.notes
        properties = self.child(draft.node, "properties")
        unknown = self.unresolved(properties, "the job's properties", notes)
        if unknown:
            properties = None
        settings_at = properties if properties is not None else draft.node
        return Job(
            name=draft.name,
            form="arm",
            source=self.template.path,
            root=os.path.dirname(self.template.path),
            query=self.query(draft, properties, notes, unknown),
            compat_level=self.setting(properties, settings_at, "compatibilityLevel",
                                      "the compatibility level", notes),
            data_locale=self.setting(properties, settings_at, "dataLocale", "the data locale", notes),
            error_policy=self.setting(properties, settings_at, "outputErrorPolicy",
                                      "the output error policy", notes),
            identity=self.identity(draft.node, notes),
            outputs=self.collection(draft, properties, "outputs", self.output, notes, unknown),
            inputs=self.collection(draft, properties, "inputs", self.input, notes, unknown),
            functions=self.collection(draft, properties, "functions", self.function, notes, unknown),
            notes=tuple(notes + self.file_notes),
        )

    def setting(self, properties: _Node | None, fallback: _Node, name: str, what: str,
                notes: list[Note]) -> Setting:
        node = self.child(properties, name)
        if node is None:
            return Setting(None, self.where(fallback))
        return Setting(self.text(node, what, notes), self.where(node))

    def identity(self, resource: _Node, notes: list[Note]) -> Identity:
        identity = self.child(resource, "identity")
        if identity is None or identity.value is None:
            return Identity("none", (), self.where(resource))
        where = self.where(identity)
        if self.unresolved(identity, "the job's identity", notes):
            return Identity("unknown", (), where)
        if not isinstance(identity.value, dict):
            notes.append(Note("SC609", "the job's identity should be an object with a type; it is "
                              "not understood", where))
            return Identity("unknown", (), where)
        users = self.user_identities(identity)
        kind_node = self.child(identity, "type")
        if kind_node is None:
            notes.append(Note("SC609", "the job's identity has no type (SystemAssigned, "
                              "UserAssigned or None)", where))
            return Identity("unknown", users, where)
        where = self.where(kind_node)
        kind = self.text(kind_node, "the job's identity type", notes)
        if kind is None:
            return Identity("unknown", users, where)
        parts = {part.strip().lower() for part in kind.split(",")}
        if "systemassigned" in parts:
            return Identity("system", users, where)
        if "userassigned" in parts:
            return Identity("user", users, where)
        if parts == {"none"}:
            return Identity("none", users, where)
        notes.append(Note("SC609", f"the job's identity type {self.shown(kind_node)} is not one ARM "
                          "knows (SystemAssigned, UserAssigned or None)", where))
        return Identity("unknown", users, where)

    def user_identities(self, identity: _Node) -> tuple[str, ...]:
        """Resource ids of user-assigned identities; kept as written when not resolvable."""
        listed = self.child(identity, "userAssignedIdentities")
        if listed is None or not isinstance(listed.value, dict):
            return ()
        ids = []
        for written in listed.value:
            value = written
            if listed.how == "written":
                value = armexpr.evaluate(written, self.context)
            ids.append(value if isinstance(value, str) else written)
        return tuple(ids)

    # ---- the query --------------------------------------------------------------------

    def query(self, draft: _Draft, properties: _Node | None, notes: list[Note],
              unknown: bool = False) -> Query | None:
        transformation = self.child(properties, "transformation")
        settings = self.child(transformation, "properties")
        query = self.child(settings, "query")
        if query is None and (self.unresolved(transformation, "the job's transformation", notes)
                              or self.unresolved(settings, "the job's transformation", notes)):
            return None
        if query is None:
            found = [self.child(self.child(node, "properties"), "query")
                     for kind, node in draft.children if kind == "transformations"]
            found = [node for node in found if node is not None]
            if len(found) > 1:
                notes.append(Note("SC609", f"the job has {len(found)} transformation resources; ASA "
                                  "runs one, and the first is checked", self.where(found[1])))
            query = found[0] if found else None
        if query is None and unknown:
            return None
        if query is None:
            notes.append(Note("SC609", "the template gives the job no query (neither "
                              "properties.transformation.properties.query nor a "
                              "Microsoft.StreamAnalytics/streamingjobs/transformations "
                              "resource); it is not checked", self.where(draft.node)))
            return None
        if self.unresolved(query, "the job's query", notes):
            return None
        if not isinstance(query.value, str):
            notes.append(Note("SC609", "the job's query should be text; it is not checked",
                              self.where(query)))
            return None
        text = query.value
        if query.how == "written" and query.raw == text:
            at = _string_at(self.template, query.path, text)
            if at is not None:
                return Query(text, self.template.path, at)
        elif query.how == "computed":
            placed = self.literal_source(query.raw, text)
            if placed is not None:
                return Query(text, placed[0].path, placed[1])
        return Query(text, self.template.path, None, self.where(query))

    def literal_source(self, expression: str, value: str) -> tuple[JsonFile, int] | None:
        """Where a value given by `[parameters('x')]` or `[variables('x')]` is written as a
        literal string: (file, offset of its opening quote), or None."""
        reference = armexpr.reference_to(expression)
        if reference is None:
            return None
        kind, name = reference
        if kind == "parameters":
            supplied = self.supplied.get(name.lower())
            if supplied is not None:
                entry, path = supplied
                value_key = key(entry, "value")
                if value_key is None or self.parameters_file is None:
                    return None
                at = _string_at(self.parameters_file, path + (value_key,), value)
                return (self.parameters_file, at) if at is not None else None
            declared = key(self.declared, name)
            default = key(self.declared[declared], "defaultValue") if declared is not None else None
            if default is None or not isinstance(self.declared[declared], dict):
                return None
            written = self.declared[declared][default]
            path = (key(self.template.data, "parameters"), declared, default)
        else:
            declared = key(self.variables, name)
            if declared is None:
                return None
            written = self.variables[declared]
            path = (key(self.template.data, "variables"), declared)
        if written != value or armexpr.is_expression(written):
            return None
        at = _string_at(self.template, path, value)
        return (self.template, at) if at is not None else None

    # ---- inputs, outputs, functions ---------------------------------------------------

    def collection(self, draft: _Draft, properties: _Node | None, kind: str, build,
                   notes: list[Note], unknown: bool = False) -> tuple | None:
        """The job's `properties.<kind>` and `<kind>` child resources, each read by `build`.
        None only when the array (or the properties holding it) cannot be resolved and no
        child resource says anything either: the job's `kind` are not known."""
        items = []
        listed = self.child(properties, kind)
        unknown = self.unresolved(listed, f"the job's {kind}", notes) or unknown
        if listed is not None and not unknown and listed.value is not None:
            if isinstance(listed.value, list):
                for element in self.elements(listed):
                    items.append(self.named(element, build, kind, notes))
            else:
                notes.append(Note("SC609", f"the job's {kind} should be an array; they are not "
                                  "read", self.where(listed)))
        for child_kind, node in draft.children:
            if child_kind == kind:
                items.append(self.named(node, build, kind, notes))
        items = [item for item in items if item is not None]
        return None if unknown and not items else tuple(items)

    def named(self, node: _Node, build, kind: str, notes: list[Note]):
        what = ("an " if kind[0] in "aeiou" else "a ") + CHILD_KINDS[kind]
        if self.unresolved(node, what, notes):
            return None
        if not isinstance(node.value, dict):
            notes.append(Note("SC609", f"an entry of the job's {kind} is not an object; it is not "
                              "read", self.where(node)))
            return None
        name = get(node.value, "name")
        if name is None:
            notes.append(Note("SC609", f"{what} without a name; it is not read", self.where(node)))
            return None
        _, alias = self.name_parts(node)
        if alias is None:   # the name as written stands in for it
            name_node = self.child(node, "name")
            alias = name if isinstance(name, str) else json.dumps(name)
            if not self.unresolved(name_node, f"the name of {what} {_short(alias)}", notes):
                notes.append(Note("SC608", f"the name of {what} {_short(alias)} cannot be "
                                  f"resolved; {_ADVICE}", self.where(name_node)))
        return build(node, alias, notes)

    def output(self, node: _Node, alias: str, notes: list[Note]) -> Output:
        label = f"output '{alias}'"
        where = self.where(node)
        properties = self.child(node, "properties")
        datasource = self.child(properties, "datasource")
        if (self.unresolved(properties, f"the properties of {label}", notes)
                or self.unresolved(datasource, f"the datasource of {label}", notes)):
            return Output(alias, None, where=where)
        type_node = self.child(datasource, "type")
        if type_node is None:
            notes.append(Note("SC609", f"cannot tell what {label} is: the template gives it no "
                              "datasource type (older build tools wrote an empty `properties` for "
                              "outputs they did not support); it is not checked", where))
            return Output(alias, None, where=where)
        datasource_type = self.text(type_node, f"the datasource type of {label}", notes)
        kind = arm_output_kind(datasource_type)
        if kind != ADX:
            return Output(alias, kind, datasource_type, where=where)
        settings = self.child(datasource, "properties")
        if self.unresolved(settings, f"the datasource properties of {label}", notes):
            settings = None
        values = [self.text(self.child(settings, name), f"the {what} of {label}", notes)
                  for name, what in (("cluster", "cluster"), ("database", "database"),
                                     ("table", "table"), ("authenticationMode", "authentication mode"))]
        return Output(alias, kind, datasource_type, *values, where=where)

    def input(self, node: _Node, alias: str, notes: list[Note]) -> Input:
        label = f"input '{alias}'"
        properties = self.child(node, "properties")
        self.unresolved(properties, f"the properties of {label}", notes)
        stream = self.text(self.child(properties, "type"), f"the type of {label}", notes)
        stream = {"stream": True, "reference": False}.get(stream.lower()) if stream else None
        datasource = self.child(properties, "datasource")
        self.unresolved(datasource, f"the datasource of {label}", notes)
        datasource_type = self.text(self.child(datasource, "type"),
                                    f"the datasource type of {label}", notes)
        return Input(alias, arm_input_kind(datasource_type), stream, datasource_type, self.where(node))

    def function(self, node: _Node, name: str, notes: list[Note]) -> Function:
        label = f"function '{name}'"
        properties = self.child(node, "properties")
        self.unresolved(properties, f"the properties of {label}", notes)
        kind = self.text(self.child(properties, "type"), f"the type of {label}", notes)
        # The REST shape nests the output under a second `properties`; accept one level too.
        output = (self.child(self.child(properties, "properties"), "output")
                  or self.child(properties, "output"))
        output_type = self.text(self.child(output, "dataType"), f"the output type of {label}", notes)
        return Function(name, output_type, (kind or "").lower() == "aggregate", self.where(node))


def _is_entry(value: object) -> bool:
    return isinstance(value, dict) and key(value, "value", "reference") is not None


def _squeezed(text: str) -> str:
    return "".join(text.split()).lower()


def _mentions(hint: str, draft: _Draft) -> bool:
    """Whether a child's name or dependsOn entry (squeezed) names this job: the job's name
    expression inside it, or the job's literal name as a quoted or last path segment."""
    raw = draft.name_raw
    if armexpr.is_expression(raw):
        return _squeezed(raw[1:-1]) in hint
    if isinstance(draft.name, str) and draft.name:
        name = _squeezed(draft.name)
        return f"'{name}'" in hint or hint.endswith("/" + name) or hint == name
    return False
