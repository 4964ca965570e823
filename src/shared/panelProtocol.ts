/**
 * The one message protocol between the extension host and the order-book webview. Both sides compile
 * this module; it imports nothing (no `vscode`, no Node), so the webview bundle can include it.
 *
 * Ladder numbers travel as typed arrays: VS Code transfers ArrayBuffers cheaply, whereas thousands of
 * small JSON objects cost time on both sides every frame.
 */

/** The view type of the order-book panel (also its serializer's key). */
export const ORDER_BOOK_VIEW_TYPE = 'flowsight.orderBook';

export type PanelFeedState = 'idle' | 'connecting' | 'syncing' | 'live' | 'stale' | 'reconnecting' | 'circuit-open' | 'failed' | 'degraded' | 'replay' | 'paused';

/** Where a frame's data comes from; the custom-endpoint marker is the host's business. */
export type PanelSourceKind = 'binance' | 'demo' | 'replay';

/** The widest grouping a ladder row may have, in ticks (also the bound on a `setGrouping` message). */
export const MAX_GROUP_TICKS = 100_000;

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

/**
 * Everything the panel draws for one frame. The feed worker takes one frame per tick; the status bar
 * and the health view show the status of the same frame, so all three show the same best bid / ask.
 */
export interface BookSnapshotMessage {
  readonly type: 'snapshot';
  /** The frame id, shared with the status of the same frame; increases with every frame. */
  readonly seq: number;
  /** Worker time (ms since epoch) when the frame was taken. */
  readonly sentAt: number;
  /** Changes whenever the data comes from somewhere else (another feed, recording or worker): the page drops the old book. */
  readonly sourceKey: string;
  readonly sourceKind: PanelSourceKind;
  readonly symbol: string;
  readonly state: PanelFeedState;
  readonly reason: string;
  /** Milliseconds in `state` when the frame was taken. */
  readonly stateAgeMs: number;
  /** Milliseconds since the book last changed when the frame was taken. */
  readonly dataAgeMs: number;
  /** Milliseconds since a REST snapshot last matched the book; NaN when none has yet. */
  readonly verifiedAgeMs: number;
  readonly tickSize: number;
  /** The grouping in force, in ticks (1 = no aggregation): the toolbar shows this one. */
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
  readonly refreshIntervalMs: number;
  readonly showCumulative: boolean;
}

export type HostToWebview =
  | { readonly type: 'init'; readonly symbol: string; readonly tickSize: number; readonly settings: PanelSettings; readonly paused: boolean }
  | BookSnapshotMessage
  | { readonly type: 'settings'; readonly settings: PanelSettings }
  | { readonly type: 'paused'; readonly paused: boolean };

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

/** Bounds of what the webview may send. */
export const MAX_ERROR_MESSAGE_CHARS = 500;
const MAX_FRAME_MS = 60_000;

/** One line of at most `max` characters, control characters replaced by spaces (it goes to the log). */
function cleanText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const wholeIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Narrows an unknown message from the webview; anything else is rejected with a reason. Every number
 * and string is bounded, and only the known keys are copied (anything else the page sent is dropped).
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | string {
  if (typeof value !== 'object' || value === null) return 'message is not an object';
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setGrouping':
      return wholeIn(m.groupTicks, 1, MAX_GROUP_TICKS) ? { type: 'setGrouping', groupTicks: m.groupTicks } : `setGrouping needs a whole groupTicks from 1 to ${MAX_GROUP_TICKS}`;
    case 'setRows':
      return wholeIn(m.rows, 20, 10000) ? { type: 'setRows', rows: m.rows } : 'setRows needs rows from 20 to 10000';
    case 'setPaused':
      return typeof m.paused === 'boolean' ? { type: 'setPaused', paused: m.paused } : 'setPaused needs a boolean';
    case 'toggleCumulative':
      return typeof m.show === 'boolean' ? { type: 'toggleCumulative', show: m.show } : 'toggleCumulative needs a boolean';
    case 'painted':
      return wholeIn(m.seq, 0, Number.MAX_SAFE_INTEGER) && typeof m.frameMs === 'number' && Number.isFinite(m.frameMs) && m.frameMs >= 0 && m.frameMs <= MAX_FRAME_MS
        ? { type: 'painted', seq: m.seq, frameMs: m.frameMs }
        : `painted needs a whole seq and a frameMs from 0 to ${MAX_FRAME_MS}`;
    case 'error':
      return typeof m.message === 'string' ? { type: 'error', message: cleanText(m.message, MAX_ERROR_MESSAGE_CHARS) } : 'error needs a message';
    default:
      return `unknown message type ${typeof m.type === 'string' ? JSON.stringify(cleanText(m.type, 40)) : typeof m.type}`;
  }
}

/** The scalar numbers of a snapshot, any of which may be NaN (an empty side, no verification yet). */
const SNAPSHOT_NUMBERS = [
  'seq', 'sentAt', 'stateAgeMs', 'dataAgeMs', 'verifiedAgeMs', 'tickSize', 'groupTicks', 'bestBid', 'bestAsk',
  'bestBidQty', 'bestAskQty', 'spread', 'mid', 'microPrice', 'imbalance', 'lastUpdateId', 'eventTime', 'cvd',
] as const satisfies ReadonlyArray<keyof BookSnapshotMessage>;

/**
 * A snapshot as the webview receives it. VS Code carries webview messages as JSON, where NaN and
 * ±Infinity arrive as null; a null taken for a number reads as 0 ("verified just now" for a book
 * never verified), so every scalar that is not a number becomes NaN again.
 */
export function receivedSnapshot(message: BookSnapshotMessage): BookSnapshotMessage {
  const out = { ...message } as Record<string, unknown>;
  for (const key of SNAPSHOT_NUMBERS) if (typeof out[key] !== 'number') out[key] = NaN;
  return out as unknown as BookSnapshotMessage;
}
