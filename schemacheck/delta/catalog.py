"""The Delta tables of a set of schema paths: every folder below them that holds a
`_delta_log` folder is a table, named by its folder's name (`tables/Readings/_delta_log`
is table Readings). A path may also be a table's folder or its `_delta_log` itself; files
are other kinds' (schemacheck.check.tables hands this kind folders only).

    load_catalog(paths) -> DeltaCatalog      each table read by schemacheck.delta.log
    catalog.named(name)                      the tables of that name, ignoring case
"""

from __future__ import annotations

import os

from schemacheck.delta.log import LOG, DeltaTable, read_table


def table_folders(paths) -> list[str]:
    """The folders holding a `_delta_log`, below `paths`, each once, in a fixed order. A
    table's folder is not searched further (its subfolders are its data's partitions)."""
    found: dict[str, None] = {}
    for path in paths:
        if not os.path.isdir(path):
            continue
        if os.path.basename(os.path.normpath(path)) == LOG:
            found.setdefault(os.path.normpath(os.path.dirname(os.path.normpath(path))) or ".")
            continue
        for root, dirs, _files in os.walk(path):
            if LOG in dirs:
                found.setdefault(os.path.normpath(root))
                dirs[:] = []
            else:
                dirs.sort()
    return list(found)


class DeltaCatalog:
    """The Delta tables read from the schema paths (`source` says which, for messages)."""

    __slots__ = ("source", "tables")

    def __init__(self, tables: tuple[DeltaTable, ...], source: str) -> None:
        self.tables = tables
        self.source = source

    def __len__(self) -> int:
        return len(self.tables)

    def named(self, name: str) -> list[DeltaTable]:
        """The tables called `name`, ignoring case (ASA and Delta do not tell names by case)."""
        lowered = name.lower()
        return [t for t in self.tables if t.name.lower() == lowered]

    def near_misses(self, name: str) -> list[str]:
        from difflib import get_close_matches

        names = {t.name.lower(): t.name for t in self.tables}
        return [names[n] for n in get_close_matches(name.lower(), list(names), n=3, cutoff=0.75)]


def load_catalog(paths) -> DeltaCatalog:
    from schemacheck.files import display_path

    tables = tuple(read_table(folder) for folder in table_folders(paths))
    if not paths:
        return DeltaCatalog(tables, "Delta tables loaded (no schema path is given)")
    return DeltaCatalog(tables, f"Delta tables under {', '.join(display_path(p) for p in paths)}")
