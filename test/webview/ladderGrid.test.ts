import assert from 'node:assert/strict';
import type { LadderSide } from '../../src/shared/panelProtocol';
import { buildLadderGrid, LadderGrid, type LadderGridSource } from '../../webview/ladderGrid';

function side(levels: Array<[number, number]>): LadderSide {
  return { prices: Float64Array.from(levels.map((l) => l[0])), qtys: Float64Array.from(levels.map((l) => l[1])) };
}

function book(bids: Array<[number, number]>, asks: Array<[number, number]>, tickSize = 0.1, groupTicks = 1): LadderGridSource {
  return { tickSize, groupTicks, bids: side(bids), asks: side(asks) };
}

/** The grid as [price, bidQty, askQty] rows, top (highest price) first. */
function rows(grid: LadderGrid): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let r = 0; r < grid.rowCount; r++) out.push([grid.priceAt(r), grid.bidQty[r], grid.askQty[r]]);
  return out;
}

describe('ladderGrid', () => {
  describe('contiguous rows', () => {
    it('lists every bucket from the deepest ask down to the deepest bid, empty buckets as empty rows', () => {
      const grid = buildLadderGrid(
        book(
          [
            [100.0, 1],
            [99.7, 2],
          ],
          [
            [100.1, 3],
            [100.4, 4],
          ],
        ),
        100,
      );
      assert.deepEqual(rows(grid), [
        [100.4, 0, 4],
        [100.3, 0, 0],
        [100.2, 0, 0],
        [100.1, 0, 3],
        [100.0, 1, 0],
        [99.9, 0, 0],
        [99.8, 0, 0],
        [99.7, 2, 0],
      ]);
      assert.equal(grid.askTouchRow, 3);
      assert.equal(grid.bidTouchRow, 4);
    });

    it('keeps the empty buckets inside a wide spread as spread rows', () => {
      const grid = buildLadderGrid(book([[99.8, 1]], [[100.2, 1]]), 100);
      assert.deepEqual(
        rows(grid).map((r) => r[0]),
        [100.2, 100.1, 100.0, 99.9, 99.8],
      );
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((r) => grid.isSpreadRow(r)),
        [false, true, true, true, false],
      );
      assert.ok(grid.isAskRow(0) && !grid.isAskRow(1));
      assert.ok(grid.isBidRow(4) && !grid.isBidRow(3));
    });

    it('computes row prices from integer ticks, so they are the exact doubles of the exchange prices', () => {
      const grid = buildLadderGrid(book([[61659.7, 1]], [[61659.8, 1], [61660.3, 1]]), 100);
      const prices = rows(grid).map((r) => r[0]);
      // 61659.7 as a sum of 0.1 steps would be 61659.700000000004; these must equal the literals.
      assert.deepEqual(prices, [61660.3, 61660.2, 61660.1, 61660.0, 61659.9, 61659.8, 61659.7]);
      assert.equal(grid.priceAt(6), 61659.7);
      assert.equal(grid.rowOfTicks(616597), 6);
    });

    it('sums cumulative size outward from each touch', () => {
      const grid = buildLadderGrid(
        book(
          [
            [100.0, 1],
            [99.8, 2],
          ],
          [
            [100.1, 3],
            [100.3, 4],
          ],
        ),
        100,
      );
      // rows: 100.3 100.2 100.1 | 100.0 99.9 99.8
      assert.deepEqual(Array.from(grid.askCum.subarray(0, 6)), [7, 3, 3, 0, 0, 0]);
      assert.deepEqual(Array.from(grid.bidCum.subarray(0, 6)), [0, 0, 0, 1, 1, 3]);
    });
  });

  describe('grouping', () => {
    it('floors bids and ceils asks into 10-tick buckets, summing the levels in each', () => {
      // Raw (unaggregated) levels on a 0.1 tick: 10 ticks = 1.0.
      const grid = buildLadderGrid(
        book(
          [
            [61659.7, 1],
            [61659.1, 2],
            [61658.9, 4],
          ],
          [
            [61659.8, 1],
            [61660.0, 2],
            [61660.1, 8],
          ],
          0.1,
          10,
        ),
        100,
      );
      assert.deepEqual(rows(grid), [
        [61661, 0, 8],
        [61660, 0, 3],
        [61659, 3, 0],
        [61658, 4, 0],
      ]);
    });

    it('groups 100 ticks (10.0 on a 0.1 tick), and leaves data already aggregated by the host unchanged', () => {
      const raw = book(
        [
          [61659.7, 1],
          [61631.2, 2],
        ],
        [[61659.8, 5]],
        0.1,
        100,
      );
      const grid = buildLadderGrid(raw, 100);
      assert.deepEqual(rows(grid), [
        [61660, 0, 5],
        [61650, 1, 0],
        [61640, 0, 0],
        [61630, 2, 0],
      ]);
      const aggregated = book(
        [
          [61650, 1],
          [61630, 2],
        ],
        [[61660, 5]],
        0.1,
        100,
      );
      assert.deepEqual(rows(buildLadderGrid(aggregated, 100)), rows(grid));
    });

    it('with grouping 1 every tick is its own row', () => {
      const grid = buildLadderGrid(book([[0.16234, 100]], [[0.16236, 50]], 0.00001, 1), 100);
      assert.deepEqual(
        rows(grid).map((r) => r[0]),
        [0.16236, 0.16235, 0.16234],
      );
    });
  });

  describe('the maxVisibleRows cap', () => {
    const deep = (n: number): LadderGridSource =>
      book(
        Array.from({ length: n }, (_, i): [number, number] => [100 - i, 1]),
        Array.from({ length: n }, (_, i): [number, number] => [101 + i, 1]),
        1,
      );

    it('splits the rows evenly around a tight spread', () => {
      const grid = buildLadderGrid(deep(20), 10);
      assert.equal(grid.rowCount, 10);
      assert.equal(grid.priceAt(0), 105);
      assert.equal(grid.priceAt(9), 96);
      assert.equal(grid.askTouchRow, 4);
      assert.equal(grid.bidTouchRow, 5);
    });

    it('keeps the spread rows and shares what is left', () => {
      const grid = buildLadderGrid(
        book(
          Array.from({ length: 20 }, (_, i): [number, number] => [100 - i, 1]),
          Array.from({ length: 20 }, (_, i): [number, number] => [103 + i, 1]),
          1,
        ),
        10,
      );
      // 2 spread rows (101, 102), 8 left: 4 asks and 4 bids.
      assert.equal(grid.rowCount, 10);
      assert.deepEqual([grid.priceAt(0), grid.priceAt(9)], [106, 97]);
      assert.deepEqual([grid.askTouchRow, grid.bidTouchRow], [3, 6]);
    });

    it('gives a short side’s share to the other side', () => {
      const grid = buildLadderGrid(
        book(
          Array.from({ length: 20 }, (_, i): [number, number] => [100 - i, 1]),
          [[101, 1]],
          1,
        ),
        10,
      );
      assert.equal(grid.rowCount, 10);
      assert.equal(grid.askTouchRow, 0);
      assert.equal(grid.priceAt(9), 92);
    });

    it('shows the middle of a spread wider than the cap', () => {
      const grid = buildLadderGrid(book([[100, 1]], [[200, 1]], 1), 10);
      assert.equal(grid.rowCount, 10);
      assert.ok(grid.askTouchRow < 0 && grid.bidTouchRow >= 10, 'both touches are off the grid');
      const centre = grid.priceAt(0) - grid.spreadCentreRow() + 0.5;
      assert.ok(Math.abs(centre - 150) <= 1, `centred near 150, got ${centre}`);
    });

    it('caps a 3000-level book and reuses the grid’s buffers when rebuilt smaller', () => {
      const grid = buildLadderGrid(deep(3000), 1000);
      assert.equal(grid.rowCount, 1000);
      const buffer = grid.bidQty;
      buildLadderGrid(book([[100, 7]], [[101, 9]], 1), 1000, grid);
      assert.equal(grid.bidQty, buffer, 'no reallocation');
      assert.deepEqual(rows(grid), [
        [101, 0, 9],
        [100, 7, 0],
      ]);
    });
  });

  describe('degenerate books', () => {
    it('an empty book has no rows and no touch', () => {
      const grid = buildLadderGrid(book([], []), 100);
      assert.equal(grid.rowCount, 0);
      assert.ok(Number.isNaN(grid.spreadCentreRow()));
    });

    it('a one-sided book has rows on that side only', () => {
      const asksOnly = buildLadderGrid(book([], [[101, 1], [103, 2]], 1), 100);
      assert.deepEqual(rows(asksOnly).map((r) => r[0]), [103, 102, 101]);
      assert.equal(asksOnly.spreadCentreRow(), 3);
      const bidsOnly = buildLadderGrid(book([[100, 1], [98, 2]], [], 1), 100);
      assert.deepEqual(rows(bidsOnly).map((r) => r[0]), [100, 99, 98]);
      assert.equal(bidsOnly.spreadCentreRow(), 0);
    });

    it('a crossed book stays within the cap and keeps both sides', () => {
      const grid = buildLadderGrid(book([[102, 1], [101, 1]], [[100, 1], [103, 1]], 1), 100);
      assert.ok(grid.rowCount <= 100);
      assert.equal(rows(grid).reduce((sum, r) => sum + r[1] + r[2], 0), 4);
    });

    it('ignores NaN prices and refuses a non-positive tick size without throwing', () => {
      const grid = buildLadderGrid(book([[NaN, 1], [100, 2]], [[101, 1]], 1), 100);
      assert.equal(grid.rowCount, 2);
      assert.equal(buildLadderGrid(book([[100, 1]], [[101, 1]], 0), 100).rowCount, 0);
    });
  });
});
