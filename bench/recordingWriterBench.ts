import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { constants as zlibConstants, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { RecordingWriter } from '../src/engine/replay/recordingWriter';

/**
 * `node out/bench/recordingWriterBench.js [recording.gz]`: rewrites every line of a recording through
 * RecordingWriter, as `record` would have written it, and reports throughput (end to end, and the time
 * spent on the main thread, which is what the feed competes with) and the size of the gzip members
 * against the same text as one member and as the single sync-flushed stream the writer used before.
 * Periods follow the recorded stamps (a member per recorded second, as the 1 s timer makes live), and
 * flat out (members of ~1 MB).
 */
const DEFAULT_RECORDING = path.resolve(__dirname, '../../test/fixtures/binance-usdm-btcusdt-2024-08-08.txt.gz');
const RUNS = 3;
const NS_PER_S = 1_000_000_000n;

interface Line {
  ns: bigint;
  text: string;
}

interface Run {
  wallMs: number;
  mainMs: number;
  bytes: number;
}

function loadLines(file: string): Line[] {
  const lines: Line[] = [];
  for (const line of gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) lines.push({ ns: BigInt(line.slice(0, space)), text: line.slice(space + 1) });
  }
  return lines;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One pass through the writer; `perSecond` ends a period at each recorded second and lets the event loop run, as live. */
async function writeThrough(lines: readonly Line[], file: string, perSecond: boolean): Promise<Run> {
  const started = performance.now();
  // Active time of the event loop: the synchronous writes and every callback (compression done, file written).
  const loop = performance.eventLoopUtilization();
  // The timer never fires during a pass: periods come from the recorded stamps or the 1 MB bound.
  const writer = new RecordingWriter(file, { flushEveryMs: 60_000 });
  await writer.opened();
  let second = lines[0].ns / NS_PER_S;
  for (const line of lines) {
    if (perSecond && line.ns / NS_PER_S !== second) {
      second = line.ns / NS_PER_S;
      writer.flush();
      await yieldToLoop();
    }
    writer.write(line.ns, line.text);
  }
  await writer.close();
  const wallMs = performance.now() - started;
  return { wallMs, mainMs: performance.eventLoopUtilization(loop).active, bytes: fs.statSync(file).size };
}

/** The previous writer's output: one gzip stream, sync-flushed at every recorded second. */
async function syncFlushedSize(lines: readonly Line[]): Promise<number> {
  const gzip = createGzip();
  let bytes = 0;
  gzip.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  let second = lines[0].ns / NS_PER_S;
  for (const line of lines) {
    if (line.ns / NS_PER_S !== second) {
      second = line.ns / NS_PER_S;
      gzip.flush(zlibConstants.Z_SYNC_FLUSH);
    }
    gzip.write(`${line.ns} ${line.text}\n`);
  }
  gzip.end();
  await done;
  return bytes;
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
}

async function main(): Promise<void> {
  const source = process.argv[2] ?? DEFAULT_RECORDING;
  if (!fs.existsSync(source)) {
    process.stderr.write(`recording not found: ${source}\npass its path: node out/bench/recordingWriterBench.js <recording.gz>\n`);
    process.exitCode = 2;
    return;
  }
  const lines = loadLines(source);
  const text = lines.map((l) => `${l.ns} ${l.text}\n`).join('');
  const mb = Buffer.byteLength(text) / 1e6;
  const seconds = Number(lines[lines.length - 1].ns - lines[0].ns) / 1e9;
  process.stdout.write(
    `recording: ${path.basename(source)} — ${lines.length.toLocaleString('en-US')} lines, ${mb.toFixed(1)} MB of text over ${seconds.toFixed(0)} s; best of ${RUNS}; node ${process.version}\n\n`,
  );

  const t = performance.now();
  const oneMember = gzipSync(text).length;
  const oneMemberMs = performance.now() - t;
  const syncFlushed = await syncFlushedSize(lines);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-writer-bench-'));
  try {
    const results: Array<[string, Run]> = [];
    for (const [label, perSecond] of [
      ['a member per recorded second', true],
      ['flat out, a member per ~1 MB', false],
    ] as const) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await writeThrough(lines, path.join(dir, `run${i}.gz`), perSecond));
      results.push([label, best(runs)]);
    }
    const check = gunzipSync(fs.readFileSync(path.join(dir, 'run0.gz'))).toString('utf8');
    if (check !== text) throw new Error('the written file does not gunzip to the recording’s text');

    const pct = (bytes: number): string => `${bytes >= oneMember ? '+' : ''}${(((bytes - oneMember) / oneMember) * 100).toFixed(1)} %`;
    process.stdout.write('| writer | end to end | main thread | file | vs one member |\n|---|---|---|---|---|\n');
    for (const [label, r] of results) {
      process.stdout.write(
        `| ${label} | ${(mb / (r.wallMs / 1000)).toFixed(1)} MB/s | ${(mb / (r.mainMs / 1000)).toFixed(0)} MB/s (${r.mainMs.toFixed(0)} ms) | ${r.bytes.toLocaleString('en-US')} B | ${pct(r.bytes)} |\n`,
      );
    }
    process.stdout.write(`| one member, gzipSync (reference) | ${(mb / (oneMemberMs / 1000)).toFixed(1)} MB/s | all of it | ${oneMember.toLocaleString('en-US')} B | — |\n`);
    process.stdout.write(`| one stream sync-flushed each second (the previous writer) | | | ${syncFlushed.toLocaleString('en-US')} B | ${pct(syncFlushed)} |\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
