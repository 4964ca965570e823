import assert from 'node:assert/strict';
import { Fixture, UpgradeRefused, connect, sleep } from './exchangeTestKit';

describe('local exchange routed paths (/public and /market)', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('acknowledges a stream on the wrong path and then never delivers it', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const publicClient = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker`);
    const marketClient = await fixture.client(`${exchange.wsUrl}/market/stream?streams=btcusdt@aggTrade`);
    publicClient.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'btcusdt@markPrice@1s'], id: 1 });
    marketClient.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'btcusdt@bookTicker', 'btcusdt@trade'], id: 1 });
    await publicClient.until('the SUBSCRIBE reply', () => publicClient.json().some((m) => m.id === 1));
    await marketClient.until('the SUBSCRIBE reply', () => marketClient.json().some((m) => m.id === 1));
    assert.deepEqual(publicClient.json().find((m) => m.id === 1), { result: null, id: 1 });
    assert.deepEqual(marketClient.json().find((m) => m.id === 1), { result: null, id: 1 });

    await sleep(1000);
    const publicStreams = new Set(publicClient.json().map((m) => m.stream).filter((s) => s !== undefined));
    const marketStreams = new Set(marketClient.json().map((m) => m.stream).filter((s) => s !== undefined));
    assert.deepEqual([...publicStreams], ['btcusdt@bookTicker'], 'only the book stream arrives on /public');
    assert.deepEqual([...marketStreams], ['btcusdt@aggTrade'], 'only the trade stream arrives on /market');

    publicClient.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    await publicClient.until('the list', () => publicClient.json().some((m) => m.id === 2));
    assert.deepEqual(publicClient.json().find((m) => m.id === 2)!.result, ['btcusdt@bookTicker', 'btcusdt@aggTrade', 'btcusdt@markPrice@1s']);
  });

  it('is silent for wrong-path streams named in the URL too', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const client = await fixture.client(`${exchange.wsUrl}/market/ws/btcusdt@depth@100ms/btcusdt@bookTicker`);
    await sleep(500);
    assert.equal(client.messages.length, 0);
    assert.equal(exchange.connections()[0].route, 'market');
  });

  it('refuses upgrades on paths that are not stream endpoints with 404', async () => {
    const exchange = await fixture.exchange();
    for (const path of ['/ws/btcusdt@trade', '/stream?streams=btcusdt@trade', '/private/ws', '/public/other', '/']) {
      await assert.rejects(connect(`${exchange.wsUrl}${path}`), (err: unknown) => err instanceof UpgradeRefused && err.status === 404, path);
    }
    assert.equal(exchange.stats().connectionsOpened, 0);
  });
});
