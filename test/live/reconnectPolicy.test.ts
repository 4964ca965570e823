import * as assert from 'node:assert/strict';
import { ReconnectPolicy } from '../../src/engine/live/reconnectPolicy';
import { RequestWeightBudget } from '../../src/engine/live/requestBudget';
import { errorFromException, errorFromStatus } from '../../src/engine/live/feedError';
import type { Clock } from '../../src/engine/live/clock';

function manualClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimeout: () => ({ id: undefined }),
    clearTimeout: () => undefined,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('ReconnectPolicy', () => {
  it('backs off exponentially with full jitter, capped, starting at the 250 ms base', () => {
    const policy = new ReconnectPolicy({ random: () => 0.999999, maxAttempts: 100 });
    const delays = Array.from({ length: 10 }, () => policy.onFailure().delayMs);
    assert.deepEqual(delays.slice(0, 6), [249, 499, 999, 1999, 3999, 7999]);
    assert.ok(delays.every((d) => d <= 30_000));
    assert.equal(delays[9], 29_999);
  });

  it('spreads delays over [floor, ceiling) with the random source (full jitter)', () => {
    const low = new ReconnectPolicy({ random: () => 0 });
    const mid = new ReconnectPolicy({ random: () => 0.5 });
    low.onFailure();
    mid.onFailure();
    const l = low.onFailure();
    const m = mid.onFailure();
    assert.equal(l.kind, 'retry');
    assert.ok(l.delayMs >= 50 && l.delayMs < m.delayMs, `${l.delayMs} < ${m.delayMs}`);
  });

  it('never retries in a tight loop: the smallest delay is 50 ms', () => {
    const policy = new ReconnectPolicy({ random: () => 0 });
    assert.ok(policy.onFailure().delayMs >= 50);
  });

  it('opens the circuit after maxAttempts failures in a row, for the cool-down, then allows attempts again', () => {
    const policy = new ReconnectPolicy({ maxAttempts: 3, cooldownMs: 60_000, random: () => 0.5 });
    assert.equal(policy.onFailure().kind, 'retry');
    assert.equal(policy.onFailure().kind, 'retry');
    const third = policy.onFailure();
    assert.deepEqual(third, { kind: 'circuit-open', delayMs: 60_000, failures: 3 });
    assert.equal(policy.onFailure().kind, 'retry', 'after the cool-down it tries again');
    assert.equal(policy.timesCircuitOpened, 1);
  });

  it('starts from the beginning after a success', () => {
    const policy = new ReconnectPolicy({ random: () => 0.999999 });
    policy.onFailure();
    policy.onFailure();
    policy.onSuccess();
    assert.equal(policy.consecutiveFailures, 0);
    assert.equal(policy.onFailure().delayMs, 249);
  });
});

describe('RequestWeightBudget', () => {
  it('lets snapshots through until the budget is spent, then says how long to wait', () => {
    const clock = manualClock();
    const budget = new RequestWeightBudget(clock, 100);
    for (let i = 0; i < 5; i++) {
      assert.equal(budget.delayFor(20), 0);
      budget.spend(20);
      clock.advance(1000);
    }
    const wait = budget.delayFor(20);
    assert.equal(wait, 55_000, 'the first spend leaves the 60 s window 55 s from now');
    clock.advance(wait);
    assert.equal(budget.delayFor(20), 0);
  });

  it('honours a Retry-After block for every request', () => {
    const clock = manualClock();
    const budget = new RequestWeightBudget(clock, 1000);
    budget.blockFor(3000);
    assert.equal(budget.delayFor(1), 3000);
    clock.advance(3000);
    assert.equal(budget.delayFor(1), 0);
  });

  it('slows down when the exchange reports the IP is near its 2,400 limit', () => {
    const clock = manualClock(60_000 * 100 + 10_000);
    const budget = new RequestWeightBudget(clock, 1000);
    budget.spend(1);
    budget.exchangeReportedWeight = 2300;
    assert.equal(budget.delayFor(20), 50_000);
  });
});

describe('feed errors', () => {
  it('tells a 451 plainly, says what to change, and does not retry', () => {
    const e = errorFromStatus(451, 'https://fapi.binance.com/fapi/v1/exchangeInfo');
    assert.equal(e.kind, 'restricted-location');
    assert.equal(e.retryable, false);
    assert.match(e.message, /^Binance refuses connections from this location \(HTTP 451/);
    assert.match(e.message, /demo feed/);
  });

  it('honours Retry-After on 429 and 418', () => {
    assert.equal(errorFromStatus(429, 'x', '7').retryAfterMs, 7000);
    const banned = errorFromStatus(418, 'x', '120');
    assert.equal(banned.kind, 'ip-banned');
    assert.equal(banned.retryAfterMs, 120_000);
    assert.equal(banned.retryable, true);
  });

  it('gives 403, DNS failure, refused connection and TLS errors their own reasons', () => {
    assert.equal(errorFromStatus(403, 'x').kind, 'forbidden');
    assert.equal(errorFromException(Object.assign(new Error('getaddrinfo ENOTFOUND fstream.binance.com'), { code: 'ENOTFOUND' }), 'x').kind, 'dns');
    assert.equal(errorFromException(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), 'x').kind, 'refused');
    assert.equal(errorFromException(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'x').kind, 'tls');
    assert.equal(errorFromStatus(503, 'x').kind, 'server-error');
  });
});
