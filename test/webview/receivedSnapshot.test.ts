import * as assert from 'node:assert/strict';
import { receivedSnapshot, type BookSnapshotMessage } from '../../src/shared/panelProtocol';
import { verifiedText } from '../../src/shared/freshness';

describe('a snapshot received through VS Code’s JSON message channel', () => {
  const empty = { prices: new Float64Array(0), qtys: new Float64Array(0) };
  const sent = {
    type: 'snapshot', seq: 7, sentAt: 1, sourceKey: 'k', sourceKind: 'binance', symbol: 'BTCUSDT', state: 'failed', reason: 'HTTP 451',
    stateAgeMs: 0, dataAgeMs: NaN, verifiedAgeMs: NaN, tickSize: 0, groupTicks: 1, bestBid: NaN, bestAsk: NaN, bestBidQty: 0, bestAskQty: 0,
    spread: NaN, mid: NaN, microPrice: NaN, imbalance: NaN, lastUpdateId: 0, eventTime: 0, bids: empty, asks: empty, lastTrade: null,
    trades: { times: new Float64Array(0), prices: new Float64Array(0), qtys: new Float64Array(0), sides: new Int8Array(0) }, cvd: 0,
  } satisfies BookSnapshotMessage;

  it('gets its NaN figures back where JSON turned them into null, so a book never verified does not read "verified just now"', () => {
    const overJson = { ...(JSON.parse(JSON.stringify(sent)) as BookSnapshotMessage), bids: empty, asks: empty, trades: sent.trades };
    assert.equal(overJson.verifiedAgeMs, null, 'JSON carries NaN as null');
    assert.equal(verifiedText((overJson.verifiedAgeMs as number) + 500), 'verified just now', 'the bug: null + elapsed is a number');
    const received = receivedSnapshot(overJson);
    for (const key of ['verifiedAgeMs', 'dataAgeMs', 'bestBid', 'bestAsk', 'spread', 'mid', 'microPrice', 'imbalance'] as const) {
      assert.ok(Number.isNaN(received[key]), `${key} is NaN again`);
    }
    assert.equal(verifiedText(received.verifiedAgeMs + 500), 'not verified yet');
    assert.equal(received.seq, 7);
    assert.equal(received.reason, 'HTTP 451');
    assert.equal(received.bids, empty, 'the ladder arrays are passed through untouched');
  });
});
