import assert from 'node:assert/strict';
import type { LadderSide } from '../../src/shared/panelProtocol';
import { describeRow, midInTicks, rowAtY } from '../../webview/hitTest';
import { buildLadderGrid } from '../../webview/ladderGrid';
import { rowTopDevicePx } from '../../webview/ladderLayout';
import { tooltipLines } from '../../webview/overlayRenderer';

function side(levels: Array<[number, number]>): LadderSide {
  return { prices: Float64Array.from(levels.map((l) => l[0])), qtys: Float64Array.from(levels.map((l) => l[1])) };
}

describe('hitTest', () => {
  describe('y to row', () => {
    it('maps row boundaries to the row below them', () => {
      // rows are 20px; the view starts 5px into row 0
      assert.equal(rowAtY(0, 5, 20, 10), 0);
      assert.equal(rowAtY(14.999, 5, 20, 10), 0);
      assert.equal(rowAtY(15, 5, 20, 10), 1);
      assert.equal(rowAtY(35, 5, 20, 10), 2);
    });

    it('answers -1 outside the grid and outside the view', () => {
      assert.equal(rowAtY(10, -40, 20, 10), -1, 'blank space above a short, centred book');
      assert.equal(rowAtY(195, 5, 20, 10), -1, 'below the last row');
      assert.equal(rowAtY(-1, 0, 20, 10), -1);
      assert.equal(rowAtY(150, 0, 20, 100, 150), -1, 'past the viewport');
      assert.equal(rowAtY(NaN, 0, 20, 10), -1);
    });

    it('does not depend on the device pixel ratio, and agrees with the drawn rows', () => {
      const topPx = 1234.4;
      const rowHeight = 19;
      for (const dpr of [1, 1.25, 1.5, 2, 3]) {
        const heightDevice = Math.round(300 * dpr);
        for (let py = 0; py < heightDevice; py++) {
          // The centre of device pixel py, in CSS px, as a mouse event would report it.
          const y = (py + 0.5) / dpr;
          const row = rowAtY(y, topPx, rowHeight, 10_000);
          const top = rowTopDevicePx(row, topPx, rowHeight, dpr);
          const bottom = rowTopDevicePx(row + 1, topPx, rowHeight, dpr);
          // Rounding edges to whole device pixels moves them by at most half a pixel.
          assert.ok(py >= top - 1 && py < bottom + 1, `dpr ${dpr}: pixel ${py} in row ${row} [${top}, ${bottom})`);
        }
        assert.equal(rowAtY(100, topPx, rowHeight, 10_000), Math.floor((100 + topPx) / rowHeight));
      }
    });

    it('draws rows that tile the canvas: no gaps or overlaps at any ratio', () => {
      for (const dpr of [1, 1.25, 1.5, 1.75, 2, 2.5]) {
        let previousBottom = rowTopDevicePx(0, 7.3, 18, dpr);
        for (let r = 0; r < 200; r++) {
          const top = rowTopDevicePx(r, 7.3, 18, dpr);
          const bottom = rowTopDevicePx(r + 1, 7.3, 18, dpr);
          assert.equal(top, previousBottom);
          assert.ok(Number.isInteger(top) && bottom - top >= Math.floor(18 * dpr));
          previousBottom = bottom;
        }
      }
    });
  });

  describe('row details', () => {
    const grid = buildLadderGrid(
      {
        tickSize: 0.1,
        groupTicks: 1,
        bids: side([
          [61659.7, 1.5],
          [61659.5, 2],
        ]),
        asks: side([
          [61659.8, 0.25],
          [61660.0, 3],
        ]),
      },
      100,
    );
    const touch = { bestBid: 61659.7, bestAsk: 61659.8 };
    // rows: 0 61660.0 | 1 61659.9 | 2 61659.8 (best ask) | 3 61659.7 (best bid) | 4 61659.6 | 5 61659.5

    it('gives price, size and cumulative size on the row’s side', () => {
      const ask = describeRow(grid, 0, touch);
      assert.deepEqual([ask?.price, ask?.side, ask?.qty, ask?.cum], [61660.0, 'ask', 3, 3.25]);
      const emptyAsk = describeRow(grid, 1, touch);
      assert.deepEqual([emptyAsk?.side, emptyAsk?.qty, emptyAsk?.cum], ['ask', 0, 0.25]);
      const bid = describeRow(grid, 5, touch);
      assert.deepEqual([bid?.price, bid?.side, bid?.qty, bid?.cum], [61659.5, 'bid', 2, 3.5]);
      assert.equal(describeRow(grid, 6, touch), null);
      assert.equal(describeRow(grid, -1, touch), null);
    });

    it('measures the distance from the mid in ticks (halves for an odd spread) and in percent', () => {
      const bestAsk = describeRow(grid, 2, touch);
      assert.equal(bestAsk?.distanceTicks, 0.5);
      const far = describeRow(grid, 5, touch);
      assert.equal(far?.distanceTicks, -2.5);
      const mid = 61659.75;
      assert.ok(Math.abs((far?.distancePercent ?? NaN) - ((61659.5 - mid) / mid) * 100) < 1e-12);
      assert.ok((far?.distancePercent ?? 0) < 0);
    });

    it('falls back to the one side there is for the mid', () => {
      const toTicks = (p: number): number => Math.round(p * 10);
      assert.equal(midInTicks({ bestBid: 100, bestAsk: NaN }, toTicks), 1000);
      assert.equal(midInTicks({ bestBid: 0, bestAsk: 100.1 }, toTicks), 1001);
      assert.ok(Number.isNaN(midInTicks({ bestBid: NaN, bestAsk: NaN }, toTicks)));
    });

    it('words the tooltip with the tick’s decimals', () => {
      const details = describeRow(grid, 5, touch);
      assert.ok(details !== null && grid.scale !== null);
      assert.deepEqual(tooltipLines(details, grid.scale, 3), [
        ['Price', '61,659.5'],
        ['Bid', '2.000'],
        ['Cum', '3.500'],
        ['From mid', '-2.5 ticks · -0.0004%'],
      ]);
    });
  });
});
