import { createWriteStream, type WriteStream } from 'node:fs';
import { gzip, gzipSync } from 'node:zlib';

export interface RecordingWriterOptions {
  /** Gzip (default: when the path ends in .gz). */
  gzip?: boolean;
  /** Refuse to replace an existing file (the error comes through `opened()` and `close()`). */
  exclusive?: boolean;
  /** A gzip file gets a new member at least this often, so a killed recorder loses at most this much. Default 1000. */
  flushEveryMs?: number;
}

const MIN_FLUSH_MS = 50;
const MAX_FLUSH_MS = 60_000;
/** A busy period is packed early, so the lines waiting in memory stay around this size (UTF-16 units; Binance's frames are ASCII). */
const MAX_PERIOD_CHARS = 1024 * 1024;
/**
 * Text handed to the compressor or the file and not yet written. Past this the disk has not kept up
 * for a long while (a feed of 20 symbols is under 2 MB/s): the recording stops with an error instead
 * of filling memory.
 */
const MAX_UNWRITTEN_CHARS = 64 * 1024 * 1024;
/** A member with no lines: the file is a gzip stream from its first write on, even if nothing ever comes. */
const EMPTY_MEMBER = gzipSync('');

/**
 * Writes one recording file in hftbacktest's raw format: `<local receive time in ns> <frame>` lines,
 * stamps strictly increasing (a tie or a step back is moved 1 ns after the previous line, so no two
 * events ever share a time and the file's order is the receive order).
 *
 * A recorder can be killed at any moment (SIGKILL, power), so a gzip file is at every instant a
 * sequence of complete gzip members (RFC 1952 §2.2), which zcat, Python's `gzip.open` (hftbacktest's
 * converter) and Node's gunzip read as one stream: the lines of each period (`flushEveryMs`, or until
 * `flush()` after a snapshot, or ~1 MB) wait in memory, are compressed off the main thread into one
 * member, and that member is appended with one write. A kill loses only the period not yet written.
 * The exception is a kill (or a full disk) during that one write: the kernel may stop a large write
 * part-way, leaving a cut last member, which `replay` reads up to and reports as truncated, and which
 * a user can still trim (`zcat f.gz | gzip > g.gz`). A power cut can also lose what the OS had not
 * yet put on the disk. Plain text goes straight to the file, line by line.
 */
export class RecordingWriter {
  private readonly file: WriteStream;
  private readonly gzip: boolean;
  private readonly flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private isOpen = false;
  /** Lines of the current period (gzip only), not yet compressed. */
  private period: string[] = [];
  private periodChars = 0;
  private unwrittenChars = 0;
  /** Appends members in the order their periods ended, whichever compression finishes first; never rejects. */
  private appending: Promise<void> = Promise.resolve();
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
    this.gzip = options.gzip ?? path.endsWith('.gz');
    if (this.gzip) {
      this.file.write(EMPTY_MEMBER);
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
    const line = `${stamp} ${text.includes('\n') ? text.replace(/\r?\n/g, ' ') : text}\n`;
    this.framesWritten++;
    if (!this.gzip) {
      this.file.write(line);
      return stamp;
    }
    this.period.push(line);
    this.periodChars += line.length;
    if (this.periodChars >= MAX_PERIOD_CHARS) this.flush();
    return stamp;
  }

  /** Ends the current period: its lines go to the file as one complete gzip member, as soon as they are compressed. */
  flush(): void {
    if (this.periodChars === 0 || this.closed || this.failure) return;
    this.packPeriod();
  }

  /** Writes the last period's member and ends the file; every later call gets the same answer. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.periodChars > 0 && !this.failure) this.packPeriod();
    this.closed = true;
    this.closing = this.appending.then(() => this.endFile());
    return this.closing;
  }

  private packPeriod(): void {
    const text = this.period.join('');
    const chars = text.length;
    this.period = [];
    this.periodChars = 0;
    this.unwrittenChars += chars;
    if (this.unwrittenChars > MAX_UNWRITTEN_CHARS) {
      this.failure ??= new Error(
        `${Math.round(this.unwrittenChars / (1024 * 1024))} MB of the recording are waiting for the disk, which does not take them as fast as they arrive`,
      );
      return;
    }
    // Compression runs on libuv's thread pool; only joining the lines and the write stay on this thread.
    const member = new Promise<Buffer | undefined>((resolve) =>
      gzip(text, (err, bytes) => {
        if (err) this.failure ??= err;
        resolve(err ? undefined : bytes);
      }),
    );
    this.appending = this.appending.then(async () => {
      const bytes = await member;
      if (bytes === undefined || this.failure) return;
      // One write per member; the stream keeps them in order.
      this.file.write(bytes, (err) => {
        if (err) this.failure ??= err;
        this.unwrittenChars -= chars;
      });
    });
  }

  private endFile(): Promise<void> {
    if (this.failure) {
      this.file.destroy();
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => {
      this.file.once('finish', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('error', reject);
      this.file.end();
    });
  }
}
