import type { BookStatus, DepthSnapshotEvent, DepthUpdateEvent } from '../protocol/events';
import { OrderBook } from './orderBook';

export type DepthMode = 'full' | 'depth20';

export interface DepthSynchronizerOptions {
  symbol: string;
  tickSize: number;
  mode: DepthMode;
  /**
   * Asked for a REST snapshot (limit 1000). Live, this fetches one; in replay, the next snapshot line
   * in the file is the answer. Either way the answer comes back through `onSnapshot`.
   */
  requestSnapshot: (reason: string) => void;
  /** Told whenever the book's status changes. */
  onStatus?: (status: BookStatus, reason: string) => void;
  /** How many diffs to hold while waiting for a snapshot before the oldest are dropped. */
  maxBufferedEvents?: number;
}

export interface SyncCounters {
  eventsApplied: number;
  /** Diffs whose `u` was already in the book (duplicates or pre-snapshot), safely ignored. */
  eventsSkipped: number;
  /** Buffered diffs dropped because the buffer overflowed while waiting for a snapshot. */
  eventsDropped: number;
  gaps: number;
  resyncs: number;
  snapshotsRequested: number;
  snapshotsApplied: number;
  /** Snapshots that arrived while the book was already live and were not needed. */
  snapshotsIgnored: number;
  /** Snapshots older than every buffered diff: the diffs cannot bridge them, so another is asked for. */
  snapshotsTooOld: number;
  wrongSymbol: number;
}

/**
 * Keeps a local order book in step with Binance's depth streams, the same way live and in replay.
 *
 * `full` follows Binance's documented futures procedure: buffer diffs, take a REST snapshot, drop
 * diffs with `u < lastUpdateId`, apply the first diff only if `U <= lastUpdateId <= u`, then require
 * every diff's `pu` to equal the previous `u`; any break starts over from a new snapshot. While it
 * starts over the book keeps its last good state but its status says it is not live, so nothing shows
 * a broken book as if it were right.
 *
 * `depth20` is the partial-depth stream: every message is the whole visible book.
 */
export class DepthSynchronizer {
  readonly book: OrderBook;
  readonly mode: DepthMode;
  private state: BookStatus = 'idle';
  private stateReason = 'waiting for the first depth message';
  private readonly buffer: DepthUpdateEvent[] = [];
  private readonly maxBuffered: number;
  private snapshotPending = false;
  /** A snapshot is in the book but no diff has bridged it yet. */
  private snapshotLoaded = false;
  readonly counters: SyncCounters = {
    eventsApplied: 0,
    eventsSkipped: 0,
    eventsDropped: 0,
    gaps: 0,
    resyncs: 0,
    snapshotsRequested: 0,
    snapshotsApplied: 0,
    snapshotsIgnored: 0,
    snapshotsTooOld: 0,
    wrongSymbol: 0,
  };

  constructor(private readonly options: DepthSynchronizerOptions) {
    this.book = new OrderBook(options.symbol, options.tickSize);
    this.mode = options.mode;
    this.maxBuffered = options.maxBufferedEvents ?? 10_000;
  }

  get status(): BookStatus {
    return this.state;
  }

  get reason(): string {
    return this.stateReason;
  }

  /** True while a requested snapshot has not arrived yet. */
  get awaitingSnapshot(): boolean {
    return this.snapshotPending;
  }

  onDepth(event: DepthUpdateEvent): void {
    if (event.symbol !== this.book.symbol) {
      this.counters.wrongSymbol++;
      return;
    }
    if (this.mode === 'depth20') {
      this.applyPartial(event);
      return;
    }
    if (this.state === 'live') {
      this.applyLive(event);
      return;
    }
    this.bufferEvent(event);
    if (this.snapshotLoaded) this.bridgeBuffered();
    else if (!this.snapshotPending) this.askForSnapshot(this.state === 'idle' ? 'initial synchronisation' : this.stateReason);
  }

  onSnapshot(snapshot: DepthSnapshotEvent): void {
    if (this.mode === 'depth20') {
      this.counters.snapshotsIgnored++;
      return;
    }
    if (snapshot.symbol !== '' && snapshot.symbol !== this.book.symbol) {
      this.counters.wrongSymbol++;
      return;
    }
    if (this.state === 'live') {
      this.counters.snapshotsIgnored++;
      return;
    }
    this.snapshotPending = false;
    const book = this.book;
    book.replaceSide('bid', snapshot.bids);
    book.replaceSide('ask', snapshot.asks);
    book.lastUpdateId = snapshot.lastUpdateId;
    book.eventTime = snapshot.eventTime;
    this.counters.snapshotsApplied++;
    this.snapshotLoaded = true;
    this.bridgeBuffered();
  }

  /**
   * Declares the book out of date (e.g. the socket dropped): status changes, a new snapshot is needed
   * once diffs flow again. The last good book stays readable.
   */
  invalidate(reason: string): void {
    if (this.state === 'idle') return;
    this.buffer.length = 0;
    this.snapshotPending = false;
    this.snapshotLoaded = false;
    this.setState('resyncing', reason);
  }

  /** Forgets everything: a new symbol or a new session. */
  reset(): void {
    this.buffer.length = 0;
    this.snapshotPending = false;
    this.snapshotLoaded = false;
    this.book.clear();
    this.setState('idle', 'waiting for the first depth message');
  }

  private applyPartial(event: DepthUpdateEvent): void {
    const book = this.book;
    book.replaceSide('bid', event.bids);
    book.replaceSide('ask', event.asks);
    book.lastUpdateId = event.finalUpdateId;
    book.eventTime = event.eventTime;
    this.counters.eventsApplied++;
    if (this.state !== 'live') this.setState('live', 'partial depth stream');
  }

  private applyLive(event: DepthUpdateEvent): void {
    const book = this.book;
    if (event.finalUpdateId <= book.lastUpdateId) {
      this.counters.eventsSkipped++;
      return;
    }
    if (event.prevFinalUpdateId !== book.lastUpdateId) {
      this.counters.gaps++;
      const reason = `gap in the depth stream: pu ${event.prevFinalUpdateId} does not follow u ${book.lastUpdateId}`;
      this.setState('resyncing', reason);
      this.buffer.length = 0;
      this.bufferEvent(event);
      this.askForSnapshot(reason);
      return;
    }
    this.apply(event);
  }

  private apply(event: DepthUpdateEvent): void {
    const book = this.book;
    book.applyLevels('bid', event.bids);
    book.applyLevels('ask', event.asks);
    book.lastUpdateId = event.finalUpdateId;
    book.eventTime = event.eventTime;
    this.counters.eventsApplied++;
  }

  private bufferEvent(event: DepthUpdateEvent): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.counters.eventsDropped++;
    }
    this.buffer.push(event);
  }

  private askForSnapshot(reason: string): void {
    this.snapshotPending = true;
    this.snapshotLoaded = false;
    this.counters.snapshotsRequested++;
    if (this.counters.snapshotsRequested > 1) this.counters.resyncs++;
    if (this.state === 'idle') this.setState('syncing', 'waiting for the depth snapshot');
    this.options.requestSnapshot(reason);
  }

  /** After a snapshot: find the diff that bridges it, then apply the rest as a chain. */
  private bridgeBuffered(): void {
    const book = this.book;
    const snapshotId = book.lastUpdateId;
    const buffer = this.buffer;
    let i = 0;
    while (i < buffer.length && buffer[i].finalUpdateId < snapshotId) i++;
    this.counters.eventsSkipped += i;
    if (i === buffer.length) {
      buffer.length = 0;
      // Every diff so far predates the snapshot: the next one to arrive must bridge it.
      this.setState(this.state === 'idle' ? 'syncing' : this.state, 'waiting for a depth update that bridges the snapshot');
      return;
    }
    const first = buffer[i];
    if (first.firstUpdateId > snapshotId) {
      this.counters.snapshotsTooOld++;
      buffer.splice(0, i);
      this.askForSnapshot(`snapshot ${snapshotId} is older than the buffered updates (first U ${first.firstUpdateId})`);
      return;
    }
    this.apply(first);
    for (let k = i + 1; k < buffer.length; k++) {
      const event = buffer[k];
      if (event.prevFinalUpdateId !== book.lastUpdateId) {
        this.counters.gaps++;
        const reason = `gap in buffered depth updates: pu ${event.prevFinalUpdateId} does not follow u ${book.lastUpdateId}`;
        buffer.splice(0, k);
        this.setState('resyncing', reason);
        this.askForSnapshot(reason);
        return;
      }
      this.apply(event);
    }
    buffer.length = 0;
    this.snapshotLoaded = false;
    this.setState('live', 'book synchronised with the depth stream');
  }

  private setState(status: BookStatus, reason: string): void {
    if (status === this.state && reason === this.stateReason) return;
    this.state = status;
    this.stateReason = reason;
    this.options.onStatus?.(status, reason);
  }
}
