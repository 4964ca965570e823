import assert from 'node:assert/strict';
import type { BookSnapshotMessage } from '../../src/shared/panelProtocol';
import { formatMid } from '../../webview/header';
import { layoutColumns, MIN_WIDTH_FOR_CUMULATIVE } from '../../webview/ladderLayout';
import { AnnounceThrottle, summaryText } from '../../webview/liveSummary';
import { resolveTheme, themeKindOf } from '../../webview/theme';
import { groupingLabel } from '../../webview/toolbarLabels';
import { parseViewState } from '../../webview/viewState';

describe('panel view helpers', () => {
  describe('column layout', () => {
    it('splits the width without gaps, price column sized to its text', () => {
      const layout = layoutColumns(401, 90, false);
      assert.equal(layout.bidCum, null);
      assert.equal(layout.bid.x, 0);
      assert.equal(layout.price.x, layout.bid.width);
      assert.equal(layout.ask.x, layout.price.x + layout.price.width);
      assert.equal(layout.ask.x + layout.ask.width, 401);
      assert.equal(layout.bid.width, layout.ask.width);
      assert.ok(layout.price.width >= 90);
    });

    it('adds the two cumulative columns only when asked and when there is room', () => {
      const wide = layoutColumns(600, 90, true);
      assert.ok(wide.bidCum !== null && wide.askCum !== null);
      assert.equal(wide.bidCum.x, 0);
      assert.equal(wide.askCum.x + wide.askCum.width, 600);
      assert.equal(layoutColumns(MIN_WIDTH_FOR_CUMULATIVE - 1, 90, true).bidCum, null);
    });

    it('never gives the price column more than half of a narrow pane', () => {
      const layout = layoutColumns(100, 300, false);
      assert.ok(layout.price.width <= 51);
      assert.ok(layout.bid.width >= 24);
    });
  });

  describe('theme', () => {
    it('reads the body class, high-contrast-light first', () => {
      assert.equal(themeKindOf('vscode-light'), 'light');
      assert.equal(themeKindOf('vscode-dark'), 'dark');
      assert.equal(themeKindOf('vscode-high-contrast'), 'high-contrast');
      assert.equal(themeKindOf('vscode-high-contrast vscode-high-contrast-light'), 'high-contrast-light');
      assert.equal(themeKindOf(''), 'dark');
    });

    it('prefers chart colours and falls back along the documented chain', () => {
      const vars: Record<string, string> = {
        '--vscode-charts-green': '#00ff00',
        '--vscode-errorForeground': ' #ff0000 ',
        '--vscode-editor-font-family': 'Consolas, monospace',
        '--vscode-editor-font-size': '14px',
      };
      const theme = resolveTheme((name) => vars[name] ?? '', 'dark');
      assert.equal(theme.bid, '#00ff00');
      assert.equal(theme.ask, '#ff0000');
      assert.deepEqual(theme.numberFont, { family: 'Consolas, monospace', sizePx: 14, weight: 'normal' });
      assert.equal(theme.contrastBorder, '');
    });

    it('in high contrast uses outlines instead of row fills', () => {
      const vars: Record<string, string> = { '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518' };
      const theme = resolveTheme((name) => vars[name] ?? '', 'high-contrast');
      assert.equal(theme.highContrast, true);
      assert.equal(theme.bestRowBackground, '');
      assert.equal(theme.contrastActiveBorder, '#f38518');
      assert.equal(theme.gridLine, '#6fc3df');
    });
  });

  describe('view state', () => {
    it('restores a saved state and repairs a malformed one', () => {
      assert.deepEqual(parseViewState({ locked: false, scrollRows: -4, showCumulative: true }), { locked: false, scrollRows: -4, showCumulative: true });
      assert.deepEqual(parseViewState({ locked: 'yes', scrollRows: NaN }), { locked: true, scrollRows: 0, showCumulative: false });
      assert.deepEqual(parseViewState(undefined, { showCumulative: true }), { locked: true, scrollRows: 0, showCumulative: true });
    });
  });

  describe('header and screen-reader summary', () => {
    it('writes the mid with one more decimal only when it falls between ticks', () => {
      assert.equal(formatMid(61659.7, 61659.8, 1), '61,659.75');
      assert.equal(formatMid(61659.7, 61659.9, 1), '61,659.8');
    });

    it('summarises the touch and announces at most once a second', () => {
      const snapshot = {
        symbol: 'BTCUSDT',
        tickSize: 0.1,
        bestBid: 61659.7,
        bestAsk: 61659.8,
        bestBidQty: 1.5,
        bestAskQty: 0.25,
        state: 'live',
      } as BookSnapshotMessage;
      assert.equal(summaryText(snapshot), 'BTCUSDT best bid 61,659.7, size 1.50; best ask 61,659.8, size 0.25.');
      assert.equal(summaryText({ ...snapshot, state: 'stale' }), 'BTCUSDT (stale) best bid 61,659.7, size 1.50; best ask 61,659.8, size 0.25.');
      const throttle = new AnnounceThrottle(1000);
      assert.equal(throttle.shouldAnnounce('a', 0), true);
      assert.equal(throttle.shouldAnnounce('b', 500), false);
      assert.equal(throttle.shouldAnnounce('b', 1000), true);
      assert.equal(throttle.shouldAnnounce('b', 5000), false, 'unchanged text is not repeated');
    });
  });

  describe('toolbar labels', () => {
    it('labels a grouping by its price step', () => {
      assert.equal(groupingLabel(1, 0.1), '0.1');
      assert.equal(groupingLabel(10, 0.1), '1');
      assert.equal(groupingLabel(1000, 0.1), '100');
      assert.equal(groupingLabel(100, 0.00001), '0.001');
      assert.equal(groupingLabel(10, 0), '10 ticks');
    });
  });
});
