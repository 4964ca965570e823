import * as assert from 'node:assert/strict';
import { groupingChoices, groupingLabel, groupingSettingValue, resolveGrouping } from '../../src/engine/view/groupingChoice';
import { MAX_GROUP_TICKS } from '../../src/shared/panelProtocol';
import { groupingLabel as toolbarLabel, ROW_CHOICES } from '../../webview/toolbarLabels';
import { DEFAULT_SETTINGS } from '../../src/extension/settingsModel';

describe('the price grouping in force (one place for the setting, the command and the toolbar)', () => {
  it('offers multiples of the symbol’s own tick, labelled in prices', () => {
    const labels = (tick: number): string[] => groupingChoices(1).map((g) => groupingLabel(tick, g));
    assert.deepEqual(labels(0.1), ['0.1', '1', '10', '100']);
    assert.deepEqual(labels(0.01), ['0.01', '0.1', '1', '10']);
    assert.deepEqual(labels(0.00001), ['0.00001', '0.0001', '0.001', '0.01']);
    assert.equal(groupingLabel(0.1, 100_000), '10,000');
  });

  it('always lists the grouping in force, even one the usual choices do not have', () => {
    assert.deepEqual(groupingChoices(50), [1, 10, 50, 100, 1000]);
    assert.deepEqual(groupingChoices(10), [1, 10, 100, 1000]);
  });

  it('resolves the setting against the tick: a price step that fits, the tick size otherwise, and says why', () => {
    assert.deepEqual(resolveGrouping(0.1, 'auto'), { groupTicks: 1, problem: undefined });
    assert.deepEqual(resolveGrouping(0.1, 5), { groupTicks: 50, problem: undefined });
    assert.deepEqual(resolveGrouping(0.01, 0.3), { groupTicks: 30, problem: undefined });
    const offGrid = resolveGrouping(0.1, 0.15);
    assert.equal(offGrid.groupTicks, 1);
    assert.match(offGrid.problem ?? '', /multiple of the tick size 0\.1.*showing the tick size/);
    // BTC's grouping of 10 on DOGE's tick would be a million ticks a row
    const tooWide = resolveGrouping(0.00001, 10);
    assert.equal(tooWide.groupTicks, 1);
    assert.match(tooWide.problem ?? '', new RegExp(`more than ${MAX_GROUP_TICKS}`));
    assert.deepEqual(resolveGrouping(0, 10), { groupTicks: 1, problem: undefined }, 'no tick known yet');
  });

  it('writes the tick as "auto" and any other choice as its exact price, which resolves back to the same choice', () => {
    assert.equal(groupingSettingValue(0.1, 1), 'auto');
    for (const tick of [0.1, 0.01, 0.00001, 1]) {
      for (const g of [10, 100, 1000, 50]) {
        const value = groupingSettingValue(tick, g);
        assert.notEqual(value, 'auto');
        assert.equal(resolveGrouping(tick, value).groupTicks, g, `tick ${tick}, ${g} ticks → ${value}`);
      }
    }
    // exact decimals where float multiplication would drift (3 × 0.01 is 0.030000000000000002)
    assert.equal(groupingSettingValue(0.01, 10), 0.1);
    assert.equal(groupingSettingValue(0.01, 3), 0.03);
    assert.equal(groupingSettingValue(0.01, 7), 0.07);
    assert.equal(groupingSettingValue(0.1, 1000), 100);
  });

  it('gives the toolbar the same words as the command', () => {
    assert.equal(toolbarLabel(10, 0.1), groupingLabel(0.1, 10));
    assert.equal(toolbarLabel(10, 0), '10 ticks');
  });

  it('keeps the default row count among the Rows choices', () => {
    assert.ok(ROW_CHOICES.includes(DEFAULT_SETTINGS.maxVisibleRows), `${DEFAULT_SETTINGS.maxVisibleRows} in ${ROW_CHOICES.join(', ')}`);
  });
});
