import assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/engine/protocol/frameDecoder';
import { Fixture } from './exchangeTestKit';

const DECIMAL = /^\d+(\.\d+)?$/;

describe('local exchange stream formats', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('wraps every message in {stream, data} on /public/stream, with Binance payload fields', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const streams = ['btcusdt@depth@100ms', 'btcusdt@depth', 'btcusdt@depth10@100ms', 'btcusdt@bookTicker', 'btcusdt@trade'];
    const client = await fixture.client(`${exchange.wsUrl}/public/stream?streams=${streams.join('/')}`);
    await client.until('a message on every stream', () => streams.every((s) => client.streamData(s).length > 0), 8000);

    for (const message of client.json()) {
      assert.deepEqual(Object.keys(message), ['stream', 'data']);
      assert.ok(streams.includes(message.stream as string), `unexpected stream ${String(message.stream)}`);
    }
    const diff = client.streamData('btcusdt@depth@100ms')[0];
    assert.deepEqual(Object.keys(diff), ['e', 'E', 'T', 's', 'U', 'u', 'pu', 'b', 'a']);
    assert.equal(diff.e, 'depthUpdate');
    assert.equal(diff.s, 'BTCUSDT');
    for (const [price, qty] of [...(diff.b as string[][]), ...(diff.a as string[][])]) {
      assert.match(price, /^\d+\.\d$/, 'price written to the tick');
      assert.match(qty, /^\d+\.\d{3}$/, 'quantity written to the step');
    }
    const partial = client.streamData('btcusdt@depth10@100ms')[0];
    assert.equal((partial.b as unknown[]).length, 10);
    assert.equal((partial.a as unknown[]).length, 10);
    const ticker = client.streamData('btcusdt@bookTicker')[0];
    assert.deepEqual(Object.keys(ticker).sort(), ['A', 'B', 'E', 'T', 'a', 'b', 'e', 's', 'u'].sort());
    assert.ok(Number(ticker.b) < Number(ticker.a));
    const trade = client.streamData('btcusdt@trade')[0];
    assert.deepEqual(Object.keys(trade), ['e', 'E', 'T', 's', 't', 'p', 'q', 'X', 'm']);
    assert.equal(typeof trade.m, 'boolean');
    assert.match(trade.p as string, DECIMAL);

    // The engine's decoder takes every frame without complaint.
    const decoder = new FrameDecoder('BTCUSDT');
    for (const text of client.messages) assert.notEqual(decoder.decode(text).type, 'malformed', text.slice(0, 120));
  });

  it('sends bare payloads on /public/ws/<streams>', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/ethusdt@bookTicker/ethusdt@depth5@100ms`);
    await client.until('both kinds of payload', () => {
      const kinds = new Set(client.json().map((m) => m.e));
      return kinds.has('bookTicker') && kinds.has('depthUpdate');
    });
    for (const message of client.json()) {
      assert.ok(!('stream' in message), 'raw streams carry no envelope');
      assert.equal(message.s, 'ETHUSDT');
    }
  });

  it('serves aggTrade and markPrice@1s on /market with their payload fields', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const client = await fixture.client(`${exchange.wsUrl}/market/stream?streams=btcusdt@aggTrade/btcusdt@markPrice@1s`);
    await client.until('aggTrade and mark price', () => ['btcusdt@aggTrade', 'btcusdt@markPrice@1s'].every((s) => client.streamData(s).length > 0), 8000);
    const agg = client.streamData('btcusdt@aggTrade')[0];
    assert.deepEqual(Object.keys(agg), ['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm']);
    assert.ok((agg.l as number) >= (agg.f as number));
    const mark = client.streamData('btcusdt@markPrice@1s')[0];
    assert.deepEqual(Object.keys(mark), ['e', 'E', 's', 'p', 'i', 'P', 'r', 'T']);
    assert.equal(mark.e, 'markPriceUpdate');
    for (const key of ['p', 'i', 'P']) assert.match(mark[key] as string, DECIMAL);
    assert.ok((mark.T as number) > (mark.E as number), 'next funding time is ahead');
  });
});
