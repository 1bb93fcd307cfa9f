"""Property-based tests (hypothesis) for the ASA query parser and analyzer.

1. Random mutations of real queries never raise anything but QuerySyntaxError from
   `parse_query`, and `analyze` never raises; an SC001 points inside the text.
2. No syntax error message (nor any of its `expected` words) names a grammar-internal
   terminal, a Python exception class or a token repr.
3. Parsing is deterministic.
4. Queries built from a small valid grammar parse, and `analyze` reports one output
   per statement with one column per select item, placed at that item's text.
5. A comment between two tokens changes nothing but positions.
6. Every sentence of grammars/asaql.lark (tokens separated by whitespace or comments)
   parses and analyses without SC001.

The seeds are the corpus queries (../shared, optional) plus the queries written below,
so the file also runs in a clone without ../shared.
"""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schemacheck.asa import _tables
from schemacheck.asa.analysis import analyze
from schemacheck.asa.parser import QuerySyntaxError, parse_query

from conftest import corpus_queries

# ---- seeds ---------------------------------------------------------------------------

OWN_SEEDS = (
    # WITH steps, a JOIN with DATEDIFF, TIMESTAMP BY, comments.
    """-- readings joined with their calibration
WITH Readings AS (
    SELECT sensorId, reading, eventTime
    FROM telemetry TIMESTAMP BY eventTime
    WHERE reading IS NOT NULL
),
Calibrations AS (
    SELECT sensorId, offsetValue, changedAt FROM calibration TIMESTAMP BY changedAt
)
SELECT r.sensorId, r.reading + c.offsetValue AS corrected, /* inline */ r.eventTime
INTO [corrected-output]
FROM Readings r
JOIN Calibrations c
  ON r.sensorId = c.sensorId
 AND DATEDIFF(second, r, c) BETWEEN 0 AND 30
""",
    # CROSS APPLY GetArrayElements, GROUP BY TumblingWindow, CASE, CAST.
    """SELECT
    d.deviceName,
    CAST(item.ArrayValue.level AS float) AS lvl,
    CASE WHEN COUNT(*) > 10 THEN 'busy' WHEN COUNT(*) = 0 THEN 'idle' ELSE 'normal' END AS load,
    System.Timestamp() AS windowEnd
INTO summary
FROM devices d
CROSS APPLY GetArrayElements(d.items) AS item
WHERE d.kind IN ('pump', 'valve') AND NOT d.disabled = 1
GROUP BY d.deviceName, CAST(item.ArrayValue.level AS float), TumblingWindow(minute, 5)
HAVING AVG(d.pressure) >= 2.5
""",
    # LAG ... OVER with LIMIT DURATION, UNION, double-quoted and bracketed names.
    """SELECT "plant id" AS plantId,
       LAG(temperature, 1) OVER (PARTITION BY "plant id" LIMIT DURATION(minute, 5)) AS previousTemp,
       [temp reading] - 273.15 AS celsius
INTO [history]
FROM plantFeed
UNION
SELECT "plant id", NULL, TRY_CAST([temp reading] AS bigint) FROM backupFeed;
""",
    # CREATE TABLE then a query over it, LIKE, string escapes, N'' strings, modulo.
    """CREATE TABLE orders (orderId bigint, customer nvarchar(max), total float, placedAt datetime);
SELECT orderId, UPPER(customer) AS customerUpper, total % 7 AS bucket,
       N'it''s' AS note, -total * 2 AS negated
INTO orderFacts
FROM orders TIMESTAMP BY placedAt
WHERE customer LIKE 'A%' OR total BETWEEN 10 AND 100;
""",
    # MATCH_RECOGNIZE with PATTERN and DEFINE.
    """SELECT *
INTO alerts
FROM doorEvents TIMESTAMP BY ts
MATCH_RECOGNIZE (
    LIMIT DURATION(second, 30)
    PARTITION BY doorId
    MEASURES Opened.doorId AS door, Classifier() AS kind
    AFTER MATCH SKIP TO NEXT ROW
    PATTERN (Opened Held+ Closed?)
    DEFINE
        Opened AS Opened.state = 'open',
        Held AS Held.state = 'open' AND Held.seconds > 10,
        Closed AS Closed.state = 'closed'
) AS m
""",
    # Hopping window, bitwise operators, nested parentheses, LEFT OUTER JOIN.
    """/* block
   comment */
SELECT a.id, (a.flags & 4) | (b.flags ^ 1) AS mixed, COUNT(DISTINCT a.kind) AS kinds
INTO [out 2]
FROM inputA a TIMESTAMP BY a.t
LEFT OUTER JOIN inputB b TIMESTAMP BY b.t
  ON a.id = b.id AND DATEDIFF(minute, a, b) BETWEEN 0 AND 5
GROUP BY a.id, HoppingWindow(Duration(hour, 1), Hop(minute, 10))
""",
)


def _read(path) -> str:
    return path.read_text(encoding="utf-8")


SEEDS = tuple(_read(p) for p in corpus_queries()) + OWN_SEEDS

# ---- mutation vocabulary ---------------------------------------------------------------

_KEYWORD_WORDS = sorted(_tables.KEYWORDS)
VOCABULARY = tuple(
    [w.upper() for w in _KEYWORD_WORDS]
    + [w.lower() for w in _KEYWORD_WORDS]
    + list("(),.;*+-/%=<>~&|^'\"[]{}?")
    + ["<>", "!=", "<=", ">=", "!<", "!>", "--", "/*", "*/", "N'", "''", "]]", '""']
    + ["0", "1", "42", "3.14", ".5", "1e10", "2E-3", "007", "1.", "99999999999999999999"]
    + ["x", "foo", "Input", "System", "Timestamp", "TumblingWindow", "GetArrayElements", "RPAR",
       "NAME", "$END", "__ANON_0", "Token", "over", "OVER", "timestamp", "partition", "limit"]
    + ["é", "ß", "名前", "Ωmega", "\u00a0", "\u2028", "\ufeff", "\u200b"]
    + ["\x00", "\t", "\r", "\r\n", "\n", " ", "\x0b", "\x0c", "#", "@", "$", "`", "\\", "!"]
    + ["😀", "🚀x", "a😀b"]
)

# ---- internal names that must never reach a user -----------------------------------

INTERNAL_TERMINALS = frozenset(_tables.TERMINALS) - frozenset(_tables.KEYWORDS.values())
assert {"RPAR", "LPAR", "COMMA", "NAME", "$END", "KEYS_OVER"} <= INTERNAL_TERMINALS
_INTERNAL_NAME = re.compile(
    r"(?<![\w$])(?:" + "|".join(re.escape(t) for t in sorted(INTERNAL_TERMINALS, key=len, reverse=True))
    + r")(?![\w$])"
)
_PYTHON_LEAK = re.compile(
    r"__|Token\(|Traceback|\b\w*(?:Error|Exception|Failure)\b|<[\w.]+ object at|\bNone\b"
)


def internal_leaks(text: str) -> list[str]:
    """Internal names or Python leaks in `text` (case-sensitive: "a name" is a word)."""
    return _INTERNAL_NAME.findall(text) + _PYTHON_LEAK.findall(text)


def check_error_words(error: QuerySyntaxError) -> None:
    message = error.message
    if error.found:
        # The message may quote the user's own text; that is not ours to check.
        message = message.replace(error.found, "<found>")
    assert not internal_leaks(message), (message, internal_leaks(message))
    assert not internal_leaks(str(error).replace(error.found, "<found>") if error.found else str(error))
    for word in error.expected:
        assert isinstance(word, str) and word
        assert not internal_leaks(word), (word, error.expected)


def normalized_lines(text: str) -> list[str]:
    """The lines the parser counts: a leading BOM dropped, CRLF and CR turned into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_error_position(error: QuerySyntaxError, text: str) -> None:
    lines = normalized_lines(text)
    assert 1 <= error.line <= len(lines), (error.line, len(lines), str(error))
    assert error.source_line == lines[error.line - 1], (error.source_line, lines[error.line - 1])
    assert 1 <= error.column <= len(error.source_line) + 1, (error.column, error.source_line, str(error))
    assert error.end_column > error.column
    assert str(error) == f"line {error.line}, column {error.column}: {error.message}"


def flatten(node, spans: bool = True) -> list:
    """An AST as a flat list (iteratively: a deeply nested query would overflow repr());
    without its Spans when `spans` is false: what the AST says, not where."""
    out = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            if not spans and type(item).__name__ == "Span":
                continue
            out.append((type(item).__name__, len(item)))
            stack.extend(reversed(item))
        else:
            out.append(item)
    return out


def parse_outcome(text: str):
    """Something comparable that says what parsing `text` did."""
    try:
        return ("ok", flatten(parse_query(text)))
    except QuerySyntaxError as error:
        return ("error", error.message, error.line, error.column, error.end_column, error.found,
                error.expected, error.source_line)


# ---- mutations --------------------------------------------------------------------------

def _slice(draw, text: str) -> tuple[int, int]:
    if not text:
        return 0, 0
    start = draw(st.integers(0, len(text)))
    length = draw(st.integers(0, min(40, len(text) - start)))
    return start, start + length


@st.composite
def mutation(draw, text: str) -> str:
    kind = draw(st.sampled_from(
        ["delete", "duplicate", "insert", "insert", "insert", "swap", "replace", "truncate", "case"]))
    if kind == "delete":
        a, b = _slice(draw, text)
        return text[:a] + text[b:]
    if kind == "duplicate":
        a, b = _slice(draw, text)
        at = draw(st.integers(0, len(text)))
        return text[:at] + text[a:b] + text[at:]
    if kind == "insert":
        at = draw(st.integers(0, len(text)))
        token = draw(st.sampled_from(VOCABULARY))
        pad_before = draw(st.sampled_from(["", " "]))
        pad_after = draw(st.sampled_from(["", " "]))
        return text[:at] + pad_before + token + pad_after + text[at:]
    if kind == "swap":
        p, q, r, t = sorted(draw(st.lists(st.integers(0, len(text)), min_size=4, max_size=4)))
        return text[:p] + text[r:t] + text[q:r] + text[p:q] + text[t:]
    if kind == "replace":
        if not text:
            return draw(st.characters())
        at = draw(st.integers(0, len(text) - 1))
        char = draw(st.one_of(st.characters(), st.sampled_from(list("()[]'\";,.*-/\x00\r\n"))))
        return text[:at] + char + text[at + 1:]
    if kind == "truncate":
        return text[:draw(st.integers(0, len(text)))]
    a, b = _slice(draw, text)
    change = draw(st.sampled_from([str.upper, str.lower, str.swapcase]))
    return text[:a] + change(text[a:b]) + text[b:]


@st.composite
def mutated_queries(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 5))):
        text = draw(mutation(text))
    return text


TRICKY = (
    "",
    "-- only a comment",
    "/* only a block comment */",
    "SELECT 'unterminated FROM i",
    "SELECT [unterminated FROM i",
    'SELECT "unterminated FROM i',
    "SELECT a FROM i /* unterminated",
    ")",
    "SELECT",
    "\x00",
    "SELECT a FROM i\x00",
    "\ufeff",
    "\r\n\r\n)",
    "SELECT a\rFROM\r",
    "SELECT RPAR FROM",
    "SELECT a FROM i WHERE",
    "SELECT a, FROM i",
    "SELECT CASE WHEN a THEN b FROM i",
    "SELECT f(a FROM i",
    "WITH s AS (SELECT a FROM i) ",
    "SELECT a FROM i TIMESTAMP BY t OVER",
    "SELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM i",
    "SELECT --1 FROM i",
    "SELECT " + " + ".join(["a"] * 3000) + " AS s FROM i",
)


def _with_examples(test):
    for text in TRICKY:
        test = example(text)(test)
    return test


def run_parse(text: str) -> QuerySyntaxError | None:
    """parse_query either returns or raises QuerySyntaxError (any other exception fails)."""
    try:
        parse_query(text)
    except QuerySyntaxError as error:
        return error
    return None


# ---- 1 + 2 + 3: mutated queries ------------------------------------------------------------

MUTATION_SETTINGS = settings(max_examples=300, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_with_examples
@MUTATION_SETTINGS
@given(mutated_queries())
def test_mutated_queries_parse_or_raise_our_syntax_error(text):
    error = run_parse(text)
    if error is not None:
        assert isinstance(error.message, str) and error.message
        check_error_position(error, text)


@_with_examples
@MUTATION_SETTINGS
@given(mutated_queries())
def test_analyze_never_raises_and_places_sc001_inside_the_text(text):
    result = analyze(text, file="q.asaql")
    lines = normalized_lines(text)
    for diagnostic in result.diagnostics:
        assert diagnostic.code and diagnostic.severity and diagnostic.message
        if diagnostic.code == "SC001":
            assert 1 <= diagnostic.line <= len(lines) + 1, (diagnostic, len(lines))
            assert diagnostic.column >= 1, diagnostic
            assert result.outputs == ()
    syntax = [d for d in result.diagnostics if d.code == "SC001"]
    assert len(syntax) <= 1
    if run_parse(text) is not None:
        assert len(syntax) == 1


@_with_examples
@MUTATION_SETTINGS
@given(mutated_queries())
def test_syntax_errors_never_show_internal_names(text):
    error = run_parse(text)
    if error is not None:
        check_error_words(error)


@_with_examples
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_queries())
def test_parsing_is_deterministic(text):
    assert parse_outcome(text) == parse_outcome(text)
    first, second = analyze(text), analyze(text)
    assert flatten(first) == flatten(second)


@pytest.mark.parametrize("seed", OWN_SEEDS, ids=range(len(OWN_SEEDS)))
def test_own_seeds_are_valid_queries(seed):
    result = analyze(seed)
    assert not [d for d in result.diagnostics if d.code == "SC001"], result.diagnostics
    assert len(result.outputs) == 1


def test_the_internal_name_check_catches_what_it_should():
    assert internal_leaks("expected RPAR, found 'x'")
    assert internal_leaks("expected $END")
    assert internal_leaks("expected __ANON_3")
    assert internal_leaks("Token(NAME, 'x', 3)")
    assert internal_leaks("ParseFailure: boom")
    assert not internal_leaks("expected FROM after the select list, found <found>")
    assert not internal_leaks("expected a name, ')' or the end of the query")
    assert not internal_leaks("expected OVER")


def test_the_quoted_found_text_may_be_an_internal_name():
    error = run_parse("SELECT a b RPAR FROM i")
    assert error is not None and "RPAR" in error.found
    check_error_words(error)


# ---- 4: valid-by-construction queries ----------------------------------------------------

_RESERVED_LIKE = frozenset(_tables.KEYWORDS) | {"over", "keys_over"}
plain_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda n: n.lower() not in _RESERVED_LIKE)
bracket_names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                        min_size=1, max_size=8).map(lambda s: "[" + s.replace("]", "]]") + "]")
dq_names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                   min_size=1, max_size=8).map(lambda s: '"' + s.replace('"', '""') + '"')
names = st.one_of(plain_names, plain_names, plain_names, bracket_names, dq_names)
columns = st.one_of(names, st.builds(lambda a, b: f"{a}.{b}", names, names))
numbers = st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["1.5", "0.25", ".5", "3e2", "2.0E-3"]))
strings = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
                  max_size=8).map(lambda s: "'" + s.replace("'", "''") + "'")
types = st.sampled_from(["bigint", "float", "nvarchar(max)", "datetime", "bit", "record", "array",
                         "BIGINT", "NVARCHAR(MAX)"])
units = st.sampled_from(["second", "minute", "hour", "day", "ss", "mi"])
space = st.sampled_from([" ", " ", " ", "\n", "  ", "\n    ", "\t", " /* note */ ", " -- note\n"])


def _not_signed(text: str) -> str:
    """Keep `-` + a negative operand from becoming the `--` comment."""
    return f"({text})" if text.startswith(("-", "+")) else text


_atoms = st.one_of(columns, columns, numbers, strings, st.sampled_from(["NULL", "COUNT(*)", "System.Timestamp()"]))


@functools.lru_cache(maxsize=None)
def values_at(depth: int) -> st.SearchStrategy[str]:
    """Value expressions (arithmetic, calls, CAST, CASE) nested at most `depth` deep."""
    if depth == 0:
        return _atoms
    children = values_at(depth - 1)
    binary = st.builds(lambda a, op, b: f"{a} {op} {_not_signed(b)}", children,
                       st.sampled_from(["+", "-", "*", "/", "%", "&", "|", "^"]), children)
    unary = st.builds(lambda op, a: f"{op}{_not_signed(a)}", st.sampled_from(["-", "+", "~"]), children)
    paren = children.map(lambda a: f"({a})")
    one_arg = st.builds(lambda f, a: f"{f}({a})", st.sampled_from(
        ["UPPER", "LOWER", "LEN", "ABS", "SUM", "AVG", "MAX", "MIN", "udf.score", "ROUND"]), children)
    two_args = st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(["CONCAT", "ROUND", "POWER", "COALESCE"]),
                         children, children)
    dateadd = st.builds(lambda u, n, a: f"DATEADD({u}, {n}, {a})", units, numbers, children)
    cast = st.builds(lambda c, a, t: f"{c}({a} AS {t})", st.sampled_from(["CAST", "TRY_CAST", "cast"]), children, types)
    whens = st.lists(st.tuples(children, children), min_size=1, max_size=3)
    simple_case = st.builds(
        lambda operand, pairs, otherwise: "CASE " + operand + " " + " ".join(f"WHEN {w} THEN {t}" for w, t in pairs)
        + (f" ELSE {otherwise}" if otherwise else "") + " END",
        children, whens, st.none() | children)
    searched_case = st.builds(
        lambda pairs, otherwise: "CASE " + " ".join(f"WHEN {w} THEN {t}" for w, t in pairs)
        + (f" ELSE {otherwise}" if otherwise else "") + " END",
        st.lists(st.tuples(conditions_at(depth - 1), children), min_size=1, max_size=2), st.none() | children)
    analytic = st.builds(
        lambda f, a, keys, u, n: f"{f}({a}) OVER (PARTITION BY {', '.join(keys)} LIMIT DURATION({u}, {n}))",
        st.sampled_from(["LAG", "LAST", "ISFIRST"]), children, st.lists(columns, min_size=1, max_size=2), units,
        st.integers(1, 60))
    return st.one_of(children, binary, unary, paren, one_arg, two_args, dateadd, cast, simple_case, searched_case,
                     analytic)


@functools.lru_cache(maxsize=None)
def conditions_at(depth: int) -> st.SearchStrategy[str]:
    """Boolean expressions (comparisons, IS NULL, LIKE, BETWEEN, IN, AND/OR/NOT) over values."""
    operand = values_at(min(depth, 1))
    negation = st.sampled_from(["", "NOT "])
    compare = st.builds(lambda a, op, b: f"{a} {op} {b}", operand,
                        st.sampled_from(["=", "<>", "!=", "<", "<=", ">", ">="]), operand)
    is_null = st.builds(lambda a, n: f"{a} IS {n}NULL", operand, negation)
    like = st.builds(lambda a, n, s: f"{a} {n}LIKE {s}", operand, negation, strings)
    between = st.builds(lambda a, n, lo, hi: f"{a} {n}BETWEEN {lo} AND {hi}", operand, negation, operand, operand)
    in_list = st.builds(lambda a, n, items: f"{a} {n}IN ({', '.join(items)})", operand, negation,
                        st.lists(operand, min_size=1, max_size=3))
    base = st.one_of(compare, is_null, like, between, in_list)
    if depth == 0:
        return base
    inner = conditions_at(depth - 1)
    return st.one_of(
        base,
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["AND", "OR", "and", "Or"]), inner),
        inner.map(lambda a: f"NOT {a}"),
        inner.map(lambda a: f"({a})"),
    )


values = values_at(2)
conditions = conditions_at(2)


def unquote(name: str) -> str:
    """A generated name or alias as ASA reads it."""
    if name[:1] == "[":
        return name[1:-1].replace("]]", "]")
    if name[:1] in "\"'":
        quote = name[0]
        return name[1:-1].replace(quote * 2, quote)
    return name


@st.composite
def select_items(draw) -> tuple[str, str | None]:
    """(select item text, its alias as ASA reads it or None)."""
    expr = draw(values)
    form = draw(st.sampled_from(["bare", "as", "implicit", "assign"]))
    alias = draw(st.one_of(names, strings.filter(lambda s: len(s) > 2)))
    if form == "bare":
        return expr, None
    if form == "as":
        return f"{expr} AS {alias}", unquote(alias)
    if form == "implicit":
        return f"{expr} {alias}", unquote(alias)
    if alias.startswith("'"):
        alias = draw(names)
    return f"{alias} = {expr}", unquote(alias)


@st.composite
def statements(draw):
    """(statement text, [(offset, alias) of its select items], output name or None)."""
    parts: list[str] = []
    step_name = None
    if draw(st.booleans()):
        step_name = draw(plain_names)
        step_items = [item for item, _alias in draw(st.lists(select_items(), min_size=1, max_size=3))]
        parts.append(f"WITH {step_name} AS (\n    SELECT {', '.join(step_items)} FROM {draw(plain_names)}\n)\n")
    parts.append(draw(st.sampled_from(["SELECT", "select", "Select"])) + draw(space))
    items = draw(st.lists(select_items(), min_size=1, max_size=6))
    offsets = []
    for index, (item, alias) in enumerate(items):
        if index:
            parts.append("," + draw(space))
        offsets.append((sum(map(len, parts)), alias))
        parts.append(item)
    output = None
    if draw(st.booleans()):
        output = draw(plain_names)
        parts.append(f"{draw(space)}INTO {draw(st.sampled_from(['[' + output + ']', output]))}")
    source = step_name or draw(plain_names)
    parts.append(f"{draw(space)}FROM {source}")
    if draw(st.booleans()):
        parts.append(f" TIMESTAMP BY {draw(columns)}")
    if draw(st.booleans()):
        parts.append(f"{draw(space)}WHERE {draw(conditions)}")
    if draw(st.booleans()):
        keys = draw(st.lists(columns, max_size=2))
        window = draw(st.sampled_from(["TumblingWindow", "Tumbling", "tumblingwindow"]))
        keys.append(f"{window}({draw(units)}, {draw(st.integers(1, 60))})")
        parts.append(f"{draw(space)}GROUP BY {', '.join(draw(st.permutations(keys)))}")
        if draw(st.booleans()):
            parts.append(f"{draw(space)}HAVING {draw(conditions)}")
    return "".join(parts), offsets, output


@st.composite
def valid_queries(draw):
    """(query text, per statement: ([(item offset, alias)], output name or None)).

    CREATE TABLE statements may come first: they declare inputs and write no output."""
    text = ""
    shapes = []
    for _ in range(draw(st.integers(0, 2))):
        table_columns = draw(st.lists(st.tuples(names, types), min_size=1, max_size=4))
        text += (f"CREATE TABLE {draw(names)} ("
                 + ", ".join(f"{n} {t}" for n, t in table_columns) + ")" + draw(st.sampled_from([";", "\n", ";\n"])))
    for index in range(draw(st.integers(1, 3))):
        if index:
            text += draw(st.sampled_from([";\n", "\n", "\n\n", ";", " ; ", "\n;\n"]))
        statement, offsets, output = draw(statements())
        shapes.append(([(len(text) + o, alias) for o, alias in offsets], output))
        text += statement
    text += draw(st.sampled_from(["", ";", "\n", ";\n", " -- end\n"]))
    return text, shapes


def line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_queries())
def test_valid_queries_parse_and_yield_one_column_per_select_item(query):
    text, shapes = query
    parse_query(text)  # must not raise
    result = analyze(text)
    assert not [d for d in result.diagnostics if d.code == "SC001"], result.diagnostics
    assert len(result.outputs) == len(shapes)
    for output, (items, name) in zip(result.outputs, shapes):
        assert output.output == (name if name is not None else "output")
        assert not output.gaps
        assert len(output.columns) == len(items)
        for column, (offset, alias) in zip(output.columns, items):
            assert (column.span.line, column.span.column) == line_column(text, offset), (
                column, text[offset:offset + 30])
            if alias is not None:
                assert column.written == alias


# ---- comments are whitespace ---------------------------------------------------------------

_SOURCE_TOKEN = re.compile(
    r"""[Nn]?'(?:[^']|'')*'|\[(?:[^\]]|\]\])*\]|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|\s+
      |[^\W\d]\w*|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|<>|!=|>=|<=|!<|!>|.""",
    re.VERBOSE | re.DOTALL,
)


def token_gaps(text: str) -> list[int]:
    """Offsets between two tokens of `text` (strings, names and comments kept whole)."""
    return [match.start() for match in _SOURCE_TOKEN.finditer(text)]


def without_spans(node) -> list:
    return flatten(node, spans=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_queries(), st.data())
def test_a_comment_between_two_tokens_changes_nothing(query, data):
    text, _shapes = query
    gaps = token_gaps(text)
    positions = sorted(data.draw(st.lists(st.sampled_from(gaps), min_size=1, max_size=4), label="positions"),
                       reverse=True)
    commented = text
    for position in positions:
        comment = data.draw(st.sampled_from([" /* c */ ", "/**/", " -- c\n", "\n-- (\n", " /* ) ' [ */ "]))
        commented = commented[:position] + comment + commented[position:]
    assert without_spans(parse_query(commented)) == without_spans(parse_query(text)), commented


# A comment between an analytic OVER and its "(" once turned OVER into the
# TIMESTAMP BY ... OVER key-list keyword (the lexer looked past whitespace only).
@pytest.mark.parametrize("comment", ["/* the window */", "-- the window\n"])
def test_a_comment_between_over_and_its_parenthesis(comment):
    plain = "SELECT LAG(reading, 1) OVER (LIMIT DURATION(hour, 1)) AS previous FROM input"
    commented = parse_query(plain.replace("OVER (", f"OVER {comment} ("))
    assert without_spans(commented) == without_spans(parse_query(plain))


# ---- every sentence of the grammar parses -------------------------------------------------

GRAMMAR_DEPTH = 12  # past this depth every rule takes its shallowest expansion


@functools.lru_cache(maxsize=None)
def _grammar_tables():
    """grammars/asaql.lark as (expansions by rule, shallowest height by rule, terminal strategies)."""
    lark = pytest.importorskip("lark")
    from schemacheck.generate import GRAMMARS

    grammar = lark.Lark(GRAMMARS["asaql"].text(), parser="lalr", lexer="contextual")
    expansions: dict[str, list[tuple[tuple[str, bool], ...]]] = {}
    for rule in grammar.rules:
        expansions.setdefault(rule.origin.name, []).append(tuple((s.name, s.is_term) for s in rule.expansion))
    height: dict[str, int] = {}
    changed = True
    while changed:  # least fixed point: the height of the shallowest derivation of each rule
        changed = False
        for origin, options in expansions.items():
            for option in options:
                heights = [0 if is_term else height.get(name) for name, is_term in option]
                if None in heights:
                    continue
                h = 1 + max(heights, default=0)
                if h < height.get(origin, 1 << 30):
                    height[origin] = h
                    changed = True
    for origin, options in expansions.items():  # shallow expansions first: they shrink best
        options.sort(key=lambda o: (1 + max((0 if t else height[n] for n, t in o), default=0), len(o)))

    keyword_terminals = set(_tables.KEYWORDS.values())
    words: dict[str, st.SearchStrategy[str]] = {}
    for terminal in grammar.terminals:
        if terminal.name in keyword_terminals:
            word = terminal.name.lower()
            words[terminal.name] = st.sampled_from([word.upper(), word, word.capitalize()])
        elif terminal.pattern.type == "str":
            words[terminal.name] = st.just(terminal.pattern.value)
    words.update({
        "NAME": plain_names, "BRACKET_ID": bracket_names, "DQ_ID": dq_names, "STRING": strings,
        "NUMBER": numbers, "KEYS_OVER": st.just("OVER"), "BIT_OP": st.sampled_from("&|^"),
        "COMP_OP": st.sampled_from(["<>", "!=", ">=", "<=", "!>", "!<", ">", "<"]),
    })
    return expansions, height, words


_SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\t", " /* c */ ", " -- c\n", "/*x*/", "\r\n"])


@st.composite
def grammar_sentences(draw):
    """A sentence of grammars/asaql.lark: tokens separated by whitespace or comments."""
    expansions, height, words = _grammar_tables()
    out: list[str] = []

    def expand(symbol: str, depth: int) -> None:
        options = expansions[symbol]
        if depth >= GRAMMAR_DEPTH:
            options = [o for o in options
                       if 1 + max((0 if t else height[n] for n, t in o), default=0) == height[symbol]]
        for name, is_term in draw(st.sampled_from(options)):
            if is_term:
                out.append(draw(words[name]))
                out.append(draw(_SEPARATORS))
            else:
                expand(name, depth + 1)

    expand("start", 0)
    return "".join(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(grammar_sentences())
def test_every_sentence_of_the_grammar_parses_and_analyses(text):
    parse_query(text)
    result = analyze(text)
    assert not [d for d in result.diagnostics if d.code == "SC001"], result.diagnostics
