import type {
  BookTickerEvent,
  ControlReplyEvent,
  DepthSnapshotEvent,
  DepthUpdateEvent,
  EngineEvent,
  LiquidationEvent,
  MalformedEvent,
  TickPriceEvent,
  TradeEvent,
} from './events';
import { parseDecimal, POW10 as POW10_EXPORT } from './decimal';
import { PriceScale } from '../book/priceScale';

/**
 * The powers of ten, held in this module: a module-per-file build reads an imported binding through an
 * accessor, and the hot readers below index this table for every price and quantity.
 */
const POW10: readonly number[] = POW10_EXPORT;

/**
 * Decodes Binance futures frames (combined-stream envelopes, raw payloads, REST depth snapshots and
 * control replies) into engine events.
 *
 * The hot frames (depth, bookTicker, trade) are decoded in one pass over the string: field values are
 * remembered as offsets and numbers, prices are parsed in place, and depth levels go straight into a
 * flat number array. `JSON.parse` would first build an object, an array per level and a string per
 * price, all of which would be thrown away at once. Rare frames (snapshots, replies, liquidations) use
 * `JSON.parse`, where its cost does not matter.
 *
 * `decode` never throws: anything that is not a well-formed frame of a known shape comes back as a
 * `malformed` event carrying the reason. That includes impossible numbers, so none of them ever
 * reaches a book level: a price of 0, a price off the symbol's tick grid (when the decoder knows the
 * tick), exponents, leading zeros, negative or non-finite quantities. One bad number drops its whole
 * frame; a dropped diff then breaks the update-id chain and the book resynchronises.
 */

const enum Kind {
  None = 0,
  Str = 1,
  Num = 2,
  True = 3,
  False = 4,
  Null = 5,
  Levels = 6,
  Obj = 7,
  Other = 8,
}

/** Slots for the fields of one JSON object; single-letter keys index by char code, others by table. */
const LONG_KEYS = ['pu', 'ps', 'st', 'ap', 'stream', 'data', 'result', 'id', 'code', 'msg', 'lastUpdateId', 'bids', 'asks'];
const LONG_KEY_BASE = 128;
const SLOT_COUNT = LONG_KEY_BASE + LONG_KEYS.length;
const LONG_KEY_ID = new Map(LONG_KEYS.map((k, i) => [k, LONG_KEY_BASE + i]));
const K_PU = LONG_KEY_ID.get('pu')!;
const K_STREAM = LONG_KEY_ID.get('stream')!;
const K_DATA = LONG_KEY_ID.get('data')!;

const c = (ch: string): number => ch.charCodeAt(0);
const K_e = c('e');
const K_E = c('E');
const K_T = c('T');
const K_s = c('s');
const K_U = c('U');
const K_u = c('u');
const K_b = c('b');
const K_a = c('a');
const K_B = c('B');
const K_A = c('A');
const K_t = c('t');
const K_p = c('p');
const K_q = c('q');
const K_m = c('m');
const K_i = c('i');
const K_r = c('r');
const K_o = c('o');
const K_X = c('X');

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;

/**
 * Why a frame is malformed, thrown inside the decoder and caught by `decode`. Deliberately not an
 * Error: constructing one captures a stack trace, about half the cost of a malformed frame, and a
 * hostile stream can send nothing but malformed frames. Nothing outside this module sees it.
 */
class DecodeError {
  constructor(readonly message: string) {}
}

class FieldSlots {
  readonly kind = new Uint8Array(SLOT_COUNT);
  readonly gen = new Uint32Array(SLOT_COUNT);
  readonly start = new Int32Array(SLOT_COUNT);
  readonly end = new Int32Array(SLOT_COUNT);
  readonly num = new Float64Array(SLOT_COUNT);
  readonly levels: Array<number[] | undefined> = new Array(SLOT_COUNT).fill(undefined);
  generation = 1;

  reset(): void {
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.gen.fill(0);
      this.generation = 1;
    }
  }

  has(id: number): boolean {
    return this.gen[id] === this.generation;
  }

  kindOf(id: number): Kind {
    return this.gen[id] === this.generation ? (this.kind[id] as Kind) : Kind.None;
  }
}

/** Per-type counts live on the event bus; the decoder only counts what passes through it. */
export interface DecoderStats {
  frames: number;
  malformed: number;
}

export class FrameDecoder {
  private text = '';
  private pos = 0;
  private readonly outer = new FieldSlots();
  private readonly payload = new FieldSlots();
  private readonly internCache: string[] = [];
  /** Stream name of the last decoded envelope (undefined for raw payloads and REST answers). */
  lastStream: string | undefined;
  /** Symbol that REST snapshots without their own `s` field are attributed to. */
  defaultSymbol: string;
  private readonly stats: DecoderStats = { frames: 0, malformed: 0 };
  /** The symbol's price grid, when known: prices of depth, bookTicker and trade frames must lie on it. */
  private readonly scale: PriceScale | undefined;
  /** Most decimals a price may have on the grid (trailing zeros aside); unbounded without a tick. */
  private readonly gridDecimals: number;
  /** Every price with at most `gridDecimals` decimals is on the grid (the tick is a power of ten). */
  private readonly decimalTick: boolean;
  /** Largest price whose tick count is still an exact integer. */
  private readonly maxPrice: number;

  constructor(defaultSymbol = '', tickSize?: number) {
    this.defaultSymbol = defaultSymbol;
    this.scale = tickSize === undefined ? undefined : new PriceScale(tickSize);
    this.gridDecimals = this.scale?.decimals ?? Infinity;
    this.decimalTick = this.scale?.isDecimalTick ?? true;
    this.maxPrice = this.scale ? Number.MAX_SAFE_INTEGER * this.scale.tickSize : Infinity;
  }

  getStats(): DecoderStats {
    return { frames: this.stats.frames, malformed: this.stats.malformed };
  }

  /** Decodes one frame; `time` stamps malformed events (ms). */
  decode(text: string, time = 0): EngineEvent {
    this.stats.frames++;
    this.lastStream = undefined;
    let event: EngineEvent;
    try {
      event = this.decodeUnsafe(text, time);
    } catch (err) {
      event = this.malformed(text, time, err instanceof DecodeError ? err.message : `decoder failure: ${String(err)}`);
    }
    if (event.type === 'malformed') this.stats.malformed++;
    return event;
  }

  private malformed(text: string, time: number, reason: string): MalformedEvent {
    return {
      type: 'malformed',
      time,
      stream: this.lastStream,
      reason,
      sample: text.length > 160 ? `${text.slice(0, 160)}…` : text,
    };
  }

  private decodeUnsafe(text: string, time: number): EngineEvent {
    this.text = text;
    this.pos = 0;
    // The common case first: a compact combined-stream frame of a hot type.
    const fast = this.decodeCompactEnvelope();
    if (fast !== undefined) return fast;
    this.pos = 0;
    this.skipWs();
    if (this.pos >= text.length) throw new DecodeError('empty frame');
    if (text.charCodeAt(this.pos) !== LBRACE) throw new DecodeError(`not a JSON object (starts with ${JSON.stringify(text.slice(0, 12))})`);
    const firstKey = this.peekFirstKey();
    if (firstKey === 'stream' || firstKey === 'data') return this.decodeEnvelope(time, text);
    if (firstKey === 'e') {
      this.parseObject(this.payload, false);
      this.expectEnd();
      return this.payloadEvent(time, text);
    }
    return this.decodeCold(text, time);
  }

  private decodeEnvelope(time: number, text: string): EngineEvent {
    // lastStream may already hold the name the compact reader saw: a frame that fails below still
    // says which stream it came from.
    const outer = this.outer;
    this.parseObject(outer, true);
    this.expectEnd();
    if (outer.kindOf(K_STREAM) !== Kind.Str) throw new DecodeError("envelope without a 'stream' string");
    this.lastStream = this.intern(outer.start[K_STREAM], outer.end[K_STREAM]);
    if (outer.kindOf(K_DATA) !== Kind.Obj) throw new DecodeError("envelope without a 'data' object");
    return this.payloadEvent(time, text);
  }

  /** Builds the event from the payload slots, by the payload's `e`. */
  private payloadEvent(time: number, text: string): EngineEvent {
    const f = this.payload;
    if (f.kindOf(K_e) !== Kind.Str) throw new DecodeError("payload without an event type 'e'");
    const eStart = f.start[K_e];
    const eLen = f.end[K_e] - eStart;
    // Compare in place: the event type is one of a handful of known literals.
    if (eLen === 11 && text.startsWith('depthUpdate', eStart)) return this.depthEvent();
    if (eLen === 10 && text.startsWith('bookTicker', eStart)) return this.bookTickerEvent();
    if (eLen === 5 && text.startsWith('trade', eStart)) return this.tradeEvent(false);
    if (eLen === 8 && text.startsWith('aggTrade', eStart)) return this.tradeEvent(true);
    if (eLen === 15 && text.startsWith('markPriceUpdate', eStart)) return this.markPriceEvent();
    if (eLen === 10 && text.startsWith('forceOrder', eStart)) return this.forceOrderEvent();
    return this.malformed(text, time, `unknown event type '${text.slice(eStart, f.end[K_e])}'`);
  }

  private depthEvent(): DepthUpdateEvent {
    const f = this.payload;
    const eventTime = this.reqInt(f, K_E, 'E', 'depthUpdate');
    return {
      type: 'depthUpdate',
      symbol: this.reqSymbol(f, 'depthUpdate'),
      eventTime,
      transactionTime: f.kindOf(K_T) === Kind.None ? eventTime : this.reqInt(f, K_T, 'T', 'depthUpdate'),
      firstUpdateId: this.reqInt(f, K_U, 'U', 'depthUpdate'),
      finalUpdateId: this.reqInt(f, K_u, 'u', 'depthUpdate'),
      prevFinalUpdateId: this.reqInt(f, K_PU, 'pu', 'depthUpdate'),
      bids: this.reqLevels(f, K_b, 'b', 'depthUpdate'),
      asks: this.reqLevels(f, K_a, 'a', 'depthUpdate'),
    };
  }

  private bookTickerEvent(): BookTickerEvent {
    const f = this.payload;
    const what = 'bookTicker';
    const eventTime = f.kindOf(K_E) === Kind.None ? 0 : this.reqInt(f, K_E, 'E', what);
    const bidPrice = this.reqTickPrice(f, K_b, 'b', what);
    const askPrice = this.reqTickPrice(f, K_a, 'a', what);
    return {
      type: 'bookTicker',
      symbol: this.reqSymbol(f, what),
      updateId: this.reqInt(f, K_u, 'u', what),
      eventTime,
      transactionTime: f.kindOf(K_T) === Kind.None ? eventTime : this.reqInt(f, K_T, 'T', what),
      bidPrice,
      bidQty: this.reqQty(f, K_B, 'B', what),
      askPrice,
      askQty: this.reqQty(f, K_A, 'A', what),
    };
  }

  private tradeEvent(aggregated: boolean): TradeEvent {
    const f = this.payload;
    const what = aggregated ? 'aggTrade' : 'trade';
    const m = f.kindOf(K_m);
    if (m !== Kind.True && m !== Kind.False) throw new DecodeError(`${what}: field 'm' must be a boolean`);
    return {
      type: 'trade',
      symbol: this.reqSymbol(f, what),
      eventTime: this.reqInt(f, K_E, 'E', what),
      tradeTime: this.reqInt(f, K_T, 'T', what),
      id: aggregated ? this.reqInt(f, K_a, 'a', what) : this.reqInt(f, K_t, 't', what),
      price: this.reqTickPrice(f, K_p, 'p', what),
      qty: this.reqQty(f, K_q, 'q', what),
      buyerIsMaker: m === Kind.True,
      aggregated,
    };
  }

  private markPriceEvent(): TickPriceEvent {
    const f = this.payload;
    const what = 'markPriceUpdate';
    return {
      type: 'tickPrice',
      symbol: this.reqSymbol(f, what),
      eventTime: this.reqInt(f, K_E, 'E', what),
      markPrice: this.reqPrice(f, K_p, 'p', what),
      indexPrice: f.kindOf(K_i) === Kind.None ? NaN : this.reqPrice(f, K_i, 'i', what),
      fundingRate: f.kindOf(K_r) === Kind.None ? NaN : this.reqNumString(f, K_r, 'r', what),
      nextFundingTime: f.kindOf(K_T) === Kind.None ? 0 : this.reqInt(f, K_T, 'T', what),
    };
  }

  private forceOrderEvent(): LiquidationEvent {
    const f = this.payload;
    const eventTime = this.reqInt(f, K_E, 'E', 'forceOrder');
    if (f.kindOf(K_o) !== Kind.Obj) throw new DecodeError("forceOrder: field 'o' must be an object");
    const order = JSON.parse(this.text.slice(f.start[K_o], f.end[K_o])) as Record<string, unknown>;
    const side = order.S;
    if (side !== 'BUY' && side !== 'SELL') throw new DecodeError("forceOrder: field 'o.S' must be BUY or SELL");
    const symbol = order.s;
    if (typeof symbol !== 'string' || symbol === '') throw new DecodeError("forceOrder: field 'o.s' must be a symbol");
    return {
      type: 'liquidation',
      symbol,
      eventTime,
      tradeTime: numberField(order, 'T', 'forceOrder.o'),
      side,
      price: decimalField(order, 'p', 'forceOrder.o'),
      avgPrice: decimalField(order, 'ap', 'forceOrder.o'),
      qty: decimalField(order, 'q', 'forceOrder.o'),
      filledQty: decimalField(order, 'z', 'forceOrder.o'),
      status: typeof order.X === 'string' ? order.X : '',
    };
  }

  /** Snapshots, control replies and errors: rare, so plain JSON.parse and checks. */
  private decodeCold(text: string, time: number): EngineEvent {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new DecodeError(`not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DecodeError('not a JSON object');
    const obj = value as Record<string, unknown>;
    if ('lastUpdateId' in obj) return decodeSnapshotObject(obj, this.defaultSymbol);
    if ('result' in obj && 'id' in obj) {
      return { type: 'controlReply', id: idField(obj.id), result: obj.result } satisfies ControlReplyEvent;
    }
    if (typeof obj.code === 'number' && typeof obj.msg === 'string') {
      return {
        type: 'controlReply',
        id: idField(obj.id),
        result: null,
        error: { code: obj.code, msg: obj.msg },
      } satisfies ControlReplyEvent;
    }
    return this.malformed(text, time, `unrecognised frame with keys ${Object.keys(obj).slice(0, 6).join(', ') || '(none)'}`);
  }


  // ---- compact fast path ----
  //
  // Binance writes its hot frames compactly and with a fixed field order. These readers expect exactly
  // that layout and read it front to back with no bookkeeping; at the first surprise they return
  // undefined and the general, order-independent parser (which also explains what is wrong) takes over.

  private decodeCompactEnvelope(): EngineEvent | undefined {
    const text = this.text;
    if (text.charCodeAt(0) !== LBRACE || text.charCodeAt(2) !== 115 /* s */ || !text.startsWith('{"stream":"', 0)) return undefined;
    this.pos = 11;
    const stream = this.compactStringTail();
    if (stream === undefined || !text.startsWith(',"data":{"e":"', this.pos)) return undefined;
    this.lastStream = stream;
    this.pos += 14;
    let event: EngineEvent | undefined;
    // One char tells the three hot types apart; the rest of the literal is then checked once.
    switch (text.charCodeAt(this.pos)) {
      case 98 /* b */:
        if (text.startsWith('bookTicker","u":', this.pos)) {
          this.pos += 16;
          event = this.compactBookTicker();
        }
        break;
      case 100 /* d */:
        if (text.startsWith('depthUpdate","E":', this.pos)) {
          this.pos += 17;
          event = this.compactDepth();
        }
        break;
      case 116 /* t */:
        if (text.startsWith('trade","E":', this.pos)) {
          this.pos += 11;
          event = this.compactTrade();
        }
        break;
    }
    if (event === undefined || this.pos !== text.length - 1 || text.charCodeAt(this.pos) !== RBRACE) return undefined;
    return event;
  }

  private compactBookTicker(): BookTickerEvent | undefined {
    const updateId = this.compactInt();
    let eventTime = NaN;
    let transactionTime = NaN;
    if (this.field(K_E, false)) {
      // Documented order: e,u,E,T,s,b,B,a,A.
      eventTime = this.compactInt();
      if (!this.field(K_T, false)) return undefined;
      transactionTime = this.compactInt();
    }
    if (!this.field(K_s, true)) return undefined;
    const symbol = this.compactStringTail();
    if (symbol === undefined || !this.field(K_b, true)) return undefined;
    const bidPrice = this.compactPriceTail();
    if (!this.field(K_B, true)) return undefined;
    const bidQty = this.compactDecimalTail();
    if (!this.field(K_a, true)) return undefined;
    const askPrice = this.compactPriceTail();
    if (!this.field(K_A, true)) return undefined;
    const askQty = this.compactDecimalTail();
    if (eventTime !== eventTime) {
      // Order seen on the wire: e,u,s,b,B,a,A,T,E.
      if (!this.field(K_T, false)) return undefined;
      transactionTime = this.compactInt();
      if (!this.field(K_E, false)) return undefined;
      eventTime = this.compactInt();
    }
    if (this.text.charCodeAt(this.pos++) !== RBRACE) return undefined;
    if ((updateId + eventTime + transactionTime + bidPrice + bidQty + askPrice + askQty) !== (updateId + eventTime + transactionTime + bidPrice + bidQty + askPrice + askQty)) return undefined;
    return { type: 'bookTicker', symbol, updateId, eventTime, transactionTime, bidPrice, bidQty, askPrice, askQty };
  }

  private compactTrade(): TradeEvent | undefined {
    const eventTime = this.compactInt();
    if (!this.field(K_T, false)) return undefined;
    const tradeTime = this.compactInt();
    if (!this.field(K_s, true)) return undefined;
    const symbol = this.compactStringTail();
    if (symbol === undefined || !this.field(K_t, false)) return undefined;
    const id = this.compactInt();
    if (!this.field(K_p, true)) return undefined;
    const price = this.compactPriceTail();
    if (!this.field(K_q, true)) return undefined;
    const qty = this.compactDecimalTail();
    if (this.field(K_X, true)) {
      if (this.compactStringEnd() < 0) return undefined;
    }
    let buyerIsMaker: boolean;
    if (this.compactKey(',"m":true')) buyerIsMaker = true;
    else if (this.compactKey(',"m":false')) buyerIsMaker = false;
    else return undefined;
    if (this.text.charCodeAt(this.pos++) !== RBRACE) return undefined;
    if ((eventTime + tradeTime + id + price + qty) !== (eventTime + tradeTime + id + price + qty)) return undefined;
    return { type: 'trade', symbol, eventTime, tradeTime, id, price, qty, buyerIsMaker, aggregated: false };
  }

  private compactDepth(): DepthUpdateEvent | undefined {
    const eventTime = this.compactInt();
    if (!this.field(K_T, false)) return undefined;
    const transactionTime = this.compactInt();
    if (!this.field(K_s, true)) return undefined;
    const symbol = this.compactStringTail();
    if (symbol === undefined || !this.field(K_U, false)) return undefined;
    const firstUpdateId = this.compactInt();
    if (!this.field(K_u, false)) return undefined;
    const finalUpdateId = this.compactInt();
    if (!this.compactKey(',"pu":')) return undefined;
    const prevFinalUpdateId = this.compactInt();
    if (!this.field(K_b, false)) return undefined;
    const bids = this.parseCompactLevels();
    if (bids === undefined || !this.field(K_a, false)) return undefined;
    const asks = this.parseCompactLevels();
    if (asks === undefined) return undefined;
    // Fields added later (e.g. "ps", "st" since 2026) are skipped.
    while (this.text.charCodeAt(this.pos) === COMMA) {
      this.pos++;
      if (this.text.charCodeAt(this.pos) !== QUOTE) return undefined;
      this.scanString();
      if (this.text.charCodeAt(this.pos) !== COLON) return undefined;
      this.pos++;
      this.skipValue();
    }
    if (this.text.charCodeAt(this.pos++) !== RBRACE) return undefined;
    if ((eventTime + transactionTime + firstUpdateId + finalUpdateId + prevFinalUpdateId) !== (eventTime + transactionTime + firstUpdateId + finalUpdateId + prevFinalUpdateId)) return undefined;
    return { type: 'depthUpdate', symbol, eventTime, transactionTime, firstUpdateId, finalUpdateId, prevFinalUpdateId, bids, asks };
  }

  /**
   * Expects `,"<key>":` (and an opening quote when `quoted`) at `pos` for a one-letter key, checked
   * char by char: cheaper than a string comparison, and this runs for every field of every frame.
   */
  private field(key: number, quoted: boolean): boolean {
    const text = this.text;
    const p = this.pos;
    if (
      text.charCodeAt(p) !== COMMA ||
      text.charCodeAt(p + 1) !== QUOTE ||
      text.charCodeAt(p + 2) !== key ||
      text.charCodeAt(p + 3) !== QUOTE ||
      text.charCodeAt(p + 4) !== COLON
    ) {
      return false;
    }
    if (quoted) {
      if (text.charCodeAt(p + 5) !== QUOTE) return false;
      this.pos = p + 6;
    } else {
      this.pos = p + 5;
    }
    return true;
  }

  private compactKey(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  /** Non-negative integer of at most 15 digits at `pos`, or NaN. */
  private compactInt(): number {
    const text = this.text;
    let p = this.pos;
    const start = p;
    let value = 0;
    let ch = text.charCodeAt(p);
    while (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
      ch = text.charCodeAt(++p);
    }
    this.pos = p;
    // JSON forbids leading zeros ("017"); so does this reader.
    if (p === start || p - start > 15 || (text.charCodeAt(start) === 48 && p - start > 1)) return NaN;
    return value;
  }

  /** A decimal string's content up to and past its closing quote (opening quote already consumed), or NaN. */
  private compactDecimalTail(): number {
    const text = this.text;
    let p = this.pos;
    const start = p;
    let mantissa = 0;
    let fraction = -1;
    let ch = text.charCodeAt(p);
    // "007" and ".5" are not how Binance writes numbers: the general parser explains.
    if ((ch === 48 && text.charCodeAt(p + 1) !== 46 && text.charCodeAt(p + 1) !== QUOTE) || ch === 46) return NaN;
    while (ch !== QUOTE) {
      if (ch >= 48 && ch <= 57) {
        mantissa = mantissa * 10 + (ch - 48);
        if (fraction >= 0) fraction++;
      } else if (ch === 46 && fraction < 0) {
        fraction = 0;
      } else {
        return NaN;
      }
      ch = text.charCodeAt(++p);
    }
    this.pos = p + 1;
    // Beyond 15 digits the mantissa may not be exact; the general parser handles such text.
    if (p === start || p - start > (fraction >= 0 ? 16 : 15) || fraction === 0) return NaN;
    return fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  }

  /**
   * A price string up to and past its closing quote, or NaN when it is not a positive price on the
   * tick grid (the general parser then says why). The grid check rides on the scan: for a power-of-ten
   * tick a price is on the grid when its last non-zero decimal is within the tick's decimals.
   */
  private compactPriceTail(): number {
    const text = this.text;
    let p = this.pos;
    const start = p;
    let mantissa = 0;
    let fraction = -1;
    let significant = 0;
    let ch = text.charCodeAt(p);
    if ((ch === 48 && text.charCodeAt(p + 1) !== 46) || ch === 46) return NaN;
    while (ch !== QUOTE) {
      if (ch >= 48 && ch <= 57) {
        mantissa = mantissa * 10 + (ch - 48);
        if (fraction >= 0) {
          fraction++;
          if (ch !== 48) significant = fraction;
        }
      } else if (ch === 46 && fraction < 0) {
        fraction = 0;
      } else {
        return NaN;
      }
      ch = text.charCodeAt(++p);
    }
    this.pos = p + 1;
    if (p - start > (fraction >= 0 ? 16 : 15) || fraction === 0 || mantissa === 0 || significant > this.gridDecimals) return NaN;
    const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
    if (value > this.maxPrice || (!this.decimalTick && !this.scale!.isOnGrid(value))) return NaN;
    return value;
  }

  /** An interned string up to and past its closing quote (no escapes), or undefined. */
  private compactStringTail(): string | undefined {
    const start = this.pos;
    // Symbols and stream names repeat: a cached one that matches here, followed by the closing
    // quote, needs no scan (cached strings were checked for quotes and escapes when first seen).
    const cache = this.internCache;
    const text = this.text;
    for (let i = 0; i < cache.length; i++) {
      const s = cache[i];
      if (text.charCodeAt(start + s.length) === QUOTE && text.startsWith(s, start)) {
        this.pos = start + s.length + 1;
        return s;
      }
    }
    const end = this.compactStringEnd();
    return end <= start ? undefined : this.intern(start, end);
  }

  private compactStringEnd(): number {
    const text = this.text;
    const end = text.indexOf('"', this.pos);
    if (end < 0) return -1;
    for (let p = this.pos; p < end; p++) {
      const ch = text.charCodeAt(p);
      if (ch === BACKSLASH || ch < 32) return -1;
    }
    this.pos = end + 1;
    return end;
  }

  // ---- field accessors: each names the field and the frame type in its complaint ----

  private reqInt(f: FieldSlots, id: number, name: string, what: string): number {
    if (f.kindOf(id) !== Kind.Num) throw new DecodeError(`${what}: field '${name}' must be a number`);
    return f.num[id];
  }

  private reqSymbol(f: FieldSlots, what: string): string {
    if (f.kindOf(K_s) !== Kind.Str || f.end[K_s] === f.start[K_s]) throw new DecodeError(`${what}: field 's' must be a symbol`);
    return this.intern(f.start[K_s], f.end[K_s]);
  }

  private reqNumString(f: FieldSlots, id: number, name: string, what: string): number {
    if (f.kindOf(id) !== Kind.Str) throw new DecodeError(`${what}: field '${name}' must be a decimal string`);
    const v = parseDecimal(this.text, f.start[id], f.end[id]);
    if (v !== v) throw new DecodeError(`${what}: field '${name}' is not a number: "${this.text.slice(f.start[id], f.end[id])}"`);
    return v;
  }

  private reqPrice(f: FieldSlots, id: number, name: string, what: string): number {
    const v = this.reqNumString(f, id, name, what);
    if (v < 0) throw new DecodeError(`${what}: field '${name}' must not be negative`);
    return v;
  }

  private reqQty(f: FieldSlots, id: number, name: string, what: string): number {
    return this.reqPrice(f, id, name, what);
  }

  /** A traded or quoted price: positive and on the symbol's tick grid. */
  private reqTickPrice(f: FieldSlots, id: number, name: string, what: string): number {
    const v = this.reqNumString(f, id, name, what);
    const problem = this.priceProblem(v);
    if (problem !== undefined) throw new DecodeError(`${what}: field '${name}' ("${this.text.slice(f.start[id], f.end[id])}"): ${problem}`);
    return v;
  }

  /** Why `price` cannot be a level's price, or undefined when it can. */
  private priceProblem(price: number): string | undefined {
    if (price !== price) return 'the price must be a plain decimal (no exponent, no leading zeros)';
    if (!(price > 0)) return 'the price must be above 0';
    const scale = this.scale;
    if (scale !== undefined && !scale.isOnGrid(price)) {
      return price > this.maxPrice
        ? `the price is beyond what tick ${scale.format(scale.tickSize)} can hold exactly`
        : `the price is not a multiple of the tick size ${scale.format(scale.tickSize)}`;
    }
    return undefined;
  }

  private reqLevels(f: FieldSlots, id: number, name: string, what: string): number[] {
    if (f.kindOf(id) !== Kind.Levels) throw new DecodeError(`${what}: field '${name}' must be a list of [price, qty] string pairs`);
    return f.levels[id]!;
  }

  /** Returns a cached string equal to text[start,end) when one exists, so symbols and streams are not re-allocated. */
  private intern(start: number, end: number): string {
    const text = this.text;
    const len = end - start;
    const cache = this.internCache;
    for (let i = 0; i < cache.length; i++) {
      const s = cache[i];
      if (s.length === len && text.startsWith(s, start)) return s;
    }
    const s = text.slice(start, end);
    if (cache.length >= 16) cache.shift();
    cache.push(s);
    return s;
  }

  // ---- scanner ----

  private skipWs(): void {
    const text = this.text;
    // Binance sends compact JSON: the common case is no whitespace at all.
    if (text.charCodeAt(this.pos) > 32) return;
    let p = this.pos;
    for (;;) {
      const ch = text.charCodeAt(p);
      if (ch === 32 || ch === 10 || ch === 13 || ch === 9) p++;
      else break;
    }
    this.pos = p;
  }

  private expectEnd(): void {
    this.skipWs();
    if (this.pos !== this.text.length) throw new DecodeError(`unexpected text after the frame at offset ${this.pos}`);
  }

  private fail(what: string): never {
    if (this.pos >= this.text.length) throw new DecodeError(`truncated frame: expected ${what} at end of input`);
    throw new DecodeError(`expected ${what} at offset ${this.pos}, found ${JSON.stringify(this.text[this.pos])}`);
  }

  /** Classifies a frame by its first key without taking a substring. */
  private peekFirstKey(): 'stream' | 'data' | 'e' | undefined {
    const text = this.text;
    let p = this.pos + 1;
    while (p < text.length && text.charCodeAt(p) <= 32) p++;
    if (text.charCodeAt(p) !== QUOTE) return undefined;
    if (text.startsWith('stream"', p + 1)) return 'stream';
    if (text.startsWith('data"', p + 1)) return 'data';
    if (text.startsWith('e"', p + 1)) return 'e';
    return undefined;
  }

  /**
   * Parses an object at `pos` into `slots`. With `envelope`, the value of `data` is parsed into the
   * payload slots instead of being skipped.
   */
  private parseObject(slots: FieldSlots, envelope: boolean): void {
    const text = this.text;
    slots.reset();
    this.pos++; // '{'
    this.skipWs();
    if (text.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWs();
      if (text.charCodeAt(this.pos) !== QUOTE) this.fail('a field name');
      const keyStart = this.pos + 1;
      const keyEnd = this.scanString();
      const id = this.keyId(keyStart, keyEnd);
      this.skipWs();
      if (text.charCodeAt(this.pos) !== COLON) this.fail("':'");
      this.pos++;
      this.skipWs();
      if (envelope && id === K_DATA && text.charCodeAt(this.pos) === LBRACE) {
        const dataStart = this.pos;
        this.parseObject(this.payload, false);
        slots.kind[id] = Kind.Obj;
        slots.gen[id] = slots.generation;
        slots.start[id] = dataStart;
        slots.end[id] = this.pos;
      } else {
        this.parseValue(slots, id);
      }
      this.skipWs();
      const ch = text.charCodeAt(this.pos);
      this.pos++;
      if (ch === COMMA) continue;
      if (ch === RBRACE) return;
      this.pos--;
      this.fail("',' or '}'");
    }
  }

  private keyId(start: number, end: number): number {
    const text = this.text;
    const len = end - start;
    if (len === 1) {
      const ch = text.charCodeAt(start);
      return ch < 128 ? ch : -1;
    }
    // The envelope keys arrive with every frame: recognise them without taking a substring.
    if (len === 2) {
      const a = text.charCodeAt(start);
      const b = text.charCodeAt(start + 1);
      if (a === 112 /* p */ && b === 117 /* u */) return K_PU;
    } else if (len === 6 && text.startsWith('stream', start)) {
      return K_STREAM;
    } else if (len === 4 && text.startsWith('data', start)) {
      return K_DATA;
    }
    if (len > 12) return -1;
    return LONG_KEY_ID.get(text.slice(start, end)) ?? -1;
  }

  /** Parses one value; remembers it in `slots` under `id` (unless id < 0, an unknown key). */
  private parseValue(slots: FieldSlots, id: number): void {
    const text = this.text;
    const ch = text.charCodeAt(this.pos);
    let kind: Kind;
    const start = this.pos;
    if (ch === QUOTE) {
      const end = this.scanString();
      if (id >= 0) {
        slots.start[id] = start + 1;
        slots.end[id] = end;
      }
      kind = Kind.Str;
    } else if (ch === LBRACKET) {
      const levels = id >= 0 ? this.tryParseLevels() : undefined;
      if (levels !== undefined) {
        slots.levels[id] = levels;
        kind = Kind.Levels;
      } else {
        this.pos = start;
        this.skipValue();
        kind = Kind.Other;
      }
    } else if (ch === LBRACE) {
      this.skipValue();
      if (id >= 0) {
        slots.start[id] = start;
        slots.end[id] = this.pos;
      }
      kind = Kind.Obj;
    } else if (ch === 116 /* t */) {
      this.literal('true');
      kind = Kind.True;
    } else if (ch === 102 /* f */) {
      this.literal('false');
      kind = Kind.False;
    } else if (ch === 110 /* n */) {
      this.literal('null');
      kind = Kind.Null;
    } else {
      const value = this.scanNumber();
      if (id >= 0) slots.num[id] = value;
      kind = Kind.Num;
    }
    if (id >= 0) {
      slots.kind[id] = kind;
      slots.gen[id] = slots.generation;
    }
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.fail(word);
    this.pos += word.length;
  }

  /**
   * At an opening quote; moves past the closing one and returns the offset of the closing quote.
   * Rejects what JSON rejects inside strings: raw control characters and unknown escapes.
   */
  private scanString(): number {
    const text = this.text;
    let p = this.pos + 1;
    for (;;) {
      const ch = text.charCodeAt(p);
      if (ch === QUOTE) {
        this.pos = p + 1;
        return p;
      }
      if (ch !== ch) {
        this.pos = text.length;
        this.fail('the end of a string');
      }
      if (ch < 32) {
        this.pos = p;
        throw new DecodeError(`control character in a string at offset ${p}`);
      }
      if (ch === BACKSLASH) {
        const esc = text.charCodeAt(p + 1);
        if (esc === 117 /* u */) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(p + 2, p + 6))) throw new DecodeError(`bad \\u escape at offset ${p}`);
          p += 6;
          continue;
        }
        // " \ / b f n r t
        if (esc !== 34 && esc !== 92 && esc !== 47 && esc !== 98 && esc !== 102 && esc !== 110 && esc !== 114 && esc !== 116) {
          throw new DecodeError(`bad escape in a string at offset ${p}`);
        }
        p += 2;
        continue;
      }
      p++;
    }
  }

  private scanNumber(): number {
    const text = this.text;
    const start = this.pos;
    let p = start;
    let negative = false;
    if (text.charCodeAt(p) === 45) {
      negative = true;
      p++;
    }
    let value = 0;
    let digits = 0;
    for (;;) {
      const ch = text.charCodeAt(p);
      if (ch >= 48 && ch <= 57) {
        value = value * 10 + (ch - 48);
        digits++;
        p++;
      } else break;
    }
    if (digits === 0) this.fail('a value');
    if (digits > 1 && text.charCodeAt(negative ? start + 1 : start) === 48) {
      throw new DecodeError(`bad number at offset ${start}: JSON numbers have no leading zeros`);
    }
    const next = text.charCodeAt(p);
    if (next === 46 || next === 101 || next === 69 || digits > 15) {
      // Fractions, exponents and very long integers are rare here: let Number() be exact about them.
      while (p < text.length && /[0-9eE.+-]/.test(text[p])) p++;
      const v = Number(text.slice(start, p));
      this.pos = p;
      if (!Number.isFinite(v)) throw new DecodeError(`bad number ${JSON.stringify(text.slice(start, p))} at offset ${start}`);
      return v;
    }
    this.pos = p;
    return negative ? -value : value;
  }

  /**
   * Parses `[["p","q"],...]` into a flat number array, or returns undefined (position restored by the
   * caller) when the array is not of that shape. Prices and quantities must be finite and non-negative.
   */
  private tryParseLevels(): number[] | undefined {
    const start = this.pos;
    const fast = this.parseCompactLevels();
    if (fast !== undefined) return fast;
    this.pos = start;
    return this.parseLevelsGeneral();
  }

  /**
   * The shape Binance actually sends — `[["61800.20","2.909"],...]` with no whitespace — parsed with
   * the decimals read inline. Returns undefined at the first surprise so the general parser decides.
   */
  private parseCompactLevels(): number[] | undefined {
    const text = this.text;
    const out: number[] = [];
    let p = this.pos + 1;
    if (text.charCodeAt(p) === RBRACKET) {
      this.pos = p + 1;
      return out;
    }
    for (;;) {
      if (text.charCodeAt(p) !== LBRACKET || text.charCodeAt(p + 1) !== QUOTE) return undefined;
      this.pos = p + 2;
      const price = this.compactPriceTail();
      p = this.pos;
      if (price !== price || text.charCodeAt(p) !== COMMA || text.charCodeAt(p + 1) !== QUOTE) return undefined;
      this.pos = p + 2;
      const qty = this.compactDecimalTail();
      p = this.pos;
      if (qty !== qty || text.charCodeAt(p) !== RBRACKET) return undefined;
      out.push(price, qty);
      const ch = text.charCodeAt(p + 1);
      p += 2;
      if (ch === COMMA) continue;
      if (ch === RBRACKET) {
        this.pos = p;
        return out;
      }
      return undefined;
    }
  }

  /**
   * Parses `[["p","q"],...]` into a flat number array, or returns undefined (position restored by the
   * caller) when the array is not of that shape. Prices and quantities must be finite and non-negative.
   */
  private parseLevelsGeneral(): number[] | undefined {
    const text = this.text;
    const out: number[] = [];
    this.pos++; // '['
    this.skipWs();
    if (text.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (text.charCodeAt(this.pos) !== LBRACKET) return undefined;
      this.pos++;
      this.skipWs();
      if (text.charCodeAt(this.pos) !== QUOTE) return undefined;
      const ps = this.pos + 1;
      const pe = this.scanString();
      this.skipWs();
      if (text.charCodeAt(this.pos) !== COMMA) return undefined;
      this.pos++;
      this.skipWs();
      if (text.charCodeAt(this.pos) !== QUOTE) return undefined;
      const qs = this.pos + 1;
      const qe = this.scanString();
      this.skipWs();
      if (text.charCodeAt(this.pos) !== RBRACKET) return undefined;
      this.pos++;
      const price = parseDecimal(text, ps, pe);
      const qty = parseDecimal(text, qs, qe);
      const problem = this.priceProblem(price) ?? (qty >= 0 ? undefined : 'the quantity must be a non-negative plain decimal');
      if (problem !== undefined) {
        throw new DecodeError(`bad level ["${text.slice(ps, pe)}","${text.slice(qs, qe)}"]: ${problem}`);
      }
      out.push(price, qty);
      this.skipWs();
      const ch = text.charCodeAt(this.pos);
      this.pos++;
      if (ch === COMMA) continue;
      if (ch === RBRACKET) return out;
      this.pos--;
      this.fail("',' or ']' in a level list");
    }
  }

  /** Skips any JSON value, checking brackets balance and strings close. */
  private skipValue(): void {
    const text = this.text;
    const ch = text.charCodeAt(this.pos);
    if (ch === QUOTE) {
      this.scanString();
      return;
    }
    if (ch === LBRACE || ch === LBRACKET) {
      const close = ch === LBRACE ? RBRACE : RBRACKET;
      this.pos++;
      this.skipWs();
      if (text.charCodeAt(this.pos) === close) {
        this.pos++;
        return;
      }
      for (;;) {
        this.skipWs();
        if (ch === LBRACE) {
          if (text.charCodeAt(this.pos) !== QUOTE) this.fail('a field name');
          this.scanString();
          this.skipWs();
          if (text.charCodeAt(this.pos) !== COLON) this.fail("':'");
          this.pos++;
          this.skipWs();
        }
        this.skipValue();
        this.skipWs();
        const next = text.charCodeAt(this.pos);
        this.pos++;
        if (next === COMMA) continue;
        if (next === close) return;
        this.pos--;
        this.fail(close === RBRACE ? "',' or '}'" : "',' or ']'");
      }
    }
    if (ch === 116) return this.literal('true');
    if (ch === 102) return this.literal('false');
    if (ch === 110) return this.literal('null');
    this.scanNumber();
  }
}

/** Validates a REST depth snapshot object (`GET /fapi/v1/depth`). */
export function decodeSnapshotObject(obj: Record<string, unknown>, symbol: string): DepthSnapshotEvent {
  const lastUpdateId = numberField(obj, 'lastUpdateId', 'depth snapshot');
  return {
    type: 'depthSnapshot',
    symbol: typeof obj.s === 'string' ? obj.s : symbol,
    lastUpdateId,
    eventTime: typeof obj.E === 'number' ? obj.E : 0,
    transactionTime: typeof obj.T === 'number' ? obj.T : 0,
    bids: levelsField(obj, 'bids'),
    asks: levelsField(obj, 'asks'),
  };
}

function levelsField(obj: Record<string, unknown>, name: string): number[] {
  const list = obj[name];
  if (!Array.isArray(list)) throw new DecodeError(`depth snapshot: field '${name}' must be a list of levels`);
  const out = new Array<number>(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    const level = list[i] as unknown;
    if (!Array.isArray(level) || level.length < 2 || typeof level[0] !== 'string' || typeof level[1] !== 'string') {
      throw new DecodeError(`depth snapshot: ${name}[${i}] must be a [price, qty] string pair`);
    }
    const price = parseDecimal(level[0], 0, level[0].length);
    const qty = parseDecimal(level[1], 0, level[1].length);
    // The tick grid is the synchronizer's check: an off-grid snapshot means the tick does not fit.
    if (!(price > 0) || !(qty >= 0)) {
      throw new DecodeError(`depth snapshot: ${name}[${i}] ${JSON.stringify(level.slice(0, 2))} needs a price above 0 and a non-negative quantity, both plain decimals`);
    }
    out[2 * i] = price;
    out[2 * i + 1] = qty;
  }
  return out;
}

function numberField(obj: Record<string, unknown>, name: string, what: string): number {
  const v = obj[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DecodeError(`${what}: field '${name}' must be a number`);
  return v;
}

function decimalField(obj: Record<string, unknown>, name: string, what: string): number {
  const v = obj[name];
  const n = typeof v === 'string' ? parseDecimal(v, 0, v.length) : NaN;
  if (!(n >= 0)) throw new DecodeError(`${what}: field '${name}' must be a non-negative decimal string`);
  return n;
}

function idField(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}
