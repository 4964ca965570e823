import * as assert from 'node:assert/strict';
import { LocalExchange, type LocalExchangeOptions } from '../../../src/engine/exchange/localExchange';
import { MarketFeed, type MarketFeedOptions } from '../../../src/engine/live/marketFeed';
import type { FeedState } from '../../../src/engine/live/feedHealth';
import { waitFor } from '../../support/waitFor';

export { waitFor };

export interface Pair {
  exchange: LocalExchange;
  feed: MarketFeed;
  states: Array<{ state: FeedState; reason: string; at: number }>;
  logs: string[];
  stop(): Promise<void>;
}

/** A local exchange and a feed pointed at it over loopback. */
export async function startPair(
  exchangeOptions: LocalExchangeOptions = {},
  feedOptions: Partial<MarketFeedOptions> = {},
): Promise<Pair> {
  const exchange = await LocalExchange.start({ seed: 7, stepMs: 25, ...exchangeOptions });
  const watched = await startWatchedFeed(exchange, exchange.restUrl, feedOptions);
  return {
    exchange,
    ...watched,
    stop: async () => {
      await watched.feed.stop();
      await exchange.stop();
    },
  };
}

/** A started feed on `exchange`'s streams and `restUrl`, with its state changes and log lines kept. */
export async function startWatchedFeed(
  exchange: LocalExchange,
  restUrl: string,
  feedOptions: Partial<MarketFeedOptions> = {},
): Promise<Pick<Pair, 'feed' | 'states' | 'logs'>> {
  const states: Pair['states'] = [];
  const logs: string[] = [];
  const feed = new MarketFeed({
    symbol: 'BTCUSDT',
    streamUrl: exchange.wsUrl,
    restUrl,
    staleAfterMs: 3000,
    log: (level, message) => logs.push(`${level} ${message}`),
    ...feedOptions,
  });
  feed.onHealthChange((h) => {
    const last = states[states.length - 1];
    if (!last || last.state !== h.state || last.reason !== h.reason) states.push({ state: h.state, reason: h.reason, at: Date.now() });
  });
  await feed.start();
  return { feed, states, logs };
}

/**
 * Freezes the exchange, waits for the feed to hold the exchange's last update, and compares the top
 * `levels` a side. Returns with the market resumed.
 */
export async function assertBookMatchesExchange(pair: Pair, levels = 20, timeoutMs = 10_000): Promise<void> {
  const { exchange, feed } = pair;
  await waitFor('the feed to be live', () => feed.state === 'live', timeoutMs);
  exchange.pause();
  try {
    const symbol = feed.symbol;
    const expected = await waitFor(
      `the feed's ${symbol} book to reach the exchange's last update`,
      () => {
        const ex = exchange.topOfBook(symbol, levels);
        return feed.engine?.book.lastUpdateId === ex.lastUpdateId && feed.state === 'live' ? ex : undefined;
      },
      timeoutMs,
    );
    const line = feed.engine!.bookLine(levels);
    assert.equal(line.status, 'live');
    assert.deepEqual(line.bids, expected.bids, `${symbol} bids differ from the exchange's`);
    assert.deepEqual(line.asks, expected.asks, `${symbol} asks differ from the exchange's`);
  } finally {
    exchange.resume();
  }
}

/** Handles that count as "left running" (sockets, servers, timers), by type. */
export function activeHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (type === 'TTYWrap' || type === 'PipeWrap' || type === 'FSReqCallback' || type === 'Immediate') continue;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/** Waits for handles to drain back to a baseline (closing sockets take a tick or two). */
export async function assertNoHandlesLeft(baseline: Map<string, number>, timeoutMs = 3000): Promise<void> {
  const excess = (): string[] => {
    const now = activeHandles();
    const out: string[] = [];
    for (const [type, n] of now) if (n > (baseline.get(type) ?? 0)) out.push(`${type}: ${n} (was ${baseline.get(type) ?? 0})`);
    return out;
  };
  try {
    await waitFor('handles to be released', () => excess().length === 0, timeoutMs, 25);
  } catch {
    assert.fail(`left running after stop: ${excess().join(', ')}`);
  }
}
