import { createWriteStream, type WriteStream } from 'node:fs';
import { constants as zlibConstants, createGzip, type Gzip } from 'node:zlib';

export interface RecordingWriterOptions {
  /** Gzip (default: when the path ends in .gz). */
  gzip?: boolean;
  /** Refuse to replace an existing file (the error comes through `opened()` and `close()`). */
  exclusive?: boolean;
  /** Compressed data is pushed to the file at least this often, so a killed recorder loses at most this much. Default 1000. */
  flushEveryMs?: number;
}

const MIN_FLUSH_MS = 50;
const MAX_FLUSH_MS = 60_000;

/**
 * Writes one recording file in hftbacktest's raw format: `<local receive time in ns> <frame>` lines,
 * stamps strictly increasing (a tie or a step back is moved 1 ns after the previous line, so no two
 * events ever share a time and the file's order is the receive order).
 *
 * A recorder can be killed at any moment (SIGKILL, power), so nothing waits in memory for long: a gzip
 * stream is sync-flushed every `flushEveryMs` and on `flush()` (after every snapshot), which ends the
 * deflate data on a byte boundary that every gunzip can read up to; plain text goes straight to the file.
 */
export class RecordingWriter {
  private readonly file: WriteStream;
  private readonly gzip: Gzip | undefined;
  private readonly flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private isOpen = false;
  /** Something was written since the last flush. */
  private dirty = false;
  private lastNs = -1n;
  /** The first error of the file or the compressor; reported by opened()/close(), never thrown at a caller. */
  private failure: Error | undefined;
  framesWritten = 0;

  constructor(
    readonly path: string,
    options: RecordingWriterOptions = {},
  ) {
    this.file = createWriteStream(path, { flags: options.exclusive ? 'wx' : 'w' });
    this.file.on('error', (err) => {
      this.failure ??= err;
    });
    this.file.once('open', () => {
      this.isOpen = true;
    });
    if (options.gzip ?? path.endsWith('.gz')) {
      this.gzip = createGzip();
      this.gzip.on('error', (err) => {
        this.failure ??= err;
      });
      this.gzip.pipe(this.file);
      const every = Math.min(MAX_FLUSH_MS, Math.max(MIN_FLUSH_MS, options.flushEveryMs ?? 1000));
      this.flushTimer = setInterval(() => this.flush(), every);
      // The writer's owner closes it; the timer alone must not keep a process alive.
      this.flushTimer.unref();
    }
  }

  /** The error that stopped writing, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** True once this writer has created (or truncated) its file. */
  get fileOpened(): boolean {
    return this.isOpen;
  }

  /** The stamp of the last line written (-1 before the first). */
  get lastStampNs(): bigint {
    return this.lastNs;
  }

  /** Resolves once the file is open; rejects with the reason it cannot be (exists, no such folder, no permission). */
  opened(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.file.once('open', () => resolve());
      this.file.once('error', reject);
    });
  }

  /** Writes one line; returns the stamp stored (`ns`, or 1 ns after the previous line's). */
  write(ns: bigint, text: string): bigint {
    if (this.closed || this.failure) return this.lastNs;
    const stamp = ns > this.lastNs ? ns : this.lastNs + 1n;
    this.lastNs = stamp;
    // A frame is one line: a newline inside it (never sent by Binance) would split it.
    (this.gzip ?? this.file).write(`${stamp} ${text.includes('\n') ? text.replace(/\r?\n/g, ' ') : text}\n`);
    this.framesWritten++;
    this.dirty = true;
    return stamp;
  }

  /** Pushes everything written so far to the file in a form a reader can decode. */
  flush(): void {
    if (!this.dirty || this.closed || this.failure) return;
    this.dirty = false;
    this.gzip?.flush(zlibConstants.Z_SYNC_FLUSH);
  }

  close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.closed) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    this.closed = true;
    if (this.failure) {
      this.file.destroy();
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => {
      this.file.once('finish', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('error', reject);
      if (this.gzip) this.gzip.end();
      else this.file.end();
    });
  }
}
