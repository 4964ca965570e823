import type { BookView, Side } from './bookView';
import { SortedLevels } from './sortedLevels';
import { PriceScale } from './priceScale';

/**
 * One symbol's full-depth order book. Prices are keyed as integer ticks (never by the exchange's
 * string); bids are stored under negated ticks so that on both sides the best level has the
 * smallest key and reads walk from the touch outwards.
 */
export class OrderBook implements BookView {
  readonly symbol: string;
  readonly tickSize: number;
  readonly scale: PriceScale;
  private readonly bids = new SortedLevels();
  private readonly asks = new SortedLevels();
  /** `u` of the last applied diff, or the snapshot's `lastUpdateId`. */
  lastUpdateId = 0;
  /** Exchange event time (ms) of the last applied update. */
  eventTime = 0;
  private scratchKeys: number[] = [];
  private scratchQtys: number[] = [];

  constructor(symbol: string, tickSize: number) {
    this.symbol = symbol;
    this.scale = new PriceScale(tickSize);
    this.tickSize = this.scale.tickSize;
  }

  private levels(side: Side): SortedLevels {
    return side === 'bid' ? this.bids : this.asks;
  }

  private keyOf(side: Side, price: number): number {
    const ticks = this.scale.toTicks(price);
    return side === 'bid' ? -ticks : ticks;
  }

  private priceOfKey(side: Side, key: number): number {
    return this.scale.toPrice(side === 'bid' ? -key : key);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.lastUpdateId = 0;
    this.eventTime = 0;
  }

  /** Sets one level; qty 0 removes it (removing an absent level is normal on Binance). */
  setLevel(side: Side, price: number, qty: number): void {
    this.levels(side).set(this.keyOf(side, price), qty);
  }

  /** Applies a flat [price, qty, ...] list of absolute quantities to one side. */
  applyLevels(side: Side, flat: readonly number[]): void {
    const levels = this.levels(side);
    const scale = this.scale;
    const sign = side === 'bid' ? -1 : 1;
    for (let i = 0; i < flat.length; i += 2) {
      levels.set(sign * scale.toTicks(flat[i]), flat[i + 1]);
    }
  }

  /** Replaces one side with a flat list (snapshot or depth20 frame). Order of the input does not matter. */
  replaceSide(side: Side, flat: readonly number[]): void {
    const levels = this.levels(side);
    const n = flat.length >> 1;
    const keys = this.scratchKeys;
    const qtys = this.scratchQtys;
    keys.length = n;
    qtys.length = n;
    let sorted = true;
    for (let i = 0; i < n; i++) {
      keys[i] = this.keyOf(side, flat[2 * i]);
      qtys[i] = flat[2 * i + 1];
      if (i > 0 && keys[i] <= keys[i - 1]) sorted = false;
    }
    if (sorted) {
      levels.loadSorted(keys, qtys, n);
      return;
    }
    // The exchange sends sorted, de-duplicated levels; anything else is loaded one by one so the
    // last quantity for a repeated price wins, exactly as a sequence of updates would.
    levels.clear();
    for (let i = 0; i < n; i++) levels.set(keys[i], qtys[i]);
  }

  levelCount(side: Side): number {
    return this.levels(side).size;
  }

  bestPrice(side: Side): number {
    const levels = this.levels(side);
    return levels.size === 0 ? NaN : this.priceOfKey(side, levels.firstKey());
  }

  bestQty(side: Side): number {
    return this.levels(side).firstQty();
  }

  qtyAt(side: Side, price: number): number {
    return this.levels(side).get(this.keyOf(side, price));
  }

  /** True when the best bid is at or above the best ask: never the case on a correct book. */
  isCrossed(): boolean {
    return this.bids.size > 0 && this.asks.size > 0 && -this.bids.firstKey() >= this.asks.firstKey();
  }

  readTop(side: Side, max: number, prices: Float64Array | number[], qtys: Float64Array | number[]): number {
    const n = this.levels(side).readFirst(max, prices, qtys);
    for (let i = 0; i < n; i++) prices[i] = this.priceOfKey(side, prices[i]);
    return n;
  }

  forEachLevel(side: Side, visit: (price: number, qty: number, index: number) => boolean): void {
    const sign = side === 'bid' ? -1 : 1;
    const scale = this.scale;
    this.levels(side).forEach((key, qty, index) => visit(scale.toPrice(sign * key), qty, index));
  }

  /** Visits the levels of a side whose price lies in [low, high], best first. */
  forEachInPriceRange(side: Side, low: number, high: number, visit: (price: number, qty: number) => void): void {
    const lowTicks = this.scale.toTicks(low);
    const highTicks = this.scale.toTicks(high);
    const scale = this.scale;
    if (side === 'bid') {
      this.bids.forEachInRange(-highTicks, -lowTicks, (key, qty) => visit(scale.toPrice(-key), qty));
    } else {
      this.asks.forEachInRange(lowTicks, highTicks, (key, qty) => visit(scale.toPrice(key), qty));
    }
  }

  /** Top `levels` a side as [price, qty] pairs, best first — for snapshots, tests and the CLI. */
  topPairs(side: Side, levels: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.forEachLevel(side, (price, qty, index) => {
      if (index >= levels) return false;
      out.push([price, qty]);
      return true;
    });
    return out;
  }
}
