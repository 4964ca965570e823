import * as assert from 'node:assert/strict';
import type { VerifyOutcome } from '../../src/engine/book/bookVerifier';
import { DepthSynchronizer } from '../../src/engine/book/depthSynchronizer';
import type { SyncFault } from '../../src/engine/book/syncFault';
import { MarketEngine } from '../../src/engine/marketEngine';
import type { DepthSnapshotEvent, DepthUpdateEvent } from '../../src/engine/protocol/events';
import { fixtureFrames } from './support/recordingFixture';

function diff(U: number, u: number, pu: number, bids: number[] = [], asks: number[] = []): DepthUpdateEvent {
  return { type: 'depthUpdate', symbol: 'BTCUSDT', eventTime: u, transactionTime: u, firstUpdateId: U, finalUpdateId: u, prevFinalUpdateId: pu, bids, asks };
}

function snapshot(lastUpdateId: number, bids: number[], asks: number[]): DepthSnapshotEvent {
  return { type: 'depthSnapshot', symbol: 'BTCUSDT', lastUpdateId, eventTime: 0, transactionTime: 0, bids, asks };
}

function harness(mode: 'full' | 'depth20' = 'full'): { sync: DepthSynchronizer; outcomes: VerifyOutcome[]; faults: SyncFault[]; requests: string[] } {
  const outcomes: VerifyOutcome[] = [];
  const faults: SyncFault[] = [];
  const requests: string[] = [];
  const sync = new DepthSynchronizer({
    symbol: 'BTCUSDT',
    tickSize: 0.1,
    mode,
    requestSnapshot: (r) => requests.push(r),
    onVerification: (o) => outcomes.push(o),
    onFault: (f) => faults.push(f),
  });
  return { sync, outcomes, faults, requests };
}

/**
 * Live at 10 from a snapshot covering bids 99.8–100 and asks 100.1–100.3, then diffs 11–13:
 * after 12: bid 100 × 2; after 13: ask 100.1 removed, ask 100.2 × 5.
 */
function liveThrough13(h: ReturnType<typeof harness>): void {
  h.sync.onDepth(diff(1, 10, 0));
  h.sync.onSnapshot(snapshot(5, [100, 1, 99.9, 1, 99.8, 1], [100.1, 1, 100.2, 1, 100.3, 1]));
  assert.equal(h.sync.status, 'live');
  assert.equal(h.sync.beginVerification(), true);
  h.sync.onDepth(diff(11, 11, 10, [99.9, 3]));
  h.sync.onDepth(diff(12, 12, 11, [100, 2]));
  h.sync.onDepth(diff(13, 13, 12, [], [100.1, 0, 100.2, 5]));
}

describe('BookVerifier (through DepthSynchronizer)', () => {
  it('matches a snapshot that lags the stream, bridged from the diffs recorded since it was asked for', () => {
    const h = harness();
    liveThrough13(h);
    // The exchange's book at 12.
    h.sync.verify(snapshot(12, [100, 2, 99.9, 3, 99.8, 1], [100.1, 1, 100.2, 1, 100.3, 1]));
    assert.deepEqual(h.outcomes, [{ kind: 'match', updateId: 13, levelsCompared: 5 }]);
    assert.equal(h.sync.counters.verified, 1);
    assert.deepEqual(h.faults, []);
  });

  it('matches a snapshot ahead of the stream once the book reaches it', () => {
    const h = harness();
    liveThrough13(h);
    h.sync.verify(snapshot(15, [100, 2, 99.9, 3, 99.8, 1, 99.7, 8], [100.2, 6, 100.3, 1]));
    assert.equal(h.outcomes.length, 0);
    h.sync.onDepth(diff(14, 14, 13, [99.5, 4]));
    assert.equal(h.outcomes.length, 0, 'u 14 < 15: not there yet');
    h.sync.onDepth(diff(15, 16, 14, [], [100.2, 6]));
    assert.equal(h.outcomes[0]?.kind, 'match', JSON.stringify(h.outcomes));
  });

  it('compares only where both know every level: not beyond the snapshot, not beyond the book’s own snapshot', () => {
    const h = harness();
    liveThrough13(h);
    // 99.7 and 100.4 lie outside the book's first snapshot: it never saw them, so they are not compared.
    h.sync.verify(snapshot(13, [100, 2, 99.9, 3, 99.8, 1, 99.7, 9], [100.2, 5, 100.3, 1, 100.4, 7]));
    assert.deepEqual(h.outcomes, [{ kind: 'match', updateId: 13, levelsCompared: 5 }]);
    // A snapshot that reaches less far than the book: the book's deeper levels are not compared.
    assert.equal(h.sync.beginVerification(), true);
    h.sync.verify(snapshot(13, [100, 2], [100.2, 5]));
    assert.deepEqual(h.outcomes[1], { kind: 'match', updateId: 13, levelsCompared: 2 });
  });

  it('reports a mismatch with the first differing price and both quantities, counts it and resyncs', () => {
    const h = harness();
    liveThrough13(h);
    h.sync.verify(snapshot(13, [100, 2, 99.9, 4, 99.8, 1], [100.2, 5, 100.3, 1]));
    assert.equal(h.outcomes[0]?.kind, 'mismatch');
    assert.equal(h.faults.length, 1);
    assert.equal(h.faults[0].kind, 'verify-mismatch');
    assert.match(h.faults[0].message, /differs from the exchange's REST snapshot \(update 13, brought to 13\): bid 99.9 holds 3 here but 4 on the exchange/);
    assert.equal(h.sync.counters.verifyMismatches, 1);
    assert.equal(h.sync.status, 'resyncing');
    assert.equal(h.requests.length, 2);
  });

  it('takes a snapshot with prices off the tick grid as a mismatch', () => {
    const h = harness();
    liveThrough13(h);
    h.sync.verify(snapshot(13, [100, 2, 99.95, 3], [100.2, 5]));
    assert.equal(h.faults[0]?.kind, 'verify-mismatch');
    assert.match(h.faults[0].message, /REST snapshot \(update 13\) has prices off the book's tick 0.1 \(e.g. 99.95\)/);
    assert.equal(h.sync.status, 'resyncing');
  });

  it('names a level the book holds that the exchange does not', () => {
    const h = harness();
    liveThrough13(h);
    h.sync.verify(snapshot(13, [100, 2, 99.9, 3, 99.8, 1], [100.2, 5, 100.4, 1]));
    assert.match(h.faults[0]?.message ?? '', /ask 100.3 holds 1 here but 0 on the exchange/);
  });

  it('is inconclusive, not a fault, for a snapshot older than the book when it was asked for or when the book resyncs meanwhile', () => {
    const h = harness();
    liveThrough13(h);
    h.sync.verify(snapshot(9, [100, 1], [100.1, 1]));
    assert.equal(h.outcomes[0]?.kind, 'inconclusive');
    assert.match((h.outcomes[0] as { reason: string }).reason, /older than the book was when it was asked for \(update 10\)/);
    assert.equal(h.sync.beginVerification(), true);
    h.sync.onDepth(diff(20, 20, 19));
    assert.equal(h.outcomes[1]?.kind, 'inconclusive');
    assert.deepEqual(h.faults, []);
    assert.equal(h.sync.counters.verifyInconclusive, 2);
  });

  it('does not apply to depth20 (no update-id chain) and does not start twice', () => {
    assert.equal(harness('depth20').sync.beginVerification(), false);
    const h = harness();
    assert.equal(h.sync.beginVerification(), false, 'not live yet');
    liveThrough13(h);
    assert.equal(h.sync.beginVerification(), false, 'one check at a time');
  });

  it('verifies the real recording mid-session against the book an independent engine held at a snapshot id inside a diff', () => {
    const frames = fixtureFrames();
    const engine = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full' });
    const outcomes: VerifyOutcome[] = [];
    const checker = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full', onVerification: (o) => outcomes.push(o) });
    const half = Math.floor(frames.length / 2);
    for (let i = 0; i < half; i++) {
      engine.ingest(frames[i].text, frames[i].localMs);
      checker.ingest(frames[i].text, frames[i].localMs);
    }
    assert.equal(checker.sync.beginVerification(), true);
    // The "exchange" keeps going; its snapshot is the book at some diff's u, labelled with an id inside that diff.
    let taken: DepthSnapshotEvent | undefined;
    for (let i = half; i < frames.length; i++) {
      const event = engine.ingest(frames[i].text, frames[i].localMs);
      checker.ingest(frames[i].text, frames[i].localMs);
      if (taken === undefined && i > half + 300 && event.type === 'depthUpdate' && event.finalUpdateId > event.firstUpdateId) {
        const flat = (side: 'bid' | 'ask'): number[] => engine.book.topPairs(side, 1000).flat();
        taken = snapshot(event.finalUpdateId - 1, flat('bid'), flat('ask'));
        // Delivered 200 frames later: bridged from the recorded diffs.
      }
      if (taken !== undefined && i === half + 600) checker.sync.verify(taken);
    }
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0].kind, 'match', JSON.stringify(outcomes[0]));
    assert.ok((outcomes[0] as { levelsCompared: number }).levelsCompared > 500);
  });
});
