/** Which side of the book a level sits on. */
export type Side = 'bid' | 'ask';

/**
 * The read-only face of an order book that analysis, rendering and snapshots use.
 * Reads fill caller-owned arrays so a reader never forces a copy of the whole book.
 */
export interface BookView {
  readonly symbol: string;
  /** Price increment of the symbol; every price in the book is an integer multiple of it. */
  readonly tickSize: number;
  /** Number of levels held on a side. */
  levelCount(side: Side): number;
  /** Best price on a side, or NaN when the side is empty. */
  bestPrice(side: Side): number;
  /** Quantity at the best price, or 0 when the side is empty. */
  bestQty(side: Side): number;
  /** Quantity resting at `price` (0 when no level is there). */
  qtyAt(side: Side, price: number): number;
  /**
   * Copies up to `max` levels, best first, into `prices`/`qtys` (from index 0) and returns how many
   * were written. The arrays must hold at least `max` entries.
   */
  readTop(side: Side, max: number, prices: Float64Array | number[], qtys: Float64Array | number[]): number;
  /**
   * Visits levels from best outwards while `visit` returns true; stops at the end of the side.
   * Lets a caller walk exactly as far as it needs.
   */
  forEachLevel(side: Side, visit: (price: number, qty: number, index: number) => boolean): void;
}
