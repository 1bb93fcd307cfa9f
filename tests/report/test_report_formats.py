"""The check's output formats (schemacheck/report/: sarif, github, azure, junit, text colour,
formats.choose_format/render) on one fixed set of entries from real checks:

- samples/fleet-telemetry (a VS Code project: errors, warnings, infos in two files);
- tests/fixtures/jobs/cases/vscode-problems (job-level findings in five files);
- tests/fixtures/report/syntax-error.asaql (a lone query that does not parse: no outputs);
- a hand-made check of tests/fixtures/report/edit.asaql: one finding with a suggested edit
  and a Kusto command;
- tests/fixtures/report/missing.asaql, which does not exist (an Unreadable entry).

The goldens follow what the checker finds (and the edits and commands it suggests): after
a deliberate change to the checker, rewrite them and review the diff.

Each format is compared with its golden file in tests/fixtures/report/ (paths relative to
the repository root); SCHEMACHECK_UPDATE_GOLDEN=1 rewrites them (review the diff). Then
each format is parsed back, and every one must list the same findings.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest

from conftest import FIXTURES, ROOT, SHARED
from support.ci_commands import parse_azure_issue, parse_github_command

from schemacheck import diagnostics as D
from schemacheck.files import Unreadable
from schemacheck.report.formats import CHECK_FORMATS, choose_format, render

GOLDEN = FIXTURES / "report"
SARIF_SCHEMA = SHARED / "data" / "sarif-schema-2.1.0.json"
# The hand-made entry (HAND_MADE) goes before the last, unreadable one.
PATHS = ["samples/fleet-telemetry", "tests/fixtures/jobs/cases/vscode-problems",
         "tests/fixtures/report/syntax-error.asaql", "tests/fixtures/report/missing.asaql"]
VERSION = "0.0.0-test"
ANSI = re.compile("\x1b\\[[0-9;]*m")


def build_entries() -> list:
    """The check's entries for PATHS, as schemacheck.check.run.check_paths makes them (offline),
    with the hand-made entry of HAND_MADE before the unreadable one."""
    from schemacheck.check import Tables, check_job
    from schemacheck.config import find_config
    from schemacheck.jobs.discover import find_jobs
    from schemacheck.check.plan import analyze_job, plan_job

    entries, configs, catalogs = [], {}, {}
    for found in find_jobs(list(PATHS), None):
        if isinstance(found, Unreadable):
            entries.append(found)
            continue
        job = found.job
        config = find_config(job.source if job.form == "query" else job.root, configs)
        plan = plan_job(found, config, None, None, ())
        analysis = analyze_job(plan)
        if plan.schemas not in catalogs:
            catalogs[plan.schemas] = Tables(plan.schemas)
        entries.append(check_job(plan, analysis, catalogs[plan.schemas], {}, None))
    return entries[:-1] + [hand_made()] + entries[-1:]


HAND_MADE = "tests/fixtures/report/edit.asaql"


def hand_made():
    """A finding with a query-side edit and a table-side command, in a check of its own."""
    from schemacheck.check import FileCheck

    line = (ROOT / HAND_MADE).read_text(encoding="utf-8").splitlines()[0]
    start = line.index("temperature") + 1
    end = start + len("temperature")
    diagnostic = D.Diagnostic(
        "SC102", "error", "output column temperature matches table column Temperature of Telemetry only if "
        "letter case is ignored; ADX compares names case-sensitively", HAND_MADE, 1, start, 1, end,
        output="adx-out", query_column="temperature", table_column="Temperature",
        fix="alias the column `AS Temperature`", edit=D.Edit(HAND_MADE, 1, start, 1, end, "Temperature"),
        command=".rename column ['Telemetry'].['Temperature'] to ['temperature']")
    return FileCheck(HAND_MADE, None, (), (diagnostic,))


@pytest.fixture(scope="module")
def entries():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        built = build_entries()
    assert [type(e).__name__ for e in built] == ["FileCheck"] * 4 + ["Unreadable"]
    return built


@pytest.fixture(scope="module")
def sources(entries):
    from schemacheck.files import read_text_file

    files = {d.file for e in entries if not isinstance(e, Unreadable) for d in e.diagnostics}
    return {f: read_text_file(str(ROOT / f), "file") for f in files}


def golden_formats(stem: str) -> list[tuple[str, str]]:
    """(format, golden file name) for every report format of the goldens named STEM.*."""
    return [("text", f"{stem}.txt"), ("json", f"{stem}.json"), ("sarif", f"{stem}.sarif"),
            ("github", f"{stem}.github.txt"), ("azure", f"{stem}.azure.txt"), ("junit", f"{stem}.junit.xml")]


def check_case(case: str) -> tuple[list, dict[str, str]]:
    """The entries of `schemacheck check CASE` run from the repository root, and the text of
    every file a finding names (what the reports quote)."""
    from schemacheck.check.run import Request, check_paths
    from schemacheck.files import read_text_file

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        entries = list(check_paths(Request((case,))).entries)
    return entries, {d.file: read_text_file(str(ROOT / d.file), "file") for e in entries for d in e.diagnostics}


def assert_text_golden(name: str, actual: str) -> None:
    """`actual` equals tests/fixtures/report/NAME byte for byte; SCHEMACHECK_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("SCHEMACHECK_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(actual)
    assert path.exists(), f"no {path}: run with SCHEMACHECK_UPDATE_GOLDEN=1 and review it"
    with open(path, encoding="utf-8", newline="") as handle:
        assert actual == handle.read(), f"{name} differs from its golden file"


def expected_findings(entries, readable_only: bool = False) -> Counter:
    found = Counter()
    for entry in entries:
        if isinstance(entry, Unreadable):
            if not readable_only:
                found[("unreadable", entry.file, entry.line, entry.column)] += 1
            continue
        for d in entry.diagnostics:
            found[(d.code, d.file or entry.file, d.line, d.column)] += 1
    return found


def _int(value):
    return None if value is None else int(value)


# --- golden files -----------------------------------------------------------------------

GOLDEN_FORMATS = [("json", "check.json"), ("sarif", "check.sarif"), ("github", "check.github.txt"),
                  ("azure", "check.azure.txt"), ("junit", "check.junit.xml"), ("text", "check.txt")]


@pytest.mark.parametrize("fmt,name", GOLDEN_FORMATS, ids=[f for f, _ in GOLDEN_FORMATS])
def test_golden(entries, sources, fmt, name):
    assert_text_golden(name, render(fmt, entries, sources=sources, version=VERSION, failed=True))


def test_golden_step_summary(entries):
    from schemacheck.report.github import render_step_summary

    assert_text_golden("check.summary.md", render_step_summary(entries))


def test_golden_text_in_colour(entries, sources):
    coloured = render("text", entries, sources=sources, version=VERSION, failed=True, color=True)
    assert_text_golden("check.color.txt", coloured)
    plain = render("text", entries, sources=sources, version=VERSION, failed=True)
    assert ANSI.sub("", coloured) == plain
    assert "\x1b[1m\x1b[31merror\x1b[0m[\x1b[1mSC102\x1b[0m]" in coloured
    assert "\x1b[2m  = fix: " in coloured


def test_text_without_colour_is_the_text_report(entries, sources):
    from schemacheck.report.text import render_check

    readable = [e for e in entries if not isinstance(e, Unreadable)]
    assert render("text", entries, sources=sources, version=VERSION, failed=True) == render_check(readable, sources)
    assert render("text", entries[-1:], sources=sources, version=VERSION, failed=True) == ""


def test_render_dispatches_and_refuses_auto(entries, sources):
    from schemacheck.report.azure import render_azure
    from schemacheck.report.github import render_github
    from schemacheck.report.junit import render_junit
    from schemacheck.report.sarif import render_sarif

    def out(fmt, failed=True):
        return render(fmt, entries, sources=sources, version=VERSION, failed=failed)

    assert out("sarif") == render_sarif(entries, VERSION)
    assert out("github") == render_github(entries)
    assert out("azure", False) == render_azure(entries, False)
    assert out("junit") == render_junit(entries)
    with pytest.raises(ValueError, match="choose_format"):
        out("auto")


# --- the same findings in every format --------------------------------------------------


def parse_json(text: str) -> Counter:
    found = Counter()
    for f in json.loads(text)["files"]:
        if "error" in f:
            found[("unreadable", f["file"], f["line"], f["column"])] += 1
        for d in f["diagnostics"]:
            found[(d["code"], d["file"], d["line"], d["column"])] += 1
    return found


def parse_sarif(text: str) -> Counter:
    from urllib.parse import unquote

    found = Counter()
    for result in json.loads(text)["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        region = physical.get("region", {})
        found[(result["ruleId"], unquote(physical["artifactLocation"]["uri"]), region.get("startLine"),
               region.get("startColumn"))] += 1
    return found


def parse_github(text: str) -> Counter:
    found = Counter()
    for line in text.splitlines():
        command = parse_github_command(line)
        if command and command[0] in ("error", "warning", "notice"):
            _, props, _ = command
            code = props["title"].split()[0].rstrip(":")
            found[(code, props["file"], _int(props.get("line")), _int(props.get("col")))] += 1
    return found


AZURE_INFO = re.compile(r"^info\[(?P<code>SC\d+)\] (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): ")


def parse_azure(text: str) -> Counter:
    found = Counter()
    for line in text.splitlines():
        issue = parse_azure_issue(line)
        if issue:
            props, _ = issue
            found[(props["code"], props["sourcepath"], _int(props.get("linenumber")),
                   _int(props.get("columnnumber")))] += 1
        elif match := AZURE_INFO.match(line):
            found[(match["code"], match["file"], int(match["line"]), int(match["column"]))] += 1
    return found


JUNIT_LINE = re.compile(r"^(?:error|warning|info)\[(?P<code>SC\d+)\] (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): ")
UNREADABLE_TEXT = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: ")


def parse_junit(text: str) -> Counter:
    import xml.etree.ElementTree as ET

    found = Counter()
    for case in ET.fromstring(text).iter("testcase"):
        for child in case:
            if child.tag == "error":
                match = UNREADABLE_TEXT.match(child.text)
                found[("unreadable", match["file"], _int(match["line"]), _int(match["column"]))] += 1
                continue
            for line in (child.text or "").splitlines():
                if match := JUNIT_LINE.match(line):
                    found[(match["code"], match["file"], int(match["line"]), int(match["column"]))] += 1
    return found


TEXT_HEAD = re.compile(r"^(?:error|warning|info)\[(?P<code>SC\d+)\]: ")
TEXT_WHERE = re.compile(r"^  --> (?P<file>.+):(?P<line>\d+):(?P<column>\d+)$")


def parse_text(text: str) -> Counter:
    found = Counter()
    lines = text.splitlines()
    for line, following in zip(lines, lines[1:]):
        head, where = TEXT_HEAD.match(line), TEXT_WHERE.match(following)
        if head and where:
            found[(head["code"], where["file"], int(where["line"]), int(where["column"]))] += 1
    return found


SUMMARY_ROW = re.compile(r"^\| (?:error|warning|info) \| (?P<code>SC\d+) \S+ \| (?P<file>.+?):(?P<line>\d+):"
                         r"(?P<column>\d+) \| ")
SUMMARY_UNREADABLE = re.compile(r"^\*\*error\*\*: cannot be read \((?P<file>.+?)(?::(?P<line>\d+))?"
                                r"(?::(?P<column>\d+))?\): ")


def parse_step_summary(text: str) -> Counter:
    found = Counter()
    for line in text.splitlines():
        if match := SUMMARY_ROW.match(line):
            found[(match["code"], match["file"], int(match["line"]), int(match["column"]))] += 1
        elif match := SUMMARY_UNREADABLE.match(line):
            found[("unreadable", match["file"], _int(match["line"]), _int(match["column"]))] += 1
    return found


PARSERS = {"json": parse_json, "sarif": parse_sarif, "github": parse_github, "azure": parse_azure,
           "junit": parse_junit, "text": parse_text}


@pytest.mark.parametrize("fmt", sorted(PARSERS))
def test_every_format_lists_the_same_findings(entries, sources, fmt):
    text = render(fmt, entries, sources=sources, version=VERSION, failed=True)
    # Text leaves the unreadable file to stderr (the command line writes it there).
    assert PARSERS[fmt](text) == expected_findings(entries, readable_only=fmt == "text")


def test_step_summary_lists_every_finding(entries):
    from schemacheck.report.github import render_step_summary

    summary = render_step_summary(entries)
    assert parse_step_summary(summary) == expected_findings(entries)
    assert summary.startswith("## schemacheck: 13 errors, 9 warnings, 4 infos in 4 files; 4 of 6 outputs compared; "
                              "1 file could not be "
                              "read\n\nGitHub annotates only the first 10 errors and 10 warnings of a step; all "
                              "13 errors are listed here.\n")
    assert ("| adx-alerts | 36 | OverheatAlerts | compared | 3 errors, 2 warnings | 5 of 5 columns typed "
            "(expression 5) |") in summary
    assert ("| sql-vehicle-status | 48 | dbo.VehicleStatus | compared | 1 error, 2 warnings, 1 info | 5 of 5 columns "
            "typed (expression 5) |") in summary


def test_the_entries_cover_what_the_formats_must_handle(entries):
    found = expected_findings(entries)
    assert {code for code, *_ in found} >= {"SC001", "SC101", "SC102", "SC404", "SC601", "SC603", "unreadable"}
    assert {s for e in entries if not isinstance(e, Unreadable) for s in counts_of(e)} == {"error", "warning", "info"}


def counts_of(entry):
    return {d.severity for d in entry.diagnostics}


# --- SARIF ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif(entries):
    from schemacheck.report.sarif import render_sarif

    return json.loads(render_sarif(entries, VERSION))


@pytest.mark.skipif(not SARIF_SCHEMA.is_file(), reason="../shared/data/sarif-schema-2.1.0.json is not present")
def test_sarif_validates_against_the_schema(sarif):
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # The schema declares draft-04; validator_for picks it (draft-07 if it named none).
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(sarif), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_rules_and_results(sarif):
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("schemacheck", VERSION)
    rules = driver["rules"]
    assert [r["id"] for r in rules[:len(D.RULES)]] == list(D.RULES)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule in rules[:len(D.RULES)]:
        source = D.RULES[rule["id"]]
        assert rule["name"] == source.name
        assert rule["shortDescription"]["text"] == source.summary
        assert rule["fullDescription"]["text"] == rule["help"]["text"] == source.doc
        assert rule["defaultConfiguration"]["level"] == levels[source.severity]
    ids = [r["id"] for r in rules]
    assert len(set(ids)) == len(ids)
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert "\\" not in uri and " " not in uri and not uri.startswith("/")
    fingerprints = [tuple(r["partialFingerprints"].items()) for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert run["invocations"][0]["executionSuccessful"] is False
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "error" and "missing.asaql" in notification["message"]["text"]


def test_sarif_fix_and_command(sarif):
    results = sarif["runs"][0]["results"]
    (edited,) = [r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == HAND_MADE]
    (fix,) = edited["fixes"]
    assert fix["description"]["text"] == ("alias the column `AS Temperature`; or change the table: "
                                          ".rename column ['Telemetry'].['Temperature'] to ['temperature']")
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == HAND_MADE
    assert change["replacements"] == [{"deletedRegion": {"startLine": 1, "startColumn": 26, "endLine": 1,
                                                         "endColumn": 37},
                                       "insertedContent": {"text": "Temperature"}}]
    assert edited["properties"] == {"output": "adx-out", "queryColumn": "temperature", "tableColumn": "Temperature",
                                    "kustoCommand": ".rename column ['Telemetry'].['Temperature'] to ['temperature']"}
    assert edited["message"]["text"].endswith("\nfix: alias the column `AS Temperature`")
    for result in results:
        for fix in result.get("fixes", ()):
            for change in fix["artifactChanges"]:
                assert change["replacements"] and all("deletedRegion" in r for r in change["replacements"])


def test_sarif_fingerprints_ignore_line_numbers(entries):
    from schemacheck.report.sarif import sarif_document

    def prints(document):
        return [r["partialFingerprints"] for r in document["runs"][0]["results"]]

    moved = [e if isinstance(e, Unreadable) else e._replace(diagnostics=tuple(
        d._replace(line=d.line + 5, end_line=d.end_line and d.end_line + 5) for d in e.diagnostics))
        for e in entries]
    assert prints(sarif_document(moved, VERSION)) == prints(sarif_document(entries, VERSION))


def test_sarif_uris():
    from schemacheck.report.sarif import artifact_uri

    assert artifact_uri("jobs/a.asaql") == "jobs/a.asaql"
    assert artifact_uri("jobs\\My Job\\q 100%.asaql") == "jobs/My%20Job/q%20100%25.asaql"
    assert artifact_uri("jobs/été#1.asaql") == "jobs/%C3%A9t%C3%A9%231.asaql"
    assert artifact_uri("/abs/path/q.asaql") == "file:///abs/path/q.asaql"
    assert artifact_uri("C:\\work\\q.asaql") == "file:///C:/work/q.asaql"


# --- GitHub -----------------------------------------------------------------------------


def lone(diagnostic: D.Diagnostic, file: str = "q.asaql"):
    """A FileCheck holding just `diagnostic`."""
    from schemacheck.check import FileCheck

    return FileCheck(file, None, (), (diagnostic,))


NASTY = "100% sure: a,b\r\nnext line; ]]  ##vso[task.setvariable variable=x]y :: ::error::no"


def test_github_annotations(entries):
    from schemacheck.report.github import render_github

    text = render_github(entries)
    commands = [parse_github_command(line) for line in text.splitlines() if line.startswith("::")]
    annotations = [c for c in commands if c[0] in ("error", "warning", "notice")]
    assert len(annotations) == sum(expected_findings(entries).values())
    for name, props, _ in annotations:
        if props["title"].startswith("unreadable"):
            assert name == "error" and props["file"] == "tests/fixtures/report/missing.asaql"
            continue
        assert {"file", "line", "col", "title"} <= set(props)
        code, rule = props["title"].split()
        assert D.RULES[code].name == rule
        assert name == {"error": "error", "warning": "warning", "info": "notice"}[D.RULES[code].severity]
    depth = 0
    for name, _, _ in commands:
        depth += {"group": 1, "endgroup": -1}.get(name, 0)
        assert depth in (0, 1), "groups must not nest"
    assert depth == 0
    assert sum(1 for c in commands if c[0] == "group") == len(entries)


def test_github_escaping_round_trip():
    from schemacheck.report.github import render_github

    diagnostic = D.Diagnostic("SC101", "error", NASTY, "dir/we:ird,name 100%.asaql", 3, 7, 3, 9, fix="a:b,c")
    text = render_github([lone(diagnostic, diagnostic.file)])
    (line,) = [line for line in text.splitlines() if line.startswith("::error")]
    name, props, message = parse_github_command(line)
    assert props == {"file": "dir/we:ird,name 100%.asaql", "line": "3", "col": "7", "endLine": "3",
                     "endColumn": "9", "title": "SC101 column-not-in-table"}
    assert message == NASTY + "\nfix: a:b,c"
    group = text.splitlines()[0]
    assert parse_github_command(group) == ("group", {}, "dir/we:ird,name 100%.asaql")


def test_github_multiline_span_keeps_the_start_only():
    from schemacheck.report.github import render_github

    diagnostic = D.Diagnostic("SC201", "error", "m", "q.asaql", 3, 7, 5, 2)
    (line,) = [line for line in render_github([lone(diagnostic)]).splitlines() if line.startswith("::error")]
    assert parse_github_command(line)[1] == {"file": "q.asaql", "line": "3", "col": "7",
                                              "title": "SC201 type-incompatible"}


def test_github_summary_escapes_markdown():
    from schemacheck.report.github import render_step_summary

    diagnostic = D.Diagnostic("SC101", "warning", "a | b <c>\nd", "q.asaql", 1, 2)
    summary = render_step_summary([lone(diagnostic)])
    assert "| warning | SC101 column-not-in-table | q.asaql:1:2 | a \\| b &lt;c&gt;<br>d |" in summary


# --- Azure Pipelines --------------------------------------------------------------------


def test_azure_issues_and_groups(entries):
    from schemacheck.report.azure import render_azure

    text = render_azure(entries, failed=True)
    lines = text.splitlines()
    assert sum(1 for line in lines if line == "##[endgroup]") == len(entries)
    assert sum(1 for line in lines if line.startswith("##[group]")) == len(entries)
    issues = [parse_azure_issue(line) for line in lines if line.startswith("##vso[task.logissue")]
    assert {props["type"] for props, _ in issues} == {"error", "warning"}
    # Infos are plain lines, not issues.
    assert not any(props["code"] in ("SC404", "SC607", "SC203") for props, _ in issues)
    assert lines[-1] == ("##vso[task.complete result=Failed;]schemacheck: 13 errors, 9 warnings, 4 infos in 4 "
                         "files; 4 of 6 outputs compared; 1 file could not be read")
    assert sum(1 for line in lines if "task.complete" in line) == 1


def test_azure_task_result(entries):
    from schemacheck.report.azure import render_azure

    assert render_azure(entries, failed=False).splitlines()[-1].startswith(
        "##vso[task.complete result=SucceededWithIssues;]")
    info = D.Diagnostic("SC404", "info", "not checked", "q.asaql", 1, 1)
    assert render_azure([lone(info)], failed=False).splitlines()[-1] == (
        "schemacheck: 0 errors, 0 warnings, 1 info in 1 file")
    assert "task.complete result=Failed;" in render_azure([lone(info)], failed=True)


def test_azure_escaping_round_trip():
    from schemacheck.report.azure import render_azure

    file = "dir/semi;colon]100%.asaql"
    diagnostic = D.Diagnostic("SC101", "error", NASTY, file, 3, 7, fix="x;y]")
    text = render_azure([lone(diagnostic, file)], failed=False)
    (line,) = [line for line in text.splitlines() if line.startswith("##vso[task.logissue")]
    props, message = parse_azure_issue(line)
    assert props == {"type": "error", "sourcepath": file, "linenumber": "3", "columnnumber": "7", "code": "SC101"}
    assert message == NASTY + "\nfix: x;y]"
    assert "\n" not in line and "%AZP25" in line


def test_azure_info_lines_cannot_issue_commands():
    from schemacheck.report.azure import render_azure

    info = D.Diagnostic("SC404", "info", NASTY, "q.asaql", 2, 4)
    text = render_azure([lone(info)], failed=False)
    (line,) = [line for line in text.splitlines() if line.startswith("info[")]
    assert "##vso[" not in line and "##" not in line
    assert line.replace("\u200b", "").startswith("info[SC404] q.asaql:2:4: 100% sure")
    assert all(not line.startswith("##vso") for line in text.splitlines())


# --- JUnit ------------------------------------------------------------------------------


def test_junit_structure_and_counts(entries):
    import xml.etree.ElementTree as ET

    from schemacheck.report.junit import render_junit

    root = ET.fromstring(render_junit(entries))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [e.file for e in entries]
    totals = Counter()
    for suite in suites:
        cases = suite.findall("testcase")
        counted = {"tests": len(cases), "failures": sum(1 for c in cases if c.find("failure") is not None),
                   "errors": sum(1 for c in cases if c.find("error") is not None),
                   "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        assert {k: int(suite.get(k)) for k in counted} == counted
        totals.update(counted)
    assert {k: int(root.get(k)) for k in totals} == dict(totals)

    fleet, problems, syntax, edit, missing = suites
    names = [c.get("name") for c in fleet.findall("testcase")]
    assert names == ["adx-readings -> VehicleReadings", "adx-alerts -> OverheatAlerts",
                     "sql-vehicle-status -> dbo.VehicleStatus", "raw-archive (blob, not checked)",
                     "samples/fleet-telemetry/FleetTelemetry.asaql"]
    assert {c.get("classname") for c in fleet.findall("testcase")} == {"fleet-telemetry-job"}
    readings, alerts, status, archive, job = fleet.findall("testcase")
    assert status.find("failure").get("type") == "SC107"   # the SQL output's first error
    assert readings.find("failure") is None and readings.find("system-out") is None
    failure = alerts.find("failure")
    assert failure.get("type") == "SC102" and failure.get("message").startswith("SC102: output column VehicleId")
    assert len(failure.text.splitlines()) >= 3 and "fix: " in failure.text
    assert "SC301" in alerts.find("system-out").text and "SC301" not in failure.text
    assert job.find("failure") is None and "SC607" in job.find("system-out").text
    problem_cases = {c.get("name"): c for c in problems.findall("testcase")}
    assert "SC603" in problem_cases["adx-climate -> Climate"].find("failure").text
    assert "SC604" in problem_cases["tests/fixtures/jobs/cases/vscode-problems/Greenhouse.asaql"].find("failure").text
    (syntax_case,) = syntax.findall("testcase")
    assert syntax_case.find("failure").get("type") == "SC001"
    (edit_case,) = edit.findall("testcase")
    assert edit_case.get("name") == HAND_MADE and "table: .rename column" in edit_case.find("failure").text
    (missing_case,) = missing.findall("testcase")
    assert missing_case.find("error").get("message") == "no such file"


def test_junit_escapes_and_drops_control_characters():
    import xml.etree.ElementTree as ET

    from schemacheck.report.junit import render_junit

    diagnostic = D.Diagnostic("SC001", "error", "a <b> & \"c\" \x01d", "q.asaql", 1, 1)
    root = ET.fromstring(render_junit([lone(diagnostic)]))
    assert root.find(".//failure").get("message") == "SC001: a <b> & \"c\" d"


def doctor_reports():
    from schemacheck.kusto.doctor import DoctorReport, Item

    diagnostic = D.Diagnostic("SC101", "error", "output column X has no column of that name", "q.asaql", 4, 5)
    return [DoctorReport("adx-out", "https://c.kusto.windows.net", "db", "Events", (
        Item("cluster", "pass", "the cluster answers"),
        Item("table", "pass", "table Events exists"),
        Item("schema", "fail", "1 error", "alias the column", (diagnostic,)),
        Item("identity", "cannot-tell", "no --principal given"),
        Item("streaming", "info", "streaming ingestion is off"),
    ))]


def test_junit_doctor():
    import xml.etree.ElementTree as ET

    from schemacheck.report.junit import render_junit_doctor

    text = render_junit_doctor(doctor_reports())
    assert_text_golden("doctor.junit.xml", text)
    root = ET.fromstring(text)
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "5", "failures": "1", "errors": "0", "skipped": "1"}
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert "SC101" in cases["schema"].find("failure").text
    assert cases["identity"].find("skipped").get("message") == "no --principal given"
    assert cases["streaming"].find("failure") is None


# --- choosing the format ----------------------------------------------------------------

CHOICES = [
    ("auto", {"GITHUB_ACTIONS": "true"}, True, ("github", False)),
    ("auto", {"GITHUB_ACTIONS": "true", "TF_BUILD": "True"}, False, ("github", False)),
    ("auto", {"GITHUB_ACTIONS": "false"}, False, ("text", False)),
    ("auto", {"TF_BUILD": "True"}, False, ("azure", False)),
    ("auto", {"TF_BUILD": ""}, False, ("text", False)),
    ("auto", {}, True, ("text", True)),
    ("auto", {}, False, ("text", False)),
    ("auto", {"NO_COLOR": "1"}, True, ("text", False)),
    ("auto", {"NO_COLOR": ""}, True, ("text", True)),
    ("auto", {"FORCE_COLOR": "1"}, False, ("text", True)),
    ("auto", {"FORCE_COLOR": ""}, False, ("text", False)),
    ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True, ("text", False)),
    ("auto", {"TERM": "dumb"}, True, ("text", False)),
    ("auto", {"TERM": "dumb", "FORCE_COLOR": "1"}, True, ("text", True)),
    ("auto", {"TERM": "xterm-256color"}, True, ("text", True)),
    ("text", {"GITHUB_ACTIONS": "true"}, True, ("text", True)),
    ("text", {}, False, ("text", False)),
    ("text", {"NO_COLOR": "x"}, True, ("text", False)),
    ("json", {}, True, ("json", False)),
    ("sarif", {"FORCE_COLOR": "1"}, True, ("sarif", False)),
    ("github", {}, True, ("github", False)),
    ("azure", {"GITHUB_ACTIONS": "true"}, False, ("azure", False)),
    ("junit", {"TF_BUILD": "True"}, False, ("junit", False)),
]


@pytest.mark.parametrize("requested,env,terminal,expected", CHOICES)
def test_choose_format(requested, env, terminal, expected):
    assert choose_format(requested, env, terminal) == expected


def test_every_format_can_be_chosen_and_unknown_ones_cannot():
    assert {choose_format(f, {}, False)[0] for f in CHECK_FORMATS} == set(CHECK_FORMATS) - {"auto"}
    with pytest.raises(ValueError):
        choose_format("xml", {}, False)


def test_renderers_stay_out_of_the_import_of_formats():
    import subprocess
    import sys

    code = ("import sys, schemacheck.report.formats; "
            "print(sorted(m for m in sys.modules if m.startswith(('xml', 'schemacheck.report.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "['schemacheck.report.formats']"
