import type { WireExchangeInfo } from '../protocol/binanceTypes';
import { decimalsOf } from '../book/priceScale';

/** What the engine needs to know about a symbol, from exchangeInfo. */
export interface SymbolInfo {
  readonly symbol: string;
  readonly status: string;
  /** The price step; 0 when `tickProblem` says why it cannot be used. */
  readonly tickSize: number;
  readonly stepSize: number;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly contractType: string;
  /** Why this symbol's tick size cannot hold its prices exactly, in words; undefined when it can. */
  readonly tickProblem?: string;
}

/** Decimals of the finest tick FlowSight accepts (Binance's finest USDⓈ-M tick has 7). */
export const MAX_TICK_DECIMALS = 9;
/**
 * Most ticks a price may be: up to 15 significant digits a decimal is held exactly by a double, so a
 * price of at most this many ticks converts to ticks and back without error.
 */
export const MAX_TICKS_PER_PRICE = 1e15;

/**
 * Parses exchangeInfo into symbols by name. A symbol whose PRICE_FILTER is missing or whose tick size
 * cannot be used is kept with a `tickProblem`, so asking for it says what is wrong instead of
 * reading as "unknown symbol".
 */
export function parseExchangeInfo(info: unknown): Map<string, SymbolInfo> {
  const out = new Map<string, SymbolInfo>();
  const symbols = (info as Partial<WireExchangeInfo> | null)?.symbols;
  if (!Array.isArray(symbols)) throw new Error('exchangeInfo has no symbols list');
  for (const s of symbols) {
    if (typeof s?.symbol !== 'string' || s.symbol === '' || !Array.isArray(s.filters)) continue;
    const price = s.filters.find((f) => f?.filterType === 'PRICE_FILTER');
    const lot = s.filters.find((f) => f?.filterType === 'LOT_SIZE');
    const stepSize = Number(lot?.stepSize);
    const tick = checkTickSize(s.symbol, price);
    out.set(s.symbol, {
      symbol: s.symbol,
      status: String(s.status ?? 'UNKNOWN'),
      tickSize: tick.problem === undefined ? tick.tickSize : 0,
      stepSize: stepSize > 0 && Number.isFinite(stepSize) ? stepSize : 0,
      baseAsset: String(s.baseAsset ?? ''),
      quoteAsset: String(s.quoteAsset ?? ''),
      contractType: String(s.contractType ?? ''),
      ...(tick.problem === undefined ? {} : { tickProblem: tick.problem }),
    });
  }
  return out;
}

/** The tick size of a PRICE_FILTER, or why it cannot represent the symbol's prices exactly as integer ticks. */
export function checkTickSize(symbol: string, filter: { tickSize?: unknown; maxPrice?: unknown } | undefined): { tickSize: number; problem?: string } {
  if (filter === undefined) return { tickSize: 0, problem: `exchangeInfo lists no PRICE_FILTER for ${symbol}, so its prices have no known tick size` };
  const text = typeof filter.tickSize === 'string' || typeof filter.tickSize === 'number' ? String(filter.tickSize) : '';
  const tickSize = Number(filter.tickSize);
  if (text === '' || !Number.isFinite(tickSize) || !(tickSize > 0)) {
    return { tickSize: 0, problem: `exchangeInfo gives ${symbol} the tick size ${JSON.stringify(filter.tickSize ?? null)}, which is not a positive number` };
  }
  const decimals = decimalsOf(tickSize);
  const scaled = tickSize * 10 ** decimals;
  if (decimals > MAX_TICK_DECIMALS || Math.abs(scaled - Math.round(scaled)) > 1e-9 * scaled) {
    return { tickSize: 0, problem: `exchangeInfo gives ${symbol} the tick size ${text}, finer than ${MAX_TICK_DECIMALS} decimals: prices cannot be held exactly as whole ticks at that scale` };
  }
  const maxPrice = Number(filter.maxPrice);
  if (maxPrice > 0 && Number.isFinite(maxPrice) && maxPrice / tickSize > MAX_TICKS_PER_PRICE) {
    return {
      tickSize: 0,
      problem: `exchangeInfo gives ${symbol} the tick size ${text} with prices up to ${filter.maxPrice as string}: that is ${(maxPrice / tickSize).toExponential(1)} ticks, more than can be held exactly (${MAX_TICKS_PER_PRICE.toExponential(0)})`,
    };
  }
  return { tickSize };
}
