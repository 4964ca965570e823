import { EventBus } from '../core/eventBus';
import type { DepthMode } from '../book/depthSynchronizer';
import { MarketEngine } from '../marketEngine';
import { EngineMetrics } from '../metrics/engineMetrics';
import { inferTickSize, knownTickSize } from '../config/knownSymbols';
import { symbolOfStream } from '../protocol/streams';
import { bookHealth, type FeedHealth, type FeedState } from '../live/feedHealth';
import { describeReadProblems, RecordingReader, type RecordedFrame } from './recordingReader';
import { RecordingCursor } from './recordingCursor';

export interface ReplayFeedOptions {
  file: string;
  speed: number;
  depthMode?: DepthMode;
  symbol?: string;
  tickSize?: number;
  bus?: EventBus;
  /** When the end is reached, start again from the top (the book is rebuilt from the first snapshot). */
  loop?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Plays a recording into a MarketEngine at a steady multiple of its recorded pace, as a feed the
 * extension can show like a live one (pause, resume, health). The file is streamed, never held whole;
 * frames are handed over in small batches from one timer, which it owns and clears on stop.
 */
export class ReplayFeed {
  readonly bus: EventBus;
  private cursor: RecordingCursor | undefined;
  private reader: RecordingReader | undefined;
  /** Frames played in this pass. */
  private index = 0;
  private engineValue: MarketEngine | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedWall = 0;
  private startedRecorded = 0;
  private paused = false;
  private stopped = false;
  private stateName: FeedState = 'idle';
  private reason = 'not started';
  private since = Date.now();
  private symbolName = '';
  private loops = 0;
  /** Damaged lines of the passes before this one (the current reader counts its own). */
  private priorDamaged = 0;

  constructor(private readonly options: ReplayFeedOptions) {
    this.bus = options.bus ?? new EventBus();
    if (!(options.speed > 0)) throw new RangeError(`replay speed must be positive, got ${options.speed}`);
  }

  get engine(): MarketEngine | undefined {
    return this.engineValue;
  }

  get symbol(): string {
    return this.symbolName;
  }

  get state(): FeedState {
    return this.stateName;
  }

  get progress(): { index: number; loops: number } {
    return { index: this.index, loops: this.loops };
  }

  /** Opens the file (throws with a readable message when it cannot) and starts playing. */
  async start(): Promise<void> {
    const head = await this.openPass();
    if (this.stopped) return;
    const symbol = (this.options.symbol ?? inferSymbol(head) ?? '').toUpperCase();
    if (symbol === '') {
      this.setState('failed', `${this.options.file} has no stream names to tell the symbol from`);
      this.closePass();
      throw new Error(this.reason);
    }
    this.symbolName = symbol;
    this.newEngine(head);
    this.setState('syncing', `replaying ${this.options.file} at ${this.options.speed}×`);
    this.restartClock();
    this.schedule(0);
  }

  setPaused(paused: boolean): void {
    if (this.stopped || paused === this.paused) return;
    if (paused) {
      // Freeze the replay clock where it is; resuming continues from the same recorded moment.
      this.startedRecorded = this.recordedNow();
      this.paused = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.setState('idle', 'paused');
    } else {
      this.paused = false;
      this.startedWall = Date.now();
      this.setState(this.engineValue?.sync.status === 'live' ? 'live' : 'syncing', `replaying at ${this.options.speed}×`);
      this.schedule(0);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closePass();
    this.setState('idle', 'stopped');
  }

  health(): FeedHealth {
    const engine = this.engineValue;
    // Before the file is read (or when it cannot be) there is no engine: its metrics are empty ones.
    const metrics = (engine?.metrics ?? new EngineMetrics()).snapshot(this.recordedNow());
    return {
      symbol: this.symbolName,
      state: this.stateName,
      reason: this.reason,
      since: this.since,
      endpoint: { streamUrl: `replay:${this.options.file}`, restUrl: `replay:${this.options.file}` },
      nextAttemptAt: undefined,
      connection: { id: undefined, openedAt: undefined, uptimeMs: 0 },
      book: bookHealth(engine),
      counters: {
        reconnects: 0,
        resyncs: engine?.sync.counters.resyncs ?? 0,
        gaps: engine?.sync.counters.gaps ?? 0,
        malformed: (engine?.metrics.counter('malformed') ?? 0) + this.damagedLines(),
        drops: 0,
        snapshotsDeferred: 0,
        circuitOpens: 0,
        rollovers: 0,
      },
      streams: metrics.streams.map((s) => ({
        stream: s.stream,
        route: s.stream.includes('depth') || s.stream.includes('bookTicker') || s.stream.includes('@trade') ? 'public' : 'market',
        messagesPerSecond: s.messagesPerSecond,
        lastMessageAgeMs: s.lastMessageAgeMs,
      })),
      metrics,
      lastError: undefined,
      warnings: [],
    };
  }

  /** Opens the file for one pass and returns its first frames (to tell the symbol and tick size). */
  private async openPass(): Promise<readonly RecordedFrame[]> {
    let reader: RecordingReader;
    try {
      reader = await RecordingReader.open(this.options.file);
    } catch (err) {
      this.setState('failed', `cannot read recording ${this.options.file}: ${(err as Error).message}`);
      throw new Error(this.reason);
    }
    if (this.stopped) {
      reader.close();
      return [];
    }
    this.reader = reader;
    this.cursor = new RecordingCursor(reader);
    this.index = 0;
    const head = await reader.peek(HEAD_FRAMES);
    await this.cursor.ready();
    return head;
  }

  private closePass(): void {
    if (this.reader) this.priorDamaged += this.reader.report.damaged;
    this.cursor?.close();
    this.cursor = undefined;
    this.reader = undefined;
  }

  private damagedLines(): number {
    return this.priorDamaged + (this.reader?.report.damaged ?? 0);
  }

  /** Says what the file holds wrong (damaged lines, a cut-off end). */
  private reportReadProblems(): void {
    const report = this.reader?.report;
    if (report === undefined) return;
    for (const line of describeReadProblems(report, this.options.file)) this.options.log?.('warn', line);
  }

  private newEngine(head: readonly RecordedFrame[]): void {
    const tickSize = this.options.tickSize ?? knownTickSize(this.symbolName) ?? inferTickSize(head.slice(0, 500).map((f) => f.text)) ?? 1e-8;
    // The engine runs on the recording's clock: latencies are the recorded ones and rates are per
    // recorded second, i.e. what the market did, whatever the replay speed.
    this.engineValue = new MarketEngine({
      symbol: this.symbolName,
      tickSize,
      depthMode: this.options.depthMode ?? 'full',
      bus: this.bus,
      now: () => this.recordedNow(),
    });
  }

  private recordedNow(): number {
    return this.paused ? this.startedRecorded : this.startedRecorded + (Date.now() - this.startedWall) * this.options.speed;
  }

  private restartClock(): void {
    this.startedWall = Date.now();
    this.startedRecorded = this.cursor?.current()?.localMs ?? 0;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.paused) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.min(delayMs, 1000)));
  }

  private pump(): void {
    this.timer = undefined;
    const engine = this.engineValue;
    const cursor = this.cursor;
    if (!engine || !cursor || this.stopped || this.paused) return;
    const dueRecorded = this.recordedNow();
    const before = engine.sync.status;
    let frame = cursor.current();
    while (frame !== undefined && frame.localMs <= dueRecorded) {
      engine.ingest(frame.text, frame.localMs);
      this.index++;
      cursor.advance();
      frame = cursor.current();
    }
    const status = engine.sync.status;
    if (status !== before || (status === 'live' && this.stateName !== 'live')) {
      this.setState(status === 'live' ? 'live' : 'syncing', status === 'live' ? `replaying at ${this.options.speed}×` : engine.sync.reason);
    }
    if (cursor.ended) {
      // Every pass reads the same file: its problems are told once.
      if (this.loops === 0) this.reportReadProblems();
      const played = this.index;
      if (this.options.loop && played > 0) {
        this.loops++;
        void this.nextPass();
        return;
      }
      const endedEarly = this.reader?.report.endedEarly;
      this.setState('idle', `replay finished: ${played} frames${endedEarly ? `; ${endedEarly}` : ''}`);
      return;
    }
    if (frame === undefined) {
      // The reader is behind: play on as soon as it has more.
      void cursor.ready().then(() => {
        if (this.cursor === cursor) this.schedule(0);
      });
      return;
    }
    const nextDue = (frame.localMs - dueRecorded) / this.options.speed;
    this.schedule(Math.max(1, nextDue));
  }

  /** Starts the file again from the top, with a new engine (the book is rebuilt from the first snapshot). */
  private async nextPass(): Promise<void> {
    this.closePass();
    let head: readonly RecordedFrame[];
    try {
      head = await this.openPass();
    } catch {
      return;
    }
    if (this.stopped) return;
    this.newEngine(head);
    this.restartClock();
    this.schedule(0);
  }

  private setState(state: FeedState, reason: string): void {
    if (state !== this.stateName) this.since = Date.now();
    this.stateName = state;
    this.reason = reason;
  }
}

/** Frames looked at to tell the symbol and tick size. */
const HEAD_FRAMES = 1000;

function inferSymbol(frames: readonly RecordedFrame[]): string | undefined {
  for (const frame of frames) {
    const match = /^\s*\{\s*"stream"\s*:\s*"([^"@]+)@/.exec(frame.text);
    if (match) return symbolOfStream(match[1]);
  }
  return undefined;
}
