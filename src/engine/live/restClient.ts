import { depthSnapshotUrl, depthSnapshotWeight, EXCHANGE_INFO_WEIGHT, exchangeInfoUrl } from '../protocol/streams';
import { decodeSnapshotObject } from '../protocol/frameDecoder';
import type { DepthSnapshotEvent } from '../protocol/events';
import type { Clock } from './clock';
import { errorFromException, errorFromStatus, FeedError, formatBytes, formatDuration } from './feedError';
import { serverText } from '../core/untrustedText';
import { RequestWeightBudget } from './requestBudget';
import { parseExchangeInfo, type SymbolInfo } from './symbolInfo';

export interface RestClientOptions {
  restUrl: string;
  clock: Clock;
  timeoutMs?: number;
  budget?: RequestWeightBudget;
}

/**
 * Largest answer each endpoint may send, enforced while reading: Binance's exchangeInfo is about
 * 1.5 MB and a 1000-level depth snapshot about 50 KB, so these leave room and still stop a body that
 * never ends. Error answers only end up in messages: a few KB is plenty.
 */
export const REST_BODY_LIMITS: Readonly<Record<string, number>> = {
  '/fapi/v1/exchangeInfo': 8 * 1024 * 1024,
  '/fapi/v1/depth': 1024 * 1024,
};
const OTHER_BODY_LIMIT = 64 * 1024;
const ERROR_BODY_LIMIT = 4 * 1024;

/**
 * Binance futures REST: exchangeInfo and depth snapshots, with timeouts, classified errors, the
 * request-weight budget and the exchange's Retry-After honoured for every later request.
 */
export class RestClient {
  readonly budget: RequestWeightBudget;
  private readonly timeoutMs: number;
  private symbolsCache: { at: number; symbols: Map<string, SymbolInfo> } | undefined;
  private readonly inFlight = new Set<AbortController>();
  private disposed = false;

  constructor(private readonly options: RestClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.budget = options.budget ?? new RequestWeightBudget(options.clock);
  }

  get restUrl(): string {
    return this.options.restUrl;
  }

  /** All symbols, cached for 10 minutes (exchangeInfo changes rarely and costs weight). */
  async symbols(forceRefresh = false): Promise<Map<string, SymbolInfo>> {
    const now = this.options.clock.now();
    if (!forceRefresh && this.symbolsCache && now - this.symbolsCache.at < 600_000) return this.symbolsCache.symbols;
    const body = await this.getJson(exchangeInfoUrl(this.options.restUrl), EXCHANGE_INFO_WEIGHT);
    let symbols: Map<string, SymbolInfo>;
    try {
      symbols = parseExchangeInfo(body);
    } catch (err) {
      throw new FeedError('bad-response', `exchangeInfo from ${this.options.restUrl} could not be read: ${(err as Error).message}`, true);
    }
    this.symbolsCache = { at: now, symbols };
    return symbols;
  }

  /** The symbol's info, or a FeedError('unknown-symbol') that names it. */
  async symbol(symbol: string): Promise<SymbolInfo> {
    const info = (await this.symbols()).get(symbol);
    if (info === undefined) {
      throw new FeedError('unknown-symbol', `${symbol} is not a USDⓈ-M futures symbol on ${this.options.restUrl}. Choose one such as BTCUSDT or ETHUSDT.`, false);
    }
    if (info.status !== 'TRADING') {
      throw new FeedError('unknown-symbol', `${symbol} is not trading right now (status ${info.status}).`, false);
    }
    return info;
  }

  /**
   * A depth snapshot. Waits for the weight budget first; `onDeferred` is told how long, so a resync
   * storm is visible instead of silent.
   */
  async depthSnapshot(
    symbol: string,
    limit = 1000,
    onDeferred?: (waitMs: number) => void,
    onBody?: (text: string) => void,
  ): Promise<DepthSnapshotEvent> {
    const weight = depthSnapshotWeight(limit);
    const wait = this.budget.delayFor(weight);
    if (wait > 0) {
      this.budget.deferred++;
      onDeferred?.(wait);
      await this.sleep(wait);
    }
    const body = await this.getJson(depthSnapshotUrl(this.options.restUrl, symbol, limit), weight, onBody);
    try {
      return decodeSnapshotObject(body as Record<string, unknown>, symbol);
    } catch (err) {
      throw new FeedError('bad-response', `The depth snapshot for ${symbol} could not be read: ${(err as Error).message}`, true);
    }
  }

  /** Aborts requests in flight and refuses new ones. */
  dispose(): void {
    this.disposed = true;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private async getJson(url: string, weight: number, onBody?: (text: string) => void): Promise<unknown> {
    if (this.disposed) throw new FeedError('closed', 'the feed was stopped', false);
    const parsed = new URL(url);
    const endpoint = parsed.origin + parsed.pathname;
    const controller = new AbortController();
    this.inFlight.add(controller);
    let answering = false;
    const timer = this.options.clock.setTimeout(() => {
      const message = answering
        ? `${endpoint} started answering but did not finish within ${formatDuration(this.timeoutMs)}; the answer was cut off.`
        : `${endpoint} did not answer within ${formatDuration(this.timeoutMs)}.`;
      controller.abort(new FeedError('timeout', message, true));
    }, this.timeoutMs);
    this.budget.spend(weight);
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { accept: 'application/json' } });
      answering = true;
      const usedWeight = Number(response.headers.get('x-mbx-used-weight-1m'));
      if (Number.isFinite(usedWeight)) this.budget.exchangeReportedWeight = usedWeight;
      const limit = response.ok ? (REST_BODY_LIMITS[parsed.pathname] ?? OTHER_BODY_LIMIT) : ERROR_BODY_LIMIT;
      const body = await readCapped(response, limit);
      if (!response.ok) {
        if (body.cut) controller.abort();
        const error = errorFromStatus(response.status, endpoint, response.headers.get('retry-after'), body.text, this.options.clock.now());
        if (error.retryAfterMs !== undefined && (response.status === 429 || response.status === 418)) this.budget.blockFor(error.retryAfterMs);
        throw error;
      }
      if (body.cut) {
        controller.abort();
        throw new FeedError('bad-response', `${endpoint} sent more than ${formatBytes(limit)}; the answer was cut off.`, true);
      }
      try {
        const value = JSON.parse(body.text) as unknown;
        onBody?.(body.text);
        return value;
      } catch {
        throw new FeedError('bad-response', `${endpoint} answered with something that is not JSON: ${serverText(body.text, 120)}`, true);
      }
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof FeedError) throw controller.signal.reason;
      if (this.disposed) throw new FeedError('closed', 'the feed was stopped', false);
      throw errorFromException(err, endpoint);
    } finally {
      this.options.clock.clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const controller = new AbortController();
      this.inFlight.add(controller);
      const timer = this.options.clock.setTimeout(done, ms);
      controller.signal.addEventListener('abort', done, { once: true });
      const clock = this.options.clock;
      const inFlight = this.inFlight;
      function done(): void {
        clock.clearTimeout(timer);
        inFlight.delete(controller);
        resolve();
      }
    });
  }
}

/**
 * Reads a body up to `limit` bytes, counting as it reads (a declared Content-Length over the limit is
 * refused before reading). Past the limit it stops and cancels the stream: a body that never ends, or
 * a huge one, costs at most `limit` bytes of memory.
 */
async function readCapped(response: Response, limit: number): Promise<{ text: string; cut: boolean }> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const reader = response.body?.getReader();
  if (reader === undefined) return { text: '', cut: false };
  if (declared > limit) {
    await reader.cancel().catch(() => undefined);
    return { text: '', cut: true };
  }
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { text: parts.join(''), cut: true };
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return { text: parts.join(''), cut: false };
}
