/**
 * Local receive times in nanoseconds since the Unix epoch, as hftbacktest stores them: the
 * high-resolution monotonic clock, anchored once to the wall clock, so stamps have real sub-millisecond
 * resolution and never go backwards when the wall clock is stepped (NTP, a manual change).
 */
export class ReceiveClock {
  private readonly offsetNs: bigint;

  constructor(wallMs: number = Date.now(), private readonly monotonicNs: () => bigint = process.hrtime.bigint) {
    // Whole milliseconds and the fraction apart: wallMs × 1e6 is beyond a double's integer precision.
    const whole = Math.floor(wallMs);
    this.offsetNs = BigInt(whole) * 1_000_000n + BigInt(Math.round((wallMs - whole) * 1e6)) - monotonicNs();
  }

  nowNs(): bigint {
    return this.monotonicNs() + this.offsetNs;
  }
}

const NS_PER_DAY = 86_400_000_000_000n;

/** The UTC day a nanosecond stamp falls on, as days since the epoch (days change at midnight UTC). */
export function utcDayOf(ns: bigint): number {
  return Number(ns / NS_PER_DAY);
}

/** `YYYYMMDD` of a UTC day number. */
export function utcDayStamp(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
}
