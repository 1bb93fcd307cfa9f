"""The result cache: a run of `check`, `infer` or `suggest` answered again without parsing,
validating or importing what those need, as long as nothing it read has changed.

How: a run is keyed by what it was asked (the tool's version and code, the Python version,
the arguments, the working directory, the environment variables that choose the format,
and whether standard output is a terminal). While it runs, a `Recorder` notes every file it
opened for reading, every directory it listed and every path it looked at (exists, is a
file, is a directory). Its answer (what it printed, the step summary, the --output file and
the exit code) is stored with those observations. The next run with the same key replays
the answer only after checking each observation again: a file whose size and modification
time differ is hashed and compared by content; a directory's names must be the same; a path
must still be missing, a file or a directory as before. Anything else runs the check.

Entries are `marshal` files under the cache directory (the caller chooses it: the CLI takes
SCHEMACHECK_CACHE_DIR or the user cache directory), written to a temporary file and moved
into place, so a reader never sees half an entry; an unreadable entry is a miss. Only runs
that ended with exit code 0 or 1 are stored, and never a live run (the cluster can change
without any file changing).
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from collections.abc import Callable

try:  # the C module: hashlib's import costs more than the rest of a cached run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

FORMAT = 1
# What a cached answer depends on outside the files it read.
ENVIRONMENT = ("GITHUB_ACTIONS", "TF_BUILD", "NO_COLOR", "FORCE_COLOR", "TERM")
MISSING, FILE, DIRECTORY, OTHER = 0, 1, 2, 3
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_IGNORED = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, _PACKAGE)}
                 | {"/dev/", "/proc/", "/sys/"})


def default_directory(environ, platform: str = sys.platform) -> str:
    """The user cache directory's schemacheck folder, as each platform places it."""
    home = os.path.expanduser("~")
    if platform == "win32":
        base = environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, "schemacheck", "Cache")
    if platform == "darwin":
        return os.path.join(home, "Library", "Caches", "schemacheck")
    return os.path.join(environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"), "schemacheck")


def _code_signature() -> list:
    """Size and modification time of every module of the package: an edited checkout
    (an editable install keeps its version number) invalidates every entry."""
    signature = []
    for directory, _subdirectories, names in os.walk(_PACKAGE):
        for name in sorted(names):
            if name.endswith((".py", ".lark")):
                stat = os.stat(os.path.join(directory, name))
                signature.append((name, stat.st_size, stat.st_mtime_ns))
    return signature


def run_key(version: str, arguments: list[str], environ, is_terminal: bool) -> str:
    """The key of one invocation (see the module's docstring)."""
    parts = (FORMAT, version, sys.version, sys.executable, _code_signature(), list(arguments), os.getcwd(),
             [environ.get(name) for name in ENVIRONMENT], bool(environ.get("GITHUB_STEP_SUMMARY")), is_terminal)
    return blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _entry_path(directory: str, key: str) -> str:
    return os.path.join(directory, f"v{FORMAT}", key[:2], key)


def _kind(path: str) -> int:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return MISSING
    return FILE if mode & 0o170000 == 0o100000 else DIRECTORY if mode & 0o170000 == 0o040000 else OTHER


def _content(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return blake2b(handle.read(), digest_size=20).digest()
    except OSError:
        return None


# A folder's listing is compared by the names that can change what schemacheck finds:
# files it reads (by suffix), folders (names without a dot: a new one may hold such
# files) and .git (where the search for a project stops). An editor's swap file, a log
# or a report written beside the query does not make the next run check again.
RELEVANT_SUFFIXES = (".asaql", ".json", ".asaproj", ".toml", ".kql", ".csl", ".cslschema", ".csv", ".tsv", ".txt",
                     ".js", ".cs", ".bicep", ".bicepparam", ".tf", ".tfvars", ".tftpl", ".sql", ".sqlproj")


def _relevant(name: str) -> bool:
    lowered = name.lower()
    return "." not in lowered or lowered == ".git" or lowered.endswith(RELEVANT_SUFFIXES)


def _listing(path: str) -> bytes | None:
    try:
        names = sorted(name for name in os.listdir(path) if _relevant(name))
    except OSError:
        return None
    return blake2b("\0".join(names).encode("utf-8", "surrogatepass"), digest_size=20).digest()


def _stamp(path: str):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class Recorder:
    """Notes what a run reads, while it is active (one at a time, in this process).

    Opens and directory listings come from Python's audit events; path probes from a
    wrapper around `os.stat`, which os.path.exists/isfile/isdir call.
    """

    _active: Recorder | None = None
    _hooked = False

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.listed: set[str] = set()
        self.probed: set[str] = set()
        self._stat: Callable[..., os.stat_result] | None = None   # os.stat, while it is wrapped

    def __enter__(self) -> Recorder:
        if not Recorder._hooked:
            sys.addaudithook(Recorder._audit)
            Recorder._hooked = True
        Recorder._active = self
        self._stat = real_stat = os.stat

        def recording_stat(path, *args, **kwargs):
            if Recorder._active is self and not args and not kwargs:
                self._note(self.probed, path)
            return real_stat(path, *args, **kwargs)

        os.stat = recording_stat
        return self

    def __exit__(self, *exc) -> None:
        Recorder._active = None
        if self._stat is not None:
            os.stat = self._stat

    @staticmethod
    def _audit(event: str, arguments) -> None:
        recorder = Recorder._active
        if recorder is None:
            return
        if event == "open":
            path, mode, flags = arguments
            writing = (mode is not None and any(c in mode for c in "wax+")) or (
                mode is None and flags is not None and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if not writing:
                recorder._note(recorder.read, path)
        elif event in ("os.listdir", "os.scandir"):
            recorder._note(recorder.listed, arguments[0] if arguments[0] is not None else ".")

    def _note(self, into: set, path) -> None:
        if isinstance(path, int):  # a file descriptor: its path was noted when it was opened
            return
        try:
            path = os.fsdecode(path)
        except TypeError:
            return
        path = os.path.abspath(path)
        if not path.startswith(_IGNORED):
            into.add(path)

    def observations(self) -> list:
        """What the run saw, in the form `still_true` checks: (kind, path, value, stamp).
        A file changed in the last two seconds is always compared by content: another
        change within the file system's time resolution would keep size and time."""
        import time

        seen: list[tuple[str, str, object, object]] = []
        recent = time.time_ns() - 2_000_000_000
        for path in sorted(self.read):
            stamp = _stamp(path)
            seen.append(("read", path, _content(path), stamp if stamp and stamp[1] < recent else None))
        for path in sorted(self.listed):
            seen.append(("listed", path, _listing(path), None))
        for path in sorted(self.probed - self.read):
            seen.append(("probed", path, _kind(path), None))
        return seen


def still_true(observations: list) -> bool:
    """Whether every observation of a stored run holds now."""
    for kind, path, value, stamp in observations:
        if kind == "read":
            if stamp is not None and _stamp(path) == stamp:
                continue
            if _content(path) != value:
                return False
        elif kind == "listed":
            if _listing(path) != value:
                return False
        elif _kind(path) != value:
            return False
    return True


def load(directory: str, key: str) -> dict | None:
    """The stored answer for `key` when everything it read is unchanged, else None."""
    try:
        with open(_entry_path(directory, key), "rb") as handle:
            entry = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    try:
        return entry if still_true(entry["observations"]) else None
    except (KeyError, TypeError, ValueError):
        return None


def store(directory: str, key: str, answer: dict, recorder: Recorder) -> None:
    """Save `answer` (plain str/int/None values) with the recorder's observations; a cache
    that cannot be written is skipped silently, as the run itself has succeeded."""
    entry = dict(answer, format=FORMAT, observations=recorder.observations())
    path = _entry_path(directory, key)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as handle:
            marshal.dump(entry, handle)
        os.replace(temporary, path)
    except (OSError, ValueError):
        try:
            os.remove(temporary)
        except OSError:
            pass
