import { priceScaleFor } from '../src/engine/analysis/bookStats';
import { decimalsOf } from '../src/engine/book/priceScale';
import { withThousands } from './numberFormat';

/**
 * Wording of the toolbar's choices, kept apart from toolbar.ts so it is testable without the
 * toolkit (which needs a DOM as soon as it is imported).
 */

/** A grouping by its price step in as few decimals as it needs: 10 ticks of 0.1 → "1", 1 → "0.1". */
export function groupingLabel(groupTicks: number, tickSize: number): string {
  if (!(tickSize > 0)) return `×${groupTicks}`;
  const step = priceScaleFor(tickSize).toPrice(groupTicks);
  return withThousands(step.toFixed(decimalsOf(step)));
}

export function rowsLabel(rows: number): string {
  return withThousands(String(rows));
}
