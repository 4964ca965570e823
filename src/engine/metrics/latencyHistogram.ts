/**
 * Fixed-size log-linear (HDR-style) latency histogram.
 *
 * Values are microseconds. Internally they are quantised to ticks of 0.1 µs; ticks below 32 get one
 * bucket each, and every power-of-two range [2^k, 2^(k+1)) above that is split into 32 equal
 * sub-buckets. Ranges up to 2^30 ticks (~107 s) are covered; longer values land in one overflow
 * bucket and are only represented by `max`.
 *
 * Accuracy bound (verified by the tests against exact percentiles of random samples):
 *   - values ≥ 3.2 µs: relative error ≤ 1/64 (≈ 1.6 %), because a sub-bucket is at most 1/32 of its
 *     lower edge wide and a percentile is reported at the bucket midpoint;
 *   - values < 3.2 µs: absolute error ≤ 0.05 µs (half a tick);
 *   - the 0th and 100th percentiles are exact (min and max), and any estimate is clamped to
 *     [min, max];
 *   - percentiles that fall into the overflow bucket report `max`.
 *
 * Storage is one preallocated Float64Array (counts stay exact up to 2^53, so no wrap-around on
 * long sessions), which keeps `record()` allocation-free for the per-message hot path.
 */

/** Quantisation step: 10 ticks per microsecond, i.e. 0.1 µs resolution. */
const TICKS_PER_MICRO = 10;
const SUB_BUCKET_BITS = 5;
const SUB_BUCKET_COUNT = 1 << SUB_BUCKET_BITS;
/** Ticks at or above 2^TOP_EXPONENT (~107.4 s) go to the overflow bucket. */
const TOP_EXPONENT = 30;
const OVERFLOW_TICKS = 2 ** TOP_EXPONENT;
/** Linear region (32 buckets) plus 32 sub-buckets for each exponent 5..29. */
const BUCKET_COUNT = (TOP_EXPONENT - SUB_BUCKET_BITS + 1) * SUB_BUCKET_COUNT;
const OVERFLOW_INDEX = BUCKET_COUNT;

/** Largest value (µs) that is still bucketed rather than sent to overflow. */
export const LATENCY_HISTOGRAM_MAX_TRACKED_MICROS = OVERFLOW_TICKS / TICKS_PER_MICRO;

export interface LatencySnapshot {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

function bucketIndex(ticks: number): number {
  if (ticks < SUB_BUCKET_COUNT) return ticks;
  const exponent = 31 - Math.clz32(ticks);
  const shift = exponent - SUB_BUCKET_BITS;
  // (ticks >>> shift) is in [32, 64): the sub-bucket within this power of two, offset by 32.
  return shift * SUB_BUCKET_COUNT + (ticks >>> shift);
}

/** Midpoint of a bucket, in microseconds. */
function bucketMidpointMicros(index: number): number {
  if (index < 2 * SUB_BUCKET_COUNT) return (index + 0.5) / TICKS_PER_MICRO;
  const shift = Math.floor(index / SUB_BUCKET_COUNT) - 1;
  const width = 2 ** shift;
  const lower = (index - shift * SUB_BUCKET_COUNT) * width;
  return (lower + width / 2) / TICKS_PER_MICRO;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT + 1);
  private total = 0;
  private sum = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private rejectedCount = 0;

  /**
   * Adds one duration in microseconds. Negative, NaN and infinite values are dropped and counted in
   * `rejected` — a bad clock reading must not poison the percentiles.
   */
  record(micros: number): void {
    if (!(micros >= 0) || micros === Infinity) {
      this.rejectedCount++;
      return;
    }
    const ticks = Math.floor(micros * TICKS_PER_MICRO);
    this.counts[ticks >= OVERFLOW_TICKS ? OVERFLOW_INDEX : bucketIndex(ticks)]++;
    this.total++;
    this.sum += micros;
    if (micros < this.minValue) this.minValue = micros;
    if (micros > this.maxValue) this.maxValue = micros;
  }

  get count(): number {
    return this.total;
  }

  get rejected(): number {
    return this.rejectedCount;
  }

  /** Samples beyond the tracked range (~107 s); only `max` describes them. */
  get overflow(): number {
    return this.counts[OVERFLOW_INDEX];
  }

  /** Smallest recorded value; 0 when empty so snapshots stay JSON-friendly. */
  get min(): number {
    return this.total === 0 ? 0 : this.minValue;
  }

  /** Largest recorded value; 0 when empty. */
  get max(): number {
    return this.total === 0 ? 0 : this.maxValue;
  }

  /** Exact arithmetic mean (from the running sum, not the buckets); 0 when empty. */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * Nearest-rank percentile, p in 0..100, within the bound stated at the top of the file.
   * Returns 0 when empty. Throws RangeError for p outside 0..100 — that is a caller bug.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
    const total = this.total;
    if (total === 0) return 0;
    // The epsilon stops products like 99.9 * 1000 / 100 = 999.0000000000001 from skipping a rank.
    const rank = Math.max(1, Math.ceil((p * total) / 100 - 1e-9));
    if (rank <= 1) return this.minValue;
    if (rank >= total) return this.maxValue;
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const mid = bucketMidpointMicros(i);
        return mid < this.minValue ? this.minValue : mid > this.maxValue ? this.maxValue : mid;
      }
    }
    return this.maxValue;
  }

  snapshot(): LatencySnapshot {
    return {
      count: this.total,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.max,
      mean: this.mean,
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
    this.rejectedCount = 0;
  }
}
