import type { BookSnapshotMessage } from '../../shared/panelProtocol';

/**
 * Binary records for the SharedRing between the feed worker and the extension host. One record is one
 * frame: a small JSON header (the status, and the snapshot's scalar fields when the panel is shown)
 * followed by the snapshot's typed arrays as raw bytes, so the 3,000-row ladder crosses the thread
 * boundary as one memcpy rather than a structured clone of thousands of numbers, and the status and
 * the ladder of a frame can never be split.
 */
export const enum RecordKind {
  Frame = 3,
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// JSON has no NaN or Infinity (an empty side has a NaN best price): carry them as tagged objects.
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $nf: String(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$nf' in value) return Number((value as { $nf: string }).$nf);
  return value;
}

type SnapshotHeader = Omit<BookSnapshotMessage, 'bids' | 'asks' | 'trades'> & { lengths: number[] };
interface FrameHeader {
  status: unknown;
  snapshot: SnapshotHeader | null;
}

export interface DecodedFrame {
  readonly kind: RecordKind.Frame;
  readonly status: unknown;
  readonly snapshot: BookSnapshotMessage | undefined;
}

/** Encodes a frame: its status, and the panel's snapshot of the same moment when there is one. */
export function encodeFrame(status: unknown, snapshot: BookSnapshotMessage | undefined): Uint8Array {
  const arrays: Float64Array[] = snapshot
    ? [snapshot.bids.prices, snapshot.bids.qtys, snapshot.asks.prices, snapshot.asks.qtys, snapshot.trades.times, snapshot.trades.prices, snapshot.trades.qtys]
    : [];
  let header: FrameHeader = { status, snapshot: null };
  if (snapshot) {
    const { bids: _b, asks: _a, trades: _t, ...rest } = snapshot;
    void _b;
    void _a;
    void _t;
    header = { status, snapshot: { ...rest, lengths: [...arrays.map((a) => a.length), snapshot.trades.sides.length] } };
  }
  const json = encoder.encode(JSON.stringify(header, replacer));
  const headerBytes = align8(8 + json.length);
  let size = headerBytes;
  for (const a of arrays) size += a.byteLength;
  if (snapshot) size += snapshot.trades.sides.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, RecordKind.Frame);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let offset = headerBytes;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  if (snapshot) out.set(new Uint8Array(snapshot.trades.sides.buffer, snapshot.trades.sides.byteOffset, snapshot.trades.sides.byteLength), offset);
  return out;
}

/**
 * Decodes a frame. Bytes in shared memory (or at an unaligned offset) are copied once; a private,
 * aligned copy is used in place: the typed arrays are views on it, not further copies.
 */
export function decodeRecord(input: Uint8Array): DecodedFrame {
  const owned = !(input.buffer instanceof SharedArrayBuffer) && input.byteOffset % 8 === 0;
  const bytes = owned ? input : input.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint8(0);
  if (kind !== RecordKind.Frame) throw new Error(`unknown ring record kind ${kind}`);
  const jsonLength = view.getUint32(4, true);
  // TextDecoder refuses views of shared memory in some runtimes: the bytes are private here.
  const header = JSON.parse(decoder.decode(bytes.subarray(8, 8 + jsonLength)), reviver) as FrameHeader;
  const snap = header.snapshot;
  if (snap === null) return { kind: RecordKind.Frame, status: header.status, snapshot: undefined };
  let offset = align8(8 + jsonLength);
  const take = (n: number): Float64Array => {
    const array = new Float64Array(bytes.buffer, bytes.byteOffset + offset, n);
    offset += n * 8;
    return array;
  };
  const [nbp, nbq, nap, naq, ntt, ntp, ntq, nts] = snap.lengths;
  const bids = { prices: take(nbp), qtys: take(nbq) };
  const asks = { prices: take(nap), qtys: take(naq) };
  const times = take(ntt);
  const prices = take(ntp);
  const qtys = take(ntq);
  const sides = new Int8Array(bytes.buffer, bytes.byteOffset + offset, nts);
  const { lengths: _lengths, ...rest } = snap;
  void _lengths;
  return { kind: RecordKind.Frame, status: header.status, snapshot: { ...rest, bids, asks, trades: { times, prices, qtys, sides } } };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
