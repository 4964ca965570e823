import type { BookSnapshotMessage, PanelFeedState } from '../src/shared/panelProtocol';
import { priceScaleFor } from '../src/engine/analysis/bookStats';
import { formatPrice, formatSignedPercent, MISSING, withThousands } from './numberFormat';

/**
 * The header line: symbol, feed state (its reason as the tooltip), best bid and ask, spread, mid and
 * the top-10 imbalance as a signed percentage with a small bar. DOM, updated from the frame, and
 * only the text that changed is written (no layout work when nothing moved).
 */

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
  private snapshot: BookSnapshotMessage | null = null;
  private status: { state: PanelFeedState; reason: string } = { state: 'idle', reason: '' };
  private dirty = true;
  private shownState: PanelFeedState | null = null;
  private shownReason: string | null = null;
  private shownFill = '';

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
    const stat = (label: string, cls: string): TextSlot => {
      const box = span(`stat ${cls}`);
      const name = span('stat-label', box);
      name.textContent = label;
      return new TextSlot(span('stat-value', box));
    };
    this.bid = stat('Bid', 'bid');
    this.ask = stat('Ask', 'ask');
    this.spread = stat('Spread', 'spread');
    this.mid = stat('Mid', 'mid');
    this.imbalance = stat('Imbalance', 'imbalance');
    this.imbalanceBar = span('imbalance-bar', this.imbalance.element.parentElement ?? this.element);
    this.imbalanceBar.setAttribute('aria-hidden', 'true');
    this.imbalanceFill = span('imbalance-fill', this.imbalanceBar);
    this.imbalance.element.parentElement?.setAttribute('title', 'Bid minus ask size over the top 10 levels, as a share of both');
  }

  setSymbol(symbol: string): void {
    this.symbol.set(symbol);
  }

  setStatus(state: PanelFeedState, reason: string): void {
    this.status = { state, reason };
    this.dirty = true;
  }

  setSnapshot(snapshot: BookSnapshotMessage | null): void {
    this.snapshot = snapshot;
    if (snapshot !== null) this.status = { state: snapshot.state, reason: snapshot.reason };
    this.dirty = true;
  }

  /** Writes what changed since the last render. */
  render(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const { state, reason } = this.status;
    if (state !== this.shownState || reason !== this.shownReason) {
      this.shownState = state;
      this.shownReason = reason;
      this.state.set(stateLabel(state));
      this.state.element.dataset.state = state;
      this.state.element.title = reason === '' ? stateLabel(state) : reason;
    }
    const s = this.snapshot;
    if (s === null || !(s.tickSize > 0)) {
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
