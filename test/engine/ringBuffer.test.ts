import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RingBuffer, isPowerOfTwo } from '../../src/engine/core/ringBuffer';

/**
 * Reads the private backing array. A structural cast rather than a test-only API: the point of the
 * "released slots" tests is to look at exactly what the ring still references.
 */
function slotsOf<T>(ring: RingBuffer<T>): readonly (T | undefined)[] {
  return (ring as unknown as { slots: (T | undefined)[] }).slots;
}

function filled(capacity: number, count: number, overflow?: 'drop-oldest' | 'drop-newest' | 'reject'): RingBuffer<number> {
  const ring = new RingBuffer<number>(capacity, overflow ? { overflow } : {});
  for (let i = 1; i <= count; i++) ring.push(i);
  return ring;
}

function contents<T>(ring: RingBuffer<T>): T[] {
  const out: T[] = [];
  ring.drainTo(out);
  return out;
}

describe('RingBuffer', () => {
  describe('capacity validation', () => {
    it('accepts power-of-two capacities and reports them', () => {
      for (const capacity of [1, 2, 4, 8, 1024, 2 ** 20]) {
        const ring = new RingBuffer<number>(capacity);
        assert.equal(ring.capacity, capacity);
        assert.equal(ring.size, 0);
        assert.equal(ring.isEmpty, true);
        assert.equal(ring.isFull, false);
      }
    });

    it('rejects non-power-of-two, non-integer, non-positive and oversize capacities with a RangeError naming the value', () => {
      for (const capacity of [0, 3, 6, 100, -4, 1.5, NaN, Infinity, 2 ** 31]) {
        assert.throws(
          () => new RingBuffer<number>(capacity),
          (err: unknown) =>
            err instanceof RangeError && err.message.includes(String(capacity)) && err.message.includes('power of two'),
          `capacity ${capacity}`,
        );
      }
    });

    it('isPowerOfTwo is exact beyond the int32 range', () => {
      assert.equal(isPowerOfTwo(1), true);
      assert.equal(isPowerOfTwo(2 ** 31), true);
      assert.equal(isPowerOfTwo(2 ** 40), true);
      assert.equal(isPowerOfTwo(2 ** 52), true);
      assert.equal(isPowerOfTwo(2 ** 31 + 2 ** 30), false);
      assert.equal(isPowerOfTwo(2 ** 52 + 2), false);
      assert.equal(isPowerOfTwo(0), false);
      assert.equal(isPowerOfTwo(-8), false);
      assert.equal(isPowerOfTwo(0.5), false);
      assert.equal(isPowerOfTwo(2 ** 60), false, 'not a safe integer, so not trusted');
    });
  });

  describe('FIFO order', () => {
    it('keeps FIFO order while the indices wrap around the storage thousands of times', () => {
      const ring = new RingBuffer<number>(8, { overflow: 'reject' });
      const reference: number[] = [];
      let next = 0;
      // Deterministic pseudo-random mix of pushes and shifts (LCG), checked against a plain array queue.
      let rand = 12345;
      for (let step = 0; step < 50_000; step++) {
        rand = (rand * 1103515245 + 12345) >>> 0;
        if ((rand >>> 16) % 3 !== 0) {
          const accepted = ring.push(next);
          if (reference.length < 8) {
            assert.equal(accepted, true);
            reference.push(next);
          } else {
            assert.equal(accepted, false);
          }
          next++;
        } else {
          assert.equal(ring.shift(), reference.shift());
        }
        assert.equal(ring.size, reference.length);
        assert.equal(ring.peek(), reference[0]);
      }
      assert.ok(ring.stats().drained > 8 * 1000, 'the read index went round the ring many times');
      assert.deepEqual(contents(ring), reference);
    });

    it('shift and peek return undefined on an empty ring without touching the counters', () => {
      const ring = new RingBuffer<string>(4);
      assert.equal(ring.shift(), undefined);
      assert.equal(ring.peek(), undefined);
      assert.equal(ring.stats().drained, 0);
    });
  });

  describe('batches', () => {
    it('pushBatch appends the requested slice and drain visits items oldest first up to max', () => {
      const ring = new RingBuffer<number>(16);
      assert.equal(ring.pushBatch([0, 1, 2, 3, 4, 5, 6, 7], 2, 6), 4);
      assert.equal(ring.pushBatch([10, 11]), 2);
      const seen: number[] = [];
      assert.equal(
        ring.drain(3, (item) => seen.push(item)),
        3,
      );
      assert.deepEqual(seen, [2, 3, 4]);
      assert.equal(ring.size, 3);
      assert.deepEqual(contents(ring), [5, 10, 11]);
      assert.equal(
        ring.drain(10, () => assert.fail('empty ring must not visit')),
        0,
      );
    });

    it('pushBatch wraps across the end of the storage', () => {
      const ring = new RingBuffer<number>(8);
      ring.pushBatch([0, 1, 2, 3, 4, 5]);
      ring.drain(5, () => undefined);
      assert.equal(ring.pushBatch([6, 7, 8, 9, 10, 11, 12]), 7);
      assert.equal(ring.isFull, true);
      assert.deepEqual(contents(ring), [5, 6, 7, 8, 9, 10, 11, 12]);
    });

    it('drainTo appends to the caller array and honours max', () => {
      const ring = filled(8, 6);
      const out = [-1];
      assert.equal(ring.drainTo(out, 4), 4);
      assert.deepEqual(out, [-1, 1, 2, 3, 4]);
      assert.equal(ring.drainTo(out), 2);
      assert.deepEqual(out, [-1, 1, 2, 3, 4, 5, 6]);
      assert.equal(ring.drainTo(out, 0), 0);
      assert.equal(ring.drainTo(out, NaN), 0);
    });

    it('drain removes each item before visiting it, so a throwing visitor loses only that item', () => {
      const ring = filled(8, 4);
      assert.throws(() =>
        ring.drain(4, (item) => {
          if (item === 2) throw new Error('boom');
        }),
      );
      assert.deepEqual(contents(ring), [3, 4]);
      assert.equal(ring.stats().drained, 4);
    });

    it('pushBatch rejects ranges outside the source array', () => {
      const ring = new RingBuffer<number>(8);
      assert.throws(() => ring.pushBatch([1, 2], -1), RangeError);
      assert.throws(() => ring.pushBatch([1, 2], 0, 3), RangeError);
      assert.throws(() => ring.pushBatch([1, 2], 2, 1), RangeError);
      assert.equal(ring.pushBatch([1, 2], 1, 1), 0);
    });
  });

  describe('overflow policies', () => {
    it('defaults to drop-oldest', () => {
      assert.equal(new RingBuffer<number>(2).overflow, 'drop-oldest');
    });

    it('drop-oldest keeps the newest capacity items and counts the overwritten ones', () => {
      const ring = new RingBuffer<number>(4, { overflow: 'drop-oldest' });
      for (let i = 1; i <= 10; i++) assert.equal(ring.push(i), true, `push ${i} is accepted`);
      const stats = ring.stats();
      assert.equal(stats.pushed, 10);
      assert.equal(stats.droppedOldest, 6);
      assert.equal(stats.droppedNewest, 0);
      assert.equal(stats.rejected, 0);
      assert.equal(ring.peek(), 7);
      assert.deepEqual(contents(ring), [7, 8, 9, 10]);
    });

    it('drop-oldest pushBatch larger than the ring keeps the last capacity items of the batch', () => {
      const ring = filled(4, 3, 'drop-oldest');
      assert.equal(ring.pushBatch([10, 11, 12, 13, 14, 15]), 6);
      const stats = ring.stats();
      assert.equal(stats.pushed, 9);
      assert.equal(stats.droppedOldest, 5, '3 held items + 2 batch items never survived');
      assert.deepEqual(contents(ring), [12, 13, 14, 15]);
    });

    it('drop-oldest pushBatch that partly overflows evicts just enough old items', () => {
      const ring = filled(4, 3, 'drop-oldest');
      ring.shift(); // moves head so the eviction has to wrap
      assert.equal(ring.pushBatch([10, 11, 12]), 3);
      assert.equal(ring.stats().droppedOldest, 1);
      assert.deepEqual(contents(ring), [3, 10, 11, 12]);
    });

    it('drop-newest keeps the first capacity items, returns false and counts the discarded ones', () => {
      const ring = new RingBuffer<number>(4, { overflow: 'drop-newest' });
      for (let i = 1; i <= 10; i++) assert.equal(ring.push(i), i <= 4, `push ${i}`);
      assert.equal(ring.pushBatch([11, 12]), 0);
      const stats = ring.stats();
      assert.equal(stats.pushed, 4);
      assert.equal(stats.droppedNewest, 8);
      assert.equal(stats.droppedOldest, 0);
      assert.equal(stats.rejected, 0);
      assert.deepEqual(contents(ring), [1, 2, 3, 4]);
    });

    it('reject refuses items when full, counts them as rejected (not dropped) and accepts again after a shift', () => {
      const ring = new RingBuffer<number>(4, { overflow: 'reject' });
      assert.equal(ring.pushBatch([1, 2, 3, 4, 5, 6]), 4, 'accepts the prefix that fits');
      assert.equal(ring.push(7), false);
      let stats = ring.stats();
      assert.equal(stats.rejected, 3);
      assert.equal(stats.droppedNewest, 0);
      assert.equal(stats.droppedOldest, 0);
      assert.equal(ring.shift(), 1);
      assert.equal(ring.push(8), true);
      stats = ring.stats();
      assert.equal(stats.pushed, 5);
      assert.deepEqual(contents(ring), [2, 3, 4, 8]);
    });
  });

  describe('stats', () => {
    it('highWaterMark records the largest size ever reached and survives drains and clear', () => {
      const ring = new RingBuffer<number>(16);
      ring.pushBatch([1, 2, 3, 4, 5]);
      ring.drain(3, () => undefined);
      ring.push(6);
      assert.equal(ring.size, 3);
      assert.equal(ring.stats().highWaterMark, 5);
      ring.clear();
      assert.deepEqual(ring.stats(), {
        pushed: 6,
        drained: 3,
        droppedOldest: 0,
        droppedNewest: 0,
        rejected: 0,
        highWaterMark: 5,
        size: 0,
        capacity: 16,
      });
    });

    it('highWaterMark equals capacity once a drop-oldest ring overflows', () => {
      const ring = filled(4, 9, 'drop-oldest');
      assert.equal(ring.stats().highWaterMark, 4);
    });
  });

  describe('released slots', () => {
    it('shift, drain, drainTo and clear set released slots to undefined', () => {
      const ring = new RingBuffer<{ id: number }>(8);
      for (let i = 0; i < 6; i++) ring.push({ id: i });
      ring.shift();
      ring.drain(2, () => undefined);
      ring.drainTo([], 1);
      const slots = slotsOf(ring);
      assert.deepEqual(
        slots.map((s) => s?.id),
        [undefined, undefined, undefined, undefined, 4, 5, undefined, undefined],
      );
      // Wrap so the live region straddles the end of the storage, then clear it.
      for (let i = 6; i < 12; i++) ring.push({ id: i });
      ring.clear();
      assert.ok(
        slotsOf(ring).every((s) => s === undefined),
        'clear released every slot',
      );
    });

    it('a consumed item becomes garbage-collectable (WeakRef check)', async function () {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
      assert.ok(gc, 'the test needs gc(); --expose-gc could not be set at run time');
      const ring = new RingBuffer<object>(4);
      const ref = (() => {
        const payload = { big: new Array(1000).fill(1) };
        ring.push(payload);
        ring.shift();
        return new WeakRef(payload);
      })();
      // WeakRef targets stay alive until the current job ends, so let it end before collecting.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      assert.equal(ref.deref(), undefined, 'the ring must not keep the shifted item alive');
      assert.equal(ring.size, 0);
    });
  });
});
