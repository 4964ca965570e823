#!/usr/bin/env node
'use strict';
// Offline replacement for @vscode/test-electron: runs an extension's integration tests (mocha in
// the extension host) inside a real VS Code 1.139.1 served by code-server and opened in headless
// Chromium. The test index writes a JSON report to process.env.FLOWSIGHT_TEST_REPORT (see
// scripts/vscode/hostMocha.js); this runner prints it and the closing line "N passed, N failed".
//
// CLI:
//   node scripts/vscode/runExtensionTests.js --extension <dir> --tests <compiled index.js>
//        [--workspace <dir>] [--timeout <seconds>] [--env KEY=VALUE]... [--grep <text>]
//        [--verbose] [--keep] [--headed]
// exits 0 when every test passed, 1 otherwise.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, defaultLog, sleep, registerCleanup, shuttingDown } = require('./util');
const { ensureTools } = require('./tools');
const { startCodeServer } = require('./codeServer');
const { launchBrowser } = require('./browser');

const TICK = '\u2714';
const CROSS = '\u2716';

function printReport(report, out) {
  const byFile = new Map();
  for (const t of report.tests || []) {
    const key = t.fullTitle && t.title && t.fullTitle.endsWith(t.title) ? t.fullTitle.slice(0, -t.title.length).trim() : '';
    if (!byFile.has(key)) byFile.set(key, []);
    byFile.get(key).push(t);
  }
  for (const [suite, tests] of byFile) {
    if (suite) out(`  ${suite}`);
    for (const t of tests) {
      const pad = suite ? '    ' : '  ';
      const ms = t.durationMs != null && t.state === 'passed' ? ` (${t.durationMs} ms)` : '';
      if (t.state === 'passed') out(`${pad}${TICK} ${t.title}${ms}`);
      else if (t.state === 'pending') out(`${pad}- ${t.title} (pending)`);
      else {
        const msg = (t.error ? t.error.message : 'failed').split('\n').filter((l) => l.trim());
        out(`${pad}${CROSS} ${t.title}: ${msg[0] || 'failed'}`);
        for (const l of msg.slice(1, 12)) out(`${pad}    ${l}`);
        if (t.error && t.error.stack) {
          const at = t.error.stack
            .split('\n')
            .filter((l) => /^\s*at /.test(l) && !/node_modules[\\/]mocha|scripts[\\/]vscode[\\/]hostMocha/.test(l))
            .slice(0, 5);
          for (const l of at) out(`${pad}      ${l.trim()}`);
        }
      }
    }
  }
}

// console errors that every offline run shows (no gallery, no GitHub sign-in, no vsda): not worth printing
const NOISE = /^(%c\s*ERR\s*color:\s*#\w+\s*)?Canceled|open-vsx|ENOTFOUND|ERR_NAME_NOT_RESOLVED|Failed to load resource|authentication provider|vsda|gallery/i;

function remoteUri(authority, p) {
  const abs = path.resolve(p).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${authority}${abs.startsWith('/') ? '' : '/'}${abs}`;
}

/**
 * Run extension tests in code-server.
 * @param {object} o
 * @param {string} o.extensionDevelopmentPath   folder with the extension's package.json
 * @param {string} o.extensionTestsPath         compiled test index (exports run())
 * @param {string} [o.workspace]                folder to open (default: a new empty temp folder)
 * @param {Object<string,string>} [o.env]       extensionEnvironment for the extension host
 * @param {number} [o.timeoutMs=600000]         whole run, from page load to verdict
 * @param {(msg: string) => void} [o.log]       progress messages (stderr by default)
 * @param {(line: string) => void} [o.out]      the report lines (stdout by default)
 * @param {boolean} [o.verbose]                 forward the browser console and code-server output
 * @param {boolean} [o.keep]                    keep the temp data folder (code-server logs, report)
 * @param {boolean} [o.headless=true]
 * @param {object} [o.settings]                 extra VS Code user settings
 * @param {string} [o.grep]                     only tests whose title matches (FLOWSIGHT_TEST_GREP)
 * @returns {Promise<{ passed: number, failed: number, pending: number, exitCode: number, report: object|null }>}
 */
async function runExtensionTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  workspace,
  env = {},
  timeoutMs = 10 * 60 * 1000,
  log = defaultLog,
  out = (l) => process.stdout.write(l + '\n'),
  verbose = false,
  keep = false,
  headless = true,
  settings,
  grep,
} = {}) {
  if (!extensionDevelopmentPath || !extensionTestsPath) {
    throw new Error('runExtensionTests: extensionDevelopmentPath and extensionTestsPath are required');
  }
  extensionDevelopmentPath = path.resolve(extensionDevelopmentPath);
  extensionTestsPath = path.resolve(extensionTestsPath);
  if (!fs.existsSync(path.join(extensionDevelopmentPath, 'package.json'))) {
    throw new Error(`no package.json in the extension folder ${extensionDevelopmentPath}`);
  }
  if (!fs.existsSync(extensionTestsPath) && !fs.existsSync(extensionTestsPath + '.js')) {
    throw new Error(`test index not found: ${extensionTestsPath} (compile the tests first?)`);
  }
  const t0 = Date.now();
  const tools = await ensureTools({ log });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-vscode-test-'));
  const reportFile = path.join(dataDir, 'report.json');
  const consoleFile = path.join(dataDir, 'browser-console.log');
  if (!workspace) {
    workspace = path.join(dataDir, 'workspace');
    fs.mkdirSync(workspace);
  }
  workspace = path.resolve(workspace);
  const extEnv = { ...env, FLOWSIGHT_TEST_REPORT: reportFile };
  if (grep) extEnv.FLOWSIGHT_TEST_GREP = grep;

  let cs = null;
  let browser = null;
  // on Ctrl+C: stop the browser and code-server (their own cleanups do that too), then drop the data
  const unregister = registerCleanup({
    async: async () => {
      if (browser) await browser.close().catch(() => {});
      if (cs) await cs.stop().catch(() => {});
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    sync: () => {},
  });
  let exitCode = 1;
  let report = null;
  let consoleErrors = [];
  let problem = null;
  try {
    cs = await startCodeServer({
      tools,
      dataDir,
      smokeTestDriver: true,
      env: extEnv, // also inherited by the extension host, besides extensionEnvironment below
      settings,
      verbose,
      log,
    });
    browser = await launchBrowser({ tools, headless, userDataDir: path.join(dataDir, 'chromium'), log });
    const { page } = browser;

    const consoleLines = [];
    consoleErrors = [];
    const consoleStream = fs.createWriteStream(consoleFile);
    consoleStream.on('error', () => {});
    page.on('console', (m) => {
      const line = `${m.type()}: ${m.text()}`;
      // the window keeps logging after the verdict, when the file is already closed
      if (!consoleStream.writableEnded) consoleStream.write(line + '\n');
      consoleLines.push(line);
      if (consoleLines.length > 200) consoleLines.shift();
      if (m.type() === 'error' && !NOISE.test(m.text())) consoleErrors.push(m.text());
      if (verbose) log(`  browser ${line}`);
    });

    let settle;
    const verdict = new Promise((resolve) => (settle = resolve));
    // VS Code's web workbench calls window.codeAutomationExit(code, logs?) when the extension
    // tests are done (only with --enable-smoke-test-driver); it must exist before the page loads.
    await page.exposeFunction('codeAutomationExit', (code) => {
      settle({ code: Number(code) || 0 });
    });
    page.on('crash', () => settle({ error: 'the browser page crashed' }));
    page.on('close', () => settle({ error: 'the browser page closed' }));

    const authority = `127.0.0.1:${cs.port}`;
    const payload = [
      ['extensionDevelopmentPath', remoteUri(authority, extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(authority, extensionTestsPath)],
      ['extensionEnvironment', JSON.stringify(extEnv)],
    ];
    const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`opening VS Code (extension ${path.relative(REPO, extensionDevelopmentPath) || '.'}, tests ${path.relative(REPO, extensionTestsPath)}) ...`);
    const tLoad = Date.now();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    page
      .waitForFunction(() => document.title.includes('Extension Development Host'), null, { timeout: 60000 })
      .then(() => log(`workbench loaded in ${((Date.now() - tLoad) / 1000).toFixed(1)} s; running tests ...`))
      .catch(() => {});

    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ error: `timed out after ${timeoutMs / 1000} s without a verdict` }), timeoutMs);
    });
    const csDied = (async () => {
      // code-server dying mid-run
      for (;;) {
        await sleep(500);
        if (!fs.existsSync('/proc/' + cs.pid)) return { error: 'code-server exited during the test run' };
        try {
          const st = fs.readFileSync(`/proc/${cs.pid}/stat`, 'utf8');
          if (st.slice(st.lastIndexOf(')') + 2).startsWith('Z')) return { error: 'code-server exited during the test run' };
        } catch {
          return { error: 'code-server exited during the test run' };
        }
      }
    })();
    const v = await Promise.race([verdict, timeout, csDied]);
    clearTimeout(timer);
    log(`tests finished in ${((Date.now() - tLoad) / 1000).toFixed(1)} s after page load`);
    consoleStream.end();

    if (shuttingDown()) return new Promise(() => {}); // Ctrl+C: the signal handler cleans up and exits
    if (v.error) {
      problem = v.error;
      try {
        const shot = path.join(REPO, '.cache', 'vscode-test-failure.png');
        fs.mkdirSync(path.dirname(shot), { recursive: true });
        await page.screenshot({ path: shot, timeout: 5000 });
        log(`screenshot of the window: ${shot}`);
      } catch {
        /* page gone */
      }
      const tail = consoleLines.slice(-25);
      if (tail.length) log(`last browser console lines:\n${tail.map((l) => '    ' + l).join('\n')}`);
    } else {
      exitCode = v.code;
    }

    try {
      report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    } catch {
      report = null;
    }
  } catch (e) {
    if (shuttingDown()) return new Promise(() => {});
    problem = e.message;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (cs) await cs.stop().catch(() => {});
    unregister();
  }

  let passed = 0;
  let failed = 0;
  let pending = 0;
  out('');
  if (report) {
    printReport(report, out);
    passed = report.passed || 0;
    failed = report.failed || 0;
    pending = report.pending || 0;
    if (exitCode !== 0 && failed === 0) {
      out(`  ${CROSS} the extension test run: VS Code reported exit code ${exitCode}${problem ? ` (${problem})` : ''}`);
      failed = 1;
    }
  } else {
    out(`  ${CROSS} extension tests: ${problem || `no test report was written (${reportFile}); exit code ${exitCode}`}`);
    out(`    (the test index must write the JSON report to process.env.FLOWSIGHT_TEST_REPORT; see scripts/vscode/hostMocha.js)`);
    const errs = [...new Set(consoleErrors.map((e) => e.replace(/^%c\s*ERR\s*color:\s*#\w+\s*/, '')))].slice(0, 3);
    if (errs.length) out('    errors seen in the window (extension host / workbench):');
    for (const e of errs) {
      const lines = e.replace(/%c\s*ERR\s*color:\s*#\w+\s*/, '').split('\n');
      out(`      ${lines[0]}`);
      for (const l of lines.slice(1).filter((x) => /^\s*at /.test(x) && !/lib[\\/]vscode[\\/]out|node:internal|\/static\/out\//.test(x)).slice(0, 4)) {
        out(`        ${l.trim()}`);
      }
    }
    failed = Math.max(1, failed);
    exitCode = exitCode || 1;
  }
  if (failed > 0 && exitCode === 0) exitCode = 1;
  out('');
  out(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  if (keep || (failed > 0 && process.env.FLOWSIGHT_KEEP_VSCODE_DATA)) {
    log(`kept the run's data (code-server.log, browser-console.log, report.json) in ${dataDir}`);
  } else {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { passed, failed, pending, exitCode, report };
}

function parseArgs(argv) {
  const o = { env: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--extension':
      case '--extensionDevelopmentPath':
        o.extensionDevelopmentPath = next();
        break;
      case '--tests':
      case '--extensionTestsPath':
        o.extensionTestsPath = next();
        break;
      case '--workspace':
        o.workspace = next();
        break;
      case '--timeout':
        o.timeoutMs = Number(next()) * 1000;
        break;
      case '--env': {
        const kv = next();
        const eq = kv.indexOf('=');
        if (eq < 1) throw new Error(`--env expects KEY=VALUE, got ${kv}`);
        o.env[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--grep':
        o.grep = next();
        break;
      case '--verbose':
        o.verbose = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--headed':
        o.headless = false;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return o;
}

module.exports = { runExtensionTests, printReport };

if (require.main === module) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (opts.help || !opts.extensionDevelopmentPath || !opts.extensionTestsPath) {
    console.error(
      'usage: node scripts/vscode/runExtensionTests.js --extension <dir> --tests <compiled index.js>\n' +
        '         [--workspace <dir>] [--timeout <seconds>] [--env KEY=VALUE]... [--grep <text>] [--verbose] [--keep] [--headed]',
    );
    process.exit(opts.help ? 0 : 2);
  }
  runExtensionTests(opts)
    .then((r) => process.exit(r.exitCode === 0 && r.failed === 0 ? 0 : 1))
    .catch((e) => {
      console.error(`runExtensionTests: ${e.message}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    });
}
