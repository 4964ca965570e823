'use strict';
const { expect, formatPrice, readHeader, runCommand, waitForValue, webview, webviewText } = require('./helpers');

/**
 * F1 → "FlowSight: Open Order Book" opens the panel; the ladder shows the exchange's best bid / ask at
 * the spread and redraws as the market moves. The ladder is a canvas, so what it shows is read from
 * the DOM text that mirrors it: the header (best bid / ask) and the aria-live summary.
 */
module.exports = {
  name: 'Open Order Book shows the exchange’s best bid / ask and redraws as the market moves',
  async run({ page, exchange, screenshot }) {
    const symbol = 'BTCUSDT';
    const tick = exchange.tickSize(symbol);
    await runCommand(page, 'FlowSight: Open Order Book');
    await page.locator('.tab', { hasText: 'FlowSight Order Book' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await waitForValue('the panel header to show a live BTCUSDT book', () => readHeader(page), (h) => h.symbol === symbol && h.state === 'Live' && /\d/.test(h.bid) && /\d/.test(h.ask), {
      timeoutMs: 30000,
    });
    const canvas = webview(page).locator('canvas.ladder-canvas:not(.overlay)');

    exchange.pause();
    let pausedHeader;
    let pausedCanvas;
    try {
      const top = exchange.topOfBook(symbol, 1);
      const bid = formatPrice(top.bids[0][0], tick);
      const ask = formatPrice(top.asks[0][0], tick);
      pausedHeader = await waitForValue(`the header to show bid ${bid} / ask ${ask}`, () => readHeader(page), (h) => h.bid === bid && h.ask === ask, { timeoutMs: 10000 });
      expect(pausedHeader.spread.startsWith(formatPrice(top.asks[0][0] - top.bids[0][0], tick)), `spread ${pausedHeader.spread} for ${bid} / ${ask}`);
      // the screen-reader summary says the same (rewritten at most once a second)
      await waitForValue(
        'the aria-live summary to name the same best bid and ask',
        () => webviewText(page, '#book-summary'),
        (t) => t.startsWith(`${symbol} best bid ${bid}, size `) && t.includes(`; best ask ${ask}, size `),
        { timeoutMs: 8000 },
      );
      pausedCanvas = await screenshot('order-book-paused', canvas);
      await screenshot('order-book-window');
    } finally {
      exchange.resume();
    }

    // redraw: the header moves with the market, and so does what the canvas shows
    await waitForValue(
      'the header to change after the market resumed',
      () => readHeader(page),
      (h) => h.state === 'Live' && (h.bid !== pausedHeader.bid || h.ask !== pausedHeader.ask || h.imbalance !== pausedHeader.imbalance),
      { timeoutMs: 15000 },
    );
    await waitForValue('the ladder canvas to redraw', () => canvas.screenshot({ timeout: 5000 }), (png) => !png.equals(pausedCanvas), { timeoutMs: 15000, intervalMs: 300 });
    await screenshot('order-book-moved', canvas);
  },
};
