/**
 * Where the ladder's viewport sits over the grid. Pure: no DOM, no drawing.
 *
 * Positions are in CSS pixels measured from the top edge of grid row 0 (`topPx` is the grid y at the
 * top of the viewport; it may be negative when the view is centred on a short book).
 *
 * Locked, the view follows the market: the middle of the spread stays at mid-height. Unlocked, it
 * stays on its prices: it remembers the price (in fractional ticks) at its top edge, so when the grid
 * grows or shifts under it the same buckets stay at the same place on screen. Scrolling unlocks.
 */

/** What the scroll math needs to know about a grid (LadderGrid satisfies it). */
export interface ScrollGeometry {
  readonly rowCount: number;
  readonly topTicks: number;
  readonly stepTicks: number;
  /** Middle of the spread in row units from the top of row 0; NaN for an empty book. */
  spreadCentreRow(): number;
}

export interface Viewport {
  /** Height of the ladder area in CSS pixels. */
  readonly heightPx: number;
  readonly rowHeightPx: number;
}

/** Half-open range of grid rows that intersect the viewport. */
export interface VisibleRows {
  readonly first: number;
  readonly end: number;
  readonly topPx: number;
}

/** Rows moved by PageUp/PageDown: the rows that fit whole in the viewport, at least one. */
export function pageRows(viewport: Viewport): number {
  return Math.max(1, Math.floor(viewport.heightPx / viewport.rowHeightPx));
}

/** The topPx that puts the middle of the spread at mid-height (0 for an empty book). */
export function centredTopPx(geometry: ScrollGeometry, viewport: Viewport): number {
  const centre = geometry.spreadCentreRow();
  if (Number.isNaN(centre)) return 0;
  return centre * viewport.rowHeightPx - viewport.heightPx / 2;
}

/**
 * Keeps a user-chosen position on the grid: from the first row at the top to the last row at the
 * bottom. The centred position is always allowed, so Home is reachable on a book shorter than the view.
 */
export function clampTopPx(topPx: number, geometry: ScrollGeometry, viewport: Viewport): number {
  const centred = centredTopPx(geometry, viewport);
  const low = Math.min(0, centred);
  const high = Math.max(geometry.rowCount * viewport.rowHeightPx - viewport.heightPx, centred);
  return Math.min(high, Math.max(low, topPx));
}

/** Rows intersecting the viewport: at most ceil(height / rowHeight) + 1, whatever the grid's size. */
export function visibleRows(topPx: number, rowCount: number, viewport: Viewport): VisibleRows {
  const rowHeight = viewport.rowHeightPx;
  const first = Math.max(0, Math.floor(topPx / rowHeight));
  const end = Math.min(rowCount, Math.ceil((topPx + viewport.heightPx) / rowHeight));
  return { first: Math.min(first, Math.max(end, 0)), end: Math.max(end, 0), topPx };
}

/**
 * Rows to scroll for a wheel event: pixel deltas become fractions of a row, line deltas are rows,
 * page deltas are pages. Positive scrolls towards lower prices (down the ladder).
 */
export function wheelDeltaRows(deltaY: number, deltaMode: number, viewport: Viewport): number {
  if (!Number.isFinite(deltaY)) return 0;
  switch (deltaMode) {
    case 1: // DOM_DELTA_LINE
      return deltaY;
    case 2: // DOM_DELTA_PAGE
      return deltaY * pageRows(viewport);
    default: // DOM_DELTA_PIXEL
      return deltaY / viewport.rowHeightPx;
  }
}

export class ScrollModel {
  private isLocked: boolean;
  /** Unlocked: the price at the viewport's top edge, in (fractional) ticks. NaN until placed. */
  private anchorTicks = NaN;
  /** Restored rows-from-centre, applied once a grid is known (the first snapshot after a reload). */
  private pendingScrollRows: number | null;
  /** Wheel deltas smaller than a row add up here until they make a row. */
  private wheelRemainder = 0;

  constructor(saved?: { readonly locked: boolean; readonly scrollRows: number }) {
    this.isLocked = saved?.locked ?? true;
    this.pendingScrollRows = !this.isLocked && Number.isFinite(saved?.scrollRows) ? (saved as { scrollRows: number }).scrollRows : null;
  }

  get locked(): boolean {
    return this.isLocked;
  }

  /** The viewport's top for this grid: centred when locked, on its prices (clamped) when not. */
  topPx(geometry: ScrollGeometry, viewport: Viewport): number {
    const centred = centredTopPx(geometry, viewport);
    if (this.isLocked || geometry.rowCount === 0) return centred;
    if (this.pendingScrollRows !== null) {
      this.placeAt(centred + this.pendingScrollRows * viewport.rowHeightPx, geometry, viewport);
      this.pendingScrollRows = null;
    }
    if (Number.isNaN(this.anchorTicks)) this.placeAt(centred, geometry, viewport);
    const px = ((geometry.topTicks - this.anchorTicks) / geometry.stepTicks) * viewport.rowHeightPx;
    return clampTopPx(px, geometry, viewport);
  }

  visibleRows(geometry: ScrollGeometry, viewport: Viewport): VisibleRows {
    return visibleRows(this.topPx(geometry, viewport), geometry.rowCount, viewport);
  }

  /** Scrolls by whole or fractional rows (positive = down, towards lower prices); unlocks the view. */
  scrollByRows(rows: number, geometry: ScrollGeometry, viewport: Viewport): void {
    if (rows === 0 || !Number.isFinite(rows) || geometry.rowCount === 0) return;
    const current = this.topPx(geometry, viewport);
    this.isLocked = false;
    this.placeAt(clampTopPx(current + rows * viewport.rowHeightPx, geometry, viewport), geometry, viewport);
  }

  scrollByPages(pages: number, geometry: ScrollGeometry, viewport: Viewport): void {
    this.scrollByRows(pages * pageRows(viewport), geometry, viewport);
  }

  /**
   * Applies a wheel delta (already in rows) in whole rows, keeping the fraction for the next event,
   * so a trackpad's many small deltas scroll as far as one big one and rows stay aligned.
   */
  wheel(rows: number, geometry: ScrollGeometry, viewport: Viewport): void {
    const total = this.wheelRemainder + rows;
    const whole = Math.trunc(total);
    this.wheelRemainder = total - whole;
    this.scrollByRows(whole, geometry, viewport);
  }

  /** Home: back to the spread, following the market again. */
  recentre(): void {
    this.isLocked = true;
    this.anchorTicks = NaN;
    this.pendingScrollRows = null;
    this.wheelRemainder = 0;
  }

  /** The lock toggle: locking recentres; unlocking freezes the view where it is. */
  setLocked(locked: boolean, geometry: ScrollGeometry, viewport: Viewport): void {
    if (locked) {
      this.recentre();
      return;
    }
    if (!this.isLocked) return;
    const current = this.topPx(geometry, viewport);
    this.isLocked = false;
    if (geometry.rowCount > 0) this.placeAt(current, geometry, viewport);
  }

  /** Rows between the view and the centred view, as PanelViewState keeps it (0 when locked). */
  scrollRows(geometry: ScrollGeometry, viewport: Viewport): number {
    if (this.isLocked) return 0;
    if (this.pendingScrollRows !== null) return this.pendingScrollRows;
    if (geometry.rowCount === 0) return 0;
    const rows = (this.topPx(geometry, viewport) - centredTopPx(geometry, viewport)) / viewport.rowHeightPx;
    return Math.round(rows * 100) / 100;
  }

  private placeAt(topPx: number, geometry: ScrollGeometry, viewport: Viewport): void {
    this.anchorTicks = geometry.topTicks - (topPx / viewport.rowHeightPx) * geometry.stepTicks;
  }
}
