'use strict';
// --screenshot: open the demo window in headless Chromium, wait until FlowSight shows a live
// market (status-bar prices, the ladder's canvas in the panel, the panel header saying Live), show
// the Connection Health view, and save a picture of the whole window. Each wait is a named step so
// a failure says what never appeared, and leaves a debug screenshot behind.

const fs = require('fs');
const path = require('path');
const { launchBrowser } = require('../vscode/browser');
const { REPO, sleep } = require('../vscode/util');
const { demoPaths } = require('./demoPaths');
const { since } = require('./log');

const VIEWPORT = { width: 1400, height: 900 };
/** How long the ladder gets to fill after it first went live (rows, tape, depth bars). */
const SETTLE_MS = 2500;

/** The health tree's labels and values are cut off at VS Code's default side-bar width. */
const SIDEBAR_WIDTH = 430;

class StepError extends Error {}

/** Drag the sash between the side bar and the editor, as a person would (no setting for the width). */
async function widenSideBar(page, width, log) {
  const sidebar = await page.locator('.part.sidebar').first().boundingBox();
  if (!sidebar || sidebar.width >= width) return;
  const edge = sidebar.x + sidebar.width;
  // the vertical sash nearest the side bar's right edge
  let best = null;
  for (const sash of await page.locator('.monaco-sash.vertical').all()) {
    const b = await sash.boundingBox();
    if (!b || b.height < sidebar.height / 2) continue;
    const d = Math.abs(b.x + b.width / 2 - edge);
    if (d < 12 && (!best || d < best.d)) best = { b, d };
  }
  if (!best) {
    log('  (could not find the side bar sash; leaving its width)');
    return;
  }
  const x = best.b.x + best.b.width / 2;
  const y = sidebar.y + sidebar.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + (width - sidebar.width), y, { steps: 10 });
  await page.mouse.up();
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * @param {{ tools: object, url: string, symbol: string, out: string, log: Function, timeoutMs?: number }} o
 */
async function captureScreenshot({ tools, url, symbol, out, log, timeoutMs = 90000 }) {
  const t0 = Date.now();
  const browser = await launchBrowser({ tools, viewport: VIEWPORT, log });
  const { page } = browser;
  // a step: wait for something visible; on timeout, keep a picture of the window and say what is missing
  const step = async (what, fn) => {
    try {
      await fn();
      log(`  ${what} (${since(t0)})`);
    } catch (e) {
      let details = '';
      try {
        const item = page.locator('.statusbar-item', { hasText: symbol }).first();
        if (await item.isVisible()) details += `\nFlowSight's status-bar item reads: "${(await item.innerText({ timeout: 2000 })).trim()}"`;
      } catch {
        /* no item */
      }
      try {
        fs.mkdirSync(path.dirname(demoPaths.debugScreenshot), { recursive: true });
        await page.screenshot({ path: demoPaths.debugScreenshot });
        details += `\nWhat the window showed: ${path.relative(REPO, demoPaths.debugScreenshot)}`;
      } catch {
        /* browser gone */
      }
      throw new StepError(`--screenshot: ${what} — did not happen within ${timeoutMs / 1000} s (${e.message.split('\n')[0]})${details}`);
    }
  };
  try {
    log(`opening ${url} in headless Chromium ...`);
    await step('workbench loaded', async () => {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
      await page.locator('.statusbar-item').first().waitFor({ state: 'visible', timeout: timeoutMs });
    });

    // `BTCUSDT 61,659.7 / 61,659.8`: prices only appear once the feed has a book
    const prices = new RegExp(`${escapeRegExp(symbol)} [\\d,]+(\\.\\d+)? / [\\d,]+(\\.\\d+)?`);
    await step(`status bar shows ${symbol} best bid / ask`, () =>
      page.locator('.statusbar-item', { hasText: prices }).first().waitFor({ state: 'visible', timeout: timeoutMs }),
    );

    const webview = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await step('order-book panel draws its ladder (canvas)', () =>
      webview.locator('canvas').first().waitFor({ state: 'visible', timeout: timeoutMs }),
    );
    await step('order-book panel says Live', () =>
      webview.locator('.feed-state[data-state="live"]').first().waitFor({ state: 'visible', timeout: timeoutMs }),
    );

    // the FlowSight container in the activity bar, then its Connection Health view expanded
    await step('FlowSight activity-bar container opened', async () => {
      const item = page.locator('.activitybar .action-item[aria-label*="FlowSight"], .activitybar a[aria-label*="FlowSight"]').first();
      await item.waitFor({ state: 'visible', timeout: timeoutMs });
      const title = page.locator('.sidebar .composite.title', { hasText: /FlowSight/i }).first();
      if (!(await title.isVisible())) await item.click();
      await title.waitFor({ state: 'visible', timeout: timeoutMs });
    });
    await step('Connection Health view shows the feed', async () => {
      // a container with a single view shows it without a pane header ("FLOWSIGHT: CONNECTION
      // HEALTH" is then the side bar's title); with more views, the header may be collapsed
      const header = page.locator('.sidebar .pane-header', { hasText: /Connection Health/i }).first();
      if ((await header.isVisible()) && (await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      await page.locator('.sidebar .monaco-list-row', { hasText: /Connection/ }).first().waitFor({ state: 'visible', timeout: timeoutMs });
    });
    await widenSideBar(page, SIDEBAR_WIDTH, log);

    // the mouse away from anything with a hover (the activity-bar item just clicked, the ladder)
    await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 8);
    await sleep(SETTLE_MS);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    log(`screenshot saved: ${path.relative(REPO, out).startsWith('..') ? out : path.relative(REPO, out)} (${since(t0)})`);
  } finally {
    await browser.close();
  }
}

module.exports = { captureScreenshot, StepError, VIEWPORT };
