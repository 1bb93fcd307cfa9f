"""Kusto scalar types: canonical names, the aliases commands accept, and the .NET names
that schema JSON uses. Source: ../shared/reference/adx.md §2.

Both `System.SByte` (what `.show table T schema as json` really returns) and
`System.Boolean` (what older docs show) mean bool; `time` is the old name of timespan.
"""

from __future__ import annotations

BOOL = "bool"
INT = "int"
LONG = "long"
REAL = "real"
DECIMAL = "decimal"
STRING = "string"
DATETIME = "datetime"
TIMESPAN = "timespan"
GUID = "guid"
DYNAMIC = "dynamic"
KUSTO_TYPES = (BOOL, INT, LONG, REAL, DECIMAL, STRING, DATETIME, TIMESPAN, GUID, DYNAMIC)

# CSL type names and their aliases (as Kusto's parser accepts them) -> canonical type.
CSL_TYPES = {
    "bool": BOOL, "boolean": BOOL,
    "int": INT, "int32": INT, "int8": INT, "uint8": INT, "int16": INT, "uint16": INT, "uint": INT, "uint32": INT,
    "long": LONG, "int64": LONG, "ulong": LONG, "uint64": LONG,
    "real": REAL, "double": REAL, "float": REAL,
    "decimal": DECIMAL,
    "string": STRING,
    "datetime": DATETIME, "date": DATETIME,
    "timespan": TIMESPAN, "time": TIMESPAN,
    "guid": GUID, "uuid": GUID, "uniqueid": GUID,
    "dynamic": DYNAMIC,
}

# `Type` in schema JSON -> canonical type.
SYSTEM_TYPES = {
    "System.Boolean": BOOL, "System.SByte": BOOL,
    "System.Int32": INT,
    "System.Int64": LONG,
    "System.Double": REAL, "System.Single": REAL,
    "System.Data.SqlTypes.SqlDecimal": DECIMAL, "System.Decimal": DECIMAL,
    "System.String": STRING,
    "System.DateTime": DATETIME,
    "System.TimeSpan": TIMESPAN,
    "System.Guid": GUID,
    "System.Object": DYNAMIC,
}


def canonical_type(written: str) -> str | None:
    """A CSL name, alias or System.* name -> the canonical Kusto type, or None if unknown."""
    return CSL_TYPES.get(written.lower()) or SYSTEM_TYPES.get(written)


def type_suggestion(written: str) -> str:
    """"; did you mean string?" for a misspelled type name, else ""."""
    from difflib import get_close_matches

    close = get_close_matches(written.lower(), list(CSL_TYPES), n=1)
    return f"; did you mean {close[0]}?" if close else ""

# Canonical type -> the `Type` that `.show table T schema as json` gives it.
SYSTEM_NAMES = {
    BOOL: "System.SByte", INT: "System.Int32", LONG: "System.Int64", REAL: "System.Double",
    DECIMAL: "System.Data.SqlTypes.SqlDecimal", STRING: "System.String", DATETIME: "System.DateTime",
    TIMESPAN: "System.TimeSpan", GUID: "System.Guid", DYNAMIC: "System.Object",
}
