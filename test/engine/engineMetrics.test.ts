import assert from 'node:assert/strict';
import { EngineMetrics, METRIC_COUNTERS, MetricCounter } from '../../src/engine/metrics/engineMetrics';
import { RateMeter } from '../../src/engine/metrics/rateMeter';

function close(actual: number, expected: number, tolerance: number, label = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} expected ${expected} ± ${tolerance}, got ${actual}`);
}

describe('RateMeter', () => {
  it('reads a steady 100 msg/s stream as 100 msg/s at any phase within a 100 ms slice', () => {
    const meter = new RateMeter({ now: () => 0 });
    let t = 0;
    for (const readAt of [5000, 5037, 5099, 6421]) {
      for (; t <= readAt; t += 10) meter.mark(200, t);
      const rate = meter.rate(readAt);
      close(rate.messagesPerSecond, 100, 2, `msg/s at ${readAt}`);
      close(rate.bytesPerSecond, 20000, 400, `B/s at ${readAt}`);
    }
  });

  it('lets a burst fade out gradually as the window slides past it and then reads 0', () => {
    const meter = new RateMeter();
    for (let i = 0; i < 10; i++) meter.mark(100, 50);
    assert.equal(meter.rate(999).messagesPerSecond, 10);
    close(meter.rate(1050).messagesPerSecond, 5, 1e-9, 'half of the burst slice left in the window');
    assert.equal(meter.rate(1100).messagesPerSecond, 0);
    assert.equal(meter.rate(60000).bytesPerSecond, 0);
  });

  it('clears a reused ring slot so old counts do not reappear after a gap', () => {
    const meter = new RateMeter();
    for (let i = 0; i < 50; i++) meter.mark(1, 10);
    // 1100 ms later the ring has wrapped onto the slot the burst used.
    meter.mark(1, 1110);
    assert.equal(meter.rate(1110).messagesPerSecond, 1);
  });

  it('scales by the configured window length', () => {
    const meter = new RateMeter({ windowMs: 2000, buckets: 20 });
    for (let i = 0; i < 10; i++) meter.mark(1000, 500);
    assert.deepEqual(meter.rate(1500), { messagesPerSecond: 5, bytesPerSecond: 5000 });
  });

  it('keeps running totals and the time of the last message', () => {
    const meter = new RateMeter();
    assert.equal(meter.lastAt, undefined);
    meter.mark(10, 100);
    meter.mark(32, 250);
    assert.equal(meter.messages, 2);
    assert.equal(meter.bytes, 42);
    assert.equal(meter.lastAt, 250);
  });

  it('reads the injected clock when no time is passed', () => {
    let clock = 1000;
    const meter = new RateMeter({ now: () => clock });
    meter.mark(64);
    assert.equal(meter.lastAt, 1000);
    clock = 1500;
    assert.deepEqual(meter.rate(), { messagesPerSecond: 1, bytesPerSecond: 64 });
    clock = 3000;
    assert.equal(meter.rate().messagesPerSecond, 0);
  });

  it('counts a message with an unknown size (negative, NaN) as zero bytes', () => {
    const meter = new RateMeter();
    meter.mark(-5, 0);
    meter.mark(NaN, 0);
    assert.equal(meter.messages, 2);
    assert.equal(meter.bytes, 0);
    assert.equal(meter.rate(0).bytesPerSecond, 0);
  });

  it('does not lose newer counts when the clock steps backwards', () => {
    const meter = new RateMeter();
    meter.mark(1, 5000);
    meter.mark(1, 3000);
    assert.equal(meter.rate(5000).messagesPerSecond, 2);
    assert.equal(meter.rate(4000).messagesPerSecond, 2);
  });

  it('starts from nothing after reset()', () => {
    const meter = new RateMeter();
    meter.mark(10, 100);
    meter.reset();
    assert.equal(meter.messages, 0);
    assert.equal(meter.bytes, 0);
    assert.equal(meter.lastAt, undefined);
    assert.equal(meter.rate(100).messagesPerSecond, 0);
    // An earlier time than before the reset must count again.
    meter.mark(1, 50);
    assert.equal(meter.rate(50).messagesPerSecond, 1);
  });

  it('rejects a window that is not positive or a bucket count that is not a positive integer', () => {
    assert.throws(() => new RateMeter({ windowMs: 0 }), RangeError);
    assert.throws(() => new RateMeter({ windowMs: Infinity }), RangeError);
    assert.throws(() => new RateMeter({ buckets: 0 }), RangeError);
    assert.throws(() => new RateMeter({ buckets: 2.5 }), RangeError);
  });
});

describe('EngineMetrics', () => {
  it('creates a rate meter per stream on first sight and reports streams sorted by name', () => {
    const m = new EngineMetrics({ now: () => 0 });
    for (let i = 0; i < 4; i++) m.recordMessage('btcusdt@depth@100ms', 500, 100);
    m.recordMessage('btcusdt@aggTrade', 120, 200);
    const s = m.snapshot(400);
    assert.deepEqual(s.streams, [
      { stream: 'btcusdt@aggTrade', messagesPerSecond: 1, bytesPerSecond: 120, messages: 1, bytes: 120, lastMessageAgeMs: 200 },
      { stream: 'btcusdt@depth@100ms', messagesPerSecond: 4, bytesPerSecond: 2000, messages: 4, bytes: 2000, lastMessageAgeMs: 300 },
    ]);
    assert.equal(s.messagesPerSecond, 5);
    assert.equal(s.bytesPerSecond, 2120);
  });

  it('counts messages and bytes from recordMessage()', () => {
    const m = new EngineMetrics();
    m.recordMessage('a', 10, 0);
    m.recordMessage('b', 15, 0);
    assert.equal(m.counter('messages'), 2);
    assert.equal(m.counter('bytes'), 25);
  });

  it('records receive minus event time and reports it in milliseconds', () => {
    const m = new EngineMetrics();
    for (let i = 1; i <= 100; i++) m.recordExchangeLatency(1_000_000 + i, 1_000_000);
    const latency = m.snapshot(0).exchangeLatencyMs;
    assert.equal(latency.samples, 100);
    close(latency.p50, 50, 50 / 64, 'p50');
    close(latency.p95, 95, 95 / 64, 'p95');
    close(latency.p99, 99, 99 / 64, 'p99');
    assert.equal(latency.max, 100);
  });

  it('clamps negative exchange latency from clock skew to 0 and counts the skewed samples', () => {
    const m = new EngineMetrics();
    m.recordExchangeLatency(1000, 1003);
    m.recordExchangeLatency(1000, 1001);
    m.recordExchangeLatency(1010, 1000);
    const s = m.snapshot(0);
    assert.equal(m.clockSkewSamples, 2);
    assert.equal(s.clockSkewSamples, 2);
    assert.equal(s.exchangeLatencyMs.samples, 3);
    // Clamped samples sit in the histogram's lowest bucket: 0 within its 0.05 µs resolution.
    close(s.exchangeLatencyMs.p50, 0, 0.05 / 1000, 'p50');
    assert.equal(s.exchangeLatencyMs.max, 10);
  });

  it('ignores an exchange latency sample with a non-finite time', () => {
    const m = new EngineMetrics();
    m.recordExchangeLatency(NaN, 1000);
    m.recordExchangeLatency(1000, Number.NaN);
    assert.equal(m.snapshot(0).exchangeLatencyMs.samples, 0);
    assert.equal(m.clockSkewSamples, 0);
  });

  it('reports processing latency in microseconds', () => {
    const m = new EngineMetrics();
    for (let i = 1; i <= 100; i++) m.recordProcessing(i * 2);
    const processing = m.snapshot(0).processingMicros;
    assert.equal(processing.samples, 100);
    close(processing.p50, 100, 100 / 64, 'p50');
    assert.equal(processing.max, 200);
  });

  it('adds 1 or the given amount to a named counter and ignores negative or non-finite amounts', () => {
    const m = new EngineMetrics();
    m.count('gaps');
    m.count('gaps');
    m.count('drops', 7);
    m.count('drops', -3);
    m.count('drops', NaN);
    m.count('resyncs', Infinity);
    assert.equal(m.counter('gaps'), 2);
    assert.equal(m.counter('drops'), 7);
    assert.equal(m.counter('resyncs'), 0);
  });

  it('reports every counter in the snapshot, starting at zero', () => {
    const m = new EngineMetrics();
    m.count('handlerErrors', 2);
    const counters = m.snapshot(0).counters;
    assert.deepEqual(Object.keys(counters).sort(), [...METRIC_COUNTERS].sort());
    for (const name of METRIC_COUNTERS) {
      assert.equal(counters[name], name === 'handlerErrors' ? 2 : 0, name);
    }
  });

  it('returns a snapshot that later counting does not change', () => {
    const m = new EngineMetrics();
    m.count('reconnects');
    const before = m.snapshot(0);
    m.count('reconnects');
    assert.equal(before.counters.reconnects, 1);
  });

  it('produces a snapshot that survives a JSON round trip unchanged, empty or full', () => {
    const m = new EngineMetrics({ now: () => 10_000 });
    const empty = m.snapshot();
    assert.deepEqual(JSON.parse(JSON.stringify(empty)), empty);
    m.recordMessage('btcusdt@bookTicker', 90, 9_900);
    m.recordExchangeLatency(9_900, 9_880);
    m.recordExchangeLatency(9_900, 9_950);
    m.recordProcessing(12.5);
    m.recordProcessing(-1);
    const counters: MetricCounter[] = ['snapshotsRequested', 'snapshotsApplied', 'malformed'];
    for (const name of counters) m.count(name);
    const full = m.snapshot();
    assert.equal(full.takenAtMs, 10_000);
    assert.deepEqual(JSON.parse(JSON.stringify(full)), full);
  });

  it('uses the injected clock for message times and snapshot age when no time is passed', () => {
    let clock = 2_000;
    const m = new EngineMetrics({ now: () => clock });
    m.recordMessage('s', 1);
    clock = 2_750;
    const stream = m.snapshot().streams[0];
    assert.equal(stream.lastMessageAgeMs, 750);
    assert.equal(stream.messagesPerSecond, 1);
  });

  it('honours a custom rate window', () => {
    const m = new EngineMetrics({ rateWindowMs: 5000 });
    for (let i = 0; i < 10; i++) m.recordMessage('s', 1, 100);
    assert.equal(m.snapshot(4000).streams[0].messagesPerSecond, 2);
  });

  it('forgets streams, latencies, skew and counters on reset()', () => {
    const m = new EngineMetrics();
    m.recordMessage('s', 10, 0);
    m.recordExchangeLatency(0, 5);
    m.recordProcessing(3);
    m.count('gaps', 4);
    m.reset();
    const s = m.snapshot(0);
    assert.deepEqual(s.streams, []);
    assert.equal(s.messagesPerSecond, 0);
    assert.equal(s.exchangeLatencyMs.samples, 0);
    assert.equal(s.processingMicros.samples, 0);
    assert.equal(s.clockSkewSamples, 0);
    for (const name of METRIC_COUNTERS) assert.equal(s.counters[name], 0, name);
  });
});
