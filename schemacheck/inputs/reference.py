"""Input types from reference data files kept beside the job (-> InputShape).

A blob reference input reads one file (or one per {date}/{time}) whose path its path
pattern names. Repositories that keep the job often keep that file too: in both IaC
reference inputs of the public jobs surveyed, the path pattern is the name of a file in
the repository (TollApp's `registration.json`, ClickStream's `user-info.csv`). So for a
reference input (Input.stream False) whose path pattern names a file, that is: its last
segment holds no `{date}`, `{time}` or other token, the file of that name found in the
job's folder or the folders below it (up to MAX_LEVELS down) is read as the input's
sample data, by the input's serialization (CSV or JSON) or else by the file's suffix.

Its fields get source "reference", and the shape's source names the file ("reference
data data/products.csv"). Where several files have the name, the one whose path ends
with more of the pattern's folders wins, then the one nearer the job. A file that cannot
be read is an SC609 note. A SQL reference input is typed elsewhere (its snapshot query).
"""

from __future__ import annotations

import os

from schemacheck.asa.infer import InputShape
from schemacheck.jobs.model import Input, Job, Note, Where

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.asa.types import Level

MAX_LEVELS = 4          # folders below the job's folder that are searched
MAX_FOLDERS = 2000      # folders looked at in all, so that a huge tree costs little
SKIPPED = frozenset({"node_modules", "__pycache__", "bin", "obj", "venv", "site-packages"})
READ = {"csv": "csv", "json": "json", "avro": "avro"}


def file_name(pattern: str | None) -> str | None:
    """The name of the file a path pattern names, None when its last segment is a token
    ({date}, {time}, ...) or holds one, or when there is none."""
    if not pattern:
        return None
    name = pattern.replace("\\", "/").rstrip().rsplit("/", 1)[-1].strip()
    if not name or "{" in name or "}" in name or name in (".", ".."):
        return None
    return name


def reference_file(root: str, pattern: str) -> str | None:
    """The file in `root` or below that the path pattern names (see the module doc)."""
    name = file_name(pattern)
    if name is None:
        return None
    wanted = [p for p in pattern.replace("\\", "/").split("/") if p and p != "."]
    whole = os.path.join(root, *wanted) if "{" not in pattern else None
    if whole is not None and os.path.isfile(whole):
        return whole
    lowered = name.lower()
    found: list[tuple[int, int, int, str]] = []
    pending = [(root, 0)]
    folders = 0
    while pending and folders < MAX_FOLDERS:
        folder, level = pending.pop(0)
        folders += 1
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if level < MAX_LEVELS and not entry.name.startswith(".") and entry.name.lower() not in SKIPPED:
                        pending.append((entry.path, level + 1))
                elif entry.name.lower() == lowered and entry.is_file():
                    parts = os.path.relpath(entry.path, root).replace(os.sep, "/").split("/")
                    matched = 0
                    while matched < min(len(parts), len(wanted)) and \
                            parts[-1 - matched].lower() == wanted[-1 - matched].lower():
                        matched += 1
                    found.append((-matched, entry.name != name, level, entry.path))
            except OSError:
                continue
    return min(found)[3] if found else None


def reference_shapes(job: Job, level: Level, notes: list[Note]) -> dict[str, InputShape]:
    """Each reference input's fields from the file its path pattern names (by lower-cased
    alias); a file that cannot be read is an SC609 note in `notes`."""
    from schemacheck.files import display_path
    from schemacheck.inputs.samples import SampleError, sample_types

    shapes: dict[str, InputShape] = {}
    for item in job.inputs or ():
        if item.stream is not False or item.kind == "sql" or not item.path_pattern:
            continue
        alias = item.alias.lower()
        if alias in shapes:
            continue
        path = reference_file(job.root, item.path_pattern)
        if path is None:
            continue
        shown = display_path(path)
        serialization = (item.serialization or "").lower() or None
        if serialization is not None and serialization not in READ:
            notes.append(Note("SC609", f"reference data {shown} for input {item.alias} is read as "
                                       f"{item.serialization}, which schemacheck does not read; its field types "
                                       "are not used", _where(item, path)))
            continue
        try:
            fields = sample_types(path, serialization, level, source="reference")
        except SampleError as error:
            notes.append(Note("SC609", f"reference data {shown} for input {item.alias} {error}; its field types "
                                       "are not used", _where(item, path)))
            continue
        shapes[alias] = InputShape(None, fields, f"reference data {shown}")
    return shapes


def _where(item: Input, path: str) -> Where:
    return item.where or Where(path)
