import { parentPort } from 'node:worker_threads';
import { SharedRing } from '../core/sharedRing';
import { MarketFeed } from '../live/marketFeed';
import { ReplayFeed } from '../replay/replayFeed';
import { LocalExchange } from '../exchange/localExchange';
import { PanelSnapshotBuilder } from '../view/panelSnapshotBuilder';
import { validateGrouping } from '../analysis/priceGrouping';
import type { PanelFeedState } from '../../shared/panelProtocol';
import type { FeedSourceConfig, HostToWorker, WorkerStart, WorkerStatus, WorkerToHost, WorkerViewConfig } from './workerProtocol';
import { encodeSnapshot, encodeStatus } from './ringRecords';

/**
 * The feed worker: runs the WebSocket manager (or a replay, or the demo exchange) and the engine off
 * the extension host's main thread. It writes panel frames and status records into a SharedRing and
 * pokes the host with a tiny message so it reads them; the host never touches a socket or a book.
 */
type Source = MarketFeed | ReplayFeed;

class FeedWorker {
  private source: Source | undefined;
  private exchange: LocalExchange | undefined;
  private ring: SharedRing | undefined;
  private builder: PanelSnapshotBuilder | undefined;
  private view: WorkerViewConfig | undefined;
  private sourceConfig: FeedSourceConfig | undefined;
  private frameTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private stopping = false;
  private readonly disposers: Array<() => void> = [];

  constructor(private readonly post: (message: WorkerToHost) => void) {}

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
        this.paused = message.paused;
        if (this.source instanceof ReplayFeed) this.source.setPaused(message.paused);
        this.writeStatus();
        this.scheduleFrames();
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
      if (feed instanceof MarketFeed) feed.onHealthChange(() => this.writeStatus());
      await feed.start();
      // The symbol's tick size is known now: resolve the grouping against it.
      this.builder.setView(this.panelView());
    } catch (err) {
      log('error', (err as Error).message);
    }
    this.statusTimer = setInterval(() => this.writeStatus(), message.statusIntervalMs);
    this.writeStatus();
    this.scheduleFrames();
  }

  private panelView(): { groupTicks: number; maxVisibleRows: number; tapeSize: number } {
    const view = this.view!;
    let groupTicks = 1;
    const tick = this.source?.engine?.book.tickSize;
    if (view.grouping !== 'auto' && tick !== undefined) {
      try {
        groupTicks = validateGrouping(tick, view.grouping);
      } catch (err) {
        this.post({ type: 'log', level: 'warn', message: `price grouping ${view.grouping} does not fit ${this.source?.symbol} (tick ${tick}): ${(err as Error).message}; showing the tick size` });
      }
    }
    return { groupTicks, maxVisibleRows: view.maxVisibleRows, tapeSize: view.tapeSize };
  }

  private applyView(): void {
    this.builder?.setView(this.panelView());
    this.scheduleFrames();
  }

  private scheduleFrames(): void {
    if (this.frameTimer) clearInterval(this.frameTimer);
    this.frameTimer = undefined;
    const view = this.view;
    if (!view || !view.panelVisible || this.stopping) return;
    this.writeFrame();
    if (this.paused) return;
    this.frameTimer = setInterval(() => this.writeFrame(), Math.max(16, view.refreshIntervalMs));
  }

  private panelState(): { state: PanelFeedState; reason: string } {
    const source = this.source;
    if (!source) return { state: 'idle', reason: 'starting' };
    if (this.paused) return { state: 'paused', reason: 'paused by the user' };
    const health = source.health();
    if (source instanceof ReplayFeed && health.state === 'live') return { state: 'replay', reason: health.reason };
    return { state: health.state, reason: health.reason };
  }

  private writeFrame(): void {
    const ring = this.ring;
    const builder = this.builder;
    if (!ring || !builder) return;
    const { state, reason } = this.panelState();
    const snapshot = builder.build(state, reason, Date.now());
    if (!snapshot) return;
    const record = encodeSnapshot(snapshot);
    if (record.length > ring.maxRecordBytes) {
      this.post({ type: 'log', level: 'warn', message: `a frame of ${record.length} bytes does not fit the ${ring.capacityBytes}-byte ring; raise flowsight.bufferSize` });
      return;
    }
    ring.writeOrDrop(record);
    this.post({ type: 'ring' });
  }

  private writeStatus(): void {
    const ring = this.ring;
    const source = this.source;
    if (!ring || !source) return;
    const health = source.health();
    const engine = source.engine;
    const last = engine?.lastTrade;
    const stats = ring.stats();
    const status: WorkerStatus = {
      source: this.sourceConfig!.kind,
      paused: this.paused,
      health,
      tickSize: engine?.book.tickSize ?? 0,
      top: {
        bestBid: engine?.book.bestPrice('bid') ?? NaN,
        bestBidQty: engine?.book.bestQty('bid') ?? 0,
        bestAsk: engine?.book.bestPrice('ask') ?? NaN,
        bestAskQty: engine?.book.bestQty('ask') ?? 0,
        lastTradePrice: last?.price ?? NaN,
        lastTradeQty: last?.qty ?? 0,
        lastTradeSide: last ? (last.buyerIsMaker ? 'sell' : 'buy') : '',
      },
      ring: { capacityBytes: stats.capacityBytes, usedBytes: stats.usedBytes, highWaterBytes: stats.highWaterBytes, dropped: stats.dropped, written: stats.written },
      demoEndpoint: this.exchange ? { wsUrl: this.exchange.wsUrl, restUrl: this.exchange.restUrl } : undefined,
      time: Date.now(),
    };
    ring.writeOrDrop(encodeStatus(status));
    this.post({ type: 'ring' });
  }

  private reply(id: number, ok: boolean, valueOrError: unknown): void {
    this.post(ok ? { type: 'reply', id, ok: true, value: valueOrError } : { type: 'reply', id, ok: false, error: String(valueOrError) });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.frameTimer) clearInterval(this.frameTimer);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.frameTimer = undefined;
    this.statusTimer = undefined;
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
