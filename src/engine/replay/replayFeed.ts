import { EventBus } from '../core/eventBus';
import type { DepthMode } from '../book/depthSynchronizer';
import { MarketEngine } from '../marketEngine';
import { inferTickSize, knownTickSize } from '../config/knownSymbols';
import { symbolOfStream } from '../protocol/streams';
import { bookHealth, type FeedHealth, type FeedState } from '../live/feedHealth';
import { readRecording, type RecordedFrame } from './recordingFile';

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
 * extension can show like a live one (pause, resume, health). Frames are handed over in small
 * batches from one timer, which it owns and clears on stop.
 */
export class ReplayFeed {
  readonly bus: EventBus;
  private frames: RecordedFrame[] = [];
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
  private badLines = 0;

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

  get progress(): { index: number; total: number; loops: number } {
    return { index: this.index, total: this.frames.length, loops: this.loops };
  }

  /** Reads the file (throws with a readable message when it cannot) and starts playing. */
  async start(): Promise<void> {
    let recording: ReturnType<typeof readRecording>;
    try {
      recording = readRecording(this.options.file);
    } catch (err) {
      this.setState('failed', `cannot read recording ${this.options.file}: ${(err as Error).message}`);
      throw new Error(this.reason);
    }
    this.frames = recording.frames;
    this.badLines = recording.badLines.length;
    if (this.badLines > 0) this.options.log?.('warn', `${this.options.file}: ${this.badLines} unreadable lines skipped`);
    const symbol = (this.options.symbol ?? this.inferSymbol() ?? '').toUpperCase();
    if (symbol === '') {
      this.setState('failed', `${this.options.file} has no stream names to tell the symbol from`);
      throw new Error(this.reason);
    }
    this.symbolName = symbol;
    this.newEngine();
    this.setState('syncing', `replaying ${this.frames.length} frames at ${this.options.speed}×`);
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
    this.setState('idle', 'stopped');
  }

  health(): FeedHealth {
    const engine = this.engineValue;
    const metrics = engine?.metrics.snapshot(this.recordedNow());
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
        malformed: (engine?.metrics.counter('malformed') ?? 0) + this.badLines,
        drops: 0,
        snapshotsDeferred: 0,
        circuitOpens: 0,
        rollovers: 0,
      },
      streams: (metrics?.streams ?? []).map((s) => ({
        stream: s.stream,
        route: s.stream.includes('depth') || s.stream.includes('bookTicker') || s.stream.includes('@trade') ? 'public' : 'market',
        messagesPerSecond: s.messagesPerSecond,
        lastMessageAgeMs: s.lastMessageAgeMs,
      })),
      metrics: metrics!,
      lastError: undefined,
      warnings: [],
    };
  }

  private newEngine(): void {
    const tickSize = this.options.tickSize ?? knownTickSize(this.symbolName) ?? inferTickSize(this.frames.slice(0, 500).map((f) => f.text)) ?? 1e-8;
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
    this.startedRecorded = this.index < this.frames.length ? this.frames[this.index].localMs : 0;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.paused) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, Math.min(delayMs, 1000)));
  }

  private pump(): void {
    this.timer = undefined;
    const engine = this.engineValue;
    if (!engine || this.stopped || this.paused) return;
    const dueRecorded = this.recordedNow();
    const frames = this.frames;
    const before = engine.sync.status;
    while (this.index < frames.length && frames[this.index].localMs <= dueRecorded) {
      engine.ingest(frames[this.index].text, frames[this.index].localMs);
      this.index++;
    }
    const status = engine.sync.status;
    if (status !== before || (status === 'live' && this.stateName !== 'live')) {
      this.setState(status === 'live' ? 'live' : 'syncing', status === 'live' ? `replaying at ${this.options.speed}×` : engine.sync.reason);
    }
    if (this.index >= frames.length) {
      if (this.options.loop && frames.length > 0) {
        this.index = 0;
        this.loops++;
        this.newEngine();
        this.restartClock();
        this.schedule(0);
        return;
      }
      this.setState('idle', `replay finished: ${frames.length} frames`);
      return;
    }
    const nextDue = (frames[this.index].localMs - dueRecorded) / this.options.speed;
    this.schedule(Math.max(1, nextDue));
  }

  private inferSymbol(): string | undefined {
    for (let i = 0; i < Math.min(this.frames.length, 1000); i++) {
      const match = /^\s*\{\s*"stream"\s*:\s*"([^"@]+)@/.exec(this.frames[i].text);
      if (match) return symbolOfStream(match[1]);
    }
    return undefined;
  }

  private setState(state: FeedState, reason: string): void {
    if (state !== this.stateName) this.since = Date.now();
    this.stateName = state;
    this.reason = reason;
  }
}
