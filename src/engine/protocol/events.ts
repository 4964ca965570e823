import type { Side } from '../book/bookView';

/**
 * Every event the engine produces, as one discriminated union on `type`.
 * Prices and quantities are numbers; depth levels travel as flat arrays [price0, qty0, price1, qty1, ...]
 * so a depth frame costs one array, not one per level.
 */
export type EngineEvent =
  | TickPriceEvent
  | DepthUpdateEvent
  | DepthSnapshotEvent
  | TradeEvent
  | BookTickerEvent
  | LiquidationEvent
  | SignalEvent
  | WebSocketErrorEvent
  | MalformedEvent
  | ControlReplyEvent
  | StatusEvent;

export type EngineEventType = EngineEvent['type'];

/** Mark/index price tick (from `<s>@markPrice`). */
export interface TickPriceEvent {
  readonly type: 'tickPrice';
  readonly symbol: string;
  readonly eventTime: number;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly fundingRate: number;
  readonly nextFundingTime: number;
}

/** Diff depth (`@depth`) or partial depth (`@depth5/10/20`) — the same payload shape on futures. */
export interface DepthUpdateEvent {
  readonly type: 'depthUpdate';
  readonly symbol: string;
  readonly eventTime: number;
  readonly transactionTime: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly prevFinalUpdateId: number;
  /** Flat [price, qty, price, qty, ...]; qty 0 removes the level. */
  readonly bids: number[];
  readonly asks: number[];
}

/** REST `GET /fapi/v1/depth` answer. */
export interface DepthSnapshotEvent {
  readonly type: 'depthSnapshot';
  readonly symbol: string;
  readonly lastUpdateId: number;
  readonly eventTime: number;
  readonly transactionTime: number;
  readonly bids: number[];
  readonly asks: number[];
}

/** A trade (`@trade`) or an aggregated trade (`@aggTrade`). */
export interface TradeEvent {
  readonly type: 'trade';
  readonly symbol: string;
  readonly eventTime: number;
  readonly tradeTime: number;
  /** Trade id, or aggregate trade id for aggTrade. */
  readonly id: number;
  readonly price: number;
  readonly qty: number;
  /** True when the buyer was the maker, i.e. the aggressor sold. */
  readonly buyerIsMaker: boolean;
  readonly aggregated: boolean;
}

export interface BookTickerEvent {
  readonly type: 'bookTicker';
  readonly symbol: string;
  readonly updateId: number;
  readonly eventTime: number;
  readonly transactionTime: number;
  readonly bidPrice: number;
  readonly bidQty: number;
  readonly askPrice: number;
  readonly askQty: number;
}

/** A forced liquidation order (`@forceOrder`). */
export interface LiquidationEvent {
  readonly type: 'liquidation';
  readonly symbol: string;
  readonly eventTime: number;
  readonly tradeTime: number;
  /** BUY liquidates a short, SELL liquidates a long. */
  readonly side: 'BUY' | 'SELL';
  readonly price: number;
  readonly avgPrice: number;
  readonly qty: number;
  readonly filledQty: number;
  readonly status: string;
}

export type SignalKind = 'largeTrade' | 'wallAppeared' | 'wallPulled' | 'imbalanceCrossed';

/** Something the analysis noticed that a trader would want pointed out. */
export interface SignalEvent {
  readonly type: 'signal';
  readonly symbol: string;
  readonly kind: SignalKind;
  readonly time: number;
  readonly side: Side;
  readonly price: number;
  /** Size of the trade or wall, or the imbalance value for `imbalanceCrossed`. */
  readonly value: number;
  readonly message: string;
}

export interface WebSocketErrorEvent {
  readonly type: 'webSocketError';
  readonly time: number;
  readonly endpoint: string;
  readonly message: string;
  readonly code?: string | number;
}

/** A frame that could not be decoded; counted, reported, never thrown. */
export interface MalformedEvent {
  readonly type: 'malformed';
  readonly time: number;
  readonly stream: string | undefined;
  readonly reason: string;
  /** The start of the offending frame, for the log. */
  readonly sample: string;
}

/** Reply to SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS, or an error object from the server. */
export interface ControlReplyEvent {
  readonly type: 'controlReply';
  readonly id: number | null;
  readonly result: unknown;
  readonly error?: { readonly code: number; readonly msg: string };
}

/**
 * `degraded`: the exchange's data failed a consistency check repeatedly (crossed book, ids that do not
 * advance, snapshots that never bridge, a tick size that does not fit); not live, still retrying within
 * the request budget, the reason in words.
 */
export type BookStatus = 'idle' | 'syncing' | 'live' | 'resyncing' | 'degraded' | 'stale' | 'failed';

/** The order book's synchronisation state changed. */
export interface StatusEvent {
  readonly type: 'status';
  readonly symbol: string;
  readonly time: number;
  readonly status: BookStatus;
  readonly reason: string;
}

/** Map from event type name to its event interface. */
export type EngineEventOf<K extends EngineEventType> = Extract<EngineEvent, { type: K }>;

export const ENGINE_EVENT_TYPES: readonly EngineEventType[] = [
  'tickPrice',
  'depthUpdate',
  'depthSnapshot',
  'trade',
  'bookTicker',
  'liquidation',
  'signal',
  'webSocketError',
  'malformed',
  'controlReply',
  'status',
];
