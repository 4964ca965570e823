'use strict';
// Start / stop code-server (VS Code 1.139.1 in the browser), install extensions into it, and
// package the extension with vsce, all offline. See /work/shared/notes/real-vscode.md.

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const { REPO, defaultLog, forwardLines, run, runChecked, sleep, alive, killGroup, registerCleanup } = require('./util');
const { xdgEnv } = require('./tools');

/** Settings that keep the window clean for tests and demos (merged under the caller's). */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** Environment variable set on code-server; every process it starts inherits it, so cleanup finds them all. */
const TAG_VAR = 'FLOWSIGHT_VSCODE_RUN';

// ---------------------------------------------------------------------------------------------
// process bookkeeping through /proc (Linux)

function procList() {
  let names = [];
  try {
    names = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  const out = [];
  for (const n of names) {
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(n), state: rest[0], ppid: Number(rest[1]), pgid: Number(rest[2]) });
    } catch {
      /* vanished */
    }
  }
  return out;
}

/** Live (non-zombie) processes whose environment carries TAG_VAR=tag. */
function taggedPids(tag) {
  const needle = Buffer.from(`${TAG_VAR}=${tag}\0`);
  const pids = [];
  for (const p of procList()) {
    if (p.pid === process.pid || p.state === 'Z') continue;
    try {
      const env = fs.readFileSync(`/proc/${p.pid}/environ`);
      if (env.indexOf(needle) >= 0) pids.push(p.pid);
    } catch {
      /* not ours or gone */
    }
  }
  return pids;
}

function killPids(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  }
}

// ---------------------------------------------------------------------------------------------

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
  });
}

/**
 * The settings FlowSight declares `machine`-scoped (where market data comes from). code-server's
 * window is a remote window, and there VS Code reads machine settings from the remote machine's
 * settings (<user data>/Machine/settings.json), never from the user's.
 */
function machineScopedKeys() {
  const properties = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes?.configuration?.properties ?? {};
  return new Set(Object.keys(properties).filter((k) => properties[k].scope === 'machine'));
}

/** Merges `changes` into a settings.json (undefined deletes a key). */
function mergeSettingsFile(file, changes) {
  let existing = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* none or not plain JSON: replaced */
  }
  const next = { ...existing, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete next[k];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
  return file;
}

/**
 * Writes user settings as a person would set them: into the user's settings.json, and the
 * machine-scoped ones also into the machine's, where a remote window takes them from.
 */
function writeUserSettings(userDataDir, changes) {
  const machine = machineScopedKeys();
  const machineChanges = Object.fromEntries(Object.entries(changes).filter(([k]) => machine.has(k)));
  if (Object.keys(machineChanges).length > 0) mergeSettingsFile(path.join(userDataDir, 'Machine', 'settings.json'), machineChanges);
  return mergeSettingsFile(path.join(userDataDir, 'User', 'settings.json'), changes);
}

function writeSettings(userDataDir, settings) {
  return writeUserSettings(userDataDir, { ...DEFAULT_SETTINGS, ...(settings || {}) });
}

/**
 * Start code-server.
 * @param {object} o
 * @param {{node24: string, codeServerEntry: string}} o.tools   from ensureTools()
 * @param {number} [o.port=0]          0 = let the OS pick a free port
 * @param {string} o.dataDir           everything (user data, XDG dirs, logs) goes in here
 * @param {string} [o.extensionsDir]   default <dataDir>/exts
 * @param {string} [o.workspace]       folder opened when the URL names none
 * @param {boolean} [o.smokeTestDriver] adds --vscode-option enable-smoke-test-driver (extension tests)
 * @param {object} [o.env]             extra environment for code-server (and so the extension host)
 * @param {object} [o.settings]        merged into <dataDir>/ud/User/settings.json over DEFAULT_SETTINGS
 *                                     (machine-scoped ones also into ud/Machine/settings.json)
 * @param {string[]} [o.extraArgs]     more code-server flags
 * @param {boolean} [o.verbose]        forward code-server's output to log
 * @param {(msg: string) => void} [o.log]
 * @returns {Promise<{ url: string, port: number, dataDir: string, userDataDir: string, extensionsDir: string, pid: number, logFile: string, stop: () => Promise<void> }>}
 */
async function startCodeServer({
  tools,
  port = 0,
  dataDir,
  extensionsDir,
  workspace,
  smokeTestDriver = false,
  env,
  settings,
  extraArgs = [],
  verbose = false,
  log = defaultLog,
  timeoutMs = 30000,
} = {}) {
  if (!tools || !tools.node24 || !tools.codeServerEntry) throw new Error('startCodeServer: pass tools from ensureTools()');
  if (!dataDir) throw new Error('startCodeServer: dataDir is required');
  dataDir = path.resolve(dataDir);
  const userDataDir = path.join(dataDir, 'ud');
  extensionsDir = path.resolve(extensionsDir || path.join(dataDir, 'exts'));
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, settings);
  // our own config file, so code-server does not write one (with a generated password) elsewhere
  const configFile = path.join(dataDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const args = [
    tools.codeServerEntry,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port || 0}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(...extraArgs);
  if (workspace) args.push(path.resolve(workspace));

  const tag = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const childEnv = {
    ...process.env,
    ...xdgEnv(dataDir),
    ...(env || {}),
    [TAG_VAR]: tag,
    PATH: `${path.dirname(tools.node24)}${path.delimiter}${process.env.PATH || ''}`,
  };
  // VS Code puts its IPC sockets (vscode-ipc-*.sock, vscode-git-*.sock) in os.tmpdir() and does
  // not remove them when killed: keep them inside dataDir (unix socket paths must stay < 108 bytes)
  const tmp = path.join(dataDir, 'tmp');
  if (Buffer.byteLength(tmp) + 60 < 104) {
    fs.mkdirSync(tmp, { recursive: true });
    childEnv.TMPDIR = childEnv.TMP = childEnv.TEMP = tmp;
  }
  // a parent's `npm test` / mocha setting must not leak into VS Code's own Node processes
  delete childEnv.NODE_OPTIONS;
  delete childEnv.ELECTRON_RUN_AS_NODE;
  delete childEnv.VSCODE_IPC_HOOK_CLI;

  const logFile = path.join(dataDir, 'code-server.log');
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  const tail = [];
  let listenPort = port || 0;
  logStream.on('error', () => {}); // a log file problem must never crash the run
  const onLine = (line) => {
    // output can still arrive after stop() closed the log (pipes drain after 'exit')
    if (!logStream.writableEnded) logStream.write(line + '\n');
    tail.push(line);
    if (tail.length > 80) tail.shift();
    const m = /HTTP server listening on https?:\/\/[^\s/]+:(\d+)/.exec(line);
    if (m) listenPort = Number(m[1]);
    if (verbose) log(`  code-server: ${line}`);
  };

  const child = spawn(tools.node24, args, {
    cwd: dataDir,
    env: childEnv,
    detached: true, // own process group (setsid), killed as a whole
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  let exited = false;
  let exitInfo = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitInfo = { code, signal };
      resolve();
    });
  });
  child.on('error', (e) => {
    exited = true;
    exitInfo = { error: e };
  });
  forwardLines(child.stdout, onLine);
  forwardLines(child.stderr, onLine);

  let stopped = null;
  async function stop() {
    if (stopped) return stopped;
    stopped = (async () => {
      // processes that left the group (a terminal's shell gets its own session) are found by the tag
      const stray = () => taggedPids(tag);
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        /* gone */
      }
      killPids(stray(), 'SIGTERM');
      await killGroup(pgid, { graceMs: 3000 });
      let left = stray();
      if (left.length) {
        killPids(left, 'SIGKILL');
        const t0 = Date.now();
        while ((left = stray()).length && Date.now() - t0 < 3000) await sleep(50);
      }
      if (!exited) await Promise.race([exitPromise, sleep(2000)]);
      unregister();
      logStream.end();
    })();
    return stopped;
  }
  const unregister = registerCleanup({
    async: stop,
    sync: () => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
      killPids(taggedPids(tag), 'SIGKILL');
    },
  });

  // wait for GET /healthz
  const t0 = Date.now();
  for (;;) {
    if (exited) {
      await stop();
      const why = exitInfo && exitInfo.error ? exitInfo.error.message : `exit code ${exitInfo && exitInfo.code}, signal ${exitInfo && exitInfo.signal}`;
      throw new Error(`code-server exited during startup (${why}). Its output:\n${tail.join('\n')}`);
    }
    if (listenPort) {
      try {
        const r = await httpGet(`http://127.0.0.1:${listenPort}/healthz`, 1000);
        if (r.status === 200) break;
      } catch {
        /* not yet */
      }
    }
    if (Date.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`code-server did not answer GET /healthz within ${timeoutMs / 1000} s. Its output:\n${tail.join('\n')}`);
    }
    await sleep(100);
  }
  const url = `http://127.0.0.1:${listenPort}`;
  log(`code-server up at ${url} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pgid ${pgid}, data ${dataDir})`);
  return { url, port: listenPort, dataDir, userDataDir, extensionsDir, pid: pgid, logFile, stop };
}

/**
 * Install a .vsix (or an extension id already in a local gallery — not available offline) into extensionsDir.
 * @param {{ tools: object, extensionsDir: string, vsix: string, log?: Function }} o
 */
async function installExtension({ tools, extensionsDir, vsix, log = defaultLog } = {}) {
  if (!tools || !extensionsDir || !vsix) throw new Error('installExtension: tools, extensionsDir and vsix are required');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-cs-install-'));
  try {
    const env = { ...process.env, ...xdgEnv(tmp), PATH: `${path.dirname(tools.node24)}${path.delimiter}${process.env.PATH}` };
    delete env.NODE_OPTIONS;
    const r = await runChecked(
      tools.node24,
      [
        tools.codeServerEntry,
        '--user-data-dir', path.join(tmp, 'ud'),
        '--extensions-dir', path.resolve(extensionsDir),
        '--force',
        '--install-extension', path.resolve(vsix),
      ],
      { env, log, prefix: '  install: ', quiet: true },
    );
    log(`installed ${path.basename(vsix)} into ${extensionsDir}`);
    return r.output;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Make the extension folder visible to code-server without packaging it: a symlink
 * <extensionsDir>/<publisher>.<name>-<version> -> extensionPath. Returns the link path.
 */
function linkExtension({ extensionsDir, extensionPath }) {
  const pj = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  fs.mkdirSync(extensionsDir, { recursive: true });
  const link = path.join(extensionsDir, `${pj.publisher}.${pj.name}-${pj.version}`);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(path.resolve(extensionPath), link, 'dir');
  return link;
}

/**
 * Package an extension folder into a .vsix with @vscode/vsce, offline.
 * @param {{ repo?: string, out?: string, log?: Function }} o  repo = the extension folder (default: this repo)
 * @returns {Promise<string>} the .vsix path
 */
async function packageExtension({ repo = REPO, out, log = defaultLog } = {}) {
  repo = path.resolve(repo);
  const pj = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
  out = path.resolve(out || path.join(REPO, '.cache', `${pj.name}-${pj.version}.vsix`));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // README links its screenshots relatively; vsce would try to rewrite them against a repository URL.
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out];
  // prefer the project's own vsce (devDependency) over npx
  let cmd = path.join(REPO, 'node_modules', '.bin', 'vsce');
  let cmdArgs = args;
  if (!fs.existsSync(cmd)) {
    cmd = 'npx';
    cmdArgs = ['--no-install', '@vscode/vsce', ...args];
  }
  const env = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', NO_COLOR: '1', FORCE_COLOR: '0' };
  log(`vsce package ${path.relative(process.cwd(), repo) || '.'} -> ${out}`);
  await runChecked(cmd, cmdArgs, { cwd: repo, env, log, prefix: '  vsce: ' });
  if (!fs.existsSync(out)) throw new Error(`vsce did not write ${out}`);
  return out;
}

/**
 * The log files VS Code (code-server) wrote under `dir` (a user data folder or its logs/), depth
 * first in directory order, whose name `accept` takes: the FlowSight output channel's FlowSight.log,
 * the extension host's exthost.log. Each window and each extension-host restart gets folders of its own.
 */
function logFilesUnder(dir, accept, maxDepth = 8) {
  const found = [];
  const visit = (p, depth) => {
    let entries = [];
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth) visit(full, depth + 1);
      } else if (accept(e.name)) found.push(full);
    }
  };
  visit(dir, 0);
  return found;
}

module.exports = { logFilesUnder, startCodeServer, installExtension, linkExtension, packageExtension, writeUserSettings, DEFAULT_SETTINGS, taggedPids, TAG_VAR };
