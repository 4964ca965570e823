import * as assert from 'node:assert/strict';
import { DEFAULT_REST_URL, DEFAULT_STREAM_URL } from '../../src/engine/protocol/streams';
import type { WorkerStatus } from '../../src/engine/worker/workerProtocol';
import { sourceLabel } from '../../src/extension/format';
import { OLD_AFTER_MS, statusBarText } from '../../src/extension/statusBarText';
import type { DisplayState } from '../../src/shared/freshness';

function status(o: { state?: DisplayState; reason?: string; stateAgeMs?: number; dataAgeMs?: number; source?: WorkerStatus['source']; streamUrl?: string; restUrl?: string; eventTime?: number } = {}): WorkerStatus {
  return {
    frameId: 1,
    source: o.source ?? 'binance',
    sourceKey: 'k',
    paused: o.state === 'paused',
    health: { symbol: 'BTCUSDT', endpoint: { streamUrl: o.streamUrl ?? DEFAULT_STREAM_URL, restUrl: o.restUrl ?? DEFAULT_REST_URL } } as WorkerStatus['health'],
    tickSize: 0.1,
    groupTicks: 1,
    dataAgeMs: o.dataAgeMs ?? 0,
    display: { state: o.state ?? 'live', reason: o.reason ?? '', stateAgeMs: o.stateAgeMs ?? 0, eventTime: o.eventTime ?? 0, verifiedAgeMs: NaN },
    top: { bestBid: 61659.7, bestBidQty: 1, bestAsk: 61659.8, bestAskQty: 1, lastTradePrice: NaN, lastTradeQty: 0, lastTradeSide: '' },
    ring: { capacityBytes: 1, usedBytes: 0, highWaterBytes: 0, dropped: 0, written: 0 },
    time: 0,
  };
}

describe('the status bar text says, not only its tooltip, when the price is not the market now', () => {
  it('is the bare symbol and touch when live on Binance', () => {
    assert.equal(statusBarText(status()), 'BTCUSDT 61,659.7 / 61,659.8');
  });

  it('marks stale, reconnecting, paused, replay, degraded and failed in the text', () => {
    assert.equal(statusBarText(status({ state: 'stale', stateAgeMs: 12_300 })), '$(warning) BTCUSDT 61,659.7 / 61,659.8 · stale 12s');
    assert.equal(statusBarText(status({ state: 'reconnecting', stateAgeMs: 3_000 })), '$(sync~spin) BTCUSDT 61,659.7 / 61,659.8 · reconnecting 3s');
    assert.equal(statusBarText(status({ state: 'paused' })), '$(debug-pause) BTCUSDT 61,659.7 / 61,659.8 · paused');
    assert.equal(statusBarText(status({ state: 'degraded', reason: 'crossed book' })), '$(warning) BTCUSDT 61,659.7 / 61,659.8 · degraded');
    assert.equal(statusBarText(status({ state: 'failed', reason: 'HTTP 451' })), '$(error) BTCUSDT 61,659.7 / 61,659.8 · failed');
    assert.equal(
      statusBarText(status({ state: 'replay', source: 'replay', streamUrl: 'replay:/r.gz', restUrl: 'replay:/r.gz', eventTime: Date.UTC(2024, 7, 8, 9, 14, 2) })),
      'BTCUSDT 61,659.7 / 61,659.8 · replay 2024-08-08 09:14:02',
    );
  });

  it('says how old a live book is once it has not moved for a few refreshes', () => {
    assert.equal(statusBarText(status({ dataAgeMs: OLD_AFTER_MS - 1 })), 'BTCUSDT 61,659.7 / 61,659.8');
    assert.equal(statusBarText(status({ dataAgeMs: 4_200 })), 'BTCUSDT 61,659.7 / 61,659.8 · 4s old');
  });

  it('marks any endpoint other than Binance’s own, and the demo as the demo', () => {
    assert.equal(statusBarText(status({ streamUrl: 'ws://10.0.0.5:9443' })), 'BTCUSDT 61,659.7 / 61,659.8 · custom 10.0.0.5:9443, fapi.binance.com');
    assert.equal(statusBarText(status({ source: 'demo', streamUrl: 'ws://127.0.0.1:4000', restUrl: 'http://127.0.0.1:4000' })), 'BTCUSDT 61,659.7 / 61,659.8 · demo');
    assert.equal(sourceLabel(status({ streamUrl: 'ws://127.0.0.1:4000', restUrl: 'http://127.0.0.1:4000' })).long, 'custom endpoint ws://127.0.0.1:4000 · http://127.0.0.1:4000');
    assert.equal(sourceLabel(status({ streamUrl: `${DEFAULT_STREAM_URL}/` })).kind, 'binance', 'a trailing slash is still Binance');
    assert.equal(sourceLabel(status({ restUrl: 'https://fapi.binance.com.evil.example' })).kind, 'custom');
    assert.equal(sourceLabel(status({ source: 'demo' })).kind, 'demo');
  });
});
