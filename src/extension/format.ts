import { PriceScale } from '../engine/book/priceScale';
import { DEFAULT_REST_URL, DEFAULT_STREAM_URL } from '../engine/protocol/streams';
import { formatAgo } from '../shared/freshness';
import type { WorkerStatus } from '../engine/worker/workerProtocol';

const scales = new Map<number, PriceScale>();

function scaleFor(tickSize: number): PriceScale | undefined {
  if (!(tickSize > 0)) return undefined;
  let scale = scales.get(tickSize);
  if (!scale) {
    scale = new PriceScale(tickSize);
    scales.set(tickSize, scale);
  }
  return scale;
}

/** A price to the tick's decimals with thousands separators: 61659.7 → "61,659.7"; NaN → "—". */
export function formatPrice(price: number, tickSize: number): string {
  if (!Number.isFinite(price)) return '—';
  const scale = scaleFor(tickSize);
  const text = scale ? scale.format(price) : String(price);
  return groupThousands(text);
}

export function formatQty(qty: number): string {
  if (!Number.isFinite(qty)) return '—';
  return groupThousands(String(Number(qty.toPrecision(12))));
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** How long ago, worded as every other age on screen (src/shared/freshness.ts); "never" when it never happened. */
export function formatAge(ms: number): string {
  return ms < 0 || !Number.isFinite(ms) ? 'never' : formatAgo(ms);
}

function groupThousands(text: string): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const whole = dot < 0 ? body : body.slice(0, dot);
  const fraction = dot < 0 ? '' : body.slice(dot);
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

/** Where the data on screen comes from, as the status bar (short) and the health view (long) say it. */
export interface SourceLabel {
  readonly kind: 'binance' | 'custom' | 'demo' | 'replay';
  /** For the status bar text: '' for Binance itself, else "custom 10.0.0.5:9443", "demo", "replay". */
  readonly short: string;
  /** For the health view: "Binance (wss://fstream.binance.com)", "custom endpoint ws://…". */
  readonly long: string;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Any endpoint other than Binance's own is marked: a custom URL may be a look-alike that shows
 * another market. The demo feed's loopback exchange is the demo, not a custom endpoint.
 */
export function sourceLabel(status: Pick<WorkerStatus, 'source'> & { health: Pick<WorkerStatus['health'], 'endpoint'> }): SourceLabel {
  const { streamUrl, restUrl } = status.health.endpoint;
  if (status.source === 'replay') return { kind: 'replay', short: 'replay', long: streamUrl.replace(/^replay:/, 'replay of ') };
  if (status.source === 'demo') return { kind: 'demo', short: 'demo', long: `demo exchange ${streamUrl}` };
  if (sameUrl(streamUrl, DEFAULT_STREAM_URL) && sameUrl(restUrl, DEFAULT_REST_URL)) return { kind: 'binance', short: '', long: `Binance (${streamUrl})` };
  const hosts = [...new Set([hostOf(streamUrl), hostOf(restUrl)])].join(', ');
  const urls = sameUrl(restUrl, DEFAULT_REST_URL) ? streamUrl : sameUrl(streamUrl, DEFAULT_STREAM_URL) ? restUrl : `${streamUrl} · ${restUrl}`;
  return { kind: 'custom', short: `custom ${hosts}`, long: `custom endpoint ${urls}` };
}
