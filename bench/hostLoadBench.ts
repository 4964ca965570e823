import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FeedWorkerHost } from '../src/engine/worker/feedWorkerHost';
import type { BookSnapshotMessage } from '../src/shared/panelProtocol';

/**
 * The extension host's main thread while the feed worker replays the shared recording at its real
 * rate and at 10×: event-loop utilization (perf_hooks) of this thread, which does exactly what the
 * extension does with each frame (take it from the ring, hand it on) and each status.
 * Targets from issue 4: under 2 % at 1× and under 10 % at 10×.
 */
const DEFAULT_RECORDING = path.resolve(__dirname, '../../test/fixtures/binance-usdm-btcusdt-2024-08-08.txt.gz');
const WORKER = path.resolve(__dirname, '../../dist/feedWorker.js');
const WARMUP_MS = 3000;
const MEASURE_MS = Number(process.env.FLOWSIGHT_BENCH_SECONDS ?? 20) * 1000;

async function measure(file: string, speed: number): Promise<{ speed: number; elu: number; frames: number; statuses: number; bytesPerFrame: number; messagesPerSecond: number }> {
  const host = new FeedWorkerHost({
    workerScript: WORKER,
    source: { kind: 'replay', file, speed, depthMode: 'full', loop: true },
    view: { grouping: 'auto', maxVisibleRows: 3000, tapeSize: 200, refreshIntervalMs: 100, panelVisible: true },
    ringBytes: 1 << 20,
  });
  let frames = 0;
  let statuses = 0;
  let frameBytes = 0;
  let lastMessages = 0;
  host.onSnapshot((snapshot: BookSnapshotMessage) => {
    frames++;
    // What VS Code does with a postMessage to a webview: serialise it.
    frameBytes += snapshot.bids.prices.byteLength * 2 + snapshot.asks.prices.byteLength * 2 + snapshot.trades.prices.byteLength * 3 + snapshot.trades.sides.byteLength;
    structuredClone(snapshot);
  });
  host.onStatus((status) => {
    statuses++;
    lastMessages = status.health.metrics.messagesPerSecond;
  });
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  frames = 0;
  statuses = 0;
  frameBytes = 0;
  const start = performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const elu = performance.eventLoopUtilization(start).utilization;
  await host.dispose();
  return { speed, elu, frames, statuses, bytesPerFrame: frames > 0 ? Math.round(frameBytes / frames) : 0, messagesPerSecond: lastMessages };
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? process.env.FLOWSIGHT_RECORDING ?? DEFAULT_RECORDING;
  if (!fs.existsSync(file)) {
    process.stderr.write(`recording not found: ${file}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`\nExtension-host main thread while the worker replays ${path.basename(file)} (${MEASURE_MS / 1000} s each, after ${WARMUP_MS / 1000} s warm-up):\n\n`);
  process.stdout.write('| replay speed | market messages/s (recorded clock) | frames/s to the panel | main-thread ELU | target | met |\n|---:|---:|---:|---:|---:|---|\n');
  for (const [speed, target] of [
    [1, 0.02],
    [10, 0.1],
  ] as const) {
    const r = await measure(file, speed);
    process.stdout.write(
      `| ${speed}× | ${Math.round(r.messagesPerSecond * speed).toLocaleString('en-US')} wall msg/s | ${(r.frames / (MEASURE_MS / 1000)).toFixed(1)} | ${(r.elu * 100).toFixed(2)} % | < ${target * 100} % | ${r.elu < target ? 'yes' : 'NO'} |\n`,
    );
  }
}

void main();
