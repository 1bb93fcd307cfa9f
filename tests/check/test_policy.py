"""Team policy: rule severities, fail-on, excluded paths and live defaults from the
configuration; inline suppressions in queries; `schemacheck rules`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from schemacheck.check.suppressions import directives

TABLE = ".create table Readings (DeviceId: string, Temp: real, At: datetime)\n"
QUERY = """SELECT
    CAST(d AS nvarchar(max)) AS DeviceId,
    CAST(t AS float) AS Temp,
    at AS At,
    CAST(x AS bigint) AS Extra
INTO Readings
FROM input
"""


def project(tmp_path: Path, query: str = QUERY, config: str = "") -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "tables.kql").write_text(TABLE)
    (tmp_path / "schemacheck.toml").write_text('schemas = ["schemas"]\n' + config)
    (tmp_path / "q.asaql").write_text(query)
    return tmp_path / "q.asaql"


def findings(*args) -> tuple[int, list[tuple]]:
    code, out, err = run_cli("check", *args, "--format", "json")
    assert err == "" or "warning" in err, err
    return code, [(d["code"], d["severity"], d["line"]) for f in json.loads(out)["files"] for d in f["diagnostics"]]


def test_without_policy_the_findings_are_the_defaults(tmp_path):
    code, found = findings(str(project(tmp_path)))
    assert code == 1
    assert ("SC101", "error", 5) in found and ("SC204", "warning", 4) in found and ("SC405", "info", 6) in found


def test_rule_severities_change_and_off_drops(tmp_path):
    query = project(tmp_path, config='[rules]\nSC101 = "warning"\nSC204 = "off"\nSC405 = "error"\n')
    code, found = findings(str(query))
    assert ("SC101", "warning", 5) in found and ("SC405", "error", 6) in found
    assert not [f for f in found if f[0] == "SC204"]
    assert code == 1        # SC405 is an error now


def test_fail_on_from_the_configuration_and_the_command_line_beats_it(tmp_path):
    query = project(tmp_path, config='fail-on = "info"\n[rules]\nSC101 = "warning"\n')
    assert findings(str(query))[0] == 1
    query = project(tmp_path, config='[rules]\nSC101 = "warning"\n')
    assert findings(str(query))[0] == 0
    assert findings(str(query), "--fail-on", "warning")[0] == 1


def test_excluded_paths_are_not_checked(tmp_path):
    query = project(tmp_path, config='exclude = ["drafts", "*.old.asaql"]\n')
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "wip.asaql").write_text("SELECT FROM nothing")
    (tmp_path / "q.old.asaql").write_text("SELECT garbage garbage")
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    assert [Path(f["file"]).name for f in json.loads(out)["files"]] == [query.name]
    # a changed excluded file passed by a hook is skipped too
    code, out, err = run_cli("check", str(tmp_path / "drafts" / "wip.asaql"), "--format", "json")
    assert code == 0 and json.loads(out)["files"] == []


@pytest.mark.parametrize("config, words", [
    ('[rules]\nSC999 = "off"\n', "schemacheck.toml:3: unknown rule SC999 in rules"),
    ('[rules]\nSC301 = "loud"\n', "rules.SC301: input should be 'error', 'warning', 'info' or 'off'"),
    ('fail-on = "never"\n', "fail-on: input should be 'error', 'warning' or 'info'"),
    ('failon = "error"\n', "unknown key failon; did you mean fail-on?"),
    ('[live]\nport = 1\n', "unknown key live.port; [live] takes cluster, auth, timeout and arm-endpoint"),
    ('[live]\ntimeout = -1\n', "live.timeout: input should be greater than 0"),
])
def test_a_bad_configuration_is_one_clear_line(tmp_path, config, words):
    query = project(tmp_path, config=config)
    code, out, err = run_cli("check", str(query))
    assert code == 2 and out == "" and words in err and err.count("\n") == 1


# ---- inline suppressions ------------------------------------------------------------------------------------------

def test_directives_are_read_only_from_comments():
    text = ("SELECT a AS A, -- schemacheck: ignore[SC301, sc203]\n"
            "  'x -- schemacheck: ignore' AS b, [c--d] AS e /* -- schemacheck: ignore */\n"
            "-- schemacheck: ignore-file[SC203]\n"
            "--schemacheck:ignore\n")
    found = [(d.kind, d.codes, d.line, d.column) for d in directives(text)]
    assert found == [("line", ("SC301", "SC203"), 1, 16), ("file", ("SC203",), 3, 1), ("line", (), 4, 1)]


def test_ignore_on_the_line_or_the_line_above(tmp_path):
    query = QUERY.replace("    at AS At,\n", "    at AS At, -- schemacheck: ignore[SC204]\n").replace(
        "    CAST(x AS bigint) AS Extra\n", "    -- schemacheck: ignore[SC101]\n    CAST(x AS bigint) AS Extra\n")
    code, found = findings(str(project(tmp_path, query)))
    assert not [f for f in found if f[0] in ("SC204", "SC101")]
    assert code == 0


def test_ignore_file_and_unused_or_unknown_suppressions(tmp_path):
    query = ("-- schemacheck: ignore-file[SC204, SC405]\n" + QUERY.replace(
        "FROM input\n", "FROM input -- schemacheck: ignore[SC301]\n-- schemacheck: ignore[SC777]\n"))
    code, found = findings(str(project(tmp_path, query)))
    assert not [f for f in found if f[0] in ("SC204", "SC405")]
    unused = [f for f in found if f[0] == "SC010"]
    assert unused == [("SC010", "info", 8), ("SC010", "info", 9)]
    _, out, _ = run_cli("check", str(tmp_path / "q.asaql"))
    assert "silences nothing" in out and "names SC777, which is no rule" in out


def test_suppressions_in_a_template_query_point_into_the_template(tmp_path):
    case = FIXTURES / "jobs" / "cases" / "arm-template"
    for name in ("payments.json", "payments.parameters.json"):
        shutil.copy(case / name, tmp_path / name)
    shutil.copytree(case / "schemas", tmp_path / "schemas")
    template = json.loads((tmp_path / "payments.json").read_text())
    transformation = template["resources"][3]["properties"]
    # SC203 sums up a statement's untyped columns at its INTO.
    transformation["query"] = transformation["query"].replace(
        "INTO [adx-declines]\r\n", "INTO [adx-declines] -- schemacheck: ignore[SC203]\r\n"
    ) + "-- schemacheck: ignore[SC104]\r\n"
    (tmp_path / "payments.json").write_text(json.dumps(template, indent=2))
    code, out, err = run_cli("check", str(tmp_path / "payments.json"), "--format", "json")
    found = [(d["code"], d["output"], d["line"]) for d in json.loads(out)["files"][0]["diagnostics"]]
    assert ("SC203", "adx-declines", 144) not in found
    (unused,) = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == "SC010"]
    line = (tmp_path / "payments.json").read_text().splitlines()[unused["line"] - 1]
    assert line[unused["column"] - 1:].startswith("-- schemacheck: ignore[SC104]")


# ---- schemacheck rules --------------------------------------------------------------------------------------------

def test_rules_lists_every_rule_and_explains_one(tmp_path, monkeypatch):
    from schemacheck.diagnostics import RULES

    code, out, err = run_cli("rules")
    assert code == 0 and all(f"  {c}  " in out for c in RULES)
    code, out, _ = run_cli("rules", "SC201")
    assert out.startswith("SC201 type-incompatible (error)") and "CAST" in out
    code, out, _ = run_cli("rules", "column-order", "--format", "json")
    assert json.loads(out)["rules"][0]["code"] == "SC301"
    code, _, err = run_cli("rules", "SC2001")
    assert code == 2 and "no rule SC2001" in err
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemacheck.toml").write_text('[rules]\nSC301 = "error"\n')
    _, out, _ = run_cli("rules", "SC301")
    assert out.startswith("SC301 column-order (error (default warning), as schemacheck.toml sets it)")


def test_live_defaults_come_from_the_configuration(tmp_path):
    from support.kusto_server import Database, FakeCluster, Table

    readings = Table("Readings", [("DeviceId", "string"), ("Temp", "real"), ("At", "datetime"), ("Extra", "long")])
    with FakeCluster({"telemetry": Database("telemetry", {"Readings": readings})}) as cluster:
        query = project(tmp_path, config=f'[live]\ncluster = "{cluster.url}"\nauth = "none"\ntimeout = 5\n'
                                         '[outputs.Readings]\ndatabase = "telemetry"\n')
        code, out, err = run_cli("check", str(query), "--live", "--format", "json")
        assert err == "" and code == 0
        assert cluster.commands() == [".show table ['Readings'] schema as json"]
