"""`schemacheck lsp`: the language server over standard input and output (schemacheck.lsp,
which imports pygls: the optional extra `schemacheck[lsp]`)."""

from __future__ import annotations

from schemacheck.errors import EXIT_ERROR, EXIT_OK


def run(options, session) -> int:
    try:
        import pygls  # noqa: F401  (only to say what is missing before anything starts)
    except ImportError:
        session.err.write("the language server needs pygls: pip install 'schemacheck[lsp]'\n")
        return EXIT_ERROR
    from schemacheck.lsp.server import serve

    serve()
    return EXIT_OK
