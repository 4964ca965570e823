import { performance } from 'node:perf_hooks';
import { MarketEngine, type BookLine } from '../marketEngine';
import type { DepthMode } from '../book/depthSynchronizer';
import type { RecordingReader } from './recordingReader';

export interface ReplayOptions {
  /** Frames are pulled from it as the replay goes, so memory stays bounded whatever the file's size. */
  reader: RecordingReader;
  symbol: string;
  tickSize: number;
  depthMode: DepthMode;
  /** 'max' runs flat out; N keeps the recorded pacing N times faster. */
  speed: 'max' | number;
  levels: number;
  /** Wall-clock interval between book lines when paced (ms). */
  intervalMs: number;
  onBook: (line: BookLine) => void;
  /** Aborting stops the replay at the next frame; the summary covers what was replayed. */
  signal?: AbortSignal;
  /** Lets a caller watch the engine (e.g. subscribe to its bus) before the first frame. */
  onEngine?: (engine: MarketEngine) => void;
}

export interface ReplaySummary {
  type: 'summary';
  messages: number;
  /** Time spent inside the engine only: not reading, unzipping or waiting for the pacing. */
  elapsedMs: number;
  messagesPerSecond: number;
  gaps: number;
  resyncs: number;
  malformed: number;
  snapshotsRequested: number;
  snapshotsApplied: number;
}

/**
 * Plays recorded frames through a MarketEngine. Snapshot lines in the file are the answers to the
 * synchronizer's snapshot requests: when the chain breaks the book waits for the next one.
 */
export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const engine = new MarketEngine({
    symbol: options.symbol,
    tickSize: options.tickSize,
    depthMode: options.depthMode,
  });
  options.onEngine?.(engine);
  const reader = options.reader;
  let processed = 0;
  let busyMs = 0;

  if (options.speed === 'max') {
    for (;;) {
      const frames = await reader.read();
      if (frames.length === 0) break;
      const started = performance.now();
      let i = 0;
      for (; i < frames.length && !options.signal?.aborted; i++) engine.ingest(frames[i].text, frames[i].localMs);
      processed += i;
      busyMs += performance.now() - started;
      if (options.signal?.aborted) break;
    }
    options.onBook(engine.bookLine(options.levels));
  } else {
    const speed = options.speed;
    let frames = await reader.read();
    let i = 0;
    const wallStart = performance.now();
    const firstMs = frames.length > 0 ? frames[0].localMs : 0;
    let nextBookAt = options.intervalMs;
    while (frames.length > 0 && !options.signal?.aborted) {
      const elapsed = performance.now() - wallStart;
      const t0 = performance.now();
      // Everything due by now goes through in one batch; then sleep until the next frame is due.
      while (i < frames.length && (frames[i].localMs - firstMs) / speed <= elapsed) {
        engine.ingest(frames[i].text, frames[i].localMs);
        processed++;
        i++;
      }
      busyMs += performance.now() - t0;
      if (elapsed >= nextBookAt) {
        options.onBook(engine.bookLine(options.levels));
        nextBookAt = elapsed + options.intervalMs;
      }
      if (i >= frames.length) {
        frames = await reader.read();
        i = 0;
        continue;
      }
      const dueIn = (frames[i].localMs - firstMs) / speed - (performance.now() - wallStart);
      const untilBook = nextBookAt - (performance.now() - wallStart);
      await sleep(Math.max(0, Math.min(dueIn, untilBook)), options.signal);
    }
    options.onBook(engine.bookLine(options.levels));
  }

  const counters = engine.sync.counters;
  return {
    type: 'summary',
    messages: processed,
    elapsedMs: round3(busyMs),
    messagesPerSecond: busyMs > 0 ? Math.round((processed / busyMs) * 1000) : 0,
    gaps: counters.gaps,
    resyncs: counters.resyncs,
    malformed: engine.metrics.counter('malformed'),
    snapshotsRequested: counters.snapshotsRequested,
    snapshotsApplied: counters.snapshotsApplied,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
