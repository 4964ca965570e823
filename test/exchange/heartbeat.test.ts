import assert from 'node:assert/strict';
import { Fixture, eventually, sleep } from './exchangeTestKit';

describe('local exchange connection rules: pings, pong timeout, maximum age', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('pings every pingIntervalMs and keeps a client that answers', async () => {
    const exchange = await fixture.exchange({ pingIntervalMs: 80, pongTimeoutMs: 200 });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@bookTicker`);
    await client.until('three pings', () => client.pings >= 3, 2000);
    await sleep(400);
    assert.equal(client.closeCode, undefined, 'a client that pongs stays connected');
  });

  it('closes a connection that does not answer a ping within pongTimeoutMs', async () => {
    const exchange = await fixture.exchange({ pingIntervalMs: 80, pongTimeoutMs: 200 });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@bookTicker`, { autoPong: false });
    const started = Date.now();
    const code = await client.closed;
    const elapsed = Date.now() - started;
    assert.ok(client.pings >= 1);
    assert.equal(code, 1006);
    assert.ok(elapsed >= 200 && elapsed < 3000, `closed after ${elapsed} ms`);
    await eventually('the server to forget the connection', () => exchange.stats().connectionsOpen === 0);
  });

  it('closes every connection at maxConnectionAgeMs', async () => {
    const exchange = await fixture.exchange({ maxConnectionAgeMs: 300 });
    const started = Date.now();
    const client = await fixture.client(`${exchange.wsUrl}/market/ws/btcusdt@aggTrade`);
    const code = await client.closed;
    const elapsed = Date.now() - started;
    assert.equal(code, 1000);
    assert.ok(elapsed >= 280 && elapsed < 3000, `closed after ${elapsed} ms`);
  });
});
