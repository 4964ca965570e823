'use strict';
// Shared helpers for the end-to-end UI tests (test/e2e/*.e2e.js). Plain CommonJS run by Node in the
// runner process (scripts/vscode/runE2e.js), driving the workbench in Chromium through playwright-core.
// Everything here goes through the UI as a person would: the command palette, quick picks, the status
// bar, the activity bar and the DOM text of the webview.

/** The webview of the order-book panel: VS Code's outer iframe, then the page's own frame inside it. */
const WEBVIEW_IFRAME = 'iframe.webview';
const WEBVIEW_ACTIVE_FRAME = '#active-frame';

/** Decimals of a tick size: 0.1 → 1, 0.01 → 2, 1e-5 → 5, 1 → 0. */
function tickDecimals(tickSize) {
  if (!(tickSize > 0)) throw new RangeError(`tick size must be positive, got ${tickSize}`);
  for (let d = 0; d <= 12; d++) {
    if (Math.abs(Math.round(tickSize * 10 ** d) - tickSize * 10 ** d) < 1e-9) return d;
  }
  return 12;
}

/** A price as FlowSight writes it: the tick's decimals and thousands separators (61659.7 → "61,659.7"). */
function formatPrice(price, tickSize) {
  const [whole, fraction] = price.toFixed(tickDecimals(tickSize)).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns something other than undefined / false / null; throws a message
 * naming `what` and the last value seen (or the last error) when `timeoutMs` passes.
 */
async function waitFor(what, check, { timeoutMs = 15000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false && v !== null) return v;
      last = v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? `; last error: ${firstLine(lastError.message)}` : last !== undefined ? `; last value: ${JSON.stringify(last)}` : '';
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Polls `read()` until `accept(value)` holds and returns that value; on timeout the error names
 * `what` and the last value read, which is what a reader of the failure wants to see.
 */
async function waitForValue(what, read, accept, { timeoutMs = 15000, intervalMs = 100 } = {}) {
  let last;
  let seen = false;
  try {
    return await waitFor(
      what,
      async () => {
        const v = await read();
        last = v;
        seen = true;
        return accept(v) ? { v } : false;
      },
      { timeoutMs, intervalMs },
    ).then((box) => box.v);
  } catch (e) {
    if (!seen) throw e;
    throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}; last seen: ${describe(last)}`);
  }
}

function describe(value) {
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function firstLine(text) {
  return String(text).split('\n')[0];
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// The workbench

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * In the open quick input (palette or quick pick), moves the focus with the arrow keys to the row whose
 * label is exactly `label` and presses Enter, as a person would. The list filters fuzzily and ranks
 * recently used entries first, so the wanted row is not always the first.
 */
async function pickRow(page, label, { timeoutMs = 10000 } = {}) {
  const list = page.locator('.quick-input-widget .quick-input-list');
  const exact = new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
  await list.locator('.monaco-list-row .label-name', { hasText: exact }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const focusedLabel = async () => ((await list.locator('.monaco-list-row.focused .label-name').first().textContent({ timeout: 1000 }).catch(() => '')) || '').trim();
  const rows = await list.locator('.monaco-list-row').count();
  for (let i = 0; i <= rows + 1; i++) {
    if ((await focusedLabel()) === label) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
    await sleep(50);
  }
  throw new Error(`could not focus "${label}" in the quick input (focused: "${await focusedLabel()}")`);
}

/**
 * Runs a command through the command palette (F1), like a person would: types its title, moves to
 * the row that is exactly that command and presses Enter.
 * @param {import('playwright-core').Page} page
 * @param {string} title e.g. "FlowSight: Open Order Book"
 * @param {{ waitClosed?: boolean }} [o] wait for the palette to close (off for commands that open a quick pick)
 */
async function runCommand(page, title, { waitClosed = true } = {}) {
  const input = page.locator('.quick-input-widget input');
  // a quick pick left open (e.g. by a failed test) would swallow F1's text
  if (await input.isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${title}`);
  await pickRow(page, title);
  if (waitClosed) await input.waitFor({ state: 'hidden', timeout: 10000 });
}

/**
 * "FlowSight: Select Symbol" from the palette, then type `symbol` into its quick pick and press Enter
 * on it once the exchange's list has loaded.
 */
async function selectSymbol(page, symbol, screenshot) {
  await runCommand(page, 'FlowSight: Select Symbol', { waitClosed: false });
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await waitFor('the Select Symbol quick pick', async () => (await input.isVisible()) && ((await input.getAttribute('placeholder')) || '').includes('futures symbols'), {
    timeoutMs: 10000,
  });
  // the list comes from the exchange's exchangeInfo; the widget is busy until it arrives
  await waitFor('the symbol list', async () => (await widget.locator('.quick-input-list .monaco-list-row').count()) > 1, { timeoutMs: 15000 });
  await input.fill(symbol);
  if (screenshot) await screenshot(`select-symbol-${symbol}`);
  await pickRow(page, symbol);
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

/** Opens the order-book panel from the palette unless its tab is already there, and waits for its page. */
async function ensureOrderBookOpen(page) {
  if ((await page.locator('.tab', { hasText: 'FlowSight Order Book' }).count()) === 0) await runCommand(page, 'FlowSight: Open Order Book');
  await page.locator('.tab', { hasText: 'FlowSight Order Book' }).first().waitFor({ state: 'visible', timeout: 15000 });
  await webview(page).locator('.book-header').waitFor({ state: 'attached', timeout: 30000 });
}

/** The text of a status-bar item whose id ends with `idSuffix` (VS Code prefixes the extension id). */
async function statusBarText(page, idSuffix = 'bestBidAsk') {
  const item = page.locator(`.statusbar-item[id$="${idSuffix}"]`);
  if ((await item.count()) === 0) return null;
  const text = await item.first().innerText({ timeout: 2000 });
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The status bar text taken apart: `BTCUSDT 61,659.7 / 61,659.8 · stale 12s · custom 127.0.0.1:4000`
 * → { symbol, bid, ask, markers: ['stale 12s', 'custom 127.0.0.1:4000'] }; null when it is not that shape.
 */
function parseStatusBar(text) {
  const m = /^([A-Z0-9]+) (\S+) \/ (\S+)((?: · [^·]+)*)$/.exec(text || '');
  if (!m) return null;
  return { symbol: m[1], bid: m[2], ask: m[3], markers: m[4].split(' · ').map((s) => s.trim()).filter((s) => s !== '') };
}

/** True for a status bar reading live prices on `symbol`: no marker but the source's (custom endpoint, demo) or the book's age. */
function isLiveStatusBar(text, symbol, decimals) {
  const p = parseStatusBar(text);
  const price = new RegExp(`^[\\d,]+\\.\\d{${decimals}}$`);
  return p !== null && p.symbol === symbol && price.test(p.bid) && price.test(p.ask) && p.markers.every((m) => /^(custom |demo$|\d+s old$)/.test(m));
}

/** The order-book webview's document (a FrameLocator). */
function webview(page) {
  return page.frameLocator(WEBVIEW_IFRAME).frameLocator(WEBVIEW_ACTIVE_FRAME);
}

/** Text of one element in the webview, '' when it is not there (yet). */
async function webviewText(page, selector) {
  const loc = webview(page).locator(selector);
  if ((await loc.count()) === 0) return '';
  return ((await loc.first().textContent({ timeout: 2000 })) || '').trim();
}

/** What the panel's header shows: symbol, state, bid, ask, spread, mid, imbalance. */
async function readHeader(page) {
  return webview(page)
    .locator('.book-header')
    .evaluate((h) => {
      const t = (sel) => (h.querySelector(sel)?.textContent || '').trim();
      return {
        symbol: t('.symbol'),
        state: t('.feed-state'),
        bid: t('.stat.bid .stat-value'),
        ask: t('.stat.ask .stat-value'),
        spread: t('.stat.spread .stat-value'),
        mid: t('.stat.mid .stat-value'),
        imbalance: t('.stat.imbalance .stat-value'),
        verified: h.querySelector('.verified')?.hidden ? '' : t('.verified'),
        figuresOpacity: Number(getComputedStyle(h.querySelector('.figures') || h).opacity),
      };
    }, null, { timeout: 5000 });
}

/**
 * Samples the ladder canvas inside the webview: its size, how many distinct colours it holds, the
 * most common colour (the background), and the webview's --vscode-editor-background for comparison.
 */
async function sampleLadderCanvas(page) {
  return webview(page)
    .locator('canvas.ladder-canvas:not(.overlay)')
    .evaluate((canvas) => {
      const w = canvas.width;
      const h = canvas.height;
      const ctx = canvas.getContext('2d');
      const data = ctx.getImageData(0, 0, w, h).data;
      const counts = new Map();
      // every 7th pixel is plenty to find the background and see that something was drawn
      for (let i = 0; i < data.length; i += 4 * 7) {
        const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        counts.set(key, (counts.get(key) || 0) + 1);
      }
      let dominant = 0;
      let dominantCount = -1;
      let total = 0;
      for (const [k, n] of counts) {
        total += n;
        if (n > dominantCount) {
          dominant = k;
          dominantCount = n;
        }
      }
      const rgb = [(dominant >> 16) & 255, (dominant >> 8) & 255, dominant & 255];
      // the editor background as the browser resolves it (the canvas is painted with it)
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || 'transparent';
      document.body.append(probe);
      const resolved = getComputedStyle(probe).color;
      probe.remove();
      const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(resolved);
      return {
        width: w,
        height: h,
        colours: counts.size,
        dominant: rgb,
        nonBackgroundShare: total > 0 ? 1 - dominantCount / total : 0,
        editorBackground: m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null,
        bodyClass: document.body.className,
      };
    }, null, { timeout: 10000 });
}

/** Relative luminance 0..1 of an [r, g, b] colour. */
function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

// ---------------------------------------------------------------------------------------------
// The Connection Health view

/** Shows the FlowSight container in the side bar and expands "Connection Health". */
async function showHealthView(page) {
  const connectionRow = page.locator('.pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: /^\s*Connection\s*$/ }) }).first();
  if (!(await connectionRow.isVisible().catch(() => false))) {
    await page.locator('.activitybar .action-item a.action-label[aria-label^="FlowSight"]').first().click({ timeout: 10000 });
    // alone in its container, the view's header is hidden; with company, it may be collapsed
    const header = page.locator('.pane-header:not(.hidden)', { hasText: 'Connection Health' }).first();
    if ((await header.isVisible().catch(() => false)) && (await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  }
  await connectionRow.waitFor({ state: 'visible', timeout: 15000 });
}

/** The description of a row of the health tree (e.g. "Connection" → "live"), or null when not shown. */
async function healthRow(page, label) {
  return page.evaluate((wanted) => {
    for (const row of document.querySelectorAll('.pane-body .monaco-list-row')) {
      const name = row.querySelector('.label-name')?.textContent?.trim();
      if (name === wanted) return (row.querySelector('.label-description')?.textContent || '').trim();
    }
    return null;
  }, label);
}

/**
 * Records every description the "Connection" row of the health tree takes from now on, in the page
 * (a MutationObserver catches a state the tree shows for only one refresh). Returns a reader.
 */
async function recordConnectionStates(page) {
  await page.evaluate(() => {
    const w = window;
    if (w.__flowsightStates) w.__flowsightStates.observer.disconnect();
    const seen = [];
    const read = () => {
      for (const row of document.querySelectorAll('.pane-body .monaco-list-row')) {
        if (row.querySelector('.label-name')?.textContent?.trim() !== 'Connection') continue;
        const d = (row.querySelector('.label-description')?.textContent || '').trim();
        if (seen[seen.length - 1] !== d) seen.push(d);
      }
    };
    const observer = new MutationObserver(read);
    observer.observe(document.querySelector('.monaco-workbench') || document.body, { subtree: true, childList: true, characterData: true });
    read();
    w.__flowsightStates = { observer, seen };
  });
  return {
    seen: () => page.evaluate(() => [...window.__flowsightStates.seen]),
    stop: () => page.evaluate(() => window.__flowsightStates?.observer.disconnect()),
  };
}

/** Texts of the notification toasts on screen. */
async function notificationTexts(page) {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((e) => (e.textContent || '').trim()));
}

module.exports = {
  tickDecimals,
  formatPrice,
  sleep,
  waitFor,
  waitForValue,
  expect,
  runCommand,
  pickRow,
  ensureOrderBookOpen,
  selectSymbol,
  statusBarText,
  parseStatusBar,
  isLiveStatusBar,
  webview,
  webviewText,
  readHeader,
  sampleLadderCanvas,
  luminance,
  showHealthView,
  healthRow,
  recordConnectionStates,
  notificationTexts,
  WEBVIEW_IFRAME,
  WEBVIEW_ACTIVE_FRAME,
};
