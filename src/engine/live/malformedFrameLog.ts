import { serverText } from '../core/untrustedText';
import type { Clock, TimerHandle, TimerSet } from './clock';
import { formatDuration } from './feedError';

/** Malformed frames of one connection written to the log in full before the log switches to summaries. */
export const MALFORMED_VERBATIM_LINES = 5;
/** One summary line at most this often per connection; a quiet period this long starts verbatim lines again. */
export const MALFORMED_SUMMARY_EVERY_MS = 10_000;
/** Kinds of problem named in one summary; the rest are counted as "other". */
const MAX_KINDS = 6;
const OTHER = 'other';
const REASON_CHARS = 200;
const SAMPLE_CHARS = 160;
const KIND_CHARS = 80;

/**
 * The log lines of one connection's malformed frames. A hostile or broken stream can send hundreds
 * a second, so only the first few are written out; the rest are counted by kind and summed up at most
 * once per MALFORMED_SUMMARY_EVERY_MS, and when the connection goes. Every frame is in exactly one
 * line: the verbatim ones count one each, a summary counts the frames it names.
 */
export class MalformedFrameLog {
  private verbatimLeft = MALFORMED_VERBATIM_LINES;
  private lastAt = -Infinity;
  private summarised = 0;
  private windowStart = 0;
  private readonly kinds = new Map<string, number>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly route: string,
    private readonly clock: Clock,
    private readonly timers: TimerSet,
    private readonly write: (message: string) => void,
  ) {}

  note(reason: string, sample: string): void {
    const now = this.clock.now();
    if (this.timer === undefined && now - this.lastAt >= MALFORMED_SUMMARY_EVERY_MS) this.verbatimLeft = MALFORMED_VERBATIM_LINES;
    this.lastAt = now;
    if (this.verbatimLeft > 0) {
      this.verbatimLeft--;
      this.write(`malformed frame on /${this.route} (${serverText(reason, REASON_CHARS)}): ${serverText(sample, SAMPLE_CHARS)}`);
      return;
    }
    if (this.summarised === 0) this.windowStart = now;
    this.summarised++;
    const kind = kindOf(reason);
    const key = this.kinds.has(kind) || this.kinds.size < MAX_KINDS ? kind : OTHER;
    this.kinds.set(key, (this.kinds.get(key) ?? 0) + 1);
    this.timer ??= this.timers.after(MALFORMED_SUMMARY_EVERY_MS, () => {
      this.timer = undefined;
      this.flush();
    });
  }

  /** Writes the summary of the frames not yet in the log (the connection is going, or a window ended). */
  flush(): void {
    this.timers.cancel(this.timer);
    this.timer = undefined;
    if (this.summarised === 0) return;
    const other = this.kinds.get(OTHER);
    this.kinds.delete(OTHER);
    const kinds = [...this.kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind}: ${n}`);
    if (other !== undefined) kinds.push(`${OTHER}: ${other}`);
    const over = Math.max(1, this.clock.now() - this.windowStart);
    this.write(`${this.summarised} more malformed frame${this.summarised === 1 ? '' : 's'} on /${this.route} in the last ${formatDuration(over)} (${kinds.join(', ')})`);
    this.summarised = 0;
    this.kinds.clear();
  }
}

/**
 * The kind of problem a decoder reason names, without the frame's own text (offsets, quoted values),
 * so that a summary groups "not a multiple of the tick size 0.1" however many prices were wrong.
 */
export function kindOf(reason: string): string {
  const problem = reason.slice(reason.lastIndexOf(': ') + 1).trim() || reason;
  const kind = problem
    .replace(/"(?:[^"\\]|\\.)*"/g, '…')
    .replace(/\b(offset|position) \d+/g, '$1 …');
  return serverText(kind, KIND_CHARS);
}
