import type { BookStatus, DepthSnapshotEvent, DepthUpdateEvent } from '../protocol/events';
import { BookVerifier, type KnownRange, type VerifyOutcome } from './bookVerifier';
import { OrderBook } from './orderBook';
import { decimalsOf } from './priceScale';
import type { SyncFault, SyncFaultKind } from './syncFault';

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
  /** Told about every failed consistency check (after it is counted, before the resync starts). */
  onFault?: (fault: SyncFault) => void;
  /** Told how each background verification (`beginVerification` + `verify`) ended. */
  onVerification?: (outcome: VerifyOutcome) => void;
  /** Live diffs in a row that do not advance the book before it counts as stalled (default 20). */
  stallAfterUpdates?: number;
  /** Exchange time over which live diffs failed to advance the book before it counts as stalled (default 2 s). */
  stallAfterMs?: number;
  /** Diffs after a snapshot without one bridging it before the snapshot is given up on (default 100). */
  bridgeWithinUpdates?: number;
  /** Exchange time after a snapshot without a bridging diff before it is given up on (default 10 s). */
  bridgeWithinMs?: number;
  /** Faults in a row, without a healthy live period between them, that make the book `degraded` (default 3). */
  degradedAfterFaults?: number;
  /** Live diffs applied without a fault that count as a healthy period (default 100, 10 s at 100 ms). */
  healthyAfterUpdates?: number;
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
  /** Every failed consistency check, whatever its kind (the per-kind counts follow). */
  faults: number;
  stalled: number;
  crossed: number;
  tickMismatches: number;
  neverBridges: number;
  verifyMismatches: number;
  /** Background verifications that matched the exchange's snapshot. */
  verified: number;
  /** Background verifications that could not compare (the book resynchronised, the snapshot lagged…). */
  verifyInconclusive: number;
}

const FAULT_COUNTER: Record<SyncFaultKind, keyof SyncCounters> = {
  stalled: 'stalled',
  crossed: 'crossed',
  'tick-mismatch': 'tickMismatches',
  'never-bridges': 'neverBridges',
  'verify-mismatch': 'verifyMismatches',
};

/**
 * Keeps a local order book in step with Binance's depth streams, the same way live and in replay.
 *
 * `full` follows Binance's documented futures procedure: buffer diffs, take a REST snapshot, drop
 * diffs with `u < lastUpdateId`, apply the first diff only if `U <= lastUpdateId <= u`, then require
 * every diff's `pu` to equal the previous `u`; any break starts over from a new snapshot. While it
 * starts over the book keeps its last good state but its status says it is not live, so nothing shows
 * a broken book as if it were right.
 *
 * On top of the procedure, the exchange's data is not trusted: diffs that stop advancing the book
 * (ids that reset lower or repeat), a crossed book, a snapshot that never bridges and a snapshot whose
 * prices do not fit the tick size are faults (see `SyncFault`), each counted, reported and resolved by
 * a resync; several in a row without a healthy live period in between make the status `degraded`.
 *
 * `depth20` is the partial-depth stream: every message is the whole visible book, so a crossed frame
 * is a fault that the next frame resolves (there is no snapshot to ask for).
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
    faults: 0,
    stalled: 0,
    crossed: 0,
    tickMismatches: 0,
    neverBridges: 0,
    verifyMismatches: 0,
    verified: 0,
    verifyInconclusive: 0,
  };
  private readonly stallAfterUpdates: number;
  private readonly stallAfterMs: number;
  private readonly bridgeWithinUpdates: number;
  private readonly bridgeWithinMs: number;
  private readonly degradedAfterFaults: number;
  private readonly healthyAfterUpdates: number;
  /** Live diffs in a row that did not advance the book, and the exchange time of the first. */
  private stalledUpdates = 0;
  private stalledSince = 0;
  /** Diffs seen since the loaded snapshot without one bridging it, and the exchange time of the first. */
  private unbridgedUpdates = 0;
  private unbridgedSince = 0;
  /** Snapshots in a row that did not bridge (too old or never reached). */
  private unbridgedSnapshots = 0;
  /** Faults since the last healthy live period, and live diffs applied since the last fault. */
  private faultStreak = 0;
  private healthyUpdates = 0;
  private lastFaultMessage = '';
  /** The snapshot's prices did not fit the tick: nothing more is asked for until the engine is rebuilt. */
  private tickRefused = false;
  /** Price range the current book's snapshot covered (verification compares only where it knows every level). */
  private known: KnownRange = { lowestBid: NaN, highestAsk: NaN };
  private verifier: BookVerifier | undefined;

  constructor(private readonly options: DepthSynchronizerOptions) {
    this.book = new OrderBook(options.symbol, options.tickSize);
    this.mode = options.mode;
    this.maxBuffered = options.maxBufferedEvents ?? 10_000;
    this.stallAfterUpdates = Math.max(2, options.stallAfterUpdates ?? 20);
    this.stallAfterMs = Math.max(0, options.stallAfterMs ?? 2000);
    this.bridgeWithinUpdates = Math.max(2, options.bridgeWithinUpdates ?? 100);
    this.bridgeWithinMs = Math.max(0, options.bridgeWithinMs ?? 10_000);
    this.degradedAfterFaults = Math.max(1, options.degradedAfterFaults ?? 3);
    this.healthyAfterUpdates = Math.max(1, options.healthyAfterUpdates ?? 100);
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
    if (this.tickRefused) {
      this.counters.eventsDropped++;
      return;
    }
    this.bufferEvent(event);
    if (this.snapshotLoaded) this.bridgeBuffered();
    else if (!this.snapshotPending) this.askForSnapshot(this.state === 'idle' ? 'initial synchronisation' : this.stateReason);
  }

  /**
   * A depth frame could not be decoded and was dropped. The next good diff shows the broken chain by
   * itself; a run of unusable ones means the book has stopped advancing while messages flow, and is
   * counted like diffs that do not advance it.
   */
  onUnusableDepth(reason: string): void {
    if (this.mode !== 'full' || this.tickRefused) return;
    if (this.state !== 'live') {
      // Not live yet: unusable diffs still mean the stream is there, so the snapshot is asked for (it
      // tells whether the tick size fits), and a loaded one that nothing can bridge is given up on.
      if (this.snapshotLoaded) this.noteUnbridged(NaN, `none could be used (last: ${reason})`);
      else if (!this.snapshotPending) this.askForSnapshot(this.state === 'idle' ? 'initial synchronisation' : this.stateReason);
      return;
    }
    if (this.stalledUpdates++ === 0) this.stalledSince = NaN;
    const n = this.stalledUpdates;
    if (n < this.stallAfterUpdates) return;
    this.stalledUpdates = 0;
    this.resyncAfterFault('stalled', `depth updates stopped advancing the book: ${n} in a row could not be used (last: ${reason})`);
  }

  /**
   * Starts a background check of the live book: from now on the diffs it applies are recorded, and the
   * REST snapshot asked for next is handed to `verify`. False when there is nothing to check (depth20,
   * not live) or a check is already running.
   */
  beginVerification(): boolean {
    if (this.mode !== 'full' || this.state !== 'live' || this.verifier !== undefined) return false;
    this.verifier = new BookVerifier(this.book.symbol, this.book.tickSize, this.book.lastUpdateId, this.known);
    return true;
  }

  /** The snapshot fetched for the check begun by `beginVerification`; the outcome goes to `onVerification`. */
  verify(snapshot: DepthSnapshotEvent): void {
    const verifier = this.verifier;
    if (verifier === undefined) return;
    if (snapshot.symbol !== '' && snapshot.symbol !== this.book.symbol) {
      this.counters.wrongSymbol++;
      this.endVerification({ kind: 'inconclusive', reason: `the snapshot is for ${snapshot.symbol}, not ${this.book.symbol}` });
      return;
    }
    const misfit = this.offGridPrice(snapshot);
    if (misfit !== undefined) {
      const scale = this.book.scale;
      const message = `the exchange's REST snapshot (update ${snapshot.lastUpdateId}) has prices off the book's tick ${scale.format(scale.tickSize)} (e.g. ${formatStep(misfit)})`;
      this.endVerification({ kind: 'mismatch', updateId: this.book.lastUpdateId, message });
      return;
    }
    const outcome = verifier.onSnapshot(snapshot, this.book);
    if (outcome !== undefined) this.endVerification(outcome);
  }

  /** The tick size did not fit the snapshot's prices: only an engine built with new exchangeInfo can go on. */
  get needsExchangeInfo(): boolean {
    return this.tickRefused;
  }

  /** Faults since the last healthy live period (3 or more make the book `degraded`). */
  get consecutiveFaults(): number {
    return this.faultStreak;
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
    if (this.state === 'live' || this.tickRefused) {
      this.counters.snapshotsIgnored++;
      return;
    }
    this.snapshotPending = false;
    const misfit = this.offGridPrice(snapshot);
    if (misfit !== undefined) {
      this.refuseTick(misfit, snapshot);
      return;
    }
    const book = this.book;
    book.replaceSide('bid', snapshot.bids);
    book.replaceSide('ask', snapshot.asks);
    book.lastUpdateId = snapshot.lastUpdateId;
    book.eventTime = snapshot.eventTime;
    this.known = { lowestBid: lowest(snapshot.bids), highestAsk: highest(snapshot.asks) };
    this.counters.snapshotsApplied++;
    this.snapshotLoaded = true;
    this.unbridgedUpdates = 0;
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
    this.stalledUpdates = 0;
    this.abandonVerification('the book resynchronised before the check completed');
    if (this.tickRefused) return;
    this.setNotLive(reason);
  }

  /** Forgets everything: a new symbol or a new session. */
  reset(): void {
    this.buffer.length = 0;
    this.snapshotPending = false;
    this.snapshotLoaded = false;
    this.tickRefused = false;
    this.stalledUpdates = 0;
    this.faultStreak = 0;
    this.unbridgedSnapshots = 0;
    this.known = { lowestBid: NaN, highestAsk: NaN };
    this.abandonVerification('the book was reset');
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
    if (book.isCrossed()) {
      this.fault('crossed', `${this.crossedText()} in the partial depth frame u ${event.finalUpdateId}; waiting for a consistent frame`);
      this.setNotLive(this.stateReasonAfterFault());
      return;
    }
    this.noteHealthy();
    if (this.state !== 'live') this.setState('live', 'partial depth stream');
  }

  private applyLive(event: DepthUpdateEvent): void {
    const book = this.book;
    if (event.finalUpdateId <= book.lastUpdateId) {
      this.counters.eventsSkipped++;
      this.noteNotAdvancing(event);
      return;
    }
    this.stalledUpdates = 0;
    if (event.prevFinalUpdateId !== book.lastUpdateId) {
      this.counters.gaps++;
      const reason = `gap in the depth stream: pu ${event.prevFinalUpdateId} does not follow u ${book.lastUpdateId}`;
      this.resync(reason, event);
      return;
    }
    this.apply(event);
    if (book.isCrossed()) {
      this.resyncAfterFault('crossed', `${this.crossedText()} after update ${event.finalUpdateId} — the exchange's depth data contradicts itself`, event);
      return;
    }
    const verifier = this.verifier;
    if (verifier !== undefined) {
      const outcome = verifier.onApplied(event, book);
      if (outcome !== undefined) this.endVerification(outcome);
    }
    if (this.faultStreak > 0) this.noteHealthy();
  }

  /**
   * A live diff whose `u` is not beyond the book's: a duplicate now and then is harmless, but a run of
   * them while messages keep flowing means the book is frozen — the ids reset lower or repeat.
   */
  private noteNotAdvancing(event: DepthUpdateEvent): void {
    if (this.stalledUpdates++ === 0) this.stalledSince = event.eventTime;
    const n = this.stalledUpdates;
    if (n < this.stallAfterUpdates && !(n >= 3 && event.eventTime - this.stalledSince >= this.stallAfterMs)) return;
    const last = this.book.lastUpdateId;
    const cause =
      event.finalUpdateId < last ? "the exchange's update ids went backwards" : `the exchange keeps repeating update ${last}`;
    this.stalledUpdates = 0;
    this.resyncAfterFault('stalled', `depth updates stopped advancing the book: u ${event.finalUpdateId} ≤ ${last} for ${n} updates — ${cause}`, event);
  }

  private apply(event: DepthUpdateEvent): void {
    const book = this.book;
    book.applyLevels('bid', event.bids);
    book.applyLevels('ask', event.asks);
    book.lastUpdateId = event.finalUpdateId;
    book.eventTime = event.eventTime;
    this.counters.eventsApplied++;
  }

  /** Leaves live (or stays out of it), keeps `event` as the first diff of the new chain, asks for a snapshot. */
  private resync(reason: string, event?: DepthUpdateEvent): void {
    this.abandonVerification('the book resynchronised before the check completed');
    this.setNotLive(reason);
    this.buffer.length = 0;
    this.snapshotLoaded = false;
    if (event !== undefined) this.bufferEvent(event);
    this.askForSnapshot(reason);
  }

  private resyncAfterFault(kind: SyncFaultKind, message: string, event?: DepthUpdateEvent): void {
    this.fault(kind, message);
    this.resync(this.stateReasonAfterFault(), event);
  }

  /** Counts and reports a fault; the caller resolves it. */
  private fault(kind: SyncFaultKind, message: string): void {
    const counters = this.counters;
    counters.faults++;
    (counters[FAULT_COUNTER[kind]] as number)++;
    this.faultStreak++;
    this.healthyUpdates = 0;
    this.lastFaultMessage = message;
    this.options.onFault?.({ kind, message });
  }

  /** The reason shown after a fault: the fault itself, and how many in a row when that makes the book degraded. */
  private stateReasonAfterFault(): string {
    const message = this.lastFaultMessage;
    if (this.faultStreak < this.degradedAfterFaults) return `${message}; resynchronising`;
    return `${message} — ${this.faultStreak} consistency checks failed in a row without a healthy live period; still retrying`;
  }

  private setNotLive(reason: string): void {
    this.setState(this.faultStreak >= this.degradedAfterFaults ? 'degraded' : 'resyncing', reason);
  }

  private noteHealthy(): void {
    if (this.faultStreak > 0 && ++this.healthyUpdates >= this.healthyAfterUpdates) {
      this.faultStreak = 0;
      this.unbridgedSnapshots = 0;
    }
  }

  /**
   * One more diff that did not bridge the loaded snapshot (`eventTime` NaN when it could not be read).
   * True when the snapshot was given up on: a `never-bridges` fault, and another snapshot asked for.
   */
  private noteUnbridged(eventTime: number, newest: string): boolean {
    if (this.unbridgedUpdates++ === 0) this.unbridgedSince = eventTime;
    const n = this.unbridgedUpdates;
    const span = eventTime - this.unbridgedSince;
    if (n < this.bridgeWithinUpdates && !(n >= 3 && span >= this.bridgeWithinMs)) return false;
    this.unbridgedSnapshots++;
    const over = span === span ? ` over ${(span / 1000).toFixed(1)} s` : '';
    const snapshots = this.unbridgedSnapshots;
    this.resyncAfterFault(
      'never-bridges',
      `the depth snapshot (update ${this.book.lastUpdateId}) is ahead of every depth update: ${n} updates${over}, ${newest}` +
        ` (${snapshots} snapshot${snapshots === 1 ? '' : 's'} in a row did not bridge); asking for another`,
    );
    return true;
  }

  private crossedText(): string {
    const book = this.book;
    const scale = book.scale;
    return `the book is crossed: best bid ${scale.format(book.bestPrice('bid'))} ≥ best ask ${scale.format(book.bestPrice('ask'))}`;
  }

  private endVerification(outcome: VerifyOutcome): void {
    this.verifier = undefined;
    if (outcome.kind === 'match') this.counters.verified++;
    else if (outcome.kind === 'inconclusive') this.counters.verifyInconclusive++;
    this.options.onVerification?.(outcome);
    if (outcome.kind === 'mismatch') this.resyncAfterFault('verify-mismatch', outcome.message);
  }

  /** Ends a background check without a verdict (e.g. its snapshot could not be fetched). */
  abandonVerification(reason: string): void {
    if (this.verifier !== undefined) this.endVerification({ kind: 'inconclusive', reason });
  }

  /** The first snapshot price that is not on this book's tick grid, with the step the data is written at. */
  private offGridPrice(snapshot: DepthSnapshotEvent): number | undefined {
    const scale = this.book.scale;
    for (const side of [snapshot.bids, snapshot.asks]) {
      for (let i = 0; i < side.length; i += 2) if (!scale.isOnGrid(side[i])) return side[i];
    }
    return undefined;
  }

  /** The snapshot's prices do not fit the tick: no snapshot can fix that, only new exchangeInfo can. */
  private refuseTick(price: number, snapshot: DepthSnapshotEvent): void {
    const scale = this.book.scale;
    const step = finestStep(snapshot);
    const message =
      `exchangeInfo gives tick ${scale.format(scale.tickSize)} for ${this.book.symbol} but the book has prices at ${formatStep(step)} steps ` +
      `(e.g. ${formatStep(price)} in snapshot ${snapshot.lastUpdateId}); the book cannot be held at that tick size`;
    this.tickRefused = true;
    this.buffer.length = 0;
    this.snapshotLoaded = false;
    this.fault('tick-mismatch', message);
    this.setState('degraded', message);
  }

  private bufferEvent(event: DepthUpdateEvent): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.counters.eventsDropped++;
    }
    this.buffer.push(event);
  }

  private askForSnapshot(reason: string): void {
    this.unbridgedUpdates = 0;
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
      const newest = buffer[buffer.length - 1];
      buffer.length = 0;
      if (newest !== undefined && this.noteUnbridged(newest.eventTime, `the newest reached only u ${newest.finalUpdateId}`)) return;
      // Every diff so far predates the snapshot: the next one to arrive must bridge it.
      this.setState(this.state === 'idle' ? 'syncing' : this.state, 'waiting for a depth update that bridges the snapshot');
      return;
    }
    const first = buffer[i];
    if (first.firstUpdateId > snapshotId) {
      this.counters.snapshotsTooOld++;
      buffer.splice(0, i);
      const reason = `snapshot ${snapshotId} is older than the buffered updates (first U ${first.firstUpdateId})`;
      // One late snapshot is a normal race between REST and the stream; several in a row are not.
      if (++this.unbridgedSnapshots >= 2) {
        this.fault('never-bridges', `${reason}: ${this.unbridgedSnapshots} snapshots in a row did not bridge the depth stream`);
        this.setNotLive(this.stateReasonAfterFault());
      }
      this.askForSnapshot(reason);
      return;
    }
    this.apply(first);
    for (let k = i + 1; k < buffer.length; k++) {
      const event = buffer[k];
      if (event.prevFinalUpdateId !== book.lastUpdateId) {
        this.counters.gaps++;
        const reason = `gap in buffered depth updates: pu ${event.prevFinalUpdateId} does not follow u ${book.lastUpdateId}`;
        buffer.splice(0, k);
        this.setNotLive(reason);
        this.askForSnapshot(reason);
        return;
      }
      this.apply(event);
    }
    buffer.length = 0;
    this.snapshotLoaded = false;
    this.unbridgedSnapshots = 0;
    if (book.isCrossed()) {
      this.resyncAfterFault('crossed', `${this.crossedText()} after snapshot ${snapshotId} was bridged (update ${book.lastUpdateId}) — the exchange's depth data contradicts itself`);
      return;
    }
    this.stalledUpdates = 0;
    this.setState('live', 'book synchronised with the depth stream');
  }

  private setState(status: BookStatus, reason: string): void {
    if (status === this.state && reason === this.stateReason) return;
    this.state = status;
    this.stateReason = reason;
    this.options.onStatus?.(status, reason);
  }
}

function lowest(flat: readonly number[]): number {
  let out = NaN;
  for (let i = 0; i < flat.length; i += 2) if (!(flat[i] >= out)) out = flat[i];
  return out;
}

function highest(flat: readonly number[]): number {
  let out = NaN;
  for (let i = 0; i < flat.length; i += 2) if (!(flat[i] <= out)) out = flat[i];
  return out;
}

/** Decimals of the most precise price in the snapshot, as a step (0.1 for prices like 61659.7). */
function finestStep(snapshot: DepthSnapshotEvent): number {
  let decimals = 0;
  for (const side of [snapshot.bids, snapshot.asks]) {
    for (let i = 0; i < side.length; i += 2) decimals = Math.max(decimals, decimalsOf(side[i]));
  }
  return 10 ** -decimals;
}

function formatStep(value: number): string {
  return value.toFixed(Math.min(12, decimalsOf(value)));
}
