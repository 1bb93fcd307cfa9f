"""Azure Stream Analytics jobs, and the ADX tables they write to, read from Terraform.

    read_terraform(directory, var_files=()) -> list[Job]   the jobs of a root module

A module is a directory's `*.tf` files (schemacheck.jobs.hcl parses them). Its values
are settled as Terraform would before a plan, as far as the files say: variables from
`*.tfvars` / `*.tfvars.json` (terraform.tfvars, terraform.tfvars.json, then
*.auto.tfvars(.json) in name order, then the files given) over their `default`;
`locals`; `path.module` (the module's folder from the root's, as Terraform gives it);
`file()`, `fileexists()`, `templatefile()` (the template rendered as HCL renders it) and
the functions of schemacheck.jobs.iac_functions; `try()` and `can()`; template
directives `%{ if }` / `%{ for }`; splats; resource and data arguments written in the
files; child modules (`source = "./..."`, or a module `terraform init` downloaded into
.terraform/modules) with their arguments; `count` and `for_each` over settled
collections, on resources and on module calls. Anything else (an attribute Azure
computes, a data source read at deployment, an unset variable) is an Unknown, which
becomes an SC608 note where the job needs it; a module it cannot read (a registry or git
source not downloaded) an SC609 note.

What Terraform itself refuses is an InputError at the place it is written: a syntax
error, a block declared twice, an argument set twice, a variables file that refers to
something (they hold constants), a `file()` of a file that does not exist (outside
`try()`), a template `templatefile()` cannot parse.

Resources read (hashicorp/terraform-provider-azurerm, Azure/terraform-provider-azapi):
- `azurerm_stream_analytics_job` (transformation_query, compatibility_level, data_locale,
  output_error_policy — azurerm's default is Drop —, identity, type) and its outputs,
  inputs and functions (`azurerm_stream_analytics_output_*`, `_stream_input_*`,
  `_reference_input_*`, `_function_javascript_udf`, `_uda`), linked to their job by
  `stream_analytics_job_name` / `stream_analytics_job_id` (a reference, also through a
  module's output or a `data "azurerm_stream_analytics_job"`, or the job's name), in any
  module of the tree; an input's `serialization { type }`, a blob input's `path_pattern`, an
  MS SQL reference input's `database`, `table`, `refresh_type`, `full_snapshot_query` and
  `delta_snapshot_query` (optional facts: unsettled, they are None without a note); an
  output's settings under ARM's names (model.OUTPUT_SETTINGS, AZURERM_OUTPUT_SETTINGS: keys,
  property columns, a blob's path pattern and serialization, ...; unsettled, an SC608 note)
  and a Cosmos DB output's container's partition key paths, from the
  `azurerm_cosmosdb_sql_container` of that name in its database;
- `azapi_resource` of the streamingjobs types (the job, `.../outputs`, `/inputs`,
  `/functions`, `/transformations`), linked by `parent_id`, with `body` an HCL object or
  `jsonencode(...)`: how ADX outputs are written, azurerm having none;
- `azurerm_kusto_script` (`script_content`, or `url` of an `azurerm_storage_blob`) and
  azapi `Microsoft.Kusto/clusters/databases/scripts`: the tables, bound to the database
  (and cluster) they run in; every job of the tree gets the tables of the whole tree;
- `azurerm_resource_group_template_deployment` (and the subscription and legacy forms)
  whose template is a file or written in the .tf: an ARM template, read by
  schemacheck.jobs.arm.
"""

from __future__ import annotations

import json
import os

from schemacheck.errors import InputError
from schemacheck.jobs import exprs as X
from schemacheck.jobs.iac import ArmShape, Places, Resource, Unknown, Val, plain, scalar_text, unknown_of, wrap
from schemacheck.jobs.iac_functions import TERRAFORM, NotEvaluated, evaluate
from schemacheck.jobs.kinds import (
    REFRESH_TYPE_NAMES,
    SERIALIZATION_NAMES,
    SQL_KINDS,
    refresh_type_name,
    serialization_name,
)
from schemacheck.jobs.model import (
    Function,
    Identity,
    Input,
    Job,
    Note,
    Output,
    OutputSetting,
    Placed,
    Script,
    Setting,
    Where,
)

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any

JOB = "azurerm_stream_analytics_job"
OUTPUTS = {
    "azurerm_stream_analytics_output_mssql": "sql", "azurerm_stream_analytics_output_synapse": "synapse",
    "azurerm_stream_analytics_output_blob": "blob", "azurerm_stream_analytics_output_cosmosdb": "cosmosdb",
    "azurerm_stream_analytics_output_table": "table-storage",
    "azurerm_stream_analytics_output_eventhub": "eventhub",
    "azurerm_stream_analytics_output_servicebus_queue": "servicebus-queue",
    "azurerm_stream_analytics_output_servicebus_topic": "servicebus-topic",
    "azurerm_stream_analytics_output_function": "functions", "azurerm_stream_analytics_output_powerbi": "powerbi",
}
# The arguments of azurerm's output resources that OUTPUT_SETTINGS keeps, by output kind:
# (argument, ARM's setting name, the shape azurerm takes: "text", "list" of text or "map" of
# text), as hashicorp/terraform-provider-azurerm website/docs/r/stream_analytics_output_*
# document them. A blob output's `serialization { type, format }` is read apart.
_SERVICEBUS_SETTINGS = (("property_columns", "propertyColumns", "list"),
                        ("system_property_columns", "systemPropertyColumns", "map"))
AZURERM_OUTPUT_SETTINGS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "table-storage": (("partition_key", "partitionKey", "text"), ("row_key", "rowKey", "text"),
                      ("columns_to_remove", "columnsToRemove", "list"), ("batch_size", "batchSize", "text")),
    "cosmosdb": (("document_id", "documentId", "text"), ("partition_key", "partitionKey", "text"),
                 ("container_name", "collectionNamePattern", "text")),
    "blob": (("path_pattern", "pathPattern", "text"), ("date_format", "dateFormat", "text"),
             ("time_format", "timeFormat", "text")),
    "eventhub": (("partition_key", "partitionKey", "text"), ("property_columns", "propertyColumns", "list")),
    "servicebus-queue": _SERVICEBUS_SETTINGS,
    "servicebus-topic": _SERVICEBUS_SETTINGS,
    "powerbi": (("dataset", "dataset", "text"), ("table", "table", "text")),
}
SHAPE_TEXT = {"text": "text", "list": "a list of text", "map": "a map of text"}
COSMOS_CONTAINER = "azurerm_cosmosdb_sql_container"
COSMOS_DATABASE = "azurerm_cosmosdb_sql_database"
INPUTS = {
    "azurerm_stream_analytics_stream_input_eventhub": ("eventhub", True),
    "azurerm_stream_analytics_stream_input_eventhub_v2": ("eventhub", True),
    "azurerm_stream_analytics_stream_input_iothub": ("iothub", True),
    "azurerm_stream_analytics_stream_input_blob": ("blob", True),
    "azurerm_stream_analytics_reference_input_blob": ("blob", False),
    "azurerm_stream_analytics_reference_input_mssql": ("sql", False),
}
FUNCTIONS = {"azurerm_stream_analytics_function_javascript_udf": False,
             "azurerm_stream_analytics_function_javascript_uda": True}
AZAPI_JOB = "microsoft.streamanalytics/streamingjobs"
AZAPI_CHILDREN = ("/outputs", "/inputs", "/functions", "/transformations")
KUSTO_SCRIPT = "microsoft.kusto/clusters/databases/scripts"
# Resources that deploy an ARM template: (its template, its parameters) arguments.
TEMPLATE_DEPLOYMENTS = {
    "azurerm_resource_group_template_deployment": ("template_content", "parameters_content"),
    "azurerm_subscription_template_deployment": ("template_content", "parameters_content"),
    "azurerm_template_deployment": ("template_body", "parameters_body"),   # the provider's older form
}
MAX_INSTANCES = 100   # count / for_each instances read per resource or module call
MAX_DEPTH = 10        # modules calling modules
# Expressions inside expressions (a local naming a local naming ...) followed before the
# value is left unknown: deeper chains would exhaust Python's stack.
MAX_NESTING = 100
# Functions that take or give structures whose members may be unknown or resources: they
# keep them (other functions of an unsettled member give an unknown value).
STRUCTURAL = frozenset({"merge", "lookup", "concat", "tomap", "tolist", "element", "length", "keys", "values"})
ALL = "*all*"   # Resource.key's instance for a reference to every instance of a repeated resource


def terraform_files(directory: str) -> list[str]:
    from schemacheck.files import folder_names

    return sorted(os.path.join(directory, n) for n in folder_names(directory) if n.lower().endswith(".tf"))


def auto_loaded(name: str) -> bool:
    """Whether Terraform loads the variables file `name` without `-var-file`."""
    name = os.path.basename(name)
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def read_terraform(directory: str, var_files: tuple[str, ...] = ()) -> list[Job]:
    """The streaming jobs of the root module in `directory` and of its child modules."""
    reader = _Reader(directory, var_files)
    try:
        return reader.jobs()
    except RecursionError:   # MAX_NESTING keeps evaluation well inside the stack; this is the backstop
        raise InputError("the module's values refer to each other too deeply for schemacheck to follow",
                         directory) from None


def _read_text(path: str, what: str) -> str:
    """A file's text; an empty (or blank) file is read as it is, where Terraform reads nothing."""
    from schemacheck.files import decode, read_text_file

    try:
        return read_text_file(path, what)
    except InputError as error:
        if not error.message.startswith("is empty"):
            raise
    with open(path, "rb") as handle:
        return decode(handle.read(), path, what)


def _instance_text(instance: Any) -> str:
    """`[0]` / `["key"]` of an instance of a repeated resource or module call ("" for none)."""
    if instance is None:
        return ""
    return f"[{instance}]" if isinstance(instance, int) else f'["{instance}"]'


def _placed(node: X.Text) -> Placed:
    """Where a string of a .tf file is written (schemacheck.jobs.positions.PlacedPositions
    maps positions in its value back to the file)."""
    return Placed(node.raw_start, node.style, "hcl", node.indent, node.raw_end)


def _unique(notes) -> tuple[Note, ...]:
    kept: list[Note] = []
    for note in notes:
        if note not in kept:
            kept.append(note)
    return tuple(kept)


# ---- a module --------------------------------------------------------------------------------

class _Module:
    """One module's blocks (one instance of a module call), and the values its variables
    take in this use of it: `inputs` the call's arguments (None for the root module, whose
    variables come from tfvars files)."""

    def __init__(self, reader: _Reader, directory: str, inputs: dict[str, tuple] | None, label: str,
                 depth: int = 0, chain: tuple[str, ...] = (), key: str = "") -> None:
        from schemacheck.jobs.hcl import parse_hcl

        self.reader = reader
        self.directory = directory
        self.label = label        # "" for the root, 'module.asa.' / 'module.jobs["a"].' for a child
        self.key = key            # the call's key in .terraform/modules/modules.json: "asa", "asa.inner"
        self.depth = depth
        self.chain = chain + (os.path.realpath(directory),)
        self.inputs = inputs      # argument name -> (expression, the caller's scope)
        self.input_values: dict[str, Val] = {}
        self.variables: dict[str, X.Block] = {}
        self.locals: dict[str, tuple[str, X.Attribute]] = {}
        self.resources: dict[tuple, tuple[str, X.Block]] = {}
        self.data: dict[tuple, tuple[str, X.Block]] = {}
        self.modules: dict[str, tuple[str, X.Block]] = {}
        self.outputs: dict[str, tuple[str, X.Block]] = {}
        self.variable_files: dict[str, str] = {}
        self.tfvars: dict[str, Val] = {}
        self.local_values: dict[str, Val] = {}
        self.evaluating: set = set()
        self.children: dict[str, list[tuple[Any, _Module | None]]] = {}
        self.repeats: dict[tuple, list[tuple[Any, dict[str, Val]]]] = {}
        for path in terraform_files(directory):
            body = parse_hcl(reader.source_text(path, "Terraform file"), path)
            for item in body.items:
                if isinstance(item, X.Block):
                    self.add(path, item)
        if inputs is None:
            self.read_tfvars(reader.var_files)

    def add(self, path: str, block: X.Block) -> None:
        self.reader.no_argument_twice(path, block)
        labels = block.labels
        if block.type == "variable" and labels:
            if labels[0] in self.variables:
                self.twice(f'variable "{labels[0]}"', self.variable_files[labels[0]], self.variables[labels[0]],
                           path, block)
            self.variables[labels[0]] = block
            self.variable_files[labels[0]] = path
        elif block.type == "locals":
            for item in block.body:
                if isinstance(item, X.Attribute):
                    if item.name in self.locals:
                        self.twice(f"local value '{item.name}'", *self.locals[item.name], path, item)
                    self.locals[item.name] = (path, item)
        else:
            tables: dict[str, dict[Any, tuple[str, X.Block]]] = {
                "resource": self.resources, "data": self.data, "module": self.modules, "output": self.outputs}
            table = tables.get(block.type)
            count = 2 if block.type in ("resource", "data") else 1
            if table is None or len(labels) < count:
                return
            what = block.type
            key = labels[0] if count == 1 else (labels[0], labels[1])
            if key in table:
                self.twice(" ".join([what] + [f'"{label}"' for label in labels[:count]]), *table[key], path, block)
            table[key] = (path, block)

    def twice(self, what: str, first_path: str, first, path: str, second) -> None:
        """The InputError for a second declaration of the same thing (Terraform refuses it)."""
        first_at = self.reader.places.where(first_path, first.start)
        at = self.reader.places.where(path, second.start)
        raise InputError(f"{what} is declared twice (first at line {first_at.line} of "
                         f"{os.path.basename(first_path)}): Terraform refuses it", path, at.line, at.column)

    def read_tfvars(self, given: tuple[str, ...]) -> None:
        """terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in name order, then the
        files given (`--parameters`): a later file wins."""
        from schemacheck.files import folder_names

        names = sorted(folder_names(self.directory))
        chosen: list[str] = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
        chosen += [n for n in names if auto_loaded(n) and n not in chosen]
        for path in [os.path.join(self.directory, n) for n in chosen] + list(given):
            self.tfvars.update(self.reader.tfvars_file(path))

    # ---- attributes of blocks ------------------------------------------------------------
    @staticmethod
    def attribute(block: X.Block, name: str) -> X.Attribute | None:
        return next((i for i in block.body if isinstance(i, X.Attribute) and i.name == name), None)

    @staticmethod
    def blocks(block: X.Block, type_: str) -> list[X.Block]:
        return [i for i in block.body if isinstance(i, X.Block) and i.type == type_]


class _Scope:
    """Where an expression is evaluated: its module, its file, the names in force (loop
    values, each.*, count.index, a template's variables). `mode` "module" (a .tf file),
    "tfvars" (a variables file: constants only) or "template" (a file templatefile()
    renders: its variables and functions only); `source` the text the expressions' offsets
    are in when it is not the file's own (a template), `at` (file, start, end) where values
    the files do not settle are reported instead (the templatefile() call)."""

    def __init__(self, module: Any, file: str, names: dict[str, Val] | None = None, mode: str = "module",
                 source: str | None = None, at: tuple[str, int, int] | None = None) -> None:
        self.module = module
        self.file = file
        self.names = names or {}
        self.mode = mode
        self.source = source
        self.at = at

    def with_names(self, names: dict[str, Val]) -> _Scope:
        return _Scope(self.module, self.file, {**self.names, **names}, self.mode, self.source, self.at)


# ---- the reader ------------------------------------------------------------------------------

class _Reader:
    def __init__(self, directory: str, var_files: tuple[str, ...]) -> None:
        self.root_directory = directory
        self.var_files = var_files
        self.places = Places()
        self.notes: list[Note] = []
        self.modules: list[_Module] = []
        self.depth = 0
        self.failed: set[Unknown] = set()   # unknown values that are Terraform errors (see failure)
        self._downloaded: dict[str, str] | None = None

    def source_text(self, path: str, what: str) -> str:
        text = _read_text(path, what)
        self.places.texts[path] = text
        return text

    def no_argument_twice(self, path: str, block: X.Block) -> None:
        """An InputError for an argument a block (or a block in it) sets twice: HCL refuses it."""
        seen: dict[str, X.Attribute] = {}
        for item in block.body:
            if isinstance(item, X.Attribute):
                if item.name in seen:
                    first = self.places.where(path, seen[item.name].start)
                    at = self.places.where(path, item.start)
                    raise InputError(f"the argument '{item.name}' is set twice in this {block.type} block (first at "
                                     f"line {first.line}): Terraform refuses it", path, at.line, at.column)
                seen[item.name] = item
            elif isinstance(item, X.Block):
                self.no_argument_twice(path, item)

    def tfvars_file(self, path: str) -> dict[str, Val]:
        from schemacheck.jobs.hcl import parse_hcl

        text = self.source_text(path, "Terraform variables file")
        if path.lower().endswith(".json"):
            if not text.strip():
                raise InputError("is empty: a Terraform variables file in JSON holds an object", path)
            try:
                data = json.loads(text)
            except ValueError as error:
                raise InputError(f"not valid JSON ({getattr(error, 'msg', error)}); expected a Terraform variables "
                                 "file", path) from None
            if not isinstance(data, dict):
                raise InputError("a Terraform variables file holds an object of variable values", path, 1, 1)
            return {str(k): wrap(v, path, 0, 0) for k, v in data.items()}
        body = parse_hcl(text, path)
        scope = _Scope(None, path, mode="tfvars")   # a variables file refers to nothing
        values = {}
        for item in body.items:
            if isinstance(item, X.Attribute):
                values[item.name] = self.evaluate(item.value, scope)
        return values

    # ---- the module tree ------------------------------------------------------------------------
    def jobs(self) -> list[Job]:
        root = _Module(self, self.root_directory, None, "")
        self.modules.append(root)
        self.load(root)
        jobs = _Jobs(self).all()
        return [job._replace(notes=_unique(job.notes + tuple(self.notes))) for job in jobs]

    def load(self, module: _Module) -> None:
        """The module's calls, and theirs, read."""
        for name in list(module.modules):
            for _instance, child in self.child_modules(module, name):
                if child is not None:
                    self.load(child)

    def by_label(self, label: str) -> _Module | None:
        return next((m for m in self.modules if m.label == label), None)

    def child_modules(self, module: _Module, name: str) -> list[tuple[Any, _Module | None]]:
        """The instances of a module call: (instance key, the module read, or None when it
        cannot be read: an SC609 note says why)."""
        if name in module.children:
            return module.children[name]
        module.children[name] = []
        module.evaluating.add(("module", name))
        try:
            found = self.read_call(module, name)
        finally:
            module.evaluating.discard(("module", name))
        module.children[name] = found
        return found

    def read_call(self, module: _Module, name: str) -> list[tuple[Any, _Module | None]]:
        path, block = module.modules[name]
        scope = _Scope(module, path)
        key = f"{module.key}.{name}" if module.key else name
        directory = self.module_directory(module, name, key, path, block, scope)
        found: list[tuple[Any, _Module | None]] = []
        if directory is None:
            found.append((None, None))
        else:
            arguments = [i for i in block.body if isinstance(i, X.Attribute) and i.name not in (
                "source", "version", "providers", "count", "for_each", "depends_on")]
            for instance, names in self.repetitions(module, ("module", name), path, block):
                inner = scope.with_names(names)
                inputs = {i.name: (i.value, inner) for i in arguments}
                child = _Module(self, directory, inputs, f"{module.label}module.{name}{_instance_text(instance)}.",
                                module.depth + 1, module.chain, key)
                self.modules.append(child)
                found.append((instance, child))
        return found

    def module_directory(self, module: _Module, name: str, key: str, path: str, block: X.Block,
                         scope: _Scope) -> str | None:
        """The folder a module call reads, or None with an SC609 note."""
        source_attr = _Module.attribute(block, "source")
        at = self.places.where(path, source_attr.start if source_attr is not None else block.start)

        def unread(why: str) -> str | None:
            self.notes.append(Note("SC609", f"module '{name}' {why}: what it defines is not checked", at))
            return None

        if source_attr is None:
            return unread("gives no source")
        source = self.evaluate(source_attr.value, scope)
        if not isinstance(source.value, str):
            return unread("has a source the files do not settle (Terraform needs a literal one)")
        text = source.value
        if "\x00" in text:
            return unread("has a source with a NUL character")
        if text.startswith(("./", "../")) or text in (".", ".."):
            directory = os.path.normpath(os.path.join(module.directory, text))
        else:
            directory = self.downloaded().get(key, "")
            if not directory:
                return unread(f"comes from {text}, which schemacheck does not download (after `terraform init` it "
                              "reads the copy in .terraform/modules)")
        if module.depth >= MAX_DEPTH:
            return unread(f"nests modules more than {MAX_DEPTH} deep")
        if os.path.realpath(directory) in module.chain:
            return unread(f"calls {text}, a module that is already calling it (a cycle, which Terraform refuses)")
        if not os.path.isdir(directory) or not terraform_files(directory):
            return unread(f"reads {text}, which holds no .tf file")
        return directory

    def downloaded(self) -> dict[str, str]:
        """The modules `terraform init` downloaded: key -> folder (.terraform/modules/modules.json)."""
        if self._downloaded is None:
            self._downloaded = {}
            manifest = os.path.join(self.root_directory, ".terraform", "modules", "modules.json")
            try:
                with open(manifest, encoding="utf-8") as handle:
                    entries = json.load(handle).get("Modules") or []
            except (OSError, ValueError, AttributeError):
                entries = []
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and isinstance(entry.get("Dir"), str):
                    self._downloaded[entry["Key"]] = os.path.normpath(os.path.join(self.root_directory, entry["Dir"]))
        return self._downloaded

    def repetitions(self, module: _Module, key: tuple, path: str, block: X.Block) -> list[tuple[Any, dict[str, Val]]]:
        """(instance key, its loop values) of each instance of a resource or module call: one
        (None, {}) for a block without count or for_each, and for one the files do not settle
        (with an SC609 note)."""
        if key in module.repeats:
            return module.repeats[key]
        module.repeats[key] = [(None, {})]   # its count refers to itself: read once
        count_attr = _Module.attribute(block, "count")
        for_each_attr = _Module.attribute(block, "for_each")
        attr = count_attr or for_each_attr
        if attr is None:
            return module.repeats[key]
        chosen = self.evaluate(attr.value, _Scope(module, path))
        value = chosen.value
        label = f"{key[0]}.{key[1]}" if key[0] != "module" else f"module '{key[1]}'"
        found: list[tuple[Any, dict[str, Val]]] | None = None
        why = "a count or for_each the files do not settle"
        if count_attr is not None and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and float(value).is_integer() and value >= 0:
            found = [(i, {"count.index": Val(i, path, attr.start, attr.end)}) for i in range(int(value))]
        elif count_attr is None and isinstance(value, dict):
            found = [(k, {"each.key": Val(k, path, attr.start, attr.end), "each.value": v})
                     for k, v in sorted(value.items())]
        elif count_attr is None and isinstance(value, list):
            if all(isinstance(v.value, str) for v in value):
                found = [(v.value, {"each.key": v, "each.value": v}) for v in sorted(value, key=lambda v: v.value)]
            elif chosen.known and unknown_of(chosen) is None:
                why = "a for_each over a list (Terraform takes a map, or a set of strings)"
        if found is not None and len(found) > MAX_INSTANCES:
            why, found = f"a count or for_each of more than {MAX_INSTANCES} instances", None
        if found is None:
            self.notes.append(Note("SC609", f"{label} is repeated by {why}: read once",
                                   self.places.where(path, attr.start)))
            # read once, each.key / count.index unsettled as the collection is
            unsettled = unknown_of(chosen) or Unknown(f"{key[0]}.{key[1]}", f"is repeated by {why}", path, attr.start,
                                                      attr.end)
            loop = Val(unsettled, unsettled.file, unsettled.start, unsettled.end)
            module.repeats[key] = [(None, {"count.index": loop} if count_attr is not None else
                                    {"each.key": loop, "each.value": loop})]
            return module.repeats[key]
        module.repeats[key] = found
        return found

    # ---- expressions ------------------------------------------------------------------------
    def unknown(self, expr, scope: _Scope, why: str) -> Val:
        if scope.source is not None:
            text = scope.source[expr.start:expr.end]
        elif scope.file in self.places.texts:
            text = self.places.texts[scope.file][expr.start:expr.end]
        else:
            text = "?"
        text = " ".join(text.split())
        if len(text) > 80:
            text = text[:77] + "..."
        file, start, end = scope.at or (scope.file, expr.start, expr.end)
        return Val(Unknown(text, why, file, start, end), file, start, end)

    def failure(self, expr, scope: _Scope, why: str) -> Val:
        """An unknown value that is an error in Terraform too (a member the value does not
        have, a name nothing declares): try() passes over it and can() is false, where an
        unsettled value leaves them unsettled."""
        value = self.unknown(expr, scope, why)
        self.failed.add(value.value)
        return value

    def refused(self, expr, scope: _Scope, message: str) -> InputError:
        """What Terraform refuses, at `expr` (or where the template is rendered)."""
        file, start, _ = scope.at or (scope.file, expr.start, expr.end)
        where = self.places.where(file, start)
        return InputError(message, file, where.line, where.column)

    def evaluate(self, expr, scope: _Scope) -> Val:
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                return self.unknown(expr, scope, f"nests or chains more than {MAX_NESTING} values, more than "
                                    "schemacheck follows")
            return self._evaluate(expr, scope)
        finally:
            self.depth -= 1

    def _evaluate(self, expr, scope: _Scope) -> Val:
        file = scope.file
        if isinstance(expr, X.Literal_):
            return Val(expr.value, file, expr.start, expr.end)
        if isinstance(expr, X.Text):
            return Val(expr.value, file, expr.start, expr.end, "literal" if scope.mode != "template" else "computed",
                       expr if scope.mode != "template" else None)
        if isinstance(expr, X.Template):
            return self.template(expr, scope)
        if isinstance(expr, (X.Ref, X.GetAttr, X.Index)):
            return self.traversal(expr, scope)
        if isinstance(expr, X.Splat):
            return self.splat(expr, scope)
        if isinstance(expr, X.Call):
            if expr.name == "%directive" and expr.args:
                return self.directive(expr, scope)
            return self.call(expr, scope)
        if isinstance(expr, X.Array):
            return Val([self.evaluate(item, scope) for item in expr.items], file, expr.start, expr.end)
        if isinstance(expr, X.Object):
            members = {}
            for item in expr.items:
                key = self.evaluate(item.key, scope) if not isinstance(item.key, X.Text) else \
                    Val(item.key.value, file, item.key.start, item.key.end)
                if isinstance(key.value, (int, float)) and not isinstance(key.value, bool):
                    key = Val(str(key.value), key.file, key.start, key.end)
                if not isinstance(key.value, str):
                    return key if not key.known else self.unknown(expr, scope, "has a key the files do not settle")
                members[key.value] = self.evaluate(item.value, scope)
            return Val(members, file, expr.start, expr.end)
        if isinstance(expr, X.Cond):
            test = self.evaluate(expr.test, scope)
            if isinstance(test.value, bool):
                chosen = expr.then if test.value else expr.otherwise
                return self.evaluate(chosen, scope) if chosen is not None else Val(None, file, expr.start, expr.end)
            return self.unknown(expr, scope, "depends on a condition the files do not settle")
        if isinstance(expr, X.ForExpr):
            return self.for_expression(expr, scope)
        if isinstance(expr, X.Unary):
            operand = self.evaluate(expr.operand, scope)
            if expr.op == "!" and isinstance(operand.value, bool):
                return Val(not operand.value, file, expr.start, expr.end)
            if expr.op == "-" and isinstance(operand.value, (int, float)) and not isinstance(operand.value, bool):
                return Val(-operand.value, file, expr.start, expr.end)
            return self.unknown(expr, scope, "is an operation on a value the files do not settle")
        if isinstance(expr, X.Binary):
            return self.binary(expr, scope)
        return self.unknown(expr, scope, "is an expression schemacheck does not evaluate")

    @staticmethod
    def piece(value: Any) -> str | None:
        """A value as a string interpolates it (None: it cannot be)."""
        return scalar_text(value)

    def template(self, expr: X.Template, scope: _Scope) -> Val:
        parts = [self.evaluate(p, scope) if not isinstance(p, X.Text) else Val(p.value, scope.file, p.start, p.end)
                 for p in expr.parts]
        if len(parts) == 1 and not isinstance(expr.parts[0], X.Text):
            return parts[0]   # "${x}" is x itself
        pieces = []
        for part in parts:
            if not part.known:
                return part
            piece = self.piece(part.value)
            if piece is None:
                why = "interpolates an attribute Azure gives a resource when it is deployed" \
                    if isinstance(part.value, Resource) else "interpolates a value that is not text"
                return self.unknown(expr, scope, why)
            pieces.append(piece)
        return Val("".join(pieces), scope.file, expr.start, expr.end)

    def directive(self, expr: X.Call, scope: _Scope) -> Val:
        """A template's `%{ if }...%{ endif }` or `%{ for }...%{ endfor }`: its text."""
        construct = expr.args[0]
        if isinstance(construct, X.Cond):
            value = self.evaluate(construct, scope)
        elif isinstance(construct, X.ForExpr):
            value = self.for_expression(construct, scope)
            if value.known and isinstance(value.value, list):
                pieces = [self.piece(v.value) if v.known else None for v in value.value]
                if all(p is not None for p in pieces):
                    return Val("".join(p for p in pieces if p is not None), scope.file, expr.start, expr.end)
                value = next((v for v in value.value if not v.known), None) or \
                    self.unknown(expr, scope, "repeats a value that is not text")
        else:
            return self.unknown(expr, scope, "is a template directive schemacheck does not evaluate")
        if not value.known:
            return value
        if value.value is None:
            return Val("", scope.file, expr.start, expr.end)
        piece = self.piece(value.value)
        return Val(piece, scope.file, expr.start, expr.end) if piece is not None else \
            self.unknown(expr, scope, "writes a value that is not text")

    def binary(self, expr: X.Binary, scope: _Scope) -> Val:
        left = self.evaluate(expr.left, scope)
        a = left.value
        if (expr.op == "&&" and a is False) or (expr.op == "||" and a is True):
            return Val(a, scope.file, expr.start, expr.end)
        right = self.evaluate(expr.right, scope)
        b = right.value
        if not (left.known and right.known):
            return left if not left.known else right
        if expr.op in ("==", "!=") and (isinstance(a, Resource) or isinstance(b, Resource)):
            return self.unknown(expr, scope, "compares an attribute Azure gives a resource when it is deployed")
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
        if expr.op in ("+", "-", "*", "/", "%", "<", "<=", ">", ">=") and not numbers:
            return self.unknown(expr, scope, "is arithmetic on a value that is not a number")
        try:
            value = {"==": lambda: plain(left) == plain(right), "!=": lambda: plain(left) != plain(right),
                     "&&": lambda: bool(a and b), "||": lambda: bool(a or b), "+": lambda: a + b,
                     "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b, "%": lambda: a % b,
                     "<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b}[expr.op]()
        except (KeyError, TypeError, ZeroDivisionError):
            return self.unknown(expr, scope, "is an operation schemacheck does not evaluate")
        return Val(value, scope.file, expr.start, expr.end)

    def for_expression(self, expr: X.ForExpr, scope: _Scope) -> Val:
        collection = self.evaluate(expr.collection, scope)
        if not collection.known:
            return collection
        if isinstance(collection.value, dict):
            pairs = sorted(collection.value.items())   # Terraform goes through an object's keys in lexical order
        elif isinstance(collection.value, list):
            pairs = list(enumerate(collection.value))
        else:
            return self.unknown(expr, scope, "loops over a value that is not a collection")
        results: list = []
        members: dict = {}
        for key, value in pairs:
            names = dict(zip(expr.names, (Val(key, scope.file, expr.start, expr.end), value)
                             if len(expr.names) == 2 else (value,)))
            inner = scope.with_names(names)
            if expr.condition is not None:
                keep = self.evaluate(expr.condition, inner)
                if not isinstance(keep.value, bool):
                    return keep if not keep.known else \
                        self.unknown(expr, scope, "filters on a condition the files do not settle")
                if not keep.value:
                    continue
            if expr.key is not None:
                key_val = self.evaluate(expr.key, inner)
                if not isinstance(key_val.value, str):
                    return key_val if not key_val.known else \
                        self.unknown(expr, scope, "builds keys the files do not settle")
                if expr.grouped:
                    group = members.setdefault(key_val.value, Val([], scope.file, expr.start, expr.end))
                    group.value.append(self.evaluate(expr.value, inner))
                else:
                    members[key_val.value] = self.evaluate(expr.value, inner)
            else:
                results.append(self.evaluate(expr.value, inner))
        return Val(members if expr.key is not None else results, scope.file, expr.start, expr.end)

    def splat(self, expr: X.Splat, scope: _Scope) -> Val:
        """`x[*].a.b`: a.b of each member of the list x (of each instance of a repeated resource)."""
        base = self.evaluate(expr.target, scope)
        if not base.known:
            return base
        value = base.value
        if isinstance(value, Resource) and value.attribute == "" and value.key[3] == ALL:
            items = self.every_instance(value, expr, scope)
            if isinstance(items, Val):
                return items
        elif isinstance(value, list):
            items = list(value)
        elif value is None:
            items = []
        else:
            items = [base]
        results = []
        for item in items:
            for name in expr.rest:
                item = self.member(item, name, expr, scope)
            results.append(item)
        return Val(results, scope.file, expr.start, expr.end)

    # ---- references ---------------------------------------------------------------------------
    def traversal(self, expr, scope: _Scope) -> Val:
        steps: list = []
        node = expr
        while isinstance(node, (X.GetAttr, X.Index)):
            steps.append(node)
            node = node.target
        steps.reverse()
        if not isinstance(node, X.Ref):
            base = self.evaluate(node, scope)
        else:
            base, used = self.root(node, steps, expr, scope)
            steps = steps[used:]
        for step in steps:
            base = self.step(base, step, scope)
        return base

    def step(self, base: Val, step, scope: _Scope) -> Val:
        if not base.known:
            return base
        if isinstance(step, X.GetAttr):
            return self.member(base, step.name, step, scope)
        key_val = self.evaluate(step.key, scope)
        if not key_val.known:
            return key_val
        return self.member(base, key_val.value, step, scope)

    def member(self, base: Val, key: Any, node, scope: _Scope) -> Val:
        """base.key / base[key]."""
        if not base.known:
            return base
        value = base.value
        if isinstance(value, Resource):
            return self.resource_member(base, value, key, node, scope)
        if isinstance(value, dict) and isinstance(key, str) and key in value:
            return value[key]
        if isinstance(value, list) and isinstance(key, (int, float, str)) and not isinstance(key, bool) \
                and str(key).lstrip("-").isdigit() and -len(value) <= int(key) < len(value):
            return value[int(key)]
        if value is None:
            return self.failure(node, scope, "names a member of a null value")
        return self.failure(node, scope, "names a member the value does not have")

    def root(self, ref: X.Ref, steps: list, whole, scope: _Scope) -> tuple[Val, int]:
        """The value a traversal's first names stand for, and how many steps they took."""
        name, module = ref.name, scope.module
        first = steps[0].name if steps and isinstance(steps[0], X.GetAttr) else None
        if name in scope.names:
            return scope.names[name], 0
        if scope.mode == "tfvars":
            raise self.refused(whole, scope, "a variables file holds constant values: Terraform refuses the "
                                             "reference here (Variables not allowed)")
        if scope.mode == "template":
            return self.failure(whole, scope, f"is used by the template {os.path.basename(scope.file)}, and the "
                                              "templatefile() call gives no value for it"), len(steps)
        if name in ("each", "count") and first is not None and f"{name}.{first}" in scope.names:
            return scope.names[f"{name}.{first}"], 1
        if name in ("each", "count", "self"):
            return self.unknown(whole, scope, f"is used outside a block that sets {name}"), len(steps)
        if name == "var" and first is not None:
            return self.variable(module, first, steps[0], scope), 1
        if name == "local" and first is not None:
            return self.local(module, first, steps[0], scope), 1
        if name == "path" and first in ("module", "root", "cwd"):
            root = self.root_directory
            directory = {"module": os.path.relpath(module.directory, root).replace(os.sep, "/"), "root": ".",
                         "cwd": os.path.abspath(root)}[first]
            return Val(directory, scope.file, ref.start, steps[0].end), 1
        if name == "module" and first is not None:
            value, used = self.module_value(module, first, steps[1:], whole, scope)
            return value, used + 1
        if name == "data" and first is not None and len(steps) > 1 and isinstance(steps[1], X.GetAttr):
            key = (first, steps[1].name)
            if key not in module.data:
                return self.failure(whole, scope, "names a data source the module does not declare"), len(steps)
            value, used = self.resource_reference(module, key, module.data[key], steps[2:], whole, scope, True)
            return value, used + 2
        if first is not None and (name, first) in module.resources:
            key = (name, first)
            value, used = self.resource_reference(module, key, module.resources[key], steps[1:], whole, scope)
            return value, used + 1
        return self.failure(whole, scope, "names nothing the module declares"), len(steps)

    def variable(self, module: _Module, name: str, at, scope: _Scope) -> Val:
        block = module.variables.get(name)
        if block is None:
            return self.failure(at, scope, f"names a variable the module does not declare (no variable \"{name}\" "
                                           "block; Terraform refuses the reference)")
        if module.inputs is not None and name in module.inputs:
            if name not in module.input_values:
                if ("input", name) in module.evaluating:
                    return self.unknown(at, scope, "is given a value that refers to itself (a cycle)")
                module.evaluating.add(("input", name))
                try:
                    expr, caller = module.inputs[name]
                    module.input_values[name] = self.evaluate(expr, caller)
                finally:
                    module.evaluating.discard(("input", name))
            return module.input_values[name]
        if module.inputs is None and name in module.tfvars:
            return module.tfvars[name]
        default = _Module.attribute(block, "default")
        if default is None:
            if module.inputs is not None:
                return self.unknown(at, scope, f"is not set: variable \"{name}\" has no default and the module call "
                                               "gives no value for it")
            return self.unknown(at, scope, f"is not set: variable \"{name}\" has no default and no terraform.tfvars "
                                           "or *.auto.tfvars file sets it" + self.other_var_files(module))
        return self.evaluate(default.value, _Scope(module, module.variable_files[name]))

    def other_var_files(self, module: _Module) -> str:
        """Where the variables may be set instead: the root's tfvars files Terraform loads
        only when named (`-var-file`), which schemacheck reads when given as PATH."""
        if module.inputs is not None or self.var_files:
            return ""
        try:
            names = sorted(n for n in os.listdir(module.directory) if n.lower().endswith((".tfvars", ".tfvars.json"))
                           and not auto_loaded(n))
        except OSError:
            return ""
        if not names:
            return ""
        from schemacheck.files import display_path

        shown = [display_path(os.path.join(module.directory, n)) for n in names[:3]]
        return (f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''} may: give "
                f"{'one' if len(names) > 1 else 'it'} as PATH, `schemacheck check {shown[0]}`)")

    def local(self, module: _Module, name: str, at, scope: _Scope) -> Val:
        if name in module.local_values:
            return module.local_values[name]
        if name not in module.locals:
            return self.failure(at, scope, f"names a local value the module does not define (no {name} in a locals "
                                           "block)")
        if ("local", name) in module.evaluating:
            return self.unknown(at, scope, "refers to itself through other values (a cycle, which Terraform refuses)")
        module.evaluating.add(("local", name))
        try:
            path, attribute = module.locals[name]
            value = self.evaluate(attribute.value, _Scope(module, path))
        finally:
            module.evaluating.discard(("local", name))
        module.local_values[name] = value
        return value

    def module_value(self, module: _Module, name: str, steps: list, whole, scope: _Scope) -> tuple[Val, int]:
        """`module.NAME...`: an output of a module call (of one instance of it), or the whole
        call as an object of its outputs; and how many of `steps` that took."""
        if name not in module.modules:
            return self.failure(whole, scope, "names a module this one does not call"), len(steps)
        calls = self.child_modules(module, name)
        _path, block = module.modules[name]
        repeated = _Module.attribute(block, "count") is not None or _Module.attribute(block, "for_each") is not None
        if any(child is None for _, child in calls):
            return self.unknown(whole, scope, f"is an output of module '{name}', which schemacheck does not read"), \
                len(steps)
        if ("module", name) in module.evaluating:   # the call's own arguments need its outputs
            return self.unknown(whole, scope, f"is an output of module '{name}', which refers to itself"), len(steps)
        used = 0
        settled = not calls or calls[0][0] is not None   # a repeated call read once has no instance keys
        if repeated and settled:
            if not steps or not isinstance(steps[0], X.Index):
                by_count = _Module.attribute(block, "count") is not None
                return self.module_instances(calls, by_count, whole, scope), 0
            index = self.evaluate(steps[0].key, scope)
            if not index.known:
                return index, len(steps)
            chosen = [child for instance, child in calls if str(instance) == self.piece(index.value)]
            if not chosen:
                return self.failure(whole, scope, f"names an instance module '{name}' does not have"), len(steps)
            child, used = chosen[0], 1
        else:
            child = calls[0][1]
            used = 1 if repeated and steps and isinstance(steps[0], X.Index) else 0
        assert child is not None
        if used < len(steps) and isinstance(steps[used], X.GetAttr):
            return self.output_value(child, steps[used].name, whole, scope), used + 1
        return self.module_object(child, whole, scope), used

    def module_instances(self, calls: list, by_count: bool, whole, scope: _Scope) -> Val:
        """A repeated module call as a value: a list (count) or object (for_each) of its instances."""
        objects = [(instance, self.module_object(child, whole, scope)) for instance, child in calls]
        if by_count:
            return Val([o for _, o in objects], scope.file, whole.start, whole.end)
        return Val({str(i): o for i, o in objects}, scope.file, whole.start, whole.end)

    def module_object(self, child: _Module, whole, scope: _Scope) -> Val:
        return Val({name: self.output_value(child, name, whole, scope) for name in child.outputs}, scope.file,
                   whole.start, whole.end)

    def output_value(self, child: _Module, output: str, whole, scope: _Scope) -> Val:
        if output not in child.outputs:
            return self.failure(whole, scope, "names an output the module does not declare")
        path, block = child.outputs[output]
        value = _Module.attribute(block, "value")
        if value is None or ("output", output) in child.evaluating:
            return self.unknown(whole, scope, "is an output whose value the files do not settle")
        child.evaluating.add(("output", output))
        try:
            return self.evaluate(value.value, _Scope(child, path))
        finally:
            child.evaluating.discard(("output", output))

    # ---- resources ------------------------------------------------------------------------------
    def resource_reference(self, module: _Module, key: tuple, entry, steps: list, whole, scope: _Scope,
                           data: bool = False) -> tuple[Val, int]:
        """`TYPE.NAME` (and `[index]` for a repeated one): the resource as a value, and how
        many of `steps` that took. Its attributes are read by resource_member."""
        path, block = entry
        type_ = ("data." if data else "") + key[0]
        repeated = _Module.attribute(block, "count") is not None or _Module.attribute(block, "for_each") is not None
        instance: Any = None
        used = 0
        if repeated:
            instance = ALL
            if steps and isinstance(steps[0], X.Index):
                index = self.evaluate(steps[0].key, scope)
                if not index.known:
                    return index, len(steps)
                found, instance = self.instance_key(module, (type_, key[1]), path, block, index.value)
                if not found:
                    return self.failure(whole, scope, "names an instance the resource does not have"), len(steps)
                used = 1
        return Val(Resource((module.label, type_, key[1], instance), ""), scope.file, whole.start, whole.end), used

    def instance_key(self, module: _Module, key: tuple, path: str, block: X.Block, index: Any) -> tuple[bool, Any]:
        """(whether it has it, the instance) a repeated resource's `[index]` names: the one
        instance it is read as when its count or for_each is not settled."""
        text = self.piece(index)
        repeats = self.repetitions(module, key, path, block)
        if len(repeats) == 1 and repeats[0][0] is None:
            return True, None
        for instance, _names in repeats:
            if str(instance) == text:
                return True, instance
        return False, None

    def resource_of(self, resource: Resource) -> tuple[_Module, tuple, str, X.Block] | None:
        module = self.by_label(resource.key[0])
        if module is None:
            return None
        type_, name = resource.key[1], resource.key[2]
        table = module.data if type_.startswith("data.") else module.resources
        key = (type_.removeprefix("data."), name)
        entry = table.get(key)
        if entry is None:
            return None
        return module, (type_, name), entry[0], entry[1]

    def instance_names(self, module: _Module, key: tuple, path: str, block: X.Block, instance: Any) -> dict[str, Val]:
        if instance is None or instance == ALL:
            return {}
        return next((names for i, names in self.repetitions(module, key, path, block) if i == instance), {})

    def every_instance(self, resource: Resource, node, scope: _Scope) -> list[Val] | Val:
        found = self.resource_of(resource)
        if found is None:
            return self.unknown(node, scope, "names a resource schemacheck cannot find")
        module, key, path, block = found
        label, type_, name, _ = resource.key
        return [Val(Resource((label, type_, name, instance), ""), scope.file, node.start, node.end)
                for instance, _ in self.repetitions(module, key, path, block)]

    def resource_member(self, base: Val, resource: Resource, key: Any, node, scope: _Scope) -> Val:
        """An attribute (or, for every instance of a repeated resource, one instance) of a resource."""
        if resource.attribute:
            return self.unknown(node, scope, "is an attribute Azure gives the resource when it is deployed")
        found = self.resource_of(resource)
        if found is None:
            return self.unknown(node, scope, "names a resource schemacheck cannot find")
        module, rkey, path, block = found
        label, type_, name, instance = resource.key
        if instance == ALL:
            if isinstance(node, X.Index):
                has, chosen = self.instance_key(module, rkey, path, block, key)
                if not has:
                    return self.failure(node, scope, "names an instance the resource does not have")
                return Val(Resource((label, type_, name, chosen), ""), base.file, base.start, node.end)
            return self.unknown(node, scope, f"names an attribute of {type_}.{name}, which count or for_each repeats: "
                                             "Terraform needs one instance ([0] or [\"key\"])")
        if not isinstance(key, str):
            return self.unknown(node, scope, "indexes a resource that is not repeated")
        names = self.instance_names(module, rkey, path, block, instance)
        written = _Module.attribute(block, key)
        if written is not None:
            return self.evaluate(written.value, _Scope(module, path, names))
        if key == "uri" and type_ == "azurerm_kusto_cluster":
            name_attr, location = (_Module.attribute(block, a) for a in ("name", "location"))
            if name_attr is not None and location is not None:
                inner = _Scope(module, path, names)
                values = [self.evaluate(name_attr.value, inner), self.evaluate(location.value, inner)]
                if all(isinstance(v.value, str) for v in values):
                    region = values[1].value.replace(" ", "").lower()
                    return Val(f"https://{values[0].value}.{region}.kusto.windows.net", scope.file, base.start,
                               node.end)
        if type_.startswith("data.") and not (type_ == "data." + JOB and key == "id"):
            return self.unknown(node, scope, "is read from Azure when Terraform runs")
        return Val(Resource(resource.key, key), scope.file, base.start, node.end)

    # ---- functions ----------------------------------------------------------------------------
    def call(self, expr: X.Call, scope: _Scope) -> Val:
        name = expr.name.rsplit("::", 1)[-1]
        if scope.mode == "tfvars":
            raise self.refused(expr, scope, f"a variables file holds constant values: Terraform refuses the call of "
                                            f"{name}() here (Functions may not be called here)")
        if name in ("file", "templatefile") and expr.args:
            if name == "templatefile" and scope.mode == "template":
                raise self.refused(expr, scope, "a template rendered by templatefile() calls templatefile(): "
                                                "Terraform refuses it")
            return self.read_file(expr, scope, name == "templatefile")
        if name == "fileexists" and len(expr.args) == 1:
            path_val = self.evaluate(expr.args[0], scope)
            if not isinstance(path_val.value, str):
                return path_val if not path_val.known else self.unknown(expr, scope, "tests a path that is not text")
            exists = "\x00" not in path_val.value and os.path.isfile(self.resolve(path_val.value))
            return Val(exists, scope.file, expr.start, expr.end)
        if name in ("try", "can"):
            return self.attempt(expr, scope, name)
        args = [self.evaluate(arg, scope) for arg in expr.args]
        if name == "jsonencode" and len(args) == 1:   # the structure is kept for azapi bodies
            try:
                text: Any = json.dumps(self.json_value(args[0]), separators=(",", ":"))
            except (TypeError, ValueError):
                unknown = unknown_of(args[0])
                text = unknown or self.unknown(expr, scope, "encodes an attribute Azure gives a resource when it "
                                                            "is deployed").value
            return Val(text, scope.file, expr.start, expr.end, "computed", args[0])
        for arg in args:
            if not arg.known:
                return arg
            if name not in STRUCTURAL and unknown_of(arg) is not None:
                return Val(unknown_of(arg), arg.file, arg.start, arg.end)
            if isinstance(arg.value, Resource):
                return self.unknown(expr, scope, "uses an attribute Azure gives a resource when it is deployed")
        values = [plain(a) for a in args]
        if expr.expand and values and isinstance(values[-1], list):
            values = values[:-1] + values[-1]
        try:
            result = evaluate(TERRAFORM, name, values)
        except NotEvaluated:
            return self.unknown(expr, scope, f"calls {name}(), which schemacheck does not evaluate here")
        return wrap(result, scope.file, expr.start, expr.end)

    @staticmethod
    def json_value(val: Val) -> Any:
        """A value as jsonencode() writes it; TypeError for one the files do not settle."""
        value = val.value
        if isinstance(value, dict):
            return {k: _Reader.json_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [_Reader.json_value(v) for v in value]
        if isinstance(value, (Unknown, Resource)):
            raise TypeError("not settled")
        return value

    def attempt(self, expr: X.Call, scope: _Scope, name: str) -> Val:
        """try(a, b, ...): the first argument that is no error in Terraform; can(a): whether a
        is none. An argument the files do not settle leaves the answer unsettled, as Terraform
        waits for it."""
        for arg in expr.args:
            try:
                value = self.evaluate(arg, scope)
            except InputError:   # what stops Terraform (a missing file) is what try() catches
                value = None
            unknown = unknown_of(value) if value is not None else None
            failed = value is None or unknown in self.failed
            if name == "can":
                if failed:
                    return Val(False, scope.file, expr.start, expr.end)
                return Val(True, scope.file, expr.start, expr.end) if unknown is None else \
                    Val(unknown, scope.file, expr.start, expr.end)
            if not failed:
                assert value is not None
                return value if unknown is None else Val(unknown, value.file, value.start, value.end)
        return self.failure(expr, scope, "tries expressions that all fail")

    def resolve(self, path: str) -> str:
        """A path as file() reads it: relative to the root module's folder, where Terraform runs."""
        if path.startswith("~"):
            path = os.path.expanduser(path)
        return os.path.normpath(path if os.path.isabs(path) else os.path.join(self.root_directory, path))

    def read_file(self, expr: X.Call, scope: _Scope, template: bool) -> Val:
        from schemacheck.files import display_path

        name = "templatefile" if template else "file"
        path_val = self.evaluate(expr.args[0], scope)
        if not isinstance(path_val.value, str):
            return path_val if not path_val.known else self.unknown(expr, scope, "reads a file not named by text")
        if "\x00" in path_val.value:
            raise self.refused(expr, scope, f"{name}() names a path with a NUL character: no file has one")
        path = self.resolve(path_val.value)
        if not os.path.isfile(path):
            why = "is a folder" if os.path.isdir(path) else "does not exist"
            raise self.refused(expr, scope, f"{name}() reads {display_path(path)}, which {why}: Terraform stops "
                                            "here too")
        try:
            text = _read_text(path, "file a Terraform file reads")
        except InputError as error:
            raise self.refused(expr, scope, f"{name}() reads {display_path(path)}, which Terraform cannot read "
                                            f"either: {error.message}") from None
        self.places.texts.setdefault(path, text)
        if not template:
            return Val(text, path, 0, len(text), "file")
        variables = self.evaluate(expr.args[1], scope) if len(expr.args) > 1 else \
            Val({}, scope.file, expr.start, expr.end)
        if not isinstance(variables.value, dict):
            return variables if not variables.known else \
                self.unknown(expr, scope, "gives the template values that are not an object")
        return self.render(text, path, variables.value, expr, scope)

    def render(self, text: str, path: str, variables: dict[str, Val], expr: X.Call, scope: _Scope) -> Val:
        """A template file rendered as templatefile() renders it: its text read as a heredoc
        is (HCL's template syntax), with the variables given as its only names."""
        import re

        from schemacheck.jobs.hcl import parse_hcl

        marker = "SCHEMACHECK_TEMPLATE_END"
        while marker in text:
            marker += "_"
        newline = text.endswith("\n")
        prefix = f"t = <<{marker}\n"
        source = prefix + text + ("" if newline else "\n") + marker + "\n"
        try:
            body = parse_hcl(source, path)
        except InputError as error:
            message = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) - 1}", error.message)
            raise InputError(f"{message} (the template templatefile() renders: Terraform refuses it)", path,
                             max(1, (error.line or 2) - 1), error.column) from None
        attribute = body.items[0]
        assert isinstance(attribute, X.Attribute)
        node = attribute.value
        if isinstance(node, X.Text) and node.value == text + ("" if newline else "\n"):
            return Val(text, path, 0, len(text), "file")   # nothing to render: the file's own text
        inner = _Scope(scope.module, path, dict(variables), "template", source, (scope.file, expr.start, expr.end))
        value = self.evaluate(node, inner)
        if not value.known:
            return value
        rendered = self.piece(value.value)
        if rendered is None:
            return self.unknown(expr, scope, "renders a template to a value that is not text")
        if not newline and rendered.endswith("\n"):
            rendered = rendered[:-1]
        return Val(rendered, scope.file, expr.start, expr.end)


# ---- from resources to jobs ---------------------------------------------------------------------

class _Draft:
    """A job resource (one instance of it) before its children are read."""

    def __init__(self, module: _Module, key: tuple, instance: Any, path: str, block: X.Block, names: dict[str, Val],
                 style: str) -> None:
        self.module = module
        self.key = key
        self.instance = instance
        self.path = path
        self.block = block
        self.names = names
        self.style = style
        self.name: Val | None = None

    @property
    def ref(self) -> tuple:
        """Its key in a Resource value: (module label, type, name, instance)."""
        return (self.module.label,) + self.key + (self.instance,)


class _Child:
    """An output, input, function or transformation resource (one instance of it), and the
    argument that names its job."""

    def __init__(self, module: _Module, key: tuple, path: str, block: X.Block, names: dict[str, Val],
                 role: str, link: Val | None) -> None:
        self.module = module
        self.key = key
        self.path = path
        self.block = block
        self.names = names
        self.role = role   # "azurerm-output", "azurerm-input", "azurerm-function", "/outputs", ... (azapi)
        self.link = link


class _Jobs:
    """The jobs of the module tree: each job resource with the outputs, inputs, functions
    (in any module) that name it, and the Kusto scripts of the tree."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.places = reader.places
        self._scripts: list[Script] | None = None

    def value(self, module: _Module, block: X.Block, path: str, name: str, names=None) -> Val | None:
        attribute = _Module.attribute(block, name)
        if attribute is None:
            return None
        return self.reader.evaluate(attribute.value, _Scope(module, path, names))

    def where(self, path: str, offset: int) -> Where:
        return self.places.where(path, offset)

    def instances(self, module: _Module, key: tuple, path: str, block: X.Block) -> list[tuple[Any, dict[str, Val]]]:
        return self.reader.repetitions(module, key, path, block)

    def azapi_type(self, module: _Module, path: str, block: X.Block) -> str | None:
        type_ = self.value(module, block, path, "type")
        if type_ is None or not isinstance(type_.value, str):
            return None
        return type_.value.split("@", 1)[0].strip().lower()

    def azapi_body(self, module: _Module, path: str, block: X.Block, names=None) -> Val | None:
        body = self.value(module, block, path, "body", names)
        if body is not None and body.text is not None and not isinstance(body.text, X.Text):
            return body.text   # jsonencode(...): the structure it was given
        if body is not None and isinstance(body.value, str):
            try:
                return wrap(json.loads(body.value), body.file, body.start, body.end)
            except ValueError:
                return body
        return body

    def all(self) -> list[Job]:
        drafts: list[_Draft] = []
        deployed: list[Job] = []
        for module in self.reader.modules:
            for key, (path, block) in module.resources.items():
                style = "azurerm" if key[0] == JOB else "azapi" if key[0] == "azapi_resource" and \
                    self.azapi_type(module, path, block) == AZAPI_JOB else None
                if style is not None:
                    for instance, names in self.instances(module, key, path, block):
                        drafts.append(_Draft(module, key, instance, path, block, names, style))
        for draft in drafts:
            draft.name = self.value(draft.module, draft.block, draft.path, "name", draft.names)
        owned = self.link(drafts)
        jobs = [self.job(draft, owned[index]) for index, draft in enumerate(drafts)]
        for module in self.reader.modules:
            for key, (path, block) in module.resources.items():
                if key[0] in TEMPLATE_DEPLOYMENTS:
                    for _instance, names in self.instances(module, key, path, block):
                        deployed.extend(self.deployed_jobs(module, key, path, block, names))
        return jobs + deployed

    # ---- what belongs to a job ----------------------------------------------------------------
    def link(self, drafts: list[_Draft]) -> list[list[_Child]]:
        """The children of each job: those whose link names it. A child whose link the files
        do not settle is the only job's, else no job's (with an SC608 note)."""
        owned: list[list[_Child]] = [[] for _ in drafts]
        for child in self.children():
            if child.link is None:
                continue
            verdicts = [self.owner(draft, child.link) for draft in drafts]
            chosen = [i for i, verdict in enumerate(verdicts) if verdict]
            if not chosen and None in verdicts:
                if len(drafts) == 1:
                    chosen = [0]
                else:
                    unknown = unknown_of(child.link)
                    what = f"the job {child.key[0]}.{child.key[1]} belongs to"
                    if unknown is not None:
                        ArmShape(self.places, self.reader.notes).note_unknown(unknown, what)
                    else:
                        self.reader.notes.append(Note("SC608", f"{what} is not settled by the files: it is not "
                                                      "checked", self.places.of(child.link)))
            for index in chosen:
                owned[index].append(child)
        return owned

    def children(self) -> list[_Child]:
        found = []
        for module in self.reader.modules:
            for key, (path, block) in module.resources.items():
                role = "azurerm-output" if key[0] in OUTPUTS else "azurerm-input" if key[0] in INPUTS else \
                    "azurerm-function" if key[0] in FUNCTIONS else None
                if role is None and key[0] == "azapi_resource":
                    type_ = self.azapi_type(module, path, block) or ""
                    suffix = type_[len(AZAPI_JOB):] if type_.startswith(AZAPI_JOB + "/") else ""
                    role = suffix if suffix in AZAPI_CHILDREN else None
                if role is None:
                    continue
                for _instance, names in self.instances(module, key, path, block):
                    if role.startswith("azurerm"):
                        link = self.value(module, block, path, "stream_analytics_job_name", names) or \
                            self.value(module, block, path, "stream_analytics_job_id", names)
                    else:
                        link = self.value(module, block, path, "parent_id", names)
                    found.append(_Child(module, key, path, block, names, role, link))
        return found

    def owner(self, draft: _Draft, linked: Val) -> bool | None:
        """Whether a child whose link evaluates to `linked` belongs to `draft` (None: the
        files do not tell)."""
        value = linked.value
        if isinstance(value, Resource):
            if value.key[1].startswith("data."):   # data "azurerm_stream_analytics_job": the job of that name
                found = self.reader.resource_of(value)
                if found is None:
                    return False
                module, _key, path, block = found
                value = self.value(module, block, path, "name")
                if value is None or not isinstance(value.value, str):
                    return None
                value = value.value
            else:
                return value.key == draft.ref
        if isinstance(value, str):
            if value.lower().startswith("/subscriptions/"):
                value = value.rstrip("/").rsplit("/", 1)[-1]
            name = draft.name
            if name is None or not isinstance(name.value, str):
                return None if name is not None and not name.known else False
            return name.value == value
        return None if unknown_of(linked) is not None else False

    def children_of(self, draft: _Draft, children: list[_Child], shape: ArmShape, outputs: list, inputs: list,
                    functions: list) -> None:
        for child in children:
            module, key, path, block, names = child.module, child.key, child.path, child.block, child.names
            if child.role == "/transformations":
                continue
            where = self.where(path, block.start)
            label = f"{key[0]}.{key[1]}" if child.role.startswith("azurerm") else "an azapi child resource"
            alias = shape.text(self.value(module, block, path, "name", names), f"the name of {label}")
            if alias is None:
                continue
            if child.role == "azurerm-output":
                outputs.append(self.azurerm_output(alias, OUTPUTS[key[0]], key[0], child, where, shape))
            elif child.role == "azurerm-input":
                inputs.append(self.azurerm_input(alias, key[0], child, where, shape))
            elif child.role == "azurerm-function":
                output_type = None
                output_blocks = _Module.blocks(block, "output")
                attr = _Module.attribute(output_blocks[0], "type") if output_blocks else None
                if attr is not None:
                    output_type = shape.text(self.reader.evaluate(attr.value, _Scope(module, path, names)),
                                             f"the return type of function '{alias}'")
                functions.append(Function(alias, output_type, FUNCTIONS[key[0]], where))
            else:
                body = self.azapi_body(module, path, block, names)
                properties = body.get("properties") if body is not None else None
                if child.role == "/outputs":
                    outputs.append(shape.output(alias, properties, where))
                elif child.role == "/inputs":
                    inputs.append(shape.input(alias, properties, where))
                else:
                    functions.append(shape.function(alias, properties, where))

    def azurerm_output(self, alias: str, kind: str, type_: str, child: _Child, where: Where,
                       shape: ArmShape) -> Output:
        settings = self.azurerm_output_settings(alias, kind, child, shape)
        if kind not in SQL_KINDS:
            return Output(alias, kind, type_, where=where, settings=settings)
        values = [shape.text(self.value(child.module, child.block, child.path, name, child.names),
                             f"the {name} of output '{alias}'", quiet=name == "server")
                  for name in ("server", "database", "table", "authentication_mode")]
        return Output(alias, kind, type_, values[0], values[1], values[2], values[3], where, settings)

    # ---- an azurerm output's settings ------------------------------------------------------------
    def azurerm_output_settings(self, alias: str, kind: str, child: _Child,
                                shape: ArmShape) -> tuple[OutputSetting, ...]:
        """The settings OUTPUT_SETTINGS keeps for an azurerm output (AZURERM_OUTPUT_SETTINGS),
        under ARM's names, each where its value is written; a blob output's serialization
        type and format; a Cosmos DB output's container's partition key paths
        ("containerPartitionKeyPaths") when the tree defines that container."""
        label = f"output '{alias}'"
        found: list[OutputSetting] = []
        for argument, name, form in AZURERM_OUTPUT_SETTINGS.get(kind, ()):
            val = self.value(child.module, child.block, child.path, argument, child.names)
            setting = self.output_setting(val, name, form, f"the {argument} of {label}", shape)
            if setting is not None:
                found.append(setting)
        if kind == "blob":
            blocks = _Module.blocks(child.block, "serialization")
            for argument, name in (("type", "serialization"), ("format", "format")):
                attr = _Module.attribute(blocks[0], argument) if blocks else None
                val = self.reader.evaluate(attr.value, _Scope(child.module, child.path, child.names)) \
                    if attr is not None else None
                setting = self.output_setting(val, name, "text", f"the serialization {argument} of {label}", shape)
                if setting is not None:
                    found.append(setting)
        if kind == "cosmosdb":
            container = next((s for s in found if s.name == "collectionNamePattern"), None)
            if container is not None and isinstance(container.value, str):
                paths = self.container_partition_keys(child, container.value, label, shape)
                if paths is not None:
                    found.append(paths)
        return tuple(found)

    def output_setting(self, val: Val | None, name: str, form: str, what: str,
                       shape: ArmShape) -> OutputSetting | None:
        """One setting as OutputSetting: `form` "text" (a str; a number or bool as Terraform
        writes it as text), "list" (a tuple of str) or "map" (a tuple of (key, value) pairs in
        written order). None when it is not written or null; when the files do not settle it
        (an SC608 note: a deployment's value, an attribute Azure gives a resource); when it has
        another shape (an SC609 note)."""
        if val is None or val.value is None:
            return None
        unknown = unknown_of(val) or self.computed(val)
        if unknown is not None:
            shape.note_unknown(unknown, what)
            return None
        value = self.shaped(val, form)
        if value is None:
            shape.notes.append(Note("SC609", f"{what} should be {SHAPE_TEXT[form]}; it is not read",
                                    self.places.of(val)))
            return None
        return OutputSetting(name, value, self.places.of(val))

    def computed(self, val: Val) -> Unknown | None:
        """An attribute Azure gives a resource (its id) in a value, as an Unknown."""
        stack = [val]
        while stack:
            current = stack.pop()
            if isinstance(current.value, Resource):
                written = " ".join(self.places.texts.get(current.file, "")[current.start:current.end].split())
                return Unknown(written[:80] or "?", "is an attribute Azure gives a resource when it is deployed",
                               current.file, current.start, current.end)
            if isinstance(current.value, dict):
                stack.extend(current.value.values())
            elif isinstance(current.value, list):
                stack.extend(current.value)
        return None

    @staticmethod
    def shaped(val: Val, form: str) -> object:
        """The value in `form` (see output_setting), or None when it has another shape."""
        def scalar(value: Any) -> str | None:
            return None if isinstance(value, (dict, list)) or value is None else _Reader.piece(value)

        value = val.value
        if form == "text":
            return scalar(value)
        if form == "list" and isinstance(value, list):
            members = tuple(scalar(member.value) for member in value)
            return None if None in members else members
        if form == "map" and isinstance(value, dict):
            pairs = tuple((key, scalar(member.value)) for key, member in value.items())
            return None if any(v is None for _, v in pairs) else pairs
        return None

    def container_partition_keys(self, child: _Child, container: str, label: str,
                                 shape: ArmShape) -> OutputSetting | None:
        """The partition key paths (`partition_key_paths`, or the older `partition_key_path`)
        of the azurerm_cosmosdb_sql_container a Cosmos DB output writes to: the one of the tree
        named `container` in the output's database (and account, when both say), if exactly one."""
        database, account = self.cosmos_database(
            self.value(child.module, child.block, child.path, "cosmosdb_sql_database_id", child.names))
        if database is None:
            return None
        matches: list[tuple[str, Val, str]] = []
        for module in self.reader.modules:
            for key, (path, block) in module.resources.items():
                if key[0] != COSMOS_CONTAINER:
                    continue
                for instance, names in self.instances(module, key, path, block):
                    name, in_database, in_account = (self.value(module, block, path, argument, names)
                                                     for argument in ("name", "database_name", "account_name"))
                    if name is None or name.value != container or in_database is None \
                            or in_database.value != database:
                        continue
                    if account is not None and in_account is not None and isinstance(in_account.value, str) \
                            and in_account.value != account:
                        continue
                    paths = self.value(module, block, path, "partition_key_paths", names)
                    form = "list"
                    if paths is None:
                        paths, form = self.value(module, block, path, "partition_key_path", names), "text"
                    if paths is not None:
                        written = f"{module.label}{key[0]}.{key[1]}{_instance_text(instance)}"
                        matches.append((written, paths, form))
        if len(matches) != 1:
            return None
        written, paths, form = matches[0]
        argument = "partition_key_paths" if form == "list" else "partition_key_path"
        setting = self.output_setting(paths, "containerPartitionKeyPaths", form,
                                      f"the {argument} of {written} (the container of {label})", shape)
        if setting is not None and form == "text":
            setting = setting._replace(value=(setting.value,))
        return setting

    def cosmos_database(self, linked: Val | None) -> tuple[str | None, str | None]:
        """(database name, account name) a Cosmos DB output's cosmosdb_sql_database_id names:
        an azurerm_cosmosdb_sql_database of the tree, or an id written out."""
        if linked is None:
            return None, None
        value = linked.value
        if isinstance(value, Resource) and value.attribute == "id":
            found = self.reader.resource_of(value)
            if found is None or found[1][0] != COSMOS_DATABASE:
                return None, None
            module, key, path, block = found
            names = self.reader.instance_names(module, key, path, block, value.key[3])
            name, account = (self.value(module, block, path, argument, names) for argument in ("name", "account_name"))
            return (name.value if name is not None and isinstance(name.value, str) else None,
                    account.value if account is not None and isinstance(account.value, str) else None)
        if isinstance(value, str):
            parts = value.rstrip("/").split("/")
            lowered = [p.lower() for p in parts]
            return (parts[lowered.index("sqldatabases") + 1] if "sqldatabases" in lowered[:-1] else None,
                    parts[lowered.index("databaseaccounts") + 1] if "databaseaccounts" in lowered[:-1] else None)
        return None, None

    def azurerm_input(self, alias: str, type_: str, child: _Child, where: Where, shape: ArmShape) -> Input:
        """An azurerm input and what its arguments say of its data (hashicorp/terraform-provider-azurerm
        website/docs/r/stream_analytics_*_input_*.html.markdown): `serialization { type }`, a blob
        input's `path_pattern`, an MS SQL reference input's database, table, refresh type and queries."""
        kind, stream = INPUTS[type_]
        label = f"input '{alias}'"

        def argument(name: str) -> Val | None:
            return self.value(child.module, child.block, child.path, name, child.names)

        blocks = _Module.blocks(child.block, "serialization")
        written = _Module.attribute(blocks[0], "type") if blocks else None
        serialization = shape.one_of(
            self.reader.evaluate(written.value, _Scope(child.module, child.path, child.names)) if written else None,
            f"the serialization type of {label}", serialization_name, SERIALIZATION_NAMES)
        if kind == "blob":
            return Input(alias, kind, stream, type_, where, serialization,
                         shape.optional(argument("path_pattern"), f"the path pattern of {label}"))
        if kind == "sql":
            return Input(alias, kind, stream, type_, where, serialization, None,
                         shape.optional(argument("database"), f"the database of {label}"),
                         shape.optional(argument("table"), f"the table of {label}"),
                         shape.one_of(argument("refresh_type"), f"the refresh type of {label}", refresh_type_name,
                                      REFRESH_TYPE_NAMES),
                         shape.sql_text(argument("full_snapshot_query"), f"the snapshot query of {label}"),
                         shape.sql_text(argument("delta_snapshot_query"), f"the delta query of {label}"))
        return Input(alias, kind, stream, type_, where, serialization)

    # ---- one job --------------------------------------------------------------------------
    def job(self, draft: _Draft, children: list[_Child]) -> Job:
        notes: list[Note] = []
        shape = ArmShape(self.places, notes)
        module, path, block, names = draft.module, draft.path, draft.block, draft.names
        where = self.where(path, block.start)
        name = shape.text(draft.name, "the job's name")
        outputs: list[Output] = []
        inputs: list[Input] = []
        functions: list[Function] = []
        if draft.style == "azurerm":
            query_val = self.value(module, block, path, "transformation_query", names)
            query = shape.query(query_val, "the job's query", "hcl")
            level = shape.setting(self.value(module, block, path, "compatibility_level", names),
                                  "the job's compatibility level", where)
            locale = shape.setting(self.value(module, block, path, "data_locale", names), "the job's data locale",
                                   where)
            policy_val = self.value(module, block, path, "output_error_policy", names)
            # azurerm's own default is Drop (the portal's and ARM's is Retry).
            policy = shape.setting(policy_val, "the job's output error policy") if policy_val is not None \
                else Setting("Drop", where)
            identity = self.azurerm_identity(draft, where, shape)
            job_type = shape.text(self.value(module, block, path, "type", names), "the job's type", quiet=True)
        else:
            body = self.azapi_body(module, path, block, names) or Val({}, path, block.start, block.end)
            properties = body.get("properties")
            query_val = properties.get("transformation", "properties", "query") if properties else None
            query = shape.query(query_val, "the job's query", "hcl")

            def setting(name: str, what: str) -> Setting:
                return shape.setting(properties.get(name) if properties else None, what, where)

            level = setting("compatibilityLevel", "the job's compatibility level")
            locale = setting("dataLocale", "the job's data locale")
            policy = setting("outputErrorPolicy", "the job's output error policy")
            identity = self.azapi_identity(draft, body, where, shape)
            job_type = shape.text(properties.get("jobType") if properties else None, "the job's type", quiet=True)
            def members(name: str) -> list[tuple[str, Val]]:
                return shape.named_members(properties.get(name) if properties else None, name)

            outputs += [shape.output(alias, member.get("properties"), self.places.of(member))
                        for alias, member in members("outputs")]
            inputs += [shape.input(alias, member.get("properties"), self.places.of(member))
                       for alias, member in members("inputs")]
            functions += [shape.function(alias, member.get("properties"), self.places.of(member))
                          for alias, member in members("functions")]
            for child in children:
                if child.role == "/transformations" and query is None:
                    t_body = self.azapi_body(child.module, child.path, child.block, child.names)
                    t_val = t_body.get("properties", "query") if t_body is not None else None
                    query = shape.query(t_val, "the job's query", "hcl")
        if query_val is None and query is None:
            written = ("transformation_query" if draft.style == "azurerm" else
                       "body.properties.transformation.properties.query nor a /transformations child resource")
            notes.append(Note("SC609", f"the job has no query (no {written}): it is not checked", where))
        if job_type is not None and job_type.lower() == "edge":
            notes.append(Note("SC609", "the job runs on IoT Edge, where ASA writes every field name in lower case "
                              "whatever the compatibility level: names are checked as the level says", where))
        self.children_of(draft, children, shape, outputs, inputs, functions)
        scripts = self.scripts()
        return Job(name, "terraform", path, self.reader.root_directory, query, level, locale, policy, identity,
                   tuple(outputs), tuple(inputs), tuple(functions), (), tuple(notes), tuple(scripts))

    def azurerm_identity(self, draft: _Draft, where: Where, shape: ArmShape) -> Identity:
        identities = _Module.blocks(draft.block, "identity")
        if not identities:
            return Identity("none", where=where)
        return self.identity_block(draft, identities[0], shape)

    def identity_block(self, draft: _Draft, inner: X.Block, shape: ArmShape) -> Identity:
        """An `identity { type, identity_ids }` block (azurerm, and azapi 1.x/2.x)."""
        scope = _Scope(draft.module, draft.path, draft.names)
        type_attr = _Module.attribute(inner, "type")
        kind = shape.text(self.reader.evaluate(type_attr.value, scope), "the job's identity type") \
            if type_attr is not None else None
        at = self.where(draft.path, inner.start)
        lowered = (kind or "").replace(" ", "").replace(",", "").lower()
        if "userassigned" in lowered:
            ids_attr = _Module.attribute(inner, "identity_ids")
            ids = self.reader.evaluate(ids_attr.value, scope) if ids_attr is not None else None
            resources = []
            for item in ids.value if ids is not None and isinstance(ids.value, list) else []:
                if isinstance(item.value, str):
                    resources.append(item.value)
                elif isinstance(item.value, Resource):
                    resources.append(f"{item.value.key[1]}.{item.value.key[2]}{_instance_text(item.value.key[3])}")
            return Identity("user", tuple(resources), at)
        if "systemassigned" in lowered:
            return Identity("system", where=at)
        if lowered == "none":
            return Identity("none", where=at)
        return Identity("unknown", where=at)

    def azapi_identity(self, draft: _Draft, body: Val, where: Where, shape: ArmShape) -> Identity:
        identity = _Module.blocks(draft.block, "identity")
        if identity:
            return self.identity_block(draft, identity[0], shape)
        value = self.value(draft.module, draft.block, draft.path, "identity", draft.names) or body.get("identity")
        return shape.identity(value, where) if value is not None else Identity("none", where=where)

    # ---- tables ---------------------------------------------------------------------------------
    def scripts(self) -> list[Script]:
        """The Kusto scripts of the module tree, each bound to its database."""
        if self._scripts is not None:
            return self._scripts
        found: list[Script] = []
        notes: list[Note] = []
        shape = ArmShape(self.places, notes)
        for module in self.reader.modules:
            for key, (path, block) in module.resources.items():
                label = f"{key[0]}.{key[1]}"
                if key[0] == "azurerm_kusto_script":
                    for _instance, names in self.instances(module, key, path, block):
                        content = self.value(module, block, path, "script_content", names)
                        if content is None:
                            content = self.blob_content(module, block, path, names, label, notes)
                        database = self.database_of(self.value(module, block, path, "database_id", names))
                        found.extend(self.script(content, database, shape, label))
                elif key[0] == "azapi_resource" and self.azapi_type(module, path, block) == KUSTO_SCRIPT:
                    for _instance, names in self.instances(module, key, path, block):
                        body = self.azapi_body(module, path, block, names)
                        content = body.get("properties", "scriptContent") if body is not None else None
                        database = self.database_of(self.value(module, block, path, "parent_id", names))
                        found.extend(self.script(content, database, shape, label))
        self.reader.notes.extend(n for n in notes if n not in self.reader.notes)
        self._scripts = found
        return found

    def script(self, content: Val | None, database: tuple[str | None, str | None], shape: ArmShape,
               label: str) -> list[Script]:
        if content is None:
            return []
        text = shape.text(content, f"the script of {label}")
        if text is None or not isinstance(content.value, str):
            return []
        placed = None
        where = self.places.of(content)
        if content.origin == "literal" and isinstance(content.text, X.Text):
            placed = _placed(content.text)
        return [Script("adx", text, content.file, database[0], database[1], placed, where)]

    def database_of(self, linked: Val | None) -> tuple[str | None, str | None]:
        """(database name, cluster) a script's database_id / parent_id names."""
        if linked is None:
            return None, None
        value = linked.value
        if isinstance(value, Resource):
            found = self.reader.resource_of(value)
            if found is not None:
                module, key, path, block = found
                names = self.reader.instance_names(module, key, path, block, value.key[3])
                name = self.value(module, block, path, "name", names)
                cluster = self.value(module, block, path, "cluster_name", names)
                if cluster is None and key[0] == "azapi_resource":   # an azapi database: its parent cluster
                    parent = self.value(module, block, path, "parent_id", names)
                    if parent is not None and isinstance(parent.value, Resource):
                        cluster_found = self.reader.resource_of(parent.value)
                        if cluster_found is not None:
                            c_module, c_key, c_path, c_block = cluster_found
                            cluster = self.value(c_module, c_block, c_path, "name", self.reader.instance_names(
                                c_module, c_key, c_path, c_block, parent.value.key[3]))
                    elif parent is not None and isinstance(parent.value, str):
                        cluster = Val(parent.value.rstrip("/").rsplit("/", 1)[-1], parent.file, parent.start,
                                      parent.end)
                return (name.value if name is not None and isinstance(name.value, str) else None,
                        cluster.value if cluster is not None and isinstance(cluster.value, str) else None)
        if isinstance(value, str) and "/databases/" in value.lower():
            parts = value.rstrip("/").split("/")
            lowered = [p.lower() for p in parts]
            return (parts[lowered.index("databases") + 1] if "databases" in lowered[:-1] else None,
                    parts[lowered.index("clusters") + 1] if "clusters" in lowered[:-1] else None)
        return None, None

    def blob_content(self, module: _Module, block: X.Block, path: str, names, label: str,
                     notes: list[Note]) -> Val | None:
        """An azurerm_kusto_script's `url` naming an azurerm_storage_blob: its content."""
        url = self.value(module, block, path, "url", names)
        if url is None or not url.known:
            return url
        if not isinstance(url.value, Resource):
            if isinstance(url.value, str):
                notes.append(Note("SC609", f"the script of {label} is read from {url.value}, which schemacheck does "
                                  "not download: the tables it creates are not known", self.places.of(url)))
            return None
        found = self.reader.resource_of(url.value)
        if found is None or url.value.key[1] != "azurerm_storage_blob":
            return None
        blob_module, blob_key, blob_path, blob = found
        blob_names = self.reader.instance_names(blob_module, blob_key, blob_path, blob, url.value.key[3])
        content = self.value(blob_module, blob, blob_path, "source_content", blob_names)
        if content is not None:
            return content
        source = _Module.attribute(blob, "source")
        if source is None:
            return None
        return self.reader.read_file(X.Call("file", (source.value,), source.start, source.end),
                                     _Scope(blob_module, blob_path, blob_names), False)

    # ---- ARM templates Terraform deploys ----------------------------------------------------------
    def deployed_jobs(self, module: _Module, key: tuple, path: str, block: X.Block, names) -> list[Job]:
        """The jobs of an ARM template a template deployment deploys: a template file read
        with file() keeps its own positions; a template written in the .tf file (a heredoc,
        jsonencode) is reported at the argument that holds it."""
        from schemacheck.jobs.arm import load_template, read_loaded
        from schemacheck.jobs.jsonfile import JsonFile

        template_argument, parameters_argument = TEMPLATE_DEPLOYMENTS[key[0]]
        notes: list[Note] = []
        shape = ArmShape(self.places, notes)
        label = f"{key[0]}.{key[1]}"
        content = self.value(module, block, path, template_argument, names)
        text = shape.text(content, f"the template of {label}")
        if content is None or text is None:
            self.reader.notes.extend(notes)
            return []
        if content.origin == "file":
            template, more = load_template(content.file)
            notes += more
        else:
            template = self.inline_json(content, f"the template of {label}", JsonFile)
        parameters_val = self.value(module, block, path, parameters_argument, names)
        parameters = None
        if parameters_val is not None and isinstance(parameters_val.text, Val) and not parameters_val.known:
            parameters = self.settled_parameters(parameters_val.text, f"the parameters of {label}", shape, JsonFile)
        elif parameters_val is not None and shape.text(parameters_val, f"the parameters of {label}") is not None:
            parameters = self.inline_json(parameters_val, f"the parameters of {label}", JsonFile)
        jobs = read_loaded(template, parameters, notes)
        scripts = tuple(self.scripts())   # the tree's tables are the deployed job's too
        # Deployed by Terraform: reported as the module's job, its query where it is written.
        return [job._replace(scripts=job.scripts + scripts, form="terraform", source=path,
                             root=self.reader.root_directory) for job in jobs]

    def settled_parameters(self, structure: Val, what: str, shape: ArmShape, json_file):
        """jsonencode({...}) parameters some of which the files do not settle (an id Azure
        gives a resource): the others, each left out noted (SC608)."""
        if not isinstance(structure.value, dict):
            shape.text(structure, what)
            return None
        kept = {}
        for name, member in structure.value.items():
            try:
                kept[name] = _Reader.json_value(member)
            except TypeError:
                unknown = unknown_of(member)
                if unknown is None:   # a resource's id or other attribute Azure gives it
                    written = " ".join(self.places.texts.get(member.file, "")[member.start:member.end].split())
                    unknown = Unknown(written[:80] or name, "is an attribute Azure gives a resource when it is "
                                      "deployed", member.file, member.start, member.end)
                shape.note_unknown(unknown, f"parameter '{name}' of {what}")
        text = json.dumps(kept)
        return json_file(structure.file, text, kept, self.places.of(structure))

    def inline_json(self, val: Val, what: str, json_file):
        """A JSON document written as a value of a .tf file, placed at that value."""
        where = self.places.of(val)
        try:
            data = json.loads(val.value)
        except ValueError as error:
            raise InputError(f"{what} is not JSON ({error}); it must be an ARM template", where.file, where.line,
                             where.column) from None
        return json_file(where.file, val.value, data, where)
