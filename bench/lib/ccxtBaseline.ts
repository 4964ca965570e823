import * as path from 'node:path';

/**
 * The structure ccxt pro keeps for Binance futures, fed exactly as ccxt feeds it: each frame
 * JSON.parse'd, each depth level turned into floats and stored into the OrderBook side; the REST
 * snapshot resets the book. ccxt does not export OrderBook from its package entry, so it is loaded
 * from the CommonJS build by file path.
 */
interface CcxtSide {
  store(price: number, size: number): void;
  length: number;
  [index: number]: [number, number];
}
interface CcxtOrderBook {
  bids: CcxtSide;
  asks: CcxtSide;
  nonce: number | undefined;
  reset(snapshot: { bids: Array<[number, number]>; asks: Array<[number, number]>; nonce: number }): void;
}
type OrderBookCtor = new (snapshot?: object, depth?: number) => CcxtOrderBook;

function loadOrderBook(): OrderBookCtor {
  const entry = require.resolve('ccxt');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(path.dirname(entry), 'cjs/src/base/ws/OrderBook.js')) as { OrderBook: OrderBookCtor };
  return mod.OrderBook;
}

export interface CcxtRun {
  book: CcxtOrderBook;
  depthMessages: number;
}

interface DepthData {
  e?: string;
  U: number;
  u: number;
  pu: number;
  b: Array<[string, string]>;
  a: Array<[string, string]>;
}

export function runCcxt(lines: readonly string[]): CcxtRun {
  const OrderBook = loadOrderBook();
  const book = new OrderBook({});
  let synced = false;
  let depthMessages = 0;
  // Like ccxt pro, diffs that arrive before the snapshot are cached and replayed onto it.
  const cached: DepthData[] = [];
  const apply = (data: DepthData): void => {
    const nonce = book.nonce ?? 0;
    // ccxt pro's futures rule: drop u < nonce; apply when U <= nonce or pu == nonce.
    if (data.u < nonce || !(data.U <= nonce || data.pu === nonce)) return;
    for (const [p, q] of data.a) book.asks.store(parseFloat(p), parseFloat(q));
    for (const [p, q] of data.b) book.bids.store(parseFloat(p), parseFloat(q));
    book.nonce = data.u;
    depthMessages++;
  };
  for (let i = 0; i < lines.length; i++) {
    const msg = JSON.parse(lines[i]) as { data?: DepthData; lastUpdateId?: number; bids?: Array<[string, string]>; asks?: Array<[string, string]> };
    if (msg.lastUpdateId !== undefined && msg.bids && msg.asks) {
      book.reset({
        bids: msg.bids.map(([p, q]) => [parseFloat(p), parseFloat(q)]),
        asks: msg.asks.map(([p, q]) => [parseFloat(p), parseFloat(q)]),
        nonce: msg.lastUpdateId,
      });
      synced = true;
      for (const data of cached) apply(data);
      cached.length = 0;
      continue;
    }
    const data = msg.data;
    if (data === undefined || data.e !== 'depthUpdate') continue;
    if (synced) apply(data);
    else cached.push(data);
  }
  return { book, depthMessages };
}
