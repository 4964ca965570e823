import assert from 'node:assert/strict';
import { OrderBook } from '../../src/engine/book/orderBook';
import { PriceScale } from '../../src/engine/book/priceScale';
import type { SortedLevels } from '../../src/engine/book/sortedLevels';
import type { Side } from '../../src/engine/book/bookView';
import { mulberry32 } from './support/seededRandom';


function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/**
 * The exact decimal text of `ticks * tick`, built with integer arithmetic only (`unitsPerTick` is the
 * tick in units of 10^-decimals), so the expected price is what parsing the exchange's string gives.
 */
function decimalText(ticks: number, unitsPerTick: number, decimals: number): string {
  const units = BigInt(ticks) * BigInt(unitsPerTick);
  if (decimals === 0) return units.toString();
  const digits = units.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** BTCUSDT-like tick 0.1: the price of `ticks` exactly as the exchange's string parses. */
function p1(ticks: number): number {
  return Number(decimalText(ticks, 1, 1));
}

/**
 * The two private sides, reached through a structural cast so the block invariants can be checked
 * (the public API alone cannot show a sliver block or an out-of-order block head).
 */
function sidesOf(book: OrderBook): { bids: SortedLevels; asks: SortedLevels } {
  return book as unknown as { bids: SortedLevels; asks: SortedLevels };
}

function checkBlockInvariants(levels: SortedLevels, where: string): void {
  const blocks = (levels as unknown as { blocks: Array<{ keys: number[]; qtys: number[] }> }).blocks;
  assert.ok(Array.isArray(blocks), `${where}: SortedLevels is expected to keep a private 'blocks' array`);
  let previous = -Infinity;
  let total = 0;
  for (let b = 0; b < blocks.length; b++) {
    const { keys, qtys } = blocks[b];
    assert.ok(keys.length > 0, `${where}: block ${b} is empty`);
    assert.ok(keys.length <= 64, `${where}: block ${b} holds ${keys.length} > 64 levels`);
    assert.equal(keys.length, qtys.length, `${where}: block ${b} keys/qtys length`);
    for (const key of keys) {
      assert.ok(key > previous, `${where}: block ${b} key ${key} does not follow ${previous}`);
      previous = key;
    }
    total += keys.length;
  }
  assert.equal(total, levels.size, `${where}: blocks hold ${total} levels, size says ${levels.size}`);
}

/** The naive reference book: two Maps of integer ticks → qty, sorted on demand. */
class NaiveBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();

  side(side: Side): Map<number, number> {
    return side === 'bid' ? this.bids : this.asks;
  }

  set(side: Side, ticks: number, qty: number): void {
    if (qty === 0) this.side(side).delete(ticks);
    else this.side(side).set(ticks, qty);
  }

  /** Best first: bids descending, asks ascending. */
  sorted(side: Side): Array<[number, number]> {
    const sign = side === 'bid' ? -1 : 1;
    return [...this.side(side).entries()].sort((a, b) => sign * (a[0] - b[0]));
  }

  bestTicks(side: Side): number | undefined {
    const m = this.side(side);
    if (m.size === 0) return undefined;
    let best = side === 'bid' ? -Infinity : Infinity;
    for (const t of m.keys()) best = side === 'bid' ? Math.max(best, t) : Math.min(best, t);
    return best;
  }

  crossed(): boolean {
    const b = this.bestTicks('bid');
    const a = this.bestTicks('ask');
    return b !== undefined && a !== undefined && b >= a;
  }

  randomTicks(side: Side, rand: () => number): number | undefined {
    const m = this.side(side);
    if (m.size === 0) return undefined;
    // Walking the Map is O(n), fine for a test at check time only.
    let skip = Math.floor(rand() * m.size);
    for (const t of m.keys()) if (skip-- === 0) return t;
    return undefined;
  }
}

const SIDES: readonly Side[] = ['bid', 'ask'];

function compareBooks(book: OrderBook, model: NaiveBook, rand: () => number, where: string): void {
  for (const side of SIDES) {
    const at = `${where} [${side}]`;
    const expected = model.sorted(side).map(([t, q]) => [p1(t), q] as [number, number]);
    assert.equal(book.levelCount(side), expected.length, `${at}: levelCount`);
    if (expected.length === 0) {
      assert.ok(Number.isNaN(book.bestPrice(side)), `${at}: best price of an empty side is NaN`);
      assert.equal(book.bestQty(side), 0, `${at}: best qty of an empty side is 0`);
    } else {
      assert.equal(book.bestPrice(side), expected[0][0], `${at}: best price`);
      assert.equal(book.bestQty(side), expected[0][1], `${at}: best qty`);
    }

    // readTop(50): exact prices (===), best first.
    const prices = new Float64Array(50);
    const qtys = new Float64Array(50);
    const n = book.readTop(side, 50, prices, qtys);
    assert.equal(n, Math.min(50, expected.length), `${at}: readTop count`);
    assert.deepEqual(
      Array.from({ length: n }, (_, i) => [prices[i], qtys[i]]),
      expected.slice(0, n),
      `${at}: readTop(50)`,
    );
    assert.deepEqual(book.topPairs(side, 10), expected.slice(0, 10), `${at}: topPairs(10)`);

    // Full walk and an early stop.
    const all: Array<[number, number]> = [];
    book.forEachLevel(side, (price, qty, index) => {
      assert.equal(index, all.length, `${at}: forEachLevel index`);
      all.push([price, qty]);
      return true;
    });
    assert.deepEqual(all, expected, `${at}: forEachLevel full walk`);
    if (expected.length > 0) {
      const stopAt = randInt(rand, 0, Math.min(expected.length - 1, 200));
      let calls = 0;
      book.forEachLevel(side, (_price, _qty, index) => {
        calls++;
        return index < stopAt;
      });
      assert.equal(calls, stopAt + 1, `${at}: forEachLevel stops right after the visitor returns false`);
    }

    // qtyAt for present levels (also with a price carrying float noise), neighbours, and far prices.
    for (let k = 0; k < 20; k++) {
      const t = model.randomTicks(side, rand);
      if (t !== undefined) {
        const q = model.side(side).get(t);
        assert.equal(book.qtyAt(side, p1(t)), q, `${at}: qtyAt(${p1(t)})`);
        assert.equal(book.qtyAt(side, t * 0.1), q, `${at}: qtyAt(${t} * 0.1) finds the level despite float noise`);
        assert.equal(book.qtyAt(side, p1(t + 1)), model.side(side).get(t + 1) ?? 0, `${at}: qtyAt neighbour`);
      }
      const far = randInt(rand, 500_000, 700_000);
      assert.equal(book.qtyAt(side, p1(far)), model.side(side).get(far) ?? 0, `${at}: qtyAt(${p1(far)})`);
    }

    // forEachInPriceRange: best first, inclusive bounds.
    for (let r = 0; r < 3; r++) {
      const anchor = model.randomTicks(side, rand) ?? 600_000;
      const lowT = r === 2 ? anchor : anchor - randInt(rand, 0, r === 0 ? 30 : 5_000);
      const highT = r === 2 ? anchor : anchor + randInt(rand, 0, r === 0 ? 30 : 5_000);
      const got: Array<[number, number]> = [];
      book.forEachInPriceRange(side, p1(lowT), p1(highT), (price, qty) => got.push([price, qty]));
      const want = model
        .sorted(side)
        .filter(([t]) => t >= lowT && t <= highT)
        .map(([t, q]) => [p1(t), q]);
      assert.deepEqual(got, want, `${at}: forEachInPriceRange(${p1(lowT)}, ${p1(highT)})`);
    }
  }
  assert.equal(book.isCrossed(), model.crossed(), `${where}: isCrossed`);
  const sides = sidesOf(book);
  checkBlockInvariants(sides.bids, `${where} [bid blocks]`);
  checkBlockInvariants(sides.asks, `${where} [ask blocks]`);
}

describe('PriceScale', () => {
  it('reads 617597 ticks at tick 0.1 back as 61759.7 exactly (where 617597 * 0.1 would not be)', () => {
    const scale = new PriceScale(0.1);
    assert.notEqual(617597 * 0.1, 61759.7, 'premise: the naive product is off by an ulp');
    assert.equal(scale.toPrice(617597), 61759.7);
    assert.equal(scale.toTicks(61759.7), 617597);
    assert.equal(scale.toTicks(617597 * 0.1), 617597);
  });

  it('round-trips every sampled tick exactly, for tick sizes from 0.0000001 to 10 (0.25, 0.05 and 5 included)', () => {
    const rand = mulberry32(42);
    const cases: Array<{ tick: number; units: number; decimals: number; maxTicks: number }> = [
      { tick: 0.1, units: 1, decimals: 1, maxTicks: 2_000_000 },
      { tick: 0.01, units: 1, decimals: 2, maxTicks: 50_000_000 },
      { tick: 0.001, units: 1, decimals: 3, maxTicks: 5_000_000 },
      { tick: 0.0001, units: 1, decimals: 4, maxTicks: 100_000 },
      { tick: 0.00001, units: 1, decimals: 5, maxTicks: 1_000_000 },
      { tick: 0.0000001, units: 1, decimals: 7, maxTicks: 100_000 },
      { tick: 0.25, units: 25, decimals: 2, maxTicks: 100_000 },
      { tick: 0.05, units: 5, decimals: 2, maxTicks: 1_000_000 },
      { tick: 0.5, units: 5, decimals: 1, maxTicks: 1_000_000 },
      { tick: 1, units: 1, decimals: 0, maxTicks: 1_000_000 },
      { tick: 5, units: 5, decimals: 0, maxTicks: 1_000_000 },
      { tick: 10, units: 10, decimals: 0, maxTicks: 100_000 },
    ];
    for (const { tick, units, decimals, maxTicks } of cases) {
      const scale = new PriceScale(tick);
      assert.equal(scale.decimals, decimals, `decimals of tick ${tick}`);
      assert.equal(scale.tickSize, tick, `tickSize of ${tick}`);
      for (let k = 0; k < 5000; k++) {
        const t = k < 50 ? k : randInt(rand, 0, maxTicks);
        const text = decimalText(t, units, decimals);
        const price = Number(text);
        assert.equal(scale.toPrice(t), price, `tick ${tick}: toPrice(${t}) should be ${text}`);
        assert.equal(scale.toTicks(price), t, `tick ${tick}: toTicks(${text})`);
        assert.equal(scale.format(price), text, `tick ${tick}: format(${text})`);
      }
    }
  });

  it('formats with exactly the tick decimals', () => {
    assert.equal(new PriceScale(0.1).format(61659.7), '61659.7');
    assert.equal(new PriceScale(0.1).format(61660), '61660.0');
    assert.equal(new PriceScale(0.00001).format(0.12345), '0.12345');
    assert.equal(new PriceScale(0.00001).format(0.1), '0.10000');
    assert.equal(new PriceScale(0.25).format(5123.5), '5123.50');
    assert.equal(new PriceScale(0.25).format(5123.25), '5123.25');
    assert.equal(new PriceScale(1).format(61660), '61660');
  });

  it('samePrice compares by tick, not by float equality', () => {
    const tenth = new PriceScale(0.1);
    assert.equal(tenth.samePrice(0.1 + 0.2, 0.3), true);
    assert.equal(tenth.samePrice(617597 * 0.1, 61759.7), true);
    assert.equal(tenth.samePrice(61759.7, 61759.8), false);
    const doge = new PriceScale(0.00001);
    assert.equal(doge.samePrice(0.1 + 0.02345, 0.12345), true);
    assert.equal(doge.samePrice(0.12345, 0.12346), false);
    const quarter = new PriceScale(0.25);
    assert.equal(quarter.samePrice(100.25, 100.2500000001), true);
    assert.equal(quarter.samePrice(100.25, 100.5), false);
  });

  it('rejects a tick size that is not a positive finite number with a RangeError', () => {
    for (const bad of [0, -0.1, NaN, Infinity, -Infinity]) {
      assert.throws(() => new PriceScale(bad), RangeError, `tick size ${bad}`);
    }
  });
});

describe('OrderBook', () => {
  it('is empty at first: no levels, NaN best prices, not crossed', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    for (const side of SIDES) {
      assert.equal(book.levelCount(side), 0);
      assert.ok(Number.isNaN(book.bestPrice(side)));
      assert.equal(book.bestQty(side), 0);
      assert.deepEqual(book.topPairs(side, 5), []);
    }
    assert.equal(book.isCrossed(), false);
    assert.equal(book.symbol, 'BTCUSDT');
    assert.equal(book.tickSize, 0.1);
  });

  it('keeps bids best-first (descending) and asks best-first (ascending)', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.applyLevels('bid', [61659.5, 1, 61659.7, 1.486, 61650, 3]);
    book.applyLevels('ask', [61660.1, 2, 61659.8, 0.981, 61700, 4]);
    assert.deepEqual(book.topPairs('bid', 10), [
      [61659.7, 1.486],
      [61659.5, 1],
      [61650, 3],
    ]);
    assert.deepEqual(book.topPairs('ask', 10), [
      [61659.8, 0.981],
      [61660.1, 2],
      [61700, 4],
    ]);
    assert.equal(book.bestPrice('bid'), 61659.7);
    assert.equal(book.bestPrice('ask'), 61659.8);
    assert.equal(book.isCrossed(), false);
  });

  it('setLevel with qty 0 removes the level; removing an absent level changes nothing', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.setLevel('bid', 100.1, 2);
    book.setLevel('bid', 100.0, 1);
    book.setLevel('bid', 100.1, 0);
    book.setLevel('bid', 99.5, 0);
    book.setLevel('ask', 101, 0);
    assert.deepEqual(book.topPairs('bid', 10), [[100, 1]]);
    assert.equal(book.levelCount('ask'), 0);
  });

  it('isCrossed is true when the best bid is at or above the best ask, false otherwise', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.setLevel('bid', 100.0, 1);
    assert.equal(book.isCrossed(), false, 'one side empty');
    book.setLevel('ask', 100.1, 1);
    assert.equal(book.isCrossed(), false);
    book.setLevel('bid', 100.1, 1);
    assert.equal(book.isCrossed(), true, 'bid == ask');
    book.setLevel('bid', 100.1, 0);
    book.setLevel('bid', 100.2, 1);
    assert.equal(book.isCrossed(), true, 'bid > ask');
    book.setLevel('bid', 100.2, 0);
    assert.equal(book.isCrossed(), false);
  });

  it('topPairs returns at most the requested number of levels (0 gives none)', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    for (let t = 0; t < 30; t++) book.setLevel('ask', p1(1000 + t), t + 1);
    assert.equal(book.topPairs('ask', 0).length, 0);
    assert.deepEqual(book.topPairs('ask', 3), [
      [100, 1],
      [100.1, 2],
      [100.2, 3],
    ]);
    assert.equal(book.topPairs('ask', 100).length, 30);
  });

  it('readTop writes only `max` entries into caller arrays and returns the count', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    for (let t = 0; t < 10; t++) book.setLevel('bid', p1(1000 - t), t + 1);
    const prices = [-1, -1, -1, -1, -1];
    const qtys = [-1, -1, -1, -1, -1];
    assert.equal(book.readTop('bid', 3, prices, qtys), 3);
    assert.deepEqual(prices, [100, 99.9, 99.8, -1, -1]);
    assert.deepEqual(qtys, [1, 2, 3, -1, -1]);
  });

  it('keeps DOGE-like 0.00001-tick prices exact', () => {
    const book = new OrderBook('DOGEUSDT', 0.00001);
    assert.equal(book.tickSize, 0.00001);
    assert.equal(book.scale.decimals, 5);
    const rand = mulberry32(7);
    const expected = new Map<number, number>();
    for (let k = 0; k < 3000; k++) {
      const t = randInt(rand, 10_000, 13_000);
      const qty = randInt(rand, 1, 1_000_000);
      book.setLevel('ask', Number(decimalText(t, 1, 5)), qty);
      expected.set(t, qty);
    }
    const want = [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([t, q]) => [Number(decimalText(t, 1, 5)), q]);
    assert.deepEqual(book.topPairs('ask', 10_000), want);
    assert.equal(book.qtyAt('ask', 0.1 + 0.00345), expected.get(10_345) ?? 0);
    const best = book.bestPrice('ask');
    assert.equal(book.scale.format(best), decimalText([...expected.keys()].reduce((a, b) => Math.min(a, b)), 1, 5));
  });

  it('keeps 0.25-tick prices exact and formats them with two decimals', () => {
    const book = new OrderBook('ESUSDT', 0.25);
    book.applyLevels('bid', [5123.25, 1, 5123.5, 2, 5123.75, 3, 5123, 4]);
    book.applyLevels('ask', [5124, 5, 5124.25, 6]);
    assert.deepEqual(book.topPairs('bid', 10), [
      [5123.75, 3],
      [5123.5, 2],
      [5123.25, 1],
      [5123, 4],
    ]);
    assert.equal(book.qtyAt('bid', 5123.5000000001), 2);
    assert.deepEqual(
      book.topPairs('ask', 10).map(([p]) => book.scale.format(p)),
      ['5124.00', '5124.25'],
    );
  });

  it('rejects a bad tick size', () => {
    assert.throws(() => new OrderBook('X', 0), RangeError);
  });

  describe('replaceSide', () => {
    it('loads sorted input, skipping zero quantities', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.replaceSide('bid', [100.0, 1, 99.9, 0, 99.8, 2]);
      book.replaceSide('ask', [100.1, 3, 100.2, 0, 100.3, 4]);
      assert.deepEqual(book.topPairs('bid', 10), [
        [100, 1],
        [99.8, 2],
      ]);
      assert.deepEqual(book.topPairs('ask', 10), [
        [100.1, 3],
        [100.3, 4],
      ]);
    });

    it('accepts unsorted input with duplicates: the last quantity for a price wins, zeros are skipped', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.replaceSide('ask', [100.3, 1, 100.1, 2, 100.2, 3, 100.1, 4, 100.4, 0]);
      assert.deepEqual(book.topPairs('ask', 10), [
        [100.1, 4],
        [100.2, 3],
        [100.3, 1],
      ]);
      // Bids in ascending price order are unsorted for the bid side; a duplicate whose last qty is 0 is gone.
      book.replaceSide('bid', [99.8, 1, 99.9, 2, 100.0, 3, 99.9, 0]);
      assert.deepEqual(book.topPairs('bid', 10), [
        [100, 3],
        [99.8, 1],
      ]);
      // Adjacent duplicates in otherwise sorted input: still the last one wins.
      book.replaceSide('ask', [100.1, 1, 100.1, 2, 100.2, 5]);
      assert.deepEqual(book.topPairs('ask', 10), [
        [100.1, 2],
        [100.2, 5],
      ]);
    });

    it('replaces only the given side and drops its previous levels; an empty list empties it', () => {
      const book = new OrderBook('BTCUSDT', 0.1);
      book.applyLevels('bid', [90, 1, 91, 1]);
      book.applyLevels('ask', [110, 1]);
      book.replaceSide('bid', [95, 2]);
      assert.deepEqual(book.topPairs('bid', 10), [[95, 2]]);
      assert.deepEqual(book.topPairs('ask', 10), [[110, 1]]);
      book.replaceSide('ask', []);
      assert.equal(book.levelCount('ask'), 0);
      assert.ok(Number.isNaN(book.bestPrice('ask')));
    });

    it('matches a naive model for 5,000 shuffled levels with duplicates and zeros, and stays editable', () => {
      const rand = mulberry32(99);
      for (const side of SIDES) {
        const book = new OrderBook('BTCUSDT', 0.1);
        const model = new NaiveBook();
        const flat: number[] = [];
        for (let k = 0; k < 5000; k++) {
          const t = randInt(rand, 590_000, 596_000);
          const qty = rand() < 0.1 ? 0 : randInt(rand, 1, 9999) / 1000;
          flat.push(p1(t), qty);
          model.set(side, t, qty);
        }
        book.replaceSide(side, flat);
        compareBooks(book, model, rand, `replaceSide(${side}) of shuffled input`);
        // A sorted, de-duplicated snapshot, as the exchange sends it, takes the bulk path.
        const sortedFlat = model.sorted(side).flatMap(([t, q]) => [p1(t), q]);
        const reloaded = new OrderBook('BTCUSDT', 0.1);
        reloaded.replaceSide(side, sortedFlat);
        compareBooks(reloaded, model, rand, `replaceSide(${side}) of sorted input`);
        for (let k = 0; k < 2000; k++) {
          const t = randInt(rand, 588_000, 598_000);
          const qty = rand() < 0.3 ? 0 : randInt(rand, 1, 9999) / 1000;
          reloaded.setLevel(side, p1(t), qty);
          model.set(side, t, qty);
        }
        compareBooks(reloaded, model, rand, `edits after replaceSide(${side})`);
      }
    });
  });

  it('clear empties both sides and resets lastUpdateId and eventTime', () => {
    const book = new OrderBook('BTCUSDT', 0.1);
    book.applyLevels('bid', [1, 1]);
    book.applyLevels('ask', [2, 1]);
    book.lastUpdateId = 5;
    book.eventTime = 6;
    book.clear();
    assert.equal(book.levelCount('bid'), 0);
    assert.equal(book.levelCount('ask'), 0);
    assert.equal(book.lastUpdateId, 0);
    assert.equal(book.eventTime, 0);
  });

  it('matches a naive two-Map model over 50,000 seeded random operations on sides growing past 3,000 levels', function () {
    this.timeout(120_000);
    const rand = mulberry32(0xb00c);
    const book = new OrderBook('BTCUSDT', 0.1);
    const model = new NaiveBook();
    const MID = 600_000; // 60000.0
    const OPS = 50_000;
    const CHECK_EVERY = 500;
    const maxLevels = { bid: 0, ask: 0 };
    let absentRemovals = 0;
    let crossedChecks = 0;

    const bestOr = (side: Side): number => model.bestTicks(side) ?? (side === 'bid' ? MID - 1 : MID + 1);
    /** A price on `side` near its best, never crossing the other side. */
    const nearBest = (side: Side): number => {
      const offset = randInt(rand, -3, 40);
      if (side === 'bid') {
        const ask = model.bestTicks('ask') ?? Infinity;
        return Math.min(bestOr('bid') - offset, ask - 1);
      }
      const bid = model.bestTicks('bid') ?? -Infinity;
      return Math.max(bestOr('ask') + offset, bid + 1);
    };
    const far = (side: Side): number => (side === 'bid' ? MID - randInt(rand, 50, 40_000) : MID + randInt(rand, 50, 40_000));

    for (let op = 1; op <= OPS; op++) {
      const phase = op <= 20_000 ? 0 : op <= 35_000 ? 1 : 2;
      const insertShare = phase === 0 ? 0.65 : phase === 1 ? 0.45 : 0.25;
      const side: Side = rand() < 0.5 ? 'bid' : 'ask';
      const roll = rand();
      const qty = randInt(rand, 1, 50_000) / 1000;
      if (roll < insertShare) {
        // Insert (or overwrite): half near the touch, half far away.
        const t = rand() < 0.5 ? nearBest(side) : far(side);
        if (rand() < 0.3) book.applyLevels(side, [p1(t), qty]);
        else book.setLevel(side, p1(t), qty);
        model.set(side, t, qty);
      } else if (roll < insertShare + 0.1) {
        // Update an existing level, mostly at the touch.
        const t = rand() < 0.6 ? model.bestTicks(side) : model.randomTicks(side, rand);
        if (t !== undefined) {
          book.setLevel(side, p1(t), qty);
          model.set(side, t, qty);
        }
      } else if (roll < insertShare + 0.18) {
        // qty 0 for a level that is not there: Binance sends these routinely.
        let t = rand() < 0.5 ? nearBest(side) : far(side);
        while (model.side(side).has(t)) t += side === 'bid' ? -1 : 1;
        book.setLevel(side, p1(t), 0);
        absentRemovals++;
      } else if (roll < insertShare + 0.22) {
        // A small diff batch touching both sides through applyLevels.
        for (const s of SIDES) {
          const flat: number[] = [];
          const count = randInt(rand, 1, 8);
          for (let k = 0; k < count; k++) {
            const t = rand() < 0.7 ? nearBest(s) : far(s);
            const q = rand() < 0.35 ? 0 : randInt(rand, 1, 50_000) / 1000;
            flat.push(p1(t), q);
            model.set(s, t, q);
          }
          book.applyLevels(s, flat);
        }
      } else {
        // Remove an existing level: the touch (burst of cancels at the best) or anywhere.
        const t = rand() < 0.5 ? model.bestTicks(side) : model.randomTicks(side, rand);
        if (t !== undefined) {
          book.setLevel(side, p1(t), 0);
          model.set(side, t, 0);
        }
      }
      maxLevels.bid = Math.max(maxLevels.bid, model.bids.size);
      maxLevels.ask = Math.max(maxLevels.ask, model.asks.size);

      if (op % CHECK_EVERY === 0 || op === OPS) {
        compareBooks(book, model, rand, `after op ${op}`);
        // Momentarily cross the book at the touch and undo it: isCrossed must follow both ways.
        if (op % (CHECK_EVERY * 5) === 0 && model.asks.size > 0 && !model.crossed()) {
          const ask = model.bestTicks('ask')!;
          const crossAt = ask + randInt(rand, 0, 2);
          const previous = model.bids.get(crossAt) ?? 0;
          book.setLevel('bid', p1(crossAt), 1);
          assert.equal(book.isCrossed(), true, `after op ${op}: a bid at or above the best ask crosses the book`);
          book.setLevel('bid', p1(crossAt), previous);
          assert.equal(book.isCrossed(), false, `after op ${op}: removing the crossing bid uncrosses the book`);
          crossedChecks++;
        }
      }
    }

    assert.ok(maxLevels.bid > 3000 && maxLevels.ask > 3000, `both sides grew past 3,000 levels (${maxLevels.bid}/${maxLevels.ask})`);
    assert.ok(absentRemovals > 2000, `removals of absent levels exercised (${absentRemovals})`);
    assert.ok(crossedChecks >= 10, `crossing checks ran (${crossedChecks})`);
  });
});
