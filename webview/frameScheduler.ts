/**
 * Coalesces redraw requests into one animation frame, with an invalidation level as in
 * lightweight-charts: nothing, the overlay only (hover moved), or everything (new data, resize,
 * theme). Any number of invalidations before the frame runs cost one frame at the highest level.
 *
 * The frame source is injected (requestAnimationFrame in the webview, a fake in tests): the webview
 * never redraws from a timer, only from a frame that a message or an input event asked for.
 */

export const Invalidation = {
  None: 0,
  Overlay: 1,
  Full: 2,
} as const;

export type InvalidationLevel = (typeof Invalidation)[keyof typeof Invalidation];

export type RequestFrame = (callback: (time: number) => void) => unknown;

export class FrameScheduler {
  private pending: InvalidationLevel = Invalidation.None;
  private scheduled = false;

  constructor(
    private readonly requestFrame: RequestFrame,
    private readonly render: (level: InvalidationLevel, time: number) => void,
  ) {}

  /** Asks for a frame at `level` or above; a frame already requested just takes the higher level. */
  invalidate(level: InvalidationLevel): void {
    if (level > this.pending) this.pending = level;
    if (this.scheduled || this.pending === Invalidation.None) return;
    this.scheduled = true;
    this.requestFrame(this.run);
  }

  get pendingLevel(): InvalidationLevel {
    return this.pending;
  }

  private readonly run = (time: number): void => {
    this.scheduled = false;
    const level = this.pending;
    this.pending = Invalidation.None;
    // Invalidations made while rendering (an animation asking for its next frame) schedule a new frame.
    if (level !== Invalidation.None) this.render(level, time);
  };
}
