"""The sections of benchmarks/run.py, in the order the report prints them.

Each module has `measure...()` (run by run.py's main, in the order that keeps the figures
comparable from run to run), `report(results)` that prints its part of the report, and
`summary(results)` that returns its rows of the summary table. Their docstrings say what
each figure is; benchmarks/README.md says the same in a table.

    cold_start.py   1. `schemacheck infer --no-cache` against `python -c pass`; its imports
    check.py        2. `schemacheck check --no-cache` and the cached check, in one loop
    peers.py        2. the cold check against `sqlfluff lint` and `sqlglot.parse`
    grammar.py      3. loading a parser: Lark's ways against the generated tables
    throughput.py   4. analyze()/parse_query() KB/s on a ~500 KB query; the check of that file
    scaling.py      5. analyze() at 1x/10x/100x a 5 KB query; the three quadratic-path shapes
    many_files.py   6. 1, 100 and 1,000 files; workers; the cached re-check
    memory.py       7. peak RSS of the commands timed above
    sql.py          8. what a SQL output costs
    iac.py          9. a job read from Terraform or Bicep; what a project's check does not import
"""
