"""A SQL Database reference input: its fields from its snapshot query (-> InputShape), and
the checks of its queries (rules SC620-SC623).

ASA loads such an input by running its snapshot query (ARM `fullSnapshotQuery`, azurerm
`full_snapshot_query`, a Visual Studio project's `ALIAS.snapshot.sql`) against the
database, and, with RefreshPeriodicallyWithDelta, its delta query between refreshes
(outputs-and-inputs.md B5). The snapshot query is parsed with sqlglot (T-SQL, imported
only when a job has such an input), and each column it returns is typed from the SQL DDL
among the job's schema paths (the SQL kind's CREATE TABLE reader): `*` and `t.*` expand to
the table's columns, `col`, `t.col`, `col AS name` and `name = col` take the column's type,
a CAST or TRY_CAST the type it names, a literal its own; a CTE, a derived table and the
first branch of a UNION are followed. Other expressions have a name but no type.

SQL -> ASA, the inverse of ASA's table for SQL outputs (schemacheck.sql.typemap; how ASA
types reference data read from SQL is not documented):

    bigint, int, smallint, tinyint                      -> bigint
    float, real, decimal, numeric                       -> float
    char, varchar, nchar, nvarchar, text, ntext,
    uniqueidentifier                                    -> nvarchar(max)
    datetime, datetime2, datetimeoffset, smalldatetime,
    date                                                -> datetime
    bit                                                 -> bit (bigint below level 1.2)

Other SQL types (money, time, binary, xml, ...) leave the field unknown, with the reason.
Every type's source is "reference".

Findings (notes of the job, at the query's place in the job's files):

    SC620 (info)     the snapshot query cannot be typed: it does not parse, it is not a
                     SELECT, it reads a table the loaded DDL does not define or columns the
                     table does not have, or the DDL cannot be read; a delta query that
                     does not parse
    SC621 (error)    the delta query lacks the `_operation_` column, or returns other
                     columns than the snapshot query
    SC622 (info)     a delta query, but the snapshot query reads no table FOR SYSTEM_TIME
                     AS OF @snapshotTime
    SC623 (warning)  refresh type Static with a delta query, which ASA never runs
"""

from __future__ import annotations

import re

from schemacheck.asa import types as T
from schemacheck.asa.infer import InputShape
from schemacheck.jobs.model import Input, Job, Note, SqlText, Where

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level, Ty
    from schemacheck.sql.schema import SqlCatalog

SQL_TO_ASA = {
    **dict.fromkeys(("bigint", "int", "smallint", "tinyint"), T.BIGINT),
    **dict.fromkeys(("float", "real", "decimal", "numeric"), T.FLOAT),
    **dict.fromkeys(("char", "varchar", "nchar", "nvarchar", "text", "ntext", "uniqueidentifier"), T.NVARCHAR),
    **dict.fromkeys(("datetime", "datetime2", "datetimeoffset", "smalldatetime", "date"), T.DATETIME),
    "bit": T.BIT,
}
OPERATION = "_operation_"
_TEMPORAL = re.compile(r"\bFOR\s+SYSTEM_TIME\s+AS\s+OF\s+@snapshotTime\b", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def asa_type(sql_type: str, level: Level) -> Ty:
    """The ASA type of a value of SQL type `sql_type` (its base name, any case) read as
    reference data; unknown with the reason for a type the table does not list."""
    name = SQL_TO_ASA.get(sql_type.strip().lower())
    if name is None:
        return T.unknown(f"how ASA reads SQL {sql_type.lower()} reference data is not known (not in the "
                         "SQL type table)", "input")
    if name == T.BIT and not T.has_bit(level):
        name = T.BIGINT
    return T.known(name)._replace(source="reference")


class QueryError(Exception):
    """The query does not parse as T-SQL or is no SELECT; the message says where."""


def parse_query(text: str):
    """The query's statement (a sqlglot expression): the first that returns rows."""
    import logging

    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, SqlglotError

    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        statements = sqlglot.parse(text, read="tsql")
    except ParseError as error:
        detail = error.errors[0] if error.errors else {}
        where = (f" at line {detail['line']}, column {detail['col']} of the query"
                 if detail.get("line") is not None else "")
        message = str(detail.get("description") or error).splitlines()[0]
        raise QueryError(f"does not parse as T-SQL{where} ({message})") from None
    except SqlglotError as error:
        raise QueryError(f"does not parse as T-SQL ({str(error).splitlines()[0]})") from None
    except RecursionError:
        raise QueryError("nests too deeply to be parsed") from None
    finally:
        logger.setLevel(level)
    for statement in statements:
        if isinstance(statement, exp.Query):
            return statement
    raise QueryError("is not a SELECT")


def _arg(node, *names):
    """An argument of a sqlglot node under any of its names (sqlglot renamed `from` and
    `with` to `from_` and `with_`)."""
    for name in names:
        value = node.args.get(name)
        if value is not None:
            return value
    return None


class Columns:
    """The columns a query returns, typed from the DDL in `catalog` (None: none loaded).
    `missing` lists the tables the DDL does not define, `unknown_columns` the columns a
    defined table does not have, as they are met."""

    def __init__(self, catalog: SqlCatalog | None, level: Level) -> None:
        self.catalog = catalog
        self.level = level
        self.missing: list[str] = []
        self.near: list[str] = []      # the loaded tables whose names are close to a missing one
        self.unknown_columns: list[str] = []

    def of(self, node, ctes: dict | None = None) -> list[tuple[str, Ty]] | None:
        """(name, type) of each column `node` returns, None when `*` over a table whose
        columns are not known makes even the names unknown."""
        from sqlglot import exp

        ctes = dict(ctes or {})
        while isinstance(node, (exp.SetOperation, exp.Subquery)):
            node = node.this       # a UNION's columns are named by its first branch
        if not isinstance(node, exp.Select):
            return None
        with_ = _arg(node, "with_", "with")
        for cte in with_.expressions if with_ is not None else ():
            ctes[cte.alias.lower()] = self.of(cte.this, ctes)
        sources: list[tuple[str, str, list[tuple[str, Ty]] | None]] = []   # (alias, label, columns)
        from_ = _arg(node, "from_", "from")
        relations = ([from_.this] if from_ is not None else []) + [j.this for j in node.args.get("joins") or ()]
        for relation in relations:
            sources.append(self.relation(relation, ctes))
        columns: list[tuple[str, Ty]] = []
        for projection in node.expressions:
            if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column)
                                                     and isinstance(projection.this, exp.Star)):
                table = projection.table.lower() if isinstance(projection, exp.Column) else ""
                chosen = [s for s in sources if not table or s[0] == table]
                if not chosen or any(s[2] is None for s in chosen):
                    return None
                for source in chosen:
                    columns.extend(source[2] or ())
            elif isinstance(projection, (exp.Alias, exp.Column)) and projection.alias_or_name:
                columns.append((projection.alias_or_name, self.type_of(projection, sources)))
        return columns

    def relation(self, relation, ctes: dict) -> tuple[str, str, list[tuple[str, Ty]] | None]:
        from sqlglot import exp

        if isinstance(relation, exp.Table):
            name, schema = relation.name, relation.db or None
            alias = (relation.alias or name).lower()
            if schema is None and name.lower() in ctes:
                return alias, name, ctes[name.lower()]
            shown = f"{schema}.{name}" if schema else name
            table = None
            if self.catalog is not None:
                table = self.catalog.find(name, schema) or self.catalog.find_ignoring_case(name, schema)
            if table is None:
                if shown not in self.missing:
                    self.missing.append(shown)
                    if self.catalog is not None:
                        self.near.extend(n for n in self.catalog.near_misses(name, schema)[:1] if n not in self.near)
                return alias, shown, None
            return alias, table.qualified_name, [(c.name, asa_type(c.type, self.level)) for c in table.columns]
        if isinstance(relation, exp.Subquery):
            return (relation.alias or "").lower(), "a derived table", self.of(relation.this, ctes)
        return (relation.alias_or_name or "").lower(), "a table expression", None

    def type_of(self, expression, sources) -> Ty:
        from sqlglot import exp

        name = expression.alias_or_name
        while isinstance(expression, (exp.Alias, exp.Paren)):
            expression = expression.this
        if isinstance(expression, exp.Column):
            return self.column(expression, sources)
        if isinstance(expression, exp.Cast):   # TRY_CAST too
            target = expression.args["to"].sql("tsql").split("(", 1)[0].strip().lower()
            return asa_type("int" if target == "integer" else target, self.level)   # sqlglot writes int so
        if isinstance(expression, exp.Literal):
            if expression.is_string:
                return T.known(T.NVARCHAR)._replace(source="reference")
            text = expression.this
            return T.known(T.BIGINT if re.fullmatch(r"[+-]?\d+", text) else T.FLOAT)._replace(source="reference")
        return T.unknown(f"the snapshot query computes {name}; the type of such an expression is not read", "input")

    def column(self, column, sources) -> Ty:
        name, table = column.name, column.table.lower()
        candidates = [s for s in sources if not table or s[0] == table]
        if table and not candidates:
            return T.unknown(f"the snapshot query reads {column.table}.{name}, and names no table {column.table}",
                             "input")
        found: list[Ty] = []
        for _alias, label, columns in candidates:
            if columns is None:
                if len(candidates) == 1:
                    return T.unknown(f"{label} is not in the loaded SQL DDL, so the type of {name} is not known",
                                     "input")
                continue
            found.extend(ty for n, ty in columns if n.lower() == name.lower())
        if len(found) == 1:
            return found[0]
        if found:
            return T.unknown(f"{name} is a column of several tables of the snapshot query", "input")
        if all(s[2] is not None for s in candidates) and candidates:
            shown = ", ".join(s[1] for s in candidates)
            self.unknown_columns.append(f"{name} ({shown})")
            return T.unknown(f"{shown} has no column {name} in the loaded SQL DDL", "input")
        return T.unknown(f"the type of {name} is not known: not every table of the snapshot query is in the "
                         "loaded SQL DDL", "input")


def _temporal(statement, text: str) -> bool:
    """Whether a table of the snapshot query is read FOR SYSTEM_TIME AS OF @snapshotTime."""
    if statement is None:
        return bool(_TEMPORAL.search(_COMMENTS.sub(" ", text)))
    from sqlglot import exp

    for table in statement.find_all(exp.Table):
        version = table.args.get("version")
        if version is not None and str(version.args.get("kind", "")).upper() == "AS OF" and \
                version.expression is not None and version.expression.sql().lower() == "@snapshottime":
            return True
    return False


def _where(query: SqlText, item: Input, job: Job) -> Where:
    return query.where or item.where or Where(job.source)


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


class _Job:
    """One job's SQL reference inputs: the DDL of its schemas, loaded once when needed."""

    def __init__(self, job: Job, level: Level, schemas: tuple[str, ...], notes: list[Note]) -> None:
        self.job = job
        self.level = level
        self.schemas = schemas
        self.notes = notes
        self._catalog: SqlCatalog | None = None
        self._loaded = False
        self.ddl_problem: str | None = None

    def catalog(self) -> SqlCatalog | None:
        if not self._loaded:
            self._loaded = True
            if self.schemas:
                from schemacheck import kinds
                from schemacheck.errors import InputError

                try:
                    self._catalog = kinds.get("sql").load_tables(self.schemas)
                except InputError as error:
                    self.ddl_problem = str(error)
        return self._catalog

    def shape(self, item: Input, kind: str | None) -> InputShape | None:
        from schemacheck.files import display_path

        snapshot = item.snapshot_query
        assert snapshot is not None   # the caller picks inputs with one
        where = _where(snapshot, item, self.job)
        label = f"the snapshot query of input {item.alias}"
        try:
            statement = parse_query(snapshot.text)
        except QueryError as error:
            self.notes.append(Note("SC620", f"{label} {error}; the input's field types are not known", where))
            self.delta_checks(item, None, None)
            return None
        catalog = self.catalog()
        reader = Columns(catalog, self.level)
        columns = reader.of(statement)
        if reader.missing:
            tables = _listed(reader.missing)
            if self.ddl_problem is not None:
                why = f"the SQL DDL could not be read ({self.ddl_problem})"
            elif catalog is None or not len(catalog):
                why = (f"no SQL DDL is loaded: add the CREATE TABLE of {tables} (a .sql file) to the job's schemas "
                       "to type the input's fields")
            else:
                why = f"no CREATE TABLE in the {catalog.source} defines {'it' if len(reader.missing) == 1 else 'them'}"
                why += f"; did you mean {', '.join(reader.near)}?" if reader.near else ""
            self.notes.append(Note("SC620", f"{label} reads {tables}; {why}", where))
        if reader.unknown_columns:
            self.notes.append(Note("SC620", f"{label} reads columns the loaded SQL DDL does not define: "
                                            f"{_listed(reader.unknown_columns)}; their types are not known, and the "
                                            "query fails if the database lacks them too", where))
        self.delta_checks(item, statement, columns)
        if columns is None:
            return None
        return InputShape(kind, tuple(columns), f"snapshot query at {display_path(where.file)}"
                          + (f":{where.line}" if where.line else ""))

    def delta_checks(self, item: Input, snapshot_statement, snapshot: list[tuple[str, Ty]] | None) -> None:
        delta = item.delta_query
        if delta is None or not delta.text.strip():
            return
        where = _where(delta, item, self.job)
        alias = item.alias
        if (item.refresh_type or "").lower() == "static":
            self.notes.append(Note("SC623", f"input {alias} refreshes Static, so ASA never runs its delta query; "
                                            "choose RefreshPeriodicallyWithDelta or remove the delta query", where))
        assert item.snapshot_query is not None
        if not _temporal(snapshot_statement, item.snapshot_query.text):
            self.notes.append(Note("SC622", f"input {alias} has a delta query, but its snapshot query reads no table "
                                            "FOR SYSTEM_TIME AS OF @snapshotTime: with clock skew between ASA and "
                                            "the database the snapshot and the deltas may disagree",
                                   _where(item.snapshot_query, item, self.job)))
        try:
            statement = parse_query(delta.text)
        except QueryError as error:
            self.notes.append(Note("SC620", f"the delta query of input {alias} {error}; its columns are not checked",
                                   where))
            return
        columns = Columns(self.catalog(), self.level).of(statement)
        if columns is None:
            return
        names = [n for n, _ in columns]
        lowered = {n.lower() for n in names}
        problems = []
        if OPERATION not in lowered:
            problems.append(f"returns no {OPERATION} column (1 for a row inserted, 2 for a row deleted)")
        if snapshot is not None:
            wanted = {n.lower() for n, _ in snapshot}
            missing = [n for n, _ in snapshot if n.lower() not in lowered]
            extra = [n for n in names if n.lower() not in wanted and n.lower() != OPERATION]
            if missing:
                problems.append(f"lacks the snapshot query's column(s) {_listed(missing)}")
            if extra:
                problems.append(f"returns column(s) the snapshot query does not: {_listed(extra)}")
        if problems:
            self.notes.append(Note("SC621", f"the delta query of input {alias} {'; '.join(problems)}: ASA requires "
                                            f"it to return the snapshot query's columns and {OPERATION}", where))


def sql_reference_shapes(job: Job, level: Level, schemas: tuple[str, ...], kinds: dict[str, str | None],
                         notes: list[Note]) -> dict[str, InputShape]:
    """Each SQL reference input's fields from its snapshot query (by lower-cased alias);
    the findings on its queries in `notes` (SC620-SC623)."""
    reader = _Job(job, level, schemas, notes)
    shapes: dict[str, InputShape] = {}
    for item in job.inputs or ():
        if item.kind != "sql" or item.stream is True or item.snapshot_query is None:
            continue
        shape = reader.shape(item, kinds.get(item.alias.lower()))
        if shape is not None:
            shapes.setdefault(item.alias.lower(), shape)
    return shapes
