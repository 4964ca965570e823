/**
 * Parses the decimal strings Binance uses for prices and quantities straight out of a larger string,
 * without taking a substring. Up to 15 significant digits the mantissa is an exact integer and one
 * division by an exact power of ten is correctly rounded, so the result is bit-for-bit what
 * `parseFloat` returns; longer inputs take `Number()` on the slice.
 *
 * Only the plain form Binance writes is a number here: `-`? digits, optionally `.` and digits. An
 * exponent (`6.00001e4`, `1e308`, `1e-400`), a leading zero (`0060000.1`), a bare dot (`.5`, `5.`) or
 * anything else is NaN: a server that writes numbers some other way is not to be trusted with them.
 */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;

/** Number written in `text[start, end)`, or NaN when it is not a plain finite decimal. */
export function parseDecimal(text: string, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let negative = false;
  if (text.charCodeAt(i) === MINUS) {
    negative = true;
    i++;
    if (i === end) return NaN;
  }
  const first = i;
  if (text.charCodeAt(first) === ZERO && first + 1 < end && text.charCodeAt(first + 1) !== DOT) return NaN;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++;
      if (fraction >= 0) fraction++;
    } else if (c === DOT && fraction < 0 && i > first) {
      fraction = 0;
    } else {
      return NaN;
    }
  }
  if (fraction === 0) return NaN;
  if (digits > 15 || fraction > 22) {
    const value = Number(text.slice(start, end));
    return Number.isFinite(value) ? value : NaN;
  }
  const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -value : value;
}
