"""`Script` -> what each `SELECT ... INTO` statement emits: ordered columns, ASA names, types.

`infer(script, level, udf_types)` walks the statements in source order. CREATE TABLE
declares input columns; WITH steps are typed once and read by every later statement;
FROM sources, JOINs, APPLYs and MATCH_RECOGNIZE each bind a name to a relation (its
columns, and where a `*` would add columns that cannot be known, a gap). Each
select item is named as ASA names it and typed from literals, CASTs, the function
table (schemacheck.asa.functions), operators and the columns it reads.

What the sources do not establish is not guessed: the type is None with a reason,
the name is None with an SC105 warning, a `*` over an unknown input leaves a gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa import ast as A
from schemacheck.asa import functions as F
from schemacheck.asa import types as T
from schemacheck.asa.types import Ty
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the imports below
if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from typing import Any, TypeVar

    from schemacheck.asa.types import Level

    _T = TypeVar("_T")
    # A step of the walk (see _Inferrer.walk): a generator that yields requests and returns a _T.
    Walk = Generator[Any, Any, _T]

# ---- results --------------------------------------------------------------------


@record
class OutputColumn(Record):
    """One output column. `name` is what ASA writes (after the level's lower-casing),
    `written` the spelling in the query; `type` is an ASA type or None with `reason`."""

    name: str | None
    written: str | None
    type: str | None
    reason: str | None
    span: A.Span
    expr_span: A.Span | None = None   # the expression without its alias; None for a `*` column
    cause: str | None = None          # why the type is unknown: "input:NAME", "udf:NAME", "number", ... (types)
    source: str | None = None         # what typed it (types.SOURCES); None when the type is unknown


@record
class Gap(Record):
    """Columns that a `*` adds but that cannot be known, at `position` in the column list."""

    position: int
    reason: str
    span: A.Span


@record
class OutputSchema(Record):
    """What one `SELECT ... INTO output` statement writes."""

    output: str
    output_span: A.Span | None
    span: A.Span
    columns: tuple[OutputColumn, ...]
    gaps: tuple[Gap, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps


@record
class InputRef(Record):
    """A FROM name that is no WITH step (an input of the job, or a typo), where it is written."""

    name: str
    span: A.Span


@record
class InputShape(Record):
    """What the job knows of an input beyond the query. `kind` ("eventhub", "iothub",
    "blob") adds the metadata fields every event of such a stream input carries; `fields`
    are the payload's fields as (name, type): a Ty with its nested fields and element, its
    `source` (types.SOURCES), and for an unknown one its reason; named by `source` (e.g.
    "sample Inputs/x.json"); None when the payload's fields are not known."""

    kind: str | None = None
    fields: tuple[tuple[str, Ty], ...] | None = None
    source: str | None = None


# ---- relations: what a name in FROM stands for ----------------------------------


@record
class _Col(Record):
    name: str | None      # as ASA names it at this point (lower-cased at level 1.0)
    written: str | None
    ty: Ty
    span: A.Span
    expr_span: A.Span | None = None


@record
class _Relation(Record):
    kind: str                # "input", "step", "subquery", "output", "apply", "match", "record"
    label: str               # how to name it in messages
    columns: tuple[_Col, ...]
    gaps: tuple[Gap, ...]
    fields_from: str = "sample data"   # what lists an input's fields, as messages name it
    # The input (as FROM names it) whose undeclared fields a name this relation does not list would
    # be: the input itself, or for a step or subquery with a gap the first input behind the gap.
    input_name: str | None = None

    @property
    def closed(self) -> bool:
        """Every column is known by name: a missing one is an error, not an unknown."""
        return not self.gaps and all(c.name is not None for c in self.columns)

    def find(self, name: str) -> _Col | None:
        lowered = name.lower()
        if len(self.columns) > _INDEXED_FROM:
            return _column_index(self).get(lowered)
        for column in self.columns:
            if column.name is not None and column.name.lower() == lowered:
                return column
        return None

    def as_record(self) -> Ty:
        fields = None
        if self.closed:  # every column has a name
            fields = tuple((c.name, c.ty) for c in self.columns if c.name is not None)
        return T.record_type(fields)


# A relation of many columns (a CREATE TABLE or sample of thousands of fields) is searched by
# name through an index, built once: a search through every column for each column read would
# make such a query quadratic. Indexes are kept per relation (which the entry holds, so that
# its id stays its own), for the last few hundred relations.
_INDEXED_FROM = 32
_INDEXES: dict[int, tuple[_Relation, dict[str, _Col]]] = {}


def _column_index(relation: _Relation) -> dict[str, _Col]:
    entry = _INDEXES.get(id(relation))
    if entry is None or entry[0] is not relation:
        if len(_INDEXES) >= 256:
            _INDEXES.clear()
        index: dict[str, _Col] = {}
        for column in relation.columns:
            if column.name is not None:
                index.setdefault(column.name.lower(), column)
        entry = _INDEXES[id(relation)] = (relation, index)
    return entry[1]


@record
class _Binding(Record):
    key: str                 # lower-cased name the query refers to it by
    name: A.Identifier
    relation: _Relation


_FIELD_LIKE = re.compile(r"^[\w\[\]\.\-]+$")


def _field_types(pairs, unknown: Ty | None = None) -> tuple[tuple[str, Ty], ...]:
    """A record's fields from a table of (name, ASA type or None); None fields get `unknown`."""
    unknown = unknown or T.unknown("not stated by the documentation")
    return tuple((name, T.known(kind) if kind else unknown) for name, kind in pairs)


# What typed an input's fields (types.SOURCES) -> how messages name it.
_INPUT_SOURCES = {"sample": "sample data", "reference": "reference data", "declared": "declared schema"}


def _fields_from(shape_source: str | None) -> str:
    """How messages name what lists an input's fields, from its InputShape.source
    ("sample Inputs/x.json", "reference data refs/y.csv", ...)."""
    source = (shape_source or "").lower()
    if source.startswith("sample"):
        return "sample data"
    if source.startswith(("reference", "snapshot")):
        return "reference data"
    return "declared schema" if source else "sample data"


def _no_field(ty: Ty, path: str, name: str, input_name: str | None = None) -> Ty | None:
    """The type of field `name` of the value `path` whose type `ty` an input's sample,
    reference data or declared schema gave (input `input_name`, when known), when `ty` has no
    such field; None when no such source typed `ty` (or its fields are not known)."""
    word = _INPUT_SOURCES.get(ty.source or "")
    if word is None:
        return None
    if ty.fields is not None:
        return T.unknown(f"{path} has no field {name} in the {word}", T.input_cause(input_name))
    if ty.name not in (T.RECORD, None):
        return T.unknown(f"{path} is a {ty.name} in the {word}, and has no field {name}")
    return None


def _input_cause(ty: Ty | None) -> str | None:
    """"input" when `ty` is unknown because an input field is (see types.Ty.cause)."""
    return _input_only(ty.cause) if ty is not None else None


def _input_only(cause: str | None) -> str | None:
    """The input part of a cause ("number+input:x" -> "input:x"), None when it names no input."""
    name = T.input_of(cause)
    return None if name is None else T.input_cause(name)


def _named_inputs(ty: Ty, name: str, depth: int = 0) -> Ty:
    """`ty` with every cause "input" under it (an input's sample or schema does not know the
    input's name) made "input:NAME"."""
    if depth > 200:
        return ty
    if ty.cause == T.INPUT:
        ty = ty._replace(cause=T.input_cause(name))
    elif ty.cause == T.number_cause(T.INPUT):   # integers and fractions in a sample: a number
        ty = ty._replace(cause=T.number_cause(T.input_cause(name)))
    if ty.fields:
        fields = tuple((n, _named_inputs(t, name, depth + 1)) for n, t in ty.fields)
        if any(a is not b for (_, a), (_, b) in zip(fields, ty.fields)):
            ty = ty._replace(fields=fields)
    if ty.element is not None:
        element = _named_inputs(ty.element, name, depth + 1)
        if element is not ty.element:
            ty = ty._replace(element=element)
    return ty


def _property_value(record: Ty) -> Ty:
    """The type of a value of any field of `record` (GetRecordProperties' PropertyValue): the
    type its fields all have, else unknown with the reason."""
    if not record.fields:
        if record.fields == () and record.source in _INPUT_SOURCES:
            return T.unknown(f"the record has no fields in the {_INPUT_SOURCES[record.source or '']}", "input")
        return T.unknown("the record's values are not typed by the query", _input_cause(record))
    types = [ty for _, ty in record.fields]
    first = types[0]
    if first.name is not None and all(ty == first for ty in types):
        return first
    if first.name is not None and all(ty.name == first.name for ty in types):
        return T.known(first.name)._replace(source=first.source)
    listed = ", ".join(f"{name} {ty.name or 'unknown'}" for name, ty in record.fields[:4])
    more = ", ..." if len(record.fields) > 4 else ""
    cause = next((_input_only(ty.cause) for ty in types if ty.name is None and _input_only(ty.cause)), None)
    return T.unknown(f"the record's fields do not all have one type ({listed}{more})", cause)


class _Inferrer:
    def __init__(self, level: Level, udf_types: Mapping[str, str | None] | None, file: str | None,
                 input_shapes: Mapping[str, InputShape] | None = None, functions_complete: bool = False) -> None:
        self.level = level
        self.udf_types = {k.lower(): v for k, v in (udf_types or {}).items()}
        self.udf_names = sorted(udf_types or (), key=str.lower)
        self.udf_types_given = udf_types is not None
        self.functions_complete = functions_complete
        self.input_refs: list[InputRef] = []
        self.input_shapes = {k.lower(): v for k, v in (input_shapes or {}).items()}
        self.file = file
        self.diagnostics: list[D.Diagnostic] = []
        self.steps: dict[str, _Relation] = {}
        self.inputs: dict[str, _Relation] = {}
        self.in_select_item = False
        # How `walk` types each kind of expression: directly, or with a generator method.
        self.leaves: dict[type, Callable[..., Ty]] = {A.Literal: self.type_Literal, A.ColumnRef: self.column_ref}
        self.methods: dict[type, Callable[..., Walk[Ty]]] = {kind: getattr(self, "type_" + kind.__name__)
                                                             for kind in A.Expr.__args__}

    def report(self, code: str, message: str, span: A.Span, **fields) -> None:
        self.diagnostics.append(D.make(code, message, span, self.file, **fields))

    # ---- statements ---------------------------------------------------------
    def run(self, script: A.Script) -> list[OutputSchema]:
        for statement in script.statements:
            if isinstance(statement, A.CreateTable):
                self.create_table(statement)
        outputs = []
        for statement in script.statements:
            if isinstance(statement, A.QueryStatement):
                outputs.append(self.statement(statement))
        return outputs

    def create_table(self, table: A.CreateTable) -> None:
        columns = []
        for column in table.columns:
            ty = self.type_name(column.type)
            ty = ty._replace(source="create-table") if ty.name else ty
            columns.append(_Col(self.out_name(column.name.text), column.name.text, ty, column.span))
        self.inputs[table.name.text.lower()] = _Relation("input", f"input {table.name.text}", tuple(columns), (),
                                                         input_name=table.name.text)

    def statement(self, statement: A.QueryStatement) -> OutputSchema:
        for step in statement.steps:
            key = step.name.text.lower()
            self.steps[key] = self.walk(self.query(step.query, "step", f"step {step.name.text}"))
        into = self.into_of(statement.query)
        name = into.text if into is not None else "output"
        first_finding = len(self.diagnostics)
        relation = self.walk(self.query(statement.query, "output", "output"))
        self.diagnostics[first_finding:] = [d._replace(output=name) for d in self.diagnostics[first_finding:]]
        columns = tuple(
            OutputColumn(c.name, c.written, c.ty.name, None if c.ty.name else c.ty.reason, c.span, c.expr_span,
                         None if c.ty.name else c.ty.cause, (c.ty.source or "expression") if c.ty.name else None)
            for c in relation.columns
        )
        return OutputSchema(name, into.span if into else None, statement.span, columns, relation.gaps)

    def into_of(self, query: A.Query) -> A.Identifier | None:
        """The INTO of the first SELECT that has one (depth first, without recursion)."""
        pending = [query]
        while pending:
            query = pending.pop()
            if isinstance(query, A.Select):
                if query.into is not None:
                    return query.into
            else:
                pending.extend(reversed(query.branches))
        return None

    # ---- the walk -----------------------------------------------------------
    # The walk over queries and expressions runs without Python recursion, so that no
    # nesting (10,000 parentheses, a chain of 100,000 `+`, subqueries in subqueries) can
    # exhaust the interpreter's stack. Each method below that would recurse is a
    # generator: `yield expr, scope` asks for the type of a sub-expression and
    # `yield generator` for the result of another such method; `walk` runs them with an
    # explicit stack, in exactly the order the recursive calls would have run.
    def walk(self, task):
        """Run a generator method to its result (see above)."""
        stack: list = []
        value = None
        leaves = self.leaves
        methods = self.methods
        paren = A.Paren
        while True:
            try:
                request = task.send(value)
            except StopIteration as done:
                if not stack:
                    return done.value
                task = stack.pop()
                value = done.value
                continue
            if type(request) is tuple:
                expr, scope = request
                kind = type(expr)
                while kind is paren:
                    expr = expr.expr
                    kind = type(expr)
                leaf = leaves.get(kind)
                if leaf is not None:
                    value = leaf(expr, scope)
                    continue
                stack.append(task)
                task = methods[kind](expr, scope)
            else:
                stack.append(task)
                task = request
            value = None

    def type_of(self, expr: A.Expr, scope: list[_Binding]) -> Ty:
        """The type of one expression (see walk)."""
        return self.walk(self._expression(expr, scope))

    @staticmethod
    def _expression(expr, scope):
        return (yield expr, scope)

    # ---- queries ------------------------------------------------------------
    def query(self, query: A.Query, context: str, label: str, names_matter: bool = True) -> Walk[_Relation]:
        if isinstance(query, A.Select):
            return (yield self.select(query, context, label, names_matter))
        # Only the first SELECT names the columns: the others' names do not matter.
        branches = []
        for index, branch in enumerate(query.branches):
            branches.append((yield self.query(branch, context, label, names_matter=(index == 0))))
        first = branches[0]
        for index, branch in enumerate(branches[1:], start=1):
            if not first.gaps and not branch.gaps and len(branch.columns) != len(first.columns):
                self.report("SC009", f"this SELECT has {len(branch.columns)} columns, the first SELECT of the "
                            f"UNION has {len(first.columns)}", query.branches[index].span)
        columns = []
        for position, column in enumerate(first.columns):
            types = [b.columns[position].ty for b in branches if position < len(b.columns) and not b.gaps]
            columns.append(_Col(column.name, column.written, _union_type(types), column.span, column.expr_span))
        gaps = tuple(g for b in branches for g in b.gaps)
        behind = next((b.input_name for b in branches if b.gaps and b.input_name), None)
        return _Relation(first.kind, label, tuple(columns), gaps, input_name=behind)

    def select(self, select: A.Select, context: str, label: str, names_matter: bool = True) -> Walk[_Relation]:
        if select.into is not None and context != "output":
            where = "a WITH step" if context == "step" else "a subquery"
            self.report("SC002", f"INTO {select.into.text} inside {where}: ASA allows INTO only in the "
                        f"outermost SELECT of a statement", select.into.span)
        if select.source_only:
            self.report_source_only(select)
        scope = yield self.from_scope(select.from_)
        columns: list[_Col] = []
        gaps: list[Gap] = []
        seen: dict[str, _Col] = {}
        for item in select.items:
            if isinstance(item, A.Star):
                self.expand_star(item, select, scope, columns, gaps, seen)
                continue
            self.in_select_item = True
            ty = yield item.expr, scope
            self.in_select_item = False
            written = self.written_name(item)
            name = None
            if written is not None:
                name = written.lower() if self.lowercases(item.expr) else written
            elif names_matter:
                alias = _suggest_alias(item.expr)
                fix = f"add an alias: `AS {alias}`" if alias else "add an alias: `AS <name>`"
                self.report("SC105", "ASA does not document the output name of an expression without an alias; "
                            "add AS <name>", item.span, fix=fix, suggested_name=alias or None)
            column = _Col(name, written, ty, item.span, item.expr.span)
            if name is not None and names_matter:
                previous = seen.get(name.lower())
                if previous is not None:
                    same = ("the same name" if previous.name == name
                            else f"a name that differs only by case ({previous.name})")
                    self.report("SC104", f"output column {name} has {same} as the column at line "
                                f"{previous.span.line}, column {previous.span.column}; ASA names are "
                                f"case-insensitive", item.span, query_column=name)
                else:
                    seen[name.lower()] = column
            columns.append(column)
        behind = next((b.relation.input_name for b in scope if b.relation.gaps and b.relation.input_name),
                      None) if gaps else None
        return _Relation(context, label, tuple(columns), tuple(gaps), input_name=behind)

    def report_source_only(self, select: A.Select) -> None:
        source = select.from_.source
        written = _written(source.relation) if isinstance(source.relation, A.Identifier) else "..."
        self.report("SC011", f"UNION followed by an input or step without SELECT (`UNION {written}`) is not in the "
                    f"ASA UNION reference (Microsoft's repartition article writes it); schemacheck reads it as "
                    f"`UNION SELECT * FROM {written}`", select.span, fix=f"write UNION SELECT * FROM {written}")

    def expand_star(self, star: A.Star, select: A.Select, scope: list[_Binding], columns: list[_Col],
                    gaps: list[Gap], seen: dict[str, _Col]) -> None:
        if not star.qualifier:
            if any(isinstance(j, A.Join) for j in select.from_.joins):
                self.report("SC007", "SELECT * cannot be used with JOIN in ASA; list the columns or use alias.*",
                            star.span)
            relations = [b.relation for b in scope]
        else:
            binding = self.binding(star.qualifier[0].text, scope) if len(star.qualifier) == 1 else None
            if binding is not None:
                relations = [binding.relation]
            else:
                path = ".".join(p.text for p in star.qualifier)
                ty = self.column_ref(A.ColumnRef(star.qualifier, star.span), scope)
                if ty.fields is not None:
                    fields = tuple(_Col(self.out_name(n), n, t, star.span) for n, t in ty.fields)
                    relations = [_Relation("record", path, fields, ())]
                else:
                    relations = [_Relation("record", path, (), (Gap(0, f"the fields of {path} are not known "
                                                                   f"from the query", star.span),))]
        unknown: list[str] = []
        for relation in relations:
            gaps_at = {gap.position: gap for gap in relation.gaps}
            for index in range(len(relation.columns) + 1):
                gap = gaps_at.get(index)
                if gap is not None:
                    gaps.append(Gap(len(columns), gap.reason, star.span))
                    unknown.append(gap.reason)
                if index == len(relation.columns):
                    break
                column = relation.columns[index]
                key = column.name.lower() if column.name is not None else None
                if key is not None and key in seen:
                    continue  # a * never overrides a column projected to its left
                new = _Col(column.name, column.written, column.ty, star.span)
                if key is not None:
                    seen[key] = new
                columns.append(new)
        if unknown:
            self.report("SC403", f"{'; '.join(unknown)}: the columns * adds here cannot be checked", star.span)

    # ---- FROM ---------------------------------------------------------------
    def from_scope(self, from_: A.FromClause) -> Walk[list[_Binding]]:
        scope = [(yield self.source_binding(from_.source))]
        for part in from_.joins:
            if isinstance(part, A.Join):
                scope.append((yield self.source_binding(part.source)))
                if part.condition is not None:
                    yield part.condition, scope
                else:
                    self.report_cross_join(part)
            else:
                scope.append((yield self.apply_binding(part, scope)))
        if from_.match_recognize is not None:
            scope = [(yield self.match_binding(from_.match_recognize, scope))]
        return scope

    def report_cross_join(self, join: A.Join) -> None:
        source = join.source
        written = _written(source.relation) if isinstance(source.relation, A.Identifier) else "the subquery"
        self.report("SC011", f"CROSS JOIN is not in the ASA reference, which documents only INNER and LEFT OUTER "
                    f"JOIN (with ON); schemacheck reads it as joining every row of {written} (reference data) "
                    f"to each event, with the columns of both sides", join.span,
                    fix="write JOIN ... ON with the condition that matches the rows")

    def source_binding(self, source: A.Source) -> Walk[_Binding]:
        relation_node = source.relation
        if isinstance(relation_node, A.Identifier):
            key = relation_node.text.lower()
            if key not in self.steps:
                self.input_refs.append(InputRef(relation_node.text, relation_node.span))
            relation = self.steps.get(key) or self.inputs.get(key)
            if relation is None:
                relation = self.input_relation(relation_node.text, source.span)
        else:
            relation = yield self.query(relation_node, "subquery", "the subquery")
        name = source.name or A.Identifier("", "", source.span)
        return _Binding(name.text.lower(), name, relation)

    def input_relation(self, name: str, span: A.Span) -> _Relation:
        """An input without CREATE TABLE: its sample fields (if any), then the metadata fields
        of its kind, which win over payload fields of the same name (ASA overwrites those)."""
        shape = self.input_shapes.get(name.lower())
        label = f"input {name}"
        if shape is None:
            return _Relation("input", label, (), (Gap(0, f"the columns of input {name} are not declared "
                                                      f"(no CREATE TABLE)", span),), input_name=name)
        metadata = F.INPUT_METADATA_FIELDS.get(shape.kind or "", ())
        reserved = {n.lower() for n, _ in metadata}
        columns = []
        gaps: tuple[Gap, ...] = ()
        if shape.fields is None:
            gaps = (Gap(0, f"the columns of input {name} are not declared (no CREATE TABLE, no sample data)", span),)
        else:
            for field, ty in shape.fields:
                if field.lower() in reserved:
                    continue
                if ty.name is None:   # a number (integers and fractions in a sample) stays one
                    ty = ty._replace(reason=ty.reason or f"the {shape.source or 'description'} of input {name} does "
                                     f"not tell the type of {field}",
                                     cause=ty.cause if T.input_of(ty.cause) is not None else T.INPUT)
                ty = _named_inputs(ty, name)
                columns.append(_Col(self.out_name(field), field, ty, span))
        for field, kind in metadata:
            ty = T.known(kind)._replace(source="metadata")
            if field == "IoTHub":
                ty = T.record_type(_field_types((f, None) for f in F.IOTHUB_RECORD_FIELDS))._replace(source="metadata")
            columns.append(_Col(self.out_name(field), field, ty, span))
        label = f"input {name}" + (f" ({shape.source})" if shape.source and shape.fields is not None else "")
        return _Relation("input", label, tuple(columns), gaps, _fields_from(shape.source), name)

    def apply_binding(self, apply: A.Apply, scope: list[_Binding]) -> Walk[_Binding]:
        function = apply.function.lowered_name
        documented = F.UNDOCUMENTED_ALIASES.get(function)
        if documented is not None:
            self.report_alias(apply.function, documented)
            function = documented.lower()
        argument = (yield apply.function.args[0], scope) if apply.function.args else T.unknown("no argument")
        if function == "getarrayelements":
            element = argument.element or T.unknown("the array's elements are not typed by the query",
                                                    _input_cause(argument))
            fields = _field_types(F.ARRAY_ELEMENTS_FIELDS, element)
        elif function == "getrecordproperties":
            fields = _field_types(F.RECORD_PROPERTIES_FIELDS, _property_value(argument))
        else:
            self.report("SC006", f"{'.'.join(p.text for p in apply.function.name)} is not a function APPLY "
                        f"takes; use GetArrayElements or GetRecordProperties", apply.function.span)
            relation = _Relation("apply", apply.alias.text, (), (Gap(0, "unknown APPLY function", apply.span),))
            return _Binding(apply.alias.text.lower(), apply.alias, relation)
        columns = tuple(_Col(self.out_name(n), n, t, apply.span) for n, t in fields)
        relation = _Relation("apply", apply.alias.text, columns,
                             (Gap(0, "what * yields for an APPLY source is not documented", apply.span),))
        return _Binding(apply.alias.text.lower(), apply.alias, relation)

    def report_alias(self, call: A.FunctionCall, documented: str) -> None:
        written = ".".join(p.text for p in call.name)
        what = " (columns ArrayIndex and ArrayValue)" if documented == "GetArrayElements" else ""
        self.report("SC011", f"{written} is not in the ASA reference; Microsoft's articles use it for "
                    f"{documented}, and schemacheck reads it as {documented}{what}", call.span,
                    fix=f"write {documented}")

    def match_binding(self, match: A.MatchRecognize, scope: list[_Binding]) -> Walk[_Binding]:
        source = scope[0]
        variables = set()
        for name, _condition in match.defines:
            variables.add(name.text.lower())
        variables.update(w.lower() for w in re.findall(r"[^\W\d]\w*", match.pattern))
        inner = list(scope) + [_Binding(v, source.name, source.relation) for v in sorted(variables)]
        columns = []
        for measure in match.measures:
            ty = yield measure.expr, inner
            columns.append(_Col(self.out_name(measure.alias.text), measure.alias.text, ty, measure.span))
        for _name, condition in match.defines:
            yield condition, inner
        alias = match.alias or source.name
        gap = Gap(len(columns), "whether MATCH_RECOGNIZE also outputs columns besides its MEASURES "
                  "(such as the PARTITION BY keys) is not documented", match.span)
        relation = _Relation("match", "MATCH_RECOGNIZE", tuple(columns), (gap,), input_name=source.relation.input_name)
        return _Binding(alias.text.lower(), alias, relation)

    def binding(self, name: str, scope: list[_Binding]) -> _Binding | None:
        lowered = name.lower()
        for binding in scope:
            if binding.key == lowered:
                return binding
        return None

    # ---- names --------------------------------------------------------------
    def out_name(self, name: str) -> str:
        """A field name as it leaves a SELECT: level 1.0 lower-cases every field name."""
        return name.lower() if self.level == "1.0" else name

    def lowercases(self, expr: A.Expr) -> bool:
        if self.level == "1.0":
            return True
        # Below 1.2 the alias of GetMetadataPropertyValue(...) is lower-cased (its reference page).
        return (self.level < "1.2" and isinstance(expr, A.FunctionCall)
                and expr.lowered_name == "getmetadatapropertyvalue")

    def written_name(self, item: A.SelectExpr) -> str | None:
        """The output name as written: the alias, else what ASA documents for the expression."""
        if item.alias is not None:
            return item.alias.text
        expr = item.expr
        if isinstance(expr, A.ColumnRef):
            if _is_system_timestamp(expr):
                return None
            last = expr.parts[-1]
            if len(expr.parts) == 1 and last.quote == '"' and not _FIELD_LIKE.match(last.text):
                return None  # read as text (see SC008)
            return last.text
        # Documented for System.Window().Id only; a field of another call's result is not.
        if isinstance(expr, A.MemberAccess) and isinstance(expr.target, A.FunctionCall) \
                and expr.target.lowered_name == "system.window":
            return expr.member.text
        if isinstance(expr, A.FunctionCall) and expr.star and expr.lowered_name == "count" and expr.over is None:
            return "count"
        return None

    # ---- expressions --------------------------------------------------------
    def type_Literal(self, expr: A.Literal, scope) -> Ty:
        if expr.kind == "integer":
            return T.known(T.BIGINT)
        if expr.kind == "float":
            return T.known(T.FLOAT)
        if expr.kind == "string":
            return T.known(T.NVARCHAR)
        return T.NULL

    def type_ColumnRef(self, expr: A.ColumnRef, scope) -> Ty:
        return self.column_ref(expr, scope)

    def column_ref(self, expr: A.ColumnRef, scope: list[_Binding]) -> Ty:
        parts = expr.parts
        first = parts[0]
        if len(parts) == 1 and first.quote == '"':
            return self.double_quoted(first, scope)
        if _is_system_timestamp(expr) and self.binding("system", scope) is None:
            return T.known(T.DATETIME)
        rest = parts[1:]
        column: _Col | None = None
        ty: Ty | None
        binding = self.binding(first.text, scope) if len(parts) > 1 else None
        if binding is not None:
            field, rest = rest[0], rest[1:]
            column = binding.relation.find(field.text)
            if column is None:
                if binding.relation.closed and binding.relation.kind in ("step", "subquery"):
                    self.report("SC005", f"{binding.relation.label} has no column {field.text}",
                                field.span, query_column=field.text)
                    ty = T.unknown(f"{binding.relation.label} has no column {field.text}")
                elif binding.relation.closed and binding.relation.kind == "input":
                    ty = T.unknown(f"{field.text} is not in the {binding.relation.fields_from} of "
                                   f"{binding.relation.label}", T.input_cause(binding.relation.input_name))
                else:
                    ty = T.unknown(f"{field.text} is a field of {binding.relation.label}, whose type the query "
                                   f"does not declare", T.input_cause(binding.relation.input_name))
            else:
                ty = column.ty
        else:
            ty = self.unqualified(first, scope)
            if ty is None:
                whole = self.binding(first.text, scope)
                if whole is not None and not rest:
                    return whole.relation.as_record()
                ty = T.unknown(f"{first.text} is not known from the query")
        if not rest:
            return ty
        # Whether `ty` is what an input's description (its sample, reference data, declared
        # schema) or an APPLY over it says: then an unknown's own reason tells why its field is.
        if binding is not None:
            described = column is not None and binding.relation.kind in ("input", "apply")
        else:
            described = any(b.relation.kind in ("input", "apply") and b.relation.find(first.text) is not None
                            for b in scope)
        for index, part in enumerate(rest, start=len(parts) - len(rest)):
            member = ty.field(part.text)
            if member is None:
                if described and ty.name is None and ty.reason and _input_only(ty.cause):
                    return T.unknown(ty.reason, _input_only(ty.cause))
                owner = binding.relation.input_name if binding is not None else next(
                    (b.relation.input_name for b in scope if b.relation.find(first.text) is not None), None)
                return _no_field(ty, ".".join(p.text for p in parts[:index]), part.text, owner) or T.unknown(
                    f"the type of {'.'.join(p.text for p in parts)} is not known from the query", T.origin(ty.cause))
            described = ty.source in _INPUT_SOURCES
            ty = member
        return ty

    def unqualified(self, name: A.Identifier, scope: list[_Binding]) -> Ty | None:
        """A column read without a source name; None when it is no column but a source."""
        found = [(b, b.relation.find(name.text)) for b in scope]
        hits = [(b, c) for b, c in found if c is not None]
        if len(hits) == 1:
            return hits[0][1].ty
        if hits:
            types = {c.ty.name for _, c in hits}
            if len(types) == 1 and None not in types:
                return hits[0][1].ty
            return T.unknown(f"{name.text} is a column of more than one source")
        if self.binding(name.text, scope) is not None:
            return None
        open_sources = [b for b in scope if not b.relation.closed]
        if not open_sources:
            labels = ", ".join(b.relation.label for b in scope)
            if any(b.relation.kind in ("step", "subquery") for b in scope):
                self.report("SC005", f"no column {name.text} in {labels}", name.span, query_column=name.text)
            elif any(b.relation.kind == "input" for b in scope):
                source = next(b.relation for b in scope if b.relation.kind == "input")
                return T.unknown(f"{name.text} is not in the {source.fields_from} of {labels}",
                                 T.input_cause(source.input_name))
            return T.unknown(f"no source has a column {name.text}")
        if len(open_sources) == 1 and open_sources[0].relation.kind == "input":
            source = open_sources[0].relation
            return T.unknown(f"{name.text} is a field of {source.label}, whose type the query does not declare",
                             T.input_cause(source.input_name))
        inputs = list(dict.fromkeys(b.relation.input_name for b in open_sources if b.relation.input_name))
        which = f" (of input {' or '.join(inputs)}: the query does not say which)" if len(inputs) > 1 else ""
        return T.unknown(f"{name.text} is an input field whose type the query does not declare{which}",
                         T.input_cause(inputs[0] if inputs else None))

    def double_quoted(self, name: A.Identifier, scope: list[_Binding]) -> Ty:
        text = name.text
        for binding in scope:
            column = binding.relation.find(text)
            if column is not None:
                return column.ty
        if _FIELD_LIKE.match(text):
            if self.in_select_item:
                self.report("SC008", f'"{text}" is read as a field name; ASA also accepts "..." as text in '
                            f"some places: write {_bracketed(text)} for a field or '{text}' for text", name.span)
            return self.unqualified(name, scope) or T.unknown(f'"{text}" names an input field', T.input_cause(
                next((b.relation.input_name for b in scope if b.relation.input_name), None)))
        if self.in_select_item:
            self.report("SC008", f'"{text}" is read as text (it is not a field of any source); write '
                        f"'{text}' to say so, or {_bracketed(text)} for a field", name.span)
        return T.known(T.NVARCHAR)

    def type_Paren(self, expr: A.Paren, scope) -> Walk[Ty]:
        return (yield expr.expr, scope)

    def type_MemberAccess(self, expr: A.MemberAccess, scope) -> Walk[Ty]:
        target = yield expr.target, scope
        field = target.field(expr.member.text)
        if field is not None:
            return field
        missing = _no_field(target, "this value", expr.member.text)
        if missing is not None:
            return missing
        # A field of an undeclared input field is itself one (as for the path `e.body.x`).
        cause = _input_only(target.cause)
        return T.unknown(f"the field {expr.member.text} of this value is not known from the query", cause)

    def type_Cast(self, expr: A.Cast, scope) -> Walk[Ty]:
        yield expr.operand, scope
        return self.type_name(expr.type)

    def type_name(self, type_name: A.TypeName) -> Ty:
        """A CAST/CREATE TABLE type; unsupported ones are SC003, bit below 1.2 is SC004."""
        lowered = type_name.name.lower()
        kind = T.TYPE_NAMES.get(lowered)
        argument = type_name.argument.lower() if type_name.argument is not None else None
        valid = kind is not None and (argument == "max" if kind == T.NVARCHAR else argument is None)
        if kind is None or not valid:
            advice: str | None
            if kind == T.NVARCHAR or lowered in ("varchar", "char", "nchar"):
                advice = T.NVARCHAR
            else:
                advice = kind or T.TYPE_NAME_ADVICE.get(lowered)
            hint = f"; use {advice}" if advice else f"; ASA types are {', '.join(T.ASA_TYPES)}"
            self.report("SC003", f"ASA has no type {type_name.text}{hint}", type_name.span,
                        fix=f"use {advice}" if advice else None)
            return T.unknown(f"{type_name.text} is not an ASA type")
        if kind == T.BIT and not T.has_bit(self.level):
            self.report("SC004", f"bit needs compatibility level 1.2; at {self.level} this value is a bigint (0/1)",
                        type_name.span)
            return T.known(T.BIGINT)
        return T.known(kind)

    def type_Case(self, expr: A.Case, scope) -> Walk[Ty]:
        if expr.operand is not None:
            yield expr.operand, scope
        results = []
        for when in expr.whens:
            yield when.condition, scope
            results.append((yield when.result, scope))
        if expr.else_ is not None:
            results.append((yield expr.else_, scope))
        return _case_type(results)

    def type_UnaryOp(self, expr: A.UnaryOp, scope) -> Walk[Ty]:
        operand = yield expr.operand, scope
        if operand.is_null:
            return T.NULL
        allowed = (T.BIGINT, T.BIT) if expr.op == "~" else (T.BIGINT, T.FLOAT)
        if operand.name in allowed:
            return operand
        if expr.op != "~" and operand.name is None:   # - and + take numbers only: a number either way
            if T.is_number(operand.cause):
                return operand
            return T.number(f"a number, bigint or float: {expr.op} takes numbers, and "
                            f"{_why(operand, 'its operand type is not known')}", operand.cause)
        return T.unknown(operand.reason or f"{expr.op} of a {operand.name} is not documented",
                         T.origin(operand.cause) if operand.name is None else None)

    def type_BinaryOp(self, expr: A.BinaryOp, scope) -> Walk[Ty]:
        left = yield expr.left, scope
        right = yield expr.right, scope
        return _binary_type(expr.op, left, right, self.level)

    def _condition(self, expr, scope, *operands) -> Walk[Ty]:
        for operand in operands:
            if type(operand) is tuple:
                for item in operand:
                    yield item, scope
            elif operand is not None:
                yield operand, scope
        return T.unknown("ASA does not document the type of a condition used as a value")

    def type_Comparison(self, expr, scope):
        return self._condition(expr, scope, expr.left, expr.right)

    def type_IsNull(self, expr, scope):
        return self._condition(expr, scope, expr.operand)

    def type_Like(self, expr, scope):
        return self._condition(expr, scope, expr.operand, expr.pattern)

    def type_Between(self, expr, scope):
        return self._condition(expr, scope, expr.operand, expr.low, expr.high)

    def type_InList(self, expr, scope):
        return self._condition(expr, scope, expr.operand, expr.items)

    def type_Not(self, expr, scope):
        return self._condition(expr, scope, expr.operand)

    def type_BoolOp(self, expr, scope):
        return self._condition(expr, scope, expr.left, expr.right)

    def type_FunctionCall(self, call: A.FunctionCall, scope) -> Walk[Ty]:
        name = call.lowered_name
        prefix = name.split(".", 1)[0] if len(call.name) > 1 else None
        if prefix in F.UDF_PREFIXES and len(call.name) == 2:
            for arg in call.args:
                yield arg, scope
            return self.udf_type(call)
        documented = F.UNDOCUMENTED_ALIASES.get(name)
        if documented is not None:
            self.report_alias(call, documented)
            name = documented.lower()
        spec = F.FUNCTIONS.get(name)
        if spec is None:
            for arg in call.args:
                yield arg, scope
            written = ".".join(p.text for p in call.name)
            if prefix is not None and call.name[-1].text.lower() in F.FUNCTIONS:
                message = (f"{written}: a built-in function is called without a prefix (a prefix on a built-in is "
                           f"an error at compatibility level 1.2); a user-defined function needs udf. or uda.")
            else:
                message = (f"{written} is not an ASA built-in function; a user-defined function is called as "
                           f"udf.{written}")
            self.report("SC006", message, call.span)
            return T.unknown(f"{written} is not a known function")
        args = []
        for i, arg in enumerate(call.args):
            args.append(T.unknown("a time unit") if i in spec.unit_args else (yield arg, scope))
        if call.over is not None:
            yield self.over(call.over, scope)
            if spec.returns == F.ORDER_KEY and call.over.order_by:
                return (yield call.over.order_by[0].expr, scope)
        return self.function_result(call, spec, args)

    def over(self, over: A.Over, scope) -> Walk[None]:
        for expr in over.partition_by:
            yield expr, scope
        for item in over.order_by:
            yield item.expr, scope
        if over.when is not None:
            yield over.when, scope

    def function_result(self, call: A.FunctionCall, spec: F.Function, args: list[Ty]) -> Ty:
        returns = spec.returns
        written = call.name[-1].text
        if returns in T.ASA_TYPES:
            return T.known(returns)
        if returns is None:
            return T.unknown(f"{written} is not a value function")
        first = args[0] if args else None
        if returns == F.ARG:
            if call.star:
                return T.record_type()
            if first is None:
                return T.unknown(f"{written} has no argument")
            return first if not first.is_null else T.unknown(f"{written} of NULL")
        if returns == F.NUMERIC_ARG:
            return _numeric_arg(written, first)
        if returns == F.FIRST_NON_NULL:
            return _coalesce_type(args, [isinstance(a, A.Literal) and a.kind != "null" for a in call.args])
        if returns == F.RECORD_OR_ARG:
            if first is None:  # no argument
                return T.record_type()
            return first
        if returns == F.COLLECT:
            return T.array_type(first if call.args else T.record_type())
        if returns == F.COLLECT_TOP:
            value = args[1] if len(args) > 1 else T.record_type()
            return T.array_type(T.record_type(_field_types(F.COLLECT_TOP_FIELDS, value)))
        if returns == F.ORDER_KEY:  # with OVER (ORDER BY ...): see type_FunctionCall
            return T.unknown(f"{written} without OVER (ORDER BY ...)")
        if returns == F.ANOMALY:
            return T.record_type(_field_types(F.ANOMALY_FIELDS))
        if returns == F.WINDOW:
            return T.record_type(_field_types(F.WINDOW_FIELDS))
        if returns == F.PROPERTY:
            if len(call.args) == 2 and isinstance(call.args[1], A.Literal) and call.args[1].kind == "string":
                field = first.field(call.args[1].value) if first is not None else None
                if field is not None:
                    return field
                missing = _no_field(first, "the record", call.args[1].value) if first is not None else None
                if missing is not None:
                    return missing
            elif first is not None and first.fields:   # a name known only when it runs: any field's type
                return _property_value(first)
            return T.unknown("the record's fields are not typed by the query", _input_cause(first))
        if returns == F.ELEMENT:
            if first is not None and first.element is not None:
                return first.element
            return T.unknown("the array's elements are not typed by the query", _input_cause(first))
        if returns == F.METADATA:
            path = call.args[1] if len(call.args) == 2 else None
            if isinstance(path, A.Literal) and path.kind == "string":
                return _metadata_property(path.value)
            return T.unknown("GetMetadataPropertyValue's property is named by a value the query computes: its type "
                             "is not known")
        raise AssertionError(f"unhandled return rule {returns!r} for {written}")

    def udf_type(self, call: A.FunctionCall) -> Ty:
        written = ".".join(p.text for p in call.name)
        function = call.name[1].text.lower()
        if function not in self.udf_types:
            if self.functions_complete:
                what = "UDA" if call.name[0].text.lower() == "uda" else "UDF"
                known = ", ".join(self.udf_names) or "none"
                self.report("SC610", f"{written}: the job defines no {what} {call.name[1].text} (its functions: "
                            f"{known}); ASA will not start the job", call.span)
            if self.udf_types_given:
                return T.unknown(f"the job defines no function {call.name[1].text}", f"udf:{call.name[1].text}")
            return T.unknown(f"the return type of {written} is declared in the job's functions, which were not given",
                             f"udf:{call.name[1].text}")
        declared = self.udf_types[function]
        if declared is None or declared.lower() == "any":
            return T.unknown(f"{written} is declared to return any type", f"udf:{call.name[1].text}")
        kind = T.TYPE_NAMES.get(declared.lower().replace("(max)", ""))
        if kind is None:
            return T.unknown(f"{written} is declared to return {declared}, which is not an ASA type")
        if kind == T.BIT and not T.has_bit(self.level):
            return T.known(T.BIGINT)
        return T.known(kind)


# ---- type rules -----------------------------------------------------------------

# Arithmetic (+ - * %) on numbers, as in T-SQL: float wins over bigint.
_ARITHMETIC = {
    (T.BIGINT, T.BIGINT): T.BIGINT,
    (T.BIGINT, T.FLOAT): T.FLOAT,
    (T.FLOAT, T.BIGINT): T.FLOAT,
    (T.FLOAT, T.FLOAT): T.FLOAT,
}
# Division: whether bigint / bigint truncates to a bigint is not documented (a number, see below).
_DIVISION = {
    (T.BIGINT, T.FLOAT): T.FLOAT,
    (T.FLOAT, T.BIGINT): T.FLOAT,
    (T.FLOAT, T.FLOAT): T.FLOAT,
}
# Bitwise & | ^: bit when both sides are bit, otherwise bigint (the bitwise reference pages).
_BITWISE_OPERANDS = (T.BIT, T.BIGINT, T.FLOAT)
# The types a number (types.number) may have.
_NUMBERS = (T.BIGINT, T.FLOAT)
# CASE returns "the highest precedence type from the set of types in result_expression and the
# optional else_result_expression" (REF case). ASA publishes no precedence order, so types are
# ranked only where every reading agrees: bit < bigint < float (T-SQL's order; ASA converts bit to
# float and compares bigint with float without loss: REF data-types). nvarchar(max), datetime,
# record and array mixed with another type have no documented order: the result is unknown.
_NUMERIC_RANK = {T.BIT: 0, T.BIGINT: 1, T.FLOAT: 2}


def _why(ty: Ty | None, fallback: str) -> str:
    if ty is not None and ty.name is None and ty.reason:
        return ty.reason
    return fallback


def _choices(ty: Ty) -> tuple[str, ...] | None:
    """The ASA types a value may have: its own, bigint or float for a number, None when open."""
    if ty.name is not None:
        return (ty.name,)
    if T.is_number(ty.cause):
        return _NUMBERS
    return None


def _first_origin(types) -> str | None:
    """The cause that names what would settle an open type (an input, a UDF), from the first
    unknown value that has one: the first input is kept when values come from several."""
    for ty in types:
        if ty.name is None:
            cause = T.origin(ty.cause)
            if cause:
                return cause
    return None


def _other_inputs(types, cause: str | None) -> str:
    """A note naming the inputs besides the one `cause` names that give values of undeclared type."""
    first = T.input_of(cause)
    if not first:
        return ""
    others: list[str] = []
    for ty in types:
        name = T.input_of(ty.cause) if ty.name is None else None
        if name and name != first and name not in others:
            others.append(name)
    if not others:
        return ""
    return f" (input {', '.join(others)} also {'gives' if len(others) == 1 else 'give'} it fields of undeclared type)"


def _open(types: list[Ty], what: str) -> Ty:
    """An unknown made of values of which one at least has an open type: that value's reason, the
    first origin among them (types.Ty.cause) and a note on other inputs."""
    first = next(ty for ty in types if _choices(ty) is None)
    cause = _first_origin(types)
    reason = _why(first, "its type is not known")
    if what and not reason.startswith("a value of this"):
        reason = f"a value of this {what} has no known type: {reason}"
    return T.unknown(reason + _other_inputs(types, cause), cause)


def _a_number(why: str, types, inherit: bool = False) -> Ty:
    """A number (types.number) made of `types`; with `inherit`, the reason of the first of them
    that is such a number, which tells why the result is one too."""
    cause = _first_origin(types)
    inner = next((t for t in types if t.name is None and T.is_number(t.cause) and t.reason), None) if inherit else None
    if inner is not None and inner.reason:
        return T.number(inner.reason, cause)
    return T.number(f"a number, bigint or float: {why}" + _other_inputs(types, cause), cause)


def _numeric_arg(written: str, first: Ty | None) -> Ty:
    """ABS, CEILING, FLOOR, SIGN, ROUND, POWER, SUM: the argument's type, bigint or float (their
    reference pages: "same type as" the argument); they take numbers only, so of an argument whose
    type is open the result is a number, bigint or float (types.number)."""
    if first is None:
        return T.unknown(f"{written} has no argument")
    if first.is_null:
        return T.unknown(f"{written} of NULL")
    if first.name in _NUMBERS:
        return T.known(first.name)
    if first.name is None:
        if T.is_number(first.cause):
            return first
        return T.number(f"a number, bigint or float: {written} has its argument's type, and "
                        f"{_why(first, 'the type of its argument is not known')}", first.cause)
    if first.name == T.NVARCHAR:
        return T.number(f"a number, bigint or float: {written} converts its nvarchar(max) argument to a number "
                        f"(ASA's input validation article), of a type the documentation does not give; CAST it")
    return T.unknown(f"{written} of a {first.name} is not documented ({written} takes bigint or float)")


def _metadata_path(path: str) -> tuple[str, ...]:
    """'[EventHub].[EventEnqueuedUtcTime]', 'EventHub.EventEnqueuedUtcTime' -> ("eventhub", "eventenqueuedutctime")."""
    return tuple(m.group(1) if m.group(1) is not None else m.group(2).strip()
                 for m in re.finditer(r"\[([^\]]*)\]|([^.\[\]]+)", path.lower()))


def _metadata_property(path: str) -> Ty:
    """GetMetadataPropertyValue(input, 'path'): a record for a group, the property's type where the
    documentation implies it (functions.METADATA_PROPERTIES), else unknown with the reason."""
    parts = _metadata_path(path)
    if len(parts) == 1 and parts[0] in F.METADATA_GROUPS:
        return T.record_type()
    if parts and parts[0] == "user":
        return T.unknown(f"'{path}' is a user property, which the sender of each event sets: its type is not "
                         f"documented")
    if parts in F.METADATA_PROPERTIES:
        kind = F.METADATA_PROPERTIES[parts]
        if kind is None:
            return T.unknown(f"'{path}' is a metadata property whose type the GetMetadataPropertyValue reference "
                             f"does not give")
        return T.known(kind)._replace(source="metadata")
    return T.unknown(f"'{path}' is not a property the GetMetadataPropertyValue reference lists")


def _binary_type(op: str, left: Ty, right: Ty, level: Level) -> Ty:
    if left.is_null or right.is_null:
        return T.NULL
    if op in "&|^":
        names = (left.name, right.name)
        if names == (T.BIT, T.BIT):
            return T.known(T.BIT) if T.has_bit(level) else T.known(T.BIGINT)
        if (left.name in (T.BIGINT, T.FLOAT) or right.name in (T.BIGINT, T.FLOAT)) and \
                all(n in _BITWISE_OPERANDS or n is None for n in names):
            return T.known(T.BIGINT)
        if all(n in _BITWISE_OPERANDS for n in names):
            return T.known(T.BIGINT)
        return T.unknown(_why(left, "") or _why(right, "") or f"{op} on {left.name} and {right.name}",
                         _first_origin((left, right)))
    if op == "+" and left.name == T.NVARCHAR and right.name == T.NVARCHAR:
        return T.known(T.NVARCHAR)
    lefts, rights = _choices(left), _choices(right)
    if lefts is None or rights is None:
        # * / % take numbers only (there is no string or datetime form of them), so whatever the
        # operand of unknown type is, the result is a number; + and - also join strings and dates.
        others = rights if lefts is None else lefts
        if op in "*/%" and (others is None or set(others) <= set(_NUMBERS)):
            operand = left if lefts is None else right
            return _a_number(f"{op} takes numbers, and {_why(operand, 'an operand type is not known')}",
                             (left, right))
        unknown_side = left if lefts is None else right
        cause = _first_origin((left, right))
        return T.unknown(_why(unknown_side, "an operand's type is not known") + _other_inputs((left, right), cause),
                         cause)
    table = _DIVISION if op == "/" else _ARITHMETIC
    pairs = [(a, b) for a in lefts for b in rights]
    results: set[str | None] = set()
    for pair in pairs:
        if op == "/" and pair == (T.BIGINT, T.BIGINT):
            results.update(_NUMBERS)   # bigint / bigint: a bigint or a float, which is not documented
        else:
            results.add(table.get(pair))
    if None in results:
        return T.unknown(f"{left.name or 'a number'} {op} {right.name or 'a number'} is not documented")
    if len(results) == 1 and not _first_origin((left, right)):
        (name,) = results
        return T.known(str(name))
    if pairs == [(T.BIGINT, T.BIGINT)]:
        return T.number("a number, bigint or float: whether bigint / bigint gives a bigint or a float is not "
                        "documented; CAST an operand to float")
    return _a_number(f"{op} of {left.name or 'a number'} and {right.name or 'a number'}", (left, right), inherit=True)


def _same_type(values: list[Ty]) -> Ty:
    """The type values of one ASA type share: with their fields or element when all agree."""
    first = values[0]
    if all(v == first for v in values):
        return first._replace(source=None) if first.source else first
    return T.known(first.name) if first.name is not None else first


def _case_type(values: list[Ty]) -> Ty:
    """CASE: the highest-precedence type of its THEN and ELSE values (REF case), NULL ones aside."""
    values = [v for v in values if not v.is_null]
    if not values:
        return T.unknown("every value of this CASE is NULL")
    choices = [_choices(v) for v in values]
    if any(c is None for c in choices):
        return _open(values, "CASE")
    names = sorted({n for c in choices if c is not None for n in c}, key=T.ASA_TYPES.index)
    if len(names) == 1:
        return _same_type(values)
    if not all(n in _NUMERIC_RANK for n in names):
        return T.unknown(f"the values of this CASE have different types ({', '.join(names)}); CASE takes the "
                         f"highest-precedence one (ASA's CASE reference), but ASA documents no precedence "
                         f"among these: CAST the values")
    pools = sorted({c for c in choices if c is not None})
    results = {max(combination, key=_NUMERIC_RANK.__getitem__) for combination in _product(pools)}
    if len(results) == 1 and not _first_origin(values):
        return T.known(results.pop())
    return _a_number("CASE takes the highest-precedence type of its values (float over bigint)", values, inherit=True)


def _product(pools: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    combinations: list[tuple[str, ...]] = [()]
    for pool in pools:
        combinations = [c + (name,) for c in combinations for name in pool]
    return combinations


def _per_value_type(values: list[Ty], what: str, rule: str) -> Ty:
    """COALESCE and UNION columns: each event's value keeps its own type (ASA types values, not
    columns: REF data-types), so the values' types must agree; bigint and float make a number."""
    values = [v for v in values if not v.is_null]
    if not values:
        return T.unknown(f"every value of this {what} is NULL")
    choices = [_choices(v) for v in values]
    if any(c is None for c in choices):
        return _open(values, what)
    names = sorted({n for c in choices if c is not None for n in c}, key=T.ASA_TYPES.index)
    if len(names) == 1:
        return _same_type(values)
    if set(names) <= set(_NUMBERS):
        return _a_number(f"{rule}, and its values are bigint or float", values)
    return T.unknown(f"the values of this {what} have different types ({', '.join(names)}): {rule}, so the type "
                     f"changes from event to event; CAST the values to one type")


_COALESCE_RULE = "COALESCE has the type of the first argument that is not NULL (ASA's COALESCE reference)"
_UNION_RULE = "each row keeps the type of the SELECT it comes from"


def _coalesce_type(args: list[Ty], never_null: list[bool]) -> Ty:
    """COALESCE: "the type of the first non-null expression" (REF coalesce). The arguments that can
    give the value are those up to the first one that is never NULL (a literal)."""
    candidates = []
    for ty, fixed in zip(args, never_null):
        if ty.is_null:
            continue
        candidates.append(ty)
        if fixed:
            break
    return _per_value_type(candidates, "COALESCE", _COALESCE_RULE)


def _union_type(types: list[Ty]) -> Ty:
    if not types:
        return T.unknown("the UNION's column types are not known")
    return _per_value_type(types, "UNION column", _UNION_RULE)


def _suggest_alias(expr: A.Expr) -> str | None:
    """A name for an unaliased expression, in the style of the column it reads: AVG(temp) -> avg_temp."""
    while isinstance(expr, (A.Cast, A.Paren)):
        expr = expr.operand if isinstance(expr, A.Cast) else expr.expr
    if isinstance(expr, A.ColumnRef):
        return expr.parts[-1].text if _FIELD_LIKE.match(expr.parts[-1].text) else None
    if isinstance(expr, A.MemberAccess):
        return expr.member.text if expr.member.text.isidentifier() else None
    if not isinstance(expr, A.FunctionCall):
        return None
    function = expr.name[-1].text.lower()
    column = next((a for a in expr.args if isinstance(a, A.ColumnRef)), None)
    if column is None:
        return function if function.isidentifier() else None
    field = column.parts[-1].text
    if not field.isidentifier():
        return None
    if any(c.isupper() for c in field):
        return function.capitalize() + field[0].upper() + field[1:]
    return f"{function}_{field}"


def _bracketed(name: str) -> str:
    return "[" + name.replace("]", "]]") + "]"


def _written(name: A.Identifier) -> str:
    """A name as it was written, quotes included."""
    if name.quote == "[":
        return _bracketed(name.text)
    if name.quote == '"':
        return '"' + name.text.replace('"', '""') + '"'
    return name.text


def _is_system_timestamp(expr: A.ColumnRef) -> bool:
    parts = expr.parts
    return len(parts) == 2 and parts[0].text.lower() == "system" and parts[1].text.lower() == "timestamp"


def infer(script: A.Script, level: Level = T.DEFAULT_COMPAT_LEVEL,
          udf_types: Mapping[str, str | None] | None = None,
          file: str | None = None, input_shapes: Mapping[str, InputShape] | None = None,
          functions_complete: bool = False) -> tuple[list[OutputSchema], list[D.Diagnostic]]:
    """The outputs of every query statement, in source order, and the findings on the way.
    `input_shapes` describe inputs (by alias) that the query does not declare; with
    `functions_complete`, `udf_types` lists every function the job defines (SC610)."""
    outputs, diagnostics, _ = infer_with_inputs(script, level, udf_types, file, input_shapes, functions_complete)
    return outputs, diagnostics


def infer_with_inputs(script: A.Script, level: Level = T.DEFAULT_COMPAT_LEVEL,
                      udf_types: Mapping[str, str | None] | None = None,
                      file: str | None = None, input_shapes: Mapping[str, InputShape] | None = None,
                      functions_complete: bool = False
                      ) -> tuple[list[OutputSchema], list[D.Diagnostic], list[InputRef]]:
    """infer(), and every FROM name that is no WITH step: the inputs the query reads."""
    inferrer = _Inferrer(level, udf_types, file, input_shapes, functions_complete)
    outputs = inferrer.run(script)
    return outputs, inferrer.diagnostics, inferrer.input_refs
