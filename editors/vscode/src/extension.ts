// The schemacheck extension starts the schemacheck language server (`schemacheck lsp`, LSP over
// stdio) and leaves the rest to it: diagnostics, hover, code actions and document symbols for
// .asaql queries and for the ARM templates (.json), Bicep (.bicep) and Terraform (.tf) files that
// hold queries.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

const DEFAULT_COMMAND = ["schemacheck", "lsp"];

function serverCommand(): string[] {
  const configured = vscode.workspace
    .getConfiguration("schemacheck")
    .get<string[]>("serverCommand", DEFAULT_COMMAND);
  return Array.isArray(configured) && configured.length > 0 && configured.every((part) => typeof part === "string")
    ? configured
    : DEFAULT_COMMAND;
}

export async function activate(_context: vscode.ExtensionContext): Promise<void> {
  const [command, ...args] = serverCommand();
  const serverOptions: ServerOptions = {
    command,
    args,
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: "asaql" },
      { scheme: "file", pattern: "**/*.json" },
      { scheme: "file", pattern: "**/*.bicep" },
      { scheme: "file", pattern: "**/*.tf" },
    ],
  };
  // The id "schemacheck" makes the client read the setting schemacheck.trace.server.
  client = new LanguageClient("schemacheck", "schemacheck", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `schemacheck: could not start the language server (${[command, ...args].join(" ")}): ${String(error)}. ` +
        "Install it with pip install 'schemacheck[lsp]', or set schemacheck.serverCommand.",
    );
  }
}

export async function deactivate(): Promise<void> {
  if (client) {
    const stopping = client;
    client = undefined;
    // A client whose server never started (a wrong schemacheck.serverCommand) has nothing to stop.
    if (stopping.needsStop()) {
      await stopping.stop();
    }
  }
}
