"""The DDL reader's column definitions (schemacheck.sql.ddl reads the files): a column
list cut into elements, each element's type found, the options sqlglot cannot parse blanked,
the list parsed by sqlglot and made into SqlColumns; and `DraftTable`, a table while the
scripts are replayed.

sqlglot is imported on the first column list parsed, not with this module.
"""

from __future__ import annotations

from schemacheck.files import line_offsets
from schemacheck.records import Record, record
from schemacheck.sql.ddl_tokens import Lexemes
from schemacheck.sql.schema import ALWAYS, BY_DEFAULT, DIALECT_NAMES, POSTGRES, TSQL, SqlColumn, SqlTable

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.sql.ddl import _Source

# sqlglot DataType.Type member name -> the type as the dialect names it.
_TYPE_NAMES = {
    TSQL: {
        "BIGINT": "bigint", "INT": "int", "SMALLINT": "smallint", "TINYINT": "tinyint", "UTINYINT": "tinyint",
        "BIT": "bit", "BOOLEAN": "bit", "FLOAT": "float", "DOUBLE": "float", "DECIMAL": "decimal",
        "MONEY": "money", "SMALLMONEY": "smallmoney", "CHAR": "char", "VARCHAR": "varchar", "NCHAR": "nchar",
        "NVARCHAR": "nvarchar", "TEXT": "text", "DATE": "date", "TIME": "time", "DATETIME": "datetime",
        "DATETIME2": "datetime2", "SMALLDATETIME": "smalldatetime", "TIMESTAMPTZ": "datetimeoffset",
        "DATETIMEOFFSET": "datetimeoffset", "UUID": "uniqueidentifier", "UNIQUEIDENTIFIER": "uniqueidentifier",
        "BINARY": "binary", "VARBINARY": "varbinary", "IMAGE": "image", "XML": "xml", "JSON": "json",
        "VARIANT": "sql_variant", "GEOGRAPHY": "geography", "GEOMETRY": "geometry", "ROWVERSION": "rowversion",
    },
    POSTGRES: {
        "BIGINT": "bigint", "INT": "integer", "SMALLINT": "smallint", "BIGSERIAL": "bigserial", "SERIAL": "serial",
        "SMALLSERIAL": "smallserial", "FLOAT": "real", "DOUBLE": "double precision", "DECIMAL": "numeric",
        "MONEY": "money", "TEXT": "text", "VARCHAR": "character varying", "CHAR": "character",
        "BOOLEAN": "boolean", "DATE": "date", "TIME": "time", "TIMETZ": "time with time zone",
        "TIMESTAMP": "timestamp", "TIMESTAMPTZ": "timestamp with time zone", "INTERVAL": "interval",
        "UUID": "uuid", "JSON": "json", "JSONB": "jsonb", "VARBINARY": "bytea", "BIT": "bit", "XML": "xml",
    },
}
# The type as written (lower case, brackets removed) -> its name, where sqlglot's DataType
# does not tell them apart (T-SQL real and float are both FLOAT, text and ntext both TEXT,
# decimal and numeric both DECIMAL) or does not know the spelling.
_WRITTEN_TYPES = {
    TSQL: {
        "real": "real", "numeric": "numeric", "ntext": "ntext", "national text": "ntext",
        "timestamp": "rowversion", "double precision": "float", "hierarchyid": "hierarchyid",
        "national character varying": "nvarchar", "national char varying": "nvarchar",
        "national character": "nchar", "national char": "nchar", "binary varying": "varbinary",
    },
    POSTGRES: {
        "serial4": "serial", "serial8": "bigserial", "serial2": "smallserial",
        "varbit": "bit varying", "bit varying": "bit varying",
    },
}
# Spellings sqlglot cannot parse -> one it can (no longer than the spelling: the text is
# replaced in place, padded with blanks, so positions stay right).
_TYPE_REWRITES = {
    TSQL: {"national character varying": "nvarchar", "national char varying": "nvarchar",
           "national character": "nchar", "national char": "nchar", "binary varying": "varbinary"},
    POSTGRES: {"bit varying": "varbit"},
}
# Types whose arguments sqlglot cannot parse and that do not matter (T-SQL xml(CONTENT schema_collection)).
_ARGUMENTS_IGNORED = {TSQL: frozenset({"xml"}), POSTGRES: frozenset()}
# Types with a length -> the length when none is written (None: unbounded).
_DEFAULT_LENGTHS: dict[str, dict[str, int | None]] = {
    TSQL: {"char": 1, "varchar": 1, "nchar": 1, "nvarchar": 1, "binary": 1, "varbinary": 1},
    POSTGRES: {"character": 1, "character varying": None, "bit": 1, "bit varying": None},
}
_DECIMALS = frozenset({"decimal", "numeric"})
_DEFAULT_PRECISION = {TSQL: 18, POSTGRES: None}
# FLOAT(n) with n <= 24 is the 4-byte type in both dialects.
_SINGLE_PRECISION_DIGITS = 24
_FLOATS = {TSQL: ("real", "float"), POSTGRES: ("real", "double precision")}
_SERIALS = frozenset({"serial", "bigserial", "smallserial"})
_SERVER_GENERATED = {TSQL: frozenset({"rowversion"}), POSTGRES: frozenset()}

# Column options that change nothing the checker needs and that sqlglot does not parse,
# blanked before parsing. A pattern: words; "*" any one token; "WORD?" an optional word;
# "()" a parenthesized group, "(?)" an optional one.
_HARMLESS_OPTIONS = {
    TSQL: (("INDEX", "*", "CLUSTERED?", "NONCLUSTERED?", "(?)"), ("SPARSE",), ("ROWGUIDCOL",), ("FILESTREAM",),
           ("HIDDEN",), ("CLUSTERED",), ("NONCLUSTERED",), ("NOT", "FOR", "REPLICATION"), ("WITH", "VALUES"),
           ("MASKED", "WITH", "()"), ("ENCRYPTED", "WITH", "()"), ("WITH", "()"),
           ("COLUMN_SET", "FOR", "ALL_SPARSE_COLUMNS")),
    POSTGRES: (("COMPRESSION", "*"), ("STORAGE", "*"), ("VIRTUAL",)),
}
# Words that end a column's type: its options and constraints begin.
_TYPE_ENDS = frozenset({
    "CONSTRAINT", "NOT", "NULL", "DEFAULT", "IDENTITY", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "GENERATED",
    "COLLATE", "AS", "FOREIGN", "SPARSE", "FILESTREAM", "ROWGUIDCOL", "MASKED", "ENCRYPTED", "INDEX", "CLUSTERED",
    "NONCLUSTERED", "STORAGE", "COMPRESSION", "HIDDEN", "COLUMN_SET", "PERSISTED", "WITH",
})
_TABLE_CONSTRAINTS = {
    TSQL: frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "INDEX", "PERIOD"}),
    POSTGRES: frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE"}),
}
_PREFIX = "CREATE TABLE t ("


@record
class Element(Record):
    """A column definition or constraint in a column list: lexemes [lo, hi); a column's
    type is lexemes [type_lo, type_hi) (empty for a T-SQL computed column)."""

    lo: int
    hi: int
    type_lo: int = 0
    type_hi: int = 0


class DraftTable:
    """A table while the scripts are replayed."""

    def __init__(self, name: str, schema: str | None, columns: list[SqlColumn], file: str, line: int,
                 column: int, case_sensitive: bool) -> None:
        self.name, self.schema, self.columns = name, schema, columns
        self.file, self.line, self.column, self.case_sensitive = file, line, column, case_sensitive
        self.default_constraints: dict[str, str] = {}  # T-SQL drops a default by its constraint's name

    def find(self, name: str, dialect: str) -> int | None:
        return find_column(self.columns, name, dialect, self.case_sensitive)

    def record(self, dialect: str) -> SqlTable:
        return SqlTable(self.name, self.schema, tuple(self.columns), dialect, self.file, self.line, self.column,
                        self.case_sensitive)


def find_column(columns: list[SqlColumn], name: str, dialect: str, case_sensitive: bool) -> int | None:
    """The index of the column named `name` (T-SQL: in any case, unless case-sensitive)."""
    if dialect == TSQL and not case_sensitive:
        name = name.lower()
        return next((i for i, c in enumerate(columns) if c.name.lower() == name), None)
    return next((i for i, c in enumerate(columns) if c.name == name), None)


class ColumnReader(Lexemes):
    """A batch's lexemes read as column definitions; `named_defaults` maps the names of the
    DEFAULT constraints of the definitions parsed last to their columns."""

    def __init__(self, source: _Source, dialect: str, start: int, end: int, case_sensitive: bool) -> None:
        super().__init__(source, dialect, start, end)
        self.case_sensitive = case_sensitive
        self.named_defaults: dict[str, str] = {}  # constraint name -> column, of the definitions parsed last

    def column_list(self, lo: int, hi: int, label: str) -> list[SqlColumn] | None:
        """The columns defined by the column list [lo, hi); None for a list that does not
        define them (LIKE another table). Sets `named_defaults`."""
        self.named_defaults = {}
        if lo == hi:
            return []
        elements, primary_key = [], []
        for start, end in self.split(lo, hi):
            if start == end:
                where = self.lexemes[start].start if start < self.count else self.lexemes[lo].start
                raise self.source.error(f"an empty element in the column list of table {label} (a comma too many?); "
                                        f"remove it", where)
            first = self.word(start)
            if first == "LIKE" and self.dialect == POSTGRES:
                return None
            if self.is_constraint(start):
                primary_key.extend(self.primary_key_columns(start, end))
                continue
            elements.append(self.element(start, end))
        columns = self.parse_columns(elements, label)
        for key_column in primary_key:
            found = find_column(columns, key_column, self.dialect, self.case_sensitive)
            if found is not None:
                columns[found] = columns[found]._replace(nullable=False)
        return columns

    def is_constraint(self, index: int) -> bool:
        first = self.word(index)
        if first not in _TABLE_CONSTRAINTS[self.dialect]:
            return False
        if first == "PERIOD":
            return self.word(index + 1) == "FOR"
        if first == "EXCLUDE":  # a PostgreSQL column may be named exclude
            return self.word(index + 1) == "USING" or self.punct(index + 1, "(")
        return True

    def primary_key_columns(self, lo: int, hi: int) -> list[str]:
        """The columns a PRIMARY KEY constraint in [lo, hi) lists."""
        for k in range(lo, hi - 1):
            if self.words(k, "PRIMARY", "KEY"):
                k += 2
                while self.word(k) in ("CLUSTERED", "NONCLUSTERED"):
                    k += 1
                close = self.closing(k, hi) if self.punct(k, "(") else None
                if close is None:
                    return []
                return [name[0] for start, end in self.split(k + 1, close)
                        if start < end and (name := self.name_of(start)) is not None]
        return []

    def element(self, lo: int, hi: int) -> Element:
        """A column definition: where its type is."""
        index = lo + 1
        if self.dialect == TSQL and self.word(index) == "AS":
            return Element(lo, hi, index, index)
        depth = 0
        while index < hi:
            lexeme = self.lexemes[index]
            if lexeme.kind == "punct" and lexeme.text in "([":
                depth += 1
            elif lexeme.kind == "punct" and lexeme.text in ")]":
                depth -= 1
            elif depth == 0 and lexeme.word in _TYPE_ENDS:
                if not (lexeme.word == "WITH" and self.word(index + 1) in ("TIME", "LOCAL")):
                    break
            index += 1
        return Element(lo, hi, lo + 1, index)

    def type_base(self, element: Element) -> tuple[str, int]:
        """The type's name as written, before its arguments or array brackets (lower case,
        brackets removed, spaces collapsed), and the index after that name."""
        parts, index = [], element.type_lo
        while index < element.type_hi:
            lexeme = self.lexemes[index]
            if (lexeme.kind == "punct" and lexeme.text in "([") or lexeme.word == "ARRAY":
                break
            if lexeme.kind == "punct":
                parts.append(lexeme.text)
            elif lexeme.kind == "name" and self.dialect == POSTGRES:
                parts.append('"' + lexeme.text + '"')
            else:
                parts.append(lexeme.text.lower())
            index += 1
        return " ".join(parts).replace(" . ", "."), index

    def edits(self, element: Element) -> list[tuple[int, int, str]]:
        """Text replacements that let sqlglot parse the element: a type spelling it does
        not know, options that do not matter (`_HARMLESS_OPTIONS`)."""
        result = []
        base, base_end = self.type_base(element)
        rewrite = _TYPE_REWRITES[self.dialect].get(base)
        if rewrite is not None and base_end > element.type_lo:
            start, end = self.lexemes[element.type_lo].start, self.lexemes[base_end - 1].end
            if len(rewrite) <= end - start:
                result.append((start, end, rewrite))
        if base in _ARGUMENTS_IGNORED[self.dialect] and self.punct(base_end, "("):
            close = self.closing(base_end, element.type_hi)
            if close is not None:
                result.append((self.lexemes[base_end].start, self.lexemes[close].end, ""))
        index, depth = element.type_hi, 0
        while index < element.hi:
            if self.punct(index, "("):
                depth += 1
            elif self.punct(index, ")"):
                depth -= 1
            elif depth == 0:
                for pattern in _HARMLESS_OPTIONS[self.dialect]:
                    after = self.match(pattern, index, element.hi)
                    if after is not None:
                        result.append((self.lexemes[index].start, self.lexemes[after - 1].end, ""))
                        index = after - 1
                        break
            index += 1
        return result

    def match(self, pattern: tuple[str, ...], index: int, hi: int) -> int | None:
        """The index after `pattern` matched at `index`, or None."""
        for item in pattern:
            if item in ("()", "(?)"):
                close = self.closing(index, hi) if self.punct(index, "(") else None
                if close is not None:
                    index = close + 1
                elif item == "()":
                    return None
            elif item == "*":
                if index >= hi:
                    return None
                index += 1
            elif item.endswith("?"):
                if index < hi and self.word(index) == item[:-1]:
                    index += 1
            elif index < hi and self.word(index) == item:
                index += 1
            else:
                return None
        return index

    def cleaned(self, start: int, end: int, edits: list[tuple[int, int, str]]) -> str:
        """The masked text [start, end) with `edits` made in place (padded with blanks)."""
        pieces, position = [], start
        for edit_start, edit_end, replacement in sorted(edits):
            if edit_start < position or edit_end > end:
                continue
            pieces.append(self.source.masked[position:edit_start])
            pieces.append(replacement.ljust(edit_end - edit_start))
            position = edit_end
        pieces.append(self.source.masked[position:end])
        return "".join(pieces)

    def parse(self, start: int, end: int, edits: list[tuple[int, int, str]]):
        """sqlglot's column definitions of the text [start, end) read as a column list, by
        the file offset of each one's name; or (None, why sqlglot failed)."""
        import sqlglot
        from sqlglot import exp
        from sqlglot.errors import ParseError

        snippet = _PREFIX + self.cleaned(start, end, edits) + ")"
        try:
            tree = sqlglot.parse_one(snippet, read=self.dialect, error_level=sqlglot.ErrorLevel.RAISE)
        except ParseError as error:
            return None, self.parse_error(error, snippet, start)
        except RecursionError:
            return None, "it nests too deeply for sqlglot to read (simplify its DEFAULT or computed expression)"
        except Exception:  # sqlglot fails in other ways too; its exception texts mean nothing to users
            return None, "sqlglot cannot read it"
        schema = tree.this if isinstance(tree, exp.Create) else None
        if not isinstance(schema, exp.Schema):
            return None, "sqlglot took it for a statement it does not model"
        found = {}
        for definition in schema.expressions:
            if isinstance(definition, exp.ColumnDef):
                offset = definition.this.meta.get("start") if isinstance(definition.this, exp.Identifier) else None
                if isinstance(offset, int):
                    found[offset - len(_PREFIX) + start] = definition
        return found, None

    def parse_error(self, error, snippet: str, start: int) -> str:
        """sqlglot's first complaint, with where it is in the file."""
        details = error.errors[0] if error.errors else {}
        description = details.get("description") or "not valid here"
        if "<" in description:   # a repr of sqlglot's internals (<class ...>, <Token ...>)
            description = "not valid here"
        highlight, line, column = details.get("highlight"), details.get("line"), details.get("col")
        if not highlight:
            return description
        where = ""
        starts = line_offsets(snippet)
        if isinstance(line, int) and isinstance(column, int) and 0 < line <= len(starts):
            # sqlglot's column is where the highlighted token ends.
            offset = starts[line - 1] + column - len(highlight)
            if len(_PREFIX) <= offset < len(snippet) - 1:
                file_line, file_column = self.source.position(offset - len(_PREFIX) + start)
                where = f" ({file_line}:{file_column})"
        return f"{description} at {highlight!r}{where}"

    def parse_columns(self, elements: list[Element], label: str, cut: dict[int, int] | None = None,
                      more_edits: dict[int, list] | None = None) -> list[SqlColumn]:
        """SqlColumns of column definitions: the whole list parsed at once, any definition
        that does not come out of that parsed alone. `cut` ends an element's text early
        (PostgreSQL ALTER COLUMN ... TYPE t USING ...); `more_edits` adds edits."""
        if not elements:
            return []
        cut = cut or {}
        more_edits = more_edits or {}
        edits = [e for element in elements for e in self.edits(element) + more_edits.get(element.lo, [])]
        ends = {element.lo: cut.get(element.lo, self.lexemes[element.hi - 1].end) for element in elements}
        found, _ = (self.parse(self.lexemes[elements[0].lo].start, ends[elements[-1].lo], edits)
                    if len(elements) > 1 and not cut else (None, None))
        columns = []
        for element in elements:
            start = self.lexemes[element.lo].start
            if element.type_lo == element.type_hi and not (self.dialect == TSQL and self.word(element.type_lo) == "AS"):
                name = self.name_of(element.lo)
                raise self.source.error(f"column {name[0] if name else self.written(element.lo, element.hi)} of "
                                        f"table {label} has no type; write one", start)
            definition = (found or {}).get(start)
            if definition is None:
                alone, why = self.parse(start, ends[element.lo], edits)
                definition = (alone or {}).get(start)
                if definition is None:
                    why = why or "not a column definition"
                    raise self.source.error(
                        f"sqlglot cannot parse this column definition of table {label} as "
                        f"{DIALECT_NAMES[self.dialect]}: {why}; simplify it or report it", start)
            columns.append(self.column(definition, element, label))
        return columns

    def column(self, definition, element: Element, label: str) -> SqlColumn:
        """An SqlColumn from sqlglot's ColumnDef and the element's text."""
        from sqlglot import exp

        name, quoted = self.name_of(element.lo) or (definition.this.name, bool(definition.this.args.get("quoted")))
        start = self.lexemes[element.lo].start
        line, column = self.source.position(start)
        nullable, default, identity, computed, primary_key = True, False, None, False, False
        for constraint in definition.constraints:
            kind = constraint.args.get("kind")
            if isinstance(kind, exp.NotNullColumnConstraint):
                nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                primary_key = True
            elif isinstance(kind, exp.DefaultColumnConstraint):
                default = True
                if isinstance(constraint.this, exp.Identifier):
                    self.named_defaults[constraint.this.name.lower()] = name
            elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
                if kind.args.get("expression") is not None:  # PostgreSQL GENERATED ALWAYS AS (expr)
                    computed = True
                else:
                    identity = ALWAYS if self.dialect == TSQL or kind.args.get("this") else BY_DEFAULT
            elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                identity = ALWAYS
            elif isinstance(kind, exp.ComputedColumnConstraint):
                computed = True
                nullable = nullable and not kind.args.get("not_null")
            elif isinstance(kind, exp.GeneratedAsRowColumnConstraint):
                computed = True  # a system-versioned table's period column
        data_type = definition.args.get("kind")
        if isinstance(data_type, exp.DataType):
            base, _ = self.type_base(element)
            type_name, length, precision, scale = self.type_of(data_type, base)
            written_type = self.written(element.type_lo, element.type_hi)
        elif computed:
            type_name, length, precision, scale = "computed", None, None, None
            written_type = self.computed_text(element)
        else:
            raise self.source.error(f"column {name} of table {label} has no type; write one", start)
        if type_name in _SERIALS:
            default, nullable = True, False
        if type_name in _SERVER_GENERATED[self.dialect]:
            computed, nullable = True, False
        if primary_key or identity is not None:
            nullable = False
        return SqlColumn(name, type_name, written_type, nullable, default, identity, computed, length, precision,
                         scale, quoted, line, column)

    def computed_text(self, element: Element) -> str:
        """`AS (expr)` of a T-SQL computed column as written."""
        after = element.type_lo + 1
        close = self.closing(after, element.hi) if self.punct(after, "(") else None
        return self.written(element.type_lo, close + 1 if close is not None else element.hi)

    def type_of(self, data_type, base: str) -> tuple[str, int | None, int | None, int | None]:
        """(type, length, precision, scale) of a sqlglot DataType written as `base`."""
        from sqlglot import exp

        kind = data_type.this.name
        if kind == "ARRAY" and data_type.expressions and isinstance(data_type.expressions[0], exp.DataType):
            # PostgreSQL ignores the number of dimensions: text[][] is text[].
            return self.type_of(data_type.expressions[0], base)[0].removesuffix("[]") + "[]", None, None, None
        name = (_WRITTEN_TYPES[self.dialect].get(base) or _TYPE_NAMES[self.dialect].get(kind)
                or base or kind.lower())
        arguments = [p.name.upper() for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
        numbers = [int(a) for a in arguments if a.isascii() and a.isdigit() and len(a) < 19]
        single, double = _FLOATS[self.dialect]
        if name in (single, double) and numbers:
            name = single if numbers[0] <= _SINGLE_PRECISION_DIGITS else double
        length = precision = scale = None
        lengths = _DEFAULT_LENGTHS[self.dialect]
        if name in lengths:
            length = numbers[0] if numbers else (None if arguments else lengths[name])
        if name in _DECIMALS:
            precision = numbers[0] if numbers else _DEFAULT_PRECISION[self.dialect]
            scale = numbers[1] if len(numbers) > 1 else (0 if precision is not None else None)
        return name, length, precision, scale

