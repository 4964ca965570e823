import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { LocalExchange } from '../src/engine/exchange/localExchange';
import { MarketFeed } from '../src/engine/live/marketFeed';

/**
 * `npm run soak` (not in CI): the local exchange replays the shared recording at 50× as a live market
 * and a MarketFeed follows it over loopback — pass after pass (a recording cannot loop: update ids
 * never go back) for 10 minutes by default (FLOWSIGHT_SOAK_MINUTES). After every pass it forces a GC
 * and samples heap and handles; at the end it reports heap growth (target under 10 MB) and whether
 * handles stayed flat, and checks each pass ended on the recording's final book.
 */
const DEFAULT_RECORDING = path.resolve(__dirname, '../../test/fixtures/binance-usdm-btcusdt-2024-08-08.txt.gz');

function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
}

/** Every pass serves on the same port, as a real exchange keeps its address across reconnects. */
let port = 0;

async function onePass(file: string): Promise<{ messages: number; lastUpdateId: number; gaps: number; bestBid: number; bestAsk: number }> {
  const exchange = await LocalExchange.start({ port, market: { kind: 'replay', file, speed: 50 } });
  port = exchange.port;
  const feed = new MarketFeed({ symbol: 'BTCUSDT', streamUrl: exchange.wsUrl, restUrl: exchange.restUrl });
  await feed.start();
  let last = -1;
  let quietSince = Date.now();
  // The pass is over when no message has arrived for 1.5 s after data started flowing.
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const messages = feed.health().metrics.counters.messages;
    if (messages !== last) {
      last = messages;
      quietSince = Date.now();
    } else if (messages > 0 && Date.now() - quietSince > 1500) break;
    else if (messages === 0 && Date.now() - quietSince > 30_000) throw new Error('no data from the replay');
  }
  const h = feed.health();
  await feed.stop();
  await exchange.stop();
  return { messages: last, lastUpdateId: h.book.lastUpdateId, gaps: h.counters.gaps, bestBid: h.book.bestBid, bestAsk: h.book.bestAsk };
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_RECORDING;
  if (!fs.existsSync(file)) throw new Error(`recording not found: ${file}`);
  const minutes = Number(process.env.FLOWSIGHT_SOAK_MINUTES ?? 10);
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const samples: Array<{ pass: number; heapMb: number; handles: number }> = [];
  const started = Date.now();
  process.stdout.write(`soak: ${minutes} min of ${path.basename(file)} replayed at 50× through the local exchange into a MarketFeed\n`);
  let pass = 0;
  let wrong = 0;
  let totalMessages = 0;
  while (Date.now() - started < minutes * 60_000) {
    pass++;
    const r = await onePass(file);
    totalMessages += r.messages;
    if (r.lastUpdateId !== 5123135475514 || r.bestBid !== 61659.7 || r.bestAsk !== 61659.8) wrong++;
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    const sample = { pass, heapMb: process.memoryUsage().heapUsed / 1e6, handles: handles() };
    samples.push(sample);
    process.stdout.write(
      `  pass ${String(pass).padStart(3)}  ${Math.round((Date.now() - started) / 1000)} s  ${r.messages} messages  final ${r.bestBid} / ${r.bestAsk} @ ${r.lastUpdateId}  gaps ${r.gaps}  heap ${sample.heapMb.toFixed(1)} MB  handles ${sample.handles}\n`,
    );
  }
  const first = samples[Math.min(1, samples.length - 1)];
  const lastSample = samples[samples.length - 1];
  const growth = lastSample.heapMb - first.heapMb;
  const flat = samples.slice(1).every((s) => s.handles === first.handles);
  process.stdout.write(
    `\n${pass} passes, ${totalMessages.toLocaleString('en-US')} messages in ${Math.round((Date.now() - started) / 1000)} s; passes not ending on the reference book: ${wrong}\n` +
      `heap growth from pass 2 to the end: ${growth.toFixed(2)} MB (target < 10 MB: ${growth < 10 ? 'met' : 'NOT met'}); handles ${flat ? 'flat' : 'NOT flat'} (${samples.map((s) => s.handles).join(', ')})\n`,
  );
  process.exitCode = growth < 10 && flat && wrong === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
