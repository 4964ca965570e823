import { EventBus } from '../core/eventBus';
import type { VerifyOutcome } from '../book/bookVerifier';
import type { DepthMode } from '../book/depthSynchronizer';
import { PriceScale } from '../book/priceScale';
import type { SyncFault } from '../book/syncFault';
import { MarketEngine } from '../marketEngine';
import type { BookStatus, EngineEvent } from '../protocol/events';
import { FrameDecoder } from '../protocol/frameDecoder';
import { DEFAULT_REST_URL, DEFAULT_STREAM_URL, depthSnapshotWeight, EXCHANGE_INFO_WEIGHT, routeOf, streamName, type DepthSpeed } from '../protocol/streams';
import { systemClock, TimerSet, type Clock, type TimerHandle } from './clock';
import { HEALTHY_CONNECTION_MS, retryDelay } from './delayBounds';
import { FeedError, formatDuration } from './feedError';
import { bookHealth, type FeedHealth, type FeedState, type StreamHealth } from './feedHealth';
import { MalformedFrameLog } from './malformedFrameLog';
import { ReconnectPolicy } from './reconnectPolicy';
import { RestClient } from './restClient';
import { RequestWeightBudget } from './requestBudget';
import { StreamConnection } from './streamConnection';
import type { SymbolInfo } from './symbolInfo';
import { signalThresholds } from '../config/knownSymbols';

export type MarketStream = 'aggTrade' | 'markPrice' | 'forceOrder';
export type FeedLogLevel = 'info' | 'warn' | 'error';

export interface MarketFeedOptions {
  symbol: string;
  streamUrl?: string;
  restUrl?: string;
  depthMode?: DepthMode;
  depthSpeed?: Exclude<DepthSpeed, '0ms'>;
  /** Streams served on `/market`; a second connection is opened only when some are wanted. */
  marketStreams?: readonly MarketStream[];
  staleAfterMs?: number;
  maxReconnectAttempts?: number;
  circuitCooldownMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** When to open the replacement connection before the exchange's 24 h cut. */
  rolloverAfterMs?: number;
  restTimeoutMs?: number;
  snapshotLimit?: number;
  /** REST weight this feed may spend a minute (Binance allows 2,400 per IP). */
  restWeightPerMinute?: number;
  /**
   * How often the live book is checked against a REST snapshot in the background (default 5 min,
   * 0 = never; otherwise clamped to 5 s … 1 h). Skipped while the request budget is tight.
   */
  verifyEveryMs?: number;
  clock?: Clock;
  random?: () => number;
  log?: (level: FeedLogLevel, message: string) => void;
  bus?: EventBus;
  /** Sees every raw frame and every REST snapshot body as received (for recording sessions). */
  tap?: { frame(text: string, receiveMs: number): void; snapshot(body: string, receiveMs: number): void };
}

const DEFAULT_VERIFY_EVERY_MS = 300_000;
const MIN_VERIFY_EVERY_MS = 5_000;
const MAX_VERIFY_EVERY_MS = 3_600_000;
/**
 * Least time between two forced exchangeInfo look-ups (after a lost connection, a user's Reconnect, a
 * tick size that does not fit): a server that drops us every second must not make us fetch it every second.
 */
const INFO_REFRESH_INTERVAL_MS = 10_000;
/** The pause before a snapshot after the first fault in a row; it doubles with each further fault. */
const FAULT_PAUSE_FIRST_MS = 1000;
/** Longest pause before the next snapshot while faults keep coming (a lying exchange: 2 requests a minute). */
const FAULT_PAUSE_CAP_MS = 30_000;
/**
 * Snapshots asked for in a minute before each further one waits (1 s, doubling): a gap now and then
 * resyncs at once, but a stream that breaks its own chain every few diffs is not answered with a
 * storm of snapshots until the weight budget stops us.
 */
export const FREE_SNAPSHOTS_PER_MINUTE = 10;

const SILENT_HINT =
  'Since 2026-04-23 Binance serves depth, bookTicker and trade on /public and aggTrade, markPrice and forceOrder on /market; a stream asked for on the wrong path is acknowledged and then never delivers.';

/**
 * The live market data manager for one symbol: validates the symbol, opens the `/public` connection
 * (and `/market` when wanted), keeps the engine's book in sync through REST snapshots, reconnects with
 * backoff and a circuit breaker, swaps connections before the 24 h cut, moves to another symbol with
 * UNSUBSCRIBE/SUBSCRIBE, and describes all of it in one health object.
 */
export class MarketFeed {
  readonly bus: EventBus;
  readonly streamUrl: string;
  readonly restUrl: string;
  readonly depthMode: DepthMode;
  private readonly options: MarketFeedOptions;
  private readonly clock: Clock;
  private readonly timers: TimerSet;
  private readonly rest: RestClient;
  private readonly policy: ReconnectPolicy;
  private readonly marketPolicy: ReconnectPolicy;
  private symbolName: string;
  private info: SymbolInfo | undefined;
  private currentEngine: MarketEngine | undefined;
  private publicConn: StreamConnection | undefined;
  private marketConn: StreamConnection | undefined;
  private standby: { conn: StreamConnection; decoder: FrameDecoder; deadline: TimerHandle } | undefined;
  private retryTimer: TimerHandle | undefined;
  private marketRetryTimer: TimerHandle | undefined;
  private rolloverTimer: TimerHandle | undefined;
  /** Resets the backoff once a connection has stayed live for HEALTHY_CONNECTION_MS. */
  private healthyTimer: { conn: StreamConnection; timer: TimerHandle } | undefined;
  private verifyTimer: TimerHandle | undefined;
  private readonly verifyEveryMs: number;
  /** When the current engine's book last matched a background REST snapshot. */
  private verifiedAt: number | undefined;
  /** The engine whose tick size is being checked against fresh exchangeInfo. */
  private tickCheckFor: MarketEngine | undefined;
  /** When exchangeInfo was last fetched with the cache bypassed (see INFO_REFRESH_INTERVAL_MS). */
  private lastInfoRefreshAt = -Infinity;
  /** A look-up that had to wait for INFO_REFRESH_INTERVAL_MS or the budget, done in the background. */
  private infoRecheckTimer: TimerHandle | undefined;
  private readonly malformedLogs = new WeakMap<StreamConnection, MalformedFrameLog>();
  private stateName: FeedState = 'idle';
  private stateReason = 'not started';
  private stateSince: number;
  private nextAttemptAt: number | undefined;
  private lastError: string | undefined;
  private readonly warnings: string[] = [];
  private stopped = false;
  private started = false;
  private generation = 0;
  /** The engine a snapshot is being fetched for, if any: one request at a time per book. */
  private snapshotFor: MarketEngine | undefined;
  /** When the depth snapshots of the last minute went out (see FREE_SNAPSHOTS_PER_MINUTE). */
  private readonly snapshotTimes: number[] = [];
  private readonly healthListeners = new Set<(health: FeedHealth) => void>();
  private readonly counters = { reconnects: 0, drops: 0, circuitOpens: 0, rollovers: 0, snapshotsDeferred: 0, priorResyncs: 0, priorGaps: 0, priorMalformed: 0, priorFaults: 0 };

  constructor(options: MarketFeedOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerSet(this.clock);
    this.symbolName = options.symbol.trim().toUpperCase();
    this.streamUrl = options.streamUrl ?? DEFAULT_STREAM_URL;
    this.restUrl = options.restUrl ?? DEFAULT_REST_URL;
    this.depthMode = options.depthMode ?? 'full';
    this.bus = options.bus ?? new EventBus();
    this.stateSince = this.clock.now();
    this.rest = new RestClient({
      restUrl: this.restUrl,
      clock: this.clock,
      timeoutMs: options.restTimeoutMs,
      budget: new RequestWeightBudget(this.clock, options.restWeightPerMinute ?? 1200),
    });
    const policyOptions = {
      baseMs: options.backoffBaseMs,
      capMs: options.backoffCapMs,
      maxAttempts: options.maxReconnectAttempts,
      cooldownMs: options.circuitCooldownMs,
      random: options.random,
    };
    this.policy = new ReconnectPolicy(policyOptions);
    this.marketPolicy = new ReconnectPolicy(policyOptions);
    const every = options.verifyEveryMs ?? DEFAULT_VERIFY_EVERY_MS;
    this.verifyEveryMs = every > 0 ? Math.min(MAX_VERIFY_EVERY_MS, Math.max(MIN_VERIFY_EVERY_MS, every)) : 0;
    if (this.verifyEveryMs > 0 && this.depthMode === 'depth20') {
      this.warnings.push('Background book verification does not apply in depth20 mode: each partial-depth message replaces the book, and there is no update-id chain to bring a REST snapshot to the same moment.');
    }
  }

  get symbol(): string {
    return this.symbolName;
  }

  get state(): FeedState {
    return this.stateName;
  }

  /** The engine of the current symbol (replaced on a symbol switch). */
  get engine(): MarketEngine | undefined {
    return this.currentEngine;
  }

  get symbolInfo(): SymbolInfo | undefined {
    return this.info;
  }

  /** All trading symbols the exchange lists (for a symbol picker). */
  async listSymbols(): Promise<SymbolInfo[]> {
    return [...(await this.rest.symbols()).values()].filter((s) => s.status === 'TRADING' && s.tickProblem === undefined);
  }

  onHealthChange(listener: (health: FeedHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** Looks the symbol up, then connects. Never throws: failures become states with reasons. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.scheduleVerification();
    await this.connectFromScratch('starting');
  }

  /** Drops the connections and starts over now (the user's "Reconnect"). */
  reconnect(): void {
    if (this.stopped) return;
    // The user's request goes out now, but the backoff is kept: a server that keeps dropping us still sees it grow.
    this.log('info', 'reconnect requested');
    this.timers.cancel(this.retryTimer);
    this.retryTimer = undefined;
    this.closeConnections();
    this.counters.reconnects++;
    void this.connectFromScratch('reconnect requested');
  }

  /**
   * Moves to another symbol. The symbol is checked first (an unknown one is refused with a FeedError
   * and the current one keeps running); on an open socket the streams are swapped with
   * UNSUBSCRIBE/SUBSCRIBE rather than a reconnect.
   */
  async setSymbol(symbol: string): Promise<void> {
    const next = symbol.trim().toUpperCase();
    if (next === this.symbolName && this.info !== undefined) return;
    const info = await this.rest.symbol(next);
    if (info.tickProblem !== undefined) throw new FeedError('bad-response', `${next} cannot be shown: ${info.tickProblem}.`, false);
    const oldStreams = this.publicStreams();
    const oldMarket = this.marketStreamNames();
    this.symbolName = next;
    this.info = info;
    this.installEngine(info);
    this.log('info', `switching to ${next}`);
    const conn = this.publicConn;
    if (conn?.isOpen) {
      this.setState('syncing', `switching to ${next}`);
      try {
        await conn.unsubscribe(oldStreams.filter((s) => !this.publicStreams().includes(s)));
        await conn.subscribe(this.publicStreams());
        const market = this.marketConn;
        if (market?.isOpen) {
          await market.unsubscribe(oldMarket);
          await market.subscribe(this.marketStreamNames());
        }
      } catch (err) {
        this.log('warn', `could not switch streams in place (${(err as Error).message}); reconnecting`);
        this.closeConnections();
        this.openConnections();
      }
    } else if (this.started && !this.stopped && this.stateName !== 'failed') {
      this.closeConnections();
      this.openConnections();
    } else if (this.stateName === 'failed') {
      await this.connectFromScratch(`switching to ${next}`);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    this.timers.dispose();
    this.closeConnections();
    this.rest.dispose();
    this.setState('idle', 'stopped');
    this.healthListeners.clear();
  }

  health(): FeedHealth {
    const now = this.clock.now();
    const engine = this.currentEngine;
    const metrics = engine?.metrics.snapshot(now) ?? emptyMetrics(now);
    const sync = engine?.sync;
    const conn = this.publicConn;
    const streams: StreamHealth[] = [...this.publicStreams(), ...this.marketStreamNames()].map((stream) => {
      const m = metrics.streams.find((s) => s.stream === stream);
      return {
        stream,
        route: routeOf(stream),
        messagesPerSecond: m?.messagesPerSecond ?? 0,
        lastMessageAgeMs: m ? m.lastMessageAgeMs : -1,
      };
    });
    return {
      symbol: this.symbolName,
      state: this.stateName,
      reason: this.stateReason,
      since: this.stateSince,
      endpoint: { streamUrl: this.streamUrl, restUrl: this.restUrl },
      nextAttemptAt: this.nextAttemptAt,
      connection: {
        id: conn?.id,
        openedAt: conn?.isOpen ? conn.openedAt : undefined,
        uptimeMs: conn?.isOpen ? now - conn.openedAt : 0,
      },
      book: bookHealth(engine, this.verifiedAt, this.counters.priorFaults),
      counters: {
        reconnects: this.counters.reconnects,
        resyncs: this.counters.priorResyncs + (sync?.counters.resyncs ?? 0),
        gaps: this.counters.priorGaps + (sync?.counters.gaps ?? 0),
        malformed: this.counters.priorMalformed + (engine?.metrics.counter('malformed') ?? 0),
        drops: this.counters.drops,
        snapshotsDeferred: this.counters.snapshotsDeferred,
        circuitOpens: this.counters.circuitOpens,
        rollovers: this.counters.rollovers,
      },
      streams,
      metrics,
      lastError: this.lastError,
      warnings: [...this.warnings],
    };
  }

  // ---- connection lifecycle ----

  /**
   * Looks the symbol up, takes its info (a new engine when the tick size changed) and opens the
   * connections. A `retry` after a lost connection keeps the state that says "reconnecting (attempt n)"
   * or "circuit open" until a connection opens.
   */
  private async connectFromScratch(why: string, retry = false): Promise<void> {
    const generation = ++this.generation;
    if (!retry) this.setState('connecting', `${why}: looking up ${this.symbolName} on ${this.restUrl}`);
    let info: SymbolInfo;
    try {
      // Coming back to a known symbol: its tick size may have changed since (Binance does change them).
      if (this.info !== undefined) {
        if (this.infoRefreshWait() === 0) await this.refreshSymbols();
        else this.scheduleSymbolRecheck();
      }
      info = await this.rest.symbol(this.symbolName);
    } catch (err) {
      if (generation !== this.generation || this.stopped) return;
      this.onConnectFailure(toFeedError(err), 'looking up the symbol');
      return;
    }
    if (generation !== this.generation || this.stopped) return;
    if (info.tickProblem !== undefined) {
      this.onConnectFailure(new FeedError('bad-response', `${info.symbol} cannot be shown: ${info.tickProblem}. Choose another symbol, or Reconnect later.`, false), 'looking up the symbol');
      return;
    }
    this.adoptSymbolInfo(info);
    this.openConnections();
  }

  /**
   * Takes fresh exchangeInfo for the symbol, with a new engine when the symbol, its tick size or the
   * engine's need for exchangeInfo says so: the one path for a reconnect, a tick size that did not fit
   * and a look-up done later. Returns the reason when the engine was rebuilt for a new tick size.
   */
  private adoptSymbolInfo(info: SymbolInfo): string | undefined {
    const engine = this.currentEngine;
    const sameSymbol = this.info?.symbol === info.symbol;
    this.info = info;
    if (engine !== undefined && sameSymbol && !tickChanged(engine, info) && !engine.sync.needsExchangeInfo) return undefined;
    const reason = engine !== undefined && sameSymbol && tickChanged(engine, info) ? `${info.symbol}'s tick size changed from ${engine.book.tickSize} to ${info.tickSize}; rebuilding the book` : undefined;
    if (reason !== undefined) this.log('info', reason);
    this.installEngine(info);
    return reason;
  }

  /** Milliseconds until exchangeInfo may be fetched with the cache bypassed (0 = now). */
  private infoRefreshWait(): number {
    return Math.max(this.rest.budget.delayFor(EXCHANGE_INFO_WEIGHT), this.lastInfoRefreshAt + INFO_REFRESH_INTERVAL_MS - this.clock.now(), 0);
  }

  private refreshSymbols(): Promise<Map<string, SymbolInfo>> {
    this.lastInfoRefreshAt = this.clock.now();
    return this.rest.symbols(true);
  }

  /** The look-up a reconnect could not make now is made once allowed; a changed tick then rebuilds the engine. */
  private scheduleSymbolRecheck(): void {
    if (this.infoRecheckTimer !== undefined || this.stopped) return;
    this.infoRecheckTimer = this.timers.after(this.infoRefreshWait(), () => {
      this.infoRecheckTimer = undefined;
      void this.recheckSymbol();
    });
  }

  private async recheckSymbol(): Promise<void> {
    const engine = this.currentEngine;
    const generation = this.generation;
    if (this.stopped || engine === undefined || this.tickCheckFor !== undefined) return;
    if (this.infoRefreshWait() > 0) {
      this.scheduleSymbolRecheck();
      return;
    }
    let info: SymbolInfo | undefined;
    try {
      info = (await this.refreshSymbols()).get(this.symbolName);
    } catch (err) {
      if (!this.stopped) this.log('warn', `exchangeInfo could not be fetched again to check ${this.symbolName}'s tick size (${toFeedError(err).message}); the one fetched before stands`);
      return;
    }
    // A look-up made since (a reconnect, a new symbol) has taken its own answer.
    if (this.stopped || engine !== this.currentEngine || generation !== this.generation || info === undefined) return;
    if (info.tickProblem !== undefined || !tickChanged(engine, info)) return;
    const reason = this.adoptSymbolInfo(info);
    if (reason !== undefined) this.setState('syncing', reason);
  }

  private installEngine(info: SymbolInfo): void {
    const old = this.currentEngine;
    if (old) {
      this.counters.priorResyncs += old.sync.counters.resyncs;
      this.counters.priorGaps += old.sync.counters.gaps;
      this.counters.priorMalformed += old.metrics.counter('malformed');
      this.counters.priorFaults += old.sync.counters.faults;
    }
    const engine: MarketEngine = new MarketEngine({
      symbol: info.symbol,
      tickSize: info.tickSize,
      depthMode: this.depthMode,
      bus: this.bus,
      now: () => this.clock.now(),
      requestSnapshot: (reason) => this.fetchSnapshot(engine, reason),
      onFault: (fault) => this.onSyncFault(engine, fault),
      onVerification: (outcome) => this.onVerification(engine, outcome),
      signals: signalThresholds(info.symbol),
    });
    this.currentEngine = engine;
    this.verifiedAt = undefined;
  }

  private publicStreams(): string[] {
    const speed = this.options.depthSpeed ?? '100ms';
    return [
      streamName(this.symbolName, this.depthMode === 'full' ? 'depth' : 'depth20', speed),
      streamName(this.symbolName, 'bookTicker'),
      streamName(this.symbolName, 'trade'),
    ];
  }

  private marketStreamNames(): string[] {
    return (this.options.marketStreams ?? []).map((kind) => streamName(this.symbolName, kind));
  }

  private openConnections(): void {
    if (this.stopped) return;
    this.openPublic();
    if (this.marketStreamNames().length > 0) this.openMarket();
  }

  private newConnection(route: 'public' | 'market', streams: string[]): StreamConnection {
    const conn: StreamConnection = new StreamConnection({
      baseUrl: this.streamUrl,
      route,
      streams,
      clock: this.clock,
      staleAfterMs: this.options.staleAfterMs ?? 10_000,
      silentAfterMs: route === 'public' ? (this.options.staleAfterMs ?? 10_000) : 0,
      onFrame: (text, receiveMs) => this.onFrame(conn, text, receiveMs),
      onOpen: () => this.onOpen(conn),
      onClose: (info) => this.onClose(conn, info),
      onStale: (silentFor) => this.onStale(conn, silentFor),
      onSilent: (silent) => this.onSilent(conn, silent),
    });
    this.malformedLogs.set(conn, new MalformedFrameLog(route, this.clock, this.timers, (message) => this.log('warn', message)));
    return conn;
  }

  private openPublic(): void {
    const conn = this.newConnection('public', this.publicStreams());
    this.publicConn = conn;
    if (this.stateName !== 'reconnecting' && this.stateName !== 'circuit-open') {
      this.setState('connecting', `connecting to ${conn.url}`);
    }
    this.log('info', `connecting to ${conn.url}`);
    conn.open();
  }

  private openMarket(): void {
    const conn = this.newConnection('market', this.marketStreamNames());
    this.marketConn = conn;
    conn.open();
  }

  private closeConnections(): void {
    const conns = [this.publicConn, this.marketConn, this.standby?.conn];
    if (this.standby) this.timers.cancel(this.standby.deadline);
    this.publicConn = undefined;
    this.marketConn = undefined;
    this.standby = undefined;
    this.timers.cancel(this.rolloverTimer);
    this.timers.cancel(this.marketRetryTimer);
    this.timers.cancel(this.healthyTimer?.timer);
    this.rolloverTimer = undefined;
    this.healthyTimer = undefined;
    for (const conn of conns) {
      if (conn === undefined) continue;
      this.malformedLogs.get(conn)?.flush();
      conn.close();
    }
  }

  private onOpen(conn: StreamConnection): void {
    if (conn === this.standby?.conn) {
      this.log('info', `replacement connection ${conn.id} open; waiting for it to continue the book`);
      return;
    }
    if (conn !== this.publicConn && conn !== this.marketConn) return;
    this.log('info', `${conn.route} connection ${conn.id} open`);
    if (conn === this.marketConn) {
      this.timers.after(HEALTHY_CONNECTION_MS, () => {
        if (conn === this.marketConn && conn.isOpen) this.marketPolicy.onSuccess();
      });
    }
    if (conn === this.publicConn) {
      this.nextAttemptAt = undefined;
      const bookStatus = this.currentEngine?.sync.status;
      this.setState(bookStatus === 'live' ? 'live' : 'syncing', 'connected; synchronising the order book');
      this.scheduleRollover(conn);
    }
  }

  private onFrame(conn: StreamConnection, text: string, receiveMs: number): void {
    const engine = this.currentEngine;
    if (engine === undefined) return;
    if (conn === this.standby?.conn) {
      this.onStandbyFrame(conn, text, receiveMs);
      return;
    }
    if (conn !== this.publicConn && conn !== this.marketConn) return;
    this.options.tap?.frame(text, receiveMs);
    const before = engine.sync.status;
    const beforeReason = engine.sync.reason;
    const event = engine.ingest(text, receiveMs);
    if (event.type === 'malformed') this.malformedLogs.get(conn)?.note(event.reason, event.sample);
    if (engine !== this.currentEngine) return;
    const after = engine.sync.status;
    if (after !== before) this.onBookStatus(after, engine.sync.reason);
    else if (after !== 'live' && engine.sync.reason !== beforeReason) this.onBookStatus(after, engine.sync.reason, false);
    else if (after === 'live' && this.stateName !== 'live' && conn === this.publicConn) this.onBookStatus(after, engine.sync.reason);
  }

  /** The book's status or (with `statusChanged` false) only its reason changed. */
  private onBookStatus(status: BookStatus, reason: string, statusChanged = true): void {
    if (status === 'live') {
      this.armHealthyTimer();
      this.lastError = undefined;
      this.setState('live', reason);
    } else if (status === 'resyncing') {
      if (statusChanged) this.log('warn', `resynchronising ${this.symbolName}: ${reason}`);
      this.setState('syncing', reason);
    } else if (status === 'syncing') {
      this.setState('syncing', reason);
    } else if (status === 'degraded') {
      // A tick size that does not fit is being checked against fresh exchangeInfo: that reason stands.
      if (this.tickCheckFor !== undefined && this.tickCheckFor === this.currentEngine) return;
      if (this.stateName !== 'degraded') this.log('error', `${this.symbolName}'s book is degraded: ${reason}`);
      this.setState('degraded', reason);
    }
  }

  // ---- faults in the exchange's data ----

  private onSyncFault(engine: MarketEngine, fault: SyncFault): void {
    if (engine !== this.currentEngine || this.stopped) return;
    this.log('warn', `book check failed (${fault.kind}): ${fault.message}`);
    if (fault.kind === 'tick-mismatch') void this.recheckTickSize(engine, fault.message);
    else this.emitHealth();
  }

  /**
   * The snapshot's prices do not fit the tick size: fetch exchangeInfo again; a changed tick rebuilds
   * the engine (the open connection carries on), an unchanged one means this book cannot be shown.
   */
  private async recheckTickSize(engine: MarketEngine, message: string): Promise<void> {
    if (this.tickCheckFor === engine) return;
    this.tickCheckFor = engine;
    try {
      this.setState('degraded', `${message}; fetching exchangeInfo again`);
      const wait = this.infoRefreshWait();
      if (wait > 0) await new Promise<void>((resolve) => this.timers.after(Math.min(wait, 60_000), resolve));
      if (engine !== this.currentEngine || this.stopped) return;
      let info: SymbolInfo | undefined;
      try {
        info = (await this.refreshSymbols()).get(this.symbolName);
      } catch (err) {
        if (engine !== this.currentEngine || this.stopped) return;
        this.closeConnections();
        this.onConnectFailure(toFeedError(err), 'fetching exchangeInfo again after the tick size did not fit');
        return;
      }
      if (engine !== this.currentEngine || this.stopped) return;
      const problem =
        info === undefined
          ? `${this.symbolName} is no longer listed in exchangeInfo`
          : info.tickProblem ?? (info.status !== 'TRADING' ? `${this.symbolName} is not trading right now (status ${info.status})` : undefined);
      if (info === undefined || problem !== undefined) {
        this.failWith(`${message}. ${problem}.`);
        return;
      }
      if (tickChanged(engine, info)) {
        this.setState('syncing', this.adoptSymbolInfo(info) ?? `${info.symbol}'s tick size changed; rebuilding the book`);
        return;
      }
      this.failWith(`${message}. exchangeInfo fetched again still gives tick ${info.tickSize}, so FlowSight cannot show this book correctly. Reconnect to try again, or choose another symbol.`);
    } finally {
      if (this.tickCheckFor === engine) this.tickCheckFor = undefined;
    }
  }

  /** Stops retrying: the exchange's data cannot be shown correctly and trying again at once would not help. */
  private failWith(reason: string): void {
    this.log('error', reason);
    this.lastError = reason;
    this.closeConnections();
    this.timers.cancel(this.retryTimer);
    this.retryTimer = undefined;
    this.nextAttemptAt = undefined;
    this.setState('failed', reason);
  }

  // ---- background verification ----

  private scheduleVerification(): void {
    if (this.verifyEveryMs === 0 || this.depthMode !== 'full' || this.stopped) return;
    this.timers.cancel(this.verifyTimer);
    this.verifyTimer = this.timers.after(this.verifyEveryMs, () => {
      this.verifyTimer = undefined;
      void this.verifyBook();
      this.scheduleVerification();
    });
  }

  /** Fetches a REST snapshot and has the synchronizer compare it with the live book at the same update id. */
  private async verifyBook(): Promise<void> {
    const engine = this.currentEngine;
    if (engine === undefined || this.stateName !== 'live' || engine.sync.status !== 'live' || this.snapshotFor !== undefined) return;
    const limit = this.options.snapshotLimit ?? 1000;
    const weight = depthSnapshotWeight(limit);
    const budget = this.rest.budget;
    const used = budget.used();
    if (budget.delayFor(weight) > 0 || used + weight > budget.weightPerMinute / 2) {
      this.log('info', `book check skipped: the request budget is tight (${used} of ${budget.weightPerMinute} weight used this minute)`);
      return;
    }
    if (!engine.sync.beginVerification()) return;
    let snapshot;
    try {
      snapshot = await this.rest.depthSnapshot(engine.symbol, limit);
    } catch (err) {
      const message = toFeedError(err).message;
      if (engine === this.currentEngine) engine.sync.abandonVerification(`the snapshot could not be fetched: ${message}`);
      else if (!this.stopped) this.log('info', `book check abandoned: the snapshot could not be fetched (${message}), and the book it was for has been replaced`);
      return;
    }
    if (engine !== this.currentEngine || this.stopped) return;
    const before = engine.sync.status;
    engine.sync.verify(snapshot);
    if (engine.sync.status !== before) this.onBookStatus(engine.sync.status, engine.sync.reason);
  }

  private onVerification(engine: MarketEngine, outcome: VerifyOutcome): void {
    if (engine !== this.currentEngine || this.stopped) return;
    if (outcome.kind === 'match') {
      this.verifiedAt = this.clock.now();
      this.log('info', `book verified: it equals the exchange's REST snapshot at update ${outcome.updateId} (${outcome.levelsCompared} levels compared)`);
      this.emitHealth();
    } else if (outcome.kind === 'inconclusive') {
      this.log('info', `book check inconclusive: ${outcome.reason}`);
    }
  }

  /**
   * Backoff is forgotten only once the connection has stayed up and live for a while: a server that
   * drops us a second after the book goes live must see the delays grow and the breaker open.
   */
  private armHealthyTimer(): void {
    const conn = this.publicConn;
    if (conn === undefined || this.healthyTimer?.conn === conn) return;
    this.timers.cancel(this.healthyTimer?.timer);
    const timer = this.timers.after(HEALTHY_CONNECTION_MS, () => {
      if (this.healthyTimer?.timer !== timer) return;
      this.healthyTimer = undefined;
      if (conn === this.publicConn && conn.isOpen && this.stateName === 'live') this.policy.onSuccess();
    });
    this.healthyTimer = { conn, timer };
  }

  private onClose(conn: StreamConnection, info: { code: number; reason: string; error: FeedError | undefined; wasOpen: boolean }): void {
    if (this.stopped) return;
    this.malformedLogs.get(conn)?.flush();
    if (conn === this.standby?.conn) {
      this.timers.cancel(this.standby.deadline);
      this.standby = undefined;
      this.log('warn', `replacement connection closed before taking over (${info.error?.message ?? info.reason})`);
      return;
    }
    if (conn === this.marketConn) {
      this.marketConn = undefined;
      const decision = this.marketPolicy.onFailure();
      const delay = retryDelay(Math.max(decision.delayMs, info.error?.retryAfterMs ?? 0));
      this.log('warn', `market connection lost (${info.error?.message ?? info.reason}); retrying in ${formatDuration(delay)}`);
      this.marketRetryTimer = this.timers.after(delay, () => {
        this.marketRetryTimer = undefined;
        if (!this.marketConn && this.publicConn) this.openMarket();
      });
      return;
    }
    if (conn !== this.publicConn) return;
    this.publicConn = undefined;
    this.timers.cancel(this.rolloverTimer);
    this.rolloverTimer = undefined;
    if (info.wasOpen) this.counters.drops++;
    // A replacement that is already open takes over at once; the book resyncs through it.
    const standby = this.standby;
    if (standby && standby.conn.isOpen) {
      this.timers.cancel(standby.deadline);
      this.standby = undefined;
      this.promote(standby.conn, `connection ${conn.id} closed (${info.reason}); the replacement took over`);
      this.currentEngine?.sync.invalidate('connection replaced; resynchronising');
      this.onBookStatus('resyncing', 'connection replaced; resynchronising');
      return;
    }
    const error = info.error ?? new FeedError('closed', `connection closed: ${info.reason}`, true);
    this.currentEngine?.sync.invalidate(`connection lost: ${error.message}`);
    this.onConnectFailure(error, info.wasOpen ? 'the connection dropped' : 'connecting');
  }

  private onStale(conn: StreamConnection, silentForMs: number): void {
    if (conn !== this.publicConn && conn !== this.marketConn) return;
    const message = `no data from ${conn.route} for ${formatDuration(silentForMs)}`;
    if (conn === this.publicConn) {
      this.setState('stale', `${message}; reconnecting`);
      this.currentEngine?.sync.invalidate(message);
    }
    this.log('warn', `${message}; reconnecting`);
    // close() removes the socket without a close event reaching onClose, so schedule the retry here.
    this.malformedLogs.get(conn)?.flush();
    conn.close();
    if (conn === this.marketConn) {
      this.marketConn = undefined;
      this.marketRetryTimer = this.timers.after(retryDelay(this.marketPolicy.onFailure().delayMs), () => {
        this.marketRetryTimer = undefined;
        if (!this.marketConn && this.publicConn) this.openMarket();
      });
      return;
    }
    this.publicConn = undefined;
    this.counters.drops++;
    this.onConnectFailure(new FeedError('timeout', message, true), 'the stream went silent');
  }

  private onSilent(conn: StreamConnection, silent: string[]): void {
    const message = `subscribed to ${silent.join(', ')} on /${conn.route}, but nothing has arrived. ${SILENT_HINT}`;
    if (!this.warnings.includes(message)) this.warnings.push(message);
    if (this.warnings.length > 10) this.warnings.shift();
    this.log('warn', message);
    this.emitHealth();
  }

  /** Decides what happens after a failed or lost connection. */
  private onConnectFailure(error: FeedError, during: string): void {
    this.lastError = error.message;
    this.publish({ type: 'webSocketError', time: this.clock.now(), endpoint: this.streamUrl, message: error.message, code: error.status ?? error.kind });
    if (!error.retryable) {
      this.log('error', `${during}: ${error.message}`);
      this.closeConnections();
      this.nextAttemptAt = undefined;
      this.setState('failed', error.message);
      return;
    }
    const decision = this.policy.onFailure();
    const delay = retryDelay(Math.max(decision.delayMs, error.retryAfterMs ?? 0));
    this.nextAttemptAt = this.clock.now() + delay;
    this.counters.reconnects++;
    if (decision.kind === 'circuit-open') {
      this.counters.circuitOpens++;
      const reason = `${decision.failures} failed attempts in a row (last: ${error.message}); pausing ${formatDuration(delay)} before trying again`;
      this.log('error', reason);
      this.setState('circuit-open', reason);
    } else {
      const reason = `${during}: ${error.message} — retrying in ${formatDuration(delay)} (attempt ${decision.attempt})`;
      this.log('warn', reason);
      this.setState('reconnecting', reason);
    }
    this.timers.cancel(this.retryTimer);
    this.retryTimer = this.timers.after(delay, () => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.closeConnections();
      // After a lost connection the symbol is looked up again (bounded): its tick size may have changed.
      void this.connectFromScratch('retrying', true);
    });
  }

  // ---- snapshots ----

  private fetchSnapshot(engine: MarketEngine, reason: string): void {
    if (this.snapshotFor === engine) return;
    this.snapshotFor = engine;
    const done = (): void => {
      if (this.snapshotFor === engine) this.snapshotFor = undefined;
    };
    // Data that fails its checks is asked for again ever more slowly from the first fault on, not as
    // fast as the budget allows: a lying exchange gets a handful of requests a minute, then two.
    const faults = engine.sync.consecutiveFaults;
    const recent = this.recentSnapshots();
    const faultPauseMs = faults > 0 ? doublingPause(faults - 1) : 0;
    const ratePauseMs = recent >= FREE_SNAPSHOTS_PER_MINUTE ? doublingPause(recent - FREE_SNAPSHOTS_PER_MINUTE) : 0;
    const pauseMs = Math.max(faultPauseMs, ratePauseMs);
    const pacing =
      pauseMs === 0
        ? ''
        : faultPauseMs >= ratePauseMs
          ? ` in ${formatDuration(pauseMs)}: ${faults} consistency check${faults === 1 ? '' : 's'} failed in a row`
          : ` in ${formatDuration(pauseMs)}: ${recent} snapshots were needed in the last minute`;
    this.log('info', `requesting a depth snapshot for ${engine.symbol} (${reason})${pacing}`);
    const attempt = async (tries: number): Promise<void> => {
      this.snapshotTimes.push(this.clock.now());
      try {
        const snapshot = await this.rest.depthSnapshot(engine.symbol, this.options.snapshotLimit ?? 1000, (waitMs) => {
          this.counters.snapshotsDeferred++;
          const message = `resync storm: snapshot requests are rate limited to stay within the request-weight budget; next in ${formatDuration(waitMs)}`;
          this.log('warn', message);
          if (!this.warnings.includes(message)) this.warnings.push(message);
          if (this.warnings.length > 10) this.warnings.shift();
        }, this.options.tap ? (body) => this.options.tap?.snapshot(body, this.clock.now()) : undefined);
        done();
        if (engine !== this.currentEngine || this.stopped) return;
        const before = engine.sync.status;
        const beforeReason = engine.sync.reason;
        engine.handle(snapshot, this.clock.now());
        if (engine !== this.currentEngine) return;
        if (engine.sync.status !== before || engine.sync.status === 'live') this.onBookStatus(engine.sync.status, engine.sync.reason);
        else if (engine.sync.reason !== beforeReason) this.onBookStatus(engine.sync.status, engine.sync.reason, false);
      } catch (err) {
        const error = toFeedError(err);
        if (engine !== this.currentEngine || this.stopped) {
          done();
          // The book it was for is gone, but why the request failed still belongs in the log and the health.
          if (!this.stopped) {
            this.lastError = error.message;
            this.log('warn', `depth snapshot failed (${error.message}); the book it was for has been replaced, and the current one asks for its own`);
          }
          return;
        }
        this.lastError = error.message;
        if (!error.retryable) {
          done();
          this.onConnectFailure(error, 'fetching the depth snapshot');
          return;
        }
        const delay = retryDelay(Math.max(error.retryAfterMs ?? 0, Math.min(30_000, 500 * 2 ** Math.min(tries, 6))));
        this.log('warn', `depth snapshot failed (${error.message}); trying again in ${formatDuration(delay)}`);
        this.setState(this.stateName === 'live' ? 'syncing' : this.stateName, `depth snapshot failed: ${error.message}`);
        this.timers.after(delay, () => {
          if (engine !== this.currentEngine || this.stopped || !engine.sync.awaitingSnapshot) {
            done();
            return;
          }
          void attempt(tries + 1);
        });
      }
    };
    if (pauseMs === 0) {
      void attempt(0);
      return;
    }
    this.timers.after(pauseMs, () => {
      if (engine !== this.currentEngine || this.stopped || !engine.sync.awaitingSnapshot) {
        done();
        return;
      }
      void attempt(0);
    });
  }

  /** Depth snapshots that went out in the last minute. */
  private recentSnapshots(): number {
    const since = this.clock.now() - 60_000;
    while (this.snapshotTimes.length > 0 && this.snapshotTimes[0] <= since) this.snapshotTimes.shift();
    return this.snapshotTimes.length;
  }

  // ---- 24 h rollover ----

  private scheduleRollover(conn: StreamConnection): void {
    this.timers.cancel(this.rolloverTimer);
    const after = this.options.rolloverAfterMs ?? 23.5 * 3_600_000;
    this.rolloverTimer = this.timers.after(after, () => {
      this.rolloverTimer = undefined;
      if (conn === this.publicConn && !this.stopped) this.startRollover();
    });
  }

  private startRollover(): void {
    if (this.standby || !this.publicConn) return;
    const conn = this.newConnection('public', this.publicStreams());
    const deadline = this.timers.after(60_000, () => {
      // No seamless hand-over within a minute: switch anyway and resync through the new connection.
      if (this.standby?.conn !== conn) return;
      this.standby = undefined;
      const old = this.publicConn;
      this.promote(conn, 'replacement connection did not line up with the book within 60 s; resynchronising through it');
      old?.close();
      this.currentEngine?.sync.invalidate('connection replaced; resynchronising');
      this.onBookStatus('resyncing', 'connection replaced; resynchronising');
    });
    this.standby = { conn, decoder: new FrameDecoder(this.symbolName, this.currentEngine?.book.tickSize), deadline };
    this.log('info', `opening a replacement connection before the exchange's 24 h cut`);
    conn.open();
  }

  /**
   * Frames of the replacement. Both connections carry the same update-id chain, the old one usually a
   * little ahead; the hand-over point is the first diff on the new one that either continues the
   * book (pu = the book's last u) or is the very diff the book applied last (u = the book's last u).
   */
  private onStandbyFrame(conn: StreamConnection, text: string, receiveMs: number): void {
    const standby = this.standby!;
    const engine = this.currentEngine!;
    if (!text.includes('depthUpdate')) return;
    const event = standby.decoder.decode(text, receiveMs);
    if (event.type !== 'depthUpdate') return;
    const last = engine.book.lastUpdateId;
    const live = engine.sync.status === 'live';
    const continues = this.depthMode === 'depth20' || (live && event.prevFinalUpdateId === last);
    const caughtUp = live && event.finalUpdateId === last;
    if (!continues && !caughtUp) return;
    this.timers.cancel(standby.deadline);
    this.standby = undefined;
    const old = this.publicConn;
    this.promote(conn, `switched to connection ${conn.id} before the 24 h cut without a gap`);
    old?.close();
    if (continues) this.onFrame(conn, text, receiveMs);
  }

  private promote(conn: StreamConnection, message: string): void {
    this.publicConn = conn;
    this.counters.rollovers++;
    this.log('info', message);
    this.scheduleRollover(conn);
    this.emitHealth();
  }

  // ---- state ----

  private setState(state: FeedState, reason: string): void {
    if (state === this.stateName && reason === this.stateReason) return;
    if (state !== this.stateName) this.stateSince = this.clock.now();
    this.stateName = state;
    this.stateReason = reason;
    this.emitHealth();
  }

  private emitHealth(): void {
    if (this.healthListeners.size === 0) return;
    const health = this.health();
    for (const listener of [...this.healthListeners]) {
      try {
        listener(health);
      } catch (err) {
        this.log('error', `health listener failed: ${String(err)}`);
      }
    }
  }

  private publish(event: EngineEvent): void {
    this.bus.publish(event);
  }

  private log(level: FeedLogLevel, message: string): void {
    this.options.log?.(level, `[${this.symbolName}] ${message}`);
  }
}

function toFeedError(err: unknown): FeedError {
  return err instanceof FeedError ? err : new FeedError('network', err instanceof Error ? err.message : String(err), true);
}

function emptyMetrics(now: number): FeedHealth['metrics'] {
  const zero = { samples: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  return {
    takenAtMs: now,
    messagesPerSecond: 0,
    bytesPerSecond: 0,
    streams: [],
    exchangeLatencyMs: zero,
    clockSkewSamples: 0,
    processingMicros: zero,
    counters: { messages: 0, bytes: 0, gaps: 0, resyncs: 0, malformed: 0, drops: 0, reconnects: 0, snapshotsRequested: 0, snapshotsApplied: 0, handlerErrors: 0 },
  };
}

/** The wait before the next snapshot after `n` paced ones in a row: 1 s, doubling, at most FAULT_PAUSE_CAP_MS. */
function doublingPause(n: number): number {
  return Math.min(FAULT_PAUSE_CAP_MS, FAULT_PAUSE_FIRST_MS * 2 ** Math.min(5, n));
}

/** True when exchangeInfo now gives the symbol another tick size than the engine's book was built with. */
function tickChanged(engine: MarketEngine, info: SymbolInfo): boolean {
  return new PriceScale(info.tickSize).tickSize !== engine.book.tickSize;
}
