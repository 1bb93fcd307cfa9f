"""The DDL reader's statements (schemacheck.sql.ddl reads the files): `Script` walks a
batch statement by statement and applies CREATE, ALTER and DROP TABLE to the loader's
tables, noting the statements skipped that might define or change a table.
"""

from __future__ import annotations

from schemacheck.errors import InputError
from schemacheck.sql.ddl_columns import ColumnReader, DraftTable, Element
from schemacheck.sql.ddl_tokens import DYNAMIC_ROUTINE, DYNAMIC_TABLE, MENTIONS_TABLE
from schemacheck.sql.schema import ALWAYS, BY_DEFAULT, DIALECT_NAMES, POSTGRES, TSQL, SqlColumn

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.sql.ddl import _Loader, _Source

_TSQL_ROUTINES = frozenset({"PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "VIEW"})
# ALTER TABLE actions that change nothing the checker tracks (others not read are noted).
_HARMLESS_ALTER_ACTIONS = {
    TSQL: frozenset({"CHECK", "NOCHECK", "SWITCH", "SET", "REBUILD", "ENABLE", "DISABLE", "LOCK"}),
    POSTGRES: frozenset({"OWNER", "ENABLE", "DISABLE", "FORCE", "NO", "REPLICA", "CLUSTER", "SET", "RESET",
                         "VALIDATE", "ATTACH", "DETACH", "INHERIT", "OF", "NOT"}),
}
_POSTGRES_ROUTINES = frozenset({"FUNCTION", "PROCEDURE"})
_TABLE_MODIFIERS = frozenset({"GLOBAL", "LOCAL", "UNLOGGED"})
_TEMPORARY = frozenset({"TEMP", "TEMPORARY"})
# T-SQL needs no ";" between statements: one of these words ends an ALTER TABLE.
_TSQL_STATEMENTS = frozenset({
    "CREATE", "INSERT", "UPDATE", "DELETE", "SELECT", "EXEC", "EXECUTE", "PRINT", "IF", "ELSE", "BEGIN", "END",
    "DECLARE", "USE", "GRANT", "REVOKE", "DENY", "MERGE", "TRUNCATE", "RAISERROR", "THROW", "WHILE", "RETURN",
    "GOTO", "COMMIT", "ROLLBACK",
})
# Words after which a SELECT's INTO cannot come any more.
_SELECT_LIST_ENDS = frozenset({"FROM", "WHERE", "UNION", "EXCEPT", "INTERSECT", "SELECT", "CREATE", "ALTER", "DROP"})


class Script(ColumnReader):
    """One batch's statements, applied to the loader's tables; `plpgsql`: the body of a
    PostgreSQL DO block (its EXECUTE runs dynamic SQL, its SELECT ... INTO sets variables)."""

    def __init__(self, loader: _Loader, source: _Source, start: int, end: int, case_sensitive: bool,
                 plpgsql: bool = False) -> None:
        super().__init__(source, loader.dialect, start, end, case_sensitive)
        self.loader, self.plpgsql = loader, plpgsql

    def label(self, schema: str | None, name: str) -> str:
        return f"{schema}.{name}" if schema else name

    def note(self, index: int, what: str, why: str) -> None:
        self.loader.note(self.source, self.lexemes[index].start, what, why)

    def run(self) -> None:
        """Every statement of the batch, in order. Statements are found by their first word
        outside parentheses, wherever they are: guards (IF ... [ELSE ...]), BEGIN ... END,
        TRY/CATCH, transactions and PL/pgSQL blocks run as if every branch ran."""
        index, depth = 0, 0
        while index < self.count:
            word = self.word(index)
            if self.punct(index, "("):
                depth += 1
            elif self.punct(index, ")"):
                depth = max(0, depth - 1)
            elif depth > 0 or self.punct(index - 1, "."):
                pass  # (".create table" is a Kusto command, in a schema file given by name)
            elif word in ("CREATE", "ALTER", "DROP"):
                index = self.statement(index)
                continue
            elif self.dialect == TSQL and word in ("EXEC", "EXECUTE"):
                index = self.execute(index, index + 1)
                continue
            elif self.dialect == TSQL and index == 0 and self.system_procedure(index):
                index = self.execute(index, index)  # called first in its batch, without EXEC
                continue
            elif self.plpgsql and word == "EXECUTE":
                index = self.dynamic_sql(index, index + 1, self.argument_end(index + 1, ("INTO", "USING")))
                continue
            elif self.dialect == POSTGRES and word == "DO":
                index = self.do_block(index)
                continue
            elif word == "SELECT" and not self.plpgsql:
                self.select_into(index)
            index += 1

    # --- statements skipped, noted when they might define or change a table

    def execute(self, index: int, at: int) -> int:
        """T-SQL EXEC at `index` of what is at `at`: dynamic SQL (`EXEC (...)`, sp_executesql)
        and sp_rename are noted; a procedure call is not read (its body is not either)."""
        if self.punct(at, "("):
            close = self.closing(at)
            end = close if close is not None else self.statement_end(at + 1)
            self.dynamic_sql(index, at + 1, end)
            return end + 1 if close is not None else end
        if self.text_is(at, "@"):  # EXEC @status = procedure ...
            if not self.text_is(at + 2, "="):
                return at + 1  # EXEC @procedure_name: not known here
            at += 3
        named = self.qualified_name(at)
        if named is None:
            return max(at, index + 1)
        procedure, after = named[1].lower(), named[3]
        if procedure == "sp_rename":
            self.note(index, "sp_rename", "the check still knows the table or column it renames by its old name")
        elif procedure == "sp_executesql":
            if self.text_is(after, "@") and self.text_is(after + 2, "="):  # @stmt = N'...'
                after += 3
            return self.dynamic_sql(index, after, self.argument_end(after, ()))
        return after

    def system_procedure(self, index: int) -> bool:
        """Whether a procedure the reader notes (sp_rename, sp_executesql) is named at `index`."""
        named = self.qualified_name(index)
        return named is not None and named[1].lower() in ("sp_rename", "sp_executesql")

    def argument_end(self, index: int, stops: tuple[str, ...]) -> int:
        """The end of an argument starting at `index`: a `,` outside parentheses, a word of
        `stops`, or the statement's end."""
        end, depth = self.statement_end(index), 0
        for k in range(index, end):
            if self.punct(k, "("):
                depth += 1
            elif self.punct(k, ")"):
                depth -= 1
            elif depth <= 0 and (self.punct(k, ",") or self.word(k) in stops):
                return k
        return end

    def dynamic_sql(self, index: int, lo: int, hi: int) -> int:
        """Dynamic SQL run by the statement at `index`, its text given by [lo, hi): noted
        unless it is written out in strings and defines or changes no table."""
        pieces = [self.lexemes[k] for k in range(lo, hi)]
        strings = [p.text for p in pieces if p.kind == "string"]
        literal = bool(strings) and all(p.kind == "string" or p.text in ("+", "||", "(", ")") for p in pieces)
        text = "".join(strings)
        if not literal or (not DYNAMIC_ROUTINE.match(text) and DYNAMIC_TABLE.search(text)):
            verb = self.word(index) if self.word(index) in ("EXEC", "EXECUTE") else self.lexemes[index].text
            self.note(index, f"{verb} of dynamic SQL",
                      "a table it creates or changes is not known to the check")
        return max(hi, index + 1)

    def select_into(self, index: int) -> None:
        """Note SELECT ... INTO a new table (not a temporary one): its columns come from the query.
        INTO comes before FROM, in the select list's statement."""
        depth, cases = 0, 0
        for k in range(index + 1, self.count):
            word = self.word(k)
            if self.punct(k, "("):
                depth += 1
            elif self.punct(k, ")"):
                depth -= 1
                if depth < 0:
                    return
            elif depth > 0:
                continue
            elif word == "CASE":
                cases += 1
            elif word == "END" and cases:
                cases -= 1
            elif self.punct(k, ";") or word in _SELECT_LIST_ENDS or (self.dialect == TSQL and word in _TSQL_STATEMENTS):
                return
            elif word == "INTO":
                at = k + 1
                if self.word(at) in _TEMPORARY:
                    return
                while self.word(at) in ("UNLOGGED", "TABLE"):
                    at += 1
                named = self.qualified_name(at)
                if named is not None and not named[2]:
                    self.note(index, f"SELECT ... INTO {self.label(named[0], named[1])}",
                              "the table it creates takes its columns from the query, so the check does not know it")
                return

    def do_block(self, index: int) -> int:
        """A PostgreSQL DO block: its PL/pgSQL body read as a script (CREATE TABLE inside an IF,
        an exception block, ...); one in another language, or that cannot be read, is noted
        when it may define or change a table."""
        at, language = index + 1, "plpgsql"
        if self.word(at) == "LANGUAGE" and at + 1 < self.count:
            language, at = self.lexemes[at + 1].text, at + 2
        if at >= self.count or self.lexemes[at].kind != "string":
            return at  # ON CONFLICT ... DO NOTHING, a rule's DO INSTEAD, ...
        body, at = self.lexemes[at], at + 1
        if self.word(at) == "LANGUAGE" and at + 1 < self.count:
            language, at = self.lexemes[at + 1].text, at + 2
        raw = self.source.masked[body.start:body.end]
        tag = raw[:raw.find("$", 1) + 1] if raw.startswith("$") else ""
        why = "a table it creates or changes is not known to the check"
        if language.lower() != "plpgsql":
            if MENTIONS_TABLE.search(body.text):
                self.note(index, f"DO block in {language}", why)
            return at
        if not tag or not raw.endswith(tag) or len(raw) < 2 * len(tag):
            if MENTIONS_TABLE.search(body.text):  # a body in '...' (its quotes doubled): rare
                self.note(index, "DO block written as a quoted string", why)
            return at
        try:
            script = Script(self.loader, self.source, body.start + len(tag), body.end - len(tag),
                             self.case_sensitive, plpgsql=True)
        except InputError:
            if MENTIONS_TABLE.search(body.text):
                self.note(index, "DO block", f"it cannot be read as PL/pgSQL; {why}")
            return at
        script.run()
        return at

    def statement(self, index: int) -> int:
        """Apply the statement at `index`; the index to go on from."""
        verb, at = self.word(index), index + 1
        if verb == "CREATE":
            if self.word(at) == "OR" and self.word(at + 1) in ("REPLACE", "ALTER"):
                at += 2
            temporary = False
            while self.word(at) in _TABLE_MODIFIERS or self.word(at) in _TEMPORARY:
                temporary = temporary or self.word(at) in _TEMPORARY
                at += 1
            if self.word(at) == "TABLE":
                return self.create_table(index, at + 1, temporary)
            if self.word(at) in ("EXTERNAL", "FOREIGN") and self.word(at + 1) == "TABLE":
                return at + 2  # data kept elsewhere, not a table a job writes to
            if self.dialect == TSQL and self.word(at) in _TSQL_ROUTINES:
                return self.count  # the body runs to the end of the batch; its CREATE TABLE #t is not ours
            if self.dialect == POSTGRES and self.word(at) in _POSTGRES_ROUTINES:
                return self.skip_routine(at)
            return at
        if verb == "ALTER":
            if self.dialect == TSQL and self.word(at) in _TSQL_ROUTINES:
                return self.count
            if self.word(at) == "TABLE":
                return self.alter_table(at + 1)
            return at
        if self.word(at) == "TABLE":
            return self.drop_table(at + 1)
        return at

    def skip_routine(self, index: int) -> int:
        """Past a PostgreSQL CREATE FUNCTION/PROCEDURE: its `;`, or the end of a BEGIN ATOMIC body."""
        depth, atomic, cases = 0, False, 0
        while index < self.count:
            word = self.word(index)
            if self.punct(index, "("):
                depth += 1
            elif self.punct(index, ")"):
                depth -= 1
            elif word == "BEGIN" and self.word(index + 1) == "ATOMIC":
                atomic = True
            elif atomic and word == "CASE":
                cases += 1
            elif atomic and word == "END":
                if cases:
                    cases -= 1
                else:
                    atomic = False
            elif not atomic and depth <= 0 and self.punct(index, ";"):
                return index + 1
            index += 1
        return index

    def statement_end(self, index: int) -> int:
        """Where the statement going on at `index` ends: `;`, the next CREATE/ALTER/DROP TABLE,
        or (T-SQL, which needs no `;`) the next statement's first word (SET too, but where
        the statement goes on: ALTER TABLE t SET (...), and after ON DELETE / ON UPDATE)."""
        depth, cases, start = 0, 0, index
        while index < self.count:
            word = self.word(index)
            if self.punct(index, "("):
                depth += 1
            elif self.punct(index, ")"):
                depth -= 1
            elif depth <= 0:
                if self.punct(index, ";"):
                    return index
                if word in ("CREATE", "ALTER", "DROP") and self.word(index + 1) == "TABLE":
                    return index
                if word == "CASE":
                    cases += 1
                elif word == "END" and cases:
                    cases -= 1
                elif (self.dialect == TSQL and not cases and word in _TSQL_STATEMENTS
                      and self.word(index - 1) != "ON"):  # ON DELETE / ON UPDATE of a foreign key
                    return index
                elif (self.dialect == TSQL and word == "SET" and index != start
                      and self.word(index - 1) not in ("DELETE", "UPDATE")):
                    return index
            index += 1
        return index

    # --- CREATE TABLE

    def create_table(self, create: int, index: int, temporary: bool) -> int:
        if_not_exists = self.words(index, "IF", "NOT", "EXISTS")
        if if_not_exists:
            index += 3
        named = self.qualified_name(index)
        if named is None:
            # Not a name in this dialect ([dbo].[T] read as PostgreSQL): say so, rather than
            # leave the table out and report it missing later.
            if index < self.count:
                raise self.source.error(f"the name of this table cannot be read as {DIALECT_NAMES[self.dialect]}; "
                                        "is the file written for another database?", self.lexemes[index].start)
            return index
        schema, name, hashed, index = named
        if temporary or hashed:
            return index
        label = self.label(schema, name)
        if not self.punct(index, "("):
            # CREATE TABLE AS SELECT, PARTITION OF, OF type, AS FileTable, AS CLONE OF
            self.not_read(create, label, self.without_columns(index))
            return index
        close = self.closing(index)
        if close is None:
            raise self.source.error(f"the column list of table {label} has no closing ')'; close it",
                                    self.lexemes[index].start)
        after = close + 1
        if self.filled_by_query(after):
            self.not_read(create, label, "its columns come from a query")
            return after  # CREATE TABLE t (a, b) [WITH (...)] AS SELECT: names without types
        columns = self.column_list(index + 1, close, label)
        if columns is None:
            self.not_read(create, label, "its columns are copied from another table (LIKE)")
            return after
        if self.word(after) == "INHERITS" and self.punct(after + 1, "("):
            parents_close = self.closing(after + 1) or after + 1
            inherited = self.inherited_columns(after + 2, parents_close)
            if inherited is None:
                self.not_read(create, label, "it inherits from a table not defined before it")
                return parents_close + 1
            own = {c.name for c in columns}
            columns = [c for c in inherited if c.name not in own] + columns
        line, column = self.source.position(self.lexemes[create].start)
        table = DraftTable(name, schema, columns, self.source.file, line, column, self.case_sensitive)
        table.default_constraints = self.named_defaults
        key = self.loader.key(schema, name, self.case_sensitive)
        if key in self.loader.tables and if_not_exists:
            return after
        self.loader.tables.pop(key, None)
        self.loader.tables[key] = table
        return after

    def not_read(self, create: int, label: str, why: str) -> None:
        self.note(create, f"CREATE TABLE {label}", f"{why}, so the check does not know the table")

    def without_columns(self, index: int) -> str:
        """Why a CREATE TABLE without a column list (going on at `index`) defines no columns here."""
        if self.words(index, "PARTITION", "OF"):
            return "a partition of another table"
        if self.word(index) == "OF":
            return "its columns come from a type"
        if self.words(index, "AS", "FILETABLE"):
            return "a FileTable"
        if self.words(index, "AS", "CLONE"):
            return "a clone of another table"
        if self.filled_by_query(index):
            return "its columns come from a query"
        return "it has no column list"

    def filled_by_query(self, index: int) -> bool:
        """Whether the statement goes on (from `index`) with AS and a query; T-SQL's AS NODE
        and AS EDGE (graph tables) keep their column list."""
        depth = 0
        for k in range(index, self.statement_end(index)):
            if self.punct(k, "("):
                depth += 1
            elif self.punct(k, ")"):
                depth -= 1
            elif depth == 0 and self.word(k) == "AS" and self.word(k + 1) not in ("NODE", "EDGE"):
                return True
        return False

    def inherited_columns(self, lo: int, hi: int) -> list[SqlColumn] | None:
        """The columns of the parent tables listed in [lo, hi); None when one is not defined."""
        columns: list[SqlColumn] = []
        for start, _end in self.split(lo, hi):
            named = self.qualified_name(start)
            parent = named and self.loader.tables.get(self.loader.key(named[0], named[1], self.case_sensitive))
            if not parent:
                return None
            columns.extend(c._replace(line=None, column=None) for c in parent.columns
                           if c.name not in {d.name for d in columns})
        return columns


    def find_table(self, index: int) -> tuple[DraftTable | None, tuple[str, str] | None, int]:
        """The defined table named at `index`, its key, and the index after the name."""
        named = self.qualified_name(index)
        if named is None:
            return None, None, index
        schema, name, temporary, after = named
        key = self.loader.key(schema, name, self.case_sensitive)
        return (None if temporary else self.loader.tables.get(key)), key, after

    def alter_table(self, index: int) -> int:
        if self.words(index, "IF", "EXISTS"):
            index += 2
        if self.word(index) == "ONLY":
            index += 1
        table, _key, index = self.find_table(index)
        end = self.statement_end(index)
        if table is None:
            return end
        if self.punct(index, "*"):
            index += 1
        label = self.label(table.schema, table.name)
        previous = ""
        for lo, hi in self.split(index, end):
            if lo < hi:
                previous = self.alter_action(table, lo, hi, previous, label)
        return end

    def alter_action(self, table: DraftTable, lo: int, hi: int, previous: str, label: str) -> str:
        """Apply one ALTER TABLE action; what it was, for a T-SQL list going on after a comma
        (`ADD a int, b int`, `DROP COLUMN a, b`)."""
        if self.dialect == TSQL and self.word(lo) == "WITH" and self.word(lo + 1) in ("CHECK", "NOCHECK"):
            lo += 2
        action = self.word(lo)
        if action == "ADD":
            lo += 1
            if self.word(lo) == "COLUMN":
                lo += 1
            return self.add(table, lo, hi, label)
        if action == "DROP":
            return self.drop(table, lo + 1, hi)
        if action == "ALTER":
            self.alter_column(table, lo + 1, hi, label)
            return "ALTER"
        if action == "RENAME":
            self.rename(table, lo + 1)
            return "RENAME"
        if self.words(lo, "SET", "SCHEMA") and (schema := self.name_of(lo + 2)):
            self.move(table, schema[0], table.name)
            return "SET"
        if self.dialect == TSQL and previous == "ADD":
            return self.add(table, lo, hi, label)
        if self.dialect == TSQL and previous.startswith("DROP "):
            return self.drop(table, lo, hi, previous[5:])
        if action not in _HARMLESS_ALTER_ACTIONS[self.dialect]:
            what = action or "action"
            self.note(lo, f"ALTER TABLE {label} ... {what}", "what it changes is not known to the check")
        return ""

    def add(self, table: DraftTable, lo: int, hi: int, label: str) -> str:
        if_not_exists = self.words(lo, "IF", "NOT", "EXISTS")
        if if_not_exists:
            lo += 3
        if lo >= hi:
            return "ADD"
        if self.is_constraint(lo):
            self.add_constraint(table, lo, hi)
            return "ADD"
        self.named_defaults = {}
        (added,) = self.parse_columns([self.element(lo, hi)], label)
        added = added._replace(**dict(zip(("line", "column"), self.position_in(table, lo))))
        for constraint, column in self.named_defaults.items():
            table.default_constraints[constraint] = column
        found = table.find(added.name, self.dialect)
        if found is None:
            table.columns.append(added)
        elif not if_not_exists:
            table.columns[found] = added
        return "ADD"

    def add_constraint(self, table: DraftTable, lo: int, hi: int) -> None:
        """A PRIMARY KEY makes its columns NOT NULL; T-SQL DEFAULT ... FOR c gives c a default."""
        for name in self.primary_key_columns(lo, hi):
            found = table.find(name, self.dialect)
            if found is not None:
                table.columns[found] = table.columns[found]._replace(nullable=False)
        constraint = self.name_of(lo + 1) if self.word(lo) == "CONSTRAINT" else None
        depth, saw_default = 0, False
        for k in range(lo, hi):
            if self.punct(k, "("):
                depth += 1
            elif self.punct(k, ")"):
                depth -= 1
            elif depth == 0 and self.word(k) == "DEFAULT":
                saw_default = True
            elif depth == 0 and saw_default and self.word(k) == "FOR" and (named := self.name_of(k + 1)):
                column_name = named[0]
                found = table.find(column_name, self.dialect)
                if found is not None:
                    table.columns[found] = table.columns[found]._replace(default=True)
                    if constraint:
                        table.default_constraints[constraint[0].lower()] = table.columns[found].name
                return

    def drop(self, table: DraftTable, lo: int, hi: int, kind: str = "") -> str:
        """DROP [COLUMN | CONSTRAINT] [IF EXISTS] name [, ...]; T-SQL's DROP without a keyword
        names a constraint, PostgreSQL's a column."""
        if self.word(lo) in ("COLUMN", "CONSTRAINT"):
            kind, lo = self.word(lo), lo + 1
        elif not kind:
            if self.word(lo) == "PERIOD":
                return ""
            kind = "CONSTRAINT" if self.dialect == TSQL else "COLUMN"
        if self.words(lo, "IF", "EXISTS"):
            lo += 2
        name = self.name_of(lo) if lo < hi else None
        if name is None:
            return ""
        if kind == "COLUMN":
            found = table.find(name[0], self.dialect)
            if found is not None:
                del table.columns[found]
        else:
            column_name = table.default_constraints.pop(name[0].lower(), None)
            found = table.find(column_name, self.dialect) if column_name is not None else None
            if found is not None:
                table.columns[found] = table.columns[found]._replace(default=False)
        return "DROP " + kind

    def alter_column(self, table: DraftTable, lo: int, hi: int, label: str) -> None:
        if self.word(lo) == "COLUMN":
            lo += 1
        elif self.dialect == TSQL:
            return
        name = self.name_of(lo)
        found = table.find(name[0], self.dialect) if name else None
        if found is None:
            return
        old = table.columns[found]
        if self.dialect == TSQL:
            if self.word(lo + 1) in ("ADD", "DROP"):
                return  # ALTER COLUMN c ADD/DROP ROWGUIDCOL, PERSISTED, MASKED, ...: no change we track
            (new,) = self.parse_columns([self.element(lo, hi)], label)
            table.columns[found] = self.retyped(old, new)._replace(nullable=new.nullable)
            return
        action = lo + 1
        if self.words(action, "SET", "DATA", "TYPE") or self.word(action) == "TYPE":
            type_at = action + (3 if self.word(action) == "SET" else 1)
            type_end = type_at
            while type_end < hi and self.word(type_end) not in ("USING", "COLLATE"):
                type_end += 1
            if type_end == type_at:
                return
            element = Element(lo, type_end, type_at, type_end)
            gap = (self.lexemes[lo].end, self.lexemes[type_at].start, "")
            (new,) = self.parse_columns([element], label, cut={lo: self.lexemes[type_end - 1].end},
                                        more_edits={lo: [gap]})
            table.columns[found] = self.retyped(old, new)
        elif self.words(action, "SET", "NOT", "NULL"):
            table.columns[found] = old._replace(nullable=False)
        elif self.words(action, "DROP", "NOT", "NULL"):
            table.columns[found] = old._replace(nullable=True)
        elif self.words(action, "SET", "DEFAULT"):
            table.columns[found] = old._replace(default=True)
        elif self.words(action, "DROP", "DEFAULT"):
            table.columns[found] = old._replace(default=False)
        elif self.words(action, "DROP", "IDENTITY"):
            table.columns[found] = old._replace(identity=None)
        elif self.words(action, "DROP", "EXPRESSION"):
            table.columns[found] = old._replace(computed=False)
        elif self.words(action, "ADD", "GENERATED") or self.words(action, "SET", "GENERATED"):
            kind = ALWAYS if self.word(action + 2) == "ALWAYS" else BY_DEFAULT
            table.columns[found] = old._replace(identity=kind, nullable=False)

    def retyped(self, old: SqlColumn, new: SqlColumn) -> SqlColumn:
        return old._replace(type=new.type, written_type=new.written_type, length=new.length,
                            precision=new.precision, scale=new.scale)

    def rename(self, table: DraftTable, index: int) -> None:
        """PostgreSQL RENAME [COLUMN] a TO b, RENAME TO t (RENAME CONSTRAINT changes nothing we track)."""
        if self.word(index) == "TO":
            new = self.name_of(index + 1)
            if new:
                self.move(table, table.schema, new[0])
            return
        if self.word(index) == "CONSTRAINT":
            return
        if self.word(index) == "COLUMN":
            index += 1
        old, new = self.name_of(index), self.name_of(index + 2)
        if old and new and self.word(index + 1) == "TO":
            found = table.find(old[0], self.dialect)
            if found is not None:
                line, column = self.position_in(table, index + 2)
                table.columns[found] = table.columns[found]._replace(name=new[0], quoted=new[1], line=line,
                                                                     column=column)

    def position_in(self, table: DraftTable, index: int) -> tuple[int | None, int | None]:
        """The position of lexeme `index` when it is in the table's file (SqlColumn has no file of its own)."""
        if table.file != self.source.file:
            return None, None
        return self.source.position(self.lexemes[index].start)

    def move(self, table: DraftTable, schema: str | None, name: str) -> None:
        """Rename a table or move it to another schema."""
        tables = self.loader.tables
        del tables[next(key for key, value in tables.items() if value is table)]
        table.schema, table.name = schema, name
        self.loader.tables[self.loader.key(schema, name, table.case_sensitive)] = table

    # --- DROP TABLE

    def drop_table(self, index: int) -> int:
        if self.words(index, "IF", "EXISTS"):
            index += 2
        while True:
            table, key, after = self.find_table(index)
            if after == index:
                return index
            if table is not None and key is not None:
                del self.loader.tables[key]
            if not self.punct(after, ","):
                return after
            index = after + 1
