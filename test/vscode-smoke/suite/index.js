'use strict';
// Test index for the smoke fixture: VS Code's extension host calls run() (extensionTestsPath).
// It runs mocha programmatically, writes the JSON report to process.env.FLOWSIGHT_TEST_REPORT
// (read and printed by scripts/vscode/runExtensionTests.js) and rejects when any test fails.
const path = require('path');
const { runMochaInExtensionHost } = require('../../../scripts/vscode/hostMocha');

function run() {
  return runMochaInExtensionHost({
    testsRoot: __dirname, // every *.test.js below this folder
    ui: 'tdd',
    timeout: 20000,
    mochaPath: path.resolve(__dirname, '../../../node_modules/mocha'),
  });
}

module.exports = { run };
