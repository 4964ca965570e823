import assert from 'node:assert/strict';
import {
  centredTopPx,
  clampTopPx,
  pageRows,
  ScrollModel,
  visibleRows,
  wheelDeltaRows,
  type ScrollGeometry,
  type Viewport,
} from '../../webview/scrollModel';

/** A grid of `rowCount` rows whose spread centre sits `centre` rows below the top of row 0. */
function geometry(rowCount: number, topTicks: number, centre: number, stepTicks = 1): ScrollGeometry {
  return { rowCount, topTicks, stepTicks, spreadCentreRow: () => centre };
}

const viewport: Viewport = { heightPx: 200, rowHeightPx: 20 }; // 10 rows

describe('scrollModel', () => {
  it('centres the middle of the spread at mid-height', () => {
    const g = geometry(1000, 100_000, 500);
    assert.equal(centredTopPx(g, viewport), 500 * 20 - 100);
    const model = new ScrollModel();
    assert.equal(model.topPx(g, viewport), 9900);
    assert.deepEqual(model.visibleRows(g, viewport), { first: 495, end: 505, topPx: 9900 });
  });

  it('locked, keeps the spread centred after the mid moves', () => {
    const model = new ScrollModel();
    model.topPx(geometry(1000, 100_000, 500), viewport);
    // The market rallies 7 ticks: the grid's top moves and the spread sits at another row.
    const moved = geometry(1000, 100_007, 493);
    assert.equal(model.topPx(moved, viewport), centredTopPx(moved, viewport));
  });

  it('unlocked, keeps the same top price when the grid moves under it', () => {
    const model = new ScrollModel();
    const g = geometry(1000, 100_000, 500);
    model.scrollByRows(-3, g, viewport);
    assert.equal(model.locked, false, 'scrolling unlocks');
    const top = model.topPx(g, viewport);
    assert.equal(top, 9900 - 60);
    const topPriceTicks = g.topTicks - top / 20;
    // The book moves up 7 ticks: same prices on screen means the view moves 7 rows down the grid.
    const moved = geometry(1000, 100_007, 493);
    const movedTop = model.topPx(moved, viewport);
    assert.equal(movedTop, top + 7 * 20);
    assert.equal(moved.topTicks - movedTop / 20, topPriceTicks);
  });

  it('unlocked, keeps its prices when the grouping changes', () => {
    const model = new ScrollModel({ locked: false, scrollRows: 0 });
    const g = geometry(1000, 100_000, 500);
    const topTicks = g.topTicks - model.topPx(g, viewport) / 20;
    const regrouped = geometry(100, 100_000, 50, 10);
    const top = model.topPx(regrouped, viewport);
    assert.equal(regrouped.topTicks - (top / 20) * 10, topTicks);
  });

  it('clamps at both ends of the grid', () => {
    const g = geometry(100, 1000, 50);
    const model = new ScrollModel();
    model.scrollByRows(-10_000, g, viewport);
    assert.equal(model.topPx(g, viewport), 0, 'first row at the top');
    model.scrollByRows(10_000, g, viewport);
    assert.equal(model.topPx(g, viewport), 100 * 20 - 200, 'last row at the bottom');
    assert.equal(clampTopPx(-50, g, viewport), 0);
  });

  it('allows the centred position on a book shorter than the view', () => {
    const g = geometry(4, 1000, 2);
    assert.equal(centredTopPx(g, viewport), 2 * 20 - 100);
    assert.equal(clampTopPx(centredTopPx(g, viewport), g, viewport), -60);
  });

  it('Home (recentre) locks and returns to the spread', () => {
    const g = geometry(1000, 100_000, 500);
    const model = new ScrollModel();
    model.scrollByPages(3, g, viewport);
    assert.notEqual(model.topPx(g, viewport), centredTopPx(g, viewport));
    model.recentre();
    assert.equal(model.locked, true);
    assert.equal(model.topPx(g, viewport), centredTopPx(g, viewport));
    assert.equal(model.scrollRows(g, viewport), 0);
  });

  it('pages by the rows that fit whole in the view', () => {
    assert.equal(pageRows(viewport), 10);
    assert.equal(pageRows({ heightPx: 215, rowHeightPx: 20 }), 10);
    assert.equal(pageRows({ heightPx: 5, rowHeightPx: 20 }), 1);
    const g = geometry(1000, 100_000, 500);
    const model = new ScrollModel();
    const before = model.topPx(g, viewport);
    model.scrollByPages(1, g, viewport);
    assert.equal(model.topPx(g, viewport) - before, 10 * 20);
    assert.equal(model.scrollRows(g, viewport), 10);
  });

  it('unlocking freezes the view where it is; locking recentres', () => {
    const g = geometry(1000, 100_000, 500);
    const model = new ScrollModel();
    model.setLocked(false, g, viewport);
    assert.equal(model.topPx(g, viewport), centredTopPx(g, viewport));
    const moved = geometry(1000, 100_005, 495);
    assert.equal(model.topPx(moved, viewport), centredTopPx(g, viewport) + 5 * 20);
    model.setLocked(true, moved, viewport);
    assert.equal(model.topPx(moved, viewport), centredTopPx(moved, viewport));
  });

  it('restores rows-from-centre saved before a reload once a grid is known', () => {
    const model = new ScrollModel({ locked: false, scrollRows: -12 });
    const empty = geometry(0, 0, NaN);
    assert.equal(model.scrollRows(empty, viewport), -12, 'kept until there is a grid');
    const g = geometry(1000, 100_000, 500);
    assert.equal(model.topPx(g, viewport), centredTopPx(g, viewport) - 12 * 20);
    assert.equal(model.scrollRows(g, viewport), -12);
  });

  it('turns wheel deltas into rows, accumulating fractions', () => {
    assert.equal(wheelDeltaRows(40, 0, viewport), 2);
    assert.equal(wheelDeltaRows(3, 1, viewport), 3);
    assert.equal(wheelDeltaRows(-1, 2, viewport), -10);
    assert.equal(wheelDeltaRows(NaN, 0, viewport), 0);
    const g = geometry(1000, 100_000, 500);
    const model = new ScrollModel();
    const start = model.topPx(g, viewport);
    for (let i = 0; i < 4; i++) model.wheel(0.25, g, viewport);
    assert.equal(model.topPx(g, viewport) - start, 20, 'four quarter rows make one row');
  });

  it('visits only the rows on screen, however big the grid', () => {
    const range = visibleRows(59_990, 3000, viewport);
    assert.deepEqual([range.first, range.end], [2999, 3000]);
    const mid = visibleRows(25_010, 3000, viewport);
    assert.equal(mid.end - mid.first, 11, 'a partly visible row at each edge');
    assert.deepEqual(visibleRows(-100, 3, viewport), { first: 0, end: 3, topPx: -100 });
  });
});
