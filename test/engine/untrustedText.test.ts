import * as assert from 'node:assert/strict';
import { logText, NOTIFICATION_MAX_CHARS, notificationText, plainText, serverText, terminalText } from '../../src/engine/core/untrustedText';

const ESC = '\x1b';

describe('server text shown to people', () => {
  describe('plainText (stderr, stdout without a terminal)', () => {
    it('removes ANSI colour, cursor and screen sequences but keeps the words', () => {
      assert.equal(plainText(`${ESC}[31mHTTP 500${ESC}[0m: ${ESC}[2J${ESC}[Hboom${ESC}[1;1H`), 'HTTP 500: boom');
    });

    it('removes OSC sequences (window title, hyperlinks) whether ended by BEL or ST, and DCS strings', () => {
      assert.equal(plainText(`a${ESC}]0;pwned\x07b${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\c`), 'ablinkc');
      assert.equal(plainText(`x${ESC}Pq#0;2;0;0;0${ESC}\\y`), 'xy');
    });

    it('removes 8-bit CSI and OSC, other C1 controls, C0 controls, DEL and a lone ESC', () => {
      assert.equal(plainText('a\x9b31mb\x9d0;t\x07c\x85d\x00e\x07f\x08g\x7fh' + ESC), 'abcdefgh');
    });

    it('removes bidi overrides, isolates and marks so text reads in the order it was sent', () => {
      assert.equal(plainText('symbol BTC\u202eTDSU\u202c is \u2066halted\u2069\u200f'), 'symbol BTCTDSU is halted');
    });

    it('keeps tabs and newlines, turns CR and Unicode line separators into newlines', () => {
      assert.equal(plainText('a\tb\r\nc\rd\u2028e'), 'a\tb\nc\nd\ne');
    });

    it('leaves ordinary text, including non-Latin letters and emoji, as it is', () => {
      const text = 'BTCUSDT 61,659.7 — Binance refuses connections (HTTP 451) · ₿ 比特币 📈';
      assert.equal(plainText(text), text);
    });
  });

  describe('logText', () => {
    it('indents continuation lines so a server cannot forge a log entry of its own', () => {
      assert.equal(logText('depth failed: bad\n2026-12-01 09:00:00.000 [info] feed live'), 'depth failed: bad\n    2026-12-01 09:00:00.000 [info] feed live');
    });
  });

  describe('notificationText', () => {
    it('splits every [label](target) so VS Code renders no link', () => {
      const text = notificationText('HTTP 403: [Click to verify](https://evil.example/login) or [run](command:workbench.action.terminal.new) [f](file:///etc/passwd)');
      assert.doesNotMatch(text, /\]\(/, 'no "](" left for the link parser');
      assert.equal(text, 'HTTP 403: [Click to verify] (https://evil.example/login) or [run] (command:workbench.action.terminal.new) [f] (file:///etc/passwd)');
    });

    it('is one line without control characters', () => {
      assert.equal(notificationText(`first\nsecond\r\n${ESC}[31mthird\u202e`), 'first second third');
    });

    it('cuts a long body to the bound with an ellipsis', () => {
      const text = notificationText('x'.repeat(10_000));
      assert.equal(text.length, NOTIFICATION_MAX_CHARS);
      assert.ok(text.endsWith('…'));
      assert.equal(notificationText('short'), 'short');
    });
  });

  describe('serverText (a body quoted inside our own message)', () => {
    it('puts the words on one line without escapes or controls and bounds the length', () => {
      assert.equal(serverText(`<h1>${ESC}[31mBad\r\nGateway</h1>\n\n\u202eok`, 100), '<h1>Bad Gateway</h1> ok');
      assert.equal(serverText('x'.repeat(50), 10), `${'x'.repeat(10)}…`);
    });
  });

  describe('terminalText (an interactive stdout)', () => {
    it("keeps FlowSight's own colours and screen clearing", () => {
      const ladder = `${ESC}[H${ESC}[2J${ESC}[31m61,660.0${ESC}[0m ${ESC}[2m0.5${ESC}[0m`;
      assert.equal(terminalText(ladder), ladder);
    });

    it('removes every other sequence and control', () => {
      assert.equal(terminalText(`LIVE — ${ESC}]0;pwned\x07ok${ESC}[1A${ESC}[K\x9b2J\x00\u202e.`), 'LIVE — ok.');
    });
  });
});
