/**
 * Converts between prices and integer ticks for one symbol's tick size.
 *
 * Why not `ticks * tickSize`: 617597 * 0.1 is 61759.700000000004. Dividing the integer tick count,
 * scaled to the tick's decimal units, by a power of ten is a single correctly rounded operation, so
 * the result is the very double that parsing "61759.7" gives.
 */
export class PriceScale {
  readonly tickSize: number;
  readonly decimals: number;
  private readonly unitsPerTick: number;
  private readonly pow10: number;
  private readonly ticksPerUnit: number;

  constructor(tickSize: number) {
    if (!(tickSize > 0) || !Number.isFinite(tickSize)) {
      throw new RangeError(`tick size must be a positive number, got ${tickSize}`);
    }
    this.decimals = decimalsOf(tickSize);
    this.pow10 = 10 ** this.decimals;
    this.unitsPerTick = Math.round(tickSize * this.pow10);
    this.tickSize = this.unitsPerTick / this.pow10;
    this.ticksPerUnit = this.pow10 / this.unitsPerTick;
  }

  /**
   * Nearest whole tick. Exchange prices are exact multiples of the tick, so the product is within a
   * few ulps of an integer and rounding only absorbs that noise.
   */
  toTicks(price: number): number {
    return Math.round(price * this.ticksPerUnit);
  }

  toPrice(ticks: number): number {
    return (ticks * this.unitsPerTick) / this.pow10;
  }

  /** Formats a price with exactly the tick's decimals (e.g. 61659.7 → "61659.7" for tick 0.1). */
  format(price: number): string {
    return price.toFixed(this.decimals);
  }

  /**
   * True when `price` is a whole number of ticks that this scale holds exactly: converting it to ticks
   * and back gives the very same double (see the class comment), and the tick count is a safe integer.
   */
  isOnGrid(price: number): boolean {
    const ticks = Math.round(price * this.ticksPerUnit);
    return ticks <= Number.MAX_SAFE_INTEGER && (ticks * this.unitsPerTick) / this.pow10 === price;
  }

  /** Ticks are a power of ten (0.1, 0.01, 1): any price with at most `decimals` decimals is on the grid. */
  get isDecimalTick(): boolean {
    return this.unitsPerTick === 1;
  }

  /** True when two prices fall on the same tick. */
  samePrice(a: number, b: number): boolean {
    return this.toTicks(a) === this.toTicks(b);
  }
}

/** Number of decimals needed to write `value` exactly (up to 12), e.g. 0.1 → 1, 0.0005 → 4, 5 → 0. */
export function decimalsOf(value: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = value * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 12;
}
