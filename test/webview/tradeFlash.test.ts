import * as assert from 'node:assert/strict';
import { layoutColumns, tradeFlashGeometry, type Column } from '../../webview/ladderLayout';
import { wrapWords } from '../../webview/ladderRenderer';

const overlaps = (a: { x: number; width: number }, b: Column | null): boolean => b !== null && a.x < b.x + b.width && b.x < a.x + a.width;

describe('the last trade’s flash', () => {
  for (const cumulative of [false, true]) {
    for (const side of ['buy', 'sell'] as const) {
      it(`marks the price cell only, never a size column (${side}, cumulative ${cumulative})`, () => {
        const columns = layoutColumns(640, 90, cumulative);
        const flash = tradeFlashGeometry(columns, side);
        assert.equal(flash.x, columns.price.x);
        assert.equal(flash.width, columns.price.width);
        for (const column of [columns.bid, columns.ask, columns.bidCum, columns.askCum]) assert.equal(overlaps(flash, column), false);
      });
    }
  }

  it('puts the marker on the side the trade hit: a buy by the asks, a sell by the bids', () => {
    const columns = layoutColumns(640, 90, false);
    assert.equal(tradeFlashGeometry(columns, 'buy').markerEdge, 'right');
    assert.ok(columns.ask.x >= columns.price.x + columns.price.width, 'the ask column is right of the price');
    assert.equal(tradeFlashGeometry(columns, 'sell').markerEdge, 'left');
    assert.ok(columns.bid.x + columns.bid.width <= columns.price.x, 'the bid column is left of the price');
  });
});

describe('the empty ladder’s message', () => {
  const width = (t: string): number => t.length * 10;

  it('wraps a long reason to the ladder’s width instead of running off both edges', () => {
    const lines = wrapWords('Failed: Binance refuses connections from this location (HTTP 451 from http://127.0.0.1/fapi/v1/exchangeInfo)', 200, width, 6);
    assert.ok(lines.length > 1);
    for (const line of lines) assert.ok(width(line) <= 200 || !line.includes(' '), line);
    assert.equal(lines.join(' '), 'Failed: Binance refuses connections from this location (HTTP 451 from http://127.0.0.1/fapi/v1/exchangeInfo)');
  });

  it('cuts what does not fit in the lines it may use', () => {
    const lines = wrapWords('a b c d e f g h', 10, width, 3);
    assert.deepEqual(lines, ['a', 'b', 'c …']);
  });
});
