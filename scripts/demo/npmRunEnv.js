'use strict';
// The demo's own children (code-server, the exchange) should not see the outer `npm run demo`
// either; see scripts/vscode/npmEnv.js for why that matters to the tool installs.
const { withoutOuterNpmRun } = require('../vscode/npmEnv');

function forgetOuterNpmRun(env = process.env) {
  const clean = withoutOuterNpmRun(env);
  for (const k of Object.keys(env)) if (!(k in clean)) delete env[k];
}

module.exports = { forgetOuterNpmRun };
