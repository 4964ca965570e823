/**
 * The one message protocol between the extension host and the order-book webview. Both sides compile
 * this module; it imports nothing (no `vscode`, no Node), so the webview bundle can include it.
 *
 * Ladder numbers travel as typed arrays: VS Code transfers ArrayBuffers cheaply, whereas thousands of
 * small JSON objects cost time on both sides every frame.
 */

/** The view type of the order-book panel (also its serializer's key). */
export const ORDER_BOOK_VIEW_TYPE = 'flowsight.orderBook';

export type PanelFeedState = 'idle' | 'connecting' | 'syncing' | 'live' | 'degraded' | 'stale' | 'reconnecting' | 'circuit-open' | 'failed' | 'replay' | 'paused';

/** One side of the aggregated ladder, best price first. */
export interface LadderSide {
  /** Bucket prices (already aggregated to the grouping), best first. */
  readonly prices: Float64Array;
  /** Summed quantity per bucket. */
  readonly qtys: Float64Array;
}

/** Recent trades, newest first, as parallel typed arrays. */
export interface TradeTape {
  readonly times: Float64Array;
  readonly prices: Float64Array;
  readonly qtys: Float64Array;
  /** 1 = aggressive buy, -1 = aggressive sell. */
  readonly sides: Int8Array;
}

export interface LastTrade {
  readonly price: number;
  readonly qty: number;
  readonly side: 'buy' | 'sell';
  readonly time: number;
}

/** Everything the panel draws for one frame. */
export interface BookSnapshotMessage {
  readonly type: 'snapshot';
  /** Increases with every snapshot; lets the webview report which frame it painted. */
  readonly seq: number;
  /** Host time (ms since epoch) when the snapshot was taken. */
  readonly sentAt: number;
  readonly symbol: string;
  readonly state: PanelFeedState;
  readonly reason: string;
  readonly tickSize: number;
  /** Grouping in ticks (1 = no aggregation). */
  readonly groupTicks: number;
  readonly bestBid: number;
  readonly bestAsk: number;
  readonly bestBidQty: number;
  readonly bestAskQty: number;
  readonly spread: number;
  readonly mid: number;
  readonly microPrice: number;
  /** Imbalance over the top 10 levels, in [-1, 1]. */
  readonly imbalance: number;
  readonly lastUpdateId: number;
  readonly eventTime: number;
  readonly bids: LadderSide;
  readonly asks: LadderSide;
  readonly lastTrade: LastTrade | null;
  readonly trades: TradeTape;
  /** Cumulative volume delta since the panel's session began. */
  readonly cvd: number;
}

export interface PanelSettings {
  readonly maxVisibleRows: number;
  /** Grouping choices offered in the toolbar, in ticks, e.g. [1, 10, 100, 1000]. */
  readonly groupingChoices: readonly number[];
  readonly groupTicks: number;
  readonly refreshIntervalMs: number;
  readonly showCumulative: boolean;
}

export type HostToWebview =
  | { readonly type: 'init'; readonly symbol: string; readonly tickSize: number; readonly settings: PanelSettings; readonly paused: boolean }
  | BookSnapshotMessage
  | { readonly type: 'settings'; readonly settings: PanelSettings }
  | { readonly type: 'paused'; readonly paused: boolean }
  | { readonly type: 'status'; readonly state: PanelFeedState; readonly reason: string };

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'setGrouping'; readonly groupTicks: number }
  | { readonly type: 'setRows'; readonly rows: number }
  | { readonly type: 'setPaused'; readonly paused: boolean }
  | { readonly type: 'toggleCumulative'; readonly show: boolean }
  /** The webview painted snapshot `seq`; `frameMs` is how long that frame took to draw — for benchmarks. */
  | { readonly type: 'painted'; readonly seq: number; readonly frameMs: number }
  | { readonly type: 'error'; readonly message: string };

/** State the webview keeps across reloads through `vscode.setState`. */
export interface PanelViewState {
  readonly locked: boolean;
  /** Rows scrolled away from the centre when unlocked. */
  readonly scrollRows: number;
  readonly showCumulative: boolean;
}

/** Narrows an unknown message from the webview; anything else is rejected with a reason. */
export function parseWebviewMessage(value: unknown): WebviewToHost | string {
  if (typeof value !== 'object' || value === null) return 'message is not an object';
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setGrouping':
      return Number.isInteger(m.groupTicks) && (m.groupTicks as number) >= 1 ? { type: 'setGrouping', groupTicks: m.groupTicks as number } : 'setGrouping needs a positive whole groupTicks';
    case 'setRows':
      return Number.isInteger(m.rows) && (m.rows as number) >= 20 && (m.rows as number) <= 10000 ? { type: 'setRows', rows: m.rows as number } : 'setRows needs rows from 20 to 10000';
    case 'setPaused':
      return typeof m.paused === 'boolean' ? { type: 'setPaused', paused: m.paused } : 'setPaused needs a boolean';
    case 'toggleCumulative':
      return typeof m.show === 'boolean' ? { type: 'toggleCumulative', show: m.show } : 'toggleCumulative needs a boolean';
    case 'painted':
      return typeof m.seq === 'number' && typeof m.frameMs === 'number' ? { type: 'painted', seq: m.seq, frameMs: m.frameMs } : 'painted needs seq and frameMs';
    case 'error':
      return typeof m.message === 'string' ? { type: 'error', message: m.message } : 'error needs a message';
    default:
      return `unknown message type ${JSON.stringify(m.type)}`;
  }
}
