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
- An input's facts about its data (serialization type, a blob's pathPattern, a File input's
  path, a SQL Database reference input's database, table, refreshType and queries) are
  optional: a value that stays unknown is None without a note; one that is not understood is
  None with an SC609 note. A SQL query's place is where its string is written (in the
  parameters file, for `[parameters('x')]`).
- An output's settings (Output.settings: the names model.OUTPUT_SETTINGS lists for its kind,
  read from `properties.datasource.properties` and `properties.serialization` as
  schemacheck.jobs.iac.SERIALIZED_SETTINGS says) are each at the value (or the expression giving
  it); a value that stays unknown is left out with an SC608 note, one of another shape (an
  array where text is expected) with an SC609 note. ADX and SQL outputs keep none.
- A literal query keeps its place in the file (`Query.json_string_at`), also when it is
  exactly `[parameters('x')]` or `[variables('x')]` and that value is a literal string in
  the parameters file or the template.
- Nested deployments (`Microsoft.Resources/deployments` with an inline `template`, what
  Bicep modules compile to) are read, to any depth up to MAX_NESTING: with
  `expressionEvaluationOptions.scope` "inner" the inner template's parameters take the
  deployment's `parameters` values, evaluated in the outer scope; otherwise the inner
  template is evaluated in the outer scope. Positions stay in the file. A deployment or job
  whose `condition` is false is still read, with an SC609 note saying ARM would skip it.
- `copy` loops over resources (jobs, child resources, deployments) and over the job's
  `inputs`/`outputs`/`functions` properties are expanded when their count is known and at
  most MAX_COPIES; copyIndex() then has its value. Otherwise the resource is read once.
- A trailing comma before `}` or `]` (which JSON forbids and ARM's parser accepts) is read as
  if it were not there, with an SC609 note at the comma.
- Bicep is not read: it must be compiled to JSON first.
"""

from __future__ import annotations

import copy
import json
import os
import re

from schemacheck.errors import InputError
from schemacheck.jobs import armexpr
from schemacheck.jobs.armexpr import Unresolved
from schemacheck.jobs.iac import (
    DELTA_ONLY_KINDS,
    EITHER_SETTINGS,
    LIST_SETTINGS,
    PAIR_SETTINGS,
    SERIALIZED_SETTINGS,
    shape_of,
)
from schemacheck.jobs.jsonfile import JsonFile, get, key, load_json, shown_value, strip_comments, text_value
from schemacheck.jobs.kinds import (
    REFRESH_TYPE_NAMES,
    SERIALIZATION_NAMES,
    SQL_KINDS,
    arm_input_kind,
    arm_output_kind,
    refresh_type_name,
    serialization_name,
)
from schemacheck.jobs.model import (
    OUTPUT_SETTINGS,
    Function,
    Identity,
    Input,
    Job,
    Note,
    Output,
    OutputSetting,
    Query,
    Script,
    Setting,
    SqlText,
    Where,
)
from schemacheck.kinds import ADX

JOB_TYPE = "microsoft.streamanalytics/streamingjobs"
KUSTO_CLUSTER = "microsoft.kusto/clusters"
DEPLOYMENT_TYPE = "microsoft.resources/deployments"
MAX_NESTING = 10          # nested deployments inside one another
MAX_COPIES = 100          # iterations of one copy loop that are expanded
MAX_EXPANDED = 1000       # iterations expanded in one template, all loops together
CHILD_KINDS = {"inputs": "input", "outputs": "output", "functions": "function",
               "transformations": "transformation"}
SECURE_TYPES = ("securestring", "secureobject")

# Takes the place of an unknown part of a child resource's name ("job/alias"), so the
# known part still shows.
_STAND_IN = "\x00"
_ADVICE = ("pass --parameters FILE with its value, or write the value in the template, "
           "to have it checked")
_NOT_PASSED = "does not pass one and it has no defaultValue"   # armexpr's reason, nested
_NESTED_ADVICE = ("pass it in the deployment's parameters, or give it a defaultValue, to have it "
                  "checked")


def is_template(data: object) -> bool:
    """Whether parsed JSON is a template holding at least one streaming job, at its top
    level or in a nested deployment's inline template."""
    return _holds(data, lambda kind: kind == JOB_TYPE)


def read_template(path: str, parameters: str | None = None) -> list[Job]:
    """The streaming jobs a template defines, with values from the parameters file."""
    if path.lower().endswith(".bicep"):
        raise InputError(f"is a Bicep file: compile it to JSON first (`bicep build {path}` or "
                         f"`az bicep build --file {path}`) and check the .json it writes", path)
    template, notes = _load(path, "ARM template")
    if not is_template(template.data):
        raise InputError('not an ARM template with a Microsoft.StreamAnalytics/streamingjobs '
                         'resource in its "resources"', path)
    supplied = None
    if parameters is not None:
        if parameters.lower().endswith(".bicepparam"):
            raise InputError(f"is a Bicep parameters file: compile it to JSON first (`bicep "
                             f"build-params {parameters}`) and pass the .json it writes", parameters)
        supplied, more = _load(parameters, "ARM parameters file")
        notes += more
    return read_loaded(template, supplied, notes)


def read_loaded(template: JsonFile, parameters: JsonFile | None, notes: list[Note] | None = None) -> list[Job]:
    """The streaming jobs of a template already read (a Terraform template deployment's
    `template_content`), with its parameters; none when it deploys no job."""
    if not is_template(template.data):
        return []
    reader = _Reader(template, parameters)
    reader.file_notes[:0] = notes or []
    return reader.jobs()


def load_template(path: str, what: str = "ARM template") -> tuple[JsonFile, list[Note]]:
    """A template file read as read_template reads it (trailing commas noted)."""
    return _load(path, what)


_TRAILING_COMMA = re.compile(r'"(?:[^"\\]|\\.)*"|(,)(?=\s*[}\]])', re.S)


def _load(path: str, what: str) -> tuple[JsonFile, list[Note]]:
    """A template or parameters file, and SC609 notes for the trailing commas in it (JSON
    forbids them, ARM's parser does not): when the file is not JSON only because of them,
    it is read with each one blanked, so every position stays as in the file."""
    try:
        return load_json(path, what), []
    except InputError as error:
        from schemacheck.files import read_text_file

        try:
            text = strip_comments(read_text_file(path, what))
        except InputError:
            raise error from None
        commas = [m.start(1) for m in _TRAILING_COMMA.finditer(text) if m.group(1)]
        if not commas:
            raise
        characters = list(text)
        for at in commas:
            characters[at] = " "
        blanked = "".join(characters)
        try:
            data = json.loads(blanked)
        except (ValueError, RecursionError):
            raise error from None
        notes = []
        for at in commas:
            line = text.count("\n", 0, at) + 1
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            notes.append(Note("SC609", f"the {what} has a comma before a closing bracket, which JSON "
                              "does not allow (ARM's parser does); it is read as if the comma were "
                              "not there", Where(path, line, column)))
        return JsonFile(path, blanked, data), notes


def _holds_jobs(data: object) -> bool:
    """Whether a (nested) template holds a streaming job or a job's child resource."""
    return _holds(data, lambda kind: kind == JOB_TYPE or kind.startswith(JOB_TYPE + "/"))


def _holds(data: object, wanted, depth: int = 0) -> bool:
    """Whether a resource whose type passes `wanted` is in the template or one nested in it."""
    for resource, _, _ in _resources(data):
        kind = _type_of(resource)
        if wanted(kind):
            return True
        if kind == DEPLOYMENT_TYPE and depth < MAX_NESTING:
            inner = get(get(resource, "properties"), "template")
            if isinstance(inner, dict) and _holds(inner, wanted, depth + 1):
                return True
    return False


def _resources(data: object) -> list[tuple[dict, tuple, str | None]]:
    """(resource, key path, symbolic name) of each top-level resource."""
    name = key(data, "resources")
    if name is None or not isinstance(data, dict):  # (key finds keys of dicts only)
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
    """A streaming job resource being read, the reader of its scope (the template, or the
    nested deployment, that holds it), and the child resources found for it, each with the
    reader of its own scope."""

    def __init__(self, reader: _Reader, node: _Node, symbol: str | None, name: str | None,
                 name_raw) -> None:
        self.reader = reader
        self.node = node
        self.symbol = symbol
        self.name = name
        self.name_raw = name_raw
        self.children: list[tuple[str, _Node, _Reader]] = []
        self.notes: list[Note] = list(reader.scope_notes)
        self.existing = False


class _Scope:
    """The jobs and the top-level child resources of one template scope."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.drafts: list[_Draft] = []
        self.strays: list[tuple[str, _Node, _Reader]] = []
        self.scripts: list[Script] = []


class _Reader:
    """Reads one template (and its parameters file) into Jobs."""

    def __init__(self, template: JsonFile, parameters: JsonFile | None) -> None:
        self.template = template
        self.parameters_file = parameters
        data = template.data
        # This scope's template and its path in the file; where its parameters and
        # variables are declared (an outer-scope nested template uses its parent's).
        self.data, self.base = data, ()
        self.scope_data, self.scope_base = data, ()
        declared = get(data, "parameters")
        self.declared = declared if isinstance(declared, dict) else {}
        variables = get(data, "variables")
        self.variables = variables if isinstance(variables, dict) else {}
        # name.lower() -> (entry as written, its path, its file, the reader that evaluates it
        # when it is an expression: the outer scope of a nested deployment, else None)
        self.supplied: dict[str, tuple[dict, tuple, JsonFile, _Reader | None]] = {}
        self.file_notes: list[Note] = []
        self.scope_notes: tuple[Note, ...] = ()     # notes every job of this scope gets
        self.depth = 0
        self.copies: dict[str, int] = {}            # the copy loops being expanded here
        self.copy_current: str | None = None
        self.budget = [MAX_EXPANDED]                # shared by every scope and iteration
        if parameters is not None:
            self._read_parameters(parameters)
        self.context = armexpr.Context(
            self.declared, {name: entry for name, (entry, *_) in self.supplied.items()},
            self.variables)

    # ---- the parameters file ----------------------------------------------------------

    def _read_parameters(self, file: JsonFile) -> None:
        data = file.data
        if not isinstance(data, dict):
            raise InputError('not an ARM parameters file: expected an object with "parameters"',
                             file.path, 1, 1)
        section = key(data, "parameters")
        base: tuple
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
            self.supplied[name.lower()] = (entry, base + (name,), file, None)

    # ---- values -----------------------------------------------------------------------

    def evaluate(self, raw, stand_in: str | None = None, deep: bool = False):
        """A template value evaluated in this scope, with the copy loops being expanded."""
        self.context.copies, self.context.copy_current = self.copies, self.copy_current
        if deep:
            return armexpr.resolve_deep(raw, self.context)
        return armexpr.evaluate(raw, self.context, stand_in=stand_in)

    def at(self, raw, path: tuple, how: str = "written", secure: bool = False) -> _Node:
        if how == "within" or not isinstance(raw, str):
            return _Node(raw, path, raw, how, secure)
        if armexpr.is_expression(raw):
            self.context.secure_read = False
            value = self.evaluate(raw)
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
        advice = _NESTED_ADVICE if node.value.reason.endswith(_NOT_PASSED) else _ADVICE
        notes.append(Note("SC608", f"{what} is {_short(expression)}, which schemacheck cannot "
                          f"resolve ({node.value.reason}); {advice}", self.where(node)))
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
            name = self.evaluate(name_node.raw, stand_in=_STAND_IN)
        if not isinstance(name, str):
            return None, None
        parts = name.split("/")
        alias = parts[-1] if parts[-1] and _STAND_IN not in parts[-1] else None
        job = parts[0] if len(parts) > 1 and parts[0] and _STAND_IN not in parts[0] else None
        return job, alias

    # ---- jobs -------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        scopes: list[_Scope] = []
        self.collect(scopes)
        everyone = [d for scope in scopes for d in scope.drafts]
        for scope in scopes:
            reader = scope.reader
            for kind, node, child_reader in scope.strays:
                owner = child_reader.owner(scope.drafts, node) if scope.drafts else None
                if owner is None:
                    owner = child_reader.owner_by_name(everyone, node)
                if owner is not None:
                    owner.children.append((kind, node, child_reader))
                    continue
                _, alias = child_reader.name_parts(node)
                name = get(node.value, "name")
                shown = f"'{alias}'" if alias else f"'{_short(name)}'" if isinstance(name, str) \
                    else "without a name" if name is None else f"named {shown_value(name)}"
                noted = scope.drafts[0] if scope.drafts else everyone[0] if everyone else None
                if noted is not None:
                    noted.notes.append(Note(
                        "SC609", f"the {CHILD_KINDS[kind]} resource {shown} belongs to no "
                        "streaming job this template defines (its name and dependsOn match none); "
                        "it is not read", reader.where(node)))
        # A job the template only refers to (`existing`) is reported when it is given
        # children here, and not otherwise.
        drafts = [d for d in everyone if not d.existing or d.children]
        scripts = tuple(script for scope in scopes for script in scope.scripts)
        return [draft.reader.job(draft)._replace(scripts=scripts) for draft in drafts]

    def collect(self, scopes: list[_Scope]) -> None:
        """This scope's jobs and child resources, then those of its nested deployments."""
        scope = _Scope(self)
        scopes.append(scope)
        nested: list[tuple[_Reader, _Node]] = []
        for raw, path, symbol in _resources(self.data):
            for reader in self.iterations(raw, self.base + path):
                node = reader.at(raw, self.base + path)
                kind = _type_of(raw)
                if kind == JOB_TYPE:
                    scope.drafts.append(reader.draft(node, symbol))
                elif kind == DEPLOYMENT_TYPE:
                    nested.append((reader, node))
                elif (child := _child_kind(kind, nested=False)) and not reader.switched_off(node):
                    scope.strays.append((child, node, reader))
                elif kind.startswith(KUSTO_CLUSTER) and not reader.switched_off(node):
                    reader.kusto_scripts(node, kind, (), scope.scripts)
        for reader, node in nested:
            inner = reader.nested(node)
            if inner is not None:
                inner.collect(scopes)

    def kusto_scripts(self, node: _Node, kind: str, parents: tuple, found: list[Script]) -> None:
        """The Kusto scripts of a cluster, database or script resource (and of the resources
        nested in it), each with the database (and cluster) its name says it runs in."""
        depth = {KUSTO_CLUSTER: 1, KUSTO_CLUSTER + "/databases": 2, KUSTO_CLUSTER + "/databases/scripts": 3}
        levels = depth.get(kind)
        name = self.child(node, "name")
        if levels is None or name is None or not isinstance(name.value, str):
            return
        names = (parents + tuple(name.value.split("/")))[-levels:]
        names = (None,) * (levels - len(names)) + names
        if levels < 3:
            for child in self.elements(self.child(node, "resources")):
                child_kind = _type_of(child.value)
                full = child_kind if child_kind.startswith(KUSTO_CLUSTER) else f"{kind}/{child_kind}"
                for reader in self.iterations(child.value, child.path):
                    inner = reader.at(child.value, child.path)
                    if not reader.switched_off(inner):
                        reader.kusto_scripts(inner, full, names, found)
            return
        cluster, database = names[0], names[1]
        properties = self.child(node, "properties")
        content = self.child(properties, "scriptContent")
        notes: list[Note] = []
        text = self.text(content, "the Kusto script's content", notes) if content is not None else None
        if content is None or text is None:
            return   # a scriptUrl (a blob the template does not hold) or an unknown value
        at = self.template.string_at(content.path, text) if content.how == "written" else None
        found.append(Script("adx", text, self.template.path, database, cluster, None, self.where(content), at))

    def draft(self, node: _Node, symbol: str | None) -> _Draft:
        name = self.child(node, "name")
        job_name = name.value if name is not None and isinstance(name.value, str) else None
        draft = _Draft(self, node, symbol, job_name, name.raw if name is not None else None)
        draft.existing = get(node.value, "existing") is True
        condition = self.child(node, "condition")
        if condition is not None and condition.value is False:
            draft.notes.append(Note(
                "SC609", f"the job's condition {_short(str(condition.raw))} is false with these "
                "parameters, so ARM would not deploy it; it is checked as written",
                self.where(condition)))
        for child in self.elements(self.child(node, "resources")):
            for reader in self.iterations(child.value, child.path):
                child_node = reader.at(child.value, child.path)
                child_kind = _child_kind(_type_of(child_node.value), nested=True)
                if child_kind and not reader.switched_off(child_node):
                    draft.children.append((child_kind, child_node, reader))
        return draft

    def iterations(self, raw: object, path: tuple) -> list[_Reader]:
        """One reader per iteration of the resource's `copy` loop (copyIndex() set), or this
        reader when there is no loop or its count is not known or too large."""
        loop = get(raw, "copy")
        if not isinstance(loop, dict):
            return [self]
        name = get(loop, "name")
        count = self.evaluate(get(loop, "count"))
        if (not isinstance(name, str) or not isinstance(count, int) or isinstance(count, bool)
                or not 0 <= count <= min(MAX_COPIES, self.budget[0])):
            return [self]
        self.budget[0] -= count
        return [self.copying(name, index) for index in range(count)]

    def copying(self, loop: str, index: int) -> _Reader:
        """This reader with a copy loop's iteration set."""
        reader = copy.copy(self)
        reader.copies = dict(self.copies, **{loop.lower(): index})
        reader.copy_current = loop.lower()
        return reader

    def nested(self, node: _Node) -> _Reader | None:
        """The reader of a nested deployment's inline template, or None when it holds no
        streaming job or job child resource (or is not inline)."""
        properties = self.child(node, "properties")
        template = self.child(properties, "template")
        if (template is None or template.how != "written" or not isinstance(template.value, dict)
                or not _holds_jobs(template.value)):
            return None
        label = self.deployment_label(node)
        if self.depth >= MAX_NESTING:
            self.file_notes.append(Note("SC609", f"{label} is nested more than {MAX_NESTING} "
                                        "deployments deep; its streaming jobs are not read",
                                        self.where(node)))
            return None
        reader = copy.copy(self)
        reader.depth = self.depth + 1
        reader.data, reader.base = template.value, template.path
        reader.scope_notes = self.scope_notes
        condition = self.child(node, "condition")
        if condition is not None and condition.value is False:
            reader.scope_notes = self.scope_notes + (Note(
                "SC609", f"the job is in {label}, whose condition {_short(str(condition.raw))} is "
                "false with these parameters, so ARM would not deploy it; it is checked as written",
                self.where(condition)),)
        scope = self.text(self.child(self.child(properties, "expressionEvaluationOptions"), "scope"),
                          f"the expression scope of {label}", self.file_notes)
        if (scope or "").strip().lower() != "inner":
            return reader          # evaluated in the outer scope: this reader's context
        declared = get(template.value, "parameters")
        declared = dict(declared) if isinstance(declared, dict) else {}
        variables = get(template.value, "variables")
        variables = variables if isinstance(variables, dict) else {}
        values: dict = {}
        supplied: dict[str, tuple[dict, tuple, JsonFile, _Reader | None]] = {}
        given = self.child(properties, "parameters")
        if given is not None and given.how == "written" and isinstance(given.value, dict):
            for name, entry in given.value.items():
                if not isinstance(name, str) or not _is_entry(entry):
                    continue
                supplied[name.lower()] = (entry, given.path + (name,), self.template, self)
                value_key = key(entry, "value")
                if value_key is None:       # a Key Vault reference
                    values[name] = entry
                    continue
                self.context.secure_read = False
                values[name] = {"value": self.evaluate(entry[value_key], deep=True)}
                declared_name = key(declared, name)
                if self.context.secure_read and isinstance(declared.get(declared_name), dict):
                    declared[declared_name] = dict(declared[declared_name], type="secureString")
        reader.scope_data, reader.scope_base = template.value, template.path
        reader.declared, reader.variables, reader.supplied = declared, variables, supplied
        reader.copies, reader.copy_current = {}, None
        reader.context = armexpr.Context(declared, values, variables)
        reader.context.supplier = f"{label} does not pass one"
        return reader

    def deployment_label(self, node: _Node) -> str:
        name = self.child(node, "name")
        shown = name.value if name is not None and isinstance(name.value, str) else None
        return f"nested deployment '{shown}'" if shown else "a nested deployment"

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

    def owner_by_name(self, drafts: list[_Draft], node: _Node) -> _Draft | None:
        """The one job of any scope whose name is the child's "job/alias" prefix: a nested
        template (a Bicep module) may add children to a job another scope deploys."""
        prefix, _ = self.name_parts(node)
        if prefix is None:
            return None
        named = [d for d in drafts if isinstance(d.name, str) and d.name.lower() == prefix.lower()]
        return named[0] if len(named) == 1 else None

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
                value = self.evaluate(written)
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
            queries = [(reader, reader.child(reader.child(node, "properties"), "query"))
                       for kind, node, reader in draft.children if kind == "transformations"]
            found = [(reader, node) for reader, node in queries if node is not None]
            if len(found) > 1:
                notes.append(Note("SC609", f"the job has {len(found)} transformation resources; ASA "
                                  "runs one, and the first is checked", self.where(found[1][1])))
            if found:
                return found[0][0].placed_query(found[0][1], notes)
        if query is None and unknown:
            return None
        if query is None:
            notes.append(Note("SC609", "the template gives the job no query (neither "
                              "properties.transformation.properties.query nor a "
                              "Microsoft.StreamAnalytics/streamingjobs/transformations "
                              "resource); it is not checked", self.where(draft.node)))
            return None
        return self.placed_query(query, notes)

    def placed_query(self, query: _Node, notes: list[Note]) -> Query | None:
        """The query's text and where it is written (see the module doc)."""
        if self.unresolved(query, "the job's query", notes):
            return None
        if not isinstance(query.value, str):
            notes.append(Note("SC609", "the job's query should be text; it is not checked",
                              self.where(query)))
            return None
        text = query.value
        if query.how == "written" and query.raw == text:
            at = self.template.string_at(query.path, text)
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
                entry, path, file, outer = supplied
                value_key = key(entry, "value")
                if value_key is None:
                    return None
                if outer is not None and armexpr.is_expression(entry[value_key]):
                    # a nested deployment passes an outer expression: where that is written
                    return outer.literal_source(entry[value_key], value)
                at = file.string_at(path + (value_key,), value)
                return (file, at) if at is not None else None
            declared = key(self.declared, name)
            default = key(self.declared[declared], "defaultValue") if declared is not None else None
            if default is None or not isinstance(self.declared[declared], dict):
                return None
            written = self.declared[declared][default]
            path = self.scope_base + (key(self.scope_data, "parameters"), declared, default)
        else:
            declared = key(self.variables, name)
            if declared is None:
                return None
            written = self.variables[declared]
            path = self.scope_base + (key(self.scope_data, "variables"), declared)
        if written != value or armexpr.is_expression(written):
            return None
        at = self.template.string_at(path, value)
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
        elif listed is None and not unknown:
            copied, unknown = self.property_copies(properties, kind, build, notes)
            items += copied
        for child_kind, node, reader in draft.children:
            if child_kind == kind:
                items.append(reader.named(node, getattr(reader, build.__name__), kind, notes))
        items = [item for item in items if item is not None]
        return None if unknown and not items else tuple(items)

    def property_copies(self, properties: _Node | None, kind: str, build,
                        notes: list[Note]) -> tuple[list, bool]:
        """The job's `kind` built by a property copy loop (`properties.copy`, an entry named
        `kind`), one per iteration; and whether such a loop's count is unknown."""
        items, unknown = [], False
        for loop in self.elements(self.child(properties, "copy")):
            name = get(loop.value, "name")
            if not isinstance(name, str) or name.strip().lower() != kind:
                continue
            count = self.child(loop, "count")
            body = self.child(loop, "input")
            if count is None or body is None:
                continue
            if (isinstance(count.value, Unresolved) or not isinstance(count.value, int)
                    or isinstance(count.value, bool)
                    or not 0 <= count.value <= min(MAX_COPIES, self.budget[0])):
                if not self.unresolved(count, f"the number of the job's {kind} (a copy loop)", notes):
                    notes.append(Note("SC609", f"the job's {kind} are built by a copy loop of "
                                      f"{_short(str(count.raw))} iterations, more than "
                                      f"{MAX_COPIES} or not a number; they are not read",
                                      self.where(count)))
                unknown = True
                continue
            self.budget[0] -= count.value
            for index in range(count.value):
                reader = self.copying(name.strip(), index)
                node = reader.at(body.raw if body.how != "within" else body.value, body.path,
                                 body.how if body.how == "within" else "written", body.secure)
                items.append(reader.named(node, getattr(reader, build.__name__), kind, notes))
        return items, unknown

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
            assert name_node is not None  # the node has a name (above)
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
        if kind in OUTPUT_SETTINGS:
            return Output(alias, kind, datasource_type, where=where,
                          settings=self.output_settings(kind, properties, datasource, label, notes))
        if kind != ADX and kind not in SQL_KINDS:
            return Output(alias, kind, datasource_type, where=where)
        settings = self.child(datasource, "properties")
        if self.unresolved(settings, f"the datasource properties of {label}", notes):
            settings = None
        # SQL Database, Synapse and PostgreSQL outputs name a server where ADX names a cluster;
        # the check never connects to it, so a server left unresolved is no finding.
        place = ("cluster", "cluster") if kind == ADX else ("server", "server")
        values = [self.text(self.child(settings, name), f"the {what} of {label}",
                            notes if name != "server" else [])
                  for name, what in (place, ("database", "database"),
                                     ("table", "table"), ("authenticationMode", "authentication mode"))]
        cluster, database, table, authentication = values
        return Output(alias, kind, datasource_type, cluster, database, table, authentication, where=where)

    def output_settings(self, kind: str, properties: _Node | None, datasource: _Node | None, label: str,
                        notes: list[Note]) -> tuple[OutputSetting, ...]:
        """The settings OUTPUT_SETTINGS keeps for an output of `kind`, in its order, each where its
        value is written (SERIALIZED_SETTINGS says where). A value left unresolved is an SC608
        note, one of another shape an SC609 note; neither is kept."""
        wanted = OUTPUT_SETTINGS[kind]
        found: list[OutputSetting] = []
        source = self.section(self.child(datasource, "properties"), f"the datasource properties of {label}", notes)
        form: str | None = None         # the serialization type, lower case, when it is known
        serialized: _Node | None = None
        if "serialization" in wanted or any(name in SERIALIZED_SETTINGS for name in wanted):
            serialization = self.section(self.child(properties, "serialization"), f"the serialization of {label}",
                                         notes)
            type_node = self.child(serialization, "type")
            written = self.text(type_node, f"the serialization type of {label}", notes) \
                if type_node is not None and type_node.value is not None else None
            if written is not None and type_node is not None:
                form = written.strip().lower()
                if "serialization" in wanted:
                    found.append(OutputSetting("serialization", written, self.where(type_node)))
            elif serialization is not None and (type_node is None or type_node.value is None) \
                    and kind in DELTA_ONLY_KINDS:
                form = "delta"
            if any(SERIALIZED_SETTINGS.get(name) == form for name in wanted):
                serialized = self.section(self.child(serialization, "properties"),
                                          f"the serialization properties of {label}", notes)
        for name in wanted:
            if name == "serialization":
                continue
            node = None
            if name not in SERIALIZED_SETTINGS or name in EITHER_SETTINGS:
                node = self.child(source, name)
            if (node is None or node.value is None) and form is not None and SERIALIZED_SETTINGS.get(name) == form:
                node = self.child(serialized, name)
            if node is None or node.value is None:
                continue
            value = self.setting_value(node, name, f"the {name} of {label}", notes)
            if value is not None:
                found.append(OutputSetting(name, value, self.where(node)))
        return tuple(sorted(found, key=lambda setting: wanted.index(setting.name)))

    def section(self, node: _Node | None, what: str, notes: list[Note]) -> _Node | None:
        """An object the settings are read from: None when it is missing or null, left
        unresolved (an SC608 note) or not an object (an SC609 note)."""
        if node is None or node.value is None or self.unresolved(node, what, notes):
            return None
        if not isinstance(node.value, dict):
            notes.append(Note("SC609", f"{what} should be an object, not {shape_of(node.value)}; its settings are "
                              "not checked", self.where(node)))
            return None
        return node

    def setting_value(self, node: _Node, name: str, what: str, notes: list[Note]) -> object:
        """An output setting's value: text, a tuple of text (LIST_SETTINGS) or of (key, text)
        pairs in written order (PAIR_SETTINGS); None when unresolved or of another shape (noted)."""
        if self.unresolved(node, what, notes):
            return None
        if name in LIST_SETTINGS or name in PAIR_SETTINGS:
            pairs = name in PAIR_SETTINGS
            if not isinstance(node.value, dict if pairs else list):
                wanted = "an object whose values are text" if pairs else "an array of text"
                notes.append(Note("SC609", f"{what} should be {wanted}, not {shape_of(node.value)}; it is not "
                                  "checked", self.where(node)))
                return None
            members = self.members(node) if pairs else [(None, element) for element in self.elements(node)]
            values: list[object] = []
            for member_key, member in members:
                entry = f"the '{member_key}' entry of {what}" if pairs else f"an entry of {what}"
                if self.unresolved(member, entry, notes):
                    values.append(None)
                    continue
                if member.value is None or isinstance(member.value, (dict, list)):
                    notes.append(Note("SC609", f"{entry} should be text, not {shape_of(member.value)}; {what} is not "
                                      "checked", self.where(member)))
                    values.append(None)
                    continue
                text = text_value(member.value)
                values.append((member_key, text) if pairs else text)
            return None if None in values else tuple(values)
        return self.text(node, what, notes)

    def members(self, node: _Node) -> list[tuple[str, _Node]]:
        """(key, value) of an object's members, in written order."""
        if not isinstance(node.value, dict):
            return []
        inside = node.how != "written"
        return [(name, self.at(value, node.path if inside else node.path + (name,),
                               "within" if inside else "written", node.secure))
                for name, value in node.value.items()]

    def input(self, node: _Node, alias: str, notes: list[Note]) -> Input:
        label = f"input '{alias}'"
        properties = self.child(node, "properties")
        self.unresolved(properties, f"the properties of {label}", notes)
        stream_type = self.text(self.child(properties, "type"), f"the type of {label}", notes)
        stream = {"stream": True, "reference": False}.get(stream_type.lower()) if stream_type else None
        datasource = self.child(properties, "datasource")
        self.unresolved(datasource, f"the datasource of {label}", notes)
        datasource_type = self.text(self.child(datasource, "type"),
                                    f"the datasource type of {label}", notes)
        kind = arm_input_kind(datasource_type)
        # What the template says of the input's data: optional facts, None when not settled.
        serialization = self.one_of(self.child(self.child(properties, "serialization"), "type"),
                                    f"the serialization type of {label}", serialization_name, SERIALIZATION_NAMES,
                                    notes)
        settings = self.child(datasource, "properties")
        path_pattern = database = table = refresh_type = snapshot = delta = None
        if kind == "file":
            path_pattern = self.optional(self.child(settings, "path"), f"the path of {label}", notes)
        elif kind == "blob" or (datasource_type or "").strip().lower() == "microsoft.datalake/accounts":
            path_pattern = self.optional(self.child(settings, "pathPattern"), f"the path pattern of {label}", notes)
        elif kind == "sql":
            database = self.optional(self.child(settings, "database"), f"the database of {label}", notes)
            table = self.optional(self.child(settings, "table"), f"the table of {label}", notes)
            refresh_type = self.one_of(self.child(settings, "refreshType"), f"the refresh type of {label}",
                                       refresh_type_name, REFRESH_TYPE_NAMES, notes)
            snapshot = self.sql_text(self.child(settings, "fullSnapshotQuery"), f"the snapshot query of {label}",
                                     notes)
            delta = self.sql_text(self.child(settings, "deltaSnapshotQuery"), f"the delta query of {label}", notes)
        return Input(alias, kind, stream, datasource_type, self.where(node), serialization, path_pattern, database,
                     table, refresh_type, snapshot, delta)

    def optional(self, node: _Node | None, what: str, notes: list[Note]) -> str | None:
        """A value the job does not need (a fact about an input's data) as text: None when it
        is missing, null or not settled (no note: nothing depends on it), or, with an SC609
        note, when it is an object or an array."""
        if node is None or node.value is None or isinstance(node.value, Unresolved):
            return None
        if isinstance(node.value, (dict, list)):
            notes.append(Note("SC609", f"{what} should be text; it is not read", self.where(node)))
            return None
        return text_value(node.value)

    def one_of(self, node: _Node | None, what: str, name_of, names: str, notes: list[Note]) -> str | None:
        """An optional value that is one of a list of names (`name_of` gives the model's
        spelling, or None, noted, for a value ARM does not know)."""
        written = self.optional(node, what, notes)
        if written is None or not written.strip():
            return None
        name = name_of(written)
        if name is None:
            assert node is not None  # it has a value
            notes.append(Note("SC609", f"{what} is {self.shown(node)}, which is not {names}; it is not read",
                              self.where(node)))
        return name

    def sql_text(self, node: _Node | None, what: str, notes: list[Note]) -> SqlText | None:
        """A SQL reference input's query and where its string is written: in the template, or
        where a `[parameters('x')]` / `[variables('x')]` it is takes its literal value from."""
        text = self.optional(node, what, notes)
        if node is None or text is None or not text.strip():
            return None
        if node.how == "computed" and isinstance(node.raw, str):
            placed = self.literal_source(node.raw, text)
            if placed is not None:
                file, at = placed
                line = file.text.count("\n", 0, at) + 1
                return SqlText(text, Where(file.path, line, at - (file.text.rfind("\n", 0, at) + 1) + 1))
        return SqlText(text, self.where(node))

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
