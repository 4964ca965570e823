import type { Clock } from './clock';
import { RETRY_DELAY_MAX_MS } from './delayBounds';

/**
 * Keeps this client's REST request weight inside a per-minute budget. Binance allows 2,400 weight a
 * minute per IP and bans an IP that keeps exceeding it, and other programs may share the IP, so
 * FlowSight spends at most a fraction of it. A burst of resyncs is therefore delayed here, never
 * passed on to the exchange.
 */
export class RequestWeightBudget {
  private readonly spent: Array<{ at: number; weight: number }> = [];
  /** Requests that had to wait for the budget (a resync storm shows up here). */
  deferred = 0;
  /** Weight the exchange reported as used by this IP in the current minute (X-MBX-USED-WEIGHT-1M). */
  exchangeReportedWeight = 0;
  /** Until when the exchange asked us to send nothing (429/418 Retry-After). */
  blockedUntil = 0;

  constructor(
    private readonly clock: Clock,
    readonly weightPerMinute = 1200,
    private readonly windowMs = 60_000,
  ) {}

  /** Weight spent in the current window. */
  used(): number {
    this.expire();
    let total = 0;
    for (const s of this.spent) total += s.weight;
    return total;
  }

  /** Milliseconds to wait before `weight` may be spent (0 = now). */
  delayFor(weight: number): number {
    const now = this.clock.now();
    this.expire();
    let wait = Math.max(0, this.blockedUntil - now);
    let used = this.used();
    if (used + weight > this.weightPerMinute) {
      // Wait until enough of our own spending leaves the window.
      for (const s of this.spent) {
        used -= s.weight;
        if (used + weight <= this.weightPerMinute) {
          wait = Math.max(wait, s.at + this.windowMs - now);
          break;
        }
      }
    }
    // The exchange counts per IP and per clock minute; others may share the IP.
    if (this.exchangeReportedWeight + weight > 2400 * 0.9) wait = Math.max(wait, this.windowMs - (now % this.windowMs));
    return Math.min(wait, RETRY_DELAY_MAX_MS);
  }

  spend(weight: number): void {
    this.spent.push({ at: this.clock.now(), weight });
  }

  blockFor(ms: number): void {
    if (!(ms > 0)) return;
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + Math.min(ms, RETRY_DELAY_MAX_MS));
  }

  private expire(): void {
    const cutoff = this.clock.now() - this.windowMs;
    while (this.spent.length > 0 && this.spent[0].at <= cutoff) this.spent.shift();
    if (this.exchangeReportedWeight > 0 && this.spent.length === 0) this.exchangeReportedWeight = 0;
  }
}
