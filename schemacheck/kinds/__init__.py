"""Destination kinds: what an ASA output writes to, and which of them schemacheck checks.

Every kind schemacheck compares with a table is one module behind one small interface
(schemacheck.kinds.base.DestinationKind: read its tables, find an output's table,
compare, the table-side commands, a label), registered here by name. The pipeline, the
suggestions and the reports ask the registry, never "ADX or SQL?":

    get("adx")            the kind (its module is imported on first use)
    checked("blob")       False: a kind ASA writes to that is listed as not checked
    register(kind)        add a kind (a test registers a fake one; a new module adds a line below)

A kind's module is imported only when an output of that kind is checked, so a job
without SQL outputs never imports sqlglot.

`OUTPUT_KINDS` are all the names the configuration's `[outputs.ALIAS] kind` accepts and
the job readers give outputs (schemacheck.jobs.kinds maps the ARM and project type
names to them).
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import TypeGuard

    from schemacheck.kinds.base import DestinationKind

ADX = "adx"

# Kind name -> ("module:attribute" of its DestinationKind, imported on first use, or the
# kind itself; the suffixes of the schema files it reads, known without importing it).
# Order matters: an output nothing maps is looked for among the tables of each kind in
# this order (ADX first), and a schema file of no kind's suffix is the first kind's.
_REGISTRY: dict[str, tuple[object, tuple[str, ...]]] = {
    ADX: ("schemacheck.kusto.kind:ADX", (".json", ".csv", ".kql", ".csl", ".cslschema")),
    "sql": ("schemacheck.sql.kind:SQL_DATABASE", (".sql",)),
    "synapse": ("schemacheck.sql.kind:SYNAPSE", (".sql",)),
    "postgresql": ("schemacheck.sql.kind:POSTGRESQL", (".sql",)),
    # A Delta table is a folder holding a _delta_log folder, which is no file of a suffix: no
    # suffixes, so it is handed the schema paths' folders only and is never looked in for an
    # output nothing maps (schemacheck.check.destinations maps Delta and Lakehouse outputs to it).
    "delta": ("schemacheck.delta.kind:DELTA", ()),
}

# Every kind ASA writes to, as the configuration and the readers name them; those not in
# the registry are listed as not checked (SC404).
OUTPUT_KINDS = (ADX, "blob", "adls-gen1", "sql", "synapse", "postgresql", "cosmosdb", "eventhub",
                "servicebus-queue", "servicebus-topic", "table-storage", "powerbi", "functions",
                "fabric-lakehouse", "gateway", "raw")


def names() -> tuple[str, ...]:
    """The checked kinds, in look-up order."""
    return tuple(_REGISTRY)


def output_kinds() -> tuple[str, ...]:
    """Every kind name an output may have: OUTPUT_KINDS, then kinds registered since."""
    return OUTPUT_KINDS + tuple(name for name in _REGISTRY if name not in OUTPUT_KINDS)


def checked(name: str | None) -> TypeGuard[str]:
    return name in _REGISTRY


def get(name: str) -> DestinationKind:
    """The kind registered as `name` (KeyError for a kind that is not checked)."""
    entry, suffixes = _REGISTRY[name]
    if isinstance(entry, str):
        module, _, attribute = entry.partition(":")
        entry = getattr(import_module(module), attribute)
        _REGISTRY[name] = (entry, suffixes)
    return entry   # type: ignore[return-value]


def suffixes(name: str) -> tuple[str, ...]:
    """The suffixes of the schema files kind `name` reads (its module is not imported)."""
    return _REGISTRY[name][1]


def register(kind: DestinationKind, schema_suffixes: tuple[str, ...] = ()) -> None:
    """Add (or replace) a kind under `kind.name`, reading schema files of `schema_suffixes`;
    it is looked up after those already there."""
    _REGISTRY[kind.name] = (kind, tuple(schema_suffixes))


def unregister(name: str) -> None:
    """Take a registered kind away again (a test's fake kind)."""
    _REGISTRY.pop(name, None)
