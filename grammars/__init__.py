"""The grammars behind schemacheck, shipped inside the package as schemacheck.grammars."""
