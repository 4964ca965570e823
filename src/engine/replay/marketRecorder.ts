import { MarketFeed, type MarketFeedOptions } from '../live/marketFeed';
import { RestClient } from '../live/restClient';
import { systemClock } from '../live/clock';
import { DEFAULT_REST_URL } from '../protocol/streams';
import { ReceiveClock } from './receiveClock';
import { SymbolRecording, type RecordingTarget } from './symbolRecording';

export interface MarketRecorderOptions {
  symbols: readonly string[];
  /** One file (one symbol only), or a folder of `<symbol>_<YYYYMMDD>.gz` files. */
  output: { file: string } | { dir: string; rotateDaily: boolean };
  /** How each symbol's feed connects (URLs, depth mode, log). */
  feed: Omit<MarketFeedOptions, 'symbol' | 'tap'>;
  clock?: ReceiveClock;
}

/** Snapshot size a new day's file opens with: what the feed itself asks for. */
const NEW_DAY_SNAPSHOT_LIMIT = 1000;

/**
 * Records several symbols at once, one MarketFeed and one file (or one file a day) each, in
 * hftbacktest's raw Binance-futures format. The feeds keep their books in sync as usual; the
 * recordings see every frame and snapshot body through the feeds' taps, stamped on one clock.
 */
export class MarketRecorder {
  readonly feeds: MarketFeed[];
  readonly recordings: SymbolRecording[];
  private readonly rest: RestClient;
  private closed = false;

  constructor(private readonly options: MarketRecorderOptions) {
    if (options.symbols.length === 0) throw new RangeError('no symbol to record');
    if ('file' in options.output && options.symbols.length > 1) throw new RangeError('one file holds one symbol; record several into a folder');
    const clock = options.clock ?? new ReceiveClock();
    // Only for each new day's opening snapshot; the feeds fetch their own.
    this.rest = new RestClient({ restUrl: options.feed.restUrl ?? DEFAULT_REST_URL, clock: options.feed.clock ?? systemClock });
    const output = options.output;
    const target = (): RecordingTarget =>
      'file' in output ? { kind: 'file', path: output.file } : { kind: 'daily', dir: output.dir, rotate: output.rotateDaily };
    this.recordings = options.symbols.map((symbol) => new SymbolRecording(symbol, target(), clock, (r) => this.openNewDay(r)));
    this.feeds = this.recordings.map(
      (recording) =>
        new MarketFeed({
          ...options.feed,
          symbol: recording.symbol,
          tap: {
            frame: (text) => recording.frame(text),
            snapshot: (body) => recording.snapshot(body),
          },
        }),
    );
  }

  /** Resolves once every file is open; rejects with the first that cannot be (exists, no folder, no permission). */
  async opened(): Promise<void> {
    await Promise.all(this.recordings.map((r) => r.opened()));
  }

  get framesWritten(): number {
    return this.recordings.reduce((n, r) => n + r.framesWritten, 0);
  }

  get files(): string[] {
    return this.recordings.flatMap((r) => r.files);
  }

  /** The first write error of any recording. */
  get error(): Error | undefined {
    for (const r of this.recordings) if (r.error) return r.error;
    return undefined;
  }

  /** Stops the feeds, then closes every file (each ends as a complete gzip stream). */
  async close(): Promise<void> {
    this.closed = true;
    this.rest.dispose();
    await Promise.all(this.feeds.map((f) => f.stop()));
    const results = await Promise.allSettled(this.recordings.map((r) => r.close()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** For a run that cannot start (a file could not be opened): deletes the files it created, so none blocks the next run. */
  async discard(): Promise<void> {
    this.closed = true;
    this.rest.dispose();
    await Promise.all(this.recordings.map((r) => r.discard()));
  }

  private openNewDay(recording: SymbolRecording): void {
    const log = this.options.feed.log;
    log?.('info', `${recording.symbol}: new UTC day, recording to ${recording.files[recording.files.length - 1]}; fetching its opening snapshot`);
    this.rest.depthSnapshot(recording.symbol, NEW_DAY_SNAPSHOT_LIMIT, undefined, (body) => recording.snapshot(body)).catch((err: Error) => {
      if (this.closed) return;
      log?.('warn', `${recording.symbol}: the new day's opening snapshot could not be fetched (${err.message}); that file's book starts at the feed's next snapshot`);
    });
  }
}
