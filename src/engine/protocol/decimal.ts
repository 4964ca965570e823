/**
 * Parses the decimal strings Binance uses for prices and quantities straight out of a larger string,
 * without taking a substring. Up to 15 significant digits the mantissa is an exact integer and one
 * division by an exact power of ten is correctly rounded, so the result is bit-for-bit what
 * `parseFloat` returns; longer or unusual inputs take `Number()` on the slice.
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
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++;
      if (fraction >= 0) fraction++;
    } else if (c === DOT && fraction < 0) {
      fraction = 0;
    } else {
      return slowParse(text, start, end);
    }
  }
  if (fraction === 0 && end - start === 1) return NaN;
  if (digits > 15 || fraction > 22) return slowParse(text, start, end);
  const value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -value : value;
}

function slowParse(text: string, start: number, end: number): number {
  const slice = text.slice(start, end);
  // Number('') is 0 and Number(' 1') is 1: only accept what JSON would call a number.
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(slice)) return NaN;
  const value = Number(slice);
  return Number.isFinite(value) ? value : NaN;
}
