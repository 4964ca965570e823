/**
 * Binance USDⓈ-M futures payloads exactly as they travel on the wire (prices and quantities are
 * strings). The engine decodes them into the numeric events of `events.ts`; the local exchange
 * produces them.
 */
export type WireLevel = [price: string, qty: string];

/** Diff depth `<s>@depth[@100ms|@500ms]` and partial depth `<s>@depth<5|10|20>[@...]`. */
export interface WireDepthUpdate {
  e: 'depthUpdate';
  E: number;
  T: number;
  s: string;
  U: number;
  u: number;
  pu: number;
  b: WireLevel[];
  a: WireLevel[];
  /** Pair and stream type, present since 2026; not used by the book. */
  ps?: string;
  st?: string;
}

export interface WireBookTicker {
  e: 'bookTicker';
  u: number;
  E: number;
  T: number;
  s: string;
  b: string;
  B: string;
  a: string;
  A: string;
}

export interface WireTrade {
  e: 'trade';
  E: number;
  T: number;
  s: string;
  t: number;
  p: string;
  q: string;
  X: string;
  m: boolean;
}

export interface WireAggTrade {
  e: 'aggTrade';
  E: number;
  s: string;
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
}

export interface WireMarkPrice {
  e: 'markPriceUpdate';
  E: number;
  s: string;
  p: string;
  i: string;
  P: string;
  r: string;
  T: number;
}

export interface WireForceOrder {
  e: 'forceOrder';
  E: number;
  o: {
    s: string;
    S: 'BUY' | 'SELL';
    o: string;
    f: string;
    q: string;
    p: string;
    ap: string;
    X: string;
    l: string;
    z: string;
    T: number;
  };
}

export type WireStreamPayload =
  | WireDepthUpdate
  | WireBookTicker
  | WireTrade
  | WireAggTrade
  | WireMarkPrice
  | WireForceOrder;

/** Combined-stream envelope of `/stream?streams=...`. */
export interface WireEnvelope<T = WireStreamPayload> {
  stream: string;
  data: T;
}

/** `GET /fapi/v1/depth` answer. */
export interface WireDepthSnapshot {
  lastUpdateId: number;
  E: number;
  T: number;
  bids: WireLevel[];
  asks: WireLevel[];
}

/** Live control request on an open socket. */
export interface WireControlRequest {
  method: 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS' | 'SET_PROPERTY' | 'GET_PROPERTY';
  params?: unknown[];
  id: number | null;
}

export interface WireControlReply {
  result: unknown;
  id: number | null;
}

export interface WireErrorReply {
  code: number;
  msg: string;
  id?: number | null;
}

export interface WireSymbolFilter {
  filterType: string;
  tickSize?: string;
  stepSize?: string;
  minPrice?: string;
  maxPrice?: string;
  minQty?: string;
  maxQty?: string;
  [key: string]: unknown;
}

export interface WireSymbolInfo {
  symbol: string;
  pair?: string;
  contractType?: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  pricePrecision?: number;
  quantityPrecision?: number;
  filters: WireSymbolFilter[];
}

export interface WireExchangeInfo {
  timezone?: string;
  serverTime: number;
  symbols: WireSymbolInfo[];
}
