/**
 * Geometry shared by the renderers and the hit test, so what is drawn and what is hovered agree.
 * Pure (no DOM).
 *
 * Rows are laid out in CSS pixels (so hit-testing does not depend on the device pixel ratio) and
 * each row edge is rounded to a whole device pixel when drawn (so lines and fills stay crisp). Two
 * adjacent rows share that rounded edge: no gaps, no overlaps, every device pixel belongs to one row.
 */

/** Device-pixel y of the top edge of `row` on the canvas. */
export function rowTopDevicePx(row: number, topPx: number, rowHeightPx: number, pixelRatio: number): number {
  return Math.round((row * rowHeightPx - topPx) * pixelRatio);
}

/** A column in CSS pixels. */
export interface Column {
  readonly x: number;
  readonly width: number;
}

/** Left to right: [bid cum] bid size | price | ask size [ask cum]. */
export interface ColumnLayout {
  readonly bidCum: Column | null;
  readonly bid: Column;
  readonly price: Column;
  readonly ask: Column;
  readonly askCum: Column | null;
}

/** Width below which the cumulative columns are dropped even when enabled: sizes need the room. */
export const MIN_WIDTH_FOR_CUMULATIVE = 320;

/**
 * Splits the ladder's width: the price column gets what its text needs (at most half the width),
 * the size columns share the rest equally, and the whole pixels left over go to the price column.
 */
export function layoutColumns(widthPx: number, priceTextWidthPx: number, showCumulative: boolean): ColumnLayout {
  const width = Math.max(0, Math.floor(widthPx));
  const cumulative = showCumulative && width >= MIN_WIDTH_FOR_CUMULATIVE;
  const sizeColumns = cumulative ? 4 : 2;
  const priceWanted = Math.ceil(priceTextWidthPx);
  const price0 = Math.min(Math.max(priceWanted, 0), Math.floor(width / 2));
  const sizeWidth = Math.floor((width - price0) / sizeColumns);
  const priceWidth = width - sizeWidth * sizeColumns;
  let x = 0;
  const next = (w: number): Column => {
    const column = { x, width: w };
    x += w;
    return column;
  };
  const bidCum = cumulative ? next(sizeWidth) : null;
  const bid = next(sizeWidth);
  const price = next(priceWidth);
  const ask = next(sizeWidth);
  const askCum = cumulative ? next(sizeWidth) : null;
  return { bidCum, bid, price, ask, askCum };
}

export function sameColumns(a: ColumnLayout | null, b: ColumnLayout): boolean {
  if (a === null) return false;
  const same = (p: Column | null, q: Column | null): boolean =>
    p === q || (p !== null && q !== null && p.x === q.x && p.width === q.width);
  return same(a.bidCum, b.bidCum) && same(a.bid, b.bid) && same(a.price, b.price) && same(a.ask, b.ask) && same(a.askCum, b.askCum);
}

/** Where and how big the ladder's canvases are; the ladder and its overlay draw with the same one. */
export interface PaintGeometry {
  readonly topPx: number;
  readonly rowHeightPx: number;
  /** Canvas size in CSS pixels. */
  readonly widthPx: number;
  readonly heightPx: number;
  /** Device pixels per CSS pixel, per axis (the bitmap size is rounded independently per axis). */
  readonly pixelRatioX: number;
  readonly pixelRatioY: number;
}

/**
 * Where the last trade's flash goes: the price cell of its row only, with the marker on the edge of
 * the side it traded on (a buy lifted the ask: the right edge, by the ask column; a sell hit the bid:
 * the left edge). A flash never spans a size column, where any fill reads as a depth bar.
 */
export interface TradeFlashGeometry {
  /** CSS px: the flash's horizontal extent, the price column's. */
  readonly x: number;
  readonly width: number;
  /** The edge the marker sits on, pointing into the price cell. */
  readonly markerEdge: 'left' | 'right';
}

export function tradeFlashGeometry(columns: ColumnLayout, side: 'buy' | 'sell'): TradeFlashGeometry {
  return { x: columns.price.x, width: columns.price.width, markerEdge: side === 'buy' ? 'right' : 'left' };
}
