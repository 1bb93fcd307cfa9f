"""Reading ASA jobs from ARM templates: schemacheck.jobs.arm (its expression evaluator,
schemacheck.jobs.armexpr, is test_jobs_armexpr.py's).

1. Each fixture in tests/fixtures/jobs/arm, one template style each: nested properties
   with a parameters file (telemetry), child resources with variables and dependsOn
   (orders), two jobs (two_jobs), unresolvable values (unresolved), a cicd --v2-style
   object parameter per output (cicd/), languageVersion 2.0 symbolic names (symbolic),
   an old build with empty outputs and no query (legacy_build), nested deployments as Bicep
   modules compile to (nested), copy loops (copies). Every output, input,
   function, setting and identity; positions of outputs and notes; the query text and
   where its JSON string starts.
2. Recognising templates; files that are not what they should be (InputError); trailing
   commas, which ARM accepts.
3. Secure parameters never show in a note.
"""

from __future__ import annotations

import json

import pytest

from schemacheck.errors import InputError
from schemacheck.jobs.arm import is_template, read_template
from schemacheck.jobs.kinds import looks_like_template
from schemacheck.jobs.jsonfile import strip_comments
from schemacheck.jobs.model import Function, Identity, Input, Job, Output, Setting, Where

from support.files import write
from support.jobs import ARM, job_template


# ---- helpers ---------------------------------------------------------------------------------


def read(name: str, parameters: str | None = None) -> list[Job]:
    return read_template(str(ARM / name), str(ARM / parameters) if parameters else None)


def only(name: str, parameters: str | None = None) -> Job:
    jobs = read(name, parameters)
    assert len(jobs) == 1, jobs
    return jobs[0]


def text_at(where: Where, length: int = 80) -> str:
    """The file's text from a Where (1-based line and column)."""
    with open(where.file, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    rest = "\n".join(lines[where.line - 1:])
    return rest[where.column - 1:where.column - 1 + length]


def decoded_at(file: str, offset: int) -> str:
    """The JSON string starting at `offset` in a file's comment-blanked text."""
    with open(file, encoding="utf-8") as handle:
        text = strip_comments(handle.read())
    assert text[offset] == '"'
    return json.JSONDecoder().raw_decode(text, offset)[0]


def by_alias(items) -> dict:
    return {item.alias: item for item in items}


def codes(job: Job) -> list[str]:
    return [note.code for note in job.notes]


# ---- 1. fixtures -----------------------------------------------------------------------------


class TestNestedWithParameters:
    """telemetry.json: everything under the job's properties; values from a parameters file."""

    @pytest.fixture(scope="class")
    @classmethod
    def job(cls) -> Job:
        return only("telemetry.json", "telemetry.parameters.json")

    def test_job(self, job):
        assert job.name == "telemetry-asa"
        assert job.form == "arm"
        assert job.source == str(ARM / "telemetry.json")
        assert job.root == str(ARM)
        assert job.notes == ()

    def test_outputs(self, job):
        outputs = by_alias(job.outputs)
        assert list(outputs) == ["adx", "archive"]
        adx = outputs["adx"]
        assert (adx.kind, adx.datasource) == ("adx", "Microsoft.Kusto/clusters/databases")
        assert adx.cluster == "https://contosoadx.westeurope.kusto.windows.net"
        assert adx.database == "telemetry"
        assert adx.table == "DeviceTelemetry"           # the parameter's defaultValue
        assert adx.authentication == "Msi"
        archive = outputs["archive"]
        assert (archive.kind, archive.datasource) == ("blob", "Microsoft.Storage/Blob")
        assert (archive.cluster, archive.database, archive.table, archive.authentication) == (None,) * 4

    def test_output_positions(self, job):
        adx, archive = job.outputs
        assert (adx.where.line, adx.where.column) == (63, 11)
        assert text_at(adx.where).startswith('{\n            "name": "adx"')
        assert (archive.where.line, archive.where.column) == (77, 11)
        assert text_at(archive.where).startswith('{\n            "name": "archive"')

    def test_inputs(self, job):
        assert job.inputs == (
            Input("telemetry", "eventhub", True, "Microsoft.EventHub/EventHub", job.inputs[0].where, "json"),
            Input("devices", "blob", False, "Microsoft.Storage/Blob", job.inputs[1].where, "json",
                  "devices/{date}/devices.json"),
        )
        assert text_at(job.inputs[1].where).startswith('{\n            "name": "devices"')

    def test_functions_keep_the_type_as_written(self, job):
        assert [(f.name, f.output_type, f.aggregate) for f in job.functions] == [
            ("hexToInt", "bigint", False), ("parsePayload", "Any", False)]
        assert text_at(job.functions[0].where).startswith('{\n            "name": "hexToInt"')

    def test_settings(self, job):
        assert job.compat_level.value == "1.2"
        assert text_at(job.compat_level.where).startswith('"1.2"')
        assert job.data_locale.value == "en-US"
        assert job.error_policy.value == "Stop"
        assert (job.error_policy.where.line, job.error_policy.where.column) == (25, 30)

    def test_identity(self, job):
        assert job.identity.kind == "system"
        assert job.identity.resources == ()
        assert text_at(job.identity.where).startswith('"SystemAssigned"')

    def test_query_is_decoded_and_maps_into_the_template(self, job):
        query = job.query
        assert query.file == str(ARM / "telemetry.json")
        assert query.text.startswith("WITH readings AS (\r\n    SELECT deviceId, UDF.hexToInt(rawValue)")
        assert query.text.endswith('-- "raw" copy, caf\u00e9 \\ tab\t.\r\n')
        assert query.json_string_at is not None and query.at is None
        assert decoded_at(query.file, query.json_string_at) == query.text


class TestChildResources:
    """orders.json: child resources named with concat/format over variables, dependsOn,
    a function nested in the job's own resources, the query from the parameters file."""

    @pytest.fixture(scope="class")
    @classmethod
    def job(cls) -> Job:
        return only("orders.json", "orders.parameters.json")

    def test_names_resolve_through_variables(self, job):
        assert job.name == "contoso-orders-asa"
        assert [o.alias for o in job.outputs] == ["adx-orders", "sqlorders"]
        assert [i.alias for i in job.inputs] == ["orders"]
        assert [f.name for f in job.functions] == ["toKg"]

    def test_adx_output_from_format_and_variables(self, job):
        adx = by_alias(job.outputs)["adx-orders"]
        assert adx == Output("adx-orders", "adx", "Microsoft.Kusto/clusters/databases",
                             "https://contosoorders.westeurope.kusto.windows.net", "orders_prod",
                             "Orders", "Msi", adx.where)
        assert (adx.where.line, adx.where.column) == (76, 5)
        assert text_at(adx.where).startswith('{\n      "type": "Microsoft.StreamAnalytics/streamingjobs/outputs"')

    def test_other_outputs_and_inputs(self, job):
        sql = by_alias(job.outputs)["sqlorders"]
        # A SQL output: its server (in `cluster`), database and table, for the SQL check.
        assert (sql.kind, sql.datasource, sql.cluster, sql.database, sql.table) == (
            "sql", "Microsoft.Sql/Server/Database", "contoso-sql.database.windows.net", "orders", "dbo.Orders")
        assert job.inputs[0].kind == "eventhub" and job.inputs[0].stream is True
        assert job.functions[0] == Function("toKg", "float", False, job.functions[0].where)
        assert text_at(job.functions[0].where).startswith('{\n          "type": "functions"')

    def test_settings_and_identity(self, job):
        assert job.compat_level.value == "1.2"      # a defaultValue, the file gives none
        assert job.data_locale.value == "de-DE"
        assert job.error_policy.value == "Drop"
        assert job.identity.kind == "user"
        # resourceId() depends on the deployment: kept as written
        assert job.identity.resources == (
            "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))]",)

    def test_query_maps_into_the_parameters_file(self, job):
        query = job.query
        assert query.file == str(ARM / "orders.parameters.json")
        assert query.text == ("SELECT\r\n    OrderId,\r\n    CAST(Amount AS float) AS Amount,\r\n"
                              "    UDF.toKg(WeightLb) AS WeightKg\r\nINTO [adx-orders]\r\nFROM orders\r\n"
                              "\r\nSELECT * INTO sqlorders FROM orders\r\n")
        assert decoded_at(query.file, query.json_string_at) == query.text

    def test_undeclared_parameter_is_noted_in_the_parameters_file(self, job):
        assert codes(job) == ["SC609"]
        note = job.notes[0]
        assert "legacyOutputName" in note.message and "does not declare" in note.message
        assert note.where == Where(str(ARM / "orders.parameters.json"), 13, 25)

    def test_secure_value_appears_nowhere(self, job):
        assert "Pa55-w0rd" not in repr(job)

    def test_without_parameters_file(self):
        job = only("orders.json")
        assert job.name is None
        assert [o.alias for o in job.outputs] == ["adx-orders", "sqlorders"]   # known parts of names
        adx = job.outputs[0]
        assert (adx.cluster, adx.database, adx.table) == (None, None, "Orders")
        assert job.query is None
        assert codes(job) == ["SC608", "SC608", "SC608"]
        query, cluster, database = job.notes
        assert "the job's query is [parameters('query')]" in query.message
        assert "parameter 'query' has no value" in query.message and "--parameters FILE" in query.message
        assert text_at(query.where).startswith("\"[parameters('query')]\"")
        assert "the cluster of output 'adx-orders'" in cluster.message
        assert (cluster.where.line, cluster.where.column) == (85, 24)
        assert "the database of output 'adx-orders' is [variables('adxDatabase')]" in database.message
        assert "parameter 'environment'" in database.message
        assert text_at(database.where).startswith("\"[variables('adxDatabase')]\"")


class TestTwoJobs:
    @pytest.fixture(scope="class")
    @classmethod
    def jobs(cls) -> dict[str, Job]:
        return {job.name: job for job in read("two_jobs.json")}

    def test_children_go_to_their_job(self, jobs):
        assert list(jobs) == ["ingest-eu", "ingest-us"]
        assert [(o.alias, o.database, o.authentication) for o in jobs["ingest-eu"].outputs] == [
            ("adx", "raw_eu", "ConnectionString")]
        assert [(o.alias, o.database, o.authentication) for o in jobs["ingest-us"].outputs] == [
            ("adx", "raw_us", "Msi")]
        assert jobs["ingest-us"].inputs == () and jobs["ingest-us"].functions == ()

    def test_a_child_of_no_job_is_noted_once(self, jobs):
        eu, us = jobs["ingest-eu"], jobs["ingest-us"]
        assert codes(eu) == ["SC609"] and codes(us) == []
        assert "'adx' belongs to no streaming job" in eu.notes[0].message
        assert text_at(eu.notes[0].where, 200).count("ingest-apac/adx") == 1

    def test_identities(self, jobs):
        eu = jobs["ingest-eu"].identity
        assert eu.kind == "system"          # "SystemAssigned, UserAssigned": both
        assert eu.resources[0].endswith("/userAssignedIdentities/id-ingest")
        us = jobs["ingest-us"].identity
        assert us.kind == "none"            # no identity key: the job has none
        assert text_at(us.where).startswith('{\n      "type": "Microsoft.StreamAnalytics/streamingJobs"')

    def test_settings_not_set(self, jobs):
        eu = jobs["ingest-eu"]
        assert eu.compat_level.value == "1.0"
        assert eu.data_locale == Setting(None, eu.data_locale.where)
        assert text_at(eu.data_locale.where).startswith('{ "sku"')

    def test_queries(self, jobs):
        eu, us = jobs["ingest-eu"].query, jobs["ingest-us"].query
        assert eu.text == us.text == "SELECT * INTO adx FROM hub"
        assert decoded_at(eu.file, eu.json_string_at) == eu.text
        # [variables('usQuery')], a literal string: maps to the variable
        assert us.file == str(ARM / "two_jobs.json") and us.at is None
        assert decoded_at(us.file, us.json_string_at) == us.text
        with open(us.file, encoding="utf-8") as handle:
            assert handle.read()[:us.json_string_at].endswith('"usQuery": ')
        assert us.json_string_at < eu.json_string_at


class TestUnresolved:
    @pytest.fixture(scope="class")
    @classmethod
    def job(cls) -> Job:
        return only("unresolved.json")

    def test_name_and_identity(self, job):
        assert job.name is None
        assert job.identity == Identity("unknown", (), job.identity.where)
        note = next(n for n in job.notes if "identity type" in n.message)
        assert note.code == "SC608" and "parameter 'identityType' has no value" in note.message
        assert text_at(note.where).startswith("\"[parameters('identityType')]\"")

    def test_settings(self, job):
        assert job.compat_level.value is None and job.data_locale.value is None
        notes = [n for n in job.notes if n.where in (job.compat_level.where, job.data_locale.where)]
        assert [n.code for n in notes] == ["SC608", "SC608"]
        assert "environment() depends on the Azure cloud" in notes[1].message

    def test_outputs(self, job):
        adx, alerts, powerbi = job.outputs
        assert (adx.kind, adx.cluster, adx.database, adx.table) == ("adx", None, None, "Events")
        cluster = next(n for n in job.notes if "cluster of output 'adx'" in n.message)
        assert "reference() depends on the state of a deployed resource" in cluster.message
        assert (cluster.where.line, cluster.where.column) == (29, 30)
        assert alerts == Output("alerts", None, where=alerts.where)
        empty = next(n for n in job.notes if "'alerts'" in n.message)
        assert empty.code == "SC609" and "cannot tell what output 'alerts' is" in empty.message
        assert empty.where == alerts.where
        # the alias is unknown: the name as written stands in, with a note
        assert powerbi.alias.startswith("[concat('asa-'") and powerbi.kind == "powerbi"
        assert any(n.code == "SC608" and "the name of an output" in n.message for n in job.notes)

    def test_a_switched_off_child_is_not_read(self, job):
        assert "audit" not in {o.alias for o in job.outputs}

    def test_computed_query_has_no_json_offset(self, job):
        assert job.query.text == "SELECT * INTO adx FROM events"
        assert job.query.json_string_at is None
        assert text_at(job.query.at).startswith("\"[concat('SELECT * INTO adx FROM '")

    def test_aggregate_with_one_level_of_properties(self, job):
        assert job.functions == (Function("topSites", "record", True, job.functions[0].where),)


class TestCicdV2:
    """One object parameter per output, read by property access."""

    @pytest.fixture(scope="class")
    @classmethod
    def job(cls) -> Job:
        return only("cicd/Sales.JobTemplate.json", "cicd/Sales.JobTemplate.parameters.json")

    def test_object_parameters(self, job):
        adx, events = job.outputs
        assert adx == Output("adx", "adx", "Microsoft.Kusto/clusters/databases",
                             "https://salesadx.northeurope.kusto.windows.net", "sales", "StoreTotals",
                             "Msi", adx.where)
        # the whole datasource is a parameter: its position is the output's
        assert (events.kind, events.datasource) == ("eventhub", "Microsoft.EventHub/EventHub")
        assert text_at(events.where).startswith('{\n            "name": "events"')
        assert job.inputs[0].kind == "eventhub"
        assert job.notes == ()

    def test_settings_from_defaults(self, job):
        assert job.name == "sales-asa"
        assert (job.compat_level.value, job.data_locale.value, job.error_policy.value) == (
            "1.2", "en-US", "Retry")
        assert text_at(job.error_policy.where).startswith("\"[parameters('OutputErrorPolicy')]\"")

    def test_query(self, job):
        assert job.query.text.startswith("SELECT\r\n    storeId AS StoreId")
        assert decoded_at(job.query.file, job.query.json_string_at) == job.query.text

    def test_missing_object_parameter(self):
        job = only("cicd/Sales.JobTemplate.json")
        adx = job.outputs[0]
        assert (adx.kind, adx.cluster, adx.database, adx.table, adx.authentication) == (
            "adx", None, None, None, None)
        messages = [n.message for n in job.notes if n.code == "SC608"]
        assert any("the database of output 'adx' is [parameters('Output_adx').DataSource.Database]"
                   in m for m in messages)
        assert any("the datasource of output 'events'" in m for m in messages)


class TestSymbolicNames:
    @pytest.fixture(scope="class")
    @classmethod
    def job(cls) -> Job:
        return only("symbolic.json")

    def test_resources_object(self, job):
        assert job.name == "clicks-asa"
        assert job.outputs == (Output("clicks", "adx", "Microsoft.Kusto/clusters/databases",
                                      "https://webadx.westeurope.kusto.windows.net", "web", "Clicks",
                                      "Msi", job.outputs[0].where),)
        assert text_at(job.outputs[0].where).startswith(
            '{\n      "type": "Microsoft.StreamAnalytics/streamingjobs/outputs"')
        assert [(i.alias, i.kind) for i in job.inputs] == [("web", "iothub")]
        assert job.identity.kind == "system"
        assert job.notes == ()

    def test_query_from_default_value(self, job):
        assert job.query.file == str(ARM / "symbolic.json")
        assert job.query.text.startswith("SELECT userId AS UserId")
        assert decoded_at(job.query.file, job.query.json_string_at) == job.query.text


class TestMatchingChildren:
    def child(self, name, alias_type="Microsoft.Storage/Blob", **fields) -> dict:
        resource = {"type": "Microsoft.StreamAnalytics/streamingjobs/outputs", "name": name,
                    "properties": {"datasource": {"type": alias_type}}}
        resource.update(fields)
        return resource

    def test_symbolic_depends_on_when_names_are_unknown(self, tmp_path):
        job = {"type": "Microsoft.StreamAnalytics/streamingjobs", "properties": {}}
        template = {"languageVersion": "2.0", "parameters": {"a": {"type": "string"}, "b": {"type": "string"}},
                    "resources": {
                        "jobA": dict(job, name="[parameters('a')]"),
                        "jobB": dict(job, name="[parameters('b')]"),
                        "outB": self.child("[format('{0}/{1}', parameters('b'), 'toB')]", dependsOn=["jobB"]),
                        "outA": self.child("[concat(uniqueString('x'), '/toA')]", dependsOn=["jobA"]),
                    }}
        jobs = read_template(write(str(tmp_path), "t.json", template))
        assert [[o.alias for o in job.outputs] for job in jobs] == [["toA"], ["toB"]]

    def test_name_expression_in_depends_on(self, tmp_path):
        job = {"type": "Microsoft.StreamAnalytics/streamingjobs", "properties": {}}
        template = {"parameters": {"a": {"type": "string"}, "b": {"type": "string"}}, "resources": [
            dict(job, name="[parameters('a')]"), dict(job, name="[parameters('b')]"),
            self.child("[concat(uniqueString('x'), '/toB')]",
                       dependsOn=["[resourceId('Microsoft.StreamAnalytics/streamingjobs', parameters( 'B' ))]"]),
        ]}
        jobs = read_template(write(str(tmp_path), "t.json", template))
        assert [len(job.outputs) for job in jobs] == [0, 1]

    def test_a_different_name_is_not_the_only_job(self, tmp_path):
        template = job_template()
        template["resources"].append(self.child("other/out"))
        template["resources"].append(self.child("J/mine"))     # names ignore case
        job = read_template(write(str(tmp_path), "t.json", template))[0]
        assert [o.alias for o in job.outputs] == ["mine"]
        assert codes(job) == ["SC609"] and "'out' belongs to no streaming job" in job.notes[0].message

    def test_unknown_properties_mean_unknown_outputs(self, tmp_path):
        template = job_template(properties="[parameters('p')]")
        template["parameters"] = {"p": {"type": "object"}}
        job = read_template(write(str(tmp_path), "t.json", template))[0]
        assert job.outputs is None and job.inputs is None and job.query is None
        assert codes(job) == ["SC608"]

    def test_outputs_array_from_a_variable(self, tmp_path):
        template = job_template()
        template["variables"] = {"outs": [{"name": "v", "properties": {"datasource": {
            "type": "Microsoft.Kusto/clusters/databases", "properties": {"database": "[toUpper('db')]"}}}}]}
        template["resources"][0]["properties"]["outputs"] = "[variables('outs')]"
        job = read_template(write(str(tmp_path), "t.json", template))[0]
        assert [(o.alias, o.kind, o.database) for o in job.outputs] == [("v", "adx", "DB")]
        assert text_at(job.outputs[0].where).startswith("\"[variables('outs')]\"")


class TestLegacyBuild:
    def test_empty_outputs_and_no_query(self):
        job = only("legacy_build.json")
        assert [(o.alias, o.kind) for o in job.outputs] == [("AlertHandler", None), ("TelemetrySaver", None)]
        assert job.query is None
        assert job.inputs == () and job.functions == ()
        assert job.identity.kind == "none"
        no_query, *empties = job.notes
        assert no_query.code == "SC609" and "no query" in no_query.message
        assert [n.where for n in empties] == [o.where for o in job.outputs]
        assert all("cannot tell what output" in n.message for n in empties)
        assert (job.outputs[0].where.line, job.outputs[0].where.column) == (18, 11)


class TestNestedDeployments:
    """nested.json: what Bicep modules compile to. An inner-scope deployment whose template
    takes the deployment's parameters (evaluated in the outer scope: variables, the
    parameters file, a secure value); an inner-scope deployment adding a child resource to
    that job; an outer-scope deployment reading the outer variables; a deployment whose
    condition is false."""

    @pytest.fixture(scope="class")
    @classmethod
    def jobs(cls) -> dict[str, Job]:
        return {job.name: job for job in read("nested.json", "nested.parameters.json")}

    def test_every_job_of_every_scope(self, jobs):
        assert list(jobs) == ["tele-dev-asa", "tele-dev-shared", "audit-asa"]
        assert all(job.form == "arm" and job.source == str(ARM / "nested.json") for job in jobs.values())

    def test_inner_scope_takes_the_deployment_parameters(self, jobs):
        job = jobs["tele-dev-asa"]      # jobName: format() over an outer variable
        adx, archive = job.outputs
        # cluster: the outer parameter from the file; database: a literal the deployment
        # passes; table: the inner declaration's defaultValue
        assert adx == Output("adx", "adx", "Microsoft.Kusto/clusters/databases",
                             "https://teleadx.westeurope.kusto.windows.net", "telemetry", "Readings", "Msi",
                             adx.where)
        assert text_at(adx.where).startswith('{\n                    "name": "adx"')

    def test_a_child_resource_in_another_deployment_joins_its_job_by_name(self, jobs):
        archive = jobs["tele-dev-asa"].outputs[1]
        assert (archive.alias, archive.kind) == ("archive", "blob")
        assert text_at(archive.where).startswith(
            '{\n              "type": "Microsoft.StreamAnalytics/streamingjobs/outputs"')

    def test_a_parameter_the_deployment_does_not_pass(self, jobs):
        job = jobs["tele-dev-asa"]
        assert job.compat_level.value is None
        note = next(n for n in job.notes if "compatibility level" in n.message)
        assert note.code == "SC608"
        assert "nested deployment 'readingsJob' does not pass one" in note.message
        assert "pass it in the deployment's parameters" in note.message and "--parameters" not in note.message
        assert text_at(note.where).startswith("\"[parameters('level')]\"")

    def test_secure_values_stay_secure_through_the_deployment(self, jobs):
        job = jobs["tele-dev-asa"]
        assert job.identity.kind == "unknown"
        note = next(n for n in job.notes if "identity type" in n.message)
        assert "(a secure parameter)" in note.message
        assert "s3cret" not in repr(jobs)

    def test_query_maps_through_the_deployment_into_the_parameters_file(self, jobs):
        query = jobs["tele-dev-asa"].query
        assert query.file == str(ARM / "nested.parameters.json")
        assert query.text.startswith("SELECT deviceId AS DeviceId")
        assert decoded_at(query.file, query.json_string_at) == query.text

    def test_outer_scope_reads_the_outer_variables(self, jobs):
        job = jobs["tele-dev-shared"]
        assert job.compat_level.value == "1.1" and text_at(job.compat_level.where).startswith('"1.1"')
        assert [(o.alias, o.kind) for o in job.outputs] == [("sink", "servicebus-queue")]
        assert decoded_at(job.query.file, job.query.json_string_at) == "SELECT * INTO [sink] FROM [hub]"
        assert job.notes == ()

    def test_a_switched_off_deployment_is_read_with_a_note(self, jobs):
        job = jobs["audit-asa"]
        assert job.query.text == "SELECT * INTO [log] FROM [hub]"
        (note,) = job.notes
        assert note.code == "SC609" and "nested deployment 'audit'" in note.message
        assert "condition [parameters('enableAudit')] is false" in note.message
        assert text_at(note.where).startswith("\"[parameters('enableAudit')]\"")

    def test_without_parameters_file(self):
        job = next(j for j in read("nested.json") if j.name == "tele-dev-asa")
        adx = job.outputs[0]
        assert (adx.cluster, adx.database, adx.table) == (None, "telemetry", "Readings")
        cluster = next(n for n in job.notes if "cluster of output 'adx'" in n.message)
        assert "[parameters('cluster')]" in cluster.message
        assert "parameter 'adxCluster' has no value: no parameters file gives one" in cluster.message
        assert job.query is None and any("the job's query" in n.message for n in job.notes)

    def test_nested_templates_make_a_template(self):
        data = json.loads((ARM / "nested.json").read_text(encoding="utf-8"))
        assert is_template(data)
        data["resources"] = data["resources"][1:2]      # only the deployment adding a child
        assert not is_template(data)

    def test_nesting_is_bounded(self, tmp_path):
        def nest(template, depth):
            for _ in range(depth):
                template = {"resources": [{"type": "Microsoft.Resources/deployments", "name": "d",
                                           "properties": {"template": template}}]}
            return template
        shallow = read_template(write(str(tmp_path), "s.json", nest(job_template(), 10)))
        assert [job.name for job in shallow] == ["j"]
        with pytest.raises(InputError, match="not an ARM template"):
            read_template(write(str(tmp_path), "d.json", nest(job_template(), 11)))

    def test_linked_and_odd_deployments_are_passed_over(self, tmp_path):
        template = job_template()
        template["resources"] += [
            {"type": "Microsoft.Resources/deployments", "name": "linked",
             "properties": {"templateLink": {"relativePath": "job.json"}}},
            {"type": "Microsoft.Resources/deployments", "name": "computed",
             "properties": {"template": "[variables('t')]"}},
            {"type": "Microsoft.Resources/deployments", "properties": None},
            {"type": "Microsoft.Resources/deployments", "name": "bad-scope",
             "properties": {"expressionEvaluationOptions": {"scope": ["inner"]},
                            "parameters": {"x": 1, "y": {"value": "[reference('r')]"}},
                            "template": job_template(name="[parameters('y')]")}},
        ]
        jobs = read_template(write(str(tmp_path), "t.json", template))
        assert [job.name for job in jobs] == ["j", None]
        assert any("expression scope of nested deployment 'bad-scope'" in n.message for n in jobs[1].notes)


class TestCopyLoops:
    """copies.json: a job in a copy loop, its outputs in a property copy loop (reading both
    loops' copyIndex()), child resources in a copy loop, a loop of unknown count."""

    @pytest.fixture(scope="class")
    @classmethod
    def jobs(cls) -> list[Job]:
        return read("copies.json")

    def test_one_job_per_iteration(self, jobs):
        assert [job.name for job in jobs] == ["ingest-eu", "ingest-us"]
        assert all(job.query.text.startswith("SELECT * INTO [adx-0]") for job in jobs)

    def test_property_copy_loop_outputs(self, jobs):
        for job, region in zip(jobs, ("eu", "us")):
            adx0, adx1, archive = job.outputs
            assert [(o.alias, o.kind, o.database, o.table) for o in (adx0, adx1)] == [
                ("adx-0", "adx", f"raw_{region}", "Readings"), ("adx-1", "adx", f"raw_{region}", "Alerts")]
            assert text_at(adx0.where).startswith('{\n              "name": "[format(\'adx-{0}\'')
            assert (archive.alias, archive.kind) == ("archive", "blob")

    def test_a_loop_of_unknown_count(self, jobs):
        for job in jobs:
            assert job.inputs is None       # not known: no SC601-style certainty
            (note,) = job.notes
            assert note.code == "SC608" and "the number of the job's inputs (a copy loop)" in note.message
            assert text_at(note.where).startswith("\"[parameters('archives')]\"")

    def test_a_loop_too_long_is_read_once(self, tmp_path):
        template = job_template(name="[concat('j', copyIndex())]", copy={"name": "c", "count": 101})
        (job,) = read_template(write(str(tmp_path), "t.json", template))
        assert job.name is None

    def test_a_property_loop_too_long(self, tmp_path):
        template = job_template()
        template["resources"][0]["properties"]["copy"] = [
            {"name": "outputs", "count": 1000, "input": {"name": "[concat('o', copyIndex('outputs'))]"}}]
        (job,) = read_template(write(str(tmp_path), "t.json", template))
        assert job.outputs is None and "more than 100 or not a number" in job.notes[0].message


class TestTrailingCommas:
    def test_template_with_trailing_commas(self, tmp_path):
        text = json.dumps(job_template(), indent=2)
        text = text.replace('"name": "j",', '"name": "j",\n      "tags": {"a": [1, 2,],},')
        path = write(str(tmp_path), "t.json", text)
        (job,) = read_template(path)
        assert job.name == "j"
        commas = [n for n in job.notes if "comma before a closing bracket" in n.message]
        assert [n.code for n in commas] == ["SC609", "SC609"]
        assert all(text_at(n.where, 1) == "," for n in commas)

    def test_parameters_file_with_a_trailing_comma(self, tmp_path):
        path = write(str(tmp_path), "p.json",
                     '{\n  "parameters": {\n    "adxDatabase": { "value": "x" },\n  }\n}')
        job = only("telemetry.json", path)
        assert job.outputs[0].database == "x"
        (note,) = [n for n in job.notes if "comma" in n.message]
        assert note.where == Where(path, 3, 36) and text_at(note.where, 1) == ","
        assert "ARM parameters file" in note.message

    def test_comma_inside_a_string_is_not_touched(self, tmp_path):
        path = write(str(tmp_path), "t.json", '{"resources": [{"type": "Microsoft.StreamAnalytics/streamingjobs",'
                                              ' "name": ",]", "properties": {}},], }')
        (job,) = read_template(path)
        assert job.name == ",]"


# ---- 2. recognising templates; files that are not ----------------------------------------


class TestRecognising:
    @pytest.mark.parametrize("data", [
        {"resources": [{"type": "Microsoft.StreamAnalytics/streamingjobs"}]},
        {"resources": [{"type": "microsoft.streamanalytics/StreamingJobs "}]},
        {"Resources": [{"Type": "Microsoft.StreamAnalytics/streamingJobs"}]},
        {"languageVersion": "2.0", "resources": {"job": {"type": "Microsoft.StreamAnalytics/streamingjobs"}}},
        {"resources": [{"type": "Microsoft.Storage/storageAccounts"},
                       {"type": "Microsoft.StreamAnalytics/StreamingJobs"}]},
    ])
    def test_templates(self, data):
        assert is_template(data)

    @pytest.mark.parametrize("data", [
        None, [], "resources", {}, {"resources": None}, {"resources": [1, "x", None]},
        {"resources": [{"type": "Microsoft.StreamAnalytics/streamingjobs/outputs"}]},
        {"resources": [{"type": "Microsoft.Storage/storageAccounts"}]},
        {"parameters": {"x": {"type": "Microsoft.StreamAnalytics/streamingjobs"}}},
    ])
    def test_not_templates(self, data):
        assert not is_template(data)

    def test_looks_like_template(self):
        for path in ARM.rglob("*.json"):
            text = path.read_text(encoding="utf-8")
            assert looks_like_template(text) == ("parameters" not in path.name), path
        assert not looks_like_template('{"resources": [{"type": "Microsoft.Web/sites"}]}')
        assert not looks_like_template('{"Name": "streamingjobs"}')


class TestBadFiles:
    def test_bicep_asks_to_build(self):
        with pytest.raises(InputError) as error:
            read_template("infra/job.bicep")
        assert "bicep build infra/job.bicep" in error.value.message
        assert "az bicep build --file infra/job.bicep" in error.value.message

    def test_bicepparam(self):
        with pytest.raises(InputError, match="bicep build-params"):
            read_template(str(ARM / "telemetry.json"), "main.bicepparam")

    def test_not_a_template(self):
        with pytest.raises(InputError, match="not an ARM template"):
            read_template(str(ARM / "telemetry.parameters.json"))

    def test_bad_template_json_is_located(self, tmp_path):
        path = write(str(tmp_path), "t.json", '{\n  "resources": [\n    {"type": }\n  ]\n}')
        with pytest.raises(InputError) as error:
            read_template(path)
        assert (error.value.file, error.value.line, error.value.column) == (path, 3, 14)

    def test_bad_parameters_json_is_located(self, tmp_path):
        path = write(str(tmp_path), "p.json", '{\n  "parameters": {\n    "adxDatabase": { "value": "x" },,\n  }\n}')
        with pytest.raises(InputError) as error:
            read_template(str(ARM / "telemetry.json"), path)
        assert (error.value.file, error.value.line) == (path, 3)

    def test_parameters_not_an_object(self, tmp_path):
        path = write(str(tmp_path), "p.json", "[1, 2]")
        with pytest.raises(InputError, match="not an ARM parameters file"):
            read_template(str(ARM / "telemetry.json"), path)

    def test_missing_parameters_file(self, tmp_path):
        with pytest.raises(InputError, match="no such file"):
            read_template(str(ARM / "telemetry.json"), str(tmp_path / "absent.json"))


class TestParametersFile:
    def test_bare_form(self, tmp_path):
        path = write(str(tmp_path), "p.json", {
            "adxClusterUri": {"value": "https://c.westeurope.kusto.windows.net"},
            "adxDatabase": {"value": "bare"}, "eventHubNamespace": {"value": "ns"}})
        adx = only("telemetry.json", path).outputs[0]
        assert (adx.cluster, adx.database) == ("https://c.westeurope.kusto.windows.net", "bare")

    def test_key_vault_reference_is_unresolved(self, tmp_path):
        template = job_template()
        template["parameters"] = {"db": {"type": "string"}}
        template["resources"][0]["properties"]["outputs"] = [{"name": "o", "properties": {"datasource": {
            "type": "Microsoft.Kusto/clusters/databases", "properties": {"database": "[parameters('db')]"}}}}]
        params = write(str(tmp_path), "p.json", {"parameters": {"db": {"reference": {
            "keyVault": {"id": "/x"}, "secretName": "db"}}}})
        job = read_template(write(str(tmp_path), "t.json", template), params)[0]
        assert job.outputs[0].database is None
        assert "read from Key Vault" in job.notes[0].message

    def test_entry_without_value(self, tmp_path):
        params = write(str(tmp_path), "p.json", {"$schema": "x", "parameters": {"adxDatabase": "telemetry"}})
        job = only("telemetry.json", params)
        problem = [n for n in job.notes if n.code == "SC609"]
        assert len(problem) == 1 and "'adxDatabase' in the parameters file has no \"value\"" in problem[0].message
        assert problem[0].where == Where(params, 4, 20)

    def test_parameter_notes_reach_every_job(self, tmp_path):
        params = write(str(tmp_path), "p.json", {"parameters": {"stray": {"value": 1}}})
        jobs = read_template(str(ARM / "two_jobs.json"), params)
        assert all(any("'stray'" in n.message for n in job.notes) for job in jobs)


# ---- 3. secure parameters ----------------------------------------------------------------------


def test_secure_values_never_show_in_notes(tmp_path):
    template = job_template(identity={"type": "[parameters('secret')]"})
    template["parameters"] = {"secret": {"type": "secureString"}}
    params = write(str(tmp_path), "p.json", {"parameters": {"secret": {"value": "hunter2-value"}}})
    job = read_template(write(str(tmp_path), "t.json", template), params)[0]
    assert job.identity.kind == "unknown"
    assert "(a secure parameter)" in job.notes[0].message
    assert "hunter2" not in " ".join(n.message for n in job.notes)


def test_identity_shapes(tmp_path):
    cases = [({"type": "None"}, "none"), ({"type": "userassigned"}, "user"), (None, "none"),
             ({"type": "Bogus"}, "unknown"), ({}, "unknown"), ("text", "unknown")]
    for identity, kind in cases:
        path = write(str(tmp_path), "t.json", job_template(identity=identity))
        job = read_template(path)[0]
        assert job.identity.kind == kind, identity
        assert codes(job) == ([] if kind != "unknown" else ["SC609"]), identity
