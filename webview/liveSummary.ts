import type { BookSnapshotMessage } from '../src/shared/panelProtocol';
import { priceScaleFor } from '../src/engine/analysis/bookStats';
import { formatPrice, formatSize, MISSING, sizeDecimals } from './numberFormat';

/**
 * A visually hidden aria-live="polite" line with the best bid and ask, for screen readers. The book
 * changes many times a second; the text is rewritten at most once per ANNOUNCE_INTERVAL_MS so a
 * reader is not flooded.
 */

export const ANNOUNCE_INTERVAL_MS = 1000;

export function summaryText(s: BookSnapshotMessage): string {
  if (!(s.tickSize > 0)) return `${s.symbol}: no data`;
  const scale = priceScaleFor(s.tickSize);
  const decimals = sizeDecimals([s.bestBidQty, s.bestAskQty]);
  const side = (price: number, qty: number): string =>
    price > 0 ? `${formatPrice(price, scale)}, size ${formatSize(qty, decimals)}` : MISSING;
  // Not live (stale, replay, paused, failed…): said before the numbers, without the age, which would change every second.
  const state = s.state === 'live' ? '' : ` (${s.state})`;
  return `${s.symbol}${state} best bid ${side(s.bestBid, s.bestBidQty)}; best ask ${side(s.bestAsk, s.bestAskQty)}.`;
}

/** Decides when to announce; pure, with the clock passed in. */
export class AnnounceThrottle {
  private lastAt = -Infinity;
  private lastText = '';

  constructor(private readonly intervalMs = ANNOUNCE_INTERVAL_MS) {}

  /** True when `text` should be written now (it changed and the interval has passed). */
  shouldAnnounce(text: string, now: number): boolean {
    if (text === this.lastText || now - this.lastAt < this.intervalMs) return false;
    this.lastText = text;
    this.lastAt = now;
    return true;
  }
}

export class LiveSummary {
  readonly element: HTMLElement;
  private readonly throttle = new AnnounceThrottle();

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'visually-hidden';
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-atomic', 'true');
    this.element.id = 'book-summary';
  }

  update(snapshot: BookSnapshotMessage | null, now: number): void {
    if (snapshot === null) return;
    const text = summaryText(snapshot);
    if (this.throttle.shouldAnnounce(text, now)) this.element.textContent = text;
  }
}
