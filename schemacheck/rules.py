"""The rule registry: one stable code per rule, its name, default severity, summary and
documentation. `schemacheck rules CODE` prints a rule; docs/rules/ has a page per rule.

Codes keep their meaning forever. Ranges: SC0xx the query itself, SC1xx column names,
SC2xx types, SC3xx order, SC4xx what is (not) checked, SC5xx the table itself, SC6xx
the job's files and settings (projects, templates).
"""

from __future__ import annotations

from schemacheck.records import record

ERROR = "error"
WARNING = "warning"
INFO = "info"


@record
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    doc: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("SC001", "syntax-error", ERROR, "The query does not parse.",
             "ASA rejects a job whose query does not parse, so nothing else can be checked. The "
             "message names what was found and what was expected there; fix the query at that "
             "line and column."),
        Rule("SC002", "into-in-step", ERROR, "INTO inside a WITH step or a subquery.",
             "INTO is only valid in the outermost SELECT of a statement (the ASA INTO reference, "
             "'Limitations'); ASA refuses a job with INTO inside a WITH step. The only exception is "
             "the shard count `PARTITION BY key INTO n`. Move the INTO to the statement that reads "
             "the step."),
        Rule("SC003", "unsupported-type", ERROR, "A type ASA does not have (in CAST, TRY_CAST or CREATE TABLE).",
             "ASA's types are bigint, float, nvarchar(max), datetime, bit (level 1.2), record and "
             "array. `int`, `varchar(50)` or `nvarchar(20)` are rejected; the message names the "
             "ASA type to use instead."),
        Rule("SC004", "bit-before-1-2", WARNING, "The bit type is used below compatibility level 1.2.",
             "bit exists only from compatibility level 1.2; at 1.0 and 1.1 booleans are bigint 0/1. "
             "The column is treated as bigint. Raise the job's compatibility level to 1.2, or cast "
             "to bigint."),
        Rule("SC005", "unknown-column", WARNING, "A column that the step or subquery read does not produce.",
             "The step (or subquery) lists its columns explicitly and none has this name, compared "
             "case-insensitively as ASA does. ASA refuses such a query; check the spelling against "
             "the step's select list."),
        Rule("SC006", "unknown-function", WARNING, "A function that is neither built in nor a UDF/UDA.",
             "Built-in functions are called by their plain name and user-defined ones with the "
             "prefix udf. or uda.; at compatibility level 1.2 a prefix on a built-in is an error. "
             "The result of an unknown function cannot be typed."),
        Rule("SC007", "star-with-join", ERROR, "SELECT * in a statement with JOIN.",
             "ASA does not allow `SELECT *` together with JOIN (the ASA JOIN reference). List the "
             "columns, or use `alias.*` for each source."),
        Rule("SC008", "ambiguous-double-quotes", INFO, "Double-quoted text used as a value.",
             'ASA documents "..." both as a way to name a field with special characters and, in '
             'examples, as text. The message says which reading schemacheck took. Write text in '
             "single quotes ('text') and names in brackets ([my field]) to make the query unambiguous."),
        Rule("SC009", "union-column-count", ERROR, "The SELECTs of a UNION have different numbers of columns.",
             "UNION requires the same number of columns, in the same order, in every SELECT "
             "(the ASA UNION reference). The output takes its column names from the first SELECT."),
        Rule("SC010", "unused-suppression", INFO, "A `schemacheck: ignore` comment that silences nothing.",
             "An inline suppression (`-- schemacheck: ignore[CODE]` on the offending line or the line "
             "above, `-- schemacheck: ignore-file[CODE]` anywhere in the query) that no finding "
             "matches, or that names a code schemacheck does not have. Remove it, so that it cannot "
             "hide a later finding nobody looked at."),
        Rule("SC011", "undocumented-syntax", WARNING, "A form the ASA reference does not document, accepted.",
             "The query uses syntax or a function name that Microsoft's articles show or that real jobs "
             "run, but that the ASA query language reference does not document (a CROSS JOIN, "
             "GetElements for GetArrayElements, ...). schemacheck reads it as the message says; ASA "
             "may change or refuse it without notice. Prefer the documented form the message names."),
        Rule("SC101", "column-not-in-table", ERROR, "An output column that the table does not have.",
             "ASA's ADX output raises an error for a query column with no column of that name in the "
             "table (names are compared case-sensitively), and with the default Retry error policy the "
             "output stops. Rename the column in the query (an alias) or add it to the table "
             "(`.create-merge table T (name:type)`, which `schemacheck suggest` prints). A SQL output "
             "fails the same way (ColumnNameInvalid); the fix adds it with `ALTER TABLE ... ADD`."),
        Rule("SC102", "column-case-differs", ERROR, "An output column that the table has only with other letter case.",
             "ADX compares column names case-sensitively, so `deviceId` does not fill `DeviceId`. At "
             "compatibility level 1.0 ASA lower-cases every field name, so a mixed-case table column can "
             "never match: raise the level to 1.2 or rename the table column. Otherwise alias the query "
             "column with the table's spelling. For SQL outputs it is reported where names are "
             "case-sensitive: a case-sensitive collation (an SSDT DefaultCollation with _CS_) or a "
             "PostgreSQL column named in double quotes."),
        Rule("SC103", "column-not-written", WARNING, "A table column that the statement never writes.",
             "ADX ignores table columns missing from the ASA output: they are empty (strings) or null in "
             "every row this statement writes. A nullable SQL column is NULL in those rows (a NOT NULL "
             "one without a default is SC107). Not reported when the output's column list is incomplete "
             "(SELECT * over an undeclared input)."),
        Rule("SC104", "duplicate-column", ERROR, "Two output columns with the same name.",
             "ASA compares names case-insensitively, so `DeviceId` and `deviceid` are the same "
             "column; at compatibility level 1.0 events with such duplicate fields are dropped as "
             "invalid, and an ADX or SQL output cannot hold both. Give one of them another alias."),
        Rule("SC105", "unnamed-column", WARNING, "An expression without an alias, whose output name ASA does not document.",
             "ASA documents the output name only for a column reference (its last path segment), "
             "for COUNT(*) (`count`) and System.Window().Id (`Id`). For any other expression the "
             "name cannot be told, so it cannot be checked against a table. Add `AS name`."),
        Rule("SC106", "column-case-only-sql", INFO, "An output column that matches a SQL column only when letter case is ignored.",
             "SQL Server compares names without regard to case under the default collation, so the "
             "column is written; the spelling differs from the table's. Alias the column with the "
             "table's spelling to keep the two aligned (and to keep working if the database moves to a "
             "case-sensitive collation, where it is SC102)."),
        Rule("SC107", "required-column-not-written", ERROR, "A NOT NULL SQL column without a default that the statement never writes.",
             "The insert must give every NOT NULL column a value unless it has a DEFAULT, an identity or "
             "is computed: ASA's insert fails, and with the default Retry error policy the output stops. "
             "Write the column in the query, give it a DEFAULT, or allow NULL."),
        Rule("SC108", "generated-column-written", ERROR, "The statement writes a SQL column the database generates.",
             "An IDENTITY column (PostgreSQL GENERATED ALWAYS AS IDENTITY), a computed column or a "
             "rowversion takes no value from an INSERT: ASA's insert fails. Leave the column out of the "
             "select list (or alias the value to another column)."),
        Rule("SC109", "postgresql-name-case", WARNING, "A PostgreSQL column whose folded lower-case name matches only ignoring case.",
             "PostgreSQL folds a name not written in double quotes to lower case (`DeviceId` defines "
             "`deviceid`). Whether ASA's PostgreSQL output quotes the column names it writes is not "
             "documented: if it does, `DeviceId` does not match `deviceid`. Alias the column in lower "
             "case, which matches either way."),
        Rule("SC201", "type-incompatible", ERROR, "A column type the value cannot be ingested into.",
             "The pair is not in ASA's documented ASA-to-ADX type mapping and the value ASA writes to "
             "CSV cannot parse as the column's type (a datetime into long, text into real, true/false "
             "into long): ADX stores null for every row, silently. For SQL and PostgreSQL outputs the "
             "pair is not in ASA's type table for that store and the value cannot arrive (a record "
             "below level 1.2 is written as the text \"Record\"; PostgreSQL takes only the listed "
             "types). CAST the value in the query to the type the column holds, or change the column type."),
        Rule("SC202", "type-risky", WARNING, "A column type that takes the value only sometimes, or undocumented.",
             "The value can survive but is not guaranteed to: bigint into int overflows to null past "
             "32 bits, bigint into real loses digits past 2^53, numbers into string are stored as text, "
             "and guid, timespan and decimal columns appear in no ASA type table (a value that does not "
             "parse becomes null). For SQL: bigint into int past its range (at level 1.2 the error "
             "policy handles it, before it is truncated), text longer than an nvarchar(n), conversions "
             "SQL Server makes but ASA does not document. Use the documented type, or CAST to make the "
             "intent explicit."),
        Rule("SC203", "type-unknown", INFO, "The column's type cannot be told from the query, so it is not verified.",
             "ASA types values per event; without a CAST, a CREATE TABLE for the input or a declared "
             "UDF type, the type of an input field is unknown. CAST (or TRY_CAST) the value to the "
             "type the table column expects to make it checkable."),
        Rule("SC301", "column-order", WARNING, "The statement writes the table's columns in another order.",
             "ASA's ADX output matches columns by name, and the connector docs say order does not "
             "matter; users are still told to keep the order aligned with the table. The SQL output "
             "docs ask for a table that exactly matches the output, without saying whether order "
             "counts. Reported, not failing by default."),
        Rule("SC401", "output-statements-differ", WARNING, "Two statements write different columns into one output.",
             "Every statement that writes INTO the same output feeds the same table; when their column "
             "lists or types differ, some rows get nulls or fail. Compare the statements' select lists."),
        Rule("SC402", "no-table", WARNING, "An output that may write to a table has no table schema to compare with.",
             "Map the output to a table with `--target ALIAS=TABLE` (or `ALIAS=DATABASE/TABLE`), "
             "`[tool.schemacheck.outputs.ALIAS] table = ...`, or load a schema with the output's name; "
             "mark an output that is not ADX with `kind = \"blob\"` (or its kind). A SQL output "
             "whose table is not named: `[outputs.ALIAS] table = \"dbo.T\"` or `--target ALIAS=sql:dbo.T`."),
        Rule("SC403", "incomplete-columns", INFO, "The output's column list is incomplete.",
             "A `*` reads an input (or record) whose columns the query text does not declare, so "
             "the columns it adds are unknown. Declare the input with CREATE TABLE, or list the "
             "columns, to make the output checkable."),
        Rule("SC404", "output-not-checked", INFO, "An output that writes to no table schemacheck checks, listed as not checked.",
             "The job or the configuration says this output is neither Azure Data Explorer nor a SQL "
             "table (its `kind`: blob, Event Hub, Cosmos DB, ...), so its columns are not compared."),
        Rule("SC405", "table-by-name", INFO, "The output was matched to the table of the same name.",
             "No --target or configuration maps the output, and a loaded table has exactly the "
             "output's name, so that table is used. Map it explicitly to silence this."),
        Rule("SC406", "nothing-compared", WARNING, "No output of the run could be compared with a table.",
             "Every output that may write to a table was left without one, usually because no table "
             "schema is loaded: a run that compares nothing must not look like success. Pass --schema "
             "FILE|DIR, set schemas = [...] in schemacheck.toml, keep the tables in the project's "
             "schemas/ folder, or use --live."),
        Rule("SC407", "mapping-without-output", WARNING, "--target or [outputs.ALIAS] names an output no statement writes.",
             "The mapping is never used, so the output it was meant for is checked without it (or not "
             "at all). Output aliases match without regard to case; the message names the nearest "
             "alias the query writes. Fix the alias, or remove the mapping."),
        Rule("SC501", "table-not-found", ERROR, "The mapped table does not exist in the loaded schemas.",
             "ASA does not create the table: the output fails until it exists. Table names are "
             "case-sensitive; the message names the nearest existing table. For a SQL output the "
             "table is looked for in the CREATE TABLE statements of the loaded .sql files."),
        Rule("SC502", "table-case-differs", WARNING, "The SQL table exists only with other letter case.",
             "The ASA documentation for the SQL output says the table name is case-sensitive, while "
             "SQL Server under its default collation finds the table whatever the case. The table is "
             "compared; write its name in the output as the DDL does."),
        Rule("SC503", "ddl-statement-skipped", INFO, "A statement of a DDL file that was not read.",
             "schemacheck reads CREATE TABLE and ALTER TABLE (also inside IF ... BEGIN ... END blocks) "
             "and skips procedures, views, functions and other statements. When a statement that might "
             "define or change a table is skipped (dynamic SQL, sp_rename, a statement the reader does "
             "not understand), it says so, so that a table is never lost in silence."),
        Rule("SC601", "output-not-defined", ERROR, "INTO names an output the job does not define.",
             "ASA refuses to start a job whose query writes INTO an alias that is not one of the job's "
             "outputs (aliases match without regard to case). Add the output to the project "
             "(asaproj.json and Outputs/) or template, or fix the alias in the query."),
        Rule("SC602", "output-not-written", WARNING, "The job defines an output that no statement writes to.",
             "An output no SELECT ... INTO names receives nothing; it is usually a renamed alias "
             "(compare the INTO names) or a leftover to remove."),
        Rule("SC603", "output-auth-not-msi", ERROR, "An ADX output that does not authenticate with a managed identity.",
             "Azure Data Explorer accepts only managed identities from Stream Analytics: set the "
             "output's authentication mode to Msi (managed identity) and grant the job's identity "
             "Database Ingestor and Database Monitor on the database."),
        Rule("SC604", "job-without-identity", ERROR, "A job with an ADX output has no managed identity.",
             "The ADX output authenticates only as the job's managed identity: set "
             "UseSystemAssignedIdentity to true in JobConfig.json, or give the template's streaming "
             "job an `identity` (SystemAssigned, or UserAssigned with the identity's resource id)."),
        Rule("SC605", "compat-level-default", INFO, "The job does not state its compatibility level.",
             "The level decides output name case (1.0 lower-cases names) and whether booleans are bit "
             "(1.2). With none stated the check assumes 1.2, the level new jobs get; state it "
             "(CompatibilityLevel in JobConfig.json, compatibilityLevel in the template) to be sure."),
        Rule("SC606", "data-locale", WARNING, "The job's culture may write numbers ADX cannot parse.",
             "ASA formats the numbers it writes as CSV with the job's data locale; ADX parses CSV with "
             "a decimal point, so a decimal comma (de-DE, fr-FR, ...) makes the value null or the "
             "line fail. Use en-US (or invariant) for jobs that write real/datetime columns to ADX, or "
             "CAST the values to nvarchar(max) in a fixed format."),
        Rule("SC607", "error-policy", INFO, "What the job's output error policy does when a row does not fit.",
             "With Retry (the default; Stop in templates) ASA retries an event that does not fit its "
             "table forever and blocks the output and every output that shares its input; with Drop "
             "the event is lost, seen only in the diagnostic logs. Reported next to errors so their "
             "consequence is clear."),
        Rule("SC608", "unresolved-expression", WARNING, "A template value that could not be resolved.",
             "The value is an ARM expression schemacheck cannot evaluate (a function it does not know, "
             "a parameter with no value in the parameters file and no defaultValue, a reference() to "
             "a deployed resource). What depends on it is not checked; pass --parameters FILE or "
             "map the output with --target."),
        Rule("SC609", "job-file-problem", WARNING, "A job file that is missing, unreadable or not understood.",
             "A file the project lists does not exist or cannot be read, or an entry is not "
             "understood; what it would have told the check (an output, a function's type, sample "
             "data) is missing. The message names the file and what to do."),
        Rule("SC610", "function-not-defined", ERROR, "The query calls a UDF or UDA the job does not define.",
             "ASA refuses a job whose query calls udf.NAME or uda.NAME that is not one of the job's "
             "functions. Add the function (Functions/ and asaproj.json, or the template's "
             "functions) or fix the name."),
        Rule("SC611", "job-file-not-read", INFO, "A file that may define a job, found by a directory scan and not read.",
             "The scan found a file that looks like it defines a streaming job (Terraform, Bicep, a "
             "job as the REST API returns it) in a form schemacheck does not read, so that job is not "
             "checked. The message says what the file is and how to get it checked."),
    )
}
