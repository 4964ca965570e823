import { decimalsOf, PriceScale } from '../src/engine/book/priceScale';
import { withThousands } from '../src/shared/thousands';

/**
 * Text for the numbers the ladder, tape and header show. Pure (no DOM), locale-independent (a
 * ladder column must not change width with the user's locale), and total: NaN and infinities get a
 * placeholder rather than "NaN" in a price column.
 */

/** Shown where a number is missing (NaN), e.g. the spread of a one-sided book. */
export const MISSING = '—';

/** Sizes at or above this are written compactly (123K, 1.23M) so the size columns stay narrow. */
export const COMPACT_FROM = 100_000;

function nonFinite(value: number): string | null {
  if (Number.isNaN(value)) return MISSING;
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  return null;
}

/** toFixed without a "-0.00" for values that round to zero. */
function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A price with exactly the tick's decimals and thousands separators: 61659.7 → "61,659.7". */
export function formatPrice(price: number, scale: PriceScale): string {
  return nonFinite(price) ?? withThousands(fixed(price, scale.decimals));
}

/**
 * A size: fixed `decimals` with separators below COMPACT_FROM, compact above (523K, 1.23M, 4.5B),
 * keeping about three significant digits so a column never grows past ~7 characters.
 */
export function formatSize(qty: number, decimals: number): string {
  const bad = nonFinite(qty);
  if (bad !== null) return bad;
  const magnitude = Math.abs(qty);
  if (magnitude < COMPACT_FROM) return withThousands(fixed(qty, decimals));
  return formatCompact(qty);
}

/** 123456 → "123K", 1234567 → "1.23M", 4.5e9 → "4.50B". */
export function formatCompact(value: number): string {
  const bad = nonFinite(value);
  if (bad !== null) return bad;
  const magnitude = Math.abs(value);
  // A unit's range ends where its rounded value would reach 1000 (999,960 is "1.00M", not "1000K").
  const [divisor, unit] =
    magnitude >= 999.5e6 ? [1e9, 'B'] : magnitude >= 999.5e3 ? [1e6, 'M'] : magnitude >= 1e3 ? [1e3, 'K'] : [1, ''];
  const scaled = value / divisor;
  const abs = Math.abs(scaled);
  const decimals = unit === '' ? 0 : abs < 9.995 ? 2 : abs < 99.95 ? 1 : 0;
  return fixed(scaled, decimals) + unit;
}

/** A percentage with an explicit sign: 12.345 → "+12.35%", -0.004 → "0.00%". */
export function formatSignedPercent(percent: number, decimals = 2): string {
  const bad = nonFinite(percent);
  if (bad !== null) return bad === MISSING ? MISSING : bad + '%';
  const text = fixed(percent, decimals);
  return (percent > 0 && !/^0(\.0*)?$/.test(text) ? '+' : '') + text + '%';
}

/** A signed number of ticks, halves kept (the mid sits between two ticks): 3.5 → "+3.5", -2 → "-2". */
export function formatSignedTicks(ticks: number): string {
  const bad = nonFinite(ticks);
  if (bad !== null) return bad;
  const rounded = Math.round(ticks * 2) / 2;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  const plain = text === '-0' ? '0' : text;
  return (rounded > 0 ? '+' : '') + withThousands(plain);
}

/** Wall-clock time as HH:MM:SS.mmm (local time unless `utc`). */
export function formatClock(epochMs: number, utc = false): string {
  if (!Number.isFinite(epochMs)) return MISSING;
  const d = new Date(epochMs);
  const h = utc ? d.getUTCHours() : d.getHours();
  const m = utc ? d.getUTCMinutes() : d.getMinutes();
  const s = utc ? d.getUTCSeconds() : d.getSeconds();
  const ms = utc ? d.getUTCMilliseconds() : d.getMilliseconds();
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(ms).padStart(3, '0')}`;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * Decimals that write every given size exactly, at most `max` — a stand-in for the symbol's
 * quantity step, which the protocol does not carry. One value per snapshot keeps a column's decimals
 * steady instead of varying row by row. Stops early once `max` is reached.
 */
export function sizeDecimals(values: ArrayLike<number>, count = values.length, max = 4): number {
  let decimals = 0;
  const n = Math.min(count, values.length);
  for (let i = 0; i < n && decimals < max; i++) {
    const v = values[i];
    if (v === 0 || !Number.isFinite(v)) continue;
    const d = decimalsOf(Math.abs(v));
    if (d > decimals) decimals = Math.min(d, max);
  }
  return decimals;
}
