"""How many output columns schemacheck can type: figures, never timings.

    python benchmarks/coverage.py [--corpus DIR] [--declarations DIR] [--json FILE]

For each group it reports the outputs, the outputs fully typed, the output columns with a known
ASA type out of all the columns the statements list (typed/total and %), and how many columns each
source typed (asa.types.SOURCES: a CREATE TABLE in the query, an input's sample, reference data, a
declared schema, the metadata fields of the input's kind, the expression itself) or left unknown.
It is what `schemacheck infer --coverage` counts (schemacheck.report.coverage), per group.

Groups:

    (a) corpus         the queries of ../shared/corpus/asa (read in place; skipped when the
                       folder is absent, or with --corpus DIR), each on its own: query only
    (a') corpus with declared inputs
                       the same queries, each with the input types a team would declare for it
                       in schemacheck.toml: benchmarks/corpus_inputs/NAME.toml for NAME.asaql
                       (`[inputs.ALIAS]` tables, read with schemacheck.config.load_config; a
                       query without one is checked as in (a)); the declared shapes are merged
                       over the plan's own, as `infer` does for a job with such a configuration.
                       Reports how many queries have a file and how many of those declare an
                       input; a file that cannot be read (InputError) or whose schema cannot
                       (SC609) is a note naming it, and its query is checked without it
    (b) fixtures       the project's own jobs, each checked as a job (its samples, declared
                       schemas, reference data, UDF types) and again query only (the same query
                       and level, without anything the job's files say of its inputs and
                       functions), to show what the job's files add:
                           tests/fixtures/jobs/cases   projects and templates
                           tests/fixtures/inputs       jobs with samples, .avsc, JSON Schema, TOML
                           tests/fixtures/iac          Terraform, Bicep, ARM with scripts
    (c) projects with samples
                       the fixture jobs (all three folders) that have sample data (job.samples),
                       as jobs, with a table per project (folder, outputs, typed/total, %), to
                       read the "at least 85% on projects with samples" target off; fixtures
                       built to stay untyped (BUILT_UNTYPED: tests/fixtures/inputs/disagreeing,
                       whose samples disagree on purpose) are marked, and the group's figure is
                       given with and without them

A group whose folder does not exist is skipped with a note. An output whose `*` adds columns
that nothing declares counts only its known columns (marked "+" in the totals). Nothing here
asserts anything: it prints ratios, to compare from run to run (--json FILE keeps them).
Run from a clone: it imports schemacheck from the repository it sits in.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "asa"
FIXTURE_GROUPS = ("tests/fixtures/jobs/cases", "tests/fixtures/inputs", "tests/fixtures/iac")
DECLARATIONS = ROOT / "benchmarks" / "corpus_inputs"
# Fixtures whose inputs are built so that their columns stay untyped (the project's own tests
# say why): shown in the per-project table, and left out of the second figure of group (c).
BUILT_UNTYPED = {"tests/fixtures/inputs/disagreeing": "samples disagree on purpose"}


def _schemacheck():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import schemacheck  # noqa: F401  (the repository's own, not an installed copy)


def analyses(paths: list[str], query_only: bool) -> tuple[list, int, int]:
    """(the analyses of every job the paths stand for, jobs, files that could not be read):
    each job as `schemacheck infer` reads it, or with `query_only` without its input shapes
    and UDF types (the query alone, at the job's level)."""
    from schemacheck.check.plan import infer_job
    from schemacheck.check.run import Request, plan_paths
    from schemacheck.files import Skipped, Unreadable

    planned = plan_paths(Request(tuple(paths)))
    found, unreadable = [], 0
    for entry, plan in planned.pairs:
        if isinstance(entry, Skipped):
            continue
        if isinstance(entry, Unreadable) or plan is None:
            unreadable += 1
            continue
        if query_only:
            plan = plan._replace(input_shapes={}, udf_types=None, functions_complete=False)
        found.append(infer_job(plan))
    return found, len(found), unreadable


def declared_analyses(queries: list[str], folder: Path, notes: list[str]) -> tuple[list, int, int, dict]:
    """(the analyses, jobs, unreadable files, counts) of the lone queries, each with the inputs
    its declaration file folder/NAME.toml declares merged over the plan's own input shapes.
    counts: "files" (queries with a declaration file), "declaring" (of those, the ones that
    declare at least one input), "inputs" and "fields" declared (nested ones included). A file
    that cannot be read, or a schema it names, adds a note (its query is checked without)."""
    from schemacheck.check.plan import infer_job
    from schemacheck.check.run import Request, plan_paths
    from schemacheck.config import load_config
    from schemacheck.errors import InputError
    from schemacheck.files import Skipped, Unreadable
    from schemacheck.inputs.declared import declared_shapes

    found, unreadable = [], 0
    counts = {"files": 0, "declaring": 0, "inputs": 0, "fields": 0}
    for query in queries:
        declaration = folder / (Path(query).stem + ".toml")
        config = None
        if declaration.is_file():
            counts["files"] += 1
            try:
                config = load_config(str(declaration))
            except InputError as error:
                notes.append(f"{_shown(declaration)}: not used: {error.message} (line {error.line})")
            if config is not None and config.inputs:
                counts["declaring"] += 1
                counts["inputs"] += len(config.inputs)
                counts["fields"] += sum(_fields(i.fields) for i in config.inputs.values())
        for entry, plan in plan_paths(Request((query,))).pairs:
            if isinstance(entry, Skipped):
                continue
            if isinstance(entry, Unreadable) or plan is None:
                unreadable += 1
                continue
            if config is not None and config.inputs:
                job_notes: list = []
                try:
                    shapes = declared_shapes(plan.found.job, plan.level, config, {}, job_notes)
                except InputError as error:
                    notes.append(f"{_shown(declaration)}: not used: {error}")
                    shapes = {}
                for note in job_notes:
                    notes.append(f"{_shown(declaration)}: {note.code} {note.message}")
                plan = plan._replace(input_shapes={**plan.input_shapes, **shapes})
            found.append(infer_job(plan))
    return found, len(found), unreadable, counts


def _fields(fields) -> int:
    """How many fields `fields` ((name, Ty) pairs) declare, with their records' fields and
    their arrays' elements' fields."""
    count = 0
    for _, ty in fields or ():
        count += 1 + _fields(ty.fields)
        element = ty.element
        while element is not None:
            count += _fields(element.fields)
            element = element.element
    return count


def sample_analyses(paths: list[str]) -> tuple[list[tuple[str, object]], int]:
    """(project folder, analysis) of each job the paths stand for that has sample data, checked
    as a job; and how many files could not be read."""
    from schemacheck.check.plan import infer_job
    from schemacheck.check.run import Request, plan_paths
    from schemacheck.files import Skipped, Unreadable

    found, unreadable = [], 0
    for entry, plan in plan_paths(Request(tuple(paths))).pairs:
        if isinstance(entry, Skipped):
            continue
        if isinstance(entry, Unreadable) or plan is None:
            unreadable += 1
            continue
        if plan.found.job.samples:
            found.append((_shown(Path(plan.found.job.root)), infer_job(plan)))
    return found, unreadable


def project_table(projects: list[tuple[str, object]]) -> str:
    """Per project with samples: folder, outputs, typed/total, %, and a mark for those built to
    stay untyped."""
    from schemacheck.report.coverage import coverage_document

    head = ("project", "outputs", "typed/total", "%", "")
    rows = []
    for folder, analysis in projects:
        total = coverage_document([analysis])["total"]
        mark = f"built untyped: {BUILT_UNTYPED[folder]}" if folder in BUILT_UNTYPED else ""
        typed = f"{total['typed']}/{total['total']}{'' if total['complete'] else '+'}"
        rows.append((folder, str(total["outputs"]), typed, share(total["typed"], total["total"]), mark))
    return _table(head, rows)


def _shown(path: Path) -> str:
    """`path` relative to the repository (or the corpus's parent), else as given."""
    resolved = path.resolve()
    for base in (ROOT, ROOT.parent):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(path)


def figures(name: str, found: list, jobs: int, unreadable: int) -> dict:
    """One group's figures, as `infer --coverage --format json` totals them."""
    from schemacheck.report.coverage import coverage_document

    total = coverage_document(found)["total"]
    return {"group": name, "jobs": jobs, "unreadable": unreadable, **total}


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render(rows: list[dict]) -> str:
    from schemacheck.report.common import COVERAGE_KEYS

    head = ("group", "jobs", "outputs", "fully typed", "typed/total", "%")
    table = [(r["group"], str(r["jobs"]), str(r["outputs"]),
              f"{r['fully_typed']} ({share(r['fully_typed'], r['outputs'])})",
              f"{r['typed']}/{r['total']}{'' if r['complete'] else '+'}", share(r["typed"], r["total"])) for r in rows]
    out = [_table(head, table), "", "Columns by what typed them (share of all columns):", ""]
    head = ("group", *COVERAGE_KEYS)
    table = [(r["group"], *(f"{r['sources'].get(k, 0)} ({share(r['sources'].get(k, 0), r['total'])})"
                            for k in COVERAGE_KEYS)) for r in rows]
    out.append(_table(head, table))
    return "\n".join(out) + "\n"


def _table(head: tuple, rows: list[tuple]) -> str:
    widths = [max(len(line[i]) for line in (head, *rows)) for i in range(len(head))]
    lines = []
    for cells in (head, *rows):
        lines.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells)))
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(CORPUS), help="the corpus of queries (default: %(default)s)")
    parser.add_argument("--declarations", default=str(DECLARATIONS), metavar="DIR",
                        help="the corpus queries' declaration files, NAME.toml (default: %(default)s)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    options = parser.parse_args(argv)
    _schemacheck()

    rows, notes = [], []
    corpus = Path(options.corpus)
    declarations = Path(options.declarations)
    queries = sorted(str(p) for p in corpus.glob("*.asaql")) if corpus.is_dir() else []
    declared = {}
    if queries:
        rows.append(figures(f"corpus ({len(queries)} queries), query only", *analyses(queries, True)))
        if declarations.is_dir():
            *group, declared = declared_analyses(queries, declarations, notes)
            rows.append(figures(f"corpus ({len(queries)} queries), with declared inputs", *group))
        else:
            notes.append(f"corpus with declared inputs: skipped ({_shown(declarations)} is absent)")
    else:
        notes.append(f"corpus: skipped ({corpus} {'has no .asaql file' if corpus.is_dir() else 'is absent'})")
    fixture_paths = []
    for group in FIXTURE_GROUPS:
        folder = ROOT / group
        if not folder.is_dir():
            notes.append(f"{group}: skipped (absent)")
            continue
        fixture_paths.append(str(folder))
        for query_only in (False, True):
            label = f"{group.removeprefix('tests/fixtures/')}, {'query only' if query_only else 'as jobs'}"
            rows.append(figures(label, *analyses([str(folder)], query_only)))
    if len(fixture_paths) > 1:
        for query_only in (False, True):
            label = f"all fixtures, {'query only' if query_only else 'as jobs'}"
            rows.append(figures(label, *analyses(fixture_paths, query_only)))

    projects: list = []
    if fixture_paths:
        projects, unread = sample_analyses(fixture_paths)
        found = [analysis for _, analysis in projects]
        rows.append(figures("projects with samples, as jobs", found, len(found), unread))
        kept = [analysis for folder, analysis in projects if folder not in BUILT_UNTYPED]
        if len(kept) != len(found):
            rows.append(figures("projects with samples, without those built untyped", kept, len(kept), 0))

    print("Typed output columns (schemacheck infer --coverage, per group)\n")
    print(render(rows) if rows else "nothing to measure\n", end="")
    if declared:
        missing = len(queries) - declared["files"]
        unused = f"; {missing} without one {'is' if missing == 1 else 'are'} checked query only" if missing else ""
        print(f"\nDeclaration files ({_shown(declarations)}): {declared['files']} of {len(queries)} corpus queries "
              f"have one; {declared['declaring']} declare inputs ({declared['inputs']} inputs, {declared['fields']} "
              f"fields, nested ones included), {declared['files'] - declared['declaring']} declare none (a comment "
              f"says why){unused}.")
    if projects:
        print("\nProjects with samples (target: at least 85% typed):\n")
        print(project_table(projects))
        print(", ".join(f"{r['group'].removeprefix('projects with samples, ')}: {r['typed']}/{r['total']} "
                        f"{share(r['typed'], r['total'])}" for r in rows if r["group"].startswith("projects with")))
    if notes:
        print()
    for note in notes:
        print(f"note: {note}")
    if any(r["unreadable"] for r in rows):
        print("note: " + "; ".join(f"{r['group']}: {r['unreadable']} file(s) could not be read"
                                   for r in rows if r["unreadable"]))
    if options.json:
        from schemacheck.report.coverage import coverage_document

        per_project = [{"project": folder, "built_untyped": folder in BUILT_UNTYPED,
                        **coverage_document([analysis])["total"]} for folder, analysis in projects]
        document = {"groups": rows, "notes": notes, "declarations": declared, "projects_with_samples": per_project}
        Path(options.json).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
