import type { WorkerStatus } from '../engine/worker/workerProtocol';
import { feedBadge, fadeAfterMs, formatDuration, type DisplayState } from '../shared/freshness';
import { formatPrice, sourceLabel } from './format';

/** The status bar's words, without VS Code (plain-Node testable). */

/** The book has not moved for longer than a few of the status bar's refreshes (300 ms): say how old it is. */
export const OLD_AFTER_MS = fadeAfterMs(300);

const BUSY: ReadonlySet<DisplayState> = new Set(['connecting', 'syncing', 'reconnecting']);
export const STATUS_BAR_WARNING_STATES: ReadonlySet<DisplayState> = new Set(['stale', 'circuit-open', 'degraded', 'reconnecting']);

/** The status bar's text for a frame: `$(warning) BTCUSDT 61,659.7 / 61,659.8 · stale 12s · custom 10.0.0.5:9443`. */
export function statusBarText(status: WorkerStatus): string {
  const d = status.display;
  const badge = feedBadge(d, true);
  const tick = status.tickSize;
  const prices = `${formatPrice(status.top.bestBid, tick)} / ${formatPrice(status.top.bestAsk, tick)}`;
  const prefix = BUSY.has(d.state) ? '$(sync~spin) ' : d.state === 'failed' ? '$(error) ' : STATUS_BAR_WARNING_STATES.has(d.state) ? '$(warning) ' : d.state === 'paused' ? '$(debug-pause) ' : '';
  const markers: string[] = [];
  // A failure's reason is long: the text names the state, the tooltip says why.
  if (!badge.current) markers.push(d.state === 'failed' || d.state === 'degraded' ? d.state : badge.text);
  else if (status.dataAgeMs > OLD_AFTER_MS) markers.push(`${formatDuration(status.dataAgeMs, true)} old`);
  const source = sourceLabel(status);
  if (source.short !== '' && !(source.kind === 'replay' && d.state === 'replay')) markers.push(source.short);
  return `${prefix}${status.health.symbol} ${prices}${markers.map((m) => ` · ${m}`).join('')}`;
}
