import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A REST proxy on 127.0.0.1 in front of the local exchange that can rewrite JSON answers, so a test can
 * play an exchange whose exchangeInfo or depth snapshots say something else than its streams.
 * `rewrite` sees each answer's path, parsed body and how many requests that path has had (from 1).
 */
export class RestProxy {
  readonly requests = new Map<string, number>();
  rewrite: (path: string, body: unknown, nth: number) => unknown = (_path, body) => body;
  private readonly server: http.Server;

  private constructor(private readonly target: string) {
    this.server = http.createServer((req, res) => {
      void this.forward(req, res);
    });
  }

  static async start(target: string): Promise<RestProxy> {
    const proxy = new RestProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.target);
    const nth = (this.requests.get(url.pathname) ?? 0) + 1;
    this.requests.set(url.pathname, nth);
    try {
      const answer = await fetch(url);
      const text = await answer.text();
      let body = text;
      if (answer.ok) body = JSON.stringify(this.rewrite(url.pathname, JSON.parse(text), nth));
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(body);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -1, msg: String(err) }));
    }
  }
}

/** exchangeInfo with `symbol`'s PRICE_FILTER tick size replaced. */
export function withTickSize(body: unknown, symbol: string, tickSize: string): unknown {
  const info = body as { symbols: Array<{ symbol: string; filters: Array<{ filterType: string; tickSize?: string }> }> };
  for (const s of info.symbols) {
    if (s.symbol !== symbol) continue;
    for (const f of s.filters) if (f.filterType === 'PRICE_FILTER') f.tickSize = tickSize;
  }
  return info;
}
