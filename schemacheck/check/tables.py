"""The tables a job's outputs are compared with: per destination kind, the catalog its
schema files define (or, in live mode, the cluster's), and the table each output maps to.

    tables = Tables(paths)               one job's schema paths (--schema, schemas = [...], schemas/)
    tables.of(kind)                      that kind's catalog, read on first use
    table_for(output, where_to, tables, report) -> (status, table, kind)

Each kind reads only the files of its suffixes; a file no kind claims goes to the first
kind (ADX: CSL schema text in a file of any name). A kind's catalog is read only when an
output needs it, so a check without SQL outputs imports no DDL reader: an output nothing
maps is looked for among the tables of each kind whose files the schema paths hold.
"""

from __future__ import annotations

import os

from schemacheck import kinds
from schemacheck.errors import InputError
from schemacheck.kinds.base import COMPARED, NO_TABLE, NOT_CHECKED, unmapped_message

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from schemacheck.asa.infer import OutputSchema
    from schemacheck.check.destinations import Destination
    from schemacheck.kinds.base import DestinationKind, Status


class Tables:
    """The catalogs of one set of schema paths, per kind (kinds reading the same files share
    one). `overrides` gives a kind's catalog from elsewhere (live mode: the cluster's)."""

    def __init__(self, paths: tuple[str, ...], overrides: dict[str, Any] | None = None, scripts: tuple = ()) -> None:
        self.paths = tuple(paths)
        self.overrides = dict(overrides or {})
        self.scripts = tuple(scripts)   # the tables the job's own files define (Terraform, Bicep)
        self.loaded: dict[tuple, Any] = {}
        self._files: dict[str, list[str]] | None = None

    def of(self, kind: DestinationKind, paths: tuple[str, ...] | None = None) -> Any:
        """The catalog of `kind` from `paths` (default: the job's), read on first use."""
        if kind.name in self.overrides and not paths:
            return self.overrides[kind.name]
        key = (kind.tables_key, tuple(paths or self.paths))
        if key not in self.loaded:
            scripts = tuple(s for s in self.scripts if s.kind == kind.name) if not paths else ()
            self.loaded[key] = kind.load_tables(self._paths_for(kind, key[1]), scripts) if scripts else \
                kind.load_tables(self._paths_for(kind, key[1]))
        return self.loaded[key]

    def has_files(self, name: str) -> bool:
        """Whether the schema paths hold a file of kind `name`, or the job a script of it
        (names only: nothing is read)."""
        return bool(self._listed().get(name)) or any(s.kind == name for s in self.scripts)

    def notes(self, kinds_used) -> list:
        """What the catalogs of `kinds_used` skipped (a DDL statement not read), each once."""
        keys = {kind.tables_key for kind in kinds_used}
        seen: dict = {}
        for (key, _), catalog in self.loaded.items():
            if key in keys:
                for note in getattr(catalog, "notes", ()):
                    seen.setdefault(note, None)
        return list(seen)

    def _paths_for(self, kind: DestinationKind, paths: tuple[str, ...]) -> tuple[str, ...]:
        """Folders as they are (each kind lists its own files); files of this kind's suffixes,
        and for the first kind the files no kind claims."""
        claimed = _suffixes()
        first = kinds.names()[0] == kind.name
        chosen = []
        for path in paths:
            lowered = path.lower()
            if os.path.isdir(path) or lowered.endswith(kinds.suffixes(kind.name)):
                chosen.append(path)
            elif first and not lowered.endswith(tuple(claimed)):
                chosen.append(path)
        return tuple(chosen)

    def _listed(self) -> dict[str, list[str]]:
        if self._files is None:
            files = _files_of(self.paths)
            self._files = {name: [f for f in files if f.lower().endswith(kinds.suffixes(name))]
                           for name in kinds.names()}
        return self._files


def _suffixes() -> list[str]:
    """Every suffix a registered kind reads, in registry order."""
    found: list[str] = []
    for name in kinds.names():
        found.extend(s for s in kinds.suffixes(name) if s not in found)
    return found


def _files_of(paths: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(os.path.join(root, name) for root, _dirs, names in os.walk(path) for name in names)
        elif os.path.isfile(path):
            found.append(path)
    return found


def check_folders(paths: tuple[str, ...]) -> None:
    """An InputError for a schema folder that holds no file any kind reads."""
    suffixes = tuple(_suffixes())
    for path in paths:
        if os.path.isdir(path) and not any(f.lower().endswith(suffixes) for f in _files_of((path,))):
            raise InputError(f"no schema files ({', '.join(suffixes)}) in this directory", path)


def table_for(output: OutputSchema, where_to: Destination, tables: Tables, report) -> tuple[Status, Any, str | None]:
    """(status, table, kind) for one statement's output; `report(code, message, span, **fields)`
    says why there is no table (SC404, SC402, SC501, ...)."""
    alias = output.output
    where = output.output_span or output.span
    if where_to.kind is not None and not kinds.checked(where_to.kind):
        from schemacheck.outputs import CHECKERS

        # Its settings (keys, path patterns, property columns) are still checked (schemacheck.outputs).
        what = ("no table to compare its columns with; its settings are checked against them"
                if where_to.kind in CHECKERS else "not checked")
        report("SC404", f"output {alias} is {where_to.kind}, neither Azure Data Explorer nor a SQL table "
               f"({where_to.origin}): {what}", where)
        return NOT_CHECKED, None, where_to.kind
    if where_to.kind is None:
        return _by_name(output, tables, report)
    kind = kinds.get(where_to.kind)
    catalog = tables.of(kind, where_to.schemas) if where_to.table is not None or kind.name == kinds.ADX else None
    elsewhere = None
    if catalog is not None and where_to.table is not None and not len(catalog):
        elsewhere = _elsewhere(kind, where_to.table, alias, tables)
    status, table = kind.find_table(catalog, where_to, output, report, elsewhere)
    return status, table, kind.name


def _candidate_kinds(tables: Tables):
    """The kinds an output nothing maps may write to: the first (ADX) always, the others when
    the schema paths hold their files (a kind whose files are absent is not even imported);
    each set of files once."""
    seen = set()
    for index, name in enumerate(kinds.names()):
        if index and not tables.has_files(name):
            continue
        kind = kinds.get(name)
        if kind.tables_key in seen:
            continue
        seen.add(kind.tables_key)
        yield kind


def _named(kind: DestinationKind, tables: Tables, alias: str) -> list:
    try:
        return kind.tables_named(tables.of(kind), alias)
    except InputError:
        # Files another kind of the same suffix reads (PostgreSQL DDL where T-SQL is tried).
        return []


def _by_name(output: OutputSchema, tables: Tables, report) -> tuple[Status, Any, str | None]:
    alias = output.output
    where = output.output_span or output.span
    for kind in _candidate_kinds(tables):
        found = _named(kind, tables, alias)
        if found:
            status, table = kind.by_name(alias, found, where, report)
            return status, table, kind.name if status == COMPARED else None
    report("SC402", unmapped_message(alias), where)
    return NO_TABLE, None, None


def _elsewhere(kind: DestinationKind, name: str, alias: str, tables: Tables) -> str | None:
    """How to map the output to a table named `name` that another kind's files define."""
    for other in _candidate_kinds(tables):
        if other.tables_key != kind.tables_key:
            found = _named(other, tables, name)
            if found:
                return other.mapping_hint(alias, found[0])
    return None
