'use strict';
// `npm run <script>` describes itself to its children in the environment, and the tool installs
// start another npm (Node 24, code-server) that would inherit it. The one that breaks it:
// npm_config_user_agent ("npm/11 node/v20 ...") becomes the inner npm's user agent, and
// code-server's postinstall reads the Node major from it — "code-server currently requires node
// v24. We have detected that you are on node v20" although it runs on Node 24. So the inner npm
// gets an environment without what describes the outer `npm run` (settings the user exported stay).

const OUTER_NPM_RUN = [
  'npm_config_user_agent',
  'npm_config_local_prefix', // the repo: the inner install's folder is its own cwd
  'npm_config_npm_version',
  'npm_node_execpath', // Node 20
  'npm_execpath',
  'npm_command',
  'npm_lifecycle_event',
  'npm_lifecycle_script',
  'NODE', // Node 20's path, set by npm run
];

/** A copy of `env` without the outer `npm run`'s description of itself. */
function withoutOuterNpmRun(env = process.env) {
  const out = { ...env };
  if (!out.npm_lifecycle_event) return out; // run directly with node: nothing to forget
  for (const k of OUTER_NPM_RUN) delete out[k];
  for (const k of Object.keys(out)) if (k.startsWith('npm_package_')) delete out[k];
  // an empty allow-scripts from the outer npm would override the tool folders' own allowScripts
  if (out.npm_config_allow_scripts === '') delete out.npm_config_allow_scripts;
  return out;
}

module.exports = { withoutOuterNpmRun };
