"""The command line: argv -> a command -> its report -> an exit code. The only package
that reads argv or the environment, prints, or exits; the work is the library's
(schemacheck.check and the modules it calls).

    arguments.py   the argument tree
    output.py      the report to stdout or --output, messages on stderr (a Session per run)
    live.py        one connection per cluster for the commands that read clusters
    commands/      one module per command: check, infer, suggest, snapshot, doctor, rules

Exit codes are named in schemacheck.errors: 0 clean, 1 findings at or above --fail-on,
2 usage, input or configuration errors, 3 a cluster could not be read. Offline check,
infer and suggest answer from the result cache (schemacheck.cache) when nothing they
read has changed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from schemacheck import __version__
from schemacheck.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, SchemacheckError, UsageError

CACHED_COMMANDS = ("check", "infer", "suggest")

# Command -> the module of schemacheck.cli.commands that runs it (imported when chosen).
COMMANDS = {"check": "check", "infer": "infer", "suggest": "suggest", "snapshot": "snapshot", "doctor": "doctor",
            "rules": "rules", "drift": "drift", "lsp": "lsp"}


def main(argv: Sequence[str] | None = None, out=None, err=None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    import os

    from schemacheck.cli.output import Session, Tee, is_terminal, one_line

    out = out or sys.stdout
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    directory = _cache_directory(arguments, os.environ)
    if directory is None:
        return _run(arguments, Session(out, err, os.environ))
    from schemacheck import cache

    key = cache.run_key(__version__, arguments, os.environ, is_terminal(out))
    answer = cache.load(directory, key)
    if answer is not None:
        session = Session(out, err, os.environ)
        try:
            return _replay(answer, session)
        except SchemacheckError as error:
            err.write(f"schemacheck: error: {one_line(str(error))}\n")
            return error.exit_code
        except BrokenPipeError:
            return EXIT_OK
    session = Session(Tee(out), Tee(err), os.environ)
    with cache.Recorder() as recorder:
        code = _run(arguments, session)
    if code in (EXIT_OK, EXIT_FINDINGS) and not session.incomplete:
        cache.store(directory, key, {"stdout": session.out.getvalue(), "stderr": session.err.getvalue(),
                                     "code": code, "output": session.output, "summary": session.summary}, recorder)
    return code


def _cache_directory(arguments: list[str], environ) -> str | None:
    """Where this run's answer is cached, or None when it is not: only offline check, infer
    and suggest of files (not of deployed jobs), without --no-cache (and not for --help, nor
    for check --fix or --diff, which read files as they are and --fix changes them: argparse
    also takes --fi and --di for them)."""
    command = next((a for a in arguments if not a.startswith("-")), None)
    uncached = ("--no-cache", "--live", "-h", "--help", "--job")
    deployed = ("--dep", "--sub", "--res", "--arm", "--job=")   # deployed jobs: read from Azure each time
    if command not in CACHED_COMMANDS or any(a in uncached or a.startswith(deployed) for a in arguments):
        return None
    if any(len(a) >= 4 and ("--fix".startswith(a) or "--diff".startswith(a)) for a in arguments):
        return None
    from schemacheck.cache import default_directory

    return environ.get("SCHEMACHECK_CACHE_DIR") or default_directory(environ)


def _replay(answer: dict, session) -> int:
    """A cached run's answer, given as that run gave it."""
    from schemacheck.cli.output import write_file

    if answer["output"] is not None:
        path, text = answer["output"]
        write_file(path, text)
    if answer["summary"] is not None:
        session.append_summary(answer["summary"])
    session.out.write(answer["stdout"])
    session.err.write(answer["stderr"])
    return answer["code"]


def _run(arguments: list[str], session) -> int:
    from importlib import import_module

    from schemacheck.cli.arguments import build_parser
    from schemacheck.cli.output import one_line

    debug = "--debug" in arguments
    err = session.err
    try:
        options = build_parser().parse_args(arguments)
        if options.command is None:
            raise UsageError("no command given; try 'schemacheck check QUERY.asaql --schema SCHEMAS' "
                             "or 'schemacheck --help'")
        return import_module(f"schemacheck.cli.commands.{COMMANDS[options.command]}").run(options, session)
    except SchemacheckError as error:
        err.write(f"schemacheck: error: {one_line(str(error))}\n")
        return error.exit_code
    except KeyboardInterrupt:
        err.write("schemacheck: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        session.incomplete = True
        return EXIT_OK
    except Exception as error:  # a bug in schemacheck, not a user mistake
        if debug:
            raise
        err.write(f"schemacheck: internal error: {type(error).__name__}: {error}\n"
                  "schemacheck: this is a bug; rerun with --debug for the traceback and report it\n")
        return EXIT_ERROR
