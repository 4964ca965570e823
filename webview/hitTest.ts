import type { LadderGrid } from './ladderGrid';

/**
 * From a pointer position to what the hover tooltip says. Pure (no DOM). Positions are CSS pixels
 * (MouseEvent.offsetY), the same space the rows are laid out in, so the answer does not depend on
 * the device pixel ratio.
 */

/** The grid row under viewport y, or -1 above the first row, below the last, or outside the view. */
export function rowAtY(yPx: number, topPx: number, rowHeightPx: number, rowCount: number, viewportHeightPx = Infinity): number {
  if (!Number.isFinite(yPx) || yPx < 0 || yPx >= viewportHeightPx) return -1;
  const row = Math.floor((yPx + topPx) / rowHeightPx);
  return row >= 0 && row < rowCount ? row : -1;
}

export type RowSide = 'ask' | 'bid' | 'spread' | 'none';

export interface RowDetails {
  readonly row: number;
  readonly priceTicks: number;
  readonly price: number;
  readonly side: RowSide;
  /** Size in the bucket on the row's side (0 for an empty bucket or a spread row). */
  readonly qty: number;
  /** Size from the touch to this row, this row included, on the row's side. */
  readonly cum: number;
  /** Distance from the mid in ticks (bucket price minus mid; halves when the spread is odd). */
  readonly distanceTicks: number;
  /** The same distance as a percentage of the mid. */
  readonly distancePercent: number;
}

/** The top of the book the distance is measured from (exact exchange prices, NaN if absent). */
export interface Touch {
  readonly bestBid: number;
  readonly bestAsk: number;
}

/**
 * Describes a row for the tooltip. The mid is computed in integer ticks from the best bid and ask,
 * so a row one tick above a 0.1 spread is exactly +1.5 ticks away, not 1.4999999.
 */
export function describeRow(grid: LadderGrid, row: number, touch: Touch): RowDetails | null {
  if (row < 0 || row >= grid.rowCount || grid.scale === null) return null;
  const scale = grid.scale;
  const priceTicks = grid.priceTicksAt(row);
  const price = scale.toPrice(priceTicks);
  let side: RowSide = 'none';
  let qty = 0;
  let cum = 0;
  if (grid.isAskRow(row)) {
    side = 'ask';
    qty = grid.askQty[row];
    cum = grid.askCum[row];
  } else if (grid.isBidRow(row)) {
    side = 'bid';
    qty = grid.bidQty[row];
    cum = grid.bidCum[row];
  } else if (grid.isSpreadRow(row)) {
    side = 'spread';
  }
  const midTicks = midInTicks(touch, scale.toTicks.bind(scale));
  const distanceTicks = priceTicks - midTicks;
  const mid = scale.toPrice(midTicks * 2) / 2;
  const distancePercent = mid !== 0 ? ((price - mid) / mid) * 100 : NaN;
  return { row, priceTicks, price, side, qty, cum, distanceTicks, distancePercent };
}

/** The mid in ticks (x.5 for an odd spread); the one available side when the other is missing. */
export function midInTicks(touch: Touch, toTicks: (price: number) => number): number {
  const bid = Number.isFinite(touch.bestBid) && touch.bestBid > 0 ? toTicks(touch.bestBid) : NaN;
  const ask = Number.isFinite(touch.bestAsk) && touch.bestAsk > 0 ? toTicks(touch.bestAsk) : NaN;
  if (!Number.isNaN(bid) && !Number.isNaN(ask)) return (bid + ask) / 2;
  return Number.isNaN(bid) ? ask : bid;
}
