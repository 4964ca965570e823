/** FlowSight's settings and their rules, without VS Code: testable in plain Node. */
import { DEFAULT_REST_URL, DEFAULT_STREAM_URL } from '../engine/protocol/streams';
import { checkEngineSetting, ConfigError, type EngineConfig, type EngineConfigKey } from '../engine/config/engineConfig';

/** FlowSight's settings, validated. */
export interface FlowSightSettings {
  readonly symbol: string;
  readonly feed: 'binance' | 'demo';
  readonly streamUrl: string;
  readonly restUrl: string;
  readonly depthMode: 'full' | 'depth20';
  readonly priceGrouping: 'auto' | number;
  readonly maxVisibleRows: number;
  readonly refreshIntervalMs: number;
  readonly bufferSize: number;
  readonly maxReconnectAttempts: number;
  readonly statusBarEnabled: boolean;
  readonly openPanelOnStartup: boolean;
}

export const DEFAULT_SETTINGS: FlowSightSettings = {
  symbol: 'BTCUSDT',
  feed: 'binance',
  streamUrl: DEFAULT_STREAM_URL,
  restUrl: DEFAULT_REST_URL,
  depthMode: 'full',
  priceGrouping: 'auto',
  maxVisibleRows: 3000,
  refreshIntervalMs: 100,
  bufferSize: 65536,
  maxReconnectAttempts: 5,
  statusBarEnabled: true,
  openPanelOnStartup: false,
};

export const SECTION = 'flowsight';

type Check<T> = (value: unknown) => { ok: true; value: T } | { ok: false; allowed: string };

const oneOf =
  <T extends string>(...choices: T[]): Check<T> =>
  (v) =>
    typeof v === 'string' && (choices as string[]).includes(v) ? { ok: true, value: v as T } : { ok: false, allowed: choices.map((c) => `"${c}"`).join(' or ') };

/** The settings the engine's own configuration defines are checked by the engine's rules. */
const engine =
  <K extends EngineConfigKey>(key: K, prepare: (v: unknown) => unknown = (v) => v): Check<EngineConfig[K]> =>
  (v) => {
    try {
      return { ok: true, value: checkEngineSetting(key, prepare(v)) };
    } catch (err) {
      if (err instanceof ConfigError) return { ok: false, allowed: err.allowed };
      throw err;
    }
  };

const integer =
  (min: number, max: number): Check<number> =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? { ok: true, value: v } : { ok: false, allowed: `a whole number from ${min} to ${max}` };

const url =
  (...protocols: string[]): Check<string> =>
  (v) => {
    if (typeof v !== 'string') return { ok: false, allowed: `a ${protocols.join('/')} URL` };
    try {
      const parsed = new URL(v);
      if (protocols.includes(parsed.protocol)) return { ok: true, value: v.replace(/\/+$/, '') };
    } catch {
      // Falls through to the refusal below.
    }
    return { ok: false, allowed: `a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL such as ${protocols[0]}//host:port` };
  };

const CHECKS: { [K in keyof FlowSightSettings]: { key: string; check: Check<FlowSightSettings[K]> } } = {
  symbol: { key: 'symbol', check: engine('symbol') },
  feed: { key: 'feed', check: oneOf('binance', 'demo') },
  streamUrl: { key: 'streamUrl', check: url('wss:', 'ws:') },
  restUrl: { key: 'restUrl', check: url('https:', 'http:') },
  depthMode: { key: 'depthMode', check: engine('depthMode') },
  // The settings editor writes numbers as text ("10"): accept that spelling too.
  priceGrouping: { key: 'priceGrouping', check: engine('priceGrouping', (v) => (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v)) },
  maxVisibleRows: { key: 'maxVisibleRows', check: engine('maxVisibleRows') },
  refreshIntervalMs: { key: 'refreshIntervalMs', check: integer(16, 2000) },
  bufferSize: { key: 'bufferSize', check: engine('eventBufferSize') },
  maxReconnectAttempts: { key: 'maxReconnectAttempts', check: engine('maxReconnectAttempts') },
  statusBarEnabled: { key: 'statusBar.enabled', check: (v) => (typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, allowed: 'true or false' }) },
  openPanelOnStartup: { key: 'openPanelOnStartup', check: (v) => (typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, allowed: 'true or false' }) },
};

export interface SettingsProblem {
  readonly setting: string;
  readonly message: string;
}

/**
 * Reads and validates every setting. A bad value is reported (naming the setting and what is
 * allowed) and the last good value stays in force, so one typo never takes the feed down.
 */
export function readSettings(
  read: (key: string) => unknown,
  lastGood: FlowSightSettings,
): { settings: FlowSightSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(CHECKS) as Array<keyof FlowSightSettings>) {
    const { key, check } = CHECKS[name];
    const raw = read(key);
    if (raw === undefined) {
      out[name] = DEFAULT_SETTINGS[name];
      continue;
    }
    const result = check(raw);
    if (result.ok) out[name] = result.value;
    else {
      out[name] = lastGood[name];
      problems.push({
        setting: `${SECTION}.${key}`,
        message: `${SECTION}.${key}: ${JSON.stringify(raw)} is not allowed — use ${result.allowed}. Keeping ${JSON.stringify(lastGood[name])}.`,
      });
    }
  }
  return { settings: out as unknown as FlowSightSettings, problems };
}
