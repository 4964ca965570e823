import * as assert from 'node:assert/strict';
import { DepthSynchronizer, type DepthSynchronizerOptions } from '../../src/engine/book/depthSynchronizer';
import type { SyncFault } from '../../src/engine/book/syncFault';
import { MarketEngine } from '../../src/engine/marketEngine';
import type { BookStatus, DepthSnapshotEvent, DepthUpdateEvent } from '../../src/engine/protocol/events';
import { fixtureFrames } from './support/recordingFixture';

function diff(U: number, u: number, pu: number, bids: number[] = [], asks: number[] = [], eventTime = u): DepthUpdateEvent {
  return { type: 'depthUpdate', symbol: 'BTCUSDT', eventTime, transactionTime: eventTime, firstUpdateId: U, finalUpdateId: u, prevFinalUpdateId: pu, bids, asks };
}

function snapshot(lastUpdateId: number, bids: number[], asks: number[]): DepthSnapshotEvent {
  return { type: 'depthSnapshot', symbol: 'BTCUSDT', lastUpdateId, eventTime: 0, transactionTime: 0, bids, asks };
}

interface Harness {
  sync: DepthSynchronizer;
  requests: string[];
  faults: SyncFault[];
  statuses: Array<[BookStatus, string]>;
}

function harness(options: Partial<DepthSynchronizerOptions> = {}): Harness {
  const requests: string[] = [];
  const faults: SyncFault[] = [];
  const statuses: Array<[BookStatus, string]> = [];
  const sync = new DepthSynchronizer({
    symbol: 'BTCUSDT',
    tickSize: 0.1,
    mode: 'full',
    requestSnapshot: (reason) => requests.push(reason),
    onStatus: (status, reason) => statuses.push([status, reason]),
    onFault: (fault) => faults.push(fault),
    ...options,
  });
  return { sync, requests, faults, statuses };
}

/** A live book at update 10: bid 100 × 1, ask 100.1 × 1. */
function liveAt10(h: Harness): void {
  h.sync.onDepth(diff(1, 10, 0));
  h.sync.onSnapshot(snapshot(5, [100, 1, 99.9, 2], [100.1, 1, 100.2, 2]));
  assert.equal(h.sync.status, 'live');
}

describe('DepthSynchronizer: faults in the exchange data', () => {
  it('replays the real recording with zero faults and ends on the known book', () => {
    const faults: SyncFault[] = [];
    const engine = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full', onFault: (f) => faults.push(f) });
    for (const f of fixtureFrames()) engine.ingest(f.text, f.localMs);
    assert.deepEqual(faults, []);
    assert.equal(engine.sync.counters.faults, 0);
    assert.equal(engine.metrics.counter('malformed'), 0);
    const line = engine.bookLine(1);
    assert.equal(line.status, 'live');
    assert.equal(line.lastUpdateId, 5123135475514);
    assert.deepEqual(line.bids[0], [61659.7, 1.486]);
    assert.deepEqual(line.asks[0], [61659.8, 0.981]);
  });

  describe('ids that reset lower or stop advancing (stalled)', () => {
    it('tolerates a short run of diffs that do not advance the book, then carries on', () => {
      const h = harness();
      liveAt10(h);
      for (let i = 0; i < 19; i++) h.sync.onDepth(diff(1, 2 + (i % 5), 1, [100, 9]));
      assert.equal(h.sync.status, 'live');
      h.sync.onDepth(diff(11, 11, 10, [100, 2]));
      assert.equal(h.sync.book.qtyAt('bid', 100), 2);
      for (let i = 0; i < 19; i++) h.sync.onDepth(diff(1, 2, 1));
      assert.equal(h.faults.length, 0, 'an advancing diff ends the run');
      assert.equal(h.sync.counters.eventsSkipped, 38);
    });

    it('reports the stall after 20 updates with u ≤ the book, with the numbers', () => {
      const h = harness();
      liveAt10(h);
      for (let i = 0; i < 20; i++) h.sync.onDepth(diff(1, 2 + (i % 3), 1, [100, 9]));
      assert.equal(h.faults.length, 1);
      assert.equal(h.faults[0].kind, 'stalled');
      assert.match(h.faults[0].message, /depth updates stopped advancing the book: u \d+ ≤ 10 for 20 updates — the exchange's update ids went backwards/);
      assert.equal(h.sync.status, 'resyncing');
      assert.match(h.sync.reason, /stopped advancing/);
      assert.equal(h.sync.counters.stalled, 1);
      assert.equal(h.sync.counters.faults, 1);
      assert.equal(h.requests.length, 2, 'a new snapshot was asked for');
      assert.equal(h.sync.book.qtyAt('bid', 100), 1, 'nothing from the stalled diffs was applied');
      // The exchange's new (lower) ids bridge its new snapshot: live again, with its book.
      h.sync.onSnapshot(snapshot(3, [100, 4], [100.1, 4]));
      h.sync.onDepth(diff(4, 5, 3, [100, 5]));
      assert.equal(h.sync.status, 'live');
      assert.equal(h.sync.book.lastUpdateId, 5);
      assert.equal(h.sync.book.qtyAt('bid', 100), 5);
    });

    it('names a repeating update id as such, and counts two seconds of exchange time as stalled', () => {
      const h = harness();
      liveAt10(h);
      h.sync.onDepth(diff(9, 10, 9, [], [], 1000));
      h.sync.onDepth(diff(9, 10, 9, [], [], 2000));
      h.sync.onDepth(diff(9, 10, 9, [], [], 3100));
      assert.equal(h.faults.length, 1);
      assert.match(h.faults[0].message, /u 10 ≤ 10 for 3 updates — the exchange keeps repeating update 10/);
    });

    it('does not count occasional duplicates separated by advancing diffs', () => {
      const h = harness();
      liveAt10(h);
      let u = 10;
      for (let i = 0; i < 100; i++) {
        h.sync.onDepth(diff(u + 1, u + 2, u));
        h.sync.onDepth(diff(u + 1, u + 2, u));
        u += 2;
      }
      assert.equal(h.faults.length, 0);
      assert.equal(h.sync.status, 'live');
    });

    it('counts a run of undecodable depth frames as a stall', () => {
      const h = harness();
      liveAt10(h);
      for (let i = 0; i < 19; i++) h.sync.onUnusableDepth('bad level');
      assert.equal(h.sync.status, 'live');
      h.sync.onUnusableDepth('bad level');
      assert.equal(h.faults[0]?.kind, 'stalled');
      assert.match(h.faults[0].message, /20 in a row could not be used \(last: bad level\)/);
      assert.notEqual(h.sync.status, 'live');
    });

    it('after ids jump ahead (a gap), a new snapshot behind the diffs is asked for again, and one ahead of them is bounded', () => {
      const h = harness();
      liveAt10(h);
      h.sync.onDepth(diff(1000, 1001, 999));
      assert.equal(h.sync.counters.gaps, 1);
      h.sync.onSnapshot(snapshot(11, [100, 1], [100.1, 1]));
      assert.equal(h.sync.counters.snapshotsTooOld, 1);
      assert.equal(h.requests.length, 3);
      h.sync.onSnapshot(snapshot(1000, [100, 3], [100.1, 3]));
      assert.equal(h.sync.status, 'live');
      assert.equal(h.sync.book.lastUpdateId, 1001);
      assert.equal(h.faults.length, 0, 'one late snapshot is a normal race');
    });
  });

  describe('crossed book', () => {
    it('never calls a book live whose snapshot bridges into a crossed book', () => {
      const h = harness();
      h.sync.onDepth(diff(1, 10, 0));
      h.sync.onSnapshot(snapshot(5, [100.2, 1], [100.1, 1]));
      assert.equal(h.faults[0]?.kind, 'crossed');
      assert.match(h.faults[0].message, /the book is crossed: best bid 100.2 ≥ best ask 100.1 after snapshot 5 was bridged/);
      assert.notEqual(h.sync.status, 'live');
      assert.ok(!h.statuses.some(([s]) => s === 'live'));
      assert.equal(h.requests.length, 2);
    });

    it('leaves live when a diff crosses the book, and resyncs', () => {
      const h = harness();
      liveAt10(h);
      h.sync.onDepth(diff(11, 11, 10, [100.1, 3]));
      assert.equal(h.faults[0]?.kind, 'crossed');
      assert.match(h.faults[0].message, /best bid 100.1 ≥ best ask 100.1 after update 11/);
      assert.equal(h.sync.status, 'resyncing');
      assert.equal(h.sync.counters.crossed, 1);
      // The crossing diff stays buffered as the start of the new chain; a newer snapshot passes it by.
      h.sync.onSnapshot(snapshot(12, [100, 1], [100.1, 1]));
      h.sync.onDepth(diff(12, 13, 11));
      assert.equal(h.sync.status, 'live');
      assert.equal(h.sync.book.lastUpdateId, 13);
    });

    it('becomes degraded after three faults in a row without a healthy live period, and recovers after one', () => {
      const h = harness();
      const crossed = (id: number): DepthSnapshotEvent => snapshot(id, [100.2, 1], [100.1, 1]);
      h.sync.onDepth(diff(1, 10, 0));
      h.sync.onSnapshot(crossed(5));
      h.sync.onDepth(diff(11, 20, 10));
      h.sync.onSnapshot(crossed(15));
      assert.equal(h.sync.status, 'resyncing');
      h.sync.onDepth(diff(21, 30, 20));
      h.sync.onSnapshot(crossed(25));
      assert.equal(h.faults.length, 3);
      assert.equal(h.sync.status, 'degraded');
      assert.match(h.sync.reason, /3 consistency checks failed in a row without a healthy live period; still retrying/);
      assert.equal(h.requests.length, 4, 'still asking for snapshots');
      // A good snapshot: live again; the streak ends only after a healthy period.
      h.sync.onDepth(diff(31, 40, 30));
      h.sync.onSnapshot(snapshot(35, [100, 1], [100.1, 1]));
      assert.equal(h.sync.status, 'live');
      h.sync.onDepth(diff(41, 41, 40, [100.5, 1]));
      assert.equal(h.sync.status, 'degraded', 'a fault right after coming back is still part of the streak');
      h.sync.onSnapshot(snapshot(42, [100, 1], [100.1, 1]));
      h.sync.onDepth(diff(42, 43, 41));
      assert.equal(h.sync.status, 'live');
      for (let u = 44; u < 144; u++) h.sync.onDepth(diff(u, u, u - 1));
      h.sync.onDepth(diff(144, 144, 143, [100.5, 1]));
      assert.equal(h.sync.status, 'resyncing', 'after 100 healthy updates a fault starts a new streak');
    });
  });

  describe('snapshot that never bridges', () => {
    it('gives up on a snapshot ahead of every diff after 100 diffs, asks again, says so with numbers', () => {
      const h = harness();
      h.sync.onDepth(diff(1, 10, 0));
      h.sync.onSnapshot(snapshot(1_000_000, [100, 1], [100.1, 1]));
      for (let u = 11; u < 109; u++) h.sync.onDepth(diff(u, u, u - 1));
      assert.equal(h.faults.length, 0);
      assert.equal(h.requests.length, 1);
      h.sync.onDepth(diff(109, 109, 108));
      assert.equal(h.faults[0]?.kind, 'never-bridges');
      assert.match(h.faults[0].message, /the depth snapshot \(update 1000000\) is ahead of every depth update: 100 updates over .* s, the newest reached only u 109 \(1 snapshot in a row did not bridge\)/);
      assert.equal(h.requests.length, 2);
      assert.equal(h.sync.counters.neverBridges, 1);
      assert.notEqual(h.sync.status, 'live');
    });

    it('gives up after 10 s of exchange time too, and is degraded after repeated failures', () => {
      const h = harness();
      h.sync.onDepth(diff(1, 10, 0, [], [], 0));
      let u = 11;
      for (let round = 1; round <= 3; round++) {
        h.sync.onSnapshot(snapshot(1_000_000, [100, 1], [100.1, 1]));
        for (let i = 0; i < 3; i++, u++) h.sync.onDepth(diff(u, u, u - 1, [], [], u * 1000));
        for (let i = 0; i < 10 && h.faults.length < round; i++, u++) h.sync.onDepth(diff(u, u, u - 1, [], [], u * 1000));
        assert.equal(h.faults.length, round);
      }
      assert.equal(h.sync.status, 'degraded');
      assert.match(h.sync.reason, /3 snapshots in a row did not bridge/);
      assert.equal(h.requests.length, 4);
    });

    it('treats snapshots that keep arriving older than the diffs as never bridging', () => {
      const h = harness();
      h.sync.onDepth(diff(50, 60, 49));
      h.sync.onSnapshot(snapshot(20, [100, 1], [100.1, 1]));
      assert.equal(h.faults.length, 0);
      h.sync.onSnapshot(snapshot(21, [100, 1], [100.1, 1]));
      assert.equal(h.faults[0]?.kind, 'never-bridges');
      assert.match(h.faults[0].message, /snapshot 21 is older than the buffered updates \(first U 50\): 2 snapshots in a row did not bridge/);
    });


    it('asks for the snapshot even when no diff can be read, and gives up on one nothing bridges', () => {
      const h = harness();
      h.sync.onUnusableDepth('bad level');
      assert.equal(h.requests.length, 1);
      h.sync.onUnusableDepth('bad level');
      assert.equal(h.requests.length, 1, 'one request at a time');
      h.sync.onSnapshot(snapshot(5, [100, 1], [100.1, 1]));
      for (let i = 0; i < 100; i++) h.sync.onUnusableDepth('bad level');
      assert.equal(h.faults[0]?.kind, 'never-bridges');
      assert.match(h.faults[0].message, /100 updates, none could be used \(last: bad level\)/);
      assert.equal(h.requests.length, 2);
    });
  });

  describe('tick size that does not fit', () => {
    it('refuses a snapshot with prices finer than the tick, in words, without asking for more snapshots', () => {
      const h = harness({ tickSize: 1 });
      h.sync.onDepth(diff(1, 10, 0));
      h.sync.onSnapshot(snapshot(5, [61659.7, 1, 61659, 2], [61660, 1]));
      assert.equal(h.faults[0]?.kind, 'tick-mismatch');
      assert.equal(h.faults[0].message.startsWith('exchangeInfo gives tick 1 for BTCUSDT but the book has prices at 0.1 steps (e.g. 61659.7 in snapshot 5)'), true, h.faults[0].message);
      assert.equal(h.sync.status, 'degraded');
      assert.equal(h.sync.needsExchangeInfo, true);
      assert.equal(h.sync.book.levelCount('bid'), 0, 'nothing of the snapshot was merged');
      h.sync.onDepth(diff(11, 12, 10));
      h.sync.invalidate('socket closed');
      h.sync.onDepth(diff(13, 14, 12));
      assert.equal(h.requests.length, 1, 'no snapshot can fix a tick size: none is asked for');
      assert.equal(h.sync.status, 'degraded');
      assert.equal(h.sync.counters.tickMismatches, 1);
    });
  });

  describe('depth20', () => {
    it('does not call a crossed partial-depth frame live, and the next consistent frame is', () => {
      const h = harness({ mode: 'depth20' });
      h.sync.onDepth(diff(1, 5, 0, [100.2, 1], [100.1, 1]));
      assert.equal(h.faults[0]?.kind, 'crossed');
      assert.notEqual(h.sync.status, 'live');
      h.sync.onDepth(diff(6, 9, 5, [100, 1], [100.1, 1]));
      assert.equal(h.sync.status, 'live');
      assert.equal(h.requests.length, 0);
    });
  });
});
