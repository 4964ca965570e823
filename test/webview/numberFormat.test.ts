import assert from 'node:assert/strict';
import { PriceScale } from '../../src/engine/book/priceScale';
import {
  formatClock,
  formatCompact,
  formatPrice,
  formatSignedPercent,
  formatSignedTicks,
  formatSize,
  MISSING,
  sizeDecimals,
} from '../../webview/numberFormat';
import { withThousands } from '../../src/shared/thousands';

describe('numberFormat', () => {
  describe('prices', () => {
    it('writes a price with exactly the tick’s decimals and thousands separators', () => {
      const btc = new PriceScale(0.1);
      assert.equal(formatPrice(61659.7, btc), '61,659.7');
      assert.equal(formatPrice(61660, btc), '61,660.0');
      assert.equal(formatPrice(617597 * 0.1, btc), '61,759.7', 'float noise from a product is rounded away');
      assert.equal(formatPrice(999.9, btc), '999.9');
      assert.equal(formatPrice(1234567.8, btc), '1,234,567.8');
    });

    it('handles a DOGE-like 0.00001 tick', () => {
      const doge = new PriceScale(0.00001);
      assert.equal(formatPrice(0.16234, doge), '0.16234');
      assert.equal(formatPrice(1.2, doge), '1.20000');
    });

    it('writes whole-number ticks without a decimal point', () => {
      assert.equal(formatPrice(12345, new PriceScale(5)), '12,345');
    });

    it('handles negative, NaN and infinite values', () => {
      const scale = new PriceScale(0.1);
      assert.equal(formatPrice(-1234.5, scale), '-1,234.5');
      assert.equal(formatPrice(-0.01, scale), '0.0', 'no "-0.0"');
      assert.equal(formatPrice(NaN, scale), MISSING);
      assert.equal(formatPrice(Infinity, scale), '∞');
      assert.equal(formatPrice(-Infinity, scale), '-∞');
    });

    it('groups only the integer part', () => {
      assert.equal(withThousands('1234.5678'), '1,234.5678');
      assert.equal(withThousands('-123456'), '-123,456');
      assert.equal(withThousands('123'), '123');
    });
  });

  describe('sizes', () => {
    it('writes sizes with step-like decimals and separators', () => {
      assert.equal(formatSize(1.5, 3), '1.500');
      assert.equal(formatSize(12345.678, 3), '12,345.678');
      assert.equal(formatSize(0, 3), '0.000');
      assert.equal(formatSize(99999, 0), '99,999');
    });

    it('writes big sizes compactly with about three significant digits', () => {
      assert.equal(formatSize(123456, 0), '123K');
      assert.equal(formatSize(1234567, 0), '1.23M');
      assert.equal(formatSize(45_600_000, 3), '45.6M');
      assert.equal(formatSize(4.5e9, 0), '4.50B');
      assert.equal(formatSize(-250_000, 0), '-250K');
      assert.equal(formatCompact(999_960), '1.00M', 'never "1000K"');
      assert.equal(formatCompact(9_996), '10.0K');
    });

    it('handles NaN and infinities', () => {
      assert.equal(formatSize(NaN, 3), MISSING);
      assert.equal(formatSize(Infinity, 3), '∞');
      assert.equal(formatSize(-Infinity, 3), '-∞');
    });

    it('infers decimals from the sizes, capped, ignoring float noise from sums', () => {
      assert.equal(sizeDecimals(Float64Array.from([1, 2.5, 0.125])), 3);
      assert.equal(sizeDecimals(Float64Array.from([0.1 + 0.2, 3])), 1);
      assert.equal(sizeDecimals(Float64Array.from([100, 2000])), 0);
      assert.equal(sizeDecimals(Float64Array.from([1 / 3])), 4, 'capped');
      assert.equal(sizeDecimals(Float64Array.from([NaN, 0, Infinity])), 0);
      assert.equal(sizeDecimals(Float64Array.from([1, 0.001]), 1), 0, 'only the first `count` values');
    });
  });

  describe('percentages and ticks', () => {
    it('signs percentages and never writes "+0.00%" or "-0.00%"', () => {
      assert.equal(formatSignedPercent(12.345), '+12.35%');
      assert.equal(formatSignedPercent(-3.2, 1), '-3.2%');
      assert.equal(formatSignedPercent(0.004), '0.00%');
      assert.equal(formatSignedPercent(-0.004), '0.00%');
      assert.equal(formatSignedPercent(NaN), MISSING);
      assert.equal(formatSignedPercent(Infinity), '∞%');
    });

    it('signs tick distances and keeps the half tick of an odd spread', () => {
      assert.equal(formatSignedTicks(3.5), '+3.5');
      assert.equal(formatSignedTicks(-2), '-2');
      assert.equal(formatSignedTicks(0), '0');
      assert.equal(formatSignedTicks(12000), '+12,000');
      assert.equal(formatSignedTicks(NaN), MISSING);
    });
  });

  describe('time', () => {
    it('writes HH:MM:SS.mmm', () => {
      const t = Date.UTC(2025, 0, 2, 3, 4, 5, 67);
      assert.equal(formatClock(t, true), '03:04:05.067');
      assert.match(formatClock(t), /^\d\d:\d\d:\d\d\.\d{3}$/);
      assert.equal(formatClock(NaN), MISSING);
    });
  });
});
