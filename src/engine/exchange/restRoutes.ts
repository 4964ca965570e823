import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireDepthSnapshot, WireErrorReply, WireExchangeInfo, WireSymbolInfo } from '../protocol/binanceTypes';
import { depthSnapshotWeight } from '../protocol/streams';
import type { FaultConfig, FaultInfo, RestBodyLie, TickLie } from './faults';
import type { ExchangeMarket } from './market';
import { REQUEST_WEIGHT_LIMIT_PER_MINUTE, type RequestWeightMeter } from './requestWeight';
import { decimalsOf } from '../book/priceScale';
import { symbolInfo } from './symbolSpec';

export const DEPTH_LIMITS: readonly number[] = [5, 10, 20, 50, 100, 500, 1000];
const DEFAULT_DEPTH_LIMIT = 500;

/** What the REST routes need from the exchange. */
export interface RestHost {
  readonly market: ExchangeMarket;
  readonly clock: { now(): number };
  readonly weights: RequestWeightMeter;
  faults(): FaultConfig;
  recordFault(info: FaultInfo): void;
  countRequest(path: string): void;
  /** A depth snapshot went out (for the fault that closes connections just after a client goes live). */
  onSnapshotServed(): void;
}

/** Size of the 'huge' REST body: far past any sane limit, declared up front. */
const HUGE_BODY_BYTES = 64 * 1024 * 1024;
const TRICKLE_EVERY_MS = 250;
const BODY_LIE_WORDS: Record<RestBodyLie, string> = {
  endless: 'never ends',
  trickle: `never ends and comes a level every ${TRICKLE_EVERY_MS} ms`,
  huge: `is ${HUGE_BODY_BYTES} bytes`,
};
/** One write of an endless or huge body: a run of levels. */
const BODY_CHUNK = '["1.00","1.000"],'.repeat(4096);

type RestFaultStatus = NonNullable<FaultConfig['restStatus']>['status'];

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Route {
  weight(params: URLSearchParams): number;
  answer(params: URLSearchParams): Answer | Promise<Answer>;
}

const INTERNAL_ERROR: WireErrorReply = { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' };

/**
 * The public market-data endpoints of `fapi.binance.com` that FlowSight uses, with Binance's
 * errors, request weights and the used-weight header, plus the REST faults. Every answer is JSON,
 * errors included, as `{code, msg}`.
 */
export class RestRoutes {
  private readonly routes: Readonly<Record<string, Route>>;
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; wake(completed: boolean): void }>();
  /** The restStatus fault being counted down, and how many failures it has left. */
  private failing: { fault: FaultConfig['restStatus']; remaining: number } | undefined;
  /** Bodies being streamed by the restBody fault; ended when the exchange stops. */
  private readonly streaming = new Set<ServerResponse>();
  private exchangeInfoAnswers = 0;

  constructor(private readonly host: RestHost) {
    this.routes = {
      '/fapi/v1/ping': { weight: () => 1, answer: () => ({ status: 200, body: {} }) },
      '/fapi/v1/time': { weight: () => 1, answer: () => ({ status: 200, body: { serverTime: host.clock.now() } }) },
      '/fapi/v1/exchangeInfo': {
        weight: () => 1,
        answer: () => {
          const body = this.exchangeInfo();
          this.exchangeInfoAnswers++;
          return { status: 200, body };
        },
      },
      '/fapi/v1/depth': {
        weight: (params) => {
          const limit = Number(params.get('limit') ?? DEFAULT_DEPTH_LIMIT);
          return DEPTH_LIMITS.includes(limit) ? depthSnapshotWeight(limit) : 1;
        },
        answer: (params) => this.depth(params),
      },
    };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.serve(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, body: { ...INTERNAL_ERROR, msg: `${INTERNAL_ERROR.msg} (${String(err)})` } });
    });
  }

  /** Ends pending delayed answers (their sockets are going away with the server). */
  cancelPending(): void {
    for (const sleeper of this.sleeping) {
      clearTimeout(sleeper.timer);
      sleeper.wake(false);
    }
    this.sleeping.clear();
    for (const res of this.streaming) res.destroy();
    this.streaming.clear();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = this.host;
    const url = new URL(req.url ?? '/', 'http://exchange.local');
    host.countRequest(url.pathname);
    const faults = host.faults();
    if (faults.restDelayMs !== undefined && faults.restDelayMs > 0) {
      host.recordFault({ kind: 'restDelay', detail: `${url.pathname} answered after ${faults.restDelayMs} ms` });
      if (!(await this.sleep(faults.restDelayMs))) return;
    }
    const failure = this.takeFailure(faults);
    if (failure !== undefined) {
      host.recordFault({ kind: `rest${failure.status}`, detail: `${url.pathname} refused with HTTP ${failure.status}` });
      send(res, failureAnswer(failure.status, failure.retryAfter, failure.retryAfterSec, req.socket.remoteAddress ?? '127.0.0.1', host.clock.now()));
      return;
    }
    const route = this.routes[url.pathname];
    if (route === undefined) {
      send(res, { status: 404, body: { code: -1, msg: `Not found: ${url.pathname} is not an endpoint of this exchange.` } });
      return;
    }
    if (req.method !== 'GET') {
      send(res, { status: 405, body: { code: -1, msg: `Method ${req.method ?? '?'} is not allowed on ${url.pathname}; use GET.` } });
      return;
    }
    const charge = host.weights.charge(route.weight(url.searchParams));
    const weightHeader = { 'X-MBX-USED-WEIGHT-1M': String(charge.used) };
    if (charge.exceeded) {
      send(res, {
        status: 429,
        headers: { ...weightHeader, 'Retry-After': String(charge.retryAfterSec) },
        body: tooManyRequests(req.socket.remoteAddress ?? '127.0.0.1'),
      });
      return;
    }
    const body = faults.restBody;
    if (body !== undefined && url.pathname === (body.path ?? '/fapi/v1/depth')) {
      host.recordFault({ kind: 'restBody', detail: `${url.pathname} answered with a body that ${BODY_LIE_WORDS[body.kind]}` });
      this.streamBody(res, body.kind, body.status ?? 200, weightHeader);
      return;
    }
    const answer = await route.answer(url.searchParams);
    if (res.destroyed) return;
    if (url.pathname === '/fapi/v1/depth' && answer.status === 200) {
      this.lieAboutSnapshot(answer.body as WireDepthSnapshot, faults);
      host.onSnapshotServed();
    }
    send(res, { ...answer, headers: { ...weightHeader, ...answer.headers } });
  }

  /** The start of a depth answer, then levels without end (or up to the huge size), as fast as the client reads or trickling. */
  private streamBody(res: ServerResponse, kind: RestBodyLie, status: number, headers: Record<string, string>): void {
    const head = '{"lastUpdateId":1,"E":1,"T":1,"bids":[';
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=UTF-8',
      ...headers,
      ...(kind === 'huge' ? { 'Content-Length': String(HUGE_BODY_BYTES) } : {}),
    });
    this.streaming.add(res);
    res.once('close', () => this.streaming.delete(res));
    let written = Buffer.byteLength(head);
    res.write(head);
    if (kind === 'trickle') {
      const timer = setInterval(() => res.write('["1.00","1.000"],'), TRICKLE_EVERY_MS);
      res.once('close', () => clearInterval(timer));
      return;
    }
    const pump = (): void => {
      while (!res.destroyed) {
        if (kind === 'huge' && written + BODY_CHUNK.length > HUGE_BODY_BYTES) {
          res.end(' '.repeat(HUGE_BODY_BYTES - written));
          return;
        }
        written += BODY_CHUNK.length;
        if (!res.write(BODY_CHUNK)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  }

  /** The snapshot faults: a lastUpdateId no diff reaches, a bid above the best ask. */
  private lieAboutSnapshot(snapshot: WireDepthSnapshot, faults: FaultConfig): void {
    if (faults.snapshotAheadBy !== undefined) {
      snapshot.lastUpdateId += faults.snapshotAheadBy;
      this.host.recordFault({ kind: 'snapshotAhead', detail: `depth snapshot claims lastUpdateId ${snapshot.lastUpdateId}, ${faults.snapshotAheadBy} ahead of the stream` });
    }
    const bestAsk = snapshot.asks[0];
    if (faults.crossedSnapshot === true && bestAsk !== undefined) {
      const dot = bestAsk[0].indexOf('.');
      const price = (Number(bestAsk[0]) * 2).toFixed(dot < 0 ? 0 : bestAsk[0].length - dot - 1);
      snapshot.bids.unshift([price, bestAsk[1]]);
      this.host.recordFault({ kind: 'crossed', detail: `depth snapshot carries a bid at ${price}, above the best ask ${bestAsk[0]}` });
    }
  }

  private exchangeInfo(): WireExchangeInfo & { rateLimits: unknown[]; exchangeFilters: unknown[] } {
    return {
      timezone: 'UTC',
      serverTime: this.host.clock.now(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: REQUEST_WEIGHT_LIMIT_PER_MINUTE }],
      exchangeFilters: [],
      symbols: this.host.market.specs().map((spec) => this.lieAboutTick(symbolInfo(spec), this.host.faults().tickSize)),
    };
  }

  /** The tickSize fault applied to one symbol's entry; 'changes' is truthful on every other answer and ten times finer in between. */
  private lieAboutTick(info: WireSymbolInfo, lie: TickLie | undefined): WireSymbolInfo {
    if (lie === undefined) return info;
    const filters = info.filters.filter((f) => f.filterType !== 'PRICE_FILTER' || lie !== 'missing');
    const priceFilter = filters.find((f) => f.filterType === 'PRICE_FILTER') as { tickSize?: string } | undefined;
    if (priceFilter !== undefined && priceFilter.tickSize !== undefined) {
      const tick = Number(priceFilter.tickSize);
      const told = lie === 'coarser' ? tick * 10 : lie === 'tiny' ? 1e-10 : lie === 'zero' ? 0 : this.exchangeInfoAnswers % 2 === 1 ? tick / 10 : tick;
      // decimalsOf stops at a precision far above 1e-10, so the absurd tick is written out by hand.
      priceFilter.tickSize = lie === 'tiny' ? '0.0000000001' : told === 0 ? '0' : told.toFixed(decimalsOf(told));
    }
    this.host.recordFault({ kind: 'tickSize', detail: `exchangeInfo says ${info.symbol} has tick ${priceFilter?.tickSize ?? '(no PRICE_FILTER)'}` });
    return { ...info, filters };
  }

  private async depth(params: URLSearchParams): Promise<Answer> {
    const symbol = params.get('symbol');
    if (symbol === null || symbol === '') {
      return { status: 400, body: { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." } };
    }
    const limitText = params.get('limit');
    const limit = limitText === null ? DEFAULT_DEPTH_LIMIT : Number(limitText);
    if (!DEPTH_LIMITS.includes(limit)) {
      return { status: 400, body: { code: -1100, msg: `Illegal characters found in parameter 'limit'; legal range is '${DEPTH_LIMITS.join(', ')}'.` } };
    }
    const answer = await this.host.market.depthSnapshot(symbol, limit);
    if (answer.ok) return { status: 200, body: answer.snapshot };
    if (answer.reason === 'unknownSymbol') return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
    return { status: 503, body: INTERNAL_ERROR };
  }

  /** The next restStatus failure to serve, counting down `times` for the configuration in force. */
  private takeFailure(faults: FaultConfig): { status: RestFaultStatus; retryAfterSec: number | undefined; retryAfter: string | undefined } | undefined {
    const fault = faults.restStatus;
    if (fault === undefined) {
      this.failing = undefined;
      return undefined;
    }
    if (this.failing?.fault !== fault) this.failing = { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY };
    if (this.failing.remaining <= 0) return undefined;
    this.failing.remaining--;
    return { status: fault.status, retryAfterSec: fault.retryAfterSec, retryAfter: fault.retryAfter };
  }

  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleeping.delete(sleeper);
          resolve(true);
        }, ms),
        wake: resolve,
      };
      this.sleeping.add(sleeper);
    });
  }
}

function tooManyRequests(ip: string): WireErrorReply {
  return {
    code: -1003,
    msg: `Too many requests; current limit of IP(${ip}) request weight is ${REQUEST_WEIGHT_LIMIT_PER_MINUTE} per minute. Please use WebSocket Streams for live updates to avoid polling the API.`,
  };
}

function failureAnswer(status: RestFaultStatus, retryAfter: string | undefined, retryAfterSec: number | undefined, ip: string, now: number): Answer {
  switch (status) {
    case 429:
      return { status, headers: { 'Retry-After': retryAfter ?? String(retryAfterSec ?? 60) }, body: tooManyRequests(ip) };
    case 418: {
      const seconds = retryAfterSec ?? 120;
      return {
        status,
        headers: { 'Retry-After': retryAfter ?? String(seconds) },
        body: {
          code: -1003,
          msg: `Way too many requests; IP(${ip}) banned until ${now + seconds * 1000}. Please use WebSocket Streams for live updates to avoid bans.`,
        },
      };
    }
    case 451:
      return {
        status,
        body: {
          code: 0,
          msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
        },
      };
    case 403:
      return { status, body: { code: -1, msg: 'Forbidden: the request was blocked by the web application firewall.' } };
    case 500:
      return { status, body: INTERNAL_ERROR };
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...answer.headers,
  });
  res.end(text);
}
