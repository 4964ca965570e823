import WebSocket from 'ws';
import type { StreamRoute } from '../protocol/streams';
import type { Clock, TimerHandle } from './clock';
import { TimerSet } from './clock';
import { errorFromException, errorFromStatus, FeedError, formatBytes } from './feedError';

export interface StreamConnectionOptions {
  /** Base URL, e.g. wss://fstream.binance.com (the route path is appended). */
  baseUrl: string;
  route: StreamRoute;
  streams: readonly string[];
  clock: Clock;
  /** No message for this long → `onStale`. */
  staleAfterMs: number;
  connectTimeoutMs?: number;
  /** How long an acknowledged stream may stay silent before `onSilent` (0 = never). */
  silentAfterMs?: number;
  onFrame(text: string, receiveMs: number): void;
  onOpen(): void;
  onClose(info: { code: number; reason: string; error: FeedError | undefined; wasOpen: boolean }): void;
  onStale(silentForMs: number): void;
  onSilent?(streams: string[]): void;
}

let nextConnectionId = 1;

/**
 * Largest frame accepted. Binance's biggest market-data frames (a busy 100 ms diff, a 20-level
 * partial book) are tens of KB; a frame 25 times that is not market data, and without a limit the
 * `ws` library would buffer up to 100 MB of it.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Control messages leave at most this often: Binance allows 10 incoming messages a second per connection. */
const CONTROL_SPACING_MS = 110;
const CONTROL_REPLY_TIMEOUT_MS = 10_000;

interface PendingControl {
  readonly id: number;
  readonly payload: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer?: TimerHandle;
}

/**
 * One combined-stream WebSocket (`<base>/<route>/stream?streams=…`). Frames go to `onFrame` untouched
 * (the engine decodes them); control replies (`{"result":…,"id":N}`) are matched to the request that
 * sent them. It answers server pings (the `ws` library does so automatically), watches for silence,
 * paces its own control messages, and owns every timer it starts.
 */
export class StreamConnection {
  readonly id = nextConnectionId++;
  readonly route: StreamRoute;
  private socket: WebSocket | undefined;
  private readonly timers: TimerSet;
  private readonly current = new Set<string>();
  private readonly pending = new Map<number, PendingControl>();
  private readonly queue: PendingControl[] = [];
  private nextControlId = 1;
  private lastControlSentAt = 0;
  private pumpTimer: TimerHandle | undefined;
  private opened = false;
  private closed = false;
  /** Per stream: when it was acknowledged and whether anything arrived since. */
  private readonly awaitingData = new Map<string, number>();
  openedAt = 0;
  lastMessageAt = 0;
  messagesReceived = 0;
  bytesReceived = 0;

  constructor(private readonly options: StreamConnectionOptions) {
    this.route = options.route;
    this.timers = new TimerSet(options.clock);
    for (const s of options.streams) this.current.add(s);
  }

  get url(): string {
    return `${trimSlash(this.options.baseUrl)}/${this.route}/stream?streams=${[...this.current].join('/')}`;
  }

  get streams(): string[] {
    return [...this.current];
  }

  get isOpen(): boolean {
    return this.opened && !this.closed;
  }

  open(): void {
    if (this.socket || this.closed) return;
    const url = this.url;
    const endpoint = `${trimSlash(this.options.baseUrl)}/${this.route}/stream`;
    const socket = new WebSocket(url, { handshakeTimeout: this.options.connectTimeoutMs ?? 10_000, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });
    this.socket = socket;
    let failure: FeedError | undefined;

    socket.on('unexpected-response', (_request, response) => {
      failure = errorFromStatus(response.statusCode ?? 0, endpoint, headerValue(response.headers['retry-after']), undefined, this.options.clock.now());
      response.resume();
      socket.terminate();
    });
    socket.on('error', (err) => {
      if ((err as { code?: unknown }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        failure ??= new FeedError('bad-response', `${endpoint} sent a frame larger than ${formatBytes(MAX_FRAME_BYTES)} (Binance's largest are tens of KB); FlowSight closed the connection.`, true);
        return;
      }
      failure ??= errorFromException(err, endpoint);
    });
    socket.on('open', () => {
      this.opened = true;
      this.openedAt = this.options.clock.now();
      this.lastMessageAt = this.openedAt;
      // Streams named in the URL are subscribed from the start: watch them for silence too.
      for (const s of this.current) this.awaitingData.set(s, this.openedAt);
      this.armWatchdog();
      this.options.onOpen();
      this.pump();
    });
    socket.on('message', (data, isBinary) => {
      const receiveMs = this.options.clock.now();
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      this.lastMessageAt = receiveMs;
      this.messagesReceived++;
      this.bytesReceived += text.length;
      if (text.startsWith('{"result"') || text.startsWith('{"code"') || text.startsWith('{"id"')) {
        if (this.handleControlReply(text)) return;
      }
      if (this.awaitingData.size > 0) this.noteData(text);
      this.options.onFrame(text, receiveMs);
    });
    socket.on('close', (code, reasonBuffer) => {
      const wasOpen = this.opened;
      this.shutdown(new FeedError('closed', 'connection closed', true));
      const reason = failure?.kind === 'bad-response' && wasOpen ? failure.message : reasonBuffer.toString() || describeClose(code);
      this.options.onClose({ code, reason, error: failure ?? (wasOpen ? undefined : new FeedError('network', `could not connect to ${endpoint}`, true)), wasOpen });
    });
  }

  /** Adds streams on the open socket (SUBSCRIBE), resolving on the exchange's acknowledgement. */
  async subscribe(streams: readonly string[]): Promise<void> {
    const fresh = streams.filter((s) => !this.current.has(s));
    if (fresh.length === 0) return;
    await this.control('SUBSCRIBE', fresh);
    const now = this.options.clock.now();
    for (const s of fresh) {
      this.current.add(s);
      this.awaitingData.set(s, now);
    }
  }

  async unsubscribe(streams: readonly string[]): Promise<void> {
    const held = streams.filter((s) => this.current.has(s));
    if (held.length === 0) return;
    await this.control('UNSUBSCRIBE', held);
    for (const s of held) {
      this.current.delete(s);
      this.awaitingData.delete(s);
    }
  }

  async listSubscriptions(): Promise<string[]> {
    const result = await this.control('LIST_SUBSCRIPTIONS', undefined);
    return Array.isArray(result) ? result.map(String) : [];
  }

  /** Closes the socket at once (no close handshake wait) and clears every timer. */
  close(): void {
    if (this.closed) return;
    const socket = this.socket;
    this.shutdown(new FeedError('closed', 'connection closed by FlowSight', false));
    if (socket) {
      socket.removeAllListeners('message');
      socket.terminate();
    }
  }

  private shutdown(error: FeedError): void {
    this.closed = true;
    this.timers.dispose();
    for (const p of [...this.pending.values(), ...this.queue]) p.reject(error);
    this.pending.clear();
    this.queue.length = 0;
    this.awaitingData.clear();
  }

  private control(method: 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS', params: readonly string[] | undefined): Promise<unknown> {
    if (this.closed) return Promise.reject(new FeedError('closed', 'connection is closed', true));
    return new Promise((resolve, reject) => {
      const id = this.nextControlId++;
      const payload = JSON.stringify(params === undefined ? { method, id } : { method, params, id });
      this.queue.push({ id, payload, resolve, reject });
      this.pump();
    });
  }

  /** Sends queued control messages no faster than Binance's limit allows. */
  private pump(): void {
    if (!this.isOpen || this.pumpTimer !== undefined || this.queue.length === 0) return;
    const now = this.options.clock.now();
    const wait = this.lastControlSentAt + CONTROL_SPACING_MS - now;
    if (wait > 0) {
      this.pumpTimer = this.timers.after(wait, () => {
        this.pumpTimer = undefined;
        this.pump();
      });
      return;
    }
    const next = this.queue.shift()!;
    this.lastControlSentAt = now;
    next.timer = this.timers.after(CONTROL_REPLY_TIMEOUT_MS, () => {
      this.pending.delete(next.id);
      next.reject(new FeedError('timeout', `the exchange did not answer control request ${next.id} within ${CONTROL_REPLY_TIMEOUT_MS / 1000} s`, true));
    });
    this.pending.set(next.id, next);
    this.socket!.send(next.payload);
    if (this.queue.length > 0) this.pump();
  }

  private handleControlReply(text: string): boolean {
    let reply: { result?: unknown; id?: unknown; code?: unknown; msg?: unknown };
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      return false;
    }
    if (typeof reply !== 'object' || reply === null || !('id' in reply)) return false;
    const pending = typeof reply.id === 'number' ? this.pending.get(reply.id) : undefined;
    if (!pending) return typeof reply.code === 'number' ? false : 'result' in reply;
    this.pending.delete(pending.id);
    this.timers.cancel(pending.timer);
    if (typeof reply.code === 'number') pending.reject(new FeedError('bad-response', `the exchange refused the request: ${String(reply.msg)} (code ${reply.code})`, false));
    else pending.resolve(reply.result);
    return true;
  }

  private noteData(text: string): void {
    // Cheap stream-name read: combined frames start with {"stream":"<name>".
    if (!text.startsWith('{"stream":"')) return;
    const end = text.indexOf('"', 11);
    if (end > 11) this.awaitingData.delete(text.slice(11, end));
  }

  private armWatchdog(): void {
    const staleAfter = this.options.staleAfterMs;
    const tick = Math.max(50, Math.min(1000, staleAfter / 4));
    this.timers.after(tick, () => {
      if (this.closed) return;
      const now = this.options.clock.now();
      const silentFor = now - this.lastMessageAt;
      if (silentFor >= staleAfter) {
        this.options.onStale(silentFor);
        return;
      }
      const silentAfter = this.options.silentAfterMs ?? 0;
      if (silentAfter > 0 && this.awaitingData.size > 0) {
        const silent = [...this.awaitingData].filter(([, since]) => now - since >= silentAfter).map(([s]) => s);
        if (silent.length > 0) {
          for (const s of silent) this.awaitingData.delete(s);
          this.options.onSilent?.(silent);
        }
      }
      this.armWatchdog();
    });
  }
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describeClose(code: number): string {
  switch (code) {
    case 1000:
      return 'closed normally';
    case 1001:
      return 'the server is going away';
    case 1006:
      return 'connection dropped without a close frame';
    case 1008:
      return 'policy violation (too many messages?)';
    case 1011:
      return 'server error';
    default:
      return `close code ${code}`;
  }
}
