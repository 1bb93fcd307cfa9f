"""ASA queries generated for the property tests (tests/asa/test_properties.py), the fuzzing
(tests/robustness/test_fuzz.py, tests/support/fuzzing.py, fuzz/run.py) and the differential
tests (tests/asa/test_differential.py).

- SEEDS: the corpus queries (../shared, optional) plus the queries written below, so that
  everything also runs in a clone without ../shared; VOCABULARY and `mutation`: what a
  mutation inserts and does; `mutated_queries`: seeds mutated one to five times;
- internal_leaks: the grammar-internal names and Python words no message may show;
- valid_queries: queries built from a small valid grammar, with where each select item is;
- grammar_sentences: sentences of grammars/asaql.lark, tokens separated by whitespace or
  comments (_grammar_tables: the grammar as expansions, heights and terminal strategies).
"""

from __future__ import annotations

import functools
import re

import pytest
from conftest import corpus_queries
from hypothesis import strategies as st

from schemacheck.asa import _tables

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


# ---- valid-by-construction queries ----------------------------------------------------

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


# ---- sentences of the grammar ----------------------------------------------------------

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
