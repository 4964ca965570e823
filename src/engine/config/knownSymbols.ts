/**
 * Tick sizes of common USDⓈ-M symbols, used only when exchangeInfo is not at hand (offline replay).
 * Live sessions always take the tick size from exchangeInfo.
 */
const KNOWN_TICK_SIZES: Readonly<Record<string, number>> = {
  BTCUSDT: 0.1,
  ETHUSDT: 0.01,
  BNBUSDT: 0.01,
  SOLUSDT: 0.01,
  XRPUSDT: 0.0001,
  DOGEUSDT: 0.00001,
  ADAUSDT: 0.0001,
  '1000PEPEUSDT': 0.0000001,
};

export function knownTickSize(symbol: string): number | undefined {
  return KNOWN_TICK_SIZES[symbol.toUpperCase()];
}

/**
 * Finest price step seen in the price fields of some frames: 10^-d for the most decimals used by any
 * price (trailing zeros ignored). Never coarser than the real tick, so keying by it is always exact.
 */
export function inferTickSize(texts: Iterable<string>): number | undefined {
  let decimals = -1;
  const pricePattern = /(?:\["|"[bap]":")(\d+)(?:\.(\d+))?"/g;
  for (const text of texts) {
    for (const match of text.matchAll(pricePattern)) {
      const fraction = (match[2] ?? '').replace(/0+$/, '');
      if (fraction.length > decimals) decimals = fraction.length;
    }
  }
  return decimals < 0 ? undefined : Number((10 ** -decimals).toFixed(decimals));
}

/**
 * Sizes that count as a large trade and as a wall, for the symbols whose markets we know; other
 * symbols get no signals rather than thresholds that would be noise or silence.
 */
const SIGNAL_THRESHOLDS: Readonly<Record<string, { largeTradeQty: number; wallQty: number }>> = {
  BTCUSDT: { largeTradeQty: 5, wallQty: 25 },
  ETHUSDT: { largeTradeQty: 100, wallQty: 500 },
  SOLUSDT: { largeTradeQty: 2000, wallQty: 10000 },
  BNBUSDT: { largeTradeQty: 200, wallQty: 1000 },
  DOGEUSDT: { largeTradeQty: 500_000, wallQty: 2_000_000 },
};

export function signalThresholds(symbol: string): { largeTradeQty: number; wallQty: number } | undefined {
  return SIGNAL_THRESHOLDS[symbol.toUpperCase()];
}
