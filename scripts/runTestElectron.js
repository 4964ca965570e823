#!/usr/bin/env node
// The same integration tests under @vscode/test-electron, for machines with internet access (it
// downloads VS Code). CI here runs them in code-server instead: npm run test:vscode.
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const repo = path.resolve(__dirname, '..');
  try {
    await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(repo, 'out/test/vscode/index.js'),
      launchArgs: [path.join(repo, 'test/vscode/workspace'), '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { FLOWSIGHT_TEST_REPORT: path.join(repo, 'test-results/vscode-electron.json') },
    });
  } catch (err) {
    console.error(`integration tests failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

void main();
