import * as assert from 'node:assert/strict';
import { WorkerRestartPolicy } from '../../src/engine/worker/workerRestartPolicy';

describe('WorkerRestartPolicy', () => {
  it('doubles the wait with each crash in a row, up to the cap, then gives up', () => {
    let now = 0;
    const policy = new WorkerRestartPolicy({ firstDelayMs: 1000, maxDelayMs: 5000, maxCrashesInRow: 5, healthyAfterMs: 60_000 }, () => now);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      now += 500;
      const d = policy.crashed();
      assert.ok(d.restart, `crash ${i + 1} is restarted`);
      assert.equal(d.attempt, i + 1);
      delays.push(d.delayMs);
      now += d.delayMs;
      policy.started();
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
    now += 500;
    assert.deepEqual(policy.crashed(), { restart: false, crashesInRow: 6 });
  });

  it('starts counting again only after a worker ran healthily for a while', () => {
    let now = 0;
    const policy = new WorkerRestartPolicy({ firstDelayMs: 1000, healthyAfterMs: 60_000 }, () => now);
    now = 1000;
    assert.deepEqual(policy.crashed(), { restart: true, attempt: 1, delayMs: 1000 });
    policy.started();
    now += 59_000; // ran 59 s: not yet healthy
    assert.deepEqual(policy.crashed(), { restart: true, attempt: 2, delayMs: 2000 });
    policy.started();
    now += 60_000; // ran a minute: healthy
    assert.deepEqual(policy.crashed(), { restart: true, attempt: 1, delayMs: 1000 });
  });

  it('clamps every figure to a sane range', () => {
    const wild = new WorkerRestartPolicy({ firstDelayMs: -5, maxDelayMs: 2 ** 40, maxCrashesInRow: 0, healthyAfterMs: Number.NaN });
    assert.equal(wild.firstDelayMs, 50);
    assert.equal(wild.maxDelayMs, 600_000);
    assert.equal(wild.maxCrashesInRow, 1);
    assert.equal(wild.healthyAfterMs, 60_000);
    const inverted = new WorkerRestartPolicy({ firstDelayMs: 10_000, maxDelayMs: 10 });
    assert.equal(inverted.maxDelayMs, 10_000, 'the cap is never below the first wait');
  });
});
