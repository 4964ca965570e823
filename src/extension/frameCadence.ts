/**
 * Which frames a slower surface shows. Every surface gets every frame; the status bar and the
 * health view show the first frame of each period of the worker's clock (250 ms, 500 ms). The
 * periods divide each other, so whenever the slower one refreshes the faster one refreshes with the
 * very same frame — and the panel gets that frame at the same moment: when the surfaces refresh
 * together they show the same best bid / ask. A frame that opens no period is shown after a period
 * only if no newer one came (the feed went quiet), so a surface never stays behind.
 */
export class FrameCadence {
  private lastPeriod = -Infinity;

  constructor(readonly periodMs: number) {
    if (!(periodMs > 0)) throw new RangeError(`a cadence needs a positive period, got ${periodMs}`);
  }

  /** True when the frame taken at `time` (worker clock, ms) opens a new period: show it now. */
  take(time: number): boolean {
    const period = Math.floor(time / this.periodMs);
    if (period <= this.lastPeriod) return false;
    this.lastPeriod = period;
    return true;
  }
}

/** A surface's refresh: `show` runs for the frames the cadence takes, and for a late one when frames stop. */
export class CadencedRefresh<T extends { readonly time: number }> {
  private readonly cadence: FrameCadence;
  private pending: T | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    periodMs: number,
    private readonly show: (frame: T) => void,
  ) {
    this.cadence = new FrameCadence(periodMs);
  }

  offer(frame: T): void {
    if (this.cadence.take(frame.time)) {
      this.clear();
      this.show(frame);
      return;
    }
    this.pending = frame;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const late = this.pending;
      this.pending = undefined;
      if (late) this.show(late);
    }, this.cadence.periodMs);
  }

  dispose(): void {
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
