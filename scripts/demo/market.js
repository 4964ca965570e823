'use strict';
// The market FlowSight shows in the demo, as FlowSight settings plus (for a replay) a process:
//   demo   flowsight.feed = "demo": the extension runs the synthetic local exchange in-process
//   live   flowsight.feed = "binance" with the default Binance URLs
//   replay flowsight.feed = "binance" pointed at `node dist/cli.js exchange --replay FILE`, a local
//          Binance-compatible exchange playing the recording as a live market. The extension then
//          runs exactly its live code path (WebSocket + REST snapshot), which is the point of --replay.

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { spawn } = require('child_process');
const { REPO, forwardLines, killGroup, killGroupSync, registerCleanup } = require('../vscode/util');
const { since } = require('./log');

const DEFAULT_SYMBOL = 'BTCUSDT';

/**
 * Start the market.
 * @param {{ options: object, logFile: string, log: Function, onUnexpectedExit: (msg: string) => void }} o
 * @returns {Promise<{ description: string, symbol: string, settings: object, stop: () => Promise<void> }>}
 */
async function startMarket({ options, logFile, log, onUnexpectedExit }) {
  const symbol = options.symbol || DEFAULT_SYMBOL;
  if (options.market === 'live') {
    return {
      description: `live Binance USDⓈ-M futures, ${symbol} (needs internet access to fstream.binance.com / fapi.binance.com)`,
      symbol,
      settings: { 'flowsight.feed': 'binance', 'flowsight.symbol': symbol },
      failureHint: '--live needs internet access to fstream.binance.com and fapi.binance.com from a location Binance serves; leave out --live for the synthetic market',
      stop: async () => {},
    };
  }
  if (options.market === 'replay') return startReplayExchange({ options, logFile, log, onUnexpectedExit });
  return {
    description: `FlowSight's synthetic market, ${symbol} (flowsight.feed = "demo", run inside the extension)`,
    symbol,
    settings: { 'flowsight.feed': 'demo', 'flowsight.symbol': symbol },
    stop: async () => {},
  };
}

function replayDescription({ file, speed, symbol, restUrl }) {
  let text = `replay of ${file} at ${speed}x, ${symbol}, served by the local exchange at ${restUrl}`;
  const seconds = recordingSeconds(file);
  if (seconds) {
    text += `\n        The recording covers ${formatDuration(seconds)}: from now the market moves for ${formatDuration(seconds / speed)}, then the book stays still.`;
  }
  return text;
}

/** `node dist/cli.js exchange --replay FILE --speed N --port 0` in its own process group. */
async function startReplayExchange({ options, logFile, log, onUnexpectedExit }) {
  const file = options.replayFile;
  if (!fs.existsSync(file)) throw new Error(`--replay: recording not found: ${file}`);
  const cli = path.join(REPO, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (`npm run demo` does it for you)');
  const speed = options.speed ?? 1;
  const t0 = Date.now();
  log(`starting the local exchange: replay of ${path.basename(file)} at ${speed}x ...`);

  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [cli, 'exchange', '--replay', file, '--speed', String(speed), '--port', '0'], {
    cwd: REPO,
    detached: true, // own process group: Ctrl+C in the terminal reaches us, and we stop it in order
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  let started = false;
  let stopping = false;
  const unregister = registerCleanup({ async: () => stop(), sync: () => killGroupSync(pgid) });
  async function stop() {
    stopping = true;
    await killGroup(pgid, { graceMs: 3000 });
    unregister();
    logStream.end();
  }

  const tail = [];
  const found = {};
  const ready = new Promise((resolve, reject) => {
    const onLine = (line) => {
      logStream.write(line + '\n');
      tail.push(line);
      if (tail.length > 40) tail.shift();
      let m;
      if ((m = /^FlowSight local exchange — .*: ([A-Z0-9_,\s]+)$/.exec(line))) found.symbols = m[1].split(',').map((s) => s.trim());
      if ((m = /^\s*WebSocket\s+(ws:\/\/\S+)/.exec(line))) found.wsUrl = m[1];
      if ((m = /^\s*REST\s+(http:\/\/\S+)/.exec(line))) found.restUrl = m[1];
      if (/Press Ctrl\+C to stop/.test(line)) {
        if (found.wsUrl && found.restUrl) resolve();
        else reject(new Error(`the local exchange started but its URLs were not in its output:\n${tail.join('\n')}`));
      }
    };
    forwardLines(child.stdout, onLine);
    forwardLines(child.stderr, onLine);
    child.on('error', (e) => reject(new Error(`cannot start the local exchange: ${e.message}`)));
    // 'close', not 'exit': by then its last output lines are in `tail`
    child.on('close', (code, signal) => {
      const msg = `the local exchange exited (code ${code}, signal ${signal}):\n${tail.join('\n')}`;
      reject(new Error(msg));
      // before it is up, the caller gets the error from startMarket instead
      if (started && !stopping) onUnexpectedExit(msg);
    });
  });
  try {
    await withTimeout(ready, 60000, 'the local exchange did not start within 60 s (a large recording is read whole first)');
  } catch (e) {
    await stop();
    throw e;
  }
  started = true;
  const symbol = found.symbols && found.symbols[0] ? found.symbols[0] : DEFAULT_SYMBOL;
  if (options.symbol && options.symbol !== symbol) {
    await stop();
    throw new Error(`--symbol ${options.symbol}: the recording ${path.basename(file)} is ${symbol}; leave --symbol out or use ${symbol}`);
  }
  log(`local exchange up at ${found.restUrl} in ${since(t0)} (pgid ${pgid}, log ${path.relative(REPO, logFile)})`);
  return {
    description: replayDescription({ file, speed, symbol, restUrl: found.restUrl }),
    symbol,
    settings: {
      'flowsight.feed': 'binance',
      'flowsight.symbol': symbol,
      'flowsight.streamUrl': found.wsUrl,
      'flowsight.restUrl': found.restUrl,
    },
    failureHint: `the local exchange's output is in ${path.relative(REPO, logFile)}`,
    pid: pgid,
    stop,
  };
}

/**
 * How long the recording lasts (first to last line's receive time), so the banner can say when the
 * replayed market will stop moving; null when the file does not look like a recording.
 */
function recordingSeconds(file) {
  try {
    let buf = fs.readFileSync(file);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf);
    const text = buf.toString('utf8');
    const first = /^(\d{15,})\s/m.exec(text);
    const tail = text.slice(Math.max(0, text.length - 200000));
    const lastMatches = [...tail.matchAll(/^(\d{15,})\s/gm)];
    if (!first || lastMatches.length === 0) return null;
    const ns = BigInt(lastMatches[lastMatches.length - 1][1]) - BigInt(first[1]);
    return Number(ns / 1000000n) / 1000;
  } catch {
    return null;
  }
}

function formatDuration(seconds) {
  const total = Math.round(seconds);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

module.exports = { startMarket, DEFAULT_SYMBOL };
