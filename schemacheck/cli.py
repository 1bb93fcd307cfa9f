"""The command line: argv -> analysis -> rendering -> exit code. The only module that
reads argv or the environment, prints, or exits.

Exit codes: 0 nothing at or above the failing severity, 1 findings (or a query that
does not parse), 2 usage or input errors (unreadable files, bad options).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from schemacheck import __version__
from schemacheck.errors import SchemacheckError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would exit 2 itself; keep one exit path
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="schemacheck", description="Check Azure Stream Analytics queries against the "
                     "tables their outputs write to, before deployment.")
    parser.add_argument("--version", action="version", version=f"schemacheck {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    # An explicit prog keeps argparse from building a help formatter (and importing
    # shutil for the terminal size) on every run.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog="schemacheck")

    infer = commands.add_parser("infer", help="show the columns and ASA types each SELECT ... INTO writes",
                                description="Show, for every SELECT ... INTO statement, the columns it "
                                "writes: their order, names as ASA writes them, and ASA types.")
    infer.add_argument("paths", nargs="+", metavar="PATH", help="query files (.asaql) or directories")
    infer.add_argument("--format", choices=("text", "json"), default="text")
    infer.add_argument("--compat-level", choices=("1.0", "1.1", "1.2"), default="1.2",
                       help="the job's compatibility level (default 1.2): 1.0 lower-cases names, "
                       "only 1.2 has bit")
    infer.add_argument("--udf-type", action="append", default=[], metavar="NAME=TYPE",
                       help="the declared return type of udf.NAME or uda.NAME (repeatable), "
                       "e.g. hex2Int=bigint")
    infer.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _udf_types(values: Sequence[str]) -> dict[str, str]:
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


def _run_infer(options, out, err) -> int:
    from schemacheck.asa.analysis import QueryAnalysis, analyze
    from schemacheck.errors import InputError
    from schemacheck.files import expand_paths, read_query

    udf_types = _udf_types(options.udf_type) if options.udf_type else None
    entries: list = []
    sources: dict[str, str] = {}
    input_failed = False
    for path in expand_paths(options.paths):
        try:
            text = read_query(path)
        except InputError as error:
            err.write(f"schemacheck: error: {error}\n")
            entries.append((path, error.message))
            input_failed = True
            continue
        sources[path] = text
        entries.append(analyze(text, file=path, level=options.compat_level, udf_types=udf_types))
    analyses = [e for e in entries if isinstance(e, QueryAnalysis)]
    if options.format == "json":
        from schemacheck.report.json import dumps, infer_document

        out.write(dumps(infer_document(entries)))
    elif analyses:
        from schemacheck.report.text import render_infer

        out.write(render_infer(analyses, sources))
    if input_failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(a.has_errors for a in analyses) else EXIT_OK


def main(argv: Sequence[str] | None = None, out=None, err=None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    try:
        options = _parser().parse_args(arguments)
        if options.command is None:
            raise UsageError("no command given; try 'schemacheck infer QUERY.asaql' or 'schemacheck --help'")
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
