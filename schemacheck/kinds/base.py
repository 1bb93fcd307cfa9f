"""The interface every destination kind implements, and what their comparators share.

A kind is an object with a few attributes and methods (sqlglot's `Dialect` is the model:
one class per dialect, looked up by name). The pipeline calls them in this order:

    load_tables(paths)                 -> catalog    the tables its schema files define
    find_table(catalog, where, report) -> (status, table)  the table an output is mapped to
    tables_named(catalog, alias)       -> [table]    for an output nothing maps
    compare(output, table, level, file, source) -> [Diagnostic]
    suggestion(builder)                -> OutputSuggestion  table-side commands, query rewrites

Attributes say what the job rules and the reports need to know: `label` ("Azure Data
Explorer"), `language` of its table-side commands ("kql", "tsql", "postgres"), their
`commands_title` and `comment` marker, the `script` format of `suggest --format` they go
to, `schema_suffixes` (the files of the schema paths it reads, registered with the kind),
`tables_key` (kinds reading the same files share one catalog),
and whether it authenticates only with the job's managed identity (SC603, SC604), parses
numbers as the job's culture writes them (SC606), and takes --cluster (live mode).

Comparators are pure: no I/O; `source` (the query's text) is used only for the
query-side fixes (schemacheck.edits).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the imports below
if TYPE_CHECKING:
    from typing import Any, Final, Literal

    from schemacheck.asa.infer import OutputColumn, OutputSchema
    from schemacheck.asa.types import Level

    # What became of an output (schemacheck.check.results.OutputCheck.status).
    Status = Literal["compared", "not-checked", "no-table", "table-missing"]

COMPARED: Final = "compared"
NOT_CHECKED: Final = "not-checked"
NO_TABLE: Final = "no-table"
TABLE_MISSING: Final = "table-missing"


class DestinationKind(ABC):
    """Defaults for the attributes; a kind sets its own and implements the methods."""

    name: str = ""
    label: str = ""
    language: str = ""
    script: str = ""
    commands_title: str = ""
    dialect_title: str = ""
    comment: str = ""
    tables_key: str = ""
    managed_identity_only: bool = False
    culture_sensitive: bool = False
    uses_cluster: bool = False
    # ASA creates the table when it does not exist (Delta): no table to compare is no gap (SC406).
    creates_table: bool = False
    # The findings `suggest` answers for this kind (an output with none of them is clean).
    handled: frozenset[str] = frozenset()

    @property
    def schema_suffixes(self) -> tuple[str, ...]:
        """The suffixes of the schema files it reads, as the registry says (schemacheck.kinds)."""
        from schemacheck import kinds

        return kinds.suffixes(self.name)

    @abstractmethod
    def load_tables(self, paths: tuple[str, ...], scripts: tuple = ()) -> Any:
        """The tables the files of `paths` define, and those of the job's own `scripts` of
        this kind (schemacheck.jobs.model.Script); an InputError names a bad file."""

    @abstractmethod
    def find_table(self, catalog: Any, where_to: Any, output: OutputSchema, report,
                   elsewhere: str | None = None) -> tuple[Status, Any]:
        """(status, table) for an output `where_to` maps to a named table; `report(code,
        message, span, **fields)` says what is wrong (SC402, SC501, ...). `elsewhere` names a
        table of that name among another kind's, for a catalog that holds no table."""

    def tables_named(self, catalog: Any, alias: str) -> list:
        """The tables named exactly `alias`, for an output nothing maps."""
        return []

    def by_name(self, alias: str, tables: list, where: Any, report) -> tuple[Status, Any]:
        """(status, table) for an output matched to `tables` (those tables_named found):
        SC405 for one, SC402 for several."""
        if len(tables) > 1:
            report("SC402", f"output {alias}: {self.label} tables of that name are loaded from several places; map "
                   f"it with --target {alias}={self.name}:TABLE", where)
            return NO_TABLE, None
        report("SC405", f"output {alias} is compared with {self.label} table {tables[0].qualified_name} "
               f"({tables[0].file}), the loaded table of the same name", where, table=tables[0].qualified_name)
        return COMPARED, tables[0]

    def mapping_hint(self, alias: str, table: Any) -> str:
        """How to map an output to `table`, said when another kind's catalog lacks it."""
        return (f"{table.file} holds {self.label} table {table.qualified_name}: map it with --target "
                f"{alias}={self.name}:{table.qualified_name}")

    @abstractmethod
    def compare(self, output: OutputSchema, table: Any, level: Level, file: str | None, source: str | None) -> list:
        """Every way the statement's columns do not fit `table`."""

    @abstractmethod
    def suggestion(self, builder: Any) -> Any:
        """The OutputSuggestion for one statement (schemacheck.suggest.Builder gathers the
        query rewrites and notes; the kind adds its table-side commands)."""


def unmapped_message(alias: str) -> str:
    """SC402 for an output that nothing maps and no loaded table is named like."""
    return (f"output {alias} has no table schema to compare with: map it with --target {alias}=TABLE or "
            f"[outputs.{alias}] in schemacheck.toml, or mark it kind = \"...\" if it is not Azure Data Explorer")


def closest(name: str, names: list[str]) -> str | None:
    """The name of `names` nearest to `name`, when one is near enough to be a slip."""
    from difflib import get_close_matches

    match = get_close_matches(name, names, n=1, cutoff=0.75)
    return match[0] if match else None


def lowered_by_asa(column: OutputColumn, level: Level) -> bool:
    """Whether ASA writes the column's name in lower case: at level 1.0, and below 1.2 for
    the alias of GetMetadataPropertyValue."""
    return (column.written is not None and column.written != column.name) or level == "1.0"


def shown_column(column: OutputColumn, level: Level) -> str:
    """The column as a message names it: as ASA writes it, and as written when that differs."""
    if column.written is not None and column.written != column.name:
        why = ("compatibility level 1.0 lower-cases names" if level == "1.0" else
               "below level 1.2 ASA lower-cases the alias of GetMetadataPropertyValue")
        return f"{column.name} (written {column.written}; {why})"
    return str(column.name)


def check_order(pairs, table, report) -> None:
    """SC301 when the (output column, table column) pairs are not in the table's order."""
    if len(pairs) < 2:
        return
    table_order = {c.name: i for i, c in enumerate(table.columns)}
    written = [target.name for _, target in pairs]
    wanted = sorted(written, key=table_order.__getitem__)
    if written == wanted:
        return
    first = next(i for i, (a, b) in enumerate(zip(written, wanted)) if a != b)
    column = pairs[first][0]
    report("SC301", f"the columns are written in another order than table {table.qualified_name} has them: "
           f"the table has {', '.join(wanted)}; the query writes {', '.join(written)}", column.span,
           query_column=column.name, table_column=wanted[first], table=table.qualified_name,
           fix=f"order the select list as the table: {', '.join(wanted)}")
