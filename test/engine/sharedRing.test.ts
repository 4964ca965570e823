import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  SHARED_RING_HEADER_BYTES,
  SharedRing,
  SharedRingHeader,
  decodeJsonRecord,
  encodeJsonRecord,
} from '../../src/engine/core/sharedRing';
import {
  MAX_PAYLOAD_BYTES,
  SEQ_BYTES,
  decodeTestSeq,
  payloadByte,
  payloadLength,
  type ProducerDoneMessage,
  type ProducerWorkerData,
} from './fixtures/sharedRingProducer.worker';

/** Record whose bytes are `seed, seed+1, ...` so any misplaced byte shows up. */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i) & 0xff;
  return bytes;
}

/** Bytes a record occupies in the ring (4-byte prefix + payload padded to 4). */
function footprint(length: number): number {
  return 4 + Math.ceil(length / 4) * 4;
}

/**
 * Moves both counters to `value` on an empty ring by writing the shared header directly — the
 * header layout is exported precisely so other parties can read it. `value` must be a multiple of 4
 * because records are 4-byte aligned.
 */
function forceCounters(ring: SharedRing, value: number): void {
  assert.equal(ring.available(), 0, 'only an empty ring can be repositioned');
  const header = new Int32Array(ring.buffer, 0, SHARED_RING_HEADER_BYTES / 4);
  Atomics.store(header, SharedRingHeader.HEAD, value | 0);
  Atomics.store(header, SharedRingHeader.TAIL, value | 0);
}

function readHeader(ring: SharedRing, index: number): number {
  return Atomics.load(new Int32Array(ring.buffer, 0, SHARED_RING_HEADER_BYTES / 4), index) >>> 0;
}

describe('SharedRing (single thread)', () => {
  it('create accepts power-of-two data sizes and rejects anything else with a RangeError', () => {
    for (const size of [8, 64, 4096, 1 << 20]) {
      const ring = SharedRing.create(size);
      assert.equal(ring.capacityBytes, size);
      assert.equal(ring.buffer.byteLength, SHARED_RING_HEADER_BYTES + size);
      assert.equal(ring.stats().capacityBytes, size);
    }
    for (const size of [0, 4, 7, 100, 1000, -64, 12.5, NaN, 2 ** 31]) {
      assert.throws(
        () => SharedRing.create(size),
        (err: unknown) => err instanceof RangeError && err.message.includes(String(size)),
        `size ${size}`,
      );
    }
  });

  it('round-trips records of every small length, including empty ones, in order', () => {
    const ring = SharedRing.create(256);
    for (let len = 0; len <= 40; len++) {
      assert.equal(ring.tryWrite(pattern(len, len)), true);
      assert.equal(ring.stats().usedBytes, footprint(len));
      assert.deepEqual(ring.tryRead(), pattern(len, len));
      assert.equal(ring.available(), 0);
    }
    assert.equal(ring.tryRead(), undefined);
    const stats = ring.stats();
    assert.equal(stats.written, 41);
    assert.equal(stats.read, 41);
  });

  it('records that straddle the end of the data region are split on write and reassembled on read', () => {
    const capacity = 64;
    const ring = SharedRing.create(capacity);
    let straddled = 0;
    let seed = 0;
    // Lengths co-prime with the capacity walk the write position through every alignment.
    for (let round = 0; round < 500; round++) {
      const len = (round * 13) % 45;
      const position = readHeader(ring, SharedRingHeader.HEAD) & (capacity - 1);
      if (position + footprint(len) > capacity && len > 0) straddled++;
      assert.equal(ring.tryWrite(pattern(len, seed)), true);
      const read = ring.tryRead();
      assert.deepEqual(read, pattern(len, seed), `round ${round}, length ${len}, at ${position}`);
      seed++;
    }
    assert.ok(straddled > 50, `only ${straddled} records straddled the end`);
  });

  it('readBatch passes straddling records intact while several are queued', () => {
    const ring = SharedRing.create(64);
    ring.tryWrite(pattern(36, 0));
    ring.tryRead(); // tail and head now at 40, so the next records wrap
    const written = [pattern(10, 1), pattern(9, 2), pattern(3, 3)];
    for (const record of written) assert.equal(ring.tryWrite(record), true);
    const seen: Uint8Array[] = [];
    assert.equal(
      ring.readBatch((bytes) => seen.push(bytes.slice())),
      3,
    );
    assert.deepEqual(seen, written);
  });

  it('a full ring refuses writes without changing its contents, and accepts again once read', () => {
    const ring = SharedRing.create(64);
    let count = 0;
    while (ring.tryWrite(pattern(10, count))) count++;
    assert.equal(count, 4, '4 records of 16 bytes fill 64 bytes');
    assert.equal(ring.freeBytes(), 0);
    assert.equal(ring.tryWrite(new Uint8Array(0)), false, 'even an empty record needs its prefix');
    assert.equal(ring.stats().written, 4);
    assert.deepEqual(ring.tryRead(), pattern(10, 0));
    assert.equal(ring.tryWrite(pattern(12, 99)), true);
    const rest: Uint8Array[] = [];
    ring.readBatch((bytes) => rest.push(bytes.slice()));
    assert.deepEqual(rest, [pattern(10, 1), pattern(10, 2), pattern(10, 3), pattern(12, 99)]);
  });

  it('refuses a record that fits in the free bytes only without its prefix and padding', () => {
    const ring = SharedRing.create(32);
    ring.tryWrite(pattern(16, 0)); // 20 bytes used, 12 free
    assert.equal(ring.freeBytes(), 12);
    assert.equal(ring.tryWrite(pattern(9, 1)), false, '9 bytes need 4 + 12');
    assert.equal(ring.tryWrite(pattern(8, 1)), true, '8 bytes need exactly 12');
  });

  it('writeOrDrop counts refused records in the shared dropped counter', () => {
    const ring = SharedRing.create(32);
    assert.equal(ring.writeOrDrop(pattern(20, 0)), true);
    assert.equal(ring.writeOrDrop(pattern(20, 1)), false);
    assert.equal(ring.writeOrDrop(pattern(20, 2)), false);
    assert.equal(ring.stats().dropped, 2);
    assert.equal(SharedRing.attach(ring.buffer).stats().dropped, 2, 'visible through another handle');
    assert.equal(ring.stats().written, 1);
  });

  it('a record larger than capacity - 4 throws a RangeError; exactly capacity - 4 fits an empty ring', () => {
    const ring = SharedRing.create(64);
    assert.equal(ring.maxRecordBytes, 60);
    assert.throws(() => ring.tryWrite(new Uint8Array(61)), RangeError);
    assert.throws(() => ring.writeOrDrop(new Uint8Array(61)), RangeError);
    assert.equal(ring.stats().dropped, 0, 'an impossible record is an error, not a drop');
    ring.tryWrite(pattern(4, 0));
    ring.tryRead(); // move off position 0 so the maximal record wraps
    assert.equal(ring.tryWrite(pattern(60, 7)), true);
    assert.equal(ring.freeBytes(), 0);
    assert.deepEqual(ring.tryRead(), pattern(60, 7));
  });

  it('keeps working when the 32-bit head and tail counters wrap past 2^32', () => {
    const capacity = 64;
    const ring = SharedRing.create(capacity);
    // 2^32 - 40: a few records in, the counters overflow while the ring position also wraps.
    const start = 2 ** 32 - 40;
    forceCounters(ring, start);
    assert.equal(ring.available(), 0);
    let seed = 0;
    let consumed = 0;
    for (let i = 0; i < 40; i++) {
      const a = pattern(i % 23, seed++);
      const b = pattern((i * 5) % 19, seed++);
      assert.equal(ring.tryWrite(a), true, `write a ${i}`);
      assert.equal(ring.tryWrite(b), true, `write b ${i}`);
      const used = footprint(a.length) + footprint(b.length);
      assert.equal(ring.available(), used, 'used bytes stay non-negative and exact across the wrap');
      assert.equal(ring.freeBytes(), capacity - used);
      assert.deepEqual(ring.tryRead(), a);
      assert.deepEqual(ring.tryRead(), b);
      consumed += used;
    }
    const head = readHeader(ring, SharedRingHeader.HEAD);
    assert.equal(head, (start + consumed) % 2 ** 32);
    assert.ok(head < start, 'the head counter really wrapped');
    assert.equal(readHeader(ring, SharedRingHeader.TAIL), head);
    // Fill completely across the wrap to check the full/empty distinction still holds.
    while (ring.tryWrite(pattern(4, 1)));
    assert.equal(ring.available(), capacity);
    assert.equal(ring.freeBytes(), 0);
  });

  it('refuses new records when the counters say full even though head wrapped below tail numerically', () => {
    const ring = SharedRing.create(32);
    forceCounters(ring, 2 ** 32 - 8);
    assert.equal(ring.tryWrite(pattern(12, 0)), true); // head wraps to 8, tail stays at 2^32 - 8
    assert.ok(readHeader(ring, SharedRingHeader.HEAD) < readHeader(ring, SharedRingHeader.TAIL));
    assert.equal(ring.available(), 16);
    assert.equal(ring.tryWrite(pattern(12, 1)), true);
    assert.equal(ring.tryWrite(pattern(0, 2)), false);
    assert.deepEqual(ring.tryRead(), pattern(12, 0));
    assert.deepEqual(ring.tryRead(), pattern(12, 1));
  });

  it('tryRead returns a private copy that later writes cannot change', () => {
    const ring = SharedRing.create(16);
    ring.tryWrite(pattern(8, 1));
    const copy = ring.tryRead();
    assert.ok(copy);
    assert.ok(!(copy.buffer instanceof SharedArrayBuffer));
    ring.tryWrite(pattern(8, 50));
    ring.tryWrite(pattern(0, 0));
    assert.deepEqual(copy, pattern(8, 1));
  });

  it('readBatch honours max and counts written/read records in the shared header', () => {
    const ring = SharedRing.create(256);
    for (let i = 0; i < 10; i++) ring.tryWrite(pattern(i, i));
    const lengths: number[] = [];
    assert.equal(
      ring.readBatch((bytes) => lengths.push(bytes.length), 4),
      4,
    );
    assert.deepEqual(lengths, [0, 1, 2, 3]);
    const stats = ring.stats();
    assert.equal(stats.written, 10);
    assert.equal(stats.read, 4);
    assert.equal(
      ring.readBatch(() => undefined, 0),
      0,
    );
    assert.equal(
      ring.readBatch(() => undefined),
      6,
    );
  });

  it('readBatch releases a record whose callback throws and leaves the rest queued', () => {
    const ring = SharedRing.create(64);
    ring.tryWrite(pattern(3, 1));
    ring.tryWrite(pattern(3, 2));
    assert.throws(() =>
      ring.readBatch(() => {
        throw new Error('bad record');
      }),
    );
    assert.equal(ring.stats().read, 1);
    assert.deepEqual(ring.tryRead(), pattern(3, 2));
  });

  it('highWaterBytes records the fullest the ring has been', () => {
    const ring = SharedRing.create(128);
    ring.tryWrite(pattern(12, 0));
    ring.tryWrite(pattern(12, 0));
    ring.tryRead();
    ring.tryRead();
    ring.tryWrite(pattern(4, 0));
    assert.equal(ring.stats().highWaterBytes, 32);
    assert.equal(ring.stats().usedBytes, 8);
  });

  it('attach shares state with the creating handle and rejects foreign buffers', () => {
    const producer = SharedRing.create(64);
    const consumer = SharedRing.attach(producer.buffer);
    assert.equal(consumer.capacityBytes, 64);
    producer.tryWrite(pattern(5, 9));
    assert.deepEqual(consumer.tryRead(), pattern(5, 9));
    assert.equal(producer.available(), 0);
    assert.throws(() => SharedRing.attach(new SharedArrayBuffer(SHARED_RING_HEADER_BYTES + 64)), TypeError);
    assert.throws(() => SharedRing.attach(new SharedArrayBuffer(16)), RangeError);
    const truncated = new SharedArrayBuffer(SHARED_RING_HEADER_BYTES + 32);
    new Uint8Array(truncated).set(new Uint8Array(producer.buffer, 0, SHARED_RING_HEADER_BYTES));
    assert.throws(() => SharedRing.attach(truncated), RangeError, 'header capacity must match the buffer size');
  });

  it('waitForData returns not-equal when data is queued and timed-out on an empty ring', () => {
    const ring = SharedRing.create(64);
    assert.equal(ring.waitForData(5), 'timed-out');
    ring.tryWrite(pattern(1, 1));
    assert.equal(ring.waitForData(1000), 'not-equal');
  });

  it('waitForSpace returns not-equal when the record fits and timed-out when the ring stays full', () => {
    const ring = SharedRing.create(16);
    assert.equal(ring.waitForSpace(12, 1000), 'not-equal');
    ring.tryWrite(pattern(8, 0));
    assert.equal(ring.freeBytes(), 4);
    assert.equal(ring.waitForSpace(0, 1000), 'not-equal', 'an empty record needs only its 4-byte prefix');
    assert.equal(ring.waitForSpace(1, 5), 'timed-out');
  });

  it('JSON record helpers round-trip values, including from a shared-memory view', () => {
    const ring = SharedRing.create(256);
    const value = { symbol: 'BTCUSDT', price: 64123.5, sides: ['bid', 'ask'], note: 'prix – €' };
    ring.tryWrite(encodeJsonRecord(value));
    let decoded: unknown;
    ring.readBatch((bytes) => {
      decoded = decodeJsonRecord(bytes);
    });
    assert.deepEqual(decoded, value);
    assert.throws(() => encodeJsonRecord(undefined), TypeError);
  });
});

describe('SharedRing (across worker_threads)', function () {
  this.timeout(60_000);

  let worker: Worker | undefined;

  afterEach(async () => {
    // Only set while a test is still running a worker, i.e. after a failure: never leave it behind.
    if (worker) {
      await worker.terminate();
      worker = undefined;
    }
  });

  it('a worker producer streams 1,000,000 variable-length records through a small ring with no loss, duplicate or reordering', async () => {
    const count = 1_000_000;
    const capacity = 64 * 1024;
    const ring = SharedRing.create(capacity);
    const data: ProducerWorkerData = { role: 'shared-ring-producer', buffer: ring.buffer, count, stallTimeoutMs: 20_000 };
    const active = new Worker(path.join(__dirname, 'fixtures', 'sharedRingProducer.worker.js'), { workerData: data });
    worker = active;

    let failure: Error | undefined;
    let exitCode: number | undefined;
    let done: ProducerDoneMessage | undefined;
    active.on('error', (err) => {
      failure = err;
    });
    active.on('message', (message: ProducerDoneMessage) => {
      done = message;
    });
    const exited = new Promise<number>((resolve) => active.once('exit', resolve));
    void exited.then((code) => {
      exitCode = code;
    });

    let expected = 0;
    let bytesConsumed = 0;
    let payloadMismatch: string | undefined;
    const check = (bytes: Uint8Array): void => {
      const seq = decodeTestSeq(bytes);
      if (seq !== expected) throw new Error(`expected seq ${expected}, got ${seq} (loss, duplicate or reorder)`);
      const len = payloadLength(seq);
      if (bytes.length !== SEQ_BYTES + len) throw new Error(`seq ${seq}: length ${bytes.length}, expected ${SEQ_BYTES + len}`);
      for (let i = 0; i < len; i++) {
        if (bytes[SEQ_BYTES + i] !== payloadByte(seq, i)) {
          payloadMismatch = `seq ${seq}: payload byte ${i} is ${bytes[SEQ_BYTES + i]}`;
          throw new Error(payloadMismatch);
        }
      }
      bytesConsumed += bytes.length;
      expected++;
    };

    const deadline = Date.now() + 50_000;
    // Hold off until the producer is blocked on a full ring, so backpressure is proven rather than
    // left to scheduling luck; the consumer is otherwise fast enough that the ring might never fill.
    while (readHeader(ring, SharedRingHeader.PRODUCER_WAITING) === 0) {
      if (failure) throw failure;
      if (exitCode !== undefined) assert.fail(`producer exited with code ${exitCode} before filling the ring`);
      if (Date.now() > deadline) assert.fail('producer never filled the ring');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.ok(ring.freeBytes() < footprint(SEQ_BYTES + MAX_PAYLOAD_BYTES), 'ring is full when the producer waits');

    while (expected < count) {
      if (ring.readBatch(check, 4096) > 0) continue;
      if (failure) throw failure;
      if (exitCode !== undefined && ring.available() === 0) {
        assert.fail(`producer exited with code ${exitCode} after ${expected} of ${count} records`);
      }
      if (Date.now() > deadline) assert.fail(`timed out after ${expected} of ${count} records`);
      // Sleep briefly until the producer publishes, then let the event loop deliver worker events.
      ring.waitForData(5);
      await new Promise((resolve) => setImmediate(resolve));
    }

    assert.equal(await exited, 0, 'worker exits cleanly');
    worker = undefined;
    if (failure) throw failure;
    assert.equal(payloadMismatch, undefined);
    assert.equal(ring.tryRead(), undefined, 'nothing beyond the last record');

    const stats = ring.stats();
    assert.equal(stats.written, count);
    assert.equal(stats.read, count);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.usedBytes, 0);
    assert.ok(stats.highWaterBytes > capacity - footprint(SEQ_BYTES + MAX_PAYLOAD_BYTES), `ring filled up (high water ${stats.highWaterBytes})`);
    assert.ok(bytesConsumed > 100 * capacity, `payload volume wrapped the ring many times (${bytesConsumed} bytes)`);
    assert.ok(done, 'worker reported completion');
    assert.equal(done.written, count);
    assert.ok(done.fullWaits > 0, 'the producer had to wait for space at least once');
  });
});
