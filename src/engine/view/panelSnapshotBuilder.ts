import type { MarketEngine } from '../marketEngine';
import { aggregateSide } from '../analysis/priceGrouping';
import { imbalance, microPrice } from '../analysis/bookStats';
import { TradeFlow } from '../analysis/tradeFlow';
import type { Disposer } from '../core/eventBus';
import type { BookSnapshotMessage } from '../../shared/panelProtocol';

export interface PanelViewOptions {
  /** Grouping in ticks (1 = the tick size). */
  groupTicks: number;
  /** Rows of the whole ladder; each side gets up to half of them. */
  maxVisibleRows: number;
  /** Trades on the tape. */
  tapeSize: number;
}

/**
 * What a frame says about itself besides the book: its id, where it comes from, how old it is. The
 * symbol is the one asked for, shown while there is no book yet.
 */
export type FrameMeta = Pick<
  BookSnapshotMessage,
  'seq' | 'sentAt' | 'sourceKey' | 'sourceKind' | 'symbol' | 'state' | 'reason' | 'stateAgeMs' | 'dataAgeMs' | 'verifiedAgeMs'
>;

const NO_PRICES = new Float64Array(0);

/**
 * Turns the engine's state into the panel's frame: the book aggregated to the grouping (best first,
 * typed arrays), the touch, spread, mid, micro-price, imbalance, the last trade and the tape. Runs
 * wherever the engine runs (the feed worker), so the extension host only forwards the result.
 */
export class PanelSnapshotBuilder {
  private flow: TradeFlow;
  private flowSymbol: string;
  private unsubscribe: Disposer;
  private bidPrices = new Float64Array(0);
  private bidQtys = new Float64Array(0);
  private askPrices = new Float64Array(0);
  private askQtys = new Float64Array(0);

  constructor(
    private readonly engineOf: () => MarketEngine | undefined,
    private view: PanelViewOptions,
    bus: { subscribe: MarketEngine['bus']['subscribe'] },
  ) {
    const engine = engineOf();
    this.flowSymbol = engine?.symbol ?? '';
    this.flow = new TradeFlow({ tickSize: engine?.book.tickSize ?? 1e-8, capacity: Math.max(view.tapeSize, 1) });
    this.unsubscribe = bus.subscribe('trade', (trade) => {
      const current = this.engineOf();
      if (!current || trade.symbol !== current.symbol) return;
      if (current.symbol !== this.flowSymbol) this.resetFlow(current);
      this.flow.onTrade(trade);
    });
  }

  setView(view: PanelViewOptions): void {
    if (view.tapeSize !== this.view.tapeSize) {
      const engine = this.engineOf();
      this.view = view;
      if (engine) this.resetFlow(engine);
      return;
    }
    this.view = view;
  }

  dispose(): void {
    this.unsubscribe();
  }

  /**
   * A frame of the current book. Without an engine (nothing known yet, or a source that failed before
   * it had a book) the frame is empty, so the page drops whatever it showed before and says why.
   */
  build(meta: FrameMeta): BookSnapshotMessage {
    const engine = this.engineOf();
    if (!engine) return emptyFrame(meta);
    if (engine.symbol !== this.flowSymbol) this.resetFlow(engine);
    const book = engine.book;
    const perSide = Math.max(1, Math.floor(this.view.maxVisibleRows / 2));
    this.ensureCapacity(perSide);
    const groupTicks = Math.max(1, Math.round(this.view.groupTicks));
    const nb = aggregateSide(book, 'bid', groupTicks, perSide, this.bidPrices, this.bidQtys);
    const na = aggregateSide(book, 'ask', groupTicks, perSide, this.askPrices, this.askQtys);
    const bestBid = book.bestPrice('bid');
    const bestAsk = book.bestPrice('ask');
    const scale = book.scale;
    const spread = bestBid === bestBid && bestAsk === bestAsk ? scale.toPrice(scale.toTicks(bestAsk) - scale.toTicks(bestBid)) : NaN;
    const mid = bestBid === bestBid && bestAsk === bestAsk ? (bestBid + bestAsk) / 2 : NaN;

    const tapeCount = Math.min(this.view.tapeSize, this.flow.size);
    const times = new Float64Array(tapeCount);
    const prices = new Float64Array(tapeCount);
    const qtys = new Float64Array(tapeCount);
    const sides = new Int8Array(tapeCount);
    this.flow.forEachRecent((trade, side, i) => {
      times[i] = trade.tradeTime;
      prices[i] = trade.price;
      qtys[i] = trade.qty;
      sides[i] = side === 'buy' ? 1 : -1;
    }, tapeCount);
    const last = engine.lastTrade;

    return {
      ...meta,
      type: 'snapshot',
      symbol: engine.symbol,
      tickSize: book.tickSize,
      groupTicks,
      bestBid,
      bestAsk,
      bestBidQty: book.bestQty('bid'),
      bestAskQty: book.bestQty('ask'),
      spread,
      mid,
      microPrice: microPrice(book),
      imbalance: imbalance(book, 10),
      lastUpdateId: book.lastUpdateId,
      eventTime: book.eventTime,
      // Copies: the scratch arrays are reused for the next frame, and these may be transferred.
      bids: { prices: this.bidPrices.slice(0, nb), qtys: this.bidQtys.slice(0, nb) },
      asks: { prices: this.askPrices.slice(0, na), qtys: this.askQtys.slice(0, na) },
      lastTrade: last ? { price: last.price, qty: last.qty, side: last.buyerIsMaker ? 'sell' : 'buy', time: last.tradeTime } : null,
      trades: { times, prices, qtys, sides },
      cvd: this.flow.cvd,
    };
  }

  private resetFlow(engine: MarketEngine): void {
    this.flowSymbol = engine.symbol;
    this.flow = new TradeFlow({ tickSize: engine.book.tickSize, capacity: Math.max(this.view.tapeSize, 1) });
  }

  private ensureCapacity(rows: number): void {
    if (this.bidPrices.length >= rows) return;
    this.bidPrices = new Float64Array(rows);
    this.bidQtys = new Float64Array(rows);
    this.askPrices = new Float64Array(rows);
    this.askQtys = new Float64Array(rows);
  }
}

function emptyFrame(meta: FrameMeta): BookSnapshotMessage {
  const side = { prices: NO_PRICES, qtys: NO_PRICES };
  return {
    ...meta,
    type: 'snapshot',
    tickSize: 0,
    groupTicks: 1,
    bestBid: NaN,
    bestAsk: NaN,
    bestBidQty: 0,
    bestAskQty: 0,
    spread: NaN,
    mid: NaN,
    microPrice: NaN,
    imbalance: NaN,
    lastUpdateId: 0,
    eventTime: 0,
    bids: side,
    asks: side,
    lastTrade: null,
    trades: { times: NO_PRICES, prices: NO_PRICES, qtys: NO_PRICES, sides: new Int8Array(0) },
    cvd: 0,
  };
}
