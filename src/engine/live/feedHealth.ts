import type { MetricsSnapshot } from '../metrics/engineMetrics';
import type { MarketEngine } from '../marketEngine';

/**
 * Where the live feed stands. Each state comes with a reason and the time it was entered. `degraded`:
 * the exchange's data failed a consistency check repeatedly; not live, still retrying, reason in words.
 */
export type FeedState = 'idle' | 'connecting' | 'syncing' | 'live' | 'degraded' | 'stale' | 'reconnecting' | 'circuit-open' | 'failed';

export interface StreamHealth {
  readonly stream: string;
  readonly route: 'public' | 'market';
  readonly messagesPerSecond: number;
  /** Milliseconds since its last message, or -1 when none arrived yet. */
  readonly lastMessageAgeMs: number;
}

/**
 * Everything the status bar and the health tree show, in one plain JSON-serialisable object, so the
 * extension can show it as it is (and copy it to the clipboard).
 */
export interface FeedHealth {
  readonly symbol: string;
  readonly state: FeedState;
  readonly reason: string;
  /** When the state was entered (ms since epoch). */
  readonly since: number;
  readonly endpoint: { readonly streamUrl: string; readonly restUrl: string };
  /** When the circuit breaker or a Retry-After lets the next attempt happen (ms since epoch), if waiting. */
  readonly nextAttemptAt: number | undefined;
  readonly connection: {
    readonly id: number | undefined;
    readonly openedAt: number | undefined;
    /** Milliseconds the current connection has been open. */
    readonly uptimeMs: number;
  };
  readonly book: {
    readonly status: string;
    readonly bidLevels: number;
    readonly askLevels: number;
    readonly lastUpdateId: number;
    readonly bestBid: number;
    readonly bestAsk: number;
    /** Epoch ms of the last background REST snapshot that matched the local book, if any. */
    readonly verifiedAt: number | undefined;
    /** Failed consistency checks of the exchange's depth data so far (see `SyncFault`). */
    readonly faults: number;
  };
  readonly counters: {
    readonly reconnects: number;
    readonly resyncs: number;
    readonly gaps: number;
    readonly malformed: number;
    readonly drops: number;
    readonly snapshotsDeferred: number;
    readonly circuitOpens: number;
    readonly rollovers: number;
  };
  readonly streams: readonly StreamHealth[];
  readonly metrics: MetricsSnapshot;
  /** The last error in words, if any. */
  readonly lastError: string | undefined;
  /** Things worth telling the user that are not errors (e.g. a subscribed stream that stays silent). */
  readonly warnings: readonly string[];
}

/**
 * The book part of the health object, for whatever engine (or none yet) a feed has; `priorFaults`
 * carries the faults of engines the feed has already replaced.
 */
export function bookHealth(engine: MarketEngine | undefined, verifiedAt?: number, priorFaults = 0): FeedHealth['book'] {
  const book = engine?.book;
  return {
    status: engine?.sync.status ?? 'idle',
    bidLevels: book?.levelCount('bid') ?? 0,
    askLevels: book?.levelCount('ask') ?? 0,
    lastUpdateId: book?.lastUpdateId ?? 0,
    bestBid: book?.bestPrice('bid') ?? NaN,
    bestAsk: book?.bestPrice('ask') ?? NaN,
    verifiedAt,
    faults: priorFaults + (engine?.sync.counters.faults ?? 0),
  };
}
