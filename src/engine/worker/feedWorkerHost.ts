import { Worker } from 'node:worker_threads';
import { SharedRing } from '../core/sharedRing';
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
}

type Listener<T> = (value: T) => void;

/**
 * The extension host's side of the feed worker: starts it, reads what it writes into the shared ring
 * (only the latest frame and status matter; older ones are skipped), and turns commands into
 * messages. Nothing here parses market data, so the host's main thread stays idle however busy the
 * market is.
 */
export class FeedWorkerHost {
  private readonly worker: Worker;
  private readonly ring: SharedRing;
  private readonly snapshotListeners = new Set<Listener<BookSnapshotMessage>>();
  private readonly statusListeners = new Set<Listener<WorkerStatus>>();
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private latest: WorkerStatus | undefined;
  private disposed: Promise<void> | undefined;
  private exited = false;
  /** Frames the host skipped because a newer one followed in the same batch. */
  skippedFrames = 0;
  framesRead = 0;

  constructor(private readonly options: FeedWorkerHostOptions) {
    this.ring = SharedRing.create(options.ringBytes);
    this.worker = new Worker(options.workerScript);
    this.worker.on('message', (message: WorkerToHost) => this.onMessage(message));
    this.worker.on('error', (err) => options.log?.('error', `feed worker crashed: ${err.stack ?? err.message}`));
    this.worker.on('exit', (code) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error('the feed worker stopped'));
      this.pending.clear();
      if (code !== 0 && this.disposed === undefined) options.log?.('error', `feed worker exited with code ${code}`);
    });
    this.post({ type: 'start', source: options.source, view: options.view, ring: this.ring.buffer, statusIntervalMs: options.statusIntervalMs ?? 250 });
  }

  get status(): WorkerStatus | undefined {
    return this.latest;
  }

  get source(): FeedSourceConfig {
    return this.options.source;
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

  setView(view: WorkerViewConfig): void {
    this.post({ type: 'setView', view });
  }

  setPaused(paused: boolean): void {
    this.post({ type: 'setPaused', paused });
  }

  reconnect(): void {
    this.post({ type: 'reconnect' });
  }

  setSymbol(symbol: string): Promise<string> {
    return this.request<string>((id) => ({ type: 'setSymbol', id, symbol }));
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
    this.disposed = new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => void this.worker.terminate(), 3000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.worker.on('message', (message: WorkerToHost) => {
        if (message.type === 'stopped') void this.worker.terminate();
      });
      this.worker.postMessage({ type: 'stop' } satisfies HostToWorker);
    });
    return this.disposed;
  }

  private request<T>(make: (id: number) => HostToWorker): Promise<T> {
    if (this.exited || this.disposed) return Promise.reject(new Error('the feed is stopped'));
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
        else pending.reject(new Error(message.error));
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

function assertNever(value: never): never {
  throw new Error(`unhandled worker message ${JSON.stringify(value)}`);
}
