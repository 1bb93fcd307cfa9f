"""Positions in a query that is a string inside another file -> positions in that file, so
every report format points at the file's own line and column: a JSON string of an ARM
template (StringPositions), a string of a Terraform or Bicep file (PlacedPositions).

`StringPositions(file_text, quote_at)` reads the string literal whose opening quote is at
`quote_at`, and maps 1-based (line, column) in the decoded text to 1-based (line, column)
in the file: an escape (`\\n`, `\\"`, `\\u00e9`, a surrogate pair) maps to where it starts.
"""

from __future__ import annotations

from bisect import bisect_right

_SIMPLE_ESCAPES = set('"\\/bfnrt')


class StringPositions:
    def __init__(self, file_text: str, quote_at: int) -> None:
        if not (0 <= quote_at < len(file_text)) or file_text[quote_at] != '"':
            raise ValueError("no JSON string starts at that offset")
        raw_offsets: list[int] = []     # decoded index -> offset in the file
        decoded_newlines: list[int] = []
        index = quote_at + 1
        text = file_text
        while index < len(text) and text[index] != '"':
            start = index
            if text[index] == "\\" and index + 1 < len(text):
                marker = text[index + 1]
                if marker == "u":
                    code = text[index + 2:index + 6]
                    index += 6
                    # A surrogate pair is one character of the decoded text.
                    if code[:1].lower() == "d" and code[1:2].lower() in "89ab" and text[index:index + 2] == "\\u":
                        index += 6
                    character = "\n" if code == "000a" or code == "000A" else "?"
                else:
                    index += 2
                    character = "\n" if marker == "n" else "?"
            else:
                character = text[index]
                index += 1
            if character == "\n":
                decoded_newlines.append(len(raw_offsets))
            raw_offsets.append(start)
        raw_offsets.append(index)   # the closing quote: positions just past the end
        self._raw = raw_offsets
        self._line_starts = [0] + [n + 1 for n in decoded_newlines]
        self._file_line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(self, line: int, column: int) -> int:
        """Decoded (line, column) -> decoded index (clamped to the text)."""
        line = max(1, min(line, len(self._line_starts)))
        index = self._line_starts[line - 1] + max(0, column - 1)
        return max(0, min(index, len(self._raw) - 1))

    def __call__(self, line: int, column: int) -> tuple[int, int]:
        raw = self._raw[self.offset(line, column)]
        file_line = bisect_right(self._file_line_starts, raw)
        return file_line, raw - self._file_line_starts[file_line - 1] + 1


class PlacedPositions:
    """Offsets in the value of a string of a Terraform or Bicep file -> offsets in the file
    (schemacheck.jobs.model.Placed says how the string is written), as the language's own
    parser places them (schemacheck.jobs.hcl / bicep_syntax `text_position`): an escape maps
    to where it starts; the offset just past the value to where the string's content ends."""

    def __init__(self, file_text: str, placed, value: str) -> None:
        from schemacheck.jobs.exprs import Text

        if placed.language == "hcl":
            from schemacheck.jobs import hcl as language
        else:
            from schemacheck.jobs import bicep_syntax as language  # type: ignore[no-redef]
        self._position = language.text_position
        self._file_text = file_text
        self._length = len(value)
        raw_end = placed.raw_end or len(file_text)
        self._node = Text(value, placed.raw_start, raw_end, placed.raw_start, placed.style, placed.indent, raw_end)

    def __call__(self, offset: int) -> int:
        return self._position(self._node, self._file_text, max(0, min(offset, self._length)))


def escaped_for(placed, text: str) -> str | None:
    """`text` as the string `placed` describes must be written for its value to be `text`
    (None when it cannot be: a triple-quoted Bicep string cannot hold three quotes)."""
    if placed.style == "indented":   # a heredoc <<-: each new line takes the heredoc's indentation
        text = text.replace("\n", "\n" + " " * placed.indent)
    if placed.language == "hcl":
        text = text.replace("${", "$${").replace("%{", "%%{")
        if placed.style == "escaped":
            text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        return text
    if placed.style == "escaped":
        return (text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
                .replace("${", "\\${"))
    return None if "'''" in text else text
