'use strict';
const { expect, formatPrice, isLiveStatusBar, parseStatusBar, statusBarText, waitForValue } = require('./helpers');

/**
 * The status bar item shows the symbol and the exchange's own best bid / best ask, to the tick, and
 * marks the local exchange as a custom endpoint (it is not Binance's own).
 */
module.exports = {
  name: 'status bar shows the symbol and the exchange’s best bid / ask',
  async run({ page, exchange, screenshot }) {
    const symbol = 'BTCUSDT';
    const tick = exchange.tickSize(symbol);
    exchange.pause();
    let paused;
    try {
      // paused: everything already changed has been published, so the client's book catches up and matches
      const top = exchange.topOfBook(symbol, 1);
      const expected = `${symbol} ${formatPrice(top.bids[0][0], tick)} / ${formatPrice(top.asks[0][0], tick)}`;
      paused = await waitForValue(`the status bar to read "${expected}"`, () => statusBarText(page), (t) => t === expected || t.startsWith(`${expected} · `), { timeoutMs: 10000 });
      const host = new URL(exchange.wsUrl).host;
      expect(parseStatusBar(paused).markers.some((m) => m.startsWith(`custom ${host}`)), `the status bar marks the custom endpoint ${host}: "${paused}"`);
      await screenshot('status-bar', page.locator('.statusbar-item[id$="bestBidAsk"]'));
    } finally {
      exchange.resume();
    }
    // and it follows the market once it moves again
    const pausedTouch = parseStatusBar(paused);
    await waitForValue('the status bar to change after the market resumed', () => statusBarText(page), (t) => isLiveStatusBar(t, 'BTCUSDT', 1) && (parseStatusBar(t).bid !== pausedTouch.bid || parseStatusBar(t).ask !== pausedTouch.ask), {
      timeoutMs: 15000,
    });
  },
};
