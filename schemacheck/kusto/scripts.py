"""KQL scripts (`.create table ...`) and CSL schema text (`a:string, b:long`) -> table schemas.

A script is cut into commands: a command starts on a line beginning with `.` and a
word, and ends before the next one or at a blank line outside parentheses. Each
command is parsed with grammars/kusto.lark (schemacheck.lalr); its effect on the
tables is applied in script order:

    .create table / .create-merge table(s)   define (merge: add missing columns)
    .alter table / .alter-merge table        replace / add columns
    .alter column T.c type=...               change a column's type
    .drop column T.c, .drop table T columns (...), .drop table(s), .rename column/table

Any other command (policies, mappings, functions, queries) is skipped: it fails to
parse before reaching a column list. A command that fails inside its column list is
malformed, and that is an InputError naming the file, line and column.
"""

from __future__ import annotations

import re

from schemacheck import lalr
from schemacheck.errors import InputError
from schemacheck.kusto._tables import RULES
from schemacheck.kusto.lexer import LANGUAGE
from schemacheck.kusto.schema import Column, TableSchema
from schemacheck.kusto.types import canonical_type, type_suggestion
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from typing import Any

_COMMAND_START = re.compile(r"[ \t]*\.[A-Za-z]")
_STRINGS_AND_COMMENTS = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|//[^\n]*""")


@record
class _Ref(Record):
    """A table (`database` may be None) or a column of one."""

    database: str | None
    table: str
    column: str | None
    offset: int


@record
class _Command(Record):
    verb: str                  # create, create-merge, alter, alter-merge, alter-column, drop-column, ...
    tables: tuple              # ((ref, columns), ...) for create/alter; refs otherwise
    argument: Any              # new type, new name, dropped columns, or the `with` properties
    offset: int


class _Builder:
    def __init__(self, text: str, lines: lalr.LineMap, file: str, base: int) -> None:
        self.text = text
        self.lines = lines
        self.file = file
        self.base = base

    def error(self, message: str, offset: int) -> InputError:
        line, column = self.lines.position(self.base + offset)
        return InputError(message, self.file, line, column)

    def command(self, ch, s, e):
        return ch[0]

    def _define(self, ch, s, e):
        verb = ch[0].text.lower().lstrip(".")
        definitions = tuple(c for c in ch if isinstance(c, tuple) and len(c) == 2 and isinstance(c[0], _Ref))
        properties = next((c for c in ch if isinstance(c, dict)), {})
        return _Command(verb, definitions, properties, s)

    create_table = create_tables = alter_table = _define

    def table_def(self, ch, s, e):
        return (ch[0], tuple(ch[1]))

    def alter_column(self, ch, s, e):
        return _Command("alter-column", (ch[2],), ch[-1], s)

    def drop_column(self, ch, s, e):
        return _Command("drop-column", (ch[2],), None, s)

    def drop_table_columns(self, ch, s, e):
        names = tuple(c for c in ch[4:] if isinstance(c, str))
        return _Command("drop-columns", (ch[2],), names, s)

    def drop_table(self, ch, s, e):
        return _Command("drop-table", (ch[2],), None, s)

    def drop_tables(self, ch, s, e):
        return _Command("drop-table", tuple(c for c in ch if isinstance(c, _Ref)), None, s)

    def rename_column(self, ch, s, e):
        return _Command("rename-column", (ch[2],), ch[-1], s)

    def rename_table(self, ch, s, e):
        return _Command("rename-table", (ch[2],), ch[-1], s)

    def csl_schema(self, ch, s, e):
        return tuple(ch[0]) if ch else ()

    def column_list(self, ch, s, e):
        return [c for c in ch if isinstance(c, Column)]

    def column_def(self, ch, s, e):
        name, (kind, written) = ch
        line, _ = self.lines.position(self.base + s)
        return Column(name, kind, written, line)

    def type_name(self, ch, s, e):
        written = ch[0].text
        kind = canonical_type(written)
        if kind is None or written.startswith("System."):
            raise self.error(f"unknown Kusto type '{written}'{type_suggestion(written)}", ch[0].start)
        return (kind, written)

    def with_properties(self, ch, s, e):
        return dict(c for c in ch if isinstance(c, tuple))

    def property(self, ch, s, e):
        value = ch[-1]
        text = value.text
        if value.type == "STRING":
            text = _unquote_string(text)
        return (ch[0].lower(), text)

    def entity(self, ch, s, e):
        names = [c for c in ch if isinstance(c, str)]
        return _Ref(names[0] if len(names) == 2 else None, names[-1], None, s)

    def column_ref(self, ch, s, e):
        names = [c for c in ch if isinstance(c, str)]
        database = names[0] if len(names) == 3 else None
        return _Ref(database, names[-2], names[-1], s)

    def name(self, ch, s, e):
        token = ch[0]
        if token.type == "QUOTED_NAME":
            return token.text.strip()[1:-1].strip()[1:-1]
        return token.text


def _unquote_string(text: str) -> str:
    if text[0] in "@hH":
        return text[2:-1]
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _callbacks(builder: _Builder) -> list:
    return [getattr(builder, name, None) for _lhs, _size, name, _keep, _mode, _splice in RULES]


_WORDS = {"COLON": "':'", "COMMA": "','", "LPAR": "'('", "RPAR": "')'", "DOT": "'.'", "EQUAL": "'='",
          "NAME": "a name", "QUOTED_NAME": "a name", "STRING": "a string", "NUMBER": "a number",
          "$END": "the end"}


def _failure(failure: lalr.LexFailure | lalr.ParseFailure, builder: _Builder, what: str) -> InputError:
    if isinstance(failure, lalr.LexFailure):
        words = {"open_string": "a string is never closed", "open_name": "a ['name'] is never closed"}
        return builder.error(words.get(failure.kind, f"unexpected character in {what}"), failure.start)
    token = failure.token
    expected = sorted({_WORDS.get(t, t.lower()) for t in failure.expected})
    wanted = ", ".join(expected[:-1]) + (" or " if len(expected) > 1 else "") + expected[-1] if expected else "nothing"
    if token.type == "$END":
        return builder.error(f"{what} ends too early: expected {wanted}", failure.last_end)
    where = what if what.startswith("after") else f"in {what}"
    return builder.error(f"expected {wanted} {where}, found '{token.text}'", token.start)


def parse_csl_schema(text: str, file: str, table: str, database: str | None = None,
                     base_line: int | None = None) -> TableSchema:
    """CSL schema text (`a:string, b:long`) of `table` -> TableSchema."""
    lines = lalr.LineMap(text)
    builder = _Builder(text, lines, file, 0)
    try:
        columns = lalr.parse(text, LANGUAGE, _callbacks(builder), start="csl_schema")
    except (lalr.LexFailure, lalr.ParseFailure) as failure:
        raise _failure(failure, builder, "the CSL schema (expected name:type, name:type, ...)") from None
    if base_line is not None:
        columns = tuple(c._replace(line=base_line) for c in columns)
    return TableSchema(table, database, columns, file, base_line or 1)


def _commands(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each command in a script (see the module doc)."""
    chunks = []
    start = None
    depth = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        bare = _STRINGS_AND_COMMENTS.sub("", line)
        if start is not None and depth <= 0 and (not bare.strip() or _COMMAND_START.match(line)):
            chunks.append((start, offset))
            start = None
        if start is None and _COMMAND_START.match(line):
            start = offset
            depth = 0
        if start is not None:
            depth += bare.count("(") - bare.count(")")
        offset += len(line)
    if start is not None:
        chunks.append((start, offset))
    return chunks


def parse_script(text: str, file: str) -> list[TableSchema]:
    """The tables a KQL script leaves behind, in the order they were first defined."""
    lines = lalr.LineMap(text)
    tables: dict[tuple[str | None, str], TableSchema] = {}
    for start, end in _commands(text):
        builder = _Builder(text, lines, file, start)
        try:
            command = lalr.parse(text[start:end], LANGUAGE, _callbacks(builder), start="command")
        except lalr.LexFailure as failure:
            raise _failure(failure, builder, "the command") from None
        except lalr.ParseFailure as failure:
            values = failure.values
            if any(isinstance(v, lalr.Token) and v.type == "LPAR" for v in values):
                closed = isinstance(values[-1], lalr.Token) and values[-1].type == "RPAR"
                what = "after the column list (a command ends at a blank line)" if closed else "the column list"
                raise _failure(failure, builder, what) from None
            continue  # not a command that sets columns
        _apply(command, tables, builder)
    return list(tables.values())


def _key(tables: dict, ref: _Ref) -> tuple[str | None, str] | None:
    for database, name in tables:
        if name == ref.table and (ref.database is None or database is None
                                  or database.lower() == ref.database.lower()):
            return (database, name)
    return None


def _apply(command: _Command, tables: dict, builder: _Builder) -> None:
    verb = command.verb
    if verb in ("create", "create-merge", "alter", "alter-merge"):
        properties = command.argument or {}
        for ref, columns in command.tables:
            key = _key(tables, ref)
            line, _ = builder.lines.position(builder.base + ref.offset)
            existing = tables.get(key) if key else None
            if existing is not None and verb in ("create-merge", "alter-merge"):
                names = {c.name for c in existing.columns}
                merged = existing.columns + tuple(c for c in columns if c.name not in names)
                tables[key] = existing._replace(columns=merged)
                continue
            if existing is not None and verb == "create":
                if [(c.name, c.type) for c in existing.columns] != [(c.name, c.type) for c in columns]:
                    raise builder.error(f".create table {ref.table}: the table was already created above "
                                        f"with other columns; use .create-merge or .alter", ref.offset)
                continue
            folder = properties.get("folder", existing.folder if existing else None)
            docstring = properties.get("docstring", existing.docstring if existing else None)
            table = TableSchema(ref.table, ref.database, tuple(columns), builder.file, line,
                                folder or None, docstring or None)
            tables[key or (ref.database, ref.table)] = table
        return
    (ref, *rest) = command.tables
    key = _key(tables, ref)
    if key is None:
        if verb == "drop-table":
            for other in rest:
                other_key = _key(tables, other)
                if other_key:
                    del tables[other_key]
            return
        raise builder.error(f"{ref.table} is not defined earlier in this script", ref.offset)
    table = tables[key]
    if verb == "drop-table":
        for other in command.tables:
            other_key = _key(tables, other)
            if other_key:
                del tables[other_key]
    elif verb == "rename-table":
        del tables[key]
        tables[(key[0], command.argument)] = table._replace(name=command.argument)
    elif verb == "drop-columns":
        tables[key] = table._replace(columns=tuple(c for c in table.columns if c.name not in command.argument))
    else:
        column = table.column(ref.column)
        if column is None:
            raise builder.error(f"table {ref.table} has no column {ref.column}", ref.offset)
        if verb == "drop-column":
            columns = tuple(c for c in table.columns if c.name != ref.column)
        elif verb == "rename-column":
            columns = tuple(c._replace(name=command.argument) if c.name == ref.column else c for c in table.columns)
        else:  # alter-column
            kind, written = command.argument
            columns = tuple(c._replace(type=kind, written_type=written) if c.name == ref.column else c
                            for c in table.columns)
        tables[key] = table._replace(columns=columns)
