import type { BookSnapshotMessage, PanelViewState } from '../src/shared/panelProtocol';
import { bucketTicks } from '../src/engine/analysis/priceGrouping';
import { Invalidation, type InvalidationLevel } from './frameScheduler';
import { describeRow, rowAtY } from './hitTest';
import { buildLadderGrid, LadderGrid } from './ladderGrid';
import { layoutColumns, sameColumns, type ColumnLayout, type PaintGeometry } from './ladderLayout';
import { LadderRenderer, rowHeightFor, type TradeMark } from './ladderRenderer';
import { formatPrice, sizeDecimals } from './numberFormat';
import { OverlayRenderer } from './overlayRenderer';
import { pageRows, ScrollModel, wheelDeltaRows, type Viewport } from './scrollModel';
import type { LadderTheme } from './theme';

/**
 * The ladder widget: owns the DOM (column titles, the ladder canvas and the overlay canvas above it),
 * the input events, the scroll position and the grid. It never draws on its own initiative: it asks
 * its owner for a frame (`invalidate`) and draws when the owner's frame calls `render`.
 */

export interface LadderViewHost {
  /** Asks for a frame at this level (coalesced by the owner's FrameScheduler). */
  invalidate(level: InvalidationLevel): void;
  /** The lock or the scroll position changed (the owner persists PanelViewState). */
  viewStateChanged(): void;
  /** Something failed outside a frame (e.g. in the resize observer). */
  error(error: unknown): void;
}

/** Levels a side read to decide how many decimals sizes get. */
const SIZE_SAMPLE = 200;

/** How long the last trade's row flashes, ms. */
export const TRADE_FLASH_MS = 600;

interface CanvasSize {
  widthPx: number;
  heightPx: number;
  bitmapW: number;
  bitmapH: number;
}

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { alpha: canvas.classList.contains('overlay') });
  if (ctx === null) throw new Error('The ladder needs a 2D canvas, and this webview could not create one.');
  return ctx;
}

/**
 * The canvas's size in device pixels: the observer's exact figure when it agrees with css × dpr (it
 * does in VS Code), else css × dpr rounded (emulated device ratios, e.g. headless test browsers,
 * report CSS pixels there).
 */
function devicePixels(observed: number | undefined, estimated: number): number {
  return observed !== undefined && Math.abs(observed - estimated) <= 2 ? observed : Math.round(estimated);
}

export class LadderView {
  readonly element: HTMLElement;
  private readonly titles: { bidCum: HTMLElement; bid: HTMLElement; price: HTMLElement; ask: HTMLElement; askCum: HTMLElement };
  private readonly stack: HTMLElement;
  private readonly ladderCanvas: HTMLCanvasElement;
  private readonly overlayCanvas: HTMLCanvasElement;
  private readonly ladderCtx: CanvasRenderingContext2D;
  private readonly overlayCtx: CanvasRenderingContext2D;
  private readonly renderer = new LadderRenderer();
  private readonly overlay = new OverlayRenderer();
  private readonly scroll: ScrollModel;
  private readonly resizeObserver: ResizeObserver;
  private readonly grid = new LadderGrid();
  private snapshot: BookSnapshotMessage | null = null;
  private gridDirty = false;
  private maxRows = 1000;
  private showCumulative: boolean;
  private theme: LadderTheme;
  private size: CanvasSize = { widthPx: 0, heightPx: 0, bitmapW: 0, bitmapH: 0 };
  private pointer: { x: number; y: number } | null = null;
  private columns: ColumnLayout | null = null;
  private decimals = 0;
  private tradeKey = '';
  private tradeStart = -Infinity;
  private emptyText = 'Waiting for the order book…';
  private figureAlpha = 1;

  constructor(
    private readonly host: LadderViewHost,
    viewState: PanelViewState,
    theme: LadderTheme,
  ) {
    this.theme = theme;
    this.showCumulative = viewState.showCumulative;
    this.scroll = new ScrollModel(viewState);

    this.element = document.createElement('section');
    this.element.className = 'ladder';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-roledescription', 'price ladder');
    this.element.setAttribute('aria-label', 'Price ladder. Arrow keys scroll a row, Page Up and Page Down a page, Home recentres on the spread.');
    this.element.setAttribute('aria-keyshortcuts', 'ArrowUp ArrowDown PageUp PageDown Home');

    const header = document.createElement('div');
    header.className = 'ladder-titles';
    header.setAttribute('aria-hidden', 'true');
    const title = (text: string, cls: string): HTMLElement => {
      const el = document.createElement('span');
      el.className = `ladder-title ${cls}`;
      el.textContent = text;
      header.append(el);
      return el;
    };
    this.titles = {
      bidCum: title('Σ Bid', 'bid'),
      bid: title('Bid', 'bid'),
      price: title('Price', 'price'),
      ask: title('Ask', 'ask'),
      askCum: title('Σ Ask', 'ask'),
    };

    this.stack = document.createElement('div');
    this.stack.className = 'ladder-stack';
    this.ladderCanvas = document.createElement('canvas');
    this.ladderCanvas.className = 'ladder-canvas';
    this.overlayCanvas = document.createElement('canvas');
    this.overlayCanvas.className = 'ladder-canvas overlay';
    this.ladderCanvas.setAttribute('aria-hidden', 'true');
    this.overlayCanvas.setAttribute('aria-hidden', 'true');
    this.stack.append(this.ladderCanvas, this.overlayCanvas);
    this.element.append(header, this.stack);
    this.ladderCtx = context2d(this.ladderCanvas);
    this.overlayCtx = context2d(this.overlayCanvas);

    this.resizeObserver = new ResizeObserver((entries) => {
      try {
        const entry = entries[entries.length - 1];
        if (entry !== undefined) this.resize(entry);
      } catch (error) {
        this.host.error(error);
      }
    });
    try {
      // Exact device pixels where supported (Chromium): no blur from rounding css × dpr ourselves,
      // and the observer also fires when the device pixel ratio changes (zoom, another monitor).
      this.resizeObserver.observe(this.stack, { box: 'device-pixel-content-box' });
    } catch {
      this.resizeObserver.observe(this.stack);
    }

    this.element.addEventListener('keydown', this.onKeyDown);
    this.stack.addEventListener('wheel', this.onWheel, { passive: false });
    this.overlayCanvas.addEventListener('mousemove', this.onPointerMove);
    this.overlayCanvas.addEventListener('mouseleave', this.onPointerLeave);
  }

  get locked(): boolean {
    return this.scroll.locked;
  }

  get cumulative(): boolean {
    return this.showCumulative;
  }

  /** The state worth keeping across a reload. */
  viewState(): PanelViewState {
    return { locked: this.scroll.locked, scrollRows: this.scroll.scrollRows(this.currentGrid(), this.viewport()), showCumulative: this.showCumulative };
  }

  /** Takes the latest snapshot; the grid is rebuilt once, in the next frame, however many arrive. */
  setSnapshot(snapshot: BookSnapshotMessage | null): void {
    this.snapshot = snapshot;
    this.gridDirty = true;
    this.host.invalidate(Invalidation.Full);
  }

  setMaxRows(rows: number): void {
    if (rows === this.maxRows) return;
    this.maxRows = rows;
    this.gridDirty = true;
    this.host.invalidate(Invalidation.Full);
  }

  /** How strong the numbers are drawn (1 = fresh and live); applies from the next frame. */
  setFigureAlpha(alpha: number): void {
    this.figureAlpha = Number.isFinite(alpha) ? Math.max(0, Math.min(1, alpha)) : 1;
  }

  setEmptyText(text: string): void {
    if (text === this.emptyText) return;
    this.emptyText = text;
    if (this.grid.rowCount === 0) this.host.invalidate(Invalidation.Full);
  }

  setShowCumulative(show: boolean): void {
    if (show === this.showCumulative) return;
    this.showCumulative = show;
    this.host.invalidate(Invalidation.Full);
    this.host.viewStateChanged();
  }

  setTheme(theme: LadderTheme): void {
    this.theme = theme;
    this.columns = null;
    this.host.invalidate(Invalidation.Full);
  }

  recentre(): void {
    this.scroll.recentre();
    this.host.invalidate(Invalidation.Full);
    this.host.viewStateChanged();
  }

  setLocked(locked: boolean): void {
    if (locked === this.scroll.locked) return;
    this.scroll.setLocked(locked, this.currentGrid(), this.viewport());
    this.host.invalidate(Invalidation.Full);
    this.host.viewStateChanged();
  }

  focus(): void {
    this.element.focus();
  }

  /**
   * Draws for the owner's frame. Full: grid (if new data), ladder and overlay; Overlay: the overlay
   * only. A zero-sized (collapsed) view builds the grid and draws nothing.
   */
  render(level: InvalidationLevel, now: number): void {
    if (level === Invalidation.None) return;
    const grid = this.currentGrid();
    if (this.size.bitmapW === 0 || this.size.bitmapH === 0) return;
    const viewport = this.viewport();
    const geometry: PaintGeometry = {
      topPx: this.scroll.topPx(grid, viewport),
      rowHeightPx: viewport.rowHeightPx,
      widthPx: this.size.widthPx,
      heightPx: this.size.heightPx,
      pixelRatioX: this.size.bitmapW / this.size.widthPx,
      pixelRatioY: this.size.bitmapH / this.size.heightPx,
    };
    if (level === Invalidation.Full) {
      const trade = this.tradeMark(now);
      this.renderer.draw(this.ladderCtx, {
        ...geometry,
        grid,
        columns: this.layout(grid),
        theme: this.theme,
        sizeDecimals: this.decimals,
        trade,
        emptyText: this.emptyText,
        figureAlpha: this.figureAlpha,
      });
      // The flash fades from snapshot to snapshot: asking for frames of our own to animate it would
      // redraw the whole ladder at display rate while trades flow.
    }
    this.renderOverlay(grid, geometry);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.element.removeEventListener('keydown', this.onKeyDown);
    this.stack.removeEventListener('wheel', this.onWheel);
    this.overlayCanvas.removeEventListener('mousemove', this.onPointerMove);
    this.overlayCanvas.removeEventListener('mouseleave', this.onPointerLeave);
    this.element.remove();
  }

  private renderOverlay(grid: LadderGrid, geometry: PaintGeometry): void {
    const pointer = this.pointer;
    const row = pointer === null ? -1 : rowAtY(pointer.y, geometry.topPx, geometry.rowHeightPx, grid.rowCount, geometry.heightPx);
    const details = row < 0 || this.snapshot === null ? null : describeRow(grid, row, this.snapshot);
    this.overlay.draw(this.overlayCtx, {
      ...geometry,
      pointer,
      details,
      scale: grid.scale,
      theme: this.theme,
      sizeDecimals: this.decimals,
    });
  }

  /** The grid for the latest snapshot, rebuilt only when the data or the row cap changed. */
  private currentGrid(): LadderGrid {
    if (!this.gridDirty) return this.grid;
    this.gridDirty = false;
    const s = this.snapshot;
    if (s === null) {
      this.grid.rowCount = 0;
      this.grid.scale = null;
      return this.grid;
    }
    buildLadderGrid(s, this.maxRows, this.grid);
    // One decimals value per snapshot (not per row), so the size columns line up. The levels near
    // the touch are what is on screen and show the symbol's step; reading all 3000 costs a frame.
    this.decimals = Math.max(sizeDecimals(s.bids.qtys, SIZE_SAMPLE), sizeDecimals(s.asks.qtys, SIZE_SAMPLE));
    const t = s.lastTrade;
    const key = t === null ? '' : `${t.time}|${t.price}|${t.qty}|${t.side}`;
    if (key !== this.tradeKey) {
      this.tradeKey = key;
      this.tradeStart = t === null ? -Infinity : performance.now();
    }
    return this.grid;
  }

  private tradeMark(now: number): TradeMark | null {
    const t = this.snapshot?.lastTrade ?? null;
    const scale = this.grid.scale;
    if (t === null || scale === null || this.grid.rowCount === 0) return null;
    // A buy lifted an ask, a sell hit a bid: mark the bucket as that side's grouping rounds it.
    const bucket = bucketTicks(t.side === 'buy' ? 'ask' : 'bid', scale.toTicks(t.price), this.grid.stepTicks);
    const flash = Math.max(0, 1 - (now - this.tradeStart) / TRADE_FLASH_MS);
    return { row: this.grid.rowOfTicks(bucket), side: t.side, flash: Math.min(1, flash) };
  }

  private layout(grid: LadderGrid): ColumnLayout {
    const scale = grid.scale;
    const widest = scale === null || grid.rowCount === 0 ? '000,000.0' : formatPrice(scale.toPrice(grid.topTicks), scale);
    const priceWidth = this.renderer.priceColumnWidth(this.ladderCtx, this.theme.numberFont, widest);
    const columns = layoutColumns(this.size.widthPx, priceWidth, this.showCumulative);
    if (!sameColumns(this.columns, columns)) {
      this.columns = columns;
      this.placeTitles(columns);
    }
    return columns;
  }

  /** Keeps the DOM column titles over their canvas columns (CSSOM writes, which the CSP allows). */
  private placeTitles(columns: ColumnLayout): void {
    const place = (el: HTMLElement, column: { x: number; width: number } | null): void => {
      el.hidden = column === null;
      if (column === null) return;
      el.style.left = `${column.x}px`;
      el.style.width = `${column.width}px`;
    };
    place(this.titles.bidCum, columns.bidCum);
    place(this.titles.bid, columns.bid);
    place(this.titles.price, columns.price);
    place(this.titles.ask, columns.ask);
    place(this.titles.askCum, columns.askCum);
  }

  private viewport(): Viewport {
    return { heightPx: Math.max(1, this.size.heightPx), rowHeightPx: rowHeightFor(this.theme.numberFont) };
  }

  private resize(entry: ResizeObserverEntry): void {
    const widthPx = entry.contentRect.width;
    const heightPx = entry.contentRect.height;
    const dpr = window.devicePixelRatio || 1;
    const bitmapW = devicePixels(entry.devicePixelContentBoxSize?.[0]?.inlineSize, widthPx * dpr);
    const bitmapH = devicePixels(entry.devicePixelContentBoxSize?.[0]?.blockSize, heightPx * dpr);
    if (widthPx <= 0 || heightPx <= 0) {
      this.size = { widthPx: 0, heightPx: 0, bitmapW: 0, bitmapH: 0 };
      return;
    }
    const s = this.size;
    if (s.widthPx === widthPx && s.heightPx === heightPx && s.bitmapW === bitmapW && s.bitmapH === bitmapH) return;
    this.size = { widthPx, heightPx, bitmapW, bitmapH };
    for (const canvas of [this.ladderCanvas, this.overlayCanvas]) {
      canvas.width = bitmapW;
      canvas.height = bitmapH;
    }
    this.columns = null;
    // Resizing a canvas clears it; paint now rather than in the next frame, so it never shows blank.
    this.render(Invalidation.Full, performance.now());
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const grid = this.currentGrid();
    const viewport = this.viewport();
    switch (event.key) {
      case 'ArrowUp':
        this.scroll.scrollByRows(-1, grid, viewport);
        break;
      case 'ArrowDown':
        this.scroll.scrollByRows(1, grid, viewport);
        break;
      case 'PageUp':
        this.scroll.scrollByRows(-pageRows(viewport), grid, viewport);
        break;
      case 'PageDown':
        this.scroll.scrollByRows(pageRows(viewport), grid, viewport);
        break;
      case 'Home':
        this.scroll.recentre();
        break;
      default:
        return;
    }
    event.preventDefault();
    this.host.invalidate(Invalidation.Full);
    this.host.viewStateChanged();
  };

  private readonly onWheel = (event: WheelEvent): void => {
    if (event.ctrlKey) return; // pinch-zoom / ctrl+wheel belongs to the webview's zoom
    event.preventDefault();
    const viewport = this.viewport();
    this.scroll.wheel(wheelDeltaRows(event.deltaY, event.deltaMode, viewport), this.currentGrid(), viewport);
    this.host.invalidate(Invalidation.Full);
    this.host.viewStateChanged();
  };

  private readonly onPointerMove = (event: MouseEvent): void => {
    this.pointer = { x: event.offsetX, y: event.offsetY };
    this.host.invalidate(Invalidation.Overlay);
  };

  private readonly onPointerLeave = (): void => {
    this.pointer = null;
    this.host.invalidate(Invalidation.Overlay);
  };
}
