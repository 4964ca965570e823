import type { WireExchangeInfo } from '../protocol/binanceTypes';

/** What the engine needs to know about a symbol, from exchangeInfo. */
export interface SymbolInfo {
  readonly symbol: string;
  readonly status: string;
  readonly tickSize: number;
  readonly stepSize: number;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly contractType: string;
}

/** Parses exchangeInfo into symbols by name; symbols without a usable PRICE_FILTER are left out. */
export function parseExchangeInfo(info: unknown): Map<string, SymbolInfo> {
  const out = new Map<string, SymbolInfo>();
  const symbols = (info as Partial<WireExchangeInfo> | null)?.symbols;
  if (!Array.isArray(symbols)) throw new Error('exchangeInfo has no symbols list');
  for (const s of symbols) {
    if (typeof s?.symbol !== 'string' || !Array.isArray(s.filters)) continue;
    const price = s.filters.find((f) => f.filterType === 'PRICE_FILTER');
    const lot = s.filters.find((f) => f.filterType === 'LOT_SIZE');
    const tickSize = Number(price?.tickSize);
    const stepSize = Number(lot?.stepSize);
    if (!(tickSize > 0)) continue;
    out.set(s.symbol, {
      symbol: s.symbol,
      status: String(s.status ?? 'UNKNOWN'),
      tickSize,
      stepSize: stepSize > 0 ? stepSize : 0,
      baseAsset: String(s.baseAsset ?? ''),
      quoteAsset: String(s.quoteAsset ?? ''),
      contractType: String(s.contractType ?? ''),
    });
  }
  return out;
}
