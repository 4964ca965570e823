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

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => ({ id: setTimeout(callback, Math.max(0, ms)) }),
  clearTimeout: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
};

/**
 * A clock whose time runs `factor` times faster than the wall clock (timers fire `factor` times
 * sooner). Real sockets keep real time; only the feed's own schedule is compressed.
 */
export function acceleratedClock(factor: number, start = Date.now()): Clock {
  const wallStart = Date.now();
  return {
    now: () => start + (Date.now() - wallStart) * factor,
    setTimeout: (callback, ms) => ({ id: setTimeout(callback, Math.max(0, ms / factor)) }),
    clearTimeout: (handle) => clearTimeout(handle.id as NodeJS.Timeout),
  };
}

/**
 * Owns the timers of one component so that disposing it clears every one of them: no timer outlives
 * its owner.
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
    }, ms);
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
