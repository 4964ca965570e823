#!/usr/bin/env node
// `npm run demo` (engine stage): replays the shared Binance recording through the engine at 10× speed
// and draws the ladder in the terminal. The VS Code demo replaces this once the extension lands.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const recording =
  process.argv[2] ??
  path.join(process.env.FLOWSIGHT_SHARED_DATA ?? path.resolve(root, '../shared/data'), 'binance-usdm-btcusdt-2024-08-08.txt.gz');
if (!fs.existsSync(recording)) {
  console.error(`FlowSight demo: recording not found at ${recording}\nPass one: npm run demo -- <recording.txt.gz>`);
  process.exit(2);
}
const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), 'replay', recording, '--speed', '10', '--interval', '250', '--levels', '15'], {
  stdio: 'inherit',
});
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
