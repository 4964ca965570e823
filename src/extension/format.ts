import { PriceScale } from '../engine/book/priceScale';

const scales = new Map<number, PriceScale>();

function scaleFor(tickSize: number): PriceScale | undefined {
  if (!(tickSize > 0)) return undefined;
  let scale = scales.get(tickSize);
  if (!scale) {
    scale = new PriceScale(tickSize);
    scales.set(tickSize, scale);
  }
  return scale;
}

/** A price to the tick's decimals with thousands separators: 61659.7 → "61,659.7"; NaN → "—". */
export function formatPrice(price: number, tickSize: number): string {
  if (!Number.isFinite(price)) return '—';
  const scale = scaleFor(tickSize);
  const text = scale ? scale.format(price) : String(price);
  return groupThousands(text);
}

export function formatQty(qty: number): string {
  if (!Number.isFinite(qty)) return '—';
  return groupThousands(String(Number(qty.toPrecision(12))));
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatAge(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return 'never';
  if (ms < 1000) return `${Math.round(ms)} ms ago`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min ago`;
  return `${Math.round(ms / 3_600_000)} h ago`;
}

function groupThousands(text: string): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const whole = dot < 0 ? body : body.slice(0, dot);
  const fraction = dot < 0 ? '' : body.slice(dot);
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}
