import type { BookLine } from '../marketEngine';
import { PriceScale } from '../book/priceScale';

/**
 * Renders a book line as a terminal ladder: asks above (best ask nearest the middle), the spread,
 * bids below, with bars scaled to the largest visible size. ANSI colours only when `colour` is set.
 */
export function renderLadder(line: BookLine, tickSize: number, colour: boolean, width = 24): string {
  const scale = new PriceScale(tickSize);
  const sizes = [...line.bids, ...line.asks].map(([, q]) => q);
  const maxQty = sizes.length > 0 ? Math.max(...sizes) : 0;
  const qtyDecimals = Math.min(6, Math.max(0, ...sizes.map(decimalsIn)));
  const red = colour ? '\x1b[31m' : '';
  const green = colour ? '\x1b[32m' : '';
  const dim = colour ? '\x1b[2m' : '';
  const reset = colour ? '\x1b[0m' : '';
  const priceWidth = Math.max(10, ...[...line.bids, ...line.asks].map(([p]) => scale.format(p).length));
  const bar = (q: number): string => '█'.repeat(maxQty > 0 ? Math.max(q > 0 ? 1 : 0, Math.round((q / maxQty) * width)) : 0);
  const out: string[] = [];
  out.push(`${line.symbol}  ${line.status.toUpperCase()}  update ${line.lastUpdateId}  ${line.eventTime ? new Date(line.eventTime).toISOString() : ''}`);
  out.push(`${'ASK SIZE'.padStart(12)}  ${'PRICE'.padStart(priceWidth)}  BID SIZE`);
  for (let i = line.asks.length - 1; i >= 0; i--) {
    const [p, q] = line.asks[i];
    out.push(`${red}${q.toFixed(qtyDecimals).padStart(12)}  ${scale.format(p).padStart(priceWidth)}${reset}  ${red}${dim}${bar(q)}${reset}`);
  }
  const bestBid = line.bids[0]?.[0];
  const bestAsk = line.asks[0]?.[0];
  if (bestBid !== undefined && bestAsk !== undefined) {
    const spread = scale.toPrice(scale.toTicks(bestAsk) - scale.toTicks(bestBid));
    out.push(`${dim}${'spread'.padStart(12)}  ${scale.format(spread).padStart(priceWidth)}  (${scale.toTicks(bestAsk) - scale.toTicks(bestBid)} ticks)${reset}`);
  } else {
    out.push(`${dim}${'(one side empty)'.padStart(12 + 2 + priceWidth)}${reset}`);
  }
  for (const [p, q] of line.bids) {
    out.push(`${' '.repeat(12)}  ${green}${scale.format(p).padStart(priceWidth)}  ${q.toFixed(qtyDecimals)}${reset} ${green}${dim}${bar(q)}${reset}`);
  }
  return out.join('\n');
}

function decimalsIn(x: number): number {
  const s = String(x);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}
