"""Which ASA type may be written into which SQL column type, as tables: one for SQL
Server (Azure SQL Database, Synapse dedicated pools) and one for PostgreSQL.

Source: the ASA "Type mapping when writing to structured data stores" table
(asa-language.md §6.2) and the compatibility-level changes (§7):

    bigint    SQL: bigint, int, smallint, tinyint, string types
              PostgreSQL: bigint (smallint/integer fail: "incorrect binary data format")
    float     SQL: float, real, decimal, numeric, string types; PostgreSQL: double precision,
              numeric (real fails)
    nvarchar  SQL: string types, uniqueidentifier; PostgreSQL: character varying, text
    datetime  SQL: datetime, datetime2, datetimeoffset, string types; PostgreSQL:
              timestamptz (UTC), timestamp
    bit       SQL: bigint, int, smallint, tinyint, bit, string types; PostgreSQL: bit
    record    SQL: the text "Record", JSON text from level 1.2; PostgreSQL: not supported
    array     SQL: the text "Array", JSON text from level 1.2; PostgreSQL: not supported

Level 1.2 also changed longs that do not fit: "handled by error policy (earlier
truncated)", so a bigint into a narrower integer column stops the output (Retry) or
drops the event (Drop) at 1.2, and silently stores a wrong number before.

Verdicts, as for ADX (schemacheck.kusto.typemap): OK documented and intact; RISKY (SC202)
documented or possible but some values fail or change (a length the value may exceed,
a range it may leave), or undocumented while SQL Server converts it implicitly;
INCOMPATIBLE (SC201) the value cannot arrive. For PostgreSQL every pair the table does
not list is INCOMPATIBLE: its documented failure ("incorrect binary data format") shows
the output sends values in binary form, which only the exact column type accepts.
"""

from __future__ import annotations

from schemacheck.asa import types as asa
from schemacheck.sql.schema import POSTGRES, SqlColumn

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level

OK, RISKY, INCOMPATIBLE = "ok", "risky", "incompatible"

TSQL_STRINGS = frozenset({"char", "varchar", "nchar", "nvarchar", "text", "ntext"})
TSQL_INTEGERS = frozenset({"bigint", "int", "smallint", "tinyint"})
TSQL_DATETIMES = frozenset({"datetime", "datetime2", "datetimeoffset"})
TSQL_EXACT_NUMBERS = frozenset({"decimal", "numeric"})

# The longest text ASA writes for each type, for string columns of a fixed length:
# -9223372036854775808 (20), a round-trip double (24: -1.7976931348623157E+308),
# 2020-03-04T14:50:25.0000000Z (28); how a bit is spelled as SQL text is not documented
# (1/0, or .NET's True/False): the longer, False (5), is assumed.
TEXT_WIDTH = {asa.BIGINT: 20, asa.FLOAT: 24, asa.DATETIME: 28, asa.BIT: 5}

_RANGE = {"int": "-2^31..2^31-1", "smallint": "-32,768..32,767", "tinyint": "0..255"}


def _overflow(level: Level, sql_type: str) -> str:
    consequence = ("the error policy handles it (Retry blocks the output, Drop loses the event)"
                   if level >= "1.2" else "below level 1.2 ASA truncates it and the row holds a wrong number")
    return f"a bigint outside {_RANGE[sql_type]} does not fit {sql_type}: {consequence}"


def _precision(column: SqlColumn) -> tuple[str, str]:
    """A float into decimal/numeric: documented; with a declared precision, a value too
    large for it fails the insert."""
    if column.precision is None:
        return OK, ""
    return RISKY, (f"documented, but a value beyond {column.written_type}'s precision fails the insert and "
                   "digits past its scale are rounded")


def _text_fits(asa_type: str, column: SqlColumn, level: Level) -> tuple[str, str]:
    """A value written as text into a string column: OK, or RISKY when it may be longer
    than the column (the insert then fails: "String or binary data would be truncated")."""
    if column.length is None:
        return OK, ""
    if asa_type == asa.NVARCHAR:
        return RISKY, (f"text longer than {column.length} characters does not fit {column.written_type}; "
                       f"the insert fails")
    if asa_type in (asa.RECORD, asa.ARRAY):
        return RISKY, (f"ASA writes the {asa_type} as JSON text, which may be longer than {column.length} "
                       f"characters; the insert then fails")
    width = TEXT_WIDTH[asa_type]
    if column.length >= width:
        return OK, ""
    return RISKY, (f"ASA's text for a {asa_type} can be {width} characters long, more than "
                   f"{column.written_type} holds; the insert fails for such values")


def tsql_compatibility(asa_type: str, column: SqlColumn, level: Level) -> tuple[str, str]:
    """(OK | RISKY | INCOMPATIBLE, why) for an ASA value into a SQL Server column."""
    sql = column.type
    if sql in TSQL_STRINGS:
        if asa_type in (asa.RECORD, asa.ARRAY) and level < "1.2":
            return INCOMPATIBLE, (f"below compatibility level 1.2 ASA writes the text \"{asa_type.title()}\" "
                                  f"instead of the {asa_type}'s content; from level 1.2 it writes JSON")
        return _text_fits(asa_type, column, level)
    if sql == "sql_variant" and asa_type not in (asa.RECORD, asa.ARRAY):
        return RISKY, "sql_variant is in no ASA type table; the value is stored with whatever type it arrives as"
    if asa_type == asa.BIGINT:
        if sql == "bigint":
            return OK, ""
        if sql in _RANGE:
            return RISKY, _overflow(level, sql)
        if sql in ("float", "real", "decimal", "numeric", "money", "smallmoney", "bit"):
            return RISKY, f"not in ASA's bigint mapping; SQL Server converts the number to {sql}" + (
                ", so any value other than 0 becomes 1" if sql == "bit" else
                ", losing digits past 2^53" if sql in ("float", "real") else ", failing when it does not fit")
    elif asa_type == asa.FLOAT:
        if sql == "float":
            return OK, ""
        if sql == "real":
            return OK, ""
        if sql in TSQL_EXACT_NUMBERS:
            return _precision(column)
        if sql in TSQL_INTEGERS or sql in ("money", "smallmoney"):
            return RISKY, f"not in ASA's float mapping; SQL Server converts the number to {sql}, dropping the fraction"
    elif asa_type == asa.NVARCHAR:
        if sql == "uniqueidentifier":
            return RISKY, "documented, but text that is not a GUID fails the insert"
        if sql in ("xml", "json"):
            return RISKY, f"not in ASA's nvarchar(max) mapping; text that is not valid {sql} fails the insert"
        if sql in TSQL_INTEGERS or sql in TSQL_DATETIMES or sql in (
                "float", "real", "decimal", "numeric", "bit", "date", "time", "smalldatetime", "money"):
            return RISKY, (f"not in ASA's nvarchar(max) mapping; SQL Server converts text that holds a {sql} "
                           f"and fails the insert for any other")
    elif asa_type == asa.DATETIME:
        if sql in TSQL_DATETIMES:
            return OK, ""
        if sql in ("smalldatetime", "date", "time"):
            return RISKY, f"not in ASA's datetime mapping; {sql} keeps only part of the value"
    elif asa_type == asa.BIT:
        if sql == "bit" or sql in TSQL_INTEGERS:
            return OK, ""
    elif asa_type in (asa.RECORD, asa.ARRAY):
        if sql == "json":
            if level < "1.2":
                return INCOMPATIBLE, f"below compatibility level 1.2 ASA writes the text \"{asa_type.title()}\""
            return OK, ""
    return INCOMPATIBLE, f"ASA's type mapping for SQL does not write a {asa_type} into {sql}"


# PostgreSQL: ASA type -> the column types its table lists.
POSTGRES_MAPPING = {
    asa.BIGINT: frozenset({"bigint", "bigserial"}),
    asa.FLOAT: frozenset({"double precision", "numeric"}),
    asa.NVARCHAR: frozenset({"character varying", "text"}),
    asa.DATETIME: frozenset({"timestamp with time zone", "timestamp"}),
    asa.BIT: frozenset({"bit"}),
    asa.RECORD: frozenset(),
    asa.ARRAY: frozenset(),
}
_POSTGRES_DOCUMENTED_FAILURES = {
    (asa.BIGINT, "integer"): "the documented error is \"incorrect binary data format\"",
    (asa.BIGINT, "smallint"): "the documented error is \"incorrect binary data format\"",
    (asa.BIGINT, "serial"): "serial is integer: the documented error is \"incorrect binary data format\"",
    (asa.BIGINT, "smallserial"): "smallserial is smallint: the documented error is \"incorrect binary data format\"",
    (asa.FLOAT, "real"): "the documented mapping says real fails; use double precision",
}


def postgres_compatibility(asa_type: str, column: SqlColumn, level: Level) -> tuple[str, str]:
    """(OK | RISKY | INCOMPATIBLE, why) for an ASA value into a PostgreSQL column."""
    sql = column.type
    if asa_type in (asa.RECORD, asa.ARRAY):
        return INCOMPATIBLE, f"ASA's PostgreSQL output does not support {asa_type} values"
    if sql in POSTGRES_MAPPING[asa_type]:
        if asa_type == asa.NVARCHAR and column.length is not None:
            return RISKY, (f"text longer than {column.length} characters does not fit {column.written_type}; "
                           "the insert fails")
        if sql == "numeric":
            return _precision(column)
        return OK, ""
    why = _POSTGRES_DOCUMENTED_FAILURES.get((asa_type, sql))
    if why is None:
        why = (f"not in ASA's PostgreSQL type mapping, which writes a {asa_type} only into "
               f"{', '.join(sorted(POSTGRES_MAPPING[asa_type]))}; the output sends values in binary form, "
               "which only the listed column types accept")
    return INCOMPATIBLE, why


def compatibility(asa_type: str, column: SqlColumn, dialect: str, level: Level) -> tuple[str, str]:
    if dialect == POSTGRES:
        return postgres_compatibility(asa_type, column, level)
    return tsql_compatibility(asa_type, column, level)


# The ASA type to CAST to for a column type (the fixes of SC201, SC202); bit only from level 1.2.
TSQL_CAST = {
    **dict.fromkeys(TSQL_INTEGERS, asa.BIGINT),
    "float": asa.FLOAT, "real": asa.FLOAT, "decimal": asa.FLOAT, "numeric": asa.FLOAT,
    **dict.fromkeys(TSQL_STRINGS, asa.NVARCHAR), "uniqueidentifier": asa.NVARCHAR,
    **dict.fromkeys(TSQL_DATETIMES, asa.DATETIME),
    "bit": asa.BIT,
}
POSTGRES_CAST = {
    "bigint": asa.BIGINT, "bigserial": asa.BIGINT, "double precision": asa.FLOAT, "numeric": asa.FLOAT,
    "character varying": asa.NVARCHAR, "text": asa.NVARCHAR, "timestamp with time zone": asa.DATETIME,
    "timestamp": asa.DATETIME, "bit": asa.BIT,
}

# An untyped value (SC204): the column types where a value of the wrong kind fails the
# insert (SQL Server converts what it can, e.g. text holding a number, and fails for the
# rest; the error policy then blocks the output or drops the event) or is changed (a
# fraction dropped in an integer column), and the ASA type to TRY_CAST it to: the one ASA's
# SQL type table writes into that column (asa-language.md §6.2, the module doc), else the
# nearest one SQL Server converts (marked). None: no ASA type goes into the column, so no
# TRY_CAST helps (PostgreSQL takes only the listed column types). bit only from level 1.2.
# String, xml, json and sql_variant columns take any value's text: no finding of their own
# (the SC203 summary counts them).
TSQL_UNTYPED_CAST: dict[str, str | None] = {
    **dict.fromkeys(TSQL_INTEGERS, asa.BIGINT),              # bigint -> bigint, int, smallint, tinyint
    "float": asa.FLOAT, "real": asa.FLOAT, "decimal": asa.FLOAT, "numeric": asa.FLOAT,   # float -> all four
    "money": asa.FLOAT, "smallmoney": asa.FLOAT,              # not in the table; SQL Server converts a float
    **dict.fromkeys(TSQL_DATETIMES, asa.DATETIME),            # datetime -> datetime, datetime2, datetimeoffset
    "smalldatetime": asa.DATETIME, "date": asa.DATETIME, "time": asa.DATETIME,   # not in the table; part kept
    "bit": asa.BIT,                                           # bit -> bit (level 1.2)
    "uniqueidentifier": asa.NVARCHAR,                         # nvarchar(max) -> uniqueidentifier
}
POSTGRES_UNTYPED_CAST: dict[str, str | None] = {
    "bigint": asa.BIGINT, "bigserial": asa.BIGINT, "double precision": asa.FLOAT, "numeric": asa.FLOAT,
    "timestamp with time zone": asa.DATETIME, "timestamp": asa.DATETIME, "bit": asa.BIT,
    # No ASA type is listed for these (and bigint into integer is a documented failure).
    **dict.fromkeys(("integer", "smallint", "serial", "smallserial", "real", "money", "date", "time",
                     "time with time zone", "interval", "boolean", "uuid"), None),
}


# A number whose exact type is open (bigint or float per event: asa.types "number"): SQL
# Server's float and exact-number columns take either. PostgreSQL takes each only into its
# own listed types, so there a number is as untyped as any value.
TSQL_NUMBER_TAKEN = frozenset({"float", "real", "decimal", "numeric", "money", "smallmoney"})
# SQL Server converts no number into these (a number into bit is 0 or 1, a wrong value kept).
TSQL_NUMBER_NEVER = frozenset({*TSQL_DATETIMES, "smalldatetime", "date", "time", "uniqueidentifier", "bit"})


def untyped_cast(column: SqlColumn, dialect: str, level: Level, number: bool = False) -> tuple[bool, str | None]:
    """For an untyped value written into `column` (`number`: a number, bigint or float):
    (whether a wrong value fails the insert or is changed there, the ASA type to TRY_CAST it
    to; None when there is none: bit below level 1.2, a PostgreSQL type no ASA type goes into,
    a number into a SQL Server column that takes no number)."""
    table = POSTGRES_UNTYPED_CAST if dialect == POSTGRES else TSQL_UNTYPED_CAST
    if column.type not in table:
        return False, None
    if number and dialect != POSTGRES and column.type in TSQL_NUMBER_TAKEN:
        return False, None
    wanted = table[column.type]
    if (number and dialect != POSTGRES and column.type in TSQL_NUMBER_NEVER) or (wanted == asa.BIT and level < "1.2"):
        return True, None
    return True, wanted


# The column type to give each ASA type (fixes: ALTER TABLE ... ADD / ALTER COLUMN), as
# the dialect writes it; None where the dialect has none (PostgreSQL record/array).
TSQL_FOR_ASA = {
    asa.BIGINT: "BIGINT", asa.FLOAT: "FLOAT", asa.NVARCHAR: "NVARCHAR(MAX)", asa.DATETIME: "DATETIME2",
    asa.BIT: "BIT", asa.RECORD: "NVARCHAR(MAX)", asa.ARRAY: "NVARCHAR(MAX)",
}
POSTGRES_FOR_ASA = {
    asa.BIGINT: "BIGINT", asa.FLOAT: "DOUBLE PRECISION", asa.NVARCHAR: "TEXT", asa.DATETIME: "TIMESTAMPTZ",
    asa.BIT: "BIT",
}


def cast_for(column: SqlColumn, dialect: str, level: Level) -> str | None:
    wanted = (POSTGRES_CAST if dialect == POSTGRES else TSQL_CAST).get(column.type)
    if wanted == asa.BIT and level < "1.2":
        return None if dialect == POSTGRES else asa.BIGINT
    return wanted


def column_type_for(asa_type: str | None, dialect: str, level: Level) -> str | None:
    """The column type for a value of `asa_type`: None when the dialect has none for it
    (or the ASA type is unknown, for PostgreSQL, where only the exact type accepts it).
    SQL Server takes any value as text, so an unknown type gets NVARCHAR(MAX)."""
    if dialect == POSTGRES:
        return POSTGRES_FOR_ASA.get(asa_type) if asa_type else None
    if asa_type in (asa.RECORD, asa.ARRAY) and level < "1.2":
        return None
    return TSQL_FOR_ASA.get(asa_type, "NVARCHAR(MAX)") if asa_type else "NVARCHAR(MAX)"
