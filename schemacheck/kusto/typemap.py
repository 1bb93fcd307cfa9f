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

An untyped value (its type unknown to the query) is no verdict of this table: UNTYPED_CAST
says which column types turn a wrong value into null (SC204) and what to TRY_CAST it to.
"""

from __future__ import annotations

from schemacheck.asa import types as asa
from schemacheck.kusto import types as kusto

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level

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
        # Not in ASA's table, but JSON date text stays nvarchar(max) from level 1.1 (a sample
        # types it so), and ADX's datetime parsing takes ISO 8601 text (adx.md §3.5, the
        # datetime.md formats; outputs-and-inputs.md B6, B8): a warning, not an error.
        kusto.DATETIME: (RISKY, ("not in ASA's nvarchar(max) mapping, but ADX parses ISO 8601 text "
                                 "(2024-05-01T10:00:00Z) into a datetime; text it cannot parse becomes null")),
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


# An untyped value (SC204): ASA writes whatever the event held as CSV text, and ADX stores
# null, without an error, for text that does not parse as the column type (adx.md §3.4;
# outputs-and-inputs.md B8, B9). For each column type where that can happen: the ASA type
# to TRY_CAST the value to, the one whose CSV text ADX parses into that column, and where
# that is documented. string and dynamic take any text: an untyped value there is no
# finding of its own (it is counted in the SC203 summary).
UNTYPED_CAST: dict[str, tuple[str, str]] = {
    kusto.LONG: (asa.BIGINT, "ASA's ADX table writes bigint into long (adx.md §8.2)"),
    kusto.INT: (asa.BIGINT, ("ASA's ADX table writes bigint into int (adx.md §8.2); beyond 32 bits the "
                             "value becomes null, which SC202 then says")),
    kusto.REAL: (asa.FLOAT, "ASA's ADX table writes float into real (adx.md §8.2)"),
    kusto.DECIMAL: (asa.FLOAT, ("no ASA type is listed for decimal (adx.md §8.2); a float's text parses as "
                                "a decimal (todecimal, adx.md §3.5), with a double's 15-17 digits")),
    kusto.DATETIME: (asa.DATETIME, "ASA's ADX table writes datetime into datetime, as ISO 8601 (adx.md §8.2)"),
    kusto.BOOL: (asa.BIT, ("ASA's ADX table writes bit into bool, from compatibility level 1.2 (adx.md "
                           "§8.2); below 1.2 ASA has no bit type, so no TRY_CAST is offered")),
    kusto.GUID: (asa.NVARCHAR, ("no ASA type is listed for guid (adx.md §8.2); ADX parses text holding a "
                                "GUID (toguid, adx.md §3.5): the TRY_CAST states the type, and SC202 then "
                                "says which text parses")),
    kusto.TIMESPAN: (asa.NVARCHAR, ("no ASA type is listed for timespan (adx.md §8.2); ADX parses text like "
                                    "[d.]hh:mm:ss (totimespan, adx.md §3.5): the TRY_CAST states the type, "
                                    "and SC202 then says which text parses")),
}


# A number whose exact type is open (bigint or float per event: asa.types "number"): its text
# parses as a real or a decimal either way; a fraction does not parse as long or int; no
# number parses as a datetime, guid or timespan, and whether ADX takes 1/0 as a bool is not
# established (adx.md §3.5).
NUMBER_TAKEN = frozenset({kusto.REAL, kusto.DECIMAL})
NUMBER_NEVER = frozenset({kusto.DATETIME, kusto.BOOL, kusto.GUID, kusto.TIMESPAN})


def untyped_cast(kusto_type: str, level: Level, number: bool = False) -> tuple[bool, str | None]:
    """For an untyped value written into a `kusto_type` column (`number`: it is a number,
    bigint or float): (whether a wrong value silently becomes null there, the ASA type to
    TRY_CAST it to: None below level 1.2 for bool, where ASA has no bit, and for a number
    into a column no number parses as)."""
    entry = UNTYPED_CAST.get(kusto_type)
    if entry is None or (number and kusto_type in NUMBER_TAKEN):
        return False, None
    wanted = entry[0]
    if (number and kusto_type in NUMBER_NEVER) or (wanted == asa.BIT and not asa.has_bit(level)):
        return True, None
    return True, wanted


def compatibility(asa_type: str, kusto_type: str) -> tuple[str, str]:
    """(OK | RISKY | INCOMPATIBLE, why) for writing an ASA value into a Kusto column."""
    verdict = COMPATIBILITY[asa_type].get(kusto_type)
    if verdict is not None:
        return verdict
    return INCOMPATIBLE, _INCOMPATIBLE_WHY[asa_type].format(kusto=kusto_type)
