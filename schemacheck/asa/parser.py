"""Text of an ASA query -> `Script` (schemacheck.asa.ast), or one `QuerySyntaxError`.

`parse_query(text)` accepts UTF-8 text with or without a BOM and with LF, CRLF or CR
line ends. A syntax error is raised as `QuerySyntaxError` with the line and column of
the offending token, what was found, what was expected (in the query's own words:
"expected FROM after the select list"), and the source line; never a parser-internal
name or exception.
"""

from __future__ import annotations

import math

from schemacheck import lalr
from schemacheck.asa import ast as A
from schemacheck.asa._tables import KEYWORDS, RULES
from schemacheck.asa.functions import WINDOW_KINDS
from schemacheck.asa.lexer import LANGUAGE, RESERVED_WORDS

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any


class QuerySyntaxError(Exception):
    """The query does not parse. `line`/`column` are 1-based; `found` is what was there."""

    def __init__(self, message: str, line: int, column: int, end_column: int, found: str,
                 expected: tuple[str, ...], source_line: str) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.end_column = end_column
        self.found = found
        self.expected = expected
        self.source_line = source_line
        self.file: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}" if self.file else f"{where}: {self.message}"


def normalize_source(text: str) -> str:
    """Drop a leading BOM and turn CRLF and lone CR line ends into LF (columns are unchanged)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class _Part:
    """A clause piece handed from a child rule to its parent, tagged with its role."""

    __slots__ = ("tag", "value", "extra")

    def __init__(self, tag: str, value: Any, extra: Any = None) -> None:   # what each tag holds differs
        self.tag = tag
        self.value = value
        self.extra = extra


class _Args:
    __slots__ = ("exprs", "star", "quantifier")

    def __init__(self, exprs: tuple, star: bool = False, quantifier: str | None = None) -> None:
        self.exprs = exprs
        self.star = star
        self.quantifier = quantifier


def _unquote(token: lalr.Token) -> tuple[str, str]:
    """Token -> (name as ASA sees it, quote kind)."""
    text = token.text
    kind = token.type
    if kind == "BRACKET_ID":
        return text[1:-1].replace("]]", "]"), "["
    if kind == "DQ_ID":
        return text[1:-1].replace('""', '"'), '"'
    if kind == "STRING":
        if text[0] in "Nn":
            text = text[1:]
        return text[1:-1].replace("''", "'"), "'"
    return text, ""


class _UnionDraft:
    """A UNION chain while it is parsed: the chain `q1 UNION q2 UNION q3 ...` nests to the
    left, and the draft grows in place at each UNION (a new node each time would copy the
    branches so far, quadratic in their number). A rule that takes the query whole turns it
    into the UnionQuery (`_query`)."""

    __slots__ = ("branches", "all_flags", "span")

    def __init__(self, branches: list, all_flags: list, span: A.Span) -> None:
        self.branches = branches
        self.all_flags = all_flags
        self.span = span


def _query(node):
    """A query as the syntax tree has it: a UNION draft becomes its UnionQuery."""
    if type(node) is _UnionDraft:
        return A.UnionQuery(tuple(node.branches), tuple(node.all_flags), node.span)
    return node


class _Builder:
    """One callback per grammar rule; each gets (children, start offset, end offset)."""

    def __init__(self, lines: lalr.LineMap) -> None:
        self.span = lines.span
        self.text = lines.text

    # ---- statements ------------------------------------------------------
    def start(self, ch, s, e):
        return A.Script(tuple(c for c in ch if not isinstance(c, lalr.Token)))

    def create_table(self, ch, s, e):
        return A.CreateTable(ch[2], tuple(ch[3:]), self.span(s, e))

    def column_def(self, ch, s, e):
        return A.ColumnDef(ch[0], ch[1], self.span(s, e))

    def query_statement(self, ch, s, e):
        if len(ch) == 2:
            return A.QueryStatement(ch[0], _query(ch[1]), self.span(s, e))
        return A.QueryStatement((), _query(ch[0]), self.span(s, e))

    def with_clause(self, ch, s, e):
        return tuple(ch[1:])

    def with_step(self, ch, s, e):
        return A.WithStep(ch[0], _query(ch[2]), self.span(s, e))

    def union(self, ch, s, e):
        left, right = ch[0], _query(ch[-1])
        if type(right) is A.Source:  # `UNION step2 ...`: read as `UNION SELECT * FROM step2 ...`
            span = right.span
            right = A.Select((A.Star((), span),), None, A.FromClause(right, (), None, span), None, None, None,
                             span, True)
        is_all = len(ch) == 4
        if type(left) is _UnionDraft:
            left.branches.append(right)
            left.all_flags.append(is_all)
            left.span = self.span(s, e)
            return left
        return _UnionDraft([left, right], [is_all], self.span(s, e))

    def select_core(self, ch, s, e):
        into = where = group_by = having = None
        from_ = None
        for child in ch[2:]:
            if isinstance(child, A.FromClause):
                from_ = child
            elif isinstance(child, A.GroupBy):
                group_by = child
            elif child.tag == "into":
                into = child.value
            elif child.tag == "where":
                where = child.value
            else:
                having = child.value
        assert from_ is not None  # the grammar requires FROM
        return A.Select(ch[1], into, from_, where, group_by, having, self.span(s, e))

    def select_list(self, ch, s, e):
        return tuple(ch)

    def star(self, ch, s, e):
        return A.Star((), self.span(s, e))

    def qualified_star(self, ch, s, e):
        return A.Star(ch[0].parts, self.span(s, e))

    def select_expr(self, ch, s, e):
        return A.SelectExpr(ch[0], None, self.span(s, e))

    def select_alias(self, ch, s, e):
        return A.SelectExpr(ch[0], ch[-1], self.span(s, e))

    def select_assign(self, ch, s, e):
        return A.SelectExpr(ch[2], ch[0], self.span(s, e))

    def alias(self, ch, s, e):
        text, quote = _unquote(ch[0])
        return A.Identifier(text, quote, self.span(s, e))

    name = alias

    def into_clause(self, ch, s, e):
        return _Part("into", ch[1])

    # ---- FROM ------------------------------------------------------------
    def from_clause(self, ch, s, e):
        joins = []
        match = None
        for child in ch[2:]:
            if isinstance(child, A.MatchRecognize):
                match = child
            else:
                joins.append(child)
        return A.FromClause(ch[1], tuple(joins), match, self.span(s, e))

    def source(self, ch, s, e):
        relation = _query(ch[0])
        alias = timestamp_by = shards = None
        partition_by: tuple = ()
        for child in ch[1:]:
            if isinstance(child, A.Identifier):
                alias = child
            elif isinstance(child, A.TimestampBy):
                timestamp_by = child
            elif isinstance(child, _Part):
                partition_by, shards = child.value, child.extra
        return A.Source(relation, alias, timestamp_by, partition_by, shards, self.span(s, e))

    bare_source = source

    def timestamp_by(self, ch, s, e):
        over = ch[4] if len(ch) == 5 else ()
        return A.TimestampBy(ch[2], over, self.span(s, e))

    def partition_by(self, ch, s, e):
        shards = None
        if len(ch) == 5:
            count = float(ch[4].text)   # a NUMBER past float's range reads as infinity: no count
            shards = int(count) if math.isfinite(count) else None
        return _Part("partition", ch[2], shards)

    def join(self, ch, s, e):
        kind = "left" if ch[0].type == "LEFT" else "inner"
        return A.Join(kind, ch[-3], ch[-1], self.span(s, e))

    def cross_join(self, ch, s, e):
        return A.Join("cross", ch[-1], None, self.span(s, e))

    def apply(self, ch, s, e):
        return A.Apply(ch[0].type.lower(), ch[2], ch[-1], self.span(s, e))

    def where_clause(self, ch, s, e):
        return _Part("where", ch[1])

    def having_clause(self, ch, s, e):
        return _Part("having", ch[1])

    def group_by_clause(self, ch, s, e):
        keys = []
        windows = []
        for expr in ch[2]:
            window = _window(expr)
            if window is None:
                keys.append(expr)
            else:
                windows.append(window)
        return A.GroupBy(tuple(keys), tuple(windows), self.span(s, e))

    # ---- MATCH_RECOGNIZE -------------------------------------------------
    def match_recognize(self, ch, s, e):
        limit: tuple = ()
        partition: tuple = ()
        measures: tuple = ()
        defines: tuple = ()
        pattern = ""
        alias = None
        for child in ch[1:]:
            if isinstance(child, A.Identifier):
                alias = child
            elif isinstance(child, _Part):
                if child.tag == "limit":
                    limit = child.value
                elif child.tag == "partition":
                    partition = child.value
                elif child.tag == "measures":
                    measures = child.value
                elif child.tag == "define":
                    defines = child.value
                elif child.tag == "pattern":
                    pattern = child.value
        return A.MatchRecognize(limit, partition, measures, pattern, defines, alias, self.span(s, e))

    def mr_limit(self, ch, s, e):
        return _Part("limit", ch[2])

    def mr_partition(self, ch, s, e):
        return _Part("partition", ch[2])

    def mr_measures(self, ch, s, e):
        return _Part("measures", tuple(ch[1:]))

    def mr_after(self, ch, s, e):
        return _Part("after", None)

    def mr_pattern(self, ch, s, e):
        return _Part("pattern", ch[1])

    def mr_defines(self, ch, s, e):
        return _Part("define", tuple(ch[1:]))

    def mr_measure(self, ch, s, e):
        return A.Measure(ch[0], ch[2], self.span(s, e))

    def mr_define(self, ch, s, e):
        return (ch[0], ch[2])

    def pattern(self, ch, s, e):
        return " ".join(self.text[s:e].split())

    def pattern_seq(self, ch, s, e):
        return None

    pattern_atom = pattern_quant = pattern_seq

    # ---- expressions -----------------------------------------------------
    def expr_list(self, ch, s, e):
        return tuple(ch)

    def or_(self, ch, s, e):
        return A.BoolOp("or", ch[0], ch[2], self.span(s, e))

    def and_(self, ch, s, e):
        return A.BoolOp("and", ch[0], ch[2], self.span(s, e))

    def not_(self, ch, s, e):
        return A.Not(ch[1], self.span(s, e))

    def compare(self, ch, s, e):
        return A.Comparison(ch[1].text, ch[0], ch[2], self.span(s, e))

    def is_null(self, ch, s, e):
        return A.IsNull(ch[0], len(ch) == 4, self.span(s, e))

    def like(self, ch, s, e):
        return A.Like(ch[0], ch[-1], len(ch) == 4, self.span(s, e))

    def between(self, ch, s, e):
        return A.Between(ch[0], ch[-3], ch[-1], len(ch) == 6, self.span(s, e))

    def in_list(self, ch, s, e):
        return A.InList(ch[0], ch[-1], len(ch) == 4, self.span(s, e))

    def binary(self, ch, s, e):
        return A.BinaryOp(ch[1].text, ch[0], ch[2], self.span(s, e))

    def unary(self, ch, s, e):
        return A.UnaryOp(ch[0].text, ch[1], self.span(s, e))

    def member(self, ch, s, e):
        return A.MemberAccess(ch[0], ch[1], self.span(s, e))

    def number(self, ch, s, e):
        text = ch[0].text
        kind = "integer" if text.isdigit() else "float"
        return A.Literal(kind, text, self.span(s, e))

    def string(self, ch, s, e):
        return A.Literal("string", _unquote(ch[0])[0], self.span(s, e))

    def null(self, ch, s, e):
        return A.Literal("null", "NULL", self.span(s, e))

    def paren(self, ch, s, e):
        return A.Paren(ch[0], self.span(s, e))

    def path(self, ch, s, e):
        if len(ch) == 1:
            return A.ColumnRef((ch[0],), self.span(s, e))
        return A.ColumnRef(ch[0].parts + (ch[1],), self.span(s, e))

    def call(self, ch, s, e):
        head = ch[0]
        if isinstance(head, lalr.Token):
            name = (A.Identifier(head.text, "", self.span(head.start, head.end)),)
        else:
            name = head.parts
        args = None
        over = None
        for child in ch[1:]:
            if isinstance(child, A.Over):
                over = child
            else:
                args = child
        if args is None:
            return A.FunctionCall(name, (), False, None, over, self.span(s, e))
        if type(args) is tuple:
            return A.FunctionCall(name, args, False, None, over, self.span(s, e))
        return A.FunctionCall(name, args.exprs, args.star, args.quantifier, over, self.span(s, e))

    def args_star(self, ch, s, e):
        return _Args((), star=True)

    def args_distinct(self, ch, s, e):
        return _Args((ch[1],), quantifier="distinct")

    def args_all(self, ch, s, e):
        return _Args((ch[1],), quantifier="all")

    def over_clause(self, ch, s, e):
        partition = order = limit = ()
        when = None
        for child in ch[1:]:
            if child.tag == "partition":
                partition = child.value
            elif child.tag == "order":
                order = child.value
            elif child.tag == "limit":
                limit = child.value
            else:
                when = child.value
        return A.Over(partition, order, limit, when, self.span(s, e))

    def over_partition(self, ch, s, e):
        return _Part("partition", ch[2])

    def over_order(self, ch, s, e):
        return _Part("order", tuple(ch[2:]))

    def order_item(self, ch, s, e):
        descending = len(ch) == 2 and ch[1].type == "DESC"
        return A.OrderItem(ch[0], descending, self.span(s, e))

    def over_limit(self, ch, s, e):
        return _Part("limit", ch[2])

    def over_when(self, ch, s, e):
        return _Part("when", ch[1])

    def case_expr(self, ch, s, e):
        operand = else_ = None
        whens = []
        items = ch[1:-1]
        for index, child in enumerate(items):
            if isinstance(child, A.When):
                whens.append(child)
            elif isinstance(child, lalr.Token):  # ELSE
                else_ = items[index + 1]
                break
            else:
                operand = child
        return A.Case(operand, tuple(whens), else_, self.span(s, e))

    def case_when(self, ch, s, e):
        return A.When(ch[1], ch[3], self.span(s, e))

    def cast_expr(self, ch, s, e):
        return A.Cast(ch[1], ch[3], ch[0].type == "TRY_CAST", self.span(s, e))

    def type_name(self, ch, s, e):
        argument = ch[1].text if len(ch) == 2 else None
        return A.TypeName(ch[0].text, argument, self.span(s, e))


def _window(expr: A.Expr) -> A.Window | None:
    """A GROUP BY item that is a window (or a snapshot, `System.Timestamp()`), else None."""
    if isinstance(expr, A.ColumnRef):
        if (len(expr.parts) == 2 and expr.parts[0].text.lower() == "system"
                and expr.parts[1].text.lower() == "timestamp"):
            return A.Window("snapshot", None, (), (), expr.span)
        return None
    if not isinstance(expr, A.FunctionCall):
        return None
    name = expr.lowered_name
    if name == "system.timestamp":
        return A.Window("snapshot", expr, (), (), expr.span)
    kind = WINDOW_KINDS.get(name)
    if kind is None:
        return None
    if kind != "windows":
        return A.Window(kind, expr, (), (), expr.span)
    members = []
    ids = []
    for arg in expr.args:
        window_id = None
        if isinstance(arg, A.FunctionCall) and arg.lowered_name == "window" and len(arg.args) == 2:
            first = arg.args[0]
            window_id = first.value if isinstance(first, A.Literal) else None
            arg = arg.args[1]
        member = _window(arg)
        if member is not None:
            members.append(member)
            ids.append(window_id)
    return A.Window("windows", expr, tuple(members), tuple(ids), expr.span)


def parse_query(text: str, file: str | None = None) -> A.Script:
    """Parse a whole query text (see module doc). Raises QuerySyntaxError naming `file`."""
    try:
        return _parse(text)
    except QuerySyntaxError as error:
        error.file = file
        raise


def _parse(text: str) -> A.Script:
    text = normalize_source(text)
    lines = lalr.LineMap(text, A.Span)
    builder = _Builder(lines)
    callbacks = [getattr(builder, name, None) for _lhs, _size, name, _keep, mode, _splice in RULES]
    try:
        return lalr.parse(text, LANGUAGE, callbacks)
    except lalr.LexFailure as failure:
        raise _lex_error(failure, text, lines) from None
    except lalr.ParseFailure as failure:
        raise _parse_error(failure, text, lines) from None
    except RecursionError:
        raise QuerySyntaxError("the query nests too deeply to analyse", 1, 1, 2, "", (), lines.line_text(1)) from None


# ---- syntax errors in words -------------------------------------------------

_WORDS = {
    "NAME": "a name", "BRACKET_ID": "a name", "DQ_ID": "a name", "STRING": "a 'string'",
    "NUMBER": "a number", "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "DOT": "'.'",
    "SEMICOLON": "';'", "STAR": "'*'", "PLUS": "'+'", "MINUS": "'-'", "SLASH": "'/'",
    "PERCENT": "'%'", "TILDE": "'~'", "BIT_OP": "'&', '|' or '^'", "EQ": "'='",
    "COMP_OP": "a comparison", "QMARK": "'?'", "LBRACE": "'{'", "RBRACE": "'}'", "VBAR": "'|'",
    "$END": "the end of the query", "KEYS_OVER": "OVER",
}
_NAMES = frozenset({"NAME", "BRACKET_ID", "DQ_ID"})
_EXPRESSION_STARTS = frozenset({"NAME", "NUMBER", "STRING", "LPAR", "CASE", "CAST", "NULL"})
_EXPRESSION_EXTRAS = frozenset({"BRACKET_ID", "DQ_ID", "MINUS", "PLUS", "TILDE", "LEFT", "TRY_CAST", "NOT"})
# Clauses that may follow the source of a SELECT but not a UNION branch written without SELECT.
_CLAUSES_AFTER_SOURCE = frozenset({"WHERE", "GROUP", "HAVING", "JOIN", "INNER", "LEFT", "CROSS", "OUTER", "FROM",
                                   "MATCH_RECOGNIZE"})
_OPERATORS = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "BIT_OP", "COMP_OP", "EQ"})
# Keywords worth naming when they are among many possibilities, most telling first.
_CLAUSE_ORDER = ("FROM", "INTO", "AS", "BY", "ON", "THEN", "END", "AND", "OR", "BETWEEN", "LIKE",
                 "IN", "IS", "JOIN", "APPLY", "WHERE", "GROUP", "HAVING", "UNION", "SELECT", "WITH",
                 "CREATE", "TABLE", "DURATION", "WHEN", "ELSE")
# Tokens after which an expression must come, and how to name them.
_EXPRESSION_AFTER = {"COMMA": "','", "LPAR": "'('", "WHERE": "WHERE", "ON": "ON", "HAVING": "HAVING",
                     "WHEN": "WHEN", "THEN": "THEN", "ELSE": "ELSE", "AND": "AND", "OR": "OR",
                     "NOT": "NOT", "BY": "BY", "SELECT": "SELECT", "EQ": "'='", "COMP_OP": "the comparison",
                     "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "PERCENT": "'%'",
                     "BIT_OP": "the operator", "LIKE": "LIKE", "BETWEEN": "BETWEEN", "CASE": "CASE"}
_NAME_AFTER = {"FROM": "an input or step name after FROM", "JOIN": "an input or step name after JOIN",
               "INTO": "the output name after INTO", "AS": "a name after AS", "WITH": "a step name after WITH",
               "APPLY": "GetArrayElements(...) or GetRecordProperties(...) after APPLY",
               "DOT": "a name after '.'", "TABLE": "the input name after CREATE TABLE"}


def terminal_words(name: str) -> str:
    """How a terminal is named to a user: a keyword as itself, anything else in words."""
    return _WORDS.get(name, name)


def _describe_token(token: lalr.Token) -> str:
    if token.type == "$END":
        return "the end of the query"
    text = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return f"'{text}'"


def _expected_words(expected: frozenset[str]) -> list[str]:
    terminals = set(expected)
    words = []
    if len(terminals & _EXPRESSION_STARTS) >= 3:
        words.append("an expression")
        terminals -= _EXPRESSION_STARTS | _EXPRESSION_EXTRAS
    if len(terminals & _OPERATORS) >= 3:
        words.append("an operator")
        terminals -= _OPERATORS
    if terminals & _NAMES:
        words.append("a name")
        terminals -= _NAMES
    for keyword in _CLAUSE_ORDER:
        if keyword in terminals:
            words.append(keyword)
            terminals.discard(keyword)
    for terminal in sorted(terminals, key=lambda t: (t == "$END", t)):
        word = terminal_words(terminal)
        if word not in words:
            words.append(word)
    return words


def _last_token(values: list) -> lalr.Token | None:
    """The token just before the error, when the parser has not folded it into a node."""
    if values and isinstance(values[-1], lalr.Token):
        return values[-1]
    return None


def _open_token(values: list, kind: str) -> lalr.Token | None:
    """The innermost still-open `kind` token ('(' or CASE): closed ones sit inside nodes."""
    for value in reversed(values):
        if isinstance(value, lalr.Token) and value.type == kind:
            return value
    return None


def _bare_union_branch(values: list, lines: lalr.LineMap) -> tuple[A.Identifier | lalr.Token, int, int] | None:
    """The input or step name that opens a UNION branch written without SELECT
    (`UNION step2 ...`), with its line and column, when the parser is inside one."""
    for index in range(len(values) - 1, -1, -1):
        value = values[index]
        if isinstance(value, lalr.Token) and value.type == "UNION":
            break
    else:
        return None
    after = values[index + 1:]
    if after and isinstance(after[0], lalr.Token) and after[0].type == "ALL":
        after = after[1:]
    if not after:
        return None
    word = after[0]
    if isinstance(word, lalr.Token) and word.type in _NAMES:
        line, column = lines.position(word.start)
        return word, line, column
    if isinstance(word, A.Source) and isinstance(word.relation, A.Identifier):
        word = word.relation
    if isinstance(word, A.Identifier):
        return word, word.span.line, word.span.column
    return None


def _as_written(name: A.Identifier | lalr.Token) -> str:
    if isinstance(name, lalr.Token) or not name.quote:
        return name.text
    if name.quote == "[":
        return "[" + name.text.replace("]", "]]") + "]"
    return '"' + name.text.replace('"', '""') + '"'


def _after_cross_join(values: list) -> bool:
    """Whether the parser is in the source of a CROSS JOIN."""
    for index in range(len(values) - 1, 0, -1):
        value = values[index]
        if isinstance(value, lalr.Token) and value.type == "JOIN":
            previous = values[index - 1]
            return isinstance(previous, lalr.Token) and previous.type == "CROSS"
    return False


def _misspelled_select(word: A.Identifier | lalr.Token) -> bool:
    """A plain name that looks like a misspelled SELECT."""
    from difflib import get_close_matches

    if (isinstance(word, A.Identifier) and word.quote) or (isinstance(word, lalr.Token) and word.type != "NAME"):
        return False
    lowered = word.text.lower()
    return lowered != "select" and abs(len(lowered) - 6) <= 1 and bool(get_close_matches(lowered, ["select"],
                                                                                         cutoff=0.75))


def _suggest_keyword(word: str, expected: frozenset[str]) -> str | None:
    from difflib import get_close_matches

    candidates = [k for k, t in KEYWORDS.items() if t in expected]
    match = get_close_matches(word.lower(), candidates, n=1, cutoff=0.75)
    return match[0].upper() if match else None


def _parse_error(failure: lalr.ParseFailure, text: str, lines: lalr.LineMap) -> QuerySyntaxError:
    token = failure.token
    expected = failure.expected
    values = failure.values
    found = _describe_token(token)
    previous = _last_token(values)
    at_end = token.type == "$END"
    offset = failure.last_end if at_end else token.start
    line, column = lines.position(offset)
    end_column = column + (1 if at_end else max(1, len(token.text.split("\n", 1)[0])))

    def place(opener: lalr.Token) -> str:
        opener_line, opener_column = lines.position(opener.start)
        return f"line {opener_line}, column {opener_column}"

    bare = _bare_union_branch(values, lines)
    if bare is not None and _misspelled_select(bare[0]):
        # `UNION SELET a FROM i`: SELET reads as the input of a branch written without
        # SELECT (`UNION step2`), and the error only shows further on; point at it.
        word, line, column = bare[0].text, bare[1], bare[2]
        return QuerySyntaxError(f"expected SELECT after UNION, found '{word}'; did you mean SELECT?",
                                line, column, column + len(word), f"'{word}'", ("SELECT", "'('", "a name"),
                                lines.line_text(line))
    if previous is not None and previous.type == "NAME" and len(failure.states) > 1:
        # `SELECT a FRM i`: the misspelled keyword was taken as an alias and the error
        # only shows at the next word; point at the misspelling instead.
        before = lalr.viable_terminals(LANGUAGE, "start", failure.states[:-1])
        suggestion = _suggest_keyword(previous.text, before)
        if suggestion is not None:
            line, column = lines.position(previous.start)
            if suggestion == "FROM" and "INTO" in before:
                message = f"expected FROM after the select list, found '{previous.text}'"
            else:
                message = f"expected {lalr.either(_expected_words(before)[:6])}, found '{previous.text}'"
            return QuerySyntaxError(f"{message}; did you mean {suggestion}?", line, column,
                                    column + len(previous.text), f"'{previous.text}'",
                                    tuple(_expected_words(before)), lines.line_text(line))
    open_paren = _open_token(values, "LPAR")
    open_case = _open_token(values, "CASE")
    word = token.text.upper()
    hint = ""
    if "FROM" in expected and ("INTO" in expected or "COMMA" in expected):
        message = f"expected FROM after the select list, found {found}"
        if token.type in _NAMES and (previous is None or previous.type in _NAMES):
            hint = "; a name right after a column is read as its alias: is a ',' or an operator missing?"
    elif (previous is not None and previous.type == "COMMA" and expected & _NAMES
          and token.type in ("FROM", "INTO", "WHERE", "GROUP", "HAVING")):
        message = f"expected a column or expression after ',', found {found}"
        hint = f"; remove the ',' before {word}"
    elif "RPAR" in expected and open_paren is not None:
        message = f"expected ')' to close the '(' at {place(open_paren)}, found {found}"
    elif token.type == "RPAR" and open_paren is None:
        message = "unexpected ')': no '(' is open here"
    elif "END" in expected and open_case is not None:
        message = f"expected WHEN, ELSE or END to finish the CASE at {place(open_case)}, found {found}"
    elif previous is not None and previous.type in _NAME_AFTER and expected & _NAMES:
        message = f"expected {_NAME_AFTER[previous.type]}, found {found}"
    elif previous is not None and previous.type in ("GROUP", "PARTITION", "TIMESTAMP", "ORDER") and "BY" in expected:
        message = f"expected BY after {previous.text.upper()}, found {found}"
    elif previous is not None and previous.type in _EXPRESSION_AFTER and len(expected & _EXPRESSION_STARTS) >= 3:
        message = f"expected an expression after {_EXPRESSION_AFTER[previous.type]}, found {found}"
    elif at_end:
        message = f"the query ends too early: expected {lalr.either(_expected_words(expected)[:6])}"
    else:
        message = f"expected {lalr.either(_expected_words(expected)[:6])}, found {found}"
    if not hint and bare is not None and open_paren is None and token.type in _CLAUSES_AFTER_SOURCE:
        hint = (f"; a UNION branch without SELECT is only an input or step name: write "
                f"UNION SELECT * FROM {_as_written(bare[0])} ... {word} ...")
    if not hint and token.type == "ON" and _after_cross_join(values):
        hint = "; CROSS JOIN takes no ON: to join on a condition write JOIN ... ON ..."
    if not hint and token.type == "NAME":
        suggestion = _suggest_keyword(token.text, expected)
        if suggestion is not None:
            hint = f"; did you mean {suggestion}?"
    name_required = previous is not None and (previous.type in _NAME_AFTER or previous.type in _EXPRESSION_AFTER)
    if not hint and name_required and token.text.lower() in RESERVED_WORDS and expected & _NAMES:
        hint = f"; {word} is a reserved word: write [{token.text}] to use it as a name"
    words = tuple(_expected_words(expected))
    return QuerySyntaxError(message + hint, line, column, end_column, found, words, lines.line_text(line))


_LEX_MESSAGES = {
    "open_string": "unterminated string: the quote ' is never closed",
    "open_bracket": "unterminated [name]: the '[' is never closed by ']'",
    "open_dq": 'unterminated "name": the double quote is never closed',
    "open_comment": "unterminated comment: '/*' is never closed by '*/'",
}


def _lex_error(failure: lalr.LexFailure, text: str, lines: lalr.LineMap) -> QuerySyntaxError:
    line, column = lines.position(failure.start)
    if failure.kind in _LEX_MESSAGES:
        message = _LEX_MESSAGES[failure.kind]
        found = text[failure.start:failure.start + 2]
    else:
        char = text[failure.start]
        printable = char.isprintable() and not char.isspace()
        found = f"'{char}'" if printable else f"U+{ord(char):04X}"
        message = f"unexpected character {found}"
        if char == "#":
            message += "; ASA has no # comments, use -- or /* */"
        elif char == "\x00":
            message += " (a NUL byte): is this a binary file?"
    return QuerySyntaxError(message, line, column, column + 1, found, (), lines.line_text(line))
