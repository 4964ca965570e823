'use strict';
// Package FlowSight into a .vsix and install it into the demo's code-server — only when what goes
// into the .vsix changed. `vsce package` alone takes ~10 s, which would make every start slow; a
// fingerprint of its inputs lets an unchanged build start in seconds.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { REPO } = require('../vscode/util');
const { installExtension, packageExtension } = require('../vscode/codeServer');
const { demoPaths } = require('./demoPaths');
const { since } = require('./log');
const { withLock } = require('./fileLock');

// What vsce puts in the package (see .vscodeignore): the manifest, the bundles, the icons, the
// readme and licence. .vscodeignore itself is included: a change to it changes the package.
const INPUT_FILES = ['package.json', '.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md'];
const INPUT_DIRS = ['dist', 'media'];

function listFiles(dir) {
  let out = [];
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out = out.concat(listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** sha256 over the names and contents of the package's inputs. */
function fingerprint(repo = REPO) {
  const files = [
    ...INPUT_FILES.map((f) => path.join(repo, f)).filter((f) => fs.existsSync(f)),
    ...INPUT_DIRS.flatMap((d) => listFiles(path.join(repo, d))),
  ].sort();
  const h = crypto.createHash('sha256');
  for (const f of files) {
    h.update(path.relative(repo, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(demoPaths.vsixStamp, 'utf8'));
  } catch {
    return {};
  }
}

function writeStamp(stamp) {
  fs.writeFileSync(demoPaths.vsixStamp, JSON.stringify(stamp, null, 2) + '\n');
}

/** The folder --install-extension creates: <publisher>.<name>-<version>. */
function installedFolder(extensionsDir) {
  const pj = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  return path.join(extensionsDir, `${pj.publisher}.${pj.name}-${pj.version}`);
}

/**
 * Make sure the current build of FlowSight is installed in extensionsDir.
 * @param {{ tools: object, extensionsDir?: string, log: (msg: string) => void }} o
 */
async function ensureExtensionInstalled({ tools, extensionsDir = demoPaths.extensionsDir, log }) {
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first (`npm run demo` does it for you)');
  }
  fs.mkdirSync(path.dirname(demoPaths.vsix), { recursive: true });
  return withLock(demoPaths.installLock, log, () => packageAndInstall({ tools, extensionsDir, log }));
}

async function packageAndInstall({ tools, extensionsDir, log }) {
  const fp = fingerprint();
  const stamp = readStamp();

  if (stamp.packaged !== fp || !fs.existsSync(demoPaths.vsix)) {
    const t0 = Date.now();
    log('packaging the extension (vsce package) ...');
    // vsce lists every file it packs; keep only its verdict lines
    const quiet = (msg) => {
      if (!/^\s+vsce: /.test(msg) || /DONE|ERROR|WARNING/.test(msg)) log(msg.replace(/^\s+vsce:\s*/, 'vsce: '));
    };
    await packageExtension({ repo: REPO, out: demoPaths.vsix, log: quiet });
    stamp.packaged = fp;
    delete stamp.installed;
    writeStamp(stamp);
    log(`packaged ${path.relative(REPO, demoPaths.vsix)} in ${since(t0)}`);
  }

  const folder = installedFolder(extensionsDir);
  if (stamp.installed !== fp || !fs.existsSync(path.join(folder, 'package.json'))) {
    const t0 = Date.now();
    log(`installing the extension into ${path.relative(REPO, extensionsDir)} (--install-extension) ...`);
    await installExtension({ tools, extensionsDir, vsix: demoPaths.vsix, log: () => {} });
    if (!fs.existsSync(path.join(folder, 'package.json'))) {
      throw new Error(`code-server --install-extension ran but ${folder} is missing`);
    }
    stamp.installed = fp;
    writeStamp(stamp);
    log(`extension installed in ${since(t0)}`);
  } else {
    log('extension unchanged since the last run: not repackaged');
  }
  return folder;
}

module.exports = { ensureExtensionInstalled, fingerprint };
