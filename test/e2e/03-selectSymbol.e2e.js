'use strict';
const { ensureOrderBookOpen, formatPrice, isLiveStatusBar, readHeader, selectSymbol, statusBarText, waitForValue } = require('./helpers');

/** "FlowSight: Select Symbol" → type ETHUSDT → Enter moves the status bar and the ladder to ETHUSDT. */
module.exports = {
  name: 'Select Symbol → ETHUSDT switches the status bar and the ladder',
  async run({ page, exchange, screenshot }) {
    await ensureOrderBookOpen(page);
    await selectSymbol(page, 'ETHUSDT', screenshot);
    const tick = exchange.tickSize('ETHUSDT');
    await waitForValue('the status bar on ETHUSDT', () => statusBarText(page), (t) => isLiveStatusBar(t, 'ETHUSDT', 2), { timeoutMs: 20000 });
    await waitForValue('the ladder header on a live ETHUSDT book', () => readHeader(page), (h) => h.symbol === 'ETHUSDT' && h.state === 'Live' && /^[\d,]+\.\d\d$/.test(h.bid), {
      timeoutMs: 20000,
    });
    exchange.pause();
    try {
      const top = exchange.topOfBook('ETHUSDT', 1);
      const bid = formatPrice(top.bids[0][0], tick);
      const ask = formatPrice(top.asks[0][0], tick);
      await waitForValue(`the status bar to read ETHUSDT ${bid} / ${ask}`, () => statusBarText(page), (t) => t === `ETHUSDT ${bid} / ${ask}` || t.startsWith(`ETHUSDT ${bid} / ${ask} · `), { timeoutMs: 10000 });
      await waitForValue(`the header to show ${bid} / ${ask}`, () => readHeader(page), (h) => h.bid === bid && h.ask === ask, { timeoutMs: 10000 });
      await screenshot('ethusdt');
    } finally {
      exchange.resume();
    }
    // back to BTCUSDT the same way, for the tests that follow
    await selectSymbol(page, 'BTCUSDT');
    await waitForValue('the status bar back on BTCUSDT', () => statusBarText(page), (t) => isLiveStatusBar(t, 'BTCUSDT', 1), { timeoutMs: 20000 });
    await waitForValue('the ladder header back on BTCUSDT', () => readHeader(page), (h) => h.symbol === 'BTCUSDT' && h.state === 'Live', { timeoutMs: 20000 });
  },
};
