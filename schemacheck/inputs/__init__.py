"""What the job's files say of its inputs' fields, before the query is read (-> InputShape).

    input_shapes(job, level, config, schemas) -> ({alias: InputShape}, [Note])

Each source gives an input's fields as (name, Ty), nested records and arrays included, each
Ty with its `source` (schemacheck.asa.types.SOURCES). Per input, the strongest source wins:

    a schema declared for the input   (schemacheck.inputs.declared: [inputs.NAME] in
                                       schemacheck.toml, an .avsc, a JSON Schema)
    the job's own topology            (schemacheck.inputs.topology: a Fabric operator's
                                       inputSchemas)
    reference data                    (schemacheck.inputs.reference: the file a reference
                                       input's path names; schemacheck.inputs.sql_reference:
                                       a SQL reference input's snapshot query typed against
                                       the SQL DDL of `schemas`, with its checks SC620-SC623)
    sample data                       (schemacheck.inputs.samples: a project's InputMock)

A CREATE TABLE in the query is stronger still: the analysis applies it over all of these.
An input's kind (Event Hubs, IoT Hub, blob) adds the metadata fields of its events whatever
the source. Sources that cannot be read are SC609 notes (a schema file the configuration
declares is an InputError: it was asked for); nothing here is a guess.

Each source module is imported only when the job has something for it to read.
"""

from __future__ import annotations

from schemacheck.asa.infer import InputShape
from schemacheck.jobs.model import Job, Note

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level
    from schemacheck.config import Config

METADATA_KINDS = ("eventhub", "iothub", "blob")


def input_kinds(job: Job) -> dict[str, str | None]:
    """Each input's kind when its events carry metadata fields (a stream input of Event
    Hubs, IoT Hub or blob storage), else None; by lower-cased alias."""
    kinds: dict[str, str | None] = {}
    for item in job.inputs or ():
        stream = item.stream is not False
        kinds[item.alias.lower()] = item.kind if stream and item.kind in METADATA_KINDS else None
    return kinds


def input_shapes(job: Job, level: Level, config: Config | None = None,
                 schemas: tuple[str, ...] = ()) -> tuple[dict[str, InputShape], list[Note]]:
    """The shape of each input the job's files describe, from the strongest source that
    describes it (see the module doc); notes say what could not be read."""
    kinds = input_kinds(job)
    notes: list[Note] = []
    # Weakest first: a stronger source replaces what a weaker one said of the same input.
    shapes: dict[str, InputShape] = {}
    if job.samples:
        from schemacheck.inputs.samples import sample_shapes

        shapes.update(sample_shapes(job, level, kinds, notes))
    if any(item.stream is False and item.path_pattern for item in job.inputs or ()):
        from schemacheck.inputs.reference import reference_shapes

        shapes.update(reference_shapes(job, level, notes))
    if any(item.kind == "sql" and item.stream is not True and item.snapshot_query for item in job.inputs or ()):
        from schemacheck.inputs.sql_reference import sql_reference_shapes

        shapes.update(sql_reference_shapes(job, level, schemas, kinds, notes))
    if any(item.columns is not None for item in job.inputs or ()):
        from schemacheck.inputs.topology import topology_shapes

        shapes.update(topology_shapes(job, level, kinds))
    if (config is not None and config.inputs) or any(
            (item.serialization or "").lower() == "avro" for item in job.inputs or ()):
        from schemacheck.inputs.declared import declared_shapes

        shapes.update(declared_shapes(job, level, config, kinds, notes))
    for alias, kind in kinds.items():
        if alias not in shapes and kind is not None:
            shapes[alias] = InputShape(kind)
    return shapes, notes
