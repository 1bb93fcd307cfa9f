"""What the Terraform and Bicep readers share: values evaluated from their syntax trees
(schemacheck.jobs.exprs) that remember where they were written, the functions both
languages evaluate alike, and the reading of an ARM-shaped streaming job (Bicep
resources, azapi bodies and ARM templates describe a job with the same properties)
into the job model (schemacheck.jobs.model).

    Val(value, file, start, end, origin)   an evaluated value: str, int, float, bool, None,
                                            list[Val], dict[str, Val], Unknown or Resource
    Unknown(what, why, file, start, end)   a value the files do not settle (a deployment's
                                            output, an unset variable, a function not evaluated)
    Places                                  offsets -> Where, one line map per file
    ArmShape(places, notes)                 a job's ARM-shaped properties -> Output (and its settings),
                                            Input, Function, settings, identity, query

A value that the check needs and the files do not settle becomes one SC608 note at the
place its expression is written, never a guess (the `notes` of the reader).
"""

from __future__ import annotations

import os

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
    Note,
    Output,
    OutputSetting,
    Placed,
    Query,
    Setting,
    SqlText,
    Where,
)
from schemacheck.kinds import ADX
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the block below
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


@record
class Unknown(Record):
    """A value the files do not settle: `what` the expression as written (or named), `why`
    in a few words; where it is written."""

    what: str
    why: str
    file: str
    start: int
    end: int


@record
class Resource(Record):
    """A reference to a resource (or one of its attributes a deployment computes: its id, a
    cluster's URI): the resource's `key` in its reader, and the attribute named."""

    key: tuple
    attribute: str


@record
class Val(Record):
    """An evaluated value and where its expression is written. `origin` says how a string's
    characters relate to the files: "literal" (a string of `file`, `text` its syntax node),
    "file" (exactly the text of `file`, read by file()/loadTextContent()), "computed"
    (built from parts: a position in it has no one place)."""

    value: Any
    file: str
    start: int
    end: int
    origin: str = "computed"
    text: Any = None

    @property
    def known(self) -> bool:
        return not isinstance(self.value, Unknown)

    def get(self, *names: str) -> Val | None:
        """The member at a path of object keys (case-insensitive, as ARM reads them)."""
        node: Val | None = self
        for name in names:
            if node is None or not isinstance(node.value, dict):
                return None
            value = node.value
            if name in value:
                node = value[name]
                continue
            lowered = name.lower()
            node = next((v for k, v in value.items() if isinstance(k, str) and k.lower() == lowered), None)
        return node


def unknown_of(val: Val) -> Unknown | None:
    """The first Unknown in a value (itself, or a member of a list or object)."""
    stack = [val]
    while stack:
        current = stack.pop()
        if isinstance(current.value, Unknown):
            return current.value
        if isinstance(current.value, dict):
            stack.extend(current.value.values())
        elif isinstance(current.value, list):
            stack.extend(current.value)
    return None


def plain(val: Val | None) -> Any:
    """The value without its places (Unknown stays Unknown)."""
    if val is None:
        return None
    value = val.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def wrap(value: Any, file: str, start: int, end: int) -> Val:
    """A plain value (from JSON, a function) as a Val placed at one expression."""
    if isinstance(value, dict):
        value = {str(k): wrap(v, file, start, end) for k, v in value.items()}
    elif isinstance(value, list):
        value = [wrap(v, file, start, end) for v in value]
    return Val(value, file, start, end)


class Places:
    """Character offsets in the files read -> Where (1-based line and column)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.maps: dict = {}

    def text(self, file: str) -> str:
        if file not in self.texts:
            from schemacheck.files import read_text_file

            self.texts[file] = read_text_file(file, "file")
        return self.texts[file]

    def where(self, file: str, offset: int) -> Where:
        from schemacheck.lalr import LineMap

        if file not in self.maps:
            self.maps[file] = LineMap(self.text(file))
        line, column = self.maps[file].position(offset)
        return Where(file, line, column)

    def of(self, val: Val) -> Where:
        return self.where(val.file, val.start)

    def unknown(self, unknown: Unknown) -> Where:
        return self.where(unknown.file, unknown.start)


def relative_path(base_dir: str, path: str) -> str:
    """`path` (as the files write it, / or \\) from `base_dir`, as the working directory sees it."""
    from schemacheck.files import display_path

    return display_path(os.path.normpath(os.path.join(base_dir, path.replace("\\", "/"))))


# ---- the job's ARM-shaped properties --------------------------------------------------------

_MSI = ("msi", "managedidentity", "systemassignedmanagedidentity", "userassignedmanagedidentity")

# Where the OUTPUT_SETTINGS of an output are written in ARM's shape (ARM templates, Bicep, azapi
# bodies), under ARM's names: in `properties.datasource.properties`, except `serialization`
# (`properties.serialization.type`) and the settings of `properties.serialization.properties`,
# each read when the serialization type is the one it belongs to (a Lakehouse output writes
# Delta only: there also when no type is written). `tableName` is read from the datasource
# properties, else from the serialization's, where the ARM spec's examples
# Output_Create_TridentLakeHouse.json and Output_Update_TridentLakeHouse.json write it.
SERIALIZED_SETTINGS = {"format": "json", "deltaTablePath": "delta", "partitionColumns": "delta", "tableName": "delta"}
EITHER_SETTINGS = ("tableName",)
LIST_SETTINGS = ("columnsToRemove", "propertyColumns", "partitionColumns")   # arrays of text
PAIR_SETTINGS = ("systemPropertyColumns",)                                   # objects whose values are text
DELTA_ONLY_KINDS = ("fabric-lakehouse",)


def shape_of(value: Any) -> str:
    """What a value is, for a note: "an array", "an object", "a number", "true or false",
    "text" (JSON's names, validation.json_kind, in a note's words)."""
    from schemacheck.validation import json_kind

    kind = json_kind(value, "text")
    return {"a boolean": "true or false", "a string": "text"}.get(kind, kind)


class ArmShape:
    """Reads the properties a streaming job (and its child outputs, inputs and functions)
    has in ARM's shape; unsettled values it needs become SC608 notes in `notes`."""

    def __init__(self, places: Places, notes: list[Note]) -> None:
        self.places = places
        self.notes = notes

    # ---- values -----------------------------------------------------------------------------
    def text(self, val: Val | None, what: str, quiet: bool = False) -> str | None:
        """A setting's text, or None (with an SC608 note when it is written but not settled)."""
        if val is None:
            return None
        unknown = unknown_of(val)
        if unknown is not None:
            if not quiet:
                self.note_unknown(unknown, what)
            return None
        if isinstance(val.value, bool):
            return str(val.value).lower()
        if isinstance(val.value, (str, int, float)):
            return str(val.value)
        return None

    def optional(self, val: Val | None, what: str) -> str | None:
        """A value the job does not need (a fact about an input's data) as text: None when it
        is missing, null or not settled (no note: nothing depends on it), or, with an SC609
        note, when it is an object or a list."""
        if val is None or val.value is None or unknown_of(val) is not None:
            return None
        if isinstance(val.value, (dict, list)):
            self.notes.append(Note("SC609", f"{what} should be text; it is not read", self.places.of(val)))
            return None
        return self.text(val, what, quiet=True)

    def one_of(self, val: Val | None, what: str, name_of: Callable[[str], str | None], names: str) -> str | None:
        """An optional value that is one of a list of names: the model's spelling (`name_of`),
        or None, with an SC609 note, for a name ASA does not know."""
        written = self.optional(val, what)
        if written is None or not written.strip():
            return None
        name = name_of(written)
        if name is None:
            assert val is not None  # it has a value
            self.notes.append(Note("SC609", f"{what} is '{written}', which is not {names}; it is not read",
                                   self.places.of(val)))
        return name

    def sql_text(self, val: Val | None, what: str) -> SqlText | None:
        """A SQL reference input's query and where it is written (a file it is loaded from:
        that file's start)."""
        text = self.optional(val, what)
        if val is None or text is None or not text.strip():
            return None
        return SqlText(text, self.places.of(val))

    def note_unknown(self, unknown: Unknown, what: str) -> None:
        self.notes.append(Note("SC608", f"{what} is `{unknown.what}`, which {unknown.why}: what depends on it is "
                               "not checked", self.places.unknown(unknown)))

    def setting(self, val: Val | None, what: str, fallback: Where | None = None) -> Setting:
        value = self.text(val, what)
        return Setting(value, self.places.of(val) if val is not None else fallback)

    def items(self, val: Val | None) -> list[Val]:
        """The members of an array (an object's values, for languages that key them)."""
        if val is None or not val.known:
            return []
        if isinstance(val.value, list):
            return list(val.value)
        if isinstance(val.value, dict):
            return list(val.value.values())
        return []

    # ---- the query --------------------------------------------------------------------------
    def query(self, val: Val | None, what: str, language: str) -> Query | None:
        """The query a value holds: placed in its string when literal, the whole loaded file,
        or (built by an expression) pointing at the expression."""
        if val is None:
            return None
        unknown = unknown_of(val)
        if unknown is not None:
            self.note_unknown(unknown, what)
            return None
        if not isinstance(val.value, str):
            self.notes.append(Note("SC609", f"{what} is not text: no query to check", self.places.of(val)))
            return None
        if not val.value.strip():
            self.notes.append(Note("SC609", f"{what} is empty: no query to check", self.places.of(val)))
            return None
        if val.origin == "file":
            return Query(val.value, val.file)
        if val.origin == "literal" and val.text is not None:
            node = val.text
            return Query(val.value, val.file, placed=Placed(node.raw_start, node.style, language, node.indent,
                                                           node.raw_end))
        return Query(val.value, val.file, at=self.places.of(val))

    # ---- identity ---------------------------------------------------------------------------
    def identity(self, val: Val | None, fallback: Where) -> Identity:
        """ARM's `identity: {type, userAssignedIdentities}` of a resource."""
        if val is None:
            return Identity("none", where=fallback)
        kind = self.text(val.get("type"), "the job's identity type") or ""
        where = self.places.of(val)
        lowered = kind.replace(" ", "").lower()
        if "userassigned" in lowered:
            users = val.get("userAssignedIdentities")
            ids = tuple(users.value) if users is not None and isinstance(users.value, dict) else ()
            return Identity("user", ids, where)
        if "systemassigned" in lowered:
            return Identity("system", where=where)
        if lowered == "none":
            return Identity("none", where=where)
        return Identity("unknown", where=where)

    # ---- outputs, inputs, functions --------------------------------------------------------
    def output(self, alias: str, properties: Val | None, where: Where) -> Output:
        label = f"output '{alias}'"
        datasource = properties.get("datasource") if properties is not None else None
        type_val = datasource.get("type") if datasource is not None else None
        if type_val is None:
            self.notes.append(Note("SC609", f"cannot tell what {label} is: it gives no datasource type; it is not "
                                   "checked", where))
            return Output(alias, None, where=where)
        datasource_type = self.text(type_val, f"the datasource type of {label}")
        kind = arm_output_kind(datasource_type)
        if kind in OUTPUT_SETTINGS:
            return Output(alias, kind, datasource_type, where=where,
                          settings=self.output_settings(kind, properties, datasource, label))
        if kind != ADX and kind not in SQL_KINDS:
            return Output(alias, kind, datasource_type, where=where)
        settings = datasource.get("properties") if datasource is not None else None
        place = "cluster" if kind == ADX else "server"
        # The check never connects to a cluster or server: one left unsettled is no finding.
        cluster = self.text(settings.get(place) if settings is not None else None, f"the {place} of {label}",
                            quiet=True)
        database, table, authentication = (
            self.text(settings.get(name) if settings is not None else None, f"the {what} of {label}")
            for name, what in (("database", "database"), ("table", "table"),
                               ("authenticationMode", "authentication mode")))
        return Output(alias, kind, datasource_type, cluster, database, table, authentication, where=where)

    def output_settings(self, kind: str, properties: Val | None, datasource: Val | None,
                        label: str) -> tuple[OutputSetting, ...]:
        """The settings OUTPUT_SETTINGS keeps for an output of `kind`, in its order, each where its
        value is written (SERIALIZED_SETTINGS says where). A value the files do not settle is an
        SC608 note, one of another shape an SC609 note; neither is kept."""
        wanted = OUTPUT_SETTINGS[kind]
        found: list[OutputSetting] = []
        source = self.section(datasource.get("properties") if datasource is not None else None,
                              f"the datasource properties of {label}")
        form: str | None = None         # the serialization type, lower case, when it is known
        serialized: Val | None = None
        if "serialization" in wanted or any(name in SERIALIZED_SETTINGS for name in wanted):
            serialization = self.section(properties.get("serialization") if properties is not None else None,
                                         f"the serialization of {label}")
            type_val = serialization.get("type") if serialization is not None else None
            if type_val is not None and type_val.value is not None:
                written = self.setting_value(type_val, "serialization", f"the serialization type of {label}")
                if isinstance(written, str):
                    form = written.strip().lower()
                    if "serialization" in wanted:
                        found.append(OutputSetting("serialization", written, self.places.of(type_val)))
            elif serialization is not None and kind in DELTA_ONLY_KINDS:
                form = "delta"
            if serialization is not None and any(SERIALIZED_SETTINGS.get(name) == form for name in wanted):
                serialized = self.section(serialization.get("properties"), f"the serialization properties of {label}")
        for name in wanted:
            if name == "serialization":
                continue
            val = None
            if source is not None and (name not in SERIALIZED_SETTINGS or name in EITHER_SETTINGS):
                val = source.get(name)
            if (val is None or val.value is None) and serialized is not None and form is not None \
                    and SERIALIZED_SETTINGS.get(name) == form:
                val = serialized.get(name)
            if val is None or val.value is None:
                continue
            value = self.setting_value(val, name, f"the {name} of {label}")
            if value is not None:
                found.append(OutputSetting(name, value, self.places.of(val)))
        return tuple(sorted(found, key=lambda setting: wanted.index(setting.name)))

    def unsettled(self, val: Val, deep: bool = True) -> Unknown | None:
        """What a deployment settles in a value (the value itself, or with `deep` a member): an
        Unknown, or a resource's attribute Azure gives it (its id, a property)."""
        stack = [val]
        while stack:
            current = stack.pop()
            if isinstance(current.value, Unknown):
                return current.value
            if isinstance(current.value, Resource):
                written = " ".join(self.places.text(current.file)[current.start:current.end].split())
                return Unknown(written[:80] or "?", "is an attribute Azure gives a resource when it is deployed",
                               current.file, current.start, current.end)
            if deep and isinstance(current.value, dict):
                stack.extend(current.value.values())
            elif deep and isinstance(current.value, list):
                stack.extend(current.value)
        return None

    def section(self, val: Val | None, what: str) -> Val | None:
        """An object the settings are read from: None when it is missing or null, not settled
        (an SC608 note) or not an object (an SC609 note)."""
        if val is None or val.value is None:
            return None
        unknown = self.unsettled(val, deep=False)
        if unknown is not None:
            self.note_unknown(unknown, what)
            return None
        if not isinstance(val.value, dict):
            self.notes.append(Note("SC609", f"{what} should be an object, not {shape_of(val.value)}; its settings "
                                   "are not checked", self.places.of(val)))
            return None
        return val

    def setting_value(self, val: Val, name: str, what: str) -> Any:
        """An output setting's value: text, a tuple of text (LIST_SETTINGS) or of (key, text)
        pairs in written order (PAIR_SETTINGS); None when not settled or of another shape (noted)."""
        unknown = self.unsettled(val)
        if unknown is not None:
            self.note_unknown(unknown, what)
            return None
        if name in LIST_SETTINGS or name in PAIR_SETTINGS:
            pairs = name in PAIR_SETTINGS
            if not isinstance(val.value, dict if pairs else list):
                wanted = "an object whose values are text" if pairs else "an array of text"
                self.notes.append(Note("SC609", f"{what} should be {wanted}, not {shape_of(val.value)}; it is not "
                                       "checked", self.places.of(val)))
                return None
            members: list[tuple[str | None, Val]] = \
                list(val.value.items()) if isinstance(val.value, dict) else [(None, m) for m in val.value]
            values: list[Any] = []
            for key, member in members:
                text = scalar_text(member.value)
                if text is None:
                    entry = f"the '{key}' entry of {what}" if pairs else f"an entry of {what}"
                    self.notes.append(Note("SC609", f"{entry} should be text, not {shape_of(member.value)}; {what} is "
                                           "not checked", self.places.of(member)))
                    return None
                values.append((key, text) if pairs else text)
            return tuple(values)
        text = scalar_text(val.value)
        if text is None:
            self.notes.append(Note("SC609", f"{what} should be text, not {shape_of(val.value)}; it is not checked",
                                   self.places.of(val)))
        return text

    def input(self, alias: str, properties: Val | None, where: Where) -> Input:
        kind_text = self.text(properties.get("type") if properties is not None else None, f"the type of input "
                              f"'{alias}'", quiet=True)
        datasource = properties.get("datasource") if properties is not None else None
        datasource_type = self.text(datasource.get("type") if datasource is not None else None,
                                    f"the datasource type of input '{alias}'", quiet=True)
        stream = None if kind_text is None else kind_text.lower() == "stream"
        kind = arm_input_kind(datasource_type)
        label = f"input '{alias}'"
        serialization = self.one_of(properties.get("serialization", "type") if properties is not None else None,
                                    f"the serialization type of {label}", serialization_name, SERIALIZATION_NAMES)
        settings = datasource.get("properties") if datasource is not None else None

        def setting(name: str) -> Val | None:
            return settings.get(name) if settings is not None else None

        path_pattern = database = table = refresh_type = snapshot = delta = None
        if kind == "file":
            path_pattern = self.optional(setting("path"), f"the path of {label}")
        elif kind == "blob" or (datasource_type or "").strip().lower() == "microsoft.datalake/accounts":
            path_pattern = self.optional(setting("pathPattern"), f"the path pattern of {label}")
        elif kind == "sql":
            database = self.optional(setting("database"), f"the database of {label}")
            table = self.optional(setting("table"), f"the table of {label}")
            refresh_type = self.one_of(setting("refreshType"), f"the refresh type of {label}", refresh_type_name,
                                       REFRESH_TYPE_NAMES)
            snapshot = self.sql_text(setting("fullSnapshotQuery"), f"the snapshot query of {label}")
            delta = self.sql_text(setting("deltaSnapshotQuery"), f"the delta query of {label}")
        return Input(alias, kind, stream, datasource_type, where, serialization, path_pattern, database, table,
                     refresh_type, snapshot, delta)

    def function(self, name: str, properties: Val | None, where: Where) -> Function:
        label = f"function '{name}'"
        kind = self.text(properties.get("type") if properties is not None else None, f"the type of {label}",
                         quiet=True)
        inner = properties.get("properties") if properties is not None else None
        output = inner.get("output", "dataType") if inner is not None else None
        return Function(name, self.text(output, f"the return type of {label}"),
                        (kind or "").lower() == "aggregate", where)

    def named_members(self, val: Val | None, what: str) -> list[tuple[str, Val]]:
        """(name, member) of an array of `{name, properties}` (outputs, inputs, functions)."""
        found = []
        for member in self.items(val):
            name = self.text(member.get("name"), f"the name of one of the job's {what}")
            if name is None:
                continue
            found.append((name, member))
        return found

    def authentication_finding(self, output: Output) -> bool:
        mode = output.authentication
        return mode is not None and mode.replace(" ", "").lower() not in _MSI


def scalar_text(value: Any) -> str | None:
    """A scalar as text: a bool as JSON writes it, a whole number without a point; None for
    null, an object or a list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and not value.is_integer()):
        return str(value)
    if isinstance(value, float):
        return str(int(value))
    return None
