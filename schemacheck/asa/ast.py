"""The typed syntax tree of an ASA query: immutable typed records, each with its source span.

Names keep their spelling exactly as written (`Identifier.text`, quotes removed) and
remember how they were quoted, because ASA writes that spelling to the output.
Nothing here interprets the query: which calls are aggregates, what a window is
worth or which name a column gets is schemacheck.asa.infer's business. The one
exception is GROUP BY, whose window calls are split from its keys by name
(`GroupBy.windows`), since the grammar cannot tell them apart.
"""

from __future__ import annotations

from schemacheck.records import Record, record


@record
class Span(Record):
    """1-based line and column of the first character, and of the character after the last."""

    line: int
    column: int
    end_line: int
    end_column: int


@record
class Identifier(Record):
    """A name as written; `quote` is "" (plain), "[" (bracketed), '"' or "'" (quoted)."""

    text: str
    quote: str
    span: Span


# ---- expressions --------------------------------------------------------------


@record
class Literal(Record):
    """`kind` is "integer", "float", "string" or "null"; `value` is the text (unescaped for strings)."""

    kind: str
    value: str
    span: Span


@record
class ColumnRef(Record):
    """A dotted path: `DeviceId`, `i.Reading.Temperature`, `[my field]`, `"quoted"`, `System.Timestamp`."""

    parts: tuple[Identifier, ...]
    span: Span


@record
class OrderItem(Record):
    expr: Expr
    descending: bool
    span: Span


@record
class Over(Record):
    """`OVER (PARTITION BY ... ORDER BY ... LIMIT DURATION(unit, n) WHEN ...)`; every part optional."""

    partition_by: tuple[Expr, ...]
    order_by: tuple[OrderItem, ...]
    limit_duration: tuple[Expr, ...]
    when: Expr | None
    span: Span


@record
class FunctionCall(Record):
    """`name(args)`; `name` has one part (`AVG`) or more (`udf.score`, `System.Timestamp`).

    `star` is `COUNT(*)`; `quantifier` is "distinct" or "all" for `COUNT(DISTINCT x)`.
    """

    name: tuple[Identifier, ...]
    args: tuple[Expr, ...]
    star: bool
    quantifier: str | None
    over: Over | None
    span: Span

    @property
    def lowered_name(self) -> str:
        return ".".join(part.text.lower() for part in self.name)


@record
class MemberAccess(Record):
    """A field of a call's result or of a parenthesised value: `System.Window().Id`,
    `(udf.parse(e.payload)).deviceId`, `(expr).a.b` (`target` is then a `Paren`)."""

    target: Expr
    member: Identifier
    span: Span


@record
class TypeName(Record):
    """A type as written in CAST or CREATE TABLE: `bigint`, `nvarchar(max)`, `NVARCHAR(MAX)`."""

    name: str
    argument: str | None
    span: Span

    @property
    def text(self) -> str:
        return self.name if self.argument is None else f"{self.name}({self.argument})"


@record
class Cast(Record):
    operand: Expr
    type: TypeName
    is_try: bool
    span: Span


@record
class When(Record):
    condition: Expr
    result: Expr
    span: Span


@record
class Case(Record):
    """Simple CASE when `operand` is set, searched CASE otherwise."""

    operand: Expr | None
    whens: tuple[When, ...]
    else_: Expr | None
    span: Span


@record
class UnaryOp(Record):
    """`op` is "-", "+" or "~"."""

    op: str
    operand: Expr
    span: Span


@record
class BinaryOp(Record):
    """Arithmetic, concatenation and bitwise operators: + - * / % & | ^."""

    op: str
    left: Expr
    right: Expr
    span: Span


@record
class Comparison(Record):
    """`op` is one of = <> != > >= < <= !> !<."""

    op: str
    left: Expr
    right: Expr
    span: Span


@record
class IsNull(Record):
    operand: Expr
    negated: bool
    span: Span


@record
class Like(Record):
    operand: Expr
    pattern: Expr
    negated: bool
    span: Span


@record
class Between(Record):
    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    span: Span


@record
class InList(Record):
    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    span: Span


@record
class Not(Record):
    operand: Expr
    span: Span


@record
class BoolOp(Record):
    """`op` is "and" or "or"."""

    op: str
    left: Expr
    right: Expr
    span: Span


@record
class Paren(Record):
    expr: Expr
    span: Span


Expr = (Literal | ColumnRef | FunctionCall | MemberAccess | Cast | Case | UnaryOp | BinaryOp | Comparison | IsNull
        | Like | Between | InList | Not | BoolOp | Paren)

# ---- SELECT -------------------------------------------------------------------


@record
class Star(Record):
    """`*` (no qualifier) or `alias.*` / `record.path.*`."""

    qualifier: tuple[Identifier, ...]
    span: Span


@record
class SelectExpr(Record):
    """An expression with its alias (`AS x`, `x`, `[x]`, `"x"`, `'x'`, `x = expr`), if any."""

    expr: Expr
    alias: Identifier | None
    span: Span


SelectItem = Star | SelectExpr


@record
class TimestampBy(Record):
    expr: Expr
    over: tuple[Expr, ...]
    span: Span


@record
class Source(Record):
    """One FROM/JOIN source: an input or step name, or a parenthesised query."""

    relation: Identifier | Query
    alias: Identifier | None
    timestamp_by: TimestampBy | None
    partition_by: tuple[Expr, ...]
    shard_count: int | None
    span: Span

    @property
    def name(self) -> Identifier | None:
        """The name the source is referred to by: its alias, else the input or step name."""
        if self.alias is not None:
            return self.alias
        return self.relation if isinstance(self.relation, Identifier) else None


@record
class Join(Record):
    """`kind` is "inner", "left" or "cross"; a CROSS JOIN (not in the ASA reference) has
    no `condition`."""

    kind: str
    source: Source
    condition: Expr | None
    span: Span


@record
class Apply(Record):
    """`CROSS|OUTER APPLY GetArrayElements(x) AS alias`; `kind` is "cross" or "outer"."""

    kind: str
    function: FunctionCall
    alias: Identifier
    span: Span


@record
class Measure(Record):
    expr: Expr
    alias: Identifier
    span: Span


@record
class MatchRecognize(Record):
    limit_duration: tuple[Expr, ...]
    partition_by: tuple[Expr, ...]
    measures: tuple[Measure, ...]
    pattern: str
    defines: tuple[tuple[Identifier, Expr], ...]
    alias: Identifier | None
    span: Span


@record
class FromClause(Record):
    source: Source
    joins: tuple[Join | Apply, ...]
    match_recognize: MatchRecognize | None
    span: Span


@record
class Window(Record):
    """A window in GROUP BY. `kind`: tumbling, hopping, sliding, session, snapshot or windows.

    `call` is the call as written (None for a snapshot written `System.Timestamp`);
    for `Windows(...)`, `members` holds the windows it lists and `ids` their ids, if given.
    """

    kind: str
    call: FunctionCall | None
    members: tuple[Window, ...]
    ids: tuple[str | None, ...]
    span: Span


@record
class GroupBy(Record):
    keys: tuple[Expr, ...]
    windows: tuple[Window, ...]
    span: Span


@record
class Select(Record):
    items: tuple[SelectItem, ...]
    into: Identifier | None
    from_: FromClause
    where: Expr | None
    group_by: GroupBy | None
    having: Expr | None
    span: Span
    # A UNION branch written as only an input or step, `... UNION step2 PARTITION BY k`
    # (the repartition article's form, not in the UNION reference): the parser reads it
    # as `SELECT * FROM step2 PARTITION BY k`, and sets this so that it can be reported.
    source_only: bool = False


@record
class UnionQuery(Record):
    """`q1 UNION q2 UNION ...`, flattened; `all_flags[i]` is set when branch i+1 follows UNION ALL."""

    branches: tuple[Query, ...]
    all_flags: tuple[bool, ...]
    span: Span


Query = Select | UnionQuery

# ---- statements ---------------------------------------------------------------


@record
class ColumnDef(Record):
    name: Identifier
    type: TypeName
    span: Span


@record
class CreateTable(Record):
    """`CREATE TABLE input (col type, ...)`: declares the schema of an input."""

    name: Identifier
    columns: tuple[ColumnDef, ...]
    span: Span


@record
class WithStep(Record):
    name: Identifier
    query: Query
    span: Span


@record
class QueryStatement(Record):
    """`[WITH steps] SELECT ...`: writes to the INTO target of its first SELECT (or `output`)."""

    steps: tuple[WithStep, ...]
    query: Query
    span: Span


Statement = CreateTable | QueryStatement


@record
class Script(Record):
    statements: tuple[Statement, ...]
