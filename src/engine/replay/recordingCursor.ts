import type { RecordedFrame, RecordingReader } from './recordingReader';

/** Frames kept ready ahead of a paced player: a few seconds of a busy market, a few MB at most. */
const READ_AHEAD_FRAMES = 8192;

/**
 * A paced player's position in a streaming recording: the next frame is at hand synchronously while
 * the reader fills a bounded buffer ahead in the background, so a timer callback can play everything
 * that is due without awaiting, and waits (`ready`) only when the reader falls behind.
 */
export class RecordingCursor {
  private buffer: RecordedFrame[] = [];
  private index = 0;
  private reading: Promise<void> | undefined;
  private exhausted = false;
  private closed = false;

  constructor(private readonly reader: RecordingReader) {}

  /** The next frame, or undefined when none is buffered (the file has ended, or `ready()` is needed). */
  current(): RecordedFrame | undefined {
    return this.index < this.buffer.length ? this.buffer[this.index] : undefined;
  }

  advance(): void {
    this.index++;
    if (this.buffer.length - this.index < READ_AHEAD_FRAMES / 2) void this.fill();
  }

  /** True once every frame of the file has been played. */
  get ended(): boolean {
    return this.exhausted && this.index >= this.buffer.length;
  }

  /** Resolves when a frame is at hand or the file has ended. */
  async ready(): Promise<void> {
    while (this.current() === undefined && !this.exhausted && !this.closed) await this.fill();
  }

  close(): void {
    this.closed = true;
    this.reader.close();
  }

  private fill(): Promise<void> {
    if (this.reading) return this.reading;
    if (this.exhausted || this.closed) return Promise.resolve();
    this.reading = this.reader.read(READ_AHEAD_FRAMES).then((frames) => {
      this.reading = undefined;
      if (frames.length === 0) {
        this.exhausted = true;
        return;
      }
      // Drop what has been played; frames handed out stay valid for whoever holds them.
      this.buffer = this.buffer.slice(this.index).concat(frames);
      this.index = 0;
    });
    return this.reading;
  }
}
