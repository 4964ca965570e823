'use strict';
const { expect, luminance, runCommand, sampleLadderCanvas, waitFor, waitForValue, webview } = require('./helpers');

const THEMES = [
  { label: 'Default Light Modern', bodyClass: 'vscode-light', light: true },
  { label: 'Default Dark Modern', bodyClass: 'vscode-dark', light: false },
  { label: 'Default High Contrast', bodyClass: 'vscode-high-contrast', light: false },
];

/** "Preferences: Color Theme", type the theme's name, pick exactly that row. */
async function chooseTheme(page, label) {
  await runCommand(page, 'Preferences: Color Theme', { waitClosed: false });
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await waitFor('the colour theme picker', async () => /theme/i.test((await input.getAttribute('placeholder')) || (await input.getAttribute('aria-label')) || ''), { timeoutMs: 10000 });
  await input.fill(label);
  const row = widget.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) });
  await row.first().waitFor({ state: 'visible', timeout: 10000 });
  await row.first().click();
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

function sameColour(a, b, tolerance = 3) {
  return a !== null && b !== null && a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** Light, dark and high contrast: the webview follows the theme and the ladder is drawn in its colours. */
module.exports = {
  name: 'light, dark and high-contrast themes render the ladder',
  timeoutMs: 120000,
  async run({ page, screenshot }) {
    if ((await page.locator('.tab', { hasText: 'FlowSight Order Book' }).count()) === 0) await runCommand(page, 'FlowSight: Open Order Book');
    const body = webview(page).locator('body');
    await body.waitFor({ state: 'attached', timeout: 30000 });
    const backgrounds = [];
    try {
      for (const theme of THEMES) {
        await chooseTheme(page, theme.label);
        await waitForValue(
          `the webview body class ${theme.bodyClass}`,
          () => body.getAttribute('class'),
          (c) => ` ${c} `.includes(` ${theme.bodyClass} `) && !` ${c} `.includes(' vscode-high-contrast-light '),
          { timeoutMs: 15000 },
        );
        // the canvas re-read the theme: its background is the editor background, and rows are drawn on it
        const sample = await waitForValue(
          `the ladder canvas painted in the ${theme.label} colours`,
          () => sampleLadderCanvas(page),
          (s) => s.width > 0 && s.height > 0 && sameColour(s.dominant, s.editorBackground) && s.colours >= 4 && s.nonBackgroundShare > 0.005,
          { timeoutMs: 15000, intervalMs: 250 },
        );
        const lum = luminance(sample.dominant);
        expect(theme.light ? lum > 0.5 : lum < 0.2, `${theme.label}: canvas background ${JSON.stringify(sample.dominant)} has luminance ${lum.toFixed(2)}`);
        backgrounds.push(sample.dominant.join(','));
        await screenshot(`theme-${theme.bodyClass}`);
        await screenshot(`theme-${theme.bodyClass}-ladder`, webview(page).locator('.ladder'));
      }
      expect(new Set(backgrounds).size === THEMES.length, `each theme has its own canvas background, got ${JSON.stringify(backgrounds)}`);
    } finally {
      // back to the theme the other tests expect
      const current = await body.getAttribute('class').catch(() => '');
      if (!` ${current} `.includes(' vscode-dark ')) await chooseTheme(page, 'Default Dark Modern').catch(() => {});
    }
  },
};
