import { formatDuration, retryAfterWait } from './delayBounds';
import { serverText } from '../core/untrustedText';

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
export function errorFromStatus(status: number, endpoint: string, retryAfterHeader?: string | null, body?: string, now = Date.now()): FeedError {
  // 429 and 418 always wait (Binance's defaults when the header is missing); others only when told to.
  const fallbackMs = status === 418 ? 120_000 : 60_000;
  const wait = retryAfterWait(retryAfterHeader, fallbackMs, now);
  const told = retryAfterHeader !== undefined && retryAfterHeader !== null && retryAfterHeader.trim() !== '';
  const retryAfterMs = status === 429 || status === 418 || told ? wait.ms : undefined;
  const note = wait.note === undefined ? '' : ` (${wait.note})`;
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
        `Binance has banned this IP address for a while (HTTP 418 from ${endpoint}) after too many requests; FlowSight waits ${formatDuration(wait.ms)} before trying again${note}.`,
        true,
        wait.ms,
        status,
      );
    case 429:
      return new FeedError(
        'rate-limited',
        `Binance rate limit reached (HTTP 429 from ${endpoint}); waiting ${formatDuration(wait.ms)} before trying again${note}.`,
        true,
        wait.ms,
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
      return new FeedError('bad-response', `Unexpected HTTP ${status} from ${endpoint}${body ? `: ${serverText(body, 200)}` : ''}`, true, retryAfterMs, status);
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

export { formatDuration } from './delayBounds';

/** Sizes in words: "1 MB", "64 KB", "512 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

