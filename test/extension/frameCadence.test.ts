import * as assert from 'node:assert/strict';
import { CadencedRefresh, FrameCadence } from '../../src/extension/frameCadence';

describe('surfaces refreshing at different rates show the same frame when they refresh together', () => {
  it('takes the first frame of each period', () => {
    const cadence = new FrameCadence(250);
    const taken = [0, 100, 200, 260, 300, 499, 500, 1200].filter((t) => cadence.take(t));
    assert.deepEqual(taken, [0, 260, 500, 1200]);
  });

  it('whenever the slower surface refreshes, the faster one refreshes with the very same frame', () => {
    const fast = new FrameCadence(250);
    const slow = new FrameCadence(500);
    let together = 0;
    // frames every 100 ms with jitter, as the worker's timer delivers them on a busy machine
    let t = 1_700_000_000_037;
    for (let i = 0; i < 2000; i++) {
      t += 80 + ((i * 37) % 45);
      const f = fast.take(t);
      const s = slow.take(t);
      if (s) {
        assert.ok(f, `frame at ${t}: the health view refreshed, the status bar did not`);
        together++;
      }
    }
    assert.ok(together > 300, `refreshed together ${together} times`);
  });

  it('shows a frame that opened no period once the frames stop, and never an older one after a newer', async () => {
    const shown: number[] = [];
    const refresh = new CadencedRefresh<{ time: number; id: number }>(50, (f) => shown.push(f.id));
    try {
      refresh.offer({ time: 1000, id: 1 });
      refresh.offer({ time: 1010, id: 2 });
      refresh.offer({ time: 1020, id: 3 });
      assert.deepEqual(shown, [1]);
      await new Promise((r) => setTimeout(r, 120));
      assert.deepEqual(shown, [1, 3], 'the latest frame, late');
      refresh.offer({ time: 1060, id: 4 });
      assert.deepEqual(shown, [1, 3, 4]);
    } finally {
      refresh.dispose();
    }
  });
});
