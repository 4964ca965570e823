import assert from 'node:assert/strict';
import type { FaultInfo } from '../../src/engine/exchange/localExchange';
import { MarketEngine } from '../../src/engine/marketEngine';
import { FrameDecoder } from '../../src/engine/protocol/frameDecoder';
import { Fixture, UpgradeRefused, connect, eventually, getJson, sleep } from './exchangeTestKit';

describe('local exchange faults on WebSocket connections', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('drops the connection abruptly after every N data messages', async () => {
    const exchange = await fixture.exchange({ stepMs: 20, faults: { dropEveryNMessages: 5 } });
    const faults: FaultInfo[] = [];
    exchange.on('fault', (info) => faults.push(info));
    const client = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker/btcusdt@trade`);
    const code = await client.closed;
    assert.equal(code, 1006, 'closed without a close frame, as a network drop');
    assert.equal(client.messages.length, 5);
    assert.equal(exchange.stats().faultsInjected.drop, 1);
    assert.deepEqual(faults.map((f) => [f.kind, f.connectionId]), [['drop', 1]]);
  });

  it('skips a diff every N so the pu chain breaks, and a following client resynchronises', async () => {
    const exchange = await fixture.exchange({ stepMs: 20, faults: { gapEveryNDiffs: 4 } });
    let snapshots = 0;
    const engine: MarketEngine = new MarketEngine({
      symbol: 'ETHUSDT',
      tickSize: exchange.tickSize('ETHUSDT'),
      depthMode: 'full',
      requestSnapshot: () => {
        snapshots++;
        void getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=ETHUSDT&limit=1000`).then((res) => engine.ingest(JSON.stringify(res.body)));
      },
    });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/ethusdt@depth@0ms`);
    client.ws.on('message', (data) => engine.ingest(data.toString()));
    await client.until('12 diffs', () => client.messages.length >= 12);
    const diffs = client.json() as Array<{ U: number; u: number; pu: number }>;
    const breaks = diffs.filter((d, i) => i > 0 && d.pu !== diffs[i - 1].u).length;
    assert.ok(breaks >= 3, `${breaks} breaks in ${diffs.length} diffs`);
    assert.ok(exchange.stats().faultsInjected.gap! >= breaks);
    await eventually('the engine to notice a gap and ask again', () => engine.sync.counters.gaps > 0 && snapshots >= 2);
  });

  it('replaces every Nth message with garbage of each kind in turn', async () => {
    const exchange = await fixture.exchange({ stepMs: 20, faults: { malformedEveryNMessages: 3 } });
    const client = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@depth@100ms`);
    await client.until('12 messages', () => client.messages.length >= 12);
    const decoder = new FrameDecoder('BTCUSDT');
    const verdicts = client.messages.slice(0, 12).map((text) => decoder.decode(text).type === 'malformed');
    assert.deepEqual(verdicts, [false, false, true, false, false, true, false, false, true, false, false, true]);
    const garbage = [2, 5, 8, 11].map((i) => client.messages[i]);
    const parses = garbage.map((text) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    });
    // truncated JSON, not JSON, then two that parse but have wrong types or missing fields
    assert.deepEqual(parses, [false, false, true, true]);
    assert.match(garbage[1], /^</);
    assert.ok(exchange.stats().faultsInjected.malformed! >= 4);
  });

  it('stalls: the socket stays open but sends nothing, answers no ping and sends none', async () => {
    const exchange = await fixture.exchange({ stepMs: 20, pingIntervalMs: 100, pongTimeoutMs: 300 });
    const stalled = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker`);
    const healthy = await fixture.client(`${exchange.wsUrl}/public/stream?streams=btcusdt@bookTicker`);
    await stalled.until('data before the stall', () => stalled.messages.length > 0);
    const stalledId = exchange.connections()[0].id;
    exchange.setConnectionFaults(stalledId, { stall: true });
    await sleep(50);
    const before = { messages: stalled.messages.length, pings: stalled.pings, healthy: healthy.messages.length, healthyPings: healthy.pings };
    let pongs = 0;
    stalled.ws.on('pong', () => pongs++);
    stalled.ws.ping();
    stalled.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    await sleep(600);
    assert.equal(stalled.messages.length, before.messages, 'no data and no reply');
    assert.equal(stalled.pings, before.pings, 'no pings');
    assert.equal(pongs, 0, 'no pong');
    assert.equal(stalled.closeCode, undefined, 'still open: a stalled server does not close');
    assert.ok(healthy.messages.length > before.healthy, 'other connections carry on');
    assert.ok(healthy.pings > before.healthyPings);
    assert.equal(exchange.stats().faultsInjected.stall, 1, 'one stall episode');

    exchange.setConnectionFaults(stalledId, {});
    await stalled.until('data again after the stall', () => stalled.messages.length > before.messages);
  });

  it('applies setFaults to connections already open', async () => {
    const exchange = await fixture.exchange({ stepMs: 20 });
    const client = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@trade/btcusdt@bookTicker`);
    await client.until('some data', () => client.messages.length > 3);
    exchange.setFaults({ dropEveryNMessages: 1 });
    assert.equal(await client.closed, 1006);
    exchange.setFaults({});
    const next = await fixture.client(`${exchange.wsUrl}/public/ws/btcusdt@trade/btcusdt@bookTicker`);
    await next.until('data', () => next.messages.length > 3);
  });

  it('refuses the WebSocket upgrade with 451 or 403 when told to', async () => {
    const exchange = await fixture.exchange({ faults: { wsRejectStatus: 451 } });
    const refused = await connect(`${exchange.wsUrl}/public/ws/btcusdt@trade`).then(
      () => assert.fail('the upgrade should be refused'),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof UpgradeRefused);
    assert.equal(refused.status, 451);
    exchange.setFaults({ wsRejectStatus: 403 });
    await assert.rejects(connect(`${exchange.wsUrl}/public/ws/btcusdt@trade`), (err: unknown) => err instanceof UpgradeRefused && err.status === 403);
    assert.deepEqual(exchange.stats().faultsInjected, { wsReject451: 1, wsReject403: 1 });
    assert.equal(exchange.stats().connectionsOpened, 0);
  });
});

describe('local exchange faults on REST', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('fails the next N calls with 429 and Retry-After, then serves again', async () => {
    const exchange = await fixture.exchange({ faults: { restStatus: { status: 429, retryAfterSec: 7, times: 2 } } });
    const url = `${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`;
    for (let i = 0; i < 2; i++) {
      const res = await getJson(url);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal((res.body as { code: number }).code, -1003);
    }
    assert.equal((await getJson(url)).status, 200);
    assert.equal(exchange.stats().faultsInjected.rest429, 2);
  });

  it('answers 418 with Retry-After, 451 restricted location, 403 and 500 with JSON bodies', async () => {
    const exchange = await fixture.exchange();
    const url = `${exchange.restUrl}/fapi/v1/exchangeInfo`;

    exchange.setFaults({ restStatus: { status: 418 } });
    const banned = await getJson(url);
    assert.equal(banned.status, 418);
    assert.ok(Number(banned.headers.get('retry-after')) > 0);
    assert.match((banned.body as { msg: string }).msg, /banned/);

    exchange.setFaults({ restStatus: { status: 451 } });
    const restricted = await getJson(url);
    assert.equal(restricted.status, 451);
    assert.match((restricted.body as { msg: string }).msg, /restricted location/);
    assert.equal((await getJson(url)).status, 451, 'without `times` it keeps failing');

    exchange.setFaults({ restStatus: { status: 403 } });
    const forbidden = await getJson(url);
    assert.equal(forbidden.status, 403);
    assert.equal(typeof (forbidden.body as { code: number }).code, 'number');

    exchange.setFaults({ restStatus: { status: 500 } });
    const broken = await getJson(url);
    assert.equal(broken.status, 500);
    assert.equal((broken.body as { code: number }).code, -1001);

    exchange.setFaults({});
    assert.equal((await getJson(url)).status, 200);
    assert.deepEqual(exchange.stats().faultsInjected, { rest418: 1, rest451: 2, rest403: 1, rest500: 1 });
  });

  it('slows REST answers by restDelayMs', async () => {
    const exchange = await fixture.exchange({ faults: { restDelayMs: 600 } });
    const res = await getJson(`${exchange.restUrl}/fapi/v1/time`);
    assert.equal(res.status, 200);
    assert.ok(res.elapsedMs >= 590, `answered after ${res.elapsedMs} ms`);
    exchange.setFaults({});
    assert.ok((await getJson(`${exchange.restUrl}/fapi/v1/time`)).elapsedMs < 500);
  });
});
