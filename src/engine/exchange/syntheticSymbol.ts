import type { Side } from '../book/bookView';
import type {
  WireAggTrade,
  WireBookTicker,
  WireDepthSnapshot,
  WireForceOrder,
  WireMarkPrice,
  WireTrade,
} from '../protocol/binanceTypes';
import { DepthChannels } from './depthChannels';
import { ExchangeBook } from './exchangeBook';
import type { MarketSink, TopOfBook } from './market';
import { SeededRandom } from './random';
import { markPriceStream, simpleStream } from './streamNames';
import type { SyntheticProfile } from './syntheticProfiles';
import { lotsText, priceText, ticksText, type SymbolSpec } from './symbolSpec';

/** Levels a side keeps: the REST snapshot serves 1000, so there is always more book than that. */
const TARGET_LEVELS = 1100;
const INITIAL_LEVELS = 1250;
const UPKEEP_EVERY_STEPS = 20;

// Order flow, per second of market time.
const LIMIT_ORDERS_PER_SEC = 60;
const CANCELS_PER_SEC = 50;
const MARKET_ORDERS_PER_SEC = 4;
/** Intensity each market order adds; with the decay the branching ratio is 1.8 × 0.4 = 0.72 < 1. */
const HAWKES_JUMP_PER_SEC = 1.8;
const HAWKES_DECAY_MS = 400;
const MAX_MARKET_ORDERS_PER_STEP = 40;
const WALLS_PER_SEC = 0.08;
const WALL_LIFETIME_MS = 25_000;
const MAX_WALLS = 6;
const LIQUIDATIONS_PER_SEC = 0.05;
/** Market makers re-quote the first ticks from the touch after every move; this keeps the touch dense. */
const QUOTE_DEPTH_TICKS = 12;
const QUOTE_REFILL_CHANCE = 0.3;
const NEWS_JUMPS_PER_SEC = 0.01;
/** GARCH(1,1) on the per-step shock: alpha reacts to the last shock, persistence sets how long calm or storm lasts. */
const GARCH_ALPHA = 0.015;
const GARCH_PERSISTENCE_PER_50MS = 0.999;
const FUNDING_INTERVAL_MS = 8 * 3600 * 1000;

interface Wall {
  side: Side;
  ticks: number;
  lots: number;
  expiresAtMs: number;
}

interface Fill {
  filledLots: number;
  lastFillLots: number;
  /** Sum of ticks × lots, for the average price. */
  tickLots: number;
  worstTicks: number;
}

/**
 * One synthetic instrument. A hidden fair value random-walks with clustered volatility (GARCH-like);
 * the visible book follows it only through order flow: limit orders arrive mostly near the touch on
 * the fair side, cancels thin the side the fair value moves away from, market orders arrive in
 * self-exciting bursts (Hawkes-like) leaning towards the fair value and eat the touch, and when the
 * fair value runs past the far touch a sweep takes everything up to it. Walls appear away from the
 * touch and are pulled, often as the price comes near. Everything draws from one seeded generator,
 * never from who is subscribed, so a seed always gives the same market.
 */
export class SyntheticSymbol {
  readonly spec: SymbolSpec;
  readonly book: ExchangeBook;
  private readonly depth: DepthChannels;
  private readonly rng: SeededRandom;
  private readonly sink: MarketSink;
  private readonly sigmaPerSqrtMs: number;
  private readonly touchLots: number;
  /** How far (ticks) the fair value may be from the mid before flow leans hard one way. */
  private readonly leanScale: number;
  private readonly maxFairGap: number;
  private readonly garchBeta: number;
  private readonly garchOmega: number;
  private readonly names: {
    bookTicker: string;
    trade: string;
    aggTrade: string;
    forceOrder: string;
    markPrice1s: string;
    markPrice3s: string;
  };
  private fair: number;
  private variance = 1;
  private hawkes = 0;
  private updateId: number;
  private tradeId: number;
  private aggTradeId: number;
  private steps = 0;
  private readonly walls: Wall[] = [];
  private readonly ticker = { bid: NaN, bidLots: 0, ask: NaN, askLots: 0 };
  private wallMs = 0;
  private marketMs = 0;
  private fundingRate = 0.0001;

  constructor(profile: SyntheticProfile, seed: number, sink: MarketSink, stepMs: number) {
    this.spec = profile.spec;
    this.sink = sink;
    this.rng = new SeededRandom(seed);
    const tick = this.spec.prices.tickSize;
    this.sigmaPerSqrtMs = (profile.startPrice * profile.dailyVolatility) / Math.sqrt(86_400_000) / tick;
    this.touchLots = Math.max(1, Math.round(profile.touchQty / this.spec.quantities.tickSize));
    const stepSigma = this.sigmaPerSqrtMs * Math.sqrt(stepMs);
    this.leanScale = Math.max(1, 2 * stepSigma);
    this.maxFairGap = Math.max(50, 20 * this.sigmaPerSqrtMs * Math.sqrt(1000));
    const persistence = GARCH_PERSISTENCE_PER_50MS ** (stepMs / 50);
    this.garchBeta = Math.max(0, persistence - GARCH_ALPHA);
    this.garchOmega = 1 - persistence;
    const s = this.spec.symbol;
    this.names = {
      bookTicker: simpleStream(s, 'bookTicker'),
      trade: simpleStream(s, 'trade'),
      aggTrade: simpleStream(s, 'aggTrade'),
      forceOrder: simpleStream(s, 'forceOrder'),
      markPrice1s: markPriceStream(s, 1000),
      markPrice3s: markPriceStream(s, 3000),
    };
    // Ids of the size real ones have (about 5e12 for update ids), different per symbol.
    this.updateId = 5_000_000_000_000 + this.rng.int(1_000_000_000) * 100;
    this.tradeId = 5_000_000_000 + this.rng.int(100_000_000);
    this.aggTradeId = 2_000_000_000 + this.rng.int(100_000_000);
    this.book = new ExchangeBook(this.updateId);
    this.fair = Math.round(profile.startPrice / tick) + 0.5;
    this.buildBook(Math.round(profile.startPrice / tick));
    this.depth = new DepthChannels(this.spec, this.book);
    this.ticker.bid = this.book.bestTicks('bid');
    this.ticker.bidLots = this.book.bestLots('bid');
    this.ticker.ask = this.book.bestTicks('ask');
    this.ticker.askLots = this.book.bestLots('ask');
  }

  /** Advances the market from `fromMs` to `toMs` of market time; `wallMs` stamps the events. */
  step(fromMs: number, toMs: number, wallMs: number): void {
    const dtMs = toMs - fromMs;
    const dt = dtMs / 1000;
    const rng = this.rng;
    this.wallMs = wallMs;
    this.marketMs = toMs;
    this.steps++;
    // Other traffic on the matching engine moves the id between steps, as Binance's ids jump.
    this.updateId += rng.int(24);

    this.moveFair(dtMs);
    for (let n = rng.poisson(LIMIT_ORDERS_PER_SEC * dt); n > 0; n--) this.placeLimitOrder();
    for (let n = rng.poisson(CANCELS_PER_SEC * dt); n > 0; n--) this.cancelNearTouch();
    this.updateWalls(dt);
    this.hawkes *= Math.exp(-dtMs / HAWKES_DECAY_MS);
    const orders = Math.min(MAX_MARKET_ORDERS_PER_STEP, rng.poisson((MARKET_ORDERS_PER_SEC + this.hawkes) * dt));
    for (let n = 0; n < orders; n++) this.randomMarketOrder();
    this.chaseFairValue();
    if (rng.chance(LIQUIDATIONS_PER_SEC * dt * (1 + Math.min(4, this.hawkes / 5)))) this.liquidation();
    this.fillSpread();
    this.requote();
    if (this.steps % UPKEEP_EVERY_STEPS === 0) {
      this.keepDepth('bid');
      this.keepDepth('ask');
    }

    this.depth.emitDue(fromMs, toMs, wallMs, this.sink);
    if (Math.floor(fromMs / 1000) !== Math.floor(toMs / 1000)) this.markPrice(Math.floor(fromMs / 3000) !== Math.floor(toMs / 3000));
  }

  /** Publishes every pending depth change now (the market is pausing). */
  flush(wallMs: number): void {
    this.depth.flush(wallMs, this.sink);
  }

  snapshot(limit: number, wallMs: number): WireDepthSnapshot {
    const spec = this.spec;
    const side = (s: Side): Array<[string, string]> => this.book.top(s, limit).map(([t, l]) => [ticksText(spec, t), lotsText(spec, l)]);
    return {
      lastUpdateId: this.book.lastUpdateId,
      E: wallMs,
      T: this.book.lastTransactionTime || wallMs,
      bids: side('bid'),
      asks: side('ask'),
    };
  }

  topOfBook(levels: number): TopOfBook {
    const { prices, quantities } = this.spec;
    const side = (s: Side): Array<[number, number]> => this.book.top(s, levels).map(([t, l]) => [prices.toPrice(t), quantities.toPrice(l)]);
    return { lastUpdateId: this.book.lastUpdateId, bids: side('bid'), asks: side('ask') };
  }

  // ---- the model ----

  private buildBook(midTicks: number): void {
    const rng = this.rng;
    for (const side of ['bid', 'ask'] as const) {
      const touch = side === 'bid' ? midTicks : midTicks + 1;
      let placed = 0;
      for (let d = 0; placed < INITIAL_LEVELS; d++) {
        const ticks = side === 'bid' ? touch - d : touch + d;
        if (ticks < 1) break;
        if (d < 5 || rng.chance(0.92 - 0.42 * Math.min(1, d / 800))) {
          this.book.put(side, ticks, this.restingLots(d));
          placed++;
        }
      }
    }
  }

  /** Size resting `distance` ticks from the touch: thin at the touch, thicker further out. */
  private restingLots(distance: number): number {
    const shape = 0.35 + 1.4 * (1 - Math.exp(-distance / 40)) + distance / 300;
    return Math.max(1, Math.round(this.touchLots * shape * this.rng.logNormal(0, 0.7)));
  }

  private moveFair(dtMs: number): void {
    const rng = this.rng;
    const shock = Math.sqrt(this.variance) * rng.normal();
    this.variance = Math.min(30, Math.max(0.05, this.garchOmega + GARCH_ALPHA * shock * shock + this.garchBeta * this.variance));
    this.fair += shock * this.sigmaPerSqrtMs * Math.sqrt(dtMs);
    if (rng.chance((NEWS_JUMPS_PER_SEC * dtMs) / 1000)) {
      const size = this.sigmaPerSqrtMs * Math.sqrt(1000) * (3 + rng.exponential(4));
      this.fair += rng.chance(0.5) ? size : -size;
      this.hawkes += 20;
      this.variance = Math.min(30, this.variance * 4);
    }
    // The book is the market: a fair value that ran too far ahead of it is held back.
    const mid = this.midTicks();
    if (this.fair > mid + this.maxFairGap) this.fair = mid + this.maxFairGap;
    if (this.fair < mid - this.maxFairGap) this.fair = mid - this.maxFairGap;
    if (this.fair < 2) this.fair = 2;
  }

  private placeLimitOrder(): void {
    const rng = this.rng;
    const side: Side = rng.chance(0.5) ? 'bid' : 'ask';
    const far = rng.chance(0.12);
    const distance = far ? 5 + rng.int(400) : Math.floor(rng.exponential(3));
    const sizeFactor = rng.logNormal(-0.6, 0.9);
    const bestBid = this.book.bestTicks('bid');
    const bestAsk = this.book.bestTicks('ask');
    const fairTicks = Math.round(this.fair);
    let ticks: number;
    if (side === 'bid') {
      ticks = Math.min(bestAsk - 1, fairTicks) - distance;
      if (ticks >= bestAsk) ticks = bestAsk - 1;
    } else {
      ticks = Math.max(bestBid + 1, fairTicks + 1) + distance;
      if (ticks <= bestBid) ticks = bestBid + 1;
    }
    if (!(ticks >= 1)) return;
    const lots = Math.max(1, Math.round(this.touchLots * sizeFactor * (1 + distance / 30)));
    this.change(side, ticks, this.book.lots(side, ticks) + lots);
  }

  private cancelNearTouch(): void {
    const rng = this.rng;
    // Liquidity leaves the side the fair value is moving away from.
    const bidShare = 0.5 + 0.3 * Math.tanh((this.midTicks() - this.fair) / this.leanScale);
    const side: Side = rng.chance(bidShare) ? 'bid' : 'ask';
    const distance = Math.floor(rng.exponential(5));
    const whole = rng.chance(0.45);
    const fraction = rng.uniform(0.2, 0.8);
    const best = this.book.bestTicks(side);
    const ticks = side === 'bid' ? best - distance : best + distance;
    const lots = this.book.lots(side, ticks);
    if (lots === 0) return;
    const left = whole ? 0 : Math.max(0, lots - Math.max(1, Math.floor(lots * fraction)));
    if (left === 0 && this.book.levelCount(side) <= 1) return;
    this.change(side, ticks, left);
  }

  private updateWalls(dt: number): void {
    const rng = this.rng;
    if (rng.chance(WALLS_PER_SEC * dt) && this.walls.length < MAX_WALLS) {
      const side: Side = rng.chance(0.5) ? 'bid' : 'ask';
      const distance = 15 + rng.int(300);
      const lots = Math.round(this.touchLots * (30 + rng.exponential(60)));
      const lifetime = rng.exponential(WALL_LIFETIME_MS);
      const best = this.book.bestTicks(side);
      const ticks = side === 'bid' ? best - distance : best + distance;
      if (ticks >= 1) {
        this.change(side, ticks, this.book.lots(side, ticks) + lots);
        this.walls.push({ side, ticks, lots, expiresAtMs: this.marketMs + lifetime });
      }
    }
    for (let i = this.walls.length - 1; i >= 0; i--) {
      const wall = this.walls[i];
      const distance = Math.abs(wall.ticks - this.book.bestTicks(wall.side));
      // Many walls are there to be seen, not filled: they go when the price comes close.
      const approached = distance <= 3 && rng.chance(0.25);
      if (this.marketMs < wall.expiresAtMs && !approached) continue;
      this.walls.splice(i, 1);
      const current = this.book.lots(wall.side, wall.ticks);
      const left = current - Math.min(current, wall.lots);
      if (current > 0 && (left > 0 || this.book.levelCount(wall.side) > 1)) this.change(wall.side, wall.ticks, left);
    }
  }

  private randomMarketOrder(): void {
    const rng = this.rng;
    const buyShare = 0.5 + 0.4 * Math.tanh((this.fair - this.midTicks()) / this.leanScale);
    const buy = rng.chance(buyShare);
    const lots = Math.max(1, Math.round(this.touchLots * rng.logNormal(-1.2, 1.3)));
    this.marketOrder(buy, lots, undefined);
    this.hawkes += HAWKES_JUMP_PER_SEC;
  }

  /** When the fair value is past the far touch, someone sweeps the book up (or down) to it. */
  private chaseFairValue(): void {
    const bestBid = this.book.bestTicks('bid');
    const bestAsk = this.book.bestTicks('ask');
    if (this.fair >= bestAsk + 1) {
      if (!this.rng.chance(0.35)) return;
      const limit = Math.floor(this.fair);
      this.marketOrder(true, this.book.lotsThrough('ask', limit), limit);
      this.hawkes += HAWKES_JUMP_PER_SEC;
    } else if (this.fair <= bestBid - 1) {
      if (!this.rng.chance(0.35)) return;
      const limit = Math.ceil(this.fair);
      this.marketOrder(false, this.book.lotsThrough('bid', limit), limit);
      this.hawkes += HAWKES_JUMP_PER_SEC;
    }
  }

  private liquidation(): void {
    const rng = this.rng;
    // Longs are liquidated into falling prices, shorts into rising ones.
    const sell = rng.chance(this.fair < this.midTicks() ? 0.75 : 0.25);
    const lots = Math.max(1, Math.round(this.touchLots * (0.3 + rng.exponential(2))));
    const fill = this.marketOrder(!sell, lots, undefined);
    if (fill.filledLots === 0) return;
    this.hawkes += 3 * HAWKES_JUMP_PER_SEC;
    if (!this.sink.wants(this.names.forceOrder)) return;
    const spec = this.spec;
    // The liquidation order's limit is beyond the worst fill: it must not fail to execute.
    const limitTicks = Math.max(1, sell ? Math.floor(fill.worstTicks * 0.995) : Math.ceil(fill.worstTicks * 1.005));
    const payload: WireForceOrder = {
      e: 'forceOrder',
      E: this.wallMs,
      o: {
        s: spec.symbol,
        S: sell ? 'SELL' : 'BUY',
        o: 'LIMIT',
        f: 'IOC',
        q: lotsText(spec, fill.filledLots),
        p: ticksText(spec, limitTicks),
        ap: priceText(spec, spec.prices.toPrice(fill.tickLots / fill.filledLots)),
        X: 'FILLED',
        l: lotsText(spec, fill.lastFillLots),
        z: lotsText(spec, fill.filledLots),
        T: this.wallMs,
      },
    };
    this.sink.publish(this.names.forceOrder, JSON.stringify(payload), 'data');
  }

  /** A spread wider than a tick rarely lasts: someone improves the price, often more than once. */
  private fillSpread(): void {
    const rng = this.rng;
    for (let round = 0; round < 4; round++) {
      const bestBid = this.book.bestTicks('bid');
      const bestAsk = this.book.bestTicks('ask');
      if (bestAsk - bestBid <= 1 || !rng.chance(0.85)) return;
      const bid = rng.chance(0.5);
      const lots = Math.max(1, Math.round(this.touchLots * rng.logNormal(-1, 0.8)));
      const fairTicks = Math.round(this.fair);
      const ticks = Math.min(bestAsk - 1, Math.max(bestBid + 1, bid ? fairTicks : fairTicks + 1));
      const side: Side = bid ? 'bid' : 'ask';
      this.change(side, ticks, this.book.lots(side, ticks) + lots);
    }
  }

  /** Empty ticks next to the touch get quoted again, on the fair value's terms. */
  private requote(): void {
    const rng = this.rng;
    const fairTicks = Math.round(this.fair);
    const bidTop = Math.min(this.book.bestTicks('ask') - 1, fairTicks);
    const askTop = Math.max(this.book.bestTicks('bid') + 1, fairTicks + 1);
    for (let d = 0; d < QUOTE_DEPTH_TICKS; d++) {
      const bidTicks = bidTop - d;
      if (rng.chance(QUOTE_REFILL_CHANCE) && bidTicks >= 1 && this.book.lots('bid', bidTicks) === 0) {
        this.change('bid', bidTicks, this.restingLots(d));
      }
      const askTicks = askTop + d;
      if (rng.chance(QUOTE_REFILL_CHANCE) && this.book.lots('ask', askTicks) === 0) {
        this.change('ask', askTicks, this.restingLots(d));
      }
    }
  }

  /** Keeps 1000+ levels a side: refills the far end after a move, trims it when it has grown long. */
  private keepDepth(side: Side): void {
    const count = this.book.levelCount(side);
    const away = side === 'bid' ? -1 : 1;
    if (count < TARGET_LEVELS) {
      const best = this.book.bestTicks(side);
      let ticks = this.book.outermost(side, 1)[0];
      for (let n = TARGET_LEVELS + 50 - count; n > 0; n--) {
        ticks += away * (1 + (this.rng.chance(0.35) ? this.rng.int(3) : 0));
        if (ticks < 1) break;
        this.change(side, ticks, this.restingLots(Math.abs(ticks - best)));
      }
    } else if (count > TARGET_LEVELS * 1.3) {
      for (const ticks of this.book.outermost(side, count - Math.round(TARGET_LEVELS * 1.15))) this.change(side, ticks, 0);
    }
  }

  /** Executes against the book from the touch outwards, up to `limitTicks` if given. */
  private marketOrder(buy: boolean, lots: number, limitTicks: number | undefined): Fill {
    const side: Side = buy ? 'ask' : 'bid';
    const fill: Fill = { filledLots: 0, lastFillLots: 0, tickLots: 0, worstTicks: NaN };
    let remaining = lots;
    while (remaining > 0 && this.book.levelCount(side) > 1) {
      const best = this.book.bestTicks(side);
      if (limitTicks !== undefined && (buy ? best > limitTicks : best < limitTicks)) break;
      const available = this.book.bestLots(side);
      const take = Math.min(remaining, available);
      this.trades(best, take, !buy);
      this.change(side, best, available - take);
      remaining -= take;
      fill.filledLots += take;
      fill.lastFillLots = take;
      fill.tickLots += best * take;
      fill.worstTicks = best;
    }
    return fill;
  }

  /** One fill at one price: split across a few resting orders (trades), reported once as an aggTrade. */
  private trades(ticks: number, lots: number, buyerIsMaker: boolean): void {
    const rng = this.rng;
    const spec = this.spec;
    const parts = lots >= 3 ? 1 + rng.int(3) : 1;
    const firstId = this.tradeId + 1;
    const price = ticksText(spec, ticks);
    const wantTrades = this.sink.wants(this.names.trade);
    let left = lots;
    for (let k = 0; k < parts; k++) {
      const share = rng.uniform(0.2, 0.6);
      const mustLeave = parts - 1 - k;
      const q = k === parts - 1 ? left : Math.max(1, Math.min(left - mustLeave, Math.floor(left * share)));
      left -= q;
      this.tradeId++;
      if (wantTrades) {
        const trade: WireTrade = { e: 'trade', E: this.wallMs, T: this.wallMs, s: spec.symbol, t: this.tradeId, p: price, q: lotsText(spec, q), X: 'MARKET', m: buyerIsMaker };
        this.sink.publish(this.names.trade, JSON.stringify(trade), 'data');
      }
    }
    this.aggTradeId++;
    if (this.sink.wants(this.names.aggTrade)) {
      const agg: WireAggTrade = {
        e: 'aggTrade',
        E: this.wallMs,
        s: spec.symbol,
        a: this.aggTradeId,
        p: price,
        q: lotsText(spec, lots),
        f: firstId,
        l: this.tradeId,
        T: this.wallMs,
        m: buyerIsMaker,
      };
      this.sink.publish(this.names.aggTrade, JSON.stringify(agg), 'data');
    }
  }

  private markPrice(alsoThreeSecond: boolean): void {
    const rng = this.rng;
    const { prices } = this.spec;
    const mid = (prices.toPrice(this.book.bestTicks('bid')) + prices.toPrice(this.book.bestTicks('ask'))) / 2;
    this.fundingRate = Math.min(0.00075, Math.max(-0.00075, this.fundingRate + rng.normal() * 0.000002));
    const index = mid * (1 + rng.normal() * 0.00003);
    const settle = index * (1 + rng.normal() * 0.00001);
    const streams = alsoThreeSecond ? [this.names.markPrice1s, this.names.markPrice3s] : [this.names.markPrice1s];
    const wanted = streams.filter((name) => this.sink.wants(name));
    if (wanted.length === 0) return;
    const payload: WireMarkPrice = {
      e: 'markPriceUpdate',
      E: this.wallMs,
      s: this.spec.symbol,
      p: mid.toFixed(8),
      i: index.toFixed(8),
      P: settle.toFixed(8),
      r: this.fundingRate.toFixed(8),
      T: (Math.floor(this.wallMs / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS,
    };
    const text = JSON.stringify(payload);
    for (const name of wanted) this.sink.publish(name, text, 'data');
  }

  // ---- every change to the book goes through here ----

  private change(side: Side, ticks: number, lots: number): void {
    const id = ++this.updateId;
    this.book.put(side, ticks, lots);
    this.book.lastUpdateId = id;
    this.book.lastTransactionTime = this.wallMs;
    this.depth.record(side, ticks, lots, id);
    this.noteBestChange(id);
  }

  private noteBestChange(id: number): void {
    const book = this.book;
    const ticker = this.ticker;
    const bid = book.bestTicks('bid');
    const bidLots = book.bestLots('bid');
    const ask = book.bestTicks('ask');
    const askLots = book.bestLots('ask');
    if (bid === ticker.bid && bidLots === ticker.bidLots && ask === ticker.ask && askLots === ticker.askLots) return;
    ticker.bid = bid;
    ticker.bidLots = bidLots;
    ticker.ask = ask;
    ticker.askLots = askLots;
    if (!this.sink.wants(this.names.bookTicker)) return;
    const spec = this.spec;
    // Field order as Binance sends it (e,u,s,b,B,a,A,T,E), which the decoder's fast path expects.
    const payload: WireBookTicker = {
      e: 'bookTicker',
      u: id,
      s: spec.symbol,
      b: ticksText(spec, bid),
      B: lotsText(spec, bidLots),
      a: ticksText(spec, ask),
      A: lotsText(spec, askLots),
      T: this.wallMs,
      E: this.wallMs,
    };
    this.sink.publish(this.names.bookTicker, JSON.stringify(payload), 'data');
  }

  private midTicks(): number {
    return (this.book.bestTicks('bid') + this.book.bestTicks('ask')) / 2;
  }
}
