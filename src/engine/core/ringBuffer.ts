/**
 * What a full ring does with one more item.
 *
 * - `drop-oldest`: overwrite the oldest item. Right for live market data, where the newest state
 *   matters and a slow reader should lose history rather than stall the feed.
 * - `drop-newest`: discard the incoming item. Right when the earliest items carry the context
 *   (e.g. a snapshot followed by deltas) and later ones are worthless without it.
 * - `reject`: refuse the item. Mechanically the same as `drop-newest`, but it is a contract, not a
 *   loss policy: `false` tells the caller to apply backpressure (pause a socket, retry later, keep the
 *   item elsewhere), so the refusal is counted separately from data the ring chose to throw away.
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'reject';

export interface RingBufferOptions {
  /** Defaults to `drop-oldest`. */
  readonly overflow?: OverflowPolicy;
}

/** Lifetime counters; `clear()` empties the ring but keeps them. */
export interface RingBufferStats {
  /** Items accepted (including ones later overwritten under `drop-oldest`). */
  readonly pushed: number;
  /** Items handed out by `shift`, `drain` or `drainTo`. */
  readonly drained: number;
  /** Accepted items overwritten before anyone read them (`drop-oldest`). */
  readonly droppedOldest: number;
  /** Incoming items discarded because the ring was full (`drop-newest`). */
  readonly droppedNewest: number;
  /** Incoming items refused because the ring was full (`reject`). */
  readonly rejected: number;
  /** Largest `size` ever reached. */
  readonly highWaterMark: number;
  readonly size: number;
  readonly capacity: number;
}

/** Masks are 32-bit in JS, so a power-of-two capacity above 2^30 cannot be masked safely. */
const MAX_CAPACITY = 2 ** 30;

/** True when `n` is a positive integer power of two (exact for every safe integer, not only int32). */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n <= 0) return false;
  // `&` truncates to int32, so reduce large values by exact division first.
  while (n > MAX_CAPACITY) {
    if (n % MAX_CAPACITY !== 0) return false;
    n /= MAX_CAPACITY;
  }
  return (n & (n - 1)) === 0;
}

/**
 * Fixed-capacity FIFO for a single thread. The storage never grows and never shifts elements, so
 * steady-state push/shift allocate nothing; positions are `index & mask`, which is why the capacity
 * must be a power of two.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  private readonly mask: number;
  private readonly policy: OverflowPolicy;
  /** Slot of the oldest item; the next free slot is `(head + count) & mask`. */
  private head = 0;
  private count = 0;

  private pushedCount = 0;
  private drainedCount = 0;
  private droppedOldestCount = 0;
  private droppedNewestCount = 0;
  private rejectedCount = 0;
  private highWater = 0;

  constructor(capacity: number, options: RingBufferOptions = {}) {
    if (!isPowerOfTwo(capacity) || capacity > MAX_CAPACITY) {
      throw new RangeError(
        `RingBuffer capacity must be a power of two between 1 and 2^30 (1, 2, 4, 8, ...), got ${capacity}`,
      );
    }
    // Filled rather than holey so V8 keeps a packed backing store.
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.policy = options.overflow ?? 'drop-oldest';
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  get isFull(): boolean {
    return this.count > this.mask;
  }

  get overflow(): OverflowPolicy {
    return this.policy;
  }

  /**
   * Appends one item. Returns false when the item did not enter the ring (`drop-newest`, `reject`);
   * under `drop-oldest` it always enters, evicting the oldest item if needed.
   */
  push(item: T): boolean {
    if (this.count > this.mask) {
      switch (this.policy) {
        case 'drop-oldest':
          // The oldest slot becomes the newest: overwrite it and move head past it.
          this.slots[this.head] = item;
          this.head = (this.head + 1) & this.mask;
          this.droppedOldestCount++;
          this.pushedCount++;
          return true;
        case 'drop-newest':
          this.droppedNewestCount++;
          return false;
        case 'reject':
          this.rejectedCount++;
          return false;
      }
    }
    this.slots[(this.head + this.count) & this.mask] = item;
    this.count++;
    this.pushedCount++;
    if (this.count > this.highWater) this.highWater = this.count;
    return true;
  }

  /**
   * Appends `items[start..end)` and returns how many entered the ring. Same policy as `push`, applied
   * to the batch as a whole: `drop-newest`/`reject` accept a prefix that fits, `drop-oldest` accepts
   * all and keeps the newest `capacity` items.
   */
  pushBatch(items: readonly T[], start = 0, end = items.length): number {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > items.length || start > end) {
      throw new RangeError(`pushBatch range [${start}, ${end}) is outside 0..${items.length}`);
    }
    const n = end - start;
    if (n === 0) return 0;
    const capacity = this.mask + 1;
    const free = capacity - this.count;
    let from = start;
    let accepted = n;
    if (n > free) {
      const overflow = n - free;
      if (this.policy === 'drop-oldest') {
        this.droppedOldestCount += overflow;
        if (n >= capacity) {
          // Everything currently held, plus the head of the batch, would be overwritten; skip
          // straight to the last `capacity` items instead of writing values that die immediately.
          this.head = 0;
          this.count = 0;
          from = end - capacity;
        } else {
          // Evicted slots are exactly the ones the batch is about to overwrite, so no clearing needed.
          this.head = (this.head + overflow) & this.mask;
          this.count -= overflow;
        }
      } else {
        accepted = free;
        if (this.policy === 'drop-newest') this.droppedNewestCount += overflow;
        else this.rejectedCount += overflow;
      }
    }
    const stop = this.policy === 'drop-oldest' ? end : start + accepted;
    let write = (this.head + this.count) & this.mask;
    for (let i = from; i < stop; i++) {
      this.slots[write] = items[i];
      write = (write + 1) & this.mask;
    }
    this.count += stop - from;
    this.pushedCount += accepted;
    if (this.count > this.highWater) this.highWater = this.count;
    return accepted;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    return this.take();
  }

  /**
   * Oldest item without removing it. Returns undefined when empty — ambiguous if T admits undefined,
   * in which case check `isEmpty` first.
   */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /**
   * Removes up to `max` items, oldest first, passing each to `visit`; returns how many were removed.
   * Each item leaves the ring before its callback runs, so a throwing callback loses only that item
   * and a callback may push back into the ring safely.
   */
  drain(max: number, visit: (item: T) => void): number {
    const n = this.clampCount(max);
    for (let i = 0; i < n; i++) visit(this.take());
    return n;
  }

  /** Appends up to `max` items (default: all), oldest first, to `out`; returns how many moved. */
  drainTo(out: T[], max = Infinity): number {
    const n = this.clampCount(max);
    for (let i = 0; i < n; i++) out.push(this.take());
    return n;
  }

  /** Empties the ring and releases the items; lifetime counters are kept (discards are not "drained"). */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.slots[(this.head + i) & this.mask] = undefined;
    this.head = 0;
    this.count = 0;
  }

  stats(): RingBufferStats {
    return {
      pushed: this.pushedCount,
      drained: this.drainedCount,
      droppedOldest: this.droppedOldestCount,
      droppedNewest: this.droppedNewestCount,
      rejected: this.rejectedCount,
      highWaterMark: this.highWater,
      size: this.count,
      capacity: this.mask + 1,
    };
  }

  /** Caller guarantees count > 0. Clears the slot so the ring never keeps a consumed item alive. */
  private take(): T {
    const item = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.drainedCount++;
    return item;
  }

  private clampCount(max: number): number {
    // NaN and non-positive limits take nothing; Infinity means "everything".
    return max > 0 ? Math.min(Math.floor(max), this.count) : 0;
  }
}
