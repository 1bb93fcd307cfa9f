"""`schemacheck check --fix` and `--diff`: the query-side rewrites that findings carry
(`Diagnostic.edit`: a select item with an alias in the table's spelling, or CAST /
TRY_CAST to the column's type) applied to the files that hold them: `.asaql` queries,
and ARM templates (or parameters files) holding the query as a JSON string, where
schemacheck.check.positions.relocate has already placed the edit in the file and escaped its text as
the string holds it. A finding whose fix is table-side only (a `command`: .create-merge,
.alter column, SQL statements) is left alone: `schemacheck suggest` prints those.

    run_fixes(checks, max_passes=10) -> Fixes   the passes, in memory (nothing written)
    Fixes.write()                                 the changed files written, atomically
    Fixes.diff()                                  the changes as one unified diff
    read_source(path) -> Source                   a file's text and how it is stored
    choose(text, edits) -> [Planned]              the edits of one pass (no two overlap)
    apply_edits(text, edits) -> str               edits given as (Edit, ...) applied to a text

`checks(first)` is the whole check of the command line (the CLI's, with its paths and
options), returning a schemacheck.check.run.Run; `first` is False for the re-checks,
whose warnings the caller may keep quiet.

Rules:
- Positions are 1-based (line, column) in the file's text as schemacheck.files decodes
  it (byte order mark removed), lines ending at "\\n" (a "\\r" before it belongs to the
  line) and columns counting characters (code points): as the query lexer,
  schemacheck.edits and jobs.positions.StringPositions count them.
- A pass applies no two overlapping edits, nor two insertions at one place: in file order,
  an edit that overlaps one already chosen waits; the same edit asked for by several
  findings is applied once (and fixes each of them). An edit that changes nothing is
  dropped.
- After each pass the whole check runs again on the edited texts, which it reads through
  an overlay of schemacheck.files (so `--diff` writes nothing and shows what
  `--fix` writes), until a pass changes nothing, a state repeats, or `max_passes` passes.
- A pass that makes a file's job unreadable, gives its query a syntax error (SC001) it did
  not have, or changes its number of statements is undone for that file, which is then
  left as it was before that pass (`Fixes.undone`).
- Writing keeps each file's encoding (UTF-8 with or without a byte order mark, UTF-16 LE
  or BE with one) and its line ends (the text is edited as read, "\\r\\n" kept; a line
  break an edit brings follows the file's), through a temporary file beside it and
  os.replace, with the file's permissions. A file that changed on disk since it was read
  is not written (`Fixes.write` returns it).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterable

from schemacheck import diagnostics as D
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.check.run import Run

MAX_PASSES = 10
_BREAK = re.compile(r"(?<!\r)\n")


# ---- files: text and how it is stored --------------------------------------------------

@record
class Source(Record):
    """A file as read: its bytes, its text as schemacheck.files decodes it (no byte order
    mark), and how to encode an edited text the same way."""

    path: str
    data: bytes
    text: str
    encoding: str     # "utf-8", "utf-16-le" or "utf-16-be"
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def read_source(path: str) -> Source:
    """The file at `path` (InputError when it cannot be read as schemacheck reads it, or
    when its text would not be written back byte for byte)."""
    from schemacheck.errors import InputError
    from schemacheck.files import decode_bytes

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path) from None
    text = decode_bytes(data, path, "file")
    bom, encoding = b"", "utf-8"
    for mark, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(mark) and not data.startswith(codecs.BOM_UTF32_LE):
            bom, encoding = mark, codec
            break
    else:
        if data.startswith(codecs.BOM_UTF8):
            bom = codecs.BOM_UTF8
    source = Source(path, data, text, encoding, bom)
    if source.encode(text) != data:
        raise InputError("its text does not encode back to the same bytes: not fixed", path)
    return source


def _key(path: str) -> str:
    return os.path.realpath(path)


def overlay(texts: dict[str, str]):
    """Within it, schemacheck reads each file of `texts` (keys: real paths) as that text
    instead of what is on disk (schemacheck.files.overlaid)."""
    from schemacheck.files import overlaid

    return overlaid(texts)


def write_atomically(path: str, data: bytes, expected: bytes) -> bool:
    """Replace the file's bytes with `data` when it still holds `expected` (False when it
    changed meanwhile): a temporary file beside it, the file's permissions, os.replace. A
    link is followed: the file it points to is replaced."""
    import stat
    import tempfile

    from schemacheck.errors import InputError

    real = os.path.realpath(path)
    temporary = None
    try:
        with open(real, "rb") as handle:
            if handle.read() != expected:
                return False
        mode = stat.S_IMODE(os.stat(real).st_mode)
        descriptor, temporary = tempfile.mkstemp(prefix=".schemacheck-", dir=os.path.dirname(real))
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, real)
        temporary = None
    except OSError as error:
        raise InputError(f"cannot be fixed: the file cannot be written ({error.strerror or error})", path) from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return True


# ---- edits -------------------------------------------------------------------------------

def _line_starts(text: str) -> list[int]:
    from schemacheck.files import line_offsets

    return line_offsets(text)


def _offset(starts: list[int], length: int, line: int, column: int) -> int | None:
    """The character offset of a 1-based (line, column), or None when it is not in the text
    (a column past its line's end, a line past the last)."""
    if not 1 <= line <= len(starts) or column < 1:
        return None
    end = starts[line] - 1 if line < len(starts) else length
    offset = starts[line - 1] + column - 1
    return offset if offset <= end else None


@record
class Planned(Record):
    """An edit of one pass, as offsets in the text it applies to, and the findings it fixes
    (None for an edit given without its finding)."""

    start: int
    end: int
    text: str
    findings: tuple[D.Diagnostic | None, ...]


def choose(text: str, edits: Iterable[tuple[D.Edit, D.Diagnostic | None]]) -> list[Planned]:
    """The edits to apply to `text` in one pass, in file order: those whose place is in the
    text and that change it; the same edit for several findings once; of edits that overlap
    (or insert at one place) the first in file order (then the shorter, then the first
    given)."""
    starts = _line_starts(text)
    crlf = "\n" in text and text.count("\n") == text.count("\r\n")
    merged: dict[tuple[int, int, str], list] = {}
    for edit, finding in edits:
        start = _offset(starts, len(text), edit.line, edit.column)
        end = _offset(starts, len(text), edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            continue
        replacement = _BREAK.sub("\r\n", edit.text) if crlf else edit.text
        if text[start:end] == replacement:
            continue
        merged.setdefault((start, end, replacement), []).append(finding)
    chosen: list[Planned] = []
    reach, last_start = -1, None
    for (start, end, replacement), found in sorted(merged.items(), key=lambda item: item[0][:2]):
        if start < reach or start == last_start:
            continue
        chosen.append(Planned(start, end, replacement, tuple(found)))
        reach, last_start = max(reach, end), start
    return chosen


def apply_planned(text: str, planned: list[Planned]) -> str:
    """`text` with the chosen edits (in file order, not overlapping) applied."""
    parts, at = [], 0
    for step in planned:
        parts.append(text[at:step.start])
        parts.append(step.text)
        at = step.end
    parts.append(text[at:])
    return "".join(parts)


def apply_edits(text: str, edits: Iterable[D.Edit]) -> str:
    """`text` with every edit applied that `choose` takes in one pass."""
    return apply_planned(text, choose(text, ((e, None) for e in edits)))


# ---- the passes ------------------------------------------------------------------------------

def _query_of(entry):
    """The query of a checked entry when its edits can land in its file, else None."""
    job = getattr(entry, "job", None)
    query = job.job.query if job is not None else None
    return query if query is not None and query.at is None else None


# Rewrites offered but never applied by --fix. SC203 (the summary of a statement's untyped
# columns) carries no edit: a CAST of a value whose type nothing tells would be a guess, and a
# CAST that fails turns an event into an error. SC204's TRY_CAST is applied: a value that
# does not convert becomes null in the query, as ADX (or a failed insert) would lose it anyway,
# and the column is then checked by its type.
NOT_APPLIED = frozenset({"SC203"})


def _edits(entries) -> dict[str, list[tuple[D.Edit, D.Diagnostic]]]:
    """Per file (real path): the (edit, finding) of every finding whose edit lands in the
    file holding its job's query."""
    found: dict[str, list] = {}
    for entry in entries:
        query = _query_of(entry)
        if query is None:
            continue
        home = _key(query.file)
        for diagnostic in entry.diagnostics:
            edit = diagnostic.edit
            if diagnostic.code in NOT_APPLIED:
                continue
            if edit is not None and edit.file and _key(edit.file) == home:
                found.setdefault(home, []).append((edit, diagnostic))
    return found


def _health(entries) -> dict[str, tuple[int, ...]]:
    """Per file holding a query: (jobs checked, statements, problems: unreadable or SC001)."""
    health: dict[str, list[int]] = {}
    for entry in entries:
        job = getattr(entry, "job", None)
        query = job.job.query if job is not None else None
        if query is None:
            file = getattr(entry, "file", None)
            if file and not hasattr(entry, "diagnostics"):   # an unreadable file
                health.setdefault(_key(file), [0, 0, 0])[2] += 1
            continue
        counts = health.setdefault(_key(query.file), [0, 0, 0])
        counts[0] += 1
        analysis = entry.analysis
        counts[1] += len(analysis.outputs) if analysis is not None else 0
        codes = [d.code for d in entry.diagnostics] + [d.code for d in (analysis.diagnostics if analysis else ())]
        counts[2] += codes.count("SC001") > 0
    return {key: tuple(value) for key, value in health.items()}


def _broken(before: dict, after: dict, key: str) -> bool:
    jobs, statements, problems = before.get(key, (0, 0, 0))
    jobs_after, statements_after, problems_after = after.get(key, (0, 0, 0))
    return jobs_after < jobs or problems_after > problems or (problems == 0 and statements_after != statements)


class Fixes:
    """What the passes did. `texts` holds the edited text of each file an edit touched
    (by real path), `sources` the files as read, `fixed` the findings fixed per file,
    `last` the last check (entries, failed, fail_on), of the edited texts."""

    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}
        self.texts: dict[str, str] = {}
        self.fixed: dict[str, int] = {}
        self.undone: list[str] = []
        self.unfixable: list[str] = []   # files that cannot be written back as read (messages)
        self.passes = 0
        self.converged = True
        self.last: Run | None = None

    @property
    def changed(self) -> list[str]:
        """The files whose text the fixes change (real paths, sorted by their shown path)."""
        keys = [k for k, text in self.texts.items() if text != self.sources[k].text]
        return sorted(keys, key=lambda k: shown_path(self.sources[k].path))

    @property
    def count(self) -> int:
        """How many findings the fixes answer (in the changed files)."""
        return sum(self.fixed.get(k, 0) for k in self.changed)

    def diff(self) -> str:
        """The changes as a unified diff, file by file (`--- a/path`, `+++ b/path`, paths
        relative to the repository, else to the working directory). A UTF-8 byte order mark
        is part of the first line, as in the file's bytes (so `patch` and `git apply` take
        the diff); a UTF-16 file is shown as text."""
        out = []
        for key in self.changed:
            source = self.sources[key]
            mark = "\ufeff" if source.bom == codecs.BOM_UTF8 else ""
            out.append(unified_diff(mark + source.text, mark + self.texts[key], shown_path(source.path)))
        return "".join(out)

    def write(self) -> list[str]:
        """Write every changed file; returns the files left alone because they changed on
        disk since they were read (they then count as not changed)."""
        skipped = []
        for key in self.changed:
            source = self.sources[key]
            if not write_atomically(source.path, source.encode(self.texts[key]), source.data):
                skipped.append(source.path)
                self.texts[key] = source.text
        return skipped

    def summary(self, done: bool = True) -> str | None:
        """`fixed 3 findings in 2 files` (`would fix ...` when not `done`), None when none."""
        count, files = self.count, len(self.changed)
        if not files:
            return None
        what = "fixed" if done else "would fix"
        return (f"{what} {count} finding{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}")

    def notes(self) -> list[str]:
        """Warnings about the passes, one line each."""
        from schemacheck.files import display_path

        lines = [f"{display_path(self.sources[k].path)}: a fix would have broken its query; "
                 "the fixes of that pass were not applied to it" for k in self.undone]
        lines.extend(self.unfixable)
        if not self.converged:
            lines.append(f"the fixes did not settle after {self.passes} passes; run again to see what is left")
        return lines


def run_fixes(checks: Callable[[bool], Run], max_passes: int = MAX_PASSES) -> Fixes:
    """Check, apply the fixable findings' edits in memory, check again, until nothing more
    applies (see the module doc). Nothing is written."""
    from schemacheck.errors import SchemacheckError

    fixes = Fixes()
    result = checks(True)
    health = _health(result.entries)
    frozen: set[str] = set()
    seen_states = {_state(fixes)}
    for _ in range(max_passes):
        previous: dict[str, str] = {}
        counted: dict[str, int] = {}
        for key, edits in _edits(result.entries).items():
            if key in frozen:
                continue
            if key not in fixes.sources:
                file = edits[0][0].file
                assert file is not None  # _edits keeps the edits that name their file
                try:
                    fixes.sources[key] = read_source(file)
                except SchemacheckError as error:   # leave the file alone, and say why
                    fixes.unfixable.append(str(error))
                    frozen.add(key)
                    continue
            text = fixes.texts.get(key, fixes.sources[key].text)
            planned = choose(text, edits)
            if not planned:
                continue
            previous[key] = text
            fixes.texts[key] = apply_planned(text, planned)
            counted[key] = sum(len(p.findings) for p in planned)
        if not previous:
            break
        fixes.passes += 1
        with overlay(fixes.texts):
            again = checks(False)
            _verify(again.entries, fixes.texts)
        after = _health(again.entries)
        broken = [key for key in previous if _broken(health, after, key)]
        if broken:
            for key in broken:
                fixes.texts[key] = previous.pop(key)
                frozen.add(key)
                fixes.undone.append(key)
            with overlay(fixes.texts):
                again = checks(False)
                _verify(again.entries, fixes.texts)
            after = _health(again.entries)
        for key in previous:
            fixes.fixed[key] = fixes.fixed.get(key, 0) + counted[key]
        result, health = again, after
        state = _state(fixes)
        if state in seen_states:
            fixes.converged = False
            break
        seen_states.add(state)
    else:
        # Every pass applied edits: whether anything is left to apply decides "settled".
        fixes.converged = not any(
            key not in fixes.sources or choose(fixes.texts.get(key, fixes.sources[key].text), edits)
            for key, edits in _edits(result.entries).items() if key not in frozen)
    fixes.last = result
    return fixes


def _state(fixes: Fixes) -> tuple:
    """The texts the fixes have changed so far (a repeated state means the fixes go round)."""
    return tuple(sorted((k, t) for k, t in fixes.texts.items() if t != fixes.sources[k].text))


def _verify(entries, texts: dict[str, str]) -> None:
    """The re-check read the edited texts: a query file's text is the overlay's."""
    for entry in entries:
        query = _query_of(entry)
        if query is not None and query.json_string_at is None and query.placed is None:
            text = texts.get(_key(query.file))
            if text is not None and query.text != text:
                raise RuntimeError(f"the re-check of {query.file} did not read its fixed text")


# ---- diff --------------------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    """Lines ending at "\\n", each with its end ("\\r\\n" kept); the last may have none."""
    lines = text.split("\n")
    result = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def unified_diff(before: str, after: str, path: str, context: int = 3) -> str:
    """The change from `before` to `after` as `diff -u` and git write it, for `patch -p1` and
    `git apply` (a last line without its line break is marked as they mark it)."""
    import difflib

    old, new = ("a/" + path, "b/" + path) if not os.path.isabs(path) else (path, path)
    out = []
    for line in difflib.unified_diff(_lines(before), _lines(after), old, new, n=context):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _repository(directory: str) -> str | None:
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def shown_path(path: str) -> str:
    """The file's path in a diff: relative to the root of the git repository holding it,
    else to the working directory (when below it), else absolute; '/' separated."""
    from schemacheck.files import display_path

    absolute = os.path.abspath(path)
    root = _repository(os.path.dirname(absolute))
    if root is not None:
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    shown = display_path(absolute)
    return shown.replace(os.sep, "/") if not os.path.isabs(shown) else absolute
