import { parentPort } from 'node:worker_threads';
import { SharedRing } from '../core/sharedRing';
import { MarketFeed } from '../live/marketFeed';
import { ReplayFeed } from '../replay/replayFeed';
import { LocalExchange } from '../exchange/localExchange';
import { PanelSnapshotBuilder, type FrameMeta } from '../view/panelSnapshotBuilder';
import type { FeedHealth } from '../live/feedHealth';
import { resolveGrouping } from '../view/groupingChoice';
import type { BookSnapshotMessage, PanelFeedState } from '../../shared/panelProtocol';
import type { FeedSourceConfig, HostToWorker, WorkerStart, WorkerStatus, WorkerToHost, WorkerViewConfig } from './workerProtocol';
import { encodeFrame } from './ringRecords';

/**
 * The feed worker: runs the WebSocket manager (or a replay, or the demo exchange) and the engine off
 * the extension host's main thread. Once per tick it takes one frame — the status with the top of
 * book, and the panel's ladder of the same moment while the panel is visible — writes it into a
 * SharedRing and pokes the host with a tiny message so it reads it; the host never touches a socket
 * or a book.
 */
type Source = MarketFeed | ReplayFeed;

/** The page of a paused display: what the book was when the user paused. */
interface Frozen {
  readonly at: number;
  readonly top: WorkerStatus['top'];
  readonly snapshot: BookSnapshotMessage | undefined;
}

/** The source's book was last seen changing here (the page fades what has not changed for a while). */
interface BookChange {
  updateId: number;
  at: number;
}

let workerStarts = 0;

class FeedWorker {
  private source: Source | undefined;
  private exchange: LocalExchange | undefined;
  private ring: SharedRing | undefined;
  private builder: PanelSnapshotBuilder | undefined;
  private view: WorkerViewConfig | undefined;
  private sourceConfig: FeedSourceConfig | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private statusIntervalMs = 250;
  private frameId = 0;
  private sourceStart = '';
  private bookChange: BookChange = { updateId: -1, at: Date.now() };
  /** Set while the user has paused the display: the moment it stopped at. */
  private frozen: Frozen | undefined;
  private warnedFrameBytes = 0;
  private stopping = false;
  private readonly disposers: Array<() => void> = [];

  constructor(private readonly post: (message: WorkerToHost) => void) {}

  private get paused(): boolean {
    return this.frozen !== undefined;
  }

  async handle(message: HostToWorker): Promise<void> {
    switch (message.type) {
      case 'start':
        await this.start(message);
        return;
      case 'setSymbol': {
        const source = this.source;
        if (!(source instanceof MarketFeed)) {
          this.reply(message.id, false, 'a replay plays the symbol it recorded; open another recording to change it');
          return;
        }
        try {
          await source.setSymbol(message.symbol);
          // A paused display shows the symbol it now is on, not the one it was paused on.
          if (this.paused) this.frozen = this.freeze();
          this.applyView();
          this.reply(message.id, true, source.symbol);
        } catch (err) {
          this.reply(message.id, false, (err as Error).message);
        }
        return;
      }
      case 'reconnect':
        if (this.source instanceof MarketFeed) this.source.reconnect();
        return;
      case 'setView':
        this.view = message.view;
        this.applyView();
        return;
      case 'setPaused':
        if (message.paused === this.paused) return;
        // The display stops where it is, on every surface: the book of this moment is kept and shown.
        this.frozen = message.paused ? this.freeze() : undefined;
        if (this.source instanceof ReplayFeed) this.source.setPaused(message.paused);
        this.scheduleTicks();
        return;
      case 'listSymbols': {
        const source = this.source;
        if (!(source instanceof MarketFeed)) {
          this.reply(message.id, true, source ? [{ symbol: source.symbol, baseAsset: '', quoteAsset: '', tickSize: source.engine?.book.tickSize ?? 0 }] : []);
          return;
        }
        try {
          const symbols = await source.listSymbols();
          this.reply(message.id, true, symbols.map((s) => ({ symbol: s.symbol, baseAsset: s.baseAsset, quoteAsset: s.quoteAsset, tickSize: s.tickSize })));
        } catch (err) {
          this.reply(message.id, false, (err as Error).message);
        }
        return;
      }
      case 'bookJson': {
        const engine = this.source?.engine;
        if (!engine) {
          this.reply(message.id, false, 'no order book yet');
          return;
        }
        this.reply(message.id, true, { ...engine.bookLine(message.levels), tickSize: engine.book.tickSize, state: this.source!.state });
        return;
      }
      case 'stop':
        await this.stop();
        this.post({ type: 'stopped' });
        return;
      default:
        assertNever(message);
    }
  }

  private async start(message: WorkerStart): Promise<void> {
    this.ring = SharedRing.attach(message.ring);
    this.view = message.view;
    this.sourceConfig = message.source;
    this.statusIntervalMs = Math.max(16, message.statusIntervalMs);
    this.sourceStart = `${process.pid}.${++workerStarts}.${Date.now()}`;
    const log = (level: 'info' | 'warn' | 'error', text: string): void => this.post({ type: 'log', level, message: text });
    const source = message.source;
    try {
      if (source.kind === 'replay') {
        this.source = new ReplayFeed({ file: source.file, speed: source.speed, depthMode: source.depthMode, loop: source.loop, log });
      } else {
        let streamUrl: string;
        let restUrl: string;
        if (source.kind === 'demo') {
          this.exchange = await LocalExchange.start({ seed: source.seed ?? 1 });
          streamUrl = this.exchange.wsUrl;
          restUrl = this.exchange.restUrl;
          log('info', `demo exchange listening on ${streamUrl} and ${restUrl}`);
        } else {
          streamUrl = source.streamUrl;
          restUrl = source.restUrl;
        }
        this.source = new MarketFeed({
          symbol: source.symbol,
          streamUrl,
          restUrl,
          depthMode: source.depthMode,
          maxReconnectAttempts: source.kind === 'binance' ? source.maxReconnectAttempts : undefined,
          staleAfterMs: source.kind === 'binance' ? source.staleAfterMs : undefined,
          log,
        });
      }
      const feed = this.source;
      this.builder = new PanelSnapshotBuilder(() => feed.engine, this.panelView(), feed.bus);
      let lastSignalLog = 0;
      this.disposers.push(feed.bus.subscribe('signal', (signal) => {
        // Signals go to the log, at most one a second so a busy market does not flood it.
        if (signal.time - lastSignalLog < 1000) return;
        lastSignalLog = signal.time;
        log('info', `signal ${signal.symbol}: ${signal.message}`);
      }));
      if (feed instanceof MarketFeed) feed.onHealthChange(() => this.writeFrame());
      // Frames from the start: the first one, empty, tells every surface that the old source is gone.
      this.scheduleTicks();
      await feed.start();
    } catch (err) {
      log('error', (err as Error).message);
    }
    // The symbol's tick size is known now: resolve the grouping against it.
    this.applyView();
  }

  private groupingProblem = '';

  private panelView(): { groupTicks: number; maxVisibleRows: number; tapeSize: number } {
    const view = this.view!;
    const tick = this.source?.engine?.book.tickSize ?? 0;
    const { groupTicks, problem } = resolveGrouping(tick, view.grouping);
    const said = problem === undefined ? '' : `${this.source?.symbol}: ${problem}`;
    if (said !== '' && said !== this.groupingProblem) this.post({ type: 'log', level: 'warn', message: said });
    this.groupingProblem = said;
    return { groupTicks, maxVisibleRows: view.maxVisibleRows, tapeSize: view.tapeSize };
  }

  private applyView(): void {
    this.builder?.setView(this.panelView());
    this.scheduleTicks();
  }

  /** One frame now, then one per tick: the panel's refresh rate while it is visible and live, the status rate otherwise. */
  private scheduleTicks(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    const view = this.view;
    if (!view || this.stopping) return;
    this.writeFrame();
    const everyMs = view.panelVisible && !this.paused ? Math.max(16, view.refreshIntervalMs) : this.statusIntervalMs;
    this.tickTimer = setInterval(() => this.writeFrame(), everyMs);
  }

  private panelState(now: number, health: FeedHealth | undefined): { state: PanelFeedState; reason: string; stateAgeMs: number } {
    const source = this.source;
    if (!source || !health) return { state: 'idle', reason: 'starting', stateAgeMs: 0 };
    const stateAgeMs = Math.max(0, now - health.since);
    // A paused display still says when the feed behind it fails: that outranks "paused".
    const healthy = health.state === 'live' || (source instanceof ReplayFeed && health.state === 'idle');
    if (this.frozen && healthy) return { state: 'paused', reason: 'paused by the user', stateAgeMs: now - this.frozen.at };
    if (source instanceof ReplayFeed && health.state === 'live') return { state: 'replay', reason: health.reason, stateAgeMs };
    return { state: health.state, reason: health.reason, stateAgeMs };
  }

  /** Notes when the book last moved, so a frame can say how old its numbers are. */
  private dataAgeMs(now: number): number {
    const updateId = this.source?.engine?.book.lastUpdateId ?? -1;
    if (!this.frozen && updateId !== this.bookChange.updateId) this.bookChange = { updateId, at: now };
    return Math.max(0, now - this.bookChange.at);
  }

  private frameMeta(now: number, health: FeedHealth | undefined): FrameMeta {
    const source = this.source;
    const config = this.sourceConfig!;
    const { state, reason, stateAgeMs } = this.panelState(now, health);
    const verifiedAt = health?.book.verifiedAt;
    const symbol = source?.symbol || (config.kind === 'replay' ? '' : config.symbol);
    return {
      seq: this.frameId,
      sentAt: now,
      sourceKey: `${this.sourceStart}|${config.kind}|${symbol}`,
      sourceKind: config.kind,
      symbol,
      state,
      reason,
      stateAgeMs,
      dataAgeMs: this.dataAgeMs(now),
      verifiedAgeMs: typeof verifiedAt === 'number' && Number.isFinite(verifiedAt) ? Math.max(0, now - verifiedAt) : NaN,
    };
  }

  private freeze(): Frozen {
    const now = Date.now();
    return { at: now, top: this.liveTop(), snapshot: this.builder?.build(this.frameMeta(now, this.source?.health())) };
  }

  private liveTop(): WorkerStatus['top'] {
    const engine = this.source?.engine;
    const last = engine?.lastTrade;
    return {
      bestBid: engine?.book.bestPrice('bid') ?? NaN,
      bestBidQty: engine?.book.bestQty('bid') ?? 0,
      bestAsk: engine?.book.bestPrice('ask') ?? NaN,
      bestAskQty: engine?.book.bestQty('ask') ?? 0,
      lastTradePrice: last?.price ?? NaN,
      lastTradeQty: last?.qty ?? 0,
      lastTradeSide: last ? (last.buyerIsMaker ? 'sell' : 'buy') : '',
    };
  }

  /**
   * Takes one frame: the status and the top of book, and the panel's ladder of the same moment when
   * the panel is visible. While paused, the top and the ladder are those of the moment of the pause.
   */
  private writeFrame(): void {
    const ring = this.ring;
    const source = this.source;
    if (!ring || !source || !this.sourceConfig) return;
    const now = Date.now();
    this.frameId++;
    const health = source.health();
    const meta = this.frameMeta(now, health);
    const engine = source.engine;
    const frozen = this.frozen;
    // The grouping is resolved against the tick of the book now shown (a symbol switch or an engine
    // rebuilt for a new tick size changes it without any setting changing).
    const panelView = this.panelView();
    this.builder?.setView(panelView);
    let snapshot: BookSnapshotMessage | undefined;
    if (this.view?.panelVisible && this.builder) {
      snapshot = frozen?.snapshot ? { ...frozen.snapshot, ...meta, symbol: frozen.snapshot.symbol } : this.builder.build(meta);
    }
    const stats = ring.stats();
    const status: WorkerStatus = {
      frameId: this.frameId,
      source: this.sourceConfig.kind,
      sourceKey: meta.sourceKey,
      paused: this.paused,
      health,
      tickSize: frozen?.snapshot?.tickSize || (engine?.book.tickSize ?? 0),
      groupTicks: snapshot?.groupTicks ?? panelView.groupTicks,
      dataAgeMs: meta.dataAgeMs,
      display: { state: meta.state, reason: meta.reason, stateAgeMs: meta.stateAgeMs, eventTime: frozen?.snapshot?.eventTime ?? engine?.book.eventTime ?? 0, verifiedAgeMs: meta.verifiedAgeMs },
      top: frozen?.top ?? this.liveTop(),
      ring: { capacityBytes: stats.capacityBytes, usedBytes: stats.usedBytes, highWaterBytes: stats.highWaterBytes, dropped: stats.dropped, written: stats.written },
      demoEndpoint: this.exchange ? { wsUrl: this.exchange.wsUrl, restUrl: this.exchange.restUrl } : undefined,
      time: now,
    };
    let record = encodeFrame(status, snapshot);
    if (record.length > ring.maxRecordBytes) {
      if (record.length > this.warnedFrameBytes) {
        this.warnedFrameBytes = record.length;
        this.post({ type: 'log', level: 'warn', message: `a frame of ${record.length} bytes does not fit the ${ring.capacityBytes}-byte ring; the ladder is left out until flowsight.bufferSize is raised` });
      }
      record = encodeFrame(status, undefined);
    }
    ring.writeOrDrop(record);
    this.post({ type: 'ring' });
  }

  private reply(id: number, ok: boolean, valueOrError: unknown): void {
    this.post(ok ? { type: 'reply', id, ok: true, value: valueOrError } : { type: 'reply', id, ok: false, error: String(valueOrError) });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    this.builder?.dispose();
    for (const dispose of this.disposers.splice(0)) dispose();
    await this.source?.stop();
    await this.exchange?.stop();
    this.source = undefined;
    this.exchange = undefined;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled worker message ${JSON.stringify(value)}`);
}

if (parentPort) {
  const port = parentPort;
  const worker = new FeedWorker((message) => port.postMessage(message));
  port.on('message', (message: HostToWorker) => {
    worker.handle(message).catch((err: unknown) => {
      port.postMessage({ type: 'log', level: 'error', message: `feed worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` } satisfies WorkerToHost);
    });
  });
}
