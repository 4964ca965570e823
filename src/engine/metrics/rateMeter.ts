/**
 * Messages and bytes per second over a sliding window, computed on read (no timers).
 *
 * The window is cut into `buckets` equal slices held in a ring with one spare slot. On read, the
 * slices fully inside the window count in full and the oldest slice, which straddles the window
 * start, is weighted by the part of it still inside. That makes a steady stream read as its true
 * rate at any moment, instead of dipping each time a new slice starts.
 */

export interface Rate {
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
}

export interface RateMeterOptions {
  /** Window length in ms; default 1000. */
  readonly windowMs?: number;
  /** Number of slices in the window; default 10 (100 ms each with the default window). */
  readonly buckets?: number;
  /** Clock in ms; default Date.now. Injected by tests for determinism. */
  readonly now?: () => number;
}

export class RateMeter {
  readonly windowMs: number;
  private readonly sliceMs: number;
  private readonly slots: number;
  private readonly sliceMessages: Float64Array;
  private readonly sliceBytes: Float64Array;
  /** Absolute slice number each slot currently holds; NaN = never used. */
  private readonly sliceIds: Float64Array;
  private readonly clock: () => number;
  /** Latest time seen, so a clock stepping backwards cannot clear newer slices. */
  private latestMs = -Infinity;
  private totalMessages = 0;
  private totalBytes = 0;
  private lastMessageAt: number | undefined = undefined;

  constructor(options: RateMeterOptions = {}) {
    const windowMs = options.windowMs ?? 1000;
    const buckets = options.buckets ?? 10;
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`windowMs must be a positive finite number, got ${windowMs}`);
    }
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
    }
    this.windowMs = windowMs;
    this.sliceMs = windowMs / buckets;
    this.slots = buckets + 1;
    this.sliceMessages = new Float64Array(this.slots);
    this.sliceBytes = new Float64Array(this.slots);
    this.sliceIds = new Float64Array(this.slots).fill(NaN);
    this.clock = options.now ?? Date.now;
  }

  /**
   * Counts one message of `bytes` bytes. A negative or non-finite size counts the message with 0
   * bytes: the message arrived even if its size is unknown.
   */
  mark(bytes: number, nowMs: number = this.clock()): void {
    const size = bytes >= 0 && bytes !== Infinity ? bytes : 0;
    const t = nowMs > this.latestMs ? (this.latestMs = nowMs) : this.latestMs;
    const sliceId = Math.floor(t / this.sliceMs);
    const slot = this.slotOf(sliceId);
    if (this.sliceIds[slot] !== sliceId) {
      this.sliceIds[slot] = sliceId;
      this.sliceMessages[slot] = 0;
      this.sliceBytes[slot] = 0;
    }
    this.sliceMessages[slot]++;
    this.sliceBytes[slot] += size;
    this.totalMessages++;
    this.totalBytes += size;
    this.lastMessageAt = nowMs;
  }

  rate(nowMs: number = this.clock()): Rate {
    const t = nowMs > this.latestMs ? nowMs : this.latestMs;
    const currentId = Math.floor(t / this.sliceMs);
    const oldestId = currentId - (this.slots - 1);
    // Share of the oldest slice that still lies inside [t - window, t].
    const oldestWeight = 1 - (t - currentId * this.sliceMs) / this.sliceMs;
    let messages = 0;
    let bytes = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const id = this.sliceIds[slot];
      if (!(id >= oldestId && id <= currentId)) continue;
      const weight = id === oldestId ? oldestWeight : 1;
      messages += this.sliceMessages[slot] * weight;
      bytes += this.sliceBytes[slot] * weight;
    }
    const seconds = this.windowMs / 1000;
    return { messagesPerSecond: messages / seconds, bytesPerSecond: bytes / seconds };
  }

  get messages(): number {
    return this.totalMessages;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Time (ms, as passed to or read by `mark`) of the last message; undefined before the first. */
  get lastAt(): number | undefined {
    return this.lastMessageAt;
  }

  reset(): void {
    this.sliceMessages.fill(0);
    this.sliceBytes.fill(0);
    this.sliceIds.fill(NaN);
    this.latestMs = -Infinity;
    this.totalMessages = 0;
    this.totalBytes = 0;
    this.lastMessageAt = undefined;
  }

  private slotOf(sliceId: number): number {
    const slot = sliceId % this.slots;
    // Clocks may be negative in tests; keep the slot index non-negative.
    return slot < 0 ? slot + this.slots : slot;
  }
}
