'use strict';
const fs = require('fs');
const path = require('path');
const { logFilesUnder } = require('../../scripts/vscode/codeServer');
const { formatPrice, notificationTexts, runCommand, sleep, statusBarText, waitFor, waitForValue } = require('./helpers');

const EXCHANGE_MODULE = path.resolve(__dirname, '..', '..', 'out', 'src', 'engine', 'exchange', 'localExchange.js');
const IGNORED = "flowsight.streamUrl: this workspace's settings ask for";

/** The FlowSight logs VS Code keeps on disk under the user data folder, or '' before there is one. */
function flowSightLog(userDataDir) {
  return logFilesUnder(userDataDir, (name) => /FlowSight\.log$/.test(name))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

/**
 * A repository the user opens carries a .vscode/settings.json that points FlowSight at another
 * server. The feed stays on the user's exchange: the status bar keeps showing its prices, the other
 * server never hears from FlowSight, and the log and a notification say the workspace value was ignored.
 */
module.exports = {
  name: 'a workspace .vscode/settings.json with another streamUrl leaves the user’s feed in place',
  timeoutMs: 120_000,
  async run({ page, exchange, workspace, codeServer, screenshot, log }) {
    const { LocalExchange } = require(EXCHANGE_MODULE);
    const other = await LocalExchange.start({ seed: 99, stepMs: 50 });
    const settingsDir = path.join(workspace, '.vscode');
    const settingsFile = path.join(settingsDir, 'settings.json');
    try {
      const opened = exchange.stats().connectionsOpened;
      fs.mkdirSync(settingsDir, { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ 'flowsight.streamUrl': other.wsUrl, 'flowsight.restUrl': other.restUrl }, null, 2) + '\n');
      log(`workspace settings point at ${other.wsUrl}`);

      await waitForValue('a notification that the workspace value was ignored', () => notificationTexts(page), (toasts) => toasts.some((t) => t.includes(IGNORED)), {
        timeoutMs: 30000,
      });
      await screenshot('workspace-streamUrl-ignored');
      // give a wrongly obeyed setting every chance to show: a restart would take well under this
      await sleep(3000);

      log(`status bar before the comparison: ${await statusBarText(page)}`);
      const symbol = 'BTCUSDT';
      const tick = exchange.tickSize(symbol);
      exchange.pause();
      try {
        const top = exchange.topOfBook(symbol, 1);
        // The status bar may add markers after the prices (`· custom 127.0.0.1:P`, `· 2s old`).
        const expected = `${symbol} ${formatPrice(top.bids[0][0], tick)} / ${formatPrice(top.asks[0][0], tick)}`;
        const otherTop = other.topOfBook(symbol, 1);
        log(`user's exchange ${expected}; the workspace's ${formatPrice(otherTop.bids[0][0], tick)} / ${formatPrice(otherTop.asks[0][0], tick)}`);
        await waitForValue(`the status bar to read the user's exchange "${expected}"`, () => statusBarText(page), (t) => t === expected || t.startsWith(`${expected} · `), { timeoutMs: 8000 });
      } finally {
        exchange.resume();
      }
      const otherStats = other.stats();
      if (otherStats.connectionsOpened !== 0 || otherStats.restRequests !== 0) {
        throw new Error(`FlowSight contacted the workspace's server: ${otherStats.connectionsOpened} connections, ${otherStats.restRequests} REST requests`);
      }
      if (exchange.stats().connectionsOpened !== opened) throw new Error('the feed reconnected although the workspace value was ignored');

      const line = await waitForValue(
        'the log to say the workspace value was ignored',
        () => flowSightLog(codeServer.userDataDir).split('\n').find((l) => l.includes(IGNORED)),
        (l) => typeof l === 'string',
        { timeoutMs: 20000, intervalMs: 500 },
      );
      if (!line.includes(other.wsUrl) || !line.includes(exchange.wsUrl)) throw new Error(`the log line names neither value: ${line}`);
      if (!/\[warning\]/.test(line)) throw new Error(`the log line is not a warning: ${line}`);
    } finally {
      fs.rmSync(settingsDir, { recursive: true, force: true });
      await other.stop();
      await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
    }
    await waitFor('the toasts to be gone', async () => (await notificationTexts(page)).length === 0, { timeoutMs: 5000 });
  },
};
