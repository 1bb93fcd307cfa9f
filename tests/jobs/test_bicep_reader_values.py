"""The values the Bicep job reader (schemacheck.jobs.bicep) settles: parameters from
defaults, .bicepparam and ARM parameters JSON files; variables, interpolation, operators,
functions, member access; strings and their places (a query held in a string maps back to
the .bicep); and the SC608 notes of what the files leave unsettled. The structure of jobs,
modules and scripts is in test_bicep_reader.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from schemacheck.errors import InputError
from schemacheck.jobs.bicep import read_bicep, using_target
from schemacheck.jobs.model import Job, Where
from schemacheck.jobs.positions import PlacedPositions

JOB_TYPE = "Microsoft.StreamAnalytics/streamingjobs@2021-10-01-preview"
QUERY = "transformation: { name: 'main', properties: { query: 'SELECT * INTO [adx] FROM [in]' } }"


def write(root: Path, files: dict[str, str]) -> Path:
    """Write each file (its text dedented) under `root`; the first file's path."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(textwrap.dedent(text).encode("utf-8"))
    return root / next(iter(files))


def read(root: Path, files: dict[str, str], parameters: str | None = None) -> list[Job]:
    main = write(root, files)
    return read_bicep(str(main), str(root / parameters) if parameters else None)


def only(jobs: list[Job]) -> Job:
    assert len(jobs) == 1, [j.name for j in jobs]
    return jobs[0]


def at(path: Path, needle: str) -> Where:
    """Where `needle` first starts in the file (1-based line and column)."""
    text = path.read_text(encoding="utf-8")
    index = text.index(needle)
    return Where(str(path), text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1)


def notes(job: Job) -> list[tuple[str, str, int | None]]:
    return [(n.code, n.message, n.where.line) for n in job.notes]


def locale_job(tmp_path: Path, declarations: str, expression: str, files: dict[str, str] | None = None) -> Job:
    """The job of a file whose data locale is `expression` (after `declarations`)."""
    main = (textwrap.dedent(declarations) + f"\nresource job '{JOB_TYPE}' = {{\n  name: 'asa'\n"
            f"  properties: {{\n    dataLocale: {expression}\n    {QUERY}\n  }}\n}}\n")
    write(tmp_path, {"main.bicep": main, **(files or {})})
    return only(read_bicep(str(tmp_path / "main.bicep")))


def locale(tmp_path: Path, declarations: str, expression: str) -> str | None:
    job = locale_job(tmp_path, declarations, expression)
    assert job.notes == (), job.notes
    return job.data_locale.value


# ---- parameters ----------------------------------------------------------------------------

MAIN = f"""\
    param jobName string = 'asa-default'
    param level string = '1.1'
    param database string
    param tables object = {{ main: 'DefaultTable' }}
    param locale string = 'en-US'

    resource job '{JOB_TYPE}' = {{
      name: jobName
      properties: {{
        compatibilityLevel: level
        dataLocale: locale
        outputs: [
          {{
            name: 'adx'
            properties: {{
              datasource: {{
                type: 'Microsoft.Kusto/clusters/databases'
                properties: {{ database: database, table: tables.main }}
              }}
            }}
          }}
        ]
        {QUERY}
      }}
    }}
"""


def test_defaults_are_used_and_a_parameter_without_value_is_noted_at_each_use(tmp_path):
    main = write(tmp_path, {"main.bicep": MAIN.replace("table: tables.main", "table: '${database}_t'")})
    job = only(read_bicep(str(main)))
    assert (job.name, job.compat_level.value, job.data_locale.value) == ("asa-default", "1.1", "en-US")
    assert job.compat_level.where == at(main, "'1.1'")
    assert job.outputs is not None and (job.outputs[0].database, job.outputs[0].table) == (None, None)
    why = "which is a parameter with no default, and no parameters file sets it: what depends on it is not checked"
    assert notes(job) == [("SC608", f"the database of output 'adx' is `database`, {why}", 18),
                          ("SC608", f"the table of output 'adx' is `database`, {why}", 18)]
    assert [n.where.column for n in job.notes] == [at(main, "database: database").column + 10,
                                                   at(main, "${database}").column + 2]


def test_a_bicepparam_file_sets_values_with_expressions_and_its_own_variables(tmp_path):
    write(tmp_path, {"main.bicep": MAIN, "prod.bicepparam": """\
        using './main.bicep'

        var environment = 'prod'
        param jobName = 'asa-${environment}'
        param level = '1.2'
        param database = toUpper('${environment}db')
        param tables = {
          main: 'Readings_${jobName}'
        }
        param locale = readEnvironmentVariable('ASA_LOCALE', 'en-GB')
        """})
    params = tmp_path / "prod.bicepparam"
    job = only(read_bicep(str(tmp_path / "main.bicep"), str(params)))
    assert (job.name, job.compat_level.value) == ("asa-prod", "1.2")
    assert job.compat_level.where == at(params, "'1.2'")
    assert job.outputs is not None
    assert (job.outputs[0].database, job.outputs[0].table) == ("PRODDB", "Readings_asa-prod")
    assert job.data_locale.value is None
    assert notes(job) == [("SC608", ("the job's data locale is `readEnvironmentVariable('ASA_LOCALE', 'en-GB')`, which "
                           "reads an environment variable of the machine that deploys it: what depends on it is not "
                           "checked"), 10)]
    assert job.notes[0].where.file == str(params)


def test_an_arm_parameters_file_sets_values_and_a_key_vault_reference_is_noted(tmp_path):
    write(tmp_path, {"main.bicep": MAIN, "main.parameters.json": """\
        {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
          "contentVersion": "1.0.0.0",
          "parameters": {
            "jobName": { "value": "asa-json" },
            "database": { "value": "sales" },
            "tables": { "value": { "main": "Orders" } },
            "locale": {
              "reference": {
                "keyVault": { "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" },
                "secretName": "locale"
              }
            },
            "notInTheFile": { "value": 1 }
          }
        }
        """})
    params = tmp_path / "main.parameters.json"
    job = only(read_bicep(str(tmp_path / "main.bicep"), str(params)))
    assert (job.name, job.compat_level.value) == ("asa-json", "1.1")   # level keeps its default
    assert job.outputs is not None and (job.outputs[0].database, job.outputs[0].table) == ("sales", "Orders")
    assert notes(job) == [("SC608", ("the job's data locale is `the Key Vault reference of parameter 'locale'`, which "
                           "is a secret the deployment reads from Key Vault: what depends on it is not checked"), 9)]
    assert job.notes[0].where.file == str(params)


def test_using_names_the_local_bicep_file_only(tmp_path):
    write(tmp_path, {"a.bicepparam": "using './infra/main.bicep'\nparam x = 1\n",
                     "b.bicepparam": "using 'br/public:avm/res/kusto/cluster:0.1.0'\n",
                     "c.bicepparam": "using none\nparam x = 1\n"})
    assert using_target(str(tmp_path / "a.bicepparam")) == str(tmp_path / "infra" / "main.bicep")
    assert using_target(str(tmp_path / "b.bicepparam")) is None
    assert using_target(str(tmp_path / "c.bicepparam")) is None


# ---- variables, operators, functions -------------------------------------------------------

DECLARATIONS = """\
    param prefix string = 'Asa'
    param count int = 3
    param enabled bool = true
    var cfg = {
      Outputs: [
        { name: 'hot', table: 'Hot' }
        { name: 'cold', table: 'Cold' }
      ]
      'quoted-key': 'q'
    }
    var names = [ 'a', 'b', 'c' ]
    var base = { compatibilityLevel: '1.2', dataLocale: 'en-US' }
    var merged = { ...base, dataLocale: 'de-DE' }
    var longer = [ ...names, 'd' ]
    var nothing = null
    func label(name string, n int) string => '${name}#${n}'
"""


@pytest.mark.parametrize(("expression", "expected"), [
    ("'${prefix}-${count}-${enabled}'", "Asa-3-true"),
    ("enabled ? 'on' : 'off'", "on"),
    ("count > 5 ? 'many' : 'few'", "few"),
    ("prefix =~ 'ASA' ? 'same' : 'other'", "same"),
    ("!enabled || count == 3 && prefix != 'x'", "true"),
    ("count * 2 + 7 / 2 - 10 % 4", "7"),
    ("-count", "-3"),
    ("cfg.outputs[1].TABLE", "Cold"),
    ("cfg['quoted-key']", "q"),
    ("names[^1]", "c"),
    ("cfg.?missing ?? 'fallback'", "fallback"),
    ("cfg[?'missing'] ?? 'fallback'", "fallback"),
    ("nothing ?? 'fallback'", "fallback"),
    ("cfg!.outputs[0].name", "hot"),
    ("merged.dataLocale", "de-DE"),
    ("longer[3]", "d"),
    ("label('x', count)", "x#3"),
    ("join(map(names, n => toUpper(n)), '')", "ABC"),
    ("join(map(names, (n, i) => '${n}${i}'), ',')", "a0,b1,c2"),
    ("join(filter(names, n => n != 'b'), '')", "ac"),
    ("concat('asa-', prefix)", "asa-Asa"),
    ("concat(names, [ 'z' ])[3]", "z"),
    ("format('{0}-{1}-{0}', prefix, count)", "Asa-3-Asa"),
    ("toLower(prefix)", "asa"),
    ("toUpper(prefix)", "ASA"),
    ("replace('a_b_c', '_', '-')", "a-b-c"),
    ("string(count)", "3"),
    ("string(names)", '["a","b","c"]'),
    ("int('41') + 1", "42"),
    ("json('{\"a\": {\"b\": \"deep\"}}').a.b", "deep"),
    ("union(base, { dataLocale: 'fr-FR' }).dataLocale", "fr-FR"),
    ("contains(names, 'b')", "true"),
    ("contains(cfg, 'outputs')", "true"),   # an object's keys in any case, as ARM's contains() compares them
    ("contains(prefix, 'as')", "false"),   # a string's case-sensitively
    ("empty('')", "true"),
    ("empty(names)", "false"),
    ("first(names)", "a"),
    ("last(names)", "c"),
    ("length(split('x,y,z,w', ','))", "4"),
    ("length(prefix)", "3"),
    ("substring('streaming', 0, 6)", "stream"),
    ("coalesce(nothing, '', 'x')", ""),
    ("startsWith('ASA-dev', 'asa')", "true"),
    ("range(2, 3)[2]", "4"),
    ("items({ b: 1, a: 2 })[0].key", "a"),
    ("any('1.2')", "1.2"),
    ("sys.toUpper('ns')", "NS"),
])
def test_expressions_settle_as_bicep_evaluates_them(tmp_path, expression, expected):
    assert locale(tmp_path, DECLARATIONS, expression) == expected


@pytest.mark.parametrize(("declarations", "expression", "what", "why", "where"), [
    ("", "uniqueString(resourceGroup().id)", "uniqueString(resourceGroup().id)",
     "calls uniqueString(), which schemacheck does not evaluate", "dataLocale: uniqueString"),
    ("", "'asa-${resourceGroup().location}'", "resourceGroup()", ("calls resourceGroup(), which schemacheck does not "
     "evaluate"), "dataLocale: 'asa-${resourceGroup"),
    ("", "'${job.id}'", "job.id", "is a value Azure gives a resource when it is deployed", "dataLocale: '${job"),
    ("", "'${job.name}'", "job.name", "refers to itself", "dataLocale: '${job"),
    ("var a = b\nvar b = a\n", "a", "a", "refers to itself", "b = a"),
    ("import { shared } from 'shared.bicep'\n", "shared", "shared",
     "names nothing the file declares (names it imports are not read)", "dataLocale: shared"),
    ("var names = [ 'a' ]\n", "names[3]", "names[3]", "names a member the value does not have", "dataLocale: names"),
    ("param on bool\n", "on ? 'x' : 'y'", "on", "is a parameter with no default, and no parameters file sets it",
     "dataLocale: on"),
    ("", "int('x')", "int('x')", "calls int() with arguments schemacheck does not evaluate it with",
     "dataLocale: int"),
    ("var m = { a: 1 }\n", "string([for x in m: x])", "[for x in m: x]",
     "loops over an object (write items(...) to loop over its members)", "dataLocale: string("),
])
def test_what_the_files_do_not_settle_is_an_sc608_note_naming_it(tmp_path, declarations, expression, what, why,
                                                                  where):
    job = locale_job(tmp_path, declarations, expression)
    assert job.data_locale.value is None
    main = tmp_path / "main.bicep"
    line = main.read_text(encoding="utf-8").splitlines()[at(main, where).line - 1]
    message = f"the job's data locale is `{what}`, which {why}: what depends on it is not checked"
    assert notes(job) == [("SC608", message, at(main, where).line)]
    # The note points at the expression named, on the line of `where`, from it on.
    assert job.notes[0].where.column == line.index(what, at(main, where).column - 1) + 1


def test_load_json_content_with_a_json_path(tmp_path):
    job = locale_job(tmp_path, """\
        var outputs = loadJsonContent('config/outputs.json', '$.outputs')
        var whole = loadJsonContent('config/outputs.json')
        """, "'${outputs[1].locale}/${whole.name}'", {"config/outputs.json": """\
        {"name": "cfg", "outputs": [{"locale": "en-US"}, {"locale": "nl-NL"}]}
        """})
    assert job.data_locale.value == "nl-NL/cfg" and job.notes == ()


def test_load_json_content_selecting_what_the_file_lacks_is_a_note(tmp_path):
    job = locale_job(tmp_path, "var cfg = loadJsonContent('cfg.json', '$.missing')\n", "cfg",
                     {"cfg.json": '{"present": 1}'})
    assert [(code, line) for code, _, line in notes(job)] == [("SC608", 1)]
    assert "selects a member the JSON file does not have" in job.notes[0].message


# ---- files a Bicep file loads or is given: a mistake is one InputError -------------------

def test_loading_a_missing_file_fails_at_the_call_as_bicep_build_does(tmp_path):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.bicep": f"""\
            resource job '{JOB_TYPE}' = {{
              name: 'asa'
              properties: {{
                transformation: {{ name: 'main', properties: {{ query: loadTextContent('queries/missing.asaql') }} }}
              }}
            }}
            """})
    error = caught.value
    assert (error.file, error.line, error.column) == (str(tmp_path / "main.bicep"), 4, 74)
    assert error.message.startswith("loadTextContent() cannot load ") and error.message.endswith(
        "missing.asaql: no such file")


def test_loading_json_that_is_not_json_fails_at_the_call(tmp_path):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.bicep": f"var cfg = loadJsonContent('cfg.json')\nresource job '{JOB_TYPE}' = {{\n"
                                      "  name: cfg.name\n}\n", "cfg.json": "{ not json"})
    assert (caught.value.file, caught.value.line, caught.value.column) == (str(tmp_path / "main.bicep"), 1, 27)
    assert "is not JSON" in caught.value.message


def test_a_parameters_json_file_without_parameters_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.bicep": "param x string\n", "p.json": '{"contentVersion": "1.0.0.0"}'}, "p.json")
    assert caught.value.file == str(tmp_path / "p.json") and "no `parameters` object" in caught.value.message


def test_cli_checks_a_bicepparam_file_with_its_values(tmp_path):
    write(tmp_path, {
        "main.bicepparam": "using './main.bicep'\n\nparam jobName = 'asa-from-params'\nparam level = '1.1'\n",
        "main.bicep": f"""\
            param jobName string
            param level string = '1.2'

            resource job '{JOB_TYPE}' = {{
              name: jobName
              properties: {{
                compatibilityLevel: level
                transformation: {{ name: 'main', properties: {{ query: 'SELECT * INTO [out] FROM [in]' }} }}
                outputs: [
                  {{
                    name: 'out'
                    properties: {{ datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
                  }}
                ]
              }}
            }}
            """,
    })
    code, out, err = run_cli("check", str(tmp_path / "main.bicepparam"), "--format", "json")
    assert err == "" and code == 0
    report = json.loads(out)
    (entry,) = report["files"]
    assert (entry["job"]["name"], entry["job"]["compat_level"]) == ("asa-from-params", "1.1")
    assert entry["job"]["parameters"].endswith("main.bicepparam")
    assert entry["job"]["compat_level_from"].endswith("main.bicepparam:4")


# ---- strings: queries and where they are written -------------------------------------------

def query_job(tmp_path: Path, query_expression: str, extra: dict[str, str] | None = None, newline: str = "\n") -> Job:
    text = textwrap.dedent(f"""\
        resource job '{JOB_TYPE}' = {{
          name: 'asa'
          properties: {{
            transformation: {{
              name: 'main'
              properties: {{
                query: {query_expression}
              }}
            }}
          }}
        }}
        """).replace("\n", newline)
    (tmp_path / "main.bicep").write_bytes(text.encode("utf-8"))
    for name, content in (extra or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content.encode("utf-8"))
    return only(read_bicep(str(tmp_path / "main.bicep")))


def bicep_position(tmp_path: Path, job: Job, needle: str) -> tuple[int, int]:
    """The (line, column) in main.bicep that the query position of `needle` maps to."""
    assert job.query is not None and job.query.placed is not None
    text = (tmp_path / "main.bicep").read_bytes().decode("utf-8")
    offset = PlacedPositions(text, job.query.placed, job.query.text)(job.query.text.index(needle))
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_a_query_loaded_from_a_file_is_that_file(tmp_path):
    job = query_job(tmp_path, "loadTextContent('queries/main.asaql')",
                    {"queries/main.asaql": "SELECT *\r\nINTO [out]\r\nFROM [in]\r\n"})
    assert job.query is not None
    assert (job.query.text, job.query.file) == ("SELECT *\r\nINTO [out]\r\nFROM [in]\r\n",
                                                str(tmp_path / "queries" / "main.asaql"))
    assert job.query.placed is None and job.query.at is None


def test_a_multi_line_query_drops_its_first_line_break_and_maps_to_the_bicep_lines(tmp_path):
    job = query_job(tmp_path, "'''\nSELECT DeviceId\nINTO [out]\n  FROM [in]\n'''")
    assert job.query is not None and job.query.text == "SELECT DeviceId\nINTO [out]\n  FROM [in]\n"
    assert job.query.placed is not None and job.query.placed.style == "verbatim"
    assert bicep_position(tmp_path, job, "SELECT") == (8, 1)
    assert bicep_position(tmp_path, job, "FROM") == (10, 3)
    assert bicep_position(tmp_path, job, "[in]") == (10, 8)


def test_a_multi_line_query_keeps_crlf_line_ends(tmp_path):
    job = query_job(tmp_path, "'''\nSELECT DeviceId\nINTO [out]\nFROM [in]\n'''", newline="\r\n")
    assert job.query is not None and job.query.text == "SELECT DeviceId\r\nINTO [out]\r\nFROM [in]\r\n"
    assert bicep_position(tmp_path, job, "INTO") == (9, 1)
    assert bicep_position(tmp_path, job, "[in]") == (10, 6)


def test_a_quoted_query_decodes_its_escapes_and_maps_through_them(tmp_path):
    job = query_job(tmp_path, r"'SELECT \'\${x}\' AS Tag, \u{e9}t\u{e9} AS Season\nINTO [out]\n\tFROM [in]'")
    assert job.query is not None
    assert job.query.text == "SELECT '${x}' AS Tag, été AS Season\nINTO [out]\n\tFROM [in]"
    assert job.query.placed is not None and job.query.placed.style == "escaped"
    line = (tmp_path / "main.bicep").read_text(encoding="utf-8").splitlines()[6]
    assert bicep_position(tmp_path, job, "AS Tag") == (7, line.index("AS Tag") + 1)
    assert bicep_position(tmp_path, job, "AS Season") == (7, line.index("AS Season") + 1)
    assert bicep_position(tmp_path, job, "[in]") == (7, line.index("[in]") + 1)


def test_a_query_built_by_interpolation_points_at_its_expression(tmp_path):
    job = query_job(tmp_path, "'SELECT * INTO [${output}] FROM [in]'")
    assert job.query is None   # `output` is no symbol of the file
    assert [(code, line) for code, _, line in notes(job)] == [("SC608", 7)]
    job = query_job(tmp_path, "'SELECT * INTO [${toLower('OUT')}] FROM [in]'")
    assert job.query is not None and job.query.text == "SELECT * INTO [out] FROM [in]"
    assert job.query.placed is None and job.query.at == Where(str(tmp_path / "main.bicep"), 7, 16)


def test_a_query_in_a_variable_keeps_its_place(tmp_path):
    write(tmp_path, {"main.bicep": f"""\
        var query = '''
        SELECT *
        INTO [out]
        FROM [in]
        '''

        resource job '{JOB_TYPE}' = {{
          name: 'asa'
          properties: {{ transformation: {{ name: 'main', properties: {{ query: query }} }} }}
        }}
        """})
    job = only(read_bicep(str(tmp_path / "main.bicep")))
    assert job.query is not None and job.query.text == "SELECT *\nINTO [out]\nFROM [in]\n"
    assert bicep_position(tmp_path, job, "FROM") == (4, 1)


@pytest.mark.parametrize(("expression", "files"), [
    ("'   '", {}), ("loadTextContent('empty.asaql')", {"empty.asaql": ""})])
def test_an_empty_query_is_a_note(tmp_path, expression, files):
    job = query_job(tmp_path, expression, files)
    assert job.query is None
    assert [code for code, _, _ in notes(job)] == ["SC609"] and "empty: no query to check" in job.notes[0].message
