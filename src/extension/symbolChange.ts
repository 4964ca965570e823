import { checkSymbolInput } from './settingsModel';

/** How long typing must pause before a new symbol is looked at (the Settings editor saves as you type). */
export const SYMBOL_SETTLE_MS = 600;
const MIN_SETTLE_MS = 100;
const MAX_SETTLE_MS = 5000;

export type SymbolDecision =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'apply'; readonly symbol: string }
  | { readonly kind: 'refuse'; readonly message: string };

/**
 * Whether the symbol as written may replace the one in force: it must look like a futures symbol,
 * and be one the exchange lists when the list is at hand (`listed` undefined: the feed looks the
 * symbol up itself and refuses an unknown one).
 */
export function decideSymbol(input: unknown, current: string, listed: readonly string[] | undefined): SymbolDecision {
  const checked = checkSymbolInput(input, current);
  if (!checked.ok) return { kind: 'refuse', message: checked.message };
  if (checked.symbol === current) return { kind: 'unchanged' };
  if (listed !== undefined && !listed.includes(checked.symbol)) {
    return {
      kind: 'refuse',
      message: `flowsight.symbol: the exchange lists no trading symbol "${checked.symbol}" — use FlowSight: Select Symbol to pick one. Keeping ${JSON.stringify(current)}.`,
    };
  }
  return { kind: 'apply', symbol: checked.symbol };
}

/**
 * Holds a typed symbol until typing has paused, then hands over only the last one; settles run one
 * at a time, in order, and one that fails (reported through onError) does not stop the next. Owns
 * its timer: dispose() drops what is pending.
 */
export class SymbolChangeQueue {
  private timer: NodeJS.Timeout | undefined;
  private pending: { input: unknown } | undefined;
  private running: Promise<void> = Promise.resolve();
  private disposed = false;
  readonly settleMs: number;

  constructor(
    private readonly settle: (input: unknown) => Promise<void>,
    private readonly onError: (err: unknown) => void,
    settleMs = SYMBOL_SETTLE_MS,
  ) {
    this.settleMs = Math.min(MAX_SETTLE_MS, Math.max(MIN_SETTLE_MS, Number.isFinite(settleMs) ? settleMs : SYMBOL_SETTLE_MS));
  }

  /** A new value as written; the quiet period starts again. */
  propose(input: unknown): void {
    if (this.disposed) return;
    this.pending = { input };
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), this.settleMs);
  }

  get isPending(): boolean {
    return this.pending !== undefined;
  }

  /** Resolves once every settle started so far has finished. */
  idle(): Promise<void> {
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (!pending || this.disposed) return;
    this.running = this.running.then(() => (this.disposed ? undefined : this.settle(pending.input))).catch((err: unknown) => this.onError(err));
  }
}
