"""Every output's contract with the query: the settings of Table storage, Cosmos DB, blob and
ADLS Gen2 (path patterns, Delta), Fabric Lakehouse, Event Hubs, Service Bus, Power BI and
Azure Functions outputs checked against the columns each statement INTO them writes
(rules SC801-SC815; ../shared/reference/outputs-and-inputs.md Part A).

    settings_findings(job, analysis) -> [Diagnostic]

One module per output family; CHECKERS maps an output kind to "module:function", imported
only when a job has such an output, so a job without them pays nothing. A checker is pure:
(output, statements, context) -> diagnostics, each at the setting's place in the job's file
(else the output's), naming the output and the setting.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.jobs.model import Job

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.analysis import QueryAnalysis

CHECKERS = {
    "table-storage": "schemacheck.outputs.tables:check",
    "cosmosdb": "schemacheck.outputs.cosmos:check",
    "blob": "schemacheck.outputs.paths:check",
    "fabric-lakehouse": "schemacheck.outputs.paths:check_lakehouse",
    "eventhub": "schemacheck.outputs.messages:check_eventhub",
    "servicebus-queue": "schemacheck.outputs.messages:check_servicebus",
    "servicebus-topic": "schemacheck.outputs.messages:check_servicebus",
    "powerbi": "schemacheck.outputs.notices:check_powerbi",
    "functions": "schemacheck.outputs.notices:check_functions",
    "adls-gen1": "schemacheck.outputs.notices:check_retired",
}


def settings_findings(job: Job, analysis: QueryAnalysis, level: str = "1.2") -> list[D.Diagnostic]:
    """The findings of every output of `job` whose kind has a checker."""
    from importlib import import_module

    from schemacheck.outputs.common import Context

    found: list[D.Diagnostic] = []
    for output in job.outputs or ():
        target = CHECKERS.get(output.kind or "")
        if target is None:
            continue
        module, _, function = target.partition(":")
        statements = [s for s in analysis.outputs if s.output.lower() == output.alias.lower()]
        context = Context(job, analysis.file or job.source, level)
        found.extend(getattr(import_module(module), function)(output, statements, context))
    return found
