import * as assert from 'node:assert/strict';
import { LocalExchange } from '../../src/engine/exchange/localExchange';
import type { MarketFeedOptions } from '../../src/engine/live/marketFeed';
import { assertBookMatchesExchange, startWatchedFeed, waitFor, type Pair } from './support/feedHarness';
import { RestProxy, withTickSize } from './support/restProxy';

/**
 * MarketFeed against the local exchange over loopback, with a REST proxy that makes exchangeInfo or a
 * depth snapshot disagree with the streams: the feed ends on a correct live book or an honest state.
 */
interface ProxiedPair extends Pair {
  proxy: RestProxy;
}

async function startProxied(rewrite: RestProxy['rewrite'], feedOptions: Partial<MarketFeedOptions> = {}): Promise<ProxiedPair> {
  const exchange = await LocalExchange.start({ seed: 11, stepMs: 25 });
  const proxy = await RestProxy.start(exchange.restUrl);
  proxy.rewrite = rewrite;
  const watched = await startWatchedFeed(exchange, proxy.url, feedOptions);
  return {
    exchange,
    ...watched,
    proxy,
    stop: async () => {
      await watched.feed.stop();
      await proxy.stop();
      await exchange.stop();
    },
  };
}

async function withProxied(rewrite: RestProxy['rewrite'], feedOptions: Partial<MarketFeedOptions>, body: (pair: ProxiedPair) => Promise<void>): Promise<void> {
  const pair = await startProxied(rewrite, feedOptions);
  try {
    await body(pair);
  } finally {
    await pair.stop();
  }
}

const EXCHANGE_INFO = '/fapi/v1/exchangeInfo';
const DEPTH = '/fapi/v1/depth';

describe('MarketFeed: book checks against an exchange that contradicts itself', function () {
  this.timeout(60_000);

  it('rebuilds the engine when the symbol comes back after a reconnect with a new tick size', async () => {
    let tick = '0.01';
    await withProxied((path, body) => (path === EXCHANGE_INFO ? withTickSize(body, 'BTCUSDT', tick) : body), { verifyEveryMs: 0 }, async (pair) => {
      await assertBookMatchesExchange(pair);
      const first = pair.feed.engine!;
      assert.equal(first.book.tickSize, 0.01);
      tick = '0.1';
      pair.feed.reconnect();
      await waitFor('a new engine, live', () => pair.feed.engine !== first && pair.feed.state === 'live', 15_000);
      assert.equal(pair.feed.engine!.book.tickSize, 0.1);
      assert.equal(pair.feed.symbolInfo?.tickSize, 0.1);
      await assertBookMatchesExchange(pair);
      assert.ok(pair.logs.some((l) => /BTCUSDT's tick size changed from 0.01 to 0.1; rebuilding the book/.test(l)), pair.logs.join('\n'));
    });
  });

  it('refuses a tick coarser than the data in words, fetches exchangeInfo again and rebuilds with the new tick', async () => {
    await withProxied((path, body, nth) => (path === EXCHANGE_INFO && nth === 1 ? withTickSize(body, 'BTCUSDT', '1') : body), { verifyEveryMs: 0 }, async (pair) => {
      await waitFor('the feed to be live', () => pair.feed.state === 'live' && pair.feed.engine?.book.tickSize === 0.1, 15_000);
      const degraded = pair.states.find((s) => s.state === 'degraded');
      assert.ok(degraded, `a degraded state before the rebuild: ${JSON.stringify(pair.states)}`);
      assert.match(degraded.reason, /exchangeInfo gives tick 1 for BTCUSDT but the book has prices at 0\.\d+ steps/);
      assert.ok(!pair.states.slice(0, pair.states.indexOf(degraded)).some((s) => s.state === 'live'), 'never live at the wrong tick');
      assert.equal(pair.proxy.count(EXCHANGE_INFO), 2);
      const h = pair.feed.health();
      assert.equal(h.book.faults, 1, 'the fault of the replaced engine still counts');
      assert.ok(pair.logs.some((l) => /book check failed \(tick-mismatch\)/.test(l)));
      await assertBookMatchesExchange(pair);
    });
  });

  it('fails with the reason, and stops asking, when fresh exchangeInfo gives the same tick that does not fit', async () => {
    await withProxied((path, body) => (path === EXCHANGE_INFO ? withTickSize(body, 'BTCUSDT', '1') : body), { verifyEveryMs: 0 }, async (pair) => {
      await waitFor('the feed to fail', () => pair.feed.state === 'failed', 20_000);
      const h = pair.feed.health();
      assert.match(h.reason, /exchangeInfo gives tick 1 for BTCUSDT but the book has prices at .* steps.*exchangeInfo fetched again still gives tick 1/);
      assert.ok(!pair.states.some((s) => s.state === 'live'));
      const requests = { info: pair.proxy.count(EXCHANGE_INFO), depth: pair.proxy.count(DEPTH) };
      assert.deepEqual(requests, { info: 2, depth: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual({ info: pair.proxy.count(EXCHANGE_INFO), depth: pair.proxy.count(DEPTH) }, requests, 'nothing more is asked for');
      assert.equal(pair.exchange.stats().connectionsOpen, 0, 'the streams are closed');
    });
  });

  it('refuses a symbol whose tick size cannot be used, saying why instead of "unknown symbol"', async () => {
    await withProxied((path, body) => (path === EXCHANGE_INFO ? withTickSize(body, 'BTCUSDT', '1e-10') : body), { verifyEveryMs: 0 }, async (pair) => {
      await waitFor('the feed to fail', () => pair.feed.state === 'failed', 10_000);
      assert.match(pair.feed.health().reason, /BTCUSDT cannot be shown: exchangeInfo gives BTCUSDT the tick size 1e-10, finer than 9 decimals/);
      assert.equal(pair.proxy.count(DEPTH), 0);
    });
  });

  it('never shows a crossed book as live: resyncs, turns degraded with the reason, slows down, recovers when the data is right', async () => {
    let crossing = true;
    const cross = (body: unknown): unknown => {
      const snapshot = body as { bids: Array<[string, string]>; asks: Array<[string, string]> };
      // Far above the market, where no diff of the exchange's will ever touch it.
      snapshot.bids.unshift([(Number(snapshot.asks[0][0]) + 500).toFixed(1), '1.000']);
      return snapshot;
    };
    await withProxied((path, body) => (path === DEPTH && crossing ? cross(body) : body), { verifyEveryMs: 0 }, async (pair) => {
      const degraded = await waitFor('a degraded book', () => pair.states.find((s) => s.state === 'degraded'), 15_000);
      assert.match(degraded.reason, /the book is crossed: best bid [\d.]+ ≥ best ask [\d.]+ after snapshot \d+ was bridged .* 3 consistency checks failed in a row without a healthy live period; still retrying/);
      assert.ok(!pair.states.some((s) => s.state === 'live'), 'never live while crossed');
      assert.equal(pair.feed.health().book.faults, 3);
      assert.ok(pair.logs.some((l) => /book check failed \(crossed\)/.test(l)));
      assert.ok(pair.logs.some((l) => /book is degraded/.test(l)));
      const asked = pair.proxy.count(DEPTH);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.ok(pair.proxy.count(DEPTH) <= asked + 1, `degraded: snapshots are asked for slowly (${asked} → ${pair.proxy.count(DEPTH)} in 2.5 s)`);
      crossing = false;
      await waitFor('the feed to be live again', () => pair.feed.state === 'live', 20_000);
      await assertBookMatchesExchange(pair);
    });
  });

  it('verifies the live book against a background REST snapshot and records when', async () => {
    const started = Date.now();
    await withProxied((_path, body) => body, { verifyEveryMs: 5000 }, async (pair) => {
      await waitFor('a verified book', () => pair.feed.health().book.verifiedAt, 25_000);
      const h = pair.feed.health();
      assert.ok(h.book.verifiedAt! >= started + 4000, 'the first check runs one period after the start');
      assert.equal(h.book.faults, 0);
      assert.equal(h.state, 'live');
      assert.ok(pair.logs.some((l) => /book verified: it equals the exchange's REST snapshot at update \d+ \(\d+ levels compared\)/.test(l)), pair.logs.join('\n'));
      assert.equal(pair.proxy.count(DEPTH), 2, 'one snapshot to sync, one to verify');
    });
  });

  it('counts and reports a verification mismatch, resyncs, and ends on the exchange’s own book', async () => {
    const tamper = (body: unknown): unknown => {
      const snapshot = body as { bids: Array<[string, string]> };
      for (let i = 100; i < Math.min(900, snapshot.bids.length); i++) snapshot.bids[i][1] = (Number(snapshot.bids[i][1]) + 7).toFixed(3);
      return snapshot;
    };
    await withProxied((path, body, nth) => (path === DEPTH && nth === 2 ? tamper(body) : body), { verifyEveryMs: 5000 }, async (pair) => {
      const line = await waitFor('the mismatch to be reported', () => pair.logs.find((l) => l.includes('verify-mismatch')), 25_000);
      assert.match(line, /book check failed \(verify-mismatch\): the book differs from the exchange's REST snapshot \(update \d+, brought to \d+\): bid \d+\.\d holds [\d.]+ here but [\d.]+ on the exchange/);
      assert.equal(pair.feed.health().book.faults, 1);
      assert.equal(pair.feed.health().book.verifiedAt, undefined);
      await assertBookMatchesExchange(pair);
      assert.ok(pair.proxy.count(DEPTH) >= 3, 'the mismatch resynchronised the book from a new snapshot');
    });
  });
});
