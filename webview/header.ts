import type { BookSnapshotMessage, PanelFeedState } from '../src/shared/panelProtocol';
import { priceScaleFor } from '../src/engine/analysis/bookStats';
import type { FeedBadge } from '../src/shared/freshness';
import { formatPrice, formatSignedPercent, MISSING } from './numberFormat';
import { withThousands } from '../src/shared/thousands';

/**
 * The header line: symbol, the feed badge ("Live", "Stale 12 s", "Replay 2024-08-08 09:14:02",
 * "Degraded: <reason>"; the reason as the tooltip), best bid and ask, spread, mid, the top-10
 * imbalance as a signed percentage with a small bar, and when the book was last verified. The
 * figures dim when they are not the market now and fade as they grow old. DOM, updated from the
 * frame, and only what changed is written (no layout work when nothing moved).
 */

/** How the header shows the age of what it shows; computed by the page for each frame it draws. */
export interface HeaderFreshness {
  readonly badge: FeedBadge;
  /** Opacity of the figures, 0..1. */
  readonly alpha: number;
  /** "verified 2 min ago", "not verified yet", or '' where nothing is verified (a replay). */
  readonly verified: string;
}

/** The badge as a label: its words with a capital first letter. */
export function badgeLabel(badge: FeedBadge): string {
  return badge.text === '' ? '' : badge.text[0].toUpperCase() + badge.text.slice(1);
}

const STATE_LABELS: Record<PanelFeedState, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  syncing: 'Syncing',
  live: 'Live',
  degraded: 'Degraded',
  stale: 'Stale',
  reconnecting: 'Reconnecting',
  'circuit-open': 'Paused after errors',
  failed: 'Failed',
  replay: 'Replay',
  paused: 'Paused',
};

export function stateLabel(state: PanelFeedState): string {
  return STATE_LABELS[state] ?? String(state);
}

/** Writes text only when it differs from what was last written (reading the DOM would cost a style recalc). */
class TextSlot {
  private current = '';
  constructor(readonly element: HTMLElement) {}
  set(text: string): void {
    if (text === this.current) return;
    this.current = text;
    this.element.textContent = text;
  }
}

export class Header {
  readonly element: HTMLElement;
  private readonly symbol: TextSlot;
  private readonly state: TextSlot;
  private readonly bid: TextSlot;
  private readonly ask: TextSlot;
  private readonly spread: TextSlot;
  private readonly mid: TextSlot;
  private readonly imbalance: TextSlot;
  private readonly imbalanceBar: HTMLElement;
  private readonly imbalanceFill: HTMLElement;
  private readonly figures: HTMLElement;
  private readonly verified: TextSlot;
  private snapshot: BookSnapshotMessage | null = null;
  private status: { state: PanelFeedState; reason: string } = { state: 'idle', reason: '' };
  private dirty = true;
  private shownState: string | null = null;
  private shownReason: string | null = null;
  private shownFill = '';
  private shownAlpha = '';

  constructor() {
    this.element = document.createElement('header');
    this.element.className = 'book-header';
    const span = (cls: string, parent: HTMLElement = this.element): HTMLElement => {
      const el = document.createElement('span');
      el.className = cls;
      parent.append(el);
      return el;
    };
    this.symbol = new TextSlot(span('symbol'));
    this.state = new TextSlot(span('feed-state'));
    // The figures sit in one box so that dimming them is one style write.
    this.figures = span('figures');
    const stat = (label: string, cls: string): TextSlot => {
      const box = span(`stat ${cls}`, this.figures);
      const name = span('stat-label', box);
      name.textContent = label;
      return new TextSlot(span('stat-value', box));
    };
    this.bid = stat('Bid', 'bid');
    this.ask = stat('Ask', 'ask');
    this.spread = stat('Spread', 'spread');
    this.mid = stat('Mid', 'mid');
    this.imbalance = stat('Imbalance', 'imbalance');
    this.imbalanceBar = span('imbalance-bar', this.imbalance.element.parentElement ?? this.figures);
    this.imbalanceBar.setAttribute('aria-hidden', 'true');
    this.imbalanceFill = span('imbalance-fill', this.imbalanceBar);
    this.imbalance.element.parentElement?.setAttribute('title', 'Bid minus ask size over the top 10 levels, as a share of both');
    this.verified = new TextSlot(span('verified'));
    this.verified.element.title = 'When a REST snapshot of the exchange last matched this book';
  }

  setSymbol(symbol: string): void {
    this.symbol.set(symbol);
  }

  setSnapshot(snapshot: BookSnapshotMessage | null): void {
    this.snapshot = snapshot;
    if (snapshot !== null) this.status = { state: snapshot.state, reason: snapshot.reason };
    this.dirty = true;
  }

  /**
   * Writes what changed since the last render. `freshness` is null before the first frame; the
   * badge's words change every second while not live, so the page renders with a fresh one.
   */
  render(freshness: HeaderFreshness | null): void {
    if (freshness !== null) {
      const label = badgeLabel(freshness.badge);
      if (label !== this.shownState) {
        this.shownState = label;
        this.state.set(label);
        this.state.element.dataset.state = freshness.badge.state;
      }
      const reason = this.status.reason;
      if (reason !== this.shownReason) {
        this.shownReason = reason;
        this.state.element.title = reason === '' ? label : reason;
      }
      this.verified.set(freshness.verified);
      this.verified.element.hidden = freshness.verified === '';
      this.setAlpha(freshness.alpha);
    } else if (this.shownState === null || this.status.state !== this.snapshot?.state) {
      const label = stateLabel(this.status.state);
      this.shownState = label;
      this.state.set(label);
      this.state.element.dataset.state = this.status.state;
      this.state.element.title = this.status.reason === '' ? label : this.status.reason;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const s = this.snapshot;
    if (s === null || !(s.tickSize > 0)) {
      if (s !== null) this.symbol.set(s.symbol);
      for (const slot of [this.bid, this.ask, this.spread, this.mid, this.imbalance]) slot.set(MISSING);
      this.setFill(0);
      return;
    }
    this.symbol.set(s.symbol);
    const scale = priceScaleFor(s.tickSize);
    const hasBid = s.bestBid > 0;
    const hasAsk = s.bestAsk > 0;
    this.bid.set(hasBid ? formatPrice(s.bestBid, scale) : MISSING);
    this.ask.set(hasAsk ? formatPrice(s.bestAsk, scale) : MISSING);
    if (hasBid && hasAsk) {
      const ticks = scale.toTicks(s.bestAsk) - scale.toTicks(s.bestBid);
      this.spread.set(`${formatPrice(scale.toPrice(ticks), scale)} (${withThousands(String(ticks))}t)`);
      // The mid of two tick prices needs one more decimal than the tick when the spread is odd.
      this.mid.set(formatMid(s.bestBid, s.bestAsk, scale.decimals));
    } else {
      this.spread.set(MISSING);
      this.mid.set(MISSING);
    }
    const imbalance = Number.isFinite(s.imbalance) ? Math.max(-1, Math.min(1, s.imbalance)) : NaN;
    this.imbalance.set(formatSignedPercent(imbalance * 100, 1));
    this.setFill(Number.isNaN(imbalance) ? 0 : imbalance);
  }

  /** Dims the figures; written in steps of 0.05 so a slow fade costs a style write now and then. */
  private setAlpha(alpha: number): void {
    const key = (Math.round(Math.max(0, Math.min(1, alpha)) * 20) / 20).toFixed(2);
    if (key === this.shownAlpha) return;
    this.shownAlpha = key;
    this.figures.style.opacity = key;
    this.figures.classList.toggle('dimmed', key !== '1.00');
  }

  private setFill(imbalance: number): void {
    const key = imbalance.toFixed(3);
    if (key === this.shownFill) return;
    this.shownFill = key;
    // CSSOM writes (not a style attribute), which a CSP without 'unsafe-inline' allows.
    this.imbalanceFill.style.transform = `scaleX(${Math.abs(imbalance)})`;
    this.imbalanceFill.classList.toggle('buy', imbalance > 0);
    this.imbalanceFill.classList.toggle('sell', imbalance < 0);
  }
}

/** The mid of a bid and an ask, written with the tick's decimals plus one when it falls between ticks. */
export function formatMid(bid: number, ask: number, tickDecimals: number): string {
  const mid = (bid + ask) / 2;
  if (!Number.isFinite(mid)) return MISSING;
  const exact = mid.toFixed(tickDecimals + 1);
  const text = exact.endsWith('0') ? mid.toFixed(tickDecimals) : exact;
  return withThousands(text);
}
