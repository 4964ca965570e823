import assert from 'node:assert/strict';
import { LocalExchange, type ConnectionSummary } from '../../src/engine/exchange/localExchange';
import { Fixture, connect, eventually, getJson, sleep } from './exchangeTestKit';
import { RECORDING_FIXTURE } from '../engine/support/recordingFixture';

/** Counts of the resource kinds an exchange could leak. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = { TCPServerWrap: 0, TCPSocketWrap: 0, Timeout: 0, Immediate: 0 };
  for (const kind of process.getActiveResourcesInfo()) if (kind in counts) counts[kind]++;
  return counts;
}

describe('local exchange lifecycle', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('restarts on the same port with the market state kept', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const port = exchange.port;
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@depth@100ms`);
    await client.until('a few diffs', () => client.messages.length >= 3);
    const lastBefore = JSON.parse(client.messages[client.messages.length - 1]) as { u: number };

    await exchange.restart();
    assert.equal(await client.closed, 1006, 'clients are cut as by a crash');
    assert.equal(exchange.port, port);
    assert.equal(exchange.wsUrl, `ws://127.0.0.1:${port}`);

    const again = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@depth@100ms`);
    await again.until('diffs after the restart', () => again.messages.length >= 2);
    const first = JSON.parse(again.messages[0]) as { U: number; pu: number };
    assert.ok(first.pu >= lastBefore.u, 'update ids carry on from before the restart');
    assert.equal((await getJson(`${exchange.restUrl}/fapi/v1/ping`)).status, 200);
    assert.equal(exchange.stats().connectionsOpened, 2);
  });

  it('reports connections, cuts them all on dropConnections, and emits connection events', async () => {
    const exchange = await fixture.exchange();
    const opened: ConnectionSummary[] = [];
    const dispose = exchange.on('connection', (info) => opened.push(info));
    const a = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker`);
    const b = await fixture.client(`${exchange.wsUrl}/market/ws/ethusdt@aggTrade`);
    dispose();
    await fixture.client(`${exchange.wsUrl}/public/ws`);
    assert.deepEqual(opened.map((c) => [c.id, c.route, c.streams]), [
      [1, 'public', ['btcusdt@bookTicker']],
      [2, 'market', ['ethusdt@aggTrade']],
    ]);
    const listed = exchange.connections();
    assert.deepEqual(listed.map((c) => c.path), ['/public/stream?streams=btcusdt@bookTicker', '/market/ws/ethusdt@aggTrade', '/public/ws']);
    assert.ok(listed.every((c) => typeof c.openedAt === 'number' && c.messagesSent >= 0));
    exchange.dropConnections();
    assert.deepEqual(await Promise.all([a.closed, b.closed]), [1006, 1006]);
    await eventually('no open connections', () => exchange.stats().connectionsOpen === 0);
  });

  it('leaves no server, socket or timer behind after stop()', async () => {
    await sleep(1); // mocha arms its own test timer once the test has returned its promise
    const before = resources();
    const exchange = await LocalExchange.start({ stepMs: 20, pingIntervalMs: 50, faults: { restDelayMs: 5000 } });
    const client = await connect(`${exchange.wsUrl}/public/stream?streams=btcusdt@depth@100ms/btcusdt@trade`);
    await client.until('data', () => client.messages.length > 5);
    // A REST answer still waiting out its delay when the exchange stops.
    const pending = fetch(`${exchange.restUrl}/fapi/v1/time`).catch((err: unknown) => err);
    await sleep(50);
    const during = resources();
    assert.ok(during.TCPServerWrap > before.TCPServerWrap && during.Timeout > before.Timeout, 'the exchange did hold resources');

    await exchange.stop();
    assert.ok((await pending) instanceof Error, 'the delayed request ends with its socket');
    await client.closed;
    await eventually('every resource released', () => JSON.stringify(resources()) === JSON.stringify(before), 2000).catch((err: Error) => {
      throw new Error(`${err.message}: before ${JSON.stringify(before)}, after ${JSON.stringify(resources())}, all ${process.getActiveResourcesInfo().join(',')}`);
    });
    await exchange.stop(); // a second stop is harmless
  });

  it('stops cleanly while clients and a replay are still busy', async () => {
    const exchange = await LocalExchange.start({ market: { kind: 'replay', file: RECORDING_FIXTURE, speed: 1 } });
    const before = Date.now();
    const client = await connect(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker`);
    await exchange.stop();
    await client.closed;
    assert.ok(Date.now() - before < 3000);
  });
});
