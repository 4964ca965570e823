import * as assert from 'node:assert/strict';
import type { Clock } from '../../src/engine/live/clock';
import { HEALTHY_CONNECTION_MS } from '../../src/engine/live/delayBounds';
import { startPair, waitFor, type Pair } from './support/feedHarness';

/** The feed's own schedule `factor` times faster than the wall clock; sockets keep real time. */
function fastClock(factor: number): Clock {
  const wallStart = Date.now();
  return {
    now: () => wallStart + (Date.now() - wallStart) * factor,
    setTimeout: (callback, ms) => ({ id: setTimeout(callback, Math.max(0, ms / factor)) }),
    clearTimeout: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
  };
}

const FACTOR = 100;

function attempts(pair: Pair): number[] {
  return pair.states.map((s) => /attempt (\d+)/.exec(s.reason)?.[1]).filter((a): a is string => a !== undefined).map(Number);
}

/**
 * The backoff is forgotten only after a connection has stayed live for HEALTHY_CONNECTION_MS (30 s),
 * shown both ways with the feed's clock 100 times faster: a server that cuts each connection 60 s
 * (feed time) after it goes live always sees "attempt 1"; one that cuts after 15 s sees the attempts
 * grow into the circuit breaker.
 */
describe('backoff is reset only by a connection that stayed live for a while', function () {
  this.timeout(30_000);
  const feedOptions = { clock: fastClock(FACTOR), staleAfterMs: 300_000, restTimeoutMs: 1_000_000, verifyEveryMs: 3_600_000 } as const;

  it(`a connection live for longer than ${HEALTHY_CONNECTION_MS / 1000} s starts the next failure from attempt 1`, async () => {
    const pair = await startPair({ faults: { closeAfterSnapshotMs: (2 * HEALTHY_CONNECTION_MS) / FACTOR } }, feedOptions);
    try {
      await waitFor('four cuts', () => attempts(pair).length >= 4, 20_000);
      assert.deepEqual(attempts(pair).slice(0, 4), [1, 1, 1, 1]);
      assert.ok(!pair.states.some((s) => s.state === 'circuit-open'), 'the breaker stays closed');
    } finally {
      await pair.stop();
    }
  });

  it(`a connection cut ${HEALTHY_CONNECTION_MS / 2000} s after going live keeps the backoff growing into the breaker`, async () => {
    const pair = await startPair({ faults: { closeAfterSnapshotMs: HEALTHY_CONNECTION_MS / 2 / FACTOR } }, feedOptions);
    try {
      await waitFor('the breaker to open', () => pair.states.some((s) => s.state === 'circuit-open'), 20_000);
      assert.deepEqual(attempts(pair).slice(0, 4), [1, 2, 3, 4]);
    } finally {
      await pair.stop();
    }
  });
});
