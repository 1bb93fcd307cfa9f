"""Renderers: plain data (analyses, diagnostics) -> text for people or machines. No I/O here."""
