#!/usr/bin/env node
'use strict';
// `npm run demo`: FlowSight in a real VS Code — code-server 4.139.1 (VS Code 1.139.1) on 127.0.0.1,
// opened in your browser (over an ssh tunnel when the machine is remote). Works with nothing but
// Node and the npm / Debian registries: the first run installs the tools into .cache/, later runs
// reuse them. `--screenshot FILE` drives the same window with headless Chromium instead.
//
//   npm run demo -- --help
//
// Order of a run: tools → extension package/install (only when the build changed) → port →
// market (a local exchange process for --replay) → code-server → print the URL, or take the
// screenshot. Everything started runs in its own process group and is stopped on exit and on
// Ctrl+C (scripts/vscode/util.js registerCleanup), so nothing is left running.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, alive, sleep, registerCleanup } = require('./vscode/util');
const { ensureTools, CODE_SERVER_VERSION } = require('./vscode/tools');
const { startCodeServer } = require('./vscode/codeServer');
const { parseOptions, USAGE, UsageError, DEFAULT_PORT } = require('./demo/options');
const { demoPaths, flowSightLogFile } = require('./demo/demoPaths');
const { ensureExtensionInstalled } = require('./demo/extensionInstall');
const { choosePort } = require('./demo/port');
const { startMarket } = require('./demo/market');
const { prepareWorkspace, userSettings } = require('./demo/windowSettings');
const { log, since } = require('./demo/log');
const { forgetOuterNpmRun } = require('./demo/npmRunEnv');

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const t0 = Date.now();

  forgetOuterNpmRun();
  const tools = await ensureTools({ log });
  await ensureExtensionInstalled({ tools, log });

  const port = await choosePort(options.port, DEFAULT_PORT);
  const session = demoPaths.session(port);
  fs.rmSync(session, { recursive: true, force: true });
  fs.mkdirSync(session, { recursive: true });
  const workspace = prepareWorkspace({ openPanel: options.openPanel });

  // code-server or the exchange dying under us ends the demo (rather than a window that never updates)
  let failUnexpectedly = (msg) => {
    log(msg);
    process.exit(1);
  };
  const market = await startMarket({
    options,
    logFile: path.join(session, 'exchange.log'),
    log,
    onUnexpectedExit: (msg) => failUnexpectedly(msg),
  });
  let cs;
  try {
    cs = await startCodeServer({
      tools,
      port,
      dataDir: session,
      extensionsDir: demoPaths.extensionsDir,
      workspace,
      settings: userSettings({ market, theme: options.theme }),
      log,
    });
  } catch (e) {
    await market.stop();
    throw e;
  }
  const stopAll = async () => {
    await cs.stop();
    await market.stop();
  };
  // on Ctrl+C every part stops itself (registered by startCodeServer / startMarket); this one only
  // says when all of them are done
  registerCleanup({
    async: async () => {
      await stopAll();
      log(market.pid ? 'stopped: code-server and the local exchange are gone' : 'stopped: code-server is gone');
    },
    sync: () => {},
  });
  failUnexpectedly = (msg) => {
    log(msg);
    stopAll().finally(() => process.exit(1));
  };
  const url = `${cs.url}/`;

  if (options.screenshot) {
    // loaded only here: playwright-core is a devDependency the interactive demo does not need
    const { captureScreenshot } = require('./demo/screenshot');
    try {
      await captureScreenshot({ tools, url, symbol: market.symbol, out: options.screenshot, log });
    } catch (e) {
      throw new Error(e.message + whyNoMarket(session, market));
    } finally {
      await stopAll();
    }
    log(`done in ${since(t0)}; code-server${market.pid ? ' and the local exchange' : ''} stopped`);
    return 0;
  }

  printBanner({ url, port: cs.port, market, startedIn: since(t0), session });
  await watchUntilSomethingDies(cs, failUnexpectedly);
  return 0;
}

/** For a failed --screenshot: the extension's last log lines and what usually causes it. */
function whyNoMarket(session, market) {
  let out = '';
  const file = flowSightLogFile(session);
  if (file) {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(-6);
    out += `\nFlowSight's log (${path.relative(REPO, file)}), last lines:\n  ${lines.join('\n  ')}`;
  }
  if (market.failureHint) out += `\nHint: ${market.failureHint}`;
  return out;
}

function printBanner({ url, port, market, startedIn, session }) {
  let user = 'user';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry */
  }
  const host = os.hostname();
  const out = [
    '',
    `FlowSight is running in VS Code (code-server ${CODE_SERVER_VERSION}), ready in ${startedIn}. Open:`,
    '',
    `    ${url}`,
    '',
    `Market: ${market.description}`,
    '',
    'From another computer, forward the port over ssh first, then open the same URL there',
    `(http://127.0.0.1:${port}/ — a loopback address, which VS Code's webviews need):`,
    '',
    `    ssh -N -L ${port}:127.0.0.1:${port} ${user}@${host}`,
    '',
    `Logs: ${path.relative(REPO, session)}/. Press Ctrl+C to stop everything.`,
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

/** Stay up until Ctrl+C (handled by registerCleanup); notice when a child dies on its own. */
async function watchUntilSomethingDies(cs, fail) {
  for (;;) {
    await sleep(1000);
    if (!alive(-cs.pid)) {
      fail(`code-server exited on its own; see ${path.relative(REPO, cs.logFile)}`);
      await new Promise(() => {}); // fail() stops the rest and exits 1
    }
    // the exchange reports its own exit through onUnexpectedExit
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) {
      process.stderr.write(`demo: ${e.message}\n(npm run demo -- --help for the options)\n`);
      process.exit(2);
    }
    // ensureTools' "not root: please run sudo apt-get ..." and StepError are meant to be read as they are
    process.stderr.write(`\ndemo: ${e.message}\n`);
    if (process.env.FLOWSIGHT_DEMO_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  },
);
