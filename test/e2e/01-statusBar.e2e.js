'use strict';
const { formatPrice, statusBarText, waitForValue } = require('./helpers');

/** The status bar item shows the symbol and the exchange's own best bid / best ask, to the tick. */
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
      paused = await waitForValue(`the status bar to read "${expected}"`, () => statusBarText(page), (t) => t === expected, { timeoutMs: 10000 });
      await screenshot('status-bar', page.locator('.statusbar-item[id$="bestBidAsk"]'));
    } finally {
      exchange.resume();
    }
    // and it follows the market once it moves again
    await waitForValue('the status bar to change after the market resumed', () => statusBarText(page), (t) => t !== paused && /^BTCUSDT [\d,]+\.\d \/ [\d,]+\.\d$/.test(t), {
      timeoutMs: 15000,
    });
  },
};
