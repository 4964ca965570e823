import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { LocalExchange } from '../../src/engine/exchange/localExchange';
import { MarketRecorder } from '../../src/engine/replay/marketRecorder';
import { ReceiveClock } from '../../src/engine/replay/receiveClock';
import { RecordingReader } from '../../src/engine/replay/recordingReader';
import { runReplay } from '../../src/engine/replay/replaySession';
import { waitFor } from '../support/waitFor';

/** A REST pass-through in front of the exchange that keeps every depth body exactly as it was sent. */
async function depthBodyTap(upstream: string): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    void fetch(`${upstream}${req.url ?? '/'}`).then(async (answer) => {
      const text = await answer.text();
      if ((req.url ?? '').startsWith('/fapi/v1/depth') && answer.ok) bodies.push(text);
      const headers: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
      const weight = answer.headers.get('x-mbx-used-weight-1m');
      if (weight !== null) headers['x-mbx-used-weight-1m'] = weight;
      res.writeHead(answer.status, headers).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("record writes hftbacktest's raw Binance-futures format (local exchange over loopback)", function () {
  this.timeout(60_000);

  it('two symbols, rotated at midnight UTC: 19-digit ns stamps strictly increasing, frames and snapshot bodies exactly as sent, each file self-contained', async () => {
    const exchange = await LocalExchange.start({ seed: 21, stepMs: 20 });
    const tap = await depthBodyTap(exchange.restUrl);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-record-format-'));
    const streams = ['btcusdt', 'ethusdt'].flatMap((s) => [`${s}@depth@100ms`, `${s}@bookTicker`, `${s}@trade`]);
    // An independent client on the same streams sees what the exchange sent, to compare the recording with.
    const sent = new Set<string>();
    const witness = new WebSocket(`${exchange.wsUrl}/public/stream?streams=${streams.join('/')}`);
    witness.on('message', (data) => sent.add(data.toString()));
    let recorder: MarketRecorder | undefined;
    try {
      await waitFor('the witness to receive frames', () => sent.size > 0);
      const midnight = Date.UTC(2026, 0, 1);
      const midnightNs = BigInt(midnight) * 1_000_000n;
      recorder = new MarketRecorder({
        symbols: ['BTCUSDT', 'ETHUSDT'],
        output: { dir, rotateDaily: true },
        feed: { streamUrl: exchange.wsUrl, restUrl: tap.url },
        // 1.5 s before midnight UTC: the files roll over while the test watches.
        clock: new ReceiveClock(midnight - 1500),
      });
      await recorder.opened();
      await Promise.all(recorder.feeds.map((f) => f.start()));
      await waitFor('both symbols on their second day, with its opening snapshot', () => recorder!.files.length === 4 && tap.bodies.length >= 4);
      await new Promise((r) => setTimeout(r, 300));
      await recorder.close();
      const rec = recorder;
      recorder = undefined;

      assert.deepEqual(fs.readdirSync(dir).sort(), ['btcusdt_20251231.gz', 'btcusdt_20260101.gz', 'ethusdt_20251231.gz', 'ethusdt_20260101.gz']);
      assert.ok(rec.framesWritten > 50, `${rec.framesWritten} frames recorded`);
      const bodies = new Set(tap.bodies);
      for (const symbol of ['btcusdt', 'ethusdt']) {
        let previous = -1n;
        for (const [day, name] of [
          [0, `${symbol}_20251231.gz`],
          [1, `${symbol}_20260101.gz`],
        ] as const) {
          const file = path.join(dir, name);
          const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
          assert.equal(lines.pop(), '', `${name} ends with a newline`);
          let snapshots = 0;
          const kinds = new Set<string>();
          for (const line of lines) {
            // The converter reads int(line[:19]) and json.loads(line[20:]).
            assert.match(line, /^\d{19} \{/, `${name}: ${line.slice(0, 40)}`);
            const ns = BigInt(line.slice(0, 19));
            assert.ok(ns > previous, `${name}: stamps strictly increase (${previous} then ${ns})`);
            previous = ns;
            assert.ok(day === 0 ? ns < midnightNs : ns >= midnightNs, `${name}: ${ns} is on the file's UTC day`);
            const text = line.slice(20);
            const message = JSON.parse(text) as { stream?: string; data?: { e: string; X?: string; s: string }; T?: number; bids?: unknown[]; asks?: unknown[] };
            if (message.data !== undefined) {
              assert.ok(sent.has(text), `${name}: the envelope is exactly as the exchange sent it: ${text.slice(0, 80)}`);
              assert.equal(message.data.s, symbol.toUpperCase());
              kinds.add(message.stream!);
              if (message.data.e === 'trade') assert.equal(message.data.X, 'MARKET');
            } else {
              assert.ok(bodies.has(text), `${name}: the snapshot body is exactly as REST sent it: ${text.slice(0, 80)}`);
              assert.equal(typeof message.T, 'number');
              assert.ok(Array.isArray(message.bids) && Array.isArray(message.asks));
              snapshots++;
            }
          }
          assert.ok(snapshots >= 1, `${name} holds a snapshot`);
          assert.ok(kinds.has(`${symbol}@depth@100ms`) && kinds.has(`${symbol}@trade`), `${name} has depth diffs and trades: ${[...kinds].join(', ')}`);

          // Self-contained: each file on its own rebuilds a live book.
          const reader = await RecordingReader.open(file);
          let status = '';
          const summary = await runReplay({
            reader,
            symbol: symbol.toUpperCase(),
            tickSize: exchange.tickSize(symbol.toUpperCase()),
            depthMode: 'full',
            speed: 'max',
            levels: 1,
            intervalMs: 1000,
            onBook: (book) => (status = book.status),
          });
          assert.equal(reader.report.endedEarly, undefined, `${name} is a complete gzip stream`);
          assert.equal(reader.report.damaged, 0);
          assert.equal(summary.malformed, 0);
          assert.ok(summary.snapshotsApplied >= 1, `${name}: a snapshot bridged its diffs`);
          assert.equal(status, 'live', `${name} replays to a live book`);
        }
      }
    } finally {
      await recorder?.close().catch(() => undefined);
      witness.close();
      await tap.close();
      await exchange.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
