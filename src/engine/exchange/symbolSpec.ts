import { PriceScale, decimalsOf } from '../book/priceScale';
import type { WireSymbolInfo } from '../protocol/binanceTypes';

/** What the exchange publishes about one symbol, and how it writes the symbol's prices and sizes. */
export interface SymbolSpec {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly prices: PriceScale;
  readonly quantities: PriceScale;
  /** Decimals written in price strings (at least the tick's). */
  readonly priceDecimals: number;
  readonly quantityDecimals: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly minQty: number;
  readonly maxQty: number;
}

export interface SymbolSpecInit {
  symbol: string;
  tickSize: number;
  stepSize: number;
  /** Written decimals; a recording may write more than the tick needs (BTCUSDT "61800.20"). */
  priceDecimals?: number;
  quantityDecimals?: number;
  minPrice?: number;
  maxPrice?: number;
  minQty?: number;
  maxQty?: number;
}

export function makeSymbolSpec(init: SymbolSpecInit): SymbolSpec {
  const prices = new PriceScale(init.tickSize);
  const quantities = new PriceScale(init.stepSize);
  return {
    symbol: init.symbol,
    baseAsset: baseAssetOf(init.symbol),
    quoteAsset: 'USDT',
    prices,
    quantities,
    priceDecimals: Math.max(prices.decimals, init.priceDecimals ?? 0),
    quantityDecimals: Math.max(quantities.decimals, init.quantityDecimals ?? 0),
    minPrice: init.minPrice ?? prices.tickSize,
    maxPrice: init.maxPrice ?? 1_000_000,
    minQty: init.minQty ?? quantities.tickSize,
    maxQty: init.maxQty ?? 1_000_000,
  };
}

/** Price of a whole number of ticks as the wire writes it; exact because PriceScale converts. */
export function ticksText(spec: SymbolSpec, ticks: number): string {
  return spec.prices.toPrice(ticks).toFixed(spec.priceDecimals);
}

/** Quantity of a whole number of lots (steps) as the wire writes it. */
export function lotsText(spec: SymbolSpec, lots: number): string {
  return spec.quantities.toPrice(lots).toFixed(spec.quantityDecimals);
}

export function priceText(spec: SymbolSpec, price: number): string {
  return price.toFixed(spec.priceDecimals);
}

export function qtyText(spec: SymbolSpec, qty: number): string {
  return qty.toFixed(spec.quantityDecimals);
}

/** The symbol's entry in `GET /fapi/v1/exchangeInfo`. */
export function symbolInfo(spec: SymbolSpec): WireSymbolInfo {
  const tick = spec.prices.tickSize;
  const step = spec.quantities.tickSize;
  return {
    symbol: spec.symbol,
    pair: spec.symbol,
    contractType: 'PERPETUAL',
    status: 'TRADING',
    baseAsset: spec.baseAsset,
    quoteAsset: spec.quoteAsset,
    pricePrecision: spec.priceDecimals,
    quantityPrecision: spec.quantityDecimals,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        tickSize: tick.toFixed(decimalsOf(tick)),
        minPrice: priceText(spec, spec.minPrice),
        maxPrice: priceText(spec, spec.maxPrice),
      },
      {
        filterType: 'LOT_SIZE',
        stepSize: step.toFixed(decimalsOf(step)),
        minQty: qtyText(spec, spec.minQty),
        maxQty: qtyText(spec, spec.maxQty),
      },
    ],
  };
}

function baseAssetOf(symbol: string): string {
  for (const quote of ['USDT', 'USDC', 'BUSD']) {
    if (symbol.length > quote.length && symbol.endsWith(quote)) return symbol.slice(0, -quote.length);
  }
  return symbol;
}
