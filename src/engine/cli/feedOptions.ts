import { DEFAULT_REST_URL, DEFAULT_STREAM_URL } from '../protocol/streams';
import { intOption, stringOption, UsageError, type ParsedArgs } from './args';

/** Options shared by the commands that talk to an exchange (watch, record). */
export const FEED_VALUE_OPTIONS = ['ws-url', 'rest-url', 'depth', 'stale-after'] as const;

export interface FeedCliOptions {
  symbol: string;
  streamUrl: string;
  restUrl: string;
  depthMode: 'full' | 'depth20';
  staleAfterMs: number;
}

export function feedOptions(args: ParsedArgs, usage: string): FeedCliOptions {
  const symbol = args.positionals[0];
  if (symbol === undefined || args.positionals.length > 1) throw new UsageError(`usage: ${usage}`);
  const depth = stringOption(args, 'depth') ?? 'full';
  if (depth !== 'full' && depth !== 'depth20') throw new UsageError(`--depth must be 'full' or 'depth20', got '${depth}'`);
  return {
    symbol: symbol.toUpperCase(),
    streamUrl: baseUrl(stringOption(args, 'ws-url') ?? DEFAULT_STREAM_URL, ['ws:', 'wss:'], 'ws-url'),
    restUrl: baseUrl(stringOption(args, 'rest-url') ?? DEFAULT_REST_URL, ['http:', 'https:'], 'rest-url'),
    depthMode: depth,
    staleAfterMs: intOption(args, 'stale-after', 10_000, 500, 600_000),
  };
}

/** A base URL (scheme, host, port; the exchange's paths are appended), checked before anything connects. */
function baseUrl(value: string, protocols: string[], option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${option} must be a URL such as ${protocols[0]}//127.0.0.1:8080, got '${value}'`);
  }
  if (!protocols.includes(url.protocol)) throw new UsageError(`--${option} must start with ${protocols.join(' or ')}, got '${value}'`);
  return value.replace(/\/+$/, '');
}
