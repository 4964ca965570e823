import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync, gzipSync, inflateRawSync, type InflateRaw } from 'node:zlib';
import { RecordingReader, describeReadProblems, type RecordingReaderOptions } from '../../src/engine/replay/recordingReader';
import { RecordingWriter } from '../../src/engine/replay/recordingWriter';
import { ReceiveClock, utcDayOf } from '../../src/engine/replay/receiveClock';
import { SymbolRecording, dailyRecordingName } from '../../src/engine/replay/symbolRecording';
import { readAllFrames } from './support/recordingFixture';
import { waitFor } from '../support/waitFor';

const DEPTH =
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[["100.0","1.5"]],"a":[["100.1","2"]]}}';
const SNAPSHOT = '{"lastUpdateId":11,"E":1,"T":1,"bids":[["100.0","1"]],"asks":[["100.1","1"]]}';

describe('recording files', () => {
  let dir: string;
  let n = 0;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowsight-recording-'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `content` to a new file and streams it back. */
  async function parse(content: string | Buffer, options: RecordingReaderOptions = {}, name = `r${n++}.txt`) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const reader = await RecordingReader.open(file, options);
    const frames = [];
    for (let batch = await reader.read(); batch.length > 0; batch = await reader.read()) frames.push(...batch);
    const report = reader.report;
    return { frames, report, badLines: report.damagedLines };
  }

  describe('RecordingReader: lines', () => {
    it('splits `<ns> <json>` lines into frames with millisecond times and the JSON text verbatim', async () => {
      const { frames, badLines } = await parse(`1723161255207630466 ${DEPTH}\n1723161255240214766 ${SNAPSHOT}\n`);
      assert.deepEqual(badLines, []);
      assert.equal(frames.length, 2);
      assert.equal(frames[0].text, DEPTH);
      assert.equal(frames[1].text, SNAPSHOT);
      assert.equal(frames[0].localMs, 1723161255207630466 / 1e6);
      assert.ok(Math.abs(frames[1].localMs - 1723161255240.214766) < 0.001);
    });

    it('accepts a last line without a trailing newline', async () => {
      const { frames } = await parse(`1000000 {"a":1}\n2000000 {"b":2}`);
      assert.deepEqual(
        frames.map((f) => [f.localMs, f.text]),
        [
          [1, '{"a":1}'],
          [2, '{"b":2}'],
        ],
      );
    });

    it('tolerates CRLF line endings: no frame ends with a carriage return', async () => {
      const { frames, badLines } = await parse(`1000000 ${DEPTH}\r\n2000000 ${SNAPSHOT}\r\n`);
      assert.deepEqual(badLines, []);
      assert.deepEqual(
        frames.map((f) => f.text),
        [DEPTH, SNAPSHOT],
      );
    });

    it('skips blank and whitespace-only lines without reporting them', async () => {
      const { frames, report } = await parse(`\n1000000 {"a":1}\n\n   \n\r\n\t\n2000000 {"b":2}\n\n`);
      assert.equal(report.damaged, 0);
      assert.deepEqual(
        frames.map((f) => f.text),
        ['{"a":1}', '{"b":2}'],
      );
    });

    it('reports damaged lines with their 1-based line numbers (blank lines counted) and keeps going', async () => {
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
      const { frames, badLines, report } = await parse(content);
      assert.deepEqual(
        frames.map((f) => f.text),
        ['{"ok":1}', '{"ok":2}'],
      );
      assert.deepEqual(
        badLines.map((b) => b.line),
        [3, 4, 5, 6, 7, 9],
      );
      assert.equal(report.damaged, 6);
      assert.equal(report.lines, 9);
      for (const bad of badLines) assert.ok(bad.reason.length > 0, `line ${bad.line} has a reason`);
    });

    it('counts every damaged line but lists only the first few, so a file of garbage cannot fill memory', async () => {
      const lines = ['1000000 {"first":1}'];
      for (let i = 0; i < 5000; i++) lines.push(`garbage ${i}`);
      lines.push('2000000 {"last":1}');
      const { frames, report } = await parse(lines.join('\n'));
      assert.deepEqual(
        frames.map((f) => f.text),
        ['{"first":1}', '{"last":1}'],
      );
      assert.equal(report.damaged, 5000);
      assert.equal(report.damagedLines.length, 20);
      assert.deepEqual(
        report.damagedLines.slice(0, 3).map((b) => b.line),
        [2, 3, 4],
      );
      const told = describeReadProblems(report, 'garbage.txt');
      assert.equal(told.length, 6);
      assert.match(told[0], /^garbage\.txt:2: line does not start with a nanosecond timestamp/);
      assert.equal(told[5], 'garbage.txt: 4,995 more damaged lines skipped');
    });

    it('skips and counts a line longer than the cap without buffering it, and reads on after it', async () => {
      const long = `3000000 {"x":"${'y'.repeat(300_000)}"}`;
      const { frames, report } = await parse(`1000000 {"a":1}\n${long}\n2000000 {"b":2}\n${long}`, { maxLineBytes: 100_000 });
      assert.deepEqual(
        frames.map((f) => f.text),
        ['{"a":1}', '{"b":2}'],
      );
      assert.equal(report.damaged, 2);
      assert.deepEqual(
        report.damagedLines.map((b) => [b.line, b.reason]),
        [
          [2, 'line longer than 98 KiB'],
          [4, 'line longer than 98 KiB'],
        ],
      );
      assert.equal(report.lines, 4);
    });

    it('reads lines that straddle chunk boundaries, multi-byte UTF-8 included, exactly as written', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 3000; i++) lines.push(`${1_000_000 + i} {"i":${i},"note":"USDⓈ-M naïve ${'é'.repeat(i % 97)}"}`);
      const content = `${lines.join('\n')}\n`;
      for (const packed of [false, true]) {
        const { frames, report } = await parse(packed ? gzipSync(content) : content);
        assert.equal(report.damaged, 0);
        assert.equal(frames.length, 3000);
        for (let i = 0; i < 3000; i += 1) assert.equal(frames[i].text, lines[i].slice(lines[i].indexOf(' ') + 1));
      }
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
      const payload = `{"stream":"btcusdt@depth@0ms","data":{"b":[${'["61659.70","1.486"],'.repeat(100)}["1","1"]]}}`;
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) lines.push(`${1_000_000 + i} ${payload.replace('0ms', `${i}ms`)}`);
      const file = path.join(dir, 'big.txt');
      fs.writeFileSync(file, lines.join('\n'));
      lines.length = 0;
      const before = await heapUsed();
      // ~24 MB of frames; the ones kept below are a few kB.
      const kept = await (async (): Promise<string[]> => {
        const { frames } = await readAllFrames(file);
        assert.equal(frames.length, 10_000);
        return [frames[17].text, frames[5000].text, frames[9999].text];
      })();
      const after = await heapUsed();
      assert.ok(kept[1].includes('"btcusdt@depth@5000ms"'));
      const retainedMb = (after - before) / 1e6;
      assert.ok(retainedMb < 8, `three kept frames retained ${retainedMb.toFixed(1)} MB of heap (the file was ~24 MB)`);
    });

    it('peek shows the first frames without consuming them', async () => {
      const file = path.join(dir, 'peek.txt');
      fs.writeFileSync(file, '1000000 {"a":1}\n2000000 {"b":2}\n3000000 {"c":3}\n');
      const reader = await RecordingReader.open(file);
      assert.deepEqual(
        (await reader.peek(2)).map((f) => f.text),
        ['{"a":1}', '{"b":2}'],
      );
      assert.deepEqual(
        (await reader.read(10)).map((f) => f.text),
        ['{"a":1}', '{"b":2}', '{"c":3}'],
      );
      assert.deepEqual(await reader.read(), []);
      assert.equal(reader.report.done, true);
    });
  });

  describe('RecordingReader: files', () => {
    const content = `1000000 ${DEPTH}\n2000000 ${SNAPSHOT}\nnot-a-line\n`;

    it('detects gzip by its magic bytes, not by the name: a gzip file named .txt is unpacked', async () => {
      const { frames, badLines } = await parse(gzipSync(content), {}, 'packed-but-named.txt');
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

    it('detects gzip by its magic bytes, not by the name: a plain file named .gz is read as text', async () => {
      const { frames } = await parse(content, {}, 'plain-but-named.txt.gz');
      assert.deepEqual(
        frames.map((f) => f.text),
        [DEPTH, SNAPSHOT],
      );
    });

    it('reads an empty file (plain, or an empty gzip stream) as no frames', async () => {
      for (const bytes of [Buffer.alloc(0), gzipSync('')]) {
        const { frames, report } = await parse(bytes);
        assert.deepEqual(frames, []);
        assert.equal(report.endedEarly, undefined);
        assert.equal(report.damaged, 0);
      }
    });

    it('rejects a missing file with the system error (the CLI turns this into a readable message)', async () => {
      await assert.rejects(RecordingReader.open(path.join(dir, 'does-not-exist.txt')), /ENOENT/);
    });

    it('a truncated gzip replays every complete line before the cut and says the file is cut short', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 40_000; i++) lines.push(`${1_000_000_000 + i} {"stream":"x@trade","data":{"i":${i},"pad":"${(i * 7919).toString(36)}"}}`);
      const packed = gzipSync(`${lines.join('\n')}\n`);
      const { frames, report } = await parse(packed.subarray(0, Math.floor(packed.length * 0.6)));
      assert.ok(frames.length > 10_000 && frames.length < 40_000, `${frames.length} frames read before the cut`);
      for (let i = 0; i < frames.length; i++) assert.equal(frames[i].text, lines[i].slice(lines[i].indexOf(' ') + 1), `frame ${i}`);
      assert.equal(report.damaged, 0, 'the cut-off last line is not a damaged line');
      assert.equal(report.lines, frames.length);
      assert.equal(
        report.endedEarly,
        `recording ends early: the gzip stream is truncated after ${frames.length.toLocaleString('en-US')} lines; its incomplete last line is skipped`,
      );
    });

    it('reads concatenated gzip members as one stream, a member ending exactly on a read-chunk boundary included', async () => {
      const lineOf = (i: number): string => `${1_000_000_000 + i} {"stream":"x@trade","data":{"i":${i}}}\n`;
      const empty = gzipSync('');
      // A stored (level 0) member sized so that the next member starts at byte 65,536, where the reader's first 64 KiB chunk ends.
      const storedPayload = 65_536 - empty.length - 10 - 5 - 8;
      let first = '';
      let i = 0;
      while (first.length + lineOf(i).length <= storedPayload - 1) first += lineOf(i++);
      first += ' '.repeat(storedPayload - 1 - first.length) + '\n';
      const members = [empty, gzipSync(first, { level: 0 })];
      assert.equal(empty.length + members[1].length, 65_536);
      const expected: string[] = [];
      for (let k = 0; k < i; k++) expected.push(lineOf(k));
      for (let m = 0; m < 30; m++) {
        let text = '';
        for (let k = 0; k < 700; k++, i++) text += lineOf(i);
        expected.push(...text.split(/(?<=\n)/));
        members.push(gzipSync(text), empty);
      }
      const { frames, report } = await parse(Buffer.concat(members), {}, 'members.gz');
      assert.equal(report.endedEarly, undefined);
      assert.equal(report.damaged, 0);
      assert.deepEqual(
        frames.map((f) => f.text),
        expected.map((l) => l.slice(l.indexOf(' ') + 1, -1)),
      );
    });

    it('a cut last member after complete ones replays every complete member and says the stream is truncated', async () => {
      const text = (from: number): string => Array.from({ length: 2000 }, (_, k) => `${1_000_000_000 + from + k} {"i":${from + k},"r":"${((from + k) * 7919).toString(36)}"}\n`).join('');
      const last = gzipSync(text(4000));
      const { frames, report } = await parse(Buffer.concat([gzipSync(text(0)), gzipSync(text(2000)), last.subarray(0, last.length >> 1)]), {}, 'cut-member.gz');
      assert.ok(frames.length >= 4000 && frames.length < 6000, `${frames.length} frames`);
      assert.equal(frames[3999].text, `{"i":3999,"r":"${(3999 * 7919).toString(36)}"}`);
      assert.match(report.endedEarly ?? '', /^recording ends early: the gzip stream is truncated after [\d,]+ lines/);
    });

    it('a damaged gzip stream replays what comes before the damage and says where it broke', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i++) lines.push(`${1_000_000_000 + i} {"i":${i},"r":"${(i * 104729).toString(36)}"}`);
      const packed = Buffer.from(gzipSync(`${lines.join('\n')}\n`, { level: 1 }));
      const at = Math.floor(packed.length / 2);
      for (let i = at; i < at + 64; i++) packed[i] = 0xff;
      const { frames, report } = await parse(packed);
      assert.ok(frames.length > 0 && frames.length < 20_000);
      for (let i = 0; i < Math.min(frames.length, 1000); i++) assert.equal(frames[i].text, lines[i].slice(lines[i].indexOf(' ') + 1));
      assert.match(report.endedEarly ?? '', /^recording ends early: the gzip stream is damaged after [\d,]+ lines \(.+\)$/);
    });

    it('a gzip bomb (10 M damaged lines and a 40 MB line in 100 KB) is read in bounded memory under a 48 MB heap', function () {
      this.timeout(120_000);
      const moduleFile = path.resolve(__dirname, '../../src/engine/replay/recordingReader.js');
      const bomb = path.join(dir, 'bomb.gz');
      // Built and read in a child whose heap is capped: the whole-file reader needed gigabytes here.
      const script = `
        const zlib = require('node:zlib');
        const fs = require('node:fs');
        const { RecordingReader } = require(${JSON.stringify(moduleFile)});
        const gzip = zlib.createGzip({ level: 9 });
        gzip.pipe(fs.createWriteStream(${JSON.stringify(bomb)})).on('finish', async () => {
          const reader = await RecordingReader.open(${JSON.stringify(bomb)});
          let frames = 0;
          for (let batch = await reader.read(); batch.length > 0; batch = await reader.read()) frames += batch.length;
          const r = reader.report;
          console.log(JSON.stringify({ bytes: fs.statSync(${JSON.stringify(bomb)}).size, frames, damaged: r.damaged, listed: r.damagedLines.length, lines: r.lines, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
        });
        const junk = Buffer.alloc(1 << 20, 'x\\n');
        const long = Buffer.alloc(1 << 20, 'y');
        gzip.write('1000000 {"first":1}\\n');
        for (let i = 0; i < 40; i++) gzip.write(long);
        gzip.write('\\n');
        for (let i = 0; i < 10; i++) gzip.write(junk);
        gzip.end('2000000 {"last":1}\\n');
      `;
      const child = spawnSync(process.execPath, ['--max-old-space-size=48', '-e', script], { encoding: 'utf8', timeout: 110_000 });
      assert.equal(child.status, 0, `the reader died: ${child.stderr.split('\n').slice(0, 8).join('\n')}`);
      const result = JSON.parse(child.stdout) as { bytes: number; frames: number; damaged: number; listed: number; lines: number; maxRssMb: number };
      assert.ok(result.bytes < 200_000, `the bomb is ${result.bytes} bytes`);
      assert.equal(result.frames, 2);
      assert.equal(result.damaged, 10 * (1 << 19) + 1);
      assert.equal(result.listed, 20);
      assert.equal(result.lines, 10 * (1 << 19) + 3);
      assert.ok(result.maxRssMb < 200, `peak RSS ${result.maxRssMb.toFixed(0)} MB`);
    });
  });

  describe('RecordingWriter', () => {
    const frames = [
      { ns: 1723161255207630466n, text: DEPTH },
      { ns: 1723161255240214766n, text: SNAPSHOT },
      { ns: 1723161255240215000n, text: '{"stream":"btcusdt@trade","data":{"note":"USDⓈ-M naïve"}}' },
      { ns: 1723161256000000000n, text: '{"result":null,"id":1}' },
    ];

    for (const name of ['written.txt', 'written.txt.gz']) {
      it(`writes 19-digit nanosecond stamps and the frames verbatim, which the reader reads back (${name})`, async () => {
        const file = path.join(dir, name);
        const writer = new RecordingWriter(file);
        for (const f of frames) writer.write(f.ns, f.text);
        assert.equal(writer.framesWritten, frames.length);
        await writer.close();
        const raw = fs.readFileSync(file);
        const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
        assert.equal(gzipped, name.endsWith('.gz'), `gzip magic bytes present iff the name ends in .gz`);
        const back = await readAllFrames(file);
        assert.equal(back.report.damaged, 0);
        assert.equal(back.report.endedEarly, undefined);
        assert.deepEqual(
          back.frames.map((f) => f.text),
          frames.map((f) => f.text),
        );
        for (let i = 0; i < frames.length; i++) assert.equal(back.frames[i].localMs, Number(frames[i].ns) / 1e6);
        if (!gzipped) {
          assert.deepEqual(
            raw.toString('utf8').split('\n').slice(0, -1).map((l) => l.slice(0, 20)),
            frames.map((f) => `${f.ns} `),
          );
        }
      });
    }

    it('stamps strictly increase: a tie or a step back is stored 1 ns after the previous line', async () => {
      const file = path.join(dir, 'ties.txt');
      const writer = new RecordingWriter(file);
      assert.equal(writer.write(1723161255207630466n, '{"a":1}'), 1723161255207630466n);
      assert.equal(writer.write(1723161255207630466n, '{"b":2}'), 1723161255207630467n);
      assert.equal(writer.write(1723161255000000000n, '{"c":3}'), 1723161255207630468n);
      assert.equal(writer.write(1723161255300000000n, '{"d":4}'), 1723161255300000000n);
      await writer.close();
      assert.deepEqual(
        fs.readFileSync(file, 'utf8').split('\n').slice(0, -1).map((l) => l.split(' ')[0]),
        ['1723161255207630466', '1723161255207630467', '1723161255207630468', '1723161255300000000'],
      );
    });

    it('keeps a frame containing a newline on one line', async () => {
      const file = path.join(dir, 'newline.txt');
      const writer = new RecordingWriter(file);
      writer.write(1n, '{"a":\n1}');
      writer.write(2n, '{"b":2}');
      await writer.close();
      const back = await readAllFrames(file);
      assert.equal(back.report.damaged, 0);
      assert.deepEqual(
        back.frames.map((f) => f.text),
        ['{"a": 1}', '{"b":2}'],
      );
    });

    /** The texts of a file's gzip members, in order. Node's gzip writes a 10-byte header and an 8-byte trailer around each deflate stream. */
    function gzipMembers(bytes: Buffer): string[] {
      const members: string[] = [];
      for (let at = 0; at < bytes.length; ) {
        assert.deepEqual([...bytes.subarray(at, at + 3)], [0x1f, 0x8b, 8], `a gzip member starts at byte ${at}`);
        // Raw inflate stops at the end of one deflate stream and says how much input it used.
        const one = inflateRawSync(bytes.subarray(at + 10), { info: true }) as unknown as { buffer: Buffer; engine: InflateRaw };
        members.push(one.buffer.toString('utf8'));
        at += 10 + one.engine.bytesWritten + 8;
      }
      return members;
    }

    it('flush() appends the period as one complete gzip member: the open file gunzips whole, with every line so far', async () => {
      const file = path.join(dir, 'flushed.gz');
      const writer = new RecordingWriter(file, { flushEveryMs: 60_000 });
      await writer.opened();
      try {
        for (let i = 0; i < 500; i++) writer.write(BigInt(1_000_000 + i), `{"stream":"x@trade","data":{"i":${i}}}`);
        writer.flush();
        for (let i = 500; i < 800; i++) writer.write(BigInt(1_000_000 + i), `{"stream":"x@trade","data":{"i":${i}}}`);
        writer.flush();
        writer.write(2_000_000n, '{"stream":"x@trade","data":{"unflushed":1}}');
        const text = await waitFor('both members on disk', () => {
          const t = gunzipSync(fs.readFileSync(file)).toString('utf8');
          return t.split('\n').length === 801 ? t : undefined;
        });
        assert.ok(text.endsWith('1000799 {"stream":"x@trade","data":{"i":799}}\n'));
        const back = await readAllFrames(file);
        assert.equal(back.frames.length, 800);
        assert.equal(back.report.endedEarly, undefined, 'an open file ends on a member boundary, not a cut stream');
        const members = gzipMembers(fs.readFileSync(file));
        assert.deepEqual(
          members.map((m) => m.split('\n').length - 1),
          [0, 500, 300],
          'an empty member first, then one member per flush',
        );
      } finally {
        await writer.close();
      }
      const closed = await readAllFrames(file);
      assert.equal(closed.frames.length, 801, 'close() writes the last period');
      assert.equal(closed.report.endedEarly, undefined);
    });

    it('a busy period is packed early, past about 1 MB of lines, without waiting for the flush timer', async () => {
      const file = path.join(dir, 'busy.gz');
      const writer = new RecordingWriter(file, { flushEveryMs: 60_000 });
      await writer.opened();
      const pad = 'p'.repeat(1000);
      try {
        for (let i = 0; i < 3000; i++) writer.write(BigInt(1_000_000 + i), `{"stream":"x@depth","data":{"i":${i},"pad":"${pad}"}}`);
        const lines = await waitFor('two early members on disk', () => {
          const n = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').length - 1;
          return n >= 2000 ? n : undefined;
        });
        assert.ok(lines < 3000, `${lines} lines on disk: the last ~1 MB waits for its period to end`);
      } finally {
        await writer.close();
      }
      assert.equal((await readAllFrames(file)).frames.length, 3000);
    });

    it('stops with an error in words, instead of filling memory, when lines come faster than they can be compressed and written', async () => {
      const file = path.join(dir, 'behind.gz');
      const writer = new RecordingWriter(file, { flushEveryMs: 60_000 });
      await writer.opened();
      const mb = 'm'.repeat(1024 * 1024);
      // Written without yielding: no compressed member can reach the file meanwhile.
      let i = 0;
      while (writer.error === undefined && i < 100) writer.write(BigInt(1_000_000 + i++), mb);
      assert.match(writer.error?.message ?? 'no error', /^6\d MB of the recording are waiting for the disk, which does not take them as fast as they arrive$/);
      assert.ok(i <= 66, `stopped after ${i} MB`);
      const framesAtError = writer.framesWritten;
      writer.write(2_000_000_000n, '{"after":1}');
      assert.equal(writer.framesWritten, framesAtError, 'nothing is taken after the error');
      await assert.rejects(writer.close(), /waiting for the disk/);
    });

    it('flushes a gzip file by itself every flushEveryMs', async () => {
      const file = path.join(dir, 'periodic.gz');
      const writer = new RecordingWriter(file, { flushEveryMs: 100 });
      await writer.opened();
      writer.write(1_000_000n, '{"a":1}');
      try {
        const deadline = Date.now() + 10_000;
        let frames = 0;
        while (frames === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          frames = (await readAllFrames(file)).frames.length;
        }
        assert.equal(frames, 1);
      } finally {
        await writer.close();
      }
    });

    it('ignores writes after close, and a second close resolves', async () => {
      const file = path.join(dir, 'closed.txt.gz');
      const writer = new RecordingWriter(file);
      writer.write(1n, '{"a":1}');
      await writer.close();
      writer.write(2n, '{"b":2}');
      await writer.close();
      assert.equal(writer.framesWritten, 1);
      assert.deepEqual(
        (await readAllFrames(file)).frames.map((f) => f.text),
        ['{"a":1}'],
      );
    });

    it('an exclusive writer refuses an existing file through opened() and leaves it untouched', async () => {
      const file = path.join(dir, 'existing.gz');
      fs.writeFileSync(file, 'keep me');
      const writer = new RecordingWriter(file, { exclusive: true });
      await assert.rejects(writer.opened(), /EEXIST/);
      writer.write(1n, '{"a":1}');
      await assert.rejects(writer.close(), /EEXIST/);
      assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
    });

    it('a writer on an unwritable path reports the error through close() later, instead of crashing the process', () => {
      // Run in a child process: if the file stream's 'error' event has no listener, Node kills the
      // whole process, which would take mocha down with it.
      const moduleFile = path.resolve(__dirname, '../../src/engine/replay/recordingWriter.js');
      const target = path.join(dir, 'no-such-subdir', 'rec.txt');
      const script = `
        const { RecordingWriter } = require(${JSON.stringify(moduleFile)});
        const writer = new RecordingWriter(${JSON.stringify(target)});
        writer.write(1n, '{"a":1}');
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
        const back = await readAllFrames(file);
        assert.deepEqual(back.frames, [], name);
        assert.equal(back.report.endedEarly, undefined, name);
        if (name.endsWith('.gz')) assert.equal(gunzipSync(fs.readFileSync(file)).length, 0, 'an empty gzip stream, not a zero-byte file zcat refuses');
      }
    });
  });

  describe('ReceiveClock and daily files', () => {
    it('gives nanoseconds since the epoch from the monotonic clock, anchored once to the wall clock', () => {
      let mono = 5_000_000_000n;
      const clock = new ReceiveClock(Date.UTC(2024, 7, 8, 23, 59, 59, 999), () => mono);
      assert.equal(clock.nowNs(), 1723161599999000000n);
      mono += 1234n;
      assert.equal(clock.nowNs(), 1723161599999001234n);
    });

    it('on the real clock: 19 digits, never backwards, within a few ms of Date.now()', () => {
      const clock = new ReceiveClock();
      let last = 0n;
      for (let i = 0; i < 10_000; i++) {
        const ns = clock.nowNs();
        assert.ok(ns >= last);
        last = ns;
      }
      assert.match(last.toString(), /^\d{19}$/);
      assert.ok(Math.abs(Number(last / 1_000_000n) - Date.now()) < 50);
    });

    it('names daily files <symbol lower>_<YYYYMMDD>.gz by the UTC date, changing at midnight UTC', () => {
      const lastNs = 1723161599999999999n; // 2024-08-08 23:59:59.999999999 UTC
      assert.equal(dailyRecordingName('BTCUSDT', utcDayOf(lastNs)), 'btcusdt_20240808.gz');
      assert.equal(dailyRecordingName('BTCUSDT', utcDayOf(lastNs + 1n)), 'btcusdt_20240809.gz');
    });

    it('a daily recording starts a new file at the first frame after midnight UTC, asks for a snapshot for it, and keeps only stream envelopes', async () => {
      const sub = fs.mkdtempSync(path.join(dir, 'daily-'));
      let mono = 0n;
      const clock = new ReceiveClock(Date.UTC(2024, 7, 8, 23, 59, 59, 900), () => mono);
      const newDays: string[] = [];
      const recording = new SymbolRecording('BTCUSDT', { kind: 'daily', dir: sub, rotate: true }, clock, (r) => newDays.push(r.files[r.files.length - 1]));
      await recording.opened();
      recording.snapshot(SNAPSHOT);
      recording.frame(DEPTH);
      recording.frame('{"result":null,"id":1}');
      mono += 100_000_000n; // midnight exactly
      recording.frame(DEPTH);
      assert.equal(newDays.length, 1);
      // The snapshot the new day asked for arrives a little later.
      mono += 1n;
      recording.snapshot(SNAPSHOT);
      recording.frame(DEPTH);
      await recording.close();
      assert.deepEqual(fs.readdirSync(sub).sort(), ['btcusdt_20240808.gz', 'btcusdt_20240809.gz']);
      assert.deepEqual(newDays, [path.join(sub, 'btcusdt_20240809.gz')]);
      assert.equal(recording.skipped, 1);
      assert.equal(recording.framesWritten, 5);
      const first = await readAllFrames(path.join(sub, 'btcusdt_20240808.gz'));
      const second = await readAllFrames(path.join(sub, 'btcusdt_20240809.gz'));
      assert.deepEqual(
        first.frames.map((f) => f.text),
        [SNAPSHOT, DEPTH],
      );
      // The frame that crossed midnight opens the new file; the snapshot asked for follows it.
      assert.deepEqual(
        second.frames.map((f) => f.text),
        [DEPTH, SNAPSHOT, DEPTH],
      );
      assert.equal(second.frames[0].localMs, Date.UTC(2024, 7, 9));
    });
  });
});
