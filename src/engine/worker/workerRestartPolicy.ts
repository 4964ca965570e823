/** How the host restarts a feed worker that died; every figure is clamped to a sane range. */
export interface WorkerRestartOptions {
  /** Wait before the first restart (ms); doubles with each crash in a row. */
  readonly firstDelayMs?: number;
  /** Longest wait between restarts (ms). */
  readonly maxDelayMs?: number;
  /** Crashes in a row after which the host stops restarting and asks the user. */
  readonly maxCrashesInRow?: number;
  /** A worker that ran this long before dying counts as healthy: the next crash is the first in a row again. */
  readonly healthyAfterMs?: number;
}

export type RestartDecision =
  | { readonly restart: true; readonly attempt: number; readonly delayMs: number }
  | { readonly restart: false; readonly crashesInRow: number };

const clamp = (value: number | undefined, fallback: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, value !== undefined && Number.isFinite(value) ? value : fallback));

/**
 * Backoff for restarting a crashed worker: 1 s, 2 s, 4 s … up to the cap, and after too many crashes
 * in a row none at all. The count starts over only once a worker has run healthily for a while, so a
 * worker that dies a second after every start backs off instead of restarting at once forever.
 */
export class WorkerRestartPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxCrashesInRow: number;
  readonly healthyAfterMs: number;
  private crashesInRow = 0;
  private startedAt: number;

  constructor(options: WorkerRestartOptions = {}, private readonly now: () => number = Date.now) {
    this.firstDelayMs = clamp(options.firstDelayMs, 1000, 50, 60_000);
    this.maxDelayMs = clamp(options.maxDelayMs, 30_000, this.firstDelayMs, 600_000);
    this.maxCrashesInRow = Math.round(clamp(options.maxCrashesInRow, 5, 1, 100));
    this.healthyAfterMs = clamp(options.healthyAfterMs, 60_000, 100, 3_600_000);
    this.startedAt = now();
  }

  /** A worker has just been started. */
  started(): void {
    this.startedAt = this.now();
  }

  /** A worker died: restart it after `delayMs`, or give up. */
  crashed(): RestartDecision {
    if (this.now() - this.startedAt >= this.healthyAfterMs) this.crashesInRow = 0;
    this.crashesInRow++;
    if (this.crashesInRow > this.maxCrashesInRow) return { restart: false, crashesInRow: this.crashesInRow };
    const delayMs = Math.min(this.maxDelayMs, this.firstDelayMs * 2 ** (this.crashesInRow - 1));
    return { restart: true, attempt: this.crashesInRow, delayMs };
  }
}
