#!/usr/bin/env node
'use strict';
// End-to-end UI tests: the PACKAGED extension (.vsix) installed into a real VS Code (code-server
// 4.139.1 = VS Code 1.139.1), opened in headless Chromium and driven through its UI with
// playwright-core, against FlowSight's own local exchange started here, in this process.
//
//   node esbuild.js && node esbuild.js --tests && node scripts/vscode/runE2e.js
//        [--grep <text>] [--vsix <file>] [--headed] [--verbose] [--keep] [--bail]
//
// Tests live in test/e2e/*.e2e.js: each module exports a test ({ name, run(ctx), timeoutMs? }) or an
// array of them, or { configuration: { name, settings, exchange }, tests: [...] } when the tests need
// a VS Code started with other settings or another exchange. code-server + Chromium + exchange start
// once per configuration; tests run in file order, then in array order.
//
// Prints "✔ name (ms)" / "✖ name: error" per test and the closing line "N passed, N failed"; exits 1
// when any test failed. Screenshots (artefacts) go to test-results/e2e/. Always stops code-server,
// Chromium and the exchange, then checks that none of their processes is left (a leftover is a failure).

const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { REPO, defaultLog, registerCleanup, shuttingDown, sleep } = require('./util');
const { ensureTools } = require('./tools');
const { logFilesUnder, startCodeServer, installExtension, packageExtension, writeUserSettings } = require('./codeServer');
const { launchBrowser } = require('./browser');

const TICK = '\u2714';
const CROSS = '\u2716';
const E2E_DIR = path.join(REPO, 'test', 'e2e');
const ARTEFACTS = path.join(REPO, 'test-results', 'e2e');
const EXCHANGE_MODULE = path.join(REPO, 'out', 'src', 'engine', 'exchange', 'localExchange.js');
const DEFAULT_TEST_TIMEOUT_MS = 90_000;
/** Page load to the status bar showing a live price; generous because the machine may be busy. */
const STARTUP_TIMEOUT_MS = 150_000;

/** User settings every configuration starts from (merged under code-server's own test defaults). */
const BASE_SETTINGS = {
  'workbench.colorTheme': 'Dark Modern',
  'flowsight.feed': 'binance',
  'flowsight.symbol': 'BTCUSDT',
  'flowsight.statusBar.enabled': true,
  'flowsight.openPanelOnStartup': false,
  'window.confirmBeforeClose': 'never',
  'workbench.editor.restoreViewState': true,
  'workbench.tree.enableStickyScroll': false,
  'editor.minimap.enabled': false,
  // code-server offers to forward every port something listens on: a toast per port, not wanted here
  'remote.autoForwardPorts': false,
};

const DEFAULT_CONFIGURATION = { name: 'default', settings: {}, exchange: { seed: 7, stepMs: 50 } };

function parseArgs(argv) {
  const o = { grep: null, vsix: null, headless: true, verbose: false, keep: false, bail: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--grep') o.grep = next();
    else if (a === '--vsix') o.vsix = path.resolve(next());
    else if (a === '--headed') o.headless = false;
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--bail') o.bail = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// tests

function loadTests(grep) {
  const files = fs
    .readdirSync(E2E_DIR)
    .filter((f) => f.endsWith('.e2e.js'))
    .sort();
  if (files.length === 0) throw new Error(`no test files (*.e2e.js) in ${E2E_DIR}`);
  const groups = new Map();
  for (const file of files) {
    const mod = require(path.join(E2E_DIR, file));
    const spec = Array.isArray(mod) || typeof mod.run === 'function' ? { tests: [].concat(mod) } : mod;
    const configuration = { ...DEFAULT_CONFIGURATION, ...(spec.configuration || {}) };
    if (!groups.has(configuration.name)) groups.set(configuration.name, { configuration, tests: [] });
    for (const t of spec.tests || []) {
      if (!t || typeof t.name !== 'string' || typeof t.run !== 'function') throw new Error(`${file}: every test needs a name and a run(ctx) function`);
      if (grep && !t.name.toLowerCase().includes(grep.toLowerCase())) continue;
      groups.get(configuration.name).tests.push({ ...t, file });
    }
  }
  return [...groups.values()].filter((g) => g.tests.length > 0);
}

function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

// ---------------------------------------------------------------------------------------------
// the .vsix

function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) visit(path.join(p, n));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** Packages the extension (vsce, offline) unless the cached .vsix is newer than everything it ships. */
async function ensureVsix(log, verbose) {
  const pj = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const out = path.join(REPO, '.cache', 'e2e', `${pj.name}-${pj.version}.vsix`);
  const inputs = ['dist', 'media', 'package.json', 'README.md', 'LICENSE', '.vscodeignore'].map((p) => path.join(REPO, p));
  let vsixTime = 0;
  try {
    vsixTime = fs.statSync(out).mtimeMs;
  } catch {
    /* none yet */
  }
  if (vsixTime > 0 && vsixTime >= newestMtime(inputs)) {
    log(`using ${path.relative(REPO, out)} (newer than dist/, media/ and package.json)`);
    return out;
  }
  const t0 = Date.now();
  await packageExtension({ out, log: verbose ? log : () => {} });
  log(`packaged ${path.relative(REPO, out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// leftovers

/** Processes (other than this one) whose command line or environment mentions `needle`. */
function processesMentioning(needle) {
  const found = [];
  let names = [];
  try {
    names = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return found;
  }
  for (const n of names) {
    const pid = Number(n);
    if (pid === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8');
      let env = '';
      try {
        env = fs.readFileSync(`/proc/${n}/environ`, 'utf8');
      } catch {
        /* not readable */
      }
      if (cmd.includes(needle) || env.includes(needle)) found.push({ pid, cmd: cmd.replace(/\0/g, ' ').trim().slice(0, 160) });
    } catch {
      /* gone */
    }
  }
  return found;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// settings.json while VS Code runs (VS Code watches the file and applies changes)

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}


/** The FlowSight output-channel logs and the extension host's logs VS Code wrote under the user data folder. */
function findExtensionLogs(dir) {
  return logFilesUnder(dir, (name) => /FlowSight\.log$/i.test(name) || name === 'exthost.log');
}

// ---------------------------------------------------------------------------------------------
// one configuration: exchange + code-server + Chromium, then its tests

async function runGroup({ group, tools, vsix, opts, log, out, results, counters }) {
  const { configuration, tests } = group;
  const { LocalExchange } = require(EXCHANGE_MODULE);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-e2e-'));
  const workspace = path.join(dataDir, 'workspace');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'README.md'), '# FlowSight e2e workspace\n');

  let exchange = null;
  let cs = null;
  let browser = null;
  let exchangePort = 0;
  const stopAll = async () => {
    if (browser) await browser.close().catch(() => {});
    if (cs) await cs.stop().catch(() => {});
    if (exchange) await exchange.stop().catch(() => {});
  };
  const unregister = registerCleanup({
    async: async () => {
      await stopAll();
      if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
    sync: () => {},
  });

  const consoleFile = path.join(ARTEFACTS, `browser-console-${slug(configuration.name)}.log`);
  const consoleStream = fs.createWriteStream(consoleFile);
  let setupError = null;
  try {
    const t0 = Date.now();
    exchange = await LocalExchange.start(configuration.exchange || DEFAULT_CONFIGURATION.exchange);
    exchangePort = exchange.port;
    log(`local exchange at ${exchange.restUrl} (${exchange.marketKind}, symbols ${exchange.symbols().join(', ')})`);
    const extensionsDir = path.join(dataDir, 'exts');
    await installExtension({ tools, extensionsDir, vsix, log: opts.verbose ? log : () => {} });
    log(`installed ${path.basename(vsix)} into the code-server extensions folder`);
    const settings = {
      ...BASE_SETTINGS,
      'flowsight.streamUrl': exchange.wsUrl,
      'flowsight.restUrl': exchange.restUrl,
      ...(configuration.settings || {}),
    };
    cs = await startCodeServer({ tools, dataDir, extensionsDir, workspace, settings, verbose: opts.verbose, log });
    browser = await launchBrowser({ tools, headless: opts.headless, userDataDir: path.join(dataDir, 'chromium'), log });
    const { page } = browser;
    page.on('console', (m) => {
      consoleStream.write(`${m.type()}: ${m.text()}\n`);
      if (opts.verbose) log(`  browser ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleStream.write(`pageerror: ${e.message}\n`));

    const tLoad = Date.now();
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.statusbar-item').first().waitFor({ state: 'visible', timeout: STARTUP_TIMEOUT_MS });
    log(`workbench up ${((Date.now() - tLoad) / 1000).toFixed(1)} s after goto`);
    // the packaged extension activated, connected to the exchange and synchronised the book
    await page
      // live: prices and no marker but the source's ("· custom 127.0.0.1:…": the local exchange is not Binance)
      .locator('.statusbar-item[id$="bestBidAsk"]', { hasText: /^\s*[A-Z0-9]+ [\d,]+(\.\d+)? \/ [\d,]+(\.\d+)?( · (custom|demo)\b[^·]*)?\s*$/ })
      .first()
      .waitFor({ state: 'visible', timeout: STARTUP_TIMEOUT_MS });
    log(`FlowSight live in the status bar ${((Date.now() - tLoad) / 1000).toFixed(1)} s after goto (setup ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

    const settingsFile = path.join(cs.userDataDir, 'User', 'settings.json');
    let shotIndex = 0;
    for (const test of tests) {
      if (shuttingDown()) break;
      const ctx = {
        page,
        exchange,
        codeServer: cs,
        workspace,
        log: (msg) => log(`  [${test.name}] ${msg}`),
        /** Absolute path for an artefact file in test-results/e2e/. */
        artefact: (name) => path.join(ARTEFACTS, name),
        /** Screenshot of the window (or of `locator`) saved as an artefact; returns the PNG bytes. */
        screenshot: async (name, locator) => {
          const file = path.join(ARTEFACTS, `${String(++shotIndex).padStart(2, '0')}-${slug(name)}.png`);
          const buf = locator ? await locator.screenshot({ path: file, timeout: 10000 }) : await page.screenshot({ path: file, timeout: 10000 });
          return buf;
        },
        /** Merges `changes` into the user settings (undefined deletes a key); VS Code applies it. */
        updateUserSettings: (changes) => writeUserSettings(cs.userDataDir, changes),
        userSettings: () => readJson(settingsFile),
      };
      const t1 = Date.now();
      let error = null;
      let timer;
      try {
        await Promise.race([
          Promise.resolve().then(() => test.run(ctx)),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${(test.timeoutMs || DEFAULT_TEST_TIMEOUT_MS) / 1000} s`)), test.timeoutMs || DEFAULT_TEST_TIMEOUT_MS);
          }),
        ]);
      } catch (e) {
        error = e;
      } finally {
        clearTimeout(timer);
      }
      const ms = Date.now() - t1;
      if (shuttingDown()) break;
      if (error) {
        counters.failed++;
        const message = (error && error.message) || String(error);
        out(`${CROSS} ${test.name}: ${message.split('\n')[0]}`);
        for (const l of message.split('\n').slice(1, 8)) out(`    ${l}`);
        const shot = path.join(ARTEFACTS, `FAILED-${slug(test.name)}.png`);
        try {
          await page.screenshot({ path: shot, timeout: 10000 });
          out(`    screenshot: ${path.relative(REPO, shot)}`);
        } catch {
          /* page gone */
        }
        results.push({ name: test.name, ok: false, ms, error: message });
      } else {
        counters.passed++;
        out(`${TICK} ${test.name} (${ms} ms)`);
        results.push({ name: test.name, ok: true, ms });
      }
      // leave the next test a calm market and no open quick input, whatever this one did
      try {
        exchange.setFaults({});
        exchange.resume();
        const input = page.locator('.quick-input-widget input');
        if (await input.isVisible().catch(() => false)) await page.keyboard.press('Escape');
      } catch {
        /* best effort */
      }
      if (error && opts.bail) break;
    }
    if (counters.failed > 0) {
      for (const f of findExtensionLogs(cs.userDataDir)) {
        const dest = path.join(ARTEFACTS, `${slug(configuration.name)}-${path.basename(f)}`);
        try {
          fs.copyFileSync(f, dest);
        } catch {
          /* ignore */
        }
      }
      fs.copyFileSync(cs.logFile, path.join(ARTEFACTS, `code-server-${slug(configuration.name)}.log`));
    }
  } catch (e) {
    setupError = e;
  } finally {
    consoleStream.end();
    await stopAll();
    unregister();
  }

  if (setupError && !shuttingDown()) {
    counters.failed++;
    out(`${CROSS} setup of the "${configuration.name}" configuration: ${String(setupError.message || setupError).split('\n')[0]}`);
    for (const l of String(setupError.message || '').split('\n').slice(1, 12)) out(`    ${l}`);
    try {
      fs.copyFileSync(path.join(dataDir, 'code-server.log'), path.join(ARTEFACTS, `code-server-${slug(configuration.name)}.log`));
    } catch {
      /* none */
    }
  }

  // nothing of this configuration may be left running
  const t2 = Date.now();
  let left = processesMentioning(dataDir);
  while (left.length && Date.now() - t2 < 5000) {
    await sleep(200);
    left = processesMentioning(dataDir);
  }
  const exchangeStillOpen = exchangePort ? await portOpen(exchangePort) : false;
  if (left.length || exchangeStillOpen) {
    counters.failed++;
    out(`${CROSS} clean-up of the "${configuration.name}" configuration: ${left.length} process(es) left${exchangeStillOpen ? `, exchange port ${exchangePort} still open` : ''}`);
    for (const p of left.slice(0, 8)) out(`    pid ${p.pid}: ${p.cmd}`);
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  } else {
    log(`"${configuration.name}": code-server, Chromium and the exchange stopped; no process left`);
  }
  if (opts.keep) log(`kept ${dataDir}`);
  else fs.rmSync(dataDir, { recursive: true, force: true });
}

async function main(opts) {
  const log = defaultLog;
  const out = (line) => process.stdout.write(line + '\n');
  const t0 = Date.now();
  for (const f of ['dist/extension.js', 'dist/webview.js', 'dist/feedWorker.js', path.relative(REPO, EXCHANGE_MODULE)]) {
    if (!fs.existsSync(path.join(REPO, f))) throw new Error(`${f} is missing: build first (node esbuild.js && node esbuild.js --tests)`);
  }
  const groups = loadTests(opts.grep);
  if (groups.length === 0) throw new Error(`no e2e test matches ${JSON.stringify(opts.grep)}`);
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTEFACTS)) fs.rmSync(path.join(ARTEFACTS, f), { recursive: true, force: true });

  const tools = await ensureTools({ log });
  const vsix = opts.vsix || (await ensureVsix(log, opts.verbose));
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}`);

  const counters = { passed: 0, failed: 0 };
  const results = [];
  for (const group of groups) {
    if (shuttingDown()) break;
    await runGroup({ group, tools, vsix, opts, log, out, results, counters });
  }
  if (shuttingDown()) return new Promise(() => {}); // the signal handler stops everything and exits
  fs.writeFileSync(path.join(ARTEFACTS, 'results.json'), JSON.stringify({ ...counters, tests: results, totalMs: Date.now() - t0 }, null, 2) + '\n');
  log(`artefacts in ${path.relative(process.cwd(), ARTEFACTS) || ARTEFACTS}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  out('');
  out(`${counters.passed} passed, ${counters.failed} failed`);
  return counters.failed === 0 ? 0 : 1;
}

module.exports = { loadTests };

if (require.main === module) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (opts.help) {
    console.error('usage: node scripts/vscode/runE2e.js [--grep <text>] [--vsix <file>] [--headed] [--verbose] [--keep] [--bail]');
    process.exit(0);
  }
  main(opts).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`runE2e: ${e.stack || e.message}`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}
