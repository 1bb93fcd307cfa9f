"""ARM template expressions: schemacheck.jobs.armexpr, the evaluator of schemacheck.jobs.arm
(test_jobs_arm.py reads whole templates).

4. The evaluator, function by function; errors; the bounds on work and size.
5. Properties (hypothesis): the evaluator never raises; quoted literals round-trip;
   read_template raises nothing but InputError on mutated fixtures.
"""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.files import write
from support.jobs import ARM, job_template

from schemacheck.errors import InputError
from schemacheck.jobs import armexpr
from schemacheck.jobs.arm import read_template
from schemacheck.jobs.armexpr import Context, Unresolved, evaluate, reference_to, resolve_deep
from schemacheck.jobs.jsonfile import strip_comments

# ---- 4. the evaluator --------------------------------------------------------------------------


CONTEXT_TEMPLATE = {
    "parameters": {
        "name": {"type": "string", "defaultValue": "Orders"},
        "count": {"type": "int", "defaultValue": 3},
        "flag": {"type": "bool"},
        "cfg": {"type": "object"},
        "derived": {"type": "string", "defaultValue": "[concat(parameters('name'), '-x')]"},
        "missing": {"type": "string"},
        "key": {"type": "secureString", "defaultValue": "s3cr3t"},
    },
    "values": {"flag": {"value": True}, "cfg": {"value": {"DataSource": {"Database": "db1", "Tags": ["a", "b"]}}},
               "literal": {"value": "[not evaluated]"}},
    "variables": {
        "prefix": "ctso",
        "full": "[format('{0}-{1}', variables('prefix'), parameters('name'))]",
        "obj": {"a": "[variables('prefix')]", "b": ["[parameters('count')]", "[reference('r')]"]},
        "loopA": "[variables('loopB')]",
        "loopB": "[concat(variables('loopA'), 'x')]",
        "self": "[variables('SELF')]",
        "escaped": "[[not an expression]",
    },
}


@pytest.fixture
def context() -> Context:
    return Context(CONTEXT_TEMPLATE["parameters"], CONTEXT_TEMPLATE["values"], CONTEXT_TEMPLATE["variables"])


@pytest.mark.parametrize("expression, expected", [
    # literals, escapes, whitespace
    ("plain text", "plain text"),
    ("[[escaped]", "[escaped]"),
    ("[[", "[["),
    ("['it''s']", "it's"),
    ("[  concat( 'a' ,  'b' )  ]", "ab"),
    ("[42]", 42),
    ("[-7]", -7),
    ("[true()]", True),
    ("[false()]", False),
    ("[null()]", None),
    ("[true]", True),
    # parameters and variables, names ignore case
    ("[parameters('name')]", "Orders"),
    ("[PARAMETERS('NAME')]", "Orders"),
    ("[parameters('count')]", 3),
    ("[parameters('flag')]", True),
    ("[parameters('derived')]", "Orders-x"),
    ("[parameters('cfg').DataSource.Database]", "db1"),
    ("[parameters('cfg').datasource.DATABASE]", "db1"),
    ("[parameters('cfg')['DataSource']['Tags'][1]]", "b"),
    ("[variables('full')]", "ctso-Orders"),
    ("[variables('obj').a]", "ctso"),
    ("[variables('obj').b[0]]", 3),
    ("[variables('escaped')]", "[not an expression]"),
    # strings
    ("[concat('a', 1, true(), 'b')]", "a1Trueb"),
    ("[concat(createArray(1, 2), createArray(3))]", [1, 2, 3]),
    ("[format('{0}/{1}', 'job', 'out')]", "job/out"),
    ("[format('{0:N2} {{x}} {1,4}|{1,-3}|', 5, 'ab')]", "5 {x}   ab|ab |"),
    ("[format('{0}', createObject('a', 1))]", '{"a":1}'),
    ("[toLower('MiXeD')]", "mixed"),
    ("[toUpper('MiXeD')]", "MIXED"),
    ("[replace('a-b-c', '-', '_')]", "a_b_c"),
    ("[trim('  x y  ')]", "x y"),
    ("[substring('abcdef', 2)]", "cdef"),
    ("[substring('abcdef', 1, 3)]", "bcd"),
    ("[string(12)]", "12"),
    ("[string(true())]", "True"),
    ("[string(createArray('a', 1))]", '["a",1]'),
    ("[string(null())]", ""),
    ("[split('a,b;c', ',')]", ["a", "b;c"]),
    ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
    ("[split('abc', '')]", ["abc"]),
    ("[startsWith('Kusto', 'kus')]", True),
    ("[endsWith('Kusto', 'TO')]", True),
    ("[contains('Kusto', 'us')]", True),
    ("[contains(createArray(1, 2), 2)]", True),
    ("[contains(createObject('Key', 1), 'key')]", True),
    # conversions
    ("[int('42')]", 42),
    ("[int(' -5 ')]", -5),
    ("[bool('TRUE')]", True),
    ("[bool(0)]", False),
    ("[json('{\"a\": [1, null]}')]", {"a": [1, None]}),
    # logic and comparison
    ("[if(equals(parameters('name'), 'Orders'), 'yes', 'no')]", "yes"),
    ("[if(false(), reference('x'), 'lazy')]", "lazy"),
    ("[equals('a', 'A')]", False),
    ("[equals(1, true())]", False),
    ("[equals(createArray(1, 'a'), createArray(1, 'a'))]", True),
    ("[not(true())]", False),
    ("[and(true(), true(), false())]", False),
    ("[and(parameters('missing'), false())]", False),
    ("[or(false(), true())]", True),
    ("[or(parameters('missing'), true())]", True),
    ("[empty('')]", True),
    ("[empty(createObject())]", True),
    ("[empty(null())]", True),
    ("[empty(createArray(1))]", False),
    ("[coalesce(null(), null(), 'third')]", "third"),
    ("[coalesce(null())]", None),
    # collections
    ("[length('abc')]", 3),
    ("[length(createArray(1, 2))]", 2),
    ("[length(parameters('cfg').DataSource)]", 2),
    ("[first(createArray('x', 'y'))]", "x"),
    ("[last('xyz')]", "z"),
    ("[first(createArray())]", None),
    ("[createObject('a', 1, 'b', createArray(2))]", {"a": 1, "b": [2]}),
    ("[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('A', 2, 'n', createObject('y', 2)))]",
     {"A": 2, "n": {"x": 1, "y": 2}}),
    ("[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]),
    ("[tryGet(parameters('cfg'), 'DataSource', 'Database')]", "db1"),
    ("[tryGet(parameters('cfg'), 'Nope')]", None),
])
def test_evaluates(context, expression, expected):
    result = evaluate(expression, context)
    assert result == expected and type(result) is type(expected), result


@pytest.mark.parametrize("expression, reason", [
    ("[parameters('missing')]", "parameter 'missing' has no value"),
    ("[parameters('undeclared')]", "declares no parameter 'undeclared'"),
    ("[parameters('literal')]", "declares no parameter 'literal'"),
    ("[variables('nope')]", "no variable 'nope'"),
    ("[variables('loopA')]", "refers to itself (loopa -> loopb -> loopa)"),
    ("[variables('self')]", "refers to itself"),
    ("[resourceGroup().location]", "resourceGroup() depends on the resource group"),
    ("[subscription().subscriptionId]", "subscription() depends on"),
    ("[deployment().name]", "deployment() depends on"),
    ("[environment().suffixes.kusto]", "environment() depends on the Azure cloud"),
    ("[reference('x').uri]", "reference() depends on"),
    ("[resourceId('Microsoft.Kusto/clusters', 'c')]", "resourceId() depends on"),
    ("[uniqueString('a')]", "uniqueString() depends on"),
    ("[listKeys('id', '2021-01-01').keys[0].value]", "listKeys() depends on the keys or secrets"),
    ("[copyIndex()]", "copyIndex() depends on the iteration"),
    ("[frobnicate(1)]", "frobnicate() is not a template function"),
    ("[contoso.uniqueName('x')]", "contoso.uniqueName() is a function the template defines"),
    ("[concat(]", "not a valid template expression"),
    ("[concat('a' 'b')]", "expected ',' or ')'"),
    ("['unterminated]", "not a valid template expression"),
    ("[]", "ends too early"),
    ("[parameters]", "'parameters' is not a function call"),
    ("[concat('a'))]", "unexpected ')'"),
    ("[1.5]", "a property name expected"),
    ("[99999999999999999999]", "number out of range"),
    ("[concat()]", "concat() takes at least 1 argument, not 0"),
    ("[toLower('a', 'b')]", "toLower() takes 1 argument, not 2"),
    ("[if(true(), 1)]", "if() takes 3 arguments, not 2"),
    ("[substring('abc', 1, 2, 3)]", "substring() takes 2 to 3 arguments"),
    ("[toLower(1)]", "toLower() takes a string, not a number"),
    ("[concat('a', createArray(1))]", "not a mixture"),
    ("[format('{1}', 'a')]", "no argument {1}"),
    ("[format('{ x', 'a')]", "lone brace"),
    ("[replace('abc', '', 'x')]", "cannot replace an empty string"),
    ("[substring('abc', 4)]", "outside a string of 3"),
    ("[substring('abc', 1, 5)]", "runs outside"),
    ("[int('12a')]", "string of digits"),
    ("[int(true())]", "int() takes a string or a number, not a boolean"),
    ("[bool('yes')]", "bool() cannot make true or false"),
    ("[if('true', 1, 2)]", "if() takes true or false"),
    ("[not(1)]", "not() takes true or false"),
    ("[empty(1)]", "empty() takes"),
    ("[length(1)]", "length() takes"),
    ("[json('{nope')]", "json() takes text that is JSON"),
    ("[createObject('a')]", "in pairs"),
    ("[union(createArray(), createObject())]", "all objects or all arrays"),
    ("[parameters('cfg').nope]", "no property 'nope'"),
    ("[parameters('cfg').DataSource.Tags[5]]", "index 5 is outside the array of 2"),
    ("[parameters('name').length]", "cannot take ['length'] of a string"),
    ("[variables('obj').b[1]]", "reference() depends on"),
    ("[string(variables('obj'))]", "reference() depends on"),
    ("[equals(variables('obj'), 1)]", "reference() depends on"),
    ("[coalesce(parameters('missing'), 'x')]", "parameter 'missing' has no value"),
    ("[and(parameters('missing'), true())]", "parameter 'missing' has no value"),
])
def test_unresolved(context, expression, reason):
    result = evaluate(expression, context)
    assert isinstance(result, Unresolved), result
    assert reason in result.reason
    assert result.expression


@pytest.mark.parametrize("expression, expected", [
    ("[add(2, 3)]", 5),
    ("[sub(2, 3)]", -1),
    ("[mul(-2, 3)]", -6),
    ("[div(-7, 2)]", -3),           # towards zero, as .NET
    ("[mod(-7, 2)]", -1),
    ("[min(3, 1, 2)]", 1),
    ("[max(createArray(3, 9))]", 9),
    ("[greater(2, 1)]", True),
    ("[greaterOrEquals('a', 'b')]", False),
    ("[less(1, 2)]", True),
    ("[lessOrEquals(2, 2)]", True),
    ("[range(2, 3)]", [2, 3, 4]),
    ("[length(range(0, 20))]", 20),
    ("[take('abcdef', 3)]", "abc"),
    ("[take('ab', -1)]", ""),
    ("[skip(createArray(1, 2, 3), 2)]", [3]),
    ("[indexOf('Kusto', 'US')]", 1),
    ("[lastIndexOf('abcabc', 'b')]", 4),
    ("[padLeft(7, 3, '0')]", "007"),
    ("[padLeft('abcd', 2)]", "abcd"),
    # what Bicep compiles a module's name-from-id helper to
    ("[if(greaterOrEquals(length(split('/a/b/c', '/')), 3), last(split('/a/b/c', '/')), 'short')]", "c"),
])
def test_evaluates_arithmetic_and_comparisons(context, expression, expected):
    result = evaluate(expression, context)
    assert result == expected and type(result) is type(expected), result


@pytest.mark.parametrize("expression, reason", [
    ("[div(1, 0)]", "divides by zero"),
    ("[mod(1, 0)]", "divides by zero"),
    ("[add('a', 1)]", "add() takes a whole number"),
    ("[mul(9223372036854775807, 2)]", "out of range"),
    ("[min(createArray())]", "at least one number"),
    ("[greater('a', 1)]", "greater() takes a whole number"),
    ("[range(0, 20000)]", "range() builds an array of 20000 items"),
    ("[take(1, 1)]", "take() takes a string or array"),
    ("[padLeft('a', 3, 'xy')]", "pads with one character"),
    ("[padLeft('a', 2000000)]", "larger than"),
])
def test_unresolved_arithmetic(context, expression, reason):
    result = evaluate(expression, context)
    assert isinstance(result, Unresolved) and reason in result.reason, result


def test_copy_index_inside_a_loop(context):
    context.copies, context.copy_current = {"outer": 2, "inner": 5}, "inner"
    assert evaluate("[copyIndex()]", context) == 5
    assert evaluate("[copyIndex(1)]", context) == 6
    assert evaluate("[copyIndex('OUTER')]", context) == 2
    assert evaluate("[copyIndex('outer', 10)]", context) == 12
    assert "copyIndex() depends on the iteration" in evaluate("[copyIndex('other')]", context).reason
    assert "0 to 2 arguments, not 3" in evaluate("[copyIndex('outer', 1, 2)]", context).reason
    assert "a loop name and an offset at most" in evaluate("[copyIndex(1, 2)]", context).reason
    assert "copyIndex() takes a whole number" in evaluate("[copyIndex('outer', 'x')]", context).reason
    context.copies, context.copy_current = {}, None
    assert isinstance(evaluate("[copyIndex()]", context), Unresolved)


def test_unresolved_names_the_innermost_expression(context):
    result = evaluate("[concat(variables('obj').b[1], 'x')]", context)
    assert result.expression == "[reference('r')]"
    result = evaluate("[concat(parameters('missing'), 'x')]", context)
    assert result.expression == "[concat(parameters('missing'), 'x')]"


def test_non_strings_are_themselves(context):
    for value in (None, 1, 2.5, True, [1, "[x]"], {"a": "[x]"}):
        assert evaluate(value, context) is value


def test_parameters_file_values_are_not_evaluated():
    context = Context({"p": {"type": "string"}}, {"p": {"value": "[concat('a', 'b')]"}})
    assert evaluate("[parameters('p')]", context) == "[concat('a', 'b')]"


def test_resolve_deep(context):
    value = {"[variables('prefix')]": ["[parameters('count')]", {"k": "[[lit]"}], "[[key]": "[reference('x')]"}
    resolved = resolve_deep(value, context)
    assert resolved["ctso"] == [3, {"k": "[lit]"}]
    assert isinstance(resolved["[key]"], Unresolved)


def test_secure_read(context):
    evaluate("[parameters('name')]", context)
    assert not context.secure_read
    assert evaluate("[concat(parameters('KEY'), '')]", context) == "s3cr3t"
    assert context.secure_read


def test_secure_read_survives_the_cache():
    context = Context({"key": {"type": "secureObject", "defaultValue": {"a": "b"}}}, {},
                      {"wrapped": "[parameters('key')]"})
    for _ in range(2):
        context.secure_read = False
        assert evaluate("[variables('wrapped').a]", context) == "b"
        assert context.secure_read


def test_stand_in_only_through_string_building(context):
    assert evaluate("[concat(parameters('missing'), '/out')]", context, stand_in="?") == "?/out"
    assert evaluate("[format('{0}/{1}', toLower(parameters('missing')), 'o')]", context, stand_in="?") == "?/o"
    assert isinstance(evaluate("[if(equals(parameters('missing'), 'a'), 'x', 'y')]", context, stand_in="?"),
                      Unresolved)
    assert isinstance(evaluate("[parameters('missing')]", context, stand_in="?"), Unresolved)
    # a variable's own value is never built from stand-ins
    context2 = Context({"p": {"type": "string"}}, {}, {"v": "[concat(parameters('p'), 'x')]"})
    assert evaluate("[concat(variables('v'), '/o')]", context2, stand_in="?") == "?/o"
    assert isinstance(evaluate("[variables('v')]", context2), Unresolved)


def test_reference_to():
    assert reference_to("[parameters('query')]") == ("parameters", "query")
    assert reference_to("[ Variables( 'q' ) ]") == ("variables", "q")
    for value in ("[parameters('q').x]", "[concat(parameters('q'))]", "[parameters(variables('v'))]",
                  "parameters('q')", "[[parameters('q')]", "[parameters(]", 3, None):
        assert reference_to(value) is None, value


class TestBounds:
    def test_doubling_strings_stop_at_the_size_limit(self):
        variables = {"v0": "x" * 1000}
        for i in range(1, 15):     # 1,000 characters doubled 14 times: 16 million
            variables[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
        result = evaluate("[length(variables('v14'))]", Context(variables=variables))
        assert isinstance(result, Unresolved) and "larger than" in result.reason

    def test_replace_and_format_cannot_blow_up(self):
        def tenfold(times: int) -> str:
            expression = "'aaaaaaaaaa'"
            for _ in range(times):
                expression = f"replace({expression}, 'a', 'aaaaaaaaaa')"
            return f"[{expression}]"

        assert evaluate(tenfold(4)) == "a" * 100_000
        assert "larger than" in evaluate(tenfold(6)).reason
        assert "larger than" in evaluate("[format('{0,99999999}', 1)]").reason

    def test_arrays_are_bounded(self):
        variables = {"a0": "[createArray(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]"}
        for i in range(1, 20):
            variables[f"a{i}"] = f"[concat(variables('a{i - 1}'), variables('a{i - 1}'))]"
        result = evaluate("[length(variables('a19'))]", Context(variables=variables))
        assert "more than" in result.reason
        assert "more than" in evaluate("[split('" + "," * 20_000 + "', ',')]").reason

    def test_long_chains_of_variables(self):
        variables = {f"v{i}": f"[variables('v{i + 1}')]" for i in range(200)}
        variables["v200"] = "end"
        result = evaluate("[variables('v0')]", Context(variables=variables))
        assert isinstance(result, Unresolved) and "refer through more than" in result.reason

    def test_deep_nesting(self):
        result = evaluate("[" + "concat(" * 500 + "'x'" + ")" * 500 + "]")
        assert isinstance(result, Unresolved) and "nests too deeply" in result.reason
        assert evaluate("[" + "concat(" * 20 + "'x'" + ")" * 20 + "]") == "x"
        deep = {"a": "x"}
        for _ in range(300):
            deep = {"a": deep}
        walked = resolve_deep(deep)
        while isinstance(walked, dict):
            walked = walked["a"]
        assert isinstance(walked, Unresolved)

    def test_too_many_steps(self):
        result = evaluate("[createArray(" + ", ".join(["1"] * (armexpr.MAX_STEPS + 10)) + ")]")
        assert isinstance(result, Unresolved) and "steps" in result.reason


# ---- 5. properties ----------------------------------------------------------------------------


EXPRESSION_PARTS = st.sampled_from([
    "concat(", "format(", "parameters(", "variables(", "'a'", "''", "'{0}'", ",", ")", "(", "[", "]",
    ".", "x", "1", "-", " ", "if(", "true()", "createArray(", "reference(", "'", "{", "}", "split(",
    "json(", "'[1,2]'", "union(", "length(", "toLower(", "replace(", "substring(", "'cfg'", "'obj'",
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(EXPRESSION_PARTS, max_size=30).map("".join)))
def test_evaluator_never_raises(body):
    context = Context(CONTEXT_TEMPLATE["parameters"], CONTEXT_TEMPLATE["values"], CONTEXT_TEMPLATE["variables"])
    result = evaluate("[" + body + "]", context)
    assert result is None or isinstance(result, (str, int, float, bool, list, dict, Unresolved))
    reference_to("[" + body + "]")


@given(st.text())
def test_quoted_literals_round_trip(text):
    quoted = "'" + text.replace("'", "''") + "'"
    assert evaluate(f"[{quoted}]") == text
    assert evaluate(f"[concat({quoted}, {quoted})]") == text + text
    assert evaluate(f"[format('{{0}}', {quoted})]") == text


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8),
              st.sampled_from(["[parameters('adxDatabase')]", "[reference('x').y]", "[concat(", "[[x]",
                               "[variables('jobName')]", "Microsoft.Kusto/clusters/databases",
                               "Microsoft.StreamAnalytics/streamingjobs/outputs", "job/out", "outputs",
                               "[parameters('Output_adx').DataSource]", "[createArray()]",
                               "[createObject('type', 'SystemAssigned')]", "SystemAssigned"])),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["name", "type", "properties", "query",
                                                                "datasource", "x"]), children, max_size=3)),
    max_leaves=8)

FIXTURE_PAIRS = [("telemetry.json", "telemetry.parameters.json"), ("orders.json", "orders.parameters.json"),
                 ("two_jobs.json", None), ("unresolved.json", None), ("symbolic.json", None),
                 ("cicd/Sales.JobTemplate.json", "cicd/Sales.JobTemplate.parameters.json"),
                 ("legacy_build.json", None), ("nested.json", "nested.parameters.json"), ("copies.json", None)]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _paths(item, prefix + (name,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    if new is _DELETE and not rest:
        del copy[head]
    else:
        copy[head] = _replace(value[head], rest, new)
    return copy


_DELETE = object()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURE_PAIRS), st.booleans(), st.data())
def test_mutated_templates_raise_only_input_errors(pair, mutate_parameters, data):
    template_name, parameters_name = pair
    target = parameters_name if (mutate_parameters and parameters_name) else template_name
    with open(ARM / target, encoding="utf-8") as handle:
        original = json.loads(strip_comments(handle.read()))
    paths = list(_paths(original))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        new = data.draw(st.one_of(JSON_VALUES, st.just(_DELETE))) if path else data.draw(JSON_VALUES)
        if new is _DELETE and not path:
            continue
        try:
            original = _replace(original, path, new)
        except (KeyError, IndexError, TypeError):
            continue
        paths = list(_paths(original))
    with tempfile.TemporaryDirectory() as directory:
        files = {name: str(ARM / name) for name in (template_name, parameters_name) if name}
        files[target] = write(directory, os.path.basename(target), original)
        try:
            jobs = read_template(files[template_name], files.get(parameters_name))
        except InputError:
            return
    for job in jobs:
        assert job.form == "arm"
        for collection in (job.outputs, job.inputs, job.functions):
            assert collection is None or isinstance(collection, tuple)
        for note in job.notes:
            assert note.code in ("SC608", "SC609") and note.where.file


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(FIXTURE_PAIRS), st.data())
def test_damaged_text_raises_only_input_errors(pair, data):
    template_name, parameters_name = pair
    text = (ARM / template_name).read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(st.sampled_from(["", "{", "}", "[", "]", '"', ",", "//", "/*", "\\", "\x00", "é"]))
    with tempfile.TemporaryDirectory() as directory:
        path = write(directory, "t.json", text[:start] + insert + text[end:])
        try:
            read_template(path, str(ARM / parameters_name) if parameters_name else None)
        except InputError:
            pass


def test_copy_loops_inside_copy_loops_are_bounded(tmp_path):
    """Loops of loops of nested deployments expand at most MAX_EXPANDED iterations in all."""
    inner = job_template(name="[concat('j', copyIndex())]", copy={"name": "c", "count": 100})
    template = {"resources": [{"type": "Microsoft.Resources/deployments", "name": "d",
                               "copy": {"name": "d", "count": 100},
                               "properties": {"template": inner}}]}
    jobs = read_template(write(str(tmp_path), "t.json", template))
    from schemacheck.jobs.arm import MAX_EXPANDED
    assert len(jobs) <= MAX_EXPANDED + 100


def test_existing_jobs_count_only_with_children_and_switched_off_jobs_are_noted(tmp_path):
    """languageVersion 2.0 lists a job a module only refers to as `existing`: it is a job to
    check when the template gives it children, and nothing otherwise. A job whose condition
    is false is checked with a note."""
    child = {"type": "Microsoft.StreamAnalytics/streamingjobs/outputs", "name": "[format('{0}/{1}', 'shared', 'adx')]",
             "properties": {"datasource": {"type": "Microsoft.Kusto/clusters/databases",
                                           "properties": {"database": "db", "table": "T"}}},
             "dependsOn": ["shared"]}
    template = {"languageVersion": "2.0", "parameters": {"on": {"type": "bool", "defaultValue": False}},
                "resources": {
                    "shared": {"type": "Microsoft.StreamAnalytics/streamingjobs", "existing": True, "name": "shared"},
                    "other": {"type": "Microsoft.StreamAnalytics/streamingjobs", "existing": True, "name": "other"},
                    "adx": child,
                    "off": dict(job_template()["resources"][0], name="off", condition="[parameters('on')]"),
                }}
    jobs = read_template(write(str(tmp_path), "t.json", template))
    assert [job.name for job in jobs] == ["shared", "off"]
    assert [(o.alias, o.kind, o.database) for o in jobs[0].outputs] == [("adx", "adx", "db")]
    (note,) = jobs[1].notes
    assert note.code == "SC609" and "condition [parameters('on')] is false" in note.message
