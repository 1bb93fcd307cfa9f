"""The errors schemacheck reports to users (as one line, exit code 2) instead of a
traceback, and the exit codes of the command line."""

from __future__ import annotations

# Exit codes, the first that applies.
EXIT_OK = 0            # nothing at or above --fail-on
EXIT_FINDINGS = 1      # a finding at or above --fail-on; doctor: a check failed; check --diff: something to fix
EXIT_ERROR = 2         # a usage, input or configuration error (or a bug, reported as one)
EXIT_UNREACHABLE = 3   # a cluster could not be read (--live, snapshot, doctor)
EXIT_INTERRUPTED = 130  # interrupted (Ctrl-C), as shells count it


class SchemacheckError(Exception):
    """A problem with the user's input or invocation, described for the user."""

    exit_code = EXIT_ERROR

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
