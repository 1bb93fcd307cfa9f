"""Parser: the AST for each construct family, spans, encodings, and syntax errors in words."""

from __future__ import annotations

import pytest

from schemacheck.asa import ast as A
from schemacheck.asa.parser import QuerySyntaxError, parse_query


def only_select(text: str) -> A.Select:
    script = parse_query(text)
    (statement,) = [s for s in script.statements if isinstance(s, A.QueryStatement)]
    assert isinstance(statement.query, A.Select)
    return statement.query


def syntax_error(text: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    return caught.value


# ---- statements and clauses ------------------------------------------------------

def test_statements_follow_each_other_with_or_without_semicolons():
    script = parse_query("SELECT a INTO o1 FROM i;\n;SELECT b INTO o2 FROM i SELECT c FROM i;")
    assert [s.query.into.text if s.query.into else None for s in script.statements] == ["o1", "o2", None]


def test_with_steps_and_create_table():
    script = parse_query(
        "CREATE TABLE Input (Id bigint, Name NVARCHAR(MAX));\n"
        "WITH S1 AS (SELECT Id FROM Input), [S 2] AS (SELECT * FROM S1)\nSELECT * INTO o FROM [S 2]")
    create, statement = script.statements
    assert isinstance(create, A.CreateTable)
    assert [(c.name.text, c.type.text) for c in create.columns] == [("Id", "bigint"), ("Name", "NVARCHAR(MAX)")]
    assert [(s.name.text, s.name.quote) for s in statement.steps] == [("S1", ""), ("S 2", "[")]


def test_select_item_forms():
    select = only_select("SELECT *, i.*, i.rec.*, a, b AS x, c y, d [z w], e \"q\", f 'sq', g = h + 1 FROM i")
    items = select.items
    assert isinstance(items[0], A.Star) and items[0].qualifier == ()
    assert [p.text for p in items[1].qualifier] == ["i"]
    assert [p.text for p in items[2].qualifier] == ["i", "rec"]
    aliases = [(i.alias.text, i.alias.quote) if i.alias else None for i in items[3:]]
    assert aliases == [None, ("x", ""), ("y", ""), ("z w", "["), ("q", '"'), ("sq", "'"), ("g", "")]
    assert isinstance(items[-1].expr, A.BinaryOp)


def test_into_shard_count_and_partition_by_in_either_order():
    script = parse_query(
        "WITH s AS (SELECT * FROM input PARTITION BY DeviceId INTO 10)\n"
        "SELECT * INTO [output] FROM s\n"
        "SELECT * FROM a TIMESTAMP BY t OVER k1, PartitionId PARTITION BY PartitionId\n"
        "SELECT * FROM b PARTITION BY PartitionId TIMESTAMP BY t")
    step_source = script.statements[0].steps[0].query.from_.source
    assert step_source.shard_count == 10
    assert script.statements[0].query.into.text == "output"
    first = script.statements[1].query.from_.source
    assert [k.parts[0].text for k in first.timestamp_by.over] == ["k1", "PartitionId"]
    assert first.partition_by[0].parts[0].text == "PartitionId"
    second = script.statements[2].query.from_.source
    assert second.timestamp_by is not None and second.partition_by


def test_joins_with_datediff_and_applies():
    select = only_select(
        "SELECT a.x, b.y, e.ArrayValue FROM a TIMESTAMP BY t1\n"
        "JOIN b TIMESTAMP BY t2 ON a.id = b.id AND DATEDIFF(minute, a, b) BETWEEN 0 AND 15\n"
        "LEFT OUTER JOIN c ON a.id = c.id\nLEFT JOIN d ON a.id = d.id\nINNER JOIN f ON 1 = 1\n"
        "CROSS APPLY GetArrayElements(a.arr) AS e OUTER APPLY GetRecordProperties(a.rec) p")
    kinds = [(j.kind, type(j).__name__) for j in select.from_.joins]
    assert kinds == [("inner", "Join"), ("left", "Join"), ("left", "Join"), ("inner", "Join"),
                     ("cross", "Apply"), ("outer", "Apply")]
    condition = select.from_.joins[0].condition
    assert isinstance(condition, A.BoolOp) and isinstance(condition.right, A.Between)


def test_group_by_windows_are_recognised_by_name():
    select = only_select(
        "SELECT COUNT(*) FROM i GROUP BY k, TumblingWindow(minute, 5), Hopping(Duration(hour, 1), Hop(minute, 5)),"
        " SlidingWindow(second, 10), SessionWindow(minute, 1, 60) OVER (PARTITION BY k), System.Timestamp(),"
        " Windows(Window('a', TumblingWindow(minute, 1)), Window('b', Tumbling(minute, 2)))")
    group = select.group_by
    assert [k.parts[0].text for k in group.keys] == ["k"]
    assert [w.kind for w in group.windows] == ["tumbling", "hopping", "sliding", "session", "snapshot", "windows"]
    assert group.windows[3].call.over is not None
    assert group.windows[-1].ids == ("a", "b")
    assert [m.kind for m in group.windows[-1].members] == ["tumbling", "tumbling"]


def test_union_is_flattened_and_parenthesised_operands_are_accepted():
    script = parse_query("SELECT a FROM x UNION SELECT a FROM y UNION ALL (SELECT a FROM z)")
    union = script.statements[0].query
    assert isinstance(union, A.UnionQuery)
    assert len(union.branches) == 3 and union.all_flags == (False, True)


def test_a_union_branch_may_be_only_an_input_or_step_as_the_repartition_article_writes_it():
    # The repartition article: `SELECT * INTO output FROM step1 PARTITION BY DeviceID
    # UNION step2 PARTITION BY DeviceID`; read as `UNION SELECT * FROM step2 ...`.
    script = parse_query(
        "WITH left_side AS (SELECT * FROM feedA PARTITION BY SensorKey INTO 6),\n"
        "right_side AS (SELECT * FROM feedB PARTITION BY SensorKey INTO 6)\n"
        "SELECT * INTO merged FROM left_side PARTITION BY SensorKey\n"
        "UNION right_side PARTITION BY SensorKey INTO 6\n"
        "UNION ALL [third side] t TIMESTAMP BY at\n"
        "SELECT x INTO other FROM feedA")
    union = script.statements[0].query
    assert isinstance(union, A.UnionQuery) and union.all_flags == (False, True)
    first, second, third = union.branches
    assert not first.source_only and first.from_.source.partition_by[0].parts[0].text == "SensorKey"
    assert second.source_only and isinstance(second, A.Select)
    assert isinstance(second.items[0], A.Star) and second.items[0].qualifier == ()
    source = second.from_.source
    assert source.relation.text == "right_side" and source.shard_count == 6
    assert [k.parts[0].text for k in source.partition_by] == ["SensorKey"]
    assert second.span == A.Span(4, 7, 4, 47) and second.into is None
    assert third.source_only and third.from_.source.relation.text == "third side"
    assert third.from_.source.alias.text == "t" and third.from_.source.timestamp_by is not None
    assert script.statements[1].query.into.text == "other"
    # the same inside a step, and a step read again with PARTITION BY (the article's other shapes)
    nested = parse_query(
        "WITH byKey AS (SELECT * FROM feedA PARTITION BY SensorKey INTO 4 UNION feedB PARTITION BY SensorKey INTO 4)\n"
        "SELECT SensorKey, COUNT(*) AS n INTO counts FROM byKey PARTITION BY SensorKey\n"
        "GROUP BY SensorKey, TumblingWindow(minute, 5)\n"
        "SELECT * INTO copy FROM feedA PARTITION BY PartitionId UNION SELECT * FROM feedB PARTITION BY PartitionId")
    step_query = nested.statements[0].steps[0].query
    assert [b.source_only for b in step_query.branches] == [False, True]
    assert nested.statements[0].query.from_.source.partition_by
    assert [b.source_only for b in nested.statements[1].query.branches] == [False, False]


def test_cross_join_has_no_condition():
    select = only_select("SELECT ev.v, lim.maxV FROM events ev CROSS JOIN limits lim JOIN other o ON ev.k = o.k")
    cross, inner = select.from_.joins
    assert (cross.kind, cross.condition, cross.source.alias.text) == ("cross", None, "lim")
    assert cross.span == A.Span(1, 38, 1, 59)
    assert inner.kind == "inner" and inner.condition is not None


def test_match_recognize():
    select = only_select(
        "SELECT * FROM input TIMESTAMP BY time MATCH_RECOGNIZE (\n"
        "  LIMIT DURATION(minute, 1) PARTITION BY id\n"
        "  MEASURES LAST(A.id) AS aid, Classifier() AS path\n"
        "  AFTER MATCH SKIP TO NEXT ROW\n"
        "  PATTERN (A+ (B | C)* D{1,3}?)\n"
        "  DEFINE A AS A.v > 1, B AS B.v < 0, C AS C.v = 0, D AS D.v IS NULL\n"
        ") AS T")
    match = select.from_.match_recognize
    assert [m.alias.text for m in match.measures] == ["aid", "path"]
    assert match.pattern == "A+ (B | C)* D{1,3}?"
    assert [d[0].text for d in match.defines] == ["A", "B", "C", "D"]
    assert match.alias.text == "T"


# ---- expressions -------------------------------------------------------------------

def test_operator_precedence_follows_t_sql():
    expr = only_select("SELECT a + b * c - d & e AS x FROM i").items[0].expr
    # (((a + (b * c)) - d) & e): * binds tighter, + - & | ^ share one level, left to right
    assert expr.op == "&"
    assert expr.left.op == "-" and expr.left.left.op == "+" and expr.left.left.right.op == "*"
    condition = only_select("SELECT a FROM i WHERE NOT a = 1 AND b > 2 OR c IS NOT NULL").where
    assert condition.op == "or" and condition.left.op == "and" and isinstance(condition.left.left, A.Not)
    assert isinstance(condition.right, A.IsNull) and condition.right.negated


def test_predicates_and_case_forms():
    where = only_select(
        "SELECT a FROM i WHERE a NOT LIKE 'x%' AND b NOT BETWEEN 1 AND 2 AND c NOT IN (1, 2) AND d IN ('a')").where
    assert isinstance(where.right, A.InList) and not where.right.negated
    like = where.left.left.left
    assert isinstance(like, A.Like) and like.negated
    simple, searched, no_else = only_select(
        "SELECT CASE a WHEN 1 THEN 'x' ELSE 'y' END AS s, CASE WHEN a > 1 THEN 1 ELSE 0 END AS t,"
        " CASE WHEN a = 1 THEN 2 END AS u FROM i").items
    assert simple.expr.operand is not None and searched.expr.operand is None
    assert no_else.expr.else_ is None


def test_calls_over_clauses_casts_and_member_access():
    items = only_select(
        "SELECT COUNT(*) AS c, COUNT(DISTINCT a) AS d, TopOne() OVER (ORDER BY t DESC) AS top,"
        " LAG(r, 1) OVER (PARTITION BY id LIMIT DURATION(hour, 1) WHEN r > 0) AS prev,"
        " PERCENTILE_CONT(0.5) OVER (ORDER BY r ASC) AS p, TRY_CAST(x AS nvarchar(max)) AS s,"
        " CAST(y AS BIT) AS b, System.Window().Id, System.Timestamp AS ts, udf.f(i) AS u,"
        " LEFT(name, 2) AS l FROM i").items
    count, distinct, top, lag, percentile, try_cast, cast, window_id, timestamp, udf, left = (i.expr for i in items)
    assert count.star and distinct.quantifier == "distinct"
    assert top.over.order_by[0].descending and not percentile.over.order_by[0].descending
    assert lag.over.limit_duration and lag.over.when is not None and lag.over.partition_by
    assert try_cast.is_try and try_cast.type.text == "nvarchar(max)" and not cast.is_try
    assert isinstance(window_id, A.MemberAccess) and window_id.member.text == "Id"
    assert isinstance(timestamp, A.ColumnRef) and [p.text for p in timestamp.parts] == ["System", "Timestamp"]
    assert udf.lowered_name == "udf.f" and left.lowered_name == "left"


def test_member_access_on_a_parenthesised_expression():
    items = only_select(
        "SELECT (GetRecordPropertyValue(m.body, 'meta')).origin AS o, (udf.decode(m.raw)).unitId AS u,"
        " (m.envelope).header.kind AS k, 2 * (udf.decode(m.raw)).level + 1 AS l,"
        " LEN((m.envelope).tag) AS n FROM msgs m WHERE (udf.decode(m.raw)).unitId IS NOT NULL").items
    record_field, udf_field, chained, in_arithmetic, in_call = (i.expr for i in items)
    assert isinstance(record_field, A.MemberAccess) and record_field.member.text == "origin"
    assert isinstance(record_field.target, A.Paren)
    assert record_field.target.expr.lowered_name == "getrecordpropertyvalue"
    assert udf_field.target.expr.lowered_name == "udf.decode" and udf_field.member.text == "unitId"
    assert chained.member.text == "kind" and chained.target.member.text == "header"
    assert isinstance(chained.target.target, A.Paren)
    assert [p.text for p in chained.target.target.expr.parts] == ["m", "envelope"]
    assert chained.span == A.Span(1, 95, 1, 119)
    assert in_arithmetic.op == "+" and isinstance(in_arithmetic.left.right, A.MemberAccess)
    assert isinstance(in_call.args[0], A.MemberAccess)
    # a parenthesised expression without a member is still just itself
    paren = only_select("SELECT (a + b) AS s FROM i").items[0].expr
    assert isinstance(paren, A.Paren) and isinstance(paren.expr, A.BinaryOp)


def test_identifier_forms_keep_their_spelling():
    items = only_select("SELECT [my]]field], \"dq\"\"x\", Input.[a b].c, N'x''y' AS s FROM Input").items
    assert items[0].expr.parts[0].text == "my]field"
    assert items[1].expr.parts[0].text == 'dq"x' and items[1].expr.parts[0].quote == '"'
    assert [p.text for p in items[2].expr.parts] == ["Input", "a b", "c"]
    assert items[3].expr.value == "x'y"


def test_literals():
    items = only_select("SELECT 1 AS a, 1.5 AS b, .5 AS c, 1e3 AS d, 'x' AS e, NULL AS f, -2 AS g FROM i").items
    assert [i.expr.kind for i in items[:6]] == ["integer", "float", "float", "float", "string", "null"]
    assert isinstance(items[6].expr, A.UnaryOp)


def test_keywords_are_case_insensitive_and_only_clause_words_are_reserved():
    select = only_select(
        "select time, value, Count, User, timestamp, [from], partition, order, duration, end, t "
        "from Input timestamp by time Where value > 1 group BY time, tumblingwindow(Minute, 1)")
    names = [i.expr.parts[0].text for i in select.items]
    assert names == ["time", "value", "Count", "User", "timestamp", "from", "partition", "order", "duration",
                     "end", "t"]
    assert select.from_.source.timestamp_by is not None


def test_comments_are_ignored():
    select = only_select("-- leading\nSELECT /* inline */ a -- trailing\n/* multi\nline */ FROM i -- end")
    assert select.items[0].expr.parts[0].text == "a"


def test_spans_are_one_based_and_cover_the_item():
    select = only_select("SELECT\n    a.b AS x,\n    COUNT(*)\nFROM i")
    first, second = select.items
    assert first.span == A.Span(2, 5, 2, 13)
    assert second.span == A.Span(3, 5, 3, 13)
    assert select.from_.source.span.line == 4


@pytest.mark.parametrize("prefix, newline", [("", "\n"), ("\ufeff", "\n"), ("", "\r\n"), ("\ufeff", "\r")])
def test_bom_and_line_ends(prefix, newline):
    text = prefix + newline.join(["SELECT", "  a", "FROM i"])
    select = only_select(text)
    assert select.items[0].span.line == 2 and select.items[0].span.column == 3


# ---- syntax errors -------------------------------------------------------------------

def test_doc_defect_misspelled_select():
    # REF/union: "SELET"
    error = syntax_error("SELECT TollId FROM Input1\nUNION\nSELET TollId FROM Input2")
    assert (error.line, error.column) == (3, 1)
    assert error.found == "'SELET'" and "did you mean SELECT?" in error.message


def test_doc_defect_misspelled_between():
    # REF/join: "BETWEEEN"
    error = syntax_error("SELECT a.x\nFROM a JOIN b\nON DATEDIFF(minute, a, b) BETWEEEN 0 AND 15")
    assert (error.line, error.column) == (3, 27)
    assert "did you mean BETWEEN?" in error.message


def test_doc_defect_trailing_comma_before_from():
    # REF/timestamp-by example 3, REF/regexmatch
    error = syntax_error("SELECT\n    a,\n    b,\nFROM Input")
    assert (error.line, error.column) == (4, 1)
    assert error.message.startswith("expected a column or expression after ','")
    assert "remove the ',' before FROM" in error.message


def test_doc_defect_unbalanced_parentheses():
    # REF/replicate: CONCAT(REPLICATE('0', 4 - LEN(ProductLine), [ProductLine])
    error = syntax_error("SELECT\n  CONCAT(REPLICATE('0', 4 - LEN(ProductLine), [ProductLine]) AS x\nFROM Input")
    assert (error.line, error.column) == (2, 62)
    assert "expected ')' to close the '(' at line 2, column 9" in error.message


def test_misspelled_select_after_union_all_is_pointed_at():
    # A name after UNION may start a branch written without SELECT (`UNION step2`), so
    # the parser only fails further on; the message still points at the misspelling.
    error = syntax_error("SELECT a FROM x\nUNION ALL SELCT a, b FROM y")
    assert (error.line, error.column, error.end_column) == (2, 11, 16)
    assert error.message == "expected SELECT after UNION, found 'SELCT'; did you mean SELECT?"


def test_a_union_branch_without_select_takes_no_where():
    error = syntax_error("SELECT a FROM x\nUNION [step two] PARTITION BY k WHERE a > 1")
    assert (error.line, error.column) == (2, 33)
    assert "write UNION SELECT * FROM [step two] ... WHERE ..." in error.message


def test_cross_join_takes_no_on():
    error = syntax_error("SELECT a FROM x CROSS JOIN r ON x.k = r.k")
    assert (error.line, error.column) == (1, 30)
    assert "CROSS JOIN takes no ON" in error.message


def test_missing_from_is_said_in_words():
    error = syntax_error("SELECT a, b\nWHERE a > 1")
    assert (error.line, error.column) == (2, 1)
    assert error.message == "expected FROM after the select list, found 'WHERE'"


def test_end_of_query_is_reported_where_the_query_stops():
    error = syntax_error("SELECT a\nFROM  \n\n")
    assert (error.line, error.column) == (2, 5)
    assert error.message == "expected an input or step name after FROM, found the end of the query"


@pytest.mark.parametrize("text, line, column, words", [
    ("SELECT 'abc FROM x", 1, 8, "unterminated string"),
    ("SELECT [abc FROM x", 1, 8, "unterminated [name]"),
    ("SELECT a /* never closed", 1, 10, "unterminated comment"),
    ("SELECT a FROM x)", 1, 16, "unexpected ')'"),
    ("SELECT # FROM x", 1, 8, "unexpected character '#'"),
    ("SELECT a FROM x GROUP x", 1, 23, "expected BY after GROUP"),
    ("SELECT a AS FROM x", 1, 13, "expected a name after AS"),
    ("SELECT CASE WHEN a THEN b FROM x", 1, 27, "to finish the CASE at line 1, column 8"),
    ("SELECT a\x00 FROM x", 1, 9, "U+0000"),
])
def test_syntax_errors_name_the_place_and_the_problem(text, line, column, words):
    error = syntax_error(text)
    assert (error.line, error.column) == (line, column)
    assert words in error.message


def test_reserved_word_as_name_suggests_brackets():
    error = syntax_error("SELECT a, select FROM x")
    assert "write [select] to use it as a name" in error.message


def test_syntax_error_carries_the_source_line_and_the_file():
    error = syntax_error("SELECT a\nFRM x")
    assert error.source_line == "FRM x" and error.file is None
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("SELECT a\nFRM x", file="q.asaql")
    assert str(caught.value) == "q.asaql:2:1: expected FROM after the select list, found 'FRM'; did you mean FROM?"


def test_a_comment_after_the_key_list_over_does_not_reach_a_later_parenthesis():
    # The look-ahead that tells `OVER (` from the TIMESTAMP BY key list once let a
    # comment body stretch to a later "*/" followed by "(".
    select = only_select("SELECT a FROM x TIMESTAMP BY f() = g() OVER/*x*/k1 WHERE LEFT/*y*/(b, 1) = 'z'")
    assert [k.parts[0].text for k in select.from_.source.timestamp_by.over] == ["k1"]
    assert isinstance(only_select("SELECT f() OVER /* w */ -- v\n (PARTITION BY a) AS x FROM i").items[0].expr,
                      A.FunctionCall)
