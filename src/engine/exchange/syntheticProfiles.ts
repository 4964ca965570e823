import { makeSymbolSpec, type SymbolSpec } from './symbolSpec';

/** How one synthetic symbol looks and moves. */
export interface SyntheticProfile {
  readonly spec: SymbolSpec;
  readonly startPrice: number;
  /** Standard deviation of one day's return (0.02 = 2 %). */
  readonly dailyVolatility: number;
  /** Typical size resting at the touch, in base units. */
  readonly touchQty: number;
}

interface ProfileRow {
  startPrice: number;
  tickSize: number;
  stepSize: number;
  dailyVolatility: number;
  touchQty: number;
  minPrice: number;
  maxPrice: number;
  maxQty: number;
}

// Tick and step sizes are Binance's USDⓈ-M filters; prices and sizes are typical of 2024–2026.
const PROFILES: Readonly<Record<string, ProfileRow>> = {
  BTCUSDT: { startPrice: 60000, tickSize: 0.1, stepSize: 0.001, dailyVolatility: 0.02, touchQty: 1.5, minPrice: 261.1, maxPrice: 809484, maxQty: 1000 },
  ETHUSDT: { startPrice: 3000, tickSize: 0.01, stepSize: 0.001, dailyVolatility: 0.03, touchQty: 20, minPrice: 39.86, maxPrice: 306177, maxQty: 10000 },
  DOGEUSDT: { startPrice: 0.15, tickSize: 0.00001, stepSize: 1, dailyVolatility: 0.04, touchQty: 60000, minPrice: 0.00244, maxPrice: 30, maxQty: 50_000_000 },
  SOLUSDT: { startPrice: 150, tickSize: 0.01, stepSize: 1, dailyVolatility: 0.04, touchQty: 300, minPrice: 0.42, maxPrice: 6857, maxQty: 1_000_000 },
  BNBUSDT: { startPrice: 580, tickSize: 0.01, stepSize: 0.01, dailyVolatility: 0.03, touchQty: 40, minPrice: 6.6, maxPrice: 100000, maxQty: 100000 },
  XRPUSDT: { startPrice: 0.6, tickSize: 0.0001, stepSize: 0.1, dailyVolatility: 0.04, touchQty: 40000, minPrice: 0.0143, maxPrice: 100000, maxQty: 10_000_000 },
};

const GENERIC: ProfileRow = {
  startPrice: 100,
  tickSize: 0.01,
  stepSize: 0.01,
  dailyVolatility: 0.04,
  touchQty: 500,
  minPrice: 0.01,
  maxPrice: 100000,
  maxQty: 1_000_000,
};

export const DEFAULT_SYNTHETIC_SYMBOLS: readonly string[] = ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT'];

/** The profile of a symbol; symbols without one trade around 100 with a 0.01 tick. */
export function syntheticProfile(symbol: string): SyntheticProfile {
  const name = symbol.toUpperCase();
  if (!/^[A-Z0-9]{2,20}$/.test(name)) throw new RangeError(`'${symbol}' is not a symbol name (letters and digits, e.g. BTCUSDT)`);
  const row = PROFILES[name] ?? GENERIC;
  return {
    spec: makeSymbolSpec({
      symbol: name,
      tickSize: row.tickSize,
      stepSize: row.stepSize,
      minPrice: row.minPrice,
      maxPrice: row.maxPrice,
      minQty: row.stepSize,
      maxQty: row.maxQty,
    }),
    startPrice: row.startPrice,
    dailyVolatility: row.dailyVolatility,
    touchQty: row.touchQty,
  };
}
