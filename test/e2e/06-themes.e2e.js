'use strict';
const { ensureOrderBookOpen, expect, luminance, pickRow, runCommand, sampleLadderCanvas, waitFor, waitForValue, webview } = require('./helpers');

// VS Code 1.139 lists the default themes by these labels and writes them to the setting; older versions
// wrote the ids ('Default Light Modern' …), which 1.139 still reads.
const THEMES = [
  { label: 'Light Modern', id: 'Default Light Modern', bodyClass: 'vscode-light', light: true },
  { label: 'Dark Modern', id: 'Default Dark Modern', bodyClass: 'vscode-dark', light: false },
  { label: 'Dark High Contrast', id: 'Default High Contrast', bodyClass: 'vscode-high-contrast', light: false },
];

/** "Preferences: Color Theme", type the theme's name, move to exactly that row, Enter. */
async function chooseTheme(page, label) {
  await runCommand(page, 'Preferences: Color Theme', { waitClosed: false });
  const input = page.locator('.quick-input-widget input');
  await waitFor('the colour theme picker', async () => /color theme/i.test((await input.getAttribute('placeholder')) || ''), { timeoutMs: 10000 });
  await input.fill(label);
  await pickRow(page, label);
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

function sameColour(a, b, tolerance = 3) {
  return a !== null && b !== null && a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** Light, dark and high contrast: the webview follows the theme and the ladder is drawn in its colours. */
module.exports = {
  name: 'light, dark and high-contrast themes render the ladder',
  timeoutMs: 120000,
  async run({ page, screenshot, userSettings }) {
    await ensureOrderBookOpen(page);
    const body = webview(page).locator('body');
    await body.waitFor({ state: 'attached', timeout: 30000 });
    const backgrounds = [];
    try {
      for (const theme of THEMES) {
        await chooseTheme(page, theme.label);
        await waitForValue('workbench.colorTheme in the user settings', () => userSettings()['workbench.colorTheme'], (v) => v === theme.label || v === theme.id, { timeoutMs: 10000 });
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
      if (!` ${current} `.includes(' vscode-dark ')) await chooseTheme(page, 'Dark Modern').catch(() => {});
    }
  },
};
