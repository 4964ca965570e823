import type { BookView, Side } from '../book/bookView';
import { priceScaleFor, priceScaleOf } from './bookStats';

/**
 * Aggregation of a book side into coarser price buckets ("grouping"), as a ladder shows it when
 * zoomed out. A grouping is always a whole number of ticks, so bucket arithmetic is integer.
 */

/** Tick multiples offered to the user: 0.1 → 1 → 10 → 100 for a 0.1 tick. */
export const DEFAULT_GROUPING_MULTIPLES: readonly number[] = [1, 10, 100, 1000];

/**
 * Converts a grouping price into whole ticks. Throws a RangeError unless it is a positive integer
 * multiple of the tick size (0.3 on a 0.1 tick is 3 ticks; 0.15 is refused).
 */
export function validateGrouping(tickSize: number, grouping: number): number {
  const scale = priceScaleFor(tickSize);
  if (!Number.isFinite(grouping) || grouping <= 0) {
    throw new RangeError(
      `price grouping must be a positive multiple of the tick size ${scale.format(scale.tickSize)}, got ${grouping}`,
    );
  }
  const ratio = grouping / scale.tickSize;
  const ticks = Math.round(ratio);
  // The ratio of two decimals carries float noise (0.3 / 0.1 = 2.9999999999999996); anything
  // further from an integer than that noise is a genuinely fractional grouping.
  if (ticks < 1 || Math.abs(ratio - ticks) > 1e-6) {
    throw new RangeError(
      `price grouping must be a positive multiple of the tick size ${scale.format(scale.tickSize)}, got ${grouping}`,
    );
  }
  return ticks;
}

function checkGroupTicks(groupTicks: number): void {
  if (!Number.isInteger(groupTicks) || groupTicks < 1) {
    throw new RangeError(`groupTicks must be an integer ≥ 1, got ${groupTicks}`);
  }
}

/**
 * Bucket of a level in ticks. Bids round down and asks round up so that a bucket never claims a
 * better price than the liquidity in it: a grouped bid at 61659 really can be sold into at ≥ 61659.
 */
export function bucketTicks(side: Side, ticks: number, groupTicks: number): number {
  return side === 'bid'
    ? Math.floor(ticks / groupTicks) * groupTicks
    : Math.ceil(ticks / groupTicks) * groupTicks;
}

/**
 * Sums a side into buckets of `groupTicks` ticks, walking from the best level and stopping once
 * `maxRows` non-empty buckets are complete. Writes best first; returns the number of rows.
 */
export function aggregateSide(
  book: BookView,
  side: Side,
  groupTicks: number,
  maxRows: number,
  outPrices: Float64Array,
  outQtys: Float64Array,
): number {
  checkGroupTicks(groupTicks);
  const max = Math.min(maxRows, outPrices.length, outQtys.length);
  if (!(max > 0)) return 0;
  const scale = priceScaleOf(book);
  let rows = 0;
  let current = NaN;
  let sum = 0;
  book.forEachLevel(side, (price, qty) => {
    const bucket = bucketTicks(side, scale.toTicks(price), groupTicks);
    if (bucket === current) {
      sum += qty;
      return true;
    }
    // Levels arrive best first, so a new bucket means the previous one is complete.
    if (!Number.isNaN(current)) {
      outPrices[rows] = scale.toPrice(current);
      outQtys[rows] = sum;
      rows++;
      if (rows >= max) return false;
    }
    current = bucket;
    sum = qty;
    return true;
  });
  if (rows < max && !Number.isNaN(current)) {
    outPrices[rows] = scale.toPrice(current);
    outQtys[rows] = sum;
    rows++;
  }
  return rows;
}
