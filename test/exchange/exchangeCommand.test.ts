import assert from 'node:assert/strict';
import { UsageError } from '../../src/engine/cli/args';
import { exchangeCommand } from '../../src/engine/cli/exchangeCommand';
import type { CliIo } from '../../src/engine/cli/io';
import { connect, eventually, getJson } from './exchangeTestKit';

function testIo(): CliIo & { lines: string[]; errors: string[]; controller: AbortController } {
  const controller = new AbortController();
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, controller, out: (l) => lines.push(l), error: (l) => errors.push(l), isTty: false, signal: controller.signal };
}

describe('flowsight exchange (CLI)', () => {
  it('prints its URLs, serves until aborted, then stops and returns 0', async () => {
    const io = testIo();
    const done = exchangeCommand(['--port', '0', '--symbols', 'btcusdt,SOLUSDT', '--seed', '3', '--gap-every', '50', '--rest-delay', '10'], io);
    await eventually('the banner', () => io.lines.some((l) => l.startsWith('Press Ctrl+C')));
    const text = io.lines.join('\n');
    const wsUrl = /WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    const restUrl = /REST\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    const example = /example\s+(\S+)/.exec(text)?.[1];
    assert.ok(wsUrl !== undefined && restUrl !== undefined && example !== undefined, text);
    assert.match(text, /BTCUSDT, SOLUSDT/);
    assert.match(text, /gap every 50 diffs/);
    assert.equal(example, `${wsUrl}/public/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker`);

    const client = await connect(example);
    await client.until('data from the example URL', () => client.messages.length >= 3);
    const info = await getJson(`${restUrl}/fapi/v1/exchangeInfo`);
    assert.equal(info.status, 200);

    io.controller.abort();
    assert.equal(await done, 0);
    assert.equal(await client.closed, 1006);
    assert.match(io.lines[io.lines.length - 1], /^stopped: 1 connections, \d+ data messages, 1 REST requests/);
    assert.deepEqual(io.errors, []);
  });

  it('rejects options that make no sense before starting anything', async () => {
    const io = testIo();
    for (const argv of [['--speed', '10'], ['--rest-status', '404'], ['--ws-reject', '500'], ['--tick-size', 'huge'], ['--retry-after', '5'], ['--rest-body', 'slow'], ['--drop-every', '0'], ['--bogus'], ['extra'], ['--symbols', 'BTC-USDT']]) {
      await assert.rejects(exchangeCommand(argv, io), UsageError, argv.join(' '));
    }
    assert.deepEqual(io.lines, []);
  });

  it('takes the hostile modes as flags and names them in its banner', async () => {
    const io = testIo();
    const done = exchangeCommand(['--ws-reject', '429', '--retry-after', '3000000', '--tick-size', 'coarser', '--close-after-open', '150', '--impossible-every', '7'], io);
    await eventually('the banner', () => io.lines.some((l) => l.startsWith('Press Ctrl+C')));
    const faults = io.lines.find((l) => l.trim().startsWith('faults')) ?? '';
    assert.match(faults, /WebSocket upgrades refused with 429, Retry-After "3000000"/);
    assert.match(faults, /exchangeInfo tick size lies \(coarser\)/);
    assert.match(faults, /connections closed 150 ms after opening/);
    assert.match(faults, /impossible numbers every 7 diffs/);
    io.controller.abort();
    assert.equal(await done, 0);
  });

  it('says so and returns 2 when the recording cannot be read', async () => {
    const io = testIo();
    assert.equal(await exchangeCommand(['--replay', '/nonexistent/recording.txt.gz', '--speed', '10'], io), 2);
    assert.match(io.errors.join('\n'), /cannot start the exchange: .*recording\.txt\.gz/);
  });
});
