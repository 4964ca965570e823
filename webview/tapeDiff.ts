import type { TradeTape } from '../src/shared/panelProtocol';

/**
 * How many trades at the top of `next` (newest first, `nextCount` used) are new since `previous`
 * (`previousCount` used) was shown: the index at which the previous newest trades reappear. -1 when
 * they do not, or the tape shrank, so every row must be rewritten. Identical trades happen (same ms,
 * price and size), so a run of up to three must match, not one.
 */
export function newTradeCount(previous: TradeTape, previousCount: number, next: TradeTape, nextCount: number): number {
  if (previousCount === 0 || nextCount < previousCount) return -1;
  const run = Math.min(3, previousCount);
  for (let i = 0; i + run <= nextCount; i++) {
    let j = 0;
    while (
      j < run &&
      next.times[i + j] === previous.times[j] &&
      next.prices[i + j] === previous.prices[j] &&
      next.qtys[i + j] === previous.qtys[j] &&
      next.sides[i + j] === previous.sides[j]
    ) {
      j++;
    }
    if (j === run) return i;
  }
  return -1;
}
