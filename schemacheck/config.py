"""Configuration: `[tool.schemacheck]` in pyproject.toml, or a schemacheck.toml (same keys at
the top level). The nearest one to the checked file wins, looking in its directory and
then in each parent; schemacheck.toml before pyproject.toml in the same directory.

    compat-level = "1.2"               # the job's compatibility level (when the job does not say)
    schemas = ["schemas", "database"]  # schema files or folders (Kusto schemas; SQL DDL in .sql
                                       # files and SSDT project folders), relative to this file
    fail-on = "error"                  # the lowest severity that fails the run
    exclude = ["drafts", "**/*.test.asaql"]   # paths not checked, relative to this file
    [rules]                            # a rule's severity: error, warning, info, or off
    SC301 = "error"
    SC203 = "off"
    [live]                             # defaults for --live, --deployed, snapshot, doctor, drift
    cluster = "https://fleet.westeurope.kusto.windows.net"
    auth = "az-cli"
    timeout = 60
    arm-endpoint = "https://management.azure.com"   # a sovereign cloud's ARM endpoint
    [outputs.adx-readings]             # ([tool.schemacheck.outputs.adx-readings] in pyproject)
    database = "fleet"
    table = "VehicleReadings"
    cluster = "https://fleet.westeurope.kusto.windows.net"
    [outputs.sql-alerts]
    kind = "sql"                       # Azure SQL Database ("synapse", "postgresql" alike):
    table = "dbo.Alerts"               # compared with its CREATE TABLE in the schemas' .sql files
    schemas = ["db/postgres"]          # (optional) this output's own DDL, e.g. when T-SQL and
                                       # PostgreSQL DDL live side by side
    [outputs.raw-archive]
    kind = "blob"                      # not a table: listed as not checked
    [inputs.hub-in]                    # an input's field types, for the check only
    DeviceId = "nvarchar(max)"         # (schemacheck.inputs.declared: the syntax)
    "Position.Lat" = "float"           # a field of a record
    "Readings[].Value" = "float"       # a field of the records of an array
    [inputs.avro-in]
    schema = "schemas/telemetry.avsc"  # or a JSON Schema (.json), relative to this file

The command line beats the configuration (--fail-on, --compat-level, --schema, --cluster,
--auth, --timeout, --arm-endpoint).

The file is validated (schemacheck.validation); an unknown key or a wrong value is an
InputError naming the file, the line and the key.
"""

from __future__ import annotations

import os
import re
import sys

from schemacheck import kinds
from schemacheck.errors import InputError
from schemacheck.records import Record, record
from schemacheck.validation import Shape, field_path

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level
    from schemacheck.diagnostics import Severity

CONFIG_FILES = ("schemacheck.toml", "pyproject.toml")


@record
class OutputConfig(Record):
    table: str | None = None
    database: str | None = None
    cluster: str | None = None
    kind: str | None = None
    schemas: tuple[str, ...] | None = None   # this output's schema paths (its DDL), for the file's


@record
class InputConfig(Record):
    """`[inputs.ALIAS]`: the input's fields as declared (`fields`: (name, Ty) each with
    source "declared", nested fields and elements included, bit as written), or the
    `schema` file that declares them (its path; an Avro .avsc or a JSON Schema .json)."""

    fields: tuple | None = None
    schema: str | None = None


SEVERITIES = ("error", "warning", "info")
OFF = "off"


@record
class LiveConfig(Record):
    cluster: str | None = None
    auth: str | None = None
    timeout: float | None = None
    arm_endpoint: str | None = None


@record
class Config(Record):
    """What a configuration file says; `path` is None when there is none."""

    path: str | None = None
    compat_level: Level | None = None
    schemas: tuple[str, ...] = ()
    outputs: dict | None = None   # alias -> OutputConfig
    fail_on: Severity | None = None
    exclude: tuple[str, ...] = ()
    rules: dict | None = None     # code -> "error" | "warning" | "info" | "off"
    live: LiveConfig = LiveConfig()
    inputs: dict | None = None    # alias -> InputConfig

    def output(self, alias: str) -> OutputConfig | None:
        """`[outputs.ALIAS]`; aliases match without regard to case, as ASA's do."""
        outputs = self.outputs or {}
        if alias in outputs:
            return outputs[alias]
        lowered = alias.lower()
        return next((settings for name, settings in outputs.items() if name.lower() == lowered), None)

    def input(self, alias: str) -> InputConfig | None:
        """`[inputs.ALIAS]`; aliases match without regard to case, as ASA's do."""
        lowered = alias.lower()
        return next((settings for name, settings in (self.inputs or {}).items() if name.lower() == lowered), None)

    def severity(self, code: str, default: str) -> str:
        """The severity of rule `code` here ("off" to drop its findings)."""
        return (self.rules or {}).get(code, default)

    def excludes(self, path: str) -> bool:
        """Whether `path` lies under one of the `exclude` patterns (relative to this file)."""
        if not self.exclude or self.path is None:
            return False
        from fnmatch import fnmatchcase

        base = os.path.dirname(os.path.abspath(self.path))
        relative = os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")
        if relative.startswith("../"):
            return False
        parts = relative.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        return any(fnmatchcase(prefix, pattern.strip("/")) for pattern in self.exclude for prefix in prefixes)


NO_CONFIG = Config()


def _shape(cs):
    text = cs.str_schema(min_length=1)
    output = cs.typed_dict_schema({
        "table": cs.typed_dict_field(text, required=False),
        "database": cs.typed_dict_field(text, required=False),
        "cluster": cs.typed_dict_field(text, required=False),
        # Checked against the kinds registered at the time the file is read (below).
        "kind": cs.typed_dict_field(text, required=False),
        "schemas": cs.typed_dict_field(cs.list_schema(text), required=False),
    }, extra_behavior="forbid")
    from schemacheck.diagnostics import RULES

    live = cs.typed_dict_schema({
        "cluster": cs.typed_dict_field(text, required=False),
        "auth": cs.typed_dict_field(text, required=False),
        "timeout": cs.typed_dict_field(cs.float_schema(gt=0, le=3600), required=False),
        "arm-endpoint": cs.typed_dict_field(text, required=False),
    }, extra_behavior="forbid")
    return cs.typed_dict_schema({
        "compat-level": cs.typed_dict_field(cs.literal_schema(["1.0", "1.1", "1.2"]), required=False),
        "schemas": cs.typed_dict_field(cs.list_schema(text), required=False),
        "fail-on": cs.typed_dict_field(cs.literal_schema(list(SEVERITIES)), required=False),
        "exclude": cs.typed_dict_field(cs.list_schema(text), required=False),
        "rules": cs.typed_dict_field(cs.typed_dict_schema(
            {code: cs.typed_dict_field(cs.literal_schema([*SEVERITIES, OFF]), required=False) for code in RULES},
            extra_behavior="forbid"), required=False),
        "live": cs.typed_dict_field(live, required=False),
        "outputs": cs.typed_dict_field(cs.dict_schema(cs.str_schema(min_length=1), output), required=False),
        # A table per input; what it holds is checked by schemacheck.inputs.declared (below).
        "inputs": cs.typed_dict_field(cs.dict_schema(cs.str_schema(min_length=1),
                                                     cs.dict_schema(cs.str_schema(), cs.any_schema())),
                                      required=False),
    }, extra_behavior="forbid")


CONFIG = Shape(_shape)


def _load_toml(text: str, path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (None, None)
        if position is None and "(at end of document)" in message:
            line = text.count("\n", 0, len(text.rstrip("\n"))) + 1
            column = len(text.rstrip("\n").rsplit("\n", 1)[-1]) + 1
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message) or "not valid TOML"
        raise InputError(f"not valid TOML: {message}", path, line, column) from None
    except RecursionError:  # the standard TOML parser recurses into each nested array or table
        line, column = _deepest(text)
        raise InputError("arrays or inline tables nest too deeply to be read; a configuration needs no more "
                         "than a few levels", path, line, column) from None
    except ValueError:  # an integer past Python's digit limit
        from schemacheck.validation import too_many_digits

        raise too_many_digits(text, path, "TOML") from None


_TOML_NESTING = re.compile(r'''(?P<skip>"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*)'''
                           r"|(?P<open>[\[{])|(?P<close>[\]}])", re.DOTALL)


def _deepest(text: str) -> tuple[int, int]:
    """Line and column of the bracket that opens the deepest nesting of arrays and inline
    tables in TOML `text` (the first such, strings and comments skipped)."""
    from schemacheck.validation import deepest_bracket

    return deepest_bracket(text, _TOML_NESTING)


def _line_matching(text: str, pattern: str) -> int | None:
    """The 1-based number of the first line matching `pattern`, or None."""
    compiled = re.compile(pattern)
    return next((index + 1 for index, line in enumerate(text.splitlines()) if compiled.match(line)), None)


_SCHEMACHECK_TABLE = r"^\s*(?:\[\[?\s*tool\s*\.\s*schemacheck\s*\]|(?:tool\s*\.\s*)?schemacheck\s*=)"


def _key_line(text: str, loc: tuple, pyproject: bool) -> int | None:
    """Best-effort line of the key at `loc` (TOML parsers give no positions)."""
    lines = text.splitlines()
    prefix = ["tool", "schemacheck"] if pyproject else []
    table = ".".join(prefix + [str(p) for p in loc[:-1]]) if len(loc) > 1 else ".".join(prefix)
    key = str(loc[-1]) if loc else ""
    start = 0
    if table:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(p) for p in table.split(".")) + r"\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), -1)
        if start < 0:
            return None
    pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for index in range(start + 1 if table else 0, len(lines)):
        if index > start + 1 and table and lines[index].lstrip().startswith("["):
            break
        if pattern.match(lines[index]):
            return index + 1
    return start + 1 if table else None


def load_config(path: str) -> Config:
    """Read and validate one configuration file."""
    from schemacheck.files import read_text_file

    text = read_text_file(path, what="configuration")
    pyproject = os.path.basename(path) == "pyproject.toml"
    data = _load_toml(text, path)
    if pyproject:
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise InputError("tool: not a table; schemacheck reads its settings from the table [tool.schemacheck]",
                             path, _line_matching(text, r"^\s*tool\s*=")) from None
        data = tool.get("schemacheck", {})
    from pydantic_core import ValidationError

    try:
        data = CONFIG.validator().validate_python(data)
    except ValidationError as error:
        problem = error.errors(include_url=False)[0]
        loc = problem["loc"]
        key = ".".join(p for p in ("tool.schemacheck" if pyproject else "", field_path(loc)) if p)
        if problem["type"] == "extra_forbidden":
            message = f"unknown key {key}"
            if loc and loc[0] == "outputs" and len(loc) == 3:
                message += "; an output takes table, database, cluster, kind and schemas"
            elif loc and loc[0] == "rules" and len(loc) == 2:
                message = f"unknown rule {loc[1]} in {key.rsplit('.', 1)[0]}; `schemacheck rules` lists them"
            elif loc and loc[0] == "live" and len(loc) == 2:
                message += "; [live] takes cluster, auth, timeout and arm-endpoint"
            elif len(loc) == 1:
                from difflib import get_close_matches

                keys = ("compat-level", "schemas", "fail-on", "exclude", "rules", "live", "outputs", "inputs")
                near = get_close_matches(str(loc[0]), keys, n=1, cutoff=0.6)
                message += f"; did you mean {near[0]}?" if near else f"; the keys are {', '.join(keys)}"
        else:
            message = f"{key}: {problem['msg'][0].lower()}{problem['msg'][1:]}"
        line = _key_line(text, tuple(loc), pyproject) if loc else None
        if line is None and pyproject and not loc:
            line = _line_matching(text, _SCHEMACHECK_TABLE)
        raise InputError(message, path, line) from None
    for alias, values in data.get("outputs", {}).items():
        if "kind" in values and values["kind"] not in kinds.output_kinds():
            names = [f"'{k}'" for k in kinds.output_kinds()]
            key = ".".join(p for p in ("tool.schemacheck" if pyproject else "", f"outputs.{alias}.kind") if p)
            raise InputError(f"{key}: input should be {', '.join(names[:-1])} or {names[-1]}", path,
                             _key_line(text, ("outputs", alias, "kind"), pyproject))
    base = os.path.dirname(path)

    def paths(values):
        return tuple(os.path.normpath(os.path.join(base, p)) for p in values)

    outputs = {alias: OutputConfig(**{**values, **({"schemas": paths(values["schemas"])} if "schemas" in values
                                                  else {})})
               for alias, values in data.get("outputs", {}).items()}
    schemas = paths(data.get("schemas", ()))
    live = LiveConfig(**{k.replace("-", "_"): v for k, v in data["live"].items()}) if "live" in data else LiveConfig()
    inputs = _inputs(data["inputs"], text, path, pyproject) if data.get("inputs") else None
    return Config(path, data.get("compat-level"), schemas, outputs, data.get("fail-on"),
                  tuple(data.get("exclude", ())), dict(data.get("rules", {})), live, inputs)


def _inputs(tables: dict, text: str, path: str, pyproject: bool) -> dict:
    """`[inputs.ALIAS]` tables as InputConfig, by alias; InputError at the key (or value)
    that is wrong."""
    from schemacheck.inputs.declared import DeclarationError, input_settings

    inputs: dict[str, InputConfig] = {}
    seen: dict[str, str] = {}
    for alias, table in tables.items():
        try:
            if alias.lower() in seen:
                raise DeclarationError(f"input {alias} is declared twice ([inputs.{seen[alias.lower()]}]): aliases "
                                       "match without regard to case")
            seen[alias.lower()] = alias
            inputs[alias] = input_settings(alias, table, os.path.dirname(path))
        except DeclarationError as error:
            loc = ("inputs", alias, *error.loc)
            key = ".".join(p for p in ("tool.schemacheck" if pyproject else "", ".".join(_toml_key(k) for k in loc))
                           if p)
            line, column = _declared_position(text, loc, pyproject, error.at_value)
            raise InputError(f"{key}: {error.message}", path, line, column) from None
    return inputs


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _declared_position(text: str, loc: tuple, pyproject: bool, at_value: bool) -> tuple[int | None, int | None]:
    """Best-effort line and column of the key at `loc` under [inputs.ALIAS] (or of its
    value with `at_value`): the key in its own table, a dotted key (`Position.Lat = ...`,
    quoted or not) in the input's table, else the input's table header."""
    lines = text.splitlines()
    line = _key_line(text, loc, pyproject) if len(loc) > 2 else None
    if line is not None and not re.match(r"^\s*\[", lines[line - 1]):
        return line, _column(lines[line - 1], at_value)
    prefix = ["tool", "schemacheck"] if pyproject else []
    parts = prefix + [str(p) for p in loc[:2]]
    header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(rf"[\"']?{re.escape(p)}[\"']?" for p in parts) + r"\s*\]")
    start = next((i for i, text_line in enumerate(lines) if header.match(text_line)), None)
    if start is None:
        return line, None
    wanted = ".".join(str(p) for p in loc[2:])
    for index in range(start + 1, len(lines)):
        if lines[index].lstrip().startswith("["):
            break
        key, equals, _ = lines[index].partition("=")
        if equals and re.sub(r"[\s\"']", "", key) == re.sub(r"[\s\"']", "", wanted) and wanted:
            return index + 1, _column(lines[index], at_value)
    return start + 1, _column(lines[start], False)


def _column(line: str, at_value: bool) -> int:
    """1-based column of a TOML line's key, or of its value (after `=`)."""
    if at_value and "=" in line:
        after = line.index("=") + 1
        return after + len(line[after:]) - len(line[after:].lstrip()) + 1
    return len(line) - len(line.lstrip()) + 1


def find_config(start: str, cache: dict | None = None) -> Config:
    """The configuration nearest to `start` (a file or directory), or NO_CONFIG."""
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    cache = {} if cache is None else cache
    visited = []
    while True:
        if directory in cache:
            result = cache[directory]
            break
        visited.append(directory)
        result = None
        for name in CONFIG_FILES:
            candidate = os.path.join(directory, name)
            if not os.path.isfile(candidate):
                continue
            if name == "pyproject.toml" and not _mentions_schemacheck(candidate):
                continue
            from schemacheck.files import display_path

            result = load_config(display_path(candidate))
            break
        if result is not None:
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            result = NO_CONFIG
            break
        directory = parent
    for seen in visited:
        cache[seen] = result
    return result


def _mentions_schemacheck(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "tool.schemacheck" in handle.read()
    except OSError:
        return False
