"""Which Terraform modules and Bicep files to read for the paths a run is given, each once.

A directory scan finds every folder of `.tf` files and every `.bicep` file; a folder that
another one calls as a module (`source = "./..."`), and a `.bicep` file another deploys
as a module, is read through its caller, not on its own: its variables and parameters
come from there. A `.bicepparam` file is read with the `.bicep` file its `using` names
(which is then not read again without it). Of those, only the ones whose text, or whose
modules' text, names a streaming job are read (a cheap look at the text, no parsing).

For a file given alone (the pre-commit hook passes what a commit changed): a `.tf` is
read through the root modules that call its folder (or its folder, when none does); a
`.bicep` through the files that deploy it as a module (or itself); a query or script a
Terraform or Bicep file reads with file()/loadTextContent() through that file.
"""

from __future__ import annotations

import os
import re

_MODULE_SOURCE = re.compile(r'\bsource\s*=\s*"((?:\./|\.\./)[^"\x00]*)"')   # (no NUL: no path holds one)
_BICEP_MODULE = re.compile(r"\bmodule\s+\w+\s+'([^'\x00]+\.bicep)'")   # (no NUL: no path holds one)
_JOB_WORDS = ("azurerm_stream_analytics_job", "microsoft.streamanalytics/streamingjobs")
# A Terraform template deployment may deploy a job from a template file the .tf only names.
_DEPLOYMENT_WORD = "_template_deployment"
# How far up from a changed file its Terraform or Bicep callers are looked for.
MAX_LEVELS = 6


def _text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 21).decode("utf-8", errors="replace")
    except OSError:
        return ""


class IacIndex:
    """What one run knows of the Terraform folders and Bicep files below some folders:
    their module calls and whether they name a streaming job (read once per file)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.folders: dict[tuple[str, int], list[str]] = {}   # (folder, depth) -> it and the folders below
        self.ceilings: dict[str, str] = {}

    def text(self, path: str) -> str:
        key = os.path.realpath(path)
        if key not in self.texts:
            self.texts[key] = _text(path)
        return self.texts[key]

    # ---- Terraform ------------------------------------------------------------------------
    def tf_files(self, directory: str) -> list[str]:
        from schemacheck.files import folder_names

        return sorted(os.path.join(directory, n) for n in folder_names(directory) if n.lower().endswith(".tf"))

    def tf_text(self, directory: str) -> str:
        return "\n".join(self.text(f) for f in self.tf_files(directory))

    def tf_children(self, directory: str) -> list[str]:
        """The folders `directory`'s module blocks call (local sources only)."""
        return [os.path.normpath(os.path.join(directory, s)) for s in _MODULE_SOURCE.findall(self.tf_text(directory))]

    def tf_names_a_job(self, directory: str, seen: set | None = None, deployments: bool = True) -> bool:
        """Whether the module or one it calls names a streaming job (or, with
        `deployments`, deploys an ARM template, which may hold one)."""
        seen = set() if seen is None else seen
        key = os.path.realpath(directory)
        if key in seen:
            return False
        seen.add(key)
        text = self.tf_text(directory).lower()
        if any(word in text for word in _JOB_WORDS) or (deployments and _DEPLOYMENT_WORD in text):
            return True
        return any(self.tf_names_a_job(child, seen, deployments) for child in self.tf_children(directory)
                   if os.path.isdir(child))

    def tf_modules(self, directory: str) -> list[str]:
        """`directory` and the local modules it calls, through any chain, each once."""
        found: dict[str, str] = {}
        pending = [directory]
        while pending:
            current = pending.pop()
            if os.path.realpath(current) in found or not os.path.isdir(current):
                continue
            found[os.path.realpath(current)] = current
            pending.extend(self.tf_children(current))
        return list(found.values())

    def bicep_modules(self, path: str) -> list[str]:
        """`path` and the local Bicep files it deploys as modules, through any chain, each once."""
        found: dict[str, str] = {}
        pending = [path]
        while pending:
            current = pending.pop()
            if os.path.realpath(current) in found or not os.path.isfile(current):
                continue
            found[os.path.realpath(current)] = current
            pending.extend(self.bicep_children(current))
        return list(found.values())

    def tf_roots(self, directories: list[str]) -> list[str]:
        """Of the folders of .tf files given, those no other one calls as a module."""
        called = {os.path.realpath(c) for d in directories for c in self.tf_children(d)}
        return [d for d in directories if os.path.realpath(d) not in called]

    # ---- Bicep ----------------------------------------------------------------------------
    def bicep_children(self, path: str) -> list[str]:
        folder = os.path.dirname(path) or "."
        return [os.path.normpath(os.path.join(folder, m)) for m in _BICEP_MODULE.findall(self.text(path))]

    def bicep_names_a_job(self, path: str, seen: set | None = None) -> bool:
        seen = set() if seen is None else seen
        key = os.path.realpath(path)
        if key in seen:
            return False
        seen.add(key)
        if _JOB_WORDS[1] in self.text(path).lower():
            return True
        return any(self.bicep_names_a_job(child, seen) for child in self.bicep_children(path) if os.path.isfile(child))

    def bicep_roots(self, files: list[str]) -> list[str]:
        called = {os.path.realpath(c) for f in files for c in self.bicep_children(f)}
        return [f for f in files if os.path.realpath(f) not in called]

    # ---- a changed file's readers --------------------------------------------------------------
    def callers(self, path: str, stop: str | None = None) -> tuple[list[str], list[str]]:
        """(Terraform root folders, Bicep entry files) that read `path` (a .tf's folder as a
        module, a .bicep as a module, a query or script by name), found in the folders above
        it (up to MAX_LEVELS, and not past `stop` or a git work tree's top) and below those."""
        target = os.path.realpath(path)
        target_dir = os.path.dirname(target)
        name = os.path.basename(path)
        terraform: list[str] = []
        bicep: list[str] = []
        for directory in self._around(os.path.dirname(os.path.abspath(path)), stop):
            for tf_dir in self._tf_dirs(directory):
                text = self.tf_text(tf_dir)
                reads = name in text and not path.lower().endswith(".tf")
                calls = any(os.path.realpath(c) == target_dir for c in self.tf_children(tf_dir))
                if reads or calls:
                    terraform.append(tf_dir)
            for bicep_file in self._bicep_files(directory):
                text = self.text(bicep_file)
                reads = name in text and not path.lower().endswith(".bicep")
                calls = any(os.path.realpath(c) == target for c in self.bicep_children(bicep_file))
                if reads or calls:
                    bicep.append(bicep_file)
            if terraform or bicep:
                break
        return terraform, bicep

    def _around(self, directory: str, stop: str | None):
        """`directory` and the folders above it, up to its ceiling (see `ceiling`)."""
        ceiling = self.ceiling(directory)
        for _ in range(MAX_LEVELS):
            yield directory
            parent = os.path.dirname(directory)
            real = os.path.realpath(directory)
            if real == ceiling or parent == directory or (stop and real == stop):
                return
            directory = parent

    def ceiling(self, directory: str) -> str:
        """The highest folder searched for a file's readers: the top of its git work tree;
        else the working directory when the file is below it; else the file's own folder
        (never the file system's root or a home folder, which hold everything)."""
        from schemacheck.files import folder_names

        key = os.path.realpath(directory)
        if key in self.ceilings:
            return self.ceilings[key]
        found, current = key, key
        for _ in range(MAX_LEVELS):
            if ".git" in folder_names(current):
                found = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        if found == key:
            cwd = os.path.realpath(os.getcwd())
            broad = cwd == os.path.realpath(os.path.expanduser("~")) or os.path.dirname(cwd) == cwd
            if key.startswith(cwd + os.sep) and not broad:
                found = cwd
        self.ceilings[key] = found
        return found

    def _tf_dirs(self, directory: str) -> list[str]:
        return [d for d in self._below(directory) if self.tf_files(d)]

    def _bicep_files(self, directory: str) -> list[str]:
        from schemacheck.files import folder_names

        return [os.path.join(d, n) for d in self._below(directory) for n in sorted(folder_names(d))
                if n.lower().endswith(".bicep")]

    def _below(self, directory: str, depth: int = 3) -> list[str]:
        """`directory` and the folders below it, a few levels down (hidden and tool folders left out)."""
        key = (os.path.realpath(directory), depth)
        if key not in self.folders:
            self.folders[key] = self._list_below(directory, depth)
        return self.folders[key]

    def _list_below(self, directory: str, depth: int) -> list[str]:
        from schemacheck.files import folder_names

        found = [directory]
        if depth:
            for name in sorted(folder_names(directory)):
                child = os.path.join(directory, name)
                if not name.startswith(".") and name not in ("node_modules", "__pycache__") and os.path.isdir(child):
                    found.extend(self._below(child, depth - 1))
        return found


# A path of a .sql file written in a .tf or .bicep file: "x.sql", "${path.module}/sql/x.sql"
# (in file(), loadTextContent(), a provisioner's command...). Only a path the files spell
# out, to a file that exists, is followed.
_NAMED_FILE = re.compile(r"(?<![\w./-])((?:\$\{path\.(?:module|root)\}/)?[\w./-]+\.sql)\b", re.IGNORECASE)


def named_sql_files(index: IacIndex, sources: list[tuple[str, str]]) -> tuple[str, ...]:
    """The SQL DDL files that the given Terraform or Bicep files name, found beside them:
    `sources` is (file, folder its relative paths start from)."""
    found: dict[str, None] = {}
    for file, folder in sources:
        for written in _NAMED_FILE.findall(index.text(file)):
            relative = re.sub(r"^\$\{path\.(?:module|root)\}/", "", written)
            path = os.path.normpath(os.path.join(folder, relative))
            if os.path.isfile(path):
                found.setdefault(path, None)
    return tuple(found)
