import { readFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { gunzipSync, createGzip, type Gzip } from 'node:zlib';

/** One line of a recording: local receive time and the raw frame exactly as it arrived. */
export interface RecordedFrame {
  /** Local receive time in milliseconds (the file stores nanoseconds). */
  readonly localMs: number;
  readonly text: string;
}

/**
 * Reads a recording in hftbacktest's raw format (see test/fixtures): one `<local receive time in ns> <json>` per line,
 * combined-stream envelopes and REST snapshot answers interleaved; gzip or plain (told apart by the
 * gzip magic bytes, not the file name). Lines that do not have that form are returned separately so
 * the caller can count and report them instead of silently skipping.
 */
export function readRecording(path: string): { frames: RecordedFrame[]; badLines: Array<{ line: number; reason: string }> } {
  const raw = readFileSync(path);
  const bytes = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  return parseRecording(bytes);
}

/**
 * Splits recording content into frames. Each line is decoded from the bytes on its own, so every
 * frame is a flat string exactly like one a WebSocket delivers (a slice of one huge string would be
 * slower to scan and would keep the whole file alive).
 */
export function parseRecording(content: Buffer | string): { frames: RecordedFrame[]; badLines: Array<{ line: number; reason: string }> } {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const frames: RecordedFrame[] = [];
  const badLines: Array<{ line: number; reason: string }> = [];
  let lineNo = 0;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    lineNo++;
    let line = bytes.toString('utf8', start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const space = line.indexOf(' ');
    const stamp = space > 0 ? line.slice(0, space) : '';
    if (!/^\d{1,20}$/.test(stamp)) {
      badLines.push({ line: lineNo, reason: 'line does not start with a nanosecond timestamp and a space' });
      continue;
    }
    frames.push({ localMs: Number(stamp) / 1e6, text: line.slice(space + 1) });
  }
  return { frames, badLines };
}

/** Writes frames in the same format (gzip when the path ends in .gz). */
export class RecordingWriter {
  private readonly file: WriteStream;
  private readonly gzip: Gzip | undefined;
  private closed = false;
  /** The first error of the file or the compressor; reported by close(), never thrown at a caller. */
  private failure: Error | undefined;
  framesWritten = 0;

  constructor(path: string) {
    this.file = createWriteStream(path);
    this.file.on('error', (err) => {
      this.failure ??= err;
    });
    if (path.endsWith('.gz')) {
      this.gzip = createGzip();
      this.gzip.on('error', (err) => {
        this.failure ??= err;
      });
      this.gzip.pipe(this.file);
    }
  }

  /** The error that stopped writing, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** `localMs` is wall-clock milliseconds; stored as integer nanoseconds. */
  write(localMs: number, text: string): void {
    if (this.closed || this.failure) return;
    const ns = BigInt(Math.round(localMs * 1000)) * 1000n;
    (this.gzip ?? this.file).write(`${ns} ${text.replace(/\n/g, ' ')}\n`);
    this.framesWritten++;
  }

  close(): Promise<void> {
    if (this.closed) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    this.closed = true;
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.file.once('finish', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('error', reject);
      if (this.gzip) this.gzip.end();
      else this.file.end();
    });
  }
}
