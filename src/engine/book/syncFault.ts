/**
 * A consistency check on the exchange's depth data failed. The synchronizer counts every fault and
 * resynchronises by itself, except `tick-mismatch`: no snapshot can fix a tick size that does not fit
 * the prices, so the feed fetches exchangeInfo again and rebuilds the engine when the tick changed.
 */
export type SyncFaultKind = 'stalled' | 'crossed' | 'tick-mismatch' | 'never-bridges' | 'verify-mismatch';

export interface SyncFault {
  kind: SyncFaultKind;
  /** What happened, in words a trader can act on. */
  message: string;
}
