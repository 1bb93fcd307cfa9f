"""The Terraform (HCL) parser, schemacheck.jobs.hcl.

1. Real-shaped Terraform (tests/jobs/hcl_samples/): the trees, their names, labels,
   values and positions.
2. The language piece by piece: expressions and precedence, traversals and splats,
   strings, templates and directives, heredocs (HCL's own indentation rules), comments,
   line ends.
3. Errors: one line, plain words, the right line and column.
4. text_position: every character of a string's value maps to where it is written.
5. Properties (hypothesis): rendered random bodies parse back to what was rendered;
   arbitrary and mutated text gives a Body or an InputError, quickly.
6. Speed and import cost.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemacheck.errors import InputError
from schemacheck.jobs import _hcl_tables
from schemacheck.jobs import exprs as X
from schemacheck.jobs.hcl import _tokens, parse_hcl, text_position

SAMPLES = Path(__file__).resolve().parent / "hcl_samples"
ROOT = Path(__file__).resolve().parents[2]
# Go's unicode.IsSpace (what HCL trims with), written out here independently of the parser.
GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + \
    "\u2028\u2029\u202f\u205f\u3000"


def sample(name: str) -> tuple[str, X.Body]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return text, parse_hcl(text, name)


def norm(node):
    """A node without its positions, as nested tuples (what the tests compare)."""
    kind = type(node)
    if node is None:
        return None
    if kind is X.Literal_:
        return ("lit", node.value)
    if kind is X.Text:
        return ("text", node.value)
    if kind is X.Template:
        return ("tpl", *(norm(p) for p in node.parts))
    if kind is X.Ref:
        return ("ref", node.name)
    if kind is X.GetAttr:
        return ("attr", norm(node.target), node.name)
    if kind is X.Index:
        return ("index", norm(node.target), norm(node.key))
    if kind is X.Splat:
        return ("splat", norm(node.target), node.rest)
    if kind is X.Call:
        return ("call", node.name, tuple(norm(a) for a in node.args)) + (("...",) if node.expand else ())
    if kind is X.Array:
        return ("array", *(norm(i) for i in node.items))
    if kind is X.Object:
        return ("object", *((norm(i.key), norm(i.value)) for i in node.items))
    if kind is X.Cond:
        return ("cond", norm(node.test), norm(node.then), norm(node.otherwise))
    if kind is X.ForExpr:
        return ("for", node.names, norm(node.collection), norm(node.key), norm(node.value), norm(node.condition),
                node.grouped)
    if kind is X.Unary:
        return ("unary", node.op, norm(node.operand))
    if kind is X.Binary:
        return ("binary", node.op, norm(node.left), norm(node.right))
    if kind is X.Attribute:
        return ("=", node.name, norm(node.value))
    if kind is X.Block:
        return ("block", node.type, node.labels, tuple(norm(i) for i in node.body))
    if kind is X.Body:
        return tuple(norm(i) for i in node.items)
    raise AssertionError(f"not a node: {node!r}")


def value_of(text: str):
    """The normalised value of `a = <text>`."""
    (attribute,) = parse_hcl(f"a = {text}\n", "t.tf").items
    return norm(attribute.value)


def nodes(node):
    """Every node under `node` (itself included), depth first."""
    if isinstance(node, tuple) and not hasattr(node, "_fields"):
        for child in node:
            yield from nodes(child)
        return
    if not hasattr(node, "_fields"):
        return
    yield node
    for field in node._fields:
        yield from nodes(getattr(node, field))


def block(body, type_: str, *labels: str) -> X.Block:
    items = body.items if type(body) is X.Body else body.body
    for item in items:
        if type(item) is X.Block and item.type == type_ and item.labels[:len(labels)] == labels:
            return item
    raise AssertionError(f"no block {type_} {labels}")


def attr(container, name: str) -> X.Attribute:
    items = container.body if isinstance(container, X.Block) else container.items
    for item in items:
        if type(item) is X.Attribute and item.name == name:
            return item
    raise AssertionError(f"no attribute {name}")


def member(obj: X.Object, *path: str):
    for name in path:
        obj = next(i.value for i in obj.items if type(i.key) is X.Text and i.key.value == name)
    return obj


def check_positions(text: str, body: X.Body) -> None:
    """Spans nest; names, labels, strings and literals sit where their spans say."""
    def walk(node, lo, hi):
        if not hasattr(node, "_fields"):
            return
        if hasattr(node, "start"):
            assert lo <= node.start <= node.end <= hi, (node, lo, hi)
            lo, hi = node.start, node.end
        kind = type(node)
        if kind is X.Attribute:
            assert text.startswith(node.name, node.name_start) and node.name_start == node.start
        elif kind is X.Block:
            assert text.startswith(node.type, node.start)
            for label, at in zip(node.labels, node.label_starts):
                assert text.startswith(label, at) or text.startswith('"', at), (label, at)
        elif kind is X.Ref:
            assert text[node.start:node.end] == node.name
        elif kind is X.Call and node.name != "%directive":
            assert re.sub(r"\s", "", text[node.start:node.name_end]) == node.name
        elif kind is X.Literal_ and type(node.value) in (int, float) and not isinstance(node.value, bool):
            assert float(text[node.start:node.end]) == node.value
        elif kind is X.Text:
            check_text_positions(text, node)
        for field in node._fields:
            child = getattr(node, field)
            if isinstance(child, tuple) and not hasattr(child, "_fields"):
                for item in child:
                    walk(item, lo, hi)
            else:
                walk(child, lo, hi)

    walk(body, 0, len(text))


def check_text_positions(text: str, node: X.Text) -> None:
    for i, char in enumerate(node.value):
        at = text_position(node, text, i)
        assert text[at] == char or (node.style == "escaped" and text[at] == "\\"), (node, i, at)
    assert text_position(node, text, len(node.value)) == node.raw_end


# ---- 1. real-shaped Terraform ----------------------------------------------------------------

def test_stream_analytics_job_with_a_heredoc_query():
    text, body = sample("stream_job.tf")
    assert [(type(i).__name__, i.type, i.labels) for i in body.items] == [
        ("Block", "terraform", ()),
        ("Block", "provider", ("azurerm",)),
        ("Block", "resource", ("azurerm_resource_group", "main")),
        ("Block", "resource", ("azurerm_stream_analytics_job", "telemetry")),
        ("Block", "resource", ("azurerm_stream_analytics_stream_input_eventhub_v2", "input")),
        ("Block", "resource", ("azurerm_stream_analytics_job", "from_file")),
        ("Block", "resource", ("azurerm_stream_analytics_job", "from_template")),
        ("Block", "output", ("job_id",)),
    ]
    job = block(body, "resource", "azurerm_stream_analytics_job", "telemetry")
    assert [i.name if type(i) is X.Attribute else i.type for i in job.body] == [
        "name", "resource_group_name", "location", "compatibility_level", "data_locale",
        "events_late_arrival_max_delay_in_seconds", "events_out_of_order_max_delay_in_seconds",
        "events_out_of_order_policy", "output_error_policy", "streaming_units", "sku_name", "identity",
        "transformation_query", "tags"]
    assert norm(attr(job, "name").value) == ("tpl", ("text", "asa-"), ("attr", ("ref", "var"), "prefix"))
    assert norm(attr(job, "compatibility_level").value) == ("text", "1.2")
    assert norm(attr(job, "streaming_units").value) == ("lit", 3)
    assert norm(attr(job, "resource_group_name").value) == (
        "attr", ("attr", ("ref", "azurerm_resource_group"), "main"), "name")
    assert norm(block(job, "identity")) == ("block", "identity", (), (("=", "type", ("text", "SystemAssigned")),))
    query = attr(job, "transformation_query")
    assert query.value.value == (
        "SELECT\n    DeviceId,\n    CAST(Temperature AS float) AS Temperature,\n    System.Timestamp() AS WindowEnd\n"
        "INTO\n    [adx-readings]\nFROM\n    [eventhub-input] TIMESTAMP BY EventTime\nWHERE Temperature > 20\n")
    assert query.value.style == "verbatim" and query.value.indent == 0
    assert query.value.raw_start == text.index("SELECT\n    DeviceId")
    assert text[query.value.start:query.value.end] == text[text.index("<<QUERY"):text.index("\nQUERY\n") + 6]
    assert text[query.start:query.end].startswith("transformation_query = <<QUERY")
    where = query.value.value.index("[adx-readings]")
    assert text.startswith("[adx-readings]", text_position(query.value, text, where))
    assert norm(attr(job, "tags").value) == (
        "call", "merge", (("attr", ("ref", "local"), "tags"), ("object", (("text", "component"), ("text", "stream")))))
    assert block(body, "provider", "azurerm").body == (X.Block("features", (), (), *_span(text, "features {}"), ()),)
    check_positions(text, body)


def _span(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def test_file_and_templatefile_queries():
    text, body = sample("stream_job.tf")
    from_file = attr(block(body, "resource", "azurerm_stream_analytics_job", "from_file"), "transformation_query")
    assert norm(from_file.value) == ("call", "file", (
        ("tpl", ("attr", ("ref", "path"), "module"), ("text", "/queries/telemetry.asaql")),))
    call = from_file.value
    assert text[call.start:call.name_end] == "file" and text[call.start:call.end].endswith('telemetry.asaql")')
    literal = call.args[0].parts[1]
    assert literal.style == "escaped" and text[literal.raw_start:literal.raw_end] == "/queries/telemetry.asaql"
    one_line = block(block(body, "resource", "azurerm_stream_analytics_job", "from_file"), "identity")
    assert norm(one_line) == ("block", "identity", (), (("=", "type", ("text", "SystemAssigned")),))
    template = attr(block(body, "resource", "azurerm_stream_analytics_job", "from_template"), "transformation_query")
    assert norm(template.value) == ("call", "templatefile", (
        ("tpl", ("attr", ("ref", "path"), "module"), ("text", "/queries/telemetry.asaql.tftpl")),
        ("object", (("text", "input_alias"), ("text", "eventhub-input")),
         (("text", "output_alias"), ("text", "adx-readings")),
         (("text", "threshold"), ("attr", ("ref", "var"), "threshold")))))


def test_azapi_body_as_an_object_and_as_jsonencode():
    text, body = sample("azapi.tf")
    output = block(body, "resource", "azapi_resource", "adx_out")
    datasource = member(attr(output, "body").value, "properties", "datasource")
    assert norm(member(datasource, "type")) == ("text", "Microsoft.Kusto/clusters/databases")
    assert norm(member(datasource, "properties")) == ("object",
        (("text", "cluster"), ("attr", ("ref", "var"), "adx_uri")),
        (("text", "database"), ("text", "telemetry")),
        (("text", "table"), ("text", "Readings")),
        (("text", "authenticationMode"), ("text", "Msi")))
    assert norm(member(attr(output, "body").value, "properties", "serialization")) == ("lit", None)
    table_key = member(datasource, "properties").items[2].key
    assert table_key.style == "verbatim" and text[table_key.start:table_key.end] == "table"
    assert norm(attr(output, "response_export_values").value) == ("array", ("text", "properties.datasource"))

    v1 = attr(block(body, "resource", "azapi_resource", "adx_out_v1"), "body").value
    assert v1.name == "jsonencode" and len(v1.args) == 1
    properties = member(v1.args[0], "properties", "datasource", "properties")
    assert [norm(i.key) for i in properties.items] == [
        ("text", "cluster"), ("text", "database"), ("text", "table"), ("text", "authenticationMode")]
    assert properties.items[3].key.style == "escaped"   # "authenticationMode" : "Msi"
    assert norm(properties.items[2].value) == ("text", "Alerts")

    job = block(body, "resource", "azapi_resource", "job")
    query = member(attr(job, "body").value, "properties", "transformation", "properties", "query")
    assert query.value == "SELECT *\nINTO [adx-readings]\nFROM [eventhub-input]\n"
    assert query.style == "indented" and query.indent == 12
    assert query.raw_start == text.index("SELECT *")
    assert text_position(query, text, query.value.index("FROM")) == text.index("FROM [eventhub-input]")
    assert norm(attr(job, "schema_validation_enabled").value) == ("lit", False)
    check_positions(text, body)


def test_kusto_scripts_with_a_heredoc_and_with_file():
    text, body = sample("kusto.tf")
    script = attr(block(body, "resource", "azurerm_kusto_script", "tables"), "script_content").value
    assert script.value == (".create-merge table Readings (\n    DeviceId: string,\n    Temperature: real,\n"
                            "    WindowEnd: datetime\n)\n\n.create-merge table Alerts (DeviceId: string, Level: int)\n")
    assert (script.style, script.indent) == ("indented", 4)
    for word in ("Temperature", "Alerts", "Level"):
        assert text.startswith(word, text_position(script, text, script.value.index(word)))
    assert norm(attr(block(body, "resource", "azurerm_kusto_script", "tables"), "force_an_update_when_value_changed")
                .value) == ("call", "md5", (("attr", ("ref", "local"), "table_script"),))
    from_file = attr(block(body, "resource", "azurerm_kusto_script", "from_file"), "script_content")
    assert norm(from_file.value) == ("call", "file", (
        ("tpl", ("attr", ("ref", "path"), "module"), ("text", "/schema/tables.kql")),))
    assert [i.labels[1] for i in body.items] == ["main", "telemetry", "tables", "from_file", "from_blob"]
    blob = block(body, "resource", "azurerm_kusto_script", "from_blob")
    assert norm(attr(blob, "sas_token").value) == (
        "attr", ("attr", ("attr", ("ref", "data"), "azurerm_storage_account_blob_container_sas"), "script"), "sas")
    assert norm(block(block(body, "resource", "azurerm_kusto_cluster"), "sku")) == ("block", "sku", (), (
        ("=", "name", ("text", "Dev(No SLA)_Standard_E2a_v4")), ("=", "capacity", ("lit", 1))))
    check_positions(text, body)


def test_variables_with_defaults_and_validation():
    text, body = sample("variables.tf")
    defaults = {i.labels[0]: norm(attr(i, "default").value) for i in body.items}
    assert defaults == {
        "prefix": ("text", "tele"),
        "location": ("text", "westeurope"),
        "threshold": ("lit", 20.5),
        "adx_uri": ("lit", None),
        "partitions": ("array", ("lit", 0), ("lit", 1), ("lit", 2), ("lit", 3)),
        "outputs": ("object",
                    (("text", "readings"), ("object", (("text", "table"), ("text", "Readings")),
                                            (("text", "enabled"), ("lit", True)))),
                    (("text", "alerts"), ("object", (("text", "table"), ("text", "Alerts")),
                                          (("text", "database"), ("text", "alerts")),
                                          (("text", "enabled"), ("lit", False))))),
        "streaming_units": ("lit", 3),
    }
    prefix = block(body, "variable", "prefix")
    assert norm(attr(prefix, "type").value) == ("ref", "string")
    assert norm(block(prefix, "validation")) == ("block", "validation", (), (
        ("=", "condition", ("call", "can", (("call", "regex", (("text", "^[a-z0-9]{2,8}$"),
                                                                ("attr", ("ref", "var"), "prefix"))),))),
        ("=", "error_message", ("text", "The prefix must be 2 to 8 lower-case letters or digits."))))
    outputs = block(body, "variable", "outputs")
    assert norm(attr(outputs, "type").value) == ("call", "map", (("call", "object", (("object",
        (("text", "table"), ("ref", "string")),
        (("text", "database"), ("call", "optional", (("ref", "string"), ("text", "telemetry")))),
        (("text", "enabled"), ("ref", "bool"))),)),))
    condition = attr(block(outputs, "validation"), "condition").value
    assert norm(condition) == ("call", "alltrue", (("for", ("name", "output"), ("attr", ("ref", "var"), "outputs"),
        None, ("binary", "&&", ("binary", ">", ("call", "length", (("attr", ("ref", "output"), "table"),)), ("lit", 0)),
                               ("binary", "!=", ("attr", ("ref", "output"), "table"), ("text", "Invalid"))),
        None, False),))
    units = attr(block(block(body, "variable", "streaming_units"), "validation"), "condition").value
    assert norm(units) == ("binary", "||",
        ("call", "contains", (("array", ("lit", 1), ("lit", 3), ("lit", 6), ("lit", 12)),
                              ("attr", ("ref", "var"), "streaming_units"))),
        ("binary", "==", ("binary", "%", ("attr", ("ref", "var"), "streaming_units"), ("lit", 6)), ("lit", 0)))
    check_positions(text, body)


def test_locals_dynamic_blocks_and_for_each():
    text, body = sample("locals.tf")
    local = {i.name: norm(i.value) for i in block(body, "locals").body}
    var_outputs = ("attr", ("ref", "var"), "outputs")
    assert local["tags"] == ("object", (("text", "environment"), ("text", "dev")),
                             (("text", "cost-center"), ("text", "1234")),
                             (("text", "owner"), ("text", "data-platform")))
    assert local["enabled_outputs"] == ("for", ("name", "output"), var_outputs, ("ref", "name"), ("ref", "output"),
                                        ("attr", ("ref", "output"), "enabled"), False)
    assert local["tables"] == ("for", ("o",), ("call", "values", (var_outputs,)), None,
                               ("call", "upper", (("attr", ("ref", "o"), "table"),)), None, False)
    assert local["by_database"] == ("for", ("name", "o"), var_outputs, ("attr", ("ref", "o"), "database"),
                                    ("ref", "name"), None, True)
    partitions = ("attr", ("ref", "var"), "partitions")
    assert local["first_partition"] == ("index", partitions, ("lit", 0))
    assert local["legacy_first"] == ("index", partitions, ("lit", 0))
    jobs = ("attr", ("ref", "azurerm_stream_analytics_job"), "jobs")
    assert local["all_ids"] == ("splat", jobs, ("id",))
    assert local["all_names"] == ("splat", jobs, ("name",))
    assert local["sku"] == ("cond", ("binary", ">", ("attr", ("ref", "var"), "streaming_units"), ("lit", 6)),
                            ("text", "StandardV2"), ("text", "Standard"))
    assert local["negative"] == ("binary", "+", ("binary", "*", ("unary", "-", ("lit", 1)),
                                                 ("attr", ("ref", "var"), "threshold")), ("lit", 2))
    assert local["not_enabled"] == ("unary", "!", ("attr", ("index", var_outputs, ("text", "alerts")), "enabled"))
    assert local["normalised"] == ("call", "provider::azurerm::normalise_resource_id", (
        ("attr", ("attr", ("ref", "azurerm_resource_group"), "main"), "id"),))
    assert local["merged"] == ("call", "merge", (("attr", ("ref", "local"), "tags"),
                                                 ("object", (("text", "extra"), ("lit", True)))))
    assert local["zones"] == ("call", "concat", (("array", ("text", "1"), ("text", "2")),
                                                 ("attr", ("ref", "var"), "extra_zones")), "...")
    assert local["escaped"] == ("text", 'a "quoted" word\tand a tab\nnew line \\ é \U0001F600 ${literal} %{literal}')
    assert local["greeting"] == ("tpl", ("text", "Hello, "), ("call", "%directive", (("cond",
        ("binary", "!=", ("attr", ("ref", "var"), "prefix"), ("text", "")),
        ("tpl", ("attr", ("ref", "var"), "prefix")), ("tpl", ("text", "nobody"))),)), ("text", "!"))
    assert local["listing"] == ("tpl", ("call", "%directive", (("for", ("t",), ("attr", ("ref", "local"), "tables"),
        None, ("tpl", ("text", "table "), ("ref", "t"), ("text", "\n")), None, False),)))
    assert local["precedence"] == ("binary", "||", ("binary", "&&", ("binary", "==", ("binary", "-",
        ("binary", "+", ("lit", 1), ("binary", "*", ("lit", 2), ("lit", 3))),
        ("binary", "%", ("binary", "/", ("lit", 4), ("lit", 2)), ("lit", 3))), ("lit", 5)), ("lit", True)),
        ("lit", False))
    assert local["comparison"] == ("binary", ">=", ("binary", "*", ("binary", "+", ("lit", 1), ("lit", 2)),
                                                    ("lit", 3)), ("lit", 9))

    archive = block(body, "resource", "azurerm_stream_analytics_output_blob", "archive")
    assert norm(attr(archive, "for_each").value) == ("attr", ("ref", "local"), "enabled_outputs")
    assert norm(attr(archive, "name").value) == ("tpl", ("text", "archive-"), ("attr", ("ref", "each"), "key"))
    dynamic = block(archive, "dynamic", "authentication")
    assert norm(dynamic) == ("block", "dynamic", ("authentication",), (
        ("=", "for_each", ("cond", ("attr", ("ref", "var"), "use_msi"), ("array", ("lit", 1)), ("array",))),
        ("block", "content", (), (("=", "mode", ("text", "Msi")),))))
    assert text[dynamic.label_starts[0]] == '"'
    jobs_block = block(body, "resource", "azurerm_stream_analytics_job", "jobs")
    assert norm(attr(jobs_block, "count").value) == ("lit", 2)
    assert norm(block(jobs_block, "lifecycle")) == ("block", "lifecycle", (), (
        ("=", "ignore_changes", ("array", ("ref", "tags"), ("ref", "streaming_units"))),))
    check_positions(text, body)


def test_tfvars_attributes_only():
    text, body = sample("terraform.tfvars")
    assert [(i.name, norm(i.value)) for i in body.items] == [
        ("prefix", ("text", "dev")),
        ("location", ("text", "northeurope")),
        ("threshold", ("lit", 25)),
        ("streaming_units", ("lit", 6)),
        ("partitions", ("array", ("lit", 0), ("lit", 1))),
        ("adx_uri", ("text", "https://adxdev.westeurope.kusto.windows.net")),
        ("outputs", ("object", (("text", "readings"), ("object", (("text", "table"), ("text", "Readings")),
                                                       (("text", "enabled"), ("lit", True)))))),
    ]
    prefix = body.items[0]
    assert (prefix.start, prefix.name_start, prefix.end) == (text.index("prefix"), text.index("prefix"),
                                                             text.index('"dev"') + 5)
    assert body.start == 0 and body.end == len(text)
    check_positions(text, body)


# ---- 2. the language -------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("1", ("lit", 1)), ("1.5", ("lit", 1.5)), ("1e3", ("lit", 1000.0)), ("2.5E-1", ("lit", 0.25)),
    ("true", ("lit", True)), ("false", ("lit", False)), ("null", ("lit", None)),
    ("-1", ("unary", "-", ("lit", 1))), ("!a", ("unary", "!", ("ref", "a"))),
    ("--a", ("unary", "-", ("unary", "-", ("ref", "a")))),
    ("-a.b", ("unary", "-", ("attr", ("ref", "a"), "b"))),
    ("a-b", ("ref", "a-b")),                      # a dash belongs to a name
    ("a - b", ("binary", "-", ("ref", "a"), ("ref", "b"))),
    ("1 + 2 * 3", ("binary", "+", ("lit", 1), ("binary", "*", ("lit", 2), ("lit", 3)))),
    ("(1 + 2) * 3", ("binary", "*", ("binary", "+", ("lit", 1), ("lit", 2)), ("lit", 3))),
    ("1 - 2 - 3", ("binary", "-", ("binary", "-", ("lit", 1), ("lit", 2)), ("lit", 3))),
    ("a < b == c > d", ("binary", "==", ("binary", "<", ("ref", "a"), ("ref", "b")),
                        ("binary", ">", ("ref", "c"), ("ref", "d")))),
    ("a || b && c", ("binary", "||", ("ref", "a"), ("binary", "&&", ("ref", "b"), ("ref", "c")))),
    ("!a && b", ("binary", "&&", ("unary", "!", ("ref", "a")), ("ref", "b"))),
    ("a <= b != c >= d", ("binary", "!=", ("binary", "<=", ("ref", "a"), ("ref", "b")),
                          ("binary", ">=", ("ref", "c"), ("ref", "d")))),
    ("a ? b : c ? d : e", ("cond", ("ref", "a"), ("ref", "b"), ("cond", ("ref", "c"), ("ref", "d"), ("ref", "e")))),
    ("a || b ? 1 : 2", ("cond", ("binary", "||", ("ref", "a"), ("ref", "b")), ("lit", 1), ("lit", 2))),
    ("a.b[0][\"k\"].c", ("attr", ("index", ("index", ("attr", ("ref", "a"), "b"), ("lit", 0)), ("text", "k")), "c")),
    ("a.0.b", ("attr", ("index", ("ref", "a"), ("lit", 0)), "b")),
    ("a.0.1", ("index", ("index", ("ref", "a"), ("lit", 0)), ("lit", 1))),
    ("a[*].b.c", ("splat", ("ref", "a"), ("b", "c"))),
    ("a[*]", ("splat", ("ref", "a"), ())),
    ("a[*].b[0]", ("splat", ("ref", "a"), ("b", "0"))),
    ("a[*].b[\"k\"]", ("splat", ("ref", "a"), ("b", "k"))),
    ("a[*].b[i]", ("index", ("splat", ("ref", "a"), ("b",)), ("ref", "i"))),
    ("a.*.b.c", ("splat", ("ref", "a"), ("b", "c"))),
    ("a.*.b[0]", ("index", ("splat", ("ref", "a"), ("b",)), ("lit", 0))),
    ("f()", ("call", "f", ())),
    ("f(1, 2,)", ("call", "f", (("lit", 1), ("lit", 2)))),
    ("f(xs...)", ("call", "f", (("ref", "xs"),), "...")),
    ("f(\n  1,\n  2\n)", ("call", "f", (("lit", 1), ("lit", 2)))),
    ("provider::azurerm::f(1)", ("call", "provider::azurerm::f", (("lit", 1),))),
    ("[]", ("array",)),
    ("[1, [2, 3],]", ("array", ("lit", 1), ("array", ("lit", 2), ("lit", 3)))),
    ("[\n  1,\n  2\n]", ("array", ("lit", 1), ("lit", 2))),
    ("{}", ("object",)),
    ("{ a = 1, b: 2 }", ("object", (("text", "a"), ("lit", 1)), (("text", "b"), ("lit", 2)))),
    ("{\n  a = 1\n  \"b\" = 2,\n  (c) = 3\n}", ("object", (("text", "a"), ("lit", 1)), (("text", "b"), ("lit", 2)),
                                                (("ref", "c"), ("lit", 3)))),
    ("{ a.b = 1 }", ("object", (("attr", ("ref", "a"), "b"), ("lit", 1)))),
    ("{ true = 1, null = 2 }", ("object", (("text", "true"), ("lit", 1)), (("text", "null"), ("lit", 2)))),
    ("{ \"${k}\" = 1 }", ("object", (("tpl", ("ref", "k")), ("lit", 1)))),
    ("[for x in xs : x]", ("for", ("x",), ("ref", "xs"), None, ("ref", "x"), None, False)),
    ("[for i, x in xs : x if i > 0]", ("for", ("i", "x"), ("ref", "xs"), None, ("ref", "x"),
                                       ("binary", ">", ("ref", "i"), ("lit", 0)), False)),
    ("[\n  for x in xs :\n  x\n]", ("for", ("x",), ("ref", "xs"), None, ("ref", "x"), None, False)),
    ("{for k, v in m : k => v}", ("for", ("k", "v"), ("ref", "m"), ("ref", "k"), ("ref", "v"), None, False)),
    ("{for k, v in m :\n  v => k...\n  if k != \"\"\n}", ("for", ("k", "v"), ("ref", "m"), ("ref", "v"), ("ref", "k"),
                                                        ("binary", "!=", ("ref", "k"), ("text", "")), True)),
    ("[for in in ins : in]", ("for", ("in",), ("ref", "ins"), None, ("ref", "in"), None, False)),
    ("[For]", ("array", ("ref", "For"))),           # keywords are lower case
    ("for_each", ("ref", "for_each")),
])
def test_expressions(source, expected):
    assert value_of(source) == expected


@pytest.mark.parametrize("source, expected", [
    ('""', ("text", "")),
    ('"a\\nb\\tc\\rd\\"e\\\\f"', ("text", 'a\nb\tc\rd"e\\f')),
    ('"\\u00e9\\U0001F600"', ("text", "é\U0001F600")),
    ('"$${a} %%{b} $ % $a %a"', ("text", "${a} %{b} $ % $a %a")),
    ('"$$${a}"', ("text", "$${a}")),
    ('"# not // a comment"', ("text", "# not // a comment")),
    ('"${a}"', ("tpl", ("ref", "a"))),
    ('"a${b}c${d.e}"', ("tpl", ("text", "a"), ("ref", "b"), ("text", "c"), ("attr", ("ref", "d"), "e"))),
    ('"${f("x${y}")}"', ("tpl", ("call", "f", (("tpl", ("text", "x"), ("ref", "y")),)))),
    ('"${ {a = 1}.a }"', ("tpl", ("attr", ("object", (("text", "a"), ("lit", 1))), "a"))),
    ('"${\n  a\n}"', ("tpl", ("ref", "a"))),
    ('"a  ${~ b ~}  c"', ("tpl", ("text", "a"), ("ref", "b"), ("text", "c"))),
    ('"a \\n ${~b}"', ("tpl", ("text", "a"), ("ref", "b"))),      # ~ strips escaped white space too
    ('"%{ if a }x%{ endif }"', ("tpl", ("call", "%directive", (("cond", ("ref", "a"), ("tpl", ("text", "x")),
                                                                None),)))),
    ('"%{if a}x%{else}y%{endif}"', ("tpl", ("call", "%directive", (("cond", ("ref", "a"), ("tpl", ("text", "x")),
                                                                    ("tpl", ("text", "y"))),)))),
    ('"%{ for k, v in m }${k}=${v},%{ endfor }"', ("tpl", ("call", "%directive", (("for", ("k", "v"), ("ref", "m"),
        None, ("tpl", ("ref", "k"), ("text", "="), ("ref", "v"), ("text", ",")), None, False),)))),
    ('"%{ if a }%{ for x in xs }${x}%{ endfor }%{ endif }"', ("tpl", ("call", "%directive", (("cond", ("ref", "a"),
        ("tpl", ("call", "%directive", (("for", ("x",), ("ref", "xs"), None, ("tpl", ("ref", "x")), None, False),))),
        None),)))),
])
def test_quoted_strings_and_templates(source, expected):
    assert value_of(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("<<EOT\nhello\n  world\nEOT", ("text", "hello\n  world\n")),
    ("<<EOT\nEOT", ("text", "")),
    ("<<EOT\n  indented\n  EOT", ("text", "  indented\n")),         # the marker may be indented
    ("<<EOT\n  NOT EOT\nEOT", ("text", "  NOT EOT\n")),
    ("<<EOT\n\\n stays, \"quotes\" too\nEOT", ("text", "\\n stays, \"quotes\" too\n")),
    ("<<EOT\n$${x} %%{y} $$${z}\nEOT", ("text", "${x} %{y} $${z}\n")),
    ("<<-EOT\n    a\n      b\n    EOT", ("text", "a\n  b\n")),
    ("<<-EOT\n    a\n  b\n    c\n  EOT", ("text", "  a\nb\n  c\n")),
    ("<<-EOT\n\ta\n  b\n  EOT", ("text", "a\n b\n")),                  # a tab counts as one character
    ("<<-EOT\n    a\n\n    b\n  EOT", ("text", "a\n\nb\n")),
    ("<<-EOT\n    a\n        \n    b\n  EOT", ("text", "a\n        \nb\n")),   # blank lines are left alone
    ("<<-EOT\n    a\n  \n    b\n  EOT", ("text", "a\n  \nb\n")),
    ("<<-EOT\n    a ${x}\n    b\n  EOT", ("tpl", ("text", "a "), ("ref", "x"), ("text", "\nb\n"))),
    ("<<-EOT\n    a\n  ${x}\n    b\n  EOT", ("tpl", ("text", "  a\n"), ("ref", "x"), ("text", "\n  b\n"))),
    ("<<-EOT\n    a\n${x}\n    b\n  EOT", ("tpl", ("text", "    a\n"), ("ref", "x"), ("text", "\n    b\n"))),
    ("<<EOT\n%{ for x in xs ~}\n${x}\n%{ endfor ~}\nEOT", ("tpl", ("call", "%directive", (("for", ("x",), ("ref", "xs"),
        None, ("tpl", ("ref", "x"), ("text", "\n")), None, False),)))),
    ("<<EOT\na\n   ${~x}\nEOT", ("tpl", ("text", "a\n"), ("ref", "x"), ("text", "\n"))),
    ("<<EOT\n${<<INNER\ninner\nINNER\n}\nEOT", ("tpl", ("text", "inner\n"), ("text", "\n"))),
])
def test_heredocs(source, expected):
    assert value_of(source) == expected


def test_heredoc_values_end_with_a_line_break_and_sit_in_objects_and_calls():
    body = parse_hcl('a = {\n  q = <<EOT\nx\nEOT\n  r = 1\n}\nb = f(<<-EOT\n  y\n  EOT\n, 2)\n', "t.tf")
    assert norm(body) == (("=", "a", ("object", (("text", "q"), ("text", "x\n")), (("text", "r"), ("lit", 1)))),
                          ("=", "b", ("call", "f", (("text", "y\n"), ("lit", 2)))))


def test_heredoc_at_the_end_of_the_file_without_a_line_break():
    assert norm(parse_hcl("a = <<EOT\nx\nEOT", "t.tf")) == (("=", "a", ("text", "x\n")),)


def test_bodies_blocks_labels_comments_and_line_ends():
    text = ('\ufeff# a comment\n// another\n/* and a\n   block one */\n\n'
            'resource aws_x "quoted \\"label\\"" {\r\n'
            '  a = 1 # trailing\r\n'
            '  nested { b = 2 }\r\n'
            '  empty {}\r\n'
            '  c = "x" /* inline */\r\n'
            '}\r\n'
            'one_line { d = [1,\n  2] }\n'
            'tail = true')
    body = parse_hcl(text, "t.tf")
    assert norm(body) == (
        ("block", "resource", ("aws_x", 'quoted "label"'), (
            ("=", "a", ("lit", 1)),
            ("block", "nested", (), (("=", "b", ("lit", 2)),)),
            ("block", "empty", (), ()),
            ("=", "c", ("text", "x")))),
        ("block", "one_line", (), (("=", "d", ("array", ("lit", 1), ("lit", 2))),)),
        ("=", "tail", ("lit", True)))
    resource = body.items[0]
    assert resource.label_starts == (text.index("aws_x"), text.index('"quoted'))
    assert text[resource.start:resource.end].startswith("resource") and text[resource.end - 1] == "}"
    check_positions(text, body)


def test_an_empty_file_and_comments_only():
    assert parse_hcl("", "t.tf") == X.Body((), 0, 0)
    assert parse_hcl("\n\n# nothing\n", "t.tf").items == ()


def test_directive_positions():
    text = 'a = "x%{ if c }y%{ else }z%{ endif }"\n'
    (attribute,) = parse_hcl(text, "t.tf").items
    directive = attribute.value.parts[1]
    assert text[directive.start:directive.end] == "%{ if c }y%{ else }z%{ endif }"
    cond = directive.args[0]
    assert text[cond.then.start:cond.then.end] == "y" and text[cond.otherwise.start:cond.otherwise.end] == "z"


def test_the_tokenizer_produces_every_terminal_of_the_grammar():
    nonterminals = {lhs for lhs, *_ in _hcl_tables.RULES}
    terminals = {symbol for row in _hcl_tables.ACTIONS for symbol in row} - nonterminals - {"$END"}
    text = ('a = [for x in f(xs...) : x if !x] == {for k, v in m : k => v...}\n'
            'b { c = "${d.e[0][*].f}%{ if g }%{ else }%{ endif }%{ for h in i }%{ endfor }" }\n'
            'j = k ? 1 * 2 / 3 % 4 + 5 - 6 : (7 < 8 || 9 > 10 && 11 <= 12 != 13 >= 14)\n'
            'l = {m: provider::n::o(), "p" = <<EOT\nq\nEOT\n}\n')
    produced = {kind for kind, *_ in _tokens(text)}
    produced |= {"FOR", "IN", "IF"}   # names the parser makes keywords
    assert terminals <= produced, sorted(terminals - produced)
    parse_hcl(text, "t.tf")


# ---- 3. errors ---------------------------------------------------------------------------------

ERRORS = [
    ('resource "a" "b"\n', 1, 17, ("expected '{' or another label after the labels of the block 'resource', "
                                  "found the end of the line")),
    ("name 1\n", 1, 6, "expected '=' (an argument) or '{' (a block) after 'name', found '1'"),
    ("a.b = 1\n", 1, 2, "expected '=' (an argument) or '{' (a block) after 'a', found '.'"),
    ('"a" = 1\n', 1, 1, "expected an argument name or a block type, found a string"),
    ("a =\n  1\n", 1, 4, ("expected an expression after '=', found the end of the line: a value starts on the line "
                         "of its '='")),
    ("a = 1 +\n 2\n", 1, 8, ("expected an expression after '+', found the end of the line: a line break ends the "
                            "value here (inside ( ) an expression may go on over lines)")),
    ("a = 1 b = 2\n", 1, 7, "expected a line break after the value of 'a' (one argument per line), found 'b'"),
    ('x "y" {\n  a = 1 }\n', 2, 9, ("expected a line break before '}': a block written over several lines ends "
                                   "with '}' on a line of its own, found '}'")),
    ("x { a = 1 b = 2 }\n", 1, 11, ("expected '}' to end the single-line block: a block on one line holds one "
                                   "argument at most (write each argument on its own line), found 'b'")),
    ("x { } y = 1\n", 1, 7, "expected a line break or the end of the file after '}', found 'y'"),
    ('a = "abc\nb = 1\n', 1, 5, ("unclosed string: a quoted string must end with '\"' on the line it starts "
                                "(a heredoc <<EOT holds several lines)")),
    ("a = <<EOT\nabc\n", 1, 5, "unclosed heredoc: no line 'EOT' ends the heredoc started here"),
    ("a = <<-QUERY\n  abc\n  QUERY2\n", 1, 5, "unclosed heredoc: no line 'QUERY' ends the heredoc started here"),
    ("a = <<EOT  \nabc\nEOT\n", 1, 5, "a heredoc's marker must end its line: nothing may follow '<<EOT' on the line"),
    ("a = 1\n/* abc\n", 2, 1, "unclosed comment: '/*' has no '*/' after it"),
    ("a = [1, 2\n", 1, 5, "unclosed '[': no ']' closes it before the end of the file"),
    ("x {\n  a = {\n    b = 1\n  }\n", 1, 3, "unclosed '{': no '}' closes it before the end of the file"),
    ("a = f(1, (2\n", 1, 10, "unclosed '(': no ')' closes it before the end of the file"),
    ('a = "${var.x\n', 1, 6, "unclosed '${': no '}' closes it before the end of the file"),
    ('a = "${var.x"\n', 1, 13, "expected '}' to close the '${' at line 1, column 6, found a string"),
    ('a = "%{ if x }abc"\n', 1, 18, ("the '%{ if }' at line 1, column 6 has no '%{ endif }', found the end of the "
                                    "string")),
    ('a = "%{ endif }"\n', 1, 6, "unexpected '%{ endif }': no '%{ if }' is open here"),
    ('a = "%{ fi x }"\n', 1, 9, "expected if, for, else, endif or endfor after '%{', found 'fi'"),
    ('a = "x\\qy"\n', 1, 7, ("invalid escape sequence '\\q' in a string (the escapes are \\n \\r \\t \\\" \\\\ "
                            "\\uNNNN \\UNNNNNNNN)")),
    ('a = "\\u12"\n', 1, 6, "invalid escape sequence: \\u must be followed by 4 hexadecimal digits"),
    ('a = "\\uD800"\n', 1, 6, "invalid escape sequence '\\uD800': U+D800 is not a character"),
    ("a = [1 2]\n", 1, 8, ("expected ',' before the next item, or ']' to close the '[' at line 1, column 5, "
                          "found '2'")),
    ("a = {b = 1 c = 2}\n", 1, 12, ("expected ',' or a line break before the next item, or '}' to close the '{' at "
                                   "line 1, column 5, found 'c'")),
    ("a = f(x...,)\n", 1, 11, "expected ')' to close the '(' at line 1, column 6, found ','"),
    ('resource "${x}" "b" {\n}\n', 1, 10, "a block label must be a plain string: no ${...} or %{...} in it"),
    ("}\n", 1, 1, "unexpected '}': nothing is open here for it to close"),
    ("a = 1\n\tb @ 2\n", 2, 4, "unexpected character '@'"),
    ("a = 1\rb = 2\n", 1, 6, "unexpected character '\\r'"),
    ("a = b.\n", 1, 7, "expected a name, a number or '*' after '.', found the end of the line"),
    ("a = [for x in xs x]\n", 1, 18, "expected an operator, ':' or '(', found 'x'"),
    ("a = {for k, v in m : k v}\n", 1, 24, "expected an operator, '=>' or '(', found 'v'"),
    ("a = " + "[" * 101 + "]" * 101 + "\n", 1, 106, "brackets, braces and strings nest more than 100 deep here"),
]


@pytest.mark.parametrize("text, line, column, message", ERRORS, ids=[e[3][:40] for e in ERRORS])
def test_errors(text, line, column, message):
    with pytest.raises(InputError) as caught:
        parse_hcl(text, "main.tf")
    error = caught.value
    assert (error.file, error.line, error.column, error.message) == ("main.tf", line, column, message)
    assert str(error) == f"main.tf:{line}:{column}: {message}" and "\n" not in str(error)


# ---- 4. text_position --------------------------------------------------------------------------

def test_text_position_in_the_three_styles():
    text = ('a = "x\\ty\\u00e9$${z}"\n'
            'b = <<EOT\n  p $${q}\n  r\nEOT\n'
            'c = <<-EOT\n    s\n\n      \n      t\n    EOT\n')
    a, b, c = (i.value for i in parse_hcl(text, "t.tf").items)
    assert a.value == "x\tyé${z}" and a.style == "escaped"
    # x, \t, y, \u00e9, the "$" and "{" of "$${", z, }, then where the content ends
    assert [text_position(a, text, i) for i in range(len(a.value) + 1)] == [5, 6, 8, 9, 15, 17, 18, 19, 20]
    assert b.value == "  p ${q}\n  r\n" and b.style == "verbatim"
    assert text[text_position(b, text, b.value.index("{"))] == "{"
    assert text[text_position(b, text, b.value.index("r"))] == "r"
    assert c.value == "s\n\n      \n  t\n" and (c.style, c.indent) == ("indented", 4)
    for i in range(len(c.value)):
        assert text[text_position(c, text, i)] == c.value[i]
    assert text_position(c, text, len(c.value)) == c.raw_end == text.index("    EOT")
    assert text_position(c, text, -5) == c.raw_start and text_position(c, text, 999) == c.raw_end


def test_text_position_with_the_wrong_file_stays_within_it():
    text = 'a = "x\\ty"\nb = <<-EOT\n    long line\n    EOT\n'
    for attribute in parse_hcl(text, "t.tf").items:
        for other in ("", "short", text.replace("\n", " ")):
            for i in (-1, 0, 3, 100):
                assert 0 <= text_position(attribute.value, other, i) <= max(len(other), attribute.value.raw_end)


@st.composite
def strings_in_files(draw):
    """A file whose attributes hold quoted strings and heredocs of random content."""
    plain = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n"),
                    max_size=12)
    lines = st.lists(st.text(st.sampled_from("ab $%{}\\\"\t\u3000é~"), max_size=8), min_size=1, max_size=5)
    parts = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["quoted", "verbatim", "indented", "template", "heredoc template"]))
        if kind == "quoted":
            parts.append(f"a{i} = {quote(draw(plain), draw(st.booleans()))}")
        elif kind == "template":
            parts.append(f"a{i} = \"{escape(draw(plain))}${{x}}{escape(draw(plain))}\"")
        elif kind == "heredoc template":
            # interpolations and directives, with and without `~`, at any place in the lines
            pieces = draw(st.lists(st.one_of(
                st.text(st.sampled_from("ab \t\n$"), min_size=1, max_size=6).map(heredoc_escape),
                st.sampled_from(["${x}", "${~ x}", "${x ~}", "${~x~}", "%{ if c ~}y%{~ endif }",
                                 "%{~ for v in vs }${v}%{ endfor ~}"])), max_size=8))
            content = "".join(pieces).replace("$$", "$ $")
            content = "\n".join(line for line in content.split("\n") if line.strip(GO_SPACES) != "EOT")
            dash = draw(st.sampled_from(["", "-"]))
            parts.append(f"a{i} = <<{dash}EOT\n{content}\nEOT")
        else:
            content = [line for line in draw(lines) if line.strip(GO_SPACES) != "EOT"]
            indent = draw(st.integers(0, 4))
            dash = "-" if kind == "indented" else ""
            body = "".join((" " * indent + heredoc_escape(line) if line.strip(GO_SPACES) or draw(st.booleans())
                            else line) + "\n" for line in content)
            parts.append(f"a{i} = <<{dash}EOT\n{body}{' ' * indent}EOT")
    return "\n".join(parts) + "\n"


def escape(value: str, unicode_escapes: bool = False) -> str:
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif unicode_escapes and not char.isascii():
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return "".join(out).replace("${", "$${").replace("%{", "%%{")


def flush(lines: list[str]) -> str:
    """What Terraform makes of a <<- heredoc's lines (no template sequences in them): the
    fewest leading white-space characters of the lines that are not white space only is
    removed from those lines; the others stay as they are."""
    counts = [len(line) - len(line.lstrip(GO_SPACES)) for line in lines if line.strip(GO_SPACES)]
    least = min(counts, default=0)
    return "".join((line[least:] if line.strip(GO_SPACES) else line) + "\n" for line in lines)


def heredoc_escape(value: str) -> str:
    return value.replace("${", "$${").replace("%{", "%%{")


def quote(value: str, unicode_escapes: bool = False) -> str:
    return '"' + escape(value, unicode_escapes) + '"'


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strings_in_files())
def test_every_character_of_a_string_maps_to_where_it_is_written(text):
    body = parse_hcl(text, "t.tf")
    for node in (n for n in nodes(body) if type(n) is X.Text):
        check_text_positions(text, node)


# ---- 5. properties -----------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b_1", "name", "my-var", "é", "resource", "count", "each", "x"])
WS = st.sampled_from([" ", " ", "  ", "\t"])


@st.composite
def expressions(draw, depth=0):
    """(HCL text, the normalised node the parser must build for it)."""
    leaves = ["int", "float", "bool", "null", "string", "ref"]
    kinds = leaves if depth >= 3 else leaves + ["attr", "index", "call", "array", "object", "binary", "unary",
                                                "cond", "template", "for", "splat", "heredoc",
                                                "indented heredoc"]
    kind = draw(st.sampled_from(kinds))
    sub = expressions(depth + 1)
    if kind == "int":
        value = draw(st.integers(0, 10**15))
        return str(value), ("lit", value)
    if kind == "float":
        whole, fraction = draw(st.integers(0, 999)), draw(st.integers(0, 999))
        return f"{whole}.{fraction}", ("lit", float(f"{whole}.{fraction}"))
    if kind == "bool":
        value = draw(st.booleans())
        return str(value).lower(), ("lit", value)
    if kind == "null":
        return "null", ("lit", None)
    if kind == "string":
        value = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10))
        return quote(value, draw(st.booleans())), ("text", value)
    if kind == "ref":
        name = draw(NAMES)
        return name, ("ref", name)
    if kind == "attr":
        text, node = draw(sub)
        name = draw(NAMES)
        return f"({text}).{name}", ("attr", node, name)
    if kind == "index":
        text, node = draw(sub)
        key_text, key = draw(sub)
        return f"({text})[{key_text}]", ("index", node, key)
    if kind == "splat":
        name = draw(NAMES)
        rest = tuple(draw(st.lists(NAMES, max_size=3)))
        form = draw(st.sampled_from(["[*]", ".*"]))
        return name + form + "".join("." + r for r in rest), ("splat", ("ref", name), rest)
    if kind == "call":
        name = draw(st.sampled_from(["f", "file", "jsonencode", "provider::p::fn"]))
        args = draw(st.lists(sub, max_size=3))
        expand = bool(args) and draw(st.booleans())
        separator = "," + draw(st.sampled_from([" ", "\n", " \n  "]))
        text = name + "(" + separator.join(t for t, _ in args) + ("..." if expand else "") + ")"
        return text, ("call", name, tuple(n for _, n in args)) + (("...",) if expand else ())
    if kind == "array":
        items = draw(st.lists(sub, max_size=4))
        separator = "," + draw(st.sampled_from([" ", "\n", "\n\n  "]))
        trailing = "," if items and draw(st.booleans()) else ""
        return "[" + separator.join(t for t, _ in items) + trailing + "]", ("array", *(n for _, n in items))
    if kind == "object":
        items = draw(st.lists(st.tuples(NAMES, st.booleans(), st.sampled_from(["=", ":"]), sub), max_size=4))
        separator = draw(st.sampled_from([", ", "\n", ",\n"]))
        # values in parentheses: a heredoc's closing marker ends its line, and a ',' may not follow it
        rendered = [f"{quote(k) if quoted else k} {op} ({t})" for k, quoted, op, (t, _) in items]
        if "\n" in separator or not items:
            text = "{\n" + separator.join(rendered) + "\n}"
        else:
            text = "{ " + separator.join(rendered) + " }"
        return text, ("object", *((("text", k), n) for k, _, _, (_, n) in items))
    if kind == "binary":
        (left, l_node), (right, r_node) = draw(sub), draw(sub)
        op = draw(st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]))
        return f"({left}){draw(WS)}{op}{draw(WS)}({right})", ("binary", op, l_node, r_node)
    if kind == "unary":
        text, node = draw(sub)
        op = draw(st.sampled_from(["!", "-"]))
        return f"{op}({text})", ("unary", op, node)
    if kind == "cond":
        (a, an), (b, bn), (c, cn) = draw(sub), draw(sub), draw(sub)
        return f"({a}) ? ({b}) : ({c})", ("cond", an, bn, cn)
    if kind == "template":
        pieces = draw(st.lists(st.one_of(st.text(st.sampled_from("ab ${}%\"\\\n"), min_size=1, max_size=5), sub),
                               min_size=1, max_size=4))
        if not any(isinstance(p, tuple) for p in pieces):
            pieces.append(draw(sub))
        text, parts = '"', []
        for piece in pieces:
            if isinstance(piece, str):
                if piece.endswith(("$", "%")):
                    # `$${` and `%%{` are escapes: a '$' or '%' cannot come right before an
                    # interpolation, or before a '{' the next piece (escaped on its own) starts with
                    piece += "_"
                text += escape(piece)
                if parts and parts[-1][0] == "str":
                    parts[-1] = ("str", parts[-1][1] + piece)
                else:
                    parts.append(("str", piece))
            else:
                text += "${" + piece[0] + "}"
                parts.append(piece[1])
        return text + '"', ("tpl", *(("text", p[1]) if p[0] == "str" else p for p in parts))
    if kind == "heredoc":
        content = draw(st.lists(st.text(st.sampled_from("ab $%{}\\\""), max_size=6), max_size=4))
        content = [c for c in content if c.strip() != "EOT"]
        return "<<EOT\n" + "".join(heredoc_escape(c) + "\n" for c in content) + "EOT\n", \
            ("text", "".join(c + "\n" for c in content))
    if kind == "indented heredoc":
        lines = draw(st.lists(st.tuples(st.text(st.sampled_from(" \t\u3000"), max_size=3),
                                        st.text(st.sampled_from("ab $%{}\\\" \t"), max_size=6)), max_size=5))
        lines = [(indent, rest) for indent, rest in lines if (indent + rest).strip(GO_SPACES) != "EOT"]
        written = [indent + rest for indent, rest in lines]
        return ("<<-EOT\n" + "".join(heredoc_escape(line) + "\n" for line in written) + "  EOT\n",
                ("text", flush(written)))
    # for
    names = tuple(draw(st.lists(NAMES, min_size=1, max_size=2, unique=True)))
    (coll, coll_node), (value, value_node) = draw(sub), draw(sub)
    condition = draw(st.one_of(st.none(), sub))
    cond_text = f" if ({condition[0]})" if condition else ""
    cond_node = condition[1] if condition else None
    if draw(st.booleans()):
        return f"[for {', '.join(names)} in ({coll}) : ({value}){cond_text}]", \
            ("for", names, coll_node, None, value_node, cond_node, False)
    key, key_node = draw(sub)
    grouped = draw(st.booleans())
    return (f"{{for {', '.join(names)} in ({coll}) : ({key}) => ({value}){'...' if grouped else ''}{cond_text}}}",
            ("for", names, coll_node, key_node, value_node, cond_node, grouped))


@st.composite
def bodies(draw, depth=0):
    """(HCL text of a body, its normalised items)."""
    items = []
    lines = []
    for _ in range(draw(st.integers(0 if depth else 1, 4))):
        comment = draw(st.sampled_from(["", "", " # note", " // note", " /* note */"]))
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            type_ = draw(NAMES)
            labels = draw(st.lists(st.tuples(NAMES, st.booleans()), max_size=2))
            label_text = "".join(" " + (quote(label) if quoted else label) for label, quoted in labels)
            inner_text, inner = draw(bodies(depth + 1))
            if not inner_text.strip() and draw(st.booleans()):
                lines.append(f"{type_}{label_text} {{}}{comment}")
            else:
                lines.append(f"{type_}{label_text} {{{comment}\n{inner_text}}}")
            items.append(("block", type_, tuple(label for label, _ in labels), inner))
        else:
            name = draw(NAMES)
            text, node = draw(expressions())
            if text.endswith("\n"):   # a heredoc: its closing marker ends the line
                lines.append(f"{name}{draw(WS)}={draw(WS)}{text.rstrip(chr(10))}")
            else:
                lines.append(f"{name}{draw(WS)}={draw(WS)}{text}{comment}")
            items.append(("=", name, node))
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["", "# a comment line", "  // indented comment"])))
    return "".join(line + "\n" for line in lines), tuple(items)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(bodies())
def test_rendered_bodies_parse_back(rendered):
    text, expected = rendered
    body = parse_hcl(text, "t.tf")
    assert norm(body) == expected
    check_positions(text, body)


# Texts that exercise every part of the tokenizer, to mutate.
SEEDS = [(SAMPLES / name).read_text(encoding="utf-8") for name in sorted(p.name for p in SAMPLES.iterdir())]
_LEAK = re.compile(r"\b(?:_?[A-Z][A-Z_]{2,}|Token|ParseFailure|Traceback|None)\b")
_INTERNAL = {symbol for row in _hcl_tables.ACTIONS for symbol in row} | {"STRING_LIT", "OQUOTE", "_NL"}


def assert_clean_outcome(text: str) -> None:
    try:
        result = parse_hcl(text, "m.tf")
    except InputError as error:
        assert error.file == "m.tf" and error.line >= 1 and error.column >= 1
        assert "\n" not in error.message and error.message
        outside_quotes = re.sub(r"'[^']*'|\"[^\"]*\"", "", error.message)
        leaks = [w for w in _LEAK.findall(outside_quotes) if w in _INTERNAL or not w.isupper()]
        assert not leaks, (error.message, leaks)
        lines = text.split("\n")
        assert error.line <= len(lines)
    else:
        assert type(result) is X.Body


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "cut"]))
        piece = draw(st.text(st.sampled_from('{}[]()"\'$%<-=:,.#/*\\\n ~!?aZ09EOT\r\t'), min_size=1, max_size=4))
        if action == "delete":
            text = text[:position] + text[position + len(piece):]
        elif action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "replace":
            text = text[:position] + piece + text[position + len(piece):]
        else:
            text = text[:position]
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_terraform_gives_a_body_or_an_input_error(text):
    assert_clean_outcome(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from('ab =\n{}[]()"$%<<-EOT#/*\\:,.?!~0 \t\r\ufeffé'), max_size=60) | st.text(max_size=40))
def test_arbitrary_text_gives_a_body_or_an_input_error(text):
    assert_clean_outcome(text)


def test_deep_nesting_is_an_input_error_or_a_body():
    assert_clean_outcome("a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert_clean_outcome("a = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    assert_clean_outcome('a = "' + "${\"" * 2000 + "\"}" * 2000 + '"\n')


# ---- 6. speed and import cost ------------------------------------------------------------------

def thousand_lines() -> str:
    text, copy = "", 0
    while text.count("\n") < 1000:
        for seed in SEEDS:
            text += seed.replace('" {', f'{copy}" {{') + "\n"
            copy += 1
    return text


def test_a_thousand_line_file_parses():
    """(How fast: benchmarks/run.py, section 9, the Terraform module's cold check.)"""
    text = thousand_lines()
    assert text.count("\n") >= 1000
    assert type(parse_hcl(text, "big.tf")) is X.Body


def test_importing_the_parser_imports_neither_lark_nor_typing():
    code = ("import sys; import schemacheck.jobs.hcl; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'interegular', 'typing', 'hcl2')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
