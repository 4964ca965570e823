import assert from 'node:assert/strict';
import type { LocalExchange } from '../../src/engine/exchange/localExchange';
import { MarketEngine } from '../../src/engine/marketEngine';
import { Fixture, eventually, sleep } from './exchangeTestKit';

interface DiffIds {
  U: number;
  u: number;
  pu: number;
}

/** A client following Binance's documented procedure, with the engine doing the book keeping. */
function followBook(exchange: LocalExchange, symbol: string): { engine: MarketEngine; snapshots: number } {
  const state = { engine: undefined as unknown as MarketEngine, snapshots: 0 };
  state.engine = new MarketEngine({
    symbol,
    tickSize: exchange.tickSize(symbol),
    depthMode: 'full',
    requestSnapshot: () => {
      state.snapshots++;
      void fetch(`${exchange.restUrl}/fapi/v1/depth?symbol=${symbol}&limit=1000`, { headers: { connection: 'close' } })
        .then((res) => res.text())
        .then((text) => state.engine.ingest(text, Date.now()));
    },
  });
  return state;
}

describe('local exchange diff depth and the local-book procedure', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('keeps a continuous U/u/pu chain per speed', async () => {
    const exchange = await fixture.exchange({ stepMs: 25 });
    const streams = ['btcusdt@depth@0ms', 'btcusdt@depth@100ms', 'btcusdt@depth', 'btcusdt@depth@500ms'];
    const client = await fixture.client(`${exchange.wsUrl}/public/stream?streams=${streams.join('/')}`);
    await client.until('a few 500 ms events', () => client.streamData('btcusdt@depth@500ms').length >= 3, 8000);

    const chains = new Map<string, DiffIds[]>();
    for (const stream of streams) {
      const events = client.streamData(stream) as unknown as DiffIds[];
      chains.set(stream, events);
      assert.ok(events.length >= 3, `${stream} delivered ${events.length} events`);
      for (let i = 0; i < events.length; i++) {
        const { U, u, pu } = events[i];
        assert.ok(U <= u, `${stream}[${i}]: U ${U} <= u ${u}`);
        assert.ok(pu < U, `${stream}[${i}]: pu ${pu} < U ${U}`);
        if (i > 0) assert.equal(pu, events[i - 1].u, `${stream}[${i}]: pu follows the previous u`);
      }
    }
    // Slower speeds bundle more changes per event, so their chains are different ones.
    const count = (s: string): number => chains.get(s)!.length;
    assert.ok(count('btcusdt@depth@0ms') > count('btcusdt@depth@100ms'));
    assert.ok(count('btcusdt@depth@100ms') > count('btcusdt@depth'));
    assert.ok(count('btcusdt@depth') > count('btcusdt@depth@500ms'));
    // Every speed ends up at the same update ids: the same changes, grouped differently.
    const u100 = new Set(chains.get('btcusdt@depth@100ms')!.map((e) => e.u));
    assert.ok(chains.get('btcusdt@depth@500ms')!.every((e) => u100.has(e.u)), 'each 500 ms boundary is also a 100 ms boundary');
  });

  it('lets a client that buffers diffs and bridges a REST snapshot end with the exchange book', async () => {
    const exchange = await fixture.exchange({ stepMs: 25 });
    const btc = followBook(exchange, 'BTCUSDT');
    const doge = followBook(exchange, 'DOGEUSDT');
    const client = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@depth@100ms/dogeusdt@depth`);
    client.ws.on('message', (data) => {
      const text = data.toString();
      (text.includes('"btcusdt@') ? btc : doge).engine.ingest(text, Date.now());
    });
    await eventually('both books live', () => btc.engine.sync.status === 'live' && doge.engine.sync.status === 'live', 8000);
    await sleep(800); // let the market move well past the snapshot
    exchange.pause();

    for (const { engine } of [btc, doge]) {
      const symbol = engine.symbol;
      await eventually(`${symbol} to hold the exchange's last update`, () => engine.book.lastUpdateId === exchange.topOfBook(symbol, 1).lastUpdateId);
      const expected = exchange.topOfBook(symbol, 20);
      const line = engine.bookLine(20);
      assert.equal(line.status, 'live');
      assert.equal(line.bids.length, 20);
      assert.deepEqual(line.bids, expected.bids, `${symbol} bids`);
      assert.deepEqual(line.asks, expected.asks, `${symbol} asks`);
      assert.equal(engine.sync.counters.gaps, 0);
      assert.ok(!engine.book.isCrossed());
    }
    assert.equal(btc.snapshots + doge.snapshots, 2, 'one snapshot each was enough');

    // And it keeps matching after the market moves on.
    exchange.resume();
    await sleep(700);
    exchange.pause();
    await eventually('BTCUSDT to catch up again', () => btc.engine.book.lastUpdateId === exchange.topOfBook('BTCUSDT', 1).lastUpdateId);
    assert.deepEqual(btc.engine.bookLine(20).bids, exchange.topOfBook('BTCUSDT', 20).bids);
    assert.deepEqual(btc.engine.bookLine(20).asks, exchange.topOfBook('BTCUSDT', 20).asks);
  });
});
