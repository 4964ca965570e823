import * as path from 'node:path';
import * as vscode from 'vscode';
import { logText, notificationText } from '../engine/core/untrustedText';
import { FeedWorkerHost, type WorkerCrash } from '../engine/worker/feedWorkerHost';
import type { FeedSourceConfig, SymbolChoice, WorkerStatus, WorkerViewConfig } from '../engine/worker/workerProtocol';
import type { BookSnapshotMessage } from '../shared/panelProtocol';
import { Disposable } from './disposable';
import type { FlowSightSettings } from './settings';

const TAPE_SIZE = 200;
/**
 * The worker's heap ceiling: far above what a feed needs (a book, a tape, a replay read as it
 * plays), and low enough that a runaway worker dies alone and is restarted, instead of exhausting
 * the extension host that every other extension shares.
 */
const WORKER_HEAP_MB = 512;

/**
 * Runs the feed worker for the current settings and restarts it only when the source itself changes
 * (feed, URLs, depth mode, buffer size); a new symbol moves the subscription in place and view
 * settings just reshape the frames. Passes frames and status on as VS Code events.
 */
export class FeedController extends Disposable {
  private host: FeedWorkerHost | undefined;
  private hostDisposers: Array<() => void> = [];
  private settings: FlowSightSettings;
  private replay: { file: string; speed: number } | undefined;
  private panelVisible = false;
  private toolbarRows: number | undefined;
  private paused = false;
  private offeredDemo = false;
  private readonly statusEmitter = this.register(new vscode.EventEmitter<WorkerStatus>());
  private readonly snapshotEmitter = this.register(new vscode.EventEmitter<BookSnapshotMessage>());
  readonly onStatus = this.statusEmitter.event;
  readonly onSnapshot = this.snapshotEmitter.event;

  constructor(
    private readonly extensionPath: string,
    settings: FlowSightSettings,
    private readonly log: vscode.LogOutputChannel,
    private readonly offerDemo: (message: string) => void,
  ) {
    super();
    this.settings = settings;
    this.registerFn(() => void this.stopHost());
  }

  get status(): WorkerStatus | undefined {
    return this.host?.status;
  }

  get isReplaying(): boolean {
    return this.replay !== undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get running(): boolean {
    return this.host !== undefined;
  }

  start(): void {
    if (!this.host) this.startHost();
  }

  /**
   * Applies new settings: restart, move symbol, or reshape the view — whichever is needed. Returns
   * the settings in force: when the feed refuses the new symbol, the current one stays.
   */
  async applySettings(next: FlowSightSettings): Promise<FlowSightSettings> {
    const previous = this.settings;
    this.settings = next;
    if (!this.host) return next;
    const sourceChanged =
      previous.feed !== next.feed ||
      previous.streamUrl !== next.streamUrl ||
      previous.restUrl !== next.restUrl ||
      previous.depthMode !== next.depthMode ||
      previous.bufferSize !== next.bufferSize ||
      previous.maxReconnectAttempts !== next.maxReconnectAttempts;
    if (previous.maxVisibleRows !== next.maxVisibleRows) this.toolbarRows = undefined;
    if (sourceChanged && !this.replay) {
      this.log.info(`feed settings changed; restarting the feed (${next.feed}, ${next.depthMode})`);
      await this.restart();
      return this.settings;
    }
    if (previous.symbol !== next.symbol && !this.replay) {
      try {
        await this.host.setSymbol(next.symbol);
        this.log.info(`now showing ${next.symbol}`);
      } catch (err) {
        this.settings = { ...this.settings, symbol: previous.symbol };
        const message = `FlowSight: flowsight.symbol ${next.symbol} cannot be shown — ${(err as Error).message}. Keeping ${previous.symbol}.`;
        this.log.error(logText(message));
        void vscode.window.showWarningMessage(notificationText(message));
      }
    }
    this.host?.setView(this.viewConfig());
    return this.settings;
  }

  /**
   * The symbols the exchange lists now, to check a typed symbol against; undefined when there is no
   * list to ask (no feed running, a replay) or it cannot be had — the feed then checks the symbol itself.
   */
  async listedSymbols(): Promise<string[] | undefined> {
    if (!this.host || this.replay) return undefined;
    try {
      return (await this.host.listSymbols()).map((s) => s.symbol);
    } catch (err) {
      this.log.warn(logText(`cannot list the exchange's symbols to check flowsight.symbol: ${(err as Error).message}`));
      return undefined;
    }
  }

  /** Stops the worker and waits until its sockets and timers are gone. */
  async shutdown(): Promise<void> {
    await this.stopHost();
  }

  async restart(): Promise<void> {
    await this.stopHost();
    this.startHost();
  }

  /** Reconnects the live feed (or leaves a replay, or starts a crashed worker again now). */
  async reconnect(): Promise<void> {
    if (this.replay || !this.host || !this.host.workerRunning) {
      this.replay = undefined;
      await this.restart();
      return;
    }
    this.host.reconnect();
  }

  async openReplay(file: string, speed: number): Promise<void> {
    this.replay = { file, speed };
    this.paused = false;
    this.log.info(`replaying ${file} at ${speed}×`);
    await this.restart();
  }

  setPanelVisible(visible: boolean): void {
    if (visible === this.panelVisible) return;
    this.panelVisible = visible;
    this.host?.setView(this.viewConfig());
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.host?.setPaused(paused);
  }

  setToolbarRows(rows: number): void {
    this.toolbarRows = rows;
    this.host?.setView(this.viewConfig());
  }

  listSymbols(): Promise<SymbolChoice[]> {
    if (!this.host) return Promise.reject(new Error('the feed is not running'));
    return this.host.listSymbols();
  }

  bookJson(levels: number): Promise<unknown> {
    if (!this.host) return Promise.reject(new Error('the feed is not running'));
    return this.host.bookJson(levels);
  }

  ringStats(): ReturnType<FeedWorkerHost['ringStats']> | undefined {
    return this.host?.ringStats();
  }

  private sourceConfig(): FeedSourceConfig {
    const s = this.settings;
    if (this.replay) return { kind: 'replay', file: this.replay.file, speed: this.replay.speed, depthMode: s.depthMode };
    if (s.feed === 'demo') return { kind: 'demo', symbol: s.symbol, depthMode: s.depthMode };
    return { kind: 'binance', symbol: s.symbol, streamUrl: s.streamUrl, restUrl: s.restUrl, depthMode: s.depthMode, maxReconnectAttempts: s.maxReconnectAttempts };
  }

  private viewConfig(): WorkerViewConfig {
    return {
      // The setting is the only input: the worker resolves it against the symbol's tick (groupingChoice.ts).
      grouping: this.settings.priceGrouping,
      maxVisibleRows: this.toolbarRows ?? this.settings.maxVisibleRows,
      tapeSize: TAPE_SIZE,
      refreshIntervalMs: this.settings.refreshIntervalMs,
      panelVisible: this.panelVisible,
    };
  }

  private startHost(): void {
    const host = new FeedWorkerHost({
      workerScript: path.join(this.extensionPath, 'dist', 'feedWorker.js'),
      source: this.sourceConfig(),
      view: this.viewConfig(),
      ringBytes: this.settings.bufferSize * 16,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      log: (level, message) => this.log[level](logText(message)),
    });
    this.host = host;
    this.offeredDemo = false;
    if (this.paused) host.setPaused(true);
    this.hostDisposers = [
      host.onStatus((status) => {
        this.statusEmitter.fire(status);
        this.maybeOfferDemo(status);
      }),
      host.onSnapshot((snapshot) => this.snapshotEmitter.fire(snapshot)),
      host.onCrash((crash) => this.onWorkerCrash(host, crash)),
    ];
    const source = host.source;
    this.log.info(
      source.kind === 'replay' ? `feed worker started (replay of ${source.file})` : `feed worker started (${source.kind}, ${source.symbol}, ${source.depthMode})`,
    );
  }

  private async stopHost(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    for (const d of this.hostDisposers) d();
    this.hostDisposers = [];
    if (host) await host.dispose();
  }

  /** Restarts are the host's; giving up is the user's business: say so, with a Restart action. */
  private onWorkerCrash(host: FeedWorkerHost, crash: WorkerCrash): void {
    if (crash.restart !== undefined) return;
    const message = `FlowSight: the feed worker crashed ${crash.crashesInRow} times in a row (last: ${crash.reason}) and is stopped. Restart it, or see the log for what happened.`;
    void vscode.window.showErrorMessage(notificationText(message), 'Restart', 'Show Log').then(async (choice) => {
      if (choice === 'Restart' && this.host === host) {
        this.log.info('feed worker restarted by the user');
        await this.restart();
      } else if (choice === 'Show Log') this.log.show(true);
    });
  }

  /** When Binance cannot be reached or refuses the location, offer the demo feed once. */
  private maybeOfferDemo(status: WorkerStatus): void {
    if (this.offeredDemo || status.source !== 'binance') return;
    const h = status.health;
    const unreachable = h.state === 'failed' || (h.state === 'circuit-open' && /DNS|refused|resolve|timed out|TLS/i.test(h.reason));
    if (!unreachable) return;
    this.offeredDemo = true;
    this.offerDemo(h.reason);
  }
}
