import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** Everything a terminal would obey or reorder: ESC, other C0 but tab/newline, DEL, C1, bidi controls. */
const OBEYED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('the CLI in a terminal, against a server whose error bodies carry escape sequences', function () {
  this.timeout(30_000);
  let server: http.Server;
  let port: number;

  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('nope\x1b]0;pwned-title\x07\x1b[2J\x1b[31mred\x1b[0m \u202eTDSUCTB\u202c \x9b2K done');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('prints the server’s words on stderr with none of its control characters', async () => {
    const child = spawn(process.execPath, [CLI, 'watch', 'BTCUSDT', '--rest-url', `http://127.0.0.1:${port}`, '--ws-url', `ws://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!/HTTP 400/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    await exited;
    assert.match(stderr, /HTTP 400/, 'the error reached stderr');
    const bad = OBEYED.exec(stderr + stdout);
    assert.equal(bad, null, `a control character reached the terminal: U+${bad?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${JSON.stringify(stderr)}`);
    if (stderr.includes('nope')) assert.match(stderr, /nopered TDSUCTB +done/, `the words stay, in the order sent: ${JSON.stringify(stderr)}`);
  });
});
