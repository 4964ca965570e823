'use strict';
// Helper for an extension's test index (the module named by extensionTestsPath), which VS Code's
// extension host loads and whose run() it awaits. Runs mocha programmatically, writes a JSON report
// to process.env.FLOWSIGHT_TEST_REPORT (scripts/vscode/runExtensionTests.js prints it, since mocha's
// own output only reaches the browser console as unformatted lines), and rejects when a test fails.
//
//   // out/test/vscode/index.js (compiled) or test/vscode-smoke/suite/index.js
//   const { runMochaInExtensionHost } = require('<repo>/scripts/vscode/hostMocha');
//   exports.run = () => runMochaInExtensionHost({ testsRoot: __dirname, ui: 'tdd' });
//
// Plain CommonJS, no dependencies but mocha (the repo's devDependency).

const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');

/** mocha 12 is an ES module whose index re-exports lib/mocha.cjs; load the CommonJS file directly. */
function loadMocha(mochaPath = path.join(REPO, 'node_modules', 'mocha')) {
  const cjs = path.join(mochaPath, 'lib', 'mocha.cjs');
  const m = fs.existsSync(cjs) ? require(cjs) : require(mochaPath);
  return m && m.default && typeof m.default === 'function' ? m.default : m;
}

function findTests(root, re) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (re.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

function errInfo(err) {
  if (!err) return undefined;
  const info = { message: String(err.message || err), stack: err.stack ? String(err.stack) : undefined };
  if (err.actual !== undefined || err.expected !== undefined) {
    try {
      info.actual = JSON.stringify(err.actual);
      info.expected = JSON.stringify(err.expected);
    } catch {
      /* circular */
    }
  }
  return info;
}

function writeReport(file, report) {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file + '.tmp', JSON.stringify(report, null, 2));
    fs.renameSync(file + '.tmp', file);
  } catch (e) {
    console.error(`[hostMocha] could not write the test report ${file}: ${e.message}`);
  }
}

/**
 * @param {object} o
 * @param {string[]} [o.files]        test files (absolute); or
 * @param {string} [o.testsRoot]      folder searched for files matching o.pattern
 * @param {RegExp} [o.pattern=/\.test\.js$/]
 * @param {'bdd'|'tdd'} [o.ui='bdd']
 * @param {number} [o.timeout=20000]
 * @param {string} [o.grep]           only tests whose full title matches (also env FLOWSIGHT_TEST_GREP)
 * @param {string} [o.reportFile=process.env.FLOWSIGHT_TEST_REPORT]
 * @param {string} [o.mochaPath]      folder of the mocha package (default <repo>/node_modules/mocha)
 * @param {object} [o.mochaOptions]   passed to new Mocha()
 * @returns {Promise<{ passed: number, failed: number, pending: number }>} rejects when failed > 0
 */
function runMochaInExtensionHost({
  files,
  testsRoot,
  pattern = /\.test\.js$/,
  ui = 'bdd',
  timeout = 20000,
  grep = process.env.FLOWSIGHT_TEST_GREP,
  reportFile = process.env.FLOWSIGHT_TEST_REPORT,
  mochaPath,
  mochaOptions = {},
} = {}) {
  const startedAt = new Date();
  const report = { startedAt: startedAt.toISOString(), durationMs: 0, passed: 0, failed: 0, pending: 0, tests: [] };
  const finish = () => {
    report.durationMs = Date.now() - startedAt.getTime();
    writeReport(reportFile, report);
  };

  let mocha;
  try {
    const Mocha = loadMocha(mochaPath);
    mocha = new Mocha({ ui, timeout, color: false, reporter: 'spec', ...mochaOptions });
    if (grep) mocha.grep(grep);
    const list = files || (testsRoot ? findTests(testsRoot, pattern) : []);
    if (!list.length) throw new Error(`no test files found (testsRoot ${testsRoot}, pattern ${pattern})`);
    for (const f of list) mocha.addFile(f);
  } catch (e) {
    report.failed = 1;
    report.tests.push({ title: 'load the test suite', fullTitle: 'load the test suite', state: 'failed', error: errInfo(e) });
    finish();
    return Promise.reject(e);
  }

  return new Promise((resolve, reject) => {
    let runner;
    try {
      runner = mocha.run((failures) => {
        finish();
        if (failures > 0 || report.failed > 0) reject(new Error(`${report.failed || failures} test(s) failed`));
        else resolve({ passed: report.passed, failed: report.failed, pending: report.pending });
      });
    } catch (e) {
      // a test file threw while being required
      report.failed += 1;
      report.tests.push({ title: 'load the test files', fullTitle: 'load the test files', state: 'failed', error: errInfo(e) });
      finish();
      reject(e);
      return;
    }
    const entry = (t, state, err) => ({
      title: t.title,
      fullTitle: typeof t.fullTitle === 'function' ? t.fullTitle() : t.title,
      file: t.file ? path.relative(REPO, t.file) : undefined,
      state,
      durationMs: t.duration,
      error: errInfo(err),
    });
    runner.on('pass', (t) => {
      report.passed += 1;
      report.tests.push(entry(t, 'passed'));
    });
    runner.on('fail', (t, err) => {
      // also hooks ("before all" hook ...) land here
      report.failed += 1;
      report.tests.push(entry(t, 'failed', err));
    });
    runner.on('pending', (t) => {
      report.pending += 1;
      report.tests.push(entry(t, 'pending'));
    });
  });
}

module.exports = { runMochaInExtensionHost, loadMocha, findTests };
