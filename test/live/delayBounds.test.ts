import * as assert from 'node:assert/strict';
import { systemClock, TimerSet, type Clock } from '../../src/engine/live/clock';
import {
  MAX_TIMER_MS,
  RETRY_AFTER_MIN_MS,
  RETRY_DELAY_MAX_MS,
  RETRY_DELAY_MIN_MS,
  retryAfterWait,
  retryDelay,
  timerDelay,
} from '../../src/engine/live/delayBounds';
import { errorFromStatus } from '../../src/engine/live/feedError';
import { RequestWeightBudget } from '../../src/engine/live/requestBudget';

const NOW = Date.parse('2026-12-01T10:00:00Z');

/** A clock that records the delays it was asked for and never fires. */
function recordingClock(): Clock & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    now: () => NOW,
    setTimeout: (_callback, ms) => {
      asked.push(ms);
      return { id: asked.length };
    },
    clearTimeout: () => undefined,
  };
}

describe('delay bounds: no wait escapes its range', () => {
  it('keeps timer delays inside what Node honours, and NaN is a long wait, not an instant one', () => {
    assert.equal(timerDelay(-5), 0);
    assert.equal(timerDelay(1500), 1500);
    assert.equal(timerDelay(3_000_000_000), MAX_TIMER_MS);
    assert.equal(timerDelay(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
    assert.equal(timerDelay(Number.NaN), RETRY_DELAY_MAX_MS);
  });

  it('keeps retry waits between the floor and ten minutes', () => {
    assert.equal(retryDelay(0), RETRY_DELAY_MIN_MS);
    assert.equal(retryDelay(-1e9), RETRY_DELAY_MIN_MS);
    assert.equal(retryDelay(3_000_000_000), RETRY_DELAY_MAX_MS);
    assert.equal(retryDelay(Number.NaN), RETRY_DELAY_MAX_MS);
    assert.equal(retryDelay(2500), 2500);
  });

  it('a TimerSet bounds the delay whatever clock it runs on', () => {
    const clock = recordingClock();
    const timers = new TimerSet(clock);
    timers.after(3_000_000_000_000, () => undefined);
    timers.after(-10, () => undefined);
    assert.deepEqual(clock.asked, [MAX_TIMER_MS, 0]);
    timers.dispose();
  });

  it('the system clock does not fire an over-long delay at once (Node would, after 1 ms)', async () => {
    let fired = false;
    const handle = systemClock.setTimeout(() => {
      fired = true;
    }, 3_000_000 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    systemClock.clearTimeout(handle);
    assert.equal(fired, false);
  });
});

describe('Retry-After: absurd values become a bounded wait, and say so', () => {
  const cases: Array<[string, number, RegExp | undefined]> = [
    ['7', 7000, undefined],
    ['3000000', RETRY_DELAY_MAX_MS, /asked to wait 35 days.*waiting 10 min instead/],
    ['0', RETRY_AFTER_MIN_MS, /asked to wait 0 ms.*waiting 1 s instead/],
    ['-5', 60_000, /lies in the past; waiting 60 s/],
    ['soon', 60_000, /neither seconds nor a date; waiting 60 s/],
    ['1e400', 60_000, /neither seconds nor a date/],
    [new Date(NOW + 30_000).toUTCString(), 30_000, undefined],
    [new Date(NOW + 365 * 86_400_000).toUTCString(), RETRY_DELAY_MAX_MS, /asked to wait 365 days/],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000, /lies in the past/],
  ];
  for (const [header, ms, note] of cases) {
    it(`"${header}" → ${ms} ms`, () => {
      const wait = retryAfterWait(header, 60_000, NOW);
      assert.equal(wait.ms, ms);
      if (note === undefined) assert.equal(wait.note, undefined);
      else assert.match(wait.note ?? '', note);
    });
  }

  it('strips control characters from the header before quoting it', () => {
    const wait = retryAfterWait('soon\u001b[2J', 60_000, NOW);
    assert.ok(!/\u001b/.test(wait.note ?? ''), wait.note);
  });

  it('a 429 with Retry-After 3000000 waits ten minutes and says why in its message', () => {
    const error = errorFromStatus(429, 'http://x/fapi/v1/depth', '3000000', undefined, NOW);
    assert.equal(error.retryAfterMs, RETRY_DELAY_MAX_MS);
    assert.match(error.message, /HTTP 429.*waiting 10 min before trying again \(the exchange asked to wait 35 days/);
  });

  it('a 418 without Retry-After waits Binance’s two minutes', () => {
    const error = errorFromStatus(418, 'http://x/fapi/v1/depth', null, undefined, NOW);
    assert.equal(error.retryAfterMs, 120_000);
  });

  it('an error body in a message is cut short and loses its control characters', () => {
    const error = errorFromStatus(400, 'http://x/fapi/v1/depth', null, `bad\u001b]8;;http://evil\u0007 ${'x'.repeat(5000)}`, NOW);
    assert.ok(error.message.length < 300, `${error.message.length} characters`);
    assert.ok(!/[\u0000-\u001f]/.test(error.message));
  });

  it('the request budget never blocks longer than the bound', () => {
    const clock = recordingClock();
    const budget = new RequestWeightBudget(clock);
    budget.blockFor(3_000_000_000);
    assert.equal(budget.delayFor(20), RETRY_DELAY_MAX_MS);
    budget.blockFor(Number.NaN);
    assert.equal(budget.delayFor(20), RETRY_DELAY_MAX_MS);
  });
});
