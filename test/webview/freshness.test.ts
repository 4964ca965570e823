import * as assert from 'node:assert/strict';
import {
  FADE_SPAN_MS,
  FADED_ALPHA,
  fadeAfterMs,
  fadeAlpha,
  feedBadge,
  figureAlpha,
  formatAgo,
  formatDuration,
  MIN_FADE_AFTER_MS,
  NOT_CURRENT_ALPHA,
  oneLine,
  pageBadge,
  FRAME_SILENCE_MS,
  type DisplayState,
} from '../../src/shared/freshness';

const at = (state: DisplayState, stateAgeMs = 0, reason = '', eventTime = 0) => feedBadge({ state, reason, stateAgeMs, eventTime });

describe('what every surface says about the age of its figures', () => {
  describe('the feed badge', () => {
    it('says how long the feed has been stale or reconnecting', () => {
      assert.equal(at('stale', 12_400).text, 'stale 12 s');
      assert.equal(at('reconnecting', 3_000).text, 'reconnecting 3 s');
      assert.equal(feedBadge({ state: 'stale', reason: '', stateAgeMs: 12_400, eventTime: 0 }, true).text, 'stale 12s');
      assert.equal(at('stale', 185_000).text, 'stale 3 min');
    });

    it('names a replay by the recording’s own event time, in UTC', () => {
      assert.equal(at('replay', 0, '', Date.UTC(2024, 7, 8, 9, 14, 2, 730)).text, 'replay 2024-08-08 09:14:02');
    });

    it('gives a degraded or failed feed its reason, on one bounded line', () => {
      assert.equal(at('degraded', 0, 'crossed book\nresyncing').text, 'degraded: crossed book resyncing');
      assert.equal(at('failed', 0, 'HTTP 451').text, 'failed: HTTP 451');
      assert.ok(at('failed', 0, 'x'.repeat(1000)).text.length <= 'failed: '.length + 160);
      assert.equal(oneLine('a\u0000b\u001b[31mc\u0085d'), 'a b [31mc d');
    });

    it('calls only a live feed current: paused, replay and every other state dim the numbers', () => {
      assert.equal(at('live').current, true);
      for (const state of ['paused', 'replay', 'stale', 'reconnecting', 'connecting', 'syncing', 'circuit-open', 'degraded', 'failed', 'idle'] as const) {
        assert.equal(at(state).current, false, state);
      }
      assert.equal(at('paused').text, 'paused');
      assert.equal(at('live').text, 'live');
    });
  });

  describe('a page that stops getting frames', () => {
    it('counts the state’s age on from the last frame', () => {
      assert.equal(pageBadge({ state: 'stale', reason: '', stateAgeMs: 10_000, eventTime: 0 }, 2_500).text, 'stale 12 s');
      assert.equal(pageBadge({ state: 'live', reason: '', stateAgeMs: 10_000, eventTime: 0 }, 500).current, true);
    });

    it('stops calling the last frame live once frames have not come for FRAME_SILENCE_MS', () => {
      const badge = pageBadge({ state: 'live', reason: '', stateAgeMs: 0, eventTime: 0 }, FRAME_SILENCE_MS + 4000);
      assert.equal(badge.current, false);
      assert.equal(badge.text, 'no update for 7 s');
    });
  });

  describe('ages in words', () => {
    it('counts in the largest whole unit', () => {
      assert.equal(formatDuration(800), '800 ms');
      assert.equal(formatDuration(59_999), '59 s');
      assert.equal(formatDuration(125_000), '2 min');
      assert.equal(formatDuration(3 * 3_600_000), '3 h');
      assert.equal(formatDuration(NaN), '0 s');
      assert.equal(formatAgo(125_000), '2 min ago');
      assert.equal(formatAgo(300), 'just now');
      assert.equal(formatAgo(NaN), '—', 'an age that is not known is not "NaN ago"');
    });
  });

  describe('fading', () => {
    it('waits a few refreshes, never less than a second', () => {
      assert.equal(fadeAfterMs(100), MIN_FADE_AFTER_MS);
      assert.equal(fadeAfterMs(500), 2500);
      assert.equal(fadeAfterMs(NaN), MIN_FADE_AFTER_MS);
    });

    it('keeps fresh figures at full strength, then fades them to FADED_ALPHA over FADE_SPAN_MS', () => {
      const after = 1000;
      assert.equal(fadeAlpha(0, after), 1);
      assert.equal(fadeAlpha(after, after), 1);
      const halfway = fadeAlpha(after + FADE_SPAN_MS / 2, after);
      assert.ok(halfway < 1 && halfway > FADED_ALPHA, `halfway ${halfway}`);
      assert.equal(fadeAlpha(after + FADE_SPAN_MS, after), FADED_ALPHA);
      assert.equal(fadeAlpha(after + 100 * FADE_SPAN_MS, after), FADED_ALPHA);
      // monotonic: an older figure is never drawn stronger
      let previous = 1;
      for (let age = 0; age < after + FADE_SPAN_MS + 500; age += 250) {
        const a = fadeAlpha(age, after);
        assert.ok(a <= previous);
        previous = a;
      }
    });

    it('dims figures that are not current even when they just changed', () => {
      assert.equal(figureAlpha(at('live'), 0, 1000), 1);
      assert.equal(figureAlpha(at('stale', 5000), 0, 1000), NOT_CURRENT_ALPHA);
      assert.equal(figureAlpha(at('replay'), 100_000, 1000), FADED_ALPHA);
    });
  });
});
