"""JUnit XML, for test tabs (Azure DevOps PublishTestResults, GitLab, Jenkins).

`render_junit`: `testsuites` > one `testsuite` per checked file (named by the file) > one
`testcase` per output statement (classname: the job's name, else the file; name: the
output and its table). A testcase fails with the output's errors: the failure's message
is the first, its text lists them all with their places and fixes; warnings and infos
go to the testcase's `system-out`. Findings tied to no output (the job's files, syntax
errors, outputs nothing writes) make one more testcase named by the file, present only
when there are such findings or no output at all. A file that could not be read is a
suite with one testcase in `error`.

`render_junit_doctor`: one suite per table, one testcase per checklist item: fail is a
failure, cannot-tell is skipped with its reason, pass and info pass (reason in system-out).

xml.etree is imported when rendering, so that choosing another format never loads it.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.files import Unreadable
from schemacheck.report.common import job_name


def _place(diagnostic: D.Diagnostic, file: str) -> str:
    return f"{diagnostic.file or file}:{diagnostic.line}:{diagnostic.column}"


def _describe(diagnostic: D.Diagnostic, file: str) -> str:
    text = f"{diagnostic.severity}[{diagnostic.code}] {_place(diagnostic, file)}: {diagnostic.message}"
    if diagnostic.fix:
        text += f"\n  fix: {diagnostic.fix}"
    if diagnostic.command and diagnostic.command not in (diagnostic.fix or ""):
        text += f"\n  table: {diagnostic.command}"
    return text


def _testcase(parent, ET, classname: str, name: str, findings: list, file: str, tally: dict) -> None:
    case = ET.SubElement(parent, "testcase", classname=classname, name=name)
    tally["tests"] += 1
    errors = [d for d in findings if d.severity == D.ERROR]
    others = [d for d in findings if d.severity != D.ERROR]
    if errors:
        first = errors[0]
        failure = ET.SubElement(case, "failure", message=f"{first.code}: {first.message}", type=first.code)
        failure.text = "\n".join(_describe(d, file) for d in errors)
        tally["failures"] += 1
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_describe(d, file) for d in others)


def _output_name(check) -> str:
    alias = check.output.output
    if check.table is not None:
        return f"{alias} -> {check.table.qualified_name}"
    if check.status == "not-checked":
        return f"{alias} ({check.kind}, not checked)"
    return f"{alias} (no table)"


def _suite(root, ET, name: str) -> tuple:
    suite = ET.SubElement(root, "testsuite", name=name)
    return suite, {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}


def _close(root_tally: dict, suite, tally: dict) -> None:
    for key, value in tally.items():
        suite.set(key, str(value))
        root_tally[key] += value


def _dump(ET, root) -> str:
    import re

    # XML 1.0 cannot hold most control characters, whatever the escaping: drop them.
    invalid = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    for element in root.iter():
        if element.text:
            element.text = invalid.sub("", element.text)
        for key, value in element.attrib.items():
            element.set(key, invalid.sub("", value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_junit(entries) -> str:
    """JUnit XML for `schemacheck check` (see the module doc)."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="schemacheck")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for entry in entries:
        suite, tally = _suite(root, ET, entry.file)
        if isinstance(entry, Unreadable):
            case = ET.SubElement(suite, "testcase", classname=entry.file, name=entry.file)
            error = ET.SubElement(case, "error", message=entry.message, type="unreadable")
            error.text = str(entry)
            tally["tests"] += 1
            tally["errors"] += 1
            _close(total, suite, tally)
            continue
        classname = job_name(entry) or entry.file
        rest = entry.unattached
        for check in entry.outputs:
            findings = check.findings
            _testcase(suite, ET, classname, _output_name(check), findings, entry.file, tally)
        if rest or not entry.outputs:
            _testcase(suite, ET, classname, entry.file, rest, entry.file, tally)
        _close(total, suite, tally)
    for key, value in total.items():
        root.set(key, str(value))
    return _dump(ET, root)


def render_junit_doctor(reports) -> str:
    """JUnit XML for `schemacheck doctor`: one testcase per checklist item."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="schemacheck doctor")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report in reports:
        name = f"{report.table} in {report.database} on {report.cluster}"
        if report.output:
            name += f" (output {report.output})"
        suite, tally = _suite(root, ET, name)
        for item in report.items:
            case = ET.SubElement(suite, "testcase", classname=f"{report.database}.{report.table}", name=item.name)
            tally["tests"] += 1
            details = [item.reason] + ([f"fix: {item.fix}"] if item.fix else [])
            details += [_describe(d, d.file or "") for d in item.diagnostics]
            if item.status == "fail":
                failure = ET.SubElement(case, "failure", message=item.reason, type=item.name)
                failure.text = "\n".join(details)
                tally["failures"] += 1
            elif item.status == "cannot-tell":
                ET.SubElement(case, "skipped", message=item.reason)
                tally["skipped"] += 1
            else:
                ET.SubElement(case, "system-out").text = "\n".join(details)
        _close(total, suite, tally)
    for key, value in total.items():
        root.set(key, str(value))
    return _dump(ET, root)
