import type { PriceScale } from '../src/engine/book/priceScale';
import type { RowDetails } from './hitTest';
import { rowTopDevicePx, type PaintGeometry } from './ladderLayout';
import { formatPrice, formatSignedPercent, formatSignedTicks, formatSize, MISSING } from './numberFormat';
import { TextWidthCache } from './textWidthCache';
import { canvasFont, type LadderTheme } from './theme';

/**
 * Draws hover feedback on the overlay canvas that sits over the ladder: the hovered row's outline
 * and a tooltip. Moving the mouse redraws only this canvas, never the ladder below it.
 */

export interface OverlayPaint extends PaintGeometry {
  /** Pointer position in CSS px, or null when the pointer is not over the ladder. */
  readonly pointer: { readonly x: number; readonly y: number } | null;
  readonly details: RowDetails | null;
  readonly scale: PriceScale | null;
  readonly theme: LadderTheme;
  readonly sizeDecimals: number;
}

const SIDE_LABEL: Record<RowDetails['side'], string> = { ask: 'Ask', bid: 'Bid', spread: 'Spread', none: 'Size' };

/** The tooltip's lines as [label, value] pairs. Pure, so the wording is testable. */
export function tooltipLines(details: RowDetails, scale: PriceScale, sizeDecimals: number): Array<[string, string]> {
  const empty = details.side === 'spread' || details.side === 'none';
  return [
    ['Price', formatPrice(details.price, scale)],
    [SIDE_LABEL[details.side], empty ? MISSING : formatSize(details.qty, sizeDecimals)],
    ['Cum', empty ? MISSING : formatSize(details.cum, sizeDecimals)],
    ['From mid', `${formatSignedTicks(details.distanceTicks)} ticks · ${formatSignedPercent(details.distancePercent, percentDecimals(details.distancePercent))}`],
  ];
}

/** Enough decimals to show a distance of a few ticks on a large price (0.0004%) without noise on big moves. */
export function percentDecimals(percent: number): number {
  const magnitude = Math.abs(percent);
  return magnitude >= 1 ? 2 : magnitude >= 0.01 ? 3 : 4;
}

export class OverlayRenderer {
  private readonly widths = new TextWidthCache(500);

  draw(ctx: CanvasRenderingContext2D, p: OverlayPaint): void {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    if (p.pointer === null || p.details === null || p.scale === null) return;
    const { theme } = p;
    const rx = p.pixelRatioX;
    const ry = p.pixelRatioY;
    const line = Math.max(1, Math.floor(Math.min(rx, ry)));
    const y0 = rowTopDevicePx(p.details.row, p.topPx, p.rowHeightPx, ry);
    const y1 = rowTopDevicePx(p.details.row + 1, p.topPx, p.rowHeightPx, ry);
    const width = ctx.canvas.width;

    // The hovered row: a translucent wash, plus an outline in high contrast (where the wash is '').
    if (theme.hoverBackground !== '') {
      ctx.globalAlpha = 0.5;
      ctx.fillStyle = theme.hoverBackground;
      ctx.fillRect(0, y0, width, y1 - y0);
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = theme.highContrast ? theme.contrastActiveBorder : theme.focusBorder;
    ctx.lineWidth = line;
    if (theme.highContrast) ctx.setLineDash([2 * line, 2 * line]);
    ctx.strokeRect(line / 2, y0 + line / 2, width - line, y1 - y0 - line);
    ctx.setLineDash([]);

    // The tooltip, beside the pointer and flipped to stay inside the canvas.
    const lines = tooltipLines(p.details, p.scale, p.sizeDecimals);
    const fontPx = Math.max(1, Math.round(theme.numberFont.sizePx * ry));
    const font = canvasFont(theme.numberFont, fontPx);
    ctx.font = font;
    const measure = (t: string): number => ctx.measureText(t).width;
    let labelW = 0;
    let valueW = 0;
    for (const [label, value] of lines) {
      labelW = Math.max(labelW, this.widths.width(font, label, measure));
      valueW = Math.max(valueW, this.widths.width(font, value, measure));
    }
    const pad = Math.round(6 * rx);
    const gap = Math.round(12 * rx);
    const lineH = Math.round(fontPx * 1.4);
    const boxW = Math.ceil(pad * 2 + labelW + gap + valueW);
    const boxH = pad * 2 + lineH * lines.length;
    const px = Math.round(p.pointer.x * rx);
    const py = Math.round(p.pointer.y * ry);
    const offset = Math.round(14 * rx);
    let bx = px + offset;
    if (bx + boxW > width) bx = px - offset - boxW;
    bx = Math.max(0, Math.min(bx, width - boxW));
    let by = py + offset;
    if (by + boxH > ctx.canvas.height) by = py - offset - boxH;
    by = Math.max(0, Math.min(by, ctx.canvas.height - boxH));

    ctx.fillStyle = theme.tooltipBackground;
    ctx.fillRect(bx, by, boxW, boxH);
    ctx.strokeStyle = theme.tooltipBorder;
    ctx.lineWidth = line;
    ctx.strokeRect(bx + line / 2, by + line / 2, boxW - line, boxH - line);
    ctx.textBaseline = 'middle';
    lines.forEach(([label, value], i) => {
      const y = by + pad + lineH * i + lineH / 2;
      ctx.textAlign = 'left';
      ctx.fillStyle = theme.mutedForeground;
      ctx.fillText(label, bx + pad, y);
      ctx.textAlign = 'right';
      ctx.fillStyle = i === 1 && p.details?.side === 'bid' ? theme.bid : i === 1 && p.details?.side === 'ask' ? theme.ask : theme.tooltipForeground;
      ctx.fillText(value, bx + boxW - pad, y);
    });
  }
}
