import type { TradeTape as TradeTapeData } from '../src/shared/panelProtocol';
import type { PriceScale } from '../src/engine/book/priceScale';
import { formatClock, formatPrice, formatSize, sizeDecimals } from './numberFormat';
import { newTradeCount } from './tapeDiff';

/**
 * The trade tape: newest trade on top, time, price and size coloured by the aggressor. A fixed pool
 * of row elements (TAPE_ROWS) is created once. When k new trades arrive, the k bottom rows are moved
 * to the top and only they are written: every older row keeps its text, so a busy tape costs k row
 * writes, not a rewrite of the whole list.
 */

export const TAPE_ROWS = 80;

interface TapeRow {
  readonly element: HTMLElement;
  readonly cells: [HTMLElement, HTMLElement, HTMLElement];
  readonly texts: [string, string, string];
  side: number;
}

export class TradeTapeView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly rows: TapeRow[] = [];
  private pending: { trades: TradeTapeData; scale: PriceScale } | null = null;
  /** The trades the rows show, newest first, to find where the new ones end. */
  private shown: (TradeTapeData & { count: number; decimals: number }) | null = null;
  /** Rows that fit in the list; rows below the fold are not written (the list clips them). */
  private visibleRows = TAPE_ROWS;
  private readonly resizeObserver: ResizeObserver;

  constructor() {
    this.element = document.createElement('aside');
    this.element.className = 'tape';
    this.element.setAttribute('aria-label', 'Trades');
    const heading = document.createElement('div');
    heading.className = 'tape-head';
    heading.setAttribute('aria-hidden', 'true');
    for (const text of ['Time', 'Price', 'Size']) {
      const cell = document.createElement('span');
      cell.textContent = text;
      heading.append(cell);
    }
    this.list = document.createElement('div');
    this.list.className = 'tape-list';
    // The list changes many times a second; announcing it would drown a screen reader.
    this.list.setAttribute('aria-hidden', 'true');
    this.element.append(heading, this.list);
    for (let i = 0; i < TAPE_ROWS; i++) {
      const element = document.createElement('div');
      element.className = 'tape-row';
      element.hidden = true;
      const cells: [HTMLElement, HTMLElement, HTMLElement] = [document.createElement('span'), document.createElement('span'), document.createElement('span')];
      element.append(...cells);
      this.list.append(element);
      this.rows.push({ element, cells, texts: ['', '', ''], side: 0 });
    }
    // Measured on resize, never during a frame, so rendering does not force a layout.
    this.resizeObserver = new ResizeObserver(() => {
      const rowPx = this.rows.find((r) => !r.element.hidden)?.element.offsetHeight || 18;
      const fit = Math.min(TAPE_ROWS, Math.ceil(this.list.clientHeight / rowPx) + 1);
      if (fit !== this.visibleRows) {
        this.visibleRows = fit;
        this.shown = null;
      }
    });
    this.resizeObserver.observe(this.list);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
  }

  /** Keeps the latest trades; they are written in the next render. */
  setTrades(trades: TradeTapeData, scale: PriceScale): void {
    this.pending = { trades, scale };
  }

  clear(): void {
    for (const row of this.rows) row.element.hidden = true;
    this.pending = null;
    this.shown = null;
  }

  render(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const { trades, scale } = pending;
    const n = Math.min(this.visibleRows, trades.times.length, trades.prices.length, trades.qtys.length, trades.sides.length);
    const decimals = sizeDecimals(trades.qtys, n);
    const shown = this.shown;
    const fresh = shown === null || decimals !== shown.decimals ? -1 : newTradeCount(shown, shown.count, trades, n);
    if (fresh > 0 && fresh < n) {
      // Recycle: the bottom rows go to the top; the others already show the older trades.
      for (let k = 0; k < fresh; k++) {
        const row = this.rows.pop()!;
        this.rows.unshift(row);
        this.list.prepend(row.element);
      }
    }
    const writeUpTo = fresh >= 0 && fresh < n ? fresh : TAPE_ROWS;
    for (let i = 0; i < writeUpTo; i++) {
      const row = this.rows[i];
      if (i >= n) {
        if (!row.element.hidden) row.element.hidden = true;
        continue;
      }
      if (row.element.hidden) row.element.hidden = false;
      this.write(row, 0, formatClock(trades.times[i]));
      this.write(row, 1, formatPrice(trades.prices[i], scale));
      this.write(row, 2, formatSize(trades.qtys[i], decimals));
      const side = trades.sides[i];
      if (side !== row.side) {
        row.side = side;
        row.element.classList.toggle('buy', side > 0);
        row.element.classList.toggle('sell', side < 0);
      }
    }
    this.shown = { times: trades.times, prices: trades.prices, qtys: trades.qtys, sides: trades.sides, count: n, decimals };
  }

  private write(row: TapeRow, cell: 0 | 1 | 2, text: string): void {
    if (row.texts[cell] === text) return;
    row.texts[cell] = text;
    row.cells[cell].textContent = text;
  }
}
