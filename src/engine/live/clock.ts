import { timerDelay } from './delayBounds';

/**
 * Time as the live feed sees it. Injected so that hour-scale behaviour (the exchange's 24 h cut, circuit
 * breaker cool-downs) can be tested in seconds, and so tests can control "now".
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: unknown;
}

/** The wall clock. Its timers take only delays Node honours (see delayBounds.ts). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => ({ id: setTimeout(callback, timerDelay(ms)) }),
  clearTimeout: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
};

/**
 * Owns the timers of one component so that disposing it clears every one of them: no timer outlives
 * its owner. It bounds every delay itself, whatever clock it runs on, so no caller can schedule one
 * that Node would fire at once.
 */
export class TimerSet {
  private readonly live = new Set<TimerHandle>();
  private disposed = false;

  constructor(private readonly clock: Clock) {}

  after(ms: number, callback: () => void): TimerHandle {
    if (this.disposed) return { id: undefined };
    const handle: TimerHandle = this.clock.setTimeout(() => {
      this.live.delete(handle);
      callback();
    }, timerDelay(ms));
    this.live.add(handle);
    return handle;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined || !this.live.has(handle)) return;
    this.live.delete(handle);
    this.clock.clearTimeout(handle);
  }

  get size(): number {
    return this.live.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const handle of this.live) this.clock.clearTimeout(handle);
    this.live.clear();
  }
}
