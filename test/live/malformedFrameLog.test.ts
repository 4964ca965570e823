import * as assert from 'node:assert/strict';
import { TimerSet, type Clock } from '../../src/engine/live/clock';
import { kindOf, MALFORMED_SUMMARY_EVERY_MS, MALFORMED_VERBATIM_LINES, MalformedFrameLog } from '../../src/engine/live/malformedFrameLog';

/** A clock whose time moves only when told, firing the timers that fall due. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 0;
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return { id };
    },
    clearTimeout: (handle) => {
      timers.delete(handle.id as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

const OFF_GRID = (price: string): string => `bad level ["${price}","1.000"]: the price is not a multiple of the tick size 0.1`;

/** The number of frames a log line accounts for: one for a verbatim line, the count of a summary. */
function framesIn(line: string): number {
  const summary = /^(\d+) more malformed frames? on/.exec(line);
  return summary ? Number(summary[1]) : 1;
}

describe('the log of malformed frames stays bounded and accounts for every frame', () => {
  function setUp(): { clock: ReturnType<typeof manualClock>; timers: TimerSet; lines: string[]; log: MalformedFrameLog } {
    const clock = manualClock();
    const timers = new TimerSet(clock);
    const lines: string[] = [];
    return { clock, timers, lines, log: new MalformedFrameLog('public', clock, timers, (line) => lines.push(line)) };
  }

  it('a flood of 100,000 frames in a minute writes the first few in full, then one summary per 10 s', () => {
    const { clock, timers, lines, log } = setUp();
    for (let i = 0; i < 100_000; i++) {
      log.note(i % 10 === 0 ? 'not valid JSON: Unexpected end of JSON input' : OFF_GRID(`${60000 + i}.05`), `{"stream":"btcusdt@depth@100ms","data":${i}`);
      clock.advance(0.6);
    }
    log.flush();
    const verbatim = lines.filter((l) => l.startsWith('malformed frame on /public ('));
    const summaries = lines.filter((l) => / more malformed frames on \/public in the last /.test(l));
    assert.equal(verbatim.length, MALFORMED_VERBATIM_LINES);
    assert.equal(lines.length, verbatim.length + summaries.length, lines.slice(0, 8).join('\n'));
    assert.ok(summaries.length <= Math.ceil(60_000 / MALFORMED_SUMMARY_EVERY_MS) + 1, `${summaries.length} summary lines in a minute`);
    assert.equal(lines.reduce((n, l) => n + framesIn(l), 0), 100_000, 'every frame is counted in exactly one line');
    assert.match(summaries[0], /^\d+ more malformed frames on \/public in the last 10 s \(the price is not a multiple of the tick size 0\.1: \d+, Unexpected end of JSON input: \d+\)$/);
    assert.equal(timers.size, 0, 'no timer left after the last summary');
  });

  it('a summary names at most six kinds of problem, the rest as "other"', () => {
    const { clock, lines, log } = setUp();
    for (let i = 0; i < MALFORMED_VERBATIM_LINES; i++) log.note('empty frame', '');
    for (let i = 0; i < 40; i++) log.note(`unknown event type 'kind${i}'`, '{}');
    clock.advance(MALFORMED_SUMMARY_EVERY_MS);
    const summary = lines[lines.length - 1];
    assert.match(summary, /^40 more malformed frames on \/public in the last 10 s \(/);
    assert.match(summary, /other: 34\)$/);
    assert.equal(summary.split(': ').length - 1, 7, summary);
  });

  it('after a quiet 10 s the next frames are written in full again', () => {
    const { clock, lines, log } = setUp();
    for (let i = 0; i < MALFORMED_VERBATIM_LINES + 3; i++) log.note('empty frame', '');
    clock.advance(MALFORMED_SUMMARY_EVERY_MS);
    assert.equal(lines.length, MALFORMED_VERBATIM_LINES + 1);
    assert.match(lines[lines.length - 1], /^3 more malformed frames on \/public in the last 10 s \(empty frame: 3\)$/);
    clock.advance(MALFORMED_SUMMARY_EVERY_MS);
    log.note('empty frame', 'later');
    assert.equal(lines[lines.length - 1], 'malformed frame on /public (empty frame): later');
  });

  it("a frame's own text is cut short and made plain before it reaches the log", () => {
    const { lines, log } = setUp();
    log.note(`trade: field 'p' ("${'9'.repeat(1_000_000)}"): the price is beyond what tick 0.1 can hold exactly`, `\u001b[2J${'x'.repeat(10_000)}\n\u0007`);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].length < 500, `${lines[0].length} characters`);
    assert.doesNotMatch(lines[0], /[\u0000-\u001f\u007f]/);
  });

  it('groups reasons by the problem, not by the offending text', () => {
    assert.equal(kindOf(OFF_GRID('60000.05')), kindOf(OFF_GRID('1.23')));
    assert.equal(kindOf('expected \',\' at offset 17, found "x"'), kindOf('expected \',\' at offset 912, found "}"'));
    assert.equal(kindOf('empty frame'), 'empty frame');
  });
});
