import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RECORDING_FIXTURE } from './support/recordingFixture';
import type { ReplaySummary } from '../../src/engine/replay/replaySession';

/** The built CLI bundle; tests run from out/test/engine/. */
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface BookLine {
  type: 'book';
  symbol: string;
  status: string;
  lastUpdateId: number;
  eventTime: number;
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

type Summary = ReplaySummary;

/** Splits `--json` output into book lines and the final summary line; every line must be JSON. */
function parseJsonOutput(result: RunResult): { books: BookLine[]; summary: Summary } {
  assert.equal(result.code, 0, `replay exited with ${result.code}; stderr:\n${result.stderr}`);
  const lines = result.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length >= 2, `expected book lines and a summary, got:\n${result.stdout}`);
  const parsed = lines.map((l, i) => {
    try {
      return JSON.parse(l) as BookLine | Summary;
    } catch {
      throw new assert.AssertionError({ message: `stdout line ${i + 1} is not JSON: ${l.slice(0, 200)}` });
    }
  });
  const summary = parsed[parsed.length - 1];
  assert.equal(summary.type, 'summary', 'the last line is the summary');
  const books = parsed.slice(0, -1);
  for (const b of books) assert.equal(b.type, 'book', 'every line before the summary is a book line');
  return { books: books as BookLine[], summary: summary as Summary };
}

// ---- hand-made recordings -------------------------------------------------------------------------

type Levels = Array<[string, string]>;

function depthLine(ns: number, d: { U: number; u: number; pu: number; E: number; b?: Levels; a?: Levels; stream?: string }): string {
  const data = {
    e: 'depthUpdate',
    E: d.E,
    T: d.E,
    s: 'BTCUSDT',
    U: d.U,
    u: d.u,
    pu: d.pu,
    b: d.b ?? [],
    a: d.a ?? [],
  };
  return `${ns} ${JSON.stringify({ stream: d.stream ?? 'btcusdt@depth@100ms', data })}`;
}

function snapshotLine(ns: number, s: { lastUpdateId: number; E: number; bids: Levels; asks: Levels }): string {
  return `${ns} ${JSON.stringify({ lastUpdateId: s.lastUpdateId, E: s.E, T: s.E, bids: s.bids, asks: s.asks })}`;
}

describe('flowsight replay (CLI, child process)', function () {
  this.timeout(60_000);
  let dir: string;

  function writeRecording(name: string, lines: readonly string[]): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  /** Snapshot 11 bridged by two diffs: bids 100.0×1.5, 99.9×2; asks 100.1×2, 100.2×2.5 at update 13. */
  function simpleRecording(name: string): string {
    return writeRecording(name, [
      depthLine(1_000_000_000, { U: 8, u: 10, pu: 7, E: 1000, b: [['99.0', '9']] }),
      snapshotLine(1_050_000_000, { lastUpdateId: 11, E: 1050, bids: [['100.0', '1'], ['99.9', '2']], asks: [['100.1', '1'], ['100.2', '2']] }),
      depthLine(1_100_000_000, { U: 11, u: 12, pu: 10, E: 1100, b: [['100.0', '1.5']], a: [['100.1', '2']] }),
      depthLine(1_200_000_000, { U: 13, u: 13, pu: 12, E: 1200, a: [['100.2', '2.5']] }),
      depthLine(1_300_000_000, { U: 14, u: 13, pu: 12, E: 1300, b: [['1.0', '1']] }), // a duplicate of u 13: skipped
    ]);
  }

  before(function () {
    if (!fs.existsSync(CLI)) assert.fail(`the CLI bundle is missing at ${CLI}; run 'node esbuild.js' first`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-replay-cli-'));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('on the BTCUSDT recording fixture', () => {
    function requireRecording(): string {
      if (!fs.existsSync(RECORDING_FIXTURE)) assert.fail(`the recording fixture is missing at ${RECORDING_FIXTURE}`);
      return RECORDING_FIXTURE;
    }

    it('--speed max --json ends on the reference book (61659.7×1.486 / 61659.8×0.981 at update 5123135475514) with 20 sorted levels a side, then a clean summary', async () => {
      const result = await runCli(['replay', requireRecording(), '--speed', 'max', '--json']);
      const { books, summary } = parseJsonOutput(result);
      assert.ok(books.length >= 1, 'at least one book line');
      const last = books[books.length - 1];
      assert.equal(last.symbol, 'BTCUSDT');
      assert.equal(last.status, 'live');
      assert.equal(last.lastUpdateId, 5123135475514);
      assert.deepEqual(last.bids[0], [61659.7, 1.486]);
      assert.deepEqual(last.asks[0], [61659.8, 0.981]);
      assert.equal(last.bids.length, 20, 'default 20 bid levels');
      assert.equal(last.asks.length, 20, 'default 20 ask levels');
      for (let i = 1; i < 20; i++) {
        assert.ok(last.bids[i][0] < last.bids[i - 1][0], `bids strictly descending at ${i}: ${last.bids[i - 1][0]} then ${last.bids[i][0]}`);
        assert.ok(last.asks[i][0] > last.asks[i - 1][0], `asks strictly ascending at ${i}: ${last.asks[i - 1][0]} then ${last.asks[i][0]}`);
        assert.ok(last.bids[i][1] > 0 && last.asks[i][1] > 0, `no zero-quantity level shown at ${i}`);
      }
      assert.ok(last.bids[0][0] < last.asks[0][0], 'best bid below best ask');
      assert.equal(summary.messages, 93954);
      assert.equal(summary.gaps, 0);
      assert.equal(summary.resyncs, 0);
      assert.equal(summary.malformed, 0);
      assert.ok(summary.elapsedMs > 0, `elapsedMs ${summary.elapsedMs} > 0`);
    });

    it('--levels 5 prints 5 levels a side, headed by the same best bid and ask', async () => {
      const result = await runCli(['replay', requireRecording(), '--speed', 'max', '--json', '--levels', '5']);
      const { books } = parseJsonOutput(result);
      const last = books[books.length - 1];
      assert.equal(last.bids.length, 5);
      assert.equal(last.asks.length, 5);
      assert.deepEqual(last.bids[0], [61659.7, 1.486]);
      assert.deepEqual(last.asks[0], [61659.8, 0.981]);
    });
  });

  describe('on damaged files', () => {
    it('a truncated .gz replays every line before the cut, exits 0 and says the file is cut short', async () => {
      const whole = fs.readFileSync(RECORDING_FIXTURE);
      const file = path.join(dir, 'cut.txt.gz');
      fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
      const result = await runCli(['replay', file, '--speed', 'max', '--json', '--levels', '1']);
      const { books, summary } = parseJsonOutput(result);
      const said = /recording ends early: the gzip stream is truncated after ([\d,]+) lines/.exec(result.stderr);
      assert.ok(said, `stderr says the file is cut short:\n${result.stderr}`);
      const lines = Number(said[1].replace(/,/g, ''));
      assert.equal(summary.messages, lines, 'every complete line went through the engine');
      assert.ok(lines > 30_000 && lines < 93_954, `${lines} lines before the cut`);
      assert.equal(summary.malformed, 0, 'the incomplete last line is not fed to the engine');
      assert.match((summary as Summary & { endedEarly: string }).endedEarly, /^recording ends early: the gzip stream is truncated after /);
      assert.equal(books[books.length - 1].status, 'live');
    });

    it('skips and counts an overlong line (over 4 MiB) with its line number and replays on', async () => {
      const lines = [
        snapshotLine(1_000_000_000, { lastUpdateId: 11, E: 1000, bids: [['100.0', '1']], asks: [['100.1', '1']] }),
        `1001000000 {"stream":"btcusdt@trade","data":{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}}`,
        depthLine(1_002_000_000, { U: 11, u: 12, pu: 10, E: 1002, b: [['100.0', '2']] }),
      ];
      const result = await runCli(['replay', writeRecording('overlong.txt', lines), '--symbol', 'BTCUSDT', '--tick-size', '0.1', '--json']);
      const { books, summary } = parseJsonOutput(result);
      assert.match(result.stderr, /overlong\.txt:2: line longer than 4 MiB \(line skipped\)/);
      assert.equal(summary.messages, 2);
      assert.equal(summary.malformed, 1);
      assert.deepEqual(books[books.length - 1].bids, [[100, 2]]);
    });
  });

  describe('on hand-made recordings', () => {
    it('a pu gap triggers a resync; the book then equals the second snapshot plus its bridging diffs', async () => {
      const file = writeRecording('gap.txt', [
        // Before any snapshot: buffered, then made obsolete by snapshot 11.
        depthLine(1_000_000_000, { U: 8, u: 10, pu: 7, E: 1000, b: [['99.0', '9']] }),
        snapshotLine(1_010_000_000, {
          lastUpdateId: 11,
          E: 1010,
          bids: [['100.0', '1'], ['99.9', '2'], ['99.8', '3']],
          asks: [['100.1', '1'], ['100.2', '2'], ['100.3', '3']],
        }),
        // Bridges snapshot 11 (U 11 <= 11 <= u 12), then chains on.
        depthLine(1_020_000_000, { U: 11, u: 12, pu: 10, E: 1020, b: [['100.0', '1.5']], a: [['100.1', '2']] }),
        depthLine(1_030_000_000, { U: 13, u: 14, pu: 12, E: 1030, b: [['99.9', '0']] }),
        // Gap: pu 16 does not follow u 14.
        depthLine(1_040_000_000, { U: 17, u: 18, pu: 16, E: 1040, b: [['150.0', '1']] }),
        depthLine(1_050_000_000, { U: 19, u: 20, pu: 18, E: 1050, a: [['150.1', '1']] }),
        // The answer to the resync: a different book altogether.
        snapshotLine(1_060_000_000, {
          lastUpdateId: 21,
          E: 1060,
          bids: [['200.0', '5'], ['199.9', '4']],
          asks: [['200.1', '6'], ['200.2', '7'], ['200.5', '1']],
        }),
        depthLine(1_070_000_000, {
          U: 21,
          u: 23,
          pu: 20,
          E: 1070,
          b: [['200.0', '5.5'], ['199.8', '1']],
          a: [['200.1', '0'], ['200.3', '2']],
        }),
        depthLine(1_080_000_000, { U: 24, u: 25, pu: 23, E: 1080, b: [['199.9', '0']], a: [['200.2', '7.25']] }),
      ]);
      const result = await runCli(['replay', file, '--symbol', 'BTCUSDT', '--tick-size', '0.1', '--json']);
      const { books, summary } = parseJsonOutput(result);
      const last = books[books.length - 1];
      // Snapshot 21 + diff 21..23 + diff 24..25, worked out by hand.
      assert.deepEqual(last.bids, [
        [200, 5.5],
        [199.8, 1],
      ]);
      assert.deepEqual(last.asks, [
        [200.2, 7.25],
        [200.3, 2],
        [200.5, 1],
      ]);
      assert.equal(last.lastUpdateId, 25);
      assert.equal(last.eventTime, 1080);
      assert.equal(last.status, 'live');
      assert.equal(last.symbol, 'BTCUSDT');
      assert.ok(summary.gaps >= 1, `gaps ${summary.gaps} >= 1`);
      assert.ok(summary.resyncs >= 1, `resyncs ${summary.resyncs} >= 1`);
      assert.equal(summary.snapshotsApplied, 2);
      assert.equal(summary.messages, 9);
      assert.equal(summary.malformed, 0);
    });

    it('a recording that ends after a gap, before any new snapshot, ends on a book marked resyncing, not live', async () => {
      const file = writeRecording('gap-at-end.txt', [
        snapshotLine(1_000_000_000, { lastUpdateId: 11, E: 1000, bids: [['100.0', '1']], asks: [['100.1', '1']] }),
        depthLine(1_010_000_000, { U: 11, u: 12, pu: 10, E: 1010, b: [['100.0', '2']] }),
        depthLine(1_020_000_000, { U: 20, u: 21, pu: 19, E: 1020, b: [['100.0', '9']] }),
      ]);
      const { books, summary } = parseJsonOutput(await runCli(['replay', file, '--symbol', 'BTCUSDT', '--tick-size', '0.1', '--json']));
      const last = books[books.length - 1];
      assert.equal(last.status, 'resyncing');
      assert.equal(last.lastUpdateId, 12, 'the last good update is kept');
      assert.deepEqual(last.bids, [[100, 2]], 'the diff after the gap is not applied');
      assert.equal(summary.gaps, 1);
    });

    it('counts malformed lines (garbage JSON, a non-object, a broken depth frame, lines without a timestamp) and still finishes with exit code 0', async () => {
      const file = writeRecording('malformed.txt', [
        depthLine(1_000_000_000, { U: 10, u: 12, pu: 9, E: 1000, b: [['100.0', '1.5']], a: [['100.1', '2']] }),
        '1001000000 {not json at all',
        '{"stream":"btcusdt@trade","data":{"e":"trade"}}', // no timestamp (line 3)
        snapshotLine(1_002_000_000, { lastUpdateId: 11, E: 1002, bids: [['100.0', '1']], asks: [['100.1', '1']] }),
        '1003000000 [1,2,3]',
        depthLine(1_004_000_000, { U: 13, u: 13, pu: 12, E: 1004, b: [['99.9', '3']] }),
        '1005000000 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate"}}',
        'garbage line', // line 8
      ]);
      const result = await runCli(['replay', file, '--symbol', 'BTCUSDT', '--tick-size', '0.1', '--json']);
      const { books, summary } = parseJsonOutput(result);
      assert.equal(summary.malformed, 5, '3 undecodable frames + 2 lines without a timestamp');
      assert.equal(summary.messages, 6, 'every line with a timestamp went through the engine');
      const last = books[books.length - 1];
      assert.equal(last.status, 'live');
      assert.equal(last.lastUpdateId, 13);
      assert.deepEqual(last.bids, [
        [100, 1.5],
        [99.9, 3],
      ]);
      assert.deepEqual(last.asks, [[100.1, 2]]);
      assert.match(result.stderr, /:3:/, 'the line without a timestamp is reported with its number');
      assert.match(result.stderr, /:8:/);
    });

    it('--depth depth20 shows the book of the last partial-depth frame', async () => {
      const stream = 'btcusdt@depth20@100ms';
      const file = writeRecording('depth20.txt', [
        depthLine(1_000_000_000, {
          stream,
          U: 90,
          u: 100,
          pu: 89,
          E: 1000,
          b: [['100.0', '1'], ['99.9', '2'], ['99.8', '3']],
          a: [['100.1', '3'], ['100.2', '4']],
        }),
        snapshotLine(1_050_000_000, { lastUpdateId: 50, E: 1050, bids: [['1.0', '1']], asks: [['999.0', '1']] }),
        depthLine(1_100_000_000, {
          stream,
          U: 101,
          u: 105,
          pu: 100,
          E: 1100,
          b: [['101.0', '5'], ['100.9', '6']],
          a: [['101.1', '7'], ['101.2', '8'], ['101.3', '9']],
        }),
      ]);
      const result = await runCli(['replay', file, '--depth', 'depth20', '--tick-size', '0.1', '--json']);
      const { books, summary } = parseJsonOutput(result);
      const last = books[books.length - 1];
      assert.equal(last.symbol, 'BTCUSDT', 'symbol taken from the stream name');
      assert.equal(last.status, 'live');
      assert.equal(last.lastUpdateId, 105);
      assert.deepEqual(last.bids, [
        [101, 5],
        [100.9, 6],
      ]);
      assert.deepEqual(last.asks, [
        [101.1, 7],
        [101.2, 8],
        [101.3, 9],
      ]);
      assert.equal(summary.malformed, 0);
      assert.equal(summary.messages, 3);
    });

    it('--speed 50 paces a recording spanning 1 s: it completes, prints book lines along the way and ends on the full book', async () => {
      const lines = [snapshotLine(5_000_000_000, { lastUpdateId: 11, E: 5000, bids: [['100.0', '1']], asks: [['100.1', '1']] })];
      // Diffs every 100 ms of recorded time from 5.0 s to 6.0 s, each adding one bid (80.0 … 90.0).
      for (let k = 0; k <= 10; k++) {
        const u = 12 + k;
        lines.push(depthLine(5_000_000_000 + k * 100_000_000, { U: k === 0 ? 10 : u, u, pu: u - 1, E: 5000 + k * 100, b: [[`${80 + k}.0`, `${k + 1}`]] }));
      }
      const file = writeRecording('paced.txt', lines);
      // 1 s at 50× is 20 ms of wall time; with a 10 ms interval a book line is printed while the
      // replay is still waiting for frames, which never happens flat out (one line at the end only).
      const paced = parseJsonOutput(await runCli(['replay', file, '--symbol', 'BTCUSDT', '--tick-size', '0.1', '--speed', '50', '--interval', '10', '--json']));
      assert.ok(paced.books.length >= 2, `a paced replay prints book lines while it runs (got ${paced.books.length})`);
      assert.equal(paced.summary.messages, 12);
      const last = paced.books[paced.books.length - 1];
      assert.equal(last.lastUpdateId, 22);
      assert.equal(last.status, 'live');
      assert.equal(last.bids.length, 12);
      assert.deepEqual(last.bids[0], [100, 1]);
      assert.deepEqual(last.bids[1], [90, 11]);
      assert.deepEqual(last.bids[11], [80, 1]);
      for (let i = 1; i < paced.books.length; i++) {
        assert.ok(paced.books[i].lastUpdateId >= paced.books[i - 1].lastUpdateId, 'book lines move forward in time');
      }
      const flatOut = parseJsonOutput(await runCli(['replay', file, '--symbol', 'BTCUSDT', '--tick-size', '0.1', '--speed', 'max', '--interval', '10', '--json']));
      assert.equal(flatOut.books.length, 1, 'flat out, only the final book is printed');
      assert.deepEqual(flatOut.books[0], last, 'paced and flat-out replays end on the same book');
    });

    it('without --json prints a ladder with the spread line and the summary sentence, with no colour codes when not a terminal', async () => {
      const file = simpleRecording('ladder.txt');
      const result = await runCli(['replay', file, '--symbol', 'BTCUSDT', '--tick-size', '0.1']);
      assert.equal(result.code, 0, result.stderr);
      const out = result.stdout;
      assert.match(out, /BTCUSDT {2}LIVE {2}update 13/);
      assert.match(out, /spread\s+0\.1\s+\(1 ticks\)/);
      assert.match(out, /^\s+2\.0\s+100\.1\b/m, 'best ask row: size then price');
      assert.match(out, /^\s+100\.0\s+1\.5\b/m, 'best bid row');
      assert.match(
        out,
        /^5 messages in \d+\.\d ms of processing \([\d,]+ msg\/s\); gaps 0, resyncs 0, malformed 0, snapshots 1\/1$/m,
      );
      assert.equal(out.includes('\x1b'), false, 'no ANSI escapes when stdout is a pipe');
      assert.equal(out.trim().startsWith('{'), false, 'not JSON');
    });
  });

  describe('bad usage', () => {
    let file: string;
    before(() => {
      file = simpleRecording('usage.txt');
    });

    const cases: Array<{ name: string; args: (file: string) => string[]; message: RegExp }> = [
      { name: '--speed 0', args: (f) => ['replay', f, '--speed', '0'], message: /--speed must be 'max' or a positive number, got '0'/ },
      { name: '--speed -2', args: (f) => ['replay', f, '--speed', '-2'], message: /--speed .*'-2'/ },
      { name: '--speed fast', args: (f) => ['replay', f, '--speed', 'fast'], message: /--speed .*'fast'/ },
      { name: '--depth x', args: (f) => ['replay', f, '--depth', 'x'], message: /--depth must be 'full' or 'depth20', got 'x'/ },
      { name: 'an unknown option', args: (f) => ['replay', f, '--sped', '10'], message: /unknown option --sped/ },
      { name: '--levels 0', args: (f) => ['replay', f, '--levels', '0'], message: /--levels must be a whole number/ },
      { name: '--speed without a value', args: (f) => ['replay', f, '--speed'], message: /--speed needs a value/ },
      { name: 'no file', args: () => ['replay', '--json'], message: /usage: flowsight replay FILE/ },
      { name: 'an unknown command', args: () => ['replya'], message: /unknown command 'replya'/ },
    ];
    for (const c of cases) {
      it(`${c.name}: exits non-zero, prints no book, names the problem on stderr`, async () => {
        const result = await runCli(c.args(file));
        assert.notEqual(result.code, 0, `exit code for ${c.name}`);
        assert.match(result.stderr, c.message);
        assert.equal(result.stdout.includes('"type":"book"'), false);
        assert.equal(/spread/.test(result.stdout), false);
      });
    }

    it('a missing file: exits non-zero with a readable "cannot read recording" message naming the file', async () => {
      const missing = path.join(dir, 'no-such-recording.txt.gz');
      const result = await runCli(['replay', missing, '--json']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /cannot read recording/);
      assert.ok(result.stderr.includes(missing), `stderr names the file: ${result.stderr}`);
      assert.equal(/^\s+at /m.test(result.stderr), false, 'no stack trace for a missing file');
      assert.equal(result.stdout, '');
    });
  });
});
