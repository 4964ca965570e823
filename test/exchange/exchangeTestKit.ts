import { WebSocket, type ClientOptions } from 'ws';
import { LocalExchange, type LocalExchangeOptions } from '../../src/engine/exchange/localExchange';

/** A fixed wall clock: with it two exchanges write identical E/T fields and the weight minute never rolls. */
export const FIXED_CLOCK = { now: (): number => 1_767_225_600_000 };

/** A real WebSocket client that records what it receives. */
export class TestClient {
  readonly messages: string[] = [];
  pings = 0;
  closeCode: number | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly ws: WebSocket,
    readonly url: string,
  ) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code) => {
        this.closeCode = code;
        this.notify();
        resolve(code);
      });
    });
    ws.on('message', (data) => {
      this.messages.push(data.toString());
      this.notify();
    });
    ws.on('ping', () => {
      this.pings++;
      this.notify();
    });
    ws.on('error', () => undefined);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Parsed messages (those that parse). */
  json(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const text of this.messages) {
      try {
        out.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // Garbage frames are counted by the tests that expect them.
      }
    }
    return out;
  }

  /** Data payloads of one stream, from combined envelopes. */
  streamData(stream: string): Array<Record<string, unknown>> {
    return this.json()
      .filter((m) => m.stream === stream)
      .map((m) => m.data as Record<string, unknown>);
  }

  /** Resolves when `check` holds, re-checked on every message, ping and close. */
  async until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(poll);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${this.url} (${this.messages.length} messages)`));
      }, timeoutMs);
      const poll = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(poll);
        resolve();
      };
      this.waiters.add(poll);
    });
  }

  close(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return this.closed;
    this.ws.close();
    return this.closed;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

export async function connect(url: string, options?: ClientOptions): Promise<TestClient> {
  const client = new TestClient(new WebSocket(url, options), url);
  await client.opened;
  return client;
}

/** Tracks exchanges and clients a test opens so `afterEach` can close them all. */
export class Fixture {
  private readonly exchanges: LocalExchange[] = [];
  private readonly clients: TestClient[] = [];

  async exchange(options: LocalExchangeOptions = {}): Promise<LocalExchange> {
    const exchange = await LocalExchange.start(options);
    this.exchanges.push(exchange);
    return exchange;
  }

  async client(url: string, options?: ClientOptions): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url, options), url);
    this.clients.push(client);
    await client.opened;
    return client;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients.splice(0)) client.ws.terminate();
    await Promise.all(this.exchanges.splice(0).map((e) => e.stop()));
  }
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  elapsedMs: number;
}

export async function getJson(url: string): Promise<JsonResponse> {
  const started = Date.now();
  // A fresh connection each time: no keep-alive socket outlives the exchange under test.
  const res = await fetch(url, { headers: { connection: 'close' } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as unknown, elapsedMs: Date.now() - started };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
