// Starts `shootdown lsp` for .sd files. The server does the work (the compiler's errors, hover text
// from docs/language.md, go to definition, completion); this file only tells VS Code how to run it.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('shootdown').get('command', 'shootdown');
  // The server speaks on standard input and output; its own messages go to standard error,
  // which VS Code shows in the "Shootdown" output channel.
  const server = { command, args: ['lsp'] };
  client = new LanguageClient('shootdown', 'Shootdown', server, {
    documentSelector: [{ language: 'shootdown' }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
