"""Helpers shared by the tests of several folders (and by fuzz/run.py and benchmarks/live.py).

tests/ is on sys.path (pytest puts conftest.py's folder there; fuzz/run.py and
benchmarks/live.py put it there themselves), so a test in any folder imports them as
`from support.files import write`. Nothing here is collected: no file is named test_*.py.
"""
