import * as assert from 'node:assert/strict';
import { RETRY_DELAY_MAX_MS } from '../../src/engine/live/delayBounds';
import { FREE_SNAPSHOTS_PER_MINUTE } from '../../src/engine/live/marketFeed';
import { MALFORMED_SUMMARY_EVERY_MS, MALFORMED_VERBATIM_LINES } from '../../src/engine/live/malformedFrameLog';
import { MAX_FRAME_BYTES } from '../../src/engine/live/streamConnection';
import {
  assertHonestlyNotLive,
  assertLiveAndRight,
  printTable,
  sleep,
  stopLying,
  underAttack,
  waitFor,
  waitForHonestState,
  watchUnhandledRejections,
  type AttackRow,
} from './support/attackHarness';

/**
 * The hostile-exchange suite: the local exchange lies, floods and slams doors, over real loopback
 * sockets. After each attack the feed holds the exchange's book and says live, or says plainly that
 * it is not live and why — never live over a wrong book (sampled while the attack runs) — and its
 * REST requests, connections and memory stay bounded (counted on the exchange's side).
 */
/** A reason about the tick size; a word of its own, as the stream name "bookTicker" is in every "connecting to" reason. */
const TICK_REASON = /\btick\b/i;
const TICK_OR_FILTER_REASON = /\btick\b|PRICE_FILTER/i;

describe('hostile exchange: every attack ends correct or honest, and bounded', function () {
  this.timeout(60_000);
  const rows: AttackRow[] = [];
  let unwatch: () => void;
  before(() => {
    unwatch = watchUnhandledRejections();
  });
  after(() => {
    unwatch();
    printTable(rows);
  });

  // ---- the book lies ----

  it('update ids that reset lower mid-stream: never live on the frozen book, then live and right once the ids are true again', async () => {
    await underAttack(rows, 'update ids reset lower mid-stream', {}, {}, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      pair.exchange.setFaults({ idsResetAfterNDiffs: 20 });
      await monitor.sampleFor(6000);
      await waitForHonestState(pair, /update id|bridge|advanc|stall/i, 15_000);
      monitor.assertNeverLiveWhileWrong();
      await stopLying(pair);
      await assertLiveAndRight(pair, 30_000);
      monitor.assertBounded();
      return `not live, then right (${monitor.samples} samples)`;
    });
  });

  it('update ids that jump ahead: the stalled book is noticed and rebuilt from a true snapshot', async () => {
    await underAttack(rows, 'update ids jump ahead', {}, {}, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      pair.exchange.setFaults({ idsJumpEveryNDiffs: 40 });
      await waitFor('the lie to be told twice', () => (pair.exchange.stats().faultsInjected.idsJump ?? 0) >= 2, 15_000);
      await monitor.sampleFor(4000);
      monitor.assertNeverLiveWhileWrong();
      await stopLying(pair);
      await assertLiveAndRight(pair, 20_000);
      const h = pair.feed.health();
      assert.ok(h.counters.resyncs >= 1, `resynchronised (${h.counters.resyncs})`);
      monitor.assertBounded();
      return 'resynced, live and right';
    });
  });

  it('a crossed book in the diffs is never shown as live', async () => {
    await underAttack(rows, 'crossed book in diffs', {}, {}, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      pair.exchange.setFaults({ crossedEveryNDiffs: 25 });
      await monitor.sampleFor(6000);
      assert.ok((pair.exchange.stats().faultsInjected.crossed ?? 0) >= 2, 'crossing diffs were sent');
      monitor.assertNeverLiveWhileWrong();
      await stopLying(pair);
      await assertLiveAndRight(pair, 20_000);
      monitor.assertBounded();
      return 'never live crossed, then right';
    });
  });

  it('a crossed REST snapshot is never shown as live, the state says why, and it is asked for ever more slowly', async () => {
    await underAttack(rows, 'crossed REST snapshot', { faults: { crossedSnapshot: true } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /cross/i, 20_000);
      await monitor.sampleFor(3000);
      monitor.assertNeverLiveWhileWrong();
      assertHonestlyNotLive(pair, /cross/i);
      // From the first fault on, each snapshot waits 1 s, 2 s, 4 s, 8 s … (at most 30 s) after the last:
      // requests at about 0, 1, 3, 7 and 15 s, so seven in the first minute and two a minute after.
      await sleep(Math.max(0, monitor.startedAt + 15_000 - Date.now()));
      const depthRequests = pair.exchange.stats().restRequestsByPath['/fapi/v1/depth'] ?? 0;
      assert.ok(depthRequests >= 3, `the crossed snapshot was asked for again (${depthRequests} depth requests)`);
      assert.ok(depthRequests <= 6, `${depthRequests} depth requests in the first ${Math.round(monitor.elapsedMs / 1000)} s of a lying exchange (at most 6: a handful a minute)`);
      await stopLying(pair);
      await assertLiveAndRight(pair, 40_000);
      monitor.assertBounded();
      return `${state.split(':')[0]}, ${depthRequests} depth in 15 s`;
    });
  });

  it('impossible numbers are counted as malformed and never merged into a level', async () => {
    await underAttack(rows, 'impossible numbers (0, off-grid, 1e308 …)', {}, {}, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      pair.exchange.setFaults({ impossibleEveryNDiffs: 3 });
      await waitFor('every kind of impossible level to be sent', () => (pair.exchange.stats().faultsInjected.impossible ?? 0) >= 16, 20_000);
      await monitor.sampleFor(3000);
      monitor.assertNeverLiveWhileWrong();
      const malformed = pair.feed.health().counters.malformed;
      assert.ok(malformed >= 8, `impossible levels are counted as malformed (${malformed})`);
      // Each impossible diff breaks the chain; past FREE_SNAPSHOTS_PER_MINUTE the resyncs wait 1 s, 2 s, 4 s …
      const depthRequests = pair.exchange.stats().restRequestsByPath['/fapi/v1/depth'] ?? 0;
      const depthBound = FREE_SNAPSHOTS_PER_MINUTE + 1 + Math.ceil(Math.log2(1 + monitor.elapsedMs / 1000));
      assert.ok(depthRequests <= depthBound, `${depthRequests} depth requests in ${monitor.elapsedMs} ms of a stream that breaks its chain every 3 diffs (at most ${depthBound})`);
      await stopLying(pair);
      await assertLiveAndRight(pair, 20_000);
      const book = pair.feed.engine!.bookLine(1000);
      for (const [price, qty] of [...book.bids, ...book.asks]) {
        assert.ok(price > 0 && price < 1e7 && Number.isFinite(qty) && qty > 0, `no impossible level in the book: ${price} × ${qty}`);
      }
      monitor.assertBounded();
      return `${malformed} malformed counted, right`;
    });
  });

  it('a flood of garbage frames is counted exactly, and the log stays bounded', async () => {
    await underAttack(rows, 'garbage flood (every message)', {}, {}, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      const malformedBefore = pair.feed.health().counters.malformed;
      const logsBefore = pair.logs.length;
      const floodStart = Date.now();
      pair.exchange.setFaults({ malformedEveryNMessages: 1 });
      await sleep(MALFORMED_SUMMARY_EVERY_MS + 2000);
      pair.exchange.setFaults({});
      const floodMs = Date.now() - floodStart;
      const injected = (): number => pair.exchange.stats().faultsInjected.malformed ?? 0;
      await waitFor('every garbage frame to be counted', () => pair.feed.health().counters.malformed - malformedBefore === injected(), 10_000);
      // The connection going writes the summary of what the log has not said yet.
      pair.exchange.dropConnections();
      await assertLiveAndRight(pair, 30_000);
      const malformed = pair.feed.health().counters.malformed - malformedBefore;
      assert.ok(malformed >= 200, `a flood: ${malformed} garbage frames in ${floodMs} ms`);
      assert.equal(malformed, injected(), 'the feed counts every garbage frame the exchange sent');
      const lines = pair.logs.slice(logsBefore).filter((l) => /malformed frame/.test(l));
      const framesIn = (line: string): number => Number(/(\d+) more malformed frames? on/.exec(line)?.[1] ?? 1);
      assert.equal(lines.reduce((n, l) => n + framesIn(l), 0), malformed, `every frame is in one log line:\n${lines.join('\n')}`);
      const bound = MALFORMED_VERBATIM_LINES + Math.ceil(floodMs / MALFORMED_SUMMARY_EVERY_MS) + 1;
      assert.ok(lines.length <= bound, `${lines.length} log lines for ${malformed} garbage frames (at most ${bound})`);
      monitor.assertBounded();
      return `${malformed} counted in ${lines.length} log lines`;
    });
  });

  it('exchangeInfo gives a tick ten times coarser than the prices: refused in words', async () => {
    await underAttack(rows, 'tick coarser than the data', { faults: { tickSize: 'coarser' } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, TICK_REASON, 20_000);
      await monitor.sampleFor(3000);
      monitor.assertNeverLiveWhileWrong();
      assertHonestlyNotLive(pair, TICK_REASON);
      monitor.assertBounded();
      return state.split(':')[0];
    });
  });

  for (const lie of ['tiny', 'zero', 'missing'] as const) {
    const described = { tiny: 'tick 1e-10', zero: 'tick 0', missing: 'no PRICE_FILTER' }[lie];
    it(`exchangeInfo gives ${described}: a right book or a refusal in words`, async () => {
      await underAttack(rows, `exchangeInfo ${described}`, { faults: { tickSize: lie } }, {}, async (pair, monitor) => {
        await waitFor('live, or a reason about the tick', () => pair.feed.state === 'live' || (pair.feed.state !== 'connecting' && TICK_OR_FILTER_REASON.test(pair.feed.health().reason)), 20_000);
        await monitor.sampleFor(3000);
        monitor.assertNeverLiveWhileWrong();
        let outcome: string;
        if (pair.feed.state === 'live') {
          await assertLiveAndRight(pair);
          outcome = 'live and right';
        } else {
          assertHonestlyNotLive(pair, TICK_OR_FILTER_REASON);
          outcome = `${pair.feed.state}, says why`;
        }
        monitor.assertBounded();
        return outcome;
      });
    });
  }

  it('a tick size that changes between connections rebuilds the engine on the new scale', async () => {
    await underAttack(rows, 'tick changes between connections', { faults: { tickSize: 'changes' } }, {}, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      const first = pair.feed.symbolInfo!.tickSize;
      pair.exchange.dropConnections();
      await waitFor('the feed to ask for exchangeInfo again and take the new tick', () => pair.feed.symbolInfo !== undefined && pair.feed.symbolInfo.tickSize !== first && pair.feed.state === 'live', 20_000);
      await assertLiveAndRight(pair);
      const second = pair.feed.symbolInfo!.tickSize;
      assert.ok(Math.abs(pair.feed.engine!.book.tickSize - second) < 1e-12, 'the engine runs on the new tick');
      // A second drop within 10 s reconnects on what it knows, and looks the symbol up once the 10 s are over.
      const lookups = (): number => pair.exchange.stats().restRequestsByPath['/fapi/v1/exchangeInfo'] ?? 0;
      const lookupsBefore = lookups();
      pair.exchange.dropConnections();
      await assertLiveAndRight(pair);
      assert.equal(lookups(), lookupsBefore, 'no second look-up within 10 s');
      await waitFor('the deferred look-up to take the tick back', () => pair.feed.symbolInfo!.tickSize === first && pair.feed.state === 'live', 20_000);
      await assertLiveAndRight(pair);
      assert.ok(Math.abs(pair.feed.engine!.book.tickSize - first) < 1e-12, 'the engine runs on the tick given back');
      assert.equal(lookups(), lookupsBefore + 1, 'one deferred look-up');
      monitor.assertBounded();
      return `tick ${first} → ${second} → ${first}, right`;
    });
  });

  it('a snapshot that never bridges: bounded waiting, asked again within the budget, and said', async () => {
    await underAttack(rows, 'snapshot never bridges', { faults: { snapshotAheadBy: 1_000_000_000 } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /bridge/i, 30_000);
      await monitor.sampleFor(3000);
      monitor.assertNeverLiveWhileWrong();
      await waitFor('another snapshot to be asked for', () => (pair.exchange.stats().restRequestsByPath['/fapi/v1/depth'] ?? 0) >= 2, 30_000);
      assertHonestlyNotLive(pair, /bridge/i);
      monitor.assertBounded();
      await stopLying(pair);
      await assertLiveAndRight(pair, 40_000);
      return state.split(':')[0];
    });
  });

  it('a background REST snapshot that disagrees with the local book is a fault: resync, counted, then verified', async () => {
    await underAttack(rows, 'stream drifts from REST (verified book)', {}, { verifyEveryMs: 5000 } as Record<string, unknown>, async (pair, monitor) => {
      await assertLiveAndRight(pair);
      pair.exchange.setFaults({ phantomEveryNDiffs: 10 });
      await waitFor('a phantom level to be sent', () => (pair.exchange.stats().faultsInjected.phantom ?? 0) >= 1, 5000);
      const book = (): { faults?: number; verifiedAt?: number } => pair.feed.health().book as { faults?: number; verifiedAt?: number };
      await waitFor('the verification to find the drift', () => (book().faults ?? 0) >= 1, 20_000);
      await stopLying(pair);
      await waitFor('a verification that matches', () => (book().verifiedAt ?? 0) > Date.now() - 5000, 20_000);
      await assertLiveAndRight(pair);
      monitor.assertBounded();
      return `${book().faults} fault(s), then verified`;
    });
  });

  // ---- exhaustion ----

  it('a depth body that never ends is cut off at its cap and reported, memory flat', async () => {
    await underAttack(rows, 'REST depth body never ends', { faults: { restBody: { kind: 'endless' } } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /more than 1 MB; the answer was cut off/, 20_000);
      await sleep(3000);
      assertHonestlyNotLive(pair, /cut off/);
      monitor.assertBounded({ rssGrowthMb: 150 });
      await stopLying(pair);
      await assertLiveAndRight(pair, 40_000);
      return state.split(':')[0];
    });
  });

  it('a depth body that trickles without end is cut off by the timeout and reported', async () => {
    await underAttack(rows, 'REST depth body trickles forever', { faults: { restBody: { kind: 'trickle' } } }, { restTimeoutMs: 2000 }, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /started answering but did not finish within 2 s; the answer was cut off/, 20_000);
      assertHonestlyNotLive(pair, /cut off/);
      monitor.assertBounded({ rssGrowthMb: 100 });
      await stopLying(pair);
      await assertLiveAndRight(pair, 40_000);
      return state.split(':')[0];
    });
  });

  it('a huge exchangeInfo (64 MB declared) is refused before it is read', async () => {
    await underAttack(rows, 'REST exchangeInfo 64 MB', { faults: { restBody: { kind: 'huge', path: '/fapi/v1/exchangeInfo' } } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /exchangeInfo sent more than 8 MB; the answer was cut off/, 20_000);
      await sleep(2000);
      monitor.assertBounded({ rssGrowthMb: 100 });
      return state.split(':')[0];
    });
  });

  it('an error body that never ends is cut small', async () => {
    await underAttack(rows, 'REST 500 with an endless body', { faults: { restBody: { kind: 'endless', status: 500 } } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /HTTP 500/, 20_000);
      await sleep(2000);
      const h = pair.feed.health();
      assert.ok((h.lastError ?? '').length < 400, `the message stays short (${(h.lastError ?? '').length} characters)`);
      monitor.assertBounded({ rssGrowthMb: 100 });
      return state.split(':')[0];
    });
  });

  it('a WebSocket frame over the limit closes that connection with a reason and reconnects with backoff', async () => {
    await underAttack(rows, 'WebSocket frame of 2 MB', { faults: { hugeFrameBytes: 2 * MAX_FRAME_BYTES } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /larger than 1 MB/, 20_000);
      await waitFor('the backoff to grow into the breaker', () => pair.feed.state === 'circuit-open', 30_000);
      const connections = monitor.connections;
      await sleep(2000);
      assert.equal(monitor.connections, connections, 'no connection while the breaker is open');
      monitor.assertBounded({ rssGrowthMb: 150 });
      return state.split(':')[0];
    });
  });

  // ---- absurd Retry-After ----

  for (const [status, header] of [
    [429, '3000000'],
    [418, '3000000'],
    [429, '-5'],
    [429, 'soon'],
    [429, 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ] as const) {
    it(`REST ${status} with Retry-After "${header}" becomes a bounded wait, said in words`, async () => {
      await underAttack(rows, `REST ${status} Retry-After "${header}"`, { faults: { restStatus: { status, retryAfter: header } } }, {}, async (pair, monitor) => {
        const state = await waitForHonestState(pair, new RegExp(`HTTP ${status}`), 10_000);
        await sleep(4000);
        const h = pair.feed.health();
        assert.match(`${h.reason}`, /retrying in|waiting|pausing/, h.reason);
        assert.ok(h.nextAttemptAt !== undefined && h.nextAttemptAt - Date.now() <= RETRY_DELAY_MAX_MS, 'the next attempt is at most ten minutes away');
        assert.ok(h.nextAttemptAt - Date.now() >= 10_000, `the wait is the exchange's or the default, not a tight loop (${h.nextAttemptAt - Date.now()} ms)`);
        monitor.assertBounded({ restRequests: 3, connections: 0 });
        return state.split(':')[0];
      });
    });
  }

  it('a WebSocket upgrade refused with 429 and Retry-After "3000000" waits, bounded', async () => {
    await underAttack(rows, 'WS upgrade 429 Retry-After "3000000"', { faults: { wsRejectStatus: 429, wsRetryAfter: '3000000' } }, {}, async (pair, monitor) => {
      const state = await waitForHonestState(pair, /HTTP 429/, 10_000);
      await sleep(4000);
      const h = pair.feed.health();
      assert.match(h.reason, /waiting 10 min|10 min/, h.reason);
      assert.ok(h.nextAttemptAt !== undefined && h.nextAttemptAt - Date.now() > 60_000, 'it waits minutes, not a millisecond');
      const refused = pair.exchange.stats().faultsInjected.wsReject429 ?? 0;
      assert.ok(refused <= 2, `${refused} upgrade attempts`);
      monitor.assertBounded();
      return state.split(':')[0];
    });
  });

  // ---- a server that lets the client in, then shows it the door ----

  for (const [name, faults] of [
    ['closes 150 ms after opening', { closeAfterOpenMs: 150 }],
    ['closes 1 s after the client goes live', { closeAfterSnapshotMs: 1000 }],
  ] as const) {
    it(`a server that ${name}: the backoff grows and the breaker opens`, async () => {
      await underAttack(rows, `server ${name}`, { faults }, {}, async (pair, monitor) => {
        await waitFor('the breaker to open', () => pair.feed.state === 'circuit-open', 40_000);
        const attempts = pair.states.map((s) => /attempt (\d+)/.exec(s.reason)?.[1]).filter((a): a is string => a !== undefined).map(Number);
        assert.ok(Math.max(...attempts) >= 3, `the attempt number grew: ${attempts.join(', ')}`);
        const connections = monitor.connections;
        await monitor.sampleFor(2000);
        monitor.assertNeverLiveWhileWrong();
        assert.equal(monitor.connections, connections, 'no connection while the breaker is open');
        assert.ok(connections <= 7, `${connections} connections before the breaker opened`);
        // Every reconnect looks the symbol up again, at most once per 10 s.
        const lookups = pair.exchange.stats().restRequestsByPath['/fapi/v1/exchangeInfo'] ?? 0;
        assert.ok(lookups <= 2 + Math.floor(monitor.elapsedMs / 10_000), `${lookups} exchangeInfo requests in ${monitor.elapsedMs} ms`);
        monitor.assertBounded();
        return `breaker open after ${connections} conns`;
      });
    });
  }
});
