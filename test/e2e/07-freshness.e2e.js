'use strict';
const path = require('path');
const {
  ensureOrderBookOpen,
  expect,
  formatPrice,
  healthRow,
  isLiveStatusBar,
  notificationTexts,
  parseStatusBar,
  readHeader,
  runCommand,
  selectSymbol,
  showHealthView,
  statusBarText,
  waitFor,
  waitForValue,
  webview,
} = require('./helpers');

const RECORDING = path.resolve(__dirname, '..', 'fixtures', 'binance-usdm-btcusdt-2024-08-08.txt.gz');

/** The toolbar's Group control as a person sees it: the grouping shown and the choices offered. */
async function readGroupControl(page) {
  return webview(page)
    .locator('vscode-dropdown[aria-label="Price grouping"]')
    .evaluate((el) => ({
      shown: (el.displayValue || '').trim(),
      options: [...el.querySelectorAll('vscode-option')].map((o) => (o.textContent || '').trim()),
    }), null, { timeout: 5000 });
}

/** Opens the Group control and clicks the choice labelled `label`. */
async function chooseGroup(page, label) {
  const dropdown = webview(page).locator('vscode-dropdown[aria-label="Price grouping"]');
  await dropdown.click({ timeout: 5000 });
  await dropdown.locator('vscode-option', { hasText: new RegExp(`^\\s*${label.replace(/[.]/g, '\\.')}\\s*$`) }).click({ timeout: 5000 });
}

/** Clicks the row labelled exactly `label` in the open quick pick (the mouse, not the keys: the webview may hold the keyboard). */
async function clickQuickPickRow(page, label) {
  const exact = new RegExp(`^\\s*${label.replace(/[.]/g, '\\.')}\\s*$`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) }).first().click({ timeout: 10000 });
}

/** F1 → "FlowSight: Set Price Grouping", then clicks `label`; returns the labels it offered. */
async function setGroupingByCommand(page, label) {
  await runCommand(page, 'FlowSight: Set Price Grouping', { waitClosed: false });
  const rows = await waitForValue(
    'the command to offer its choices',
    () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents(),
    (t) => t.some((l) => l.trim() === 'Other…'),
    { timeoutMs: 10000 },
  );
  await clickQuickPickRow(page, label);
  return rows.map((t) => t.trim());
}

async function healthTouch(page) {
  return healthRow(page, 'Best bid / ask');
}

module.exports = [
  {
    name: 'the status bar, the panel header and the health view show the same best bid / ask',
    async run({ page, exchange, screenshot }) {
      const symbol = 'BTCUSDT';
      const tick = exchange.tickSize(symbol);
      await ensureOrderBookOpen(page);
      await waitForValue('a live header', () => readHeader(page), (h) => h.symbol === symbol && h.state === 'Live', { timeoutMs: 30000 });
      await showHealthView(page);
      await waitForValue('the health view to be live', () => healthRow(page, 'Connection'), (d) => d === 'live', { timeoutMs: 20000 });
      exchange.pause();
      try {
        const top = exchange.topOfBook(symbol, 1);
        const bid = formatPrice(top.bids[0][0], tick);
        const ask = formatPrice(top.asks[0][0], tick);
        await waitForValue(`the status bar to show ${bid} / ${ask}`, () => statusBarText(page), (t) => parseStatusBar(t)?.bid === bid && parseStatusBar(t)?.ask === ask, { timeoutMs: 10000 });
        await waitForValue(`the header to show ${bid} / ${ask}`, () => readHeader(page), (h) => h.bid === bid && h.ask === ask, { timeoutMs: 10000 });
        await waitForValue(`the health view to show ${bid} / ${ask}`, () => healthTouch(page), (d) => d === `${bid} / ${ask}`, { timeoutMs: 10000 });
        // read together, once more: one truth on screen
        const [bar, header, health] = await Promise.all([statusBarText(page), readHeader(page), healthTouch(page)]);
        const p = parseStatusBar(bar);
        expect(`${p.bid} / ${p.ask}` === `${header.bid} / ${header.ask}` && health === `${header.bid} / ${header.ask}`, `status bar "${bar}", header ${header.bid} / ${header.ask}, health "${health}"`);
        // the local exchange is not Binance's own endpoint, and the health view says so too
        const endpoint = await healthRow(page, 'Endpoint');
        expect(typeof endpoint === 'string' && endpoint.startsWith(`custom endpoint ${exchange.wsUrl}`), `Endpoint row: ${endpoint}`);
        await screenshot('one-truth');
      } finally {
        exchange.resume();
      }
    },
  },
  {
    name: 'a quiet book fades, then a silent feed says "stale / reconnecting N s" on every surface, and live again after',
    timeoutMs: 120_000,
    async run({ page, exchange, screenshot }) {
      await ensureOrderBookOpen(page);
      await showHealthView(page);
      await waitForValue('a live header at full strength', () => readHeader(page), (h) => h.state === 'Live' && h.figuresOpacity === 1, { timeoutMs: 30000 });
      exchange.pause();
      try {
        // a few refreshes without a change: the figures fade and the status bar says how old the book is
        await waitForValue('the header figures to fade while live', () => readHeader(page), (h) => h.state === 'Live' && h.figuresOpacity < 1, { timeoutMs: 8000 });
        await waitForValue('the status bar to say how old the book is', () => statusBarText(page), (t) => (parseStatusBar(t)?.markers || []).some((m) => /^\d+s old$/.test(m)), { timeoutMs: 8000 });
        await screenshot('quiet-book-fading');
        // After 10 s without data the feed calls the stream stale and reconnects, again and again while
        // the market stays silent: every surface says which, and for how long, with the figures dimmed.
        const NOT_LIVE = /^(Stale|Reconnecting|Syncing) (\d+) (ms|s)$/;
        const header = await waitForValue('the header badge "Stale / Reconnecting / Syncing N s"', () => readHeader(page), (h) => NOT_LIVE.test(h.state), { timeoutMs: 40000, intervalMs: 50 });
        expect(header.figuresOpacity <= 0.6, `not-live figures are dimmed (opacity ${header.figuresOpacity}, ${header.state})`);
        await waitForValue('the status bar marker "stale / reconnecting / syncing Ns"', () => statusBarText(page), (t) => (parseStatusBar(t)?.markers || []).some((m) => /^(stale|reconnecting|syncing) \d+m?s$/.test(m)), { timeoutMs: 15000, intervalMs: 50 });
        await waitForValue('the health view to say it too', () => healthRow(page, 'Connection'), (d) => /^(stale|reconnecting|syncing) \d+ m?s$/.test(d || ''), { timeoutMs: 15000, intervalMs: 50 });
        // the age counts up while the state lasts
        let previous = null;
        await waitForValue('a badge age counting up', async () => {
          const m = NOT_LIVE.exec((await readHeader(page)).state);
          const now = m ? { word: m[1], ms: Number(m[2]) * (m[3] === 's' ? 1000 : 1) } : null;
          const counted = previous !== null && now !== null && now.word === previous.word && now.ms >= previous.ms + 1000;
          if (previous === null || now === null || now.word !== previous.word) previous = now;
          return counted;
        }, (v) => v === true, { timeoutMs: 20000, intervalMs: 250 });
        await screenshot('stale-badge');
      } finally {
        exchange.resume();
      }
      await waitForValue('the header live again at full strength', () => readHeader(page), (h) => h.state === 'Live' && h.figuresOpacity === 1, { timeoutMs: 40000 });
      await waitForValue('the status bar live again', () => statusBarText(page), (t) => isLiveStatusBar(t, 'BTCUSDT', 1) && !parseStatusBar(t).markers.some((m) => /old$/.test(m)), { timeoutMs: 20000 });
    },
  },
  {
    name: 'the Group control shows the grouping in force and agrees with the setting and the command',
    timeoutMs: 150_000,
    async run({ page, exchange, screenshot, userSettings }) {
      await ensureOrderBookOpen(page);
      await waitForValue('a live BTCUSDT header', () => readHeader(page), (h) => h.symbol === 'BTCUSDT' && h.state === 'Live', { timeoutMs: 30000 });
      const initial = await waitForValue('the tick size in force', () => readGroupControl(page), (g) => g.shown === '0.1', { timeoutMs: 10000 });
      expect(JSON.stringify(initial.options) === JSON.stringify(['0.1', '1', '10', '100']), `BTCUSDT choices in prices: ${JSON.stringify(initial.options)}`);

      // the toolbar writes the setting, and shows what is in force
      await chooseGroup(page, '10');
      await waitFor('flowsight.priceGrouping = 10 in the user settings', () => userSettings()['flowsight.priceGrouping'] === 10, { timeoutMs: 10000 });
      await waitForValue('the Group control to show 10', () => readGroupControl(page), (g) => g.shown === '10', { timeoutMs: 10000 });
      await screenshot('group-10');

      // the command offers the same choices and moves the toolbar with it
      const rows = await setGroupingByCommand(page, '1');
      expect(JSON.stringify(rows) === JSON.stringify(['0.1', '1', '10', '100', 'Other…']), `command choices: ${JSON.stringify(rows)}`);
      await page.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 10000 });
      await waitFor('flowsight.priceGrouping = 1', () => userSettings()['flowsight.priceGrouping'] === 1, { timeoutMs: 10000 });
      await waitForValue('the Group control to show 1', () => readGroupControl(page), (g) => g.shown === '1', { timeoutMs: 10000 });

      // a setting value that is not one of the usual choices (typed into the command's "Other…") is shown, and offered
      await setGroupingByCommand(page, 'Other…');
      const input = page.locator('.quick-input-widget input');
      await waitFor('the price grouping input box', async () => ((await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) || '').includes('Price grouping'), { timeoutMs: 10000 });
      await input.fill('0.5');
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 10000 });
      await waitFor('flowsight.priceGrouping = 0.5', () => userSettings()['flowsight.priceGrouping'] === 0.5, { timeoutMs: 10000 });
      const half = await waitForValue('the Group control to show 0.5', () => readGroupControl(page), (g) => g.shown === '0.5', { timeoutMs: 15000 });
      expect(JSON.stringify(half.options) === JSON.stringify(['0.1', '0.5', '1', '10', '100']), `0.5 offered: ${JSON.stringify(half.options)}`);

      // another symbol: its own tick's multiples, the same setting resolved against it
      await selectSymbol(page, 'ETHUSDT');
      const eth = await waitForValue('ETHUSDT choices with 0.5 in force', () => readGroupControl(page), (g) => g.shown === '0.5' && g.options[0] === '0.01', { timeoutMs: 20000 });
      expect(JSON.stringify(eth.options) === JSON.stringify(['0.01', '0.1', '0.5', '1', '10']), `ETHUSDT choices: ${JSON.stringify(eth.options)}`);
      // the tick itself is "auto": the setting is cleared
      await chooseGroup(page, '0.01');
      await waitFor('flowsight.priceGrouping cleared', () => userSettings()['flowsight.priceGrouping'] === undefined, { timeoutMs: 10000 });
      await waitForValue('the ETHUSDT tick in force', () => readGroupControl(page), (g) => g.shown === '0.01', { timeoutMs: 15000 });
      await screenshot('group-ethusdt');
      await selectSymbol(page, 'BTCUSDT');
      await waitForValue('back on the BTCUSDT tick', () => readGroupControl(page), (g) => g.shown === '0.1', { timeoutMs: 20000 });
      void exchange;
    },
  },
  {
    name: 'a replay says "replay <event time>" everywhere, and a failed feed after it never shows the replay book',
    timeoutMs: 180_000,
    async run({ page, exchange, screenshot }) {
      await ensureOrderBookOpen(page);
      await showHealthView(page);
      await runCommand(page, 'FlowSight: Open Recording…', { waitClosed: false });
      // code-server's open dialog is a quick input that takes a path: go to the folder, then pick the file
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10000 });
      await input.fill(`${path.dirname(RECORDING)}/`);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(RECORDING) }).first().waitFor({ state: 'visible', timeout: 10000 });
      await input.fill(RECORDING);
      const speedPick = async () => ((await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) || '').includes('Replay speed');
      for (let i = 0; i < 3 && !(await speedPick()); i++) {
        await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click({ timeout: 5000 }).catch(() => page.keyboard.press('Enter'));
        await waitFor('the replay speed pick', speedPick, { timeoutMs: 5000 }).catch(() => {});
      }
      await waitFor('the replay speed pick', speedPick, { timeoutMs: 5000 });
      await clickQuickPickRow(page, '10×');
      const header = await waitForValue('the header badge "Replay 2024-08-08 hh:mm:ss"', () => readHeader(page), (h) => /^Replay 2024-08-08 \d\d:\d\d:\d\d$/.test(h.state) && /\d/.test(h.bid), { timeoutMs: 90000, intervalMs: 250 });
      expect(header.figuresOpacity < 1, `a replay's figures are dimmed (opacity ${header.figuresOpacity})`);
      expect(header.verified === '', `a replay claims no verification: "${header.verified}"`);
      await waitForValue('the status bar marker "replay 2024-08-08 …"', () => statusBarText(page), (t) => (parseStatusBar(t)?.markers || []).some((m) => /^replay 2024-08-08 \d\d:\d\d:\d\d$/.test(m)), { timeoutMs: 10000 });
      await waitForValue('the health view to say "replay 2024-08-08 …"', () => healthRow(page, 'Connection'), (d) => /^replay 2024-08-08 /.test(d || ''), { timeoutMs: 10000 });
      await screenshot('replay-badge');

      // back to the live feed, which the exchange now refuses: the 2024 book must not stay on screen
      exchange.setFaults({ restStatus: { status: 451 }, wsRejectStatus: 451 });
      try {
        await runCommand(page, 'FlowSight: Reconnect');
        const failed = await waitForValue('the header badge "Failed: …"', () => readHeader(page), (h) => h.state.startsWith('Failed: '), { timeoutMs: 30000 });
        expect(failed.bid === '—' && failed.ask === '—', `no replay book after the failure: ${failed.bid} / ${failed.ask}`);
        await waitForValue('the status bar to say failed', () => statusBarText(page), (t) => (parseStatusBar(t)?.markers || []).includes('failed'), { timeoutMs: 10000 });
        await screenshot('failed-after-replay');
      } finally {
        exchange.setFaults({});
      }
      await runCommand(page, 'Notifications: Clear All Notifications');
      await runCommand(page, 'FlowSight: Reconnect');
      await waitForValue('live again', () => readHeader(page), (h) => h.state === 'Live' && h.symbol === 'BTCUSDT', { timeoutMs: 40000 });
      await waitFor('the toasts to be gone', async () => (await notificationTexts(page)).length === 0, { timeoutMs: 10000 }).catch(() => {});
    },
  },
];
