import * as assert from 'node:assert/strict';
import { layoutColumns, tradeFlashGeometry, type Column } from '../../webview/ladderLayout';

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
