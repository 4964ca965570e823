'use strict';
// The port code-server listens on. A fixed, predictable default (8080) keeps the printed ssh
// command the same from run to run; when it is taken we move up rather than fail.

const net = require('net');

/** Can we listen on 127.0.0.1:port right now? (Also false when 0.0.0.0:port is taken.) */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * @param {number|undefined} requested  --port: must be free; undefined: `preferred` or the next free one
 * @param {number} preferred
 */
async function choosePort(requested, preferred) {
  if (requested !== undefined) {
    if (await portIsFree(requested)) return requested;
    throw new Error(`port ${requested} on 127.0.0.1 is in use; pick another with --port, or leave --port out to take the next free one`);
  }
  for (let p = preferred; p < preferred + 100 && p <= 65535; p++) {
    if (await portIsFree(p)) return p;
  }
  throw new Error(`no free port in ${preferred}-${preferred + 99} on 127.0.0.1; pass one with --port`);
}

module.exports = { choosePort, portIsFree };
