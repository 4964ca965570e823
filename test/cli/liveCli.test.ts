import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LocalExchange } from '../../src/engine/exchange/localExchange';
import { waitFor } from '../support/waitFor';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Run {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

function run(args: string[]): Run {
  assert.ok(fs.existsSync(CLI), `build the CLI first (${CLI})`);
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr, exit };
}

interface BookLine {
  type: 'book';
  status: string;
  lastUpdateId: number;
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

describe('flowsight watch / record (against the local exchange)', function () {
  this.timeout(60_000);
  let exchange: LocalExchange | undefined;
  const children: ChildProcess[] = [];
  let tmp: string | undefined;

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await exchange?.stop();
    exchange = undefined;
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  it('watch --json prints book and health lines, and its book equals the exchange’s once the market rests', async () => {
    exchange = await LocalExchange.start({ seed: 3, stepMs: 25 });
    const r = run(['watch', 'BTCUSDT', '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl, '--json', '--interval', '100']);
    children.push(r.child);
    await waitFor('a live book line', () => r.lines.map((l) => JSON.parse(l) as { type: string; status?: string }).find((l) => l.type === 'book' && l.status === 'live'));
    const health = r.lines.map((l) => JSON.parse(l) as { type: string; state?: string }).find((l) => l.type === 'health');
    assert.ok(health, 'health lines are printed');
    exchange.pause();
    const expected = exchange.topOfBook('BTCUSDT', 20);
    const line = await waitFor('a book line at the exchange’s last update', () => {
      const books = r.lines.map((l) => JSON.parse(l) as BookLine).filter((l) => l.type === 'book');
      const last = books[books.length - 1];
      return last && last.lastUpdateId === expected.lastUpdateId ? last : undefined;
    });
    assert.deepEqual(line.bids, expected.bids);
    assert.deepEqual(line.asks, expected.asks);
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0, 'Ctrl+C ends watch cleanly');
  });

  it('watch ends with a non-zero exit and a plain message on HTTP 451', async () => {
    exchange = await LocalExchange.start({ faults: { restStatus: { status: 451 } } });
    const r = run(['watch', 'BTCUSDT', '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl]);
    children.push(r.child);
    const code = await r.exit;
    assert.notEqual(code, 0);
    assert.match(r.stderr.join(''), /Binance refuses connections from this location \(HTTP 451/);
  });

  it('watch names an unknown symbol and exits non-zero', async () => {
    exchange = await LocalExchange.start({});
    const r = run(['watch', 'BTCUSDX', '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl]);
    children.push(r.child);
    assert.notEqual(await r.exit, 0);
    assert.match(r.stderr.join(''), /BTCUSDX is not a USDⓈ-M futures symbol/);
  });

  it('watch refuses a malformed URL before connecting', async () => {
    const r = run(['watch', 'BTCUSDT', '--ws-url', 'http//nope']);
    children.push(r.child);
    assert.equal(await r.exit, 2);
    assert.match(r.stderr.join(''), /--ws-url must be a URL/);
  });

  it('record writes raw frames and snapshots that replay rebuilds into the exchange’s book', async () => {
    exchange = await LocalExchange.start({ seed: 11, stepMs: 25 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-record-'));
    const file = path.join(tmp, 'session.txt.gz');
    const r = run(['record', 'BTCUSDT', '--out', file, '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl, '--duration', '3']);
    children.push(r.child);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    exchange.pause();
    const expected = exchange.topOfBook('BTCUSDT', 20);
    assert.equal(await r.exit, 0, r.stderr.join(''));
    assert.match(r.stderr.join(''), /wrote \d+ frames/);
    const replay = run(['replay', file, '--speed', 'max', '--json']);
    children.push(replay.child);
    assert.equal(await replay.exit, 0, replay.stderr.join(''));
    const books = replay.lines.map((l) => JSON.parse(l) as BookLine).filter((l) => l.type === 'book');
    const last = books[books.length - 1];
    assert.equal(last.status, 'live');
    assert.equal(last.lastUpdateId, expected.lastUpdateId);
    assert.deepEqual(last.bids, expected.bids);
    assert.deepEqual(last.asks, expected.asks);
  });

  it('a recorder killed with SIGKILL leaves complete gzip members: gunzip, replay and Python’s gzip (hftbacktest) read all of it', async () => {
    exchange = await LocalExchange.start({ seed: 12, stepMs: 25 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-record-kill-'));
    const file = path.join(tmp, 'killed.gz');
    const r = run(['record', 'BTCUSDT', '--out', file, '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl]);
    children.push(r.child);
    await waitFor('the recording to start', () => (r.stderr.join('').includes('recording BTCUSDT') ? true : undefined));
    // Past the snapshot's member and at least two periodic ones; killed in the middle of a period.
    await new Promise((resolve) => setTimeout(resolve, 2700));
    r.child.kill('SIGKILL');
    await r.exit;
    assert.equal(r.child.signalCode, 'SIGKILL');
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.length > 1000, `${bytes.length} bytes on disk`);

    const text = gunzipSync(bytes).toString('utf8');
    assert.ok(text.endsWith('\n'), 'the last member ends on a whole line');
    const lines = text.split('\n').length - 1;

    const replay = run(['replay', file, '--speed', 'max', '--json']);
    children.push(replay.child);
    assert.equal(await replay.exit, 0, replay.stderr.join(''));
    assert.doesNotMatch(replay.stderr.join(''), /ends early/, 'no cut member');
    const parsed = replay.lines.map((l) => JSON.parse(l) as BookLine | { type: 'summary'; messages: number; malformed: number });
    const summary = parsed[parsed.length - 1] as { type: string; messages: number; malformed: number };
    const books = parsed.filter((l): l is BookLine => l.type === 'book');
    assert.equal(summary.type, 'summary');
    assert.ok(summary.messages > 50, `${summary.messages} frames survived the kill`);
    assert.equal(summary.messages, lines, 'replay reads every line gunzip finds');
    assert.equal(summary.malformed, 0);
    assert.equal(books[books.length - 1].status, 'live', 'the snapshot reached the disk before the kill');

    const python = spawnSync('python3', ['-c', 'import gzip,sys; print(sum(1 for _ in gzip.open(sys.argv[1])))', file], { encoding: 'utf8', timeout: 30_000 });
    if (python.error && (python.error as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write('      (python3 is not installed: the check that Python’s gzip.open reads the killed file is skipped)\n');
      return;
    }
    assert.equal(python.status, 0, `Python's gzip (hftbacktest's converter reads with it) failed: ${python.stderr}`);
    assert.equal(Number(python.stdout.trim()), lines);
  });

  it('SIGTERM ends a recording cleanly: a complete gzip stream and the frame count on stderr', async () => {
    exchange = await LocalExchange.start({ seed: 13, stepMs: 25 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-record-term-'));
    const file = path.join(tmp, 'ended.gz');
    const r = run(['record', 'BTCUSDT', '--out', file, '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl]);
    children.push(r.child);
    await waitFor('the recording to start', () => (r.stderr.join('').includes('recording BTCUSDT') ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0, r.stderr.join(''));
    assert.match(r.stderr.join(''), /wrote \d+ frames to /);
    const replay = run(['replay', file, '--speed', 'max', '--json']);
    children.push(replay.child);
    assert.equal(await replay.exit, 0, replay.stderr.join(''));
    assert.doesNotMatch(replay.stderr.join(''), /ends early/);
  });

  it('record refuses --out with several symbols, and an existing day file in --out-dir, in words', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-record-usage-'));
    const several = run(['record', 'BTCUSDT,ETHUSDT', '--out', path.join(tmp, 'x.gz')]);
    children.push(several.child);
    assert.equal(await several.exit, 2);
    assert.match(several.stderr.join(''), /--out holds one symbol; record BTCUSDT, ETHUSDT with --out-dir DIR/);
    const rotate = run(['record', 'BTCUSDT', '--out', path.join(tmp, 'x.gz'), '--rotate', 'daily']);
    children.push(rotate.child);
    assert.equal(await rotate.exit, 2);
    assert.match(rotate.stderr.join(''), /--rotate daily needs --out-dir DIR/);

    exchange = await LocalExchange.start({ seed: 14 });
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    fs.writeFileSync(path.join(tmp, `ethusdt_${today}.gz`), 'an earlier session');
    const existing = run(['record', 'BTCUSDT,ETHUSDT', '--out-dir', tmp, '--ws-url', exchange.wsUrl, '--rest-url', exchange.restUrl]);
    children.push(existing.child);
    assert.equal(await existing.exit, 1);
    assert.match(existing.stderr.join(''), /cannot start recording: EEXIST.*ethusdt_\d{8}\.gz.*move the existing file away/);
    assert.equal(fs.readFileSync(path.join(tmp, `ethusdt_${today}.gz`), 'utf8'), 'an earlier session');
    assert.deepEqual(fs.readdirSync(tmp), [`ethusdt_${today}.gz`], 'the BTCUSDT file this run created is removed, so it cannot block the next run');
  });

  it('exchange prints its URLs and stops on Ctrl+C', async () => {
    const r = run(['exchange', '--port', '0', '--symbols', 'BTCUSDT,ETHUSDT']);
    children.push(r.child);
    const url = await waitFor('the printed URLs', () => r.lines.find((l) => /ws:\/\/127\.0\.0\.1:\d+/.test(l)));
    const port = /127\.0\.0\.1:(\d+)/.exec(url)![1];
    const response = await fetch(`http://127.0.0.1:${port}/fapi/v1/exchangeInfo`);
    const info = (await response.json()) as { symbols: Array<{ symbol: string }> };
    assert.deepEqual(info.symbols.map((s) => s.symbol).sort(), ['BTCUSDT', 'ETHUSDT']);
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0);
  });
});
