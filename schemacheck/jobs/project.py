"""ASA projects on disk -> Job: VS Code `asaproj.json` and Visual Studio `.asaproj`.

    read_vscode_project(path) -> Job(form="vscode")     asaproj.json
    read_vs_project(path) -> Job(form="vs")             a legacy MSBuild .asaproj
    find_project_for(path) -> project file | None       the project a query (or a file it lists) belongs to

Contract:
- The project file is followed, not the folders: only the files its entries name are read,
  relative to the project file, `\\` or `/` separated, keys and subTypes in any case.
- InputError (fatal, exit 2) only when the project file itself is unusable: missing, not
  JSON / not XML, a DOCTYPE in the XML, no query to be found (the message lists the .asaql
  files next to it), or a start file or configuration entry naming a file outside the
  project's folder (links followed): nothing outside a project is read, so that a project
  cannot make schemacheck print (in a syntax error's snippet, in a note) a file that is not
  the project's. A sample data path outside it is an SC609 note. Everything else that
  cannot be used (a listed file missing or not JSON, an entry or value not understood, a
  sample not readable) is an SC609 Note and the job still loads. Notes about a listed file
  start with its subType ("Output file X ...") so a caller can tell which findings they
  explain (an INTO alias whose Output file is missing).
- Functions: JSFunction, CSharpFunction and MLFunction entries (VS Code), JSFunctionConfig and
  CSharpFunction items (Visual Studio; a JavaScript function's .js is a <Script>, not a query) and
  the other spellings of FUNCTION_KINDS, each with or without "Config". A UDA is one whose subType
  or definition `Type` says Aggregate. A function entry that cannot be read (file missing, not
  JSON, no file named), and an entry of an unknown subType that seems to define a function (its
  subType, Functions/ folder, .js name or ScriptType says so), gives one note and a Function with
  `unread` set, named by its definition's Name if that can be read, else after its file: it is
  still defined, so a call of it is no SC610.
- `inputs`, `functions` are tuples (empty when none is configured); `outputs` too, except
  that a project listing no Output file at all (a local-run project) has `outputs` None: its
  deployed outputs are not known, so no INTO is reported as undefined.
- Identity: UseSystemAssignedIdentity true -> "system"; else a user-assigned identity when the
  job config describes one (`Identity: {Type: UserAssigned, UserAssignedIdentities: ...}`, an
  `Identity` string holding a resource id, or a `UserAssignedIdentity*` key) -> "user";
  else "none" when a job config was read, "unknown" when there is none.
- An Input's facts about its data: `Serialization.Type`; a blob input's `PathPattern` (in its
  `*Properties` block), a Local Input's `FilePath`; a SQL Database reference input's Database,
  Table, RefreshType and queries (written in its block, in a .sql file the block names, or in
  Visual Studio's `[alias].snapshot.sql` / `[alias].delta.sql` beside the input's file). A value
  not there is None; one there but not understood (a serialization ASA has not, a query file
  missing or outside the project) is None with an SC609 note.
- An Output's `settings`: those model.OUTPUT_SETTINGS lists for its kind, under ARM's names, read
  from its `*Properties` block, its Serialization or its top level (OUTPUT_SETTING_KEYS says which
  shapes are seen in public projects and which are read defensively), each placed at its value.
  A value of the wrong shape (an object for a key column, a list holding objects) is an SC609 note
  and the setting is left out.
- A Sample's `where` is its mock's FilePath value; an Output's its Name. A FilePath that does
  not exist here (Visual Studio writes the absolute path of the machine that made the
  project) is looked for under the project: its longest end that names a file there is used,
  with a note.
- .asaproj elements are matched by local name, so the MSBuild namespace may be there or not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from schemacheck.errors import InputError
from schemacheck.files import folder_names, read_query, read_text_file
from schemacheck.jobs.jsonfile import JsonFile, get, key, load_json, shown_value, text_value
from schemacheck.jobs.kinds import (
    ADX_CLUSTER_KEYS,
    ADX_DATABASE_KEYS,
    ADX_TABLE_KEYS,
    REFRESH_TYPE_NAMES,
    SERIALIZATION_NAMES,
    SQL_KINDS,
    SQL_SERVER_KEYS,
    has_adx_keys,
    project_input_kind,
    project_output_kind,
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
    Sample,
    Setting,
    SqlText,
    Where,
)

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.jobs.model import JobForm

FILE_PROBLEM = "SC609"      # job-file-problem: a listed file missing, unreadable or not understood

PROJECT_JSON = "asaproj.json"
VS_PROJECT_SUFFIX = ".asaproj"
QUERY_SUFFIX = ".asaql"

# Normalised subType -> (the spelling used in messages, what is lost when its file cannot be read).
SUBTYPES = {
    "input": ("Input", "the input it defines (by its file name, '{stem}') is unknown"),
    "inputmock": ("InputMock", "its local sample data is not used"),
    "output": ("Output", "the output it defines (by its file name, '{stem}') is unknown and not checked"),
    "jobconfig": ("JobConfig", ("the job's compatibility level, data locale, output error policy and "
                                "identity are unknown")),
}

# The subTypes of a function's entry -> (kind, UDA). Seen in projects: JSFunction (VS Code: a
# JavaScript UDF or UDA, whose .js.json says Type Scalar or Aggregate), JSFunctionConfig (Visual
# Studio: a JavaScript UDF's or UDA's .json definition; its .js is a <Script> item), CSharpFunction
# (both tools) and MLFunction (the ScriptType of an Azure ML function's definition). Each is also
# taken with "Config" added or removed, and so are the other names below for the same kinds, so
# that a spelling not met yet still reads as the function it is. An Azure ML function's
# definition declares no OutputType: its return type is unknown.
FUNCTION_KINDS = {
    "JSFunction": ("js", False), "JavaScriptFunction": ("js", False), "JSUDF": ("js", False),
    "JavaScriptUDF": ("js", False), "JSUDA": ("js", True), "JavaScriptUDA": ("js", True),
    "JSAggregate": ("js", True), "JavaScriptAggregate": ("js", True), "JSUDAFunction": ("js", True),
    "CSharpFunction": ("csharp", False), "CSFunction": ("csharp", False), "CSharpUDF": ("csharp", False),
    "CLRFunction": ("csharp", False), "CLRUDF": ("csharp", False), "DotNetFunction": ("csharp", False),
    "MLFunction": ("ml", False), "AzureMLFunction": ("ml", False), "MLServiceFunction": ("ml", False),
    "AzureMLServiceFunction": ("ml", False), "MachineLearningFunction": ("ml", False),
}
# Normalised subType -> (its spelling, kind, UDA).
FUNCTION_SUBTYPES = {(spelling + config).lower(): (spelling + config, kind, aggregate)
                     for spelling, (kind, aggregate) in FUNCTION_KINDS.items() for config in ("", "Config")}
FUNCTION_LOSS = ("the function {name} it defines (named after its file) is taken as defined, with an "
                 "unknown return type")
# Words in an unknown subType that say its entry may define a function (so that function counts).
FUNCTION_HINTS = ("function", "udf", "uda", "aggregate")
# A definition's `Type` (normalised) that makes the function a UDA.
AGGREGATE_TYPES = ("aggregate", "uda", "javascriptuda")

# Input `Type` (normalised) -> stream (True) or reference data (False).
INPUT_STREAM = {"datastream": True, "stream": True, "referencedata": False, "reference": False}

# InputMock `Format` / `Serialization.Type` (lower case) -> Sample.format; None: not read.
SAMPLE_FORMATS = {"json": "json", "csv": "csv", "customclr": None, "avro": "avro", "parquet": None,
                  "delta": None, "protobuf": None}

# What an Input file says of its data. A blob input's block (BlobStorageProperties, VS-era
# BlobReferenceProperties) has PathPattern; a SQL Database reference input's block (VS-era files
# name it SqlReferenceInputInfo; no public VS Code file shows its name or keys) is read by the
# ARM names of its settings, and its queries are inline there, in a .sql file it names, or in
# the `[Input Alias].snapshot.sql` / `.delta.sql` files Visual Studio writes beside the input's
# file (sql-reference-data.md).
PATH_PATTERN_KEYS = ("PathPattern", "BlobPathPattern")
SNAPSHOT_QUERY_KEYS = ("FullSnapshotQuery", "SnapshotQuery", "FullSnapshotQueryPath", "SnapshotQueryPath")
DELTA_QUERY_KEYS = ("DeltaSnapshotQuery", "DeltaQuery", "DeltaSnapshotQueryPath", "DeltaQueryPath")

# Misspelt `*Properties` keys of VS-era files -> the DataSourceType they belong to (normalised).
PROPERTIES_ALIASES = {"powellbi": "powerbi", "azuredatalakestore": "datalakestore"}

# An output's settings (model.OUTPUT_SETTINGS, under ARM's names) as its file writes them. Shapes
# seen in public projects (VS Code files, `Name`/`DataSourceType`/one `<Kind>Properties` block/
# `Serialization`; VS-era files keep every kind's block, all null but one):
#   Blob Storage: BlobStorageProperties{StorageAccounts, Container, PathPattern, DateFormat, TimeFormat,
#     AuthenticationMode, BlobWriteMode} and Serialization{Type, Encoding, Format, FieldDelimiter}
#     (aessam01/asa-tadtaplt-resort-dev, IDontEvenCarem/IoTProjectAsa; VS-era Vinayak014/StreamAnalyticsJob);
#   DocumentDB: DocumentDbProperties{AccountId, AccountKey, Database, ContainerName, DocumentId,
#     AuthenticationMode} (Thoriso04/Real-Time-E-Commerce-Streaming-Pipeline-): ContainerName is
#     ARM's collectionNamePattern;
#   Event Hub: EventHubProperties{ServiceBusNamespace, EventHubName, SharedAccessPolicyName,
#     SharedAccessPolicyKey, PartitionKey: "", PropertyColumns: [], AuthenticationMode}
#     (Fleid/asa.adfCustomDeserializer Outputs/adfActivityRunsOutEH.json);
#   Power BI (VS-era): PowellBIProperties{..., Dataset, Table, GroupId, GroupName, AuthenticationMode}
#     (Azure/azure-stream-analytics Samples/OnnxExample/ASAUDF/Outputs/pbicounty.json).
# Not established by any public file, so read defensively under ARM's names (and the spellings
# below): the keys of TableStorageProperties, ServiceBusQueueProperties and
# ServiceBusTopicProperties (VS-era files name these blocks, always null), a Cosmos DB partition
# key, a Delta Lake blob output's and a Fabric Lakehouse output's settings (looked for in
# `Serialization`, as ARM has them in serialization.properties, in its `Properties`, in the
# properties block and at the top level), and the Lakehouse DataSourceType itself.
# Each setting is looked for in the output's properties block, its Serialization object (and that
# object's Properties), then the file's top level; the first value there that is not null or ""
# is read. A list setting may be written as one comma-separated string (as a portal text box
# takes it): it is split at the commas. An empty value (empty list or object) is no setting.
OUTPUT_SETTING_KEYS = {
    "partitionKey": ("PartitionKey",),
    "rowKey": ("RowKey",),
    "columnsToRemove": ("ColumnsToRemove",),
    "batchSize": ("BatchSize",),
    "documentId": ("DocumentId",),
    "collectionNamePattern": ("ContainerName", "CollectionNamePattern", "CollectionName", "Container"),
    "pathPattern": PATH_PATTERN_KEYS,
    "dateFormat": ("DateFormat",),
    "timeFormat": ("TimeFormat",),
    "deltaTablePath": ("DeltaTablePath", "DeltaPathName", "DeltaPath"),
    "partitionColumns": ("PartitionColumns", "PartitionColumn"),
    "tableName": ("TableName", "Table", "DeltaTableName"),
    "propertyColumns": ("PropertyColumns",),
    "systemPropertyColumns": ("SystemPropertyColumns",),
    "dataset": ("Dataset", "DatasetName"),
    "table": ("Table", "TableName"),
}
LIST_SETTINGS = ("columnsToRemove", "partitionColumns", "propertyColumns")
PAIR_SETTINGS = ("systemPropertyColumns",)

USER_IDENTITY_KEYS = ("UserAssignedIdentities", "UserAssignedIdentity", "UserAssignedIdentityId",
                      "UserAssignedIdentityResourceId")
TRUE_WORDS = ("true", "1", "yes")
FUNCTION_SUFFIXES = (".js.json", ".json", ".js")
LONGEST_PATH = 32_767   # characters: Windows' extended-length paths; Linux takes 4,096


# ---- reading an ASA project ------------------------------------------------------------------


def read_vscode_project(path: str) -> Job:
    """The job an `asaproj.json` describes (see the module doc)."""
    project = load_json(path, "ASA project file (asaproj.json)")
    data = project.data
    if not isinstance(data, dict):
        raise InputError("is not an ASA project: expected a JSON object with startFile and "
                         "configurations", path, *project.where()[1:])
    root = _root_of(path)
    name = _text(data, "name") or os.path.basename(os.path.abspath(root))
    reader = _ProjectReader(path, root, name)

    start_key = key(data, "startFile")
    start = data.get(start_key) if start_key else None
    if start is None or start == "":
        query_path = reader.query_path(None, Where(path, 1, 1), None)
    else:
        query_path = reader.query_path(start, project.where((start_key,)), "startFile")

    configurations_key = key(data, "configurations")
    configurations = data.get(configurations_key) if configurations_key else []
    if configurations is None:
        configurations = []
    if not isinstance(configurations, list):
        raise InputError("configurations is not a list of {filePath, subType} entries", path,
                         *project.where((configurations_key,))[1:])
    for index, entry in enumerate(configurations):
        reader.read_json_entry(project, (configurations_key, index), entry)

    return reader.job("vscode", query_path)


def read_vs_project(path: str) -> Job:
    """The job a Visual Studio `.asaproj` (MSBuild XML) describes (see the module doc)."""
    import xml.etree.ElementTree as ElementTree

    text = read_text_file(path, "Visual Studio ASA project (.asaproj)")
    searchable = _without_comments(text)
    declaration = re.search(r"<!(DOCTYPE|ENTITY)\b", searchable)
    if declaration:
        raise InputError(f"declares a {declaration.group(1)}, which an .asaproj never has; XML with "
                         "DOCTYPE or ENTITY declarations is refused rather than have its entities "
                         "expanded", path,
                         *_line_column(text, declaration.start()))
    try:
        tree = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        line, column = error.position
        reason = str(error).split(":")[0]
        raise InputError(f"not valid XML ({reason}); expected a Visual Studio ASA project",
                         path, line, column + 1) from None
    except (ValueError, RecursionError) as error:
        raise InputError(f"cannot be read as XML ({error}); expected a Visual Studio ASA project",
                         path) from None
    if _local_name(tree.tag) != "Project":
        raise InputError(f"is not an MSBuild project: its root element is <{_local_name(tree.tag)}>, "
                         "not <Project>", path, 1, 1)

    elements = [element for element in tree.iter() if isinstance(element.tag, str)]
    properties = {}     # the first non-empty StartFile and Name of the PropertyGroups
    for group in elements:
        if _local_name(group.tag) != "PropertyGroup":
            continue
        for element in group:
            name = _local_name(element.tag)
            if name in ("StartFile", "Name") and name not in properties and (element.text or "").strip():
                properties[name] = (element.text or "").strip()
    root = _root_of(path)
    name = properties.get("Name") or os.path.splitext(os.path.basename(path))[0]
    reader = _ProjectReader(path, root, name)
    # <Script> items are the query and, in projects with JavaScript functions, their .js code
    # (`<Script Include="Functions\hex2Int.js" />`), which is read through its definition.
    scripts = [include for element in elements
               if _local_name(element.tag) == "Script" and (include := element.get("Include"))
               and not _is_function_code(include)]
    includes = _IncludePositions(path, searchable)

    if "StartFile" in properties:
        start_match = re.search(r"<(?:[\w.-]+:)?StartFile\b[^>]*>\s*", searchable)
        start_where = Where(path, *_line_column(text, start_match.end())) if start_match else Where(path)
        query_path = reader.query_path(properties["StartFile"], start_where, "StartFile")
    elif len(scripts) == 1:
        query_path = reader.query_path(scripts[0], includes.where(scripts[0]), "Script Include")
    elif scripts:
        raise InputError("names several scripts (" + ", ".join(scripts) + ") and no <StartFile>; "
                         "add <StartFile> to say which one the job runs", path, 1, 1)
    else:
        query_path = reader.query_path(None, Where(path, 1, 1), None)

    for element in elements:
        if _local_name(element.tag) != "Configure":
            continue
        written = element.get("Include")
        subtype = element.get("SubType")
        for child in element:
            if isinstance(child.tag, str) and _local_name(child.tag) == "SubType":
                subtype = (child.text or "").strip()
        where = includes.where(written) if written else Where(path)
        reader.read_entry(written, subtype, where, where)

    return reader.job("vs", query_path)


class _ProjectReader:
    """Collects what the files a project lists say; every unusable part becomes a note."""

    def __init__(self, project: str, root: str, name: str) -> None:
        self.project = project
        self.root = root
        self.name = name
        self.notes: list[Note] = []
        self.outputs: list[Output] = []
        self.inputs: list[Input] = []
        self.functions: list[Function] = []
        self.samples: list[Sample] = []
        self.settings: dict[str, Setting] = {}
        self.identity = Identity()
        self.config_read = False
        self.listed: set[str] = set()     # the subTypes the project lists

    def note(self, message: str, where: Where) -> None:
        self.notes.append(Note(FILE_PROBLEM, message, where))

    def job(self, form: JobForm, query_path: str) -> Job:
        query = Query(read_query(query_path), query_path)
        return Job(self.name, form, self.project, self.root, query,
                   compat_level=self.settings.get("CompatibilityLevel", Setting()),
                   data_locale=self.settings.get("DataLocale", Setting()),
                   error_policy=self.settings.get("OutputErrorPolicy", Setting()),
                   identity=self.identity,
                   # A project that lists no output is run locally (VS Code writes its results to
                   # files): which outputs the deployed job has is not known from it.
                   outputs=tuple(self.outputs) if "output" in self.listed else None, inputs=tuple(self.inputs),
                   functions=tuple(self.functions), samples=tuple(self.samples),
                   notes=tuple(self.notes))

    # -- the query

    def query_path(self, written: object, where: Where, what: str | None) -> str:
        """The query file a project names (`written`), or its directory's only .asaql."""
        if what is None:
            queries = _queries_in(self.root)
            if len(queries) == 1:
                self.note(f"the project names no start file; its directory's only query "
                          f"{queries[0]} is used", where)
                return os.path.normpath(os.path.join(self.root, queries[0]))
            raise InputError(f"names no start file (the query the job runs), and {_listing(queries)}",
                             self.project, where.line, where.column)
        resolved = self.resolve(written)
        if resolved is None:
            raise InputError(f"{what} is not a file name: {shown_value(written)}", self.project,
                             where.line, where.column)
        self.refuse_outside(resolved, f"{what} {_shown(str(written))}", where)
        if not os.path.isfile(resolved):
            queries = _queries_in(self.root)
            raise InputError(f"{what} {_shown(str(written))} of project {_shown(self.name)} "
                             f"{_absence(resolved)}; {_listing(queries)}",
                             self.project, where.line, where.column)
        return resolved

    def resolve(self, written: object, base: str | None = None) -> str | None:
        """A path the project writes, relative to `base` (the project's directory); None if it
        is not a usable file name."""
        if not isinstance(written, str) or not written.strip() or "\x00" in written:
            return None
        try:
            os.fsencode(written)
        except (UnicodeError, ValueError):
            return None
        return os.path.normpath(os.path.join(base or self.root, written.strip().replace("\\", "/")))

    def outside(self, path: str) -> bool:
        """Whether `path` lies outside the project's folder, links followed."""
        root = os.path.realpath(self.root)
        try:
            return os.path.commonpath([root, os.path.realpath(path)]) != root
        except ValueError:  # another drive (Windows)
            return True

    def refuse_outside(self, resolved: str, what: str, where: Where) -> None:
        """InputError when a file the project file names lies outside the project's folder."""
        if self.outside(resolved):
            root = os.path.abspath(self.root)
            try:   # inside as written, outside once links are followed
                linked = os.path.commonpath([root, os.path.abspath(resolved)]) == root
            except ValueError:
                linked = False
            lies = "is a link to a file outside" if linked else "lies outside"
            raise InputError(f"{what} {lies} the project's folder ({_shown(self.root)}), and schemacheck reads no "
                             "file outside a project; move the file into the project, or correct the path",
                             self.project, where.line, where.column)

    # -- the configured files

    def read_json_entry(self, project: JsonFile, at: tuple, entry: object) -> None:
        if not isinstance(entry, dict):
            self.note(f"configuration entry {at[-1] + 1} is not a {{filePath, subType}} object; it is "
                      "ignored", project.where(at))
            return
        path_key = key(entry, "filePath", "path")
        subtype_key = key(entry, "subType")
        where = project.where(at + (path_key,)) if path_key else project.where(at)
        subtype_where = project.where(at + (subtype_key,)) if subtype_key else where
        self.read_entry(entry.get(path_key) if path_key else None,
                        entry.get(subtype_key) if subtype_key else None, where, subtype_where)

    def read_entry(self, written: object, subtype: object, where: Where, subtype_where: Where) -> None:
        """Read one configured file (an asaproj.json entry or a <Configure> item)."""
        normalised = _normalised(subtype) if isinstance(subtype, str) else ""
        function = FUNCTION_SUBTYPES.get(normalised)
        if not isinstance(written, str) or not written.strip():
            said = f" (subType {shown_value(subtype)})" if subtype is not None else ""
            self.note(f"a configuration entry{said} names no file; it is ignored", where)
            if function is not None:    # a function whose name nothing tells
                self.unread_function("", function[2], where)
            return
        shown = _shown(written)
        stem = _function_stem(written)
        if normalised not in SUBTYPES and function is None:
            self.read_unknown_entry(written, subtype, normalised, subtype_where)
            return
        if function is not None:
            spelling, kind, aggregate = function
            lost = FUNCTION_LOSS.format(name=_shown(stem))
        else:
            spelling, loss = SUBTYPES[normalised]
            kind, aggregate = None, False
            lost = loss.format(stem=_shown(stem))
        self.listed.add("function" if function is not None else normalised)
        resolved = self.resolve(written)
        if resolved is not None:
            self.refuse_outside(resolved, f"the {spelling} entry {shown}", where)
        if kind == "js" and resolved is not None and resolved.lower().endswith(".js"):
            self.read_js_code_entry(written, resolved, where, spelling, aggregate)
            return
        document, problem = None, None
        if resolved is None:
            problem = f"{spelling} file {shown} is not a usable file name"
        elif not os.path.isfile(resolved):
            problem = f"{spelling} file {shown} {_absence(resolved)}"
        else:
            try:
                document = load_json(resolved, f"{spelling} file")
            except InputError as error:
                problem = f"{spelling} file {shown} cannot be read ({_problem(error)})"
            else:
                if not isinstance(document.data, dict):
                    problem = f"{spelling} file {shown} is not a JSON object"
        if problem is not None:
            self.note(f"{problem}; {lost}", where)
            if function is not None:
                self.unread_function(stem, aggregate, where)
            return
        if function is not None:
            assert document is not None  # read, since there is no problem
            self.read_function(document, written, aggregate)
            return
        if normalised == "jobconfig" and self.config_read:
            self.note(f"JobConfig file {shown} is a second job configuration; only the first is read",
                      where)
            return
        getattr(self, "read_" + normalised)(document, spelling, written)

    def read_unknown_entry(self, written: str, subtype: object, normalised: str, where: Where) -> None:
        """An entry whose subType is not understood: a note, and when it may define a function
        (its subType, folder, file name or ScriptType says so), that function, unread."""
        known = ", ".join([spelling for spelling, _ in SUBTYPES.values()]
                          + ["JSFunction", "JSFunctionConfig", "CSharpFunction", "MLFunction"])
        said = f"subType '{_shown(subtype)}'" if isinstance(subtype, str) and subtype else "no subType"
        message = f"the entry for {_shown(written)} has {said}, which is none of {known}; the file is not read"
        name, aggregate = self.function_it_may_define(written, normalised)
        if name is not None:
            message += (f", but the function {_shown(name)} it seems to define is taken as defined, with an "
                        "unknown return type")
            self.unread_function(name, aggregate, where)
        self.note(message, where)

    def function_it_may_define(self, written: str, normalised: str) -> tuple[str | None, bool]:
        """(name, UDA) of the function an entry of an unknown subType may define; name None when
        nothing says it defines one. The name is the file's Name when it has one, else its stem."""
        aggregate = "uda" in normalised or "aggregate" in normalised
        parts = [part.lower() for part in re.split(r"[\\/]+", written.strip()) if part]
        hinted = (any(hint in normalised for hint in FUNCTION_HINTS) or "functions" in parts[:-1]
                  or written.strip().lower().endswith(".js") or written.strip().lower().endswith(".js.json"))
        name = None
        resolved = self.resolve(written)
        if resolved is not None and os.path.isfile(resolved) and not self.outside(resolved):
            try:
                data = load_json(resolved, "file").data
            except InputError:
                data = None
            if isinstance(data, dict):
                script_type = _normalised(_text(data, "ScriptType") or "")
                hinted = hinted or "function" in script_type or key(data, "FunctionInputs") is not None
                aggregate = aggregate or _normalised(_text(data, "Type") or "") in AGGREGATE_TYPES
                written_name = _text(data, "Name")
                name = written_name.strip() if written_name and written_name.strip() else None
        if not hinted:
            return None, False
        return name or _function_stem(written), aggregate

    def unread_function(self, name: str, aggregate: bool, where: Where) -> None:
        """A function the job lists whose files could not be read (see Function.unread)."""
        self.add_function(Function(name, None, aggregate, where, unread=True))

    def add_function(self, function: Function) -> None:
        """Add a function; of two with one name (any case), one that was read wins over one that
        was not, and a second unread one adds nothing."""
        same = [index for index, known in enumerate(self.functions)
                if function.name and known.name.lower() == function.name.lower()]
        if same and function.unread:
            return
        unread = [index for index in same if self.functions[index].unread]
        if unread:
            self.functions[unread[0]] = function
            return
        self.functions.append(function)

    def read_js_code_entry(self, written: str, code: str, where: Where, spelling: str, aggregate: bool) -> None:
        """A JavaScript function's entry naming its .js file: its definition is the `.js.json`
        beside it (VS Code), or the `.json` of the same name (Visual Studio)."""
        candidates = (code + ".json", code[:-len(".js")] + ".json")
        definition = next((path for path in candidates if os.path.isfile(path)), candidates[0])
        shown = _shown(written)
        stem = _function_stem(written)
        call = _shown(_call(stem, aggregate))
        if os.path.isfile(definition):
            try:
                document = load_json(definition, f"{spelling} definition")
            except InputError as error:
                document = None
                problem = f"cannot be read ({_problem(error)})"
            else:
                problem = "is not a JSON object"
            if document is not None and isinstance(document.data, dict):
                self.read_function(document, written, aggregate)
                return
        elif os.path.isfile(code):
            problem = "does not exist"
        else:
            self.note(f"{spelling} file {shown} does not exist; {FUNCTION_LOSS.format(name=_shown(stem))}", where)
            self.unread_function(stem, aggregate, where)
            return
        self.unread_function(stem, aggregate, where)
        self.note(f"{spelling} file {shown}: its definition {_shown(os.path.basename(definition))} "
                  f"{problem}; the return type of {call} is unknown", where)

    def read_input(self, document: JsonFile, spelling: str, written: str) -> None:
        data = document.data
        alias, alias_where = self.alias(document, ("Name",), spelling, written, "the input is unknown")
        if alias is None:
            return
        datasource = _text(data, "DataSourceType")
        stream = INPUT_STREAM.get(_normalised(_text(data, "Type") or ""))
        kind = project_input_kind(datasource)
        facts = _InputFacts(self, document, spelling, written, alias)
        path_pattern = facts.value((), "FilePath", "the file path") if kind == "file" else \
            facts.in_blocks(PATH_PATTERN_KEYS, "the path pattern")
        database = table = refresh_type = snapshot = delta = None
        if kind == "sql":
            database = facts.in_blocks(ADX_DATABASE_KEYS, "the database")
            table = facts.in_blocks(ADX_TABLE_KEYS, "the table")
            refresh_type = facts.refresh_type()
            snapshot = facts.query(SNAPSHOT_QUERY_KEYS, "snapshot")
            delta = facts.query(DELTA_QUERY_KEYS, "delta")
        self.inputs.append(Input(alias, kind, stream, datasource, alias_where, facts.serialization(),
                                 path_pattern, database, table, refresh_type, snapshot, delta))

    def read_output(self, document: JsonFile, spelling: str, written: str) -> None:
        data = document.data
        alias, alias_where = self.alias(document, ("Name",), spelling, written,
                                        "the output is unknown and not checked")
        if alias is None:
            return
        datasource = _text(data, "DataSourceType")
        properties = _properties_block(data, datasource)
        if properties is None and has_adx_keys(data):   # the properties written at the top level
            properties = data
        kind = project_output_kind(datasource, properties)
        cluster = database = table = authentication = None
        if kind == "adx" and properties is not None:
            cluster = _text(properties, *ADX_CLUSTER_KEYS)
            database = _text(properties, *ADX_DATABASE_KEYS)
            table = _text(properties, *ADX_TABLE_KEYS)
            authentication = _text(properties, "AuthenticationMode", "AuthMode", "Authentication")
        elif kind in SQL_KINDS and properties is not None:
            # SQLDatabaseProperties{Database,Server,User,Password,Table,...}
            cluster = _text(properties, *SQL_SERVER_KEYS)
            database = _text(properties, *ADX_DATABASE_KEYS)
            table = _text(properties, *ADX_TABLE_KEYS)
            authentication = _text(properties, "AuthenticationMode", "AuthMode", "Authentication")
        settings = _OutputSettings(self, document, written, alias, properties).read(kind)
        self.outputs.append(Output(alias, kind, datasource, cluster, database, table, authentication,
                                   alias_where, settings))

    def read_inputmock(self, document: JsonFile, spelling: str, written: str) -> None:
        data = document.data
        alias, _ = self.alias(document, ("InputAlias", "Name"), spelling, written,
                              "its local sample data is not used")
        if alias is None:
            return
        file_key = key(data, "FilePath")
        file_where = document.where((file_key,)) if file_key else document.where()
        sample_path = self.resolve(data.get(file_key) if file_key else None,
                                   os.path.dirname(document.path))
        if sample_path is None:
            self.note(f"{spelling} file {_shown(written)} names no sample data file (FilePath); input "
                      f"{alias} has no local sample", file_where)
            return
        declared = _text(data, "Format") or _text(get(data, "Serialization"), "Type") or ""
        sample_format = declared.strip().lower() if declared else None
        if sample_format is not None and SAMPLE_FORMATS.get(sample_format) is None:
            self.note(f"{spelling} file {_shown(written)}: samples in {_shown(declared)} format are not "
                      f"read (only JSON, CSV and Avro); the sample of input {alias} is not used", file_where)
            return
        exists = os.path.isfile(sample_path)
        outside = exists and self.outside(sample_path)
        if outside or not exists:
            found = self.moved_sample(data[file_key], os.path.dirname(document.path))
            if found is None:
                absent = ("lies outside the project's folder, and schemacheck reads no file outside a project"
                          if outside else "does not exist")
                self.note(f"{spelling} file {_shown(written)}: its sample data {_shown(data[file_key])} "
                          f"{absent}; input {alias} has no local sample", file_where)
                return
            shown = _shown(os.path.relpath(found, self.root).replace(os.sep, "/"))
            self.note(f"{spelling} file {_shown(written)}: its sample data {_shown(data[file_key])} "
                      f"does not exist here (a path on the machine that wrote the project); the "
                      f"project's {shown}, at the end of that path, is used for input {alias}",
                      file_where)
            sample_path = found
        self.samples.append(Sample(alias, sample_path, sample_format, file_where))

    def moved_sample(self, written: str, mock_directory: str) -> str | None:
        """The project's own copy of a sample data file whose FilePath does not exist here:
        Visual Studio writes absolute paths (`F:\\repo\\Proj\\SampleData\\x.json`), so the
        longest end of the path that names a file under the project's directory (or the
        mock's) is taken. None when no end of it does. An end longer than any path a system
        takes is not tried, and an end is tried as one string, without joining and normalising
        its parts again: a FilePath of thousands of parts is answered at once."""
        parts = [part for part in re.split(r"[\\/]+", written.strip()) if part not in ("", ".", "..")]
        if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
            parts = parts[1:]
        joined = "/".join(parts)
        bases = [os.path.normpath(base) for base in (self.root, mock_directory)]
        start = 0
        for part in parts:
            if len(joined) - start <= LONGEST_PATH:
                end = joined[start:]
                for base in bases:
                    candidate = os.path.join(base, end)
                    if os.path.isfile(candidate) and not self.outside(candidate):
                        return os.path.normpath(candidate)
            start += len(part) + 1
        return None

    def read_jobconfig(self, document: JsonFile, spelling: str, written: str) -> None:
        data = document.data
        self.config_read = True
        for name in ("CompatibilityLevel", "DataLocale", "OutputErrorPolicy"):
            actual = key(data, name)
            if actual is None or data[actual] is None:
                continue
            value = text_value(data[actual])
            if value is None:
                self.note(f"{spelling} file {_shown(written)}: {name} is not a single value; it is "
                          "ignored", document.where((actual,)))
                continue
            self.settings[name] = Setting(value, document.where((actual,)))
        self.identity = _identity(document)

    def read_function(self, document: JsonFile, written: str, aggregate: bool = False) -> None:
        """A function's definition (JavaScript, C# or Azure ML): its Name (else the file's stem),
        OutputType (Azure ML ones declare none: unknown) and Type (Aggregate: a UDA)."""
        data = document.data
        name_key = key(data, "Name")
        name = text_value(data.get(name_key)) if name_key else None
        name = name.strip() if name and name.strip() else _function_stem(written)
        output_type = _text(data, "OutputType")
        if output_type is not None and not output_type.strip():
            output_type = None
        aggregate = aggregate or _normalised(_text(data, "Type") or "") in AGGREGATE_TYPES
        where_key = name_key or key(data, "OutputType")
        where = document.where((where_key,)) if where_key else document.where()
        self.add_function(Function(name, output_type, aggregate, where))

    def alias(self, document: JsonFile, names: tuple, spelling: str, written: str,
              lost: str) -> tuple[str | None, Where | None]:
        """The alias (Name) a file gives, and where; None with a note when it gives none."""
        actual = key(document.data, *names)
        value = text_value(document.data.get(actual)) if actual else None
        if value is None or not value.strip():
            said = "an empty " + names[0] if actual and value is not None else "no " + names[0]
            self.note(f"{spelling} file {_shown(written)} has {said}; {lost}",
                      document.where((actual,)) if actual else document.where())
            return None, None
        return value, document.where((actual,))


class _InputFacts:
    """What an Input file says of its data (see Input): values read as written, a value that is
    there but cannot be read an SC609 note; a value that is not there is None."""

    def __init__(self, reader: _ProjectReader, document: JsonFile, spelling: str, written: str,
                 alias: str) -> None:
        self.reader = reader
        self.document = document
        self.about = f"{spelling} file {_shown(written)}"
        self.written = written
        self.alias = alias
        data = document.data
        # Its settings blocks in file order (`*Properties`, VS-era `SqlReferenceInputInfo`), then
        # its top level: the first that has a key is read.
        self.blocks: list[tuple[tuple, dict]] = [
            ((name,), value) for name, value in data.items()
            if isinstance(name, str) and isinstance(value, dict) and name.lower().endswith(("properties", "info"))]
        self.blocks.append(((), data))

    def note(self, message: str, where: Where) -> None:
        self.reader.note(f"{self.about}: {message}", where)

    def value(self, at: tuple, name: str, what: str, *more: str) -> str | None:
        """The text under `name` (or one of `more`) of the object at `at`; None (with a note
        when it is an object or a list) when it is not text."""
        obj = self.document.data
        for part in at:
            obj = obj[part]
        actual = key(obj, name, *more)
        if actual is None or obj[actual] is None:
            return None
        value = text_value(obj[actual])
        if value is None:
            self.note(f"{what} of input {_shown(self.alias)} is not a single value; it is not read",
                      self.document.where(at + (actual,)))
        return value

    def located(self, names: tuple[str, ...]) -> tuple[tuple, str] | None:
        """(path, key) of the first block that has one of `names` set."""
        for at, block in self.blocks:
            actual = key(block, *names)
            if actual is not None and block[actual] is not None:
                return at, actual
        return None

    def in_blocks(self, names: tuple[str, ...], what: str) -> str | None:
        found = self.located(names)
        return self.value(found[0], found[1], what) if found is not None else None

    def serialization(self) -> str | None:
        """`Serialization: {Type}` (also a plain `Serialization` or `SerializationType` string)."""
        data = self.document.data
        serialization_key = key(data, "Serialization")
        if serialization_key is not None and isinstance(data[serialization_key], dict):
            at: tuple = (serialization_key,)
            written = self.value(at, "Type", "the serialization type")
            type_key = key(data[serialization_key], "Type")
            where = self.document.where(at + (type_key,)) if type_key else self.document.where(at)
        else:
            found_key = next((k for k in (key(data, "Serialization"), key(data, "SerializationType"))
                              if k is not None and data[k] is not None), None)
            if found_key is None:
                return None
            written = self.value((), found_key, "the serialization type")
            where = self.document.where((found_key,))
        if written is None or not written.strip():
            return None
        name = serialization_name(written)
        if name is None:
            self.note(f"input {_shown(self.alias)} has serialization type '{_shown(written)}', which is not "
                      f"{SERIALIZATION_NAMES}; the format of its data is unknown", where)
        return name

    def refresh_type(self) -> str | None:
        found = self.located(("RefreshType",))
        if found is None:
            return None
        written = self.value(found[0], found[1], "the refresh type")
        if written is None or not written.strip():
            return None
        name = refresh_type_name(written)
        if name is None:
            self.note(f"SQL reference input {_shown(self.alias)} has refresh type '{_shown(written)}', which is "
                      f"not {REFRESH_TYPE_NAMES}; it is not read", self.document.where(found[0] + (found[1],)))
        return name

    def query(self, names: tuple[str, ...], which: str) -> SqlText | None:
        """A SQL reference input's `which` ("snapshot", "delta") query: written in its file, in
        a .sql file the file names, or in Visual Studio's `[alias].<which>.sql` beside it."""
        directory = os.path.dirname(self.document.path)
        found = self.located(names)
        if found is not None:
            at, actual = found
            text = self.value(at, actual, f"the {which} query")
            where = self.document.where(at + (actual,))
            if text is None or not text.strip():
                return None
            named = text.strip()
            if re.fullmatch(r"\S+\.sql", named, re.IGNORECASE):   # a file's name, not a query
                path = self.reader.resolve(named, directory)
                if path is None or not os.path.isfile(path):
                    self.note(f"the {which} query of input {_shown(self.alias)} is the file {_shown(named)}, "
                              f"which {'does not exist' if path is None else _absence(path)}; it is not read",
                              where)
                    return None
                return self.sql_file(path, which, where)
            return SqlText(text, where)
        stem = _function_stem(self.written)
        for name in dict.fromkeys((f"{self.alias}.{which}.sql", f"{stem}.{which}.sql")):
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                return self.sql_file(path, which, self.document.where())
        return None

    def sql_file(self, path: str, which: str, where: Where) -> SqlText | None:
        shown = _shown(os.path.relpath(path, self.reader.root).replace(os.sep, "/"))
        if self.reader.outside(path):
            self.note(f"the {which} query of input {_shown(self.alias)}, {shown}, lies outside the project's "
                      "folder, and schemacheck reads no file outside a project; it is not read", where)
            return None
        try:
            text = read_text_file(path, f"{which} query of a SQL reference input")
        except InputError as error:
            self.note(f"the {which} query of input {_shown(self.alias)}, {shown}, cannot be read "
                      f"({_problem(error)})", where)
            return None
        return SqlText(text, Where(path, 1, 1))


class _OutputSettings:
    """The settings OUTPUT_SETTINGS keeps for an output's kind, as its file writes them (see
    OUTPUT_SETTING_KEYS), each placed at its value. A value of the wrong shape is an SC609 note
    and the setting is left out; a value that is not there is no setting."""

    def __init__(self, reader: _ProjectReader, document: JsonFile, written: str, alias: str,
                 properties: dict | None) -> None:
        self.reader = reader
        self.document = document
        self.about = f"Output file {_shown(written)}"
        self.alias = alias
        data = document.data
        # Where settings are looked for, in order: (path, object).
        self.places: list[tuple[tuple, dict]] = []
        if isinstance(properties, dict) and properties is not data:
            block_key = next((name for name, value in data.items() if value is properties), None)
            if block_key is not None:
                self.places.append(((block_key,), properties))
        self.serialization_places: list[tuple[tuple, dict]] = []
        serialization_key = key(data, "Serialization")
        serialization = data.get(serialization_key) if serialization_key else None
        if isinstance(serialization, dict):
            self.serialization_places.append(((serialization_key,), serialization))
            inner_key = key(serialization, "Properties")
            if inner_key is not None and isinstance(serialization[inner_key], dict):
                self.serialization_places.append(((serialization_key, inner_key), serialization[inner_key]))
        self.places += self.serialization_places
        self.places.append(((), data))

    def read(self, kind: str | None) -> tuple[OutputSetting, ...]:
        found = []
        for name in OUTPUT_SETTINGS.get(kind or "", ()):
            if name == "serialization":
                setting = self.serialization_type()
            elif name == "format":
                setting = self.setting(name, ("Format",), self.serialization_places)
            elif name in OUTPUT_SETTING_KEYS:
                setting = self.setting(name, OUTPUT_SETTING_KEYS[name], self.places)
            else:   # a setting of another source (containerPartitionKeyPaths: a Terraform container's)
                setting = None
            if setting is not None:
                found.append(setting)
        return tuple(found)

    def note(self, actual: str, problem: str, where: Where) -> None:
        self.reader.note(f"{self.about}: {_shown(actual)} of output {_shown(self.alias)} is {problem}; "
                         "it is not read", where)

    def setting(self, name: str, names: tuple[str, ...], places: list[tuple[tuple, dict]]) -> OutputSetting | None:
        """The first of `names` set (not null, not "") in `places`, read as `name` is."""
        for at, obj in places:
            for wanted in names:
                actual = key(obj, wanted)
                if actual is None:
                    continue
                value = obj[actual]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                path = at + (actual,)
                where = self.document.where(path)
                if name in LIST_SETTINGS:
                    read: object = self.columns(value, actual, where)
                elif name in PAIR_SETTINGS:
                    read = self.pairs(value, actual, where)
                else:
                    read = self.text(value, actual, where)
                return OutputSetting(name, read, where) if read else None
        return None

    def serialization_type(self) -> OutputSetting | None:
        """`Serialization.Type` as written (also a plain `Serialization` or `SerializationType` string)."""
        data = self.document.data
        serialization_key = key(data, "Serialization")
        serialization = data.get(serialization_key) if serialization_key else None
        if isinstance(serialization, dict):
            type_key = key(serialization, "Type")
            if type_key is None:
                return None
            path: tuple = (serialization_key, type_key)
            value, actual = serialization[type_key], "Serialization.Type"
        elif serialization is not None:
            path, value, actual = (serialization_key,), serialization, str(serialization_key)
        else:
            type_key = key(data, "SerializationType")
            if type_key is None:
                return None
            path, value, actual = (type_key,), data[type_key], type_key
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        where = self.document.where(path)
        read = self.text(value, actual, where)
        return OutputSetting("serialization", read, where) if read else None

    def text(self, value: object, actual: str, where: Where) -> str | None:
        """A scalar as text (a number as the file writes it); None with a note for an object or a list."""
        if isinstance(value, (dict, list)):
            self.note(actual, "not a single value", where)
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _number_text(self.document.text, where) or text_value(value)
        return text_value(value)

    def columns(self, value: object, actual: str, where: Where) -> tuple[str, ...] | None:
        """A list of column names: a JSON list of names, or one comma-separated string."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list) and all(isinstance(item, str) or item is None for item in value):
            return tuple(item for item in value if item is not None and item.strip())
        self.note(actual, "not a list of column names", where)
        return None

    def pairs(self, value: object, actual: str, where: Where) -> tuple[tuple[str, str], ...] | None:
        """System property columns, {"MessageId": "column", ...}: an object, that object written as a
        JSON string, or a list of {Key, Value} objects (as .NET writes a dictionary); entries with
        no column are left out."""
        if isinstance(value, str) and value.strip().startswith("{"):
            import json

            try:
                value = json.loads(value)
            except ValueError:
                pass
        entries: list[tuple[object, object]] | None = None
        if isinstance(value, dict):
            entries = list(value.items())
        elif isinstance(value, list) and all(isinstance(item, dict) and key(item, "Key") and key(item, "Value")
                                             for item in value):
            entries = [(get(item, "Key"), get(item, "Value")) for item in value]
        if entries is None or not all(isinstance(name, str) and (column is None or isinstance(column, str))
                                      for name, column in entries):
            self.note(actual, "not an object of system property names and column names", where)
            return None
        return tuple((str(name), column) for name, column in entries if isinstance(column, str) and column.strip())


def _number_text(text: str, where: Where) -> str | None:
    """The JSON number written at `where` in `text`, as written (`25`, `1e2`)."""
    if where.line is None or where.column is None:
        return None
    offset = 0
    for _ in range(where.line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return None
    found = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?").match(text, offset + where.column - 1)
    return found.group(0) if found else None


def _identity(document: JsonFile) -> Identity:
    data = document.data
    system_key = key(data, "UseSystemAssignedIdentity")
    system = data.get(system_key) if system_key else None
    if system is True or (isinstance(system, str) and system.strip().lower() in TRUE_WORDS):
        return Identity("system", (), document.where((system_key,)))
    identity_key = key(data, "Identity")
    described = data.get(identity_key) if identity_key else None
    if isinstance(described, dict):
        kind = _normalised(_text(described, "Type") or "")
        resources = _resource_ids(get(described, *USER_IDENTITY_KEYS))
        where = document.where((identity_key,))
        if "userassigned" in kind or resources:
            return Identity("user", resources, where)
        if "systemassigned" in kind:
            return Identity("system", (), where)
    elif isinstance(described, str) and described.strip():
        where = document.where((identity_key,))
        if _normalised(described) == "systemassigned":
            return Identity("system", (), where)
        if _normalised(described) not in ("none", ""):
            resources = () if _normalised(described) == "userassigned" else (described.strip(),)
            return Identity("user", resources, where)
    user_key = key(data, *USER_IDENTITY_KEYS)
    resources = _resource_ids(data.get(user_key)) if user_key else ()
    if resources:
        return Identity("user", resources, document.where((user_key,)))
    return Identity("none", (), document.where((system_key,)) if system_key else Where(document.path, 1, 1))


def _resource_ids(value: object) -> tuple[str, ...]:
    """User-assigned identity ids, from an ARM-style {id: {}} object, a list or one string."""
    if isinstance(value, dict):
        candidates = list(value)
    elif isinstance(value, list):
        candidates = [text_value(item) if not isinstance(item, dict) else
                      _text(item, "ResourceId", "Id") for item in value]
    else:
        candidates = [text_value(value)] if not isinstance(value, bool) else []
    return tuple(c.strip() for c in candidates if isinstance(c, str) and c.strip())


def _properties_block(data: dict, datasource: str | None) -> dict | None:
    """The output's one non-null `*Properties` object; with several, the one named like the
    DataSourceType (VS-era files keep every kind's block, all but one null)."""
    blocks = {name: value for name, value in data.items()
              if isinstance(name, str) and name.lower().endswith("properties") and isinstance(value, dict)}
    if len(blocks) <= 1:
        return next(iter(blocks.values()), None)
    wanted = _normalised(datasource or "")
    for name, value in blocks.items():
        prefix = _normalised(name)[:-len("properties")]
        if prefix and PROPERTIES_ALIASES.get(prefix, prefix) in (wanted, "azure" + wanted):
            return value
    for value in blocks.values():
        if has_adx_keys(value):
            return value
    return next(iter(blocks.values()))


# ---- which project a file belongs to ----------------------------------------------------------


def find_project_for(path: str) -> str | None:
    """The project file (asaproj.json or .asaproj) whose job includes `path`, or None.

    Walks up from the file's directory to the first directory holding a `.git` (a repository
    root) or the filesystem root. A project claims a query only when it is the project's start
    file (the query the job runs), and any other file only when an entry names it; a project
    that does not claim the file is passed and the walk goes on, so a stray query next to a
    project is checked alone rather than with settings that are not its own. A project file
    that cannot be read claims the queries in its own directory, so reading it reports why.
    """
    target = _same_file_key(path)
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        names = folder_names(directory)
        candidates = sorted(name for name in names if name.lower() == PROJECT_JSON)
        candidates += sorted(name for name in names if name.lower().endswith(VS_PROJECT_SUFFIX))
        for name in candidates:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and _claims(candidate, names, target):
                return candidate
        if ".git" in names:
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _claims(project: str, names: Sequence[str], target: str) -> bool:
    directory = os.path.dirname(project)
    is_query = target.lower().endswith(QUERY_SUFFIX)
    listed = _listed_files(project)
    if listed is None:
        return is_query and os.path.dirname(target) == _same_file_key(directory)
    start, entries = listed
    if start is None:
        queries = [name for name in names if name.lower().endswith(QUERY_SUFFIX)]
        start = queries[0] if len(queries) == 1 else None
    keys = {_same_file_key(_joined(directory, written)) for written in entries}
    keys |= {k[:-len(".json")] for k in keys if k.endswith(".js.json")}
    keys |= {k + ".json" for k in keys if k.endswith(".js")}
    if is_query:
        return start is not None and _same_file_key(_joined(directory, start)) == target
    return target in keys


def _listed_files(project: str) -> tuple[str | None, list[str]] | None:
    """(start file, configured files) as the project writes them; None if it cannot be read.
    Cheap: the JSON is parsed, the XML only searched."""
    try:
        if project.lower().endswith(VS_PROJECT_SUFFIX):
            text = _without_comments(read_text_file(project, "Visual Studio ASA project (.asaproj)"))
            start = re.search(r"<(?:[\w.-]+:)?StartFile\b[^>]*>\s*([^<]*?)\s*<", text)
            scripts = [script for script in
                       re.findall(r"<(?:[\w.-]+:)?Script\s[^>]*\bInclude\s*=\s*[\"']([^\"']*)", text)
                       if not _is_function_code(_xml_unescape(script))]
            configured = re.findall(r"<(?:[\w.-]+:)?Configure\s[^>]*\bInclude\s*=\s*[\"']([^\"']*)", text)
            start_file = start.group(1) if start else scripts[0] if len(scripts) == 1 else None
            return _xml_unescape(start_file) if start_file else None, [_xml_unescape(c) for c in configured]
        data = load_json(project, "ASA project file (asaproj.json)").data
    except InputError:
        return None
    if not isinstance(data, dict):
        return None
    start = get(data, "startFile")
    entries = get(data, "configurations")
    files = [get(entry, "filePath", "path") for entry in entries if isinstance(entry, dict)] \
        if isinstance(entries, list) else []
    return (start if isinstance(start, str) else None), [f for f in files if isinstance(f, str)]


def _joined(directory: str, written: str) -> str:
    return os.path.join(directory, written.strip().replace("\\", "/"))


def _same_file_key(path: str) -> str:
    """A spelling of `path` equal for equal files (links resolved, case folded where the OS does)."""
    try:
        return os.path.normcase(os.path.realpath(path))
    except (OSError, ValueError):
        return os.path.normcase(os.path.abspath(path))


# ---- small helpers ---------------------------------------------------------------------------


class _IncludePositions:
    """Where each `Include="..."` value of an MSBuild file is, in document order."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.found = [(_xml_unescape(m.group(2)), m.start(2))
                      for m in re.finditer(r"\bInclude\s*=\s*([\"'])(.*?)\1", text, re.S)]
        self.used: set[int] = set()

    def where(self, value: str) -> Where:
        for index, (written, offset) in enumerate(self.found):
            if index not in self.used and written == value:
                self.used.add(index)
                return Where(self.path, *_line_column(self.text, offset))
        return Where(self.path)


def _without_comments(xml_text: str) -> str:
    """XML text with comments blanked (newlines kept), so positions found in it stay true."""
    if "<!--" not in xml_text:
        return xml_text
    return re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m.group(0)), xml_text, flags=re.S)


def _xml_unescape(text: str) -> str:
    from xml.sax.saxutils import unescape

    return unescape(text, {"&quot;": '"', "&apos;": "'"})


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _root_of(path: str) -> str:
    return os.path.dirname(path) or os.curdir


def _queries_in(directory: str) -> list[str]:
    try:
        return sorted(name for name in os.listdir(directory)
                      if name.lower().endswith(QUERY_SUFFIX) and os.path.isfile(os.path.join(directory, name)))
    except OSError:
        return []


def _absence(path: str) -> str:
    return "is a directory, not a file" if os.path.isdir(path) else "does not exist"


def _listing(queries: list[str]) -> str:
    if not queries:
        return "there is no .asaql file next to it: create the query, or point the project at it"
    return ("the .asaql files next to it are: " + ", ".join(_shown(q) for q in queries)
            + "; point the project at the query the job runs")


def _text(obj: object, *names: str) -> str | None:
    """A scalar value (as text) under one of `names`, any case; None if absent or not a scalar."""
    return text_value(get(obj, *names)) if isinstance(obj, dict) else None


def _normalised(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


def _is_function_code(written: str) -> bool:
    """Whether a <Script> item is a JavaScript function's code rather than a query."""
    return written.strip().lower().endswith(".js")


def _call(name: str, aggregate: bool) -> str:
    """How the query calls a function: udf.NAME, or uda.NAME for an aggregate."""
    return ("uda." if aggregate else "udf.") + name


def _function_stem(written: str) -> str:
    name = written.strip().replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in FUNCTION_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def _problem(error: InputError) -> str:
    """An InputError about a listed file, told inside a note placed at the project's entry."""
    place = ""
    if error.line is not None:
        place = f"line {error.line}: " if error.column is None else f"line {error.line}, column {error.column}: "
    return _shown(place + error.message)


def _shown(text: str) -> str:
    """`text` safe to print: characters no encoder takes (lone surrogates) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
