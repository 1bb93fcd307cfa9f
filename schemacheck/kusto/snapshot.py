"""`schemacheck snapshot`: save the tables the outputs write to, as files the offline check reads.

One file per table, `<dir>/<database>/<table>.json`, in the shape of `.show database D
schema as json` (so the database travels with the table), written deterministically:
fixed key order, one column per line, no timestamp unless asked, nothing but names and
types (never a credential). Files are written atomically. `--check` compares the saved
files with the cluster and lists every difference (drift).
"""

from __future__ import annotations

import json
import os

from schemacheck.kusto.schema import TableSchema
from schemacheck.kusto.types import SYSTEM_NAMES


def snapshot_path(directory: str, database: str, table: str) -> str:
    return os.path.join(directory, database, f"{table}.json")


def render(table: TableSchema, database: str, cluster: str, fetched_on: str | None = None) -> str:
    """The snapshot file's text (see the module doc)."""
    dump = json.dumps
    columns = ",\n".join(
        f'            {{"Name": {dump(c.name, ensure_ascii=False)}, "Type": {dump(SYSTEM_NAMES[c.type])}, '
        f'"CslType": {dump(c.type)}}}'
        for c in table.columns)
    extra = ""
    if table.folder:
        extra += f'          "Folder": {dump(table.folder, ensure_ascii=False)},\n'
    if table.docstring:
        extra += f'          "DocString": {dump(table.docstring, ensure_ascii=False)},\n'
    provenance = {"Cluster": cluster, "Command": f".show table ['{table.name}'] schema as json"}
    if fetched_on:
        provenance["FetchedOn"] = fetched_on
    name, db = dump(table.name, ensure_ascii=False), dump(database, ensure_ascii=False)
    return (
        "{\n"
        '  "Databases": {\n'
        f"    {db}: {{\n"
        f'      "Name": {db},\n'
        '      "Tables": {\n'
        f"        {name}: {{\n"
        f'          "Name": {name},\n'
        f"{extra}"
        '          "OrderedColumns": [\n'
        f"{columns}\n"
        "          ]\n"
        "        }\n"
        "      }\n"
        "    }\n"
        "  },\n"
        f'  "schemacheck": {dump(provenance, ensure_ascii=False)}\n'
        "}\n"
    )


def write_atomically(path: str, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never half of one."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def drift(saved: TableSchema | None, live: TableSchema | None, name: str) -> list[str]:
    """How the saved table differs from the cluster's, one line per difference."""
    if live is None:
        return [f"table {name} no longer exists on the cluster"] if saved is not None else \
            [f"table {name} exists neither on the cluster nor in the snapshot"]
    if saved is None:
        return [f"table {name} has no snapshot yet: run schemacheck snapshot"]
    lines = []
    saved_types = {c.name: c.type for c in saved.columns}
    live_types = {c.name: c.type for c in live.columns}
    for column in live.columns:
        if column.name not in saved_types:
            lines.append(f"{name}: column {column.name} ({column.type}) was added on the cluster")
        elif saved_types[column.name] != column.type:
            lines.append(f"{name}: column {column.name} is {column.type} on the cluster, {saved_types[column.name]} "
                         f"in the snapshot")
    for column in saved.columns:
        if column.name not in live_types:
            lines.append(f"{name}: column {column.name} ({column.type}) is no longer on the cluster")
    common_live = [c.name for c in live.columns if c.name in saved_types]
    common_saved = [c.name for c in saved.columns if c.name in live_types]
    if not lines and common_live != common_saved:
        lines.append(f"{name}: the columns are in another order on the cluster: {', '.join(common_live)}")
    return lines
