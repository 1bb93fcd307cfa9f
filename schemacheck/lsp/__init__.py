"""The language server of `schemacheck lsp`.

    analysis.py   what the server knows of a document, without pygls: the check of its job
                  (open buffers overlaid), hover texts, symbols, definitions, suppressions
    server.py     the pygls server (imported only by `schemacheck lsp`)
"""
