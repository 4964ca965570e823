import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** One line of a recording: local receive time and the raw frame exactly as it arrived. */
export interface RecordedFrame {
  /** Local receive time in milliseconds (the file stores nanoseconds). */
  readonly localMs: number;
  readonly text: string;
}

export interface DamagedLine {
  /** 1-based, blank lines counted, as an editor shows it. */
  readonly line: number;
  readonly reason: string;
}

export interface RecordingReadReport {
  /** Complete lines read so far (blank ones included). */
  readonly lines: number;
  readonly frames: number;
  /** Lines skipped because they are not `<ns> <text>` or longer than the cap; all of them are counted. */
  readonly damaged: number;
  /** The first few damaged lines, with their numbers; the rest are only counted. */
  readonly damagedLines: readonly DamagedLine[];
  /** Why the file stopped before its proper end (a cut gzip stream, a read error), in words. */
  readonly endedEarly: string | undefined;
  readonly done: boolean;
}

export interface RecordingReaderOptions {
  /** Longest line kept; longer ones are skipped and counted, never buffered whole. Default 4 MiB. */
  maxLineBytes?: number;
  /** How many damaged lines are listed with their numbers. Default 20. */
  maxListedDamage?: number;
}

/** A REST depth snapshot of 1000 levels a side is ~50 KB; Binance's largest frames are far below this. */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_LISTED_DAMAGE = 20;
const READ_CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Streams a recording in hftbacktest's raw format (`<local receive time in ns> <json>` per line,
 * combined-stream envelopes and REST snapshot answers interleaved), gzip or plain — told apart by the
 * gzip magic bytes, not the file name; concatenated gzip members (what `record` writes) are one stream
 * to Node's gunzip. Memory stays bounded whatever the file holds: it is read and unzipped a chunk at a
 * time as frames are asked for, an overlong line is dropped as it streams past, and damaged lines are
 * counted with only the first few kept. A gzip stream that is cut short (a recorder killed during a
 * write, a copy cut off) or damaged ends the frames where it breaks and says so in `endedEarly`.
 */
export class RecordingReader {
  private readonly maxLineBytes: number;
  private readonly maxListedDamage: number;
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly queue: RecordedFrame[] = [];
  /** Start of a line whose end has not arrived yet. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Inside an overlong line: everything up to the next newline is dropped. */
  private skippingLine = false;
  private lineCount = 0;
  private frameCount = 0;
  private damagedCount = 0;
  private readonly damagedList: DamagedLine[] = [];
  private endedEarlyText: string | undefined;
  private ended = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly stream: Readable,
    options: RecordingReaderOptions,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxListedDamage = options.maxListedDamage ?? DEFAULT_MAX_LISTED_DAMAGE;
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Opens the file; rejects with the system's error (e.g. ENOENT) when it cannot be opened. */
  static async open(path: string, options: RecordingReaderOptions = {}): Promise<RecordingReader> {
    const handle = await open(path, 'r');
    try {
      const magic = Buffer.alloc(2);
      const { bytesRead } = await handle.read(magic, 0, 2, 0);
      const file = handle.createReadStream({ start: 0, highWaterMark: READ_CHUNK_BYTES, autoClose: true });
      let stream: Readable = file;
      if (bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
        const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
        file.on('error', (err) => gunzip.destroy(err));
        stream = file.pipe(gunzip);
        stream.once('close', () => file.destroy());
      }
      return new RecordingReader(path, handle, stream, options);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  get report(): RecordingReadReport {
    return {
      lines: this.lineCount,
      frames: this.frameCount,
      damaged: this.damagedCount,
      damagedLines: this.damagedList.slice(),
      endedEarly: this.endedEarlyText,
      done: this.ended && this.queue.length === 0,
    };
  }

  /** The first `count` frames (or fewer when the file is shorter) without consuming them. */
  async peek(count: number): Promise<readonly RecordedFrame[]> {
    while (this.queue.length < count && !this.ended) await this.readChunk();
    return this.queue.slice(0, count);
  }

  /** Up to `max` next frames; an empty array means the file has ended (see `report`). Never rejects. */
  async read(max = 4096): Promise<RecordedFrame[]> {
    while (this.queue.length === 0 && !this.ended) await this.readChunk();
    return this.queue.splice(0, max);
  }

  /** Stops reading and releases the file; frames already handed out stay valid. */
  close(): void {
    this.ended = true;
    this.queue.length = 0;
    this.partial = [];
    this.stream.destroy();
    void this.handle.close().catch(() => undefined);
  }

  private async readChunk(): Promise<void> {
    let chunk: Buffer;
    try {
      const next = await this.chunks.next();
      if (next.done) {
        this.finish(undefined);
        return;
      }
      chunk = next.value;
    } catch (err) {
      this.finish(err as NodeJS.ErrnoException);
      return;
    }
    this.splitLines(chunk);
  }

  private splitLines(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      if (this.skippingLine) {
        // The end of an overlong line, already counted as damaged.
        this.skippingLine = false;
        this.lineCount++;
      } else if (this.partialBytes > 0) {
        const line = Buffer.concat([...this.partial, chunk.subarray(start, end)]);
        this.partial = [];
        this.partialBytes = 0;
        this.takeLine(line, 0, line.length);
      } else {
        this.takeLine(chunk, start, end);
      }
      start = end + 1;
    }
    if (start >= chunk.length || this.skippingLine) return;
    const rest = chunk.length - start;
    if (this.partialBytes + rest > this.maxLineBytes) {
      this.partial = [];
      this.partialBytes = 0;
      this.skippingLine = true;
      this.damage(this.lineCount + 1, `line longer than ${formatBytes(this.maxLineBytes)}`);
      return;
    }
    // A copy: keeping a view would pin the whole decompressed chunk until the line ends.
    this.partial.push(Buffer.from(chunk.subarray(start)));
    this.partialBytes += rest;
  }

  /** One complete line, without its newline. */
  private takeLine(bytes: Buffer, start: number, end: number): void {
    this.lineCount++;
    if (end - start > this.maxLineBytes) {
      this.damage(this.lineCount, `line longer than ${formatBytes(this.maxLineBytes)}`);
      return;
    }
    if (end > start && bytes[end - 1] === 0x0d) end--;
    if (end === start) return;
    // Each line is decoded on its own, so a frame is a flat string exactly like one a WebSocket delivers.
    const line = bytes.toString('utf8', start, end);
    const space = line.indexOf(' ');
    if (space <= 0 || space > 20 || !isDigits(line, space)) {
      if (line.trim() !== '') this.damage(this.lineCount, 'line does not start with a nanosecond timestamp and a space');
      return;
    }
    this.queue.push({ localMs: Number(line.slice(0, space)) / 1e6, text: line.slice(space + 1) });
    this.frameCount++;
  }

  private damage(line: number, reason: string): void {
    this.damagedCount++;
    if (this.damagedList.length < this.maxListedDamage) this.damagedList.push({ line, reason });
  }

  private finish(error: NodeJS.ErrnoException | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const lines = this.lineCount.toLocaleString('en-US');
    if (error === undefined) {
      // A plain file may end without a newline: its last line is complete.
      if (this.partialBytes > 0) {
        const line = Buffer.concat(this.partial);
        this.takeLine(line, 0, line.length);
      } else if (this.skippingLine) {
        this.lineCount++;
      }
    } else if (error.code === 'Z_BUF_ERROR') {
      const cut = this.partialBytes > 0 ? '; its incomplete last line is skipped' : '';
      this.endedEarlyText = `recording ends early: the gzip stream is truncated after ${lines} lines${cut}`;
    } else if (error.code !== undefined && error.code.startsWith('Z_')) {
      this.endedEarlyText = `recording ends early: the gzip stream is damaged after ${lines} lines (${error.message})`;
    } else {
      this.endedEarlyText = `recording ends early: reading stopped after ${lines} lines (${error.message})`;
    }
    this.partial = [];
    this.partialBytes = 0;
    this.stream.destroy();
    void this.handle.close().catch(() => undefined);
  }
}

/**
 * What a reader found wrong, as lines for stderr or a log: where the file ends early, the first
 * `listed` damaged lines by number, and how many more were skipped.
 */
export function describeReadProblems(report: RecordingReadReport, file: string, listed = 5): string[] {
  const out: string[] = [];
  for (const bad of report.damagedLines.slice(0, listed)) out.push(`${file}:${bad.line}: ${bad.reason} (line skipped)`);
  const unlisted = report.damaged - Math.min(listed, report.damagedLines.length);
  if (unlisted > 0) out.push(`${file}: ${unlisted.toLocaleString('en-US')} more damaged lines skipped`);
  if (report.endedEarly !== undefined) out.push(`${file}: ${report.endedEarly}`);
  return out;
}

function isDigits(text: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(0)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}
