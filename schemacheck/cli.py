"""The command line: argv -> analysis -> rendering -> exit code. The only module that
reads argv or the environment, prints, or exits.

Exit codes, the first that applies: 2 usage, input or configuration errors; 1 a finding
at or above --fail-on (default error; for `infer`, an error diagnostic); 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from schemacheck import __version__
from schemacheck.errors import SchemacheckError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class _Parser(argparse.ArgumentParser):
    _showing_help = False

    def error(self, message: str):  # argparse would exit 2 itself; keep one exit path
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def _get_formatter(self):
        # add_argument builds a formatter to vet each metavar, and a formatter of no
        # given width asks the terminal for its size: a hundred system calls (and the
        # import of shutil) on every run. The terminal's width matters only for help.
        if _Parser._showing_help:
            return super()._get_formatter()
        return self.formatter_class(prog=self.prog, width=100)

    def format_help(self) -> str:
        _Parser._showing_help = True
        try:
            return super().format_help()
        finally:
            _Parser._showing_help = False


PATHS_HELP = ("queries (.asaql), ASA projects (asaproj.json, .asaproj, or their folder), ARM templates, or "
              "directories to search for them")


def _common(command: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json"),
            default_format: str = "text") -> None:
    command.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    command.add_argument("--parameters", metavar="FILE", help="the parameters file of the ARM template given "
                         "(default: NAME.parameters.json beside NAME.json)")
    command.add_argument("--format", choices=formats, default=default_format,
                         help=f"{', '.join(formats)} (default {default_format})" + (
                             "; auto: GitHub annotations under GitHub Actions, Azure Pipelines logging commands "
                             "under Azure Pipelines, else text (coloured on a terminal unless NO_COLOR)"
                             if "auto" in formats else ""))
    command.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    command.add_argument("--compat-level", choices=("1.0", "1.1", "1.2"), default=None,
                         help="the job's compatibility level (default: configuration, else 1.2): 1.0 "
                         "lower-cases names, only 1.2 has bit")
    command.add_argument("--udf-type", action="append", default=[], metavar="NAME=TYPE",
                         help="the declared return type of udf.NAME or uda.NAME (repeatable), e.g. hex2Int=bigint")
    command.add_argument("--no-cache", action="store_true", help="check again even when nothing it reads has "
                         "changed since the last run (the cache: SCHEMACHECK_CACHE_DIR, else the user cache folder)")
    command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _live_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--cluster", metavar="URL", help="the cluster (an ingestion URI is turned into the engine's); "
                         "default: the configuration's cluster of each output")
    command.add_argument("--auth", default=None, metavar="MODE",
                         help="default (DefaultAzureCredential), az-cli, managed-identity[:CLIENT_ID], device-code, "
                         "service-principal (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET), or none "
                         "(a local emulator over http://); default: [live] auth in the configuration, else default")
    command.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                         help="how long to wait for each answer from the cluster (default: [live] timeout in the "
                         "configuration, else 30)")
    if "--debug" not in command._option_string_actions:
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="schemacheck", description="Check Azure Stream Analytics queries against the "
                     "tables their outputs write to, before deployment.")
    parser.add_argument("--version", action="version", version=f"schemacheck {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    # An explicit prog keeps argparse from building a help formatter (and importing
    # shutil for the terminal size) on every run.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog="schemacheck")

    check = commands.add_parser("check", help="compare each output's columns with its Azure Data Explorer or SQL table",
                                description="Report every way the query's Azure Data Explorer and SQL (Azure SQL "
                                "Database, Synapse, PostgreSQL) outputs will not fit their tables: names, types, "
                                "order, required and generated columns, missing tables.")
    from schemacheck.report.formats import CHECK_FORMATS

    _common(check, CHECK_FORMATS, "auto")
    check.add_argument("--schema", action="append", default=[], metavar="FILE|DIR",
                       help="saved table schemas: .show table ... schema as json, database schema JSON, CSL "
                       "schema text, .kql scripts; SQL DDL (.sql files, SSDT project folders); or a folder of them "
                       "(repeatable; default: configuration)")
    check.add_argument("--target", action="append", default=[], metavar="ALIAS=TABLE",
                       help="map output ALIAS to TABLE or DATABASE/TABLE, or to a SQL table with KIND:TABLE "
                       "(KIND sql, synapse or postgresql: Alerts=sql:dbo.Alerts) (repeatable)")
    check.add_argument("--fail-on", choices=("error", "warning", "info"), default=None,
                       help="the lowest severity that makes the exit code 1 (default: the configuration's "
                       "fail-on, else error)")
    check.add_argument("--live", action="store_true",
                       help="read the tables from the cluster instead of schema files (read-only .show commands)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when findings reach --fail-on (2 still means the run could not read something)")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="text: print the findings only (no headings, outputs, summaries or notes)")
    check.add_argument("--statistics", action="store_true",
                       help="print how many findings each rule made instead of the findings (text or json)")
    check.add_argument("--hook", action="store_true",
                       help="run as the pre-commit hook does: PATHs are the changed files; a file that belongs to "
                       "no job is skipped quietly")
    check.add_argument("--jobs", type=_positive, default=None, metavar="N",
                       help="check the jobs in N forked processes (Linux; default 1: see the README's Speed section)")
    fixing = check.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="apply the query rewrites findings carry (aliases, CAST/TRY_CAST) in the files that "
                        "hold the queries, then report what is left")
    fixing.add_argument("--diff", action="store_true",
                        help="print what --fix would change as a unified diff and write nothing; exit 1 when "
                        "there is something to fix")
    _live_options(check)

    suggest = commands.add_parser("suggest", help="print the Kusto commands and query rewrites that would make "
                                  "each ADX output fit its table; runs nothing",
                                  description="For each Azure Data Explorer output that does not fit its table: "
                                  "the KQL for the table side (.create-merge table, .alter column, .create table; "
                                  "those that touch existing data are marked) and the exact rewrite of each select "
                                  "item for the query side. Nothing is executed.")
    _common(suggest, ("text", "json", "kql", "sql"))   # kql, sql: one script of the table-side commands
    suggest.add_argument("--schema", action="append", default=[], metavar="FILE|DIR",
                         help="saved table schemas (as for check)")
    suggest.add_argument("--target", action="append", default=[], metavar="ALIAS=TABLE",
                         help="map output ALIAS to TABLE or DATABASE/TABLE (repeatable)")
    suggest.add_argument("--live", action="store_true", help="read the tables from the cluster (read-only)")
    _live_options(suggest)

    snapshot = commands.add_parser("snapshot", help="save the tables the outputs write to, as schema files",
                                   description="Read the tables the queries' outputs write to (or --table ...) from "
                                   "the cluster and save one schema file per table, for the offline check.")
    snapshot.add_argument("paths", nargs="*", metavar="PATH", help=PATHS_HELP)
    snapshot.add_argument("--parameters", metavar="FILE", help="the parameters file of the ARM template given")
    snapshot.add_argument("--target", action="append", default=[], metavar="ALIAS=DATABASE/TABLE")
    snapshot.add_argument("--database", help="the database of --table")
    snapshot.add_argument("--table", action="append", default=[], help="a table to save (repeatable; with --database)")
    snapshot.add_argument("--out", metavar="DIR", help="where to write (default: the first of the configuration's "
                          "schemas)")
    snapshot.add_argument("--check", action="store_true", help="compare the saved files with the cluster; exit 1 "
                          "when they differ")
    snapshot.add_argument("--stamp", action="store_true", help="record the time of the snapshot in each file")
    snapshot.add_argument("--compat-level", choices=("1.0", "1.1", "1.2"), default=None, help=argparse.SUPPRESS)
    _live_options(snapshot)

    doctor = commands.add_parser("doctor", help="run the troubleshooting checklist for ASA's ADX output",
                                 description="Check, for each table an output writes to: the cluster answers, "
                                 "the table exists, the schema fits, the job's identity holds Ingestor and Monitor, "
                                 "streaming ingestion, recent ingestion failures.")
    doctor.add_argument("paths", nargs="*", metavar="PATH", help=PATHS_HELP)
    doctor.add_argument("--parameters", metavar="FILE", help="the parameters file of the ARM template given")
    doctor.add_argument("--target", action="append", default=[], metavar="ALIAS=DATABASE/TABLE")
    doctor.add_argument("--database", help="the database of --table")
    doctor.add_argument("--table", action="append", default=[], help="a table to examine (with --database)")
    doctor.add_argument("--principal", help="the job's managed identity: object id, application id or name "
                        "(default: the job's identity as its project or template says)")
    doctor.add_argument("--format", choices=("text", "json", "junit"), default="text")
    doctor.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    doctor.add_argument("--compat-level", choices=("1.0", "1.1", "1.2"), default=None,
                        help="the job's compatibility level (default: configuration, else 1.2)")
    _live_options(doctor)

    rules = commands.add_parser("rules", help="list every rule with its default severity, or explain one",
                                description="List the rules (code, name, default severity, what it finds), or "
                                "explain one: what it finds, why it matters, how to fix it.")
    rules.add_argument("code", nargs="?", metavar="CODE", help="a rule code, e.g. SC201, or its name")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    infer = commands.add_parser("infer", help="show the columns and ASA types each SELECT ... INTO writes",
                                description="Show, for every SELECT ... INTO statement, the columns it "
                                "writes: their order, names as ASA writes them, and ASA types.")
    _common(infer)
    return parser


def one_line(message: str) -> str:
    """An error message on one line: a line break the user's text brought in (a quoted name
    that holds one) is shown escaped, so that every error stays one line."""
    return encodable(message.replace("\r", "\\r").replace("\n", "\\n"))


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _udf_types(values: Sequence[str]) -> dict[str, str] | None:
    if not values:
        return None
    result = {}
    for value in values:
        name, sep, kind = value.partition("=")
        if not sep or not name.strip() or not kind.strip():
            raise UsageError(f"--udf-type {value!r}: expected NAME=TYPE, e.g. hex2Int=bigint")
        name = name.strip()
        if name.lower().startswith(("udf.", "uda.")):
            name = name[4:]
        result[name] = kind.strip()
    return result


def _find_jobs(options, err):
    """The jobs behind the paths (schemacheck.jobs.discover); errors are printed as found."""
    from schemacheck.files import Unreadable
    from schemacheck.jobs.discover import find_jobs

    found = [entry for entry in find_jobs(list(options.paths), getattr(options, "parameters", None),
                                          getattr(options, "hook", False), tuple(getattr(options, "schema", ())))
             if not _excluded(entry)]
    for entry in found:
        if isinstance(entry, Unreadable):
            err.write(f"schemacheck: error: {one_line(str(entry))}\n")
    if options.parameters and not any(getattr(e, "parameters", None) for e in found) and not any(
            isinstance(e, Unreadable) and e.file == options.parameters for e in found):
        err.write(f"schemacheck: warning: --parameters {options.parameters}: no ARM template among the paths uses it\n")
    return found, any(isinstance(e, Unreadable) for e in found)


def _excluded(entry) -> bool:
    """Whether the configuration nearest the entry's query (or file) excludes it."""
    from schemacheck.config import find_config
    from schemacheck.files import Skipped, Unreadable

    if isinstance(entry, (Unreadable, Skipped)):
        path = entry.file
    else:
        job = entry.job
        path = job.query.file if job.query is not None else job.source
    return find_config(path, _CONFIGS).excludes(path)


_CONFIGS: dict = {}   # find_config's cache, per directory, for one run of the command line


class _Sources(dict):
    """File texts for source snippets, read when first asked for (None if unreadable)."""

    def __missing__(self, path):
        from schemacheck.errors import InputError
        from schemacheck.files import read_text_file

        try:
            text = read_text_file(path, "file")
        except InputError:
            text = None
        self[path] = text
        return text

    def get(self, path, default=None):
        return self[path] if path else default


def _plans(options, found, udf_types=None):
    """(entry, plan or None) for each job found: Unreadable entries pass through."""
    from schemacheck.plan import plan_job
    from schemacheck.config import find_config
    from schemacheck.files import Skipped, Unreadable

    for entry in found:
        if isinstance(entry, (Unreadable, Skipped)):
            yield entry, None
            continue
        job = entry.job
        config = find_config(job.source if job.form == "query" else job.root, _CONFIGS)
        yield entry, plan_job(entry, config, options.compat_level, udf_types, tuple(getattr(options, "schema", ())))


class _Connections:
    """One Cluster per cluster URL for the whole run, closed at the end."""

    def __init__(self, options, err) -> None:
        self.options = options
        self.err = err
        self.open: dict = {}

    def __call__(self, url: str):
        from schemacheck.kusto.live import Cluster, engine_url

        key = engine_url(url)[0]
        if key not in self.open:
            import os

            def prompt(verification_uri, user_code, expires_on):
                self.err.write(f"schemacheck: to sign in, open {verification_uri} and enter the code {user_code}\n")

            from schemacheck.config import find_config

            live = find_config(self.options.paths[0] if self.options.paths else ".", _CONFIGS).live
            auth = self.options.auth or live.auth or "default"
            timeout = self.options.timeout or live.timeout or 30.0
            cluster = Cluster(url, auth, dict(os.environ), timeout, prompt=prompt)
            if cluster.note:
                self.err.write(f"schemacheck: note: {cluster.note}\n")
            self.open[key] = cluster
        return self.open[key]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for cluster in self.open.values():
            cluster.close()


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


_ANSWER: dict = {}    # what this run wrote besides standard output and error, for the result cache


def encodable(text: str) -> str:
    """`text` with what UTF-8 cannot encode (a lone surrogate a JSON file's escape brought
    in, as `"\\ud800"`) shown as a backslash escape, so that no report fails to print."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _write(options, out, text: str) -> None:
    """The report to --output FILE (written whole, then moved into place) or to `out`."""
    text = encodable(text)
    path = getattr(options, "output", None)
    if not path:
        out.write(text)
        return
    _write_file(path, text)
    _ANSWER["output"] = (path, text)


def _write_file(path: str, text: str) -> None:
    import os
    import tempfile

    from schemacheck.errors import InputError

    directory = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".schemacheck-", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise InputError(f"the report cannot be written ({error.strerror or error})", path) from None
    finally:
        if temporary is not None:   # nothing half-written is left beside the report
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _report(options, out, entries: list, document, render) -> list:
    """Print the entries as JSON (`document`) or text (`render`); returns the readable ones."""
    import os

    from schemacheck.files import Unreadable
    from schemacheck.report.formats import choose_format

    results = [e for e in entries if not isinstance(e, Unreadable)]
    if options.format == "json":
        from schemacheck.report.json import dumps

        _write(options, out, dumps(document(entries)))
    elif results or getattr(options, "output", None):
        color = not options.output and choose_format("text", os.environ, _is_terminal(out))[1]
        _write(options, out, render(results, _Sources(), color=color) if results else "")
    return results


def _run_infer(options, out, err) -> int:
    from schemacheck.files import Skipped
    from schemacheck.plan import infer_job

    udf_types = _udf_types(options.udf_type)
    found, failed = _find_jobs(options, err)
    for entry in found:
        if isinstance(entry, Skipped):
            err.write(f"schemacheck: note: {one_line(entry.file + ' ' + entry.message)}\n")
    found = [entry for entry in found if not isinstance(entry, Skipped)]
    entries = [entry if plan is None else infer_job(plan) for entry, plan in _plans(options, found, udf_types)]
    from schemacheck.report.json import infer_document
    from schemacheck.report.text import render_infer

    analyses = _report(options, out, entries, infer_document, render_infer)
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(a.has_errors for a in analyses) else EXIT_OK


def _checks(options, err):
    """Every job the paths stand for, checked: (entries, whether an input failed, the
    fail-on severity of each entry by id)."""
    from schemacheck.check import SqlCatalogs, check_job, job_destinations, live_catalog, parse_target, sql_dialects
    from schemacheck.config import find_config
    from schemacheck.files import Skipped, Unreadable
    from schemacheck.kusto.files import load_schemas
    from schemacheck.parallel import fork_map
    from schemacheck.plan import analyze_job

    targets = {}
    for value in options.target:
        target = parse_target(value)
        targets[target.alias] = target
    udf_types = _udf_types(options.udf_type)
    found, failed = _find_jobs(options, err)
    catalogs: dict = {}
    sql_catalogs: dict = {}
    entries = []
    fail_on: dict[int, str] = {}
    planned = list(_plans(options, found, udf_types))
    if options.live:
        with _Connections(options, err) as connect:
            for entry, plan in planned:
                if plan is not None:
                    analysis = analyze_job(plan)
                    catalog = live_catalog(job_destinations(plan, analysis, targets, options.cluster), connect)
                    entry = check_job(plan, analysis, catalog, targets, options.cluster,
                                      sql_catalogs.setdefault(plan.schemas, SqlCatalogs(plan.schemas)))
                entries.append(entry)
    else:
        # Schemas are read here, before any worker starts: every file is read by this
        # process (the result cache records what it reads) and each folder once.
        for _, plan in planned:
            if plan is not None and plan.schemas not in catalogs:
                catalogs[plan.schemas] = load_schemas(list(plan.schemas))
            if plan is not None:
                ddl = sql_catalogs.setdefault(plan.schemas, SqlCatalogs(plan.schemas))
                for dialect, paths in sql_dialects(plan, targets):   # only a job with a SQL output reads DDL
                    ddl(dialect, paths)

        def check(pair):
            entry, plan = pair
            if plan is None:
                return entry
            return check_job(plan, analyze_job(plan), catalogs[plan.schemas], targets, options.cluster,
                             sql_catalogs[plan.schemas])

        # One process unless asked: benchmarks/run.py measured forked workers at 0.84x and
        # 1.39x of one process in two runs on 1,000 sample-sized files (discovery and
        # reporting stay in this process, and the results travel back pickled).
        entries = fork_map(check, planned, getattr(options, "jobs", None) or 1)
    entries = [_skipped_check(e) if isinstance(e, Skipped) else e for e in entries]
    entries = _with_unused_mappings(entries, planned, targets, err)
    for entry, (_, plan) in zip(entries, planned):
        if plan is not None:
            fail_on[id(entry)] = getattr(options, "fail_on", None) or plan.config.fail_on or "error"
        elif not isinstance(entry, Unreadable):
            config = find_config(entry.file, _CONFIGS)
            fail_on[id(entry)] = getattr(options, "fail_on", None) or config.fail_on or "error"
    return entries, failed, fail_on


def _with_unused_mappings(entries: list, planned: list, targets: dict, err) -> list:
    """The entries with SC407 for mappings that name no output of the run (at the severity
    each job's configuration gives it); with nothing checked, --target's on stderr."""
    from schemacheck.check import FileCheck, unused_mappings
    from schemacheck.plan import query_first
    from schemacheck.policy import with_severities

    checked = [(i, e, plan.config) for i, (e, (_, plan)) in enumerate(zip(entries, planned))
               if plan is not None and isinstance(e, FileCheck)]
    if not checked:
        for alias in sorted(targets):
            err.write(f"schemacheck: warning: --target {alias}=...: no statement writes INTO {alias}\n")
        return entries
    added = unused_mappings([(e, config) for _, e, config in checked], targets)
    result = list(entries)
    for (index, entry, config), found in zip(checked, added):
        if found:
            kept = with_severities(found, config.severity)
            result[index] = entry._replace(diagnostics=tuple(sorted(entry.diagnostics + tuple(kept),
                                                                    key=query_first(entry.file))))
    return result


def _skipped_check(entry):
    """A job-like file a directory scan did not read, as a check holding one SC611 finding
    (so that every format lists it), at the severity its configuration gives SC611."""
    from schemacheck import diagnostics as D
    from schemacheck.check import FileCheck
    from schemacheck.config import find_config
    from schemacheck.policy import with_severities

    finding = D.Diagnostic("SC611", D.RULES["SC611"].severity, f"not read: the file {entry.message}", entry.file, 1, 1)
    kept = with_severities([finding], find_config(entry.file, _CONFIGS).severity)
    return FileCheck(entry.file, None, (), tuple(kept))


def _fixes(options, err):
    """The passes of --fix and --diff (schemacheck.fixes): the re-checks' warnings are not
    printed again."""
    import io

    from schemacheck.fixes import run_fixes

    return run_fixes(lambda first: _checks(options, err if first else io.StringIO()))


def _run_fix(options, err):
    """check --fix: the rewrites the findings carry applied and written; returns the check
    of the fixed files, as _checks returns it, for the report of what is left."""
    fixes = _fixes(options, err)
    for path in fixes.write():
        err.write(f"schemacheck: warning: {one_line(path)} changed on disk while it was being fixed: not written\n")
    for note in fixes.notes():
        err.write(f"schemacheck: warning: {one_line(note)}\n")
    if fixes.summary():
        err.write(f"schemacheck: {fixes.summary()}\n")
    return fixes.last


def _run_diff(options, out, err) -> int:
    """check --diff: what --fix would write, as a unified diff; writes no file. Exit 1 when
    there is something to fix, else 0 (2 when an input could not be read)."""
    fixes = _fixes(options, err)
    _write(options, out, fixes.diff())
    for note in fixes.notes():
        err.write(f"schemacheck: warning: {one_line(note)}\n")
    if fixes.summary(done=False):
        err.write(f"schemacheck: {fixes.summary(done=False)}\n")
    if fixes.last[1]:
        return EXIT_ERROR
    return EXIT_FINDINGS if fixes.changed else EXIT_OK


def _run_check(options, out, err) -> int:
    import os

    from schemacheck import __version__
    from schemacheck.files import Unreadable
    from schemacheck.report.formats import choose_format, render

    chosen, color = choose_format(options.format, os.environ, _is_terminal(out) and not options.output)
    if options.statistics and chosen not in ("text", "json"):
        raise UsageError(f"--statistics prints text or json, not {chosen}")
    if options.diff:
        return _run_diff(options, out, err)
    entries, failed, fail_on = _run_fix(options, err) if options.fix else _checks(options, err)
    checks = [e for e in entries if not isinstance(e, Unreadable)]
    failing = any(SEVERITY_RANK[d.severity] >= SEVERITY_RANK[fail_on[id(c)]] for c in checks for d in c.diagnostics)
    shown = entries if chosen != "text" else checks
    if options.statistics:
        from schemacheck.report.text import render_statistics

        if chosen == "json":
            from schemacheck.report.json import dumps, statistics_document

            _write(options, out, dumps(statistics_document(checks)))
        else:
            _write(options, out, render_statistics(checks))
    elif chosen != "text" or shown or options.output:
        _write(options, out, render(chosen, shown, sources=_Sources(), version=__version__,
                                    failed=(failed or failing) and not options.exit_zero, color=color,
                                    quiet=options.quiet))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if chosen == "github" and summary:
        from schemacheck.report.github import render_step_summary

        _append_summary(summary, render_step_summary(entries), err)
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if failing and not options.exit_zero else EXIT_OK


def _append_summary(path: str, text: str, err) -> None:
    """Add to the GitHub step summary file (other steps write to it too)."""
    try:
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(text)
        _ANSWER["summary"] = text
    except OSError as error:
        err.write(f"schemacheck: warning: the step summary cannot be written to {path} "
                  f"({error.strerror or error})\n")


def _run_suggest(options, out, err) -> int:
    """What would make each ADX output fit its table; runs nothing. Exit 0 (check is the
    gate), 2 when a path could not be read."""
    from schemacheck.files import Unreadable
    from schemacheck.report.suggest import render_suggest_text, suggest_document
    from schemacheck.suggest import suggest

    entries, failed, _ = _checks(options, err)
    sources = _Sources()
    suggestions = [s for e in entries if not isinstance(e, Unreadable) for s in suggest(e, sources)]
    if options.format == "json":
        from schemacheck.report.json import dumps

        _write(options, out, dumps(suggest_document(suggestions)))
    elif options.format in ("kql", "sql"):   # one script to paste whole: commands and comments only
        from schemacheck.report.suggest import render_suggest_script

        _write(options, out, render_suggest_script(suggestions, options.format, sources))
    else:
        _write(options, out, render_suggest_text(suggestions, sources))
    return EXIT_ERROR if failed else EXIT_OK


def _tables_to_read(options, err) -> list:
    """(destination, output, analysis, plan) for every ADX table to read: the explicit
    --cluster/--database/--table ones, or those the jobs' outputs write to."""
    from schemacheck.check import Destination, job_destinations, parse_target
    from schemacheck.plan import analyze_job

    if options.table:
        if not (options.cluster and options.database):
            raise UsageError("--table needs --cluster and --database")
        return [(Destination(t, t, options.database, options.cluster, "--table"), None, None, None)
                for t in options.table]
    if not options.paths:
        raise UsageError("give queries, projects or templates, or --cluster, --database and --table")
    targets = {}
    for value in options.target:
        target = parse_target(value)
        targets[target.alias] = target
    found, failed = _find_jobs(options, err)
    if failed:
        raise UsageError("a query, project or template could not be read (see above)")
    wanted = []
    for _entry, plan in _plans(options, found):
        if plan is None:   # a job-like file that is not read (Skipped)
            continue
        analysis = analyze_job(plan)
        for output, where_to in zip(analysis.outputs, job_destinations(plan, analysis, targets, options.cluster)):
            if where_to.kind is not None or where_to.sql is not None:   # only ADX tables live on a cluster
                continue
            if where_to.table is None or where_to.database is None or where_to.cluster is None:
                missing = [n for n, v in (("table", where_to.table), ("database", where_to.database),
                                          ("cluster", where_to.cluster)) if v is None]
                err.write(f"schemacheck: warning: {analysis.file}: output {output.output} has no "
                          f"{' and no '.join(missing)}: skipped (map it with --target, --cluster or "
                          f"[outputs.{output.output}])\n")
                continue
            wanted.append((where_to, output, analysis, plan))
    return wanted


def _run_snapshot(options, out, err) -> int:
    import os

    from schemacheck.kusto.files import load_file
    from schemacheck.kusto.live import engine_url
    from schemacheck.snapshot import drift, render, snapshot_path, write_atomically

    wanted = _tables_to_read(options, err)
    if not wanted:
        raise UsageError("no table to read: no output maps to a database and table")
    directory = options.out or next((p.schemas[0] for *_, p in wanted if p is not None and p.schemas), None)
    if directory is None:
        directory = next((os.path.join(p.found.job.root, "schemas") for *_, p in wanted
                          if p is not None and p.found.job.form != "query"), None)
    if directory is None:
        raise UsageError("where to write the snapshot: give --out DIR, schemas = [...] in schemacheck.toml, or make "
                         "a schemas/ folder in the project")
    stamp = None
    if options.stamp:
        from datetime import datetime, timezone

        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    seen = set()
    exit_code = EXIT_OK
    with _Connections(options, err) as connect:
        for where_to, *_ in wanted:
            cluster = connect(where_to.cluster)
            key = (cluster.url, where_to.database.lower(), where_to.table)
            if key in seen:
                continue
            seen.add(key)
            table = cluster.table_schema(where_to.database, where_to.table)
            path = snapshot_path(directory, where_to.database, where_to.table)
            if options.check:
                saved = None
                if os.path.exists(path):
                    saved = next((t for t in load_file(path) if t.name == where_to.table), None)
                lines = drift(saved, table, where_to.table)
                for line in lines:
                    out.write(f"{path}: {line}\n")
                if lines:
                    exit_code = EXIT_FINDINGS
                continue
            if table is None:
                out.write(f"table {where_to.table} does not exist in {where_to.database} on {cluster.url}: not saved\n")
                exit_code = EXIT_FINDINGS
                continue
            text = render(table, where_to.database, engine_url(where_to.cluster)[0], stamp)
            unchanged = os.path.exists(path) and open(path, encoding="utf-8").read() == text
            if not unchanged:
                write_atomically(path, text)
            out.write(f"{'unchanged' if unchanged else 'wrote'} {path}\n")
    if options.check and exit_code == EXIT_OK:
        out.write(f"no drift: {len(seen)} table(s) match the snapshot\n")
    return exit_code


def _job_principal(job) -> tuple[str | None, str | None]:
    """The principal to look for when --principal is not given, and where it comes from."""
    from schemacheck.files import display_path

    source = display_path(job.source)
    identity = job.identity
    if identity.kind == "user" and identity.resources:
        name = identity.resources[0].rstrip("/").rsplit("/", 1)[-1]
        return name, f"the job's user-assigned identity {name}, from {source}"
    if identity.kind == "system" and job.name:
        return job.name, f"the job's system-assigned identity, named like the job {job.name} ({source})"
    if identity.kind == "none" and job.form != "query":
        return None, f"the job has no managed identity ({source}), and ADX accepts no other"
    return None, None


def _run_doctor(options, out, err) -> int:
    from schemacheck.doctor import FAIL, examine

    wanted = _tables_to_read(options, err)
    if not wanted:
        raise UsageError("no table to examine: no output maps to a cluster, database and table")
    reports = []
    with _Connections(options, err) as connect:
        for where_to, output, analysis, plan in wanted:
            level = plan.level if plan is not None else options.compat_level or "1.2"
            file = analysis.file if analysis is not None else None
            query = plan.found.job.query if plan is not None else None
            principal, origin = options.principal, None
            if principal is None and plan is not None:
                principal, origin = _job_principal(plan.found.job)
            report = examine(connect(where_to.cluster), where_to.database, where_to.table, principal, output, level,
                             file, query.text if query else None, origin)
            if query is not None and query.json_string_at is not None:
                from schemacheck.plan import relocate

                report = report._replace(items=tuple(
                    item._replace(diagnostics=relocate(analysis, item.diagnostics, query)[1])
                    for item in report.items))
            reports.append(report)
    if options.format == "json":
        from schemacheck.report.json import doctor_document, dumps

        _write(options, out, dumps(doctor_document(reports)))
    elif options.format == "junit":
        from schemacheck.report.junit import render_junit_doctor

        _write(options, out, render_junit_doctor(reports))
    else:
        from schemacheck.report.text import render_doctor

        _write(options, out, render_doctor(reports))
    if any(r.unreachable for r in reports):
        return 3
    return EXIT_FINDINGS if any(i.status == FAIL for r in reports for i in r.items) else EXIT_OK


def _run_rules(options, out, err) -> int:
    from schemacheck.config import find_config
    from schemacheck.diagnostics import RULES

    config = find_config(".", _CONFIGS)
    chosen = list(RULES.values())
    if options.code:
        wanted = options.code.strip()
        rule = RULES.get(wanted.upper()) or next((r for r in chosen if r.name == wanted.lower()), None)
        if rule is None:
            from difflib import get_close_matches

            near = get_close_matches(wanted.upper(), list(RULES), n=1) or get_close_matches(
                wanted.lower(), [r.name for r in chosen], n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise UsageError(f"no rule {wanted}{hint} (`schemacheck rules` lists them)")
        chosen = [rule]
    configured = {r.code: config.severity(r.code, r.severity) for r in chosen}
    if options.format == "json":
        from schemacheck.report.json import dumps

        out.write(dumps({"rules": [{"code": r.code, "name": r.name, "severity": r.severity,
                                    "configured_severity": configured[r.code], "summary": r.summary, "doc": r.doc}
                                   for r in chosen]}))
        return EXIT_OK
    from schemacheck.report.rules import render_rule, render_rules

    where = config.path if config.path is not None and config.rules else None
    out.write(render_rule(chosen[0], configured[chosen[0].code], where) if options.code
              else render_rules(chosen, configured, where))
    return EXIT_OK


CACHED_COMMANDS = ("check", "infer", "suggest")


def _cache_directory(arguments: list[str], environ) -> str | None:
    """Where this run's answer is cached, or None when it is not: only offline check, infer
    and suggest, without --no-cache (and not for --help, nor for check --fix or --diff, which
    read files as they are and --fix changes them: argparse also takes --fi and --di for them)."""
    command = next((a for a in arguments if not a.startswith("-")), None)
    if command not in CACHED_COMMANDS or any(a in ("--no-cache", "--live", "-h", "--help") for a in arguments):
        return None
    if any(len(a) >= 4 and ("--fix".startswith(a) or "--diff".startswith(a)) for a in arguments):
        return None
    from schemacheck.cache import default_directory

    return environ.get("SCHEMACHECK_CACHE_DIR") or default_directory(environ)


class _Tee:
    """A text stream that also keeps what was written (for the cache)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def isatty(self) -> bool:
        return _is_terminal(self.stream)

    def flush(self) -> None:
        self.stream.flush()

    def getvalue(self) -> str:
        return "".join(self.parts)


def _replay(answer: dict, out, err, environ) -> int:
    """A cached run's answer, given as that run gave it."""
    if answer["output"] is not None:
        path, text = answer["output"]
        _write_file(path, text)
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary and answer["summary"] is not None:
        _append_summary(summary, answer["summary"], err)
    out.write(answer["stdout"])
    err.write(answer["stderr"])
    return answer["code"]


def main(argv: Sequence[str] | None = None, out=None, err=None) -> int:
    """Run the command line; returns the exit code (the console script exits with it).
    Offline check, infer and suggest answer from the result cache (schemacheck.cache)
    when nothing they read has changed."""
    import os

    out = out or sys.stdout
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    _CONFIGS.clear()
    _ANSWER.clear()
    directory = _cache_directory(arguments, os.environ)
    if directory is None:
        return _main(arguments, out, err)
    from schemacheck import cache

    key = cache.run_key(__version__, arguments, os.environ, _is_terminal(out))
    answer = cache.load(directory, key)
    if answer is not None:
        try:
            return _replay(answer, out, err, os.environ)
        except SchemacheckError as error:
            err.write(f"schemacheck: error: {one_line(str(error))}\n")
            return error.exit_code
        except BrokenPipeError:
            return EXIT_OK
    out, err = _Tee(out), _Tee(err)
    with cache.Recorder() as recorder:
        code = _main(arguments, out, err)
    if code in (EXIT_OK, EXIT_FINDINGS) and not _ANSWER.get("incomplete"):
        cache.store(directory, key, {"stdout": out.getvalue(), "stderr": err.getvalue(), "code": code,
                                     "output": _ANSWER.get("output"), "summary": _ANSWER.get("summary")}, recorder)
    return code


def _main(arguments: list[str], out, err) -> int:
    debug = "--debug" in arguments
    try:
        options = _parser().parse_args(arguments)
        if options.command is None:
            raise UsageError("no command given; try 'schemacheck check QUERY.asaql --schema SCHEMAS' "
                             "or 'schemacheck --help'")
        runners = {"check": _run_check, "infer": _run_infer, "snapshot": _run_snapshot, "doctor": _run_doctor,
                   "rules": _run_rules, "suggest": _run_suggest}
        return runners[options.command](options, out, err)
    except SchemacheckError as error:
        err.write(f"schemacheck: error: {one_line(str(error))}\n")
        return error.exit_code
    except KeyboardInterrupt:
        err.write("schemacheck: interrupted\n")
        return 130
    except BrokenPipeError:
        _ANSWER["incomplete"] = True
        return EXIT_OK
    except Exception as error:  # a bug in schemacheck, not a user mistake
        if debug:
            raise
        err.write(f"schemacheck: internal error: {type(error).__name__}: {error}\n"
                  "schemacheck: this is a bug; rerun with --debug for the traceback and report it\n")
        return EXIT_ERROR
