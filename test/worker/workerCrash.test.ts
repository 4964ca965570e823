import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeedWorkerHost, type WorkerCrash } from '../../src/engine/worker/feedWorkerHost';
import type { WorkerStatus, WorkerViewConfig } from '../../src/engine/worker/workerProtocol';
import { waitFor } from '../support/waitFor';

const WORKER = path.resolve(__dirname, '../../../dist/feedWorker.js');
const VIEW: WorkerViewConfig = { grouping: 'auto', maxVisibleRows: 400, tapeSize: 50, refreshIntervalMs: 50, panelVisible: false };

describe('a feed worker that dies (real worker threads)', function () {
  this.timeout(60_000);
  let host: FeedWorkerHost | undefined;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-worker-crash-'));
  });

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is restarted with growing waits, says so in its status, and comes back live', async () => {
    // The worker's script is missing (an extension update under a running window, say): each start
    // dies with an uncaught error until the script is back.
    const script = path.join(dir, 'feedWorker.js');
    const crashes: WorkerCrash[] = [];
    const statuses: WorkerStatus[] = [];
    const logs: string[] = [];
    host = new FeedWorkerHost({
      workerScript: script,
      source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' },
      view: VIEW,
      ringBytes: 1 << 20,
      restart: { firstDelayMs: 200, maxDelayMs: 2000, maxCrashesInRow: 10 },
      log: (level, message) => logs.push(`${level} ${message}`),
    });
    host.onCrash((c) => crashes.push(c));
    host.onStatus((s) => statuses.push(s));
    await waitFor('three crashes', () => crashes.length >= 3);
    assert.deepEqual(
      crashes.slice(0, 3).map((c) => c.restart),
      [
        { attempt: 1, delayMs: 200 },
        { attempt: 2, delayMs: 400 },
        { attempt: 3, delayMs: 800 },
      ],
    );
    assert.match(crashes[0].reason, /Cannot find module/);
    const crashed = statuses.find((s) => s.health.reason.includes('attempt 2'))!;
    assert.equal(crashed.health.state, 'reconnecting');
    assert.match(crashed.health.reason, /^feed worker crashed \(Cannot find module .*\); restarting in 400 ms, attempt 2$/);
    assert.ok(Number.isNaN(crashed.top.bestBid) && Number.isNaN(crashed.top.bestAsk), 'no price shown while no worker runs');
    assert.equal(crashed.health.book.bidLevels + crashed.health.book.askLevels, 0, 'no book either');
    assert.deepEqual(crashed.health.streams, []);
    assert.equal(crashed.health.symbol, 'BTCUSDT');
    assert.equal(host.workerRunning, false);
    await assert.rejects(host.bookJson(1), /crashed and is restarting/);

    fs.symlinkSync(WORKER, script);
    const live = await waitFor('the restarted worker live', () => (host!.status?.health.state === 'live' ? host!.status : undefined));
    assert.ok(live.top.bestBid < live.top.bestAsk);
    assert.ok(host.workerRunning);
    assert.ok(logs.some((l) => /^warn feed worker crashed \(Cannot find module .*\); restarting in 200 ms \(attempt 1 of 10\)$/.test(l)), logs.join('\n'));
  });

  it('that runs out of memory is restarted, and after too many crashes in a row is stopped with the reason', async () => {
    const crashes: WorkerCrash[] = [];
    const statuses: WorkerStatus[] = [];
    host = new FeedWorkerHost({
      workerScript: WORKER,
      source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' },
      view: VIEW,
      ringBytes: 1 << 20,
      // 4 MB of old generation does not even hold the worker's bundle: a real out-of-memory death.
      resourceLimits: { maxOldGenerationSizeMb: 4 },
      restart: { firstDelayMs: 100, maxDelayMs: 400, maxCrashesInRow: 3 },
    });
    host.onCrash((c) => crashes.push(c));
    host.onStatus((s) => statuses.push(s));
    await waitFor('the host to give up', () => crashes.find((c) => c.restart === undefined));
    assert.deepEqual(
      crashes.map((c) => [c.reason, c.restart?.attempt ?? 'stopped']),
      [
        ['out of memory', 1],
        ['out of memory', 2],
        ['out of memory', 3],
        ['out of memory', 'stopped'],
      ],
    );
    assert.ok(statuses.some((s) => s.health.reason === 'feed worker crashed (out of memory); restarting in 200 ms, attempt 2'));
    const last = host.status!;
    assert.equal(last.health.state, 'failed');
    assert.equal(last.health.reason, 'feed worker crashed 4 times in a row (last: out of memory); stopped — use Restart or FlowSight: Reconnect');
    // stopped means stopped: no more attempts
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(crashes.length, 4);
  });

  it('is not restarted once disposed, and disposing a crashed host is immediate', async () => {
    const crashes: WorkerCrash[] = [];
    host = new FeedWorkerHost({
      workerScript: path.join(dir, 'missing.js'),
      source: { kind: 'demo', symbol: 'BTCUSDT', depthMode: 'full' },
      view: VIEW,
      ringBytes: 1 << 20,
      restart: { firstDelayMs: 300 },
    });
    host.onCrash((c) => crashes.push(c));
    await waitFor('a crash', () => crashes.length === 1);
    const started = Date.now();
    await host.dispose();
    assert.ok(Date.now() - started < 100, 'nothing to wait for');
    fs.symlinkSync(WORKER, path.join(dir, 'missing.js'));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(crashes.length, 1);
    assert.equal(host.workerRunning, false, 'the pending restart was cancelled');
  });
});
