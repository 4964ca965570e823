'use strict';
const { healthRow, notificationTexts, recordConnectionStates, runCommand, showHealthView, sleep, waitFor, waitForValue } = require('./helpers');

const RESTRICTED = 'Binance refuses connections from this location (HTTP 451';

module.exports = [
  {
    /** Live → Reconnecting when the exchange drops the socket → Live again, as the tree shows it. */
    name: 'Connection Health shows Live, Reconnecting on a dropped socket, then Live again',
    async run({ page, exchange, screenshot }) {
      await showHealthView(page);
      await waitForValue('the Connection row to read "live"', () => healthRow(page, 'Connection'), (d) => d === 'live', { timeoutMs: 20000 });
      await screenshot('health-live');
      const states = await recordConnectionStates(page);
      try {
        // The tree refreshes at most twice a second: keep dropping until it has shown the reconnect.
        exchange.setFaults({ dropEveryNMessages: 50 });
        exchange.dropConnections();
        const t0 = Date.now();
        let seen = [];
        while (Date.now() - t0 < 20000) {
          seen = await states.seen();
          if (seen.some((d) => d.startsWith('reconnecting'))) break;
          if (Date.now() - t0 > 2000) exchange.dropConnections();
          await sleep(250);
        }
        if (!seen.some((d) => d.startsWith('reconnecting'))) throw new Error(`the Connection row never read "reconnecting"; it read ${JSON.stringify(seen)}`);
        await screenshot('health-reconnecting');
      } finally {
        exchange.setFaults({});
      }
      await waitForValue('the Connection row to read "live" again', () => healthRow(page, 'Connection'), (d) => d === 'live', { timeoutMs: 30000 });
      const seen = await states.seen();
      await states.stop();
      const firstReconnect = seen.findIndex((d) => d.startsWith('reconnecting'));
      const backLive = seen.lastIndexOf('live');
      if (!(seen[0] === 'live' && firstReconnect > 0 && backLive > firstReconnect)) throw new Error(`expected live → reconnecting → live, saw ${JSON.stringify(seen)}`);
      await screenshot('health-live-again');
    },
  },
  {
    /** HTTP 451 from the exchange (REST and WebSocket): the restricted-location message, in the tree and a toast. */
    name: 'Connection Health shows the restricted-location message on HTTP 451',
    async run({ page, exchange, screenshot }) {
      await showHealthView(page);
      await waitForValue('the Connection row to read "live"', () => healthRow(page, 'Connection'), (d) => d === 'live', { timeoutMs: 20000 });
      exchange.setFaults({ restStatus: { status: 451 }, wsRejectStatus: 451 });
      try {
        await runCommand(page, 'FlowSight: Reconnect');
        await waitForValue('the Connection row to read "failed: …"', () => healthRow(page, 'Connection'), (d) => typeof d === 'string' && d.startsWith('failed: '), { timeoutMs: 20000 });
        const reason = await waitForValue('the Reason row to explain the 451', () => healthRow(page, 'Reason'), (d) => typeof d === 'string' && d.startsWith(RESTRICTED), { timeoutMs: 10000 });
        if (!/flowsight\.streamUrl|demo feed/i.test(reason)) throw new Error(`the reason does not say what to do: ${reason}`);
        // the same words reach the user as a notification, with the offer of the demo feed
        await waitForValue('a notification with the 451 message', () => notificationTexts(page), (toasts) => toasts.some((t) => t.includes(RESTRICTED)), { timeoutMs: 10000 });
        await screenshot('health-451');
      } finally {
        exchange.setFaults({});
      }
      await runCommand(page, 'Notifications: Clear All Notifications');
      await runCommand(page, 'FlowSight: Reconnect');
      await waitForValue('the Connection row to read "live" after the faults were cleared', () => healthRow(page, 'Connection'), (d) => d === 'live', { timeoutMs: 30000 });
      await waitFor('the toasts to be gone', async () => (await notificationTexts(page)).length === 0, { timeoutMs: 5000 });
    },
  },
];
