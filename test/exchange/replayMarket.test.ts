import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayMarket, ReplayRecording } from '../../src/engine/exchange/replayMarket';
import { MarketEngine } from '../../src/engine/marketEngine';
import type { WireDepthSnapshot, WireExchangeInfo } from '../../src/engine/protocol/binanceTypes';
import type { RecordedFrame } from '../../src/engine/replay/recordingReader';
import { Fixture, eventually, getJson } from './exchangeTestKit';
import { fixtureFrames, RECORDING_FIXTURE } from '../engine/support/recordingFixture';

const RECORDING = RECORDING_FIXTURE;
/** From the data README: the book every correct engine reaches at the end of the file. */
const FINAL = { lastUpdateId: 5123135475514, bestBid: [61659.7, 1.486], bestAsk: [61659.8, 0.981] };

describe('local exchange replay market', () => {
  const fixture = new Fixture();
  let frames: RecordedFrame[];
  let dir: string;

  before(() => {
    frames = fixtureFrames();
    dir = mkdtempSync(join(tmpdir(), 'flowsight-replay-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => fixture.dispose());

  /** The first `count` lines of the recording as a file of its own. */
  function head(count: number): string {
    const file = join(dir, `head-${count}.txt`);
    writeFileSync(file, frames.slice(0, count).map((f) => `${Math.round(f.localMs * 1e6)} ${f.text}`).join('\n'));
    return file;
  }

  it('plays the recording verbatim and serves REST snapshots a following client can bridge to the final book', async () => {
    const exchange = await fixture.exchange({ market: { kind: 'replay', file: RECORDING, speed: 400 } });
    assert.deepEqual(exchange.symbols(), ['BTCUSDT']);
    assert.equal(exchange.tickSize('BTCUSDT'), 0.1);

    let snapshots = 0;
    const engine: MarketEngine = new MarketEngine({
      symbol: 'BTCUSDT',
      tickSize: 0.1,
      depthMode: 'full',
      requestSnapshot: () => {
        snapshots++;
        void getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`).then((res) => engine.ingest(JSON.stringify(res.body)));
      },
    });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@depth@100ms`);
    const trades = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@trade/btcusdt@bookTicker`);
    client.ws.on('message', (data) => engine.ingest(data.toString()));
    await eventually('the replay to reach the end of the file', () => exchange.topOfBook('BTCUSDT', 1).lastUpdateId === FINAL.lastUpdateId, 15_000);
    await eventually('the client to reach it too', () => engine.book.lastUpdateId === FINAL.lastUpdateId);

    const top = exchange.topOfBook('BTCUSDT', 20);
    assert.deepEqual(top.bids[0], FINAL.bestBid);
    assert.deepEqual(top.asks[0], FINAL.bestAsk);
    const line = engine.bookLine(20);
    assert.equal(line.status, 'live');
    assert.deepEqual(line.bids, top.bids);
    assert.deepEqual(line.asks, top.asks);
    assert.ok(snapshots >= 1);

    // Payloads leave exactly as recorded: each is the data part of a recorded envelope.
    const recorded = new Set(frames.filter((f) => f.text.includes('@depth@0ms')).map((f) => f.text.slice(f.text.indexOf('"data":') + 7, -1)));
    assert.ok(client.messages.length > 100);
    for (const text of client.messages) assert.ok(recorded.has(text), `not a recorded diff: ${text.slice(0, 100)}`);
    const tradeText = trades.messages.find((m) => m.startsWith('{"stream":"btcusdt@trade"'));
    assert.ok(tradeText !== undefined && frames.some((f) => f.text === tradeText), 'combined frames are the recorded lines');

    // At the end the book stays and the REST snapshot is that book.
    const snapshot = (await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`)).body as WireDepthSnapshot;
    assert.equal(snapshot.lastUpdateId, FINAL.lastUpdateId);
    assert.deepEqual(snapshot.bids[0], ['61659.70', '1.486']);
    assert.deepEqual(snapshot.asks[0], ['61659.80', '0.981']);
  });

  it("lists the recording's symbol in exchangeInfo and makes REST depth wait for the book to synchronise", async () => {
    // 60 lines: the snapshot is line 55, about 0.29 s of recorded time in; at 0.25x that is ~1.2 s.
    const exchange = await fixture.exchange({ market: { kind: 'replay', file: head(60), speed: 0.25 } });
    const info = (await getJson(`${exchange.restUrl}/fapi/v1/exchangeInfo`)).body as WireExchangeInfo;
    assert.deepEqual(info.symbols.map((s) => s.symbol), ['BTCUSDT']);
    assert.equal(info.symbols[0].filters.find((f) => f.filterType === 'PRICE_FILTER')!.tickSize, '0.1');
    assert.equal(info.symbols[0].filters.find((f) => f.filterType === 'LOT_SIZE')!.stepSize, '0.001');
    const res = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
    assert.equal(res.status, 200);
    assert.ok(res.elapsedMs > 500, `waited ${res.elapsedMs} ms for the book`);
    assert.ok((res.body as WireDepthSnapshot).lastUpdateId >= 5123107852948);
    assert.equal((await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=ETHUSDT`)).status, 400);
  });

  it('answers 503 when the book cannot synchronise in time', async () => {
    const sink = { wants: () => false, publish: () => undefined };
    const market = new ReplayMarket({ recording: await ReplayRecording.open(head(40)), speed: 1000, sink, snapshotWaitMs: 200 });
    try {
      const started = Date.now();
      const answer = await market.depthSnapshot('BTCUSDT', 100);
      assert.deepEqual(answer, { ok: false, reason: 'notReady' });
      assert.ok(Date.now() - started >= 190);
    } finally {
      market.stop();
    }
    const exchange = await fixture.exchange({ market: { kind: 'replay', file: head(40), speed: 1000 } });
    const started = Date.now();
    const res = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    assert.ok(Date.now() - started >= 4900, 'the exchange waits 5 s first');
  });
});
