import * as vscode from 'vscode';
import type { WorkerStatus } from '../engine/worker/workerProtocol';
import { Disposable } from './disposable';
import { CadencedRefresh } from './frameCadence';
import type { FeedController } from './feedController';
import { feedBadge, formatAgo, oneLine } from '../shared/freshness';
import { formatMs, formatPrice, formatQty, sourceLabel } from './format';
import { STATUS_BAR_WARNING_STATES, statusBarText } from './statusBarText';

/** At most this often: the status bar is glanced at, not watched tick by tick (the health view uses the same period). */
export const STATUS_BAR_PERIOD_MS = 250;

/**
 * `BTCUSDT 61,659.7 / 61,659.8` in the status bar: best bid / best ask to the tick, with a marker
 * whenever that is not the market now (stale, reconnecting, failed, degraded, paused, a replay, an old
 * book) or not Binance's own endpoint; the warning background when stale or resyncing, the error
 * background when failed, details in the tooltip; a click opens the order book. It shows one frame's
 * top of book, the same the panel and the health view show for that frame.
 */
export class StatusBarController extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly refresh = new CadencedRefresh<WorkerStatus>(STATUS_BAR_PERIOD_MS, (status) => this.render(status));
  private shown: WorkerStatus | undefined;

  constructor(feed: FeedController, private enabled: boolean) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('flowsight.bestBidAsk', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'FlowSight Best Bid/Ask';
    this.item.command = 'flowsight.openOrderBook';
    this.item.text = '$(sync~spin) FlowSight';
    this.item.tooltip = 'FlowSight: starting the feed';
    this.register(feed.onStatus((status) => this.refresh.offer(status)));
    this.registerFn(() => this.refresh.dispose());
    if (enabled) this.item.show();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) this.item.show();
    else this.item.hide();
  }

  /** The text shown right now (for tests and the health view). */
  get text(): string {
    return this.item.text;
  }

  /** The id of the frame the text shows (for tests: surfaces showing one frame show the same top). */
  get frameId(): number | undefined {
    return this.shown?.frameId;
  }

  private render(status: WorkerStatus): void {
    if (!this.enabled) return;
    this.shown = status;
    const h = status.health;
    const d = status.display;
    const tick = status.tickSize;
    this.item.text = statusBarText(status);
    this.item.backgroundColor =
      d.state === 'failed'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : STATUS_BAR_WARNING_STATES.has(d.state) || (d.state === 'syncing' && h.book.status === 'resyncing')
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    const badge = feedBadge(d);
    const source = sourceLabel(status);
    const label = `${h.symbol} best bid ${formatPrice(status.top.bestBid, tick)}, best ask ${formatPrice(status.top.bestAsk, tick)}, ${badge.text}${source.kind === 'custom' ? `, ${source.long}` : ''}`;
    this.item.accessibilityInformation = { label, role: 'button' };
    this.item.tooltip = this.tooltip(status);
  }

  private tooltip(status: WorkerStatus): vscode.MarkdownString {
    const h = status.health;
    const tick = status.tickSize;
    const { bestBid, bestAsk, bestBidQty, bestAskQty } = status.top;
    const spread = Number.isFinite(bestBid) && Number.isFinite(bestAsk) ? bestAsk - bestBid : NaN;
    const mid = (bestBid + bestAsk) / 2;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    const d = status.display;
    const badge = feedBadge(d);
    const source = sourceLabel(status);
    md.appendMarkdown(`**${h.symbol}** — ${escape(badge.text)}\n\n`);
    if (d.reason !== '' && !badge.text.endsWith(d.reason)) md.appendMarkdown(`${escape(oneLine(d.reason))}\n\n`);
    if (source.kind !== 'binance') md.appendMarkdown(`${escape(source.long)}\n\n`);
    md.appendMarkdown('| | |\n|---|---:|\n');
    md.appendMarkdown(`| Best bid | ${formatPrice(bestBid, tick)} × ${formatQty(bestBidQty)} |\n`);
    md.appendMarkdown(`| Best ask | ${formatPrice(bestAsk, tick)} × ${formatQty(bestAskQty)} |\n`);
    md.appendMarkdown(`| Spread | ${formatPrice(spread, tick)} |\n`);
    md.appendMarkdown(`| Mid | ${Number.isFinite(mid) ? formatPrice(mid, tick / 2) : '—'} |\n`);
    if (Number.isFinite(status.top.lastTradePrice)) {
      md.appendMarkdown(`| Last trade | ${status.top.lastTradeSide === 'buy' ? 'buy' : 'sell'} ${formatQty(status.top.lastTradeQty)} @ ${formatPrice(status.top.lastTradePrice, tick)} |\n`);
    }
    const latency = h.metrics.exchangeLatencyMs;
    md.appendMarkdown(`| Latency p50 / p99 | ${formatMs(latency.p50)} / ${formatMs(latency.p99)} |\n`);
    md.appendMarkdown(`| Messages | ${h.metrics.messagesPerSecond.toFixed(0)}/s |\n`);
    md.appendMarkdown(`| Book changed | ${formatAgo(status.dataAgeMs)} |\n`);
    if (status.source !== 'replay') md.appendMarkdown(`| Verified | ${Number.isFinite(d.verifiedAgeMs) ? formatAgo(d.verifiedAgeMs) : 'not yet'} |\n`);
    md.appendMarkdown('\n');
    md.appendMarkdown('Click to open the order book.');
    return md;
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
