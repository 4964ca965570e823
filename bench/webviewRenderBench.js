#!/usr/bin/env node
'use strict';
// Rendering bench of the REAL order-book panel (issue 5 §3): FlowSight in code-server (VS Code
// 1.139.1) in headless Chromium, fed a deep book (a replay of a real Binance recording through the
// local exchange, ~1500+ levels a side) at flowsight.refreshIntervalMs 50 (20 snapshots a second) with
// flowsight.maxVisibleRows 3000, for FLOWSIGHT_BENCH_SECONDS (default 30). Prints a markdown table:
//   - frame time of painted frames: the webview's own `painted.frameMs` (read in the extension host
//     through the hidden command flowsight.debug.paintStats), and every requestAnimationFrame
//     callback timed inside the webview frame;
//   - long tasks (> 50 ms) seen by a PerformanceObserver inside the webview frame;
//   - bytes per snapshot message (typed arrays + JSON of the rest), as received by the webview;
//   - frame arriving at the extension → ladder painted (p50 / p99): host clock, snapshot.sentAt to the
//     'painted' reply (extension side), and sentAt to the end of the painting frame (page side).
//
//   node esbuild.js && node esbuild.js --tests && node bench/webviewRenderBench.js
//   env: FLOWSIGHT_BENCH_SECONDS (30), FLOWSIGHT_BENCH_MARKET (replay | synthetic),
//        FLOWSIGHT_BENCH_REPLAY_SPEED (5), FLOWSIGHT_BENCH_STRICT=1 (exit 1 when a target is missed)
//
// The extension runs from this folder as an "extension development host" with a tiny bridge as its
// extensionTestsPath (written to a temp folder at run time): the bridge runs commands the bench asks
// for (open the panel, read paint stats) and ends the session. Everything started here is stopped.

const fs = require('fs');
const os = require('os');
const path = require('path');
const V = path.join(__dirname, '..', 'scripts', 'vscode');
const { REPO, defaultLog, registerCleanup, freePort, sleep } = require(path.join(V, 'util'));
const { ensureTools } = require(path.join(V, 'tools'));
const { startCodeServer } = require(path.join(V, 'codeServer'));
const { launchBrowser } = require(path.join(V, 'browser'));

const SECONDS = Number(process.env.FLOWSIGHT_BENCH_SECONDS || 30);
const MARKET = process.env.FLOWSIGHT_BENCH_MARKET || 'replay';
const REPLAY_SPEED = Number(process.env.FLOWSIGHT_BENCH_REPLAY_SPEED || 5);
const STRICT = process.env.FLOWSIGHT_BENCH_STRICT === '1';
const RECORDING = process.env.FLOWSIGHT_BENCH_RECORDING || path.join(__dirname, '..', 'test', 'fixtures', 'binance-usdm-btcusdt-2024-08-08.txt.gz');
const TARGET_ROWS = 3000;
const REFRESH_MS = 50;
const EXCHANGE_MODULE = path.join(REPO, 'out', 'src', 'engine', 'exchange', 'localExchange.js');

const log = defaultLog;

// ---------------------------------------------------------------------------------------------
// the bridge inside the extension host

const BRIDGE_SOURCE = `'use strict';
// Written by bench/webviewRenderBench.js: runs in the extension host as extensionTestsPath and
// executes the commands the bench asks for through request files in FLOWSIGHT_BENCH_BRIDGE.
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
exports.run = async function run() {
  const dir = process.env.FLOWSIGHT_BENCH_BRIDGE;
  const request = path.join(dir, 'request.json');
  const answer = (reply) => {
    const tmp = path.join(dir, 'reply.tmp');
    fs.writeFileSync(tmp, JSON.stringify(reply));
    fs.renameSync(tmp, path.join(dir, 'reply-' + reply.id + '.json'));
  };
  for (;;) {
    if (fs.existsSync(request)) {
      const req = JSON.parse(fs.readFileSync(request, 'utf8'));
      fs.unlinkSync(request);
      if (req.command === '__exit') {
        answer({ id: req.id, ok: true });
        return;
      }
      try {
        const value = await vscode.commands.executeCommand(req.command, ...(req.args || []));
        answer({ id: req.id, ok: true, value: value === undefined ? null : value });
      } catch (e) {
        answer({ id: req.id, ok: false, error: String((e && e.message) || e) });
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};
`;

function makeBridge(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.js'), BRIDGE_SOURCE);
  let nextId = 0;
  /** Runs a VS Code command in the extension host and returns its result. */
  return async function call(command, args = [], timeoutMs = 20000) {
    const id = ++nextId;
    const tmp = path.join(dir, 'request.tmp');
    const deadline = Date.now() + timeoutMs;
    while (fs.existsSync(path.join(dir, 'request.json'))) {
      if (Date.now() > deadline) throw new Error('the extension-host bridge does not take requests');
      await sleep(20);
    }
    fs.writeFileSync(tmp, JSON.stringify({ id, command, args }));
    fs.renameSync(tmp, path.join(dir, 'request.json'));
    const replyFile = path.join(dir, `reply-${id}.json`);
    while (!fs.existsSync(replyFile)) {
      if (Date.now() > deadline) throw new Error(`no answer from the extension host to ${command} within ${timeoutMs / 1000} s`);
      await sleep(20);
    }
    const reply = JSON.parse(fs.readFileSync(replyFile, 'utf8'));
    fs.unlinkSync(replyFile);
    if (!reply.ok) throw new Error(`${command} failed in the extension host: ${reply.error}`);
    return reply.value;
  };
}

function remoteUri(authority, p) {
  return `vscode-remote://${authority}${path.resolve(p).split(path.sep).map(encodeURIComponent).join('/')}`;
}

// ---------------------------------------------------------------------------------------------
// instrumentation inside the webview frame (runs in the page; plain browser JS)

function instrumentWebview() {
  const w = window;
  if (w.__bench) return 'already';
  const st = {
    measuring: false,
    rows: 0,
    lastSeq: 0,
    arrayType: '',
    frames: [], // [startPerf, durationMs, endDateMs, isAppFrame]
    msgs: [], // [seq, sentAt, recvPerf, recvDate, rows, typedBytes, jsonBytes|-1]
    longtasks: [], // [startTime, duration, attribution]
  };
  w.__bench = st;
  const raf = w.requestAnimationFrame.bind(w);
  // The panel's FrameScheduler calls the global requestAnimationFrame for every frame it draws.
  w.requestAnimationFrame = (callback) =>
    raf((time) => {
      const start = performance.now();
      try {
        callback(time);
      } finally {
        if (st.measuring) st.frames.push([start, performance.now() - start, Date.now(), callback.name === 'run']);
      }
    });
  const typedBytes = (d) => {
    let n = 0;
    for (const side of [d.bids, d.asks]) if (side) n += (side.prices?.byteLength || 0) + (side.qtys?.byteLength || 0);
    const t = d.trades;
    if (t) n += (t.times?.byteLength || 0) + (t.prices?.byteLength || 0) + (t.qtys?.byteLength || 0) + (t.sides?.byteLength || 0);
    return n;
  };
  const jsonBytes = (d) =>
    new TextEncoder().encode(JSON.stringify(d, (k, v) => (ArrayBuffer.isView(v) ? undefined : v))).length;
  // capture phase: timed before the panel's own listener handles the message
  w.addEventListener(
    'message',
    (e) => {
      const d = e.data;
      if (!d || d.type !== 'snapshot') return;
      const recvPerf = performance.now();
      const rows = (d.bids?.prices?.length || 0) + (d.asks?.prices?.length || 0);
      st.rows = rows;
      st.lastSeq = d.seq;
      st.arrayType = Object.prototype.toString.call(d.bids?.prices);
      if (!st.measuring) return;
      // the JSON size of one message in ten is enough (it hardly varies) and keeps the probe cheap
      st.msgs.push([d.seq, d.sentAt, recvPerf, Date.now(), rows, typedBytes(d), st.msgs.length % 10 === 0 ? jsonBytes(d) : -1]);
    },
    true,
  );
  try {
    new PerformanceObserver((list) => {
      if (!st.measuring) return;
      for (const e of list.getEntries()) {
        const a = (e.attribution || []).map((x) => `${x.containerType || ''}:${x.containerName || x.containerId || x.name || ''}`).join(',');
        st.longtasks.push([e.startTime, e.duration, `${e.name}${a ? ` (${a})` : ''}`]);
      }
    }).observe({ type: 'longtask', buffered: false });
    st.longtaskSupported = true;
  } catch {
    st.longtaskSupported = false;
  }
  return 'ok';
}

function instrumentWorkbench() {
  const w = window;
  if (w.__benchTop) return;
  const st = { measuring: false, longtasks: [] };
  w.__benchTop = st;
  new PerformanceObserver((list) => {
    if (!st.measuring) return;
    for (const e of list.getEntries()) st.longtasks.push([e.startTime, e.duration, e.name]);
  }).observe({ type: 'longtask', buffered: false });
}

// ---------------------------------------------------------------------------------------------
// statistics

function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

const ms = (v, d = 2) => (Number.isFinite(v) ? `${v.toFixed(d)} ms` : 'n/a');
const median = (values) => quantile(values, 0.5);

/** For each snapshot received, the frame that painted it (the first app frame starting after it), unless a newer one came first. */
function matchFrames(msgs, frames) {
  const app = frames.some((f) => f[3]) ? frames.filter((f) => f[3]) : frames;
  const out = { painted: [], superseded: 0, unpainted: 0 };
  let fi = 0;
  for (let i = 0; i < msgs.length; i++) {
    const [seq, sentAt, recvPerf] = msgs[i];
    while (fi < app.length && app[fi][0] < recvPerf) fi++;
    if (fi >= app.length) {
      out.unpainted++;
      continue;
    }
    const next = msgs[i + 1];
    if (next && next[2] < app[fi][0]) {
      out.superseded++;
      continue;
    }
    const [start, dur, endDate] = app[fi];
    out.painted.push({ seq, sentToPaint: endDate - sentAt, recvToPaint: start + dur - recvPerf });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

async function webviewFrame(page) {
  const outer = await (await page.locator('iframe.webview').first().elementHandle({ timeout: 30000 })).contentFrame();
  if (!outer) throw new Error('the webview iframe has no frame');
  const innerHandle = await outer.locator('#active-frame').elementHandle({ timeout: 30000 });
  const inner = await innerHandle.contentFrame();
  if (!inner) throw new Error('the webview has no #active-frame');
  return inner;
}

async function main() {
  const t0 = Date.now();
  for (const f of ['dist/extension.js', 'dist/webview.js', 'dist/feedWorker.js', path.relative(REPO, EXCHANGE_MODULE)]) {
    if (!fs.existsSync(path.join(REPO, f))) throw new Error(`${f} is missing: build first (node esbuild.js && node esbuild.js --tests)`);
  }
  if (MARKET === 'replay' && !fs.existsSync(RECORDING)) throw new Error(`recording not found: ${RECORDING} (set FLOWSIGHT_BENCH_RECORDING or FLOWSIGHT_BENCH_MARKET=synthetic)`);
  const { LocalExchange } = require(EXCHANGE_MODULE);
  const tools = await ensureTools({ log });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-bench-'));
  const workspace = path.join(dataDir, 'workspace');
  fs.mkdirSync(workspace);
  const bridgeDir = path.join(dataDir, 'bridge');
  const call = makeBridge(bridgeDir);
  const exchangePort = await freePort();

  let exchange = null;
  let cs = null;
  let browser = null;
  const stopAll = async () => {
    if (browser) await browser.close().catch(() => {});
    if (cs) await cs.stop().catch(() => {});
    if (exchange) await exchange.stop().catch(() => {});
  };
  const unregister = registerCleanup({ async: stopAll, sync: () => {} });

  let result;
  try {
    const settings = {
      'workbench.colorTheme': 'Dark Modern',
      'remote.autoForwardPorts': false,
      'flowsight.feed': 'binance',
      'flowsight.symbol': 'BTCUSDT',
      'flowsight.streamUrl': `ws://127.0.0.1:${exchangePort}`,
      'flowsight.restUrl': `http://127.0.0.1:${exchangePort}`,
      'flowsight.statusBar.enabled': true,
      'flowsight.refreshIntervalMs': REFRESH_MS,
      'flowsight.maxVisibleRows': TARGET_ROWS,
      'flowsight.priceGrouping': 'auto',
    };
    const extEnv = { FLOWSIGHT_BENCH_BRIDGE: bridgeDir };
    cs = await startCodeServer({ tools, dataDir, smokeTestDriver: true, env: extEnv, settings, log });
    browser = await launchBrowser({ tools, userDataDir: path.join(dataDir, 'chromium'), log });
    const { page } = browser;
    let ended = false;
    await page.exposeFunction('codeAutomationExit', () => {
      ended = true;
    });

    // the market starts now and holds still (paused) until the panel is open, so the replay's
    // movement is spent on the measurement, not on VS Code starting
    exchange = await LocalExchange.start({
      port: exchangePort,
      ...(MARKET === 'replay' ? { market: { kind: 'replay', file: RECORDING, speed: REPLAY_SPEED } } : { seed: 7, stepMs: 50 }),
    });
    const tEx = Date.now();
    for (;;) {
      try {
        if (exchange.topOfBook('BTCUSDT', 1).bids.length > 0) break;
      } catch {
        /* not synchronised yet */
      }
      if (Date.now() - tEx > 30000) throw new Error('the local exchange did not build a book within 30 s');
      await sleep(50);
    }
    exchange.pause();
    log(`local exchange (${exchange.marketKind}${MARKET === 'replay' ? ` ${REPLAY_SPEED}×` : ''}) at ${exchange.restUrl}, paused`);

    const authority = `127.0.0.1:${cs.port}`;
    const payload = [
      ['extensionDevelopmentPath', remoteUri(authority, REPO)],
      ['extensionTestsPath', remoteUri(authority, path.join(bridgeDir, 'index.js'))],
      ['extensionEnvironment', JSON.stringify(extEnv)],
    ];
    const tLoad = Date.now();
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.statusbar-item[id$="bestBidAsk"]').first().waitFor({ state: 'visible', timeout: 150000 });
    log(`FlowSight loaded ${((Date.now() - tLoad) / 1000).toFixed(1)} s after goto`);

    await call('flowsight.openOrderBook', [], 60000);
    const frame = await webviewFrame(page);
    await frame.locator('.book-header').waitFor({ state: 'attached', timeout: 30000 });
    const installed = await frame.evaluate(instrumentWebview);
    await page.evaluate(instrumentWorkbench);
    exchange.resume();
    log(`panel open, instrumented (${installed}); market resumed; waiting for ${TARGET_ROWS} rows a snapshot ...`);

    const tRows = Date.now();
    let rows = 0;
    while (Date.now() - tRows < 60000) {
      rows = await frame.evaluate(() => window.__bench.rows);
      if (rows >= TARGET_ROWS) break;
      await sleep(250);
    }
    log(`snapshots carry ${rows} rows after ${((Date.now() - tRows) / 1000).toFixed(1)} s${rows < TARGET_ROWS ? ` (fewer than ${TARGET_ROWS}: measuring anyway)` : ''}`);

    const before = await call('flowsight.debug.paintStats');
    await frame.evaluate(() => {
      window.__bench.measuring = true;
    });
    await page.evaluate(() => {
      window.__benchTop.measuring = true;
    });
    const tMeasure = Date.now();
    const loadAtStart = os.loadavg()[0];
    log(`measuring for ${SECONDS} s ...`);
    let cdp;
    if (process.env.FLOWSIGHT_BENCH_PROFILE) {
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await sleep(SECONDS * 1000);
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.writeFileSync(process.env.FLOWSIGHT_BENCH_PROFILE, JSON.stringify(profile));
    }
    await frame.evaluate(() => {
      window.__bench.measuring = false;
    });
    await page.evaluate(() => {
      window.__benchTop.measuring = false;
    });
    const measuredMs = Date.now() - tMeasure;
    const after = await call('flowsight.debug.paintStats');
    const pageData = await frame.evaluate(() => {
      const b = window.__bench;
      return { frames: b.frames, msgs: b.msgs, longtasks: b.longtasks, longtaskSupported: b.longtaskSupported, arrayType: b.arrayType, rows: b.rows };
    });
    const topLongtasks = await page.evaluate(() => window.__benchTop.longtasks);
    const shot = path.join(REPO, 'test-results', 'bench-webview-render.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot }).catch(() => {});
    await call('__exit').catch(() => {});
    for (let i = 0; i < 20 && !ended; i++) await sleep(100);
    result = { before, after, pageData, topLongtasks, measuredMs, load: [loadAtStart, os.loadavg()[0]] };
  } finally {
    await stopAll();
    unregister();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const { missed } = report(result);
  log(`bench done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return missed && STRICT ? 1 : 0;
}

function report({ before, after, pageData, topLongtasks, measuredMs, load }) {
  const { frames, msgs, longtasks } = pageData;
  const seconds = measuredMs / 1000;

  // host side: the window's painted frames (the arrays keep the last 2000 entries)
  let hostFrameMs = [];
  let hostLatency = [];
  let posted = NaN;
  let painted = NaN;
  if (before && after) {
    posted = after.framesPosted - before.framesPosted;
    painted = after.framesPainted - before.framesPainted;
    hostFrameMs = (after.frameMs || []).slice(-Math.min(painted, (after.frameMs || []).length));
    const newLat = Math.max(0, (after.paintLatencyMs || []).length - (before.paintLatencyMs || []).length);
    const nLat = (after.paintLatencyMs || []).length >= 2000 ? painted : newLat;
    hostLatency = (after.paintLatencyMs || []).slice(-Math.min(nLat, (after.paintLatencyMs || []).length));
  }
  const appFrames = frames.some((f) => f[3]) ? frames.filter((f) => f[3]) : frames;
  const rafMs = appFrames.map((f) => f[1]);
  const matched = matchFrames(msgs, frames);
  const sentToPaint = matched.painted.map((p) => p.sentToPaint);
  const recvToPaint = matched.painted.map((p) => p.recvToPaint);
  const rows = msgs.map((m) => m[4]);
  const typed = msgs.map((m) => m[5]);
  const json = msgs.map((m) => m[6]).filter((v) => v >= 0);
  const ownLong = longtasks.filter((t) => t[1] > 50 && /^self\b/.test(t[2]));
  const otherLong = longtasks.filter((t) => t[1] > 50 && !/^self\b/.test(t[2]));
  // the workbench's observer also reports the webview's tasks (as same-origin-descendant): keep its own
  const topLong = topLongtasks.filter((t) => t[1] > 50 && t[2] === 'self');
  const p95 = hostFrameMs.length ? quantile(hostFrameMs, 0.95) : quantile(rafMs, 0.95);
  const missed = !(p95 <= 4) || ownLong.length > 0;

  const line = (cells) => `| ${cells.join(' | ')} |`;
  const out = [];
  out.push('');
  out.push(`### FlowSight order-book panel: rendering under load (${MARKET}${MARKET === 'replay' ? ` ${REPLAY_SPEED}×` : ''}, refresh ${REFRESH_MS} ms, ${seconds.toFixed(1)} s)`);
  out.push('');
  out.push(line(['metric', 'value', 'target']));
  out.push(line(['---', '---', '---']));
  out.push(line(['snapshots received by the webview', `${msgs.length} (${(msgs.length / seconds).toFixed(1)}/s)`, `${1000 / REFRESH_MS}/s`]));
  out.push(line(['ladder rows per snapshot (bids + asks), median / min', `${median(rows)} / ${rows.length ? Math.min(...rows) : 'n/a'}`, `${TARGET_ROWS}`]));
  out.push(line(['frames posted / painted (extension host)', `${posted} / ${painted}`, '']));
  out.push(
    line([
      '**frame time, painted frames (`painted.frameMs`)** p50 / p95 / p99 / max',
      hostFrameMs.length
        ? `${ms(median(hostFrameMs))} / **${ms(quantile(hostFrameMs, 0.95))}** / ${ms(quantile(hostFrameMs, 0.99))} / ${ms(Math.max(...hostFrameMs))}`
        : 'n/a (flowsight.debug.paintStats gave nothing)',
      `p95 ≤ 4 ms ${hostFrameMs.length ? (quantile(hostFrameMs, 0.95) <= 4 ? '✔' : '✖') : ''}`,
    ]),
  );
  out.push(
    line([
      'frame time, panel rAF callbacks timed in the webview (n) p50 / p95 / max',
      rafMs.length ? `(${rafMs.length}) ${ms(median(rafMs))} / ${ms(quantile(rafMs, 0.95))} / ${ms(Math.max(...rafMs))}` : 'n/a',
      `p95 ≤ 4 ms ${rafMs.length ? (quantile(rafMs, 0.95) <= 4 ? '✔' : '✖') : ''}`,
    ]),
  );
  out.push(
    line([
      'long tasks > 50 ms in the webview frame (count, longest)',
      pageData.longtaskSupported ? `${ownLong.length}${ownLong.length ? `, ${ms(Math.max(...ownLong.map((t) => t[1])), 0)}` : ''}` : 'not supported',
      `none ${ownLong.length === 0 ? '✔' : '✖'}`,
    ]),
  );
  out.push(
    line([
      'long tasks > 50 ms of the workbench on the same thread (count, longest)',
      `${topLong.length + otherLong.length}${topLong.length + otherLong.length ? `, ${ms(Math.max(...topLong.map((t) => t[1]), ...otherLong.map((t) => t[1])), 0)}` : ''}`,
      '(context)',
    ]),
  );
  out.push(
    line([
      'bytes per snapshot message: typed arrays + JSON of the rest',
      typed.length ? `${Math.round(median(typed)).toLocaleString('en-US')} + ${Math.round(median(json)).toLocaleString('en-US')} = ${Math.round(median(typed) + median(json)).toLocaleString('en-US')} B (median)` : 'n/a',
      '',
    ]),
  );
  out.push(line(['ladder arrays arrive in the webview as', pageData.arrayType || 'n/a', '[object Float64Array]']));
  out.push(
    line([
      '**frame at the extension → ladder painted**, extension side (sentAt → `painted` received) p50 / p99',
      hostLatency.length ? `${ms(median(hostLatency), 1)} / ${ms(quantile(hostLatency, 0.99), 1)} (n ${hostLatency.length})` : 'n/a',
      '',
    ]),
  );
  out.push(
    line([
      'frame at the extension → ladder painted, page side (sentAt → end of the painting frame) p50 / p99',
      sentToPaint.length ? `${ms(median(sentToPaint), 1)} / ${ms(quantile(sentToPaint, 0.99), 1)} (n ${sentToPaint.length})` : 'n/a',
      '',
    ]),
  );
  out.push(
    line([
      'message received in the webview → painted p50 / p99',
      recvToPaint.length ? `${ms(median(recvToPaint), 1)} / ${ms(quantile(recvToPaint, 0.99), 1)}` : 'n/a',
      '',
    ]),
  );
  out.push(line(['snapshots superseded before a frame (coalesced) / not painted', `${matched.superseded} / ${matched.unpainted}`, '']));
  out.push(line(['machine: CPUs, load average (1 min) at start / end', `${os.cpus().length}, ${load[0].toFixed(1)} / ${load[1].toFixed(1)}`, '']));
  const longest = [...longtasks.filter((t) => t[1] > 50).map((t) => ['webview', ...t]), ...topLong.map((t) => ['workbench', ...t])]
    .sort((a, b) => b[2] - a[2])
    .slice(0, 5);
  if (longest.length) {
    out.push('');
    out.push(`Longest tasks: ${longest.map(([where, , d, name]) => `${ms(d, 0)} (${where} observer: ${name})`).join('; ')}.`);
  }
  out.push('');
  out.push(
    'Host clock for sentAt (the feed worker builds the snapshot as the frame reaches the extension) and page Date.now() are the same machine clock. ' +
      'code-server serves webviews from the workbench origin, so the panel shares a renderer main thread with the workbench here (desktop VS Code isolates it).',
  );
  process.stdout.write(out.join('\n') + '\n');
  return { missed };
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`webviewRenderBench: ${e.stack || e.message}`);
      process.exit(1);
    },
  );
}

module.exports = { matchFrames, quantile };
