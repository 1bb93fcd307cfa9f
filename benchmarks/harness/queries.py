"""The generated queries: statements from templates (throughput, scaling) and three shapes that
would expose a quadratic path (a long select list, a UNION ALL chain, nested CASE).

The shape generators are also sent, as source (inspect.getsource), to the measuring child
process of sections/scaling.py: each must stand on its own.
"""

from __future__ import annotations

# Templates for the generated queries. {i} numbers names so that every statement
# differs; {m} picks one of a few inputs; the rest vary thresholds and windows.
TEMPLATES = (
    """-- Statement {i}: cleaned readings, hot devices of site {m}
WITH Clean{i} AS (
    SELECT
        DeviceId AS Device{i},
        TRY_CAST(EventTime AS datetime) AS EventTime,
        TRY_CAST(Temperature AS float) AS TempC,
        TRY_CAST(Humidity AS float) AS Humidity,
        UPPER(SiteCode) AS SiteCode
    FROM [telemetry-{m}] TIMESTAMP BY EventTime
    WHERE Temperature IS NOT NULL
), Hot{i} AS (
    SELECT Device{i}, EventTime, TempC, SiteCode FROM Clean{i} WHERE TempC > {t}
)
SELECT
    CAST(Device{i} AS nvarchar(max)) AS DeviceId,
    EventTime,
    TempC * 1.8 + 32 AS TempF,
    CASE WHEN TempC > {t2} THEN 'critical' WHEN TempC > {t} THEN 'warning' ELSE 'ok' END AS Level,
    CONCAT(SiteCode, '-', CAST(Device{i} AS nvarchar(max))) AS SiteDevice
INTO [adx-hot-{i}]
FROM Hot{i}
""",
    """-- Statement {i}: per-device summary every {w} minutes
SELECT
    DeviceId,
    System.Timestamp() AS WindowEnd,
    COUNT(*) AS Readings,
    AVG(TRY_CAST(Temperature AS float)) AS AvgTemp{i},
    MAX(TRY_CAST(Temperature AS float)) AS MaxTemp,
    MIN(TRY_CAST(Pressure AS float)) AS MinPressure,
    SUM(CAST(Flow AS bigint)) AS TotalFlow
INTO [adx-summary-{i}]
FROM [telemetry-{m}] TIMESTAMP BY EventTime
GROUP BY DeviceId, TumblingWindow(minute, {w})
""",
    """/* Statement {i}: regional load,
   hopping window of {a} seconds every {b} */
SELECT
    Region{i} = Region,
    System.Timestamp() AS WindowEnd,
    COUNT(DISTINCT DeviceId) AS Devices,
    STDEV(TRY_CAST(Load AS float)) AS LoadStdev,
    ROUND(AVG(TRY_CAST(Load AS float)), 2) AS AvgLoad
INTO [adx-load-{i}]
FROM [telemetry-{m}] TIMESTAMP BY EventTime
GROUP BY Region, HoppingWindow(second, {a}, {b})
HAVING COUNT(*) > {n}
""",
    """-- Statement {i}: shipping delay per order
SELECT
    o.OrderId AS OrderId,
    o.CustomerId,
    DATEDIFF(second, o.CreatedAt, s.ShippedAt) AS SecondsToShip{i},
    TRY_CAST(s.Carrier AS nvarchar(max)) AS Carrier,
    DATEADD(day, 2, o.CreatedAt) AS PromisedBy
INTO [adx-shipping-{i}]
FROM [orders-{m}] o TIMESTAMP BY CreatedAt
JOIN [shipments-{m}] s TIMESTAMP BY ShippedAt
    ON o.OrderId = s.OrderId AND DATEDIFF(minute, o, s) BETWEEN 0 AND {d}
""",
    """-- Statement {i}: one row per array element
SELECT
    e.DeviceId,
    item.ArrayIndex AS Position,
    TRY_CAST(item.ArrayValue.reading AS float) AS Reading{i},
    GetRecordPropertyValue(e.Meta, 'unit') AS Unit,
    GetArrayLength(e.Items) AS ItemCount
INTO [adx-items-{i}]
FROM [telemetry-{m}] e
CROSS APPLY GetArrayElements(e.Items) AS item
WHERE item.ArrayValue.reading IS NOT NULL
""",
    """-- Statement {i}: change detection against the previous reading
SELECT
    DeviceId,
    EventTime,
    TRY_CAST(Reading AS float) AS Reading,
    LAG(TRY_CAST(Reading AS float)) OVER (PARTITION BY DeviceId LIMIT DURATION(hour, {h})) AS PrevReading{i},
    ABS(TRY_CAST(Reading AS float) - LAG(TRY_CAST(Reading AS float)) OVER (PARTITION BY DeviceId LIMIT DURATION(hour, {h}))) AS Delta
INTO [adx-changes-{i}]
FROM [telemetry-{m}] TIMESTAMP BY EventTime
WHERE LAG(Status, 1) OVER (PARTITION BY DeviceId LIMIT DURATION(minute, {w})) <> Status
""",  # noqa: E501
    """-- Statement {i}: normalised text fields
SELECT
    LOWER(LTRIM(RTRIM(DisplayName))) AS DisplayName,
    SUBSTRING(Code, 1, 4) AS Prefix{i},
    LEN(Description) AS DescriptionLength,
    REPLACE(ResourcePath, '/', '.') AS DottedPath,
    CHARINDEX('-', Code) AS DashAt,
    CASE Category WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END AS CategoryRank,
    COALESCE(TRY_CAST(Score AS float), 0.0) AS Score
INTO [adx-text-{i}]
FROM [catalog-{m}]
WHERE DisplayName LIKE 'dev%' AND Region IN ('east', 'west', 'north') AND NOT Disabled = 1
""",
    """CREATE TABLE [typed-{i}] (DeviceId nvarchar(max), Reading float, Seen datetime, Healthy bit);

-- Statement {i}: healthy and unhealthy readings in one output
SELECT DeviceId, Reading, Seen, 'healthy' AS Kind INTO [adx-union-{i}] FROM [typed-{i}] WHERE Healthy = 1
UNION ALL
SELECT DeviceId, Reading * -1, Seen, 'unhealthy' FROM [typed-{i}] WHERE Healthy = 0
""",
)


def render_statement(i: int) -> str:
    text = TEMPLATES[i % len(TEMPLATES)].format(
        i=i, m=i % 7, t=60 + i % 30, t2=95 + i % 20, w=1 + i % 15, a=30 + i % 60, b=5 + i % 5,
        n=i % 50, d=5 + i % 55, h=1 + i % 24)
    # Statements follow each other with or without ';', as ASA allows.
    return text.rstrip("\n") + (";\n\n" if i % 3 == 0 else "\n\n")


def generate_query(min_bytes: int | None = None, statements: int | None = None) -> tuple[str, int]:
    """(query text, statement count): at least min_bytes of UTF-8, or exactly `statements` statements."""
    parts, size, i = [], 0, 0
    while (statements is not None and i < statements) or (statements is None and size < min_bytes):
        part = render_statement(i)
        parts.append(part)
        size += len(part.encode("utf-8"))
        i += 1
    return "".join(parts), i


def select_list_query(items: int) -> str:
    """One SELECT ... INTO with `items` select items (casts, arithmetic, functions, CASE)."""
    forms = ("TRY_CAST(c{i} AS float) AS Col{i}", "c{i} * 2 + {i} AS Col{i}", "UPPER(s{i}) AS Col{i}",
             "CASE WHEN c{i} > {i} THEN 'hi' ELSE 'lo' END AS Col{i}", "CAST(c{i} AS bigint) AS Col{i}")
    select = ",\n".join("    " + forms[i % len(forms)].format(i=i) for i in range(items))
    return f"SELECT\n{select}\nINTO [wide-out]\nFROM [telemetry-in] TIMESTAMP BY EventTime\n"


def union_chain_query(selects: int) -> str:
    """One output fed by `selects` SELECTs joined by UNION ALL (the first has the INTO)."""
    parts = []
    for i in range(selects):
        into = "INTO [union-out] " if i == 0 else ""
        parts.append(f"SELECT DeviceId, TRY_CAST(Reading AS float) + {i} AS Reading, 'k{i}' AS Kind {into}"
                     f"FROM [telemetry-{i % 10}] WHERE Level > {i}")
    return "\nUNION ALL\n".join(parts) + "\n"


def nested_case_query(levels: int) -> str:
    """One select item that nests `levels` CASE expressions, each in the THEN of the one outside."""
    opening = "".join(f"CASE WHEN Reading > {i} THEN " for i in reversed(range(levels)))
    closing = "".join(f" ELSE {i} END" for i in range(levels))
    return f"SELECT DeviceId, {opening}0{closing} AS Deep\nINTO [deep-out]\nFROM [telemetry-in]\n"
