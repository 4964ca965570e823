import { Worker, type ResourceLimits } from 'node:worker_threads';
import { SharedRing } from '../core/sharedRing';
import { plainText } from '../core/untrustedText';
import { formatDuration } from '../live/delayBounds';
import { bookHealth, type FeedHealth } from '../live/feedHealth';
import { EngineMetrics } from '../metrics/engineMetrics';
import { WorkerRestartPolicy, type WorkerRestartOptions } from './workerRestartPolicy';
import type { BookSnapshotMessage } from '../../shared/panelProtocol';
import { decodeRecord } from './ringRecords';
import type { FeedSourceConfig, HostToWorker, SymbolChoice, WorkerStatus, WorkerToHost, WorkerViewConfig } from './workerProtocol';

export interface FeedWorkerHostOptions {
  /** Path of the bundled worker script (dist/feedWorker.js). */
  workerScript: string;
  source: FeedSourceConfig;
  view: WorkerViewConfig;
  /** Ring size in bytes (a power of two). */
  ringBytes: number;
  statusIntervalMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Heap limits of the worker: a runaway worker then dies alone (and is restarted) instead of taking VS Code's extension host with it. */
  resourceLimits?: ResourceLimits;
  restart?: WorkerRestartOptions;
}

/** A worker that died without being asked to stop, and what the host does about it. */
export interface WorkerCrash {
  /** In words: "out of memory", "exit code 1", the uncaught error's message. */
  readonly reason: string;
  /** Set when it is restarted; undefined when the host gave up after too many crashes in a row. */
  readonly restart: { readonly attempt: number; readonly delayMs: number } | undefined;
  readonly crashesInRow: number;
}

type Listener<T> = (value: T) => void;

/**
 * The extension host's side of the feed worker: starts it, reads what it writes into the shared ring
 * (only the latest frame and status matter; older ones are skipped), and turns commands into
 * messages. Nothing here parses market data, so the host's main thread stays idle however busy the
 * market is.
 */
export class FeedWorkerHost {
  private worker!: Worker;
  private ring!: SharedRing;
  private readonly snapshotListeners = new Set<Listener<BookSnapshotMessage>>();
  private readonly statusListeners = new Set<Listener<WorkerStatus>>();
  private readonly crashListeners = new Set<Listener<WorkerCrash>>();
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly restartPolicy: WorkerRestartPolicy;
  private nextId = 1;
  private latest: WorkerStatus | undefined;
  private disposed: Promise<void> | undefined;
  private exited = false;
  /** Why the current worker failed, from its `error` event (the `exit` that follows has only a code). */
  private failure: string | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** What a restarted worker must pick up: the symbol in force, the view, pause. */
  private currentSource: FeedSourceConfig;
  private currentView: WorkerViewConfig;
  private paused = false;
  /** Frames the host skipped because a newer one followed in the same batch. */
  skippedFrames = 0;
  framesRead = 0;

  constructor(private readonly options: FeedWorkerHostOptions) {
    this.currentSource = options.source;
    this.currentView = options.view;
    this.restartPolicy = new WorkerRestartPolicy(options.restart);
    this.spawn();
  }

  /** Starts a worker thread on a fresh ring: a dead worker may have died halfway through a record. */
  private spawn(): void {
    this.restartTimer = undefined;
    this.exited = false;
    this.failure = undefined;
    this.ring = SharedRing.create(this.options.ringBytes);
    const worker = new Worker(this.options.workerScript, { resourceLimits: this.options.resourceLimits });
    this.worker = worker;
    this.restartPolicy.started();
    worker.on('message', (message: WorkerToHost) => {
      if (worker === this.worker) this.onMessage(message);
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (worker !== this.worker) return;
      this.failure = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : firstLine(plainText(err.message)) || 'an uncaught error';
      this.options.log?.('error', `feed worker crashed: ${err.stack ?? err.message}`);
    });
    worker.on('exit', (code) => {
      if (worker !== this.worker) return;
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error('the feed worker stopped'));
      this.pending.clear();
      if (this.disposed === undefined) this.handleCrash(this.failure ?? (code === 0 ? 'it ended by itself' : `exit code ${code}`));
    });
    this.post({ type: 'start', source: this.currentSource, view: this.currentView, ring: this.ring.buffer, statusIntervalMs: this.options.statusIntervalMs ?? 250 });
    if (this.paused) this.post({ type: 'setPaused', paused: true });
  }

  /** The worker died unasked: say so where the feed's state is shown, and restart it with backoff or give up. */
  private handleCrash(reason: string): void {
    const decision = this.restartPolicy.crashed();
    let crash: WorkerCrash;
    if (decision.restart) {
      crash = { reason, restart: { attempt: decision.attempt, delayMs: decision.delayMs }, crashesInRow: decision.attempt };
      this.restartTimer = setTimeout(() => this.spawn(), decision.delayMs);
      this.publishStatus('reconnecting', `feed worker crashed (${reason}); restarting in ${formatDuration(decision.delayMs)}, attempt ${decision.attempt}`);
      this.options.log?.('warn', `feed worker crashed (${reason}); restarting in ${formatDuration(decision.delayMs)} (attempt ${decision.attempt} of ${this.restartPolicy.maxCrashesInRow})`);
    } else {
      crash = { reason, restart: undefined, crashesInRow: decision.crashesInRow };
      this.publishStatus('failed', `feed worker crashed ${decision.crashesInRow} times in a row (last: ${reason}); stopped — use Restart or FlowSight: Reconnect`);
      this.options.log?.('error', `feed worker crashed ${decision.crashesInRow} times in a row (last: ${reason}); not restarting it again`);
    }
    for (const listener of [...this.crashListeners]) listener(crash);
  }

  /**
   * A status of the host's own while no worker runs: the last one seen (its symbol, endpoint and
   * counters) with the state and reason replaced, and no prices, book, streams or rates — there are
   * none — so nothing on screen looks live.
   */
  private publishStatus(state: 'reconnecting' | 'failed', reason: string): void {
    const now = Date.now();
    const last = this.latest ?? initialStatus(this.currentSource, now);
    this.latest = {
      ...last,
      health: {
        ...last.health,
        state,
        reason,
        since: now,
        nextAttemptAt: undefined,
        connection: { id: undefined, openedAt: undefined, uptimeMs: 0 },
        book: bookHealth(undefined),
        streams: [],
        metrics: new EngineMetrics().snapshot(now),
      },
      display: { state, reason, stateAgeMs: 0, eventTime: 0, verifiedAgeMs: NaN },
      dataAgeMs: NaN,
      top: { bestBid: NaN, bestBidQty: 0, bestAsk: NaN, bestAskQty: 0, lastTradePrice: NaN, lastTradeQty: 0, lastTradeSide: '' },
      time: now,
    };
    for (const listener of [...this.statusListeners]) listener(this.latest);
  }

  get status(): WorkerStatus | undefined {
    return this.latest;
  }

  /** False while a crashed worker waits for its restart, or after the host gave up on it. */
  get workerRunning(): boolean {
    return !this.exited;
  }

  /** The source the worker runs, with the symbol in force. */
  get source(): FeedSourceConfig {
    return this.currentSource;
  }

  /** The host-side view of the ring (fill, high-water mark, drops). */
  ringStats(): ReturnType<SharedRing['stats']> {
    return this.ring.stats();
  }

  onSnapshot(listener: Listener<BookSnapshotMessage>): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onStatus(listener: Listener<WorkerStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Told each time the worker dies unasked (after its status says so). */
  onCrash(listener: Listener<WorkerCrash>): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  setView(view: WorkerViewConfig): void {
    this.currentView = view;
    this.post({ type: 'setView', view });
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.post({ type: 'setPaused', paused });
  }

  reconnect(): void {
    this.post({ type: 'reconnect' });
  }

  async setSymbol(symbol: string): Promise<string> {
    const applied = await this.request<string>((id) => ({ type: 'setSymbol', id, symbol }));
    const source = this.currentSource;
    if (source.kind !== 'replay') this.currentSource = { ...source, symbol: applied };
    return applied;
  }

  listSymbols(): Promise<SymbolChoice[]> {
    return this.request<SymbolChoice[]>((id) => ({ type: 'listSymbols', id }));
  }

  bookJson(levels: number): Promise<unknown> {
    return this.request<unknown>((id) => ({ type: 'bookJson', id, levels }));
  }

  /** Stops the feed inside the worker (sockets closed, timers cleared), then ends the thread. */
  dispose(): Promise<void> {
    if (this.disposed) return this.disposed;
    this.snapshotListeners.clear();
    this.statusListeners.clear();
    this.crashListeners.clear();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    this.disposed = new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => void worker.terminate(), 3000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.on('message', (message: WorkerToHost) => {
        if (message.type === 'stopped') void worker.terminate();
      });
      worker.postMessage({ type: 'stop' } satisfies HostToWorker);
    });
    return this.disposed;
  }

  private request<T>(make: (id: number) => HostToWorker): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('the feed is stopped'));
    if (this.exited) return Promise.reject(new Error(this.restartTimer ? 'the feed worker crashed and is restarting' : 'the feed is stopped: its worker crashed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post(make(id));
    });
  }

  private post(message: HostToWorker): void {
    if (this.exited) return;
    this.worker.postMessage(message);
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'ring':
        this.drain();
        return;
      case 'log':
        this.options.log?.(message.level, message.message);
        return;
      case 'reply': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(plainText(message.error)));
        return;
      }
      case 'stopped':
        return;
      default:
        assertNever(message);
    }
  }

  /**
   * Reads everything waiting; only the newest frame is decoded. Its status and its snapshot are
   * passed on together, so the status bar, the health view and the panel all get the same frame.
   */
  private drain(): void {
    let newest: Uint8Array | undefined;
    this.ring.readBatch((bytes) => {
      // The view is only valid during the callback: keep a copy of the newest frame.
      if (newest) this.skippedFrames++;
      newest = bytes.slice();
    });
    if (!newest) return;
    this.framesRead++;
    const frame = decodeRecord(newest);
    this.latest = frame.status as WorkerStatus;
    for (const listener of [...this.statusListeners]) listener(this.latest);
    if (frame.snapshot) for (const listener of [...this.snapshotListeners]) listener(frame.snapshot);
  }
}

/** The status shown for a worker that died before it wrote one. */
function initialStatus(source: FeedSourceConfig, now: number): WorkerStatus {
  const health: FeedHealth = {
    symbol: source.kind === 'replay' ? '' : source.symbol,
    state: 'connecting',
    reason: 'starting',
    since: now,
    endpoint: source.kind === 'binance' ? { streamUrl: source.streamUrl, restUrl: source.restUrl } : { streamUrl: '', restUrl: '' },
    nextAttemptAt: undefined,
    connection: { id: undefined, openedAt: undefined, uptimeMs: 0 },
    book: bookHealth(undefined),
    counters: { reconnects: 0, resyncs: 0, gaps: 0, malformed: 0, drops: 0, snapshotsDeferred: 0, circuitOpens: 0, rollovers: 0 },
    streams: [],
    metrics: new EngineMetrics().snapshot(now),
    lastError: undefined,
    warnings: [],
  };
  return {
    frameId: 0,
    source: source.kind,
    sourceKey: '',
    paused: false,
    health,
    tickSize: 0,
    groupTicks: 1,
    dataAgeMs: NaN,
    display: { state: health.state, reason: health.reason, stateAgeMs: 0, eventTime: 0, verifiedAgeMs: NaN },
    top: { bestBid: NaN, bestBidQty: 0, bestAsk: NaN, bestAskQty: 0, lastTradePrice: NaN, lastTradeQty: 0, lastTradeSide: '' },
    ring: { capacityBytes: 0, usedBytes: 0, highWaterBytes: 0, dropped: 0, written: 0 },
    time: now,
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}

function assertNever(value: never): never {
  throw new Error(`unhandled worker message ${JSON.stringify(value)}`);
}
