import type { WireDepthUpdate, WireLevel } from '../protocol/binanceTypes';
import { ID_SHIFT, type FaultConfig, type FaultKind } from './faults';

/** The ways a level can be written that no client may merge into its book, served in turn. */
export const IMPOSSIBLE_LEVELS = [
  'price 0',
  'price off the tick grid',
  'price with an exponent',
  'price 1e308',
  'price 1e-400',
  'price with leading zeros',
  'negative quantity',
  'non-finite quantity',
] as const;

/** A level no exchange has: the quantity makes a wrong merge visible in the book. */
const BOGUS_QTY = '777.777';

/** Where a phantom level can go: a price in a gap of the exchange's own top levels, as the wire writes it. */
export type PhantomSource = (symbol: string) => WireLevel | undefined;

/**
 * One connection's lies about its diff-depth stream, in the order a hostile exchange would tell them.
 * Each lie rewrites the payload of a real diff, so the rest of the frame stays plausible; `tell`
 * returns the payload to send and the fault to record, if any.
 */
export class DiffLies {
  private diffs = 0;
  private impossibleTurn = 0;

  constructor(private readonly phantom: PhantomSource) {}

  tell(payload: string, faults: FaultConfig): { payload: string; told: Array<{ kind: FaultKind; detail: string }> } {
    this.diffs++;
    const n = this.diffs;
    const told: Array<{ kind: FaultKind; detail: string }> = [];
    const reset = faults.idsResetAfterNDiffs !== undefined && n >= faults.idsResetAfterNDiffs;
    const jump = every(faults.idsJumpEveryNDiffs, n);
    const crossed = every(faults.crossedEveryNDiffs, n);
    const impossible = every(faults.impossibleEveryNDiffs, n);
    const phantom = every(faults.phantomEveryNDiffs, n);
    if (!reset && !jump && !crossed && !impossible && !phantom) return { payload, told };
    const diff = JSON.parse(payload) as WireDepthUpdate;
    if (reset) {
      diff.U -= ID_SHIFT;
      diff.u -= ID_SHIFT;
      diff.pu -= ID_SHIFT;
      if (n === faults.idsResetAfterNDiffs) told.push({ kind: 'idsReset', detail: `update ids reset ${ID_SHIFT} lower from diff ${n} on` });
    }
    if (jump) {
      diff.U += ID_SHIFT;
      diff.u += ID_SHIFT;
      told.push({ kind: 'idsJump', detail: `diff ${n} claims ids ${ID_SHIFT} ahead (u ${diff.u})` });
    }
    const sample = diff.b[0] ?? diff.a[0];
    if (crossed && sample !== undefined) {
      const price = twice(sample[0]);
      diff.b.push([price, sample[1] === '0' || Number(sample[1]) === 0 ? '1' : sample[1]]);
      told.push({ kind: 'crossed', detail: `diff ${n} carries a bid at ${price}, above every ask` });
    }
    if (impossible && sample !== undefined) {
      const kind = IMPOSSIBLE_LEVELS[this.impossibleTurn++ % IMPOSSIBLE_LEVELS.length];
      const level = impossibleLevel(kind, sample);
      (diff.b[0] !== undefined ? diff.b : diff.a).push(level);
      told.push({ kind: 'impossible', detail: `diff ${n} carries a level with ${kind}: ${JSON.stringify(level)}` });
    }
    if (phantom) {
      const level = this.phantom(diff.s);
      if (level !== undefined) {
        diff.b.push(level);
        told.push({ kind: 'phantom', detail: `diff ${n} carries bid ${level[0]} × ${level[1]}, which the exchange's book does not have` });
      }
    }
    return { payload: JSON.stringify(diff), told };
  }
}

function every(n: number | undefined, count: number): boolean {
  return n !== undefined && count % n === 0;
}

/** Twice a price, written with the same decimals (so it stays on the tick grid). */
function twice(price: string): string {
  const dot = price.indexOf('.');
  const decimals = dot < 0 ? 0 : price.length - dot - 1;
  return (Number(price) * 2).toFixed(decimals);
}

function impossibleLevel(kind: (typeof IMPOSSIBLE_LEVELS)[number], [price, qty]: WireLevel): WireLevel {
  switch (kind) {
    case 'price 0':
      return ['0', BOGUS_QTY];
    case 'price off the tick grid':
      return [price.includes('.') ? `${price}5` : `${price}.5`, BOGUS_QTY];
    case 'price with an exponent':
      return [Number(price).toExponential().replace('+', ''), BOGUS_QTY];
    case 'price 1e308':
      return ['1e308', BOGUS_QTY];
    case 'price 1e-400':
      return ['1e-400', BOGUS_QTY];
    case 'price with leading zeros':
      return [`00${price}`, BOGUS_QTY];
    case 'negative quantity':
      return [price, `-${Number(qty) === 0 ? '1' : qty}`];
    case 'non-finite quantity':
      return [price, 'Infinity'];
  }
}
