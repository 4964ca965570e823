'use strict';
// Minimal fixture extension: one command that answers 'hello', and a status-bar item to look for.
const vscode = require('vscode');

function activate(context) {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
  item.text = '$(beaker) Smoke ready';
  item.command = 'smoke.hello';
  item.show();
  context.subscriptions.push(
    item,
    vscode.commands.registerCommand('smoke.hello', () => {
      item.text = '$(check) Smoke said hello';
      void vscode.window.showInformationMessage('Hello from the FlowSight smoke extension');
      return 'hello';
    }),
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
