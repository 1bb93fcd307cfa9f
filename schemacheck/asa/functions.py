"""Every ASA built-in function and what it returns, as one table.

Source: ../shared/reference/asa-language.md §4 (the ASA query-language reference).
`FUNCTIONS[name] = Function(kind, returns, unit_args)`, keyed by the lower-cased name
(`system.timestamp` for `System.Timestamp()`). `returns` is an ASA type, or one of
the rules below that depends on the arguments:

    ARG          the type of the first value argument (MIN, LAG, NULLIF, ...)
    NUMERIC_ARG  the first argument's type if bigint or float (ABS, ROUND, SUM, ...: "same
                 type as the argument"); a number (types.number: bigint or float, which
                 is open) when the argument's type is not known, is itself such a
                 number, or is nvarchar(max) (converted to float or bigint: the input
                 validation article); else unknown
    FIRST_NON_NULL  the type of the first argument whose value is not NULL (COALESCE: "The
                 type of the first non-null expression"): the arguments' type when they
                 share it; a number when they are bigint or float; else unknown
    RECORD_OR_ARG  the whole event (a record) without arguments, else ARG (TopOne)
    COLLECT      an array of the argument's type, or of whole events
    COLLECT_TOP  an array of records {rank: bigint, value: ...}
    ORDER_KEY    the type of the OVER (ORDER BY ...) key (PERCENTILE_DISC)
    ANOMALY      the record {IsAnomaly: bigint, Score: float} (AnomalyDetection_*)
    PROPERTY     a record field named by a literal, when the record's fields are known
    ELEMENT      an array's element, when known
    WINDOW       the record {Id: nvarchar(max)} (System.Window())
    METADATA     a record for a whole metadata group ('EventHub', 'IoTHub', 'Blob', '[User]'),
                 else the property's type from METADATA_PROPERTIES, else unknown

Where the documentation is silent or wrong, the choice is made here and noted:
- AVG returns float (the page only says "determined by the type of the expression").
- DATEADD returns datetime (its page says bigint, which every example contradicts).
- SUM keeps bigint or float ("the most precise expression data type"); of an argument of
  unknown type it is a number (bigint or float open). AVG stays float whatever the argument
  (the corpus expectations pin it), though its page's wording is U-SQL's, where AVG of an
  integer is an integer.
- GetMetadataPropertyValue: the reference lists property names, not types; see
  METADATA_PROPERTIES for the types taken from the input documentation.
- ST_INTERSECTS/ST_OVERLAPS/ST_WITHIN return bigint (documented as 1 or 0); ST_DISTANCE float.
- GetArrayElements' ArrayIndex is bigint and GetRecordProperties' PropertyName nvarchar(max)
  (presumed by the reference; the pages give no type).
"""

from __future__ import annotations

from schemacheck.asa.types import ARRAY, BIGINT, DATETIME, FLOAT, NVARCHAR, RECORD
from schemacheck.records import Record, record

ARG = "ARG"
NUMERIC_ARG = "NUMERIC_ARG"
FIRST_NON_NULL = "FIRST_NON_NULL"
RECORD_OR_ARG = "RECORD_OR_ARG"
COLLECT = "COLLECT"
COLLECT_TOP = "COLLECT_TOP"
ORDER_KEY = "ORDER_KEY"
ANOMALY = "ANOMALY"
PROPERTY = "PROPERTY"
ELEMENT = "ELEMENT"
WINDOW = "WINDOW"
METADATA = "METADATA"

SCALAR = "scalar"
AGGREGATE = "aggregate"
ANALYTIC = "analytic"
TABLE_VALUED = "table-valued"   # only in CROSS/OUTER APPLY
WINDOWING = "windowing"         # only in GROUP BY


@record
class Function(Record):
    kind: str
    returns: str | None
    unit_args: tuple[int, ...] = ()   # arguments that are time units (`minute`), not columns


_ = Function
FUNCTIONS: dict[str, Function] = {
    # aggregates (GROUP BY; most also analytic with OVER)
    "avg": _(AGGREGATE, FLOAT),
    "count": _(AGGREGATE, BIGINT),
    "collect": _(AGGREGATE, COLLECT),
    "collecttop": _(AGGREGATE, COLLECT_TOP),
    "max": _(AGGREGATE, ARG),
    "min": _(AGGREGATE, ARG),
    "percentile_cont": _(AGGREGATE, FLOAT),
    "percentile_disc": _(AGGREGATE, ORDER_KEY),
    "stdev": _(AGGREGATE, FLOAT),
    "stdevp": _(AGGREGATE, FLOAT),
    "var": _(AGGREGATE, FLOAT),
    "varp": _(AGGREGATE, FLOAT),
    "sum": _(AGGREGATE, NUMERIC_ARG),
    "topone": _(AGGREGATE, RECORD_OR_ARG),
    # analytic
    "lag": _(ANALYTIC, ARG),
    "last": _(ANALYTIC, ARG),
    "isfirst": _(ANALYTIC, BIGINT, (0,)),
    "anomalydetection_spikeanddip": _(ANALYTIC, ANOMALY),
    "anomalydetection_changepoint": _(ANALYTIC, ANOMALY),
    "anomalydetection": _(ANALYTIC, RECORD),
    # MATCH_RECOGNIZE measures
    "first": _(AGGREGATE, ARG),
    "classifier": _(SCALAR, ARRAY),
    # arrays and records
    "getarrayelement": _(SCALAR, ELEMENT),
    "getarraylength": _(SCALAR, BIGINT),
    "getarrayelements": _(TABLE_VALUED, None),
    "getrecordproperties": _(TABLE_VALUED, None),
    "getrecordpropertyvalue": _(SCALAR, PROPERTY),
    "json_parse": _(SCALAR, RECORD),
    # conversion
    "gettype": _(SCALAR, NVARCHAR),
    "coalesce": _(SCALAR, FIRST_NON_NULL),
    "nullif": _(SCALAR, ARG),
    # date and time
    "dateadd": _(SCALAR, DATETIME, (0,)),
    "datediff": _(SCALAR, BIGINT, (0,)),
    "datename": _(SCALAR, NVARCHAR, (0,)),
    "datepart": _(SCALAR, BIGINT, (0,)),
    "datetimefromparts": _(SCALAR, DATETIME),
    "day": _(SCALAR, BIGINT),
    "month": _(SCALAR, BIGINT),
    "year": _(SCALAR, BIGINT),
    "system.timestamp": _(SCALAR, DATETIME),
    "system.window": _(SCALAR, WINDOW),
    # mathematical
    "abs": _(SCALAR, NUMERIC_ARG),
    "ceiling": _(SCALAR, NUMERIC_ARG),
    "floor": _(SCALAR, NUMERIC_ARG),
    "sign": _(SCALAR, NUMERIC_ARG),
    "round": _(SCALAR, NUMERIC_ARG),
    "power": _(SCALAR, NUMERIC_ARG),
    "exp": _(SCALAR, FLOAT),
    "square": _(SCALAR, FLOAT),
    "sqrt": _(SCALAR, FLOAT),
    # string
    "charindex": _(SCALAR, BIGINT),
    "len": _(SCALAR, BIGINT),
    "patindex": _(SCALAR, BIGINT),
    "regexmatch": _(SCALAR, BIGINT),
    "unicode": _(SCALAR, BIGINT),
    "concat": _(SCALAR, NVARCHAR),
    "concat_ws": _(SCALAR, NVARCHAR),
    "left": _(SCALAR, NVARCHAR),
    "right": _(SCALAR, NVARCHAR),
    "lower": _(SCALAR, NVARCHAR),
    "upper": _(SCALAR, NVARCHAR),
    "ltrim": _(SCALAR, NVARCHAR),
    "rtrim": _(SCALAR, NVARCHAR),
    "trim": _(SCALAR, NVARCHAR),
    "reverse": _(SCALAR, NVARCHAR),
    "replace": _(SCALAR, NVARCHAR),
    "replicate": _(SCALAR, NVARCHAR),
    "space": _(SCALAR, NVARCHAR),
    "stuff": _(SCALAR, NVARCHAR),
    "substring": _(SCALAR, NVARCHAR),
    "translate": _(SCALAR, NVARCHAR),
    "nchar": _(SCALAR, NVARCHAR),
    # geospatial
    "createpoint": _(SCALAR, RECORD),
    "createlinestring": _(SCALAR, RECORD),
    "createpolygon": _(SCALAR, RECORD),
    "st_distance": _(SCALAR, FLOAT),
    "st_intersects": _(SCALAR, BIGINT),
    "st_overlaps": _(SCALAR, BIGINT),
    "st_within": _(SCALAR, BIGINT),
    # input metadata
    "getmetadatapropertyvalue": _(SCALAR, METADATA),
    # windows and their parts (GROUP BY only)
    "tumblingwindow": _(WINDOWING, None, (0,)),
    "tumbling": _(WINDOWING, None, (0,)),
    "hoppingwindow": _(WINDOWING, None, (0,)),
    "hopping": _(WINDOWING, None, (0,)),
    "slidingwindow": _(WINDOWING, None, (0,)),
    "sliding": _(WINDOWING, None, (0,)),
    "sessionwindow": _(WINDOWING, None, (0,)),
    "session": _(WINDOWING, None, (0,)),
    "windows": _(WINDOWING, None),
    "window": _(WINDOWING, None),
    "duration": _(WINDOWING, None, (0,)),
    "hop": _(WINDOWING, None, (0,)),
    "offset": _(WINDOWING, None, (0,)),
    "timeout": _(WINDOWING, None, (0,)),
    "maxduration": _(WINDOWING, None, (0,)),
}
del _

# Names the ASA reference does not document but Microsoft's own articles use, -> the
# documented function they are read as (reported as SC011). GetElements: the Application
# Insights export walkthrough's `CROSS/OUTER APPLY GetElements(A.[event]) AS flat`.
UNDOCUMENTED_ALIASES = {"getelements": "GetArrayElements"}

# Window function names (GROUP BY) -> window kind.
WINDOW_KINDS = {
    "tumblingwindow": "tumbling", "tumbling": "tumbling",
    "hoppingwindow": "hopping", "hopping": "hopping",
    "slidingwindow": "sliding", "sliding": "sliding",
    "sessionwindow": "session", "session": "session",
    "windows": "windows",
}

# Fields of the records some functions return.
ANOMALY_FIELDS = (("IsAnomaly", BIGINT), ("Score", FLOAT))
WINDOW_FIELDS = (("Id", NVARCHAR),)
COLLECT_TOP_FIELDS = (("rank", BIGINT), ("value", None))
ARRAY_ELEMENTS_FIELDS = (("ArrayIndex", BIGINT), ("ArrayValue", None))
RECORD_PROPERTIES_FIELDS = (("PropertyName", NVARCHAR), ("PropertyValue", None))
# GetMetadataPropertyValue paths that return a whole group of properties (a record), as the
# lower-cased name without brackets ('[EventHub]' is 'eventhub'). 'Blob': the 2018 page's example.
METADATA_GROUPS = frozenset({"eventhub", "iothub", "blob", "user"})

# GetMetadataPropertyValue(input, 'path') -> ASA type, keyed by the path's lower-cased parts without
# brackets ('[EventHub].[EventEnqueuedUtcTime]' and 'EventHub.EventEnqueuedUtcTime' are both
# ("eventhub", "eventenqueuedutctime")); a one-part key is a property written without its group
# ('EventId', and 'BlobName' as in the page's Blob example). The reference page
# (getmetadatapropertyvalue) lists the names but no types. A type is given where the docs imply
# it: the properties that are also fields of every event of the input (EventEnqueuedUtcTime,
# EventProcessedUtcTime, PartitionId, BlobName, BlobLastModifiedUtcTime) take the types of those
# fields (INPUT_METADATA_FIELDS, from stream-analytics-define-inputs: "the date and time ...", "the
# zero-based partition ID", "the name of the input blob"); EventId is "a unique ID (Guid)", which
# ASA (no GUID type) carries as nvarchar(max). None: listed by the page, its type not documented.
METADATA_PROPERTIES: dict[tuple[str, ...], str | None] = {
    ("eventid",): NVARCHAR,
    ("eventhub", "eventenqueuedutctime"): DATETIME,
    ("eventhub", "eventprocessedutctime"): DATETIME,
    ("eventhub", "partitionid"): BIGINT,
    **{("eventhub", name): None for name in (
        "offset", "sequencenumber", "partitionkey", "publisher", "iotconnectiondeviceid", "iotauthmethod",
        "iotauthgenerationid", "iotenqueuetime", "iotmessagesource", "iotconnectionmoduleid", "iotinterfacename")},
    **{("iothub", name): None for name in (
        "connectiondeviceid", "authmethod", "authgenerationid", "enqueuetime", "enqueuedtime", "messagesource",
        "connectionmoduleid", "interfacename", "correlationid", "messageid", "connectiondevicegenerationid")},
    ("blob", "blobname"): NVARCHAR,
    ("blob", "bloblastmodifiedutctime"): DATETIME,
    ("blob", "partitionid"): BIGINT,
    ("blobname",): NVARCHAR,
    ("bloblastmodifiedutctime",): DATETIME,
}

# Prefixes of user-defined functions (JavaScript/C#/ML UDFs) and aggregates.
UDF_PREFIXES = ("udf", "uda")

# Metadata fields a stream input adds to every event, by input kind: they appear in
# `SELECT *` and can be read by name (asa-language reference 4.11). PartitionId is the
# zero-based partition number; IoTHub is a record whose field types are not documented.
INPUT_METADATA_FIELDS = {
    "eventhub": (("EventProcessedUtcTime", DATETIME), ("EventEnqueuedUtcTime", DATETIME),
                 ("PartitionId", BIGINT)),
    "iothub": (("EventProcessedUtcTime", DATETIME), ("EventEnqueuedUtcTime", DATETIME),
               ("PartitionId", BIGINT), ("IoTHub", RECORD)),
    "blob": (("BlobName", NVARCHAR), ("EventProcessedUtcTime", DATETIME), ("BlobLastModifiedUtcTime", DATETIME),
             ("PartitionId", BIGINT)),
}
IOTHUB_RECORD_FIELDS = ("MessageId", "CorrelationId", "ConnectionDeviceId", "ConnectionDeviceGenerationId",
                        "EnqueuedTime")
