import assert from 'node:assert/strict';
import type { SubscribeInfo } from '../../src/engine/exchange/localExchange';
import { Fixture, sleep, type TestClient } from './exchangeTestKit';

/** The reply with this id (control replies carry `id`, data messages never do). */
function reply(client: TestClient, id: number | null): Record<string, unknown> | undefined {
  return client.json().find((m) => 'id' in m && m.id === id);
}

async function replyTo(client: TestClient, id: number | null): Promise<Record<string, unknown>> {
  await client.until(`the reply to request ${id}`, () => reply(client, id) !== undefined);
  return reply(client, id)!;
}

describe('local exchange live control messages', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('subscribes, lists and unsubscribes by request id', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const events: SubscribeInfo[] = [];
    exchange.on('subscribe', (info) => events.push(info));
    const client = await fixture.client(`${exchange.wsUrl}/public/stream`);

    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@bookTicker', 'ethusdt@depth@100ms'], id: 1 });
    assert.deepEqual(await replyTo(client, 1), { result: null, id: 1 });
    await client.until('data on both streams', () => client.streamData('btcusdt@bookTicker').length > 0 && client.streamData('ethusdt@depth@100ms').length > 0);

    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    assert.deepEqual(await replyTo(client, 2), { result: ['btcusdt@bookTicker', 'ethusdt@depth@100ms'], id: 2 });

    client.send({ method: 'UNSUBSCRIBE', params: ['btcusdt@bookTicker'], id: 3 });
    assert.deepEqual(await replyTo(client, 3), { result: null, id: 3 });
    const afterUnsubscribe = client.messages.length;
    await sleep(300);
    const later = client.json().slice(afterUnsubscribe);
    assert.ok(later.every((m) => m.stream !== 'btcusdt@bookTicker'), 'no bookTicker after UNSUBSCRIBE');
    assert.ok(later.some((m) => m.stream === 'ethusdt@depth@100ms'), 'the other stream goes on');

    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 4 });
    assert.deepEqual(await replyTo(client, 4), { result: ['ethusdt@depth@100ms'], id: 4 });
    assert.deepEqual(events.map((e) => [e.method, e.id, e.connectionId]), [
      ['SUBSCRIBE', 1, 1],
      ['LIST_SUBSCRIPTIONS', 2, 1],
      ['UNSUBSCRIBE', 3, 1],
      ['LIST_SUBSCRIPTIONS', 4, 1],
    ]);
    assert.equal(exchange.stats().subscribeRequests, 4);
    assert.deepEqual(exchange.connections()[0].streams, ['ethusdt@depth@100ms']);
  });

  it('answers invalid JSON, an unknown method and bad params with code 2', async () => {
    const exchange = await fixture.exchange();
    const client = await fixture.client(`${exchange.wsUrl}/public/ws`);
    client.send('{"method": "SUBSCRIBE", "params": [');
    const notJson = await replyTo(client, null);
    assert.equal(notJson.code, 2);
    assert.match(notJson.msg as string, /^Invalid request/);

    client.send({ method: 'SUBSCRIBEX', params: ['btcusdt@trade'], id: 7 });
    const unknown = await replyTo(client, 7);
    assert.equal(unknown.code, 2);
    assert.match(unknown.msg as string, /^Invalid request: unknown method/);

    client.send({ method: 'SUBSCRIBE', params: 'btcusdt@trade', id: 8 });
    assert.equal((await replyTo(client, 8)).code, 2);
    client.send({ method: 'SUBSCRIBE', params: ['btc usdt@trade'], id: 9 });
    assert.equal((await replyTo(client, 9)).code, 2);
    assert.equal(exchange.stats().subscribeRequests, 0, 'invalid requests are not counted');
  });

  it('refuses to go over 200 streams on one connection', async () => {
    const exchange = await fixture.exchange();
    const client = await fixture.client(`${exchange.wsUrl}/public/stream`);
    const names = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => `sym${from + i}usdt@trade`);
    client.send({ method: 'SUBSCRIBE', params: names(0, 200), id: 1 });
    assert.deepEqual(await replyTo(client, 1), { result: null, id: 1 });
    client.send({ method: 'SUBSCRIBE', params: names(200, 1), id: 2 });
    const refused = await replyTo(client, 2);
    assert.equal(refused.code, 2);
    assert.match(refused.msg as string, /200/);
    assert.equal(exchange.connections()[0].streams.length, 200);
  });

  it('closes a connection that sends more than 10 messages in a second', async () => {
    const exchange = await fixture.exchange();
    const client = await fixture.client(`${exchange.wsUrl}/public/stream`);
    for (let id = 1; id <= 10; id++) client.send({ method: 'LIST_SUBSCRIPTIONS', id });
    await client.until('ten replies', () => reply(client, 10) !== undefined);
    assert.equal(client.closeCode, undefined, 'ten a second are allowed');
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 11 });
    const code = await client.closed;
    assert.equal(code, 1008);
    assert.equal(reply(client, 11), undefined);
  });

  it('switches between raw and combined framing with SET_PROPERTY', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@bookTicker`);
    client.send({ method: 'GET_PROPERTY', params: ['combined'], id: 1 });
    assert.deepEqual(await replyTo(client, 1), { result: false, id: 1 });
    client.send({ method: 'SET_PROPERTY', params: ['combined', true], id: 2 });
    await replyTo(client, 2);
    const from = client.messages.length;
    await client.until('an enveloped message', () => client.json().slice(from).some((m) => m.stream === 'btcusdt@bookTicker'));
  });
});
