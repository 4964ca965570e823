import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { FeedWorkerHost } from '../../src/engine/worker/feedWorkerHost';
import { decodeRecord, encodeFrame, RecordKind } from '../../src/engine/worker/ringRecords';
import type { WorkerStatus, WorkerViewConfig } from '../../src/engine/worker/workerProtocol';
import type { BookSnapshotMessage } from '../../src/shared/panelProtocol';
import { RECORDING_FIXTURE } from '../engine/support/recordingFixture';
import { waitFor } from '../support/waitFor';

const WORKER = path.resolve(__dirname, '../../../dist/feedWorker.js');

const VIEW: WorkerViewConfig = { grouping: 'auto', maxVisibleRows: 400, tapeSize: 50, refreshIntervalMs: 50, panelVisible: true };

function sampleSnapshot(): BookSnapshotMessage {
  return {
    type: 'snapshot', seq: 7, sentAt: 1, sourceKey: 'k', sourceKind: 'binance', symbol: 'BTCUSDT', state: 'live', reason: 'ok',
    stateAgeMs: 12, dataAgeMs: 3, verifiedAgeMs: NaN, tickSize: 0.1, groupTicks: 10,
    bestBid: 61659.7, bestAsk: NaN, bestBidQty: 1.486, bestAskQty: 0, spread: NaN, mid: NaN, microPrice: NaN, imbalance: 1,
    lastUpdateId: 5123135475514, eventTime: 1723161601105,
    bids: { prices: Float64Array.from([61659, 61658]), qtys: Float64Array.from([1.5, 2.25]) },
    asks: { prices: new Float64Array(0), qtys: new Float64Array(0) },
    lastTrade: null,
    trades: { times: Float64Array.from([1, 2, 3]), prices: Float64Array.from([5, 6, 7]), qtys: Float64Array.from([0.1, 0.2, 0.3]), sides: Int8Array.from([1, -1, 1]) },
    cvd: -0.5,
  };
}

describe('ring records', () => {
  it('carry a frame — status and snapshot together — across as bytes and back, typed arrays, NaN and null included', () => {
    const snapshot = sampleSnapshot();
    const status = { frameId: 7, a: NaN, b: Infinity, c: [1, -Infinity], d: null, e: 'x' };
    const record = decodeRecord(encodeFrame(status, snapshot));
    assert.equal(record.kind, RecordKind.Frame);
    assert.deepEqual(record.snapshot, snapshot);
    assert.deepEqual(record.status, status);
  });

  it('carry a frame without a snapshot (panel hidden) with non-finite numbers intact', () => {
    const status = { a: NaN, b: Infinity, c: [1, -Infinity], d: null, e: 'x' };
    const record = decodeRecord(encodeFrame(status, undefined));
    assert.equal(record.snapshot, undefined);
    assert.deepEqual(record.status, status);
  });
});

describe('FeedWorkerHost (feed in a worker thread, frames over the SharedArrayBuffer ring)', function () {
  this.timeout(60_000);
  let host: FeedWorkerHost | undefined;
  const logs: string[] = [];

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('runs the demo market in the worker and delivers live status and ladder frames', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' }, view: VIEW, ringBytes: 1 << 20, log: (l, m) => logs.push(`${l} ${m}`) });
    const frames: BookSnapshotMessage[] = [];
    host.onSnapshot((s) => frames.push(s));
    const status = await waitFor('a live status', () => (host!.status?.health.state === 'live' ? host!.status : undefined));
    assert.equal(status.source, 'demo');
    assert.ok(status.top.bestBid < status.top.bestAsk, 'best bid below best ask');
    const frame = await waitFor('a live frame', () => frames.find((f) => f.state === 'live' && f.bids.prices.length > 0));
    assert.ok(frame.bids.prices instanceof Float64Array);
    assert.ok(frame.bids.prices[0] > frame.bids.prices[1], 'bids best first');
    assert.ok(frame.asks.prices[0] < frame.asks.prices[1], 'asks best first');
    assert.ok(frame.bids.prices.length <= 200 && frame.asks.prices.length <= 200, 'half the rows each side');
    assert.equal(frame.bestBid, frame.bids.prices[0]);
  });

  it('moves to another symbol in place and answers book requests', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' }, view: VIEW, ringBytes: 1 << 20 });
    await waitFor('live', () => host!.status?.health.state === 'live');
    assert.equal(await host.setSymbol('ETHUSDT'), 'ETHUSDT');
    await waitFor('ETHUSDT live', () => host!.status?.health.symbol === 'ETHUSDT' && host!.status.health.state === 'live');
    const book = (await host.bookJson(5)) as { symbol: string; bids: unknown[] };
    assert.equal(book.symbol, 'ETHUSDT');
    assert.equal(book.bids.length, 5);
    await assert.rejects(host.setSymbol('NOPEUSDT'), /NOPEUSDT is not a USDⓈ-M futures symbol/);
    const symbols = await host.listSymbols();
    assert.deepEqual(symbols.map((s) => s.symbol).sort(), ['BTCUSDT', 'DOGEUSDT', 'ETHUSDT']);
  });

  it('sends no frames while the panel is hidden, but keeps the status coming', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' }, view: { ...VIEW, panelVisible: false }, ringBytes: 1 << 20 });
    let frames = 0;
    let statuses = 0;
    host.onSnapshot(() => frames++);
    host.onStatus(() => statuses++);
    await waitFor('live', () => host!.status?.health.state === 'live');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(frames, 0);
    assert.ok(statuses >= 2);
    host.setView({ ...VIEW, panelVisible: true });
    await waitFor('frames once shown', () => frames > 0);
  });

  it('gives the status and the ladder of one frame the same id and the same best bid / ask', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' }, view: VIEW, ringBytes: 1 << 20 });
    const pairs: Array<{ status: WorkerStatus; snapshot: BookSnapshotMessage }> = [];
    let lastStatus: WorkerStatus | undefined;
    host.onStatus((s) => (lastStatus = s));
    host.onSnapshot((snapshot) => {
      if (lastStatus) pairs.push({ status: lastStatus, snapshot });
    });
    await waitFor('20 live frames', () => pairs.filter((p) => p.snapshot.state === 'live').length >= 20);
    for (const { status, snapshot } of pairs) {
      assert.equal(snapshot.seq, status.frameId, 'one frame, one id');
      assert.equal(snapshot.sourceKey, status.sourceKey);
      assert.equal(Object.is(snapshot.bestBid, status.top.bestBid) && Object.is(snapshot.bestAsk, status.top.bestAsk), true, `frame ${status.frameId}: ${snapshot.bestBid}/${snapshot.bestAsk} vs ${status.top.bestBid}/${status.top.bestAsk}`);
      assert.equal(snapshot.state, status.display.state);
    }
    const ids = pairs.map((p) => p.snapshot.seq);
    assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'frame ids increase');
  });

  it('freezes the top of book on every surface while paused, and says paused', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full', seed: 3 }, view: VIEW, ringBytes: 1 << 20 });
    let snapshot: BookSnapshotMessage | undefined;
    host.onSnapshot((s) => (snapshot = s));
    await waitFor('live', () => host!.status?.display.state === 'live' && snapshot?.state === 'live');
    host.setPaused(true);
    const paused = await waitFor('a paused frame', () => (host!.status?.display.state === 'paused' ? host!.status : undefined));
    await new Promise((r) => setTimeout(r, 600));
    const later = host.status!;
    assert.ok(later.frameId > paused.frameId, 'frames keep coming while paused');
    assert.deepEqual(later.top, paused.top, 'the top stays that of the pause');
    assert.equal(snapshot!.state, 'paused');
    assert.equal(snapshot!.bestBid, later.top.bestBid);
    assert.ok(later.dataAgeMs >= 500, `the paused book ages (${later.dataAgeMs} ms)`);
    host.setPaused(false);
    await waitFor('live again', () => host!.status?.display.state === 'live');
  });

  it('sends an empty frame for a source that failed before it had a book, so no old book stays on screen', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'replay', file: path.join(__dirname, 'no-such-recording.gz'), speed: 1, depthMode: 'full' }, view: VIEW, ringBytes: 1 << 20 });
    let snapshot: BookSnapshotMessage | undefined;
    host.onSnapshot((s) => (snapshot = s));
    const frame = await waitFor('a failed frame', () => (snapshot?.state === 'failed' ? snapshot : undefined));
    assert.equal(frame.bids.prices.length + frame.asks.prices.length, 0);
    assert.match(frame.reason, /cannot read recording/);
    assert.equal(host.status?.display.state, 'failed');
    assert.equal(host.status?.health.metrics.messagesPerSecond, 0, 'a status the surfaces can read, metrics included');
  });

  it('replays a recording in the worker', async () => {
    host = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'replay', file: RECORDING_FIXTURE, speed: 50, depthMode: 'full' }, view: VIEW, ringBytes: 1 << 20 });
    const status = await waitFor('replay live', () => (host!.status?.health.state === 'live' ? host!.status : undefined));
    assert.equal(status.health.symbol, 'BTCUSDT');
    assert.equal(status.source, 'replay');
    assert.equal(status.display.state, 'replay');
    assert.ok(status.display.eventTime > Date.UTC(2024, 7, 8) && status.display.eventTime < Date.UTC(2024, 7, 10), 'named by the recording’s event time');
    host.setPaused(true);
    await waitFor('paused status', () => host!.status?.paused === true && host!.status.display.state === 'paused');
  });

  it('stops the worker thread, its sockets and its demo exchange on dispose', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
    const h = new FeedWorkerHost({ workerScript: WORKER, source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' }, view: VIEW, ringBytes: 1 << 20 });
    await waitFor('live', () => h.status?.health.state === 'live');
    const started = Date.now();
    await h.dispose();
    assert.ok(Date.now() - started < 2900, 'stopped cleanly, not by the terminate fallback');
    await waitFor('handles released', () => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length <= before, 3000);
    await assert.rejects(h.bookJson(1), /stopped/);
  });
});

