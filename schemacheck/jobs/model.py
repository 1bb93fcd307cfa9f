"""A job as read from its files: the query, its outputs and inputs, functions, settings.

Readers (project.py, arm.py, discover.py) build these records; the check stage reads
them. Values are kept as the files spell them (`"Msi"`, `"Retry"`, `"1.2"`) next to where
they were read, so every finding about the job can point at the line that causes it.
A field that is None means the files do not say; `Job.outputs is None` means the job's
outputs are not known at all (a lone query file).
"""

from __future__ import annotations

from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the block below
if TYPE_CHECKING:
    from typing import Literal

    # How a job was found: a lone query, a VS Code project, a Visual Studio project, an ARM template.
    JobForm = Literal["query", "vscode", "vs", "arm", "terraform", "bicep", "deployed", "fabric"]


@record
class Where(Record):
    """A place in a file: 1-based line and column, when known."""

    file: str
    line: int | None = None
    column: int | None = None


def where_text(where: Where | None, fallback: str) -> str:
    """`file:line` of a place (the file as the working directory sees it), else `fallback`."""
    from schemacheck.files import display_path

    if where is None:
        return display_path(fallback)
    return display_path(where.file) + (f":{where.line}" if where.line else "")


@record
class Note(Record):
    """A finding about the job's files (not its query), under a rule code of
    schemacheck.diagnostics, e.g. SC608 for a template expression left unresolved."""

    code: str
    message: str
    where: Where


@record
class Setting(Record):
    """A job setting as written (None: not set) and where it was read."""

    value: str | None = None
    where: Where | None = None


@record
class OutputSetting(Record):
    """A setting of an output that names query columns or shapes what it writes, as the
    job's files write it: `name` is ARM's property name (OUTPUT_SETTINGS), `value` a str, a
    tuple of str (a list setting), or a tuple of (key, value) pairs (systemPropertyColumns)."""

    name: str
    value: object
    where: Where | None = None


# The settings readers keep, by output kind, under ARM's names (datasource.properties, and for
# blob and Lakehouse outputs serialization.type/properties). Sources: ../shared/reference/
# outputs-and-inputs.md Part A; the ARM spec's Output_*.json examples; azurerm's output resources.
OUTPUT_SETTINGS = {
    "table-storage": ("partitionKey", "rowKey", "columnsToRemove", "batchSize"),
    # containerPartitionKeyPaths: the partition key paths of the container the output names,
    # when the same Terraform defines it (azurerm_cosmosdb_sql_container).
    "cosmosdb": ("documentId", "partitionKey", "collectionNamePattern", "containerPartitionKeyPaths"),
    "blob": ("pathPattern", "dateFormat", "timeFormat", "serialization", "format", "deltaTablePath",
             "partitionColumns"),
    "fabric-lakehouse": ("serialization", "tableName", "deltaTablePath", "partitionColumns"),
    "eventhub": ("partitionKey", "propertyColumns"),
    "servicebus-queue": ("propertyColumns", "systemPropertyColumns"),
    "servicebus-topic": ("propertyColumns", "systemPropertyColumns"),
    "powerbi": ("dataset", "table"),
}


@record
class OperatorColumn(Record):
    """One column a Fabric Eventstream ManageFields operator writes, as its entry says:
    `entry` the entry's type as written ("Rename", "Cast", "FunctionCall"), `alias` the name
    it writes (None: the entry gives none), `column` the input column it reads (a Rename's
    or Cast's; the column argument of a function of one), `node` the node that column is
    read from when the entry names one, `to_type` a Cast's targetDataType as written,
    `function` a FunctionCall's functionName; `where` the entry."""

    entry: str
    alias: str | None = None
    column: str | None = None
    node: str | None = None
    to_type: str | None = None
    function: str | None = None
    where: Where | None = None


@record
class Aggregation(Record):
    """One aggregation of a GroupBy operator: the function as written ("Average", "Sum",
    ...), the column it reads, the alias it writes, where it is written."""

    function: str | None
    column: str | None
    alias: str | None
    where: Where | None = None


@record
class Operator(Record):
    """A Fabric Eventstream operator between a SQL operator and its destination: `type` as
    written ("Filter", "ManageFields", "GroupBy", ...); `columns` a ManageFields operator's
    entries, or a GroupBy's group-by columns (entry "GroupBy"); a GroupBy's `aggregations`;
    `where` the operator's node."""

    name: str
    type: str
    where: Where | None = None
    columns: tuple[OperatorColumn, ...] = ()
    aggregations: tuple[Aggregation, ...] = ()


@record
class Output(Record):
    """An output the job defines. `kind` is one of schemacheck.config.OUTPUT_KINDS ("adx",
    "blob", "sql", ...) or None when the type is not recognised; `datasource` is the type
    as written. Cluster, database and table are set for ADX outputs when the files say;
    for SQL outputs (sql, synapse, postgresql) `cluster` holds the server; `settings` the
    settings OUTPUT_SETTINGS lists for its kind (the columns a key, a path pattern or a
    property names; serialization). `operators`: a Fabric Eventstream's operators between
    the query and the destination, in order (the destination receives the last one's
    columns)."""

    alias: str
    kind: str | None
    datasource: str | None = None
    cluster: str | None = None
    database: str | None = None
    table: str | None = None
    authentication: str | None = None
    where: Where | None = None
    settings: tuple[OutputSetting, ...] = ()
    operators: tuple[Operator, ...] = ()

    def setting(self, name: str) -> OutputSetting | None:
        """The setting of that name (OUTPUT_SETTINGS), when the files give it."""
        return next((s for s in self.settings if s.name == name), None)


@record
class SqlText(Record):
    """A SQL statement a job's files hold (a SQL reference input's snapshot or delta query),
    where it is written."""

    text: str
    where: Where | None = None


@record
class DeclaredColumn(Record):
    """A column of an input's schema as a job's files declare it (a Fabric operator's
    `inputSchemas`): `type` as written ("Nvarchar(max)", "BigInt", "Record", ...), a
    record's `fields`, an array's element (`items`)."""

    name: str
    type: str | None
    fields: tuple[DeclaredColumn, ...] = ()
    items: DeclaredColumn | None = None


@record
class Input(Record):
    """An input the job defines. `kind`: "eventhub", "iothub", "blob", "sql", "file", "raw",
    "eventgrid", "gateway" or None; `stream` False for reference data.

    What the files say of its data, when they say it: `serialization` ("json", "csv",
    "avro", "parquet", "protobuf", "customclr"), `path_pattern` (a blob or ADLS input's
    path pattern, or a local input's file path), and for a SQL Database reference input
    its `database`, `table`, `refresh_type` ("Static", "RefreshPeriodicallyWithFull",
    "RefreshPeriodicallyWithDelta") and its `snapshot_query` and `delta_query`; `columns`
    the columns its schema declares (a Fabric Eventstream operator's inputSchemas)."""

    alias: str
    kind: str | None
    stream: bool | None = None
    datasource: str | None = None
    where: Where | None = None
    serialization: str | None = None
    path_pattern: str | None = None
    database: str | None = None
    table: str | None = None
    refresh_type: str | None = None
    snapshot_query: SqlText | None = None
    delta_query: SqlText | None = None
    # The input's columns as the job's files declare them (a Fabric operator's inputSchemas), and where.
    columns: tuple[DeclaredColumn, ...] | None = None
    columns_where: Where | None = None


@record
class Sample(Record):
    """Local sample data for an input (an InputMock): `path` to a JSON array, line-delimited
    JSON or CSV-with-header file; `format` "json" or "csv" as declared, else None."""

    alias: str
    path: str
    format: str | None
    where: Where


@record
class Function(Record):
    """A UDF (or UDA when `aggregate`) and its declared return type as written
    ("bigint", "nvarchar(max)", "any", ...; None when the file does not declare one).

    `unread`: the job lists the function, but its files could not be read (a definition
    missing or not JSON, a subType not understood); an SC609 note says why. It is still
    defined, so a call of it is no SC610: `name` is the definition's Name when that could
    be read, else the file's stem (Visual Studio and VS Code name a function after its
    file), and "" when not even that is known, and the return type is unknown."""

    name: str
    output_type: str | None
    aggregate: bool = False
    where: Where | None = None
    unread: bool = False


@record
class Identity(Record):
    """The job's managed identity: kind "system", "user", "none" (the files say there is
    none) or "unknown" (they do not say); `resources` are user-assigned identity ids;
    `principals` the object ids ARM reports for a deployed job's identities."""

    kind: str = "unknown"
    resources: tuple[str, ...] = ()
    where: Where | None = None
    principals: tuple[str, ...] = ()


@record
class Query(Record):
    """The query text. `file` is where it lives; when the query is a JSON string inside
    that file (an ARM template), `json_string_at` is the offset of the string's opening
    quote in the file's text, so positions in the query map back to the file."""

    text: str
    file: str
    json_string_at: int | None = None
    at: Where | None = None     # where the query's value is written, when positions cannot map
    placed: Placed | None = None   # a string of a Terraform or Bicep file


@record
class Placed(Record):
    """Where a query held in a string of a Terraform or Bicep file is written, as the
    string's syntax node says (schemacheck.jobs.exprs.Text): its characters from
    `raw_start` in the file, `style` "verbatim" (a heredoc, a triple-quoted Bicep string),
    "indented" (a heredoc <<-, `indent` characters dropped from each line) or "escaped" (a
    quoted string ending before `raw_end`); `language` "hcl" or "bicep" says how escapes are
    read and how an edit is written back."""

    raw_start: int
    style: str
    language: str
    indent: int = 0
    raw_end: int = 0


@record
class Script(Record):
    """A table definition a job's own files hold (a Kusto script resource in Terraform,
    Bicep or ARM): `kind` the destination kind that reads it ("adx"), its `text`, the
    `file` it is written in (`placed` when it is a string of a Terraform or Bicep file,
    `json_string_at` of a template), and the database
    (and cluster) it runs in, when the files say."""

    kind: str
    text: str
    file: str
    database: str | None = None
    cluster: str | None = None
    placed: Placed | None = None
    where: Where | None = None
    json_string_at: int | None = None   # the opening quote of a JSON string (an ARM template's)


@record
class Job(Record):
    """One ASA job. `form`: "query" (a lone .asaql), "vscode" (asaproj.json), "vs" (a
    Visual Studio .asaproj), "arm" (a template), "terraform" (a module's .tf files),
    "bicep", or "deployed" (as Azure Resource Manager answers for a running job). `source`
    is the file it was read from (a deployed job's resource id); `root` the directory its relative paths
    (and a `schemas/` folder) hang from; `scripts` the tables its own files define,
    `schema_files` the SQL DDL files they name (read as its schemas too)."""

    name: str | None
    form: JobForm
    source: str
    root: str
    query: Query | None
    compat_level: Setting = Setting()
    data_locale: Setting = Setting()
    error_policy: Setting = Setting()
    identity: Identity = Identity()
    outputs: tuple[Output, ...] | None = None
    inputs: tuple[Input, ...] | None = None
    functions: tuple[Function, ...] | None = None
    samples: tuple[Sample, ...] = ()
    notes: tuple[Note, ...] = ()
    scripts: tuple[Script, ...] = ()
    schema_files: tuple[str, ...] = ()   # SQL DDL files its Terraform or Bicep files name
