'use strict';
// Where the demo keeps its state: all under <repo>/.cache/demo/ (git-ignored through .cache/).
// The VS Code tools themselves (Node 24, code-server) live in .cache/vscode-tools/, shared with the
// extension tests (scripts/vscode/tools.js).

const path = require('path');
const { REPO } = require('../vscode/util');
const { logFilesUnder } = require('../vscode/codeServer');

const DEMO_DIR = path.join(REPO, '.cache', 'demo');

const demoPaths = {
  root: DEMO_DIR,
  /** Installed extensions; kept between runs so an unchanged extension is not reinstalled. */
  extensionsDir: path.join(DEMO_DIR, 'extensions'),
  /** The packaged extension and the fingerprint of what went into it. */
  vsix: path.join(DEMO_DIR, 'flowsight-demo.vsix'),
  vsixStamp: path.join(DEMO_DIR, 'flowsight-demo.vsix.json'),
  /** Held while packaging / installing, so two demos starting together do not collide. */
  installLock: path.join(DEMO_DIR, '.install.lock'),
  /** The folder VS Code opens (its .vscode/settings.json opens the panel on start). */
  workspace: path.join(DEMO_DIR, 'workspace'),
  /**
   * code-server's user data, XDG folders and log for one run on `port`. Wiped at start so every run
   * begins with a clean window (no restored editors from the last session); left after a run so
   * its code-server.log can be read. The port is ours while we run, so two demos never share one.
   */
  session: (port) => path.join(DEMO_DIR, `session-${port}`),
  /** Where a failed --screenshot run leaves its picture of the window. */
  debugScreenshot: path.join(DEMO_DIR, 'screenshot-debug.png'),
};

/** The extension's own log ("FlowSight" output channel) of a session, or null before it exists. */
function flowSightLogFile(sessionDir) {
  const found = logFilesUnder(path.join(sessionDir, 'ud', 'logs'), (name) => name === 'FlowSight.log', 4);
  return found.length > 0 ? found[found.length - 1] : null;
}

module.exports = { demoPaths, flowSightLogFile };
