"""`python -m schemacheck` runs the command line."""

from schemacheck.cli import main

raise SystemExit(main())
