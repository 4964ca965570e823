/**
 * Failures the local exchange can inject, so every recovery path of a client can be exercised
 * against real sockets: dropped connections, broken diff chains, garbage frames, a silent server,
 * REST refusals and slowness, and refused WebSocket upgrades.
 */
export interface FaultConfig {
  /** Close the socket abruptly (as a network drop, 1006 on the client) after every N data messages. */
  dropEveryNMessages?: number;
  /** Silently skip one diff-depth event every N, so the pu chain breaks. */
  gapEveryNDiffs?: number;
  /** Replace one data message with garbage every N (truncated JSON, not JSON, wrong types, missing fields in turn). */
  malformedEveryNMessages?: number;
  /** Keep the socket open but send nothing: no data, no replies, no pings, no pongs. */
  stall?: boolean;
  /** Fail the next `times` REST calls (all of them while set when `times` is absent); 429/418 carry Retry-After. */
  restStatus?: { status: 403 | 418 | 429 | 451 | 500; retryAfterSec?: number; times?: number };
  restDelayMs?: number;
  /** Refuse WebSocket upgrades with this HTTP status (451 = restricted location). */
  wsRejectStatus?: 403 | 451;
}

export type FaultKind =
  | 'drop'
  | 'gap'
  | 'malformed'
  | 'stall'
  | 'rest403'
  | 'rest418'
  | 'rest429'
  | 'rest451'
  | 'rest500'
  | 'restDelay'
  | 'wsReject403'
  | 'wsReject451';

/** Payload of the exchange's 'fault' event. */
export interface FaultInfo {
  kind: FaultKind;
  /** The WebSocket connection it hit; absent for REST and refused upgrades. */
  connectionId?: number;
  detail: string;
}

export type MalformedKind = 'truncatedJson' | 'notJson' | 'wrongTypes' | 'missingFields';
export const MALFORMED_KINDS: readonly MalformedKind[] = ['truncatedJson', 'notJson', 'wrongTypes', 'missingFields'];

const REST_FAULT_STATUSES = new Set([403, 418, 429, 451, 500]);

/** Throws a RangeError naming the first value that makes no sense, so a typo does not silently disable a fault. */
export function validateFaults(faults: FaultConfig): void {
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
  };
  positive('dropEveryNMessages', faults.dropEveryNMessages);
  positive('gapEveryNDiffs', faults.gapEveryNDiffs);
  positive('malformedEveryNMessages', faults.malformedEveryNMessages);
  if (faults.restDelayMs !== undefined && !(faults.restDelayMs >= 0 && Number.isFinite(faults.restDelayMs))) {
    throw new RangeError(`restDelayMs must be a non-negative number, got ${faults.restDelayMs}`);
  }
  const rest = faults.restStatus;
  if (rest !== undefined) {
    if (!REST_FAULT_STATUSES.has(rest.status)) throw new RangeError(`restStatus.status must be 403, 418, 429, 451 or 500, got ${rest.status}`);
    if (rest.times !== undefined && !(Number.isInteger(rest.times) && rest.times >= 0)) throw new RangeError(`restStatus.times must be a whole number, got ${rest.times}`);
    if (rest.retryAfterSec !== undefined && !(rest.retryAfterSec >= 0 && Number.isFinite(rest.retryAfterSec))) {
      throw new RangeError(`restStatus.retryAfterSec must be a non-negative number, got ${rest.retryAfterSec}`);
    }
  }
  if (faults.wsRejectStatus !== undefined && faults.wsRejectStatus !== 403 && faults.wsRejectStatus !== 451) {
    throw new RangeError(`wsRejectStatus must be 403 or 451, got ${String(faults.wsRejectStatus)}`);
  }
}

/** Counts injected faults by kind and tells a listener about each one. */
export class FaultRecorder {
  private readonly counts: Partial<Record<FaultKind, number>> = {};

  constructor(private readonly onFault: (info: FaultInfo) => void) {}

  record(info: FaultInfo): void {
    this.counts[info.kind] = (this.counts[info.kind] ?? 0) + 1;
    this.onFault(info);
  }

  snapshot(): Record<string, number> {
    return { ...this.counts };
  }
}

/**
 * A garbage frame standing in for a real one. `wrongTypes` and `missingFields` stay valid JSON in the
 * real envelope, so a client must check fields, not just parse; the other two fail at parsing.
 */
export function malformedFrame(kind: MalformedKind, stream: string | undefined, payload: string): string {
  const wrap = (data: string): string => (stream === undefined ? data : `{"stream":"${stream}","data":${data}}`);
  switch (kind) {
    case 'truncatedJson': {
      const whole = wrap(payload);
      return whole.slice(0, Math.max(1, Math.floor(whole.length / 2)));
    }
    case 'notJson':
      return '<html><body><h1>502 Bad Gateway</h1></body></html>';
    case 'wrongTypes':
      return wrap(JSON.stringify(retype(parseObject(payload))));
    case 'missingFields': {
      const original = parseObject(payload);
      return wrap(JSON.stringify({ e: original.e, s: original.s }));
    }
  }
}

function parseObject(payload: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Fall through: the payload is not an object, so there is nothing to keep.
  }
  return {};
}

/** Every field but the event type swaps type: numbers become strings, strings numbers, lists text. */
function retype(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'e') out[key] = value;
    else if (typeof value === 'number') out[key] = `#${value}`;
    else if (typeof value === 'string') out[key] = -1;
    else if (typeof value === 'boolean') out[key] = value ? 'yes' : 'no';
    else if (Array.isArray(value)) out[key] = 'levels';
    else if (typeof value === 'object' && value !== null) out[key] = retype(value as Record<string, unknown>);
    else out[key] = 0;
  }
  return out;
}
