import type { BookView, Side } from '../book/bookView';
import { PriceScale } from '../book/priceScale';

/**
 * Top-of-book statistics. Every read walks only as far as it needs from the touch (bestPrice /
 * forEachLevel with an early stop), so the cost is independent of the depth of the book.
 */

const scaleCacheKeys: number[] = [];
const scaleCache: PriceScale[] = [];
const SCALE_CACHE_LIMIT = 16;

/**
 * The PriceScale for a book's tick size. BookView does not expose one, and building a scale on
 * every read would allocate on the hot path, so the few tick sizes in use are cached.
 */
export function priceScaleOf(book: BookView): PriceScale {
  return priceScaleFor(book.tickSize);
}

export function priceScaleFor(tickSize: number): PriceScale {
  for (let i = 0; i < scaleCacheKeys.length; i++) {
    if (scaleCacheKeys[i] === tickSize) return scaleCache[i];
  }
  const scale = new PriceScale(tickSize);
  if (scaleCache.length >= SCALE_CACHE_LIMIT) {
    scaleCacheKeys.shift();
    scaleCache.shift();
  }
  scaleCacheKeys.push(tickSize);
  scaleCache.push(scale);
  return scale;
}

/**
 * Best ask minus best bid, or NaN when a side is empty. Computed in ticks so that a one-tick
 * spread on a 0.1 tick reads 0.1, not 0.10000000000582077.
 */
export function spread(book: BookView): number {
  const bid = book.bestPrice('bid');
  const ask = book.bestPrice('ask');
  if (Number.isNaN(bid) || Number.isNaN(ask)) return NaN;
  const scale = priceScaleOf(book);
  return scale.toPrice(scale.toTicks(ask) - scale.toTicks(bid));
}

/**
 * Midpoint of the touch, or NaN when a side is empty. The tick sum is converted exactly and
 * halving a double is exact, so the result is the nearest double to the true midpoint.
 */
export function mid(book: BookView): number {
  const bid = book.bestPrice('bid');
  const ask = book.bestPrice('ask');
  if (Number.isNaN(bid) || Number.isNaN(ask)) return NaN;
  const scale = priceScaleOf(book);
  return scale.toPrice(scale.toTicks(bid) + scale.toTicks(ask)) / 2;
}

/**
 * Size-weighted mid: leans toward the side with less resting size, since that side is the one
 * more likely to be taken out next. NaN when a side is empty.
 */
export function microPrice(book: BookView): number {
  const bid = book.bestPrice('bid');
  const ask = book.bestPrice('ask');
  if (Number.isNaN(bid) || Number.isNaN(ask)) return NaN;
  const bidQty = book.bestQty('bid');
  const askQty = book.bestQty('ask');
  const total = bidQty + askQty;
  // A level never rests with qty 0, but a foreign BookView might report one; fall back to mid.
  if (!(total > 0)) return mid(book);
  return (bid * askQty + ask * bidQty) / total;
}

/** Total quantity over the best `levels` levels of a side. */
export function topVolume(book: BookView, side: Side, levels: number): number {
  let sum = 0;
  if (!(levels > 0)) return 0;
  book.forEachLevel(side, (_price, qty, index) => {
    sum += qty;
    return index + 1 < levels;
  });
  return sum;
}

/**
 * (bidVol − askVol) / (bidVol + askVol) over the best `levels` levels of each side: +1 is all bids,
 * −1 all asks. 0 when both sides are empty, so an empty book reads as balanced rather than NaN.
 */
export function imbalance(book: BookView, levels: number): number {
  const bidVol = topVolume(book, 'bid', levels);
  const askVol = topVolume(book, 'ask', levels);
  const total = bidVol + askVol;
  if (!(total > 0)) return 0;
  return (bidVol - askVol) / total;
}

/**
 * Writes the best `levels` prices of a side and the running quantity total up to each, best first,
 * into caller-owned arrays (for a depth chart). Writes at most the arrays' length; returns the count.
 */
export function cumulativeDepth(
  book: BookView,
  side: Side,
  levels: number,
  outPrices: Float64Array,
  outCum: Float64Array,
): number {
  const max = Math.min(levels, outPrices.length, outCum.length);
  if (!(max > 0)) return 0;
  let count = 0;
  let running = 0;
  book.forEachLevel(side, (price, qty) => {
    running += qty;
    outPrices[count] = price;
    outCum[count] = running;
    count++;
    return count < max;
  });
  return count;
}
