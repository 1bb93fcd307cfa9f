"""Input columns a job's own topology declares (-> InputShape, every type's source
"declared"): a Fabric Eventstream operator's `inputSchemas` (Input.columns, read by
schemacheck.jobs.fabric), ASA type names in mixed case (`Nvarchar(max)`, `BigInt`,
`Float`, `Record` with `fields`, `Array` with `items`).

    topology_shapes(job, level, kinds) -> {alias: InputShape}

A type name that is no ASA type leaves that column unknown, with the reason; bit is bigint
below level 1.2, as ASA reads it.
"""

from __future__ import annotations

from schemacheck.asa import types as T
from schemacheck.asa.infer import InputShape
from schemacheck.inputs.declared import DeclarationError, asa_type, at_level
from schemacheck.jobs.model import DeclaredColumn, Job

TYPE_CHECKING = False
if TYPE_CHECKING:
    from schemacheck.asa.types import Level


def topology_shapes(job: Job, level: Level, kinds: dict[str, str | None]) -> dict[str, InputShape]:
    from schemacheck.files import display_path

    shapes: dict[str, InputShape] = {}
    for item in job.inputs or ():
        if item.columns is None:
            continue
        where = item.columns_where
        place = f"{display_path(where.file)}:{where.line}" if where is not None and where.line else \
            display_path(job.source)
        fields = tuple((c.name, at_level(_ty(c), level)) for c in item.columns)
        shapes[item.alias.lower()] = InputShape(kinds.get(item.alias.lower()), fields,
                                                f"the inputSchemas of {place}")
    return shapes


def _ty(column: DeclaredColumn) -> T.Ty:
    written = column.type or ""
    try:
        name = asa_type(written) if written else None
    except DeclarationError:
        name = None
    if name is None:
        return T.unknown(f"inputSchemas gives {column.name} the type {written or '(none)'}, which is no ASA type",
                         "input")._replace(source="declared")
    if name == T.RECORD:
        fields = tuple((f.name, _ty(f)) for f in column.fields) if column.fields else None
        return T.Ty(T.RECORD, None, fields, source="declared")
    if name == T.ARRAY:
        return T.Ty(T.ARRAY, None, None, _ty(column.items) if column.items is not None else None, source="declared")
    return T.known(name)._replace(source="declared")
