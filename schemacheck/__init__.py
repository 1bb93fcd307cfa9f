"""schemacheck: find where an Azure Stream Analytics query will not fit the tables it writes to.

Public API (imports are deferred, so `import schemacheck` stays cheap):

    schemacheck.analyze(text, file=None, level="1.2", udf_types=None) -> QueryAnalysis
        parse one ASA query and infer, for every SELECT ... INTO, its ordered columns
        (names as ASA writes them, ASA types), with diagnostics.
"""

# The version: the one place it is written (pyproject.toml reads it: [tool.setuptools.dynamic]).
__version__ = "0.1.0"

__all__ = ["__version__", "analyze"]


def analyze(text, *, file=None, level="1.2", udf_types=None):
    """See schemacheck.asa.analysis.analyze."""
    from schemacheck.asa.analysis import analyze as _analyze

    return _analyze(text, file=file, level=level, udf_types=udf_types)
