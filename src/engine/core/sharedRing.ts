import { isPowerOfTwo } from './ringBuffer';

/**
 * Int32 slots of the shared header. Exported because the header is a cross-thread wire format: any
 * side (and tests that need to place the counters near 2^32) may read it through an Int32Array over
 * `SharedRing.buffer`. Head and tail live on separate 64-byte cache lines so the producer's stores do
 * not keep invalidating the line the consumer is polling, and vice versa.
 *
 * HEAD and TAIL are free-running byte counters modulo 2^32 and always multiples of 4 (records are
 * padded to 4 bytes); the ring position is `counter & (capacity - 1)`.
 */
export const SharedRingHeader = {
  /** Identifies a SharedRing buffer so `attach` can reject arbitrary SharedArrayBuffers. */
  MAGIC: 0,
  /** Data-region capacity in bytes. */
  CAPACITY: 1,
  // --- producer-owned cache line ---
  /** Bytes ever published (mod 2^32). Written only by the producer. */
  HEAD: 16,
  /** Records ever published (mod 2^32). */
  WRITTEN: 17,
  /** Records refused by `writeOrDrop` (mod 2^32). */
  DROPPED: 18,
  /** Largest used byte count observed right after a publish. */
  HIGH_WATER: 19,
  /** 1 while the producer sleeps in `waitForSpace`, so the consumer only pays for notify when needed. */
  PRODUCER_WAITING: 20,
  // --- consumer-owned cache line ---
  /** Bytes ever consumed (mod 2^32). Written only by the consumer. */
  TAIL: 32,
  /** Records ever consumed (mod 2^32). */
  READ: 33,
  /** 1 while the consumer sleeps in `waitForData`. */
  CONSUMER_WAITING: 34,
} as const;

/** Header size in bytes: three 64-byte lines (config, producer, consumer). Data starts right after. */
export const SHARED_RING_HEADER_BYTES = 192;

const HEADER_INTS = SHARED_RING_HEADER_BYTES / 4;
const MAGIC_VALUE = 0x46535231; // "FSR1"
const LENGTH_PREFIX = 4;
const MIN_DATA_BYTES = 8;
/** Keeps `head - tail` unambiguous in 32-bit arithmetic and the byte mask inside int32. */
const MAX_DATA_BYTES = 2 ** 30;

export type SharedRingWaitResult = 'ok' | 'not-equal' | 'timed-out';

export interface SharedRingStats {
  readonly capacityBytes: number;
  /** Bytes occupied right now, including length prefixes and padding. */
  readonly usedBytes: number;
  /** Records published (mod 2^32). */
  readonly written: number;
  /** Records consumed (mod 2^32). */
  readonly read: number;
  /** Records refused by `writeOrDrop` (mod 2^32). */
  readonly dropped: number;
  readonly highWaterBytes: number;
}

/** Bytes a record of `payloadBytes` occupies in the ring: prefix plus payload padded to 4. */
function recordFootprint(payloadBytes: number): number {
  return LENGTH_PREFIX + ((payloadBytes + 3) & ~3);
}

/**
 * Lock-free single-producer/single-consumer queue of variable-length byte records in a
 * SharedArrayBuffer, for handing data across a worker_threads boundary without postMessage copies.
 *
 * Exactly one thread may call the producer methods (`tryWrite`, `writeOrDrop`, `waitForSpace`) and
 * exactly one thread the consumer methods (`tryRead`, `readBatch`, `waitForData`); each thread uses
 * its own `SharedRing` object (`create` on one side, `attach` on the other). Inspection methods are
 * safe from either side.
 *
 * Ordering: the producer copies the record bytes, then publishes HEAD with Atomics.store; the
 * consumer reads HEAD with Atomics.load before touching those bytes. Symmetrically the consumer
 * publishes TAIL only after it is done with a record, so the producer never overwrites bytes still
 * being read. Atomics operations are sequentially consistent, which gives the release/acquire pairing
 * the plain data accesses need.
 *
 * Records are a 4-byte length (host byte order — both sides share the host) followed by the payload,
 * padded to a 4-byte boundary so the prefix itself never straddles the end of the data region; the
 * payload may wrap and is then copied in two parts.
 */
export class SharedRing {
  readonly buffer: SharedArrayBuffer;
  private readonly header: Int32Array<SharedArrayBuffer>;
  private readonly data: Uint8Array<SharedArrayBuffer>;
  /** Same bytes as `data`, for reading/writing the aligned length prefix in one access. */
  private readonly data32: Int32Array<SharedArrayBuffer>;
  private readonly capacity: number;
  private readonly mask: number;
  /** Consumer-side reassembly area for records that wrap; grown on demand, reused afterwards. */
  private scratch = new Uint8Array(0);

  private constructor(buffer: SharedArrayBuffer, capacity: number) {
    this.buffer = buffer;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.data = new Uint8Array(buffer, SHARED_RING_HEADER_BYTES, capacity);
    this.data32 = new Int32Array(buffer, SHARED_RING_HEADER_BYTES, capacity / 4);
  }

  /** Allocates a new ring whose data region holds `dataBytes` (a power of two, 8..2^30). */
  static create(dataBytes: number): SharedRing {
    if (!isPowerOfTwo(dataBytes) || dataBytes < MIN_DATA_BYTES || dataBytes > MAX_DATA_BYTES) {
      throw new RangeError(
        `SharedRing data size must be a power of two between ${MIN_DATA_BYTES} and 2^30 bytes, got ${dataBytes}`,
      );
    }
    const buffer = new SharedArrayBuffer(SHARED_RING_HEADER_BYTES + dataBytes);
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    header[SharedRingHeader.CAPACITY] = dataBytes;
    // Published last so an attacher that sees the magic also sees the capacity.
    Atomics.store(header, SharedRingHeader.MAGIC, MAGIC_VALUE);
    return new SharedRing(buffer, dataBytes);
  }

  /** Opens a ring created elsewhere (typically received through workerData or postMessage). */
  static attach(buffer: SharedArrayBuffer): SharedRing {
    if (buffer.byteLength < SHARED_RING_HEADER_BYTES + MIN_DATA_BYTES) {
      throw new RangeError(`buffer of ${buffer.byteLength} bytes is too small to hold a SharedRing`);
    }
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    if (Atomics.load(header, SharedRingHeader.MAGIC) !== MAGIC_VALUE) {
      throw new TypeError('buffer was not created by SharedRing.create');
    }
    const capacity = header[SharedRingHeader.CAPACITY];
    if (!isPowerOfTwo(capacity) || buffer.byteLength !== SHARED_RING_HEADER_BYTES + capacity) {
      throw new RangeError(`SharedRing header capacity ${capacity} does not match a ${buffer.byteLength}-byte buffer`);
    }
    return new SharedRing(buffer, capacity);
  }

  get capacityBytes(): number {
    return this.capacity;
  }

  /** Largest payload a single record may carry. */
  get maxRecordBytes(): number {
    return this.capacity - LENGTH_PREFIX;
  }

  // ---------------------------------------------------------------- producer side

  /**
   * Copies `bytes` into the ring as one record. Returns false, leaving the ring untouched, when there
   * is not enough room right now. Throws RangeError for a record that could never fit.
   * The caller may reuse `bytes` as soon as this returns.
   */
  tryWrite(bytes: Uint8Array): boolean {
    const len = bytes.length;
    if (len > this.capacity - LENGTH_PREFIX) {
      throw new RangeError(
        `SharedRing record of ${len} bytes exceeds the maximum of ${this.capacity - LENGTH_PREFIX} for a ${this.capacity}-byte ring`,
      );
    }
    const h = this.header;
    const need = recordFootprint(len);
    // Only this thread writes HEAD, so a plain read of it is current.
    const head = h[SharedRingHeader.HEAD] >>> 0;
    const tail = Atomics.load(h, SharedRingHeader.TAIL) >>> 0;
    const used = (head - tail) >>> 0;
    if (this.capacity - used < need) return false;

    const pos = head & this.mask;
    this.data32[pos >>> 2] = len;
    const start = (pos + LENGTH_PREFIX) & this.mask;
    const firstPart = this.capacity - start;
    if (len <= firstPart) {
      this.data.set(bytes, start);
    } else {
      this.data.set(bytes.subarray(0, firstPart), start);
      this.data.set(bytes.subarray(firstPart), 0);
    }

    h[SharedRingHeader.WRITTEN] = (h[SharedRingHeader.WRITTEN] + 1) | 0;
    const usedAfter = used + need;
    if (usedAfter > h[SharedRingHeader.HIGH_WATER]) h[SharedRingHeader.HIGH_WATER] = usedAfter;
    // Release: everything above becomes visible to a consumer that loads the new HEAD.
    Atomics.store(h, SharedRingHeader.HEAD, (head + need) | 0);
    // Seq-cst store-then-load pairs with the consumer's flag-then-wait, so a sleeping consumer is
    // never missed, and the common case (consumer not sleeping) skips the notify call.
    if (Atomics.load(h, SharedRingHeader.CONSUMER_WAITING) !== 0) {
      Atomics.notify(h, SharedRingHeader.HEAD);
    }
    return true;
  }

  /**
   * Like `tryWrite`, but a full ring counts the record in the shared `dropped` counter instead of
   * leaving the decision to the caller — for producers that must never block (e.g. a socket reader).
   */
  writeOrDrop(bytes: Uint8Array): boolean {
    if (this.tryWrite(bytes)) return true;
    Atomics.add(this.header, SharedRingHeader.DROPPED, 1);
    return false;
  }

  /**
   * Blocks the producer until a record of `payloadBytes` could fit, the consumer frees some space,
   * or `timeoutMs` passes. Returns 'not-equal' without sleeping when the room is already there.
   * See `waitForData` for where blocking is allowed.
   */
  waitForSpace(payloadBytes: number, timeoutMs: number): SharedRingWaitResult {
    const h = this.header;
    const tail = Atomics.load(h, SharedRingHeader.TAIL);
    const used = ((h[SharedRingHeader.HEAD] >>> 0) - (tail >>> 0)) >>> 0;
    if (this.capacity - used >= recordFootprint(payloadBytes)) return 'not-equal';
    Atomics.store(h, SharedRingHeader.PRODUCER_WAITING, 1);
    // If the consumer moved TAIL after our load, the value check makes this return at once.
    const result = Atomics.wait(h, SharedRingHeader.TAIL, tail, timeoutMs);
    Atomics.store(h, SharedRingHeader.PRODUCER_WAITING, 0);
    return result;
  }

  // ---------------------------------------------------------------- consumer side

  /** Removes the oldest record and returns a private copy of it, or undefined when empty. */
  tryRead(): Uint8Array | undefined {
    let copy: Uint8Array | undefined;
    this.readBatch((bytes) => {
      copy = bytes.slice();
    }, 1);
    return copy;
  }

  /**
   * Removes up to `max` records (default: all available), oldest first, passing each to `visit`, and
   * returns how many were removed.
   *
   * The view handed to `visit` is only valid during that call: it may alias the shared data region,
   * which the producer reuses as soon as the record is released, or a scratch buffer reused for the
   * next wrapped record. Copy (`bytes.slice()`) anything that must outlive the callback.
   * A record is released after its callback returns — or throws, so one bad record cannot wedge the
   * ring; the exception then propagates and the remaining records stay queued.
   * `visit` must not read from this ring itself (no re-entrant reads).
   */
  readBatch(visit: (bytes: Uint8Array) => void, max = Infinity): number {
    const h = this.header;
    let tail = h[SharedRingHeader.TAIL] >>> 0;
    let head = Atomics.load(h, SharedRingHeader.HEAD) >>> 0;
    let n = 0;
    while (n < max) {
      if (tail === head) {
        // Pick up records published while we were visiting, within the same batch.
        head = Atomics.load(h, SharedRingHeader.HEAD) >>> 0;
        if (tail === head) break;
      }
      const pos = tail & this.mask;
      const len = this.data32[pos >>> 2];
      if (len < 0 || len > this.capacity - LENGTH_PREFIX) {
        // Only reachable if something other than a SharedRing producer wrote into the buffer.
        throw new RangeError(`SharedRing is corrupt: record length ${len} at byte ${pos}`);
      }
      const start = (pos + LENGTH_PREFIX) & this.mask;
      const firstPart = this.capacity - start;
      let view: Uint8Array;
      if (len <= firstPart) {
        view = this.data.subarray(start, start + len);
      } else {
        if (this.scratch.length < len) this.scratch = new Uint8Array(nextPowerOfTwo(len));
        this.scratch.set(this.data.subarray(start, this.capacity), 0);
        this.scratch.set(this.data.subarray(0, len - firstPart), firstPart);
        view = this.scratch.subarray(0, len);
      }
      tail = (tail + recordFootprint(len)) >>> 0;
      n++;
      try {
        visit(view);
      } finally {
        this.release(tail);
      }
    }
    return n;
  }

  /**
   * Blocks the consumer until the producer publishes, or `timeoutMs` passes. Returns 'not-equal'
   * without sleeping when data is already available, 'ok' when woken by a publish, else 'timed-out'.
   *
   * Atomics.wait blocks the calling thread: browsers forbid it on their main thread (it throws
   * there), while Node allows it on any thread — on Node's main thread it stalls the event loop for
   * up to `timeoutMs`, so keep the timeout short there.
   */
  waitForData(timeoutMs: number): SharedRingWaitResult {
    const h = this.header;
    const head = Atomics.load(h, SharedRingHeader.HEAD);
    if (head !== h[SharedRingHeader.TAIL]) return 'not-equal';
    Atomics.store(h, SharedRingHeader.CONSUMER_WAITING, 1);
    // If the producer published after our load, the value check makes this return at once.
    const result = Atomics.wait(h, SharedRingHeader.HEAD, head, timeoutMs);
    Atomics.store(h, SharedRingHeader.CONSUMER_WAITING, 0);
    return result;
  }

  // ---------------------------------------------------------------- inspection (either side)

  /** Bytes currently occupied, including length prefixes and padding. */
  available(): number {
    const h = this.header;
    const tail = Atomics.load(h, SharedRingHeader.TAIL) >>> 0;
    const head = Atomics.load(h, SharedRingHeader.HEAD) >>> 0;
    return (head - tail) >>> 0;
  }

  /** Bytes currently free. A record of n payload bytes needs 4 + n rounded up to a multiple of 4. */
  freeBytes(): number {
    return this.capacity - this.available();
  }

  stats(): SharedRingStats {
    const h = this.header;
    return {
      capacityBytes: this.capacity,
      usedBytes: this.available(),
      written: Atomics.load(h, SharedRingHeader.WRITTEN) >>> 0,
      read: Atomics.load(h, SharedRingHeader.READ) >>> 0,
      dropped: Atomics.load(h, SharedRingHeader.DROPPED) >>> 0,
      highWaterBytes: Atomics.load(h, SharedRingHeader.HIGH_WATER) >>> 0,
    };
  }

  private release(tail: number): void {
    const h = this.header;
    h[SharedRingHeader.READ] = (h[SharedRingHeader.READ] + 1) | 0;
    // Release: we are done with the record's bytes; the producer may now overwrite them.
    Atomics.store(h, SharedRingHeader.TAIL, tail | 0);
    if (Atomics.load(h, SharedRingHeader.PRODUCER_WAITING) !== 0) {
      Atomics.notify(h, SharedRingHeader.TAIL);
    }
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** JSON-encodes `value` as UTF-8 for callers off the hot path that want structured records. */
export function encodeJsonRecord(value: unknown): Uint8Array {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`cannot encode ${typeof value} as a JSON record`);
  return textEncoder.encode(json);
}

/** Inverse of `encodeJsonRecord`; accepts the callback-scoped views from `readBatch`. */
export function decodeJsonRecord(bytes: Uint8Array): unknown {
  // TextDecoder refuses views of shared memory in some runtimes, so decode from a private copy.
  const source = bytes.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes;
  return JSON.parse(textDecoder.decode(source));
}
