import { LatencyHistogram } from './latencyHistogram';
import { RateMeter } from './rateMeter';

/** Every event counter the engine keeps; the tuple is the single source for the union and snapshots. */
export const METRIC_COUNTERS = [
  'messages',
  'bytes',
  'gaps',
  'resyncs',
  'malformed',
  'drops',
  'reconnects',
  'snapshotsRequested',
  'snapshotsApplied',
  'handlerErrors',
] as const;

export type MetricCounter = (typeof METRIC_COUNTERS)[number];

export type MetricCounters = Record<MetricCounter, number>;

export interface StreamMetrics {
  readonly stream: string;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  readonly messages: number;
  readonly bytes: number;
  readonly lastMessageAgeMs: number;
}

/** Percentiles of one latency histogram; the unit is in the field name that holds it. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Plain, JSON-serialisable picture of the engine's health at `takenAtMs`. */
export interface MetricsSnapshot {
  readonly takenAtMs: number;
  /** All streams together. */
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  /** Sorted by stream name so consecutive snapshots line up. */
  readonly streams: StreamMetrics[];
  /** Local receive time minus exchange event time (E). */
  readonly exchangeLatencyMs: LatencySummary;
  /** Samples where the exchange time was ahead of the local clock; recorded as 0 latency. */
  readonly clockSkewSamples: number;
  /** Time spent handling one message inside the engine. */
  readonly processingMicros: LatencySummary;
  readonly counters: MetricCounters;
}

export interface EngineMetricsOptions {
  /** Clock in ms; default Date.now. Injected by tests for determinism. */
  readonly now?: () => number;
  /** Sliding window for the per-second rates; default 1000 ms. */
  readonly rateWindowMs?: number;
}

function zeroCounters(): MetricCounters {
  const counters = {} as MetricCounters;
  for (const name of METRIC_COUNTERS) counters[name] = 0;
  return counters;
}

/** `divisor` converts from the histogram's microseconds to the reported unit. */
function summarise(histogram: LatencyHistogram, divisor: number): LatencySummary {
  return {
    samples: histogram.count,
    p50: histogram.percentile(50) / divisor,
    p95: histogram.percentile(95) / divisor,
    p99: histogram.percentile(99) / divisor,
    max: histogram.max / divisor,
  };
}

export class EngineMetrics {
  private readonly clock: () => number;
  private readonly rateWindowMs: number | undefined;
  private readonly streams = new Map<string, RateMeter>();
  /** Held in microseconds like every histogram; converted to ms only when reported. */
  private readonly exchangeLatency = new LatencyHistogram();
  private readonly processing = new LatencyHistogram();
  private counters: MetricCounters = zeroCounters();
  private skewSamples = 0;
  /** One-entry cache: consecutive messages often share a stream, and this skips the map lookup. */
  private lastStream: string | undefined;
  private lastMeter: RateMeter | undefined;

  constructor(options: EngineMetricsOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.rateWindowMs = options.rateWindowMs;
  }

  /**
   * Counts one received message on `stream` (e.g. 'btcusdt@depth@100ms'), including the `messages`
   * and `bytes` counters — do not also count those by hand.
   */
  recordMessage(stream: string, bytes: number, nowMs: number = this.clock()): void {
    let meter = stream === this.lastStream ? this.lastMeter : this.streams.get(stream);
    if (meter === undefined) {
      meter = this.newMeter();
      this.streams.set(stream, meter);
    }
    this.lastStream = stream;
    this.lastMeter = meter;
    meter.mark(bytes, nowMs);
    this.counters.messages++;
    if (bytes >= 0 && bytes !== Infinity) this.counters.bytes += bytes;
  }

  /**
   * Records receive time minus the exchange's event time, both in ms. A negative difference means
   * the local clock is behind the exchange's; it is kept as 0 (the true latency is unknowable, and
   * dropping it would bias the percentiles upwards) and counted in `clockSkewSamples`.
   */
  recordExchangeLatency(receiveMs: number, eventTimeMs: number): void {
    const latencyMs = receiveMs - eventTimeMs;
    if (!Number.isFinite(latencyMs)) {
      // Lets the histogram count it as rejected rather than silently losing it.
      this.exchangeLatency.record(NaN);
      return;
    }
    if (latencyMs < 0) {
      this.skewSamples++;
      this.exchangeLatency.record(0);
      return;
    }
    this.exchangeLatency.record(latencyMs * 1000);
  }

  /** Records how long handling one message took, in microseconds. */
  recordProcessing(micros: number): void {
    this.processing.record(micros);
  }

  /** Adds `by` to a counter. Negative or non-finite amounts are ignored: counters only go up. */
  count(counter: MetricCounter, by = 1): void {
    if (by >= 0 && by !== Infinity) this.counters[counter] += by;
  }

  counter(counter: MetricCounter): number {
    return this.counters[counter];
  }

  get clockSkewSamples(): number {
    return this.skewSamples;
  }

  snapshot(nowMs: number = this.clock()): MetricsSnapshot {
    const names = [...this.streams.keys()].sort();
    const streams = names.map((stream): StreamMetrics => {
      const meter = this.streams.get(stream) as RateMeter;
      const rate = meter.rate(nowMs);
      const lastAt = meter.lastAt ?? nowMs;
      return {
        stream,
        messagesPerSecond: rate.messagesPerSecond,
        bytesPerSecond: rate.bytesPerSecond,
        messages: meter.messages,
        bytes: meter.bytes,
        lastMessageAgeMs: Math.max(0, nowMs - lastAt),
      };
    });
    // The all-streams rate is the sum of the per-stream ones: one meter per message, not two.
    let messagesPerSecond = 0;
    let bytesPerSecond = 0;
    for (const s of streams) {
      messagesPerSecond += s.messagesPerSecond;
      bytesPerSecond += s.bytesPerSecond;
    }
    return {
      takenAtMs: nowMs,
      messagesPerSecond,
      bytesPerSecond,
      streams,
      exchangeLatencyMs: summarise(this.exchangeLatency, 1000),
      clockSkewSamples: this.skewSamples,
      processingMicros: summarise(this.processing, 1),
      counters: { ...this.counters },
    };
  }

  /** Forgets everything, including which streams have been seen. */
  reset(): void {
    this.streams.clear();
    this.exchangeLatency.reset();
    this.processing.reset();
    this.counters = zeroCounters();
    this.skewSamples = 0;
    this.lastStream = undefined;
    this.lastMeter = undefined;
  }

  private newMeter(): RateMeter {
    return new RateMeter({ now: this.clock, windowMs: this.rateWindowMs });
  }
}
