import type { LadderGrid } from './ladderGrid';
import type { Column, ColumnLayout, PaintGeometry } from './ladderLayout';
import { rowTopDevicePx, tradeFlashGeometry } from './ladderLayout';
import { formatPrice, formatSize } from './numberFormat';
import { visibleRows } from './scrollModel';
import { TextWidthCache } from './textWidthCache';
import { canvasFont, type LadderTheme, type NumberFont } from './theme';

/**
 * Draws the price ladder onto its canvas. Everything is drawn in device pixels (bitmap space):
 * rows and columns are rounded to whole device pixels so fills and 1px lines are crisp at any
 * device pixel ratio. Only the rows that intersect the viewport are visited: the cost of a frame
 * depends on the height of the pane, not on the size of the book.
 */

/** The last trade as the ladder marks it. */
export interface TradeMark {
  /** Grid row of the trade's bucket (-1 when it is off the grid). */
  readonly row: number;
  readonly side: 'buy' | 'sell';
  /** Flash strength, 1 when the trade arrives, fading to 0. */
  readonly flash: number;
}

export interface LadderPaint extends PaintGeometry {
  readonly grid: LadderGrid;
  readonly columns: ColumnLayout;
  readonly theme: LadderTheme;
  readonly sizeDecimals: number;
  readonly trade: TradeMark | null;
  /** Shown instead of the ladder when the grid is empty. */
  readonly emptyText: string;
  /** Strength of the numbers and bars, 0..1: below 1 when they are old or not the market now. */
  readonly figureAlpha: number;
}

/** Horizontal padding inside a cell, CSS px. */
export const CELL_PADDING_PX = 6;
/** Room kept free at each edge of the price cell for the last trade's marker, CSS px. */
export const TRADE_MARKER_ROOM_PX = 9;

/** Device-pixel span of a CSS column. */
interface Span {
  readonly x: number;
  readonly w: number;
}

function span(column: Column, ratio: number): Span {
  const x = Math.round(column.x * ratio);
  return { x, w: Math.round((column.x + column.width) * ratio) - x };
}

/** Lines of the empty ladder's message at most; the rest is cut with an ellipsis. */
export const EMPTY_TEXT_LINES = 6;

/** Greedy word wrap to `maxWidth` (measured by `width`), at most `maxLines` lines, the last one cut with "…". */
export function wrapWords(text: string, maxWidth: number, width: (text: string) => number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && width(candidate) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]} …`;
  return kept;
}

/** The row height for a number font: roomy enough for descenders, compact enough for depth. */
export function rowHeightFor(font: NumberFont): number {
  return Math.max(14, Math.round(font.sizePx * 1.45));
}

export class LadderRenderer {
  private readonly widths = new TextWidthCache();

  /**
   * Width in CSS px that the price column needs for `price`: measured on the price's shape (digits
   * as '0'), so the handful of shapes a session sees are measured once and then read from the cache.
   */
  priceColumnWidth(ctx: CanvasRenderingContext2D, font: NumberFont, priceText: string): number {
    const shape = priceText.replace(/[0-9]/g, '0');
    const css = canvasFont(font, font.sizePx, true);
    const text = this.widths.width(css, shape, (t) => {
      ctx.font = css;
      return ctx.measureText(t).width;
    });
    return text + 2 * CELL_PADDING_PX + 2 * TRADE_MARKER_ROOM_PX;
  }

  draw(ctx: CanvasRenderingContext2D, p: LadderPaint): void {
    const { grid, theme } = p;
    const bitmapW = ctx.canvas.width;
    const bitmapH = ctx.canvas.height;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, bitmapW, bitmapH);

    const fontPx = Math.max(1, Math.round(theme.numberFont.sizePx * p.pixelRatioY));
    ctx.textBaseline = 'middle';
    if (grid.rowCount === 0 || grid.scale === null) {
      // The feed's state and its reason, which can be long ("HTTP 451 from …"): wrapped to the width.
      ctx.font = canvasFont(theme.numberFont, fontPx);
      ctx.fillStyle = theme.mutedForeground;
      ctx.textAlign = 'center';
      const lines = wrapWords(p.emptyText, Math.max(1, bitmapW - 4 * fontPx), (t) => ctx.measureText(t).width, EMPTY_TEXT_LINES);
      const lineH = Math.round(fontPx * 1.5);
      const top = bitmapH / 2 - ((lines.length - 1) * lineH) / 2;
      lines.forEach((line, i) => ctx.fillText(line, bitmapW / 2, top + i * lineH));
      return;
    }
    const scale = grid.scale;
    const viewport = { heightPx: p.heightPx, rowHeightPx: p.rowHeightPx };
    const { first, end } = visibleRows(p.topPx, grid.rowCount, viewport);
    if (first >= end) return;
    const rowTop = (row: number): number => rowTopDevicePx(row, p.topPx, p.rowHeightPx, p.pixelRatioY);
    const rx = p.pixelRatioX;
    const bid = span(p.columns.bid, rx);
    const ask = span(p.columns.ask, rx);
    const price = span(p.columns.price, rx);
    const bidCum = p.columns.bidCum === null ? null : span(p.columns.bidCum, rx);
    const askCum = p.columns.askCum === null ? null : span(p.columns.askCum, rx);
    const line = Math.max(1, Math.floor(Math.min(rx, p.pixelRatioY)));
    const pad = Math.round(CELL_PADDING_PX * rx);

    // Bars are scaled to the largest bucket on screen, so depth reads well wherever one scrolls.
    let maxQty = 0;
    let maxCum = 0;
    for (let r = first; r < end; r++) {
      if (grid.bidQty[r] > maxQty) maxQty = grid.bidQty[r];
      if (grid.askQty[r] > maxQty) maxQty = grid.askQty[r];
      if (grid.bidCum[r] > maxCum) maxCum = grid.bidCum[r];
      if (grid.askCum[r] > maxCum) maxCum = grid.askCum[r];
    }

    // 1. Row backgrounds: the spread, the best bid and ask, the last trade's flash.
    for (let r = first; r < end; r++) {
      const fill = grid.isSpreadRow(r)
        ? theme.spreadBackground
        : r === grid.askTouchRow || r === grid.bidTouchRow
          ? theme.bestRowBackground
          : '';
      if (fill === '') continue;
      const y = rowTop(r);
      ctx.fillStyle = fill;
      ctx.fillRect(0, y, bitmapW, rowTop(r + 1) - y);
    }
    const trade = p.trade;
    const flash = trade === null ? null : tradeFlashGeometry(p.columns, trade.side);
    const flashSpan = flash === null ? null : span(flash, rx);
    if (trade !== null && flashSpan !== null && trade.row >= first && trade.row < end && trade.flash > 0) {
      const y = rowTop(trade.row);
      ctx.globalAlpha = 0.4 * trade.flash * p.figureAlpha;
      ctx.fillStyle = trade.side === 'buy' ? theme.bid : theme.ask;
      ctx.fillRect(flashSpan.x, y, flashSpan.w, rowTop(trade.row + 1) - y);
      ctx.globalAlpha = 1;
    }

    // 2. Depth bars: bids grow leftwards from the price column, asks rightwards.
    const bar = (column: Span, qty: number, max: number, towardsRight: boolean, y0: number, y1: number): void => {
      if (!(qty > 0) || !(max > 0)) return;
      const w = Math.max(1, Math.round((column.w * qty) / max));
      const inset = Math.min(line, Math.floor((y1 - y0) / 4));
      ctx.fillRect(towardsRight ? column.x : column.x + column.w - w, y0 + inset, w, y1 - y0 - 2 * inset);
    };
    const figure = Math.max(0, Math.min(1, p.figureAlpha));
    ctx.globalAlpha = theme.barAlpha * figure;
    ctx.fillStyle = theme.bid;
    for (let r = first; r < end; r++) bar(bid, grid.bidQty[r], maxQty, false, rowTop(r), rowTop(r + 1));
    ctx.fillStyle = theme.ask;
    for (let r = first; r < end; r++) bar(ask, grid.askQty[r], maxQty, true, rowTop(r), rowTop(r + 1));
    if (bidCum !== null && askCum !== null) {
      ctx.globalAlpha = theme.cumulativeBarAlpha * figure;
      ctx.fillStyle = theme.bid;
      for (let r = first; r < end; r++) bar(bidCum, grid.bidCum[r], maxCum, false, rowTop(r), rowTop(r + 1));
      ctx.fillStyle = theme.ask;
      for (let r = first; r < end; r++) bar(askCum, grid.askCum[r], maxCum, true, rowTop(r), rowTop(r + 1));
    }
    ctx.globalAlpha = 1;

    // 3. Lines: column separators, and the edges of the spread.
    ctx.fillStyle = theme.gridLine;
    const top = rowTop(first);
    const bottom = rowTop(end);
    for (const s of [bidCum, bid, price, ask]) {
      if (s !== null) ctx.fillRect(s.x + s.w - (line >> 1), top, line, bottom - top);
    }
    const spreadTop = grid.askTouchRow + 1;
    const spreadBottom = grid.bidTouchRow;
    if (spreadTop > first && spreadTop < end) ctx.fillRect(0, rowTop(spreadTop) - (line >> 1), bitmapW, line);
    if (spreadBottom !== spreadTop && spreadBottom > first && spreadBottom < end) {
      ctx.fillRect(0, rowTop(spreadBottom) - (line >> 1), bitmapW, line);
    }
    if (theme.highContrast && theme.contrastActiveBorder !== '') {
      ctx.strokeStyle = theme.contrastActiveBorder;
      ctx.lineWidth = line;
      for (const r of [grid.askTouchRow, grid.bidTouchRow]) {
        if (!(r >= first && r < end)) continue;
        const y0 = rowTop(r);
        const y1 = rowTop(r + 1);
        ctx.strokeRect(line / 2, y0 + line / 2, bitmapW - line, y1 - y0 - line);
      }
    }

    // 4. Text, one column at a time so the font and colour change a few times per frame, not per cell.
    const normal = canvasFont(theme.numberFont, fontPx);
    const bold = canvasFont(theme.numberFont, fontPx, true);
    const mid = (r: number): number => (rowTop(r) + rowTop(r + 1)) / 2;
    ctx.textAlign = 'right';
    // fillText with a maxWidth takes a much slower path; numbers are mostly digits (tabular in the
    // editor fonts), so a width estimate from one measured digit decides when the limit is needed.
    const previousFont = ctx.font;
    ctx.font = bold;
    const digitPx = this.widths.width(bold, '0', (t) => ctx.measureText(t).width);
    ctx.font = previousFont;
    const text = (s: Span, value: string, y: number, inset = pad): void => {
      const room = s.w - 2 * inset;
      if (value.length * digitPx <= room) ctx.fillText(value, s.x + s.w - inset, y);
      else ctx.fillText(value, s.x + s.w - inset, y, Math.max(1, room));
    };
    const priceInset = pad + Math.round(TRADE_MARKER_ROOM_PX * rx);

    // Old numbers look old: the text fades with them (the grid lines and row backgrounds stay).
    ctx.globalAlpha = figure;
    ctx.font = normal;
    ctx.fillStyle = theme.bid;
    for (let r = first; r < end; r++) if (grid.bidQty[r] > 0) text(bid, formatSize(grid.bidQty[r], p.sizeDecimals), mid(r));
    ctx.fillStyle = theme.ask;
    for (let r = first; r < end; r++) if (grid.askQty[r] > 0) text(ask, formatSize(grid.askQty[r], p.sizeDecimals), mid(r));
    if (bidCum !== null && askCum !== null) {
      ctx.fillStyle = theme.mutedForeground;
      for (let r = first; r < end; r++) {
        if (grid.bidQty[r] > 0 && grid.isBidRow(r)) text(bidCum, formatSize(grid.bidCum[r], p.sizeDecimals), mid(r));
        if (grid.askQty[r] > 0 && grid.isAskRow(r)) text(askCum, formatSize(grid.askCum[r], p.sizeDecimals), mid(r));
      }
    }
    // Prices: empty buckets muted so the levels that hold size stand out; the touch in bold.
    for (let r = first; r < end; r++) {
      const touch = r === grid.askTouchRow || r === grid.bidTouchRow;
      const holdsSize = grid.bidQty[r] > 0 || grid.askQty[r] > 0;
      ctx.font = touch ? bold : normal;
      ctx.fillStyle = touch ? (r === grid.askTouchRow ? theme.ask : theme.bid) : holdsSize ? theme.foreground : theme.mutedForeground;
      text(price, formatPrice(scale.toPrice(grid.priceTicksAt(r)), scale), mid(r), priceInset);
    }

    // 5. The last trade's marker: a triangle on its side's edge of the price cell, in the aggressor's colour.
    if (trade !== null && flash !== null && trade.row >= first && trade.row < end) {
      const y0 = rowTop(trade.row);
      const y1 = rowTop(trade.row + 1);
      const h = Math.max(4, Math.round((y1 - y0) * 0.5));
      const depth = Math.round(h * 0.8);
      const inset = line + Math.round(2 * rx);
      const edge = flash.markerEdge === 'left' ? price.x + inset : price.x + price.w - inset;
      const tip = flash.markerEdge === 'left' ? edge + depth : edge - depth;
      const cy = (y0 + y1) / 2;
      ctx.fillStyle = trade.side === 'buy' ? theme.bid : theme.ask;
      ctx.beginPath();
      ctx.moveTo(edge, cy - h / 2);
      ctx.lineTo(tip, cy);
      ctx.lineTo(edge, cy + h / 2);
      ctx.closePath();
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }
}
