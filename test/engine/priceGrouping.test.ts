import assert from 'node:assert/strict';
import { OrderBook } from '../../src/engine/book/orderBook';
import {
  aggregateSide,
  validateGrouping,
} from '../../src/engine/analysis/priceGrouping';

function rows(n: number): { prices: Float64Array; qtys: Float64Array } {
  return { prices: new Float64Array(n), qtys: new Float64Array(n) };
}

function pairs(prices: Float64Array, qtys: Float64Array, n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push([prices[i], qtys[i]]);
  return out;
}

describe('priceGrouping', () => {
  describe('validateGrouping', () => {
    it('converts a whole multiple of the tick into ticks despite float noise in the ratio', () => {
      assert.equal(validateGrouping(0.1, 0.3), 3);
      assert.equal(validateGrouping(0.1, 0.1), 1);
      assert.equal(validateGrouping(0.1, 100), 1000);
      assert.equal(validateGrouping(0.01, 0.07), 7);
    });

    it('refuses a grouping that is not a multiple of the tick with a RangeError naming the rule', () => {
      assert.throws(() => validateGrouping(0.1, 0.15), (err: unknown) => {
        assert.ok(err instanceof RangeError);
        assert.match(err.message, /positive multiple of the tick size 0\.1/);
        assert.match(err.message, /0\.15/);
        return true;
      });
    });

    it('refuses zero, negative, sub-tick and non-finite groupings', () => {
      for (const bad of [0, -0.1, 0.05, NaN, Infinity]) {
        assert.throws(() => validateGrouping(0.1, bad), RangeError, `grouping ${bad}`);
      }
    });
  });

  describe('aggregateSide', () => {
    it('rounds bids down: 61659.7 and 61659.1 merge into 61659 with grouping 1 on a 0.1 tick', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.applyLevels('bid', [61659.7, 1, 61659.1, 2, 61658.9, 4]);
      const { prices, qtys } = rows(10);
      const n = aggregateSide(book, 'bid', validateGrouping(0.1, 1), 10, prices, qtys);
      assert.deepEqual(pairs(prices, qtys, n), [
        [61659, 3],
        [61658, 4],
      ]);
    });

    it('rounds asks up: 61659.1 and 61659.7 merge into 61660 with grouping 1 on a 0.1 tick', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.applyLevels('ask', [61659.1, 1, 61659.7, 2, 61660.2, 4]);
      const { prices, qtys } = rows(10);
      const n = aggregateSide(book, 'ask', 10, 10, prices, qtys);
      assert.deepEqual(pairs(prices, qtys, n), [
        [61660, 3],
        [61661, 4],
      ]);
    });

    it('keeps a level already on a bucket boundary in its own bucket on both sides', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.applyLevels('bid', [61660, 1, 61659.9, 2]);
      book.applyLevels('ask', [61660, 1, 61660.1, 2]);
      const { prices, qtys } = rows(10);
      let n = aggregateSide(book, 'bid', 10, 10, prices, qtys);
      assert.deepEqual(pairs(prices, qtys, n), [
        [61660, 1],
        [61659, 2],
      ]);
      n = aggregateSide(book, 'ask', 10, 10, prices, qtys);
      assert.deepEqual(pairs(prices, qtys, n), [
        [61660, 1],
        [61661, 2],
      ]);
    });

    it('writes bucket prices as the exact doubles of their decimals for a non-decade grouping', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.applyLevels('bid', [61659.7, 1]);
      book.applyLevels('ask', [61659.7, 1]);
      const { prices, qtys } = rows(1);
      aggregateSide(book, 'bid', 3, 1, prices, qtys);
      assert.equal(prices[0], 61659.6);
      aggregateSide(book, 'ask', 3, 1, prices, qtys);
      assert.equal(prices[0], 61659.9);
    });

    it('preserves the total quantity of a side across all buckets', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      let seed = 7;
      const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      let bidTotal = 0;
      let askTotal = 0;
      for (let i = 0; i < 500; i++) {
        const bidQty = 1 + Math.floor(next() * 50);
        const askQty = 1 + Math.floor(next() * 50);
        book.setLevel('bid', 61000 - i * 0.1 * (1 + Math.floor(next() * 3)), bidQty);
        book.setLevel('ask', 61001 + i * 0.1, askQty);
      }
      book.forEachLevel('bid', (_p, q) => ((bidTotal += q), true));
      book.forEachLevel('ask', (_p, q) => ((askTotal += q), true));
      for (const groupTicks of [1, 3, 10, 100]) {
        for (const side of ['bid', 'ask'] as const) {
          const { prices, qtys } = rows(2000);
          const n = aggregateSide(book, side, groupTicks, 2000, prices, qtys);
          let sum = 0;
          for (let i = 0; i < n; i++) sum += qtys[i];
          assert.equal(sum, side === 'bid' ? bidTotal : askTotal, `${side} grouping ${groupTicks}`);
        }
      }
    });

    it('stops after maxRows non-empty buckets, each complete, best first', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.applyLevels('bid', [100.9, 1, 100.1, 2, 99.5, 4, 97.0, 8, 96.2, 16]);
      const { prices, qtys } = rows(10);
      const n = aggregateSide(book, 'bid', 10, 2, prices, qtys);
      assert.equal(n, 2);
      assert.deepEqual(pairs(prices, qtys, n), [
        [100, 3],
        [99, 4],
      ]);
    });

    it('returns 0 for an empty side and rejects a non-integer group size', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      const { prices, qtys } = rows(4);
      assert.equal(aggregateSide(book, 'ask', 10, 4, prices, qtys), 0);
      assert.throws(() => aggregateSide(book, 'ask', 1.5, 4, prices, qtys), RangeError);
      assert.throws(() => aggregateSide(book, 'ask', 0, 4, prices, qtys), RangeError);
    });
  });
});
