import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { StreamRoute } from '../protocol/streams';
import { DiffLies, type PhantomSource } from './diffLies';
import { MALFORMED_KINDS, malformedFrame, type FaultConfig, type FaultInfo } from './faults';
import type { StreamHub, StreamSubscriber } from './streamHub';
import {
  MAX_STREAMS_PER_CONNECTION,
  canonicalStream,
  isStreamName,
  parseStream,
  routeOfStream,
  type StreamMessageKind,
} from './streamNames';

/** Binance closes a connection that sends more than this many messages in a second. */
export const MAX_INCOMING_MESSAGES_PER_SECOND = 10;
/** A client this far behind is not reading; like Binance, the server cuts it rather than buffer without end. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface ConnectionTiming {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  maxConnectionAgeMs: number;
}

/** One open connection as `LocalExchange.connections()` lists it. */
export interface ConnectionSummary {
  id: number;
  path: string;
  route: StreamRoute;
  streams: string[];
  openedAt: number;
  messagesSent: number;
}

export type ControlMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS' | 'SET_PROPERTY' | 'GET_PROPERTY';

/** Payload of the exchange's 'subscribe' event: one valid control request. */
export interface SubscribeInfo {
  connectionId: number;
  method: ControlMethod;
  params: unknown[];
  id: number | string | null;
}

/** What a connection needs from the exchange that owns it. */
export interface ConnectionHost {
  readonly hub: StreamHub;
  readonly timing: ConnectionTiming;
  faultsFor(connectionId: number): FaultConfig;
  recordFault(info: FaultInfo): void;
  countDataMessage(): void;
  onControlRequest(info: SubscribeInfo): void;
  onClosed(connection: ExchangeConnection): void;
  /** A bid level the exchange's book does not have, for the phantom-level lie. */
  readonly phantomLevel: PhantomSource;
}

export interface ConnectionInit {
  id: number;
  path: string;
  route: StreamRoute;
  combined: boolean;
  streams: readonly string[];
  openedAt: number;
}

type ControlId = number | string | null;

/**
 * One client WebSocket: its subscriptions, the live control protocol, Binance's connection rules
 * (message rate, stream count, ping/pong, maximum age) and the faults aimed at it. Every timer it
 * starts is stopped when the socket closes.
 */
export class ExchangeConnection implements StreamSubscriber {
  readonly id: number;
  readonly path: string;
  readonly route: StreamRoute;
  readonly openedAt: number;
  messagesSent = 0;
  private combined: boolean;
  private readonly subscriptions: string[] = [];
  private diffsOffered = 0;
  private malformedTurn = 0;
  private readonly recentMessages: number[] = [];
  private awaitingPongSince: number | undefined;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly ageTimer: NodeJS.Timeout;
  private pongTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private resolveEnded!: () => void;
  /** Settles once the socket has closed and every timer of this connection is stopped. */
  readonly ended = new Promise<void>((resolve) => {
    this.resolveEnded = resolve;
  });
  private dropping = false;
  private stallReported = false;
  private readonly lies: DiffLies;
  private hugeFrameSent = false;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    init: ConnectionInit,
    private readonly host: ConnectionHost,
  ) {
    this.id = init.id;
    this.path = init.path;
    this.route = init.route;
    this.combined = init.combined;
    this.openedAt = init.openedAt;
    this.lies = new DiffLies(host.phantomLevel);
    for (const name of init.streams) this.subscribe(name);
    ws.on('message', (data, isBinary) => {
      if (this.withinMessageRate()) this.onMessage(data, isBinary);
    });
    // autoPong is off on the server so that a stalled connection can stay silent; everyone else is answered here.
    ws.on('ping', (data) => {
      if (this.withinMessageRate() && !this.stalled()) ws.pong(data);
    });
    ws.on('pong', () => this.onPong());
    ws.on('close', () => this.onClose());
    ws.on('error', () => undefined); // a 'close' always follows
    this.pingTimer = setInterval(() => this.sendPing(), host.timing.pingIntervalMs);
    this.ageTimer = setTimeout(() => this.close(1000, 'connection reached its maximum age'), host.timing.maxConnectionAgeMs);
  }

  summary(): ConnectionSummary {
    return { id: this.id, path: this.path, route: this.route, streams: [...this.subscriptions], openedAt: this.openedAt, messagesSent: this.messagesSent };
  }

  /** Abrupt end, as a network drop: the client sees 1006. */
  terminate(): void {
    this.ws.terminate();
  }

  /** Terminates the socket and stops this connection's timers at once, without waiting for the close event. */
  dispose(): void {
    this.stopTimers();
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
  }

  /** Closes normally after `ms`, once: a server that lets a client in and then shows it the door. */
  closeAfter(ms: number, kind: 'closeAfterOpen' | 'closeAfterSnapshot', reason: string): void {
    if (this.closed || this.closeTimer !== undefined) return;
    this.closeTimer = setTimeout(() => {
      this.host.recordFault({ kind, connectionId: this.id, detail: reason });
      this.close(1000, reason);
    }, ms);
  }

  deliver(name: string, payload: string, kind: StreamMessageKind): void {
    if (this.closed || this.dropping) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.dropping = true;
      this.ws.terminate();
      return;
    }
    const faults = this.host.faultsFor(this.id);
    if (faults.stall === true) {
      this.noteStall();
      return;
    }
    this.stallReported = false;
    if (kind === 'diff') {
      this.diffsOffered++;
      const every = faults.gapEveryNDiffs;
      if (every !== undefined && this.diffsOffered % every === 0) {
        this.host.recordFault({ kind: 'gap', connectionId: this.id, detail: `skipped diff-depth event on ${name}` });
        return;
      }
      const lied = this.lies.tell(payload, faults);
      payload = lied.payload;
      for (const lie of lied.told) this.host.recordFault({ ...lie, connectionId: this.id });
    }
    let frame: string;
    const malformedEvery = faults.malformedEveryNMessages;
    if (malformedEvery !== undefined && (this.messagesSent + 1) % malformedEvery === 0) {
      const garbage = MALFORMED_KINDS[this.malformedTurn++ % MALFORMED_KINDS.length];
      frame = malformedFrame(garbage, this.combined ? name : undefined, payload);
      this.host.recordFault({ kind: 'malformed', connectionId: this.id, detail: `${garbage} frame instead of a ${name} message` });
    } else {
      frame = this.combined ? `{"stream":"${name}","data":${payload}}` : payload;
    }
    this.messagesSent++;
    this.host.countDataMessage();
    const dropEvery = faults.dropEveryNMessages;
    if (dropEvery !== undefined && this.messagesSent % dropEvery === 0) {
      this.dropping = true;
      this.host.recordFault({ kind: 'drop', connectionId: this.id, detail: `connection dropped after ${this.messagesSent} data messages` });
      // Cut only once the message is on the wire, so "after N messages" holds for the client.
      this.ws.send(frame, () => this.ws.terminate());
      return;
    }
    this.ws.send(frame);
    if (faults.hugeFrameBytes !== undefined && !this.hugeFrameSent) {
      this.hugeFrameSent = true;
      this.host.recordFault({ kind: 'hugeFrame', connectionId: this.id, detail: `sent a frame of ${faults.hugeFrameBytes} bytes` });
      const filler = Math.max(0, faults.hugeFrameBytes - 30 - name.length);
      this.ws.send(`{"stream":"${name}","data":"${'x'.repeat(filler)}"}`);
    }
  }

  private stalled(): boolean {
    return this.host.faultsFor(this.id).stall === true;
  }

  private noteStall(): void {
    if (this.stallReported) return;
    this.stallReported = true;
    this.host.recordFault({ kind: 'stall', connectionId: this.id, detail: 'connection stalled: nothing is sent, pings are neither sent nor answered' });
  }

  /**
   * Binance counts the client's control messages and pings against 10 a second and disconnects above
   * that. Pongs are not counted here: they answer our own pings, which tests make frequent.
   */
  private withinMessageRate(): boolean {
    if (this.closed) return false;
    const now = performance.now();
    const recent = this.recentMessages;
    recent.push(now);
    while (recent.length > 0 && now - recent[0] > 1000) recent.shift();
    if (recent.length <= MAX_INCOMING_MESSAGES_PER_SECOND) return true;
    this.close(1008, `more than ${MAX_INCOMING_MESSAGES_PER_SECOND} incoming messages in a second`);
    return false;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.stalled()) {
      this.noteStall();
      return;
    }
    if (isBinary) {
      this.replyError(null, 'Invalid request: binary frames are not accepted');
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(rawText(data));
    } catch {
      this.replyError(null, 'Invalid request: the message is not valid JSON');
      return;
    }
    this.handleRequest(request);
  }

  private handleRequest(request: unknown): void {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      this.replyError(null, 'Invalid request: expected a JSON object with method, params and id');
      return;
    }
    const { method, params, id } = request as { method?: unknown; params?: unknown; id?: unknown };
    if (!(id === null || id === undefined || typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id) && id >= 0))) {
      this.replyError(null, "Invalid request: 'id' must be an unsigned integer or a string");
      return;
    }
    const requestId: ControlId = id ?? null;
    if (params !== undefined && !Array.isArray(params)) {
      this.replyError(requestId, "Invalid request: 'params' must be a list");
      return;
    }
    const list: unknown[] = params ?? [];
    switch (method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const names = list.filter((p): p is string => typeof p === 'string');
        if (names.length === 0 || names.length !== list.length) {
          this.replyError(requestId, `Invalid request: ${method} needs 'params' as a non-empty list of stream names`);
          return;
        }
        const bad = names.find((n) => !isStreamName(n));
        if (bad !== undefined) {
          this.replyError(requestId, `Invalid request: invalid stream name '${bad}'`);
          return;
        }
        if (method === 'SUBSCRIBE') {
          const added = new Set(names.filter((n) => !this.subscriptions.includes(n))).size;
          if (this.subscriptions.length + added > MAX_STREAMS_PER_CONNECTION) {
            this.replyError(requestId, `Invalid request: a connection carries at most ${MAX_STREAMS_PER_CONNECTION} streams (${this.subscriptions.length} open, ${added} more asked)`);
            return;
          }
          for (const name of names) this.subscribe(name);
        } else {
          for (const name of names) this.unsubscribe(name);
        }
        this.accept(method, list, requestId, null);
        return;
      }
      case 'LIST_SUBSCRIPTIONS':
        this.accept(method, list, requestId, [...this.subscriptions]);
        return;
      case 'SET_PROPERTY':
        if (list.length !== 2 || list[0] !== 'combined' || typeof list[1] !== 'boolean') {
          this.replyError(requestId, "Invalid request: SET_PROPERTY takes ['combined', true|false]");
          return;
        }
        this.combined = list[1];
        this.accept(method, list, requestId, null);
        return;
      case 'GET_PROPERTY':
        if (list.length !== 1 || list[0] !== 'combined') {
          this.replyError(requestId, "Invalid request: GET_PROPERTY takes ['combined']");
          return;
        }
        this.accept(method, list, requestId, this.combined);
        return;
      default:
        this.replyError(requestId, `Invalid request: unknown method ${JSON.stringify(method) ?? 'undefined'}`);
    }
  }

  private accept(method: ControlMethod, params: unknown[], id: ControlId, result: unknown): void {
    this.host.onControlRequest({ connectionId: this.id, method, params, id });
    this.sendControl({ result, id });
  }

  private replyError(id: ControlId, msg: string): void {
    this.sendControl({ code: 2, msg, id });
  }

  private sendControl(reply: object): void {
    if (!this.closed) this.ws.send(JSON.stringify(reply));
  }

  private subscribe(name: string): void {
    if (this.subscriptions.includes(name)) return;
    this.subscriptions.push(name);
    const canonical = canonicalOf(name);
    // On the wrong routed path the subscription is kept (and listed) but never wired to data.
    if (canonical !== undefined && routeOfStream(name) === this.route) this.host.hub.add(canonical, this, name);
  }

  private unsubscribe(name: string): void {
    const index = this.subscriptions.indexOf(name);
    if (index < 0) return;
    this.subscriptions.splice(index, 1);
    const canonical = canonicalOf(name);
    if (canonical !== undefined) this.host.hub.remove(canonical, this, name);
  }

  private sendPing(): void {
    if (this.closed || this.stalled()) return;
    this.ws.ping();
    if (this.awaitingPongSince !== undefined) return;
    this.awaitingPongSince = performance.now();
    this.pongTimer = setTimeout(() => this.onPongOverdue(), this.host.timing.pongTimeoutMs);
  }

  private onPong(): void {
    this.awaitingPongSince = undefined;
    if (this.pongTimer !== undefined) clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private onPongOverdue(): void {
    this.pongTimer = undefined;
    if (this.closed || this.awaitingPongSince === undefined) return;
    // A stalled server is not watching either; it starts counting again when it wakes.
    if (this.stalled()) {
      this.awaitingPongSince = undefined;
      return;
    }
    this.ws.terminate();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.host.hub.removeSubscriber(this);
    this.host.onClosed(this);
    this.resolveEnded();
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    clearTimeout(this.ageTimer);
    if (this.pongTimer !== undefined) clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }
}

function canonicalOf(name: string): string | undefined {
  const parsed = parseStream(name);
  return parsed === undefined ? undefined : canonicalStream(parsed);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
