"""What a CI system reads back from schemacheck's output: GitHub Actions workflow commands
(`::error file=...::message`) and Azure Pipelines logging commands
(`##vso[task.logissue ...]message`), parsed and unescaped as each runner does. Used by the
report format tests (tests/report/) and the CI examples (tests/packaging/test_ci_examples.py)."""

from __future__ import annotations

import re

GITHUB_COMMAND = re.compile(r"^::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def github_unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def github_unescape_property(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def parse_github_command(line: str):
    """(name, properties, message) of one workflow command, unescaped as the runner does."""
    match = GITHUB_COMMAND.match(line)
    if not match:
        return None
    props = {}
    if match["props"]:
        for pair in match["props"].split(","):
            key, _, value = pair.partition("=")
            props[key] = github_unescape_property(value)
    return match["name"], props, github_unescape_data(match["data"])


AZURE_ISSUE = re.compile(r"^##vso\[task\.logissue (?P<props>[^\]]*)\](?P<data>.*)$")


def azure_unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%AZP25", "%")


def azure_unescape_property(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%5D", "]").replace("%3B", ";")
            .replace("%AZP25", "%"))


def parse_azure_issue(line: str):
    match = AZURE_ISSUE.match(line)
    if not match:
        return None
    props = {}
    for pair in match["props"].split(";"):
        if pair:
            key, _, value = pair.partition("=")
            props[key] = azure_unescape_property(value)
    return props, azure_unescape_data(match["data"])
