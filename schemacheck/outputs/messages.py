"""Event Hubs and Service Bus outputs: the partition key column, property columns and
Service Bus system property columns (outputs-and-inputs.md §A5: AD event-hubs-output.md,
service-bus-queues-output.md; azurerm's servicebus output resources)."""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.outputs.common import Context, finding, named, statement, texts
from schemacheck.outputs.keys import column_named

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.infer import OutputSchema
    from schemacheck.jobs.model import Output, OutputSetting

# The documented system properties, and azurerm's ReplyToSessionId (its list lacks ForcePersistence).
SYSTEM_PROPERTIES = ("MessageId", "ContentType", "Label", "PartitionKey", "ReplyTo", "SessionId", "CorrelationId",
                     "To", "ForcePersistence", "TimeToLive", "ScheduledEnqueueTimeUtc", "ReplyToSessionId")
NOT_A_PROPERTY = ("record", "array")
UNDOCUMENTED = "the property has no value to take (what ASA then sends is not documented)"


def check_eventhub(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    found: list[D.Diagnostic] = []
    key = output.setting("partitionKey")
    for column in texts(key)[:1]:
        assert key is not None
        found += column_named(output, key, column, statements, context, "SC803",
                              "events have no partition key to take (what ASA then does is not documented)")[0]
    return found + _properties(output, statements, context)


def check_servicebus(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    found = _properties(output, statements, context)
    setting = output.setting("systemPropertyColumns")
    pairs = setting.value if setting is not None and isinstance(setting.value, tuple) else ()
    known = {p.lower(): p for p in SYSTEM_PROPERTIES}
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            continue
        assert setting is not None
        prop, column = pair
        if str(prop).lower() not in known:
            from difflib import get_close_matches

            close = get_close_matches(str(prop), SYSTEM_PROPERTIES, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else ""
            found.append(finding("SC811", f"{named(output, setting)} sets {prop}, which is no Service Bus system "
                                 f"property ASA sets ({', '.join(SYSTEM_PROPERTIES)}){hint}", output, setting, context,
                                 suggested_name=close[0] if close else None))
            continue
        if isinstance(column, str) and column.strip():
            found += column_named(output, setting, column, statements, context, "SC803", UNDOCUMENTED)[0]
    return found


def _properties(output: Output, statements: list[OutputSchema], context: Context) -> list[D.Diagnostic]:
    setting = output.setting("propertyColumns")
    found: list[D.Diagnostic] = []
    for column in texts(setting):
        assert setting is not None
        more, pairs = column_named(output, setting, column, statements, context, "SC803", UNDOCUMENTED)
        found += more
        found += _typed(output, setting, pairs, context)
    return found


def _typed(output: Output, setting: OutputSetting, pairs, context: Context) -> list[D.Diagnostic]:
    return [finding("SC804", f"{named(output, setting)} names column {hit.name}, which {statement(schema, context)} "
                    f"writes as {hit.type}: a property column may be of any type but record and array", output,
                    setting, context, query_column=hit.name)
            for schema, hit in pairs if hit.type in NOT_A_PROPERTY]
