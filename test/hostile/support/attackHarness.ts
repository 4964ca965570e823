import * as assert from 'node:assert/strict';
import type { LocalExchangeOptions } from '../../../src/engine/exchange/localExchange';
import type { MarketFeedOptions } from '../../../src/engine/live/marketFeed';
import { activeHandles, assertBookMatchesExchange, assertNoHandlesLeft, startPair, waitFor, type Pair } from '../../live/support/feedHarness';

export { waitFor, type Pair };

/**
 * How long a live feed may take to notice a lie from the diffs after it: the synchronizer calls ids
 * that stop advancing a stall after 20 diffs (2 s at 100 ms), and this machine is shared.
 */
export const LIE_DETECTION_MS = 4000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One line of the suite's closing table. */
export interface AttackRow {
  attack: string;
  outcome: string;
  restRequests: number;
  connections: number;
  elapsedMs: number;
  peakRssMb: number;
  /** Longest time the feed stayed live over a book found behind the exchange, once the market resumed. */
  liveBehindMs: number;
}

/**
 * What an attack did, measured while it ran: the exchange's own request and connection counts, the
 * process's peak memory, and every moment the feed said `live` over a book that was visibly wrong
 * (crossed) — polled every 20 ms, so a short lapse is caught too.
 */
export class AttackMonitor {
  readonly startedAt = Date.now();
  peakRss = process.memoryUsage().rss;
  readonly baselineRss = process.memoryUsage().rss;
  peakHeap = process.memoryUsage().heapUsed;
  readonly liveWhileCrossed: string[] = [];
  readonly sampledWrong: string[] = [];
  samples = 0;
  /** Longest time a feed stayed live, after the market resumed, over a book the sampler found behind. */
  longestUnnoticedLieMs = 0;
  private readonly poller: NodeJS.Timeout;
  private readonly restAtStart: number;
  private readonly connectionsAtStart: number;

  constructor(private readonly pair: Pair) {
    const stats = pair.exchange.stats();
    this.restAtStart = stats.restRequests;
    this.connectionsAtStart = stats.connectionsOpened;
    this.poller = setInterval(() => this.poll(), 20);
  }

  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  get restRequests(): number {
    return this.pair.exchange.stats().restRequests - this.restAtStart;
  }

  get connections(): number {
    return this.pair.exchange.stats().connectionsOpened - this.connectionsAtStart;
  }

  /**
   * Freezes the exchange and asks: if the feed says live, does it hold the exchange's book? A live
   * feed at the exchange's last update must equal its top 20, or it is "live while wrong". A live feed
   * that does not reach that update while the market stands still may have just been lied to: a lie in
   * one diff shows only in the diffs after it, so the market resumes and the feed has LIE_DETECTION_MS
   * to leave `live`; staying live past that is "live while wrong" too. The longest such lapse is kept.
   */
  async sampleBook(levels = 20): Promise<void> {
    const { exchange, feed } = this.pair;
    this.samples++;
    exchange.pause();
    let behind: { id: number; exchangeId: number } | undefined;
    try {
      const deadline = Date.now() + 1500;
      for (;;) {
        const expected = exchange.topOfBook(feed.symbol, levels);
        const engine = feed.engine;
        if (feed.state !== 'live' || engine === undefined) return;
        if (engine.book.lastUpdateId === expected.lastUpdateId) {
          const line = engine.bookLine(levels);
          try {
            assert.deepEqual(line.bids, expected.bids);
            assert.deepEqual(line.asks, expected.asks);
          } catch {
            this.sampledWrong.push(`live at update ${expected.lastUpdateId} with a book that differs from the exchange's (best ${line.bids[0]?.[0]} / ${line.asks[0]?.[0]} vs ${expected.bids[0]?.[0]} / ${expected.asks[0]?.[0]})`);
          }
          return;
        }
        if (Date.now() > deadline) {
          behind = { id: engine.book.lastUpdateId, exchangeId: expected.lastUpdateId };
          break;
        }
        await sleep(20);
      }
    } finally {
      exchange.resume();
    }
    // Live but behind a market that stood still: the feed must notice from the diffs that follow.
    // A resync on loopback can take less than a poll, so the feed's recorded state changes are read, not polled.
    const resumedAt = Date.now();
    const leftLive = (): { at: number } | undefined => this.pair.states.find((s) => s.at >= resumedAt && s.state !== 'live');
    while (Date.now() < resumedAt + LIE_DETECTION_MS && leftLive() === undefined) await sleep(20);
    const left = leftLive();
    const lapse = (left?.at ?? Date.now()) - resumedAt;
    if (left === undefined) {
      this.sampledWrong.push(`live at update ${behind.id} while the exchange stood still at ${behind.exchangeId}, and still live ${LIE_DETECTION_MS} ms after the market resumed`);
    } else {
      this.longestUnnoticedLieMs = Math.max(this.longestUnnoticedLieMs, lapse);
    }
  }

  /** Samples the book every `everyMs` for `forMs`. */
  async sampleFor(forMs: number, everyMs = 800): Promise<void> {
    const end = Date.now() + forMs;
    while (Date.now() < end) {
      await this.sampleBook();
      await sleep(everyMs);
    }
  }

  /** The feed never claimed a live book that was crossed or differed from the exchange's. */
  assertNeverLiveWhileWrong(): void {
    assert.deepEqual(this.liveWhileCrossed.slice(0, 3), [], 'the feed said live over a crossed book');
    assert.deepEqual(this.sampledWrong.slice(0, 3), [], 'the feed said live over a wrong book');
  }

  /** Requests and connections over the attack, against what the request budget and the backoff allow. */
  assertBounded(limits: { restRequests?: number; connections?: number; rssGrowthMb?: number } = {}): void {
    const minutes = Math.max(1, Math.ceil(this.elapsedMs / 60_000));
    // 1,200 weight a minute buys 60 depth snapshots of weight 20; exchangeInfo weighs 1.
    const restLimit = limits.restRequests ?? 70 * minutes;
    // Four quick retries, then the breaker's minute of cool-down.
    const connectionLimit = limits.connections ?? 12 * minutes;
    assert.ok(this.restRequests <= restLimit, `${this.restRequests} REST requests in ${this.elapsedMs} ms (at most ${restLimit})`);
    assert.ok(this.connections <= connectionLimit, `${this.connections} connections in ${this.elapsedMs} ms (at most ${connectionLimit})`);
    if (limits.rssGrowthMb !== undefined) {
      const growth = (this.peakRss - this.baselineRss) / 1024 / 1024;
      assert.ok(growth <= limits.rssGrowthMb, `RSS grew by ${growth.toFixed(0)} MB (at most ${limits.rssGrowthMb})`);
    }
  }

  stop(): void {
    clearInterval(this.poller);
  }

  private poll(): void {
    const memory = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, memory.rss);
    this.peakHeap = Math.max(this.peakHeap, memory.heapUsed);
    const { feed } = this.pair;
    const book = feed.engine?.book;
    if (feed.state === 'live' && book !== undefined && book.isCrossed() && this.liveWhileCrossed.length < 10) {
      this.liveWhileCrossed.push(`live with best bid ${book.bestPrice('bid')} ≥ best ask ${book.bestPrice('ask')}`);
    }
  }
}

/** Ends the attack, then lets a second of truthful diffs reveal the last lie told before the book is compared. */
export async function stopLying(pair: Pair): Promise<void> {
  pair.exchange.setFaults({});
  await sleep(1000);
}

/** The feed is not live and says why in words matching `reason`. */
export function assertHonestlyNotLive(pair: Pair, reason: RegExp): void {
  const h = pair.feed.health();
  assert.notEqual(h.state, 'live', `the feed must not be live: ${h.reason}`);
  assert.match(`${h.reason} ${h.lastError ?? ''}`, reason, `state ${h.state}: ${h.reason} (last error: ${h.lastError ?? 'none'})`);
}

/** Waits until the feed has been non-live with a reason matching `reason`, and returns that state. */
export async function waitForHonestState(pair: Pair, reason: RegExp, timeoutMs: number): Promise<string> {
  return waitFor(
    `a non-live state whose reason matches ${reason}`,
    () => {
      const h = pair.feed.health();
      const text = `${h.reason} ${h.lastError ?? ''}`;
      return h.state !== 'live' && reason.test(text) ? `${h.state}: ${h.reason}` : undefined;
    },
    timeoutMs,
    50,
  );
}

/** The feed is live and its top 20 equal the exchange's own (the market frozen for the comparison). */
export async function assertLiveAndRight(pair: Pair, timeoutMs = 15_000): Promise<void> {
  await assertBookMatchesExchange(pair, 20, timeoutMs);
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
export function watchUnhandledRejections(): () => void {
  process.on('unhandledRejection', onUnhandled);
  return () => process.off('unhandledRejection', onUnhandled);
}

/**
 * Runs one attack: an exchange (with `exchangeOptions`) and a feed pointed at it, the monitor, the
 * body; then both are stopped and nothing may be left running nor any promise left rejected.
 */
export async function underAttack(
  rows: AttackRow[],
  attack: string,
  exchangeOptions: LocalExchangeOptions,
  feedOptions: Partial<MarketFeedOptions>,
  body: (pair: Pair, monitor: AttackMonitor) => Promise<string>,
): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  const baseline = activeHandles();
  unhandled.length = 0;
  const pair = await startPair(exchangeOptions, feedOptions);
  const monitor = new AttackMonitor(pair);
  let outcome = 'failed';
  try {
    outcome = await body(pair, monitor);
  } finally {
    monitor.stop();
    rows.push({
      attack,
      outcome,
      restRequests: monitor.restRequests,
      connections: monitor.connections,
      elapsedMs: monitor.elapsedMs,
      liveBehindMs: monitor.longestUnnoticedLieMs,
      peakRssMb: Math.round(monitor.peakRss / 1024 / 1024),
    });
    await pair.stop();
  }
  await assertNoHandlesLeft(baseline);
  assert.deepEqual(unhandled, [], 'no unhandled promise rejection');
}

/**
 * The closing table. Attacks last seconds, not minutes, so the counts are shown with the window they
 * were taken in rather than stretched into a rate per minute.
 */
export function printTable(rows: AttackRow[]): void {
  const within = (n: number, ms: number): string => `${n} in ${Math.round(ms / 1000)} s`;
  const lines = [
    '',
    `  ${'attack'.padEnd(44)}${'outcome'.padEnd(36)}${'REST'.padStart(11)}${'connections'.padStart(13)}${'peak RSS'.padStart(10)}${'live behind'.padStart(13)}`,
    ...rows.map(
      (r) =>
        `  ${r.attack.slice(0, 43).padEnd(44)}${r.outcome.slice(0, 35).padEnd(36)}${within(r.restRequests, r.elapsedMs).padStart(11)}${within(r.connections, r.elapsedMs).padStart(13)}${`${r.peakRssMb} MB`.padStart(10)}${`${r.liveBehindMs} ms`.padStart(13)}`,
    ),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
