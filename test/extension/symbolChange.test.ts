import * as assert from 'node:assert/strict';
import { decideSymbol, SYMBOL_SETTLE_MS, SymbolChangeQueue } from '../../src/extension/symbolChange';

const LISTED = ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a typed symbol', () => {
  describe('decideSymbol', () => {
    it('applies a symbol the exchange lists, upper-cased and trimmed', () => {
      assert.deepEqual(decideSymbol(' ethusdt ', 'BTCUSDT', LISTED), { kind: 'apply', symbol: 'ETHUSDT' });
    });

    it('refuses a symbol the exchange does not list, naming the setting and keeping the current one', () => {
      const decision = decideSymbol('BTC', 'BTCUSDT', LISTED);
      assert.equal(decision.kind, 'refuse');
      assert.match(decision.kind === 'refuse' ? decision.message : '', /^flowsight\.symbol: the exchange lists no trading symbol "BTC" .* Keeping "BTCUSDT"\.$/);
    });

    it('refuses text that cannot be a futures symbol before asking the exchange', () => {
      const decision = decideSymbol('BTC-USD', 'ETHUSDT', undefined);
      assert.equal(decision.kind, 'refuse');
      assert.match(decision.kind === 'refuse' ? decision.message : '', /^flowsight\.symbol: "BTC-USD" is not allowed — .* Keeping "ETHUSDT"\.$/);
    });

    it('changes nothing when the value is the symbol in force', () => {
      assert.deepEqual(decideSymbol('btcusdt', 'BTCUSDT', LISTED), { kind: 'unchanged' });
      assert.deepEqual(decideSymbol(undefined, 'BTCUSDT', LISTED), { kind: 'unchanged' }, 'a removed setting means the default, BTCUSDT');
    });

    it('leaves the check to the feed when no list is at hand', () => {
      assert.deepEqual(decideSymbol('SOLUSDT', 'BTCUSDT', undefined), { kind: 'apply', symbol: 'SOLUSDT' });
    });
  });

  describe('SymbolChangeQueue', () => {
    let queue: SymbolChangeQueue | undefined;
    afterEach(() => queue?.dispose());

    it('hands over only the last value once typing has paused for the settle time', async () => {
      const settled: unknown[] = [];
      queue = new SymbolChangeQueue(async (input) => void settled.push(input), (err) => assert.fail(String(err)), 150);
      for (const typed of ['B', 'BT', 'BTC', 'BTC-', 'BTC-U', 'BTC-US', 'BTC-USD']) {
        queue.propose(typed);
        await sleep(30);
      }
      assert.deepEqual(settled, [], 'nothing while typing');
      await sleep(400);
      await queue.idle();
      assert.deepEqual(settled, ['BTC-USD']);
    });

    it('runs settles one at a time, in order, and a failing one does not stop the next', async () => {
      const events: string[] = [];
      const errors: unknown[] = [];
      queue = new SymbolChangeQueue(
        async (input) => {
          events.push(`start ${String(input)}`);
          await sleep(200);
          if (input === 'A') {
            events.push('fail A');
            throw new Error('refused');
          }
          events.push(`end ${String(input)}`);
        },
        (err) => errors.push(err),
        100,
      );
      queue.propose('A');
      await sleep(150);
      queue.propose('B');
      await sleep(600);
      await queue.idle();
      assert.deepEqual(events, ['start A', 'fail A', 'start B', 'end B'], 'B waited for A');
      assert.equal(errors.length, 1);
    });

    it('clamps its settle time and drops what is pending on dispose', async () => {
      assert.equal(new SymbolChangeQueue(async () => {}, () => {}, 0).settleMs, 100);
      assert.equal(new SymbolChangeQueue(async () => {}, () => {}, 1e9).settleMs, 5000);
      assert.equal(new SymbolChangeQueue(async () => {}, () => {}, Number.NaN).settleMs, SYMBOL_SETTLE_MS);
      let settled = 0;
      queue = new SymbolChangeQueue(async () => void settled++, () => {}, 100);
      queue.propose('ETHUSDT');
      queue.dispose();
      queue.propose('DOGEUSDT');
      await sleep(250);
      assert.equal(settled, 0);
    });
  });
});
