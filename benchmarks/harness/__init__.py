"""What every section of benchmarks/run.py measures with.

    common.py    paths of the repository, BenchError, medians and formats, the environment of
                 every subprocess, the measuring wrapper (wall time and peak RSS of one run),
                 time_interleaved (commands alternated in one loop), probes of a command
    install.py   the throw-away virtualenv: a non-editable install of a copy of the checkout
    samples.py   the sample job copied into the run's work folder, with and without its SQL output
    imports.py   `python -X importtime` profiles and which watched modules they hold
    queries.py   the generated queries (templates; the long select list, UNION chain, nested CASE)
    report.py    the summary table (Markdown that also reads as plain text) and the JSON dump
"""
