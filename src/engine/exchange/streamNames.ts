import { routeOf, type StreamRoute } from '../protocol/streams';

/** Binance's per-connection limit. */
export const MAX_STREAMS_PER_CONNECTION = 200;

export type DiffSpeedMs = 0 | 100 | 250 | 500;
export type PartialSpeedMs = 100 | 250 | 500;
export type PartialLevels = 5 | 10 | 20;

export const DIFF_SPEEDS: readonly DiffSpeedMs[] = [0, 100, 250, 500];
export const PARTIAL_LEVELS: readonly PartialLevels[] = [5, 10, 20];

/** A stream name understood: what it carries and at which speed. `other` is valid but never produced here. */
export type ParsedStream =
  | { kind: 'diffDepth'; symbol: string; speedMs: DiffSpeedMs }
  | { kind: 'partialDepth'; symbol: string; levels: PartialLevels; speedMs: PartialSpeedMs }
  | { kind: 'bookTicker' | 'trade' | 'aggTrade' | 'forceOrder'; symbol: string }
  | { kind: 'markPrice'; symbol: string; intervalMs: 1000 | 3000 }
  | { kind: 'other'; symbol: string };

/** How a delivered message counts for fault injection: only diff depth can open a gap. */
export type StreamMessageKind = 'diff' | 'data';

const NAME = /^(?:[A-Za-z0-9]+@[A-Za-z0-9_@]+|![A-Za-z0-9_@]+)$/;

/** True for names of the form `<symbol>@<kind>[@<option>]` (or Binance's `!<all-market>` streams). */
export function isStreamName(name: string): boolean {
  return name.length <= 100 && NAME.test(name);
}

export function parseStream(name: string): ParsedStream | undefined {
  if (!isStreamName(name)) return undefined;
  if (name.startsWith('!')) return { kind: 'other', symbol: '' };
  const at = name.indexOf('@');
  const symbol = name.slice(0, at).toUpperCase();
  const rest = name.slice(at + 1);
  switch (rest) {
    case 'depth':
    case 'depth@250ms':
      return { kind: 'diffDepth', symbol, speedMs: 250 };
    case 'depth@0ms':
      return { kind: 'diffDepth', symbol, speedMs: 0 };
    case 'depth@100ms':
      return { kind: 'diffDepth', symbol, speedMs: 100 };
    case 'depth@500ms':
      return { kind: 'diffDepth', symbol, speedMs: 500 };
    case 'bookTicker':
    case 'trade':
    case 'aggTrade':
    case 'forceOrder':
      return { kind: rest, symbol };
    case 'markPrice':
      return { kind: 'markPrice', symbol, intervalMs: 3000 };
    case 'markPrice@1s':
      return { kind: 'markPrice', symbol, intervalMs: 1000 };
    default:
      break;
  }
  const partial = /^depth(5|10|20)(?:@(100|250|500)ms)?$/.exec(rest);
  if (partial) {
    return {
      kind: 'partialDepth',
      symbol,
      levels: Number(partial[1]) as PartialLevels,
      speedMs: Number(partial[2] ?? 250) as PartialSpeedMs,
    };
  }
  return { kind: 'other', symbol };
}

/**
 * The one name the markets publish a stream under; `btcusdt@depth` and `btcusdt@depth@250ms` are the
 * same stream. Undefined for streams this exchange never produces.
 */
export function canonicalStream(parsed: ParsedStream): string | undefined {
  const s = parsed.symbol.toLowerCase();
  switch (parsed.kind) {
    case 'diffDepth':
      return diffDepthStream(parsed.symbol, parsed.speedMs);
    case 'partialDepth':
      return partialDepthStream(parsed.symbol, parsed.levels, parsed.speedMs);
    case 'markPrice':
      return markPriceStream(parsed.symbol, parsed.intervalMs);
    case 'bookTicker':
    case 'trade':
    case 'aggTrade':
    case 'forceOrder':
      return `${s}@${parsed.kind}`;
    case 'other':
      return undefined;
  }
}

export function diffDepthStream(symbol: string, speedMs: DiffSpeedMs): string {
  return `${symbol.toLowerCase()}@depth@${speedMs}ms`;
}

export function partialDepthStream(symbol: string, levels: PartialLevels, speedMs: PartialSpeedMs): string {
  return `${symbol.toLowerCase()}@depth${levels}@${speedMs}ms`;
}

export function markPriceStream(symbol: string, intervalMs: 1000 | 3000): string {
  return intervalMs === 1000 ? `${symbol.toLowerCase()}@markPrice@1s` : `${symbol.toLowerCase()}@markPrice`;
}

export function simpleStream(symbol: string, kind: 'bookTicker' | 'trade' | 'aggTrade' | 'forceOrder'): string {
  return `${symbol.toLowerCase()}@${kind}`;
}

/** Which routed path serves a stream; `!bookTicker` is book data like its per-symbol form. */
export function routeOfStream(name: string): StreamRoute {
  return name.startsWith('!') ? (name.startsWith('!bookTicker') ? 'public' : 'market') : routeOf(name);
}

export type StreamPath =
  | { ok: true; route: StreamRoute; combined: boolean; streams: string[] }
  | { ok: false; status: 400 | 404; msg: string };

/**
 * Reads a WebSocket request path: `/<route>/stream?streams=a/b` (combined) or `/<route>/ws/a/b` (raw),
 * with route `public` or `market`. Anything else is not a stream endpoint.
 */
export function parseStreamPath(url: string): StreamPath {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const segments = path.split('/').filter((s) => s !== '');
  const route = segments[0];
  if ((route !== 'public' && route !== 'market') || (segments[1] !== 'stream' && segments[1] !== 'ws')) {
    return { ok: false, status: 404, msg: `no stream endpoint at ${path}; use /public/... or /market/... with /stream?streams= or /ws/` };
  }
  const combined = segments[1] === 'stream';
  let streams: string[];
  if (combined) {
    if (segments.length > 2) return { ok: false, status: 404, msg: `no stream endpoint at ${path}` };
    const param = new URLSearchParams(query < 0 ? '' : url.slice(query + 1)).get('streams') ?? '';
    streams = param.split('/').filter((s) => s !== '');
  } else {
    try {
      streams = segments.slice(2).map((s) => decodeURIComponent(s));
    } catch {
      return { ok: false, status: 400, msg: `bad percent-encoding in ${path}` };
    }
  }
  const bad = streams.find((s) => !isStreamName(s));
  if (bad !== undefined) return { ok: false, status: 400, msg: `invalid stream name '${bad}'` };
  if (streams.length > MAX_STREAMS_PER_CONNECTION) {
    return { ok: false, status: 400, msg: `${streams.length} streams requested; a connection carries at most ${MAX_STREAMS_PER_CONNECTION}` };
  }
  return { ok: true, route, combined, streams: [...new Set(streams)] };
}
