import * as assert from 'node:assert/strict';
import { activeHandles, assertBookMatchesExchange, assertNoHandlesLeft, startPair, waitFor, type Pair } from './support/feedHarness';

/**
 * The reliability suite: every fault the local exchange can inject, over real loopback sockets. After
 * each, the feed's book must equal the exchange's own (top 20 a side), nothing may be left running, no
 * promise may be left rejected, and the health model must say what happened.
 */
interface FaultRow {
  fault: string;
  injected: number;
  recovered: number;
  worstRecoveryMs: number;
}

const table: FaultRow[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

function record(fault: string, injected: number, recovered: number, worstRecoveryMs: number): void {
  table.push({ fault, injected, recovered, worstRecoveryMs: Math.round(worstRecoveryMs) });
}

/** Time from `from` until the feed next reports live. */
async function timeToLive(pair: Pair, from: number, timeoutMs = 10_000): Promise<number> {
  const entry = await waitFor('the feed to be live again', () => pair.states.find((s) => s.at >= from && s.state === 'live'), timeoutMs);
  return entry.at - from;
}

/**
 * Starts an exchange and a feed, runs `body`, stops both and proves nothing is left: the handle
 * baseline is taken inside the test so mocha's own timers count the same before and after.
 */
async function withPair(
  exchangeOptions: Parameters<typeof startPair>[0],
  feedOptions: Parameters<typeof startPair>[1],
  body: (pair: Pair) => Promise<void>,
): Promise<void> {
  // Mocha arms the test's own timeout timer just after calling the test: let it, then count.
  await new Promise((resolve) => setImmediate(resolve));
  const baseline = activeHandles();
  unhandled.length = 0;
  const pair = await startPair(exchangeOptions, feedOptions);
  try {
    await body(pair);
  } finally {
    await pair.stop();
  }
  await assertNoHandlesLeft(baseline);
  assert.deepEqual(unhandled, [], 'no unhandled promise rejection');
}

describe('reliability: faults over real sockets', function () {
  this.timeout(60_000);

  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    const lines = [
      '',
      '  fault                               injected  recovered  worst time to verified book',
      ...table.map((r) => `  ${r.fault.padEnd(36)}${String(r.injected).padStart(8)}${String(r.recovered).padStart(11)}${`${r.worstRecoveryMs} ms`.padStart(12)}`),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });

  it('reaches a live book equal to the exchange’s own', async () => {
    await withPair({}, {}, async (pair) => {
      const started = Date.now();
      await assertBookMatchesExchange(pair);
      const h = pair.feed.health();
      assert.equal(h.state, 'live');
      assert.equal(h.counters.gaps, 0);
      assert.ok(h.book.bidLevels >= 900 && h.book.askLevels >= 900, `a full-depth book holds about 1000 levels a side (got ${h.book.bidLevels}/${h.book.askLevels})`);
      record('none (baseline)', 0, 1, Date.now() - started);
    });
  });

  it('recovers from the socket dropping every N messages, each time in under 2 s', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      const drops: number[] = [];
      const off = pair.exchange.on('fault', (info) => {
        if ((info as { kind?: string }).kind === 'drop') drops.push(Date.now());
      });
      pair.exchange.setFaults({ dropEveryNMessages: 150 });
      await waitFor('three drops', () => drops.length >= 3, 20_000);
      pair.exchange.setFaults({});
      off();
      const times: number[] = [];
      for (const at of drops.slice(0, 3)) times.push(await timeToLive(pair, at));
      await assertBookMatchesExchange(pair);
      const h = pair.feed.health();
      assert.ok(h.counters.drops >= 3, `drops counted: ${h.counters.drops}`);
      assert.ok(h.counters.reconnects >= 3);
      assert.ok(pair.states.some((s) => s.state === 'reconnecting'), 'the health model said it was reconnecting');
      const worst = Math.max(...times);
      assert.ok(worst < 2000, `worst time back to a verified live book: ${worst} ms`);
      record('socket dropped every 150 messages', drops.length, times.length, worst);
    });
  });

  it('detects a skipped diff (gap), resyncs from a new snapshot and ends equal', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      const gaps: number[] = [];
      const off = pair.exchange.on('fault', (info) => {
        if ((info as { kind?: string }).kind === 'gap') gaps.push(Date.now());
      });
      pair.exchange.setFaults({ gapEveryNDiffs: 15 });
      await waitFor('two gaps seen by the feed', () => pair.feed.health().counters.gaps >= 2, 20_000);
      pair.exchange.setFaults({});
      off();
      const times: number[] = [];
      for (const at of gaps.slice(0, 2)) times.push(await timeToLive(pair, at));
      await assertBookMatchesExchange(pair);
      const h = pair.feed.health();
      assert.ok(h.counters.resyncs >= 2, `resyncs: ${h.counters.resyncs}`);
      assert.ok(pair.states.some((s) => s.state === 'syncing' && /gap/.test(s.reason)), 'the reason names the gap');
      record('diff skipped (gap)', gaps.length, h.counters.resyncs, Math.max(...times));
    });
  });

  it('counts garbage frames as malformed, keeps running and ends equal', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      pair.exchange.setFaults({ malformedEveryNMessages: 40 });
      await waitFor('malformed frames', () => pair.feed.health().counters.malformed >= 5, 20_000);
      pair.exchange.setFaults({});
      const start = Date.now();
      await assertBookMatchesExchange(pair);
      const h = pair.feed.health();
      assert.ok(pair.logs.some((l) => /malformed frame/.test(l)), 'malformed frames are logged with their reason');
      record('malformed frames', h.counters.malformed, 1, Date.now() - start);
    });
  });

  it('notices a stalled socket (open, silent, no pongs), calls it stale and reconnects', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      const at = Date.now();
      pair.exchange.setFaults({ stall: true });
      await waitFor('stale', () => pair.states.find((s) => s.at >= at && s.state === 'stale'), 10_000);
      pair.exchange.setFaults({});
      const recovered = await timeToLive(pair, at, 15_000);
      await assertBookMatchesExchange(pair);
      record('stall (no data, no pong)', 1, 1, recovered);
    });
  });

  for (const status of [429, 418, 500] as const) {
    it(`waits out REST ${status}${status === 500 ? '' : ' with Retry-After'} during a resync and ends equal`, async () => {
      await withPair({}, {}, async (pair) => {
        await assertBookMatchesExchange(pair);
        pair.exchange.setFaults({ restStatus: { status, retryAfterSec: 1, times: 2 } });
        const at = Date.now();
        pair.exchange.dropConnections();
        // On a loaded machine the drop can reach the feed late: "live again" counts only after it left live.
        const left = await waitFor('the feed to notice the drop', () => pair.states.find((s) => s.at >= at && s.state !== 'live'), 20_000);
        await waitFor(`the exchange to answer HTTP ${status} twice`, () => (pair.exchange.stats().faultsInjected[`rest${status}`] ?? 0) >= 2, 20_000);
        const recovered = (await timeToLive(pair, left.at, 20_000)) + (left.at - at);
        await assertBookMatchesExchange(pair);
        const h = pair.feed.health();
        assert.ok(pair.logs.some((l) => new RegExp(`HTTP ${status}`).test(l)), `the log names HTTP ${status}:\n${pair.logs.slice(-15).join("\n")}`);
        if (status !== 500) assert.ok(recovered >= 900, `Retry-After was honoured (${recovered} ms)`);
        record(`REST ${status}`, pair.exchange.stats().faultsInjected[`rest${status}`] ?? 2, 1, recovered);
        assert.equal(h.state, 'live');
      });
    });
  }

  it('fails plainly on HTTP 451 and does not retry in a loop', async () => {
    await withPair({ faults: { restStatus: { status: 451 } } }, {}, async (pair) => {
      await waitFor('failed', () => pair.feed.state === 'failed', 5000);
      const h = pair.feed.health();
      assert.match(h.reason, /Binance refuses connections from this location \(HTTP 451/);
      const requests = pair.exchange.stats().restRequests;
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(pair.exchange.stats().restRequests, requests, 'no retry loop after 451');
      assert.equal(pair.exchange.stats().connectionsOpened, 0);
      record('REST 451 (restricted location)', 1, 0, 0);
    });
  });

  it('fails plainly when the WebSocket upgrade is refused with 451', async () => {
    await withPair({ faults: { wsRejectStatus: 451 } }, {}, async (pair) => {
      await waitFor('failed', () => pair.feed.state === 'failed', 5000);
      assert.match(pair.feed.health().reason, /HTTP 451/);
    });
  });

  it('recovers from an exchange restart on the same port', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      const at = Date.now();
      await pair.exchange.restart();
      const recovered = await timeToLive(pair, at, 15_000);
      await assertBookMatchesExchange(pair);
      record('exchange restart', 1, 1, recovered);
    });
  });

  it('opens a replacement connection before the exchange cuts at its maximum age and switches without a gap', async () => {
    await withPair({ maxConnectionAgeMs: 5000 }, { rolloverAfterMs: 2500 }, async (pair) => {
      await assertBookMatchesExchange(pair);
      const firstConnection = pair.feed.health().connection.id;
      await waitFor('the switch to a new connection', () => pair.feed.health().counters.rollovers >= 1, 10_000);
      const h = pair.feed.health();
      assert.notEqual(h.connection.id, firstConnection);
      assert.equal(h.counters.gaps, 0, 'no gap at the hand-over');
      assert.equal(h.counters.drops, 0, 'the exchange never had to cut us');
      assert.ok(!pair.states.some((s) => s.state === 'reconnecting' || s.state === 'syncing' && s.at > pair.states[0].at + 2000), 'the user saw no interruption');
      await assertBookMatchesExchange(pair);
      record('24 h rollover (scaled)', 1, 1, 0);
    });
  });

  it('switches symbol on the open socket with UNSUBSCRIBE/SUBSCRIBE, not a reconnect', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      const opened = pair.exchange.stats().connectionsOpened;
      const at = Date.now();
      await pair.feed.setSymbol('ETHUSDT');
      const recovered = await timeToLive(pair, at, 10_000);
      await assertBookMatchesExchange(pair);
      assert.equal(pair.exchange.stats().connectionsOpened, opened, 'no new connection');
      const conn = pair.exchange.connections().find((c) => c.route === 'public');
      assert.ok(conn?.streams.every((s) => s.startsWith('ethusdt@')), `streams moved: ${conn?.streams.join(', ')}`);
      record('symbol switch while live', 1, 1, recovered);
    });
  });

  it('refuses an unknown symbol with a message naming it, before opening any stream', async () => {
    await withPair({}, { symbol: 'BTCUSDX' }, async (pair) => {
      await waitFor('failed', () => pair.feed.state === 'failed', 5000);
      assert.match(pair.feed.health().reason, /BTCUSDX is not a USDⓈ-M futures symbol/);
      assert.equal(pair.exchange.stats().connectionsOpened, 0);
      record('unknown symbol', 1, 0, 0);
    });
  });

  it('keeps the current symbol running when asked to switch to an unknown one', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      await assert.rejects(pair.feed.setSymbol('NOPEUSDT'), /NOPEUSDT is not a USDⓈ-M futures symbol/);
      assert.equal(pair.feed.symbol, 'BTCUSDT');
      await assertBookMatchesExchange(pair);
    });
  });

  it('paces its own control messages within Binance’s 10 a second', async () => {
    await withPair({}, {}, async (pair) => {
      await assertBookMatchesExchange(pair);
      const opened = pair.exchange.stats().connectionsOpened;
      for (const symbol of ['ETHUSDT', 'DOGEUSDT', 'BTCUSDT', 'ETHUSDT', 'BTCUSDT']) await pair.feed.setSymbol(symbol);
      await assertBookMatchesExchange(pair);
      assert.equal(pair.exchange.stats().connectionsOpened, opened, 'the exchange never closed us for flooding');
    });
  });
});
