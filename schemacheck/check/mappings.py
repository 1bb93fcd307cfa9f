"""Mappings that name no output: a `--target` or an `[outputs.ALIAS]` whose alias no
statement of the run writes (SC407, with the nearest alias the run writes).

    unused_mappings([(FileCheck, Config)], targets) -> one list of findings per entry
"""

from __future__ import annotations

from collections.abc import Mapping

from schemacheck import diagnostics as D
from schemacheck.asa.infer import OutputSchema
from schemacheck.check.destinations import Target
from schemacheck.check.results import FileCheck
from schemacheck.config import Config


def unused_mappings(checked: list[tuple[FileCheck, Config]], targets: Mapping[str, Target]
                    ) -> list[list[D.Diagnostic]]:
    """SC407 for each mapping that names an output no statement of the run writes: every
    --target, and an `[outputs.ALIAS]` of a configuration when a job using it writes an
    output of a near name (a typo; an alias of a job not checked in this run, as when the
    hook checks one changed job, is no finding). One list per entry, in order."""
    from difflib import get_close_matches

    added: list[list[D.Diagnostic]] = [[] for _ in checked]
    written: dict[str, tuple[int, OutputSchema]] = {}
    for index, (entry, _) in enumerate(checked):
        for check in entry.outputs:
            written.setdefault(check.output.output.lower(), (index, check.output))

    def near(alias: str, among: dict) -> tuple[int, OutputSchema] | None:
        names = {o.output: (i, o) for i, o in among.values()}
        match = get_close_matches(alias, list(names), n=1, cutoff=0.6) or get_close_matches(
            alias.lower(), [n.lower() for n in names], n=1, cutoff=0.6)
        if not match:
            return None
        return names.get(match[0]) or next(v for k, v in names.items() if k.lower() == match[0])

    for alias in targets:
        if alias.lower() in written or not checked:
            continue
        nearest = near(alias, written)
        index, output = nearest if nearest is not None else (0, None)
        entry = checked[index][0]
        hint = f"; did you mean {output.output}?" if output is not None else ""
        span = (output.output_span or output.span) if output is not None else None
        added[index].append(D.Diagnostic(
            "SC407", D.default_severity("SC407"), f"--target {alias}=...: no statement of this run writes INTO "
            f"{alias}{hint}", entry.file, span.line if span else 1, span.column if span else 1,
            span.end_line if span else None, span.end_column if span else None, output=alias))
    reported: set[tuple[str, str]] = set()
    for _entry, config in checked:
        if config.path is None:
            continue
        users = {k: v for k, v in written.items() if checked[v[0]][1].path == config.path}
        for alias in config.outputs or {}:
            if alias.lower() in written or (config.path, alias) in reported:
                continue
            nearest = near(alias, users)
            if nearest is None:
                continue
            reported.add((config.path, alias))
            line = _config_output_line(config.path, alias)
            added[nearest[0]].append(D.Diagnostic(
                "SC407", D.default_severity("SC407"), f"[outputs.{alias}] in {config.path}: no job checked in this "
                f"run writes INTO {alias}; did you mean {nearest[1].output}?", config.path, line, 1, output=alias))
    return added


def _config_output_line(path: str, alias: str) -> int:
    """The line of the `[outputs.ALIAS]` table (any quoting, under [tool.schemacheck] too) in
    a configuration file; 1 when it cannot be found."""
    import re

    from schemacheck.errors import InputError
    from schemacheck.files import read_text_file

    try:
        text = read_text_file(path, "configuration")
    except InputError:   # it was read before: only an edit in between gets here
        return 1
    pattern = re.compile(r"^[ \t]*\[\s*(?:tool\s*\.\s*schemacheck\s*\.\s*)?outputs\s*\.\s*[\"']?" + re.escape(alias)
                         + r"[\"']?\s*\]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
