'use strict';
// Runs inside the VS Code extension host (code-server), loaded by ./index.js.
const assert = require('assert');
const vscode = require('vscode');

suite('smoke extension', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension('flowsight-test.flowsight-smoke');
    assert.ok(ext, 'fixture extension is loaded');
    await ext.activate();
  });

  test('registers the smoke.hello command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('smoke.hello'), 'smoke.hello is among the registered commands');
  });

  test('smoke.hello returns hello', async () => {
    const answer = await vscode.commands.executeCommand('smoke.hello');
    assert.strictEqual(answer, 'hello');
  });
});
