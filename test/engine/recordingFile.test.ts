import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { parseRecording, readRecording, RecordingWriter } from '../../src/engine/replay/recordingFile';

const DEPTH =
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["100.0","1.5"]],"a":[["100.1","2"]]}}';
const SNAPSHOT = '{"lastUpdateId":11,"E":1,"T":1,"bids":[["100.0","1"]],"asks":[["100.1","1"]]}';

describe('recordingFile', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-recording-'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('parseRecording', () => {
    it('splits `<ns> <json>` lines into frames with millisecond times and the JSON text verbatim', () => {
      const { frames, badLines } = parseRecording(`1723161255207630466 ${DEPTH}\n1723161255240214766 ${SNAPSHOT}\n`);
      assert.deepEqual(badLines, []);
      assert.equal(frames.length, 2);
      assert.equal(frames[0].text, DEPTH);
      assert.equal(frames[1].text, SNAPSHOT);
      assert.equal(frames[0].localMs, 1723161255207630466 / 1e6);
      assert.ok(Math.abs(frames[0].localMs - 1723161255207.630466) < 0.001);
      assert.ok(Math.abs(frames[1].localMs - 1723161255240.214766) < 0.001);
    });

    it('accepts a last line without a trailing newline', () => {
      const { frames } = parseRecording(`1000000 {"a":1}\n2000000 {"b":2}`);
      assert.deepEqual(
        frames.map((f) => [f.localMs, f.text]),
        [
          [1, '{"a":1}'],
          [2, '{"b":2}'],
        ],
      );
    });

    it('tolerates CRLF line endings: no frame ends with a carriage return', () => {
      const { frames, badLines } = parseRecording(`1000000 ${DEPTH}\r\n2000000 ${SNAPSHOT}\r\n`);
      assert.deepEqual(badLines, []);
      assert.deepEqual(
        frames.map((f) => f.text),
        [DEPTH, SNAPSHOT],
      );
    });

    it('skips blank and whitespace-only lines without reporting them', () => {
      const { frames, badLines } = parseRecording(`\n1000000 {"a":1}\n\n   \n\r\n\t\n2000000 {"b":2}\n\n`);
      assert.deepEqual(badLines, []);
      assert.deepEqual(
        frames.map((f) => f.text),
        ['{"a":1}', '{"b":2}'],
      );
    });

    it('reports malformed lines with their 1-based line numbers (blank lines counted) instead of dropping them silently', () => {
      const content = [
        '1000000 {"ok":1}', // 1
        '', // 2
        '{"stream":"no timestamp"}', // 3
        'abc {"x":1}', // 4
        '1000000', // 5: a timestamp with no space and no frame
        ' 1000000 {"leading":"space"}', // 6
        '12345678901234567890123 {"too":"long"}', // 7: more than 20 digits
        '2000000 {"ok":2}', // 8
        '-5 {"negative":1}', // 9
      ].join('\r\n');
      const { frames, badLines } = parseRecording(content);
      assert.deepEqual(
        frames.map((f) => f.text),
        ['{"ok":1}', '{"ok":2}'],
      );
      assert.deepEqual(
        badLines.map((b) => b.line),
        [3, 4, 5, 6, 7, 9],
      );
      for (const bad of badLines) assert.ok(bad.reason.length > 0, `line ${bad.line} has a reason`);
    });

    it('reads a Buffer the same as a string, multi-byte UTF-8 included', () => {
      const content = `1000000 {"name":"USDⓈ-M","note":"naïve"}\n2000000 ${DEPTH}\n`;
      const fromString = parseRecording(content);
      const fromBuffer = parseRecording(Buffer.from(content, 'utf8'));
      assert.deepEqual(fromBuffer, fromString);
      assert.equal(fromBuffer.frames[0].text, '{"name":"USDⓈ-M","note":"naïve"}');
    });

    it('returns nothing for empty content', () => {
      assert.deepEqual(parseRecording(''), { frames: [], badLines: [] });
      assert.deepEqual(parseRecording(Buffer.alloc(0)), { frames: [], badLines: [] });
    });

    it('frames are independent strings: keeping one frame does not keep the whole content alive', async () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
      assert.ok(gc, 'the test needs gc(); --expose-gc could not be set at run time');
      const heapUsed = async (): Promise<number> => {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        gc();
        return process.memoryUsage().heapUsed;
      };
      const before = await heapUsed();
      // ~24 MB of content; the frames kept below are a few kB.
      const kept = ((): string[] => {
        const payload = `{"stream":"btcusdt@depth@0ms","data":{"b":[${'["61659.70","1.486"],'.repeat(100)}["1","1"]]}}`;
        const lines: string[] = [];
        for (let i = 0; i < 10_000; i++) lines.push(`${1_000_000 + i} ${payload.replace('0ms', `${i}ms`)}`);
        const { frames } = parseRecording(lines.join('\n'));
        assert.equal(frames.length, 10_000);
        return [frames[17].text, frames[5000].text, frames[9999].text];
      })();
      const after = await heapUsed();
      assert.ok(kept[1].includes('"btcusdt@depth@5000ms"'));
      const retainedMb = (after - before) / 1e6;
      assert.ok(retainedMb < 8, `three kept frames retained ${retainedMb.toFixed(1)} MB of heap (the content was ~24 MB)`);
    });
  });

  describe('readRecording', () => {
    const content = `1000000 ${DEPTH}\n2000000 ${SNAPSHOT}\nnot-a-line\n`;

    it('reads a plain file', () => {
      const file = path.join(dir, 'plain.txt');
      fs.writeFileSync(file, content);
      const { frames, badLines } = readRecording(file);
      assert.deepEqual(
        frames.map((f) => f.text),
        [DEPTH, SNAPSHOT],
      );
      assert.deepEqual(
        badLines.map((b) => b.line),
        [3],
      );
    });

    it('detects gzip by its magic bytes, not by the name: a gzip file named .txt is unpacked', () => {
      const file = path.join(dir, 'packed-but-named.txt');
      fs.writeFileSync(file, gzipSync(content));
      const { frames, badLines } = readRecording(file);
      assert.deepEqual(
        frames.map((f) => [f.localMs, f.text]),
        [
          [1, DEPTH],
          [2, SNAPSHOT],
        ],
      );
      assert.deepEqual(
        badLines.map((b) => b.line),
        [3],
      );
    });

    it('detects gzip by its magic bytes, not by the name: a plain file named .gz is read as text', () => {
      const file = path.join(dir, 'plain-but-named.txt.gz');
      fs.writeFileSync(file, content);
      const { frames } = readRecording(file);
      assert.deepEqual(
        frames.map((f) => f.text),
        [DEPTH, SNAPSHOT],
      );
    });

    it('reads an empty file as no frames', () => {
      const file = path.join(dir, 'empty.txt');
      fs.writeFileSync(file, '');
      assert.deepEqual(readRecording(file), { frames: [], badLines: [] });
    });

    it('throws for a missing file (the CLI turns this into a readable message)', () => {
      assert.throws(() => readRecording(path.join(dir, 'does-not-exist.txt')), /ENOENT/);
    });
  });

  describe('RecordingWriter', () => {
    const frames = [
      { localMs: 1723161255207.630466, text: DEPTH },
      { localMs: 1723161255240.214766, text: SNAPSHOT },
      { localMs: 1723161255240.215, text: '{"stream":"btcusdt@trade","data":{"note":"USDⓈ-M naïve"}}' },
      { localMs: 1723161256000, text: '{"result":null,"id":1}' },
    ];

    for (const name of ['written.txt', 'written.txt.gz']) {
      it(`writes a file that readRecording reads back identically (${name}; times within 1 µs)`, async () => {
        const file = path.join(dir, name);
        const writer = new RecordingWriter(file);
        for (const f of frames) writer.write(f.localMs, f.text);
        assert.equal(writer.framesWritten, frames.length);
        await writer.close();
        const raw = fs.readFileSync(file);
        const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
        assert.equal(gzipped, name.endsWith('.gz'), `gzip magic bytes present iff the name ends in .gz`);
        const back = readRecording(file);
        assert.deepEqual(back.badLines, []);
        assert.deepEqual(
          back.frames.map((f) => f.text),
          frames.map((f) => f.text),
        );
        for (let i = 0; i < frames.length; i++) {
          const diffUs = Math.abs(back.frames[i].localMs - frames[i].localMs) * 1000;
          assert.ok(diffUs <= 1, `frame ${i}: time read back ${back.frames[i].localMs} vs written ${frames[i].localMs} (${diffUs.toFixed(3)} µs apart)`);
        }
        if (!gzipped) {
          // The stored stamp is integer nanoseconds.
          assert.match(raw.toString('utf8').split('\n')[0], /^1723161255207630\d{3} \{/);
        }
      });
    }

    it('keeps a frame containing a newline on one line', async () => {
      const file = path.join(dir, 'newline.txt');
      const writer = new RecordingWriter(file);
      writer.write(1, '{"a":\n1}');
      writer.write(2, '{"b":2}');
      await writer.close();
      const back = readRecording(file);
      assert.deepEqual(back.badLines, []);
      assert.deepEqual(
        back.frames.map((f) => f.text),
        ['{"a": 1}', '{"b":2}'],
      );
    });

    it('ignores writes after close, and a second close resolves', async () => {
      const file = path.join(dir, 'closed.txt.gz');
      const writer = new RecordingWriter(file);
      writer.write(1, '{"a":1}');
      await writer.close();
      writer.write(2, '{"b":2}');
      await writer.close();
      assert.equal(writer.framesWritten, 1);
      assert.deepEqual(
        readRecording(file).frames.map((f) => f.text),
        ['{"a":1}'],
      );
    });

    it('a writer on an unwritable path reports the error through close() later, instead of crashing the process', () => {
      // Run in a child process: if the file stream's 'error' event has no listener, Node kills the
      // whole process, which would take mocha down with it.
      const moduleFile = path.resolve(__dirname, '../../src/engine/replay/recordingFile.js');
      const target = path.join(dir, 'no-such-subdir', 'rec.txt');
      const script = `
        const { RecordingWriter } = require(${JSON.stringify(moduleFile)});
        const writer = new RecordingWriter(${JSON.stringify(target)});
        writer.write(1, '{"a":1}');
        // A recording session runs for a while before it is closed.
        setTimeout(() => {
          writer.close().then(
            () => console.log('close resolved'),
            (err) => console.log('close rejected ' + err.code),
          );
        }, 100);
      `;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(
        child.status,
        0,
        `the process died (exit ${child.status}) instead of the error reaching close(); stderr:\n${child.stderr.split('\n').slice(0, 6).join('\n')}`,
      );
      assert.match(child.stdout, /close rejected ENOENT/);
    });

    it('an empty recording closes to a file that reads back as no frames (plain and gzip)', async () => {
      for (const name of ['empty-written.txt', 'empty-written.txt.gz']) {
        const file = path.join(dir, name);
        const writer = new RecordingWriter(file);
        await writer.close();
        assert.deepEqual(readRecording(file), { frames: [], badLines: [] }, name);
      }
    });
  });
});
