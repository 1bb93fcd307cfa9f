"""Table schemas as plain records, and the catalog that finds a table by name.

Table and column names are case-sensitive in Kusto; database names are not (adx.md
§3.6). A lookup that only matches with different letter case is not a match, but the
catalog can name it as the near miss.
"""

from __future__ import annotations

from schemacheck.records import Record, record


@record
class Column(Record):
    """A table column: `type` is the canonical Kusto type, `written_type` as the file spells it."""

    name: str
    type: str
    written_type: str
    line: int | None = None


@record
class TableSchema(Record):
    """A table as a schema file defines it; `file`/`line` say where."""

    name: str
    database: str | None
    columns: tuple[Column, ...]
    file: str
    line: int | None = None
    folder: str | None = None
    docstring: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.database}/{self.name}" if self.database else self.name

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    def column_ignoring_case(self, name: str) -> Column | None:
        lowered = name.lower()
        for column in self.columns:
            if column.name.lower() == lowered:
                return column
        return None


class TableCatalog:
    """Every loaded table, found by (database, name). `other_names` are names of tables known to
    exist without their schema (for near misses); `source` says where the tables come from."""

    def __init__(self, tables: tuple[TableSchema, ...] = (), other_names: tuple[tuple[str | None, str], ...] = (),
                 source: str = "loaded schemas") -> None:
        self.tables = tables
        self.other_names = other_names
        self.source = source

    def __len__(self) -> int:
        return len(self.tables)

    def find(self, name: str, database: str | None = None) -> TableSchema | None:
        """The table named exactly `name` (in `database`, when given and known)."""
        matches = [t for t in self.tables if t.name == name and _same_database(t.database, database)]
        if database is not None:
            # A file that names the database (a snapshot) beats one that does not (a script).
            named = [t for t in matches if t.database is not None]
            if named:
                return named[0]
        if len(matches) > 1 and database is None:
            return None  # the same name in several databases: the database must be named
        return matches[0] if matches else None

    def candidates(self, name: str, database: str | None = None) -> list[TableSchema]:
        return [t for t in self.tables if t.name == name and _same_database(t.database, database)]

    def near_misses(self, name: str, database: str | None = None) -> list[str]:
        """Existing table names close to `name`: same letters in another case first."""
        from difflib import get_close_matches

        names = sorted({t.name for t in self.tables if _same_database(t.database, database)}
                       | {n for d, n in self.other_names if _same_database(d, database)})
        same_case = [n for n in names if n.lower() == name.lower() and n != name]
        close = get_close_matches(name, names, n=3, cutoff=0.6)
        return same_case + [n for n in close if n not in same_case and n != name]


def _same_database(table_database: str | None, wanted: str | None) -> bool:
    return wanted is None or table_database is None or table_database.lower() == wanted.lower()
