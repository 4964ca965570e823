import type { DepthSnapshotEvent, DepthUpdateEvent } from '../protocol/events';
import type { Side } from './bookView';
import { OrderBook } from './orderBook';

/** How a background check of the local book against a fresh REST snapshot ended. */
export type VerifyOutcome =
  | { readonly kind: 'match'; readonly updateId: number; readonly levelsCompared: number }
  | { readonly kind: 'mismatch'; readonly updateId: number; readonly message: string }
  | { readonly kind: 'inconclusive'; readonly reason: string };

/** The price range on each side that a book knows level by level (from its snapshot). */
export interface KnownRange {
  /** Lowest bid price of the snapshot the book started from (bids at or above it are known). */
  readonly lowestBid: number;
  /** Highest ask price of that snapshot (asks at or below it are known). */
  readonly highestAsk: number;
}

/**
 * Checks the local book against a REST snapshot taken while it is live, at the very same update id.
 *
 * A snapshot's `lastUpdateId` L falls inside some diff's [U, u] (or equals a diff's u). The snapshot plus
 * every diff from that one on is the book at each diff's u exactly, so a shadow book seeded with the
 * snapshot and fed the same diffs as the local book reaches the local book's update id; then the two are
 * compared level by level where both know every level: within the snapshot's price range and within the
 * range the local book's own snapshot covered (levels further out are known only where a diff touched them).
 *
 * The verifier starts recording diffs when the snapshot is asked for, so a snapshot that lags a little
 * behind the stream is still bridged from the recorded diffs.
 */
export class BookVerifier {
  private readonly recorded: DepthUpdateEvent[] = [];
  private shadow: OrderBook | undefined;
  private snapshotId = 0;
  private bridged = false;
  private waited = 0;
  private lowestBid = NaN;
  private highestAsk = NaN;

  constructor(
    private readonly symbol: string,
    private readonly tickSize: number,
    /** The local book's update id when the snapshot was asked for. */
    private readonly startId: number,
    private readonly known: KnownRange,
    /** Diffs to record or wait through before giving up (bounded memory). */
    private readonly maxDiffs = 3000,
  ) {}

  /** The REST snapshot arrived; `local` is the live book. An outcome when one is known now. */
  onSnapshot(snapshot: DepthSnapshotEvent, local: OrderBook): VerifyOutcome | undefined {
    const id = snapshot.lastUpdateId;
    if (id < this.startId) {
      return { kind: 'inconclusive', reason: `the snapshot (update ${id}) is older than the book was when it was asked for (update ${this.startId})` };
    }
    const shadow = new OrderBook(this.symbol, this.tickSize);
    shadow.replaceSide('bid', snapshot.bids);
    shadow.replaceSide('ask', snapshot.asks);
    shadow.lastUpdateId = id;
    this.shadow = shadow;
    this.snapshotId = id;
    this.lowestBid = worst(snapshot.bids, Math.min);
    this.highestAsk = worst(snapshot.asks, Math.max);
    for (const event of this.recorded) {
      if (event.finalUpdateId < id) continue;
      this.bridged = true;
      applyTo(shadow, event);
    }
    this.recorded.length = 0;
    if (this.bridged || id === local.lastUpdateId) {
      this.bridged = true;
      return this.compare(local);
    }
    return undefined;
  }

  /** A diff the local book has just applied. An outcome when one is known now. */
  onApplied(event: DepthUpdateEvent, local: OrderBook): VerifyOutcome | undefined {
    const shadow = this.shadow;
    if (shadow === undefined) {
      if (this.recorded.length >= this.maxDiffs) {
        return { kind: 'inconclusive', reason: `the snapshot did not arrive within ${this.maxDiffs} depth updates` };
      }
      this.recorded.push(event);
      return undefined;
    }
    if (!this.bridged) {
      if (event.finalUpdateId < this.snapshotId) {
        if (++this.waited >= this.maxDiffs) {
          return { kind: 'inconclusive', reason: `no depth update reached the snapshot's update ${this.snapshotId} within ${this.maxDiffs} updates` };
        }
        return undefined;
      }
      this.bridged = true;
    }
    applyTo(shadow, event);
    return this.compare(local);
  }

  private compare(local: OrderBook): VerifyOutcome {
    const shadow = this.shadow!;
    const updateId = local.lastUpdateId;
    if (shadow.lastUpdateId !== updateId) {
      return { kind: 'inconclusive', reason: `the check reached update ${shadow.lastUpdateId} but the book is at ${updateId}` };
    }
    const bidFloor = Math.max(this.lowestBid, this.known.lowestBid);
    const askCeiling = Math.min(this.highestAsk, this.known.highestAsk);
    let compared = 0;
    for (const side of ['bid', 'ask'] as const) {
      const limit = side === 'bid' ? bidFloor : askCeiling;
      if (limit !== limit) continue;
      const mine = levelsWithin(local, side, limit);
      const theirs = levelsWithin(shadow, side, limit);
      const difference = firstDifference(side, mine, theirs);
      if (difference !== undefined) {
        const [price, localQty, snapshotQty] = difference;
        const text = local.scale.format(price);
        return {
          kind: 'mismatch',
          updateId,
          message: `the book differs from the exchange's REST snapshot (update ${this.snapshotId}, brought to ${updateId}): ${side} ${text} holds ${localQty} here but ${snapshotQty} on the exchange`,
        };
      }
      compared += mine.length >> 1;
    }
    if (compared === 0) return { kind: 'inconclusive', reason: 'the snapshot and the book share no price range to compare' };
    return { kind: 'match', updateId, levelsCompared: compared };
  }
}

function applyTo(book: OrderBook, event: DepthUpdateEvent): void {
  book.applyLevels('bid', event.bids);
  book.applyLevels('ask', event.asks);
  book.lastUpdateId = event.finalUpdateId;
}

/** The outermost price of a flat [price, qty, ...] side, or NaN when it is empty. */
function worst(flat: readonly number[], pick: (a: number, b: number) => number): number {
  let out = NaN;
  for (let i = 0; i < flat.length; i += 2) out = out !== out ? flat[i] : pick(out, flat[i]);
  return out;
}

/** Flat [price, qty, ...] of a side from the touch out to `limit` (inclusive), best first. */
function levelsWithin(book: OrderBook, side: Side, limit: number): number[] {
  const out: number[] = [];
  book.forEachLevel(side, (price, qty) => {
    if (side === 'bid' ? price < limit : price > limit) return false;
    out.push(price, qty);
    return true;
  });
  return out;
}

/** The first price (best first) where the two sides disagree: [price, local qty, snapshot qty]. */
function firstDifference(side: Side, mine: readonly number[], theirs: readonly number[]): [number, number, number] | undefined {
  let i = 0;
  let j = 0;
  // Best first: bids descend, asks ascend.
  const before = side === 'bid' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  while (i < mine.length || j < theirs.length) {
    if (j >= theirs.length || (i < mine.length && before(mine[i], theirs[j]))) return [mine[i], mine[i + 1], 0];
    if (i >= mine.length || before(theirs[j], mine[i])) return [theirs[j], 0, theirs[j + 1]];
    if (mine[i + 1] !== theirs[j + 1]) return [mine[i], mine[i + 1], theirs[j + 1]];
    i += 2;
    j += 2;
  }
  return undefined;
}
