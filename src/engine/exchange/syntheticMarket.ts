import { performance } from 'node:perf_hooks';
import type { ExchangeMarket, MarketSink, SnapshotAnswer, TopOfBook } from './market';
import { deriveSeed } from './random';
import { SyntheticSymbol } from './syntheticSymbol';
import { syntheticProfile } from './syntheticProfiles';
import type { SymbolSpec } from './symbolSpec';

export interface SyntheticMarketOptions {
  symbols: readonly string[];
  seed: number;
  stepMs: number;
  /** Wall clock for the E and T fields. */
  clock: { now(): number };
  sink: MarketSink;
}

/** After a stall (a blocked event loop) the market skips ahead rather than replaying a burst. */
const MAX_CATCH_UP_STEPS = 10;

/**
 * Every synthetic symbol on one market clock. The market steps on a timer only while a WebSocket
 * client is connected and it is not paused: with nobody watching it rests (REST answers from the
 * resting book), so an idle exchange costs nothing and the first client of a fresh exchange sees the
 * market from its first step, which makes whole sessions reproducible from the seed.
 */
export class SyntheticMarket implements ExchangeMarket {
  readonly kind = 'synthetic';
  private readonly instruments = new Map<string, SyntheticSymbol>();
  private readonly specList: SymbolSpec[] = [];
  private readonly stepMs: number;
  private readonly clock: { now(): number };
  private marketMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private clients = 0;
  private paused = false;
  private stopped = false;
  private anchor = 0;
  private stepsSinceAnchor = 0;

  constructor(options: SyntheticMarketOptions) {
    if (!(options.stepMs >= 1 && Number.isFinite(options.stepMs))) throw new RangeError(`stepMs must be at least 1, got ${options.stepMs}`);
    if (options.symbols.length === 0) throw new RangeError('a synthetic market needs at least one symbol');
    this.stepMs = options.stepMs;
    this.clock = options.clock;
    for (const raw of options.symbols) {
      const profile = syntheticProfile(raw);
      const symbol = profile.spec.symbol;
      if (this.instruments.has(symbol)) continue;
      this.instruments.set(symbol, new SyntheticSymbol(profile, deriveSeed(options.seed, symbol), options.sink, options.stepMs));
      this.specList.push(profile.spec);
    }
  }

  specs(): readonly SymbolSpec[] {
    return this.specList;
  }

  spec(symbol: string): SymbolSpec | undefined {
    return this.instruments.get(symbol.toUpperCase())?.spec;
  }

  /** Market time in ms since the market was created (advances only while it runs). */
  get time(): number {
    return this.marketMs;
  }

  /** Runs `steps` steps at once: what the timer does, callable directly for deterministic tests. */
  advance(steps: number): void {
    for (let i = 0; i < steps; i++) {
      const from = this.marketMs;
      this.marketMs += this.stepMs;
      const wall = this.clock.now();
      for (const instrument of this.instruments.values()) instrument.step(from, this.marketMs, wall);
    }
  }

  topOfBook(symbol: string, levels: number): TopOfBook {
    return this.instrument(symbol).topOfBook(levels);
  }

  depthSnapshot(symbol: string, limit: number): Promise<SnapshotAnswer> {
    const instrument = this.instruments.get(symbol.toUpperCase());
    if (instrument === undefined) return Promise.resolve({ ok: false, reason: 'unknownSymbol' });
    return Promise.resolve({ ok: true, snapshot: instrument.snapshot(limit, this.clock.now()) });
  }

  setClientCount(count: number): void {
    this.clients = count;
    this.updateTimer();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.updateTimer();
    const wall = this.clock.now();
    for (const instrument of this.instruments.values()) instrument.flush(wall);
  }

  resume(): void {
    this.paused = false;
    this.updateTimer();
  }

  stop(): void {
    this.stopped = true;
    this.updateTimer();
  }

  private instrument(symbol: string): SyntheticSymbol {
    const instrument = this.instruments.get(symbol.toUpperCase());
    if (instrument === undefined) throw new RangeError(`unknown symbol ${symbol}; this market has ${[...this.instruments.keys()].join(', ')}`);
    return instrument;
  }

  private updateTimer(): void {
    const run = this.clients > 0 && !this.paused && !this.stopped;
    if (run && this.timer === undefined) {
      this.anchor = performance.now();
      this.stepsSinceAnchor = 0;
      this.timer = setInterval(() => this.onTimer(), this.stepMs);
    } else if (!run && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Timers fire late under load; the step count follows elapsed time so market time keeps up with wall time. */
  private onTimer(): void {
    const due = Math.floor((performance.now() - this.anchor) / this.stepMs) - this.stepsSinceAnchor;
    if (due <= 0) return;
    this.stepsSinceAnchor += due;
    this.advance(Math.min(due, MAX_CATCH_UP_STEPS));
  }
}
