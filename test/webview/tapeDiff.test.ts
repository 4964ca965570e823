import * as assert from 'node:assert/strict';
import { newTradeCount } from '../../webview/tapeDiff';
import type { TradeTape } from '../../src/shared/panelProtocol';

/** A tape from [time, price, qty, side] rows, newest first. */
function tape(rows: Array<[number, number, number, number]>): TradeTape {
  return {
    times: Float64Array.from(rows.map((r) => r[0])),
    prices: Float64Array.from(rows.map((r) => r[1])),
    qtys: Float64Array.from(rows.map((r) => r[2])),
    sides: Int8Array.from(rows.map((r) => r[3])),
  };
}

describe('trade tape diff', () => {
  const old = tape([
    [5, 100, 1, 1],
    [4, 100, 2, -1],
    [3, 99.9, 1, -1],
  ]);

  it('counts the trades in front of the previously newest ones', () => {
    const next = tape([
      [7, 100.1, 1, 1],
      [6, 100, 3, 1],
      [5, 100, 1, 1],
      [4, 100, 2, -1],
      [3, 99.9, 1, -1],
    ]);
    assert.equal(newTradeCount(old, 3, next, 5), 2);
  });

  it('says 0 when nothing new arrived', () => {
    assert.equal(newTradeCount(old, 3, old, 3), 0);
  });

  it('is not fooled by a new trade identical to the previous newest one', () => {
    const next = tape([
      [5, 100, 1, 1],
      [5, 100, 1, 1],
      [4, 100, 2, -1],
      [3, 99.9, 1, -1],
    ]);
    assert.equal(newTradeCount(old, 3, next, 4), 1);
  });

  it('asks for a full rewrite when the old trades are gone or the tape shrank', () => {
    const unrelated = tape([
      [9, 1, 1, 1],
      [8, 1, 1, 1],
      [7, 1, 1, 1],
    ]);
    assert.equal(newTradeCount(old, 3, unrelated, 3), -1);
    assert.equal(newTradeCount(old, 3, tape([[5, 100, 1, 1]]), 1), -1);
    assert.equal(newTradeCount(tape([]), 0, old, 3), -1);
  });
});
