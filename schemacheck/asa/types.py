"""ASA types, compatibility levels, and the type of a value as inference sees it.

ASA has seven types (bigint, float, nvarchar(max), datetime, bit, record, array);
`bit` exists only from compatibility level 1.2 (before that booleans are bigint 0/1).
`Ty` is what inference knows of a value: one of those types or unknown (`name` None,
with the reason why), plus the fields of a record or the element of an array when
they are known. Unknown is a real answer, never a guess.

The cause of an unknown type (`Ty.cause`, and `OutputColumn.cause` in asa.infer) is a
machine-readable tag; read it with the helpers below, never by comparing strings:

    "input:NAME"  a field of input NAME (the job's input alias as the FROM clause writes
                  it) that no CREATE TABLE, sample or schema types: declaring the input's
                  schema would type it. When several inputs contribute to one value (a
                  CASE, COALESCE, UNION or operator over fields of two inputs), the first
                  is named and the reason mentions the others.       -> input_of(cause)
    "input"       the same, for the rare field whose input the query cannot name
                  (input_of gives "")
    "udf:NAME"    the result of user-defined function NAME, whose return type was not
                  given or is `any`                                   -> udf_of(cause)
    "number"      a number whose exact type the documentation leaves open: bigint or
                  float, never anything else (ABS/ROUND/SUM/... of an argument of unknown
                  type, * / % and unary - of one, bigint / bigint, a COALESCE or UNION
                  column whose values are bigint in some events and float in others).
                  `Ty.name` is None. A comparator may accept it for any numeric column (ADX
                  long/int/real/double/decimal, SQL bigint/float/...) and should say that
                  the exact type is not verified.                     -> is_number(cause)
    "number+ORIGIN"  a number as above whose exact type follows from ORIGIN, one of the
                  causes above ("number+input:telemetry", "number+udf:score"): declaring
                  that input's schema or that UDF's type would settle it. is_number,
                  input_of and udf_of all read this form; origin(cause) gives ORIGIN.
                  Such a number stays one through later operators and CASE even where a
                  float operand would settle bigint-or-float (`x * 9.0`): that the field
                  is a number at all is only inferred, so the cause is kept.
    None          no particular cause (an undocumented rule, an unknown function, ...).
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
    cause: str | None = None      # why unknown: "input:NAME", "udf:NAME", "number[+ORIGIN]" or None (module doc)
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


# ---- causes (see the module docstring) ----------------------------------------------

INPUT = "input"
UDF = "udf"
NUMBER = "number"
_NUMBER_PREFIX = NUMBER + "+"


def input_cause(name: str | None) -> str:
    """The cause of an undeclared field of input `name` (None: an input the query cannot name)."""
    return f"{INPUT}:{name}" if name else INPUT


def origin(cause: str | None) -> str | None:
    """The cause without its "number" tag: "number+input:x" -> "input:x", "number" -> None."""
    if cause is None or cause == NUMBER:
        return None
    if cause.startswith(_NUMBER_PREFIX):
        return cause[len(_NUMBER_PREFIX):] or None
    return cause


def input_of(cause: str | None) -> str | None:
    """The input whose undeclared field causes the unknown type ("" when it cannot be named),
    or None when the cause is no input field. Reads "input:NAME", "input" and "number+input:NAME"."""
    cause = origin(cause)
    if cause == INPUT:
        return ""
    if cause is not None and cause.startswith(INPUT + ":"):
        return cause[len(INPUT) + 1:]
    return None


def udf_of(cause: str | None) -> str | None:
    """The user-defined function whose undeclared return type causes the unknown type, else None."""
    cause = origin(cause)
    if cause is not None and cause.startswith(UDF + ":"):
        return cause[len(UDF) + 1:]
    return None


def is_number(cause: str | None) -> bool:
    """Whether the value is a number whose exact type (bigint or float) is open."""
    return cause is not None and (cause == NUMBER or cause.startswith(_NUMBER_PREFIX))


def number_cause(from_cause: str | None = None) -> str:
    """The cause of a number whose exact type follows from `from_cause` (its origin is kept)."""
    rest = origin(from_cause)
    return f"{_NUMBER_PREFIX}{rest}" if rest else NUMBER


def number(reason: str, from_cause: str | None = None) -> Ty:
    """A number, bigint or float, the documentation leaving open which (see the module doc)."""
    return Ty(None, reason, cause=number_cause(from_cause))


def record_type(fields: tuple[tuple[str, Ty], ...] | None = None) -> Ty:
    return Ty(RECORD, None, fields)


def array_type(element: Ty | None = None) -> Ty:
    return Ty(ARRAY, None, None, element)


NULL = Ty(None, "NULL has no type of its own", is_null=True)
_KNOWN = {name: Ty(name) for name in ASA_TYPES}
