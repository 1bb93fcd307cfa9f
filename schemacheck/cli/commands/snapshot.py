"""`schemacheck snapshot`: save the tables the outputs write to as schema files (or, with
--check, say how the saved files differ from the cluster)."""

from __future__ import annotations

import os

from schemacheck.errors import EXIT_FINDINGS, EXIT_OK, UsageError


def run(options, session) -> int:
    from schemacheck.cli.commands.tables import tables_to_read
    from schemacheck.cli.live import Connections
    from schemacheck.kusto.files import load_file
    from schemacheck.kusto.live import engine_url
    from schemacheck.kusto.snapshot import drift, render, snapshot_path, write_atomically

    out = session.out
    wanted = tables_to_read(options, session)
    if not wanted:
        raise UsageError("no table to read: no output maps to a database and table")
    directory = options.out or next((p.schemas[0] for *_, p in wanted if p is not None and p.schemas), None)
    if directory is None:
        directory = next((os.path.join(p.found.job.root, "schemas") for *_, p in wanted
                          if p is not None and p.found.job.form != "query"), None)
    if directory is None:
        raise UsageError("where to write the snapshot: give --out DIR, schemas = [...] in schemacheck.toml, or make "
                         "a schemas/ folder in the project")
    stamp = None
    if options.stamp:
        from datetime import datetime, timezone

        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    seen = set()
    exit_code = EXIT_OK
    with Connections(options, session) as connect:
        for where_to, *_ in wanted:
            cluster = connect(where_to.cluster)
            key = (cluster.url, where_to.database.lower(), where_to.table)
            if key in seen:
                continue
            seen.add(key)
            table = cluster.table_schema(where_to.database, where_to.table)
            path = snapshot_path(directory, where_to.database, where_to.table)
            if options.check:
                saved = None
                if os.path.exists(path):
                    saved = next((t for t in load_file(path) if t.name == where_to.table), None)
                lines = drift(saved, table, where_to.table)
                for line in lines:
                    out.write(f"{path}: {line}\n")
                if lines:
                    exit_code = EXIT_FINDINGS
                continue
            if table is None:
                out.write(f"table {where_to.table} does not exist in {where_to.database} on {cluster.url}: not saved\n")
                exit_code = EXIT_FINDINGS
                continue
            text = render(table, where_to.database, engine_url(where_to.cluster)[0], stamp)
            unchanged = os.path.exists(path) and open(path, encoding="utf-8").read() == text
            if not unchanged:
                write_atomically(path, text)
            out.write(f"{'unchanged' if unchanged else 'wrote'} {path}\n")
    if options.check and exit_code == EXIT_OK:
        out.write(f"no drift: {len(seen)} table(s) match the snapshot\n")
    return exit_code
