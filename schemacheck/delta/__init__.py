"""Delta Lake tables as a destination kind: an ADLS Gen2 (blob) output with Delta
serialization and every Fabric Lakehouse output write to one.

    log.py       a table's schema from its `_delta_log` folder (the standard library only)
    catalog.py   the Delta tables below the schema paths (each folder holding a `_delta_log`)
    compare.py   one statement's columns against a table (pure)
    kind.py      the DestinationKind ("delta", registered in schemacheck.kinds)

Nothing here is imported unless a job has such an output (or a mapping says "delta").
"""
