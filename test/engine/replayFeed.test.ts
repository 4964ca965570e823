import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalExchange } from '../../src/engine/exchange/localExchange';
import { ReplayFeed } from '../../src/engine/replay/replayFeed';
import { RECORDING_FIXTURE } from './support/recordingFixture';
import { waitFor } from '../support/waitFor';

describe('replaying a recording that is cut short (streamed, as the worker and the local exchange do)', function () {
  this.timeout(60_000);
  let dir: string;
  let cut: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-replay-feed-'));
    cut = path.join(dir, 'cut.txt.gz');
    const whole = fs.readFileSync(RECORDING_FIXTURE);
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.4)));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ReplayFeed plays every readable frame to a live book, then says the file ends early, in its state and its log', async () => {
    const logged: string[] = [];
    const feed = new ReplayFeed({ file: cut, speed: 5000, log: (level, message) => logged.push(`${level}: ${message}`) });
    let sawLive = false;
    try {
      await feed.start();
      assert.equal(feed.symbol, 'BTCUSDT');
      await waitFor('the replay to finish', () => {
        sawLive ||= feed.state === 'live';
        return feed.health().reason.startsWith('replay finished');
      }, 30_000);
      const health = feed.health();
      assert.ok(sawLive, 'the book went live on the recording');
      assert.match(health.reason, /^replay finished: (\d+) frames; recording ends early: the gzip stream is truncated after [\d,]+ lines/);
      const played = Number(/finished: (\d+) frames/.exec(health.reason)![1]);
      assert.equal(feed.progress.index, played);
      assert.ok(played > 20_000 && played < 93_954, `${played} frames played`);
      assert.equal(health.counters.malformed, 0);
      assert.ok(
        logged.some((l) => /^warn: .*cut\.txt\.gz: recording ends early: the gzip stream is truncated/.test(l)),
        logged.join('\n'),
      );
    } finally {
      await feed.stop();
    }
  });

  it('a missing file fails the ReplayFeed with the file named', async () => {
    const feed = new ReplayFeed({ file: path.join(dir, 'nowhere.gz'), speed: 1 });
    await assert.rejects(feed.start(), /cannot read recording .*nowhere\.gz: ENOENT/);
    assert.equal(feed.state, 'failed');
  });

  it('the local exchange replays the readable part as a market and keeps its last book', async () => {
    const exchange = await LocalExchange.start({ market: { kind: 'replay', file: cut, speed: 5000 } });
    try {
      assert.deepEqual(exchange.symbols(), ['BTCUSDT']);
      let last = -1;
      let steady = 0;
      // The book stops moving once the readable frames are played.
      await waitFor('the replay to reach the cut', () => {
        const id = exchange.topOfBook('BTCUSDT', 1).lastUpdateId;
        steady = id === last && id > 0 ? steady + 1 : 0;
        last = id;
        return steady > 25;
      }, 30_000);
      const top = exchange.topOfBook('BTCUSDT', 1);
      assert.ok(top.bids[0][0] < top.asks[0][0]);
      assert.ok(top.lastUpdateId > 5123107852948, 'past the recording’s snapshot');
    } finally {
      await exchange.stop();
    }
  });

  it('the local exchange refuses a recording with no readable frame, saying why', async () => {
    const empty = path.join(dir, 'head-only.gz');
    fs.writeFileSync(empty, fs.readFileSync(RECORDING_FIXTURE).subarray(0, 10));
    await assert.rejects(LocalExchange.start({ market: { kind: 'replay', file: empty, speed: 1 } }), /holds no recorded frames \(recording ends early: the gzip stream is truncated after 0 lines\)/);
  });
});
