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

/** A refusal says what is allowed; `shown` replaces the value in the message when it holds a secret. */
type Check<T> = (value: unknown) => { ok: true; value: T } | { ok: false; allowed: string; shown?: string };

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

/** A host name as DNS spells it, an IPv4 address, or a bracketed IPv6 address. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

/**
 * A base URL FlowSight appends its paths to: one of `protocols`, a real host, and nothing a URL can
 * smuggle besides — credentials would be sent to whoever the host is, a query or fragment would be
 * mangled by the paths appended after it.
 */
const url =
  (...protocols: string[]): Check<string> =>
  (v) => {
    const names = protocols.map((p) => p.replace(':', '')).join(' or ');
    const example = protocols[0] === 'wss:' ? 'wss://fstream.binance.com' : 'https://fapi.binance.com';
    const refuse = (why: string, shown?: string): { ok: false; allowed: string; shown?: string } => ({ ok: false, allowed: `a ${names} URL such as ${example}${why}`, shown });
    if (typeof v !== 'string') return refuse('');
    const text = v.trim();
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return refuse('');
    }
    if (!protocols.includes(parsed.protocol)) return refuse('');
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = parsed.username ? '***' : '';
      parsed.password = parsed.password ? '***' : '';
      return refuse(', without a user name or password', JSON.stringify(parsed.href));
    }
    if (/[?#]/.test(text)) return refuse(', without a query (?…) or fragment (#…)');
    if (!HOST.test(parsed.hostname) || !text.toLowerCase().startsWith(`${parsed.protocol}//`)) return refuse(', with a host name or address after //');
    return { ok: true, value: text.replace(/\/+$/, '') };
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

/** Where a setting's value was written; `workspace` is the workspace folder's or the workspace's value. */
export interface SettingSources {
  readonly user?: unknown;
  readonly workspace?: unknown;
}

/**
 * Settings that say where market data comes from. A repository's `.vscode/settings.json` must never
 * point FlowSight at another server, so only the user's (or the remote machine's) value counts, even
 * if VS Code were to pass a workspace value on despite the manifest's `machine` scope.
 */
export const USER_ONLY_SETTINGS: ReadonlySet<keyof FlowSightSettings> = new Set(['feed', 'streamUrl', 'restUrl']);

export interface ReadOptions {
  /**
   * Keep the symbol in force and hand back what was typed (`symbolInput`): a symbol is applied only
   * once typing has settled and the exchange lists it (see symbolChange.ts).
   */
  readonly deferSymbol?: boolean;
}

export interface ReadResult {
  readonly settings: FlowSightSettings;
  readonly problems: SettingsProblem[];
  /** The symbol as written, when deferred (undefined: not set, so the default). */
  readonly symbolInput?: unknown;
}

/**
 * Reads and validates every setting. A bad value is reported (naming the setting and what is
 * allowed) and the last good value stays in force, so one typo never takes the feed down. A
 * workspace value of a user-only setting is ignored and reported.
 */
export function readSettings(read: (key: string) => SettingSources, lastGood: FlowSightSettings, options: ReadOptions = {}): ReadResult {
  const problems: SettingsProblem[] = [];
  const out: Record<string, unknown> = {};
  let symbolInput: unknown;
  for (const name of Object.keys(CHECKS) as Array<keyof FlowSightSettings>) {
    const { key, check } = CHECKS[name];
    const sources = read(key);
    const userOnly = USER_ONLY_SETTINGS.has(name);
    const raw = userOnly ? sources.user : (sources.workspace ?? sources.user);
    if (name === 'symbol' && options.deferSymbol) {
      symbolInput = raw;
      out[name] = lastGood[name];
      continue;
    }
    if (raw === undefined) out[name] = DEFAULT_SETTINGS[name];
    else {
      const result = check(raw);
      if (result.ok) out[name] = result.value;
      else {
        out[name] = lastGood[name];
        problems.push({
          setting: `${SECTION}.${key}`,
          message: `${SECTION}.${key}: ${result.shown ?? JSON.stringify(raw)} is not allowed — use ${result.allowed}. Keeping ${JSON.stringify(lastGood[name])}.`,
        });
      }
    }
    if (userOnly && sources.workspace !== undefined && !sameValue(check, sources.workspace, out[name])) {
      problems.push({
        setting: `${SECTION}.${key}`,
        message: `${SECTION}.${key}: this workspace's settings ask for ${describeIgnored(check, sources.workspace)}; ignored, because where market data comes from is taken from your user settings only. Using ${JSON.stringify(out[name])}.`,
      });
    }
  }
  return { settings: out as unknown as FlowSightSettings, problems, ...(options.deferSymbol ? { symbolInput } : {}) };
}

/**
 * Checks a symbol as written against the pattern a futures symbol has; the message names the
 * setting and keeps `current`, as every other refusal does.
 */
export function checkSymbolInput(input: unknown, current: string): { ok: true; symbol: string } | { ok: false; message: string } {
  if (input === undefined) return { ok: true, symbol: DEFAULT_SETTINGS.symbol };
  const result = CHECKS.symbol.check(input);
  if (result.ok) return { ok: true, symbol: result.value };
  return { ok: false, message: `${SECTION}.symbol: ${JSON.stringify(input)} is not allowed — use ${result.allowed}. Keeping ${JSON.stringify(current)}.` };
}

/** A workspace value that, once checked, equals the value in force redirects nothing. */
function sameValue(check: Check<unknown>, value: unknown, inForce: unknown): boolean {
  const result = check(value);
  return result.ok && result.value === inForce;
}

/** The ignored workspace value, with any credentials in it masked. */
function describeIgnored(check: Check<unknown>, value: unknown): string {
  const result = check(value);
  return !result.ok && result.shown !== undefined ? result.shown : JSON.stringify(value);
}

/**
 * Tells each problem once while it lasts: a setting that stays wrong is not reported again on every
 * other change, and is reported again if it is fixed and then broken anew.
 */
export class ProblemsReportedOnce {
  private shown = new Set<string>();

  /** The problems among `current` not reported since they appeared. */
  fresh(current: readonly SettingsProblem[]): SettingsProblem[] {
    const previous = this.shown;
    this.shown = new Set(current.map((p) => p.message));
    return current.filter((p) => !previous.has(p.message));
  }
}

/**
 * The values a workspace settings file (`.vscode/settings.json`, a `.code-workspace`'s `settings`)
 * writes for the user-only settings, keyed by the setting's key without the section. VS Code drops
 * such values before an extension can see them (the `machine` scope), so the file is the only place
 * left to notice that a repository tried to redirect the feed and tell the user. Settings files are
 * JSON with comments and trailing commas; an unreadable one yields nothing.
 */
export function userOnlyValuesInSettingsFile(text: string, nested: 'settings' | undefined = undefined): Map<string, unknown> {
  const found = new Map<string, unknown>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(plainJson(text));
  } catch {
    return found;
  }
  const settings = nested ? (parsed as Record<string, unknown> | null)?.[nested] : parsed;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return found;
  for (const name of USER_ONLY_SETTINGS) {
    const key = CHECKS[name].key;
    const value = (settings as Record<string, unknown>)[`${SECTION}.${key}`];
    if (value !== undefined) found.set(key, value);
  }
  return found;
}

/**
 * The settings file as plain JSON: line and block comments and a comma that only whitespace or
 * comments separate from a closing brace or bracket are dropped; strings are kept as written.
 */
function plainJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      out += text[i + 1] === '/' ? '\n' : ' ';
      i = commentEnd(text, i);
    } else {
      if (c !== ',' || !closesAfter(text, i + 1)) out += c;
      i++;
    }
  }
  return out;
}

/** Index just after the comment that starts at `start` (a line comment's newline included). */
function commentEnd(text: string, start: number): number {
  const end = text[start + 1] === '/' ? text.indexOf('\n', start + 2) : text.indexOf('*/', start + 2);
  return end < 0 ? text.length : end + (text[start + 1] === '/' ? 1 : 2);
}

/** Whether a closing brace or bracket is the next thing after `from`, past whitespace and comments. */
function closesAfter(text: string, from: number): boolean {
  let i = from;
  while (i < text.length) {
    if (/\s/.test(text[i])) i++;
    else if (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) i = commentEnd(text, i);
    else break;
  }
  return text[i] === '}' || text[i] === ']';
}

/** Index just after the string that starts with the quote at `start` (or the text's end). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}
