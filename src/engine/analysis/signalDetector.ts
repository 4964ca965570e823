import type { BookView, Side } from '../book/bookView';
import type { PriceScale } from '../book/priceScale';
import type { SignalEvent, SignalKind, TradeEvent } from '../protocol/events';
import { imbalance, mid, priceScaleFor } from './bookStats';
import { aggressorSide } from './tradeFlow';

export interface SignalDetectorOptions {
  readonly symbol: string;
  readonly tickSize: number;
  /** A trade at least this large is a largeTrade signal. */
  readonly largeTradeQty: number;
  /** A resting level at least this large is a wall. */
  readonly wallQty: number;
  /** How far from the touch on its own side (in ticks) a wall must be to matter (default 200). */
  readonly wallRangeTicks?: number;
  /** Levels per side in the imbalance (default 10). */
  readonly imbalanceLevels?: number;
  /** |imbalance| at which imbalanceCrossed fires (default 0.6). */
  readonly imbalanceThreshold?: number;
  /** How far back inside the threshold imbalance must come before it can fire again (default 0.1). */
  readonly hysteresis?: number;
}

/** Which imbalance extreme the book is currently in; 'none' means re-armed. */
type ImbalanceRegime = 'none' | 'bid' | 'ask';

/**
 * Watches trades and successive book states for events worth pointing out: large trades, walls
 * appearing near the touch, walls pulled without being traded, and imbalance extremes.
 *
 * Per onBook call the work is proportional to the levels within the wall range (plus the walls
 * already being tracked), never to the depth of the book.
 */
export class SignalDetector {
  readonly symbol: string;
  readonly largeTradeQty: number;
  readonly wallQty: number;
  readonly wallRangeTicks: number;
  readonly imbalanceLevels: number;
  readonly imbalanceThreshold: number;
  readonly hysteresis: number;
  private readonly scale: PriceScale;

  /** Tracked walls per side: ticks → qty at the previous onBook. Swapped with `next*` each call. */
  private bidWalls = new Map<number, number>();
  private askWalls = new Map<number, number>();
  private nextBidWalls = new Map<number, number>();
  private nextAskWalls = new Map<number, number>();
  /** A side's first non-empty view only sets the baseline, so start-up or a resync is not reported as new walls. */
  private bidPrimed = false;
  private askPrimed = false;

  /**
   * Extremes of trade prices since the last onBook. A trade at or beyond a wall's price means the
   * wall was (at least partly) hit, so its disappearance is consumption, not a pull.
   */
  private minTradedTicks = Infinity;
  private maxTradedTicks = -Infinity;

  private regime: ImbalanceRegime = 'none';
  private imbalancePrimed = false;

  constructor(options: SignalDetectorOptions) {
    this.symbol = options.symbol;
    this.scale = priceScaleFor(options.tickSize);
    this.largeTradeQty = positive('largeTradeQty', options.largeTradeQty);
    this.wallQty = positive('wallQty', options.wallQty);
    this.wallRangeTicks = options.wallRangeTicks ?? 200;
    if (!Number.isInteger(this.wallRangeTicks) || this.wallRangeTicks < 0) {
      throw new RangeError(`wallRangeTicks must be an integer ≥ 0, got ${this.wallRangeTicks}`);
    }
    this.imbalanceLevels = options.imbalanceLevels ?? 10;
    if (!Number.isInteger(this.imbalanceLevels) || this.imbalanceLevels < 1) {
      throw new RangeError(`imbalanceLevels must be an integer ≥ 1, got ${this.imbalanceLevels}`);
    }
    this.imbalanceThreshold = options.imbalanceThreshold ?? 0.6;
    if (!(this.imbalanceThreshold > 0 && this.imbalanceThreshold <= 1)) {
      throw new RangeError(`imbalanceThreshold must be in (0, 1], got ${this.imbalanceThreshold}`);
    }
    this.hysteresis = options.hysteresis ?? 0.1;
    if (!(this.hysteresis >= 0 && this.hysteresis <= this.imbalanceThreshold)) {
      throw new RangeError(`hysteresis must be in [0, imbalanceThreshold], got ${this.hysteresis}`);
    }
  }

  /** Records the trade for wall tracking and returns a largeTrade signal when it is big enough. */
  onTrade(trade: TradeEvent): SignalEvent | undefined {
    const ticks = this.scale.toTicks(trade.price);
    if (ticks < this.minTradedTicks) this.minTradedTicks = ticks;
    if (ticks > this.maxTradedTicks) this.maxTradedTicks = ticks;
    if (!(trade.qty >= this.largeTradeQty)) return undefined;
    const aggressor = aggressorSide(trade);
    return {
      type: 'signal',
      symbol: this.symbol,
      kind: 'largeTrade',
      time: trade.tradeTime,
      // The side the aggressor trades from: a buyer is on the bid side of the market.
      side: aggressor === 'buy' ? 'bid' : 'ask',
      price: trade.price,
      value: trade.qty,
      message: `Large ${aggressor} ${formatQty(trade.qty)} at ${this.scale.format(trade.price)}`,
    };
  }

  /** Compares the book with the previous call and returns what changed (often nothing). */
  onBook(book: BookView, time: number): SignalEvent[] {
    const out: SignalEvent[] = [];
    this.scanWalls(book, 'bid', time, out);
    this.scanWalls(book, 'ask', time, out);
    this.checkImbalance(book, time, out);
    this.minTradedTicks = Infinity;
    this.maxTradedTicks = -Infinity;
    return out;
  }

  /** Forgets all state, as after a resubscribe. */
  reset(): void {
    this.bidWalls.clear();
    this.askWalls.clear();
    this.bidPrimed = false;
    this.askPrimed = false;
    this.minTradedTicks = Infinity;
    this.maxTradedTicks = -Infinity;
    this.regime = 'none';
    this.imbalancePrimed = false;
  }

  private scanWalls(book: BookView, side: Side, time: number, out: SignalEvent[]): void {
    const prev = side === 'bid' ? this.bidWalls : this.askWalls;
    const next = side === 'bid' ? this.nextBidWalls : this.nextAskWalls;
    next.clear();
    const best = book.bestPrice(side);
    if (Number.isNaN(best)) {
      // An empty side is a book being (re)built, not every wall being pulled at once.
      prev.clear();
      this.setPrimed(side, false);
      return;
    }
    const primed = side === 'bid' ? this.bidPrimed : this.askPrimed;
    const scale = this.scale;
    const bestTicks = scale.toTicks(best);
    const range = this.wallRangeTicks;
    const wallQty = this.wallQty;
    // Distance away from the touch into the side's own depth: positive below the best bid / above the best ask.
    const sign = side === 'bid' ? -1 : 1;

    book.forEachLevel(side, (price, qty) => {
      const ticks = scale.toTicks(price);
      if ((ticks - bestTicks) * sign > range) return false;
      if (qty >= wallQty) {
        next.set(ticks, qty);
        if (primed && !prev.has(ticks)) out.push(this.wallSignal('wallAppeared', side, ticks, qty, time));
      }
      return true;
    });

    const opposite = book.bestPrice(side === 'bid' ? 'ask' : 'bid');
    const oppositeTicks = Number.isNaN(opposite) ? NaN : scale.toTicks(opposite);
    for (const [ticks, prevQty] of prev) {
      if (next.has(ticks)) continue;
      const distance = (ticks - bestTicks) * sign;
      const qty = book.qtyAt(side, scale.toPrice(ticks));
      if (qty >= wallQty) {
        // Still resting, just left the range because the touch moved away. Keep tracking it a
        // while longer so a touch wobbling near the range edge does not re-announce it.
        if (distance <= 2 * range) next.set(ticks, qty);
        continue;
      }
      if (distance > range) continue;
      if (this.tradedThrough(side, ticks, oppositeTicks)) continue;
      out.push(this.wallSignal('wallPulled', side, ticks, prevQty, time));
    }

    if (side === 'bid') {
      this.bidWalls = next;
      this.nextBidWalls = prev;
    } else {
      this.askWalls = next;
      this.nextAskWalls = prev;
    }
    this.setPrimed(side, true);
  }

  /**
   * True when a wall's disappearance is explained by the market: the opposite touch has reached its
   * price, or a trade printed at or beyond it since the last book. An empty opposite side gives no
   * evidence either way, so it counts as traded through and no pull is claimed.
   */
  private tradedThrough(side: Side, ticks: number, oppositeTicks: number): boolean {
    if (Number.isNaN(oppositeTicks)) return true;
    if (side === 'bid') return oppositeTicks <= ticks || this.minTradedTicks <= ticks;
    return oppositeTicks >= ticks || this.maxTradedTicks >= ticks;
  }

  private setPrimed(side: Side, primed: boolean): void {
    if (side === 'bid') this.bidPrimed = primed;
    else this.askPrimed = primed;
  }

  private checkImbalance(book: BookView, time: number, out: SignalEvent[]): void {
    // With a side missing the ratio is ±1 by construction, which says nothing about pressure.
    if (book.levelCount('bid') === 0 || book.levelCount('ask') === 0) return;
    const value = imbalance(book, this.imbalanceLevels);
    const threshold = this.imbalanceThreshold;
    const rearm = threshold - this.hysteresis;

    if (this.regime === 'bid' && value < rearm) this.regime = 'none';
    else if (this.regime === 'ask' && value > -rearm) this.regime = 'none';

    let crossed: ImbalanceRegime = 'none';
    if (this.regime !== 'bid' && value >= threshold) crossed = 'bid';
    else if (this.regime !== 'ask' && value <= -threshold) crossed = 'ask';
    if (crossed === 'none') {
      this.imbalancePrimed = true;
      return;
    }
    this.regime = crossed;
    // Starting up inside an extreme is not a crossing; only enter the regime.
    if (!this.imbalancePrimed) {
      this.imbalancePrimed = true;
      return;
    }
    const price = mid(book);
    const sideName = crossed === 'bid' ? 'Bid' : 'Ask';
    const signed = (value >= 0 ? '+' : '') + value.toFixed(2);
    out.push({
      type: 'signal',
      symbol: this.symbol,
      kind: 'imbalanceCrossed',
      time,
      side: crossed,
      price,
      value,
      message: `${sideName} imbalance ${signed} over top ${this.imbalanceLevels} levels`,
    });
  }

  private wallSignal(kind: SignalKind, side: Side, ticks: number, qty: number, time: number): SignalEvent {
    const price = this.scale.toPrice(ticks);
    const action = kind === 'wallAppeared' ? 'appeared' : 'pulled';
    return {
      type: 'signal',
      symbol: this.symbol,
      kind,
      time,
      side,
      price,
      value: qty,
      message: `${side === 'bid' ? 'Bid' : 'Ask'} wall ${formatQty(qty)} at ${this.scale.format(price)} ${action}`,
    };
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Quantities come parsed from exchange decimals, so the shortest round-trip form is the exchange's own. */
function formatQty(qty: number): string {
  return String(qty);
}
