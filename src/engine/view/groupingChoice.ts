import { priceScaleFor } from '../analysis/bookStats';
import { decimalsOf } from '../book/priceScale';
import { DEFAULT_GROUPING_MULTIPLES, validateGrouping } from '../analysis/priceGrouping';
import { MAX_GROUP_TICKS } from '../../shared/panelProtocol';
import { withThousands } from '../../shared/thousands';

/**
 * The one place that decides which price grouping is in force for a symbol. The
 * `flowsight.priceGrouping` setting is the only input: the toolbar and the Set Price Grouping
 * command both write that setting, and the feed worker resolves it here against the tick size of the
 * symbol it shows, so the frame says which grouping the ladder was built with and every control
 * shows that.
 */

export interface GroupingInForce {
  /** Ticks per row (1 = the tick size). */
  readonly groupTicks: number;
  /** Why the setting could not be used for this symbol, in words; undefined when it was. */
  readonly problem: string | undefined;
}

/** The grouping in force for `setting` ('auto' or a price step) on a symbol of tick `tickSize`. */
export function resolveGrouping(tickSize: number, setting: 'auto' | number): GroupingInForce {
  if (setting === 'auto' || !(tickSize > 0)) return { groupTicks: 1, problem: undefined };
  let ticks: number;
  try {
    ticks = validateGrouping(tickSize, setting);
  } catch (err) {
    return { groupTicks: 1, problem: `${(err as Error).message}; showing the tick size` };
  }
  // A bucket that wide is no ladder any more (a BTC grouping of 10 on DOGE's tick).
  if (ticks > MAX_GROUP_TICKS) {
    const tick = priceScaleFor(tickSize).format(tickSize);
    return { groupTicks: 1, problem: `price grouping ${setting} is ${ticks} ticks of ${tick}, more than ${MAX_GROUP_TICKS}; showing the tick size` };
  }
  return { groupTicks: ticks, problem: undefined };
}

/** The choices offered for a tick: the usual tick multiples and the one in force, in ticks, ascending. */
export function groupingChoices(groupTicksInForce: number): number[] {
  const choices = new Set<number>(DEFAULT_GROUPING_MULTIPLES);
  if (Number.isInteger(groupTicksInForce) && groupTicksInForce >= 1) choices.add(groupTicksInForce);
  return [...choices].sort((a, b) => a - b);
}

/** What to write into `flowsight.priceGrouping` for a choice: the tick is 'auto', anything else its exact price. */
export function groupingSettingValue(tickSize: number, groupTicks: number): 'auto' | number {
  if (groupTicks === 1 || !(tickSize > 0)) return 'auto';
  return priceScaleFor(tickSize).toPrice(groupTicks);
}

/** A grouping as its price step, in as few decimals as it needs: 10 ticks of 0.1 → "1", 1 tick of 0.00001 → "0.00001". */
export function groupingLabel(tickSize: number, groupTicks: number): string {
  if (!(tickSize > 0)) return groupTicks === 1 ? 'tick' : `${groupTicks} ticks`;
  const step = priceScaleFor(tickSize).toPrice(groupTicks);
  return withThousands(step.toFixed(decimalsOf(step)));
}
