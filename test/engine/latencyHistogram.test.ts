import assert from 'node:assert/strict';
import { LATENCY_HISTOGRAM_MAX_TRACKED_MICROS, LatencyHistogram } from '../../src/engine/metrics/latencyHistogram';
import { mulberry32 as rng } from './support/seededRandom';


/** Same nearest-rank definition the histogram documents. */
function exactPercentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1];
}

const PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9];
/** The documented bound for values ≥ 3.2 µs, plus float slack. */
const RELATIVE_BOUND = 1 / 64 + 1e-9;

function fill(values: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const v of values) histogram.record(v);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('reports zeros for every statistic while empty, so snapshots stay JSON-safe', () => {
    const h = new LatencyHistogram();
    assert.deepEqual(h.snapshot(), { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    assert.equal(h.min, 0);
    assert.equal(h.percentile(0), 0);
  });

  it('keeps percentiles within 1/64 relative error of exact ones for a log-uniform sample from 3.2 µs to 60 s', () => {
    const random = rng(1);
    const lo = Math.log(3.2);
    const hi = Math.log(60e6);
    const values = Array.from({ length: 20000 }, () => Math.exp(lo + random() * (hi - lo)));
    const h = fill(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of PERCENTILES) {
      const exact = exactPercentile(sorted, p);
      const error = Math.abs(h.percentile(p) - exact) / exact;
      assert.ok(error <= RELATIVE_BOUND, `p${p}: estimate ${h.percentile(p)} vs exact ${exact} (error ${error})`);
    }
  });

  it('keeps percentiles within 1/64 relative error for a skewed, long-tailed latency sample', () => {
    const random = rng(42);
    // Log-normal around 250 µs with a heavy tail, like real processing times.
    const values = Array.from({ length: 50000 }, () => {
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return 3.2 + Math.exp(Math.log(250) + 1.2 * normal);
    });
    const h = fill(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of PERCENTILES) {
      const exact = exactPercentile(sorted, p);
      const error = Math.abs(h.percentile(p) - exact) / exact;
      assert.ok(error <= RELATIVE_BOUND, `p${p}: estimate ${h.percentile(p)} vs exact ${exact} (error ${error})`);
    }
  });

  it('keeps percentiles within 0.05 µs of exact ones for sub-3.2 µs values, including fractional ones', () => {
    const random = rng(7);
    const values = Array.from({ length: 5000 }, () => random() * 3.2);
    const h = fill(values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of PERCENTILES) {
      const exact = exactPercentile(sorted, p);
      assert.ok(Math.abs(h.percentile(p) - exact) <= 0.05 + 1e-9, `p${p}: ${h.percentile(p)} vs ${exact}`);
    }
  });

  it('returns the exact min for p0 and the exact max for p100', () => {
    const h = fill([123.456, 7.89, 98765.4321]);
    assert.equal(h.percentile(0), 7.89);
    assert.equal(h.percentile(100), 98765.4321);
    assert.equal(h.min, 7.89);
    assert.equal(h.max, 98765.4321);
  });

  it('never reports a percentile outside [min, max] even when the bucket midpoint lies outside', () => {
    // 1000 µs sits in the bucket [998.4, 1024) µs whose midpoint, 1011.2 µs, is above every sample.
    const h = fill([1000, 1000, 1000, 1000, 1000]);
    for (const p of [30, 50, 70]) assert.equal(h.percentile(p), 1000);
  });

  it('computes the mean exactly from the running sum rather than from bucket midpoints', () => {
    const h = fill([1, 2, 3, 1000.5]);
    assert.equal(h.mean, 1006.5 / 4);
  });

  it('ignores negative, NaN and infinite values and counts them as rejected', () => {
    const h = fill([10, -1, NaN, Infinity, -Infinity, 20]);
    assert.equal(h.count, 2);
    assert.equal(h.rejected, 4);
    assert.equal(h.min, 10);
    assert.equal(h.max, 20);
    assert.equal(h.mean, 15);
  });

  it('accepts zero as a valid duration', () => {
    const h = fill([0, 0]);
    assert.equal(h.count, 2);
    assert.equal(h.rejected, 0);
    assert.equal(h.percentile(50), 0);
  });

  it('puts values beyond the tracked range in overflow while still tracking the true max', () => {
    const huge = LATENCY_HISTOGRAM_MAX_TRACKED_MICROS * 3;
    const h = fill([100, 100, 100, huge]);
    assert.equal(h.overflow, 1);
    assert.equal(h.count, 4);
    assert.equal(h.max, huge);
    assert.equal(h.percentile(100), huge);
    assert.ok(Math.abs(h.percentile(50) - 100) <= 100 / 64);
  });

  it('tracks values up to at least 60 s without overflowing', () => {
    const h = fill([60e6]);
    assert.equal(h.overflow, 0);
    assert.ok(LATENCY_HISTOGRAM_MAX_TRACKED_MICROS >= 60e6);
  });

  it('summarises count, p50, p95, p99, max and mean in snapshot()', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
    const s = fill(values).snapshot();
    assert.equal(s.count, 100);
    assert.ok(Math.abs(s.p50 - 500) <= 500 / 64, `p50 ${s.p50}`);
    assert.ok(Math.abs(s.p95 - 950) <= 950 / 64, `p95 ${s.p95}`);
    assert.ok(Math.abs(s.p99 - 990) <= 990 / 64, `p99 ${s.p99}`);
    assert.equal(s.max, 1000);
    assert.equal(s.mean, 505);
  });

  it('forgets every sample and rejection on reset()', () => {
    const h = fill([5, 50, -1, LATENCY_HISTOGRAM_MAX_TRACKED_MICROS * 2]);
    h.reset();
    assert.deepEqual(h.snapshot(), { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    assert.equal(h.rejected, 0);
    assert.equal(h.overflow, 0);
    h.record(7);
    assert.equal(h.min, 7);
    assert.equal(h.percentile(50), 7);
  });

  it('throws RangeError for a percentile outside 0..100 or NaN', () => {
    const h = fill([1]);
    assert.throws(() => h.percentile(-1), RangeError);
    assert.throws(() => h.percentile(100.5), RangeError);
    assert.throws(() => h.percentile(NaN), RangeError);
  });
});
