'use strict';
// Command-line options of `npm run demo` and its --help text.

const path = require('path');

const THEMES = {
  dark: 'Default Dark Modern',
  light: 'Default Light Modern',
  hc: 'Default High Contrast',
};

const DEFAULT_PORT = 8080;

const USAGE = `FlowSight demo: FlowSight running in a real VS Code (code-server 4.139.1 in your browser).

Usage: npm run demo [-- OPTIONS]

Market (one of):
  (default)            the built-in synthetic market (flowsight.feed = "demo"), no network needed
  --live               real Binance USDⓈ-M futures (flowsight.feed = "binance", default URLs)
  --replay FILE        a recording played as a live market by the local exchange
                       (node dist/cli.js exchange --replay FILE), e.g. test/fixtures/*.txt.gz
  --speed N            replay speed, N times the recorded pace (default 1; with --replay)

Options:
  --symbol S           futures symbol (default BTCUSDT; a replay uses the recording's symbol)
  --port P             port for code-server on 127.0.0.1 (default ${DEFAULT_PORT}, or the next free one)
  --theme dark|light|hc  color theme (Default Dark Modern / Light Modern / High Contrast)
  --no-open-panel      do not open the order-book panel when the window opens
  --screenshot FILE    headless: open the window in Chromium, wait for a live ladder, save a
                       screenshot of the whole window to FILE (PNG), stop everything and exit
  -h, --help           this text

The first run installs Node 24, code-server and Chromium into .cache/vscode-tools (a few minutes,
~1 GB; Chromium and libkrb5-dev come from apt-get and need root). Later runs start in seconds.
Ctrl+C stops everything the demo started.`;

class UsageError extends Error {}

/**
 * Parse argv (what follows `npm run demo --`). Relative paths are taken from the folder the user
 * ran npm in (INIT_CWD), not from the repository root npm switches to.
 */
function parseOptions(argv, cwd = process.env.INIT_CWD || process.cwd()) {
  const o = {
    help: false,
    port: undefined, // undefined = DEFAULT_PORT or the next free one
    market: 'demo', // 'demo' | 'live' | 'replay'
    replayFile: undefined,
    speed: undefined,
    symbol: undefined,
    screenshot: undefined,
    theme: undefined,
    openPanel: true,
  };
  const value = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    // --name=value is accepted too
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      argv = [...argv.slice(0, i), a.slice(0, eq), a.slice(eq + 1), ...argv.slice(i + 1)];
      a = argv[i];
    }
    switch (a) {
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '--port': {
        const v = value(i++, a);
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--port takes a port number 1-65535, got '${v}'`);
        o.port = n;
        break;
      }
      case '--live':
        o.market = o.market === 'replay' ? conflict() : 'live';
        break;
      case '--replay':
        o.market = o.market === 'live' ? conflict() : 'replay';
        o.replayFile = path.resolve(cwd, value(i++, a));
        break;
      case '--speed': {
        const v = value(i++, a);
        const n = Number(v);
        if (!(n > 0 && Number.isFinite(n))) throw new UsageError(`--speed takes a positive number, got '${v}'`);
        o.speed = n;
        break;
      }
      case '--symbol': {
        const v = value(i++, a).toUpperCase();
        if (!/^[A-Z0-9_]{2,40}$/.test(v)) throw new UsageError(`--symbol takes a futures symbol such as BTCUSDT, got '${v}'`);
        o.symbol = v;
        break;
      }
      case '--screenshot':
        o.screenshot = path.resolve(cwd, value(i++, a));
        if (!/\.png$/i.test(o.screenshot)) throw new UsageError(`--screenshot writes a PNG: give a file name ending in .png, got '${o.screenshot}'`);
        break;
      case '--theme': {
        const v = value(i++, a);
        if (!THEMES[v]) throw new UsageError(`--theme takes dark, light or hc, got '${v}'`);
        o.theme = v;
        break;
      }
      case '--no-open-panel':
        o.openPanel = false;
        break;
      default:
        throw new UsageError(`unknown option '${a}'`);
    }
  }
  if (o.speed !== undefined && o.market !== 'replay') throw new UsageError('--speed needs --replay FILE');
  if (o.screenshot && !o.openPanel) throw new UsageError('--screenshot waits for the order-book panel: leave out --no-open-panel');
  return o;
}

function conflict() {
  throw new UsageError('choose one market: --live or --replay FILE (or neither, for the synthetic market)');
}

module.exports = { parseOptions, USAGE, UsageError, THEMES, DEFAULT_PORT };
