'use strict';
// Headless Debian Chromium driven by playwright-core (never `playwright install`: no downloads here).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, defaultLog, registerCleanup, killGroupSync } = require('./util');

function loadPlaywright() {
  try {
    return require(require.resolve('playwright-core', { paths: [REPO, __dirname] }));
  } catch (e) {
    throw new Error(`playwright-core is not installed in ${REPO}/node_modules (run npm install): ${e.message}`);
  }
}

/** Flags that keep Chromium quiet on a machine without internet (and working as root). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

/**
 * Launch Chromium with a fresh persistent profile.
 * @param {object} o
 * @param {{chromium: string}} [o.tools]   from ensureTools() (default /usr/bin/chromium)
 * @param {boolean} [o.headless=true]
 * @param {string} [o.userDataDir]          profile folder (default: a new temp folder, removed by close())
 * @param {{width:number,height:number}} [o.viewport={width:1400,height:900}]
 * @param {(msg: string) => void} [o.log]
 * @param {boolean} [o.consoleToLog=false]  forward the page's console messages to log
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
async function launchBrowser({
  tools,
  headless = true,
  userDataDir,
  viewport = { width: 1400, height: 900 },
  log = defaultLog,
  consoleToLog = false,
  args = [],
} = {}) {
  const { chromium } = loadPlaywright();
  const executablePath = (tools && tools.chromium) || '/usr/bin/chromium';
  let tempProfile = false;
  if (!userDataDir) {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-chromium-'));
    tempProfile = true;
  } else {
    fs.mkdirSync(userDataDir, { recursive: true });
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless,
    args: [...CHROMIUM_ARGS, ...args],
    viewport,
    // Chromium writes "Crash Reports" and dconf into the home folder otherwise
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(userDataDir, 'xdg-config'),
      XDG_CACHE_HOME: path.join(userDataDir, 'xdg-cache'),
    },
    // our own signal handlers (util.registerCleanup) close the browser *and* stop code-server;
    // playwright's would call process.exit(130) as soon as the browser is gone
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const browserPid = getBrowserPid(userDataDir);
  const page = context.pages()[0] || (await context.newPage());
  if (consoleToLog) page.on('console', (m) => log(`  browser ${m.type()}: ${m.text()}`));

  let closed = null;
  const close = () => {
    if (closed) return closed;
    closed = (async () => {
      try {
        await Promise.race([context.close(), new Promise((r) => setTimeout(r, 5000))]);
      } catch {
        /* already closed */
      }
      if (browserPid) killGroupSync(browserPid); // in case close() hung
      unregister();
      if (tempProfile) fs.rmSync(userDataDir, { recursive: true, force: true });
    })();
    return closed;
  };
  const unregister = registerCleanup({
    async: close,
    sync: () => {
      if (browserPid) killGroupSync(browserPid);
    },
  });
  return { context, page, close, userDataDir };
}

// playwright does not expose the browser's pid; it launches Chromium detached (its own process
// group), as a direct child of this process. Find it in /proc by its profile folder, so that the
// synchronous exit handler can kill the whole browser group even if playwright could not.
function getBrowserPid(userDataDir) {
  let names = [];
  try {
    names = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  for (const n of names) {
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8');
      if (cmd.includes(`--user-data-dir=${userDataDir}`)) return Number(n);
    } catch {
      /* gone */
    }
  }
  return null;
}

module.exports = { launchBrowser, CHROMIUM_ARGS, loadPlaywright };
