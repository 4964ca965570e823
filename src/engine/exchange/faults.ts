/**
 * Failures the local exchange can inject, so every recovery path of a client can be exercised
 * against real sockets: dropped connections, broken diff chains, garbage frames, a silent server,
 * REST refusals and slowness, refused WebSocket upgrades — and a hostile exchange that lies: ids that
 * go backwards or leap, crossed books, impossible numbers, a tick size that does not fit, snapshots
 * that never bridge, bodies that never end, absurd Retry-After, connections cut just after they work.
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
  /**
   * Fail the next `times` REST calls (all of them while set when `times` is absent); 429/418 carry
   * Retry-After: `retryAfter` is sent as written (e.g. "3000000", "-5", "soon", an HTTP date), else
   * `retryAfterSec`.
   */
  restStatus?: { status: 403 | 418 | 429 | 451 | 500; retryAfterSec?: number; retryAfter?: string; times?: number };
  restDelayMs?: number;
  /** Refuse WebSocket upgrades with this HTTP status (451 = restricted location; 429/418 carry `wsRetryAfter`). */
  wsRejectStatus?: 403 | 418 | 429 | 451;
  /** The Retry-After header of a refused upgrade, as written. */
  wsRetryAfter?: string;

  // ---- lies about the book ----
  /** From a connection's Nth diff on, U, u and pu are lowered by ID_SHIFT: the stream's ids reset lower; REST keeps the true ones. */
  idsResetAfterNDiffs?: number;
  /** Every Nth diff of a connection claims ids ID_SHIFT ahead (U and u raised, pu kept); the diffs after it are truthful again. */
  idsJumpEveryNDiffs?: number;
  /** Every Nth diff carries a bid at twice one of its prices: above every ask, so the book crosses. */
  crossedEveryNDiffs?: number;
  /** REST snapshots carry a bid at twice the best ask. */
  crossedSnapshot?: boolean;
  /** Every Nth diff carries one level written impossibly, each of IMPOSSIBLE_LEVELS in turn. */
  impossibleEveryNDiffs?: number;
  /** exchangeInfo's PRICE_FILTER lies: ten times coarser than the data, 1e-10, 0, missing, or finer by ten on every other answer. */
  tickSize?: TickLie;
  /** REST snapshots claim a lastUpdateId this far ahead of the stream, so no diff ever bridges them. */
  snapshotAheadBy?: number;
  /**
   * Every Nth diff carries a bid level the exchange's book does not have (in a gap of its top 20),
   * while the ids continue the chain: the client's book drifts and only a REST snapshot can tell.
   */
  phantomEveryNDiffs?: number;

  // ---- exhaustion ----
  /**
   * A REST answer that never ends — as fast as the client reads ('endless') or a few bytes a second
   * ('trickle') — or is huge (64 MB, length declared); on `path` (default depth), with `status` (default 200).
   */
  restBody?: { kind: RestBodyLie; path?: string; status?: number };
  /** Send one frame of this many bytes on every connection, after its first data message. */
  hugeFrameBytes?: number;
  /** Close every connection this many ms after it opened. */
  closeAfterOpenMs?: number;
  /** Close every open connection this many ms after a depth snapshot was served (the client has just gone live). */
  closeAfterSnapshotMs?: number;
}

export type RestBodyLie = 'endless' | 'trickle' | 'huge';
export const REST_BODY_LIES: readonly RestBodyLie[] = ['endless', 'trickle', 'huge'];

export type TickLie = 'coarser' | 'tiny' | 'zero' | 'missing' | 'changes';
export const TICK_LIES: readonly TickLie[] = ['coarser', 'tiny', 'zero', 'missing', 'changes'];

/** How far lying ids move (about a thousandth of a real Binance id, far beyond any diff's span). */
export const ID_SHIFT = 1_000_000_000;

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
  | 'wsReject418'
  | 'wsReject429'
  | 'wsReject451'
  | 'idsReset'
  | 'idsJump'
  | 'crossed'
  | 'impossible'
  | 'tickSize'
  | 'snapshotAhead'
  | 'phantom'
  | 'restBody'
  | 'hugeFrame'
  | 'closeAfterOpen'
  | 'closeAfterSnapshot';

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
const WS_REJECT_STATUSES = new Set([403, 418, 429, 451]);

/** Throws a RangeError naming the first value that makes no sense, so a typo does not silently disable a fault. */
export function validateFaults(faults: FaultConfig): void {
  const positive = (name: string, value: number | undefined): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
  };
  positive('dropEveryNMessages', faults.dropEveryNMessages);
  positive('gapEveryNDiffs', faults.gapEveryNDiffs);
  positive('malformedEveryNMessages', faults.malformedEveryNMessages);
  positive('idsResetAfterNDiffs', faults.idsResetAfterNDiffs);
  positive('idsJumpEveryNDiffs', faults.idsJumpEveryNDiffs);
  positive('crossedEveryNDiffs', faults.crossedEveryNDiffs);
  positive('impossibleEveryNDiffs', faults.impossibleEveryNDiffs);
  positive('snapshotAheadBy', faults.snapshotAheadBy);
  positive('phantomEveryNDiffs', faults.phantomEveryNDiffs);
  positive('hugeFrameBytes', faults.hugeFrameBytes);
  positive('closeAfterOpenMs', faults.closeAfterOpenMs);
  positive('closeAfterSnapshotMs', faults.closeAfterSnapshotMs);
  if (faults.crossedSnapshot !== undefined && typeof faults.crossedSnapshot !== 'boolean') throw new RangeError(`crossedSnapshot must be true or false, got ${String(faults.crossedSnapshot)}`);
  if (faults.tickSize !== undefined && !TICK_LIES.includes(faults.tickSize)) throw new RangeError(`tickSize must be one of ${TICK_LIES.join(', ')}, got ${String(faults.tickSize)}`);
  const body = faults.restBody;
  if (body !== undefined) {
    if (!REST_BODY_LIES.includes(body.kind)) throw new RangeError(`restBody.kind must be one of ${REST_BODY_LIES.join(', ')}, got ${String(body.kind)}`);
    if (body.path !== undefined && !/^\/fapi\/v1\/[A-Za-z]+$/.test(body.path)) throw new RangeError(`restBody.path must be a /fapi/v1/ endpoint, got ${body.path}`);
    if (body.status !== undefined && !(Number.isInteger(body.status) && body.status >= 200 && body.status <= 599)) throw new RangeError(`restBody.status must be an HTTP status, got ${body.status}`);
  }
  headerText('restStatus.retryAfter', faults.restStatus?.retryAfter);
  headerText('wsRetryAfter', faults.wsRetryAfter);
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
  if (faults.wsRejectStatus !== undefined && !WS_REJECT_STATUSES.has(faults.wsRejectStatus)) {
    throw new RangeError(`wsRejectStatus must be 403, 418, 429 or 451, got ${String(faults.wsRejectStatus)}`);
  }
}

/** A header value sent as written: any text, but one line of it (Node refuses control characters in headers). */
function headerText(name: string, value: string | undefined): void {
  if (value === undefined) return;
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) throw new RangeError(`${name} must be one line of at most 200 characters, got ${JSON.stringify(value)}`);
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
