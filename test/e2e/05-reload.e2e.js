'use strict';
const { ensureOrderBookOpen, formatPrice, isLiveStatusBar, readHeader, statusBarText, waitForValue } = require('./helpers');

/** A window reload brings the panel back (the webview serializer) with a live ladder. */
module.exports = {
  name: 'the order book panel survives a window reload',
  async run({ page, exchange, screenshot }) {
    const symbol = 'BTCUSDT';
    const tick = exchange.tickSize(symbol);
    // the panel is open (opened again here when this test runs alone)
    await ensureOrderBookOpen(page);
    await waitForValue('a live ladder before the reload', () => readHeader(page), (h) => h.symbol === symbol && h.state === 'Live', { timeoutMs: 30000 });

    await page.reload({ waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.statusbar-item').first().waitFor({ state: 'visible', timeout: 90000 });
    await page.locator('.tab', { hasText: 'FlowSight Order Book' }).first().waitFor({ state: 'visible', timeout: 60000 });
    await waitForValue('the restored panel to show a live ladder', () => readHeader(page), (h) => h.symbol === symbol && h.state === 'Live' && /\d/.test(h.bid), {
      timeoutMs: 90000,
      intervalMs: 250,
    });
    await waitForValue('the status bar to be live again', () => statusBarText(page), (t) => isLiveStatusBar(t, 'BTCUSDT', 1), { timeoutMs: 30000 });

    // live, and drawing the exchange's book: matches at rest, moves when the market moves
    exchange.pause();
    let paused;
    try {
      const top = exchange.topOfBook(symbol, 1);
      const bid = formatPrice(top.bids[0][0], tick);
      const ask = formatPrice(top.asks[0][0], tick);
      paused = await waitForValue(`the restored header to show ${bid} / ${ask}`, () => readHeader(page), (h) => h.bid === bid && h.ask === ask, { timeoutMs: 10000 });
      await screenshot('after-reload');
    } finally {
      exchange.resume();
    }
    await waitForValue('the restored ladder to move with the market', () => readHeader(page), (h) => h.bid !== paused.bid || h.ask !== paused.ask || h.imbalance !== paused.imbalance, {
      timeoutMs: 15000,
    });
  },
};
