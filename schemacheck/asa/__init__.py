"""The ASA query analyzer: text -> what each SELECT ... INTO writes. Knows nothing of Kusto.

    analysis.py   analyze(text) -> QueryAnalysis (outputs + diagnostics), never raises
    parser.py     text -> typed AST (ast.py), QuerySyntaxError in the user's words
    lexer.py      the ASA lexer for schemacheck.lalr over _tables.py (generated from grammars/asaql.lark)
    infer.py      AST -> OutputSchema per statement (names, ASA types, gaps)
    functions.py  every built-in function's return type, as a table
    types.py      ASA types, compatibility levels, the type lattice
"""
