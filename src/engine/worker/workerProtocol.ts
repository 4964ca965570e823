import type { FeedHealth } from '../live/feedHealth';
import type { DepthMode } from '../book/depthSynchronizer';
import type { PanelFeedState } from '../../shared/panelProtocol';

/** Where the feed worker gets its market data. */
export type FeedSourceConfig =
  | {
      readonly kind: 'binance';
      readonly symbol: string;
      readonly streamUrl: string;
      readonly restUrl: string;
      readonly depthMode: DepthMode;
      readonly maxReconnectAttempts: number;
      readonly staleAfterMs?: number;
    }
  | { readonly kind: 'demo'; readonly symbol: string; readonly depthMode: DepthMode; readonly seed?: number }
  | { readonly kind: 'replay'; readonly file: string; readonly speed: number; readonly depthMode: DepthMode; readonly loop?: boolean };

export interface WorkerViewConfig {
  /** Price grouping: 'auto' is the tick size of whatever symbol is shown, a number is a price step. */
  readonly grouping: 'auto' | number;
  readonly maxVisibleRows: number;
  readonly tapeSize: number;
  /** How often a frame is produced for the panel (ms). */
  readonly refreshIntervalMs: number;
  /** Whether the panel is visible: frames are only produced when someone looks. */
  readonly panelVisible: boolean;
}

export interface WorkerStart {
  readonly type: 'start';
  readonly source: FeedSourceConfig;
  readonly view: WorkerViewConfig;
  readonly ring: SharedArrayBuffer;
  /** How often a status record is written (ms). */
  readonly statusIntervalMs: number;
}

export type HostToWorker =
  | WorkerStart
  | { readonly type: 'setSymbol'; readonly id: number; readonly symbol: string }
  | { readonly type: 'reconnect' }
  | { readonly type: 'setView'; readonly view: WorkerViewConfig }
  | { readonly type: 'setPaused'; readonly paused: boolean }
  | { readonly type: 'listSymbols'; readonly id: number }
  | { readonly type: 'bookJson'; readonly id: number; readonly levels: number }
  | { readonly type: 'stop' };

export interface SymbolChoice {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly tickSize: number;
}

export type WorkerToHost =
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  /** Written to the ring; this wakes the host to read it promptly. */
  | { readonly type: 'ring' }
  | { readonly type: 'stopped' };

/**
 * The status half of a frame: what the status bar and the health view show. The worker takes one
 * frame per tick (the panel's ladder rides in the same record while the panel is visible), so every
 * surface shows the top of book of some frame, never a mix of two.
 */
export interface WorkerStatus {
  /** The frame id; the panel's snapshot of the same frame has it as its `seq`. */
  readonly frameId: number;
  readonly source: FeedSourceConfig['kind'];
  /** Changes when the data comes from somewhere else (see BookSnapshotMessage.sourceKey). */
  readonly sourceKey: string;
  /** While paused, the top below is the one at the moment of the pause. */
  readonly paused: boolean;
  readonly health: FeedHealth;
  readonly tickSize: number;
  /** The price grouping in force, in ticks (as resolved against this symbol's tick). */
  readonly groupTicks: number;
  /** Milliseconds since the book last changed. */
  readonly dataAgeMs: number;
  /**
   * What every surface says about this frame (the panel's snapshot carries the same): the feed's
   * state, or paused / replay; the ages are at `time`.
   */
  readonly display: {
    readonly state: PanelFeedState;
    readonly reason: string;
    readonly stateAgeMs: number;
    /** Exchange event time of the book (a replay is named by it). */
    readonly eventTime: number;
    /** Milliseconds since a REST snapshot last matched the book; NaN when none has yet. */
    readonly verifiedAgeMs: number;
  };
  readonly top: {
    readonly bestBid: number;
    readonly bestBidQty: number;
    readonly bestAsk: number;
    readonly bestAskQty: number;
    readonly lastTradePrice: number;
    readonly lastTradeQty: number;
    readonly lastTradeSide: 'buy' | 'sell' | '';
  };
  /** Fill of the ring the worker writes into (as the worker sees it). */
  readonly ring: { readonly capacityBytes: number; readonly usedBytes: number; readonly highWaterBytes: number; readonly dropped: number; readonly written: number };
  /** Where the demo exchange listens (demo source only). */
  readonly demoEndpoint?: { readonly wsUrl: string; readonly restUrl: string };
  readonly time: number;
}
