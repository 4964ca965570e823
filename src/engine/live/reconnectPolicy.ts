/**
 * When to try connecting again. Exponential backoff with full jitter (a random delay between 0 and
 * min(cap, base·2^attempt)) spreads reconnecting clients out instead of synchronising them; after
 * `maxAttempts` failures in a row a circuit breaker opens for `cooldownMs`, after which one attempt
 * is allowed again. It never says "give up" and never says "retry now" twice in a row.
 */
export interface ReconnectPolicyOptions {
  baseMs?: number;
  capMs?: number;
  maxAttempts?: number;
  cooldownMs?: number;
  /** Random source in [0, 1); injected by tests. */
  random?: () => number;
}

export type ReconnectDecision =
  | { readonly kind: 'retry'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'circuit-open'; readonly delayMs: number; readonly failures: number };

export class ReconnectPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
  readonly cooldownMs: number;
  private readonly random: () => number;
  private failures = 0;
  private circuitOpens = 0;

  constructor(options: ReconnectPolicyOptions = {}) {
    this.baseMs = options.baseMs ?? 250;
    this.capMs = options.capMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.random = options.random ?? Math.random;
  }

  /** Consecutive failures since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  get timesCircuitOpened(): number {
    return this.circuitOpens;
  }

  /** Records a failed or lost connection and says what to do next. */
  onFailure(): ReconnectDecision {
    this.failures++;
    if (this.failures >= this.maxAttempts && this.failures % this.maxAttempts === 0) {
      this.circuitOpens++;
      return { kind: 'circuit-open', delayMs: this.cooldownMs, failures: this.failures };
    }
    const attempt = this.failures % this.maxAttempts;
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** (attempt - 1));
    // Full jitter, but never 0 ms: a tight loop is exactly what this class exists to prevent.
    const delayMs = Math.max(Math.min(50, this.baseMs), Math.floor(this.random() * ceiling));
    return { kind: 'retry', delayMs, attempt };
  }

  /** A connection reached a verified live state: the next failure starts from the beginning. */
  onSuccess(): void {
    this.failures = 0;
  }
}
