import * as assert from 'node:assert/strict';
import { MAX_ERROR_MESSAGE_CHARS, MAX_GROUP_TICKS, parseWebviewMessage } from '../../src/shared/panelProtocol';

describe('messages from the webview are validated and bounded', () => {
  it('accepts the well-formed ones and copies only their known keys', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: { huge: 'x'.repeat(10) } }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'setGrouping', groupTicks: 10, tickSize: 99, __proto__x: 1 }), { type: 'setGrouping', groupTicks: 10 });
    assert.deepEqual(parseWebviewMessage({ type: 'setRows', rows: 3000 }), { type: 'setRows', rows: 3000 });
    assert.deepEqual(parseWebviewMessage({ type: 'painted', seq: 12, frameMs: 3.5, other: 1 }), { type: 'painted', seq: 12, frameMs: 3.5 });
    assert.deepEqual(parseWebviewMessage({ type: 'setPaused', paused: true }), { type: 'setPaused', paused: true });
    assert.deepEqual(parseWebviewMessage({ type: 'toggleCumulative', show: false }), { type: 'toggleCumulative', show: false });
  });

  it('bounds groupTicks to whole numbers from 1 to MAX_GROUP_TICKS', () => {
    for (const groupTicks of [0, -1, 1.5, MAX_GROUP_TICKS + 1, 1e308, Infinity, NaN, '10', null]) {
      assert.equal(typeof parseWebviewMessage({ type: 'setGrouping', groupTicks }), 'string', String(groupTicks));
    }
    assert.deepEqual(parseWebviewMessage({ type: 'setGrouping', groupTicks: MAX_GROUP_TICKS }), { type: 'setGrouping', groupTicks: MAX_GROUP_TICKS });
  });

  it('bounds rows, seq and frameMs, and refuses non-finite numbers', () => {
    for (const rows of [19, 10_001, 100.5, Infinity]) assert.equal(typeof parseWebviewMessage({ type: 'setRows', rows }), 'string');
    for (const [seq, frameMs] of [[NaN, 1], [1.5, 1], [-1, 1], [2 ** 60, 1], [1, -1], [1, Infinity], [1, NaN], [1, 1e9], ['1', 1]]) {
      assert.equal(typeof parseWebviewMessage({ type: 'painted', seq, frameMs }), 'string', `${seq} ${frameMs}`);
    }
    assert.equal(typeof parseWebviewMessage({ type: 'setPaused', paused: 'yes' }), 'string');
  });

  it('caps an error message and strips control characters before it reaches the log', () => {
    const parsed = parseWebviewMessage({ type: 'error', message: `bad\u001b[2J\r\nthing\u0000${'x'.repeat(5000)}` });
    assert.ok(typeof parsed !== 'string' && parsed.type === 'error');
    const text = parsed.type === 'error' ? parsed.message : '';
    assert.ok(text.length <= MAX_ERROR_MESSAGE_CHARS, `${text.length} chars`);
    assert.ok(text.startsWith('bad [2J  thing x'), text.slice(0, 20));
    // eslint-disable-next-line no-control-regex
    assert.equal(/[\u0000-\u001f\u007f-\u009f]/.test(text), false);
  });

  it('refuses what is not a message, naming the type without echoing a long one', () => {
    assert.equal(parseWebviewMessage(null), 'message is not an object');
    assert.equal(parseWebviewMessage('ready'), 'message is not an object');
    const unknown = parseWebviewMessage({ type: `x${'\n'.repeat(3)}${'y'.repeat(500)}` });
    assert.ok(typeof unknown === 'string' && unknown.length < 80 && !unknown.includes('\n'), String(unknown));
    assert.equal(parseWebviewMessage({ type: 5 }), 'unknown message type number');
  });
});
