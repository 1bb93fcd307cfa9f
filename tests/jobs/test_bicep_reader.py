"""The Bicep job reader (schemacheck.jobs.bicep): jobs, their children, modules, Kusto
scripts and queries read from small `.bicep` trees written here in the shapes public
deployments use, checked field by field; the errors a user's mistake gives; and the
command line end to end. Values (parameters, variables, functions) are in
test_bicep_reader_values.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from schemacheck.errors import InputError
from schemacheck.jobs.bicep import read_bicep
from schemacheck.jobs.model import Job, Where
from schemacheck.jobs.positions import PlacedPositions

API = "2021-10-01-preview"
JOB_TYPE = f"Microsoft.StreamAnalytics/streamingjobs@{API}"
KUSTO = "2023-08-15"
QUERY = "transformation: { name: 'main', properties: { query: 'SELECT * INTO [out] FROM [in]' } }"
NO_QUERY = ("the job has no query (neither properties.transformation.properties.query nor a transformations child "
            "resource): it is not checked")


def write(root: Path, files: dict[str, str]) -> Path:
    """Write each file (its text dedented) under `root`; the first file's path."""
    first = None
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8", newline="")
        first = first or path
    assert first is not None
    return first


def read(root: Path, files: dict[str, str], parameters: str | None = None) -> list[Job]:
    main = write(root, files)
    return read_bicep(str(main), str(root / parameters) if parameters else None)


def only(jobs: list[Job]) -> Job:
    assert len(jobs) == 1, [j.name for j in jobs]
    return jobs[0]


def at(path: Path, needle: str, nth: int = 0) -> Where:
    """Where the `nth` occurrence of `needle` starts in the file (1-based line and column)."""
    text = path.read_text(encoding="utf-8")
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return Where(str(path), line, index - (text.rfind("\n", 0, index) + 1) + 1)


def notes(job: Job, code: str | None = None) -> list[tuple[str, str, int | None]]:
    return [(n.code, n.message, n.where.line) for n in job.notes if code is None or n.code == code]


def adx(table: str) -> str:
    """The `properties` of an ADX output (a child resource's) writing to `table` of db."""
    return (f"{{ datasource: {{ type: 'Microsoft.Kusto/clusters/databases', properties: {{ database: 'db', "
            f"table: {table} }} }} }}")


def adx_output(name: str, table: str, database: str = "'telemetry'") -> str:
    return (f"{{ name: {name}, properties: {{ datasource: {{ type: 'Microsoft.Kusto/clusters/databases', "
            f"properties: {{ cluster: 'https://adx.westeurope.kusto.windows.net', database: {database}, "
            f"table: {table}, authenticationMode: 'Msi' }} }} }} }}")


# ---- a job and what it holds ---------------------------------------------------------------

FULL_JOB = f"""\
    param location string = resourceGroup().location

    resource job '{JOB_TYPE}' = {{
      name: 'asa-telemetry'
      location: location
      identity: {{
        type: 'SystemAssigned'
      }}
      properties: {{
        sku: {{ name: 'StandardV2' }}
        compatibilityLevel: '1.2'
        dataLocale: 'en-US'
        outputErrorPolicy: 'Drop'
        inputs: [
          {{
            name: 'telemetry-hub'
            properties: {{
              type: 'Stream'
              datasource: {{
                type: 'Microsoft.EventHub/EventHub'
                properties: {{ eventHubName: 'telemetry', serviceBusNamespace: 'iot-ns' }}
              }}
              serialization: {{ type: 'Json', properties: {{ encoding: 'UTF8' }} }}
            }}
          }}
          {{
            name: 'devices'
            properties: {{ type: 'Reference', datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
          }}
        ]
        outputs: [
          {adx_output("'adx-readings'", "'Readings'")}
        ]
        functions: [
          {{
            name: 'toCelsius'
            properties: {{
              type: 'Scalar'
              properties: {{ type: 'Microsoft.StreamAnalytics/JavascriptUdf', output: {{ dataType: 'float' }} }}
            }}
          }}
        ]
        transformation: {{
          name: 'main'
          properties: {{
            streamingUnits: 3
            query: '''
    SELECT DeviceId, udf.toCelsius(Temp) AS Temp
    INTO [adx-readings]
    FROM [telemetry-hub]
    '''
          }}
        }}
      }}
    }}
"""


def test_a_job_written_inline_gives_every_setting_and_where_it_is_written(tmp_path):
    job = only(read(tmp_path, {"main.bicep": FULL_JOB}))
    main = tmp_path / "main.bicep"
    assert (job.name, job.form, job.source, job.root) == ("asa-telemetry", "bicep", str(main), str(tmp_path))
    assert job.query is not None
    assert job.query.text == "SELECT DeviceId, udf.toCelsius(Temp) AS Temp\nINTO [adx-readings]\nFROM [telemetry-hub]\n"
    assert job.compat_level.value == "1.2" and job.compat_level.where == at(main, "'1.2'")
    assert job.data_locale.value == "en-US" and job.data_locale.where == at(main, "'en-US'")
    assert job.error_policy.value == "Drop" and job.error_policy.where == at(main, "'Drop'")
    assert job.identity.kind == "system" and job.identity.where == at(main, "{\n    type: 'SystemAssigned'")
    assert job.outputs is not None and len(job.outputs) == 1
    out = job.outputs[0]
    assert (out.alias, out.kind, out.cluster, out.database, out.table, out.authentication) == (
        "adx-readings", "adx", "https://adx.westeurope.kusto.windows.net", "telemetry", "Readings", "Msi")
    assert out.where == at(main, "{ name: 'adx-readings'")
    assert [(i.alias, i.kind, i.stream) for i in job.inputs or ()] == [
        ("telemetry-hub", "eventhub", True), ("devices", "blob", False)]
    assert [(f.name, f.output_type, f.aggregate) for f in job.functions or ()] == [("toCelsius", "float", False)]
    assert job.notes == () and job.scripts == ()   # the location is not needed: no note


def test_a_job_without_a_query_is_a_note(tmp_path):
    job = only(read(tmp_path, {"main.bicep": f"""\
        resource job '{JOB_TYPE}' = {{
          name: 'asa-no-query'
          properties: {{
            transformation: {{ name: 'main', properties: {{ streamingUnits: 3 }} }}
          }}
        }}
        """}))
    assert (job.name, job.query) == ("asa-no-query", None)
    assert notes(job) == [("SC609", NO_QUERY, 1)]


def test_a_user_assigned_identity_and_an_edge_job(tmp_path):
    job = only(read(tmp_path, {"main.bicep": f"""\
        resource job '{JOB_TYPE}' = {{
          name: 'edge'
          identity: {{
            type: 'UserAssigned'
            userAssignedIdentities: {{ '/subscriptions/0/providers/x/uami': {{}} }}
          }}
          properties: {{ jobType: 'Edge', {QUERY} }}
        }}
        """}))
    assert job.identity.kind == "user" and job.identity.resources == ("/subscriptions/0/providers/x/uami",)
    assert [(code, line) for code, _, line in notes(job)] == [("SC609", 1)]
    assert "IoT Edge" in job.notes[0].message


CHILDREN = f"""\
    resource job '{JOB_TYPE}' = {{
      name: 'asa-children'
      properties: {{
        compatibilityLevel: '1.2'
      }}

      resource nested 'outputs' = {{
        name: 'nested'
        properties: {adx("'Nested'")}
      }}

      resource hub 'inputs@{API}' = {{
        name: 'hub'
        properties: {{ type: 'Stream', datasource: {{ type: 'Microsoft.Devices/IotHubs', properties: {{}} }} }}
      }}

      resource fullType 'Microsoft.StreamAnalytics/streamingjobs/functions@{API}' = {{
        name: 'score'
        properties: {{ type: 'Aggregate', properties: {{ output: {{ dataType: 'bigint' }} }} }}
      }}

      resource main 'transformations' = {{
        name: 'main'
        properties: {{ streamingUnits: 1, query: 'SELECT * INTO [nested] FROM [hub]' }}
      }}
    }}

    resource viaParent 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = {{
      parent: job
      name: 'via-parent'
      properties: {adx("'Parent'")}
    }}

    resource viaName 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = {{
      name: '${{job.name}}/via-name'
      properties: {{ datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
    }}

    resource other '{JOB_TYPE}' = {{
      name: 'asa-other'
    }}

    resource otherOut 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = {{
      parent: other
      name: 'not-mine'
      properties: {{ datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
    }}

    resource literalName 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = {{
      name: 'asa-other/by-literal-name'
      properties: {{ datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
    }}
"""


def test_children_nested_with_parent_and_with_a_slashed_name_belong_to_their_job(tmp_path):
    jobs = read(tmp_path, {"main.bicep": CHILDREN})
    main = tmp_path / "main.bicep"
    assert [j.name for j in jobs] == ["asa-children", "asa-other"]
    job, other = jobs
    assert [(o.alias, o.kind, o.table, o.where) for o in job.outputs or ()] == [
        ("nested", "adx", "Nested", at(main, "resource nested")),
        ("via-parent", "adx", "Parent", at(main, "resource viaParent")),
        ("via-name", "blob", None, at(main, "resource viaName")),
    ]
    assert [(i.alias, i.kind, i.where) for i in job.inputs or ()] == [("hub", "iothub", at(main, "resource hub"))]
    assert [(f.name, f.output_type, f.aggregate) for f in job.functions or ()] == [("score", "bigint", True)]
    assert job.query is not None and job.query.text == "SELECT * INTO [nested] FROM [hub]"
    assert [o.alias for o in other.outputs or ()] == ["not-mine", "by-literal-name"]
    assert other.query is None and other.inputs == () and job.notes == ()
    assert notes(other) == [("SC609", NO_QUERY, at(main, "resource other").line)]


def test_outputs_looped_over_a_parameter_with_index_and_filter(tmp_path):
    jobs = read(tmp_path, {"main.bicep": f"""\
        param sinks array = [
          {{ name: 'hot', table: 'HotReadings', enabled: true }}
          {{ name: 'cold', table: 'ColdReadings', enabled: false }}
        ]

        resource job '{JOB_TYPE}' = {{
          name: 'asa-loops'
          properties: {{
            outputs: [for (sink, i) in sinks: {adx_output("'${sink.name}-${i}'", "sink.table")}]
            {QUERY}
          }}
        }}

        resource filtered 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = [
          for sink in sinks: if (sink.enabled) {{
          parent: job
          name: 'only-${{sink.name}}'
          properties: {adx('sink.table')}
        }}]
        """})
    job = only(jobs)
    main = tmp_path / "main.bicep"
    assert [(o.alias, o.table) for o in job.outputs or ()] == [
        ("hot-0", "HotReadings"), ("cold-1", "ColdReadings"),
        ("only-hot", "HotReadings"), ("only-cold", "ColdReadings")]
    # The copy the filter leaves out is read, with a note that ARM would not deploy it.
    assert notes(job) == [("SC609", ("the condition of output 'only-cold' is false with these parameters: ARM would "
                           "not deploy it (it is checked anyway)"), at(main, "resource filtered").line)]


def test_jobs_looped_over_range_and_an_array(tmp_path):
    jobs = read(tmp_path, {"main.bicep": f"""\
        param regions array = [ 'weu', 'neu' ]

        resource perRegion '{JOB_TYPE}' = [for (region, i) in regions: {{
          name: 'asa-${{region}}'
          properties: {{ compatibilityLevel: '1.${{i + 1}}' }}
        }}]

        resource numbered '{JOB_TYPE}' = [for n in range(1, 2): {{
          name: 'asa-${{n}}'
        }}]
        """})
    assert [(j.name, j.compat_level.value) for j in jobs] == [
        ("asa-weu", "1.1"), ("asa-neu", "1.2"), ("asa-1", None), ("asa-2", None)]


def test_a_loop_over_what_the_files_do_not_settle_is_noted_and_leaves_the_outputs_unknown(tmp_path):
    job = only(read(tmp_path, {"main.bicep": f"""\
        param sinks array

        resource job '{JOB_TYPE}' = {{
          name: 'asa'
          properties: {{
            outputs: [for sink in sinks: {adx_output("sink.name", "sink.table")}]
            {QUERY}
          }}
        }}
        """}))
    assert job.outputs is None   # not "no outputs": the check must not call every INTO undefined
    assert notes(job) == [("SC608", ("the job's outputs is `sinks`, which is a parameter with no default, and no "
                           "parameters file sets it: what depends on it is not checked"), 6)]


def test_a_child_loop_that_is_not_settled_is_read_once_with_notes(tmp_path):
    job = only(read(tmp_path, {"main.bicep": f"""\
        param names array

        resource job '{JOB_TYPE}' = {{
          name: 'asa'
          properties: {{ {QUERY} }}
        }}

        resource outs 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = [for n in names: {{
          parent: job
          name: n
          properties: {{ datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
        }}]
        """}))
    assert job.outputs is None
    assert [(code, line) for code, _, line in notes(job)] == [("SC609", 8), ("SC608", 8)]
    assert "repeated by a loop the files do not settle" in job.notes[0].message
    assert job.notes[1].message.startswith("the name of output 'outs' is `names`, which is a parameter with no default")


def test_a_child_resource_evaluates_the_job_name_without_its_own_loop_names(tmp_path):
    # `i` is the job's parameter and the loop's index: job.name must use the parameter.
    job = only(read(tmp_path, {"main.bicep": f"""\
        param i string = 'prod'

        resource job '{JOB_TYPE}' = {{
          name: 'asa-${{i}}'
        }}

        resource outs 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = [for (n, i) in [ 'a', 'b' ]: {{
          name: '${{job.name}}/out-${{n}}${{i}}'
          properties: {{ datasource: {{ type: 'Microsoft.Storage/Blob', properties: {{}} }} }}
        }}]
        """}))
    assert job.name == "asa-prod"
    assert [o.alias for o in job.outputs or ()] == ["out-a0", "out-b1"]


def test_conditions_false_are_notes_and_true_ones_are_not(tmp_path):
    jobs = read(tmp_path, {"main.bicep": f"""\
        param deployAdx bool = false
        param deployJob bool = true

        resource on '{JOB_TYPE}' = if (deployJob) {{
          name: 'asa-on'
          properties: {{ {QUERY} }}
        }}

        resource off '{JOB_TYPE}' = if (!deployJob) {{
          name: 'asa-off'
          properties: {{ {QUERY} }}
        }}

        resource adx 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = if (deployAdx) {{
          parent: on
          name: 'adx'
          properties: {adx("'T'")}
        }}
        """})
    on, off = jobs
    assert (on.name, off.name) == ("asa-on", "asa-off")
    assert [o.alias for o in on.outputs or ()] == ["adx"]
    assert notes(on) == [("SC609", ("the condition of output 'adx' is false with these parameters: ARM would not "
                          "deploy it (it is checked anyway)"), at(tmp_path / "main.bicep", "resource adx").line)]
    assert notes(off) == [("SC609", ("the condition of streaming job 'off' is false with these parameters: ARM would "
                           "not deploy it (it is checked anyway)"), at(tmp_path / "main.bicep", "resource off").line)]


def test_an_existing_job_is_read_only_for_what_the_files_add_to_it(tmp_path):
    jobs = read(tmp_path, {"main.bicep": f"""\
        resource shared '{JOB_TYPE}' existing = {{
          name: 'asa-shared'
        }}

        resource untouched '{JOB_TYPE}' existing = {{
          name: 'asa-untouched'
        }}

        resource query 'Microsoft.StreamAnalytics/streamingjobs/transformations@{API}' = {{
          parent: shared
          name: 'main'
          properties: {{ query: 'SELECT * INTO [adx] FROM [hub]' }}
        }}

        resource adx 'Microsoft.StreamAnalytics/streamingjobs/outputs@{API}' = {{
          parent: shared
          name: 'adx'
          properties: {adx("'T'")}
        }}

        resource legacy '{JOB_TYPE}' existing = {{
          name: 'asa-legacy'
        }}

        resource legacyIn 'Microsoft.StreamAnalytics/streamingjobs/inputs@{API}' = {{
          name: 'asa-legacy/hub'
          properties: {{ type: 'Stream', datasource: {{ type: 'Microsoft.EventHub/EventHub', properties: {{}} }} }}
        }}
        """})
    existing = ("is `existing`: it is deployed elsewhere, and only the outputs, inputs, functions and query these "
                "files add to it are read")
    job, legacy = jobs
    assert job.name == "asa-shared" and [o.alias for o in job.outputs or ()] == ["adx"]
    assert job.query is not None and job.query.text == "SELECT * INTO [adx] FROM [hub]"
    assert notes(job) == [("SC609", f"streaming job 'asa-shared' {existing}", 1)]
    # Its query is deployed elsewhere too: that is no "no query" note.
    assert (legacy.name, legacy.query, legacy.outputs, [i.alias for i in legacy.inputs or ()]) == (
        "asa-legacy", None, (), ["hub"])
    assert notes(legacy) == [("SC609", f"streaming job 'asa-legacy' {existing}",
                              at(tmp_path / "main.bicep", "resource legacy ").line)]


# ---- modules -------------------------------------------------------------------------------

ASA_MODULE = f"""\
    param jobName string
    param database string
    param table string
    param level string = '1.2'

    resource job '{JOB_TYPE}' = {{
      name: jobName
      properties: {{
        compatibilityLevel: level
        transformation: {{ name: 'main', properties: {{ query: 'SELECT * INTO [adx] FROM [hub]' }} }}
        outputs: [
          {adx_output("'adx'", "table", "database")}
        ]
      }}
    }}

    output jobId string = job.id
"""

ADX_MODULE = f"""\
    param clusterName string
    param databaseName string

    resource cluster 'Microsoft.Kusto/clusters@{KUSTO}' existing = {{
      name: clusterName
    }}

    resource database 'Microsoft.Kusto/clusters/databases@{KUSTO}' existing = {{
      parent: cluster
      name: databaseName
    }}

    resource tables 'Microsoft.Kusto/clusters/databases/scripts@{KUSTO}' = {{
      parent: database
      name: 'create-tables'
      properties: {{
        scriptContent: '''
    .create-merge table Readings (DeviceId: string, Temp: real)
    '''
        continueOnErrors: false
      }}
    }}

    output databaseName string = database.name
    output tables array = [ 'Readings' ]
"""


def test_modules_take_their_parameters_and_give_their_outputs_and_scripts(tmp_path):
    job = only(read(tmp_path, {
        "main.bicep": """\
            var db = 'telemetry'

            module adx './modules/adx.bicep' = {
              name: 'adx'
              params: {
                clusterName: 'fleetadx'
                databaseName: db
              }
            }

            module asa './modules/asa.bicep' = {
              name: 'asa'
              params: {
                jobName: 'asa-fleet'
                database: adx.outputs.databaseName
                table: adx.outputs.tables[0]
                level: '1.1'
              }
            }
            """,
        "modules/asa.bicep": ASA_MODULE,
        "modules/adx.bicep": ADX_MODULE,
    }))
    main, asa = tmp_path / "main.bicep", tmp_path / "modules" / "asa.bicep"
    assert (job.name, job.source, job.root) == ("asa-fleet", str(asa), str(tmp_path / "modules"))
    assert job.compat_level.value == "1.1" and job.compat_level.where == at(main, "'1.1'")
    assert [(o.alias, o.database, o.table) for o in job.outputs or ()] == [("adx", "telemetry", "Readings")]
    # The tables come from the sibling module: the job gets the deployment's scripts.
    assert [(s.text, s.database, s.cluster, s.file) for s in job.scripts] == [
        (".create-merge table Readings (DeviceId: string, Temp: real)\n", "telemetry", "fleetadx",
         str(tmp_path / "modules" / "adx.bicep"))]
    assert job.notes == ()


def test_modules_nest_and_loop_with_the_values_of_each_copy(tmp_path):
    jobs = read(tmp_path, {
        "main.bicep": """\
            param environments array = [ 'dev', 'prod' ]

            module stage './stage.bicep' = [for env in environments: {
              name: 'stage-${env}'
              params: { env: env }
            }]
            """,
        "stage.bicep": """\
            param env string

            module asa './modules/asa.bicep' = {
              name: 'asa'
              params: { jobName: 'asa-${env}', database: 'db-${env}', table: toUpper(env) }
            }
            """,
        "modules/asa.bicep": ASA_MODULE,
    })
    assert [(j.name, j.outputs[0].database, j.outputs[0].table) for j in jobs if j.outputs] == [
        ("asa-dev", "db-dev", "DEV"), ("asa-prod", "db-prod", "PROD")]
    assert all(j.notes == () for j in jobs)


def test_modules_from_registries_and_template_specs_and_missing_ones_are_notes(tmp_path):
    job = only(read(tmp_path, {
        "main.bicep": f"""\
            resource job '{JOB_TYPE}' = {{
              name: 'asa'
              properties: {{ {QUERY} }}
            }}

            module registry 'br:contoso.azurecr.io/bicep/modules/adx:v1' = {{
              name: 'registry'
            }}

            module alias 'br/public:avm/res/kusto/cluster:0.1.0' = {{
              name: 'alias'
            }}

            module spec 'ts:00000000-0000-0000-0000-000000000000/rg-specs/adx:1.0' = {{
              name: 'spec'
            }}

            module missing './modules/missing.bicep' = {{
              name: 'missing'
              params: {{}}
            }}

            var fromMissing = '${{missing.outputs.a}}-${{missing.outputs.b}}'
            """,
    }))
    main = tmp_path / "main.bicep"
    assert notes(job) == [
        ("SC609", ("module 'registry' comes from a registry (br:contoso.azurecr.io/bicep/modules/adx:v1), which "
         "schemacheck cannot read: what it deploys is not checked"), at(main, "'br:").line),
        ("SC609", ("module 'alias' comes from a registry (br/public:avm/res/kusto/cluster:0.1.0), which schemacheck "
         "cannot read: what it deploys is not checked"), at(main, "'br/public").line),
        ("SC609", ("module 'spec' comes from a template spec "
         "(ts:00000000-0000-0000-0000-000000000000/rg-specs/adx:1.0), which schemacheck cannot read: what it "
         "deploys is not checked"), at(main, "'ts:").line),
        ("SC609", "module 'missing': ./modules/missing.bicep does not exist: what it deploys is not checked",
         at(main, "'./modules/missing.bicep'").line),
    ]
    assert job.notes[0].where == at(main, "'br:")


def test_a_module_whose_condition_is_false_gives_its_jobs_a_note(tmp_path):
    job = only(read(tmp_path, {
        "main.bicep": """\
            param withAsa bool = false

            module asa './modules/asa.bicep' = if (withAsa) {
              name: 'asa'
              params: { jobName: 'asa-optional', database: 'db', table: 'T' }
            }
            """,
        "modules/asa.bicep": ASA_MODULE,
    }))
    assert job.name == "asa-optional"
    assert notes(job) == [("SC609", ("the condition of module 'asa' is false with these parameters: ARM would not "
                           "deploy it (its jobs are checked anyway)"), 3)]


def test_cyclic_modules_are_a_note_and_the_read_ends(tmp_path):
    jobs = read(tmp_path, {
        "main.bicep": """\
            module a './a.bicep' = {
              name: 'a'
            }
            """,
        "a.bicep": f"""\
            module back './main.bicep' = {{
              name: 'back'
            }}

            module self './a.bicep' = {{
              name: 'self'
            }}

            module again './a.bicep' = {{
              name: 'again'
            }}

            resource job '{JOB_TYPE}' = {{
              name: 'asa-cycle'
              properties: {{ {QUERY} }}
            }}
            """,
    })
    job = only(jobs)
    assert job.name == "asa-cycle"
    assert [(code, line) for code, _, line in notes(job)] == [("SC609", 1), ("SC609", 5), ("SC609", 9)]
    assert all("a cycle, which Bicep refuses" in n.message for n in job.notes)
    assert {n.where.file for n in job.notes} == {str(tmp_path / "a.bicep")}


def test_modules_nested_deeper_than_the_limit_are_a_note(tmp_path):
    files = {f"m{i}.bicep": f"module next './m{i + 1}.bicep' = {{\n  name: 'm{i + 1}'\n}}\n" for i in range(12)}
    files["m0.bicep"] += f"resource job '{JOB_TYPE}' = {{\n  name: 'asa-top'\n  properties: {{ {QUERY} }}\n}}\n"
    files["m12.bicep"] = f"resource job '{JOB_TYPE}' = {{\n  name: 'asa-too-deep'\n}}\n"
    job = only(read(tmp_path, files))
    assert job.name == "asa-top"
    assert notes(job) == [("SC609", "module 'next' nests modules more than 10 deep: not read", 1)]
    assert job.notes[0].where.file == str(tmp_path / "m10.bicep")


# ---- Kusto scripts: the tables -------------------------------------------------------------

def test_scripts_inline_from_a_file_nested_and_by_name_are_bound_to_their_database(tmp_path):
    job = only(read(tmp_path, {
        "main.bicep": f"""\
            param clusterName string = 'fleetadx'

            resource cluster 'Microsoft.Kusto/clusters@{KUSTO}' existing = {{
              name: clusterName
            }}

            resource database 'Microsoft.Kusto/clusters/databases@{KUSTO}' existing = {{
              parent: cluster
              name: 'telemetry'
            }}

            resource inline 'Microsoft.Kusto/clusters/databases/scripts@{KUSTO}' = {{
              parent: database
              name: 'inline'
              properties: {{
                scriptContent: '''
            .create-merge table Readings (DeviceId: string, Temp: real)
            '''
              }}
            }}

            resource fromFile 'Microsoft.Kusto/clusters/databases/scripts@{KUSTO}' = {{
              name: '${{clusterName}}/archive/from-file'
              properties: {{ scriptContent: loadTextContent('kql/tables.kql') }}
            }}

            resource ops 'Microsoft.Kusto/clusters/databases@{KUSTO}' = {{
              name: 'opscluster/ops'
              location: 'westeurope'

              resource nested 'scripts' = {{
                name: 'nested'
                properties: {{ scriptContent: '.create table Alerts (Id: string)' }}
              }}
            }}

            resource fleet 'Microsoft.Kusto/clusters@{KUSTO}' = {{
              name: 'newcluster'
              location: 'westeurope'
              sku: {{ name: 'Dev(No SLA)_Standard_E2a_v4', tier: 'Basic' }}

              resource db 'databases' = {{
                name: 'events'
                location: 'westeurope'
                kind: 'ReadWrite'

                resource script 'scripts' = {{
                  name: 'deep'
                  properties: {{ scriptContent: '.create table Deep (Id: string)' }}
                }}
              }}
            }}

            resource viaAccessor 'Microsoft.Kusto/clusters/databases/scripts@{KUSTO}' = {{
              parent: fleet::db
              name: 'accessor'
              properties: {{ scriptContent: '.create table ByAccessor (Id: string)' }}
            }}

            resource job '{JOB_TYPE}' = {{
              name: 'asa'
              properties: {{ {QUERY} }}
            }}
            """,
        "kql/tables.kql": ".create-merge table Archive (Id: string)\n",
    }))
    main = tmp_path / "main.bicep"
    assert [(s.kind, s.text, s.database, s.cluster) for s in job.scripts] == [
        ("adx", ".create-merge table Readings (DeviceId: string, Temp: real)\n", "telemetry", "fleetadx"),
        ("adx", ".create-merge table Archive (Id: string)\n", "archive", "fleetadx"),
        ("adx", ".create table Alerts (Id: string)", "ops", "opscluster"),
        ("adx", ".create table Deep (Id: string)", "events", "newcluster"),
        ("adx", ".create table ByAccessor (Id: string)", "events", "newcluster"),
    ]
    inline, from_file = job.scripts[:2]
    assert inline.file == str(main) and inline.where == at(main, "'''")
    assert from_file.file == str(tmp_path / "kql" / "tables.kql") and from_file.placed is None
    assert from_file.where == Where(str(tmp_path / "kql" / "tables.kql"), 1, 1)
    # A position in the script maps to its line of the .bicep.
    assert inline.placed is not None
    text = main.read_text(encoding="utf-8")
    offset = PlacedPositions(text, inline.placed, inline.text)(inline.text.index("Readings"))
    assert offset == text.index("Readings")


def test_a_script_whose_content_is_not_settled_is_a_note(tmp_path):
    job = only(read(tmp_path, {"main.bicep": f"""\
        param content string

        resource script 'Microsoft.Kusto/clusters/databases/scripts@{KUSTO}' = {{
          name: 'c/db/tables'
          properties: {{ scriptContent: content }}
        }}

        resource job '{JOB_TYPE}' = {{
          name: 'asa'
          properties: {{ {QUERY} }}
        }}
        """}))
    assert job.scripts == ()
    assert [(code, line) for code, _, line in notes(job)] == [("SC608", 5)]
    assert job.notes[0].message.startswith("the script of 'script' is `content`")


# ---- a user's mistakes: one InputError, never a traceback ----------------------------------

def test_a_syntax_error_names_the_file_line_and_column(tmp_path):
    with pytest.raises(InputError) as caught:
        read(tmp_path, {"main.bicep": f"""\
            resource job '{JOB_TYPE}' = {{
              name: "asa"
            }}
            """})
    error = caught.value
    assert (error.file, error.line, error.column) == (str(tmp_path / "main.bicep"), 2, 9)
    assert "single quotes" in error.message


def test_a_syntax_error_in_a_module_or_a_parameters_file_names_that_file(tmp_path):
    write(tmp_path, {"main.bicep": "module m './m.bicep' = {\n  name: 'm'\n}\n", "m.bicep": "param x string = \n",
                     "bad.bicepparam": "using './main.bicep'\nparam x = 'a' 'b'\n"})
    with pytest.raises(InputError) as caught:
        read_bicep(str(tmp_path / "main.bicep"))
    assert (caught.value.file, caught.value.line) == (str(tmp_path / "m.bicep"), 1)
    with pytest.raises(InputError) as caught:
        read_bicep(str(tmp_path / "main.bicep"), str(tmp_path / "bad.bicepparam"))
    assert (caught.value.file, caught.value.line, caught.value.column) == (str(tmp_path / "bad.bicepparam"), 2, 15)


def test_every_truncation_of_a_real_file_gives_jobs_or_an_input_error(tmp_path):
    """Half-written files (as an editor saves them) never raise anything but InputError."""
    text = textwrap.dedent(FULL_JOB) + textwrap.dedent(CHILDREN).replace("resource job", "resource job2")
    main = tmp_path / "main.bicep"
    outcomes = set()
    for end in range(1, len(text), 23):
        main.write_text(text[:end], encoding="utf-8")
        try:
            jobs = read_bicep(str(main))
        except InputError as error:
            assert error.file == str(main)
            outcomes.add("error")
        else:
            assert all(j.form == "bicep" for j in jobs)
            outcomes.add("jobs")
    assert outcomes == {"error", "jobs"}


# ---- the command line, end to end ----------------------------------------------------------

def check_json(path: Path, *more: str) -> tuple[int, dict, str]:
    code, out, err = run_cli("check", str(path), "--format", "json", *more)
    return code, (json.loads(out) if out else {}), err


def test_cli_checks_a_module_job_against_the_tables_a_sibling_module_creates(tmp_path):
    write(tmp_path, {
        "main.bicep": """\
            module adx './modules/adx.bicep' = {
              name: 'adx'
              params: { clusterName: 'fleetadx', databaseName: 'telemetry' }
            }

            module asa './modules/asa.bicep' = {
              name: 'asa'
              params: { jobName: 'asa-fleet', database: adx.outputs.databaseName, table: 'Readings' }
            }
            """,
        "modules/adx.bicep": ADX_MODULE,
        "modules/asa.bicep": textwrap.dedent(ASA_MODULE).replace(
            "'SELECT * INTO [adx] FROM [hub]'",
            "'''\nSELECT\n    CAST(DeviceId AS nvarchar(max)) AS DeviceId,\n    CAST(Temp AS bigint) AS Temp\n"
            "INTO [adx]\nFROM [hub]\n'''"),
    })
    code, report, err = check_json(tmp_path / "main.bicep")
    assert err == "" and code == 1
    (entry,) = report["files"]
    assert (entry["job"]["form"], entry["job"]["name"]) == ("bicep", "asa-fleet")
    (output,) = entry["outputs"]
    assert (output["output"], output["status"], output["table"], output["database"]) == (
        "adx", "compared", "Readings", "telemetry")
    assert output["table_file"].endswith("adx.bicep")
    # bigint into a real column, at its line of asa.bicep; the job has no identity for ADX.
    asa = tmp_path / "modules" / "asa.bicep"
    assert [(d["code"], d["file"], d["line"], d["column"]) for d in entry["diagnostics"]] == [
        ("SC604", str(asa), 6, 1), ("SC202", str(asa), *at(asa, "CAST(Temp")[1:])]


def test_cli_reports_a_missing_loaded_file_as_one_line_without_a_traceback(tmp_path):
    write(tmp_path, {"main.bicep": f"""\
        resource job '{JOB_TYPE}' = {{
          name: 'asa'
          properties: {{ transformation: {{ name: 'main', properties: {{ query: loadTextContent('gone.asaql') }} }} }}
        }}
        """})
    code, _out, err = run_cli("check", str(tmp_path / "main.bicep"))
    assert code == 2 and "Traceback" not in err
    assert f"{tmp_path / 'main.bicep'}:3:" in err and "gone.asaql: no such file" in err
