/**
 * Engine configuration: one validated, frozen object. Values come either from code (the builder,
 * which throws on the first bad value) or from untrusted sources such as user settings
 * (`validateEngineConfig`, which reports every bad value and keeps the last good one in force).
 */

export type PriceGrouping = 'auto' | number;
export type DepthMode = 'full' | 'depth20';

export interface EngineConfig {
  /** USDⓈ-M symbol, upper case, e.g. BTCUSDT, 1000PEPEUSDT, BTCUSDT_250328. */
  readonly symbol: string;
  /** Capacity of the event ring; a power of two so the ring can index with a mask. */
  readonly eventBufferSize: number;
  readonly maxReconnectAttempts: number;
  readonly maxVisibleRows: number;
  /** Price bucket size for the ladder, or 'auto' to derive it from the tick size. */
  readonly priceGrouping: PriceGrouping;
  /** 'full' keeps a local book from the diff stream; 'depth20' shows the top-20 partial stream. */
  readonly depthMode: DepthMode;
}

export type EngineConfigKey = keyof EngineConfig;

export const EVENT_BUFFER_SIZE_MIN = 1024;
export const EVENT_BUFFER_SIZE_MAX = 1048576;
export const MAX_RECONNECT_ATTEMPTS_MIN = 0;
export const MAX_RECONNECT_ATTEMPTS_MAX = 100;
export const MAX_VISIBLE_ROWS_MIN = 20;
export const MAX_VISIBLE_ROWS_MAX = 10000;

export const DEFAULT_ENGINE_CONFIG: EngineConfig = Object.freeze({
  symbol: 'BTCUSDT',
  eventBufferSize: 65536,
  maxReconnectAttempts: 5,
  maxVisibleRows: 3000,
  priceGrouping: 'auto',
  depthMode: 'full',
});

/** A rejected setting; `allowed` is phrased to follow "use …" in the message. */
export class ConfigError extends Error {
  readonly setting: EngineConfigKey;
  readonly value: unknown;
  readonly allowed: string;

  constructor(setting: EngineConfigKey, value: unknown, allowed: string) {
    super(`${setting}: ${describeValue(value)} is not allowed — use ${allowed}`);
    this.name = 'ConfigError';
    this.setting = setting;
    this.value = value;
    this.allowed = allowed;
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

const SYMBOL_PATTERN = /^[A-Z0-9_]{2,40}$/;
const HAS_LETTER = /[A-Z]/;

type Validator<K extends EngineConfigKey> = (value: unknown) => EngineConfig[K];

function integerIn(setting: EngineConfigKey, min: number, max: number): (value: unknown) => number {
  const allowed = `a whole number from ${min} to ${max}`;
  return (value) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    throw new ConfigError(setting, value, allowed);
  };
}

const VALIDATORS: { readonly [K in EngineConfigKey]: Validator<K> } = {
  symbol: (value) => {
    const symbol = typeof value === 'string' ? value.trim().toUpperCase() : '';
    if (SYMBOL_PATTERN.test(symbol) && HAS_LETTER.test(symbol)) return symbol;
    throw new ConfigError(
      'symbol',
      value,
      '2 to 40 letters, digits or underscores with at least one letter, e.g. BTCUSDT',
    );
  },
  eventBufferSize: (value) => {
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      value >= EVENT_BUFFER_SIZE_MIN &&
      value <= EVENT_BUFFER_SIZE_MAX &&
      (value & (value - 1)) === 0
    ) {
      return value;
    }
    throw new ConfigError(
      'eventBufferSize',
      value,
      `a power of two from ${EVENT_BUFFER_SIZE_MIN} to ${EVENT_BUFFER_SIZE_MAX}`,
    );
  },
  maxReconnectAttempts: integerIn('maxReconnectAttempts', MAX_RECONNECT_ATTEMPTS_MIN, MAX_RECONNECT_ATTEMPTS_MAX),
  maxVisibleRows: integerIn('maxVisibleRows', MAX_VISIBLE_ROWS_MIN, MAX_VISIBLE_ROWS_MAX),
  priceGrouping: (value) => {
    if (value === 'auto') return value;
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
    throw new ConfigError('priceGrouping', value, '"auto" or a positive number');
  },
  depthMode: (value) => {
    if (value === 'full' || value === 'depth20') return value;
    throw new ConfigError('depthMode', value, '"full" or "depth20"');
  },
};

/** Validates one setting: the value in force, or a ConfigError naming the setting and what is allowed. */
export function checkEngineSetting<K extends EngineConfigKey>(key: K, value: unknown): EngineConfig[K] {
  return VALIDATORS[key](value);
}

const CONFIG_KEYS = Object.keys(DEFAULT_ENGINE_CONFIG) as EngineConfigKey[];

type MutableConfig = { -readonly [K in EngineConfigKey]: EngineConfig[K] };

/** Copies only the known settings, so stray properties on a passed-in object never leak through. */
function copyConfig(source: EngineConfig): MutableConfig {
  return {
    symbol: source.symbol,
    eventBufferSize: source.eventBufferSize,
    maxReconnectAttempts: source.maxReconnectAttempts,
    maxVisibleRows: source.maxVisibleRows,
    priceGrouping: source.priceGrouping,
    depthMode: source.depthMode,
  };
}

/** Fluent construction from code; every setter validates at once and throws ConfigError. */
export class EngineConfigBuilder {
  private readonly draft: MutableConfig;

  constructor(base: EngineConfig = DEFAULT_ENGINE_CONFIG) {
    this.draft = copyConfig(base);
  }

  symbol(symbol: string): this {
    return this.set('symbol', symbol);
  }

  eventBufferSize(size: number): this {
    return this.set('eventBufferSize', size);
  }

  maxReconnectAttempts(attempts: number): this {
    return this.set('maxReconnectAttempts', attempts);
  }

  maxVisibleRows(rows: number): this {
    return this.set('maxVisibleRows', rows);
  }

  priceGrouping(grouping: PriceGrouping): this {
    return this.set('priceGrouping', grouping);
  }

  depthMode(mode: DepthMode): this {
    return this.set('depthMode', mode);
  }

  /** A frozen snapshot; the builder can keep being used without affecting it. */
  build(): EngineConfig {
    return Object.freeze(copyConfig(this.draft));
  }

  private set<K extends EngineConfigKey>(key: K, value: unknown): this {
    this.draft[key] = VALIDATORS[key](value);
    return this;
  }
}

export interface ValidatedEngineConfig {
  readonly config: EngineConfig;
  readonly errors: ConfigError[];
}

/**
 * Checks untrusted input (e.g. user settings) setting by setting. Missing settings take the
 * fallback's value silently; bad ones are reported and also take the fallback's value, so passing
 * the config currently in force keeps the last good value instead of snapping back to defaults.
 * Unknown keys are ignored.
 */
export function validateEngineConfig(
  input: Partial<Record<EngineConfigKey, unknown>>,
  fallback: EngineConfig = DEFAULT_ENGINE_CONFIG,
): ValidatedEngineConfig {
  const source: Partial<Record<EngineConfigKey, unknown>> =
    typeof input === 'object' && input !== null ? input : {};
  const config = copyConfig(fallback);
  const errors: ConfigError[] = [];
  const apply = <K extends EngineConfigKey>(key: K): void => {
    const value = source[key];
    if (value === undefined) return;
    try {
      config[key] = VALIDATORS[key](value);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  };
  for (const key of CONFIG_KEYS) apply(key);
  return { config: Object.freeze(config), errors };
}
