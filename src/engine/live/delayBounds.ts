/**
 * The one place where waits are bounded. Node fires a timer whose delay is over 2^31 − 1 ms (or not a
 * number) after 1 ms, so one absurd `Retry-After` turned into thousands of requests a second; every
 * delay the feed computes passes through here, and the clock and TimerSet bound whatever reaches them.
 */
import { serverText } from '../core/untrustedText';

/** Largest delay Node's timers keep as given (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Shortest and longest wait before trying the exchange again, whatever it or a computation says. */
export const RETRY_DELAY_MIN_MS = 50;
export const RETRY_DELAY_MAX_MS = 10 * 60_000;

/** Shortest wait an exchange's Retry-After can ask for: 0 s would be a tight loop. */
export const RETRY_AFTER_MIN_MS = 1000;

/** A connection must stay up this long before its backoff is forgotten (one that dies sooner counts as a failure). */
export const HEALTHY_CONNECTION_MS = 30_000;

/**
 * A timer delay Node will honour: 0 … 2^31 − 1 ms. NaN (a computation gone wrong) becomes the longest
 * retry wait: late rather than a tight loop, which is what Node would make of it.
 */
export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) return RETRY_DELAY_MAX_MS;
  if (ms <= 0) return 0;
  return Math.min(MAX_TIMER_MS, ms);
}

/** A retry wait inside [RETRY_DELAY_MIN_MS, RETRY_DELAY_MAX_MS]; NaN becomes the longest wait. */
export function retryDelay(ms: number): number {
  if (Number.isNaN(ms)) return RETRY_DELAY_MAX_MS;
  return Math.min(RETRY_DELAY_MAX_MS, Math.max(RETRY_DELAY_MIN_MS, Math.round(ms)));
}

/** What an exchange's Retry-After header means for us: how long we wait, and in words why, when it was odd. */
export interface RetryAfterWait {
  readonly ms: number;
  /** Set when the header was not taken as it came (absent, unreadable, out of range). */
  readonly note: string | undefined;
}

/**
 * Reads a Retry-After header (seconds or an HTTP date, RFC 9110) into a bounded wait. Anything absurd
 * — huge, negative, not a number, a date in the past or years ahead — becomes a wait inside
 * [RETRY_AFTER_MIN_MS, RETRY_DELAY_MAX_MS], and the note says what was asked and what we do instead.
 */
export function retryAfterWait(header: string | null | undefined, fallbackMs: number, now: number): RetryAfterWait {
  const fallback = boundRetryAfter(fallbackMs);
  if (header === undefined || header === null || header.trim() === '') return { ms: fallback, note: undefined };
  const text = header.trim();
  const shown = serverText(text, 60);
  let asked: number | undefined;
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) {
    asked = Number(text) * 1000;
  } else if (/[a-z]/i.test(text)) {
    const date = Date.parse(text);
    if (Number.isFinite(date)) asked = date - now;
  }
  if (asked === undefined || !Number.isFinite(asked)) {
    return { ms: fallback, note: `the exchange's Retry-After "${shown}" is neither seconds nor a date; waiting ${formatDuration(fallback)}` };
  }
  if (asked < 0) {
    return { ms: fallback, note: `the exchange's Retry-After "${shown}" lies in the past; waiting ${formatDuration(fallback)}` };
  }
  const ms = boundRetryAfter(asked);
  if (ms !== Math.round(asked)) {
    return { ms, note: `the exchange asked to wait ${formatDuration(asked)} (Retry-After "${shown}"); waiting ${formatDuration(ms)} instead` };
  }
  return { ms, note: undefined };
}

function boundRetryAfter(ms: number): number {
  return Math.min(RETRY_DELAY_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, Math.round(ms)));
}

/** Durations in words, from milliseconds to days. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

