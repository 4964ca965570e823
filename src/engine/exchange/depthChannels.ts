import type { Side } from '../book/bookView';
import type { WireDepthUpdate, WireLevel } from '../protocol/binanceTypes';
import type { ExchangeBook } from './exchangeBook';
import type { MarketSink } from './market';
import {
  DIFF_SPEEDS,
  PARTIAL_LEVELS,
  diffDepthStream,
  partialDepthStream,
  type DiffSpeedMs,
  type PartialSpeedMs,
} from './streamNames';
import { lotsText, ticksText, type SymbolSpec } from './symbolSpec';

/** Changes gathered for one diff-depth speed since its last event. */
class PendingDiff {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  firstId = 0;
  lastId = 0;

  constructor(public previousLastId: number) {}

  get empty(): boolean {
    return this.firstId === 0;
  }

  record(side: Side, ticks: number, lots: number, id: number): void {
    if (this.firstId === 0) this.firstId = id;
    this.lastId = id;
    (side === 'bid' ? this.bids : this.asks).set(ticks, lots);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.previousLastId = this.lastId;
    this.firstId = 0;
  }
}

/**
 * The diff-depth and partial-depth streams of one symbol. Every speed keeps its own U/u/pu chain,
 * as on Binance: an event carries the final size of every level touched since that speed's previous
 * event, U the first change id in it, u the last, pu the previous event's u. Changes are always
 * gathered, watched or not, so a client that subscribes later joins a chain that has no holes.
 */
export class DepthChannels {
  private readonly pending = new Map<DiffSpeedMs, PendingDiff>();

  constructor(
    private readonly spec: SymbolSpec,
    private readonly book: ExchangeBook,
  ) {
    for (const speed of DIFF_SPEEDS) this.pending.set(speed, new PendingDiff(book.lastUpdateId));
  }

  record(side: Side, ticks: number, lots: number, id: number): void {
    for (const pending of this.pending.values()) pending.record(side, ticks, lots, id);
  }

  /** Emits every speed whose interval boundary lies in (fromMs, toMs] of market time; 0 ms every step. */
  emitDue(fromMs: number, toMs: number, wallMs: number, sink: MarketSink): void {
    for (const speed of DIFF_SPEEDS) {
      if (speed === 0 || Math.floor(fromMs / speed) !== Math.floor(toMs / speed)) this.emit(speed, wallMs, sink);
    }
  }

  /** Emits whatever is pending at every speed, so a paused market has published its whole book. */
  flush(wallMs: number, sink: MarketSink): void {
    for (const speed of DIFF_SPEEDS) this.emit(speed, wallMs, sink);
  }

  private emit(speed: DiffSpeedMs, wallMs: number, sink: MarketSink): void {
    const pending = this.pending.get(speed)!;
    if (pending.empty) return;
    const ids = { U: pending.firstId, u: pending.lastId, pu: pending.previousLastId };
    const diffName = diffDepthStream(this.spec.symbol, speed);
    if (sink.wants(diffName)) {
      const payload: WireDepthUpdate = {
        e: 'depthUpdate',
        E: wallMs,
        T: this.book.lastTransactionTime,
        s: this.spec.symbol,
        U: ids.U,
        u: ids.u,
        pu: ids.pu,
        b: this.levelsAscending(pending.bids),
        a: this.levelsAscending(pending.asks),
      };
      sink.publish(diffName, JSON.stringify(payload), 'diff');
    }
    pending.clear();
    if (speed !== 0) this.emitPartials(speed, ids, wallMs, sink);
  }

  /** Partial depth shares the diff stream's ids at the same speed and carries the top N levels. */
  private emitPartials(speed: PartialSpeedMs, ids: { U: number; u: number; pu: number }, wallMs: number, sink: MarketSink): void {
    for (const levels of PARTIAL_LEVELS) {
      const name = partialDepthStream(this.spec.symbol, levels, speed);
      if (!sink.wants(name)) continue;
      const payload: WireDepthUpdate = {
        e: 'depthUpdate',
        E: wallMs,
        T: this.book.lastTransactionTime,
        s: this.spec.symbol,
        U: ids.U,
        u: ids.u,
        pu: ids.pu,
        b: this.book.top('bid', levels).map(([t, l]) => [ticksText(this.spec, t), lotsText(this.spec, l)]),
        a: this.book.top('ask', levels).map(([t, l]) => [ticksText(this.spec, t), lotsText(this.spec, l)]),
      };
      sink.publish(name, JSON.stringify(payload), 'data');
    }
  }

  /** Binance lists the levels of a diff by ascending price on both sides. */
  private levelsAscending(levels: Map<number, number>): WireLevel[] {
    const ticks = [...levels.keys()].sort((x, y) => x - y);
    return ticks.map((t) => [ticksText(this.spec, t), lotsText(this.spec, levels.get(t)!)]);
  }
}
