import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { LocalExchange } from '../src/engine/exchange/localExchange';
import { MarketFeed } from '../src/engine/live/marketFeed';

/**
 * `npm run soak` (not in CI): the local exchange replays the shared recording at 50× as a live market
 * and a MarketFeed follows it over loopback, for 10 minutes by default (FLOWSIGHT_SOAK_MINUTES). Every
 * 30 s it forces a GC and samples the heap and the handles; at the end it reports heap growth (target
 * under 10 MB) and whether the handles stayed flat.
 */
const DEFAULT_RECORDING = path.resolve(__dirname, '../../../shared/data/binance-usdm-btcusdt-2024-08-08.txt.gz');

function handleCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r !== 'Timeout').length;
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_RECORDING;
  if (!fs.existsSync(file)) throw new Error(`recording not found: ${file}`);
  const minutes = Number(process.env.FLOWSIGHT_SOAK_MINUTES ?? 10);
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const exchange = await LocalExchange.start({ market: { kind: 'replay', file, speed: 50, loop: true } as never });
  const feed = new MarketFeed({ symbol: 'BTCUSDT', streamUrl: exchange.wsUrl, restUrl: exchange.restUrl });
  await feed.start();
  const samples: Array<{ at: number; heapMb: number; handles: number; state: string; messages: number }> = [];
  const started = Date.now();
  const end = started + minutes * 60_000;
  process.stdout.write(`soak: ${minutes} min of ${path.basename(file)} replayed at 50× through the local exchange\n`);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, end - Date.now())));
    gc();
    const h = feed.health();
    const sample = { at: Math.round((Date.now() - started) / 1000), heapMb: process.memoryUsage().heapUsed / 1e6, handles: handleCount(), state: h.state, messages: h.metrics.counters.messages };
    samples.push(sample);
    process.stdout.write(`  ${String(sample.at).padStart(4)} s  heap ${sample.heapMb.toFixed(1)} MB  handles ${sample.handles}  ${sample.state}  resyncs ${h.counters.resyncs} gaps ${h.counters.gaps}\n`);
  }
  await feed.stop();
  await exchange.stop();
  const first = samples[Math.min(1, samples.length - 1)];
  const last = samples[samples.length - 1];
  const growth = last.heapMb - first.heapMb;
  const handlesFlat = samples.slice(1).every((s) => s.handles === first.handles);
  process.stdout.write(`\nheap growth after the first sample: ${growth.toFixed(2)} MB (target < 10 MB: ${growth < 10 ? 'met' : 'NOT met'}); handles ${handlesFlat ? 'flat' : 'NOT flat'} (${samples.map((s) => s.handles).join(', ')})\n`);
  process.exitCode = growth < 10 && handlesFlat ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
