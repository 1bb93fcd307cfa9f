"""schemacheck.jobs.terraform: the values a Terraform module settles before a plan.

Variables (defaults, tfvars files and their precedence, -var-file), locals, path.module,
interpolation, conditions, loops, splats, functions, file() and templatefile(), and
where a query held in a .tf string is written (heredocs, quoted strings, escapes).
Each tree is a few small files written here, in the shapes public Terraform uses.
The jobs' resources and errors are in test_terraform_reader.py, modules, tables and
deployed templates in test_terraform_reader_modules.py (helpers: tests/support/terraform.py).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from support.terraform import position, read, write

from schemacheck.errors import InputError
from schemacheck.jobs.model import Job
from schemacheck.jobs.positions import PlacedPositions
from schemacheck.jobs.terraform import read_terraform

QUERY = "SELECT * INTO [out] FROM [in]"


def job_with(name_expr: str, extra: str = "", **files: str) -> dict[str, str]:
    """A main.tf whose one job is named by `name_expr` (the value under test), `extra`
    blocks before it."""
    main = textwrap.dedent(extra).lstrip("\n") + textwrap.dedent(f'''
        resource "azurerm_stream_analytics_job" "job" {{
          name                 = {name_expr}
          resource_group_name  = "rg-telemetry"
          location             = "westeurope"
          transformation_query = "{QUERY}"
        }}
        ''')
    return {"main.tf": main, **{k.replace("__", "."): v for k, v in files.items()}}


def name_of(tmp_path: Path, name_expr: str, extra: str = "", var_files: tuple[str, ...] = (), **files: str):
    jobs = read(tmp_path, job_with(name_expr, extra, **files), var_files)
    assert len(jobs) == 1
    return jobs[0].name


def notes(job: Job, code: str | None = None) -> list[tuple[str, str, int | None, int | None]]:
    return [(n.code, n.message, n.where.line, n.where.column) for n in job.notes if code in (None, n.code)]


# ---- variables --------------------------------------------------------------------------------

def test_a_variable_default_is_used_when_nothing_sets_it(tmp_path):
    extra = '''
        variable "env" {
          type    = string
          default = "dev"
        }
        '''
    assert name_of(tmp_path, '"asa-${var.env}"', extra) == "asa-dev"


def test_tfvars_precedence_is_terraforms(tmp_path):
    """Later wins: default -> terraform.tfvars -> terraform.tfvars.json -> *.auto.tfvars(.json)
    in name order (a .json one sorts by name like the others) -> the -var-file given."""
    extra = "".join(f'variable "{v}" {{ default = "default" }}\n' for v in "abcdef")
    files = {
        "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\nd = "tfvars"\ne = "tfvars"\n',
        "terraform.tfvars.json": json.dumps({"b": "json", "c": "json", "d": "json", "e": "json"}),
        "a.auto.tfvars.json": json.dumps({"c": "a.auto.json", "d": "a.auto.json", "e": "a.auto.json"}),
        "b.auto.tfvars": 'd = "b.auto"\ne = "b.auto"\n',
        "prod.tfvars": 'e = "prod"\n',
    }
    jobs = read(tmp_path, {**job_with('join(",", [var.a, var.b, var.c, var.d, var.e, var.f])', extra), **files},
                ("prod.tfvars",))
    assert jobs[0].name == "tfvars,json,a.auto.json,b.auto,prod,default"


def test_auto_tfvars_are_read_in_name_order(tmp_path):
    extra = 'variable "sku" { default = "default" }\n'
    files = {"10-base.auto.tfvars": 'sku = "base"\n', "20-override.auto.tfvars": 'sku = "override"\n',
             "05-first.auto.tfvars.json": '{"sku": "first"}'}
    assert name_of(tmp_path, "var.sku", extra, **{k.replace(".", "__"): v for k, v in files.items()}) == "override"


def test_var_files_given_are_read_after_the_auto_loaded_ones_in_the_order_given(tmp_path):
    extra = 'variable "env" { default = "default" }\nvariable "region" { default = "default" }\n'
    files = {"zz.auto.tfvars": 'env = "auto"\nregion = "auto"\n', "envs/prod.tfvars": 'env = "prod"\nregion = "prod"\n',
             "envs/prod-eu.tfvars": 'region = "eu"\n'}
    jobs = read(tmp_path, {**job_with('"${var.env}-${var.region}"', extra), **files},
                ("envs/prod.tfvars", "envs/prod-eu.tfvars"))
    assert jobs[0].name == "prod-eu"


def test_a_var_file_not_given_is_not_read(tmp_path):
    """prod.tfvars is read by Terraform only with -var-file: without PATH naming it, the
    default stands."""
    extra = 'variable "env" { default = "dev" }\n'
    assert name_of(tmp_path, "var.env", extra, prod__tfvars='env = "prod"\n') == "dev"


def test_tfvars_values_of_every_type(tmp_path):
    extra = '''
        variable "settings" { type = object({ level = string, units = number, tags = list(string) }) }
        variable "flags" { type = map(bool) }
        '''
    tfvars = '''
        settings = {
          level = "1.2"
          units = 3
          tags  = ["a", "b"]
        }
        flags = { edge = false }
        '''
    name = 'format("%s-%d-%s-%v", var.settings.level, var.settings.units, join("+", var.settings.tags), var.flags.edge)'
    assert name_of(tmp_path, name, extra, terraform__tfvars=tfvars) == "1.2-3-a+b-false"


def test_an_unset_variable_is_an_sc608_note_at_the_reference(tmp_path):
    extra = '''
        variable "prefix" {
          type        = string
          description = "Set per environment"
        }
        '''
    jobs = read(tmp_path, {**job_with('"asa-${var.prefix}"', extra), "prod.tfvars": 'prefix = "prod"\n'})
    job = jobs[0]
    assert job.name is None
    [(_, message, line, column)] = notes(job, "SC608")
    main = (tmp_path / "main.tf").read_text(encoding="utf-8")
    assert (line, column) == position(main, "var.prefix")
    assert message.startswith("the job's name is `var.prefix`, which is not set")
    assert 'variable "prefix" has no default' in message
    # the variables file Terraform reads only with -var-file, and how to give it
    assert "prod.tfvars" in message and "as PATH" in message


def test_an_unset_variable_in_a_setting_leaves_the_setting_unknown(tmp_path):
    files = {"main.tf": '''
        variable "level" {}
        resource "azurerm_stream_analytics_job" "job" {
          name                 = "asa"
          compatibility_level  = var.level
          transformation_query = "SELECT 1 INTO o FROM i"
        }
        '''}
    job = read(tmp_path, files)[0]
    assert job.compat_level.value is None
    assert (job.compat_level.where.line, job.compat_level.where.column) == (4, 26)
    assert [(c, line, col) for c, _, line, col in notes(job)] == [("SC608", 4, 26)]


@pytest.mark.parametrize("tfvars", [{}, {"terraform.tfvars": 'nope = "set anyway"\n'}])
def test_an_undeclared_variable_is_unknown_even_when_a_tfvars_file_sets_it(tmp_path, tfvars):
    """Terraform refuses a reference to a variable no block declares."""
    job = read(tmp_path, {**job_with("var.nope"), **tfvars})[0]
    assert job.name is None
    [(code, message, line, column)] = notes(job)
    assert code == "SC608" and "does not declare" in message and 'variable "nope"' in message
    assert (line, column) == position((tmp_path / "main.tf").read_text(encoding="utf-8"), "var.nope")


@pytest.mark.parametrize(("tfvars", "shown"), [
    ('name = var.other\n', "var.other"),
    ('name = local.x\n', "local.x"),
    ('name = upper("x")\n', "upper"),
    ('name = file("q.sql")\n', "file"),
])
def test_a_variables_file_that_refers_to_something_is_an_input_error(tmp_path, tfvars, shown):
    """tfvars hold constants: Terraform refuses references and function calls there."""
    extra = 'variable "name" { default = "a" }\n'
    with pytest.raises(InputError) as caught:
        read(tmp_path, {**job_with("var.name", extra), "terraform.tfvars": tfvars, "q.sql": QUERY})
    error = caught.value
    assert error.file == str(tmp_path / "terraform.tfvars")
    assert (error.line, error.column) == (1, 8)
    assert "constant" in error.message


@pytest.mark.parametrize(("name", "text", "fragment"), [
    ("terraform.tfvars.json", "[1, 2]", "holds an object"),
    ("terraform.tfvars.json", '{"env": ', "not valid JSON"),
    ("x.auto.tfvars", 'env = "unclosed\n', "unclosed string"),
])
def test_a_broken_variables_file_is_an_input_error_naming_it(tmp_path, name, text, fragment):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {**job_with('"asa"'), name: text})
    assert caught.value.file == str(tmp_path / name) and fragment in caught.value.message


def test_empty_tf_and_tfvars_files_are_read_as_nothing(tmp_path):
    """A scaffolded outputs.tf or an empty terraform.tfvars is valid Terraform."""
    files = {**job_with('"asa"'), "outputs.tf": "", "versions.tf": "\n  \n", "terraform.tfvars": ""}
    assert [j.name for j in read(tmp_path, files)] == ["asa"]


# ---- locals and paths -----------------------------------------------------------------------------

def test_locals_refer_to_locals_and_variables_across_files(tmp_path):
    files = job_with("local.job_name", '''
        variable "env" { default = "prod" }
        ''', locals__tf='''
        locals {
          prefix   = "asa-${local.workload}"
          job_name = "${local.prefix}-${var.env}"
        }
        locals {
          workload = "fleet"
        }
        ''')
    assert read(tmp_path, files)[0].name == "asa-fleet-prod"


def test_a_cycle_of_locals_is_an_sc608_note_and_does_not_hang(tmp_path):
    extra = '''
        locals {
          a = local.b
          b = "${local.a}-x"
        }
        '''
    job = read(tmp_path, job_with("local.a", extra))[0]
    assert job.name is None
    [(code, message, line, column)] = notes(job)
    assert code == "SC608" and "cycle" in message
    assert (line, column) == (3, 10)   # where the cycle closes: local.a inside b


def test_a_local_the_module_does_not_define_is_named(tmp_path):
    job = read(tmp_path, job_with("local.missing"))[0]
    [(code, message, _, _)] = notes(job)
    assert code == "SC608" and "`local.missing`" in message and "does not define" in message


def test_a_long_chain_of_locals_is_followed_or_noted_without_a_traceback(tmp_path):
    chain = "locals {\n" + "".join(f"  l{i} = local.l{i + 1}\n" for i in range(400)) + '  l400 = "end"\n}\n'
    job = read(tmp_path, job_with("local.l0", chain))[0]
    if job.name is None:   # deeper than schemacheck follows: said so, never a traceback
        [(code, message, _, _)] = notes(job)
        assert code == "SC608" and "more than" in message
    else:
        assert job.name == "end"
    short = "locals {\n" + "".join(f"  l{i} = local.l{i + 1}\n" for i in range(20)) + '  l20 = "end"\n}\n'
    assert read(tmp_path / "short", job_with("local.l0", short))[0].name == "end"


def test_path_module_is_relative_to_the_root_and_file_reads_from_the_root(tmp_path, monkeypatch):
    """Terraform runs in the root module: path.module is "." there and the module's folder
    below it elsewhere; a relative file() path is read from the root, whatever the current
    directory is (a same-named file in the current directory is not read)."""
    files = {
        "main.tf": '''
            module "asa" {
              source = "./modules/asa"
            }
            ''',
        "modules/asa/main.tf": '''
            resource "azurerm_stream_analytics_job" "job" {
              name                 = "asa-${path.module}-${path.root}"
              transformation_query = file("${path.module}/query.asaql")
            }
            ''',
        "modules/asa/query.asaql": QUERY,
        "elsewhere/modules/asa/query.asaql": "SELECT 'wrong file' INTO [out] FROM [in]",
    }
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path / "elsewhere")
    job = read_terraform(str(tmp_path))[0]
    assert job.name == "asa-modules/asa-."
    assert job.query.text == QUERY
    assert Path(job.query.file) == tmp_path / "modules" / "asa" / "query.asaql"


# ---- expressions --------------------------------------------------------------------------------

EXPRESSIONS = [
    ('"n-${1 + 2}-${true}-${2.5}"', "n-3-true-2.5"),
    ('var.on ? "yes" : "no"', "yes"),
    ('!var.on ? "yes" : "no"', "no"),
    ('var.nothing == null ? "null" : "set"', "null"),
    ('var.count > 2 && var.on ? "many" : "few"', "many"),
    ('join(",", [for s in var.list : upper(s.n)])', "A,B"),
    ('join(",", [for i, s in var.list : "${i}:${s.n}" if s.n != "a"])', "1:b"),
    ('join(",", values({ for k, v in var.map : k => "${k}=${v}" }))', "x=1,y=2"),
    ('join(",", keys({ for s in var.list : s.g => s.n... }))', "even,odd"),
    ('length({ for s in var.list : s.g => s.n... }["odd"])', "1"),
    ('join(",", var.list[*].n)', "a,b"),
    ('join(",", var.list.*.n)', "a,b"),
    ("var.list[1].n", "b"),
    ("var.list.0.n", "a"),
    ('var.map["y"]', "2"),
    ("var.list[length(var.list) - 1].n", "b"),
    ('"%{ if var.on }on%{ else }off%{ endif }"', "on"),
    ('"%{ if !var.on }on%{ endif }x"', "x"),
    ('"%{ for s in var.list }${s.n};%{ endfor }"', "a;b;"),
    ('"%{ for k, v in var.map }${k}${v}%{ endfor }"', "x1y2"),
    ("-var.count + 5", "2"),
    ("7 % var.count", "1"),
]


@pytest.mark.parametrize(("expression", "expected"), EXPRESSIONS)
def test_expressions_are_evaluated_as_terraform_does(tmp_path, expression, expected):
    extra = '''
        variable "on" { default = true }
        variable "nothing" { default = null }
        variable "count" { default = 3 }
        variable "list" { default = [{ n = "a", g = "odd" }, { n = "b", g = "even" }] }
        variable "map" {
          default = {
            x = "1"
            y = "2"
          }
        }
        '''
    job = read(tmp_path, job_with(expression, extra))[0]
    assert notes(job) == []
    assert job.name == expected


@pytest.mark.parametrize(("expression", "shown", "why"), [
    ('var.map["missing"]', 'var.map["missing"]', "does not have"),
    ('var.undecided ? "a" : "b"', 'var.undecided ? "a" : "b"', "condition"),
    ('"x-${var.list}"', '"x-${var.list}"', "not text"),
    ("var.list[5].n", "var.list[5]", "does not have"),
])
def test_what_an_expression_cannot_give_is_an_sc608_note_naming_it(tmp_path, expression, shown, why):
    extra = '''
        variable "undecided" { type = bool }
        variable "list" { default = ["a"] }
        variable "map" { default = { k = "v" } }
        '''
    job = read(tmp_path, job_with(expression, extra))[0]
    assert job.name is None
    [(code, message, _, _)] = notes(job)
    assert code == "SC608" and why in message
    assert f"`{shown}`" in message


# ---- functions ------------------------------------------------------------------------------------

FUNCTIONS = [
    ('lower("ASA-Telemetry")', "asa-telemetry"),
    ('upper("asa")', "ASA"),
    ('format("%s-%03d-%v", "asa", 7, true)', "asa-007-true"),
    ('format("%q", "a")', '"a"'),
    ('replace("asa_fleet_prod", "_", "-")', "asa-fleet-prod"),
    ('replace("asa01prod22", "/[0-9]+/", "-")', "asa-prod-"),
    ('join("-", ["asa", "fleet"])', "asa-fleet"),
    ('coalesce("", "fallback")', "fallback"),
    ('lookup({ prod = "p" }, "dev", "d")', "d"),
    ('lookup({ prod = "p" }, "prod", "d")', "p"),
    ('merge({ a = "1", b = "2" }, { b = "3" }).b', "3"),
    ('try(var.settings.missing, "fallback")', "fallback"),
    ('try(var.settings.name, "fallback")', "from-settings"),
    ('jsonencode({ a = 1, b = ["x"] })', '{"a":1,"b":["x"]}'),
    ('jsondecode("{\\"name\\": \\"decoded\\"}").name', "decoded"),
    ('element(["a", "b"], 3)', "b"),
    ('substr("asa-telemetry", 4, 5)', "telem"),
    ('trimsuffix("query.asaql", ".asaql")', "query"),
    ('title("fleet telemetry")', "Fleet Telemetry"),
    ('split("/", "a/b/c")[2]', "c"),
    ('join("", concat(["a"], ["b"]))', "ab"),
    ("tostring(12)", "12"),
    ('tonumber("41") + 1', "42"),
    ('basename("${path.module}/queries/main.asaql")', "main.asaql"),
    ('can(var.settings.missing) ? "yes" : "no"', "no"),
    ('can(var.settings.name) ? "yes" : "no"', "yes"),
    ('fileexists("${path.module}/present.txt") ? "yes" : "no"', "yes"),
    ('fileexists("${path.module}/absent.txt") ? "yes" : "no"', "no"),
    ('try(file("${path.module}/absent.txt"), "no file")', "no file"),
    ('trimspace(file("${path.module}/present.txt"))', "present"),
]


@pytest.mark.parametrize(("expression", "expected"), FUNCTIONS)
def test_functions_are_evaluated_as_terraform_does(tmp_path, expression, expected):
    extra = 'variable "settings" { default = { name = "from-settings" } }\n'
    job = read(tmp_path, {**job_with(expression, extra), "present.txt": "  present\n"})[0]
    assert notes(job) == []
    assert job.name == expected


@pytest.mark.parametrize("expression", ['try(var.unset, "fallback")',
                                        'try(data.azurerm_resource_group.rg.location, "x")',
                                        'can(var.unset) ? "a" : "b"'])
def test_try_and_can_of_a_value_the_files_do_not_settle_stay_unsettled(tmp_path, expression):
    """Terraform evaluates try() when the value is known (a -var, a data source read at plan
    time): the fallback is no answer, an SC608 note is."""
    extra = '''
        variable "unset" { type = string }
        data "azurerm_resource_group" "rg" {
          name = "rg-telemetry"
        }
        '''
    job = read(tmp_path, job_with(expression, extra))[0]
    assert job.name is None and [c for c, *_ in notes(job)] == ["SC608"]


@pytest.mark.parametrize("call", ['sha1("x")', "timestamp()", "uuid()",
                                  'provider::azurerm::normalise_resource_id("x")'])
def test_a_function_schemacheck_does_not_evaluate_is_an_sc608_note_naming_it(tmp_path, call):
    job = read(tmp_path, job_with(call))[0]
    assert job.name is None
    [(code, message, line, column)] = notes(job)
    name = call.split("(")[0].rsplit("::", 1)[-1]
    assert code == "SC608" and f"calls {name}()" in message
    assert (line, column) == position((tmp_path / "main.tf").read_text(encoding="utf-8"), call)


# ---- file() and templatefile() ------------------------------------------------------------------

def test_file_reads_the_query_and_keeps_its_own_positions(tmp_path):
    files = job_with('"asa"')
    files["main.tf"] = files["main.tf"].replace(f'"{QUERY}"', 'file("${path.module}/queries/main.asaql")')
    job = read(tmp_path, {**files, "queries/main.asaql": QUERY + "\n"})[0]
    assert job.query.text == QUERY + "\n"
    assert Path(job.query.file) == tmp_path / "queries" / "main.asaql"
    assert job.query.placed is None and job.query.at is None   # the file's own text: its own positions


def test_a_missing_file_is_an_input_error_at_the_call(tmp_path):
    files = job_with('"asa"')
    files["main.tf"] = files["main.tf"].replace(f'"{QUERY}"', 'file("${path.module}/queries/missing.asaql")')
    with pytest.raises(InputError) as caught:
        read(tmp_path, files)
    error = caught.value
    main = (tmp_path / "main.tf").read_text(encoding="utf-8")
    assert error.file == str(tmp_path / "main.tf")
    assert (error.line, error.column) == position(main, "file(")
    assert "missing.asaql" in error.message and "does not exist" in error.message


def test_a_file_that_is_not_utf8_is_an_input_error_at_the_call(tmp_path):
    files = job_with('"asa"')
    files["main.tf"] = files["main.tf"].replace(f'"{QUERY}"', 'file("query.asaql")')
    with pytest.raises(InputError) as caught:
        read(tmp_path, {**files, "query.asaql": b"SELECT '\xff' INTO o FROM i"})
    assert caught.value.file == str(tmp_path / "main.tf") and caught.value.line == 5
    assert "UTF-8" in caught.value.message


def test_an_empty_query_file_is_an_sc609_note(tmp_path):
    files = job_with('"asa"')
    files["main.tf"] = files["main.tf"].replace(f'"{QUERY}"', 'file("query.asaql")')
    job = read(tmp_path, {**files, "query.asaql": "\n"})[0]
    assert job.query is None
    assert [(c, "empty" in m) for c, m, _, _ in notes(job)] == [("SC609", True)]


def query_from(tmp_path: Path, expression: str, **files: str) -> Job:
    main = job_with('"asa"')["main.tf"].replace(f'"{QUERY}"', expression)
    return read(tmp_path, {"main.tf": main, **{k.replace("__", "."): v for k, v in files.items()}})[0]


def test_templatefile_fills_the_template_with_the_values_given(tmp_path):
    template = "SELECT ${column}, ${upper(unit)} AS Unit, $${literal}\nINTO [${output}]\nFROM [in]\n"
    job = query_from(tmp_path, 'templatefile("${path.module}/query.tftpl", { column = "DeviceId", unit = "c", '
                               'output = "adx" })', query__tftpl=template)
    assert notes(job) == []
    assert job.query.text == "SELECT DeviceId, C AS Unit, ${literal}\nINTO [adx]\nFROM [in]\n"
    # built by the template: positions in it point at the call
    assert job.query.at is not None and job.query.at.line == 5 and job.query.placed is None


def test_templatefile_renders_directives(tmp_path):
    template = "SELECT\n%{ for c in columns ~}\n    ${c},\n%{ endfor ~}\n    1 AS One\nINTO [out] FROM [in]"
    job = query_from(tmp_path, 'templatefile("q.tftpl", { columns = ["A", "B"] })', q__tftpl=template)
    assert job.query.text == "SELECT\n    A,\n    B,\n    1 AS One\nINTO [out] FROM [in]"


def test_templatefile_without_placeholders_is_the_file_itself(tmp_path):
    job = query_from(tmp_path, 'templatefile("q.tftpl", {})', q__tftpl=QUERY + "\n")
    assert job.query.text == QUERY + "\n"
    assert Path(job.query.file) == tmp_path / "q.tftpl" and job.query.at is None


def test_a_template_placeholder_not_given_is_an_sc608_note_at_the_call(tmp_path):
    job = query_from(tmp_path, 'templatefile("q.tftpl", { table = "T" })',
                     q__tftpl="SELECT ${column} INTO [${table}] FROM [in]")
    assert job.query is None
    [(code, message, line, column)] = notes(job)
    assert code == "SC608" and "`column`" in message and "q.tftpl" in message and "templatefile()" in message
    assert (line, column) == (5, 26)


def test_a_template_sees_only_its_values_not_the_modules(tmp_path):
    job = query_from(tmp_path, 'templatefile("q.tftpl", {})', q__tftpl="SELECT ${var.column} INTO o FROM i",
                     variables__tf='variable "column" { default = "x" }\n')
    assert job.query is None and [c for c, *_ in notes(job)] == ["SC608"]


def test_a_template_that_does_not_parse_is_an_input_error_in_the_template(tmp_path):
    with pytest.raises(InputError) as caught:
        query_from(tmp_path, 'templatefile("q.tftpl", {})', q__tftpl="SELECT 1\nINTO [${out] FROM [in]\n")
    error = caught.value
    assert error.file == str(tmp_path / "q.tftpl") and error.line == 2


def test_a_missing_template_is_an_input_error_at_the_call(tmp_path):
    with pytest.raises(InputError) as caught:
        query_from(tmp_path, 'templatefile("missing.tftpl", {})')
    assert caught.value.file == str(tmp_path / "main.tf") and caught.value.line == 5


# ---- where a query in a .tf file is written ------------------------------------------------------------

def placed_at(tmp_path: Path, job: Job, needle: str) -> tuple[int, int]:
    """Where the .tf file holds character `needle` of the query, through PlacedPositions
    (what every report format uses)."""
    text = Path(job.query.file).read_text(encoding="utf-8")
    offset = PlacedPositions(text, job.query.placed, job.query.text)(job.query.text.index(needle))
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


QUERIES = {
    "heredoc": ("<<QUERY\nSELECT DeviceId\nINTO [adx-out]\nFROM [hub]\nQUERY",
                "SELECT DeviceId\nINTO [adx-out]\nFROM [hub]\n"),
    "indented heredoc": ("<<-QUERY\n    SELECT DeviceId,\n        Temp\n    INTO [adx-out]\n    FROM [hub]\n  QUERY",
                         "SELECT DeviceId,\n    Temp\nINTO [adx-out]\nFROM [hub]\n"),
    "quoted with escapes": (r'"SELECT \"Device\" AS d, \u00e9\nINTO [adx-out]\tFROM [hub]"',
                            'SELECT "Device" AS d, \u00e9\nINTO [adx-out]\tFROM [hub]'),
    "quoted with $${": ('"SELECT \'$${x}\' AS t INTO [adx-out] FROM [hub]"',
                        "SELECT '${x}' AS t INTO [adx-out] FROM [hub]"),
    "heredoc with $${ and %%{": ("<<EOT\nSELECT '$${a}%%{b}' AS t\nINTO [adx-out]\nFROM [hub]\nEOT",
                                 "SELECT '${a}%{b}' AS t\nINTO [adx-out]\nFROM [hub]\n"),
}


@pytest.mark.parametrize("style", list(QUERIES))
def test_a_position_in_a_query_held_in_the_tf_maps_to_its_line_and_column(tmp_path, style):
    written, value = QUERIES[style]
    job = query_from(tmp_path, written)
    assert notes(job) == []
    assert job.query.text == value
    assert job.query.placed is not None and job.query.file == str(tmp_path / "main.tf")
    main = (tmp_path / "main.tf").read_text(encoding="utf-8")
    assert placed_at(tmp_path, job, "[adx-out]") == position(main, "[adx-out]")
    assert placed_at(tmp_path, job, "[hub]") == position(main, "[hub]")
    assert placed_at(tmp_path, job, "SELECT") == position(main, "SELECT")


def test_a_query_built_by_interpolation_points_at_the_expression(tmp_path):
    job = query_from(tmp_path, '"SELECT * INTO [${var.out}] FROM [in]"',
                     vars__tf='variable "out" { default = "adx" }\n')
    assert job.query.text == "SELECT * INTO [adx] FROM [in]"
    assert job.query.placed is None and (job.query.at.line, job.query.at.column) == (5, 26)


def test_a_query_that_is_not_text_is_an_sc609_note(tmp_path):
    job = query_from(tmp_path, "42")
    assert job.query is None and [(c, "not text" in m) for c, m, _, _ in notes(job)] == [("SC609", True)]
