import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** What to do with a WebSocket upgrade request. */
export type UpgradeDecision = { kind: 'reject'; status: number; body: object; headers?: Record<string, string> } | { kind: 'accept'; onOpen(ws: WebSocket): void };

export interface ExchangeServerOptions {
  host: string;
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade(req: IncomingMessage): UpgradeDecision;
}

/**
 * HTTP and WebSocket on one port, as `fapi` and `fstream` would be behind one local address. It can
 * stop and listen again (an exchange restart); each listening period has its own servers, because a
 * closed WebSocketServer refuses further upgrades.
 */
export class ExchangeServer {
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly rejecting = new Set<Duplex>();
  private boundPort = 0;

  constructor(private readonly options: ExchangeServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.http !== undefined;
  }

  async listen(port: number): Promise<number> {
    if (this.http !== undefined) throw new Error('the exchange server is already listening');
    // Binance does not compress market streams; autoPong is off so a stalled connection can ignore pings.
    const wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false, maxPayload: 64 * 1024 });
    const http = createServer((req, res) => this.options.onRequest(req, res));
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(wss, req, socket, head));
    http.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, this.options.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : port;
    this.http = http;
    this.wss = wss;
    return this.boundPort;
  }

  /** Stops listening and cuts every connection, WebSocket and HTTP alike. */
  async close(): Promise<void> {
    const http = this.http;
    const wss = this.wss;
    this.http = undefined;
    this.wss = undefined;
    if (wss !== undefined) {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    }
    for (const socket of this.rejecting) socket.destroy();
    this.rejecting.clear();
    if (http === undefined) return;
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  }

  private upgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const decision = this.options.onUpgrade(req);
    if (decision.kind === 'accept') {
      wss.handleUpgrade(req, socket, head, (ws) => decision.onOpen(ws));
      return;
    }
    const text = JSON.stringify(decision.body);
    this.rejecting.add(socket);
    socket.once('close', () => this.rejecting.delete(socket));
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${decision.status} ${STATUS_CODES[decision.status] ?? 'Error'}\r\n` +
        'Connection: close\r\nContent-Type: application/json;charset=UTF-8\r\n' +
        Object.entries(decision.headers ?? {})
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  }
}
