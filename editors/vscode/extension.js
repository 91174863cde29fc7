// The changebook extension starts `changebook lsp` for the Markdown files
// and the changebook.yaml of a workspace that holds a configuration
// repository: the editor shows the check's findings as you type, completes
// field names and closed values, and describes fields on hover. The
// language server is changebook's own; this file only starts it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

async function activate(context) {
  const settings = await vscode.workspace.findFiles('**/changebook.yaml', '**/node_modules/**', 1);
  if (settings.length === 0) {
    return;
  }
  // The server reads the repository of the folder it is started in.
  const repository = vscode.Uri.joinPath(settings[0], '..').fsPath;
  const command = vscode.workspace.getConfiguration('changebook').get('path') || 'changebook';
  client = new LanguageClient(
    'changebook',
    'changebook',
    // --repo rather than the REPO argument for a release: a changebook
    // from before REPO knows only --repo (a newer one still takes it).
    { command, args: ['lsp', '--repo', repository], options: { cwd: repository } },
    {
      documentSelector: [
        { scheme: 'file', language: 'markdown' },
        { scheme: 'file', pattern: '**/changebook.yaml' },
      ],
    },
  );
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `changebook: cannot start "${command} lsp" (${err.message}). Install changebook, or set the changebook.path setting to the program's path.`,
    );
  }
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
