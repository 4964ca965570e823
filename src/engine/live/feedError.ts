/**
 * Every way the network or the exchange can fail, classified once, with words a trader understands
 * and what to do about it. `retryable` decides whether the feed keeps trying on its own.
 */
export type FeedErrorKind =
  | 'restricted-location'
  | 'ip-banned'
  | 'rate-limited'
  | 'forbidden'
  | 'dns'
  | 'refused'
  | 'tls'
  | 'timeout'
  | 'server-error'
  | 'unknown-symbol'
  | 'bad-response'
  | 'closed'
  | 'network';

export class FeedError extends Error {
  constructor(
    readonly kind: FeedErrorKind,
    message: string,
    readonly retryable: boolean,
    /** When the exchange said how long to wait (Retry-After), in ms. */
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FeedError';
  }
}

/** Classifies an HTTP status from REST or a refused WebSocket upgrade. */
export function errorFromStatus(status: number, endpoint: string, retryAfterHeader?: string | null, body?: string): FeedError {
  const retryAfterMs = parseRetryAfter(retryAfterHeader);
  switch (status) {
    case 451:
      return new FeedError(
        'restricted-location',
        `Binance refuses connections from this location (HTTP 451 from ${endpoint}). Binance futures are not available in some countries (e.g. the United States). Use the demo feed, or point flowsight.streamUrl / flowsight.restUrl at an endpoint you may use.`,
        false,
        undefined,
        status,
      );
    case 418:
      return new FeedError(
        'ip-banned',
        `Binance has banned this IP address for a while (HTTP 418 from ${endpoint}) after too many requests${retryAfterMs ? `; it may be used again in ${formatDuration(retryAfterMs)}` : ''}. FlowSight waits and does not retry before then.`,
        true,
        retryAfterMs ?? 120_000,
        status,
      );
    case 429:
      return new FeedError(
        'rate-limited',
        `Binance rate limit reached (HTTP 429 from ${endpoint}); waiting ${formatDuration(retryAfterMs ?? 60_000)} as asked before trying again.`,
        true,
        retryAfterMs ?? 60_000,
        status,
      );
    case 403:
      return new FeedError(
        'forbidden',
        `Access denied (HTTP 403 from ${endpoint}): a firewall or Binance's web application firewall blocked the request. Check a proxy or VPN in the way.`,
        true,
        undefined,
        status,
      );
    default:
      if (status >= 500) {
        return new FeedError('server-error', `The exchange had an internal error (HTTP ${status} from ${endpoint}); trying again shortly.`, true, retryAfterMs, status);
      }
      return new FeedError('bad-response', `Unexpected HTTP ${status} from ${endpoint}${body ? `: ${body.slice(0, 200)}` : ''}`, true, retryAfterMs, status);
  }
}

/** Classifies a thrown network error (Node's errno codes, TLS failures, aborts). */
export function errorFromException(err: unknown, endpoint: string): FeedError {
  if (err instanceof FeedError) return err;
  const code = errorCode(err);
  const text = err instanceof Error ? err.message : String(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new FeedError('dns', `Cannot resolve the host of ${endpoint} (DNS lookup failed: ${code}). Check the network connection or the URL setting.`, true);
  }
  if (code === 'ECONNREFUSED') {
    return new FeedError('refused', `Connection refused by ${endpoint}: nothing is listening there. Check the URL setting, or whether the exchange is running.`, true);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new FeedError('network', `The connection to ${endpoint} was reset (${code}).`, true);
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'TimeoutError' || code === 'ABORT_ERR' || /timed? ?out/i.test(text)) {
    return new FeedError('timeout', `${endpoint} did not answer in time.`, true);
  }
  if ((code !== undefined && /^(CERT_|ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code)) || /certificate|TLS|SSL/i.test(text)) {
    return new FeedError('tls', `The secure connection to ${endpoint} failed (${code ?? text}). A proxy or antivirus may be intercepting TLS.`, true);
  }
  return new FeedError('network', `Network error talking to ${endpoint}: ${code ? `${code} ` : ''}${text}`, true);
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  // fetch() wraps the socket error in `cause`.
  if (e.cause !== undefined) {
    const inner = errorCode(e.cause);
    if (inner !== undefined) return inner;
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'TimeoutError';
  return undefined;
}

function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (header === undefined || header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
