"""The Bicep parser (schemacheck.jobs.bicep_syntax): trees of real-shaped files, string
positions, the error messages, and properties (round trips; any text gives a Program or
an InputError)."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.errors import InputError
from schemacheck.jobs import exprs as X
from schemacheck.jobs.bicep_syntax import parse_bicep, text_position

# ---- fixtures: a job, its ADX output and table script, a module, a parameter file -----------

MAIN = """\
// A Stream Analytics job writing to Azure Data Explorer.
targetScope = 'resourceGroup'

metadata description = 'Telemetry pipeline'

@description('Name of the Stream Analytics job')
@minLength(3)
@maxLength(63)
param jobName string = 'asa-${uniqueString(resourceGroup().id)}'

@sys.description('ADX cluster name')
param clusterName string

@secure()
param eventHubKey string

@allowed([
  '1.1'
  '1.2'
])
param compatibilityLevel string = '1.2'

param mode 'Drop' | 'Stop' = 'Stop'
param deployAdx bool = true
param retention int = -1
param tags object?
param outputs { name: string, table: string, enabled: bool }[] = [
  { name: 'adxsink', table: 'Readings', enabled: true }
  { name: 'adxalerts', table: 'Alerts', enabled: false }
]

var databaseName = 'telemetry'
var query = '''
SELECT DeviceId, AVG(Temp) AS AvgTemp
INTO [adxsink]
FROM [input] TIMESTAMP BY EventTime
GROUP BY DeviceId, TumblingWindow(minute, 1)
'''

resource cluster 'Microsoft.Kusto/clusters@2023-08-15' existing = {
  name: clusterName
}

resource database 'Microsoft.Kusto/clusters/databases@2023-08-15' existing = {
  parent: cluster
  name: databaseName
}

resource tables 'Microsoft.Kusto/clusters/databases/scripts@2023-08-15' = if (deployAdx) {
  parent: database
  name: 'create-tables'
  properties: {
    scriptContent: loadTextContent('tables.kql')
    continueOnErrors: false
  }
}

resource job 'Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview' = {
  name: jobName
  location: resourceGroup().location
  identity: { type: 'SystemAssigned' }
  properties: {
    compatibilityLevel: compatibilityLevel
    outputErrorPolicy: mode
    sku: { name: 'Standard' }
    transformation: {
      name: 'main'
      properties: { query: query, streamingUnits: 3 }
    }
  }

  resource adxsink 'outputs' = {
    name: 'adxsink'
    properties: {
      datasource: {
        type: 'Microsoft.Kusto/clusters/databases'
        properties: {
          cluster: cluster.properties.uri
          database: databaseName
          table: 'Readings'
          authenticationMode: 'Msi'
        }
      }
    }
  }

  resource input 'inputs@2021-10-01-preview' = {
    name: 'input'
    properties: { type: 'Stream' }
  }
}

@batchSize(1)
resource extraOutputs 'Microsoft.StreamAnalytics/streamingjobs/outputs@2021-10-01-preview' = [
  for (o, i) in outputs: if (o.enabled && i > 0) {
    parent: job
    name: o.name
    properties: {
      datasource: {
        type: 'Microsoft.Kusto/clusters/databases'
        properties: { cluster: cluster.properties.uri, database: databaseName, table: o.table }
      }
    }
  }
]

module alerts './modules/alerts.bicep' = {
  name: 'alerts-${jobName}'
  params: {
    jobId: job.id
    outputName: job::adxsink.name
    tables: map(filter(outputs, o => o.enabled), o => o.table)
  }
}

module registry 'br:contoso.azurecr.io/bicep/asa:1.0' = [for o in outputs: {
  name: 'reg-${o.name}'
}]

output jobId string = job.id
output principal string = job.identity.?principalId ?? ''
"""

QUERY_FILE_JOB = """\
param location string = resourceGroup().location

resource job 'Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview' = {
  name: 'asa-from-file'
  location: location
  properties: {
    transformation: {
      name: 'main'
      properties: {
        query: loadTextContent('query.asaql')
      }
    }
  }
}
"""

PARAMS = """\
using './main.bicep'

param jobName = 'asa-prod'
param clusterName = 'adxprod'
param eventHubKey = readEnvironmentVariable('EVENTHUB_KEY', '')
param outputs = [
  { name: 'adxsink', table: 'Readings', enabled: true }
]
var suffix = 'prod'
param tags = { env: suffix }
"""


def by_name(program: X.Program) -> dict[str, X.Statement]:
    return {s.name: s for s in program.statements if s.name is not None}


def item(node: X.Object, key: str):
    for entry in node.items:
        if isinstance(entry.key, X.Text) and entry.key.value == key:
            return entry.value
    raise KeyError(key)


def path(node, *keys: str):
    for key in keys:
        node = item(node, key)
    return node


def written(text: str, node) -> str:
    return text[node.start:node.end]


def line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# ---- the trees ------------------------------------------------------------------------------

def test_main_file_statements_in_order():
    program = parse_bicep(MAIN, "main.bicep")
    assert [(s.kind, s.name) for s in program.statements] == [
        ("targetScope", None), ("metadata", "description"), ("param", "jobName"), ("param", "clusterName"),
        ("param", "eventHubKey"), ("param", "compatibilityLevel"), ("param", "mode"), ("param", "deployAdx"),
        ("param", "retention"), ("param", "tags"), ("param", "outputs"), ("var", "databaseName"),
        ("var", "query"), ("resource", "cluster"), ("resource", "database"), ("resource", "tables"),
        ("resource", "job"), ("resource", "extraOutputs"), ("module", "alerts"), ("module", "registry"),
        ("output", "jobId"), ("output", "principal"),
    ]
    assert (program.start, program.end) == (0, len(MAIN))
    scope = program.statements[0]
    start = MAIN.index("'resourceGroup'")
    assert scope.value == X.Text("resourceGroup", start, start + 15, start + 1, "escaped", 0, start + 14)
    assert written(MAIN, scope) == "targetScope = 'resourceGroup'"


def test_params_with_decorators_and_types():
    program = parse_bicep(MAIN, "main.bicep")
    params = by_name(program)
    job_name = params["jobName"]
    assert [d.call.name for d in job_name.decorators] == ["description", "minLength", "maxLength"]
    assert job_name.decorators[0].call.args[0].value == "Name of the Stream Analytics job"
    assert job_name.decorators[1].call.args == (X.Literal_(3, *_span(MAIN, "3)")[:1], _span(MAIN, "3)")[0] + 1),)
    assert written(MAIN, job_name) == MAIN[MAIN.index("@description"):MAIN.index("id)}'") + 5]
    assert job_name.type == X.Ref("string", *_span(MAIN, "string = 'asa", 6))
    assert MAIN[job_name.name_start:].startswith("jobName string")
    template = job_name.value
    assert isinstance(template, X.Template)
    assert template.parts[0].value == "asa-"
    assert template.parts[1].name == "uniqueString"
    assert params["clusterName"].decorators[0].call.name == "sys.description"
    assert params["clusterName"].value is None
    assert params["eventHubKey"].decorators[0].call == X.Call("secure", (), *_span(MAIN, "secure()"),
                                                                 _span(MAIN, "secure")[1])
    allowed = params["compatibilityLevel"].decorators[0].call.args[0]
    assert [t.value for t in allowed.items] == ["1.1", "1.2"]
    mode = params["mode"].type
    assert isinstance(mode, X.Binary) and mode.op == "|"
    assert (mode.left.value, mode.right.value) == ("Drop", "Stop")
    assert params["deployAdx"].value.value is True
    assert params["retention"].value.value == -1
    assert params["tags"].type.op == "?" and params["tags"].type.operand.name == "object"
    outputs_type = params["outputs"].type
    assert isinstance(outputs_type, X.Index) and outputs_type.key is None
    assert [(i.key.value, i.value.name) for i in outputs_type.target.items] == [
        ("name", "string"), ("table", "string"), ("enabled", "bool")]
    rows = params["outputs"].value.items
    assert [item(row, "table").value for row in rows] == ["Readings", "Alerts"]


def _span(text: str, snippet: str, length: int | None = None) -> tuple[int, int]:
    start = text.index(snippet)
    return start, start + (len(snippet) if length is None else length)


def test_query_in_a_multiline_string_maps_back_to_the_file():
    program = parse_bicep(MAIN, "main.bicep")
    query = by_name(program)["query"].value
    assert isinstance(query, X.Text) and query.style == "verbatim"
    assert query.value.startswith("SELECT DeviceId, AVG(Temp)") and query.value.endswith("minute, 1)\n")
    into = query.value.index("[adxsink]")
    offset = text_position(query, MAIN, into)
    assert MAIN[offset:offset + 9] == "[adxsink]"
    assert line_column(MAIN, offset) == (35, 6)


def test_existing_cluster_database_and_table_script():
    program = parse_bicep(MAIN, "main.bicep")
    statements = by_name(program)
    cluster, database, tables = statements["cluster"], statements["database"], statements["tables"]
    assert cluster.existing and database.existing and not tables.existing
    assert cluster.type.value == "Microsoft.Kusto/clusters@2023-08-15"
    assert item(database.value, "parent") == X.Ref("cluster", *_span(MAIN, "cluster\n  name: databaseName", 7))
    assert isinstance(tables.value, X.Cond) and tables.value.otherwise is None
    assert tables.value.test.name == "deployAdx"
    assert tables.type.value == "Microsoft.Kusto/clusters/databases/scripts@2023-08-15"
    script = path(tables.value.then, "properties", "scriptContent")
    assert isinstance(script, X.Call) and script.name == "loadTextContent"
    assert script.args[0].value == "tables.kql"
    assert written(MAIN, script) == "loadTextContent('tables.kql')"
    assert item(tables.value.then, "parent").name == "database"


def test_nested_child_outputs_go_to_children():
    program = parse_bicep(MAIN, "main.bicep")
    job = by_name(program)["job"]
    assert [key.value for key in (entry.key for entry in job.value.items)] == ["name", "location", "identity",
                                                                               "properties"]
    assert [(c.kind, c.name, c.type.value) for c in job.children] == [
        ("resource", "adxsink", "outputs"), ("resource", "input", "inputs@2021-10-01-preview")]
    adx = job.children[0]
    datasource = path(adx.value, "properties", "datasource")
    assert item(datasource, "type").value == "Microsoft.Kusto/clusters/databases"
    props = item(datasource, "properties")
    assert item(props, "table").value == "Readings"
    uri = item(props, "cluster")
    assert isinstance(uri, X.GetAttr) and uri.name == "uri" and uri.target.name == "properties"
    assert item(props, "database") == X.Ref("databaseName", *_span(MAIN, "databaseName\n          table", 12))
    assert written(MAIN, adx).startswith("resource adxsink 'outputs' = {")
    assert written(MAIN, adx).endswith("}")
    assert item(path(job.value, "properties"), "outputErrorPolicy").name == "mode"
    transformation = path(job.value, "properties", "transformation", "properties")
    assert item(transformation, "query").name == "query"


def test_loop_with_condition_and_batch_size():
    program = parse_bicep(MAIN, "main.bicep")
    loop = by_name(program)["extraOutputs"]
    assert loop.decorators[0].call.name == "batchSize"
    body = loop.value
    assert isinstance(body, X.ForExpr)
    assert body.names == ("o", "i") and body.collection.name == "outputs"
    assert isinstance(body.condition, X.Binary) and body.condition.op == "&&"
    assert written(MAIN, body.condition) == "o.enabled && i > 0"
    assert item(body.value, "parent").name == "job"
    assert path(body.value, "properties", "datasource", "properties", "table") == X.GetAttr(
        X.Ref("o", *_span(MAIN, "o.table", 1)), "table", *_span(MAIN, "o.table"))


def test_modules_and_outputs():
    program = parse_bicep(MAIN, "main.bicep")
    statements = by_name(program)
    alerts = statements["alerts"]
    assert alerts.type.value == "./modules/alerts.bicep"
    params = item(alerts.value, "params")
    assert item(params, "jobId") == X.GetAttr(X.Ref("job", *_span(MAIN, "job.id\n", 3)), "id",
                                             *_span(MAIN, "job.id\n", 6))
    nested = item(params, "outputName")
    assert nested.target == X.GetAttr(X.Ref("job", *_span(MAIN, "job::", 3)), "adxsink",
                                      *_span(MAIN, "job::adxsink"), True)
    mapped = item(params, "tables")
    assert mapped.name == "map" and mapped.args[0].name == "filter"
    lam = mapped.args[0].args[1]
    assert isinstance(lam, X.ForExpr) and lam.collection is None and lam.names == ("o",)
    assert written(MAIN, lam) == "o => o.enabled"
    registry = statements["registry"]
    assert registry.type.value.startswith("br:contoso.azurecr.io/")
    assert isinstance(registry.value, X.ForExpr) and registry.value.names == ("o",)
    principal = statements["principal"].value
    assert principal.op == "??"
    assert principal.left == X.Index(
        X.GetAttr(X.Ref("job", *_span(MAIN, "job.identity", 3)), "identity", *_span(MAIN, "job.identity")),
        X.Text("principalId", *_span(MAIN, "principalId"), _span(MAIN, "principalId")[0], "verbatim", 0,
               _span(MAIN, "principalId")[1]),
        *_span(MAIN, "job.identity.?principalId"), True)


def test_module_conditions_and_template_specs():
    text = """\
param state resourceOutput<'Microsoft.Kusto/clusters@2023-08-15'>.properties
module optional 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = if (deployAdx) {
  name: 'optional'
  params: { state: state }
}
module copies './copy.bicep' =
  if (deployAdx) {
    name: 'copies'
  }
"""
    program = parse_bicep(text, "m.bicep")
    state, optional, copies = program.statements
    assert state.type.target == X.Call("resourceOutput", (state.type.target.args[0],),
                                       *_span(text, "resourceOutput<'Microsoft.Kusto/clusters@2023-08-15'>"),
                                       _span(text, "resourceOutput")[1])
    assert optional.type.value.startswith("ts:") and isinstance(optional.value, X.Cond)
    assert item(optional.value.then, "name").value == "optional"
    assert copies.value.test.name == "deployAdx" and written(text, copies.value).startswith("if (deployAdx)")


def test_query_from_a_file():
    program = parse_bicep(QUERY_FILE_JOB, "job.bicep")
    job = by_name(program)["job"]
    call = path(job.value, "properties", "transformation", "properties", "query")
    assert call == X.Call("loadTextContent", (X.Text("query.asaql", *_span(QUERY_FILE_JOB, "'query.asaql'"),
                                                     _span(QUERY_FILE_JOB, "query.asaql")[0], "escaped", 0,
                                                     _span(QUERY_FILE_JOB, "query.asaql")[1]),),
                          *_span(QUERY_FILE_JOB, "loadTextContent('query.asaql')"),
                          _span(QUERY_FILE_JOB, "loadTextContent")[1])
    assert line_column(QUERY_FILE_JOB, call.start) == (10, 16)


def test_parameter_file():
    program = parse_bicep(PARAMS, "main.bicepparam")
    assert [(s.kind, s.name) for s in program.statements] == [
        ("using", None), ("param", "jobName"), ("param", "clusterName"), ("param", "eventHubKey"),
        ("param", "outputs"), ("var", "suffix"), ("param", "tags")]
    using = program.statements[0]
    assert using.value.value == "./main.bicep" and using.type is None
    statements = by_name(program)
    assert statements["jobName"].value.value == "asa-prod" and statements["jobName"].type is None
    assert statements["eventHubKey"].value.name == "readEnvironmentVariable"
    assert item(statements["outputs"].value.items[0], "table").value == "Readings"
    assert item(statements["tags"].value, "env").name == "suffix"
    # the flag wins over the name; a .bicep file cannot hold `param x = v`
    assert parse_bicep(PARAMS, "anything.txt", params=True) == program
    with pytest.raises(InputError) as error:
        parse_bicep(PARAMS, "main.bicep")
    assert str(error.value) == ("main.bicep:1:1: expected a declaration (param, var, resource, module, output, "
                                "type, func, import, metadata, targetScope, ...), found 'using'")


def test_expression_precedence_and_accessors():
    text = "var x = !a.b || c && d == e < f + g * -h ?? i ? j : k\n"
    value = parse_bicep(text, "x.bicep").statements[0].value
    shape = _shape(value)
    assert shape == ("?", ("??", ("||", ("!", "a.b"), ("&&", "c", ("==", "d", ("<", "e", ("+", "f", ("*", "g",
                                                                                                 ("-", "h"))))))),
                           "i"), "j", "k")
    text = "var y = a - b - c\nvar z = a =~ b != c\n"
    y, z = (s.value for s in parse_bicep(text, "x.bicep").statements)
    assert _shape(y) == ("-", ("-", "a", "b"), "c")
    assert _shape(z) == ("!=", ("=~", "a", "b"), "c")


def _shape(node):
    if isinstance(node, X.Binary):
        return (node.op, _shape(node.left), _shape(node.right))
    if isinstance(node, X.Unary):
        return (node.op, _shape(node.operand))
    if isinstance(node, X.Cond):
        return ("?", _shape(node.test), _shape(node.then), _shape(node.otherwise))
    if isinstance(node, X.GetAttr):
        return f"{_shape(node.target)}.{node.name}"
    if isinstance(node, X.Ref):
        return node.name
    return node


@pytest.mark.parametrize("source, expected", [
    ("var a = x.?y", X.Index),
    ("var a = x[?0]", X.Index),
    ("var a = x[^1]", X.Index),
    ("var a = x!.y", X.GetAttr),
    ("var a = az.resourceGroup().location", X.GetAttr),
    ("var a = sys.concat('a', 'b')", X.Call),
    ("var a = [for x in range(0, 3): x * 2]", X.ForExpr),
    ("var a = (a, b) => a + b", X.ForExpr),
    ("var a = {\n  'quoted-key': 1\n  '${prefix}-key': 2, bare: 3\n}", X.Object),
    ("var a = [\n  1, 2\n  3\n]", X.Array),
    ("var a = {...base, b: 1}", X.Object),
    ("var a = cond\n  ? 'x'\n  : 'y'", X.Cond),
    ("var a = f(\n  1,\n  2\n)", X.Call),
    ("var a = xs[0].listKeys().keys", X.GetAttr),
    ("var a = 'a\\'b\\\\c\\n\\u{41}\\${x}'", X.Text),
])
def test_expression_forms(source, expected):
    value = parse_bicep(source, "x.bicep").statements[0].value
    assert isinstance(value, expected)


def test_expression_forms_in_detail():
    def value(source):
        return parse_bicep(source, "x.bicep").statements[0].value

    assert value("var a = x[?0]").safe and value("var a = x.?y").key.value == "y"
    assert value("var a = x[^1]").key.op == "^"
    assert value("var a = x!.y").target.op == "nonnull"
    assert value("var a = az.resourceGroup().location").target.name == "az.resourceGroup"
    listed = value("var a = xs[0].listKeys().keys").target
    assert listed.name == ".listKeys" and isinstance(listed.args[0], X.Index)
    assert value("var a = (a, b) => a + b").names == ("a", "b")
    keys = [entry.key for entry in value("var a = {\n  'quoted-key': 1\n  '${prefix}-key': 2, bare: 3\n}").items]
    assert keys[0].value == "quoted-key" and keys[0].style == "escaped"
    assert isinstance(keys[1], X.Template) and keys[2].style == "verbatim"
    assert [i.value for i in value("var a = [\n  1, 2\n  3\n]").items] == [1, 2, 3]
    spread = value("var a = {...base, b: 1}").items[0]
    assert spread.key is None and spread.value.op == "..."
    assert value("var a = 'a\\'b\\\\c\\n\\u{41}\\${x}'").value == "a'b\\c\nA${x}"
    assert value("var a = 'x${y}z'").parts[1].name == "y"
    verbatim = value("var a = '''\r\nline 1\r\n'line 2' \\n ${x}\r\n'''")
    assert verbatim.value == "line 1\r\n'line 2' \\n ${x}\r\n"
    holes = value("var a = $'''\nSELECT ${cols} FROM $${not} ${src}'''")
    assert [getattr(p, "value", None) or p.name for p in holes.parts] == ["SELECT ", "cols", " FROM $", "not", " ",
                                                                          "src"]


def test_types_imports_functions_and_other_statements():
    text = """\
import { tagsType, naming as names } from './types.bicep'
import * as shared from 'br/public:avm/utl/types:0.1.0'
extension microsoftGraphV1
type row = {
  @description('id')
  id: string, values: int[]
  *: string
}
type choice =
  | 'a'
  | 'b'
type pair = [string, int?]
type input = resourceInput<'Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview'>.properties
func prefixed(name string, n int) string => '${name}-${n}'
@export()
var exported string = 'x'
output out resource 'Microsoft.Kusto/clusters@2023-08-15' = cluster
"""
    program = parse_bicep(text, "types.bicep")
    assert [(s.kind, s.name) for s in program.statements] == [
        ("import", None), ("import", "shared"), ("extension", "microsoftGraphV1"), ("type", "row"),
        ("type", "choice"), ("type", "pair"), ("type", "input"), ("func", "prefixed"), ("var", "exported"),
        ("output", "out")]
    assert program.statements[0].value.value == "./types.bicep"
    row = program.statements[3].type
    assert [getattr(i.key, "value", None) or i.key.name for i in row.items] == ["id", "values", "*"]
    assert program.statements[4].type.op == "|"
    assert program.statements[5].type.items[1].op == "?"
    assert program.statements[6].type.target.name == "resourceInput"
    func = program.statements[7]
    assert func.type.name == "string" and func.value.names == ("name", "n")
    assert program.statements[8].type.name == "string"
    assert program.statements[9].type == X.Call("resource", (program.statements[9].type.args[0],),
                                                 *_span(text, "resource 'Microsoft.Kusto/clusters@2023-08-15'"),
                                                 _span(text, "resource 'Microsoft")[0] + 8)


def test_keywords_are_names_where_no_keyword_fits():
    text = ("var resource = { type: 'x', if: 1, for: 2, param: 3, existing: 4 }\nvar t = resource.type\n"
            "var Param = True\n")
    program = parse_bicep(text, "x.bicep")
    assert [i.key.value for i in program.statements[0].value.items] == ["type", "if", "for", "param", "existing"]
    assert program.statements[1].value.name == "type"
    assert program.statements[2].name == "Param" and program.statements[2].value.name == "True"


def test_comments_pragmas_blank_lines_bom_and_crlf():
    text = ("\ufeff// header\r\n#disable-next-line no-unused-params\r\nparam a string /* inline */ = 'x'\r\n\r\n"
            "/* block\r\n comment */\r\nvar b = {\r\n  // inside\r\n  c: a // trailing\r\n}\r\n")
    program = parse_bicep(text, "x.bicep")
    assert [(s.kind, s.name) for s in program.statements] == [("param", "a"), ("var", "b")]
    assert written(text, program.statements[1].value) == "{\r\n  // inside\r\n  c: a // trailing\r\n}"
    with pytest.raises(InputError) as error:
        parse_bicep("var a = 1\r\nvar b = 'x\r\n", "crlf.bicep")
    assert (error.value.line, error.value.column) == (2, 9)
    with pytest.raises(InputError) as error:
        parse_bicep("var a = 1\rvar b = 'x\r", "cr.bicep")
    assert (error.value.line, error.value.column) == (2, 9)


def test_empty_files():
    assert parse_bicep("", "x.bicep") == X.Program((), 0, 0)
    assert parse_bicep("\n\n// nothing\n", "x.bicep").statements == ()
    assert parse_bicep("", "x.bicepparam").statements == ()


# ---- positions inside strings ---------------------------------------------------------------

def test_text_position_escaped():
    text = "var s = 'a\\'b\\n\\u{1F600}\\${c}d'\n"
    node = parse_bicep(text, "x.bicep").statements[0].value
    assert node.value == "a'b\n\U0001F600${c}d"
    offsets = [text_position(node, text, i) for i in range(len(node.value) + 1)]
    assert [text[o] for o in offsets[:-1]] == ["a", "\\", "b", "\\", "\\", "\\", "{", "c", "}", "d"]
    assert offsets[-1] == node.raw_end == text.index("'\n")


def test_text_position_in_template_parts():
    text = "var s = 'pre\\tfix-${name}-su\\'ffix'\n"
    node = parse_bicep(text, "x.bicep").statements[0].value
    first, _hole, last = node.parts
    assert text[text_position(first, text, 4)] == "f"
    assert text[text_position(last, text, 3)] == "\\"
    assert text[text_position(last, text, 4)] == "f"
    with pytest.raises(ValueError):
        text_position(first, text, 99)


def test_text_position_verbatim_and_indented():
    text = "var q = '''\r\nSELECT *\r\nFROM x\r\n'''\n"
    node = parse_bicep(text, "x.bicep").statements[0].value
    assert text[text_position(node, text, node.value.index("FROM"))] == "F"
    indented = X.Text("a\nb", 0, 0, 4, "indented", 2, 0)
    assert text_position(indented, "    a\n  b\n", 2) == 8


ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def encode(value: str, rnd: random.Random) -> str:
    out = []
    i = 0
    while i < len(value):
        char = value[i]
        if char == "$" and value.startswith("${", i):
            out.append("\\${" if rnd.random() < 0.5 else "\\$" + "{")
            i += 2
            continue
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif rnd.random() < 0.2 or not char.isprintable():
            out.append(f"\\u{{{ord(char):x}}}")
        elif char == "$" and rnd.random() < 0.5:
            out.append("\\$")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def decodes_to(file_text: str, offset: int, char: str) -> bool:
    if file_text[offset] == char:
        return True
    if file_text[offset] != "\\":
        return False
    escape = re.match(r"\\(u\{[0-9a-fA-F]+\}|.)", file_text[offset:], re.S).group(1)
    if escape.startswith("u{"):
        return chr(int(escape[2:-1], 16)) == char
    return {"n": "\n", "r": "\r", "t": "\t"}.get(escape, escape) == char


VALUE_CHARS = st.characters(blacklist_categories=("Cs",), max_codepoint=0x1FFFF)


@given(st.text(VALUE_CHARS, max_size=30), st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_escaped_string_positions_hold_their_characters(value, rnd):
    text = f"var s = '{encode(value, rnd)}'\n"
    node = parse_bicep(text, "x.bicep").statements[0].value
    assert isinstance(node, X.Text) and node.value == value
    for index, char in enumerate(value):
        assert decodes_to(text, text_position(node, text, index), char), (text, index)
    assert text_position(node, text, len(value)) == node.raw_end


@given(st.text(VALUE_CHARS, max_size=30).filter(lambda v: "'''" not in v and not v.endswith("''")),
       st.sampled_from(["\n", "\r\n"]))
@settings(max_examples=150, deadline=None)
def test_verbatim_string_positions_hold_their_characters(value, newline):
    text = f"var s = '''{newline}{value}'''\n"
    node = parse_bicep(text, "x.bicep").statements[0].value
    assert node.value == value and node.style == "verbatim"
    for index, char in enumerate(value):
        assert text[text_position(node, text, index)] == char


# ---- errors ---------------------------------------------------------------------------------

ERRORS = [
    ("var x = 'abc", 1, 9, ("unclosed string: a '...' string must end on the line it starts (write '''...''' for "
                           "text over several lines)")),
    ("param a string\nvar x = 'abc\nvar y = 1", 2, 9, ("unclosed string: a '...' string must end on the line it "
                                                      "starts (write '''...''' for text over several lines)")),
    ("var x = '${a\n}'", 1, 9, "unclosed string: a line ends inside its ${...}"),
    ("var x = '${a", 1, 9, "unclosed string: the file ends inside its ${...}"),
    ("var q = '''\nSELECT *", 1, 9, "unclosed multi-line string: the ''' is never closed"),
    ("var a = 1\n/* never closed", 2, 1, "unclosed comment: '/*' is never closed by '*/'"),
    ("resource r 'T@1' = {\n  name: 'x'\n", 1, 20, "unclosed '{': the file ends before it is closed"),
    ("var x = [\n  1\n  2\n", 1, 9, "unclosed '[': the file ends before it is closed"),
    ("var x = concat('a',\n  'b'", 1, 15, "unclosed '(': the file ends before it is closed"),
    ("var x = { a: 1 ]", 1, 16, "expected '}' to close the '{' at line 1, column 9, found ']'"),
    ("var x = 1 )", 1, 11, "unexpected ')': no '(' is open here"),
    ("var x = '\\q'", 1, 10, "unknown escape '\\q' in a string: Bicep knows \\\\ \\' \\n \\r \\t \\$ and \\u{...}"),
    ("var x = '\\u{110000}'", 1, 10, ("bad escape: write \\u{...} with the hexadecimal code of a character "
                                     "(at most 10FFFF)")),
    ('var x = "abc"', 1, 9, "Bicep strings take single quotes: write '...', not \"...\""),
    ("var x = 1;", 1, 10, "unexpected character ';': a Bicep statement ends at the end of its line, without ';'"),
    ("# a comment", 1, 1, "unexpected character '#': comments start with // (or /* ... */)"),
    ("var x = a & b", 1, 11, "unexpected character '&': did you mean '&&'?"),
    ("var caf\u00e9 = 1", 1, 8, "unexpected character '\u00e9'"),
    ("var x = 1\u00a0", 1, 10, "unexpected character U+00A0: Bicep takes spaces and tabs as white space"),
    ("var x = 18446744073709551616", 1, 9, "the number is too large: Bicep integers have at most 64 bits"),
    ("var x = 1.5", 1, 9, "Bicep numbers are whole numbers: for a decimal write json('1.5') or a string"),
    ("foo = 1", 1, 1, ("expected a declaration (param, var, resource, module, output, type, func, import, metadata, "
                      "targetScope, ...), found 'foo'")),
    ("Param a string", 1, 1, ("expected a declaration (param, var, resource, module, output, type, func, import, "
                             "metadata, targetScope, ...), found 'Param': Bicep keywords are case-sensitive, "
                             "write 'param'")),
    ("@secure() param a string", 1, 11, ("a decorator must be on its own line: put the declaration on the next "
                                        "line")),
    ("var x = {\n  a: 1,\n  b: 2\n}", 2, 7, ("a line break right after ',': separate items with a comma or a line "
                                            "break, not both")),
    ("var x = concat('a'\n  'b')", 1, 19, ("expected ',' or ')', found a line break (inside the '(' at line 1, "
                                          "column 15, a line break may only follow '(' or ',')")),
    ("var x = (a, b)", 1, 11, ("parentheses hold one expression; a list in parentheses must be a lambda's "
                              "parameters, followed by '=>'")),
    ("var f = map(xs, (a.b) => a)", 1, 18, "a lambda's parameters must be plain names: (a, b) => ..."),
    ("param a string 'x'", 1, 16, "expected an operator, '=', '|' or the end of the line, found a string"),
    ("var x =", 1, 8, "the file ends too early: expected an expression"),
    ("var x\n= 1", 1, 6, "expected a type or '=' on the same line, found a line break"),
    ("resource r 'T@1' = {\n  name 'x'\n}", 2, 8, "expected ':', found a string"),
    ("var x = !!a", 1, 10, "expected an expression, found '!'"),
    ("output o = 1", 1, 10, "expected a type or 'resource', found '='"),
    ("var x = 'a' 'b'", 1, 13, "expected an operator or the end of the line, found a string"),
    ("var x = \"\x00", 1, 9, "Bicep strings take single quotes: write '...', not \"...\""),
    ("var x = \x00", 1, 9, "unexpected character U+0000 (a NUL byte): is this a binary file?"),
]


@pytest.mark.parametrize("source, line, column, message", ERRORS)
def test_error_messages(source, line, column, message):
    with pytest.raises(InputError) as error:
        parse_bicep(source, "bad.bicep")
    assert (error.value.message, error.value.line, error.value.column) == (message, line, column)
    assert str(error.value) == f"bad.bicep:{line}:{column}: {message}"
    assert "\n" not in str(error.value)


def test_parameter_file_errors():
    with pytest.raises(InputError) as error:
        parse_bicep("using './main.bicep'\nparam a string = 1\n", "main.bicepparam")
    assert str(error.value) == "main.bicepparam:2:9: expected '=', found 'string'"
    with pytest.raises(InputError) as error:
        parse_bicep("resource r 'T@1' = {}\n", "main.bicepparam")
    assert str(error.value) == ("main.bicepparam:1:1: expected a declaration (using, param, var, type, import, "
                                "...), found 'resource'")


def test_no_grammar_terminal_names_in_any_error():
    from schemacheck.jobs import _bicep_tables

    names = re.compile("|".join(rf"(?<![\w$]){re.escape(t)}(?!\w)" for t in _bicep_tables.TERMINALS))
    for source, *_rest in ERRORS:
        with pytest.raises(InputError) as error:
            parse_bicep(source, "bad.bicep")
        assert not names.search(error.value.message), error.value.message


# ---- properties: round trips ----------------------------------------------------------------

POSITIONS = frozenset({"start", "end", "raw_start", "raw_end", "name_start", "name_end", "indent"})


def norm(node):
    """A node without its positions (and without fields a renderer cannot choose)."""
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        return (type(node).__name__,) + tuple((f, norm(getattr(node, f))) for f in node._fields if f not in POSITIONS)
    if isinstance(node, tuple):
        return tuple(norm(part) for part in node)
    return node


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEYWORDS = {"true", "false", "null", "param", "var", "resource", "module", "output", "type", "func", "import",
            "metadata", "targetScope", "existing", "if", "for", "in", "as", "from", "with", "using", "extends",
            "extension", "extensionConfig", "test", "assert", "none"}
NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True).filter(lambda n: n not in KEYWORDS)
TEXT_VALUES = st.text(st.sampled_from("ab Z09'\\\n\t$%{}-é😀"), max_size=8)


def T(value, style="escaped"):
    return X.Text(value, 0, 0, 0, style, 0, 0)


@st.composite
def templates(draw, inner):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            parts.append(T(draw(TEXT_VALUES.filter(bool))))
        parts.append(draw(inner.filter(lambda n: not isinstance(n, X.Text))))
    if draw(st.booleans()):
        parts.append(T(draw(TEXT_VALUES.filter(bool))))
    return X.Template(tuple(parts), 0, 0)


def leaves():
    return st.one_of(
        st.integers(-10**12, 10**12).map(lambda n: X.Literal_(n, 0, 0)),
        st.sampled_from([True, False, None]).map(lambda v: X.Literal_(v, 0, 0)),
        TEXT_VALUES.map(T),
        TEXT_VALUES.filter(lambda v: "'''" not in v and not v.endswith("'")).map(lambda v: T(v, "verbatim")),
        NAMES.map(lambda n: X.Ref(n, 0, 0)),
    )


BINARY_OPS = ["??", "||", "&&", "==", "!=", "=~", "!~", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"]


def extend(inner):
    keys = st.one_of(NAMES.map(lambda n: T(n, "verbatim")), TEXT_VALUES.map(T))
    return st.one_of(
        st.tuples(st.sampled_from(BINARY_OPS), inner, inner).map(lambda t: X.Binary(t[0], t[1], t[2], 0, 0)),
        st.tuples(st.sampled_from(["!", "-"]), inner).filter(
            lambda t: not (t[0] == "-" and isinstance(t[1], X.Literal_) and type(t[1].value) is int)).map(
            lambda t: X.Unary(t[0], t[1], 0, 0)),
        st.tuples(inner, inner, inner).map(lambda t: X.Cond(t[0], t[1], t[2], 0, 0)),
        st.tuples(inner, NAMES).map(lambda t: X.GetAttr(t[0], t[1], 0, 0)),
        st.tuples(inner, NAMES).map(lambda t: X.GetAttr(t[0], t[1], 0, 0, True)),
        st.tuples(inner, inner, st.booleans()).map(lambda t: X.Index(t[0], t[1], 0, 0, t[2])),
        st.tuples(inner, NAMES).map(lambda t: X.Index(t[0], T(t[1], "verbatim"), 0, 0, True)),
        st.tuples(inner).map(lambda t: X.Unary("nonnull", t[0], 0, 0)),
        st.tuples(NAMES, st.lists(inner, max_size=3)).map(lambda t: X.Call(t[0], tuple(t[1]), 0, 0)),
        st.tuples(NAMES, NAMES, st.lists(inner, max_size=2)).map(
            lambda t: X.Call(f"{t[0]}.{t[1]}", tuple(t[2]), 0, 0)),
        st.lists(inner, max_size=3).map(lambda items: X.Array(tuple(items), 0, 0)),
        st.lists(st.tuples(keys, inner), max_size=3).map(
            lambda kv: X.Object(tuple(X.Item(k, v, 0, 0) for k, v in kv), 0, 0)),
        st.tuples(st.lists(NAMES, min_size=1, max_size=2), inner, inner).map(
            lambda t: X.ForExpr(tuple(t[0]), t[1], t[2], 0, 0)),
        st.tuples(st.lists(NAMES, max_size=2), inner).map(lambda t: X.ForExpr(tuple(t[0]), None, t[1], 0, 0)),
        templates(inner),
    )


EXPRESSIONS = st.recursive(leaves(), extend, max_leaves=12)

# Binding strength: what may stand unparenthesized where.
PREC = {"??": 1, "||": 2, "&&": 3, "==": 4, "!=": 4, "=~": 4, "!~": 4, "<": 5, "<=": 5, ">": 5, ">=": 5, "+": 6,
        "-": 6, "*": 7, "/": 7, "%": 7}
LAMBDA, COND, UNARY, POSTFIX = -1, 0, 8, 9


def strength(node) -> int:
    if isinstance(node, X.ForExpr) and node.collection is None:
        return LAMBDA
    if isinstance(node, X.Cond):
        return COND
    if isinstance(node, X.Binary):
        return PREC[node.op]
    if isinstance(node, X.Unary) and node.op in "!-":
        return UNARY
    if isinstance(node, X.Literal_) and type(node.value) is int and node.value < 0:
        return UNARY
    return POSTFIX


class Renderer:
    """exprs nodes -> Bicep text, with the fewest parentheses and a random layout."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def at(self, node, least: int, one_line: bool) -> str:
        text = self.expr(node, one_line)
        return f"({text})" if strength(node) < least else text

    def string(self, node: X.Text) -> str:
        if node.style == "verbatim":
            return "'''\n" + node.value + "'''"
        return "'" + encode(node.value, self.rnd) + "'"

    def expr(self, node, one_line: bool = False) -> str:
        rnd = self.rnd
        if isinstance(node, X.Literal_):
            return {True: "true", False: "false", None: "null"}.get(node.value, None) \
                if type(node.value) is not int else str(node.value)
        if isinstance(node, X.Text):
            return self.string(node)
        if isinstance(node, X.Ref):
            return node.name
        if isinstance(node, X.Template):
            out = []
            for part in node.parts:
                out.append(encode(part.value, rnd) if isinstance(part, X.Text) else "${" + self.expr(part, True) + "}")
            return "'" + "".join(out) + "'"
        if isinstance(node, X.Binary):
            level = PREC[node.op]
            return f"{self.at(node.left, level, one_line)} {node.op} {self.at(node.right, level + 1, one_line)}"
        if isinstance(node, X.Unary):
            if node.op == "nonnull":
                return self.at(node.operand, POSTFIX, one_line) + "!"
            return node.op + self.at(node.operand, POSTFIX, one_line)
        if isinstance(node, X.Cond):
            breaks = not one_line and rnd.random() < 0.3
            sep = "\n  " if breaks else " "
            return (f"{self.at(node.test, 1, one_line)}{sep}? {self.at(node.then, COND, one_line)}{sep}: "
                    f"{self.at(node.otherwise, COND, one_line)}")
        if isinstance(node, X.GetAttr):
            return f"{self.at(node.target, POSTFIX, one_line)}{'::' if node.nested else '.'}{node.name}"
        if isinstance(node, X.Index):
            target = self.at(node.target, POSTFIX, one_line)
            key = node.key
            if node.safe and isinstance(key, X.Text) and key.style == "verbatim" and IDENTIFIER.fullmatch(key.value):
                return f"{target}.?{key.value}"
            return f"{target}[{'?' if node.safe else ''}{self.expr(node.key, one_line)}]"
        if isinstance(node, X.Call):
            args = [self.expr(a, one_line) for a in node.args]
            if args and not one_line and rnd.random() < 0.3:
                return node.name + "(\n" + ",\n".join(args) + "\n)"
            return node.name + "(" + ", ".join(args) + ")"
        if isinstance(node, X.ForExpr):
            names = node.names[0] if len(node.names) == 1 else "(" + ", ".join(node.names) + ")"
            if node.collection is None:
                return f"{names} => {self.at(node.value, LAMBDA, one_line)}"
            return f"[for {names} in {self.expr(node.collection, one_line)}: {self.expr(node.value, one_line)}]"
        if isinstance(node, X.Array):
            return self.container("[", "]", [self.expr(i, one_line) for i in node.items], one_line)
        if isinstance(node, X.Object):
            members = []
            for entry in node.items:
                key = entry.key.value if entry.key.style == "verbatim" else self.string(entry.key)
                members.append(f"{key}: {self.expr(entry.value, one_line)}")
            return self.container("{", "}", members, one_line)
        raise AssertionError(node)

    def container(self, open_: str, close: str, members: list[str], one_line: bool) -> str:
        rnd = self.rnd
        if one_line or not members or rnd.random() < 0.4:
            trailing = "," if members and rnd.random() < 0.2 else ""
            return open_ + ", ".join(members) + trailing + close
        lines = []
        i = 0
        while i < len(members):     # one or more members a line, commas within a line
            take = rnd.randint(1, 2)
            lines.append(", ".join(members[i:i + take]))
            i += take
        return open_ + "\n" + "\n".join(lines) + ("\n" if rnd.random() < 0.8 else "") + close


def usable(node) -> bool:
    """Whether Bicep can write `node` at all: lambdas only as function arguments; loops only
    where complex values go (not in a string hole); lambda-free loop variables."""
    def walk(n, lambda_ok: bool, in_hole: bool) -> bool:
        if isinstance(n, X.ForExpr):
            if n.collection is None:
                return lambda_ok and bool(n.names) and walk(n.value, False, in_hole)
            return not in_hole and walk(n.collection, False, in_hole) and walk(n.value, False, in_hole)
        if isinstance(n, X.Call):
            return all(walk(a, True, in_hole) for a in n.args)
        if isinstance(n, X.Template):
            return all(walk(p, False, True) for p in n.parts)
        if isinstance(n, (X.Array, X.Object)):
            if in_hole:
                return False
            values = n.items if isinstance(n, X.Array) else [i.value for i in n.items]
            return all(walk(v, False, in_hole) for v in values)
        if isinstance(n, X.Text):
            return not (in_hole and n.style == "verbatim" and "\n" in n.value) and not (
                n.style == "verbatim" and in_hole)
        if isinstance(n, tuple) and hasattr(n, "_fields"):
            return all(walk(getattr(n, f), False, in_hole) for f in n._fields if f not in POSITIONS)
        if isinstance(n, tuple):
            return all(walk(p, False, in_hole) for p in n)
        return True
    return walk(node, False, False)


@given(EXPRESSIONS.filter(usable), st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_generated_expressions_round_trip(node, rnd):
    text = "var v = " + Renderer(rnd).expr(node) + "\n"
    parsed = parse_bicep(text, "gen.bicep").statements[0].value
    assert norm(parsed) == norm(node), text


TYPES = st.recursive(
    st.one_of(st.sampled_from(["string", "int", "bool", "object", "array"]).map(lambda n: X.Ref(n, 0, 0)),
              TEXT_VALUES.map(T)),
    lambda inner: st.one_of(
        inner.map(lambda t: X.Index(t, None, 0, 0)),
        inner.map(lambda t: X.Unary("?", t, 0, 0)),
        st.tuples(inner, inner).map(lambda t: X.Binary("|", t[0], t[1], 0, 0)),
        st.lists(st.tuples(NAMES, inner), max_size=3).map(
            lambda kv: X.Object(tuple(X.Item(T(k, "verbatim"), v, 0, 0) for k, v in kv), 0, 0)),
    ),
    max_leaves=5)


def render_type(node, least: int = 0) -> str:
    if isinstance(node, X.Ref):
        return node.name
    if isinstance(node, X.Text):
        return "'" + encode(node.value, random.Random(0)) + "'"
    if isinstance(node, X.Index):
        return render_type(node.target, 1) + "[]"
    if isinstance(node, X.Unary):
        operand = render_type(node.operand, 1)
        return (f"({operand})" if isinstance(node.operand, X.Unary) else operand) + "?"   # `T??` is `??`
    if isinstance(node, X.Binary):
        text = f"{render_type(node.left, 0)} | {render_type(node.right, 1)}"
        return f"({text})" if least else text
    if isinstance(node, X.Object):
        return "{ " + ", ".join(f"{i.key.value}: {render_type(i.value)}" for i in node.items) + " }"
    raise AssertionError(node)


@st.composite
def statements(draw):
    kind = draw(st.sampled_from(["param", "var", "output", "resource", "module", "metadata"]))
    name = draw(NAMES)
    value = draw(EXPRESSIONS.filter(usable))
    decorators = tuple(X.Decorator(X.Call(d, tuple(args), 0, 0), 0, 0) for d, args in draw(
        st.lists(st.tuples(st.sampled_from(["description", "sys.description", "secure", "minLength"]),
                           st.lists(leaves(), max_size=1)), max_size=2)))
    if kind in ("param", "output"):
        type_ = draw(TYPES)
        default = value if kind == "output" or draw(st.booleans()) else None
        return X.Statement(kind, name, type_, default, 0, 0, decorators)
    if kind in ("var", "metadata"):
        return X.Statement(kind, name, None, value, 0, 0, decorators)
    body = X.Object(tuple(X.Item(T(k, "verbatim"), v, 0, 0) for k, v in draw(
        st.lists(st.tuples(NAMES, EXPRESSIONS.filter(usable)), max_size=3))), 0, 0)
    shape = draw(st.sampled_from(["plain", "if", "for", "for-if"]))
    test = draw(EXPRESSIONS.filter(usable))
    if shape == "if":
        body = X.Cond(test, body, None, 0, 0)
    elif shape.startswith("for"):
        body = X.ForExpr(tuple(draw(st.lists(NAMES, min_size=1, max_size=2))), draw(EXPRESSIONS.filter(usable)),
                         body, 0, 0, condition=test if shape == "for-if" else None)
    children = ()
    if kind == "resource" and shape == "plain" and draw(st.booleans()):
        children = (X.Statement("resource", draw(NAMES), T("outputs"), X.Object((), 0, 0), 0, 0),)
    type_ = T(draw(st.sampled_from(["Microsoft.Kusto/clusters@2023-08-15", "./mod.bicep", "br:x.io/m:1"])))
    existing = kind == "resource" and draw(st.booleans())
    return X.Statement(kind, name, type_, body, 0, 0, decorators, existing, 0, children)


def render_statement(statement: X.Statement, rnd: random.Random) -> str:
    renderer = Renderer(rnd)
    lines = []
    for decorator in statement.decorators:
        lines.append(f"@{decorator.call.name}(" + ", ".join(renderer.expr(a) for a in decorator.call.args) + ")")
    kind, name = statement.kind, statement.name
    if kind in ("param", "output"):
        head = f"{kind} {name} {render_type(statement.type)}"
        lines.append(head if statement.value is None else f"{head} = {renderer.expr(statement.value)}")
    elif kind in ("var", "metadata"):
        lines.append(f"{kind} {name} = {renderer.expr(statement.value)}")
    else:
        def body(node) -> str:
            if isinstance(node, X.Cond):
                return f"if ({renderer.expr(node.test)}) {body(node.then)}"
            if isinstance(node, X.ForExpr):
                names = node.names[0] if len(node.names) == 1 else "(" + ", ".join(node.names) + ")"
                inner = body(node.value)
                if node.condition is not None:
                    inner = f"if ({renderer.expr(node.condition)}) {inner}"
                return f"[for {names} in {renderer.expr(node.collection)}: {inner}]"
            members = [f"{i.key.value}: {renderer.expr(i.value)}" for i in node.items]
            members += [f"resource {c.name} 'outputs' = {{}}" for c in statement.children]
            return "{\n" + "\n".join(members) + "\n}"
        existing = " existing" if statement.existing else ""
        lines.append(f"{kind} {name} {renderer.string(statement.type)}{existing} = {body(statement.value)}")
    return "\n".join(lines)


@given(st.lists(statements(), max_size=4), st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_generated_programs_round_trip(program, rnd):
    separator = "\n" + ("\n" if rnd.random() < 0.3 else "") + ("// note\n" if rnd.random() < 0.2 else "")
    text = separator.join(render_statement(s, rnd) for s in program) + ("\n" if rnd.random() < 0.5 else "")
    parsed = parse_bicep(text, "gen.bicep")
    assert norm(parsed.statements) == norm(tuple(program)), text
    for statement in parsed.statements:
        assert 0 <= statement.start <= statement.name_start < statement.end <= len(text)
        assert text[statement.name_start:].startswith(statement.name)


# ---- properties: any text -------------------------------------------------------------------

def parse_or_error(text: str) -> None:
    """Parse `text`, which must give a Program or an InputError at a place (its speed:
    benchmarks/run.py, section 9)."""
    try:
        result = parse_bicep(text, "fuzz.bicep")
        assert isinstance(result, X.Program)
    except InputError as error:
        assert error.file == "fuzz.bicep" and error.line >= 1 and error.column >= 1
        assert "\n" not in error.message


@given(st.text(st.sampled_from("param var resource x = { } [ ] ( ) ' $ @ : , . ? ! | \n \t / * # \\ 0 1 é"),
               max_size=60))
@settings(max_examples=400, deadline=None)
def test_arbitrary_text_gives_a_program_or_an_input_error(text):
    parse_or_error(text)


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_any_unicode_gives_a_program_or_an_input_error(text):
    parse_or_error(text)


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_mutated_files_give_a_program_or_an_input_error(data):
    text = data.draw(st.sampled_from([MAIN, QUERY_FILE_JOB]))
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 8)))
        insert = data.draw(st.sampled_from(["", "{", "}", "[", "]", "(", ")", "'", "'''", "${", "\n", ",", ":",
                                            "=", "@x()", "if", "for", "resource", "/*", "//", "\\", "=>", "?"]))
        text = text[:start] + insert + text[end:]
    parse_or_error(text)


def test_deep_nesting_is_an_error_or_a_tree_not_a_crash():
    for depth in (200, 5000):
        parse_or_error("var x = " + "[" * depth + "]" * depth)
        parse_or_error("var x = " + "(" * depth + "1" + ")" * depth)
        parse_or_error("var x = " + "[" * depth)


# ---- speed and imports ----------------------------------------------------------------------

def test_importing_the_parser_does_not_import_lark():
    code = "import sys, schemacheck.jobs.bicep_syntax; print('lark' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_500_line_file_parses():
    """(How fast: benchmarks/run.py, section 9, the Bicep file's cold check.)"""
    block = MAIN[MAIN.index("resource job "):MAIN.index("@batchSize")]
    text = "".join(block.replace("resource job ", f"resource job{i} ") for i in range(15))
    assert text.count("\n") >= 500
    assert isinstance(parse_bicep(text, "big.bicep"), X.Program)
