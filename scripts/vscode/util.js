'use strict';
// Small shared helpers for the scripts/vscode/ tooling (plain CommonJS, Node >= 20).

const { spawn } = require('child_process');
const path = require('path');
const net = require('net');

/** Repository root (scripts/vscode/ -> repo). */
const REPO = path.resolve(__dirname, '..', '..');

function defaultLog(msg) {
  process.stderr.write(`[vscode-tools] ${msg}\n`);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Split a stream into lines and hand each (non-empty) line to fn. */
function forwardLines(stream, fn) {
  if (!stream) return;
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '').replace(ANSI, '');
      buf = buf.slice(i + 1);
      if (line.trim()) fn(line);
    }
  });
  stream.on('end', () => {
    if (buf.trim()) fn(buf.replace(ANSI, ''));
    buf = '';
  });
}

/**
 * Run a command to completion. Output is forwarded line by line to `log` (prefixed) and
 * also kept (last ~200 lines) for error messages. Resolves { code, output }; rejects only
 * when the command cannot be started. Use runChecked() to reject on a non-zero exit.
 */
function run(cmd, args, { cwd, env, log = defaultLog, prefix = '', quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const tail = [];
    const keep = (line) => {
      tail.push(line);
      if (tail.length > 200) tail.shift();
      if (!quiet) log(prefix + line);
    };
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    forwardLines(child.stdout, keep);
    forwardLines(child.stderr, keep);
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => resolve({ code: code == null ? 128 : code, signal, output: tail.join('\n') }));
  });
}

async function runChecked(cmd, args, opts = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const err = new Error(
      `command failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${cmd} ${args.join(' ')}\n` +
        `--- last output ---\n${r.output.split('\n').slice(-40).join('\n')}`,
    );
    err.output = r.output;
    err.code = r.code;
    throw err;
  }
  return r;
}

/** Ask the OS for a free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Is a process (or, with a negative id, a process group) still alive? */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Kill a whole process group (created with spawn({ detached: true })): SIGTERM, then SIGKILL
 * after graceMs. Resolves when no process of the group is left.
 */
async function killGroup(pgid, { graceMs = 3000 } = {}) {
  if (!pgid) return;
  const gone = () => !alive(-pgid);
  if (gone()) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const t0 = Date.now();
  while (!gone() && Date.now() - t0 < graceMs) await sleep(50);
  if (!gone()) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    const t1 = Date.now();
    while (!gone() && Date.now() - t1 < 5000) await sleep(50);
  }
}

/** Same, but synchronous best effort (for process 'exit' handlers, where nothing async runs). */
function killGroupSync(pgid) {
  if (!pgid) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

// ---------------------------------------------------------------------------
// Process-wide cleanup registry: everything started by this tooling registers a cleanup
// here, so that a normal exit, an uncaught error or Ctrl+C never leaves a code-server or a
// Chromium behind.
const cleanups = new Set();
let hooksInstalled = false;
let signalling = false;

function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const c of cleanups) {
      try {
        c.sync();
      } catch {
        /* ignore */
      }
    }
  });
  const onSignal = (sig) => {
    if (signalling) {
      // second Ctrl+C: hard stop
      for (const c of cleanups) {
        try {
          c.sync();
        } catch {
          /* ignore */
        }
      }
      process.exit(130);
    }
    signalling = true;
    process.stderr.write(`\n[vscode-tools] ${sig}: stopping code-server / browser ...\n`);
    const all = [...cleanups].map((c) => Promise.resolve().then(c.async).catch(() => {}));
    const hard = setTimeout(() => process.exit(sig === 'SIGINT' ? 130 : 143), 8000);
    Promise.all(all).then(() => {
      clearTimeout(hard);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => onSignal(sig));
}

/**
 * Register { async: () => Promise, sync: () => void } to be run on exit / signals.
 * Returns a function that unregisters it.
 */
function registerCleanup(entry) {
  installHooks();
  cleanups.add(entry);
  return () => cleanups.delete(entry);
}

/** True once a SIGINT/SIGTERM/SIGHUP is being handled (callers then skip diagnostics). */
const shuttingDown = () => signalling;

module.exports = {
  REPO,
  shuttingDown,
  defaultLog,
  forwardLines,
  run,
  runChecked,
  freePort,
  sleep,
  alive,
  killGroup,
  killGroupSync,
  registerCleanup,
};
