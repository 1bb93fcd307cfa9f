"""The DDL reader's lowest layer (schemacheck.sql.ddl reads the files): a file's T-SQL
batches, the cheap test whether a piece of text is worth tokenizing, sqlglot's tokenizer
without its "commands", and `Lexemes`, a batch's tokens with the helpers that walk them.

sqlglot is imported on the first tokenizing, not with this module.
"""

from __future__ import annotations

import re
import string

from schemacheck.records import Record, record
from schemacheck.sql.schema import DIALECT_NAMES, POSTGRES, TSQL

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from schemacheck.sql.ddl import _Source

# Blanks and comments, each matched one way only (a comment to its end), so that a pattern
# with it cannot backtrack without end on a line of dashes or an unclosed /*.
_SEPARATOR = r"(?:\s|/\*(?:[^*]|\*(?!/))*\*/|--[^\n]*(?=\n|\Z))+"
# After a _SEPARATOR: a name that is not a temporary table's (nor a variable's).
_NOT_TEMPORARY = r"(?![#@\s]|\[#|--|/\*)"
_MODIFIER = r"(?:or|replace|global|local|temp|temporary|unlogged)"
MENTIONS_TABLE = re.compile(rf"(?<![.\w])(?:create|alter|drop){_SEPARATOR}(?:{_MODIFIER}{_SEPARATOR})*table\b",
                            re.IGNORECASE | re.DOTALL)
# What a batch must hold to be worth tokenizing: a statement that may define or change a
# table, or a skipped one that might (noted): dynamic SQL, sp_rename, SELECT ... INTO.
_MAY_CHANGE_TABLES = {
    TSQL: re.compile(rf"{MENTIONS_TABLE.pattern}|\bsp_rename\b|\bsp_executesql\b"
                     rf"|(?<![.\w@])exec(?:ute)?(?:{_SEPARATOR})?\(", re.IGNORECASE | re.DOTALL),
    POSTGRES: re.compile(rf"{MENTIONS_TABLE.pattern}|(?<![.\w])execute\b", re.IGNORECASE | re.DOTALL),
}
_INTO = re.compile(r"(?<![.\w@#])into\b", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"(\w+)\s*$")
# A T-SQL batch that is a routine (CREATE PROCEDURE, ... must come first in its batch): nothing in it runs.
ROUTINE_BATCH = re.compile(rf"(?:{_SEPARATOR})?(?:create|alter)(?:{_SEPARATOR}or{_SEPARATOR}alter)?{_SEPARATOR}"
                           r"(?:proc|procedure|function|trigger|view)\b", re.IGNORECASE | re.DOTALL)
# Dynamic SQL whose text is known: it is noted when it may define or change a table.
DYNAMIC_ROUTINE = re.compile(rf"(?:{_SEPARATOR})?(?:create|alter)(?:{_SEPARATOR}or{_SEPARATOR}(?:alter|replace))?"
                             rf"{_SEPARATOR}(?:proc|procedure|function|trigger|view)\b", re.IGNORECASE | re.DOTALL)
DYNAMIC_TABLE = re.compile(rf"(?<![.\w])(?:create|alter|drop){_SEPARATOR}(?:{_MODIFIER}{_SEPARATOR})*table"
                           rf"{_SEPARATOR}{_NOT_TEMPORARY}|\bsp_rename\b"
                           rf"|(?<![.\w])select\b[^;]*?\binto{_SEPARATOR}{_NOT_TEMPORARY}",
                           re.IGNORECASE | re.DOTALL)
_GO_LINE = re.compile(r"^[ \t]*go(?:[ \t]+\d+)?[ \t]*(?:--[^\r\n]*)?\r?$", re.IGNORECASE | re.MULTILINE)
_SQLCMD_LINE = re.compile(r"^[ \t]*:[^\r\n]*", re.MULTILINE)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PUNCTUATION = {"L_PAREN": "(", "R_PAREN": ")", "COMMA": ",", "SEMICOLON": ";", "DOT": ".",
                "L_BRACKET": "[", "R_BRACKET": "]", "HASH": "#", "STAR": "*"}


def worth_reading(text: str, start: int, end: int, dialect: str) -> bool:
    """Whether [start, end) may hold a statement read or noted (a cheap test before tokenizing)."""
    if _MAY_CHANGE_TABLES[dialect].search(text, start, end):
        return True
    for into in _INTO.finditer(text, start, end):  # SELECT ... INTO, not INSERT INTO
        before = _WORD_BEFORE.search(text, max(start, into.start() - 40), into.start())
        if before is None or before.group(1).lower() not in ("insert", "merge"):
            return True
    return False


def split_batches(text: str, dialect: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with SQLCMD and GO lines blanked (same length, so offsets hold), and the
    (start, end) of each batch; PostgreSQL text is one batch."""
    if dialect != TSQL:
        return text, [(0, len(text))]

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group())

    masked = _SQLCMD_LINE.sub(blank, text)
    batches, start = [], 0
    for go in _GO_LINE.finditer(masked):
        batches.append((start, go.start()))
        start = go.end()
    batches.append((start, len(masked)))
    return _GO_LINE.sub(blank, masked), batches


# --- tokens --------------------------------------------------------------------------------

@record
class Lexeme(Record):
    """One token, or one word of a multi-word keyword ("PRIMARY KEY"). `word` is the
    upper-case text of a keyword or unquoted name ("" otherwise); `text` is a name's text
    as written (without quotes when `kind` is "name"), or the punctuation; `start`/`end`
    are offsets in the file's text, `end` exclusive."""

    kind: str  # "word", "name" (quoted), "punct", "string" (its text unescaped) or "other" (numbers, ...)
    word: str
    text: str
    start: int
    end: int


def _lexemes(tokens, batch: str, base: int) -> list[Lexeme]:
    result = []
    for token in tokens:
        start, end = base + token.start, base + token.end + 1
        kind = token.token_type.name
        if kind in _PUNCTUATION:
            result.append(Lexeme("punct", "", _PUNCTUATION[kind], start, end))
        elif kind == "IDENTIFIER":
            result.append(Lexeme("name", "", token.text, start, end))
        elif kind.endswith("STRING"):  # STRING, NATIONAL_STRING, HEREDOC_STRING ($$...$$), ...
            result.append(Lexeme("string", "", token.text, start, end))
        else:
            text = token.text
            written = batch[token.start:token.end + 1]
            if text and (text[0].isalpha() or text[0] in "_@$") and " ".join(written.split()).upper() == text.upper():
                words = text.split()
                for word in words:
                    result.append(Lexeme("word", word.upper(), written if len(words) == 1 else word, start, end))
            else:
                result.append(Lexeme("other", "", text, start, end))
    return result


_TOKENIZERS: dict[str, tuple[Any, Any]] = {}   # dialect -> (tokenizer class, sqlglot Dialect)


def _tokenizer(dialect: str):
    """sqlglot's tokenizer of the dialect, without its "commands".

    sqlglot reads what follows a command word (T-SQL EXEC, PRINT, and END after `;` or
    BEGIN; PostgreSQL DO, DECLARE, EXECUTE, ...) up to the next `;` as one string, to keep
    statements it does not model whole. In a script that string hides statements: after
    `IF ... BEGIN CREATE TABLE a (...); END`, the END took the rest of the batch, and every
    CREATE TABLE in it with it. Here every word is a token; statements are told apart by
    `Script` itself."""
    if dialect not in _TOKENIZERS:
        from sqlglot.dialects.dialect import Dialect

        found = Dialect.get_or_raise(dialect)
        base: Any = found.tokenizer_class   # type checkers take a class chosen at run time as a base only as Any

        class _Tokenizer(base):
            COMMANDS: ClassVar[set[str]] = set()

        _TOKENIZERS[dialect] = (_Tokenizer, found)
    tokenizer_class, found = _TOKENIZERS[dialect]
    return tokenizer_class(dialect=found)


class Lexemes:
    """A batch's lexemes, [start, end) of the source's masked text, and the helpers that
    read them."""

    def __init__(self, source: _Source, dialect: str, start: int, end: int) -> None:
        self.source, self.dialect = source, dialect
        self.lexemes = self._tokenize(start, end)
        self.count = len(self.lexemes)

    def _tokenize(self, start: int, end: int) -> list[Lexeme]:
        batch = self.source.masked[start:end]
        tokenizer = _tokenizer(self.dialect)
        try:
            tokens = tokenizer.tokenize(batch)
        except Exception as error:  # TokenError, and whatever else sqlglot's scanner may raise
            # The scanner's start of the token it failed on (private; the quoted context otherwise).
            failed_at = getattr(getattr(tokenizer, "_core", None), "_start", None)
            if not isinstance(failed_at, int):
                failed_at = getattr(error, "start", None)
            offset = start + failed_at if isinstance(failed_at, int) else None
            # "Missing ' from 4:50": sqlglot's position is a line and an offset, not a column.
            cause = re.sub(r" from \d+:\d+$", "", str(error.__cause__ or error))
            # Only sqlglot's own plain sentences are quoted; Python's texts ("string index out
            # of range") and reprs say nothing to the user.
            plain = cause if re.fullmatch(r"Missing [^\s] ?|Unterminated [\w ]+", cause) else ""
            raise self.source.error(
                f"cannot be read as {DIALECT_NAMES[self.dialect]}{f' ({plain})' if plain else ''}; look for a "
                f"string, quoted name or comment that is not closed", offset) from None
        return _lexemes(tokens, batch, start)

    # Lexeme helpers: a position outside the batch reads as "".
    def word(self, index: int) -> str:
        return self.lexemes[index].word if 0 <= index < self.count else ""

    def punct(self, index: int, text: str) -> bool:
        return 0 <= index < self.count and self.lexemes[index].kind == "punct" and self.lexemes[index].text == text

    def words(self, index: int, *expected: str) -> bool:
        return all(self.word(index + k) == w for k, w in enumerate(expected))

    def closing(self, index: int, limit: int | None = None) -> int | None:
        """The index of the ")" matching the "(" at `index`."""
        depth = 0
        for k in range(index, self.count if limit is None else limit):
            if self.punct(k, "("):
                depth += 1
            elif self.punct(k, ")"):
                depth -= 1
                if depth == 0:
                    return k
        return None

    def split(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """[lo, hi) cut at commas outside parentheses and brackets."""
        parts, depth, start = [], 0, lo
        for k in range(lo, hi):
            lexeme = self.lexemes[k]
            if lexeme.kind != "punct":
                continue
            if lexeme.text in "([":
                depth += 1
            elif lexeme.text in ")]":
                depth -= 1
            elif lexeme.text == "," and depth == 0:
                parts.append((start, k))
                start = k + 1
        parts.append((start, hi))
        return parts

    def name_of(self, index: int) -> tuple[str, bool] | None:
        """(name, quoted) of a name lexeme; PostgreSQL folds an unquoted name to lower case."""
        if index >= self.count:
            return None
        lexeme = self.lexemes[index]
        if lexeme.kind == "name":
            return lexeme.text, True
        if lexeme.kind == "word" and lexeme.text == self.source.text[lexeme.start:lexeme.end]:
            return (lexeme.text.translate(_ASCII_LOWER) if self.dialect == POSTGRES else lexeme.text), False
        return None

    def qualified_name(self, index: int) -> tuple[str | None, str, bool, int] | None:
        """(schema, name, temporary, index after it) of a table name at `index`."""
        temporary = False
        while self.punct(index, "#"):
            temporary, index = True, index + 1
        parts: list[str | None] = []
        while True:
            if self.punct(index, "."):  # T-SQL db..T: the default schema
                parts.append(None)
                index += 1
                continue
            name = self.name_of(index)
            if name is None:
                return None
            parts.append(name[0])
            index += 1
            if not self.punct(index, "."):
                break
            index += 1
        table = parts[-1]
        if table is None:
            return None
        temporary = temporary or (self.dialect == TSQL and table.startswith("#"))  # [#t] too
        return (parts[-2] if len(parts) > 1 else None), table, temporary, index

    def text_is(self, index: int, text: str) -> bool:
        return 0 <= index < self.count and self.lexemes[index].text == text and self.lexemes[index].kind != "string"

    def written(self, lo: int, hi: int) -> str:
        """The original text of lexemes [lo, hi)."""
        return self.source.text[self.lexemes[lo].start:self.lexemes[hi - 1].end] if lo < hi else ""
