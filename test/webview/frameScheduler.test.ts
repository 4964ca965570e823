import assert from 'node:assert/strict';
import { FrameScheduler, Invalidation, type InvalidationLevel } from '../../webview/frameScheduler';
import { TextWidthCache } from '../../webview/textWidthCache';

/** A hand-cranked requestAnimationFrame. */
function fakeFrames(): { request: (cb: (t: number) => void) => void; pending: () => number; run: () => void } {
  let queue: Array<(t: number) => void> = [];
  return {
    request: (cb) => {
      queue.push(cb);
    },
    pending: () => queue.length,
    run: () => {
      const now = queue;
      queue = [];
      for (const cb of now) cb(16);
    },
  };
}

describe('frameScheduler', () => {
  it('coalesces a burst of invalidations into one frame at the highest level', () => {
    const frames = fakeFrames();
    const rendered: InvalidationLevel[] = [];
    const scheduler = new FrameScheduler(frames.request, (level) => rendered.push(level));
    scheduler.invalidate(Invalidation.Overlay);
    for (let i = 0; i < 50; i++) scheduler.invalidate(Invalidation.Full); // 50 snapshots in one frame
    scheduler.invalidate(Invalidation.Overlay);
    assert.equal(frames.pending(), 1);
    frames.run();
    assert.deepEqual(rendered, [Invalidation.Full]);
  });

  it('requests nothing for None and nothing once the frame has run', () => {
    const frames = fakeFrames();
    const rendered: InvalidationLevel[] = [];
    const scheduler = new FrameScheduler(frames.request, (level) => rendered.push(level));
    scheduler.invalidate(Invalidation.None);
    assert.equal(frames.pending(), 0);
    scheduler.invalidate(Invalidation.Overlay);
    frames.run();
    frames.run();
    assert.deepEqual(rendered, [Invalidation.Overlay]);
  });

  it('lets a frame ask for the next one (an animation) without losing it', () => {
    const frames = fakeFrames();
    let count = 0;
    const scheduler: FrameScheduler = new FrameScheduler(frames.request, () => {
      count++;
      if (count < 3) scheduler.invalidate(Invalidation.Full);
    });
    scheduler.invalidate(Invalidation.Full);
    frames.run();
    frames.run();
    frames.run();
    frames.run();
    assert.equal(count, 3);
  });
});

describe('textWidthCache', () => {
  it('measures each text once per font and starts over when the font changes', () => {
    const cache = new TextWidthCache();
    let measured = 0;
    const measure = (t: string): number => {
      measured++;
      return t.length * 7;
    };
    assert.equal(cache.width('13px mono', '61,659.7', measure), 56);
    assert.equal(cache.width('13px mono', '61,659.7', measure), 56);
    assert.equal(measured, 1);
    cache.width('26px mono', '61,659.7', measure);
    assert.equal(measured, 2);
  });

  it('never grows past its limit', () => {
    const cache = new TextWidthCache(10);
    for (let i = 0; i < 100; i++) cache.width('f', String(i), (t) => t.length);
    assert.ok(cache.size <= 10);
  });
});
