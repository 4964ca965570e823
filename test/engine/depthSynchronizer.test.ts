import * as assert from 'node:assert/strict';
import { DepthSynchronizer } from '../../src/engine/book/depthSynchronizer';
import { MarketEngine } from '../../src/engine/marketEngine';
import type { BookStatus, DepthSnapshotEvent, DepthUpdateEvent } from '../../src/engine/protocol/events';
import { fixtureFrames } from './support/recordingFixture';

/**
 * A deliberately naive reference: JSON.parse every line, keep each side in a Map keyed by the price
 * *number*, follow Binance's procedure with the simplest possible code, sort everything at the end.
 */
function naiveBook(lines: readonly string[]): { lastUpdateId: number; bids: Array<[number, number]>; asks: Array<[number, number]> } {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const pending: Array<{ U: number; u: number; pu: number; b: string[][]; a: string[][] }> = [];
  let lastUpdateId = -1;
  let live = false;
  const apply = (d: { u: number; b: string[][]; a: string[][] }): void => {
    for (const [p, q] of d.b) {
      if (Number(q) === 0) bids.delete(Number(p));
      else bids.set(Number(p), Number(q));
    }
    for (const [p, q] of d.a) {
      if (Number(q) === 0) asks.delete(Number(p));
      else asks.set(Number(p), Number(q));
    }
    lastUpdateId = d.u;
  };
  for (const line of lines) {
    const msg = JSON.parse(line);
    if (msg.lastUpdateId !== undefined) {
      if (live) continue;
      bids.clear();
      asks.clear();
      for (const [p, q] of msg.bids) bids.set(Number(p), Number(q));
      for (const [p, q] of msg.asks) asks.set(Number(p), Number(q));
      lastUpdateId = msg.lastUpdateId;
      for (const d of pending) {
        if (d.u < lastUpdateId) continue;
        if (!live) {
          assert.ok(d.U <= lastUpdateId && lastUpdateId <= d.u, 'the recording bridges its snapshot');
          live = true;
        } else {
          assert.equal(d.pu, lastUpdateId);
        }
        apply(d);
      }
      continue;
    }
    if (msg.data?.e !== 'depthUpdate') continue;
    if (!live) pending.push(msg.data);
    else {
      assert.equal(msg.data.pu, lastUpdateId, 'the recording has no gap');
      apply(msg.data);
    }
  }
  const sorted = (m: Map<number, number>, desc: boolean): Array<[number, number]> =>
    [...m.entries()].filter(([, q]) => q !== 0).sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]));
  return { lastUpdateId, bids: sorted(bids, true), asks: sorted(asks, false) };
}

function diff(U: number, u: number, pu: number, bids: number[] = [], asks: number[] = []): DepthUpdateEvent {
  return { type: 'depthUpdate', symbol: 'BTCUSDT', eventTime: u, transactionTime: u, firstUpdateId: U, finalUpdateId: u, prevFinalUpdateId: pu, bids, asks };
}

function snapshot(lastUpdateId: number, bids: number[], asks: number[]): DepthSnapshotEvent {
  return { type: 'depthSnapshot', symbol: 'BTCUSDT', lastUpdateId, eventTime: 0, transactionTime: 0, bids, asks };
}

function synchronizer(mode: 'full' | 'depth20' = 'full'): { sync: DepthSynchronizer; requests: string[]; statuses: Array<[BookStatus, string]> } {
  const requests: string[] = [];
  const statuses: Array<[BookStatus, string]> = [];
  const sync = new DepthSynchronizer({
    symbol: 'BTCUSDT',
    tickSize: 0.1,
    mode,
    requestSnapshot: (reason) => requests.push(reason),
    onStatus: (status, reason) => statuses.push([status, reason]),
  });
  return { sync, requests, statuses };
}

describe('DepthSynchronizer', () => {
  it('ends the shared recording on the same top 20 as a naive JSON.parse + Map implementation', () => {
    const frames = fixtureFrames();
    const engine = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full' });
    for (const f of frames) engine.ingest(f.text, f.localMs);
    const naive = naiveBook(frames.map((f) => f.text));
    const line = engine.bookLine(20);
    assert.equal(line.status, 'live');
    assert.equal(line.lastUpdateId, 5123135475514);
    assert.equal(naive.lastUpdateId, 5123135475514);
    assert.deepEqual(line.bids, naive.bids.slice(0, 20));
    assert.deepEqual(line.asks, naive.asks.slice(0, 20));
    assert.deepEqual(line.bids[0], [61659.7, 1.486]);
    assert.deepEqual(line.asks[0], [61659.8, 0.981]);
    // The whole book, not just the top, agrees level for level.
    assert.equal(engine.book.levelCount('bid'), naive.bids.length);
    assert.equal(engine.book.levelCount('ask'), naive.asks.length);
    assert.deepEqual(engine.book.topPairs('bid', 100000), naive.bids);
    assert.deepEqual(engine.book.topPairs('ask', 100000), naive.asks);
    assert.equal(engine.sync.counters.gaps, 0);
    assert.equal(engine.sync.counters.snapshotsApplied, 1);
  });

  it('asks for a snapshot on the first diff and buffers diffs until it arrives', () => {
    const { sync, requests, statuses } = synchronizer();
    sync.onDepth(diff(1, 5, 0, [100, 1]));
    sync.onDepth(diff(6, 8, 5, [100, 2]));
    assert.equal(requests.length, 1);
    assert.equal(sync.status, 'syncing');
    assert.equal(sync.book.levelCount('bid'), 0, 'nothing is applied before the snapshot');
    sync.onSnapshot(snapshot(7, [100, 9, 99.9, 1], [100.1, 1]));
    // u=5 < 7 is dropped; 6 <= 7 <= 8 bridges.
    assert.equal(sync.status, 'live');
    assert.equal(sync.book.lastUpdateId, 8);
    assert.equal(sync.book.qtyAt('bid', 100), 2);
    assert.equal(sync.counters.eventsSkipped, 1);
    assert.deepEqual(statuses.map(([s]) => s), ['syncing', 'live']);
  });

  it('waits for a later diff when every buffered diff predates the snapshot', () => {
    const { sync, requests } = synchronizer();
    sync.onDepth(diff(1, 5, 0));
    sync.onSnapshot(snapshot(20, [100, 1], [100.1, 1]));
    assert.equal(sync.status, 'syncing');
    sync.onDepth(diff(18, 25, 17, [], [100.1, 0, 100.2, 3]));
    assert.equal(sync.status, 'live');
    assert.equal(sync.book.bestPrice('ask'), 100.2);
    assert.equal(requests.length, 1, 'no second snapshot was needed');
  });

  it('asks again when the snapshot is older than every buffered diff', () => {
    const { sync, requests } = synchronizer();
    sync.onDepth(diff(50, 60, 49));
    sync.onSnapshot(snapshot(20, [100, 1], [100.1, 1]));
    assert.equal(sync.counters.snapshotsTooOld, 1);
    assert.equal(requests.length, 2);
    assert.notEqual(sync.status, 'live');
    sync.onSnapshot(snapshot(55, [100, 1], [100.1, 1]));
    assert.equal(sync.status, 'live');
    assert.equal(sync.book.lastUpdateId, 60);
  });

  it('treats a pu that does not follow the last u as a gap: counts it, stops claiming live, resyncs', () => {
    const { sync, requests, statuses } = synchronizer();
    sync.onDepth(diff(1, 10, 0));
    sync.onSnapshot(snapshot(5, [100, 1], [100.1, 1]));
    assert.equal(sync.status, 'live');
    sync.onDepth(diff(11, 12, 10, [100, 2]));
    sync.onDepth(diff(14, 15, 13, [100, 7])); // 13 != 12: the diff 13 was lost
    assert.equal(sync.counters.gaps, 1);
    assert.equal(sync.status, 'resyncing');
    assert.match(statuses[statuses.length - 1][1], /gap in the depth stream: pu 13 does not follow u 12/);
    assert.equal(requests.length, 2);
    assert.equal(sync.counters.resyncs, 1);
    assert.equal(sync.book.qtyAt('bid', 100), 2, 'the broken diff was not applied');
    sync.onDepth(diff(16, 18, 15, [100, 8]));
    sync.onSnapshot(snapshot(16, [100, 5, 99, 1], [100.1, 1]));
    assert.equal(sync.status, 'live');
    assert.equal(sync.book.qtyAt('bid', 100), 8);
    assert.equal(sync.book.lastUpdateId, 18);
  });

  it('ignores duplicate diffs already in the book instead of resyncing', () => {
    const { sync } = synchronizer();
    sync.onDepth(diff(1, 10, 0));
    sync.onSnapshot(snapshot(5, [100, 1], [100.1, 1]));
    sync.onDepth(diff(11, 12, 10, [100, 2]));
    sync.onDepth(diff(11, 12, 10, [100, 3]));
    assert.equal(sync.status, 'live');
    assert.equal(sync.counters.gaps, 0);
    assert.equal(sync.book.qtyAt('bid', 100), 2);
  });

  it('removes a level on quantity 0 and ignores removing an absent level', () => {
    const { sync } = synchronizer();
    sync.onDepth(diff(1, 10, 0));
    sync.onSnapshot(snapshot(5, [100, 1, 99.9, 2], [100.1, 1]));
    sync.onDepth(diff(11, 12, 10, [100, 0, 98, 0]));
    assert.equal(sync.book.bestPrice('bid'), 99.9);
    assert.equal(sync.book.levelCount('bid'), 1);
  });

  it('does not let an unsolicited snapshot replace a live book', () => {
    const { sync } = synchronizer();
    sync.onDepth(diff(1, 10, 0));
    sync.onSnapshot(snapshot(5, [100, 1], [100.1, 1]));
    sync.onSnapshot(snapshot(7, [50, 1], [60, 1]));
    assert.equal(sync.counters.snapshotsIgnored, 1);
    assert.equal(sync.book.bestPrice('bid'), 100);
  });

  it('ignores diffs and snapshots of another symbol', () => {
    const { sync, requests } = synchronizer();
    sync.onDepth({ ...diff(1, 10, 0), symbol: 'ETHUSDT' });
    assert.equal(requests.length, 0);
    assert.equal(sync.counters.wrongSymbol, 1);
  });

  it('invalidate() keeps the last book readable but stops calling it live until a new snapshot bridges', () => {
    const { sync, requests } = synchronizer();
    sync.onDepth(diff(1, 10, 0));
    sync.onSnapshot(snapshot(5, [100, 1], [100.1, 1]));
    sync.invalidate('socket closed');
    assert.equal(sync.status, 'resyncing');
    assert.equal(sync.book.bestPrice('bid'), 100);
    sync.onDepth(diff(30, 31, 29));
    assert.equal(requests.length, 2);
  });

  it('bounds the buffer while a snapshot is awaited, counting what it drops', () => {
    const requests: string[] = [];
    const sync = new DepthSynchronizer({ symbol: 'BTCUSDT', tickSize: 0.1, mode: 'full', requestSnapshot: (r) => requests.push(r), maxBufferedEvents: 3 });
    for (let i = 1; i <= 5; i++) sync.onDepth(diff(i * 10, i * 10 + 5, i * 10 - 5));
    assert.equal(sync.counters.eventsDropped, 2);
    sync.onSnapshot(snapshot(32, [100, 1], [100.1, 1]));
    assert.equal(sync.status, 'live');
    assert.equal(sync.book.lastUpdateId, 55);
  });

  describe('depth20 mode', () => {
    it('replaces the visible book with each partial-depth message and needs no snapshot', () => {
      const { sync, requests } = synchronizer('depth20');
      sync.onDepth(diff(1, 5, 0, [100, 1, 99.9, 2], [100.1, 3]));
      assert.equal(sync.status, 'live');
      sync.onDepth(diff(6, 9, 5, [100.2, 4], [100.3, 5, 100.4, 6]));
      assert.deepEqual(sync.book.topPairs('bid', 20), [[100.2, 4]]);
      assert.deepEqual(sync.book.topPairs('ask', 20), [[100.3, 5], [100.4, 6]]);
      assert.equal(sync.book.lastUpdateId, 9);
      assert.equal(requests.length, 0);
    });

    it('builds a depth20 book from the recording whose top matches the full book at the same moment', () => {
      // The recording has no depth20 stream; emulate one by cutting the full book to 20 levels.
      const engine = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full' });
      for (const f of fixtureFrames().slice(0, 5000)) engine.ingest(f.text, f.localMs);
      const top = engine.bookLine(20);
      const { sync } = synchronizer('depth20');
      sync.onDepth(diff(1, top.lastUpdateId, 0, top.bids.flat(), top.asks.flat()));
      assert.deepEqual(sync.book.topPairs('bid', 20), top.bids);
      assert.deepEqual(sync.book.topPairs('ask', 20), top.asks);
    });
  });
});
