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
    def error(self, message: str):  # argparse would exit 2 itself; keep one exit path
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="+", metavar="PATH", help="query files (.asaql) or directories")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.add_argument("--compat-level", choices=("1.0", "1.1", "1.2"), default=None,
                         help="the job's compatibility level (default: configuration, else 1.2): 1.0 "
                         "lower-cases names, only 1.2 has bit")
    command.add_argument("--udf-type", action="append", default=[], metavar="NAME=TYPE",
                         help="the declared return type of udf.NAME or uda.NAME (repeatable), e.g. hex2Int=bigint")
    command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="schemacheck", description="Check Azure Stream Analytics queries against the "
                     "tables their outputs write to, before deployment.")
    parser.add_argument("--version", action="version", version=f"schemacheck {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    # An explicit prog keeps argparse from building a help formatter (and importing
    # shutil for the terminal size) on every run.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog="schemacheck")

    check = commands.add_parser("check", help="compare each output's columns with its Azure Data Explorer table",
                                description="Report every way the query's Azure Data Explorer outputs will not "
                                "fit their tables: names, types, order, missing tables.")
    _common(check)
    check.add_argument("--schema", action="append", default=[], metavar="FILE|DIR",
                       help="saved table schemas: .show table ... schema as json, database schema JSON, CSL "
                       "schema text, .kql scripts, or a folder of them (repeatable; default: configuration)")
    check.add_argument("--target", action="append", default=[], metavar="ALIAS=TABLE",
                       help="map output ALIAS to TABLE or DATABASE/TABLE (repeatable)")
    check.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                       help="the lowest severity that makes the exit code 1 (default error)")

    infer = commands.add_parser("infer", help="show the columns and ASA types each SELECT ... INTO writes",
                                description="Show, for every SELECT ... INTO statement, the columns it "
                                "writes: their order, names as ASA writes them, and ASA types.")
    _common(infer)
    return parser


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


def _read_all(paths: Sequence[str], err):
    """(path, text or Unreadable) for every query file, in order; whether any failed."""
    from schemacheck.errors import InputError
    from schemacheck.files import Unreadable, expand_paths, read_query

    entries = []
    failed = False
    for path in expand_paths(list(paths)):
        try:
            entries.append((path, read_query(path)))
        except InputError as error:
            err.write(f"schemacheck: error: {error}\n")
            entries.append((path, Unreadable(path, error.message)))
            failed = True
    return entries, failed


def _report(options, out, entries: list, files: list, document, render) -> list:
    """Print the entries as JSON (`document`) or text (`render`); returns the readable ones."""
    from schemacheck.files import Unreadable

    results = [e for e in entries if not isinstance(e, Unreadable)]
    if options.format == "json":
        from schemacheck.report.json import dumps

        out.write(dumps(document(entries)))
    elif results:
        out.write(render(results, {path: text for path, text in files if isinstance(text, str)}))
    return results


def _run_infer(options, out, err) -> int:
    from schemacheck.asa.analysis import analyze
    from schemacheck.files import Unreadable

    udf_types = _udf_types(options.udf_type)
    level = options.compat_level or "1.2"
    files, failed = _read_all(options.paths, err)
    entries = [text if isinstance(text, Unreadable) else analyze(text, file=path, level=level, udf_types=udf_types)
               for path, text in files]
    from schemacheck.report.json import infer_document
    from schemacheck.report.text import render_infer

    analyses = _report(options, out, entries, files, infer_document, render_infer)
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(a.has_errors for a in analyses) else EXIT_OK


def _run_check(options, out, err) -> int:
    from schemacheck.check import check_text, parse_target
    from schemacheck.config import find_config
    from schemacheck.files import Unreadable
    from schemacheck.kusto.files import load_schemas

    targets = {}
    for value in options.target:
        target = parse_target(value)
        targets[target.alias] = target
    udf_types = _udf_types(options.udf_type)
    files, failed = _read_all(options.paths, err)
    configs: dict = {}
    catalogs: dict = {}
    entries = []
    for path, text in files:
        if isinstance(text, Unreadable):
            entries.append(text)
            continue
        config = find_config(path, configs)
        schema_paths = tuple(options.schema) or config.schemas
        if schema_paths not in catalogs:
            catalogs[schema_paths] = load_schemas(list(schema_paths))
        level = options.compat_level or config.compat_level or "1.2"
        entries.append(check_text(text, path, catalogs[schema_paths], targets, config, level, udf_types))
    written = {o.output.output for e in entries if not isinstance(e, Unreadable) for o in e.outputs}
    for alias in sorted(set(targets) - written):
        err.write(f"schemacheck: warning: --target {alias}=...: no statement writes INTO {alias}\n")
    from schemacheck.report.json import check_document
    from schemacheck.report.text import render_check

    checks = _report(options, out, entries, files, check_document, render_check)
    if failed:
        return EXIT_ERROR
    threshold = SEVERITY_RANK[options.fail_on]
    failing = any(SEVERITY_RANK[d.severity] >= threshold for c in checks for d in c.diagnostics)
    return EXIT_FINDINGS if failing else EXIT_OK


def main(argv: Sequence[str] | None = None, out=None, err=None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    try:
        options = _parser().parse_args(arguments)
        if options.command is None:
            raise UsageError("no command given; try 'schemacheck check QUERY.asaql --schema SCHEMAS' "
                             "or 'schemacheck --help'")
        if options.command == "check":
            return _run_check(options, out, err)
        return _run_infer(options, out, err)
    except SchemacheckError as error:
        err.write(f"schemacheck: error: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        err.write("schemacheck: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug in schemacheck, not a user mistake
        if debug:
            raise
        err.write(f"schemacheck: internal error: {type(error).__name__}: {error}\n"
                  "schemacheck: this is a bug; rerun with --debug for the traceback and report it\n")
        return EXIT_ERROR
