import type { WireDepthSnapshot } from '../protocol/binanceTypes';
import type { StreamMessageKind } from './streamNames';
import type { SymbolSpec } from './symbolSpec';

/**
 * Where a market publishes: payloads are JSON text under the stream's canonical name (see
 * streamNames.ts). A market asks `wants` first so it never serialises what nobody reads — but it
 * still evolves identically, so the market does not depend on who is watching.
 */
export interface MarketSink {
  wants(stream: string): boolean;
  publish(stream: string, payload: string, kind: StreamMessageKind): void;
}

export interface TopOfBook {
  lastUpdateId: number;
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

export type SnapshotAnswer = { ok: true; snapshot: WireDepthSnapshot } | { ok: false; reason: 'unknownSymbol' | 'notReady' };

/** What the exchange needs from a market, synthetic or replayed. */
export interface ExchangeMarket {
  readonly kind: 'synthetic' | 'replay';
  specs(): readonly SymbolSpec[];
  spec(symbol: string): SymbolSpec | undefined;
  topOfBook(symbol: string, levels: number): TopOfBook;
  /** The REST depth answer; a replay that has no synchronised book yet may wait for one. */
  depthSnapshot(symbol: string, limit: number): Promise<SnapshotAnswer>;
  /** Told how many WebSocket clients are connected (a synthetic market idles with none). */
  setClientCount(count: number): void;
  pause(): void;
  resume(): void;
  /** Ends every timer; the market cannot be resumed after. */
  stop(): void;
}
