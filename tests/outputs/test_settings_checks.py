"""schemacheck.outputs: each output kind's settings against the columns a statement writes,
from Job records built here and queries analysed for real (the readers that fill the settings
are tested in tests/jobs; the whole path in test_outputs_end_to_end.py)."""

from __future__ import annotations

import pytest

from schemacheck.asa.analysis import analyze
from schemacheck.jobs.model import Job, Output, OutputSetting, Query, Where
from schemacheck.outputs import settings_findings

JOB_FILE = "job.json"


def setting(name: str, value, line: int = 10) -> OutputSetting:
    return OutputSetting(name, value, Where(JOB_FILE, line, 5))


def findings(query: str, kind: str, *settings: OutputSetting, alias: str = "out", level: str = "1.2"):
    job = Job("j", "arm", JOB_FILE, ".", Query(query, "q.asaql"),
              outputs=(Output(alias, kind, where=Where(JOB_FILE, 3, 7), settings=settings),))
    analysis = analyze(query, file="q.asaql", level=level)
    return settings_findings(job, analysis, level)


def codes(found) -> list[str]:
    return sorted(d.code for d in found)


# ---- Table storage -------------------------------------------------------------------------

def test_table_keys_written_are_clean():
    query = "SELECT DeviceId, EventId, Temperature INTO [out] FROM [in]"
    assert findings(query, "table-storage", setting("partitionKey", "DeviceId"), setting("rowKey", "EventId")) == []


def test_a_missing_row_key_is_an_error_at_the_setting():
    query = "SELECT DeviceId, Temperature INTO [out] FROM [in]"
    (found,) = findings(query, "table-storage", setting("partitionKey", "DeviceId"), setting("rowKey", "EventId", 12))
    assert (found.code, found.severity, found.file, found.line) == ("SC801", "error", JOB_FILE, 12)
    assert "output out's rowKey (job.json:12) names column EventId" in found.message
    assert "RequiredColumnMissing" in found.message and found.output == "out"


def test_a_key_in_another_case_is_a_warning_and_level_1_0_says_why():
    query = "SELECT DeviceId, EventId INTO [out] FROM [in]"
    found = findings(query, "table-storage", setting("partitionKey", "DeviceId"), setting("rowKey", "EventId"),
                     level="1.0")
    assert codes(found) == ["SC802", "SC802"]
    assert "written DeviceId in the query; ASA writes deviceid at this level" in found[0].message


def test_a_numeric_key_is_a_warning_with_a_cast():
    query = "SELECT CAST(Zone AS bigint) AS Zone, DeviceId INTO [out] FROM [in]"
    (found,) = findings(query, "table-storage", setting("partitionKey", "Zone"), setting("rowKey", "DeviceId"))
    assert found.code == "SC805" and found.fix == "CAST(Zone AS nvarchar(max)) in the query"


def test_table_property_names_count_and_reserved_names():
    query = "SELECT DeviceId, EventId, Temperature AS [temp-c], System.Timestamp() AS Timestamp INTO [out] FROM [in]"
    found = findings(query, "table-storage", setting("partitionKey", "DeviceId"), setting("rowKey", "EventId"),
                     setting("columnsToRemove", ("Humidity",)))
    assert codes(found) == ["SC806", "SC807", "SC807"]
    bad = next(d for d in found if d.code == "SC806")
    assert bad.file == "q.asaql" and bad.query_column == "temp-c"


def test_removed_columns_do_not_count_and_a_star_of_unknown_fields_is_no_finding():
    assert findings("SELECT * INTO [out] FROM [in]", "table-storage", setting("partitionKey", "DeviceId"),
                    setting("rowKey", "EventId"), setting("columnsToRemove", ("Humidity",))) == []


def test_more_properties_than_an_entity_holds():
    columns = ", ".join(f"c{i}" for i in range(260))
    found = findings(f"SELECT DeviceId, EventId, {columns} INTO [out] FROM [in]", "table-storage",
                     setting("partitionKey", "DeviceId"), setting("rowKey", "EventId"))
    assert codes(found) == ["SC806"] and "at most 255 properties" in found[0].message


# ---- Cosmos DB -------------------------------------------------------------------------------

def test_cosmos_document_id_and_partition_key():
    query = "SELECT DeviceId, Region INTO [out] FROM [in]"
    assert findings(query, "cosmosdb", setting("documentId", "DeviceId"), setting("partitionKey", "/Region")) == []
    found = findings(query, "cosmosdb", setting("documentId", "EventId"), setting("partitionKey", "region"))
    assert codes(found) == ["SC801", "SC802"]
    assert "CosmosDBOutputMissingIdColumn" in next(d for d in found if d.code == "SC801").message


def test_an_id_column_without_a_document_id_and_a_nested_partition_key():
    found = findings("SELECT DeviceId AS id, Region INTO [out] FROM [in]", "cosmosdb",
                     setting("partitionKey", "site/region"))
    assert codes(found) == ["SC803", "SC808"]


# ---- blob path patterns and Delta -------------------------------------------------------------

@pytest.mark.parametrize("pattern, wanted", [
    ("telemetry/{date}/{time}", []),
    ("telemetry/{DeviceId}/{date}", []),
    ("telemetry/{deviceid}/{datetime:yyyy}/{datetime:MM}", []),           # fields match without case
    ("telemetry/{Region}/{DeviceId}", ["SC809"]),                          # one custom field
    ("telemetry/{datetime:MM/dd}", ["SC809"]),
    ("telemetry/{a.b}", ["SC809"]),
    ("telemetry/{Site}", ["SC803"]),
    ("telemetry/{EventTime}", ["SC804"]),
])
def test_blob_path_patterns(pattern, wanted):
    query = "SELECT DeviceId, Region, CAST(EventTime AS datetime) AS EventTime INTO [out] FROM [in]"
    found = findings(query, "blob", setting("pathPattern", pattern), setting("timeFormat", "HH"))
    assert codes(found) == wanted


def test_bit_is_a_path_field_at_level_1_2():
    query = "SELECT CAST(Active AS bit) AS Active INTO [out] FROM [in]"
    assert findings(query, "blob", setting("pathPattern", "x/{Active}")) == []
    # Below 1.2 there is no bit: ASA reads the CAST as bigint, which a path field may be.
    assert findings(query, "blob", setting("pathPattern", "x/{Active}"), level="1.1") == []


def test_the_only_time_format_is_hh():
    assert codes(findings("SELECT a INTO [out] FROM [in]", "blob", setting("pathPattern", "x/{time}"),
                          setting("timeFormat", "HH:mm"))) == ["SC809"]


def test_delta_partition_column_and_table_path():
    query = "SELECT DeviceId, Region, CAST(Zone AS bigint) AS Zone INTO [out] FROM [in]"
    delta = setting("serialization", "Delta")
    assert findings(query, "blob", delta, setting("deltaTablePath", "/lake/readings"),
                    setting("partitionColumns", ("Region",))) == []
    assert codes(findings(query, "blob", delta, setting("partitionColumns", ("Zone",)))) == ["SC804"]
    assert codes(findings(query, "blob", delta, setting("partitionColumns", ("Region", "DeviceId")))) == ["SC810"]
    assert codes(findings(query, "blob", delta, setting("deltaTablePath", "/lake/{Region}"))) == ["SC810"]
    assert codes(findings(query, "fabric-lakehouse", setting("partitionColumns", ("Site",)))) == ["SC803"]


# ---- Event Hubs, Service Bus ---------------------------------------------------------------

def test_event_hub_partition_key_and_property_columns():
    query = "SELECT DeviceId, Position, Severity INTO [out] FROM [in]"
    assert findings(query, "eventhub", setting("partitionKey", "DeviceId"),
                    setting("propertyColumns", ("Severity",))) == []
    found = findings("SELECT DeviceId, TRY_CAST(Meta AS record) AS Meta INTO [out] FROM [in]", "eventhub",
                     setting("partitionKey", "Vehicle"), setting("propertyColumns", ("Meta",)))
    assert codes(found) == ["SC803", "SC804"]


def test_service_bus_system_properties():
    query = "SELECT DeviceId, Severity INTO [out] FROM [in]"
    found = findings(query, "servicebus-queue",
                     setting("systemPropertyColumns", (("MessageId", "DeviceId"), ("SessionID", "Severity"))))
    assert found == []
    found = findings(query, "servicebus-topic",
                     setting("systemPropertyColumns", (("MesageId", "DeviceId"), ("Label", "Kind"))))
    assert codes(found) == ["SC803", "SC811"]
    assert next(d for d in found if d.code == "SC811").suggested_name == "MessageId"


# ---- Power BI, Functions, retired --------------------------------------------------------------

def test_power_bi_retires_and_dislikes_star_and_records():
    assert codes(findings("SELECT DeviceId INTO [out] FROM [in]", "powerbi")) == ["SC812"]
    assert codes(findings("SELECT * INTO [out] FROM [in]", "powerbi")) == ["SC812", "SC813"]
    assert codes(findings("SELECT TRY_CAST(r AS record) AS r INTO [out] FROM [in]", "powerbi")) == ["SC812", "SC813"]


def test_functions_and_gen1_outputs():
    (info,) = findings("SELECT a INTO [out] FROM [in]", "functions")
    assert (info.code, info.severity) == ("SC814", "info")
    (retired,) = findings("SELECT a INTO [out] FROM [in]", "adls-gen1")
    assert (retired.code, retired.severity) == ("SC815", "error")


def test_an_output_no_statement_writes_has_no_column_findings():
    assert findings("SELECT a INTO [other] FROM [in]", "table-storage", setting("partitionKey", "x"),
                    setting("rowKey", "y")) == []


def test_a_job_without_these_outputs_imports_no_checker():
    import subprocess
    import sys

    from conftest import FIXTURES

    sample = str(FIXTURES / "drift" / "telemetry")   # ADX and SQL outputs only
    script = ("import sys, io\nfrom schemacheck.cli import main\n"
              f"main(['check', {sample!r}, '--no-cache', '--format', 'json'], io.StringIO(), io.StringIO())\n"
              "print(sorted(m for m in sys.modules if m.startswith('schemacheck.outputs.')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
