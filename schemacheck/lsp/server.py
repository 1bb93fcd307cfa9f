"""The language server (pygls): each open query, project file, template, Bicep or Terraform
file checked as `schemacheck check PATH` checks it, with the open buffers read instead of the
files on disk; hover, quick fixes, suppressions, symbols and WITH-step definitions.

Checks run one at a time in a worker thread (the overlay of open buffers is process-wide).
A change is checked at once when no check of that document is running; changes that come
during one are coalesced into one check of the latest text when it ends (no fixed debounce:
benchmarks/lsp.py measures the latency). A check that fails is logged (window/logMessage) and publishes
nothing new: the server keeps running.
"""

from __future__ import annotations

import asyncio
import traceback
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from schemacheck import __version__
from schemacheck import diagnostics as D
from schemacheck.lsp import analysis as L

DEBOUNCE = 0.0   # a change is checked at once, or coalesced behind the running check (schedule)
SOURCE = "schemacheck"
COPY_COMMAND = "schemacheck: table-side command"
_SEVERITY = {D.ERROR: T.DiagnosticSeverity.Error, D.WARNING: T.DiagnosticSeverity.Warning,
             D.INFO: T.DiagnosticSeverity.Information}


class SchemacheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("schemacheck", __version__)
        self.executor = ThreadPoolExecutor(max_workers=1)
        self.pending: dict[str, asyncio.Task] = {}
        self.running: set[str] = set()            # documents whose check is running
        self.stale: set[str] = set()              # ... and that changed since it started
        # target uri -> source uri -> [(LSP diagnostic, schemacheck Diagnostic)] (each document's
        # check publishes its findings on every open document they are about).
        self.published: dict[str, dict[str, list]] = {}
        self.results: dict[str, L.Result] = {}    # uri -> its last check
        self.job_documents: set[str] = set()      # documents a job was found for (their errors are shown)

    # ---- positions ---------------------------------------------------------------------------

    def _utf16(self) -> bool:
        return self.workspace.position_encoding != T.PositionEncodingKind.Utf8 and \
            self.workspace.position_encoding != T.PositionEncodingKind.Utf32

    def _lines(self, uri: str) -> list[str]:
        document = self.workspace.text_documents.get(uri)
        return document.lines if document is not None else []

    def to_position(self, lines: list[str], line: int, column: int) -> T.Position:
        """1-based line and character column -> an LSP position in the client's units."""
        row = max(line - 1, 0)
        index = max(column - 1, 0)
        if row < len(lines):
            text = lines[row].rstrip("\r\n")
            index = min(index, len(text))
            if self._utf16():
                index = len(text[:index].encode("utf-16-le")) // 2
            elif self.workspace.position_encoding == T.PositionEncodingKind.Utf8:
                index = len(text[:index].encode("utf-8"))
        return T.Position(line=row, character=index)

    def from_position(self, lines: list[str], position: T.Position) -> tuple[int, int]:
        """An LSP position -> 1-based line and character column."""
        row = position.line
        units = position.character
        if row < len(lines) and self.workspace.position_encoding != T.PositionEncodingKind.Utf32:
            text = lines[row]
            counted, index = 0, 0
            utf8 = self.workspace.position_encoding == T.PositionEncodingKind.Utf8
            while index < len(text) and counted < units:
                char = text[index]
                counted += len(char.encode("utf-8")) if utf8 else (2 if ord(char) > 0xFFFF else 1)
                index += 1
            units = index
        return row + 1, units + 1

    def to_range(self, lines: list[str], line: int, column: int, end_line: int | None,
                 end_column: int | None) -> T.Range:
        if end_line is None or end_column is None or (end_line, end_column) <= (line, column):
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            end_line, end_column = line, L.word_end(text, column)
        return T.Range(start=self.to_position(lines, line, column), end=self.to_position(lines, end_line, end_column))

    # ---- diagnostics -------------------------------------------------------------------------

    def lsp_diagnostic(self, lines: list[str], found: D.Diagnostic, checks=()) -> T.Diagnostic:
        page = L.rule_page(found.code)
        # Where the job defines the output, and its table's file (the positions in another
        # file are 1-based line and column as the readers give them).
        related = [T.DiagnosticRelatedInformation(
            location=T.Location(uri=from_fs_path(place.file) or place.file,
                                range=T.Range(T.Position(place.line - 1, max(0, place.column - 1)),
                                              T.Position(place.line - 1, max(0, place.column - 1)))),
            message=text) for place, text in L.related(checks, found)]
        return T.Diagnostic(
            related_information=related or None,
            range=self.to_range(lines, found.line, found.column, found.end_line, found.end_column),
            severity=_SEVERITY.get(found.severity, T.DiagnosticSeverity.Information),
            code=found.code,
            code_description=T.CodeDescription(href=page) if page else None,
            source=SOURCE,
            message=L.message(found))

    def log(self, text: str, kind: T.MessageType = T.MessageType.Error) -> None:
        try:
            self.window_log_message(T.LogMessageParams(type=kind, message=text))
        except Exception:   # the client is gone: nothing to tell
            pass

    def schedule(self, uri: str, delay: float = DEBOUNCE) -> None:
        if uri in self.running:   # checked again, with the latest text, when the running check ends
            self.stale.add(uri)
            return
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._check_later(uri, delay))

    async def _check_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            self.running.add(uri)
            await self.check(uri)
        except asyncio.CancelledError:
            pass
        except Exception:
            self.log(f"schemacheck: checking {uri} failed:\n{traceback.format_exc()}")
        finally:
            self.running.discard(uri)
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]
            if uri in self.stale:
                self.stale.discard(uri)
                self.schedule(uri, 0)

    def open_texts(self) -> dict[str, str]:
        import os

        texts = {}
        for uri, document in list(self.workspace.text_documents.items()):
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if path:
                texts[os.path.realpath(path)] = document.source
        return texts

    async def check(self, uri: str) -> None:
        document = self.workspace.text_documents.get(uri)
        if document is None or not uri.startswith("file:"):
            return
        path = to_fs_path(uri)
        if not path or not L.is_checked(path):
            return
        version = document.version
        texts = self.open_texts()
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self.executor, L.check_document, path, texts)
        except Exception:
            self.log(f"schemacheck: checking {path} failed (nothing new published):\n{traceback.format_exc()}")
            return
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != version:
            return   # changed meanwhile: a newer check is on its way
        self.results[uri] = result
        if result.found_job:
            self.job_documents.add(uri)
        self.publish_result(uri, path, result)

    def publish_result(self, uri: str, path: str, result: L.Result) -> None:
        by_target: dict[str, list] = {uri: []}
        open_paths = {}
        for other in self.workspace.text_documents:
            if other.startswith("file:"):
                open_paths[other] = to_fs_path(other)
        seen = set()
        for check in result.checks:
            for found in check.diagnostics:
                target = next((u for u, p in open_paths.items() if p and L.same_file(found.file, p)), None)
                if target is None:
                    continue
                key = (target, found.code, found.line, found.column, found.message)
                if key in seen:
                    continue
                seen.add(key)
                by_target.setdefault(target, []).append(
                    (self.lsp_diagnostic(self._lines(target), found, result.checks), found))
        if not result.checks and (path.lower().endswith(".asaql") or uri in self.job_documents):
            for entry in result.unreadable:
                if L.same_file(entry.file, path):
                    lines = self._lines(uri)
                    diagnostic = T.Diagnostic(
                        range=self.to_range(lines, entry.line or 1, entry.column or 1, None, None),
                        severity=T.DiagnosticSeverity.Error, source=SOURCE, message=entry.message)
                    by_target[uri].append((diagnostic, None))
        # This document's own check speaks for it (see pairs).
        self.published.setdefault(uri, {})[uri] = by_target.pop(uri)
        for target, pairs in by_target.items():
            self.published.setdefault(target, {})[uri] = pairs
        for target in [uri, *by_target]:
            self.publish(target)

    def publish(self, target: str) -> None:
        pairs = self.pairs(target)
        document = self.workspace.text_documents.get(target)
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
            uri=target, diagnostics=[d for d, _ in pairs], version=document.version if document else None))

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.results.pop(uri, None)
        self.published.pop(uri, None)
        touched = [t for t, sources in self.published.items() if sources.pop(uri, None) is not None]
        for target in touched:
            self.publish(target)
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def pairs(self, uri: str) -> list:
        """The findings shown on `uri`: its own check's when it has one (which checks its job),
        else what the checks of other open documents said about it, each once."""
        sources = self.published.get(uri, {})
        if uri in sources:
            return list(sources[uri])
        pairs, seen = [], set()
        for source in sources.values():
            for lsp_diagnostic, found in source:
                key = (lsp_diagnostic.code, lsp_diagnostic.message, lsp_diagnostic.range.start.line,
                       lsp_diagnostic.range.start.character)
                if key not in seen:
                    seen.add(key)
                    pairs.append((lsp_diagnostic, found))
        return pairs


server = SchemacheckServer()


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: SchemacheckServer, params: T.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: SchemacheckServer, params: T.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(T.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: SchemacheckServer, params: T.DidSaveTextDocumentParams) -> None:
    # A saved project file, template or configuration can change what every open document's job says.
    ls.schedule(params.text_document.uri, 0)
    for uri in list(ls.workspace.text_documents):
        if uri != params.text_document.uri:
            ls.schedule(uri)


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: SchemacheckServer, params: T.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None


@server.feature(T.TEXT_DOCUMENT_HOVER)
def hover(ls: SchemacheckServer, params: T.HoverParams) -> T.Hover | None:
    uri = params.text_document.uri
    result, path = ls.results.get(uri), _path(uri)
    if result is None or path is None:
        return None
    try:
        line, column = ls.from_position(ls._lines(uri), params.position)
        text = L.hover(result.checks, path, line, column)
        document = ls.workspace.text_documents.get(uri)
        if text is None and document is not None and path.lower().endswith(".asaql"):
            text = L.source_hover(result.checks, path, document.source, line, column)
    except Exception:
        ls.log(f"schemacheck: hover failed:\n{traceback.format_exc()}")
        return None
    if text is None:
        return None
    return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value=text))


def _overlaps(a: T.Range, b: T.Range) -> bool:
    def key(p: T.Position) -> tuple[int, int]:
        return (p.line, p.character)
    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


@server.feature(T.TEXT_DOCUMENT_CODE_ACTION,
                T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix]))
def code_action(ls: SchemacheckServer, params: T.CodeActionParams) -> list[T.CodeAction] | None:
    uri = params.text_document.uri
    try:
        return _code_actions(ls, uri, params.range)
    except Exception:
        ls.log(f"schemacheck: code actions failed:\n{traceback.format_exc()}")
        return None


def _document_edit(ls: SchemacheckServer, uri: str, edits: list[T.TextEdit]) -> T.WorkspaceEdit:
    document = ls.workspace.text_documents.get(uri)
    version = document.version if document is not None else None
    return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
        text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)])


def _code_actions(ls: SchemacheckServer, uri: str, wanted: T.Range) -> list[T.CodeAction]:
    actions: list[T.CodeAction] = []
    document = ls.workspace.text_documents.get(uri)
    path = _path(uri)
    suppressed = set()
    for lsp_diagnostic, found in ls.pairs(uri):
        if found is None or not _overlaps(lsp_diagnostic.range, wanted):
            continue
        if found.edit is not None:
            edit = found.edit
            target = uri if edit.file is None or (path and L.same_file(edit.file, path)) else from_fs_path(edit.file)
            if target:
                lines = ls._lines(target) if target in ls.workspace.text_documents else []
                change = T.TextEdit(range=T.Range(start=ls.to_position(lines, edit.line, edit.column),
                                                  end=ls.to_position(lines, edit.end_line, edit.end_column)),
                                    new_text=edit.text)
                title = f"{found.code}: {found.fix}" if found.fix else f"Fix {found.code}"
                actions.append(T.CodeAction(title=title, kind=T.CodeActionKind.QuickFix,
                                            diagnostics=[lsp_diagnostic], is_preferred=True,
                                            edit=_document_edit(ls, target, [change])))
        if found.command:
            actions.append(T.CodeAction(title="Copy table-side command", kind=T.CodeActionKind.QuickFix,
                                        diagnostics=[lsp_diagnostic],
                                        command=T.Command(title=COPY_COMMAND, command=COPY_COMMAND,
                                                          arguments=[found.command])))
        if document is not None and path and path.lower().endswith(".asaql") and (found.code, found.line) not in \
                suppressed and L.same_file(found.file, path):
            suppressed.add((found.code, found.line))
            place = L.suppression(document.source, found)
            if place is not None:
                line, column, end_line, end_column, text = place
                lines = document.lines
                change = T.TextEdit(range=T.Range(start=ls.to_position(lines, line, column),
                                                  end=ls.to_position(lines, end_line, end_column)), new_text=text)
                actions.append(T.CodeAction(title=f"Suppress {found.code} on this line",
                                            kind=T.CodeActionKind.QuickFix, diagnostics=[lsp_diagnostic],
                                            edit=_document_edit(ls, uri, [change])))
    return actions


_SYMBOL_KIND = {"statement": T.SymbolKind.Function, "step": T.SymbolKind.Namespace, "table": T.SymbolKind.Struct}


@server.feature(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: SchemacheckServer, params: T.DocumentSymbolParams) -> list[T.DocumentSymbol] | None:
    uri = params.text_document.uri
    document = ls.workspace.text_documents.get(uri)
    path = _path(uri)
    if document is None or path is None:
        return None
    try:
        if path.lower().endswith(".asaql"):
            symbols = L.query_symbols(document.source) or []
        else:
            result = ls.results.get(uri)
            symbols = L.analysis_symbols(result.checks, path) if result is not None else []
        lines = document.lines

        def span_range(span) -> T.Range:
            return ls.to_range(lines, span.line, span.column, span.end_line, span.end_column)

        return [T.DocumentSymbol(name=s.name, detail=s.detail, kind=_SYMBOL_KIND.get(s.kind, T.SymbolKind.Object),
                                 range=span_range(s.span), selection_range=span_range(s.selection))
                for s in symbols]
    except Exception:
        ls.log(f"schemacheck: symbols failed:\n{traceback.format_exc()}")
        return None


@server.feature(T.TEXT_DOCUMENT_DEFINITION)
def definition(ls: SchemacheckServer, params: T.DefinitionParams) -> T.Location | None:
    uri = params.text_document.uri
    document = ls.workspace.text_documents.get(uri)
    path = _path(uri)
    if document is None or path is None or not path.lower().endswith(".asaql"):
        return None
    try:
        line, column = ls.from_position(document.lines, params.position)
        span = L.definition(document.source, line, column)
        result = ls.results.get(uri)
        place = (L.job_definition(result.checks, path, document.source, line, column)
                 if span is None and result is not None else None)
    except Exception:
        ls.log(f"schemacheck: definition failed:\n{traceback.format_exc()}")
        return None
    if span is not None:
        return T.Location(uri=uri, range=ls.to_range(document.lines, span.line, span.column, span.end_line,
                                                     span.end_column))
    if place is None:
        return None
    return T.Location(uri=from_fs_path(place.file) or place.file,
                      range=T.Range(T.Position(place.line - 1, place.column - 1), T.Position(place.line - 1,
                                                                                            place.column - 1)))


def serve() -> None:
    """Serve over standard input and output until the client exits."""
    server.start_io()
