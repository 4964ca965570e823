import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { utcDayOf, utcDayStamp, type ReceiveClock } from './receiveClock';
import { RecordingWriter } from './recordingWriter';

/** Where one symbol's recording goes: one named file, or `<dir>/<symbol lower>_<YYYYMMDD>.gz`, optionally a new one each UTC day. */
export type RecordingTarget = { kind: 'file'; path: string } | { kind: 'daily'; dir: string; rotate: boolean };

/** hftbacktest's collector names: `<symbol lower>_<YYYYMMDD>.gz`, the UTC date the file starts on. */
export function dailyRecordingName(symbol: string, day: number): string {
  return `${symbol.toLowerCase()}_${utcDayStamp(day)}.gz`;
}

/**
 * One symbol's recording: stamps every frame and snapshot body the moment it is handed over (the feed
 * calls its tap synchronously on receipt), keeps only combined-stream envelopes (hftbacktest's
 * converter reads any other line as a snapshot), and with daily rotation starts a new file at the
 * first frame received after midnight UTC, asking `onNewDay` for a fresh snapshot so the file is
 * self-contained.
 */
export class SymbolRecording {
  private writer: RecordingWriter;
  private day: number;
  private readonly closing: Array<Promise<void>> = [];
  private failure: Error | undefined;
  private readonly paths: string[] = [];
  private framesBefore = 0;
  /** Frames that were not stream envelopes (control replies, errors), left out of the file. */
  skipped = 0;

  constructor(
    readonly symbol: string,
    private readonly target: RecordingTarget,
    private readonly clock: ReceiveClock,
    private readonly onNewDay: (recording: SymbolRecording) => void = () => undefined,
  ) {
    this.day = utcDayOf(clock.nowNs());
    this.writer = this.openWriter();
  }

  /** Every file this recording has written to, oldest first. */
  get files(): readonly string[] {
    return this.paths;
  }

  get framesWritten(): number {
    return this.framesBefore + this.writer.framesWritten;
  }

  /** The first error of any file (cannot create, disk full); once set, nothing more is written. */
  get error(): Error | undefined {
    return this.failure ?? this.writer.error;
  }

  /** Resolves once the current file is open; rejects with why it cannot be. */
  opened(): Promise<void> {
    return this.writer.opened();
  }

  frame(text: string): void {
    const ns = this.clock.nowNs();
    if (!text.startsWith('{"stream":"')) {
      this.skipped++;
      return;
    }
    this.rotateIfNewDay(ns);
    this.writer.write(ns, text);
  }

  snapshot(body: string): void {
    const ns = this.clock.nowNs();
    this.rotateIfNewDay(ns);
    this.writer.write(ns, body);
    // The snapshot is what makes the file replayable from here: get it to disk now.
    this.writer.flush();
  }

  async close(): Promise<void> {
    this.closing.push(this.writer.close());
    const results = await Promise.allSettled(this.closing);
    for (const r of results) if (r.status === 'rejected') this.failure ??= r.reason as Error;
    if (this.failure) throw this.failure;
  }

  /** Closes and deletes what this recording created, for a run that could not start: nothing is left to block the next one. */
  async discard(): Promise<void> {
    const writer = this.writer;
    await writer.close().catch(() => undefined);
    if (writer.fileOpened) await rm(writer.path, { force: true });
  }

  private rotateIfNewDay(ns: bigint): void {
    if (this.target.kind !== 'daily' || !this.target.rotate) return;
    const day = utcDayOf(ns);
    if (day <= this.day) return;
    this.day = day;
    this.framesBefore += this.writer.framesWritten;
    this.closing.push(this.writer.close().catch((err: Error) => void (this.failure ??= err)));
    this.writer = this.openWriter();
    this.onNewDay(this);
  }

  private openWriter(): RecordingWriter {
    const path = this.target.kind === 'file' ? this.target.path : join(this.target.dir, dailyRecordingName(this.symbol, this.day));
    this.paths.push(path);
    // Never overwrite a day already recorded (a restarted recorder): the user decides what to keep.
    return new RecordingWriter(path, { exclusive: this.target.kind === 'daily' });
  }
}
