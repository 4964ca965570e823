// Builds the three shipped bundles (extension host, CLI, webview) and, with --tests, transpiles
// sources, tests and benchmarks file-by-file into out/ so mocha and worker_threads load plain JS.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');

const shared = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  target: 'es2022',
};

// ws loads these native speed-ups only if present; they are never shipped, so never bundled.
const optionalNative = ['bufferutil', 'utf-8-validate'];

const bundles = [
  {
    ...shared,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode', ...optionalNative],
  },
  {
    ...shared,
    entryPoints: ['src/engine/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    external: optionalNative,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...shared,
    entryPoints: ['src/engine/worker/feedWorker.ts'],
    outfile: 'dist/feedWorker.js',
    platform: 'node',
    format: 'cjs',
    external: optionalNative,
  },
  {
    ...shared,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
  },
  {
    ...shared,
    entryPoints: ['webview/ladder.css'],
    outfile: 'dist/webview.css',
  },
];

function listTs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTs(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

// Benchmarks are bundled like the shipped code, so they measure what users run (module boundaries
// in transpiled CommonJS add getter calls that the bundle does not have).
function benchOptions() {
  return {
    ...shared,
    sourcemap: false,
    logLevel: 'warning',
    entryPoints: listTs('bench').filter((f) => !f.includes(`${path.sep}lib${path.sep}`)),
    outdir: 'out/bench',
    platform: 'node',
    format: 'cjs',
    external: ['ccxt', 'playwright-core', 'ws'],
  };
}

function transpileOptions() {
  return {
    entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('webview')],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'warning',
  };
}

async function main() {
  const configs = tests ? [transpileOptions(), benchOptions()] : bundles;
  if (watch) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching for changes');
    return;
  }
  await Promise.all(configs.map((c) => esbuild.build(c)));
  if (!tests) fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
