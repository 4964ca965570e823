'use strict';
// A cross-process lock (mkdir is atomic) so that two demos starting at once do not package and
// install the extension into the same folders together. A lock whose owner died is taken over.
// (scripts/vscode/tools.js has the same idea for the tools install, but does not export it.)

const fs = require('fs');
const path = require('path');
const { sleep } = require('../vscode/util');

function ownerAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function withLock(lockDir, log, fn, { timeoutMs = 5 * 60 * 1000 } = {}) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const t0 = Date.now();
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      const stale = owner ? !ownerAlive(owner) : Date.now() - t0 > 5000;
      if (stale) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!said) {
        log(`another demo (pid ${owner}) is installing the extension; waiting ...`);
        said = true;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${lockDir} (remove it if no demo is running)`);
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

module.exports = { withLock };
