"""ASA types, compatibility levels, and the type of a value as inference sees it.

ASA has seven types (bigint, float, nvarchar(max), datetime, bit, record, array);
`bit` exists only from compatibility level 1.2 (before that booleans are bigint 0/1).
`Ty` is what inference knows of a value: one of those types or unknown (`name` None,
with the reason why), plus the fields of a record or the element of an array when
they are known. Unknown is a real answer, never a guess.
"""

from __future__ import annotations

from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the block below
if TYPE_CHECKING:
    from typing import Final, Literal, TypeGuard

    # A compatibility level ASA documents (a job's stated level may be anything: see check.plan).
    Level = Literal["1.0", "1.1", "1.2"]

BIGINT = "bigint"
FLOAT = "float"
NVARCHAR = "nvarchar(max)"
DATETIME = "datetime"
BIT = "bit"
RECORD = "record"
ARRAY = "array"
ASA_TYPES = (BIGINT, FLOAT, NVARCHAR, DATETIME, BIT, RECORD, ARRAY)

COMPAT_LEVELS: tuple[Level, ...] = ("1.0", "1.1", "1.2")
DEFAULT_COMPAT_LEVEL: Final = "1.2"

# Type names as written in CAST, TRY_CAST and CREATE TABLE (case-insensitive) -> type.
# nvarchar takes exactly `(max)`; the others take no argument.
TYPE_NAMES = {
    "bigint": BIGINT,
    "float": FLOAT,
    "nvarchar": NVARCHAR,
    "datetime": DATETIME,
    "bit": BIT,
    "record": RECORD,
    "array": ARRAY,
}

# What users write for types ASA does not have, and what to write instead.
TYPE_NAME_ADVICE = {
    "int": BIGINT, "integer": BIGINT, "smallint": BIGINT, "tinyint": BIGINT, "long": BIGINT,
    "double": FLOAT, "real": FLOAT, "decimal": FLOAT, "numeric": FLOAT,
    "varchar": NVARCHAR, "char": NVARCHAR, "nchar": NVARCHAR, "string": NVARCHAR, "text": NVARCHAR,
    "ntext": NVARCHAR,
    "datetime2": DATETIME, "datetimeoffset": DATETIME, "date": DATETIME, "timestamp": DATETIME,
    "boolean": BIT, "bool": BIT,
}


def is_level(value: object) -> TypeGuard[Level]:
    """Whether `value` is a compatibility level ASA documents."""
    return value in COMPAT_LEVELS


def has_bit(level: Level) -> bool:
    return level >= "1.2"


@record
class Ty(Record):
    """A value's type: `name` is an ASA type or None (unknown, see `reason`).

    `fields` lists a record's known fields in order (None when they are not known);
    `element` is an array's element type when known; `is_null` marks the NULL literal,
    which takes the type of whatever it is combined with.
    """

    name: str | None
    reason: str | None = None
    fields: tuple[tuple[str, Ty], ...] | None = None
    element: Ty | None = None
    is_null: bool = False
    cause: str | None = None      # why unknown: "input" (an undeclared input field), "udf:NAME", or None
    source: str | None = None     # what typed an input field: see SOURCES (None: the expression did)

    def field(self, name: str) -> Ty | None:
        """The type of a record field, matched case-insensitively; None if not known."""
        if self.fields is None:
            return None
        lowered = name.lower()
        for field_name, field_type in self.fields:
            if field_name.lower() == lowered:
                return field_type
        return None


# What gives an output column its type, as `infer --format json` names it: a CREATE TABLE of
# the query, an input's sample data, a reference data file or query, a schema declared for
# the input (schemacheck.toml, .avsc, JSON Schema), the metadata every event of the input's
# kind carries, or the expression itself (a CAST, a literal, a function's documented type).
SOURCES = ("create-table", "sample", "reference", "declared", "metadata", "expression")


def known(name: str) -> Ty:
    return _KNOWN[name]


def unknown(reason: str, cause: str | None = None) -> Ty:
    return Ty(None, reason, cause=cause)


def record_type(fields: tuple[tuple[str, Ty], ...] | None = None) -> Ty:
    return Ty(RECORD, None, fields)


def array_type(element: Ty | None = None) -> Ty:
    return Ty(ARRAY, None, None, element)


NULL = Ty(None, "NULL has no type of its own", is_null=True)
_KNOWN = {name: Ty(name) for name in ASA_TYPES}
