import assert from 'node:assert/strict';
import type { WireDepthSnapshot, WireExchangeInfo } from '../../src/engine/protocol/binanceTypes';
import { FIXED_CLOCK, Fixture, getJson } from './exchangeTestKit';

describe('local exchange REST endpoints', () => {
  const fixture = new Fixture();
  afterEach(() => fixture.dispose());

  it('answers ping with {} and time with the exchange clock', async () => {
    const exchange = await fixture.exchange({ clock: FIXED_CLOCK });
    const ping = await getJson(`${exchange.restUrl}/fapi/v1/ping`);
    assert.equal(ping.status, 200);
    assert.deepEqual(ping.body, {});
    assert.match(ping.headers.get('content-type') ?? '', /application\/json/);
    const time = await getJson(`${exchange.restUrl}/fapi/v1/time`);
    assert.deepEqual(time.body, { serverTime: FIXED_CLOCK.now() });
  });

  it('lists every symbol in exchangeInfo with Binance filters', async () => {
    const exchange = await fixture.exchange();
    const { status, body } = await getJson(`${exchange.restUrl}/fapi/v1/exchangeInfo`);
    assert.equal(status, 200);
    const info = body as WireExchangeInfo;
    assert.equal(info.timezone, 'UTC');
    assert.equal(typeof info.serverTime, 'number');
    assert.deepEqual(info.symbols.map((s) => s.symbol), ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT']);
    const filters = (symbol: string): Record<string, Record<string, unknown>> =>
      Object.fromEntries(info.symbols.find((s) => s.symbol === symbol)!.filters.map((f) => [f.filterType, f]));
    const btc = info.symbols[0];
    assert.equal(btc.pair, 'BTCUSDT');
    assert.equal(btc.contractType, 'PERPETUAL');
    assert.equal(btc.status, 'TRADING');
    assert.equal(btc.baseAsset, 'BTC');
    assert.equal(btc.quoteAsset, 'USDT');
    assert.equal(filters('BTCUSDT').PRICE_FILTER.tickSize, '0.1');
    assert.equal(filters('BTCUSDT').LOT_SIZE.stepSize, '0.001');
    assert.equal(filters('ETHUSDT').PRICE_FILTER.tickSize, '0.01');
    assert.equal(filters('DOGEUSDT').PRICE_FILTER.tickSize, '0.00001');
    assert.equal(filters('DOGEUSDT').LOT_SIZE.stepSize, '1');
    for (const key of ['minPrice', 'maxPrice']) assert.equal(typeof filters('ETHUSDT').PRICE_FILTER[key], 'string');
    for (const key of ['minQty', 'maxQty']) assert.equal(typeof filters('ETHUSDT').LOT_SIZE[key], 'string');
    assert.equal(exchange.tickSize('DOGEUSDT'), 0.00001);
  });

  it('serves depth with 500 levels by default, sorted and formatted to tick and step', async () => {
    const exchange = await fixture.exchange();
    const { status, body } = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT`);
    assert.equal(status, 200);
    const snapshot = body as WireDepthSnapshot;
    assert.equal(snapshot.bids.length, 500);
    assert.equal(snapshot.asks.length, 500);
    assert.ok(snapshot.lastUpdateId > 4e12, `update ids look like Binance's (${snapshot.lastUpdateId})`);
    for (const [price, qty] of [...snapshot.bids, ...snapshot.asks]) {
      assert.match(price, /^\d+\.\d$/);
      assert.match(qty, /^\d+\.\d{3}$/);
    }
    const bids = snapshot.bids.map(([p]) => Number(p));
    const asks = snapshot.asks.map(([p]) => Number(p));
    assert.ok(bids.every((p, i) => i === 0 || p < bids[i - 1]), 'bids descend');
    assert.ok(asks.every((p, i) => i === 0 || p > asks[i - 1]), 'asks ascend');
    assert.ok(bids[0] < asks[0], 'book not crossed');
    const thousand = (await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=ETHUSDT&limit=1000`)).body as WireDepthSnapshot;
    assert.equal(thousand.bids.length, 1000);
    assert.equal(thousand.asks.length, 1000);
    const top = exchange.topOfBook('ETHUSDT', 5);
    assert.equal(thousand.lastUpdateId, top.lastUpdateId, 'at rest the snapshot is the book');
    assert.deepEqual(thousand.bids.slice(0, 5).map(([p, q]) => [Number(p), Number(q)]), top.bids);
  });

  it('rejects an unknown symbol, a missing symbol and a bad limit with Binance codes', async () => {
    const exchange = await fixture.exchange();
    const unknown = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=NOPEUSDT&limit=5`);
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.body, { code: -1121, msg: 'Invalid symbol.' });
    const missing = await getJson(`${exchange.restUrl}/fapi/v1/depth?limit=5`);
    assert.equal(missing.status, 400);
    assert.equal((missing.body as { code: number }).code, -1102);
    for (const limit of ['7', 'abc', '5000']) {
      const bad = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=${limit}`);
      assert.equal(bad.status, 400, `limit=${limit}`);
      const error = bad.body as { code: number; msg: string };
      assert.equal(error.code, -1100);
      assert.match(error.msg, /limit/);
    }
  });

  it('answers unknown paths with 404 JSON', async () => {
    const exchange = await fixture.exchange();
    const res = await getJson(`${exchange.restUrl}/fapi/v1/klines?symbol=BTCUSDT`);
    assert.equal(res.status, 404);
    const error = res.body as { code: number; msg: string };
    assert.equal(typeof error.code, 'number');
    assert.match(error.msg, /klines/);
  });

  it('reports used weight per minute: depth by limit, others 1', async () => {
    const exchange = await fixture.exchange({ clock: FIXED_CLOCK });
    const used = async (path: string): Promise<number> => Number((await getJson(`${exchange.restUrl}${path}`)).headers.get('x-mbx-used-weight-1m'));
    assert.equal(await used('/fapi/v1/ping'), 1);
    assert.equal(await used('/fapi/v1/exchangeInfo'), 2);
    assert.equal(await used('/fapi/v1/depth?symbol=BTCUSDT&limit=5'), 4);
    assert.equal(await used('/fapi/v1/depth?symbol=BTCUSDT&limit=100'), 9);
    assert.equal(await used('/fapi/v1/depth?symbol=BTCUSDT&limit=500'), 19);
    assert.equal(await used('/fapi/v1/depth?symbol=BTCUSDT&limit=1000'), 39);
    assert.equal(await used('/fapi/v1/depth?symbol=BTCUSDT'), 49);
  });

  it('answers 429 with Retry-After once the 2400 a minute budget is spent', async () => {
    const exchange = await fixture.exchange({ clock: FIXED_CLOCK });
    // 120 snapshots of weight 20 use exactly the 2400 budget.
    for (let i = 0; i < 120; i++) {
      const res = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=DOGEUSDT&limit=1000`);
      assert.equal(res.status, 200, `request ${i + 1} is within budget`);
    }
    const over = await getJson(`${exchange.restUrl}/fapi/v1/depth?symbol=DOGEUSDT&limit=1000`);
    assert.equal(over.status, 429);
    assert.equal((over.body as { code: number }).code, -1003);
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(Number(over.headers.get('x-mbx-used-weight-1m')), 2420);
    assert.equal(exchange.stats().restRequests, 121);
    assert.deepEqual(exchange.stats().faultsInjected, {}, 'a real rate limit is not an injected fault');
  });
});
