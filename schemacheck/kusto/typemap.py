"""Which ASA type may be written into which Kusto column type, as one table.

Sources: the ASA "Type mapping when writing to structured data stores" table, Azure
Data Explorer column (asa-jobs.md §1.5, adx.md §8.2), and ADX's CSV ingestion rule
that a value which does not parse as the column type becomes null, silently
(adx.md §3.4). ASA writes CSV; numbers "using job culture", datetimes as ISO 8601,
bit as true/false, records and arrays as JSON text.

    OK            documented, and the value arrives intact
    RISKY         SC202: undocumented (or documented but odd) while the value can
                  survive: int may overflow to null, real loses digits past 2^53,
                  guid/timespan/decimal are in no ASA table and parse only some values
    INCOMPATIBLE  SC201: undocumented and the value cannot parse: ADX stores null
"""

from __future__ import annotations

from schemacheck.asa import types as asa
from schemacheck.kusto import types as kusto

OK, RISKY, INCOMPATIBLE = "ok", "risky", "incompatible"

_ANY_INTO_UNLISTED = {
    kusto.DECIMAL: (RISKY, ("decimal is in no ASA type table; ADX parses the value as a decimal if it can, "
                            "else stores null")),
    kusto.TIMESPAN: (RISKY, ("timespan is in no ASA type table; only text like [d.]hh:mm:ss parses, "
                             "anything else becomes null")),
    kusto.GUID: (RISKY, ("guid is in no ASA type table; only text holding a GUID parses, anything else "
                         "becomes null")),
}

# COMPATIBILITY[asa type][kusto type] = (verdict, why); pairs not listed are INCOMPATIBLE.
COMPATIBILITY: dict[str, dict[str, tuple[str, str]]] = {
    asa.BIGINT: {
        kusto.LONG: (OK, ""),
        kusto.DYNAMIC: (OK, ""),
        kusto.INT: (RISKY, "values outside the 32-bit range become null in an int column"),
        kusto.REAL: (RISKY, "not in ASA's bigint mapping; integers beyond 2^53 lose digits in a real"),
        kusto.STRING: (RISKY, "not in ASA's bigint mapping; the number is stored as its text"),
        kusto.BOOL: (RISKY, "ASA writes 1/0; whether ADX ingests 1/0 into bool is not established"),
        **_ANY_INTO_UNLISTED,
    },
    asa.FLOAT: {
        kusto.REAL: (OK, ""),
        kusto.DYNAMIC: (OK, ""),
        kusto.STRING: (RISKY, "not in ASA's float mapping; the number is stored as its text"),
        **_ANY_INTO_UNLISTED,
    },
    asa.NVARCHAR: {
        kusto.STRING: (OK, ""),
        kusto.DYNAMIC: (OK, ""),
        **_ANY_INTO_UNLISTED,
    },
    asa.DATETIME: {
        kusto.DATETIME: (OK, ""),
        kusto.STRING: (OK, ""),
        kusto.DYNAMIC: (OK, ""),
        **_ANY_INTO_UNLISTED,
    },
    asa.BIT: {
        kusto.BOOL: (OK, ""),
        kusto.DYNAMIC: (OK, ""),
        kusto.STRING: (RISKY, "not in ASA's bit mapping; stored as the text true/false"),
        **_ANY_INTO_UNLISTED,
    },
    asa.RECORD: {
        kusto.DYNAMIC: (OK, ""),
        kusto.STRING: (OK, ""),
        kusto.BOOL: (RISKY, "listed in ASA's record mapping, but a JSON object does not parse as a bool"),
        kusto.LONG: (RISKY, "listed in ASA's record mapping, but a JSON object does not parse as a long"),
        kusto.REAL: (RISKY, "listed in ASA's record mapping, but a JSON object does not parse as a real"),
        kusto.DATETIME: (RISKY, "listed in ASA's record mapping, but a JSON object does not parse as a datetime"),
        **_ANY_INTO_UNLISTED,
    },
    asa.ARRAY: {
        kusto.DYNAMIC: (OK, ""),
        kusto.STRING: (OK, ""),
        **_ANY_INTO_UNLISTED,
    },
}

# Why a pair that is not listed fails, by the ASA type written.
_INCOMPATIBLE_WHY = {
    asa.BIGINT: "a whole number does not parse as {kusto}",
    asa.FLOAT: "a number with a fraction does not parse as {kusto} (ADX does not truncate on ingestion)",
    asa.NVARCHAR: "text is not checked to hold a {kusto}: any value that does not parse becomes null",
    asa.DATETIME: "an ISO 8601 datetime does not parse as {kusto}",
    asa.BIT: "ASA writes true/false, which does not parse as {kusto}",
    asa.RECORD: "ASA writes a JSON object, which does not parse as {kusto}",
    asa.ARRAY: "ASA writes a JSON array, which does not parse as {kusto}",
}

# The ASA type to CAST to for each Kusto column type, and the Kusto type to give a
# column for each ASA type (for fixes).
CAST_FOR_KUSTO = {
    kusto.LONG: asa.BIGINT, kusto.INT: asa.BIGINT, kusto.REAL: asa.FLOAT, kusto.STRING: asa.NVARCHAR,
    kusto.DATETIME: asa.DATETIME, kusto.BOOL: asa.BIT,
}
KUSTO_FOR_ASA = {
    asa.BIGINT: kusto.LONG, asa.FLOAT: kusto.REAL, asa.NVARCHAR: kusto.STRING, asa.DATETIME: kusto.DATETIME,
    asa.BIT: kusto.BOOL, asa.RECORD: kusto.DYNAMIC, asa.ARRAY: kusto.DYNAMIC,
}


def compatibility(asa_type: str, kusto_type: str) -> tuple[str, str]:
    """(OK | RISKY | INCOMPATIBLE, why) for writing an ASA value into a Kusto column."""
    verdict = COMPATIBILITY[asa_type].get(kusto_type)
    if verdict is not None:
        return verdict
    return INCOMPATIBLE, _INCOMPATIBLE_WHY[asa_type].format(kusto=kusto_type)
