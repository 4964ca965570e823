import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { RecordingReader, type RecordedFrame } from '../src/engine/replay/recordingReader';
import { MarketEngine } from '../src/engine/marketEngine';
import { runCcxt } from './lib/ccxtBaseline';

/**
 * `npm run bench`: the engine against JSON.parse alone and against ccxt's OrderBook on the shared
 * recording, each over three whole passes after one warm-up pass, plus per-message processing percentiles and the heap
 * across ten passes. Targets come from issue 2.
 */
const DEFAULT_RECORDING = path.resolve(__dirname, '../../test/fixtures/binance-usdm-btcusdt-2024-08-08.txt.gz');
const PASSES = 3;
const HEAP_PASSES = 10;

function gcFunction(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** One untimed pass first, so every contender is measured with its code already compiled. */
function timePasses(label: string, lineCount: number, pass: () => void): { label: string; messagesPerSecond: number; ms: number } {
  pass();
  const started = performance.now();
  for (let p = 0; p < PASSES; p++) pass();
  const ms = performance.now() - started;
  return { label, messagesPerSecond: Math.round((lineCount * PASSES) / (ms / 1000)), ms };
}

/** The whole recording in memory: the bench times the engine, not the reading. */
async function readAll(file: string): Promise<RecordedFrame[]> {
  const reader = await RecordingReader.open(file);
  const frames: RecordedFrame[] = [];
  for (let batch = await reader.read(); batch.length > 0; batch = await reader.read()) frames.push(...batch);
  return frames;
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? process.env.FLOWSIGHT_RECORDING ?? DEFAULT_RECORDING;
  if (!fs.existsSync(file)) {
    process.stderr.write(`recording not found: ${file}\npass its path: npm run bench -- <recording.txt.gz>\n`);
    process.exitCode = 2;
    return;
  }
  const frames = await readAll(file);
  const lines = frames.map((f) => f.text);
  const bytes = lines.reduce((n, l) => n + l.length, 0);
  const gc = gcFunction();
  process.stdout.write(`recording: ${path.basename(file)} — ${lines.length.toLocaleString('en-US')} messages, ${(bytes / 1e6).toFixed(1)} MB; ${PASSES} passes each; node ${process.version}\n\n`);

  gc();
  const jsonParse = timePasses('JSON.parse alone', lines.length, () => {
    for (let i = 0; i < lines.length; i++) JSON.parse(lines[i]);
  });
  gc();
  let lastEngine: MarketEngine | undefined;
  const engine = timePasses('FlowSight engine (decode + book + metrics + bus)', lines.length, () => {
    const e = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full' });
    for (let i = 0; i < frames.length; i++) e.ingest(frames[i].text, frames[i].localMs);
    lastEngine = e;
  });
  gc();
  let ccxtBest = '';
  const ccxt = timePasses('JSON.parse + ccxt OrderBook (4.5.84)', lines.length, () => {
    const run = runCcxt(lines);
    ccxtBest = `${run.book.bids[0]?.join(' × ')} / ${run.book.asks[0]?.join(' × ')}`;
  });

  const final = lastEngine!.bookLine(1);
  // Percentiles from a pass that times every single message (the throughput passes sample 1 in 8).
  const timedEngine = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full', timingSampleInterval: 1 });
  for (let i = 0; i < frames.length; i++) timedEngine.ingest(frames[i].text, frames[i].localMs);
  const processing = timedEngine.metrics.snapshot().processingMicros;

  gc();
  const heap: number[] = [];
  for (let p = 0; p < HEAP_PASSES; p++) {
    const e = new MarketEngine({ symbol: 'BTCUSDT', tickSize: 0.1, depthMode: 'full' });
    for (let i = 0; i < frames.length; i++) e.ingest(frames[i].text, frames[i].localMs);
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
  const heapGrowthMb = (heap[heap.length - 1] - heap[1]) / 1e6;

  const rows: Array<[string, string, string]> = [
    [jsonParse.label, fmt(jsonParse.messagesPerSecond), '1.00×'],
    [engine.label, fmt(engine.messagesPerSecond), `${(engine.messagesPerSecond / jsonParse.messagesPerSecond).toFixed(2)}×`],
    [ccxt.label, fmt(ccxt.messagesPerSecond), `${(ccxt.messagesPerSecond / jsonParse.messagesPerSecond).toFixed(2)}×`],
  ];
  process.stdout.write('| run | messages/s | vs JSON.parse |\n|---|---:|---:|\n');
  for (const [a, b, c] of rows) process.stdout.write(`| ${a} | ${b} | ${c} |\n`);
  process.stdout.write('\n');
  const vsJson = engine.messagesPerSecond / jsonParse.messagesPerSecond;
  const vsCcxt = engine.messagesPerSecond / ccxt.messagesPerSecond;
  const heapFlat = Math.abs(heapGrowthMb) < 2;
  const checks: Array<[string, string, boolean]> = [
    ['engine ≥ 1.0× JSON.parse alone', `${vsJson.toFixed(2)}×`, vsJson >= 1],
    ['engine ≥ 8× ccxt', `${vsCcxt.toFixed(1)}×`, vsCcxt >= 8],
    ['p99 processing per message ≤ 50 µs', `p50 ${processing.p50.toFixed(2)} µs, p95 ${processing.p95.toFixed(2)} µs, p99 ${processing.p99.toFixed(2)} µs, max ${processing.max.toFixed(0)} µs`, processing.p99 <= 50],
    [`heap flat across ${HEAP_PASSES} passes`, `${heap.map((h) => (h / 1e6).toFixed(1)).join(', ')} MB; growth after pass 2: ${heapGrowthMb.toFixed(2)} MB`, heapFlat],
  ];
  process.stdout.write('| target | measured | met |\n|---|---|---|\n');
  for (const [a, b, ok] of checks) process.stdout.write(`| ${a} | ${b} | ${ok ? 'yes' : 'NO'} |\n`);
  process.stdout.write(`\nfinal book: engine ${final.bids[0]?.join(' × ')} / ${final.asks[0]?.join(' × ')} (update ${final.lastUpdateId}); ccxt ${ccxtBest}\n`);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

void main();
