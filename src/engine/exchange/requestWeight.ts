/** Binance's REST budget per IP: request weight in each calendar minute. */
export const REQUEST_WEIGHT_LIMIT_PER_MINUTE = 2400;

export interface WeightCharge {
  /** Weight used this minute, this request included (what X-MBX-USED-WEIGHT-1M reports). */
  used: number;
  exceeded: boolean;
  /** Seconds until the minute rolls over and the budget is whole again. */
  retryAfterSec: number;
}

/**
 * Counts request weight in fixed minute windows of the exchange's clock, as Binance does (the
 * counter resets on the minute, it is not a sliding window). Over-budget requests are charged too,
 * so hammering does not earn an earlier reset.
 */
export class RequestWeightMeter {
  private minute = Number.NaN;
  private used = 0;

  constructor(
    private readonly clock: { now(): number },
    readonly limit = REQUEST_WEIGHT_LIMIT_PER_MINUTE,
  ) {}

  charge(weight: number): WeightCharge {
    const now = this.clock.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = 0;
    }
    this.used += weight;
    return {
      used: this.used,
      exceeded: this.used > this.limit,
      retryAfterSec: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)),
    };
  }
}
