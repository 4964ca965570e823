import type { LadderSide } from '../src/shared/panelProtocol';
import type { PriceScale } from '../src/engine/book/priceScale';
import { priceScaleFor } from '../src/engine/analysis/bookStats';
import { bucketTicks } from '../src/engine/analysis/priceGrouping';

/**
 * The ladder's data model: a contiguous grid of price buckets, highest price first (row 0 at the
 * top), with the bid and ask size resting in each bucket and the cumulative size from the touch.
 *
 * The host sends each side as non-empty buckets only; a ladder shows every bucket between them, so
 * the grid fills the gaps with empty rows. All price arithmetic is in integer ticks (PriceScale):
 * row r holds the bucket at `topTicks - r * stepTicks`, never a float sum of steps.
 *
 * Pure (no DOM) and allocation-free once warm: a grid is rebuilt in place on every snapshot, its
 * typed arrays grow but are never reallocated for a smaller book.
 */

/** What the grid is built from: the parts of a BookSnapshotMessage that describe the book. */
export interface LadderGridSource {
  readonly tickSize: number;
  /** Grouping in ticks; the host's data is aggregated to it already. */
  readonly groupTicks: number;
  readonly bids: LadderSide;
  readonly asks: LadderSide;
}

export class LadderGrid {
  /** Rows in the grid (never more than the maxRows it was built with). */
  rowCount = 0;
  /** Ticks of row 0, the highest price shown. */
  topTicks = 0;
  /** Ticks between adjacent rows (the grouping). */
  stepTicks = 1;
  /**
   * Row of the best ask bucket and of the best bid bucket. They may lie outside [0, rowCount) when
   * a huge spread does not fit the row cap, and are NaN when that side is empty, so that
   * "row <= askTouchRow" and "row > askTouchRow" are both false for a missing side.
   */
  askTouchRow = NaN;
  bidTouchRow = NaN;
  scale: PriceScale | null = null;
  bidQty = new Float64Array(0);
  askQty = new Float64Array(0);
  /** Size from the best bid down to this row (bid region rows only, 0 elsewhere). */
  bidCum = new Float64Array(0);
  /** Size from the best ask up to this row (ask region rows only, 0 elsewhere). */
  askCum = new Float64Array(0);

  priceTicksAt(row: number): number {
    return this.topTicks - row * this.stepTicks;
  }

  priceAt(row: number): number {
    return this.scale === null ? NaN : this.scale.toPrice(this.priceTicksAt(row));
  }

  /** The row of a bucket, or -1 when the bucket is not on the grid. */
  rowOfTicks(ticks: number): number {
    const offset = this.topTicks - ticks;
    if (offset % this.stepTicks !== 0) return -1;
    const row = offset / this.stepTicks;
    return row >= 0 && row < this.rowCount ? row : -1;
  }

  /** True for rows at or above the best ask: ask liquidity lives there. */
  isAskRow(row: number): boolean {
    return row <= this.askTouchRow;
  }

  /** True for rows at or below the best bid. */
  isBidRow(row: number): boolean {
    return row >= this.bidTouchRow;
  }

  /** True for the empty buckets strictly between the best ask and the best bid. */
  isSpreadRow(row: number): boolean {
    return row > this.askTouchRow && row < this.bidTouchRow;
  }

  /**
   * The middle of the spread in row units measured from the top edge of row 0 (row r spans [r, r+1)):
   * halfway between the bottom of the best ask row and the top of the best bid row. With one side
   * only, that side's touch edge; NaN for an empty book. Centring the view puts this at mid-height.
   */
  spreadCentreRow(): number {
    const ask = this.askTouchRow;
    const bid = this.bidTouchRow;
    if (!Number.isNaN(ask) && !Number.isNaN(bid)) return (ask + 1 + bid) / 2;
    if (!Number.isNaN(ask)) return ask + 1;
    if (!Number.isNaN(bid)) return bid;
    return NaN;
  }

  ensureCapacity(rows: number): void {
    if (this.bidQty.length >= rows) return;
    const capacity = Math.max(rows, this.bidQty.length * 2, 64);
    this.bidQty = new Float64Array(capacity);
    this.askQty = new Float64Array(capacity);
    this.bidCum = new Float64Array(capacity);
    this.askCum = new Float64Array(capacity);
  }
}

/** Extent of one side in bucket ticks: best and deepest bucket, or count 0. */
interface SideExtent {
  count: number;
  best: number;
  deepest: number;
}

function sideExtent(side: LadderSide, which: 'bid' | 'ask', scale: PriceScale, groupTicks: number): SideExtent {
  const n = Math.min(side.prices.length, side.qtys.length);
  let count = 0;
  let best = NaN;
  let deepest = NaN;
  // Scans every level rather than trusting the order, so an unsorted side still yields a sane grid.
  for (let i = 0; i < n; i++) {
    const price = side.prices[i];
    if (!Number.isFinite(price)) continue;
    const bucket = bucketTicks(which, scale.toTicks(price), groupTicks);
    if (count === 0) {
      best = deepest = bucket;
    } else if (which === 'ask') {
      if (bucket < best) best = bucket;
      if (bucket > deepest) deepest = bucket;
    } else {
      if (bucket > best) best = bucket;
      if (bucket < deepest) deepest = bucket;
    }
    count++;
  }
  return { count, best, deepest };
}

/**
 * Builds (into `grid`, reused) the contiguous grid of at most `maxRows` rows for a snapshot.
 *
 * The rows are split around the spread: the empty buckets inside the spread always stay (they are
 * the centre of the view), the rest is shared half and half between asks above and bids below,
 * a side that has fewer rows leaving its share to the other. Bid prices are floored to their bucket
 * and ask prices ceiled (as the host aggregates them, so already-aggregated data is unchanged).
 */
export function buildLadderGrid(source: LadderGridSource, maxRows: number, grid = new LadderGrid()): LadderGrid {
  grid.rowCount = 0;
  grid.askTouchRow = NaN;
  grid.bidTouchRow = NaN;
  if (!(source.tickSize > 0) || !Number.isFinite(source.tickSize)) {
    grid.scale = null;
    return grid;
  }
  const scale = priceScaleFor(source.tickSize);
  const step = Number.isInteger(source.groupTicks) && source.groupTicks >= 1 ? source.groupTicks : 1;
  const cap = Number.isFinite(maxRows) && maxRows >= 1 ? Math.floor(maxRows) : 1;
  grid.scale = scale;
  grid.stepTicks = step;

  const asks = sideExtent(source.asks, 'ask', scale, step);
  const bids = sideExtent(source.bids, 'bid', scale, step);
  if (asks.count === 0 && bids.count === 0) return grid;

  const askRows = asks.count === 0 ? 0 : (asks.deepest - asks.best) / step + 1;
  const bidRows = bids.count === 0 ? 0 : (bids.best - bids.deepest) / step + 1;
  let top: number;
  let rowCount: number;
  if (bids.count === 0) {
    const take = Math.min(askRows, cap);
    top = asks.best + (take - 1) * step;
    rowCount = take;
  } else if (asks.count === 0) {
    top = bids.best;
    rowCount = Math.min(bidRows, cap);
  } else {
    // Empty buckets strictly inside the spread; negative when the book is crossed.
    const gap = (asks.best - bids.best) / step - 1;
    if (gap >= cap) {
      // Not even the spread fits: show `cap` of its rows around its middle.
      const start = Math.floor((gap + 1 - (cap - 1)) / 2);
      top = asks.best - start * step;
      rowCount = cap;
    } else {
      const remaining = cap - Math.max(gap, 0);
      let askTake = Math.min(askRows, Math.ceil(remaining / 2));
      const bidTake = Math.min(bidRows, remaining - askTake);
      askTake = Math.min(askRows, remaining - bidTake);
      top = Math.max(asks.best + (askTake - 1) * step, bids.best);
      const bottom = bidTake > 0 ? Math.min(bids.best - (bidTake - 1) * step, asks.best) : bids.best + step;
      // A crossed book overlaps the two sides; trim from the bottom rather than exceed the cap.
      rowCount = Math.min((top - bottom) / step + 1, cap);
    }
  }

  grid.topTicks = top;
  grid.rowCount = rowCount;
  grid.ensureCapacity(rowCount);
  grid.bidQty.fill(0, 0, rowCount);
  grid.askQty.fill(0, 0, rowCount);
  grid.bidCum.fill(0, 0, rowCount);
  grid.askCum.fill(0, 0, rowCount);
  if (asks.count > 0) grid.askTouchRow = (top - asks.best) / step;
  if (bids.count > 0) grid.bidTouchRow = (top - bids.best) / step;

  accumulate(source.asks, 'ask', scale, grid, grid.askQty);
  accumulate(source.bids, 'bid', scale, grid, grid.bidQty);

  // Cumulative size walks outward from each touch: asks upward, bids downward.
  const askEnd = Math.min(grid.askTouchRow, rowCount - 1);
  let running = 0;
  for (let r = askEnd; r >= 0; r--) {
    running += grid.askQty[r];
    grid.askCum[r] = running;
  }
  running = 0;
  for (let r = Math.max(grid.bidTouchRow, 0); r < rowCount; r++) {
    running += grid.bidQty[r];
    grid.bidCum[r] = running;
  }
  return grid;
}

function accumulate(side: LadderSide, which: 'bid' | 'ask', scale: PriceScale, grid: LadderGrid, out: Float64Array): void {
  const n = Math.min(side.prices.length, side.qtys.length);
  const { topTicks, stepTicks, rowCount } = grid;
  for (let i = 0; i < n; i++) {
    const price = side.prices[i];
    const qty = side.qtys[i];
    if (!Number.isFinite(price) || !Number.isFinite(qty)) continue;
    const row = (topTicks - bucketTicks(which, scale.toTicks(price), stepTicks)) / stepTicks;
    if (row >= 0 && row < rowCount) out[row] += qty;
  }
}
