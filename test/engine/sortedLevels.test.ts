import assert from 'node:assert/strict';
import { SortedLevels } from '../../src/engine/book/sortedLevels';
import { mulberry32 } from './support/seededRandom';


function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/**
 * The private block layout, reached through a structural cast (no test-only API in the source): the
 * invariant checks below need to see the blocks themselves, not just what the public reads return.
 */
interface BlockShape {
  keys: number[];
  qtys: number[];
}
function blocksOf(levels: SortedLevels): readonly BlockShape[] {
  const blocks = (levels as unknown as { blocks: BlockShape[] }).blocks;
  assert.ok(Array.isArray(blocks), 'SortedLevels is expected to keep its levels in a private `blocks` array');
  return blocks;
}

const BLOCK_MAX = 64;

/** Every block non-empty, keys/qtys of equal length, at most BLOCK_MAX long, strictly ascending across blocks. */
function checkInvariants(levels: SortedLevels, where: string): void {
  const blocks = blocksOf(levels);
  let total = 0;
  let previous = -Infinity;
  for (let b = 0; b < blocks.length; b++) {
    const { keys, qtys } = blocks[b];
    assert.ok(keys.length > 0, `${where}: block ${b} is empty`);
    assert.equal(keys.length, qtys.length, `${where}: block ${b} has ${keys.length} keys but ${qtys.length} quantities`);
    assert.ok(keys.length <= BLOCK_MAX, `${where}: block ${b} holds ${keys.length} > ${BLOCK_MAX} levels`);
    for (let i = 0; i < keys.length; i++) {
      assert.ok(keys[i] > previous, `${where}: block ${b} key ${keys[i]} at ${i} does not follow ${previous}`);
      assert.ok(qtys[i] !== 0, `${where}: block ${b} stores a zero quantity at key ${keys[i]}`);
      previous = keys[i];
    }
    total += keys.length;
  }
  assert.equal(total, levels.size, `${where}: blocks hold ${total} levels but size says ${levels.size}`);
}

/** The naive reference: a Map of key → qty, sorted on demand. */
class NaiveLevels {
  readonly map = new Map<number, number>();
  private keyList: number[] = [];
  private index = new Map<number, number>();

  set(key: number, qty: number): void {
    if (qty === 0) {
      this.remove(key);
      return;
    }
    if (!this.map.has(key)) {
      this.index.set(key, this.keyList.length);
      this.keyList.push(key);
    }
    this.map.set(key, qty);
  }

  remove(key: number): boolean {
    if (!this.map.has(key)) return false;
    this.map.delete(key);
    const i = this.index.get(key)!;
    const last = this.keyList.pop()!;
    if (last !== key) {
      this.keyList[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(key);
    return true;
  }

  randomKey(rand: () => number): number | undefined {
    return this.keyList.length === 0 ? undefined : this.keyList[Math.floor(rand() * this.keyList.length)];
  }

  sorted(): Array<[number, number]> {
    return [...this.map.entries()].sort((a, b) => a[0] - b[0]);
  }
}

function readAll(levels: SortedLevels): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let expectedIndex = 0;
  levels.forEach((key, qty, index) => {
    assert.equal(index, expectedIndex++, 'forEach passes consecutive indices from 0');
    out.push([key, qty]);
    return true;
  });
  return out;
}

function compareWithModel(levels: SortedLevels, model: NaiveLevels, rand: () => number, where: string): void {
  const expected = model.sorted();
  assert.equal(levels.size, expected.length, `${where}: size`);
  if (expected.length === 0) {
    assert.ok(Number.isNaN(levels.firstKey()), `${where}: firstKey of an empty side is NaN`);
    assert.equal(levels.firstQty(), 0, `${where}: firstQty of an empty side is 0`);
  } else {
    assert.equal(levels.firstKey(), expected[0][0], `${where}: firstKey`);
    assert.equal(levels.firstQty(), expected[0][1], `${where}: firstQty`);
  }
  assert.deepEqual(readAll(levels), expected, `${where}: full walk`);

  // readFirst(50) into both kinds of caller-owned arrays.
  const keys = new Float64Array(50);
  const qtys: number[] = new Array<number>(50).fill(-1);
  const n = levels.readFirst(50, keys, qtys);
  assert.equal(n, Math.min(50, expected.length), `${where}: readFirst count`);
  for (let i = 0; i < n; i++) {
    assert.equal(keys[i], expected[i][0], `${where}: readFirst key ${i}`);
    assert.equal(qtys[i], expected[i][1], `${where}: readFirst qty ${i}`);
  }
  assert.equal(qtys[n], n < 50 ? -1 : undefined, `${where}: readFirst writes nothing past the returned count`);

  // forEach stops right after the visitor returns false.
  if (expected.length > 0) {
    const stopAt = randInt(rand, 0, expected.length - 1);
    const seen: number[] = [];
    levels.forEach((key, _qty, index) => {
      seen.push(key);
      return index < stopAt;
    });
    assert.deepEqual(seen, expected.slice(0, stopAt + 1).map((e) => e[0]), `${where}: forEach early stop at ${stopAt}`);
  }

  // get() on present keys, absent keys next to present ones, and keys outside everything.
  for (let k = 0; k < 25; k++) {
    const present = model.randomKey(rand);
    if (present !== undefined) {
      assert.equal(levels.get(present), model.map.get(present), `${where}: get(${present})`);
      const neighbour = present + (rand() < 0.5 ? 1 : -1);
      assert.equal(levels.get(neighbour), model.map.get(neighbour) ?? 0, `${where}: get(${neighbour})`);
    }
    const anyKey = randInt(rand, -60_000, 60_000);
    assert.equal(levels.get(anyKey), model.map.get(anyKey) ?? 0, `${where}: get(${anyKey})`);
  }

  // forEachInRange against a filter over the model, for narrow, wide and empty ranges.
  for (let r = 0; r < 4; r++) {
    let from: number;
    let to: number;
    const anchor = model.randomKey(rand) ?? 0;
    if (r === 0) {
      from = anchor - randInt(rand, 0, 30);
      to = anchor + randInt(rand, 0, 30);
    } else if (r === 1) {
      from = randInt(rand, -60_000, 60_000);
      to = from + randInt(rand, 0, 20_000);
    } else if (r === 2) {
      from = anchor;
      to = anchor;
    } else {
      from = anchor + 5;
      to = anchor - 5;
    }
    const got: Array<[number, number]> = [];
    levels.forEachInRange(from, to, (key, qty) => got.push([key, qty]));
    const want = expected.filter(([key]) => key >= from && key <= to);
    assert.deepEqual(got, want, `${where}: forEachInRange(${from}, ${to})`);
  }

  checkInvariants(levels, where);
}

describe('SortedLevels', () => {
  it('starts empty: size 0, firstKey NaN, firstQty 0, get 0, nothing visited', () => {
    const levels = new SortedLevels();
    assert.equal(levels.size, 0);
    assert.ok(Number.isNaN(levels.firstKey()));
    assert.equal(levels.firstQty(), 0);
    assert.equal(levels.get(5), 0);
    assert.equal(levels.remove(5), false);
    let visits = 0;
    levels.forEach(() => {
      visits++;
      return true;
    });
    levels.forEachInRange(-1e9, 1e9, () => visits++);
    assert.equal(visits, 0);
    assert.equal(levels.readFirst(10, [], []), 0);
  });

  it('keeps keys sorted whatever the insertion order, including negative keys and a new smallest key', () => {
    const levels = new SortedLevels();
    for (const key of [5, -3, 12, 0, -100, 7]) levels.set(key, key + 1000);
    assert.deepEqual(readAll(levels), [
      [-100, 900],
      [-3, 997],
      [0, 1000],
      [5, 1005],
      [7, 1007],
      [12, 1012],
    ]);
    assert.equal(levels.firstKey(), -100);
    assert.equal(levels.firstQty(), 900);
  });

  it('set on an existing key replaces its quantity without adding a level', () => {
    const levels = new SortedLevels();
    levels.set(10, 1);
    levels.set(10, 2.5);
    assert.equal(levels.size, 1);
    assert.equal(levels.get(10), 2.5);
  });

  it('set with quantity 0 removes the level, and is a no-op for an absent level', () => {
    const levels = new SortedLevels();
    levels.set(1, 1);
    levels.set(2, 2);
    levels.set(2, 0);
    assert.deepEqual(readAll(levels), [[1, 1]]);
    levels.set(99, 0);
    levels.set(-99, 0);
    assert.deepEqual(readAll(levels), [[1, 1]]);
    assert.equal(levels.size, 1);
  });

  it('remove reports whether a level was there', () => {
    const levels = new SortedLevels();
    levels.set(3, 1);
    assert.equal(levels.remove(4), false);
    assert.equal(levels.remove(3), true);
    assert.equal(levels.remove(3), false);
    assert.equal(levels.size, 0);
    assert.ok(Number.isNaN(levels.firstKey()));
  });

  it('splits blocks as it grows past 64 levels and merges them back as levels are removed', () => {
    const levels = new SortedLevels();
    for (let k = 0; k < 1000; k++) levels.set(k, k + 1);
    checkInvariants(levels, 'after 1000 ascending inserts');
    const grown = blocksOf(levels).length;
    assert.ok(grown >= Math.ceil(1000 / BLOCK_MAX), `1000 levels need at least 16 blocks, got ${grown}`);
    // Remove all but every 10th level: blocks thin out and must be merged, not left as slivers.
    for (let k = 0; k < 1000; k++) if (k % 10 !== 0) levels.remove(k);
    checkInvariants(levels, 'after thinning to 100 levels');
    assert.equal(levels.size, 100);
    const shrunk = blocksOf(levels).length;
    assert.ok(shrunk < grown, `thinning from 1000 to 100 levels merged blocks (${grown} → ${shrunk})`);
    assert.deepEqual(readAll(levels), Array.from({ length: 100 }, (_, i) => [i * 10, i * 10 + 1]));
  });

  it('loadSorted replaces everything, skips zero quantities and stays editable', () => {
    const levels = new SortedLevels();
    levels.set(-5, 9);
    levels.set(1001, 9);
    const keys: number[] = [];
    const qtys: number[] = [];
    for (let k = 0; k < 300; k++) {
      keys.push(k * 2);
      qtys.push(k % 7 === 0 ? 0 : k);
    }
    // Only the first 290 entries count.
    levels.loadSorted(keys, qtys, 290);
    const expected: Array<[number, number]> = [];
    for (let k = 0; k < 290; k++) if (k % 7 !== 0) expected.push([k * 2, k]);
    assert.deepEqual(readAll(levels), expected);
    assert.equal(levels.size, expected.length);
    assert.equal(levels.get(-5), 0, 'levels from before the load are gone');
    assert.equal(levels.get(1001), 0);
    checkInvariants(levels, 'after loadSorted');
    // Edits after a bulk load land in the right place.
    levels.set(3, 33);
    levels.set(1000, 44);
    levels.set(-1, 55);
    levels.set(2, 0);
    assert.equal(levels.get(3), 33);
    assert.equal(levels.firstKey(), -1);
    assert.equal(levels.get(2), 0);
    assert.equal(levels.size, expected.length + 3 - 1);
    checkInvariants(levels, 'after edits on a loaded side');
  });

  it('loadSorted of typed arrays and of zero entries', () => {
    const levels = new SortedLevels();
    levels.loadSorted(new Float64Array([1, 2, 3]), new Float64Array([0.5, 0, 1.5]), 3);
    assert.deepEqual(readAll(levels), [
      [1, 0.5],
      [3, 1.5],
    ]);
    levels.loadSorted([], [], 0);
    assert.equal(levels.size, 0);
    assert.ok(Number.isNaN(levels.firstKey()));
  });

  it('removeBefore drops exactly the keys below the bound and returns how many', () => {
    const levels = new SortedLevels();
    for (let k = 0; k < 500; k++) levels.set(k * 3, k + 1);
    assert.equal(levels.removeBefore(0), 0);
    assert.equal(levels.removeBefore(301), 101); // keys 0, 3, ..., 300
    assert.equal(levels.firstKey(), 303);
    assert.equal(levels.size, 399);
    checkInvariants(levels, 'after removeBefore');
    assert.equal(levels.removeBefore(1e9), 399);
    assert.equal(levels.size, 0);
    assert.ok(Number.isNaN(levels.firstKey()));
    levels.set(7, 1);
    assert.deepEqual(readAll(levels), [[7, 1]]);
  });

  it('clear empties the side and it can be refilled', () => {
    const levels = new SortedLevels();
    for (let k = 0; k < 200; k++) levels.set(k, 1);
    levels.clear();
    assert.equal(levels.size, 0);
    assert.equal(levels.get(5), 0);
    levels.set(150, 2);
    levels.set(10, 3);
    assert.deepEqual(readAll(levels), [
      [10, 3],
      [150, 2],
    ]);
    checkInvariants(levels, 'after clear and refill');
  });

  it('matches a naive sorted map over 50,000 seeded random operations growing past 3,000 levels (splits and merges exercised)', function () {
    this.timeout(120_000);
    const rand = mulberry32(0x5eed_1e7e);
    const levels = new SortedLevels();
    const model = new NaiveLevels();
    const OPS = 50_000;
    const CHECK_EVERY = 250;
    let maxSize = 0;
    let splits = 0;
    let merges = 0;
    let absentRemovals = 0;
    let removeBeforeCalls = 0;

    for (let op = 1; op <= OPS; op++) {
      // Three phases: growth (insert-heavy), churn, and shrink (removal-heavy, which forces merges).
      const phase = op <= 18_000 ? 0 : op <= 28_000 ? 1 : 2;
      const insertShare = phase === 0 ? 0.62 : phase === 1 ? 0.4 : 0.16;
      const blocksBefore = blocksOf(levels).length;
      const best = model.map.size > 0 ? levels.firstKey() : 0;
      const roll = rand();
      let kind: 'insert' | 'update' | 'remove' | 'removeAbsent' | 'removeBefore';
      if (roll < 0.0004 && phase === 2) kind = 'removeBefore';
      else if (roll < insertShare) kind = 'insert';
      else if (roll < insertShare + 0.12) kind = 'update';
      else if (roll < insertShare + 0.12 + 0.06) kind = 'removeAbsent';
      else kind = 'remove';

      const nearBest = rand() < 0.5;
      const qty = randInt(rand, 1, 100_000) / 1000;
      if (kind === 'insert') {
        const key = nearBest ? best + randInt(rand, -4, 40) : randInt(rand, -50_000, 50_000);
        levels.set(key, qty);
        model.set(key, qty);
      } else if (kind === 'update') {
        const key = nearBest && model.map.size > 0 ? best + randInt(rand, 0, 3) : model.randomKey(rand);
        if (key !== undefined) {
          levels.set(key, qty);
          model.set(key, qty);
        }
      } else if (kind === 'removeAbsent') {
        let key = nearBest ? best + randInt(rand, -50, 50) : randInt(rand, -60_000, 60_000);
        while (model.map.has(key)) key++;
        absentRemovals++;
        if (rand() < 0.5) {
          levels.set(key, 0);
        } else {
          assert.equal(levels.remove(key), false, `op ${op}: remove(${key}) of an absent level returns false`);
        }
      } else if (kind === 'remove') {
        const key = nearBest && model.map.size > 0 ? best + randInt(rand, 0, 5) : model.randomKey(rand);
        if (key !== undefined) {
          const wasThere = model.remove(key);
          if (rand() < 0.5) levels.set(key, 0);
          else assert.equal(levels.remove(key), wasThere, `op ${op}: remove(${key}) result`);
        }
      } else {
        const bound = best + randInt(rand, 1, 40);
        let expectedRemoved = 0;
        for (const key of [...model.map.keys()]) {
          if (key < bound) {
            model.remove(key);
            expectedRemoved++;
          }
        }
        assert.equal(levels.removeBefore(bound), expectedRemoved, `op ${op}: removeBefore(${bound})`);
        removeBeforeCalls++;
      }

      const blocksAfter = blocksOf(levels).length;
      if (blocksAfter > blocksBefore && blocksBefore > 0) splits++;
      if (blocksAfter < blocksBefore && kind !== 'removeBefore') merges++;
      maxSize = Math.max(maxSize, levels.size);
      if (op % CHECK_EVERY === 0 || op === OPS) compareWithModel(levels, model, rand, `after op ${op}`);
    }

    assert.ok(maxSize > 3000, `the side grew past 3,000 levels (max ${maxSize})`);
    assert.ok(splits > 40, `blocks were split (${splits} splits)`);
    assert.ok(merges > 10, `blocks were merged or dropped on removal (${merges} times)`);
    assert.ok(absentRemovals > 1000, `removals of absent levels were exercised (${absentRemovals})`);
    assert.ok(removeBeforeCalls > 0, 'removeBefore was exercised');
    assert.ok(levels.size < maxSize / 2, `the shrink phase removed most levels (${levels.size} of ${maxSize} left)`);
  });
});
