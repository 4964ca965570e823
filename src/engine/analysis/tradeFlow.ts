import type { TradeEvent } from '../protocol/events';
import type { PriceScale } from '../book/priceScale';
import { priceScaleFor } from './bookStats';

/** Which side took liquidity in a trade. */
export type AggressorSide = 'buy' | 'sell';

/**
 * Binance's `m` flag says whether the buyer was the maker. If the buyer rested, the seller crossed
 * the spread, so the aggressor sold.
 */
export function aggressorSide(trade: TradeEvent): AggressorSide {
  return trade.buyerIsMaker ? 'sell' : 'buy';
}

export interface TradeFlowOptions {
  readonly tickSize: number;
  /** Trades kept for the tape (default 500). */
  readonly capacity?: number;
  /** Most price levels kept in volume-at-price before the farthest from the last price go (default 20000). */
  readonly maxPriceLevels?: number;
}

export interface PriceVolume {
  readonly buy: number;
  readonly sell: number;
}

interface VolumeCell {
  buy: number;
  sell: number;
}

const DEFAULT_CAPACITY = 500;
const DEFAULT_MAX_PRICE_LEVELS = 20000;

/**
 * Running trade statistics for one symbol: a bounded tape of recent trades, volume at price split
 * by aggressor, and cumulative volume delta. Memory is bounded by the two capacities, however long
 * the stream runs.
 */
export class TradeFlow {
  readonly capacity: number;
  readonly maxPriceLevels: number;
  private readonly scale: PriceScale;
  private readonly ring: Array<TradeEvent | undefined>;
  /** Slot the next trade goes into. */
  private head = 0;
  private stored = 0;
  private readonly volume = new Map<number, VolumeCell>();
  private lastTicks = NaN;
  /** Scratch for pruning, kept so eviction does not allocate once the map is at its cap. */
  private distances: Float64Array | undefined;

  /** Aggressive buy volume minus aggressive sell volume since the start or the last reset. */
  cvd = 0;
  buyVolume = 0;
  sellVolume = 0;
  tradeCount = 0;
  lastPrice = NaN;
  lastSide: AggressorSide | undefined = undefined;
  /** Trade time (ms) of the last trade, 0 before any. */
  lastTime = 0;

  constructor(options: TradeFlowOptions) {
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    const maxPriceLevels = options.maxPriceLevels ?? DEFAULT_MAX_PRICE_LEVELS;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be an integer ≥ 1, got ${capacity}`);
    }
    if (!Number.isInteger(maxPriceLevels) || maxPriceLevels < 1) {
      throw new RangeError(`maxPriceLevels must be an integer ≥ 1, got ${maxPriceLevels}`);
    }
    this.scale = priceScaleFor(options.tickSize);
    this.capacity = capacity;
    this.maxPriceLevels = maxPriceLevels;
    this.ring = new Array<TradeEvent | undefined>(capacity).fill(undefined);
  }

  onTrade(trade: TradeEvent): void {
    const side = aggressorSide(trade);
    const qty = trade.qty;

    this.ring[this.head] = trade;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.stored < this.capacity) this.stored++;

    if (side === 'buy') {
      this.buyVolume += qty;
      this.cvd += qty;
    } else {
      this.sellVolume += qty;
      this.cvd -= qty;
    }
    this.tradeCount++;
    this.lastPrice = trade.price;
    this.lastSide = side;
    this.lastTime = trade.tradeTime;

    const ticks = this.scale.toTicks(trade.price);
    this.lastTicks = ticks;
    let cell = this.volume.get(ticks);
    if (cell === undefined) {
      cell = { buy: 0, sell: 0 };
      this.volume.set(ticks, cell);
      if (this.volume.size > this.maxPriceLevels) this.prune();
    }
    if (side === 'buy') cell.buy += qty;
    else cell.sell += qty;
  }

  /** Trades currently held in the tape (≤ capacity). */
  get size(): number {
    return this.stored;
  }

  /** Number of distinct prices in volume-at-price. */
  get priceLevelCount(): number {
    return this.volume.size;
  }

  /**
   * Visits up to `max` trades newest first, straight from the ring; stops early when `visit`
   * returns false.
   */
  forEachRecent(
    visit: (trade: TradeEvent, side: AggressorSide, index: number) => boolean | void,
    max: number = this.stored,
  ): void {
    const n = Math.min(max, this.stored);
    let slot = this.head;
    for (let i = 0; i < n; i++) {
      slot = slot === 0 ? this.capacity - 1 : slot - 1;
      const trade = this.ring[slot] as TradeEvent;
      if (visit(trade, aggressorSide(trade), i) === false) return;
    }
  }

  /** Aggressor volume traded at `price` since the start or the last reset ({0, 0} if none or evicted). */
  volumeAt(price: number): PriceVolume {
    const cell = this.volume.get(this.scale.toTicks(price));
    return cell === undefined ? { buy: 0, sell: 0 } : { buy: cell.buy, sell: cell.sell };
  }

  /** Visits every price with traded volume, in no particular order. */
  forEachPriceVolume(visit: (price: number, buy: number, sell: number) => void): void {
    const scale = this.scale;
    for (const [ticks, cell] of this.volume) visit(scale.toPrice(ticks), cell.buy, cell.sell);
  }

  reset(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.stored = 0;
    this.volume.clear();
    this.lastTicks = NaN;
    this.cvd = 0;
    this.buyVolume = 0;
    this.sellVolume = 0;
    this.tradeCount = 0;
    this.lastPrice = NaN;
    this.lastSide = undefined;
    this.lastTime = 0;
  }

  /**
   * Drops the prices farthest from the last trade. Prunes to 90% of the cap rather than to the cap,
   * so the sort this needs runs once per tenth-of-the-cap new prices, not on every new price.
   */
  private prune(): void {
    const volume = this.volume;
    const target = Math.max(1, this.maxPriceLevels - Math.max(1, Math.floor(this.maxPriceLevels / 10)));
    if (this.distances === undefined || this.distances.length < volume.size) {
      this.distances = new Float64Array(this.maxPriceLevels + 1);
    }
    const distances = this.distances;
    const last = this.lastTicks;
    let n = 0;
    for (const ticks of volume.keys()) distances[n++] = Math.abs(ticks - last);
    const sorted = distances.subarray(0, n).sort();
    const cutoff = sorted[target - 1];
    let atCutoffToDrop = volume.size - target;
    // First pass counts how many must go strictly beyond the cutoff; ties at the cutoff fill the rest.
    for (let i = 0; i < n; i++) if (sorted[i] > cutoff) atCutoffToDrop--;
    for (const ticks of volume.keys()) {
      const d = Math.abs(ticks - last);
      if (d > cutoff) {
        volume.delete(ticks);
      } else if (d === cutoff && atCutoffToDrop > 0) {
        volume.delete(ticks);
        atCutoffToDrop--;
      }
    }
  }
}
