import * as vscode from 'vscode';

/**
 * Entry point of the extension host side. The engine, live feed and views arrive in later issues;
 * for now activation opens the log channel that everything else will write to.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('FlowSight', { log: true });
  context.subscriptions.push(log);
  log.info(`FlowSight ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
