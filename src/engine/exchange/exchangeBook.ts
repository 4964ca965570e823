import type { Side } from '../book/bookView';
import { SortedLevels } from '../book/sortedLevels';

/**
 * The exchange's own book for one symbol, in whole ticks and whole lots (steps), so that adding and
 * filling never accumulates floating-point error. Bids are keyed by negated ticks, as in OrderBook,
 * so both sides read best-first from the smallest key.
 */
export class ExchangeBook {
  private readonly bids = new SortedLevels();
  private readonly asks = new SortedLevels();
  /** Id of the latest change applied. */
  lastUpdateId: number;
  /** Wall-clock time (ms) of the latest change. */
  lastTransactionTime = 0;

  constructor(initialUpdateId: number) {
    this.lastUpdateId = initialUpdateId;
  }

  private levels(side: Side): SortedLevels {
    return side === 'bid' ? this.bids : this.asks;
  }

  /** Sets a level's size; 0 removes it. Ids and listeners are the caller's business. */
  put(side: Side, ticks: number, lots: number): void {
    this.levels(side).set(side === 'bid' ? -ticks : ticks, lots);
  }

  lots(side: Side, ticks: number): number {
    return this.levels(side).get(side === 'bid' ? -ticks : ticks);
  }

  /** Best price in ticks, NaN when the side is empty. */
  bestTicks(side: Side): number {
    const key = this.levels(side).firstKey();
    return side === 'bid' ? -key : key;
  }

  bestLots(side: Side): number {
    return this.levels(side).firstQty();
  }

  levelCount(side: Side): number {
    return this.levels(side).size;
  }

  /** Up to `max` levels as [ticks, lots], best first. */
  top(side: Side, max: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const sign = side === 'bid' ? -1 : 1;
    this.levels(side).forEach((key, lots, index) => {
      if (index >= max) return false;
      out.push([sign * key, lots]);
      return true;
    });
    return out;
  }

  /** Total lots from the touch out to `ticks` inclusive (what a sweep to that price would take). */
  lotsThrough(side: Side, ticks: number): number {
    let total = 0;
    const limitKey = side === 'bid' ? -ticks : ticks;
    this.levels(side).forEach((key, lots) => {
      if (key > limitKey) return false;
      total += lots;
      return true;
    });
    return total;
  }

  /** The `count` levels furthest from the touch, in ticks, furthest last. O(levels); used for upkeep only. */
  outermost(side: Side, count: number): number[] {
    const levels = this.levels(side);
    const skip = Math.max(0, levels.size - count);
    const sign = side === 'bid' ? -1 : 1;
    const out: number[] = [];
    levels.forEach((key, _lots, index) => {
      if (index >= skip) out.push(sign * key);
      return true;
    });
    return out;
  }
}
