#!/usr/bin/env node
'use strict';
// Example of the UI path: code-server with an extension installed from a symlink, driven by
// headless Chromium through playwright-core. Waits for the status bar, runs "Smoke: Hello" from
// the command palette (F1), checks its effect and writes a screenshot.
//
//   node scripts/vscode/screenshotSmoke.js [--extension <dir>] [--out .cache/smoke.png] [--headed]
//
// Exits 0 on success, 1 on failure; leaves no code-server or Chromium running either way.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, defaultLog, registerCleanup } = require('./util');
const { ensureTools } = require('./tools');
const { startCodeServer, linkExtension } = require('./codeServer');
const { launchBrowser } = require('./browser');

/** Run a command through the command palette (F1), like a person would. */
async function runCommandFromPalette(page, text) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${text}`);
  // the first row must be the command we mean (the palette filters fuzzily)
  const row = page.locator('.quick-input-list .monaco-list-row').first();
  await row.waitFor({ state: 'visible', timeout: 10000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

async function main(argv) {
  const args = { extension: path.join(REPO, 'test', 'vscode-smoke', 'extension'), out: path.join(REPO, '.cache', 'smoke.png'), headless: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--extension') args.extension = path.resolve(argv[++i]);
    else if (argv[i] === '--out') args.out = path.resolve(argv[++i]);
    else if (argv[i] === '--headed') args.headless = false;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const log = defaultLog;
  const t0 = Date.now();
  const tools = await ensureTools({ log });
  log(`tools ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-vscode-ui-'));
  const workspace = path.join(dataDir, 'workspace');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'README.md'), '# smoke workspace\n');
  const link = linkExtension({ extensionsDir: path.join(dataDir, 'exts'), extensionPath: args.extension });
  log(`extension linked: ${link} -> ${args.extension}`);

  let cs = null;
  let browser = null;
  // Ctrl+C: stop both, then drop the temp folder (browser/code-server register their own cleanups too)
  const unregister = registerCleanup({
    async: async () => {
      if (browser) await browser.close();
      if (cs) await cs.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    sync: () => {},
  });
  try {
    cs = await startCodeServer({ tools, dataDir, workspace, log });
    browser = await launchBrowser({ tools, headless: args.headless, userDataDir: path.join(dataDir, 'chromium'), log });
    const { page } = browser;

    const tLoad = Date.now();
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.statusbar-item').first().waitFor({ state: 'visible', timeout: 120000 });
    log(`status bar visible ${((Date.now() - tLoad) / 1000).toFixed(1)} s after goto`);

    // our extension activates onStartupFinished and shows a status-bar item
    const item = page.locator('.statusbar-item', { hasText: 'Smoke ready' });
    await item.waitFor({ state: 'visible', timeout: 120000 }); // 10-20 s after the status bar; more on a busy machine
    log(`extension status-bar item visible ${((Date.now() - tLoad) / 1000).toFixed(1)} s after goto`);

    await runCommandFromPalette(page, 'Smoke: Hello');
    await page.locator('.statusbar-item', { hasText: 'Smoke said hello' }).waitFor({ state: 'visible', timeout: 10000 });
    await page.getByText('Hello from the FlowSight smoke extension').first().waitFor({ state: 'visible', timeout: 10000 });
    log('command ran: status bar updated and notification shown');

    fs.mkdirSync(path.dirname(args.out), { recursive: true });
    await page.screenshot({ path: args.out });
    log(`screenshot: ${path.relative(process.cwd(), args.out)}`);
  } finally {
    if (browser) await browser.close();
    if (cs) await cs.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    unregister();
    log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

module.exports = { runCommandFromPalette };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e) => {
      console.error(`screenshotSmoke: ${e.stack || e.message}`);
      process.exit(1);
    },
  );
}
