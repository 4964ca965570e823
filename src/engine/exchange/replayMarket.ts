import { performance } from 'node:perf_hooks';
import { DepthSynchronizer } from '../book/depthSynchronizer';
import { inferTickSize, knownTickSize } from '../config/knownSymbols';
import type { WireAggTrade, WireDepthUpdate, WireMarkPrice, WireTrade } from '../protocol/binanceTypes';
import { FrameDecoder } from '../protocol/frameDecoder';
import { RecordingReader, type RecordedFrame } from '../replay/recordingReader';
import { RecordingCursor } from '../replay/recordingCursor';
import type { ExchangeMarket, MarketSink, SnapshotAnswer, TopOfBook } from './market';
import {
  DIFF_SPEEDS,
  PARTIAL_LEVELS,
  diffDepthStream,
  markPriceStream,
  parseStream,
  partialDepthStream,
  simpleStream,
  type PartialSpeedMs,
} from './streamNames';
import { makeSymbolSpec, priceText, qtyText, type SymbolSpec } from './symbolSpec';

export interface ReplayMarketOptions {
  /** The opened file (see ReplayRecording.open): reading it can fail, so it is opened before the exchange starts. */
  recording: ReplayRecording;
  /** Recorded time runs this many times faster than wall time. */
  speed: number;
  sink: MarketSink;
  /** How long a REST depth request waits for the book to synchronise before answering 503. */
  snapshotWaitMs?: number;
}

const FRAMES_PER_BATCH = 4000;
/** Frames looked at to tell the symbol, tick size and precision. */
const HEAD_FRAMES = 2000;
const MAX_SLEEP_MS = 1000;
const PARTIAL_SPEEDS: readonly PartialSpeedMs[] = [100, 250, 500];

interface Waiter {
  resolve(live: boolean): void;
  timer: NodeJS.Timeout;
}

/**
 * A recording played as a live market, on one clock for every client. Recorded depth, bookTicker and
 * trade payloads go out verbatim (every diff-depth speed gets the recorded diffs as they are); the
 * exchange keeps its own book from the same frames with the engine's DepthSynchronizer (the
 * recording's REST snapshot line bridges the diffs) and answers REST depth from that book. At the end
 * the final book stays and nothing more is emitted.
 */
export class ReplayMarket implements ExchangeMarket {
  readonly kind = 'replay';
  private readonly cursor: RecordingCursor;
  private readonly firstMs: number;
  private readonly symbolSpec: SymbolSpec;
  private readonly sync: DepthSynchronizer;
  private readonly decoder: FrameDecoder;
  private readonly sink: MarketSink;
  private readonly speed: number;
  private readonly snapshotWaitMs: number;
  private readonly waiters = new Set<Waiter>();
  private readonly names: { bookTicker: string; trade: string; aggTrade: string; markPrice1s: string; markPrice3s: string };
  private next = 0;
  private startedAt: number;
  private pausedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastEventTime = 0;
  /** Recording time of the last frame played, for the mark price cadence. */
  private lastFrameMs: number;

  constructor(options: ReplayMarketOptions) {
    if (!(options.speed > 0 && Number.isFinite(options.speed))) throw new RangeError(`replay speed must be a positive number, got ${options.speed}`);
    const recording = options.recording;
    this.cursor = new RecordingCursor(recording.reader);
    this.firstMs = recording.firstMs;
    this.symbolSpec = recording.spec;
    const symbol = recording.spec.symbol;
    this.sink = options.sink;
    this.speed = options.speed;
    this.snapshotWaitMs = options.snapshotWaitMs ?? 5000;
    this.decoder = new FrameDecoder(symbol);
    // The recording's snapshot lines answer the synchronizer's requests, so a request needs no action.
    this.sync = new DepthSynchronizer({ symbol, tickSize: this.symbolSpec.prices.tickSize, mode: 'full', requestSnapshot: () => undefined });
    this.names = {
      bookTicker: simpleStream(symbol, 'bookTicker'),
      trade: simpleStream(symbol, 'trade'),
      aggTrade: simpleStream(symbol, 'aggTrade'),
      markPrice1s: markPriceStream(symbol, 1000),
      markPrice3s: markPriceStream(symbol, 3000),
    };
    this.lastFrameMs = this.firstMs;
    this.startedAt = performance.now();
    this.schedule(0);
  }

  specs(): readonly SymbolSpec[] {
    return [this.symbolSpec];
  }

  spec(symbol: string): SymbolSpec | undefined {
    return symbol.toUpperCase() === this.symbolSpec.symbol ? this.symbolSpec : undefined;
  }

  /** True once every frame has been played. */
  get finished(): boolean {
    return this.cursor.ended;
  }

  get framesPlayed(): number {
    return this.next;
  }

  get bookStatus(): string {
    return this.sync.status;
  }

  topOfBook(symbol: string, levels: number): TopOfBook {
    if (this.spec(symbol) === undefined) throw new RangeError(`unknown symbol ${symbol}; this replay has ${this.symbolSpec.symbol}`);
    const book = this.sync.book;
    return { lastUpdateId: book.lastUpdateId, bids: book.topPairs('bid', levels), asks: book.topPairs('ask', levels) };
  }

  async depthSnapshot(symbol: string, limit: number): Promise<SnapshotAnswer> {
    if (this.spec(symbol) === undefined) return { ok: false, reason: 'unknownSymbol' };
    if (!this.isLive() && !(await this.waitForLiveBook())) return { ok: false, reason: 'notReady' };
    const book = this.sync.book;
    const spec = this.symbolSpec;
    const side = (s: 'bid' | 'ask'): Array<[string, string]> => book.topPairs(s, limit).map(([p, q]) => [priceText(spec, p), qtyText(spec, q)]);
    return {
      ok: true,
      // Times are the recording's, like every payload the replay sends.
      snapshot: { lastUpdateId: book.lastUpdateId, E: this.lastEventTime, T: book.eventTime, bids: side('bid'), asks: side('ask') },
    };
  }

  setClientCount(): void {
    // One clock for all: the recording plays whether or not anyone listens.
  }

  pause(): void {
    if (this.pausedAt !== undefined || this.stopped) return;
    this.pausedAt = performance.now();
    this.clearTimer();
  }

  resume(): void {
    if (this.pausedAt === undefined || this.stopped) return;
    this.startedAt += performance.now() - this.pausedAt;
    this.pausedAt = undefined;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.cursor.close();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters.clear();
  }

  /** A method, not a property read, so TypeScript does not narrow it across the calls that change it. */
  private isLive(): boolean {
    return this.sync.status === 'live';
  }

  private waitForLiveBook(): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(this.isLive());
        }, this.snapshotWaitMs),
      };
      this.waiters.add(waiter);
    });
  }

  private wakeWaiters(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(true);
    }
    this.waiters.clear();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    if (this.stopped || this.pausedAt !== undefined || this.finished) return;
    this.timer = setTimeout(() => this.play(), Math.max(0, Math.min(MAX_SLEEP_MS, delayMs)));
  }

  /** Plays every frame that is due by now (in batches, so sockets and REST are served in between). */
  private play(): void {
    this.timer = undefined;
    const first = this.firstMs;
    const elapsedRecordedMs = (performance.now() - this.startedAt) * this.speed;
    let played = 0;
    let frame = this.cursor.current();
    while (frame !== undefined && played < FRAMES_PER_BATCH) {
      if (frame.localMs - first > elapsedRecordedMs) break;
      this.playFrame(frame);
      this.next++;
      played++;
      this.cursor.advance();
      frame = this.cursor.current();
    }
    if (this.finished) return;
    if (frame === undefined) {
      // The file is read ahead in the background; this only waits when the reader falls behind.
      void this.cursor.ready().then(() => this.schedule(0));
      return;
    }
    const dueInMs = played >= FRAMES_PER_BATCH ? 0 : (frame.localMs - first - elapsedRecordedMs) / this.speed;
    this.schedule(dueInMs);
  }

  private playFrame(frame: RecordedFrame): void {
    const text = frame.text;
    const envelope = splitEnvelope(text);
    if (envelope === undefined) {
      // Not a stream message: the recording's REST snapshot answers (or something unknown, ignored).
      const event = this.decoder.decode(text, frame.localMs);
      if (event.type === 'depthSnapshot') {
        this.sync.onSnapshot(event);
        if (this.isLive()) this.wakeWaiters();
      }
      return;
    }
    const parsed = parseStream(envelope.stream);
    if (parsed === undefined || parsed.symbol !== this.symbolSpec.symbol) return;
    switch (parsed.kind) {
      case 'diffDepth':
        this.playDiff(text, envelope.data);
        break;
      case 'bookTicker':
        this.forward(this.names.bookTicker, envelope.data);
        break;
      case 'trade':
        this.playTrade(envelope.data);
        break;
      case 'partialDepth':
        for (const speed of PARTIAL_SPEEDS) this.forward(partialDepthStream(parsed.symbol, parsed.levels, speed), envelope.data);
        break;
      case 'aggTrade':
      case 'forceOrder':
        this.forward(simpleStream(parsed.symbol, parsed.kind), envelope.data);
        break;
      case 'markPrice':
        this.forward(markPriceStream(parsed.symbol, parsed.intervalMs), envelope.data);
        break;
      case 'other':
        break;
    }
    this.markPriceCadence(frame.localMs);
  }

  private playDiff(text: string, data: string): void {
    const event = this.decoder.decode(text);
    if (event.type !== 'depthUpdate') return;
    this.lastEventTime = event.eventTime;
    const wasLive = this.isLive();
    this.sync.onDepth(event);
    if (!wasLive && this.isLive()) this.wakeWaiters();
    for (const speed of DIFF_SPEEDS) {
      const name = diffDepthStream(event.symbol, speed);
      if (this.sink.wants(name)) this.sink.publish(name, data, 'diff');
    }
    if (!this.isLive()) return;
    for (const speed of PARTIAL_SPEEDS) {
      for (const levels of PARTIAL_LEVELS) {
        const name = partialDepthStream(event.symbol, levels, speed);
        if (!this.sink.wants(name)) continue;
        const spec = this.symbolSpec;
        const book = this.sync.book;
        const payload: WireDepthUpdate = {
          e: 'depthUpdate',
          E: event.eventTime,
          T: event.transactionTime,
          s: event.symbol,
          U: event.firstUpdateId,
          u: event.finalUpdateId,
          pu: event.prevFinalUpdateId,
          b: book.topPairs('bid', levels).map(([p, q]) => [priceText(spec, p), qtyText(spec, q)]),
          a: book.topPairs('ask', levels).map(([p, q]) => [priceText(spec, p), qtyText(spec, q)]),
        };
        this.sink.publish(name, JSON.stringify(payload), 'data');
      }
    }
  }

  private playTrade(data: string): void {
    this.forward(this.names.trade, data);
    if (!this.sink.wants(this.names.aggTrade)) return;
    // The recording has single trades; each one is its own aggregate on the /market stream.
    const trade = JSON.parse(data) as WireTrade;
    const agg: WireAggTrade = { e: 'aggTrade', E: trade.E, s: trade.s, a: trade.t, p: trade.p, q: trade.q, f: trade.t, l: trade.t, T: trade.T, m: trade.m };
    this.sink.publish(this.names.aggTrade, JSON.stringify(agg), 'data');
  }

  /** Mark price every 1 s / 3 s of recorded time, from the replayed book's mid. */
  private markPriceCadence(frameMs: number): void {
    const first = this.firstMs;
    const before = this.lastFrameMs - first;
    const now = frameMs - first;
    this.lastFrameMs = frameMs;
    if (Math.floor(before / 1000) === Math.floor(now / 1000) || !this.isLive()) return;
    const streams = [this.names.markPrice1s];
    if (Math.floor(before / 3000) !== Math.floor(now / 3000)) streams.push(this.names.markPrice3s);
    const wanted = streams.filter((name) => this.sink.wants(name));
    if (wanted.length === 0) return;
    const book = this.sync.book;
    const mid = (book.bestPrice('bid') + book.bestPrice('ask')) / 2;
    const payload: WireMarkPrice = {
      e: 'markPriceUpdate',
      E: this.lastEventTime,
      s: this.symbolSpec.symbol,
      p: mid.toFixed(8),
      i: mid.toFixed(8),
      P: mid.toFixed(8),
      r: '0.00010000',
      T: (Math.floor(this.lastEventTime / 28_800_000) + 1) * 28_800_000,
    };
    const text = JSON.stringify(payload);
    for (const name of wanted) this.sink.publish(name, text, 'data');
  }

  private forward(stream: string, data: string): void {
    if (this.sink.wants(stream)) this.sink.publish(stream, data, 'data');
  }
}

/**
 * A recording opened for a replay market: its symbol and the symbol's rules are told from the first
 * frames (tick size, lot size and the decimals Binance pads to), and the rest is streamed as it plays.
 */
export class ReplayRecording {
  private constructor(
    readonly file: string,
    readonly reader: RecordingReader,
    readonly spec: SymbolSpec,
    /** Recorded time of the first frame: the replay's time zero. */
    readonly firstMs: number,
  ) {}

  /** Rejects with a readable message when the file cannot be read or does not tell its symbol. */
  static async open(file: string): Promise<ReplayRecording> {
    const reader = await RecordingReader.open(file);
    try {
      const head = await reader.peek(HEAD_FRAMES);
      if (head.length === 0) throw new Error(`${file} holds no recorded frames${reader.report.endedEarly ? ` (${reader.report.endedEarly})` : ''}`);
      const symbol = symbolInRecording(head);
      if (symbol === undefined) throw new Error(`${file}: no stream names found to tell the symbol`);
      const sample = head.map((f) => f.text);
      const spec = makeSymbolSpec({
        symbol,
        tickSize: knownTickSize(symbol) ?? inferTickSize(sample) ?? 0.00000001,
        stepSize: 10 ** -writtenDecimals(sample, QTY_FIELDS),
        priceDecimals: writtenDecimals(sample, PRICE_FIELDS),
        quantityDecimals: writtenDecimals(sample, QTY_FIELDS),
      });
      return new ReplayRecording(file, reader, spec, head[0].localMs);
    } catch (err) {
      reader.close();
      throw err;
    }
  }
}

/**
 * The stream name and the payload text of a combined-stream envelope. The payload is cut out of the
 * frame rather than re-serialised, so it goes out byte for byte as recorded.
 */
function splitEnvelope(text: string): { stream: string; data: string } | undefined {
  if (text.startsWith('{"stream":"')) {
    const end = text.indexOf('"', 11);
    if (end > 11 && text.startsWith('","data":', end) && text.endsWith('}')) {
      return { stream: text.slice(11, end), data: text.slice(end + 9, -1) };
    }
  }
  if (!text.includes('"stream"')) return undefined;
  try {
    const obj = JSON.parse(text) as { stream?: unknown; data?: unknown };
    if (typeof obj.stream === 'string' && typeof obj.data === 'object' && obj.data !== null) return { stream: obj.stream, data: JSON.stringify(obj.data) };
  } catch {
    // A broken line is not a stream message; the caller skips it.
  }
  return undefined;
}

function symbolInRecording(frames: readonly RecordedFrame[]): string | undefined {
  for (let i = 0; i < Math.min(frames.length, 1000); i++) {
    const envelope = splitEnvelope(frames[i].text);
    const parsed = envelope === undefined ? undefined : parseStream(envelope.stream);
    if (parsed !== undefined && parsed.symbol !== '') return parsed.symbol;
  }
  return undefined;
}

const PRICE_FIELDS = /(?:\[|"[bapP]":)"(\d+)\.?(\d*)"/g;
const QTY_FIELDS = /(?:\["[\d.]+",|"[qBAz]":)"(\d+)\.?(\d*)"/g;

/** Most decimals written in the matched fields, trailing zeros included: Binance pads to its precision. */
function writtenDecimals(texts: readonly string[], pattern: RegExp): number {
  let decimals = 0;
  for (const text of texts) {
    for (const match of text.matchAll(pattern)) decimals = Math.max(decimals, match[2].length);
  }
  return Math.min(decimals, 12);
}
