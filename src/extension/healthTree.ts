import * as vscode from 'vscode';
import type { WorkerStatus } from '../engine/worker/workerProtocol';
import { feedBadge, formatAgo, verifiedText, type DisplayState } from '../shared/freshness';
import { Disposable } from './disposable';
import { CadencedRefresh } from './frameCadence';
import { STATUS_BAR_PERIOD_MS } from './statusBar';
import type { FeedController } from './feedController';
import { formatAge, formatMs, formatPrice, sourceLabel } from './format';

/**
 * The tree refreshes a few times a second whatever the market does, on the status bar's cadence:
 * both take the first frame of each period, so they always show the same frame (FrameCadence).
 */
const TREE_PERIOD_MS = STATUS_BAR_PERIOD_MS;

export class HealthItem extends vscode.TreeItem {
  constructor(
    label: string,
    readonly children: HealthItem[] = [],
    options: { description?: string; tooltip?: string; icon?: vscode.ThemeIcon; contextValue?: string; copyText?: string; id?: string } = {},
  ) {
    super(label, children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    this.description = options.description;
    this.tooltip = options.tooltip;
    this.iconPath = options.icon;
    this.contextValue = options.contextValue ?? 'flowsight.healthValue';
    this.copyText = options.copyText ?? `${label}: ${options.description ?? ''}`.trim();
    this.id = options.id;
  }

  readonly copyText: string;
}

const STATE_ICON: Record<DisplayState, [string, string | undefined]> = {
  idle: ['circle-outline', undefined],
  connecting: ['sync~spin', 'charts.blue'],
  syncing: ['sync~spin', 'charts.blue'],
  live: ['pass-filled', 'testing.iconPassed'],
  degraded: ['warning', 'list.warningForeground'],
  stale: ['warning', 'list.warningForeground'],
  reconnecting: ['sync~spin', 'list.warningForeground'],
  'circuit-open': ['debug-disconnect', 'list.warningForeground'],
  failed: ['error', 'list.errorForeground'],
  replay: ['history', 'charts.blue'],
  paused: ['debug-pause', 'list.warningForeground'],
};

function icon(name: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(name, color ? new vscode.ThemeColor(color) : undefined);
}

/**
 * "Connection Health": state, streams, book, latency, buffers and errors of the feed, as the
 * worker reports them.
 */
export class HealthTreeProvider extends Disposable implements vscode.TreeDataProvider<HealthItem> {
  private readonly changed = this.register(new vscode.EventEmitter<HealthItem | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private status: WorkerStatus | undefined;
  private roots: HealthItem[] = [];
  private readonly cadence = new CadencedRefresh<WorkerStatus>(TREE_PERIOD_MS, (status) => this.show(status));

  constructor(private readonly feed: FeedController) {
    super();
    this.register(feed.onStatus((status) => this.cadence.offer(status)));
    this.registerFn(() => this.cadence.dispose());
  }

  getTreeItem(element: HealthItem): vscode.TreeItem {
    return element;
  }

  getChildren(element?: HealthItem): HealthItem[] {
    if (element) return element.children;
    // Empty while nothing runs, so the view shows its welcome content.
    return this.feed.running ? this.roots : [];
  }

  /** All rows as text, for "Copy". */
  asText(): string {
    const lines: string[] = [];
    const walk = (items: HealthItem[], depth: number): void => {
      for (const item of items) {
        lines.push(`${'  '.repeat(depth)}${item.copyText}`);
        walk(item.children, depth + 1);
      }
    };
    walk(this.roots, 0);
    return lines.join('\n');
  }

  /** Forces a rebuild now (e.g. after the feed stopped). */
  refresh(): void {
    // A forced rebuild shows the latest frame (the cadence only thins out the regular ones).
    this.status = this.feed.status ?? this.status;
    this.roots = this.status && this.feed.running ? this.build(this.status) : [];
    this.changed.fire(undefined);
  }

  private show(status: WorkerStatus): void {
    this.status = status;
    this.roots = this.feed.running ? this.build(status) : [];
    this.changed.fire(undefined);
  }

  /** The id of the frame the tree shows (for tests: surfaces showing one frame show the same top). */
  get frameId(): number | undefined {
    return this.feed.running ? this.status?.frameId : undefined;
  }

  private build(status: WorkerStatus): HealthItem[] {
    const h = status.health;
    const d = status.display;
    const now = status.time;
    const [stateIcon, stateColor] = STATE_ICON[d.state] ?? STATE_ICON.idle;
    const stateText = feedBadge(d).text;
    const source = sourceLabel(status);
    const connection = new HealthItem(
      'Connection',
      [
        new HealthItem('State', [], { description: stateText, tooltip: h.reason, icon: icon(stateIcon, stateColor), contextValue: 'flowsight.connectionState', id: 'state' }),
        new HealthItem('Reason', [], { description: d.reason, tooltip: d.reason, id: 'reason' }),
        new HealthItem('Since', [], { description: `${new Date(h.since).toLocaleTimeString()} (${formatAge(now - h.since)})`, id: 'since' }),
        new HealthItem('Endpoint', [], {
          description: source.long,
          tooltip: `${h.endpoint.streamUrl}\n${h.endpoint.restUrl}${source.kind === 'custom' ? '\nNot Binance’s own endpoint: the data may not be Binance’s market.' : ''}`,
          icon: source.kind === 'custom' ? icon('warning', 'list.warningForeground') : undefined,
          id: 'endpoint',
        }),
        new HealthItem('Reconnects', [], { description: String(h.counters.reconnects), id: 'reconnects' }),
        ...(h.nextAttemptAt ? [new HealthItem('Next attempt', [], { description: `in ${formatMs(h.nextAttemptAt - now)}`, id: 'next' })] : []),
      ],
      { icon: icon(stateIcon, stateColor), description: stateText, tooltip: h.reason, contextValue: 'flowsight.connection', id: 'connection' },
    );
    const streams = new HealthItem(
      'Streams',
      h.streams.map(
        (s) =>
          new HealthItem(s.stream, [], {
            description: `${s.messagesPerSecond.toFixed(1)}/s · ${formatAge(s.lastMessageAgeMs)}`,
            tooltip: `/${s.route} · ${s.messagesPerSecond.toFixed(1)} messages/s · last message ${formatAge(s.lastMessageAgeMs)}`,
            icon: icon('radio-tower', s.lastMessageAgeMs < 0 || s.lastMessageAgeMs > 5000 ? 'list.warningForeground' : undefined),
            id: `stream:${s.stream}`,
          }),
      ),
      { icon: icon('pulse'), description: `${h.metrics.messagesPerSecond.toFixed(0)} msg/s`, id: 'streams' },
    );
    const book = new HealthItem(
      'Book',
      [
        new HealthItem('Status', [], { description: h.book.status, id: 'book.status' }),
        new HealthItem('Levels', [], { description: `${h.book.bidLevels} bids · ${h.book.askLevels} asks`, id: 'book.levels' }),
        new HealthItem('Best bid / ask', [], { description: `${formatPrice(status.top.bestBid, status.tickSize)} / ${formatPrice(status.top.bestAsk, status.tickSize)}`, tooltip: `frame ${status.frameId}`, id: 'book.touch' }),
        new HealthItem('Changed', [], { description: h.book.bidLevels + h.book.askLevels === 0 ? 'no book' : formatAgo(status.dataAgeMs), tooltip: 'when the book last moved', id: 'book.changed' }),
        ...(status.source === 'replay'
          ? []
          : [new HealthItem('Verified', [], { description: verifiedText(d.verifiedAgeMs), tooltip: 'when a REST snapshot last matched the local book', id: 'book.verified' })]),
        new HealthItem('Last update id', [], { description: String(h.book.lastUpdateId), id: 'book.update' }),
        new HealthItem('Resyncs', [], { description: String(h.counters.resyncs), id: 'book.resyncs' }),
        new HealthItem('Gaps', [], { description: String(h.counters.gaps), id: 'book.gaps' }),
      ],
      { icon: icon('list-ordered'), description: `${h.book.bidLevels + h.book.askLevels} levels`, id: 'book' },
    );
    const ex = h.metrics.exchangeLatencyMs;
    const proc = h.metrics.processingMicros;
    const latency = new HealthItem(
      'Latency',
      [
        new HealthItem('Exchange → local', [], { description: `p50 ${formatMs(ex.p50)} · p95 ${formatMs(ex.p95)} · p99 ${formatMs(ex.p99)}`, tooltip: `receive time − event time (E), over ${ex.samples} messages`, id: 'lat.exchange' }),
        new HealthItem('Processing', [], { description: `p50 ${proc.p50.toFixed(1)} µs · p99 ${proc.p99.toFixed(1)} µs`, id: 'lat.processing' }),
      ],
      { icon: icon('watch'), description: `p50 ${formatMs(ex.p50)}`, id: 'latency' },
    );
    const ring = status.ring;
    const fill = ring.capacityBytes > 0 ? (100 * ring.usedBytes) / ring.capacityBytes : 0;
    const buffers = new HealthItem(
      'Buffers',
      [
        new HealthItem('Ring fill', [], { description: `${fill.toFixed(1)} % of ${(ring.capacityBytes / 1024).toFixed(0)} KiB`, id: 'buf.fill' }),
        new HealthItem('High-water mark', [], { description: `${((100 * ring.highWaterBytes) / Math.max(1, ring.capacityBytes)).toFixed(1)} %`, id: 'buf.high' }),
        new HealthItem('Drops', [], { description: String(ring.dropped + h.counters.drops), tooltip: `${ring.dropped} frames dropped at the ring · ${h.counters.drops} connections dropped`, id: 'buf.drops' }),
      ],
      { icon: icon('database'), description: `${fill.toFixed(0)} %`, id: 'buffers' },
    );
    const errors = new HealthItem(
      'Errors',
      [
        new HealthItem('Malformed frames', [], { description: String(h.counters.malformed), id: 'err.malformed' }),
        new HealthItem('Last error', [], { description: h.lastError ?? 'none', tooltip: h.lastError, id: 'err.last' }),
        ...h.warnings.map((w, i) => new HealthItem('Warning', [], { description: w, tooltip: w, icon: icon('warning', 'list.warningForeground'), id: `warn:${i}` })),
      ],
      { icon: icon(h.lastError || h.counters.malformed > 0 ? 'warning' : 'check', h.lastError ? 'list.warningForeground' : undefined), description: h.lastError ? '1 error' : `${h.counters.malformed} malformed`, id: 'errors' },
    );
    return [connection, streams, book, latency, buffers, errors];
  }
}
