import { performance } from 'node:perf_hooks';
import type { VerifyOutcome } from './book/bookVerifier';
import { DepthSynchronizer, type DepthMode } from './book/depthSynchronizer';
import type { SyncFault } from './book/syncFault';
import { EventBus } from './core/eventBus';
import { EngineMetrics } from './metrics/engineMetrics';
import { FrameDecoder } from './protocol/frameDecoder';
import type { BookStatus, BookTickerEvent, EngineEvent, SignalEvent, TradeEvent } from './protocol/events';
import { SignalDetector } from './analysis/signalDetector';

export interface MarketEngineOptions {
  symbol: string;
  tickSize: number;
  depthMode: DepthMode;
  /** Called when the book needs a REST snapshot; the answer is fed back through `ingest` or `handle`. */
  requestSnapshot?: (reason: string) => void;
  /** Told about every failed consistency check of the exchange's depth data (see `SyncFault`). */
  onFault?: (fault: SyncFault) => void;
  /** Told how each background verification of the book ended. */
  onVerification?: (outcome: VerifyOutcome) => void;
  /** Wall clock in ms for metrics; default Date.now. */
  now?: () => number;
  bus?: EventBus;
  /**
   * Time every Nth message for the processing-latency histogram (default 8; 1 = every message).
   * Two clock reads cost about as much as handling a small frame, so sampling keeps the measurement
   * from doubling the cost it measures; over thousands of messages the percentiles are the same.
   */
  timingSampleInterval?: number;
  /**
   * Signal thresholds (large trade, wall size). Without them no signals are looked for; with them,
   * trades are checked one by one and the book at most every `signalIntervalMs` of exchange time.
   */
  signals?: { largeTradeQty: number; wallQty: number; signalIntervalMs?: number };
}

/** A book line as the CLI and the extension report it: numbers, best first. */
export interface BookLine {
  type: 'book';
  symbol: string;
  status: BookStatus;
  lastUpdateId: number;
  eventTime: number;
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

/**
 * The engine for one symbol: decodes frames, keeps the book in sync, remembers the latest best
 * bid/ask and trade, measures everything, and publishes every event on the bus. It holds no socket
 * and no timer, so live feeds, replays and tests drive it the same way.
 */
export class MarketEngine {
  readonly symbol: string;
  readonly bus: EventBus;
  readonly decoder: FrameDecoder;
  readonly sync: DepthSynchronizer;
  readonly metrics: EngineMetrics;
  lastBookTicker: BookTickerEvent | undefined;
  lastTrade: TradeEvent | undefined;
  private readonly now: () => number;
  private readonly timingInterval: number;
  private untilTimed = 0;
  private readonly signals: SignalDetector | undefined;
  private readonly signalIntervalMs: number;
  private lastSignalCheck = 0;

  constructor(options: MarketEngineOptions) {
    this.symbol = options.symbol;
    this.now = options.now ?? Date.now;
    this.timingInterval = Math.max(1, Math.floor(options.timingSampleInterval ?? 8));
    this.signals = options.signals
      ? new SignalDetector({ symbol: options.symbol, tickSize: options.tickSize, largeTradeQty: options.signals.largeTradeQty, wallQty: options.signals.wallQty })
      : undefined;
    this.signalIntervalMs = options.signals?.signalIntervalMs ?? 250;
    this.bus = options.bus ?? new EventBus((failure) => {
      this.metrics.count('handlerErrors');
      this.lastHandlerError = `${failure.eventType} handler failed: ${String(failure.error)}`;
    });
    this.metrics = new EngineMetrics({ now: this.now });
    this.decoder = new FrameDecoder(options.symbol, options.tickSize);
    this.sync = new DepthSynchronizer({
      symbol: options.symbol,
      tickSize: options.tickSize,
      mode: options.depthMode,
      onFault: options.onFault,
      onVerification: options.onVerification,
      requestSnapshot: (reason) => {
        this.metrics.count('snapshotsRequested');
        options.requestSnapshot?.(reason);
      },
      onStatus: (status, reason) => {
        this.bus.publish({ type: 'status', symbol: this.symbol, time: this.now(), status, reason });
      },
    });
  }

  /** Last error thrown by an event handler, for the health view. */
  lastHandlerError: string | undefined;

  get book() {
    return this.sync.book;
  }

  /** Decodes and handles one raw frame received at `receiveMs` (local wall clock). */
  ingest(text: string, receiveMs: number = this.now()): EngineEvent {
    if (--this.untilTimed < 0) {
      this.untilTimed = this.timingInterval - 1;
      const started = performance.now();
      const event = this.ingestUntimed(text, receiveMs);
      this.metrics.recordProcessing((performance.now() - started) * 1000);
      return event;
    }
    return this.ingestUntimed(text, receiveMs);
  }

  private ingestUntimed(text: string, receiveMs: number): EngineEvent {
    const event = this.decoder.decode(text, receiveMs);
    this.metrics.recordMessage(this.decoder.lastStream ?? event.type, text.length, receiveMs);
    this.handle(event, receiveMs);
    return event;
  }

  /** Handles an already decoded event (e.g. a REST snapshot fetched as an object). */
  handle(event: EngineEvent, receiveMs: number = this.now()): void {
    // Signals follow the event that caused them on the bus.
    let signals: readonly SignalEvent[] | undefined;
    switch (event.type) {
      case 'depthUpdate': {
        this.metrics.recordExchangeLatency(receiveMs, event.eventTime);
        const before = this.sync.counters;
        const gaps = before.gaps;
        const resyncs = before.resyncs;
        this.sync.onDepth(event);
        if (this.sync.counters.gaps !== gaps) this.metrics.count('gaps', this.sync.counters.gaps - gaps);
        if (this.sync.counters.resyncs !== resyncs) this.metrics.count('resyncs', this.sync.counters.resyncs - resyncs);
        if (this.signals && this.sync.status === 'live' && event.eventTime - this.lastSignalCheck >= this.signalIntervalMs) {
          this.lastSignalCheck = event.eventTime;
          signals = this.signals.onBook(this.sync.book, event.eventTime);
        }
        break;
      }
      case 'depthSnapshot': {
        const applied = this.sync.counters.snapshotsApplied;
        this.sync.onSnapshot(event);
        if (this.sync.counters.snapshotsApplied !== applied) this.metrics.count('snapshotsApplied');
        break;
      }
      case 'bookTicker':
        this.metrics.recordExchangeLatency(receiveMs, event.eventTime);
        if (event.symbol === this.symbol) this.lastBookTicker = event;
        break;
      case 'trade':
        this.metrics.recordExchangeLatency(receiveMs, event.eventTime);
        if (event.symbol === this.symbol) {
          this.lastTrade = event;
          const signal = this.signals?.onTrade(event);
          if (signal) signals = [signal];
        }
        break;
      case 'malformed':
        this.metrics.count('malformed');
        if (event.stream !== undefined && event.stream.includes('@depth')) this.sync.onUnusableDepth(event.reason);
        break;
      case 'tickPrice':
      case 'liquidation':
      case 'signal':
      case 'webSocketError':
      case 'controlReply':
      case 'status':
        break;
      default:
        assertNever(event);
    }
    this.bus.publish(event);
    if (signals) for (const signal of signals) this.bus.publish(signal);
  }

  /** The top `levels` a side, as the CLI prints and tests compare. */
  bookLine(levels: number): BookLine {
    const book = this.sync.book;
    return {
      type: 'book',
      symbol: this.symbol,
      status: this.sync.status,
      lastUpdateId: book.lastUpdateId,
      eventTime: book.eventTime,
      bids: book.topPairs('bid', levels),
      asks: book.topPairs('ask', levels),
    };
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
