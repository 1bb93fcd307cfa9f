"""`schemacheck lsp` driven by a real client over stdio (pytest-lsp)."""

from __future__ import annotations

import ast
import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as T
from pygls.exceptions import JsonRpcMethodNotFound
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "fleet-telemetry"

pytestmark = pytest.mark.asyncio


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "schemacheck", "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(T.InitializeParams(capabilities=T.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "fleet")
    return tmp_path / "fleet"


async def diagnostics_until(client: LanguageClient, uri: str, wanted, timeout: float = 15) -> list[T.Diagnostic]:
    """The diagnostics of `uri` once `wanted(diagnostics)` holds."""
    async def wait():
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and wanted(found):
                return list(found)
            await client.wait_for_notification(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), timeout)


def open_document(client: LanguageClient, path: Path, text: str | None = None, language: str = "asaql") -> str:
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(text_document=T.TextDocumentItem(
        uri=uri, language_id=language, version=1, text=path.read_text(encoding="utf-8") if text is None else text)))
    return uri


def change_document(client: LanguageClient, uri: str, text: str, version: int = 2) -> None:
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))


def sc102(found) -> T.Diagnostic | None:
    return next((d for d in found if d.code == "SC102" and d.range.start.line == 30), None)


async def test_diagnostics_of_a_project_query(client: LanguageClient, project: Path):
    uri = open_document(client, project / "FleetTelemetry.asaql")
    found = await diagnostics_until(client, uri, lambda ds: sc102(ds) is not None)
    diagnostic = sc102(found)
    assert diagnostic is not None
    assert diagnostic.severity == T.DiagnosticSeverity.Error
    assert diagnostic.source == "schemacheck"
    assert diagnostic.range == T.Range(start=T.Position(line=30, character=4), end=T.Position(line=30, character=51))
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("docs/rules/SC102.md")
    assert diagnostic.code_description.href.startswith("file://")
    assert "VehicleID" in diagnostic.message and "\nfix: alias the column `AS VehicleID`" in diagnostic.message
    assert {"SC201", "SC101", "SC103"} <= {d.code for d in found}
    # Only this document's findings: the job's JobConfig.json finding (SC607) is not open, so not shown.
    assert "SC607" not in {d.code for d in found}


async def test_a_job_file_gets_its_own_findings(client: LanguageClient, project: Path):
    # JobConfig.json is read as the job's file: checking it checks the job, and SC607 is about it.
    uri = open_document(client, project / "JobConfig.json", language="json")
    found = await diagnostics_until(client, uri, lambda ds: bool(ds))
    assert [(d.code, d.range.start.line) for d in found] == [("SC607", 3)]
    query = open_document(client, project / "FleetTelemetry.asaql")
    await diagnostics_until(client, query, lambda ds: sc102(ds) is not None)
    await asyncio.sleep(0.3)   # the query's check has had time to publish on JobConfig.json too
    assert [d.code for d in client.diagnostics[uri]] == ["SC607"]   # once, not once per check


async def test_an_unsaved_change_that_fixes_it_clears_it(client: LanguageClient, project: Path):
    path = project / "FleetTelemetry.asaql"
    uri = open_document(client, path)
    await diagnostics_until(client, uri, lambda ds: sc102(ds) is not None)
    text = path.read_text(encoding="utf-8")
    fixed = text.replace("CAST(r.VehicleId AS nvarchar(max)) AS VehicleId,", "CAST(r.VehicleId AS nvarchar(max)) AS "
                         "VehicleID,")
    assert fixed != text
    change_document(client, uri, fixed)
    found = await diagnostics_until(client, uri, lambda ds: sc102(ds) is None)
    assert "SC201" in {d.code for d in found}   # the rest is still there
    assert path.read_text(encoding="utf-8") == text   # nothing saved


async def test_hover_on_a_column_and_an_output(client: LanguageClient, project: Path):
    uri = open_document(client, project / "FleetTelemetry.asaql")
    await diagnostics_until(client, uri, lambda ds: sc102(ds) is not None)
    hover = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=30, character=10)))
    assert hover is not None
    text = hover.contents.value
    assert "`nvarchar(max)`" in text and "expression" in text
    assert "`VehicleID`" in text and "OverheatAlerts" in text
    into = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=35, character=8)))
    assert into is not None and "adx-alerts" in into.contents.value and "OverheatAlerts" in into.contents.value
    nothing = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=0, character=3)))
    assert nothing is None


def _apply(text: str, edits: list[T.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


async def _actions(client: LanguageClient, uri: str, line: int) -> list:
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri),
        range=T.Range(start=T.Position(line=line, character=4), end=T.Position(line=line, character=5)),
        context=T.CodeActionContext(diagnostics=[])))
    assert actions is not None
    return list(actions)


def _edits(action: T.CodeAction, uri: str) -> list[T.TextEdit]:
    assert action.edit is not None and action.edit.document_changes
    change = action.edit.document_changes[0]
    assert isinstance(change, T.TextDocumentEdit) and change.text_document.uri == uri
    return [e for e in change.edits if isinstance(e, T.TextEdit)]


async def test_quick_fix_suppress_and_table_side_command(client: LanguageClient, project: Path):
    path = project / "FleetTelemetry.asaql"
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path)
    await diagnostics_until(client, uri, lambda ds: sc102(ds) is not None)
    actions = await _actions(client, uri, 30)
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.title.startswith("SC102"))
    assert fix.kind == T.CodeActionKind.QuickFix and fix.diagnostics and fix.diagnostics[0].code == "SC102"
    fixed = _apply(text, _edits(fix, uri))
    assert fixed.split("\n")[30] == "    CAST(r.VehicleId AS nvarchar(max)) AS VehicleID,"
    suppress = next(a for a in actions if a.title == "Suppress SC102 on this line")
    suppressed = _apply(text, _edits(suppress, uri))
    assert suppressed.split("\n")[30].endswith("AS VehicleId,  -- schemacheck: ignore[SC102]")
    assert "Suppress SC301 on this line" in titles
    # The suppression silences it when applied (unsaved), and nothing reports it unused.
    change_document(client, uri, suppressed)
    found = await diagnostics_until(client, uri, lambda ds: sc102(ds) is None)
    assert "SC010" not in {d.code for d in found}
    # SC201 carries a table-side command (Kusto) as well as a query rewrite.
    actions = await _actions(client, uri, 33)
    copy = next(a for a in actions if a.title == "Copy table-side command")
    if isinstance(copy, T.CodeAction):
        assert copy.command is not None
        command = {"title": copy.command.title, "arguments": copy.command.arguments}
    else:
        # lsprotocol's client reads a CodeAction holding only a title and a command as a Command,
        # with the inner command's fields as the text of its `command`.
        command = ast.literal_eval(copy.command)
    assert command["title"] == "schemacheck: table-side command"
    assert command["arguments"] == [".alter column ['OverheatAlerts'].['SensorReading'] type=real"]


async def test_symbols_and_definition(client: LanguageClient, project: Path):
    uri = open_document(client, project / "FleetTelemetry.asaql")
    symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(
        text_document=T.TextDocumentIdentifier(uri=uri)))
    assert symbols is not None
    names = [(s.name, s.range.start.line) for s in symbols if isinstance(s, T.DocumentSymbol)]
    assert names == [("Readings", 5), ("SELECT ... INTO adx-readings", 17), ("SELECT ... INTO adx-alerts", 29),
                     ("SELECT ... INTO sql-vehicle-status", 41), ("SELECT ... INTO raw-archive", 51)]
    location = await client.text_document_definition_async(T.DefinitionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=36, character=7)))
    assert isinstance(location, T.Location)
    assert location.uri == uri and location.range.start == T.Position(line=5, character=5)
    # [telemetry-in] is an input: its definition is the project's input file; [adx-alerts] an output
    # (known once the job's check is done).
    await diagnostics_until(client, uri, lambda ds: sc102(ds) is not None)
    source = await client.text_document_definition_async(T.DefinitionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=51, character=36)))
    assert isinstance(source, T.Location) and source.uri.endswith("/Inputs/telemetry-in.json")
    output = await client.text_document_definition_async(T.DefinitionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=35, character=8)))
    assert isinstance(output, T.Location) and output.uri.endswith("/Outputs/adx-alerts.json")
    assert output.range.start.line > 0
    nothing = await client.text_document_definition_async(T.DefinitionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=0, character=3)))
    assert nothing is None


async def test_hover_on_an_input_and_related_information(client: LanguageClient, project: Path):
    uri = open_document(client, project / "FleetTelemetry.asaql")
    found = await diagnostics_until(client, uri, lambda ds: sc102(ds) is not None)
    hover = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=51, character=36)))
    assert hover is not None and "telemetry-in" in hover.contents.value and "input" in hover.contents.value
    step = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=36, character=7)))
    assert step is not None and "WITH" in step.contents.value
    related = sc102(found).related_information or []
    messages = {r.message for r in related}
    assert "output adx-alerts is defined here" in messages
    assert any(r.location.uri.endswith("/Outputs/adx-alerts.json") for r in related)
    assert any(m.startswith("table ") for m in messages)


async def test_binary_and_half_typed_documents_do_not_crash(client: LanguageClient, tmp_path: Path):
    half = tmp_path / "half.asaql"
    half.write_text("SELECT a INTO out FROM inp\n", encoding="utf-8")
    uri = open_document(client, half, "SELECT a, CAST(b AS INTO [out FROM")
    found = await diagnostics_until(client, uri, lambda ds: bool(ds))
    assert [d.code for d in found] == ["SC001"]
    symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(
        text_document=T.TextDocumentIdentifier(uri=uri)))
    assert symbols == []
    binary = tmp_path / "blob.asaql"
    binary.write_bytes(b"\x00\x01\x02")
    uri = open_document(client, binary, "SELECT \x00\x01\ufffd INTO o FROM i")
    await diagnostics_until(client, uri, lambda ds: bool(ds))
    huge = tmp_path / "huge.json"
    huge.write_text("{}", encoding="utf-8")
    uri = open_document(client, huge, '{"resources": [' + '{"a": 1},' * 20000, "json")
    await diagnostics_until(client, uri, lambda ds: True)
    # Still serving.
    hover = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=half.as_uri()), position=T.Position(line=0, character=1)))
    assert hover is None


async def test_unknown_method_is_an_error(client: LanguageClient):
    with pytest.raises(JsonRpcMethodNotFound):
        await client.protocol.send_request_async("schemacheck/nothing", {})
    # And the server goes on serving.
    nowhere = T.TextDocumentIdentifier(uri="file:///nowhere.asaql")
    assert await client.text_document_hover_async(T.HoverParams(text_document=nowhere,
                                                                position=T.Position(line=0, character=0))) is None


async def test_a_bicep_file_holding_a_query(client: LanguageClient, tmp_path: Path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "iac" / "bicep-children", tmp_path / "bicep")
    path = tmp_path / "bicep" / "main.bicep"
    uri = open_document(client, path, language="bicep")
    found = await diagnostics_until(client, uri, lambda ds: any(d.code == "SC102" for d in ds))
    assert ("SC102", 80, 4) in {(d.code, d.range.start.line, d.range.start.character) for d in found}
    hover = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(line=80, character=6)))
    assert hover is not None and "`nvarchar(max)`" in hover.contents.value
    symbols = await client.text_document_document_symbol_async(T.DocumentSymbolParams(
        text_document=T.TextDocumentIdentifier(uri=uri)))
    assert symbols is not None and [s.name for s in symbols][:2] == ["SELECT ... INTO adx-trips",
                                                                      "SELECT ... INTO adx-stops"]


async def test_a_fabric_eventstream_json_with_operators(client: LanguageClient, tmp_path: Path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "fabric" / "workspace", tmp_path / "fabric")
    path = tmp_path / "fabric" / "Stops.Eventstream" / "eventstream.json"
    uri = open_document(client, path, language="json")
    found = await diagnostics_until(client, uri, lambda ds: any(d.code == "SC101" for d in ds))
    # the slips behind the ManageFields operator, at its entries (0-based lines)
    assert {("SC201", 64, 10), ("SC101", 65, 10)} <= {(d.code, d.range.start.line, d.range.start.character)
                                                      for d in found}
    # an unsaved edit of the entry's alias clears the name slip
    text = path.read_text(encoding="utf-8").replace('"alias": "StopedAt"', '"alias": "StoppedAt"')
    change_document(client, uri, text)
    await diagnostics_until(client, uri, lambda ds: not any(d.code == "SC101" for d in ds))
