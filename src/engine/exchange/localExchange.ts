import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import {
  ExchangeConnection,
  type ConnectionHost,
  type ConnectionSummary,
  type ConnectionTiming,
  type SubscribeInfo,
} from './exchangeConnection';
import { ExchangeServer, type UpgradeDecision } from './exchangeServer';
import { FaultRecorder, validateFaults, type FaultConfig, type FaultInfo } from './faults';
import type { ExchangeMarket, TopOfBook } from './market';
import { ReplayMarket, ReplayRecording } from './replayMarket';
import { RequestWeightMeter } from './requestWeight';
import { RestRoutes } from './restRoutes';
import { StreamHub } from './streamHub';
import { parseStreamPath } from './streamNames';
import { SyntheticMarket } from './syntheticMarket';
import { DEFAULT_SYNTHETIC_SYMBOLS } from './syntheticProfiles';
import { priceText, qtyText } from './symbolSpec';

export type { FaultConfig, FaultInfo, FaultKind } from './faults';
export type { ConnectionSummary, SubscribeInfo } from './exchangeConnection';
export type { TopOfBook } from './market';

export interface LocalExchangeOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Synthetic market symbols; default BTCUSDT, ETHUSDT, DOGEUSDT. */
  symbols?: string[];
  /** Synthetic market seed; the same seed gives the same market. Default 1. */
  seed?: number;
  /** Default synthetic. A replay plays a recording as a live market at `speed` times recorded pace. */
  market?: { kind: 'synthetic' } | { kind: 'replay'; file: string; speed: number };
  /** Synthetic market step in ms (default 50). */
  stepMs?: number;
  /** Server pings this often (Binance: 180000). */
  pingIntervalMs?: number;
  /** A connection that has not answered a ping within this is closed (Binance: 600000). */
  pongTimeoutMs?: number;
  /** Every connection is closed at this age (Binance: 24 h). */
  maxConnectionAgeMs?: number;
  /** Faults for every connection and for REST. */
  faults?: FaultConfig;
  /** Wall clock for E/T fields, server time and the REST weight minute; default Date.now. */
  clock?: { now(): number };
}

export interface ExchangeStats {
  connectionsOpened: number;
  connectionsOpen: number;
  dataMessagesSent: number;
  restRequests: number;
  /** REST requests by path, e.g. `/fapi/v1/depth`. */
  restRequestsByPath: Record<string, number>;
  /** Valid control requests (SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET/GET_PROPERTY). */
  subscribeRequests: number;
  faultsInjected: Record<string, number>;
}

/** Payloads of the exchange's events. */
export interface LocalExchangeEvents {
  connection: ConnectionSummary;
  subscribe: SubscribeInfo;
  fault: FaultInfo;
}

const BINANCE_PING_INTERVAL_MS = 180_000;
const BINANCE_PONG_TIMEOUT_MS = 600_000;
const BINANCE_MAX_CONNECTION_AGE_MS = 24 * 3600 * 1000;

const RESTRICTED_LOCATION_MSG =
  "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.";

const UPGRADE_REFUSALS: Record<NonNullable<FaultConfig['wsRejectStatus']>, object> = {
  451: { code: 0, msg: RESTRICTED_LOCATION_MSG },
  403: { code: -1, msg: 'Forbidden: the request was blocked by the web application firewall.' },
  429: { code: -1003, msg: 'Too many requests; please use fewer connections.' },
  418: { code: -1003, msg: 'Way too many requests; this IP is banned for a while.' },
};

/**
 * FlowSight's own Binance-compatible USDⓈ-M futures exchange on one local port: REST market data
 * (`/fapi/v1/...`) and the routed WebSocket streams (`/public/...`, `/market/...`) over a synthetic or
 * replayed market, with Binance's connection rules and injectable faults. It is the extension's demo
 * feed and the counterpart of every network test. `stop()` leaves nothing running.
 */
export class LocalExchange {
  private readonly clock: { now(): number };
  private readonly host: string;
  private readonly hub = new StreamHub();
  private readonly market: ExchangeMarket;
  private readonly server: ExchangeServer;
  private readonly rest: RestRoutes;
  private readonly recorder: FaultRecorder;
  private readonly timing: ConnectionTiming;
  private readonly open = new Map<number, ExchangeConnection>();
  private readonly connectionFaults = new Map<number, FaultConfig>();
  private readonly listeners: { [K in keyof LocalExchangeEvents]: Set<(info: LocalExchangeEvents[K]) => void> } = {
    connection: new Set(),
    subscribe: new Set(),
    fault: new Set(),
  };
  private readonly counters = { connectionsOpened: 0, dataMessagesSent: 0, restRequests: 0, subscribeRequests: 0 };
  private readonly restRequestsByPath = new Map<string, number>();
  private readonly connectionHost: ConnectionHost;
  private defaultFaults: FaultConfig;
  private nextConnectionId = 0;
  private stopped = false;

  static async start(options: LocalExchangeOptions = {}): Promise<LocalExchange> {
    // A recording is opened first: reading it can fail, and the market needs its symbol from the start.
    const recording = options.market?.kind === 'replay' ? await ReplayRecording.open(options.market.file) : undefined;
    let exchange: LocalExchange;
    try {
      exchange = new LocalExchange(options, recording);
    } catch (err) {
      recording?.reader.close();
      throw err;
    }
    try {
      await exchange.server.listen(options.port ?? 0);
    } catch (err) {
      exchange.market.stop();
      throw err;
    }
    return exchange;
  }

  private constructor(options: LocalExchangeOptions, recording: ReplayRecording | undefined) {
    const faults = options.faults ?? {};
    validateFaults(faults);
    this.defaultFaults = copyFaults(faults);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.host = options.host ?? '127.0.0.1';
    this.timing = {
      pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? BINANCE_PING_INTERVAL_MS),
      pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs ?? BINANCE_PONG_TIMEOUT_MS),
      maxConnectionAgeMs: positive('maxConnectionAgeMs', options.maxConnectionAgeMs ?? BINANCE_MAX_CONNECTION_AGE_MS),
    };
    const market = options.market ?? { kind: 'synthetic' };
    this.market =
      market.kind === 'replay' && recording !== undefined
        ? new ReplayMarket({ recording, speed: market.speed, sink: this.hub })
        : new SyntheticMarket({
            symbols: options.symbols ?? DEFAULT_SYNTHETIC_SYMBOLS,
            seed: options.seed ?? 1,
            stepMs: options.stepMs ?? 50,
            clock: this.clock,
            sink: this.hub,
          });
    this.recorder = new FaultRecorder((info) => this.emit('fault', info));
    this.rest = new RestRoutes({
      market: this.market,
      clock: this.clock,
      weights: new RequestWeightMeter(this.clock),
      faults: () => this.defaultFaults,
      recordFault: (info) => this.recorder.record(info),
      countRequest: (path) => {
        this.counters.restRequests++;
        this.restRequestsByPath.set(path, (this.restRequestsByPath.get(path) ?? 0) + 1);
      },
      onSnapshotServed: () => {
        const ms = this.defaultFaults.closeAfterSnapshotMs;
        if (ms === undefined) return;
        for (const connection of this.open.values()) connection.closeAfter(ms, 'closeAfterSnapshot', `closed by the exchange ${ms} ms after serving a depth snapshot`);
      },
    });
    this.connectionHost = {
      hub: this.hub,
      timing: this.timing,
      faultsFor: (id) => this.connectionFaults.get(id) ?? this.defaultFaults,
      recordFault: (info) => this.recorder.record(info),
      countDataMessage: () => this.counters.dataMessagesSent++,
      onControlRequest: (info) => {
        this.counters.subscribeRequests++;
        this.emit('subscribe', info);
      },
      onClosed: (connection) => {
        this.open.delete(connection.id);
        this.connectionFaults.delete(connection.id);
        this.market.setClientCount(this.open.size);
      },
      phantomLevel: (symbol) => this.phantomLevel(symbol),
    };
    this.server = new ExchangeServer({
      host: this.host,
      onRequest: (req, res) => this.rest.handle(req, res),
      onUpgrade: (req) => this.admit(req),
    });
  }

  get port(): number {
    return this.server.port;
  }

  /** `ws://127.0.0.1:PORT`; clients append `/public/stream?streams=…` and the like. */
  get wsUrl(): string {
    return `ws://${this.hostForUrl()}:${this.port}`;
  }

  get restUrl(): string {
    return `http://${this.hostForUrl()}:${this.port}`;
  }

  get marketKind(): 'synthetic' | 'replay' {
    return this.market.kind;
  }

  symbols(): string[] {
    return this.market.specs().map((s) => s.symbol);
  }

  tickSize(symbol: string): number {
    const spec = this.market.spec(symbol);
    if (spec === undefined) throw new RangeError(`unknown symbol ${symbol}; this exchange lists ${this.symbols().join(', ')}`);
    return spec.prices.tickSize;
  }

  /** The exchange's own current book, top `levels` a side, best first, as numbers. */
  topOfBook(symbol: string, levels: number): TopOfBook {
    return this.market.topOfBook(symbol, levels);
  }

  /** Replaces the default faults; applies at once to REST and to every connection without its own. */
  setFaults(faults: FaultConfig): void {
    validateFaults(faults);
    this.defaultFaults = copyFaults(faults);
  }

  /** Faults for one connection, replacing (not merging with) the defaults for it. */
  setConnectionFaults(connectionId: number, faults: FaultConfig): void {
    validateFaults(faults);
    if (!this.open.has(connectionId)) throw new RangeError(`no open connection ${connectionId}`);
    this.connectionFaults.set(connectionId, copyFaults(faults));
  }

  connections(): ConnectionSummary[] {
    return [...this.open.values()].map((c) => c.summary());
  }

  /** Cuts every client socket as a network drop would (clients see 1006). */
  dropConnections(): void {
    for (const connection of this.open.values()) connection.terminate();
  }

  /** Freezes the market clock; everything already changed is published first, so books can be compared at rest. */
  pause(): void {
    this.market.pause();
  }

  resume(): void {
    this.market.resume();
  }

  /** Stops listening and listens again on the same port, as an exchange restart; the market carries on. */
  async restart(): Promise<void> {
    if (this.stopped) throw new Error('the exchange is stopped');
    const port = this.server.port;
    await this.closeConnections();
    await this.server.listen(port);
  }

  stats(): ExchangeStats {
    return {
      ...this.counters,
      restRequestsByPath: Object.fromEntries(this.restRequestsByPath),
      connectionsOpen: this.open.size,
      faultsInjected: this.recorder.snapshot(),
    };
  }

  on<K extends keyof LocalExchangeEvents>(event: K, listener: (info: LocalExchangeEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(info: LocalExchangeEvents[K]) => void>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Closes every socket, the HTTP server and every timer. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.market.stop();
    await this.closeConnections();
  }

  private async closeConnections(): Promise<void> {
    this.rest.cancelPending();
    const connections = [...this.open.values()];
    for (const connection of connections) connection.dispose();
    await this.server.close();
    await Promise.all(connections.map((c) => c.ended));
  }

  private admit(req: IncomingMessage): UpgradeDecision {
    const path = req.url ?? '/';
    const faults = this.defaultFaults;
    // A geo-block or firewall sits in front of everything, so it answers before any path is looked at.
    if (faults.wsRejectStatus !== undefined) {
      const status = faults.wsRejectStatus;
      this.recorder.record({ kind: `wsReject${status}`, detail: `WebSocket upgrade for ${path} refused with HTTP ${status}` });
      return {
        kind: 'reject',
        status,
        headers: faults.wsRetryAfter === undefined ? undefined : { 'Retry-After': faults.wsRetryAfter },
        body: UPGRADE_REFUSALS[status],
      };
    }
    const parsed = parseStreamPath(path);
    if (!parsed.ok) return { kind: 'reject', status: parsed.status, body: { code: -1, msg: parsed.msg } };
    return { kind: 'accept', onOpen: (ws) => this.accept(ws, path, parsed.route, parsed.combined, parsed.streams) };
  }

  private accept(ws: WebSocket, path: string, route: 'public' | 'market', combined: boolean, streams: string[]): void {
    const id = ++this.nextConnectionId;
    const connection = new ExchangeConnection(ws, { id, path, route, combined, streams, openedAt: this.clock.now() }, this.connectionHost);
    this.open.set(id, connection);
    this.counters.connectionsOpened++;
    const closeAfter = this.defaultFaults.closeAfterOpenMs;
    if (closeAfter !== undefined) connection.closeAfter(closeAfter, 'closeAfterOpen', `closed by the exchange ${closeAfter} ms after opening`);
    this.market.setClientCount(this.open.size);
    this.emit('connection', connection.summary());
  }

  /** A bid price inside the exchange's top 20 where it holds nothing (the phantom-level lie), with a size. */
  private phantomLevel(symbol: string): [string, string] | undefined {
    const spec = this.market.spec(symbol);
    if (spec === undefined) return undefined;
    const tick = spec.prices.tickSize;
    const bids = this.market.topOfBook(symbol, 20).bids;
    for (let i = bids.length - 1; i > 0; i--) {
      const gapTicks = Math.round((bids[i - 1][0] - bids[i][0]) / tick);
      if (gapTicks > 1) return [priceText(spec, bids[i][0] + tick), qtyText(spec, spec.quantities.tickSize * 3)];
    }
    return undefined;
  }

  private emit<K extends keyof LocalExchangeEvents>(event: K, info: LocalExchangeEvents[K]): void {
    for (const listener of this.listeners[event] as Set<(info: LocalExchangeEvents[K]) => void>) {
      try {
        listener(info);
      } catch {
        // Listeners observe; one that throws must not take the exchange (and every client) down.
      }
    }
  }

  /** A wildcard listen address is not somewhere a client can connect to; loopback is. */
  private hostForUrl(): string {
    const host = this.host;
    if (host === '0.0.0.0' || host === '') return '127.0.0.1';
    if (host === '::') return '[::1]';
    return host.includes(':') ? `[${host}]` : host;
  }
}

function copyFaults(faults: FaultConfig): FaultConfig {
  return {
    ...faults,
    restStatus: faults.restStatus === undefined ? undefined : { ...faults.restStatus },
    restBody: faults.restBody === undefined ? undefined : { ...faults.restBody },
  };
}

function positive(name: string, value: number): number {
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}
