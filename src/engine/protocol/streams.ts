/**
 * Stream names and the routed endpoints of 2026: since 2026-04-23 Binance serves high-frequency book
 * data on `/public` and everything else on `/market`. A stream asked for on the wrong path is
 * acknowledged and then never delivers, so routing is decided here, in one place.
 */
export const DEFAULT_STREAM_URL = 'wss://fstream.binance.com';
export const DEFAULT_REST_URL = 'https://fapi.binance.com';

export type StreamRoute = 'public' | 'market';

export type StreamKind =
  | 'depth'
  | 'depth5'
  | 'depth10'
  | 'depth20'
  | 'bookTicker'
  | 'trade'
  | 'aggTrade'
  | 'markPrice'
  | 'forceOrder';

export type DepthSpeed = '0ms' | '100ms' | '250ms' | '500ms';

/** Builds a lower-case stream name, e.g. ('BTCUSDT', 'depth', '100ms') → 'btcusdt@depth@100ms'. */
export function streamName(symbol: string, kind: StreamKind, speed?: DepthSpeed | '1s'): string {
  const base = `${symbol.toLowerCase()}@${kind}`;
  return speed === undefined ? base : `${base}@${speed}`;
}

/** Which routed path carries a stream (by its kind, read from the name). */
export function routeOf(stream: string): StreamRoute {
  const at = stream.indexOf('@');
  const rest = at < 0 ? stream : stream.slice(at + 1);
  const kind = rest.split('@')[0];
  if (kind.startsWith('depth') || kind === 'bookTicker' || kind === 'trade') return 'public';
  return 'market';
}

/** Symbol part of a stream name, upper-cased ('btcusdt@trade' → 'BTCUSDT'). */
export function symbolOfStream(stream: string): string {
  const at = stream.indexOf('@');
  return (at < 0 ? stream : stream.slice(0, at)).toUpperCase();
}

/** `wss://host/public/stream?streams=a/b` — the combined form, each message wrapped in {stream,data}. */
export function combinedStreamUrl(baseUrl: string, route: StreamRoute, streams: readonly string[]): string {
  return `${trimSlash(baseUrl)}/${route}/stream?streams=${streams.join('/')}`;
}

/** `wss://host/public/ws/a/b` — the raw form, payload only. */
export function rawStreamUrl(baseUrl: string, route: StreamRoute, streams: readonly string[]): string {
  return `${trimSlash(baseUrl)}/${route}/ws/${streams.join('/')}`;
}

export function depthSnapshotUrl(restUrl: string, symbol: string, limit = 1000): string {
  return `${trimSlash(restUrl)}/fapi/v1/depth?symbol=${encodeURIComponent(symbol)}&limit=${limit}`;
}

export function exchangeInfoUrl(restUrl: string): string {
  return `${trimSlash(restUrl)}/fapi/v1/exchangeInfo`;
}

export function serverTimeUrl(restUrl: string): string {
  return `${trimSlash(restUrl)}/fapi/v1/time`;
}

/** Request weight of GET /fapi/v1/exchangeInfo, as Binance charges it. */
export const EXCHANGE_INFO_WEIGHT = 1;

/** Request weight of a depth snapshot by limit, as Binance charges it. */
export function depthSnapshotWeight(limit: number): number {
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
