'use strict';
// One prefix for everything the demo prints on stderr (progress), so it stands apart from the
// lines meant for the user (the URL, the ssh hint) that go to stdout.

function log(msg) {
  process.stderr.write(`[demo] ${msg}\n`);
}

/** Seconds since t0, for "ready in N s" messages. */
function since(t0) {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

module.exports = { log, since };
