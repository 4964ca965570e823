import assert from 'node:assert/strict';
import type { BookView, Side } from '../../src/engine/book/bookView';
import { OrderBook } from '../../src/engine/book/orderBook';
import { cumulativeDepth, imbalance, microPrice, mid, spread } from '../../src/engine/analysis/bookStats';

/** Wraps a book and counts the levels each forEachLevel call is allowed to visit. */
class CountingView implements BookView {
  visited = 0;
  constructor(private readonly inner: OrderBook) {}
  get symbol(): string {
    return this.inner.symbol;
  }
  get tickSize(): number {
    return this.inner.tickSize;
  }
  levelCount(side: Side): number {
    return this.inner.levelCount(side);
  }
  bestPrice(side: Side): number {
    return this.inner.bestPrice(side);
  }
  bestQty(side: Side): number {
    return this.inner.bestQty(side);
  }
  qtyAt(side: Side, price: number): number {
    return this.inner.qtyAt(side, price);
  }
  readTop(side: Side, max: number, prices: Float64Array | number[], qtys: Float64Array | number[]): number {
    this.visited += max;
    return this.inner.readTop(side, max, prices, qtys);
  }
  forEachLevel(side: Side, visit: (price: number, qty: number, index: number) => boolean): void {
    this.inner.forEachLevel(side, (price, qty, index) => {
      this.visited++;
      return visit(price, qty, index);
    });
  }
}

function deepBook(levels: number): OrderBook {
  const book = new OrderBook('BTCUSDT', 0.1);
  const bids: number[] = [];
  const asks: number[] = [];
  for (let i = 0; i < levels; i++) {
    bids.push((616590 - i) / 10, 1);
    asks.push((616591 + i) / 10, 1);
  }
  book.replaceSide('bid', bids);
  book.replaceSide('ask', asks);
  return book;
}

describe('bookStats', () => {
  it('reads a one-tick spread on a 0.1 tick as exactly 0.1, not the float difference', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.setLevel('bid', 61659.9, 1);
    book.setLevel('ask', 61660.0, 1);
    assert.notEqual(61660.0 - 61659.9, 0.1);
    assert.equal(spread(book), 0.1);
  });

  it('puts the mid exactly halfway between the touch prices', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.setLevel('bid', 61659.9, 1);
    book.setLevel('ask', 61660.0, 1);
    assert.equal(mid(book), 61659.95);
  });

  it('weights the micro-price toward the thinner side of the touch', () => {
    const book = new OrderBook('BTCUSDT', 1);
    book.setLevel('bid', 100, 3);
    book.setLevel('ask', 101, 1);
    // (100 * 1 + 101 * 3) / 4: heavy bids push the fair price toward the ask.
    assert.equal(microPrice(book), 100.75);
    book.setLevel('bid', 100, 1);
    book.setLevel('ask', 101, 3);
    assert.equal(microPrice(book), 100.25);
  });

  it('returns NaN for spread, mid and micro-price when either side is empty', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.setLevel('bid', 100, 1);
    for (const f of [spread, mid, microPrice]) assert.ok(Number.isNaN(f(book)), f.name);
    book.setLevel('bid', 100, 0);
    book.setLevel('ask', 101, 1);
    for (const f of [spread, mid, microPrice]) assert.ok(Number.isNaN(f(book)), f.name);
  });

  it('counts only the top N levels of each side in the imbalance', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.applyLevels('bid', [100.0, 1, 99.9, 1, 99.8, 100]);
    book.applyLevels('ask', [100.1, 1, 100.2, 1]);
    assert.equal(imbalance(book, 2), 0);
    // Three bid levels (102) against the two asks that exist (2).
    assert.equal(imbalance(book, 3), 100 / 104);
  });

  it('keeps the imbalance in [-1, 1]: 1 with only bids, -1 with only asks, 0 when empty', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    assert.equal(imbalance(book, 10), 0);
    book.setLevel('bid', 100, 5);
    assert.equal(imbalance(book, 10), 1);
    book.setLevel('bid', 100, 0);
    book.setLevel('ask', 101, 5);
    assert.equal(imbalance(book, 10), -1);
  });

  it('fills cumulative depth best first with running totals and returns the count', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.applyLevels('ask', [100.3, 4, 100.1, 1, 100.2, 2]);
    const prices = new Float64Array(5).fill(-1);
    const cum = new Float64Array(5).fill(-1);
    const n = cumulativeDepth(book, 'ask', 5, prices, cum);
    assert.equal(n, 3);
    assert.deepEqual(Array.from(prices), [100.1, 100.2, 100.3, -1, -1]);
    assert.deepEqual(Array.from(cum), [1, 3, 7, -1, -1]);
  });

  it('stops cumulative depth at the requested level count', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.applyLevels('bid', [100.0, 1, 99.9, 2, 99.8, 3]);
    const prices = new Float64Array(3).fill(-1);
    const cum = new Float64Array(3).fill(-1);
    assert.equal(cumulativeDepth(book, 'bid', 2, prices, cum), 2);
    assert.deepEqual(Array.from(cum), [1, 3, -1]);
  });

  it('visits only the requested levels of a deep book, not the whole side', () => {
    const view = new CountingView(deepBook(10000));
    assert.equal(imbalance(view, 10), 0);
    assert.ok(view.visited <= 20, `imbalance visited ${view.visited} levels`);
    view.visited = 0;
    cumulativeDepth(view, 'bid', 25, new Float64Array(25), new Float64Array(25));
    assert.ok(view.visited <= 25, `cumulativeDepth visited ${view.visited} levels`);
    view.visited = 0;
    spread(view);
    mid(view);
    microPrice(view);
    assert.equal(view.visited, 0);
  });
});
