import * as assert from 'node:assert/strict';
import { MarketEngine } from '../../src/engine/marketEngine';
import type { EngineEvent, SignalEvent } from '../../src/engine/protocol/events';
import { fixtureFrames } from './support/recordingFixture';

describe('MarketEngine signals on the real recording', function () {
  this.timeout(60_000);
  it('publishes large-trade signals right after the trade that caused them, and none without thresholds', () => {
    const withSignals = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full', signals: { largeTradeQty: 2, wallQty: 25 } });
    const without = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full' });
    const events: EngineEvent[] = [];
    withSignals.bus.subscribeAll((e) => events.push(e));
    let quiet = 0;
    without.bus.subscribe('signal', () => quiet++);
    for (const f of fixtureFrames()) {
      withSignals.ingest(f.text, f.localMs);
      without.ingest(f.text, f.localMs);
    }
    const signals = events.filter((e): e is SignalEvent => e.type === 'signal');
    const large = signals.filter((s) => s.kind === 'largeTrade');
    assert.ok(large.length > 0, 'the recording has trades of 2 BTC or more');
    for (const s of large) {
      const i = events.indexOf(s);
      const cause = events[i - 1];
      assert.equal(cause.type, 'trade');
      if (cause.type === 'trade') assert.ok(cause.qty >= 2 && s.value === cause.qty && s.price === cause.price);
      assert.match(s.message, /Large (buy|sell)/);
    }
    assert.ok(signals.some((s) => s.kind === 'wallAppeared' || s.kind === 'wallPulled' || s.kind === 'imbalanceCrossed'), 'book signals are looked for too');
    assert.equal(quiet, 0);
    assert.deepEqual(withSignals.bookLine(20), without.bookLine(20), 'looking for signals does not change the book');
  });
});
