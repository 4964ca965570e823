import * as vscode from 'vscode';
import type { WorkerStatus } from '../engine/worker/workerProtocol';
import { Disposable } from './disposable';
import type { FeedController } from './feedController';
import { formatMs, formatPrice, formatQty } from './format';

/** At most this often: the status bar is glanced at, not watched tick by tick. */
const MIN_UPDATE_MS = 300;

/**
 * `BTCUSDT 61,659.7 / 61,659.8` in the status bar: best bid / best ask to the tick, a spinner while
 * connecting or syncing, the warning background when stale or resyncing, the error background when
 * failed, details in the tooltip; a click opens the order book.
 */
export class StatusBarController extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private pending: WorkerStatus | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastUpdate = 0;

  constructor(feed: FeedController, private enabled: boolean) {
    super();
    this.item = this.register(vscode.window.createStatusBarItem('flowsight.bestBidAsk', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'FlowSight Best Bid/Ask';
    this.item.command = 'flowsight.openOrderBook';
    this.item.text = '$(sync~spin) FlowSight';
    this.item.tooltip = 'FlowSight: starting the feed';
    this.register(feed.onStatus((status) => this.schedule(status)));
    this.registerFn(() => {
      if (this.timer) clearTimeout(this.timer);
    });
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

  private schedule(status: WorkerStatus): void {
    this.pending = status;
    if (this.timer) return;
    const wait = Math.max(0, this.lastUpdate + MIN_UPDATE_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastUpdate = Date.now();
      if (this.pending) this.render(this.pending);
    }, wait);
  }

  private render(status: WorkerStatus): void {
    if (!this.enabled) return;
    const h = status.health;
    const tick = status.tickSize;
    const busy = h.state === 'connecting' || h.state === 'syncing' || h.state === 'reconnecting';
    const prices = `${formatPrice(status.top.bestBid, tick)} / ${formatPrice(status.top.bestAsk, tick)}`;
    const prefix = busy ? '$(sync~spin) ' : h.state === 'failed' ? '$(error) ' : h.state === 'stale' || h.state === 'circuit-open' ? '$(warning) ' : status.paused ? '$(debug-pause) ' : '';
    this.item.text = `${prefix}${h.symbol} ${prices}`;
    this.item.backgroundColor =
      h.state === 'failed'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : h.state === 'stale' || h.state === 'circuit-open' || (h.state === 'syncing' && h.book.status === 'resyncing') || h.state === 'reconnecting'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: `${h.symbol} best bid ${prices.replace(' / ', ', best ask ')}, ${h.state}`, role: 'button' };
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
    md.appendMarkdown(`**${h.symbol}** — ${stateLabel(status)}\n\n`);
    md.appendMarkdown(`${escape(h.reason)}\n\n`);
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
    md.appendMarkdown(`| Messages | ${h.metrics.messagesPerSecond.toFixed(0)}/s |\n\n`);
    md.appendMarkdown('Click to open the order book.');
    return md;
  }
}

function stateLabel(status: WorkerStatus): string {
  if (status.paused) return 'paused';
  if (status.source === 'replay') return `replay (${status.health.state})`;
  return status.health.state;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
