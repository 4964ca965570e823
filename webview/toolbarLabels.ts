import { groupingLabel as priceStepLabel } from '../src/engine/view/groupingChoice';
import { withThousands } from '../src/shared/thousands';

/**
 * Wording of the toolbar's choices, kept apart from toolbar.ts so it is testable without the
 * toolkit (which needs a DOM as soon as it is imported).
 */

/** A grouping by its price step (the same words as the Set Price Grouping command): 10 ticks of 0.1 → "1". */
export function groupingLabel(groupTicks: number, tickSize: number): string {
  return priceStepLabel(tickSize, groupTicks);
}

/** Row counts the toolbar offers; flowsight.maxVisibleRows's default (3000) is one of them. */
export const ROW_CHOICES: readonly number[] = [50, 100, 200, 500, 1000, 2000, 3000, 5000];

export function rowsLabel(rows: number): string {
  return withThousands(String(rows));
}
