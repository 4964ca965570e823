import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ORDER_BOOK_VIEW_TYPE, parseWebviewMessage, type BookSnapshotMessage, type HostToWebview, type PanelSettings, type WebviewToHost } from '../shared/panelProtocol';
import { groupingSettingValue } from '../engine/view/groupingChoice';
import { Disposable } from './disposable';
import type { FeedController } from './feedController';
import { writePriceGrouping } from './priceGroupingSetting';
import type { FlowSightSettings } from './settings';

/** A postMessage that has not resolved in this time is treated as lost, so frames keep flowing. */
const POST_TIMEOUT_MS = 2000;
/**
 * Frames allowed on their way at once. Delivery to a webview can take longer than a refresh tick
 * (code-server relays through the browser), so waiting for each one would cap the frame rate; more
 * than two would queue stale frames behind each other.
 */
const MAX_IN_FLIGHT = 2;

/**
 * The order-book panel. It waits for the webview's `ready` before posting anything, sends one frame
 * per refresh tick (latest wins; nothing while hidden; a full frame as soon as it is shown again) and
 * is restored after a window reload by the serializer.
 */
export class OrderBookPanel extends Disposable {
  private static current: OrderBookPanel | undefined;
  private ready = false;
  private latest: BookSnapshotMessage | undefined;
  private inFlight = 0;
  private pendingLatest = false;
  private readonly paintLatencies: number[] = [];
  private readonly frameTimes: number[] = [];
  private readonly sentAt = new Map<number, number>();
  private rows: number | undefined;
  private showCumulative = false;
  framesPosted = 0;
  framesPainted = 0;

  static createOrShow(context: vscode.ExtensionContext, feed: FeedController, settings: () => FlowSightSettings, log: vscode.LogOutputChannel): OrderBookPanel {
    if (OrderBookPanel.current) {
      OrderBookPanel.current.panel.reveal(undefined, false);
      return OrderBookPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ORDER_BOOK_VIEW_TYPE, 'FlowSight Order Book', vscode.ViewColumn.Active, OrderBookPanel.webviewOptions(context));
    OrderBookPanel.current = new OrderBookPanel(panel, context, feed, settings, log);
    return OrderBookPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, feed: FeedController, settings: () => FlowSightSettings, log: vscode.LogOutputChannel): OrderBookPanel {
    OrderBookPanel.current?.dispose();
    panel.webview.options = OrderBookPanel.webviewOptions(context);
    OrderBookPanel.current = new OrderBookPanel(panel, context, feed, settings, log);
    return OrderBookPanel.current;
  }

  static get instance(): OrderBookPanel | undefined {
    return OrderBookPanel.current;
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      // Only what the page loads: the bundle and its stylesheet.
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly feed: FeedController,
    private readonly settings: () => FlowSightSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'flowsight.svg');
    panel.webview.html = this.html();
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)));
    this.register(
      panel.onDidChangeViewState(() => {
        this.feed.setPanelVisible(this.ready && panel.visible);
        if (panel.visible && this.latest) this.post(this.latest);
      }),
    );
    this.register(
      feed.onSnapshot((snapshot) => {
        this.latest = snapshot;
        if (this.ready && this.panel.visible) this.post(snapshot);
      }),
    );
    this.registerFn(() => {
      if (OrderBookPanel.current === this) OrderBookPanel.current = undefined;
      this.feed.setPanelVisible(false);
    });
  }

  /** Exchange→paint latency of recent frames (ms, host clock), for diagnostics and benchmarks. */
  paintLatencyMs(): number[] {
    return [...this.paintLatencies];
  }

  /** Time the webview spent drawing recent frames (ms). */
  frameMs(): number[] {
    return [...this.frameTimes];
  }

  get isReady(): boolean {
    return this.ready;
  }

  get lastSnapshot(): BookSnapshotMessage | undefined {
    return this.latest;
  }

  override dispose(): void {
    const panel = this.panel;
    super.dispose();
    panel.dispose();
  }

  /** Pushes changed settings (rows, grouping choices, refresh rate) to the page. */
  updateSettings(): void {
    if (this.ready) void this.send({ type: 'settings', settings: this.panelSettings() });
  }

  setPaused(paused: boolean): void {
    if (this.ready) void this.send({ type: 'paused', paused });
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (typeof message === 'string') {
      this.log.warn(`order book panel sent a bad message: ${message}`);
      return;
    }
    this.handle(message);
  }

  private handle(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.send({ type: 'init', symbol: this.latest?.symbol ?? this.settings().symbol, tickSize: this.latest?.tickSize ?? 0, settings: this.panelSettings(), paused: this.feed.isPaused });
        this.feed.setPanelVisible(this.panel.visible);
        if (this.latest) this.post(this.latest);
        return;
      // The page shows only what the host confirms: echo every change back.
      case 'setGrouping': {
        // Through the setting, like the command: the next frame carries the grouping in force.
        const tick = this.latest?.tickSize ?? 0;
        if (!(tick > 0)) return;
        writePriceGrouping(groupingSettingValue(tick, message.groupTicks)).then(
          () => this.updateSettings(),
          (err: unknown) => {
            const text = `FlowSight: could not set the price grouping — ${(err as Error).message}`;
            this.log.warn(text);
            void vscode.window.showWarningMessage(text);
            this.updateSettings();
          },
        );
        return;
      }
      case 'setRows':
        this.rows = message.rows;
        this.feed.setToolbarRows(message.rows);
        this.updateSettings();
        return;
      case 'setPaused':
        this.feed.setPaused(message.paused);
        void vscode.commands.executeCommand('setContext', 'flowsight.paused', message.paused);
        this.setPaused(message.paused);
        return;
      case 'toggleCumulative':
        this.showCumulative = message.show;
        this.updateSettings();
        return;
      case 'painted': {
        this.framesPainted++;
        this.frameTimes.push(message.frameMs);
        if (this.frameTimes.length > 2000) this.frameTimes.shift();
        const sent = this.sentAt.get(message.seq);
        if (sent !== undefined) {
          this.sentAt.delete(message.seq);
          this.paintLatencies.push(Date.now() - sent);
          if (this.paintLatencies.length > 2000) this.paintLatencies.shift();
        }
        return;
      }
      case 'error':
        this.log.error(`order book panel: ${message.message}`);
        return;
      default:
        assertNever(message);
    }
  }

  /** Posts a frame; while too many are in flight only the newest waiting frame is kept. */
  private post(snapshot: BookSnapshotMessage): void {
    this.latest = snapshot;
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.pendingLatest = true;
      return;
    }
    this.inFlight++;
    this.pendingLatest = false;
    this.sentAt.set(snapshot.seq, snapshot.sentAt);
    if (this.sentAt.size > 200) this.sentAt.delete(this.sentAt.keys().next().value as number);
    this.framesPosted++;
    void this.send(snapshot).finally(() => {
      this.inFlight--;
      if (this.pendingLatest && this.latest && this.panel.visible && !this.disposed) this.post(this.latest);
    });
  }

  private async send(message: HostToWebview): Promise<void> {
    if (this.disposed) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.panel.webview.postMessage(message),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, POST_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      if (!this.disposed) this.log.warn(`could not post to the order book panel: ${(err as Error).message}`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private panelSettings(): PanelSettings {
    const s = this.settings();
    return {
      maxVisibleRows: this.rows ?? s.maxVisibleRows,
      refreshIntervalMs: s.refreshIntervalMs,
      showCumulative: this.showCumulative,
    };
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = makeNonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.css'));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      // The toolkit probes :focus-visible with a <style> element; it reads the nonce from the meta tag.
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>FlowSight Order Book</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}

function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

function assertNever(value: never): never {
  throw new Error(`unhandled panel message ${JSON.stringify(value)}`);
}
