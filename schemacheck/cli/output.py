"""What a command line run writes and where: the report to standard output or `--output
FILE` (written whole, then moved into place), one-line errors, warnings and notes on
standard error, the GitHub step summary; and what it wrote besides the two streams, for
the result cache to replay (`Session.output`, `Session.summary`).
"""

from __future__ import annotations

import os


def encodable(text: str) -> str:
    """`text` with what UTF-8 cannot encode (a lone surrogate a JSON file's escape brought
    in, as `"\\ud800"`) shown as a backslash escape, so that no report fails to print."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(message: str) -> str:
    """An error message on one line: a line break the user's text brought in (a quoted name
    that holds one) is shown escaped, so that every error stays one line."""
    return encodable(message.replace("\r", "\\r").replace("\n", "\\n"))


def is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Sources(dict):
    """File texts for source snippets, read when first asked for (None if unreadable)."""

    def __missing__(self, path):
        from schemacheck.errors import InputError
        from schemacheck.files import read_text_file

        try:
            text = read_text_file(path, "file")
        except InputError:
            text = None
        self[path] = text
        return text

    def get(self, path, default=None):
        return self[path] if path else default


class Session:
    """One run of the command line: its streams and environment, the configurations found
    (by folder), and what it wrote besides the streams."""

    def __init__(self, out, err, environ) -> None:
        self.out = out
        self.err = err
        self.environ = environ
        self.configs: dict = {}
        self.output: tuple[str, str] | None = None   # (path, text) written with --output
        self.summary: str | None = None              # what was added to the GitHub step summary
        self.incomplete = False                      # the report was cut short (a closed pipe)

    def write(self, options, text: str) -> None:
        """The report to --output FILE or to standard output."""
        text = encodable(text)
        path = getattr(options, "output", None)
        if not path:
            self.out.write(text)
            return
        write_file(path, text)
        self.output = (path, text)

    def error(self, message: str) -> None:
        self.err.write(f"schemacheck: error: {one_line(message)}\n")

    def warning(self, message: str) -> None:
        self.err.write(f"schemacheck: warning: {one_line(message)}\n")

    def note(self, message: str) -> None:
        self.err.write(f"schemacheck: note: {one_line(message)}\n")

    def append_summary(self, text: str) -> None:
        """Add to the GitHub step summary file (other steps write to it too)."""
        path = self.environ.get("GITHUB_STEP_SUMMARY")
        if not path:
            return
        try:
            with open(path, "a", encoding="utf-8") as stream:
                stream.write(text)
            self.summary = text
        except OSError as error:
            self.warning(f"the step summary cannot be written to {path} ({error.strerror or error})")


def write_file(path: str, text: str) -> None:
    import tempfile

    from schemacheck.errors import InputError

    directory = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".schemacheck-", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise InputError(f"the report cannot be written ({error.strerror or error})", path) from None
    finally:
        if temporary is not None:   # nothing half-written is left beside the report
            try:
                os.unlink(temporary)
            except OSError:
                pass


class Tee:
    """A text stream that also keeps what was written (for the cache)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def isatty(self) -> bool:
        return is_terminal(self.stream)

    def flush(self) -> None:
        self.stream.flush()

    def getvalue(self) -> str:
        return "".join(self.parts)
