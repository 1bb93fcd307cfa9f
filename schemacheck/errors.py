"""The errors schemacheck reports to users (as one line, exit code 2) instead of a traceback."""

from __future__ import annotations



class SchemacheckError(Exception):
    """A problem with the user's input or invocation, described for the user."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class InputError(SchemacheckError):
    """A file that cannot be read as what it should be (missing, binary, not UTF-8, empty)."""


class UsageError(SchemacheckError):
    """A command line that does not make sense."""
