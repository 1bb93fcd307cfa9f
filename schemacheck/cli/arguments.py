"""The argument tree of the command line: one sub-parser per command, and the values that
need parsing (NAME=TYPE, a count of workers). Nothing here runs a command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from schemacheck import __version__
from schemacheck.errors import UsageError


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
        # argparse's formatters take a width; typeshed's formatter_class declares only prog.
        return self.formatter_class(prog=self.prog, width=100)  # type: ignore[call-arg]

    def format_help(self) -> str:
        _Parser._showing_help = True
        try:
            return super().format_help()
        finally:
            _Parser._showing_help = False


PATHS_HELP = ("queries (.asaql), ASA projects (asaproj.json, .asaproj, or their folder), ARM templates, or "
              "directories to search for them")


def _common(command: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json"),
            default_format: str = "text", paths: str = "+") -> None:
    command.add_argument("paths", nargs=paths, metavar="PATH", help=PATHS_HELP)
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


def _deployed_options(command: argparse.ArgumentParser, flag: bool = True) -> None:
    """Which deployed jobs to read from Azure Resource Manager (GET only)."""
    if flag:
        command.add_argument("--deployed", action="store_true",
                             help="read the jobs as deployed in Azure (Azure Resource Manager, read-only) instead "
                             "of PATHs: with --job, --subscription, --resource-group or --deployed-file")
    command.add_argument("--job", metavar="ID|NAME", help="a deployed job: its resource id, or its name with "
                         "--subscription and --resource-group")
    command.add_argument("--subscription", metavar="ID", help="the subscription of the deployed jobs (alone: "
                         "every job in it)")
    command.add_argument("--resource-group", metavar="NAME", help="the resource group of the deployed jobs (alone "
                         "with --subscription: every job in it)")
    command.add_argument("--deployed-file", action="append", default=[], metavar="FILE",
                         help="a job as ARM's REST API returns it, saved (az rest --method get --url "
                         "'.../streamingjobs/NAME?api-version=2021-10-01-preview&$expand=inputs,outputs,"
                         "transformation,functions'), instead of reading Azure (repeatable)")
    command.add_argument("--arm-endpoint", metavar="URL", default=None,
                         help="Azure Resource Manager's endpoint (default: [live] arm-endpoint, else "
                         "https://management.azure.com; a sovereign cloud's, or a local stand-in's with --auth none)")
    command.add_argument("--concurrency", type=_positive, default=None, metavar="N",
                         help="how many deployed jobs to read and check at a time (default 8)")


def build_parser() -> argparse.ArgumentParser:
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

    _common(check, CHECK_FORMATS, "auto", paths="*")
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
                       help="exit 0 even when findings reach --fail-on (2 still means the run could not read "
                            "something)")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="text: print the findings only (no headings, outputs, summaries or notes)")
    check.add_argument("--statistics", action="store_true",
                       help="print how many findings each rule made instead of the findings (text or json)")
    check.add_argument("--hook", action="store_true",
                       help="run as the pre-commit hook does: PATHs are the changed files; a file that belongs to "
                       "no job is skipped quietly")
    check.add_argument("--jobs", type=_positive, default=None, metavar="N",
                       help="check the jobs in N forked processes (Linux; default 1: see docs/performance.md)")
    fixing = check.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="apply the query rewrites findings carry (aliases, CAST/TRY_CAST) in the files that "
                        "hold the queries, then report what is left")
    fixing.add_argument("--diff", action="store_true",
                        help="print what --fix would change as a unified diff and write nothing; exit 1 when "
                        "there is something to fix")
    _live_options(check)
    _deployed_options(check)

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
    _deployed_options(doctor)

    drift = commands.add_parser("drift", help="compare the repository's jobs with the jobs deployed in Azure",
                                description="Compare each job of the PATHs (project, ARM template, Terraform, "
                                "Bicep) with the job of the same name as deployed: query text (whitespace and "
                                "comments aside), outputs and their targets, inputs, compatibility level, data "
                                "locale, output error policy, identity. Exit 1 on any difference.")
    from schemacheck.report.formats import CHECK_FORMATS as DRIFT_FORMATS

    _common(drift, DRIFT_FORMATS, "auto")
    drift.add_argument("--quiet", "-q", action="store_true",
                       help="text: print the findings only (no headings or summaries)")
    _live_options(drift)
    _deployed_options(drift)

    rules = commands.add_parser("rules", help="list every rule with its default severity, or explain one",
                                description="List the rules (code, name, default severity, what it finds), or "
                                "explain one: what it finds, why it matters, how to fix it.")
    rules.add_argument("code", nargs="?", metavar="CODE", help="a rule code, e.g. SC201, or its name")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    infer = commands.add_parser("infer", help="show the columns and ASA types each SELECT ... INTO writes",
                                description="Show, for every SELECT ... INTO statement, the columns it "
                                "writes: their order, names as ASA writes them, ASA types, and what typed them.")
    _common(infer)
    infer.add_argument("--coverage", action="store_true",
                       help="print, per output, how many columns have a known type and what typed them (CREATE "
                       "TABLE, sample, reference data, declared schema, input metadata, the expression), with a "
                       "total: one table for a project or a directory of jobs")

    lsp = commands.add_parser("lsp", help="run the language server (diagnostics, hover, quick fixes) for editors",
                              description="Run schemacheck as a language server over standard input and output: "
                              "the findings of each open query, project file, template, Bicep or Terraform file "
                              "as you type, the inferred type of a column on hover, quick fixes and suppressions, "
                              "the statements and WITH steps as symbols. Needs pygls: pip install "
                              "'schemacheck[lsp]'.")
    lsp.add_argument("--stdio", action="store_true", default=True,
                     help="talk over standard input and output (the default and only transport)")
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def udf_types(values: Sequence[str]) -> dict[str, str] | None:
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
